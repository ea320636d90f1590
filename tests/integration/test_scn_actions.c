/* test_scn_actions.c - every scenario action, seen through a real client.
 *
 * For each action of docs/scenarios.md (reply values, delay, latency,
 * pieces, split, close before/after/middle, reset, hang, corrupt,
 * evict/expire/retype, advance, pass), each connection rule (refuse, delay, silent, close), each
 * rule condition, strict replay, expectations, the maxclients header and an
 * invalid file, a test writes a small scenario to a temporary file, plays it
 * with `mockredis --scenario F --report R`, drives it with hiredis (and a raw
 * socket where the byte boundaries are the point) and asserts what the
 * client sees, then the exit status and the JSON report.
 *
 * Scenarios end with "finish idle" (the default): the server exits 100 ms
 * after its last client left, so every test closes its connections and
 * waits for the exit status. Timings are only asserted as lower bounds.
 *
 * What hiredis reports (0.14, checked here; 1.x differs where guarded):
 *  - server closed the socket: REDIS_ERR_EOF "Server closed the connection";
 *  - TCP RST: REDIS_ERR_IO "Connection reset by peer" (strerror(ECONNRESET));
 *  - no reply within redisSetTimeout: REDIS_ERR_IO "Resource temporarily
 *    unavailable" (strerror(EAGAIN));
 *  - "!garbage": 0.14 REDIS_ERR_PROTOCOL 'Protocol error, got "!" as reply
 *    type byte' (1.x reads '!' as a RESP3 blob error: "Bad bulk string
 *    length" or similar, still REDIS_ERR_PROTOCOL);
 *  - ",3.14" to a RESP2 client: 0.14 a protocol error on ','; 1.x a
 *    REDIS_REPLY_DOUBLE;
 *  - a bulk length one too long: hiredis does not check the CRLF after a
 *    payload, so it waits for one more byte; with the next reply behind it
 *    it returns the payload plus '\r' and then fails on the desynchronised
 *    stream. */
#include "it.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtext.h"

/* Timings are asserted as lower bounds only. A scripted delay is a libevent
 * timer, which never fires before its time on a precise clock, but can fire
 * a tick early (a few ms) where libevent falls back to the coarse monotonic
 * clock; this allowance keeps the bounds meaningful without flakiness. */
#define SA_SLACK_MS 5

/* ---- a scenario being played ------------------------------------------------ */

struct sa_play {
    char file[64];
    char report[64];
    struct mh_server *s;
    int port;
    char *json; /* the --report file, after sa_finish */
};

/* Writes text as a scenario file and starts mockredis playing it, also on
 * the Unix socket unixsock when that is not NULL. */
static void sa_start_on(struct sa_play *p, const char *text, const char *unixsock)
{
    memset(p, 0, sizeof(*p));
    it_write_temp(p->file, sizeof(p->file), "scnact", text);
    it_write_temp(p->report, sizeof(p->report), "scnact", "");
    const char *args[] = {
        "--scenario", p->file, "--report", p->report, unixsock ? "--unixsocket" : NULL,
        unixsock,     NULL};
    p->s = it_mock(args);
    p->port = mh_server_port(p->s);
}

static void sa_start(struct sa_play *p, const char *text)
{
    sa_start_on(p, text, NULL);
}

static char *sa_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char *out = calloc(1, 65536);
    size_t n = fread(out, 1, 65535, f);
    out[n] = '\0';
    fclose(f);
    return out;
}

/* Waits for the scenario to end on its own (every client must be gone),
 * requires exit status want, reads the report into p->json. */
static void sa_finish(struct sa_play *p, int want)
{
    int st = 0;
    if (!mh_server_wait(p->s, 5000, &st)) {
        it_stop(p->s);
        fail_msg("scenario did not end within 5 s of the last client leaving");
    }
    it_stop(p->s);
    p->s = NULL;
    if (WIFSIGNALED(st))
        fail_msg("mockredis died of signal %d", WTERMSIG(st));
    assert_true(WIFEXITED(st));
    p->json = sa_slurp(p->report);
    unlink(p->file);
    unlink(p->report);
    assert_non_null(p->json);
    if (WEXITSTATUS(st) != want)
        fail_msg("exit status %d, want %d; report: %s", WEXITSTATUS(st), want, p->json);
    assert_non_null(strstr(p->json, want == 0 ? "\"passed\":true" : "\"passed\":false"));
}

static void sa_done(struct sa_play *p)
{
    free(p->json);
    p->json = NULL;
}

/* ---- hiredis helpers ---------------------------------------------------------- */

static redisReply *sa_cmd(redisContext *ctx, const char *cmd)
{
    redisReply *r = redisCommand(ctx, cmd);
    if (r == NULL)
        fail_msg("%s: no reply (err %d: %s)", cmd, ctx->err, ctx->errstr);
    return r;
}

/* Runs cmd and requires that hiredis fails with err and errstr. */
static void sa_cmd_fails(redisContext *ctx, const char *cmd, int err, const char *errstr)
{
    redisReply *r = redisCommand(ctx, cmd);
    if (r != NULL) {
        int type = r->type;
        freeReplyObject(r);
        fail_msg("%s: got a reply of type %d, want error %d '%s'", cmd, type, err, errstr);
    }
    if (ctx->err != err || strcmp(ctx->errstr, errstr) != 0)
        fail_msg("%s: err %d '%s', want %d '%s'", cmd, ctx->err, ctx->errstr, err, errstr);
}

/* Waits until the server's FIN has reached ctx's socket (it is readable),
 * so the next command goes out on a connection the server has closed, not
 * one it is about to close with that command unread (a reset). Bounded by
 * 5 s; no reply bytes may be pending. */
static void sa_wait_fin(redisContext *ctx)
{
    struct pollfd pfd = {.fd = IT_CTX_FD(ctx), .events = POLLIN};
    if (poll(&pfd, 1, 5000) != 1)
        fail_msg("the server did not close the connection within 5 s");
}

/* QUIT, then wait for the server's FIN: the server has closed (and
 * forgotten) the connection when this returns, so the next connection is
 * not open at the same time. Frees ctx. */
static void sa_quit(redisContext *ctx)
{
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "QUIT");
    sa_wait_fin(ctx);
    redisFree(ctx);
}

static void sa_get(redisContext *ctx, const char *key, const char *want)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "GET %s", key);
    if (want == NULL)
        it_cmd_expect(ctx, REDIS_REPLY_NIL, "", cmd);
    else
        it_cmd_expect(ctx, REDIS_REPLY_STRING, want, cmd);
}

static void sa_set_timeout_ms(redisContext *ctx, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    assert_int_equal(redisSetTimeout(ctx, tv), REDIS_OK);
}

/* The error hiredis reports when a blocking read times out. */
static void sa_expect_timeout(redisContext *ctx, const char *cmd)
{
    long long t0 = it_now_ms();
    redisReply *r = redisCommand(ctx, cmd);
    assert_null(r);
#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1 && defined(REDIS_ERR_TIMEOUT)
    assert_true(ctx->err == REDIS_ERR_IO || ctx->err == REDIS_ERR_TIMEOUT);
#else
    assert_int_equal(ctx->err, REDIS_ERR_IO);
    assert_string_equal(ctx->errstr, strerror(EAGAIN));
    assert_string_equal(ctx->errstr, "Resource temporarily unavailable");
#endif
    assert_true(it_now_ms() - t0 >= 200 - SA_SLACK_MS);
}

/* ---- raw socket: how the bytes arrive ----------------------------------------- */

struct sa_recv {
    char data[256];
    size_t len;
    int nrecv;         /* recv() calls that returned bytes */
    size_t first;      /* bytes in the first of them */
    long long elapsed; /* ms from sending the command to the last byte */
};

/* Sends cmd (inline form is fine for mockredis) and reads until want bytes
 * arrived or the peer closed, counting the recv() calls. */
