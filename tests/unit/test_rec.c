/* test_rec.c - unit tests of rec.c, the recorder (captured streams -> scenario).
 *
 * Each test drives the recorder's sink callbacks directly, as tcpre would
 * (open, data in each direction with timestamps, gap, close), writes the
 * scenario and parses it back with the real scenario parser (scn_parse).
 * The steps must be the ones expected: the command's arguments exactly, and
 * the reply's RESP2 encoding (what the replay engine sends) byte-identical
 * to what the server sent in the capture. Every text produced, including
 * from random garbage, must parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "rec.h"
#include "resp.h"
#include "scn.h"

#define S(lit) (lit), (sizeof(lit) - 1)
#define MS     1000LL
#define T0     1700000000000000LL

/* ---- driving the sink ------------------------------------------------------------- */

struct fx {
    struct rec *r;
    struct tcpre_sink s;
    struct buf text;
    struct scn *scn;
};

static void fx_init(struct fx *f, const struct rec_opts *o)
{
    memset(f, 0, sizeof(*f));
    f->r = rec_new(o);
    rec_sink(f->r, &f->s);
}

static void fx_free(struct fx *f)
{
    rec_free(f->r);
    buf_free(&f->text);
    scn_free(f->scn);
}

static void op_at(struct fx *f, int id, int syn, int64_t t_ms)
{
    struct tcpre_flow fl;
    memset(&fl, 0, sizeof(fl));
    fl.family = AF_INET;
    memcpy(fl.cli_addr, "\x7f\x00\x00\x01", 4);
    memcpy(fl.srv_addr, "\x7f\x00\x00\x01", 4);
    fl.cli_port = (uint16_t)(40000 + id);
    fl.srv_port = 6379;
    f->s.open(f->s.ud, id, &fl, syn, T0 + t_ms * MS);
}

static void op(struct fx *f, int id, int syn)
{
    op_at(f, id, syn, 0);
}

static void up(struct fx *f, int id, const char *p, size_t n, int64_t t_ms)
{
    f->s.data(f->s.ud, id, TCPRE_C2S, (const uint8_t *)p, n, T0 + t_ms * MS);
}

static void down(struct fx *f, int id, const char *p, size_t n, int64_t t_ms)
{
    f->s.data(f->s.ud, id, TCPRE_S2C, (const uint8_t *)p, n, T0 + t_ms * MS);
}

static void cl_at(struct fx *f, int id, int64_t t_ms)
{
    f->s.close(f->s.ud, id, TCPRE_FIN, T0 + t_ms * MS);
}

static void cl(struct fx *f, int id)
{
    cl_at(f, id, 0);
}

/* Writes the scenario and parses it; fails the test with both texts when
 * it does not parse. */
static struct scn *fx_write(struct fx *f)
{
    struct buf diag = BUF_INIT;
    buf_clear(&f->text);
    rec_write(f->r, NULL, NULL, &f->text);
    scn_free(f->scn);
    f->scn = NULL;
    if (scn_parse(f->text.p, f->text.len, "rec.scn", &f->scn, &diag) != 0)
        fail_msg("recorded scenario does not parse:\n%s\n---\n%s", diag.p, f->text.p);
    buf_free(&diag);
    return f->scn;
}

/* A multibulk request from a redis-cli style line. */
static void cmd(struct fx *f, int id, const char *line, int64_t t_ms)
{
    struct resp_argv *a = resp_split_args(line, strlen(line));
    assert_non_null(a);
    struct buf b = BUF_INIT;
    buf_printf(&b, "*%d\r\n", a->argc);
    for (int i = 0; i < a->argc; i++) {
        buf_printf(&b, "$%zu\r\n", a->argl[i]);
        buf_append(&b, a->argv[i], a->argl[i]);
        buf_append(&b, "\r\n", 2);
    }
    up(f, id, b.p, b.len, t_ms);
    buf_free(&b);
    resp_argv_free(a);
}

/* Step i of block blk: its command is line (redis-cli syntax), its reply
 * encodes (RESP2) as reply[0..n), its delay is delay_us. */
