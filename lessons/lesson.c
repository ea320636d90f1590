/* lesson.c - narration, claims, verdict, server and child-process helpers
 * for the lessons, see lesson.h.
 *
 * Claims are kept in a fixed table (a lesson makes a handful). The server
 * side goes through the harness and the MOCK namespace only, exactly as a
 * user's own test would; the scenario's JSON report is read with jansson,
 * the record of commands (MOCK HISTORY) with hiredis's reply reader.
 * Naive code runs in a forked child: its crash shows as a signal in the
 * wait status and its hang is cut by SIGKILL. */
#include "lesson.h"

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
/* ASan: gcc defines __SANITIZE_ADDRESS__, clang answers __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define LS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LS_ASAN 1
#endif
#endif
#ifndef LS_ASAN
#define LS_ASAN 0
#endif

#ifndef LESSON_SCENARIO_DIR
#define LESSON_SCENARIO_DIR "scenarios"
#endif

#define MAX_CLAIMS 32
#define WIDTH      76

/* The control connection: opened with the server, before any scenario is
 * loaded, so a scenario never counts it among the client's connections
 * (only connections accepted after MOCK SCENARIO LOAD are counted). */
static struct mh_conn ctl = {-1, MH_BYTES_INIT};

static struct {
    char text[MAX_CLAIMS][200];
    int held[MAX_CLAIMS];
    int n, failed;
    int skipped;      /* speed claims not checked (ls_speed_claim) */
    int speed_seen;   /* speed claims checked as observations: held ... */
    int speed_unseen; /* ... and not held (the machine's load decides) */
    int colour;
    char id[8];
} L;

static const char *c(const char *code)
{
    return L.colour ? code : "";
}

long long ls_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void ls_begin(const char *id, const char *title)
{
    /* NO_COLOR (any value) wins; CLICOLOR_FORCE is for a runner that pipes
     * the output on to a terminal (run-all.sh). */
    const char *nc = getenv("NO_COLOR"), *force = getenv("CLICOLOR_FORCE");
    int tty =
        isatty(STDOUT_FILENO) || (force != NULL && force[0] != '\0' && strcmp(force, "0") != 0);
    L.colour = tty && (nc == NULL || nc[0] == '\0');
    snprintf(L.id, sizeof(L.id), "%s", id);
    printf("%s== %s: %s ==%s\n\n", c("\033[1m"), id, title, c("\033[0m"));
    fflush(stdout);
}

/* Prints text wrapped at WIDTH columns, each line prefixed by indent. */
static void wrap(const char *indent, const char *text)
{
    size_t col = 0, ind = strlen(indent);
    const char *p = text;
    fputs(indent, stdout);
    col = ind;
    while (*p) {
        size_t w = strcspn(p, " \n");
        if (col > ind && col + 1 + w > WIDTH) {
            printf("\n%s", indent);
            col = ind;
        } else if (col > ind) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, w, stdout);
        col += w;
        p += w;
        if (*p == '\n' && p[1] == '\n') { /* a blank line: new paragraph */
            printf("\n\n%s", indent);
            col = ind;
            p += 2;
        } else if (*p) {
            p++;
        }
    }
    putchar('\n');
}

static void vwrap(const char *indent, const char *fmt, va_list ap)
{
    char text[4096];
    vsnprintf(text, sizeof(text), fmt, ap);
    wrap(indent, text);
    fflush(stdout);
}

void ls_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwrap("", fmt, ap);
    va_end(ap);
    putchar('\n');
}

void ls_naive(const char *fmt, ...)
{
    va_list ap;
    printf("%s-- NAIVE: ", c("\033[33m"));
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("%s\n", c("\033[0m"));
    fflush(stdout);
}

void ls_right(const char *fmt, ...)
{
    va_list ap;
    printf("%s-- RIGHT: ", c("\033[36m"));
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("%s\n", c("\033[0m"));
    fflush(stdout);
}

void ls_show(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwrap("     ", fmt, ap);
    va_end(ap);
}

