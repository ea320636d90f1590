/* it.c - helpers for the integration tests, see it.h. */
#include "it.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

long long it_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long it_now_ms(void)
{
    return it_now_us() / 1000;
}

void it_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Servers started and not yet stopped. A failing assertion leaves its test
 * through a longjmp, past the test's own stop call: these are stopped at
 * exit instead, so no server outlives the test binary (an orphan would also
 * keep ctest waiting on the output pipe it inherited). */
#define IT_MAX_SERVERS 32
static struct mh_server *live[IT_MAX_SERVERS];

static void stop_leftovers(void)
{
    for (int i = 0; i < IT_MAX_SERVERS; i++) {
        if (live[i])
            mh_server_stop(live[i]);
        live[i] = NULL;
    }
}

static struct mh_server *track(struct mh_server *s)
{
    static int registered;
    if (s == NULL)
        return NULL;
    if (!registered) {
        atexit(stop_leftovers);
        registered = 1;
    }
    for (int i = 0; i < IT_MAX_SERVERS; i++) {
        if (live[i] == NULL) {
            live[i] = s;
            return s;
        }
    }
    return s; /* untracked: only the test's own stop ends it */
}

static void untrack(struct mh_server *s)
{
    for (int i = 0; i < IT_MAX_SERVERS; i++)
        if (live[i] == s)
            live[i] = NULL;
}

struct mh_server *it_mock(const char *const *args)
{
    char err[256];
    struct mh_server *s = track(mh_mock_start(args, err, sizeof(err)));
    if (s == NULL)
        fail_msg("cannot start mockredis: %s", err);
    return s;
}

struct mh_server *it_redis(const char *const *args)
{
    char err[256];
    struct mh_server *s = track(mh_redis_start(args, err, sizeof(err)));
    if (s == NULL)
        print_message("(no oracle check: %s)\n", err);
    return s;
}

int it_stop(struct mh_server *s)
{
    untrack(s);
    return mh_server_stop(s);
}

void it_stop_ok(struct mh_server *s)
{
    int st = it_stop(s);
    if (st == -1)
        fail_msg("server did not stop within 5 s of SIGTERM");
    if (WIFSIGNALED(st))
        fail_msg("server died of signal %d", WTERMSIG(st));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("server exited with status %d (sanitizer or valgrind report above?)",
                 WEXITSTATUS(st));
}

redisContext *it_connect(int port)
{
    struct timeval tv = {5, 0};
    redisContext *ctx = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (ctx == NULL || ctx->err)
        fail_msg("cannot connect to port %d: %s", port, ctx ? ctx->errstr : "no memory");
    redisSetTimeout(ctx, tv);
    return ctx;
}

void it_cmd_expect(redisContext *ctx, int type, const char *text, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(ctx, fmt, ap);
    va_end(ap);
    if (r == NULL)
        fail_msg("%s: no reply (%s)", fmt, ctx->errstr);
    if (r->type != type) {
        char got[200];
        int gtype = r->type;
        snprintf(got, sizeof(got), "%s", r->str ? r->str : "");
        freeReplyObject(r);
        fail_msg("%s: reply type %d, want %d (%s)", fmt, gtype, type, got);
    }
    if (type == REDIS_REPLY_INTEGER) {
        long long want = atoll(text);
        long long got = r->integer;
        freeReplyObject(r);
        assert_int_equal(got, want);
        return;
    }
    if (type == REDIS_REPLY_NIL) {
        freeReplyObject(r);
        return;
    }
    if (IT_REPLY_LEN(r) != strlen(text) || memcmp(r->str, text, strlen(text)) != 0) {
        char got[200];
        snprintf(got, sizeof(got), "%s", r->str);
        freeReplyObject(r);
        fail_msg("%s: got '%s', want '%s'", fmt, got, text);
    }
    freeReplyObject(r);
}

void it_reply_expect(struct mh_conn *c, const char *want, size_t wantlen)
{
    struct buf r = BUF_INIT;
    int rc = mh_read_reply(c, &r, 5000);
    if (rc != MH_REPLY || r.len != wantlen || memcmp(r.p, want, wantlen) != 0) {
        char e1[400], e2[400];
        mh_escape(r.p ? r.p : "", r.len, e1, sizeof(e1));
        mh_escape(want, wantlen, e2, sizeof(e2));
        buf_free(&r);
        fail_msg("reply: rc %d, got '%s', want '%s'", rc, e1, e2);
    }
    buf_free(&r);
}

void it_raw_expect(struct mh_conn *c, const char *send, size_t sendlen, const char *want,
                   size_t wantlen)
{
    if (mh_send(c->fd, send, sendlen) < 0)
        fail_msg("send failed");
    it_reply_expect(c, want, wantlen);
}

