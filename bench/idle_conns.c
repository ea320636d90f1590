/* idle_conns.c - 10,000 idle connections: memory per connection, and the
 * refusal of connection 10,001, for mockredis and redis-server side by side.
 *
 * For each server, started with --maxclients N (default 10000):
 *  1. VmRSS of the server (from /proc/PID/status) with no client connected;
 *  2. open N TCP connections and send nothing on them (the first one is kept
 *     as a "control" connection); after each batch, wait until the server
 *     holds them, counted as entries of /proc/PID/fd, so that the figure is
 *     taken once every connection has been accepted and not while some
 *     still sit in the kernel's accept queue;
 *  3. VmRSS again; (after - before) / N is the user-space memory one idle
 *     connection costs the server. Kernel socket buffers are not in VmRSS
 *     and are the same for both servers;
 *  4. PING on the control connection must still answer +PONG;
 *  5. connection N+1 must receive exactly "-ERR max number of clients
 *     reached\r\n" (the text from rtext.h) and then EOF, within 5 s.
 * Prints a table, PASS/FAIL for 4 and 5 and the bytes connection N+1 got.
 * Exit status 0 only if both checks pass for mockredis (a redis-server
 * failure is printed but only reported: it is the reference).
 *
 * Needs N + 32 descriptors in this process and in each server: the soft
 * RLIMIT_NOFILE is raised to the hard limit (servers inherit it).
 *
 *   bench_idle [-n N] [MOCKREDIS_BIN]       $REDIS_SERVER picks redis-server */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "mh.h"
#include "rtext.h"

#define BATCH 250 /* connections opened before waiting for the server to accept */

struct result {
    int ok_start;
    int held; /* connections open at the end of step 2 */
    long rss_before_kb, rss_after_kb;
    double open_ms; /* time to open and have all N accepted */
    int ping_ok;
    int refuse_ok;
    char refuse_got[256]; /* escaped bytes received by connection N+1 (+ EOF note) */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long vmrss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static int count_fds(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Waits until the server holds at least want descriptors (at most 10 s).
 * Returns the count reached. */
static int wait_fds(pid_t pid, int want)
{
    double deadline = now_ms() + 10000;
    int n;
    while ((n = count_fds(pid)) >= 0 && n < want && now_ms() < deadline)
        sleep_ms(1);
    return n;
}

/* Waits until the descriptor count stops changing (connections of the
 * start-up check being closed), at most 2 s. */
static int settle_fds(pid_t pid)
{
    int last = count_fds(pid), same = 0;
    for (int i = 0; i < 200 && same < 5; i++) {
        sleep_ms(10);
        int n = count_fds(pid);
        same = n == last ? same + 1 : 0;
        last = n;
    }
    return last;
}

static void check_refusal(int port, struct result *r)
{
    char want[128];
    snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_MAXCLIENTS]);
    int fd = mh_connect(port);
    if (fd < 0) {
        snprintf(r->refuse_got, sizeof(r->refuse_got), "connect failed: %s", strerror(errno));
        return;
    }
    /* Raw bytes until EOF (or 5 s): everything the server sends counts. */
    char got[512];
    size_t len = 0;
    const char *end = "no EOF within 5 s";
    double deadline = now_ms() + 5000;
    while (len < sizeof(got)) {
        int left = (int)(deadline - now_ms());
        struct pollfd pfd = {fd, POLLIN, 0};
        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            break;
        ssize_t k = recv(fd, got + len, sizeof(got) - len, 0);
        if (k == 0) {
            end = "EOF";
            break;
        }
        if (k < 0) {
            end = errno == ECONNRESET ? "connection reset" : "read error";
            break;
        }
        len += (size_t)k;
    }
    close(fd);
    char esc[200];
    mh_escape(got, len, esc, sizeof(esc));
    snprintf(r->refuse_got, sizeof(r->refuse_got), "\"%s\" (%zu bytes) then %s", esc, len, end);
    r->refuse_ok = strcmp(end, "EOF") == 0 && len == strlen(want) && memcmp(got, want, len) == 0;
}

