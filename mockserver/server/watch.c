/* watch.c - WATCH, see watch.h.
 *
 * core->watched maps "<db byte><key>" to the clients watching that key
 * (struct watchers); each client keeps its own list of those entries
 * (struct watch_ref), with the "already expired when watched" flag Redis
 * keeps per client and key. Dict entries never move, so a client can point
 * at its entries. A touch sets CL_DIRTY_CAS on the watchers. */
#include "watch.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "core.h"
#include "dict.h"
#include "mem.h"
#include "tracking.h"

struct watchers {
    struct dict_entry *self; /* its entry in core->watched */
    struct client **c;
    int n, cap;
    /* a write command's probe (watch_before .. watch_after) */
    int probing;
    uint64_t before;
    struct watchers *probe_next;
};

static void watchers_free(void *p)
{
    struct watchers *w = p;
    free(w->c);
    free(w);
}

/* "<db><key>" in buf when it fits (else allocated): returns it. */
static char *wkey(int dbi, const char *key, size_t klen, char *buf, size_t size)
{
    char *k = klen + 1 <= size ? buf : mem_alloc(klen + 1);
    k[0] = (char)dbi;
    memcpy(k + 1, key, klen);
    return k;
}

static struct watchers *find(const struct core *core, int dbi, const char *key, size_t klen)
{
    if (core->watched == NULL || dict_size(core->watched) == 0)
        return NULL;
    char buf[256];
    char *k = wkey(dbi, key, klen, buf, sizeof(buf));
    struct dict_entry *e = dict_find(core->watched, k, klen + 1);
    if (k != buf)
        free(k);
    return e ? e->val : NULL;
}

static struct db *db_of_entry(struct core *core, const struct dict_entry *e)
{
    return &core->db[(unsigned char)e->key[0]];
}

static struct watch_ref *ref_of(struct client *c, const struct dict_entry *e)
{
    for (int i = 0; i < c->nwatch; i++)
        if (c->watch[i].ent == e)
            return &c->watch[i];
    return NULL;
}

/* The key of w changed (flush: it is about to be emptied away). */
static void touch(struct core *core, struct watchers *w, int flush)
{
    const struct dict_entry *e = w->self;
    for (int i = 0; i < w->n; i++) {
        struct watch_ref *r = ref_of(w->c[i], e);
        if (r->expired) {
            /* Expired when watched: its deletion is no change (a flush
             * deletes it); being set again is. */
            if (flush || db_peek(db_of_entry(core, e), e->key + 1, e->klen - 1) == NULL) {
                r->expired = 0;
                continue;
            }
            r->expired = 0;
        }
        w->c[i]->flags |= CL_DIRTY_CAS;
    }
}

void watch_touch(struct core *core, int dbi, const char *key, size_t klen)
{
    assert(dbi >= 0 && dbi < DB_COUNT);
    tracking_changed(core, key, klen); /* the same signal changes the key for client tracking */
    if (core->cluster != NULL)         /* and for a primary's replicas (cluster.h) */
        cluster_repl_changed(core, dbi, key, klen);
    struct watchers *w = find(core, dbi, key, klen);
    if (w)
        touch(core, w, 0);
}

int watch_active(const struct core *core)
{
    return core->watched != NULL && dict_size(core->watched) > 0;
}

void watch_changed(struct core *core, int dbi, const char *key, size_t klen)
{
    assert(dbi >= 0 && dbi < DB_COUNT);
    if (!watch_active(core))
        return;
    struct db *db = &core->db[dbi];
    if (key != NULL && core->watch_hushed)
        return;
    if (key != NULL) {
        struct watchers *w = find(core, dbi, key, klen);
        if (w)
            touch(core, w, 0);
        return;
    }
    for (struct dict_entry *e = dict_first(core->watched); e; e = dict_next(e))
        if ((unsigned char)e->key[0] == dbi && db_peek(db, e->key + 1, e->klen - 1) != NULL)
            touch(core, e->val, 1);
}

