/* test_pcap.c - `mockredis --pcap FILE` records what really crossed the
 * sockets.
 *
 * A mockredis plays a scenario that resets on GET k and writes a capture.
 * Two connections: PING then a normal close by the client, and GET k,
 * reset by the server. The capture is read back with libpcap: per
 * connection, the bytes in each direction are exactly what was sent and
 * received, the handshake opens it, and the teardown is the one that
 * happened (client FIN, server RST); FILE.notes names the rule that fired,
 * and each strict step by its number (docs/scenarios.md, "Capture notes").
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

/* A strict block of three steps: the notes name steps 1, 2 and 3 (they
 * used to say "strict step 0" for every one). */
static void test_pcap_notes_strict_steps(void **state)
{
    (void)state;
    char scn[64], cap[160], notes[200];
    it_write_temp(scn, sizeof(scn), "it_pcap_strict",
                  "finish control\n"
                  "strict\n"
                  "    > GET a\n"
                  "    < \"1\"\n"
                  "    > GET b\n"
                  "    < \"2\"\n"
                  "    > PING\n"
                  "    < PONG\n"
                  "end\n");
    snprintf(cap, sizeof(cap), "%s/strict.pcap", dir);
    snprintf(notes, sizeof(notes), "%s.notes", cap);
    const char *args[] = {"--pcap", cap, "--scenario", scn, NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    it_raw_expect(&c, IT_S("*2\r\n$3\r\nGET\r\n$1\r\na\r\n"), IT_S("$1\r\n1\r\n"));
    it_raw_expect(&c, IT_S("*2\r\n$3\r\nGET\r\n$1\r\nb\r\n"), IT_S("$1\r\n2\r\n"));
    it_raw_expect(&c, IT_S("*1\r\n$4\r\nPING\r\n"), IT_S("+PONG\r\n"));
    mh_conn_close(&c);
    it_stop_ok(s);

    FILE *f = fopen(notes, "r");
    assert_non_null(f);
    char line[256];
    for (int step = 1; step <= 3; step++) {
        char want[64];
        snprintf(want, sizeof(want), " conn 1 strict step %d: reply\n", step);
        assert_non_null(fgets(line, sizeof(line), f));
        /* "<frame> <seconds>.<micros> <text>" */
        unsigned frame;
        long long sec, usec;
        int off = 0;
        assert_int_equal(sscanf(line, "%u %lld.%6lld%n", &frame, &sec, &usec, &off), 3);
        if (strcmp(line + off, want) != 0)
            fail_msg("note %d: '%s', want '%s'", step, line, want);
    }
    assert_null(fgets(line, sizeof(line), f)); /* nothing else happened */
    fclose(f);
    unlink(cap);
    unlink(notes);
    unlink(scn);
}

/* Every frame of a capture: timestamp, TCP flags and payload. */
struct frame {
    long long ts_us;
    uint8_t flags;
    char payload[64];
    size_t plen;
};

static int read_frames(const char *path, struct frame *f, int max)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    if (p == NULL)
        fail_msg("pcap_open_offline: %s", err);
    struct pcap_pkthdr *h;
    const u_char *d;
    int n = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        assert_true(n < max);
        size_t ip = 14, iphl = (size_t)(d[ip] & 0x0f) * 4; /* IPv4: loopback */
        const u_char *th = d + ip + iphl;
        size_t thl = (size_t)(th[12] >> 4) * 4, plen = h->len - ip - iphl - thl;
        assert_true(plen <= sizeof(f[n].payload));
        f[n].ts_us = (long long)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
        f[n].flags = th[13];
        memcpy(f[n].payload, th + thl, plen);
        f[n].plen = plen;
        n++;
    }
    pcap_close(p);
    return n;
}

/* One run of "clock virtual START": PING, SET, the clock moved 1.5 s, GET, QUIT. */
static int virtual_run(const char *scn, const char *cap, struct frame *f, int max)
{
    const char *args[] = {"--pcap", cap, "--scenario", scn, NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    it_raw_expect(&c, IT_S("*1\r\n$4\r\nPING\r\n"), IT_S("+PONG\r\n"));
    it_raw_expect(&c, IT_S("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), IT_S("+OK\r\n"));
    it_raw_expect(&c, IT_S("MOCK CLOCK ADVANCE 1500\r\n"), IT_S(":1700000001500\r\n"));
    it_raw_expect(&c, IT_S("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), IT_S("$1\r\nv\r\n"));
    /* QUIT: the server closes first, so the teardown is written when it
     * closes, whatever the timing of this process. */
    it_raw_expect(&c, IT_S("*1\r\n$4\r\nQUIT\r\n"), IT_S("+OK\r\n"));
    it_expect_eof(&c, 5000);
    mh_conn_close(&c);
    it_stop_ok(s);
    return read_frames(cap, f, max);
}

/* With "clock virtual START", two runs give the same capture: the same
 * frames with the same timestamps, flags and payloads. (Only the client's
 * ephemeral port, and what is derived from it - the initial sequence
 * numbers and the checksums - can differ; same addresses give the same
 * bytes, see tests/unit/test_cap.c.) */
static void test_pcap_virtual_clock_repeatable(void **state)
{
    (void)state;
    char scn[64], cap1[160], cap2[160];
    it_write_temp(scn, sizeof(scn), "it_pcap_virt",
                  "clock virtual 1700000000000\nfinish control\n");
    snprintf(cap1, sizeof(cap1), "%s/virt1.pcap", dir);
    snprintf(cap2, sizeof(cap2), "%s/virt2.pcap", dir);
    static struct frame a[64], b[64];
    int na = virtual_run(scn, cap1, a, 64);
    int nb = virtual_run(scn, cap2, b, 64);
    assert_int_equal(na, nb);
    assert_true(na >= 3 + 5 * 2 + 3);                 /* handshake, 5 exchanges, teardown */
    assert_int_equal(a[0].ts_us, 1700000000000000LL); /* the SYN: START, not now */
    long long last_ts = 0;
    for (int i = 0; i < na; i++) {
        if (a[i].ts_us != b[i].ts_us || a[i].flags != b[i].flags || a[i].plen != b[i].plen ||
            memcmp(a[i].payload, b[i].payload, a[i].plen) != 0)
            fail_msg("frame %d differs: ts %lld/%lld flags %02x/%02x len %zu/%zu", i + 1,
                     a[i].ts_us, b[i].ts_us, a[i].flags, b[i].flags, a[i].plen, b[i].plen);
        if (a[i].plen == 7 && memcmp(a[i].payload, "$1\r\nv\r\n", 7) == 0)
            last_ts = a[i].ts_us;
    }
    assert_int_equal(last_ts, 1700000001500000LL); /* GET's reply: after the advance */
    unlink(cap1);
    unlink(cap2);
    char notes[200];
    snprintf(notes, sizeof(notes), "%s.notes", cap1);
    unlink(notes);
    snprintf(notes, sizeof(notes), "%s.notes", cap2);
    unlink(notes);
    unlink(scn);
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
        cmocka_unit_test(test_pcap_notes_strict_steps),
        cmocka_unit_test(test_pcap_virtual_clock_repeatable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
