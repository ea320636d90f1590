/* cmd_sort.c - SORT and SORT_RO on lists, sets and sorted sets.
 *
 *   SORT key [BY pattern] [LIMIT offset count] [GET pattern ...]
 *            [ASC|DESC] [ALPHA] [STORE destination]
 *
 * The steps, in Redis 7.0's order, because the order picks the error a
 * client sees:
 *   1. Options, left to right; the first bad one answers (a LIMIT that is
 *      not an integer: "not an integer", anything else: syntax error).
 *      SORT_RO knows no STORE. The last ASC/DESC wins.
 *   2. The source: a missing key is an empty list, a string or hash is
 *      WRONGTYPE.
 *   3. A BY pattern without '*' ("nosort") means no sorting: a list or a
 *      sorted set keeps its own order (reversed by DESC), a set its
 *      iteration order (DESC ignored). With STORE a set is sorted anyway,
 *      ALPHA and by its members, so that the stored list is deterministic.
 *   4. Otherwise every element gets a sort key: itself, or what BY's
 *      pattern finds for it. Numeric sorting reads the key with strtod
 *      (up to a NUL byte; "" is 0; trailing bytes, NaN or a result out of
 *      range fail the whole command with "One or more scores can't be
 *      converted into double"); a missing BY value is 0. Equal numbers fall
 *      back to comparing the elements' bytes. ALPHA compares bytes up to
 *      the first NUL (Redis's strcoll, which is strcmp in the C and
 *      C.UTF-8 locales) or, with STORE, all bytes; with BY, a missing
 *      value sorts first. DESC reverses the comparison, ties included.
 *   5. LIMIT offset count selects a range of the sorted vector: a negative
 *      offset is 0, a negative count means "to the end".
 *   6. Each element is replied (no GET), or each GET pattern's value for
 *      it ("#": the element; a missing value: nil, or "" in a STORE).
 *      STORE replaces the destination with a list (no TTL) and answers its
 *      length; an empty result deletes the destination.
 *
 * Patterns: the first '*' is replaced by the element; "->field" after it
 * reads that field of a hash instead of a string key. A pattern is read
 * as a C string where Redis reads it so (the '*', '->' and "#" tests stop
 * at a NUL byte), with its full length elsewhere.
 *
 * Ties: where the comparison says "equal" for two different elements
 * (ALPHA BY values that are equal or missing), Redis leaves the order to
 * its sort: glibc's qsort, a stable merge sort, for a full sort, and its
 * own partial quicksort when BY is given and LIMIT leaves elements out.
 * Both are reproduced: a stable qsort here, and the same quicksort steps
 * (see sort_partial), so tied elements come out as Redis sends them.
 *
 * Not done, two Redis bugs: a LIMIT whose offset + count overflows 64
 * bits (Redis then sends a broken reply; here such a count means "to the
 * end"), and errno left over from an earlier out-of-range parse (Redis
 * does not clear it before strtod, so after one SORT fails that way, later
 * numeric SORTs that parse a string fail too until another command clears
 * errno; here every SORT starts afresh).
 * WATCH needs nothing special: the store is a db_set, the delete a
 * db_delete (a missing destination left missing is no change). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dict.h"
#include "mem.h"
#include "reply.h"
#include "util.h"
#include "zset.h"

/* Redis holds a set of at most this many integers as a sorted intset. */
#define SORT_INTSET_MAX 512

/* One element of the vector being sorted. */
struct sort_item {
    const char *p; /* the element's bytes (NUL-terminated, may hold NULs) */
    size_t len;
    double score;   /* numeric sort key */
    const char *by; /* ALPHA BY sort key (NUL-terminated), NULL when missing */
    size_t pos;     /* load order: keeps the sort stable */
};

/* What one SORT call asked for. */
struct sort_opts {
    int desc, alpha, dontsort;
    long long offset, count;
    int by;    /* argument index of BY's pattern, 0 if none */
    int store; /* argument index of STORE's key, 0 if none */
    int *gets; /* argument indexes of GET patterns */
    int ngets;
};

