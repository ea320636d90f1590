/* test_notify.c - keyspace notifications reaching other clients.
 *
 * The corpora tests/diff/corpus/notify*.txt check every command's events
 * on a subscriber connection. Here the transcripts of whole conversations
 * are compared with redis-server's, byte for byte: a RESP2 subscriber
 * watching a workload of every family (and blocked clients served by it),
 * a RESP3 client that subscribes to its own events (the pushes
 * interleave with its replies: the order of event and reply shows), and
 * subscribers coming and going. Then what only mockredis has: the
 * scenario actions `expire` and `evict`, TTLs running out on the virtual
 * clock (lazily and by the periodic sweep), and their INFO counters. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

/* A RESP2 subscriber (A) of every channel sees the events of B's commands,
 * keyspace message first, keyevent second, in Redis's order; C's blocked
 * pops served by B's pushes report their pops after the pushes. */
static void test_families(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "CONFIG SET notify-keyspace-events KEA", "B", IT_NOWAIT},
        {'A', "PSUBSCRIBE *", "A", IT_NOWAIT},
        /* strings: set, then expire */
        {'B', "SET s v EX 100", "BAAAA", IT_NOWAIT},
        {'B', "INCRBY n 5", "BAA", IT_NOWAIT},
        {'B', "APPEND s w", "BAA", IT_NOWAIT},
        {'B', "GETDEL s", "BAA", IT_NOWAIT},
        {'B', "SETBIT b 3 1", "BAA", IT_NOWAIT},
        /* generic */
        {'B', "RENAME n m", "BAAAA", IT_NOWAIT},
        {'B', "EXPIRE m 0", "BAA", IT_NOWAIT},
        /* lists, and a blocked client served by a push */
        {'C', "BLPOP q 0", "", -1, 1},
        {'B', "RPUSH q a", "BAAAAAAC", IT_NOWAIT},
        {'B', "RPUSH l a b c", "BAA", IT_NOWAIT},
        {'B', "LMOVE l l2 LEFT RIGHT", "BAAAA", IT_NOWAIT},
        {'B', "LTRIM l 5 6", "BAAAA", IT_NOWAIT},
        /* hashes, sets, sorted sets: the last element takes the key */
        {'B', "HSET h f v", "BAA", IT_NOWAIT},
        {'B', "HDEL h f", "BAAAA", IT_NOWAIT},
        {'B', "SADD st a b", "BAA", IT_NOWAIT},
        {'B', "SMOVE st st2 a", "BAAAA", IT_NOWAIT},
        {'B', "SINTERSTORE st3 st st2", "B", IT_NOWAIT},
        {'B', "SUNIONSTORE st3 st st2", "BAA", IT_NOWAIT},
        {'B', "ZADD z 1 a", "BAA", IT_NOWAIT},
        {'B', "ZINCRBY z 1 a", "BAA", IT_NOWAIT},
        {'C', "BZPOPMIN z2 0", "", -1, 1},
        {'B', "ZUNIONSTORE z2 1 z", "BAAAAAAC", IT_NOWAIT},
        {'B', "ZPOPMAX z", "BAAAA", IT_NOWAIT},
        /* MULTI/EXEC and a script: each command's events, in order */
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "SET t 1", "B", IT_NOWAIT},
        {'B', "DEL t", "B", IT_NOWAIT},
        {'B', "EXEC", "BAAAA", IT_NOWAIT},
        {'B', "EVAL \"redis.call('set', KEYS[1], 'x') return redis.call('persist', KEYS[1])\" 1 u",
         "BAA", IT_NOWAIT},
        /* other databases, and FLUSHALL's silence */
        {'B', "SELECT 3", "B", IT_NOWAIT},
        {'B', "SET k3 v", "BAA", IT_NOWAIT},
        {'B', "MOVE k3 0", "BAAAA", IT_NOWAIT},
        {'B', "FLUSHALL", "B", IT_NOWAIT},
        {'B', "PUBSUB NUMPAT", "B", IT_NOWAIT},
        {'A', "PUNSUBSCRIBE", "A", IT_NOWAIT},
        {'B', "SET gone v", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *4\\r\\n$8\\r\\npmessage\\r\\n$1\\r\\n*\\r\\n$24\\r\\n__keyevent@3__:move_"
               "from\\r\\n$2\\r\\nk3\\r\\n");
}

