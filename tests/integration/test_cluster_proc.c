/* test_cluster_proc.c - `mockredis --cluster N --replicas R`: one process,
 * N*(1+R) nodes, each on its own port with its own configuration and
 * counters; the port file lists them in node order (docs/cluster.md). */
#include "it.h"

#include <stdlib.h>
#include <string.h>

/* A field of INFO's reply, as a number. */
static long long info_ll(redisContext *ctx, const char *field)
{
    redisReply *r = redisCommand(ctx, "INFO");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    char key[64];
    snprintf(key, sizeof(key), "\r\n%s:", field);
    const char *p = strstr(r->str, key);
    if (p == NULL)
        fail_msg("INFO has no %s", field);
    long long v = atoll(p + strlen(key));
    freeReplyObject(r);
    return v;
}

static void test_nodes_and_ports(void **state)
{
    (void)state;
    const char *args[] = {"--cluster", "3", "--replicas", "1", NULL};
    struct mh_server *s = it_mock(args);
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 6);
    assert_int_equal(ports[0], mh_server_port(s));
    redisContext *ctx[6];
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j < i; j++)
            assert_int_not_equal(ports[i], ports[j]);
        ctx[i] = it_connect(ports[i]);
        it_cmd_expect(ctx[i], REDIS_REPLY_STATUS, "PONG", "PING");
    }
    /* each node has its own configuration ... */
    it_cmd_expect(ctx[0], REDIS_REPLY_STATUS, "OK", "CONFIG SET maxclients 77");
    redisReply *r = redisCommand(ctx[1], "CONFIG GET maxclients");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_string_equal(r->element[1]->str, "10000");
    freeReplyObject(r);
    /* ... and its own counters: node 4 took one more connection */
    redisContext *extra = it_connect(ports[4]);
    it_cmd_expect(extra, REDIS_REPLY_STATUS, "PONG", "PING");
    assert_int_equal(info_ll(ctx[4], "total_connections_received"), 2);
    assert_int_equal(info_ll(ctx[5], "total_connections_received"), 1);
    assert_int_equal(info_ll(ctx[3], "connected_clients"), 1);
    redisFree(extra);
    for (int i = 0; i < 6; i++)
        redisFree(ctx[i]);
    it_stop_ok(s);
}

/* A standalone server's port file has its one port. */
static void test_standalone_ports(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 1);
    assert_int_equal(ports[0], mh_server_port(s));
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodes_and_ports),
        cmocka_unit_test(test_standalone_ports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