static void step_is(const struct scn *s, int blk, int i, const char *line, const char *reply,
                    size_t n, int64_t delay_us)
{
    assert_true(blk < s->nstricts);
    assert_true(i < s->stricts[blk].nsteps);
    const struct scn_step *st = &s->stricts[blk].steps[i];
    struct resp_argv *a = resp_split_args(line, strlen(line));
    assert_non_null(a);
    assert_int_equal(st->cmd->argc, a->argc);
    for (int k = 0; k < a->argc; k++) {
        assert_int_equal(st->cmd->argl[k], a->argl[k]);
        assert_memory_equal(st->cmd->argv[k], a->argv[k], a->argl[k]);
    }
    resp_argv_free(a);
    struct buf enc = BUF_INIT;
    scn_val_write(st->reply, &enc, 2);
    if (enc.len != n || memcmp(enc.p, reply, n) != 0)
        fail_msg("step %d: reply encodes as %zu bytes '%.*s', want %zu bytes '%.*s'", i + 1,
                 enc.len, (int)enc.len, enc.p, n, (int)n, reply);
    buf_free(&enc);
    assert_int_equal(st->delay_us, delay_us);
}

static int has(const struct fx *f, const char *needle)
{
    return f->text.p && strstr(f->text.p, needle) != NULL;
}

static void require(const struct fx *f, const char *needle)
{
    if (!has(f, needle))
        fail_msg("'%s' not in the scenario:\n%s", needle, f->text.p);
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_simple_conversation(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    cmd(&f, 1, "SET user:1 ann", 0);
    down(&f, 1, S("+OK\r\n"), 0);
    cmd(&f, 1, "GET user:1", 1);
    down(&f, 1, S("$3\r\nann\r\n"), 1);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->nstricts, 1);
    assert_int_equal(s->stricts[0].conn, 1);
    assert_int_equal(s->stricts[0].nsteps, 2);
    step_is(s, 0, 0, "SET user:1 ann", S("+OK\r\n"), 0);
    step_is(s, 0, 1, "GET user:1", S("$3\r\nann\r\n"), 0);
    require(&f, "    > SET user:1 ann\n    < OK\n");
    require(&f, "    < \"ann\"\n");
    require(&f, "finish idle\n");
    require(&f, "expect connections == 1\n");
    assert_int_equal(s->nexpects, 1);
    assert_int_equal(s->expects[0].value, 1);
    assert_string_equal(s->name, "recorded from a capture");
    struct rec_counts k;
    rec_counts(f.r, &k);
    assert_int_equal(k.steps, 2);
    assert_int_equal(k.recorded, 1);
    assert_int_equal(k.raw, 0);
    struct buf sum = BUF_INIT;
    rec_summary(f.r, &sum);
    assert_string_equal(sum.p, "recorded 1 connection, 2 commands; skipped: nothing");
    buf_free(&sum);
    fx_free(&f);
}

static void test_pipelined(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    const char req[] = "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
                       "*4\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$1\r\n0\r\n"; /* last one split */
    up(&f, 1, S(req), 0);
    up(&f, 1, S("$2\r\n-1\r\n"), 0);
    down(&f, 1, S(":1\r\n:2\r\n*0\r\n"), 0);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->stricts[0].nsteps, 3);
    step_is(s, 0, 0, "INCR n", S(":1\r\n"), 0);
    step_is(s, 0, 1, "INCR n", S(":2\r\n"), 0);
    step_is(s, 0, 2, "LRANGE l 0 -1", S("*0\r\n"), 0);
    require(&f, "< (empty array)\n");
    fx_free(&f);
}

static void test_reply_split_across_calls(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    cmd(&f, 1, "LRANGE l 0 -1", 0);
    cmd(&f, 1, "GET big", 0);
    const char arr[] = "*3\r\n$1\r\na\r\n:7\r\n$-1\r\n";
    for (size_t i = 0; i < sizeof(arr) - 1; i++)
        down(&f, 1, arr + i, 1, 0);
    /* A bulk of 300 KB in 1000-byte slices, with the next reply glued on. */
    struct buf big = BUF_INIT;
    buf_puts(&big, "$300000\r\n");
    for (int i = 0; i < 300000; i++)
        buf_putc(&big, (char)('a' + i % 26));
    buf_puts(&big, "\r\n");
    size_t biglen = big.len;
    buf_puts(&big, "+OK\r\n");
    cmd(&f, 1, "SET x y", 0);
    for (size_t at = 0; at < big.len; at += 1000)
        down(&f, 1, big.p + at, big.len - at < 1000 ? big.len - at : 1000, 0);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->stricts[0].nsteps, 3);
    step_is(s, 0, 0, "LRANGE l 0 -1", S(arr), 0);
    step_is(s, 0, 1, "GET big", big.p, biglen, 0);
    step_is(s, 0, 2, "SET x y", S("+OK\r\n"), 0);
    require(&f, "< [\"a\", (integer) 7, (nil)]\n");
    buf_free(&big);
    fx_free(&f);
}

