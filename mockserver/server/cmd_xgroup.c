/* cmd_xgroup.c - stream consumer groups: XGROUP (CREATE SETID DESTROY
 * CREATECONSUMER DELCONSUMER HELP), XREADGROUP, XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM, and XINFO (STREAM GROUPS CONSUMERS HELP).
 *
 * The groups themselves live in stream_cg.c; this file parses, checks in
 * Redis 7.0.15's order, replies, and keeps the times on the server clock
 * (cmd_now): a nack's delivery time, a consumer's seen time, so that under
 * MOCK CLOCK the idle times of XPENDING, XINFO CONSUMERS and the min-idle
 * tests of XCLAIM/XAUTOCLAIM are exact.
 *
 * Replies (RESP2; RESP3 where it differs):
 *   XREADGROUP  *N [key, [entry...]] per key served  (RESP3 %N key => [entry...]);
 *               nothing to serve and no BLOCK: null array; a timeout too.
 *               An entry is [id, [field, value, ...]]; a history entry
 *               deleted since: [id, null array].
 *   XPENDING    summary: [count, first id, last id, [[consumer, "n"]...]]
 *               (nulls when empty); extended: [[id, consumer, idle, count]...]
 *   XCLAIM      [entry...] or [id...] with JUSTID
 *   XAUTOCLAIM  [next cursor, [entry...] or [id...], [deleted id...]]
 *   XINFO       maps (RESP2: flat arrays) in Redis's field order.
 *
 * Blocking XREADGROUP waits through block.h on its keys. It is served when
 * a key's stream gets an entry past the group's last delivered ID; it gets
 * Redis's errors when the key is deleted or replaced by another type
 * ("UNBLOCKED the stream key no longer exists": DEL, expiry, SET, RENAME,
 * FLUSHALL) or when its group is destroyed (NOGROUP ...): XGROUP DESTROY
 * signals the key itself, as Redis 7.0 does.
 *
 * WATCH: none of these commands counts as a change to a watched key in
 * Redis 7.0 (only MKSTREAM's new key does, through the keyspace), so all
 * are CMD_SIGNALS and signal nothing.
 *
 * Keyspace events (NOTIFY_STREAM): xgroup-create, xgroup-setid,
 * xgroup-destroy, xgroup-createconsumer (also when XREADGROUP, XCLAIM or
 * XAUTOCLAIM create a consumer), xgroup-delconsumer. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cmd.h"
#include "mem.h"
#include "notify.h"
#include "reply.h"
#include "stream.h"
#include "stream_cg.h"
#include "util.h"

/* XAUTOCLAIM's COUNT above which Redis cannot allocate its array of count
 * deleted IDs (16 bytes each): where that happens depends on the machine
 * (overcommit); here, past 1 TiB. */
#define XG_AUTOCLAIM_MAX_COUNT (((long long)1 << 40) / 16)

/* ---- IDs and entries ---------------------------------------------------------- */

/* Argument i as an ID (stream_id_parse's rules and flags), or Redis's
 * invalid-ID error (returns -1). */
static int xg_id_arg(struct call *k, int i, uint64_t missing_seq, int flags, struct stream_id *id)
{
    if (stream_id_parse(k->argv[i], k->argl[i], missing_seq, flags, id, NULL) == 0)
        return 0;
    reply_err(k->c, RT_STREAM_ID_INVALID);
    return -1;
}

/* Argument i as an interval start: "(" makes it exclusive (the next ID).
 * Replies the error and returns -1 on failure. */
static int xg_start_arg(struct call *k, int i, struct stream_id *id)
{
    int ex;
    if (stream_range_parse(k->argv[i], k->argl[i], 0, id, &ex) < 0) {
        reply_err(k->c, RT_STREAM_ID_INVALID);
        return -1;
    }
    if (ex && stream_id_incr(id) < 0) {
        reply_err(k->c, RT_STREAM_RANGE_START);
        return -1;
    }
    return 0;
}

/* The same for an interval end: "(" takes the ID before. */
static int xg_end_arg(struct call *k, int i, struct stream_id *id)
{
    int ex;
    if (stream_range_parse(k->argv[i], k->argl[i], UINT64_MAX, id, &ex) < 0) {
        reply_err(k->c, RT_STREAM_ID_INVALID);
        return -1;
    }
    if (ex && stream_id_decr(id) < 0) {
        reply_err(k->c, RT_STREAM_RANGE_END);
        return -1;
    }
    return 0;
}

/* The ID after id; the last possible ID wraps to 0-0, as Redis's
 * streamIncrID leaves it (XREADGROUP ignores the failure). */
static struct stream_id xg_next(struct stream_id id)
{
    stream_id_incr(&id);
    return id;
}

static void xg_reply_id(struct client *c, struct stream_id id)
{
    char b[STREAM_ID_BUFLEN];
    reply_bulk(c, b, stream_id_fmt(id, b));
}

/* Inserts pre's bytes before what was written to c's output since head:
 * for a reply whose length is known only once its elements are written
 * (Redis's deferred lengths). */
static void xg_insert_before(struct client *c, size_t head, const struct buf *pre)
{
    size_t blen = c->out.len - head;
    char *body = mem_dup(c->out.p + head, blen);
    c->out.len = head;
    buf_append(&c->out, pre->p, pre->len);
    buf_append(&c->out, body, blen);
    free(body);
}

/* The same for an aggregate header of n elements (pairs, for a map). */
static void xg_header_before(struct client *c, size_t head, long long n, int map)
{
    struct buf pre = BUF_INIT;
    if (map)
        resp_w_map(&pre, c->proto, n);
    else
        resp_w_array(&pre, n);
    xg_insert_before(c, head, &pre);
    buf_free(&pre);
}

static struct stream *xg_stream(struct obj *o)
{
    return o ? o->u.stream : NULL;
}

/* A consumer looked up as Redis's streamLookupConsumer does for readers
 * and claimers: created when missing (the xgroup-createconsumer event),
 * its seen time refreshed. */
static struct stream_consumer *xg_consumer(struct core *core, int dbi, const char *key, size_t klen,
                                           struct stream_cg *g, const char *name, size_t nlen,
                                           int64_t now)
{
    struct stream_consumer *c = stream_consumer_find(g, name, nlen);
    if (c != NULL) {
        c->seen_time = now;
        return c;
    }
    c = stream_consumer_create(g, name, nlen, now);
    notify_keyspace_event(core, NOTIFY_STREAM, "xgroup-createconsumer", key, klen, dbi);
    return c;
}

