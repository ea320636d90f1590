/* zset.c - sorted sets: a dict for member -> element, plus a sorted array
 * of the same elements for ranks and ranges.
 *
 * Design: the sizes a test server sees are small, and redis-benchmark's
 * ZADD/ZPOPMIN loops only need cheap inserts and cheap removal at the ends,
 * so instead of a skip list the order is kept in one array of pointers with
 * free room at both ends ("off" elements before the first one). Finding a
 * position is a binary search on (score, member); inserting or removing in
 * the middle moves the shorter side of the array by one slot; removing at
 * either end moves nothing. The dict does not own the elements; the array
 * does.
 *
 * Deliberately not done: Redis's listpack/skiplist encodings (OBJECT
 * ENCODING is not answered from here), and any ordering other than
 * (score, member bytes). */
#include "zset.h"

#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "mem.h"

struct zset {
    struct dict *byname;  /* member -> struct zset_node* (not owned) */
    struct zset_node **v; /* v[off .. off+len) sorted */
    size_t off, len, cap;
};

int zset_cmp_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int r = n ? memcmp(a, b, n) : 0;
    if (r != 0)
        return r;
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* Order of (score, member) against node x. */
static int zset__cmp(double score, const void *m, size_t len, const struct zset_node *x)
{
    if (score < x->score)
        return -1;
    if (score > x->score)
        return 1;
    return zset_cmp_bytes(m, len, x->m, x->len);
}

/* First rank whose element is >= (score, m). */
static size_t zset__lower(const struct zset *z, double score, const void *m, size_t len)
{
    if (z->len == 0)
        return 0; /* v may still be NULL */
    size_t lo = 0, hi = z->len;
    struct zset_node *const *v = z->v + z->off;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (zset__cmp(score, m, len, v[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct zset *zset_new(void)
{
    struct zset *z = mem_calloc(1, sizeof(*z));
    z->byname = dict_new(NULL);
    return z;
}

void zset_free(struct zset *z)
{
    if (z == NULL)
        return;
    for (size_t i = 0; i < z->len; i++)
        free(z->v[z->off + i]);
    free(z->v);
    dict_free(z->byname);
    free(z);
}

const struct dict *zset_members(const struct zset *z)
{
    return z->byname;
}

size_t zset_len(const struct zset *z)
{
    return z->len;
}

const struct zset_node *zset_find(const struct zset *z, const void *m, size_t len)
{
    struct dict_entry *e = dict_find(z->byname, m, len);
    return e ? e->val : NULL;
}

const struct zset_node *zset_at(const struct zset *z, size_t i)
{
    return i < z->len ? z->v[z->off + i] : NULL;
}

long zset_rank(const struct zset *z, const void *m, size_t len)
{
    const struct zset_node *n = zset_find(z, m, len);
    if (n == NULL)
        return -1;
    return (long)zset__lower(z, n->score, n->m, n->len);
}

/* Inserts node x at rank pos, making room on the cheaper side. */
static void zset__insert_at(struct zset *z, size_t pos, struct zset_node *x)
{
    if (z->off > 0 && pos < z->len / 2) {
        z->off--;
        memmove(z->v + z->off, z->v + z->off + 1, pos * sizeof(*z->v));
    } else {
        if (z->off + z->len == z->cap) {
            if (z->off > z->len) {
                /* plenty of room in front: recentre instead of growing */
                size_t noff = z->off / 2;
                memmove(z->v + noff, z->v + z->off, z->len * sizeof(*z->v));
                z->off = noff;
            } else {
                z->cap = z->cap ? z->cap * 2 : 8;
                z->v = mem_realloc(z->v, z->cap * sizeof(*z->v));
            }
        }
        struct zset_node **base = z->v + z->off;
        memmove(base + pos + 1, base + pos, (z->len - pos) * sizeof(*z->v));
    }
    z->v[z->off + pos] = x;
    z->len++;
}

/* Removes the pointer at rank pos (the node itself is not freed). */
static void zset__drop_at(struct zset *z, size_t pos)
{
    if (pos < z->len / 2) {
        memmove(z->v + z->off + 1, z->v + z->off, pos * sizeof(*z->v));
        z->off++;
    } else {
        struct zset_node **base = z->v + z->off;
        memmove(base + pos, base + pos + 1, (z->len - pos - 1) * sizeof(*z->v));
    }
    z->len--;
    if (z->len == 0)
        z->off = 0;
}

int zset_set(struct zset *z, const void *m, size_t len, double score)
{
    if (score == 0)
        score = 0; /* -0.0 is stored as 0, as Redis shows it */
    int created;
    struct dict_entry *e = dict_upsert(z->byname, m, len, &created);
    struct zset_node *x;
    if (!created) {
        x = e->val;
        if (x->score == score)
            return 0;
        zset__drop_at(z, zset__lower(z, x->score, x->m, x->len));
    } else {
        x = mem_alloc(sizeof(*x) + len + 1);
        x->len = len;
        if (len)
            memcpy(x->m, m, len);
        x->m[len] = '\0';
        e->val = x;
    }
    x->score = score;
    zset__insert_at(z, zset__lower(z, score, x->m, x->len), x);
    return created;
}

int zset_remove(struct zset *z, const void *m, size_t len)
{
    struct dict_entry *e = dict_find(z->byname, m, len);
    if (e == NULL)
        return 0;
    struct zset_node *x = e->val;
    zset__drop_at(z, zset__lower(z, x->score, x->m, x->len));
    dict_remove(z->byname, e);
    free(x);
    return 1;
}

void zset_remove_ranks(struct zset *z, size_t start, size_t end)
{
    struct zset_node **base = z->v + z->off;
    size_t n = end - start + 1;
    for (size_t i = start; i <= end; i++) {
        dict_delete(z->byname, base[i]->m, base[i]->len);
        free(base[i]);
    }
    if (start == 0)
        z->off += n; /* popping from the front moves nothing */
    else
        memmove(base + start, base + end + 1, (z->len - end - 1) * sizeof(*z->v));
    z->len -= n;
    if (z->len == 0)
        z->off = 0;
}

size_t zset_first_score(const struct zset *z, double min, int exclusive)
{
    if (z->len == 0)
        return 0; /* v may still be NULL */
    size_t lo = 0, hi = z->len;
    struct zset_node *const *v = z->v + z->off;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (exclusive ? v[mid]->score <= min : v[mid]->score < min)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t zset_first_lex(const struct zset *z, const void *m, size_t len, int exclusive)
{
    if (z->len == 0)
        return 0; /* v may still be NULL */
    size_t lo = 0, hi = z->len;
    struct zset_node *const *v = z->v + z->off;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = zset_cmp_bytes(v[mid]->m, v[mid]->len, m, len);
        if (exclusive ? c <= 0 : c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
