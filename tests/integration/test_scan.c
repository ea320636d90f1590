/* test_scan.c - SCAN, HSCAN, SSCAN and ZSCAN keep SCAN's guarantee over a
 * whole iteration: what the differential corpus cannot show, since our
 * cursors are not Redis's (tests/diff/corpus compares single calls).
 *
 * For each command, a collection of 1,000 elements is walked from cursor 0
 * until the cursor is 0 again, with and without MATCH, with several COUNTs,
 * and while the collection changes under the walk: 4,500 elements are added
 * after the second call (the table grows) and removed after the fifth,
 * together with four tenths of the original ones (it shrinks). Every element
 * present for the whole walk must be returned at least once, nothing that
 * fails MATCH or never existed may be returned, values must stay paired
 * with their names, and the walk must end. The same walks run against
 * redis-server when it is installed, which shows the claims are Redis's. */
#include "it.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST_N         1000 /* elements in place before the walk */
#define ST_EXTRA     4500 /* elements added, then removed, during the walk */
#define ST_ALL       (ST_N + ST_EXTRA)
#define ST_MAX_CALLS 100000

enum st_kind { ST_KEYS, ST_HASH, ST_SET, ST_ZSET };

static const char *const st_names[] = {"SCAN", "HSCAN", "SSCAN", "ZSCAN"};

/* Adds (or removes) the elements e<from> .. e<to-1>, pipelined. Keys are
 * e<N> = v<N>; the hash maps e<N> to v<N>; the set holds e<N>; the sorted
 * set gives e<N> the score N. Members are not integers, so the set is a
 * hash table in Redis too. */
static void st_change(redisContext *ctx, enum st_kind kind, int from, int to, int add)
{
    for (int i = from; i < to; i++) {
        int rc = REDIS_OK;
        switch (kind) {
        case ST_KEYS:
            rc = add ? redisAppendCommand(ctx, "SET e%d v%d", i, i)
                     : redisAppendCommand(ctx, "DEL e%d", i);
            break;
        case ST_HASH:
            rc = add ? redisAppendCommand(ctx, "HSET big e%d v%d", i, i)
                     : redisAppendCommand(ctx, "HDEL big e%d", i);
            break;
        case ST_SET:
            rc = add ? redisAppendCommand(ctx, "SADD big e%d", i)
                     : redisAppendCommand(ctx, "SREM big e%d", i);
            break;
        case ST_ZSET:
            rc = add ? redisAppendCommand(ctx, "ZADD big %d e%d", i, i)
                     : redisAppendCommand(ctx, "ZREM big e%d", i);
            break;
        }
        assert_int_equal(rc, REDIS_OK);
    }
    for (int i = from; i < to; i++) {
        void *r = NULL;
        assert_int_equal(redisGetReply(ctx, &r), REDIS_OK);
        redisReply *rep = r;
        if (rep->type != REDIS_REPLY_INTEGER && rep->type != REDIS_REPLY_STATUS)
            fail_msg("%s element %d: reply type %d", add ? "adding" : "removing", i, rep->type);
        freeReplyObject(rep);
    }
}

/* The removals after the fifth call: the extra elements, and every e<N>
 * whose N ends in 6 to 9. 600 of 5,500 elements are left, so the table
 * shrinks (ours below 1/8 full, Redis's below 1/10), yet the hash and the
 * sorted set stay too large to be answered whole (cmd_hash.c, cmd_zset.c):
 * the walk goes on over the smaller table. */
static int st_kept(int n)
{
    return n % 10 < 6;
}

static void st_shrink(redisContext *ctx, enum st_kind kind)
{
    st_change(ctx, kind, ST_N, ST_ALL, 0);
    for (int i = 0; i < ST_N; i += 10)
        st_change(ctx, kind, i + 6, i + 10, 0);
}

/* N from a returned name "e<N>", failing the test on anything else. */
static int st_index(const redisReply *r)
{
    if (r->type != REDIS_REPLY_STRING || r->len < 2 || r->str[0] != 'e')
        fail_msg("unexpected element of type %d", r->type);
    char *end;
    long n = strtol(r->str + 1, &end, 10);
    if (*end != '\0' || n < 0 || n >= ST_ALL)
        fail_msg("element '%s' was never added", r->str);
    return (int)n;
}

/* Checks the value that follows element n in an HSCAN or ZSCAN reply. */
static void st_check_value(enum st_kind kind, int n, const redisReply *v)
{
    char want[32];
    snprintf(want, sizeof(want), kind == ST_HASH ? "v%d" : "%d", n);
    if (v->type != REDIS_REPLY_STRING || strcmp(v->str, want) != 0)
        fail_msg("e%d: value '%s', want '%s'", n, v->type == REDIS_REPLY_STRING ? v->str : "?",
                 want);
}

