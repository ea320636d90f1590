/* evict.c - maxmemory: access bookkeeping and eviction (evict.h). */
#include "evict.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "db.h"
#include "dict.h"
#include "mem.h"
#include "memory.h"
#include "notify.h"
#include "obj.h"

#define LRU_MAX   ((1u << 24) - 1) /* Redis's 24-bit LRU clock, in seconds */
#define LFU_INIT  5                /* a new value's counter */
#define POOL_SIZE 16               /* Redis's EVPOOL_SIZE */

const char *const evict_policy_names[EVICT__COUNT] = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction",
};

/* A candidate of the pool: the higher score, the better to evict. */
struct pool_ent {
    uint64_t score;
    char *key; /* NULL: free slot */
    size_t klen;
    int dbi;
};

struct evict_state {
    struct pool_ent pool[POOL_SIZE]; /* ascending score, filled from the left */
    unsigned next_db;                /* the *-random policies' round robin */
};

int evict_policy_find(const char *name)
{
    for (int i = 0; i < EVICT__COUNT; i++)
        if (!strcasecmp(evict_policy_names[i], name))
            return i;
    return -1;
}

int evict_lfu(const struct core *core)
{
    return core->cfg.mm_policy == EVICT_ALLKEYS_LFU || core->cfg.mm_policy == EVICT_VOLATILE_LFU;
}

/* ---- bookkeeping ---------------------------------------------------------------- */

static uint32_t lru_clock(const struct core *core)
{
    return (uint32_t)((uint64_t)(core_now_ms(core) / 1000) & LRU_MAX);
}

static uint32_t lfu_minutes(const struct core *core)
{
    return (uint32_t)((uint64_t)(core_now_ms(core) / 1000 / 60) & 65535);
}

/* The counter of o decayed by the periods elapsed since its last decrement. */
static unsigned lfu_decayed(const struct core *core, const struct obj *o)
{
    uint32_t ldt = o->lru >> 8, now = lfu_minutes(core);
    unsigned counter = o->lru & 255;
    uint32_t elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
    uint32_t periods = core->cfg.lfu_decay_time ? elapsed / (uint32_t)core->cfg.lfu_decay_time : 0;
    return periods > counter ? 0 : counter - periods;
}

/* A uniform draw in [0, 1) from the server's rng. */
static double draw(struct core *core)
{
    return (double)(dict_rand(&core->rng) >> 11) * (1.0 / 9007199254740992.0);
}

static void on_access(void *ud, struct obj *o)
{
    struct core *core = ud;
    if (!evict_lfu(core)) {
        o->lru = lru_clock(core);
        return;
    }
    unsigned counter = lfu_decayed(core, o);
    if (counter < 255) {
        double base = counter > LFU_INIT ? (double)(counter - LFU_INIT) : 0.0;
        if (draw(core) < 1.0 / (base * core->cfg.lfu_log_factor + 1))
            counter++;
    }
    o->lru = lfu_minutes(core) << 8 | counter;
}

static void on_store(void *ud, struct obj *o, const struct obj *old)
{
    struct core *core = ud;
    if (!evict_lfu(core))
        o->lru = lru_clock(core);
    else if (old != NULL) /* an overwrite keeps the frequency, as Redis's dbSetValue */
        o->lru = old->lru;
    else
        o->lru = lfu_minutes(core) << 8 | LFU_INIT;
}

void evict_attach(struct core *core)
{
    for (int i = 0; i < DB_COUNT; i++) {
        core->db[i].on_access = on_access;
        core->db[i].on_store = on_store;
        core->db[i].on_access_ud = core;
    }
}

static void pool_clear(struct evict_state *ev)
{
    for (int i = 0; i < POOL_SIZE; i++) {
        free(ev->pool[i].key);
        ev->pool[i].key = NULL;
    }
}

void evict_destroy(struct core *core)
{
    if (core->evict) {
        pool_clear(core->evict);
        free(core->evict);
        core->evict = NULL;
    }
}

long long evict_idle_seconds(const struct core *core, const struct obj *o)
{
    uint32_t now = lru_clock(core), l = o->lru & LRU_MAX;
    return now >= l ? (long long)(now - l) : (long long)(now + (LRU_MAX - l));
}

int evict_freq(const struct core *core, const struct obj *o)
{
    return (int)lfu_decayed(core, o);
}

/* ---- eviction ------------------------------------------------------------------- */

static int allkeys(int policy)
{
    return policy == EVICT_ALLKEYS_LRU || policy == EVICT_ALLKEYS_LFU ||
           policy == EVICT_ALLKEYS_RANDOM;
}

/* How good o is to evict under the policy: idle time, 255 - frequency,
 * or how soon it expires. */
static uint64_t score(const struct core *core, const struct obj *o)
{
    switch (core->cfg.mm_policy) {
    case EVICT_ALLKEYS_LRU:
    case EVICT_VOLATILE_LRU: return (uint64_t)evict_idle_seconds(core, o) * 1000;
    case EVICT_ALLKEYS_LFU:
    case EVICT_VOLATILE_LFU: return 255 - (uint64_t)lfu_decayed(core, o);
    default: return UINT64_MAX - (uint64_t)o->expire;
    }
}

