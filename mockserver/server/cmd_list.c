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

/* The list at argument i, or NULL. On a wrong type replies WRONGTYPE and
 * sets *bad. */
static struct obj *list_get(struct call *k, int i, int write, int *bad)
{
    return arg_lookup(k, i, OBJ_LIST, write, bad);
}

static void list_drop_if_empty(struct call *k, int i, struct obj *o)
{
    if (deque_len(o->u.list) == 0)
        db_delete(core_db(k->c), k->argv[i], k->argl[i], core_now_ms(k->core));
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
    int bad;
    struct obj *o = list_get(k, 1, 1, &bad);
    if (bad)
        return;
    if (o == NULL) {
        if (only_existing) {
            reply_int(k->c, 0);
            return;
        }
        o = obj_new_list();
        db_set(core_db(k->c), k->argv[1], k->argl[1], o, 0);
    }
    for (int i = 2; i < k->argc; i++) {
        struct obj_str *s = obj_str_new(k->argv[i], k->argl[i]);
        if (tail)
            deque_push_tail(o->u.list, s);
        else
            deque_push_head(o->u.list, s);
    }
    reply_int(k->c, (long long)deque_len(o->u.list));
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
    int bad;
    struct obj *o = list_get(k, 1, 1, &bad);
    if (bad)
        return;
    if (o == NULL) {
        if (hascount)
            reply_null_array(k->c);
        else
            reply_null(k->c);
        return;
    }
    struct deque *q = o->u.list;
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
    list_drop_if_empty(k, 1, o);
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
static void list_mpop_reply(struct client *c, struct db *db, int64_t now, const char *key,
                            size_t klen, struct obj *o, int tail, long long count)
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
    if (deque_len(q) == 0)
        db_delete(db, key, klen, now);
}

/* LMPOP and BLMPOP once parsed: pops from the first list among the n keys
 * from argument first. Returns 1 when it replied (the pop, or WRONGTYPE
 * for a key of another type met first), 0 when every key is missing. */
