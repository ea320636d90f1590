/* rec_tcpre.c - TCP stream reassembly for captures, see rec_tcpre.h.
 *
 * Pure: frames in, sink callbacks out; no I/O, no libpcap, no clock. The
 * frames and headers it reads:
 *
 *   link   NULL (0)       4-byte address family, host order of the capturing
 *                         machine (either order accepted): 2 = IPv4; 10, 24,
 *                         28, 30 = IPv6 (Linux, NetBSD/OpenBSD, FreeBSD, macOS)
 *          LOOP (108)     the same in network order
 *          ETHERNET (1)   dst(6) src(6) type(2), up to two VLAN tags
 *                         (0x8100, 0x88a8, 0x9100: TCI(2) type(2) each);
 *                         type 0x0800 = IPv4, 0x86dd = IPv6
 *          RAW (101; 12, 14 as the DLT_RAW aliases) the IP header directly,
 *                         its version nibble says which
 *          LINUX_SLL (113)  16 bytes, protocol (EtherType) at offset 14
 *          LINUX_SLL2 (276) 20 bytes, protocol (EtherType) at offset 0
 *   IPv4   IHL >= 5; total length trims Ethernet padding (0 = the length
 *          the frame gives, as TCP segmentation offload writes); MF or a
 *          fragment offset = undecodable; checksums are not checked
 *          (offload leaves them wrong in captures of the sending host)
 *   IPv6   payload length (0 = what the frame gives); extension headers
 *          hop-by-hop (0), routing (43), destination options (60) and
 *          AH (51) are skipped; fragment (44) = undecodable
 *   TCP    data offset >= 5; flags SYN, ACK, FIN, RST; seq and ack
 *
 * Reassembly, per connection (a 4-tuple) and direction, with 32-bit
 * sequence arithmetic (differences taken as int32_t, so 2^32 wraps):
 *  - nxt is the next sequence number to deliver. A SYN sets it to ISN+1;
 *    without one, the first segment of a direction sets it to its own seq,
 *    and the first ACK seen sets the other direction's to the ack number
 *    (those bytes were acknowledged before the capture began; anything the
 *    capture missed after them becomes a gap).
 *  - a segment starting at or before nxt is trimmed of what was delivered
 *    and delivered at once; one wholly before nxt is a retransmission.
 *  - a segment beyond nxt (at most 2^30 ahead, the largest TCP window; past
 *    that it is noise and dropped) is held in a sorted list, cut into the
 *    pieces no held segment covers yet (the first copy of a byte wins), and
 *    delivered when the hole before it is filled. Held data is bounded per
 *    direction (TCPRE__HOLD_BYTES and TCPRE__HOLD_PIECES): past the bound
 *    the first hole is given up as a gap and what follows it delivered.
 *  - a frame cut by the snap length gives its captured payload as data and
 *    the rest (the IP length says how much) as a "lost" piece: a gap, in
 *    stream order, with no wait for a retransmission that would not help.
 *  - FIN: the stream of that direction ends at the FIN's sequence number
 *    (later bytes are dropped, also bytes held out of order that came
 *    before the FIN); when both directions are complete up to
 *    their FINs the connection closes (TCPRE_FIN). RST closes at once.
 *    Before a close, held data is delivered behind gaps, and a hole before
 *    a FIN is reported as a gap.
 *  - a SYN on a 4-tuple whose connection ended starts a new id. A SYN with
 *    a new ISN on an open connection means the capture missed its end: the
 *    old one is closed (TCPRE_FIN when a FIN was seen, else TCPRE_EOF) and a
 *    new one starts. A repeated SYN (same ISN) is a retransmission.
 *  - a bare ACK, FIN or RST (no payload, no SYN) on a 4-tuple not followed
 *    yet opens nothing: no empty connections from stray packets.
 *
 * Ended connections stay in the table (as tombstones, without data) so
 * that their last ACKs and late retransmissions are recognised, up to
 * TCPRE__TOMBSTONES of them; the oldest are forgotten first.
 *
 * Not done: checksums, TCP options (window scale is irrelevant to byte
 * order; SACK and timestamps are ignored), urgent data, gaps implied by
 * acknowledgements of bytes never captured (only holes before held data or
 * a FIN are reported), IP reassembly, tunnels (GRE, VXLAN, IP in IP). */
