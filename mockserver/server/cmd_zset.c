/* cmd_zset.c - sorted-set commands: ZADD ZINCRBY ZSCORE ZMSCORE ZCARD ZREM
 * ZRANK ZREVRANK ZCOUNT ZLEXCOUNT ZRANGE (BYSCORE BYLEX REV LIMIT
 * WITHSCORES) ZRANGESTORE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE
 * ZRANGEBYLEX ZREVRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE
 * ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZRANDMEMBER ZSCAN.
 *
 * The data structure is zset.h. Every range command is one code path
 * (zrange_generic) that turns its arguments into a contiguous interval of
 * ascending ranks, then walks it forwards or backwards with LIMIT applied,
 * which is what Redis's three range kinds (rank, score, lex) amount to for
 * a set ordered by (score, member).
 *
 * Reply shapes (Redis 7.0): scores are doubles (RESP3 ',', RESP2 a bulk
 * string printed with "%.17g"); WITHSCORES answers a flat array in RESP2 and
 * an array of [member, score] pairs in RESP3; ZPOPMIN/ZPOPMAX answer a flat
 * [member, score] without a count and pairs with a count in RESP3. A sorted
 * set whose last member goes away is removed from the keyspace.
 *
 * ZSCAN (with scan.h): a set the memory model tracks as a listpack is answered
 * whole, in score order, with cursor 0; a larger one is walked bucket by
 * bucket with our own cursors. Its scores are bulk strings in RESP3 too.
 *
 * The commands over several keys (ZUNION ZINTER ZDIFF ZINTERCARD ZMPOP and
 * the blocking pops) are in cmd_zsetops.c. ZRANGEBYLEX on members with different scores walks the
 * score order, as Redis does, but may pick a different start element than Redis's skip list would:
 * Redis documents that case as unspecified. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dict.h"
#include "mem.h"
#include "memory.h"
#include "reply.h"
#include "resp.h"
#include "scan.h"
#include "util.h"
#include "zset.h"

/* One member with its score: a pair in RESP3 when nested, else two items
 * of the enclosing flat array. */
static void zs_reply_pair(struct client *c, const struct zset_node *x, int nested)
{
    if (nested)
        reply_array(c, 2);
    reply_bulk(c, x->m, x->len);
    reply_double(c, x->score);
}

/* ---- ZADD / ZINCRBY ------------------------------------------------------- */

#define ZA_NX   (1 << 0)
#define ZA_XX   (1 << 1)
#define ZA_GT   (1 << 2)
#define ZA_LT   (1 << 3)
#define ZA_INCR (1 << 4)
#define ZA_CH   (1 << 5)

