/* test_resp.c - unit tests of resp.c: request parser, argument splitter,
 * reply scanner and reply writer.
 *
 * Expected bytes and error texts were checked against redis-server 7.0
 * with a raw socket; they are spelled out here on purpose, so a change in
 * resp.c that drifts from Redis fails a test. The incremental tests feed
 * the same stream cut at every byte boundary (and byte by byte) and require
 * the same commands as when it arrives whole, re-feeding accumulated bytes
 * as resp_reqp_feed's contract asks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mr_err.h"
#include "resp.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* ---- helpers --------------------------------------------------------------- */

/* Feeds data whole to a fresh parser, expecting status and used bytes. */
static struct resp_argv *feed1(const char *data, size_t len, int unauth, int want_status,
                               size_t want_used, char *err, size_t errlen)
{
    struct resp_reqp p;
    struct resp_argv *a = (struct resp_argv *)0x1;
    size_t used = 12345;
    resp_reqp_init(&p);
    p.unauth = unauth;
    int r = resp_reqp_feed(&p, data, len, &used, &a);
    assert_int_equal(r, want_status);
    if (r == RESP_CMD || r == RESP_EMPTY)
        assert_int_equal(used, want_used);
    if (r != RESP_CMD)
        assert_null(a);
    if (err && errlen)
        snprintf(err, errlen, "%s", r == MR_EPROTO ? p.err : "");
    resp_reqp_free(&p);
    return a;
}

static void assert_args(const struct resp_argv *a, int argc, ...)
{
    va_list ap;
    assert_non_null(a);
    assert_int_equal(a->argc, argc);
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) {
        const char *s = va_arg(ap, const char *);
        assert_int_equal(a->argl[i], strlen(s));
        assert_memory_equal(a->argv[i], s, strlen(s));
        assert_int_equal(a->argv[i][a->argl[i]], '\0');
    }
    va_end(ap);
}

/* Expects a protocol error with Redis's text for data fed whole. */
static void assert_proto_error(const char *data, size_t len, int unauth, const char *text)
{
    char err[160];
    struct resp_argv *a = feed1(data, len, unauth, MR_EPROTO, 0, err, sizeof(err));
    assert_null(a);
    assert_string_equal(err, text);
}

/* Runs a stream through one parser the way net.c does, delivering it in
 * chunks whose sizes come from cuts[] (then the rest). Records every outcome
 * in out: "C<argc>" then "[len:bytes]" per argument, "E" for an empty command,
 * "X<text>" for a protocol error (which ends the stream). big_min is the
 * parser's (0: RESP_BIG_ARG); with direct, bytes go straight into a big
 * argument whenever the parser offers it (resp_reqp_direct), as net.c
 * reads them. A big argument's block never holds more than it needs. */
static void run_stream_ex(const char *data, size_t len, const size_t *cuts, int ncuts, int unauth,
                          size_t big_min, int direct, struct buf *out)
{
    struct resp_reqp p;
    struct buf acc = BUF_INIT;
    size_t given = 0;
    int done = 0;
    resp_reqp_init(&p);
    p.unauth = unauth;
    p.big_min = big_min;
    buf_clear(out);
    for (int ci = 0; ci <= ncuts && !done; ci++) {
        size_t upto = ci < ncuts ? cuts[ci] : len;
        if (upto < given)
            continue;
        while (!done && given < upto) {
            size_t room;
            char *dst = direct && acc.len == 0 ? resp_reqp_direct(&p, &room) : NULL;
            if (dst) {
                size_t n = room < upto - given ? room : upto - given;
                assert_true(room > 0);
                memcpy(dst, data + given, n);
                resp_reqp_direct_done(&p, n);
                given += n;
            } else {
                buf_append(&acc, data + given, upto - given);
                given = upto;
            }
            for (;;) {
                size_t used;
                struct resp_argv *a;
                int r = resp_reqp_feed(&p, acc.p ? acc.p : "", acc.len, &used, &a);
                if (p.big)
                    assert_true(p.big_cap <= (size_t)p.bulk + 2);
                if (r == RESP_MORE) {
                    assert_null(a);
                    assert_true(used <= acc.len);
                    buf_consume(&acc, used);
                    break;
                }
                if (r < 0) {
                    buf_printf(out, "X%s", p.err);
                    done = 1;
                    break;
                }
                assert_true(used <= acc.len);
                if (r == RESP_EMPTY) {
                    assert_null(a);
                    buf_putc(out, 'E');
                } else {
                    assert_int_equal(r, RESP_CMD);
                    buf_printf(out, "C%d", a->argc);
                    for (int i = 0; i < a->argc; i++) {
                        buf_printf(out, "[%zu:", a->argl[i]);
                        buf_append(out, a->argv[i], a->argl[i]);
                        buf_putc(out, ']');
                        assert_int_equal(a->argv[i][a->argl[i]], '\0');
                    }
                    resp_argv_free(a);
                }
                buf_consume(&acc, used);
            }
        }
    }
    buf_free(&acc);
    resp_reqp_free(&p);
}

static void run_stream(const char *data, size_t len, const size_t *cuts, int ncuts, int unauth,
                       struct buf *out)
{
    run_stream_ex(data, len, cuts, ncuts, unauth, 0, 0, out);
}

/* Readable form of bytes for failure messages. */
static const char *esc(const char *p, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < size; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch >= 32 && ch < 127 && ch != '\\')
            out[o++] = (char)ch;
        else
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
    }
    out[o] = '\0';
    return out;
}

static void assert_buf_eq(const struct buf *b, const char *want, size_t wlen)
{
    if (b->len != wlen || memcmp(b->p, want, wlen) != 0) {
        char e1[600], e2[600];
        print_error("got  %s\nwant %s\n", esc(b->p ? b->p : "", b->len, e1, sizeof(e1)),
                    esc(want, wlen, e2, sizeof(e2)));
        fail();
    }
}

/* ---- request parser: multibulk ----------------------------------------------- */

