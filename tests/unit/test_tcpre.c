/* test_tcpre.c - unit tests of rec_tcpre.c, the TCP reassembler.
 *
 * Frames are built by hand here (link header, IPv4 or IPv6, TCP; no
 * checksums, which tcpre does not read) and passed to tcpre_frame one by
 * one. A recording sink writes every callback as a line of text ("open 1
 * 10.0.0.1:40000>10.0.0.2:6379 syn @0", "data 1 c2s 6 @1", "gap ...",
 * "close 1 fin @5"), checks the callback order the header promises, and
 * keeps each direction's bytes, so a test states the whole outcome in one
 * comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "mr_err.h"
#include "rec_tcpre.h"
#include "wire.h"

/* Link types of the builder; LINK_VLAN2 is Ethernet with two 802.1Q tags. */
#define LINK_VLAN2 1001

/* ---- the recording sink ---------------------------------------------------------- */

#define MAX_IDS 8

struct rec {
    struct buf log;
    struct buf stream[MAX_IDS + 1][2]; /* [id][dir] */
    int state[MAX_IDS + 1];            /* 0 unseen, 1 open, 2 closed */
    struct tcpre_flow flow[MAX_IDS + 1];
};

static struct rec R;

static const char *dirname_(enum tcpre_dir d)
{
    return d == TCPRE_C2S ? "c2s" : "s2c";
}

