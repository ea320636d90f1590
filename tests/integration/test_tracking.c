/* test_tracking.c - client tracking across connections: a tracker and a
 * writer.
 *
 * The single-connection corpora (tests/diff/corpus/tracking*.txt) cover a
 * client invalidated by its own writes. Here a second connection writes:
 * each script runs against redis-server and against mockredis, and the two
 * transcripts (every reply, push and message of every connection, in
 * script order) must be byte-identical. Connections get the same client
 * ids on both servers (the runner opens them in the same order), so a
 * script can name one in REDIRECT. Then the INFO counters and CLIENT LIST
 * flags on both servers, expiry under MOCK CLOCK (mockredis only), and
 * hiredis's async API receiving the invalidations: through its push
 * callback in RESP3 (hiredis 1.x, as hiredis 1.2.0's own test program
 * does), through a RESP2 redirect to a subscriber (hiredis 0.14). */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "buf.h"

#define INVALIDATE(k) ">2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$" #k "\\r\\n"

/* Default mode, RESP3 tracker A, writer B: each key A read is invalidated
 * once when B changes it (SET, DEL, MSET, in-place changes, TTL), then
 * forgotten; FLUSHALL sends a null; keys A never read send nothing. */
static void test_resp3_default(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKING on", "A", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'B', "SET k 1", "BA", IT_NOWAIT},
        {'B', "SET k 2", "B", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'B', "DEL k", "BA", IT_NOWAIT},
        {'A', "MGET a b c", "A", IT_NOWAIT},
        {'B', "MSET a 1 b 2 x 3", "BAA", IT_NOWAIT},
        {'A', "SMEMBERS s", "A", IT_NOWAIT},
        {'B', "SADD s m", "BA", IT_NOWAIT},
        {'A', "SCARD s", "A", IT_NOWAIT},
        {'B', "SADD s m", "B", IT_NOWAIT},
        {'B', "SADD s n", "BA", IT_NOWAIT},
        {'A', "TTL a", "A", IT_NOWAIT},
        {'B', "EXPIRE a 100", "BA", IT_NOWAIT},
        {'A', "HGET h f", "A", IT_NOWAIT},
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "HSET h f v", "B", IT_NOWAIT},
        {'B', "EXEC", "BA", IT_NOWAIT},
        {'A', "GET sc", "A", IT_NOWAIT},
        {'B', "EVAL \"return redis.call('set', KEYS[1], 1)\" 1 sc", "BA", IT_NOWAIT},
        {'A', "GET b", "A", IT_NOWAIT},
        {'B', "FLUSHALL", "BA", IT_NOWAIT},
        {'B', "SET b 1", "B", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "A: >2\\r\\n$10\\r\\ninvalidate\\r\\n_\\r\\n");
}

/* Blocked clients: a blocked tracker gets its invalidation while it
 * waits, before its command's reply; a key served to a blocked client is
 * invalidated once (by the push that fed it), WATCH still sees it. */
static void test_blocking(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},   {'A', "CLIENT TRACKING on", "A", IT_NOWAIT},
        {'A', "MGET k l", "A", IT_NOWAIT},  {'A', "BLPOP q 0", "", -1, 1},
        {'B', "SET k 1", "BA", IT_NOWAIT},  {'B', "LPUSH q x", "BA", -1, 0},
        {'C', "BLPOP l 0", "", -1, 1},      {'A', "WATCH l", "A", IT_NOWAIT},
        {'B', "RPUSH l a b", "BAC", -1, 0}, {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},      {'A', "EXEC", "A", IT_NOWAIT},
        {'B', "RPUSH l c", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: " INVALIDATE(1) "l\\r\\n");
}

/* ---- REDIRECT: client ids -------------------------------------------------------- */

/* Client ids start elsewhere on the two servers. A script for
 * redirect_diff names connection C's id "@C" (C must be the first
 * connection the script uses: the runner's own is opened just before);
 * the transcripts show ":ID" wherever the id comes back. */
static void replace_all(char **t, const char *from, const char *to)
{
    struct buf out = BUF_INIT;
    const char *p = *t, *q;
    while ((q = strstr(p, from)) != NULL) {
        buf_append(&out, p, (size_t)(q - p));
        buf_append(&out, to, strlen(to));
        p = q + strlen(from);
    }
    buf_append(&out, p, strlen(p));
    free(*t);
    *t = out.p;
}

