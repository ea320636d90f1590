/* cmd_stream.c - the stream commands without consumer groups: XADD XRANGE
 * XREVRANGE XLEN XDEL XTRIM XSETID XREAD.
 *
 * Each checks its arguments in Redis 7.0's order (options before the key
 * for XADD/XTRIM/XRANGE/XSETID, the key before the IDs for XDEL) and sends
 * Redis's texts (rtext.h). The value itself -- entries, nodes, ID parsing,
 * the reply of entries -- is stream.c's.
 *
 * XADD's `*` takes the server clock (core_now_ms), so under MOCK CLOCK the
 * IDs are exact. Every XADD wakes the XREAD clients blocked on its key
 * (block_changed, as Redis's signalKeyAsReady): one whose key now has an
 * entry above the ID it waits after gets [[key, entries]] ({key: entries}
 * in RESP3), at most its COUNT (1000 without one). A key deleted, or given
 * another type, leaves them waiting, as in Redis 7.0.
 *
 * Keyspace events: xadd, xtrim (XADD's trim or XTRIM, when it removed
 * something), xdel, xsetid, class NOTIFY_STREAM, where Redis 7.0 sends them.
 *
 * Not here: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO
 * (the consumer-group half). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "block.h"
#include "cmd.h"
#include "db.h"
#include "mem.h"
#include "notify.h"
#include "reply.h"
#include "stream.h"
#include "util.h"

/* Redis's XREAD_BLOCKED_DEFAULT_COUNT: a blocked XREAD without COUNT gets at
 * most this many entries per key. */
#define XREAD_BLOCKED_COUNT 1000
/* Redis's LIMIT for `~` without LIMIT: 100 * stream-node-max-entries. */
#define TRIM_DEFAULT_LIMIT (100 * STREAM_NODE_MAX_ENTRIES)

static void reply_id(struct client *c, struct stream_id id)
{
    char buf[STREAM_ID_BUFLEN];
    size_t n = stream_id_fmt(id, buf);
    reply_bulk(c, buf, n);
}

/* Parses argument i as an ID (stream_id_parse's flags), replying the error
 * when it is invalid. */
static int arg_id(struct call *k, int i, uint64_t missing_seq, int flags, struct stream_id *id,
                  int *seq_given)
{
    if (stream_id_parse(k->argv[i], k->argl[i], missing_seq, flags, id, seq_given) < 0) {
        reply_err(k->c, RT_STREAM_ID_INVALID);
        return -1;
    }
    return 0;
}

static void notify(struct call *k, const char *event, int i)
{
    notify_keyspace_event(k->core, NOTIFY_STREAM, event, k->argv[i], k->argl[i], k->c->dbi);
}

/* ---- XADD / XTRIM options ---------------------------------------------------------- */

struct add_args {
    struct stream_trim trim;
    int trimming; /* MAXLEN or MINID given */
    int nomkstream;
    int id_given, seq_given;
    struct stream_id id;
};

/* Redis's streamParseAddOrTrimArgsOrReply: the options from index 2 (for
 * XADD up to the ID, which it parses too). Returns the index of the ID
 * (XADD) or argc (XTRIM), or -1 after an error reply. */
