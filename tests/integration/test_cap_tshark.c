/* test_cap_tshark.c - a capture written by cap.c, read by Debian's tshark.
 *
 * The unit test (tests/unit/test_cap.c) checks every header field itself;
 * this one asks the real consumer: tshark opens the file, validates the IP
 * and TCP checksums, runs its TCP analysis (no warning or error allowed
 * except the expected "connection reset"), and its RESP dissector decodes
 * the commands and replies, including a reply written in three pieces and
 * a 100,000-byte argument spread over two segments. The server port is
 * not 6379, so `-d tcp.port==PORT,resp` must do the mapping, as it will for
 * a mockredis on an ephemeral port.
 *
 * tshark is a test dependency (scripts/deps.sh test): when it is missing
 * the test FAILS with the command to install it, it does not skip. */
#include "it.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cap.h"

#define PORT 7777
#define T0   1700000000000000LL
#define BIG  100000

static char dir[64];

static void write_capture(const char *path)
{
    struct sockaddr_in c4, s4;
    memset(&c4, 0, sizeof(c4));
    memset(&s4, 0, sizeof(s4));
    c4.sin_family = s4.sin_family = AF_INET;
    c4.sin_port = htons(50123);
    s4.sin_port = htons(PORT);
    inet_pton(AF_INET, "127.0.0.1", &c4.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &s4.sin_addr);

    char err[256] = "";
    struct cap *cap = cap_open(path, err, sizeof(err));
    if (cap == NULL)
        fail_msg("cap_open: %s", err);
    struct cap_conn *k = cap_conn_open(cap, (struct sockaddr *)&c4, (struct sockaddr *)&s4, T0);
    assert_non_null(k);
    cap_data(k, CAP_TO_SERVER, IT_S("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$11\r\nhello world\r\n"),
             T0 + 10);
    cap_data(k, CAP_TO_CLIENT, IT_S("+OK\r\n"), T0 + 20);
    cap_data(k, CAP_TO_SERVER, IT_S("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"), T0 + 30);
    cap_data(k, CAP_TO_CLIENT, IT_S("$11\r\nhel"), T0 + 40); /* a reply in three pieces */
    cap_data(k, CAP_TO_CLIENT, IT_S("lo wor"), T0 + 50);
    cap_data(k, CAP_TO_CLIENT, IT_S("ld\r\n"), T0 + 60);

    char *big = malloc(BIG + 64);
    assert_non_null(big);
    int h = sprintf(big, "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n", BIG);
    memset(big + h, 'x', BIG);
    memcpy(big + h + BIG, "\r\n", 2);
    cap_data(k, CAP_TO_SERVER, big, (size_t)h + BIG + 2, T0 + 70); /* two segments */
    free(big);
    cap_data(k, CAP_TO_CLIENT, IT_S("-ERR boom\r\n:42\r\n"), T0 + 80);
    cap_conn_close(k, CAP_FIN_CLIENT, T0 + 90);

    struct sockaddr_in6 c6, s6;
    memset(&c6, 0, sizeof(c6));
    memset(&s6, 0, sizeof(s6));
    c6.sin6_family = s6.sin6_family = AF_INET6;
    c6.sin6_port = htons(50124);
    s6.sin6_port = htons(PORT);
    inet_pton(AF_INET6, "::1", &c6.sin6_addr);
    inet_pton(AF_INET6, "::1", &s6.sin6_addr);
    k = cap_conn_open(cap, (struct sockaddr *)&c6, (struct sockaddr *)&s6, T0 + 100);
    assert_non_null(k);
    cap_data(k, CAP_TO_SERVER, IT_S("*1\r\n$4\r\nPING\r\n"), T0 + 110);
    cap_conn_close(k, CAP_RST_SERVER, T0 + 120);
    assert_int_equal(cap_close(cap), 0);
}

/* "534554,6b6579" -> "SET key": tshark prints bulk strings as hex. */
static void unhex_args(const char *hex, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = hex; *p && o + 2 < size; p++) {
        if (*p == ',') {
            out[o++] = ' ';
            continue;
        }
        unsigned v;
        if (sscanf(p, "%2x", &v) != 1)
            fail_msg("not hex: %s", p);
        out[o++] = (char)v;
        p++;
    }
    out[o] = '\0';
}

