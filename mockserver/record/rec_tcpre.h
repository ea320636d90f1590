/* rec_tcpre.h - TCP stream reassembly for captures: frames in, byte streams out.
 *
 * `mockredis record` turns a capture of a client talking to Redis into a
 * scenario. This module is its first half: it takes link-layer frames, one
 * at a time, as a capture file or a live interface delivers them, and hands
 * each TCP connection's bytes to a sink, in order, once per direction:
 *
 *   frames -> link layer -> IPv4 / IPv6 -> TCP -> per-connection, per-
 *   direction reassembly (sequence numbers) -> sink callbacks
 *
 * Pure: no I/O, no libpcap. The caller reads frames (rec_pcapin.c does it with
 * libpcap) and passes them with their link type and timestamp, so the
 * module can be unit-tested with hand-made frames and fuzzed.
 *
 * What it copes with: segments out of order (held until the hole is
 * filled), retransmissions and overlapping segments (bytes already
 * delivered are dropped, never delivered twice), several connections at
 * once, a capture that starts in the middle of a conversation (no SYN: the
 * first segment seen starts the stream), frames cut short by the snap
 * length, and traffic that is not TCP (counted and skipped).
 *
 * Which side is the server: the port given to tcpre_new; with port 0, the
 * side that received the SYN, else the side on port 6379, else the lower
 * port. Connections not on the server port (when one was given) are
 * skipped and counted. */
#ifndef MOCKREDIS_TCPRE_H
#define MOCKREDIS_TCPRE_H

#include <stddef.h>
#include <stdint.h>

struct tcpre; /* a reassembler (opaque) */

/* Link types (the DLT_ / LINKTYPE_ numbers of pcap files) understood. */
enum tcpre_link {
    TCPRE_LINK_NULL = 0,        /* BSD loopback: 4-byte address family, host order */
    TCPRE_LINK_ETHERNET = 1,    /* Ethernet II, with up to two 802.1Q tags */
    TCPRE_LINK_RAW = 101,       /* a bare IPv4 or IPv6 packet */
    TCPRE_LINK_LOOP = 108,      /* OpenBSD loopback: address family, network order */
    TCPRE_LINK_LINUX_SLL = 113, /* Linux "any" device, 16-byte header */
    TCPRE_LINK_LINUX_SLL2 = 276 /* Linux "any" device, 20-byte header */
};

/* One connection's endpoints, as seen in the capture. */
struct tcpre_flow {
    int family;           /* AF_INET or AF_INET6 */
    uint8_t cli_addr[16]; /* network order; IPv4 uses the first 4 bytes */
    uint8_t srv_addr[16];
    uint16_t cli_port, srv_port; /* host order */
};

enum tcpre_dir {
    TCPRE_C2S, /* client to server: commands */
    TCPRE_S2C  /* server to client: replies */
};

/* How a connection ended. */
enum tcpre_end {
    TCPRE_FIN, /* both sides sent FIN, or one did and the capture ended */
    TCPRE_RST, /* either side reset it */
    TCPRE_EOF  /* the capture ended with the connection open */
};

/* Where the reassembled streams go. Every callback may be NULL. ids count
 * from 1 in the order connections are first seen. For one id: open fires
 * once, first; then data and gap in stream order for each direction; then
 * close fires exactly once (at the latest from tcpre_finish). The bytes
 * passed to data are borrowed for the duration of the call. */
struct tcpre_sink {
    void *ud;
    /* syn: 1 when the handshake was seen, 0 when the capture starts in the
     * middle of this conversation. */
    void (*open)(void *ud, int id, const struct tcpre_flow *f, int syn, int64_t ts_us);
    /* The next bytes of one direction, in order. ts_us: the timestamp of the
     * frame that completed them (for out-of-order data, the frame that
     * filled the hole). */
    void (*data)(void *ud, int id, enum tcpre_dir d, const uint8_t *p, size_t n, int64_t ts_us);
    /* n bytes of one direction were never captured (lost, or cut by the
     * snap length); the next data follows the hole. */
    void (*gap)(void *ud, int id, enum tcpre_dir d, uint64_t n, int64_t ts_us);
    void (*close)(void *ud, int id, enum tcpre_end how, int64_t ts_us);
};

/* How many of the other ports tcpre_stats lists. */
#define TCPRE_OTHER_PORTS 8

/* What was seen, for the report at the end of a recording. */
struct tcpre_stats {
    uint64_t frames;        /* frames passed in */
    uint64_t tcp;           /* TCP segments on a followed connection */
    uint64_t not_tcp;       /* frames that are not IPv4/IPv6 TCP (ARP, UDP, ICMP...) */
    uint64_t other_port;    /* TCP segments of connections not on the server port */
    uint64_t undecodable;   /* unknown link type, bad header length, IP fragments */
    uint64_t truncated;     /* frames cut short by the snap length */
    uint64_t retransmitted; /* segments whose bytes had all been delivered */
    uint64_t out_of_order;  /* segments held until a hole was filled */
    uint64_t gap_bytes;     /* bytes reported through gap */
    int connections;        /* ids handed out */
    int midstream;          /* connections opened without a SYN */
    /* The segments counted in other_port, by their server port as guessed
     * without a port (the side that received the SYN, else 6379, else the
     * lower port): the first TCPRE_OTHER_PORTS ports seen, in that order,
     * each with its segment count; other_ports_more is 1 when more ports
     * were seen. So a wrong server port can be told what was there. */
    int nother_ports;
    uint16_t other_ports[TCPRE_OTHER_PORTS];
    uint64_t other_port_segs[TCPRE_OTHER_PORTS];
    int other_ports_more;
};

/* Returns a new reassembler that calls sink (copied; sink->ud is kept) and
 * follows connections whose server side is on server_port (host order), or
 * guesses the server side when server_port is 0. Never NULL (out of memory
 * aborts, as everywhere in mockredis: mem.h). Free with tcpre_free. */
struct tcpre *tcpre_new(const struct tcpre_sink *sink, uint16_t server_port);

/* Passes one captured frame: link is a pcap link type (enum tcpre_link),
 * p[0..caplen) the captured bytes, wirelen the frame's length on the wire
 * (caplen < wirelen when the snap length cut it), ts_us its timestamp in
 * microseconds since the Unix epoch. Callbacks fire from inside this call.
 * Returns 0 when the frame was used or skipped as not ours (the stats say
 * which), MR_EPARSE for a frame that claims to be IP/TCP but is malformed
 * (counted as undecodable; the reassembler stays usable). */
int tcpre_frame(struct tcpre *t, int link, const uint8_t *p, size_t caplen, size_t wirelen,
                int64_t ts_us);

/* The capture is over: data still held behind a hole is delivered after a
 * gap callback, and every connection still open is closed (TCPRE_EOF, or
 * TCPRE_FIN when a FIN was seen). ts_us: the time of the last frame. Call
 * once; afterwards only tcpre_stats and tcpre_free are allowed. */
void tcpre_finish(struct tcpre *t, int64_t ts_us);

void tcpre_stats(const struct tcpre *t, struct tcpre_stats *out);

/* Frees t; NULL is allowed. Callbacks never fire from here: call
 * tcpre_finish first to get what is still held. */
void tcpre_free(struct tcpre *t);

#endif
