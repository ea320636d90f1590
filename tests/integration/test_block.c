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

/* One step: connection (A, B or C) sends line (inline form); then one reply
 * is read from each connection named in expect, in that order. A step that
 * blocks its connection expects nothing: the runner then waits until the
 * server counts `blocked` blocked clients (so that the next step, on
 * another connection, cannot overtake it); blocked is -1 elsewhere. */
struct bk_step {
    char conn;
    const char *line;
    const char *expect;
    int blocked;
};

#define BK_CONNS 3

/* Waits until INFO on c shows n blocked clients; fails after 5 s. */
static void bk_wait_blocked(struct mh_conn *c, long n)
{
    struct buf r = BUF_INIT;
    long long until = it_now_ms() + 5000;
    for (;;) {
        assert_int_equal(mh_call(c, "INFO clients", &r, 5000), MH_REPLY);
        const char *p = strstr(r.p, "blocked_clients:");
        assert_non_null(p);
        if (strtol(p + 16, NULL, 10) == n)
            break;
        if (it_now_ms() > until)
            fail_msg("blocked_clients never reached %ld", n);
    }
    buf_free(&r);
}

/* Runs steps against the server at port; returns the transcript (caller
 * frees): "X: <reply>" lines, and at the end "X: nothing more" for each
 * connection that has no reply left over. */
static char *bk_run(int port, const struct bk_step *steps, size_t n)
{
    struct mh_conn conns[BK_CONNS], sync;
    int open[BK_CONNS] = {0};
    struct buf t = BUF_INIT, reply = BUF_INIT;
    assert_int_equal(mh_conn_open(&sync, port), 0);
    for (size_t i = 0; i < n; i++) {
        int x = steps[i].conn - 'A';
        if (!open[x]) {
            assert_int_equal(mh_conn_open(&conns[x], port), 0);
            open[x] = 1;
        }
        char line[256];
        int len = snprintf(line, sizeof(line), "%s\r\n", steps[i].line);
        assert_int_equal(mh_send(conns[x].fd, line, (size_t)len), 0);
        for (const char *e = steps[i].expect; *e; e++) {
            int y = *e - 'A';
            int r = mh_read_reply(&conns[y], &reply, 5000);
            if (r != MH_REPLY)
                fail_msg("step %zu (%c: %s): no reply on %c (%d)", i, steps[i].conn, steps[i].line,
                         *e, r);
            char esc[2048];
            buf_printf(&t, "%c: %s\n", *e, mh_escape(reply.p, reply.len, esc, sizeof(esc)));
        }
        if (steps[i].blocked >= 0)
            bk_wait_blocked(&sync, steps[i].blocked);
    }
    mh_conn_close(&sync);
    for (int x = 0; x < BK_CONNS; x++) {
        if (!open[x])
            continue;
        int r = mh_read_reply(&conns[x], &reply, 50);
        buf_printf(&t, "%c: %s\n", 'A' + x, r == MH_TIMEOUT ? "nothing more" : "UNEXPECTED");
        mh_conn_close(&conns[x]);
    }
    buf_free(&reply);
    return t.p;
}

/* The script on both servers: same transcript, which must also contain
 * must (so that two servers failing alike cannot pass). */
static void bk_diff(const struct bk_step *steps, size_t n, const char *must)
{
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle (scripts/deps.sh installs it)");
    struct mh_server *mock = it_mock(NULL);
    char *want = bk_run(mh_server_port(redis), steps, n);
    char *got = bk_run(mh_server_port(mock), steps, n);
    if (strcmp(want, got) != 0)
        fail_msg("redis-server:\n%s\nmockredis:\n%s", want, got);
    if (strstr(got, must) == NULL)
        fail_msg("transcript lacks \"%s\":\n%s", must, got);
    free(want);
    free(got);
    it_stop_ok(mock);
    it_stop(redis);
}

#define BK_DIFF(steps, must) bk_diff(steps, sizeof(steps) / sizeof(steps[0]), must)

/* A push wakes the client that blocked first; a BRPOP takes from the tail;
 * what is left stays. The pusher's reply counts the elements it pushed. */
