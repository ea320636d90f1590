/* test_scn_run.c - unit tests of the scenario engine's decisions (scn_run.c).
 *
 * A core without any socket, clients made by core_client_new, commands fed
 * to scn_run_command: which rule fires, what reply bytes it plans, what the
 * keyspace looks like after keyspace actions, and the verdict's text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cluster.h"
#include "cmd.h"
#include "core.h"
#include "db.h"
#include "rtext.h"
#include "scn.h"
#include "scn_hist.h"
#include "scn_run.h"

struct fx {
    struct core core;
    struct scn *scn;
    struct scn_run *run;
};

static struct fx *start(const char *text)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct buf diag = BUF_INIT;
    cmd_init();
    core_init(&f->core);
    if (scn_parse(text, strlen(text), "t.scn", &f->scn, &diag) != 0)
        fail_msg("parse: %s", diag.p);
    f->run = scn_run_new(f->scn, &f->core, &diag);
    if (f->run == NULL)
        fail_msg("run: %s", diag.p);
    buf_free(&diag);
    return f;
}

static void stop(struct fx *f)
{
    scn_run_free(f->run);
    scn_free(f->scn);
    core_destroy(&f->core);
    free(f);
}

static struct client *connect_client(struct fx *f)
{
    int64_t delay;
    struct client *c = core_client_new(&f->core);
    assert_int_equal(scn_run_connect(f->run, &c->conn_no, &delay), SCN_CONN_ACCEPT);
    return c;
}

/* Feeds one command line; returns the plan (caller frees). */
static struct scn_plan command(struct fx *f, struct client *c, const char *line)
{
    struct scn_plan p;
    struct resp_argv *a = resp_split_args(line, strlen(line));
    scn_plan_init(&p);
    scn_run_command(f->run, c, a, &p);
    resp_argv_free(a);
    return p;
}

static void assert_reply(const struct scn_plan *p, const char *want)
{
    assert_int_equal(p->run, 0);
    assert_int_equal(p->reply.len, strlen(want));
    assert_memory_equal(p->reply.p, want, strlen(want));
}

static void test_nth_rule(void **state)
{
    (void)state;
    struct fx *f = start("on GET user:* nth 2 do reply (nil)\nexpect rule 1 == 1\n");
    struct client *c = connect_client(f);
    struct scn_plan p = command(f, c, "GET user:1");
    assert_int_equal(p.run, 1);
    assert_int_equal(p.rule, 0);
    scn_plan_free(&p);
    p = command(f, c, "GET other"); /* does not match: not counted */
    assert_int_equal(p.run, 1);
    scn_plan_free(&p);
    p = command(f, c, "get user:2"); /* command names match case-insensitively */
    assert_int_equal(p.rule, 1);
    assert_reply(&p, "$-1\r\n");
    scn_plan_free(&p);
    c->proto = 3;
    p = command(f, c, "GET user:3"); /* nth 2 fires once */
    assert_int_equal(p.run, 1);
    scn_plan_free(&p);
    assert_int_equal(scn_run_verdict(f->run, NULL, NULL), 0);
    stop(f);
}

/* A command a script called (scn_run_script_command): "from script" and
 * "not from script" tell it from a client's, it counts for nth, "expect
 * commands" and "expect script-calls", strict blocks never see it, and
 * the record marks it with the digest. */
