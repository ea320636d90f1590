/* test_cap.c - unit tests of cap.c, the capture writer.
 *
 * Each test writes a synthetic conversation with the cap_ API, reads the
 * file back with libpcap (pcap_open_offline) and decodes every frame here,
 * independently of cap.c: Ethernet, IPv4/IPv6 and TCP headers, lengths,
 * flags, sequence and acknowledgement arithmetic, and both checksums
 * recomputed from scratch. Decoding by tshark's RESP dissector is checked
 * by the integration test cap_tshark. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cap.h"
#include "mh.h"
#include "mr_err.h"
#include "wire.h"

#define S(lit) (lit), (sizeof(lit) - 1)
#define T0     1700000000123456LL /* a timestamp, microseconds */

/* ---- reading a capture back ---------------------------------------------------- */

struct frame {
    int64_t ts_us;
    uint32_t len;
    int v6;
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    size_t tcp_hlen;
    uint8_t opts[40];
    uint8_t *payload;
    size_t plen;
};

struct capfile {
    struct frame f[64];
    size_t n;
};

/* RFC 1071 checksum over a list of (pointer, length) parts, written here
 * without any code from cap.c: the parts are concatenated first. */
static uint16_t csum(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    uint8_t *all = malloc(an + bn + 1);
    assert_non_null(all);
    memcpy(all, a, an);
    if (bn)
        memcpy(all + an, b, bn);
    all[an + bn] = 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < an + bn; i += 2)
        sum += (uint64_t)all[i] * 256 + all[i + 1];
    free(all);
    while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)(~sum & 0xffff);
}

/* Decodes and checks one frame's headers; fills fr. */
static void decode(const struct pcap_pkthdr *h, const uint8_t *p, struct frame *fr)
{
    memset(fr, 0, sizeof(*fr));
    assert_int_equal(h->caplen, h->len);
    fr->ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
    fr->len = h->len;
    /* Ethernet: our two locally administered MACs, one each way. */
    assert_true(h->len >= 14);
    assert_int_equal(p[0], 0x02);
    assert_int_equal(p[6], 0x02);
    assert_true(p[5] != p[11]);
    uint16_t type = wire_get16(p + 12);
    const uint8_t *ip = p + 14;
    const uint8_t *th;
    size_t tcplen;
    uint8_t pseudo[40];
    size_t pslen;
    if (type == 0x0800) {
        assert_true(h->len >= 14 + 20 + 20);
        assert_int_equal(ip[0], 0x45);
        assert_int_equal(wire_get16(ip + 2), h->len - 14); /* total length */
        assert_int_equal(wire_get16(ip + 6), 0x4000);      /* DF, no fragment */
        assert_int_equal(ip[9], 6);
        assert_int_equal(csum(ip, 20, NULL, 0), 0); /* header checksum holds */
        memcpy(fr->src, ip + 12, 4);
        memcpy(fr->dst, ip + 16, 4);
        th = ip + 20;
        tcplen = h->len - 14 - 20;
        memcpy(pseudo, ip + 12, 8);
        pseudo[8] = 0;
        pseudo[9] = 6;
        pseudo[10] = (uint8_t)(tcplen >> 8);
        pseudo[11] = (uint8_t)tcplen;
        pslen = 12;
    } else {
        assert_int_equal(type, 0x86dd);
        fr->v6 = 1;
        assert_true(h->len >= 14 + 40 + 20);
        assert_int_equal(ip[0] >> 4, 6);
        assert_int_equal(wire_get16(ip + 4), h->len - 14 - 40); /* payload length */
        assert_int_equal(ip[6], 6);
        memcpy(fr->src, ip + 8, 16);
        memcpy(fr->dst, ip + 24, 16);
        th = ip + 40;
        tcplen = h->len - 14 - 40;
        memcpy(pseudo, ip + 8, 32);
        pseudo[32] = (uint8_t)(tcplen >> 24);
        pseudo[33] = (uint8_t)(tcplen >> 16);
        pseudo[34] = (uint8_t)(tcplen >> 8);
        pseudo[35] = (uint8_t)tcplen;
        pseudo[36] = pseudo[37] = pseudo[38] = 0;
        pseudo[39] = 6;
        pslen = 40;
    }
    assert_int_equal(csum(pseudo, pslen, th, tcplen), 0); /* TCP checksum holds */
    fr->sport = wire_get16(th);
    fr->dport = wire_get16(th + 2);
    fr->seq = wire_get32(th + 4);
    fr->ack = wire_get32(th + 8);
    fr->tcp_hlen = (size_t)(th[12] >> 4) * 4;
    assert_true(fr->tcp_hlen >= 20 && fr->tcp_hlen <= tcplen);
    fr->flags = th[13];
    fr->win = wire_get16(th + 14);
    memcpy(fr->opts, th + 20, fr->tcp_hlen - 20);
    fr->plen = tcplen - fr->tcp_hlen;
    fr->payload = malloc(fr->plen + 1);
    assert_non_null(fr->payload);
    memcpy(fr->payload, th + fr->tcp_hlen, fr->plen);
}