static void test_fifo(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BLPOP k 0", "", 1},         {'C', "BRPOP k 0", "", 2},
        {'B', "RPUSH k x y z", "BAC", -1}, {'B', "LRANGE k 0 -1", "B", -1},
        {'A', "BLPOP k1 k2 0", "", 1},     {'B', "RPUSH k2 v", "BA", -1},
        {'B', "EXISTS k2", "B", -1},
    };
    BK_DIFF(s, "A: *2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nx\\r\\n");
}

/* Only a key that holds a list when the command ends serves anyone: not a
 * transaction that pushes and deletes, not a string; a list made by
 * RENAME or LMOVE does. Commands sent behind a blocked one wait. */
static void test_what_wakes(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BLPOP k 0", "", 1},
        {'B', "MULTI", "B", -1},
        {'B', "RPUSH k a", "B", -1},
        {'B', "DEL k", "B", -1},
        {'B', "EXEC", "B", -1},
        {'B', "SET k s", "B", -1},
        {'A', "PING", "", 1},
        {'B', "DEL k", "B", -1},
        {'B', "LPUSH k a b c", "BAA", -1},
        {'B', "LRANGE k 0 -1", "B", -1},
        {'A', "BLPOP d 0", "", 1},
        {'B', "RPUSH s 1", "B", -1},
        {'B', "RENAME s d", "BA", -1},
        {'A', "BLPOP d 0", "", 1},
        {'B', "RPUSH s x", "B", -1},
        {'B', "LMOVE s d LEFT RIGHT", "BA", -1},
        {'B', "EXISTS d s", "B", -1},
    };
    BK_DIFF(s, "A: +PONG\\r\\n");
}

/* BLMOVE served: the element moves, and can wake a client blocked on the
 * destination in the same round; a destination that is not a list gets
 * the client WRONGTYPE and leaves the element. A served pop is a change
 * for WATCH. */
static void test_moves(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BLMOVE src dst LEFT RIGHT 0", "", 1},
        {'C', "BLPOP dst 0", "", 2},
        {'B', "RPUSH src v", "BAC", -1},
        {'B', "EXISTS src dst", "B", -1},
        {'A', "BRPOPLPUSH s d 0", "", 1},
        {'B', "RPUSH s 1 2", "BA", -1},
        {'B', "LRANGE d 0 -1", "B", -1},
        {'A', "BLMOVE q q LEFT RIGHT 0", "", 1},
        {'B', "RPUSH q 1", "BA", -1},
        {'A', "BLMOVE src2 dst2 LEFT RIGHT 0", "", 1},
        {'B', "SET dst2 s", "B", -1},
        {'B', "RPUSH src2 v", "BA", -1},
        {'B', "LRANGE src2 0 -1", "B", -1},
        {'B', "RPUSH w x", "B", -1},
        {'C', "WATCH w", "C", -1},
        {'A', "BLMOVE e w LEFT RIGHT 0", "", 1},
        {'B', "RPUSH e y", "BA", -1},
        {'C', "MULTI", "C", -1},
        {'C', "PING", "C", -1},
        {'C', "EXEC", "C", -1},
    };
    BK_DIFF(s, "A: -WRONGTYPE");
}

/* A client that disconnects while blocked takes nothing; RESP3 timeouts
 * are nulls. */
static void test_gone_and_resp3(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BLPOP k 0", "", 1},
        {'B', "CLIENT KILL TYPE normal SKIPME yes", "B", -1},
        {'B', "RPUSH k v", "B", -1},
        {'B', "LLEN k", "B", -1},
        {'C', "HELLO 3", "C", -1},
        {'C', "BLPOP nokey 0.01", "C", -1},
        {'C', "BLMOVE nokey d LEFT RIGHT 0.01", "C", -1},
        {'C', "BLPOP k 0", "C", -1},
    };
    /* CLIENT KILL ends A's connection: A is not in the transcript after. */
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle (scripts/deps.sh installs it)");
    struct mh_server *mock = it_mock(NULL);
    struct mh_server *servers[2] = {redis, mock};
    char *t[2];
    for (int i = 0; i < 2; i++) {
        /* HELLO's map has the client id: compare only from the next step. */
        t[i] = bk_run(mh_server_port(servers[i]), s, sizeof(s) / sizeof(s[0]));
        char *hello = strstr(t[i], "C: %7");
        assert_non_null(hello);
        char *eol = strchr(hello, '\n');
        memmove(hello, eol + 1, strlen(eol + 1) + 1);
    }
    if (strcmp(t[0], t[1]) != 0)
        fail_msg("redis-server:\n%s\nmockredis:\n%s", t[0], t[1]);
    assert_non_null(strstr(t[1], "C: _\\r\\n"));
    free(t[0]);
    free(t[1]);
    it_stop_ok(mock);
    it_stop(redis);
}