static void test_command_split_across_calls(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    const char req[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nPING\r\n";
    for (size_t i = 0; i < sizeof(req) - 1; i++)
        up(&f, 1, req + i, 1, 0);
    down(&f, 1, S("+OK\r\n+PONG\r\n"), 0);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->stricts[0].nsteps, 2);
    step_is(s, 0, 0, "SET k hello", S("+OK\r\n"), 0);
    step_is(s, 0, 1, "PING", S("+PONG\r\n"), 0); /* inline command */
    fx_free(&f);
}

static void test_binary_values(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    const char *line =
        "SET \"a key\" \"v\\x00x \\\"y\\\"\\r\\n\\xff\" \"#tag\" \"\" \"it's\" back\\slash";
    cmd(&f, 1, line, 0);
    down(&f, 1, S("+OK\r\n"), 0);
    cmd(&f, 1, "GET \"a key\"", 0);
    down(&f, 1, S("$8\r\nv\0x \"y\"\xff\r\n"), 0);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    step_is(s, 0, 0, line, S("+OK\r\n"), 0);
    step_is(s, 0, 1, "GET \"a key\"", S("$8\r\nv\0x \"y\"\xff\r\n"), 0);
    require(&f, "> SET \"a key\" \"v\\x00x \\\"y\\\"\\r\\n\\xff\" \"#tag\" \"\" \"it's\" "
                "\"back\\\\slash\"\n");
    require(&f, "< \"v\\x00x \\\"y\\\"\\xff\"\n");
    assert_null(memchr(f.text.p, '\0', f.text.len));
    fx_free(&f);
}

static void test_args_round_trip(void **state)
{
    (void)state;
    /* Every byte value, alone and in words, reads back exactly. */
    for (int c = 0; c < 256; c++) {
        char one[3] = {(char)c, 'x', (char)c};
        char *argv[3] = {one, one, one + 1};
        size_t argl[3] = {1, 3, 0};
        struct buf b = BUF_INIT;
        rec_fmt_args(&b, 3, argv, argl);
        struct resp_argv *a = resp_split_args(b.p, b.len);
        assert_non_null(a);
        assert_int_equal(a->argc, 3);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(a->argl[i], argl[i]);
            assert_memory_equal(a->argv[i], argv[i], argl[i]);
        }
        resp_argv_free(a);
        /* The scenario parser agrees. */
        struct buf t = BUF_INIT;
        buf_puts(&t, "strict\n> ");
        buf_append(&t, b.p, b.len);
        buf_puts(&t, "\n< OK\nend\n");
        struct scn *s = NULL;
        assert_int_equal(scn_parse(t.p, t.len, "t", &s, NULL), 0);
        const struct resp_argv *got = s->stricts[0].steps[0].cmd;
        assert_int_equal(got->argc, 3);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(got->argl[i], argl[i]);
            assert_memory_equal(got->argv[i], argv[i], argl[i]);
        }
        scn_free(s);
        buf_free(&t);
        buf_free(&b);
    }
}

static void test_error_reply(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    const char wt[] = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    cmd(&f, 1, "GET l", 0);
    down(&f, 1, S(wt), 0);
    cmd(&f, 1, "INCR s", 0);
    down(&f, 1, S("-ERR value is not an integer or out of range\r\n"), 0);
    cmd(&f, 1, "OBJECT x", 0);
    down(&f, 1, S("-ERR a # in it  \r\n"), 0); /* trailing spaces and " #": raw */
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    step_is(s, 0, 0, "GET l", S(wt), 0);
    step_is(s, 0, 1, "INCR s", S("-ERR value is not an integer or out of range\r\n"), 0);
    step_is(s, 0, 2, "OBJECT x", S("-ERR a # in it  \r\n"), 0);
    require(&f, "< (error) WRONGTYPE Operation against a key holding the wrong kind of value\n");
    require(&f, "< raw \"-ERR a # in it  \\r\\n\"\n");
    fx_free(&f);
}

