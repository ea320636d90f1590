/* test_pcapin.c - unit tests of rec_pcapin.c, the libpcap reader of `record`.
 *
 * Each test writes a small capture into a temporary directory -- with
 * libpcap's own writer (pcap_open_dead + pcap_dump), by hand (pcapng
 * blocks, cut and corrupt files), or with our capture writer cap.c -- and
 * reads it back through pcapin_run into a tcpre with a recording sink that
 * logs the callbacks and keeps each direction's bytes. The cap.c round trip
 * shows that the writer and the reader agree. As root, one test also
 * captures a loopback connection live; otherwise it checks the refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cap.h"
#include "mh.h"
#include "mr_err.h"
#include "rec_pcapin.h"
#include "rec_tcpre.h"
#include "wire.h"

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

#define T0 1700000000000000LL /* a timestamp, microseconds */

/* ---- the recording sink ---------------------------------------------------------- */

#define MAX_IDS 64

struct rec {
    struct buf log;
    struct buf stream[MAX_IDS + 1][2];
    struct tcpre_flow flow[MAX_IDS + 1];
    int syn[MAX_IDS + 1];
    atomic_int whole; /* connections seen from SYN to close with 14 bytes sent */
};

static struct rec R;

static void rec_open(void *ud, int id, const struct tcpre_flow *f, int syn, int64_t ts)
{
    struct rec *r = ud;
    if (id < 1 || id > MAX_IDS)
        return;
    r->flow[id] = *f;
    r->syn[id] = syn;
    buf_printf(&r->log, "open %d %u>%u %s @%lld\n", id, f->cli_port, f->srv_port,
               syn ? "syn" : "mid", (long long)ts);
}

static void rec_data(void *ud, int id, enum tcpre_dir d, const uint8_t *p, size_t n, int64_t ts)
{
    struct rec *r = ud;
    if (id < 1 || id > MAX_IDS)
        return;
    buf_append(&r->stream[id][d], p, n);
    buf_printf(&r->log, "data %d %s %zu @%lld\n", id, d == TCPRE_C2S ? "c2s" : "s2c", n,
               (long long)ts);
}

static void rec_gap(void *ud, int id, enum tcpre_dir d, uint64_t n, int64_t ts)
{
    struct rec *r = ud;
    buf_printf(&r->log, "gap %d %s %llu @%lld\n", id, d == TCPRE_C2S ? "c2s" : "s2c",
               (unsigned long long)n, (long long)ts);
}

static void rec_close(void *ud, int id, enum tcpre_end how, int64_t ts)
{
    struct rec *r = ud;
    buf_printf(&r->log, "close %d %s @%lld\n", id,
               how == TCPRE_FIN   ? "fin"
               : how == TCPRE_RST ? "rst"
                                  : "eof",
               (long long)ts);
    if (id >= 1 && id <= MAX_IDS && r->syn[id] && r->stream[id][TCPRE_C2S].len == 14)
        atomic_fetch_add(&r->whole, 1);
}

static const struct tcpre_sink SINK = {&R, rec_open, rec_data, rec_gap, rec_close};

static const char *LOG(void)
{
    return R.log.p ? R.log.p : "";
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

/* ---- fixtures ------------------------------------------------------------------ */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    rec_clear();
    return mh_scratch_make(tmpdir, sizeof(tmpdir), "test_pcapin");
}

static int teardown(void **state)
{
    (void)state;
    rec_clear();
    return mh_scratch_remove(tmpdir);
}

static const char *tmp(const char *name)
{
    return mh_scratch_path(tmpdir, name);
}

/* Runs pcapin on a file into a fresh tcpre (port 6379); returns pcapin's
 * result, the frames it read, its message and the reassembler's stats. */
static int run_file(const char *path, long *frames, char *err, size_t errlen,
                    struct tcpre_stats *st)
{
    struct tcpre *t = tcpre_new(&SINK, 6379);
    assert_non_null(t);
    struct pcapin_opts o = {0};
    o.file = path;
    int r = pcapin_run(&o, t, frames, err, errlen);
    tcpre_stats(t, st);
    if (r != 0 && r != MR_EEOF) /* tcpre_finish was not called: it still takes frames */
        assert_int_equal(tcpre_frame(t, TCPRE_LINK_RAW, (const uint8_t *)"", 0, 0, 0), MR_EPARSE);
    tcpre_free(t);
    return r;
}