static void rec_open(void *ud, int id, const struct tcpre_flow *f, int syn, int64_t ts)
{
    struct rec *r = ud;
    assert_true(id >= 1 && id <= MAX_IDS);
    assert_int_equal(r->state[id], 0);
    r->state[id] = 1;
    r->flow[id] = *f;
    char c[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
    inet_ntop(f->family, f->cli_addr, c, sizeof(c));
    inet_ntop(f->family, f->srv_addr, s, sizeof(s));
    buf_printf(&r->log, "open %d %s:%u>%s:%u %s @%lld\n", id, c, f->cli_port, s, f->srv_port,
               syn ? "syn" : "mid", (long long)ts);
}

static void rec_data(void *ud, int id, enum tcpre_dir d, const uint8_t *p, size_t n, int64_t ts)
{
    struct rec *r = ud;
    assert_true(id >= 1 && id <= MAX_IDS);
    assert_int_equal(r->state[id], 1);
    assert_true(n > 0);
    buf_append(&r->stream[id][d], p, n);
    buf_printf(&r->log, "data %d %s %zu @%lld\n", id, dirname_(d), n, (long long)ts);
}

static void rec_gap(void *ud, int id, enum tcpre_dir d, uint64_t n, int64_t ts)
{
    struct rec *r = ud;
    assert_true(id >= 1 && id <= MAX_IDS);
    assert_int_equal(r->state[id], 1);
    assert_true(n > 0);
    buf_printf(&r->log, "gap %d %s %llu @%lld\n", id, dirname_(d), (unsigned long long)n,
               (long long)ts);
}

static void rec_close(void *ud, int id, enum tcpre_end how, int64_t ts)
{
    struct rec *r = ud;
    assert_true(id >= 1 && id <= MAX_IDS);
    assert_int_equal(r->state[id], 1);
    r->state[id] = 2;
    buf_printf(&r->log, "close %d %s @%lld\n", id,
               how == TCPRE_FIN   ? "fin"
               : how == TCPRE_RST ? "rst"
                                  : "eof",
               (long long)ts);
}

static const struct tcpre_sink SINK = {&R, rec_open, rec_data, rec_gap, rec_close};

static const char *LOG(void)
{
    return R.log.p ? R.log.p : "";
}

static const char *STREAM(int id, enum tcpre_dir d)
{
    return R.stream[id][d].p ? R.stream[id][d].p : "";
}

static void rec_clear(void)
{
    buf_free(&R.log);
    for (int i = 0; i <= MAX_IDS; i++) {
        buf_free(&R.stream[i][0]);
        buf_free(&R.stream[i][1]);
    }
    memset(&R, 0, sizeof(R));
}

/* ---- the frame builder --------------------------------------------------------- */

struct ep {
    int v6;
    uint8_t addr[16];
    uint16_t port;
};

static struct ep ep4(const char *ip, uint16_t port)
{
    struct ep e;
    memset(&e, 0, sizeof(e));
    assert_int_equal(inet_pton(AF_INET, ip, e.addr), 1);
    e.port = port;
    return e;
}

static struct ep ep6(const char *ip, uint16_t port)
{
    struct ep e;
    memset(&e, 0, sizeof(e));
    e.v6 = 1;
    assert_int_equal(inet_pton(AF_INET6, ip, e.addr), 1);
    e.port = port;
    return e;
}

/* Options for unusual frames. */
struct opt {
    int ip_proto;   /* 0: TCP */
    int v6_ext;     /* IPv6: add hop-by-hop and destination-options headers */
    int v6_frag;    /* IPv6: add a fragment header */
    int v4_frag;    /* IPv4: set MF */
    int ihl;        /* IPv4 header length in words, 0: 5 */
    int doff;       /* TCP data offset in words, 0: 5 */
    size_t pad_to;  /* Ethernet: pad the frame to this length */
    int bad_totlen; /* IPv4: total length 100 bytes more than there is */
};

static const struct opt NOOPT;

/* Writes a frame into out (at least 2048 bytes); returns its length. */
static size_t build_x(uint8_t *out, int link, const struct ep *s, const struct ep *d, uint32_t seq,
                      uint32_t ack, uint8_t flags, const void *data, size_t len,
                      const struct opt *o)
{
    size_t n = 0;
    uint16_t etype = s->v6 ? 0x86dd : 0x0800;
    switch (link) {
    case TCPRE_LINK_ETHERNET:
    case LINK_VLAN2:
        memcpy(out, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
        n = 12;
        if (link == LINK_VLAN2) {
            wire_put16(out + n, 0x88a8);
            wire_put16(out + n + 2, 100);
            wire_put16(out + n + 4, 0x8100);
            wire_put16(out + n + 6, 200);
            n += 8;
        }
        wire_put16(out + n, etype);
        n += 2;
        break;
    case TCPRE_LINK_NULL: {
        uint32_t af = s->v6 ? 30 : 2; /* host order, as on the capturing machine */
        memcpy(out, &af, 4);
        n = 4;
        break;
    }
    case TCPRE_LINK_LOOP:
        wire_put32(out, s->v6 ? 24 : 2);
        n = 4;
        break;
    case TCPRE_LINK_RAW:
    case 12: n = 0; break;
    case TCPRE_LINK_LINUX_SLL:
        memset(out, 0, 16);
        wire_put16(out + 2, 772); /* ARPHRD_LOOPBACK */
        wire_put16(out + 4, 6);
        wire_put16(out + 14, etype);
        n = 16;
        break;
    case TCPRE_LINK_LINUX_SLL2:
        memset(out, 0, 20);
        wire_put16(out, etype);
        wire_put32(out + 4, 1);   /* interface index */
        wire_put16(out + 8, 772); /* ARPHRD_LOOPBACK */
        out[11] = 6;
        n = 20;
        break;
    default: fail_msg("no builder for link %d", link);
    }
    uint8_t *ip = out + n;
    size_t iphl;
    int proto = o->ip_proto ? o->ip_proto : 6;
    size_t doff = (size_t)(o->doff ? o->doff : 5) * 4;
    size_t l4len = (proto == 6 ? (doff < 20 ? 20 : doff) : 8) + len;
    if (s->v6) {
        memset(ip, 0, 40);
        ip[0] = 0x60;
        ip[7] = 64;
        memcpy(ip + 8, s->addr, 16);
        memcpy(ip + 24, d->addr, 16);
        iphl = 40;
        uint8_t *nhp = ip + 6;
        if (o->v6_ext) {
            *nhp = 0; /* hop-by-hop, 8 bytes */
            memset(ip + iphl, 0, 8);
            nhp = ip + iphl;
            iphl += 8;
            *nhp = 60; /* destination options, 16 bytes */
            memset(ip + iphl, 0, 16);
            ip[iphl + 1] = 1;
            nhp = ip + iphl;
            iphl += 16;
        }
        if (o->v6_frag) {
            *nhp = 44;
            memset(ip + iphl, 0, 8);
            nhp = ip + iphl;
            iphl += 8;
        }
        *nhp = (uint8_t)proto;
        wire_put16(ip + 4, (uint32_t)(iphl - 40 + l4len));
    } else {
        iphl = (size_t)(o->ihl ? o->ihl : 5) * 4;
        size_t real = iphl < 20 ? 20 : iphl;
        memset(ip, 0, real);
        ip[0] = (uint8_t)(0x40 | iphl / 4);
        wire_put16(ip + 2, (uint32_t)(real + l4len + (o->bad_totlen ? 100 : 0)));
        wire_put16(ip + 6, o->v4_frag ? 0x2000 : 0x4000);
        ip[8] = 64;
        ip[9] = (uint8_t)proto;
        memcpy(ip + 12, s->addr, 4);
        memcpy(ip + 16, d->addr, 4);
        iphl = real;
    }
    uint8_t *th = ip + iphl;
    if (proto == 6) {
        size_t hl = doff < 20 ? 20 : doff;
        memset(th, 0, hl);
        wire_put16(th, s->port);
        wire_put16(th + 2, d->port);
        wire_put32(th + 4, seq);
        wire_put32(th + 8, ack);
        th[12] = (uint8_t)(doff / 4 << 4);
        th[13] = flags;
        wire_put16(th + 14, 65535);
        if (len)
            memcpy(th + hl, data, len);
    } else { /* UDP or ICMP: 8 bytes of header */
        memset(th, 0, 8);
        wire_put16(th, s->port);
        wire_put16(th + 2, d->port);
        wire_put16(th + 4, (uint32_t)l4len);
        if (len)
            memcpy(th + 8, data, len);
    }
    n += iphl + l4len;
    while (n < o->pad_to)
        out[n++] = 0xee;
    return n;
}

static size_t build(uint8_t *out, int link, const struct ep *s, const struct ep *d, uint32_t seq,
                    uint32_t ack, uint8_t flags, const char *data)
{
    return build_x(out, link, s, d, seq, ack, flags, data, data ? strlen(data) : 0, &NOOPT);
}

static int link_of(int link)
{
    return link == LINK_VLAN2 ? TCPRE_LINK_ETHERNET : link;
}

/* Passes one frame; asserts it was accepted. */
static void tx(struct tcpre *t, int link, const struct ep *s, const struct ep *d, uint32_t seq,
               uint32_t ack, uint8_t flags, const char *data, int64_t ts)
{
    uint8_t f[2048];
    size_t n = build(f, link, s, d, seq, ack, flags, data);
    assert_int_equal(tcpre_frame(t, link_of(link), f, n, n, ts), 0);
}

/* A conversation between two endpoints with sequence numbers kept here. */
struct conv {
    struct tcpre *t;
    int link;
    struct ep c, s;
    uint32_t cseq, sseq;
};

static struct conv conv_make(struct tcpre *t, int link, struct ep c, struct ep s, uint32_t ic,
                             uint32_t is)
{
    struct conv v = {t, link, c, s, ic, is};
    return v;
}

static void handshake(struct conv *v, int64_t ts)
{
    tx(v->t, v->link, &v->c, &v->s, v->cseq, 0, WIRE_SYN, NULL, ts);
    tx(v->t, v->link, &v->s, &v->c, v->sseq, v->cseq + 1, WIRE_SYN | WIRE_ACK, NULL, ts);
    v->cseq++;
    v->sseq++;
    tx(v->t, v->link, &v->c, &v->s, v->cseq, v->sseq, WIRE_ACK, NULL, ts);
}

/* The client (c2s = 1) or the server sends data, in order. */
static void say(struct conv *v, int c2s, const char *data, int64_t ts)
{
    uint32_t len = (uint32_t)strlen(data);
    if (c2s) {
        tx(v->t, v->link, &v->c, &v->s, v->cseq, v->sseq, WIRE_PSH | WIRE_ACK, data, ts);
        v->cseq += len;
    } else {
        tx(v->t, v->link, &v->s, &v->c, v->sseq, v->cseq, WIRE_PSH | WIRE_ACK, data, ts);
        v->sseq += len;
    }
}

static void fin(struct conv *v, int c2s, int64_t ts)
{
    if (c2s)
        tx(v->t, v->link, &v->c, &v->s, v->cseq++, v->sseq, WIRE_FIN | WIRE_ACK, NULL, ts);
    else
        tx(v->t, v->link, &v->s, &v->c, v->sseq++, v->cseq, WIRE_FIN | WIRE_ACK, NULL, ts);
}

static struct tcpre *T; /* the reassembler of the running test */

static int setup(void **state)
{
    (void)state;
    rec_clear();
    T = tcpre_new(&SINK, 0);
    return T ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tcpre_free(T);
    T = NULL;
    rec_clear();
    return 0;
}

static struct tcpre_stats stats(void)
{
    struct tcpre_stats st;
    tcpre_stats(T, &st);
    return st;
}

/* ---- tests --------------------------------------------------------------------- */

static void test_in_order(void **state)
{
    (void)state;
    struct conv v = conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379),
                              1000, 5000);
    handshake(&v, 0);
    say(&v, 1, "*1\r\n$4\r\nPING\r\n", 1);
    say(&v, 0, "+PONG\r\n", 2);
    say(&v, 1, "*1\r\n$4\r\n", 3);
    say(&v, 1, "QUIT\r\n", 3);
    say(&v, 0, "+OK\r\n", 4);
    fin(&v, 0, 5);
    fin(&v, 1, 6);
    tx(T, v.link, &v.s, &v.c, v.sseq, v.cseq, WIRE_ACK, NULL, 7); /* last ACK: after the close */
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 syn @0\n"
                               "data 1 c2s 14 @1\n"
                               "data 1 s2c 7 @2\n"
                               "data 1 c2s 8 @3\n"
                               "data 1 c2s 6 @3\n"
                               "data 1 s2c 5 @4\n"
                               "close 1 fin @6\n");
    assert_string_equal(STREAM(1, TCPRE_C2S), "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n");
    assert_string_equal(STREAM(1, TCPRE_S2C), "+PONG\r\n+OK\r\n");
    tcpre_finish(T, 8);
    struct tcpre_stats st = stats();
    assert_int_equal(st.frames, 11);
    assert_int_equal(st.tcp, 11);
    assert_int_equal(st.connections, 1);
    assert_int_equal(st.midstream, 0);
    assert_int_equal(st.retransmitted + st.out_of_order + st.gap_bytes + st.not_tcp, 0);
    assert_int_equal(st.undecodable + st.truncated + st.other_port, 0);
    assert_string_equal(LOG() + strlen(LOG()) - 15, "close 1 fin @6\n"); /* nothing more */
}