/* A RESP3 client subscribed to its own database's events gets them as
 * pushes in the middle of its replies: before the reply of a command that
 * reports first (SET, DEL, EXPIRE), after the reply of one that answers
 * first (LPUSH, HSET, SADD, ZADD ...), as Redis writes them. */
static void test_self_resp3(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},
        {'A', "CONFIG SET notify-keyspace-events EA", "A", IT_NOWAIT},
        {'A', "PSUBSCRIBE __keyevent@0__:*", "A", IT_NOWAIT},
        {'A', "SET k v", "AA", IT_NOWAIT},
        {'A', "SET k v GET", "AA", IT_NOWAIT},
        {'A', "SETEX k 100 v", "AAA", IT_NOWAIT},
        {'A', "GETEX k PERSIST", "AA", IT_NOWAIT},
        {'A', "GETEX k EX 100", "AA", IT_NOWAIT},
        {'A', "EXPIRE k 200", "AA", IT_NOWAIT},
        {'A', "PERSIST k", "AA", IT_NOWAIT},
        {'A', "INCR n", "AA", IT_NOWAIT},
        {'A', "INCRBYFLOAT n 1.5", "AA", IT_NOWAIT},
        {'A', "APPEND k x", "AA", IT_NOWAIT},
        {'A', "SETRANGE k 1 y", "AA", IT_NOWAIT},
        {'A', "MSET a 1 b 2", "AAA", IT_NOWAIT},
        {'A', "MSETNX c 1 d 2", "AAA", IT_NOWAIT},
        {'A', "GETSET a 3", "AA", IT_NOWAIT},
        {'A', "GETDEL a", "AA", IT_NOWAIT},
        {'A', "SETBIT bits 1 1", "AA", IT_NOWAIT},
        {'A', "BITFIELD bits SET u4 0 3", "AA", IT_NOWAIT},
        {'A', "BITOP NOT bits2 bits", "AA", IT_NOWAIT},
        {'A', "DEL b c", "AAA", IT_NOWAIT},
        {'A', "UNLINK d", "AA", IT_NOWAIT},
        {'A', "RENAME k k2", "AAA", IT_NOWAIT},
        {'A', "RENAMENX k2 k", "AAA", IT_NOWAIT},
        {'A', "COPY k k3", "AA", IT_NOWAIT},
        {'A', "MOVE k3 1", "AA", IT_NOWAIT},
        {'A', "EXPIRE k 0", "AA", IT_NOWAIT},
        {'A', "LPUSH l a b c d", "AA", IT_NOWAIT},
        {'A', "RPUSH l e", "AA", IT_NOWAIT},
        {'A', "LPUSHX l f", "AA", IT_NOWAIT},
        {'A', "LPOP l", "AA", IT_NOWAIT},
        {'A', "RPOP l 2", "AA", IT_NOWAIT},
        {'A', "LINSERT l BEFORE c x", "AA", IT_NOWAIT},
        {'A', "LSET l 0 y", "AA", IT_NOWAIT},
        {'A', "LREM l 1 y", "AA", IT_NOWAIT},
        {'A', "LTRIM l 0 5", "AA", IT_NOWAIT},
        {'A', "RPOPLPUSH l l2", "AAA", IT_NOWAIT},
        {'A', "LMOVE l l2 LEFT LEFT", "AAA", IT_NOWAIT},
        {'A', "LMPOP 1 l2 LEFT COUNT 10", "AAA", IT_NOWAIT},
        {'A', "RPUSH l3 a", "AA", IT_NOWAIT},
        {'A', "BLPOP l3 0", "AAA", IT_NOWAIT},
        {'A', "SORT l ALPHA STORE l4", "AA", IT_NOWAIT},
        {'A', "HSET h f v g w", "AA", IT_NOWAIT},
        {'A', "HSETNX h x v", "AA", IT_NOWAIT},
        {'A', "HINCRBY h n 1", "AA", IT_NOWAIT},
        {'A', "HINCRBYFLOAT h n 1.5", "AA", IT_NOWAIT},
        {'A', "HDEL h f g x n", "AAA", IT_NOWAIT},
        {'A', "SADD s a b c", "AA", IT_NOWAIT},
        {'A', "SREM s a", "AA", IT_NOWAIT},
        {'A', "SMOVE s s2 b", "AAA", IT_NOWAIT},
        {'A', "SINTERSTORE s3 s s", "AA", IT_NOWAIT},
        {'A', "SUNIONSTORE s4 s2", "AA", IT_NOWAIT},
        {'A', "SDIFFSTORE s5 s s2", "AA", IT_NOWAIT},
        {'A', "SPOP s", "AAA", IT_NOWAIT},
        {'A', "SPOP s4 5", "AAA", IT_NOWAIT},
        {'A', "SADD s6 a", "AA", IT_NOWAIT},
        {'A', "SINTERSTORE s6 s6 nosuch", "AA", IT_NOWAIT},
        {'A', "SADD s6 a", "AA", IT_NOWAIT},
        {'A', "SDIFFSTORE s6 s6 s6", "AA", IT_NOWAIT},
        {'A', "ZADD z 1 a 2 b 3 c 4 d", "AA", IT_NOWAIT},
        {'A', "ZINCRBY z 1 a", "AA", IT_NOWAIT},
        {'A', "ZREM z a", "AA", IT_NOWAIT},
        {'A', "ZREMRANGEBYSCORE z 2 2", "AA", IT_NOWAIT},
        {'A', "ZREMRANGEBYRANK z 0 0", "AA", IT_NOWAIT},
        {'A', "ZADD z2 0 a 0 b", "AA", IT_NOWAIT},
        {'A', "ZREMRANGEBYLEX z2 [a [a", "AA", IT_NOWAIT},
        {'A', "ZUNIONSTORE z3 2 z z2", "AA", IT_NOWAIT},
        {'A', "ZINTERSTORE z4 2 z z3", "AA", IT_NOWAIT},
        {'A', "ZDIFFSTORE z5 2 z3 z", "AA", IT_NOWAIT},
        {'A', "ZRANGESTORE z6 z3 0 -1", "AA", IT_NOWAIT},
        {'A', "ZADD z7 1 a", "AA", IT_NOWAIT},
        {'A', "ZUNIONSTORE z7 1 nosuch", "AA", IT_NOWAIT},
        {'A', "ZADD z7 1 a", "AA", IT_NOWAIT},
        {'A', "ZRANGESTORE z7 z7 5 6", "AA", IT_NOWAIT},
        {'A', "ZPOPMIN z3", "AA", IT_NOWAIT},
        {'A', "ZMPOP 1 z6 MAX COUNT 5", "AAA", IT_NOWAIT},
        {'A', "BZPOPMAX z5 0", "AAA", IT_NOWAIT},
        {'A', "EVAL \"return redis.call('lpush', KEYS[1], 'a')\" 1 l9", "AA", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *2\\r\\n>4\\r\\n$8\\r\\npmessage\\r\\n$16\\r\\n__keyevent@0__:*\\r\\n$"
               "22\\r\\n__keyevent@0__:zpopmin\\r\\n$2\\r\\nz3\\r\\n");
}