/* ---- XGROUP ------------------------------------------------------------------- */

static void xg_subcmd_syntax(struct call *k, const char *container)
{
    reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[1], container);
}

/* What every XGROUP subcommand but HELP does first, in Redis's order: the
 * options of CREATE (MKSTREAM, ENTRIESREAD) and SETID (ENTRIESREAD), the
 * key (a stream, or missing only for CREATE ... MKSTREAM), the group
 * (required by SETID, CREATECONSUMER, DELCONSUMER). Returns 0 with *o
 * (NULL: missing) and *g (NULL: no such group), or -1 after replying. */
static int xgroup_prepare(struct call *k, int create, int setid, struct obj **o,
                          struct stream_cg **g, int64_t *entries_read, int *mkstream)
{
    *entries_read = STREAM_CG_UNKNOWN;
    *mkstream = 0;
    for (int i = 5; i < k->argc;) {
        if (create && arg_is(k, i, "mkstream")) {
            *mkstream = 1;
            i++;
        } else if ((create || setid) && arg_is(k, i, "entriesread") && i + 1 < k->argc) {
            long long v;
            if (arg_ll(k, i + 1, &v) < 0)
                return -1;
            if (v < 0 && v != STREAM_CG_UNKNOWN) {
                reply_err(k->c, RT_XG_ENTRIESREAD);
                return -1;
            }
            *entries_read = v;
            i += 2;
        } else {
            xg_subcmd_syntax(k, "XGROUP");
            return -1;
        }
    }
    if (arg_key_write(k, 2, OBJ_STREAM, MISS_GO, o) < 0)
        return -1;
    *g = stream_cg_find(xg_stream(*o), k->argv[3], k->argl[3]);
    if (*mkstream)
        return 0;
    if (*o == NULL) {
        reply_err(k->c, RT_XG_NOKEY);
        return -1;
    }
    if (*g == NULL && !create && !arg_is(k, 1, "destroy")) {
        reply_errf(k->c, rtext[RT_XG_NOGROUP_KEY_FMT], k->argv[3], k->argv[2]);
        return -1;
    }
    return 0;
}

static void xg_notify(struct call *k, const char *event)
{
    notify_keyspace_event(k->core, NOTIFY_STREAM, event, k->argv[2], k->argl[2], k->c->dbi);
}

static void xgroup_create_cmd(struct call *k)
{
    struct obj *o;
    struct stream_cg *g;
    int64_t er;
    int mk;
    if (xgroup_prepare(k, 1, 0, &o, &g, &er, &mk) < 0)
        return;
    if (k->argc > 8) {
        xg_subcmd_syntax(k, "XGROUP");
        return;
    }
    struct stream_id id = {0, 0};
    if (strcmp(k->argv[4], "$") == 0) {
        if (o != NULL)
            id = o->u.stream->last_id;
    } else if (xg_id_arg(k, 4, 0, STREAM_ID_STRICT, &id) < 0) {
        return;
    }
    if (o == NULL) {
        o = obj_new_stream();
        arg_store(k, 2, o);
    }
    if (stream_cg_create(o->u.stream, k->argv[3], k->argl[3], id, er) == NULL) {
        reply_err(k->c, RT_XG_BUSYGROUP);
        return;
    }
    reply_ok(k->c);
    xg_notify(k, "xgroup-create");
}

static void xgroup_setid_cmd(struct call *k)
{
    struct obj *o;
    struct stream_cg *g;
    int64_t er;
    int mk;
    if (xgroup_prepare(k, 0, 1, &o, &g, &er, &mk) < 0)
        return;
    if (k->argc != 5 && k->argc != 7) {
        xg_subcmd_syntax(k, "XGROUP");
        return;
    }
    struct stream_id id;
    if (strcmp(k->argv[4], "$") == 0)
        id = o->u.stream->last_id;
    else if (xg_id_arg(k, 4, 0, 0, &id) < 0)
        return;
    g->last_id = id;
    g->entries_read = er;
    reply_ok(k->c);
    xg_notify(k, "xgroup-setid");
}

static void xgroup_destroy_cmd(struct call *k)
{
    struct obj *o;
    struct stream_cg *g;
    int64_t er;
    int mk;
    if (xgroup_prepare(k, 0, 0, &o, &g, &er, &mk) < 0)
        return;
    if (g == NULL) {
        reply_int(k->c, 0);
        return;
    }
    stream_cg_destroy(o->u.stream, k->argv[3], k->argl[3]);
    reply_int(k->c, 1);
    xg_notify(k, "xgroup-destroy");
    /* XREADGROUP clients blocked on the group get NOGROUP */
    block_changed(k->core, k->c->dbi, k->argv[2], k->argl[2]);
}

static void xgroup_createconsumer_cmd(struct call *k)
{
    struct obj *o;
    struct stream_cg *g;
    int64_t er;
    int mk;
    if (xgroup_prepare(k, 0, 0, &o, &g, &er, &mk) < 0)
        return;
    if (stream_consumer_create(g, k->argv[4], k->argl[4], cmd_now(k)) == NULL) {
        reply_int(k->c, 0);
        return;
    }
    reply_int(k->c, 1);
    xg_notify(k, "xgroup-createconsumer");
}

static void xgroup_delconsumer_cmd(struct call *k)
{
    struct obj *o;
    struct stream_cg *g;
    int64_t er;
    int mk;
    if (xgroup_prepare(k, 0, 0, &o, &g, &er, &mk) < 0)
        return;
    struct stream_consumer *c = stream_consumer_find(g, k->argv[4], k->argl[4]);
    if (c == NULL) {
        reply_int(k->c, 0);
        return;
    }
    reply_int(k->c, (long long)stream_consumer_delete(g, c));
    xg_notify(k, "xgroup-delconsumer");
}

static void xgroup_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

/* ---- XREADGROUP ---------------------------------------------------------------- */

/* Delivers to consumer c of group g the entries of s from start on (at most
 * count, 0: all), as XREADGROUP ">" does: each moves the group's last ID
 * and, unless noack, becomes (or becomes again, for a new owner) a pending
 * entry of c delivered once, now. Writes the array of entries. */
