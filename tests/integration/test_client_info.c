/* test_client_info.c - the cmd= field of CLIENT INFO / CLIENT LIST names
 * the last command the way redis-server does ("get", "config|get",
 * "client|info" ...; NULL after an unknown command, exec after EXEC),
 * checked against a redis-server started here.
 *
 * Command names are not unique in the table (GET and CONFIG GET), so a name
 * is not enough to tell which ran. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Runs line on c, then reads the cmd= value of c's line in CLIENT LIST
 * through the other connection o, into out. */
static void ci_cmd_after(struct mh_conn *c, struct mh_conn *o, long long id, const char *line,
                         char *out, size_t size)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, line, &r, 5000), MH_REPLY);
    char list[64];
    snprintf(list, sizeof(list), "CLIENT LIST ID %lld", id);
    assert_int_equal(mh_call(o, list, &r, 5000), MH_REPLY);
    const char *p = strstr(r.p, " cmd=");
    assert_non_null(p);
    p += 5;
    size_t n = strcspn(p, " ");
    snprintf(out, size, "%.*s", (int)n, p);
    buf_free(&r);
}

static long long ci_id(struct mh_conn *c)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, "CLIENT ID", &r, 5000), MH_REPLY);
    long long id = strtoll(r.p + 1, NULL, 10);
    buf_free(&r);
    return id;
}

static void test_cmd_field(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "GET k",          "CONFIG GET maxclients",
        "SET k v",        "CLIENT ID",
        "CLIENT GETNAME", "PING",
        "COMMAND COUNT",  "LPUSH l a",
        "OBJECT_NO_SUCH", "DBSIZE",
        "CONFIG NOSUCH",  "GET",
        "CONFIG",         "MULTI",
        "GET k",          "INCR k",
        "EXEC",           "CLIENT LIST ID 0",
        "HELLO 2",        "DISCARD",
    };
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle (scripts/deps.sh installs it)");
    struct mh_server *mock = it_mock(NULL);
    struct mh_conn rc, mc, ro, mo;
    assert_int_equal(mh_conn_open(&rc, mh_server_port(redis)), 0);
    assert_int_equal(mh_conn_open(&mc, mh_server_port(mock)), 0);
    assert_int_equal(mh_conn_open(&ro, mh_server_port(redis)), 0);
    assert_int_equal(mh_conn_open(&mo, mh_server_port(mock)), 0);
    long long rid = ci_id(&rc), mid = ci_id(&mc);
    int seen_get = 0;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        char want[64], got[64];
        ci_cmd_after(&rc, &ro, rid, lines[i], want, sizeof(want));
        ci_cmd_after(&mc, &mo, mid, lines[i], got, sizeof(got));
        if (strcmp(want, got) != 0)
            fail_msg("after %s: redis-server says cmd=%s, mockredis cmd=%s", lines[i], want, got);
        seen_get |= strcmp(got, "get") == 0;
    }
    assert_true(seen_get); /* not two servers agreeing on nonsense */
    mh_conn_close(&rc);
    mh_conn_close(&mc);
    mh_conn_close(&ro);
    mh_conn_close(&mo);
    it_stop_ok(mock);
    it_stop(redis);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmd_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
