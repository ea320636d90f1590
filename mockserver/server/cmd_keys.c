/* cmd_keys.c - the generic keyspace commands of Redis 7.0.
 *
 * DEL UNLINK EXISTS TOUCH TYPE KEYS SCAN RANDOMKEY RENAME RENAMENX MOVE COPY
 * EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST.
 *
 * Every read goes through db_lookup*, which deletes a key whose TTL has
 * passed, so an expired key is never seen. KEYS only skips expired keys
 * (it cannot delete while it walks the dict), as Redis's KEYS does.
 *
 * SCAN walks db->keys with the parts scan.h shares with HSCAN/SSCAN/ZSCAN
 * (Redis's scanGenericCommand): up to COUNT*10 buckets per call, stop once
 * COUNT keys were gathered, then filter by MATCH, by TYPE and by expiry.
 * The cursor is a bucket cursor of our own hash table, so a cursor taken
 * from a real Redis means nothing here (and the other way round); 0 starts
 * and ends a scan in both.
 *
 * Expire options follow Redis 7.0's expireGenericCommand: the options are
 * checked first, then the time (overflow is "invalid expire time"), then
 * the key, then NX/XX/GT/LT against the current TTL (no TTL counts as
 * infinite), and a time already past deletes the key and answers 1.
 *
 * Not here: OBJECT, DUMP/RESTORE, MIGRATE, WAIT, SORT. UNLINK frees at once
 * (there is no background thread). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "dict.h"
#include "mem.h"
#include "reply.h"
#include "scan.h"
#include "stream.h"
#include "util.h"
#include "zset.h"

/* ---- existence -------------------------------------------------------- */

static void del_cmd(struct call *k)
{
    long long n = 0;
    for (int i = 1; i < k->argc; i++) {
        if (db_delete(cmd_db(k), k->argv[i], k->argl[i], cmd_now(k))) {
            cmd_notify_arg(k, NOTIFY_GENERIC, "del", i);
            n++;
        }
    }
    reply_int(k->c, n);
}

/* EXISTS and TOUCH: a key named twice counts twice. Only TOUCH updates
 * the keys' access bookkeeping (evict.h), as in Redis. */
static void exists_generic(struct call *k, int touch)
{
    long long n = 0;
    for (int i = 1; i < k->argc; i++)
        if ((touch ? db_lookup_read : db_lookup_read_notouch)(cmd_db(k), k->argv[i], k->argl[i],
                                                              cmd_now(k)) != NULL)
            n++;
    reply_int(k->c, n);
}

static void exists_cmd(struct call *k)
{
    exists_generic(k, 0);
}

static void touch_cmd(struct call *k)
{
    exists_generic(k, 1);
}

static void type_cmd(struct call *k)
{
    struct obj *o = db_lookup_read_notouch(cmd_db(k), k->argv[1], k->argl[1], cmd_now(k));
    reply_simple(k->c, o ? obj_type_name(o->type) : "none");
}

/* A growable list of keys, borrowed or copied as the caller says. */
struct keylist {
    char **p;
    size_t *l;
    size_t n, cap;
    int owned; /* 1: p[i] are copies to free */
};

static void keylist_push(struct keylist *kl, const char *key, size_t len)
{
    if (kl->n == kl->cap) {
        kl->cap = kl->cap ? kl->cap * 2 : 16;
        kl->p = mem_realloc(kl->p, kl->cap * sizeof(*kl->p));
        kl->l = mem_realloc(kl->l, kl->cap * sizeof(*kl->l));
    }
    kl->p[kl->n] = kl->owned ? mem_dup(key, len) : (char *)key;
    kl->l[kl->n++] = len;
}

static void keylist_free(struct keylist *kl)
{
    if (kl->owned)
        for (size_t i = 0; i < kl->n; i++)
            free(kl->p[i]);
    free(kl->p);
    free(kl->l);
}

static void keylist_reply(struct client *c, const struct keylist *kl)
{
    reply_array(c, (long long)kl->n);
    for (size_t i = 0; i < kl->n; i++)
        reply_bulk(c, kl->p[i], kl->l[i]);
}

static void keys_cmd(struct call *k)
{
    struct db *db = cmd_db(k);
    struct keylist kl = {0};
    int64_t now = cmd_now(k);
    int all = k->argl[1] == 1 && k->argv[1][0] == '*';
    for (struct dict_entry *e = dict_first(db->keys); e; e = dict_next(e)) {
        struct obj *o = e->val;
        if (o->expire >= 0 && o->expire <= now)
            continue;
        if (all || util_glob(k->argv[1], k->argl[1], e->key, e->klen, 0))
            keylist_push(&kl, e->key, e->klen);
    }
    keylist_reply(k->c, &kl);
    keylist_free(&kl);
}