static void sa_raw(int port, const char *cmd, size_t want, struct sa_recv *out)
{
    memset(out, 0, sizeof(*out));
    int fd = mh_connect(port);
    assert_true(fd >= 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    long long t0 = it_now_ms();
    assert_int_equal(mh_send(fd, cmd, strlen(cmd)), 0);
    while (out->len < want) {
        ssize_t n = recv(fd, out->data + out->len, sizeof(out->data) - out->len, 0);
        if (n <= 0)
            break;
        if (out->nrecv++ == 0)
            out->first = (size_t)n;
        out->len += (size_t)n;
    }
    out->elapsed = it_now_ms() - t0;
    close(fd);
}

/* ---- reply values ---------------------------------------------------------------- */

static const char *const sa_errors[] = {
    "WRONGTYPE Operation against a key holding the wrong kind of value",
    "OOM command not allowed when used memory > 'maxmemory'.",
    "LOADING Redis is loading the dataset in memory",
    "MOVED 3999 127.0.0.1:6381",
    "READONLY You can't write against a read only replica.",
};

static void test_reply_values(void **state)
{
    (void)state;
    char text[4096];
    int n = snprintf(text, sizeof(text),
                     "name \"reply values\"\n"
                     "on GET ok do reply OK\n"
                     "on GET text do reply \"some text\"\n"
                     "on GET nil do reply (nil)\n"
                     "on GET int do reply (integer) -42\n"
                     "on GET dbl do reply (double) 1.5\n"
                     "on GET yes do reply (true)\n"
                     "on GET no do reply (false)\n"
                     "on GET empty do reply (empty array)\n"
                     "on GET compact do reply [(integer) 1, \"x\", (nil), [PONG, \"y\"]]\n"
                     "on GET numbered do reply\n"
                     "    1) \"a\"\n"
                     "    2) 1) \"nested\"\n"
                     "       2) (integer) 3\n"
                     "on GET raw do reply raw \"$3\\r\\na\\x00b\\r\\n\"\n"
                     "on GET rawstatus do reply raw \"+hello\\r\\n\"\n");
    for (size_t i = 0; i < sizeof(sa_errors) / sizeof(sa_errors[0]); i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n, "on GET err%zu do reply (error) %s\n", i,
                      sa_errors[i]);
    snprintf(text + n, sizeof(text) - (size_t)n, "expect commands GET == 17\n");

    struct sa_play p;
    sa_start(&p, text);
    redisContext *ctx = it_connect(p.port);

    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "GET ok");
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "some text", "GET text");
    it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET nil");
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "-42", "GET int");
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "1.5", "GET dbl"); /* RESP2: a bulk string */
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "1", "GET yes");
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "0", "GET no");

    redisReply *r = sa_cmd(ctx, "GET empty");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 0);
    freeReplyObject(r);

    r = sa_cmd(ctx, "GET compact");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 4);
    assert_int_equal(r->element[0]->type, REDIS_REPLY_INTEGER);
    assert_int_equal(r->element[0]->integer, 1);
    assert_int_equal(r->element[1]->type, REDIS_REPLY_STRING);
    assert_string_equal(r->element[1]->str, "x");
    assert_int_equal(r->element[2]->type, REDIS_REPLY_NIL);
    assert_int_equal(r->element[3]->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->element[3]->elements, 2);
    assert_int_equal(r->element[3]->element[0]->type, REDIS_REPLY_STATUS);
    assert_string_equal(r->element[3]->element[0]->str, "PONG");
    assert_string_equal(r->element[3]->element[1]->str, "y");
    freeReplyObject(r);

    r = sa_cmd(ctx, "GET numbered");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_int_equal(r->element[0]->type, REDIS_REPLY_STRING);
    assert_string_equal(r->element[0]->str, "a");
    assert_int_equal(r->element[1]->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->element[1]->elements, 2);
    assert_string_equal(r->element[1]->element[0]->str, "nested");
    assert_int_equal(r->element[1]->element[1]->type, REDIS_REPLY_INTEGER);
    assert_int_equal(r->element[1]->element[1]->integer, 3);
    freeReplyObject(r);

    r = sa_cmd(ctx, "GET raw");
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_int_equal(IT_REPLY_LEN(r), 3);
    assert_memory_equal(r->str, "a\0b", 3);
    freeReplyObject(r);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "hello", "GET rawstatus");

    for (size_t i = 0; i < sizeof(sa_errors) / sizeof(sa_errors[0]); i++)
        it_cmd_expect(ctx, REDIS_REPLY_ERROR, sa_errors[i], "GET err%d", (int)i);
    assert_int_equal(ctx->err, 0);
    redisFree(ctx);
    sa_finish(&p, 0);
    assert_non_null(strstr(p.json, "\"commands\":17"));
    sa_done(&p);
}

/* The same values at byte level, where the framing is the point. */
static void test_reply_bytes(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on GET dbl do reply (double) 1.5\n"
                 "on GET arr do reply [\"a\", (integer) 2]\n"
                 "on GET raw do reply raw \"not resp at all\"\n");
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, p.port), 0);
    it_raw_expect(&c, IT_S("GET dbl\r\n"), IT_S("$3\r\n1.5\r\n"));
    it_raw_expect(&c, IT_S("GET arr\r\n"), IT_S("*2\r\n$1\r\na\r\n:2\r\n"));
    mh_conn_close(&c);

    struct sa_recv rv;
    sa_raw(p.port, "GET raw\r\n", 15, &rv);
    assert_int_equal(rv.len, 15);
    assert_memory_equal(rv.data, "not resp at all", 15);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- delay ----------------------------------------------------------------------- */

static void test_delay(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on GET k do delay 150ms\n"
                 "on GET r do delay 100ms..140ms then reply \"ranged\"\n"
                 "expect rule 1 == 2\n");
    redisContext *ctx = it_connect(p.port);

    long long t0 = it_now_ms();
    sa_get(ctx, "k", "v");
    assert_true(it_now_ms() - t0 >= 150 - SA_SLACK_MS);

    t0 = it_now_ms();
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "ranged", "GET r");
    assert_true(it_now_ms() - t0 >= 100 - SA_SLACK_MS);

    /* A pipelined PING waits behind the delayed reply: order is kept. */
    t0 = it_now_ms();
    assert_int_equal(redisAppendCommand(ctx, "GET k"), REDIS_OK);
    assert_int_equal(redisAppendCommand(ctx, "PING"), REDIS_OK);
    void *v = NULL;
    assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
    redisReply *r = v;
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_string_equal(r->str, "v");
    freeReplyObject(r);
    assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
    r = v;
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    assert_string_equal(r->str, "PONG");
    freeReplyObject(r);
    assert_true(it_now_ms() - t0 >= 150 - SA_SLACK_MS);

    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* Over TCP a delay counts from when the command arrived (the kernel's
 * receive stamp); a Unix socket has no stamps and counts from when the
 * server ran the command. Either way the reply never comes early. */
static void test_delay_unix(void **state)
{
    (void)state;
    char path[108];
    snprintf(path, sizeof(path), "/tmp/mockredis-scnact-%d.sock", (int)getpid());
    struct sa_play p;
    sa_start_on(&p,
                "setup\n    SET k v\nend\n"
                "on GET k do delay 150ms\n"
                "on PING far do latency 120ms\n"
                "expect rule 1 == 2\n",
                path);
    struct timeval tv = {5, 0};
    redisContext *u = redisConnectUnixWithTimeout(path, tv);
    assert_non_null(u);
    if (u->err)
        fail_msg("cannot connect to %s: %s", path, u->errstr);
    redisSetTimeout(u, tv);
    long long t0 = it_now_ms();
    sa_get(u, "k", "v");
    assert_true(it_now_ms() - t0 >= 150 - SA_SLACK_MS);
    t0 = it_now_ms();
    it_cmd_expect(u, REDIS_REPLY_STRING, "far", "PING far");
    assert_true(it_now_ms() - t0 >= 120 - SA_SLACK_MS);

    redisContext *t = it_connect(p.port);
    t0 = it_now_ms();
    sa_get(t, "k", "v");
    assert_true(it_now_ms() - t0 >= 150 - SA_SLACK_MS);
    redisFree(t);
    redisFree(u);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* Sends n pipelined "PING <prefix><i>" and reads the n replies, requiring
 * each to echo its own argument (so order is checked); at[i] gets the ms
 * from sending to reply i. */
static void sa_ping_pipeline(redisContext *ctx, const char *prefix, int n, long long *at)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(redisAppendCommand(ctx, "PING %s%d", prefix, i), REDIS_OK);
    long long t0 = it_now_ms();
    for (int i = 0; i < n; i++) {
        void *v = NULL;
        assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
        at[i] = it_now_ms() - t0;
        redisReply *r = v;
        char want[32];
        snprintf(want, sizeof(want), "%s%d", prefix, i);
        assert_int_equal(r->type, REDIS_REPLY_STRING);
        assert_string_equal(r->str, want);
        freeReplyObject(r);
    }
}