#include "rec_tcpre.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dict.h"
#include "mem.h"
#include "mr_err.h"
#include "wire.h"

#define TCPRE__HOLD_BYTES  (4u << 20) /* data held behind holes, per direction */
#define TCPRE__HOLD_PIECES 4096u      /* held pieces, per direction */
#define TCPRE__WINDOW      (1u << 30) /* the largest TCP window (scale 14) */
#define TCPRE__TOMBSTONES  65536      /* ended connections remembered */

/* Endpoint: address (16 bytes, IPv4 in the first 4) and port (big-endian). */
#define EP_LEN  18
#define KEY_LEN (1 + 2 * EP_LEN)

/* Bytes of one direction held until the hole before them is filled. */
struct tcpre__piece {
    struct tcpre__piece *next;
    uint32_t seq;
    uint32_t len;
    int lost; /* 1: bytes known to be missing (cut by the snap length): no data */
    uint8_t data[];
};

struct tcpre__dir {
    int started; /* nxt is known */
    int syn;     /* isn is known */
    uint32_t isn;
    uint32_t nxt;
    int fin; /* a FIN was seen at fin_seq */
    uint32_t fin_seq;
    int done; /* delivered up to the FIN */
    struct tcpre__piece *held, *tail;
    size_t held_bytes, held_pieces;
};

struct tcpre__conn {
    struct tcpre__conn *prev, *next; /* the open list (id order) or the tombstone list */
    uint8_t key[KEY_LEN];
    int id;
    int open;
    struct tcpre_flow flow;
    struct tcpre__dir d[2]; /* indexed by enum tcpre_dir */
};

struct tcpre__list {
    struct tcpre__conn *head, *tail;
    size_t n;
};

struct tcpre {
    struct tcpre_sink sink;
    uint16_t port;
    int finished;
    struct tcpre_stats st;
    struct dict *conns; /* key -> struct tcpre__conn, open and tombstones */
    struct tcpre__list open, tombs;
};

/* One decoded TCP segment. */
struct tcpre__seg {
    int family;
    const uint8_t *src, *dst; /* 4 or 16 bytes */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    const uint8_t *payload;
    size_t caplen; /* payload bytes captured */
    size_t len;    /* payload bytes on the wire */
};

/* What decoding a frame found. */
enum tcpre__dec {
    DEC_TCP,     /* a TCP segment */
    DEC_NOT_TCP, /* something else (ARP, UDP, ICMP...) */
    DEC_UNDEC,   /* cannot be decoded but is not wrong: fragment, unknown link, cut headers */
    DEC_BAD      /* claims to be IP/TCP but is malformed */
};

/* ---- decoding ---------------------------------------------------------------- */

/* Every decoder below checks a header against the frame's length on the
 * wire first (shorter: malformed, DEC_BAD), then against what was captured
 * (shorter: the snap length cut it, DEC_UNDEC; wire >= cap always holds). */

/* TCP at p: cap bytes captured of wire bytes (the IP payload). */
static enum tcpre__dec dec_tcp(const uint8_t *p, size_t cap, size_t wire, struct tcpre__seg *s)
{
    if (wire < 20)
        return DEC_BAD;
    if (cap < 20)
        return DEC_UNDEC;
    size_t doff = (size_t)(p[12] >> 4) * 4;
    if (doff < 20 || doff > wire)
        return DEC_BAD;
    if (doff > cap)
        return DEC_UNDEC;
    s->sport = wire_get16(p);
    s->dport = wire_get16(p + 2);
    s->seq = wire_get32(p + 4);
    s->ack = wire_get32(p + 8);
    s->flags = p[13];
    s->payload = p + doff;
    s->caplen = cap - doff;
    s->len = wire - doff;
    return DEC_TCP;
}

