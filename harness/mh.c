/* mh.c - the test harness, see mh.h.
 *
 * Servers run as child processes (fork + exec), never in the test's own
 * process: a crash of the server then shows as a signal in its exit status
 * instead of taking the test down, and sanitizer reports stay separate.
 * mockredis reports its ephemeral port through --port-file; redis-server
 * cannot, so it is given a port that was free a moment ago and is retried on
 * another one if that port got taken in between. */
#include "mh.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "resp.h"

#ifndef MH_MOCKREDIS_BIN
#define MH_MOCKREDIS_BIN "mockredis"
#endif

struct mh_server {
    pid_t pid;
    int port;
    int exited, status;
    char port_file[64];
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *a)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a);
}

/* fork + exec argv with stdin from /dev/null; stdout to /dev/null unless
 * MH_VERBOSE is set (stderr always stays, so crashes are visible). */
static pid_t spawn(char *const *argv)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* A server must not outlive its test, even when the test is killed. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        if (getenv("MH_VERBOSE") == NULL)
            dup2(null, 1);
        close(null);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "mh: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static int child_exited(struct mh_server *s)
{
    if (s->exited)
        return 1;
    int st;
    if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
        s->exited = 1;
        s->status = st;
        return 1;
    }
    return 0;
}

static char **build_argv(const char *const *head, int nhead, const char *const *extra)
{
    int n = 0;
    while (extra && extra[n])
        n++;
    char **argv = calloc((size_t)(nhead + n + 1), sizeof(char *));
    if (argv == NULL)
        return NULL;
    for (int i = 0; i < nhead; i++)
        argv[i] = (char *)head[i];
    for (int i = 0; i < n; i++)
        argv[nhead + i] = (char *)extra[i];
    return argv;
}

struct mh_server *mh_mock_start(const char *const *extra_args, char *err, size_t errlen)
{
    static unsigned seq;
    struct mh_server *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        set_err(err, errlen, "%s", "out of memory");
        return NULL;
    }
    snprintf(s->port_file, sizeof(s->port_file), "/tmp/mh-%d-%u.port", (int)getpid(), seq++);
    unlink(s->port_file);
    const char *bin = getenv("MOCKREDIS_BIN") ? getenv("MOCKREDIS_BIN") : MH_MOCKREDIS_BIN;
    const char *head[] = {bin, "--port", "0", "--port-file", s->port_file};
    char **argv = build_argv(head, 5, extra_args);
    if (argv == NULL) {
        free(s);
        set_err(err, errlen, "%s", "out of memory");
        return NULL;
    }
    s->pid = spawn(argv);
    free(argv);
    if (s->pid < 0) {
        set_err(err, errlen, "fork: %s", strerror(errno));
        free(s);
        return NULL;
    }
    long long deadline = now_ms() + 10000;
    while (now_ms() < deadline) {
        FILE *f = fopen(s->port_file, "r");
        if (f) {
            int ok = fscanf(f, "%d", &s->port) == 1;
            fclose(f);
            if (ok && s->port > 0) {
                unlink(s->port_file);
                return s;
            }
        }
        if (child_exited(s)) {
            set_err(err, errlen, "%s exited before listening (see its stderr above)", bin);
            free(s);
            return NULL;
        }
        sleep_ms(1);
    }
    set_err(err, errlen, "%s did not listen within 10 s", bin);
    mh_server_stop(s);
    return NULL;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
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

struct mh_server *mh_redis_start(const char *const *extra_args, char *err, size_t errlen)
{
    const char *bin = getenv("REDIS_SERVER") ? getenv("REDIS_SERVER") : "redis-server";
    for (int attempt = 0; attempt < 5; attempt++) {
        struct mh_server *s = calloc(1, sizeof(*s));
        char port[16];
        if (s == NULL)
            break;
        s->port = free_port();
        snprintf(port, sizeof(port), "%d", s->port);
        const char *head[] = {bin,         "--port",      port,     "--bind",
                              "127.0.0.1", "--save",      "",       "--appendonly",
                              "no",        "--daemonize", "no",     "--logfile",
                              "",          "--loglevel",  "warning"};
        char **argv = build_argv(head, 15, extra_args);
        s->pid = argv ? spawn(argv) : -1;
        free(argv);
        if (s->pid < 0) {
            free(s);
            break;
        }
        long long deadline = now_ms() + 10000;
        while (now_ms() < deadline && !child_exited(s)) {
            struct mh_conn c;
            if (mh_conn_open(&c, s->port) == 0) {
                struct buf r = BUF_INIT;
                /* LOADING or a refused connect: keep polling until +PONG. */
                int ok = mh_call(&c, "PING", &r, 1000) == MH_REPLY && r.len >= 5 &&
                         memcmp(r.p, "+PONG", 5) == 0;
                buf_free(&r);
                mh_conn_close(&c);
                if (ok)
                    return s;
            }
            sleep_ms(2);
        }
        if (!child_exited(s)) {
            mh_server_stop(s);
            set_err(err, errlen, "%s did not answer PING within 10 s", bin);
            return NULL;
        }
        free(s); /* exited: most likely the port was taken; try another */
    }
    set_err(err, errlen, "cannot start %s (is redis-server installed?)", bin);
    return NULL;
}