static void zadd_generic(struct call *k, int flags)
{
    int si = 2;
    for (; si < k->argc; si++) {
        if (arg_is(k, si, "nx"))
            flags |= ZA_NX;
        else if (arg_is(k, si, "xx"))
            flags |= ZA_XX;
        else if (arg_is(k, si, "ch"))
            flags |= ZA_CH;
        else if (arg_is(k, si, "incr"))
            flags |= ZA_INCR;
        else if (arg_is(k, si, "gt"))
            flags |= ZA_GT;
        else if (arg_is(k, si, "lt"))
            flags |= ZA_LT;
        else
            break;
    }
    int elements = k->argc - si;
    if (elements % 2 || elements == 0) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    elements /= 2;
    if ((flags & ZA_NX) && (flags & ZA_XX)) {
        reply_err(k->c, RT_ZADD_XX_NX);
        return;
    }
    if (((flags & ZA_NX) && (flags & (ZA_GT | ZA_LT))) || ((flags & ZA_GT) && (flags & ZA_LT))) {
        reply_err(k->c, RT_ZADD_GT_LT_NX);
        return;
    }
    if ((flags & ZA_INCR) && elements > 1) {
        reply_err(k->c, RT_ZADD_INCR_PAIR);
        return;
    }
    double *scores = mem_alloc((size_t)elements * sizeof(*scores));
    for (int j = 0; j < elements; j++) {
        if (!util_str2d(k->argv[si + 2 * j], k->argl[si + 2 * j], &scores[j])) {
            reply_err(k->c, RT_NOTFLOAT);
            free(scores);
            return;
        }
    }
    struct obj *o;
    long long added = 0, updated = 0, processed = 0;
    double score = 0;
    if (arg_key_write(k, 1, OBJ_ZSET, (flags & ZA_XX) ? MISS_GO : MISS_CREATE, &o) < 0)
        goto done;
    if (o == NULL) /* XX: a missing key stays missing */
        goto reply;
    for (int j = 0; j < elements; j++) {
        const char *m = k->argv[si + 2 * j + 1];
        size_t ml = k->argl[si + 2 * j + 1];
        double s = scores[j];
        const struct zset_node *x = zset_find(o->u.zset, m, ml);
        if (x != NULL) {
            if (flags & ZA_NX)
                continue;
            double cur = x->score;
            if (flags & ZA_INCR) {
                s += cur;
                if (isnan(s)) {
                    reply_err(k->c, RT_ZSCORE_NAN);
                    arg_key_drop_if_empty(k, 1, o);
                    goto done;
                }
            }
            if (((flags & ZA_LT) && s >= cur) || ((flags & ZA_GT) && s <= cur))
                continue;
            score = s;
            processed++;
            if (s != cur) {
                zset_set(o->u.zset, m, ml, s);
                updated++;
            }
        } else if (!(flags & ZA_XX)) {
            score = s;
            zset_set(o->u.zset, m, ml, s);
            added++;
            processed++;
        }
    }
    arg_key_drop_if_empty(k, 1, o);
reply:
    if (flags & ZA_INCR) {
        if (processed)
            reply_double(k->c, score);
        else
            reply_null(k->c);
    } else {
        reply_int(k->c, (flags & ZA_CH) ? added + updated : added);
    }
    if (added || updated) /* after the reply, as Redis */
        cmd_notify_arg(k, NOTIFY_ZSET, (flags & ZA_INCR) ? "zincr" : "zadd", 1);
done:
    free(scores);
}

static void zadd_cmd(struct call *k)
{
    zadd_generic(k, 0);
}

static void zincrby_cmd(struct call *k)
{
    zadd_generic(k, ZA_INCR);
}

/* ---- point lookups ---------------------------------------------------------- */

static void zscore_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_ZSET, MISS_NULL, &o) < 0)
        return;
    const struct zset_node *x = zset_find(o->u.zset, k->argv[2], k->argl[2]);
    if (x == NULL)
        reply_null(k->c);
    else
        reply_double(k->c, x->score);
}

static void zmscore_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_ZSET, MISS_GO, &o) < 0)
        return;
    reply_array(k->c, k->argc - 2);
    for (int i = 2; i < k->argc; i++) {
        const struct zset_node *x = o ? zset_find(o->u.zset, k->argv[i], k->argl[i]) : NULL;
        if (x == NULL)
            reply_null(k->c);
        else
            reply_double(k->c, x->score);
    }
}

static void zcard_cmd(struct call *k)
{
    arg_key_reply_len(k, 1, OBJ_ZSET);
}

static void zrem_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_ZSET, MISS_ZERO, &o) < 0)
        return;
    long long n = 0;
    for (int i = 2; i < k->argc && zset_len(o->u.zset) > 0; i++)
        n += zset_remove(o->u.zset, k->argv[i], k->argl[i]);
    if (n > 0)
        cmd_notify_arg(k, NOTIFY_ZSET, "zrem", 1);
    arg_key_drop_if_empty(k, 1, o);
    reply_int(k->c, n);
}

