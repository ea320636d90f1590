/* test_redis_cli.c - Debian's redis-cli (redis-tools) works against
 * mockredis unchanged: PING, SET/GET, and its typed (--no-raw) output.
 * Skipped when redis-cli is not installed. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_set_get),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
