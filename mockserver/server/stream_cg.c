/* stream_cg.c - a stream's consumer groups, see stream_cg.h.
 *
 * struct stream_groups is a sorted array of groups; a group holds a sorted
 * array of consumers and its PEL (nacks sorted by ID, owned); a consumer's
 * PEL is a sorted array of pointers into the group's. Every lookup is a
 * bisection, every insertion or removal a memmove: O(n) per change, which
 * is fine for the groups a test server holds.
 *
 * The read-counter rules (stream_cg_estimate, stream_cg_delivered,
 * stream_cg_lag) follow Redis 7.0's behaviour as XINFO shows it: a group's
 * counter is trusted while no deleted entry can lie ahead of its last ID,
 * and recomputed from the stream's own counters (entries_added, length,
 * first and last IDs) when that can be done exactly.
 *
 * Not here: replies and commands (cmd_xgroup.c), the entries (stream.c). */
#include "stream_cg.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct stream_groups {
    struct stream_cg **g; /* sorted by name */
    size_t n, cap;
};

/* Radix-tree order of names: bytewise, a prefix first. */
static int name_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int r = memcmp(a, b, al < bl ? al : bl);
    if (r)
        return r;
    return (al > bl) - (al < bl);
}

static struct stream_id id_zero(void)
{
    struct stream_id z = {0, 0};
    return z;
}

/* The ID of the first entry, 0-0 for an empty stream (Redis's first_id). */
static struct stream_id first_id(const struct stream *s)
{
    return s->len ? s->e[0].id : id_zero();
}

static int id_is_zero(struct stream_id id)
{
    return id.ms == 0 && id.seq == 0;
}

/* ---- PEL arrays ------------------------------------------------------------- */

