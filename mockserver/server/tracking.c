/* tracking.c - client tracking, see tracking.h.
 *
 * The registry (core->tracking):
 *   keys      key -> struct ids: the ids of the clients that read it since
 *             its last invalidation. Ids, not pointers, as Redis: a client
 *             that turned tracking off or left stays counted there
 *             (tracking_total_items) until the key changes, and is skipped.
 *   prefixes  prefix -> struct bcast: its BCAST clients (in the order they
 *             came) and the keys changed under it since the last batch,
 *             each with the id of the client whose command changed it
 *             (NOLOOP leaves those out of that client's message).
 *   held      messages for the running client, sent after its reply.
 * A key's clients are visited in the order of their ids' little-endian
 * bytes, a batch's keys and the prefixes in bytewise order: Redis's radix
 * trees give that order. */
#include "tracking.h"

#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "dict.h"
#include "mem.h"
#include "obj.h"
#include "pubsub.h"
#include "reply.h"
#include "resp.h"

struct ids {
    uint64_t *id;
    size_t n, cap;
};

struct bcast {
    struct client **c;
    size_t n, cap;
    struct dict *changed; /* key -> (void *)(uintptr_t) id of who changed it, 0: nobody */
};

struct held {
    struct client *c; /* the tracking client (it may redirect) */
    char *payload;
    size_t len;
};

struct trk_reg {
    struct dict *keys, *prefixes;
    unsigned long long items;
    size_t nclients;
    struct held *held;
    size_t nheld, capheld;
    unsigned limit_rounds; /* tracking_limit's calls in a row that left the table too big */
};

static void ids_free(void *p)
{
    struct ids *s = p;
    free(s->id);
    free(s);
}

static void bcast_free(void *p)
{
    struct bcast *b = p;
    free(b->c);
    dict_free(b->changed);
    free(b);
}

static struct trk_reg *reg_of(struct core *core)
{
    if (core->tracking == NULL) {
        struct trk_reg *r = mem_calloc(1, sizeof(*r));
        r->keys = dict_new(ids_free);
        r->prefixes = dict_new(bcast_free);
        core->tracking = r;
    }
    return core->tracking;
}

static struct client *client_by_id(struct core *core, uint64_t id)
{
    for (struct client *c = core->clients; c; c = c->next)
        if (c->id == id)
            return c;
    return NULL;
}

/* 1 when one of a, b starts with the other (Redis's prefix overlap). */
static int overlap(const char *a, size_t al, const char *b, size_t bl)
{
    return memcmp(a, b, al < bl ? al : bl) == 0;
}

static int bytes_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int r = memcmp(a, b, al < bl ? al : bl);
    return r ? r : (al > bl) - (al < bl);
}

/* ---- sending -------------------------------------------------------------------- */

static void append(struct core *core, struct client *to, const char *p, size_t n, size_t before)
{
    buf_append(&to->out, p, n);
    if (to != core->running && core->on_output)
        core->on_output(core->on_output_ud, to, before);
}

/* Sends payload to tracking client c, or to its redirect target. */
static void send_payload(struct core *core, struct client *c, const char *payload, size_t len)
{
    struct client *to = c;
    int redirected = 0;
    if (c->trk && c->trk->redirect != 0) {
        to = client_by_id(core, (uint64_t)c->trk->redirect);
        if (to == NULL) {
            c->trk->flags |= TRK_BROKEN;
            if (c->proto == 3 && !(c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))) {
                struct buf b = BUF_INIT;
                buf_printf(&b, ">2\r\n$21\r\ntracking-redir-broken\r\n:%lld\r\n", c->trk->redirect);
                append(core, c, b.p, b.len, c->out.len);
                buf_free(&b);
            }
            return;
        }
        redirected = 1;
    }
    if (to->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))
        return;
    static const char push[] = ">2\r\n$10\r\ninvalidate\r\n";
    static const char message[] = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n";
    size_t before = to->out.len;
    if (to->proto == 3)
        buf_append(&to->out, push, sizeof(push) - 1);
    else if (redirected && ps_total(to) > 0)
        buf_append(&to->out, message, sizeof(message) - 1);
    else
        return;
    append(core, to, payload, len, before);
}

