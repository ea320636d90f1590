/* test_user_cache.c - cmocka tests of a Redis client (hiredis) against a
 * mockredis started for each test by the installed harness.
 *
 * Each test names a scenario (miss.scn, hit.scn): the server plays it
 * (its setup fills the keyspace) and counts what the client sends; the
 * test then ends the scenario, and the server exits 0 when every `expect`
 * line held, 1 when one failed, after printing its verdict on stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>
#include <mockredis/harness.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* ---- the code under test: cache-aside lookup of a user's name ---------------- */

/* Writes the name of user id into out: from Redis, or on a miss from the
 * database (here: made up), then cached for 5 minutes. 0, or -1 on error. */
static int user_name(redisContext *rc, int id, char *out, size_t size)
{
    redisReply *r = redisCommand(rc, "GET user:%d", id);
    int rv = -1;
    if (r != NULL && r->type == REDIS_REPLY_STRING) {
        snprintf(out, size, "%s", r->str);
        rv = 0;
    } else if (r != NULL && r->type == REDIS_REPLY_NIL) {
        snprintf(out, size, "user-%d-from-db", id);
        redisReply *set = redisCommand(rc, "SET user:%d %s EX 300", id, out);
        rv = set != NULL && set->type == REDIS_REPLY_STATUS ? 0 : -1;
        freeReplyObject(set);
    }
    freeReplyObject(r);
    return rv;
}

/* ---- one mockredis per test ---------------------------------------------------- */

struct fixture {
    struct mh_server *server;
    redisContext *rc;
};

/* *state is the scenario's file name (cmocka's prestate); becomes the fixture. */
static int start_server(void **state)
{
    static struct fixture f;
    char err[256];
    const char *args[] = {"--scenario", *state, NULL};
    f.server = mh_mock_start(args, err, sizeof(err));
    if (f.server == NULL) {
        fprintf(stderr, "cannot start mockredis: %s\n", err);
        return -1;
    }
    f.rc = redisConnect("127.0.0.1", mh_server_port(f.server));
    *state = &f;
    return f.rc != NULL && f.rc->err == 0 ? 0 : -1;
}

/* Ends the scenario (MOCK SCENARIO END): the server exits with its verdict. */
static void assert_scenario_passed(struct fixture *f)
{
    struct mh_conn c;
    struct mh_bytes reply = MH_BYTES_INIT;
    int status = -1;
    assert_int_equal(mh_conn_open(&c, mh_server_port(f->server)), 0);
    assert_int_equal(mh_call(&c, "MOCK SCENARIO END", &reply, 5000), MH_REPLY);
    mh_bytes_free(&reply);
    mh_conn_close(&c);
    assert_true(mh_server_wait(f->server, 10000, &status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the scenario failed: the server's verdict is above");
}

static int stop_server(void **state)
{
    struct fixture *f = *state;
    redisFree(f->rc);
    mh_server_stop(f->server); /* already gone after assert_scenario_passed */
    return 0;
}

/* ---- the tests ------------------------------------------------------------------- */

static void test_miss_loads_and_caches(void **state)
{
    struct fixture *f = *state;
    char name[64];
    assert_int_equal(user_name(f->rc, 42, name, sizeof(name)), 0);
    assert_string_equal(name, "user-42-from-db");
    assert_scenario_passed(f);
}

static void test_hit_reads_redis_only(void **state)
{
    struct fixture *f = *state;
    char name[64];
    assert_int_equal(user_name(f->rc, 1, name, sizeof(name)), 0);
    assert_string_equal(name, "ann");
    assert_scenario_passed(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_miss_loads_and_caches, start_server,
                                                 stop_server, SCENARIO_DIR "/miss.scn"),
        cmocka_unit_test_prestate_setup_teardown(test_hit_reads_redis_only, start_server,
                                                 stop_server, SCENARIO_DIR "/hit.scn"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
