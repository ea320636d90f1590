/* dict.c - chained hash table plus an insertion-order list, see dict.h.
 *
 * The table is a power of two in size and is resized in one step (grow at
 * load 1, shrink below 1/8); for a test server the pause is negligible and
 * much simpler than incremental rehashing. SCAN uses the reverse-binary
 * cursor: incrementing the bit-reversed cursor visits buckets so that a
 * resize between two calls never skips an element that stayed.
 *
 * dict_random is fair by rejection: a bucket and a position below maxchain
 * (a bound on every chain's length) are drawn together, and a position
 * past the chain's end draws again, so each element has the same chance,
 * 1 / (buckets * maxchain), at every draw. Picking a bucket and then an
 * element of its chain (Redis's dictGetRandomKey) favours the elements of
 * short chains: 10 members, 10000 draws gave chi-squared 186. maxchain
 * only grows between resizes (a removal leaves it a valid bound); a
 * resize measures it again. */
#include "dict.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct dict {
    struct dict_entry **table;
    size_t mask; /* buckets - 1 */
    size_t size;
    struct dict_entry *head, *tail;
    dict_free_fn *free_val;
    size_t maxchain; /* >= the longest chain's length (dict_random) */
};

#define DICT_MIN_BUCKETS 8

static uint64_t hash_bytes(const void *key, size_t n)
{
    /* FNV-1a with a final avalanche: well spread, cheap, and deterministic,
     * which keeps runs reproducible. */
    const unsigned char *p = key;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

uint64_t dict_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    /* The raw xorshift output is linear in its low bits: the low bits of one
     * output are fixed by the low bits of the one before, so dict_random's
     * bucket pick followed by its chain pick always took the same element
     * of a chain (some keys were never returned, nor actively expired).
     * Hand out a mix in which every output bit depends on every state bit. */
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

struct dict *dict_new(dict_free_fn *free_val)
{
    struct dict *d = mem_calloc(1, sizeof(*d));
    d->table = mem_calloc(DICT_MIN_BUCKETS, sizeof(*d->table));
    d->mask = DICT_MIN_BUCKETS - 1;
    d->free_val = free_val;
    return d;
}

void dict_clear(struct dict *d)
{
    struct dict_entry *e = d->head;
    while (e) {
        struct dict_entry *next = e->onext;
        if (d->free_val && e->val)
            d->free_val(e->val);
        free(e);
        e = next;
    }
    if (d->mask + 1 != DICT_MIN_BUCKETS) {
        free(d->table);
        d->table = mem_calloc(DICT_MIN_BUCKETS, sizeof(*d->table));
        d->mask = DICT_MIN_BUCKETS - 1;
    } else {
        memset(d->table, 0, DICT_MIN_BUCKETS * sizeof(*d->table));
    }
    d->head = d->tail = NULL;
    d->size = 0;
    d->maxchain = 0;
}

void dict_free(struct dict *d)
{
    if (d == NULL)
        return;
    dict_clear(d);
    free(d->table);
    free(d);
}

size_t dict_size(const struct dict *d)
{
    return d->size;
}

static void dict__resize(struct dict *d, size_t buckets)
{
    struct dict_entry **t = mem_calloc(buckets, sizeof(*t));
    size_t mask = buckets - 1;
    for (struct dict_entry *e = d->head; e; e = e->onext) {
        size_t i = e->hash & mask;
        e->chain = t[i];
        t[i] = e;
    }
    free(d->table);
    d->table = t;
    d->mask = mask;
    d->maxchain = 0;
    for (size_t i = 0; i < buckets; i++) {
        size_t len = 0;
        for (struct dict_entry *e = t[i]; e; e = e->chain)
            len++;
        if (len > d->maxchain)
            d->maxchain = len;
    }
}

struct dict_entry *dict_find(const struct dict *d, const void *key, size_t klen)
{
    if (d->size == 0)
        return NULL; /* e.g. a db's expires table, empty in most runs: skip the hash */
    uint64_t h = hash_bytes(key, klen);
    for (struct dict_entry *e = d->table[h & d->mask]; e; e = e->chain)
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return e;
    return NULL;
}

struct dict_entry *dict_upsert(struct dict *d, const void *key, size_t klen, int *created)
{
    uint64_t h = hash_bytes(key, klen);
    for (struct dict_entry *e = d->table[h & d->mask]; e; e = e->chain) {
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) {
            *created = 0;
            return e;
        }
    }
    if (d->size + 1 > d->mask + 1)
        dict__resize(d, (d->mask + 1) * 2);
    struct dict_entry *e = mem_alloc(sizeof(*e) + klen + 1);
    e->val = NULL;
    e->klen = klen;
    e->hash = h;
    if (klen)
        memcpy(e->key, key, klen);
    e->key[klen] = '\0';
    size_t i = h & d->mask;
    e->chain = d->table[i];
    d->table[i] = e;
    size_t len = 0; /* the chain e now heads */
    for (struct dict_entry *x = e; x; x = x->chain)
        len++;
    if (len > d->maxchain)
        d->maxchain = len;
    e->onext = NULL;
    e->oprev = d->tail;
    if (d->tail)
        d->tail->onext = e;
    else
        d->head = e;
    d->tail = e;
    d->size++;
    *created = 1;
    return e;
}

