/* test_block.c - BLPOP BRPOP BLMOVE BRPOPLPUSH across connections.
 *
 * The single-connection corpus (tests/diff/corpus/list.txt) covers what
 * one client sees at once (errors, immediate pops, EXEC, timeouts). Here
 * one client blocks and others push: each script runs against
 * redis-server and against mockredis, and the two transcripts (every reply
 * of every connection, in script order) must be byte-identical. Then what
 * only mockredis has: the virtual clock timing blocked clients out without
 * anybody sleeping, and scenarios waking or refusing to block them. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

/* A push wakes the client that blocked first; a BRPOP takes from the tail;
 * what is left stays. The pusher's reply counts the elements it pushed. */
static void test_fifo(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BLPOP k 0", "", -1, 1},
        {'C', "BRPOP k 0", "", -1, 2},
        {'B', "RPUSH k x y z", "BAC", IT_NOWAIT},
        {'B', "LRANGE k 0 -1", "B", IT_NOWAIT},
        {'A', "BLPOP k1 k2 0", "", -1, 1},
        {'B', "RPUSH k2 v", "BA", IT_NOWAIT},
        {'B', "EXISTS k2", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nx\\r\\n");
}

/* Only a key that holds a list when the command ends serves anyone: not a
 * transaction that pushes and deletes, not a string; a list made by
 * RENAME or LMOVE does. Commands sent behind a blocked one wait. */
static void test_what_wakes(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BLPOP k 0", "", -1, 1},
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "RPUSH k a", "B", IT_NOWAIT},
        {'B', "DEL k", "B", IT_NOWAIT},
        {'B', "EXEC", "B", IT_NOWAIT},
        {'B', "SET k s", "B", IT_NOWAIT},
        {'A', "PING", "", -1, 1},
        {'B', "DEL k", "B", IT_NOWAIT},
        {'B', "LPUSH k a b c", "BAA", IT_NOWAIT},
        {'B', "LRANGE k 0 -1", "B", IT_NOWAIT},
        {'A', "BLPOP d 0", "", -1, 1},
        {'B', "RPUSH s 1", "B", IT_NOWAIT},
        {'B', "RENAME s d", "BA", IT_NOWAIT},
        {'A', "BLPOP d 0", "", -1, 1},
        {'B', "RPUSH s x", "B", IT_NOWAIT},
        {'B', "LMOVE s d LEFT RIGHT", "BA", IT_NOWAIT},
        {'B', "EXISTS d s", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: +PONG\\r\\n");
}

/* BLMOVE served: the element moves, and can wake a client blocked on the
 * destination in the same round; a destination that is not a list gets
 * the client WRONGTYPE and leaves the element. A served pop is a change
 * for WATCH. */
static void test_moves(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BLMOVE src dst LEFT RIGHT 0", "", -1, 1},
        {'C', "BLPOP dst 0", "", -1, 2},
        {'B', "RPUSH src v", "BAC", IT_NOWAIT},
        {'B', "EXISTS src dst", "B", IT_NOWAIT},
        {'A', "BRPOPLPUSH s d 0", "", -1, 1},
        {'B', "RPUSH s 1 2", "BA", IT_NOWAIT},
        {'B', "LRANGE d 0 -1", "B", IT_NOWAIT},
        {'A', "BLMOVE q q LEFT RIGHT 0", "", -1, 1},
        {'B', "RPUSH q 1", "BA", IT_NOWAIT},
        {'A', "BLMOVE src2 dst2 LEFT RIGHT 0", "", -1, 1},
        {'B', "SET dst2 s", "B", IT_NOWAIT},
        {'B', "RPUSH src2 v", "BA", IT_NOWAIT},
        {'B', "LRANGE src2 0 -1", "B", IT_NOWAIT},
        {'B', "RPUSH w x", "B", IT_NOWAIT},
        {'C', "WATCH w", "C", IT_NOWAIT},
        {'A', "BLMOVE e w LEFT RIGHT 0", "", -1, 1},
        {'B', "RPUSH e y", "BA", IT_NOWAIT},
        {'C', "MULTI", "C", IT_NOWAIT},
        {'C', "PING", "C", IT_NOWAIT},
        {'C', "EXEC", "C", IT_NOWAIT},
    };
    IT_DIFF(s, "A: -WRONGTYPE");
}