static void xg_deliver_new(struct client *cl, const struct stream *s, struct stream_cg *g,
                           struct stream_consumer *c, struct stream_id start, long long count,
                           int noack, int64_t now)
{
    size_t from = stream_find_ge(s, start), n = s->len - from;
    if (count > 0 && (unsigned long long)count < n)
        n = (size_t)count;
    reply_array(cl, (long long)n);
    for (size_t i = from; i < from + n; i++) {
        const struct stream_entry *e = &s->e[i];
        if (stream_id_cmp(e->id, g->last_id) > 0)
            stream_cg_delivered(s, g, e->id);
        stream_reply_entry(cl, e);
        if (noack)
            continue;
        struct stream_nack *nack = stream_pel_find(&g->pel, e->id);
        if (nack == NULL) {
            stream_nack_create(g, e->id, c, now);
        } else {
            stream_nack_assign(nack, c);
            nack->delivery_time = now;
            nack->delivery_count = 1;
        }
    }
}

/* Replies c's own pending entries from start on (at most count, 0: all),
 * as XREADGROUP with an ID does: each delivered again now; one whose entry
 * was deleted comes as [id, null]. */
static void xg_deliver_history(struct client *cl, const struct stream *s, struct stream_consumer *c,
                               struct stream_id start, long long count, int64_t now)
{
    size_t from = stream_pel_seek(&c->pel, start), n = c->pel.n - from;
    if (count > 0 && (unsigned long long)count < n)
        n = (size_t)count;
    reply_array(cl, (long long)n);
    for (size_t i = from; i < from + n; i++) {
        struct stream_nack *nack = c->pel.v[i];
        const struct stream_entry *e = stream_lookup(s, nack->id);
        if (e == NULL) {
            stream_reply_deleted(cl, nack->id);
            continue;
        }
        stream_reply_entry(cl, e);
        nack->delivery_time = now;
        nack->delivery_count++;
    }
}

/* What a blocked XREADGROUP waits with (block_wait copies it): the group
 * and consumer names follow the struct. */
struct xrg_wait {
    long long count;
    int noack;
    size_t glen, clen;
};

/* Serves a blocked XREADGROUP from key (block_serve_fn). */
static int xrg_serve(struct core *core, struct client *c, int dbi, const char *key, size_t klen,
                     const void *arg)
{
    const struct xrg_wait *w = arg;
    const char *gname = (const char *)(w + 1), *cname = gname + w->glen;
    int64_t now = core_now_ms(core);
    struct obj *o = db_lookup(&core->db[dbi], key, klen, now);
    if (o == NULL || o->type != OBJ_STREAM) {
        reply_err(c, RT_XG_UNBLOCKED_NOKEY);
        return -1;
    }
    struct stream *s = o->u.stream;
    struct stream_cg *g = stream_cg_find(s, gname, w->glen);
    if (g == NULL) {
        reply_err(c, RT_XG_UNBLOCKED_NOGROUP);
        return -1;
    }
    if (stream_id_cmp(s->last_id, g->last_id) <= 0)
        return 0;
    struct stream_consumer *cons = xg_consumer(core, dbi, key, klen, g, cname, w->clen, now);
    if (c->proto == 3) {
        reply_map(c, 1);
    } else {
        reply_array(c, 1);
        reply_array(c, 2);
    }
    reply_bulk(c, key, klen);
    xg_deliver_new(c, s, g, cons, xg_next(g->last_id), w->count, w->noack, now);
    return 1;
}

static void xrg_timeout(struct client *c, const void *arg)
{
    (void)arg;
    reply_null_array(c);
}

/* XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK]
 * STREAMS key [key ...] id [id ...]: the options, in Redis's order and
 * with its errors. Sets the index of the first key and the key count.
 * Returns 0, or -1 after replying. */
static int xrg_options(struct call *k, int *gi, long long *count, int64_t *deadline, int *block,
                       int *noack, int *keys, int *nkeys)
{
    *gi = 0;
    *count = 0;
    *block = 0;
    *noack = 0;
    *keys = 0;
    for (int i = 1; i < k->argc; i++) {
        int more = k->argc - i - 1;
        if (arg_is(k, i, "block") && more) {
            if (k->c->flags & CL_SCRIPT) {
                reply_errf(k->c, rtext[RT_STREAM_BLOCK_SCRIPT_FMT], k->argv[0]);
                return -1;
            }
            if (arg_timeout_ms(k, ++i, deadline) < 0)
                return -1;
            *block = 1;
        } else if (arg_is(k, i, "count") && more) {
            if (arg_ll(k, ++i, count) < 0)
                return -1;
            if (*count < 0)
                *count = 0;
        } else if (arg_is(k, i, "streams") && more) {
            *keys = i + 1;
            int n = k->argc - *keys;
            if (n % 2) {
                reply_err(k->c, RT_STREAM_UNBALANCED);
                return -1;
            }
            *nkeys = n / 2;
            break;
        } else if (arg_is(k, i, "group") && more >= 2) {
            *gi = i + 1;
            i += 2;
        } else if (arg_is(k, i, "noack")) {
            *noack = 1;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return -1;
        }
    }
    if (*keys == 0) {
        reply_err(k->c, RT_SYNTAX);
        return -1;
    }
    if (*gi == 0) {
        reply_err(k->c, RT_XG_MISSING_GROUP);
        return -1;
    }
    return 0;
}