static void test_script_calls(void **state)
{
    (void)state;
    static const char sha[] = "d02e481a9c91ceec59c5822a58a49d5d5d7ac80b";
    struct fx *f = start("on GET lock:* from script nth 2 do reply (nil)\n"
                         "on GET lock:* not from script do reply \"client\"\n"
                         "strict conn 1\n    > PING\n    < PONG\nend\n"
                         "expect commands GET * == 4\n"
                         "expect script-calls GET lock:* == 3\n"
                         "expect script-calls == 3 on conn 1\n"
                         "expect scripts == 2\n"
                         "expect scripts == 0 on conn 2\n");
    struct client *c = connect_client(f);
    struct resp_argv *a = resp_split_args("GET lock:1", 10);
    struct scn_plan p;
    /* A script call on conn 1 is no strict step, and the first is not
     * the nth 2. */
    scn_plan_init(&p);
    scn_run_script_command(f->run, c, a, sha, &p);
    assert_int_equal(p.run, 1);
    assert_int_equal(p.rule, 0);
    scn_plan_free(&p);
    scn_plan_init(&p);
    scn_run_script_command(f->run, c, a, sha, &p);
    assert_int_equal(p.rule, 1);
    assert_reply(&p, "$-1\r\n");
    scn_plan_free(&p);
    scn_plan_init(&p);
    scn_run_script_command(f->run, c, a, sha, &p);
    assert_int_equal(p.run, 1);
    scn_plan_free(&p);
    scn_run_scripts(f->run, c->conn_no, 2);
    resp_argv_free(a);
    /* The client's own GET is no script call: the strict block takes it. */
    p = command(f, c, "GET lock:1");
    assert_int_equal(p.rule, -1);
    scn_plan_free(&p);
    const struct scn_hist *h = scn_run_history(f->run);
    assert_int_equal(scn_hist_len(h), 4);
    struct scn_hist_entry x;
    scn_hist_at(h, 1, &x);
    assert_string_equal(x.script, sha);
    assert_string_equal(x.reply, "nil");
    scn_hist_at(h, 3, &x);
    assert_null(x.script);
    struct buf text = BUF_INIT;
    assert_int_equal(scn_run_verdict(f->run, &text, NULL), 1); /* the strict mismatch */
    assert_non_null(strstr(text.p, "ok   expect commands GET * == 4"));
    assert_non_null(strstr(text.p, "ok   expect script-calls GET lock:* == 3"));
    assert_non_null(strstr(text.p, "ok   expect script-calls == 3 on conn 1"));
    assert_non_null(strstr(text.p, "ok   expect scripts == 2"));
    assert_non_null(strstr(text.p, "ok   expect scripts == 0 on conn 2"));
    buf_free(&text);
    stop(f);
}

/* Timed events never fire inside a script (atomic; and one that runs
 * EVAL could not run a script inside a script): a script call that comes
 * after the event's time, or whose "advance" passes it, leaves it for the
 * next tick. */
static void test_script_call_no_events(void **state)
{
    (void)state;
    struct fx *f = start("clock virtual\n"
                         "on GET k from script do advance 2s\n"
                         "at 1s do run SET fired 1\n");
    struct client *c = connect_client(f);
    struct resp_argv *a = resp_split_args("GET k", 5);
    struct scn_plan p;
    scn_plan_init(&p);
    scn_run_script_command(f->run, c, a, "d02e481a9c91ceec59c5822a58a49d5d5d7ac80b", &p);
    assert_int_equal(p.rule, 1);
    scn_plan_free(&p);
    resp_argv_free(a);
    assert_null(db_lookup(&f->core.db[0], "fired", 5, core_now_ms(&f->core)));
    scn_run_tick(f->run); /* the script is over */
    assert_non_null(db_lookup(&f->core.db[0], "fired", 5, core_now_ms(&f->core)));
    stop(f);
}

static void test_gates(void **state)
{
    (void)state;
    struct fx *f = start("on PING conn 2 do reply \"two\"\n"
                         "on PING after 3 commands do reply \"late\"\n");
    struct client *c1 = connect_client(f);
    struct client *c2 = connect_client(f);
    struct scn_plan p = command(f, c1, "PING");
    assert_int_equal(p.run, 1);
    scn_plan_free(&p);
    p = command(f, c2, "PING");
    assert_reply(&p, "$3\r\ntwo\r\n");
    scn_plan_free(&p);
    p = command(f, c1, "PING"); /* third command: "after 3" needs more than 3 */
    assert_int_equal(p.run, 1);
    scn_plan_free(&p);
    p = command(f, c1, "PING");
    assert_reply(&p, "$4\r\nlate\r\n");
    scn_plan_free(&p);
    stop(f);
}

