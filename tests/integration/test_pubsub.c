/* test_pubsub.c - SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and PUBLISH across
 * connections.
 *
 * The single-connection corpus (tests/diff/corpus/pubsub.txt) covers what
 * one client sees of its own commands. Here messages travel between
 * clients: each script runs against redis-server and against mockredis,
 * and the two transcripts (every reply and message of every connection,
 * in script order) must be byte-identical. Then what only mockredis has:
 * scenario rules shaping a subscriber's replies while messages arrive,
 * and hiredis's async API (as the lessons use it) subscribing. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "buf.h"

/* One message reaches every subscriber of the channel, then every client
 * with a matching pattern; PUBLISH counts receivers, a client that has
 * both counting twice. Payloads are binary safe, empty ones too. */
static void test_fanout(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "SUBSCRIBE news", "A", IT_NOWAIT},
        {'C', "SUBSCRIBE news", "C", IT_NOWAIT},
        {'C', "PSUBSCRIBE n*s", "C", IT_NOWAIT},
        {'B', "PUBLISH news hello", "BACC", IT_NOWAIT},
        {'B', "PUBLISH nws \"a\\x00b\"", "BC", IT_NOWAIT},
        {'B', "PUBLISH news \"\"", "BACC", IT_NOWAIT},
        {'B', "PUBLISH other x", "B", IT_NOWAIT},
        {'B', "PUBSUB NUMSUB news nws", "B", IT_NOWAIT},
        {'B', "PUBSUB NUMPAT", "B", IT_NOWAIT},
        {'B', "PUBSUB CHANNELS", "B", IT_NOWAIT},
        {'A', "UNSUBSCRIBE news", "A", IT_NOWAIT},
        {'B', "PUBLISH news again", "BCC", IT_NOWAIT},
        {'C', "PUNSUBSCRIBE", "C", IT_NOWAIT},
        {'B', "PUBLISH news last", "BC", IT_NOWAIT},
    };
    IT_DIFF(
        s,
        "C: *4\\r\\n$8\\r\\npmessage\\r\\n$3\\r\\nn*s\\r\\n$3\\r\\nnws\\r\\n$3\\r\\na\\x00b\\r\\n");
}

/* Shard channels are a namespace of their own: SPUBLISH reaches only
 * SSUBSCRIBE, never a pattern; PUBLISH never reaches SSUBSCRIBE. */
static void test_shard(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "SSUBSCRIBE orders", "A", IT_NOWAIT},
        {'C', "PSUBSCRIBE *", "C", IT_NOWAIT},
        {'B', "SPUBLISH orders o1", "BA", IT_NOWAIT},
        {'B', "PUBLISH orders o2", "BC", IT_NOWAIT},
        {'B', "PUBSUB SHARDNUMSUB orders", "B", IT_NOWAIT},
        {'B', "PUBSUB SHARDCHANNELS", "B", IT_NOWAIT},
        {'B', "PUBSUB NUMSUB orders", "B", IT_NOWAIT},
        {'A', "SUNSUBSCRIBE", "A", IT_NOWAIT},
        {'B', "SPUBLISH orders o3", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *3\\r\\n$8\\r\\nsmessage\\r\\n$6\\r\\norders\\r\\n$2\\r\\no1\\r\\n");
}

/* Leaving: QUIT and CLIENT KILL end the subscriptions with the
 * connection, so do a disconnect and RESET. */
static void test_leaving(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "SUBSCRIBE ch", "A", IT_NOWAIT},
        {'C', "PSUBSCRIBE c*", "C", IT_NOWAIT},
        {'A', "QUIT", "A-A", IT_NOWAIT},
        {'B', "PUBLISH ch 1", "BC", IT_NOWAIT},
        {'C', "RESET", "C", IT_NOWAIT},
        {'B', "PUBLISH ch 2", "B", IT_NOWAIT},
        {'A', "SUBSCRIBE ch", "A", IT_NOWAIT},
        {'C', "SUBSCRIBE ch", "C", IT_NOWAIT},
        {'A', NULL, "", 3, -1}, /* B, C and the runner's own */
        {'B', "PUBLISH ch 3", "BC", IT_NOWAIT},
        {'B', "PUBSUB NUMSUB ch", "B", IT_NOWAIT},
        {'A', "PSUBSCRIBE *", "A", IT_NOWAIT},
        {'B', "CLIENT KILL TYPE pubsub", "B-A-C", IT_NOWAIT},
        {'B', "PUBLISH ch 4", "B", IT_NOWAIT},
        {'B', "PUBSUB NUMPAT", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "B: :2\\r\\n");
}

