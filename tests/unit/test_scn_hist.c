/* test_scn_hist.c - unit tests of the record of commands and the time and
 * order expectations (scn_hist.c).
 *
 * Commands are fed straight to scn_hist_command with chosen connection
 * numbers and scenario times, as under a virtual clock: every verdict is
 * exact, and each expectation is tested holding and failing, with the
 * sentence that says what was seen. The real clock's margin is tested by
 * feeding the same times with virt = 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resp.h"
#include "scn.h"
#include "scn_hist.h"

struct fx {
    struct scn *scn;
    struct scn_hist *h;
};

static struct fx start(const char *text)
{
    struct fx f;
    struct buf diag = BUF_INIT;
    if (scn_parse(text, strlen(text), "t.scn", &f.scn, &diag) != 0)
        fail_msg("parse: %s", diag.p);
    buf_free(&diag);
    f.h = scn_hist_new(f.scn);
    return f;
}

static void stop(struct fx *f)
{
    scn_hist_free(f->h);
    scn_free(f->scn);
}

/* Connection conn sends line at ms (scenario time); virt: virtual clock. */
static void feed(struct fx *f, int conn, int64_t ms, int virt, const char *line)
{
    struct resp_argv *a = resp_split_args(line, strlen(line));
    scn_hist_command(f->h, conn, ms * 1000, virt, a);
    resp_argv_free(a);
}

/* Checks expectation i: whether it held, its violations and its detail. */
static void check(struct fx *f, int i, int ok, long long violations, const char *detail)
{
    struct buf d = BUF_INIT;
    long long got = -1;
    int held = scn_hist_check(f->h, i, &got, &d);
    if (held != ok || got != violations || strcmp(d.p ? d.p : "", detail) != 0)
        fail_msg("expectation %d: held %d (want %d), violations %lld (want %lld)\n"
                 " detail: %s\n want:   %s",
                 i, held, ok, got, violations, d.p ? d.p : "", detail);
    buf_free(&d);
}

static void test_gap(void **state)
{
    (void)state;
    struct fx f = start("expect gap GET report >= 100ms\n"
                        "expect gap GET report 100ms..250ms\n"
                        "expect gap GET report >= 100ms on conn 1\n"
                        "expect gap GET nothing <= 1ms\n"
                        "expect gap GET report == 150ms\n");
    feed(&f, 1, 0, 1, "GET report");
    feed(&f, 1, 50, 1, "SET other 1"); /* not matching: no gap of its own */
    feed(&f, 2, 100, 1, "GET report"); /* 100ms after, on another connection */
    feed(&f, 3, 400, 1, "GET report"); /* 300ms after */
    check(&f, 0, 1, 0, "2 gap(s), 100ms..300ms");
    check(&f, 1, 0, 1,
          "gap of 300ms from GET report (conn 2, at 100ms) to GET report (conn 3, at 400ms); "
          "1 of 2 gaps failed");
    check(&f, 2, 1, 0, "no gap: 1 matching command(s)"); /* conn 1 sent one GET report */
    check(&f, 3, 1, 0, "no gap: 0 matching command(s)");
    check(&f, 4, 0, 2,
          "gap of 100ms from GET report (conn 1, at 0ms) to GET report (conn 2, at 100ms); "
          "2 of 2 gaps failed");
    stop(&f);
}

/* Under the real clock a gap may be SCN_REAL_MARGIN_US off. */
static void test_gap_real_margin(void **state)
{
    (void)state;
    struct fx f = start("expect gap GET * >= 100ms\nexpect gap GET * <= 100ms\n"
                        "expect gap SET * >= 100ms\n");
    feed(&f, 1, 0, 0, "GET a");
    feed(&f, 1, 95, 0, "GET a");  /* 5ms short: within the margin */
    feed(&f, 1, 200, 0, "GET a"); /* 105ms: over by 5ms, within the margin */
    feed(&f, 1, 0, 0, "SET a 1");
    feed(&f, 1, 89, 0, "SET a 1"); /* 11ms short: beyond it */
    check(&f, 0, 1, 0, "2 gap(s), 95ms..105ms (real clock: compared with a margin of 10ms)");
    check(&f, 1, 1, 0, "2 gap(s), 95ms..105ms (real clock: compared with a margin of 10ms)");
    check(&f, 2, 0, 1,
          "gap of 89ms from SET a 1 (conn 1, at 0ms) to SET a 1 (conn 1, at 89ms); 1 of 1 gaps "
          "failed (real clock: compared with a margin of 10ms)");
    stop(&f);

    /* The same 95ms on the virtual clock: exact, so it fails. */
    f = start("expect gap GET * >= 100ms\n");
    feed(&f, 1, 0, 1, "GET a");
    feed(&f, 1, 95, 1, "GET a");
    check(&f, 0, 0, 1,
          "gap of 95ms from GET a (conn 1, at 0ms) to GET a (conn 1, at 95ms); 1 of 1 gaps "
          "failed");
    stop(&f);
}

