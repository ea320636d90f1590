/* rec_pcapin.c - read captured frames with libpcap into tcpre, see rec_pcapin.h.
 *
 * The only file of the recorder that does I/O. Sources:
 *  - a file: pcap (microsecond or nanosecond magic, either byte order) or
 *    pcapng, whatever libpcap reads; "-" is standard input. Timestamps are
 *    asked for in microseconds (pcap_open_offline_with_tstamp_precision),
 *    so nanosecond files are scaled by libpcap, and passed on as
 *    tv_sec * 1000000 + tv_usec.
 *  - an interface: pcap_create + pcap_activate, not promiscuous, immediate
 *    mode, the BPF filter "tcp port P" when a port is given, none otherwise
 *    (tcpre counts and skips what is not TCP). The handle is non-blocking
 *    and waited for with poll() for at most 100 ms at a time, so that *stop
 *    (set by a signal handler) is looked at within 100 ms however quiet the
 *    wire: libpcap's own read timeout does not return on Linux when
 *    nothing arrives (TPACKET_V3 waits again), and a signal that interrupts
 *    poll() is looked at at once.
 *
 * Link types: libpcap reports DLT_ values, which differ from the LINKTYPE_
 * values of files (and rec_tcpre.h) for raw IP (DLT_RAW is 12 or 14) and on
 * OpenBSD for loopback; link_of() maps them. DLT_IPV4 and DLT_IPV6 are
 * raw IP too. Anything else is refused before the first frame, with the
 * link type's name.
 *
 * A read error after some frames (a truncated file, a record longer than
 * the snap length, an interface going away) ends the reading with MR_EEOF
 * and libpcap's message; what was read is still finished and usable.
 *
 * Not done: pcapng files whose interfaces have different link types
 * (libpcap refuses them), per-interface filters, capture file rotation. */
#include "rec_pcapin.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "mr_err.h"
#include "rec_tcpre.h"

#define PCAPIN_SNAPLEN    262144 /* tcpdump's default */
#define PCAPIN_TIMEOUT_MS 100
/* The kernel ring for live capture. libpcap's default (2 MiB) holds only a
 * few 64 KiB loopback frames: a burst of large replies overflows it and
 * the lost frames become gaps in the streams. */
#define PCAPIN_BUFFER (32 << 20)

/* The tcpre link type for a libpcap DLT_ value, or -1. */
static int link_of(int dlt)
{
    switch (dlt) {
    case DLT_NULL: return TCPRE_LINK_NULL;
    case DLT_EN10MB: return TCPRE_LINK_ETHERNET;
    case DLT_RAW:
#ifdef DLT_IPV4
    case DLT_IPV4:
#endif
#ifdef DLT_IPV6
    case DLT_IPV6:
#endif
        return TCPRE_LINK_RAW;
    case DLT_LOOP: return TCPRE_LINK_LOOP;
    case DLT_LINUX_SLL: return TCPRE_LINK_LINUX_SLL;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2: return TCPRE_LINK_LINUX_SLL2;
#endif
    default: return -1;
    }
}

static int open_file(const char *path, pcap_t **out, char *err, size_t errlen)
{
    char pe[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p;
    if (strcmp(path, "-") == 0) {
        p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, pe);
        if (p == NULL) {
            snprintf(err, errlen, "standard input is not a capture libpcap can read: %s", pe);
            return MR_EIO;
        }
        *out = p;
        return 0;
    }
    /* fopen here, so that "no such file" is told apart from "not a capture" */
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return e == ENOENT ? MR_ENOTFOUND : MR_ESYS;
    }
    p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, pe);
    if (p == NULL) {
        fclose(f); /* libpcap owns the file only when it succeeds */
        snprintf(err, errlen, "%s: not a pcap or pcapng capture libpcap can read (%s)", path, pe);
        return MR_EIO;
    }
    *out = p;
    return 0;
}

