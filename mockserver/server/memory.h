/* memory.h - the memory model: what Redis 7.0 would count as used memory
 * for the dataset mockredis holds, and how each value is encoded.
 *
 * mockredis does not measure its own allocations: it models Redis's
 * accounting (the encodings Redis would choose -- listpack, quicklist,
 * intset, hashtable, skiplist, embstr, int, raw -- and their sizes), so
 * that INFO's used_memory, MEMORY USAGE and maxmemory eviction behave as
 * they would on redis-server for the same data. The model and its error
 * against redis-server are documented in docs/protocol.md.
 *
 * Depends on: core.h (the databases), obj.h. */
#ifndef MOCKREDIS_MEMORY_H
#define MOCKREDIS_MEMORY_H

#include <stddef.h>

struct core;
struct obj;

/* INFO's used_memory: the whole server as Redis would count it. */
size_t mem_used(const struct core *core);
/* MEMORY USAGE key [SAMPLES n]: bytes of the key (klen bytes) holding o;
 * samples 0 means all elements. */
size_t mem_key_usage(const char *key, size_t klen, const struct obj *o, long long samples);
/* OBJECT ENCODING's name for o: "embstr", "int", "raw", "listpack",
 * "quicklist", "intset", "hashtable", "skiplist", "stream". */
const char *mem_encoding(const struct obj *o);

#endif
