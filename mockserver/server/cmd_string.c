/* cmd_string.c - the string commands of Redis 7.0.
 *
 * GET SET SETEX PSETEX SETNX GETDEL GETEX GETSET MGET MSET MSETNX INCR INCRBY
 * DECR DECRBY INCRBYFLOAT APPEND STRLEN GETRANGE SUBSTR SETRANGE.
 *
 * Each command follows the order of checks of Redis's t_string.c, because
 * that order decides which error a client sees when several apply: SET
 * parses its options, then validates the expire time, then (with GET)
 * checks the old value's type, then applies NX/XX. GETEX looks the key up
 * before it validates the expire time, so a missing key answers nil even
 * with "PX 0". Integers are stored as their decimal text, as Redis shows
 * them; there is no int encoding here (OBJECT ENCODING is not ours).
 *
 * The bit commands (SETBIT, BITCOUNT, BITFIELD ...) are in cmd_bit.c.
 * Not done here: LCS, the 512 MB
 * allocation that Redis would make for SETRANGE just under the limit (it
 * is made, as in Redis; tests should not ask for it). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "mem.h"
#include "memory.h"
#include "reply.h"
#include "util.h"

/* Flags of SET and GETEX options. */
#define SF_NX      (1u << 0)
#define SF_XX      (1u << 1)
#define SF_GET     (1u << 2)
#define SF_KEEPTTL (1u << 3)
#define SF_PERSIST (1u << 4)
#define SF_EX      (1u << 5)
#define SF_PX      (1u << 6)
#define SF_EXAT    (1u << 7)
#define SF_PXAT    (1u << 8)

/* Redis compares option names as C strings (strcasecmp), so do the same. */
static int opt_is(const struct call *k, int i, const char *lit)
{
    return strcasecmp(k->argv[i], lit) == 0;
}

/* Parses SET (for_set=1) or GETEX (for_set=0) options from argument from
 * on. Combinations Redis refuses, and a missing time, are a syntax error:
 * returns -1 after replying. On success *exp_arg is the index of the time
 * argument, or 0 when no expire option was given. */
static int str_parse_opts(struct call *k, int from, int for_set, unsigned *flags, int *exp_arg)
{
    const unsigned any_exp = SF_EX | SF_PX | SF_EXAT | SF_PXAT;
    unsigned f = 0;
    *exp_arg = 0;
    for (int j = from; j < k->argc; j++) {
        int has_next = j < k->argc - 1;
        if (for_set && opt_is(k, j, "nx") && !(f & SF_XX)) {
            f |= SF_NX;
        } else if (for_set && opt_is(k, j, "xx") && !(f & SF_NX)) {
            f |= SF_XX;
        } else if (for_set && opt_is(k, j, "get")) {
            f |= SF_GET;
        } else if (for_set && opt_is(k, j, "keepttl") && !(f & (SF_PERSIST | any_exp))) {
            f |= SF_KEEPTTL;
        } else if (!for_set && opt_is(k, j, "persist") && !(f & (SF_KEEPTTL | any_exp))) {
            f |= SF_PERSIST;
        } else if (opt_is(k, j, "ex") && has_next &&
                   !(f & (SF_KEEPTTL | SF_PERSIST | (any_exp & ~SF_EX)))) {
            f |= SF_EX;
            *exp_arg = ++j;
        } else if (opt_is(k, j, "px") && has_next &&
                   !(f & (SF_KEEPTTL | SF_PERSIST | (any_exp & ~SF_PX)))) {
            f |= SF_PX;
            *exp_arg = ++j;
        } else if (opt_is(k, j, "exat") && has_next &&
                   !(f & (SF_KEEPTTL | SF_PERSIST | (any_exp & ~SF_EXAT)))) {
            f |= SF_EXAT;
            *exp_arg = ++j;
        } else if (opt_is(k, j, "pxat") && has_next &&
                   !(f & (SF_KEEPTTL | SF_PERSIST | (any_exp & ~SF_PXAT)))) {
            f |= SF_PXAT;
            *exp_arg = ++j;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return -1;
        }
    }
    *flags = f;
    return 0;
}

