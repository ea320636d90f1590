/* cmd_bit.c - the bitmap commands of Redis 7.0 on string values.
 *
 * SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
 *
 * Bits are numbered as Redis numbers them (bits.h: bit 0 is the top bit of
 * byte 0); the arithmetic lives in bits.c, this file does what Redis's
 * bitops.c decides around it, in its order of checks, because that order
 * picks the error a client sees:
 *   - SETBIT parses the offset, then the bit, then looks the key up;
 *     GETBIT parses the offset first too.
 *   - BITCOUNT and BITPOS look the key up before they parse their range
 *     (7.0 only; 7.2 parses first): a missing key answers 0 (BITPOS: 0 when
 *     looking for a 0, -1 for a 1) whatever the other arguments say.
 *     BITPOS checks its bit argument before the lookup.
 *   - BITOP checks the operation, then NOT's single source, then the
 *     sources' types; an empty result deletes the destination, whatever
 *     it held.
 *   - BITFIELD parses every operation before it touches the key; any SET
 *     or INCRBY makes it a write that first grows (or creates) the string
 *     to the last bit written, even when every write then fails.
 * A bit offset is refused when its byte is at or past proto-max-bulk-len
 * (512 MB, not configurable here); "#N" in BITFIELD means N times the
 * field width, multiplied modulo 2^64 as in Redis, so a huge N can wrap to
 * a small offset. Range arguments (start/end in bytes or, with BIT, in
 * bits) are resolved the way Redis resolves them, quirks included (BITPOS
 * with both ends negative and crossed still searches byte 0; BITCOUNT
 * answers 0 there).
 *
 * WATCH: SETBIT and BITOP change keys only when Redis counts a change
 * (SETBIT of the bit already there on a string it does not grow is none;
 * BITOP always stores), so the automatic digest suits them. BITFIELD is
 * CMD_SIGNALS: Redis counts a change when a write that did not FAIL grew
 * the string or changed its field, even if a later one restores it, and
 * no change when every write FAILed, even after growing or creating the
 * key (watch.h).
 *
 * Not done: the 512 MB allocation itself is made when asked for, as in
 * Redis; tests should not ask. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bits.h"
#include "cmd.h"
#include "mem.h"
#include "memory.h"
#include "reply.h"
#include "util.h"
#include "watch.h"

/* Redis compares option names as C strings (strcasecmp), so do the same. */
static int opt_is(const struct call *k, int i, const char *lit)
{
    return strcasecmp(k->argv[i], lit) == 0;
}

/* Parses argument i as a bit offset (Redis's getBitOffsetFromArgument).
 * field_bits > 0 (BITFIELD) allows "#N", meaning N * field_bits. Replies
 * with the error and returns -1 when it is no integer, negative, or past
 * proto-max-bulk-len; else 0. */