size_t stream_pel_seek(const struct stream_pel *p, struct stream_id id)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (stream_id_cmp(p->v[mid]->id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct stream_nack *stream_pel_find(const struct stream_pel *p, struct stream_id id)
{
    size_t i = stream_pel_seek(p, id);
    return i < p->n && stream_id_cmp(p->v[i]->id, id) == 0 ? p->v[i] : NULL;
}

static void pel_insert(struct stream_pel *p, struct stream_nack *n)
{
    size_t i = stream_pel_seek(p, n->id);
    assert(i == p->n || stream_id_cmp(p->v[i]->id, n->id) != 0);
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->v = mem_realloc(p->v, p->cap * sizeof(*p->v));
    }
    memmove(p->v + i + 1, p->v + i, (p->n - i) * sizeof(*p->v));
    p->v[i] = n;
    p->n++;
}

static void pel_remove(struct stream_pel *p, struct stream_id id)
{
    size_t i = stream_pel_seek(p, id);
    assert(i < p->n && stream_id_cmp(p->v[i]->id, id) == 0);
    memmove(p->v + i, p->v + i + 1, (p->n - i - 1) * sizeof(*p->v));
    p->n--;
}

/* ---- consumers -------------------------------------------------------------- */

/* The index of the first consumer whose name is >= name. */
static size_t cons_seek(const struct stream_cg *g, const char *name, size_t len)
{
    size_t lo = 0, hi = g->ncons;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (name_cmp(g->cons[mid]->name, g->cons[mid]->nlen, name, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct stream_consumer *stream_consumer_find(const struct stream_cg *g, const char *name,
                                             size_t len)
{
    size_t i = cons_seek(g, name, len);
    if (i < g->ncons && name_cmp(g->cons[i]->name, g->cons[i]->nlen, name, len) == 0)
        return g->cons[i];
    return NULL;
}

struct stream_consumer *stream_consumer_create(struct stream_cg *g, const char *name, size_t len,
                                               int64_t now_ms)
{
    size_t i = cons_seek(g, name, len);
    if (i < g->ncons && name_cmp(g->cons[i]->name, g->cons[i]->nlen, name, len) == 0)
        return NULL;
    struct stream_consumer *c = mem_calloc(1, sizeof(*c));
    c->name = mem_dup(name, len);
    c->nlen = len;
    c->seen_time = now_ms;
    if (g->ncons == g->capcons) {
        g->capcons = g->capcons ? 2 * g->capcons : 4;
        g->cons = mem_realloc(g->cons, g->capcons * sizeof(*g->cons));
    }
    memmove(g->cons + i + 1, g->cons + i, (g->ncons - i) * sizeof(*g->cons));
    g->cons[i] = c;
    g->ncons++;
    return c;
}

static void consumer_free(struct stream_consumer *c)
{
    free(c->pel.v);
    free(c->name);
    free(c);
}

size_t stream_consumer_delete(struct stream_cg *g, struct stream_consumer *c)
{
    size_t owned = c->pel.n;
    for (size_t j = 0; j < c->pel.n; j++) {
        struct stream_nack *n = c->pel.v[j];
        pel_remove(&g->pel, n->id);
        free(n);
    }
    size_t i = cons_seek(g, c->name, c->nlen);
    assert(i < g->ncons && g->cons[i] == c);
    memmove(g->cons + i, g->cons + i + 1, (g->ncons - i - 1) * sizeof(*g->cons));
    g->ncons--;
    consumer_free(c);
    return owned;
}

/* ---- nacks ------------------------------------------------------------------ */

struct stream_nack *stream_nack_create(struct stream_cg *g, struct stream_id id,
                                       struct stream_consumer *c, int64_t now_ms)
{
    struct stream_nack *n = mem_calloc(1, sizeof(*n));
    n->id = id;
    n->delivery_time = now_ms;
    n->delivery_count = 1;
    pel_insert(&g->pel, n);
    if (c != NULL)
        stream_nack_assign(n, c);
    return n;
}

void stream_nack_assign(struct stream_nack *n, struct stream_consumer *c)
{
    assert(c != NULL);
    if (n->consumer == c)
        return;
    if (n->consumer != NULL)
        pel_remove(&n->consumer->pel, n->id);
    pel_insert(&c->pel, n);
    n->consumer = c;
}

void stream_nack_delete(struct stream_cg *g, struct stream_nack *n)
{
    pel_remove(&g->pel, n->id);
    if (n->consumer != NULL)
        pel_remove(&n->consumer->pel, n->id);
    free(n);
}

/* ---- groups ----------------------------------------------------------------- */

static size_t cg_seek(const struct stream_groups *gs, const char *name, size_t len)
{
    size_t lo = 0, hi = gs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (name_cmp(gs->g[mid]->name, gs->g[mid]->nlen, name, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t stream_cg_count(const struct stream *s)
{
    return s->groups ? s->groups->n : 0;
}

struct stream_cg *stream_cg_at(const struct stream *s, size_t i)
{
    assert(s->groups != NULL && i < s->groups->n);
    return s->groups->g[i];
}

struct stream_cg *stream_cg_find(const struct stream *s, const char *name, size_t len)
{
    if (s == NULL || s->groups == NULL)
        return NULL;
    const struct stream_groups *gs = s->groups;
    size_t i = cg_seek(gs, name, len);
    if (i < gs->n && name_cmp(gs->g[i]->name, gs->g[i]->nlen, name, len) == 0)
        return gs->g[i];
    return NULL;
}

struct stream_cg *stream_cg_create(struct stream *s, const char *name, size_t len,
                                   struct stream_id last_id, int64_t entries_read)
{
    if (s->groups == NULL)
        s->groups = mem_calloc(1, sizeof(*s->groups));
    struct stream_groups *gs = s->groups;
    size_t i = cg_seek(gs, name, len);
    if (i < gs->n && name_cmp(gs->g[i]->name, gs->g[i]->nlen, name, len) == 0)
        return NULL;
    struct stream_cg *g = mem_calloc(1, sizeof(*g));
    g->name = mem_dup(name, len);
    g->nlen = len;
    g->last_id = last_id;
    g->entries_read = entries_read;
    if (gs->n == gs->cap) {
        gs->cap = gs->cap ? 2 * gs->cap : 4;
        gs->g = mem_realloc(gs->g, gs->cap * sizeof(*gs->g));
    }
    memmove(gs->g + i + 1, gs->g + i, (gs->n - i) * sizeof(*gs->g));
    gs->g[i] = g;
    gs->n++;
    return g;
}

static void cg_free(struct stream_cg *g)
{
    for (size_t i = 0; i < g->pel.n; i++)
        free(g->pel.v[i]);
    free(g->pel.v);
    for (size_t i = 0; i < g->ncons; i++)
        consumer_free(g->cons[i]);
    free(g->cons);
    free(g->name);
    free(g);
}

int stream_cg_destroy(struct stream *s, const char *name, size_t len)
{
    struct stream_groups *gs = s->groups;
    if (gs == NULL)
        return 0;
    size_t i = cg_seek(gs, name, len);
    if (i == gs->n || name_cmp(gs->g[i]->name, gs->g[i]->nlen, name, len) != 0)
        return 0;
    cg_free(gs->g[i]);
    memmove(gs->g + i, gs->g + i + 1, (gs->n - i - 1) * sizeof(*gs->g));
    gs->n--;
    return 1;
}

/* ---- the stream.h seam: free, copy, digest --------------------------------- */

void stream_groups_free(struct stream_groups *gs)
{
    if (gs == NULL)
        return;
    for (size_t i = 0; i < gs->n; i++)
        cg_free(gs->g[i]);
    free(gs->g);
    free(gs);
}

static struct stream_cg *cg_dup(const struct stream_cg *src)
{
    struct stream_cg *g = mem_calloc(1, sizeof(*g));
    g->name = mem_dup(src->name, src->nlen);
    g->nlen = src->nlen;
    g->last_id = src->last_id;
    g->entries_read = src->entries_read;
    g->capcons = g->ncons = src->ncons;
    g->cons = mem_alloc((g->capcons ? g->capcons : 1) * sizeof(*g->cons));
    for (size_t i = 0; i < src->ncons; i++) {
        struct stream_consumer *c = mem_calloc(1, sizeof(*c));
        c->name = mem_dup(src->cons[i]->name, src->cons[i]->nlen);
        c->nlen = src->cons[i]->nlen;
        c->seen_time = src->cons[i]->seen_time;
        g->cons[i] = c;
    }
    /* The group PEL in ID order: appending keeps every consumer PEL sorted. */
    for (size_t i = 0; i < src->pel.n; i++) {
        const struct stream_nack *o = src->pel.v[i];
        struct stream_consumer *c = stream_consumer_find(g, o->consumer->name, o->consumer->nlen);
        struct stream_nack *n = stream_nack_create(g, o->id, c, o->delivery_time);
        n->delivery_count = o->delivery_count;
    }
    return g;
}

struct stream_groups *stream_groups_dup(const struct stream_groups *src)
{
    if (src == NULL)
        return NULL;
    struct stream_groups *gs = mem_calloc(1, sizeof(*gs));
    gs->n = gs->cap = src->n;
    gs->g = mem_alloc((gs->cap ? gs->cap : 1) * sizeof(*gs->g));
    for (size_t i = 0; i < src->n; i++)
        gs->g[i] = cg_dup(src->g[i]);
    return gs;
}

/* FNV-1a over fixed-size fields; names are length-prefixed. */
static uint64_t mix(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t mix_name(uint64_t h, const char *p, size_t len)
{
    uint64_t n = len;
    h = mix(h, &n, sizeof(n));
    return mix(h, p, len);
}

uint64_t stream_groups_digest(const struct stream_groups *gs, uint64_t h)
{
    if (gs == NULL)
        return h;
    for (size_t i = 0; i < gs->n; i++) {
        const struct stream_cg *g = gs->g[i];
        h = mix_name(h, g->name, g->nlen);
        h = mix(h, &g->last_id, sizeof(g->last_id));
        h = mix(h, &g->entries_read, sizeof(g->entries_read));
        for (size_t j = 0; j < g->ncons; j++) {
            h = mix_name(h, g->cons[j]->name, g->cons[j]->nlen);
            h = mix(h, &g->cons[j]->seen_time, sizeof(g->cons[j]->seen_time));
        }
        for (size_t j = 0; j < g->pel.n; j++) {
            const struct stream_nack *n = g->pel.v[j];
            h = mix(h, &n->id, sizeof(n->id));
            h = mix(h, &n->delivery_time, sizeof(n->delivery_time));
            h = mix(h, &n->delivery_count, sizeof(n->delivery_count));
            h = mix_name(h, n->consumer->name, n->consumer->nlen);
        }
    }
    return h;
}

/* ---- the logical read counter ----------------------------------------------- */

int stream_cg_tombstones_from(const struct stream *s, struct stream_id start)
{
    if (s->len == 0 || id_is_zero(s->max_deleted_id))
        return 0; /* empty, or nothing was ever deleted */
    if (stream_id_cmp(first_id(s), s->max_deleted_id) > 0)
        return 0; /* every deletion lies before the first entry */
    return stream_id_cmp(start, s->max_deleted_id) <= 0;
}

int64_t stream_cg_estimate(const struct stream *s, struct stream_id id)
{
    if (s->entries_added == 0)
        return 0;
    int cmp_last = stream_id_cmp(id, s->last_id);
    if (s->len == 0 && cmp_last <= 0)
        return (int64_t)s->entries_added;
    if (cmp_last == 0)
        return (int64_t)s->entries_added;
    if (cmp_last > 0)
        return STREAM_CG_UNKNOWN; /* a future ID */
    struct stream_id first = first_id(s);
    if (id_is_zero(s->max_deleted_id) || stream_id_cmp(s->max_deleted_id, first) < 0) {
        int cmp_first = stream_id_cmp(id, first);
        if (cmp_first < 0)
            return (int64_t)(s->entries_added - s->len);
        if (cmp_first == 0)
            return (int64_t)(s->entries_added - s->len + 1);
    }
    return STREAM_CG_UNKNOWN; /* inside a stream that deletions fragment */
}

void stream_cg_delivered(const struct stream *s, struct stream_cg *g, struct stream_id id)
{
    if (g->entries_read != STREAM_CG_UNKNOWN && !stream_cg_tombstones_from(s, id))
        g->entries_read++;
    else if (s->entries_added)
        g->entries_read = stream_cg_estimate(s, id);
    g->last_id = id;
}

int stream_cg_lag(const struct stream *s, const struct stream_cg *g, long long *lag)
{
    if (s->entries_added == 0) {
        *lag = 0;
        return 0;
    }
    if (g->entries_read != STREAM_CG_UNKNOWN && !stream_cg_tombstones_from(s, g->last_id)) {
        *lag = (long long)s->entries_added - g->entries_read;
        return 0;
    }
    int64_t read = stream_cg_estimate(s, g->last_id);
    if (read == STREAM_CG_UNKNOWN)
        return -1;
    *lag = (long long)s->entries_added - read;
    return 0;
}
