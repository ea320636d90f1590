/* cmd_list.c - list commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN
 * LRANGE LINDEX LSET LREM LTRIM LINSERT LPOS RPOPLPUSH LMOVE LMPOP, and the
 * blocking BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP.
 *
 * A list is a deque of struct obj_str (obj.h): pushes, pops and indexing
 * are O(1), so LRANGE on a long list costs only its reply. Operations in
 * the middle (LSET, LREM, LINSERT) drain the deque into an array, edit it
 * and push it back: O(n), which is fine for a test server. A list whose last
 * element goes away is removed from the keyspace, as in Redis.
 *
 * Null rules (Redis 7.0): LPOP/RPOP without a count on a missing key reply
 * a null bulk ($-1, RESP3 _); with a count they reply a null array (*-1,
 * RESP3 _); a count of 0 on an existing list replies an empty array.
 *
 * The blocking forms BLPOP BRPOP BRPOPLPUSH BLMOVE answer at once when
 * there is something to take, exactly like their plain forms; else they
 * block (block.h) and the serve functions below finish them when a key
 * gets a list. LMPOP and BLMPOP answer [key, [element, ...]], or a null
 * array when there is nothing to pop (a timeout too). The blocking sorted-set
 * pops are in cmd_zsetops.c. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cmd.h"
#include "mem.h"
#include "reply.h"
#include "util.h"
#include "watch.h"

/* Parses argument i as an integer without replying (for the options whose
 * error text is specific to the option). Returns 0 or -1. */
static int list_parse_ll(const struct call *k, int i, long long *out)
{
    return util_str2ll(k->argv[i], k->argl[i], out) ? 0 : -1;
}

static void list_reply_str(struct client *c, const struct obj_str *s)
{
    reply_bulk(c, s->p, s->len);
}

static int list_eq(const struct obj_str *s, const char *p, size_t n)
{
    return s->len == n && (n == 0 || memcmp(s->p, p, n) == 0);
}

/* Moves every element of q into a new array (*n elements); the deque is
 * left empty. The caller refills it with list_refill. */
static struct obj_str **list_drain(struct deque *q, size_t *n)
{
    *n = deque_len(q);
    struct obj_str **v = mem_alloc((*n + 1) * sizeof(*v));
    for (size_t i = 0; i < *n; i++)
        v[i] = deque_pop_head(q);
    return v;
}

static void list_refill(struct deque *q, struct obj_str **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != NULL)
            deque_push_tail(q, v[i]);
    free(v);
}

/* LPUSH RPUSH LPUSHX RPUSHX. */
static void list_push(struct call *k, int tail, int only_existing)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_LIST, only_existing ? MISS_ZERO : MISS_CREATE, &o) < 0)
        return;
    for (int i = 2; i < k->argc; i++) {
        struct obj_str *s = obj_str_new(k->argv[i], k->argl[i]);
        if (tail)
            deque_push_tail(o->u.list, s);
        else
            deque_push_head(o->u.list, s);
    }
    reply_int(k->c, (long long)deque_len(o->u.list));
    cmd_notify_arg(k, NOTIFY_LIST, tail ? "rpush" : "lpush", 1);
}

static void lpush_cmd(struct call *k)
{
    list_push(k, 0, 0);
}
static void rpush_cmd(struct call *k)
{
    list_push(k, 1, 0);
}
static void lpushx_cmd(struct call *k)
{
    list_push(k, 0, 1);
}
static void rpushx_cmd(struct call *k)
{
    list_push(k, 1, 1);
}