static void zs_rank(struct call *k, int rev)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_ZSET, MISS_NULL, &o) < 0)
        return;
    long r = zset_rank(o->u.zset, k->argv[2], k->argl[2]);
    if (r < 0)
        reply_null(k->c);
    else
        reply_int(k->c, rev ? (long long)zset_len(o->u.zset) - 1 - r : r);
}

static void zrank_cmd(struct call *k)
{
    zs_rank(k, 0);
}
static void zrevrank_cmd(struct call *k)
{
    zs_rank(k, 1);
}

/* ---- ranges ----------------------------------------------------------------- */

enum zr_type { ZR_AUTO, ZR_RANK, ZR_SCORE, ZR_LEX };

/* A parsed range bound set. For lex bounds, kind is -1 for "-", +1 for "+"
 * and 0 for a string. */
struct zr_range {
    long long start, end; /* ZR_RANK */
    double min, max;      /* ZR_SCORE */
    int minex, maxex;
    const char *lmin, *lmax; /* ZR_LEX */
    size_t lminl, lmaxl;
    int lmink, lmaxk;
};

/* Parses a score bound: "(" makes it exclusive; the rest is strtod's, as in
 * Redis (so leading spaces are accepted here, unlike for ZADD scores). */
static int zr_parse_score(const char *s, double *out, int *ex)
{
    *ex = 0;
    if (s[0] == '(') {
        *ex = 1;
        s++;
    }
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || isnan(v))
        return -1;
    *out = v;
    return 0;
}

static int zr_parse_lex(const char *s, size_t n, const char **out, size_t *outl, int *kind, int *ex)
{
    *kind = 0;
    switch (s[0]) {
    case '+':
    case '-':
        if (n != 1)
            return -1;
        *kind = s[0] == '+' ? 1 : -1;
        *ex = 1;
        return 0;
    case '(':
    case '[':
        *ex = s[0] == '(';
        *out = s + 1;
        *outl = n - 1;
        return 0;
    default: return -1;
    }
}

/* Parses the two bounds at argument mini/maxi for type t, replying the
 * error when they are invalid. Returns 0 or -1. */
static int zr_parse(struct call *k, enum zr_type t, int mini, int maxi, struct zr_range *r)
{
    switch (t) {
    case ZR_SCORE:
        if (zr_parse_score(k->argv[mini], &r->min, &r->minex) < 0 ||
            zr_parse_score(k->argv[maxi], &r->max, &r->maxex) < 0) {
            reply_err(k->c, RT_MINMAX_FLOAT);
            return -1;
        }
        return 0;
    case ZR_LEX:
        if (zr_parse_lex(k->argv[mini], k->argl[mini], &r->lmin, &r->lminl, &r->lmink, &r->minex) <
                0 ||
            zr_parse_lex(k->argv[maxi], k->argl[maxi], &r->lmax, &r->lmaxl, &r->lmaxk, &r->maxex) <
                0) {
            reply_err(k->c, RT_MINMAX_LEX);
            return -1;
        }
        return 0;
    default:
        if (arg_ll(k, mini, &r->start) < 0 || arg_ll(k, maxi, &r->end) < 0)
            return -1;
        return 0;
    }
}

/* The ascending rank interval [*a, *b) selected by r in z (empty when
 * *a >= *b). */
static void zr_interval(const struct zset *z, enum zr_type t, const struct zr_range *r, size_t *a,
                        size_t *b)
{
    size_t len = zset_len(z);
    *a = *b = 0;
    if (t == ZR_SCORE) {
        *a = zset_first_score(z, r->min, r->minex);
        *b = zset_first_score(z, r->max, !r->maxex);
    } else if (t == ZR_LEX) {
        *a = r->lmink < 0 ? 0
                          : (r->lmink > 0 ? len : zset_first_lex(z, r->lmin, r->lminl, r->minex));
        *b = r->lmaxk > 0 ? len
                          : (r->lmaxk < 0 ? 0 : zset_first_lex(z, r->lmax, r->lmaxl, !r->maxex));
    } else {
        long long s = r->start, e = r->end, l = (long long)len;
        if (s < 0)
            s += l;
        if (e < 0)
            e += l;
        if (s < 0)
            s = 0;
        if (s > e || s >= l)
            return;
        if (e >= l)
            e = l - 1;
        *a = (size_t)s;
        *b = (size_t)e + 1;
    }
    if (*a > *b)
        *a = *b;
}

