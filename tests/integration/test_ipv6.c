/* test_ipv6.c - --bind ::1: the server listens on the IPv6 loopback and
 * hiredis talks to it there. Skipped on machines without IPv6 loopback. */
#include "it.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int have_ipv6_loopback(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = in6addr_loopback;
    int ok = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
    close(fd);
    return ok;
}

static void test_bind_ipv6(void **state)
{
    (void)state;
    if (!have_ipv6_loopback()) {
        print_message("no IPv6 loopback on this machine\n");
        skip();
    }
    const char *args[] = {"--bind", "::1", NULL};
    struct mh_server *s = it_mock(args);
    struct timeval tv = {5, 0};
    redisContext *ctx = redisConnectWithTimeout("::1", mh_server_port(s), tv);
    assert_non_null(ctx);
    if (ctx->err)
        fail_msg("cannot connect to [::1]:%d: %s", mh_server_port(s), ctx->errstr);
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "SET k six");
    it_cmd_expect(ctx, REDIS_REPLY_STRING, "six", "GET k");
    redisFree(ctx);
    /* not on IPv4: only ::1 was asked for */
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), -1);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
