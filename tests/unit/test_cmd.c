/* test_cmd.c - unit tests of the dispatcher's checks (cmd.c).
 *
 * A core without sockets and clients made by core_client_new (no socket:
 * local). With a password set, every command in the table, each subcommand
 * and the MOCK namespace included, must answer NOAUTH before AUTH, except
 * the four Redis lets through (AUTH, HELLO, QUIT, RESET); cmd_check must
 * agree with what cmd_dispatch does. The lookup idiom (arg_key_read,
 * arg_key_write, arg_key_drop_if_empty) keeps its header's contract, and
 * the per-command counters are sized by cmd.c at the first command. The
 * text table holds each text once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "core.h"
#include "mem.h"
#include "rtext.h"

/* Runs line for c; returns the reply (caller frees) and empties c->out. */
static char *dispatch(struct core *core, struct client *c, const char *line)
{
    cmd_dispatch(core, c, resp_split_args(line, strlen(line)));
    char *r = mem_strdup(c->out.p ? c->out.p : "");
    buf_clear(&c->out);
    return r;
}

struct noauth_ctx {
    struct core *core;
    struct client *c;
    char allowed[256]; /* the commands that ran before AUTH, space-separated */
};

/* Sends name [sub] with as many arguments as its arity asks for and checks
 * the reply is NOAUTH (EXEC's form for EXEC), unless it may run before AUTH. */
static void expect_noauth(struct noauth_ctx *x, const struct cmd_def *top, const struct cmd_def *d)
{
    char line[256], want[256];
    int n = snprintf(line, sizeof(line), "%s", top->name);
    if (d != top)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " %s", d->name);
    int argc = d->arity > 0 ? d->arity : -d->arity;
    for (int i = d == top ? 1 : 2; i < argc; i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " 1");
    if ((top->flags | d->flags) & CMD_NOAUTH) {
        snprintf(x->allowed + strlen(x->allowed), sizeof(x->allowed) - strlen(x->allowed), "%s ",
                 line);
        return;
    }
    if (strcmp(top->name, "exec") == 0)
        snprintf(want, sizeof(want), "-EXECABORT Transaction discarded because of: %s\r\n",
                 rtext[RT_NOAUTH]);
    else
        snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_NOAUTH]);
    struct resp_argv *a = resp_split_args(line, strlen(line));
    assert_int_equal(cmd_check(x->core, x->c, a), CMD_REJECT);
    resp_argv_free(a);
    char *got = dispatch(x->core, x->c, line);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got %s", line, got);
    free(got);
}

static void visit(const struct cmd_def *top, void *ud)
{
    if (top->subs == NULL) {
        expect_noauth(ud, top, top);
        return;
    }
    for (const struct cmd_def *s = top->subs; s->name; s++)
        expect_noauth(ud, top, s);
}

static void test_every_command_needs_auth(void **state)
{
    (void)state;
    struct core core;
    cmd_init();
    core_init(&core);
    core.cfg.requirepass = mem_strdup("pw");
    struct noauth_ctx x = {&core, core_client_new(&core), ""};
    cmd_each(visit, &x);
    assert_string_equal(x.allowed, "quit auth 1 hello reset ");
    core_destroy(&core);
}

/* cmd_check leaves unknown commands to an authenticated client's scenario
 * rules, never to an unauthenticated one's, and rejects what Redis rejects
 * before running anything. */
static void test_check(void **state)
{
    (void)state;
    struct core core;
    cmd_init();
    core_init(&core);
    core.cfg.requirepass = mem_strdup("pw");
    struct client *c = core_client_new(&core);
    static const struct {
        const char *line;
        enum cmd_verdict before, after; /* AUTH */
    } cases[] = {
        {"GET k", CMD_REJECT, CMD_PASS},
        {"GET", CMD_REJECT, CMD_REJECT},
        {"NOSUCHCOMMAND x", CMD_REJECT, CMD_UNKNOWN},
        {"CLIENT NOSUCHSUB", CMD_REJECT, CMD_UNKNOWN},
        {"AUTH x", CMD_PASS, CMD_PASS},
        {"MOCK STATS", CMD_REJECT, CMD_PASS},
        {"SHUTDOWN", CMD_REJECT, CMD_PASS},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct resp_argv *a = resp_split_args(cases[i].line, strlen(cases[i].line));
        c->authed = 0;
        assert_int_equal(cmd_check(&core, c, a), cases[i].before);
        c->authed = 1;
        assert_int_equal(cmd_check(&core, c, a), cases[i].after);
        resp_argv_free(a);
    }
    /* inside MULTI, SHUTDOWN is refused and EXEC then aborts */
    free(dispatch(&core, c, "MULTI"));
    struct resp_argv *a = resp_split_args("SHUTDOWN", 8);
    assert_int_equal(cmd_check(&core, c, a), CMD_REJECT);
    resp_argv_free(a);
    char *r = dispatch(&core, c, "SHUTDOWN");
    char want[128];
    snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_NOT_IN_MULTI]);
    assert_string_equal(r, want);
    free(r);
    r = dispatch(&core, c, "EXEC");
    snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_EXECABORT]);
    assert_string_equal(r, want);
    free(r);
    core_destroy(&core);
}