/* Every link type, IPv4 and IPv6 (with extension headers), gives the same. */
static void test_link_types(void **state)
{
    (void)state;
    static const int links[] = {TCPRE_LINK_ETHERNET,  LINK_VLAN2,           TCPRE_LINK_NULL,
                                TCPRE_LINK_LOOP,      TCPRE_LINK_RAW,       12,
                                TCPRE_LINK_LINUX_SLL, TCPRE_LINK_LINUX_SLL2};
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        for (int v6 = 0; v6 <= 2; v6++) {
            rec_clear();
            struct tcpre *t = tcpre_new(&SINK, 6379);
            struct ep c = v6 ? ep6("fd00::1", 50000) : ep4("127.0.0.1", 50000);
            struct ep s = v6 ? ep6("fd00::2", 6379) : ep4("127.0.0.1", 6379);
            struct opt o = NOOPT;
            o.v6_ext = v6 == 2;
            uint8_t f[2048];
            size_t n = build_x(f, links[i], &c, &s, 7, 0, WIRE_SYN, NULL, 0, &o);
            assert_int_equal(tcpre_frame(t, link_of(links[i]), f, n, n, 1), 0);
            n = build_x(f, links[i], &s, &c, 70, 8, WIRE_SYN | WIRE_ACK, NULL, 0, &o);
            assert_int_equal(tcpre_frame(t, link_of(links[i]), f, n, n, 2), 0);
            n = build_x(f, links[i], &c, &s, 8, 71, WIRE_ACK | WIRE_PSH, "GET k", 5, &o);
            assert_int_equal(tcpre_frame(t, link_of(links[i]), f, n, n, 3), 0);
            n = build_x(f, links[i], &s, &c, 71, 13, WIRE_ACK | WIRE_PSH, "$-1", 3, &o);
            assert_int_equal(tcpre_frame(t, link_of(links[i]), f, n, n, 4), 0);
            tcpre_finish(t, 5);
            char want[256];
            snprintf(want, sizeof(want),
                     "open 1 %s:50000>%s:6379 syn @1\n"
                     "data 1 c2s 5 @3\n"
                     "data 1 s2c 3 @4\n"
                     "close 1 eof @5\n",
                     v6 ? "fd00::1" : "127.0.0.1", v6 ? "fd00::2" : "127.0.0.1");
            if (strcmp(LOG(), want) != 0)
                fail_msg("link %d v6 %d:\n%s", links[i], v6, LOG());
            assert_string_equal(STREAM(1, TCPRE_C2S), "GET k");
            assert_string_equal(STREAM(1, TCPRE_S2C), "$-1");
            assert_int_equal(R.flow[1].family, v6 ? AF_INET6 : AF_INET);
            struct tcpre_stats st;
            tcpre_stats(t, &st);
            assert_int_equal(st.tcp, 4);
            assert_int_equal(st.undecodable + st.not_tcp, 0);
            tcpre_free(t);
        }
    }
}

static void test_out_of_order(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    /* "AAAA" "BBBB" "CCCC" sent; the capture has them as C, B, A */
    tx(T, v.link, &v.c, &v.s, v.cseq + 8, v.sseq, WIRE_ACK, "CCCC", 1);
    tx(T, v.link, &v.c, &v.s, v.cseq + 4, v.sseq, WIRE_ACK, "BBBB", 2);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 syn @0\n");
    tx(T, v.link, &v.c, &v.s, v.cseq, v.sseq, WIRE_ACK, "AAAA", 3);
    assert_string_equal(STREAM(1, TCPRE_C2S), "AAAABBBBCCCC");
    /* held data carries the time of the frame that filled the hole */
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 syn @0\n"
                               "data 1 c2s 4 @3\n"
                               "data 1 c2s 4 @3\n"
                               "data 1 c2s 4 @3\n");
    assert_int_equal(stats().out_of_order, 2);
    tcpre_finish(T, 4);
    assert_int_equal(stats().gap_bytes, 0);
}

