/* scan.h - what SCAN, HSCAN, SSCAN and ZSCAN share: Redis 7.0's
 * scanGenericCommand split into parts a command family can combine.
 *
 * A call goes: parse the cursor (scan_cursor), for HSCAN/SSCAN/ZSCAN look
 * the key up (scan_start does both, then the options), gather candidates
 * into a scan_list (either every element at once, for the collections Redis
 * keeps in a compact encoding, or one stretch of buckets with scan_walk),
 * then drop those MATCH refuses and reply (scan_answer; SCAN filters with
 * scan_filter and replies itself, as it has more filters).
 *
 * Cursors: 0 starts and ends an iteration. A non-zero cursor is a bucket
 * cursor of our own dict (dict.h), not Redis's: the guarantee kept is
 * SCAN's, every element present for the whole iteration is returned at
 * least once, whatever the table does between calls. */
#ifndef MOCKREDIS_SCAN_H
#define MOCKREDIS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"
#include "obj.h"

struct dict;

/* The arguments of one call. */
struct scan_args {
    uint64_t cursor;
    long long count; /* COUNT, 10 when absent; always >= 1 */
    const char *pat; /* MATCH pattern, NULL when absent or "*" */
    size_t plen;
    const char *type; /* SCAN's TYPE, NULL when absent (or not allowed) */
};

/* One candidate: a name (key, field or member) borrowed from the
 * collection, and what the family needs to reply its value (a struct
 * obj_str for a hash, a struct zset_node for a sorted set, else NULL). */
struct scan_item {
    const char *p;
    size_t n;
    const void *val;
};

struct scan_list {
    struct scan_item *v;
    size_t n, cap;
};

/* Writes one element's value after its name (HSCAN's value, ZSCAN's
 * score) from scan_item.val. */
typedef void scan_value_fn(struct client *c, const void *val);

/* Parses argument i as Redis's parseScanCursorOrReply does, with strtoul
 * on the C string: an optional "+" or "-" (which wraps around), then
 * digits; "" is cursor 0; spaces, a bare sign, other bytes and values past
 * 2^64-1 are refused. Returns 0, or -1 after replying "ERR invalid
 * cursor". */
int scan_cursor(struct call *k, int i, uint64_t *cursor);
/* Parses the options from argument i on: COUNT n (an integer >= 1), MATCH
 * pattern, and TYPE name when with_type; the last of a repeated option
 * wins. Sets a->count, a->pat/plen, a->type (not a->cursor). Returns 0, or
 * -1 after replying Redis's error (syntax error, not an integer). */
int scan_options(struct call *k, int i, int with_type, struct scan_args *a);
/* HSCAN/SSCAN/ZSCAN's start, in Redis's order: the cursor (argument 2),
 * then the key (argument 1) of type t, then the options (from argument 3).
 * Returns the value to walk, or NULL when the reply is already written: an
 * invalid cursor, a missing key (an empty scan: cursor 0, no elements), a
 * wrong type, a bad option. */
struct obj *scan_start(struct call *k, enum obj_type t, struct scan_args *a);

/* Appends a candidate; the list grows as needed. */
void scan_list_push(struct scan_list *l, const char *p, size_t n, const void *val);
/* Frees the list's array (never the items' bytes); NULL-safe, reusable. */
void scan_list_free(struct scan_list *l);

/* One stretch of a walk over d from cursor, as Redis bounds it: at most
 * count*10 buckets (count*20 when with_values, as Redis doubles COUNT for
 * HSCAN and ZSCAN), stopping once count entries were gathered. Appends
 * every entry of the buckets visited (key, klen, val) to l and returns the
 * next cursor, 0 when the walk is complete. d must not change meanwhile. */
uint64_t scan_walk(const struct dict *d, uint64_t cursor, long long count, int with_values,
                   struct scan_list *l);
/* Keeps only the items whose name matches a's MATCH pattern, in order. */
void scan_filter(const struct scan_args *a, struct scan_list *l);

/* Writes the start of every SCAN reply: an array of 2, then the cursor as
 * a bulk string. The caller writes the array of elements next. */
void scan_reply_cursor(struct client *c, uint64_t cursor);
/* Keeps the items of l that match a's MATCH pattern, then writes the
 * whole reply: the cursor, then the items' names, each followed by its
 * value when value_fn is not NULL (plain arrays and bulk strings in RESP2
 * and RESP3 alike, as Redis answers). Frees l's array. */
void scan_answer(struct client *c, const struct scan_args *a, uint64_t cursor, struct scan_list *l,
                 scan_value_fn *value_fn);

#endif