static char *redirect_run(int port, const struct it_step *steps, size_t n)
{
    struct mh_conn probe;
    struct buf r = BUF_INIT;
    assert_int_equal(mh_conn_open(&probe, port), 0);
    assert_int_equal(mh_call(&probe, "CLIENT ID", &r, 5000), MH_REPLY);
    long long base = strtoll(r.p + 1, NULL, 10);
    mh_conn_close(&probe);
    long long cid = base + 2; /* after the runner's own connection */
    char id[32], esc[48];
    snprintf(id, sizeof(id), "%lld", cid);
    struct it_step *copy = calloc(n, sizeof(*copy));
    char **lines = calloc(n, sizeof(*lines));
    for (size_t i = 0; i < n; i++) {
        copy[i] = steps[i];
        if (steps[i].line && strstr(steps[i].line, "@C")) {
            lines[i] = strdup(steps[i].line);
            replace_all(&lines[i], "@C", id);
            copy[i].line = lines[i];
        }
    }
    char *t = it_transcript(port, copy, n);
    snprintf(esc, sizeof(esc), ":%lld\\r\\n", cid);
    replace_all(&t, esc, ":ID\\r\\n");
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(copy);
    buf_free(&r);
    return t;
}

static void redirect_diff(const struct it_step *steps, size_t n, const char *must)
{
    it_transcript_diff_opts(steps, n, must, &(struct it_diff_opts){.run = redirect_run});
}
#define REDIRECT_DIFF(steps, must) redirect_diff(steps, sizeof(steps) / sizeof(steps[0]), must)

/* RESP2 with REDIRECT to a subscriber of __redis__:invalidate: it gets
 * RESP2 messages, a flush's null as $-1. When it leaves, the redirect is
 * broken: nothing is sent, a RESP3 tracker is told at each invalidation. */
static void test_redirect(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'C', "SUBSCRIBE __redis__:invalidate", "C", IT_NOWAIT},
        {'A', "CLIENT TRACKING on REDIRECT 999999", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKING on REDIRECT @C", "A", IT_NOWAIT},
        {'A', "CLIENT GETREDIR", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKINGINFO", "A", IT_NOWAIT},
        {'A', "MGET k1 k2", "A", IT_NOWAIT},
        {'B', "MSET k1 1 k2 2", "BCC", IT_NOWAIT},
        {'A', "GET k1", "A", IT_NOWAIT},
        {'A', "SET k1 x", "AC", IT_NOWAIT},
        {'B', "FLUSHALL", "BC", IT_NOWAIT},
        /* the target leaves: nothing is sent, the redirect is broken */
        {'C', NULL, "", 3, -1},
        {'A', "GET k1", "A", IT_NOWAIT},
        {'B', "SET k1 y", "B", IT_NOWAIT},
        {'A', "CLIENT TRACKINGINFO", "A", IT_NOWAIT},
        /* in RESP3, the tracker is told so at each invalidation */
        {'A', "HELLO 3", "A", IT_NOWAIT},
        {'A', "GET k1", "A", IT_NOWAIT},
        {'B', "SET k1 z", "BA", IT_NOWAIT},
        {'A', "CLIENT TRACKING on", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKINGINFO", "A", IT_NOWAIT},
    };
    REDIRECT_DIFF(s, "A: >2\\r\\n$21\\r\\ntracking-redir-broken\\r\\n:ID\\r\\n");
}

/* A RESP3 redirect target gets pushes, subscribed or not; a RESP2 one
 * that is not subscribed gets nothing. */
static void test_redirect_resp3(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'C', "HELLO 3", "C", IT_NOWAIT},
        {'A', "CLIENT TRACKING on REDIRECT @C", "A", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'B', "SET k 1", "BC", IT_NOWAIT}, /* a push to C, not subscribed */
        {'C', "HELLO 2", "C", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'B', "SET k 2", "B", IT_NOWAIT}, /* nothing: C is RESP2 without subscriptions */
        {'C', "PING", "C", IT_NOWAIT},
    };
    REDIRECT_DIFF(s, "C: " INVALIDATE(1) "k\\r\\n");
}

/* BCAST: every change under a prefix, whoever read it, one push per
 * prefix with its keys sorted; NOLOOP leaves out the tracker's own. */