static int bit_offset(struct call *k, int i, unsigned field_bits, uint64_t *out)
{
    const char *p = k->argv[i];
    size_t n = k->argl[i];
    size_t hash = field_bits > 0 && n > 0 && p[0] == '#';
    long long v;
    if (!util_str2ll(p + hash, n - hash, &v)) {
        reply_err(k->c, RT_BIT_OFFSET);
        return -1;
    }
    if (hash)
        v = (long long)((unsigned long long)v * field_bits); /* wraps, as in Redis */
    if (v < 0 || (v >> 3) >= k->core->cfg.proto_max_bulk_len) {
        reply_err(k->c, RT_BIT_OFFSET);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

/* Grows the string o to at least n bytes, zero-filled (NUL kept). Returns
 * whether it grew. */
static int bit_grow(struct obj *o, size_t n)
{
    if (n <= o->u.str.len)
        return 0;
    o->u.str.p = mem_realloc(o->u.str.p, n + 1);
    memset(o->u.str.p + o->u.str.len, 0, n - o->u.str.len + 1);
    o->u.str.len = n;
    return 1;
}

/* The string at argv[1] for a write that reaches bit maxbit (Redis's
 * lookupStringForBitCommand): created with zero bytes when missing, grown
 * when short. NULL after a WRONGTYPE reply. *dirty says whether it was
 * created or grew. hush: the creation is no change for WATCH. */
static struct obj *bit_target(struct call *k, uint64_t maxbit, int hush, int *dirty)
{
    size_t bytes = (size_t)(maxbit >> 3) + 1;
    struct obj *o;
    *dirty = 0;
    if (arg_key_write(k, 1, OBJ_STRING, MISS_GO, &o) < 0)
        return NULL;
    if (o != NULL) {
        *dirty = bit_grow(o, bytes);
        if (*dirty || strcmp(mem_encoding(o), "raw") != 0) /* Redis unshares it as raw */
            mem_string_raw(o, *dirty);
        return o;
    }
    o = obj_new_string("", 0);
    bit_grow(o, bytes);
    mem_string_raw(o, 0);
    if (hush)
        watch_hush(k->core, 1);
    db_set(cmd_db(k), k->argv[1], k->argl[1], o, 0);
    if (hush)
        watch_hush(k->core, 0);
    *dirty = 1;
    return o;
}

/* ---- SETBIT GETBIT ---------------------------------------------------- */

static void setbit_cmd(struct call *k)
{
    uint64_t off;
    long long on;
    int dirty;
    if (bit_offset(k, 2, 0, &off) < 0)
        return;
    if (!util_str2ll(k->argv[3], k->argl[3], &on) || (on & ~1LL)) {
        reply_err(k->c, RT_BIT_VALUE);
        return;
    }
    struct obj *o = bit_target(k, off, 0, &dirty);
    if (o == NULL)
        return;
    unsigned char *p = (unsigned char *)o->u.str.p;
    int old = (int)bits_get(p, o->u.str.len, off, 1);
    bits_put(p, off, 1, (uint64_t)on);
    if (dirty || old != on) /* as Redis: only a string created, grown or changed */
        cmd_notify_arg(k, NOTIFY_STRING, "setbit", 1);
    reply_int(k->c, old);
}

static void getbit_cmd(struct call *k)
{
    uint64_t off;
    if (bit_offset(k, 2, 0, &off) < 0)
        return;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STRING, MISS_ZERO, &o) < 0)
        return;
    reply_int(k->c, (long long)bits_get((const unsigned char *)o->u.str.p, o->u.str.len, off, 1));
}

/* ---- BITCOUNT BITPOS -------------------------------------------------- */

/* A resolved range: bits first..last of the string, or empty. */
struct bit_span {
    int empty;
    uint64_t first, last;
};

/* Resolves start..end, in bytes or (isbit) bits, against a string of len
 * bytes, the way BITCOUNT and BITPOS do: negative values count from the
 * end, then both are clamped into the string. crossed_negatives_empty:
 * BITCOUNT's extra rule that start < 0, end < 0, start > end is empty even
 * though clamping would make it byte (or bit) 0. */
static struct bit_span bit_resolve(long long start, long long end, long long len, int isbit,
                                   int crossed_negatives_empty)
{
    struct bit_span s = {1, 0, 0};
    long long total = isbit ? len * 8 : len;
    if (crossed_negatives_empty && start < 0 && end < 0 && start > end)
        return s;
    if (start < 0)
        start += total;
    if (end < 0)
        end += total;
    if (start < 0)
        start = 0;
    if (end < 0)
        end = 0;
    if (end >= total)
        end = total - 1;
    if (start > end)
        return s;
    s.empty = 0;
    s.first = isbit ? (uint64_t)start : (uint64_t)start * 8;
    s.last = isbit ? (uint64_t)end : (uint64_t)end * 8 + 7;
    return s;
}

/* The BYTE|BIT argument at i: sets *isbit; -1 after a syntax error. */
static int bit_unit(struct call *k, int i, int *isbit)
{
    if (opt_is(k, i, "bit"))
        *isbit = 1;
    else if (opt_is(k, i, "byte"))
        *isbit = 0;
    else {
        reply_err(k->c, RT_SYNTAX);
        return -1;
    }
    return 0;
}