/* The ranks to emit, after REV and LIMIT: the first is *first, then each
 * next one is +1 (or -1 when rev), *n of them. */
static void zr_select(size_t a, size_t b, int rev, long long offset, long long limit, size_t *first,
                      size_t *n)
{
    size_t avail = b - a;
    *n = 0;
    *first = 0;
    if (offset < 0 || (size_t)offset >= avail)
        return;
    avail -= (size_t)offset;
    *n = (limit >= 0 && (unsigned long long)limit < avail) ? (size_t)limit : avail;
    *first = rev ? b - 1 - (size_t)offset : a + (size_t)offset;
}

/* ZRANGE and every older range command. keyi is the source key's argument;
 * dsti the destination for ZRANGESTORE (0 = none); t and rev are preset by
 * the older commands (ZR_AUTO/-1 = from options). */
static void zrange_generic(struct call *k, int keyi, int dsti, enum zr_type t, int rev)
{
    int mini = keyi + 1, maxi = keyi + 2, withscores = 0;
    long long offset = 0, limit = -1;
    for (int j = keyi + 3; j < k->argc; j++) {
        int left = k->argc - j - 1;
        if (!dsti && arg_is(k, j, "withscores")) {
            withscores = 1;
        } else if (arg_is(k, j, "limit") && left >= 2) {
            if (arg_ll(k, j + 1, &offset) < 0 || arg_ll(k, j + 2, &limit) < 0)
                return;
            j += 2;
        } else if (rev < 0 && arg_is(k, j, "rev")) {
            rev = 1;
        } else if (t == ZR_AUTO && arg_is(k, j, "bylex")) {
            t = ZR_LEX;
        } else if (t == ZR_AUTO && arg_is(k, j, "byscore")) {
            t = ZR_SCORE;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    if (rev < 0)
        rev = 0;
    if (t == ZR_AUTO)
        t = ZR_RANK;
    if (limit != -1 && t == ZR_RANK) {
        reply_err(k->c, RT_ZRANGE_LIMIT);
        return;
    }
    if (withscores && t == ZR_LEX) {
        reply_err(k->c, RT_ZRANGE_LEX_SCORES);
        return;
    }
    if (rev && t != ZR_RANK) {
        int tmp = mini;
        mini = maxi;
        maxi = tmp;
    }
    struct zr_range r;
    memset(&r, 0, sizeof(r));
    if (zr_parse(k, t, mini, maxi, &r) < 0)
        return;

    struct obj *o;
    if (arg_key_read(k, keyi, OBJ_ZSET, MISS_GO, &o) < 0)
        return;
    size_t a = 0, b = 0, first = 0, n = 0;
    if (o != NULL) {
        zr_interval(o->u.zset, t, &r, &a, &b);
        if (t == ZR_RANK && rev) {
            /* rank indexes count from the highest score: mirror them */
            size_t len = zset_len(o->u.zset), ra = a;
            a = len - b;
            b = len - ra;
        }
        if (t == ZR_RANK)
            zr_select(a, b, rev, 0, -1, &first, &n);
        else
            zr_select(a, b, rev, offset, limit, &first, &n);
    }
    if (dsti) {
        struct db *db = cmd_db(k);
        if (n == 0) {
            reply_int(k->c, 0);
            if (db_delete(db, k->argv[dsti], k->argl[dsti], cmd_now(k)))
                cmd_notify_arg(k, NOTIFY_GENERIC, "del", dsti);
            return;
        } else {
            struct obj *d = obj_new_zset();
            for (size_t i = 0; i < n; i++) {
                const struct zset_node *x = zset_at(o->u.zset, rev ? first - i : first + i);
                zset_set(d->u.zset, x->m, x->len, x->score);
            }
            arg_store(k, dsti, d);
            reply_int(k->c, (long long)n); /* then the event, as Redis */
            cmd_notify_arg(k, NOTIFY_ZSET, "zrangestore", dsti);
            return;
        }
        reply_int(k->c, (long long)n);
        return;
    }
    int nested = withscores && k->c->proto >= 3;
    reply_array(k->c, (long long)n * (withscores && !nested ? 2 : 1));
    for (size_t i = 0; i < n; i++) {
        const struct zset_node *x = zset_at(o->u.zset, rev ? first - i : first + i);
        if (withscores)
            zs_reply_pair(k->c, x, nested);
        else
            reply_bulk(k->c, x->m, x->len);
    }
}

static void zrange_cmd(struct call *k)
{
    zrange_generic(k, 1, 0, ZR_AUTO, -1);
}
static void zrangestore_cmd(struct call *k)
{
    zrange_generic(k, 2, 1, ZR_AUTO, -1);
}
static void zrevrange_cmd(struct call *k)
{
    zrange_generic(k, 1, 0, ZR_RANK, 1);
}
static void zrangebyscore_cmd(struct call *k)
{
    zrange_generic(k, 1, 0, ZR_SCORE, 0);
}
static void zrevrangebyscore_cmd(struct call *k)
{
    zrange_generic(k, 1, 0, ZR_SCORE, 1);
}
static void zrangebylex_cmd(struct call *k)
{
    zrange_generic(k, 1, 0, ZR_LEX, 0);
}
static void zrevrangebylex_cmd(struct call *k)
{
    zrange_generic(k, 1, 0, ZR_LEX, 1);
}

/* ZCOUNT and ZLEXCOUNT. */
static void zs_count(struct call *k, enum zr_type t)
{
    struct zr_range r;
    memset(&r, 0, sizeof(r));
    if (zr_parse(k, t, 2, 3, &r) < 0)
        return;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_ZSET, MISS_ZERO, &o) < 0)
        return;
    size_t a = 0, b = 0;
    zr_interval(o->u.zset, t, &r, &a, &b);
    reply_int(k->c, (long long)(b - a));
}