static int parse_add_trim(struct call *k, int xadd, struct add_args *a)
{
    memset(a, 0, sizeof(*a));
    int limit_given = 0;
    long long limit = 0;
    int i = 2;
    for (; i < k->argc; i++) {
        int more = k->argc - 1 - i;
        const char *opt = k->argv[i];
        if (xadd && strcmp(opt, "*") == 0) {
            break;
        } else if ((arg_is(k, i, "maxlen") || arg_is(k, i, "minid")) && more) {
            int minid = arg_is(k, i, "minid");
            if (a->trimming) {
                reply_err(k->c, RT_STREAM_MAXLEN_MINID);
                return -1;
            }
            a->trim.approx = 0;
            if (more >= 2 && strcmp(k->argv[i + 1], "~") == 0) {
                a->trim.approx = 1;
                i++;
            } else if (more >= 2 && strcmp(k->argv[i + 1], "=") == 0) {
                i++;
            }
            if (minid) {
                if (arg_id(k, i + 1, 0, STREAM_ID_STRICT, &a->trim.minid, NULL) < 0)
                    return -1;
            } else {
                long long n;
                if (arg_ll(k, i + 1, &n) < 0)
                    return -1;
                if (n < 0) {
                    reply_err(k->c, RT_STREAM_MAXLEN_NEG);
                    return -1;
                }
                a->trim.maxlen = (uint64_t)n;
            }
            i++;
            a->trim.minid_kind = minid;
            a->trimming = 1;
        } else if (arg_is(k, i, "limit") && more) {
            if (arg_ll(k, i + 1, &limit) < 0)
                return -1;
            if (limit < 0) {
                reply_err(k->c, RT_STREAM_LIMIT_NEG);
                return -1;
            }
            limit_given = 1;
            i++;
        } else if (xadd && arg_is(k, i, "nomkstream")) {
            a->nomkstream = 1;
        } else if (xadd) {
            if (arg_id(k, i, 0, STREAM_ID_STRICT | STREAM_ID_SEQ_STAR, &a->id, &a->seq_given) < 0)
                return -1;
            a->id_given = 1;
            break;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return -1;
        }
    }
    if (limit && !a->trimming) {
        reply_err(k->c, RT_STREAM_LIMIT_NO_TRIM);
        return -1;
    }
    if (!xadd && !a->trimming) {
        reply_err(k->c, RT_STREAM_XTRIM_NO_TRIM);
        return -1;
    }
    if (limit_given) {
        if (!a->trim.approx) {
            reply_err(k->c, RT_STREAM_LIMIT_NO_APPROX);
            return -1;
        }
        a->trim.limit = limit;
    } else {
        a->trim.limit = a->trim.approx ? TRIM_DEFAULT_LIMIT : 0;
    }
    return i;
}

/* XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id
 *      field value [field value ...] */
static void xadd_cmd(struct call *k)
{
    struct add_args a;
    int idi = parse_add_trim(k, 1, &a);
    if (idi < 0)
        return;
    if (k->argc - idi < 3 || (k->argc - idi - 1) % 2 == 1) {
        reply_errf(k->c, rtext[RT_ARITY_FMT], "xadd");
        return;
    }
    if (a.id_given && a.seq_given && a.id.ms == 0 && a.id.seq == 0) {
        reply_err(k->c, RT_STREAM_XADD_ZERO);
        return;
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STREAM, a.nomkstream ? MISS_NULL : MISS_CREATE, &o) < 0)
        return;
    struct stream *s = o->u.stream;
    if (s->last_id.ms == UINT64_MAX && s->last_id.seq == UINT64_MAX) {
        reply_err(k->c, RT_STREAM_EXHAUSTED);
        return;
    }
    struct stream_id id;
    if (!a.id_given) {
        uint64_t now = (uint64_t)cmd_now(k);
        if (now > s->last_id.ms) {
            id = (struct stream_id){now, 0};
        } else {
            id = s->last_id;
            stream_id_incr(&id);
        }
    } else if (!a.seq_given && a.id.ms == s->last_id.ms) {
        if (s->last_id.seq == UINT64_MAX) {
            /* Redis 7.0.15 answers this text here (its errno is not EDOM) */
            reply_err(k->c, RT_STREAM_TOO_LARGE);
            return;
        }
        id = (struct stream_id){s->last_id.ms, s->last_id.seq + 1};
    } else {
        id = a.id;
    }
    if (stream_id_cmp(id, s->last_id) <= 0) {
        reply_err(k->c, RT_STREAM_XADD_SMALLER);
        return;
    }
    stream_append(s, id, (size_t)(k->argc - idi - 1), (const char *const *)k->argv + idi + 1,
                  k->argl + idi + 1);
    reply_id(k->c, id);
    notify(k, "xadd", 1);
    if (a.trimming && stream_trim(s, &a.trim) > 0)
        notify(k, "xtrim", 1);
    block_changed(k->core, k->c->dbi, k->argv[1], k->argl[1]);
}

/* XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
static void xtrim_cmd(struct call *k)
{
    struct add_args a;
    if (parse_add_trim(k, 0, &a) < 0)
        return;
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STREAM, MISS_ZERO, &o) < 0)
        return;
    uint64_t n = stream_trim(o->u.stream, &a.trim);
    if (n > 0)
        notify(k, "xtrim", 1);
    reply_int(k->c, (long long)n);
}

/* ---- reading ----------------------------------------------------------------------- */