static void read_capture(const char *path, struct capfile *cf)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    if (p == NULL)
        fail_msg("pcap_open_offline(%s): %s", path, err);
    assert_int_equal(pcap_datalink(p), DLT_EN10MB);
    assert_int_equal(pcap_snapshot(p), 65535);
    cf->n = 0;
    struct pcap_pkthdr *h;
    const u_char *data;
    int r;
    while ((r = pcap_next_ex(p, &h, &data)) == 1) {
        assert_true(cf->n < sizeof(cf->f) / sizeof(cf->f[0]));
        decode(h, data, &cf->f[cf->n++]);
    }
    assert_int_equal(r, PCAP_ERROR_BREAK); /* clean end of file */
    pcap_close(p);
}

static void capfile_free(struct capfile *cf)
{
    for (size_t i = 0; i < cf->n; i++)
        free(cf->f[i].payload);
    cf->n = 0;
}

/* ---- fixtures ------------------------------------------------------------------ */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    return mh_scratch_make(tmpdir, sizeof(tmpdir), "test_cap");
}

static int teardown(void **state)
{
    (void)state;
    return mh_scratch_remove(tmpdir);
}

static const char *tmp(const char *name)
{
    return mh_scratch_path(tmpdir, name);
}

static struct sockaddr_in sin4(const char *ip, uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
    return a;
}