/* A message for c: held when c's command is running, else sent now. */
static void send_or_hold(struct core *core, struct client *c, const char *payload, size_t len)
{
    if (c != core->running) {
        send_payload(core, c, payload, len);
        return;
    }
    struct trk_reg *r = reg_of(core);
    if (r->nheld == r->capheld) {
        r->capheld = r->capheld ? 2 * r->capheld : 8;
        r->held = mem_realloc(r->held, r->capheld * sizeof(*r->held));
    }
    struct held *h = &r->held[r->nheld++];
    h->c = c;
    h->payload = mem_alloc(len + 1);
    memcpy(h->payload, payload, len);
    h->len = len;
}

static void one_key_payload(struct buf *b, const char *key, size_t klen)
{
    buf_append(b, "*1\r\n", 4);
    resp_w_bulk(b, key, klen);
}

/* ---- the registry ------------------------------------------------------------------ */

int tracking_listening(const struct core *core)
{
    const struct trk_reg *r = core->tracking;
    return r && (r->nclients > 0 || dict_size(r->keys) > 0);
}

static int le_cmp(const void *a, const void *b)
{
    /* the ids' bytes in memory, little-endian first byte first, as Redis's
     * radix tree of raw uint64_t orders them on x86 */
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    for (int i = 0; i < 8; i++) {
        unsigned bx = (unsigned)(x >> (8 * i)) & 0xff, by = (unsigned)(y >> (8 * i)) & 0xff;
        if (bx != by)
            return bx < by ? -1 : 1;
    }
    return 0;
}

/* Adds key to the batches of the prefixes it falls under. */
static void bcast_note(struct core *core, struct trk_reg *r, const char *key, size_t klen)
{
    uint64_t who = core->running ? core->running->id : 0;
    for (struct dict_entry *e = dict_first(r->prefixes); e; e = dict_next(e)) {
        if (e->klen > klen || memcmp(e->key, key, e->klen) != 0)
            continue;
        struct bcast *b = e->val;
        int created;
        struct dict_entry *k = dict_upsert(b->changed, key, klen, &created);
        k->val = (void *)(uintptr_t)who;
    }
}

/* Forgets key and sends its invalidation to the clients that read it (not
 * to a NOLOOP one that is self): held for the running client when hold,
 * else sent at once. */
static void invalidate(struct core *core, struct trk_reg *r, const char *key, size_t klen,
                       const struct client *self, int hold)
{
    struct ids *s = dict_take(r->keys, key, klen);
    if (s == NULL)
        return;
    r->items -= s->n;
    qsort(s->id, s->n, sizeof(*s->id), le_cmp);
    struct buf payload = BUF_INIT;
    one_key_payload(&payload, key, klen);
    for (size_t i = 0; i < s->n; i++) {
        struct client *c = client_by_id(core, s->id[i]);
        if (c == NULL || c->trk == NULL || !(c->trk->flags & TRK_ON) || (c->trk->flags & TRK_BCAST))
            continue;
        if ((c->trk->flags & TRK_NOLOOP) && c == self)
            continue;
        if (hold)
            send_or_hold(core, c, payload.p, payload.len);
        else
            send_payload(core, c, payload.p, payload.len);
    }
    buf_free(&payload);
    ids_free(s);
}

void tracking_changed(struct core *core, const char *key, size_t klen)
{
    struct trk_reg *r = core->tracking;
    if (r == NULL)
        return;
    if (dict_size(r->prefixes) > 0)
        bcast_note(core, r, key, klen);
    invalidate(core, r, key, klen, core->running, 1);
    core_listen_update(core);
}