/* The value pattern argument i gives for element (p, len): a string, a
 * hash field, or the element itself for "#". Returns 1 and sets *out and
 * *outlen when there is one, 0 when the key (or field) is missing or of
 * another type, or the pattern has no '*'. */
static int sort_lookup(struct call *k, int i, const char *p, size_t len, const char **out,
                       size_t *outlen)
{
    const char *pat = k->argv[i];
    size_t plen = k->argl[i];
    if (pat[0] == '#' && pat[1] == '\0') {
        *out = p;
        *outlen = len;
        return 1;
    }
    const char *star = strchr(pat, '*');
    if (star == NULL)
        return 0;
    const char *field = strstr(star + 1, "->");
    size_t flen = 0;
    if (field != NULL && field[2] != '\0') {
        flen = plen - (size_t)(field - pat) - 2;
        field += 2;
    } else {
        field = NULL;
    }
    size_t pre = (size_t)(star - pat);
    size_t post = plen - pre - 1 - (field ? flen + 2 : 0);
    char *key = mem_alloc(pre + len + post + 1);
    memcpy(key, pat, pre);
    memcpy(key + pre, p, len);
    memcpy(key + pre + len, star + 1, post);
    key[pre + len + post] = '\0';
    struct obj *o = db_lookup_read(cmd_db(k), key, pre + len + post, cmd_now(k));
    free(key);
    if (o == NULL)
        return 0;
    if (field != NULL) {
        if (o->type != OBJ_HASH)
            return 0;
        const struct dict_entry *e = dict_find(o->u.hash, field, flen);
        if (e == NULL)
            return 0;
        const struct obj_str *s = e->val;
        *out = s->p;
        *outlen = s->len;
        return 1;
    }
    if (o->type != OBJ_STRING)
        return 0;
    *out = o->u.str.p;
    *outlen = o->u.str.len;
    return 1;
}

/* Parses the options after the key into *so. Returns 0, or -1 after
 * replying with the error. */
static int sort_parse(struct call *k, int readonly, struct sort_opts *so)
{
    memset(so, 0, sizeof(*so));
    so->count = -1;
    so->gets = mem_alloc((size_t)k->argc * sizeof(*so->gets));
    for (int j = 2; j < k->argc; j++) {
        int left = k->argc - j - 1;
        if (arg_is(k, j, "asc")) {
            so->desc = 0;
        } else if (arg_is(k, j, "desc")) {
            so->desc = 1;
        } else if (arg_is(k, j, "alpha")) {
            so->alpha = 1;
        } else if (arg_is(k, j, "limit") && left >= 2) {
            if (arg_ll(k, j + 1, &so->offset) < 0 || arg_ll(k, j + 2, &so->count) < 0)
                return -1;
            j += 2;
        } else if (!readonly && arg_is(k, j, "store") && left >= 1) {
            so->store = ++j;
        } else if (arg_is(k, j, "by") && left >= 1) {
            so->by = ++j;
            /* Once a BY without '*' was seen, a later BY with one still
             * sorts nothing (it only changes the pattern, unused). */
            if (strchr(k->argv[j], '*') == NULL)
                so->dontsort = 1;
        } else if (arg_is(k, j, "get") && left >= 1) {
            so->gets[so->ngets++] = ++j;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return -1;
        }
    }
    return 0;
}

/* Two members of an intset, as the integers they are. */
static int sort_cmp_int(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    long long u = 0, w = 0;
    util_str2ll(x->p, x->len, &u);
    util_str2ll(y->p, y->len, &w);
    return u < w ? -1 : (u > w ? 1 : 0);
}

/* Loads a set's members into v in Redis's iteration order where it is
 * defined: a set Redis holds as an intset (all integers, at most 512, as
 * cmd_set.c decides) ascending; any other set in our dict's order (a hash
 * table's in Redis, which tests compare unordered). Returns the count. */
