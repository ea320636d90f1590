/* test_evict.c - maxmemory and eviction, against redis-server where the
 * outcome is deterministic on both, and exactly on mockredis under its
 * virtual clock and fixed rng.
 *
 * Against Redis the tests compare *which kind* of key goes on the same
 * workload (memory sizes differ a little between the two servers, so not
 * how many): volatile-* never evicts a key without a TTL, volatile-ttl takes
 * the shortest TTLs first, allkeys-lfu keeps the keys just read (lfu-log-
 * factor 0 makes the counters exact), and noeviction's -OOM / EXECABORT,
 * the `evicted` event and WATCH are byte-compared transcripts. On the mock
 * alone: exact LRU order under MOCK CLOCK, reproducible random picks,
 * OBJECT IDLETIME and FREQ (growth and decay) as Redis's formulas. */
#include "it.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static redisReply *cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (r == NULL)
        fail_msg("no reply (%s)", c->errstr);
    return r;
}

static void ok(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (r == NULL)
        fail_msg("no reply (%s)", c->errstr);
    if (r->type == REDIS_REPLY_ERROR)
        fail_msg("%s: %s", fmt, r->str);
    freeReplyObject(r);
}

static long long integer(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER)
        fail_msg("%s: not an integer (%s)", fmt, r && r->str ? r->str : c->errstr);
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

/* A numeric field of INFO (section sec). */
static long long info_field(redisContext *c, const char *sec, const char *field)
{
    redisReply *r = cmd(c, "INFO %s", sec);
    char want[64];
    snprintf(want, sizeof(want), "\n%s:", field);
    const char *p = r->str ? strstr(r->str, want) : NULL;
    if (p == NULL)
        fail_msg("INFO %s has no %s", sec, field);
    long long v = atoll(p + strlen(want));
    freeReplyObject(r);
    return v;
}

/* Sets maxmemory so that about `over` bytes must go (Redis evicts at once). */
static void squeeze(redisContext *c, long long over)
{
    long long used = info_field(c, "memory", "used_memory");
    ok(c, "CONFIG SET maxmemory %lld", used - over);
}

static void relax(redisContext *c)
{
    ok(c, "CONFIG SET maxmemory 0");
}

static const char value[] = "0123456789012345678901234567890123456789"
                            "0123456789012345678901234567890123456789";

/* Values of 4000 bytes for the runs on both servers: redis-server's used
 * memory moves by some 20 kB between two commands (a client's query
 * buffer comes and goes), so they squeeze by 40 kB and assert kinds, not
 * counts. */
static char big[4001];
static const char *big_value(void)
{
    if (big[0] == '\0')
        memset(big, 'v', sizeof(big) - 1);
    return big;
}
#define SQUEEZE_BIG 40000
/* ---- volatile-*: keys without a TTL stay ------------------------------------ */

static void volatile_run(redisContext *c, const char *policy, const char *who)
{
    ok(c, "FLUSHALL");
    relax(c);
    ok(c, "CONFIG SET maxmemory-policy %s", policy);
    ok(c, "CONFIG SET maxmemory-samples 64");
    for (int i = 0; i < 30; i++) {
        ok(c, "SET keep:%d %s", i, big_value());
        ok(c, "SET vol:%02d %s EX %d", i, big_value(), 1000 + 10 * i);
    }
    long long before = info_field(c, "stats", "evicted_keys");
    squeeze(c, SQUEEZE_BIG);
    relax(c);
    long long evicted = info_field(c, "stats", "evicted_keys") - before;
    if (evicted <= 0 || evicted >= 30)
        fail_msg("%s %s: %lld keys evicted", who, policy, evicted);
    for (int i = 0; i < 30; i++)
        if (integer(c, "EXISTS keep:%d", i) != 1)
            fail_msg("%s %s evicted keep:%d, a key without a TTL", who, policy, i);
    if (integer(c, "DBSIZE") != 60 - evicted)
        fail_msg("%s %s: DBSIZE does not match evicted_keys", who, policy);
    if (strcmp(policy, "volatile-ttl") == 0) /* the shortest TTLs first, all of them */
        for (int i = 0; i < 30; i++)
            if (integer(c, "EXISTS vol:%02d", i) != (i >= evicted))
                fail_msg("%s volatile-ttl: vol:%02d (TTL %d s) %s", who, i, 1000 + 10 * i,
                         i < evicted ? "kept while a longer TTL went" : "evicted out of order");
}