/* The parameter is the server's: set by one client, it changes what every
 * subscriber gets; the keyspace channels count in PUBSUB and INFO. */
static void test_subscribers(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "SUBSCRIBE __keyspace@0__:k __keyevent@0__:del", "AA", IT_NOWAIT},
        {'C', "PSUBSCRIBE __keyspace@*__:k", "C", IT_NOWAIT},
        {'B', "SET k v", "B", IT_NOWAIT},
        {'B', "CONFIG SET notify-keyspace-events K$", "B", IT_NOWAIT},
        {'B', "SET k v", "BAC", IT_NOWAIT},
        {'B', "DEL k", "B", IT_NOWAIT},
        {'B', "CONFIG SET notify-keyspace-events KEg$", "B", IT_NOWAIT},
        {'B', "SET k v", "BAC", IT_NOWAIT},
        {'B', "DEL k", "BACA", IT_NOWAIT},
        {'B', "PUBSUB NUMSUB __keyspace@0__:k __keyevent@0__:del", "B", IT_NOWAIT},
        {'B', "PUBSUB NUMPAT", "B", IT_NOWAIT},
        {'A', NULL, "", 3, -1},
        {'B', "SET k v", "BC", IT_NOWAIT},
        {'B', "CONFIG GET notify-keyspace-events", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "C: *4\\r\\n$8\\r\\npmessage\\r\\n$16\\r\\n__keyspace@*__:k\\r\\n$16\\r\\n__"
               "keyspace@0__:k\\r\\n$3\\r\\ndel\\r\\n");
}