/* ---- frames -------------------------------------------------------------------- */

/* Ethernet / IPv4 10.0.0.1 <-> 10.0.0.2 / TCP, the client on port 40000,
 * the server on 6379. Returns the frame length. */
static size_t frame(uint8_t *out, int from_server, uint32_t seq, uint32_t ack, uint8_t flags,
                    const char *data)
{
    size_t len = data ? strlen(data) : 0;
    memset(out, 0, 54);
    memcpy(out, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
    wire_put16(out + 12, 0x0800);
    uint8_t *ip = out + 14;
    ip[0] = 0x45;
    wire_put16(ip + 2, (uint32_t)(40 + len));
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, from_server ? "\x0a\0\0\x02" : "\x0a\0\0\x01", 4);
    memcpy(ip + 16, from_server ? "\x0a\0\0\x01" : "\x0a\0\0\x02", 4);
    uint8_t *th = ip + 20;
    wire_put16(th, from_server ? 6379 : 40000);
    wire_put16(th + 2, from_server ? 40000 : 6379);
    wire_put32(th + 4, seq);
    wire_put32(th + 8, ack);
    th[12] = 5 << 4;
    th[13] = flags;
    wire_put16(th + 14, 65535);
    memcpy(th + 20, data ? data : "", len);
    return 54 + len;
}

/* The standard conversation: 8 frames, 10 ms apart from T0. */
struct std_frame {
    int from_server;
    uint32_t seq, ack;
    uint8_t flags;
    const char *data;
};

static const struct std_frame STD[] = {
    {0, 100, 0, F_SYN, NULL},
    {1, 900, 101, F_SYN | F_ACK, NULL},
    {0, 101, 901, F_ACK, NULL},
    {0, 101, 901, F_PSH | F_ACK, "*1\r\n$4\r\nPING\r\n"},
    {1, 901, 115, F_PSH | F_ACK, "+PONG\r\n"},
    {0, 115, 908, F_PSH | F_ACK, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"},
    {1, 908, 135, F_PSH | F_ACK, "$-1\r\n"},
    {0, 135, 913, F_FIN | F_ACK, NULL},
};
#define NSTD (sizeof(STD) / sizeof(STD[0]))

/* Writes the standard conversation with libpcap's writer; precision is
 * PCAP_TSTAMP_PRECISION_MICRO or _NANO. The timestamps are T0 + i*10 ms
 * plus 789 ns (lost in microseconds). */
static void write_std(const char *path, int precision)
{
    pcap_t *dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, (u_int)precision);
    assert_non_null(dead);
    pcap_dumper_t *d = pcap_dump_open(dead, path);
    assert_non_null(d);
    for (size_t i = 0; i < NSTD; i++) {
        uint8_t f[256];
        size_t n = frame(f, STD[i].from_server, STD[i].seq, STD[i].ack, STD[i].flags, STD[i].data);
        struct pcap_pkthdr h;
        memset(&h, 0, sizeof(h));
        int64_t us = T0 + (int64_t)i * 10000;
        h.ts.tv_sec = (time_t)(us / 1000000);
        h.ts.tv_usec = (suseconds_t)(us % 1000000);
        if (precision == PCAP_TSTAMP_PRECISION_NANO)
            h.ts.tv_usec = h.ts.tv_usec * 1000 + 789; /* the field holds nanoseconds */
        h.caplen = h.len = (bpf_u_int32)n;
        pcap_dump((u_char *)d, &h, f);
    }
    pcap_dump_close(d);
    pcap_close(dead);
}

static const char STD_LOG[] = "open 1 40000>6379 syn @1700000000000000\n"
                              "data 1 c2s 14 @1700000000030000\n"
                              "data 1 s2c 7 @1700000000040000\n"
                              "data 1 c2s 20 @1700000000050000\n"
                              "data 1 s2c 5 @1700000000060000\n"
                              "close 1 fin @1700000000070000\n";