/* LPOP RPOP key [count]. */
static void list_pop(struct call *k, int tail)
{
    long long count = 0;
    int hascount = k->argc == 3;
    if (k->argc > 3) {
        reply_errf(k->c, rtext[RT_ARITY_FMT], k->cmd->name);
        return;
    }
    if (hascount && (list_parse_ll(k, 2, &count) < 0 || count < 0)) {
        reply_err(k->c, RT_MUST_POSITIVE);
        return;
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_LIST, hascount ? MISS_NULL_ARRAY : MISS_NULL, &o) < 0)
        return;
    struct deque *q = o->u.list;
    int popped = !hascount || (count > 0 && deque_len(q) > 0);
    if (!hascount) {
        struct obj_str *s = tail ? deque_pop_tail(q) : deque_pop_head(q);
        list_reply_str(k->c, s);
        obj_str_free(s);
    } else {
        size_t n = (size_t)count < deque_len(q) ? (size_t)count : deque_len(q);
        reply_array(k->c, (long long)n);
        for (size_t i = 0; i < n; i++) {
            struct obj_str *s = tail ? deque_pop_tail(q) : deque_pop_head(q);
            list_reply_str(k->c, s);
            obj_str_free(s);
        }
    }
    if (popped)
        cmd_notify_arg(k, NOTIFY_LIST, tail ? "rpop" : "lpop", 1);
    arg_key_drop_if_empty(k, 1, o);
}

static void lpop_cmd(struct call *k)
{
    list_pop(k, 0);
}
static void rpop_cmd(struct call *k)
{
    list_pop(k, 1);
}

/* LMPOP's answer: pops up to count elements of the list o under key (in
 * db), from the tail or the head, replying [key, [element, ...]]; deletes
 * the key when the list empties. */
static void list_mpop_reply(struct client *c, int dbi, const char *key, size_t klen, struct obj *o,
                            int tail, long long count)
{
    struct deque *q = o->u.list;
    size_t n = (unsigned long long)count < deque_len(q) ? (size_t)count : deque_len(q);
    reply_array(c, 2);
    reply_bulk(c, key, klen);
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        struct obj_str *s = tail ? deque_pop_tail(q) : deque_pop_head(q);
        list_reply_str(c, s);
        obj_str_free(s);
    }
    notify_keyspace_event(c->core, NOTIFY_LIST, tail ? "rpop" : "lpop", key, klen, dbi);
    cmd_drop_if_empty(c->core, dbi, key, klen, o);
}

/* LMPOP and BLMPOP once parsed: pops from the first list among the n keys
 * from argument first. Returns 1 when it replied (the pop, or WRONGTYPE
 * for a key of another type met first), 0 when every key is missing. */
static int list_mpop_now(struct call *k, int first, long long n, int tail, long long count)
{
    for (int i = first; i < first + n; i++) {
        struct obj *o;
        if (arg_key_write(k, i, OBJ_LIST, MISS_GO, &o) < 0)
            return 1;
        if (o == NULL)
            continue;
        list_mpop_reply(k->c, k->c->dbi, k->argv[i], k->argl[i], o, tail, count);
        return 1;
    }
    return 0;
}

static void lmpop_cmd(struct call *k)
{
    long long n, count;
    int tail;
    if (arg_mpop(k, 1, "left", "right", &n, &tail, &count) < 0)
        return;
    if (!list_mpop_now(k, 2, n, tail, count))
        reply_null_array(k->c);
}

static void llen_cmd(struct call *k)
{
    arg_key_reply_len(k, 1, OBJ_LIST);
}

static void lrange_cmd(struct call *k)
{
    long long start, end;
    if (arg_ll(k, 2, &start) < 0 || arg_ll(k, 3, &end) < 0)
        return;
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_LIST, MISS_EMPTY_ARRAY, &o) < 0)
        return;
    long long len = (long long)deque_len(o->u.list);
    if (start < 0)
        start += len;
    if (end < 0)
        end += len;
    if (start < 0)
        start = 0;
    if (start > end || start >= len) {
        reply_array(k->c, 0);
        return;
    }
    if (end >= len)
        end = len - 1;
    reply_array(k->c, end - start + 1);
    for (long long i = start; i <= end; i++)
        list_reply_str(k->c, deque_at(o->u.list, (size_t)i));
}

/* Argument i as a Redis index into the list o (negative from the end):
 * sets *idx to 0..len-1, or -1 when it is out of range. Returns 0, or -1
 * after the not-an-integer error. */
static int list_index_arg(struct call *k, int i, const struct obj *o, long long *idx)
{
    long long len = (long long)deque_len(o->u.list);
    if (arg_ll(k, i, idx) < 0)
        return -1;
    if (*idx < 0)
        *idx += len;
    if (*idx < 0 || *idx >= len)
        *idx = -1;
    return 0;
}

