/* diff_runner.c - differential test: mockredis against the real redis-server.
 *
 * Usage: diff_runner [--memcheck] CORPUS_FILE...
 * For each corpus file (format in tests/diff/README.md) it starts a fresh
 * redis-server and a fresh mockredis, opens one connection to each, sends
 * FLUSHALL, then sends every command line to both and compares the replies
 * byte for byte (or as a modifier says); client tracking pushes that
 * arrive between two replies are compared as part of the next reply
 * (read_one). Every mismatch is printed with its
 * file:line, the command and both replies. The last line is
 * "N passed, N failed"; the exit status is 0 only when nothing failed.
 *
 * A line "!sub CMD ..." sends CMD on a second connection to each server,
 * the subscriber (opened by the first such line), and compares its reply.
 * From then on, after each command of the main connection, the runner
 * sends PING on both subscribers and compares everything they received
 * before PING's reply: the messages that command published (keyspace
 * notifications, PUBLISH), in order, byte for byte.
 *
 * --memcheck is for a mockredis running under valgrind ($MOCKREDIS_BIN):
 * every command is still sent and both replies read, but a reply that
 * differs is only noted, because valgrind computes long double (INCRBYFLOAT)
 * at double precision; what fails the run is a missing reply or the server
 * not exiting cleanly (valgrind's --error-exitcode).
 * Lines "#! redis-server ARGS" and "#! mockredis ARGS" (anywhere in the
 * file, read before the servers start) add launch options to one server.
 *
 * Failing to start a server is a failure, never a skip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"
#include "resp.h"

#define TIMEOUT_MS 10000

static int memcheck; /* --memcheck: mismatches are notes, not failures */

enum mode { EXACT, UNORDERED, TYPE, SAMEERROR, NEAR, MASKED };

/* Canonical form for !unordered: the elements of every aggregate (pairs of
 * a map) are sorted, recursively, so two replies that differ only in order
 * compare equal. Writes into out; returns bytes of input consumed. */
static size_t canon(const char *p, size_t len, struct buf *out);

struct piece {
    char *p;
    size_t n;
};

static int cmp_piece(const void *a, const void *b)
{
    const struct piece *x = a, *y = b;
    size_t m = x->n < y->n ? x->n : y->n;
    int r = memcmp(x->p, y->p, m);
    return r ? r : (x->n > y->n) - (x->n < y->n);
}

static size_t canon(const char *p, size_t len, struct buf *out)
{
    size_t total;
    if (resp_scan(p, len, &total) != 1)
        return 0;
    char t = p[0];
    const char *eol = memchr(p, '\n', len);
    size_t head = (size_t)(eol - p) + 1;
    if (strchr("*~%>", t) == NULL || (t == '*' && p[1] == '-')) {
        buf_append(out, p, total);
        return total;
    }
    long long n = strtoll(p + 1, NULL, 10);
    int per = t == '%' ? 2 : 1;
    struct piece *pieces = calloc((size_t)(n > 0 ? n : 1), sizeof(*pieces));
    size_t off = head;
    for (long long i = 0; i < n; i++) {
        struct buf one = BUF_INIT;
        for (int k = 0; k < per; k++)
            off += canon(p + off, total - off, &one);
        pieces[i].p = one.p;
        pieces[i].n = one.len;
    }
    qsort(pieces, (size_t)n, sizeof(*pieces), cmp_piece);
    buf_append(out, p, head);
    for (long long i = 0; i < n; i++) {
        buf_append(out, pieces[i].p, pieces[i].n);
        free(pieces[i].p);
    }
    free(pieces);
    return total;
}

/* The N of "!near=N": digits only, n bytes. */
static int near_tol(const char *p, size_t n, long long *tol)
{
    char *end;
    if (n > 9 || p[0] < '0' || p[0] > '9')
        return 0;
    *tol = strtoll(p, &end, 10);
    return (size_t)(end - p) == n;
}

static const char *last_colon(const char *p, size_t n)
{
    while (n > 0)
        if (p[--n] == ':')
            return p + n;
    return NULL;
}

/* Whether two bulk payloads are the same client address but for the
 * port: "host:digits" with the same host. */