static size_t sort_load_set(const struct dict *d, struct sort_item *v)
{
    size_t n = 0;
    int ints = dict_size(d) <= SORT_INTSET_MAX;
    for (const struct dict_entry *e = dict_first(d); e; e = dict_next(e), n++) {
        long long ll;
        v[n].p = e->key;
        v[n].len = e->klen;
        if (!util_str2ll(e->key, e->klen, &ll))
            ints = 0;
    }
    if (ints)
        qsort(v, n, sizeof(*v), sort_cmp_int);
    return n;
}

/* Loads the whole source into v in its own order. Returns the count. */
static size_t sort_load(const struct obj *src, struct sort_item *v)
{
    size_t n = 0;
    if (src == NULL)
        return 0;
    if (src->type == OBJ_LIST) {
        for (n = 0; n < deque_len(src->u.list); n++) {
            const struct obj_str *s = deque_at(src->u.list, n);
            v[n].p = s->p;
            v[n].len = s->len;
        }
    } else if (src->type == OBJ_SET) {
        n = sort_load_set(src->u.set, v);
    } else {
        for (n = 0; n < zset_len(src->u.zset); n++) {
            const struct zset_node *z = zset_at(src->u.zset, n);
            v[n].p = z->m;
            v[n].len = z->len;
        }
    }
    return n;
}

static size_t sort_len(const struct obj *src)
{
    if (src == NULL)
        return 0;
    if (src->type == OBJ_LIST)
        return deque_len(src->u.list);
    if (src->type == OBJ_SET)
        return dict_size(src->u.set);
    return zset_len(src->u.zset);
}

/* The comparison qsort uses: a file-scope context, as qsort takes none. */
static struct {
    int desc, alpha, by, store;
} sort_ctx;

static int sort_cmp_bytes(const struct sort_item *a, const struct sort_item *b)
{
    return zset_cmp_bytes(a->p, a->len, b->p, b->len);
}

/* Redis's comparison: <0, 0 or >0, DESC applied, 0 for a tie. */
static int sort_cmp_redis(const struct sort_item *a, const struct sort_item *b)
{
    int cmp;
    if (!sort_ctx.alpha) {
        if (a->score != b->score)
            cmp = a->score > b->score ? 1 : -1;
        else
            cmp = sort_cmp_bytes(a, b);
    } else if (sort_ctx.by) {
        if (a->by == NULL || b->by == NULL)
            cmp = a->by == b->by ? 0 : (a->by == NULL ? -1 : 1);
        else
            cmp = strcmp(a->by, b->by);
    } else if (sort_ctx.store) {
        cmp = sort_cmp_bytes(a, b);
    } else {
        cmp = strcmp(a->p, b->p);
    }
    return sort_ctx.desc ? -cmp : cmp;
}

/* For qsort: Redis's comparison with ties kept in load order, which is
 * what glibc's stable merge sort (Redis's qsort) does with them. */
static int sort_cmp_stable(const void *pa, const void *pb)
{
    const struct sort_item *a = pa, *b = pb;
    int cmp = sort_cmp_redis(a, b);
    if (cmp == 0)
        cmp = a->pos < b->pos ? -1 : (a->pos > b->pos ? 1 : 0);
    return cmp;
}

/* ---- the partial sort of SORT BY ... LIMIT ---------------------------------
 *
 * Redis sorts a BY vector whose LIMIT leaves out elements with its own
 * partial quicksort: Bentley and McIlroy's three-way partitioning quicksort
 * (as BSD libc has it) that only goes on into the parts that overlap the
 * range [lo, hi] the reply needs. Ties (ALPHA BY values equal or missing)
 * come out in whatever order the partitioning leaves them, which a client
 * sees, so the steps below are the same steps: pivot choice (middle; median
 * of three from 8 elements; of three medians above 40), the partition that
 * parks ties at both ends and swaps them back to the middle, insertion sort
 * below 7 elements or when a partition swapped nothing. */