static void xreadgroup_cmd(struct call *k)
{
    int gi, block, noack, keys, nkeys;
    long long count;
    int64_t deadline = 0;
    if (xrg_options(k, &gi, &count, &deadline, &block, &noack, &keys, &nkeys) < 0)
        return;
    const char *gname = k->argv[gi], *cname = k->argv[gi + 1];
    size_t glen = k->argl[gi], clen = k->argl[gi + 1];
    /* Every key, group and ID is checked before anything is served. */
    struct stream_id *ids = mem_calloc((size_t)nkeys, sizeof(*ids));
    unsigned char *newer = mem_calloc((size_t)nkeys, 1); /* ">" */
    for (int j = 0; j < nkeys; j++) {
        int ki = keys + j, ii = keys + nkeys + j;
        struct obj *o;
        if (arg_key_read(k, ki, OBJ_STREAM, MISS_GO, &o) < 0)
            goto out;
        if (stream_cg_find(xg_stream(o), gname, glen) == NULL) {
            reply_errf(k->c, rtext[RT_XG_NOGROUP_READ_FMT], k->argv[ki], gname);
            goto out;
        }
        if (strcmp(k->argv[ii], "$") == 0) {
            reply_err(k->c, RT_XG_DOLLAR);
            goto out;
        }
        if (strcmp(k->argv[ii], ">") == 0)
            newer[j] = 1;
        else if (xg_id_arg(k, ii, 0, STREAM_ID_STRICT, &ids[j]) < 0)
            goto out;
        /* Redis marks ">" with the largest ID: that ID given is ">" too */
        if (stream_id_cmp(ids[j], STREAM_ID_MAX) == 0)
            newer[j] = 1;
    }
    int64_t now = cmd_now(k);
    int served = 0;
    size_t head = k->c->out.len;
    for (int j = 0; j < nkeys; j++) {
        int ki = keys + j;
        struct obj *o;
        if (arg_key_read(k, ki, OBJ_STREAM, MISS_GO, &o) < 0 || o == NULL)
            continue;
        struct stream *s = o->u.stream;
        struct stream_cg *g = stream_cg_find(s, gname, glen);
        if (newer[j] && (s->len == 0 || stream_id_cmp(s->e[s->len - 1].id, g->last_id) <= 0))
            continue; /* nothing new for the group */
        served++;
        if (k->c->proto == 2)
            reply_array(k->c, 2);
        reply_bulk(k->c, k->argv[ki], k->argl[ki]);
        struct stream_consumer *c =
            xg_consumer(k->core, k->c->dbi, k->argv[ki], k->argl[ki], g, cname, clen, now);
        if (newer[j])
            xg_deliver_new(k->c, s, g, c, xg_next(g->last_id), count, noack, now);
        else
            xg_deliver_history(k->c, s, c, xg_next(ids[j]), count, now);
    }
    if (served) {
        xg_header_before(k->c, head, served, k->c->proto == 3);
        goto out;
    }
    if (!block || !block_allowed(k->c)) {
        reply_null_array(k->c);
        goto out;
    }
    size_t n = sizeof(struct xrg_wait) + glen + clen;
    struct xrg_wait *w = mem_alloc(n);
    w->count = count ? count : 1000; /* Redis's default for a blocked read */
    w->noack = noack;
    w->glen = glen;
    w->clen = clen;
    memcpy(w + 1, gname, glen);
    memcpy((char *)(w + 1) + glen, cname, clen);
    block_wait(k->core, k->c, k->argv + keys, k->argl + keys, nkeys, deadline, xrg_serve,
               xrg_timeout, w, n);
    free(w);
out:
    free(ids);
    free(newer);
}

/* ---- XACK XPENDING ------------------------------------------------------------- */

/* The key at argument 1 and its group at argument 2, for XCLAIM and
 * XAUTOCLAIM: WRONGTYPE, or NOGROUP when either is missing. Returns the
 * group, or NULL after replying. */
static struct stream_cg *xg_key_group(struct call *k, struct stream **s)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STREAM, MISS_GO, &o) < 0)
        return NULL;
    *s = xg_stream(o);
    struct stream_cg *g = stream_cg_find(*s, k->argv[2], k->argl[2]);
    if (g == NULL)
        reply_errf(k->c, rtext[RT_XG_NOGROUP_FMT], k->argv[1], k->argv[2]);
    return g;
}

/* XACK key group id [id ...] */
static void xack_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STREAM, MISS_ZERO, &o) < 0)
        return;
    struct stream_cg *g = stream_cg_find(o->u.stream, k->argv[2], k->argl[2]);
    if (g == NULL) {
        reply_int(k->c, 0);
        return;
    }
    /* all or nothing: every ID is parsed first */
    struct stream_id *ids = mem_alloc((size_t)(k->argc - 3) * sizeof(*ids));
    for (int j = 3; j < k->argc; j++) {
        if (xg_id_arg(k, j, 0, STREAM_ID_STRICT, &ids[j - 3]) < 0) {
            free(ids);
            return;
        }
    }
    long long acked = 0;
    for (int j = 3; j < k->argc; j++) {
        struct stream_nack *n = stream_pel_find(&g->pel, ids[j - 3]);
        if (n != NULL) {
            stream_nack_delete(g, n);
            acked++;
        }
    }
    free(ids);
    reply_int(k->c, acked);
}

static void xpending_summary(struct call *k, const struct stream_cg *g)
{
    reply_array(k->c, 4);
    reply_int(k->c, (long long)g->pel.n);
    if (g->pel.n == 0) {
        reply_null(k->c);
        reply_null(k->c);
        reply_null_array(k->c);
        return;
    }
    xg_reply_id(k->c, g->pel.v[0]->id);
    xg_reply_id(k->c, g->pel.v[g->pel.n - 1]->id);
    size_t with = 0;
    for (size_t i = 0; i < g->ncons; i++)
        with += g->cons[i]->pel.n > 0;
    reply_array(k->c, (long long)with);
    for (size_t i = 0; i < g->ncons; i++) {
        const struct stream_consumer *c = g->cons[i];
        if (c->pel.n == 0)
            continue;
        char num[24];
        int len = snprintf(num, sizeof(num), "%zu", c->pel.n);
        reply_array(k->c, 2);
        reply_bulk(k->c, c->name, c->nlen);
        reply_bulk(k->c, num, (size_t)len);
    }
}

/* XPENDING key group [[IDLE min-idle] start end count [consumer]] */
static void xpending_cmd(struct call *k)
{
    long long count = 0, minidle = 0;
    struct stream_id start, end;
    int cons_i = 0;
    if (k->argc != 3 && (k->argc < 6 || k->argc > 9)) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (k->argc >= 6) {
        int si = 3;
        if (arg_is(k, 3, "idle")) {
            if (arg_ll(k, 4, &minidle) < 0)
                return;
            if (k->argc < 8) {
                reply_err(k->c, RT_SYNTAX);
                return;
            }
            si += 2;
        }
        if (arg_ll(k, si + 2, &count) < 0)
            return;
        if (count < 0)
            count = 0;
        if (xg_start_arg(k, si, &start) < 0 || xg_end_arg(k, si + 1, &end) < 0)
            return;
        if (si + 3 < k->argc)
            cons_i = si + 3;
    }
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STREAM, MISS_GO, &o) < 0)
        return;
    struct stream_cg *g = stream_cg_find(xg_stream(o), k->argv[2], k->argl[2]);
    if (g == NULL) {
        reply_errf(k->c, rtext[RT_XG_NOGROUP_FMT], k->argv[1], k->argv[2]);
        return;
    }
    if (k->argc == 3) {
        xpending_summary(k, g);
        return;
    }
    const struct stream_pel *pel = &g->pel;
    if (cons_i) {
        const struct stream_consumer *c = stream_consumer_find(g, k->argv[cons_i], k->argl[cons_i]);
        if (c == NULL) {
            reply_array(k->c, 0);
            return;
        }
        pel = &c->pel;
    }
    int64_t now = cmd_now(k);
    size_t from = stream_pel_seek(pel, start), n = 0, i;
    /* count first: the reply's length leads */
    long long left = count;
    for (i = from; left && i < pel->n && stream_id_cmp(pel->v[i]->id, end) <= 0; i++) {
        if (minidle && now - pel->v[i]->delivery_time < minidle)
            continue;
        n++;
        left--;
    }
    reply_array(k->c, (long long)n);
    left = count;
    for (i = from; left && i < pel->n && stream_id_cmp(pel->v[i]->id, end) <= 0; i++) {
        const struct stream_nack *nk = pel->v[i];
        if (minidle && now - nk->delivery_time < minidle)
            continue;
        left--;
        int64_t idle = now - nk->delivery_time;
        reply_array(k->c, 4);
        xg_reply_id(k->c, nk->id);
        reply_bulk(k->c, nk->consumer->name, nk->consumer->nlen);
        reply_int(k->c, idle < 0 ? 0 : idle);
        reply_int(k->c, (long long)nk->delivery_count);
    }
}

