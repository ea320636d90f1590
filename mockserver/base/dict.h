/* dict.h - a hash table with binary-safe keys that remembers insertion order.
 *
 * Used for the keyspace, hashes and sets. Iteration (dict_first/dict_next)
 * goes in insertion order, which is what Redis shows for small hashes (kept
 * as listpacks there), so HGETALL and friends answer in the same order.
 * dict_scan gives SCAN's guarantee: an element present for the whole scan
 * is returned at least once, even if the table grows or shrinks between
 * calls. Keys are copied; values are owned by the dict when a free function
 * was given. */
#ifndef MOCKREDIS_DICT_H
#define MOCKREDIS_DICT_H

#include <stddef.h>
#include <stdint.h>

struct dict_entry {
    void *val;
    size_t klen;
    /* private */
    struct dict_entry *chain, *onext, *oprev;
    uint64_t hash;
    char key[]; /* klen bytes plus a NUL */
};

struct dict;
typedef void dict_free_fn(void *val);
typedef void dict_scan_fn(void *ud, struct dict_entry *e);

/* free_val may be NULL (values not owned). */
struct dict *dict_new(dict_free_fn *free_val);
/* Frees every entry and its value; NULL is fine. */
void dict_free(struct dict *d);
void dict_clear(struct dict *d);
size_t dict_size(const struct dict *d);

struct dict_entry *dict_find(const struct dict *d, const void *key, size_t klen);
/* Finds key or appends it with val NULL; *created tells which. Never NULL. */
struct dict_entry *dict_upsert(struct dict *d, const void *key, size_t klen, int *created);
/* Removes key, freeing its value. Returns 1 if it was there, else 0. */
int dict_delete(struct dict *d, const void *key, size_t klen);
/* Removes key and returns its value without freeing it (NULL if absent: use
 * dict_find first when values may be NULL). */
void *dict_take(struct dict *d, const void *key, size_t klen);
/* Removes the entry e (from dict_find/dict_first/...), freeing its value. */
void dict_remove(struct dict *d, struct dict_entry *e);

/* Insertion order. Fetch dict_next(e) before removing e. */
struct dict_entry *dict_first(const struct dict *d);
struct dict_entry *dict_next(const struct dict_entry *e);

/* A uniformly chosen bucket, then an element in it; NULL when empty.
 * *rng is a xorshift state the caller keeps (never 0). */
struct dict_entry *dict_random(const struct dict *d, uint64_t *rng);

/* Visits the bucket(s) at cursor, calls fn for each entry, returns the next
 * cursor (0 when the scan is complete). fn must not modify the dict. */
uint64_t dict_scan(const struct dict *d, uint64_t cursor, dict_scan_fn *fn, void *ud);

/* 64-bit xorshift step, shared by everything that needs cheap randomness.
 * Returns a scrambled form of the new state (every bit usable, low bits
 * included); the state itself is never 0 afterwards. */
uint64_t dict_rand(uint64_t *state);

#endif
