/* net.c - the network layer: sockets, reads and writes, accept, the
 * libevent loop; see server.h. plan.c, the other half of the server,
 * carries out scenario plans (srv_internal.h is what the two share).
 *
 * Per client: a persistent read event, and a write event armed only while
 * output is pending. A read is parsed and its complete commands run at
 * once (pipelining; up to a turn's budget, below), then the replies are
 * written in one go; what the socket does not take waits for the write
 * event. Bytes of an incomplete command are the only input kept per
 * client, so an idle connection costs its record and two events, nothing
 * more.
 *
 * Input limits (docs/protocol.md, "Input limits"): a turn of the loop runs
 * at most TURN_CMDS_MAX commands or TURN_BYTES_MAX bytes of one client's
 * input; the rest goes on at the next turn (input_later), after the other
 * ready clients, timers and signals, and the client's socket is not read
 * meanwhile. Input held while a client waits (blocked, or behind a job),
 * and the big argument being read, count against client-query-buffer-limit,
 * checked after every read (qbuf_check): past it the client is closed
 * without a reply and the server logs Redis's line. A big argument is read
 * straight into the block that becomes it (resp_reqp_direct).
 *
 * Connection behaviour copied from Redis 7:
 *  - over maxclients: accept, write "-ERR max number of clients reached\r\n",
 *    close, read nothing;
 *  - protected mode (on by default) while no password is set: a TCP peer
 *    other than 127.0.0.1 or ::1 gets "-DENIED Redis is running in
 *    protected mode ...\r\n" (rtext.h) on accept, before it sends
 *    anything, and is closed (counted as refused, as Redis's
 *    rejected_connections); Unix-socket clients are always served;
 *  - protocol error: reply with the error, stop reading, close once written;
 *  - idle timeout: close silently;
 *  - EOF from the client: close, dropping pending output.
 *
 * With a scenario (srv_set_scenario), every accepted connection asks the
 * engine (scn_run.h) what to do with it, and every command goes to plan.c
 * (srv__plan_command), which decides when its reply's bytes may leave.
 * Every reply made here goes through srv__hold too, so that replies leave
 * in command order behind ones plan.c holds back. For a plan's delays,
 * TCP reads take the kernel's receive stamp (SO_TIMESTAMPNS, set on the
 * listener and so inherited, recvmsg()), moved from the real to the
 * monotonic clock (s->basis_us while the read's commands run; see plan.c,
 * "When a delay or latency starts").
 *
 * Output limits (obuf.h): every time output is added for a client (its
 * reply, a published message, a blocked command's answer), what it has
 * pending (c->out, plus c->out_held: held replies and a job's rest) is
 * checked against client-output-buffer-limit on the server clock; a client
 * over it is flagged CL_CLOSE_ASAP and closed from the loop, never from
 * inside another client's command.
 *
 * With a capture (srv_set_capture), every byte read or written on a TCP
 * connection goes to cap.h at the server clock's time, right after the
 * read() or write(); the teardown tells who closed (EOF read, reset seen,
 * our close, our reset, or our close with unread input, which Linux turns
 * into a reset), and every scenario plan that bends a connection or a
 * reply is noted next to the capture (FILE.notes; the notes of plans are
 * written by plan.c). */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "block.h"
#include "cap.h"
#include "cmd.h"
#include "core.h"
#include "mem.h"
#include "observe.h"
#include "pubsub.h"
#include "rtext.h"
#include "scn.h"
#include "scn_run.h"
#include "srv_internal.h"
#include "tracking.h"

/* Work one client's input may do per loop turn: past either figure, the
 * rest waits for the next turn, so one client's backlog (a deep pipeline,
 * input held while it was blocked) cannot keep the others waiting. */
#define TURN_CMDS_MAX  1000
#define TURN_BYTES_MAX (1024 * 1024)
#define OUT_KEEP_MAX   (16 * 1024) /* output capacity kept by an idle client */
/* An arrival stamp older than this is not trusted (the real clock was set). */
#define STAMP_MAX_AGE_US 1000000

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b);
}

static void fmt_addr(const struct sockaddr *sa, char *out, size_t size)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        port = ntohs(in->sin_port);
        snprintf(out, size, "%s:%d", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        port = ntohs(in6->sin6_port);
        snprintf(out, size, "%s:%d", host, port);
    } else {
        snprintf(out, size, "%s", "/unixsocket:0");
    }
}

/* ---- client I/O -------------------------------------------------------------- */

static void on_client_read(evutil_socket_t fd, short what, void *arg);
static void on_client_write(evutil_socket_t fd, short what, void *arg);

