/* test_function.c - FUNCTION DUMP / RESTORE across the two servers: what
 * the single-connection corpus (tests/diff/corpus/function*.txt) cannot
 * show, since a payload read from one server must be sent to the other.
 *
 *  - for libraries of several sizes (plain, LZF-compressed, 16 KiB), the
 *    payload mockredis's FUNCTION DUMP gives is byte for byte
 *    redis-server's;
 *  - a payload from redis-server RESTOREs into mockredis (and the other
 *    way), several libraries at once included, and the functions run. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A library named lib<n> whose function fn<n> returns n, padded with
 * pad bytes of Lua comments (varied text, so LZF finds some matches). */
static char *lib_code(int n, size_t pad)
{
    size_t cap = pad + 256;
    char *s = malloc(cap);
    assert_non_null(s);
    int at = snprintf(s, cap, "#!lua name=lib%d\n", n);
    unsigned x = 12345u + (unsigned)n;
    static const char *const words[] = {"redis", "call", "get", "set", "local", "return", "key"};
    while ((size_t)at < pad) {
        x = x * 1103515245u + 12345u;
        at += snprintf(s + at, cap - (size_t)at, "-- %s %u\n", words[(x >> 16) % 7], x % 1000);
    }
    snprintf(s + at, cap - (size_t)at, "redis.register_function('fn%d', function() return %d end)",
             n, n);
    return s;
}

static redisReply *cmd_ok(redisContext *c, redisReply *r)
{
    assert_non_null(r);
    if (r->type == REDIS_REPLY_ERROR)
        fail_msg("error: %s (%s)", r->str, c->errstr);
    return r;
}

/* FUNCTION DUMP on c: the payload (caller frees the reply). */
static redisReply *dump(redisContext *c)
{
    redisReply *r = cmd_ok(c, redisCommand(c, "FUNCTION DUMP"));
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    return r;
}

static void load(redisContext *c, const char *code)
{
    freeReplyObject(cmd_ok(c, redisCommand(c, "FUNCTION LOAD %s", code)));
}

static void restore(redisContext *c, const redisReply *payload, const char *policy)
{
    redisReply *r = cmd_ok(
        c, redisCommand(c, "FUNCTION RESTORE %b %s", payload->str, (size_t)payload->len, policy));
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
}

static void test_dump_bytes(void **state)
{
    (void)state;
    struct mh_server *rs = it_redis(NULL);
    if (rs == NULL) {
        skip();
        return;
    }
    struct mh_server *ms = it_mock(NULL);
    redisContext *rc = it_connect(mh_server_port(rs));
    redisContext *mc = it_connect(mh_server_port(ms));
    static const size_t pads[] = {0, 10, 200, 2000, 16384};
    for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
        char *code = lib_code((int)i, pads[i]);
        it_cmd_expect(rc, REDIS_REPLY_STATUS, "OK", "FUNCTION FLUSH");
        it_cmd_expect(mc, REDIS_REPLY_STATUS, "OK", "FUNCTION FLUSH");
        load(rc, code);
        load(mc, code);
        redisReply *a = dump(rc), *b = dump(mc);
        assert_int_equal(a->len, b->len);
        assert_memory_equal(a->str, b->str, a->len);
        freeReplyObject(a);
        freeReplyObject(b);
        free(code);
    }
    redisFree(rc);
    redisFree(mc);
    it_stop_ok(ms);
    it_stop(rs);
}

static void test_restore_across(void **state)
{
    (void)state;
    struct mh_server *rs = it_redis(NULL);
    if (rs == NULL) {
        skip();
        return;
    }
    struct mh_server *ms = it_mock(NULL);
    redisContext *rc = it_connect(mh_server_port(rs));
    redisContext *mc = it_connect(mh_server_port(ms));
    /* redis-server -> mockredis: three libraries in Redis's order */
    for (int n = 1; n <= 3; n++) {
        char *code = lib_code(n, (size_t)n * 300);
        load(rc, code);
        free(code);
    }
    redisReply *p = dump(rc);
    load(mc, "#!lua name=old\nredis.register_function('old', function() return 0 end)");
    restore(mc, p, "FLUSH");
    freeReplyObject(p);
    it_cmd_expect(mc, REDIS_REPLY_ERROR, "ERR Function not found", "FCALL old 0");
    for (int n = 1; n <= 3; n++)
        it_cmd_expect(mc, REDIS_REPLY_INTEGER,
                      n == 1   ? "1"
                      : n == 2 ? "2"
                               : "3",
                      "FCALL fn%d 0", n);
    /* mockredis -> redis-server, appended to what is there */
    char *code = lib_code(4, 1000);
    load(mc, code);
    free(code);
    it_cmd_expect(mc, REDIS_REPLY_STATUS, "OK", "FUNCTION DELETE lib1");
    p = dump(mc);
    it_cmd_expect(rc, REDIS_REPLY_STATUS, "OK", "FUNCTION DELETE lib2");
    it_cmd_expect(rc, REDIS_REPLY_STATUS, "OK", "FUNCTION DELETE lib3");
    restore(rc, p, "APPEND");
    freeReplyObject(p);
    for (int n = 1; n <= 4; n++)
        it_cmd_expect(rc, REDIS_REPLY_INTEGER,
                      n == 1   ? "1"
                      : n == 2 ? "2"
                      : n == 3 ? "3"
                               : "4",
                      "FCALL fn%d 0", n);
    redisFree(rc);
    redisFree(mc);
    it_stop_ok(ms);
    it_stop(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_bytes),
        cmocka_unit_test(test_restore_across),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