/* Turns the time at argument i into an absolute Unix time in ms, the way
 * Redis's getExpireMillisecondsOrReply does: not an integer -> RT_NOTINT;
 * <= 0, or overflowing once scaled or offset by now -> "invalid expire
 * time in '<command>' command". Returns -1 after replying, else 0. */
static int str_expire_ms(struct call *k, int i, unsigned f, int64_t *when)
{
    long long v;
    int secs = (f & (SF_EX | SF_EXAT)) != 0;
    if (arg_ll(k, i, &v) < 0)
        return -1;
    if (v <= 0 || (secs && v > LLONG_MAX / 1000))
        goto bad;
    if (secs)
        v *= 1000;
    if (f & (SF_EX | SF_PX)) {
        int64_t now = cmd_now(k);
        if (v > LLONG_MAX - now)
            goto bad;
        v += now;
    }
    *when = v;
    return 0;
bad:
    reply_errf(k->c, rtext[RT_EXPIRE_INVALID_FMT], k->cmd->name);
    return -1;
}

/* Replaces the value at key with o, a new string, without TTL (or with
 * the given absolute TTL when when_ms >= 0). */
static void str_put(struct call *k, int key, struct obj *o, int64_t when_ms, int keepttl)
{
    struct db *db = cmd_db(k);
    /* An expired old value must not lend its TTL to KEEPTTL. */
    if (keepttl)
        (void)db_lookup(db, k->argv[key], k->argl[key], cmd_now(k));
    o->expire = when_ms >= 0 ? when_ms : -1;
    db_set(db, k->argv[key], k->argl[key], o, keepttl);
}

/* str_put of a copy of p[0..n). */
static void str_store_bytes(struct call *k, int key, const void *p, size_t n, int64_t when_ms,
                            int keepttl)
{
    str_put(k, key, obj_new_string(p, n), when_ms, keepttl);
}

/* str_put of argument vi: a big argument is taken over, not copied
 * (arg_take), and is the empty string afterwards. */
static void str_store(struct call *k, int key, int vi, int64_t when_ms, int keepttl)
{
    size_t n;
    char *own = arg_take(k, vi, &n);
    struct obj *o = own ? obj_new_string_take(own, n) : obj_new_string(k->argv[vi], k->argl[vi]);
    str_put(k, key, o, when_ms, keepttl);
}

/* ---- GET SET and friends ---------------------------------------------- */

/* Replies with the string at argument i, or nil when missing. Returns -1
 * after a WRONGTYPE reply, else 0. */
static int reply_string_at(struct call *k, int i)
{
    struct obj *o;
    if (arg_key_read(k, i, OBJ_STRING, MISS_GO, &o) < 0)
        return -1;
    if (o == NULL)
        reply_null(k->c);
    else
        reply_bulk(k->c, o->u.str.p, o->u.str.len);
    return 0;
}

static void get_cmd(struct call *k)
{
    reply_string_at(k, 1);
}

/* The common tail of SET, SETEX, PSETEX and SETNX (Redis's
 * setGenericCommand). exp_arg is the index of the time, 0 for no TTL; vi
 * the index of the value. ok_int: reply 1/0 (SETNX) instead of OK/nil. */
static void str_set_generic(struct call *k, unsigned f, int exp_arg, int vi, int ok_int)
{
    struct db *db = cmd_db(k);
    int64_t when = -1;
    if (exp_arg && str_expire_ms(k, exp_arg, f, &when) < 0)
        return;
    if ((f & SF_GET) && reply_string_at(k, 1) < 0)
        return;
    int found = db_lookup(db, k->argv[1], k->argl[1], cmd_now(k)) != NULL;
    if (((f & SF_NX) && found) || ((f & SF_XX) && !found)) {
        if (f & SF_GET)
            return;
        if (ok_int)
            reply_int(k->c, 0);
        else
            reply_null(k->c);
        return;
    }
    str_store(k, 1, vi, when, (f & SF_KEEPTTL) != 0);
    cmd_notify_arg(k, NOTIFY_STRING, "set", 1);
    if (exp_arg)
        cmd_notify_arg(k, NOTIFY_GENERIC, "expire", 1);
    if (f & SF_GET)
        return;
    if (ok_int)
        reply_int(k->c, 1);
    else
        reply_ok(k->c);
}