/* XRANGE key start end [COUNT count], XREVRANGE key end start [COUNT count] */
static void range(struct call *k, int rev)
{
    int si = rev ? 3 : 2, ei = rev ? 2 : 3;
    struct stream_id start, end;
    int ex;
    if (stream_range_parse(k->argv[si], k->argl[si], 0, &start, &ex) < 0) {
        reply_err(k->c, RT_STREAM_ID_INVALID);
        return;
    }
    if (ex && stream_id_incr(&start) < 0) {
        reply_err(k->c, RT_STREAM_RANGE_START);
        return;
    }
    if (stream_range_parse(k->argv[ei], k->argl[ei], UINT64_MAX, &end, &ex) < 0) {
        reply_err(k->c, RT_STREAM_ID_INVALID);
        return;
    }
    if (ex && stream_id_decr(&end) < 0) {
        reply_err(k->c, RT_STREAM_RANGE_END);
        return;
    }
    long long count = -1;
    for (int j = 4; j < k->argc; j++) {
        if (arg_is(k, j, "count") && j + 1 < k->argc) {
            if (arg_ll(k, j + 1, &count) < 0)
                return;
            if (count < 0)
                count = 0;
            j++;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_STREAM, MISS_EMPTY_ARRAY, &o) < 0)
        return;
    if (count == 0) {
        reply_null_array(k->c);
        return;
    }
    stream_reply_range(k->c, o->u.stream, start, end, count < 0 ? 0 : (size_t)count, rev);
}

static void xrange_cmd(struct call *k)
{
    range(k, 0);
}

static void xrevrange_cmd(struct call *k)
{
    range(k, 1);
}

static void xlen_cmd(struct call *k)
{
    arg_key_reply_len(k, 1, OBJ_STREAM);
}

/* ---- XDEL / XSETID ----------------------------------------------------------------- */

/* XDEL key id [id ...] */
static void xdel_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STREAM, MISS_ZERO, &o) < 0)
        return;
    int n = k->argc - 2;
    struct stream_id *ids = mem_alloc((size_t)n * sizeof(*ids));
    for (int j = 0; j < n; j++) {
        if (arg_id(k, j + 2, 0, STREAM_ID_STRICT, &ids[j], NULL) < 0) {
            free(ids);
            return;
        }
    }
    struct stream *s = o->u.stream;
    long long deleted = 0;
    for (int j = 0; j < n; j++) {
        struct stream_entry *e = stream_lookup(s, ids[j]);
        if (e == NULL)
            continue;
        stream_delete_at(s, (size_t)(e - s->e));
        if (stream_id_cmp(ids[j], s->max_deleted_id) > 0)
            s->max_deleted_id = ids[j];
        deleted++;
    }
    free(ids);
    if (deleted)
        notify(k, "xdel", 1);
    reply_int(k->c, deleted);
}

/* XSETID key last-id [ENTRIESADDED entries_added] [MAXDELETEDID max_deleted_id]
 * Redis 7.0.15 does not signal the key as modified: WATCH does not see it
 * (CMD_SIGNALS without a watch_touch). */
