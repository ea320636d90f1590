/* test_protocol_error.c - a client that breaks the protocol gets Redis's
 * exact error and is disconnected; everyone else keeps being served.
 *
 * Also: the replies to commands pipelined before the bad bytes arrive
 * first, and nothing after the error is executed. Checked against
 * redis-server too when it is installed. */
#include "it.h"

#include <stdlib.h>
#include <string.h>

static void one_case(int port, const char *send, size_t sendlen, const char *want, size_t wantlen)
{
    struct mh_conn bad;
    assert_int_equal(mh_conn_open(&bad, port), 0);
    it_raw_expect(&bad, send, sendlen, want, wantlen);
    it_expect_eof(&bad, 5000);
    mh_conn_close(&bad);
}

static void check_errors(struct mh_server *s)
{
    int port = mh_server_port(s);
    redisContext *good = it_connect(port);
    it_cmd_expect(good, REDIS_REPLY_STATUS, "OK", "SET survivor yes");

    one_case(port, IT_S("*1\r\n$x\r\n"), IT_S("-ERR Protocol error: invalid bulk length\r\n"));
    one_case(port, IT_S("*1\r\nx\r\n"), IT_S("-ERR Protocol error: expected '$', got 'x'\r\n"));
    one_case(port, IT_S("*a\r\n"), IT_S("-ERR Protocol error: invalid multibulk length\r\n"));
    one_case(port, IT_S("ECHO \"a\r\n"),
             IT_S("-ERR Protocol error: unbalanced quotes in request\r\n"));

    /* pipelined: PING answered, the bad command ends it, SET never runs */
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, port), 0);
    assert_int_equal(mh_send(c.fd, IT_S("PING\r\n*1\r\n$x\r\n")), 0);
    it_reply_expect(&c, IT_S("+PONG\r\n"));
    it_reply_expect(&c, IT_S("-ERR Protocol error: invalid bulk length\r\n"));
    it_expect_eof(&c, 5000);
    mh_conn_close(&c);

    /* a too big inline request (64 KiB without a newline) */
    size_t n = 70000;
    char *big = malloc(n);
    memset(big, 'x', n);
    one_case(port, big, n, IT_S("-ERR Protocol error: too big inline request\r\n"));
    free(big);

    it_cmd_expect(good, REDIS_REPLY_STRING, "yes", "GET survivor");
    redisFree(good);
}

static void test_mockredis(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    check_errors(s);
    it_stop_ok(s);
}

static void test_oracle_redis(void **state)
{
    (void)state;
    struct mh_server *s = it_redis(NULL);
    if (s == NULL)
        skip();
    check_errors(s);
    it_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mockredis),
        cmocka_unit_test(test_oracle_redis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