static void bitcount_cmd(struct call *k)
{
    int isbit = 0;
    long long start, end;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STRING, MISS_ZERO, &o) < 0)
        return;
    long long len = (long long)o->u.str.len;
    struct bit_span s;
    if (k->argc == 4 || k->argc == 5) {
        if (arg_ll(k, 2, &start) < 0 || arg_ll(k, 3, &end) < 0)
            return;
        if (k->argc == 5 && bit_unit(k, 4, &isbit) < 0)
            return;
        s = bit_resolve(start, end, len, isbit, 1);
    } else if (k->argc == 2) {
        s = bit_resolve(0, -1, len, 0, 0);
    } else {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (s.empty)
        reply_int(k->c, 0);
    else
        reply_int(k->c, (long long)bits_count((const unsigned char *)o->u.str.p, s.first, s.last));
}

static void bitpos_cmd(struct call *k)
{
    int isbit = 0, end_given = 0;
    long long bit, start = 0, end;
    if (arg_ll(k, 2, &bit) < 0)
        return;
    if (bit != 0 && bit != 1) {
        reply_err(k->c, RT_BITPOS_BIT);
        return;
    }
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STRING, MISS_GO, &o) < 0)
        return;
    if (o == NULL) {
        /* A missing key is an endless run of zeros. */
        reply_int(k->c, bit ? -1 : 0);
        return;
    }
    long long len = (long long)o->u.str.len;
    if (k->argc < 3 || k->argc > 6) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    end = len - 1;
    if (k->argc >= 4 && arg_ll(k, 3, &start) < 0)
        return;
    if (k->argc == 6 && bit_unit(k, 5, &isbit) < 0)
        return;
    if (k->argc >= 5) {
        if (arg_ll(k, 4, &end) < 0)
            return;
        end_given = 1;
    }
    struct bit_span s = bit_resolve(start, end, len, isbit, 0);
    if (s.empty) {
        reply_int(k->c, -1);
        return;
    }
    int64_t pos = bits_find((const unsigned char *)o->u.str.p, s.first, s.last, (int)bit);
    /* No 0 in the range: without an explicit end, the string is taken as
     * followed by zeros, so the answer is the first bit after the range. */
    if (pos < 0 && bit == 0 && !end_given)
        pos = (int64_t)s.last + 1;
    reply_int(k->c, pos);
}

/* ---- BITOP ------------------------------------------------------------ */

enum bit_op { OP_AND, OP_OR, OP_XOR, OP_NOT };