static void test_retransmission_and_overlap(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    uint32_t c0 = v.cseq;
    say(&v, 1, "hello", 1);
    tx(T, v.link, &v.c, &v.s, c0, v.sseq, WIRE_ACK, "hello", 2);         /* a copy */
    tx(T, v.link, &v.c, &v.s, c0 + 2, v.sseq, WIRE_ACK, "llo world", 3); /* overlaps */
    tx(T, v.link, &v.c, &v.s, c0 + 1, v.sseq, WIRE_ACK, "ell", 4);       /* inside */
    assert_string_equal(STREAM(1, TCPRE_C2S), "hello world");
    assert_int_equal(stats().retransmitted, 2);
    /* overlapping segments held behind a hole: every byte once */
    uint32_t b = c0 + 11; /* "0123456789" follows */
    tx(T, v.link, &v.c, &v.s, b + 5, v.sseq, WIRE_ACK, "56789", 5);
    tx(T, v.link, &v.c, &v.s, b + 3, v.sseq, WIRE_ACK, "34567", 6);
    tx(T, v.link, &v.c, &v.s, b + 4, v.sseq, WIRE_ACK, "45", 7); /* all held already */
    tx(T, v.link, &v.c, &v.s, b + 2, v.sseq, WIRE_ACK, "23456789", 8);
    tx(T, v.link, &v.c, &v.s, b, v.sseq, WIRE_ACK, "012", 9);
    assert_string_equal(STREAM(1, TCPRE_C2S), "hello world0123456789");
    assert_int_equal(stats().out_of_order, 3); /* "45" added nothing */
    /* a held segment that a later in-order one covers entirely */
    uint32_t e = b + 10;
    tx(T, v.link, &v.c, &v.s, e + 3, v.sseq, WIRE_ACK, "def", 10);
    tx(T, v.link, &v.c, &v.s, e, v.sseq, WIRE_ACK, "abcdefgh", 11);
    assert_string_equal(STREAM(1, TCPRE_C2S), "hello world0123456789abcdefgh");
    tcpre_finish(T, 12);
    assert_int_equal(stats().gap_bytes, 0);
}

static void test_two_connections(void **state)
{
    (void)state;
    struct conv a =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40001), ep4("10.0.0.2", 6379), 1, 1001);
    struct conv b = conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40002), ep4("10.0.0.2", 6379),
                              1, 1001); /* same numbers */
    handshake(&a, 0);
    handshake(&b, 1);
    say(&b, 1, "B1", 2);
    say(&a, 1, "A1", 3);
    say(&a, 0, "a1", 4);
    say(&b, 0, "b1", 5);
    fin(&b, 1, 6);
    fin(&b, 0, 6);
    say(&a, 1, "A2", 7);
    tcpre_finish(T, 8);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40001>10.0.0.2:6379 syn @0\n"
                               "open 2 10.0.0.1:40002>10.0.0.2:6379 syn @1\n"
                               "data 2 c2s 2 @2\n"
                               "data 1 c2s 2 @3\n"
                               "data 1 s2c 2 @4\n"
                               "data 2 s2c 2 @5\n"
                               "close 2 fin @6\n"
                               "data 1 c2s 2 @7\n"
                               "close 1 eof @8\n");
    assert_string_equal(STREAM(1, TCPRE_C2S), "A1A2");
    assert_string_equal(STREAM(1, TCPRE_S2C), "a1");
    assert_string_equal(STREAM(2, TCPRE_C2S), "B1");
    assert_string_equal(STREAM(2, TCPRE_S2C), "b1");
    assert_int_equal(stats().connections, 2);
}

static void test_midstream(void **state)
{
    (void)state;
    struct ep c = ep4("10.0.0.1", 40000), s = ep4("10.0.0.2", 6379);
    tx(T, TCPRE_LINK_ETHERNET, &s, &c, 500, 100, WIRE_ACK, NULL, 0); /* a bare ACK opens nothing */
    tx(T, TCPRE_LINK_ETHERNET, &c, &s, 100, 500, WIRE_PSH | WIRE_ACK, "GET a\r\n", 1);
    /* the server's reply: its first 3 bytes were sent before the capture
     * began but acknowledged after (ack 500 above), so they are a gap */
    tx(T, TCPRE_LINK_ETHERNET, &s, &c, 503, 107, WIRE_PSH | WIRE_ACK, "abc", 2);
    tcpre_finish(T, 3);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 mid @1\n"
                               "data 1 c2s 7 @1\n"
                               "gap 1 s2c 3 @3\n"
                               "data 1 s2c 3 @3\n"
                               "close 1 eof @3\n");
    struct tcpre_stats st = stats();
    assert_int_equal(st.midstream, 1);
    assert_int_equal(st.tcp, 3);
    assert_int_equal(st.gap_bytes, 3);
}

static void test_close_kinds(void **state)
{
    (void)state;
    /* FIN from one side only, then the capture ends: fin at finish */
    struct conv a =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 1001), ep4("10.0.0.2", 6379), 10, 20);
    struct conv b =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 1002), ep4("10.0.0.2", 6379), 10, 20);
    struct conv c =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 1003), ep4("10.0.0.2", 6379), 10, 20);
    handshake(&a, 1);
    handshake(&b, 2);
    handshake(&c, 3);
    fin(&a, 1, 4);
    say(&b, 1, "x", 5);
    tx(T, b.link, &b.s, &b.c, b.sseq, b.cseq, WIRE_RST | WIRE_ACK, NULL, 6);
    tx(T, b.link, &b.s, &b.c, b.sseq, b.cseq, WIRE_RST, NULL, 7); /* a second RST: nothing */
    tcpre_finish(T, 9);
    assert_string_equal(LOG(), "open 1 10.0.0.1:1001>10.0.0.2:6379 syn @1\n"
                               "open 2 10.0.0.1:1002>10.0.0.2:6379 syn @2\n"
                               "open 3 10.0.0.1:1003>10.0.0.2:6379 syn @3\n"
                               "data 2 c2s 1 @5\n"
                               "close 2 rst @6\n"
                               "close 1 fin @9\n"
                               "close 3 eof @9\n");
}

