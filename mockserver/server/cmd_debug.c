/* cmd_debug.c - DEBUG: the subcommands tests and client suites rely on.
 *
 * DIGEST and DIGEST-VALUE answer 40 hex digits that depend only on the
 * data: the same keys, values and TTLs give the same digest whatever the
 * order they were written in (hashes and sets are digested element by
 * element and the results added up; lists, sorted sets and streams in
 * their order), an empty server (or a missing key) all zeros, as Redis.
 * The digits are ours, not Redis's: only equality means something.
 *
 * OBJECT prints Redis's line ("Value at:... refcount:... encoding:...
 * serializedlength:... lru:... lru_seconds_idle:..."): the encoding is
 * memory.h's, serializedlength an estimate of the RDB size without
 * compression, lru the LRU clock of the server clock, the idle time 0
 * (no access times are kept). RELOAD keeps the dataset as it is (there
 * is no RDB file to save and load) but for the keys whose TTL has passed,
 * which Redis's load skips, and the encodings: a load encodes each value
 * afresh from its contents (memory.h), a hash table small again becomes a
 * listpack. SET-ACTIVE-EXPIRE stops and restarts
 * active expiry (core_cron). SLEEP blocks the whole server for real
 * time, as in Redis: the server clock advances only if it is the real
 * one. QUICKLIST-PACKED-THRESHOLD validates its size as Redis and acts
 * on nothing (mockredis lists have no plain nodes). CHANGE-REPL-ID, LOG,
 * SET-SKIP-CHECKSUM-VALIDATION are accepted no-ops; ERROR answers its
 * argument as an error reply, as it is; POPULATE creates keys as Redis;
 * PROTOCOL answers Redis's sample
 * value of a RESP type. HELP lists what is here, in our
 * words. Any other subcommand (JMAP, which Redis 7.0 no
 * longer has, included) gets Redis's unknown-subcommand error.
 *
 * Depends on: cmd.h, the keyspace (db.h, obj.h, dict.h, zset.h,
 * stream.h), memory.h (encodings), sha1.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd.h"
#include "db.h"
#include "mem.h"
#include "dict.h"
#include "memory.h"
#include "obj.h"
#include "reply.h"
#include "server.h"
#include "sha1.h"
#include "stream.h"
#include "util.h"
#include "zset.h"

/* ---- digests ---------------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const void *p, size_t n)
{
    uint64_t len = n;
    return fnv(fnv(h, &len, sizeof(len)), p, n);
}

#define FNV0 0xcbf29ce484222325ULL

/* The value's digest, independent of the order hashes and sets keep. */
static uint64_t value_digest(const struct obj *o)
{
    int64_t head[2] = {(int64_t)o->type, o->expire};
    uint64_t h = fnv(FNV0, head, sizeof(head)), sum = 0;
    switch (o->type) {
    case OBJ_STRING: return fnv_str(h, o->u.str.p, o->u.str.len);
    case OBJ_LIST:
        for (size_t i = 0; i < deque_len(o->u.list); i++) {
            const struct obj_str *e = deque_at(o->u.list, i);
            h = fnv_str(h, e->p, e->len);
        }
        return h;
    case OBJ_HASH:
        for (const struct dict_entry *e = dict_first(o->u.hash); e; e = dict_next(e)) {
            const struct obj_str *v = e->val;
            sum += fnv_str(fnv_str(FNV0, e->key, e->klen), v->p, v->len);
        }
        return fnv(h, &sum, sizeof(sum));
    case OBJ_SET:
        for (const struct dict_entry *e = dict_first(o->u.set); e; e = dict_next(e))
            sum += fnv_str(FNV0, e->key, e->klen);
        return fnv(h, &sum, sizeof(sum));
    case OBJ_ZSET:
        for (size_t i = 0; i < zset_len(o->u.zset); i++) {
            const struct zset_node *n = zset_at(o->u.zset, i);
            double score = n->score == 0 ? 0 : n->score; /* -0 and 0 alike */
            h = fnv_str(fnv(h, &score, sizeof(score)), n->m, n->len);
        }
        return h;
    case OBJ_STREAM: return stream_digest(o->u.stream, h);
    }
    return h;
}