static void test_bcast(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKING on BCAST PREFIX user: PREFIX acct: NOLOOP", "A", IT_NOWAIT},
        {'B', "MSET user:2 x user:1 y other z acct:1 q", "BAA", IT_NOWAIT},
        {'B', "SET other 1", "B", IT_NOWAIT},
        {'B', "DEL user:1 user:9", "BA", IT_NOWAIT},
        {'A', "SET user:3 1", "A", IT_NOWAIT},
        {'A', "MSET user:4 1 acct:2 1", "A", IT_NOWAIT},
        {'C', "HELLO 3", "C", IT_NOWAIT},
        {'C', "CLIENT TRACKING on BCAST", "C", IT_NOWAIT},
        {'A', "SET user:5 1", "AC", IT_NOWAIT},
        {'B', "FLUSHDB", "BAC", IT_NOWAIT},
        {'A', "CLIENT TRACKING off", "A", IT_NOWAIT},
        {'B', "SET user:6 1", "BC", IT_NOWAIT},
    };
    IT_DIFF(s,
            "A: >2\\r\\n$10\\r\\ninvalidate\\r\\n*2\\r\\n$6\\r\\nuser:1\\r\\n$6\\r\\nuser:2\\r\\n");
}

/* OPTIN remembers only what the command after CLIENT CACHING yes read,
 * OPTOUT all but that; NOLOOP in default mode: no push for the tracker's
 * own write, and the key is forgotten all the same. */
static void test_optin_optout_noloop(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKING on OPTIN", "A", IT_NOWAIT},
        {'A', "GET k0", "A", IT_NOWAIT},
        {'A', "CLIENT CACHING yes", "A", IT_NOWAIT},
        {'A', "GET k1", "A", IT_NOWAIT},
        {'A', "GET k2", "A", IT_NOWAIT},
        {'B', "MSET k0 0 k1 1 k2 2", "BA", IT_NOWAIT},
        {'A', "CLIENT TRACKING off", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKING on OPTOUT", "A", IT_NOWAIT},
        {'A', "CLIENT CACHING no", "A", IT_NOWAIT},
        {'A', "GET k1", "A", IT_NOWAIT},
        {'A', "GET k2", "A", IT_NOWAIT},
        {'B', "MSET k0 0 k1 1 k2 2", "BA", IT_NOWAIT},
        {'A', "CLIENT TRACKING off", "A", IT_NOWAIT},
        {'A', "CLIENT TRACKING on NOLOOP", "A", IT_NOWAIT},
        {'A', "GET n", "A", IT_NOWAIT},
        {'B', "SET n 1", "BA", IT_NOWAIT},
        {'A', "GET n", "A", IT_NOWAIT},
        {'A', "SET n 2", "A", IT_NOWAIT},
        {'B', "SET n 3", "B", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "A: " INVALIDATE(2) "k2\\r\\n");
}

/* ---- INFO counters and CLIENT LIST flags, on both servers -------------------- */

/* The value of field in an INFO reply, as text. */
static void info_field(const struct buf *r, const char *field, struct buf *out)
{
    const char *p = strstr(r->p, field);
    assert_non_null(p);
    p += strlen(field);
    buf_printf(out, "%s%.*s ", field, (int)strcspn(p, "\r"), p);
}

/* The flags= and redir= fields of the client named name in CLIENT LIST,
 * its redirect shown as the name of the client it points to. */
static void client_fields(const struct buf *r, const char *name, const long long ids[3],
                          struct buf *out)
{
    char want[32];
    snprintf(want, sizeof(want), " name=%s ", name);
    const char *line = strstr(r->p, want);
    if (line == NULL)
        return;
    const char *f = strstr(line, " flags="), *d = strstr(line, " redir=");
    assert_true(f && d);
    long long redir = strtoll(d + 7, NULL, 10);
    char shown[32];
    snprintf(shown, sizeof(shown), "%lld", redir);
    for (int i = 0; i < 3; i++)
        if (redir > 0 && redir == ids[i])
            snprintf(shown, sizeof(shown), "%c", 'a' + i);
    buf_printf(out, "%s:%.*s redir=%s ", name, (int)strcspn(f + 1, " \n"), f + 1, shown);
}

static void snapshot(struct mh_conn *c, const long long ids[3], struct buf *out)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, "INFO clients", &r, 5000), MH_REPLY);
    info_field(&r, "tracking_clients:", out);
    assert_int_equal(mh_call(c, "INFO stats", &r, 5000), MH_REPLY);
    info_field(&r, "tracking_total_keys:", out);
    info_field(&r, "tracking_total_items:", out);
    info_field(&r, "tracking_total_prefixes:", out);
    assert_int_equal(mh_call(c, "CLIENT LIST", &r, 5000), MH_REPLY);
    buf_printf(out, "| ");
    client_fields(&r, "a", ids, out);
    client_fields(&r, "b", ids, out);
    client_fields(&r, "c", ids, out);
    buf_printf(out, "\n");
    buf_free(&r);
}