static void test_nested_arrays_and_nil(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    const char nested[] = "*3\r\n*2\r\n:1\r\n$1\r\na\r\n*0\r\n*1\r\n*1\r\n$-1\r\n";
    cmd(&f, 1, "EXEC", 0);
    down(&f, 1, S(nested), 0);
    cmd(&f, 1, "GET missing", 0);
    down(&f, 1, S("$-1\r\n"), 0);
    cmd(&f, 1, "BLPOP q 1", 0);
    down(&f, 1, S("*-1\r\n"), 0); /* null array: no readable form in RESP2 */
    cmd(&f, 1, "EXEC", 0);
    down(&f, 1, S("*2\r\n+OK\r\n-ERR x\r\n"), 0); /* nested error: raw */
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    step_is(s, 0, 0, "EXEC", S(nested), 0);
    step_is(s, 0, 1, "GET missing", S("$-1\r\n"), 0);
    step_is(s, 0, 2, "BLPOP q 1", S("*-1\r\n"), 0);
    step_is(s, 0, 3, "EXEC", S("*2\r\n+OK\r\n-ERR x\r\n"), 0);
    require(&f, "< [[(integer) 1, \"a\"], [], [[(nil)]]]\n");
    require(&f, "< (nil)\n");
    require(&f, "< raw \"*-1\\r\\n\"\n");
    fx_free(&f);
}

static void test_resp3_after_hello(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    const char hello[] = "%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n";
    cmd(&f, 1, "HELLO 3", 0);
    down(&f, 1, S(hello), 0);
    cmd(&f, 1, "GET nope", 0);
    down(&f, 1, S("_\r\n"), 0);
    cmd(&f, 1, "ZSCORE z a", 0);
    down(&f, 1, S(",1.5\r\n"), 0);
    cmd(&f, 1, "ECHO x", 0);
    down(&f, 1, S("+a b\r\n"), 0);
    cmd(&f, 1, "ECHO y", 0);
    down(&f, 1, S("+(nil)\r\n"), 0);
    cmd(&f, 1, "ECHO z", 0);
    down(&f, 1, S("|1\r\n+ttl\r\n:3\r\n#t\r\n"), 0); /* an attribute, then a boolean */
    down(&f, 1, S(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n"), 0); /* a push: skipped */
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->stricts[0].nsteps, 6);
    step_is(s, 0, 0, "HELLO 3", S(hello), 0);
    step_is(s, 0, 1, "GET nope", S("_\r\n"), 0);
    step_is(s, 0, 2, "ZSCORE z a", S(",1.5\r\n"), 0);
    step_is(s, 0, 3, "ECHO x", S("+a b\r\n"), 0);
    step_is(s, 0, 4, "ECHO y", S("+(nil)\r\n"), 0);
    step_is(s, 0, 5, "ECHO z", S("|1\r\n+ttl\r\n:3\r\n#t\r\n"), 0);
    struct rec_counts k;
    rec_counts(f.r, &k);
    assert_int_equal(k.raw, 6);
    assert_int_equal(k.push, 1);
    require(&f, "1 RESP3 push message");
    fx_free(&f);
}

static void test_two_interleaved_connections(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    op(&f, 2, 1); /* never sends a command: no block, but it is connection 2 */
    op(&f, 3, 1);
    cmd(&f, 1, "GET a", 0);
    cmd(&f, 3, "GET b", 1);
    down(&f, 3, S("$1\r\nB\r\n"), 2);
    cmd(&f, 3, "PING", 2);
    down(&f, 1, S("$1\r\nA\r\n"), 3);
    down(&f, 3, S("+PONG\r\n"), 3);
    cl(&f, 2);
    cl(&f, 3);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->nstricts, 2);
    assert_int_equal(s->stricts[0].conn, 1);
    assert_int_equal(s->stricts[0].nsteps, 1);
    step_is(s, 0, 0, "GET a", S("$1\r\nA\r\n"), 3 * MS);
    assert_int_equal(s->stricts[1].conn, 3);
    assert_int_equal(s->stricts[1].nsteps, 2);
    step_is(s, 1, 0, "GET b", S("$1\r\nB\r\n"), 1 * MS);
    step_is(s, 1, 1, "PING", S("+PONG\r\n"), 1 * MS);
    require(&f, "expect connections == 3\n");
    require(&f, "\nfinish idle\n"); /* never a moment without a connection */
    assert_int_equal(s->idle_grace_us, SCN_IDLE_GRACE_US);
    require(&f, "1 connection without commands (no block, still numbered)");
    require(&f, "# (no step: no block; it still counts as connection 2)\n");
    require(&f, "(capture connection 3, client 127.0.0.1:40003, server 127.0.0.1:6379)");
    fx_free(&f);
}