static int same_addr(const char *a, size_t la, const char *b, size_t lb)
{
    const char *ca = last_colon(a, la), *cb = last_colon(b, lb);
    if (ca == NULL || cb == NULL || ca - a != cb - b || memcmp(a, b, (size_t)(ca - a)) != 0)
        return 0;
    for (const char *p = ca + 1; p < a + la; p++)
        if (*p < '0' || *p > '9')
            return 0;
    for (const char *p = cb + 1; p < b + lb; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* Both replies the same but for their integers ( :N ), which may be at
 * most tol apart (any distance when tol < 0), at any depth: an idle time
 * inside XPENDING's entries too. With masked, bulk strings that are the
 * same address but for the port ("127.0.0.1:53422") match too. RESP is
 * read line by line (a bulk string's payload whole), so two replies whose
 * headers all match have the same shape. */
static int near_masked(const struct buf *a, const struct buf *b, long long tol, int masked);
static int near(const struct buf *a, const struct buf *b, long long tol)
{
    return near_masked(a, b, tol, 0);
}
static int near_masked(const struct buf *a, const struct buf *b, long long tol, int masked)
{
    size_t i = 0, j = 0;
    while (i < a->len && j < b->len) {
        const char *ea = memchr(a->p + i, '\n', a->len - i);
        const char *eb = memchr(b->p + j, '\n', b->len - j);
        if (ea == NULL || eb == NULL || a->p[i] != b->p[j])
            return 0;
        size_t la = (size_t)(ea - (a->p + i)) + 1, lb = (size_t)(eb - (b->p + j)) + 1;
        char t = a->p[i];
        if (t == ':') {
            long long x = strtoll(a->p + i + 1, NULL, 10), y = strtoll(b->p + j + 1, NULL, 10);
            if (tol >= 0 && (x > y ? x - y : y - x) > tol)
                return 0;
        } else if (masked && t == '$' && a->p[i + 1] != '-') {
            size_t pa = (size_t)strtoll(a->p + i + 1, NULL, 10) + 2;
            size_t pb = (size_t)strtoll(b->p + j + 1, NULL, 10) + 2;
            if (i + la + pa > a->len || j + lb + pb > b->len)
                return 0;
            if (!(pa == pb && memcmp(a->p + i + la, b->p + j + lb, pa) == 0) &&
                !same_addr(a->p + i + la, pa - 2, b->p + j + lb, pb - 2))
                return 0;
            la += pa;
            lb += pb;
        } else {
            if (la != lb || memcmp(a->p + i, b->p + j, la) != 0)
                return 0;
            if (strchr("$=!", t) && a->p[i + 1] != '-') {
                size_t pay = (size_t)strtoll(a->p + i + 1, NULL, 10) + 2;
                if (i + la + pay > a->len || j + lb + pay > b->len ||
                    memcmp(a->p + i + la, b->p + j + lb, pay) != 0)
                    return 0;
                la += pay;
                lb += pay;
            }
        }
        i += la;
        j += lb;
    }
    return i == a->len && j == b->len;
}

static int same(enum mode m, long long tol, const struct buf *a, const struct buf *b)
{
    if (m == NEAR)
        return near(a, b, tol);
    if (m == MASKED)
        return near_masked(a, b, -1, 1);
    if (m == EXACT)
        return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
    if (m == TYPE) {
        if (a->p[0] != b->p[0])
            return 0;
        if (strchr("*~%>", a->p[0]))
            return strtoll(a->p + 1, NULL, 10) == strtoll(b->p + 1, NULL, 10);
        return 1;
    }
    if (m == SAMEERROR) {
        if (a->p[0] != '-' || b->p[0] != '-')
            return 0;
        size_t wa = strcspn(a->p, " \r"), wb = strcspn(b->p, " \r");
        return wa == wb && memcmp(a->p, b->p, wa) == 0;
    }
    struct buf ca = BUF_INIT, cb = BUF_INIT;
    canon(a->p, a->len, &ca);
    canon(b->p, b->len, &cb);
    int r = ca.len == cb.len && memcmp(ca.p, cb.p, ca.len) == 0;
    buf_free(&ca);
    buf_free(&cb);
    return r;
}

static void show(const char *who, const struct buf *r)
{
    char esc[2048];
    if (r->len == 0) {
        fprintf(stderr, "    %-6s (nothing)\n", who);
        return;
    }
    fprintf(stderr, "    %-6s %s%s\n", who, mh_escape(r->p, r->len, esc, sizeof(esc)),
            r->len > 400 ? " ..." : "");
}

/* Whether a frame is a client tracking push (an invalidation, or the
 * redirect target being gone): sent on its own, not a command's reply. */
static int tracking_push(const struct buf *r)
{
    static const char inv[] = ">2\r\n$10\r\ninvalidate\r\n";
    static const char broken[] = ">2\r\n$21\r\ntracking-redir-broken\r\n";
    return (r->len >= sizeof(inv) - 1 && memcmp(r->p, inv, sizeof(inv) - 1) == 0) ||
           (r->len >= sizeof(broken) - 1 && memcmp(r->p, broken, sizeof(broken) - 1) == 0);
}

/* One command's reply, with the tracking pushes that arrived before it
 * (after the previous reply) in front: a tracking client that changes a
 * key it read gets the push right after that command's reply, so it is
 * compared, in its place, with the next command's reply. Other pushes
 * (SUBSCRIBE's in RESP3) are replies as they are. */
static int read_one(struct mh_conn *c, struct buf *out)
{
    struct buf frame = BUF_INIT;
    out->len = 0;
    int r;
    for (;;) {
        r = mh_read_reply(c, &frame, TIMEOUT_MS);
        if (r != MH_REPLY)
            break;
        buf_append(out, frame.p, frame.len);
        if (!tracking_push(&frame))
            break;
    }
    buf_free(&frame);
    return r;
}

static int read_both(struct mh_conn *rc, struct mh_conn *mc, struct buf *rr, struct buf *mr,
                     const char *where)
{
    int a = read_one(rc, rr);
    int b = read_one(mc, mr);
    if (a != MH_REPLY || b != MH_REPLY) {
        fprintf(stderr, "%s: no reply (redis: %d, mockredis: %d)\n", where, a, b);
        return -1;
    }
    return 0;
}

/* PING's reply on a subscriber: RESP2 subscribed, or plain. */
static int is_pong(const struct buf *r)
{
    static const char sub2[] = "*2\r\n$4\r\npong\r\n$0\r\n\r\n", plain[] = "+PONG\r\n";
    return (r->len == sizeof(sub2) - 1 && memcmp(r->p, sub2, r->len) == 0) ||
           (r->len == sizeof(plain) - 1 && memcmp(r->p, plain, r->len) == 0);
}

/* Sends PING on s and collects in all what s received before its reply.
 * Returns 0, or -1 when a reply is missing. */
static int drain_sub(struct mh_conn *s, struct buf *all)
{
    struct buf one = BUF_INIT;
    static const char *const ping[] = {"PING"};
    static const size_t pingl[] = {4};
    buf_clear(all);
    mh_send_argv(s->fd, 1, ping, pingl);
    int rc = -1;
    for (;;) {
        if (mh_read_reply(s, &one, TIMEOUT_MS) != MH_REPLY)
            break;
        if (is_pong(&one)) {
            rc = 0;
            break;
        }
        buf_append(all, one.p, one.len);
    }
    buf_free(&one);
    return rc;
}

/* Whether c already holds bytes of a further reply that is no tracking
 * push: the last command was answered by more than one frame (RESP3
 * SUBSCRIBE a b, a writer subscribed to its own events) and the runner,
 * which reads one per command, is now behind. Comparing the subscribers
 * then would race with the server (the next command may not have run
 * yet): such a file must be rewritten, not retried. */
static int behind(const struct mh_conn *c)
{
    static const char inv[] = ">2\r\n$10\r\ninvalidate\r\n";
    static const char broken[] = ">2\r\n$21\r\ntracking-redir-broken\r\n";
    size_t n = c->in.len;
    if (n == 0)
        return 0;
    return memcmp(c->in.p, inv, n < sizeof(inv) - 1 ? n : sizeof(inv) - 1) != 0 &&
           memcmp(c->in.p, broken, n < sizeof(broken) - 1 ? n : sizeof(broken) - 1) != 0;
}

/* The subscribers' side of one main command (see the top comment). */
static int check_subs(struct mh_conn *rs, struct mh_conn *ms, const char *where, const char *cmd,
                      int *passed, int *failed)
{
    struct buf ra = BUF_INIT, ma = BUF_INIT;
    int rc = 0;
    if (drain_sub(rs, &ra) < 0 || drain_sub(ms, &ma) < 0) {
        fprintf(stderr, "%s: subscriber: no reply to PING\n", where);
        (*failed)++;
        rc = -1;
    } else if (ra.len == ma.len && (ra.len == 0 || memcmp(ra.p, ma.p, ra.len) == 0)) {
        (*passed)++;
    } else if (memcheck) {
        (*passed)++;
    } else {
        (*failed)++;
        fprintf(stderr, "%s: MISMATCH (messages to the subscriber) %s\n", where, cmd);
        show("redis", &ra);
        show("mock", &ma);
    }
    buf_free(&ra);
    buf_free(&ma);
    return rc;
}

/* The launch options of a file: its "#! redis-server ARGS" and
 * "#! mockredis ARGS" lines (quoted as commands are), each server's
 * arguments in the order of the lines, NULL-terminated. */
struct launch {
    struct resp_argv *lines[16];
    int nlines;
    const char *redis[64], *mock[64];
};

static int launch_read(FILE *f, const char *path, struct launch *l)
{
    char line[4096];
    int nr = 0, nm = 0;
    memset(l, 0, sizeof(*l));
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "#!", 2) != 0)
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        struct resp_argv *a = resp_split_args(line + 2, strlen(line + 2));
        int to_redis = a && a->argc > 0 && strcmp(a->argv[0], "redis-server") == 0;
        int to_mock = a && a->argc > 0 && strcmp(a->argv[0], "mockredis") == 0;
        if ((!to_redis && !to_mock) || l->nlines == 16 || (to_redis ? nr : nm) + a->argc > 63) {
            fprintf(stderr, "%s: bad launch line: %s\n", path, line);
            resp_argv_free(a);
            return -1;
        }
        for (int i = 1; i < a->argc; i++) {
            if (to_redis)
                l->redis[nr++] = a->argv[i];
            else
                l->mock[nm++] = a->argv[i];
        }
        l->lines[l->nlines++] = a;
    }
    rewind(f);
    return 0;
}