/* ---- XCLAIM XAUTOCLAIM ------------------------------------------------------------ */

/* Parses an integer option of XCLAIM with its own error text. */
static int xclaim_ll(struct call *k, int i, enum rtext_id err, long long *v)
{
    if (util_str2ll(k->argv[i], k->argl[i], v))
        return 0;
    reply_err(k->c, err);
    return -1;
}

/* XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME
 * unix-time-ms] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id] */
static void xclaim_cmd(struct call *k)
{
    struct stream *s;
    struct stream_cg *g = xg_key_group(k, &s);
    if (g == NULL)
        return;
    long long minidle, retry = -1, dtime = -1;
    int force = 0, justid = 0, j;
    if (xclaim_ll(k, 4, RT_XG_XCLAIM_MINIDLE, &minidle) < 0)
        return;
    if (minidle < 0)
        minidle = 0;
    struct stream_id id, last = {0, 0};
    for (j = 5; j < k->argc; j++)
        if (stream_id_parse(k->argv[j], k->argl[j], 0, STREAM_ID_STRICT, &id, NULL) < 0)
            break;
    int last_id_arg = j - 1;
    int64_t now = cmd_now(k);
    for (; j < k->argc; j++) {
        int more = k->argc - 1 - j;
        if (arg_is(k, j, "force")) {
            force = 1;
        } else if (arg_is(k, j, "justid")) {
            justid = 1;
        } else if (arg_is(k, j, "idle") && more) {
            if (xclaim_ll(k, ++j, RT_XG_XCLAIM_IDLE, &dtime) < 0)
                return;
            dtime = now - dtime;
        } else if (arg_is(k, j, "time") && more) {
            if (xclaim_ll(k, ++j, RT_XG_XCLAIM_TIME, &dtime) < 0)
                return;
        } else if (arg_is(k, j, "retrycount") && more) {
            if (xclaim_ll(k, ++j, RT_XG_XCLAIM_RETRY, &retry) < 0)
                return;
        } else if (arg_is(k, j, "lastid") && more) {
            if (xg_id_arg(k, ++j, 0, STREAM_ID_STRICT, &last) < 0)
                return;
        } else {
            reply_errf(k->c, rtext[RT_XG_XCLAIM_OPT_FMT], k->argv[j]);
            return;
        }
    }
    if (stream_id_cmp(last, g->last_id) > 0)
        g->last_id = last;
    /* a delivery time in the future or before 1970 is taken as now */
    if (dtime < 0 || dtime > now)
        dtime = now;
    struct stream_consumer *c = NULL;
    size_t head = k->c->out.len;
    long long n = 0;
    for (j = 5; j <= last_id_arg; j++) {
        stream_id_parse(k->argv[j], k->argl[j], 0, STREAM_ID_STRICT, &id, NULL);
        struct stream_nack *nack = stream_pel_find(&g->pel, id);
        const struct stream_entry *e = stream_lookup(s, id);
        if (e == NULL) {
            /* the entry is gone: so goes its pending entry */
            if (nack != NULL)
                stream_nack_delete(g, nack);
            continue;
        }
        int created = 0;
        if (nack == NULL) {
            if (!force)
                continue;
            nack = stream_nack_create(g, id, NULL, now);
            created = 1;
        }
        if (!created && minidle && now - nack->delivery_time < minidle)
            continue;
        if (c == NULL)
            c = xg_consumer(k->core, k->c->dbi, k->argv[1], k->argl[1], g, k->argv[3], k->argl[3],
                            now);
        stream_nack_assign(nack, c);
        nack->delivery_time = dtime;
        if (retry >= 0)
            nack->delivery_count = (uint64_t)retry;
        else if (!justid)
            nack->delivery_count++;
        if (justid)
            xg_reply_id(k->c, id);
        else
            stream_reply_entry(k->c, e);
        n++;
    }
    xg_header_before(k->c, head, n, 0);
}

/* XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
static void xautoclaim_cmd(struct call *k)
{
    long long minidle, count = 100;
    int justid = 0;
    struct stream_id start;
    if (xclaim_ll(k, 4, RT_XG_XAUTOCLAIM_MINIDLE, &minidle) < 0)
        return;
    if (minidle < 0)
        minidle = 0;
    if (xg_start_arg(k, 5, &start) < 0)
        return;
    for (int j = 6; j < k->argc; j++) {
        int more = k->argc - 1 - j;
        if (arg_is(k, j, "count") && more) {
            /* Redis's bound: LONG_MAX / max(sizeof(streamID), 10) */
            if (!util_str2ll(k->argv[j + 1], k->argl[j + 1], &count) || count < 1 ||
                count > LLONG_MAX / 16) {
                reply_err(k->c, RT_XG_COUNT_POSITIVE);
                return;
            }
            j++;
        } else if (arg_is(k, j, "justid")) {
            justid = 1;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    struct stream *s;
    struct stream_cg *g = xg_key_group(k, &s);
    if (g == NULL)
        return;
    /* Redis allocates count IDs up front and fails when it cannot */
    if (count > XG_AUTOCLAIM_MAX_COUNT) {
        reply_err(k->c, RT_XG_COUNT_MEMORY);
        return;
    }
    long long attempts = count * 10;
    int64_t now = cmd_now(k);
    struct stream_consumer *c = NULL;
    struct stream_id *deleted = NULL;
    size_t ndeleted = 0, capdel = 0;
    size_t head = k->c->out.len;
    long long n = 0;
    size_t i = stream_pel_seek(&g->pel, start);
    while (attempts-- && count && i < g->pel.n) {
        struct stream_nack *nack = g->pel.v[i];
        const struct stream_entry *e = stream_lookup(s, nack->id);
        if (e == NULL) {
            if (ndeleted == capdel) {
                capdel = capdel ? 2 * capdel : 8;
                deleted = mem_realloc(deleted, capdel * sizeof(*deleted));
            }
            deleted[ndeleted++] = nack->id;
            stream_nack_delete(g, nack); /* i now indexes the next one */
            count--;
            continue;
        }
        i++;
        if (minidle && now - nack->delivery_time < minidle)
            continue;
        if (c == NULL)
            c = xg_consumer(k->core, k->c->dbi, k->argv[1], k->argl[1], g, k->argv[3], k->argl[3],
                            now);
        stream_nack_assign(nack, c);
        nack->delivery_time = now;
        if (!justid)
            nack->delivery_count++;
        if (justid)
            xg_reply_id(k->c, nack->id);
        else
            stream_reply_entry(k->c, e);
        n++;
        count--;
    }
    struct stream_id next = {0, 0};
    if (i < g->pel.n)
        next = g->pel.v[i]->id;
    /* [cursor, [claimed...], [deleted...]]: the first two now known */
    struct buf pre = BUF_INIT;
    char idb[STREAM_ID_BUFLEN];
    resp_w_array(&pre, 3);
    resp_w_bulk(&pre, idb, stream_id_fmt(next, idb));
    resp_w_array(&pre, n);
    xg_insert_before(k->c, head, &pre);
    buf_free(&pre);
    reply_array(k->c, (long long)ndeleted);
    for (size_t d = 0; d < ndeleted; d++)
        xg_reply_id(k->c, deleted[d]);
    free(deleted);
}

/* ---- XINFO --------------------------------------------------------------------- */

static void xinfo_entries_read(struct client *c, const struct stream_cg *g)
{
    if (g->entries_read == STREAM_CG_UNKNOWN)
        reply_null(c);
    else
        reply_int(c, g->entries_read);
}

static void xinfo_lag(struct client *c, const struct stream *s, const struct stream_cg *g)
{
    long long lag;
    if (stream_cg_lag(s, g, &lag) < 0)
        reply_null(c);
    else
        reply_int(c, lag);
}

/* XINFO CONSUMERS key group */
static void xinfo_consumers_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 2, OBJ_STREAM, MISS_NOSUCHKEY, &o) < 0)
        return;
    const struct stream_cg *g = stream_cg_find(o->u.stream, k->argv[3], k->argl[3]);
    if (g == NULL) {
        reply_errf(k->c, rtext[RT_XG_NOGROUP_KEY_FMT], k->argv[3], k->argv[2]);
        return;
    }
    int64_t now = cmd_now(k);
    reply_array(k->c, (long long)g->ncons);
    for (size_t i = 0; i < g->ncons; i++) {
        const struct stream_consumer *c = g->cons[i];
        int64_t idle = now - c->seen_time;
        reply_map(k->c, 3);
        reply_cstr(k->c, "name");
        reply_bulk(k->c, c->name, c->nlen);
        reply_cstr(k->c, "pending");
        reply_int(k->c, (long long)c->pel.n);
        reply_cstr(k->c, "idle");
        reply_int(k->c, idle < 0 ? 0 : idle);
    }
}

/* XINFO GROUPS key */
static void xinfo_groups_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 2, OBJ_STREAM, MISS_NOSUCHKEY, &o) < 0)
        return;
    const struct stream *s = o->u.stream;
    size_t n = stream_cg_count(s);
    reply_array(k->c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        const struct stream_cg *g = stream_cg_at(s, i);
        reply_map(k->c, 6);
        reply_cstr(k->c, "name");
        reply_bulk(k->c, g->name, g->nlen);
        reply_cstr(k->c, "consumers");
        reply_int(k->c, (long long)g->ncons);
        reply_cstr(k->c, "pending");
        reply_int(k->c, (long long)g->pel.n);
        reply_cstr(k->c, "last-delivered-id");
        xg_reply_id(k->c, g->last_id);
        reply_cstr(k->c, "entries-read");
        xinfo_entries_read(k->c, g);
        reply_cstr(k->c, "lag");
        xinfo_lag(k->c, s, g);
    }
}

/* XINFO STREAM FULL's groups: every field of each, PELs cut at count
 * (0: all). */
static void xinfo_full_groups(struct client *cl, const struct stream *s, long long count)
{
    size_t ng = stream_cg_count(s);
    reply_array(cl, (long long)ng);
    for (size_t i = 0; i < ng; i++) {
        const struct stream_cg *g = stream_cg_at(s, i);
        reply_map(cl, 7);
        reply_cstr(cl, "name");
        reply_bulk(cl, g->name, g->nlen);
        reply_cstr(cl, "last-delivered-id");
        xg_reply_id(cl, g->last_id);
        reply_cstr(cl, "entries-read");
        xinfo_entries_read(cl, g);
        reply_cstr(cl, "lag");
        xinfo_lag(cl, s, g);
        reply_cstr(cl, "pel-count");
        reply_int(cl, (long long)g->pel.n);
        reply_cstr(cl, "pending");
        size_t np = g->pel.n;
        if (count > 0 && (unsigned long long)count < np)
            np = (size_t)count;
        reply_array(cl, (long long)np);
        for (size_t j = 0; j < np; j++) {
            const struct stream_nack *n = g->pel.v[j];
            reply_array(cl, 4);
            xg_reply_id(cl, n->id);
            reply_bulk(cl, n->consumer->name, n->consumer->nlen);
            reply_int(cl, n->delivery_time);
            reply_int(cl, (long long)n->delivery_count);
        }
        reply_cstr(cl, "consumers");
        reply_array(cl, (long long)g->ncons);
        for (size_t j = 0; j < g->ncons; j++) {
            const struct stream_consumer *c = g->cons[j];
            reply_map(cl, 4);
            reply_cstr(cl, "name");
            reply_bulk(cl, c->name, c->nlen);
            reply_cstr(cl, "seen-time");
            reply_int(cl, c->seen_time);
            reply_cstr(cl, "pel-count");
            reply_int(cl, (long long)c->pel.n);
            reply_cstr(cl, "pending");
            size_t nc = c->pel.n;
            if (count > 0 && (unsigned long long)count < nc)
                nc = (size_t)count;
            reply_array(cl, (long long)nc);
            for (size_t m = 0; m < nc; m++) {
                const struct stream_nack *n = c->pel.v[m];
                reply_array(cl, 3);
                xg_reply_id(cl, n->id);
                reply_int(cl, n->delivery_time);
                reply_int(cl, (long long)n->delivery_count);
            }
        }
    }
}

