/* server.c - sockets and the libevent loop, see server.h.
 *
 * Per client: a persistent read event, and a write event armed only while
 * output is pending. A read is parsed and every complete command run at
 * once (pipelining), then the replies are written in one go; what the
 * socket does not take waits for the write event. Bytes of an incomplete
 * command are the only input kept per client, so an idle connection costs
 * its record and two events, nothing more.
 *
 * Connection behaviour copied from Redis 7:
 *  - over maxclients: accept, write "-ERR max number of clients reached\r\n",
 *    close, read nothing;
 *  - protocol error: reply with the error, stop reading, close once written;
 *  - idle timeout: close silently;
 *  - EOF from the client: close, dropping pending output.
 *
 * With a scenario (srv_set_scenario), every accepted connection and every
 * command first asks the engine (scn_run.h) for a plan. Plans that shape a
 * reply (delay, pieces, split, close in the middle/after) become a "job":
 * the client stops processing input, the reply bytes are written segment by
 * segment from a timer, one write() per segment, and input processing
 * resumes when the job is done, so later pipelined replies stay in order
 * behind a delayed one, as with a slow Redis.
 *
 * Network latency (a plan's latency_us) is different: the command runs at
 * once and input processing goes on; only the reply's bytes wait, in a
 * per-client queue of held replies, each stamped with the monotonic time it
 * may leave (made + latency). A timer releases the queue's head once due,
 * so a pipeline of N commands under latency L is answered about L after it
 * arrived, not N*L. Replies leave in command order: once something is held,
 * every later reply of that client (latency or not) queues behind it, and
 * a reply due earlier than the one before it leaves with that one. A close
 * asked for after a reply (close after/middle/before, protocol error) waits
 * until the queue is empty. With delay and latency on one command, the
 * delay is server time spent first, the latency is added on top.
 * A blocked command's reply (block.h) is made when it is served or times
 * out: it joins the queue then, its latency counted from that moment.
 *
 * When a delay or latency starts: when the command arrived, not when the
 * server got round to it, so 1,000 commands read in a burst are each due
 * D after their own arrival. TCP reads take the kernel's receive stamp
 * (SO_TIMESTAMPNS, set on the listener and so inherited, recvmsg()),
 * moved from the real to the monotonic clock; a Unix socket has none and
 * counts from now, as do commands that waited behind a job (their turn
 * comes when it ends) and stamps from before a connection delay ended.
 * Timers are armed EARLY_US before the time and the rest is spun on the
 * clock, because waking from a timer takes 0.1-0.3 ms on a VM; a timer
 * reached late, behind others, does not spin. Nothing is written before
 * its time. With 1,000 replies due within a few ms, what remains is the
 * kernel's cost of each write() (4-8 us on loopback, waking the reader
 * included): replies due closer together than that queue (bench/README.md,
 * bench_delay).
 *
 * With a capture (srv_set_capture), every byte read or written on a TCP
 * connection goes to cap.h at the server clock's time, right after the
 * read() or write(); the teardown tells who closed (EOF read, reset seen,
 * our close, our reset, or our close with unread input, which Linux turns
 * into a reset), and every scenario plan that bends a connection or a
 * reply is noted next to the capture (FILE.notes). */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
#include "rtext.h"
#include "scn.h"
#include "scn_run.h"

#define READ_CHUNK (16 * 1024)
#define OUT_KEEP_MAX (16 * 1024) /* output capacity kept by an idle client */
/* Reply timers are armed this long before their time, and the rest is
 * spun on the clock: waking from a timer takes 0.1-0.3 ms on a VM. */
#define EARLY_US 300
/* An arrival stamp older than this is not trusted (the real clock was set). */
#define STAMP_MAX_AGE_US 1000000

