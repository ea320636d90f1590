/* test_record.c - `mockredis record`: capture a session, record it, replay it.
 *
 * One hiredis client session (two connections; SET/GET, a hash, a list, a
 * value with NUL bytes and spaces under a key with spaces, a WRONGTYPE
 * error, a nil, a pipelined batch, a 200 KB value whose reply spans several
 * segments) is run three ways, and every reply (type and bytes) is written
 * to a transcript:
 *
 *  1. against a `mockredis --pcap FILE`: the capture is recorded with
 *     `mockredis record FILE -o out.scn`, checked with `mockredis check`,
 *     and played with `mockredis --scenario out.scn` to the same session:
 *     the transcripts must be identical and the scenario's verdict PASS
 *     (exit status 0);
 *  2. against Debian's real redis-server, captured on loopback with libpcap
 *     in this process (root only: pcap_activate is done before the client
 *     connects; the capture stops once the server's FIN of both connections
 *     has been seen), then recorded and replayed the same way;
 *  3. from the checked-in capture tests/integration/data/redis-session.pcap
 *     (made by case 2: `it_record --generate DIR`), replayed against the
 *     checked-in transcript of the real server's replies. This case always
 *     runs, so a machine without root still proves record-and-replay on
 *     real Redis traffic.
 *
 * Live capture by the CLI (`mockredis record --iface lo --count N`) is
 * tested as root by PING traffic until the recorder stops on its own; not
 * as root, it must fail with status 1 and say why. A wrong --port must name
 * the ports the capture has traffic on. */
#include "it.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scn.h"
#include "scn_file.h"

#define BIG_LEN          200000
#define SESSION_COMMANDS 22 /* commands the session sends, all answered */

static char dir[64];

/* ---- the client session and its transcript ---------------------------------------- */

static void put_escaped(struct buf *t, const char *p, size_t n)
{
    if (n > 256) { /* long values: length and a hash keep the transcript short */
        uint64_t h = 1469598103934665603ULL;
        for (size_t i = 0; i < n; i++)
            h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
        buf_printf(t, "<%zu bytes, fnv1a %016llx>", n, (unsigned long long)h);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf_putc(t, (char)c);
        else
            buf_printf(t, "\\x%02x", c);
    }
}

static void describe(struct buf *t, const redisReply *r, int depth)
{
    buf_printf(t, "%*s", depth * 2, "");
    switch (r->type) {
    case REDIS_REPLY_STATUS: buf_puts(t, "status "); break;
    case REDIS_REPLY_ERROR: buf_puts(t, "error "); break;
    case REDIS_REPLY_STRING: buf_printf(t, "string %zu ", IT_REPLY_LEN(r)); break;
    case REDIS_REPLY_INTEGER: buf_printf(t, "integer %lld\n", r->integer); return;
    case REDIS_REPLY_NIL: buf_puts(t, "nil\n"); return;
    case REDIS_REPLY_ARRAY:
        buf_printf(t, "array %zu\n", (size_t)r->elements);
        for (size_t i = 0; i < r->elements; i++)
            describe(t, r->element[i], depth + 1);
        return;
    default: buf_printf(t, "type %d\n", r->type); return;
    }
    put_escaped(t, r->str, IT_REPLY_LEN(r));
    buf_putc(t, '\n');
}

static void note_reply(struct buf *t, redisContext *c, redisReply *r, const char *what)
{
    if (r == NULL)
        fail_msg("%s: no reply (%s)", what, c->errstr);
    buf_printf(t, "%s -> ", what);
    describe(t, r, 0);
    freeReplyObject(r);
}

#define CALL(t, c, fmt, ...) note_reply((t), (c), redisCommand((c), fmt, ##__VA_ARGS__), fmt)