void srv_close_client(struct srv *s, struct client *c)
{
    (void)s;
    struct cio *io = c->io;
    if (io) {
        event_free(io->rev);
        event_free(io->wev);
        srv__plan_io_free(io);
        if (io->more)
            event_free(io->more);
        if (io->reset && c->fd >= 0) {
            struct linger lg = {1, 0};
            setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        }
        if (io->cap) {
            int unread = 0;
            enum cap_end how = CAP_FIN_SERVER;
            if (io->reset)
                how = CAP_RST_SERVER;
            else if (io->peer_gone)
                how = io->peer_gone == 2 ? CAP_RST_CLIENT : CAP_FIN_CLIENT;
            else if (ioctl(c->fd, FIONREAD, &unread) == 0 && unread > 0)
                how = CAP_RST_SERVER; /* closing with unread input: Linux resets */
            cap_conn_close(io->cap, how, clk_now_us(&io->s->core->clock));
        }
        free(io);
    }
    if (c->fd >= 0)
        close(c->fd);
    core_client_free(c);
}

/* The clk_mono_us() time at which the kernel received data it stamped
 * with the real time ts; 0 when the stamp is implausible (the real clock
 * was set, or the data waited longer than STAMP_MAX_AGE_US). */
static int64_t stamp_to_mono(const struct timespec *ts)
{
    struct timespec real, mono;
    clock_gettime(CLOCK_REALTIME, &real); /* first: the age comes out no larger */
    clock_gettime(CLOCK_MONOTONIC, &mono);
    int64_t age_ns =
        (int64_t)(real.tv_sec - ts->tv_sec) * 1000000000 + (int64_t)(real.tv_nsec - ts->tv_nsec);
    if (ts->tv_sec == 0 || age_ns < 0 || age_ns > (int64_t)STAMP_MAX_AGE_US * 1000)
        return 0;
    int64_t at_ns = (int64_t)mono.tv_sec * 1000000000 + (int64_t)mono.tv_nsec - age_ns;
    return (at_ns + 999) / 1000; /* rounded up: never before the arrival */
}

/* recvmsg() with SO_TIMESTAMPNS on: *rx_us gets the arrival time of the
 * newest segment read (stamp_to_mono), 0 when there is no stamp. */