static void zcount_cmd(struct call *k)
{
    zs_count(k, ZR_SCORE);
}
static void zlexcount_cmd(struct call *k)
{
    zs_count(k, ZR_LEX);
}

/* ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX. */
static void zs_remrange(struct call *k, enum zr_type t)
{
    struct zr_range r;
    memset(&r, 0, sizeof(r));
    if (zr_parse(k, t, 2, 3, &r) < 0)
        return;
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_ZSET, MISS_ZERO, &o) < 0)
        return;
    size_t a = 0, b = 0;
    zr_interval(o->u.zset, t, &r, &a, &b);
    if (b > a) {
        static const char *const ev[] = {[ZR_RANK] = "zremrangebyrank",
                                         [ZR_SCORE] = "zremrangebyscore",
                                         [ZR_LEX] = "zremrangebylex"};
        zset_remove_ranks(o->u.zset, a, b - 1);
        cmd_notify_arg(k, NOTIFY_ZSET, ev[t], 1);
        arg_key_drop_if_empty(k, 1, o);
    }
    reply_int(k->c, (long long)(b - a));
}

static void zremrangebyrank_cmd(struct call *k)
{
    zs_remrange(k, ZR_RANK);
}
static void zremrangebyscore_cmd(struct call *k)
{
    zs_remrange(k, ZR_SCORE);
}
static void zremrangebylex_cmd(struct call *k)
{
    zs_remrange(k, ZR_LEX);
}

/* ---- pops and random members ------------------------------------------------ */