/* Redis keeps a stream's listpack nodes in a radix tree (rax) keyed by
 * each node's first ID as 16 big-endian bytes. The tree's node count
 * follows from the keys: a run of bytes all keys share is one compressed
 * node; where they part, one branching node; a single key's remaining
 * bytes, one compressed node; each key ends in a leaf node. rax_nodes
 * counts that for the sorted keys [lo, hi) from byte d. */
static long long rax_nodes(const unsigned char (*k)[16], size_t lo, size_t hi, int d)
{
    if (d == 16)
        return 1; /* the key's leaf */
    if (hi - lo == 1)
        return 2; /* its remaining bytes, then its leaf */
    int p = d;
    while (p < 16 && k[lo][p] == k[hi - 1][p]) /* sorted: first and last bound all */
        p++;
    long long n = p > d ? 1 : 0; /* the shared run */
    n++;                         /* the branching node at byte p */
    for (size_t i = lo; i < hi;) {
        size_t j = i;
        while (j < hi && k[j][p] == k[i][p])
            j++;
        n += rax_nodes(k, i, j, p + 1);
        i = j;
    }
    return n;
}

/* radix-tree-keys is the number of Redis's listpack nodes, which stream.c
 * models (struct stream_node); radix-tree-nodes, the nodes of the tree
 * that holds them, computed from their first IDs. */
static void xinfo_tree(struct client *cl, const struct stream *s)
{
    long long nodes = 1; /* an empty tree is its root */
    if (s->nnode > 0) {
        unsigned char(*k)[16] = mem_alloc(s->nnode * sizeof(*k));
        for (size_t i = 0; i < s->nnode; i++)
            for (int b = 0; b < 8; b++) {
                k[i][b] = (unsigned char)(s->node[i].first.ms >> (56 - 8 * b));
                k[i][8 + b] = (unsigned char)(s->node[i].first.seq >> (56 - 8 * b));
            }
        nodes = rax_nodes((const unsigned char(*)[16])k, 0, s->nnode, 0);
        free(k);
    }
    reply_cstr(cl, "radix-tree-keys");
    reply_int(cl, (long long)s->nnode);
    reply_cstr(cl, "radix-tree-nodes");
    reply_int(cl, nodes);
}

/* XINFO STREAM key [FULL [COUNT count]] */
static void xinfo_stream_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 2, OBJ_STREAM, MISS_NOSUCHKEY, &o) < 0)
        return;
    const struct stream *s = o->u.stream;
    int full = 0;
    long long count = 10;
    int argc = k->argc - 2;
    if (argc == 2 || argc == 4) {
        if (!arg_is(k, 3, "full") || (argc == 4 && !arg_is(k, 4, "count"))) {
            xg_subcmd_syntax(k, "XINFO");
            return;
        }
        if (argc == 4 && arg_ll(k, 5, &count) < 0)
            return;
        if (count < 0)
            count = 10;
        full = 1;
    } else if (argc != 1) {
        xg_subcmd_syntax(k, "XINFO");
        return;
    }
    struct client *cl = k->c;
    reply_map(cl, full ? 9 : 10);
    reply_cstr(cl, "length");
    reply_int(cl, (long long)s->len);
    xinfo_tree(cl, s);
    reply_cstr(cl, "last-generated-id");
    xg_reply_id(cl, s->last_id);
    reply_cstr(cl, "max-deleted-entry-id");
    xg_reply_id(cl, s->max_deleted_id);
    reply_cstr(cl, "entries-added");
    reply_int(cl, (long long)s->entries_added);
    reply_cstr(cl, "recorded-first-entry-id");
    struct stream_id first = {0, 0};
    if (s->len)
        first = s->e[0].id;
    xg_reply_id(cl, first);
    if (!full) {
        reply_cstr(cl, "groups");
        reply_int(cl, (long long)stream_cg_count(s));
        reply_cstr(cl, "first-entry");
        if (s->len)
            stream_reply_entry(cl, &s->e[0]);
        else
            reply_null(cl);
        reply_cstr(cl, "last-entry");
        if (s->len)
            stream_reply_entry(cl, &s->e[s->len - 1]);
        else
            reply_null(cl);
        return;
    }
    reply_cstr(cl, "entries");
    size_t ne = s->len;
    if (count > 0 && (unsigned long long)count < ne)
        ne = (size_t)count;
    reply_array(cl, (long long)ne);
    for (size_t i = 0; i < ne; i++)
        stream_reply_entry(cl, &s->e[i]);
    reply_cstr(cl, "groups");
    xinfo_full_groups(cl, s, count);
}

static void xinfo_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

/* ---- the table ------------------------------------------------------------------- */