/* A client that disconnects while blocked takes nothing; RESP3 timeouts
 * are nulls. */
static void test_gone_and_resp3(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BLPOP k 0", "", -1, 1},
        {'B', "CLIENT KILL TYPE normal SKIPME yes", "B", IT_NOWAIT},
        {'B', "RPUSH k v", "B", IT_NOWAIT},
        {'B', "LLEN k", "B", IT_NOWAIT},
        {'C', "HELLO 3", "C", IT_NOWAIT},
        {'C', "BLPOP nokey 0.01", "C", IT_NOWAIT},
        {'C', "BLMOVE nokey d LEFT RIGHT 0.01", "C", IT_NOWAIT},
        {'C', "BLPOP k 0", "C", IT_NOWAIT},
    };
    /* CLIENT KILL ends A's connection (and the runner's own, unused after):
     * A is not in the transcript after. */
    IT_DIFF(s, "C: _\\r\\n");
}

/* BZPOPMIN/BZPOPMAX served in blocking order, one member each, the lowest
 * or highest; BZMPOP takes up to its COUNT. Only a sorted set wakes them
 * (not a set), also one made by ZUNIONSTORE; of two keys given values in
 * one EXEC, the first one given serves. A key that exists and is replaced
 * by a STORE, or added to, wakes nobody in Redis 7.0: only a new key does. */
static void test_zset_pops(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BZPOPMIN z 0", "", -1, 1},
        {'C', "BZPOPMAX z 0", "", -1, 2},
        {'B', "ZADD z 1 a 2 b 3 c", "BAC", IT_NOWAIT},
        {'B', "ZRANGE z 0 -1 WITHSCORES", "B", IT_NOWAIT},
        {'A', "BZMPOP 0 2 z1 z2 MIN COUNT 2", "", -1, 1},
        {'B', "ZADD z2 5 x 6 y 7 w", "BA", IT_NOWAIT},
        {'A', "BZMPOP 0 1 z3 MAX COUNT 5", "", -1, 1},
        {'B', "ZADD z3 1 p 2 q", "BA", IT_NOWAIT},
        {'B', "EXISTS z3", "B", IT_NOWAIT},
        {'A', "BZPOPMIN k 0", "", -1, 1},
        {'B', "SADD k a", "B", IT_NOWAIT},
        {'A', "PING", "", -1, 1},
        {'B', "DEL k", "B", IT_NOWAIT},
        {'B', "ZADD k 1 a", "BAA", IT_NOWAIT},
        {'A', "BZPOPMAX d 0", "", -1, 1},
        {'B', "ZUNIONSTORE d 2 z z2 WEIGHTS 1 2", "BA", IT_NOWAIT},
        {'A', "BZPOPMIN k1 k2 0", "", -1, 1},
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "ZADD k2 2 m", "B", IT_NOWAIT},
        {'B', "ZADD k1 1 n", "B", IT_NOWAIT},
        {'B', "EXEC", "BA", IT_NOWAIT},
        {'B', "ZRANGE k1 0 -1", "B", IT_NOWAIT},
        {'A', "BZPOPMIN o 0", "", -1, 1},
        {'B', "SET o s", "B", IT_NOWAIT},
        {'B', "ZUNIONSTORE o 1 z", "B", IT_NOWAIT},
        {'A', "PING", "", -1, 1},
        {'B', "ZADD o 7 n", "B", IT_NOWAIT},
        {'B', "ZRANGESTORE o z 0 -1", "B", IT_NOWAIT},
        {'B', "ZINTERSTORE o 2 z z", "B", IT_NOWAIT},
        {'B', "DEL o", "B", IT_NOWAIT},
        {'B', "ZDIFFSTORE o 1 z2", "BAA", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *3\\r\\n$1\\r\\nz\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n");
}

/* BLMPOP takes up to COUNT elements when served, in blocking order with
 * BLPOP; from the first of its keys that gets a list. */