/* 20 bytes for a key in database dbi and its value (DIGEST-VALUE: dbi -1,
 * no key). */
static void key_digest(unsigned char out[20], int dbi, const char *key, size_t klen,
                       const struct obj *o)
{
    unsigned char buf[64];
    uint64_t k = fnv_str(FNV0, key, klen), v = value_digest(o);
    int64_t d = dbi;
    memcpy(buf, &d, 8);
    memcpy(buf + 8, &k, 8);
    memcpy(buf + 16, &v, 8);
    char hex[41];
    sha1_hex(hex, buf, 24);
    for (int i = 0; i < 20; i++)
        out[i] = (unsigned char)strtoul((char[]){hex[2 * i], hex[2 * i + 1], 0}, NULL, 16);
}

static void reply_digest(struct client *c, const unsigned char d[20])
{
    char hex[41];
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    reply_simple(c, hex); /* a status reply, as Redis */
}

static void debug_digest(struct call *k)
{
    unsigned char all[20] = {0}, one[20];
    for (int i = 0; i < DB_COUNT; i++) {
        const struct db *db = &k->core->db[i];
        for (const struct dict_entry *e = dict_first(db->keys); e; e = dict_next(e)) {
            key_digest(one, i, e->key, e->klen, e->val);
            for (int b = 0; b < 20; b++)
                all[b] ^= one[b];
        }
    }
    reply_digest(k->c, all);
}

static void debug_digest_value(struct call *k)
{
    reply_array(k->c, k->argc - 2);
    for (int a = 2; a < k->argc; a++) {
        unsigned char d[20] = {0};
        const struct obj *o = db_peek(core_db(k->c), k->argv[a], k->argl[a]);
        if (o)
            key_digest(d, -1, "", 0, o);
        reply_digest(k->c, d);
    }
}

/* ---- OBJECT ------------------------------------------------------------------------- */

/* The length of an RDB length prefix for n. */
static size_t rdb_len_size(size_t n)
{
    return n < 64 ? 1 : n < 16384 ? 2 : n <= UINT32_MAX ? 5 : 9;
}

static size_t rdb_str_size(const char *p, size_t n)
{
    long long v;
    if (n <= 11 && util_str2ll(p, n, &v))
        return v >= -128 && v <= 127              ? 2
               : v >= -32768 && v <= 32767        ? 3
               : v >= INT32_MIN && v <= INT32_MAX ? 5
                                                  : n + 1;
    return rdb_len_size(n) + n;
}

/* An estimate of rdbSavedObjectLen: strings with their length prefixes,
 * no compression; a small hash, set or sorted set as its elements. */
static size_t serialized_len(const struct obj *o)
{
    size_t n = 0;
    switch (o->type) {
    case OBJ_STRING: return rdb_str_size(o->u.str.p, o->u.str.len);
    case OBJ_LIST:
        for (size_t i = 0; i < deque_len(o->u.list); i++) {
            const struct obj_str *e = deque_at(o->u.list, i);
            n += rdb_str_size(e->p, e->len);
        }
        return rdb_len_size(deque_len(o->u.list)) + n;
    case OBJ_HASH:
        for (const struct dict_entry *e = dict_first(o->u.hash); e; e = dict_next(e)) {
            const struct obj_str *v = e->val;
            n += rdb_str_size(e->key, e->klen) + rdb_str_size(v->p, v->len);
        }
        return rdb_len_size(obj_len(o)) + n;
    case OBJ_SET:
        for (const struct dict_entry *e = dict_first(o->u.set); e; e = dict_next(e))
            n += rdb_str_size(e->key, e->klen);
        return rdb_len_size(obj_len(o)) + n;
    case OBJ_ZSET:
        for (size_t i = 0; i < zset_len(o->u.zset); i++) {
            const struct zset_node *z = zset_at(o->u.zset, i);
            n += rdb_str_size(z->m, z->len) + 8;
        }
        return rdb_len_size(obj_len(o)) + n;
    case OBJ_STREAM: return 16 * obj_len(o) + 16;
    }
    return n;
}

