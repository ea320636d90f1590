/* cap.c - the capture writer, see cap.h.
 *
 * The server sees byte streams, not packets; this file invents the packets
 * around them, well-formed enough that Wireshark's TCP analysis finds no
 * fault and its RESP dissector reassembles every message. It writes the
 * classic pcap format itself (what libpcap's pcap_dump writes: a 24-byte
 * file header -- magic a1b2c3d4, version 2.4, snap length 65535, link type
 * 1 = Ethernet -- then a 16-byte header per frame with microsecond
 * timestamps, all in host byte order, which readers detect from the magic),
 * and flushes after every call so a capture of a running server can be read
 * at any time. Not linking libpcap into the server keeps its start-up fast:
 * libpcap pulls D-Bus, systemd and crypto libraries into every process, about
 * 2.5 ms per start here; reading captures (tests, the recorder) uses libpcap.
 *
 * Frames, C = client, S = server, each: Ethernet II (C is 02:00:00:00:00:01,
 * S is 02:00:00:00:00:02, EtherType 0x0800 or 0x86dd), then IPv4 (IHL 5,
 * DF, TTL 64, ID counting up per sender, header checksum) or IPv6 (hop
 * limit 64, no extension headers), then TCP (real ports, window 65535
 * scaled by 7 after the handshake, checksum over the pseudo-header):
 *
 *   open    C>S SYN      seq=ic            options MSS 65000, NOP, WS 7
 *           S>C SYN|ACK  seq=is  ack=ic+1  same options
 *           C>S ACK      seq=ic+1 ack=is+1
 *   data    X>Y PSH|ACK  seq=x ack=y  payload (<= 65000 bytes, one per chunk)
 *           Y>X ACK      seq=y ack=x+len
 *   close   FIN first by X:  X>Y FIN|ACK, Y>X FIN|ACK, X>Y ACK
 *           reset by X:      X>Y RST|ACK  seq=x ack=y
 *
 * ic and is (the initial sequence numbers) are an FNV-1a hash of the
 * address pair, not random, so identical inputs give identical files. All
 * frames of one call carry the same timestamp.
 *
 * Not done: Unix-socket connections (no addresses to show), IP
 * fragmentation (no frame exceeds 65535 bytes), retransmissions, TCP
 * options beyond the handshake's. Notes go to FILE.notes because the
 * classic pcap format has no comment field (pcapng has, libpcap cannot
 * write it).
 *
 * The capture and the notes are created by ofile.h (a new file renamed into
 * place), never opened by name: a link planted at FILE or FILE.notes, even
 * while the server runs, is replaced, and its target left alone. */
#include "cap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mem.h"
#include "mr_err.h"
#include "ofile.h"
#include "wire.h"

#define ETH_LEN     14
#define IP4_LEN     20
#define IP6_LEN     40
#define TCP_LEN     20
#define TCP_SYN_OPT 8 /* MSS (4) + NOP (1) + window scale (3) */
#define FRAME_MAX   (ETH_LEN + IP6_LEN + TCP_LEN + TCP_SYN_OPT + CAP_SEGMENT_MAX)
#define WSCALE      7

/* One end of a connection. */
struct cap__end {
    uint8_t addr[16]; /* 4 bytes used for IPv4 */
    uint16_t port;    /* host order */
    uint32_t seq;     /* next sequence number this end sends */
    uint16_t ip_id;   /* next IPv4 identification this end sends */
    uint8_t mac[6];
};

struct cap_conn {
    struct cap *cap;
    struct cap_conn *prev, *next; /* the capture's open connections */
    int v6;
    struct cap__end end[2]; /* [0] client, [1] server */
};

struct cap {
    FILE *f;
    char *notes_path; /* NULL: notes go to stderr */
    FILE *notes;      /* opened on the first note */
    uint32_t frames;
    int64_t last_ts;
    int failed;
    char err[256];
    struct cap_conn *conns;
    uint8_t frame[FRAME_MAX];
};

/* ---- byte helpers ------------------------------------------------------------ */

/* Adds bytes to a ones'-complement sum as big-endian 16-bit words; an odd
 * trailing byte is padded with zero (so only the last part may be odd). */