/* The session; every reply goes to t. Closes both connections. */
static void session(int port, struct buf *t)
{
    static const char key[] = "key with spaces";
    static const char bin[] = "bin\0ary value\r\nwith spaces\x01\xff";
    char *big = malloc(BIG_LEN);
    assert_non_null(big);
    for (size_t i = 0; i < BIG_LEN; i++)
        big[i] = (char)('a' + (i * 7) % 26);

    redisContext *c1 = it_connect(port);
    redisContext *c2 = it_connect(port);
    buf_puts(t, "conn 1\n");
    CALL(t, c1, "SET user:1 ann");
    CALL(t, c1, "GET user:1");
    CALL(t, c1, "HSET user:2 name bob age 42");
    CALL(t, c1, "HGETALL user:2");
    CALL(t, c1, "RPUSH jobs a b c");
    CALL(t, c1, "LRANGE jobs 0 -1");
    CALL(t, c1, "SET %b %b", key, sizeof(key) - 1, bin, sizeof(bin) - 1);
    CALL(t, c1, "GET %b", key, sizeof(key) - 1);
    CALL(t, c1, "GET jobs");
    CALL(t, c1, "GET missing");

    buf_puts(t, "conn 2\n");
    CALL(t, c2, "SET big %b", big, (size_t)BIG_LEN);
    CALL(t, c2, "GET big");
    CALL(t, c2, "STRLEN big");
    /* A pipelined batch: all five sent before the first reply is read. */
    redisAppendCommand(c2, "INCR n");
    redisAppendCommand(c2, "INCR n");
    redisAppendCommand(c2, "LRANGE jobs 0 1");
    redisAppendCommand(c2, "GET missing");
    redisAppendCommand(c2, "MGET user:1 missing %b", key, sizeof(key) - 1);
    for (int i = 0; i < 5; i++) {
        void *r = NULL;
        if (redisGetReply(c2, &r) != REDIS_OK)
            fail_msg("pipelined reply %d: %s", i + 1, c2->errstr);
        char what[32];
        snprintf(what, sizeof(what), "pipelined %d", i + 1);
        note_reply(t, c2, r, what);
    }

    buf_puts(t, "conn 1\n");
    CALL(t, c1, "DEL user:1");
    CALL(t, c1, "EXISTS user:1");
    CALL(t, c1, "PING");
    CALL(t, c1, "ECHO %b", bin, sizeof(bin) - 1);
    redisFree(c1);
    redisFree(c2);
    free(big);
}

/* ---- running the tool ------------------------------------------------------------------ */

/* Runs mockredis with args (NULL-terminated, after argv[0]); returns its
 * exit status, or fails the test if it did not exit normally. Its standard
 * error goes to err_path when not NULL. */
static int run_tool_err(const char *const *args, const char *err_path)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = IT_MOCKREDIS_BIN;
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (err_path && freopen(err_path, "w", stderr) == NULL)
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st))
        fail_msg("%s %s died of signal %d", argv[0], argv[1], WTERMSIG(st));
    return WEXITSTATUS(st);
}

static int run_tool(const char *const *args)
{
    return run_tool_err(args, NULL);
}

static long long count_steps(const char *path, int *blocks)
{
    struct scn *s = NULL;
    struct buf diag = BUF_INIT;
    if (scn_load_file(path, &s, &diag) != 0)
        fail_msg("%s", diag.p);
    long long n = 0;
    for (int i = 0; i < s->nstricts; i++)
        n += s->stricts[i].nsteps;
    *blocks = s->nstricts;
    scn_free(s);
    buf_free(&diag);
    return n;
}

static void compare(const struct buf *want, const struct buf *got, const char *what)
{
    if (want->len != got->len || memcmp(want->p, got->p, want->len) != 0)
        fail_msg("%s: replies differ\n--- first run\n%s--- replay\n%s", what, want->p, got->p);
}

/* Records capture into a scenario, checks it, replays the session against
 * it and compares with want. */
static void record_and_replay(const char *capture, const struct buf *want, const char *name)
{
    char scn[128];
    snprintf(scn, sizeof(scn), "%s/%s.scn", dir, name);
    const char *rec[] = {"record", capture, "-o", scn, NULL};
    assert_int_equal(run_tool(rec), 0);
    const char *chk[] = {"check", scn, NULL};
    assert_int_equal(run_tool(chk), 0);
    int blocks;
    assert_int_equal(count_steps(scn, &blocks), SESSION_COMMANDS);
    assert_int_equal(blocks, 2);

    const char *args[] = {"--scenario", scn, NULL};
    struct mh_server *s = it_mock(args);
    struct buf got = BUF_INIT;
    session(mh_server_port(s), &got);
    int st;
    if (!mh_server_wait(s, 5000, &st)) {
        it_stop(s);
        fail_msg("%s: the replay did not finish (finish idle) within 5 s", name);
    }
    it_stop(s); /* already exited: frees it */
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("%s: the replay's verdict is not PASS (status %d)", name, WEXITSTATUS(st));
    compare(want, &got, name);
    buf_free(&got);
    unlink(scn);
}

