/* test_debug.c - what DEBUG promises beyond one reply (the replies
 * themselves: tests/diff/corpus/debug.txt).
 *
 * DIGEST depends on the data only: the same keys and values written in
 * another order give the same digest, RELOAD keeps it, any change moves
 * it, an empty server is all zeros. RELOAD drops the keys whose TTL has
 * passed (Redis's load skips them). SET-ACTIVE-EXPIRE 0 stops expiry in
 * the background (a key read still expires), 1 starts it again: shown on
 * the server clock (MOCK CLOCK) with a blocked client's timeout, served by
 * the same periodic task, as the sign that it has run. */
#include "it.h"

#include <stdlib.h>
#include <string.h>

static void digest_of(redisContext *c, char out[41])
{
    redisReply *r = redisCommand(c, "DEBUG DIGEST");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    assert_int_equal(IT_REPLY_LEN(r), 40);
    memcpy(out, r->str, 41);
    freeReplyObject(r);
}

static void run(redisContext *c, const char *cmd)
{
    redisReply *r = redisCommand(c, cmd);
    assert_non_null(r);
    assert_int_not_equal(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
}

static void test_digest_stable(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(s));
    char empty[41], d1[41], d2[41], d3[41];
    digest_of(c, empty);
    assert_string_equal(empty, "0000000000000000000000000000000000000000");

    run(c, "HSET h a 1 b 2 c 3");
    run(c, "SADD s x y z");
    run(c, "RPUSH l 1 2");
    run(c, "ZADD z 1 a 2 b");
    run(c, "SET k v");
    digest_of(c, d1);
    assert_string_not_equal(d1, empty);
    redisReply *v1 = redisCommand(c, "DEBUG DIGEST-VALUE h s");

    run(c, "FLUSHALL");
    run(c, "SET k v");
    run(c, "ZADD z 2 b 1 a");
    run(c, "RPUSH l 1 2");
    run(c, "SADD s z y x");
    run(c, "HSET h c 3 b 2 a 1");
    digest_of(c, d2);
    assert_string_equal(d1, d2); /* another order, the same data */
    redisReply *v2 = redisCommand(c, "DEBUG DIGEST-VALUE h s");
    assert_int_equal(v1->elements, 2);
    assert_string_equal(v1->element[0]->str, v2->element[0]->str);
    assert_string_equal(v1->element[1]->str, v2->element[1]->str);
    assert_string_not_equal(v1->element[0]->str, v1->element[1]->str);
    freeReplyObject(v1);
    freeReplyObject(v2);

    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "DEBUG RELOAD");
    digest_of(c, d3);
    assert_string_equal(d1, d3);

    run(c, "RPUSH l 3"); /* a change moves it */
    digest_of(c, d3);
    assert_string_not_equal(d1, d3);
    run(c, "RPOP l");
    run(c, "EXPIRE k 100"); /* a TTL too */
    digest_of(c, d3);
    assert_string_not_equal(d1, d3);
    run(c, "PERSIST k");
    digest_of(c, d3);
    assert_string_equal(d1, d3);

    run(c, "MOVE k 1"); /* the same key in another database */
    digest_of(c, d3);
    assert_string_not_equal(d1, d3);

    run(c, "FLUSHALL");
    digest_of(c, d3);
    assert_string_equal(d3, empty);
    redisFree(c);
    it_stop_ok(s);
}

static long long info_stat(redisContext *c, const char *field)
{
    redisReply *r = redisCommand(c, "INFO stats");
    assert_non_null(r);
    const char *p = strstr(r->str, field);
    assert_non_null(p);
    long long n = atoll(p + strlen(field));
    freeReplyObject(r);
    return n;
}

static void test_set_active_expire(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(s));
    struct mh_conn b, b2; /* b blocks, b2 watches it block */
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b2, mh_server_port(s)), 0);
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1000000", "MOCK CLOCK VIRTUAL 1000000");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "DEBUG SET-ACTIVE-EXPIRE 0");
    run(c, "SET k1 v PX 100");
    run(c, "SET k2 v PX 100");
    /* b blocks until 500 ms of server time; its timeout is served by the
     * periodic task that also expires keys */
    it_line_send(&b, "BLPOP nolist 0.5");
    it_wait_info(&b2, "blocked_clients:", 1);
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1001000", "MOCK CLOCK ADVANCE 1000");
    it_line_reply(&b, "*-1\r\n");
    /* the task ran: the keys are still there */
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "2", "DBSIZE");
    assert_int_equal(info_stat(c, "expired_keys:"), 0);
    /* a key read still expires */
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "0", "EXISTS k1");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1", "DBSIZE");
    /* started again, the background expiry takes the other one */
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "DEBUG SET-ACTIVE-EXPIRE 1");
    long long until = it_now_ms() + 5000;
    long long n;
    while ((n = info_stat(c, "expired_keys:")) != 2)
        if (it_now_ms() > until)
            fail_msg("expired_keys stays %lld", n);
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "0", "DBSIZE");

    /* RELOAD drops what has expired but is still stored, counting nothing */
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "DEBUG SET-ACTIVE-EXPIRE 0");
    run(c, "SET k3 v PX 100");
    run(c, "SET k4 v");
    it_line_send(&b, "BLPOP nolist 0.5");
    it_wait_info(&b2, "blocked_clients:", 1);
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1002000", "MOCK CLOCK ADVANCE 1000");
    it_line_reply(&b, "*-1\r\n");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "2", "DBSIZE");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "DEBUG RELOAD");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1", "DBSIZE");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1", "EXISTS k4");
    assert_int_equal(info_stat(c, "expired_keys:"), 2);
    mh_conn_close(&b);
    mh_conn_close(&b2);
    redisFree(c);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_stable),
        cmocka_unit_test(test_set_active_expire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