static void test_backoff(void **state)
{
    (void)state;
    struct fx f = start("expect backoff GET r factor 1.5..3\n"
                        "expect backoff GET r factor 2\n"
                        "expect backoff GET r factor 1.5..3 on conn 9\n");
    feed(&f, 1, 0, 1, "GET r");
    feed(&f, 2, 100, 1, "GET r");  /* gap 100 */
    feed(&f, 3, 300, 1, "GET r");  /* gap 200: x2 */
    feed(&f, 4, 700, 1, "GET r");  /* gap 400: x2 */
    feed(&f, 5, 1300, 1, "GET r"); /* gap 600: x1.5 */
    check(&f, 0, 1, 0, "3 factor(s), 1.50..2.00");
    check(&f, 1, 0, 1,
          "gap of 400ms from GET r (conn 3, at 300ms) to GET r (conn 4, at 700ms), then 600ms "
          "to GET r (conn 5, at 1300ms): factor 1.50; 1 of 3 factors failed");
    check(&f, 2, 0, 0, "0 matching command(s): a backoff needs 3 or more (two gaps to compare)");
    stop(&f);

    /* A client that retries at a fixed interval is not backing off. */
    f = start("expect backoff GET r factor 1.5..3\n");
    feed(&f, 1, 0, 1, "GET r");
    feed(&f, 1, 100, 1, "GET r");
    feed(&f, 1, 200, 1, "GET r");
    check(&f, 0, 0, 1,
          "gap of 100ms from GET r (conn 1, at 0ms) to GET r (conn 1, at 100ms), then 100ms to "
          "GET r (conn 1, at 200ms): factor 1.00; 1 of 1 factors failed");
    stop(&f);
}

static void test_order(void **state)
{
    (void)state;
    struct fx f = start("expect order GET lock:* before SET lock:*\n"
                        "expect order GET lock:* before SET lock:* across\n"
                        "expect order PING before PING\n");
    feed(&f, 1, 0, 1, "GET lock:1");
    feed(&f, 1, 1, 1, "SET lock:1 me");
    feed(&f, 2, 2, 1, "SET lock:2 me"); /* conn 2 never read the lock */
    check(&f, 0, 0, 1,
          "SET lock:2 me (conn 2, at 2ms) came with no GET lock:* before it on conn 2; 1 of 2 "
          "commands failed");
    check(&f, 1, 1, 0, "2 command(s) checked, each after GET lock:*"); /* conn 1 read it */
    check(&f, 2, 1, 0, "0 command(s) checked, each after PING");
    feed(&f, 3, 3, 1, "PING"); /* the first PING has none before it */
    check(&f, 2, 0, 1,
          "PING (conn 3, at 3ms) came with no PING before it on conn 3; 1 of 1 commands failed");
    stop(&f);

    f = start("expect order GET a before SET a across\n");
    feed(&f, 1, 5, 1, "SET a 1");
    feed(&f, 2, 6, 1, "GET a");
    check(&f, 0, 0, 1,
          "SET a 1 (conn 1, at 5ms) came with no GET a before it on any connection; 1 of 1 "
          "commands failed");
    stop(&f);
}