/* Transactions: a publisher's EXEC delivers in command order; SUBSCRIBE
 * queued in MULTI runs in EXEC. A RESP2 subscriber may not MULTI. A
 * subscriber killed by the EXEC that published to it gets nothing. */
static void test_multi(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "SUBSCRIBE ch", "A", IT_NOWAIT},
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "PUBLISH ch first", "B", IT_NOWAIT},
        {'B', "SET k v", "B", IT_NOWAIT},
        {'B', "PUBLISH ch second", "B", IT_NOWAIT},
        {'B', "EXEC", "BAA", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'C', "MULTI", "C", IT_NOWAIT},
        {'C', "SUBSCRIBE ch", "C", IT_NOWAIT},
        {'C', "EXEC", "C", IT_NOWAIT},
        {'B', "PUBLISH ch third", "BAC", IT_NOWAIT},
        /* Killed inside EXEC: the messages not yet written are dropped. */
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "PUBLISH ch fourth", "B", IT_NOWAIT},
        {'B', "CLIENT KILL TYPE pubsub", "B", IT_NOWAIT},
        {'B', "PUBLISH ch fifth", "B", IT_NOWAIT},
        {'B', "EXEC", "B-A-C", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *3\\r\\n$7\\r\\nmessage\\r\\n$2\\r\\nch\\r\\n$6\\r\\nsecond\\r\\n");
}

/* RESP3: confirmations and messages are pushes, and a subscriber runs
 * any command; a message to oneself comes before the reply; a client
 * blocked in BLPOP gets pushes meanwhile, then its reply. */
static void test_resp3(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},
        {'A', "SUBSCRIBE ch", "A", IT_NOWAIT},
        {'A', "PSUBSCRIBE c*", "A", IT_NOWAIT},
        {'A', "SET k v", "A", IT_NOWAIT},
        {'B', "PUBLISH ch m1", "BAA", IT_NOWAIT},
        {'A', "PUBLISH ch self", "AAA", IT_NOWAIT},
        {'A', "PUNSUBSCRIBE", "A", IT_NOWAIT},
        {'A', "BLPOP list 0", "", -1, 1},
        {'B', "PUBLISH ch while-blocked", "BA", IT_NOWAIT},
        {'B', "RPUSH list x", "BA", IT_NOWAIT},
        {'A', "HELLO 2", "A", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'B', "PUBLISH ch resp2", "BA", IT_NOWAIT},
    };
    IT_DIFF(s, "A: >3\\r\\n$7\\r\\nmessage\\r\\n$2\\r\\nch\\r\\n$13\\r\\nwhile-blocked\\r\\n");
}

/* Many big messages to a subscriber that does not read: they wait in its
 * output (partial writes) and arrive whole and in order. */
static void test_backlog(void **state)
{
    (void)state;
#define PS_BIG 40
    static struct it_step s[2 + PS_BIG + 1];
    static char lines[PS_BIG][40100];
    static char expect[PS_BIG + 2];
    s[0] = (struct it_step){'A', "SUBSCRIBE big", "A", IT_NOWAIT};
    for (int i = 0; i < PS_BIG; i++) {
        int n = snprintf(lines[i], sizeof(lines[i]), "PUBLISH big %02d", i);
        memset(lines[i] + n, 'a' + i % 26, 40000);
        lines[i][n + 40000] = '\0';
        s[1 + i] = (struct it_step){'B', lines[i], "B", IT_NOWAIT};
        expect[i] = 'A';
    }
    expect[PS_BIG] = '\0';
    s[1 + PS_BIG] = (struct it_step){'B', "PING", "B", IT_NOWAIT};
    s[2 + PS_BIG] = (struct it_step){'B', "PING", expect, IT_NOWAIT};
    IT_DIFF(s, "A: *3\\r\\n$7\\r\\nmessage\\r\\n$3\\r\\nbig\\r\\n$40002\\r\\n39");
}

/* ---- mockredis only ------------------------------------------------------------ */

/* What CLIENT LIST and INFO show of subscribers: flag P, the counts per
 * kind, TYPE pubsub; INFO's figures count distinct names. */
