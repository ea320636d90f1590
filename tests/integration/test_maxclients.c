/* test_maxclients.c - connection refusal over maxclients (pitfall P7).
 *
 * With --maxclients 2, a third connection is accepted, gets exactly
 * "-ERR max number of clients reached\r\n" and is closed, while the first
 * two keep working; closing one frees a slot. The same bytes are checked
 * against redis-server when it is installed. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtext.h"

/* An INFO stats field of the server ctx is connected to. */
static long long info_stat(redisContext *ctx, const char *field)
{
    redisReply *r = redisCommand(ctx, "INFO stats");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    const char *at = strstr(r->str, field);
    assert_non_null(at);
    long long v = atoll(at + strlen(field));
    freeReplyObject(r);
    return v;
}

static void check_refusal(struct mh_server *s)
{
    int port = mh_server_port(s);
    char want[128];
    int wlen = snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_MAXCLIENTS]);
    assert_string_equal(want, "-ERR max number of clients reached\r\n");

    redisContext *a = it_connect(port);
    redisContext *b = it_connect(port);
    it_cmd_expect(a, REDIS_REPLY_STATUS, "PONG", "PING");
    it_cmd_expect(b, REDIS_REPLY_STATUS, "PONG", "PING");

    long long received = info_stat(a, "total_connections_received:");
    long long rejected = info_stat(a, "rejected_connections:");
    struct mh_conn third;
    assert_int_equal(mh_conn_open(&third, port), 0);
    it_reply_expect(&third, want, (size_t)wlen);
    it_expect_eof(&third, 5000);
    mh_conn_close(&third);
    /* a refused connection is rejected, not received */
    assert_int_equal(info_stat(a, "total_connections_received:"), received);
    assert_int_equal(info_stat(a, "rejected_connections:"), rejected + 1);

    /* the two that got in are unaffected */
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET k v");
    it_cmd_expect(b, REDIS_REPLY_STRING, "v", "GET k");

    /* a freed slot can be taken again (the server notices the close on its
     * next loop turn, so allow it a moment) */
    redisFree(a);
    int ok = 0;
    for (int i = 0; i < 100 && !ok; i++) {
        struct mh_conn c;
        struct buf r = BUF_INIT;
        assert_int_equal(mh_conn_open(&c, port), 0);
        ok = mh_call(&c, "PING", &r, 5000) == MH_REPLY && r.len == 7 &&
             memcmp(r.p, "+PONG\r\n", 7) == 0;
        buf_free(&r);
        mh_conn_close(&c);
        if (!ok)
            it_sleep_ms(10);
    }
    assert_true(ok);
    it_cmd_expect(b, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(b);
}

static void test_mockredis(void **state)
{
    (void)state;
    const char *args[] = {"--maxclients", "2", NULL};
    struct mh_server *s = it_mock(args);
    check_refusal(s);
    it_stop_ok(s);
}

static void test_oracle_redis(void **state)
{
    (void)state;
    const char *args[] = {"--maxclients", "2", NULL};
    struct mh_server *s = it_redis(args);
    if (s == NULL)
        skip();
    check_refusal(s);
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