/* Unlinks e from its chain and the order list and frees the entry only. */
static void dict__unlink(struct dict *d, struct dict_entry *e)
{
    struct dict_entry **pp = &d->table[e->hash & d->mask];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    if (e->oprev)
        e->oprev->onext = e->onext;
    else
        d->head = e->onext;
    if (e->onext)
        e->onext->oprev = e->oprev;
    else
        d->tail = e->oprev;
    free(e);
    d->size--;
    if (d->mask + 1 > DICT_MIN_BUCKETS && d->size < (d->mask + 1) / 8)
        dict__resize(d, (d->mask + 1) / 2);
}

void dict_remove(struct dict *d, struct dict_entry *e)
{
    assert(e != NULL);
    void *val = e->val;
    dict__unlink(d, e);
    if (d->free_val && val)
        d->free_val(val);
}

int dict_delete(struct dict *d, const void *key, size_t klen)
{
    struct dict_entry *e = dict_find(d, key, klen);
    if (e == NULL)
        return 0;
    dict_remove(d, e);
    return 1;
}

void *dict_take(struct dict *d, const void *key, size_t klen)
{
    struct dict_entry *e = dict_find(d, key, klen);
    if (e == NULL)
        return NULL;
    void *val = e->val;
    dict__unlink(d, e);
    return val;
}

struct dict_entry *dict_first(const struct dict *d)
{
    return d->head;
}

struct dict_entry *dict_next(const struct dict_entry *e)
{
    return e->onext;
}

struct dict_entry *dict_random(const struct dict *d, uint64_t *rng)
{
    assert(*rng != 0); /* xorshift stays at 0: the loop below would never end */
    if (d->size == 0)
        return NULL;
    for (;;) {
        struct dict_entry *e = d->table[dict_rand(rng) & d->mask];
        size_t pick = (size_t)(dict_rand(rng) % d->maxchain);
        while (e && pick--)
            e = e->chain;
        if (e)
            return e;
    }
}

static uint64_t rev64(uint64_t v)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 1) | (v & 1);
        v >>= 1;
    }
    return r;
}

uint64_t dict_scan(const struct dict *d, uint64_t cursor, dict_scan_fn *fn, void *ud)
{
    uint64_t m = d->mask;
    size_t size = d->size;
    for (struct dict_entry *e = d->table[cursor & m]; e; e = e->chain)
        fn(ud, e);
    assert(d->size == size && d->mask == m); /* fn must not modify the dict */
    (void)size;
    /* Set the bits above the mask so the increment carries into the
     * bucket bits of the reversed cursor. */
    cursor |= ~m;
    cursor = rev64(cursor);
    cursor++;
    cursor = rev64(cursor);
    return cursor;
}