static uint32_t sum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (i < n)
        sum += (uint32_t)(p[i] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

static uint16_t sum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t fnv1a(uint32_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

/* ---- failure ------------------------------------------------------------------- */

static int fail(struct cap *cap, const char *what, const char *detail)
{
    if (!cap->failed)
        snprintf(cap->err, sizeof(cap->err), "%s: %s", what, detail);
    cap->failed = 1;
    return MR_EIO;
}

/* ---- frames -------------------------------------------------------------------- */

/* Builds and writes one frame from end `from` of conn to the other end. */
static int emit(struct cap_conn *conn, int from, uint8_t flags, uint32_t ack, const uint8_t *data,
                size_t len, int64_t ts_us)
{
    struct cap *cap = conn->cap;
    struct cap__end *src = &conn->end[from], *dst = &conn->end[!from];
    uint8_t *f = cap->frame;
    size_t optlen = (flags & WIRE_SYN) ? TCP_SYN_OPT : 0;
    size_t tcplen = TCP_LEN + optlen + len;
    size_t iplen = conn->v6 ? IP6_LEN : IP4_LEN;

    /* Ethernet II */
    memcpy(f, dst->mac, 6);
    memcpy(f + 6, src->mac, 6);
    wire_put16(f + 12, conn->v6 ? 0x86dd : 0x0800);

    /* IP */
    uint8_t *ip = f + ETH_LEN;
    uint32_t sum = 0;
    uint8_t pseudo[8];
    if (conn->v6) {
        wire_put32(ip, 0x60000000u); /* version 6, traffic class 0, flow label 0 */
        wire_put16(ip + 4, (uint16_t)tcplen);
        ip[6] = IPPROTO_TCP;
        ip[7] = 64;
        memcpy(ip + 8, src->addr, 16);
        memcpy(ip + 24, dst->addr, 16);
        /* pseudo-header: addresses, upper-layer length (32), zero (24), next header */
        sum = sum_add(sum, ip + 8, 32);
        wire_put32(pseudo, (uint32_t)tcplen);
        wire_put32(pseudo + 4, IPPROTO_TCP);
        sum = sum_add(sum, pseudo, 8);
    } else {
        ip[0] = 0x45;
        ip[1] = 0;
        wire_put16(ip + 2, (uint16_t)(IP4_LEN + tcplen));
        wire_put16(ip + 4, src->ip_id++);
        wire_put16(ip + 6, 0x4000); /* DF */
        ip[8] = 64;
        ip[9] = IPPROTO_TCP;
        wire_put16(ip + 10, 0);
        memcpy(ip + 12, src->addr, 4);
        memcpy(ip + 16, dst->addr, 4);
        wire_put16(ip + 10, sum_fold(sum_add(0, ip, IP4_LEN)));
        /* pseudo-header: addresses, zero, protocol, TCP length */
        sum = sum_add(sum, ip + 12, 8);
        pseudo[0] = 0;
        pseudo[1] = IPPROTO_TCP;
        wire_put16(pseudo + 2, (uint16_t)tcplen);
        sum = sum_add(sum, pseudo, 4);
    }

    /* TCP */
    uint8_t *th = ip + iplen;
    wire_put16(th, src->port);
    wire_put16(th + 2, dst->port);
    wire_put32(th + 4, src->seq);
    wire_put32(th + 8, (flags & WIRE_ACK) ? ack : 0);
    th[12] = (uint8_t)(((TCP_LEN + optlen) / 4) << 4);
    th[13] = flags;
    wire_put16(th + 14, 65535); /* unscaled in a SYN, times 2^WSCALE afterwards */
    wire_put16(th + 16, 0);
    wire_put16(th + 18, 0); /* urgent pointer */
    if (optlen) {
        uint8_t *o = th + TCP_LEN;
        o[0] = 2; /* MSS */
        o[1] = 4;
        wire_put16(o + 2, CAP_SEGMENT_MAX);
        o[4] = 1; /* NOP */
        o[5] = 3; /* window scale */
        o[6] = 3;
        o[7] = WSCALE;
    }
    if (len)
        memcpy(th + TCP_LEN + optlen, data, len);
    sum = sum_add(sum, th, tcplen);
    wire_put16(th + 16, sum_fold(sum));

    if (ts_us < 0)
        ts_us = 0;
    uint32_t rec[4] = {(uint32_t)(ts_us / 1000000), (uint32_t)(ts_us % 1000000),
                       (uint32_t)(ETH_LEN + iplen + tcplen), (uint32_t)(ETH_LEN + iplen + tcplen)};
    fwrite(rec, sizeof(rec), 1, cap->f);
    fwrite(f, 1, ETH_LEN + iplen + tcplen, cap->f);
    cap->frames++;
    if (ts_us > cap->last_ts)
        cap->last_ts = ts_us;

    /* SYN and FIN take one sequence number, data its length. */
    src->seq += (uint32_t)len + ((flags & (WIRE_SYN | WIRE_FIN)) ? 1u : 0u);
    return 0;
}

/* Ends a public call: everything written so far reaches the file. */
static int flush(struct cap *cap)
{
    if (fflush(cap->f) != 0 || ferror(cap->f))
        return fail(cap, "pcap write", strerror(errno ? errno : EIO));
    return 0;
}

/* ---- the capture ------------------------------------------------------------- */

/* A new regular file at path as a stream (ofile_open: a link planted there
 * is replaced, never followed). NULL with errno set on failure. */
static FILE *open_new(const char *path, const char *mode)
{
    int fd = ofile_open(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, mode);
    if (f == NULL) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

struct cap *cap_open(const char *path, char *err, size_t errlen)
{
    struct cap *cap = mem_calloc(1, sizeof(*cap));
    cap->f = strcmp(path, "-") == 0 ? stdout : open_new(path, "wb");
    if (cap->f == NULL) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(cap);
        return NULL;
    }
    /* The file header: magic, version 2.4, zone 0, sigfigs 0, snaplen, Ethernet. */
    uint32_t magic = 0xa1b2c3d4, zone = 0, sigfigs = 0, snaplen = 65535, linktype = 1;
    uint16_t major = 2, minor = 4;
    fwrite(&magic, 4, 1, cap->f);
    fwrite(&major, 2, 1, cap->f);
    fwrite(&minor, 2, 1, cap->f);
    fwrite(&zone, 4, 1, cap->f);
    fwrite(&sigfigs, 4, 1, cap->f);
    fwrite(&snaplen, 4, 1, cap->f);
    fwrite(&linktype, 4, 1, cap->f);
    if (strcmp(path, "-") != 0) {
        size_t n = strlen(path);
        cap->notes_path = mem_alloc(n + sizeof(".notes"));
        memcpy(cap->notes_path, path, n);
        memcpy(cap->notes_path + n, ".notes", sizeof(".notes"));
        /* A stale one would annotate the wrong file. (unlink removes a link,
         * never its target; the notes are created by open_new later.) */
        unlink(cap->notes_path);
    }
    if (flush(cap) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s", cap->err);
        cap_close(cap);
        return NULL;
    }
    return cap;
}

int cap_close(struct cap *cap)
{
    if (cap == NULL)
        return 0;
    while (cap->conns)
        cap_conn_close(cap->conns, CAP_FIN_SERVER, cap->last_ts);
    int rc = cap->failed ? MR_EIO : 0;
    if (cap->f != stdout ? fclose(cap->f) != 0 : fflush(cap->f) != 0)
        rc = MR_EIO;
    if (cap->notes && fclose(cap->notes) != 0)
        rc = MR_EIO;
    free(cap->notes_path);
    free(cap);
    return rc;
}

const char *cap_errstr(const struct cap *cap)
{
    return cap ? cap->err : "";
}

uint32_t cap_frames(const struct cap *cap)
{
    return cap ? cap->frames : 0;
}

/* ---- connections --------------------------------------------------------------- */

/* Fills an end from a socket address. Returns 4 (IPv4), 6 (IPv6) or 0. */
static int set_end(struct cap__end *e, const struct sockaddr *sa)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (sa == NULL)
        return 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        memcpy(e->addr, &in->sin_addr, 4);
        e->port = ntohs(in->sin_port);
        return 4;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        const uint8_t *a = (const uint8_t *)&in6->sin6_addr;
        e->port = ntohs(in6->sin6_port);
        if (memcmp(a, mapped, sizeof(mapped)) == 0) {
            memcpy(e->addr, a + 12, 4);
            return 4;
        }
        memcpy(e->addr, a, 16);
        return 6;
    }
    return 0;
}

