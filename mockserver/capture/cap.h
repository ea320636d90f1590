/* cap.h - the capture writer: every connection's traffic into a pcap file.
 *
 * `mockredis --pcap FILE` records what the server reads and writes as a
 * classic pcap file (Ethernet link type) that Wireshark and tshark open and
 * decode as RESP. The server knows only the byte stream of each socket, so
 * this module synthesises the TCP/IP around it: a handshake when a
 * connection is accepted, one segment per read or write (and the peer's
 * ACK), and the teardown that really happened (FIN from either side, or a
 * reset). See cap.c for the exact frames.
 *
 * Time is always passed in (microseconds since the Unix epoch, usually the
 * server's scenario clock), so the same calls with the same inputs give a
 * byte-identical file.
 *
 * Classic pcap has no per-frame comments: fault annotations (cap_note) go
 * to a text file next to the capture, FILE.notes, one line per note (the
 * line format and the texts the server writes: docs/scenarios.md, "Capture
 * notes").
 *
 * Every function accepts a NULL capture or connection and then does nothing
 * and returns 0 (cap_conn_open returns NULL), so a server can call them
 * unconditionally and capture only when a file was asked for.
 *
 * Not thread-safe: one capture is used from one thread (the event loop). */
#ifndef MOCKREDIS_CAP_H
#define MOCKREDIS_CAP_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct cap;      /* one capture file (opaque) */
struct cap_conn; /* one TCP connection in it (opaque) */

/* Largest TCP payload per frame; longer cap_data calls are split. */
#define CAP_SEGMENT_MAX 65000

/* Who sent the bytes of a cap_data call. */
enum cap_dir {
    CAP_TO_SERVER, /* the client wrote, the server read */
    CAP_TO_CLIENT  /* the server wrote */
};

/* How a connection ended. */
enum cap_end {
    CAP_FIN_CLIENT, /* the client closed first (the server read EOF) */
    CAP_FIN_SERVER, /* the server closed first (close(), normal linger) */
    CAP_RST_SERVER, /* the server reset (SO_LINGER 0, or a scenario "reset") */
    CAP_RST_CLIENT  /* the client reset (read/write failed with ECONNRESET) */
};

/* Creates the pcap file at path as a new regular file that replaces
 * whatever was there (ofile.h: a symbolic link at path is replaced, its
 * target untouched), and removes a stale path.notes; path.notes is created
 * the same way on the first note. "-" writes the capture to standard output (libpcap's convention);
 * notes then go to standard error. Returns NULL on failure with a message in err (when err is not
 * NULL). */
struct cap *cap_open(const char *path, char *err, size_t errlen);

/* Writes the teardown of every connection still open (CAP_FIN_SERVER at the
 * latest timestamp seen) and frees those connections: pointers to them are
 * invalid afterwards. Then closes the files and frees cap. Returns 0, or
 * MR_EIO if any write failed during the capture's life (cap_errstr is gone
 * by then: read it before). NULL is fine (returns 0). */
int cap_close(struct cap *cap);

/* The last write error ("" when none). Once a write failed the capture
 * stops: every later call returns MR_EIO and writes nothing. */
const char *cap_errstr(const struct cap *cap);

/* Frames written so far (the number Wireshark shows for the last one). */
uint32_t cap_frames(const struct cap *cap);

/* A new connection between client and server (the addresses accept() and
 * getsockname() gave): writes SYN, SYN-ACK, ACK at ts_us. Both addresses
 * must be IPv4, or both IPv6 (an IPv4-mapped IPv6 address counts as IPv4,
 * which is what was on the wire). Returns the connection, owned by the
 * capture until cap_conn_close; NULL when cap is NULL, when the addresses
 * are not IP (a Unix socket: not captured) or their families differ, or
 * when the capture has failed. */
struct cap_conn *cap_conn_open(struct cap *cap, const struct sockaddr *client,
                               const struct sockaddr *server, int64_t ts_us);

/* len bytes sent in direction dir at ts_us: one data segment (PSH|ACK) per
 * CAP_SEGMENT_MAX bytes, each followed by the receiver's ACK. len 0 writes
 * nothing. Returns 0, or MR_EIO when the capture has failed. */
int cap_data(struct cap_conn *conn, enum cap_dir dir, const void *bytes, size_t len, int64_t ts_us);

/* Writes the teardown how describes at ts_us, then frees conn. A FIN is
 * written as the full exchange (FIN, the other side's FIN, last ACK) even
 * though the server does not see the peer's part after its own close: the
 * file shows a complete connection. A reset is one RST|ACK frame.
 * Returns 0, or MR_EIO when the capture has failed (conn is freed anyway). */
int cap_conn_close(struct cap_conn *conn, enum cap_end how, int64_t ts_us);

/* Appends "<frame> <seconds>.<micros> <text>\n" to FILE.notes, where frame
 * is the number of the last frame written (0: none yet), so a note reads
 * "this happened after frame N". Newlines in text become spaces. The notes
 * file is created on the first note. Returns 0 or MR_EIO. */
int cap_note(struct cap_conn *conn, int64_t ts_us, const char *text);

#endif
