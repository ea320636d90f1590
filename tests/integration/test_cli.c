/* test_cli.c - the mockredis command line: --help and --version exit 0,
 * bad usage exits 2 with a message on stderr, an address it cannot listen
 * on exits 1. The binary is $MOCKREDIS_BIN, else the one this build made. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#ifndef IT_MOCKREDIS_BIN
#define IT_MOCKREDIS_BIN "mockredis"
#endif

struct run {
    int status; /* exit status, or -1 if it did not exit normally */
    char out[8192], err[8192];
};

/* Runs the binary with args (shell words), capturing stdout and stderr. */
static void run(const char *args, struct run *r)
{
    const char *bin = getenv("MOCKREDIS_BIN") ? getenv("MOCKREDIS_BIN") : IT_MOCKREDIS_BIN;
    char errfile[64], cmd[1024];
    snprintf(errfile, sizeof(errfile), "/tmp/mockredis-it-cli-%d.err", (int)getpid());
    snprintf(cmd, sizeof(cmd), "'%s' %s 2>%s </dev/null", bin, args, errfile);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(r->out, 1, sizeof(r->out) - 1, f);
    r->out[n] = '\0';
    int st = pclose(f);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    FILE *e = fopen(errfile, "r");
    n = e ? fread(r->err, 1, sizeof(r->err) - 1, e) : 0;
    r->err[n] = '\0';
    if (e)
        fclose(e);
    remove(errfile);
}

static void test_help(void **state)
{
    (void)state;
    struct run r;
    run("--help", &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: mockredis"));
    assert_non_null(strstr(r.out, "--port"));
    assert_non_null(strstr(r.out, "--maxclients"));
    assert_string_equal(r.err, "");
    run("-h", &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: mockredis"));
}

static void test_version(void **state)
{
    (void)state;
    struct run r;
    run("--version", &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "mockredis"));
}

static void test_unknown_option(void **state)
{
    (void)state;
    struct run r;
    run("--no-such-option", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--no-such-option"));
    assert_string_equal(r.out, "");
    run("--port", &r); /* missing value */
    assert_int_equal(r.status, 2);
    assert_true(r.err[0] != '\0');
    run("--port 0 stray", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "stray"));
}

static void test_bad_values(void **state)
{
    (void)state;
    struct run r;
    run("--port 70000", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--port"));
    assert_non_null(strstr(r.err, "70000"));
    run("--port -1", &r);
    assert_int_equal(r.status, 2);
    run("--port 12x", &r);
    assert_int_equal(r.status, 2);
    run("--maxclients 0", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--maxclients"));
    run("--timeout -5", &r);
    assert_int_equal(r.status, 2);
}

static void test_cannot_listen(void **state)
{
    (void)state;
    struct run r;
    /* a documentation address (TEST-NET-3) is on no local interface */
    run("--port 0 --bind 203.0.113.7", &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "203.0.113.7"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_unknown_option),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_cannot_listen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
