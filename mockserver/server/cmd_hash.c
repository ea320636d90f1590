/* cmd_hash.c - hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS
 * HVALS HDEL HEXISTS HLEN HSTRLEN HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
 *
 * A hash is an insertion-ordered dict of field -> struct obj_str, so
 * HGETALL, HKEYS and HVALS answer in the order Redis shows for small hashes
 * (its listpack encoding keeps insertion order; an update keeps the field's
 * place). Large hashes are hash-ordered in Redis, so tests compare those
 * unordered. A hash whose last field is deleted is removed from the keyspace,
 * as Redis never keeps an empty hash.
 *
 * Replies: HGETALL is a map in RESP3 (flat array in RESP2); HRANDFIELD with
 * WITHVALUES is an array of [field, value] pairs in RESP3 and a flat array in
 * RESP2. Argument checks happen in Redis's order so the same error wins.
 *
 * HSCAN (with scan.h): a hash the memory model tracks as a listpack
 * (memory.h: Redis's encoding, which never converts back) is answered
 * whole, in insertion order, with cursor 0; a hash table is walked bucket
 * by bucket with our own cursors. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "dict.h"
#include "mem.h"
#include "memory.h"
#include "reply.h"
#include "scan.h"
#include "util.h"

/* Sets field to value; returns 1 if the field is new. */
static int hash_put(struct obj *o, const char *f, size_t fl, const char *v, size_t vl)
{
    int created;
    struct dict_entry *e = dict_upsert(o->u.hash, f, fl, &created);
    obj_str_free(e->val);
    e->val = obj_str_new(v, vl);
    return created;
}

static void hash_reply_value(struct client *c, const struct dict_entry *e)
{
    const struct obj_str *s = e->val;
    reply_bulk(c, s->p, s->len);
}

/* The value of the field named by argument i in the hash o, NULL if none. */
static const struct obj_str *hash_field(const struct obj *o, const struct call *k, int i)
{
    const struct dict_entry *e = dict_find(o->u.hash, k->argv[i], k->argl[i]);
    return e ? e->val : NULL;
}

static void hset_cmd(struct call *k)
{
    if (k->argc % 2 == 1) {
        reply_errf(k->c, rtext[RT_ARITY_FMT], k->cmd->name);
        return;
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_HASH, MISS_CREATE, &o) < 0)
        return;
    long long created = 0;
    for (int i = 2; i < k->argc; i += 2)
        created += hash_put(o, k->argv[i], k->argl[i], k->argv[i + 1], k->argl[i + 1]);
    if (arg_is(k, 0, "hmset"))
        reply_ok(k->c);
    else
        reply_int(k->c, created);
    cmd_notify_arg(k, NOTIFY_HASH, "hset", 1); /* after the reply, as Redis */
}

static void hsetnx_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_HASH, MISS_CREATE, &o) < 0)
        return;
    if (hash_field(o, k, 2) != NULL) {
        reply_int(k->c, 0);
        return;
    }
    hash_put(o, k->argv[2], k->argl[2], k->argv[3], k->argl[3]);
    reply_int(k->c, 1);
    cmd_notify_arg(k, NOTIFY_HASH, "hset", 1);
}

static void hget_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_HASH, MISS_NULL, &o) < 0)
        return;
    const struct obj_str *s = hash_field(o, k, 2);
    if (s == NULL)
        reply_null(k->c);
    else
        reply_bulk(k->c, s->p, s->len);
}

static void hmget_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_HASH, MISS_GO, &o) < 0)
        return;
    reply_array(k->c, k->argc - 2);
    for (int i = 2; i < k->argc; i++) {
        struct dict_entry *e = o ? dict_find(o->u.hash, k->argv[i], k->argl[i]) : NULL;
        if (e == NULL)
            reply_null(k->c);
        else
            hash_reply_value(k->c, e);
    }
}

/* HGETALL, HKEYS, HVALS: what says which halves of each pair to send. */
enum { HASH_KEYS = 1, HASH_VALS = 2 };

static void hash_reply_all(struct call *k, int what)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_HASH, MISS_GO, &o) < 0)
        return;
    size_t n = o ? dict_size(o->u.hash) : 0;
    if (what == (HASH_KEYS | HASH_VALS))
        reply_map(k->c, (long long)n);
    else
        reply_array(k->c, (long long)n);
    if (o == NULL)
        return;
    for (struct dict_entry *e = dict_first(o->u.hash); e; e = dict_next(e)) {
        if (what & HASH_KEYS)
            reply_bulk(k->c, e->key, e->klen);
        if (what & HASH_VALS)
            hash_reply_value(k->c, e);
    }
}

static void hgetall_cmd(struct call *k)
{
    hash_reply_all(k, HASH_KEYS | HASH_VALS);
}

static void hkeys_cmd(struct call *k)
{
    hash_reply_all(k, HASH_KEYS);
}