/* ---- 1: our own capture writer as the source ----------------------------------------------- */

static void test_record_mockredis_capture(void **state)
{
    (void)state;
    char pcap[128];
    snprintf(pcap, sizeof(pcap), "%s/mock.pcap", dir);
    const char *args[] = {"--pcap", pcap, NULL};
    struct mh_server *s = it_mock(args);
    struct buf first = BUF_INIT;
    session(mh_server_port(s), &first);
    it_stop_ok(s);
    record_and_replay(pcap, &first, "mock");
    buf_free(&first);
    char notes[160];
    snprintf(notes, sizeof(notes), "%s.notes", pcap);
    unlink(notes);
    unlink(pcap);
}

/* ---- 2: a live capture of the real redis-server -------------------------------------------- */

struct livecap {
    pcap_t *p;
    pcap_dumper_t *d;
    int port;
    atomic_int server_fins;
    atomic_int frames;
    unsigned drops_before; /* drops before the filter was in place: not ours */
    pthread_t th;
};

static void skip_frame(u_char *ud, const struct pcap_pkthdr *h, const u_char *d)
{
    (void)ud;
    (void)h;
    (void)d;
}

static void on_frame(u_char *ud, const struct pcap_pkthdr *h, const u_char *d)
{
    struct livecap *lc = (struct livecap *)ud;
    pcap_dump((u_char *)lc->d, h, d);
    atomic_fetch_add(&lc->frames, 1);
    /* Ethernet (lo), IPv4, TCP: count FINs the server sends. */
    if (h->caplen < 14 + 20 + 20 || d[12] != 0x08 || d[13] != 0x00)
        return;
    const u_char *th = d + 14 + (size_t)(d[14] & 0x0f) * 4;
    if (th + 14 > d + h->caplen)
        return;
    int sport = th[0] << 8 | th[1];
    if (sport == lc->port && (th[13] & 0x01))
        atomic_fetch_add(&lc->server_fins, 1);
}

static void *capture_thread(void *arg)
{
    struct livecap *lc = arg;
    /* Until live_stop breaks the loop (libpcap's poll on Linux does not
     * come back on its read timeout when nothing arrives). */
    while (pcap_dispatch(lc->p, -1, on_frame, (u_char *)lc) >= 0)
        ;
    return NULL;
}

static void live_start(struct livecap *lc, int port, const char *path)
{
    char err[PCAP_ERRBUF_SIZE], filter[64];
    struct bpf_program prog;
    memset(lc, 0, sizeof(*lc));
    lc->port = port;
    lc->p = pcap_create("lo", err);
    if (lc->p == NULL)
        fail_msg("pcap_create lo: %s", err);
    /* lo's MTU is 64 KiB: a snap length just above it, and a ring of 32 MiB
     * (the default 2 MiB holds only a few 64 KiB frames: a burst drops). */
    pcap_set_snaplen(lc->p, 65536 + 128);
    pcap_set_buffer_size(lc->p, 32 * 1024 * 1024);
    pcap_set_immediate_mode(lc->p, 1);
    pcap_set_timeout(lc->p, 50);
    if (pcap_activate(lc->p) < 0)
        fail_msg("pcap_activate lo: %s", pcap_geterr(lc->p));
    snprintf(filter, sizeof(filter), "tcp port %d", port);
    if (pcap_compile(lc->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
        pcap_setfilter(lc->p, &prog) < 0)
        fail_msg("filter: %s", pcap_geterr(lc->p));
    pcap_freecode(&prog);
    /* Until the filter was set, the ring took every frame on lo: on a busy
     * machine, other tests' 64 KiB frames fill it and the kernel drops the
     * rest. None of that is this capture's (its session has not started):
     * read away what is buffered (libpcap filters it in userland, so
     * nothing is kept), then count the drops from here on only. */
    if (pcap_setnonblock(lc->p, 1, err) < 0)
        fail_msg("pcap_setnonblock: %s", err);
    while (pcap_dispatch(lc->p, -1, skip_frame, NULL) > 0)
        ;
    if (pcap_setnonblock(lc->p, 0, err) < 0)
        fail_msg("pcap_setnonblock: %s", err);
    struct pcap_stat ps;
    lc->drops_before = pcap_stats(lc->p, &ps) == 0 ? ps.ps_drop : 0;
    lc->d = pcap_dump_open(lc->p, path);
    if (lc->d == NULL)
        fail_msg("pcap_dump_open: %s", pcap_geterr(lc->p));
    assert_int_equal(pthread_create(&lc->th, NULL, capture_thread, lc), 0);
}

/* Stops once the server has closed n connections (its FINs captured). */
static void live_stop(struct livecap *lc, int n)
{
    long long until = it_now_ms() + 5000;
    while (atomic_load(&lc->server_fins) < n && it_now_ms() < until)
        it_sleep_ms(5);
    int fins = atomic_load(&lc->server_fins);
    pcap_breakloop(lc->p);
    pthread_join(lc->th, NULL);
    struct pcap_stat ps;
    unsigned dropped = pcap_stats(lc->p, &ps) == 0 ? ps.ps_drop - lc->drops_before : 0;
    pcap_dump_close(lc->d);
    pcap_close(lc->p);
    if (dropped > 0)
        fail_msg("the capture dropped %u frames (of %d)", dropped, atomic_load(&lc->frames));
    if (fins < n)
        fail_msg("the capture saw %d server FINs in %d frames, want %d", fins,
                 atomic_load(&lc->frames), n);
}

static void data_path(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", IT_DATA_DIR, name);
}

static void read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        buf_append(out, tmp, n);
    fclose(f);
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
        fail_msg("cannot write %s: %s", path, strerror(errno));
}