/* The client closed its only connection and opened the next 600 ms later:
 * the replay must wait longer than that before "finish idle" ends it. */
static void test_finish_idle_covers_pauses(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op_at(&f, 1, 1, 0);
    cmd(&f, 1, "PING", 1);
    down(&f, 1, S("+PONG\r\n"), 1);
    cl_at(&f, 1, 2);
    op_at(&f, 2, 1, 602);
    cmd(&f, 2, "PING", 603);
    down(&f, 2, S("+PONG\r\n"), 603);
    op_at(&f, 3, 1, 650); /* overlaps 2: no pause */
    cl_at(&f, 2, 700);
    cl_at(&f, 3, 710);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->end, SE_IDLE);
    assert_int_equal(s->idle_grace_us, 1200 * MS);
    require(&f, "no connection open for up to 600 ms");
    require(&f, "finish idle 1200ms\n");
    fx_free(&f);
}

static void test_midstream_resync(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 0);
    /* The client's first bytes end a command sent before the capture; the
     * server is in the middle of a bulk reply to it, then answers it whole. */
    up(&f, 1, S("lo\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), 10);
    down(&f, 1, S("ab\r\n$5\r\nearly\r\n"), 5);
    down(&f, 1, S("$1\r\nv\r\n"), 11);
    cmd(&f, 1, "PING", 12);
    down(&f, 1, S("+PONG\r\n"), 12);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->stricts[0].nsteps, 2);
    step_is(s, 0, 0, "GET k", S("$1\r\nv\r\n"), 1 * MS);
    step_is(s, 0, 1, "PING", S("+PONG\r\n"), 0);
    struct rec_counts k;
    rec_counts(f.r, &k);
    assert_int_equal(k.early_replies, 1);
    assert_int_equal(k.resync_bytes, 4 + 4);
    require(&f, "# the capture starts in the middle of this conversation");
    require(&f, "skipped 4 bytes the client sent before the first whole command");
    require(&f, "1 reply to a command sent before the capture started");
    fx_free(&f);
}

/* A wrong guess that first read an empty command ("*0"): what that read
 * is dropped with the guess, and the search goes on from there (it once
 * went on from past the end of the buffer). */
static void test_midstream_wrong_guess_after_empty(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 0);
    up(&f, 1, S("*0\r"), 1);
    up(&f, 1, S("\n\"\r\n*1\r"), 2); /* "*0" parsed, then '"' is not RESP */
    up(&f, 1, S("\n$4\r\nPING\r\n"), 3);
    down(&f, 1, S("+PONG\r\n"), 4);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->nstricts, 1);
    assert_int_equal(s->stricts[0].nsteps, 1);
    step_is(s, 0, 0, "PING", S("+PONG\r\n"), 1 * MS);
    struct rec_counts k;
    rec_counts(f.r, &k);
    assert_int_equal(k.resync_bytes, 7); /* "*0\r\n\"\r\n", then the candidate *1 */
    fx_free(&f);
}

static void test_midstream_false_start(void **state)
{
    (void)state;
    /* A candidate that looks like a command start inside a payload but
     * turns out not to be one: the recorder looks again further on. */
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 0);
    up(&f, 1, S("x\r\n*2\r\nzz\r\n*1\r\n$4\r\nPING\r\n"), 1);
    down(&f, 1, S("+PONG\r\n"), 1);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->stricts[0].nsteps, 1);
    step_is(s, 0, 0, "PING", S("+PONG\r\n"), 0);
    fx_free(&f);
}

