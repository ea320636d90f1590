/* fuzz_tcpre.c - libFuzzer target for rec_tcpre.c, the TCP reassembler.
 *
 * Input: one mode byte, then records.
 *   mode  bits 0-2  link type: Ethernet, NULL, RAW, LOOP, LINUX_SLL,
 *                   LINUX_SLL2, 12 (DLT_RAW), Ethernet
 *         bit 3     0: raw frames, 1: described segments
 *         bits 4-5  server port given to tcpre_new: 0, 6379, 7000, 0
 *   raw frames: each record is a 2-byte big-endian length, a cut byte
 *     (wirelen = length + cut, so the frame looks cut by a snap length)
 *     and the frame's bytes. This reaches the header decoders.
 *   described segments: 4 bytes of base sequence number, then 8-byte
 *     records: [conn(2) from_server(1) v6(1) cut(4)] [TCP flags]
 *     [seq offset(16)] [ack offset(16)] [payload length] [time step];
 *     the harness builds a well-formed frame of the chosen link type for
 *     one of four connections (two on 6379, two on 7000, one client on the
 *     lower port), with seq = base(conn, dir) + offset, so segments
 *     overlap, repeat, arrive out of order and wrap around 2^32. Every
 *     payload byte is the low byte of its own sequence number.
 *
 * The sink checks the contract of rec_tcpre.h and aborts on a violation: ids
 * open in order from 1, once; data and gap only between open and close,
 * never empty; close exactly once, and for every id by tcpre_finish; the
 * stats agree with the callbacks. With described segments it also checks
 * the bytes: within one direction each data byte is one more than the
 * byte before it (a gap of n counts n), which fails if a byte is delivered
 * twice, out of order, or dropped without a gap; and tcpre_frame never
 * returns MR_EPARSE for those well-formed frames. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr_err.h"
#include "rec_tcpre.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IDS 4096

struct dirstate {
    int have; /* expect is known */
    uint8_t expect;
};

struct check {
    int described;
    int opened, midstream;
    uint64_t gap_bytes;
    uint8_t touch;
    uint8_t state[MAX_IDS + 1]; /* 0 unseen, 1 open, 2 closed */
    struct dirstate d[MAX_IDS + 1][2];
};

static struct check C;

static void violation(const char *what, int id)
{
    fprintf(stderr, "tcpre contract violated: %s (id %d)\n", what, id);
    abort();
}

static void live_id(int id)
{
    if (id < 1 || id > C.opened || id > MAX_IDS)
        violation("unknown id", id);
    if (C.state[id] != 1)
        violation("callback outside open..close", id);
}

static void on_open(void *ud, int id, const struct tcpre_flow *f, int syn, int64_t ts)
{
    (void)ud;
    (void)ts;
    if (id != C.opened + 1)
        violation("ids not in order", id);
    C.opened = id;
    if (id > MAX_IDS)
        return; /* not tracked further (the input is too small for this) */
    C.state[id] = 1;
    if (!syn)
        C.midstream++;
    if (f->family != 2 && f->family != 10)
        violation("family", id);
}

static void on_data(void *ud, int id, enum tcpre_dir d, const uint8_t *p, size_t n, int64_t ts)
{
    (void)ud;
    (void)ts;
    if (id > MAX_IDS)
        return;
    live_id(id);
    if (n == 0 || (d != TCPRE_C2S && d != TCPRE_S2C))
        violation("empty data or bad direction", id);
    struct dirstate *s = &C.d[id][d];
    for (size_t i = 0; i < n; i++) {
        C.touch ^= p[i]; /* every byte readable (ASan) */
        if (!C.described)
            continue;
        if (s->have && p[i] != s->expect)
            violation("byte out of sequence: repeated, reordered or dropped", id);
        s->have = 1;
        s->expect = (uint8_t)(p[i] + 1);
    }
}

static void on_gap(void *ud, int id, enum tcpre_dir d, uint64_t n, int64_t ts)
{
    (void)ud;
    (void)ts;
    C.gap_bytes += n;
    if (id > MAX_IDS)
        return;
    live_id(id);
    if (n == 0 || (d != TCPRE_C2S && d != TCPRE_S2C))
        violation("empty gap or bad direction", id);
    C.d[id][d].expect = (uint8_t)(C.d[id][d].expect + n);
}

static void on_close(void *ud, int id, enum tcpre_end how, int64_t ts)
{
    (void)ud;
    (void)ts;
    if (id > MAX_IDS)
        return;
    live_id(id);
    if (how != TCPRE_FIN && how != TCPRE_RST && how != TCPRE_EOF)
        violation("bad end", id);
    C.state[id] = 2;
}

/* ---- described segments -> frames ---------------------------------------------- */

static size_t link_header(uint8_t *out, int link, int v6)
{
    uint16_t et = v6 ? 0x86dd : 0x0800;
    switch (link) {
    case TCPRE_LINK_NULL: {
        uint32_t af = v6 ? 10 : 2;
        memcpy(out, &af, 4);
        return 4;
    }
    case TCPRE_LINK_LOOP: wire_put32(out, v6 ? 24 : 2); return 4;
    case TCPRE_LINK_RAW:
    case 12: return 0;
    case TCPRE_LINK_LINUX_SLL:
        memset(out, 0, 16);
        wire_put16(out + 14, et);
        return 16;
    case TCPRE_LINK_LINUX_SLL2:
        memset(out, 0, 20);
        wire_put16(out, et);
        return 20;
    default:
        memset(out, 0, 12);
        out[0] = out[6] = 2;
        wire_put16(out + 12, et);
        return 14;
    }
}

