/* delay_precision.c - how precisely a scripted `delay` lands, with 1,000
 * connections waiting at once and with a single one.
 *
 * mockredis is started with a generated scenario
 *
 *     finish control
 *     on GET * do delay 50ms
 *
 * and --maxclients 2000. The benchmark opens N connections (default 1000;
 * the soft RLIMIT_NOFILE is raised to the hard limit), makes sure the server
 * accepted all of them (one PING each), then runs R rounds (default 5) plus
 * one untimed warm-up round. In a round, GET is written on every connection
 * as fast as the loop can go, then the replies are collected with epoll on
 * non-blocking sockets. Per request, three clocks are read:
 *
 *   send    CLOCK_MONOTONIC (and CLOCK_REALTIME) just before write();
 *   app     CLOCK_MONOTONIC right after the read() that completed the reply;
 *   kernel  the kernel's receive timestamp of that last segment
 *           (SO_TIMESTAMPNS, CLOCK_REALTIME): when the server's write()
 *           put it into our socket, before this process had a chance to
 *           look. app - kernel is the benchmark's own cost of reading
 *           1,000 replies that land together; kernel - send is the server's.
 *
 * The error of one request is (reply - send) - scripted delay, in ms. The
 * table shows min, p50, p99 (nearest rank) and max for app and kernel, for
 * N connections and for 1 connection (S sequential requests, default 100).
 * A negative error is a bug: the reply left before its delay was over.
 *
 * Target: p99 of the app error <= 1 ms with N connections (2-core machine),
 * and no negative error. Exit status 0 when both hold, 1 when not, 2 when the
 * run itself failed (server did not start, replies missing or wrong).
 *
 * With 2 CPUs or more the server is pinned to the last CPU and the
 * benchmark to the first (-u: not pinned): TCP wakes a reader with a "sync"
 * hint, and the scheduler then likes to queue the server on the sender's
 * busy core, which makes the first replies of a round late by up to the
 * whole send phase. A line gives the mean kernel error by tenth of the send
 * order: a slope there is queueing in the server's reply phase.
 *
 * The server is stopped with MOCK SCENARIO END (finish control) if it knows
 * the command, else with SIGTERM; it is never left running.
 *
 *   bench_delay [-n CONNS] [-r ROUNDS] [-s SINGLE] [-d DELAY_MS] [-u] [MOCKREDIS_BIN] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* cpu_set_t, sched_setaffinity */
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "mh.h"

#define BATCH            200 /* connections opened before checking they are served */
#define ROUND_TIMEOUT_MS 10000

static const char GET_REQ[] = "*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n";
static const char GET_REPLY[] = "$-1\r\n";
static const char PING_REQ[] = "*1\r\n$4\r\nPING\r\n";
static const char PING_REPLY[] = "+PONG\r\n";

struct conn {
    int fd;
    size_t got; /* reply bytes received this round */
    char in[32];
    struct timespec send_mono, send_real;
    struct timespec app_mono, kern_real;
    int kern_ok; /* kern_real came with the last segment */
};

/* Errors in ms, per clock, for one configuration. */
struct samples {
    double *app, *kern;
    size_t n, nkern, cap;
};

/* Mean kernel error by position in the send order (tenths of a round). */
#define DECILES 10
struct by_pos {
    double sum[DECILES];
    long cnt[DECILES];
};

static double ts_ms(const struct timespec *t)
{
    return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6;
}

static double diff_ms(const struct timespec *a, const struct timespec *b)
{
    return ts_ms(a) - ts_ms(b);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int samples_init(struct samples *s, size_t cap)
{
    s->app = calloc(cap, sizeof(double));
    s->kern = calloc(cap, sizeof(double));
    s->n = s->nkern = 0;
    s->cap = cap;
    return s->app && s->kern ? 0 : -1;
}

static void samples_free(struct samples *s)
{
    free(s->app);
    free(s->kern);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    return v[rank > n ? n - 1 : rank - 1];
}

/* Opens one connection, non-blocking, with receive timestamps. -1 on error. */
static int open_conn(int port)
{
    int fd = mh_connect(port);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* Reads what is there on c; records the clocks when the reply is complete.
 * Returns 1 when complete, 0 when more is needed, -1 on EOF, error or bytes
 * that are not the expected reply. */
static int conn_read(struct conn *c, const char *want, size_t wantlen)
{
    for (;;) {
        char cbuf[CMSG_SPACE(sizeof(struct timespec)) * 2];
        struct iovec iov = {c->in + c->got, sizeof(c->in) - c->got};
        struct msghdr mh = {0};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof(cbuf);
        ssize_t n = recvmsg(c->fd, &mh, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            return -1;
        c->got += (size_t)n;
        if (c->got > wantlen || memcmp(c->in, want, c->got) != 0)
            return -1;
        if (c->got < wantlen)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &c->app_mono);
        c->kern_ok = 0;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
                memcpy(&c->kern_real, CMSG_DATA(cm), sizeof(c->kern_real));
                c->kern_ok = 1;
            }
        }
        return 1;
    }
}