void tracking_flushed(struct core *core)
{
    struct trk_reg *r = core->tracking;
    if (r == NULL)
        return;
    struct client *c = core->clients;
    while (c && c->next)
        c = c->next; /* oldest first, as Redis's client list */
    for (; c; c = c->prev) {
        if (c->trk == NULL || !(c->trk->flags & TRK_ON))
            continue;
        /* the null of the tracking client's protocol, whoever gets it */
        if (c->proto == 3)
            send_or_hold(core, c, "_\r\n", 3);
        else
            send_or_hold(core, c, "$-1\r\n", 5);
    }
    dict_clear(r->keys);
    r->items = 0;
    core_listen_update(core);
}

int tracking_wants_keys(const struct client *c)
{
    const struct trk_client *t = c->trk;
    if (t == NULL || !(t->flags & TRK_ON) || (t->flags & TRK_BCAST))
        return 0;
    int caching = (t->flags & TRK_CACHING) != 0;
    if ((t->flags & TRK_OPTIN) && !caching)
        return 0;
    if ((t->flags & TRK_OPTOUT) && caching)
        return 0;
    return 1;
}

void tracking_remember(struct core *core, struct client *c, int n, const int *pos, char **argv,
                       const size_t *argl)
{
    if (!tracking_wants_keys(c))
        return;
    struct trk_reg *r = reg_of(core);
    for (int i = 0; i < n; i++) {
        int created;
        struct dict_entry *e = dict_upsert(r->keys, argv[pos[i]], argl[pos[i]], &created);
        if (created)
            e->val = mem_calloc(1, sizeof(struct ids));
        struct ids *s = e->val;
        size_t j = 0;
        while (j < s->n && s->id[j] != c->id)
            j++;
        if (j < s->n)
            continue;
        if (s->n == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 2;
            s->id = mem_realloc(s->id, s->cap * sizeof(*s->id));
        }
        s->id[s->n++] = c->id;
        r->items++;
    }
    core_listen_update(core);
}

/* ---- CLIENT TRACKING ON / OFF ------------------------------------------------------ */

static int has_prefix(const struct trk_client *t, const char *p, size_t n)
{
    for (int i = 0; i < t->npfx; i++)
        if (t->pfxlen[i] == n && memcmp(t->pfx[i], p, n) == 0)
            return 1;
    return 0;
}

static void add_prefix(struct core *core, struct client *c, const char *p, size_t n)
{
    struct trk_client *t = c->trk;
    if (has_prefix(t, p, n))
        return;
    t->pfx = mem_realloc(t->pfx, (size_t)(t->npfx + 1) * sizeof(*t->pfx));
    t->pfxlen = mem_realloc(t->pfxlen, (size_t)(t->npfx + 1) * sizeof(*t->pfxlen));
    int at = t->npfx;
    while (at > 0 && bytes_cmp(t->pfx[at - 1], t->pfxlen[at - 1], p, n) > 0) {
        t->pfx[at] = t->pfx[at - 1];
        t->pfxlen[at] = t->pfxlen[at - 1];
        at--;
    }
    t->pfx[at] = mem_alloc(n + 1);
    memcpy(t->pfx[at], p, n);
    t->pfx[at][n] = '\0';
    t->pfxlen[at] = n;
    t->npfx++;

    struct trk_reg *r = reg_of(core);
    int created;
    struct dict_entry *e = dict_upsert(r->prefixes, p, n, &created);
    if (created) {
        struct bcast *b = mem_calloc(1, sizeof(*b));
        b->changed = dict_new(NULL);
        e->val = b;
    }
    struct bcast *b = e->val;
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 2;
        b->c = mem_realloc(b->c, b->cap * sizeof(*b->c));
    }
    b->c[b->n++] = c;
}