/* IPv4 at p: cap bytes captured, wire bytes on the wire (from here on). */
static enum tcpre__dec dec_ip4(const uint8_t *p, size_t cap, size_t wire, struct tcpre__seg *s)
{
    if (wire < 20)
        return DEC_BAD;
    if (cap < 20)
        return DEC_UNDEC;
    size_t ihl = (size_t)(p[0] & 15) * 4;
    size_t tot = wire_get16(p + 2);
    if (tot == 0)
        tot = wire; /* segmentation offload: the length is the frame's */
    if (ihl < 20 || tot < ihl || tot > wire)
        return DEC_BAD;
    if (ihl > cap)
        return DEC_UNDEC;
    if (wire_get16(p + 6) & 0x3fff)
        return DEC_UNDEC; /* more fragments, or a fragment offset */
    if (p[9] != 6)
        return DEC_NOT_TCP;
    s->family = AF_INET;
    s->src = p + 12;
    s->dst = p + 16;
    if (cap > tot)
        cap = tot; /* Ethernet padding */
    return dec_tcp(p + ihl, cap - ihl, tot - ihl, s);
}

static enum tcpre__dec dec_ip6(const uint8_t *p, size_t cap, size_t wire, struct tcpre__seg *s)
{
    if (wire < 40)
        return DEC_BAD;
    if (cap < 40)
        return DEC_UNDEC;
    size_t tot = 40 + (size_t)wire_get16(p + 4);
    if (tot == 40)
        tot = wire; /* a jumbogram, or segmentation offload */
    if (tot > wire)
        return DEC_BAD;
    if (cap > tot)
        cap = tot;
    uint8_t nh = p[6];
    size_t pos = 40;
    for (;;) {
        size_t hl;
        switch (nh) {
        case 6: break;
        case 0:  /* hop-by-hop options */
        case 43: /* routing */
        case 60: /* destination options */
        case 51: /* authentication header */
            if (pos + 2 > tot)
                return DEC_BAD;
            if (pos + 2 > cap)
                return DEC_UNDEC;
            hl = nh == 51 ? ((size_t)p[pos + 1] + 2) * 4 : ((size_t)p[pos + 1] + 1) * 8;
            nh = p[pos];
            pos += hl;
            if (pos > tot)
                return DEC_BAD;
            continue;
        case 44: return DEC_UNDEC; /* a fragment */
        default: return DEC_NOT_TCP;
        }
        break;
    }
    if (pos > cap)
        return DEC_UNDEC;
    s->family = AF_INET6;
    s->src = p + 8;
    s->dst = p + 24;
    return dec_tcp(p + pos, cap - pos, tot - pos, s);
}

/* IP of either version at p, chosen by the version nibble; want: 4 or 6
 * when the link layer said which, 0 when it did not. */
static enum tcpre__dec dec_ip(int want, const uint8_t *p, size_t cap, size_t wire,
                              struct tcpre__seg *s)
{
    if (wire < 1)
        return DEC_BAD;
    if (cap < 1)
        return DEC_UNDEC;
    int v = p[0] >> 4;
    if ((v != 4 && v != 6) || (want && v != want))
        return want ? DEC_BAD : DEC_NOT_TCP;
    return v == 4 ? dec_ip4(p, cap, wire, s) : dec_ip6(p, cap, wire, s);
}

/* An EtherType: 4 or 6 for IP, 0 for anything else. */
static int ethertype_ip(uint16_t type)
{
    return type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0;
}

/* A BSD address family value: 4 or 6 for IP, 0 for anything else. */
static int af_ip(uint32_t af)
{
    if (af == 2)
        return 4;
    if (af == 10 || af == 24 || af == 28 || af == 30)
        return 6;
    return 0;
}