static void set_cmd(struct call *k)
{
    unsigned f;
    int exp_arg;
    if (str_parse_opts(k, 3, 1, &f, &exp_arg) < 0)
        return;
    str_set_generic(k, f, exp_arg, 2, 0);
}

static void setex_cmd(struct call *k)
{
    str_set_generic(k, SF_EX, 2, 3, 0);
}

static void psetex_cmd(struct call *k)
{
    str_set_generic(k, SF_PX, 2, 3, 0);
}

static void setnx_cmd(struct call *k)
{
    str_set_generic(k, SF_NX, 0, 2, 1);
}

static void getset_cmd(struct call *k)
{
    if (reply_string_at(k, 1) == 0) {
        str_store(k, 1, 2, -1, 0);
        cmd_notify_arg(k, NOTIFY_STRING, "set", 1);
    }
}

static void getdel_cmd(struct call *k)
{
    /* Deleting a missing key is a no-op, so no need to tell the cases apart. */
    if (reply_string_at(k, 1) == 0 && db_delete(cmd_db(k), k->argv[1], k->argl[1], cmd_now(k)))
        cmd_notify_arg(k, NOTIFY_GENERIC, "del", 1);
}

static void getex_cmd(struct call *k)
{
    unsigned f;
    int exp_arg;
    int64_t when = -1;
    if (str_parse_opts(k, 2, 0, &f, &exp_arg) < 0)
        return;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STRING, MISS_NULL, &o) < 0)
        return;
    if (exp_arg && str_expire_ms(k, exp_arg, f, &when) < 0)
        return;
    reply_bulk(k->c, o->u.str.p, o->u.str.len);
    struct db *db = cmd_db(k);
    if ((f & (SF_EXAT | SF_PXAT)) && when <= cmd_now(k)) {
        db_delete(db, k->argv[1], k->argl[1], cmd_now(k));
        cmd_notify_arg(k, NOTIFY_GENERIC, "del", 1);
    } else if (exp_arg) {
        db_set_expire(db, k->argv[1], k->argl[1], o, when);
        cmd_notify_arg(k, NOTIFY_GENERIC, "expire", 1);
    } else if ((f & SF_PERSIST) && o->expire >= 0) {
        db_set_expire(db, k->argv[1], k->argl[1], o, -1);
        cmd_notify_arg(k, NOTIFY_GENERIC, "persist", 1);
    }
}

static void mget_cmd(struct call *k)
{
    struct db *db = cmd_db(k);
    reply_array(k->c, k->argc - 1);
    for (int i = 1; i < k->argc; i++) {
        struct obj *o = db_lookup_read(db, k->argv[i], k->argl[i], cmd_now(k));
        if (o == NULL || o->type != OBJ_STRING)
            reply_null(k->c);
        else
            reply_bulk(k->c, o->u.str.p, o->u.str.len);
    }
}

/* MSET and MSETNX: pairs must be complete, else Redis answers with the
 * arity error even though the arity check passed. */
static int mset_pairs_ok(struct call *k)
{
    if (k->argc % 2 == 0) {
        reply_errf(k->c, rtext[RT_ARITY_FMT], k->cmd->name);
        return 0;
    }
    return 1;
}

static void mset_cmd(struct call *k)
{
    if (!mset_pairs_ok(k))
        return;
    for (int i = 1; i < k->argc; i += 2) {
        str_store(k, i, i + 1, -1, 0);
        cmd_notify_arg(k, NOTIFY_STRING, "set", i);
    }
    reply_ok(k->c);
}

static void msetnx_cmd(struct call *k)
{
    if (!mset_pairs_ok(k))
        return;
    for (int i = 1; i < k->argc; i += 2) {
        if (db_lookup(cmd_db(k), k->argv[i], k->argl[i], cmd_now(k)) != NULL) {
            reply_int(k->c, 0);
            return;
        }
    }
    for (int i = 1; i < k->argc; i += 2) {
        str_store(k, i, i + 1, -1, 0);
        cmd_notify_arg(k, NOTIFY_STRING, "set", i);
    }
    reply_int(k->c, 1);
}