static void test_gap_stops_block(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    cmd(&f, 1, "GET a", 0);
    down(&f, 1, S("$1\r\nA\r\n"), 0);
    cmd(&f, 1, "GET b", 0);
    down(&f, 1, S("$3\r\nB"), 0);
    f.s.gap(f.s.ud, 1, TCPRE_S2C, 100, T0);
    down(&f, 1, S("+OK\r\n"), 0);
    cmd(&f, 1, "GET c", 0);
    cl(&f, 1);
    /* A gap on the client side: commands complete before it keep their replies. */
    op(&f, 2, 1);
    cmd(&f, 2, "GET x", 0);
    cmd(&f, 2, "GET y", 0);
    up(&f, 2, S("*2\r\n$3\r\nGE"), 0);
    f.s.gap(f.s.ud, 2, TCPRE_C2S, 7, T0);
    cmd(&f, 2, "GET z", 0);
    down(&f, 2, S("$1\r\nX\r\n$1\r\nY\r\n$-1\r\n$1\r\nZ\r\n"), 0);
    cl(&f, 2);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->nstricts, 2);
    assert_int_equal(s->stricts[0].nsteps, 1);
    step_is(s, 0, 0, "GET a", S("$1\r\nA\r\n"), 0);
    assert_int_equal(s->stricts[1].nsteps, 2);
    step_is(s, 1, 0, "GET x", S("$1\r\nX\r\n"), 0);
    step_is(s, 1, 1, "GET y", S("$1\r\nY\r\n"), 0);
    require(&f, "stopped: 100 bytes the server sent were not captured");
    require(&f, "1 command sent before that point got no usable reply");
    require(&f, "stopped: 7 bytes the client sent were not captured");
    struct rec_counts k;
    rec_counts(f.r, &k);
    assert_int_equal(k.cut, 2);
    assert_int_equal(k.dropped, 1);
    fx_free(&f);
}

static void test_invalid_resp(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    cmd(&f, 1, "PING", 0);
    up(&f, 1, S("*1\r\n$x\r\n"), 0);
    down(&f, 1, S("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"), 0);
    cl(&f, 1);
    op(&f, 2, 1);
    cmd(&f, 2, "PING", 0);
    cmd(&f, 2, "PING", 0);
    down(&f, 2, S("+PONG\r\n?what\r\n"), 0);
    cl(&f, 2);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->nstricts, 2);
    assert_int_equal(s->stricts[0].nsteps, 1);
    step_is(s, 0, 0, "PING", S("+PONG\r\n"), 0);
    assert_int_equal(s->stricts[1].nsteps, 1);
    require(&f, "the client sent bytes that are not RESP at stream offset 14 "
                "(Redis answers 'ERR Protocol error: invalid bulk length' and closes)");
    require(&f, "the server sent bytes that are not RESP at stream offset 7");
    fx_free(&f);
}

/* Found by fuzz_rec: Redis's protocol error names the byte it got, here a
 * line feed; quoted raw in a "#" note it ended the comment and the next
 * line did not parse. */
static void test_note_escapes_peer_bytes(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    up(&f, 1, S("*1\r\n\n\r\n"), 0);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->nstricts, 0);
    require(&f, "(Redis answers 'ERR Protocol error: expected '$', got '\\x0a'' and closes)");
    fx_free(&f);
}

static void test_unanswered_and_pubsub(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    cmd(&f, 1, "SET a 1", 0);
    down(&f, 1, S("+OK\r\n"), 0);
    cmd(&f, 1, "GET a", 0);
    cmd(&f, 1, "GET b", 0);
    up(&f, 1, S("*2\r\n$3\r\nGET"), 0); /* partial */
    cl(&f, 1);
    op(&f, 2, 1);
    cmd(&f, 2, "PING", 0);
    cmd(&f, 2, "SUBSCRIBE c1 c2", 0);
    down(&f, 2, S("+PONG\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nc1\r\n:1\r\n"), 0);
    down(&f, 2, S("*3\r\n$9\r\nsubscribe\r\n$2\r\nc2\r\n:2\r\n"), 0);
    cl(&f, 2);
    op(&f, 3, 1);
    down(&f, 3, S("-ERR max number of clients reached\r\n"), 0);
    cl(&f, 3);
    struct scn *s = fx_write(&f);
    assert_int_equal(s->nstricts, 2);
    assert_int_equal(s->stricts[0].nsteps, 1);
    assert_int_equal(s->stricts[1].nsteps, 1);
    step_is(s, 1, 0, "PING", S("+PONG\r\n"), 0);
    struct rec_counts k;
    rec_counts(f.r, &k);
    assert_int_equal(k.unanswered, 2);
    assert_int_equal(k.incomplete, 1);
    assert_int_equal(k.unsolicited, 0); /* the refusal is replayed, not dropped */
    assert_int_equal(k.empty, 0);
    assert_int_equal(k.refused, 1);
    assert_int_equal(s->nrules, 1);
    assert_true(s->rules[0].on_connect);
    assert_int_equal(s->rules[0].acts[0].kind, SA_REFUSE);
    require(&f, "2 commands at the end got no reply in the capture");
    require(&f, "stopped at command 2, 'SUBSCRIBE c1 c2'");
    require(&f, "expect connections == 3\n");
    require(&f, "on connect nth 3 do refuse\n");
    fx_free(&f);
}