static long long named(struct mh_conn *c, const char *name)
{
    struct buf r = BUF_INIT;
    char line[64];
    snprintf(line, sizeof(line), "CLIENT SETNAME %s", name);
    assert_int_equal(mh_call(c, line, &r, 5000), MH_REPLY);
    assert_int_equal(mh_call(c, "CLIENT ID", &r, 5000), MH_REPLY);
    long long id = strtoll(r.p + 1, NULL, 10);
    buf_free(&r);
    return id;
}

/* Runs the same session on port and returns the snapshots taken along. */
static char *counters_session(int port)
{
    struct mh_conn s, a, b, c;
    struct buf r = BUF_INIT, out = BUF_INIT;
    char line[96];
    assert_int_equal(mh_conn_open(&s, port), 0);
    assert_int_equal(mh_conn_open(&a, port), 0);
    assert_int_equal(mh_conn_open(&b, port), 0);
    assert_int_equal(mh_conn_open(&c, port), 0);
    long long ids[3] = {named(&a, "a"), named(&b, "b"), named(&c, "c")};
    snapshot(&s, ids, &out);
    mh_call(&a, "CLIENT TRACKING on", &r, 5000);
    mh_call(&a, "MGET k1 k2 k3", &r, 5000);
    mh_call(&b, "CLIENT TRACKING on", &r, 5000);
    mh_call(&b, "MGET k2 k3", &r, 5000);
    snapshot(&s, ids, &out);
    mh_call(&s, "SET k2 1", &r, 5000);
    snapshot(&s, ids, &out);
    /* turning tracking off (or leaving) keeps the keys the client read */
    mh_call(&b, "CLIENT TRACKING off", &r, 5000);
    snapshot(&s, ids, &out);
    mh_call(&c, "CLIENT TRACKING on BCAST PREFIX a PREFIX b", &r, 5000);
    mh_call(&b, "CLIENT TRACKING on BCAST PREFIX b PREFIX c", &r, 5000);
    snapshot(&s, ids, &out);
    mh_call(&b, "CLIENT TRACKING off", &r, 5000);
    snprintf(line, sizeof(line), "CLIENT TRACKING on REDIRECT %lld", ids[2]);
    mh_call(&b, line, &r, 5000);
    buf_printf(&out, "%s", r.p);
    mh_call(&b, "GET k9", &r, 5000);
    snapshot(&s, ids, &out);
    mh_conn_close(&c);
    it_wait_info(&s, "connected_clients:", 3);
    mh_call(&s, "SET k9 1", &r, 5000);
    snapshot(&s, ids, &out);
    mh_call(&s, "FLUSHALL", &r, 5000);
    snapshot(&s, ids, &out);
    mh_call(&a, "RESET", &r, 5000);
    snapshot(&s, ids, &out);
    mh_conn_close(&b);
    it_wait_info(&s, "connected_clients:", 2);
    snapshot(&s, ids, &out);
    mh_conn_close(&a);
    mh_conn_close(&s);
    buf_free(&r);
    return out.p;
}

static void test_counters(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle");
    struct mh_server *mock = it_mock(NULL);
    char *want = counters_session(mh_server_port(redis));
    char *got = counters_session(mh_server_port(mock));
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "redis-server:\n%s\nmockredis:\n%s", want, got);
        fail_msg("the counters differ (above)");
    }
    assert_non_null(strstr(got, "tracking_total_prefixes:3"));
    assert_non_null(strstr(got, "b:flags=tR redir=c"));
    free(want);
    free(got);
    it_stop_ok(mock);
    it_stop(redis);
}

/* ---- pipelines: what one read runs ------------------------------------------------ */

/* Reads n frames from c into out, escaped, one a line. */
static void frames(struct mh_conn *c, int n, struct buf *out)
{
    struct buf r = BUF_INIT;
    char esc[512];
    for (int i = 0; i < n; i++) {
        assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
        buf_printf(out, "%s\n", mh_escape(r.p, r.len, esc, sizeof(esc)));
    }
    buf_free(&r);
}

