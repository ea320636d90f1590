/* test_scn.c - unit tests of the scenario parser (scn_parse.c).
 *
 * Valid input: every directive parses into the expected tree, and reply
 * values encode to the exact RESP2/RESP3 bytes. Invalid input: each error
 * is reported once, as file:line:col: message, at the right column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem.h"
#include "mr_err.h"
#include "scn.h"

/* Every mem_realloc made by the code under test goes through here (the
 * test links with -Wl,--wrap=mem_realloc), so a test can count them. */
void *__real_mem_realloc(void *p, size_t n);
void *__wrap_mem_realloc(void *p, size_t n);
static long reallocs;
void *__wrap_mem_realloc(void *p, size_t n)
{
    reallocs++;
    return __real_mem_realloc(p, n);
}

static struct scn *parse_ok(const char *text)
{
    struct buf diag = BUF_INIT;
    struct scn *s = NULL;
    int rc = scn_parse(text, strlen(text), "t.scn", &s, &diag);
    if (rc != 0)
        fail_msg("unexpected errors:\n%s", diag.p);
    assert_non_null(s);
    assert_int_equal(diag.len, 0);
    buf_free(&diag);
    return s;
}

/* Parses text expecting failure; returns the diagnostics (caller frees). */
static char *parse_bad(const char *text)
{
    struct buf diag = BUF_INIT;
    struct scn *s = (struct scn *)1;
    int rc = scn_parse(text, strlen(text), "t.scn", &s, &diag);
    assert_int_equal(rc, MR_EPARSE);
    assert_null(s);
    assert_non_null(diag.p);
    return diag.p;
}

static void assert_arg(const struct resp_argv *a, int i, const char *want)
{
    assert_true(i < a->argc);
    assert_int_equal(a->argl[i], strlen(want));
    assert_memory_equal(a->argv[i], want, strlen(want));
}

static void encodes(const struct scn_val *v, int proto, const char *want, size_t wantlen)
{
    struct buf b = BUF_INIT;
    scn_val_write(v, &b, proto);
    assert_int_equal(b.len, wantlen);
    assert_memory_equal(b.p, want, wantlen);
    buf_free(&b);
}
#define ENCODES(v, proto, lit) encodes((v), (proto), (lit), sizeof(lit) - 1)

/* "finish ... within DURATION": a deadline next to any end. */
static void test_finish_within(void **state)
{
    (void)state;
    struct scn *s = parse_ok("finish idle within 30s\n");
    assert_int_equal(s->end, SE_IDLE);
    assert_int_equal(s->idle_grace_us, SCN_IDLE_GRACE_US);
    assert_int_equal(s->deadline_us, 30000000);
    scn_free(s);
    s = parse_ok("finish idle 250ms within 2s\n");
    assert_int_equal(s->idle_grace_us, 250000);
    assert_int_equal(s->deadline_us, 2000000);
    scn_free(s);
    s = parse_ok("finish control WITHIN 1m\n");
    assert_int_equal(s->end, SE_CONTROL);
    assert_int_equal(s->deadline_us, 60000000);
    scn_free(s);
    s = parse_ok("finish after 1s within 2s\n");
    assert_int_equal(s->deadline_us, 2000000);
    scn_free(s);
    s = parse_ok("finish idle\n");
    assert_int_equal(s->deadline_us, 0); /* none */
    scn_free(s);

    char *d = parse_bad("finish idle within\n");
    assert_non_null(strstr(d, "t.scn:1:"));
    assert_non_null(strstr(d, "expected a duration"));
    free(d);
    d = parse_bad("finish control within soon\n");
    assert_non_null(strstr(d, "expected a duration such as 50ms, got 'soon'"));
    free(d);
    d = parse_bad("finish after 5s within 2s\n");
    assert_non_null(strstr(d, "the 'within' deadline never comes"));
    free(d);
    d = parse_bad("finish idle within 1s 2s\n");
    free(d);
}

static void test_header(void **state)
{
    (void)state;
    struct scn *s = parse_ok("# comment\n"
                             "name \"a key vanishes\"  # trailing comment\n"
                             "clock virtual\nseed 7\nmaxclients 3\ntimeout 9\n"
                             "requirepass 'se cret'\nfinish after 2s\n");
    assert_string_equal(s->name, "a key vanishes");
    assert_int_equal(s->clock_virtual, 1);
    assert_int_equal(s->seed, 7);
    assert_int_equal(s->maxclients, 3);
    assert_int_equal(s->timeout, 9);
    assert_string_equal(s->requirepass, "se cret");
    assert_int_equal(s->end, SE_AFTER);
    assert_int_equal(s->end_after_us, 2000000);
    scn_free(s);

    s = parse_ok("finish control\n");
    assert_int_equal(s->end, SE_CONTROL);
    assert_int_equal(s->seed, 1);     /* default */
    assert_int_equal(s->timeout, -1); /* not set */
    assert_null(s->name);
    assert_int_equal(s->idle_grace_us, SCN_IDLE_GRACE_US); /* default */
    assert_int_equal(s->clock_start_ms, -1);               /* default: when the scenario starts */
    scn_free(s);

    s = parse_ok("clock virtual 1700000000000\n");
    assert_int_equal(s->clock_virtual, 1);
    assert_int_equal(s->clock_start_ms, 1700000000000LL);
    scn_free(s);
    s = parse_ok("clock virtual\n");
    assert_int_equal(s->clock_start_ms, -1);
    scn_free(s);

    s = parse_ok("finish idle\n");
    assert_int_equal(s->end, SE_IDLE);
    assert_int_equal(s->idle_grace_us, SCN_IDLE_GRACE_US);
    scn_free(s);
    s = parse_ok("finish idle 1.5s  # a client that pauses\n");
    assert_int_equal(s->end, SE_IDLE);
    assert_int_equal(s->idle_grace_us, 1500000);
    scn_free(s);
}