// clang-format off
static struct cmd_def xgroup_subs[] = {
    {.name = "create", .fn = xgroup_create_cmd, .flags = CMD_SIGNALS,
     .arity = -5, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "groupname", .type = ARG_STRING},
          {.name = "id", .type = ARG_ONEOF,
           SUBARGS({.name = "id", .type = ARG_STRING},
                   {.name = "new_id", .type = ARG_PURE_TOKEN, .token = "$"})},
          {.name = "mkstream", .type = ARG_PURE_TOKEN, .token = "MKSTREAM", .aflags = ARGF_OPTIONAL},
          {.name = "entries_read", .type = ARG_INTEGER, .token = "ENTRIESREAD", .aflags = ARGF_OPTIONAL}),
     .summary = "Creates a consumer group, and the stream with MKSTREAM."},
    {.name = "createconsumer", .fn = xgroup_createconsumer_cmd, .flags = CMD_SIGNALS,
     .arity = 5, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "groupname", .type = ARG_STRING},
          {.name = "consumername", .type = ARG_STRING}),
     .summary = "Adds a consumer to a consumer group."},
    {.name = "delconsumer", .fn = xgroup_delconsumer_cmd, .flags = CMD_SIGNALS,
     .arity = 5, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "groupname", .type = ARG_STRING},
          {.name = "consumername", .type = ARG_STRING}),
     .summary = "Removes a consumer and its pending entries from a consumer group."},
    {.name = "destroy", .fn = xgroup_destroy_cmd, .flags = CMD_SIGNALS,
     .arity = 4, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(N) where N is the number of entries in the group's pending entries list (PEL).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "groupname", .type = ARG_STRING}),
     .summary = "Removes a consumer group."},
    {.name = "help", .fn = xgroup_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_STREAM | CAT_SLOW,
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     .summary = "Lists the XGROUP subcommands."},
    {.name = "setid", .fn = xgroup_setid_cmd, .flags = CMD_SIGNALS,
     .arity = -5, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "groupname", .type = ARG_STRING},
          {.name = "id", .type = ARG_ONEOF,
           SUBARGS({.name = "id", .type = ARG_STRING},
                   {.name = "new_id", .type = ARG_PURE_TOKEN, .token = "$"})},
          {.name = "entries_read", .type = ARG_INTEGER, .token = "ENTRIESREAD", .aflags = ARGF_OPTIONAL}),
     .summary = "Moves a consumer group's last delivered ID."},
    {.name = NULL},
};

static struct cmd_def xinfo_subs[] = {
    {.name = "consumers", .fn = xinfo_consumers_cmd,
     .arity = 4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "groupname", .type = ARG_STRING}),
     .summary = "Lists the consumers of a consumer group."},
    {.name = "groups", .fn = xinfo_groups_cmd,
     .arity = 3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Lists the consumer groups of a stream."},
    {.name = "help", .fn = xinfo_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_STREAM | CAT_SLOW,
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     .summary = "Lists the XINFO subcommands."},
    {.name = "stream", .fn = xinfo_stream_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STREAM | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "full", .type = ARG_BLOCK, .token = "FULL", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL})}),
     .summary = "Describes a stream, its groups and pending entries with FULL."},
    {.name = NULL},
};

struct cmd_def cmd_xgroup_table[] = {
    {.name = "xack", .fn = xack_cmd, .flags = CMD_SIGNALS,
     .arity = -4, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_STREAM | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1) for each message ID processed.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "group", .type = ARG_STRING},
          {.name = "id", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Acknowledges pending entries of a consumer group."},
    {.name = "xautoclaim", .fn = xautoclaim_cmd, .flags = CMD_SIGNALS,
     .arity = -6, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_STREAM | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "stream",
     .complexity = "O(1) if COUNT is small.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "group", .type = ARG_STRING},
          {.name = "consumer", .type = ARG_STRING},
          {.name = "min-idle-time", .type = ARG_STRING},
          {.name = "start", .type = ARG_STRING},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL},
          {.name = "justid", .type = ARG_PURE_TOKEN, .token = "JUSTID", .aflags = ARGF_OPTIONAL}),
     .summary = "Transfers idle pending entries to a consumer, scanning from a cursor."},
    {.name = "xclaim", .fn = xclaim_cmd, .flags = CMD_SIGNALS,
     .arity = -6, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_STREAM | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(log N) with N being the number of messages in the PEL of the consumer group.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "group", .type = ARG_STRING},
          {.name = "consumer", .type = ARG_STRING},
          {.name = "min-idle-time", .type = ARG_STRING},
          {.name = "id", .type = ARG_STRING, .aflags = ARGF_MULTIPLE},
          {.name = "ms", .type = ARG_INTEGER, .token = "IDLE", .aflags = ARGF_OPTIONAL},
          {.name = "unix-time-milliseconds", .type = ARG_UNIX_TIME, .token = "TIME", .aflags = ARGF_OPTIONAL},
          {.name = "count", .type = ARG_INTEGER, .token = "RETRYCOUNT", .aflags = ARGF_OPTIONAL},
          {.name = "force", .type = ARG_PURE_TOKEN, .token = "FORCE", .aflags = ARGF_OPTIONAL},
          {.name = "justid", .type = ARG_PURE_TOKEN, .token = "JUSTID", .aflags = ARGF_OPTIONAL},
          {.name = "id", .type = ARG_STRING, .token = "LASTID", .aflags = ARGF_OPTIONAL}),
     .summary = "Transfers pending entries to a consumer."},
    {.name = "xgroup", .subs = xgroup_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "5.0.0", .group = "stream",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands that manage consumer groups."},
    {.name = "xinfo", .subs = xinfo_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "5.0.0", .group = "stream",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands that describe streams and consumer groups."},
    {.name = "xpending", .fn = xpending_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STREAM | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "group", .type = ARG_STRING},
          {.name = "filters", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "min-idle-time", .type = ARG_INTEGER, .token = "IDLE", .since = "6.2.0", .aflags = ARGF_OPTIONAL},
                   {.name = "start", .type = ARG_STRING},
                   {.name = "end", .type = ARG_STRING},
                   {.name = "count", .type = ARG_INTEGER},
                   {.name = "consumer", .type = ARG_STRING, .aflags = ARGF_OPTIONAL})}),
     .summary = "Lists the pending entries of a consumer group."},
    {.name = "xreadgroup", .fn = xreadgroup_cmd, .flags = CMD_SIGNALS,
     .arity = -7, .rflags = RF_WRITE | RF_BLOCKING | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_STREAM | CAT_SLOW | CAT_BLOCKING,
     KEYSPECS({KS_RO | KS_ACCESS, BS_KEYWORD("STREAMS", 4), FK_RANGE(-1, 1, 2)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
     ARGS({.name = "group_consumer", .type = ARG_BLOCK, .token = "GROUP",
           SUBARGS({.name = "group", .type = ARG_STRING},
                   {.name = "consumer", .type = ARG_STRING})},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL},
          {.name = "milliseconds", .type = ARG_INTEGER, .token = "BLOCK", .aflags = ARGF_OPTIONAL},
          {.name = "noack", .type = ARG_PURE_TOKEN, .token = "NOACK", .aflags = ARGF_OPTIONAL},
          {.name = "streams", .type = ARG_BLOCK, .token = "STREAMS",
           SUBARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
                   {.name = "id", .type = ARG_STRING, .aflags = ARGF_MULTIPLE})}),
     .summary = "Reads entries for a consumer of a group, blocking if asked to."},
    {.name = NULL},
};
// clang-format on