/* INFO stats' figure for field, read on c. */
static long info_stat(struct mh_conn *c, const char *field)
{
    struct buf r = BUF_INIT;
    it_line_send(c, "INFO stats");
    assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
    buf_append(&r, "", 1);
    const char *at = strstr(r.p, field);
    assert_non_null(at);
    long v = atol(at + strlen(field));
    buf_free(&r);
    return v;
}

/* The scenario actions report what they stand for, and so do TTLs that
 * run out on the virtual clock: a key touched after its time (lazy) and
 * one nobody touches (the periodic sweep finds it); INFO counts both. */
static void test_scenario_actions(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "notify",
                                           "clock virtual 1700000000000\n"
                                           "finish control\n"
                                           "setup\n"
                                           "    CONFIG SET notify-keyspace-events KEA\n"
                                           "    SET a 1\n"
                                           "    SET b 2\n"
                                           "    SET lazy 3 EX 10\n"
                                           "    SET swept 4 EX 20\n"
                                           "    HSET c f v\n"
                                           "end\n"
                                           "on GET a do evict a\n"
                                           "on GET b do expire b\n"
                                           "at 100s do evict c\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&a, "SUBSCRIBE __keyevent@0__:expired __keyevent@0__:evicted",
                   "*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:expired\r\n:1\r\n");
    it_line_reply(&a, "*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:evicted\r\n:2\r\n");
    assert_int_equal(info_stat(&b, "expired_keys:"), 0);
    assert_int_equal(info_stat(&b, "evicted_keys:"), 0);

    it_line_expect(&b, "GET a", "$-1\r\n");
    it_line_reply(&a, "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$1\r\na\r\n");
    it_line_expect(&b, "GET b", "$-1\r\n");
    it_line_reply(&a, "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\nb\r\n");
    assert_int_equal(info_stat(&b, "expired_keys:"), 1);
    assert_int_equal(info_stat(&b, "evicted_keys:"), 1);

    /* lazy: the read finds the TTL passed */
    it_line_expect(&b, "MOCK CLOCK ADVANCE 15000", ":1700000015000\r\n");
    it_line_expect(&b, "EXISTS lazy", ":0\r\n");
    it_line_reply(&a, "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$4\r\nlazy\r\n");
    /* swept: nobody asks, the server's periodic expiry finds it */
    it_line_expect(&b, "MOCK CLOCK ADVANCE 10000", ":1700000025000\r\n");
    it_line_reply(&a, "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$5\r\nswept\r\n");
    assert_int_equal(info_stat(&b, "expired_keys:"), 3);
    /* a timed event */
    it_line_expect(&b, "MOCK CLOCK ADVANCE 100000", ":1700000125000\r\n");
    it_line_reply(&a, "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n$1\r\nc\r\n");
    assert_int_equal(info_stat(&b, "evicted_keys:"), 2);
    /* CONFIG RESETSTAT zeroes the counters, not the parameter */
    it_line_expect(&b, "CONFIG RESETSTAT", "+OK\r\n");
    assert_int_equal(info_stat(&b, "evicted_keys:"), 0);
    assert_int_equal(info_stat(&b, "expired_keys:"), 0);
    it_line_expect(&b, "CONFIG GET notify-keyspace-events",
                   "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n");

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* --notify-keyspace-events sets the parameter from the start. */
static void test_command_line(void **state)
{
    (void)state;
    static const char *const args[] = {"--notify-keyspace-events", "xEK", NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&b, "CONFIG GET notify-keyspace-events",
                   "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nxKE\r\n");
    it_line_expect(&a, "SUBSCRIBE __keyevent@0__:expired",
                   "*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:expired\r\n:1\r\n");
    it_line_expect(&b, "SET k v PX 1", "+OK\r\n");
    struct buf r = BUF_INIT; /* both answer the clock's time */
    it_line_send(&b, "MOCK CLOCK VIRTUAL");
    assert_int_equal(mh_read_reply(&b, &r, 5000), MH_REPLY);
    it_line_send(&b, "MOCK CLOCK ADVANCE 10");
    assert_int_equal(mh_read_reply(&b, &r, 5000), MH_REPLY);
    buf_free(&r);
    it_line_expect(&b, "GET k", "$-1\r\n");
    it_line_reply(&a, "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\nk\r\n");
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_families),     cmocka_unit_test(test_self_resp3),
        cmocka_unit_test(test_subscribers),  cmocka_unit_test(test_scenario_actions),
        cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
