/* block.c - clients blocked on keys, see block.h.
 *
 * The registry (struct block_reg, hung on core->blocks while anybody is
 * blocked) maps "<db byte><key>" to the clients waiting on that key, in the
 * order they blocked. Each blocked client has a struct block_state: the
 * registry entries it waits in, its deadline, its command's serve/timeout
 * functions and their argument; blocked clients are also on a list, so that
 * expiry looks at them only. A key that changes while it has waiters is
 * queued (a copy of its name) on the ready list, once until served;
 * block_serve works the list off, including keys queued by its own serves.
 * Entries are looked up again after every serve: a serve unblocks clients,
 * which can free the entry it came from. */
#include "block.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "dict.h"
#include "mem.h"
#include "observe.h"
#include "reply.h"

struct waiters {
    struct client **c; /* in the order they blocked */
    int n, cap;
    int queued; /* on the ready list */
};

struct block_state {
    struct dict_entry **ents; /* the keys waited on */
    int n;
    int64_t deadline_ms;
    block_serve_fn *serve;
    block_timeout_fn *timeout;
    struct client *c;
    struct block_state *prev, *next; /* core's blocked clients */
    void *arg;
};

struct block_reg {
    struct dict *keys; /* "<db><key>" -> struct waiters */
    struct block_state *head;
    char **ready; /* "<db><key>" copies, oldest first */
    size_t *readyl;
    size_t nready, capready;
    int hushed; /* block_hush: changes wake nobody */
};

static void waiters_free(void *p)
{
    struct waiters *w = p;
    free(w->c);
    free(w);
}

static char *bkey(int dbi, const char *key, size_t klen)
{
    char *k = mem_alloc(klen + 1);
    k[0] = (char)dbi;
    memcpy(k + 1, key, klen);
    return k;
}

int block_allowed(const struct client *c)
{
    return !(c->flags & CL_DENY_BLOCKING);
}

int64_t block_deadline(const struct client *c)
{
    return c->blk ? c->blk->deadline_ms : 0;
}

void block_wait(struct core *core, struct client *c, char *const *keys, const size_t *klens,
                int nkeys, int64_t deadline_ms, block_serve_fn *serve, block_timeout_fn *timeout,
                const void *arg, size_t arglen)
{
    assert(block_allowed(c) && c->blk == NULL);
    assert(nkeys > 0 && deadline_ms >= 0);
    struct block_reg *r = core->blocks;
    if (r == NULL) {
        r = core->blocks = mem_calloc(1, sizeof(*r));
        r->keys = dict_new(waiters_free);
    }
    struct block_state *b = mem_calloc(1, sizeof(*b));
    b->ents = mem_alloc((size_t)nkeys * sizeof(*b->ents));
    b->deadline_ms = deadline_ms;
    b->serve = serve;
    b->timeout = timeout;
    b->c = c;
    b->arg = mem_alloc(arglen ? arglen : 1);
    memcpy(b->arg, arg, arglen);
    for (int i = 0; i < nkeys; i++) {
        char *k = bkey(c->dbi, keys[i], klens[i]);
        int created;
        struct dict_entry *e = dict_upsert(r->keys, k, klens[i] + 1, &created);
        free(k);
        if (created)
            e->val = mem_calloc(1, sizeof(struct waiters));
        int seen = 0; /* BLPOP k k: one place in the queue */
        for (int j = 0; j < b->n; j++)
            seen |= b->ents[j] == e;
        if (seen)
            continue;
        struct waiters *w = e->val;
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 4;
            w->c = mem_realloc(w->c, (size_t)w->cap * sizeof(*w->c));
        }
        w->c[w->n++] = c;
        b->ents[b->n++] = e;
    }
    b->next = r->head;
    if (r->head)
        r->head->prev = b;
    r->head = b;
    c->blk = b;
    c->flags |= CL_BLOCKED;
    core->nblocked++;
    if (deadline_ms > 0)
        core->nblocked_timeout++;
    core_listen_update(core);
}

/* Takes c out of the registry; no reply. */
static void forget(struct core *core, struct client *c)
{
    struct block_state *b = c->blk;
    struct block_reg *r = core->blocks;
    if (b == NULL)
        return;
    for (int i = 0; i < b->n; i++) {
        struct waiters *w = b->ents[i]->val;
        for (int j = 0; j < w->n; j++) {
            if (w->c[j] == c) {
                memmove(w->c + j, w->c + j + 1, (size_t)(w->n - j - 1) * sizeof(*w->c));
                w->n--;
                break;
            }
        }
        if (w->n == 0)
            dict_remove(r->keys, b->ents[i]);
    }
    if (b->prev)
        b->prev->next = b->next;
    else
        r->head = b->next;
    if (b->next)
        b->next->prev = b->prev;
    core->nblocked--;
    if (b->deadline_ms > 0)
        core->nblocked_timeout--;
    free(b->ents);
    free(b->arg);
    free(b);
    c->blk = NULL;
    c->flags &= ~CL_BLOCKED;
    core_listen_update(core);
}

/* Takes c out of the registry once its reply, c->out[from..), is written. */
static void unblock(struct core *core, struct client *c, size_t from)
{
    obs_forget(core, c); /* not served (timeout, CLIENT UNBLOCK): never logged */
    forget(core, c);
    if (core->on_unblock)
        core->on_unblock(core->on_unblock_ud, c, from);
}