static void bitop_cmd(struct call *k)
{
    enum bit_op op;
    if (opt_is(k, 1, "and"))
        op = OP_AND;
    else if (opt_is(k, 1, "or"))
        op = OP_OR;
    else if (opt_is(k, 1, "xor"))
        op = OP_XOR;
    else if (opt_is(k, 1, "not"))
        op = OP_NOT;
    else {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (op == OP_NOT && k->argc != 4) {
        reply_err(k->c, RT_BITOP_NOT);
        return;
    }
    int n = k->argc - 3;
    const struct obj **src = mem_calloc((size_t)n, sizeof(*src));
    size_t maxlen = 0;
    for (int j = 0; j < n; j++) {
        struct obj *o;
        if (arg_key_read(k, 3 + j, OBJ_STRING, MISS_GO, &o) < 0) { /* missing: empty */
            free(src);
            return;
        }
        src[j] = o;
        if (src[j] && src[j]->u.str.len > maxlen)
            maxlen = src[j]->u.str.len;
    }
    struct db *db = cmd_db(k);
    if (maxlen == 0) {
        free(src);
        if (db_delete(db, k->argv[2], k->argl[2], cmd_now(k)))
            cmd_notify_arg(k, NOTIFY_GENERIC, "del", 2);
        reply_int(k->c, 0);
        return;
    }
    struct obj *res = obj_new_string("", 0);
    bit_grow(res, maxlen);
    unsigned char *out = (unsigned char *)res->u.str.p;
    for (size_t i = 0; i < maxlen; i++) {
        /* A source shorter than the result reads as zero bytes. */
        unsigned acc = 0;
        for (int j = 0; j < n; j++) {
            unsigned b = src[j] && i < src[j]->u.str.len ? (unsigned char)src[j]->u.str.p[i] : 0;
            if (j == 0)
                acc = op == OP_NOT ? ~b : b;
            else if (op == OP_AND)
                acc &= b;
            else if (op == OP_OR)
                acc |= b;
            else
                acc ^= b;
        }
        out[i] = (unsigned char)acc;
    }
    free(src);
    db_set(db, k->argv[2], k->argl[2], res, 0);
    cmd_notify_arg(k, NOTIFY_STRING, "set", 2);
    reply_int(k->c, (long long)maxlen);
}

/* ---- BITFIELD BITFIELD_RO --------------------------------------------- */

enum bf_code { BF_GET, BF_SET, BF_INCRBY };

struct bf_op {
    enum bf_code code;
    enum bits_overflow ow;
    int sign;
    unsigned bits;
    uint64_t offset;
    long long arg; /* SET's value, INCRBY's increment */
};

/* A field type at argument i, "i1".."i64" or "u1".."u63" (lower case; the
 * width is read up to a NUL, as Redis reads it). -1 after the error. */
static int bf_type(struct call *k, int i, int *sign, unsigned *bits)
{
    const char *p = k->argv[i];
    long long w;
    if (p[0] != 'i' && p[0] != 'u')
        goto bad;
    *sign = p[0] == 'i';
    if (!util_str2ll(p + 1, strlen(p + 1), &w) || w < 1 || w > (*sign ? 64 : 63))
        goto bad;
    *bits = (unsigned)w;
    return 0;
bad:
    reply_err(k->c, RT_BITFIELD_TYPE);
    return -1;
}

/* Parses the operations from argument 2 on (Redis's bitfieldGeneric
 * loop). Returns how many (into *ops, the caller frees), setting *writes
 * and *maxbit (the last bit a write reaches), or -1 after the error. */
static int bf_parse(struct call *k, struct bf_op **ops, int *writes, uint64_t *maxbit)
{
    enum bits_overflow ow = BITS_WRAP;
    int n = 0;
    *ops = NULL;
    *writes = 0;
    *maxbit = 0;
    for (int j = 2; j < k->argc; j++) {
        int rest = k->argc - j - 1;
        struct bf_op op = {BF_GET, ow, 0, 0, 0, 0};
        if (opt_is(k, j, "get") && rest >= 2) {
            op.code = BF_GET;
        } else if (opt_is(k, j, "set") && rest >= 3) {
            op.code = BF_SET;
        } else if (opt_is(k, j, "incrby") && rest >= 3) {
            op.code = BF_INCRBY;
        } else if (opt_is(k, j, "overflow") && rest >= 1) {
            j++;
            if (opt_is(k, j, "wrap"))
                ow = BITS_WRAP;
            else if (opt_is(k, j, "sat"))
                ow = BITS_SAT;
            else if (opt_is(k, j, "fail"))
                ow = BITS_FAIL;
            else {
                reply_err(k->c, RT_BITFIELD_OVERFLOW);
                goto fail;
            }
            continue;
        } else {
            reply_err(k->c, RT_SYNTAX);
            goto fail;
        }
        if (bf_type(k, j + 1, &op.sign, &op.bits) < 0 ||
            bit_offset(k, j + 2, op.bits, &op.offset) < 0)
            goto fail;
        if (op.code != BF_GET) {
            *writes = 1;
            if (op.offset + op.bits - 1 > *maxbit)
                *maxbit = op.offset + op.bits - 1;
            if (arg_ll(k, j + 3, &op.arg) < 0)
                goto fail;
        }
        *ops = mem_realloc(*ops, (size_t)(n + 1) * sizeof(**ops));
        (*ops)[n++] = op;
        j += op.code == BF_GET ? 2 : 3;
    }
    return n;
fail:
    free(*ops);
    *ops = NULL;
    return -1;
}

/* Runs one SET or INCRBY on the string at p (which covers the field) and
 * replies. Returns -1 when it FAILed (nothing written), 1 when it wrote a
 * different value, 0 when the field kept its value. */
static int bf_write(struct call *k, const struct bf_op *op, unsigned char *p, size_t len)
{
    uint64_t raw = bits_get(p, len, op->offset, op->bits);
    uint64_t newraw;
    long long reply;
    int over;
    if (op->sign) {
        int64_t old = bits_signed(raw, op->bits), v;
        if (op->code == BF_INCRBY) {
            over = bits_add_signed(old, op->arg, op->bits, op->ow, &v);
            reply = v;
        } else {
            over = bits_add_signed(op->arg, 0, op->bits, op->ow, &v);
            reply = old;
        }
        newraw = (uint64_t)v;
    } else {
        uint64_t v;
        if (op->code == BF_INCRBY) {
            over = bits_add_unsigned(raw, op->arg, op->bits, op->ow, &v);
            reply = (long long)v;
        } else {
            over = bits_add_unsigned((uint64_t)op->arg, 0, op->bits, op->ow, &v);
            reply = (long long)raw;
        }
        newraw = v;
    }
    if (over && op->ow == BITS_FAIL) {
        reply_null(k->c);
        return -1;
    }
    reply_int(k->c, reply);
    bits_put(p, op->offset, op->bits, newraw);
    return bits_get(p, len, op->offset, op->bits) != raw;
}

static void bf_generic(struct call *k, int readonly_cmd)
{
    struct bf_op *ops;
    int writes, dirty = 0, changed = 0;
    uint64_t maxbit;
    int n = bf_parse(k, &ops, &writes, &maxbit);
    if (n < 0)
        return;
    struct obj *o;
    if (!writes) {
        if (arg_key_read(k, 1, OBJ_STRING, MISS_GO, &o) < 0) {
            free(ops);
            return;
        }
    } else {
        if (readonly_cmd) {
            free(ops);
            reply_err(k->c, RT_BITFIELD_RO);
            return;
        }
        o = bit_target(k, maxbit, 1, &dirty);
        if (o == NULL) {
            free(ops);
            return;
        }
    }
    reply_array(k->c, n);
    for (int i = 0; i < n; i++) {
        const struct bf_op *op = &ops[i];
        const unsigned char *p = o ? (const unsigned char *)o->u.str.p : NULL;
        size_t len = o ? o->u.str.len : 0;
        if (op->code != BF_GET) {
            /* A write that did not FAIL counts when it changed its field
             * or the string grew for this call. */
            int r = bf_write(k, op, (unsigned char *)o->u.str.p, len);
            if (r > 0 || (r == 0 && dirty))
                changed = 1;
            continue;
        }
        uint64_t raw = bits_get(p, len, op->offset, op->bits);
        if (op->sign)
            reply_int(k->c, bits_signed(raw, op->bits));
        else
            reply_int(k->c, (long long)raw);
    }
    free(ops);
    if (changed) {
        watch_touch(k->core, k->c->dbi, k->argv[1], k->argl[1]);
        cmd_notify_arg(k, NOTIFY_STRING, "setbit", 1);
    }
}

static void bitfield_cmd(struct call *k)
{
    bf_generic(k, 0);
}

static void bitfield_ro_cmd(struct call *k)
{
    bf_generic(k, 1);
}

// clang-format off
struct cmd_def cmd_bit_table[] = {
    {.name = "setbit", .fn = setbit_cmd,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_BITMAP | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "bitmap",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "offset", .type = ARG_INTEGER},
          {.name = "value", .type = ARG_INTEGER}),
     .summary = "Sets or clears one bit of a string value, growing it as needed."},
    {.name = "getbit", .fn = getbit_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_BITMAP | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "bitmap",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "offset", .type = ARG_INTEGER}),
     .summary = "Reads one bit of a string value."},
    {.name = "bitcount", .fn = bitcount_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_BITMAP | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.6.0", .group = "bitmap",
     .complexity = "O(N)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "index", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "start", .type = ARG_INTEGER},
                   {.name = "end", .type = ARG_INTEGER},
                   {.name = "index_unit", .type = ARG_ONEOF, .since = "7.0.0", .aflags = ARGF_OPTIONAL,
                    SUBARGS({.name = "byte", .type = ARG_PURE_TOKEN, .token = "BYTE"},
                            {.name = "bit", .type = ARG_PURE_TOKEN, .token = "BIT"})})}),
     .summary = "Counts the set bits of a string value, or of a byte or bit range."},
    {.name = "bitpos", .fn = bitpos_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_BITMAP | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.7", .group = "bitmap",
     .complexity = "O(N)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "bit", .type = ARG_INTEGER},
          {.name = "index", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "start", .type = ARG_INTEGER},
                   {.name = "end_index", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
                    SUBARGS({.name = "end", .type = ARG_INTEGER},
                            {.name = "index_unit", .type = ARG_ONEOF, .since = "7.0.0", .aflags = ARGF_OPTIONAL,
                             SUBARGS({.name = "byte", .type = ARG_PURE_TOKEN, .token = "BYTE"},
                                     {.name = "bit", .type = ARG_PURE_TOKEN, .token = "BIT"})})})}),
     .summary = "Finds the first set or clear bit of a string value, or of a range."},
    {.name = "bitop", .fn = bitop_cmd,
     .arity = -4, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_BITMAP | CAT_SLOW,
     .first = 2, .last = -1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(2), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(3), FK_RANGE(-1, 1, 0)}),
     .since = "2.6.0", .group = "bitmap",
     .complexity = "O(N)",
     ARGS({.name = "operation", .type = ARG_STRING},
          {.name = "destkey", .type = ARG_KEY, ARG_KS(0)},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .aflags = ARGF_MULTIPLE}),
     .summary = "Stores the AND, OR, XOR or NOT of string values."},
    {.name = "bitfield", .fn = bitfield_cmd, .getkeys = cmd_getkeys_bitfield, .flags = CMD_SIGNALS,
     .arity = -2, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_BITMAP | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE | KS_VARIABLE_FLAGS, BS_INDEX(1), FK_RANGE(0, 1, 0), .notes = "This command allows both access and modification of the key"}),
     .since = "3.2.0", .group = "bitmap",
     .complexity = "O(1) for each subcommand specified",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "operation", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE,
           SUBARGS({.name = "encoding_offset", .type = ARG_BLOCK, .token = "GET",
                    SUBARGS({.name = "encoding", .type = ARG_STRING},
                            {.name = "offset", .type = ARG_INTEGER})},
                   {.name = "write", .type = ARG_BLOCK,
                    SUBARGS({.name = "wrap_sat_fail", .type = ARG_ONEOF, .token = "OVERFLOW", .aflags = ARGF_OPTIONAL,
                             SUBARGS({.name = "wrap", .type = ARG_PURE_TOKEN, .token = "WRAP"},
                                     {.name = "sat", .type = ARG_PURE_TOKEN, .token = "SAT"},
                                     {.name = "fail", .type = ARG_PURE_TOKEN, .token = "FAIL"})},
                            {.name = "write_operation", .type = ARG_ONEOF,
                             SUBARGS({.name = "encoding_offset_value", .type = ARG_BLOCK, .token = "SET",
                                      SUBARGS({.name = "encoding", .type = ARG_STRING},
                                              {.name = "offset", .type = ARG_INTEGER},
                                              {.name = "value", .type = ARG_INTEGER})},
                                     {.name = "encoding_offset_increment", .type = ARG_BLOCK, .token = "INCRBY",
                                      SUBARGS({.name = "encoding", .type = ARG_STRING},
                                              {.name = "offset", .type = ARG_INTEGER},
                                              {.name = "increment", .type = ARG_INTEGER})})})})}),
     .summary = "Reads, sets and increments integer fields of a string value."},
    {.name = "bitfield_ro", .fn = bitfield_ro_cmd,
     .arity = -2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_BITMAP | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.0.0", .group = "bitmap",
     .complexity = "O(1) for each subcommand specified",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "encoding_offset", .type = ARG_BLOCK, .token = "GET", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE | ARGF_MULTIPLE_TOKEN,
           SUBARGS({.name = "encoding", .type = ARG_STRING},
                   {.name = "offset", .type = ARG_INTEGER})}),
     .summary = "Reads integer fields of a string value."},
    {.name = NULL},
};
// clang-format on