static void test_shaping_actions(void **state)
{
    (void)state;
    struct fx *f = start("seed 3\n"
                         "on GET do delay 10ms..20ms then pieces 2 pause 1ms then close after\n"
                         "on SET do split inside-payload pause 4ms then corrupt length\n"
                         "on DEL do reset\n"
                         "on PING do corrupt resp3\n");
    struct client *c = connect_client(f);
    struct scn_plan p = command(f, c, "GET k");
    assert_int_equal(p.run, 1);
    assert_true(p.delay_us >= 10000 && p.delay_us <= 20000);
    assert_int_equal(p.pieces, 2);
    assert_int_equal(p.pause_us, 1000);
    assert_int_equal(p.end, SCN_END_AFTER);
    scn_plan_free(&p);
    p = command(f, c, "SET k v");
    assert_int_equal(p.split, 1);
    assert_int_equal(p.split_at, SPLIT_INSIDE_PAYLOAD);
    assert_int_equal(p.corrupt_length, 1);
    scn_plan_free(&p);
    p = command(f, c, "DEL k");
    assert_int_equal(p.run, 0);
    assert_int_equal(p.end, SCN_END_RESET);
    scn_plan_free(&p);
    p = command(f, c, "PING");
    assert_reply(&p, ",3.14\r\n");
    scn_plan_free(&p);
    stop(f);
}

static void test_keyspace_actions(void **state)
{
    (void)state;
    struct fx *f = start("clock virtual\n"
                         "setup\n  SET a 1\n  SET b 2\n  SET c 3\nend\n"
                         "on GET a do evict a\n"
                         "on GET b do retype b list\n"
                         "on GET c do advance 10s\n"
                         "at 5s do expire c\n");
    struct client *c = connect_client(f);
    struct db *db = &f->core.db[0];
    int64_t now = core_now_ms(&f->core);
    assert_non_null(db_lookup(db, "a", 1, now));
    struct scn_plan p = command(f, c, "GET a");
    assert_int_equal(p.run, 1); /* the command still runs, on the changed keyspace */
    assert_null(db_lookup(db, "a", 1, now));
    scn_plan_free(&p);
    p = command(f, c, "GET b");
    struct obj *o = db_lookup(db, "b", 1, now);
    assert_non_null(o);
    assert_int_equal(o->type, OBJ_LIST);
    scn_plan_free(&p);
    assert_non_null(db_lookup(db, "c", 1, now));
    p = command(f, c, "GET c"); /* advances the clock 10 s, so the event at 5 s */
    assert_int_equal(core_now_ms(&f->core), now + 10000); /* ran before the GET */
    assert_null(db_lookup(db, "c", 1, core_now_ms(&f->core)));
    scn_plan_free(&p);
    stop(f);
}

static void test_connect_rules(void **state)
{
    (void)state;
    struct fx *f = start("on connect nth 2 do refuse\non connect from 3 do delay 7ms\n"
                         "expect refused == 1\nexpect connections == 3\n");
    int no;
    int64_t delay;
    assert_int_equal(scn_run_connect(f->run, &no, &delay), SCN_CONN_ACCEPT);
    assert_int_equal(no, 1);
    assert_int_equal(scn_run_connect(f->run, &no, &delay), SCN_CONN_REFUSE);
    f->core.st.conn_refused++; /* what the server does when it refuses */
    assert_int_equal(scn_run_connect(f->run, &no, &delay), SCN_CONN_DELAY);
    assert_int_equal(no, 3);
    assert_int_equal(delay, 7000);
    assert_int_equal(scn_run_verdict(f->run, NULL, NULL), 0);
    stop(f);
}

static void test_strict_and_verdict(void **state)
{
    (void)state;
    struct fx *f = start("name \"replay\"\n"
                         "strict\n  > GET a\n  < \"b\" delay 2ms\n  > SET a \"c d\"\n  < OK\n"
                         "  > PING\n  < PONG\nend\n"
                         "expect commands GET * == 1\nexpect commands == 3\n");
    struct client *c = connect_client(f);
    struct scn_plan p = command(f, c, "GET a");
    assert_int_equal(p.rule, -1);
    assert_int_equal(p.step, 1); /* named in --pcap notes */
    assert_reply(&p, "$1\r\nb\r\n");
    assert_int_equal(p.delay_us, 2000);
    scn_plan_free(&p);
    p = command(f, c, "SET a cd");
    assert_int_equal(p.step, 2); /* the step that expected another command */
    assert_reply(&p, "-ERR mockredis: strict step 2 expected 'SET a \"c d\"', got 'SET a cd'\r\n");
    scn_plan_free(&p);
    p = command(f, c, "PING"); /* after a mismatch the conversation is over: the same error */
    assert_int_equal(p.rule, -1);
    assert_reply(&p, "-ERR mockredis: strict step 2 expected 'SET a \"c d\"', got 'SET a cd'\r\n");
    scn_plan_free(&p);

    struct buf text = BUF_INIT, json = BUF_INIT;
    assert_int_equal(scn_run_verdict(f->run, &text, &json), 1);
    assert_string_equal(
        text.p, "scenario \"replay\" (t.scn): FAIL\n"
                "  connections 1, refused 0, peak 1, commands 3\n"
                "  ok   expect commands GET * == 1  (line 10: got 1)\n"
                "  ok   expect commands == 3  (line 11: got 3)\n"
                "  FAIL strict line 5: mockredis: strict step 2 expected 'SET a \"c d\"', got "
                "'SET a cd'\n");
    assert_non_null(strstr(json.p, "\"passed\":false"));
    assert_non_null(strstr(json.p, "\"unconsumed\":2"));
    buf_free(&text);
    buf_free(&json);
    stop(f);
}