/* ---- counters --------------------------------------------------------- */

/* Adds incr to the integer at argv[1] (Redis's incrDecrCommand). */
static void str_incr_by(struct call *k, long long incr)
{
    long long v = 0;
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STRING, MISS_GO, &o) < 0)
        return;
    if (o != NULL && !util_str2ll(o->u.str.p, o->u.str.len, &v)) {
        reply_err(k->c, RT_NOTINT);
        return;
    }
    if ((incr < 0 && v < 0 && incr < LLONG_MIN - v) ||
        (incr > 0 && v > 0 && incr > LLONG_MAX - v)) {
        reply_err(k->c, RT_OVERFLOW);
        return;
    }
    v += incr;
    char num[32];
    int n = snprintf(num, sizeof(num), "%lld", v);
    if (o != NULL)
        obj_string_set(o, num, (size_t)n); /* keeps the TTL, as Redis does */
    else
        str_store_bytes(k, 1, num, (size_t)n, -1, 0);
    cmd_notify_arg(k, NOTIFY_STRING, "incrby", 1);
    reply_int(k->c, v);
}

static void incr_cmd(struct call *k)
{
    str_incr_by(k, 1);
}

static void decr_cmd(struct call *k)
{
    str_incr_by(k, -1);
}

static void incrby_cmd(struct call *k)
{
    long long incr;
    if (arg_ll(k, 2, &incr) < 0)
        return;
    str_incr_by(k, incr);
}

static void decrby_cmd(struct call *k)
{
    long long incr;
    if (arg_ll(k, 2, &incr) < 0)
        return;
    if (incr == LLONG_MIN) {
        reply_err(k->c, RT_DECR_OVERFLOW);
        return;
    }
    str_incr_by(k, -incr);
}

static void incrbyfloat_cmd(struct call *k)
{
    long double v = 0, incr;
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STRING, MISS_GO, &o) < 0)
        return;
    if ((o != NULL && !util_str2ld(o->u.str.p, o->u.str.len, &v)) ||
        !util_str2ld(k->argv[2], k->argl[2], &incr)) {
        reply_err(k->c, RT_NOTFLOAT);
        return;
    }
    v += incr;
    if (isnan(v) || isinf(v)) {
        reply_err(k->c, RT_INCR_NAN_INF);
        return;
    }
    char num[5400];
    int n = util_ld2str(num, sizeof(num), v);
    if (n <= 0 || (size_t)n >= sizeof(num)) { /* cannot happen for a finite value */
        reply_err(k->c, RT_NOTFLOAT);
        return;
    }
    if (o != NULL)
        obj_string_set(o, num, (size_t)n);
    else
        str_store_bytes(k, 1, num, (size_t)n, -1, 0);
    mem_string_plain(db_lookup(cmd_db(k), k->argv[1], k->argl[1], cmd_now(k)));
    cmd_notify_arg(k, NOTIFY_STRING, "incrbyfloat", 1);
    reply_bulk(k->c, num, (size_t)n);
}

/* ---- byte ranges ------------------------------------------------------ */

/* Redis's checkStringLength: a value may not grow past proto-max-bulk-len. */
static int str_len_ok(struct call *k, long long size, long long append)
{
    if (size > k->core->cfg.proto_max_bulk_len - append) {
        reply_err(k->c, RT_STRING_TOO_BIG);
        return 0;
    }
    return 1;
}

/* Grows o's bytes to n (zero-filled), keeping the NUL terminator. */
static void str_grow(struct obj *o, size_t n)
{
    if (n <= o->u.str.len)
        return;
    o->u.str.p = mem_realloc(o->u.str.p, n + 1);
    memset(o->u.str.p + o->u.str.len, 0, n - o->u.str.len + 1);
    o->u.str.len = n;
}