void it_expect_eof(struct mh_conn *c, int timeout_ms)
{
    struct buf r = BUF_INIT;
    int rc = mh_read_reply(c, &r, timeout_ms);
    if (rc != MH_EOF || c->in.len != 0) {
        char e[400];
        mh_escape(r.len ? r.p : c->in.p ? c->in.p : "", r.len ? r.len : c->in.len, e, sizeof(e));
        buf_free(&r);
        fail_msg("expected EOF, got rc %d with '%s'", rc, e);
    }
    buf_free(&r);
}

void it_write_temp(char *path, size_t size, const char *prefix, const char *text)
{
    snprintf(path, size, "/tmp/%s-XXXXXX", prefix);
    int fd = mkstemp(path);
    if (fd < 0)
        fail_msg("mkstemp: %s", strerror(errno));
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n)
        fail_msg("cannot write %s", path);
    close(fd);
}

struct mh_server *it_mock_scenario(char *path, size_t size, const char *prefix, const char *text)
{
    it_write_temp(path, size, prefix, text);
    const char *args[] = {"--scenario", path, NULL};
    return it_mock(args);
}

/* ---- transcripts ---------------------------------------------------------- */

void it_wait_info(struct mh_conn *c, const char *field, long n)
{
    struct buf r = BUF_INIT;
    long long until = it_now_ms() + 5000;
    for (;;) {
        assert_int_equal(mh_call(c, "INFO clients", &r, 5000), MH_REPLY);
        const char *p = strstr(r.p, field);
        assert_non_null(p);
        if (strtol(p + strlen(field), NULL, 10) == n)
            break;
        if (it_now_ms() > until)
            fail_msg("%s never reached %ld", field, n);
    }
    buf_free(&r);
}

/* An expect of "?PREFIX": the line (already sent once, CRLF included) is
 * sent again after each reply that does not start with prefix. */
static void poll_until(struct mh_conn *c, const struct buf *line, const char *prefix,
                       struct buf *reply, size_t step)
{
    size_t plen = strlen(prefix);
    long long deadline = it_now_ms() + 10000;
    for (;;) {
        if (mh_read_reply(c, reply, 10000) != MH_REPLY)
            fail_msg("step %zu: no reply while waiting for \"%s\"", step, prefix);
        if (reply->len >= plen && memcmp(reply->p, prefix, plen) == 0)
            return;
        if (it_now_ms() > deadline)
            fail_msg("step %zu: no reply starting with \"%s\" within 10 s", step, prefix);
        assert_int_equal(mh_send(c->fd, line->p, line->len), 0);
    }
}

char *it_transcript(int port, const struct it_step *steps, size_t n)
{
    struct mh_conn conns[IT_CONNS], sync;
    int open[IT_CONNS] = {0};
    struct buf t = BUF_INIT, reply = BUF_INIT, line = BUF_INIT;
    assert_int_equal(mh_conn_open(&sync, port), 0);
    for (size_t i = 0; i < n; i++) {
        int x = steps[i].conn - 'A';
        if (steps[i].line == NULL) {
            mh_conn_close(&conns[x]);
            open[x] = 0;
        } else {
            if (!open[x]) {
                assert_int_equal(mh_conn_open(&conns[x], port), 0);
                open[x] = 1;
            }
            buf_clear(&line);
            buf_printf(&line, "%s\r\n", steps[i].line);
            assert_int_equal(mh_send(conns[x].fd, line.p, line.len), 0);
        }
        if (steps[i].expect[0] == '?' && steps[i].line) {
            poll_until(&conns[x], &line, steps[i].expect + 1, &reply, i);
            char esc[512];
            buf_printf(&t, "%c: %s\n", steps[i].conn,
                       mh_escape(reply.p, reply.len, esc, sizeof(esc)));
        }
        for (const char *e = steps[i].expect; *e && *e != '?'; e++) {
            if (*e == '-') {
                int y = *++e - 'A';
                int r = mh_read_reply(&conns[y], &reply, 5000);
                buf_printf(&t, "%c: %s\n", *e, r == MH_EOF ? "closed" : "UNEXPECTED");
                mh_conn_close(&conns[y]);
                open[y] = 0;
                continue;
            }
            int y = *e - 'A';
            int r = mh_read_reply(&conns[y], &reply, 5000);
            if (r != MH_REPLY)
                fail_msg("step %zu (%c: %.40s): no reply on %c (%d)", i, steps[i].conn,
                         steps[i].line ? steps[i].line : "close", *e, r);
            char esc[512];
            buf_printf(&t, "%c: %s\n", *e, mh_escape(reply.p, reply.len, esc, sizeof(esc)));
        }
        if (steps[i].wait_clients >= 0)
            it_wait_info(&sync, "connected_clients:", steps[i].wait_clients);
        if (steps[i].wait_blocked >= 0)
            it_wait_info(&sync, "blocked_clients:", steps[i].wait_blocked);
    }
    mh_conn_close(&sync);
    for (int x = 0; x < IT_CONNS; x++) {
        if (!open[x])
            continue;
        int r = mh_read_reply(&conns[x], &reply, 50);
        buf_printf(&t, "%c: %s\n", 'A' + x, r == MH_TIMEOUT ? "nothing more" : "UNEXPECTED");
        mh_conn_close(&conns[x]);
    }
    buf_free(&reply);
    buf_free(&line);
    return t.p;
}