/* Samples keys of database dbi and inserts them into the pool by score,
 * as Redis's evictionPoolPopulate: a full pool drops its worst. */
static void pool_populate(struct core *core, struct evict_state *ev, int dbi, struct dict *from)
{
    struct db *db = &core->db[dbi];
    struct pool_ent *pool = ev->pool;
    /* maxmemory-samples random keys; every key once when there are no
     * more than that (Redis's dictGetSomeKeys then walks the whole table) */
    size_t n = (size_t)core->cfg.mm_samples;
    int every = n >= dict_size(from);
    struct dict_entry *next = every ? dict_first(from) : NULL;
    if (every)
        n = dict_size(from);
    for (size_t s = 0; s < n; s++) {
        struct dict_entry *e;
        if (every) {
            e = next;
            next = dict_next(next);
        } else {
            e = dict_random(from, &core->rng);
        }
        const struct obj *o = db_peek(db, e->key, e->klen);
        if (o == NULL)
            continue;
        uint64_t sc = score(core, o);
        int k = 0;
        while (k < POOL_SIZE && pool[k].key && pool[k].score < sc)
            k++;
        if (k == 0 && pool[POOL_SIZE - 1].key != NULL)
            continue; /* worse than every candidate of a full pool */
        if (k < POOL_SIZE && pool[k].key == NULL) {
            /* a free slot at the insertion point */
        } else if (pool[POOL_SIZE - 1].key == NULL) {
            memmove(pool + k + 1, pool + k, sizeof(*pool) * (size_t)(POOL_SIZE - k - 1));
        } else {
            k--; /* full: drop the worst (leftmost) */
            free(pool[0].key);
            memmove(pool, pool + 1, sizeof(*pool) * (size_t)k);
        }
        pool[k].score = sc;
        pool[k].key = mem_dup(e->key, e->klen);
        pool[k].klen = e->klen;
        pool[k].dbi = dbi;
    }
}

/* Picks the key to evict: *dbi and a copy of its name (freed by the
 * caller), or NULL when there is nothing to evict. */
static char *pick(struct core *core, struct evict_state *ev, int *dbi, size_t *klen)
{
    int policy = core->cfg.mm_policy, all = allkeys(policy);
    if (policy == EVICT_ALLKEYS_RANDOM || policy == EVICT_VOLATILE_RANDOM) {
        for (int i = 0; i < DB_COUNT; i++) {
            int j = (int)(++ev->next_db % DB_COUNT);
            struct dict *d = all ? core->db[j].keys : core->db[j].expires;
            if (dict_size(d) == 0)
                continue;
            struct dict_entry *e = dict_random(d, &core->rng);
            *dbi = j;
            *klen = e->klen;
            return mem_dup(e->key, e->klen);
        }
        return NULL;
    }
    for (;;) {
        size_t total = 0;
        for (int i = 0; i < DB_COUNT; i++) {
            struct dict *d = all ? core->db[i].keys : core->db[i].expires;
            if (dict_size(d) == 0)
                continue;
            pool_populate(core, ev, i, d);
            total += dict_size(d);
        }
        if (total == 0)
            return NULL;
        /* The best candidate still there; the pool forgets those gone. */
        for (int k = POOL_SIZE - 1; k >= 0; k--) {
            struct pool_ent *p = &ev->pool[k];
            if (p->key == NULL)
                continue;
            struct db *db = &core->db[p->dbi];
            char *key = p->key;
            size_t kl = p->klen;
            int d = p->dbi;
            p->key = NULL;
            if (dict_find(all ? db->keys : db->expires, key, kl) != NULL) {
                *dbi = d;
                *klen = kl;
                return key;
            }
            free(key);
        }
    }
}

/* Used memory as eviction counts it (core->cfg.mm_data_only: without the
 * clients'). */
static size_t used_now(const struct core *core)
{
    if (!core->cfg.mm_data_only)
        return mem_used(core);
    struct mem_stats st;
    mem_stats(core, &st);
    return st.used > st.clients_normal ? st.used - st.clients_normal : 0;
}

int evict_perform(struct core *core)
{
    long long max = core->cfg.maxmemory;
    if (max <= 0)
        return 0;
    size_t used = used_now(core);
    if (used <= (size_t)max)
        return 0;
    if (core->cfg.mm_policy == EVICT_NOEVICTION)
        return -1;
    if (core->evict == NULL)
        core->evict = mem_calloc(1, sizeof(*core->evict));
    while (used > (size_t)max) {
        int dbi;
        size_t klen;
        char *key = pick(core, core->evict, &dbi, &klen);
        if (key == NULL)
            return -1;
        /* As Redis: deleted (a keyspace change), counted, then the event. */
        db_delete_stored(&core->db[dbi], key, klen);
        core->st.evicted++;
        core->evicted_ever++;
        notify_keyspace_event(core, NOTIFY_EVICTED, "evicted", key, klen, dbi);
        free(key);
        used = used_now(core);
    }
    return 0;
}