int ls_claim(int held, const char *fmt, ...)
{
    va_list ap;
    char text[200];
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (L.n < MAX_CLAIMS) {
        snprintf(L.text[L.n], sizeof(L.text[0]), "%s", text);
        L.held[L.n++] = held;
    }
    if (!held)
        L.failed++;
    printf("  %s[%s]%s %s\n", c(held ? "\033[32m" : "\033[31m"), held ? "held" : "FAILED",
           c("\033[0m"), text);
    fflush(stdout);
    return held;
}

const char *ls_speed_skipped(void)
{
    if (RUNNING_ON_VALGRIND)
        return "valgrind runs the code 10-50x slower, one thread at a time";
    if (LS_ASAN)
        return "an AddressSanitizer build runs several times slower";
    return NULL;
}

/* MOCKREDIS_SPEED_CLAIMS=1: speed claims count as claims (an idle machine). */
static int speed_claims_count(void)
{
    const char *v = getenv("MOCKREDIS_SPEED_CLAIMS");
    return v != NULL && strcmp(v, "1") == 0;
}

int ls_speed_claim(int held, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *why = ls_speed_skipped();
    if (why == NULL && speed_claims_count()) {
        char text[200];
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        return ls_claim(held, "%s", text);
    }
    if (why == NULL) {
        /* Shown, held or not, but no claim: a busy machine (a shared CI
         * runner, two test suites at once) decides it as much as the code. */
        printf("  %s%s%s ", c(held ? "\033[36m" : "\033[33m"), held ? "[seen]" : "[not seen]",
               c("\033[0m"));
        vprintf(fmt, ap);
        va_end(ap);
        printf(" -- a speed observation: this machine's load decides it too, so it is not a "
               "claim\n");
        fflush(stdout);
        if (held)
            L.speed_seen++;
        else
            L.speed_unseen++;
        return held;
    }
    /* Said without the measured numbers' verdict: they mean nothing here. */
    printf("  %s[skipped]%s ", c("\033[33m"), c("\033[0m"));
    vprintf(fmt, ap);
    va_end(ap);
    printf(" -- a speed claim: %s\n", why);
    fflush(stdout);
    L.skipped++;
    return 1;
}

int ls_end(void)
{
    int ok = L.failed == 0 && L.n > 0;
    char skipped[160] = "";
    if (L.skipped > 0)
        snprintf(skipped, sizeof(skipped), " (%d speed claim%s skipped: %s)", L.skipped,
                 L.skipped == 1 ? "" : "s", ls_speed_skipped());
    else if (L.speed_seen + L.speed_unseen > 0)
        snprintf(skipped, sizeof(skipped), " (speed, not counted: %d seen, %d not seen)",
                 L.speed_seen, L.speed_unseen);
    printf("\n%sverdict %s: %d of %d claims held%s: %s%s\n", c("\033[1m"), L.id, L.n - L.failed,
           L.n, skipped, ok ? "PASS" : "FAIL", c("\033[0m"));
    for (int i = 0; i < L.n; i++)
        if (!L.held[i])
            printf("  failed: %s\n", L.text[i]);
    fflush(stdout);
    return ok ? 0 : 1;
}

/* ---- the server ---------------------------------------------------------------- */

struct mh_server *ls_server(const char *const *extra_args)
{
    char err[256];
    struct mh_server *s = mh_mock_start(extra_args, err, sizeof(err));
    if (s == NULL) {
        ls_claim(0, "mockredis starts (%s)", err);
        return NULL;
    }
    if (mh_conn_open(&ctl, mh_server_port(s)) < 0)
        ls_claim(0, "the lesson's control connection opens");
    return s;
}

void ls_server_stop(struct mh_server *s)
{
    if (ctl.fd >= 0)
        mh_conn_close(&ctl);
    if (s == NULL)
        return;
    int st = mh_server_stop(s);
    if (st != 0)
        ls_claim(0, "mockredis exits cleanly (wait status %d)", st);
}

/* Sends one MOCK command on the control connection; the reply goes to r
 * (caller frees). */