/* latency is the network's: replies overlap, so a pipeline is answered
 * about one latency after it arrived; delay is the server's: pipelined
 * replies queue behind each other. Times are lower bounds only; that the
 * latency replies overlapped is read from the server (all 10 held at
 * once), as a deadline would fail on a slow build under load, and that
 * the delayed ones did not, from the server too (one at a time). */
static void test_latency(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on PING far* do latency 300ms\n"
                 "on PING slow* do delay 100ms\n"
                 "expect rule 1 == 10\n"
                 "expect rule 2 == 10\n");
    redisContext *ctx = it_connect(p.port);
    long long at[10];

    sa_ping_pipeline(ctx, "far", 10, at);
    for (int i = 0; i < 10; i++)
        if (at[i] < 300 - 50)
            fail_msg("latency: reply %d after %lld ms, want >= 250", i, at[i]);
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "10", "MOCK STAT peak_held_replies");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MOCK RESETSTATS");

    sa_ping_pipeline(ctx, "slow", 10, at);
    if (at[9] < 1000 - 10 * SA_SLACK_MS)
        fail_msg("delay: the 10th reply after %lld ms, want >= %d", at[9], 1000 - 10 * SA_SLACK_MS);
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "1", "MOCK STAT peak_held_replies");

    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* A reply never overtakes an earlier one still in flight, whether it has a
 * shorter latency or none; the range form picks within its bounds; a close
 * after a latency waits for the reply to be written; latency adds to delay. */
static void test_latency_order(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET far 1\n    SET near 2\n    SET bye 3\n    SET both 4\nend\n"
                 "on GET far do latency 200ms\n"
                 "on GET near do latency 10ms..20ms\n"
                 "on GET bye do latency 150ms then close after\n"
                 "on GET both do delay 100ms then latency 100ms\n");
    redisContext *ctx = it_connect(p.port);

    long long t0 = it_now_ms();
    assert_int_equal(redisAppendCommand(ctx, "GET far"), REDIS_OK);
    assert_int_equal(redisAppendCommand(ctx, "GET near"), REDIS_OK);
    assert_int_equal(redisAppendCommand(ctx, "PING"), REDIS_OK);
    const char *want[] = {"1", "2", "PONG"};
    for (int i = 0; i < 3; i++) {
        void *v = NULL;
        assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
        redisReply *r = v;
        assert_string_equal(r->str, want[i]);
        freeReplyObject(r);
        if (it_now_ms() - t0 < 200 - SA_SLACK_MS)
            fail_msg("reply %d arrived %lld ms after sending, before the one ahead of it", i,
                     it_now_ms() - t0);
    }

    t0 = it_now_ms();
    sa_get(ctx, "near", "2");
    assert_true(it_now_ms() - t0 >= 10 - SA_SLACK_MS);

    t0 = it_now_ms();
    sa_get(ctx, "both", "4");
    assert_true(it_now_ms() - t0 >= 200 - SA_SLACK_MS);

    t0 = it_now_ms();
    sa_get(ctx, "bye", "3");
    assert_true(it_now_ms() - t0 >= 150 - SA_SLACK_MS);
    sa_wait_fin(ctx);
    sa_cmd_fails(ctx, "PING", REDIS_ERR_EOF, "Server closed the connection");

    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* MOCK STAT name on c, as a number. */
static long long sa_stat(struct mh_conn *c, const char *name)
{
    char line[64];
    struct buf r = BUF_INIT;
    snprintf(line, sizeof(line), "MOCK STAT %s", name);
    assert_int_equal(mh_call(c, line, &r, 5000), MH_REPLY);
    if (r.p[0] != ':')
        fail_msg("%s: %s", line, r.p);
    long long v = strtoll(r.p + 1, NULL, 10);
    buf_free(&r);
    return v;
}

/* Waits (5 s at most) until MOCK STAT name on c reads want. */
static void sa_stat_wait(struct mh_conn *c, const char *name, long long want)
{
    long long until = it_now_ms() + 5000, v;
    while ((v = sa_stat(c, name)) != want)
        if (it_now_ms() > until)
            fail_msg("%s is %lld, never reached %lld", name, v, want);
}

/* What the server holds back is counted as it sees it, whatever the speed
 * of the machine: a pipeline under latency is 10 replies in flight at
 * once on one connection; a delayed command on a second connection makes
 * two clients waiting. Replies that leave, and connections closed with
 * replies still held, count down; the peaks stay, and MOCK RESETSTATS
 * restarts them at the current numbers. The long latency and delay keep
 * the replies held for as long as the test looks. */
static void test_held_counters(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on PING far do latency 60s\n"
                 "on PING near do latency 1ms\n"
                 "on GET slow do delay 60s\n");
    struct mh_conn ctl, a, b;
    assert_int_equal(mh_conn_open(&ctl, p.port), 0);
    assert_int_equal(mh_conn_open(&a, p.port), 0);
    assert_int_equal(mh_conn_open(&b, p.port), 0);
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 0);

    /* One latency that passes: counted up, then down as it leaves. */
    it_line_expect(&a, "PING near", "$4\r\nnear\r\n");
    assert_int_equal(sa_stat(&ctl, "held_replies"), 0);
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 1);
    it_line_expect(&ctl, "MOCK RESETSTATS", "+OK\r\n");
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 0);

    static const char pipeline[] = "PING far\r\nPING far\r\nPING far\r\nPING far\r\n"
                                   "PING far\r\nPING far\r\nPING far\r\nPING far\r\n"
                                   "PING far\r\nPING far\r\n";
    assert_int_equal(mh_send(a.fd, IT_S(pipeline)), 0);
    sa_stat_wait(&ctl, "held_replies", 10);
    assert_int_equal(sa_stat(&ctl, "held_clients"), 1);
    it_line_send(&b, "GET slow");
    sa_stat_wait(&ctl, "held_replies", 11);
    assert_int_equal(sa_stat(&ctl, "held_clients"), 2);
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 11);
    assert_int_equal(sa_stat(&ctl, "peak_held_clients"), 2);

    mh_conn_close(&a);
    sa_stat_wait(&ctl, "held_replies", 1);
    assert_int_equal(sa_stat(&ctl, "held_clients"), 1);
    mh_conn_close(&b);
    sa_stat_wait(&ctl, "held_clients", 0);
    assert_int_equal(sa_stat(&ctl, "held_replies"), 0);
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 11);
    assert_int_equal(sa_stat(&ctl, "peak_held_clients"), 2);
    it_line_expect(&ctl, "MOCK RESETSTATS", "+OK\r\n");
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 0);
    assert_int_equal(sa_stat(&ctl, "peak_held_clients"), 0);

    mh_conn_close(&ctl);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- pieces and split --------------------------------------------------------------- */

static void test_pieces(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k hello\n    RPUSH l a bb ccc\nend\n"
                 "on GET k do pieces 3 pause 30ms\n"
                 "on LRANGE l do pieces 1 pause 1ms\n"
                 "expect rule 1 == 2\n"
                 "expect rule 2 == 1\n");
    redisContext *ctx = it_connect(p.port);
    sa_get(ctx, "k", "hello");
    redisReply *r = sa_cmd(ctx, "LRANGE l 0 -1");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 3);
    assert_string_equal(r->element[0]->str, "a");
    assert_string_equal(r->element[1]->str, "bb");
    assert_string_equal(r->element[2]->str, "ccc");
    freeReplyObject(r);
    redisFree(ctx);

    /* "$5\r\nhello\r\n" is 11 bytes: 4 writes of 3, 3, 3, 2 bytes, 30 ms apart. */
    struct sa_recv rv;
    sa_raw(p.port, "GET k\r\n", 11, &rv);
    assert_int_equal(rv.len, 11);
    assert_memory_equal(rv.data, "$5\r\nhello\r\n", 11);
    assert_true(rv.nrecv >= 2);
    assert_int_equal(rv.first, 3);
    assert_true(rv.elapsed >= 90 - SA_SLACK_MS);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_split(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k hello\nend\n"
                 "on GET k conn 2 do split inside-length pause 40ms\n"
                 "on GET k conn 3 do split inside-payload pause 40ms\n"
                 "on GET k conn 4 do split 3 pause 40ms\n"
                 "on GET k conn 1 do split inside-payload\n");
    /* conn 1: through hiredis */
    redisContext *ctx = it_connect(p.port);
    sa_get(ctx, "k", "hello");
    redisFree(ctx);

    struct {
        size_t first;
    } cases[] = {{1}, {6}, {3}}; /* "$" | "$5\r\nhe" | "$5\r" */
    for (size_t i = 0; i < 3; i++) {
        struct sa_recv rv;
        sa_raw(p.port, "GET k\r\n", 11, &rv);
        assert_int_equal(rv.len, 11);
        assert_memory_equal(rv.data, "$5\r\nhello\r\n", 11);
        assert_int_equal(rv.nrecv, 2);
        assert_int_equal(rv.first, cases[i].first);
        assert_true(rv.elapsed >= 40 - SA_SLACK_MS);
    }
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- closing, reset, hang -------------------------------------------------------------- */