static void test_delays(void **state)
{
    (void)state;
    for (int mode = 0; mode < 3; mode++) {
        struct rec_opts o;
        rec_opts_init(&o);
        o.no_delays = mode == 1;
        if (mode == 2)
            o.min_delay_us = 10 * MS;
        struct fx f;
        fx_init(&f, &o);
        op(&f, 1, 1);
        cmd(&f, 1, "GET slow", 0);
        down(&f, 1, S("$1\r\nx\r\n"), 5); /* 5 ms */
        up(&f, 1, S("*1\r\n$4\r\nPING\r\n"), 6);
        f.s.data(f.s.ud, 1, TCPRE_S2C, (const uint8_t *)"+PONG\r\n", 7, T0 + 6 * MS + 500);
        /* Pipelined: three at once, the server took 2 ms each, one at a time. */
        cmd(&f, 1, "INCR a", 10);
        cmd(&f, 1, "INCR a", 10);
        cmd(&f, 1, "GET e", 10);
        down(&f, 1, S(":1\r\n"), 12);
        down(&f, 1, S(":2\r\n"), 14);
        down(&f, 1, S("-ERR e\r\n"), 16); /* an error with a delay: raw */
        cl(&f, 1);
        struct scn *s = fx_write(&f);
        int64_t d5 = mode == 0 ? 5 * MS : 0, d2 = mode == 0 ? 2 * MS : 0;
        step_is(s, 0, 0, "GET slow", S("$1\r\nx\r\n"), d5);
        step_is(s, 0, 1, "PING", S("+PONG\r\n"), 0); /* 0.5 ms: under the threshold */
        step_is(s, 0, 2, "INCR a", S(":1\r\n"), d2);
        step_is(s, 0, 3, "INCR a", S(":2\r\n"), d2);
        step_is(s, 0, 4, "GET e", S("-ERR e\r\n"), d2);
        if (mode == 0) {
            require(&f, "< \"x\"  delay 5ms\n");
            require(&f, "< raw \"-ERR e\\r\\n\"  delay 2ms\n");
        } else {
            require(&f, "< (error) ERR e\n");
            assert_false(has(&f, "delay 2ms"));
        }
        fx_free(&f);
    }
}

static void test_large_array_many_slices(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, NULL);
    op(&f, 1, 1);
    cmd(&f, 1, "LRANGE big 0 -1", 0);
    struct buf r = BUF_INIT;
    buf_puts(&r, "*20000\r\n");
    for (int i = 0; i < 20000; i++)
        buf_printf(&r, "$%d\r\nitem-%d\r\n", (int)strlen("item-") + snprintf(NULL, 0, "%d", i), i);
    for (size_t at = 0; at < r.len; at += 1400)
        down(&f, 1, r.p + at, r.len - at < 1400 ? r.len - at : 1400, 0);
    cl(&f, 1);
    struct scn *s = fx_write(&f);
    step_is(s, 0, 0, "LRANGE big 0 -1", r.p, r.len, 0);
    buf_free(&r);
    fx_free(&f);
}

static void test_rec_write_header(void **state)
{
    (void)state;
    struct rec_opts o;
    rec_opts_init(&o);
    o.source = "odd \"name\".pcap";
    struct fx f;
    fx_init(&f, &o);
    op(&f, 1, 1);
    cmd(&f, 1, "PING", 0);
    down(&f, 1, S("+PONG\r\n"), 0);
    struct tcpre_stats st;
    memset(&st, 0, sizeof(st));
    st.frames = 12;
    st.connections = 1;
    struct buf t = BUF_INIT;
    assert_int_equal(rec_write(f.r, &st, "truncated after frame 12\n", &t), 1);
    struct scn *s = NULL;
    assert_int_equal(scn_parse(t.p, t.len, "t", &s, NULL), 0);
    assert_string_equal(s->name, "recorded from odd \"name\".pcap");
    assert_non_null(strstr(t.p, "# WARNING: \"truncated after frame 12\\n\"\n"));
    assert_non_null(strstr(t.p, "# capture: 12 frames"));
    assert_non_null(strstr(t.p, "still open when the capture ended"));
    /* The steps were handed over: a second call writes nothing. */
    struct buf t2 = BUF_INIT;
    assert_int_equal(rec_write(f.r, &st, NULL, &t2), 0);
    assert_int_equal(t2.len, 0);
    scn_free(s);
    buf_free(&t);
    buf_free(&t2);
    fx_free(&f);
}