/* Commands a rule answered count in "commands" like any other
 * (docs/scenarios.md, Expectations): the count comes before the rules. */
static void test_answered_commands_count(void **state)
{
    (void)state;
    struct fx *f = start("on GET a do reply \"x\"\n"
                         "on GET b do close before\n"
                         "expect commands == 3\nexpect commands GET * == 2\nexpect rule 1 == 1\n");
    struct client *c = connect_client(f);
    struct scn_plan p = command(f, c, "GET a");
    assert_reply(&p, "$1\r\nx\r\n");
    scn_plan_free(&p);
    p = command(f, c, "GET b");
    assert_int_equal(p.end, SCN_END_BEFORE);
    scn_plan_free(&p);
    p = command(f, c, "PING");
    assert_int_equal(p.rule, 0);
    scn_plan_free(&p);
    assert_int_equal(scn_run_verdict(f->run, NULL, NULL), 0);
    stop(f);
}

static void test_unconsumed(void **state)
{
    (void)state;
    struct fx *f = start("strict\n  > PING\n  < PONG\n  > PING\n  < PONG\nend\n"
                         "expect connections >= 1\n");
    struct client *c = connect_client(f);
    struct scn_plan p = command(f, c, "PING");
    assert_reply(&p, "+PONG\r\n");
    scn_plan_free(&p);
    struct buf text = BUF_INIT;
    assert_int_equal(scn_run_verdict(f->run, &text, NULL), 1);
    assert_non_null(
        strstr(text.p, "FAIL strict line 4: strict step 2 never reached (1 of 2 left): PING"));
    buf_free(&text);
    stop(f);
}

static void test_setup_failure(void **state)
{
    (void)state;
    const char *text = "setup\n  SET a\n  SET b c\n  LPUSH b x\nend\n";
    struct scn *s;
    struct buf diag = BUF_INIT;
    struct core core;
    cmd_init();
    core_init(&core);
    assert_int_equal(scn_parse(text, strlen(text), "t.scn", &s, &diag), 0);
    assert_null(scn_run_new(s, &core, &diag));
    /* Every failing line, each with its column (issue 11, finding 3). */
    struct buf want = BUF_INIT;
    buf_puts(&want, "t.scn:2:3: setup command failed: ");
    buf_printf(&want, rtext[RT_ARITY_FMT], "set");
    buf_printf(&want, "\nt.scn:4:3: setup command failed: %s\n", rtext[RT_WRONGTYPE]);
    assert_string_equal(diag.p, want.p);
    buf_free(&want);
    buf_free(&diag);
    scn_free(s);
    core_destroy(&core);
}

/* Time and order expectations in the verdict (text, JSON, JUnit), counts
 * per connection, and the reply types the record keeps. The virtual clock
 * makes the times exact. */