int tracking_check_on(struct client *c, unsigned flags, char **pfx, const size_t *pfxlen, int npfx)
{
    unsigned cur = c->trk ? c->trk->flags : 0;
    if (!(flags & TRK_BCAST) && npfx > 0) {
        reply_err(c, RT_TRK_PREFIX_NO_BCAST);
        return -1;
    }
    if ((cur & TRK_ON) && !!(cur & TRK_BCAST) != !!(flags & TRK_BCAST)) {
        reply_err(c, RT_TRK_BCAST_SWITCH);
        return -1;
    }
    if ((flags & TRK_BCAST) && (flags & (TRK_OPTIN | TRK_OPTOUT))) {
        reply_err(c, RT_TRK_OPT_BCAST);
        return -1;
    }
    if ((flags & TRK_OPTIN) && (flags & TRK_OPTOUT)) {
        reply_err(c, RT_TRK_OPTIN_OPTOUT);
        return -1;
    }
    if (((flags & TRK_OPTIN) && (cur & TRK_OPTOUT)) ||
        ((flags & TRK_OPTOUT) && (cur & TRK_OPTIN))) {
        reply_err(c, RT_TRK_OPT_SWITCH);
        return -1;
    }
    if (!(flags & TRK_BCAST))
        return 0;
    const struct trk_client *t = c->trk;
    for (int i = 0; i < npfx; i++) {
        for (int j = 0; t && j < t->npfx; j++) {
            if (overlap(t->pfx[j], t->pfxlen[j], pfx[i], pfxlen[i])) {
                /* %s: a prefix is cut at a NUL byte there, as in Redis */
                reply_errf(c, rtext[RT_TRK_PREFIX_EXISTING_FMT], pfx[i], t->pfx[j]);
                return -1;
            }
        }
        for (int j = i + 1; j < npfx; j++) {
            if (overlap(pfx[i], pfxlen[i], pfx[j], pfxlen[j])) {
                reply_errf(c, rtext[RT_TRK_PREFIX_PROVIDED_FMT], pfx[i], pfx[j]);
                /* Redis 7.0.15 stops there only for the first prefix: for a
                 * later one it has answered the error and then goes on
                 * to turn tracking on and answer +OK as well */
                return i == 0 ? -1 : 1;
            }
        }
    }
    return 0;
}

void tracking_enable(struct core *core, struct client *c, long long redirect, unsigned flags,
                     char **pfx, const size_t *pfxlen, int npfx)
{
    struct trk_reg *r = reg_of(core);
    if (c->trk == NULL)
        c->trk = mem_calloc(1, sizeof(*c->trk));
    struct trk_client *t = c->trk;
    if (!(t->flags & TRK_ON))
        r->nclients++;
    t->flags = (t->flags & TRK_CACHING) | TRK_ON;
    t->redirect = redirect;
    if (flags & TRK_BCAST) {
        t->flags |= TRK_BCAST;
        if (npfx == 0)
            add_prefix(core, c, "", 0);
        for (int i = 0; i < npfx; i++)
            add_prefix(core, c, pfx[i], pfxlen[i]);
    }
    t->flags |= flags & (TRK_OPTIN | TRK_OPTOUT | TRK_NOLOOP);
    core_listen_update(core);
}

void tracking_disable(struct core *core, struct client *c)
{
    struct trk_client *t = c->trk;
    if (t == NULL || !(t->flags & TRK_ON))
        return;
    struct trk_reg *r = core->tracking;
    for (int i = 0; i < t->npfx; i++) {
        struct dict_entry *e = dict_find(r->prefixes, t->pfx[i], t->pfxlen[i]);
        if (e != NULL) {
            struct bcast *b = e->val;
            for (size_t j = 0; j < b->n; j++) {
                if (b->c[j] == c) {
                    memmove(b->c + j, b->c + j + 1, (b->n - j - 1) * sizeof(*b->c));
                    b->n--;
                    break;
                }
            }
            if (b->n == 0)
                dict_remove(r->prefixes, e);
        }
        free(t->pfx[i]);
    }
    free(t->pfx);
    free(t->pfxlen);
    t->pfx = NULL;
    t->pfxlen = NULL;
    t->npfx = 0;
    t->flags = 0;
    r->nclients--;
    core_listen_update(core);
}