static void debug_object(struct call *k)
{
    const struct obj *o = db_peek(core_db(k->c), k->argv[2], k->argl[2]);
    if (o == NULL) {
        reply_err(k->c, RT_NOSUCHKEY);
        return;
    }
    const char *enc = mem_encoding(o);
    long long v;
    /* Redis shares the integers 0..9999 (with maxmemory off). */
    int shared = o->type == OBJ_STRING && !strcmp(enc, "int") &&
                 util_str2ll(o->u.str.p, o->u.str.len, &v) && v >= 0 && v < 10000;
    char line[512], extra[256] = "";
    if (!strcmp(enc, "quicklist")) {
        size_t bytes = 0;
        for (size_t i = 0; i < deque_len(o->u.list); i++)
            bytes += deque_at(o->u.list, i)->len + 2;
        snprintf(extra, sizeof(extra),
                 " ql_nodes:1 ql_avg_node:%.2f ql_listpack_max:-2 ql_compressed:0 "
                 "ql_uncompressed_size:%zu",
                 (double)deque_len(o->u.list), bytes + 7);
    }
    snprintf(line, sizeof(line),
             "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%lld "
             "lru_seconds_idle:0%s",
             (const void *)o, shared ? INT_MAX : 1, enc, serialized_len(o),
             (long long)((core_now_ms(k->core) / 1000) & 0xFFFFFF), extra);
    reply_simple(k->c, line);
}

/* ---- the rest ----------------------------------------------------------------------- */

static void debug_sleep(struct call *k)
{
    /* Like Redis: strtod, anything unparsable is 0; the whole server waits. */
    double secs = strtod(k->argv[2], NULL);
    if (secs > 0) {
        struct timespec ts;
        ts.tv_sec = (time_t)secs;
        ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
        while (nanosleep(&ts, &ts) != 0) {
        }
    }
    reply_ok(k->c);
}

static void debug_reload(struct call *k)
{
    for (int a = 2; a < k->argc; a++) {
        if (!arg_is(k, a, "merge") && !arg_is(k, a, "noflush") && !arg_is(k, a, "nosave")) {
            reply_err(k->c, RT_DEBUG_RELOAD_OPTS);
            return;
        }
    }
    /* The dataset stays as it is, but for the keys whose TTL has passed:
     * Redis's load skips them (not counted as expired, no event). */
    int64_t now = core_now_ms(k->core);
    for (int i = 0; i < DB_COUNT; i++) {
        struct db *db = &k->core->db[i];
        struct dict_entry *next;
        for (struct dict_entry *e = dict_first(db->keys); e; e = next) {
            next = dict_next(e);
            if (db_state(db, e->key, e->klen, now) != DB_EXPIRED) {
                /* loaded again: encoded afresh from the contents, as
                 * Redis's load does (memory.h) */
                mem_reencode(e->val);
                db_mem_refresh(db, e->key, e->klen);
                continue;
            }
            /* taken as of before its TTL: a quiet removal, no expiry
             * counted (the key copied first: the entry goes with it) */
            const struct obj *o = e->val;
            char *key = mem_dup(e->key, e->klen);
            size_t klen = e->klen;
            obj_free(db_take(db, key, klen, o->expire - 1));
            free(key);
        }
    }
    reply_ok(k->c);
}

/* Redis's memtoull then its quicklist bound: at most 4 GiB - 1 MiB. */
static void debug_ql_threshold(struct call *k)
{
    const char *s = k->argv[2];
    size_t digits = strspn(s, "0123456789");
    unsigned long long v = 0, mul;
    int ok = digits < 128 && util_mem_unit(s + digits, &mul);
    for (size_t i = 0; ok && i < digits; i++)
        v = v > (ULLONG_MAX - 9) / 10 ? ULLONG_MAX : v * 10 + (unsigned long long)(s[i] - '0');
    if (!ok || v * mul > (1ULL << 32) - (1ULL << 20)) {
        reply_err(k->c, RT_DEBUG_QL_THRESHOLD);
        return;
    }
    reply_ok(k->c);
}

