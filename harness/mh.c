/* mh.c - the test harness, see include/mockredis/harness.h.
 *
 * Servers run as child processes (fork + exec), never in the test's own
 * process: a crash of the server then shows as a signal in its exit status
 * instead of taking the test down, and sanitizer reports stay separate.
 * mockredis reports its ephemeral port through --port-file; redis-server
 * cannot, so it is given a port that was free a moment ago and is retried on
 * another one if that port got taken in between.
 *
 * The public API uses only its own types (struct mh_bytes, enum
 * mh_status); the RESP scanner and writer come from mr_base, linked
 * privately. Which mockredis to run is decided in mh_mock_bin(): the
 * build tree's copy defines MH_BUILD_TREE_BIN (a path in the build tree,
 * never in an installed library); the installed copy defines
 * MH_LIBDIR_TO_BINDIR (relative, e.g. "../bin") and finds the server
 * through its own location (dladdr), so an installed prefix can move. */
#define _GNU_SOURCE /* dladdr */
#include "mockredis/harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
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

#include "buf.h"
#include "resp.h"

/* ---- byte buffers and status texts -------------------------------------------- */

const char *mh_strerror(int status)
{
    switch (status) {
#define MH_STATUS_TEXT(name, value, text)                                                          \
    case name: return text;
        MH_STATUS_TABLE(MH_STATUS_TEXT)
#undef MH_STATUS_TEXT
    }
    return "unknown status";
}

/* Makes room for n more bytes (and the NUL); aborts on out of memory as
 * the rest of the project does. */
static char *bytes_reserve(struct mh_bytes *b, size_t n)
{
    if (b->cap - b->len < n + 1 || b->p == NULL) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->len < n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            abort();
        b->p = p;
        b->cap = cap;
    }
    return b->p + b->len;
}

static void bytes_set(struct mh_bytes *b, const char *p, size_t n)
{
    b->len = 0;
    memcpy(bytes_reserve(b, n), p, n);
    b->len = n;
    b->p[n] = '\0';
}

static void bytes_consume(struct mh_bytes *b, size_t n)
{
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
    b->p[b->len] = '\0';
}

void mh_bytes_free(struct mh_bytes *b)
{
    if (b == NULL)
        return;
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

struct mh_server {
    pid_t pid;
    int port;
    /* every port of the port file: one per node of a cluster (--cluster) */
    int ports[MH_NODES_MAX];
    int nports;
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
    const char *bin = mh_mock_bin();
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
            s->nports = ok ? 1 : 0;
            s->ports[0] = s->port;
            while (ok && s->nports < MH_NODES_MAX && fscanf(f, "%d", &s->ports[s->nports]) == 1)
                s->nports++;
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

const char *mh_mock_bin(void)
{
    const char *env = getenv("MOCKREDIS_BIN");
    if (env && *env)
        return env;
#if defined(MH_BUILD_TREE_BIN)
    return MH_BUILD_TREE_BIN;
#else
#if defined(MH_LIBDIR_TO_BINDIR)
    /* The installed library: bin/ of the prefix it was installed into. */
    static char path[4096];
    Dl_info info;
    if (dladdr((void *)mh_mock_bin, &info) && info.dli_fname && strchr(info.dli_fname, '/')) {
        const char *slash = strrchr(info.dli_fname, '/');
        int n = snprintf(path, sizeof(path), "%.*s/%s/mockredis", (int)(slash - info.dli_fname),
                         info.dli_fname, MH_LIBDIR_TO_BINDIR);
        if (n > 0 && (size_t)n < sizeof(path) && access(path, X_OK) == 0)
            return path;
    }
#endif
    return "mockredis"; /* execvp searches PATH */
#endif
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
                struct mh_bytes r = MH_BYTES_INIT;
                /* LOADING or a refused connect: keep polling until +PONG. */
                int ok = mh_call(&c, "PING", &r, 1000) == MH_REPLY && r.len >= 5 &&
                         memcmp(r.p, "+PONG", 5) == 0;
                mh_bytes_free(&r);
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

int mh_server_ports(const struct mh_server *s, int *ports, int max)
{
    for (int i = 0; i < s->nports && i < max; i++)
        ports[i] = s->ports[i];
    return s->nports;
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
    c->in = (struct mh_bytes)MH_BYTES_INIT;
    c->fd = mh_connect(port);
    return c->fd < 0 ? -1 : 0;
}

void mh_conn_close(struct mh_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    mh_bytes_free(&c->in);
}

int mh_read_reply(struct mh_conn *c, struct mh_bytes *reply, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        size_t n;
        int r = c->in.len ? resp_scan(c->in.p, c->in.len, &n) : 0;
        if (r == 1) {
            bytes_set(reply, c->in.p, n);
            bytes_consume(&c->in, n);
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
        char *dst = bytes_reserve(&c->in, 65536);
        ssize_t got = recv(c->fd, dst, 65536, 0);
        if (got == 0)
            return MH_EOF;
        if (got < 0)
            return errno == EINTR ? MH_TIMEOUT : MH_ERROR;
        c->in.len += (size_t)got;
        c->in.p[c->in.len] = '\0';
    }
}

int mh_call(struct mh_conn *c, const char *line, struct mh_bytes *reply, int timeout_ms)
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
    struct mh_bytes r = MH_BYTES_INIT;
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
    mh_bytes_free(&r);
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