/* --enable-mock-commands: "no" refuses MOCK to everyone, "local" to a
 * client that is neither on the Unix socket nor on a loopback address. */
static void test_mock_mode(void **state)
{
    (void)state;
    struct core core;
    cmd_init();
    core_init(&core);
    struct client *c = core_client_new(&core);
    c->fd = 99; /* pretend a socket: only its address decides */
    static const struct {
        const char *addr;
        int local;
    } addrs[] = {
        {"127.0.0.1:5000", 1},     {"127.1.2.3:5000", 1},     {"::1:5000", 1},
        {"::ffff:127.0.0.1:1", 1}, {"10.0.0.1:5000", 0},      {"::ffff:10.0.0.1:1", 0},
        {"fe80::1:5000", 0},       {"192.168.1.127:5000", 0},
    };
    char want[256];
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
        snprintf(c->addr, sizeof(c->addr), "%s", addrs[i].addr);
        assert_int_equal(core_client_local(c), addrs[i].local);
        core.cfg.mock = CORE_MOCK_LOCAL;
        char *r = dispatch(&core, c, "MOCK CLOCK GET");
        snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_MOCK_NOT_LOCAL]);
        if (addrs[i].local)
            assert_true(r[0] == ':');
        else
            assert_string_equal(r, want);
        free(r);
        core.cfg.mock = CORE_MOCK_YES;
        r = dispatch(&core, c, "MOCK CLOCK GET");
        assert_true(r[0] == ':');
        free(r);
        core.cfg.mock = CORE_MOCK_NO;
        r = dispatch(&core, c, "MOCK CLOCK GET");
        snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_MOCK_DISABLED]);
        assert_string_equal(r, want);
        free(r);
    }
    c->flags |= CL_UNIX;
    core.cfg.mock = CORE_MOCK_LOCAL;
    snprintf(c->addr, sizeof(c->addr), "%s", "/tmp/x.sock:0");
    char *r = dispatch(&core, c, "MOCK CLOCK GET");
    assert_true(r[0] == ':');
    free(r);
    c->fd = -1;
    core_destroy(&core);
}

/* The reply c got since the last call, as a string the caller frees. */
static char *take_out(struct client *c)
{
    char *r = mem_strdup(c->out.p ? c->out.p : "");
    buf_clear(&c->out);
    return r;
}