static void test_mbulk_basic(void **state)
{
    (void)state;
    struct resp_argv *a = feed1(S("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), 0, RESP_CMD, 20, NULL, 0);
    assert_args(a, 2, "GET", "k");
    resp_argv_free(a);
}

static void test_mbulk_binary_args(void **state)
{
    (void)state;
    /* NUL, CR and LF inside a bulk are data; an empty bulk is an argument. */
    struct resp_argv *a =
        feed1(S("*3\r\n$3\r\nSET\r\n$5\r\na\0\r\nb\r\n$0\r\n\r\n"), 0, RESP_CMD, 30, NULL, 0);
    assert_non_null(a);
    assert_int_equal(a->argc, 3);
    assert_int_equal(a->argl[1], 5);
    assert_memory_equal(a->argv[1], "a\0\r\nb", 5);
    assert_int_equal(a->argl[2], 0);
    assert_string_equal(a->argv[2], "");
    resp_argv_free(a);
}

static void test_mbulk_trailer_not_checked(void **state)
{
    (void)state;
    /* Redis skips the two bytes after a payload without looking at them. */
    struct resp_argv *a = feed1(S("*1\r\n$4\r\nPINGxx"), 0, RESP_CMD, 14, NULL, 0);
    assert_args(a, 1, "PING");
    resp_argv_free(a);
}

static void test_mbulk_count_line_needs_one_more_byte(void **state)
{
    (void)state;
    /* "*1\r" alone is not enough: Redis wants the \r plus one more byte. */
    assert_null(feed1(S("*1\r"), 0, RESP_MORE, 0, NULL, 0));
    assert_null(feed1(S("*1\r\n$4\r"), 0, RESP_MORE, 0, NULL, 0));
    /* ...and that byte need not be \n. */
    struct resp_argv *a = feed1(S("*1\rx$4\r\nPING\r\n"), 0, RESP_CMD, 14, NULL, 0);
    assert_args(a, 1, "PING");
    resp_argv_free(a);
}

static void test_mbulk_incomplete(void **state)
{
    (void)state;
    const char full[] = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
    for (size_t n = 0; n < sizeof(full) - 1; n++)
        assert_null(feed1(full, n, 0, RESP_MORE, 0, NULL, 0));
    struct resp_argv *a = feed1(full, sizeof(full) - 1, 0, RESP_CMD, sizeof(full) - 1, NULL, 0);
    assert_args(a, 2, "ECHO", "hello");
    resp_argv_free(a);
}

static void test_mbulk_max_bulk_len_accepted(void **state)
{
    (void)state;
    /* 512 MiB is allowed (then the parser waits for the payload). */
    assert_null(feed1(S("*1\r\n$536870912\r\n"), 0, RESP_MORE, 0, NULL, 0));
    assert_null(feed1(S("*2147483647\r\n"), 0, RESP_MORE, 0, NULL, 0));
}

/* ---- request parser: empty commands -------------------------------------------- */

static void test_empty_commands(void **state)
{
    (void)state;
    assert_null(feed1(S("*0\r\n"), 0, RESP_EMPTY, 4, NULL, 0));
    assert_null(feed1(S("*-1\r\n"), 0, RESP_EMPTY, 5, NULL, 0));
    assert_null(feed1(S("*-5\r\nPING\r\n"), 0, RESP_EMPTY, 5, NULL, 0));
    assert_null(feed1(S("\r\n"), 0, RESP_EMPTY, 2, NULL, 0));
    assert_null(feed1(S("\n"), 0, RESP_EMPTY, 1, NULL, 0));
    assert_null(feed1(S(" \t  \r\n"), 0, RESP_EMPTY, 6, NULL, 0));
    assert_null(feed1(S(""), 0, RESP_MORE, 0, NULL, 0));
}

/* ---- request parser: inline ---------------------------------------------------- */

static void test_inline_basic(void **state)
{
    (void)state;
    struct resp_argv *a = feed1(S("SET k v\r\n"), 0, RESP_CMD, 9, NULL, 0);
    assert_args(a, 3, "SET", "k", "v");
    resp_argv_free(a);
    a = feed1(S("PING\n"), 0, RESP_CMD, 5, NULL, 0);
    assert_args(a, 1, "PING");
    resp_argv_free(a);
    a = feed1(S("  \t PING   \r\n"), 0, RESP_CMD, 13, NULL, 0);
    assert_args(a, 1, "PING");
    resp_argv_free(a);
    assert_null(feed1(S("PING"), 0, RESP_MORE, 0, NULL, 0));
    assert_null(feed1(S("PING\r"), 0, RESP_MORE, 0, NULL, 0));
}

static void test_inline_quotes_and_escapes(void **state)
{
    (void)state;
    struct resp_argv *a =
        feed1(S("SET \"a b\" 'c d' \"\\x41\\n\\r\\t\\b\\a\\\\\\\"\" 'it\\'s' \"\" ''\r\n"), 0,
              RESP_CMD, 52, NULL, 0);
    assert_args(a, 7, "SET", "a b", "c d", "A\n\r\t\b\a\\\"", "it's", "", "");
    resp_argv_free(a);
    /* Single quotes take no escape but \' ; \x needs two hex digits. */
    a = feed1(S("ECHO 'a\\nb' \"\\x4\" \"\\xZZ\" \"\\q\"\r\n"), 0, RESP_CMD, 31, NULL, 0);
    assert_args(a, 5, "ECHO", "a\\nb", "x4", "xZZ", "q");
    resp_argv_free(a);
    /* A quote inside a word opens a quoted part of the same argument. */
    a = feed1(S("ECHO a\"b c\"\r\n"), 0, RESP_CMD, 13, NULL, 0);
    assert_args(a, 2, "ECHO", "ab c");
    resp_argv_free(a);
}

static void test_inline_hex_nul(void **state)
{
    (void)state;
    struct resp_argv *a = feed1(S("ECHO \"a\\x00b\"\r\n"), 0, RESP_CMD, 15, NULL, 0);
    assert_non_null(a);
    assert_int_equal(a->argc, 2);
    assert_int_equal(a->argl[1], 3);
    assert_memory_equal(a->argv[1], "a\0b", 3);
    resp_argv_free(a);
}

static void test_nul_hides_line_end(void **state)
{
    (void)state;
    /* Redis finds line ends with strchr(): a NUL before them hides them and
     * it waits for more (checked against redis-server 7.0). */
    assert_null(feed1(S("PING\0\r\nPING\r\n"), 0, RESP_MORE, 0, NULL, 0));
    assert_null(feed1(S("*1\0\r\n$4\r\nPING\r\n"), 0, RESP_MORE, 0, NULL, 0));
    assert_null(feed1(S("*1\r\n$4\0\r\nPING\r\n"), 0, RESP_MORE, 0, NULL, 0));
    /* ...until the size limit makes it an error. */
    size_t n = RESP_INLINE_MAX + 10;
    char *big = malloc(n);
    memset(big, 'x', n);
    memcpy(big, "PING\0\r\n", 7);
    assert_proto_error(big, n, 0, "ERR Protocol error: too big inline request");
    free(big);
}

/* ---- request parser: protocol errors ------------------------------------------- */

static void test_err_invalid_multibulk_length(void **state)
{
    (void)state;
    const char *t = "ERR Protocol error: invalid multibulk length";
    assert_proto_error(S("*a\r\n"), 0, t);
    assert_proto_error(S("*\r\n"), 0, t);
    assert_proto_error(S("*01\r\n"), 0, t);
    assert_proto_error(S("*+1\r\n"), 0, t);
    assert_proto_error(S("*1 \r\n"), 0, t);
    assert_proto_error(S("*2147483648\r\n"), 0, t);
    assert_proto_error(S("*3000000000\r\n"), 0, t);
    assert_proto_error(S("*99999999999999999999\r\n"), 0, t);
    assert_proto_error(S("*1\n\r$4\r\nPING\r\n"), 0, t);
}

static void test_err_invalid_bulk_length(void **state)
{
    (void)state;
    const char *t = "ERR Protocol error: invalid bulk length";
    assert_proto_error(S("*1\r\n$x\r\n"), 0, t);
    assert_proto_error(S("*1\r\n$\r\n"), 0, t);
    assert_proto_error(S("*1\r\n$-1\r\n"), 0, t);
    assert_proto_error(S("*1\r\n$04\r\n"), 0, t);
    assert_proto_error(S("*1\r\n$536870913\r\n"), 0, t);
    assert_proto_error(S("*1\r\n$99999999999999999999\r\n"), 0, t);
    /* the second argument's header is checked as well */
    assert_proto_error(S("*2\r\n$1\r\na\r\n$1x\r\n"), 0, t);
}

static void test_err_expected_dollar(void **state)
{
    (void)state;
    assert_proto_error(S("*1\r\nx\r\n"), 0, "ERR Protocol error: expected '$', got 'x'");
    assert_proto_error(S("*2\r\n$1\r\na\r\n:1\r\n"), 0,
                       "ERR Protocol error: expected '$', got ':'");
    /* The raw byte goes into the text; the writer turns CR into a space as
     * Redis's error replies do. */
    char err[160];
    assert_null(feed1(S("*1\r\n\r\n"), 0, MR_EPROTO, 0, err, sizeof(err)));
    assert_string_equal(err, "ERR Protocol error: expected '$', got '\r'");
    struct buf b = BUF_INIT;
    resp_w_error(&b, err, strlen(err));
    assert_buf_eq(&b, S("-ERR Protocol error: expected '$', got ' '\r\n"));
    buf_free(&b);
}

static void test_err_too_big_inline(void **state)
{
    (void)state;
    size_t n = RESP_INLINE_MAX + 1;
    char *big = malloc(n);
    memset(big, 'x', n);
    /* exactly the limit still waits; one byte more is an error */
    assert_null(feed1(big, RESP_INLINE_MAX, 0, RESP_MORE, 0, NULL, 0));
    assert_proto_error(big, n, 0, "ERR Protocol error: too big inline request");
    /* a long line that does end is fine */
    big[n - 1] = '\n';
    struct resp_argv *a = feed1(big, n, 0, RESP_CMD, n, NULL, 0);
    assert_non_null(a);
    assert_int_equal(a->argc, 1);
    assert_int_equal(a->argl[0], RESP_INLINE_MAX);
    resp_argv_free(a);
    free(big);
}

static void test_err_too_big_count_strings(void **state)
{
    (void)state;
    size_t n = RESP_INLINE_MAX + 1;
    char *big = malloc(n + 16);
    memset(big, '1', n + 16);
    big[0] = '*';
    assert_null(feed1(big, RESP_INLINE_MAX, 0, RESP_MORE, 0, NULL, 0));
    assert_proto_error(big, n, 0, "ERR Protocol error: too big mbulk count string");
    memcpy(big, "*1\r\n$", 5);
    assert_null(feed1(big, RESP_INLINE_MAX + 4, 0, RESP_MORE, 0, NULL, 0));
    assert_proto_error(big, RESP_INLINE_MAX + 5, 0,
                       "ERR Protocol error: too big bulk count string");
    free(big);
}

static void test_err_unbalanced_quotes(void **state)
{
    (void)state;
    const char *t = "ERR Protocol error: unbalanced quotes in request";
    assert_proto_error(S("SET a \"b\"c\r\n"), 0, t);
    assert_proto_error(S("ECHO \"abc\r\n"), 0, t);
    assert_proto_error(S("ECHO 'abc\r\n"), 0, t);
    assert_proto_error(S("ECHO \"abc\"\"\r\n"), 0, t);
    assert_proto_error(S("ECHO 'a'b\n"), 0, t);
}

static void test_err_unauthenticated_limits(void **state)
{
    (void)state;
    /* Before AUTH, at most 10 arguments and 16 KiB per argument, with texts
     * of their own (checked against redis-server 7.0.15). */
    assert_null(feed1(S("*10\r\n"), 1, RESP_MORE, 0, NULL, 0));
    assert_proto_error(S("*11\r\n"), 1, "ERR Protocol error: unauthenticated multibulk length");
    assert_null(feed1(S("*11\r\n"), 0, RESP_MORE, 0, NULL, 0));
    assert_null(feed1(S("*1\r\n$16384\r\n"), 1, RESP_MORE, 0, NULL, 0));
    assert_proto_error(S("*1\r\n$16385\r\n"), 1, "ERR Protocol error: unauthenticated bulk length");
    assert_null(feed1(S("*1\r\n$16385\r\n"), 0, RESP_MORE, 0, NULL, 0));
    /* "*0" and negative counts are still empty commands */
    assert_null(feed1(S("*-1\r\n"), 1, RESP_EMPTY, 5, NULL, 0));
}

static void test_parser_reusable_after_error(void **state)
{
    (void)state;
    struct resp_reqp p;
    struct resp_argv *a;
    size_t used;
    resp_reqp_init(&p);
    assert_int_equal(resp_reqp_feed(&p, S("*1\r\n$4\r\nPI"), &used, &a), RESP_MORE);
    assert_int_equal(resp_reqp_feed(&p, S("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n"), &used, &a),
                     RESP_CMD);
    assert_int_equal(used, 14);
    resp_argv_free(a);
    assert_int_equal(resp_reqp_feed(&p, S("*1\r\n$x\r\n"), &used, &a), MR_EPROTO);
    assert_null(a);
    assert_string_equal(p.err, "ERR Protocol error: invalid bulk length");
    /* a restarted parser reads a new stream from its start */
    assert_int_equal(resp_reqp_feed(&p, S("ECHO hi\r\n"), &used, &a), RESP_CMD);
    assert_args(a, 2, "ECHO", "hi");
    resp_argv_free(a);
    resp_reqp_free(&p);
}

/* ---- request parser: pipelines and incremental feeding ------------------------- */

static const char pipeline[] = "*2\r\n$4\r\nECHO\r\n$5\r\na\0\r\nb\r\n" /* binary argument */
                               "PING\r\n"                               /* inline */
                               "*0\r\n"                                 /* empty */
                               "\r\n"                                   /* blank line */
                               "SET \"k 1\" 'v\\'2' \"\\x41\"\n"        /* quotes, LF only */
                               "*-1\r\n"                                /* empty */
                               "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$2\r\nxy\r\n"
                               "*1\r\n$4\r\nPINGzz" /* unchecked trailer */
                               "   \n"              /* blank */
                               "*1\r\n$4\r\nPING\r\n";
static const char pipeline_out[] = "C2[4:ECHO][5:a\0\r\nb]"
                                   "C1[4:PING]"
                                   "E"
                                   "E"
                                   "C4[3:SET][3:k 1][3:v'2][1:A]"
                                   "E"
                                   "C3[3:SET][0:][2:xy]"
                                   "C1[4:PING]"
                                   "E"
                                   "C1[4:PING]";

static void test_pipeline_whole(void **state)
{
    (void)state;
    struct buf out = BUF_INIT;
    run_stream(pipeline, sizeof(pipeline) - 1, NULL, 0, 0, &out);
    assert_buf_eq(&out, pipeline_out, sizeof(pipeline_out) - 1);
    buf_free(&out);
}

static void test_pipeline_every_split(void **state)
{
    (void)state;
    struct buf out = BUF_INIT;
    size_t n = sizeof(pipeline) - 1;
    /* one cut at every position */
    for (size_t i = 0; i <= n; i++) {
        size_t cut[1] = {i};
        run_stream(pipeline, n, cut, 1, 0, &out);
        assert_buf_eq(&out, pipeline_out, sizeof(pipeline_out) - 1);
    }
    /* two cuts at every pair of positions */
    for (size_t i = 0; i <= n; i++) {
        for (size_t j = i; j <= n; j++) {
            size_t cut[2] = {i, j};
            run_stream(pipeline, n, cut, 2, 0, &out);
            assert_buf_eq(&out, pipeline_out, sizeof(pipeline_out) - 1);
        }
    }
    buf_free(&out);
}

static void test_pipeline_byte_by_byte(void **state)
{
    (void)state;
    struct buf out = BUF_INIT;
    size_t n = sizeof(pipeline) - 1;
    size_t *cuts = malloc(n * sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        cuts[i] = i + 1;
    run_stream(pipeline, n, cuts, (int)n, 0, &out);
    assert_buf_eq(&out, pipeline_out, sizeof(pipeline_out) - 1);
    free(cuts);
    buf_free(&out);
}

static void test_errors_at_every_split(void **state)
{
    (void)state;
    /* A protocol error is found whatever way its bytes arrive, and the
     * commands before it are still delivered. */
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {S("PING\r\n*1\r\n$x\r\n"), "C1[4:PING]XERR Protocol error: invalid bulk length"},
        {S("PING\r\n*1\r\nx\r\n"), "C1[4:PING]XERR Protocol error: expected '$', got 'x'"},
        {S("PING\r\n*1a\r\n"), "C1[4:PING]XERR Protocol error: invalid multibulk length"},
        {S("PING\r\nECHO \"a\r\n"), "C1[4:PING]XERR Protocol error: unbalanced quotes in request"},
    };
    struct buf out = BUF_INIT;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        for (size_t i = 0; i <= cases[k].len; i++) {
            size_t cut[1] = {i};
            run_stream(cases[k].in, cases[k].len, cut, 1, 0, &out);
            assert_buf_eq(&out, cases[k].out, strlen(cases[k].out));
        }
    }
    buf_free(&out);
}

static void test_big_argument_incremental(void **state)
{
    (void)state;
    /* 1 MiB argument delivered in 4 KiB chunks. */
    size_t vlen = 1 << 20;
    struct buf in = BUF_INIT;
    buf_printf(&in, "*2\r\n$4\r\nECHO\r\n$%zu\r\n", vlen);
    size_t hdr = in.len;
    char *v = buf_reserve(&in, vlen);
    for (size_t i = 0; i < vlen; i++)
        v[i] = (char)(i * 7);
    buf_commit(&in, vlen);
    buf_append(&in, "\r\n", 2);
    size_t ncuts = in.len / 4096;
    size_t *cuts = malloc(ncuts * sizeof(size_t));
    for (size_t i = 0; i < ncuts; i++)
        cuts[i] = (i + 1) * 4096;
    struct buf out = BUF_INIT;
    run_stream(in.p, in.len, cuts, (int)ncuts, 0, &out);
    struct buf want = BUF_INIT;
    buf_printf(&want, "C2[4:ECHO][%zu:", vlen);
    buf_append(&want, in.p + hdr, vlen);
    buf_putc(&want, ']');
    assert_buf_eq(&out, want.p, want.len);
    free(cuts);
    buf_free(&in);
    buf_free(&out);
    buf_free(&want);
}

/* ---- request parser: big arguments in blocks of their own ------------------------ */

/* A command with a big value, fed in chunks of step bytes, through the
 * caller's bytes or straight into the block. */
static struct resp_argv *feed_chunks(const char *data, size_t len, size_t step, int direct,
                                     size_t *buffered_max)
{
    struct resp_reqp p;
    struct buf acc = BUF_INIT;
    struct resp_argv *got = NULL;
    size_t given = 0;
    resp_reqp_init(&p);
    *buffered_max = 0;
    while (got == NULL && given < len) {
        size_t room, n = len - given < step ? len - given : step;
        char *dst = direct && acc.len == 0 ? resp_reqp_direct(&p, &room) : NULL;
        if (dst) {
            n = n < room ? n : room;
            memcpy(dst, data + given, n);
            resp_reqp_direct_done(&p, n);
        } else {
            buf_append(&acc, data + given, n);
        }
        given += n;
        size_t used;
        int r = resp_reqp_feed(&p, acc.p, acc.len, &used, &got);
        assert_true(r == RESP_MORE || r == RESP_CMD);
        if (resp_reqp_buffered(&p) > *buffered_max)
            *buffered_max = resp_reqp_buffered(&p);
        buf_consume(&acc, used);
    }
    assert_int_equal(given, len);
    assert_int_equal(acc.len, 0);
    buf_free(&acc);
    resp_reqp_free(&p);
    return got;
}

static void test_big_arg_own_block(void **state)
{
    (void)state;
    size_t vlen = 1 << 20;
    struct buf in = BUF_INIT;
    buf_printf(&in, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%zu\r\n", vlen);
    char *v = buf_reserve(&in, vlen);
    for (size_t i = 0; i < vlen; i++)
        v[i] = (char)(i * 13);
    buf_commit(&in, vlen);
    buf_append(&in, "\r\n", 2);
    for (int direct = 0; direct <= 1; direct++) {
        size_t most;
        struct resp_argv *a = feed_chunks(in.p, in.len, 4096, direct, &most);
        assert_non_null(a);
        assert_int_equal(a->argc, 3);
        /* the first two were copied aside while it came */
        assert_string_equal(a->argv[0], "SET");
        assert_string_equal(a->argv[1], "k");
        assert_non_null(a->own);
        assert_false(a->own[0] || a->own[1]);
        assert_true(a->own[2]);
        assert_true(most + 4096 >= vlen); /* what Redis counts as the query buffer */
        assert_int_equal(a->argl[2], vlen);
        assert_memory_equal(a->argv[2], in.p + in.len - 2 - vlen, vlen);
        assert_int_equal(a->argv[2][vlen], '\0');
        /* The value takes the block: no copy, and the argument is empty. */
        size_t n = 0;
        char *blk = resp_argv_take(a, 2, &n);
        assert_true(blk != NULL && n == vlen && blk[vlen] == '\0');
        assert_int_equal(a->argl[2], 0);
        assert_string_equal(a->argv[2], "");
        assert_null(resp_argv_take(a, 2, &n));
        assert_null(resp_argv_take(a, 0, &n));
        resp_argv_free(a);
        free(blk);
    }
    /* Arrived whole, it is copied like any other (and nothing to take). */
    struct resp_argv *a = feed1(in.p, in.len, 0, RESP_CMD, in.len, NULL, 0);
    size_t n;
    assert_null(a->own);
    assert_null(resp_argv_take(a, 2, &n));
    resp_argv_free(a);
    buf_free(&in);
}

/* Exact sizes: RESP_BIG_ARG - 1 is copied, RESP_BIG_ARG gets a block; cut
 * after the header, in the payload, before the CR, between CR and LF. */
static void test_big_arg_boundaries(void **state)
{
    (void)state;
    for (size_t vlen = RESP_BIG_ARG - 1; vlen <= RESP_BIG_ARG; vlen++) {
        struct buf in = BUF_INIT;
        buf_printf(&in, "*2\r\n$4\r\nECHO\r\n$%zu\r\n", vlen);
        size_t hdr = in.len;
        memset(buf_reserve(&in, vlen), 'v', vlen);
        buf_commit(&in, vlen);
        buf_append(&in, "\r\n*1\r\n$4\r\nPING\r\n", 16);
        struct buf want = BUF_INIT, out = BUF_INIT;
        run_stream(in.p, in.len, NULL, 0, 0, &want);
        size_t cutsets[][3] = {{hdr, hdr + vlen, hdr + vlen + 1},
                               {hdr - 1, hdr + 1, hdr + vlen + 2},
                               {hdr + vlen / 2, hdr + vlen - 1, hdr + vlen + 3}};
        for (size_t k = 0; k < 3; k++) {
            for (int direct = 0; direct <= 1; direct++) {
                run_stream_ex(in.p, in.len, cutsets[k], 3, 0, 0, direct, &out);
                assert_buf_eq(&out, want.p, want.len);
            }
        }
        /* Whether it got a block of its own. */
        struct resp_reqp p;
        struct resp_argv *a = NULL;
        size_t used;
        resp_reqp_init(&p);
        assert_int_equal(resp_reqp_feed(&p, in.p, hdr + 10, &used, &a), RESP_MORE);
        assert_int_equal(used, vlen >= RESP_BIG_ARG ? hdr + 10 : 0);
        assert_int_equal(resp_reqp_buffered(&p), vlen >= RESP_BIG_ARG ? 10 : 0);
        assert_int_equal(resp_reqp_feed(&p, in.p + used, in.len - used, &used, &a), RESP_CMD);
        assert_true((a->own != NULL) == (vlen >= RESP_BIG_ARG));
        resp_argv_free(a);
        resp_reqp_free(&p);
        buf_free(&in);
        buf_free(&want);
        buf_free(&out);
    }
}

/* A small big_min drives a short stream through the block path at every
 * cut and byte by byte, with and without direct reads: the outcome is the
 * one of the whole stream, errors included. The two bytes after a payload
 * are skipped unchecked, big or not, as Redis does; a payload longer than
 * announced puts its tail where the next '$' is expected. */
static void test_big_arg_every_split(void **state)
{
    (void)state;
    static const char *const streams[] = {
        ("*3\r\n$3\r\nSET\r\n$5\r\nkey12\r\n$10\r\n0123456789\r\n*1\r\n$4\r\nPING\r\n"
         "*2\r\n$4\r\nECHO\r\n$6\r\nabcdef\r\n"),
        "*2\r\n$4\r\nECHO\r\n$6\r\nabcdefxx*1\r\n$4\r\nPING\r\n", /* no CRLF: unchecked */
        "*3\r\n$4\r\nECHO\r\n$6\r\nabcdefg\r\n$1\r\na\r\n",       /* one byte too many */
        "*2\r\n$4\r\nECHO\r\n$6\r\nabcde\r\n$1\r\na\r\n",         /* one byte short */
        "*2\r\n$8\r\nbig-name\r\n$0\r\n\r\nPING\r\n",
    };
    for (size_t si = 0; si < sizeof(streams) / sizeof(streams[0]); si++) {
        const char *in = streams[si];
        size_t len = strlen(in);
        struct buf want = BUF_INIT, out = BUF_INIT;
        run_stream(in, len, NULL, 0, 0, &want);
        for (int direct = 0; direct <= 1; direct++) {
            for (size_t i = 0; i <= len; i++) {
                for (size_t j = i; j <= len; j++) {
                    size_t cuts[2] = {i, j};
                    run_stream_ex(in, len, cuts, 2, 0, 4, direct, &out);
                    assert_buf_eq(&out, want.p, want.len);
                }
            }
            size_t *cuts = malloc(len * sizeof(size_t));
            for (size_t i = 0; i < len; i++)
                cuts[i] = i + 1;
            run_stream_ex(in, len, cuts, (int)len, 0, 4, direct, &out);
            assert_buf_eq(&out, want.p, want.len);
            free(cuts);
        }
        buf_free(&want);
        buf_free(&out);
    }
}

/* A client announcing 512 MiB and sending little makes the parser hold
 * about what came (the block grows with the bytes), and proto-max-bulk-len
 * is the owner's to set. */
static void test_big_arg_no_overreservation(void **state)
{
    (void)state;
    struct resp_reqp p;
    struct resp_argv *a = NULL;
    size_t used, room;
    char data[1024 + 32];
    int hdr = snprintf(data, sizeof(data), "*2\r\n$3\r\nSET\r\n$536870912\r\n");
    memset(data + hdr, 'z', 1024);
    resp_reqp_init(&p);
    assert_int_equal(resp_reqp_feed(&p, data, (size_t)hdr + 1024, &used, &a), RESP_MORE);
    assert_int_equal(used, (size_t)hdr + 1024);
    assert_int_equal(resp_reqp_buffered(&p), 1024);
    assert_true(p.big_cap <= 64 * 1024);
    char *dst = resp_reqp_direct(&p, &room);
    assert_non_null(dst);
    assert_true(room <= 64 * 1024 - 1024);
    resp_reqp_direct_done(&p, 1);
    assert_int_equal(resp_reqp_buffered(&p), 1025);
    resp_reqp_free(&p); /* frees the block of the unfinished command */
    assert_int_equal(resp_reqp_buffered(&p), 0);

    resp_reqp_init(&p);
    p.max_bulk = 1024 * 1024;
    assert_int_equal(resp_reqp_feed(&p, S("*1\r\n$1048576\r\n"), &used, &a), RESP_MORE);
    resp_reqp_free(&p);
    resp_reqp_init(&p);
    p.max_bulk = 1024 * 1024;
    assert_int_equal(resp_reqp_feed(&p, S("*1\r\n$1048577\r\n"), &used, &a), MR_EPROTO);
    assert_string_equal(p.err, "ERR Protocol error: invalid bulk length");
    resp_reqp_free(&p);
}

/* ---- argument splitting -------------------------------------------------------- */

static void test_split_args(void **state)
{
    (void)state;
    struct resp_argv *a = resp_split_args(S(""));
    assert_non_null(a);
    assert_int_equal(a->argc, 0);
    resp_argv_free(a);
    a = resp_split_args(S("   \t "));
    assert_non_null(a);
    assert_int_equal(a->argc, 0);
    resp_argv_free(a);
    a = resp_split_args(S("set  key   \"hello world\""));
    assert_args(a, 3, "set", "key", "hello world");
    resp_argv_free(a);
    /* only empty arguments (no argument bytes at all) */
    a = resp_split_args(S("'' \"\""));
    assert_args(a, 2, "", "");
    resp_argv_free(a);
    /* the line ends at a raw NUL, as for Redis's C-string splitter */
    a = resp_split_args(S("a b\0c"));
    assert_args(a, 2, "a", "b");
    resp_argv_free(a);
    assert_null(resp_split_args(S("\"open")));
    assert_null(resp_split_args(S("'open")));
    assert_null(resp_split_args(S("\"a\"b")));
    assert_null(resp_split_args(S("'a'b")));
    assert_null(resp_split_args(S("\"ends with backslash\\")));
}

static void test_argv_new(void **state)
{
    (void)state;
    const char *v[] = {"SET", "k", "v"};
    struct resp_argv *a = resp_argv_new(3, v, NULL);
    assert_args(a, 3, "SET", "k", "v");
    resp_argv_free(a);
    const char *w[] = {"x\0y", ""};
    size_t l[] = {3, 0};
    a = resp_argv_new(2, w, l);
    assert_int_equal(a->argl[0], 3);
    assert_memory_equal(a->argv[0], "x\0y", 4);
    assert_int_equal(a->argl[1], 0);
    assert_string_equal(a->argv[1], "");
    resp_argv_free(a);
    resp_argv_free(NULL);
}

/* ---- reply scanner ----------------------------------------------------------- */

static void scan_ok(const char *data, size_t len, size_t want)
{
    size_t n = 0;
    int r = resp_scan(data, len, &n);
    if (r != 1 || n != want) {
        print_error("resp_scan(%.*s) = %d, n=%zu; want 1, n=%zu\n", (int)len, data, r, n, want);
        fail();
    }
    /* every strict prefix needs more */
    for (size_t k = 0; k < want; k++) {
        size_t m = 0;
        r = resp_scan(data, k, &m);
        if (r != 0) {
            print_error("prefix %zu of %.*s: %d (n=%zu), want 0\n", k, (int)len, data, r, m);
            fail();
        }
    }
}

static void scan_bad(const char *data, size_t len, size_t at)
{
    size_t n = 99999;
    assert_int_equal(resp_scan(data, len, &n), MR_EPROTO);
    assert_int_equal(n, at);
}

static void test_scan_resp2(void **state)
{
    (void)state;
    scan_ok(S("+OK\r\n"), 5);
    scan_ok(S("-ERR x y\r\n"), 10);
    scan_ok(S(":0\r\n"), 4);
    scan_ok(S(":-9223372036854775808\r\n"), 23);
    scan_ok(S("$3\r\nfoo\r\n"), 9);
    scan_ok(S("$0\r\n\r\n"), 6);
    scan_ok(S("$-1\r\n"), 5);
    scan_ok(S("$4\r\na\r\nb\r\n"), 10);
    scan_ok(S("*0\r\n"), 4);
    scan_ok(S("*-1\r\n"), 5);
    scan_ok(S("*3\r\n:1\r\n$1\r\na\r\n*-1\r\n"), 20);
    /* only the first reply counts */
    scan_ok(S("+A\r\n+B\r\n"), 4);
    scan_ok(S("*1\r\n*1\r\n*1\r\n:7\r\n:8\r\n"), 16);
}

static void test_scan_resp3(void **state)
{
    (void)state;
    scan_ok(S("_\r\n"), 3);
    scan_ok(S(",3.14\r\n"), 7);
    scan_ok(S(",-inf\r\n"), 7);
    scan_ok(S("#t\r\n"), 4);
    scan_ok(S("#f\r\n"), 4);
    scan_ok(S("(3492890328409238509324850943850943825024385\r\n"),
            sizeof("(3492890328409238509324850943850943825024385\r\n") - 1);
    scan_ok(S("!21\r\nSYNTAX invalid syntax\r\n"), 28);
    scan_ok(S("=15\r\ntxt:Some string\r\n"), 22);
    scan_ok(S("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n"), 20);
    scan_ok(S("%0\r\n"), 4);
    scan_ok(S("~2\r\n+a\r\n+b\r\n"), 12);
    scan_ok(S(">3\r\n+message\r\n+ch\r\n$2\r\nhi\r\n"), 27);
    /* an attribute precedes the reply it describes */
    scan_ok(S("|1\r\n+ttl\r\n:3\r\n+OK\r\n"), 19);
    /* nested: a map of sets of maps */
    scan_ok(S("%1\r\n$1\r\nk\r\n~2\r\n%1\r\n+a\r\n_\r\n#t\r\n"),
            sizeof("%1\r\n$1\r\nk\r\n~2\r\n%1\r\n+a\r\n_\r\n#t\r\n") - 1);
}

static void test_scan_malformed(void **state)
{
    (void)state;
    scan_bad(S("?x\r\n"), 0);
    scan_bad(S("\r\n"), 0);
    scan_bad(S("+OK\n"), 3);
    scan_bad(S("\n"), 0);
    scan_bad(S(":abc\r\n"), 0);
    scan_bad(S(":\r\n"), 0);
    scan_bad(S("$x\r\n"), 0);
    scan_bad(S("$-2\r\n"), 0);
    scan_bad(S("$3\r\nfooXY"), 7);
    scan_bad(S("$?\r\n"), 0);
    scan_bad(S("*?\r\n"), 0);
    scan_bad(S("*-2\r\n"), 0);
    scan_bad(S("~-1\r\n"), 0);
    scan_bad(S(">-1\r\n"), 0);
    scan_bad(S("%-1\r\n"), 0);
    scan_bad(S("|-1\r\n"), 0);
    scan_bad(S("!-1\r\n"), 0);
    scan_bad(S("=-1\r\n"), 0);
    scan_bad(S("_x\r\n"), 0);
    scan_bad(S("#x\r\n"), 0);
    scan_bad(S("#tt\r\n"), 0);
    /* the offset points into the nested element */
    scan_bad(S("*2\r\n:1\r\n:z\r\n"), 8);
}

static void test_scan_hostile_counts(void **state)
{
    (void)state;
    size_t n;
    /* huge counts need more bytes; nothing overflows (UBSan checks this) */
    assert_int_equal(resp_scan(S("%9223372036854775807\r\n"), &n), 0);
    assert_int_equal(resp_scan(S("|9223372036854775807\r\n"), &n), 0);
    assert_int_equal(resp_scan(S("*9223372036854775807\r\n*9223372036854775807\r\n"
                                 "%9223372036854775807\r\n"),
                               &n),
                     0);
    assert_int_equal(resp_scan(S("$9223372036854775807\r\nabc"), &n), 0);
    assert_int_equal(resp_scan(S("*9223372036854775807\r\n:x\r\n"), &n), MR_EPROTO);
    assert_int_equal(n, 22);
    assert_int_equal(resp_scan(S(""), &n), 0);
    assert_int_equal(resp_scan(S("+OK"), &n), 0);
    assert_int_equal(resp_scan(S("+OK\r"), &n), 0);
}

/* ---- reply writer -------------------------------------------------------------- */

static void test_writer_common(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    resp_w_simple(&b, "OK");
    resp_w_error(&b, "ERR a\r\nb", 8);
    resp_w_int(&b, 0);
    resp_w_int(&b, LLONG_MIN);
    resp_w_bulk(&b, "a\0b", 3);
    resp_w_bulk(&b, "", 0);
    resp_w_array(&b, 2);
    resp_w_array(&b, 0);
    assert_buf_eq(&b, S("+OK\r\n-ERR a  b\r\n:0\r\n:-9223372036854775808\r\n$3\r\na\0b\r\n"
                        "$0\r\n\r\n*2\r\n*0\r\n"));
    buf_free(&b);
}

static void test_writer_resp2(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    resp_w_null(&b, 2);
    resp_w_null_array(&b, 2);
    resp_w_map(&b, 2, 2);
    resp_w_set(&b, 2, 3);
    resp_w_double(&b, 2, 1.5);
    resp_w_double(&b, 2, 0.1);
    resp_w_double(&b, 2, INFINITY);
    resp_w_double(&b, 2, -INFINITY);
    resp_w_bool(&b, 2, 1);
    resp_w_bool(&b, 2, 0);
    resp_w_verbatim(&b, 2, "txt", "hello", 5);
    assert_buf_eq(&b, S("$-1\r\n*-1\r\n*4\r\n*3\r\n$3\r\n1.5\r\n$19\r\n0.10000000000000001\r\n"
                        "$3\r\ninf\r\n$4\r\n-inf\r\n:1\r\n:0\r\n$5\r\nhello\r\n"));
    buf_free(&b);
}

static void test_writer_resp3(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    resp_w_null(&b, 3);
    resp_w_null_array(&b, 3);
    resp_w_map(&b, 3, 2);
    resp_w_set(&b, 3, 3);
    resp_w_double(&b, 3, 1.5);
    resp_w_double(&b, 3, 0.1);
    resp_w_double(&b, 3, INFINITY);
    resp_w_double(&b, 3, -INFINITY);
    resp_w_bool(&b, 3, 1);
    resp_w_bool(&b, 3, 0);
    resp_w_verbatim(&b, 3, "txt", "hello", 5);
    resp_w_verbatim(&b, 3, "mkd", "", 0);
    assert_buf_eq(&b, S("_\r\n_\r\n%2\r\n~3\r\n,1.5\r\n,0.10000000000000001\r\n,inf\r\n,-inf\r\n"
                        "#t\r\n#f\r\n=9\r\ntxt:hello\r\n=4\r\nmkd:\r\n"));
    /* what the writer produces, the scanner reads back one reply at a time */
    size_t off = 0, n, count = 0;
    while (off < b.len && resp_scan(b.p + off, b.len - off, &n) == 1) {
        off += n;
        count++;
    }
    assert_int_equal(off, b.len);
    buf_free(&b);
    assert_int_equal(count, 5); /* _ _ %2{~3{3} -inf #t #f} = = */
}

static void test_fmt_double(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(resp_fmt_double(out, sizeof(out), 3.0), 1);
    assert_string_equal(out, "3");
    resp_fmt_double(out, sizeof(out), -0.5);
    assert_string_equal(out, "-0.5");
    resp_fmt_double(out, sizeof(out), 1e300);
    assert_string_equal(out, "1.0000000000000001e+300");
    resp_fmt_double(out, sizeof(out), -INFINITY);
    assert_string_equal(out, "-inf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mbulk_basic),
        cmocka_unit_test(test_mbulk_binary_args),
        cmocka_unit_test(test_mbulk_trailer_not_checked),
        cmocka_unit_test(test_mbulk_count_line_needs_one_more_byte),
        cmocka_unit_test(test_mbulk_incomplete),
        cmocka_unit_test(test_mbulk_max_bulk_len_accepted),
        cmocka_unit_test(test_empty_commands),
        cmocka_unit_test(test_inline_basic),
        cmocka_unit_test(test_inline_quotes_and_escapes),
        cmocka_unit_test(test_inline_hex_nul),
        cmocka_unit_test(test_nul_hides_line_end),
        cmocka_unit_test(test_err_invalid_multibulk_length),
        cmocka_unit_test(test_err_invalid_bulk_length),
        cmocka_unit_test(test_err_expected_dollar),
        cmocka_unit_test(test_err_too_big_inline),
        cmocka_unit_test(test_err_too_big_count_strings),
        cmocka_unit_test(test_err_unbalanced_quotes),
        cmocka_unit_test(test_err_unauthenticated_limits),
        cmocka_unit_test(test_parser_reusable_after_error),
        cmocka_unit_test(test_pipeline_whole),
        cmocka_unit_test(test_pipeline_every_split),
        cmocka_unit_test(test_pipeline_byte_by_byte),
        cmocka_unit_test(test_errors_at_every_split),
        cmocka_unit_test(test_big_argument_incremental),
        cmocka_unit_test(test_big_arg_own_block),
        cmocka_unit_test(test_big_arg_boundaries),
        cmocka_unit_test(test_big_arg_every_split),
        cmocka_unit_test(test_big_arg_no_overreservation),
        cmocka_unit_test(test_split_args),
        cmocka_unit_test(test_argv_new),
        cmocka_unit_test(test_scan_resp2),
        cmocka_unit_test(test_scan_resp3),
        cmocka_unit_test(test_scan_malformed),
        cmocka_unit_test(test_scan_hostile_counts),
        cmocka_unit_test(test_writer_common),
        cmocka_unit_test(test_writer_resp2),
        cmocka_unit_test(test_writer_resp3),
        cmocka_unit_test(test_fmt_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
