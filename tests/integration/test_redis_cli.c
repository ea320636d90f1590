/* test_redis_cli.c - Debian's redis-cli (redis-tools) works against
 * mockredis unchanged: PING, SET/GET, its typed (--no-raw) output, and the
 * help it builds from COMMAND DOCS (the synopsis, since and group as
 * redis-server's give them; the summary is ours). Skipped when redis-cli
 * is not installed. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Runs redis-cli with args against port; returns its stdout (static). */
static const char *cli(int port, const char *args)
{
    static char out[4096];
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "redis-cli -h 127.0.0.1 -p %d %s 2>&1", port, args);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, sizeof(out) - 1, f);
    out[n] = '\0';
    int st = pclose(f);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("'%s' exited with %d: %s", cmd, WEXITSTATUS(st), out);
    return out;
}

static int have_redis_cli(void)
{
    return system("command -v redis-cli >/dev/null 2>&1") == 0;
}

static void test_ping_set_get(void **state)
{
    (void)state;
    if (!have_redis_cli())
        skip();
    struct mh_server *s = it_mock(NULL);
    int port = mh_server_port(s);
    assert_string_equal(cli(port, "PING"), "PONG\n");
    assert_string_equal(cli(port, "SET greeting 'hello world'"), "OK\n");
    assert_string_equal(cli(port, "GET greeting"), "hello world\n");
    assert_string_equal(cli(port, "--no-raw GET greeting"), "\"hello world\"\n");
    assert_string_equal(cli(port, "--no-raw GET missing"), "(nil)\n");
    assert_string_equal(cli(port, "--no-raw INCR n"), "(integer) 1\n");
    assert_string_equal(cli(port, "--no-raw INCR greeting"),
                        "(error) ERR value is not an integer or out of range\n");
    it_stop_ok(s);
}

/* out without its "summary:" line (the summaries are ours). */
static void drop_summary(char *out)
{
    char *p = strstr(out, "summary:");
    if (p == NULL)
        return;
    char *bol = p, *eol = strchr(p, '\n');
    while (bol > out && bol[-1] != '\n')
        bol--;
    memmove(bol, eol ? eol + 1 : p + strlen(p), strlen(eol ? eol + 1 : p + strlen(p)) + 1);
}

static void test_help_from_docs(void **state)
{
    (void)state;
    if (!have_redis_cli())
        skip();
    struct mh_server *r = it_redis(NULL);
    if (r == NULL)
        skip();
    struct mh_server *s = it_mock(NULL);
    static const char *const topics[] = {"help set",  "help zadd",   "help client kill",
                                         "help sort", "help blmpop", "help getset"};
    char want[4096];
    for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
        snprintf(want, sizeof(want), "%s", cli(mh_server_port(r), topics[i]));
        drop_summary(want);
        char *got = (char *)cli(mh_server_port(s), topics[i]);
        assert_non_null(strstr(got, "summary:"));
        drop_summary(got);
        assert_string_equal(got, want);
    }
    it_stop_ok(s);
    it_stop(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_set_get),
        cmocka_unit_test(test_help_from_docs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
