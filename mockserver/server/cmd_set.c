/* cmd_set.c - set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD
 * SPOP SRANDMEMBER SMOVE SINTER SUNION SDIFF (and their STORE forms)
 * SINTERCARD SSCAN.
 *
 * A set is a dict of member -> NULL (obj.h). Order of replies: Redis 7.0
 * keeps a set whose members are all integers (at most 512 of them) as a
 * sorted intset, so SMEMBERS of {3,1,2} answers 1 2 3; every whole-set reply
 * here (SMEMBERS, SINTER/SUNION/SDIFF results, SPOP or SRANDMEMBER asking
 * for the whole set) is therefore sorted numerically when every member is an
 * integer and there are at most 512. Other sets are hash-ordered in Redis
 * and compared unordered by the tests. Redis keeps a set as a hash table
 * once it was converted, even after its non-integers are removed; that
 * history is not tracked here. SSCAN (with scan.h) follows the same rule:
 * an intset is answered whole and sorted with cursor 0, any other set is
 * walked with our own cursors.
 *
 * Replies: whole sets are RESP3 sets (~); SRANDMEMBER with a count is an
 * array. A set whose last member goes away is removed from the keyspace. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dict.h"
#include "mem.h"
#include "memory.h"
#include "reply.h"
#include "scan.h"
#include "util.h"

struct set_item {
    const struct dict_entry *e;
    long long v;
};

static int set_cmp_item(const void *a, const void *b)
{
    long long x = ((const struct set_item *)a)->v, y = ((const struct set_item *)b)->v;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* The members of d in intset order (numerically sorted) when Redis would
 * hold d as an intset: at most 512 members, all integers. NULL otherwise
 * (or when d is empty). The caller frees the array. */
static struct set_item *set_intset_order(const struct dict *d)
{
    size_t n = d ? dict_size(d) : 0;
    if (n == 0 || (long long)n > mem_limits.set_intset)
        return NULL;
    struct set_item *v = mem_alloc(n * sizeof(*v));
    size_t i = 0;
    for (const struct dict_entry *e = dict_first(d); e; e = dict_next(e), i++) {
        v[i].e = e;
        if (!util_str2ll(e->key, e->klen, &v[i].v)) {
            free(v);
            return NULL;
        }
    }
    qsort(v, n, sizeof(*v), set_cmp_item);
    return v;
}

/* The members of the stored set o in intset order when the memory model
 * tracks it as an intset (memory.h: a set that became a hash table stays
 * one, whatever it holds later); NULL otherwise. */
static struct set_item *set_stored_order(const struct obj *o)
{
    return strcmp(mem_encoding(o), "intset") == 0 ? set_intset_order(o->u.set) : NULL;
}

/* Replies every member of d: as a RESP3 set (as_set) or an array, in
 * intset order when Redis would hold d as an intset (o: the stored set d
 * is, whose tracked encoding decides; NULL for a computed one). */
static void set_reply_all_of(struct client *c, const struct obj *o, const struct dict *d,
                             int as_set)
{
    size_t n = d ? dict_size(d) : 0;
    if (as_set)
        reply_set(c, (long long)n);
    else
        reply_array(c, (long long)n);
    struct set_item *v = o ? set_stored_order(o) : set_intset_order(d);
    if (v != NULL) {
        for (size_t i = 0; i < n; i++)
            reply_bulk(c, v[i].e->key, v[i].e->klen);
        free(v);
        return;
    }
    for (const struct dict_entry *e = d ? dict_first(d) : NULL; e; e = dict_next(e))
        reply_bulk(c, e->key, e->klen);
}

static void set_reply_all(struct client *c, const struct dict *d, int as_set)
{
    set_reply_all_of(c, NULL, d, as_set);
}

static void set_add_member(struct dict *d, const char *m, size_t n, long long *added)
{
    int created;
    dict_upsert(d, m, n, &created);
    *added += created;
}

static void sadd_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_SET, MISS_CREATE, &o) < 0)
        return;
    long long added = 0;
    for (int i = 2; i < k->argc; i++)
        set_add_member(o->u.set, k->argv[i], k->argl[i], &added);
    if (added > 0)
        cmd_notify_arg(k, NOTIFY_SET, "sadd", 1);
    reply_int(k->c, added);
}

