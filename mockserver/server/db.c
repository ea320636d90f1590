/* db.c - the keyspace, see db.h.
 *
 * Each database is two dicts: keys -> value, and the set of keys that have
 * a TTL, which db_active_expire samples (like Redis's expires dict). The TTL
 * itself lives in the value (obj->expire), so RENAME and MOVE carry it along
 * for free. */
#include "db.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "mem.h"
#include "memory.h"

static void free_obj(void *o)
{
    obj_free(o);
}

void db_init(struct db *db)
{
    db->keys = dict_new(free_obj);
    db->expires = dict_new(NULL);
    db->rng = 0x2545F4914F6CDD1DULL;
    db->expired = db->hits = db->misses = 0;
    db->on_change = NULL;
    db->on_change_ud = NULL;
    db->on_event = NULL;
    db->on_event_ud = NULL;
    db->on_access = NULL;
    db->on_store = NULL;
    db->on_access_ud = NULL;
    db->mem = 0;
}

void db_destroy(struct db *db)
{
    dict_free(db->expires);
    dict_free(db->keys);
    db->keys = db->expires = NULL;
}

static void db__changed(struct db *db, const char *key, size_t klen)
{
    if (db->on_change)
        db->on_change(db->on_change_ud, db, key, klen);
}

void db_flush(struct db *db)
{
    db__changed(db, NULL, 0);
    dict_clear(db->expires);
    dict_clear(db->keys);
    db->mem = 0;
}

size_t db_size(const struct db *db)
{
    return dict_size(db->keys);
}

size_t db_expires_count(const struct db *db)
{
    return dict_size(db->expires);
}

/* The memory model: what key e and its value stop counting. */
static void db__uncount(struct db *db, const struct dict_entry *e)
{
    const struct obj *o = e->val;
    db->mem -= mem_key_overhead(e->klen) + o->mem;
}

static void db__remove(struct db *db, struct dict_entry *e)
{
    struct obj *o = e->val;
    db__uncount(db, e);
    if (o->expire >= 0)
        dict_delete(db->expires, e->key, e->klen);
    if (db->on_change == NULL) {
        dict_remove(db->keys, e);
        return;
    }
    size_t klen = e->klen; /* the key's bytes die with e: the listener gets a copy */
    char *key = mem_alloc(klen + 1);
    memcpy(key, e->key, klen);
    dict_remove(db->keys, e);
    db__changed(db, key, klen);
    free(key);
}

/* Deletes e because it expired: counted, then reported to both listeners
 * (on_change first, as Redis deletes before it notifies). */
static void db__expire(struct db *db, struct dict_entry *e)
{
    db->expired++;
    if (db->on_event == NULL) {
        db__remove(db, e);
        return;
    }
    size_t klen = e->klen;
    char *key = mem_alloc(klen + 1);
    memcpy(key, e->key, klen);
    db__remove(db, e);
    db->on_event(db->on_event_ud, db, DB_EV_EXPIRED, key, klen);
    free(key);
}

enum db_state db_state(const struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    const struct obj *o = db_peek(db, key, klen);
    if (o == NULL)
        return DB_ABSENT;
    return o->expire >= 0 && o->expire <= now_ms ? DB_EXPIRED : DB_LIVE;
}

const struct obj *db_peek(const struct db *db, const char *key, size_t klen)
{
    struct dict_entry *e = dict_find(db->keys, key, klen);
    return e ? e->val : NULL;
}

static struct obj *db__lookup(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    struct dict_entry *e = dict_find(db->keys, key, klen);
    if (e == NULL)
        return NULL;
    struct obj *o = e->val;
    if (o->expire >= 0 && o->expire <= now_ms) {
        db__expire(db, e);
        return NULL;
    }
    return o;
}

struct obj *db_lookup(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    struct obj *o = db__lookup(db, key, klen, now_ms);
    if (o && db->on_access)
        db->on_access(db->on_access_ud, o);
    return o;
}

struct obj *db_lookup_notouch(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    return db__lookup(db, key, klen, now_ms);
}

struct obj *db_lookup_read_notouch(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    struct obj *o = db__lookup(db, key, klen, now_ms);
    if (o) {
        db->hits++;
    } else {
        db->misses++;
        if (db->on_event)
            db->on_event(db->on_event_ud, db, DB_EV_MISS, key, klen);
    }
    return o;
}