static void test_volatile_kinds(void **state)
{
    (void)state;
    static const char *const policies[] = {"volatile-lru", "volatile-lfu", "volatile-random",
                                           "volatile-ttl"};
    struct mh_server *m = it_mock(NULL), *r = it_redis(NULL);
    redisContext *mc = it_connect(mh_server_port(m));
    redisContext *rc = r ? it_connect(mh_server_port(r)) : NULL;
    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
        volatile_run(mc, policies[i], "mockredis");
        if (rc)
            volatile_run(rc, policies[i], "redis-server");
    }
    redisFree(mc);
    if (rc) {
        redisFree(rc);
        it_stop_ok(r);
    }
    it_stop_ok(m);
}

/* ---- allkeys-lfu keeps what was just read ----------------------------------- */

static void lfu_run(redisContext *c, const char *who)
{
    ok(c, "FLUSHALL");
    relax(c);
    ok(c, "CONFIG SET maxmemory-policy allkeys-lfu");
    ok(c, "CONFIG SET maxmemory-samples 64");
    ok(c, "CONFIG SET lfu-log-factor 0"); /* every access counts: exact counters */
    for (int i = 0; i < 30; i++)
        ok(c, "SET k:%02d %s", i, big_value());
    for (int n = 0; n < 3; n++)
        for (int i = 0; i < 10; i++)
            ok(c, "GET k:%02d", i);
    if (integer(c, "OBJECT FREQ k:00") != 8 || integer(c, "OBJECT FREQ k:20") != 5)
        fail_msg("%s: LFU counters are not 5 + accesses", who);
    squeeze(c, SQUEEZE_BIG);
    relax(c);
    long long left = integer(c, "DBSIZE");
    if (left >= 30 || left < 10)
        fail_msg("%s: %lld keys left", who, left);
    for (int i = 0; i < 10; i++)
        if (integer(c, "EXISTS k:%02d", i) != 1)
            fail_msg("%s allkeys-lfu evicted k:%02d, read three times", who, i);
    ok(c, "CONFIG SET lfu-log-factor 10");
}

static void test_lfu_keeps_hot(void **state)
{
    (void)state;
    struct mh_server *m = it_mock(NULL), *r = it_redis(NULL);
    redisContext *mc = it_connect(mh_server_port(m));
    lfu_run(mc, "mockredis");
    redisFree(mc);
    it_stop_ok(m);
    if (r) {
        redisContext *rc = it_connect(mh_server_port(r));
        lfu_run(rc, "redis-server");
        redisFree(rc);
        it_stop_ok(r);
    }
}

/* ---- byte-compared transcripts ----------------------------------------------- */

/* noeviction: writes refused, reads served; in MULTI every command but
 * EXEC/DISCARD refused; an EXEC whose queue holds a write aborts. */
static void test_noeviction_texts(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "SET a 1", "A", IT_NOWAIT},    {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "SET b 2", "A", IT_NOWAIT},    {'B', "CONFIG SET maxmemory 1", "B", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},       {'A', "GET a", "A", IT_NOWAIT},
        {'A', "SET c 3", "A", IT_NOWAIT},    {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "GET a", "A", IT_NOWAIT},      {'A', "EXEC", "A", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},      {'B', "CONFIG SET maxmemory 0", "B", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},       {'B', "CONFIG SET maxmemory 1", "B", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},       {'B', "CONFIG SET maxmemory 0", "B", IT_NOWAIT},
        {'A', "EXISTS b c", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "A: -EXECABORT Transaction discarded because of: OOM command not allowed when "
               "used memory > 'maxmemory'.");
}

/* An eviction is a keyspace change: the `evicted` event, WATCH fails. */
static void test_evicted_event_watch(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "SUBSCRIBE __keyevent@0__:evicted", "B", IT_NOWAIT},
        {'A', "CONFIG SET notify-keyspace-events Ee", "A", IT_NOWAIT},
        {'A', "SET k v", "A", IT_NOWAIT},
        {'C', "WATCH k", "C", IT_NOWAIT},
        {'C', "MULTI", "C", IT_NOWAIT},
        {'C', "PING", "C", IT_NOWAIT},
        {'A', "CONFIG SET maxmemory-policy allkeys-random", "A", IT_NOWAIT},
        {'A', "CONFIG SET maxmemory 1", "AB", IT_NOWAIT},
        {'A', "CONFIG SET maxmemory 0", "A", IT_NOWAIT},
        {'C', "EXEC", "C", IT_NOWAIT},
        {'A', "EXISTS k", "A", IT_NOWAIT},
        {'A', "INFO keyspace", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "B: *3\\r\\n$7\\r\\nmessage\\r\\n$22\\r\\n__keyevent@0__:evicted\\r\\n$1\\r\\nk");
}