static ssize_t stamped_read(int fd, void *p, size_t len, int64_t *rx_us)
{
    union {
        char buf[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {p, len};
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof(ctl.buf);
    ssize_t n = recvmsg(fd, &msg, 0);
    *rx_us = 0;
    for (struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS &&
            cm->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
            *rx_us = stamp_to_mono(&ts);
        }
    }
    return n;
}

/* read() and write() on a client, with the capture told what moved. */
static ssize_t cl_read(struct client *c, void *p, size_t len)
{
    struct cio *io = c->io;
    ssize_t n;
    c->core->st.reads++;
    if (io->stamped && io->s->run) { /* only a scenario's delays need the stamp */
        n = stamped_read(c->fd, p, len, &io->rx_us);
    } else {
        n = read(c->fd, p, len);
        io->rx_us = 0;
    }
    if (n > 0) {
        /* Every byte read counts, whatever becomes of it (a blocked or
         * silenced client's, one past the query-buffer limit), as Redis
         * counts a read before it looks at the client. */
        c->core->st.net_in += (size_t)n;
        if (io->cap)
            cap_data(io->cap, CAP_TO_SERVER, p, (size_t)n, clk_now_us(&c->core->clock));
    } else if (n == 0)
        io->peer_gone = 1;
    else if (errno == ECONNRESET)
        io->peer_gone = 2;
    return n;
}

static ssize_t cl_write(struct client *c, const void *p, size_t len)
{
    struct cio *io = c->io;
    ssize_t n = write(c->fd, p, len);
    if (n > 0 && io->cap)
        cap_data(io->cap, CAP_TO_CLIENT, p, (size_t)n, clk_now_us(&c->core->clock));
    else if (n < 0 && (errno == ECONNRESET || errno == EPIPE))
        io->peer_gone = 2;
    return n;
}

/* Writes as much of c->out as the socket takes. Returns -1 if the client was
 * closed (write error, or everything written with CLOSE_AFTER_REPLY). */
int srv__flush(struct srv *s, struct client *c)
{
    struct cio *io = c->io;
    size_t off = 0;
    if (c->flags & CL_CLOSE_ASAP) { /* killed, or over its output limit: nothing more is sent */
        srv_close_client(s, c);
        return -1;
    }
    while (off < c->out.len) {
        ssize_t n = cl_write(c, c->out.p + off, c->out.len - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        srv_close_client(s, c);
        return -1;
    }
    s->core->st.net_out += off;
    if (off > 0) {
        s->core->st.writes++;
        c->atime_ms = core_now_ms(s->core);
    }
    if (off == c->out.len) {
        if (c->out.cap > OUT_KEEP_MAX)
            buf_free(&c->out);
        else
            buf_clear(&c->out);
        if (io->wev_on) {
            event_del(io->wev);
            io->wev_on = 0;
        }
        if ((c->flags & CL_CLOSE_AFTER_REPLY) && io->held == NULL) {
            srv_close_client(s, c);
            return -1;
        }
        return 0;
    }
    buf_consume(&c->out, off);
    if (!io->wev_on) {
        event_add(io->wev, NULL);
        io->wev_on = 1;
    }
    return 0;
}

/* Runs the complete commands in data[0..len), within one turn's budget
 * (TURN_CMDS_MAX, TURN_BYTES_MAX). Returns the bytes consumed; *spent is
 * set when the budget ran out with input left (the caller goes on later). */
static size_t client_process(struct srv *s, struct client *c, const char *data, size_t len,
                             int *spent)
{
    struct cio *io = c->io;
    size_t off = 0;
    int ncmds = 0;
    *spent = 0;
    while (!io->blocked && !io->discard && !(c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))) {
        if (ncmds >= TURN_CMDS_MAX || off >= TURN_BYTES_MAX) {
            *spent = off < len;
            break;
        }
        size_t used;
        struct resp_argv *argv;
        c->rp.unauth = !c->authed;
        c->rp.max_bulk = s->core->cfg.proto_max_bulk_len;
        int r = resp_reqp_feed(&c->rp, data + off, len - off, &used, &argv);
        off += used; /* also after RESP_MORE: the bytes of a big argument */
        if (r == RESP_MORE)
            break;
        if (r < 0) {
            size_t before = c->out.len;
            resp_w_error(&c->out, c->rp.err, strlen(c->rp.err));
            obs_error(s->core, c->rp.err, strlen(c->rp.err)); /* counted, as Redis counts it */
            srv__hold(s, c, before, 0);
            s->core->st.proto_errors++;
            c->flags |= CL_CLOSE_AFTER_REPLY;
            return len;
        }
        ncmds++;
        if (r == RESP_CMD) {
            /* A CLIENT KILL in this command (or in a scenario event it makes
             * due) only flags c: it is closed by our caller, srv__after_input. */
            s->core->running = c;
            /* Redis's query buffer holds the whole batch read until its
             * commands ran: from the shared buffer, none of it is in c->in. */
            c->qbuf_running = data == c->in.p ? 0 : len;
            io->block_latency_us = 0;
            io->block_hist_id = 0;
            if (s->run) {
                srv__plan_command(s, c, argv);
            } else {
                size_t before = c->out.len;
                cmd_dispatch(s->core, c, argv);
                srv__hold(s, c, before, 0); /* the scenario was switched off under held replies */
            }
            s->core->running = NULL;
            c->qbuf_running = 0;
            srv__obuf_check(s, c); /* its reply may have taken it over its output limit */
            if (c->flags & CL_BLOCKED)
                srv__block_started(s, c);
        }
    }
    return off;
}

static void on_more_input(evutil_socket_t fd, short what, void *arg);

/* After a turn of c's input: with its budget spent and input left, the
 * rest runs at the next loop turn (a timer due at once: libevent serves
 * the sockets that are ready, and signals, before it fires), and c's
 * socket is not read meanwhile, so a client that sends faster than its
 * commands run is slowed by TCP instead of growing its buffer. */
static void input_later(struct srv *s, struct client *c, int spent)
{
    struct cio *io = c->io;
    if (spent) {
        static const struct timeval now = {0, 0};
        if (io->more == NULL)
            io->more = evtimer_new(s->base, on_more_input, c);
        evtimer_add(io->more, &now);
        if (!io->read_paused) {
            event_del(io->rev);
            io->read_paused = 1;
        }
    } else if (io->read_paused) {
        event_add(io->rev, NULL);
        io->read_paused = 0;
    }
}

/* Runs what c->in holds, one turn's worth. */
void srv__run_input(struct srv *s, struct client *c)
{
    int spent;
    size_t used = client_process(s, c, c->in.p ? c->in.p : "", c->in.len, &spent);
    buf_consume(&c->in, used);
    if (c->in.len == 0 && c->in.cap > READ_CHUNK)
        buf_free(&c->in);
    input_later(s, c, spent);
}

static void on_more_input(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    (void)fd;
    (void)what;
    srv__run_input(io->s, c);
    srv__after_input(io->s, c);
}

/* Redis's sdscatrepr: the bytes quoted, escapes for the unprintable. */
static void repr(struct buf *b, const char *p, size_t n)
{
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        const char *esc = ch == '\\'   ? "\\\\"
                          : ch == '"'  ? "\\\""
                          : ch == '\n' ? "\\n"
                          : ch == '\r' ? "\\r"
                          : ch == '\t' ? "\\t"
                          : ch == '\a' ? "\\a"
                          : ch == '\b' ? "\\b"
                                       : NULL;
        if (esc)
            buf_puts(b, esc);
        else if (ch >= 32 && ch < 127)
            buf_putc(b, (char)ch);
        else
            buf_printf(b, "\\x%02x", ch);
    }
    buf_putc(b, '"');
}

/* client-query-buffer-limit: once c's unprocessed input (what c->in
 * holds plus the big argument being read) is over it, c is closed without
 * a reply, as Redis does, which logs it. Returns -1 when c was closed. */
static int qbuf_check(struct srv *s, struct client *c)
{
    size_t qbuf = c->in.len + resp_reqp_buffered(&c->rp);
    if ((long long)qbuf <= s->core->cfg.qbuf_limit)
        return 0;
    struct buf info = BUF_INIT, bytes = BUF_INIT;
    cmd_client_info(&info, c, core_now_ms(s->core));
    repr(&bytes, c->in.p ? c->in.p : "", c->in.len < 64 ? c->in.len : 64);
    fprintf(stderr, "mockredis: ");
    fprintf(stderr, rtext[RT_QBUF_LIMIT_LOG_FMT], info.p ? info.p : "", bytes.p);
    fprintf(stderr, "\n");
    buf_free(&info);
    buf_free(&bytes);
    s->core->st.qbuf_closed++;
    srv_close_client(s, c);
    return -1;
}