static void test_time_verdict(void **state)
{
    (void)state;
    struct fx *f = start("clock virtual 1000\n"
                         "on GET r nth 1 do advance 100ms\n"
                         "on GET r nth 2 do advance 50ms\n"
                         "on GET r nth 3 do hang\n"
                         "on PING do reply \"p\"\n"
                         "expect gap GET r >= 100ms\n"
                         "expect commands GET r == 2 on conn 2\n"
                         "expect no command after QUIT\n");
    struct client *c1 = connect_client(f), *c2 = connect_client(f);
    struct scn_plan p = command(f, c1, "GET r"); /* at 0, then the clock moves 100ms */
    scn_run_replied(f->run, p.hist_id, "$-1\r\n", 5, 0);
    scn_plan_free(&p);
    p = command(f, c2, "GET r"); /* at 100ms, then 50ms more */
    scn_plan_free(&p);
    p = command(f, c2, "GET r"); /* at 150ms: a gap of 50ms */
    scn_plan_free(&p);
    p = command(f, c2, "PING");
    scn_plan_free(&p);
    p = command(f, c1, "BLPOP q 0");
    scn_run_replied(f->run, p.hist_id, "", 0, 1);
    scn_plan_free(&p);

    const struct scn_hist *h = scn_run_history(f->run);
    static const char *const types[] = {"nil", "unknown", "hang", "bulk", "blocked"};
    static const int64_t times[] = {0, 100000, 150000, 150000, 150000};
    assert_int_equal(scn_hist_len(h), 5);
    for (size_t i = 0; i < 5; i++) {
        struct scn_hist_entry x;
        scn_hist_at(h, i, &x);
        assert_string_equal(x.reply, types[i]);
        assert_int_equal(x.us, times[i]);
        assert_int_equal(x.conn, i == 0 || i == 4 ? 1 : 2);
    }

    struct buf text = BUF_INIT, json = BUF_INIT, xml = BUF_INIT;
    assert_int_equal(scn_run_verdict(f->run, &text, &json), 1);
    assert_non_null(strstr(text.p, "  FAIL expect gap GET r >= 100ms  (line 6: gap of 50ms from "
                                   "GET r (conn 2, at 100ms) to GET r (conn 2, at 150ms); 1 of 2 "
                                   "gaps failed)\n"));
    assert_non_null(
        strstr(text.p, "  ok   expect commands GET r == 2 on conn 2  (line 7: got 2)\n"));
    assert_non_null(strstr(text.p, "  ok   expect no command after QUIT  (line 8: nothing came "
                                   "after QUIT)\n"));
    assert_non_null(strstr(json.p, "{\"line\":6,\"text\":\"expect gap GET r >= 100ms\","
                                   "\"actual\":1,\"passed\":false,\"detail\":\"gap of 50ms"));
    assert_non_null(strstr(json.p, "\"failures\":[\"line 6: expect gap GET r >= 100ms: gap of "
                                   "50ms from GET r (conn 2, at 100ms)"));
    scn_run_junit(f->run, &xml);
    assert_non_null(strstr(xml.p, "message=\"line 6: expect gap GET r &gt;= 100ms: gap of 50ms"));
    buf_free(&text);
    buf_free(&json);
    buf_free(&xml);
    stop(f);
}

static void test_corrupt_length(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_puts(&b, "$3\r\nabc\r\n");
    scn_corrupt_length(&b);
    assert_string_equal(b.p, "$4\r\nabc\r\n");
    buf_clear(&b);
    buf_puts(&b, "+OK\r\n*2\r\n:1\r\n:2\r\n");
    scn_corrupt_length(&b);
    assert_string_equal(b.p, "+OK\r\n*3\r\n:1\r\n:2\r\n");
    buf_free(&b);
}

/* A cluster scenario on a scratch cluster of 3 nodes (no sockets): setup
 * lines on the node owning the key, "node N" rules, keyspace actions on
 * the key's node, one clock, per-node counts less what a node redirected,
 * a refused cluster action in the verdict. Slots: b 3300 (node 0),
 * c 7365 (node 1), a 15495 (node 2). */
