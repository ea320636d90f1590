/* scn_play.c - plays a scenario file the way its own comments say a client sees it.
 *
 * Usage: scn_play FILE.scn
 * Every scenario in scenarios/ documents, in comments, what a client sends
 * and receives when the scenario is played; this runner checks exactly that:
 *
 *   # play: GET user:1 => "ann"          connection 1 sends, expects the reply
 *   # play 2: PING => PONG               the same on connection 2
 *   # play 3: => (error) ERR max ...     open connection 3, send nothing, read
 *   # play: GET slow => (timeout)        no reply within 300 ms
 *   # play: ECHO x => (eof)              the server closes the connection
 *   # play: DEL k => (reset)             the server resets the connection
 *   # play: GET k => (invalid)           bytes that are not RESP arrive
 *   # play 2: close                      the client closes connection 2
 *   # play 2 x300: PUBLISH ch m => (integer) 1   the same play 300 times over
 *   # play 2 @1: GET k => "v"            connection 2 is on node 1 of a cluster
 *                                        scenario (its first play says where)
 *   # play: GET k => (error) MOVED 3300 127.0.0.1:{node 1}
 *                                        {node N} in a reply: node N's port
 *   # exit: 1                            the verdict expected (default 0)
 *
 * Expected replies use the scenario value syntax (docs/scenarios.md) and are
 * compared byte for byte in RESP2. mockredis runs with --scenario FILE; when
 * the plays are done every connection is closed and the process must exit
 * with the expected status. The last line is "N passed, N failed". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mh.h"
#include "resp.h"
#include "scn.h"

#define MAXCONN    16
#define REPLY_MS   3000
#define TIMEOUT_MS 300

struct play {
    int line;
    int conn;
    int node;     /* the cluster node connection conn opens on (@N), 0 by default */
    long times;   /* how many times in a row (xN), 1 by default */
    char *cmd;    /* NULL: close; "" : send nothing */
    char *expect; /* text after =>, NULL for close */
};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Reads the play lines and the expected exit status. Returns the number of
 * plays, or -1 on a malformed play line (reported). */
static int read_plays(const char *path, struct play **out, int *exit_status)
{
    FILE *f = fopen(path, "r");
    char line[8192];
    int n = 0, lineno = 0;
    *out = NULL;
    *exit_status = 0;
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *p = trim(line);
        if (*p != '#')
            continue;
        p = trim(p + 1);
        if (strncmp(p, "exit:", 5) == 0) {
            *exit_status = atoi(p + 5);
            continue;
        }
        if (strncmp(p, "play", 4) != 0 || (p[4] != ':' && p[4] != ' '))
            continue;
        p += 4;
        int conn = 1, node = 0;
        long times = 1;
        if (*p == ' ' && p[1] != 'x' && p[1] != '@')
            conn = (int)strtol(p, &p, 10);
        if (p[0] == ' ' && p[1] == '@')
            node = (int)strtol(p + 2, &p, 10);
        if (p[0] == ' ' && p[1] == 'x')
            times = strtol(p + 2, &p, 10);
        if (*p != ':' || conn < 1 || conn > MAXCONN || times < 1) {
            fprintf(stderr,
                    "%s:%d: malformed play line (want '# play [N] [@NODE] [xTIMES]: CMD => "
                    "REPLY')\n",
                    path, lineno);
            fclose(f);
            return -1;
        }
        p = trim(p + 1);
        struct play pl = {lineno, conn, node, times, NULL, NULL};
        char *arrow = strstr(p, "=>");
        if (arrow == NULL) {
            if (strcmp(p, "close") != 0) {
                fprintf(stderr, "%s:%d: a play needs '=> REPLY' (or is 'close')\n", path, lineno);
                fclose(f);
                return -1;
            }
        } else {
            *arrow = '\0';
            pl.cmd = strdup(trim(p));
            pl.expect = strdup(trim(arrow + 2));
        }
        *out = realloc(*out, (size_t)(n + 1) * sizeof(**out));
        (*out)[n++] = pl;
    }
    fclose(f);
    return n;
}

/* The ports of the server's nodes (one: a standalone server), for
 * "{node N}" in expected replies. */
static int node_ports[MH_NODES_MAX], nnode_ports;

/* text with every "{node N}" replaced by node N's port (caller frees). */
static char *with_ports(const char *text)
{
    struct buf out = BUF_INIT;
    const char *p = text;
    for (;;) {
        const char *q = strstr(p, "{node ");
        int n, len = 0;
        if (q == NULL || sscanf(q, "{node %d}%n", &n, &len) != 1 || len == 0 || n < 0 ||
            n >= nnode_ports) {
            buf_puts(&out, p);
            break;
        }
        buf_append(&out, p, (size_t)(q - p));
        buf_printf(&out, "%d", node_ports[n]);
        p = q + len;
    }
    return out.p ? out.p : strdup("");
}