struct srv {
    struct core *core;
    struct event_base *base;
    int tcp_fd, unix_fd;
    int tcp_stamped; /* SO_TIMESTAMPNS on the listener, so on every accepted socket */
    struct event *tcp_ev, *unix_ev, *cron_ev, *sigint_ev, *sigterm_ev;
    int port;
    char addr[80];
    struct scn *scn;     /* the scenario being played (owned), or NULL */
    struct scn_run *run; /* its run state (owned), or NULL */
    int exit_when_over;  /* --scenario mode: return from the loop at its end */
    struct cap *cap;     /* the capture being written, or NULL */
    int64_t basis_us;    /* when the input being run arrived (clk_mono_us), 0: now */
    char rbuf[READ_CHUNK];
};

/* A reply written under a scenario plan, segment by segment. */
struct job {
    struct buf data;
    size_t *cuts; /* segment ends, ascending, < data.len */
    int ncuts, next;
    int64_t pause_us;
    int64_t latency_us; /* each segment is held this long once written */
    int64_t due_us;     /* clk_mono_us() time the next segment may be written */
    enum scn_end_kind end;
};

/* A reply held back by network latency (see the top of the file). */
struct held {
    struct held *next;
    int64_t due_us; /* clk_mono_us() time it may be written */
    size_t len;
    char data[];
};

struct cio {
    struct srv *s;
    struct event *rev, *wev;
    struct event *tev; /* scenario timer: job segments, delayed accept */
    int wev_on;
    int blocked;       /* a job is running: input waits */
    int discard;       /* silent/hung: read and drop everything */
    int reset;         /* close with a TCP RST */
    struct job *job;
    struct held *held, *held_tail; /* replies waiting for their latency, oldest first */
    struct event *lev;             /* fires when the head of held is due */
    struct cap_conn *cap; /* this connection in the capture, or NULL */
    int peer_gone;        /* 1: EOF read, 2: the peer reset (for the capture) */
    int stamped;          /* SO_TIMESTAMPNS is on: reads tell when data arrived */
    int64_t rx_us;        /* clk_mono_us() arrival of the last read's data, 0: unknown */
    int64_t read_from_us; /* clk_mono_us() when reading started (connection delay) */
    int64_t block_latency_us; /* the last command's plan latency: a blocked one's reply gets it */
    int nheld; /* output held back now: entries of held, plus the job (counted by held_count) */
};

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
static void after_input(struct srv *s, struct client *c);

/* Keeps core->nheld (output a scenario holds back: a reply waiting for
 * its latency, a job's reply waiting for its delay) and core->nheld_clients
 * (clients with any) up to date, with their peaks (MOCK STATS): what the
 * server saw in flight at once, whatever the speed of the machine. */
static void held_count(struct srv *s, struct cio *io, int delta)
{
    struct core *core = s->core;
    int was = io->nheld;
    io->nheld += delta;
    if (was == 0 && io->nheld > 0)
        core->nheld_clients++;
    else if (was > 0 && io->nheld == 0)
        core->nheld_clients--;
    core->nheld = (size_t)((long long)core->nheld + delta);
    if (core->nheld > core->st.held_peak)
        core->st.held_peak = core->nheld;
    if (core->nheld_clients > core->st.held_clients_peak)
        core->st.held_clients_peak = core->nheld_clients;
}