static enum tcpre__dec decode(int link, const uint8_t *p, size_t cap, size_t wire,
                              struct tcpre__seg *s)
{
    size_t off;
    int v;
    switch (link) {
    case TCPRE_LINK_NULL:
    case TCPRE_LINK_LOOP:
        off = 4;
        if (wire < off)
            return DEC_BAD;
        if (cap < off)
            return DEC_UNDEC;
        v = af_ip(wire_get32(p)); /* network order, or host order on a big-endian machine */
        if (!v)
            v = af_ip((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
        break;
    case TCPRE_LINK_ETHERNET: {
        off = 14;
        if (wire < off)
            return DEC_BAD;
        if (cap < off)
            return DEC_UNDEC;
        uint16_t type = wire_get16(p + 12);
        for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100);
             tags++) {
            if (wire < off + 4)
                return DEC_BAD;
            if (cap < off + 4)
                return DEC_UNDEC;
            type = wire_get16(p + off + 2);
            off += 4;
        }
        v = ethertype_ip(type);
        break;
    }
    case TCPRE_LINK_RAW:
    case 12: /* DLT_RAW on most systems */
    case 14: /* DLT_RAW on OpenBSD */ return dec_ip(0, p, cap, wire, s);
    case TCPRE_LINK_LINUX_SLL:
        off = 16;
        if (wire < off)
            return DEC_BAD;
        if (cap < off)
            return DEC_UNDEC;
        v = ethertype_ip(wire_get16(p + 14));
        break;
    case TCPRE_LINK_LINUX_SLL2:
        off = 20;
        if (wire < off)
            return DEC_BAD;
        if (cap < off)
            return DEC_UNDEC;
        v = ethertype_ip(wire_get16(p));
        break;
    default: return DEC_UNDEC;
    }
    if (!v)
        return DEC_NOT_TCP;
    return dec_ip(v, p + off, cap - off, wire - off, s);
}

/* ---- connection table -------------------------------------------------------- */

static void ep_make(uint8_t *ep, int family, const uint8_t *addr, uint16_t port)
{
    memset(ep, 0, EP_LEN);
    memcpy(ep, addr, family == AF_INET ? 4 : 16);
    ep[16] = (uint8_t)(port >> 8);
    ep[17] = (uint8_t)port;
}

/* The key of a 4-tuple: the family, then the two endpoints, lower first, so
 * both directions give the same key. */
static void key_make(uint8_t *key, const struct tcpre__seg *s)
{
    uint8_t a[EP_LEN], b[EP_LEN];
    ep_make(a, s->family, s->src, s->sport);
    ep_make(b, s->family, s->dst, s->dport);
    int swap = memcmp(a, b, EP_LEN) > 0;
    key[0] = (uint8_t)(s->family == AF_INET ? 4 : 6);
    memcpy(key + 1, swap ? b : a, EP_LEN);
    memcpy(key + 1 + EP_LEN, swap ? a : b, EP_LEN);
}

static struct tcpre__conn *table_find(const struct tcpre *t, const uint8_t *key)
{
    struct dict_entry *e = dict_find(t->conns, key, KEY_LEN);
    return e ? e->val : NULL;
}

static void list_append(struct tcpre__list *l, struct tcpre__conn *c)
{
    c->next = NULL;
    c->prev = l->tail;
    if (l->tail)
        l->tail->next = c;
    else
        l->head = c;
    l->tail = c;
    l->n++;
}

static void list_remove(struct tcpre__list *l, struct tcpre__conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        l->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        l->tail = c->prev;
    c->prev = c->next = NULL;
    l->n--;
}

static void dir_clear(struct tcpre__dir *d)
{
    struct tcpre__piece *h = d->held, *next;
    for (; h; h = next) {
        next = h->next;
        free(h);
    }
    memset(d, 0, sizeof(*d));
}

/* The dict's value destructor: a connection and the data it holds. */
static void conn_free(void *p)
{
    struct tcpre__conn *c = p;
    dir_clear(&c->d[0]);
    dir_clear(&c->d[1]);
    free(c);
}

/* ---- delivery ------------------------------------------------------------------ */