static void test_gap_at_finish(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    say(&v, 0, "one", 1);
    tx(T, v.link, &v.s, &v.c, v.sseq + 5, v.cseq, WIRE_ACK, "three", 2); /* "two.." lost */
    uint32_t fseq = v.sseq + 5 + 5 + 4; /* and 4 bytes before the FIN */
    tx(T, v.link, &v.s, &v.c, fseq, v.cseq, WIRE_FIN | WIRE_ACK, NULL, 3);
    fin(&v, 1, 4);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 syn @0\n"
                               "data 1 s2c 3 @1\n");
    tcpre_finish(T, 5);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 syn @0\n"
                               "data 1 s2c 3 @1\n"
                               "gap 1 s2c 5 @5\n"
                               "data 1 s2c 5 @5\n"
                               "gap 1 s2c 4 @5\n"
                               "close 1 fin @5\n");
    assert_int_equal(stats().gap_bytes, 9);
}

/* Bytes held past a FIN (a forged capture: nothing follows a FIN) are
 * dropped when the FIN arrives, also the part of a piece that crosses it. */
static void test_nothing_past_fin(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    say(&v, 0, "abc", 1);
    tx(T, v.link, &v.s, &v.c, v.sseq + 3, v.cseq, WIRE_ACK, "XYZ", 2); /* crosses the FIN */
    tx(T, v.link, &v.s, &v.c, v.sseq + 10, v.cseq, WIRE_ACK, "QQ", 3); /* wholly past it */
    tx(T, v.link, &v.s, &v.c, v.sseq + 5, v.cseq, WIRE_FIN | WIRE_ACK, NULL, 4);
    tx(T, v.link, &v.s, &v.c, v.sseq, v.cseq, WIRE_ACK, "def", 5); /* fills the hole */
    assert_string_equal(STREAM(1, TCPRE_S2C), "abcdefXY");
    fin(&v, 1, 6);
    tcpre_finish(T, 7);
    assert_string_equal(STREAM(1, TCPRE_S2C), "abcdefXY");
    assert_int_equal(stats().gap_bytes, 0);
    assert_int_equal(stats().out_of_order, 2);
}

static void test_seq_wraparound(void **state)
{
    (void)state;
    struct conv v = conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379),
                              0xfffffffcu, 0xfffffff0u);
    handshake(&v, 0); /* client data starts at 2^32 - 3 */
    say(&v, 1, "0123456789", 1);
    assert_true(v.cseq < 100);
    /* out of order across the wrap on the server side: 2^32-15 .. */
    uint32_t s0 = v.sseq;
    tx(T, v.link, &v.s, &v.c, s0 + 10, v.cseq, WIRE_ACK, "KLMNOPQRST", 2);
    tx(T, v.link, &v.s, &v.c, s0 + 20, v.cseq, WIRE_ACK, "UVWXYZ", 3);
    tx(T, v.link, &v.s, &v.c, s0, v.cseq, WIRE_ACK, "ABCDEFGHIJ", 4);
    tx(T, v.link, &v.s, &v.c, s0 + 5, v.cseq, WIRE_ACK, "FGHIJKL", 5); /* old */
    say(&v, 1, "abc", 6);
    tcpre_finish(T, 7);
    assert_string_equal(STREAM(1, TCPRE_C2S), "0123456789abc");
    assert_string_equal(STREAM(1, TCPRE_S2C), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    struct tcpre_stats st = stats();
    assert_int_equal(st.gap_bytes, 0);
    assert_int_equal(st.retransmitted, 1);
    assert_int_equal(st.out_of_order, 2);
}

static void test_not_tcp(void **state)
{
    (void)state;
    uint8_t f[2048];
    /* ARP */
    memset(f, 0, 42);
    memcpy(f, "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x01\x08\x06", 14);
    assert_int_equal(tcpre_frame(T, TCPRE_LINK_ETHERNET, f, 42, 42, 0), 0);
    /* UDP over IPv4, ICMPv6 */
    struct ep a = ep4("10.0.0.1", 53), b = ep4("10.0.0.2", 5353);
    struct opt o = NOOPT;
    o.ip_proto = 17;
    size_t n = build_x(f, TCPRE_LINK_ETHERNET, &a, &b, 0, 0, 0, "dns", 3, &o);
    assert_int_equal(tcpre_frame(T, TCPRE_LINK_ETHERNET, f, n, n, 1), 0);
    struct ep a6 = ep6("fe80::1", 0), b6 = ep6("fe80::2", 0);
    o.ip_proto = 58;
    n = build_x(f, TCPRE_LINK_LINUX_SLL2, &a6, &b6, 0, 0, 0, "ping", 4, &o);
    assert_int_equal(tcpre_frame(T, TCPRE_LINK_LINUX_SLL2, f, n, n, 2), 0);
    /* a NULL-link frame of another address family */
    memset(f, 0, 48);
    f[0] = 17;
    assert_int_equal(tcpre_frame(T, TCPRE_LINK_NULL, f, 48, 48, 3), 0);
    /* a link type tcpre does not know: undecodable, not an error */
    assert_int_equal(tcpre_frame(T, 105, f, 48, 48, 4), 0);
    tcpre_finish(T, 5);
    struct tcpre_stats st = stats();
    assert_int_equal(st.frames, 5);
    assert_int_equal(st.not_tcp, 4);
    assert_int_equal(st.undecodable, 1);
    assert_int_equal(st.tcp + st.connections, 0);
    assert_string_equal(LOG(), "");
}