static void test_tshark_decodes_resp(void **state)
{
    (void)state;
    if (system("command -v tshark >/dev/null 2>&1") != 0)
        fail_msg("tshark is not installed, and this test needs it to decode the capture:\n"
                 "  install it with scripts/deps.sh test (Debian package tshark)");

    char path[96];
    snprintf(path, sizeof(path), "%s/cap.pcap", dir);
    write_capture(path);

    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "tshark -r '%s' -d tcp.port==%d,resp -o tcp.check_checksum:TRUE"
             " -o ip.check_checksum:TRUE -T fields -E separator='|'"
             " -e frame.number -e tcp.srcport -e resp.bulk_string.value -e resp.string"
             " -e resp.error -e resp.integer -e tcp.flags.reset -e tcp.checksum.status"
             " -e ip.checksum.status -e _ws.expert.severity 2>/dev/null",
             path, PORT);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);

    /* Everything RESP decoded, in order, as "> command" and "< reply" lines. */
    char decoded[1024] = "";
    static char line[300000];
    int frames = 0;
    while (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\n")] = '\0';
        char *col[10] = {0};
        char *s = line;
        for (int i = 0; i < 10; i++)
            col[i] = strsep(&s, "|");
        if (col[9] == NULL)
            fail_msg("unexpected tshark line: %.200s", line);
        frames++;
        int from_client = atoi(col[1]) != PORT;
        /* Checksums: TCP always good (1); IP good on IPv4, absent on IPv6. */
        if (strcmp(col[7], "1") != 0 || (col[8][0] && strcmp(col[8], "1") != 0))
            fail_msg("frame %s: checksum status tcp=%s ip=%s", col[0], col[7], col[8]);
        /* Expert severities (comma-separated): warning is 0x600000, error 0x800000. */
        for (char *e = col[9]; e && *e;) {
            long sev = strtol(e, &e, 10);
            if (sev >= 0x600000 && strcmp(col[6], "1") != 0)
                fail_msg("frame %s: tshark reports severity 0x%lx", col[0], sev);
            if (*e == ',')
                e++;
        }
        char text[200];
        size_t used = strlen(decoded);
        if (col[2][0] && strlen(col[2]) < 200) {
            unhex_args(col[2], text, sizeof(text));
            snprintf(decoded + used, sizeof(decoded) - used, "%c %s\n", from_client ? '>' : '<',
                     text);
        } else if (col[2][0]) { /* the big argument: SET big xxx... */
            unhex_args(col[2], text, 20);
            snprintf(decoded + used, sizeof(decoded) - used, "> %s... (%zu hex)\n", text,
                     strlen(col[2]));
        }
        used = strlen(decoded);
        if (col[3][0] || col[4][0] || col[5][0])
            snprintf(decoded + used, sizeof(decoded) - used, "< %s%s%s\n", col[3], col[4], col[5]);
    }
    int rc = pclose(p);
    assert_int_equal(rc, 0);
    assert_int_equal(frames, 30);

    char want[1024];
    snprintf(want, sizeof(want),
             "> SET key hello world\n"
             "< OK\n"
             "> GET key\n"
             "< hello world\n"
             "> SET big\n" /* frame 1 of the big SET: the part before the value */
             "> SET big xxxxxxxxxx... (%d hex)\n" /* reassembled: 3 args */
             "< ERR boom42\n"
             "> PING\n",
             2 * (3 + 3 + BIG) + 2); /* hex of SET, big, the value, and two commas */
    if (strcmp(decoded, want) != 0)
        fail_msg("tshark decoded:\n%s\nwant:\n%s", decoded, want);
}

static int setup(void **state)
{
    (void)state;
    return mh_scratch_make(dir, sizeof(dir), "it_cap_tshark");
}

static int teardown(void **state)
{
    (void)state;
    return mh_scratch_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tshark_decodes_resp),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