struct cap_conn *cap_conn_open(struct cap *cap, const struct sockaddr *client,
                               const struct sockaddr *server, int64_t ts_us)
{
    if (cap == NULL || cap->failed)
        return NULL;
    struct cap_conn *conn = mem_calloc(1, sizeof(*conn));
    int fc = set_end(&conn->end[0], client);
    int fs = set_end(&conn->end[1], server);
    if (fc == 0 || fc != fs) {
        free(conn);
        return NULL;
    }
    conn->cap = cap;
    conn->v6 = fc == 6;
    size_t alen = conn->v6 ? 16 : 4;
    for (int i = 0; i < 2; i++) {
        struct cap__end *e = &conn->end[i];
        uint8_t tag = (uint8_t)(i ? 's' : 'c');
        uint8_t ports[4];
        wire_put16(ports, conn->end[0].port);
        wire_put16(ports + 2, conn->end[1].port);
        uint32_t h = fnv1a(2166136261u, &tag, 1);
        h = fnv1a(h, conn->end[0].addr, alen);
        h = fnv1a(h, conn->end[1].addr, alen);
        h = fnv1a(h, ports, sizeof(ports));
        e->seq = h;
        e->ip_id = (uint16_t)(h >> 16);
        static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};
        memcpy(e->mac, mac, 6);
        e->mac[5] = (uint8_t)(i + 1);
    }
    conn->next = cap->conns;
    if (cap->conns)
        cap->conns->prev = conn;
    cap->conns = conn;

    struct cap__end *c = &conn->end[0], *s = &conn->end[1];
    emit(conn, 0, WIRE_SYN, 0, NULL, 0, ts_us);
    emit(conn, 1, WIRE_SYN | WIRE_ACK, c->seq, NULL, 0, ts_us);
    emit(conn, 0, WIRE_ACK, s->seq, NULL, 0, ts_us);
    flush(cap); /* on failure conn stays valid: the caller still closes it */
    return conn;
}

