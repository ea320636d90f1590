/* test_scn_control.c - the scenario control surface over the protocol:
 * MOCK SCENARIO LOAD / VERDICT / REPORT / RESET / END, driven with hiredis
 * as a test in any language would; what loading refuses (FIFOs, devices,
 * directories, big files) and never tells (the text of a file that is not
 * a scenario); the clock's range; --enable-mock-commands no. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "it.h"
#include "rtext.h"
#include "scn_file.h"

/* Writes text to a new temporary scenario file; the caller frees the name. */
static char *write_scn(const char *text)
{
    char *path = malloc(64);
    assert_non_null(path);
    it_write_temp(path, 64, "scnctl", text);
    return path;
}

static redisReply *cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    return r;
}

static void test_load_verdict_reset(void **state)
{
    (void)state;
    char *good = write_scn("name \"ctl\"\n"
                           "on GET k nth 2 do reply \"bent\"\n"
                           "expect commands GET k == 2\n");
    struct mh_server *srv = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(srv));

    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO LOAD %s", good);
    it_cmd_expect(c, REDIS_REPLY_NIL, NULL, "GET k");

    /* Halfway: one GET of two, so the verdict says FAIL (and MOCK commands
     * themselves are not counted as the client's commands). */
    redisReply *r = cmd(c, "MOCK SCENARIO VERDICT");
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_non_null(strstr(r->str, "): FAIL\n"));
    assert_non_null(strstr(r->str, "FAIL expect commands GET k == 2  (line 3: got 1)"));
    freeReplyObject(r);

    it_cmd_expect(c, REDIS_REPLY_STRING, "bent", "GET k");
    r = cmd(c, "MOCK SCENARIO REPORT");
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_non_null(strstr(r->str, "\"passed\":true"));
    assert_non_null(strstr(r->str, "\"commands\":2"));
    freeReplyObject(r);

    /* RESET: plain Redis again, the rule no longer bends GET. */
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO RESET");
    it_cmd_expect(c, REDIS_REPLY_NIL, NULL, "GET k");
    it_cmd_expect(c, REDIS_REPLY_ERROR, "ERR mockredis: no scenario is being played",
                  "MOCK SCENARIO VERDICT");
    redisFree(c);
    it_stop_ok(srv); /* a loaded scenario does not make the server exit */
    unlink(good);
    free(good);
}

/* CONFIG GET name's value on c. */
static void config_is(redisContext *c, const char *name, const char *want)
{
    redisReply *r = cmd(c, "CONFIG GET %s", name);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    if (strcmp(r->element[1]->str, want) != 0)
        fail_msg("%s is '%s', want '%s'", name, r->element[1]->str, want);
    freeReplyObject(r);
}

/* A scenario's header settings last as long as it plays: RESET gives back
 * what each replaced (a server with no scenario again, not one stuck with
 * the last one's password, maxclients, timeout and virtual clock), and a
 * LOAD applies its header to the settings as they were before the
 * scenario it replaces; a LOAD whose setup fails leaves that one as it was. */
static void test_reset_undoes_header(void **state)
{
    (void)state;
    char *a = write_scn("clock virtual 1000\nmaxclients 5\ntimeout 7\nrequirepass secret\n");
    char *b = write_scn("timeout 3\n");
    char *bad = write_scn("maxclients 9\nsetup\n    RPUSH str x\nend\n"); /* str is a string */
    struct mh_server *srv = it_mock(NULL);
    int port = mh_server_port(srv);
    redisContext *c = it_connect(port);
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "SET str v");

    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO LOAD %s", a);
    config_is(c, "maxclients", "5");
    config_is(c, "timeout", "7");
    config_is(c, "requirepass", "secret");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1000", "MOCK CLOCK GET");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO RESET");
    config_is(c, "maxclients", "10000");
    config_is(c, "timeout", "0");
    config_is(c, "requirepass", "");
    redisReply *r = cmd(c, "MOCK CLOCK GET");
    assert_true(r->integer > 1700000000000LL); /* the wall clock again */
    freeReplyObject(r);
    redisContext *fresh = it_connect(port); /* no password needed */
    it_cmd_expect(fresh, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(fresh);

    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO LOAD %s", a);
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO LOAD %s", b);
    config_is(c, "maxclients", "10000"); /* a's, undone: b sets no maxclients */
    config_is(c, "timeout", "3");
    config_is(c, "requirepass", "");
    r = cmd(c, "MOCK SCENARIO LOAD %s", bad);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
    config_is(c, "maxclients", "10000"); /* b goes on as it was */
    config_is(c, "timeout", "3");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO RESET");
    config_is(c, "timeout", "0");
    redisFree(c);
    it_stop_ok(srv);
    for (char **f = (char *[]){a, b, bad, NULL}; *f; f++) {
        unlink(*f);
        free(*f);
    }
}