static void srem_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_SET, MISS_ZERO, &o) < 0)
        return;
    long long n = 0;
    for (int i = 2; i < k->argc && dict_size(o->u.set) > 0; i++)
        n += dict_delete(o->u.set, k->argv[i], k->argl[i]);
    if (n > 0)
        cmd_notify_arg(k, NOTIFY_SET, "srem", 1);
    arg_key_drop_if_empty(k, 1, o);
    reply_int(k->c, n);
}

static void smembers_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_SET, MISS_EMPTY_SET, &o) < 0)
        return;
    set_reply_all_of(k->c, o, o->u.set, 1);
}

static void sismember_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_SET, MISS_ZERO, &o) < 0)
        return;
    reply_int(k->c, dict_find(o->u.set, k->argv[2], k->argl[2]) ? 1 : 0);
}

static void smismember_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_SET, MISS_GO, &o) < 0)
        return;
    reply_array(k->c, k->argc - 2);
    for (int i = 2; i < k->argc; i++)
        reply_int(k->c, o && dict_find(o->u.set, k->argv[i], k->argl[i]) ? 1 : 0);
}

static void scard_cmd(struct call *k)
{
    arg_key_reply_len(k, 1, OBJ_SET);
}

/* n distinct random entries of d (n < size), in pick order. */
static const struct dict_entry **set_pick(const struct dict *d, size_t n, uint64_t *rng)
{
    size_t size = dict_size(d), i = 0;
    const struct dict_entry **v = mem_alloc((size + 1) * sizeof(*v));
    for (const struct dict_entry *e = dict_first(d); e; e = dict_next(e))
        v[i++] = e;
    for (i = 0; i < n; i++) {
        size_t j = i + (size_t)(dict_rand(rng) % (size - i));
        const struct dict_entry *t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
    return v;
}

static void spop_cmd(struct call *k)
{
    long long count = 0;
    if (k->argc > 3) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (k->argc == 3 && (!util_str2ll(k->argv[2], k->argl[2], &count) || count < 0)) {
        reply_err(k->c, RT_MUST_POSITIVE);
        return;
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_SET, k->argc == 2 ? MISS_NULL : MISS_EMPTY_SET, &o) < 0)
        return;
    if (k->argc == 2) {
        struct dict_entry *e = dict_random(o->u.set, &k->core->rng);
        cmd_notify_arg(k, NOTIFY_SET, "spop", 1); /* before the reply, as Redis */
        reply_bulk(k->c, e->key, e->klen);
        dict_remove(o->u.set, e);
        arg_key_drop_if_empty(k, 1, o);
        return;
    }
    if (count == 0) {
        reply_set(k->c, 0);
        return;
    }
    struct dict *d = o->u.set;
    /* Redis reports the pop before it replies with the whole set, after it
     * replies with a part of it. */
    if ((size_t)count >= dict_size(d)) {
        cmd_notify_arg(k, NOTIFY_SET, "spop", 1);
        set_reply_all(k->c, d, 1);
        db_delete(cmd_db(k), k->argv[1], k->argl[1], cmd_now(k));
        cmd_notify_arg(k, NOTIFY_GENERIC, "del", 1);
        return;
    }
    const struct dict_entry **v = set_pick(d, (size_t)count, &k->core->rng);
    reply_set(k->c, count);
    for (long long i = 0; i < count; i++) {
        reply_bulk(k->c, v[i]->key, v[i]->klen);
        dict_remove(d, (struct dict_entry *)v[i]);
    }
    free(v);
    cmd_notify_arg(k, NOTIFY_SET, "spop", 1);
}

