/* test_unixsocket.c - --unixsocket: the server listens on a Unix socket as
 * well as on TCP, both see the same keyspace, and the socket file is
 * removed on a clean shutdown. */
#include "it.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_unix_and_tcp(void **state)
{
    (void)state;
    char path[108];
    snprintf(path, sizeof(path), "/tmp/mockredis-it-%d.sock", (int)getpid());
    const char *args[] = {"--unixsocket", path, NULL};
    struct mh_server *s = it_mock(args);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));

    struct timeval tv = {5, 0};
    redisContext *u = redisConnectUnixWithTimeout(path, tv);
    assert_non_null(u);
    if (u->err)
        fail_msg("cannot connect to %s: %s", path, u->errstr);
    it_cmd_expect(u, REDIS_REPLY_STATUS, "PONG", "PING");
    it_cmd_expect(u, REDIS_REPLY_STATUS, "OK", "SET via unix");

    redisContext *t = it_connect(mh_server_port(s));
    it_cmd_expect(t, REDIS_REPLY_STRING, "unix", "GET via");
    it_cmd_expect(t, REDIS_REPLY_STATUS, "OK", "SET via tcp");
    it_cmd_expect(u, REDIS_REPLY_STRING, "tcp", "GET via");
    redisFree(u);
    redisFree(t);
    it_stop_ok(s);
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_and_tcp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