static void check_std_streams(void)
{
    assert_int_equal(R.stream[1][TCPRE_C2S].len, 34);
    assert_memory_equal(R.stream[1][TCPRE_C2S].p,
                        "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 34);
    assert_string_equal(R.stream[1][TCPRE_S2C].p, "+PONG\r\n$-1\r\n");
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static size_t read_bytes(const char *path, uint8_t *p, size_t max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(p, 1, max, f);
    fclose(f);
    return n;
}

/* ---- tests --------------------------------------------------------------------- */

static void test_pcap_file(void **state)
{
    (void)state;
    write_std(tmp("std.pcap"), PCAP_TSTAMP_PRECISION_MICRO);
    long frames = -1;
    char err[256] = "x";
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("std.pcap"), &frames, err, sizeof(err), &st), 0);
    assert_int_equal(frames, (long)NSTD);
    assert_string_equal(err, "");
    assert_string_equal(LOG(), STD_LOG); /* the FIN closes at the end of the capture */
    check_std_streams();
    assert_int_equal(st.frames, NSTD);
    assert_int_equal(st.tcp, NSTD);
}

/* A nanosecond pcap: timestamps arrive in microseconds. */
static void test_pcap_nanoseconds(void **state)
{
    (void)state;
    write_std(tmp("ns.pcap"), PCAP_TSTAMP_PRECISION_NANO);
    uint8_t magic[4];
    assert_int_equal(read_bytes(tmp("ns.pcap"), magic, 4), 4);
    uint32_t m;
    memcpy(&m, magic, 4);
    assert_int_equal(m, 0xa1b23c4du); /* really the nanosecond format */
    long frames = 0;
    char err[256];
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("ns.pcap"), &frames, err, sizeof(err), &st), 0);
    assert_string_equal(LOG(), STD_LOG);
}

/* pcapng, written block by block: SHB, IDB (nanosecond resolution), EPBs. */
static size_t ng_block(uint8_t *out, uint32_t type, const uint8_t *body, size_t n)
{
    size_t padded = (n + 3) & ~(size_t)3;
    uint32_t total = (uint32_t)(12 + padded);
    memcpy(out, &type, 4);
    memcpy(out + 4, &total, 4);
    memcpy(out + 8, body, n);
    memset(out + 8 + n, 0, padded - n);
    memcpy(out + 8 + padded, &total, 4);
    return total;
}

static size_t write_pcapng(uint8_t *out)
{
    uint8_t body[512];
    size_t n = 0;
    /* section header: byte-order magic, version 1.0, section length unknown */
    uint32_t bom = 0x1a2b3c4d;
    uint16_t major = 1, minor = 0;
    memcpy(body, &bom, 4);
    memcpy(body + 4, &major, 2);
    memcpy(body + 6, &minor, 2);
    memset(body + 8, 0xff, 8);
    n += ng_block(out + n, 0x0a0d0d0a, body, 16);
    /* interface: Ethernet, snap length 0 (none), if_tsresol = 9 (ns) */
    uint16_t lt = 1, zero = 0, opt9 = 9, one = 1, end = 0;
    uint32_t snap = 0;
    memcpy(body, &lt, 2);
    memcpy(body + 2, &zero, 2);
    memcpy(body + 4, &snap, 4);
    memcpy(body + 8, &opt9, 2);
    memcpy(body + 10, &one, 2);
    body[12] = 9;
    body[13] = body[14] = body[15] = 0;
    memcpy(body + 16, &end, 2);
    memcpy(body + 18, &end, 2);
    n += ng_block(out + n, 1, body, 20);
    /* enhanced packets */
    for (size_t i = 0; i < NSTD; i++) {
        uint8_t f[256];
        size_t flen =
            frame(f, STD[i].from_server, STD[i].seq, STD[i].ack, STD[i].flags, STD[i].data);
        uint64_t ns = (uint64_t)(T0 + (int64_t)i * 10000) * 1000 + 789;
        uint32_t ifid = 0, hi = (uint32_t)(ns >> 32), lo = (uint32_t)ns, len = (uint32_t)flen;
        memcpy(body, &ifid, 4);
        memcpy(body + 4, &hi, 4);
        memcpy(body + 8, &lo, 4);
        memcpy(body + 12, &len, 4);
        memcpy(body + 16, &len, 4);
        memcpy(body + 20, f, flen);
        n += ng_block(out + n, 6, body, 20 + flen);
    }
    return n;
}

static void test_pcapng_file(void **state)
{
    (void)state;
    static uint8_t file[8192];
    size_t n = write_pcapng(file);
    write_bytes(tmp("std.pcapng"), file, n);
    long frames = 0;
    char err[256];
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("std.pcapng"), &frames, err, sizeof(err), &st), 0);
    assert_int_equal(frames, (long)NSTD);
    assert_string_equal(LOG(), STD_LOG);
    check_std_streams();
}

