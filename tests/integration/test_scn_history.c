/* test_scn_history.c - the record of commands over the protocol: MOCK
 * HISTORY's RESP2 and RESP3 shapes and its errors, and the time and order
 * expectations (gap, backoff, order, no ... after, commands on conn N)
 * judged on commands really sent, on the virtual clock (moved with MOCK
 * CLOCK ADVANCE between commands: exact times, no sleeping). Each
 * expectation is seen both holding and failing, with the sentence the
 * verdict gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "it.h"
#include "rtext.h"

static redisReply *cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    return r;
}

/* Loads text as the scenario on the server behind c. */
static void load(redisContext *c, const char *text)
{
    char path[64];
    it_write_temp(path, sizeof(path), "scnhist", text);
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO LOAD %s", path);
    unlink(path);
}

/* The readable verdict; the caller frees it. */
static char *verdict(redisContext *c)
{
    redisReply *r = cmd(c, "MOCK SCENARIO VERDICT");
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    char *text = strdup(r->str);
    freeReplyObject(r);
    return text;
}

static void assert_has(const char *text, const char *want)
{
    if (strstr(text, want) == NULL)
        fail_msg("missing:\n%s\nin:\n%s", want, text);
}

/* MOCK HISTORY in RESP2 (a flat array per entry) and RESP3 (a map), byte
 * for byte: ids, connections, scenario times in us, argv, reply types. */