static char *pipeline_session(int port)
{
    struct mh_conn a, b;
    struct buf r = BUF_INIT, out = BUF_INIT;
    assert_int_equal(mh_conn_open(&a, port), 0);
    assert_int_equal(mh_conn_open(&b, port), 0);
    assert_int_equal(mh_call(&a, "HELLO 3", &r, 5000), MH_REPLY);
    it_line_expect(&a, "CLIENT TRACKING on BCAST PREFIX p:", "+OK\r\n");
    /* another client's pipeline: one message for the prefix */
    static const char bp[] = "SET p:2 a\r\nSET p:1 b\r\nSET q 1\r\n";
    assert_int_equal(mh_send(b.fd, bp, sizeof(bp) - 1), 0);
    frames(&b, 3, &out);
    it_line_send(&a, "PING");
    frames(&a, 2, &out);
    /* the tracker's own pipeline: the message after the last reply */
    static const char ap[] = "SET p:3 a\r\nSET p:4 b\r\nPING\r\n";
    assert_int_equal(mh_send(a.fd, ap, sizeof(ap) - 1), 0);
    frames(&a, 4, &out);
    /* default mode: each key's message after its own command's reply */
    it_line_expect(&a, "CLIENT TRACKING off", "+OK\r\n");
    it_line_expect(&a, "CLIENT TRACKING on", "+OK\r\n");
    static const char dp[] = "MGET k1 k2\r\nSET k1 a\r\nSET k2 b\r\nPING\r\n";
    assert_int_equal(mh_send(a.fd, dp, sizeof(dp) - 1), 0);
    frames(&a, 6, &out);
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&b);
    return out.p;
}

/* Pipelined commands, sent in one write (so read at once by either
 * server): BCAST messages go out once the whole read has run, one per
 * prefix; default mode's after each command's reply. */
static void test_pipeline(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle");
    struct mh_server *mock = it_mock(NULL);
    char *want = pipeline_session(mh_server_port(redis));
    char *got = pipeline_session(mh_server_port(mock));
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "redis-server:\n%s\nmockredis:\n%s", want, got);
        fail_msg("the pipelines differ (above)");
    }
    assert_non_null(strstr(got, "*2\\r\\n$3\\r\\np:3\\r\\n$3\\r\\np:4"));
    free(want);
    free(got);
    it_stop_ok(mock);
    it_stop(redis);
}

/* ---- tracking-table-max-keys ----------------------------------------------------- */

/* Frames as frames() reads them, the invalidated key's name masked: which
 * keys go is a random choice on either server. */
static void frames_masked(struct mh_conn *c, int n, struct buf *out)
{
    static const char push[] = ">2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\n";
    size_t from = out->len;
    frames(c, n, out);
    for (char *p = out->p + from; (p = strstr(p, push)) != NULL;)
        p[sizeof(push) - 1] = '?', p += sizeof(push);
}

static char *table_limit_session(int port)
{
    struct mh_conn a, b;
    struct buf r = BUF_INIT, out = BUF_INIT;
    assert_int_equal(mh_conn_open(&a, port), 0);
    assert_int_equal(mh_conn_open(&b, port), 0);
    assert_int_equal(mh_call(&a, "HELLO 3", &r, 5000), MH_REPLY);
    it_line_expect(&a, "CONFIG SET tracking-table-max-keys 1", "+OK\r\n");
    it_line_expect(&a, "CLIENT TRACKING on", "+OK\r\n");
    /* over the limit after GET b: the next command's check evicts one of
     * a, b, its invalidation before that command's reply */
    static const char p1[] = "GET a\r\nGET b\r\nPING\r\n";
    assert_int_equal(mh_send(a.fd, p1, sizeof(p1) - 1), 0);
    frames_masked(&a, 4, &out);
    /* three over: three go */
    static const char p2[] = "MGET c d e\r\nPING\r\n";
    assert_int_equal(mh_send(a.fd, p2, sizeof(p2) - 1), 0);
    frames_masked(&a, 5, &out);
    assert_int_equal(mh_call(&b, "INFO stats", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, "tracking_total_keys:1\r\n"));
    /* NOLOOP: the keys go, but the client whose command is next is not
     * told about its own */
    it_line_expect(&a, "CLIENT TRACKING off", "+OK\r\n");
    it_line_expect(&a, "CLIENT TRACKING on NOLOOP", "+OK\r\n");
    static const char p3[] = "GET x\r\nGET y\r\nPING\r\n";
    assert_int_equal(mh_send(a.fd, p3, sizeof(p3) - 1), 0);
    frames_masked(&a, 3, &out);
    assert_int_equal(mh_call(&b, "INFO stats", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, "tracking_total_keys:1\r\n"));
    /* an idle server: the cron evicts (no current client: NOLOOP's own
     * keys are told) once another connection lowers the limit */
    it_line_expect(&a, "CONFIG SET tracking-table-max-keys 0", "+OK\r\n");
    it_line_expect(&a, "MGET p q r", "*3\r\n_\r\n_\r\n_\r\n");
    it_line_expect(&b, "CONFIG SET tracking-table-max-keys 2", "+OK\r\n");
    frames_masked(&a, 2, &out);
    it_line_send(&a, "PING");
    frames_masked(&a, 1, &out);
    assert_int_equal(mh_call(&b, "INFO stats", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, "tracking_total_keys:2\r\n"));
    it_line_expect(&b, "CONFIG GET tracking-table-max-keys",
                   "*2\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n2\r\n");
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&b);
    return out.p;
}