static void sort_swap(struct sort_item *a, struct sort_item *b)
{
    struct sort_item t = *a;
    *a = *b;
    *b = t;
}

/* Swaps the n elements from a with the n from b (the ranges do not overlap). */
static void sort_swap_n(struct sort_item *a, struct sort_item *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sort_swap(a + i, b + i);
}

static struct sort_item *sort_med3(struct sort_item *a, struct sort_item *b, struct sort_item *c)
{
    if (sort_cmp_redis(a, b) < 0) {
        if (sort_cmp_redis(b, c) < 0)
            return b;
        return sort_cmp_redis(a, c) < 0 ? c : a;
    }
    if (sort_cmp_redis(b, c) > 0)
        return b;
    return sort_cmp_redis(a, c) < 0 ? a : c;
}

static void sort_insertion(struct sort_item *a, size_t n)
{
    for (size_t m = 1; m < n; m++)
        for (size_t l = m; l > 0 && sort_cmp_redis(&a[l - 1], &a[l]) > 0; l--)
            sort_swap(&a[l - 1], &a[l]);
}

/* Whether the elements [first, last] lie wholly before or after [lo, hi]. */
static int sort_outside(const struct sort_item *first, const struct sort_item *last,
                        const struct sort_item *lo, const struct sort_item *hi)
{
    return (lo < first && hi < first) || (lo > last && hi > last);
}

/* Sorts a[0..n) enough that the elements [lo, hi] (pointers into the
 * whole vector) are the ones a full sort puts there, in order. */
static void sort_partial(struct sort_item *a, size_t n, const struct sort_item *lo,
                         const struct sort_item *hi)
{
    for (;;) {
        if (n < 7) {
            sort_insertion(a, n);
            return;
        }
        struct sort_item *pm = a + n / 2;
        if (n > 7) {
            struct sort_item *pl = a, *pn = a + n - 1;
            if (n > 40) {
                size_t d = n / 8;
                pl = sort_med3(pl, pl + d, pl + 2 * d);
                pm = sort_med3(pm - d, pm, pm + d);
                pn = sort_med3(pn - 2 * d, pn - d, pn);
            }
            pm = sort_med3(pl, pm, pn);
        }
        sort_swap(a, pm); /* the pivot waits at a[0] */
        /* [a+1, pa): ties; [pa, pb): smaller; (pc, pd]: larger; (pd, end): ties */
        struct sort_item *pa = a + 1, *pb = a + 1, *pc = a + n - 1, *pd = a + n - 1;
        int swapped = 0;
        for (;;) {
            int r;
            while (pb <= pc && (r = sort_cmp_redis(pb, a)) <= 0) {
                if (r == 0) {
                    swapped = 1;
                    sort_swap(pa++, pb);
                }
                pb++;
            }
            while (pb <= pc && (r = sort_cmp_redis(pc, a)) >= 0) {
                if (r == 0) {
                    swapped = 1;
                    sort_swap(pc, pd--);
                }
                pc--;
            }
            if (pb > pc)
                break;
            sort_swap(pb++, pc--);
            swapped = 1;
        }
        if (!swapped) {
            sort_insertion(a, n);
            return;
        }
        struct sort_item *end = a + n;
        size_t left = (size_t)(pa - a), smaller = (size_t)(pb - pa);
        sort_swap_n(a, pb - (left < smaller ? left : smaller), left < smaller ? left : smaller);
        size_t larger = (size_t)(pd - pc), right = (size_t)(end - pd - 1);
        sort_swap_n(pb, end - (larger < right ? larger : right), larger < right ? larger : right);
        if (smaller > 1 && !sort_outside(a, a + smaller - 1, lo, hi))
            sort_partial(a, smaller, lo, hi);
        if (larger <= 1)
            return;
        a = end - larger;
        n = larger;
        if (sort_outside(a, a + n - 1, lo, hi))
            return;
    }
}