static void lindex_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_LIST, MISS_NULL, &o) < 0)
        return;
    long long idx;
    if (list_index_arg(k, 2, o, &idx) < 0)
        return;
    if (idx < 0)
        reply_null(k->c);
    else
        list_reply_str(k->c, deque_at(o->u.list, (size_t)idx));
}

static void lset_cmd(struct call *k)
{
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_LIST, MISS_NOSUCHKEY, &o) < 0)
        return;
    long long idx;
    if (list_index_arg(k, 2, o, &idx) < 0)
        return;
    if (idx < 0) {
        reply_err(k->c, RT_INDEX_RANGE);
        return;
    }
    size_t n;
    struct obj_str **v = list_drain(o->u.list, &n);
    obj_str_free(v[idx]);
    v[idx] = obj_str_new(k->argv[3], k->argl[3]);
    list_refill(o->u.list, v, n);
    reply_ok(k->c);
    cmd_notify_arg(k, NOTIFY_LIST, "lset", 1);
}

static void lrem_cmd(struct call *k)
{
    long long count;
    if (arg_ll(k, 2, &count) < 0)
        return;
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_LIST, MISS_ZERO, &o) < 0)
        return;
    size_t n;
    struct obj_str **v = list_drain(o->u.list, &n);
    long long removed = 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = count < 0 ? n - 1 - j : j;
        if (list_eq(v[i], k->argv[3], k->argl[3])) {
            obj_str_free(v[i]);
            v[i] = NULL;
            removed++;
            if (count != 0 && removed == (count < 0 ? -count : count))
                break;
        }
    }
    list_refill(o->u.list, v, n);
    if (removed > 0)
        cmd_notify_arg(k, NOTIFY_LIST, "lrem", 1);
    arg_key_drop_if_empty(k, 1, o);
    reply_int(k->c, removed);
}

static void ltrim_cmd(struct call *k)
{
    long long start, end;
    if (arg_ll(k, 2, &start) < 0 || arg_ll(k, 3, &end) < 0)
        return;
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_LIST, MISS_OK, &o) < 0)
        return;
    struct deque *q = o->u.list;
    long long len = (long long)deque_len(q), ltrim, rtrim;
    if (start < 0)
        start += len;
    if (end < 0)
        end += len;
    if (start < 0)
        start = 0;
    if (start > end || start >= len) {
        ltrim = len;
        rtrim = 0;
    } else {
        if (end >= len)
            end = len - 1;
        ltrim = start;
        rtrim = len - end - 1;
    }
    for (long long i = 0; i < ltrim; i++)
        obj_str_free(deque_pop_head(q));
    for (long long i = 0; i < rtrim; i++)
        obj_str_free(deque_pop_tail(q));
    cmd_notify_arg(k, NOTIFY_LIST, "ltrim", 1);
    arg_key_drop_if_empty(k, 1, o);
    reply_ok(k->c);
}