/* Captures the session against a real redis-server into path; its
 * transcript into t. */
static void capture_real_redis(const char *path, struct buf *t)
{
    char err[256];
    struct mh_server *r = mh_redis_start(NULL, err, sizeof(err));
    if (r == NULL)
        fail_msg("redis-server is needed as root (apt-get install redis-server): %s", err);
    struct livecap lc;
    live_start(&lc, mh_server_port(r), path);
    session(mh_server_port(r), t);
    live_stop(&lc, 2);
    mh_server_stop(r);
}

static void test_record_real_redis(void **state)
{
    (void)state;
    if (geteuid() == 0) {
        char pcap[128];
        snprintf(pcap, sizeof(pcap), "%s/redis.pcap", dir);
        struct buf first = BUF_INIT;
        capture_real_redis(pcap, &first);
        record_and_replay(pcap, &first, "redis-live");
        buf_free(&first);
        unlink(pcap);
    } else {
        print_message("not root: no live capture; the checked-in capture of a real "
                      "redis-server session stands in for it\n");
    }
    /* The checked-in capture, always. */
    char pcap[256], replies[256];
    data_path(pcap, sizeof(pcap), "redis-session.pcap");
    data_path(replies, sizeof(replies), "redis-session.replies");
    struct buf want = BUF_INIT;
    read_file(replies, &want);
    record_and_replay(pcap, &want, "redis-checked-in");
    buf_free(&want);
}

/* ---- the CLI's live capture --------------------------------------------------------------- */

static void test_record_iface(void **state)
{
    (void)state;
    char scn[128];
    snprintf(scn, sizeof(scn), "%s/iface.scn", dir);
    if (geteuid() != 0) {
        /* Not root: capturing must fail cleanly, with status 1. */
        const char *args[] = {"record", "--iface", "lo", "--port", "6379", "-o", scn, NULL};
        assert_int_equal(run_tool(args), 1);
        assert_int_equal(access(scn, F_OK), -1);
        return;
    }
    char err[256], port[16];
    struct mh_server *r = mh_redis_start(NULL, err, sizeof(err));
    if (r == NULL)
        fail_msg("redis-server is needed as root: %s", err);
    snprintf(port, sizeof(port), "%d", mh_server_port(r));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(IT_MOCKREDIS_BIN, IT_MOCKREDIS_BIN, "record", "--iface", "lo", "--port", port,
              "--count", "40", "-o", scn, (char *)NULL);
        _exit(127);
    }
    /* PING on fresh connections until the recorder has its 40 frames (it
     * may start capturing after the first ones: no need to know when). */
    int st = 0, done = 0;
    long long until = it_now_ms() + 10000;
    while (!done && it_now_ms() < until) {
        redisContext *c = it_connect(mh_server_port(r));
        redisReply *rep = redisCommand(c, "PING");
        freeReplyObject(rep);
        redisFree(c);
        done = waitpid(pid, &st, WNOHANG) == pid;
    }
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        mh_server_stop(r);
        fail_msg("mockredis record --count 40 did not stop within 10 s");
    }
    mh_server_stop(r);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    struct buf text = BUF_INIT;
    read_file(scn, &text);
    if (strstr(text.p, "    > PING\n    < PONG") == NULL)
        fail_msg("no PING step in:\n%s", text.p);
    buf_free(&text);
    const char *chk[] = {"check", scn, NULL};
    assert_int_equal(run_tool(chk), 0);
    unlink(scn);
}

