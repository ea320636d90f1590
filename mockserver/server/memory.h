/* memory.h - the memory model: what Redis 7.0 would count as used memory
 * for the dataset mockredis holds, and how each value is encoded.
 *
 * mockredis does not measure its own allocations: it models Redis's
 * accounting (the encodings Redis would choose -- listpack, quicklist,
 * intset, hashtable, skiplist, embstr, int, raw -- and their sizes), so
 * that INFO's used_memory, MEMORY USAGE and maxmemory eviction behave as
 * they would on redis-server for the same data. The model and its error
 * against redis-server are documented in docs/protocol.md ("Memory model").
 *
 * The bookkeeping is incremental, so that mem_used is cheap enough to call
 * before every write: each stored value caches its size (obj->mem) and its
 * encoding (obj->enc); each database keeps the running sum of its keys and
 * values (db->mem, kept by db.c through mem_key_overhead and
 * mem_obj_update); after a write command the dispatcher re-measures the
 * values at the keys it named (db_mem_refresh). mem_used then only adds the
 * databases' sums, their hash tables' buckets and the clients.
 *
 * Encodings follow Redis 7.0.15: a value is measured from its contents the
 * first time (OBJ_ENC_NONE), then only ever converted upwards (listpack ->
 * hashtable / skiplist, intset -> hashtable), never back, at the
 * thresholds of the CONFIG parameters in mem_limits. Lists are always
 * quicklists (7.0 has no listpack lists); strings are int (a canonical
 * integer of at most 20 bytes), embstr (at most 44 bytes) or raw, and the
 * commands that edit a string in place (APPEND, SETRANGE, SETBIT,
 * BITFIELD) make it raw (mem_string_raw), as Redis does.
 *
 * Depends on: core.h (the databases, clients, configuration), obj.h, and
 * the value types' own headers (zset.h, stream.h, dict.h). */
#ifndef MOCKREDIS_MEMORY_H
#define MOCKREDIS_MEMORY_H

#include <stddef.h>

struct core;
struct obj;

/* INFO's used_memory: the whole server as Redis would count it. O(number
 * of databases + clients). */
size_t mem_used(const struct core *core);
/* MEMORY USAGE key [SAMPLES n]: bytes of the key (klen bytes) holding o;
 * samples 0 means all elements. */
size_t mem_key_usage(const char *key, size_t klen, const struct obj *o, long long samples);
/* OBJECT ENCODING's name for o: "embstr", "int", "raw", "listpack",
 * "quicklist", "intset", "hashtable", "skiplist", "stream". */
const char *mem_encoding(const struct obj *o);

/* ---- the figures of INFO memory and MEMORY STATS ------------------------- */

/* used = startup + clients + lua_caches + functions_caches + the
 * databases' hash tables + dataset_keys (the keys and values). overhead
 * is Redis's used_memory_overhead (startup, clients, caches, the hash
 * tables as Redis's MEMORY STATS counts them); dataset = used - overhead.
 * The allocator and RSS figures are modelled from used on redis-server
 * 7.0.15's empty-server figures (docs/protocol.md). */
struct mem_stats {
    size_t used, peak, startup, overhead, dataset;
    size_t clients_normal, lua_caches, functions_caches;
    size_t keys; /* in every database */
    size_t allocated, active, resident, rss;
    size_t total_system;
};
void mem_stats(const struct core *core, struct mem_stats *st);
/* MEMORY STATS's per-database figures, for database i: its hash tables as
 * Redis counts them (overhead.hashtable.main / .expires). */
size_t mem_db_overhead_main(const struct core *core, int i);
size_t mem_db_overhead_expires(const struct core *core, int i);
/* Records used memory's peak (used_memory_peak): after each write. */
void mem_note_peak(const struct core *core);
/* MEMORY DOCTOR's report (Redis's texts, chosen by the same thresholds). */
const char *mem_doctor(const struct core *core);

/* ---- the bookkeeping (db.c, the dispatcher) ------------------------------ */

/* Bytes of a key of klen bytes in its database's hash table: the entry
 * and the key string. */
size_t mem_key_overhead(size_t klen);
/* Chooses o's encoding (the first time from its contents, later only
 * converting upwards as Redis does) and returns the bytes its value
 * counts. O(elements) while o is small (listpack, intset), O(1) up to a
 * bounded sample for a big one. */
size_t mem_obj_update(struct obj *o);
/* A string edited in place (APPEND, SETRANGE, SETBIT, BITFIELD): raw from
 * now on; greedy: grown by Redis's sdsMakeRoomFor, which leaves as much
 * spare room as the length (up to 1 MiB), else allocated exactly. */
void mem_string_raw(struct obj *o, int greedy);
/* Forgets o's encoding history: the next mem_obj_update encodes it from
 * its contents, as Redis's RDB load does (DEBUG RELOAD). */
void mem_reencode(struct obj *o);
/* A string Redis builds without trying the int encoding (INCRBYFLOAT's
 * result): embstr up to 44 bytes, else raw. */
void mem_string_plain(struct obj *o);

/* ---- the encoding thresholds (CONFIG) ------------------------------------ */

/* Redis 7.0.15's parameters, defaults in brackets. */
struct mem_limits {
    long long
        hash_entries;     /* hash-max-listpack-entries (512, redis-server without a config file) */
    long long hash_value; /* hash-max-listpack-value (64) */
    long long zset_entries;  /* zset-max-listpack-entries (128) */
    long long zset_value;    /* zset-max-listpack-value (64) */
    long long set_intset;    /* set-max-intset-entries (512) */
    long long list_size;     /* list-max-listpack-size (-2) */
    long long list_compress; /* list-compress-depth (0): accepted, no effect */
};
/* The process's thresholds (one server a process). */
extern struct mem_limits mem_limits;
/* Back to Redis's defaults (core_init). */
void mem_limits_reset(void);
/* The parameter called name (a CONFIG name, aliases too): a pointer to its
 * value, NULL when name is none of these. */
long long *mem_limit_field(const char *name);

#endif
