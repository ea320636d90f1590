/* test_script.c - scripts across connections and with client libraries:
 * what the single-connection differential corpus
 * (tests/diff/corpus/script*.txt) cannot show.
 *
 *  - redis-py's Lock (Debian's python3-redis), whose extend and release are
 *    Lua scripts run with EVALSHA and the NOSCRIPT fallback: the lock key is
 *    gone after release (issue 12: release used to fail with "unknown
 *    command 'EVALSHA'" and leave the lock held);
 *  - WATCH sees the writes a script makes, like any other client's;
 *  - MOCK STATS counts scripts run and the commands they called. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtext.h"

static long long st_stat(redisContext *ctx, const char *name)
{
    redisReply *r = redisCommand(ctx, "MOCK STAT %s", name);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

static void test_redis_py_lock(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import redis' 2>/dev/null") != 0) {
        skip();
        return;
    }
    struct mh_server *s = it_mock(NULL);
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 - %d <<'EOF'\n"
             "import sys, redis\n"
             "r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))\n"
             "lock = r.lock('resource', timeout=100)\n"
             "assert lock.acquire(blocking=False)\n"
             "assert r.exists('resource') == 1\n"
             "other = r.lock('resource', timeout=100)\n"
             "assert not other.acquire(blocking=False)\n"
             "assert lock.extend(50)\n"
             "assert 100000 < r.pttl('resource') <= 150000, r.pttl('resource')\n"
             "assert lock.owned()\n"
             "lock.release()\n"
             "assert r.exists('resource') == 0\n"
             "stolen = r.lock('resource2', timeout=100)\n"
             "assert stolen.acquire(blocking=False)\n"
             "r.set('resource2', 'someone else')\n"
             "try:\n"
             "    stolen.release()\n"
             "    raise SystemExit('releasing a lock held by another should fail')\n"
             "except redis.exceptions.LockNotOwnedError:\n"
             "    pass\n"
             "assert r.get('resource2') == b'someone else'\n"
             "r.close()\n"
             "EOF",
             mh_server_port(s));
    assert_int_equal(system(cmd), 0);
    redisContext *ctx = it_connect(mh_server_port(s));
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "0", "EXISTS resource");
    /* extend, release and the refused release ran as scripts */
    assert_true(st_stat(ctx, "scripts_run") >= 3);
    redisFree(ctx);
    it_stop_ok(s);
}

/* A script's write to a watched key fails the watcher's EXEC; a script
 * that only reads does not. */
static void test_watch_sees_scripts(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *a = it_connect(mh_server_port(s));
    redisContext *b = it_connect(mh_server_port(s));
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "SET k 1");

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH k");
    it_cmd_expect(b, REDIS_REPLY_STRING, "1", "EVAL %s 1 k", "return redis.call('get', KEYS[1])");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "QUEUED", "SET k 2");
    redisReply *r = redisCommand(a, "EXEC");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY); /* ran: the script only read */
    freeReplyObject(r);

    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "WATCH k");
    it_cmd_expect(b, REDIS_REPLY_INTEGER, "3", "EVAL %s 1 k", "return redis.call('incr', KEYS[1])");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(a, REDIS_REPLY_STATUS, "QUEUED", "SET k 9");
    r = redisCommand(a, "EXEC");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_NIL); /* the script's INCR touched k */
    freeReplyObject(r);
    it_cmd_expect(a, REDIS_REPLY_STRING, "3", "GET k");
    redisFree(a);
    redisFree(b);
    it_stop_ok(s);
}

static void test_stats(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(s));
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK RESETSTATS");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "2", "EVAL %s 0",
                  "redis.call('set','a','1') return redis.call('incr','a')");
    it_cmd_expect(c, REDIS_REPLY_STRING, "x", "EVAL %s 0", "return 'x'");
    /* refused before running: not a script run */
    it_cmd_expect(c, REDIS_REPLY_ERROR, rtext[RT_NOSCRIPT], "EVALSHA %040d 0", 0);
    /* a call refused by the checks is not a command called */
    redisReply *r = redisCommand(c, "EVAL %s 0", "return redis.pcall('nosuch')");
    assert_non_null(r);
    freeReplyObject(r);
    assert_int_equal(st_stat(c, "scripts_run"), 3);
    assert_int_equal(st_stat(c, "script_calls"), 2);
    assert_int_equal(st_stat(c, "cmd:incr"), 1);
    assert_int_equal(st_stat(c, "cmd:eval"), 3);
    redisFree(c);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redis_py_lock),
        cmocka_unit_test(test_watch_sees_scripts),
        cmocka_unit_test(test_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