static void test_record_bad_input(void **state)
{
    (void)state;
    char bad[128], out[128];
    snprintf(bad, sizeof(bad), "%s/garbage.pcap", dir);
    snprintf(out, sizeof(out), "%s/garbage.scn", dir);
    write_file(bad, "not a capture at all\n", 21);
    const char *a1[] = {"record", bad, "-o", out, NULL};
    assert_int_equal(run_tool(a1), 1);
    assert_int_equal(access(out, F_OK), -1);
    const char *a2[] = {"record", NULL};
    assert_int_equal(run_tool(a2), 2);
    const char *a3[] = {"record", bad, "--min-delay", "fast", NULL};
    assert_int_equal(run_tool(a3), 2);
    const char *a4[] = {"record", "--help", NULL};
    assert_int_equal(run_tool(a4), 0);
    /* The checked-in capture cut in the middle: what is whole is recorded. */
    char pcap[256];
    data_path(pcap, sizeof(pcap), "redis-session.pcap");
    struct buf cap = BUF_INIT;
    read_file(pcap, &cap);
    write_file(bad, cap.p, cap.len / 2);
    assert_int_equal(run_tool(a1), 0);
    struct buf text = BUF_INIT;
    read_file(out, &text);
    if (strstr(text.p, "# WARNING:") == NULL)
        fail_msg("no warning about the truncated capture in:\n%s", text.p);
    const char *chk[] = {"check", out, NULL};
    assert_int_equal(run_tool(chk), 0);
    buf_free(&text);
    buf_free(&cap);
    unlink(bad);
    unlink(out);
}

/* The server port given is wrong: the message names the ports the capture
 * has traffic on and suggests the right one (the checked-in session's
 * redis-server listened on 44619). */
static void test_record_wrong_port(void **state)
{
    (void)state;
    char pcap[256], out[128], err[128];
    data_path(pcap, sizeof(pcap), "redis-session.pcap");
    snprintf(out, sizeof(out), "%s/wrong.scn", dir);
    snprintf(err, sizeof(err), "%s/wrong.err", dir);
    const char *a[] = {"record", pcap, "--port", "6390", "-o", out, NULL};
    assert_int_equal(run_tool_err(a, err), 1);
    assert_int_equal(access(out, F_OK), -1);
    struct buf text = BUF_INIT;
    read_file(err, &text);
    assert_non_null(text.p);
    if (strstr(text.p, "no command with its reply found on port 6390") == NULL ||
        strstr(text.p, "the capture has TCP traffic on port 44619 (67 segments); "
                       "try --port 44619\n") == NULL)
        fail_msg("stderr:\n%s", text.p);
    buf_free(&text);
    unlink(err);
}

static int setup(void **state)
{
    (void)state;
    return mh_scratch_make(dir, sizeof(dir), "it_record");
}

static int teardown(void **state)
{
    (void)state;
    return mh_scratch_remove(dir); /* also what a failed test left behind */
}

/* it_record --generate DIR: (root) capture a real redis-server session
 * into DIR/redis-session.pcap with its transcript DIR/redis-session.replies,
 * the files checked in under tests/integration/data/. */
static void test_generate(void **state)
{
    const char *out = *state;
    char pcap[512], replies[512];
    snprintf(pcap, sizeof(pcap), "%s/redis-session.pcap", out);
    snprintf(replies, sizeof(replies), "%s/redis-session.replies", out);
    struct buf t = BUF_INIT;
    capture_real_redis(pcap, &t);
    write_file(replies, t.p, t.len);
    buf_free(&t);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--generate") == 0) {
        const struct CMUnitTest gen[] = {
            cmocka_unit_test_prestate(test_generate, argv[2]),
        };
        return cmocka_run_group_tests(gen, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_mockredis_capture),
        cmocka_unit_test(test_record_real_redis),
        cmocka_unit_test(test_record_iface),
        cmocka_unit_test(test_record_bad_input),
        cmocka_unit_test(test_record_wrong_port),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