static void test_no_after(void **state)
{
    (void)state;
    struct fx f = start("expect no command after QUIT\n"
                        "expect no GET * after DEL k across\n"
                        "expect no command after FLUSHALL\n");
    feed(&f, 1, 0, 1, "GET k");
    feed(&f, 1, 1, 1, "QUIT");
    feed(&f, 2, 2, 1, "DEL k");
    feed(&f, 2, 3, 1, "SET k 1"); /* not a GET: allowed */
    check(&f, 0, 1, 0, "nothing came after QUIT");
    check(&f, 1, 1, 0, "nothing came after DEL k");
    feed(&f, 1, 7, 1, "PING");  /* after QUIT on conn 1 */
    feed(&f, 3, 8, 1, "GET k"); /* after DEL k, on another connection: across */
    check(&f, 0, 0, 1,
          "PING (conn 1, at 7ms) came after QUIT (conn 1, at 1ms); 1 command(s) "
          "after it");
    check(&f, 1, 0, 1,
          "GET k (conn 3, at 8ms) came after DEL k (conn 2, at 2ms); 1 command(s) after it");
    check(&f, 2, 1, 0, "nothing came after FLUSHALL");
    stop(&f);
}

/* The record keeps SCN_HIST_MAX entries, SCN_HIST_ARGBYTES bytes of
 * arguments each; ids tell what was dropped. */
static void test_record_bounds(void **state)
{
    (void)state;
    struct fx f = start("expect gap PING >= 1ms\n");
    struct scn_hist_entry x;
    feed(&f, 1, 0, 1, "PING");
    scn_hist_reply(f.h, scn_hist_last_id(f.h), scn_hist_reply_type("+PONG\r\n", 7));
    assert_int_equal(scn_hist_len(f.h), 1);
    scn_hist_at(f.h, 0, &x);
    assert_int_equal(x.id, 1);
    assert_int_equal(x.conn, 1);
    assert_int_equal(x.argc, 1);
    assert_int_equal(x.truncated, 0);
    assert_string_equal(x.reply, "simple");

    /* A long value is cut at the budget; what is after it is dropped. */
    char line[1024];
    memset(line, 0, sizeof(line));
    strcpy(line, "SET k ");
    memset(line + 6, 'v', 600);
    strcat(line, " EX 10");
    feed(&f, 2, 1, 1, line);
    scn_hist_at(f.h, 1, &x);
    assert_int_equal(x.argc, 5);
    assert_int_equal(x.args->argc, 3);
    assert_int_equal(x.args->argl[2], SCN_HIST_ARGBYTES - 4); /* "SET" and "k" came first */
    assert_int_equal(x.truncated, 1);
    assert_string_equal(x.reply, "unknown"); /* until told */

    for (int i = 0; i < SCN_HIST_MAX + 10; i++)
        feed(&f, 3, 2 + i, 1, "PING");
    assert_int_equal(scn_hist_len(f.h), SCN_HIST_MAX);
    scn_hist_at(f.h, 0, &x);
    assert_int_equal(x.id, 13); /* 2 + SCN_HIST_MAX + 10 recorded, the first 12 dropped */
    scn_hist_at(f.h, SCN_HIST_MAX - 1, &x);
    assert_int_equal(x.id, SCN_HIST_MAX + 12);
    /* The expectation saw every command, dropped or not. */
    check(&f, 0, 1, 0, "4106 gap(s), 1ms..2ms"); /* 1 + 4106 PINGs */
    stop(&f);
}

static void test_reply_types(void **state)
{
    (void)state;
    static const struct {
        const char *bytes, *type;
    } cases[] = {
        {"", "none"},           {"+OK\r\n", "simple"},   {"-ERR x\r\n", "error"},
        {":1\r\n", "integer"},  {"$1\r\na\r\n", "bulk"}, {"$-1\r\n", "nil"},
        {"*-1\r\n", "nil"},     {"*0\r\n", "array"},     {"_\r\n", "null"},
        {",1.5\r\n", "double"}, {"#t\r\n", "boolean"},   {"%0\r\n", "map"},
        {"~0\r\n", "set"},      {"!garbage\r\n", "raw"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(scn_hist_reply_type(cases[i].bytes, strlen(cases[i].bytes)),
                            cases[i].type);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gap),         cmocka_unit_test(test_gap_real_margin),
        cmocka_unit_test(test_backoff),     cmocka_unit_test(test_order),
        cmocka_unit_test(test_no_after),    cmocka_unit_test(test_record_bounds),
        cmocka_unit_test(test_reply_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
