/* db.h - the keyspace: 16 databases of key -> value with TTLs.
 *
 * Expiry is lazy and active, as in Redis: a read or write of an expired key
 * deletes it first (so it is never seen), and db_active_expire samples keys
 * with a TTL from time to time. "now" is passed in by the caller (from
 * clock.h), so the keyspace itself never reads a clock and tests can drive
 * time freely. Values stored here are owned by the keyspace. */
#ifndef MOCKREDIS_DB_H
#define MOCKREDIS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "obj.h"

#define DB_COUNT 16

struct dict;

struct db {
    struct dict *keys;    /* key -> struct obj* */
    struct dict *expires; /* key -> NULL, every key that has a TTL (for sampling) */
    uint64_t rng;
    uint64_t expired; /* keys deleted because their TTL passed */
    uint64_t hits, misses;
    /* Called after every change of what a key holds -- set, delete (also
     * by expiry), TTL set or removed -- and, with key NULL, just before
     * db_flush empties the database. NULL: nobody listens (WATCH does). */
    void (*on_change)(void *ud, struct db *db, const char *key, size_t klen);
    void *on_change_ud;
    /* Called after a key was deleted because its TTL passed (lazy or
     * active expiry, DB_EV_EXPIRED; after on_change), and when a read
     * (db_lookup_read) finds no live key (DB_EV_MISS, after the expiry of
     * that key if it had one), and when db_set adds a key (DB_EV_NEW). A listener of its own, apart
     * from on_change (WATCH, blocked clients, tracking): keyspace notifications (notify.h) install
     * it. NULL: nobody listens. */
    void (*on_event)(void *ud, struct db *db, int ev, const char *key, size_t klen);
    void *on_event_ud;
    /* Access bookkeeping for maxmemory (evict.h): on_access is called on
     * the live value every lookup returns (db_lookup, db_lookup_read, not
     * db_lookup_read_notouch), on_store by db_set on a value stored for
     * the first time (o->lru OBJ_LRU_UNSET), with the value it replaces
     * (NULL: none). NULL: nobody keeps the bookkeeping. */
    void (*on_access)(void *ud, struct obj *o);
    void (*on_store)(void *ud, struct obj *o, const struct obj *old);
    void *on_access_ud;
    /* The memory model's running total (memory.h): what the keys and
     * values of this database count, each value's o->mem; the hash tables'
     * buckets and TTL entries are derived from the dict sizes. Whoever
     * moves the dicts to another database (SWAPDB) moves this with them. */
    size_t mem;
};

#define DB_EV_EXPIRED 1
#define DB_EV_MISS    2
#define DB_EV_NEW     3 /* db_set added a key that was not there */

void db_init(struct db *db);
void db_destroy(struct db *db);
/* Deletes every key. */
void db_flush(struct db *db);
size_t db_size(const struct db *db);
size_t db_expires_count(const struct db *db);

/* What key holds, without side effects: DB_ABSENT, DB_LIVE, or DB_EXPIRED
 * (stored, but its TTL has passed: every lookup deletes it). */
enum db_state { DB_ABSENT, DB_LIVE, DB_EXPIRED };
enum db_state db_state(const struct db *db, const char *key, size_t klen, int64_t now_ms);
/* The stored value, live or expired, without side effects; NULL if none. */
const struct obj *db_peek(const struct db *db, const char *key, size_t klen);

/* The live value at key, or NULL if there is none (an expired key is
 * deleted on the way). Does not touch hit/miss counters. */
struct obj *db_lookup(struct db *db, const char *key, size_t klen, int64_t now_ms);
/* Same, counting a keyspace hit or miss (reads by commands). */
struct obj *db_lookup_read(struct db *db, const char *key, size_t klen, int64_t now_ms);

/* Same as db_lookup, leaving the value's access bookkeeping alone (SCAN's
 * expiry check). */
struct obj *db_lookup_notouch(struct db *db, const char *key, size_t klen, int64_t now_ms);
/* Same as db_lookup_read, leaving the value's access bookkeeping alone
 * (Redis's LOOKUP_NOTOUCH: TYPE, EXISTS, TTL, OBJECT). */
struct obj *db_lookup_read_notouch(struct db *db, const char *key, size_t klen, int64_t now_ms);

/* Stores o (not NULL, not the value already there) at key, replacing (and
 * freeing) any value that was there. The TTL of the new value is
 * o->expire; with keepttl the old value's TTL is kept. */
void db_set(struct db *db, const char *key, size_t klen, struct obj *o, int keepttl);
/* Deletes key. Returns 1 if a live value was deleted, 0 if there was none. */
int db_delete(struct db *db, const char *key, size_t klen, int64_t now_ms);
/* Deletes key whether its TTL has passed or not (eviction: Redis deletes
 * the key it picked as it is). Returns 1 if a value was deleted. */
int db_delete_stored(struct db *db, const char *key, size_t klen);
/* Deletes key when o, the list, hash, set or sorted set stored there, has
 * no element left: Redis never keeps an empty collection. The delete is a
 * keyspace change (on_change) like any other. */
void db_drop_if_empty(struct db *db, const char *key, size_t klen, const struct obj *o,
                      int64_t now_ms);
/* Deletes key as expired whatever its TTL (a scenario's `expire`
 * action): counted in db->expired and reported as DB_EV_EXPIRED like an
 * expiry. Returns 1 if a live value was deleted, 0 if there was none. */
int db_expire_now(struct db *db, const char *key, size_t klen, int64_t now_ms);
/* Removes key and hands its value (TTL included) to the caller; NULL if none. */
struct obj *db_take(struct db *db, const char *key, size_t klen, int64_t now_ms);

/* Recomputes the memory model's size and encoding of the value at key
 * (mem_obj_update), after a command may have changed it in place; db->mem
 * follows. Nothing when the key is missing. */
void db_mem_refresh(struct db *db, const char *key, size_t klen);

/* Sets (when_ms >= 0) or removes (when_ms < 0) the TTL of the stored value o
 * at key. Removing a TTL o does not have is no change. */
void db_set_expire(struct db *db, const char *key, size_t klen, struct obj *o, int64_t when_ms);

/* Deletes up to budget sampled keys whose TTL has passed. Returns how many
 * were deleted. */
size_t db_active_expire(struct db *db, int64_t now_ms, size_t budget);

#endif