static void launch_free(struct launch *l)
{
    for (int i = 0; i < l->nlines; i++)
        resp_argv_free(l->lines[i]);
}

static int run_file(const char *path, int *passed, int *failed)
{
    char err[256];
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        return -1;
    }
    struct launch l;
    if (launch_read(f, path, &l) < 0) {
        launch_free(&l);
        fclose(f);
        return -1;
    }
    struct mh_server *redis = mh_redis_start(l.redis, err, sizeof(err));
    if (redis == NULL) {
        fprintf(stderr, "%s: %s\n", path, err);
        launch_free(&l);
        fclose(f);
        return -1;
    }
    struct mh_server *mock = mh_mock_start(l.mock, err, sizeof(err));
    launch_free(&l);
    if (mock == NULL) {
        fprintf(stderr, "%s: %s\n", path, err);
        mh_server_stop(redis);
        fclose(f);
        return -1;
    }
    struct mh_conn rc, mc, rs, ms; /* main connections, subscribers (!sub) */
    int subs = 0;
    struct buf rr = BUF_INIT, mr = BUF_INIT;
    int rcode = 0;
    if (mh_conn_open(&rc, mh_server_port(redis)) < 0 ||
        mh_conn_open(&mc, mh_server_port(mock)) < 0) {
        fprintf(stderr, "%s: cannot connect\n", path);
        rcode = -1;
        goto out;
    }
    mh_call(&rc, "FLUSHALL", &rr, TIMEOUT_MS);
    mh_call(&mc, "FLUSHALL", &mr, TIMEOUT_MS);

    char line[65536];
    int lineno = 0;
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *cmd = line;
        while (*cmd == ' ' || *cmd == '\t')
            cmd++;
        if (*cmd == '\0' || *cmd == '#')
            continue;
        enum mode m = EXACT;
        long long tol = 0;
        int on_sub = 0;
        if (*cmd == '!') {
            size_t w = strcspn(cmd, " ");
            if (w == 4 && strncmp(cmd, "!sub", w) == 0)
                on_sub = 1;
            else if (w == 10 && strncmp(cmd, "!unordered", w) == 0)
                m = UNORDERED;
            else if (w == 5 && strncmp(cmd, "!type", w) == 0)
                m = TYPE;
            else if (w == 10 && strncmp(cmd, "!sameerror", w) == 0)
                m = SAMEERROR;
            else if (w == 7 && strncmp(cmd, "!masked", w) == 0)
                m = MASKED;
            else if (w > 6 && strncmp(cmd, "!near=", 6) == 0 && near_tol(cmd + 6, w - 6, &tol))
                m = NEAR;
            else {
                fprintf(stderr, "%s:%d: unknown modifier %.*s\n", path, lineno, (int)w, cmd);
                (*failed)++;
                continue;
            }
            cmd += w;
            while (*cmd == ' ')
                cmd++;
        }
        char where[512];
        snprintf(where, sizeof(where), "%s:%d", path, lineno);
        struct resp_argv *a = resp_split_args(cmd, strlen(cmd));
        if (a == NULL || a->argc == 0) {
            fprintf(stderr, "%s: unbalanced quotes or empty command\n", where);
            resp_argv_free(a);
            (*failed)++;
            continue;
        }
        if (on_sub && !subs) {
            if (mh_conn_open(&rs, mh_server_port(redis)) < 0 ||
                mh_conn_open(&ms, mh_server_port(mock)) < 0) {
                fprintf(stderr, "%s: cannot open the subscribers\n", where);
                resp_argv_free(a);
                rcode = -1;
                break;
            }
            subs = 1;
        }
        struct mh_conn *to_r = on_sub ? &rs : &rc, *to_m = on_sub ? &ms : &mc;
        mh_send_argv(to_r->fd, a->argc, (const char *const *)a->argv, a->argl);
        mh_send_argv(to_m->fd, a->argc, (const char *const *)a->argv, a->argl);
        resp_argv_free(a);
        if (read_both(to_r, to_m, &rr, &mr, where) < 0) {
            (*failed)++;
            rcode = -1;
            break;
        }
        if (same(m, tol, &rr, &mr)) {
            (*passed)++;
        } else if (memcheck) {
            (*passed)++;
            fprintf(stderr, "%s: differs under valgrind (not counted): %s\n", where, cmd);
        } else {
            (*failed)++;
            fprintf(stderr, "%s: MISMATCH %s\n", where, cmd);
            show("redis", &rr);
            show("mock", &mr);
        }
        if (subs && !on_sub && (behind(&rc) || behind(&mc))) {
            fprintf(stderr,
                    "%s: %s was answered by more than one frame on the main connection: "
                    "the subscriber's messages cannot be compared in step (rewrite the "
                    "file: one frame per command while !sub is on)\n",
                    where, cmd);
            (*failed)++;
            rcode = -1;
            break;
        }
        if (subs && !on_sub && check_subs(&rs, &ms, where, cmd, passed, failed) < 0) {
            rcode = -1;
            break;
        }
    }
out:
    buf_free(&rr);
    buf_free(&mr);
    mh_conn_close(&rc);
    mh_conn_close(&mc);
    if (subs) {
        mh_conn_close(&rs);
        mh_conn_close(&ms);
    }
    int st = mh_server_stop(mock);
    if (st != 0) {
        fprintf(stderr, "%s: mockredis did not exit cleanly (wait status %d)\n", path, st);
        rcode = -1;
    }
    mh_server_stop(redis);
    fclose(f);
    return rcode;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0, bad = 0, first = 1;
    if (argc > 1 && strcmp(argv[1], "--memcheck") == 0) {
        memcheck = 1;
        first = 2;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: diff_runner [--memcheck] CORPUS_FILE...\n");
        return 2;
    }
    for (int i = first; i < argc; i++)
        if (run_file(argv[i], &passed, &failed) < 0)
            bad = 1;
    printf("%d passed, %d failed\n", passed, failed);
    return (failed || bad) ? 1 : 0;
}