/* Cut in the middle of the 6th record: 5 frames are used, then MR_EEOF. */
static void test_truncated_file(void **state)
{
    (void)state;
    write_std(tmp("std.pcap"), PCAP_TSTAMP_PRECISION_MICRO);
    static uint8_t file[8192];
    size_t n = read_bytes(tmp("std.pcap"), file, sizeof(file));
    size_t off = 24; /* the file header, then 16-byte record headers */
    for (int i = 0; i < 5; i++) {
        uint32_t caplen;
        memcpy(&caplen, file + off + 8, 4);
        off += 16 + caplen;
    }
    assert_true(off + 30 < n);
    write_bytes(tmp("cut.pcap"), file, off + 30); /* record header and 14 bytes of data */
    long frames = 0;
    char err[256];
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("cut.pcap"), &frames, err, sizeof(err), &st), MR_EEOF);
    assert_int_equal(frames, 5);
    if (strstr(err, "cut.pcap: truncated or corrupt after frame 5: ") == NULL)
        fail_msg("message: %s", err);
    /* what the 5 frames hold was delivered and finished */
    assert_string_equal(LOG(), "open 1 40000>6379 syn @1700000000000000\n"
                               "data 1 c2s 14 @1700000000030000\n"
                               "data 1 s2c 7 @1700000000040000\n"
                               "close 1 eof @1700000000040000\n");
    /* cut inside a record header: the same, after frame 5 */
    write_bytes(tmp("cut2.pcap"), file, off + 7);
    rec_clear();
    assert_int_equal(run_file(tmp("cut2.pcap"), &frames, err, sizeof(err), &st), MR_EEOF);
    assert_int_equal(frames, 5);
    if (strstr(err, "after frame 5") == NULL)
        fail_msg("message: %s", err);
    /* a record claiming more than the snap length: corrupt */
    uint32_t huge = 0x7fffffff;
    memcpy(file + off + 8, &huge, 4);
    write_bytes(tmp("bad.pcap"), file, n);
    rec_clear();
    assert_int_equal(run_file(tmp("bad.pcap"), &frames, err, sizeof(err), &st), MR_EEOF);
    assert_int_equal(frames, 5);
}

static void test_not_a_capture(void **state)
{
    (void)state;
    write_bytes(tmp("notes.txt"), "this is not a capture, just some text\n", 39);
    long frames = 7;
    char err[256];
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("notes.txt"), &frames, err, sizeof(err), &st), MR_EIO);
    assert_int_equal(frames, 0);
    if (strstr(err, "notes.txt: not a pcap or pcapng capture") == NULL)
        fail_msg("message: %s", err);
    write_bytes(tmp("empty"), "", 0);
    assert_int_equal(run_file(tmp("empty"), &frames, err, sizeof(err), &st), MR_EIO);
    assert_int_equal(st.frames, 0);
    assert_string_equal(LOG(), "");
}

static void test_unsupported_link(void **state)
{
    (void)state;
    pcap_t *dead = pcap_open_dead(DLT_IEEE802_11, 65535);
    pcap_dumper_t *d = pcap_dump_open(dead, tmp("wifi.pcap"));
    assert_non_null(d);
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof(h));
    uint8_t f[64] = {0};
    h.caplen = h.len = sizeof(f);
    pcap_dump((u_char *)d, &h, f);
    pcap_dump_close(d);
    pcap_close(dead);
    long frames = 7;
    char err[256];
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("wifi.pcap"), &frames, err, sizeof(err), &st), MR_EIO);
    assert_int_equal(frames, 0);
    assert_int_equal(st.frames, 0);
    if (strstr(err, "wifi.pcap: link type 105 (IEEE802_11) is not supported") == NULL)
        fail_msg("message: %s", err);
}

static void test_missing_file_and_options(void **state)
{
    (void)state;
    long frames = 7;
    char err[256];
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("nothing.pcap"), &frames, err, sizeof(err), &st), MR_ENOTFOUND);
    assert_int_equal(frames, 0);
    if (strstr(err, "nothing.pcap: No such file or directory") == NULL)
        fail_msg("message: %s", err);
    struct tcpre *t = tcpre_new(&SINK, 0);
    struct pcapin_opts o = {0};
    assert_int_equal(pcapin_run(&o, t, &frames, err, sizeof(err)), MR_EINVAL);
    assert_true(strlen(err) > 0);
    o.file = "x.pcap";
    o.iface = "lo";
    assert_int_equal(pcapin_run(&o, t, NULL, err, sizeof(err)), MR_EINVAL);
    tcpre_free(t);
}