static void linsert_cmd(struct call *k)
{
    int after;
    if (arg_is(k, 2, "after"))
        after = 1;
    else if (arg_is(k, 2, "before"))
        after = 0;
    else {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    struct obj *o;
    if (arg_key_write(k, 1, OBJ_LIST, MISS_ZERO, &o) < 0)
        return;
    size_t n;
    struct obj_str **v = list_drain(o->u.list, &n);
    size_t at = n;
    for (size_t i = 0; i < n; i++) {
        if (list_eq(v[i], k->argv[3], k->argl[3])) {
            at = i;
            break;
        }
    }
    if (at == n) {
        list_refill(o->u.list, v, n);
        reply_int(k->c, -1);
        return;
    }
    size_t pos = after ? at + 1 : at;
    memmove(v + pos + 1, v + pos, (n - pos) * sizeof(*v));
    v[pos] = obj_str_new(k->argv[4], k->argl[4]);
    list_refill(o->u.list, v, n + 1);
    cmd_notify_arg(k, NOTIFY_LIST, "linsert", 1);
    reply_int(k->c, (long long)n + 1);
}

static void lpos_cmd(struct call *k)
{
    long long rank = 1, count = -1, maxlen = 0;
    for (int j = 3; j < k->argc; j++) {
        int more = k->argc - 1 - j;
        if (arg_is(k, j, "rank") && more) {
            j++;
            if (arg_ll(k, j, &rank) < 0)
                return;
            if (rank == 0) {
                reply_err(k->c, RT_LPOS_RANK);
                return;
            }
        } else if (arg_is(k, j, "count") && more) {
            j++;
            if (list_parse_ll(k, j, &count) < 0 || count < 0) {
                reply_err(k->c, RT_LPOS_COUNT);
                return;
            }
        } else if (arg_is(k, j, "maxlen") && more) {
            j++;
            if (list_parse_ll(k, j, &maxlen) < 0 || maxlen < 0) {
                reply_err(k->c, RT_LPOS_MAXLEN);
                return;
            }
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    int from_tail = rank < 0;
    if (from_tail)
        rank = rank == LLONG_MIN ? 1 : -rank; /* Redis's negation wraps: any match counts */
    struct obj *o;
    if (arg_key_read(k, 1, OBJ_LIST, count != -1 ? MISS_EMPTY_ARRAY : MISS_NULL, &o) < 0)
        return;
    struct deque *q = o->u.list;
    long long len = (long long)deque_len(q), matches = 0, found = -1;
    long long *hits = NULL, nhits = 0;
    if (count != -1)
        hits = mem_alloc(((size_t)len + 1) * sizeof(*hits));
    for (long long idx = 0; idx < len && (maxlen == 0 || idx < maxlen); idx++) {
        long long pos = from_tail ? len - 1 - idx : idx;
        if (!list_eq(deque_at(q, (size_t)pos), k->argv[2], k->argl[2]))
            continue;
        matches++;
        if (matches < rank)
            continue;
        if (hits == NULL) {
            found = pos;
            break;
        }
        hits[nhits++] = pos;
        if (count && matches - rank + 1 >= count)
            break;
    }
    if (hits != NULL) {
        reply_array(k->c, nhits);
        for (long long i = 0; i < nhits; i++)
            reply_int(k->c, hits[i]);
        free(hits);
    } else if (found >= 0) {
        reply_int(k->c, found);
    } else {
        reply_null(k->c);
    }
}

/* Pops from src (tail or head), pushes to dst (head or tail): the move
 * behind RPOPLPUSH and LMOVE. */
static void list_move(struct call *k, int src_tail, int dst_tail)
{
    struct obj *src, *dst;
    if (arg_key_write(k, 1, OBJ_LIST, MISS_NULL, &src) < 0 ||
        arg_key_write(k, 2, OBJ_LIST, MISS_CREATE, &dst) < 0)
        return;
    struct obj_str *s = src_tail ? deque_pop_tail(src->u.list) : deque_pop_head(src->u.list);
    if (dst_tail)
        deque_push_tail(dst->u.list, s);
    else
        deque_push_head(dst->u.list, s);
    /* Redis's order: the push's event, the reply, the pop's event, then
     * the source's deletion. */
    cmd_notify_arg(k, NOTIFY_LIST, dst_tail ? "rpush" : "lpush", 2);
    list_reply_str(k->c, s);
    cmd_notify_arg(k, NOTIFY_LIST, src_tail ? "rpop" : "lpop", 1);
    if (src != dst)
        arg_key_drop_if_empty(k, 1, src);
}

static void rpoplpush_cmd(struct call *k)
{
    list_move(k, 1, 0);
}

/* LMOVE's and BLMOVE's LEFT|RIGHT LEFT|RIGHT at argument i: sets where[0]
 * (pop from the tail?) and where[1] (push to the tail?). Returns 0, or -1
 * after the syntax error. */
static int list_wheres(struct call *k, int i, int where[2])
{
    for (int j = 0; j < 2; j++) {
        if (arg_is(k, i + j, "left"))
            where[j] = 0;
        else if (arg_is(k, i + j, "right"))
            where[j] = 1;
        else {
            reply_err(k->c, RT_SYNTAX);
            return -1;
        }
    }
    return 0;
}

static void lmove_cmd(struct call *k)
{
    int where[2];
    if (list_wheres(k, 3, where) == 0)
        list_move(k, where[0], where[1]);
}

/* ---- blocking forms ---------------------------------------------------------------- */

/* What a blocked client waits to do (block_wait copies it). */
struct list_wait {
    int src_tail, dst_tail; /* pop from the tail? push to the tail? */
    int move;               /* BLMOVE/BRPOPLPUSH: dst follows the struct */
    size_t dstlen;
    long long count; /* BLMPOP: how many, answered [key, [elements]]; 0 for BLPOP */
};

static struct obj *list_at(struct db *db, const char *key, size_t klen, int64_t now)
{
    struct obj *o = db_lookup(db, key, klen, now);
    return o && o->type == OBJ_LIST ? o : NULL;
}

/* A blocked BLPOP/BRPOP, served from key: [key, element]. */
static int serve_pop(struct core *core, struct client *c, int dbi, const char *key, size_t klen,
                     const void *arg)
{
    const struct list_wait *w = arg;
    struct db *db = &core->db[dbi];
    int64_t now = core_now_ms(core);
    struct obj *o = list_at(db, key, klen, now);
    if (o == NULL)
        return 0; /* gone again, or not a list: wait on */
    if (w->count > 0) {
        list_mpop_reply(c, dbi, key, klen, o, w->src_tail, w->count);
        watch_touch(core, dbi, key, klen);
        return 1;
    }
    struct obj_str *s = w->src_tail ? deque_pop_tail(o->u.list) : deque_pop_head(o->u.list);
    reply_array(c, 2);
    reply_bulk(c, key, klen);
    list_reply_str(c, s);
    obj_str_free(s);
    notify_keyspace_event(core, NOTIFY_LIST, w->src_tail ? "rpop" : "lpop", key, klen, dbi);
    cmd_drop_if_empty(core, dbi, key, klen, o);
    watch_touch(core, dbi, key, klen);
    return 1;
}

/* A blocked BLMOVE/BRPOPLPUSH, served from its source key: the element. A
 * destination that is not a list gets the client a WRONGTYPE error and
 * leaves the element where it was, as Redis 7.0 does. */
static int serve_move(struct core *core, struct client *c, int dbi, const char *key, size_t klen,
                      const void *arg)
{
    const struct list_wait *w = arg;
    const char *dkey = (const char *)(w + 1);
    struct db *db = &core->db[dbi];
    int64_t now = core_now_ms(core);
    struct obj *src = list_at(db, key, klen, now);
    if (src == NULL)
        return 0;
    struct obj *dst = db_lookup(db, dkey, w->dstlen, now);
    if (dst != NULL && dst->type != OBJ_LIST) {
        reply_err(c, RT_WRONGTYPE);
        return -1;
    }
    struct obj_str *s = w->src_tail ? deque_pop_tail(src->u.list) : deque_pop_head(src->u.list);
    if (dst == NULL) {
        dst = obj_new_list();
        db_set(db, dkey, w->dstlen, dst, 0);
    }
    if (w->dst_tail)
        deque_push_tail(dst->u.list, s);
    else
        deque_push_head(dst->u.list, s);
    notify_keyspace_event(core, NOTIFY_LIST, w->dst_tail ? "rpush" : "lpush", dkey, w->dstlen, dbi);
    list_reply_str(c, s);
    notify_keyspace_event(core, NOTIFY_LIST, w->src_tail ? "rpop" : "lpop", key, klen, dbi);
    if (src != dst)
        cmd_drop_if_empty(core, dbi, key, klen, src);
    watch_touch(core, dbi, key, klen);
    watch_touch(core, dbi, dkey, w->dstlen);
    return 1;
}

/* Every blocking list command that times out answers a null array, BLMOVE
 * too (Redis 7.0; an immediate answer inside EXEC is BLMOVE's null bulk). */
static void timeout_null_array(struct client *c, const void *arg)
{
    (void)arg;
    reply_null_array(c);
}

/* BLPOP BRPOP key [key ...] timeout. */
static void blocking_pop(struct call *k, int tail)
{
    int64_t deadline;
    if (arg_timeout(k, k->argc - 1, &deadline) < 0)
        return;
    for (int i = 1; i < k->argc - 1; i++) {
        struct obj *o;
        if (arg_key_write(k, i, OBJ_LIST, MISS_GO, &o) < 0)
            return;
        if (o == NULL)
            continue;
        struct obj_str *s = tail ? deque_pop_tail(o->u.list) : deque_pop_head(o->u.list);
        reply_array(k->c, 2);
        reply_bulk(k->c, k->argv[i], k->argl[i]);
        list_reply_str(k->c, s);
        obj_str_free(s);
        cmd_notify_arg(k, NOTIFY_LIST, tail ? "rpop" : "lpop", i);
        arg_key_drop_if_empty(k, i, o);
        return;
    }
    if (!block_allowed(k->c)) {
        reply_null_array(k->c);
        return;
    }
    struct list_wait w = {tail, 0, 0, 0, 0};
    block_wait(k->core, k->c, k->argv + 1, k->argl + 1, k->argc - 2, deadline, serve_pop,
               timeout_null_array, &w, sizeof(w));
}

static void blpop_cmd(struct call *k)
{
    blocking_pop(k, 0);
}

static void brpop_cmd(struct call *k)
{
    blocking_pop(k, 1);
}

/* BLMOVE BRPOPLPUSH, once their arguments are read. */
static void blocking_move(struct call *k, int src_tail, int dst_tail, int64_t deadline)
{
    struct obj *src;
    if (arg_key_write(k, 1, OBJ_LIST, MISS_GO, &src) < 0)
        return;
    if (src != NULL) {
        list_move(k, src_tail, dst_tail);
        return;
    }
    if (!block_allowed(k->c)) {
        reply_null(k->c);
        return;
    }
    size_t n = sizeof(struct list_wait) + k->argl[2];
    struct list_wait *w = mem_alloc(n);
    w->src_tail = src_tail;
    w->dst_tail = dst_tail;
    w->move = 1;
    w->dstlen = k->argl[2];
    w->count = 0;
    memcpy(w + 1, k->argv[2], k->argl[2]);
    block_wait(k->core, k->c, k->argv + 1, k->argl + 1, 1, deadline, serve_move, timeout_null_array,
               w, n);
    free(w);
}

static void brpoplpush_cmd(struct call *k)
{
    int64_t deadline;
    if (arg_timeout(k, 3, &deadline) == 0)
        blocking_move(k, 1, 0, deadline);
}

static void blmove_cmd(struct call *k)
{
    int where[2];
    int64_t deadline;
    if (list_wheres(k, 3, where) == 0 && arg_timeout(k, 5, &deadline) == 0)
        blocking_move(k, where[0], where[1], deadline);
}

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
static void blmpop_cmd(struct call *k)
{
    int64_t deadline;
    long long n, count;
    int tail;
    /* the timeout is read last, as in Redis */
    if (arg_mpop(k, 2, "left", "right", &n, &tail, &count) < 0 || arg_timeout(k, 1, &deadline) < 0)
        return;
    if (list_mpop_now(k, 3, n, tail, count))
        return;
    if (!block_allowed(k->c)) {
        reply_null_array(k->c);
        return;
    }
    struct list_wait w = {tail, 0, 0, 0, count};
    block_wait(k->core, k->c, k->argv + 3, k->argl + 3, (int)n, deadline, serve_pop,
               timeout_null_array, &w, sizeof(w));
}

// clang-format off
struct cmd_def cmd_list_table[] = {
    {.name = "lpush", .fn = lpush_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_LIST | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "element", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Prepends one or more elements to a list."},
    {.name = "rpush", .fn = rpush_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_LIST | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "element", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Appends one or more elements to a list."},
    {.name = "lpushx", .fn = lpushx_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_LIST | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "list",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "element", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Prepends elements to a list only when it exists."},
    {.name = "rpushx", .fn = rpushx_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_DENYOOM | RF_FAST,
     .acl = CAT_WRITE | CAT_LIST | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "list",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "element", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Appends elements to a list only when it exists."},
    {.name = "lpop", .fn = lpop_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_LIST | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements returned",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER, .since = "6.2.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the first elements in a list after removing it."},
    {.name = "rpop", .fn = rpop_cmd,
     .arity = -2, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_WRITE | CAT_LIST | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements returned",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER, .since = "6.2.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns and removes the last elements of a list."},
    {.name = "llen", .fn = llen_cmd,
     .arity = 2, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_LIST | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Returns the length of a list."},
    {.name = "lrange", .fn = lrange_cmd,
     .arity = 4, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_INTEGER},
          {.name = "stop", .type = ARG_INTEGER}),
     .summary = "Returns a range of elements from a list."},
    {.name = "lindex", .fn = lindex_cmd,
     .arity = 3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "index", .type = ARG_INTEGER}),
     .summary = "Returns an element from a list by its index."},
    {.name = "lset", .fn = lset_cmd, .flags = CMD_TOUCH,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "index", .type = ARG_INTEGER},
          {.name = "element", .type = ARG_STRING}),
     .summary = "Sets the value of an element in a list by its index."},
    {.name = "lrem", .fn = lrem_cmd,
     .arity = 4, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(N+M) where N is the length of the list and M is the number of elements removed.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER},
          {.name = "element", .type = ARG_STRING}),
     .summary = "Removes elements from a list."},
    {.name = "ltrim", .fn = ltrim_cmd, .flags = CMD_TOUCH,
     .arity = 4, .rflags = RF_WRITE,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "1.0.0", .group = "list",
     .complexity = "O(N) where N is the number of elements to be removed by the operation.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "start", .type = ARG_INTEGER},
          {.name = "stop", .type = ARG_INTEGER}),
     .summary = "Removes elements from both ends a list."},
    {.name = "linsert", .fn = linsert_cmd,
     .arity = 5, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RW | KS_INSERT, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "list",
     .complexity = "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "where", .type = ARG_ONEOF,
           SUBARGS({.name = "before", .type = ARG_PURE_TOKEN, .token = "BEFORE"},
                   {.name = "after", .type = ARG_PURE_TOKEN, .token = "AFTER"})},
          {.name = "pivot", .type = ARG_STRING},
          {.name = "element", .type = ARG_STRING}),
     .summary = "Inserts an element before or after another element in a list."},
    {.name = "lpos", .fn = lpos_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "6.0.6", .group = "list",
     .complexity = "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "element", .type = ARG_STRING},
          {.name = "rank", .type = ARG_INTEGER, .token = "RANK", .aflags = ARGF_OPTIONAL},
          {.name = "num-matches", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL},
          {.name = "len", .type = ARG_INTEGER, .token = "MAXLEN", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the index of matching elements in a list."},
    {.name = "rpoplpush", .fn = rpoplpush_cmd, .flags = CMD_TOUCH,
     .arity = 3, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "1.2.0", .group = "list",
     .complexity = "O(1)",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments",
     ARGS({.name = "source", .type = ARG_KEY, ARG_KS(0)},
          {.name = "destination", .type = ARG_KEY, ARG_KS(1)}),
     .summary = "Returns the last element of a list after removing and pushing it to another list."},
    {.name = "lmove", .fn = lmove_cmd, .flags = CMD_TOUCH,
     .arity = 5, .rflags = RF_WRITE | RF_DENYOOM,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "list",
     .complexity = "O(1)",
     ARGS({.name = "source", .type = ARG_KEY, ARG_KS(0)},
          {.name = "destination", .type = ARG_KEY, ARG_KS(1)},
          {.name = "wherefrom", .type = ARG_ONEOF,
           SUBARGS({.name = "left", .type = ARG_PURE_TOKEN, .token = "LEFT"},
                   {.name = "right", .type = ARG_PURE_TOKEN, .token = "RIGHT"})},
          {.name = "whereto", .type = ARG_ONEOF,
           SUBARGS({.name = "left", .type = ARG_PURE_TOKEN, .token = "LEFT"},
                   {.name = "right", .type = ARG_PURE_TOKEN, .token = "RIGHT"})}),
     .summary = "Returns an element after popping it from one list and pushing it to another."},
    {.name = "blpop", .fn = blpop_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_NOSCRIPT | RF_BLOCKING,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW | CAT_BLOCKING,
     .first = 1, .last = -2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(-2, 1, 0)}),
     .since = "2.0.0", .group = "list",
     .complexity = "O(N) where N is the number of provided keys.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "timeout", .type = ARG_DOUBLE}),
     .summary = "Removes and returns the first element in a list. Blocks until an element is available " "otherwise. Deletes the list if the last element was popped."},
    {.name = "brpop", .fn = brpop_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_NOSCRIPT | RF_BLOCKING,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW | CAT_BLOCKING,
     .first = 1, .last = -2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(-2, 1, 0)}),
     .since = "2.0.0", .group = "list",
     .complexity = "O(N) where N is the number of provided keys.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "timeout", .type = ARG_DOUBLE}),
     .summary = "Removes and returns the last element in a list. Blocks until an element is available " "otherwise. Deletes the list if the last element was popped."},
    {.name = "brpoplpush", .fn = brpoplpush_cmd, .flags = CMD_TOUCH,
     .arity = 4, .rflags = RF_WRITE | RF_DENYOOM | RF_NOSCRIPT | RF_BLOCKING,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW | CAT_BLOCKING,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "2.2.0", .group = "list",
     .complexity = "O(1)",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
     ARGS({.name = "source", .type = ARG_KEY, ARG_KS(0)},
          {.name = "destination", .type = ARG_KEY, ARG_KS(1)},
          {.name = "timeout", .type = ARG_DOUBLE}),
     .summary = "Pops an element from a list, pushes it to another list and returns it. Block until an " "element is available otherwise. Deletes the list if the last element was popped."},
    {.name = "blmove", .fn = blmove_cmd, .flags = CMD_TOUCH,
     .arity = 6, .rflags = RF_WRITE | RF_DENYOOM | RF_NOSCRIPT | RF_BLOCKING,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW | CAT_BLOCKING,
     .first = 1, .last = 2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RW | KS_INSERT, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "6.2.0", .group = "list",
     .complexity = "O(1)",
     ARGS({.name = "source", .type = ARG_KEY, ARG_KS(0)},
          {.name = "destination", .type = ARG_KEY, ARG_KS(1)},
          {.name = "wherefrom", .type = ARG_ONEOF,
           SUBARGS({.name = "left", .type = ARG_PURE_TOKEN, .token = "LEFT"},
                   {.name = "right", .type = ARG_PURE_TOKEN, .token = "RIGHT"})},
          {.name = "whereto", .type = ARG_ONEOF,
           SUBARGS({.name = "left", .type = ARG_PURE_TOKEN, .token = "LEFT"},
                   {.name = "right", .type = ARG_PURE_TOKEN, .token = "RIGHT"})},
          {.name = "timeout", .type = ARG_DOUBLE}),
     .summary = "Pops an element from a list, pushes it to another list and returns it. Blocks until an " "element is available otherwise. Deletes the list if the last element was moved."},
    {.name = "lmpop", .fn = lmpop_cmd,
     .arity = -4, .rflags = RF_WRITE | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_KEYNUM(0, 1, 1)}),
     .since = "7.0.0", .group = "list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     ARGS({.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "where", .type = ARG_ONEOF,
           SUBARGS({.name = "left", .type = ARG_PURE_TOKEN, .token = "LEFT"},
                   {.name = "right", .type = ARG_PURE_TOKEN, .token = "RIGHT"})},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Pops elements from the first non-empty list of several."},
    {.name = "blmpop", .fn = blmpop_cmd,
     .arity = -5, .rflags = RF_WRITE | RF_BLOCKING | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_LIST | CAT_SLOW | CAT_BLOCKING,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(2), FK_KEYNUM(0, 1, 1)}),
     .since = "7.0.0", .group = "list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     ARGS({.name = "timeout", .type = ARG_DOUBLE},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "where", .type = ARG_ONEOF,
           SUBARGS({.name = "left", .type = ARG_PURE_TOKEN, .token = "LEFT"},
                   {.name = "right", .type = ARG_PURE_TOKEN, .token = "RIGHT"})},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Pops elements from the first non-empty list of several, waiting for one when all are empty."},
    {.name = NULL},
};
// clang-format on