void tracking_forget(struct core *core, struct client *c)
{
    if (c->trk == NULL)
        return;
    tracking_disable(core, c);
    struct trk_reg *r = core->tracking;
    size_t k = 0;
    for (size_t i = 0; r && i < r->nheld; i++) {
        if (r->held[i].c == c)
            free(r->held[i].payload);
        else
            r->held[k++] = r->held[i];
    }
    if (r)
        r->nheld = k;
    free(c->trk);
    c->trk = NULL;
}

void tracking_destroy(struct core *core)
{
    struct trk_reg *r = core->tracking;
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nheld; i++)
        free(r->held[i].payload);
    free(r->held);
    dict_free(r->keys);
    dict_free(r->prefixes);
    free(r);
    core->tracking = NULL;
}

/* ---- write commands' probe --------------------------------------------------------- */

struct trk_probe {
    int n;
    int *arg;
    uint64_t *digest;
};

static int interesting(const struct trk_reg *r, const char *key, size_t klen)
{
    if (dict_find(r->keys, key, klen))
        return 1;
    for (struct dict_entry *e = dict_first(r->prefixes); e; e = dict_next(e))
        if (e->klen <= klen && memcmp(e->key, key, e->klen) == 0)
            return 1;
    return 0;
}

struct trk_probe *tracking_before(struct core *core, struct client *c, int argc, char **argv,
                                  const size_t *argl)
{
    struct trk_reg *r = core->tracking;
    if (r == NULL || (dict_size(r->keys) == 0 && dict_size(r->prefixes) == 0))
        return NULL;
    struct trk_probe *p = NULL;
    for (int i = 1; i < argc; i++) {
        if (!interesting(r, argv[i], argl[i]))
            continue;
        if (p == NULL) {
            p = mem_calloc(1, sizeof(*p));
            p->arg = mem_alloc((size_t)argc * sizeof(*p->arg));
            p->digest = mem_alloc((size_t)argc * sizeof(*p->digest));
        }
        p->arg[p->n] = i;
        p->digest[p->n++] = obj_digest(db_peek(core_db(c), argv[i], argl[i]));
    }
    return p;
}

void tracking_after(struct core *core, struct client *c, struct trk_probe *p, int touches, int argc,
                    char **argv, const size_t *argl, size_t out_len)
{
    if (p != NULL) {
        for (int i = 0; i < p->n; i++) {
            int a = p->arg[i];
            if (obj_digest(db_peek(core_db(c), argv[a], argl[a])) != p->digest[i])
                tracking_changed(core, argv[a], argl[a]);
        }
        free(p->arg);
        free(p->digest);
        free(p);
    }
    if (!touches || argc < 2 || core->tracking == NULL)
        return;
    if (c->out.len > out_len && c->out.p[out_len] == '-')
        return; /* the call failed */
    if (db_state(core_db(c), argv[1], argl[1], core_now_ms(core)) == DB_LIVE)
        tracking_changed(core, argv[1], argl[1]);
}

/* ---- end of a command ---------------------------------------------------------------- */

struct keyref {
    const char *k;
    size_t n;
    uint64_t who;
};

static int keyref_cmp(const void *a, const void *b)
{
    const struct keyref *x = a, *y = b;
    return bytes_cmp(x->k, x->n, y->k, y->n);
}

static int pfx_cmp(const void *a, const void *b)
{
    const struct dict_entry *x = *(struct dict_entry *const *)a,
                            *y = *(struct dict_entry *const *)b;
    return bytes_cmp(x->key, x->klen, y->key, y->klen);
}