static void test_history_shapes(void **state)
{
    (void)state;
    struct mh_server *srv = it_mock(NULL);
    int port = mh_server_port(srv);
    redisContext *ctl = it_connect(port);
    load(ctl, "clock virtual 1000\nfinish control\non GET gone do reply (nil)\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, port), 0);
    assert_int_equal(mh_conn_open(&b, port), 0);
    it_raw_expect(&a, IT_S("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), IT_S("+OK\r\n"));
    it_cmd_expect(ctl, REDIS_REPLY_INTEGER, "1250", "MOCK CLOCK ADVANCE 250");
    it_raw_expect(&b, IT_S("*2\r\n$3\r\nGET\r\n$4\r\ngone\r\n"), IT_S("$-1\r\n"));
    it_raw_expect(&b, IT_S("*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n"),
                  IT_S("-ERR value is not an integer or out of range\r\n"));

    /* RESP2: the last two; MOCK commands are not in it. */
    it_raw_expect(&a, IT_S("*3\r\n$4\r\nMOCK\r\n$7\r\nHISTORY\r\n$1\r\n2\r\n"),
                  IT_S("*2\r\n"
                       "*16\r\n$2\r\nid\r\n:2\r\n$4\r\nconn\r\n:2\r\n$7\r\ntime_us\r\n:250000\r\n"
                       "$4\r\nargc\r\n:2\r\n$4\r\nargv\r\n*2\r\n$3\r\nGET\r\n$4\r\ngone\r\n"
                       "$9\r\ntruncated\r\n:0\r\n$5\r\nreply\r\n$3\r\nnil\r\n"
                       "$6\r\nscript\r\n$-1\r\n"
                       "*16\r\n$2\r\nid\r\n:3\r\n$4\r\nconn\r\n:2\r\n$7\r\ntime_us\r\n:250000\r\n"
                       "$4\r\nargc\r\n:2\r\n$4\r\nargv\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n"
                       "$9\r\ntruncated\r\n:0\r\n$5\r\nreply\r\n$5\r\nerror\r\n"
                       "$6\r\nscript\r\n$-1\r\n"));
    /* RESP3 after HELLO 3 (HELLO is recorded too: the rules see it; a and b are the scenario's
     * connections 1 and 2, the control connection predates it). */
    struct mh_bytes r = {0};
    assert_int_equal(mh_call(&a, "HELLO 3", &r, 3000), MH_REPLY);
    mh_bytes_free(&r);
    it_raw_expect(&a, IT_S("*3\r\n$4\r\nMOCK\r\n$7\r\nHISTORY\r\n$1\r\n1\r\n"),
                  IT_S("*1\r\n"
                       "%8\r\n$2\r\nid\r\n:4\r\n$4\r\nconn\r\n:1\r\n$7\r\ntime_us\r\n:250000\r\n"
                       "$4\r\nargc\r\n:2\r\n$4\r\nargv\r\n*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n"
                       "$9\r\ntruncated\r\n#f\r\n$5\r\nreply\r\n$3\r\nmap\r\n"
                       "$6\r\nscript\r\n_\r\n"));
    /* A script's call is recorded after the EVAL that ran it, with the
     * digest (RESP3 here: a's protocol, not the script's). */
    it_raw_expect(&a,
                  IT_S("*3\r\n$4\r\nEVAL\r\n$28\r\nreturn redis.call('GET','k')\r\n"
                       "$1\r\n0\r\n"),
                  IT_S("$1\r\nv\r\n"));
    it_raw_expect(&a, IT_S("*3\r\n$4\r\nMOCK\r\n$7\r\nHISTORY\r\n$1\r\n1\r\n"),
                  IT_S("*1\r\n"
                       "%8\r\n$2\r\nid\r\n:6\r\n$4\r\nconn\r\n:1\r\n$7\r\ntime_us\r\n:250000\r\n"
                       "$4\r\nargc\r\n:2\r\n$4\r\nargv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                       "$9\r\ntruncated\r\n#f\r\n$5\r\nreply\r\n$4\r\nbulk\r\n"
                       "$6\r\nscript\r\n$40\r\nb085978451f560271f890f5fe5c8c00279a1ffe1\r\n"));
    /* Without a count: all 6; with 0: none. */
    redisReply *all = cmd(ctl, "MOCK HISTORY");
    assert_int_equal(all->type, REDIS_REPLY_ARRAY);
    assert_int_equal(all->elements, 6);
    assert_string_equal(all->element[0]->element[9]->element[0]->str, "SET");
    freeReplyObject(all);
    it_raw_expect(&a, IT_S("*3\r\n$4\r\nMOCK\r\n$7\r\nHISTORY\r\n$1\r\n0\r\n"), IT_S("*0\r\n"));

    it_cmd_expect(ctl, REDIS_REPLY_ERROR, rtext[RT_MOCK_COUNT_NEGATIVE], "MOCK HISTORY -1");
    it_cmd_expect(ctl, REDIS_REPLY_ERROR, rtext[RT_NOTINT], "MOCK HISTORY x");
    it_cmd_expect(ctl, REDIS_REPLY_ERROR, rtext[RT_SYNTAX], "MOCK HISTORY 1 2");
    it_cmd_expect(ctl, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO RESET");
    it_cmd_expect(ctl, REDIS_REPLY_ERROR, rtext[RT_MOCK_NO_SCENARIO], "MOCK HISTORY");
    mh_conn_close(&a);
    mh_conn_close(&b);
    redisFree(ctl);
    it_stop_ok(srv);
}

/* Inside a transaction: QUEUED is never bent nor recorded (the rules see a
 * queued command when EXEC runs it), so the record holds MULTI, then EXEC,
 * then the commands EXEC ran, each with its own reply type: EXEC's array,
 * the scripted reply of the rule, the integer of the INCR. */
static void test_history_exec(void **state)
{
    (void)state;
    struct mh_server *srv = it_mock(NULL);
    int port = mh_server_port(srv);
    redisContext *ctl = it_connect(port);
    load(ctl, "finish control\non GET k do reply \"scripted\"\n");
    redisContext *c = it_connect(port);
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MULTI");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "QUEUED", "GET k");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "QUEUED", "INCR n");
    redisReply *r = cmd(c, "EXEC");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_string_equal(r->element[0]->str, "scripted");
    assert_int_equal(r->element[1]->integer, 1);
    freeReplyObject(r);

    static const char *const names[] = {"MULTI", "EXEC", "GET", "INCR"};
    static const char *const types[] = {"simple", "array", "bulk", "integer"};
    redisReply *h = cmd(ctl, "MOCK HISTORY");
    assert_int_equal(h->type, REDIS_REPLY_ARRAY);
    assert_int_equal(h->elements, 4);
    for (size_t i = 0; i < 4; i++) {
        redisReply *e = h->element[i];
        assert_string_equal(e->element[9]->element[0]->str, names[i]);
        if (strcmp(e->element[13]->str, types[i]) != 0)
            fail_msg("%s: reply type %s, want %s", names[i], e->element[13]->str, types[i]);
    }
    freeReplyObject(h);
    redisFree(c);
    redisFree(ctl);
    it_stop_ok(srv);
}

/* The reply type of the only command named name in the record. */
static void assert_reply_type(redisContext *ctl, const char *name, const char *want)
{
    redisReply *h = cmd(ctl, "MOCK HISTORY");
    int seen = 0;
    for (size_t i = 0; i < h->elements; i++) {
        redisReply *e = h->element[i];
        if (strcmp(e->element[9]->element[0]->str, name) != 0)
            continue;
        seen++;
        if (strcmp(e->element[13]->str, want) != 0)
            fail_msg("%s: reply type %s, want %s", name, e->element[13]->str, want);
    }
    assert_int_equal(seen, 1);
    freeReplyObject(h);
}

/* A blocking command is "blocked" in the record while it waits, and takes
 * the type of the reply it gets once a push serves it. */
static void test_history_blocked(void **state)
{
    (void)state;
    struct mh_server *srv = it_mock(NULL);
    int port = mh_server_port(srv);
    redisContext *ctl = it_connect(port);
    load(ctl, "finish control\n");
    struct mh_conn w;
    assert_int_equal(mh_conn_open(&w, port), 0);
    assert_int_equal(mh_send(w.fd, IT_S("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")), 0);
    struct mh_conn ctlraw;
    assert_int_equal(mh_conn_open(&ctlraw, port), 0);
    it_wait_info(&ctlraw, "blocked_clients:", 1);
    assert_reply_type(ctl, "BLPOP", "blocked");
    redisContext *p = it_connect(port);
    it_cmd_expect(p, REDIS_REPLY_INTEGER, "1", "RPUSH q job");
    it_reply_expect(&w, IT_S("*2\r\n$1\r\nq\r\n$3\r\njob\r\n"));
    assert_reply_type(ctl, "BLPOP", "array");
    assert_reply_type(ctl, "RPUSH", "integer");
    redisFree(p);
    mh_conn_close(&w);
    mh_conn_close(&ctlraw);
    redisFree(ctl);
    it_stop_ok(srv);
}

/* A client retrying GET report on a new connection each time: once with a
 * growing wait (the expectations hold), once at a fixed interval (gap and
 * backoff fail, saying which commands and when). */
static void retries(redisContext *ctl, int port, const int *waits_ms, int n)
{
    for (int i = 0; i <= n; i++) {
        redisContext *c = it_connect(port);
        it_cmd_expect(c, REDIS_REPLY_NIL, NULL, "GET report");
        redisFree(c);
        if (i < n) {
            redisReply *r = cmd(ctl, "MOCK CLOCK ADVANCE %d", waits_ms[i]);
            freeReplyObject(r);
        }
    }
}

static const char *const backoff_scn = "clock virtual 0\n"
                                       "finish control\n"
                                       "expect gap GET report >= 100ms\n"
                                       "expect backoff GET report factor 1.5..3\n"
                                       "expect commands GET report == 1 on conn 3\n"
                                       "expect no command after QUIT\n";

static void test_backoff_verdicts(void **state)
{
    (void)state;
    struct mh_server *srv = it_mock(NULL);
    int port = mh_server_port(srv);
    redisContext *ctl = it_connect(port);

    load(ctl, backoff_scn);
    retries(ctl, port, (const int[]){100, 200, 400}, 3);
    char *v = verdict(ctl);
    assert_has(v, "): PASS\n");
    assert_has(v, "  ok   expect gap GET report >= 100ms  (line 3: 3 gap(s), 100ms..400ms)\n");
    assert_has(v, "  ok   expect backoff GET report factor 1.5..3  (line 4: 2 factor(s), "
                  "2.00..2.00)\n");
    assert_has(v, "  ok   expect commands GET report == 1 on conn 3  (line 5: got 1)\n");
    free(v);

    load(ctl, backoff_scn); /* connection numbers start over */
    retries(ctl, port, (const int[]){50, 50}, 2);
    /* A client that says QUIT and leaves: nothing after it. */
    redisContext *q = it_connect(port);
    it_cmd_expect(q, REDIS_REPLY_STATUS, "OK", "QUIT");
    redisFree(q);
    v = verdict(ctl);
    assert_has(v, "): FAIL\n");
    assert_has(v, "  FAIL expect gap GET report >= 100ms  (line 3: gap of 50ms from GET report "
                  "(conn 1, at 0ms) to GET report (conn 2, at 50ms); 2 of 2 gaps failed)\n");
    assert_has(v, "  FAIL expect backoff GET report factor 1.5..3  (line 4: gap of 50ms from GET "
                  "report (conn 1, at 0ms) to GET report (conn 2, at 50ms), then 50ms to GET "
                  "report (conn 3, at 100ms): factor 1.00; 1 of 1 factors failed)\n");
    assert_has(v, "  ok   expect no command after QUIT  (line 6: nothing came after QUIT)\n");
    free(v);
    /* The report's failures carry the same sentences. */
    redisReply *r = cmd(ctl, "MOCK SCENARIO REPORT");
    assert_has(r->str, "\"failures\":[\"line 3: expect gap GET report >= 100ms: gap of 50ms");
    assert_has(r->str, "\"detail\":\"gap of 50ms from GET report (conn 1, at 0ms)");
    freeReplyObject(r);
    redisFree(ctl);
    it_stop_ok(srv);
}

/* order and "no ... after", per connection and across, over real
 * connections. */
static void test_order_verdicts(void **state)
{
    (void)state;
    struct mh_server *srv = it_mock(NULL);
    int port = mh_server_port(srv);
    redisContext *ctl = it_connect(port);
    load(ctl, "clock virtual 0\nfinish control\n"
              "expect order GET lock:* before SET lock:*\n"
              "expect order GET lock:* before SET lock:* across\n"
              "expect no GET * after DEL lock:1\n");
    redisContext *c1 = it_connect(port), *c2 = it_connect(port);
    it_cmd_expect(c1, REDIS_REPLY_NIL, NULL, "GET lock:1");
    it_cmd_expect(c1, REDIS_REPLY_STATUS, "OK", "SET lock:1 me");
    it_cmd_expect(ctl, REDIS_REPLY_INTEGER, "5", "MOCK CLOCK ADVANCE 5");
    it_cmd_expect(c2, REDIS_REPLY_STATUS, "OK", "SET lock:2 me");
    it_cmd_expect(c1, REDIS_REPLY_INTEGER, "1", "DEL lock:1");
    it_cmd_expect(c2, REDIS_REPLY_STRING, "me", "GET lock:2"); /* other conn: allowed */
    char *v = verdict(ctl);
    assert_has(v, "  FAIL expect order GET lock:* before SET lock:*  (line 3: SET lock:2 me "
                  "(conn 2, at 5ms) came with no GET lock:* before it on conn 2; 1 of 2 "
                  "commands failed)\n");
    assert_has(v, "  ok   expect order GET lock:* before SET lock:* across  (line 4: 2 command(s) "
                  "checked, each after GET lock:*)\n");
    assert_has(v, "  ok   expect no GET * after DEL lock:1  (line 5: nothing came after DEL "
                  "lock:1)\n");
    free(v);
    it_cmd_expect(c1, REDIS_REPLY_NIL, NULL, "GET lock:1");
    v = verdict(ctl);
    assert_has(v, "  FAIL expect no GET * after DEL lock:1  (line 5: GET lock:1 (conn 1, at 5ms) "
                  "came after DEL lock:1 (conn 1, at 5ms); 1 command(s) after it)\n");
    free(v);
    redisFree(c1);
    redisFree(c2);
    redisFree(ctl);
    it_stop_ok(srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_shapes),  cmocka_unit_test(test_history_exec),
        cmocka_unit_test(test_history_blocked), cmocka_unit_test(test_backoff_verdicts),
        cmocka_unit_test(test_order_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