static void zs_pop(struct call *k, int max)
{
    long long count = 1;
    int hascount = k->argc == 3;
    if (k->argc > 3) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (hascount) {
        if (!util_str2ll(k->argv[2], k->argl[2], &count) || count < 0) {
            reply_err(k->c, RT_MUST_POSITIVE);
            return;
        }
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_ZSET, MISS_EMPTY_ARRAY, &o) < 0)
        return;
    if (count == 0) {
        reply_array(k->c, 0);
        return;
    }
    struct zset *z = o->u.zset;
    size_t n = (size_t)count < zset_len(z) ? (size_t)count : zset_len(z);
    int nested = hascount && k->c->proto >= 3;
    reply_array(k->c, (long long)n * (nested ? 1 : 2));
    /* Redis reports the pop between the array's header and its elements:
     * a RESP3 client subscribed to it gets the push inside the reply. */
    if (n > 0)
        cmd_notify_arg(k, NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", 1);
    for (size_t i = 0; i < n; i++) {
        size_t at = max ? zset_len(z) - 1 : 0;
        zs_reply_pair(k->c, zset_at(z, at), nested);
        zset_remove_ranks(z, at, at);
    }
    arg_key_drop_if_empty(k, 1, o);
}

static void zpopmin_cmd(struct call *k)
{
    zs_pop(k, 0);
}
static void zpopmax_cmd(struct call *k)
{
    zs_pop(k, 1);
}