struct obj *db_lookup_read(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    struct obj *o = db_lookup_read_notouch(db, key, klen, now_ms);
    if (o && db->on_access)
        db->on_access(db->on_access_ud, o);
    return o;
}

void db_set(struct db *db, const char *key, size_t klen, struct obj *o, int keepttl)
{
    assert(o != NULL);
    int created;
    struct dict_entry *e = dict_upsert(db->keys, key, klen, &created);
    if (!created) {
        struct obj *old = e->val;
        assert(old != o); /* the old value is freed */
        db->mem -= old->mem;
        if (keepttl)
            o->expire = old->expire;
        if (o->lru == OBJ_LRU_UNSET && db->on_store)
            db->on_store(db->on_access_ud, o, old);
        obj_free(old);
    }
    if (o->lru == OBJ_LRU_UNSET && db->on_store)
        db->on_store(db->on_access_ud, o, NULL);
    e->val = o;
    if (created)
        db->mem += mem_key_overhead(klen);
    o->mem = mem_obj_update(o);
    db->mem += o->mem;
    int added = created;
    if (o->expire >= 0) {
        dict_upsert(db->expires, key, klen, &created);
    } else {
        dict_delete(db->expires, key, klen);
    }
    db__changed(db, key, klen);
    if (added && db->on_event)
        db->on_event(db->on_event_ud, db, DB_EV_NEW, key, klen);
}

int db_delete(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    if (db__lookup(db, key, klen, now_ms) == NULL)
        return 0;
    db__remove(db, dict_find(db->keys, key, klen));
    return 1;
}

int db_delete_stored(struct db *db, const char *key, size_t klen)
{
    struct dict_entry *e = dict_find(db->keys, key, klen);
    if (e == NULL)
        return 0;
    db__remove(db, e);
    return 1;
}

void db_drop_if_empty(struct db *db, const char *key, size_t klen, const struct obj *o,
                      int64_t now_ms)
{
    assert(o->type != OBJ_STRING);
    assert(db_peek(db, key, klen) == o);
    if (obj_len(o) == 0)
        db_delete(db, key, klen, now_ms);
}

int db_expire_now(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    if (db__lookup(db, key, klen, now_ms) == NULL)
        return 0;
    db__expire(db, dict_find(db->keys, key, klen));
    return 1;
}

struct obj *db_take(struct db *db, const char *key, size_t klen, int64_t now_ms)
{
    struct obj *o = db_lookup(db, key, klen, now_ms);
    if (o == NULL)
        return NULL;
    if (o->expire >= 0)
        dict_delete(db->expires, key, klen);
    db__uncount(db, dict_find(db->keys, key, klen));
    dict_take(db->keys, key, klen);
    db__changed(db, key, klen);
    return o;
}

void db_mem_refresh(struct db *db, const char *key, size_t klen)
{
    struct dict_entry *e = dict_find(db->keys, key, klen);
    if (e == NULL)
        return;
    struct obj *o = e->val;
    db->mem -= o->mem;
    o->mem = mem_obj_update(o);
    db->mem += o->mem;
}

void db_set_expire(struct db *db, const char *key, size_t klen, struct obj *o, int64_t when_ms)
{
    assert(db_peek(db, key, klen) == o);
    int created;
    if (when_ms >= 0) {
        o->expire = when_ms;
        dict_upsert(db->expires, key, klen, &created);
    } else if (o->expire >= 0) {
        o->expire = -1;
        dict_delete(db->expires, key, klen);
    } else {
        return;
    }
    db__changed(db, key, klen);
}

size_t db_active_expire(struct db *db, int64_t now_ms, size_t budget)
{
    size_t deleted = 0;
    /* Sample like Redis: 20 keys a round, another round while more than a
     * quarter of the sample had expired, within the caller's budget. */
    while (budget > 0 && dict_size(db->expires) > 0) {
        size_t sample = dict_size(db->expires) < 20 ? dict_size(db->expires) : 20;
        size_t hit = 0;
        for (size_t i = 0; i < sample && budget > 0; i++, budget--) {
            struct dict_entry *x = dict_random(db->expires, &db->rng);
            struct dict_entry *e = dict_find(db->keys, x->key, x->klen);
            struct obj *o = e->val;
            if (o->expire <= now_ms) {
                db__expire(db, e);
                hit++;
            }
        }
        deleted += hit;
        if (hit * 4 <= sample)
            break;
    }
    return deleted;
}