static int open_iface(const struct pcapin_opts *o, pcap_t **out, char *err, size_t errlen)
{
    char pe[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(o->iface, pe);
    if (p == NULL) {
        snprintf(err, errlen, "interface %s: %s", o->iface, pe);
        return MR_ENOTFOUND;
    }
    pcap_set_snaplen(p, PCAPIN_SNAPLEN);
    pcap_set_promisc(p, 0);
    pcap_set_timeout(p, PCAPIN_TIMEOUT_MS);
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, PCAPIN_BUFFER);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
    int r = pcap_activate(p);
    if (r < 0) {
        int code = MR_ESYS;
        const char *hint = "";
        if (r == PCAP_ERROR_NO_SUCH_DEVICE) {
            code = MR_ENOTFOUND;
        } else if (r == PCAP_ERROR_PERM_DENIED) {
            hint = " (live capture needs root or CAP_NET_RAW)";
        }
        snprintf(err, errlen, "interface %s: %s%s", o->iface,
                 r == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(r), hint);
        pcap_close(p);
        return code;
    }
    if (o->port) {
        char expr[32];
        struct bpf_program prog;
        snprintf(expr, sizeof(expr), "tcp port %u", (unsigned)o->port);
        int bad = pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0;
        if (!bad) {
            bad = pcap_setfilter(p, &prog) != 0;
            pcap_freecode(&prog);
        }
        if (bad) {
            snprintf(err, errlen, "interface %s: filter \"%s\": %s", o->iface, expr,
                     pcap_geterr(p));
            pcap_close(p);
            return MR_ESYS;
        }
    }
    if (pcap_setnonblock(p, 1, pe) != 0 || pcap_get_selectable_fd(p) < 0) {
        snprintf(err, errlen, "interface %s: cannot poll: %s", o->iface, pe);
        pcap_close(p);
        return MR_ESYS;
    }
    *out = p;
    return 0;
}

int pcapin_run(const struct pcapin_opts *o, struct tcpre *t, long *frames_read, char *err,
               size_t errlen)
{
    char dummy[1];
    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    err[0] = '\0';
    if (frames_read)
        *frames_read = 0;
    if (o == NULL || t == NULL || (o->file == NULL) == (o->iface == NULL)) {
        snprintf(err, errlen, "give a capture file or an interface (exactly one)");
        return MR_EINVAL;
    }
    int live = o->iface != NULL;
    const char *src = live ? o->iface : strcmp(o->file, "-") == 0 ? "standard input" : o->file;
    pcap_t *p = NULL;
    int r = live ? open_iface(o, &p, err, errlen) : open_file(o->file, &p, err, errlen);
    if (r != 0)
        return r;
    int dlt = pcap_datalink(p);
    int link = link_of(dlt);
    if (link < 0) {
        const char *name = pcap_datalink_val_to_name(dlt);
        snprintf(err, errlen,
                 "%s: link type %d (%s) is not supported; Ethernet, Linux cooked (SLL, SLL2), "
                 "raw IP and BSD loopback are",
                 src, dlt, name ? name : "unknown");
        pcap_close(p);
        return MR_EIO;
    }

    long n = 0;
    int64_t last_ts = 0;
    r = 0;
    for (;;) {
        if (o->stop && *o->stop)
            break;
        if (live && o->count > 0 && n >= o->count)
            break;
        struct pcap_pkthdr *h;
        const u_char *data;
        int got = pcap_next_ex(p, &h, &data);
        if (got == 0) { /* live, nothing yet: wait a little, then look at *stop */
            struct pollfd pfd = {pcap_get_selectable_fd(p), POLLIN, 0};
            (void)poll(&pfd, 1, PCAPIN_TIMEOUT_MS);
            continue;
        }
        if (got == PCAP_ERROR_BREAK)
            break; /* the end of the file */
        if (got != 1) {
            snprintf(err, errlen, "%s: %s after frame %ld: %s", src,
                     live ? "capture failed" : "truncated or corrupt", n, pcap_geterr(p));
            r = MR_EEOF;
            break;
        }
        last_ts = (int64_t)h->ts.tv_sec * 1000000 + (int64_t)h->ts.tv_usec;
        n++;
        /* a malformed frame is counted in the stats; the next may be fine */
        (void)tcpre_frame(t, link, data, h->caplen, h->len, last_ts);
    }
    pcap_close(p);
    tcpre_finish(t, last_ts);
    if (frames_read)
        *frames_read = n;
    return r;
}