/* Delivers n bytes at nxt: data when p is set, a gap when it is NULL. */
static void emit(struct tcpre *t, struct tcpre__conn *c, enum tcpre_dir dir, const uint8_t *p,
                 size_t n, int64_t ts)
{
    if (n == 0)
        return;
    c->d[dir].nxt += (uint32_t)n;
    if (p) {
        if (t->sink.data)
            t->sink.data(t->sink.ud, c->id, dir, p, n, ts);
    } else {
        t->st.gap_bytes += n;
        if (t->sink.gap)
            t->sink.gap(t->sink.ud, c->id, dir, n, ts);
    }
}

/* Delivers held pieces that the stream has reached. */
static void drain(struct tcpre *t, struct tcpre__conn *c, enum tcpre_dir dir, int64_t ts)
{
    struct tcpre__dir *d = &c->d[dir];
    struct tcpre__piece *h;
    while ((h = d->held) != NULL) {
        int32_t off = (int32_t)(h->seq - d->nxt);
        if (off > 0)
            break;
        size_t skip = (size_t)(-(int64_t)off);
        if (skip < h->len)
            emit(t, c, dir, h->lost ? NULL : h->data + skip, h->len - skip, ts);
        d->held = h->next;
        if (!d->held)
            d->tail = NULL;
        if (!h->lost)
            d->held_bytes -= h->len;
        d->held_pieces--;
        free(h);
    }
}

/* Gives up the first hole: reports it as a gap and delivers what follows. */
static void skip_hole(struct tcpre *t, struct tcpre__conn *c, enum tcpre_dir dir, int64_t ts)
{
    struct tcpre__dir *d = &c->d[dir];
    if (d->held) {
        emit(t, c, dir, NULL, d->held->seq - d->nxt, ts);
        drain(t, c, dir, ts);
    }
}

/* Delivers everything still held, behind gaps, and a hole before a FIN. */
static void flush(struct tcpre *t, struct tcpre__conn *c, enum tcpre_dir dir, int64_t ts)
{
    struct tcpre__dir *d = &c->d[dir];
    while (d->held)
        skip_hole(t, c, dir, ts);
    if (d->fin) {
        int32_t off = (int32_t)(d->fin_seq - d->nxt);
        if (off > 0)
            emit(t, c, dir, NULL, (size_t)off, ts);
    }
}

/* A new held piece [seq, seq+len) before *pp. */
static struct tcpre__piece *piece_new(struct tcpre__dir *d, struct tcpre__piece **pp, uint32_t seq,
                                      const uint8_t *p, uint32_t len)
{
    struct tcpre__piece *h = mem_alloc(sizeof(*h) + (p ? len : 0));
    h->seq = seq;
    h->len = len;
    h->lost = p == NULL;
    if (p)
        memcpy(h->data, p, len);
    h->next = *pp;
    *pp = h;
    if (!h->next)
        d->tail = h;
    if (p)
        d->held_bytes += len;
    d->held_pieces++;
    return h;
}

/* Holds the bytes [nxt+a, nxt+b) (p: their data, NULL when lost) that no
 * held piece covers yet. Returns 1 when something new was held. */
static int hold(struct tcpre__dir *d, uint32_t a, uint32_t b, const uint8_t *p)
{
    struct tcpre__piece **pp = &d->held;
    int added = 0;
    if (d->tail && d->tail->seq - d->nxt + d->tail->len <= a)
        pp = &d->tail->next; /* the common case: after everything held */
    while (a < b) {
        struct tcpre__piece *h = *pp;
        if (!h) {
            piece_new(d, pp, d->nxt + a, p, b - a);
            return 1;
        }
        uint32_t hs = h->seq - d->nxt, he = hs + h->len;
        if (he <= a) {
            pp = &h->next;
            continue;
        }
        if (hs > a) {
            uint32_t e = b < hs ? b : hs;
            struct tcpre__piece *n = piece_new(d, pp, d->nxt + a, p, e - a);
            added = 1;
            pp = &n->next;
            if (p)
                p += e - a;
            a = e;
            continue;
        }
        uint32_t e = b < he ? b : he; /* [a, e) is held already */
        if (p)
            p += e - a;
        a = e;
        pp = &h->next;
    }
    return added;
}