/* DEBUG POPULATE count [prefix] [size]: string keys prefix:0 .. (key:N
 * by default) holding "value:N", cut or padded with NUL bytes to size
 * when size is given; a key already there is left alone. No keyspace
 * event, as in Redis; WATCH and tracking see the change (db_set). */
static void debug_populate(struct call *k)
{
    long long count, size = 0;
    if (!util_str2ll(k->argv[2], k->argl[2], &count) || count < 0 ||
        (k->argc == 5 && (!util_str2ll(k->argv[4], k->argl[4], &size) || size < 0))) {
        reply_err(k->c, RT_MUST_POSITIVE);
        return;
    }
    const char *prefix = k->argc >= 4 ? k->argv[3] : "key";
    size_t plen = k->argc >= 4 ? k->argl[3] : 3;
    struct db *db = core_db(k->c);
    int64_t now = core_now_ms(k->core);
    struct buf key = BUF_INIT;
    char val[64];
    for (long long j = 0; j < count; j++) {
        key.len = 0;
        buf_append(&key, prefix, plen);
        buf_printf(&key, ":%lld", j);
        if (db_lookup(db, key.p, key.len, now) != NULL)
            continue;
        int n = snprintf(val, sizeof(val), "value:%lld", j);
        struct obj *o;
        if (size > 0) { /* 0: no size, as Redis reads it */
            char *p = mem_calloc((size_t)size + 1, 1);
            memcpy(p, val, (size_t)n < (size_t)size ? (size_t)n : (size_t)size);
            o = obj_new_string_take(p, (size_t)size);
        } else {
            o = obj_new_string(val, (size_t)n);
        }
        db_set(db, key.p, key.len, o, 0);
    }
    buf_free(&key);
    reply_ok(k->c);
}

/* DEBUG PROTOCOL <type>: Redis's sample value of each RESP type, for
 * client tests. */
static void debug_protocol(struct call *k)
{
    struct client *c = k->c;
    const char *t = k->argv[2];
    if (!strcasecmp(t, "string")) {
        reply_cstr(c, "Hello World");
    } else if (!strcasecmp(t, "integer")) {
        reply_int(c, 12345);
    } else if (!strcasecmp(t, "double")) {
        reply_double(c, 3.141);
    } else if (!strcasecmp(t, "bignum")) {
        static const char big[] = "1234567999999999999999999999999999999";
        if (c->proto == 3) {
            buf_append(&c->out, "(", 1);
            buf_append(&c->out, big, sizeof(big) - 1);
            buf_append(&c->out, "\r\n", 2);
        } else {
            reply_cstr(c, big);
        }
    } else if (!strcasecmp(t, "null")) {
        reply_null(c);
    } else if (!strcasecmp(t, "array") || !strcasecmp(t, "set") || !strcasecmp(t, "map")) {
        int map = !strcasecmp(t, "map");
        if (map)
            reply_map(c, 3);
        else if (!strcasecmp(t, "set"))
            reply_set(c, 3);
        else
            reply_array(c, 3);
        for (int j = 0; j < 3; j++) {
            reply_int(c, j);
            if (map)
                reply_bool(c, j == 1);
        }
    } else if (!strcasecmp(t, "attrib")) {
        if (c->proto == 3) {
            buf_append(&c->out, "|1\r\n", 4);
            reply_cstr(c, "key-popularity");
            reply_array(c, 2);
            reply_cstr(c, "key:123");
            reply_int(c, 90);
        }
        reply_cstr(c, "Some real reply following the attribute");
    } else if (!strcasecmp(t, "push")) {
        if (c->proto != 3) {
            reply_err(c, RT_DEBUG_PUSH_RESP2);
            return;
        }
        buf_append(&c->out, ">2\r\n", 4);
        reply_cstr(c, "server-cpu-usage");
        reply_int(c, 42);
        reply_cstr(c, "Some real reply following the push reply");
    } else if (!strcasecmp(t, "verbatim")) {
        reply_verbatim(c, "This is a verbatim\nstring", 25);
    } else if (!strcasecmp(t, "true") || !strcasecmp(t, "false")) {
        reply_bool(c, !strcasecmp(t, "true"));
    } else {
        reply_err(c, RT_DEBUG_PROTOCOL_TYPE);
    }
}