/* Random bytes, random call patterns: never a crash, always a scenario
 * that parses, and every step's reply encodes to bytes the server sent. */
static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static void test_garbage_never_breaks(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "*1\r\n$4\r\nPING\r\n",
        "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
        "+OK\r\n",
        "$-1\r\n",
        ":12\r\n",
        "*2\r\n",
        "$3\r\nabc\r\n",
        "-ERR x\r\n",
        "\r\n",
        "*",
        "$",
        "%1\r\n",
        ">2\r\n",
        "_\r\n",
        "SUBSCRIBE a\r\n",
        "*-1\r\n",
        "$999999999\r\n",
        "\x00\xff",
        "#",
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\r\n\r\n",
    };
    const size_t np = sizeof(pieces) / sizeof(pieces[0]);
    for (int iter = 0; iter < 300; iter++) {
        struct rec_opts o;
        rec_opts_init(&o);
        o.no_delays = iter % 3 == 0;
        struct fx f;
        fx_init(&f, &o);
        int nconn = 1 + (int)(rnd() % 3);
        for (int c = 1; c <= nconn; c++)
            if (rnd() % 4)
                op(&f, c, (int)(rnd() % 2));
        int calls = (int)(rnd() % 60);
        for (int i = 0; i < calls; i++) {
            int id = 1 + (int)(rnd() % (uint32_t)nconn);
            char tmp[64];
            size_t n;
            if (rnd() % 3 == 0) {
                n = rnd() % sizeof(tmp);
                for (size_t k = 0; k < n; k++)
                    tmp[k] = (char)rnd();
            } else {
                const char *p = pieces[rnd() % np];
                n = strlen(p);
                if (p[0] == '\0')
                    n = 2;
                memcpy(tmp, p, n);
            }
            uint32_t what = rnd() % 20;
            if (what == 0)
                f.s.gap(f.s.ud, id, rnd() % 2 ? TCPRE_C2S : TCPRE_S2C, rnd() % 100, T0);
            else if (what == 1)
                f.s.close(f.s.ud, id, TCPRE_RST, T0);
            else if (what < 11)
                up(&f, id, tmp, n, (int64_t)i);
            else
                down(&f, id, tmp, n, (int64_t)i);
        }
        struct scn *s = fx_write(&f);
        for (int b = 0; b < s->nstricts; b++)
            for (int i = 0; i < s->stricts[b].nsteps; i++)
                assert_non_null(s->stricts[b].steps[i].reply);
        fx_free(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_conversation),
        cmocka_unit_test(test_pipelined),
        cmocka_unit_test(test_reply_split_across_calls),
        cmocka_unit_test(test_command_split_across_calls),
        cmocka_unit_test(test_binary_values),
        cmocka_unit_test(test_args_round_trip),
        cmocka_unit_test(test_error_reply),
        cmocka_unit_test(test_nested_arrays_and_nil),
        cmocka_unit_test(test_resp3_after_hello),
        cmocka_unit_test(test_two_interleaved_connections),
        cmocka_unit_test(test_finish_idle_covers_pauses),
        cmocka_unit_test(test_midstream_resync),
        cmocka_unit_test(test_midstream_wrong_guess_after_empty),
        cmocka_unit_test(test_midstream_false_start),
        cmocka_unit_test(test_gap_stops_block),
        cmocka_unit_test(test_invalid_resp),
        cmocka_unit_test(test_note_escapes_peer_bytes),
        cmocka_unit_test(test_unanswered_and_pubsub),
        cmocka_unit_test(test_delays),
        cmocka_unit_test(test_large_array_many_slices),
        cmocka_unit_test(test_rec_write_header),
        cmocka_unit_test(test_garbage_never_breaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