static void srandmember_cmd(struct call *k)
{
    long long count = 0;
    if (k->argc > 3) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (k->argc == 3) {
        if (arg_ll(k, 2, &count) < 0)
            return;
        if (count < -LLONG_MAX) {
            reply_errf(k->c, rtext[RT_RANGE_FMT], -LLONG_MAX, LLONG_MAX);
            return;
        }
    }
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_SET, k->argc == 2 ? MISS_NULL : MISS_EMPTY_ARRAY, &o) < 0)
        return;
    if (k->argc == 2) {
        struct dict_entry *e = dict_random(o->u.set, &k->core->rng);
        reply_bulk(k->c, e->key, e->klen);
        return;
    }
    if (count == 0) {
        reply_array(k->c, 0);
        return;
    }
    struct dict *d = o->u.set;
    if (count < 0) {
        reply_array(k->c, -count);
        for (long long i = 0; i < -count; i++) {
            struct dict_entry *e = dict_random(d, &k->core->rng);
            reply_bulk(k->c, e->key, e->klen);
        }
        return;
    }
    if ((size_t)count >= dict_size(d)) {
        set_reply_all(k->c, d, 0);
        return;
    }
    const struct dict_entry **v = set_pick(d, (size_t)count, &k->core->rng);
    reply_array(k->c, count);
    for (long long i = 0; i < count; i++)
        reply_bulk(k->c, v[i]->key, v[i]->klen);
    free(v);
}

static void smove_cmd(struct call *k)
{
    struct db *db = cmd_db(k);
    int64_t now = cmd_now(k);
    struct obj *src = db_lookup(db, k->argv[1], k->argl[1], now);
    struct obj *dst = db_lookup(db, k->argv[2], k->argl[2], now);
    if (src == NULL) {
        reply_int(k->c, 0);
        return;
    }
    if (src->type != OBJ_SET || (dst != NULL && dst->type != OBJ_SET)) {
        reply_err(k->c, RT_WRONGTYPE);
        return;
    }
    if (src == dst) {
        reply_int(k->c, dict_find(src->u.set, k->argv[3], k->argl[3]) ? 1 : 0);
        return;
    }
    if (!dict_delete(src->u.set, k->argv[3], k->argl[3])) {
        reply_int(k->c, 0);
        return;
    }
    cmd_notify_arg(k, NOTIFY_SET, "srem", 1);
    arg_key_drop_if_empty(k, 1, src);
    if (dst == NULL) {
        dst = obj_new_set();
        db_set(db, k->argv[2], k->argl[2], dst, 0);
    }
    long long added = 0;
    set_add_member(dst->u.set, k->argv[3], k->argl[3], &added);
    if (added)
        cmd_notify_arg(k, NOTIFY_SET, "sadd", 2);
    reply_int(k->c, 1);
}

enum set_op { SET_INTER, SET_UNION, SET_DIFF };

/* Looks up the sets at arguments first..first+n-1 into sets[] (NULL for a
 * missing key). Returns -1 after a WRONGTYPE reply, else the number of
 * missing keys. */
static int set_load(struct call *k, int first, int n, struct obj **sets)
{
    int missing = 0;
    for (int j = 0; j < n; j++) {
        if (arg_key_read(k, first + j, OBJ_SET, MISS_GO, &sets[j]) < 0)
            return -1;
        missing += sets[j] == NULL;
    }
    return missing;
}