/* A FIN was just seen: drops what is held at or past it (a forged or
 * corrupt capture; no byte of a direction follows its FIN). */
static void trim_at_fin(struct tcpre__dir *d)
{
    int32_t end = (int32_t)(d->fin_seq - d->nxt);
    struct tcpre__piece **pp = &d->held, *h;
    d->tail = NULL;
    while ((h = *pp) != NULL && (int32_t)(h->seq - d->nxt) < end) {
        uint32_t keep = (uint32_t)(end - (int32_t)(h->seq - d->nxt));
        if (h->len > keep) {
            if (!h->lost)
                d->held_bytes -= h->len - keep;
            h->len = keep;
        }
        d->tail = h;
        pp = &h->next;
    }
    *pp = NULL;
    while (h) { /* the first piece dropped, and all after it */
        struct tcpre__piece *next = h->next;
        if (!h->lost)
            d->held_bytes -= h->len;
        d->held_pieces--;
        free(h);
        h = next;
    }
}

/* Payload bytes of one segment: p[0..cap) captured, [cap, len) lost. */
static void add_bytes(struct tcpre *t, struct tcpre__conn *c, enum tcpre_dir dir, uint32_t seq,
                      const uint8_t *p, size_t cap, size_t len, int64_t ts)
{
    struct tcpre__dir *d = &c->d[dir];
    if (d->fin) { /* nothing of this direction follows its FIN */
        int64_t room = (int32_t)(d->fin_seq - seq);
        if (room < (int64_t)len)
            len = room > 0 ? (size_t)room : 0;
        if (cap > len)
            cap = len;
        if (len == 0)
            return;
    }
    int32_t off = (int32_t)(seq - d->nxt);
    if (off <= 0) {
        size_t skip = (size_t)(-(int64_t)off);
        if (skip >= len) {
            t->st.retransmitted++;
            return;
        }
        if (skip < cap)
            emit(t, c, dir, p + skip, cap - skip, ts);
        emit(t, c, dir, NULL, len - (skip > cap ? skip : cap), ts);
        drain(t, c, dir, ts);
        return;
    }
    if ((uint32_t)off > TCPRE__WINDOW)
        return; /* farther ahead than any window: noise */
    uint32_t a = (uint32_t)off;
    int added = hold(d, a, a + (uint32_t)cap, p);
    added |= hold(d, a + (uint32_t)cap, a + (uint32_t)len, NULL);
    if (added)
        t->st.out_of_order++;
    while (d->held && (d->held_bytes > TCPRE__HOLD_BYTES || d->held_pieces > TCPRE__HOLD_PIECES))
        skip_hole(t, c, dir, ts);
}

/* ---- connections --------------------------------------------------------------- */

static enum tcpre_end end_how(const struct tcpre__conn *c)
{
    return c->d[0].fin || c->d[1].fin ? TCPRE_FIN : TCPRE_EOF;
}

/* Ends c: delivers what is held, fires close, and keeps c as a tombstone. */
static void conn_end(struct tcpre *t, struct tcpre__conn *c, enum tcpre_end how, int64_t ts)
{
    flush(t, c, TCPRE_C2S, ts);
    flush(t, c, TCPRE_S2C, ts);
    c->open = 0;
    list_remove(&t->open, c);
    list_append(&t->tombs, c);
    if (t->sink.close)
        t->sink.close(t->sink.ud, c->id, how, ts);
    if (t->tombs.n > TCPRE__TOMBSTONES) {
        struct tcpre__conn *old = t->tombs.head;
        list_remove(&t->tombs, old);
        dict_delete(t->conns, old->key, KEY_LEN); /* frees old */
    }
}

/* Which direction s travels in c. */
static enum tcpre_dir dir_of(const struct tcpre__conn *c, const struct tcpre__seg *s)
{
    size_t alen = s->family == AF_INET ? 4 : 16;
    if (s->sport == c->flow.cli_port && memcmp(s->src, c->flow.cli_addr, alen) == 0)
        return TCPRE_C2S;
    return TCPRE_S2C;
}