static void test_other_port(void **state)
{
    (void)state;
    struct tcpre *t = tcpre_new(&SINK, 6380);
    struct conv v =
        conv_make(t, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 1, 2);
    handshake(&v, 0);
    say(&v, 1, "PING", 1);
    struct conv w =
        conv_make(t, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40001), ep4("10.0.0.2", 6380), 1, 2);
    handshake(&w, 2);
    say(&w, 1, "PING", 3);
    /* Skipped traffic is counted by server port: the SYN's receiver (a
     * higher port than its client's here), even for the segments after
     * the handshake; without a SYN, the lower port. */
    struct conv x =
        conv_make(t, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40002), ep4("10.0.0.2", 50000), 1, 2);
    handshake(&x, 4);
    say(&x, 1, "PING", 4);
    say(&x, 0, "+PONG\r\n", 4);
    struct ep m = ep4("10.0.0.5", 7000), mc = ep4("10.0.0.6", 45000);
    tx(t, TCPRE_LINK_ETHERNET, &mc, &m, 1, 1, WIRE_ACK, "x", 5);
    tcpre_finish(t, 6);
    struct tcpre_stats st;
    tcpre_stats(t, &st);
    assert_int_equal(st.other_port, 4 + 5 + 1);
    assert_int_equal(st.tcp, 4);
    assert_int_equal(st.connections, 1);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40001>10.0.0.2:6380 syn @2\n"
                               "data 1 c2s 4 @3\n"
                               "close 1 eof @6\n");
    assert_int_equal(st.nother_ports, 3);
    assert_int_equal(st.other_ports[0], 6379);
    assert_int_equal(st.other_port_segs[0], 4);
    assert_int_equal(st.other_ports[1], 50000);
    assert_int_equal(st.other_port_segs[1], 5);
    assert_int_equal(st.other_ports[2], 7000);
    assert_int_equal(st.other_port_segs[2], 1);
    assert_int_equal(st.other_ports_more, 0);
    tcpre_free(t);
}

/* At most TCPRE_OTHER_PORTS ports are listed; more sets other_ports_more. */
static void test_other_ports_bounded(void **state)
{
    (void)state;
    struct tcpre *t = tcpre_new(&SINK, 6380);
    for (int i = 0; i <= TCPRE_OTHER_PORTS; i++) {
        struct ep c = ep4("10.0.0.1", 40000), s = ep4("10.0.0.2", (uint16_t)(7000 + i));
        tx(t, TCPRE_LINK_ETHERNET, &c, &s, 1, 0, WIRE_SYN, NULL, i);
    }
    struct tcpre_stats st;
    tcpre_stats(t, &st);
    assert_int_equal(st.nother_ports, TCPRE_OTHER_PORTS);
    assert_int_equal(st.other_ports[TCPRE_OTHER_PORTS - 1], 7000 + TCPRE_OTHER_PORTS - 1);
    assert_int_equal(st.other_ports_more, 1);
    tcpre_free(t);
}

/* Without a port: the SYN's receiver, else 6379, else the lower port. */
static void test_server_guess(void **state)
{
    (void)state;
    struct ep lo = ep4("10.0.0.1", 80), hi = ep4("10.0.0.2", 40000);
    tx(T, TCPRE_LINK_ETHERNET, &lo, &hi, 1, 0, WIRE_SYN, NULL, 1); /* to the higher port */
    struct ep r = ep4("10.0.0.3", 6379), c = ep4("10.0.0.4", 1000);
    tx(T, TCPRE_LINK_ETHERNET, &c, &r, 1, 1, WIRE_ACK, "x", 2); /* 6379 beats the lower port */
    struct ep a = ep4("10.0.0.5", 5000), b = ep4("10.0.0.6", 40000);
    tx(T, TCPRE_LINK_ETHERNET, &a, &b, 1, 1, WIRE_ACK, "y", 3); /* from the lower port */
    struct ep d = ep4("10.0.0.7", 7000), e = ep4("10.0.0.8", 7001);
    tx(T, TCPRE_LINK_ETHERNET, &e, &d, 1, 1, WIRE_SYN | WIRE_ACK, NULL, 4); /* SYN|ACK: from it */
    tcpre_finish(T, 5);
    assert_string_equal(LOG(), "open 1 10.0.0.1:80>10.0.0.2:40000 syn @1\n"
                               "open 2 10.0.0.4:1000>10.0.0.3:6379 mid @2\n"
                               "data 2 c2s 1 @2\n"
                               "open 3 10.0.0.6:40000>10.0.0.5:5000 mid @3\n"
                               "data 3 s2c 1 @3\n"
                               "open 4 10.0.0.7:7000>10.0.0.8:7001 syn @4\n"
                               "close 1 eof @5\n"
                               "close 2 eof @5\n"
                               "close 3 eof @5\n"
                               "close 4 eof @5\n");
    assert_int_equal(stats().midstream, 2);
}

/* Passes a malformed frame: MR_EPARSE; then a frame that is fine. */
static void bad(struct tcpre *t, int link, const uint8_t *f, size_t n, int64_t ts)
{
    assert_int_equal(tcpre_frame(t, link, f, n, n, ts), MR_EPARSE);
}