/* Sends each prefix's batch to its clients, one message per prefix. */
static void bcast_flush(struct core *core, struct trk_reg *r)
{
    size_t np = 0;
    for (struct dict_entry *e = dict_first(r->prefixes); e; e = dict_next(e))
        if (dict_size(((struct bcast *)e->val)->changed) > 0)
            np++;
    if (np == 0)
        return;
    struct dict_entry **pe = mem_alloc(np * sizeof(*pe));
    np = 0;
    for (struct dict_entry *e = dict_first(r->prefixes); e; e = dict_next(e))
        if (dict_size(((struct bcast *)e->val)->changed) > 0)
            pe[np++] = e;
    qsort(pe, np, sizeof(*pe), pfx_cmp);
    for (size_t i = 0; i < np; i++) {
        struct bcast *b = pe[i]->val;
        size_t nk = dict_size(b->changed), j = 0;
        struct keyref *ks = mem_alloc(nk * sizeof(*ks));
        for (struct dict_entry *e = dict_first(b->changed); e; e = dict_next(e), j++) {
            ks[j].k = e->key;
            ks[j].n = e->klen;
            ks[j].who = (uint64_t)(uintptr_t)e->val;
        }
        qsort(ks, nk, sizeof(*ks), keyref_cmp);
        /* clients may be freed by nothing here, but copy: sending never
         * changes b->c */
        for (size_t ci = 0; ci < b->n; ci++) {
            struct client *c = b->c[ci];
            int noloop = (c->trk->flags & TRK_NOLOOP) != 0;
            size_t count = 0;
            for (j = 0; j < nk; j++)
                if (!noloop || ks[j].who != c->id)
                    count++;
            if (count == 0)
                continue;
            struct buf payload = BUF_INIT;
            buf_printf(&payload, "*%zu\r\n", count);
            for (j = 0; j < nk; j++)
                if (!noloop || ks[j].who != c->id)
                    resp_w_bulk(&payload, ks[j].k, ks[j].n);
            send_payload(core, c, payload.p, payload.len);
            buf_free(&payload);
        }
        free(ks);
        dict_clear(b->changed);
    }
    free(pe);
}

void tracking_end(struct core *core, struct client *c, int keep)
{
    if (c && c->trk && !keep && !(c->flags & CL_MULTI))
        c->trk->flags &= ~TRK_CACHING;
    struct trk_reg *r = core->tracking;
    if (r == NULL || (core->running != NULL && core->running != c))
        return;
    /* held messages first (Redis sends them after the command), then the
     * batches (Redis: before it sleeps) */
    size_t n = r->nheld;
    struct held *h = r->held;
    r->held = NULL;
    r->nheld = r->capheld = 0;
    for (size_t i = 0; i < n; i++) {
        send_payload(core, h[i].c, h[i].payload, h[i].len);
        free(h[i].payload);
    }
    free(h);
    if (core->running == NULL)
        bcast_flush(core, r);
}

void tracking_flush(struct core *core)
{
    if (core->tracking != NULL)
        bcast_flush(core, core->tracking);
}

size_t tracking_nclients(const struct core *core)
{
    return core->tracking ? core->tracking->nclients : 0;
}

unsigned long long tracking_nkeys(const struct core *core)
{
    return core->tracking ? dict_size(core->tracking->keys) : 0;
}

unsigned long long tracking_nitems(const struct core *core)
{
    return core->tracking ? core->tracking->items : 0;
}

unsigned long long tracking_nprefixes(const struct core *core)
{
    return core->tracking ? dict_size(core->tracking->prefixes) : 0;
}

void tracking_limit(struct core *core, const struct client *current)
{
    struct trk_reg *r = core->tracking;
    long long max = core->cfg.tracking_max_keys;
    if (r == NULL || r->nclients == 0 || max <= 0)
        return;
    if (dict_size(r->keys) <= (size_t)max) {
        r->limit_rounds = 0;
        return;
    }
    /* As Redis: up to 100 keys per round, 100 more for each round in a
     * row that could not bring the table under the limit. */
    unsigned long effort = 100ul * (r->limit_rounds + 1);
    struct buf key = BUF_INIT;
    while (effort-- > 0) {
        struct dict_entry *e = dict_random(r->keys, &core->rng);
        if (e == NULL)
            break;
        key.len = 0;
        buf_append(&key, e->key, e->klen); /* the entry goes with the key */
        invalidate(core, r, key.p, key.len, current, 0);
        if (dict_size(r->keys) <= (size_t)max) {
            r->limit_rounds = 0;
            buf_free(&key);
            core_listen_update(core);
            return;
        }
    }
    buf_free(&key);
    core_listen_update(core);
    r->limit_rounds++;
}
