/* run_cli.c - `mockredis run`: a command run against a server started for
 * it, see run_cli.h.
 *
 * The server and the command share nothing but the environment and the
 * port: the server runs in this process on its own libevent loop, the
 * command is a child in its own process group. Three signal events on the
 * server's loop do the work: SIGCHLD reaps the command and stops the loop;
 * SIGINT and SIGTERM are passed on to the command's group (the loop keeps
 * serving until the command has gone, so its last requests are answered).
 * SIGPIPE is ignored here, as in the plain server, and reset to its default
 * in the child, which starts with the signal dispositions a shell would
 * give it.
 *
 * A mockredis run killed by SIGKILL can pass nothing on. The command's
 * first process dies with it (PR_SET_PDEATHSIG), but what that process
 * started in the background would live on, so a guard does the rest: a
 * small process of its own, in its own process group, started before the
 * command and holding nothing but one end of a socket pair whose other end
 * only we hold. Once it has closed everything else (the listener among
 * them: the port must be free when we are gone) it says "ready", and only
 * then is the command started. It learns the command's group from the
 * pair, then waits.
 * "done" (we reaped the command and ended its group) lets it exit at once;
 * end of file without "done" (we died) makes it end the group as an
 * interrupt would: SIGTERM, then SIGKILL to whatever is left after
 * GUARD_GRACE_MS. A process that left the group (setsid) is out of reach.
 *
 * Not here: the options (main.c parses them with the server's) and the
 * verdict (the scenario engine's); this file only joins the two results
 * into one status and one line. */
#include "run_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "scn_run.h"
#include "server.h"

#define GUARD_GRACE_MS 5000

/* The guard's whole life, in the forked child: nothing here returns. */
static void guard_main(int rfd)
{
    pid_t pgid = 0;
    char done = 0;
    struct rlimit rl;
    int maxfd =
        getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536;
    setpgid(0, 0); /* signals for our group (a terminal's ^C, a CI's kill) pass it by */
    /* nothing of ours stays open here: not the listener (the port must be
     * free when we are gone), not a pipe someone reads to its end */
    for (int fd = 0; fd < maxfd; fd++)
        if (fd != rfd)
            close(fd);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGPIPE, SIG_IGN); /* we may be gone before "ready" is read */
    if (write(rfd, "r", 1) != 1)
        _exit(0);
    if (read(rfd, &pgid, sizeof(pgid)) != (ssize_t)sizeof(pgid) || pgid <= 1)
        _exit(0); /* no command was started */
    ssize_t n;
    do
        n = read(rfd, &done, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1 && done == 'd')
        _exit(0);
    kill(-pgid, SIGTERM);
    for (int waited = 0; waited < GUARD_GRACE_MS; waited += 20) {
        if (kill(-pgid, 0) != 0)
            _exit(0);
        struct timespec tick = {0, 20000000};
        nanosleep(&tick, NULL);
    }
    kill(-pgid, SIGKILL);
    _exit(0);
}

/* Starts the guard and waits for its "ready"; *wfd is our end of its
 * socket pair (-1 and a message when it cannot be started). */
static pid_t guard_start(int *wfd)
{
    int p[2];
    char ready = 0;
    *wfd = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) != 0) {
        fprintf(stderr, "mockredis run: cannot start the guard: %s\n", strerror(errno));
        return -1;
    }
    /* ours only: not the command's after its exec (single-threaded here) */
    fcntl(p[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0)
        guard_main(p[0]);
    close(p[0]);
    ssize_t n = -1;
    if (pid > 0)
        do
            n = read(p[1], &ready, 1);
        while (n < 0 && errno == EINTR);
    if (pid < 0 || n != 1 || ready != 'r') {
        fprintf(stderr, "mockredis run: cannot start the guard: %s\n",
                pid < 0 ? strerror(errno) : "it did not get ready");
        close(p[1]);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return -1;
    }
    *wfd = p[1];
    return pid;
}

/* Tells the guard the command's group, or (pgid 0) that there is none. */
static void guard_arm(int wfd, pid_t pgid)
{
    if (pgid > 0 && write(wfd, &pgid, sizeof(pgid)) != (ssize_t)sizeof(pgid))
        fprintf(stderr, "mockredis run: the guard is gone: %s\n", strerror(errno));
}

/* The command's group has been dealt with: the guard exits, and is reaped. */
static void guard_release(pid_t guard, int wfd)
{
    ssize_t w = write(wfd, "d", 1);
    (void)w;
    close(wfd);
    while (waitpid(guard, NULL, 0) < 0 && errno == EINTR)
        ;
}

struct runner {
    struct srv *s;
    pid_t pid;
    int done;
    struct run_result *res;
};

/* The scenario's "finish ... within" deadline passed (the server's cron
 * notices it): the command is ended as if interrupted, the verdict fails. */
static void on_deadline_check(evutil_socket_t fd, short what, void *arg)
{
    struct runner *r = arg;
    struct scn_run *run = srv_scenario(r->s);
    (void)fd;
    (void)what;
    if (r->done || r->res->deadline || run == NULL || !scn_run_deadline_hit(run))
        return;
    r->res->deadline = 1;
    kill(-r->pid, SIGTERM);
}