static void test_lmpop(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BLMPOP 0 2 l1 l2 RIGHT COUNT 2", "", -1, 1},
        {'C', "BLPOP l2 0", "", -1, 2},
        {'B', "RPUSH l2 a b c", "BAC", IT_NOWAIT},
        {'B', "EXISTS l2", "B", IT_NOWAIT},
        {'A', "BLMPOP 0 1 l3 LEFT COUNT 10", "", -1, 1},
        {'C', "BLMPOP 0 1 l3 LEFT", "", -1, 2},
        {'B', "RPUSH l3 x y", "BA", IT_NOWAIT},
        {'B', "RPUSH l3 z", "BC", IT_NOWAIT},
        {'A', "BLMPOP 0 2 l4 l5 LEFT", "", -1, 1},
        {'B', "SET l5 s", "B", IT_NOWAIT},
        {'B', "RPUSH l4 v", "BA", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *2\\r\\n$2\\r\\nl2\\r\\n*2\\r\\n$1\\r\\nc\\r\\n$1\\r\\nb\\r\\n");
}

/* Waiters of both kinds on one key: a list serves the list pops only, in
 * their order, past a sorted-set pop that blocked first, and the other way
 * round; the one passed over waits on. */
static void test_mixed_waiters(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BZPOPMIN m 0", "", -1, 1},         {'C', "BLPOP m 0", "", -1, 2},
        {'B', "RPUSH m v w", "BC", IT_NOWAIT},    {'B', "LRANGE m 0 -1", "B", IT_NOWAIT},
        {'B', "DEL m", "B", IT_NOWAIT},           {'B', "ZADD m 1 a", "BA", IT_NOWAIT},
        {'A', "BLMPOP 0 1 n LEFT", "", -1, 1},    {'C', "BZMPOP 0 1 n MAX", "", -1, 2},
        {'B', "ZADD n 1 a 2 b", "BC", IT_NOWAIT}, {'B', "DEL n", "B", IT_NOWAIT},
        {'B', "RPUSH n x", "BA", IT_NOWAIT},
    };
    IT_DIFF(s, "C: *2\\r\\n$1\\r\\nm\\r\\n$1\\r\\nv\\r\\n");
}

/* ---- mockredis only ------------------------------------------------------------ */

/* SORT ... STORE makes a list like any other write: it serves a client
 * blocked on its destination; an empty result (which deletes the
 * destination) serves nobody. */
static void test_sort_store(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "BLPOP d 0", "", -1, 1},
        {'B', "RPUSH s 3 1 2", "B", IT_NOWAIT},
        {'B', "SORT s STORE d", "BA", IT_NOWAIT},
        {'B', "LRANGE d 0 -1", "B", IT_NOWAIT},
        {'B', "DEL d", "B", IT_NOWAIT},
        {'A', "BLPOP d 0", "", -1, 1},
        {'B', "SORT nokey STORE d", "B", IT_NOWAIT},
        {'B', "SORT s LIMIT 0 0 STORE d", "B", IT_NOWAIT},
        {'B', "SORT_RO s", "B", IT_NOWAIT},
        {'B', "SORT s DESC GET # GET x_* STORE d", "BA", IT_NOWAIT},
        {'B', "LRANGE d 0 -1", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *2\\r\\n$1\\r\\nd\\r\\n$1\\r\\n3\\r\\n");
}

/* The virtual clock times blocked clients out: nothing before the
 * deadline, the null right at it; a deadline-less BLPOP waits through any
 * advance; an idle timeout never closes a blocked client. */
static void test_virtual_clock(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a, b, c;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    it_line_expect(&b, "MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n");
    it_line_expect(&c, "PING", "+PONG\r\n"); /* c's last activity, on the virtual clock */

    it_line_send(&a, "BLPOP k 5");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 4999", ":1004999\r\n");
    it_wait_info(&b, "blocked_clients:", 1); /* still */
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1", ":1005000\r\n");
    it_line_reply(&a, "*-1\r\n");
    it_wait_info(&b, "blocked_clients:", 0);

    it_line_send(&a, "BLMOVE s d LEFT RIGHT 0.5");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 500", ":1005500\r\n");
    it_line_reply(&a, "*-1\r\n"); /* a null array, BLMOVE too */

    /* No deadline, an idle timeout of 1 s and an hour passing: c, idle,
     * is closed by the next cron; a, blocked, stays and is served. */
    it_line_expect(&b, "CONFIG SET timeout 1", "+OK\r\n");
    it_line_send(&a, "BLPOP k 0");
    it_wait_info(&b, "blocked_clients:", 1);
    /* b's PING in the same write: b has just been active when cron looks. */
    const char *both = "MOCK CLOCK ADVANCE 3600000\r\nPING\r\n";
    assert_int_equal(mh_send(b.fd, both, strlen(both)), 0);
    it_line_reply(&b, ":4605500\r\n");
    it_line_reply(&b, "+PONG\r\n");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(&c, &r, 5000), MH_EOF);
    buf_free(&r);
    it_line_expect(&b, "CONFIG SET timeout 0", "+OK\r\n");
    it_line_expect(&b, "RPUSH k v", ":1\r\n");
    it_line_reply(&a, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");

    mh_conn_close(&a);
    mh_conn_close(&b);
    mh_conn_close(&c);
    it_stop_ok(s);
}