void it_transcript_strip(char *t, const char *prefix)
{
    char *p;
    while ((p = strstr(t, prefix)) != NULL && (p == t || p[-1] == '\n')) {
        char *eol = strchr(p, '\n');
        memmove(p, eol + 1, strlen(eol + 1) + 1);
    }
}

/* Waits up to 5 s for s to exit by itself (the transcript shut it down)
 * and asserts status 0. */
static void wait_exit_ok(struct mh_server *s, const char *what)
{
    int st = 0;
    if (!mh_server_wait(s, 5000, &st))
        fail_msg("%s did not exit within 5 s of SHUTDOWN", what);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("%s exited with status 0x%x after SHUTDOWN", what, st);
    it_stop(s);
}

/* One server's transcript, as o says to make and mask it. */
static char *diff_side(struct mh_server *s, const struct it_step *steps, size_t n,
                       const struct it_diff_opts *o)
{
    char *t = (o->run ? o->run : it_transcript)(mh_server_port(s), steps, n);
    if (o->mask != NULL) {
        char *m = o->mask(t);
        free(t);
        t = m;
    }
    for (char c = 'A'; c <= 'C' && !o->keep_hello; c++) {
        char prefix[16];
        snprintf(prefix, sizeof(prefix), "%c: %%7\\r", c); /* HELLO 3 */
        it_transcript_strip(t, prefix);
        snprintf(prefix, sizeof(prefix), "%c: *14\\r", c); /* HELLO 2 */
        it_transcript_strip(t, prefix);
    }
    return t;
}

void it_transcript_diff_opts(const struct it_step *steps, size_t n, const char *must,
                             const struct it_diff_opts *o)
{
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle (scripts/deps.sh installs it)");
    struct mh_server *mock = it_mock(NULL);
    char *want = diff_side(redis, steps, n, o);
    char *got = diff_side(mock, steps, n, o);
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "redis-server:\n%s\nmockredis:\n%s", want, got);
        fail_msg("the transcripts differ (above)");
    }
    if (strstr(got, must) == NULL)
        fail_msg("transcript lacks \"%s\":\n%s", must, got);
    free(want);
    free(got);
    if (o->shuts_down) {
        wait_exit_ok(mock, "mockredis");
        wait_exit_ok(redis, "redis-server");
        return;
    }
    it_stop_ok(mock);
    it_stop(redis);
}

void it_transcript_diff(const struct it_step *steps, size_t n, const char *must)
{
    it_transcript_diff_opts(steps, n, must, &(struct it_diff_opts){0});
}

void it_transcript_diff_shutdown(const struct it_step *steps, size_t n, const char *must)
{
    it_transcript_diff_opts(steps, n, must, &(struct it_diff_opts){.shuts_down = 1});
}

struct mh_server *it_mock_clock(struct mh_conn *a, struct mh_conn *b)
{
    struct mh_server *s = it_mock(NULL);
    assert_int_equal(mh_conn_open(a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(b, mh_server_port(s)), 0);
    it_line_expect(b, "MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n");
    return s;
}

void it_line_send(struct mh_conn *c, const char *line)
{
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "%s\r\n", line);
    assert_int_equal(mh_send(c->fd, buf, (size_t)n), 0);
}

void it_line_reply(struct mh_conn *c, const char *want)
{
    struct buf r = BUF_INIT;
    int st = mh_read_reply(c, &r, 5000);
    if (st != MH_REPLY || r.len != strlen(want) || memcmp(r.p, want, r.len) != 0) {
        char esc[512];
        fail_msg("got (%d) %s, want %s", st, r.p ? mh_escape(r.p, r.len, esc, sizeof(esc)) : "",
                 want);
    }
    buf_free(&r);
}

void it_line_expect(struct mh_conn *c, const char *line, const char *want)
{
    it_line_send(c, line);
    it_line_reply(c, want);
}