static void hvals_cmd(struct call *k)
{
    hash_reply_all(k, HASH_VALS);
}

static void hdel_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_HASH, MISS_ZERO, &o) < 0)
        return;
    long long n = 0;
    for (int i = 2; i < k->argc; i++) {
        n += dict_delete(o->u.hash, k->argv[i], k->argl[i]);
        if (dict_size(o->u.hash) == 0)
            break;
    }
    if (n > 0)
        cmd_notify_arg(k, NOTIFY_HASH, "hdel", 1);
    arg_key_drop_if_empty(k, 1, o);
    reply_int(k->c, n);
}

static void hexists_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_HASH, MISS_ZERO, &o) < 0)
        return;
    reply_int(k->c, hash_field(o, k, 2) ? 1 : 0);
}

static void hlen_cmd(struct call *k)
{
    arg_key_reply_len(k, 1, OBJ_HASH);
}

static void hstrlen_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_HASH, MISS_ZERO, &o) < 0)
        return;
    const struct obj_str *s = hash_field(o, k, 2);
    reply_int(k->c, s ? (long long)s->len : 0);
}

static void hincrby_cmd(struct call *k)
{
    long long incr, cur = 0;
    if (arg_ll(k, 3, &incr) < 0)
        return;
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_HASH, MISS_CREATE, &o) < 0)
        return;
    const struct obj_str *s = hash_field(o, k, 2);
    if (s != NULL && !util_str2ll(s->p, s->len, &cur)) {
        reply_err(k->c, RT_HASH_NOTINT);
        return;
    }
    if ((incr < 0 && cur < 0 && incr < LLONG_MIN - cur) ||
        (incr > 0 && cur > 0 && incr > LLONG_MAX - cur)) {
        reply_err(k->c, RT_OVERFLOW);
        return;
    }
    cur += incr;
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%lld", cur);
    hash_put(o, k->argv[2], k->argl[2], tmp, (size_t)n);
    reply_int(k->c, cur);
    cmd_notify_arg(k, NOTIFY_HASH, "hincrby", 1);
}

static void hincrbyfloat_cmd(struct call *k)
{
    long double incr, cur = 0;
    if (!util_str2ld(k->argv[3], k->argl[3], &incr)) {
        reply_err(k->c, RT_NOTFLOAT);
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        reply_err(k->c, RT_NAN_OR_INF);
        return;
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_HASH, MISS_CREATE, &o) < 0)
        return;
    const struct obj_str *s = hash_field(o, k, 2);
    if (s != NULL && !util_str2ld(s->p, s->len, &cur)) {
        reply_err(k->c, RT_HASH_NOTFLOAT);
        return;
    }
    cur += incr;
    if (isnan(cur) || isinf(cur)) {
        reply_err(k->c, RT_INCR_NAN_INF);
        return;
    }
    char tmp[5200];
    int n = util_ld2str(tmp, sizeof(tmp), cur);
    hash_put(o, k->argv[2], k->argl[2], tmp, (size_t)n);
    reply_bulk(k->c, tmp, (size_t)n);
    cmd_notify_arg(k, NOTIFY_HASH, "hincrbyfloat", 1);
}

/* HRANDFIELD with a count: positive = distinct fields (at most all of them),
 * negative = |count| picks that may repeat. */
static void hrandfield_count(struct call *k, struct obj *o, long long count, int withvalues)
{
    struct dict *d = o->u.hash;
    size_t size = dict_size(d);
    uint64_t *rng = &k->core->rng;
    size_t n = count < 0 ? (size_t)-count : ((size_t)count < size ? (size_t)count : size);
    if (withvalues && k->c->proto < 3)
        reply_array(k->c, (long long)n * 2);
    else
        reply_array(k->c, (long long)n);

    struct dict_entry **pick = NULL;
    if (count > 0) {
        /* a partial Fisher-Yates shuffle of all entries */
        pick = mem_alloc(size * sizeof(*pick));
        size_t i = 0;
        for (struct dict_entry *e = dict_first(d); e; e = dict_next(e))
            pick[i++] = e;
        if (n < size) {
            for (i = 0; i < n; i++) {
                size_t j = i + (size_t)(dict_rand(rng) % (size - i));
                struct dict_entry *t = pick[i];
                pick[i] = pick[j];
                pick[j] = t;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct dict_entry *e = pick ? pick[i] : dict_random(d, rng);
        if (withvalues && k->c->proto >= 3)
            reply_array(k->c, 2);
        reply_bulk(k->c, e->key, e->klen);
        if (withvalues)
            hash_reply_value(k->c, e);
    }
    free(pick);
}

static void hrandfield_cmd(struct call *k)
{
    long long count;
    int withvalues;
    if (arg_rand_count(k, "withvalues", &count, &withvalues) < 0)
        return;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_HASH, k->argc >= 3 ? MISS_EMPTY_ARRAY : MISS_NULL, &o) < 0)
        return;
    if (k->argc >= 3) {
        if (count == 0)
            reply_array(k->c, 0);
        else
            hrandfield_count(k, o, count, withvalues);
        return;
    }
    struct dict_entry *e = dict_random(o->u.hash, &k->core->rng);
    reply_bulk(k->c, e->key, e->klen);
}