/* Client tracking: an evicted key a client read is invalidated. */
static void test_evicted_tracking(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKING on", "A", IT_NOWAIT},
        {'B', "SET k v", "B", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'B', "CONFIG SET maxmemory-policy allkeys-lru", "B", IT_NOWAIT},
        {'B', "CONFIG SET maxmemory 1", "BA", IT_NOWAIT},
        {'B', "CONFIG SET maxmemory 0", "B", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "A: >2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\nk\\r\\n");
}

/* ---- mockredis alone: exact, reproducible ------------------------------------- */

/* allkeys-lru with a complete sample and the virtual clock: the keys go
 * oldest first, and the one just read is the youngest. */
static void test_lru_exact_order(void **state)
{
    (void)state;
    struct mh_server *m = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(m));
    ok(c, "MOCK CLOCK VIRTUAL 1700000000000");
    ok(c, "CONFIG SET maxmemory-policy allkeys-lru");
    ok(c, "CONFIG SET maxmemory-samples 64");
    for (int i = 0; i < 20; i++) {
        ok(c, "SET k:%02d %s", i, value);
        ok(c, "MOCK CLOCK ADVANCE 1000");
    }
    ok(c, "GET k:00");
    assert_int_equal(integer(c, "OBJECT IDLETIME k:01"), 19);
    squeeze(c, 1000);
    relax(c);
    long long evicted = info_field(c, "stats", "evicted_keys");
    assert_true(evicted > 0 && evicted < 19);
    assert_int_equal(integer(c, "EXISTS k:00"), 1);
    for (int i = 1; i < 20; i++)
        if (integer(c, "EXISTS k:%02d", i) != (i > evicted))
            fail_msg("k:%02d: not evicted in LRU order (%lld evicted)", i, evicted);
    redisFree(c);
    it_stop_ok(m);
}

/* The default 5 samples pick from the server's rng: two fresh servers
 * evict the same keys. */
static void random_survivors(const char *policy, char *out, size_t n)
{
    struct mh_server *m = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(m));
    ok(c, "MOCK CLOCK VIRTUAL 1700000000000");
    ok(c, "CONFIG SET maxmemory-policy %s", policy);
    for (int i = 0; i < 40; i++) {
        ok(c, "SET k:%02d %s", i, value);
        ok(c, "MOCK CLOCK ADVANCE 1000");
    }
    squeeze(c, 2000);
    relax(c);
    for (size_t i = 0; i < 40 && i < n - 1; i++)
        out[i] = integer(c, "EXISTS k:%02d", (int)i) ? '1' : '0';
    out[n - 1 < 40 ? n - 1 : 40] = '\0';
    redisFree(c);
    it_stop_ok(m);
}

static void test_reproducible(void **state)
{
    (void)state;
    static const char *const policies[] = {"allkeys-random", "allkeys-lru", "allkeys-lfu"};
    for (size_t p = 0; p < sizeof(policies) / sizeof(policies[0]); p++) {
        char a[64], b[64];
        random_survivors(policies[p], a, sizeof(a));
        random_survivors(policies[p], b, sizeof(b));
        assert_string_equal(a, b);
        assert_non_null(strchr(a, '0'));
        assert_non_null(strchr(a, '1'));
    }
}

/* OBJECT IDLETIME is exact under MOCK CLOCK: whole seconds since the last
 * access; TYPE, EXISTS, TTL, OBJECT, SCAN, KEYS, RANDOMKEY and MEMORY USAGE
 * do not touch, TOUCH and GET do. */
static void test_idletime(void **state)
{
    (void)state;
    struct mh_server *m = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(m));
    ok(c, "MOCK CLOCK VIRTUAL 1700000000000");
    ok(c, "SET k v");
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 0);
    ok(c, "MOCK CLOCK ADVANCE 5999");
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 5);
    ok(c, "MOCK CLOCK ADVANCE 1");
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 6);
    ok(c, "TYPE k");
    ok(c, "EXISTS k");
    ok(c, "TTL k");
    ok(c, "OBJECT ENCODING k");
    ok(c, "SCAN 0");
    ok(c, "KEYS *");
    ok(c, "RANDOMKEY");
    ok(c, "MEMORY USAGE k");
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 6);
    ok(c, "TOUCH k");
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 0);
    ok(c, "MOCK CLOCK ADVANCE 3600000");
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 3600);
    ok(c, "GET k");
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 0);
    ok(c, "MOCK CLOCK ADVANCE 2000");
    ok(c, "APPEND k x"); /* a write touches too */
    assert_int_equal(integer(c, "OBJECT IDLETIME k"), 0);
    redisFree(c);
    it_stop_ok(m);
}

