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

static struct db *db_of(struct call *k)
{
    return core_db(k->c);
}

static int64_t now_of(struct call *k)
{
    return core_now_ms(k->core);
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
        int64_t now = now_of(k);
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

/* The string at key for a read: NULL when missing (*wrong = 0) or when it
 * holds another type (*wrong = 1, WRONGTYPE already sent). */
static struct obj *str_read(struct call *k, int i, int *wrong)
{
    return arg_lookup(k, i, OBJ_STRING, 0, wrong);
}

/* Same for a write: no hit/miss counting (Redis's lookupKeyWrite). */
static struct obj *str_write(struct call *k, int i, int *wrong)
{
    return arg_lookup(k, i, OBJ_STRING, 1, wrong);
}

/* Replaces the value at key with o, a new string, without TTL (or with
 * the given absolute TTL when when_ms >= 0). */
static void str_put(struct call *k, int key, struct obj *o, int64_t when_ms, int keepttl)
{
    struct db *db = db_of(k);
    /* An expired old value must not lend its TTL to KEEPTTL. */
    if (keepttl)
        (void)db_lookup(db, k->argv[key], k->argl[key], now_of(k));
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
    int wrong;
    struct obj *o = str_read(k, i, &wrong);
    if (wrong)
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
    struct db *db = db_of(k);
    int64_t when = -1;
    if (exp_arg && str_expire_ms(k, exp_arg, f, &when) < 0)
        return;
    if (f & SF_GET) {
        int wrong;
        struct obj *old = str_read(k, 1, &wrong);
        if (wrong)
            return;
        if (old == NULL)
            reply_null(k->c);
        else
            reply_bulk(k->c, old->u.str.p, old->u.str.len);
    }
    int found = db_lookup(db, k->argv[1], k->argl[1], now_of(k)) != NULL;
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
    if (reply_string_at(k, 1) == 0)
        str_store(k, 1, 2, -1, 0);
}

static void getdel_cmd(struct call *k)
{
    /* Deleting a missing key is a no-op, so no need to tell the cases apart. */
    if (reply_string_at(k, 1) == 0)
        db_delete(db_of(k), k->argv[1], k->argl[1], now_of(k));
}

static void getex_cmd(struct call *k)
{
    unsigned f;
    int exp_arg, wrong;
    int64_t when = -1;
    if (str_parse_opts(k, 2, 0, &f, &exp_arg) < 0)
        return;
    struct obj *o = str_read(k, 1, &wrong);
    if (wrong)
        return;
    if (o == NULL) {
        reply_null(k->c);
        return;
    }
    if (exp_arg && str_expire_ms(k, exp_arg, f, &when) < 0)
        return;
    reply_bulk(k->c, o->u.str.p, o->u.str.len);
    struct db *db = db_of(k);
    if ((f & (SF_EXAT | SF_PXAT)) && when <= now_of(k))
        db_delete(db, k->argv[1], k->argl[1], now_of(k));
    else if (exp_arg)
        db_set_expire(db, k->argv[1], k->argl[1], o, when);
    else if (f & SF_PERSIST)
        db_set_expire(db, k->argv[1], k->argl[1], o, -1);
}

static void mget_cmd(struct call *k)
{
    struct db *db = db_of(k);
    reply_array(k->c, k->argc - 1);
    for (int i = 1; i < k->argc; i++) {
        struct obj *o = db_lookup_read(db, k->argv[i], k->argl[i], now_of(k));
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
    for (int i = 1; i < k->argc; i += 2)
        str_store(k, i, i + 1, -1, 0);
    reply_ok(k->c);
}

static void msetnx_cmd(struct call *k)
{
    if (!mset_pairs_ok(k))
        return;
    for (int i = 1; i < k->argc; i += 2) {
        if (db_lookup(db_of(k), k->argv[i], k->argl[i], now_of(k)) != NULL) {
            reply_int(k->c, 0);
            return;
        }
    }
    for (int i = 1; i < k->argc; i += 2)
        str_store(k, i, i + 1, -1, 0);
    reply_int(k->c, 1);
}

/* ---- counters --------------------------------------------------------- */

/* Adds incr to the integer at argv[1] (Redis's incrDecrCommand). */
static void str_incr_by(struct call *k, long long incr)
{
    int wrong;
    long long v = 0;
    struct obj *o = str_write(k, 1, &wrong);
    if (wrong)
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
    int wrong;
    long double v = 0, incr;
    struct obj *o = str_write(k, 1, &wrong);
    if (wrong)
        return;
    if ((o != NULL && !util_str2ld(o->u.str.p, o->u.str.len, &v)) ||
        !util_str2ld(k->argv[2], k->argl[2], &incr)) {
        reply_err(k->c, RT_NOTFLOAT);
        return;
    }
    v += incr;
    if (isnan(v) || isinf(v)) {
        reply_err(k->c, RT_INCR_NAN);
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
    int wrong;
    struct obj *o = str_write(k, 1, &wrong);
    if (wrong)
        return;
    if (o == NULL) {
        long long n = (long long)k->argl[2];
        str_store(k, 1, 2, -1, 0);
        reply_int(k->c, n);
        return;
    }
    if (!str_len_ok(k, (long long)o->u.str.len, (long long)k->argl[2]))
        return;
    size_t old = o->u.str.len;
    str_grow(o, old + k->argl[2]);
    memcpy(o->u.str.p + old, k->argv[2], k->argl[2]);
    reply_int(k->c, (long long)o->u.str.len);
}

static void strlen_cmd(struct call *k)
{
    int wrong;
    struct obj *o = str_read(k, 1, &wrong);
    if (!wrong)
        reply_int(k->c, o ? (long long)o->u.str.len : 0);
}

static void getrange_cmd(struct call *k)
{
    long long start, end;
    int wrong;
    if (arg_ll(k, 2, &start) < 0 || arg_ll(k, 3, &end) < 0)
        return;
    struct obj *o = str_read(k, 1, &wrong);
    if (wrong)
        return;
    if (o == NULL) {
        reply_bulk(k->c, "", 0);
        return;
    }
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
    int wrong;
    size_t vlen = k->argl[3];
    if (arg_ll(k, 2, &off) < 0)
        return;
    if (off < 0) {
        reply_err(k->c, RT_OFFSET_RANGE);
        return;
    }
    struct obj *o = str_write(k, 1, &wrong);
    if (wrong)
        return;
    if (o == NULL) {
        if (vlen == 0) {
            reply_int(k->c, 0);
            return;
        }
        if (!str_len_ok(k, off, (long long)vlen))
            return;
        str_store_bytes(k, 1, "", 0, -1, 0);
        o = db_lookup(db_of(k), k->argv[1], k->argl[1], now_of(k));
    } else {
        if (vlen == 0) {
            reply_int(k->c, (long long)o->u.str.len);
            return;
        }
        if (!str_len_ok(k, off, (long long)vlen))
            return;
    }
    str_grow(o, (size_t)off + vlen);
    memcpy(o->u.str.p + off, k->argv[3], vlen);
    reply_int(k->c, (long long)o->u.str.len);
}

struct cmd_def cmd_string_table[] = {
    {"get", 2, 0, get_cmd, NULL, "string", "Reads a string value.", 0},
    {"set", -3, CMD_WRITE, set_cmd, NULL, "string",
     "Stores a string value, with optional TTL and conditions.", 0},
    {"setex", 4, CMD_WRITE, setex_cmd, NULL, "string",
     "Stores a string value with a TTL in seconds.", 0},
    {"psetex", 4, CMD_WRITE, psetex_cmd, NULL, "string",
     "Stores a string value with a TTL in milliseconds.", 0},
    {"setnx", 3, CMD_WRITE, setnx_cmd, NULL, "string",
     "Stores a string value unless the key exists.", 0},
    {"getset", 3, CMD_WRITE, getset_cmd, NULL, "string",
     "Stores a string value and returns the old one.", 0},
    {"getdel", 2, CMD_WRITE, getdel_cmd, NULL, "string",
     "Reads a string value and deletes the key.", 0},
    {"getex", -2, CMD_WRITE, getex_cmd, NULL, "string", "Reads a string value and changes its TTL.",
     0},
    {"mget", -2, 0, mget_cmd, NULL, "string", "Reads several string values.", 0},
    {"mset", -3, CMD_WRITE, mset_cmd, NULL, "string", "Stores several string values at once.", 0},
    {"msetnx", -3, CMD_WRITE, msetnx_cmd, NULL, "string",
     "Stores several string values if none of the keys exists.", 0},
    {"incr", 2, CMD_WRITE | CMD_TOUCH, incr_cmd, NULL, "string", "Adds one to an integer value.", 0},
    {"incrby", 3, CMD_WRITE | CMD_TOUCH, incrby_cmd, NULL, "string", "Adds an integer to an integer value.", 0},
    {"decr", 2, CMD_WRITE | CMD_TOUCH, decr_cmd, NULL, "string", "Subtracts one from an integer value.", 0},
    {"decrby", 3, CMD_WRITE | CMD_TOUCH, decrby_cmd, NULL, "string",
     "Subtracts an integer from an integer value.", 0},
    {"incrbyfloat", 3, CMD_WRITE | CMD_TOUCH, incrbyfloat_cmd, NULL, "string",
     "Adds a decimal number to a numeric value.", 0},
    {"append", 3, CMD_WRITE | CMD_TOUCH, append_cmd, NULL, "string", "Appends bytes to a string value.", 0},
    {"strlen", 2, 0, strlen_cmd, NULL, "string", "Returns the length of a string value.", 0},
    {"getrange", 4, 0, getrange_cmd, NULL, "string", "Reads a byte range of a string value.", 0},
    {"substr", 4, 0, getrange_cmd, NULL, "string",
     "Reads a byte range of a string value (old name of GETRANGE).", 0},
    {"setrange", 4, CMD_WRITE, setrange_cmd, NULL, "string",
     "Overwrites a string value from an offset on.", 0},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