static void test_setup(void **state)
{
    (void)state;
    struct scn *s = parse_ok("setup\n  SET user:1 \"a\\x00b c\"\n\n  RPUSH jobs a b\nend\n");
    assert_int_equal(s->nsetup, 2);
    assert_int_equal(s->setup_line[0], 2);
    assert_int_equal(s->setup_line[1], 4);
    assert_int_equal(s->setup[0]->argc, 3);
    assert_arg(s->setup[0], 1, "user:1");
    assert_int_equal(s->setup[0]->argl[2], 5);
    assert_memory_equal(s->setup[0]->argv[2], "a\0b c", 5);
    assert_int_equal(s->setup[1]->argc, 4);
    scn_free(s);
}

static void test_rules(void **state)
{
    (void)state;
    struct scn *s = parse_ok(
        "on GET user:[0-9]* nth 2 do reply (nil)\n"
        "on * conn 2 after 3 commands after 1.5s do delay 10ms..40ms then pieces 3 pause 5ms\n"
        "on INCR * from 4 times 2 every 3 do reply (error) WRONGTYPE Operation  against # not a "
        "comment? yes\n"
        "on SET do split inside-length then close after\n"
        "on DEL do evict k then retype j hash then advance 2m then close middle\n"
        "clock virtual\n"
        "on connect nth 3 do refuse\n"
        "on connect after 1s do delay 50ms\n"
        "on PING do corrupt resp3\n");
    assert_int_equal(s->nrules, 8);

    struct scn_rule *r = &s->rules[0];
    assert_int_equal(r->line, 1);
    assert_int_equal(r->match->argc, 2);
    assert_arg(r->match, 0, "GET");
    assert_arg(r->match, 1, "user:[0-9]*");
    assert_int_equal(r->nconds, 1);
    assert_int_equal(r->conds[0].kind, SC_NTH);
    assert_int_equal(r->conds[0].n, 2);
    assert_int_equal(r->nacts, 1);
    assert_int_equal(r->acts[0].kind, SA_REPLY);
    assert_int_equal(r->acts[0].val->kind, SV_NIL);

    r = &s->rules[1];
    assert_int_equal(r->nconds, 3);
    assert_int_equal(r->conds[0].kind, SC_CONN);
    assert_int_equal(r->conds[1].kind, SC_AFTER_COMMANDS);
    assert_int_equal(r->conds[1].n, 3);
    assert_int_equal(r->conds[2].kind, SC_AFTER_TIME);
    assert_int_equal(r->conds[2].us, 1500000);
    assert_int_equal(r->nacts, 2);
    assert_int_equal(r->acts[0].kind, SA_DELAY);
    assert_int_equal(r->acts[0].us_min, 10000);
    assert_int_equal(r->acts[0].us_max, 40000);
    assert_int_equal(r->acts[1].kind, SA_PIECES);
    assert_int_equal(r->acts[1].n, 3);
    assert_int_equal(r->acts[1].us_min, 5000);

    r = &s->rules[2];
    assert_int_equal(r->nconds, 3);
    assert_int_equal(r->acts[0].val->kind, SV_ERROR);
    /* The text runs to the comment, inner spacing kept. */
    assert_string_equal(r->acts[0].val->str, "WRONGTYPE Operation  against");

    r = &s->rules[3];
    assert_int_equal(r->match->argc, 1);
    assert_int_equal(r->acts[0].kind, SA_SPLIT);
    assert_int_equal(r->acts[0].split, SPLIT_INSIDE_LENGTH);
    assert_int_equal(r->acts[0].us_min, 10000); /* default pause */
    assert_int_equal(r->acts[1].kind, SA_CLOSE_AFTER);

    r = &s->rules[4];
    assert_int_equal(r->nacts, 4);
    assert_int_equal(r->acts[0].kind, SA_EVICT);
    assert_string_equal(r->acts[0].key, "k");
    assert_int_equal(r->acts[1].kind, SA_RETYPE);
    assert_int_equal(r->acts[1].type, SVT_HASH);
    assert_int_equal(r->acts[2].kind, SA_ADVANCE);
    assert_int_equal(r->acts[2].us_min, 120000000);
    assert_int_equal(r->acts[3].kind, SA_CLOSE_MIDDLE);

    assert_int_equal(s->rules[5].on_connect, 1);
    assert_null(s->rules[5].match);
    assert_int_equal(s->rules[5].acts[0].kind, SA_REFUSE);
    assert_int_equal(s->rules[6].conds[0].kind, SC_AFTER_TIME);
    assert_int_equal(s->rules[6].acts[0].kind, SA_DELAY);
    assert_int_equal(s->rules[7].acts[0].kind, SA_CORRUPT_RESP3);
    scn_free(s);
}

/* latency: fixed or a range, alone or with the other shaping actions;
 * command rules only. */