static void run(int is_mock, int n, struct result *r)
{
    char maxcl[16], err[256];
    snprintf(maxcl, sizeof(maxcl), "%d", n);
    const char *extra[] = {"--maxclients", maxcl, NULL};
    memset(r, 0, sizeof(*r));
    struct mh_server *s =
        is_mock ? mh_mock_start(extra, err, sizeof(err)) : mh_redis_start(extra, err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "bench_idle: %s\n", err);
        return;
    }
    r->ok_start = 1;
    pid_t pid = mh_server_pid(s);
    int port = mh_server_port(s);
    int base = settle_fds(pid);
    r->rss_before_kb = vmrss_kb(pid);

    int *fds = malloc((size_t)n * sizeof(int));
    struct mh_conn ctl;
    double t0 = now_ms();
    if (fds == NULL || mh_conn_open(&ctl, port) < 0) {
        fprintf(stderr, "bench_idle: cannot connect: %s\n", strerror(errno));
        free(fds);
        mh_server_stop(s);
        return;
    }
    fds[0] = ctl.fd;
    int opened = 1;
    while (opened < n) {
        int stop = opened + BATCH < n ? opened + BATCH : n;
        for (; opened < stop; opened++) {
            fds[opened] = mh_connect(port);
            if (fds[opened] < 0) {
                fprintf(stderr, "bench_idle: connection %d: %s\n", opened + 1, strerror(errno));
                break;
            }
        }
        if (opened < stop)
            break;
        if (wait_fds(pid, base + opened) < base + opened) {
            fprintf(stderr, "bench_idle: server holds fewer than %d connections\n", opened);
            break;
        }
    }
    r->open_ms = now_ms() - t0;
    r->held = count_fds(pid) - base;
    sleep_ms(200); /* let the server finish any allocation after accept */
    r->rss_after_kb = vmrss_kb(pid);

    struct buf reply = BUF_INIT;
    r->ping_ok = mh_call(&ctl, "PING", &reply, 5000) == MH_REPLY && reply.len == 7 &&
                 memcmp(reply.p, "+PONG\r\n", 7) == 0;
    buf_free(&reply);
    check_refusal(port, r);

    /* Stop the server first: it then closes the sockets, so the TIME_WAIT
     * states land on its side and this process's ports are free again. */
    mh_server_stop(s);
    for (int i = 1; i < opened; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    mh_conn_close(&ctl);
    free(fds);
}

int main(int argc, char **argv)
{
    int n = 10000, opt;
    while ((opt = getopt(argc, argv, "n:h")) != -1) {
        if (opt == 'n' && atoi(optarg) > 1) {
            n = atoi(optarg);
        } else {
            fprintf(opt == 'h' ? stdout : stderr,
                    "Usage: bench_idle [-n N] [MOCKREDIS_BIN]\n"
                    "Holds N idle connections (default 10000) on a server started with\n"
                    "--maxclients N, reports its memory per connection, checks that\n"
                    "connection N+1 is refused as Redis does. mockredis, then redis-server.\n");
            return opt == 'h' ? 0 : 2;
        }
    }
    if (bench_setup("bench_idle", optind < argc ? argv[optind] : NULL, n + 64) < 0)
        return 1;

    struct result res[2];
    run(1, n, &res[0]);
    run(0, n, &res[1]);

    printf("%d idle connections, servers started with --maxclients %d\n", n, n);
    printf("%-34s %16s %16s\n", "", "mockredis", "redis-server");
    printf("%-34s %16d %16d\n", "connections held", res[0].held, res[1].held);
    printf("%-34s %16.0f %16.0f\n", "time to open and accept them (ms)", res[0].open_ms,
           res[1].open_ms);
    printf("%-34s %16ld %16ld\n", "VmRSS before (kB)", res[0].rss_before_kb, res[1].rss_before_kb);
    printf("%-34s %16ld %16ld\n", "VmRSS after (kB)", res[0].rss_after_kb, res[1].rss_after_kb);
    double per[2];
    for (int i = 0; i < 2; i++)
        per[i] = res[i].held > 0
                     ? (double)(res[i].rss_after_kb - res[i].rss_before_kb) * 1024.0 / res[i].held
                     : 0;
    printf("%-34s %16.0f %16.0f\n", "bytes per idle connection", per[0], per[1]);
    printf("%-34s %16s %16s\n", "PING on connection 1 afterwards", res[0].ping_ok ? "PASS" : "FAIL",
           res[1].ping_ok ? "PASS" : "FAIL");
    printf("%-34s %16s %16s\n", "connection N+1 refused exactly",
           res[0].refuse_ok ? "PASS" : "FAIL", res[1].refuse_ok ? "PASS" : "FAIL");
    printf("  mockredis    got: %s\n", res[0].refuse_got);
    printf("  redis-server got: %s\n", res[1].refuse_got);
    if (per[1] > 0)
        printf("memory per idle connection, mock/redis: %.2f\n", per[0] / per[1]);
    int ok = res[0].ok_start && res[0].held == n && res[0].ping_ok && res[0].refuse_ok;
    if (!(res[1].ok_start && res[1].held == n && res[1].ping_ok && res[1].refuse_ok))
        printf("note: the redis-server run did not pass every check (reference only)\n");
    printf("verdict: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