static void test_close_before(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on SET k * do close before\n");
    redisContext *ctx = it_connect(p.port);
    sa_cmd_fails(ctx, "SET k changed", REDIS_ERR_EOF, "Server closed the connection");
    redisFree(ctx);
    /* the command did not run */
    ctx = it_connect(p.port);
    sa_get(ctx, "k", "v");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_close_after(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on SET k * do close after\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "SET k x");
    sa_wait_fin(ctx);
    sa_cmd_fails(ctx, "GET k", REDIS_ERR_EOF, "Server closed the connection");
    redisFree(ctx);
    /* the command ran */
    ctx = it_connect(p.port);
    sa_get(ctx, "k", "x");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_close_middle(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k \"hello world\"\nend\n"
                 "on GET k do close middle\n");
    redisContext *ctx = it_connect(p.port);
    sa_cmd_fails(ctx, "GET k", REDIS_ERR_EOF, "Server closed the connection");
    redisFree(ctx);
    /* "$11\r\nhello world\r\n" is 18 bytes: 9 arrive, then EOF */
    struct sa_recv rv;
    sa_raw(p.port, "GET k\r\n", 18, &rv);
    assert_int_equal(rv.len, 9);
    assert_memory_equal(rv.data, "$11\r\nhell", 9);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_reset(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on SET k * do reset\n");
    redisContext *ctx = it_connect(p.port);
    sa_cmd_fails(ctx, "SET k changed", REDIS_ERR_IO, strerror(ECONNRESET));
    assert_string_equal(ctx->errstr, "Connection reset by peer");
    redisFree(ctx);
    ctx = it_connect(p.port);
    sa_get(ctx, "k", "v");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_hang(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on SET k * do hang\n"
                 "expect rule 1 == 2\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    sa_set_timeout_ms(ctx, 200);
    sa_expect_timeout(ctx, "SET k changed");
    redisFree(ctx);

    /* A hung connection answers nothing more, not even PING. */
    struct mh_conn c;
    struct buf r = BUF_INIT;
    assert_int_equal(mh_conn_open(&c, p.port), 0);
    assert_int_equal(mh_call(&c, "SET k changed", &r, 200), MH_TIMEOUT);
    assert_int_equal(mh_call(&c, "PING", &r, 200), MH_TIMEOUT);
    assert_int_equal(c.in.len, 0);
    buf_free(&r);
    mh_conn_close(&c);

    ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "v", "GET k"); /* SET did not run */
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- corrupt ------------------------------------------------------------------------------ */

static void test_corrupt_garbage(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on GET k do corrupt garbage\n");
    redisContext *ctx = it_connect(p.port);
    redisReply *r = redisCommand(ctx, "GET k");
    assert_null(r);
    assert_int_equal(ctx->err, REDIS_ERR_PROTOCOL);
#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1
    assert_true(strlen(ctx->errstr) > 0);
#else
    assert_string_equal(ctx->errstr, "Protocol error, got \"!\" as reply type byte");
#endif
    redisFree(ctx);

    struct sa_recv rv;
    sa_raw(p.port, "GET k\r\n", 10, &rv);
    assert_int_equal(rv.len, 10);
    assert_memory_equal(rv.data, "!garbage\r\n", 10);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_corrupt_resp3(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on GET k do corrupt resp3\n");
    redisContext *ctx = it_connect(p.port);
    redisReply *r = redisCommand(ctx, "GET k");
#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_DOUBLE);
    assert_string_equal(r->str, "3.14");
    freeReplyObject(r);
#else
    assert_null(r);
    assert_int_equal(ctx->err, REDIS_ERR_PROTOCOL);
    assert_string_equal(ctx->errstr, "Protocol error, got \",\" as reply type byte");
#endif
    redisFree(ctx);

    struct sa_recv rv;
    sa_raw(p.port, "GET k\r\n", 7, &rv);
    assert_int_equal(rv.len, 7);
    assert_memory_equal(rv.data, ",3.14\r\n", 7);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_corrupt_length(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\n    RPUSH l a b\nend\n"
                 "on GET k do corrupt length\n"
                 "on LRANGE l do corrupt length\n");
    /* Bytes: "$2\r\nv\r\n" for a value of one byte, "*3" for two elements. */
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, p.port), 0);
    assert_int_equal(mh_send(c.fd, IT_S("GET k\r\n")), 0);
    struct sa_recv rv;
    memset(&rv, 0, sizeof(rv));
    struct timeval tv = {5, 0};
    setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (rv.len < 7) {
        ssize_t n = recv(c.fd, rv.data + rv.len, sizeof(rv.data) - rv.len, 0);
        if (n <= 0)
            break;
        rv.len += (size_t)n;
    }
    assert_int_equal(rv.len, 7);
    assert_memory_equal(rv.data, "$2\r\nv\r\n", 7);
    mh_conn_close(&c);
    sa_raw(p.port, "LRANGE l 0 -1\r\n", 18, &rv);
    assert_int_equal(rv.len, 18);
    assert_memory_equal(rv.data, "*3\r\n$1\r\na\r\n$1\r\nb\r\n", 18);

    /* hiredis alone: the bulk is one byte short, so it waits... */
    redisContext *ctx = it_connect(p.port);
    sa_set_timeout_ms(ctx, 200);
    sa_expect_timeout(ctx, "GET k");
    redisFree(ctx);

    /* ...and with the next reply behind it, it takes "v\r" as the payload,
     * skips two bytes and trips over the rest of "+PONG\r\n". */
    ctx = it_connect(p.port);
    assert_int_equal(redisAppendCommand(ctx, "GET k"), REDIS_OK);
    assert_int_equal(redisAppendCommand(ctx, "PING"), REDIS_OK);
    void *v = NULL;
    assert_int_equal(redisGetReply(ctx, &v), REDIS_OK);
    redisReply *r = v;
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_int_equal(IT_REPLY_LEN(r), 2);
    assert_memory_equal(r->str, "v\r", 2);
    freeReplyObject(r);
    assert_int_equal(redisGetReply(ctx, &v), REDIS_ERR);
    assert_int_equal(ctx->err, REDIS_ERR_PROTOCOL);
    assert_string_equal(ctx->errstr, "Protocol error, got \"P\" as reply type byte");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- keyspace and clock actions ------------------------------------------------------------ */

static void test_evict_expire_retype(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof(text),
             "setup\n    SET a 1\n    SET b 2\n    SET c 3\nend\n"
             "on GET a nth 2 do evict a\n"
             "on GET b nth 2 do expire b\n"
             "on GET c nth 2 do retype c list\n"
             "on TYPE h do retype h hash\n"
             "on XLEN c do retype c stream\n"
             "on XRANGE s do evict s\n"
             "on XREAD STREAMS s2 0 do expire s2\n"
             "on XLEN c2 do retype c2 string\n"
             "expect rule 1 == 1\nexpect rule 2 == 1\nexpect rule 3 == 1\nexpect rule 4 == 1\n"
             "expect rule 5 == 1\nexpect rule 6 == 1\nexpect rule 7 == 1\nexpect rule 8 == 1\n");
    struct sa_play p;
    sa_start(&p, text);
    redisContext *ctx = it_connect(p.port);
    sa_get(ctx, "a", "1");
    sa_get(ctx, "a", NULL);
    sa_get(ctx, "a", NULL);
    sa_get(ctx, "b", "2");
    sa_get(ctx, "b", NULL);
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "0", "EXISTS b");
    sa_get(ctx, "c", "3");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_WRONGTYPE], "GET c");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "list", "TYPE c");
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "1", "LLEN c");
    /* the keyspace action runs first, then the command itself */
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "hash", "TYPE h");
    /* streams: retyped to and from, evicted, expired */
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "1", "XLEN c");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "stream", "TYPE c");
    redisReply *r = redisCommand(ctx, "XRANGE c - +");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 1);
    assert_string_equal(r->element[0]->element[0]->str, "0-1");
    assert_string_equal(r->element[0]->element[1]->element[0]->str, "retyped");
    assert_string_equal(r->element[0]->element[1]->element[1]->str, "1");
    freeReplyObject(r);
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "1-1", "XADD s 1-1 f v");
    r = redisCommand(ctx, "XRANGE s - +");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 0); /* evicted first */
    freeReplyObject(r);
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "0", "EXISTS s");
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "1-1", "XADD s2 1-1 f v");
    r = redisCommand(ctx, "XREAD STREAMS s2 0");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_NIL); /* expired first */
    freeReplyObject(r);
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "2-1", "XADD c2 2-1 f v");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_WRONGTYPE], "XLEN c2");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "string", "TYPE c2");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_advance(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "clock virtual\n"
                 "setup\n    SET t x\n    EXPIRE t 5\n    SET u y\nend\n"
                 "on PING do advance 6s\n"
                 "at 10s do expire u\n"
                 "on GET late after 9s do reply \"late\"\n");
    redisContext *ctx = it_connect(p.port);
    long long t0 = it_now_ms();
    sa_get(ctx, "t", "x");
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "5", "TTL t");
    sa_get(ctx, "late", NULL);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    sa_get(ctx, "t", NULL); /* 6 s of virtual time later, without sleeping */
    sa_get(ctx, "u", "y");
    sa_get(ctx, "late", NULL); /* 6 s < 9 s */
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    sa_get(ctx, "u", NULL);      /* the timed event at 10 s ran */
    sa_get(ctx, "late", "late"); /* 12 s > 9 s */
    /* Nobody slept: less real time passed than the 12 s of virtual time
     * (a bound on behaviour, not on the machine's speed). */
    assert_true(it_now_ms() - t0 < 12000);
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_pass(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on GET k nth 1 do pass\n"
                 "on GET k do reply \"other\"\n"
                 "expect rule 1 == 1\n"
                 "expect rule 2 == 1\n");
    redisContext *ctx = it_connect(p.port);
    sa_get(ctx, "k", "v");     /* pass wins: the command runs */
    sa_get(ctx, "k", "other"); /* rule 1 no longer fires */
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- connection rules ---------------------------------------------------------------------- */