/* BZPOPMIN/BZPOPMAX served in blocking order, one member each, the lowest
 * or highest; BZMPOP takes up to its COUNT. Only a sorted set wakes them
 * (not a set), also one made by ZUNIONSTORE; of two keys given values in
 * one EXEC, the first one given serves. A key that exists and is replaced
 * by a STORE, or added to, wakes nobody in Redis 7.0: only a new key does. */
static void test_zset_pops(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BZPOPMIN z 0", "", 1},
        {'C', "BZPOPMAX z 0", "", 2},
        {'B', "ZADD z 1 a 2 b 3 c", "BAC", -1},
        {'B', "ZRANGE z 0 -1 WITHSCORES", "B", -1},
        {'A', "BZMPOP 0 2 z1 z2 MIN COUNT 2", "", 1},
        {'B', "ZADD z2 5 x 6 y 7 w", "BA", -1},
        {'A', "BZMPOP 0 1 z3 MAX COUNT 5", "", 1},
        {'B', "ZADD z3 1 p 2 q", "BA", -1},
        {'B', "EXISTS z3", "B", -1},
        {'A', "BZPOPMIN k 0", "", 1},
        {'B', "SADD k a", "B", -1},
        {'A', "PING", "", 1},
        {'B', "DEL k", "B", -1},
        {'B', "ZADD k 1 a", "BAA", -1},
        {'A', "BZPOPMAX d 0", "", 1},
        {'B', "ZUNIONSTORE d 2 z z2 WEIGHTS 1 2", "BA", -1},
        {'A', "BZPOPMIN k1 k2 0", "", 1},
        {'B', "MULTI", "B", -1},
        {'B', "ZADD k2 2 m", "B", -1},
        {'B', "ZADD k1 1 n", "B", -1},
        {'B', "EXEC", "BA", -1},
        {'B', "ZRANGE k1 0 -1", "B", -1},
        {'A', "BZPOPMIN o 0", "", 1},
        {'B', "SET o s", "B", -1},
        {'B', "ZUNIONSTORE o 1 z", "B", -1},
        {'A', "PING", "", 1},
        {'B', "ZADD o 7 n", "B", -1},
        {'B', "ZRANGESTORE o z 0 -1", "B", -1},
        {'B', "ZINTERSTORE o 2 z z", "B", -1},
        {'B', "DEL o", "B", -1},
        {'B', "ZDIFFSTORE o 1 z2", "BAA", -1},
    };
    BK_DIFF(s, "A: *3\\r\\n$1\\r\\nz\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n");
}

/* BLMPOP takes up to COUNT elements when served, in blocking order with
 * BLPOP; from the first of its keys that gets a list. */
static void test_lmpop(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BLMPOP 0 2 l1 l2 RIGHT COUNT 2", "", 1},
        {'C', "BLPOP l2 0", "", 2},
        {'B', "RPUSH l2 a b c", "BAC", -1},
        {'B', "EXISTS l2", "B", -1},
        {'A', "BLMPOP 0 1 l3 LEFT COUNT 10", "", 1},
        {'C', "BLMPOP 0 1 l3 LEFT", "", 2},
        {'B', "RPUSH l3 x y", "BA", -1},
        {'B', "RPUSH l3 z", "BC", -1},
        {'A', "BLMPOP 0 2 l4 l5 LEFT", "", 1},
        {'B', "SET l5 s", "B", -1},
        {'B', "RPUSH l4 v", "BA", -1},
    };
    BK_DIFF(s, "A: *2\\r\\n$2\\r\\nl2\\r\\n*2\\r\\n$1\\r\\nc\\r\\n$1\\r\\nb\\r\\n");
}

/* Waiters of both kinds on one key: a list serves the list pops only, in
 * their order, past a sorted-set pop that blocked first, and the other way
 * round; the one passed over waits on. */