/* CLIENT UNBLOCK ends a wait with the timeout reply or Redis's error; a
 * client that is not blocked is left alone (0). */
static void test_client_unblock(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&a, "CLIENT ID", &r, 5000), MH_REPLY);
    char line[64];
    snprintf(line, sizeof(line), "CLIENT UNBLOCK %.*s", (int)(r.len - 3), r.p + 1);
    buf_free(&r);

    it_line_expect(&b, line, ":0\r\n");
    it_line_send(&a, "BLPOP k 0");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, line, ":1\r\n");
    it_line_reply(&a, "*-1\r\n");
    it_line_send(&a, "BLMOVE s d LEFT RIGHT 0");
    it_wait_info(&b, "blocked_clients:", 1);
    char err[80];
    snprintf(err, sizeof(err), "%s ERROR", line);
    it_line_expect(&b, err, ":1\r\n");
    it_line_reply(&a, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    it_wait_info(&b, "blocked_clients:", 0);
    it_line_expect(&a, "PING", "+PONG\r\n"); /* reads on */

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

/* Sends text (inline commands) on c and reads one reply into r. */
static void raw_call(struct mh_conn *c, const char *text, struct buf *r)
{
    assert_int_equal(mh_send(c->fd, text, strlen(text)), 0);
    assert_int_equal(mh_read_reply(c, r, 5000), MH_REPLY);
}

/* INFO's total_net_input_bytes, read from "total_net_input_bytes:" in r. */
static long long net_input(const struct buf *r)
{
    const char *p = strstr(r->p, "total_net_input_bytes:");
    assert_non_null(p);
    return atoll(p + strlen("total_net_input_bytes:"));
}

/* Every byte read counts in total_net_input_bytes, also what a blocked
 * client sends behind its BLPOP (Redis counts a read before it looks at
 * the client's state). The expected growth is what this test itself sent,
 * so the same assertion runs on redis-server and on mockredis. */
static void net_input_blocked(struct mh_server *s)
{
    static const char blpop[] = "BLPOP k 0\r\n", poll[] = "INFO clients\r\n",
                      push[] = "RPUSH k v\r\n", stats[] = "INFO stats\r\n";
    enum { PINGS = 1000 };
    struct mh_conn a, c;
    struct buf r = BUF_INIT;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    raw_call(&c, stats, &r);
    long long before = net_input(&r), sent = 0;
    assert_int_equal(mh_send(a.fd, blpop, strlen(blpop)), 0);
    sent += (long long)strlen(blpop);
    for (;;) { /* until the server has A blocked, counting our own polls */
        raw_call(&c, poll, &r);
        sent += (long long)strlen(poll);
        if (strstr(r.p, "blocked_clients:1\r\n"))
            break;
    }
    struct buf pings = BUF_INIT;
    for (int i = 0; i < PINGS; i++)
        buf_append(&pings, "PING\r\n", 6);
    assert_int_equal(mh_send(a.fd, pings.p, pings.len), 0);
    sent += (long long)pings.len;
    it_line_expect(&c, "RPUSH k v", ":1\r\n");
    sent += (long long)strlen(push);
    it_reply_expect(&a, IT_S("*2\r\n$1\r\nk\r\n$1\r\nv\r\n"));
    for (int i = 0; i < PINGS; i++) /* A's PINGs ran: the server read them all */
        it_reply_expect(&a, IT_S("+PONG\r\n"));
    raw_call(&c, stats, &r);
    sent += (long long)strlen(stats);
    assert_int_equal(net_input(&r) - before, sent);
    buf_free(&pings);
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&c);
    it_stop_ok(s);
}