static void test_connect_refuse(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on connect nth 2 do refuse\n"
                 "expect connections == 3\n"
                 "expect refused == 1\n");
    redisContext *a = it_connect(p.port);
    it_cmd_expect(a, REDIS_REPLY_STATUS, "PONG", "PING");
    redisContext *b = it_connect(p.port);
    it_cmd_expect(b, REDIS_REPLY_ERROR, rtext[RT_MAXCLIENTS], "PING");
    assert_string_equal(rtext[RT_MAXCLIENTS], "ERR max number of clients reached");
    redisFree(b);
    redisContext *c = it_connect(p.port);
    it_cmd_expect(c, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(c);
    redisFree(a);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_connect_delay(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on connect nth 1 do delay 1s\n");
    long long t0 = it_now_ms();
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    assert_true(it_now_ms() - t0 >= 1000 - SA_SLACK_MS);
    /* only the start was held: held again, the next PING would take a
     * whole second, which no load makes of a loopback round trip */
    t0 = it_now_ms();
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    if (it_now_ms() - t0 >= 1000 - SA_SLACK_MS)
        fail_msg("the second PING took %lld ms: held again", it_now_ms() - t0);
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* A command sent while the connection's start is held waits in the socket;
 * its own delay counts from when the server starts reading, not from its
 * arrival. */
static void test_connect_delay_then_delay(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on connect nth 1 do delay 200ms\n"
                 "on GET k do delay 150ms\n");
    long long t0 = it_now_ms();
    redisContext *ctx = it_connect(p.port);
    sa_get(ctx, "k", "v");
    long long took = it_now_ms() - t0;
    if (took < 350 - SA_SLACK_MS)
        fail_msg("reply after %lld ms, want >= %d (200 ms held + 150 ms delay)", took,
                 350 - SA_SLACK_MS);
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_connect_silent(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on connect nth 1 do silent\n");
    redisContext *ctx = it_connect(p.port);
    sa_set_timeout_ms(ctx, 200);
    sa_expect_timeout(ctx, "PING");
    redisFree(ctx);
    ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

static void test_connect_close(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on connect times 1 do close\n"
                 "expect connections == 2\n"
                 "expect commands == 1\n");
    redisContext *ctx = it_connect(p.port);
    sa_wait_fin(ctx); /* the FIN is there before the command goes out */
    sa_cmd_fails(ctx, "PING", REDIS_ERR_EOF, "Server closed the connection");
    redisFree(ctx);
    ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- conditions -------------------------------------------------------------------------- */

/* Sends GET k count times on one connection, returns the replies as a
 * string of letters: 'v' the real value, 'X' the scripted one. */
static void sa_pattern(redisContext *ctx, int count, const char *want)
{
    char got[64] = "";
    for (int i = 0; i < count; i++) {
        redisReply *r = sa_cmd(ctx, "GET k");
        assert_int_equal(r->type, REDIS_REPLY_STRING);
        got[i] = r->str[0];
        freeReplyObject(r);
    }
    assert_string_equal(got, want);
}

static void test_conditions(void **state)
{
    (void)state;
    const struct {
        const char *cond;
        int count;
        const char *want;
    } cases[] = {
        {"nth 2", 4, "vXvv"},
        {"from 2", 4, "vXXX"},
        {"times 2", 4, "XXvv"},
        {"every 2", 5, "vXvXv"},
        {"from 2 times 3", 4, "vXXv"}, /* conditions combine with "and" */
        {"after 2 commands", 4, "vvXX"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), "setup\n    SET k v\nend\non GET k %s do reply \"X\"\n",
                 cases[i].cond);
        struct sa_play p;
        sa_start(&p, text);
        redisContext *ctx = it_connect(p.port);
        print_message("condition %s\n", cases[i].cond);
        sa_pattern(ctx, cases[i].count, cases[i].want);
        redisFree(ctx);
        sa_finish(&p, 0);
        sa_done(&p);
    }
}

static void test_condition_conn(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on GET k conn 2 do reply \"X\"\n"
                 "on GET k nth 2 do reply \"Y\"\n" /* counts every matching GET */
                 "expect rule 1 == 2\n"
                 "expect peak-connections == 1\n");
    redisContext *ctx = it_connect(p.port);
    sa_pattern(ctx, 1, "v");
    sa_quit(ctx); /* gone on the server's side before the next one connects */
    ctx = it_connect(p.port);
    sa_pattern(ctx, 2, "XX"); /* rule 1 wins although rule 2's nth 2 holds */
    sa_quit(ctx);
    ctx = it_connect(p.port);
    sa_pattern(ctx, 1, "v");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- rules inside MULTI/EXEC ------------------------------------------------------------- */

/* Requires that r (freed here), the reply to what, is an array, written
 * element by element as "i:42 s:OK b:text n e:ERR ..." (integer, status,
 * bulk, nil, error). */
static void sa_array_expect(const char *what, redisReply *r, const char *want)
{
    if (r->type != REDIS_REPLY_ARRAY)
        fail_msg("%s: reply type %d (%s), want an array: %s", what, r->type,
                 r->type == REDIS_REPLY_ERROR ? r->str : "", want);
    struct buf got = BUF_INIT;
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *e = r->element[i];
        if (i)
            buf_putc(&got, ' ');
        switch (e->type) {
        case REDIS_REPLY_INTEGER: buf_printf(&got, "i:%lld", (long long)e->integer); break;
        case REDIS_REPLY_STATUS: buf_printf(&got, "s:%s", e->str); break;
        case REDIS_REPLY_STRING: buf_printf(&got, "b:%s", e->str); break;
        case REDIS_REPLY_NIL: buf_puts(&got, "n"); break;
        case REDIS_REPLY_ERROR: buf_printf(&got, "e:%s", e->str); break;
        default: buf_printf(&got, "?%d", e->type); break;
        }
    }
    freeReplyObject(r);
    if (strcmp(got.p ? got.p : "", want) != 0)
        fail_msg("%s: [%s], want [%s]", what, got.p ? got.p : "", want);
    buf_free(&got);
}

/* Runs EXEC and requires its array (sa_array_expect). */
static void sa_exec_expect(redisContext *ctx, const char *want)
{
    sa_array_expect("EXEC", sa_cmd(ctx, "EXEC"), want);
}

/* A rule bends a queued command where it runs, inside EXEC (issue 11,
 * finding 1): QUEUED is untouched and the scripted reply is that command's
 * element of EXEC's array, which keeps one element per command. It used to
 * replace QUEUED, and EXEC's array came back one element short. */
static void test_multi_reply(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on INCR hits do reply (integer) 42\n"
                 "expect commands INCR == 1\n"
                 "expect rule 1 == 1\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "SET a 1");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR hits");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "GET a");
    sa_exec_expect(ctx, "s:OK i:42 b:1");
    sa_get(ctx, "hits", NULL); /* the scripted INCR did not run */
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* Keyspace and clock actions run just before their command inside EXEC,
 * not when it was queued: the first PTTL still sees the key, the GET whose
 * rule advances the virtual clock past the TTL finds it expired. */