static void test_load_errors(void **state)
{
    (void)state;
    char *bad = write_scn("clock sometimes\n");
    char want[256];
    /* the position of the first problem; the text is for mockredis check */
    snprintf(want, sizeof(want),
             "ERR mockredis: %s:1:7: not a valid scenario file (mockredis check FILE names the "
             "problems)",
             bad);
    struct mh_server *srv = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_ERROR, want, "MOCK SCENARIO LOAD %s", bad);
    it_cmd_expect(c, REDIS_REPLY_ERROR,
                  "ERR mockredis: /nonexistent/x.scn: cannot open: No such file or directory",
                  "MOCK SCENARIO LOAD /nonexistent/x.scn");
    /* A failed load leaves no scenario behind. */
    it_cmd_expect(c, REDIS_REPLY_ERROR, "ERR mockredis: no scenario is being played",
                  "MOCK SCENARIO VERDICT");
    redisFree(c);
    it_stop_ok(srv);
    unlink(bad);
    free(bad);
}

/* Only regular files of at most SCN_FILE_MAX bytes are loaded: a FIFO
 * (which used to hang the server in open()), a device, a directory and a
 * bigger file are refused at once, and the server serves on. */
static void test_load_refuses(void **state)
{
    (void)state;
    char dir[64], want[512];
    assert_int_equal(mh_scratch_make(dir, sizeof(dir), "scnctl"), 0);
    char fifo[128], big[128];
    snprintf(fifo, sizeof(fifo), "%s", mh_scratch_path(dir, "fifo.scn"));
    snprintf(big, sizeof(big), "%s", mh_scratch_path(dir, "big.scn"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)SCN_FILE_MAX + 1), 0); /* sparse: no disk used */
    close(fd);

    struct mh_server *srv = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(srv));
    snprintf(want, sizeof(want), "ERR mockredis: %s: not a regular file", fifo);
    it_cmd_expect(c, REDIS_REPLY_ERROR, want, "MOCK SCENARIO LOAD %s", fifo);
    it_cmd_expect(c, REDIS_REPLY_ERROR, "ERR mockredis: /dev/null: not a regular file",
                  "MOCK SCENARIO LOAD /dev/null");
    snprintf(want, sizeof(want), "ERR mockredis: %s: is a directory (give a scenario file)", dir);
    it_cmd_expect(c, REDIS_REPLY_ERROR, want, "MOCK SCENARIO LOAD %s", dir);
    snprintf(want, sizeof(want), "ERR mockredis: %s: file too large for a scenario (over %lld MiB)",
             big, SCN_FILE_MAX >> 20);
    it_cmd_expect(c, REDIS_REPLY_ERROR, want, "MOCK SCENARIO LOAD %s", big);
    it_cmd_expect(c, REDIS_REPLY_STATUS, "PONG", "PING");
    it_cmd_expect(c, REDIS_REPLY_ERROR, "ERR mockredis: no scenario is being played",
                  "MOCK SCENARIO VERDICT");
    redisFree(c);
    it_stop_ok(srv);
    assert_int_equal(mh_scratch_remove(dir), 0);
}

/* A file that does not parse is named with the position of its first
 * problem, never quoted: its first line used to come back in the error
 * (MOCK SCENARIO LOAD /etc/shadow). `mockredis check`, on the terminal of
 * whoever owns the file, still says what is wrong. */
static void test_load_does_not_echo(void **state)
{
    (void)state;
    char *path = write_scn("root:$6$s3cr3t-hash:19000:0:99999:7:::\n");
    char want[512];
    snprintf(want, sizeof(want),
             "ERR mockredis: %s:1:1: not a valid scenario file (mockredis check FILE names the "
             "problems)",
             path);
    struct mh_server *srv = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_ERROR, want, "MOCK SCENARIO LOAD %s", path);
    redisFree(c);
    it_stop_ok(srv);
    unlink(path);
    free(path);
}

/* The virtual clock stays within the year 9999: SET, VIRTUAL and ADVANCE
 * beyond answer an error and move nothing (9223372036854775807 used to
 * overflow: UBSan aborted the server, a plain build wrapped to a negative
 * TIME and SET EX failed). */
static void test_clock_range(void **state)
{
    (void)state;
    struct mh_server *srv = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(srv));
    char range[160];
    snprintf(range, sizeof(range), rtext[RT_MOCK_CLOCK_RANGE_FMT], 253402300799999LL);
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1000000", "MOCK CLOCK SET 1000000");
    it_cmd_expect(c, REDIS_REPLY_ERROR, range, "MOCK CLOCK SET 9223372036854775807");
    it_cmd_expect(c, REDIS_REPLY_ERROR, range, "MOCK CLOCK SET 253402300800000");
    it_cmd_expect(c, REDIS_REPLY_ERROR, range, "MOCK CLOCK VIRTUAL 9223372036854775807");
    it_cmd_expect(c, REDIS_REPLY_ERROR, range, "MOCK CLOCK ADVANCE 9223372036854775807");
    it_cmd_expect(c, REDIS_REPLY_ERROR, range, "MOCK CLOCK ADVANCE 9223372036854775");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1000000", "MOCK CLOCK GET");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "253402300799999", "MOCK CLOCK SET 253402300799999");
    it_cmd_expect(c, REDIS_REPLY_ERROR, range, "MOCK CLOCK ADVANCE 1");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "SET k v EX 100");
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "100", "TTL k");
    redisReply *r = cmd(c, "TIME");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_string_equal(r->element[0]->str, "253402300799");
    freeReplyObject(r);
    redisFree(c);
    it_stop_ok(srv);
}