static void test_latency(void **state)
{
    (void)state;
    struct scn *s = parse_ok("on * do latency 2ms\n"
                             "on GET do latency 1ms..3ms then delay 5ms\n"
                             "on SET do delay 5ms then latency 250us then close after\n");
    assert_int_equal(s->nrules, 3);
    assert_int_equal(s->rules[0].nacts, 1);
    assert_int_equal(s->rules[0].acts[0].kind, SA_LATENCY);
    assert_int_equal(s->rules[0].acts[0].us_min, 2000);
    assert_int_equal(s->rules[0].acts[0].us_max, 2000);
    assert_int_equal(s->rules[1].acts[0].kind, SA_LATENCY);
    assert_int_equal(s->rules[1].acts[0].us_min, 1000);
    assert_int_equal(s->rules[1].acts[0].us_max, 3000);
    assert_int_equal(s->rules[1].acts[1].kind, SA_DELAY);
    assert_int_equal(s->rules[2].nacts, 3);
    assert_int_equal(s->rules[2].acts[1].kind, SA_LATENCY);
    assert_int_equal(s->rules[2].acts[1].us_min, 250);
    assert_int_equal(s->rules[2].acts[2].kind, SA_CLOSE_AFTER);
    scn_free(s);

    static const struct {
        const char *text, *diag;
    } bad[] = {
        {"on GET do latency\n", "t.scn:1:18: expected a duration such as 50ms or a range 10ms..40ms"
                                " (a number with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"on GET do latency far\n", "t.scn:1:19: expected a duration such as 50ms, got 'far' (a "
                                    "number with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"on GET do latency 1ms..1d\n",
         "t.scn:1:19: expected a range of durations such as 10ms..40ms, got '1ms..1d'"
         " (a number with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"on GET do latency 25h\n", "t.scn:1:19: expected a duration such as 50ms, got '25h'"
                                    " (a number with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"on GET do latency 9ms..2ms\n",
         "t.scn:1:19: the range '9ms..2ms' ends before it starts\n"},
        {"on connect do latency 2ms\n",
         "t.scn:1:15: action 'latency' is not allowed in a connection rule\n"},
        {"at 1s do latency 2ms\n",
         "t.scn:1:10: action 'latency' is not allowed in a timed event\n"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *diag = parse_bad(bad[i].text);
        if (strcmp(diag, bad[i].diag) != 0)
            fail_msg("case %zu (%s):\n got  %s want %s", i, bad[i].text, diag, bad[i].diag);
        free(diag);
    }
}

static void test_values(void **state)
{
    (void)state;
    struct scn *s = parse_ok("on A do reply OK\n"
                             "on B do reply \"a b\"\n"
                             "on C do reply (integer) -42\n"
                             "on D do reply (double) 1.5\n"
                             "on E do reply (true)\n"
                             "on F do reply [\"x\", (nil), [1, (integer) 2], []]\n"
                             "on G do reply (empty array)\n"
                             "on H do reply raw \"+OK\\r\\n:1\\r\\n\"\n"
                             "on I do reply (nil)\n");
    ENCODES(s->rules[0].acts[0].val, 2, "+OK\r\n");
    ENCODES(s->rules[1].acts[0].val, 2, "$3\r\na b\r\n");
    ENCODES(s->rules[2].acts[0].val, 2, ":-42\r\n");
    ENCODES(s->rules[3].acts[0].val, 2, "$3\r\n1.5\r\n");
    ENCODES(s->rules[3].acts[0].val, 3, ",1.5\r\n");
    ENCODES(s->rules[4].acts[0].val, 2, ":1\r\n");
    ENCODES(s->rules[4].acts[0].val, 3, "#t\r\n");
    ENCODES(s->rules[5].acts[0].val, 2, "*4\r\n$1\r\nx\r\n$-1\r\n*2\r\n+1\r\n:2\r\n*0\r\n");
    ENCODES(s->rules[5].acts[0].val, 3, "*4\r\n$1\r\nx\r\n_\r\n*2\r\n+1\r\n:2\r\n*0\r\n");
    ENCODES(s->rules[6].acts[0].val, 2, "*0\r\n");
    ENCODES(s->rules[7].acts[0].val, 2, "+OK\r\n:1\r\n");
    ENCODES(s->rules[8].acts[0].val, 3, "_\r\n");
    scn_free(s);
}

/* A long array (a recorded LRANGE reply, say) grows its slots by doubling:
 * a realloc per element made parsing quadratic, and 20,000 elements took
 * test_rec past its time limit under ASan. Counted, not timed. */
static void test_long_array_grows_geometrically(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct buf text = BUF_INIT;
    buf_puts(&text, "[");
    for (int i = 0; i < N; i++)
        buf_puts(&text, i ? ", 7" : "7");
    buf_puts(&text, "]");
    struct scn_val *v = NULL;
    long before = reallocs;
    assert_int_equal(scn_parse_value(text.p, text.len, "t", &v, NULL), 0);
    long made = reallocs - before;
    assert_non_null(v);
    assert_int_equal(v->nitems, N);
    assert_true(made < 100); /* log2(100,000) is 17 */
    scn_val_free(v);
    buf_free(&text);
}

static void test_numbered_array(void **state)
{
    (void)state;
    struct scn *s = parse_ok("on LRANGE jobs * do reply\n"
                             "    1) \"a\"\n"
                             "    2) 1) \"nested\"\n"
                             "       2) (integer) 3\n"
                             "    3) \"c\"\n"
                             "expect commands LRANGE >= 1\n");
    ENCODES(s->rules[0].acts[0].val, 2, "*3\r\n$1\r\na\r\n*2\r\n$6\r\nnested\r\n:3\r\n$1\r\nc\r\n");
    assert_int_equal(s->nexpects, 1);
    assert_int_equal(s->expects[0].line, 6);
    scn_free(s);
}

static void test_strict(void **state)
{
    (void)state;
    struct scn *s = parse_ok("strict conn 2\n"
                             "  > GET a\n"
                             "  < \"b\" delay 3ms\n"
                             "  > SET a \"c d\"\n"
                             "  < OK\n"
                             "end\n"
                             "strict\n  > PING\n  < PONG\nend\n");
    assert_int_equal(s->nstricts, 2);
    assert_int_equal(s->stricts[0].conn, 2);
    assert_int_equal(s->stricts[0].nsteps, 2);
    assert_int_equal(s->stricts[0].steps[0].line, 2);
    assert_arg(s->stricts[0].steps[0].cmd, 1, "a");
    assert_int_equal(s->stricts[0].steps[0].delay_us, 3000);
    assert_arg(s->stricts[0].steps[1].cmd, 2, "c d");
    ENCODES(s->stricts[0].steps[1].reply, 2, "+OK\r\n");
    assert_int_equal(s->stricts[1].conn, 1);
    scn_free(s);
}

static void test_events_and_expects(void **state)
{
    (void)state;
    struct scn *s = parse_ok("on GET do pass\n"
                             "at 5s do expire user:1 then run SET k \"v w\"\n"
                             "expect connections == 2\n"
                             "expect peak-connections <= 1\n"
                             "expect refused != 0\n"
                             "expect commands GET user:* > 2\n"
                             "expect commands >= 0\n"
                             "expect unconsumed == 0\n"
                             "expect protocol-errors < 1\n"
                             "expect rule 1 == 1\n");
    assert_int_equal(s->nevents, 1);
    assert_int_equal(s->events[0].at_us, 5000000);
    assert_int_equal(s->events[0].acts[0].kind, SA_EXPIRE);
    assert_int_equal(s->events[0].acts[1].kind, SA_RUN);
    assert_arg(s->events[0].acts[1].cmd, 2, "v w");
    assert_int_equal(s->nexpects, 8);
    assert_string_equal(s->expects[0].text, "expect connections == 2");
    assert_int_equal(s->expects[0].what, SW_CONNECTIONS);
    assert_int_equal(s->expects[0].op, SO_EQ);
    assert_int_equal(s->expects[0].value, 2);
    assert_int_equal(s->expects[1].what, SW_PEAK);
    assert_int_equal(s->expects[1].op, SO_LE);
    assert_int_equal(s->expects[2].op, SO_NE);
    assert_int_equal(s->expects[3].what, SW_COMMANDS);
    assert_int_equal(s->expects[3].match->argc, 2);
    assert_int_equal(s->expects[3].op, SO_GT);
    assert_null(s->expects[4].match);
    assert_int_equal(s->expects[5].what, SW_UNCONSUMED);
    assert_int_equal(s->expects[6].what, SW_PROTOCOL_ERRORS);
    assert_int_equal(s->expects[6].op, SO_LT);
    assert_int_equal(s->expects[7].what, SW_RULE);
    assert_int_equal(s->expects[7].rule, 1);
    scn_free(s);
}

/* Rules on the commands scripts call, and the expectations that count
 * scripts (docs/scenarios.md, "Rules in transactions, blocked commands
 * and scripts"). */
static void test_script_conditions(void **state)
{
    (void)state;
    struct scn *s = parse_ok("on GET lock:* from script do reply (nil)\n"
                             "on GET * not from script nth 2 do pass\n"
                             "on INCR from 3 do pass\n"
                             "on SET \"from\" script do pass\n"
                             "expect scripts >= 1\n"
                             "expect scripts == 1 on conn 2\n"
                             "expect script-calls GET lock:* == 2\n"
                             "expect script-calls < 5 on conn 1\n");
    assert_int_equal(s->nrules, 4);
    assert_int_equal(s->rules[0].match->argc, 2);
    assert_int_equal(s->rules[0].nconds, 1);
    assert_int_equal(s->rules[0].conds[0].kind, SC_SCRIPT);
    assert_int_equal(s->rules[0].conds[0].n, 1);
    assert_int_equal(s->rules[0].conds[0].col, 15);
    assert_int_equal(s->rules[1].nconds, 2);
    assert_int_equal(s->rules[1].conds[0].kind, SC_SCRIPT);
    assert_int_equal(s->rules[1].conds[0].n, 0);
    assert_int_equal(s->rules[1].conds[1].kind, SC_NTH);
    /* "from N" is still the count condition */
    assert_int_equal(s->rules[2].conds[0].kind, SC_FROM);
    assert_int_equal(s->rules[2].conds[0].n, 3);
    /* a quoted "from" is an argument of the pattern */
    assert_int_equal(s->rules[3].match->argc, 3);
    assert_int_equal(s->rules[3].nconds, 0);
    assert_int_equal(s->nexpects, 4);
    assert_int_equal(s->expects[0].what, SW_SCRIPTS);
    assert_int_equal(s->expects[0].op, SO_GE);
    assert_int_equal(s->expects[1].conn, 2);
    assert_int_equal(s->expects[2].what, SW_SCRIPT_CALLS);
    assert_int_equal(s->expects[2].match->argc, 2);
    assert_int_equal(s->expects[2].value, 2);
    assert_int_equal(s->expects[3].what, SW_SCRIPT_CALLS);
    assert_null(s->expects[3].match);
    assert_int_equal(s->expects[3].conn, 1);
    scn_free(s);

    static const struct {
        const char *text, *diag;
    } bad[] = {
        {"on GET from scirpt do pass\n", "t.scn:1:13: expected a number from 1 up or 'script' "
                                         "after 'from', got 'scirpt' (did you mean 'script'?)\n"},
        {"on GET not from scripts do pass\n",
         "t.scn:1:17: expected 'script' after 'from', got 'scripts' (did you mean 'script'?)\n"},
        {"on GET not form script do pass\n",
         "t.scn:1:12: expected 'from script' after 'not', got 'form' (did you mean 'from'?)\n"},
        {"on GET not\n", "t.scn:1:11: expected 'from script' after 'not'\n"},
        {"on connect from script do close\n",
         "t.scn:1:12: 'from script' does not apply to a connection rule\n"},
        {"on connect not from script do close\n",
         "t.scn:1:12: 'not from script' does not apply to a connection rule\n"},
        {"expect script-cals == 1\n",
         "t.scn:1:8: unknown count 'script-cals' (did you mean 'script-calls'?) (connections, "
         "peak-connections, refused, commands, unconsumed, protocol-errors, rule N, scripts, "
         "script-calls, evictions, redirects, node N commands; or gap, backoff, order, no)\n"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *diag = parse_bad(bad[i].text);
        assert_string_equal(diag, bad[i].diag);
        free(diag);
    }
}

static void test_durations(void **state)
{
    (void)state;
    int64_t us;
    assert_int_equal(scn_parse_duration("50ms", 4, &us), 0);
    assert_int_equal(us, 50000);
    assert_int_equal(scn_parse_duration("1.5s", 4, &us), 0);
    assert_int_equal(us, 1500000);
    assert_int_equal(scn_parse_duration("250us", 5, &us), 0);
    assert_int_equal(us, 250);
    assert_int_equal(scn_parse_duration("2m", 2, &us), 0);
    assert_int_equal(us, 120000000);
    assert_int_equal(scn_parse_duration("0ms", 3, &us), 0);
    assert_int_equal(us, 0);
    assert_int_equal(scn_parse_duration("50", 2, &us), -1);
    assert_int_equal(scn_parse_duration("ms", 2, &us), -1);
    assert_int_equal(scn_parse_duration("5h", 2, &us), 0);
    assert_int_equal(us, 5 * 3600 * 1000000LL);
    assert_int_equal(scn_parse_duration("24h", 3, &us), 0);
    assert_int_equal(us, 86400 * 1000000LL);
    assert_int_equal(scn_parse_duration("24.5h", 5, &us), -1); /* over a day */
    assert_int_equal(scn_parse_duration("5d", 2, &us), -1);
    struct scn *s = parse_ok("finish idle within 1h\n"); /* hours in a file */
    assert_int_equal(s->deadline_us, 3600 * 1000000LL);
    scn_free(s);
    assert_int_equal(scn_parse_duration(".5s", 3, &us), -1);
    assert_int_equal(scn_parse_duration("5.s", 3, &us), -1);
    assert_int_equal(scn_parse_duration("-5ms", 4, &us), -1);
    assert_int_equal(scn_parse_duration("2000000s", 8, &us), -1); /* over a day */
}

/* Each case: one bad line (or block) and the exact diagnostic. */
static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *diag;
    } cases[] = {
        {"clock sometimes\n", "t.scn:1:7: expected 'virtual' or 'real' after 'clock'\n"},
        {"bogus 1\n",
         "t.scn:1:1: unknown directive 'bogus' (expected name, clock, seed, maxclients, "
         "timeout, requirepass, finish, maxmemory, cluster, setup, strict, on, at, expect)\n"},
        {"seed x\n", "t.scn:1:6: expected a seed (a number), got 'x'\n"},
        {"maxclients 0\n", "t.scn:1:12: expected a number of clients from 1 up, got '0'\n"},
        {"finish later\n",
         "t.scn:1:8: expected idle [DURATION], after DURATION or control after 'finish'\n"},
        {"finish idle soon\n", "t.scn:1:13: expected a duration such as 50ms, got 'soon' (a number "
                               "with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"clock virtual soon\n",
         "t.scn:1:15: expected a start time in Unix milliseconds, got 'soon'\n"},
        {"clock virtual 253402300800000\n",
         "t.scn:1:15: a start time after the year 9999: 253402300800000\n"},
        {"name\n", "t.scn:1:1: expected a name after 'name'\n"},
        {"\n  on GET do reply\n",
         "t.scn:2:13: 'reply' needs a value on its line, or numbered lines '1) ...' below it\n"},
        {"on GET x do delay fast\n", "t.scn:1:19: expected a duration such as 50ms, got 'fast' (a "
                                     "number with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"on GET do delay 40ms..10ms\n",
         "t.scn:1:17: the range '40ms..10ms' ends before it starts\n"},
        {"on connect do reply OK\n",
         "t.scn:1:15: action 'reply' is not allowed in a connection rule\n"},
        {"at 1s do reply OK\n", "t.scn:1:10: action 'reply' is not allowed in a timed event\n"},
        {"on GET do reply \"abc\n", "t.scn:1:17: unterminated quoted string\n"},
        {"on GET do reply \"a\"b\n", "t.scn:1:20: closing quote must be followed by a space\n"},
        {"on GET do explode\n", "t.scn:1:11: unknown action 'explode'\n"},
        {"on GET do reply OK then reply OK\n",
         "t.scn:1:25: a rule can replace the reply only once (reply, close before, reset, hang, "
         "corrupt, refuse, silent)\n"},
        {"on GET do reply OK also\n",
         "t.scn:1:20: expected 'then' or the end of the line, got 'also'\n"},
        {"on GET\n", "t.scn:1:7: expected 'do' and an action\n"},
        {"on do pass\n", "t.scn:1:4: expected a command pattern or 'connect' after 'on'\n"},
        {"on GET nth 0 do pass\n", "t.scn:1:12: expected a number from 1 up, got '0'\n"},
        {"on connect conn 2 do refuse\n",
         "t.scn:1:12: 'conn' does not apply to a connection rule (use nth)\n"},
        {"on GET after 3 cmds do pass\n",
         "t.scn:1:8: expected 'after N commands' or 'after DURATION'\n"},
        {"on GET do close soon\n", "t.scn:1:17: expected before, after or middle after 'close'\n"},
        {"on GET do corrupt all\n",
         "t.scn:1:19: expected garbage, length or resp3 after 'corrupt'\n"},
        {"on GET do retype k tree\n",
         "t.scn:1:20: expected a type (string, list, hash, set, zset, stream) after the key\n"},
        {"on GET do split middle\n",
         "t.scn:1:17: expected inside-length, inside-payload or a byte offset after 'split'\n"},
        {"on GET do reply (integer) x\n",
         "t.scn:1:27: expected an integer after (integer), got 'x'\n"},
        {"on GET do reply (error)\n",
         "t.scn:1:17: expected the error text after (error), e.g. (error) ERR something\n"},
        {"on GET do reply (map) 1\n",
         "t.scn:1:17: unknown reply type '(map)' (known: (nil) (integer) (double) (true) (false) "
         "(error) (empty array))\n"},
        {"on GET do reply [1, 2\n", "t.scn:1:17: unterminated array: missing ']'\n"},
        {"on GET do reply [1 2]\n", "t.scn:1:20: expected ',' or ']' in the array, got '2'\n"},
        {"on GET do reply\n  1) \"a\"\n  3) \"b\"\n", "t.scn:3:3: expected element 2), got '3)'\n"},
        {"on GET do reply\n  1) \"a\"\n     2) \"b\"\n",
         "t.scn:3:6: element '2)' is not aligned with the elements above it\n"},
        {"expect bogus == 1\n",
         "t.scn:1:8: unknown count 'bogus' (connections, peak-connections, refused, commands, "
         "unconsumed, protocol-errors, rule N, scripts, script-calls, evictions, redirects, "
         "node N commands; or gap, backoff, order, no)\n"},
        {"expect connections = 1\n", "t.scn:1:20: expected a comparison (== != < <= > >=)\n"},
        {"expect rule 2 == 1\n",
         "t.scn:1:13: there is no rule 2 above this line (rules so far: 0)\n"},
        {"expect connections == 1 or so\n", "t.scn:1:25: unexpected 'or' at the end of the line\n"},
        {"setup\n  SET a b\n", "t.scn:1:1: 'setup' block has no 'end'\n"},
        {"end\n", "t.scn:1:1: 'end' without a block (setup or strict) to close\n"},
        {"strict\n  < OK\nend\n", "t.scn:2:3: a reply '<' must follow a command '>'\n"},
        /* at the '>' of the step, not column 1 (nor the block's end) */
        {"strict\n  > GET a\nend\n", "t.scn:2:3: command '>' has no reply '<' after it\n"},
        {"strict\n  > GET a\n  < \"x\"\n\t> GET b\nend\n",
         "t.scn:4:2: command '>' has no reply '<' after it\n"},
        /* one error for a broken line, not a second one about its consequence */
        {"name \"abc\n", "t.scn:1:6: unterminated quoted string\n"},
        {"requirepass 'abc\n", "t.scn:1:13: unterminated quoted string\n"},
        {"strict\n  > GET a\n  < \"x\nend\n", "t.scn:3:5: unterminated quoted string\n"},
        {"strict\n  GET a\nend\n",
         "t.scn:2:3: expected '> COMMAND' or '< REPLY' in a strict block, got 'GET'\n"},
        {"at soon do evict k\n", "t.scn:1:4: expected a duration such as 50ms, got 'soon' (a "
                                 "number with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"\"quoted\"\n", "t.scn:1:1: expected a directive, got a quoted string\n"},
        {"on GET do advance 1s\n",
         "t.scn:1:11: 'advance' needs 'clock virtual' (the real clock cannot be moved)\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *diag = parse_bad(cases[i].text);
        if (strcmp(diag, cases[i].diag) != 0)
            fail_msg("case %zu (%s):\n got  %s want %s", i, cases[i].text, diag, cases[i].diag);
        free(diag);
    }
}

/* The expectations over time and order (docs/scenarios.md, "Time and order"). */
static void test_time_expects(void **state)
{
    (void)state;
    struct scn *s = parse_ok("expect gap SET lock:* >= 100ms\n"
                             "expect gap GET * 100ms..2s on conn 2   # a range\n"
                             "expect backoff GET report factor 1.5..3\n"
                             "expect backoff GET report factor 2 on conn 1\n"
                             "expect order GET lock:* before SET lock:*\n"
                             "expect order GET \"before\" before SET x across\n"
                             "expect no command after QUIT\n"
                             "expect no GET * after DEL k across\n"
                             "expect commands GET == 3 on conn 2\n"
                             "expect commands == 1 on conn 1\n");
    assert_int_equal(s->nexpects, 10);
    const struct scn_expect *e = s->expects;
    assert_int_equal(e[0].what, SW_GAP);
    assert_int_equal(e[0].match->argc, 2);
    assert_arg(e[0].match, 1, "lock:*");
    assert_int_equal(e[0].op, SO_GE);
    assert_int_equal(e[0].range, 0);
    assert_int_equal(e[0].us_lo, 100000);
    assert_int_equal(e[0].conn, 0);
    assert_int_equal(e[1].range, 1);
    assert_int_equal(e[1].us_lo, 100000);
    assert_int_equal(e[1].us_hi, 2000000);
    assert_int_equal(e[1].conn, 2);
    assert_string_equal(e[1].text, "expect gap GET * 100ms..2s on conn 2");
    assert_int_equal(e[2].what, SW_BACKOFF);
    assert_true(e[2].f_lo == 1.5 && e[2].f_hi == 3.0);
    assert_true(e[3].f_lo == 2.0 && e[3].f_hi == 2.0);
    assert_int_equal(e[3].conn, 1);
    assert_int_equal(e[4].what, SW_ORDER);
    assert_arg(e[4].match, 0, "GET");
    assert_arg(e[4].match2, 0, "SET");
    assert_int_equal(e[4].across, 0);
    assert_arg(e[5].match, 1, "before"); /* quoted: an argument, not the keyword */
    assert_int_equal(e[5].across, 1);
    assert_int_equal(e[6].what, SW_NO_AFTER);
    assert_null(e[6].match); /* "command": any */
    assert_arg(e[6].match2, 0, "QUIT");
    assert_arg(e[7].match, 1, "*");
    assert_arg(e[7].match2, 1, "k");
    assert_int_equal(e[7].across, 1);
    assert_int_equal(e[8].what, SW_COMMANDS);
    assert_int_equal(e[8].conn, 2);
    assert_int_equal(e[8].value, 3);
    assert_null(e[9].match);
    assert_int_equal(e[9].conn, 1);
    scn_free(s);
}

/* "maxmemory [+]SIZE [POLICY]" and "expect evictions". */
static void test_maxmemory(void **state)
{
    (void)state;
    struct scn *s = parse_ok("maxmemory 2mb allkeys-lru\nexpect evictions >= 3\n");
    assert_int_equal(s->maxmemory, 2 * 1024 * 1024);
    assert_int_equal(s->maxmemory_relative, 0);
    assert_string_equal(s->maxmemory_policy, "allkeys-lru");
    assert_int_equal(s->nexpects, 1);
    assert_int_equal(s->expects[0].what, SW_EVICTIONS);
    assert_int_equal(s->expects[0].op, SO_GE);
    assert_int_equal(s->expects[0].value, 3);
    scn_free(s);
    s = parse_ok("maxmemory +100\n");
    assert_int_equal(s->maxmemory, 100);
    assert_int_equal(s->maxmemory_relative, 1);
    assert_null(s->maxmemory_policy); /* noeviction */
    scn_free(s);
    s = parse_ok("maxmemory 1K Volatile-TTL\n");
    assert_int_equal(s->maxmemory, 1000);
    assert_string_equal(s->maxmemory_policy, "volatile-ttl");
    scn_free(s);
    s = parse_ok("name x\n");
    assert_int_equal(s->maxmemory, 0); /* not set */
    scn_free(s);

    char *d = parse_bad("maxmemory\n");
    assert_non_null(strstr(d, "expected a size such as 100kb after 'maxmemory'"));
    free(d);
    d = parse_bad("maxmemory 0 allkeys-lru\n");
    assert_non_null(strstr(d, "t.scn:1:11: expected a size"));
    free(d);
    d = parse_bad("maxmemory 10zb\n");
    assert_non_null(strstr(d, "got '10zb'"));
    free(d);
    d = parse_bad("maxmemory 1mb lru\n");
    assert_non_null(strstr(d, "unknown maxmemory policy 'lru'"));
    free(d);
    d = parse_bad("maxmemory 1mb\nmaxmemory 2mb\n");
    assert_non_null(strstr(d, "t.scn:2:"));
    free(d);
}

/* Cluster scenarios: the header, "node N", cluster actions, their
 * expectations, and the errors of each with file:line:col. */
static void test_cluster(void **state)
{
    (void)state;
    struct scn *s =
        parse_ok("cluster 3 replicas 1\n"
                 "on GET k node 4 do reply x\n"
                 "on GET k do cluster migrate 5-9 to 2 then cluster failover 3\n"
                 "at 1s do cluster migrate start 100 to 1 then cluster migrate keys 100 "
                 "2 then cluster migrate end 100\n"
                 "at 2s do cluster down 0 then cluster up 0\n"
                 "expect redirects >= 1\n"
                 "expect redirects ask == 2\n"
                 "expect node 1 commands GET k* == 3\n"
                 "expect node 0 commands < 9\n");
    assert_int_equal(s->cluster, 3);
    assert_int_equal(s->cluster_replicas, 1);
    assert_int_equal(s->cluster_line, 1);
    assert_int_equal(s->rules[0].nconds, 1);
    assert_int_equal(s->rules[0].conds[0].kind, SC_NODE);
    assert_int_equal(s->rules[0].conds[0].n, 4);
    assert_int_equal(s->rules[1].nacts, 2);
    assert_int_equal(s->rules[1].acts[0].kind, SA_CL_MIGRATE);
    assert_int_equal(s->rules[1].acts[0].slot_lo, 5);
    assert_int_equal(s->rules[1].acts[0].slot_hi, 9);
    assert_int_equal(s->rules[1].acts[0].node, 2);
    assert_int_equal(s->rules[1].acts[1].kind, SA_CL_FAILOVER);
    assert_int_equal(s->rules[1].acts[1].node, 3);
    assert_int_equal(s->events[0].nacts, 3);
    assert_int_equal(s->events[0].acts[0].kind, SA_CL_MIGRATE_START);
    assert_int_equal(s->events[0].acts[0].slot_lo, 100);
    assert_int_equal(s->events[0].acts[0].node, 1);
    assert_int_equal(s->events[0].acts[1].kind, SA_CL_MIGRATE_KEYS);
    assert_int_equal(s->events[0].acts[1].n, 2);
    assert_int_equal(s->events[0].acts[2].kind, SA_CL_MIGRATE_END);
    assert_int_equal(s->events[1].acts[0].kind, SA_CL_DOWN);
    assert_int_equal(s->events[1].acts[1].kind, SA_CL_UP);
    assert_int_equal(s->expects[0].what, SW_REDIRECTS);
    assert_int_equal(s->expects[0].redirect, SR_ALL);
    assert_int_equal(s->expects[1].redirect, SR_ASK);
    assert_int_equal(s->expects[2].what, SW_NODE_COMMANDS);
    assert_int_equal(s->expects[2].node, 1);
    assert_arg(s->expects[2].match, 1, "k*");
    assert_int_equal(s->expects[3].node, 0);
    assert_null(s->expects[3].match);
    scn_free(s);
    s = parse_ok("name x\n");
    assert_int_equal(s->cluster, 0); /* one server */
    scn_free(s);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"cluster\n", "t.scn:1:8: expected a number of primaries from 1 up after 'cluster'"},
        {"cluster 0\n", "t.scn:1:9: expected a number of primaries"},
        {"cluster 3 replica 1\n", "t.scn:1:11: expected 'replicas R' or the end of the line"},
        {"cluster 40 replicas 1\n", "t.scn:1:1: cluster 40 replicas 1 makes 80 nodes; at most 64"},
        {"cluster 3\ncluster 3\n", "t.scn:2:1: 'cluster' is already given on line 1"},
        {"on GET k node 1 do pass\n",
         "t.scn:1:10: 'node N' needs a 'cluster N' header (this scenario plays on one server)"},
        {"cluster 2\non GET k node 2 do pass\n",
         "t.scn:2:10: there is no node 2: 'cluster 2' (line 1) makes nodes 0 to 1"},
        {"at 1s do cluster down 0\n", "t.scn:1:23: 'cluster down|up' needs a 'cluster N' header"},
        {"cluster 2 replicas 1\nat 1s do cluster migrate 1 to 3\n",
         "t.scn:2:31: node 3 is a replica: 'cluster migrate ... to' needs a primary (nodes 0 to "
         "1)"},
        {"cluster 2 replicas 1\nat 1s do cluster failover 1\n",
         "t.scn:2:27: node 1 is a primary: 'cluster failover' needs a replica (nodes 2 to 3"},
        {"cluster 2\nat 1s do cluster failover 1\n",
         "t.scn:2:27: 'cluster failover' needs a replica, and 'cluster 2' (line 1) has none"},
        {"cluster 2\nat 1s do cluster migrate 16384 to 1\n",
         "t.scn:2:26: expected a slot (0 to 16383) or a range such as 0-99, got '16384'"},
        {"cluster 2\nat 1s do cluster migrate 9-3 to 1\n",
         "t.scn:2:26: the slot range '9-3' ends before it starts"},
        {"cluster 2\nat 1s do cluster migrate start 1-2 to 1\n",
         "t.scn:2:32: expected a slot (0 to 16383), got '1-2'"},
        {"cluster 2\nat 1s do cluster migrate 1 1\n",
         "t.scn:2:28: expected 'to NODE' after the slot"},
        {"cluster 2\nat 1s do cluster migrate keys 1 0\n",
         "t.scn:2:33: expected a number of keys from 1 up after the slot, got '0'"},
        {"cluster 2\nat 1s do cluster failovr 1\n",
         "t.scn:2:18: unknown cluster action 'failovr' (did you mean 'failover'?)"},
        {"cluster 2\non connect do cluster up 1\n",
         "t.scn:2:15: action 'cluster' is not allowed in a connection rule"},
        {"cluster 2\nexpect redirects moves == 1\n",
         "t.scn:2:18: unknown redirection 'moves' (did you mean 'moved'?)"},
        {"expect redirects == 1\n", "t.scn:1:8: 'expect redirects' needs a 'cluster N' header"},
        {"cluster 2\nexpect node 1 command == 1\n",
         "t.scn:2:15: expected 'commands' after the node"},
        {"cluster 2\nexpect node 7 commands == 1\n", "t.scn:2:13: there is no node 7"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *d = parse_bad(bad[i].text);
        if (strstr(d, bad[i].want) == NULL)
            fail_msg("%s: got\n%swant %s", bad[i].text, d, bad[i].want);
        free(d);
    }
}

static void test_time_expect_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *diag;
    } cases[] = {
        {"expect gap >= 100ms\n",
         "t.scn:1:12: expected a command pattern such as GET user:* after 'gap'\n"},
        {"expect gap GET\n",
         "t.scn:1:15: expected a comparison and a duration (>= 100ms) or a range (100ms..2s) "
         "after the pattern\n"},
        {"expect gap GET >= soon\n", "t.scn:1:19: expected a duration such as 50ms, got 'soon' (a "
                                     "number with a unit: us, ms, s, m or h; at most 24h)\n"},
        {"expect gap GET 2s..1s\n", "t.scn:1:16: the range '2s..1s' ends before it starts\n"},
        {"expect gap GET >= 1s on 2\n",
         "t.scn:1:25: expected 'conn N' after 'on', e.g. on conn 2\n"},
        {"expect gap GET >= 1s on conn 0\n",
         "t.scn:1:30: expected a connection number from 1 up, got '0'\n"},
        {"expect gap GET >= 1s or so\n", "t.scn:1:22: unexpected 'or' at the end of the line\n"},
        {"expect backoff GET\n",
         "t.scn:1:19: expected 'factor' after the pattern, e.g. factor 1.5..3\n"},
        {"expect backoff GET factor\n",
         "t.scn:1:26: expected a factor such as 2 or a range such as 1.5..3\n"},
        {"expect backoff GET factor 0\n",
         "t.scn:1:27: expected a factor above 0 such as 2 or a range such as 1.5..3, got '0'\n"},
        {"expect backoff GET factor 3..1.5\n",
         "t.scn:1:27: the range '3..1.5' ends before it starts\n"},
        {"expect backoff GET factor fast\n",
         "t.scn:1:27: expected a factor above 0 such as 2 or a range such as 1.5..3, got "
         "'fast'\n"},
        {"expect order GET x\n", "t.scn:1:19: expected 'before' after the first pattern\n"},
        {"expect order before SET x\n",
         "t.scn:1:14: expected a command pattern such as GET user:* after 'order'\n"},
        {"expect order GET before\n",
         "t.scn:1:24: expected a command pattern such as GET user:* after 'before'\n"},
        {"expect order GET before SET across now\n",
         "t.scn:1:36: unexpected 'now' at the end of the line\n"},
        {"expect no command QUIT\n",
         "t.scn:1:19: expected 'after' after what must not come, e.g. no command after QUIT\n"},
        {"expect no command after\n",
         "t.scn:1:24: expected a command pattern such as GET user:* after 'after'\n"},
        {"expect no after QUIT\n",
         "t.scn:1:11: expected a command pattern such as GET user:* or 'command' after 'no'\n"},
        {"expect commands GET == 1 on conn x\n",
         "t.scn:1:34: expected a connection number from 1 up, got 'x'\n"},
        {"\n\n  expect gap GET \"x >= 1s\n", "t.scn:3:18: unterminated quoted string\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *diag = parse_bad(cases[i].text);
        if (strcmp(diag, cases[i].diag) != 0)
            fail_msg("case %zu (%s):\n got  %s want %s", i, cases[i].text, diag, cases[i].diag);
        free(diag);
    }
}