static struct sockaddr_in6 sin6(const char *ip, uint16_t port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    assert_int_equal(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
    return a;
}

/* The reply split in three writes, as a scenario "pieces" plan does. */
static const char HELLO[] = "$11\r\nhello world\r\n";
static const size_t CUT1 = 3, CUT2 = 9;

/* Writes the standard conversation: handshake at T0, PING at T0+100,
 * +PONG at T0+200, HELLO in three segments at T0+300/400/500, teardown at
 * T0+600. */
static void conversation(const char *path, const struct sockaddr *cli, const struct sockaddr *srv,
                         enum cap_end how)
{
    char err[256] = "";
    struct cap *cap = cap_open(path, err, sizeof(err));
    if (cap == NULL)
        fail_msg("cap_open: %s", err);
    struct cap_conn *c = cap_conn_open(cap, cli, srv, T0);
    assert_non_null(c);
    assert_int_equal(cap_frames(cap), 3);
    assert_int_equal(cap_data(c, CAP_TO_SERVER, S("*1\r\n$4\r\nPING\r\n"), T0 + 100), 0);
    assert_int_equal(cap_data(c, CAP_TO_CLIENT, S("+PONG\r\n"), T0 + 200), 0);
    assert_int_equal(cap_data(c, CAP_TO_CLIENT, HELLO, CUT1, T0 + 300), 0);
    assert_int_equal(cap_data(c, CAP_TO_CLIENT, HELLO + CUT1, CUT2 - CUT1, T0 + 400), 0);
    assert_int_equal(cap_data(c, CAP_TO_CLIENT, HELLO + CUT2, strlen(HELLO) - CUT2, T0 + 500), 0);
    assert_int_equal(cap_conn_close(c, how, T0 + 600), 0);
    assert_string_equal(cap_errstr(cap), "");
    assert_int_equal(cap_close(cap), 0);
}

/* Checks a frame's direction (0: client to server), flags, seq/ack and payload length. */
static void expect(const struct frame *f, int from_server, uint8_t flags, uint32_t seq,
                   uint32_t ack, size_t plen)
{
    if (f->flags != flags)
        fail_msg("flags 0x%02x, want 0x%02x", f->flags, flags);
    assert_int_equal(f->sport, from_server ? 6379 : 50123);
    assert_int_equal(f->dport, from_server ? 50123 : 6379);
    assert_int_equal(f->seq, seq);
    assert_int_equal(f->ack, (flags & WIRE_ACK) ? ack : 0);
    assert_int_equal(f->plen, plen);
}

/* Checks the whole standard conversation; returns nothing, fails on error. */
static void check_conversation(const struct capfile *cf, const uint8_t *caddr, const uint8_t *saddr,
                               size_t alen, enum cap_end how)
{
    int rst = how == CAP_RST_CLIENT || how == CAP_RST_SERVER;
    assert_int_equal(cf->n, 3 + 2 + 2 + 6 + (rst ? 1 : 3));
    const struct frame *f = cf->f;

    /* Addresses: the client's on every frame it sends, the server's back. */
    for (size_t i = 0; i < cf->n; i++) {
        int from_srv = f[i].sport == 6379;
        assert_memory_equal(f[i].src, from_srv ? saddr : caddr, alen);
        assert_memory_equal(f[i].dst, from_srv ? caddr : saddr, alen);
        assert_int_equal(f[i].v6, alen == 16);
    }

    /* Handshake: SYN with options, SYN-ACK acknowledging ic+1, ACK. */
    uint32_t ic = f[0].seq, is = f[1].seq;
    expect(&f[0], 0, WIRE_SYN, ic, 0, 0);
    expect(&f[1], 1, WIRE_SYN | WIRE_ACK, is, ic + 1, 0);
    expect(&f[2], 0, WIRE_ACK, ic + 1, is + 1, 0);
    static const uint8_t opts[8] = {2, 4, 0xfd, 0xe8, 1, 3, 3, 7}; /* MSS 65000, WS 7 */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(f[i].tcp_hlen, 28);
        assert_memory_equal(f[i].opts, opts, 8);
    }
    assert_int_equal(f[2].tcp_hlen, 20);
    uint32_t c = ic + 1, s = is + 1;

    /* PING and its ACK. */
    expect(&f[3], 0, WIRE_PSH | WIRE_ACK, c, s, 14);
    assert_memory_equal(f[3].payload, "*1\r\n$4\r\nPING\r\n", 14);
    c += 14;
    expect(&f[4], 1, WIRE_ACK, s, c, 0);
    /* +PONG and its ACK. */
    expect(&f[5], 1, WIRE_PSH | WIRE_ACK, s, c, 7);
    assert_memory_equal(f[5].payload, "+PONG\r\n", 7);
    s += 7;
    expect(&f[6], 0, WIRE_ACK, c, s, 0);
    /* The reply in three segments, each acknowledged. */
    size_t cuts[4] = {0, CUT1, CUT2, strlen(HELLO)};
    for (int k = 0; k < 3; k++) {
        size_t n = cuts[k + 1] - cuts[k];
        expect(&f[7 + 2 * k], 1, WIRE_PSH | WIRE_ACK, s, c, n);
        assert_memory_equal(f[7 + 2 * k].payload, HELLO + cuts[k], n);
        s += (uint32_t)n;
        expect(&f[8 + 2 * k], 0, WIRE_ACK, c, s, 0);
        assert_int_equal(f[7 + 2 * k].ts_us, T0 + 300 + 100 * k);
    }

    /* Teardown. */
    const struct frame *t = &f[13];
    switch (how) {
    case CAP_FIN_CLIENT:
        expect(&t[0], 0, WIRE_FIN | WIRE_ACK, c, s, 0);
        expect(&t[1], 1, WIRE_FIN | WIRE_ACK, s, c + 1, 0);
        expect(&t[2], 0, WIRE_ACK, c + 1, s + 1, 0);
        break;
    case CAP_FIN_SERVER:
        expect(&t[0], 1, WIRE_FIN | WIRE_ACK, s, c, 0);
        expect(&t[1], 0, WIRE_FIN | WIRE_ACK, c, s + 1, 0);
        expect(&t[2], 1, WIRE_ACK, s + 1, c + 1, 0);
        break;
    case CAP_RST_SERVER: expect(&t[0], 1, WIRE_RST | WIRE_ACK, s, c, 0); break;
    case CAP_RST_CLIENT: expect(&t[0], 0, WIRE_RST | WIRE_ACK, c, s, 0); break;
    }

    /* Timestamps as passed in; windows: 65535 everywhere (scaled after the SYNs). */
    assert_int_equal(f[0].ts_us, T0);
    assert_int_equal(f[3].ts_us, T0 + 100);
    assert_int_equal(f[5].ts_us, T0 + 200);
    assert_int_equal(f[cf->n - 1].ts_us, T0 + 600);
    for (size_t i = 0; i < cf->n; i++)
        assert_int_equal(f[i].win, 65535);
}