/* tracking-table-max-keys: when the table holds more keys than the limit,
 * random keys are forgotten and invalidated, before the next command
 * runs and by the cron; compared with redis-server, key names masked. */
static void test_table_max_keys(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle");
    struct mh_server *mock = it_mock(NULL);
    char *want = table_limit_session(mh_server_port(redis));
    char *got = table_limit_session(mh_server_port(mock));
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "redis-server:\n%s\nmockredis:\n%s", want, got);
        fail_msg("the sessions differ (above)");
    }
    assert_non_null(strstr(got, "$1\\r\\n?\\r\\n\n+PONG"));
    free(want);
    free(got);
    it_stop_ok(mock);
    it_stop(redis);
}

/* ---- mockredis only: expiry under a virtual clock --------------------------------- */

/* A key A read expires: a read by B (lazy expiry) and the background
 * expiry each invalidate it, as Redis's expiry does; so do a scenario's
 * MOCK-driven clock jump and a DEBUG-free write. */
static void test_expiry_virtual_clock(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a, b;
    struct buf r = BUF_INIT;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    assert_int_equal(mh_call(&b, "MOCK CLOCK VIRTUAL 1000000", &r, 5000), MH_REPLY);
    assert_int_equal(mh_call(&a, "HELLO 3", &r, 5000), MH_REPLY);
    it_line_expect(&a, "CLIENT TRACKING on", "+OK\r\n");
    it_line_expect(&b, "SET e1 v PX 1000", "+OK\r\n");
    it_line_expect(&b, "SET e2 v PX 1000", "+OK\r\n");
    it_line_expect(&a, "MGET e1 e2", "*2\r\n$1\r\nv\r\n$1\r\nv\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1000", ":1001000\r\n");
    /* lazy: B's read deletes e1 */
    it_line_expect(&b, "GET e1", "$-1\r\n");
    it_reply_expect(&a, IT_S(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ne1\r\n"));
    /* active: the background expiry finds e2 by itself */
    it_reply_expect(&a, IT_S(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ne2\r\n"));
    /* the tracker's own read of an expired key: the push after its reply */
    it_line_expect(&b, "SET e3 v PX 1000", "+OK\r\n");
    it_line_expect(&a, "GET e3", "$1\r\nv\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1000", ":1002000\r\n");
    it_line_send(&a, "GET e3");
    it_line_reply(&a, "_\r\n");
    it_reply_expect(&a, IT_S(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\ne3\r\n"));
    it_line_expect(&a, "PING", "+PONG\r\n");
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

/* A scenario's keyspace actions are changes: evict, retype and expire
 * each invalidate the key a tracker read. */
static void test_scenario_actions(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "trk",
                                           "on PING conn 2 do evict k1\n"
                                           "on ECHO conn 2 do retype k2 list\n"
                                           "on DBSIZE conn 2 do expire k3\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&b, "MSET k1 1 k2 2 k3 3", "+OK\r\n");
    it_line_send(&a, "HELLO 3");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_REPLY);
    it_line_expect(&a, "CLIENT TRACKING on", "+OK\r\n");
    it_line_expect(&a, "MGET k1 k2 k3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
    it_line_expect(&b, "PING", "+PONG\r\n");
    it_reply_expect(&a, IT_S(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk1\r\n"));
    it_line_expect(&b, "ECHO x", "$1\r\nx\r\n");
    it_reply_expect(&a, IT_S(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk2\r\n"));
    it_line_expect(&a, "TYPE k2", "+list\r\n");
    it_line_expect(&b, "DBSIZE", ":1\r\n");
    it_reply_expect(&a, IT_S(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk3\r\n"));
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* ---- hiredis async (libevent), as the lessons use it --------------------------- */

#define HA_KEY "trk:key"

struct ha_state {
    struct event_base *base;
    struct event *timer; /* the 5 s limit, dropped when done: the loop then ends */
    redisAsyncContext *tracker, *writer, *sub;
    long long sub_id;
    int invalidations, done;
    char key[64];
};

static void ha_finish(struct ha_state *st)
{
    if (st->done)
        return;
    st->done = 1;
    event_del(st->timer);
    redisAsyncDisconnect(st->tracker);
    redisAsyncDisconnect(st->writer);
    if (st->sub)
        redisAsyncDisconnect(st->sub);
}

/* The payload of an invalidation: an array of one key. */
static void ha_got_keys(struct ha_state *st, const redisReply *keys)
{
    assert_int_equal(keys->type, REDIS_REPLY_ARRAY);
    assert_int_equal(keys->elements, 1);
    snprintf(st->key, sizeof(st->key), "%s", keys->element[0]->str);
    st->invalidations++;
    ha_finish(st);
}

static void ha_ignore(redisAsyncContext *ac, void *r, void *priv)
{
    (void)ac;
    (void)r;
    (void)priv;
}

/* The tracker read the key: now the other connection changes it. */
static void ha_on_get(redisAsyncContext *ac, void *r, void *priv)
{
    (void)ac;
    struct ha_state *st = priv;
    assert_non_null(r);
    redisAsyncCommand(st->writer, ha_ignore, st, "SET %s v", HA_KEY);
}

static void ha_on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(arg);
}

static void ha_run(struct ha_state *st)
{
    struct timeval five = {5, 0};
    evtimer_add(st->timer, &five);
    event_base_dispatch(st->base);
    event_free(st->timer);
    if (!st->done) { /* timed out: the contexts are still connected */
        redisAsyncFree(st->tracker);
        redisAsyncFree(st->writer);
        if (st->sub)
            redisAsyncFree(st->sub);
    }
    event_base_free(st->base);
}

static redisAsyncContext *ha_connect(struct ha_state *st, int port)
{
    if (st->timer == NULL)
        st->timer = evtimer_new(st->base, ha_on_timeout, st->base);
    redisAsyncContext *ac = redisAsyncConnect("127.0.0.1", port);
    assert_true(ac != NULL && !ac->err);
    redisLibeventAttach(ac, st->base);
    return ac;
}

/* RESP2 everywhere: the tracker redirects to a subscriber of
 * __redis__:invalidate, which gets the key in a message (any hiredis). */
static void ha_on_message(redisAsyncContext *ac, void *r, void *priv)
{
    (void)ac;
    struct ha_state *st = priv;
    redisReply *reply = r;
    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
        return;
    if (strcmp(reply->element[0]->str, "subscribe") == 0) {
        redisAsyncCommand(st->tracker, ha_ignore, st, "CLIENT TRACKING on REDIRECT %lld",
                          st->sub_id);
        redisAsyncCommand(st->tracker, ha_on_get, st, "GET %s", HA_KEY);
    } else if (strcmp(reply->element[0]->str, "message") == 0) {
        assert_string_equal(reply->element[1]->str, "__redis__:invalidate");
        ha_got_keys(st, reply->element[2]);
    }
}

static void ha_on_sub_id(redisAsyncContext *ac, void *r, void *priv)
{
    struct ha_state *st = priv;
    redisReply *reply = r;
    assert_true(reply && reply->type == REDIS_REPLY_INTEGER);
    st->sub_id = reply->integer;
    redisAsyncCommand(ac, ha_on_message, st, "SUBSCRIBE __redis__:invalidate");
}

static void test_hiredis_async_redirect(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct ha_state st;
    memset(&st, 0, sizeof(st));
    st.base = event_base_new();
    st.tracker = ha_connect(&st, mh_server_port(s));
    st.writer = ha_connect(&st, mh_server_port(s));
    st.sub = ha_connect(&st, mh_server_port(s));
    redisAsyncCommand(st.sub, ha_on_sub_id, &st, "CLIENT ID");
    ha_run(&st);
    assert_true(st.done);
    assert_int_equal(st.invalidations, 1);
    assert_string_equal(st.key, HA_KEY);
    it_stop_ok(s);
}

#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1
/* RESP3: the invalidation is a push on the tracker's own connection,
 * handed to hiredis's push callback, never to a command's callback. */
static void ha_on_push(redisAsyncContext *ac, void *r)
{
    struct ha_state *st = ac->data;
    redisReply *reply = r;
    assert_non_null(reply);
    assert_int_equal(reply->type, REDIS_REPLY_PUSH);
    assert_int_equal(reply->elements, 2);
    assert_string_equal(reply->element[0]->str, "invalidate");
    ha_got_keys(st, reply->element[1]);
}

static void ha_on_tracking(redisAsyncContext *ac, void *r, void *priv)
{
    redisReply *reply = r;
    assert_true(reply && reply->type == REDIS_REPLY_STATUS);
    assert_string_equal(reply->str, "OK");
    redisAsyncCommand(ac, ha_on_get, priv, "GET %s", HA_KEY);
}

static void test_hiredis_async_push(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct ha_state st;
    memset(&st, 0, sizeof(st));
    st.base = event_base_new();
    st.tracker = ha_connect(&st, mh_server_port(s));
    st.writer = ha_connect(&st, mh_server_port(s));
    st.tracker->data = &st;
    redisAsyncSetPushCallback(st.tracker, ha_on_push);
    redisAsyncCommand(st.tracker, ha_ignore, &st, "HELLO 3");
    redisAsyncCommand(st.tracker, ha_on_tracking, &st, "CLIENT TRACKING on");
    ha_run(&st);
    assert_true(st.done);
    assert_int_equal(st.invalidations, 1);
    assert_string_equal(st.key, HA_KEY);
    it_stop_ok(s);
}

/* The synchronous API, as hiredis 1.2.0's own test program checks it: the
 * client invalidates its own key; the push arrives after SET's reply and
 * is handed to the push callback while the next command is read. */
static void sync_on_push(void *priv, void *r)
{
    int *n = priv;
    redisReply *reply = r;
    if (reply->type == REDIS_REPLY_PUSH && reply->elements == 2 &&
        strcmp(reply->element[0]->str, "invalidate") == 0)
        (*n)++;
    freeReplyObject(reply);
}

static void test_hiredis_sync_push(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    redisContext *ctx = it_connect(mh_server_port(s));
    int n = 0;
    ctx->privdata = &n;
    redisSetPushCallback(ctx, sync_on_push);
    redisReply *r = redisCommand(ctx, "HELLO 3");
    assert_true(r && r->type == REDIS_REPLY_MAP);
    freeReplyObject(r);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "CLIENT TRACKING on");
    r = redisCommand(ctx, "GET %s", HA_KEY);
    assert_true(r && r->type == REDIS_REPLY_NIL);
    freeReplyObject(r);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "SET %s v", HA_KEY);
    assert_int_equal(n, 0);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    assert_int_equal(n, 1);
    redisFree(ctx);
    it_stop_ok(s);
}
#else
/* hiredis 0.14 reads no RESP3: the same exchange as raw bytes. */
static void test_hiredis_sync_push(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn c;
    struct buf r = BUF_INIT;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    assert_int_equal(mh_call(&c, "HELLO 3", &r, 5000), MH_REPLY);
    it_line_expect(&c, "CLIENT TRACKING on", "+OK\r\n");
    it_line_expect(&c, "GET " HA_KEY, "_\r\n");
    it_line_expect(&c, "SET " HA_KEY " v", "+OK\r\n");
    it_reply_expect(&c, IT_S(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\n" HA_KEY "\r\n"));
    it_line_expect(&c, "PING", "+PONG\r\n");
    buf_free(&r);
    mh_conn_close(&c);
    it_stop_ok(s);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp3_default),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_redirect_resp3),
        cmocka_unit_test(test_bcast),
        cmocka_unit_test(test_optin_optout_noloop),
        cmocka_unit_test(test_blocking),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_table_max_keys),
        cmocka_unit_test(test_expiry_virtual_clock),
        cmocka_unit_test(test_scenario_actions),
        cmocka_unit_test(test_hiredis_async_redirect),
#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1
        cmocka_unit_test(test_hiredis_async_push),
#endif
        cmocka_unit_test(test_hiredis_sync_push),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