static void scan_cmd(struct call *k)
{
    struct db *db = cmd_db(k);
    struct scan_args a;
    if (scan_cursor(k, 1, &a.cursor) < 0 || scan_options(k, 2, 1, &a) < 0)
        return;
    struct scan_list found = {0};
    uint64_t cursor = scan_walk(db->keys, a.cursor, a.count, 0, &found);
    scan_filter(&a, &found);
    /* Copies: the expiry check below may delete the keys it looks up. */
    struct keylist kl = {0};
    kl.owned = 1;
    for (size_t i = 0; i < found.n; i++)
        keylist_push(&kl, found.v[i].p, found.v[i].n);
    scan_list_free(&found);

    struct keylist out = {0};
    out.owned = 0;
    for (size_t i = 0; i < kl.n; i++) {
        struct obj *o = db_lookup_notouch(db, kl.p[i], kl.l[i], cmd_now(k));
        if (o == NULL)
            continue;
        if (a.type && strcasecmp(a.type, obj_type_name(o->type)) != 0)
            continue;
        keylist_push(&out, kl.p[i], kl.l[i]);
    }
    scan_reply_cursor(k->c, cursor);
    keylist_reply(k->c, &out);
    keylist_free(&out);
    keylist_free(&kl);
}

static void randomkey_cmd(struct call *k)
{
    struct db *db = cmd_db(k);
    int64_t now = cmd_now(k);
    for (;;) {
        struct dict_entry *e = dict_random(db->keys, &db->rng);
        if (e == NULL) {
            reply_null(k->c);
            return;
        }
        struct obj *o = e->val;
        if (o->expire >= 0 && o->expire <= now) {
            db_delete(db, e->key, e->klen, now); /* and draw again */
            continue;
        }
        reply_bulk(k->c, e->key, e->klen);
        return;
    }
}

/* ---- renaming and moving ---------------------------------------------- */

static void rename_generic(struct call *k, int nx)
{
    struct db *db = cmd_db(k);
    int64_t now = cmd_now(k);
    struct obj *o = db_lookup(db, k->argv[1], k->argl[1], now);
    if (o == NULL) {
        reply_err(k->c, RT_NOSUCHKEY);
        return;
    }
    if (k->argl[1] == k->argl[2] && memcmp(k->argv[1], k->argv[2], k->argl[1]) == 0) {
        if (nx)
            reply_int(k->c, 0);
        else
            reply_ok(k->c);
        return;
    }
    if (nx && db_lookup(db, k->argv[2], k->argl[2], now) != NULL) {
        reply_int(k->c, 0);
        return;
    }
    o = db_take(db, k->argv[1], k->argl[1], now);
    /* The target goes first, so that the key is added ("new"), as in Redis. */
    (void)db_delete(db, k->argv[2], k->argl[2], now);
    db_set(db, k->argv[2], k->argl[2], o, 0); /* the TTL travels in o */
    cmd_notify_arg(k, NOTIFY_GENERIC, "rename_from", 1);
    cmd_notify_arg(k, NOTIFY_GENERIC, "rename_to", 2);
    if (nx)
        reply_int(k->c, 1);
    else
        reply_ok(k->c);
}

static void rename_cmd(struct call *k)
{
    rename_generic(k, 0);
}

static void renamenx_cmd(struct call *k)
{
    rename_generic(k, 1);
}

/* Parses a database number the way MOVE (int) and COPY (long) do. Returns
 * the db or NULL after replying. */
static struct db *keys_db_arg(struct call *k, int i, int as_int)
{
    long long id;
    if (arg_ll(k, i, &id) < 0)
        return NULL;
    if (as_int && (id < INT_MIN || id > INT_MAX)) {
        reply_errf(k->c, rtext[RT_RANGE_FMT], (long long)INT_MIN, (long long)INT_MAX);
        return NULL;
    }
    if (id < 0 || id >= DB_COUNT) {
        reply_err(k->c, RT_DBINDEX);
        return NULL;
    }
    return &k->core->db[id];
}