void srv_close_client(struct srv *s, struct client *c)
{
    (void)s;
    struct cio *io = c->io;
    if (io) {
        held_count(io->s, io, -io->nheld);
        event_free(io->rev);
        event_free(io->wev);
        if (io->tev)
            event_free(io->tev);
        if (io->job) {
            buf_free(&io->job->data);
            free(io->job->cuts);
            free(io->job);
        }
        if (io->lev)
            event_free(io->lev);
        while (io->held) {
            struct held *h = io->held;
            io->held = h->next;
            free(h);
        }
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
    int64_t age_ns = (int64_t)(real.tv_sec - ts->tv_sec) * 1000000000 +
                     (int64_t)(real.tv_nsec - ts->tv_nsec);
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
    if (io->stamped && io->s->run) { /* only a scenario's delays need the stamp */
        n = stamped_read(c->fd, p, len, &io->rx_us);
    } else {
        n = read(c->fd, p, len);
        io->rx_us = 0;
    }
    if (n > 0 && io->cap)
        cap_data(io->cap, CAP_TO_SERVER, p, (size_t)n, clk_now_us(&c->core->clock));
    else if (n == 0)
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
static int client_flush(struct srv *s, struct client *c)
{
    struct cio *io = c->io;
    size_t off = 0;
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
    if (off > 0)
        c->atime_ms = core_now_ms(s->core);
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

static int scn_command(struct srv *s, struct client *c, struct resp_argv *a);
static void hold(struct srv *s, struct client *c, size_t from, int64_t latency_us);
static void block_started(struct srv *s, struct client *c);

/* Runs every complete command in data[0..len). Returns bytes consumed. */
static size_t client_process(struct srv *s, struct client *c, const char *data, size_t len)
{
    struct cio *io = c->io;
    size_t off = 0;
    while (off < len && !io->blocked && !io->discard &&
           !(c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))) {
        size_t used;
        struct resp_argv *argv;
        c->rp.unauth = !c->authed;
        int r = resp_reqp_feed(&c->rp, data + off, len - off, &used, &argv);
        if (r == RESP_MORE)
            break;
        if (r < 0) {
            size_t before = c->out.len;
            resp_w_error(&c->out, c->rp.err, strlen(c->rp.err));
            hold(s, c, before, 0);
            s->core->st.proto_errors++;
            c->flags |= CL_CLOSE_AFTER_REPLY;
            return len;
        }
        off += used;
        if (r == RESP_CMD) {
            /* A CLIENT KILL in this command (or in a scenario event it makes
             * due) only flags c: it is closed by our caller, after_input. */
            s->core->running = c;
            io->block_latency_us = 0;
            if (s->run) {
                scn_command(s, c, argv);
            } else {
                size_t before = c->out.len;
                cmd_dispatch(s->core, c, argv);
                hold(s, c, before, 0); /* the scenario was switched off under held replies */
            }
            s->core->running = NULL;
            if (c->flags & CL_BLOCKED)
                block_started(s, c);
        }
    }
    return off;
}

static void on_client_read(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
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
        /* Silent or hung by a scenario: swallow input, notice EOF. */
        n = cl_read(c, s->rbuf, sizeof(s->rbuf));
    } else if (io->blocked) {
        /* A job holds this client: keep the bytes for later. */
        char *dst = buf_reserve(&c->in, READ_CHUNK);
        n = cl_read(c, dst, READ_CHUNK);
        if (n > 0)
            buf_commit(&c->in, (size_t)n);
    } else if (c->in.len == 0) {
        /* Fast path: parse straight from the shared buffer, keep only a
         * trailing incomplete command. */
        n = cl_read(c, s->rbuf, sizeof(s->rbuf));
        if (n > 0) {
            s->core->st.net_in += (size_t)n;
            c->atime_ms = core_now_ms(s->core);
            s->basis_us = io->rx_us;
            size_t used = client_process(s, c, s->rbuf, (size_t)n);
            s->basis_us = 0;
            if (used < (size_t)n)
                buf_append(&c->in, s->rbuf + used, (size_t)n - used);
        }
    } else {
        size_t want = READ_CHUNK;
        if (c->rp.bulk > 0 && (size_t)c->rp.bulk + 2 > want)
            want = (size_t)c->rp.bulk + 2; /* a big argument: read it whole */
        char *dst = buf_reserve(&c->in, want);
        n = cl_read(c, dst, want);
        if (n > 0) {
            buf_commit(&c->in, (size_t)n);
            s->core->st.net_in += (size_t)n;
            c->atime_ms = core_now_ms(s->core);
            s->basis_us = io->rx_us;
            size_t used = client_process(s, c, c->in.p, c->in.len);
            s->basis_us = 0;
            buf_consume(&c->in, used);
            if (c->in.len == 0 && c->in.cap > READ_CHUNK)
                buf_free(&c->in);
        }
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        srv_close_client(s, c);
        return;
    }
    after_input(s, c);
}

/* After commands ran: close if asked, else write what is pending. */
static void after_input(struct srv *s, struct client *c)
{
    if (c->flags & CL_CLOSE_ASAP) {
        srv_close_client(s, c);
        return;
    }
    if (c->out.len > 0 || (c->flags & CL_CLOSE_AFTER_REPLY))
        client_flush(s, c);
}

static void on_client_write(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    (void)fd;
    (void)what;
    client_flush(io->s, c);
}


/* ---- scenario plans ------------------------------------------------------------ */

static void job_free(struct cio *io)
{
    if (io->job == NULL)
        return;
    held_count(io->s, io, -1);
    buf_free(&io->job->data);
    free(io->job->cuts);
    free(io->job);
    io->job = NULL;
}

/* When the command being run arrived: the kernel's stamp if it came
 * straight from a stamped read (not before reading was allowed to start),
 * else now. A scripted delay or latency counts from there, so the time the
 * server took to get round to the command is part of it, not added. */
static int64_t basis_us(const struct srv *s, const struct client *c)
{
    const struct cio *io = c->io;
    int64_t now = clk_mono_us();
    int64_t b = s->basis_us;
    if (b <= 0 || b > now)
        return now;
    return b > io->read_from_us ? b : io->read_from_us;
}

/* Arms ev to fire early_us before due_us (a clk_mono_us() time). */
static void arm_at(struct srv *s, struct event *ev, int64_t due_us, int64_t early_us)
{
    int64_t us = due_us - early_us - clk_mono_us();
    if (us < 0)
        us = 0;
    /* evtimer_add counts from the loop's cached time: there is none with
     * EVENT_BASE_FLAG_NO_CACHE_TIME (new_base), but the fallback base
     * without flags has one, so refresh it. */
    event_base_update_cache_time(s->base);
    struct timeval tv = {(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
    evtimer_add(ev, &tv);
}

/* For a timer armed EARLY_US before due_us: 1 once clk_mono_us() >= due_us,
 * spinning on the clock for the rest; 0 if it fired too early to spin (the
 * caller re-arms). A timer reached late, behind others, does not spin. */
static int reached(int64_t due_us)
{
    int64_t now = clk_mono_us();
    if (due_us - now > EARLY_US + 100)
        return 0;
    while (now < due_us)
        now = clk_mono_us();
    return 1;
}

static void arm_timer(struct srv *s, struct client *c, int64_t due_us, int64_t early_us,
                      event_callback_fn fn)
{
    struct cio *io = c->io;
    if (io->tev == NULL)
        io->tev = evtimer_new(s->base, fn, c);
    else
        event_assign(io->tev, s->base, -1, 0, fn, c);
    arm_at(s, io->tev, due_us, early_us);
}

/* Writes the next segment of the job once due; re-arms for the next one or
 * finishes. */
static void on_job_timer(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
    struct job *j = io->job;
    (void)fd;
    (void)what;
    if (!reached(j->due_us)) {
        arm_at(s, io->tev, j->due_us, EARLY_US);
        return;
    }
    size_t from = j->next == 0 ? 0 : j->cuts[j->next - 1];
    size_t to = j->next < j->ncuts ? j->cuts[j->next] : j->data.len;
    j->next++;
    size_t before = c->out.len;
    buf_append(&c->out, j->data.p + from, to - from);
    hold(s, c, before, j->latency_us);
    if (to < j->data.len) {
        if (client_flush(s, c) == 0) {
            /* The pause is counted from the write: never shorter. */
            j->due_us = clk_mono_us() + j->pause_us;
            arm_timer(s, c, j->due_us, EARLY_US, on_job_timer);
        }
        return;
    }
    enum scn_end_kind end = j->end;
    job_free(io);
    io->blocked = 0;
    if (end == SCN_END_AFTER || end == SCN_END_MIDDLE) {
        c->flags |= CL_CLOSE_AFTER_REPLY;
    } else if (c->in.len > 0) {
        /* Input that arrived while the job ran: its turn now (its delays
         * count from now, as the server only now gets round to it). */
        size_t used = client_process(s, c, c->in.p, c->in.len);
        buf_consume(&c->in, used);
    }
    after_input(s, c);
}

/* ---- blocked clients (block.h) -------------------------------------------------- */

/* A client the core unblocked (served or timed out): its reply goes out,
 * then its input held meanwhile runs, from the loop (not from inside the
 * command that served it). */
static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
    (void)fd;
    (void)what;
    if (c->flags & CL_BLOCKED)
        return; /* blocked again since (a pipelined BLPOP): wait for that */
    io->blocked = 0;
    if (c->in.len > 0 && !(c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))) {
        size_t used = client_process(s, c, c->in.p, c->in.len);
        buf_consume(&c->in, used);
    }
    after_input(s, c);
}

static void on_unblock(void *ud, struct client *c, size_t from)
{
    struct srv *s = ud;
    struct cio *io = c->io;
    if (io == NULL)
        return;
    /* Waiting was not idling: the idle timeout must not close c before the
     * reply it just got has been written (on_resume runs from the loop). */
    c->atime_ms = core_now_ms(s->core);
    /* The reply queues behind c's held replies (order), with the latency
     * of its command's plan counted from now, when it was made (not from
     * the arrival of the command that served it, being run). */
    int64_t basis = s->basis_us;
    s->basis_us = 0;
    hold(s, c, from, io->block_latency_us);
    s->basis_us = basis;
    if (io->tev)
        event_del(io->tev); /* the timeout timer, if armed */
    arm_timer(s, c, clk_mono_us(), 0, on_resume);
}

/* ---- output made by another client's command (pubsub.h) ----------------------- */

/* c->out[from..) was written while another client's command ran (a
 * published message). It leaves in order with c's own replies: behind a
 * reply a scenario job is writing piece by piece (appended to the job's
 * last segment), behind held replies (queued after them), else at once,
 * through the write event: flushing here could close c in the middle of
 * the publishing loop. A client a scenario made silent or hung sends
 * nothing. */
static void on_output(void *ud, struct client *c, size_t from)
{
    struct srv *s = ud;
    struct cio *io = c->io;
    if (io == NULL || from >= c->out.len)
        return;
    if (io->discard) {
        c->out.len = from;
    } else if (io->job) {
        buf_append(&io->job->data, c->out.p + from, c->out.len - from);
        c->out.len = from;
    } else if (io->held) {
        hold(s, c, from, 0);
        return;
    } else {
        if (!io->wev_on) {
            event_add(io->wev, NULL);
            io->wev_on = 1;
        }
        return;
    }
    if (c->out.p)
        c->out.p[from] = '\0';
}

/* The deadline of a blocked client, on the real clock; with the virtual
 * clock nothing happens here (MOCK CLOCK ADVANCE times it out). */
static void on_block_timer(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
    (void)fd;
    (void)what;
    int64_t now = core_now_ms(s->core);
    block_expire(s->core, now);
    if ((c->flags & CL_BLOCKED) && !s->core->clock.virt) {
        int64_t left_ms = block_deadline(c) - now; /* a rounding: not yet */
        arm_timer(s, c, clk_mono_us() + (left_ms > 0 ? left_ms : 1) * 1000, 0, on_block_timer);
    }
}

/* The command just run blocked c: hold its input, arm its deadline. */
static void block_started(struct srv *s, struct client *c)
{
    struct cio *io = c->io;
    io->blocked = 1;
    int64_t deadline = block_deadline(c);
    if (deadline == 0 || s->core->clock.virt)
        return;
    int64_t left_ms = deadline - core_now_ms(s->core);
    if (io->tev)
        event_del(io->tev);
    arm_timer(s, c, clk_mono_us() + (left_ms > 0 ? left_ms : 0) * 1000, 0, on_block_timer);
}

/* Moves the held replies that are due to the output and writes them;
 * re-arms for the next one. */
static void on_held_timer(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    (void)fd;
    (void)what;
    if (io->held && reached(io->held->due_us)) {
        int64_t now = clk_mono_us();
        while (io->held && io->held->due_us <= now) {
            struct held *h = io->held;
            io->held = h->next;
            buf_append(&c->out, h->data, h->len);
            free(h);
            held_count(io->s, io, -1);
        }
    }
    /* With the queue empty this also carries out a close that waited. */
    if (client_flush(io->s, c) == 0 && io->held)
        arm_at(io->s, io->lev, io->held->due_us, EARLY_US);
}

/* The bytes c->out[from..) were just made. With latency_us > 0, or with
 * other replies still held (order!), they join the held queue, to be
 * written latency_us after the command arrived (basis_us); otherwise they
 * stay in c->out, to be written at once. */
static void hold(struct srv *s, struct client *c, size_t from, int64_t latency_us)
{
    struct cio *io = c->io;
    if ((latency_us <= 0 && io->held == NULL) || from >= c->out.len)
        return;
    size_t len = c->out.len - from;
    int64_t due = latency_us > 0 ? basis_us(s, c) + latency_us : clk_mono_us();
    struct held *h = mem_alloc(sizeof(*h) + len);
    h->next = NULL;
    h->len = len;
    memcpy(h->data, c->out.p + from, len);
    if (io->held == NULL) {
        h->due_us = due;
        io->held = io->held_tail = h;
        if (io->lev == NULL)
            io->lev = evtimer_new(s->base, on_held_timer, c);
        arm_at(s, io->lev, due, EARLY_US);
    } else {
        /* Never before the reply ahead of it: due no later, it leaves with it. */
        h->due_us = due > io->held_tail->due_us ? due : io->held_tail->due_us;
        io->held_tail->next = h;
        io->held_tail = h;
    }
    held_count(s, io, 1);
    c->out.len = from;
    if (c->out.p)
        c->out.p[from] = '\0';
}

/* Where to cut a reply for a "split" plan. */
static size_t split_point(const struct scn_plan *p, const struct buf *r)
{
    size_t at = 0;
    if (p->split_at == SPLIT_OFFSET) {
        at = (size_t)p->split_off;
    } else {
        const char *m = NULL;
        for (size_t i = 0; i < r->len && m == NULL; i++)
            if (r->p[i] == '$' || (p->split_at == SPLIT_INSIDE_LENGTH && r->p[i] == '*'))
                m = r->p + i;
        if (m && p->split_at == SPLIT_INSIDE_LENGTH) {
            at = (size_t)(m - r->p) + 1; /* after the type byte, before the digits */
        } else if (m) {
            const char *nl = memchr(m, '\n', r->len - (size_t)(m - r->p));
            long long n = strtoll(m + 1, NULL, 10);
            at = nl ? (size_t)(nl - r->p) + 1 + (size_t)(n > 1 ? n / 2 : 0) : r->len / 2;
        } else {
            at = r->len / 2;
        }
    }
    if (at < 1)
        at = 1;
    return at;
}

/* A connection whose reading a scenario delayed: start reading now. */
static void on_accept_delay(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    (void)fd;
    (void)what;
    io->read_from_us = clk_mono_us(); /* what waited in the socket arrives now */
    event_add(io->rev, NULL);
}

/* Annotates the capture with what a scenario plan does to this command. */
static void cap_note_plan(struct srv *s, struct client *c, const struct scn_plan *p)
{
    static const char *const ends[] = {"", " close-before", " close-after", " close-middle",
                                       " reset", " hang"};
    struct cio *io = c->io;
    int replaced = !p->run && p->end != SCN_END_BEFORE && p->end != SCN_END_RESET &&
                   p->end != SCN_END_HANG;
    char text[256];
    int n = snprintf(text, sizeof(text), "conn %d %s %d:%s", c->conn_no,
                     p->rule < 0 ? "strict step" : "rule", p->rule < 0 ? 0 : p->rule,
                     replaced ? " reply" : "");
    if (p->delay_us > 0)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " delay %lldus", (long long)p->delay_us);
    if (p->latency_us > 0)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " latency %lldus",
                      (long long)p->latency_us);
    if (p->pieces > 0 || p->split)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " %s pause %lldus",
                      p->pieces > 0 ? "pieces" : "split", (long long)p->pause_us);
    if (p->corrupt_length)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " corrupt-length");
    snprintf(text + n, sizeof(text) - (size_t)n, "%s", ends[p->end]);
    cap_note(io->cap, clk_now_us(&s->core->clock), text);
}

