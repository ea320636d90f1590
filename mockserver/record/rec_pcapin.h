/* rec_pcapin.h - read captured frames with libpcap and feed them to tcpre.
 *
 * The I/O half of `mockredis record`: opens a capture file (pcap or pcapng,
 * as written by tcpdump, Wireshark, or `mockredis --pcap`) or a live
 * interface, and passes every frame to a reassembler (rec_tcpre.h). Kept apart
 * from rec_tcpre.c so that the reassembly stays pure and testable alone. */
#ifndef MOCKREDIS_PCAPIN_H
#define MOCKREDIS_PCAPIN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct tcpre;

struct pcapin_opts {
    const char *file;  /* a capture file, "-" for standard input; or NULL */
    const char *iface; /* or: capture live on this interface (needs root or CAP_NET_RAW) */
    uint16_t port;     /* live: capture only "tcp port PORT"; 0 = all TCP */
    long count;        /* live: stop after this many frames; 0 = no limit */
    volatile sig_atomic_t *stop; /* live: stop when a signal handler sets *stop (may be NULL) */
};

/* Reads frames from o->file or o->iface (exactly one of them is set) into
 * t, then calls tcpre_finish(t). Returns:
 *   0            the capture was read to its end (or, live, to count/stop);
 *   MR_EEOF      reading stopped early: the file is truncated or corrupt
 *                after some frames; those frames were passed on and
 *                tcpre_finish was called, so what they hold can be used;
 *                err says where and why ("truncated after frame 41: ...");
 *   MR_EINVAL    bad options (neither or both sources);
 *   MR_EIO / MR_ENOTFOUND / MR_ESYS for a file that cannot be opened or is
 *                not a capture, an interface that cannot be opened, or a
 *                link type tcpre does not understand: nothing was passed on
 *                and tcpre_finish was not called (frames_read stays 0).
 * err (errlen bytes) receives a one-line message for every non-zero return.
 * *frames_read (may be NULL) receives the number of frames passed to t. */
int pcapin_run(const struct pcapin_opts *o, struct tcpre *t, long *frames_read, char *err,
               size_t errlen);

#endif