/* ---- tests --------------------------------------------------------------------- */

static void run_v4(enum cap_end how)
{
    struct sockaddr_in cli = sin4("10.1.2.3", 50123), srv = sin4("127.0.0.1", 6379);
    const char *path = tmp("v4.pcap");
    conversation(path, (struct sockaddr *)&cli, (struct sockaddr *)&srv, how);
    struct capfile cf;
    read_capture(path, &cf);
    check_conversation(&cf, (const uint8_t *)&cli.sin_addr, (const uint8_t *)&srv.sin_addr, 4, how);
    /* Lengths: 14 + 20 + 28 for a SYN, 14 + 20 + 20 + payload otherwise. */
    assert_int_equal(cf.f[0].len, 62);
    assert_int_equal(cf.f[2].len, 54);
    assert_int_equal(cf.f[3].len, 54 + 14);
    capfile_free(&cf);
}

static void run_v6(enum cap_end how)
{
    struct sockaddr_in6 cli = sin6("2001:db8::1", 50123), srv = sin6("::1", 6379);
    const char *path = tmp("v6.pcap");
    conversation(path, (struct sockaddr *)&cli, (struct sockaddr *)&srv, how);
    struct capfile cf;
    read_capture(path, &cf);
    check_conversation(&cf, (const uint8_t *)&cli.sin6_addr, (const uint8_t *)&srv.sin6_addr, 16,
                       how);
    assert_int_equal(cf.f[0].len, 14 + 40 + 28);
    assert_int_equal(cf.f[5].len, 14 + 40 + 20 + 7);
    capfile_free(&cf);
}

static void test_v4_fin_client(void **state)
{
    (void)state;
    run_v4(CAP_FIN_CLIENT);
}

static void test_v4_fin_server(void **state)
{
    (void)state;
    run_v4(CAP_FIN_SERVER);
}

static void test_v4_rst_server(void **state)
{
    (void)state;
    run_v4(CAP_RST_SERVER);
}

static void test_v6_fin_client(void **state)
{
    (void)state;
    run_v6(CAP_FIN_CLIENT);
}

static void test_v6_rst_server(void **state)
{
    (void)state;
    run_v6(CAP_RST_SERVER);
}

static void test_v6_rst_client(void **state)
{
    (void)state;
    run_v6(CAP_RST_CLIENT);
}

/* Same inputs, same bytes; other addresses, other sequence numbers. */
static void test_deterministic(void **state)
{
    (void)state;
    struct sockaddr_in cli = sin4("10.1.2.3", 50123), srv = sin4("127.0.0.1", 6379);
    conversation(tmp("a.pcap"), (struct sockaddr *)&cli, (struct sockaddr *)&srv, CAP_FIN_CLIENT);
    conversation(tmp("b.pcap"), (struct sockaddr *)&cli, (struct sockaddr *)&srv, CAP_FIN_CLIENT);
    FILE *a = fopen(tmp("a.pcap"), "rb"), *b = fopen(tmp("b.pcap"), "rb");
    assert_non_null(a);
    assert_non_null(b);
    static char ba[8192], bb[8192];
    size_t na = fread(ba, 1, sizeof(ba), a), nb = fread(bb, 1, sizeof(bb), b);
    fclose(a);
    fclose(b);
    assert_true(na > 24 && na < sizeof(ba));
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);

    struct sockaddr_in cli2 = sin4("10.1.2.3", 50124);
    conversation(tmp("c.pcap"), (struct sockaddr *)&cli2, (struct sockaddr *)&srv, CAP_FIN_CLIENT);
    struct capfile x, y;
    read_capture(tmp("a.pcap"), &x);
    read_capture(tmp("c.pcap"), &y);
    assert_true(x.f[0].seq != y.f[0].seq);
    capfile_free(&x);
    capfile_free(&y);
}

