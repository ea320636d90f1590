/* test_watch.c - WATCH across connections, with the virtual clock and with
 * scenario actions: what the single-connection differential corpus
 * (tests/diff/corpus/multi.txt) cannot show.
 *
 * The optimistic-locking loop every client writes: WATCH k, read it, MULTI,
 * write, EXEC; a null EXEC means somebody changed k meanwhile: retry. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* EXEC of "MULTI; SET key value": 1 when it ran, 0 when it was a null
 * (a watched key changed); anything else fails the test. */
static int wt_exec_set(redisContext *ctx, const char *key, const char *value)
{
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "SET %s %s", key, value);
    redisReply *r = redisCommand(ctx, "EXEC");
    if (r == NULL)
        fail_msg("EXEC: no reply (%s)", ctx->errstr);
    int ran = 0;
    if (r->type == REDIS_REPLY_NIL) {
        ran = 0;
    } else if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
               r->element[0]->type == REDIS_REPLY_STATUS && strcmp(r->element[0]->str, "OK") == 0) {
        ran = 1;
    } else {
        int type = r->type;
        freeReplyObject(r);
        fail_msg("EXEC: unexpected reply of type %d", type);
    }
    freeReplyObject(r);
    return ran;
}

/* Another client's write between WATCH and EXEC fails the EXEC; the retry
 * (WATCH again, read, EXEC) then goes through. Reads by others do not. */
static void test_other_client(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *a = it_connect(mh_server_port(s));
    redisContext *b = it_connect(mh_server_port(s));

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET balance 10");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH balance");
    it_cmd_expect(b, REDIS_REPLY_STRING, "10", "GET balance");
    it_cmd_expect(b, REDIS_REPLY_INTEGER, "15", "INCRBY balance 5");
    assert_int_equal(wt_exec_set(a, "balance", "9"), 0);
    it_cmd_expect(b, REDIS_REPLY_STRING, "15", "GET balance"); /* b's write stands */

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH balance");
    it_cmd_expect(b, REDIS_REPLY_STRING, "15", "GET balance");
    assert_int_equal(wt_exec_set(a, "balance", "14"), 1);
    it_cmd_expect(b, REDIS_REPLY_STRING, "14", "GET balance");

    /* Two watchers of one key both fail; a watcher of another key runs. */
    redisContext *c = it_connect(mh_server_port(s));
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH balance");
    it_cmd_expect(b, REDIS_REPLY_STATUS, "OK", "WATCH balance other");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "WATCH unrelated");
    redisContext *d = it_connect(mh_server_port(s));
    it_cmd_expect(d, REDIS_REPLY_INTEGER, "1", "DEL balance");
    assert_int_equal(wt_exec_set(a, "x", "1"), 0);
    assert_int_equal(wt_exec_set(b, "x", "2"), 0);
    assert_int_equal(wt_exec_set(c, "x", "3"), 1);

    /* A watcher that disconnects leaves nothing behind that later writes
     * could trip on (ASan/valgrind would see it). */
    it_cmd_expect(d, REDIS_REPLY_STATUS, "OK", "WATCH gone");
    redisFree(d);
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET gone 1");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "FLUSHALL");

    redisFree(a);
    redisFree(b);
    redisFree(c);
    it_stop_ok(s);
}

/* With the virtual clock nobody sleeps: a watched key whose TTL passes
 * fails the EXEC, whether or not anything looked at it; a key that had
 * already expired when watched and is then deleted is no change, but set
 * again it is. */
static void test_expiry(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *a = it_connect(mh_server_port(s));
    it_cmd_expect(a, REDIS_REPLY_INTEGER, "1000000", "MOCK CLOCK VIRTUAL 1000000");

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET session v PX 100");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH session");
    it_cmd_expect(a, REDIS_REPLY_INTEGER, "1000050", "MOCK CLOCK ADVANCE 50");
    assert_int_equal(wt_exec_set(a, "x", "1"), 1); /* still alive */

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH session");
    it_cmd_expect(a, REDIS_REPLY_INTEGER, "1000150", "MOCK CLOCK ADVANCE 100");
    assert_int_equal(wt_exec_set(a, "x", "2"), 0); /* expired, never read */

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET old v PX 10");
    it_cmd_expect(a, REDIS_REPLY_INTEGER, "1000160", "MOCK CLOCK ADVANCE 10");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH old"); /* already expired */
    it_cmd_expect(a, REDIS_REPLY_NIL, "", "GET old");        /* deleted now */
    assert_int_equal(wt_exec_set(a, "x", "3"), 1);

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET old v PX 10");
    it_cmd_expect(a, REDIS_REPLY_INTEGER, "1000170", "MOCK CLOCK ADVANCE 10");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH old");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET old again");
    assert_int_equal(wt_exec_set(a, "x", "4"), 0);

    redisFree(a);
    it_stop_ok(s);
}

/* Scenario faults are changes like any other: an eviction or a retype of a
 * watched key fails the EXEC of the client that watched it. */
static void test_scenario_faults(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "watch",
                                           "finish control\n"
                                           "on GET evict-now do evict cart\n"
                                           "on GET retype-now do retype cart list\n");
    redisContext *a = it_connect(mh_server_port(s));
    redisContext *b = it_connect(mh_server_port(s));

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET cart 3");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH cart");
    it_cmd_expect(b, REDIS_REPLY_NIL, "", "GET evict-now");
    assert_int_equal(wt_exec_set(a, "cart", "4"), 0);
    it_cmd_expect(a, REDIS_REPLY_NIL, "", "GET cart");

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET cart 3");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH cart");
    it_cmd_expect(b, REDIS_REPLY_NIL, "", "GET retype-now");
    assert_int_equal(wt_exec_set(a, "cart", "4"), 0);
    it_cmd_expect(a, REDIS_REPLY_STATUS, "list", "TYPE cart");

    redisFree(a);
    redisFree(b);
    it_stop_ok(s);
    unlink(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_client),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_scenario_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