static int set_cmp_size(const void *a, const void *b)
{
    size_t x = dict_size((*(struct obj *const *)a)->u.set);
    size_t y = dict_size((*(struct obj *const *)b)->u.set);
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* Computes op over sets[0..n) into a new dict. limit > 0 stops an
 * intersection once it has that many members. */
static struct dict *set_compute(enum set_op op, struct obj **sets, int n, long long limit)
{
    struct dict *r = dict_new(NULL);
    long long dummy = 0;
    if (op == SET_INTER) {
        qsort(sets, (size_t)n, sizeof(*sets), set_cmp_size);
        for (const struct dict_entry *e = dict_first(sets[0]->u.set); e; e = dict_next(e)) {
            int j = 1;
            while (j < n && dict_find(sets[j]->u.set, e->key, e->klen))
                j++;
            if (j == n) {
                set_add_member(r, e->key, e->klen, &dummy);
                if (limit > 0 && (long long)dict_size(r) >= limit)
                    break;
            }
        }
    } else if (op == SET_UNION) {
        for (int j = 0; j < n; j++)
            if (sets[j])
                for (const struct dict_entry *e = dict_first(sets[j]->u.set); e; e = dict_next(e))
                    set_add_member(r, e->key, e->klen, &dummy);
    } else if (sets[0] != NULL) {
        for (const struct dict_entry *e = dict_first(sets[0]->u.set); e; e = dict_next(e)) {
            int j = 1;
            while (j < n && !(sets[j] && dict_find(sets[j]->u.set, e->key, e->klen)))
                j++;
            if (j == n)
                set_add_member(r, e->key, e->klen, &dummy);
        }
    }
    return r;
}

/* SINTER SUNION SDIFF and the STORE forms (store = 1: argument 1 is the
 * destination). */
static void set_op_cmd(struct call *k, enum set_op op, int store)
{
    int first = store ? 2 : 1, n = k->argc - first;
    struct obj **sets = mem_alloc((size_t)n * sizeof(*sets));
    int missing = set_load(k, first, n, sets);
    if (missing < 0) {
        free(sets);
        return;
    }
    struct dict *r;
    if (op == SET_INTER && missing > 0)
        r = dict_new(NULL);
    else
        r = set_compute(op, sets, n, 0);
    free(sets);
    if (!store) {
        set_reply_all(k->c, r, 1);
        dict_free(r);
        return;
    }
    struct db *db = cmd_db(k);
    size_t card = dict_size(r);
    /* Events follow the reply, as in Redis, but for SINTERSTORE with a
     * missing key, which deletes the destination first. */
    int early = op == SET_INTER && missing > 0;
    if (!early)
        reply_int(k->c, (long long)card);
    if (card == 0) {
        if (db_delete(db, k->argv[1], k->argl[1], cmd_now(k)))
            cmd_notify_arg(k, NOTIFY_GENERIC, "del", 1);
        dict_free(r);
    } else {
        struct obj *o = obj_new_set();
        dict_free(o->u.set);
        o->u.set = r;
        db_set(db, k->argv[1], k->argl[1], o, 0);
        static const char *const ev[] = {
            [SET_INTER] = "sinterstore", [SET_UNION] = "sunionstore", [SET_DIFF] = "sdiffstore"};
        cmd_notify_arg(k, NOTIFY_SET, ev[op], 1);
    }
    if (early)
        reply_int(k->c, 0);
}

static void sinter_cmd(struct call *k)
{
    set_op_cmd(k, SET_INTER, 0);
}
static void sunion_cmd(struct call *k)
{
    set_op_cmd(k, SET_UNION, 0);
}
static void sdiff_cmd(struct call *k)
{
    set_op_cmd(k, SET_DIFF, 0);
}
static void sinterstore_cmd(struct call *k)
{
    set_op_cmd(k, SET_INTER, 1);
}
static void sunionstore_cmd(struct call *k)
{
    set_op_cmd(k, SET_UNION, 1);
}
static void sdiffstore_cmd(struct call *k)
{
    set_op_cmd(k, SET_DIFF, 1);
}

static void sintercard_cmd(struct call *k)
{
    long long numkeys, limit = 0;
    if (!util_str2ll(k->argv[1], k->argl[1], &numkeys) || numkeys < 1) {
        reply_err(k->c, RT_NUMKEYS_ZERO);
        return;
    }
    if (numkeys > k->argc - 2) {
        reply_err(k->c, RT_NUMKEYS_ARGS);
        return;
    }
    for (int i = 2 + (int)numkeys; i < k->argc; i++) {
        if (arg_is(k, i, "limit") && k->argc - 1 - i > 0) {
            i++;
            if (!util_str2ll(k->argv[i], k->argl[i], &limit) || limit < 0) {
                reply_err(k->c, RT_LIMIT_NEG);
                return;
            }
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    int n = (int)numkeys;
    struct obj **sets = mem_alloc((size_t)n * sizeof(*sets));
    int missing = set_load(k, 2, n, sets);
    if (missing < 0) {
        free(sets);
        return;
    }
    long long card = 0;
    if (missing == 0) {
        struct dict *r = set_compute(SET_INTER, sets, n, limit);
        card = (long long)dict_size(r);
        dict_free(r);
    }
    free(sets);
    reply_int(k->c, card);
}

/* ---- SSCAN ---------------------------------------------------------------- */

/* An intset (the encoding the memory model tracks, memory.h) is answered
 * whole, sorted, with cursor 0, whatever the cursor and COUNT; any other
 * set is a hash table in Redis 7.0 (no listpack sets before 7.2), walked
 * bucket by bucket, however small. */
static void sscan_cmd(struct call *k)
{
    struct scan_args a;
    struct obj *o = scan_start(k, OBJ_SET, &a);
    if (o == NULL)
        return;
    struct scan_list found = {0};
    uint64_t cursor = 0;
    struct set_item *v = set_stored_order(o);
    if (v != NULL) {
        for (size_t i = 0, n = dict_size(o->u.set); i < n; i++)
            scan_list_push(&found, v[i].e->key, v[i].e->klen, NULL);
        free(v);
    } else {
        cursor = scan_walk(o->u.set, a.cursor, a.count, 0, &found);
    }
    scan_answer(k->c, &a, cursor, &found, NULL);
}

// clang-format off
struct cmd_def cmd_set_table[] = {
    {.name = "sadd", .fn = sadd_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_SET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Adds one or more members to a set."},
    {.name = "srem", .fn = srem_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_SET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N) where N is the number of members to be removed.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Removes one or more members from a set."},
    {.name = "smembers", .fn = smembers_cmd,
     .arity = 2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output_order",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N) where N is the set cardinality.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns all members of a set."},
    {.name = "sismember", .fn = sismember_cmd,
     .arity = 3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING}),
     .summary = "Determines whether a member belongs to a set."},
    {.name = "smismember", .fn = smismember_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "set",
     .complexity = "O(N) where N is the number of elements being checked for membership",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "member", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Determines whether multiple members belong to a set."},
    {.name = "scard", .fn = scard_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_SET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the number of members in a set."},
    {.name = "spop", .fn = spop_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_SET | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER, .since = "3.2.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns one or more random members from a set after removing them."},
    {.name = "srandmember", .fn = srandmember_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER, .since = "2.6.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Picks random members of a set without removing them."},
    {.name = "smove", .fn = smove_cmd,
     .arity = 4, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_SET | CAT_FAST,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(1)",
     ARGS({.name = "source", .type = ARG_KEY, ARG_KS(0)},
          {.name = "destination", .type = ARG_KEY, ARG_KS(1)},
          {.name = "member", .type = ARG_STRING}),
     .summary = "Moves a member from one set to another."},
    {.name = "sinter", .fn = sinter_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SET | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     .tips = "nondeterministic_output_order",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Returns the intersect of multiple sets."},
    {.name = "sunion", .fn = sunion_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SET | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     .tips = "nondeterministic_output_order",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Returns the union of multiple sets."},
    {.name = "sdiff", .fn = sdiff_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SET | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     .tips = "nondeterministic_output_order",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Returns the difference of multiple sets."},
    {.name = "sinterstore", .fn = sinterstore_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_SET | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(2), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
     ARGS({.name = "destination", .type = ARG_KEY, ARG_KS(0)},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .aflags = ARGF_MULTIPLE}),
     .summary = "Stores the intersect of multiple sets in a key."},
    {.name = "sunionstore", .fn = sunionstore_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_SET | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(2), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     ARGS({.name = "destination", .type = ARG_KEY, ARG_KS(0)},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .aflags = ARGF_MULTIPLE}),
     .summary = "Stores the union of multiple sets in a key."},
    {.name = "sdiffstore", .fn = sdiffstore_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_SET | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(2), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "set",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     ARGS({.name = "destination", .type = ARG_KEY, ARG_KS(0)},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .aflags = ARGF_MULTIPLE}),
     .summary = "Stores the difference of multiple sets in a key."},
    {.name = "sintercard", .fn = sintercard_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_MOVABLEKEYS,
     .acl = CAT_READ | CAT_SET | CAT_SLOW,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_KEYNUM(0, 1, 1)}),
     .since = "7.0.0", .group = "set",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
     ARGS({.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "limit", .type = ARG_INTEGER, .token = "LIMIT", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the number of members of the intersect of multiple sets."},
    {.name = "sscan", .fn = sscan_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.8.0", .group = "set",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "cursor", .type = ARG_INTEGER},
          {.name = "pattern", .type = ARG_PATTERN, .token = "MATCH", .aflags = ARGF_OPTIONAL},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Iterates over members of a set."},
    {.name = NULL},
};
// clang-format on