static void test_malformed(void **state)
{
    (void)state;
    struct ep c = ep4("10.0.0.1", 40000), s = ep4("10.0.0.2", 6379);
    struct ep c6 = ep6("::1", 40000), s6 = ep6("::1", 6379);
    uint8_t f[2048];
    struct opt o = NOOPT;
    size_t n;
    int k = 0;
    o.ihl = 4; /* IPv4 header shorter than 20 bytes */
    n = build_x(f, TCPRE_LINK_ETHERNET, &c, &s, 1, 0, WIRE_SYN, NULL, 0, &o);
    bad(T, TCPRE_LINK_ETHERNET, f, n, k++);
    o = NOOPT;
    o.doff = 4; /* TCP header shorter than 20 bytes */
    n = build_x(f, TCPRE_LINK_ETHERNET, &c, &s, 1, 0, WIRE_SYN, NULL, 0, &o);
    bad(T, TCPRE_LINK_ETHERNET, f, n, k++);
    n = build(f, TCPRE_LINK_ETHERNET, &c, &s, 1, 0, WIRE_SYN, NULL);
    f[14 + 20 + 12] = 0xf0; /* TCP data offset 60 in a 20-byte segment */
    bad(T, TCPRE_LINK_ETHERNET, f, n, k++);
    o = NOOPT;
    o.bad_totlen = 1; /* IPv4 total length beyond the frame */
    n = build_x(f, TCPRE_LINK_ETHERNET, &c, &s, 1, 0, WIRE_SYN, NULL, 0, &o);
    bad(T, TCPRE_LINK_ETHERNET, f, n, k++);
    bad(T, TCPRE_LINK_ETHERNET, f, 10, k++);  /* shorter than an Ethernet header */
    bad(T, TCPRE_LINK_LINUX_SLL, f, 12, k++); /* shorter than an SLL header */
    bad(T, TCPRE_LINK_NULL, f, 3, k++);
    n = build(f, TCPRE_LINK_RAW, &c, &s, 1, 0, WIRE_SYN, NULL);
    bad(T, TCPRE_LINK_RAW, f, 30, k++); /* IPv4 header, half a TCP header */
    n = build(f, TCPRE_LINK_ETHERNET, &c, &s, 1, 0, WIRE_SYN, NULL);
    f[14] = 0x65; /* IP version 6 behind the IPv4 EtherType */
    bad(T, TCPRE_LINK_ETHERNET, f, n, k++);
    o = NOOPT;
    o.v6_ext = 1; /* an IPv6 extension header running past the packet */
    n = build_x(f, TCPRE_LINK_RAW, &c6, &s6, 1, 0, WIRE_SYN, NULL, 0, &o);
    f[40 + 1] = 200;
    bad(T, TCPRE_LINK_RAW, f, n, k++);
    bad(T, TCPRE_LINK_RAW, f, 39, k++); /* half an IPv6 header */
    bad(T, TCPRE_LINK_RAW, f, 0, k++);  /* nothing at all */
    struct tcpre_stats st = stats();
    assert_int_equal(st.undecodable, (uint64_t)k);
    assert_int_equal(st.tcp + st.not_tcp, 0);
    assert_string_equal(LOG(), "");
    /* and it still works */
    struct conv v = conv_make(T, TCPRE_LINK_ETHERNET, c, s, 1, 2);
    handshake(&v, 20);
    say(&v, 1, "PING", 21);
    tcpre_finish(T, 22);
    assert_string_equal(STREAM(1, TCPRE_C2S), "PING");
    assert_int_equal(stats().connections, 1);
}

static void test_fragments(void **state)
{
    (void)state;
    struct ep c = ep4("10.0.0.1", 40000), s = ep4("10.0.0.2", 6379);
    struct ep c6 = ep6("fd00::1", 40000), s6 = ep6("fd00::2", 6379);
    uint8_t f[2048];
    struct opt o = NOOPT;
    o.v4_frag = 1;
    size_t n = build_x(f, TCPRE_LINK_ETHERNET, &c, &s, 1, 0, WIRE_SYN, NULL, 0, &o);
    assert_int_equal(tcpre_frame(T, TCPRE_LINK_ETHERNET, f, n, n, 0), 0);
    o = NOOPT;
    o.v6_frag = 1;
    n = build_x(f, TCPRE_LINK_ETHERNET, &c6, &s6, 1, 0, WIRE_SYN, NULL, 0, &o);
    assert_int_equal(tcpre_frame(T, TCPRE_LINK_ETHERNET, f, n, n, 1), 0);
    tcpre_finish(T, 2);
    struct tcpre_stats st = stats();
    assert_int_equal(st.undecodable, 2);
    assert_int_equal(st.connections, 0);
}

/* A snap length cut: the captured part is data, the rest a gap. */
static void test_truncated(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    uint8_t f[2048];
    const char *msg = "$20\r\n01234567890123456789\r\n"; /* 27 bytes */
    size_t n = build(f, v.link, &v.s, &v.c, v.sseq, v.cseq, WIRE_ACK, msg);
    assert_int_equal(tcpre_frame(T, v.link, f, n - 17, n, 1), 0); /* 10 bytes captured */
    v.sseq += 27;
    say(&v, 0, "+OK\r\n", 2); /* follows at once: no wait for the lost bytes */
    /* a frame cut inside its TCP header: undecodable, not an error */
    n = build(f, v.link, &v.s, &v.c, v.sseq, v.cseq, WIRE_ACK, "zzz");
    assert_int_equal(tcpre_frame(T, v.link, f, 14 + 20 + 10, n, 3), 0);
    /* out of order and cut: held as data plus a lost piece */
    uint32_t s0 = v.sseq + 3;
    n = build(f, v.link, &v.s, &v.c, s0 + 4, v.cseq, WIRE_ACK, "BBBBBB");
    assert_int_equal(tcpre_frame(T, v.link, f, n - 2, n, 4), 0);
    tx(T, v.link, &v.s, &v.c, s0 + 10, v.cseq, WIRE_ACK, "CC", 5);
    tx(T, v.link, &v.s, &v.c, s0, v.cseq, WIRE_ACK, "AAAA", 6);
    tcpre_finish(T, 7);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 syn @0\n"
                               "data 1 s2c 10 @1\n"
                               "gap 1 s2c 17 @1\n"
                               "data 1 s2c 5 @2\n"
                               "gap 1 s2c 3 @7\n"
                               "data 1 s2c 4 @7\n"
                               "data 1 s2c 4 @7\n"
                               "gap 1 s2c 2 @7\n"
                               "data 1 s2c 2 @7\n"
                               "close 1 eof @7\n");
    assert_string_equal(STREAM(1, TCPRE_S2C), "$20\r\n01234+OK\r\nAAAABBBBCC");
    struct tcpre_stats st = stats();
    assert_int_equal(st.truncated, 3);
    assert_int_equal(st.undecodable, 1);
    assert_int_equal(st.gap_bytes, 22);
}

/* Ethernet pads short frames to 60 bytes: the padding is not payload. */
static void test_ethernet_padding(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    uint8_t f[2048];
    struct opt o = NOOPT;
    o.pad_to = 60;
    size_t n = build_x(f, v.link, &v.c, &v.s, v.cseq, v.sseq, WIRE_ACK, "ab", 2, &o);
    assert_int_equal(n, 60);
    assert_int_equal(tcpre_frame(T, v.link, f, n, n, 1), 0);
    tcpre_finish(T, 2);
    assert_string_equal(STREAM(1, TCPRE_C2S), "ab");
}