/* --enable-mock-commands no: the namespace is off, for every client, even
 * on loopback; Redis's commands work. */
static void test_mock_disabled(void **state)
{
    (void)state;
    const char *args[] = {"--enable-mock-commands", "no", NULL};
    struct mh_server *srv = it_mock(args);
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_ERROR, rtext[RT_MOCK_DISABLED], "MOCK CLOCK SET 1");
    it_cmd_expect(c, REDIS_REPLY_ERROR, rtext[RT_MOCK_DISABLED], "MOCK SCENARIO LOAD /etc/passwd");
    it_cmd_expect(c, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(c);
    assert_int_equal(mh_stat(mh_server_port(srv), "commands_processed"), -1);
    it_stop_ok(srv);
}

static void test_end_exits_with_verdict(void **state)
{
    (void)state;
    char *path = write_scn("finish control\n"
                           "on * do hang\n" /* never applies to MOCK */
                           "expect connections == 1\n"
                           "expect commands == 0\n");
    const char *args[] = {"--scenario", path, NULL};
    struct mh_server *srv = it_mock(args);
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO END");
    redisFree(c);
    int status = -1;
    assert_int_equal(mh_server_wait(srv, 5000, &status), 1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0); /* both expectations held */
    it_stop(srv);
    unlink(path);
    free(path);
}

/* One connection with a PING, closed. */
static void ping_once(struct mh_server *srv)
{
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(c);
}

/* "finish idle" ends a scenario 100 ms after the last client left; a
 * client that comes back 400 ms later finds the server gone. "finish idle
 * 2s" waits for it. (Real time: the grace is wall-clock time.) */
static void test_finish_idle_grace(void **state)
{
    (void)state;
    char *quick = write_scn("finish idle\nexpect connections == 2\n");
    char *patient = write_scn("finish idle 2s\nexpect connections == 2\n");
    int status = -1;

    const char *args1[] = {"--scenario", quick, NULL};
    struct mh_server *srv = it_mock(args1);
    ping_once(srv);
    assert_int_equal(mh_server_wait(srv, 5000, &status), 1); /* over without the second */
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1); /* connections == 1: the expectation failed */
    it_stop(srv);

    const char *args2[] = {"--scenario", patient, NULL};
    srv = it_mock(args2);
    ping_once(srv);
    it_sleep_ms(400);
    assert_int_equal(mh_server_wait(srv, 0, &status), 0); /* still waiting */
    ping_once(srv);
    assert_int_equal(mh_server_wait(srv, 10000, &status), 1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    it_stop(srv);

    unlink(quick);
    unlink(patient);
    free(quick);
    free(patient);
}

/* The server's random choices under a scenario play the seed: a fresh
 * server gives the same SRANDMEMBER, SPOP and RANDOMKEY answers for one
 * seed, other answers for another (30 members, 20 draws: alike by chance
 * about once in 10^29). */
static char *random_answers(unsigned seed)
{
    char text[512], file[64];
    snprintf(text, sizeof(text),
             "finish control\n"
             "seed %u\n"
             "setup\n"
             "    SADD s m1 m2 m3 m4 m5 m6 m7 m8 m9 m10 m11 m12 m13 m14 m15 m16 m17 m18 m19 m20 "
             "m21 m22 m23 m24 m25 m26 m27 m28 m29 m30\n"
             "    MSET k1 a k2 b k3 c k4 d k5 e k6 f k7 g k8 h\n"
             "end\n",
             seed);
    struct mh_server *srv = it_mock_scenario(file, sizeof(file), "seed", text);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(srv)), 0);
    struct buf all = BUF_INIT, r = BUF_INIT;
    static const char *const cmds[] = {"SRANDMEMBER s -20", "SPOP s 5", "RANDOMKEY", "RANDOMKEY",
                                       "RANDOMKEY"};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        assert_int_equal(mh_call(&c, cmds[i], &r, 5000), MH_REPLY);
        buf_append(&all, r.p, r.len);
    }
    buf_append(&all, "", 1);
    buf_free(&r);
    mh_conn_close(&c);
    it_stop_ok(srv);
    unlink(file);
    return all.p;
}

static void test_seed_random(void **state)
{
    (void)state;
    char *a = random_answers(7), *b = random_answers(7), *c = random_answers(8);
    assert_string_equal(a, b);
    if (strcmp(a, c) == 0)
        fail_msg("seeds 7 and 8 gave the same random answers: %s", a);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_verdict_reset), cmocka_unit_test(test_reset_undoes_header),
        cmocka_unit_test(test_load_errors),        cmocka_unit_test(test_load_refuses),
        cmocka_unit_test(test_load_does_not_echo), cmocka_unit_test(test_clock_range),
        cmocka_unit_test(test_mock_disabled),      cmocka_unit_test(test_end_exits_with_verdict),
        cmocka_unit_test(test_finish_idle_grace),  cmocka_unit_test(test_seed_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