static void test_key_lookup(void **state)
{
    (void)state;
    struct core core;
    cmd_init();
    core_init(&core);
    struct client *c = core_client_new(&core);
    struct resp_argv *a = resp_split_args("X list str missing", 18);
    struct call k = {&core, c, NULL, a->argc, a->argv, a->argl, a, NULL};
    struct db *db = cmd_db(&k);
    free(dispatch(&core, c, "RPUSH list a"));
    free(dispatch(&core, c, "SET str s"));
    static const struct {
        enum arg_miss miss;
        const char *reply;
    } misses[] = {
        {MISS_NULL, "$-1\r\n"},       {MISS_NULL_ARRAY, "*-1\r\n"}, {MISS_ZERO, ":0\r\n"},
        {MISS_EMPTY_ARRAY, "*0\r\n"}, {MISS_EMPTY_SET, "*0\r\n"},   {MISS_EMPTY_BULK, "$0\r\n\r\n"},
        {MISS_OK, "+OK\r\n"},
    };
    struct obj *o = (struct obj *)&core; /* anything but NULL */
    for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
        uint64_t misses_before = db->misses;
        assert_int_equal(arg_key_read(&k, 3, OBJ_LIST, misses[i].miss, &o), -1);
        assert_null(o);
        assert_int_equal(db->misses, misses_before + 1); /* a read counts */
        char *r = take_out(c);
        assert_string_equal(r, misses[i].reply);
        free(r);
    }
    char want[128];
    snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_NOSUCHKEY]);
    uint64_t misses_before = db->misses;
    assert_int_equal(arg_key_write(&k, 3, OBJ_LIST, MISS_NOSUCHKEY, &o), -1);
    assert_int_equal(db->misses, misses_before); /* a write does not */
    char *r = take_out(c);
    assert_string_equal(r, want);
    free(r);
    /* going on: nothing written */
    assert_int_equal(arg_key_read(&k, 3, OBJ_LIST, MISS_GO, &o), 0);
    assert_null(o);
    assert_int_equal(arg_key_read(&k, 1, OBJ_LIST, MISS_NULL, &o), 0);
    assert_non_null(o);
    assert_int_equal(obj_len(o), 1);
    assert_int_equal(c->out.len, 0);
    /* another type: WRONGTYPE, whatever the miss */
    snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_WRONGTYPE]);
    assert_int_equal(arg_key_write(&k, 2, OBJ_LIST, MISS_CREATE, &o), -1);
    assert_null(o);
    r = take_out(c);
    assert_string_equal(r, want);
    free(r);
    /* MISS_CREATE stores an empty value, which drop_if_empty deletes */
    assert_int_equal(arg_key_write(&k, 3, OBJ_ZSET, MISS_CREATE, &o), 0);
    assert_non_null(o);
    assert_int_equal(o->type, OBJ_ZSET);
    assert_ptr_equal(db_lookup(db, "missing", 7, cmd_now(&k)), o);
    arg_key_drop_if_empty(&k, 3, o);
    assert_null(db_lookup(db, "missing", 7, cmd_now(&k)));
    /* a list that still has an element stays */
    assert_int_equal(arg_key_write(&k, 1, OBJ_LIST, MISS_GO, &o), 0);
    arg_key_drop_if_empty(&k, 1, o);
    assert_non_null(db_lookup(db, "list", 4, cmd_now(&k)));
    assert_int_equal(c->out.len, 0);
    resp_argv_free(a);
    core_destroy(&core);
}

/* The call counters belong to cmd.c: none before the first command, then
 * one per call, zeroed by core_reset_stats. */
static void test_call_counters(void **state)
{
    (void)state;
    struct core core;
    cmd_init();
    core_init(&core);
    const struct cmd_def *ping = cmd_lookup("ping", 4);
    assert_null(core.cmd_calls);
    assert_int_equal(cmd_calls_of(&core, ping), 0);
    core_reset_stats(&core);
    struct client *c = core_client_new(&core);
    free(dispatch(&core, c, "PING"));
    free(dispatch(&core, c, "PING"));
    assert_int_equal(core.ncmd_calls, (size_t)cmd_id_count());
    assert_int_equal(cmd_calls_of(&core, ping), 2);
    core_reset_stats(&core);
    assert_int_equal(cmd_calls_of(&core, ping), 0);
    core_destroy(&core);
}

/* The text table (rtext.h): one entry per text (a duplicate drifts apart
 * from its twin the day one is corrected), printf formats only in the
 * entries named *_FMT (the others are sent as they are), and rtext_msg
 * drops only the generic "ERR " code. */
static void test_rtext_table(void **state)
{
    (void)state;
#define NAME(name, text) #name,
    static const char *const names[RT__COUNT] = {RTEXT_MAP(NAME)};
#undef NAME
    for (int i = 0; i < RT__COUNT; i++) {
        for (int j = i + 1; j < RT__COUNT; j++)
            if (strcmp(rtext[i], rtext[j]) == 0)
                fail_msg("RT_%s and RT_%s have the same text", names[i], names[j]);
        size_t n = strlen(names[i]);
        int is_fmt = n > 4 && strcmp(names[i] + n - 4, "_FMT") == 0;
        if (is_fmt != (strchr(rtext[i], '%') != NULL))
            fail_msg("RT_%s: a %% in the text goes with a name ending in _FMT", names[i]);
    }
    assert_string_equal(rtext_msg(RT_SYNTAX), "syntax error");
    assert_string_equal(rtext_msg(RT_NOAUTH), rtext[RT_NOAUTH]);
    assert_string_equal(rtext_msg(RT_WRONGTYPE), rtext[RT_WRONGTYPE]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_command_needs_auth),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_mock_mode),
        cmocka_unit_test(test_key_lookup),
        cmocka_unit_test(test_call_counters),
        cmocka_unit_test(test_rtext_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
