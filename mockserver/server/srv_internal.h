/* srv_internal.h - what the two halves of the server (server.h) share:
 * net.c (sockets, reads and writes, accept, the loop) and plan.c (scenario
 * plans carried out on the wire: jobs, held replies, latency). Nothing
 * outside these two files includes it; the srv__ names are theirs.
 *
 * Every function here runs on the server's loop, for a client c whose
 * c->io is the struct cio below (never NULL while c is connected). */
#ifndef MOCKREDIS_SRV_INTERNAL_H
#define MOCKREDIS_SRV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct cap;
struct cap_conn;
struct client;
struct core;
struct event;
struct event_base;
struct held;
struct job;
struct resp_argv;
struct scn;
struct scn_plan;
struct scn_run;

#define READ_CHUNK (16 * 1024)

struct srv {
    struct core *core;
    struct event_base *base;
    int base_shared; /* base belongs to another srv (srv_new_on): not freed here */
    int tcp_fd, unix_fd;
    int tcp_stamped; /* SO_TIMESTAMPNS on the listener, so on every accepted socket */
    struct event *tcp_ev, *unix_ev, *cron_ev, *sigint_ev, *sigterm_ev;
    int port;
    char addr[80];
    struct scn *scn;            /* the scenario being played (owned), or NULL */
    struct scn_run *run;        /* its run state (owned), or NULL */
    int run_borrowed;           /* cluster: scn and run are node 0's srv's (srv_set_scenario),
                                   not freed here */
    int exit_when_over;         /* --scenario mode: return from the loop at its end */
    struct cap *cap;            /* the capture being written, or NULL */
    int64_t basis_us;           /* when the input being run arrived (clk_mono_us), 0: now */
    struct scn_plan *exec_plan; /* while a command runs under a plan: that plan, which
                                   the rules fired inside it add to (plan.c): on the
                                   commands its EXEC runs, on those its script calls */
    int nested;                 /* > 0 while a busy script lets net.c serve clients (serve_busy) */
    int stopping;               /* srv_stop was called: the loop ends after this callback */
    char rbuf[READ_CHUNK];
};

struct cio {
    struct srv *s;
    struct event *rev, *wev;
    struct event *tev; /* scenario timer: job segments, delayed accept */
    int wev_on;
    int blocked; /* a job is running: input waits */
    int discard; /* silent/hung: read and drop everything */
    int reset;   /* close with a TCP RST */
    struct job *job;
    struct held *held, *held_tail; /* replies waiting for their latency, oldest first */
    struct event *lev;             /* fires when the head of held is due */
    struct cap_conn *cap;          /* this connection in the capture, or NULL */
    int peer_gone;                 /* 1: EOF read, 2: the peer reset (for the capture) */
    int stamped;                   /* SO_TIMESTAMPNS is on: reads tell when data arrived */
    int64_t rx_us;                 /* clk_mono_us() arrival of the last read's data, 0: unknown */
    int64_t read_from_us;          /* clk_mono_us() when reading started (connection delay) */
    int64_t block_latency_us; /* the last command's plan latency: a blocked one's reply gets it */
    long long block_hist_id;  /* the last command's id in the scenario's record (scn_hist.h):
                                 a blocked one's reply type; 0 when the scenario changed */
    int64_t soft_since_s;     /* over the soft output limit since (server clock, s); -1: not */
    struct event *more;       /* input left when a turn's budget ran out: runs next turn */
    int read_paused;          /* the read event is off meanwhile */
    int nheld; /* output held back now: entries of held, plus the job (srv__held_count) */
};

/* ---- net.c --------------------------------------------------------------------- */

/* Writes as much of c->out as the socket takes. Returns -1 if the client was
 * closed (write error, or everything written with CLOSE_AFTER_REPLY). */
int srv__flush(struct srv *s, struct client *c);
/* Runs what c->in holds, one turn's worth. */
void srv__run_input(struct srv *s, struct client *c);
/* After commands ran: close if asked, else write what is pending. */
void srv__after_input(struct srv *s, struct client *c);
/* Output was just added for c: checks client-output-buffer-limit (net.c
 * has the whole contract). Returns 1 when c is flagged CL_CLOSE_ASAP. */
int srv__obuf_check(struct srv *s, struct client *c);

/* ---- plan.c -------------------------------------------------------------------- */

/* Runs one command under the scenario (s->run is set). Returns 0 when its
 * reply was made at once (and maybe held for latency), 1 when a plan took
 * it over (a job, a close, a hang): input processing stops for c. */
int srv__plan_command(struct srv *s, struct client *c, struct resp_argv *a);
/* The bytes c->out[from..) were just made. With latency_us > 0, or with
 * other replies still held (order!), they join the held queue, to be
 * written latency_us after the command arrived (s->basis_us); otherwise
 * they stay in c->out, to be written at once. */
void srv__hold(struct srv *s, struct client *c, size_t from, int64_t latency_us);
/* The command just run blocked c: hold its input, arm its deadline. */
void srv__block_started(struct srv *s, struct client *c);
/* A connection a scenario delays: its read event is added delay_us from now. */
void srv__delay_reading(struct srv *s, struct client *c, int64_t delay_us);
/* Frees what plan.c keeps in io (its timers, a job, held replies); for
 * srv_close_client. */
void srv__plan_io_free(struct cio *io);
/* Keeps core->nheld / nheld_clients and their peaks (MOCK STATS) up to
 * date: delta entries of io's held output (held replies, a job) came or
 * went. */
void srv__held_count(struct srv *s, struct cio *io, int delta);
/* The core's callbacks (core.h, on_unblock, on_output, run_queued and
 * run_scripted), ud is the srv. */
void srv__on_unblock(void *ud, struct client *c, size_t from);
void srv__on_output(void *ud, struct client *c, size_t from);
void srv__run_queued(void *ud, struct client *c, struct resp_argv *a);
int srv__run_scripted(void *ud, struct client *caller, struct client *f, const char *script,
                      struct resp_argv *a);

#endif