/* A new SYN on an ended 4-tuple is a new connection; a repeated one is not. */
static void test_reused_tuple(void **state)
{
    (void)state;
    struct ep c = ep4("10.0.0.1", 40000), s = ep4("10.0.0.2", 6379);
    struct conv v = conv_make(T, TCPRE_LINK_ETHERNET, c, s, 100, 900);
    tx(T, v.link, &v.c, &v.s, 100, 0, WIRE_SYN, NULL, 0); /* a repeated SYN */
    handshake(&v, 0);
    say(&v, 1, "one", 1);
    tx(T, v.link, &v.c, &v.s, v.cseq - 3, v.sseq, WIRE_ACK, "one", 2); /* retransmission */
    tx(T, v.link, &v.c, &v.s, v.cseq, v.sseq, WIRE_RST, NULL, 3);
    tx(T, v.link, &v.c, &v.s, v.cseq - 3, v.sseq, WIRE_ACK, "one", 4); /* after the end */
    struct conv w = conv_make(T, TCPRE_LINK_ETHERNET, c, s, 7000, 9000);
    handshake(&w, 5);
    say(&w, 1, "two", 6);
    /* a SYN with a new ISN while open: the capture missed the end */
    struct conv x = conv_make(T, TCPRE_LINK_ETHERNET, c, s, 20000, 30000);
    handshake(&x, 7);
    say(&x, 0, "three", 8);
    tcpre_finish(T, 9);
    assert_string_equal(LOG(), "open 1 10.0.0.1:40000>10.0.0.2:6379 syn @0\n"
                               "data 1 c2s 3 @1\n"
                               "close 1 rst @3\n"
                               "open 2 10.0.0.1:40000>10.0.0.2:6379 syn @5\n"
                               "data 2 c2s 3 @6\n"
                               "close 2 eof @7\n"
                               "open 3 10.0.0.1:40000>10.0.0.2:6379 syn @7\n"
                               "data 3 s2c 5 @8\n"
                               "close 3 eof @9\n");
    assert_int_equal(stats().retransmitted, 2);
}

/* More than the hold limit behind a hole: the hole is given up early. */
static void test_hold_limit(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_RAW, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    static char chunk[1401];
    memset(chunk, 'x', 1400);
    uint32_t s0 = v.sseq;
    size_t total = 0;
    int i = 0;
    while (strstr(LOG(), "gap") == NULL) {
        tx(T, v.link, &v.s, &v.c, s0 + 10 + (uint32_t)total, v.cseq, WIRE_ACK, chunk, 1 + i);
        total += 1400;
        i++;
        assert_true(total < (8u << 20));
    }
    assert_true(total > (4u << 20)); /* the limit is 4 MiB */
    assert_int_equal(R.stream[1][TCPRE_S2C].len, total);
    tx(T, v.link, &v.s, &v.c, s0, v.cseq, WIRE_ACK, "late", 1000000); /* too late: old */
    tcpre_finish(T, 1000001);
    struct tcpre_stats st = stats();
    assert_int_equal(st.gap_bytes, 10);
    assert_int_equal(st.retransmitted, 1);
}

/* A segment farther ahead than any TCP window (2^30) is noise: dropped. */
static void test_far_ahead(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    tx(T, v.link, &v.c, &v.s, v.cseq + (1u << 30) + 1, v.sseq, WIRE_ACK, "junk", 1);
    say(&v, 1, "ok", 2);
    tcpre_finish(T, 3);
    assert_string_equal(STREAM(1, TCPRE_C2S), "ok");
    assert_int_equal(stats().gap_bytes, 0);
}

/* tcpre_free without tcpre_finish frees what is held, calling nothing. */
static void test_free_without_finish(void **state)
{
    (void)state;
    struct conv v =
        conv_make(T, TCPRE_LINK_ETHERNET, ep4("10.0.0.1", 40000), ep4("10.0.0.2", 6379), 100, 900);
    handshake(&v, 0);
    tx(T, v.link, &v.c, &v.s, v.cseq + 5, v.sseq, WIRE_ACK, "held", 1);
    tx(T, v.link, &v.c, &v.s, v.cseq + 50, v.sseq, WIRE_ACK, "held too", 2);
    size_t before = R.log.len;
    tcpre_free(T);
    T = NULL;
    assert_int_equal(R.log.len, before); /* leaks show under ASan and valgrind */
}

/* Many connections: the table grows; past 65536 ended connections the
 * oldest are forgotten, so a late segment of the first one starts a new
 * (midstream) connection. */
static void test_many_connections(void **state)
{
    (void)state;
    const int n = 65536 + 100;
    struct tcpre_sink none = {NULL, NULL, NULL, NULL, NULL}; /* every callback may be NULL */
    struct tcpre *t = tcpre_new(&none, 0);
    struct ep s = ep4("10.255.0.1", 6379);
    for (int i = 0; i < n; i++) { /* client i: 10.(i/256%256).(i%256).1, port 1024 + i/65536 */
        char ip[32];
        snprintf(ip, sizeof(ip), "10.%d.%d.1", i >> 8 & 255, i & 255);
        struct ep c = ep4(ip, (uint16_t)(1024 + (i >> 16)));
        tx(t, TCPRE_LINK_RAW, &c, &s, 1, 0, WIRE_SYN, NULL, i);
        tx(t, TCPRE_LINK_RAW, &c, &s, 2, 0, WIRE_RST, NULL, i);
    }
    struct tcpre_stats st;
    tcpre_stats(t, &st);
    assert_int_equal(st.connections, n);
    struct ep recent = ep4("10.0.99.1", 1025); /* i = 65536 + 99: still remembered */
    tx(t, TCPRE_LINK_RAW, &recent, &s, 2, 0, WIRE_ACK, "late", n + 1);
    tcpre_stats(t, &st);
    assert_int_equal(st.connections, n); /* a late segment of an ended connection */
    assert_int_equal(st.retransmitted, 1);
    struct ep first = ep4("10.0.0.1", 1024); /* i = 0: forgotten */
    tx(t, TCPRE_LINK_RAW, &first, &s, 2, 0, WIRE_ACK, "late", n + 2);
    tcpre_stats(t, &st);
    assert_int_equal(st.connections, n + 1); /* so it starts a new (midstream) one */
    assert_int_equal(st.midstream, 1);
    tcpre_finish(t, n + 3);
    tcpre_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retransmission_and_overlap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_connections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_midstream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gap_at_finish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_past_fin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seq_wraparound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_tcp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_ports_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_guess, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ethernet_padding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reused_tuple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hold_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_far_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_without_finish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_connections, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