static int list_mpop_now(struct call *k, int first, long long n, int tail, long long count)
{
    for (int i = first; i < first + n; i++) {
        int bad;
        struct obj *o = list_get(k, i, 1, &bad);
        if (bad)
            return 1;
        if (o == NULL)
            continue;
        list_mpop_reply(k->c, core_db(k->c), core_now_ms(k->core), k->argv[i], k->argl[i], o,
                        tail, count);
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
    int bad;
    struct obj *o = list_get(k, 1, 0, &bad);
    if (bad)
        return;
    reply_int(k->c, o ? (long long)deque_len(o->u.list) : 0);
}

static void lrange_cmd(struct call *k)
{
    long long start, end;
    if (arg_ll(k, 2, &start) < 0 || arg_ll(k, 3, &end) < 0)
        return;
    int bad;
    struct obj *o = list_get(k, 1, 0, &bad);
    if (bad)
        return;
    long long len = o ? (long long)deque_len(o->u.list) : 0;
    if (start < 0)
        start += len;
    if (end < 0)
        end += len;
    if (start < 0)
        start = 0;
    if (o == NULL || start > end || start >= len) {
        reply_array(k->c, 0);
        return;
    }
    if (end >= len)
        end = len - 1;
    reply_array(k->c, end - start + 1);
    for (long long i = start; i <= end; i++)
        list_reply_str(k->c, deque_at(o->u.list, (size_t)i));
}

/* Turns a Redis index (negative from the end) into 0..len-1, or -1. */
static long long list_index(long long idx, size_t len)
{
    if (idx < 0)
        idx += (long long)len;
    return idx >= 0 && idx < (long long)len ? idx : -1;
}

static void lindex_cmd(struct call *k)
{
    int bad;
    struct obj *o = list_get(k, 1, 0, &bad);
    if (bad)
        return;
    if (o == NULL) {
        reply_null(k->c);
        return;
    }
    long long idx;
    if (arg_ll(k, 2, &idx) < 0)
        return;
    idx = list_index(idx, deque_len(o->u.list));
    if (idx < 0)
        reply_null(k->c);
    else
        list_reply_str(k->c, deque_at(o->u.list, (size_t)idx));
}

static void lset_cmd(struct call *k)
{
    int bad;
    struct obj *o = list_get(k, 1, 1, &bad);
    if (bad)
        return;
    if (o == NULL) {
        reply_err(k->c, RT_NOSUCHKEY);
        return;
    }
    long long idx;
    if (arg_ll(k, 2, &idx) < 0)
        return;
    idx = list_index(idx, deque_len(o->u.list));
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
}

static void lrem_cmd(struct call *k)
{
    long long count;
    if (arg_ll(k, 2, &count) < 0)
        return;
    int bad;
    struct obj *o = list_get(k, 1, 1, &bad);
    if (bad)
        return;
    if (o == NULL) {
        reply_int(k->c, 0);
        return;
    }
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
    list_drop_if_empty(k, 1, o);
    reply_int(k->c, removed);
}

static void ltrim_cmd(struct call *k)
{
    long long start, end;
    if (arg_ll(k, 2, &start) < 0 || arg_ll(k, 3, &end) < 0)
        return;
    int bad;
    struct obj *o = list_get(k, 1, 1, &bad);
    if (bad)
        return;
    if (o == NULL) {
        reply_ok(k->c);
        return;
    }
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
    list_drop_if_empty(k, 1, o);
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
    int bad;
    struct obj *o = list_get(k, 1, 1, &bad);
    if (bad)
        return;
    if (o == NULL) {
        reply_int(k->c, 0);
        return;
    }
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
    int bad;
    struct obj *o = list_get(k, 1, 0, &bad);
    if (bad)
        return;
    if (o == NULL) {
        if (count != -1)
            reply_array(k->c, 0);
        else
            reply_null(k->c);
        return;
    }
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
    int bad;
    struct obj *src = list_get(k, 1, 1, &bad);
    if (bad)
        return;
    if (src == NULL) {
        reply_null(k->c);
        return;
    }
    struct obj *dst = list_get(k, 2, 1, &bad);
    if (bad)
        return;
    struct obj_str *s = src_tail ? deque_pop_tail(src->u.list) : deque_pop_head(src->u.list);
    if (dst == NULL) {
        dst = obj_new_list();
        db_set(core_db(k->c), k->argv[2], k->argl[2], dst, 0);
    }
    list_reply_str(k->c, s);
    if (dst_tail)
        deque_push_tail(dst->u.list, s);
    else
        deque_push_head(dst->u.list, s);
    if (src != dst)
        list_drop_if_empty(k, 1, src);
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
    long long count;        /* BLMPOP: how many, answered [key, [elements]]; 0 for BLPOP */
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
        list_mpop_reply(c, db, now, key, klen, o, w->src_tail, w->count);
        watch_touch(core, dbi, key, klen);
        return 1;
    }
    struct obj_str *s = w->src_tail ? deque_pop_tail(o->u.list) : deque_pop_head(o->u.list);
    reply_array(c, 2);
    reply_bulk(c, key, klen);
    list_reply_str(c, s);
    obj_str_free(s);
    if (deque_len(o->u.list) == 0)
        db_delete(db, key, klen, now);
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
    list_reply_str(c, s);
    if (dst == NULL) {
        dst = obj_new_list();
        db_set(db, dkey, w->dstlen, dst, 0);
    }
    if (w->dst_tail)
        deque_push_tail(dst->u.list, s);
    else
        deque_push_head(dst->u.list, s);
    if (src != dst && deque_len(src->u.list) == 0)
        db_delete(db, key, klen, now);
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
    if (block_timeout_arg(k, k->argc - 1, &deadline) < 0)
        return;
    for (int i = 1; i < k->argc - 1; i++) {
        int bad;
        struct obj *o = list_get(k, i, 1, &bad);
        if (bad)
            return;
        if (o == NULL)
            continue;
        struct obj_str *s = tail ? deque_pop_tail(o->u.list) : deque_pop_head(o->u.list);
        reply_array(k->c, 2);
        reply_bulk(k->c, k->argv[i], k->argl[i]);
        list_reply_str(k->c, s);
        obj_str_free(s);
        list_drop_if_empty(k, i, o);
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
    int bad;
    struct obj *src = list_get(k, 1, 1, &bad);
    if (bad)
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
    block_wait(k->core, k->c, k->argv + 1, k->argl + 1, 1, deadline, serve_move,
               timeout_null_array, w, n);
    free(w);
}

static void brpoplpush_cmd(struct call *k)
{
    int64_t deadline;
    if (block_timeout_arg(k, 3, &deadline) == 0)
        blocking_move(k, 1, 0, deadline);
}

static void blmove_cmd(struct call *k)
{
    int where[2];
    int64_t deadline;
    if (list_wheres(k, 3, where) == 0 && block_timeout_arg(k, 5, &deadline) == 0)
        blocking_move(k, where[0], where[1], deadline);
}

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
static void blmpop_cmd(struct call *k)
{
    int64_t deadline;
    long long n, count;
    int tail;
    /* the timeout is read last, as in Redis */
    if (arg_mpop(k, 2, "left", "right", &n, &tail, &count) < 0 ||
        block_timeout_arg(k, 1, &deadline) < 0)
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

struct cmd_def cmd_list_table[] = {
    {"lpush", -3, CMD_WRITE, lpush_cmd, NULL, "list", "Prepends one or more elements to a list.",
     0},
    {"rpush", -3, CMD_WRITE, rpush_cmd, NULL, "list", "Appends one or more elements to a list.", 0},
    {"lpushx", -3, CMD_WRITE, lpushx_cmd, NULL, "list",
     "Prepends elements to a list only when it exists.", 0},
    {"rpushx", -3, CMD_WRITE, rpushx_cmd, NULL, "list",
     "Appends elements to a list only when it exists.", 0},
    {"lpop", -2, CMD_WRITE, lpop_cmd, NULL, "list",
     "Returns the first elements in a list after removing it.", 0},
    {"rpop", -2, CMD_WRITE, rpop_cmd, NULL, "list",
     "Returns and removes the last elements of a list.", 0},
    {"llen", 2, 0, llen_cmd, NULL, "list", "Returns the length of a list.", 0},
    {"lrange", 4, 0, lrange_cmd, NULL, "list", "Returns a range of elements from a list.", 0},
    {"lindex", 3, 0, lindex_cmd, NULL, "list", "Returns an element from a list by its index.", 0},
    {"lset", 4, CMD_WRITE | CMD_TOUCH, lset_cmd, NULL, "list",
     "Sets the value of an element in a list by its index.", 0},
    {"lrem", 4, CMD_WRITE, lrem_cmd, NULL, "list", "Removes elements from a list.", 0},
    {"ltrim", 4, CMD_WRITE | CMD_TOUCH, ltrim_cmd, NULL, "list", "Removes elements from both ends a list.", 0},
    {"linsert", 5, CMD_WRITE, linsert_cmd, NULL, "list",
     "Inserts an element before or after another element in a list.", 0},
    {"lpos", -3, 0, lpos_cmd, NULL, "list", "Returns the index of matching elements in a list.", 0},
    {"rpoplpush", 3, CMD_WRITE | CMD_TOUCH, rpoplpush_cmd, NULL, "list",
     "Returns the last element of a list after removing and pushing it to another list.", 0},
    {"lmove", 5, CMD_WRITE | CMD_TOUCH, lmove_cmd, NULL, "list",
     "Returns an element after popping it from one list and pushing it to another.", 0},
    {"blpop", -3, CMD_WRITE, blpop_cmd, NULL, "list",
     "Removes and returns the first element in a list. Blocks until an element is available "
     "otherwise. Deletes the list if the last element was popped.", 0},
    {"brpop", -3, CMD_WRITE, brpop_cmd, NULL, "list",
     "Removes and returns the last element in a list. Blocks until an element is available "
     "otherwise. Deletes the list if the last element was popped.", 0},
    {"brpoplpush", 4, CMD_WRITE | CMD_TOUCH, brpoplpush_cmd, NULL, "list",
     "Pops an element from a list, pushes it to another list and returns it. Block until an "
     "element is available otherwise. Deletes the list if the last element was popped.", 0},
    {"blmove", 6, CMD_WRITE | CMD_TOUCH, blmove_cmd, NULL, "list",
     "Pops an element from a list, pushes it to another list and returns it. Blocks until an "
     "element is available otherwise. Deletes the list if the last element was moved.", 0},
    {"lmpop", -4, CMD_WRITE, lmpop_cmd, NULL, "list",
     "Pop elements from a list", 0},
    {"blmpop", -5, CMD_WRITE, blmpop_cmd, NULL, "list",
     "Pop elements from a list, or block until one is available", 0},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