static void test_mixed_waiters(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BZPOPMIN m 0", "", 1},
        {'C', "BLPOP m 0", "", 2},
        {'B', "RPUSH m v w", "BC", -1},
        {'B', "LRANGE m 0 -1", "B", -1},
        {'B', "DEL m", "B", -1},
        {'B', "ZADD m 1 a", "BA", -1},
        {'A', "BLMPOP 0 1 n LEFT", "", 1},
        {'C', "BZMPOP 0 1 n MAX", "", 2},
        {'B', "ZADD n 1 a 2 b", "BC", -1},
        {'B', "DEL n", "B", -1},
        {'B', "RPUSH n x", "BA", -1},
    };
    BK_DIFF(s, "C: *2\\r\\n$1\\r\\nm\\r\\n$1\\r\\nv\\r\\n");
}

/* ---- mockredis only ------------------------------------------------------------ */

static void bk_expect(struct mh_conn *c, const char *line, const char *want)
{
    struct buf r = BUF_INIT;
    int st = mh_call(c, line, &r, 5000);
    if (st != MH_REPLY || r.len != strlen(want) || memcmp(r.p, want, r.len) != 0) {
        char esc[512];
        fail_msg("%s: got (%d) %s, want %s", line, st,
                 r.p ? mh_escape(r.p, r.len, esc, sizeof(esc)) : "", want);
    }
    buf_free(&r);
}

static void bk_send(struct mh_conn *c, const char *line)
{
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "%s\r\n", line);
    assert_int_equal(mh_send(c->fd, buf, (size_t)n), 0);
}

static void bk_reply(struct mh_conn *c, const char *want)
{
    struct buf r = BUF_INIT;
    int st = mh_read_reply(c, &r, 5000);
    if (st != MH_REPLY || r.len != strlen(want) || memcmp(r.p, want, r.len) != 0)
        fail_msg("got (%d) %.*s, want %s", st, (int)r.len, r.p ? r.p : "", want);
    buf_free(&r);
}

/* SORT ... STORE makes a list like any other write: it serves a client
 * blocked on its destination; an empty result (which deletes the
 * destination) serves nobody. */