static int check_play(const char *path, const struct play *pl, struct mh_conn *c)
{
    struct buf reply = BUF_INIT;
    char where[512];
    snprintf(where, sizeof(where), "%s:%d", path, pl->line);
    if (pl->cmd[0]) {
        struct resp_argv *a = resp_split_args(pl->cmd, strlen(pl->cmd));
        if (a == NULL || a->argc == 0) {
            fprintf(stderr, "%s: cannot split the command '%s'\n", where, pl->cmd);
            resp_argv_free(a);
            return -1;
        }
        int rc = mh_send_argv(c->fd, a->argc, (const char *const *)a->argv, a->argl);
        resp_argv_free(a);
        if (rc < 0 && strcmp(pl->expect, "(eof)") != 0 && strcmp(pl->expect, "(reset)") != 0) {
            fprintf(stderr, "%s: send failed: %s\n", where, strerror(errno));
            return -1;
        }
    }
    int timeout = strcmp(pl->expect, "(timeout)") == 0 ? TIMEOUT_MS : REPLY_MS;
    errno = 0;
    int r = mh_read_reply(c, &reply, timeout);
    int e = errno;
    const char *got = r == MH_REPLY     ? "a reply"
                      : r == MH_EOF     ? "(eof)"
                      : r == MH_TIMEOUT ? "(timeout)"
                      : e == ECONNRESET ? "(reset)"
                                        : "(invalid)";
    int ok;
    if (strcmp(pl->expect, "(eof)") == 0 || strcmp(pl->expect, "(timeout)") == 0 ||
        strcmp(pl->expect, "(reset)") == 0 || strcmp(pl->expect, "(invalid)") == 0) {
        ok = strcmp(got, pl->expect) == 0;
    } else {
        struct scn_val *v;
        struct buf diag = BUF_INIT, want = BUF_INIT;
        char *expect = with_ports(pl->expect);
        int prc = scn_parse_value(expect, strlen(expect), where, &v, &diag);
        free(expect);
        if (prc < 0) {
            fprintf(stderr, "%s: bad expected reply: %s", where, diag.p ? diag.p : "\n");
            buf_free(&diag);
            buf_free(&reply);
            return -1;
        }
        scn_val_write(v, &want, 2);
        scn_val_free(v);
        ok = r == MH_REPLY && reply.len == want.len && memcmp(reply.p, want.p, want.len) == 0;
        if (!ok) {
            char a[1024], b[1024];
            fprintf(stderr, "%s: %s\n    want %s\n    got  %s\n", where, pl->cmd,
                    mh_escape(want.p, want.len, a, sizeof(a)),
                    r == MH_REPLY ? mh_escape(reply.p, reply.len, b, sizeof(b)) : got);
        }
        buf_free(&want);
        buf_free(&diag);
        buf_free(&reply);
        return ok ? 0 : -1;
    }
    if (!ok)
        fprintf(stderr, "%s: %s\n    want %s\n    got  %s\n", where, pl->cmd, pl->expect, got);
    buf_free(&reply);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: scn_play FILE.scn\n");
        return 2;
    }
    const char *path = argv[1];
    struct play *plays;
    int want_exit, passed = 0, failed = 0;
    int n = read_plays(path, &plays, &want_exit);
    if (n < 0) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    if (n == 0) {
        fprintf(stderr, "%s: no '# play:' lines: every scenario must show how it plays\n", path);
        printf("0 passed, 1 failed\n");
        return 1;
    }

    char err[256], report[64];
    snprintf(report, sizeof(report), "/tmp/scn_play-%d.json", (int)getpid());
    const char *args[] = {"--scenario", path, "--report", report, NULL};
    struct mh_server *srv = mh_mock_start(args, err, sizeof(err));
    if (srv == NULL) {
        fprintf(stderr, "%s: %s\n", path, err);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    struct mh_conn conns[MAXCONN + 1];
    int open_[MAXCONN + 1] = {0};
    nnode_ports = mh_server_ports(srv, node_ports, MH_NODES_MAX);
    for (int i = 0; i < n; i++) {
        struct play *pl = &plays[i];
        if (pl->cmd == NULL) {
            if (open_[pl->conn])
                mh_conn_close(&conns[pl->conn]);
            open_[pl->conn] = 0;
            continue;
        }
        if (!open_[pl->conn]) {
            if (pl->node >= nnode_ports || pl->node < 0) {
                fprintf(stderr, "%s:%d: there is no node %d (%d nodes)\n", path, pl->line, pl->node,
                        nnode_ports);
                failed++;
                continue;
            }
            if (mh_conn_open(&conns[pl->conn], node_ports[pl->node]) < 0) {
                fprintf(stderr, "%s:%d: cannot connect: %s\n", path, pl->line, strerror(errno));
                failed++;
                continue;
            }
            open_[pl->conn] = 1;
        }
        long k = 0;
        while (k < pl->times && check_play(path, pl, &conns[pl->conn]) == 0)
            k++;
        if (k == pl->times) {
            passed++;
        } else {
            fprintf(stderr, "%s:%d: failed on repetition %ld of %ld\n", path, pl->line, k + 1,
                    pl->times);
            failed++;
        }
    }
    for (int i = 1; i <= MAXCONN; i++)
        if (open_[i])
            mh_conn_close(&conns[i]);

    int status;
    if (!mh_server_wait(srv, 10000, &status)) {
        fprintf(stderr, "%s: mockredis did not finish the scenario within 10 s\n", path);
        failed++;
        mh_server_stop(srv);
    } else {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (code != want_exit) {
            fprintf(stderr, "%s: mockredis exited with %d, the file says '# exit: %d'\n", path,
                    code, want_exit);
            failed++;
        } else {
            passed++;
        }
        mh_server_stop(srv);
    }
    unlink(report);
    for (int i = 0; i < n; i++) {
        free(plays[i].cmd);
        free(plays[i].expect);
    }
    free(plays);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