/* Runs what c->in holds now that bytes arrived: the client was active, and
 * a scenario's delays count from when the bytes arrived (io->rx_us). */
static void run_arrived(struct srv *s, struct client *c)
{
    struct cio *io = c->io;
    c->atime_ms = core_now_ms(s->core);
    s->basis_us = io->rx_us;
    srv__run_input(s, c);
    s->basis_us = 0;
}

static void on_client_read(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
    char *direct;
    size_t room;
    (void)what;

    if (c->flags & CL_CLOSE_AFTER_REPLY) {
        /* Redis reads nothing more from a client it is closing. Stop
         * watching the socket too: the read event is level-triggered, and
         * left armed it would fire again at once, spinning the loop until
         * the last reply is written. */
        event_del(io->rev);
        return;
    }

    ssize_t n;
    if (io->discard) {
        /* Silent or hung by a scenario: swallow input, notice EOF. While a
         * busy script runs, s->rbuf may hold its caller's pipeline. */
        char spare[1024];
        n = s->nested ? cl_read(c, spare, sizeof(spare)) : cl_read(c, s->rbuf, sizeof(s->rbuf));
    } else if (io->blocked) {
        /* A job or a blocking command holds this client: keep the bytes
         * for later, up to client-query-buffer-limit. */
        char *dst = buf_reserve(&c->in, READ_CHUNK);
        n = cl_read(c, dst, READ_CHUNK);
        if (n > 0) {
            buf_commit(&c->in, (size_t)n);
            if (qbuf_check(s, c) < 0)
                return;
        }
    } else if (c->in.len == 0 && (direct = resp_reqp_direct(&c->rp, &room)) != NULL) {
        /* In the middle of a big argument: read straight into it. */
        n = cl_read(c, direct, room);
        if (n > 0) {
            resp_reqp_direct_done(&c->rp, (size_t)n);
            if (qbuf_check(s, c) < 0)
                return;
            run_arrived(s, c);
        }
    } else if (c->in.len == 0 && !s->nested) {
        /* Fast path: parse straight from the shared buffer, keep only what
         * is left (an incomplete command, or what the turn's budget left).
         * Not while a busy script runs (serve_busy): the command that
         * started it may be parsing from that buffer, its pipeline after. */
        n = cl_read(c, s->rbuf, sizeof(s->rbuf));
        if (n > 0) {
            int spent;
            c->atime_ms = core_now_ms(s->core);
            s->basis_us = io->rx_us;
            size_t used = client_process(s, c, s->rbuf, (size_t)n, &spent);
            s->basis_us = 0;
            if (used < (size_t)n)
                buf_append(&c->in, s->rbuf + used, (size_t)n - used);
            input_later(s, c, spent);
            if (qbuf_check(s, c) < 0)
                return;
        }
    } else {
        char *dst = buf_reserve(&c->in, READ_CHUNK);
        n = cl_read(c, dst, READ_CHUNK);
        if (n > 0) {
            buf_commit(&c->in, (size_t)n);
            if (qbuf_check(s, c) < 0)
                return;
            run_arrived(s, c);
        }
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        srv_close_client(s, c);
        return;
    }
    srv__after_input(s, c);
}

/* After commands ran: close if asked, else write what is pending. */
void srv__after_input(struct srv *s, struct client *c)
{
    tracking_flush(s->core); /* client tracking's BCAST batches (tracking.h) */
    if (c->flags & CL_CLOSE_ASAP) {
        srv_close_client(s, c);
        return;
    }
    if (c->out.len > 0 || (c->flags & CL_CLOSE_AFTER_REPLY))
        srv__flush(s, c);
}

static void on_client_write(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    (void)fd;
    (void)what;
    srv__flush(io->s, c);
}

/* ---- client-output-buffer-limit (obuf.h) ----------------------------------------- */

/* Output was just added for c (its own reply, a message, a blocked
 * command's answer): checks the limit of c's class on the server clock, as
 * Redis does each time it adds a reply. What counts is all c's pending
 * output: c->out not yet written plus c->out_held (held replies, a job's
 * rest), beyond the 16 KiB Redis does not count (obuf_counted). Over the
 * limit, c is flagged CL_CLOSE_ASAP (it is written and
 * read nothing more), the close is counted and logged with Redis's line;
 * it is closed by the path that runs next for it (srv__after_input,
 * srv__flush), never here: c may be another client than the one whose
 * command is running. Returns 1 when c is flagged. */