/* Runs one command under the scenario. */
static int scn_command(struct srv *s, struct client *c, struct resp_argv *a)
{
    struct cio *io = c->io;
    struct scn_plan plan;
    /* MOCK commands control the scenario: never bent by it, never counted. */
    if (a->argl[0] == 4 && strncasecmp(a->argv[0], "mock", 4) == 0) {
        size_t before = c->out.len;
        cmd_dispatch(s->core, c, a);
        hold(s, c, before, 0);
        return 0;
    }
    scn_plan_init(&plan);
    scn_run_command(s->run, c, a, &plan);
    if (io->cap && plan.rule != 0)
        cap_note_plan(s, c, &plan);
    if (plan.run && plan.delay_us == 0 && plan.pieces == 0 && !plan.split &&
        plan.end == SCN_END_NONE && !plan.corrupt_length) {
        /* The reply as it is, now or (latency) later: no job, input goes on. */
        size_t before = c->out.len;
        cmd_dispatch(s->core, c, a);
        hold(s, c, before, plan.latency_us);
        io->block_latency_us = plan.latency_us; /* if it blocked: for its reply */
        scn_plan_free(&plan);
        return 0;
    }

    struct buf reply = BUF_INIT;
    if (plan.run) {
        size_t before = c->out.len;
        unsigned deny = c->flags & CL_DENY_BLOCKING;
        c->flags |= CL_DENY_BLOCKING; /* the job needs the reply now: BLPOP answers at once */
        cmd_dispatch(s->core, c, a);
        c->flags = (c->flags & ~CL_DENY_BLOCKING) | deny;
        buf_append(&reply, c->out.p + before, c->out.len - before);
        c->out.len = before;
        if (c->out.p)
            c->out.p[before] = '\0';
    } else {
        resp_argv_free(a);
        reply = plan.reply;
        buf_init(&plan.reply);
    }
    if (plan.corrupt_length)
        scn_corrupt_length(&reply);

    switch (plan.end) {
    case SCN_END_BEFORE:
        c->flags |= CL_CLOSE_AFTER_REPLY;
        buf_free(&reply);
        scn_plan_free(&plan);
        return 1;
    case SCN_END_RESET:
        io->reset = 1;
        c->flags |= CL_CLOSE_AFTER_REPLY;
        buf_free(&reply);
        scn_plan_free(&plan);
        return 1;
    case SCN_END_HANG:
        io->discard = 1;
        buf_free(&reply);
        scn_plan_free(&plan);
        return 1;
    default:
        break;
    }
    if (plan.end == SCN_END_MIDDLE && reply.len > 1)
        reply.len /= 2;

    struct job *j = mem_calloc(1, sizeof(*j));
    j->data = reply;
    j->pause_us = plan.pause_us;
    j->latency_us = plan.latency_us;
    j->end = plan.end;
    if (plan.pieces > 0) {
        for (size_t at = (size_t)plan.pieces; at < reply.len; at += (size_t)plan.pieces) {
            j->cuts = mem_realloc(j->cuts, (size_t)(j->ncuts + 1) * sizeof(*j->cuts));
            j->cuts[j->ncuts++] = at;
        }
    } else if (plan.split) {
        size_t at = split_point(&plan, &reply);
        if (at < reply.len) {
            j->cuts = mem_alloc(sizeof(*j->cuts));
            j->cuts[j->ncuts++] = at;
        }
    }
    io->job = j;
    held_count(s, io, 1);
    io->blocked = 1;
    j->due_us = basis_us(s, c) + plan.delay_us;
    scn_plan_free(&plan);
    /* Replies before this one go out now; this one waits for its timer. */
    arm_timer(s, c, j->due_us, EARLY_US, on_job_timer);
    return 1;
}