/* Sets the four variables from srv_addr's "HOST:PORT" or "[V6]:PORT". */
static void set_env(struct srv *s)
{
    char host[128], port[16], url[200];
    const char *addr = srv_addr(s);
    const char *colon = strrchr(addr, ':');
    size_t n = colon ? (size_t)(colon - addr) : strlen(addr);
    if (n >= 2 && addr[0] == '[')
        snprintf(host, sizeof(host), "%.*s", (int)(n - 2), addr + 1);
    else
        snprintf(host, sizeof(host), "%.*s", (int)n, addr);
    snprintf(port, sizeof(port), "%d", srv_port(s));
    if (strchr(host, ':')) /* IPv6: the URL keeps the brackets */
        snprintf(url, sizeof(url), "redis://[%s]:%s", host, port);
    else
        snprintf(url, sizeof(url), "redis://%s:%s", host, port);
    setenv("REDIS_HOST", host, 1);
    setenv("REDIS_PORT", port, 1);
    setenv("REDIS_URL", url, 1);
    setenv("MOCKREDIS_PORT", port, 1);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void exec_child(char *const *cmd, pid_t parent)
{
    sigset_t none;
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* the parent died before prctl */
        _exit(127);
#else
    (void)parent;
#endif
    signal(SIGPIPE, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(cmd[0], cmd);
    static const char msg[] = "mockredis run: cannot run the command\n";
    ssize_t w = write(2, msg, sizeof(msg) - 1);
    (void)w;
    _exit(errno == ENOENT ? 127 : 126);
}

static void on_child(evutil_socket_t sig, short what, void *arg)
{
    struct runner *r = arg;
    int st;
    (void)sig;
    (void)what;
    if (r->done || waitpid(r->pid, &st, WNOHANG) != r->pid)
        return;
    r->done = 1;
    if (WIFEXITED(st))
        r->res->exit_code = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
        r->res->signo = WTERMSIG(st);
    srv_stop(r->s);
}

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
    struct runner *r = arg;
    (void)what;
    if (r->done)
        return;
    if (!r->res->interrupted)
        r->res->interrupted = (int)sig;
    kill(-r->pid, (int)sig);
}

int run_cli_command(struct srv *s, char *const *cmd, struct run_result *res)
{
    struct event_base *base = srv_base(s);
    struct runner r = {s, -1, 0, res};
    res->exit_code = -1;
    res->signo = 0;
    res->interrupted = 0;
    res->deadline = 0;
    signal(SIGPIPE, SIG_IGN);
    /* The events exist before the child does: an early exit is not lost. */
    struct event *chld = evsignal_new(base, SIGCHLD, on_child, &r);
    struct event *sint = evsignal_new(base, SIGINT, on_stop_signal, &r);
    struct event *sterm = evsignal_new(base, SIGTERM, on_stop_signal, &r);
    struct event *tick = event_new(base, -1, EV_PERSIST, on_deadline_check, &r);
    struct timeval every = {0, 50000};
    event_add(tick, &every);
    event_add(chld, NULL);
    event_add(sint, NULL);
    event_add(sterm, NULL);
    set_env(s);
    fflush(NULL);
    int gfd;
    pid_t guard = guard_start(&gfd);
    pid_t parent = getpid();
    r.pid = guard < 0 ? -1 : fork();
    if (r.pid == 0)
        exec_child(cmd, parent);
    int rc = 0;
    if (guard < 0) {
        rc = -1;
    } else if (r.pid < 0) {
        fprintf(stderr, "mockredis run: cannot start the command: %s\n", strerror(errno));
        rc = -1;
        close(gfd);
        waitpid(guard, NULL, 0);
    } else {
        setpgid(r.pid, r.pid); /* also here: no window before kill(-pid) works */
        guard_arm(gfd, r.pid);
        on_child(SIGCHLD, 0, &r); /* it may be gone already */
        while (!r.done)
            srv_run(s);
        kill(-r.pid, SIGTERM); /* what the command left behind in its group */
        guard_release(guard, gfd);
    }
    event_free(chld);
    event_free(sint);
    event_free(sterm);
    event_free(tick);
    return rc;
}

enum run_status run_cli_status(const struct run_result *res, int expect_failed, char *line,
                               size_t size)
{
    const char *verdict = expect_failed ? "expectations failed" : "expectations held";
    if (res->interrupted) {
        snprintf(line, size, "mockredis run: FAIL: interrupted by signal %d (%s), %s",
                 res->interrupted, strsignal(res->interrupted), verdict);
        return RUN_INTERRUPTED;
    }
    if (res->deadline) {
        snprintf(line, size,
                 "mockredis run: FAIL: the scenario's 'within' deadline passed, command %s "
                 "(status %d), %s",
                 res->signo ? "terminated" : "ended",
                 res->signo ? 128 + res->signo : res->exit_code, verdict);
        return RUN_DEADLINE;
    }
    if (res->signo) {
        snprintf(line, size, "mockredis run: FAIL: command killed by signal %d (%s), %s",
                 res->signo, strsignal(res->signo), verdict);
        return RUN_CMD_SIGNALED;
    }
    if (res->exit_code != 0) {
        snprintf(line, size, "mockredis run: FAIL: command exited with status %d, %s",
                 res->exit_code, verdict);
        return expect_failed ? RUN_BOTH_FAILED : RUN_CMD_FAILED;
    }
    if (expect_failed) {
        snprintf(line, size, "mockredis run: FAIL: command exited with status 0, %s", verdict);
        return RUN_EXPECT_FAILED;
    }
    snprintf(line, size, "mockredis run: PASS: command exited with status 0, %s", verdict);
    return RUN_OK;
}