/* One call; returns the reply (an array of 2: cursor, elements). */
static redisReply *st_call(redisContext *ctx, enum st_kind kind, const char *cursor,
                           const char *match, const char *count)
{
    const char *argv[8];
    int argc = 0;
    argv[argc++] = st_names[kind];
    if (kind != ST_KEYS)
        argv[argc++] = "big";
    argv[argc++] = cursor;
    if (match) {
        argv[argc++] = "MATCH";
        argv[argc++] = match;
    }
    if (count) {
        argv[argc++] = "COUNT";
        argv[argc++] = count;
    }
    redisReply *r = redisCommandArgv(ctx, argc, argv, NULL);
    if (r == NULL)
        fail_msg("%s: no reply (%s)", st_names[kind], ctx->errstr);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_ARRAY) {
        int type = r->type;
        freeReplyObject(r);
        fail_msg("%s: reply of type %d is not [cursor, elements]", st_names[kind], type);
    }
    return r;
}

/* Walks the collection from 0 to 0 (changing it under the walk when
 * mutate) and asserts SCAN's guarantee. Returns the number of calls. */
static int st_walk(redisContext *ctx, enum st_kind kind, const char *match, const char *count,
                   int mutate)
{
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "FLUSHALL");
    st_change(ctx, kind, 0, ST_N, 1);
    int *seen = calloc(ST_ALL, sizeof(*seen));
    assert_non_null(seen);
    int pairs = kind == ST_HASH || kind == ST_ZSET;
    char cursor[32] = "0";
    int calls = 0;
    do {
        redisReply *r = st_call(ctx, kind, cursor, match, count);
        const redisReply *els = r->element[1];
        if (pairs && els->elements % 2 != 0)
            fail_msg("%s: %zu elements, not pairs", st_names[kind], (size_t)els->elements);
        for (size_t i = 0; i < els->elements; i += pairs ? 2 : 1) {
            int n = st_index(els->element[i]);
            if (match && fnmatch(match, els->element[i]->str, 0) != 0)
                fail_msg("%s MATCH %s returned %s", st_names[kind], match, els->element[i]->str);
            if (pairs)
                st_check_value(kind, n, els->element[i + 1]);
            seen[n]++;
        }
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        freeReplyObject(r);
        calls++;
        if (calls > ST_MAX_CALLS)
            fail_msg("%s: no end after %d calls", st_names[kind], calls);
        if (mutate && calls == 2)
            st_change(ctx, kind, ST_N, ST_ALL, 1);
        if (mutate && calls == 5)
            st_shrink(ctx, kind);
    } while (strcmp(cursor, "0") != 0);

    /* Present for the whole walk: the originals, less those st_shrink
     * removed when the walk was long enough to reach the fifth call. */
    int removed = mutate && calls > 5;
    for (int n = 0; n < ST_N; n++) {
        char name[16];
        snprintf(name, sizeof(name), "e%d", n);
        if (removed && !st_kept(n))
            continue;
        if (match && fnmatch(match, name, 0) != 0)
            continue;
        if (seen[n] == 0)
            fail_msg("%s MATCH %s COUNT %s%s: %s was never returned", st_names[kind],
                     match ? match : "*", count ? count : "10", mutate ? " (changing)" : "", name);
    }
    free(seen);
    return calls;
}

static void st_walks(redisContext *ctx, enum st_kind kind)
{
    /* A walk that covers the collection in many calls: COUNT bounds each. */
    int calls = st_walk(ctx, kind, NULL, NULL, 0);
    assert_true(calls > 10);
    st_walk(ctx, kind, "e*7*", NULL, 0);
    st_walk(ctx, kind, "e?", "1", 0);
    st_walk(ctx, kind, NULL, "100000", 0);
    /* The table grows and shrinks under the walk. */
    assert_true(st_walk(ctx, kind, NULL, NULL, 1) > 5);
    assert_true(st_walk(ctx, kind, "e*0", "3", 1) > 5);
    assert_true(st_walk(ctx, kind, "e1?5", "1", 1) > 5);
}

/* mock is the server under test; redis (when installed) runs the same walks
 * to show that the assertions hold for Redis itself. */
static void st_run(enum st_kind kind)
{
    struct mh_server *m = it_mock(NULL);
    redisContext *ctx = it_connect(mh_server_port(m));
    st_walks(ctx, kind);
    redisFree(ctx);
    it_stop_ok(m);

    struct mh_server *r = it_redis(NULL);
    if (r == NULL)
        return;
    ctx = it_connect(mh_server_port(r));
    st_walks(ctx, kind);
    redisFree(ctx);
    it_stop(r);
}

static void test_scan(void **state)
{
    (void)state;
    st_run(ST_KEYS);
}

static void test_hscan(void **state)
{
    (void)state;
    st_run(ST_HASH);
}

static void test_sscan(void **state)
{
    (void)state;
    st_run(ST_SET);
}

static void test_zscan(void **state)
{
    (void)state;
    st_run(ST_ZSET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_hscan),
        cmocka_unit_test(test_sscan),
        cmocka_unit_test(test_zscan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