/* "-" reads standard input. */
static void test_stdin(void **state)
{
    (void)state;
    write_std(tmp("std.pcap"), PCAP_TSTAMP_PRECISION_MICRO);
    int saved = dup(0);
    assert_true(saved >= 0);
    assert_non_null(freopen(tmp("std.pcap"), "rb", stdin));
    long frames = 0;
    char err[256];
    struct tcpre_stats st;
    int r = run_file("-", &frames, err, sizeof(err), &st);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    clearerr(stdin);
    assert_int_equal(r, 0);
    assert_int_equal(frames, (long)NSTD);
    assert_string_equal(LOG(), STD_LOG);
}

/* What cap.c writes, tcpre reads back byte for byte. */
static void test_cap_round_trip(void **state)
{
    (void)state;
    char err[256] = "";
    struct cap *cap = cap_open(tmp("ours.pcap"), err, sizeof(err));
    if (cap == NULL)
        fail_msg("cap_open: %s", err);
    struct sockaddr_in c4, s4;
    memset(&c4, 0, sizeof(c4));
    c4.sin_family = AF_INET;
    c4.sin_port = htons(50001);
    inet_pton(AF_INET, "127.0.0.1", &c4.sin_addr);
    s4 = c4;
    s4.sin_port = htons(6379);
    struct sockaddr_in6 c6, s6;
    memset(&c6, 0, sizeof(c6));
    c6.sin6_family = AF_INET6;
    c6.sin6_port = htons(50002);
    inet_pton(AF_INET6, "::1", &c6.sin6_addr);
    s6 = c6;
    s6.sin6_port = htons(6379);
    struct cap_conn *a = cap_conn_open(cap, (struct sockaddr *)&c4, (struct sockaddr *)&s4, T0);
    struct cap_conn *b = cap_conn_open(cap, (struct sockaddr *)&c6, (struct sockaddr *)&s6, T0 + 1);
    assert_non_null(a);
    assert_non_null(b);
    /* a big value (four segments) and small pieces, interleaved */
    size_t big = 3 * CAP_SEGMENT_MAX + 1234;
    uint8_t *val = malloc(big);
    assert_non_null(val);
    for (size_t i = 0; i < big; i++)
        val[i] = (uint8_t)(i * 131 + i / 7);
    struct buf want[2][2] = {{BUF_INIT, BUF_INIT}, {BUF_INIT, BUF_INIT}};
    int64_t ts = T0 + 10;
    for (int round = 0; round < 3; round++) {
        char cmd[64];
        int n = snprintf(cmd, sizeof(cmd), "*2\r\n$3\r\nGET\r\n$2\r\nk%d\r\n", round);
        assert_int_equal(cap_data(a, CAP_TO_SERVER, cmd, (size_t)n, ts++), 0);
        buf_append(&want[0][0], cmd, (size_t)n);
        assert_int_equal(cap_data(b, CAP_TO_SERVER, cmd, (size_t)n, ts++), 0);
        buf_append(&want[1][0], cmd, (size_t)n);
        assert_int_equal(cap_data(a, CAP_TO_CLIENT, val, big, ts++), 0);
        buf_append(&want[0][1], val, big);
        assert_int_equal(cap_data(b, CAP_TO_CLIENT, "$1\r\n", 4, ts++), 0);
        assert_int_equal(cap_data(b, CAP_TO_CLIENT, "x\r\n", 3, ts++), 0);
        buf_append(&want[1][1], "$1\r\nx\r\n", 7);
    }
    assert_int_equal(cap_conn_close(a, CAP_FIN_CLIENT, ts++), 0);
    assert_int_equal(cap_conn_close(b, CAP_RST_SERVER, ts++), 0);
    uint32_t written = cap_frames(cap);
    assert_int_equal(cap_close(cap), 0);
    free(val);

    long frames = 0;
    struct tcpre_stats st;
    assert_int_equal(run_file(tmp("ours.pcap"), &frames, err, sizeof(err), &st), 0);
    assert_int_equal(frames, (long)written);
    for (int id = 1; id <= 2; id++) {
        for (int d = 0; d < 2; d++) {
            assert_int_equal(R.stream[id][d].len, want[id - 1][d].len);
            assert_memory_equal(R.stream[id][d].p, want[id - 1][d].p, want[id - 1][d].len);
            buf_free(&want[id - 1][d]);
        }
    }
    assert_int_equal(R.flow[1].family, AF_INET);
    assert_int_equal(R.flow[2].family, AF_INET6);
    assert_int_equal(R.flow[2].cli_port, 50002);
    assert_int_equal(R.flow[2].srv_port, 6379);
    assert_non_null(strstr(LOG(), "close 1 fin"));
    assert_non_null(strstr(LOG(), "close 2 rst"));
    assert_int_equal(st.gap_bytes + st.retransmitted + st.out_of_order, 0);
    assert_int_equal(st.undecodable + st.truncated + st.not_tcp + st.other_port, 0);
    assert_int_equal(st.tcp, written);
    assert_int_equal(st.connections, 2);
    assert_int_equal(st.midstream, 0);
}