int srv__obuf_check(struct srv *s, struct client *c)
{
    struct cio *io = c->io;
    if (c->flags & CL_CLOSE_ASAP)
        return 1;
    size_t used = obuf_counted(c->out.len + c->out_held);
    if (used == 0)
        return 0; /* as in Redis: nothing in its reply list, nothing checked */
    /* No replicas here: a client is pubsub while it has subscriptions. */
    enum obuf_class k = ps_total(c) > 0 ? OBUF_PUBSUB : OBUF_NORMAL;
    int64_t now_ms = core_now_ms(s->core);
    if (!obuf_over(&s->core->cfg.obuf[k], used, now_ms / 1000, &io->soft_since_s))
        return 0;
    struct buf info = BUF_INIT; /* the client as it was, before the flag (as Redis logs it) */
    cmd_client_info(&info, c, now_ms);
    c->flags |= CL_CLOSE_ASAP;
    s->core->st.obuf_closes++;
    fprintf(stderr, "mockredis: ");
    fprintf(stderr, rtext[RT_OBUF_CLOSED_FMT], info.p);
    fprintf(stderr, "\n");
    if (io->cap)
        cap_note(io->cap, clk_now_us(&s->core->clock), "closed: over client-output-buffer-limit");
    buf_free(&info);
    return 1;
}

void srv_set_capture(struct srv *s, struct cap *cap)
{
    s->cap = cap;
}

/* ---- accepting ------------------------------------------------------------------ */

/* The capture's record of a connection just accepted on fd, or NULL. */
static struct cap_conn *cap_accepted(struct srv *s, int fd, const struct sockaddr_storage *peer)
{
    struct sockaddr_storage local;
    socklen_t sl = sizeof(local);
    if (s->cap == NULL || getsockname(fd, (struct sockaddr *)&local, &sl) != 0)
        return NULL;
    return cap_conn_open(s->cap, (const struct sockaddr *)peer, (struct sockaddr *)&local,
                         clk_now_us(&s->core->clock));
}

/* Writes "-TEXT\r\n" (rtext[id]) to a connection that will not be served
 * and closes it, as Redis refuses one: over maxclients, or denied by
 * protected mode. Nothing is read. */
static void refuse(struct srv *s, int fd, struct cap_conn *cc, int id)
{
    char line[1200];
    int n = snprintf(line, sizeof(line), "-%s\r\n", rtext[id]);
    if (n < 0 || (size_t)n >= sizeof(line))
        n = 0;
    /* Best effort, like Redis: the result does not matter. */
    ssize_t w = write(fd, line, (size_t)n);
    if (w > 0)
        cap_data(cc, CAP_TO_CLIENT, line, (size_t)w, clk_now_us(&s->core->clock));
    cap_conn_close(cc, CAP_FIN_SERVER, clk_now_us(&s->core->clock));
    close(fd);
    s->core->st.conn_refused++;
    if (id == RT_MAXCLIENTS)
        s->core->st.conn_full++;
}

/* Protected mode as Redis 7.0 decides it: on, no password set, and a TCP
 * peer whose address is not exactly 127.0.0.1 or ::1. Redis compares the
 * address as text, so another loopback address (127.0.0.2) is not local;
 * a Unix socket always is; the bind address plays no part. An IPv4-mapped
 * peer (a dual-stack listener on "::") counts as its IPv4 address, which is
 * what Redis, with separate IPv4 and IPv6 listeners, would see. */
static int protected_denies(const struct srv *s, const struct sockaddr_storage *peer)
{
    const struct core_cfg *cfg = &s->core->cfg;
    static const uint8_t v4_loopback[4] = {127, 0, 0, 1};
    if (!cfg->protected_mode || cfg->requirepass != NULL)
        return 0;
    if (peer->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)peer;
        return memcmp(&in->sin_addr, v4_loopback, 4) != 0;
    }
    if (peer->ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)peer)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            return memcmp(a->s6_addr + 12, v4_loopback, 4) != 0;
        return !IN6_IS_ADDR_LOOPBACK(a);
    }
    return 0;
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
    struct srv *s = arg;
    (void)what;
    for (int i = 0; i < 1000; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN, or out of descriptors: try again on the next event */
        s->core->st.conn_received++;
        struct cap_conn *cc = cap_accepted(s, fd, &ss);
        /* Redis's checks first, in its order (maxclients, then protected
         * mode): a denied connection is no client, and scenario rules
         * never see it (it takes no "conn N"). */
        if (s->core->nclients < (size_t)s->core->cfg.maxclients && protected_denies(s, &ss)) {
            refuse(s, fd, cc, RT_DENIED);
            continue;
        }
        int conn_no = 0;
        int64_t delay = 0;
        enum scn_conn_action act = SCN_CONN_ACCEPT;
        if (s->run) /* on a cluster: numbered across the nodes */
            act = scn_run_connect_node(s->run, s->core->cluster ? s->core->cl_node : 0, &conn_no,
                                       &delay);
        if (cc && act != SCN_CONN_ACCEPT) {
            static const char *const acts[] = {"accept", "refuse", "delay", "silent", "close"};
            char text[96];
            int k = snprintf(text, sizeof(text), "conn %d: %s", conn_no, acts[act]);
            if (act == SCN_CONN_DELAY)
                snprintf(text + k, sizeof(text) - (size_t)k, " %lldus", (long long)delay);
            cap_note(cc, clk_now_us(&s->core->clock), text);
        }
        if (act == SCN_CONN_REFUSE || s->core->nclients >= (size_t)s->core->cfg.maxclients) {
            refuse(s, fd, cc, RT_MAXCLIENTS);
            continue;
        }
        if (act == SCN_CONN_CLOSE) {
            cap_conn_close(cc, CAP_FIN_SERVER, clk_now_us(&s->core->clock));
            close(fd);
            continue;
        }
        struct client *c = core_client_new(s->core);
        c->fd = fd;
        c->conn_no = conn_no;
        if (ss.ss_family == AF_UNIX) {
            c->flags |= CL_UNIX;
            /* Redis names both ends of a Unix connection "<path>:0". */
            snprintf(c->addr, sizeof(c->addr), "%s:0", s->core->cfg.unixsocket);
            snprintf(c->laddr, sizeof(c->laddr), "%s:0", s->core->cfg.unixsocket);
        } else {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            fmt_addr((struct sockaddr *)&ss, c->addr, sizeof(c->addr));
            sl = sizeof(ss);
            if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
                fmt_addr((struct sockaddr *)&ss, c->laddr, sizeof(c->laddr));
        }
        struct cio *io = mem_calloc(1, sizeof(*io));
        io->s = s;
        io->soft_since_s = -1;
        io->rev = event_new(s->base, fd, EV_READ | EV_PERSIST, on_client_read, c);
        io->wev = event_new(s->base, fd, EV_WRITE | EV_PERSIST, on_client_write, c);
        c->io = io;
        io->cap = cc;
        io->stamped = ss.ss_family != AF_UNIX && s->tcp_stamped; /* inherited */
        io->discard = act == SCN_CONN_SILENT;
        if (act == SCN_CONN_DELAY)
            srv__delay_reading(s, c, delay);
        else
            event_add(io->rev, NULL);
    }
}