static void test_cluster_run(void **state)
{
    (void)state;
    static const char text[] = "cluster 3\n"
                               "clock virtual 0\n"
                               "setup\n"
                               "    SET a 1\n"
                               "    SET b 1\n"
                               "    SET c 1\n"
                               "    CONFIG SET maxclients 77\n"
                               "end\n"
                               "on GET * node 1 do reply \"one\"\n"
                               "on DEL a do evict a then advance 5s\n"
                               "on GET b do cluster migrate end 7\n"
                               "expect node 1 commands == 1\n"
                               "expect node 2 commands GET * == 1\n"
                               "expect node 0 commands == 0\n";
    struct core cores[3];
    struct buf diag = BUF_INIT;
    char err[128];
    struct scn *scn = NULL;
    cmd_init();
    struct cluster *cl = cluster_new(3, 0, 0, err, sizeof(err));
    assert_non_null(cl);
    for (int i = 0; i < 3; i++) {
        core_init(&cores[i]);
        cluster_attach(cl, i, &cores[i]);
    }
    if (scn_parse(text, strlen(text), "t.scn", &scn, &diag) != 0)
        fail_msg("parse: %s", diag.p);
    struct scn_run *run = scn_run_new(scn, &cores[0], &diag);
    if (run == NULL)
        fail_msg("run: %s", diag.p);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(db_size(&cores[i].db[0]), 1); /* each key on its node */
        assert_int_equal(cores[i].cfg.maxclients, 77); /* keyless: every node */
        assert_int_equal(cores[i].clock.virt, 1);
    }
    assert_non_null(db_lookup(&cores[2].db[0], "a", 1, 0));

    struct client *c[3];
    int64_t delay;
    for (int i = 0; i < 3; i++) {
        c[i] = core_client_new(&cores[i]);
        assert_int_equal(scn_run_connect_node(run, i, &c[i]->conn_no, &delay), SCN_CONN_ACCEPT);
        assert_int_equal(c[i]->conn_no, i + 1); /* numbered across the nodes */
    }
    struct scn_plan p;
    struct resp_argv *a = resp_split_args("GET c", 5);
    scn_plan_init(&p);
    scn_run_command(run, c[1], a, &p); /* node 1: the rule answers */
    assert_int_equal(p.run, 0);
    scn_plan_free(&p);
    scn_plan_init(&p);
    scn_run_command(run, c[2], a, &p); /* node 2: no rule; the node redirects it */
    assert_int_equal(p.run, 1);
    scn_run_replied(run, p.hist_id, "-MOVED 7365 127.0.0.1:7001\r\n", 28, 0);
    scn_plan_free(&p);
    resp_argv_free(a);
    a = resp_split_args("GET a", 5);
    scn_plan_init(&p);
    scn_run_command(run, c[2], a, &p); /* node 2 serves it */
    scn_run_replied(run, p.hist_id, "$1\r\n1\r\n", 7, 0);
    scn_plan_free(&p);
    resp_argv_free(a);
    /* evict a acts on node 2 (sent to node 0); advance moves every clock */
    a = resp_split_args("DEL a", 5);
    scn_plan_init(&p);
    scn_run_command(run, c[0], a, &p);
    scn_plan_free(&p);
    resp_argv_free(a);
    assert_null(db_lookup(&cores[2].db[0], "a", 1, 0));
    for (int i = 0; i < 3; i++)
        assert_int_equal(clk_now_ms(&cores[i].clock), 5000);
    /* the cluster refuses: the verdict says so */
    a = resp_split_args("GET b", 5);
    scn_plan_init(&p);
    scn_run_command(run, c[0], a, &p);
    scn_plan_free(&p);
    resp_argv_free(a);

    struct buf text_out = BUF_INIT, json = BUF_INIT;
    assert_int_equal(scn_run_verdict(run, &text_out, &json), 1);
    if (strstr(text_out.p, "ok   expect node 1 commands == 1") == NULL ||
        strstr(text_out.p, "ok   expect node 2 commands GET * == 1") == NULL ||
        strstr(text_out.p, "FAIL expect node 0 commands == 0  (line 14: got 2)") == NULL ||
        strstr(text_out.p, "FAIL action line 11: cluster migrate end 7: ") == NULL ||
        strstr(json.p, "\"line 11: cluster migrate end 7: ") == NULL)
        fail_msg("verdict:\n%s\n%s", text_out.p, json.p);
    buf_free(&text_out);
    buf_free(&json);
    buf_free(&diag);
    for (int i = 0; i < 3; i++)
        core_client_free(c[i]);
    scn_run_free(run);
    scn_free(scn);
    for (int i = 0; i < 3; i++)
        core_destroy(&cores[i]);
    cluster_free(cl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nth_rule),
        cmocka_unit_test(test_gates),
        cmocka_unit_test(test_shaping_actions),
        cmocka_unit_test(test_keyspace_actions),
        cmocka_unit_test(test_connect_rules),
        cmocka_unit_test(test_strict_and_verdict),
        cmocka_unit_test(test_answered_commands_count),
        cmocka_unit_test(test_unconsumed),
        cmocka_unit_test(test_setup_failure),
        cmocka_unit_test(test_corrupt_length),
        cmocka_unit_test(test_script_calls),
        cmocka_unit_test(test_script_call_no_events),
        cmocka_unit_test(test_time_verdict),
        cmocka_unit_test(test_cluster_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
