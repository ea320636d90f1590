/* zset.h - sorted sets: members ordered by (score, member bytes).
 *
 * Contract for the sorted-set type used by OBJ_ZSET values. A member is a
 * binary-safe byte string with a double score (never NaN). Elements are
 * ordered by score, ties broken by memcmp order of the member bytes (the
 * shorter member first when one is a prefix of the other), which is the
 * order Redis shows. Ranks are 0-based positions in that order.
 *
 * Lookups by member are O(1) (a dict); lookups by rank are O(1); insertion
 * and removal are O(log n) to find plus a memmove of the order array, and
 * removing the first or last element (ZPOPMIN/ZPOPMAX) is O(1). */
#ifndef MOCKREDIS_ZSET_H
#define MOCKREDIS_ZSET_H

#include <stddef.h>

struct dict;
struct zset;

/* One element. Owned by the zset; valid until it is removed or its score
 * changes. */
struct zset_node {
    double score;
    size_t len;
    char m[]; /* len bytes plus a NUL */
};

struct zset *zset_new(void);
/* Frees the set and every element; NULL is fine. */
void zset_free(struct zset *z);
size_t zset_len(const struct zset *z);

/* The element called m, or NULL if there is none. */
const struct zset_node *zset_find(const struct zset *z, const void *m, size_t len);
/* Sets the score of m, adding m when it is missing. A score of -0.0 is
 * stored as 0. Returns 1 if m was added, 0 if it existed (its score is
 * replaced, possibly by the same value). */
int zset_set(struct zset *z, const void *m, size_t len, double score);
/* Removes m. Returns 1 if it was there, 0 if not. */
int zset_remove(struct zset *z, const void *m, size_t len);
/* Removes the elements at ranks [start, end] (inclusive, valid ranks,
 * start <= end). */
void zset_remove_ranks(struct zset *z, size_t start, size_t end);

/* The 0-based ascending rank of m, or -1 if m is not a member. */
long zset_rank(const struct zset *z, const void *m, size_t len);
/* The element at ascending rank i (0..len-1), NULL when out of range. */
const struct zset_node *zset_at(const struct zset *z, size_t i);

/* The rank of the first element whose score is > min (exclusive) or >= min,
 * zset_len() when there is none. */
size_t zset_first_score(const struct zset *z, double min, int exclusive);
/* The rank of the first element whose member compares > m (exclusive) or
 * >= m, assuming the elements are sorted by member (equal scores, as
 * ZRANGEBYLEX requires); zset_len() when there is none. */
size_t zset_first_lex(const struct zset *z, const void *m, size_t len, int exclusive);

/* The member index, for walks with dict_scan (ZSCAN): a dict whose keys
 * are the members and whose values are their const struct zset_node *.
 * Read only; it changes with the set. */
const struct dict *zset_members(const struct zset *z);

/* memcmp order of two byte strings, the shorter first on a common prefix.
 * Returns <0, 0 or >0. */
int zset_cmp_bytes(const void *a, size_t alen, const void *b, size_t blen);

#endif