/* ---- while a script is busy (script.h) ------------------------------------------- */

static struct client *client_by_id(struct core *core, uint64_t id)
{
    for (struct client *c = core->clients; c; c = c->next)
        if (c->id == id)
            return c;
    return NULL;
}

/* core->serve_busy: called from inside a script that ran past
 * busy-reply-threshold, so from inside the callback of the caller's read
 * (libevent refuses to run its loop re-entrantly). Does what one turn of
 * the loop would do for sockets, and only for them, as Redis's
 * processEventsWhileBlocked handles file events only: poll() without
 * waiting on the listeners and on every client whose read event is armed
 * or whose output is pending, then the same handlers the loop calls.
 * Timers do not fire (no cron, no expiry, no scenario timers, no
 * blocked-client deadlines): the script stays atomic. The caller is left
 * out entirely, as Redis protects it: its input waits, an EOF is noticed
 * after the script. What the handlers share with the running command is
 * saved and restored: core->running, s->basis_us, s->exec_plan; s->rbuf
 * is not used meanwhile (s->nested). A handler may close its client, so
 * each ready one is looked up again by id. Returns 1 once the server has
 * been asked to stop (SHUTDOWN NOSAVE). */
static int serve_busy(void *ud, struct client *caller)
{
    struct srv *s = ud;
    struct core *core = s->core;
    struct client *running = core->running;
    int64_t basis_us = s->basis_us;
    struct scn_plan *exec_plan = s->exec_plan;
    size_t cap = core->nclients + 2, n = 0;
    struct pollfd *pf = mem_calloc(cap, sizeof(*pf));
    uint64_t *ids = mem_calloc(cap, sizeof(*ids)); /* 0: a listener */
    for (struct client *c = core->clients; c && n < cap; c = c->next) {
        struct cio *io = c->io;
        if (io == NULL || c == caller)
            continue;
        short ev = (short)((event_pending(io->rev, EV_READ, NULL) ? POLLIN : 0) |
                           (io->wev_on ? POLLOUT : 0));
        if (ev == 0)
            continue;
        pf[n].fd = c->fd;
        pf[n].events = ev;
        ids[n++] = c->id;
    }
    int listeners[2] = {s->tcp_fd, s->unix_fd};
    for (int i = 0; i < 2; i++) {
        if (listeners[i] >= 0 && n < cap) {
            pf[n].fd = listeners[i];
            pf[n++].events = POLLIN;
        }
    }
    s->nested++;
    if (poll(pf, (nfds_t)n, 0) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (pf[i].revents == 0)
                continue;
            if (ids[i] == 0) {
                on_accept(pf[i].fd, EV_READ, s);
                continue;
            }
            struct client *c = client_by_id(core, ids[i]);
            if (c && (pf[i].revents & POLLOUT) && ((struct cio *)c->io)->wev_on)
                on_client_write(c->fd, EV_WRITE, c);
            c = client_by_id(core, ids[i]); /* the write may have closed it */
            if (c && (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
                event_pending(((struct cio *)c->io)->rev, EV_READ, NULL))
                on_client_read(c->fd, EV_READ, c);
        }
    }
    s->nested--;
    free(pf);
    free(ids);
    core->running = running;
    s->basis_us = basis_us;
    s->exec_plan = exec_plan;
    return s->stopping;
}