static void test_introspection(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a, b, c;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    it_line_send(&a, "SUBSCRIBE x y");
    it_line_reply(&a, "*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n");
    it_line_reply(&a, "*3\r\n$9\r\nsubscribe\r\n$1\r\ny\r\n:2\r\n");
    it_line_send(&a, "PSUBSCRIBE p*");
    it_line_reply(&a, "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
    it_line_send(&a, "SSUBSCRIBE s");
    it_line_reply(&a, "*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");
    it_line_send(&c, "PSUBSCRIBE p*");
    it_line_reply(&c, "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:1\r\n");

    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&b, "CLIENT LIST TYPE pubsub", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, " flags=P db=0 sub=2 psub=1 ssub=1 "));
    assert_non_null(strstr(r.p, " flags=P db=0 sub=0 psub=1 ssub=0 "));
    assert_null(strstr(r.p, "flags=N"));
    assert_int_equal(mh_call(&b, "CLIENT LIST TYPE normal", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, " flags=N db=0 sub=0 psub=0 ssub=0 "));
    assert_null(strstr(r.p, "flags=P"));
    assert_int_equal(mh_call(&b, "INFO stats", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, "\r\npubsub_channels:2\r\npubsub_patterns:1\r\n"
                                "pubsubshard_channels:1\r\n"));
    it_line_send(&b, "CLIENT KILL TYPE pubsub");
    it_line_reply(&b, ":2\r\n");
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_EOF);
    assert_int_equal(mh_read_reply(&c, &r, 5000), MH_EOF);
    assert_int_equal(mh_call(&b, "INFO stats", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, "\r\npubsub_channels:0\r\npubsub_patterns:0\r\n"
                                "pubsubshard_channels:0\r\n"));
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&b);
    mh_conn_close(&c);
    it_stop_ok(s);
}

/* Waits until INFO commandstats on c shows what ("cmdstat_get:calls=1,"):
 * the command has run. Fails after 5 s. */
static void ps_wait_stat(struct mh_conn *c, const char *what)
{
    struct buf r = BUF_INIT;
    long long until = it_now_ms() + 5000;
    while (mh_call(c, "INFO commandstats", &r, 5000) == MH_REPLY && strstr(r.p, what) == NULL)
        if (it_now_ms() > until)
            fail_msg("no %s", what);
    buf_free(&r);
}

/* A subscriber whose reply a scenario is writing in pieces, or holding
 * back for latency, gets a message meanwhile: the message follows the
 * reply, and both arrive whole. Rules apply to PUBLISH like any command. */