/* Whether the source of s, the first segment of a connection, is its
 * server, guessed without a server port. */
static int src_is_server_guess(const struct tcpre__seg *s)
{
    int syn = (s->flags & WIRE_SYN) != 0, ack = (s->flags & WIRE_ACK) != 0;
    if (syn) /* a SYN goes to the server, a SYN|ACK comes from it */
        return ack;
    if (s->sport == 6379 || s->dport == 6379)
        return s->sport == 6379 && s->dport != 6379;
    return s->sport < s->dport; /* equal ports: the destination */
}

/* Whether the source of s, the first segment of a connection, is its server. */
static int src_is_server(const struct tcpre *t, const struct tcpre__seg *s)
{
    if (t->port && s->sport != s->dport)
        return s->sport == t->port;
    return src_is_server_guess(s);
}

/* Counts s, a segment not on the server port, under its server port: a
 * port already listed (a connection's SYN named its server, so its later
 * segments, which carry no SYN, go to the same port), else the guess. */
static void count_other_port(struct tcpre *t, const struct tcpre__seg *s)
{
    struct tcpre_stats *st = &t->st;
    st->other_port++;
    for (int i = 0; i < st->nother_ports; i++) {
        if (st->other_ports[i] == s->sport || st->other_ports[i] == s->dport) {
            st->other_port_segs[i]++;
            return;
        }
    }
    uint16_t port = src_is_server_guess(s) ? s->sport : s->dport;
    if (st->nother_ports == TCPRE_OTHER_PORTS) {
        st->other_ports_more = 1;
        return;
    }
    st->other_ports[st->nother_ports] = port;
    st->other_port_segs[st->nother_ports++] = 1;
}

/* Opens a connection for s (reusing the tombstone c when there is one). */
static struct tcpre__conn *conn_open(struct tcpre *t, struct tcpre__conn *c,
                                     const struct tcpre__seg *s, int64_t ts)
{
    if (c) {
        list_remove(&t->tombs, c);
        dir_clear(&c->d[0]);
        dir_clear(&c->d[1]);
    } else {
        c = mem_calloc(1, sizeof(*c));
        key_make(c->key, s);
        int created;
        dict_upsert(t->conns, c->key, KEY_LEN, &created)->val = c;
    }
    c->open = 1;
    c->id = ++t->st.connections;
    list_append(&t->open, c);
    size_t alen = s->family == AF_INET ? 4 : 16;
    int srv = src_is_server(t, s);
    memset(&c->flow, 0, sizeof(c->flow));
    c->flow.family = s->family;
    memcpy(c->flow.cli_addr, srv ? s->dst : s->src, alen);
    memcpy(c->flow.srv_addr, srv ? s->src : s->dst, alen);
    c->flow.cli_port = srv ? s->dport : s->sport;
    c->flow.srv_port = srv ? s->sport : s->dport;
    int syn = (s->flags & WIRE_SYN) != 0;
    if (!syn)
        t->st.midstream++;
    if (t->sink.open)
        t->sink.open(t->sink.ud, c->id, &c->flow, syn, ts);
    return c;
}

/* Whether a SYN s on the open connection c starts a new connection; else
 * it is part of c's handshake (a first SYN or SYN|ACK, or a repeat). */
static int syn_is_new(const struct tcpre__conn *c, const struct tcpre__seg *s)
{
    const struct tcpre__dir *d = &c->d[dir_of(c, s)];
    if (d->syn)
        return d->isn != s->seq;
    /* started by the other side's ACK, or midstream: fits when the bytes
     * would start where this direction already does */
    return d->started && (uint32_t)(s->seq + 1) != d->nxt;
}