static int mock_call(struct mh_server *s, int argc, const char *const *argv, struct buf *r)
{
    if (s == NULL || ctl.fd < 0)
        return -1;
    return mh_send_argv(ctl.fd, argc, argv, NULL) == 0 && mh_read_reply(&ctl, r, 5000) == MH_REPLY
               ? 0
               : -1;
}

int ls_play(struct mh_server *s, const char *name)
{
    char path[1024];
    struct buf r = BUF_INIT;
    snprintf(path, sizeof(path), "%s/%s", LESSON_SCENARIO_DIR, name);
    const char *argv[] = {"MOCK", "SCENARIO", "LOAD", path};
    int ok = s && mock_call(s, 4, argv, &r) == 0 && r.len >= 3 && memcmp(r.p, "+OK", 3) == 0;
    if (!ok)
        ls_claim(0, "scenario %s loads (%s)", name, r.p ? r.p : "no reply");
    buf_free(&r);
    return ok ? 0 : -1;
}

int ls_advance(struct mh_server *s, long long ms)
{
    char n[32];
    snprintf(n, sizeof(n), "%lld", ms);
    const char *argv[] = {"MOCK", "CLOCK", "ADVANCE", n};
    struct buf r = BUF_INIT;
    int ok = s && mock_call(s, 4, argv, &r) == 0 && r.len > 0 && r.p[0] == ':';
    if (!ok)
        ls_claim(0, "the virtual clock moves %lld ms (%s)", ms, r.p ? r.p : "no reply");
    buf_free(&r);
    return ok ? 0 : -1;
}

/* The scenario's report (MOCK SCENARIO REPORT, a bulk string of JSON),
 * parsed with jansson: NULL when it cannot be read or is not JSON. The
 * caller releases it with json_decref. When text is not NULL, the raw
 * JSON is also copied there (size bytes, truncated if need be). */
static json_t *report(struct mh_server *s, char *text, size_t size)
{
    const char *argv[] = {"MOCK", "SCENARIO", "REPORT"};
    struct buf r = BUF_INIT;
    json_t *j = NULL;
    /* The reply is "$<length>\r\n<JSON>\r\n", complete (mh_read_reply). */
    if (s != NULL && mock_call(s, 3, argv, &r) == 0 && r.len > 0 && r.p[0] == '$') {
        char *body;
        long len = strtol(r.p + 1, &body, 10);
        body += 2; /* past the "\r\n" */
        if (len > 0 && body + len <= r.p + r.len) {
            json_error_t err;
            j = json_loadb(body, (size_t)len, 0, &err);
            if (j != NULL && text != NULL && size > 0)
                snprintf(text, size, "%.*s", (int)len, body);
        }
    }
    buf_free(&r);
    return j;
}

int ls_verdict(struct mh_server *s, char *json, size_t size)
{
    json_t *j = report(s, json, size);
    /* The scenario's own "passed", at the top level; each expectation has
     * one of its own further down, which is why a text search is not
     * enough. */
    json_t *passed = json_object_get(j, "passed"); /* borrowed; NULL if j is */
    int v = json_is_boolean(passed) ? json_is_true(passed) : -1;
    json_decref(j);
    return v;
}

long long ls_counter(struct mh_server *s, const char *name)
{
    json_t *j = report(s, NULL, 0);
    json_t *n = json_object_get(json_object_get(j, "counters"), name); /* borrowed */
    long long v = json_is_integer(n) ? (long long)json_integer_value(n) : -1;
    json_decref(j);
    return v;
}

long long ls_stat(struct mh_server *s, const char *name)
{
    struct buf r = BUF_INIT;
    const char *argv[] = {"MOCK", "STAT", name};
    long long v = -1;
    if (mock_call(s, 3, argv, &r) == 0 && r.len > 1 && r.p[0] == ':')
        v = strtoll(r.p + 1, NULL, 10);
    buf_free(&r);
    return v;
}

