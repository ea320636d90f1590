/* test_lessonlib.c - the lessons' own library (lessons/) against
 * mockredis: the struct user of pitfall P2 (user.h), stored as JSON in a
 * string key and as fields of a hash, with the decoding of stored values
 * that come from elsewhere (never half-copied into the struct); and the
 * readers of the scenario report (ls_verdict, ls_counter in lesson.h),
 * which parse its JSON instead of searching the text, and of the record
 * of commands (ls_history).
 *
 * struct user is a lesson's domain type, not part of the client layer: it
 * lives with the lessons, links jansson there, and is built only with
 * them (MOCKREDIS_LESSONS). */
#include "it.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"
#include "rc.h"
#include "rtext.h"
#include "user.h"

static struct rc_conn *lu_connect(int port)
{
    struct rc_config cfg = rc_config_default();
    assert_int_equal(rc_config_set_host(&cfg, "127.0.0.1", port), RC_OK);
    struct rc_conn *c = NULL;
    char err[128] = "";
    enum rc_status st = rc_connect(&cfg, &c, err, sizeof(err));
    if (st != RC_OK)
        fail_msg("rc_connect: %s: %s", rc_strerror(st), err);
    return c;
}

/* Requires status want; prints the connection's message otherwise. */
static void lu_status(struct rc_conn *c, enum rc_status got, enum rc_status want)
{
    if (got != want)
        fail_msg("status %d (%s: %s), want %d (%s)", got, rc_strerror(got), rc_errmsg(c), want,
                 rc_strerror(want));
}

static void lu_get_expect(struct rc_conn *c, const char *key, const char *want, size_t wantlen)
{
    struct rc_value v = RC_VALUE_INIT;
    lu_status(c, rc_get(c, key, strlen(key), &v), RC_OK);
    assert_true(rc_value_eq(&v, want, wantlen));
    rc_value_free(&v);
}

static void test_user_json_and_hash(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct rc_conn *c = lu_connect(mh_server_port(s));

    struct user u = {"ann \"the\" best", 3};
    struct user back;
    lu_status(c, user_save_json(c, RC_LIT("user:1"), &u, 0), RC_OK);
    const char *json = "{\"name\":\"ann \\\"the\\\" best\",\"visits\":3}";
    lu_get_expect(c, "user:1", json, strlen(json));
    lu_status(c, user_load_json(c, RC_LIT("user:1"), &back), RC_OK);
    assert_string_equal(back.name, u.name);
    assert_int_equal(back.visits, 3);

    lu_status(c, user_load_json(c, RC_LIT("user:none"), &back), RC_MISSING);
    /* Stored values from elsewhere are checked, never half-copied. */
    const char *bad[] = {"not json", "[1,2]", "{\"name\":\"x\"}", "{\"name\":1,\"visits\":1}",
                         "{\"name\":\"x\",\"visits\":99999999999}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lu_status(c, rc_set(c, RC_LIT("user:bad"), bad[i], strlen(bad[i]), 0), RC_OK);
        memset(&back, 'x', sizeof(back));
        lu_status(c, user_load_json(c, RC_LIT("user:bad"), &back), RC_WRONGTYPE);
        assert_true(rc_errmsg(c)[0] != '\0'); /* why, for the caller (rc_set_errmsg) */
        assert_string_equal(back.name, "");
        assert_int_equal(back.visits, 0);
    }
    /* A name without its NUL inside the array is refused before sending. */
    struct user unterminated;
    memset(unterminated.name, 'a', sizeof(unterminated.name));
    unterminated.visits = 0;
    lu_status(c, user_save_json(c, RC_LIT("user:2"), &unterminated, 0), RC_ERR_ARG);
    lu_status(c, user_save_hash(c, RC_LIT("user:2"), &unterminated), RC_ERR_ARG);
    struct user latin1 = {"caf\xe9", 0};
    lu_status(c, user_save_json(c, RC_LIT("user:2"), &latin1, 0), RC_ERR_ARG);

    /* As a hash: fields updated alone. */
    lu_status(c, user_save_hash(c, RC_LIT("user:h"), &u), RC_OK);
    int visits = 0;
    lu_status(c, user_visit(c, RC_LIT("user:h"), &visits), RC_OK);
    assert_int_equal(visits, 4);
    struct rc_value v = RC_VALUE_INIT;
    lu_status(c, rc_hget_field(c, RC_LIT("user:h"), RC_LIT("visits"), &v), RC_OK);
    assert_string_equal(v.str, "4");
    rc_value_free(&v);
    lu_status(c, rc_hset_field(c, RC_LIT("user:h"), RC_LIT("name"), RC_LIT("bob")), RC_OK);
    lu_status(c, user_load_hash(c, RC_LIT("user:h"), &back), RC_OK);
    assert_string_equal(back.name, "bob");
    assert_int_equal(back.visits, 4);
    lu_status(c, user_load_hash(c, RC_LIT("user:none"), &back), RC_MISSING);
    lu_status(c, user_visit(c, RC_LIT("user:v"), NULL), RC_OK); /* creates the field only */
    lu_status(c, user_load_hash(c, RC_LIT("user:v"), &back), RC_WRONGTYPE);
    lu_status(c, user_load_hash(c, RC_LIT("user:1"), &back), RC_WRONGTYPE); /* a string key */
    assert_string_equal(rc_errmsg(c), rtext[RT_WRONGTYPE]);
    lu_status(c, user_visit(c, RC_LIT("user:1"), &visits), RC_WRONGTYPE);

    assert_int_equal(rc_connects(c), 1);
    rc_close(c);
    it_stop_ok(s);
}

