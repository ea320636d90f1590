/* test_requirepass.c - --requirepass: commands before AUTH get NOAUTH, a
 * wrong password WRONGPASS, the right one +OK and then everything works;
 * before AUTH the request size limits for unauthenticated clients apply.
 * Checked against redis-server too when it is installed. */
#include "it.h"

#include <stdio.h>
#include <string.h>

#include "rtext.h"

static void expect_err(struct mh_conn *c, const char *line, int id)
{
    char want[300];
    int n = snprintf(want, sizeof(want), "-%s\r\n", rtext[id]);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, line, &r, 5000), MH_REPLY);
    if (r.len != (size_t)n || memcmp(r.p, want, (size_t)n) != 0) {
        char e[400];
        mh_escape(r.p, r.len, e, sizeof(e));
        buf_free(&r);
        fail_msg("%s: got '%s', want '%s'", line, e, rtext[id]);
    }
    buf_free(&r);
}

static void check_auth(struct mh_server *s)
{
    int port = mh_server_port(s);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, port), 0);
    expect_err(&c, "GET k", RT_NOAUTH);
    expect_err(&c, "SET k v", RT_NOAUTH);
    expect_err(&c, "AUTH wrong", RT_WRONGPASS);
    expect_err(&c, "AUTH default wrong", RT_WRONGPASS);
    it_raw_expect(&c, IT_S("*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n"), IT_S("+OK\r\n"));
    it_raw_expect(&c, IT_S("SET k v\r\n"), IT_S("+OK\r\n"));
    it_raw_expect(&c, IT_S("GET k\r\n"), IT_S("$1\r\nv\r\n"));
    /* authenticated: no 10-argument limit any more */
    it_raw_expect(&c,
                  IT_S("*12\r\n$4\r\nECHO\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"
                       "$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$1\r\na\r\n"
                       "$1\r\nb\r\n"),
                  IT_S("-ERR wrong number of arguments for 'echo' command\r\n"));
    mh_conn_close(&c);

    /* a new connection starts unauthenticated, with the small limits */
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_raw_expect(&c, IT_S("*11\r\n"), IT_S("-ERR Protocol error: unauthenticated multibulk length\r\n"));
    it_expect_eof(&c, 5000);
    mh_conn_close(&c);
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_raw_expect(&c, IT_S("*1\r\n$16385\r\n"), IT_S("-ERR Protocol error: unauthenticated bulk length\r\n"));
    it_expect_eof(&c, 5000);
    mh_conn_close(&c);

    /* hiredis, the way an application does it */
    redisContext *ctx = it_connect(port);
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_NOAUTH], "PING");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "AUTH %s", "secret");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(ctx);
}

static void test_mockredis(void **state)
{
    (void)state;
    const char *args[] = {"--requirepass", "secret", NULL};
    struct mh_server *s = it_mock(args);
    check_auth(s);
    it_stop_ok(s);
}

static void test_oracle_redis(void **state)
{
    (void)state;
    /* The harness waits for +PONG, which a password would prevent: set the
     * password once the server is up instead. */
    struct mh_server *s = it_redis(NULL);
    if (s == NULL)
        skip();
    redisContext *ctx = it_connect(mh_server_port(s));
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "CONFIG SET requirepass secret");
    redisFree(ctx);
    check_auth(s);
    it_stop(s);
}

static void test_no_password_configured(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    expect_err(&c, "AUTH x", RT_AUTH_NOPASS);
    it_raw_expect(&c, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    mh_conn_close(&c);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mockredis),
        cmocka_unit_test(test_oracle_redis),
        cmocka_unit_test(test_no_password_configured),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