/* A write longer than a segment: 65000 + 65000 + 20000, each acknowledged. */
static void test_split_large(void **state)
{
    (void)state;
    size_t total = 150000;
    char *big = malloc(total);
    assert_non_null(big);
    for (size_t i = 0; i < total; i++)
        big[i] = (char)('a' + i % 26);
    struct sockaddr_in cli = sin4("10.1.2.3", 50123), srv = sin4("127.0.0.1", 6379);
    struct cap *cap = cap_open(tmp("big.pcap"), NULL, 0);
    assert_non_null(cap);
    struct cap_conn *c = cap_conn_open(cap, (struct sockaddr *)&cli, (struct sockaddr *)&srv, T0);
    assert_int_equal(cap_data(c, CAP_TO_CLIENT, big, total, T0 + 1), 0);
    assert_int_equal(cap_data(c, CAP_TO_CLIENT, big, 0, T0 + 2), 0); /* nothing */
    assert_int_equal(cap_conn_close(c, CAP_FIN_CLIENT, T0 + 3), 0);
    assert_int_equal(cap_close(cap), 0);

    struct capfile cf;
    read_capture(tmp("big.pcap"), &cf);
    assert_int_equal(cf.n, 3 + 6 + 3);
    uint32_t s = cf.f[1].seq + 1, c0 = cf.f[0].seq + 1;
    size_t sizes[3] = {65000, 65000, 20000}, off = 0;
    for (int k = 0; k < 3; k++) {
        expect(&cf.f[3 + 2 * k], 1, WIRE_PSH | WIRE_ACK, s, c0, sizes[k]);
        assert_memory_equal(cf.f[3 + 2 * k].payload, big + off, sizes[k]);
        assert_int_equal(cf.f[3 + 2 * k].len, 54 + sizes[k]);
        s += (uint32_t)sizes[k];
        off += sizes[k];
        expect(&cf.f[4 + 2 * k], 0, WIRE_ACK, c0, s, 0);
    }
    expect(&cf.f[9], 0, WIRE_FIN | WIRE_ACK, c0, s, 0);
    capfile_free(&cf);
    free(big);
}

/* Two connections interleaved; cap_close ends the one left open. */
static void test_two_conns_and_close_all(void **state)
{
    (void)state;
    struct sockaddr_in a = sin4("127.0.0.1", 50123), b = sin4("127.0.0.1", 50124),
                       srv = sin4("127.0.0.1", 6379);
    struct cap *cap = cap_open(tmp("two.pcap"), NULL, 0);
    struct cap_conn *ca = cap_conn_open(cap, (struct sockaddr *)&a, (struct sockaddr *)&srv, T0);
    struct cap_conn *cb =
        cap_conn_open(cap, (struct sockaddr *)&b, (struct sockaddr *)&srv, T0 + 10);
    assert_non_null(ca);
    assert_non_null(cb);
    assert_int_equal(cap_data(ca, CAP_TO_SERVER, S("*1\r\n$4\r\nPING\r\n"), T0 + 20), 0);
    assert_int_equal(cap_data(cb, CAP_TO_SERVER, S("*1\r\n$4\r\nPING\r\n"), T0 + 30), 0);
    assert_int_equal(cap_conn_close(ca, CAP_FIN_CLIENT, T0 + 40), 0);
    assert_int_equal(cap_frames(cap), 3 + 3 + 2 + 2 + 3);
    assert_int_equal(cap_close(cap), 0); /* writes cb's teardown, frees cb */

    struct capfile cf;
    read_capture(tmp("two.pcap"), &cf);
    assert_int_equal(cf.n, 16);
    const struct frame *t = &cf.f[13]; /* cb, server FIN at the last timestamp */
    assert_int_equal(t[0].sport, 6379);
    assert_int_equal(t[0].dport, 50124);
    assert_int_equal(t[0].flags, WIRE_FIN | WIRE_ACK);
    assert_int_equal(t[0].ts_us, T0 + 40);
    assert_int_equal(t[2].flags, WIRE_ACK);
    capfile_free(&cf);
}