/* ---- live capture ----------------------------------------------------------------- */

struct live {
    struct pcapin_opts o;
    struct tcpre *t;
    int r;
    long frames;
    char err[256];
    atomic_int done;
};

static void *live_thread(void *arg)
{
    struct live *l = arg;
    l->r = pcapin_run(&l->o, l->t, &l->frames, l->err, sizeof(l->err));
    atomic_store(&l->done, 1);
    return NULL;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One loopback connection: connect, send msg, the server reads it, both close. */
static void one_connection(int lfd, uint16_t port, const char *msg)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c >= 0);
    assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
    int s = accept(lfd, NULL, NULL);
    assert_true(s >= 0);
    assert_int_equal(write(c, msg, strlen(msg)), (ssize_t)strlen(msg));
    char got[64];
    size_t have = 0;
    while (have < strlen(msg)) {
        ssize_t n = read(s, got + have, sizeof(got) - have);
        assert_true(n > 0);
        have += (size_t)n;
    }
    close(c);
    close(s);
}

/* As root: a live capture on lo sees a whole connection and stops when
 * *stop is set. Otherwise: opening lo is refused with a clear message. */
static void test_live(void **state)
{
    (void)state;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(lfd, 8), 0);
    socklen_t alen = sizeof(a);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
    uint16_t port = ntohs(a.sin_port);

    static volatile sig_atomic_t stop;
    stop = 0;
    struct live l;
    memset(&l, 0, sizeof(l));
    l.o.iface = "lo";
    l.o.port = port;
    l.o.stop = &stop;
    l.t = tcpre_new(&SINK, port);
    if (geteuid() != 0) {
        int r = pcapin_run(&l.o, l.t, &l.frames, l.err, sizeof(l.err));
        assert_int_equal(r, MR_ESYS);
        if (strstr(l.err, "needs root or CAP_NET_RAW") == NULL)
            fail_msg("message: %s", l.err);
        tcpre_free(l.t);
        close(lfd);
        return;
    }
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, live_thread, &l), 0);
    /* The capture starts at some point after the thread does: repeat the
     * connection until one is seen whole (open with SYN, data, FIN). */
    int64_t deadline = now_ms() + 10000;
    int seen = 0;
    while (!seen && !atomic_load(&l.done) && now_ms() < deadline) {
        one_connection(lfd, port, "*1\r\n$4\r\nPING\r\n");
        for (int64_t until = now_ms() + 200; !seen && now_ms() < until;) {
            poll(NULL, 0, 10);
            seen = atomic_load(&R.whole) > 0;
        }
    }
    stop = 1;
    int64_t t_stop = now_ms();
    assert_int_equal(pthread_join(th, NULL), 0);
    int64_t stop_ms = now_ms() - t_stop;
    close(lfd);
    if (l.r != 0)
        fail_msg("pcapin_run: %d %s", l.r, l.err);
    assert_true(seen);
    /* it stops when told (a stop that never came would hang the join);
     * the bound is the 100 ms read timeout with a hundredfold room for a
     * loaded machine, not a timing claim */
    if (stop_ms >= 10000)
        fail_msg("the capture took %lld ms to stop", (long long)stop_ms);
    assert_true(l.frames > 0);
    struct tcpre_stats st;
    tcpre_stats(l.t, &st);
    assert_int_equal(st.other_port, 0); /* the filter kept only our port */
    tcpre_free(l.t);
    for (int id = 1; id <= MAX_IDS; id++)
        if (R.syn[id])
            assert_int_equal(R.flow[id].srv_port, port);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pcap_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcap_nanoseconds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcapng_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_capture, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file_and_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stdin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_live, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