/* Gives every element its sort key and sorts v so that v[start..end] (the
 * LIMIT range, empty when end < start) holds what Redis replies. Returns
 * 0, or -1 when a numeric key is not a number. */
static int sort_vector(struct call *k, const struct sort_opts *so, struct sort_item *v, size_t n,
                       long long start, long long end)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = v[i].p;
        size_t len = v[i].len;
        v[i].pos = i;
        v[i].score = 0;
        v[i].by = NULL;
        if (so->by && !sort_lookup(k, so->by, v[i].p, v[i].len, &p, &len))
            continue;
        if (so->alpha) {
            if (so->by)
                v[i].by = p;
            continue;
        }
        char *rest;
        errno = 0;
        v[i].score = strtod(p, &rest);
        if (*rest != '\0' || errno == ERANGE || isnan(v[i].score))
            bad = 1;
    }
    if (bad)
        return -1;
    sort_ctx.desc = so->desc;
    sort_ctx.alpha = so->alpha;
    sort_ctx.by = so->by != 0;
    sort_ctx.store = so->store != 0;
    if (so->by && (start != 0 || end != (long long)n - 1)) {
        if (end >= start) /* else nothing to reply: no order to find */
            sort_partial(v, n, v + start, v + end);
    } else {
        qsort(v, n, sizeof(*v), sort_cmp_stable);
    }
    return 0;
}

/* Replies (or stores) elements v[0..n) with the GET patterns of so. */
static void sort_output(struct call *k, const struct sort_opts *so, const struct sort_item *v,
                        size_t n)
{
    long long outlen = (long long)n * (so->ngets ? so->ngets : 1);
    struct obj *list = NULL;
    if (so->store)
        list = obj_new_list();
    else
        reply_array(k->c, outlen);
    for (size_t i = 0; i < n; i++) {
        if (so->ngets == 0) {
            if (list)
                deque_push_tail(list->u.list, obj_str_new(v[i].p, v[i].len));
            else
                reply_bulk(k->c, v[i].p, v[i].len);
            continue;
        }
        for (int g = 0; g < so->ngets; g++) {
            const char *p;
            size_t len;
            int found = sort_lookup(k, so->gets[g], v[i].p, v[i].len, &p, &len);
            if (list)
                deque_push_tail(list->u.list, obj_str_new(found ? p : "", found ? len : 0));
            else if (found)
                reply_bulk(k->c, p, len);
            else
                reply_null(k->c);
        }
    }
    if (list == NULL)
        return;
    struct db *db = cmd_db(k);
    const char *dst = k->argv[so->store];
    size_t dlen = k->argl[so->store];
    if (outlen > 0) {
        db_set(db, dst, dlen, list, 0);
        cmd_notify(k, NOTIFY_LIST, "sortstore", dst, dlen);
    } else {
        obj_free(list);
        if (db_delete(db, dst, dlen, cmd_now(k)))
            cmd_notify(k, NOTIFY_GENERIC, "del", dst, dlen);
    }
    reply_int(k->c, outlen);
}