int cap_data(struct cap_conn *conn, enum cap_dir dir, const void *bytes, size_t len, int64_t ts_us)
{
    if (conn == NULL || len == 0)
        return 0;
    struct cap *cap = conn->cap;
    if (cap->failed)
        return MR_EIO;
    int from = dir == CAP_TO_SERVER ? 0 : 1;
    const uint8_t *p = bytes;
    while (len > 0) {
        size_t n = len < CAP_SEGMENT_MAX ? len : CAP_SEGMENT_MAX;
        emit(conn, from, WIRE_PSH | WIRE_ACK, conn->end[!from].seq, p, n, ts_us);
        emit(conn, !from, WIRE_ACK, conn->end[from].seq, NULL, 0, ts_us);
        p += n;
        len -= n;
    }
    return flush(cap);
}

int cap_conn_close(struct cap_conn *conn, enum cap_end how, int64_t ts_us)
{
    if (conn == NULL)
        return 0;
    struct cap *cap = conn->cap;
    int rc = MR_EIO;
    if (!cap->failed) {
        int x = (how == CAP_FIN_CLIENT || how == CAP_RST_CLIENT) ? 0 : 1;
        struct cap__end *ex = &conn->end[x], *ey = &conn->end[!x];
        if (how == CAP_RST_CLIENT || how == CAP_RST_SERVER) {
            emit(conn, x, WIRE_RST | WIRE_ACK, ey->seq, NULL, 0, ts_us);
        } else {
            emit(conn, x, WIRE_FIN | WIRE_ACK, ey->seq, NULL, 0, ts_us);
            emit(conn, !x, WIRE_FIN | WIRE_ACK, ex->seq, NULL, 0, ts_us);
            emit(conn, x, WIRE_ACK, ey->seq, NULL, 0, ts_us);
        }
        rc = flush(cap);
    }
    if (conn->prev)
        conn->prev->next = conn->next;
    else
        cap->conns = conn->next;
    if (conn->next)
        conn->next->prev = conn->prev;
    free(conn);
    return rc;
}

int cap_note(struct cap_conn *conn, int64_t ts_us, const char *text)
{
    if (conn == NULL)
        return 0;
    struct cap *cap = conn->cap;
    if (cap->failed)
        return MR_EIO;
    FILE *out = stderr;
    if (cap->notes_path) {
        if (cap->notes == NULL) {
            cap->notes = open_new(cap->notes_path, "w");
            if (cap->notes == NULL)
                return fail(cap, cap->notes_path, strerror(errno));
        }
        out = cap->notes;
    }
    if (ts_us < 0)
        ts_us = 0;
    fprintf(out, "%u %lld.%06lld ", cap->frames, (long long)(ts_us / 1000000),
            (long long)(ts_us % 1000000));
    for (const char *t = text ? text : ""; *t; t++)
        fputc(*t == '\n' || *t == '\r' ? ' ' : *t, out);
    fputc('\n', out);
    if (fflush(out) != 0 || ferror(out))
        return fail(cap, cap->notes_path ? cap->notes_path : "stderr", strerror(errno));
    return 0;
}