static void test_multi_keyspace(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "clock virtual\n"
                 "setup\n    SET t x PX 5000\n    SET k v\nend\n"
                 "on GET t do advance 10s\n"
                 "on INCR n do evict k\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "PTTL t");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "GET t");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "GET k");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR n");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "GET k");
    sa_exec_expect(ctx, "i:5000 n b:v i:1 n");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* nth/from/... and the expectations count a queued command when EXEC runs
 * it: a discarded transaction's commands, and an aborted one's, never
 * count, so "nth 2" is the second INCR that ran. MOCK commands are never
 * counted nor bent, inside EXEC too. */
static void test_multi_counting(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on INCR x nth 2 do reply (integer) 100\n"
                 /* MO* covers MOCK at run time (and MOVE, MONITOR, MODULE, unused
                  * here); check refuses a rule on MOCK alone: it never fires */
                 "on MO* do reply \"never\"\n"
                 "expect commands INCR == 3\n"
                 "expect commands == 9\n" /* 3 MULTI, DISCARD, 2 EXEC, 3 INCR */
                 "expect rule 1 == 1\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "DISCARD");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    char arity[128];
    snprintf(arity, sizeof(arity), rtext[RT_ARITY_FMT], "get");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, arity, "GET");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_EXECABORT], "EXEC");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "MOCK STAT peak_clients");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    /* a MOCK command in EXEC is neither bent nor counted, as outside it */
    sa_exec_expect(ctx, "i:1 i:100 i:1 i:2");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* A command mockredis does not implement (a module's) that a rule may
 * answer is queued inside MULTI, as Redis with the module would queue it;
 * at EXEC the rule answers it, or, when its conditions do not hold, the
 * element is Redis's unknown-command error. One no rule matches is
 * refused at once and the EXEC aborts, as in Redis without the module. */
static void test_multi_module(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on FT.SEARCH idx * nth 1 do reply \"doc:1\"\n"
                 "expect commands FT.SEARCH == 2\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "FT.SEARCH idx hello");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "FT.SEARCH idx hello");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    sa_exec_expect(ctx, "b:doc:1 e:ERR unknown command 'FT.SEARCH', with args beginning with: "
                        "'idx' 'hello'  i:1");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR,
                  "ERR unknown command 'FT.CREATE', with args beginning with: 'idx' ",
                  "FT.CREATE idx");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_EXECABORT], "EXEC");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* delay applies to EXEC's reply as a whole, never to QUEUED: nothing is
 * held while the commands are queued (the server's own count of held
 * replies, not a clock, says so), EXEC's reply is held once. */
static void test_multi_delay(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on INCR x do delay 50ms\n"
                 "expect rule 1 == 1\n");
    struct mh_conn ctl;
    assert_int_equal(mh_conn_open(&ctl, p.port), 0);
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 0);
    sa_exec_expect(ctx, "i:1");
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 1);
    redisFree(ctx);
    mh_conn_close(&ctl);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* Connection actions apply to EXEC's reply: close before closes instead of
 * writing it (the command the rule names does not run, the others do);
 * corrupt length bends the command's own element. */
static void test_multi_close_corrupt(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on INCR x do close before\n"
                 "on GET c do corrupt length\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "SET a 1");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "QUEUED", "INCR x");
    sa_cmd_fails(ctx, "EXEC", REDIS_ERR_EOF, "Server closed the connection");
    redisFree(ctx);
    ctx = it_connect(p.port);
    sa_get(ctx, "a", "1");
    sa_get(ctx, "x", NULL);
    redisFree(ctx);

    static const char want[] = "+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n"
                               "*2\r\n$4\r\nabc\r\n+PONG\r\n";
    struct sa_recv rv;
    sa_raw(p.port, "SET c abc\r\nMULTI\r\nGET c\r\nPING\r\nEXEC\r\n", sizeof(want) - 1, &rv);
    assert_int_equal(rv.len, sizeof(want) - 1);
    assert_memory_equal(rv.data, want, sizeof(want) - 1);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* A client library's transaction pipeline (redis-py, when installed): the
 * scripted value takes its place in the results list. redis-py sends
 * INCRBY for incr(), so that is what the rule names. */
static void test_multi_redis_py(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import redis' 2>/dev/null") != 0) {
        skip();
        return;
    }
    struct sa_play p;
    sa_start(&p, "on INCRBY hits 1 do reply (integer) 42\n"
                 "expect rule 1 == 1\n");
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 - %d <<'EOF'\n"
             "import sys, redis\n"
             "r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))\n"
             "pipe = r.pipeline(transaction=True)\n"
             "pipe.set('a', '1').incr('hits').get('a')\n"
             "res = pipe.execute()\n"
             "assert res == [True, 42, b'1'], res\n"
             "assert r.get('hits') is None\n"
             "r.close()\n"
             "EOF",
             p.port);
    assert_int_equal(system(cmd), 0);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- rules on the commands scripts call ----------------------------------------------------- */

/* The lock-release script of redis-py's Lock (and of most libraries). */
#define SA_RELEASE                                                                                 \
    "local t = redis.call('get', KEYS[1]) "                                                        \
    "if not t or t ~= ARGV[1] then return 0 end "                                                  \
    "redis.call('del', KEYS[1]) return 1"

/* Runs script on ctx with one key (and one argument, may be NULL). */
static redisReply *sa_eval(redisContext *ctx, const char *script, const char *key, const char *arg)
{
    redisReply *r = arg ? redisCommand(ctx, "EVAL %s 1 %s %s", script, key, arg)
                        : redisCommand(ctx, "EVAL %s 1 %s", script, key);
    if (r == NULL)
        fail_msg("EVAL: no reply (err %d: %s)", ctx->err, ctx->errstr);
    return r;
}

static void sa_eval_int(redisContext *ctx, const char *script, const char *key, const char *arg,
                        long long want)
{
    redisReply *r = sa_eval(ctx, script, key, arg);
    if (r->type != REDIS_REPLY_INTEGER || r->integer != want)
        fail_msg("EVAL %s: type %d (%s) %lld, want the integer %lld", script, r->type,
                 r->type == REDIS_REPLY_ERROR ? r->str : "", (long long)r->integer, want);
    freeReplyObject(r);
}

/* A rule bends what a script's redis.call receives, where it runs: the
 * lock release's GET finds nothing (the script returns 0, the lock stays)
 * while the client's own GET is untouched ("from script" / "not from
 * script"); "conn N" names the connection that runs the script; script
 * calls count for nth, "expect commands" and "expect script-calls", the
 * scripts for "expect scripts". */
static void test_script_reply(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET lock:1 me\nend\n"
                 "on GET lock:* from script nth 1 do reply (nil)\n"
                 "on GET lock:* not from script do reply \"client\"\n"
                 "on INCR n conn 2 do reply (integer) 100\n"
                 "expect scripts == 4\n"
                 "expect scripts == 1 on conn 2\n"
                 "expect script-calls GET lock:* == 2\n"
                 "expect script-calls == 5\n"
                 "expect commands GET == 3\n"
                 "expect rule 1 == 1\n");
    redisContext *ctx = it_connect(p.port);
    sa_eval_int(ctx, SA_RELEASE, "lock:1", "me", 0); /* its GET read false */
    sa_get(ctx, "lock:1", "client");                 /* the client's GET: rule 2 */
    sa_eval_int(ctx, SA_RELEASE, "lock:1", "me", 1); /* nth 1 is over: released */
    sa_eval_int(ctx, "return redis.call('INCR', KEYS[1])", "n", NULL, 1);
    redisContext *two = it_connect(p.port);
    sa_eval_int(two, "return redis.call('INCR', KEYS[1])", "n", NULL, 100);
    redisFree(two);
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "0", "EXISTS lock:1");
    redisFree(ctx);
    sa_finish(&p, 0);
    assert_non_null(strstr(p.json, "\"text\":\"expect script-calls GET lock:* == 2\","
                                   "\"actual\":2,\"passed\":true"));
    sa_done(&p);
}

