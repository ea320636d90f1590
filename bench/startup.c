/* startup.c - start-to-ready time of mockredis and of redis-server.
 *
 * "Ready" means what a test needs before its first command: the time from
 * just before fork() until the first +PONG read on a fresh TCP connection.
 * Both servers are measured the same way: a loopback port that was free a
 * moment ago is chosen here and passed with --port, the child is exec'd
 * with its stdout on /dev/null, and this process retries connect() every
 * ~50 us until one succeeds, then sends PING and waits for the reply
 * (-LOADING counts as not ready yet). The server is then stopped with
 * SIGTERM and reaped; that part is not timed.
 *
 * Runs alternate (mock, redis, mock, redis ...) so that a busy moment of the
 * machine hits both; one untimed warm-up run of each comes first (page
 * cache, dynamic loader). Prints min / median / p90 in milliseconds and the
 * ratio of the medians, mock/redis (below 1.0: mockredis is ready sooner).
 *
 * Not measured: the harness's --port-file handshake (mh_mock_start), which
 * adds its own polling interval; this program measures the servers only.
 *
 *   bench_startup [-n RUNS] [-i POLL_US] [MOCKREDIS_BIN]
 * RUNS defaults to 50, POLL_US (the pause between connect attempts) to 50.
 * $REDIS_SERVER overrides the redis-server found on PATH. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mh.h"

#ifndef BENCH_MOCKREDIS_BIN
#define BENCH_MOCKREDIS_BIN "mockredis"
#endif

enum { SRV_MOCK, SRV_REDIS };

static long poll_us = 50; /* pause between two connect attempts */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_us(long us)
{
    struct timespec ts = {0, us * 1000L};
    nanosleep(&ts, NULL);
}

/* A loopback port nobody listens on right now (the kernel's pick). */
static int free_port(void)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(sin.sin_port);
}

static pid_t spawn(char *const *argv)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        close(null);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "bench_startup: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Tries PING on a new connection. Returns 1 for +PONG, 0 for "not yet"
 * (refused, reset, -LOADING), -1 for an unexpected reply. */
static int try_ping(int port)
{
    struct mh_conn c;
    if (mh_conn_open(&c, port) < 0)
        return 0;
    struct buf r = BUF_INIT;
    static const char ping[] = "*1\r\n$4\r\nPING\r\n";
    int rc = 0;
    if (mh_send(c.fd, ping, sizeof(ping) - 1) == 0 && mh_read_reply(&c, &r, 2000) == MH_REPLY) {
        if (r.len == 7 && memcmp(r.p, "+PONG\r\n", 7) == 0)
            rc = 1;
        else if (!(r.len > 8 && memcmp(r.p, "-LOADING", 8) == 0))
            rc = -1;
    }
    buf_free(&r);
    mh_conn_close(&c);
    return rc;
}

/* One timed start. Returns milliseconds, or a negative value on failure
 * (with a message on stderr). */
static double start_once(int which, const char *mock_bin, const char *redis_bin)
{
    int port = free_port();
    char ports[16];
    snprintf(ports, sizeof(ports), "%d", port);
    const char *mock_argv[] = {mock_bin, "--port", ports, "--bind", "127.0.0.1", NULL};
    const char *redis_argv[] = {redis_bin,   "--port",      ports,     "--bind",
                                "127.0.0.1", "--save",      "",        "--appendonly",
                                "no",        "--daemonize", "no",      "--logfile",
                                "",          "--loglevel",  "warning", NULL};
    const char *name = which == SRV_MOCK ? mock_bin : redis_bin;

    double t0 = now_ms();
    pid_t pid = spawn((char *const *)(which == SRV_MOCK ? mock_argv : redis_argv));
    if (pid < 0) {
        perror("bench_startup: fork");
        return -1;
    }
    double t = -1;
    int status;
    while (now_ms() - t0 < 10000) {
        int r = try_ping(port);
        if (r == 1) {
            t = now_ms() - t0;
            break;
        }
        if (r < 0) {
            fprintf(stderr, "bench_startup: %s: unexpected reply to PING\n", name);
            break;
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "bench_startup: %s exited before answering (port %d taken?)\n", name,
                    port);
            return -1;
        }
        sleep_us(poll_us);
    }
    if (t < 0 && now_ms() - t0 >= 10000)
        fprintf(stderr, "bench_startup: %s not ready within 10 s\n", name);
    /* A server that exits with an error answered nothing of ours: if the
     * port had been taken by someone else in between, the PONG was theirs
     * and our child failed to bind, so a non-zero exit voids the run. */
    kill(pid, SIGTERM);
    if (waitpid(pid, &status, 0) == pid && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        fprintf(stderr, "bench_startup: %s did not exit cleanly (status %d)\n", name, status);
        return -1;
    }
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double pct(const double *v, int n, double p)
{
    int k = (int)(p * n + 0.999999);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return v[k - 1];
}

static double median(const double *v, int n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int runs = 50;
    int opt;
    while ((opt = getopt(argc, argv, "n:i:h")) != -1) {
        if (opt == 'n' && atoi(optarg) > 0) {
            runs = atoi(optarg);
        } else if (opt == 'i' && atol(optarg) > 0) {
            poll_us = atol(optarg);
        } else {
            fprintf(opt == 'h' ? stdout : stderr,
                    "Usage: bench_startup [-n RUNS] [-i POLL_US] [MOCKREDIS_BIN]\n"
                    "Start-to-ready time (fork/exec until the first +PONG) of mockredis and\n"
                    "redis-server, RUNS times each (default 50), alternating; connect() is\n"
                    "retried every POLL_US microseconds (default 50).\n");
            return opt == 'h' ? 0 : 2;
        }
    }
    const char *mock_bin = optind < argc             ? argv[optind]
                           : getenv("MOCKREDIS_BIN") ? getenv("MOCKREDIS_BIN")
                                                     : BENCH_MOCKREDIS_BIN;
    const char *redis_bin = getenv("REDIS_SERVER") ? getenv("REDIS_SERVER") : "redis-server";

    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* short sleeps stay short */

    double *t[2];
    t[0] = calloc((size_t)runs, sizeof(double));
    t[1] = calloc((size_t)runs, sizeof(double));
    if (t[0] == NULL || t[1] == NULL)
        return 1;
    if (start_once(SRV_MOCK, mock_bin, redis_bin) < 0 ||
        start_once(SRV_REDIS, mock_bin, redis_bin) < 0)
        return 1;
    int fails = 0;
    for (int i = 0; i < runs; i++) {
        for (int which = SRV_MOCK; which <= SRV_REDIS; which++) {
            double v;
            while ((v = start_once(which, mock_bin, redis_bin)) < 0)
                if (++fails > 5) /* a port race is rare: retry a few times only */
                    return 1;
            t[which][i] = v;
        }
    }

    printf("start-to-ready: fork/exec until the first +PONG, %d runs each, alternating\n", runs);
    printf("%-14s %9s %9s %9s\n", "server", "min ms", "median", "p90");
    const char *names[2] = {"mockredis", "redis-server"};
    double med[2];
    for (int w = 0; w < 2; w++) {
        qsort(t[w], (size_t)runs, sizeof(double), cmp_double);
        med[w] = median(t[w], runs);
        printf("%-14s %9.2f %9.2f %9.2f\n", names[w], t[w][0], med[w], pct(t[w], runs, 0.9));
    }
    printf("ratio of medians mock/redis: %.3f (mockredis ready %.1fx sooner)\n", med[0] / med[1],
           med[1] / med[0]);
    free(t[0]);
    free(t[1]);
    return 0;
}