static void sort_generic(struct call *k, int readonly)
{
    struct sort_opts so;
    if (sort_parse(k, readonly, &so) < 0) {
        free(so.gets);
        return;
    }
    struct db *db = cmd_db(k);
    int64_t now = cmd_now(k);
    struct obj *src = so.store ? db_lookup(db, k->argv[1], k->argl[1], now)
                               : db_lookup_read(db, k->argv[1], k->argl[1], now);
    if (src != NULL && src->type != OBJ_LIST && src->type != OBJ_SET && src->type != OBJ_ZSET) {
        reply_err(k->c, RT_WRONGTYPE);
        free(so.gets);
        return;
    }
    if (so.dontsort && src != NULL && src->type == OBJ_SET && so.store) {
        so.dontsort = 0;
        so.alpha = 1;
        so.by = 0;
    }

    /* The range LIMIT selects, as Redis computes it: end < start is empty. */
    long long len = (long long)sort_len(src);
    long long start = so.offset < 0 ? 0 : so.offset;
    long long end = so.count < 0 || so.count > len ? len - 1 : start + so.count - 1;
    if (start >= len) {
        start = len - 1;
        end = len - 2;
    }
    if (end >= len)
        end = len - 1;

    struct sort_item *v = mem_alloc(((size_t)len + 1) * sizeof(*v));
    size_t n = sort_load(src, v);
    if (so.dontsort && src != NULL && src->type != OBJ_SET && so.desc) {
        /* A list or sorted set kept in its own order: DESC walks it from
         * the end. */
        for (size_t i = 0; i < n / 2; i++) {
            struct sort_item t = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = t;
        }
    }
    if (!so.dontsort && sort_vector(k, &so, v, n, start, end) < 0) {
        reply_err(k->c, RT_SORT_NOT_DOUBLE);
    } else {
        size_t first = end >= start ? (size_t)start : 0;
        size_t count = end >= start ? (size_t)(end - start + 1) : 0;
        sort_output(k, &so, v + first, count);
    }
    free(v);
    free(so.gets);
}

static void sort_cmd(struct call *k)
{
    sort_generic(k, 0);
}

static void sort_ro_cmd(struct call *k)
{
    sort_generic(k, 1);
}

// clang-format off
struct cmd_def cmd_sort_table[] = {
    {.name = "sort", .fn = sort_cmd, .getkeys = cmd_getkeys_sort,
     .arity = -2, .rflags = RF_WRITE | RF_DENYOOM | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_SET | CAT_SORTEDSET | CAT_LIST | CAT_SLOW | CAT_DANGEROUS,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_UNKNOWN, FK_UNKNOWN, .notes = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"},
              {KS_OW | KS_UPDATE, BS_UNKNOWN, FK_UNKNOWN, .notes = "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "pattern", .type = ARG_PATTERN, ARG_KS(1), .token = "BY", .aflags = ARGF_OPTIONAL},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})},
          {.name = "pattern", .type = ARG_PATTERN, ARG_KS(1), .token = "GET", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE | ARGF_MULTIPLE_TOKEN},
          {.name = "order", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "asc", .type = ARG_PURE_TOKEN, .token = "ASC"},
                   {.name = "desc", .type = ARG_PURE_TOKEN, .token = "DESC"})},
          {.name = "sorting", .type = ARG_PURE_TOKEN, .token = "ALPHA", .aflags = ARGF_OPTIONAL},
          {.name = "destination", .type = ARG_KEY, ARG_KS(2), .token = "STORE", .aflags = ARGF_OPTIONAL}),
     .summary = "Sorts a list, set or sorted set, optionally storing the result."},
    {.name = "sort_ro", .fn = sort_ro_cmd, .getkeys = cmd_getkeys_sort_ro,
     .arity = -2, .rflags = RF_READONLY | RF_MOVABLEKEYS,
     .acl = CAT_READ | CAT_SET | CAT_SORTEDSET | CAT_LIST | CAT_SLOW | CAT_DANGEROUS,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_UNKNOWN, FK_UNKNOWN, .notes = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"}),
     .since = "7.0.0", .group = "generic",
     .complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "pattern", .type = ARG_PATTERN, ARG_KS(1), .token = "BY", .aflags = ARGF_OPTIONAL},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})},
          {.name = "pattern", .type = ARG_PATTERN, ARG_KS(1), .token = "GET", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE | ARGF_MULTIPLE_TOKEN},
          {.name = "order", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "asc", .type = ARG_PURE_TOKEN, .token = "ASC"},
                   {.name = "desc", .type = ARG_PURE_TOKEN, .token = "DESC"})},
          {.name = "sorting", .type = ARG_PURE_TOKEN, .token = "ALPHA", .aflags = ARGF_OPTIONAL}),
     .summary = "Sorts a list, set or sorted set without storing anything."},
    {.name = NULL},
};
// clang-format on