void srv_set_scenario(struct srv *s, struct scn *scn, struct scn_run *run, int exit_when_over)
{
    scn_run_free(s->run);
    scn_free(s->scn);
    s->scn = scn;
    s->run = run;
    s->exit_when_over = exit_when_over;
}

struct scn_run *srv_scenario(const struct srv *s)
{
    return s->run;
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

static void refuse(struct srv *s, int fd, struct cap_conn *cc)
{
    const char *msg = rtext[RT_MAXCLIENTS];
    char line[128];
    int n = snprintf(line, sizeof(line), "-%s\r\n", msg);
    /* Best effort, like Redis: the result does not matter. */
    ssize_t w = write(fd, line, (size_t)n);
    if (w > 0)
        cap_data(cc, CAP_TO_CLIENT, line, (size_t)w, clk_now_us(&s->core->clock));
    cap_conn_close(cc, CAP_FIN_SERVER, clk_now_us(&s->core->clock));
    close(fd);
    s->core->st.conn_refused++;
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
        int conn_no = 0;
        int64_t delay = 0;
        enum scn_conn_action act = SCN_CONN_ACCEPT;
        if (s->run)
            act = scn_run_connect(s->run, &conn_no, &delay);
        struct cap_conn *cc = cap_accepted(s, fd, &ss);
        if (cc && act != SCN_CONN_ACCEPT) {
            static const char *const acts[] = {"accept", "refuse", "delay", "silent", "close"};
            char text[96];
            int k = snprintf(text, sizeof(text), "conn %d: %s", conn_no, acts[act]);
            if (act == SCN_CONN_DELAY)
                snprintf(text + k, sizeof(text) - (size_t)k, " %lldus", (long long)delay);
            cap_note(cc, clk_now_us(&s->core->clock), text);
        }
        if (act == SCN_CONN_REFUSE || s->core->nclients >= (size_t)s->core->cfg.maxclients) {
            refuse(s, fd, cc);
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
        io->rev = event_new(s->base, fd, EV_READ | EV_PERSIST, on_client_read, c);
        io->wev = event_new(s->base, fd, EV_WRITE | EV_PERSIST, on_client_write, c);
        c->io = io;
        io->cap = cc;
        io->stamped = ss.ss_family != AF_UNIX && s->tcp_stamped; /* inherited */
        io->discard = act == SCN_CONN_SILENT;
        if (act == SCN_CONN_DELAY)
            arm_timer(s, c, clk_mono_us() + delay, 0, on_accept_delay);
        else
            event_add(io->rev, NULL);
    }
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
            /* As in Redis, a blocked client is waiting, not idle. */
            if (c->io && !(c->flags & CL_BLOCKED) &&
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
    struct srv *s = mem_calloc(1, sizeof(*s));
    s->core = core;
    s->tcp_fd = s->unix_fd = -1;
    core->srv = s;
    core->on_unblock = on_unblock;
    core->on_unblock_ud = s;
    core->on_output = on_output;
    core->on_output_ud = s;
    raise_fd_limit(core->cfg.maxclients);
    s->base = new_base();
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

int srv_port(const struct srv *s)
{
    return s->port;
}

const char *srv_addr(const struct srv *s)
{
    return s->addr;
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
    event_base_dispatch(s->base);
    return 0;
}

void srv_stop(struct srv *s)
{
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
    if (s->base)
        event_base_free(s->base);
    scn_run_free(s->run);
    scn_free(s->scn);
    s->core->srv = NULL;
    s->core->on_unblock = NULL;
    s->core->on_unblock_ud = NULL;
    s->core->on_output = NULL;
    s->core->on_output_ud = NULL;
    free(s);
}