static void zrandmember_cmd(struct call *k)
{
    long long count;
    int withscores;
    if (arg_rand_count(k, "withscores", &count, &withscores) < 0)
        return;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_ZSET, k->argc == 2 ? MISS_NULL : MISS_EMPTY_ARRAY, &o) < 0)
        return;
    uint64_t *rng = &k->core->rng;
    if (k->argc == 2) {
        const struct zset_node *x =
            zset_at(o->u.zset, (size_t)(dict_rand(rng) % zset_len(o->u.zset)));
        reply_bulk(k->c, x->m, x->len);
        return;
    }
    if (count == 0) {
        reply_array(k->c, 0);
        return;
    }
    struct zset *z = o->u.zset;
    size_t size = zset_len(z);
    size_t n = count < 0 ? (size_t)-count : ((size_t)count < size ? (size_t)count : size);
    int nested = withscores && k->c->proto >= 3;
    reply_array(k->c, (long long)n * (withscores && !nested ? 2 : 1));
    size_t *idx = NULL;
    if (count > 0) {
        idx = mem_alloc(size * sizeof(*idx));
        /* the whole set comes out highest score first, as in Redis */
        for (size_t i = 0; i < size; i++)
            idx[i] = size - 1 - i;
        if (n < size) {
            for (size_t i = 0; i < n; i++) {
                size_t j = i + (size_t)(dict_rand(rng) % (size - i));
                size_t t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct zset_node *x = zset_at(z, idx ? idx[i] : (size_t)(dict_rand(rng) % size));
        if (withscores)
            zs_reply_pair(k->c, x, nested);
        else
            reply_bulk(k->c, x->m, x->len);
    }
    free(idx);
}

/* ---- ZSCAN ---------------------------------------------------------------- */

/* ZSCAN's score: always a bulk string (also in RESP3, where ZSCORE answers
 * a double), printed as "%.17g" with inf and -inf. */
static void zs_scan_score(struct client *c, const void *val)
{
    const struct zset_node *x = val;
    char tmp[64];
    int n = resp_fmt_double(tmp, sizeof(tmp), x->score);
    reply_bulk(c, tmp, (size_t)n);
}

/* A listpack sorted set is answered whole in score order with cursor 0,
 * whatever the cursor and COUNT; a larger one is walked. */
static void zscan_cmd(struct call *k)
{
    struct scan_args a;
    struct obj *o = scan_start(k, OBJ_ZSET, &a);
    if (o == NULL)
        return;
    const struct zset *z = o->u.zset;
    struct scan_list found = {0};
    uint64_t cursor = 0;
    if (strcmp(mem_encoding(o), "listpack") == 0) {
        for (size_t i = 0, n = zset_len(z); i < n; i++) {
            const struct zset_node *x = zset_at(z, i);
            scan_list_push(&found, x->m, x->len, x);
        }
    } else {
        cursor = scan_walk(zset_members(z), a.cursor, a.count, 1, &found);
    }
    scan_answer(k->c, &a, cursor, &found, zs_scan_score);
}

// clang-format off
struct cmd_def cmd_zset_table[] = {
    {.name = "zadd", .fn = zadd_cmd,
     .arity = -4, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "condition", .type = ARG_ONEOF, .since = "3.0.2", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "nx", .type = ARG_PURE_TOKEN, .token = "NX"},
                   {.name = "xx", .type = ARG_PURE_TOKEN, .token = "XX"})},
          {.name = "comparison", .type = ARG_ONEOF, .since = "6.2.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "gt", .type = ARG_PURE_TOKEN, .token = "GT"},
                   {.name = "lt", .type = ARG_PURE_TOKEN, .token = "LT"})},
          {.name = "change", .type = ARG_PURE_TOKEN, .token = "CH", .since = "3.0.2", .aflags = ARGF_OPTIONAL},
          {.name = "increment", .type = ARG_PURE_TOKEN, .token = "INCR", .since = "3.0.2", .aflags = ARGF_OPTIONAL},
          {.name = "score_member", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "score", .type = ARG_DOUBLE},
                   {.name = "member", .type = ARG_STRING})}),
     .summary = "Adds one or more members to a sorted set, or updates their scores."},
    {.name = "zincrby", .fn = zincrby_cmd,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log(N)) where N is the number of elements in the sorted set.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "increment", .type = ARG_INTEGER},
          {.name = "member", .type = ARG_STRING}),
     .summary = "Increments the score of a member in a sorted set."},
    {.name = "zscore", .fn = zscore_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING}),
     .summary = "Returns the score of a member in a sorted set."},
    {.name = "zmscore", .fn = zmscore_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N) where N is the number of members being requested.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Returns the score of one or more members in a sorted set."},
    {.name = "zcard", .fn = zcard_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the number of members in a sorted set."},
    {.name = "zrem", .fn = zrem_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Removes one or more members from a sorted set."},
    {.name = "zrank", .fn = zrank_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log(N))",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING}),
     .summary = "Returns the index of a member in a sorted set ordered by ascending scores."},
    {.name = "zrevrank", .fn = zrevrank_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log(N))",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING}),
     .summary = "Returns the index of a member in a sorted set ordered by descending scores."},
    {.name = "zcount", .fn = zcount_cmd,
     .arity = 4, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "min", .type = ARG_DOUBLE},
          {.name = "max", .type = ARG_DOUBLE}),
     .summary = "Returns the count of members in a sorted set that have scores within a range."},
    {.name = "zlexcount", .fn = zlexcount_cmd,
     .arity = 4, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "min", .type = ARG_STRING},
          {.name = "max", .type = ARG_STRING}),
     .summary = "Returns the number of members in a sorted set within a lexicographical range."},
    {.name = "zrange", .fn = zrange_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_STRING},
          {.name = "stop", .type = ARG_STRING},
          {.name = "sortby", .type = ARG_ONEOF, .since = "6.2.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "byscore", .type = ARG_PURE_TOKEN, .token = "BYSCORE"},
                   {.name = "bylex", .type = ARG_PURE_TOKEN, .token = "BYLEX"})},
          {.name = "rev", .type = ARG_PURE_TOKEN, .token = "REV", .since = "6.2.0", .aflags = ARGF_OPTIONAL},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .since = "6.2.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})},
          {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns members in a sorted set within a range of indexes."},
    {.name = "zrangestore", .fn = zrangestore_cmd,
     .arity = -5, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
     ARGS({.name = "dst", .type = ARG_KEY, ARG_KS(0)},
          {.name = "src", .type = ARG_KEY, ARG_KS(1)},
          {.name = "min", .type = ARG_STRING},
          {.name = "max", .type = ARG_STRING},
          {.name = "sortby", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "byscore", .type = ARG_PURE_TOKEN, .token = "BYSCORE"},
                   {.name = "bylex", .type = ARG_PURE_TOKEN, .token = "BYLEX"})},
          {.name = "rev", .type = ARG_PURE_TOKEN, .token = "REV", .aflags = ARGF_OPTIONAL},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})}),
     .summary = "Stores a range of members from sorted set in a key."},
    {.name = "zrevrange", .fn = zrevrange_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` argument",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_INTEGER},
          {.name = "stop", .type = ARG_INTEGER},
          {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns members in a sorted set within a range of indexes in reverse order."},
    {.name = "zrangebyscore", .fn = zrangebyscore_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.5", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `BYSCORE` argument",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "min", .type = ARG_DOUBLE},
          {.name = "max", .type = ARG_DOUBLE},
          {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .since = "2.0.0", .aflags = ARGF_OPTIONAL},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})}),
     .summary = "Returns members in a sorted set within a range of scores."},
    {.name = "zrevrangebyscore", .fn = zrevrangebyscore_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "max", .type = ARG_DOUBLE},
          {.name = "min", .type = ARG_DOUBLE},
          {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .aflags = ARGF_OPTIONAL},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})}),
     .summary = "Returns members in a sorted set within a range of scores in reverse order."},
    {.name = "zrangebylex", .fn = zrangebylex_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `BYLEX` argument",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "min", .type = ARG_STRING},
          {.name = "max", .type = ARG_STRING},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})}),
     .summary = "Returns members in a sorted set within a lexicographical range."},
    {.name = "zrevrangebylex", .fn = zrevrangebylex_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "max", .type = ARG_STRING},
          {.name = "min", .type = ARG_STRING},
          {.name = "offset_count", .type = ARG_BLOCK, .token = "LIMIT", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "offset", .type = ARG_INTEGER},
                   {.name = "count", .type = ARG_INTEGER})}),
     .summary = "Returns members in a sorted set within a lexicographical range in reverse order."},
    {.name = "zremrangebyrank", .fn = zremrangebyrank_cmd,
     .arity = 4, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_INTEGER},
          {.name = "stop", .type = ARG_INTEGER}),
     .summary = "Removes members in a sorted set within a range of indexes."},
    {.name = "zremrangebyscore", .fn = zremrangebyscore_cmd,
     .arity = 4, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "min", .type = ARG_DOUBLE},
          {.name = "max", .type = ARG_DOUBLE}),
     .summary = "Removes members in a sorted set within a range of scores."},
    {.name = "zremrangebylex", .fn = zremrangebylex_cmd,
     .arity = 4, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.9", .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "min", .type = ARG_STRING},
          {.name = "max", .type = ARG_STRING}),
     .summary = "Removes members in a sorted set within a lexicographical range."},
    {.name = "zpopmin", .fn = zpopmin_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER, .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the lowest-scoring members from a sorted set after removing them."},
    {.name = "zpopmax", .fn = zpopmax_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER, .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the highest-scoring members from a sorted set after removing them."},
    {.name = "zrandmember", .fn = zrandmember_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N) where N is the number of elements returned",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "options", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "count", .type = ARG_INTEGER},
                   {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .aflags = ARGF_OPTIONAL})}),
     .summary = "Returns one or more random members from a sorted set."},
    {.name = "zscan", .fn = zscan_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.0", .group = "sorted-set",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "cursor", .type = ARG_INTEGER},
          {.name = "pattern", .type = ARG_PATTERN, .token = "MATCH", .aflags = ARGF_OPTIONAL},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Iterates over members and scores of a sorted set."},
    {.name = NULL},
};
// clang-format on