/* ---- HSCAN ---------------------------------------------------------------- */

static void hash_scan_value(struct client *c, const void *val)
{
    const struct obj_str *s = val;
    reply_bulk(c, s->p, s->len);
}

/* A listpack hash is answered whole in insertion order with cursor 0,
 * whatever the cursor and COUNT; a larger one is walked. */
static void hscan_cmd(struct call *k)
{
    struct scan_args a;
    struct obj *o = scan_start(k, OBJ_HASH, &a);
    if (o == NULL)
        return;
    struct scan_list found = {0};
    uint64_t cursor = 0;
    if (strcmp(mem_encoding(o), "listpack") == 0) {
        for (const struct dict_entry *e = dict_first(o->u.hash); e; e = dict_next(e))
            scan_list_push(&found, e->key, e->klen, e->val);
    } else {
        cursor = scan_walk(o->u.hash, a.cursor, a.count, 1, &found);
    }
    scan_answer(k->c, &a, cursor, &found, hash_scan_value);
}

// clang-format off
struct cmd_def cmd_hash_table[] = {
    {.name = "hset", .fn = hset_cmd, .flags = CMD_TOUCH,
     .arity = -4, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field_value", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "field", .type = ARG_STRING},
                   {.name = "value", .type = ARG_STRING})}),
     .summary = "Creates or modifies the value of a field in a hash."},
    {.name = "hsetnx", .fn = hsetnx_cmd,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING},
          {.name = "value", .type = ARG_STRING}),
     .summary = "Sets the value of a field in a hash only when the field doesn't exist."},
    {.name = "hmset", .fn = hset_cmd, .flags = CMD_TOUCH,
     .arity = -4, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields being set.",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "4.0.0",
     .replaced_by = "`HSET` with multiple field-value pairs",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field_value", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "field", .type = ARG_STRING},
                   {.name = "value", .type = ARG_STRING})}),
     .summary = "Sets the values of multiple fields."},
    {.name = "hget", .fn = hget_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING}),
     .summary = "Returns the value of a field in a hash."},
    {.name = "hmget", .fn = hmget_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields being requested.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Returns the values of all fields in a hash."},
    {.name = "hgetall", .fn = hgetall_cmd,
     .arity = 2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_HASH | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output_order",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the size of the hash.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns all fields and values in a hash."},
    {.name = "hkeys", .fn = hkeys_cmd,
     .arity = 2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_HASH | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output_order",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the size of the hash.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns all fields in a hash."},
    {.name = "hvals", .fn = hvals_cmd,
     .arity = 2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_HASH | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output_order",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the size of the hash.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns all values in a hash."},
    {.name = "hdel", .fn = hdel_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields to be removed.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Deletes one or more fields and their values from a hash."},
    {.name = "hexists", .fn = hexists_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING}),
     .summary = "Determines whether a field exists in a hash."},
    {.name = "hlen", .fn = hlen_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the number of fields in a hash."},
    {.name = "hstrlen", .fn = hstrlen_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "3.2.0", .group = "hash",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING}),
     .summary = "Returns the length of the value of a field."},
    {.name = "hincrby", .fn = hincrby_cmd, .flags = CMD_TOUCH,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.0.0", .group = "hash",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING},
          {.name = "increment", .type = ARG_INTEGER}),
     .summary = "Increments the integer value of a field in a hash by a number."},
    {.name = "hincrbyfloat", .fn = hincrbyfloat_cmd, .flags = CMD_TOUCH,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_HASH | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.6.0", .group = "hash",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "field", .type = ARG_STRING},
          {.name = "increment", .type = ARG_DOUBLE}),
     .summary = "Increments the floating point value of a field by a number."},
    {.name = "hrandfield", .fn = hrandfield_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_HASH | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "hash",
     .complexity = "O(N) where N is the number of fields returned",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "options", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "count", .type = ARG_INTEGER},
                   {.name = "withvalues", .type = ARG_PURE_TOKEN, .token = "WITHVALUES", .aflags = ARGF_OPTIONAL})}),
     .summary = "Returns one or more random fields from a hash."},
    {.name = "hscan", .fn = hscan_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_HASH | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.0", .group = "hash",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "cursor", .type = ARG_INTEGER},
          {.name = "pattern", .type = ARG_PATTERN, .token = "MATCH", .aflags = ARGF_OPTIONAL},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Iterates over fields and values of a hash."},
    {.name = NULL},
};
// clang-format on
