/* test_cmd.c - unit tests of the dispatcher's checks (cmd.c).
 *
 * A core without sockets and clients made by core_client_new (no socket:
 * local). With a password set, every command in the table, each subcommand
 * and the MOCK namespace included, must answer NOAUTH before AUTH, except
 * the four Redis lets through (AUTH, HELLO, QUIT, RESET); cmd_check must
 * agree with what cmd_dispatch does. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_command_needs_auth),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_mock_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