static void test_all_errors_reported(void **state)
{
    (void)state;
    char *diag = parse_bad("clock x\non GET do explode\nexpect bogus == 1\nname \"ok\"\n");
    /* Three problems, three lines, in file order; the valid line is silent. */
    assert_string_equal(
        diag, "t.scn:1:7: expected 'virtual' or 'real' after 'clock'\n"
              "t.scn:2:11: unknown action 'explode'\n"
              "t.scn:3:8: unknown count 'bogus' (connections, peak-connections, "
              "refused, commands, unconsumed, protocol-errors, rule N, scripts, "
              "script-calls, evictions, redirects, node N commands; or gap, backoff, order, no)\n");
    free(diag);
}

static void test_binary_input(void **state)
{
    (void)state;
    static const char text[] = "name x\n\0\xff\n";
    struct buf diag = BUF_INIT;
    struct scn *s = NULL;
    assert_int_equal(scn_parse(text, sizeof(text) - 1, "bin.scn", &s, &diag), MR_EPARSE);
    assert_null(s);
    /* One message, where the first binary byte is, and nothing after it. */
    assert_string_equal(
        diag.p, "bin.scn:2:1: a NUL byte: this is not a text file (a scenario is UTF-8 text)\n");
    buf_free(&diag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_finish_within),
        cmocka_unit_test(test_setup),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_latency),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_long_array_grows_geometrically),
        cmocka_unit_test(test_numbered_array),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_events_and_expects),
        cmocka_unit_test(test_script_conditions),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_time_expects),
        cmocka_unit_test(test_time_expect_errors),
        cmocka_unit_test(test_maxmemory),
        cmocka_unit_test(test_cluster),
        cmocka_unit_test(test_all_errors_reported),
        cmocka_unit_test(test_binary_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