/* ---- periodic work -------------------------------------------------------------- */

static void on_cron(evutil_socket_t fd, short what, void *arg)
{
    struct srv *s = arg;
    struct core *core = s->core;
    (void)fd;
    (void)what;
    core_cron(core);
    if (s->run) {
        scn_run_tick(s->run);
        if (scn_run_over(s->run, core->nclients) && s->exit_when_over)
            event_base_loopbreak(s->base);
    }
    if (core->cfg.timeout > 0) {
        int64_t now = core_now_ms(core);
        struct client *c = core->clients, *next;
        for (; c; c = next) {
            next = c->next;
            /* As in Redis, a blocked client is waiting, not idle, and a
             * subscriber (RESP2 or RESP3) or a monitor is exempt: it only
             * listens. */
            if (c->io && !(c->flags & (CL_BLOCKED | CL_MONITOR)) && ps_total(c) == 0 &&
                (now - c->atime_ms) / 1000 > core->cfg.timeout) {
                core->st.timeouts++;
                srv_close_client(s, c);
            }
        }
    }
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct srv *s = arg;
    (void)sig;
    (void)what;
    event_base_loopbreak(s->base);
}

/* ---- set-up ------------------------------------------------------------------- */

static int listen_tcp(struct srv *s, char *err, size_t errlen)
{
    struct core_cfg *cfg = &s->core->cfg;
    struct addrinfo hints, *res = NULL;
    char port[16];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(port, sizeof(port), "%d", cfg->port);
    int rc = getaddrinfo(cfg->bind, port, &hints, &res);
    if (rc != 0) {
        set_err(err, errlen, "cannot resolve bind address %s: %s", cfg->bind, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        /* Receive timestamps, for delays counted from a command's arrival.
         * On the listener, so that the first bytes of a connection, which
         * can arrive before accept(), are stamped too. */
        s->tcp_stamped = setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) == 0;
    }
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 511) < 0) {
        char where[128];
        snprintf(where, sizeof(where), "%s:%s", cfg->bind, port);
        set_err(err, errlen, "cannot listen on %s: %s", where, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    if (ss.ss_family == AF_INET6) {
        char host[INET6_ADDRSTRLEN];
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        s->port = ntohs(in6->sin6_port);
        snprintf(s->addr, sizeof(s->addr), "[%s]:%d", host, s->port);
    } else {
        s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        fmt_addr((struct sockaddr *)&ss, s->addr, sizeof(s->addr));
    }
    s->tcp_fd = fd;
    s->core->port_bound = s->port;
    return 0;
}

static int listen_unix(struct srv *s, char *err, size_t errlen)
{
    const char *path = s->core->cfg.unixsocket;
    struct sockaddr_un sun;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        set_err(err, errlen, "unix socket path too long: %s%s", path, "");
        return -1;
    }
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, strlen(path));
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 511) < 0) {
        set_err(err, errlen, "cannot listen on unix socket %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    s->unix_fd = fd;
    return 0;
}

static void raise_fd_limit(int maxclients)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)maxclients + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want <= rl.rlim_max ? want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

/* The event loop, with EVENT_BASE_FLAG_PRECISE_TIMER: without it libevent
 * reads CLOCK_MONOTONIC_COARSE (4 ms ticks on a HZ=250 kernel) and sleeps in
 * epoll_wait with millisecond timeouts, so a scripted `delay 50ms` landed
 * anywhere from about 2 ms early to 5 ms late (bench/delay_precision.c).
 * With the flag it reads CLOCK_MONOTONIC and sleeps on a timerfd.
 * EVENT_BASE_FLAG_NO_CACHE_TIME: libevent otherwise computes the next
 * sleep from the time cached when the loop last woke, so after a busy
 * iteration (1,000 replies due together) it slept that much too long and
 * overshot the next deadline; a clock read costs about 30 ns. */
static struct event_base *new_base(void)
{
    struct event_config *cfg = event_config_new();
    struct event_base *base = NULL;
    if (cfg && event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER |
                                              EVENT_BASE_FLAG_NO_CACHE_TIME) == 0)
        base = event_base_new_with_config(cfg);
    if (cfg)
        event_config_free(cfg);
    return base ? base : event_base_new();
}

struct srv *srv_new(struct core *core, char *err, size_t errlen)
{
    return srv_new_on(core, NULL, err, errlen);
}

