/* test_large_values.c - binary-safe values through hiredis's %b.
 *
 * A 16 MiB value holding every byte value (NUL, CR, LF included) goes in
 * with SET and comes back identical with GET; a short value with NUL bytes
 * and spaces arrives as ONE argument with %b, while the same text pasted
 * into a command string with sprintf is split at its spaces (pitfall P2). */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtext.h"

static void test_16mib_binary(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *ctx = it_connect(mh_server_port(s));
    size_t n = 16u << 20;
    unsigned char *v = malloc(n);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v[i] = (unsigned char)(i < 256 ? i : x);
    }
    redisReply *r = redisCommand(ctx, "SET big %b", v, n);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    assert_string_equal(r->str, "OK");
    freeReplyObject(r);
    r = redisCommand(ctx, "GET big");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_int_equal(IT_REPLY_LEN(r), n);
    assert_true(memcmp(r->str, v, n) == 0);
    freeReplyObject(r);
    /* the server still answers small requests after the big ones */
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    free(v);
    redisFree(ctx);
    it_stop_ok(s);
}

static void test_nul_and_spaces_one_argument(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *ctx = it_connect(mh_server_port(s));
    static const char val[] = "a b\0c d\r\n e";
    size_t len = sizeof(val) - 1;
    redisReply *r = redisCommand(ctx, "SET %b %b", "k\0ey", (size_t)4, val, len);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    r = redisCommand(ctx, "GET %b", "k\0ey", (size_t)4);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_int_equal(IT_REPLY_LEN(r), len);
    assert_memory_equal(r->str, val, len);
    freeReplyObject(r);
    /* the key without its NUL is another key */
    it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET k");

    /* the naive way: the value pasted into the command text is split at
     * spaces into extra arguments, which SET rejects */
    char naive[64];
    snprintf(naive, sizeof(naive), "SET k2 %s", "hello world");
    r = redisCommand(ctx, naive);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_string_equal(r->str, rtext[RT_SYNTAX]);
    freeReplyObject(r);
    redisFree(ctx);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_16mib_binary),
        cmocka_unit_test(test_nul_and_spaces_one_argument),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