int mh_server_port(const struct mh_server *s)
{
    return s->port;
}

pid_t mh_server_pid(const struct mh_server *s)
{
    return s->pid;
}

int mh_server_wait(struct mh_server *s, int timeout_ms, int *status)
{
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        if (child_exited(s)) {
            if (status)
                *status = s->status;
            return 1;
        }
        if (now_ms() >= deadline)
            return 0;
        sleep_ms(1);
    }
}

int mh_server_stop(struct mh_server *s)
{
    if (s == NULL)
        return 0;
    int status = 0;
    if (!child_exited(s))
        kill(s->pid, SIGTERM);
    if (!mh_server_wait(s, 5000, &status)) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        status = -1;
    }
    if (s->port_file[0])
        unlink(s->port_file);
    free(s);
    return status;
}

/* ---- raw connections -------------------------------------------------------- */

int mh_connect(int port)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

int mh_send(int fd, const void *p, size_t n)
{
    const char *q = p;
    while (n > 0) {
        ssize_t w = send(fd, q, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        q += w;
        n -= (size_t)w;
    }
    return 0;
}

int mh_send_argv(int fd, int argc, const char *const *argv, const size_t *argl)
{
    struct buf b = BUF_INIT;
    resp_w_array(&b, argc);
    for (int i = 0; i < argc; i++)
        resp_w_bulk(&b, argv[i], argl ? argl[i] : strlen(argv[i]));
    int rc = mh_send(fd, b.p, b.len);
    buf_free(&b);
    return rc;
}

int mh_conn_open(struct mh_conn *c, int port)
{
    buf_init(&c->in);
    c->fd = mh_connect(port);
    return c->fd < 0 ? -1 : 0;
}

void mh_conn_close(struct mh_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    buf_free(&c->in);
}

int mh_read_reply(struct mh_conn *c, struct buf *reply, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        size_t n;
        int r = c->in.len ? resp_scan(c->in.p, c->in.len, &n) : 0;
        if (r == 1) {
            buf_clear(reply);
            buf_append(reply, c->in.p, n);
            buf_consume(&c->in, n);
            return MH_REPLY;
        }
        if (r < 0)
            return MH_ERROR;
        long long left = deadline - now_ms();
        if (left <= 0)
            return MH_TIMEOUT;
        struct pollfd pfd = {c->fd, POLLIN, 0};
        int pr = poll(&pfd, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return pr == 0 ? MH_TIMEOUT : MH_ERROR;
        char *dst = buf_reserve(&c->in, 65536);
        ssize_t got = recv(c->fd, dst, 65536, 0);
        if (got == 0)
            return MH_EOF;
        if (got < 0)
            return errno == EINTR ? MH_TIMEOUT : MH_ERROR;
        buf_commit(&c->in, (size_t)got);
    }
}

int mh_call(struct mh_conn *c, const char *line, struct buf *reply, int timeout_ms)
{
    struct resp_argv *a = resp_split_args(line, strlen(line));
    if (a == NULL)
        return MH_ERROR;
    int rc = mh_send_argv(c->fd, a->argc, (const char *const *)a->argv, a->argl);
    resp_argv_free(a);
    if (rc < 0)
        return MH_ERROR;
    return mh_read_reply(c, reply, timeout_ms);
}

long long mh_stat(int port, const char *name)
{
    return mh_stat_auth(port, NULL, name);
}

long long mh_stat_auth(int port, const char *password, const char *name)
{
    struct mh_conn c;
    struct buf r = BUF_INIT;
    long long v = -1;
    if (mh_conn_open(&c, port) < 0)
        return -1;
    const char *auth[] = {"AUTH", password};
    const char *argv[] = {"MOCK", "STAT", name};
    int ok = password == NULL ||
             (mh_send_argv(c.fd, 2, auth, NULL) == 0 && mh_read_reply(&c, &r, 5000) == MH_REPLY &&
              r.len == 5 && memcmp(r.p, "+OK\r\n", 5) == 0);
    if (ok && mh_send_argv(c.fd, 3, argv, NULL) == 0 && mh_read_reply(&c, &r, 5000) == MH_REPLY &&
        r.len > 1 && r.p[0] == ':')
        v = strtoll(r.p + 1, NULL, 10);
    buf_free(&r);
    mh_conn_close(&c);
    return v;
}

const char *mh_escape(const char *p, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < size; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\r') {
            out[o++] = '\\';
            out[o++] = 'r';
        } else if (ch == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (ch < 32 || ch >= 127 || ch == '\\') {
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
        } else {
            out[o++] = (char)ch;
        }
    }
    if (size)
        out[o < size ? o : size - 1] = '\0';
    return out;
}

int mh_scratch_make(char *dir, size_t size, const char *prefix)
{
    if (snprintf(dir, size, "/tmp/%s.XXXXXX", prefix) >= (int)size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(dir) ? 0 : -1;
}

const char *mh_scratch_path(const char *dir, const char *name)
{
    static char path[2][4096];
    static int i;
    i = !i;
    snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
    return path[i];
}

int mh_scratch_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    return rmdir(dir);
}