/* One round on conns[from..to): the request on every connection, then every
 * reply (epoll's data is an index into conns). Returns 0, or -1 with a
 * message on stderr. */
static int round_trip(int ep, struct conn *conns, int from, int to, const char *req, size_t reqlen,
                      const char *want, size_t wantlen)
{
    int n = to - from;
    for (int i = from; i < to; i++) {
        struct conn *c = &conns[i];
        c->got = 0;
        clock_gettime(CLOCK_REALTIME, &c->send_real);
        clock_gettime(CLOCK_MONOTONIC, &c->send_mono);
        ssize_t w = write(c->fd, req, reqlen);
        if (w != (ssize_t)reqlen) {
            fprintf(stderr, "bench_delay: write on connection %d: %s\n", i + 1,
                    w < 0 ? strerror(errno) : "short write");
            return -1;
        }
    }
    int left = n;
    struct epoll_event evs[256];
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (left > 0) {
        int k = epoll_wait(ep, evs, 256, 100);
        if (k < 0 && errno != EINTR) {
            perror("bench_delay: epoll_wait");
            return -1;
        }
        for (int e = 0; e < k; e++) {
            struct conn *c = &conns[evs[e].data.u32];
            if (c->got == wantlen)
                continue; /* complete already; anything more is an error next round */
            int r = conn_read(c, want, wantlen);
            if (r < 0) {
                char esc[128];
                fprintf(stderr, "bench_delay: connection %u: EOF, error or unexpected reply '%s'\n",
                        evs[e].data.u32 + 1, mh_escape(c->in, c->got, esc, sizeof(esc)));
                return -1;
            }
            left -= r;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (left > 0 && diff_ms(&now, &start) > ROUND_TIMEOUT_MS) {
            fprintf(stderr, "bench_delay: %d of %d replies missing after %d ms\n", left, n,
                    ROUND_TIMEOUT_MS);
            return -1;
        }
    }
    return 0;
}

static void collect(struct samples *s, struct by_pos *bp, const struct conn *conns, int n,
                    double delay_ms)
{
    for (int i = 0; i < n && s->n < s->cap; i++) {
        const struct conn *c = &conns[i];
        s->app[s->n++] = diff_ms(&c->app_mono, &c->send_mono) - delay_ms;
        if (c->kern_ok) {
            double e = diff_ms(&c->kern_real, &c->send_real) - delay_ms;
            s->kern[s->nkern++] = e;
            int d = (int)((long)i * DECILES / n);
            bp->sum[d] += e;
            bp->cnt[d]++;
        }
    }
}

/* Opens n connections registered in ep and checks each is served (PING).
 * Returns the number opened, -1 on failure. */
static int open_all(int port, int ep, struct conn *conns, int n)
{
    int opened = 0;
    while (opened < n) {
        int upto = opened + BATCH < n ? opened + BATCH : n;
        for (int i = opened; i < upto; i++) {
            conns[i].fd = open_conn(port);
            if (conns[i].fd < 0) {
                fprintf(stderr, "bench_delay: connection %d: %s\n", i + 1, strerror(errno));
                return -1;
            }
            struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
            epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
        }
        if (round_trip(ep, conns, opened, upto, PING_REQ, strlen(PING_REQ), PING_REPLY,
                       strlen(PING_REPLY)) < 0)
            return -1;
        opened = upto;
    }
    return opened;
}

struct stats {
    size_t n;
    double min, p50, p99, max, mean;
};

static struct stats summarize(double *v, size_t n)
{
    struct stats st = {0};
    st.n = n;
    if (n == 0)
        return st;
    qsort(v, n, sizeof(*v), cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    st.min = v[0];
    st.p50 = pct(v, n, 50);
    st.p99 = pct(v, n, 99);
    st.max = v[n - 1];
    st.mean = sum / (double)n;
    return st;
}

static void print_row(const char *what, const char *clock, struct stats st)
{
    printf("| %-15s | %-6s | %7zu | %8.3f | %8.3f | %8.3f | %8.3f | %8.3f |\n", what, clock, st.n,
           st.min, st.p50, st.mean, st.p99, st.max);
}

/* Asks the server to end the scenario; SIGTERM if it does not exit by itself. */
static int stop_server(struct mh_server *srv)
{
    struct mh_conn c;
    int how = 0; /* 1: ended by MOCK SCENARIO END */
    if (mh_conn_open(&c, mh_server_port(srv)) == 0) {
        struct buf reply = BUF_INIT;
        if (mh_call(&c, "MOCK SCENARIO END", &reply, 2000) == MH_REPLY && reply.len > 0 &&
            reply.p[0] != '-')
            how = 1;
        buf_free(&reply);
        mh_conn_close(&c);
    }
    int status;
    if (how == 1 && mh_server_wait(srv, 3000, &status)) {
        mh_server_stop(srv); /* already gone: frees */
        printf("server stopped by MOCK SCENARIO END, exit status %d\n",
               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return 0;
    }
    status = mh_server_stop(srv);
    printf("server stopped by SIGTERM, %s %d\n",
           status >= 0 && WIFEXITED(status) ? "exit status" : "wait status",
           status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : status);
    return status >= 0 ? 0 : -1;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: bench_delay [-n CONNS] [-r ROUNDS] [-s SINGLE] [-d DELAY_MS] [-u] [MOCKREDIS_BIN]\n"
        "Plays 'on GET * do delay DELAY_MS' (default 50) and measures, per GET, the\n"
        "reply time minus the scripted delay: ROUNDS (default 5) rounds on CONNS\n"
        "(default 1000) connections at once, then SINGLE (default 100) requests on\n"
        "one connection. -u: do not pin server and benchmark to different CPUs.\n"
        "Target: p99 error <= 1 ms, no negative error.\n");
}

int main(int argc, char **argv)
{
    int nconn = 1000, rounds = 5, single = 100, delay_ms = 50, pin = 1, opt;
    while ((opt = getopt(argc, argv, "n:r:s:d:uh")) != -1) {
        int v = optarg ? atoi(optarg) : 0;
        if (opt == 'n' && v >= 1)
            nconn = v;
        else if (opt == 'r' && v >= 1)
            rounds = v;
        else if (opt == 's' && v >= 1)
            single = v;
        else if (opt == 'd' && v >= 1)
            delay_ms = v;
        else if (opt == 'u')
            pin = 0;
        else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (bench_setup("bench_delay", optind < argc ? argv[optind] : NULL, nconn + 64) < 0)
        return 2;

    char scn[] = "/tmp/bench_delay-XXXXXX";
    int sfd = mkstemp(scn);
    if (sfd < 0) {
        perror("bench_delay: mkstemp");
        return 2;
    }
    FILE *sf = fdopen(sfd, "w");
    fprintf(sf, "# generated by bench_delay\nfinish control\non GET * do delay %dms\n", delay_ms);
    fclose(sf);

    char maxc[16], err[256];
    snprintf(maxc, sizeof(maxc), "%d", nconn + 1000);
    const char *args[] = {"--scenario", scn, "--maxclients", maxc, NULL};
    struct mh_server *srv = mh_mock_start(args, err, sizeof(err));
    unlink(scn);
    if (srv == NULL) {
        fprintf(stderr, "bench_delay: %s\n", err);
        return 2;
    }

    int rc = 2;
    /* The server on the last CPU, this process on the first: otherwise the
     * scheduler's wake-affine placement (TCP wakes the reader with a "sync"
     * hint) may queue the server behind this busy sender on one core. */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (pin && ncpu >= 2) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int)ncpu - 1, &set);
        int ok = sched_setaffinity(mh_server_pid(srv), sizeof(set), &set) == 0;
        CPU_ZERO(&set);
        CPU_SET(0, &set);
        ok = ok && sched_setaffinity(0, sizeof(set), &set) == 0;
        printf("pinned: server on CPU %ld, benchmark on CPU 0%s\n", ncpu - 1,
               ok ? "" : " (FAILED, not pinned)");
    } else {
        printf("not pinned (%s)\n", pin ? "one CPU" : "-u");
    }
    struct conn *conns = calloc((size_t)nconn, sizeof(*conns));
    struct samples many = {0}, one = {0};
    struct by_pos pos = {0}, pos1 = {0};
    int ep = epoll_create1(0);
    int opened = 0;
    if (conns == NULL || ep < 0 || samples_init(&many, (size_t)nconn * (size_t)rounds) < 0 ||
        samples_init(&one, (size_t)single) < 0)
        goto out;
    for (int i = 0; i < nconn; i++)
        conns[i].fd = -1;

    printf("mockredis %s, pid %d, port %d; scenario 'on GET * do delay %dms'\n",
           getenv("MOCKREDIS_BIN"), (int)mh_server_pid(srv), mh_server_port(srv), delay_ms);
    opened = open_all(mh_server_port(srv), ep, conns, nconn);
    if (opened < 0)
        goto out;
    printf("%d connections open and served (PING each)\n", opened);

    /* N connections at once: one warm-up round, then the measured ones. */
    double send_spread = 0;
    for (int r = 0; r <= rounds; r++) {
        if (round_trip(ep, conns, 0, nconn, GET_REQ, strlen(GET_REQ), GET_REPLY,
                       strlen(GET_REPLY)) < 0)
            goto out;
        double sp = diff_ms(&conns[nconn - 1].send_mono, &conns[0].send_mono);
        if (r > 0) {
            collect(&many, &pos, conns, nconn, delay_ms);
            if (sp > send_spread)
                send_spread = sp;
        }
        sleep_ms(20);
    }

    /* One connection, one request at a time. */
    for (int i = 0; i <= single; i++) {
        if (round_trip(ep, conns, 0, 1, GET_REQ, strlen(GET_REQ), GET_REPLY, strlen(GET_REPLY)) < 0)
            goto out;
        if (i > 0)
            collect(&one, &pos1, conns, 1, delay_ms);
        sleep_ms(2);
    }
    rc = 1;

    struct stats m_app = summarize(many.app, many.n), m_kern = summarize(many.kern, many.nkern);
    struct stats o_app = summarize(one.app, one.n), o_kern = summarize(one.kern, one.nkern);
    printf("\nerror = (reply time - send time) - %d ms scripted, in ms\n", delay_ms);
    printf("app: CLOCK_MONOTONIC after read(); kernel: SO_TIMESTAMPNS of the reply segment\n\n");
    printf("| %-15s | %-6s | %7s | %8s | %8s | %8s | %8s | %8s |\n", "connections", "clock",
           "samples", "min", "p50", "mean", "p99", "max");
    printf("|-----------------|--------|---------|----------|----------|----------|----------|-----"
           "-----|\n");
    char what[32];
    snprintf(what, sizeof(what), "%d x %d rounds", nconn, rounds);
    print_row(what, "app", m_app);
    print_row(what, "kernel", m_kern);
    print_row("1 (sequential)", "app", o_app);
    print_row("1 (sequential)", "kernel", o_kern);
    printf(
        "\nsending %d requests took up to %.3f ms per round (each is timed from its own write)\n",
        nconn, send_spread);

    printf("mean kernel error by send position (first tenth .. last tenth of a round):\n ");
    for (int d = 0; d < DECILES; d++)
        printf(" %.2f", pos.cnt[d] ? pos.sum[d] / (double)pos.cnt[d] : 0.0);
    printf(" ms\n");
    int neg = m_app.min < 0 || o_app.min < 0;
    int ok = m_app.p99 <= 1.0 && !neg;
    printf("target: p99 error <= 1 ms with %d connections: %.3f ms, %s; "
           "negative errors: %s\n",
           nconn, m_app.p99, m_app.p99 <= 1.0 ? "MET" : "MISSED",
           neg ? "YES (a reply left early: bug)" : "none");
    if (ok)
        rc = 0;

out:
    for (int i = 0; conns && i < nconn; i++)
        if (conns[i].fd >= 0)
            close(conns[i].fd);
    if (ep >= 0)
        close(ep);
    free(conns);
    samples_free(&many);
    samples_free(&one);
    if (stop_server(srv) < 0 && rc == 0)
        rc = 2;
    return rc;
}