static void test_sort_store(void **state)
{
    (void)state;
    static const struct bk_step s[] = {
        {'A', "BLPOP d 0", "", 1},
        {'B', "RPUSH s 3 1 2", "B", -1},
        {'B', "SORT s STORE d", "BA", -1},
        {'B', "LRANGE d 0 -1", "B", -1},
        {'B', "DEL d", "B", -1},
        {'A', "BLPOP d 0", "", 1},
        {'B', "SORT nokey STORE d", "B", -1},
        {'B', "SORT s LIMIT 0 0 STORE d", "B", -1},
        {'B', "SORT_RO s", "B", -1},
        {'B', "SORT s DESC GET # GET x_* STORE d", "BA", -1},
        {'B', "LRANGE d 0 -1", "B", -1},
    };
    BK_DIFF(s, "A: *2\\r\\n$1\\r\\nd\\r\\n$1\\r\\n3\\r\\n");
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
    bk_expect(&b, "MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n");
    bk_expect(&c, "PING", "+PONG\r\n"); /* c's last activity, on the virtual clock */

    bk_send(&a, "BLPOP k 5");
    bk_wait_blocked(&b, 1);
    bk_expect(&b, "MOCK CLOCK ADVANCE 4999", ":1004999\r\n");
    bk_wait_blocked(&b, 1); /* still */
    bk_expect(&b, "MOCK CLOCK ADVANCE 1", ":1005000\r\n");
    bk_reply(&a, "*-1\r\n");
    bk_wait_blocked(&b, 0);

    bk_send(&a, "BLMOVE s d LEFT RIGHT 0.5");
    bk_wait_blocked(&b, 1);
    bk_expect(&b, "MOCK CLOCK ADVANCE 500", ":1005500\r\n");
    bk_reply(&a, "*-1\r\n"); /* a null array, BLMOVE too */

    /* No deadline, an idle timeout of 1 s and an hour passing: c, idle,
     * is closed by the next cron; a, blocked, stays and is served. */
    bk_expect(&b, "CONFIG SET timeout 1", "+OK\r\n");
    bk_send(&a, "BLPOP k 0");
    bk_wait_blocked(&b, 1);
    /* b's PING in the same write: b has just been active when cron looks. */
    const char *both = "MOCK CLOCK ADVANCE 3600000\r\nPING\r\n";
    assert_int_equal(mh_send(b.fd, both, strlen(both)), 0);
    bk_reply(&b, ":4605500\r\n");
    bk_reply(&b, "+PONG\r\n");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(&c, &r, 5000), MH_EOF);
    buf_free(&r);
    bk_expect(&b, "CONFIG SET timeout 0", "+OK\r\n");
    bk_expect(&b, "RPUSH k v", ":1\r\n");
    bk_reply(&a, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");

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

    bk_expect(&b, line, ":0\r\n");
    bk_send(&a, "BLPOP k 0");
    bk_wait_blocked(&b, 1);
    bk_expect(&b, line, ":1\r\n");
    bk_reply(&a, "*-1\r\n");
    bk_send(&a, "BLMOVE s d LEFT RIGHT 0");
    bk_wait_blocked(&b, 1);
    char err[80];
    snprintf(err, sizeof(err), "%s ERROR", line);
    bk_expect(&b, err, ":1\r\n");
    bk_reply(&a, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    bk_wait_blocked(&b, 0);
    bk_expect(&a, "PING", "+PONG\r\n"); /* reads on */

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

/* Real time: a short timeout ends with the null, not before it. */
static void test_real_timeout(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    long long t0 = it_now_ms();
    bk_expect(&a, "BLPOP k 0.2", "*-1\r\n");
    assert_true(it_now_ms() - t0 >= 195); /* the server's timer never fires early */
    bk_send(&a, "BLPOP k 0.05");
    bk_send(&a, "PING");
    bk_reply(&a, "*-1\r\n");
    bk_reply(&a, "+PONG\r\n");
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
    it_write_temp(file, sizeof(file), "block",
                  "finish control\n"
                  "clock virtual\n"
                  "at 10s do run RPUSH jobs j1\n"
                  "on BRPOP slow 0 do delay 5ms\n");
    const char *args[] = {"--scenario", file, NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);

    bk_expect(&a, "BRPOP slow 0", "*-1\r\n");
    bk_send(&a, "BLPOP jobs 0");
    bk_wait_blocked(&b, 1);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&b, "MOCK CLOCK ADVANCE 10000", &r, 5000), MH_REPLY);
    assert_true(r.len > 0 && r.p[0] == ':');
    buf_free(&r);
    bk_reply(&a, "*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n");

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
    it_write_temp(file, sizeof(file), "block-lat",
                  "finish control\n"
                  "on PING do latency 300ms\n"
                  "on BLPOP slow 0 do latency 200ms\n");
    const char *args[] = {"--scenario", file, NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);

    const char *both = "PING\r\nBLPOP k 0\r\n";
    assert_int_equal(mh_send(a.fd, both, strlen(both)), 0);
    bk_wait_blocked(&b, 1);
    bk_expect(&b, "RPUSH k v", ":1\r\n");
    bk_reply(&a, "+PONG\r\n"); /* not the BLPOP's reply, made before it left */
    bk_reply(&a, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");

    bk_send(&a, "BLPOP slow 0");
    bk_wait_blocked(&b, 1);
    long long t0 = it_now_ms();
    bk_expect(&b, "RPUSH slow v", ":1\r\n");
    bk_reply(&a, "*2\r\n$4\r\nslow\r\n$1\r\nv\r\n");
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
    it_write_temp(file, sizeof(file), "block-kill",
                  "finish control\n"
                  "clock virtual\n"
                  "at 1s do run CLIENT KILL TYPE normal\n");
    const char *args[] = {"--scenario", file, NULL};
    struct mh_server *s = it_mock(args);
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
    bk_expect(&b, "PING", "+PONG\r\n");

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
        cmocka_unit_test(test_scenario),
        cmocka_unit_test(test_sort_store),
        cmocka_unit_test(test_zset_pops),     cmocka_unit_test(test_lmpop),
        cmocka_unit_test(test_mixed_waiters),
        cmocka_unit_test(test_scenario_latency),
        cmocka_unit_test(test_scenario_kill_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