static void debug_help(struct call *k)
{
    static const char *const lines[] = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DIGEST",
        "    A hex digest of the whole dataset (all zeros when it is empty).",
        "DIGEST-VALUE <key> [<key> ...]",
        "    A hex digest of the value of each key (all zeros for a missing key).",
        "ERROR <string>",
        "    Answer <string> as an error reply.",
        "OBJECT <key>",
        "    Low level facts about the value of <key>.",
        "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
        "    Answer OK; the dataset stays as it is (mockredis has no RDB file).",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    0 stops expiring keys in the background (a key read still expires), 1 restarts.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Validate <size> as Redis does; no effect on mockredis's lists.",
        "SLEEP <seconds>",
        "    Stop the whole server for <seconds> (decimals allowed), as Redis does.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create string keys <prefix>:0 ... (key:0 ...) holding value:0 ..., of <size> bytes.",
        "PROTOCOL <type>",
        "    A sample reply of <type>: string, integer, double, bignum, null, array, set,",
        "    map, attrib, push, verbatim, true or false.",
        "CHANGE-REPL-ID, LOG <message>, SET-SKIP-CHECKSUM-VALIDATION <0|1>",
        "    Accepted, no effect.",
        "HELP",
        "    Print this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

static void debug_cmd(struct call *k)
{
    if (arg_is(k, 1, "help") && k->argc == 2) {
        debug_help(k);
    } else if (arg_is(k, 1, "sleep") && k->argc == 3) {
        debug_sleep(k);
    } else if (arg_is(k, 1, "set-active-expire") && k->argc == 3) {
        k->core->active_expire_off = atoi(k->argv[2]) == 0; /* atoi, as Redis */
        reply_ok(k->c);
    } else if (arg_is(k, 1, "object") && k->argc == 3) {
        debug_object(k);
    } else if (arg_is(k, 1, "reload")) {
        debug_reload(k);
    } else if (arg_is(k, 1, "digest") && k->argc == 2) {
        debug_digest(k);
    } else if (arg_is(k, 1, "digest-value") && k->argc >= 2) {
        debug_digest_value(k);
    } else if (arg_is(k, 1, "quicklist-packed-threshold") && k->argc == 3) {
        debug_ql_threshold(k);
    } else if (arg_is(k, 1, "populate") && k->argc >= 3 && k->argc <= 5) {
        debug_populate(k);
    } else if (arg_is(k, 1, "protocol") && k->argc == 3) {
        debug_protocol(k);
    } else if (arg_is(k, 1, "error") && k->argc == 3) {
        reply_errf(k->c, "%s", k->argv[2]); /* the text as it is, no ERR added */
    } else if ((arg_is(k, 1, "change-repl-id") && k->argc == 2) ||
               (arg_is(k, 1, "log") && k->argc == 3) ||
               (arg_is(k, 1, "set-skip-checksum-validation") && k->argc == 3)) {
        reply_ok(k->c);
    } else {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[1], "DEBUG");
    }
}

// clang-format off
struct cmd_def cmd_debug_table[] = {
    {.name = "debug", .fn = debug_cmd,
     .arity = -2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "1.0.0", .group = "server",
     .complexity = "Depends on subcommand.",
     .doc_flags = DOC_SYSCMD,
     .summary = "Groups the debugging commands (mockredis knows those its HELP lists)."},
    {.name = NULL},
};
// clang-format on