void watch_key(struct core *core, struct client *c, const char *key, size_t klen)
{
    if (core->watched == NULL)
        core->watched = dict_new(watchers_free);
    char buf[256];
    char *k = wkey(c->dbi, key, klen, buf, sizeof(buf));
    int created;
    struct dict_entry *e = dict_upsert(core->watched, k, klen + 1, &created);
    if (k != buf)
        free(k);
    if (created) {
        struct watchers *w = mem_calloc(1, sizeof(*w));
        w->self = e;
        e->val = w;
    }
    if (ref_of(c, e))
        return;
    core_listen_update(core);
    struct watchers *w = e->val;
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 4;
        w->c = mem_realloc(w->c, (size_t)w->cap * sizeof(*w->c));
    }
    w->c[w->n++] = c;
    if (c->nwatch == c->capwatch) {
        c->capwatch = c->capwatch ? 2 * c->capwatch : 4;
        c->watch = mem_realloc(c->watch, (size_t)c->capwatch * sizeof(*c->watch));
    }
    struct watch_ref *r = &c->watch[c->nwatch++];
    r->ent = e;
    r->expired = db_state(&core->db[c->dbi], key, klen, core_now_ms(core)) == DB_EXPIRED;
}

void watch_forget(struct core *core, struct client *c)
{
    c->flags &= ~CL_DIRTY_CAS;
    if (c->nwatch == 0)
        return;
    for (int i = 0; i < c->nwatch; i++) {
        struct dict_entry *e = c->watch[i].ent;
        struct watchers *w = e->val;
        for (int j = 0; j < w->n; j++) {
            if (w->c[j] == c) {
                w->c[j] = w->c[--w->n];
                break;
            }
        }
        if (w->n == 0)
            dict_remove(core->watched, e);
    }
    free(c->watch);
    c->watch = NULL;
    c->nwatch = c->capwatch = 0;
    c->flags &= ~CL_DIRTY_CAS;
    core_listen_update(core);
}

int watch_exec_ok(struct core *core, struct client *c)
{
    if (c->flags & CL_DIRTY_CAS)
        return 0;
    int64_t now = core_now_ms(core);
    for (int i = 0; i < c->nwatch; i++) {
        const struct dict_entry *e = c->watch[i].ent;
        if (!c->watch[i].expired &&
            db_state(db_of_entry(core, e), e->key + 1, e->klen - 1, now) == DB_EXPIRED)
            return 0;
    }
    return 1;
}

void watch_destroy(struct core *core)
{
    assert(core->clients == NULL);
    dict_free(core->watched);
    core->watched = NULL;
}

void watch_before(struct core *core, struct client *c, unsigned kind, int argc, char **argv,
                  const size_t *argl)
{
    if (!(kind & WATCH_WRITES) || (kind & WATCH_SIGNALS) || core->watched == NULL ||
        dict_size(core->watched) == 0)
        return;
    for (int i = 1; i < argc; i++) {
        struct watchers *w = find(core, c->dbi, argv[i], argl[i]);
        if (w == NULL || w->probing)
            continue;
        w->probing = 1;
        w->before = obj_digest(db_peek(&core->db[c->dbi], argv[i], argl[i]));
        w->probe_next = core->watch_probe;
        core->watch_probe = w;
    }
}

void watch_after(struct core *core, struct client *c, unsigned kind, int argc, char **argv,
                 const size_t *argl, size_t out_len)
{
    if (core->watched == NULL || dict_size(core->watched) == 0)
        return;
    struct watchers *w = core->watch_probe;
    core->watch_probe = NULL;
    for (; w; w = w->probe_next) {
        const struct dict_entry *e = w->self;
        w->probing = 0;
        if (obj_digest(db_peek(db_of_entry(core, e), e->key + 1, e->klen - 1)) != w->before)
            touch(core, w, 0);
    }
    if (!(kind & WATCH_TOUCHES) || argc < 2)
        return;
    if (c->out.len > out_len && c->out.p[out_len] == '-')
        return; /* the call failed */
    struct db *db = &core->db[c->dbi];
    if (db_state(db, argv[1], argl[1], core_now_ms(core)) != DB_LIVE)
        return;
    w = find(core, c->dbi, argv[1], argl[1]);
    if (w)
        touch(core, w, 0);
}

void watch_hush(struct core *core, int on)
{
    core->watch_hushed = on;
}