static void append_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STRING, MISS_GO, &o) < 0)
        return;
    if (o == NULL) {
        long long n = (long long)k->argl[2];
        str_store(k, 1, 2, -1, 0);
        cmd_notify_arg(k, NOTIFY_STRING, "append", 1);
        reply_int(k->c, n);
        return;
    }
    if (!str_len_ok(k, (long long)o->u.str.len, (long long)k->argl[2]))
        return;
    size_t old = o->u.str.len;
    str_grow(o, old + k->argl[2]);
    memcpy(o->u.str.p + old, k->argv[2], k->argl[2]);
    mem_string_raw(o, 1);
    cmd_notify_arg(k, NOTIFY_STRING, "append", 1);
    reply_int(k->c, (long long)o->u.str.len);
}

static void strlen_cmd(struct call *k)
{
    arg_key_reply_len(k, 1, OBJ_STRING);
}

static void getrange_cmd(struct call *k)
{
    long long start, end;
    if (arg_ll(k, 2, &start) < 0 || arg_ll(k, 3, &end) < 0)
        return;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STRING, MISS_EMPTY_BULK, &o) < 0)
        return;
    long long len = (long long)o->u.str.len;
    if (start < 0 && end < 0 && start > end) {
        reply_bulk(k->c, "", 0);
        return;
    }
    if (start < 0)
        start += len;
    if (end < 0)
        end += len;
    if (start < 0)
        start = 0;
    if (end < 0)
        end = 0;
    if (end >= len)
        end = len - 1;
    if (start > end || len == 0)
        reply_bulk(k->c, "", 0);
    else
        reply_bulk(k->c, o->u.str.p + start, (size_t)(end - start + 1));
}

static void setrange_cmd(struct call *k)
{
    long long off;
    size_t vlen = k->argl[3];
    if (arg_ll(k, 2, &off) < 0)
        return;
    if (off < 0) {
        reply_err(k->c, RT_OFFSET_RANGE);
        return;
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STRING, MISS_GO, &o) < 0)
        return;
    if (o == NULL) {
        if (vlen == 0) {
            reply_int(k->c, 0);
            return;
        }
        if (!str_len_ok(k, off, (long long)vlen))
            return;
        str_store_bytes(k, 1, "", 0, -1, 0);
        o = db_lookup(cmd_db(k), k->argv[1], k->argl[1], cmd_now(k));
        mem_string_raw(o, 0);
    } else {
        mem_string_raw(o, 1);
        if (vlen == 0) {
            reply_int(k->c, (long long)o->u.str.len);
            return;
        }
        if (!str_len_ok(k, off, (long long)vlen))
            return;
    }
    str_grow(o, (size_t)off + vlen);
    memcpy(o->u.str.p + off, k->argv[3], vlen);
    cmd_notify_arg(k, NOTIFY_STRING, "setrange", 1);
    reply_int(k->c, (long long)o->u.str.len);
}

/* ---- LCS -------------------------------------------------------------------------- */

/* One matching run of LCS IDX: a[a0..a1] equals b[b0..b1]. */
struct lcs_range {
    uint32_t a0, a1, b0, b1;
};

/* The longest common subsequence of a and b by the classic table: t[i][j]
 * is the LCS length of a's first i bytes and b's first j. It is walked
 * back from the end as Redis 7.0 walks it (on a mismatch, up when the cell
 * above is strictly longer, else left), which picks the same subsequence
 * among equally long ones; the runs of consecutive matches are the IDX
 * ranges, last one first. out gets the subsequence when not NULL. */
static uint32_t lcs_walk(const char *a, uint32_t alen, const char *b, uint32_t blen, uint32_t *t,
                         char *out, struct lcs_range *ranges, uint32_t *nranges)
{
#define T(i, j) t[(size_t)(i) * ((size_t)blen + 1) + (j)]
    for (uint32_t i = 0; i <= alen; i++) {
        for (uint32_t j = 0; j <= blen; j++) {
            if (i == 0 || j == 0)
                T(i, j) = 0;
            else if (a[i - 1] == b[j - 1])
                T(i, j) = T(i - 1, j - 1) + 1;
            else
                T(i, j) = T(i - 1, j) > T(i, j - 1) ? T(i - 1, j) : T(i, j - 1);
        }
    }
    uint32_t len = T(alen, blen), left = len, i = alen, j = blen;
    int open = 0; /* a run is being extended backwards */
    struct lcs_range cur = {0, 0, 0, 0};
    *nranges = 0;
    while (i > 0 && j > 0) {
        if (a[i - 1] == b[j - 1]) {
            if (out)
                out[left - 1] = a[i - 1];
            left--;
            if (open && cur.a0 == i && cur.b0 == j) { /* contiguous: extend */
                cur.a0--;
                cur.b0--;
            } else {
                if (open)
                    ranges[(*nranges)++] = cur;
                cur = (struct lcs_range){i - 1, i - 1, j - 1, j - 1};
                open = 1;
            }
            i--;
            j--;
        } else {
            if (open)
                ranges[(*nranges)++] = cur;
            open = 0;
            if (T(i - 1, j) > T(i, j - 1))
                i--;
            else
                j--;
        }
    }
    if (open)
        ranges[(*nranges)++] = cur;
#undef T
    return len;
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], as Redis
 * 7.0.15: the keys' types are checked first, then the options; the table
 * may not need more than proto-max-bulk-len bytes. */