/* IPv4-mapped IPv6 addresses are IPv4 on the wire; mixed or non-IP ones are not captured. */
static void test_addresses(void **state)
{
    (void)state;
    struct sockaddr_in6 m1 = sin6("::ffff:10.0.0.1", 50123), m2 = sin6("::ffff:10.0.0.2", 6379),
                        v6 = sin6("::1", 6379);
    struct sockaddr_in v4 = sin4("10.0.0.2", 6379);
    struct sockaddr_un un;
    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;

    struct cap *cap = cap_open(tmp("addr.pcap"), NULL, 0);
    assert_non_null(cap);
    assert_null(cap_conn_open(cap, (struct sockaddr *)&m1, (struct sockaddr *)&v6, T0));
    assert_null(cap_conn_open(cap, (struct sockaddr *)&un, (struct sockaddr *)&un, T0));
    assert_null(cap_conn_open(cap, NULL, (struct sockaddr *)&v4, T0));
    assert_int_equal(cap_frames(cap), 0);
    struct cap_conn *c = cap_conn_open(cap, (struct sockaddr *)&m1, (struct sockaddr *)&m2, T0);
    assert_non_null(c);
    struct cap_conn *d = cap_conn_open(cap, (struct sockaddr *)&m1, (struct sockaddr *)&v4, T0);
    assert_non_null(d);
    cap_conn_close(c, CAP_RST_SERVER, T0);
    cap_conn_close(d, CAP_RST_SERVER, T0);
    assert_int_equal(cap_close(cap), 0);

    struct capfile cf;
    read_capture(tmp("addr.pcap"), &cf);
    assert_int_equal(cf.n, 8);
    for (size_t i = 0; i < cf.n; i++)
        assert_int_equal(cf.f[i].v6, 0);
    uint8_t want[4] = {10, 0, 0, 1};
    assert_memory_equal(cf.f[0].src, want, 4);
    capfile_free(&cf);
}

/* With no capture every call is a no-op. */
static void test_null(void **state)
{
    (void)state;
    struct sockaddr_in v4 = sin4("10.0.0.2", 6379);
    assert_null(cap_conn_open(NULL, (struct sockaddr *)&v4, (struct sockaddr *)&v4, T0));
    assert_int_equal(cap_data(NULL, CAP_TO_SERVER, "x", 1, T0), 0);
    assert_int_equal(cap_note(NULL, T0, "x"), 0);
    assert_int_equal(cap_conn_close(NULL, CAP_RST_SERVER, T0), 0);
    assert_int_equal(cap_close(NULL), 0);
    assert_int_equal(cap_frames(NULL), 0);
    assert_string_equal(cap_errstr(NULL), "");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Notes: "<last frame> <ts> <text>", created on the first note, a stale file removed. */
static void test_notes(void **state)
{
    (void)state;
    const char *path = tmp("n.pcap");
    char notes[160];
    snprintf(notes, sizeof(notes), "%s.notes", path);
    FILE *stale = fopen(notes, "w");
    assert_non_null(stale);
    fputs("stale\n", stale);
    fclose(stale);

    struct sockaddr_in cli = sin4("127.0.0.1", 50123), srv = sin4("127.0.0.1", 6379);
    struct cap *cap = cap_open(path, NULL, 0);
    assert_non_null(cap);
    assert_null(slurp(notes)); /* the stale notes are gone */
    struct cap_conn *c = cap_conn_open(cap, (struct sockaddr *)&cli, (struct sockaddr *)&srv, T0);
    assert_int_equal(cap_data(c, CAP_TO_SERVER, S("*1\r\n$4\r\nPING\r\n"), T0 + 5), 0);
    assert_int_equal(cap_note(c, T0 + 5, "scenario rule 2: reset\nafter PING"), 0);
    assert_int_equal(cap_conn_close(c, CAP_RST_SERVER, 1000007LL), 0);
    assert_int_equal(cap_close(cap), 0);
    assert_string_equal(slurp(notes), "5 1700000000.123461 scenario rule 2: reset after PING\n");
}

static void test_open_fails(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(cap_open("/nonexistent-dir/x.pcap", err, sizeof(err)));
    assert_true(strlen(err) > 0);
    assert_null(cap_open("/nonexistent-dir/x.pcap", NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_fin_client),
        cmocka_unit_test(test_v4_fin_server),
        cmocka_unit_test(test_v4_rst_server),
        cmocka_unit_test(test_v6_fin_client),
        cmocka_unit_test(test_v6_rst_server),
        cmocka_unit_test(test_v6_rst_client),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_split_large),
        cmocka_unit_test(test_two_conns_and_close_all),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_open_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