/* Keyspace and clock actions run just before the call, inside the
 * script: the EXISTS before it still sees the key. A scripted reply is
 * encoded in the script's protocol (redis.setresp) and read back as any
 * reply: a RESP3 map becomes a table with a map field. */
static void test_script_keyspace(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "clock virtual\n"
                 "setup\n    SET k v\n    SET t x PX 5000\nend\n"
                 "on GET k from script do evict k\n"
                 "on GET t from script do advance 10s\n");
    redisContext *ctx = it_connect(p.port);
    sa_array_expect("EVAL",
                    sa_eval(ctx,
                            "local a = redis.call('EXISTS', KEYS[1]) "
                            "local b = redis.call('GET', KEYS[1]) "
                            "local c = redis.call('PTTL', 't') "
                            "local d = redis.call('GET', 't') "
                            "return {a, tostring(b), c, tostring(d)}",
                            "k", NULL),
                    "i:1 b:false i:5000 b:false");
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* What shapes or ends a reply applies to the script's reply as a whole:
 * a delay on a call holds the EVAL's reply once (the server's count of
 * held replies says so, no clock); close before on a call closes the
 * connection instead of the script's reply, the call does not run (it
 * reads false) and the rest of the script does; corrupt length on a call
 * bends the script's reply, while the script read the true value. */
static void test_script_delay_close_corrupt(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "on INCR d from script do delay 50ms\n"
                 "on INCR x from script do close before\n"
                 "on GET c from script do corrupt length\n"
                 "expect rule 1 == 1\n"
                 "expect rule 2 == 1\n");
    struct mh_conn ctl;
    assert_int_equal(mh_conn_open(&ctl, p.port), 0);
    redisContext *ctx = it_connect(p.port);
    sa_eval_int(ctx, "return redis.call('INCR', KEYS[1])", "d", NULL, 1);
    assert_int_equal(sa_stat(&ctl, "peak_held_replies"), 1);
    redisReply *r = redisCommand(ctx, "EVAL %s 1 x",
                                 "redis.call('SET', 'a', '1') "
                                 "local v = redis.call('INCR', KEYS[1]) "
                                 "redis.call('SET', 'seen', tostring(v)) return v");
    assert_null(r);
    assert_int_equal(ctx->err, REDIS_ERR_EOF);
    redisFree(ctx);
    ctx = it_connect(p.port);
    sa_get(ctx, "a", "1");
    sa_get(ctx, "x", NULL);
    sa_get(ctx, "seen", "false");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "SET c abc");
    redisFree(ctx);
    mh_conn_close(&ctl);

    /* EVAL "return redis.call('GET','c') .. #redis.call('GET','c')" 0 */
    static const char script[] = "return redis.call('GET','c') .. #redis.call('GET','c')";
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "*3\r\n$4\r\nEVAL\r\n$%zu\r\n%s\r\n$1\r\n0\r\n", strlen(script),
             script);
    static const char want[] = "$5\r\nabc3\r\n"; /* $4 bent to $5 */
    struct sa_recv rv;
    sa_raw(p.port, cmd, sizeof(want) - 1, &rv);
    assert_int_equal(rv.len, sizeof(want) - 1);
    assert_memory_equal(rv.data, want, sizeof(want) - 1);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* A function's calls (FCALL) are script calls too: "from script"
 * matches them, "expect scripts" counts the FCALL, and MOCK HISTORY
 * names the function where a script has its digest. */
static void test_script_fcall(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET k v\nend\n"
                 "on GET k from script do reply \"bent\"\n"
                 "expect scripts == 1\n"
                 "expect script-calls GET == 1\n"
                 "expect rule 1 == 1\n");
    redisContext *ctx = it_connect(p.port);
    redisReply *r =
        redisCommand(ctx, "FUNCTION LOAD %s",
                     "#!lua name=lib\nredis.register_function('rd', function(keys, args) "
                     "return redis.call('GET', keys[1]) end)");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    freeReplyObject(r);
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "bent", "FCALL rd 1 k");
    sa_get(ctx, "k", "v");
    r = sa_cmd(ctx, "MOCK HISTORY 2");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    const redisReply *call = r->element[0];
    assert_int_equal(call->elements, 16);
    assert_string_equal(call->element[9]->element[0]->str, "GET");
    assert_string_equal(call->element[15]->str, "rd");
    assert_int_equal(r->element[1]->element[15]->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* redis-py's Lock (when installed), a library nobody here wrote: its
 * release runs a script (EVALSHA, NOSCRIPT, SCRIPT LOAD, EVALSHA) whose
 * GET a rule makes find another token, so release() raises
 * LockNotOwnedError and the lock key stays. */
static void test_script_redis_py_lock(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import redis' 2>/dev/null") != 0) {
        skip();
        return;
    }
    struct sa_play p;
    sa_start(&p, "on GET lock:job from script do reply \"someone-else\"\n"
                 "expect rule 1 == 1\n"
                 "expect scripts == 1\n");
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 - %d <<'EOF'\n"
             "import sys, redis\n"
             "from redis.exceptions import LockNotOwnedError\n"
             "r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))\n"
             "lock = r.lock('lock:job', timeout=60)\n"
             "assert lock.acquire(blocking=False)\n"
             "try:\n"
             "    lock.release()\n"
             "    raise SystemExit('release() did not raise')\n"
             "except LockNotOwnedError:\n"
             "    pass\n"
             "assert r.exists('lock:job') == 1\n"
             "r.close()\n"
             "EOF",
             p.port);
    assert_int_equal(system(cmd), 0);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* ---- strict replay -------------------------------------------------------------------------- */

static void test_strict_pass(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "strict\n"
                 "    > SET user:1 ann\n"
                 "    < OK\n"
                 "    > GET user:1\n"
                 "    < \"ann\"  delay 100ms\n"
                 "end\n"
                 "expect unconsumed == 0\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "SET user:1 ann");
    long long t0 = it_now_ms();
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "ann", "GET user:1");
    assert_true(it_now_ms() - t0 >= 100 - SA_SLACK_MS);
    /* after the block, commands run normally (the strict SET was scripted) */
    it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET user:1");
    redisFree(ctx);
    sa_finish(&p, 0);
    assert_non_null(strstr(p.json, "\"unconsumed\":0"));
    sa_done(&p);
}

/* A mismatch ends the conversation: every later command of that connection
 * gets the same error (issue 11, finding 6: it used to go on against the
 * keyspace, so a client in the middle of a transaction was told "EXEC
 * without MULTI"); the verdict names the mismatch once. Other connections
 * are not affected. */
static void test_strict_mismatch(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "strict\n"
                 "    > SET user:1 ann\n"
                 "    < OK\n"
                 "    > GET user:1\n"
                 "    < \"ann\"\n"
                 "end\n");
    static const char err[] = "ERR mockredis: strict step 2 expected 'GET user:1', got 'MULTI'";
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "SET user:1 ann");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, err, "MULTI");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, err, "INCR n");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, err, "EXEC");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, err, "GET user:1");
    /* Redis's own checks still come first */
    char arity[128];
    snprintf(arity, sizeof(arity), rtext[RT_ARITY_FMT], "get");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, arity, "GET");
    /* another connection is served normally: nothing ran on the first */
    redisContext *other = it_connect(p.port);
    it_cmd_expect(other, REDIS_REPLY_NIL, "", "GET n");
    redisFree(other);
    redisFree(ctx);
    sa_finish(&p, 1);
    const char *f = strstr(p.json, "strict step 2 expected 'GET user:1', got 'MULTI'");
    assert_non_null(f);
    assert_null(strstr(f + 1, "strict step 2 expected")); /* one failure, not one per command */
    sa_done(&p);
}

static void test_strict_leftover(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "strict conn 1\n"
                 "    > PING\n"
                 "    < PONG\n"
                 "    > GET k\n"
                 "    < (nil)\n"
                 "end\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(ctx);
    sa_finish(&p, 1);
    assert_non_null(strstr(p.json, "\"unconsumed\":1"));
    assert_non_null(strstr(p.json, "strict step 2 never reached"));
    sa_done(&p);
}