static void lcs_cmd(struct call *k)
{
    struct db *db = cmd_db(k);
    struct obj *oa = db_lookup_read(db, k->argv[1], k->argl[1], cmd_now(k));
    struct obj *ob = db_lookup_read(db, k->argv[2], k->argl[2], cmd_now(k));
    if ((oa && oa->type != OBJ_STRING) || (ob && ob->type != OBJ_STRING)) {
        reply_err(k->c, RT_LCS_TYPE);
        return;
    }
    int getlen = 0, getidx = 0, withlen = 0;
    long long minlen = 0;
    for (int i = 3; i < k->argc; i++) {
        if (arg_is(k, i, "idx")) {
            getidx = 1;
        } else if (arg_is(k, i, "len")) {
            getlen = 1;
        } else if (arg_is(k, i, "withmatchlen")) {
            withlen = 1;
        } else if (arg_is(k, i, "minmatchlen") && i + 1 < k->argc) {
            if (arg_ll(k, i + 1, &minlen) < 0)
                return;
            if (minlen < 0)
                minlen = 0;
            i++;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    if (getidx && getlen) {
        reply_err(k->c, RT_LCS_LEN_IDX);
        return;
    }
    const char *a = oa ? oa->u.str.p : "", *b = ob ? ob->u.str.p : "";
    size_t al = oa ? oa->u.str.len : 0, bl = ob ? ob->u.str.len : 0;
    if (al >= UINT32_MAX - 1 || bl >= UINT32_MAX - 1) {
        reply_err(k->c, RT_LCS_TOO_LONG);
        return;
    }
    unsigned long long cells = (unsigned long long)(al + 1) * (bl + 1);
    if (cells * sizeof(uint32_t) > (unsigned long long)k->core->cfg.proto_max_bulk_len) {
        reply_err(k->c, RT_LCS_MEMORY);
        return;
    }
    /* Up to proto-max-bulk-len bytes: asked for, not assumed (Redis's
     * ztrymalloc), so a failure is an error reply, not an abort. */
    uint32_t *t = malloc((size_t)cells * sizeof(uint32_t));
    if (t == NULL) {
        reply_err(k->c, RT_LCS_ALLOC);
        return;
    }
    size_t most = (al < bl ? al : bl) + 1; /* runs: at most one per matched byte */
    struct lcs_range *ranges = mem_alloc(most * sizeof(*ranges));
    char *out = getidx || getlen ? NULL : mem_alloc(most);
    uint32_t n, len = lcs_walk(a, (uint32_t)al, b, (uint32_t)bl, t, out, ranges, &n);
    if (getidx) {
        uint32_t shown = 0;
        for (uint32_t r = 0; r < n; r++)
            shown += ranges[r].a1 - ranges[r].a0 + 1 >= (unsigned long long)minlen;
        reply_map(k->c, 2);
        reply_cstr(k->c, "matches");
        reply_array(k->c, shown);
        for (uint32_t r = 0; r < n; r++) {
            uint32_t mlen = ranges[r].a1 - ranges[r].a0 + 1;
            if (mlen < (unsigned long long)minlen)
                continue;
            reply_array(k->c, 2 + withlen);
            reply_array(k->c, 2);
            reply_int(k->c, ranges[r].a0);
            reply_int(k->c, ranges[r].a1);
            reply_array(k->c, 2);
            reply_int(k->c, ranges[r].b0);
            reply_int(k->c, ranges[r].b1);
            if (withlen)
                reply_int(k->c, mlen);
        }
        reply_cstr(k->c, "len");
        reply_int(k->c, len);
    } else if (getlen) {
        reply_int(k->c, len);
    } else {
        reply_bulk(k->c, out, len);
    }
    free(out);
    free(ranges);
    free(t);
}

// clang-format off
struct cmd_def cmd_string_table[] = {
    {.name = "get", .fn = get_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Reads a string value."},
    {.name = "set", .fn = set_cmd, .getkeys = cmd_getkeys_set,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STRING | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE | KS_VARIABLE_FLAGS, BS_INDEX(1), FK_RANGE(0, 1, 0), .notes = "RW and ACCESS due to the optional `GET` argument"}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "value", .type = ARG_STRING},
          {.name = "condition", .type = ARG_ONEOF, .since = "2.6.12", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "nx", .type = ARG_PURE_TOKEN, .token = "NX"},
                   {.name = "xx", .type = ARG_PURE_TOKEN, .token = "XX"})},
          {.name = "get", .type = ARG_PURE_TOKEN, .token = "GET", .since = "6.2.0", .aflags = ARGF_OPTIONAL},
          {.name = "expiration", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "seconds", .type = ARG_INTEGER, .token = "EX", .since = "2.6.12"},
                   {.name = "milliseconds", .type = ARG_INTEGER, .token = "PX", .since = "2.6.12"},
                   {.name = "unix-time-seconds", .type = ARG_UNIX_TIME, .token = "EXAT", .since = "6.2.0"},
                   {.name = "unix-time-milliseconds", .type = ARG_UNIX_TIME, .token = "PXAT", .since = "6.2.0"},
                   {.name = "keepttl", .type = ARG_PURE_TOKEN, .token = "KEEPTTL", .since = "6.0.0"})}),
     .summary = "Stores a string value, with optional TTL and conditions."},
    {.name = "setex", .fn = setex_cmd,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STRING | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "seconds", .type = ARG_INTEGER},
          {.name = "value", .type = ARG_STRING}),
     .summary = "Stores a string value with a TTL in seconds."},
    {.name = "psetex", .fn = psetex_cmd,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STRING | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.6.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "milliseconds", .type = ARG_INTEGER},
          {.name = "value", .type = ARG_STRING}),
     .summary = "Stores a string value with a TTL in milliseconds."},
    {.name = "setnx", .fn = setnx_cmd,
     .arity = 3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_OW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "value", .type = ARG_STRING}),
     .summary = "Stores a string value unless the key exists."},
    {.name = "getset", .fn = getset_cmd,
     .arity = 3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`SET` with the `!GET` argument",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "value", .type = ARG_STRING}),
     .summary = "Stores a string value and returns the old one."},
    {.name = "getdel", .fn = getdel_cmd,
     .arity = 2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Reads a string value and deletes the key."},
    {.name = "getex", .fn = getex_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0), .notes = "RW and UPDATE because it changes the TTL"}),
     .since = "6.2.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "expiration", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "seconds", .type = ARG_INTEGER, .token = "EX"},
                   {.name = "milliseconds", .type = ARG_INTEGER, .token = "PX"},
                   {.name = "unix-time-seconds", .type = ARG_UNIX_TIME, .token = "EXAT"},
                   {.name = "unix-time-milliseconds", .type = ARG_UNIX_TIME, .token = "PXAT"},
                   {.name = "persist", .type = ARG_PURE_TOKEN, .token = "PERSIST"})}),
     .summary = "Reads a string value and changes its TTL."},
    {.name = "mget", .fn = mget_cmd,
     .arity = -2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_STRING | CAT_FAST,
     .first = 1, .last = -1, .step = 1,
     .tips = "request_policy:multi_shard",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(N) where N is the number of keys to retrieve.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Reads several string values."},
    {.name = "mset", .fn = mset_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STRING | CAT_SLOW,
     .first = 1, .last = -1, .step = 2,
     .tips = "request_policy:multi_shard response_policy:all_succeeded",
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(-1, 2, 0)}),
     .since = "1.0.1", .group = "string",
     .complexity = "O(N) where N is the number of keys to set.",
     ARGS({.name = "key_value", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
                   {.name = "value", .type = ARG_STRING})}),
     .summary = "Stores several string values at once."},
    {.name = "msetnx", .fn = msetnx_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STRING | CAT_SLOW,
     .first = 1, .last = -1, .step = 2,
     .tips = "request_policy:multi_shard response_policy:agg_min",
     KEYSPECS({KS_OW | KS_INSERT, BS_INDEX(1), FK_RANGE(-1, 2, 0)}),
     .since = "1.0.1", .group = "string",
     .complexity = "O(N) where N is the number of keys to set.",
     ARGS({.name = "key_value", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
                   {.name = "value", .type = ARG_STRING})}),
     .summary = "Stores several string values if none of the keys exists."},
    {.name = "incr", .fn = incr_cmd, .flags = CMD_TOUCH,
     .arity = 2, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Adds one to an integer value."},
    {.name = "incrby", .fn = incrby_cmd, .flags = CMD_TOUCH,
     .arity = 3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "increment", .type = ARG_INTEGER}),
     .summary = "Adds an integer to an integer value."},
    {.name = "decr", .fn = decr_cmd, .flags = CMD_TOUCH,
     .arity = 2, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Subtracts one from an integer value."},
    {.name = "decrby", .fn = decrby_cmd, .flags = CMD_TOUCH,
     .arity = 3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "decrement", .type = ARG_INTEGER}),
     .summary = "Subtracts an integer from an integer value."},
    {.name = "incrbyfloat", .fn = incrbyfloat_cmd, .flags = CMD_TOUCH,
     .arity = 3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.6.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "increment", .type = ARG_DOUBLE}),
     .summary = "Adds a decimal number to a numeric value."},
    {.name = "append", .fn = append_cmd, .flags = CMD_TOUCH,
     .arity = 3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "string",
     .complexity = "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "value", .type = ARG_STRING}),
     .summary = "Appends bytes to a string value."},
    {.name = "strlen", .fn = strlen_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_STRING | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "string",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the length of a string value."},
    {.name = "getrange", .fn = getrange_cmd,
     .arity = 4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STRING | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.4.0", .group = "string",
     .complexity = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_INTEGER},
          {.name = "end", .type = ARG_INTEGER}),
     .summary = "Reads a byte range of a string value."},
    {.name = "substr", .fn = getrange_cmd,
     .arity = 4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STRING | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "string",
     .complexity = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "2.0.0",
     .replaced_by = "`GETRANGE`",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_INTEGER},
          {.name = "end", .type = ARG_INTEGER}),
     .summary = "Reads a byte range of a string value (old name of GETRANGE)."},
    {.name = "setrange", .fn = setrange_cmd,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STRING | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "string",
     .complexity = "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "offset", .type = ARG_INTEGER},
          {.name = "value", .type = ARG_STRING}),
     .summary = "Overwrites a string value from an offset on."},
    {.name = "lcs", .fn = lcs_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STRING | CAT_SLOW,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(1, 1, 0)}),
     .since = "7.0.0", .group = "string",
     .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively",
     ARGS({.name = "key1", .type = ARG_KEY, ARG_KS(0)},
          {.name = "key2", .type = ARG_KEY, ARG_KS(0)},
          {.name = "len", .type = ARG_PURE_TOKEN, .token = "LEN", .aflags = ARGF_OPTIONAL},
          {.name = "idx", .type = ARG_PURE_TOKEN, .token = "IDX", .aflags = ARGF_OPTIONAL},
          {.name = "len", .type = ARG_INTEGER, .token = "MINMATCHLEN", .aflags = ARGF_OPTIONAL},
          {.name = "withmatchlen", .type = ARG_PURE_TOKEN, .token = "WITHMATCHLEN", .aflags = ARGF_OPTIONAL}),
     .summary = "Finds the longest common subsequence of two strings."},
    {.name = NULL},
};
// clang-format on