/* One segment of the open connection c. */
static void seg_apply(struct tcpre *t, struct tcpre__conn *c, const struct tcpre__seg *s,
                      int64_t ts)
{
    enum tcpre_dir dir = dir_of(c, s);
    struct tcpre__dir *d = &c->d[dir], *o = &c->d[!dir];
    uint32_t seq = s->seq;
    if (s->flags & WIRE_SYN) {
        if (!d->syn) {
            d->syn = 1;
            d->isn = seq;
        }
        seq++; /* the SYN takes one sequence number */
    }
    if (!d->started) {
        d->started = 1;
        d->nxt = seq;
    }
    if ((s->flags & WIRE_ACK) && !o->started) {
        o->started = 1;
        o->nxt = s->ack;
    }
    if (s->flags & WIRE_RST) {
        conn_end(t, c, TCPRE_RST, ts);
        return;
    }
    if (s->len)
        add_bytes(t, c, dir, seq, s->payload, s->caplen, s->len, ts);
    if ((s->flags & WIRE_FIN) && !d->fin) {
        d->fin = 1;
        d->fin_seq = seq + (uint32_t)s->len;
        trim_at_fin(d);
    }
    for (int i = 0; i < 2; i++) {
        struct tcpre__dir *e = &c->d[i];
        if (e->fin && (int32_t)(e->fin_seq - e->nxt) <= 0)
            e->done = 1;
    }
    if (c->d[0].done && c->d[1].done)
        conn_end(t, c, TCPRE_FIN, ts);
}

static void segment(struct tcpre *t, const struct tcpre__seg *s, int64_t ts)
{
    if (t->port && s->sport != t->port && s->dport != t->port) {
        count_other_port(t, s);
        return;
    }
    t->st.tcp++;
    uint8_t key[KEY_LEN];
    key_make(key, s);
    struct tcpre__conn *c = table_find(t, key);
    int syn = (s->flags & WIRE_SYN) != 0;
    if (c && c->open && syn && syn_is_new(c, s))
        conn_end(t, c, end_how(c), ts); /* the capture missed its end */
    if (c && !c->open) {
        const struct tcpre__dir *d = &c->d[dir_of(c, s)];
        if (!syn || (d->syn && d->isn == s->seq)) {
            if (s->len) /* a late segment of the ended connection */
                t->st.retransmitted++;
            return;
        }
    }
    if (!c || !c->open) {
        if (!syn && s->len == 0)
            return; /* a bare ACK, FIN or RST: nothing to follow */
        c = conn_open(t, c, s, ts);
    }
    seg_apply(t, c, s, ts);
}

/* ---- API ------------------------------------------------------------------------ */

struct tcpre *tcpre_new(const struct tcpre_sink *sink, uint16_t server_port)
{
    struct tcpre *t = mem_calloc(1, sizeof(*t));
    if (sink)
        t->sink = *sink;
    t->port = server_port;
    t->conns = dict_new(conn_free);
    return t;
}

int tcpre_frame(struct tcpre *t, int link, const uint8_t *p, size_t caplen, size_t wirelen,
                int64_t ts_us)
{
    if (t->finished)
        return MR_EINVAL;
    t->st.frames++;
    if (wirelen < caplen)
        wirelen = caplen;
    if (caplen < wirelen)
        t->st.truncated++;
    struct tcpre__seg s;
    memset(&s, 0, sizeof(s));
    switch (decode(link, p, caplen, wirelen, &s)) {
    case DEC_TCP: segment(t, &s, ts_us); return 0;
    case DEC_NOT_TCP: t->st.not_tcp++; return 0;
    case DEC_UNDEC: t->st.undecodable++; return 0;
    case DEC_BAD: break;
    }
    t->st.undecodable++;
    return MR_EPARSE;
}

void tcpre_finish(struct tcpre *t, int64_t ts_us)
{
    if (t->finished)
        return;
    while (t->open.head) {
        struct tcpre__conn *c = t->open.head;
        conn_end(t, c, end_how(c), ts_us);
    }
    t->finished = 1;
}

void tcpre_stats(const struct tcpre *t, struct tcpre_stats *out)
{
    *out = t->st;
}

void tcpre_free(struct tcpre *t)
{
    if (!t)
        return;
    dict_free(t->conns);
    free(t);
}