/* Queues the waiters of registry entry e on the ready list (once). */
static void queue_ready(struct block_reg *r, const struct dict_entry *e)
{
    struct waiters *w = e->val;
    if (w->queued)
        return;
    w->queued = 1;
    if (r->nready == r->capready) {
        r->capready = r->capready ? 2 * r->capready : 8;
        r->ready = mem_realloc(r->ready, r->capready * sizeof(*r->ready));
        r->readyl = mem_realloc(r->readyl, r->capready * sizeof(*r->readyl));
    }
    r->ready[r->nready] = mem_dup(e->key, e->klen);
    r->readyl[r->nready++] = e->klen;
}

void block_changed(struct core *core, int dbi, const char *key, size_t klen)
{
    assert(dbi >= 0 && dbi < DB_COUNT);
    struct block_reg *r = core->blocks;
    if (r == NULL || r->hushed || dict_size(r->keys) == 0)
        return;
    if (key == NULL) {
        /* a flush: every key of the database with waiters (XREADGROUP's
         * get their error; the others find nothing and wait on) */
        for (struct dict_entry *e = dict_first(r->keys); e; e = dict_next(e))
            if ((unsigned char)e->key[0] == (unsigned char)dbi)
                queue_ready(r, e);
        return;
    }
    char *k = bkey(dbi, key, klen);
    struct dict_entry *e = dict_find(r->keys, k, klen + 1);
    free(k);
    if (e != NULL)
        queue_ready(r, e);
}

void block_hush(struct core *core, int on)
{
    if (core->blocks != NULL)
        core->blocks->hushed = on;
}

/* Serves the waiters of one key, first come first served, each tried once:
 * one that finds nothing there (the key is gone, or holds another type
 * than it pops: a BZPOPMIN ahead of a BLPOP on a key that became a list)
 * is passed over and waits on, as in Redis, whose serving of a list key
 * skips the clients blocked for another type. */
static void serve_key(struct core *core, const char *k, size_t kl)
{
    struct block_reg *r = core->blocks;
    int skipped = 0; /* waiters at the front passed over this time */
    for (;;) {
        struct dict_entry *e = dict_find(r->keys, k, kl);
        if (e == NULL)
            return;
        struct waiters *w = e->val;
        w->queued = 0;
        if (skipped >= w->n)
            return;
        struct client *c = w->c[skipped];
        struct block_state *b = c->blk;
        size_t from = c->out.len;
        int64_t started = obs_start(core);
        if (b->serve(core, c, (unsigned char)k[0], k + 1, kl - 1, b->arg) == 0) {
            skipped++;
            continue;
        }
        obs_served(core, c, obs_elapsed_us(core, started));            /* the slow log, as Redis */
        db_mem_refresh(&core->db[(unsigned char)k[0]], k + 1, kl - 1); /* the memory model */
        unblock(core, c, from);
    }
}

void block_serve(struct core *core)
{
    struct block_reg *r = core->blocks;
    if (r == NULL)
        return;
    /* Index, not a saved pointer: serving may queue more keys (realloc). */
    for (size_t i = 0; i < r->nready; i++) {
        serve_key(core, r->ready[i], r->readyl[i]);
        free(r->ready[i]);
        r->ready[i] = NULL;
    }
    r->nready = 0;
}

void block_expire(struct core *core, int64_t now_ms)
{
    struct block_reg *r = core->blocks;
    if (r == NULL || core->nblocked_timeout == 0)
        return;
    struct block_state *b = r->head, *next;
    for (; b; b = next) {
        next = b->next;
        if (b->deadline_ms > 0 && b->deadline_ms <= now_ms) {
            struct client *c = b->c;
            size_t from = c->out.len;
            b->timeout(c, b->arg);
            next = b->next; /* still valid: timeout writes a reply only */
            unblock(core, c, from);
        }
    }
}

int block_unblock(struct core *core, struct client *c, int error)
{
    struct block_state *b = c->blk;
    if (b == NULL)
        return 0;
    size_t from = c->out.len;
    if (error)
        reply_err(c, RT_UNBLOCKED);
    else
        b->timeout(c, b->arg);
    unblock(core, c, from);
    return 1;
}

int block_unblock_error(struct core *core, struct client *c, const char *error)
{
    if (c->blk == NULL)
        return 0;
    size_t from = c->out.len;
    reply_errf(c, "%s", error);
    unblock(core, c, from);
    return 1;
}

int block_first_key(const struct client *c, int *dbi, const char **key, size_t *klen)
{
    const struct block_state *b = c->blk;
    if (b == NULL || b->n < 1)
        return 0;
    const struct dict_entry *e = b->ents[0]; /* "<db><key>" */
    *dbi = (unsigned char)e->key[0];
    *key = e->key + 1;
    *klen = e->klen - 1;
    return 1;
}

void block_cancel(struct core *core, struct client *c)
{
    forget(core, c);
}

void block_destroy(struct core *core)
{
    assert(core->clients == NULL && core->nblocked == 0);
    struct block_reg *r = core->blocks;
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nready; i++)
        free(r->ready[i]);
    free(r->ready);
    free(r->readyl);
    dict_free(r->keys);
    free(r);
    core->blocks = NULL;
}