/* Copies the bulk string r (if it is one) into dst, cut to size - 1 bytes. */
static void copy_str(char *dst, size_t size, const redisReply *r)
{
    size_t len = r->type == REDIS_REPLY_STRING ? (size_t)r->len : 0;
    if (len >= size)
        len = size - 1;
    if (len > 0)
        memcpy(dst, r->str, len);
    dst[len] = '\0';
}

/* One entry of MOCK HISTORY in RESP2: a flat array, name then value. */
static void history_entry(const redisReply *e, struct ls_seen *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; e->type == REDIS_REPLY_ARRAY && i + 1 < e->elements; i += 2) {
        const redisReply *name = e->element[i], *v = e->element[i + 1];
        if (name->type != REDIS_REPLY_STRING)
            continue;
        if (strcmp(name->str, "conn") == 0 && v->type == REDIS_REPLY_INTEGER)
            out->conn = (int)v->integer;
        else if (strcmp(name->str, "argc") == 0 && v->type == REDIS_REPLY_INTEGER)
            out->argc = (int)v->integer;
        else if (strcmp(name->str, "reply") == 0)
            copy_str(out->reply, sizeof(out->reply), v);
        else if (strcmp(name->str, "argv") == 0 && v->type == REDIS_REPLY_ARRAY)
            for (size_t j = 0; j < v->elements && j < 4; j++)
                copy_str(out->argv[j], sizeof(out->argv[j]), v->element[j]);
    }
}

struct ls_seen *ls_history(struct mh_server *s, int *n)
{
    const char *argv[] = {"MOCK", "HISTORY"};
    struct buf r = BUF_INIT;
    struct ls_seen *out = NULL;
    *n = 0;
    /* The reply is complete (mh_read_reply): hiredis's reader parses it. */
    redisReader *rd = redisReaderCreate();
    void *parsed = NULL;
    if (rd != NULL && mock_call(s, 2, argv, &r) == 0 && r.len > 0 &&
        redisReaderFeed(rd, r.p, r.len) == REDIS_OK &&
        redisReaderGetReply(rd, &parsed) == REDIS_OK && parsed != NULL) {
        const redisReply *all = parsed;
        if (all->type == REDIS_REPLY_ARRAY &&
            (out = calloc(all->elements + 1, sizeof(*out))) != NULL) {
            for (size_t i = 0; i < all->elements; i++)
                history_entry(all->element[i], &out[i]);
            *n = (int)all->elements;
        }
    }
    if (out == NULL)
        ls_claim(0, "the server's record of commands can be read (MOCK HISTORY: %.80s)",
                 r.p ? r.p : "no reply");
    if (parsed != NULL)
        freeReplyObject(parsed);
    if (rd != NULL)
        redisReaderFree(rd);
    buf_free(&r);
    return out;
}

/* ---- naive code in a child process ------------------------------------------------ */

struct ls_result ls_run_child(int (*fn)(void *arg), void *arg, int timeout_ms)
{
    struct ls_result res = {LS_EXITED, 0, 0};
    long long start = ls_now_us();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        /* The default action for crashes, even in a sanitizer build, so the
         * parent sees the signal the naive code really dies of. */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        int rc = fn(arg);
        fflush(stdout);
        _exit(rc);
    }
    int st = 0;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            break;
        if ((ls_now_us() - start) / 1000 >= timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            res.how = LS_TIMED_OUT;
            break;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    res.ms = (ls_now_us() - start) / 1000;
    if (res.how != LS_TIMED_OUT) {
        if (WIFSIGNALED(st)) {
            res.how = LS_SIGNALED;
            res.code = WTERMSIG(st);
        } else {
            res.code = WEXITSTATUS(st);
        }
    }
    return res;
}

const char *ls_describe(const struct ls_result *r, char *buf, size_t size)
{
    if (r->how == LS_TIMED_OUT)
        snprintf(buf, size, "hung: stopped by the watchdog after %lld ms", r->ms);
    else if (r->how == LS_SIGNALED)
        snprintf(buf, size, "killed by SIG%s", sigabbrev_np(r->code) ? sigabbrev_np(r->code) : "?");
    else
        snprintf(buf, size, "exited with status %d", r->code);
    return buf;
}