static void xsetid_cmd(struct call *k)
{
    struct stream_id id, maxdel = STREAM_ID_MIN;
    long long added = -1;
    if (arg_id(k, 2, 0, STREAM_ID_STRICT, &id, NULL) < 0)
        return;
    for (int i = 3; i < k->argc; i += 2) {
        int more = k->argc - 1 - i;
        if (arg_is(k, i, "entriesadded") && more) {
            if (arg_ll(k, i + 1, &added) < 0)
                return;
            if (added < 0) {
                reply_err(k->c, RT_STREAM_SETID_ADDED_NEG);
                return;
            }
        } else if (arg_is(k, i, "maxdeletedid") && more) {
            if (arg_id(k, i + 1, 0, STREAM_ID_STRICT, &maxdel, NULL) < 0)
                return;
            if (stream_id_cmp(id, maxdel) < 0) {
                reply_err(k->c, RT_STREAM_SETID_BELOW_ARG_MAXDEL);
                return;
            }
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_STREAM, MISS_NOSUCHKEY, &o) < 0)
        return;
    struct stream *s = o->u.stream;
    /* (Redis 7.0.15 does not compare id with the stream's max deleted ID.) */
    if (s->len > 0) {
        if (stream_id_cmp(id, s->e[s->len - 1].id) < 0) {
            reply_err(k->c, RT_STREAM_SETID_BELOW_TOP);
            return;
        }
        if (added != -1 && s->len > (uint64_t)added) {
            reply_err(k->c, RT_STREAM_SETID_ADDED_SMALL);
            return;
        }
    }
    s->last_id = id;
    if (added != -1)
        s->entries_added = (uint64_t)added;
    if (maxdel.ms != 0 || maxdel.seq != 0)
        s->max_deleted_id = maxdel;
    notify(k, "xsetid", 1);
    reply_ok(k->c);
}

/* ---- XREAD ------------------------------------------------------------------------- */

/* What a blocked XREAD waits for (block_wait copies it): its COUNT, then
 * nkeys records of {ID, key length, key bytes}. */
struct xread_wait {
    long long count;
    int nkeys;
};
struct xread_key {
    struct stream_id after;
    size_t klen;
    /* klen bytes follow, padded to the alignment of this struct */
};

static size_t xread_key_size(size_t klen)
{
    size_t n = sizeof(struct xread_key) + klen;
    size_t a = _Alignof(struct xread_key);
    return (n + a - 1) / a * a;
}

/* Serves a blocked XREAD from key when its stream got an entry above the
 * ID the client waits after. */
static int serve_xread(struct core *core, struct client *c, int dbi, const char *key, size_t klen,
                       const void *arg)
{
    const struct xread_wait *w = arg;
    const char *p = (const char *)(w + 1);
    const struct xread_key *xk = NULL;
    for (int i = 0; i < w->nkeys; i++) {
        const struct xread_key *r = (const struct xread_key *)p;
        if (r->klen == klen && memcmp(r + 1, key, klen) == 0) {
            xk = r;
            break;
        }
        p += xread_key_size(r->klen);
    }
    if (xk == NULL)
        return 0;
    struct obj *o = db_lookup(&core->db[dbi], key, klen, core_now_ms(core));
    if (o == NULL || o->type != OBJ_STREAM)
        return 0;
    struct stream *s = o->u.stream;
    if (stream_id_cmp(s->last_id, xk->after) <= 0)
        return 0;
    struct stream_id start = xk->after;
    stream_id_incr(&start);
    if (c->proto == 2) {
        reply_array(c, 1);
        reply_array(c, 2);
    } else {
        reply_map(c, 1);
    }
    reply_bulk(c, key, klen);
    stream_reply_range(c, s, start, STREAM_ID_MAX, (size_t)w->count, 0);
    return 1;
}

static void timeout_xread(struct client *c, const void *arg)
{
    (void)arg;
    reply_null_array(c);
}

/* XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...] */
static void xread_cmd(struct call *k)
{
    long long count = 0;
    int blocking = 0;
    int64_t deadline = 0;
    int streams = 0, nkeys = 0;
    for (int i = 1; i < k->argc; i++) {
        int more = k->argc - 1 - i;
        if (arg_is(k, i, "block") && more) {
            if (k->c->flags & CL_SCRIPT) {
                reply_errf(k->c, rtext[RT_STREAM_BLOCK_SCRIPT_FMT], k->argv[0]);
                return;
            }
            i++;
            if (arg_timeout_ms(k, i, &deadline) < 0)
                return;
            blocking = 1;
        } else if (arg_is(k, i, "count") && more) {
            i++;
            if (arg_ll(k, i, &count) < 0)
                return;
            if (count < 0)
                count = 0;
        } else if (arg_is(k, i, "streams") && more) {
            streams = i + 1;
            nkeys = k->argc - streams;
            if (nkeys % 2 != 0) {
                reply_err(k->c, RT_STREAM_UNBALANCED);
                return;
            }
            nkeys /= 2;
            break;
        } else if (arg_is(k, i, "group") && more >= 2) {
            reply_err(k->c, RT_STREAM_XREAD_GROUP);
            return;
        } else if (arg_is(k, i, "noack")) {
            reply_err(k->c, RT_STREAM_XREAD_NOACK);
            return;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    if (streams == 0) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    struct db *db = cmd_db(k);
    int64_t now = cmd_now(k);
    struct stream_id *ids = mem_alloc((size_t)nkeys * sizeof(*ids));
    for (int j = 0; j < nkeys; j++) {
        int ki = streams + j, ii = streams + nkeys + j;
        struct obj *o = db_lookup_read(db, k->argv[ki], k->argl[ki], now);
        if (o != NULL && o->type != OBJ_STREAM) {
            reply_err(k->c, RT_WRONGTYPE);
            free(ids);
            return;
        }
        if (strcmp(k->argv[ii], "$") == 0) {
            ids[j] = o ? o->u.stream->last_id : STREAM_ID_MIN;
            continue;
        }
        if (strcmp(k->argv[ii], ">") == 0) {
            reply_err(k->c, RT_STREAM_XREAD_GT);
            free(ids);
            return;
        }
        if (arg_id(k, ii, 0, STREAM_ID_STRICT, &ids[j], NULL) < 0) {
            free(ids);
            return;
        }
    }
    /* Serve at once every key whose last entry is above its ID (the reply's
     * length first: how many keys have one). Redis looks each key up a
     * second time here, a second keyspace hit or miss: so does this loop. */
    int served = 0;
    for (int j = 0; j < nkeys; j++) {
        const struct obj *o = db_lookup_read(db, k->argv[streams + j], k->argl[streams + j], now);
        const struct stream *s = o ? o->u.stream : NULL;
        if (s != NULL && s->len > 0 && stream_id_cmp(s->e[s->len - 1].id, ids[j]) > 0)
            served++;
    }
    if (served) {
        if (k->c->proto == 2)
            reply_array(k->c, served);
        else
            reply_map(k->c, served);
        for (int j = 0; j < nkeys; j++) {
            int ki = streams + j;
            struct obj *o = db_lookup(db, k->argv[ki], k->argl[ki], now);
            if (o == NULL)
                continue;
            struct stream *s = o->u.stream;
            if (s->len == 0 || stream_id_cmp(s->e[s->len - 1].id, ids[j]) <= 0)
                continue;
            struct stream_id start = ids[j];
            stream_id_incr(&start);
            if (k->c->proto == 2)
                reply_array(k->c, 2);
            reply_bulk(k->c, k->argv[ki], k->argl[ki]);
            stream_reply_range(k->c, s, start, STREAM_ID_MAX, (size_t)count, 0);
        }
        free(ids);
        return;
    }
    if (!blocking || !block_allowed(k->c)) {
        reply_null_array(k->c);
        free(ids);
        return;
    }
    size_t len = sizeof(struct xread_wait);
    for (int j = 0; j < nkeys; j++)
        len += xread_key_size(k->argl[streams + j]);
    struct xread_wait *w = mem_calloc(1, len);
    w->count = count ? count : XREAD_BLOCKED_COUNT;
    w->nkeys = nkeys;
    char *p = (char *)(w + 1);
    for (int j = 0; j < nkeys; j++) {
        struct xread_key *r = (struct xread_key *)p;
        r->after = ids[j];
        r->klen = k->argl[streams + j];
        memcpy(r + 1, k->argv[streams + j], r->klen);
        p += xread_key_size(r->klen);
    }
    block_wait(k->core, k->c, k->argv + streams, k->argl + streams, nkeys, deadline, serve_xread,
               timeout_xread, w, len);
    free(w);
    free(ids);
}

// clang-format off
struct cmd_def cmd_stream_table[] = {
    {.name = "xadd", .fn = xadd_cmd,
     .arity = -5, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STREAM | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0), .notes = "UPDATE instead of INSERT because of the optional trimming feature"}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "nomkstream", .type = ARG_PURE_TOKEN, .token = "NOMKSTREAM", .since = "6.2.0", .aflags = ARGF_OPTIONAL},
          {.name = "trim", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "strategy", .type = ARG_ONEOF,
                    SUBARGS({.name = "maxlen", .type = ARG_PURE_TOKEN, .token = "MAXLEN"},
                            {.name = "minid", .type = ARG_PURE_TOKEN, .token = "MINID", .since = "6.2.0"})},
                   {.name = "operator", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
                    SUBARGS({.name = "equal", .type = ARG_PURE_TOKEN, .token = "="},
                            {.name = "approximately", .type = ARG_PURE_TOKEN, .token = "~"})},
                   {.name = "threshold", .type = ARG_STRING},
                   {.name = "count", .type = ARG_INTEGER, .token = "LIMIT", .since = "6.2.0", .aflags = ARGF_OPTIONAL})},
          {.name = "id_or_auto", .type = ARG_ONEOF,
           SUBARGS({.name = "auto_id", .type = ARG_PURE_TOKEN, .token = "*"},
                   {.name = "id", .type = ARG_STRING})},
          {.name = "field_value", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "field", .type = ARG_STRING},
                   {.name = "value", .type = ARG_STRING})}),
     .summary = "Appends an entry to a stream, creating it if needed."},
    {.name = "xrange", .fn = xrange_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STREAM | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_STRING},
          {.name = "end", .type = ARG_STRING},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the entries of a stream with IDs in a range."},
    {.name = "xrevrange", .fn = xrevrange_cmd,
     .arity = -4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_STREAM | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "end", .type = ARG_STRING},
          {.name = "start", .type = ARG_STRING},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the entries of a stream with IDs in a range, newest first."},
    {.name = "xlen", .fn = xlen_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_STREAM | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the number of entries of a stream."},
    {.name = "xdel", .fn = xdel_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_STREAM | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1) for each single item to delete in the stream, regardless of the stream size.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "id", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Deletes entries of a stream by ID."},
    {.name = "xtrim", .fn = xtrim_cmd,
     .arity = -4, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_STREAM | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "trim", .type = ARG_BLOCK,
           SUBARGS({.name = "strategy", .type = ARG_ONEOF,
                    SUBARGS({.name = "maxlen", .type = ARG_PURE_TOKEN, .token = "MAXLEN"},
                            {.name = "minid", .type = ARG_PURE_TOKEN, .token = "MINID", .since = "6.2.0"})},
                   {.name = "operator", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
                    SUBARGS({.name = "equal", .type = ARG_PURE_TOKEN, .token = "="},
                            {.name = "approximately", .type = ARG_PURE_TOKEN, .token = "~"})},
                   {.name = "threshold", .type = ARG_STRING},
                   {.name = "count", .type = ARG_INTEGER, .token = "LIMIT", .since = "6.2.0", .aflags = ARGF_OPTIONAL})}),
     .summary = "Removes the oldest entries of a stream, by length or by ID."},
    {.name = "xsetid", .fn = xsetid_cmd, .flags = CMD_SIGNALS,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_STREAM | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "last-id", .type = ARG_STRING},
          {.name = "entries_added", .type = ARG_INTEGER, .token = "ENTRIESADDED", .since = "7.0.0", .aflags = ARGF_OPTIONAL},
          {.name = "max_deleted_entry_id", .type = ARG_STRING, .token = "MAXDELETEDID", .since = "7.0.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Sets the last ID (and counters) of a stream."},
    {.name = "xread", .fn = xread_cmd,
     .arity = -4, .rflags = RF_READONLY | RF_BLOCKING | RF_MOVABLEKEYS,
     .acl = CAT_READ | CAT_STREAM | CAT_SLOW | CAT_BLOCKING,
     KEYSPECS({KS_RO | KS_ACCESS, BS_KEYWORD("STREAMS", 1), FK_RANGE(-1, 1, 2)}),
     .since = "5.0.0", .group = "stream",
     .complexity = "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
     ARGS({.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL},
          {.name = "milliseconds", .type = ARG_INTEGER, .token = "BLOCK", .aflags = ARGF_OPTIONAL},
          {.name = "streams", .type = ARG_BLOCK, .token = "STREAMS",
           SUBARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
                   {.name = "id", .type = ARG_STRING, .aflags = ARGF_MULTIPLE})}),
     .summary = "Reads entries after given IDs from streams, waiting for them if asked."},
    {.name = NULL}
};
// clang-format on