static void move_cmd(struct call *k)
{
    if (k->core->cluster != NULL) { /* before its arguments are read */
        reply_err(k->c, RT_CL_MOVE);
        return;
    }
    struct db *src = cmd_db(k), *dst = keys_db_arg(k, 2, 1);
    int64_t now = cmd_now(k);
    if (dst == NULL)
        return;
    if (dst == src) {
        reply_err(k->c, RT_SAMEOBJ);
        return;
    }
    if (db_lookup(src, k->argv[1], k->argl[1], now) == NULL ||
        db_lookup(dst, k->argv[1], k->argl[1], now) != NULL) {
        reply_int(k->c, 0);
        return;
    }
    struct obj *o = db_take(src, k->argv[1], k->argl[1], now);
    db_set(dst, k->argv[1], k->argl[1], o, 0);
    cmd_notify_arg(k, NOTIFY_GENERIC, "move_from", 1);
    notify_keyspace_event(k->core, NOTIFY_GENERIC, "move_to", k->argv[1], k->argl[1],
                          (int)(dst - k->core->db));
    reply_int(k->c, 1);
}

static void copy_cmd(struct call *k)
{
    struct db *src = cmd_db(k), *dst = src;
    int replace = 0;
    int64_t now = cmd_now(k);
    for (int j = 3; j < k->argc; j++) {
        if (strcasecmp(k->argv[j], "replace") == 0) {
            replace = 1;
        } else if (strcasecmp(k->argv[j], "db") == 0 && j < k->argc - 1) {
            dst = keys_db_arg(k, j + 1, 0);
            if (dst == NULL)
                return;
            j++;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    if (k->core->cluster != NULL && dst != src) { /* after the options, as Redis */
        reply_err(k->c, RT_CL_COPY_DB);
        return;
    }
    if (src == dst && k->argl[1] == k->argl[2] && memcmp(k->argv[1], k->argv[2], k->argl[1]) == 0) {
        reply_err(k->c, RT_SAMEOBJ);
        return;
    }
    struct obj *o = db_lookup_read(src, k->argv[1], k->argl[1], now);
    if (o == NULL) {
        reply_int(k->c, 0);
        return;
    }
    if (db_lookup(dst, k->argv[2], k->argl[2], now) != NULL && !replace) {
        reply_int(k->c, 0);
        return;
    }
    struct obj *n = obj_dup(o);
    (void)db_delete(dst, k->argv[2], k->argl[2], now); /* REPLACE: added anew, as in Redis */
    db_set(dst, k->argv[2], k->argl[2], n, 0);
    notify_keyspace_event(k->core, NOTIFY_GENERIC, "copy_to", k->argv[2], k->argl[2],
                          (int)(dst - k->core->db));
    reply_int(k->c, 1);
}

/* ---- TTLs ------------------------------------------------------------- */

#define EXP_NX (1u << 0)
#define EXP_XX (1u << 1)
#define EXP_GT (1u << 2)
#define EXP_LT (1u << 3)

/* EXPIRE PEXPIRE EXPIREAT PEXPIREAT: base is now (relative forms) or 0,
 * secs says the time is in seconds. */
static void expire_generic(struct call *k, int64_t base, int secs)
{
    unsigned f = 0;
    long long when;
    for (int j = 3; j < k->argc; j++) {
        if (strcasecmp(k->argv[j], "nx") == 0)
            f |= EXP_NX;
        else if (strcasecmp(k->argv[j], "xx") == 0)
            f |= EXP_XX;
        else if (strcasecmp(k->argv[j], "gt") == 0)
            f |= EXP_GT;
        else if (strcasecmp(k->argv[j], "lt") == 0)
            f |= EXP_LT;
        else {
            reply_errf(k->c, rtext[RT_EXPIRE_UNSUPPORTED_FMT], k->argv[j]);
            return;
        }
    }
    if ((f & EXP_NX) && (f & (EXP_XX | EXP_GT | EXP_LT))) {
        reply_err(k->c, RT_EXPIRE_NX_CONFLICT);
        return;
    }
    if ((f & EXP_GT) && (f & EXP_LT)) {
        reply_err(k->c, RT_EXPIRE_GT_LT);
        return;
    }
    if (arg_ll(k, 2, &when) < 0)
        return;
    if (secs) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
            goto bad;
        when *= 1000;
    }
    if (when > LLONG_MAX - base)
        goto bad;
    when += base;

    struct db *db = cmd_db(k);
    int64_t now = cmd_now(k);
    struct obj *o = db_lookup(db, k->argv[1], k->argl[1], now);
    if (o == NULL) {
        reply_int(k->c, 0);
        return;
    }
    int64_t cur = o->expire; /* -1: none, which counts as infinite */
    if (((f & EXP_NX) && cur != -1) || ((f & EXP_XX) && cur == -1) ||
        ((f & EXP_GT) && (cur == -1 || when <= cur)) ||
        ((f & EXP_LT) && cur != -1 && when >= cur)) {
        reply_int(k->c, 0);
        return;
    }
    if (when <= now) {
        db_delete(db, k->argv[1], k->argl[1], now);
        cmd_notify_arg(k, NOTIFY_GENERIC, "del", 1);
    } else {
        db_set_expire(db, k->argv[1], k->argl[1], o, when);
        reply_int(k->c, 1); /* Redis answers before it reports a new TTL */
        cmd_notify_arg(k, NOTIFY_GENERIC, "expire", 1);
        return;
    }
    reply_int(k->c, 1);
    return;
bad:
    reply_errf(k->c, rtext[RT_EXPIRE_INVALID_FMT], k->cmd->name);
}

static void expire_cmd(struct call *k)
{
    expire_generic(k, cmd_now(k), 1);
}

static void pexpire_cmd(struct call *k)
{
    expire_generic(k, cmd_now(k), 0);
}

static void expireat_cmd(struct call *k)
{
    expire_generic(k, 0, 1);
}

static void pexpireat_cmd(struct call *k)
{
    expire_generic(k, 0, 0);
}

/* TTL PTTL EXPIRETIME PEXPIRETIME: -2 no key, -1 no TTL; seconds are
 * rounded to the nearest, as Redis does. */
static void ttl_generic(struct call *k, int ms, int absolute)
{
    int64_t now = cmd_now(k);
    struct obj *o = db_lookup_read_notouch(cmd_db(k), k->argv[1], k->argl[1], now);
    if (o == NULL) {
        reply_int(k->c, -2);
        return;
    }
    if (o->expire < 0) {
        reply_int(k->c, -1);
        return;
    }
    long long t = absolute ? o->expire : o->expire - now;
    if (t < 0)
        t = 0;
    reply_int(k->c, ms ? t : (t + 500) / 1000);
}

static void ttl_cmd(struct call *k)
{
    ttl_generic(k, 0, 0);
}

static void pttl_cmd(struct call *k)
{
    ttl_generic(k, 1, 0);
}

static void expiretime_cmd(struct call *k)
{
    ttl_generic(k, 0, 1);
}

static void pexpiretime_cmd(struct call *k)
{
    ttl_generic(k, 1, 1);
}

static void persist_cmd(struct call *k)
{
    struct obj *o = db_lookup(cmd_db(k), k->argv[1], k->argl[1], cmd_now(k));
    if (o == NULL || o->expire < 0) {
        reply_int(k->c, 0);
        return;
    }
    db_set_expire(cmd_db(k), k->argv[1], k->argl[1], o, -1);
    cmd_notify_arg(k, NOTIFY_GENERIC, "persist", 1);
    reply_int(k->c, 1);
}

// clang-format off
struct cmd_def cmd_keys_table[] = {
    {.name = "del", .fn = del_cmd,
     .arity = -2, .rflags = RF_WRITE,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     KEYSPECS({KS_RM | KS_DELETE, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Deletes keys."},
    {.name = "unlink", .fn = del_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = -1, .step = 1,
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     KEYSPECS({KS_RM | KS_DELETE, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "4.0.0", .group = "generic",
     .complexity = "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Deletes keys (at once here, no background freeing)."},
    {.name = "exists", .fn = exists_cmd,
     .arity = -2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .first = 1, .last = -1, .step = 1,
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(N) where N is the number of keys to check.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Counts how many of the given keys exist."},
    {.name = "touch", .fn = touch_cmd,
     .arity = -2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .first = 1, .last = -1, .step = 1,
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "3.2.1", .group = "generic",
     .complexity = "O(N) where N is the number of keys that will be touched.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Counts how many of the given keys exist (no access times here)."},
    {.name = "type", .fn = type_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Names the type of the value at a key."},
    {.name = "keys", .fn = keys_cmd,
     .arity = 2, .rflags = RF_READONLY,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_shards nondeterministic_output_order",
     .since = "1.0.0", .group = "generic",
     .complexity = "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
     ARGS({.name = "pattern", .type = ARG_PATTERN}),
     .summary = "Lists the keys matching a glob pattern."},
    {.name = "scan", .fn = scan_cmd,
     .arity = -2, .rflags = RF_READONLY,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_SLOW,
     .tips = "nondeterministic_output request_policy:special",
     .since = "2.8.0", .group = "generic",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
     ARGS({.name = "cursor", .type = ARG_INTEGER},
          {.name = "pattern", .type = ARG_PATTERN, .token = "MATCH", .aflags = ARGF_OPTIONAL},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL},
          {.name = "type", .type = ARG_STRING, .token = "TYPE", .since = "6.0.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Walks the keyspace a few keys at a time."},
    {.name = "randomkey", .fn = randomkey_cmd,
     .arity = 1, .rflags = RF_READONLY,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_SLOW,
     .tips = "request_policy:all_shards nondeterministic_output",
     .since = "1.0.0", .group = "generic",
     .complexity = "O(1)",
     .summary = "Returns a random key."},
    {.name = "rename", .fn = rename_cmd,
     .arity = 3, .rflags = RF_WRITE,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_SLOW,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_OW | KS_UPDATE, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "newkey", .type = ARG_KEY, ARG_KS(1)}),
     .summary = "Gives a key a new name."},
    {.name = "renamenx", .fn = renamenx_cmd,
     .arity = 3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_OW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "newkey", .type = ARG_KEY, ARG_KS(1)}),
     .summary = "Gives a key a new name that is not taken."},
    {.name = "move", .fn = move_cmd,
     .arity = 3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "db", .type = ARG_INTEGER}),
     .summary = "Moves a key to another database."},
    {.name = "copy", .fn = copy_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_SLOW,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_OW | KS_UPDATE, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "generic",
     .complexity = "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
     ARGS({.name = "source", .type = ARG_KEY, ARG_KS(0)},
          {.name = "destination", .type = ARG_KEY, ARG_KS(1)},
          {.name = "destination-db", .type = ARG_INTEGER, .token = "DB", .aflags = ARGF_OPTIONAL},
          {.name = "replace", .type = ARG_PURE_TOKEN, .token = "REPLACE", .aflags = ARGF_OPTIONAL}),
     .summary = "Copies a value to another key."},
    {.name = "expire", .fn = expire_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "seconds", .type = ARG_INTEGER},
          {.name = "condition", .type = ARG_ONEOF, .since = "7.0.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "nx", .type = ARG_PURE_TOKEN, .token = "NX"},
                   {.name = "xx", .type = ARG_PURE_TOKEN, .token = "XX"},
                   {.name = "gt", .type = ARG_PURE_TOKEN, .token = "GT"},
                   {.name = "lt", .type = ARG_PURE_TOKEN, .token = "LT"})}),
     .summary = "Sets a TTL in seconds."},
    {.name = "pexpire", .fn = pexpire_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.6.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "milliseconds", .type = ARG_INTEGER},
          {.name = "condition", .type = ARG_ONEOF, .since = "7.0.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "nx", .type = ARG_PURE_TOKEN, .token = "NX"},
                   {.name = "xx", .type = ARG_PURE_TOKEN, .token = "XX"},
                   {.name = "gt", .type = ARG_PURE_TOKEN, .token = "GT"},
                   {.name = "lt", .type = ARG_PURE_TOKEN, .token = "LT"})}),
     .summary = "Sets a TTL in milliseconds."},
    {.name = "expireat", .fn = expireat_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "unix-time-seconds", .type = ARG_UNIX_TIME},
          {.name = "condition", .type = ARG_ONEOF, .since = "7.0.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "nx", .type = ARG_PURE_TOKEN, .token = "NX"},
                   {.name = "xx", .type = ARG_PURE_TOKEN, .token = "XX"},
                   {.name = "gt", .type = ARG_PURE_TOKEN, .token = "GT"},
                   {.name = "lt", .type = ARG_PURE_TOKEN, .token = "LT"})}),
     .summary = "Sets an expiry as a Unix time in seconds."},
    {.name = "pexpireat", .fn = pexpireat_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.6.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "unix-time-milliseconds", .type = ARG_UNIX_TIME},
          {.name = "condition", .type = ARG_ONEOF, .since = "7.0.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "nx", .type = ARG_PURE_TOKEN, .token = "NX"},
                   {.name = "xx", .type = ARG_PURE_TOKEN, .token = "XX"},
                   {.name = "gt", .type = ARG_PURE_TOKEN, .token = "GT"},
                   {.name = "lt", .type = ARG_PURE_TOKEN, .token = "LT"})}),
     .summary = "Sets an expiry as a Unix time in milliseconds."},
    {.name = "ttl", .fn = ttl_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the TTL in seconds."},
    {.name = "pttl", .fn = pttl_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.6.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the TTL in milliseconds."},
    {.name = "expiretime", .fn = expiretime_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "7.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the expiry as a Unix time in seconds."},
    {.name = "pexpiretime", .fn = pexpiretime_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "7.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the expiry as a Unix time in milliseconds."},
    {.name = "persist", .fn = persist_cmd,
     .arity = 2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Removes the TTL of a key."},
    {.name = NULL},
};
// clang-format on