/* The readers take the report's structure, not the first match of the
 * text: a counter is looked up among "counters" only (the expectations
 * that follow also have keys such as "line" and "actual"), and the
 * verdict is the top-level "passed". */
static void test_report_readers(void **state)
{
    (void)state;
    struct mh_server *s = ls_server(NULL);
    assert_non_null(s);
    char path[64];
    it_write_temp(path, sizeof(path), "lessonlib",
                  "name \"a failing scenario\"\n"
                  "expect commands GET never >= 1\n");
    struct mh_conn c = {-1, BUF_INIT};
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    char line[128];
    snprintf(line, sizeof(line), "MOCK SCENARIO LOAD %s", path);
    it_line_expect(&c, line, "+OK\r\n");
    it_line_expect(&c, "PING", "+PONG\r\n");

    char json[512] = "";
    assert_int_equal(ls_verdict(s, json, sizeof(json)), 0);
    assert_non_null(strstr(json, "\"a failing scenario\""));
    assert_int_equal(ls_counter(s, "commands"), 1); /* the PING */
    assert_int_equal(ls_counter(s, "no_such_counter"), -1);
    assert_int_equal(ls_counter(s, "line"), -1);   /* an expectation's, not a counter */
    assert_int_equal(ls_counter(s, "actual"), -1); /* idem */

    mh_conn_close(&c);
    unlink(path);
    ls_server_stop(s);
}

/* ls_history: the commands of the scenario's connections, in order, with
 * their connection, first arguments (cut to 47 bytes) and reply types;
 * MOCK commands and the lesson's control connection are not among them. */
static void test_history_reader(void **state)
{
    (void)state;
    struct mh_server *s = ls_server(NULL); /* its control connection: not in the record */
    assert_non_null(s);
    char path[64];
    it_write_temp(path, sizeof(path), "lessonlib", "name \"history\"\n");
    struct mh_conn ld = {-1, BUF_INIT}, a = {-1, BUF_INIT}, b = {-1, BUF_INIT};
    assert_int_equal(mh_conn_open(&ld, mh_server_port(s)), 0);
    char line[128];
    snprintf(line, sizeof(line), "MOCK SCENARIO LOAD %s", path);
    it_line_expect(&ld, line, "+OK\r\n");
    mh_conn_close(&ld);
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0); /* the scenario's conn 1 */
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0); /* conn 2 */
    it_line_expect(&a, "SET k 1", "+OK\r\n");
    it_line_expect(&b, "GET nothing", "$-1\r\n");
    it_line_expect(&b, "INCR k", ":2\r\n");
    it_line_send(&b, "MOCK STATS"); /* never recorded */
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(&b, &r, 5000), MH_REPLY);
    buf_free(&r);
    char set[160];
    snprintf(set, sizeof(set), "SET %060d v", 7); /* a key longer than the 47 bytes kept */
    it_line_expect(&a, set, "+OK\r\n");

    int n = -1;
    struct ls_seen *h = ls_history(s, &n);
    assert_non_null(h);
    assert_int_equal(n, 4);
    assert_int_equal(h[0].conn, 1);
    assert_int_equal(h[0].argc, 3);
    assert_string_equal(h[0].argv[0], "SET");
    assert_string_equal(h[0].argv[2], "1");
    assert_string_equal(h[0].argv[3], "");
    assert_string_equal(h[0].reply, "simple");
    assert_int_equal(h[1].conn, 2);
    assert_string_equal(h[1].argv[1], "nothing");
    assert_string_equal(h[1].reply, "nil");
    assert_string_equal(h[2].argv[0], "INCR");
    assert_string_equal(h[2].reply, "integer");
    assert_int_equal(h[3].conn, 1);
    assert_int_equal(strlen(h[3].argv[1]), 47);
    assert_string_equal(h[3].argv[2], "v");
    free(h);
    mh_conn_close(&a);
    mh_conn_close(&b);
    unlink(path);
    ls_server_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_json_and_hash),
        cmocka_unit_test(test_report_readers),
        cmocka_unit_test(test_history_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
