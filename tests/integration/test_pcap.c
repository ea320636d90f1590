/* test_pcap.c - `mockredis --pcap FILE` records what really crossed the
 * sockets.
 *
 * A mockredis plays a scenario that resets on GET k and writes a capture.
 * Two connections: PING then a normal close by the client, and GET k,
 * reset by the server. The capture is read back with libpcap: per
 * connection, the bytes in each direction are exactly what was sent and
 * received, the handshake opens it, and the teardown is the one that
 * happened (client FIN, server RST); FILE.notes names the rule that fired.
 * Frame-level details are unit-tested in tests/unit/test_cap.c, decoding
 * by tshark in cap_tshark. */
#include "it.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], pcap_path[128], scn_path[128], notes_path[160];

/* One connection as seen in the capture: bytes each way and its flags. */
struct stream {
    uint16_t port; /* the client's */
    char up[256], down[256];
    size_t uplen, downlen;
    uint8_t first_flags, last_flags;
    int last_from_server;
};

static void read_streams(struct stream *st, int max, int *n)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(pcap_path, err);
    if (p == NULL)
        fail_msg("pcap_open_offline: %s", err);
    struct pcap_pkthdr *h;
    const u_char *d;
    *n = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        size_t ip = 14, iphl = (d[12] == 0x08) ? (size_t)(d[ip] & 0x0f) * 4 : 40;
        const u_char *th = d + ip + iphl;
        uint16_t sport = (uint16_t)(th[0] << 8 | th[1]), dport = (uint16_t)(th[2] << 8 | th[3]);
        size_t thl = (size_t)(th[12] >> 4) * 4, plen = h->len - ip - iphl - thl;
        /* The client is the side that sent the SYN. */
        struct stream *s = NULL;
        for (int i = 0; i < *n; i++)
            if (st[i].port == sport || st[i].port == dport)
                s = &st[i];
        if (s == NULL) {
            assert_int_equal(th[13], 0x02); /* a new connection starts with a SYN */
            assert_true(*n < max);
            s = &st[(*n)++];
            memset(s, 0, sizeof(*s));
            s->port = sport;
            s->first_flags = th[13];
        }
        int srv = dport == s->port;
        char *buf = srv ? s->down : s->up;
        size_t *len = srv ? &s->downlen : &s->uplen;
        assert_true(*len + plen < sizeof(s->up));
        memcpy(buf + *len, th + thl, plen);
        *len += plen;
        s->last_flags = th[13];
        s->last_from_server = srv;
    }
    pcap_close(p);
}

static void test_pcap_records_traffic(void **state)
{
    (void)state;
    const char *args[] = {"--pcap", pcap_path, "--scenario", scn_path, NULL};
    struct mh_server *s = it_mock(args);
    int port = mh_server_port(s);

    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_raw_expect(&c, IT_S("*1\r\n$4\r\nPING\r\n"), IT_S("+PONG\r\n"));
    mh_conn_close(&c);

    assert_int_equal(mh_conn_open(&c, port), 0);
    assert_int_equal(mh_send(c.fd, IT_S("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")), 0);
    struct buf r = BUF_INIT;
    int got = mh_read_reply(&c, &r, 5000);
    assert_true(got == MH_ERROR || got == MH_EOF); /* reset, no reply */
    buf_free(&r);
    mh_conn_close(&c);
    usleep(100 * 1000); /* let the server see the first client's FIN */
    it_stop_ok(s);

    struct stream st[4];
    int n;
    read_streams(st, 4, &n);
    assert_int_equal(n, 2);
    assert_int_equal(st[0].uplen, 14);
    assert_memory_equal(st[0].up, "*1\r\n$4\r\nPING\r\n", 14);
    assert_int_equal(st[0].downlen, 7);
    assert_memory_equal(st[0].down, "+PONG\r\n", 7);
    assert_int_equal(st[0].last_flags, 0x10); /* FIN, FIN, then the client's last ACK */
    assert_int_equal(st[0].last_from_server, 0);

    assert_int_equal(st[1].uplen, 20);
    assert_int_equal(st[1].downlen, 0);
    assert_int_equal(st[1].last_flags, 0x14); /* RST|ACK */
    assert_int_equal(st[1].last_from_server, 1);

    FILE *f = fopen(notes_path, "r");
    assert_non_null(f);
    char line[256] = "";
    assert_non_null(fgets(line, sizeof(line), f));
    fclose(f);
    if (strstr(line, "conn 2 rule 1: reset") == NULL)
        fail_msg("notes: %s", line);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/it_pcap.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(pcap_path, sizeof(pcap_path), "%s/cap.pcap", dir);
    snprintf(notes_path, sizeof(notes_path), "%s.notes", pcap_path);
    snprintf(scn_path, sizeof(scn_path), "%s/reset.scn", dir);
    FILE *f = fopen(scn_path, "w");
    if (f == NULL)
        return -1;
    fputs("name \"pcap\"\nfinish control\non GET k do reset\n", f);
    return fclose(f);
}

static int teardown(void **state)
{
    (void)state;
    unlink(pcap_path);
    unlink(notes_path);
    unlink(scn_path);
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_records_traffic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
