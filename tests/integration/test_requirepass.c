/* test_requirepass.c - --requirepass: commands before AUTH get NOAUTH, a
 * wrong password WRONGPASS, the right one +OK and then everything works;
 * before AUTH the request size limits for unauthenticated clients apply.
 * Checked against redis-server too when it is installed, and by a
 * transcript run on both servers (the order of Redis's checks, EXEC's
 * EXECABORT form, HELLO AUTH, RESET logging out). The MOCK namespace needs
 * AUTH like every other command (mockredis only). */
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
    it_raw_expect(&c, IT_S("*11\r\n"),
                  IT_S("-ERR Protocol error: unauthenticated multibulk length\r\n"));
    it_expect_eof(&c, 5000);
    mh_conn_close(&c);
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_raw_expect(&c, IT_S("*1\r\n$16385\r\n"),
                  IT_S("-ERR Protocol error: unauthenticated bulk length\r\n"));
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

/* Redis checks a command's existence and arity before authentication; a
 * rejected EXEC is an EXECABORT whatever the reason, NOAUTH included; no-
 * multi commands are refused when queued; RESET logs the client out;
 * HELLO AUTH logs in. The password is set by connection A, which stays
 * authenticated (as does the runner's own connection, opened before). */
static void test_transcript(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "CONFIG SET requirepass pw", "A", IT_NOWAIT},
        {'B', "EXEC", "B", IT_NOWAIT},
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "SET k v", "B", IT_NOWAIT},
        {'B', "EXEC", "B", IT_NOWAIT},
        {'B', "EXEC extra", "B", IT_NOWAIT},
        {'B', "DISCARD", "B", IT_NOWAIT},
        {'B', "NOSUCHCOMMAND x", "B", IT_NOWAIT},
        {'B', "GET", "B", IT_NOWAIT},
        {'B', "SHUTDOWN", "B", IT_NOWAIT},
        {'B', "SAVE", "B", IT_NOWAIT},
        {'B', "CLIENT nosuchsub", "B", IT_NOWAIT},
        {'B', "CONFIG GET requirepass", "B", IT_NOWAIT},
        {'B', "HELLO 3", "B", IT_NOWAIT},
        {'B', "HELLO 2 AUTH default wrong", "B", IT_NOWAIT},
        {'B', "AUTH pw", "B", IT_NOWAIT},
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "SET k v", "B", IT_NOWAIT},
        {'B', "SHUTDOWN NOSAVE", "B", IT_NOWAIT},
        {'B', "EXEC", "B", IT_NOWAIT},
        {'B', "EXISTS k", "B", IT_NOWAIT},
        {'B', "RESET", "B", IT_NOWAIT},
        {'B', "EXISTS k", "B", IT_NOWAIT},
        {'B', "HELLO 3 AUTH default pw", "B", IT_NOWAIT},
        {'B', "EXISTS k", "B", IT_NOWAIT},
        {'C', "PING", "C", IT_NOWAIT},
        {'C', "QUIT", "C-C", IT_NOWAIT},
        {'A', "CONFIG SET requirepass \"\"", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "B: -EXECABORT Transaction discarded because of: NOAUTH Authentication required.");
}

/* Before AUTH the MOCK namespace answers NOAUTH like any other command:
 * no counters, no clock, no scenario loading; after AUTH it works. */
static void test_mock_needs_auth(void **state)
{
    (void)state;
    const char *args[] = {"--requirepass", "secret", NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    expect_err(&c, "MOCK STAT commands_processed", RT_NOAUTH);
    expect_err(&c, "MOCK STATS", RT_NOAUTH);
    expect_err(&c, "MOCK RESETSTATS", RT_NOAUTH);
    expect_err(&c, "MOCK CLOCK SET 99999999999999", RT_NOAUTH);
    expect_err(&c, "MOCK CLOCK GET", RT_NOAUTH);
    expect_err(&c, "MOCK SCENARIO LOAD /etc/passwd", RT_NOAUTH);
    expect_err(&c, "MOCK SCENARIO END", RT_NOAUTH);
    expect_err(&c, "MOCK SCENARIO RESET", RT_NOAUTH);
    expect_err(&c, "MOCK HELP", RT_NOAUTH);
    /* the harness reads counters with the password; refused commands are
     * not processed ones: what counts is its own AUTH and MOCK STAT */
    assert_int_equal(mh_stat(mh_server_port(s), "commands_processed"), -1);
    assert_int_equal(mh_stat_auth(mh_server_port(s), "secret", "commands_processed"), 2);
    it_raw_expect(&c, IT_S("AUTH secret\r\n"), IT_S("+OK\r\n"));
    it_raw_expect(&c, IT_S("MOCK CLOCK SET 1000\r\n"), IT_S(":1000\r\n"));
    mh_conn_close(&c);
    it_stop_ok(s);
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
        cmocka_unit_test(test_transcript),
        cmocka_unit_test(test_mock_needs_auth),
        cmocka_unit_test(test_no_password_configured),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
