/* consumer.c - a user's program against the INSTALLED harness: starts a
 * mockredis through <mockredis/harness.h>, PINGs it, stops it. With an
 * argument, also requires the server to be found under that prefix (the
 * harness's "next to itself" rule). Exit 0 when all of that worked. */
#include <mockredis/harness.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    char err[256];
    const char *bin = mh_mock_bin();
    if (argc > 1 && strncmp(bin, argv[1], strlen(argv[1])) != 0) {
        fprintf(stderr, "consumer: server %s is not under %s\n", bin, argv[1]);
        return 1;
    }
    struct mh_server *s = mh_mock_start(NULL, err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "consumer: %s\n", err);
        return 1;
    }
    int port = mh_server_port(s);
    struct mh_conn c;
    struct mh_bytes reply = MH_BYTES_INIT;
    int rc = mh_conn_open(&c, port) == 0 ? mh_call(&c, "PING", &reply, 5000) : MH_ERROR;
    int ok = rc == MH_REPLY && strcmp(reply.p, "+PONG\r\n") == 0;
    if (!ok)
        fprintf(stderr, "consumer: PING: %s\n", mh_strerror(rc));
    mh_bytes_free(&reply);
    mh_conn_close(&c);
    if (mh_server_stop(s) != 0) {
        fprintf(stderr, "consumer: the server did not stop cleanly\n");
        return 1;
    }
    if (ok)
        printf("consumer: PONG from %s on port %d\n", bin, port);
    return ok ? 0 : 1;
}