static void test_scenario(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s =
        it_mock_scenario(file, sizeof(file), "pubsub",
                         "finish control\n"
                         "on GET slow do pieces 3 pause 30ms\n"
                         "on ECHO late do latency 60ms\n"
                         "on PUBLISH refused * do reply (error) ERR refused by the scenario\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);

    it_line_send(&a, "HELLO 3");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_REPLY);
    buf_free(&r);
    it_line_send(&a, "SUBSCRIBE ch");
    it_line_reply(&a, ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    it_line_send(&b, "SET slow 0123456789");
    it_line_reply(&b, "+OK\r\n");

    it_line_send(&a, "GET slow");
    ps_wait_stat(&b, "cmdstat_get:calls=1,");
    it_line_send(&b, "PUBLISH ch during-pieces");
    it_line_reply(&b, ":1\r\n");
    it_line_reply(&a, "$10\r\n0123456789\r\n");
    it_line_reply(&a, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$13\r\nduring-pieces\r\n");

    it_line_send(&a, "ECHO late");
    ps_wait_stat(&b, "cmdstat_echo:calls=1,");
    it_line_send(&b, "PUBLISH ch during-latency");
    it_line_reply(&b, ":1\r\n");
    it_line_reply(&a, "$4\r\nlate\r\n");
    it_line_reply(&a, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$14\r\nduring-latency\r\n");

    it_line_send(&b, "PUBLISH refused x");
    it_line_reply(&b, "-ERR refused by the scenario\r\n");
    it_line_send(&b, "PUBLISH ch after");
    it_line_reply(&b, ":1\r\n");
    it_line_reply(&a, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nafter\r\n");

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* A scenario's timed "run" publishes to real subscribers; one that
 * subscribes leaves nothing behind (its client is gone right after). */
static void test_scenario_run(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "pubsub",
                                           "finish control\n"
                                           "clock virtual\n"
                                           "at 1s do run SUBSCRIBE ghost\n"
                                           "at 2s do run PUBLISH ch from-scenario\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_send(&a, "SUBSCRIBE ch");
    it_line_reply(&a, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&b, "MOCK CLOCK ADVANCE 3000", &r, 5000), MH_REPLY);
    it_line_reply(&a, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$13\r\nfrom-scenario\r\n");
    it_line_send(&b, "PUBLISH ghost x");
    it_line_reply(&b, ":0\r\n");
    it_line_send(&b, "PUBSUB NUMSUB ghost");
    it_line_reply(&b, "*2\r\n$5\r\nghost\r\n:0\r\n");
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* ---- hiredis async (0.14, libevent), as the lessons use it ---------------------- */

struct ps_async {
    struct event_base *base;
    redisAsyncContext *sub, *pub;
    int confirmed, messages, pmessages, published, done;
    char last[64];
};

static void ps_on_publish(redisAsyncContext *ac, void *r, void *priv)
{
    (void)ac;
    struct ps_async *st = priv;
    redisReply *reply = r;
    if (reply && reply->type == REDIS_REPLY_INTEGER)
        st->published += (int)reply->integer;
}

/* Called for the confirmations and for every message of the subscriber. */
static void ps_on_message(redisAsyncContext *ac, void *r, void *priv)
{
    struct ps_async *st = priv;
    redisReply *reply = r;
    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements < 3)
        return;
    const char *kind = reply->element[0]->str;
    if (strcmp(kind, "subscribe") == 0 || strcmp(kind, "psubscribe") == 0) {
        if (++st->confirmed == 2) /* both: publish from the other context */
            redisAsyncCommand(st->pub, ps_on_publish, st, "PUBLISH %s %b", "lesson.news",
                              "hi\0there", (size_t)8);
    } else if (strcmp(kind, "message") == 0) {
        st->messages++;
        snprintf(st->last, sizeof(st->last), "%s", reply->element[1]->str);
        assert_int_equal(reply->element[2]->len, 8);
        assert_memory_equal(reply->element[2]->str, "hi\0there", 8);
    } else if (strcmp(kind, "pmessage") == 0 && reply->elements == 4) {
        st->pmessages++;
        assert_string_equal(reply->element[1]->str, "lesson.*");
    }
    if (st->messages == 1 && st->pmessages == 1 && !st->done) {
        st->done = 1;
        redisAsyncDisconnect(ac);
        redisAsyncDisconnect(st->pub);
    }
}

static void ps_on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(arg);
}

static void test_hiredis_async(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct ps_async st;
    memset(&st, 0, sizeof(st));
    st.base = event_base_new();
    st.sub = redisAsyncConnect("127.0.0.1", mh_server_port(s));
    st.pub = redisAsyncConnect("127.0.0.1", mh_server_port(s));
    assert_true(st.sub && !st.sub->err && st.pub && !st.pub->err);
    redisLibeventAttach(st.sub, st.base);
    redisLibeventAttach(st.pub, st.base);
    redisAsyncCommand(st.sub, ps_on_message, &st, "SUBSCRIBE lesson.news");
    redisAsyncCommand(st.sub, ps_on_message, &st, "PSUBSCRIBE lesson.*");
    struct event *timer = evtimer_new(st.base, ps_on_timeout, st.base);
    struct timeval five = {5, 0};
    evtimer_add(timer, &five);
    event_base_dispatch(st.base);
    event_free(timer);
    if (!st.done) { /* timed out: the contexts are still connected */
        redisAsyncFree(st.sub);
        redisAsyncFree(st.pub);
    }
    event_base_free(st.base);
    assert_true(st.done);
    assert_int_equal(st.confirmed, 2);
    assert_int_equal(st.published, 2);
    assert_string_equal(st.last, "lesson.news");
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fanout),        cmocka_unit_test(test_shard),
        cmocka_unit_test(test_leaving),       cmocka_unit_test(test_multi),
        cmocka_unit_test(test_resp3),         cmocka_unit_test(test_backlog),
        cmocka_unit_test(test_introspection), cmocka_unit_test(test_scenario),
        cmocka_unit_test(test_scenario_run),  cmocka_unit_test(test_hiredis_async),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