/* ---- expectations, header, invalid files --------------------------------------------------- */

static void sa_drive_gets(int port, int n)
{
    redisContext *ctx = it_connect(port);
    for (int i = 0; i < n; i++)
        it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET user:%d", i);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(ctx);
}

static void test_expect_pass(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "expect connections == 1\n"
                 "expect commands == 4\n"
                 "expect commands GET user:* >= 3\n"
                 "expect commands PING != 2\n"
                 "expect protocol-errors == 0\n"
                 "expect refused < 1\n");
    sa_drive_gets(p.port, 3);
    sa_finish(&p, 0);
    assert_non_null(strstr(p.json, "\"text\":\"expect commands GET user:* >= 3\",\"actual\":3,"
                                   "\"passed\":true"));
    sa_done(&p);
}

/* "expect evictions" counts the evictions since the scenario started:
 * CONFIG RESETSTAT in the middle zeroes INFO's evicted_keys, not the
 * expectation's count. */
static void test_expect_evictions_resetstat(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "setup\n    SET a 1\n    SET b 2\n    SET c 3\nend\n"
                 "on GET a do evict a\n"
                 "on GET b do evict b\n"
                 "on GET c do evict c\n"
                 "expect evictions == 3\n");
    redisContext *ctx = it_connect(p.port);
    it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET a");
    it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET b");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "CONFIG RESETSTAT");
    it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET c");
    redisReply *r = sa_cmd(ctx, "INFO stats");
    assert_non_null(strstr(r->str, "evicted_keys:1\r\n"));
    freeReplyObject(r);
    redisFree(ctx);
    sa_finish(&p, 0);
    assert_non_null(strstr(p.json, "\"text\":\"expect evictions == 3\",\"actual\":3,"
                                   "\"passed\":true"));
    sa_done(&p);
}

static void test_expect_fail(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "expect connections == 1\n"
                 "expect commands GET user:* > 3\n");
    sa_drive_gets(p.port, 3);
    sa_finish(&p, 1);
    assert_non_null(strstr(p.json, "\"text\":\"expect commands GET user:* > 3\",\"actual\":3,"
                                   "\"passed\":false"));
    assert_non_null(strstr(p.json, "\"text\":\"expect connections == 1\",\"actual\":1,"
                                   "\"passed\":true"));
    sa_done(&p);
}

static void test_maxclients_header(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "maxclients 1\n"
                 "expect refused == 1\n"
                 "expect connections == 2\n");
    redisContext *a = it_connect(p.port);
    it_cmd_expect(a, REDIS_REPLY_STATUS, "PONG", "PING");
    redisContext *b = it_connect(p.port);
    it_cmd_expect(b, REDIS_REPLY_ERROR, rtext[RT_MAXCLIENTS], "PING");
    redisFree(b);
    redisFree(a);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* Redis's checks come before the rules: a command they refuse (NOAUTH
 * before AUTH, wrong arity, an unknown command from an unauthenticated
 * client) gets Redis's error, no rule fires for it, no keyspace action or
 * close runs, and no expectation counts it. Once authenticated, a rule may
 * answer a command mockredis does not implement. (The scripted reply, the
 * close, the eviction and the counts all used to happen before AUTH.) */
static void test_checks_before_rules(void **state)
{
    (void)state;
    struct sa_play p;
    sa_start(&p, "requirepass pw\n"
                 "setup\n    SET secret s3\n    SET other o\nend\n"
                 "on GET secret do reply \"scripted\"\n" /* rule 1 */
                 "on DEL * do close before\n"            /* rule 2 */
                 "on SET k * do evict other\n"           /* rule 3 */
                 "on EXISTS do reply (integer) 42\n"     /* rule 4 */
                 "on FT.SEARCH do reply OK\n"            /* rule 5: a module's command */
                 "expect commands GET == 2\n"
                 "expect commands FT.SEARCH == 1\n"
                 "expect commands == 5\n"
                 "expect rule 1 == 1\n"
                 "expect rule 2 == 0\n"
                 "expect rule 3 == 0\n"
                 "expect rule 4 == 0\n"
                 "expect rule 5 == 1\n");
    redisContext *ctx = it_connect(p.port);
    char unknown[128], arity[128];
    snprintf(unknown, sizeof(unknown), rtext[RT_UNKNOWN_CMD_FMT], "FT.SEARCH", "");
    snprintf(arity, sizeof(arity), rtext[RT_ARITY_FMT], "exists");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_NOAUTH], "GET secret");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_NOAUTH], "DEL x");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, rtext[RT_NOAUTH], "SET k v");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, arity, "EXISTS");
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, unknown, "FT.SEARCH");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "AUTH pw"); /* 1: the rules see it */
    it_cmd_expect(ctx, REDIS_REPLY_ERROR, arity, "EXISTS");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "FT.SEARCH");        /* 2: rule 5 */
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "scripted", "GET secret"); /* 3: rule 1 */
    sa_get(ctx, "other", "o"); /* 4: nothing was evicted before AUTH */
    it_cmd_expect(ctx, REDIS_REPLY_INTEGER, "1", "STRLEN other"); /* 5 */
    redisFree(ctx);
    sa_finish(&p, 0);
    sa_done(&p);
}

/* Runs mockredis on an invalid file; it exits 2 before listening. */
static void test_invalid(void **state)
{
    (void)state;
    char file[64], errf[64];
    it_write_temp(file, sizeof(file), "scnact", "# a comment\non GET k do delay fast\n");
    it_write_temp(errf, sizeof(errf), "scnact", "");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(errf, O_WRONLY | O_TRUNC);
        dup2(fd, 2);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        const char *bin = getenv("MOCKREDIS_BIN") ? getenv("MOCKREDIS_BIN") : IT_MOCKREDIS_BIN;
        execl(bin, bin, "--port", "0", "--scenario", file, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    char *err = sa_slurp(errf);
    unlink(file);
    unlink(errf);
    assert_non_null(err);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 2);
    char want[256];
    snprintf(want, sizeof(want),
             "%s:2:19: expected a duration such as 50ms, got 'fast' (a number with a unit: us, ms, "
             "s, m or h; at most 24h)\n",
             file);
    assert_string_equal(err, want);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_values),
        cmocka_unit_test(test_reply_bytes),
        cmocka_unit_test(test_delay),
        cmocka_unit_test(test_delay_unix),
        cmocka_unit_test(test_latency),
        cmocka_unit_test(test_latency_order),
        cmocka_unit_test(test_held_counters),
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_close_before),
        cmocka_unit_test(test_close_after),
        cmocka_unit_test(test_close_middle),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_hang),
        cmocka_unit_test(test_corrupt_garbage),
        cmocka_unit_test(test_corrupt_resp3),
        cmocka_unit_test(test_corrupt_length),
        cmocka_unit_test(test_evict_expire_retype),
        cmocka_unit_test(test_advance),
        cmocka_unit_test(test_pass),
        cmocka_unit_test(test_connect_refuse),
        cmocka_unit_test(test_connect_delay),
        cmocka_unit_test(test_connect_delay_then_delay),
        cmocka_unit_test(test_connect_silent),
        cmocka_unit_test(test_connect_close),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_condition_conn),
        cmocka_unit_test(test_multi_reply),
        cmocka_unit_test(test_multi_keyspace),
        cmocka_unit_test(test_multi_counting),
        cmocka_unit_test(test_multi_delay),
        cmocka_unit_test(test_multi_module),
        cmocka_unit_test(test_multi_close_corrupt),
        cmocka_unit_test(test_multi_redis_py),
        cmocka_unit_test(test_script_reply),
        cmocka_unit_test(test_script_keyspace),
        cmocka_unit_test(test_script_delay_close_corrupt),
        cmocka_unit_test(test_script_fcall),
        cmocka_unit_test(test_script_redis_py_lock),
        cmocka_unit_test(test_strict_pass),
        cmocka_unit_test(test_strict_mismatch),
        cmocka_unit_test(test_strict_leftover),
        cmocka_unit_test(test_checks_before_rules),
        cmocka_unit_test(test_expect_pass),
        cmocka_unit_test(test_expect_fail),
        cmocka_unit_test(test_expect_evictions_resetstat),
        cmocka_unit_test(test_maxclients_header),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
