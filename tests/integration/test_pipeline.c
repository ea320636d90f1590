/* test_pipeline.c - pipelining: 10,000 commands queued with hiredis's
 * redisAppendCommand, then the replies read back with redisGetReply, in
 * order; and the same volume written as one raw burst.
 *
 * INCR is used because its replies (1, 2, 3, ...) prove both that every
 * command ran and that replies come back in the order commands were sent. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 10000

static void test_append_then_get(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *ctx = it_connect(mh_server_port(s));
    for (int i = 0; i < N; i++)
        assert_int_equal(redisAppendCommand(ctx, "INCR counter"), REDIS_OK);
    for (int i = 0; i < N; i++) {
        void *v = NULL;
        assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
        redisReply *r = v;
        assert_non_null(r);
        assert_int_equal(r->type, REDIS_REPLY_INTEGER);
        assert_int_equal(r->integer, i + 1);
        freeReplyObject(r);
    }
    /* a mixed pipeline: SET then GET of distinct keys, interleaved */
    for (int i = 0; i < N / 2; i++) {
        assert_int_equal(redisAppendCommand(ctx, "SET key:%d value:%d", i, i), REDIS_OK);
        assert_int_equal(redisAppendCommand(ctx, "GET key:%d", i), REDIS_OK);
    }
    for (int i = 0; i < N / 2; i++) {
        void *v = NULL;
        char want[32];
        assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
        redisReply *r = v;
        assert_int_equal(r->type, REDIS_REPLY_STATUS);
        assert_string_equal(r->str, "OK");
        freeReplyObject(r);
        assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
        r = v;
        assert_int_equal(r->type, REDIS_REPLY_STRING);
        snprintf(want, sizeof(want), "value:%d", i);
        assert_int_equal(IT_REPLY_LEN(r), strlen(want));
        assert_string_equal(r->str, want);
        freeReplyObject(r);
    }
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "10000", "GET counter");
    redisFree(ctx);
    it_stop_ok(s);
}

static void test_raw_burst(void **state)
{
    (void)state;
    /* All commands in one write, mixing multibulk and inline forms. */
    struct mh_server *s = it_mock(NULL);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    struct buf out = BUF_INIT;
    for (int i = 0; i < N; i++) {
        if (i % 2)
            buf_puts(&out, "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
        else
            buf_puts(&out, "INCR n\r\n");
    }
    assert_int_equal(mh_send(c.fd, out.p, out.len), 0);
    buf_free(&out);
    for (int i = 0; i < N; i++) {
        char want[32];
        int n = snprintf(want, sizeof(want), ":%d\r\n", i + 1);
        it_reply_expect(&c, want, (size_t)n);
    }
    mh_conn_close(&c);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_then_get),
        cmocka_unit_test(test_raw_burst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