static size_t build(uint8_t *out, int link, int v6, int from_server, int conn, uint32_t seq,
                    uint32_t ack, uint8_t flags, size_t plen)
{
    static const uint16_t cport[4] = {40000, 40001, 80, 40002};
    static const uint16_t sport[4] = {6379, 6379, 7000, 7000};
    uint16_t src = from_server ? sport[conn] : cport[conn];
    uint16_t dst = from_server ? cport[conn] : sport[conn];
    size_t n = link_header(out, link, v6);
    uint8_t *ip = out + n;
    size_t iphl = v6 ? 40 : 20;
    memset(ip, 0, iphl);
    if (v6) {
        ip[0] = 0x60;
        wire_put16(ip + 4, (uint32_t)(20 + plen));
        ip[6] = 6;
        ip[7] = 64;
        ip[8] = ip[24] = 0xfd;
        ip[23] = from_server ? 2 : 1;
        ip[39] = from_server ? 1 : 2;
    } else {
        ip[0] = 0x45;
        wire_put16(ip + 2, (uint32_t)(20 + 20 + plen));
        ip[8] = 64;
        ip[9] = 6;
        ip[12] = ip[16] = 10;
        ip[15] = from_server ? 2 : 1;
        ip[19] = from_server ? 1 : 2;
    }
    uint8_t *th = ip + iphl;
    memset(th, 0, 20);
    wire_put16(th, src);
    wire_put16(th + 2, dst);
    wire_put32(th + 4, seq);
    wire_put32(th + 8, ack);
    th[12] = 5 << 4;
    th[13] = flags;
    uint32_t first = seq + ((flags & 0x02) ? 1u : 0u); /* a SYN takes a number */
    for (size_t i = 0; i < plen; i++)
        th[20 + i] = (uint8_t)(first + i);
    return n + iphl + 20 + plen;
}

/* ---- the target ------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int links[8] = {TCPRE_LINK_ETHERNET,
                                 TCPRE_LINK_NULL,
                                 TCPRE_LINK_RAW,
                                 TCPRE_LINK_LOOP,
                                 TCPRE_LINK_LINUX_SLL,
                                 TCPRE_LINK_LINUX_SLL2,
                                 12,
                                 TCPRE_LINK_ETHERNET};
    static const uint16_t ports[4] = {0, 6379, 7000, 0};
    if (size < 1)
        return 0;
    memset(&C, 0, sizeof(C));
    int link = links[data[0] & 7];
    C.described = (data[0] >> 3) & 1;
    struct tcpre_sink sink = {NULL, on_open, on_data, on_gap, on_close};
    struct tcpre *t = tcpre_new(&sink, ports[(data[0] >> 4) & 3]);
    if (t == NULL)
        abort();
    size_t pos = 1;
    int64_t ts = 1700000000000000LL;
    uint64_t frames = 0;
    static uint8_t frame[65536 + 64];

    if (C.described) {
        uint32_t base = 0;
        for (int i = 0; i < 4 && pos < size; i++)
            base = base << 8 | data[pos++];
        while (pos + 8 <= size) {
            const uint8_t *r = data + pos;
            pos += 8;
            int conn = r[0] & 3, from_server = (r[0] >> 2) & 1, v6 = (r[0] >> 3) & 1;
            size_t cut = r[0] >> 4;
            uint32_t b[2] = {base + (uint32_t)conn * 0x40000000u,
                             base + (uint32_t)conn * 0x40000000u + 0x9e3779b9u};
            uint32_t seq = b[from_server] + (uint32_t)(r[2] << 8 | r[3]);
            uint32_t ack = b[!from_server] + (uint32_t)(r[4] << 8 | r[5]);
            size_t n = build(frame, link, v6, from_server, conn, seq, ack, r[1], r[6]);
            size_t cap = cut < n ? n - cut : 0;
            ts += r[7];
            frames++;
            if (tcpre_frame(t, link, frame, cap, n, ts) != 0)
                violation("a well-formed frame refused", 0);
        }
    } else {
        while (pos + 3 <= size) {
            size_t len = (size_t)(data[pos] << 8 | data[pos + 1]);
            size_t cut = data[pos + 2];
            pos += 3;
            if (len > size - pos)
                len = size - pos;
            uint8_t *f = malloc(len ? len : 1); /* exact size: ASan sees any over-read */
            if (f == NULL)
                abort();
            memcpy(f, data + pos, len);
            pos += len;
            ts += 1000;
            frames++;
            int r = tcpre_frame(t, link, f, len, len + cut, ts);
            free(f);
            if (r != 0 && r != MR_EPARSE)
                violation("tcpre_frame returned an unexpected code", 0);
        }
    }
    tcpre_finish(t, ts);

    struct tcpre_stats st;
    tcpre_stats(t, &st);
    for (int id = 1; id <= C.opened && id <= MAX_IDS; id++)
        if (C.state[id] != 2)
            violation("not closed by tcpre_finish", id);
    if (st.frames != frames || st.connections != C.opened || st.gap_bytes != C.gap_bytes ||
        (C.opened <= MAX_IDS && st.midstream != C.midstream))
        violation("stats disagree with the callbacks", 0);
    if (st.tcp + st.not_tcp + st.other_port + st.undecodable != st.frames)
        violation("frames not classified exactly once", 0);
    tcpre_free(t);
    return 0;
}