struct srv *srv_new_on(struct core *core, struct srv *share, char *err, size_t errlen)
{
    struct srv *s = mem_calloc(1, sizeof(*s));
    s->core = core;
    s->tcp_fd = s->unix_fd = -1;
    core->srv = s;
    core->on_unblock = srv__on_unblock;
    core->on_unblock_ud = s;
    core->on_output = srv__on_output;
    core->on_output_ud = s;
    core->run_queued = srv__run_queued;
    core->run_queued_ud = s;
    core->run_scripted = srv__run_scripted;
    core->run_scripted_ud = s;
    core->serve_busy = serve_busy;
    core->serve_busy_ud = s;
    raise_fd_limit(core->cfg.maxclients);
    s->base = share ? share->base : new_base();
    s->base_shared = share != NULL;
    if (s->base == NULL) {
        set_err(err, errlen, "%s%s", "cannot create the event loop", "");
        srv_free(s);
        return NULL;
    }
    if (listen_tcp(s, err, errlen) < 0 ||
        (core->cfg.unixsocket && listen_unix(s, err, errlen) < 0)) {
        srv_free(s);
        return NULL;
    }
    s->tcp_ev = event_new(s->base, s->tcp_fd, EV_READ | EV_PERSIST, on_accept, s);
    event_add(s->tcp_ev, NULL);
    if (s->unix_fd >= 0) {
        s->unix_ev = event_new(s->base, s->unix_fd, EV_READ | EV_PERSIST, on_accept, s);
        event_add(s->unix_ev, NULL);
    }
    struct timeval tv = {0, 1000000 / (core->cfg.hz > 0 ? core->cfg.hz : 10)};
    s->cron_ev = event_new(s->base, -1, EV_PERSIST, on_cron, s);
    event_add(s->cron_ev, &tv);
    return s;
}

int srv_set_listening(struct srv *s, int on, char *err, size_t errlen)
{
    if (!on) {
        if (s->tcp_ev) {
            event_free(s->tcp_ev);
            s->tcp_ev = NULL;
        }
        if (s->tcp_fd >= 0) {
            close(s->tcp_fd);
            s->tcp_fd = -1;
        }
        struct client *c = s->core->clients, *next;
        for (; c; c = next) {
            next = c->next;
            if (c->io == NULL)
                continue;
            if (c == s->core->running)
                c->flags |= CL_CLOSE_AFTER_REPLY;
            else
                srv_close_client(s, c);
        }
        return 0;
    }
    if (s->tcp_fd >= 0)
        return 0;
    /* the same port again: the address clients and MOVED know */
    int was = s->core->cfg.port;
    s->core->cfg.port = s->port;
    int rc = listen_tcp(s, err, errlen);
    s->core->cfg.port = was;
    if (rc < 0)
        return -1;
    s->tcp_ev = event_new(s->base, s->tcp_fd, EV_READ | EV_PERSIST, on_accept, s);
    event_add(s->tcp_ev, NULL);
    return 0;
}

int srv_port(const struct srv *s)
{
    return s->port;
}

const char *srv_addr(const struct srv *s)
{
    return s->addr;
}

int srv_exposed(const struct srv *s)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (s->tcp_fd < 0 || getsockname(s->tcp_fd, (struct sockaddr *)&ss, &sl) != 0)
        return 0;
    if (ss.ss_family == AF_INET) /* 127.0.0.0/8 */
        return ((const uint8_t *)&((struct sockaddr_in *)&ss)->sin_addr)[0] != 127;
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            return a->s6_addr[12] != 127;
        return !IN6_IS_ADDR_LOOPBACK(a);
    }
    return 0;
}

struct event_base *srv_base(struct srv *s)
{
    return s->base;
}

void srv_catch_signals(struct srv *s)
{
    signal(SIGPIPE, SIG_IGN);
    if (s->sigint_ev == NULL) {
        s->sigint_ev = evsignal_new(s->base, SIGINT, on_signal, s);
        s->sigterm_ev = evsignal_new(s->base, SIGTERM, on_signal, s);
        event_add(s->sigint_ev, NULL);
        event_add(s->sigterm_ev, NULL);
    }
}

int srv_run(struct srv *s)
{
    s->stopping = 0;
    event_base_dispatch(s->base);
    return 0;
}

void srv_stop(struct srv *s)
{
    s->stopping = 1; /* a busy script sees it (serve_busy) and ends */
    event_base_loopbreak(s->base);
}

void srv_free(struct srv *s)
{
    if (s == NULL)
        return;
    struct client *c = s->core->clients, *next;
    for (; c; c = next) {
        next = c->next;
        if (c->io)
            srv_close_client(s, c);
    }
    if (s->tcp_ev)
        event_free(s->tcp_ev);
    if (s->unix_ev)
        event_free(s->unix_ev);
    if (s->cron_ev)
        event_free(s->cron_ev);
    if (s->sigint_ev)
        event_free(s->sigint_ev);
    if (s->sigterm_ev)
        event_free(s->sigterm_ev);
    if (s->tcp_fd >= 0)
        close(s->tcp_fd);
    if (s->unix_fd >= 0) {
        close(s->unix_fd);
        unlink(s->core->cfg.unixsocket);
    }
    if (s->base && !s->base_shared)
        event_base_free(s->base);
    if (!s->run_borrowed) {
        scn_run_free(s->run);
        scn_free(s->scn);
    }
    s->core->srv = NULL;
    s->core->on_unblock = NULL;
    s->core->on_unblock_ud = NULL;
    s->core->on_output = NULL;
    s->core->on_output_ud = NULL;
    s->core->run_queued = NULL;
    s->core->run_queued_ud = NULL;
    s->core->run_scripted = NULL;
    s->core->run_scripted_ud = NULL;
    s->core->serve_busy = NULL;
    s->core->serve_busy_ud = NULL;
    free(s);
}