static void test_net_input_blocked(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL);
    if (redis)
        net_input_blocked(redis);
    net_input_blocked(it_mock(NULL));
}

/* Real time: a short timeout ends with the null, not before it. */
static void test_real_timeout(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    long long t0 = it_now_ms();
    it_line_expect(&a, "BLPOP k 0.2", "*-1\r\n");
    assert_true(it_now_ms() - t0 >= 195); /* the server's timer never fires early */
    it_line_send(&a, "BLPOP k 0.05");
    it_line_send(&a, "PING");
    it_line_reply(&a, "*-1\r\n");
    it_line_reply(&a, "+PONG\r\n");
    mh_conn_close(&a);
    it_stop_ok(s);
}

/* A scenario's timed event wakes a blocked client; a rule that delays a
 * blocking command makes it answer at once (its reply is needed for the
 * delay), with the null of a timeout. */
static void test_scenario(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "block",
                                           "finish control\n"
                                           "clock virtual\n"
                                           "at 10s do run RPUSH jobs j1\n"
                                           "on BRPOP slow 0 do delay 5ms\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);

    it_line_expect(&a, "BRPOP slow 0", "*-1\r\n");
    it_line_send(&a, "BLPOP jobs 0");
    it_wait_info(&b, "blocked_clients:", 1);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&b, "MOCK CLOCK ADVANCE 10000", &r, 5000), MH_REPLY);
    assert_true(r.len > 0 && r.p[0] == ':');
    buf_free(&r);
    it_line_reply(&a, "*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n");

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* Network latency (a scenario's `latency`) keeps command order with a
 * blocked command: the reply of a BLPOP served (or timed out) while an
 * earlier reply is still held leaves after it, and a BLPOP's own latency
 * is added to the reply made when it is served. */
static void test_scenario_latency(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "block-lat",
                                           "finish control\n"
                                           "on PING do latency 300ms\n"
                                           "on BLPOP slow 0 do latency 200ms\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);

    const char *both = "PING\r\nBLPOP k 0\r\n";
    assert_int_equal(mh_send(a.fd, both, strlen(both)), 0);
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "RPUSH k v", ":1\r\n");
    it_line_reply(&a, "+PONG\r\n"); /* not the BLPOP's reply, made before it left */
    it_line_reply(&a, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");

    it_line_send(&a, "BLPOP slow 0");
    it_wait_info(&b, "blocked_clients:", 1);
    long long t0 = it_now_ms();
    it_line_expect(&b, "RPUSH slow v", ":1\r\n");
    it_line_reply(&a, "*2\r\n$4\r\nslow\r\n$1\r\nv\r\n");
    assert_true(it_now_ms() - t0 >= 195);

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* A timed event that CLIENT KILLs the very client whose command made it
 * due (its MOCK CLOCK ADVANCE, then its PING in the same read) closes that
 * client once the command is over, not under its feet. */
static void test_scenario_kill_running(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "block-kill",
                                           "finish control\n"
                                           "clock virtual\n"
                                           "at 1s do run CLIENT KILL TYPE normal\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    const char *both = "MOCK CLOCK ADVANCE 2000\r\nPING\r\nPING\r\n";
    assert_int_equal(mh_send(a.fd, both, strlen(both)), 0);
    struct buf r = BUF_INIT;
    int st;
    while ((st = mh_read_reply(&a, &r, 5000)) == MH_REPLY)
        ; /* the advance's reply, then nothing: closed */
    assert_int_equal(st, MH_EOF);
    buf_free(&r);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&b, "PING", "+PONG\r\n");

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_what_wakes),
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_gone_and_resp3),
        cmocka_unit_test(test_virtual_clock),
        cmocka_unit_test(test_client_unblock),
        cmocka_unit_test(test_real_timeout),
        cmocka_unit_test(test_net_input_blocked),
        cmocka_unit_test(test_scenario),
        cmocka_unit_test(test_sort_store),
        cmocka_unit_test(test_zset_pops),
        cmocka_unit_test(test_lmpop),
        cmocka_unit_test(test_mixed_waiters),
        cmocka_unit_test(test_scenario_latency),
        cmocka_unit_test(test_scenario_kill_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