/* OBJECT FREQ: +1 with probability 1/((counter-5)*lfu-log-factor+1) per
 * access, -1 per lfu-decay-time minutes; 1000 accesses at factor 10 reach
 * about 18 (Redis's own table), on both servers. */
static long long freq_after(redisContext *c, int hits)
{
    ok(c, "CONFIG SET maxmemory-policy allkeys-lfu");
    ok(c, "SET f v");
    for (int i = 0; i < hits; i++)
        redisAppendCommand(c, "GET f");
    for (int i = 0; i < hits; i++) {
        redisReply *r;
        if (redisGetReply(c, (void **)&r) != REDIS_OK)
            fail_msg("GET: %s", c->errstr);
        freeReplyObject(r);
    }
    long long f = integer(c, "OBJECT FREQ f");
    ok(c, "CONFIG SET maxmemory-policy noeviction");
    return f;
}

static void test_freq(void **state)
{
    (void)state;
    struct mh_server *m = it_mock(NULL), *r = it_redis(NULL);
    redisContext *c = it_connect(mh_server_port(m));
    long long mf = freq_after(c, 1000);
    if (mf < 13 || mf > 24)
        fail_msg("mockredis: OBJECT FREQ after 1000 reads is %lld, Redis's formula gives ~18", mf);
    if (r) {
        redisContext *rc = it_connect(mh_server_port(r));
        long long rf = freq_after(rc, 1000);
        if (rf < 13 || rf > 24)
            fail_msg("redis-server: OBJECT FREQ after 1000 reads is %lld", rf);
        redisFree(rc);
        it_stop_ok(r);
    }
    /* exact growth with factor 0, decay on the virtual clock */
    ok(c, "MOCK CLOCK VIRTUAL 1700000000000");
    ok(c, "CONFIG SET maxmemory-policy allkeys-lfu");
    ok(c, "CONFIG SET lfu-log-factor 0");
    ok(c, "SET g v");
    assert_int_equal(integer(c, "OBJECT FREQ g"), 5);
    for (int i = 0; i < 10; i++)
        ok(c, "GET g");
    assert_int_equal(integer(c, "OBJECT FREQ g"), 15);
    ok(c, "SET g w"); /* an overwrite keeps the counter (after its own access) */
    assert_int_equal(integer(c, "OBJECT FREQ g"), 16);
    ok(c, "MOCK CLOCK ADVANCE 180000"); /* 3 minutes, lfu-decay-time 1 */
    assert_int_equal(integer(c, "OBJECT FREQ g"), 13);
    ok(c, "CONFIG SET lfu-decay-time 2");
    ok(c, "MOCK CLOCK ADVANCE 240000"); /* 7 minutes since the last access: 3 periods */
    assert_int_equal(integer(c, "OBJECT FREQ g"), 13);
    ok(c, "CONFIG SET lfu-decay-time 0"); /* no decay */
    assert_int_equal(integer(c, "OBJECT FREQ g"), 16);
    redisFree(c);
    it_stop_ok(m);
}

/* --maxmemory and --maxmemory-policy set the parameters as Redis's. */
static void test_command_line(void **state)
{
    (void)state;
    const char *args[] = {"--maxmemory", "2mb", "--maxmemory-policy", "volatile-ttl", NULL};
    struct mh_server *m = it_mock(args);
    redisContext *c = it_connect(mh_server_port(m));
    redisReply *r = cmd(c, "CONFIG GET maxmemory");
    assert_true(r->type == REDIS_REPLY_ARRAY && r->elements == 2);
    assert_string_equal(r->element[1]->str, "2097152");
    freeReplyObject(r);
    r = cmd(c, "CONFIG GET maxmemory-policy");
    assert_true(r->type == REDIS_REPLY_ARRAY && r->elements == 2);
    assert_string_equal(r->element[1]->str, "volatile-ttl");
    freeReplyObject(r);
    redisFree(c);
    it_stop_ok(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_volatile_kinds),   cmocka_unit_test(test_lfu_keeps_hot),
        cmocka_unit_test(test_noeviction_texts), cmocka_unit_test(test_evicted_event_watch),
        cmocka_unit_test(test_evicted_tracking), cmocka_unit_test(test_lru_exact_order),
        cmocka_unit_test(test_reproducible),     cmocka_unit_test(test_idletime),
        cmocka_unit_test(test_command_line),     cmocka_unit_test(test_freq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
