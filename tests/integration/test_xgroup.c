/* test_xgroup.c - stream consumer groups across connections.
 *
 * The single-connection corpus (tests/diff/corpus/stream_groups*.txt)
 * covers what one client sees. Here:
 *   - transcripts run on redis-server and on mockredis (byte-identical):
 *     two consumers of one group blocked in XREADGROUP, woken one at a
 *     time by XADD from a third connection; what a blocked XREADGROUP gets
 *     when its key is deleted, replaced, flushed, or its group destroyed;
 *   - the virtual clock: idle times of XPENDING and XINFO CONSUMERS,
 *     XAUTOCLAIM's and XCLAIM's min-idle, a BLOCK timeout, all exact on
 *     the mock (MOCK CLOCK ADVANCE), and the same commands' reply shapes
 *     (integers masked) compared with redis-server;
 *   - a stream with groups, consumers and pending entries deleted by DEL,
 *     by expiry and by a scenario's `evict`, the server then exiting
 *     cleanly (under ASan: no leak). */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

/* Two consumers of one group wait; each XADD serves the one that blocked
 * first, and only once: the group's last ID moved, the other waits on.
 * Acknowledging empties the PEL. */
static void test_two_consumers(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'C', "XGROUP CREATE s g $ MKSTREAM", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g alice BLOCK 0 STREAMS s >", "", -1, 1},
        {'B', "XREADGROUP GROUP g bob BLOCK 0 STREAMS s >", "", -1, 2},
        {'C', "XADD s 1-1 job one", "CA", -1, 1},
        {'C', "XADD s 2-1 job two", "CB", -1, 0},
        {'C', "XPENDING s g", "C", IT_NOWAIT},
        {'A', "XACK s g 1-1", "A", IT_NOWAIT},
        {'B', "XACK s g 2-1 1-1", "B", IT_NOWAIT},
        {'C', "XPENDING s g", "C", IT_NOWAIT},
        /* a transaction of two XADDs serves one COUNT 1 reader once */
        {'A', "XREADGROUP GROUP g alice COUNT 1 BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "MULTI", "C", IT_NOWAIT},
        {'C', "XADD s 3-1 job three", "C", IT_NOWAIT},
        {'C', "XADD s 4-1 job four", "C", IT_NOWAIT},
        {'C', "EXEC", "CA", -1, 0},
        {'B', "XREADGROUP GROUP g bob STREAMS s >", "B", IT_NOWAIT},
        /* blocked on two keys: the one given an entry serves; NOACK */
        {'C', "XGROUP CREATE t g $ MKSTREAM", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g alice NOACK BLOCK 0 STREAMS s t > >", "", -1, 1},
        {'C', "XADD t 1-1 k v", "CA", -1, 0},
        {'C', "XPENDING t g", "C", IT_NOWAIT},
        {'C', "XINFO GROUPS t", "C", IT_NOWAIT},
        /* XGROUP SETID back: the next XADD serves the history again */
        {'B', "XREADGROUP GROUP g bob BLOCK 0 STREAMS t >", "", -1, 1},
        {'C', "XGROUP SETID t g 0", "C", IT_NOWAIT},
        {'C', "XADD t 2-1 k w", "CB", -1, 0},
        {'C', "XPENDING t g", "C", IT_NOWAIT}, /* (no idle times: they may differ) */
    };
    IT_DIFF(s, "A: *1\\r\\n*2\\r\\n$1\\r\\nt\\r\\n");
}

/* What ends a blocked XREADGROUP without an entry: its key deleted (DEL,
 * RENAME), replaced by another type, flushed: UNBLOCKED; its group
 * destroyed: NOGROUP. SETID and CREATECONSUMER leave it waiting; a
 * transaction that deletes and re-creates the key and group serves it. */
static void test_blocked_key_gone(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'C', "XGROUP CREATE s g $ MKSTREAM", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "DEL s", "CA", -1, 0},
        {'C', "XGROUP CREATE s g $ MKSTREAM", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "XGROUP DESTROY s g", "CA", -1, 0},
        {'C', "XGROUP CREATE s g $", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "SET s x", "CA", -1, 0},
        {'C', "DEL s", "C", IT_NOWAIT},
        {'C', "XGROUP CREATE s g $ MKSTREAM", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "RENAME s s2", "CA", -1, 0},
        {'C', "XGROUP CREATE s g $ MKSTREAM", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "XGROUP SETID s g $", "C", -1, 1},
        {'C', "XGROUP CREATECONSUMER s g x", "C", -1, 1},
        {'C', "FLUSHALL", "CA", -1, 0},
        {'C', "XGROUP CREATE s g $ MKSTREAM", "C", IT_NOWAIT},
        {'A', "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "MULTI", "C", IT_NOWAIT},
        {'C', "DEL s", "C", IT_NOWAIT},
        {'C', "XADD s 5-5 f v", "C", IT_NOWAIT},
        {'C', "XGROUP CREATE s g 0", "C", IT_NOWAIT},
        {'C', "EXEC", "CA", -1, 0},
        {'B', "HELLO 3", "B", IT_NOWAIT},
        {'B', "XREADGROUP GROUP g d BLOCK 0 STREAMS s >", "", -1, 1},
        {'C', "XADD s 6-6 f w", "CB", -1, 0},
        {'B', "XREADGROUP GROUP g d BLOCK 10 STREAMS s >", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: -NOGROUP the consumer group this client was blocked on no longer exists");
}

/* WATCH: as in Redis 7.0.15, no group command makes a watched stream
 * dirty (reads, acks, claims, consumers, SETID, DESTROY); a key that
 * XGROUP CREATE ... MKSTREAM makes does. */
static void test_watch(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "XADD s 1-1 a 1", "B", IT_NOWAIT},
        {'B', "XADD s 2-1 b 2", "B", IT_NOWAIT},
        {'B', "XGROUP CREATE s g 0", "B", IT_NOWAIT},
        {'A', "WATCH s", "A", IT_NOWAIT},
        {'B', "XGROUP CREATE s g2 0", "B", IT_NOWAIT},
        {'B', "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "B", IT_NOWAIT},
        {'B', "XREADGROUP GROUP g c STREAMS s 0", "B", IT_NOWAIT},
        {'B', "XCLAIM s g d 0 1-1", "B", IT_NOWAIT},
        {'B', "XAUTOCLAIM s g e 0 0", "B", IT_NOWAIT},
        {'B', "XACK s g 1-1", "B", IT_NOWAIT},
        {'B', "XGROUP CREATECONSUMER s g f", "B", IT_NOWAIT},
        {'B', "XGROUP DELCONSUMER s g f", "B", IT_NOWAIT},
        {'B', "XGROUP SETID s g 0 ENTRIESREAD 0", "B", IT_NOWAIT},
        {'B', "XGROUP DESTROY s g2", "B", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "XLEN s", "A", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},
        {'A', "WATCH t", "A", IT_NOWAIT},
        {'B', "XGROUP CREATE t g $ MKSTREAM", "B", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "XLEN t", "A", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *1\\r\\n:2\\r\\n");
}

/* Keyspace events (flags "Et": key events of the stream class): the
 * xgroup-* events where Redis 7.0.15 sends them, none for XACK, XCLAIM and
 * XAUTOCLAIM themselves, xgroup-createconsumer also for a consumer that
 * XREADGROUP (blocked too), XCLAIM or XAUTOCLAIM make. */
static void test_events(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "CONFIG SET notify-keyspace-events Et", "B", IT_NOWAIT},
        {'A', "PSUBSCRIBE __keyevent@0__:*", "A", IT_NOWAIT},
        {'B', "XGROUP CREATE s g $ MKSTREAM", "BA", IT_NOWAIT},
        {'B', "XGROUP CREATE s g $", "B", IT_NOWAIT},
        {'B', "XGROUP CREATECONSUMER s g c", "BA", IT_NOWAIT},
        {'B', "XGROUP CREATECONSUMER s g c", "B", IT_NOWAIT},
        {'B', "XADD s 1-1 a 1", "BA", IT_NOWAIT},
        {'B', "XREADGROUP GROUP g c2 STREAMS s >", "BA", IT_NOWAIT},
        {'B', "XREADGROUP GROUP g c3 STREAMS s 0", "BA", IT_NOWAIT},
        {'B', "XREADGROUP GROUP g c4 STREAMS s >", "B", IT_NOWAIT},
        {'B', "XREADGROUP GROUP g c2 STREAMS s 0", "B", IT_NOWAIT},
        {'B', "XACK s g 1-1", "B", IT_NOWAIT},
        {'B', "XCLAIM s g c5 0 1-1 FORCE", "BA", IT_NOWAIT},
        {'B', "XAUTOCLAIM s g c6 0 0", "BA", IT_NOWAIT},
        {'B', "XCLAIM s g c7 0 9-9", "B", IT_NOWAIT},
        {'B', "XGROUP SETID s g 0", "BA", IT_NOWAIT},
        {'B', "XGROUP DELCONSUMER s g c", "BA", IT_NOWAIT},
        {'B', "XGROUP DELCONSUMER s g zz", "B", IT_NOWAIT},
        {'B', "XGROUP DESTROY s g", "BA", IT_NOWAIT},
        {'B', "XGROUP DESTROY s g", "B", IT_NOWAIT},
        {'B', "XGROUP CREATE s g $", "BA", IT_NOWAIT},
        {'C', "XREADGROUP GROUP g newc BLOCK 0 STREAMS s >", "", -1, 1},
        {'B', "XADD s 2-1 b 2", "BCAA", -1, 0},
        {'B', "XPENDING s g", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *4\\r\\n$8\\r\\npmessage\\r\\n$16\\r\\n__keyevent@0__:*\\r\\n$36\\r\\n"
               "__keyevent@0__:xgroup-createconsumer");
}

/* ---- the virtual clock ----------------------------------------------------- */

/* One command of the clock script: sent to both servers (mock NULL: to
 * redis-server only the line), with the mock's exact reply. Lines starting
 * with MOCK go to the mock alone. */
struct clock_step {
    const char *line;
    const char *mock;  /* the mock's exact reply */
    const char *redis; /* what redis-server runs instead (NULL: line): a
                        * min-idle of 0 where the mock's clock has moved */
};

/* The reply with every integer's digits replaced by "N": its shape. */
static void shape(const struct buf *r, struct buf *out)
{
    out->len = 0;
    for (size_t i = 0; i < r->len; i++) {
        buf_putc(out, r->p[i]);
        if (r->p[i] == ':' && (i == 0 || r->p[i - 1] == '\n')) {
            while (i + 1 < r->len && r->p[i + 1] != '\r')
                i++;
            buf_putc(out, 'N');
        }
    }
}

static void run_clock_script(const struct clock_step *st, size_t n)
{
    struct mh_server *m = it_mock(NULL);
    struct mh_server *r = it_redis(NULL);
    struct mh_conn mc, rc;
    assert_int_equal(mh_conn_open(&mc, mh_server_port(m)), 0);
    if (r != NULL)
        assert_int_equal(mh_conn_open(&rc, mh_server_port(r)), 0);
    struct buf mr = BUF_INIT, rr = BUF_INIT, ms = BUF_INIT, rs = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        char line[512];
        snprintf(line, sizeof(line), "%s\r\n", st[i].line);
        it_line_send(&mc, st[i].line);
        assert_int_equal(mh_read_reply(&mc, &mr, 5000), MH_REPLY);
        if (strcmp(mr.p, st[i].mock) != 0)
            fail_msg("mock: %s\n  got  %s\n  want %s", st[i].line, mr.p, st[i].mock);
        if (r == NULL || strncmp(st[i].line, "MOCK", 4) == 0)
            continue;
        it_line_send(&rc, st[i].redis ? st[i].redis : st[i].line);
        assert_int_equal(mh_read_reply(&rc, &rr, 5000), MH_REPLY);
        shape(&mr, &ms);
        shape(&rr, &rs);
        if (ms.len != rs.len || memcmp(ms.p, rs.p, ms.len) != 0)
            fail_msg("shapes differ: %s\n  redis %s\n  mock  %s", st[i].line, rr.p, mr.p);
    }
    buf_free(&mr);
    buf_free(&rr);
    buf_free(&ms);
    buf_free(&rs);
    mh_conn_close(&mc);
    it_stop_ok(m);
    if (r != NULL) {
        mh_conn_close(&rc);
        it_stop(r);
    }
}

/* Deliveries at t = 1,000,000 ms; five seconds later every entry is 5000
 * ms idle, exactly. XAUTOCLAIM takes the ones idle long enough and sets
 * their clock back to zero; XCLAIM's IDLE and TIME set it. */
static void test_idle_times(void **state)
{
    (void)state;
    static const struct clock_step st[] = {
        {"MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n", NULL},
        {"XADD s 1-1 a 1", "$3\r\n1-1\r\n", NULL},
        {"XADD s 2-1 b 2", "$3\r\n2-1\r\n", NULL},
        {"XADD s 3-1 c 3", "$3\r\n3-1\r\n", NULL},
        {"XGROUP CREATE s g 0", "+OK\r\n", NULL},
        {"XREADGROUP GROUP g c1 COUNT 3 STREAMS s >",
         "*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
         "*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
         "*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
         NULL},
        {"MOCK CLOCK ADVANCE 5000", ":1005000\r\n", NULL},
        {"XPENDING s g - + 10",
         "*3\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:5000\r\n:1\r\n"
         "*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:5000\r\n:1\r\n"
         "*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:5000\r\n:1\r\n",
         NULL},
        {"XPENDING s g IDLE 5001 - + 10", "*0\r\n", NULL},
        {"XINFO CONSUMERS s g",
         "*1\r\n*6\r\n$4\r\nname\r\n$2\r\nc1\r\n$7\r\npending\r\n:3\r\n"
         "$4\r\nidle\r\n:5000\r\n",
         NULL},
        {"XAUTOCLAIM s g c2 5001 0 JUSTID", "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", NULL},
        {"XAUTOCLAIM s g c2 5000 0 COUNT 2 JUSTID",
         "*3\r\n$3\r\n3-1\r\n*2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*0\r\n",
         "XAUTOCLAIM s g c2 0 0 COUNT 2 JUSTID"},
        {"MOCK CLOCK ADVANCE 100", ":1005100\r\n", NULL},
        {"XPENDING s g - + 10",
         "*3\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:100\r\n:1\r\n"
         "*4\r\n$3\r\n2-1\r\n$2\r\nc2\r\n:100\r\n:1\r\n"
         "*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:5100\r\n:1\r\n",
         NULL},
        {"XCLAIM s g c3 5101 3-1 JUSTID", "*0\r\n", NULL},
        {"XCLAIM s g c3 5100 3-1 JUSTID", "*1\r\n$3\r\n3-1\r\n", "XCLAIM s g c3 0 3-1 JUSTID"},
        {"XCLAIM s g c3 0 1-1 IDLE 300 JUSTID", "*1\r\n$3\r\n1-1\r\n", NULL},
        {"XCLAIM s g c3 0 2-1 TIME 1005000 RETRYCOUNT 9 JUSTID", "*1\r\n$3\r\n2-1\r\n", NULL},
        {"XPENDING s g - + 10",
         "*3\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc3\r\n:300\r\n:1\r\n"
         "*4\r\n$3\r\n2-1\r\n$2\r\nc3\r\n:100\r\n:9\r\n"
         "*4\r\n$3\r\n3-1\r\n$2\r\nc3\r\n:0\r\n:1\r\n",
         NULL},
        {"MOCK CLOCK ADVANCE 50", ":1005150\r\n", NULL},
        {"XINFO CONSUMERS s g",
         "*3\r\n*6\r\n$4\r\nname\r\n$2\r\nc1\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:5150\r\n"
         "*6\r\n$4\r\nname\r\n$2\r\nc2\r\n$7\r\npending\r\n:0\r\n$4\r\nidle\r\n:150\r\n"
         "*6\r\n$4\r\nname\r\n$2\r\nc3\r\n$7\r\npending\r\n:3\r\n$4\r\nidle\r\n:50\r\n",
         NULL},
        /* a history read delivers again: count up, idle back to 0 */
        {"XREADGROUP GROUP g c3 COUNT 1 STREAMS s 0",
         "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", NULL},
        {"XPENDING s g - 1-1 1", "*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc3\r\n:0\r\n:2\r\n", NULL},
        {"XINFO STREAM s FULL COUNT 1",
         "*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n"
         ":2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n"
         "0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n"
         "$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n"
         "*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n"
         "$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:3\r\n$7\r\n"
         "pending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc3\r\n:1005150\r\n:2\r\n$9\r\nconsumers\r\n"
         "*3\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n"
         ":0\r\n$7\r\npending\r\n*0\r\n*8\r\n$4\r\nname\r\n$2\r\nc2\r\n$9\r\nseen-time\r\n"
         ":1005000\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n*8\r\n$4\r\nname\r\n$2\r\n"
         "c3\r\n$9\r\nseen-time\r\n:1005150\r\n$9\r\npel-count\r\n:3\r\n$7\r\npending\r\n*1\r\n"
         "*3\r\n$3\r\n1-1\r\n:1005150\r\n:2\r\n",
         NULL},
    };
    run_clock_script(st, sizeof(st) / sizeof(st[0]));
}

/* XREADGROUP BLOCK times out on the server clock: MOCK CLOCK ADVANCE ends
 * it exactly at its deadline, nobody sleeping. */
static void test_block_timeout(void **state)
{
    (void)state;
    struct mh_conn a, b;
    struct mh_server *s = it_mock_clock(&a, &b);
    it_line_expect(&b, "XGROUP CREATE s g $ MKSTREAM", "+OK\r\n");
    it_line_send(&a, "XREADGROUP GROUP g c BLOCK 5000 STREAMS s >");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 4999", ":1004999\r\n");
    it_wait_info(&b, "blocked_clients:", 1); /* still */
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1", ":1005000\r\n");
    it_line_reply(&a, "*-1\r\n");
    /* timed out, it never read: no consumer was made */
    it_line_expect(&b, "XINFO CONSUMERS s g", "*0\r\n");
    /* CLIENT UNBLOCK: the timeout reply, or UNBLOCKED */
    struct buf id = BUF_INIT;
    assert_int_equal(mh_call(&a, "CLIENT ID", &id, 5000), MH_REPLY);
    char line[64];
    snprintf(line, sizeof(line), "CLIENT UNBLOCK %lld ERROR", strtoll(id.p + 1, NULL, 10));
    buf_free(&id);
    it_line_send(&a, "XREADGROUP GROUP g c BLOCK 0 STREAMS s >");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, line, ":1\r\n");
    it_line_reply(&a, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

/* ---- groups freed with their key ------------------------------------------ */

/* Builds a stream with two groups, consumers and pending entries at key. */
static void fill(struct mh_conn *c, const char *key)
{
    char line[256];
    for (int i = 1; i <= 5; i++) {
        snprintf(line, sizeof(line), "XADD %s %d-1 f v%d", key, i, i);
        it_line_send(c, line);
        struct buf r = BUF_INIT;
        assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
        buf_free(&r);
    }
    snprintf(line, sizeof(line), "XGROUP CREATE %s g1 0", key);
    it_line_expect(c, line, "+OK\r\n");
    snprintf(line, sizeof(line), "XGROUP CREATE %s g2 0", key);
    it_line_expect(c, line, "+OK\r\n");
    snprintf(line, sizeof(line), "XREADGROUP GROUP g1 a COUNT 2 STREAMS %s >", key);
    it_line_send(c, line);
    snprintf(line, sizeof(line), "XREADGROUP GROUP g1 b STREAMS %s >", key);
    it_line_send(c, line);
    snprintf(line, sizeof(line), "XREADGROUP GROUP g2 a STREAMS %s >", key);
    it_line_send(c, line);
    for (int i = 0; i < 3; i++) {
        struct buf r = BUF_INIT;
        assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
        buf_free(&r);
    }
    snprintf(line, sizeof(line), "XPENDING %s g1", key);
    it_line_send(c, line);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
    assert_true(strncmp(r.p, "*4\r\n:5\r\n", 8) == 0);
    buf_free(&r);
}

/* DEL, an expiry (lazy and active), a scenario's evict, COPY's copy
 * deleted, FLUSHALL: every group goes with its key, and a client blocked
 * on it is told. The clean exit is the proof (ASan, valgrind). */
static void test_freed_with_key(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "xgroup-evict",
                                           "finish control\n"
                                           "on PING do evict ev\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&b, "MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n");

    fill(&b, "del");
    it_line_expect(&b, "COPY del copy", ":1\r\n");
    it_line_expect(&b, "XACK copy g1 1-1", ":1\r\n");
    it_line_expect(&b, "DEL del copy", ":2\r\n");

    fill(&b, "lazy");
    it_line_expect(&b, "PEXPIRE lazy 10", ":1\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 10", ":1000010\r\n");
    it_line_expect(&b, "XINFO GROUPS lazy", "-ERR no such key\r\n");

    fill(&b, "active");
    it_line_expect(&b, "PEXPIRE active 10", ":1\r\n");
    it_line_send(&a, "XREADGROUP GROUP g1 z BLOCK 0 STREAMS active >");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 10000", ":1010010\r\n");
    it_line_reply(&a, "-UNBLOCKED the stream key no longer exists\r\n");
    it_line_expect(&b, "EXISTS active", ":0\r\n");

    fill(&b, "ev");
    it_line_send(&a, "XREADGROUP GROUP g2 z BLOCK 0 STREAMS ev >");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "PING", "+PONG\r\n");
    it_line_reply(&a, "-UNBLOCKED the stream key no longer exists\r\n");
    it_line_expect(&b, "EXISTS ev", ":0\r\n");

    fill(&b, "flushed");
    it_line_expect(&b, "FLUSHALL", "+OK\r\n");
    fill(&b, "kept"); /* freed at exit */

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_consumers),  cmocka_unit_test(test_blocked_key_gone),
        cmocka_unit_test(test_watch),          cmocka_unit_test(test_events),
        cmocka_unit_test(test_idle_times),     cmocka_unit_test(test_block_timeout),
        cmocka_unit_test(test_freed_with_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
