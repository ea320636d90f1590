/* it.c - helpers for the integration tests, see it.h. */
#include "it.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
