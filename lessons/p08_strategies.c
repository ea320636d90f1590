/* p08_strategies.c - P8: choosing a strategy, measured.
 *
 * The same GETs are made five ways against a server that is quick but far
 * away. The scenario (p08-strategies.scn) puts 2 ms of network between
 * client and server: every reply leaves 2 ms after its request arrived
 * (`latency`: replies overlap, in order), and every new connection waits
 * 2 ms before its first request is read (the TCP handshake's round trip).
 * The server counts the connections each way opens:
 *   1. connect per request     a handshake and a round trip per GET
 *   2. one blocking connection  a round trip per GET: at most 1/latency
 *   3. pipelining               redisAppendCommand x N, redisGetReply x N:
 *                               the whole batch in about one round trip
 *   4. async multiplexing       N calls in flight on one connection
 *   5. a pool of 8, 8 threads   8 requests at a time; this pool (rc_pool)
 *                               checks each checkout with a PING (another
 *                               round trip): its own health check, not
 *                               something every pool must do
 *
 * Then a short contrast (p08-slow-server.scn): no network in between, but
 * the server itself spends 2 ms on each GET and answers a connection's
 * commands in order (`delay`), like a busy Redis. Pipelining and async save
 * nothing there; only connections working in parallel do.
 *
 * What makes a strategy fast is how many requests it has in flight at
 * once, and the server counts that as it sees it (MOCK STAT
 * peak_held_replies: replies held back by the latency or delay at once;
 * peak_held_clients: connections with one held at once). Those counts are
 * the lesson's claims: they come out the same on a fast machine, a busy
 * one, or under valgrind, which runs one thread at a time. Requests per
 * second are measured and shown too (each strategy runs RUNS times, the
 * best run counts); the claims about them are either bounds no machine
 * can beat (one round trip per request on one blocking connection) or
 * speed claims, checked only where speed means something (not under
 * valgrind or ASan, see ls_speed_claim). */
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lesson.h"
#include "rc.h"
#include "rc_async.h"
#include "rc_pool.h"

#define POOL_THREADS 8
#define LATENCY_MS   2 /* what both scenarios inject, per reply */
#define RUNS         3

/* Request i reads key a (value "1") when i is even, b ("2") when odd. */
static const char *key_of(int i)
{
    return i % 2 ? "b" : "a";
}
static const char *want_of(int i)
{
    return i % 2 ? "2" : "1";
}
static int value_right(int i, const char *str, size_t len)
{
    return str != NULL && len == 1 && str[0] == want_of(i)[0];
}

static struct rc_config config_for(int port)
{
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    return cfg;
}

/* NAIVE: opens a connection for every request. Each GET pays a TCP
 * handshake on top of its round trip, and the server sees N connections. */
static int per_request_connect(int port, int n, long long *start_us)
{
    (void)start_us;
    struct rc_config cfg = config_for(port);
    int right = 0;
    for (int i = 0; i < n; i++) {
        struct rc_conn *c = NULL;
        if (rc_connect(&cfg, &c, NULL, 0) != RC_OK)
            continue;
        struct rc_value v = RC_VALUE_INIT;
        if (rc_get(c, key_of(i), 1, &v) == RC_OK && value_right(i, v.str, v.len))
            right++;
        rc_value_free(&v);
        rc_close(c);
    }
    return right;
}

/* NAIVE (for throughput): one connection, but each GET waits for its
 * reply before the next is sent: N round trips, back to back. */
static int one_blocking(int port, int n, long long *start_us)
{
    (void)start_us;
    struct rc_config cfg = config_for(port);
    struct rc_conn *c = NULL;
    if (rc_connect(&cfg, &c, NULL, 0) != RC_OK)
        return 0;
    int right = 0;
    for (int i = 0; i < n; i++) {
        struct rc_value v = RC_VALUE_INIT;
        if (rc_get(c, key_of(i), 1, &v) == RC_OK && value_right(i, v.str, v.len))
            right++;
        rc_value_free(&v);
    }
    rc_close(c);
    return right;
}

/* RIGHT: pipelining. redisAppendCommand only fills hiredis's output
 * buffer; the first redisGetReply sends all N requests in one write, and
 * the replies come back in order: one round trip for the whole batch
 * instead of one per command. */
static int pipelined(int port, int n, long long *start_us)
{
    (void)start_us;
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (c == NULL || c->err) {
        redisFree(c);
        return 0;
    }
    redisSetTimeout(c, tv);
    for (int i = 0; i < n; i++)
        redisAppendCommand(c, "GET %s", key_of(i));
    int right = 0;
    for (int i = 0; i < n; i++) {
        void *p = NULL;
        if (redisGetReply(c, &p) != REDIS_OK)
            break; /* the context is unusable now: stop reading */
        redisReply *r = p;
        if (r->type == REDIS_REPLY_STRING && value_right(i, r->str, r->len))
            right++;
        freeReplyObject(r);
    }
    redisFree(c);
    return right;
}

/* State of the async run: which replies came back right. */
struct async_run {
    struct event_base *base;
    int done;
    int n;
    int right;
};
struct async_req {
    struct async_run *run;
    int i;
};

static void on_get(const struct rc_async_result *res, void *ud)
{
    struct async_req *req = ud;
    struct async_run *run = req->run;
    if (res->status == RC_OK && value_right(req->i, res->value->str, res->value->len))
        run->right++;
    if (++run->done == run->n)
        event_base_loopbreak(run->base);
}

static void on_give_up(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(arg);
}

/* RIGHT: async multiplexing. All N GETs are queued at once on one
 * connection; the loop collects the replies as they arrive. */
static int async_multiplexed(int port, int n, long long *start_us)
{
    (void)start_us;
    struct rc_config cfg = config_for(port);
    struct async_run run = {.base = event_base_new(), .n = n};
    struct async_req *reqs = calloc((size_t)n, sizeof(*reqs));
    if (reqs == NULL) {
        event_base_free(run.base);
        return 0;
    }
    struct rc_async *a = rc_async_new(&cfg, run.base);
    for (int i = 0; i < n; i++) {
        reqs[i] = (struct async_req){&run, i};
        if (rc_async_get(a, key_of(i), 1, on_get, &reqs[i]) != RC_OK)
            run.done++; /* never queued: its callback will not come */
    }
    /* A watchdog, so a lost reply cannot hang the lesson. */
    struct timeval limit = {5, 0};
    struct event *give_up = evtimer_new(run.base, on_give_up, run.base);
    event_add(give_up, &limit);
    if (run.done < n)
        event_base_dispatch(run.base);
    event_free(give_up);
    rc_async_free(a);
    event_base_free(run.base);
    free(reqs);
    return run.right;
}

/* What the pool's threads share. */
struct pool_run {
    struct rc_pool *pool;
    int n;
    atomic_int next; /* the next request to make */
    atomic_int right;
    /* the start gate: workers wait until every thread is up */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
};

/* One worker: takes requests until none are left; for each, a connection
 * of its own from the pool, returned right after. */
static void *pool_worker(void *arg)
{
    struct pool_run *run = arg;
    pthread_mutex_lock(&run->mu);
    while (!run->open)
        pthread_cond_wait(&run->cv, &run->mu);
    pthread_mutex_unlock(&run->mu);
    for (int i = atomic_fetch_add(&run->next, 1); i < run->n; i = atomic_fetch_add(&run->next, 1)) {
        struct rc_conn *c = NULL;
        if (rc_pool_checkout(run->pool, &c, NULL, 0) != RC_OK)
            continue;
        struct rc_value v = RC_VALUE_INIT;
        if (rc_get(c, key_of(i), 1, &v) == RC_OK && value_right(i, v.str, v.len))
            atomic_fetch_add(&run->right, 1);
        rc_value_free(&v);
        rc_pool_return(run->pool, c);
    }
    return NULL;
}

/* RIGHT: a bounded pool. POOL_THREADS threads wait for as many replies at
 * a time, and the server never sees more than pool_size connections. The
 * clock starts once the threads are up (a server's threads exist before
 * its requests do); the pool's connections are opened on the clock. */
static int pooled(int port, int n, long long *start_us)
{
    struct rc_config cfg = config_for(port);
    cfg.pool_size = POOL_THREADS;
    struct pool_run run = {.pool = rc_pool_new(&cfg), .n = n};
    if (run.pool == NULL)
        return 0;
    atomic_init(&run.next, 0);
    atomic_init(&run.right, 0);
    pthread_mutex_init(&run.mu, NULL);
    pthread_cond_init(&run.cv, NULL);
    pthread_t t[POOL_THREADS];
    int started = 0;
    for (; started < POOL_THREADS; started++)
        if (pthread_create(&t[started], NULL, pool_worker, &run) != 0)
            break;
    *start_us = ls_now_us();
    pthread_mutex_lock(&run.mu);
    run.open = 1;
    pthread_cond_broadcast(&run.cv);
    pthread_mutex_unlock(&run.mu);
    if (started == 0)
        pool_worker(&run); /* no thread at all: do the work here */
    for (int k = 0; k < started; k++)
        pthread_join(t[k], NULL);
    rc_pool_destroy(run.pool);
    pthread_cond_destroy(&run.cv);
    pthread_mutex_destroy(&run.mu);
    return atomic_load(&run.right);
}

/* One row of the table. */
struct strategy {
    const char *name;
    /* Makes n GETs, returns how many got the right value. *start_us is
     * when the clock started; a strategy moves it past set-up a program
     * does once, not per request (the pool's threads). */
    int (*run)(int port, int n, long long *start_us);
    /* the best run: */
    double per_s;    /* requests per second */
    long long conns; /* connections it opened */
    long long peak;  /* connections it held open at once */
    long long cmds;  /* commands the server saw from it */
    /* the most over all runs, as the server saw them: */
    long long in_flight;  /* requests in flight at once (peak_held_replies) */
    long long conns_busy; /* connections with a request in flight at once (peak_held_clients) */
    /* every run: */
    int right;   /* replies with the right value, fewest in one run */
    int verdict; /* 1 if the scenario's expectations held in every run */
};

/* Waits (up to a second) until only the lesson's own two connections are
 * open: the last run's closes may not have reached the server yet. */
static void settle(struct mh_server *srv)
{
    for (int k = 0; k < 500 && ls_stat(srv, "connected_clients") > 2; k++) {
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
}

/* Runs strategy s RUNS times for n GETs. Each run plays the scenario afresh
 * (counters from zero), stores the keys on admin (opened before any
 * scenario, so never counted as a connection), times the run and reads the
 * server's counters; the table shows the best run. The admin SETs wait for
 * their replies one at a time, so they never make the in-flight peaks
 * exceed 1. */
static void measure(struct mh_server *srv, struct rc_conn *admin, int port, const char *scn, int n,
                    struct strategy *s)
{
    s->per_s = 0;
    s->right = n;
    s->verdict = 1;
    s->in_flight = s->conns_busy = 0;
    for (int k = 0; k < RUNS; k++) {
        settle(srv);
        ls_play(srv, scn);
        rc_set(admin, "a", 1, "1", 1, 0);
        rc_set(admin, "b", 1, "2", 1, 0);
        long long t0 = ls_now_us();
        int right = s->run(port, n, &t0);
        long long us = ls_now_us() - t0;
        double rate = us > 0 ? n * 1e6 / (double)us : 0;
        if (rate > s->per_s) {
            s->per_s = rate;
            s->conns = ls_counter(srv, "connections");
            /* Both count the lesson's own: the control and admin
             * connections, the two SETs. */
            s->peak = ls_counter(srv, "peak_connections") - 2;
            s->cmds = ls_counter(srv, "commands") - 2;
        }
        long long held = ls_stat(srv, "peak_held_replies");
        long long busy = ls_stat(srv, "peak_held_clients");
        if (held > s->in_flight)
            s->in_flight = held;
        if (busy > s->conns_busy)
            s->conns_busy = busy;
        if (right < s->right)
            s->right = right;
        s->verdict &= ls_verdict(srv, NULL, 0) == 1;
    }
    ls_show("%-25s %d/%d replies right, best of %d runs: %.0f/s", s->name, s->right, n, RUNS,
            s->per_s);
}

static void print_table(const struct strategy *s, int n)
{
    static const char dashes[] = "------------------------------";
    ls_show("%-25s | %10s | %6s | %4s | %8s | %9s | %s", "strategy", "requests/s", "opened", "peak",
            "commands", "in flight", "on conns");
    ls_show("%.25s-+-%.10s-+-%.6s-+-%.4s-+-%.8s-+-%.9s-+-%.8s", dashes, dashes, dashes, dashes,
            dashes, dashes, dashes);
    for (int k = 0; k < n; k++)
        ls_show("%-25s | %10.0f | %6lld | %4lld | %8lld | %9lld | %lld", s[k].name, s[k].per_s,
                s[k].conns, s[k].peak, s[k].cmds, s[k].in_flight, s[k].conns_busy);
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

/* The claims about the far-away server. */
static void claim_latency(const struct strategy *s, int n)
{
    int all_right = 1, all_pass = 1;
    for (int k = 0; k < 5; k++) {
        all_right &= s[k].right == n;
        all_pass &= s[k].verdict == 1;
    }
    const struct strategy *conn = &s[0], *block = &s[1], *pipe = &s[2], *async = &s[3],
                          *pool = &s[4];
    ls_claim(all_right, "every strategy got all %d replies right, in every run", n);
    ls_claim(conn->conns == n,
             "connect per request opened one connection per request (%lld for %d)", conn->conns, n);
    ls_claim(block->conns == 1 && pipe->conns == 1 && async->conns == 1,
             "blocking, pipelining and async each used one connection");
    ls_claim(pool->conns >= 1 && pool->conns <= POOL_THREADS && pool->peak <= POOL_THREADS,
             "the pool opened at most %d and held at most %d open at once (%lld, %lld)",
             POOL_THREADS, POOL_THREADS, pool->conns, pool->peak);
    ls_claim(conn->cmds == n && block->cmds == n && pipe->cmds == n && async->cmds == n,
             "strategies 1 to 4 sent the %d GETs and nothing else", n);
    /* rc_pool checks an idle connection with PING before handing it out. */
    ls_claim(pool->cmds == n + (n - pool->conns),
             "the pool sent the %d GETs and a PING per checkout of an idle connection (%lld)", n,
             pool->cmds - n);
    /* Why the naive ways are slow: one request in flight at a time, so
     * every request waits out a whole round trip of its own. */
    ls_claim(conn->in_flight == 1 && block->in_flight == 1,
             "connect per request and one blocking connection had one request in flight at a "
             "time (%lld, %lld)",
             conn->in_flight, block->in_flight);
    /* Why the right ways are fast: many requests share one round trip.
     * Pipelining writes its whole batch at once; async queues every GET
     * before the loop runs. Half the batch is a margin, not a measurement
     * of the machine: each holds all n on any machine. */
    ls_claim(pipe->in_flight >= n / 2 && async->in_flight >= n / 2,
             "pipelining and async had most of their %d GETs in flight at once, on one connection "
             "(%lld, %lld)",
             n, pipe->in_flight, async->in_flight);
    ls_claim(pool->conns_busy >= 2 && pool->conns_busy <= POOL_THREADS,
             "the pool had requests in flight on up to %d connections at once (%lld)", POOL_THREADS,
             pool->conns_busy);
    /* Bounds no machine can beat: a reply cannot come back sooner than
     * the latency after its request, a new connection is read only after
     * the handshake, and a blocking client sends the next request only
     * once it has the reply. A busy machine only makes these slower. */
    ls_claim(block->per_s <= 1000.0 / LATENCY_MS,
             "one blocking connection cannot beat one request per round trip: %.0f/s <= %d/s",
             block->per_s, 1000 / LATENCY_MS);
    ls_claim(conn->per_s <= 1000.0 / (2 * LATENCY_MS),
             "connect per request cannot beat one handshake and one round trip per request: "
             "%.0f/s <= %d/s",
             conn->per_s, 1000 / (2 * LATENCY_MS));
    /* What the in-flight counts buy, in requests per second. */
    ls_speed_claim(ratio(conn->per_s, block->per_s) <= 0.8,
                   "connect per request is the slowest, a handshake on every request (%.2fx "
                   "blocking)",
                   ratio(conn->per_s, block->per_s));
    ls_speed_claim(ratio(pipe->per_s, block->per_s) >= 5,
                   "pipelining is at least 5x faster than one blocking connection (%.1fx)",
                   ratio(pipe->per_s, block->per_s));
    ls_speed_claim(ratio(async->per_s, block->per_s) >= 5,
                   "async multiplexing is at least 5x faster than one blocking connection (%.1fx)",
                   ratio(async->per_s, block->per_s));
    /* 8 connections with two round trips per request (PING, GET): about
     * 4x on an idle machine. */
    ls_speed_claim(ratio(pool->per_s, block->per_s) >= 1.5,
                   "the pool's %d connections are at least 1.5x faster than one (%.1fx)",
                   POOL_THREADS, ratio(pool->per_s, block->per_s));
    ls_claim(all_pass, "the scenario's expectations hold for every strategy");
}

/* The claims about the slow server next door. */
static void claim_server_time(const struct strategy *s, int n)
{
    const struct strategy *pipe = &s[0], *async = &s[1], *pool = &s[2];
    ls_claim(pipe->right == n && async->right == n && pool->right == n,
             "every strategy got all %d replies right, in every run", n);
    /* The server holds each reply 2 ms and the next waits behind it. */
    ls_claim(pipe->per_s <= 1000.0 / LATENCY_MS && async->per_s <= 1000.0 / LATENCY_MS,
             "on one connection nothing beats 2 ms of server time per command: pipelining "
             "%.0f/s, async %.0f/s, both <= %d/s",
             pipe->per_s, async->per_s, 1000 / LATENCY_MS);
    /* Why: the server works on one command of a connection at a time, so
     * a batch on one connection is served one GET after the other, and
     * only more connections put more GETs in the works at once. */
    ls_claim(pipe->conns_busy == 1 && pipe->in_flight == 1 && async->conns_busy == 1 &&
                 async->in_flight == 1,
             "the server worked on one GET at a time for pipelining and async, the rest waited "
             "in line");
    ls_claim(pool->conns_busy >= 2 && pool->conns_busy <= POOL_THREADS,
             "the server worked on up to %lld of the pool's GETs at once, one per connection",
             pool->conns_busy);
    double one = pipe->per_s > async->per_s ? pipe->per_s : async->per_s;
    ls_speed_claim(ratio(pool->per_s, one) >= 2,
                   "the pool's %d connections are at least 2x faster than the best single one "
                   "(%.1fx)",
                   POOL_THREADS, ratio(pool->per_s, one));
    ls_claim(pipe->verdict == 1 && async->verdict == 1 && pool->verdict == 1,
             "the scenario's expectations hold for every strategy");
}

int main(void)
{
    int n = 50;
    ls_begin("P8", "choosing a strategy");
    ls_say("The server is quick but far away: a round trip takes %d ms, so each reply comes "
           "back %d ms after its request left, and each new connection first costs a %d ms "
           "handshake. %d GETs are made five ways; the server counts the connections and "
           "commands each way uses.",
           LATENCY_MS, LATENCY_MS, LATENCY_MS, n);
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);
    struct rc_config cfg = config_for(port);
    struct rc_conn *admin = NULL;
    if (!ls_claim(rc_connect(&cfg, &admin, NULL, 0) == RC_OK, "the setup connection connects")) {
        ls_server_stop(srv);
        return ls_end();
    }

    struct strategy s[] = {
        {.name = "1 connect per request", .run = per_request_connect},
        {.name = "2 one blocking connection", .run = one_blocking},
        {.name = "3 pipelining", .run = pipelined},
        {.name = "4 async multiplexing", .run = async_multiplexed},
        {.name = "5 pool of 8, 8 threads", .run = pooled},
    };
    ls_naive("one request at a time: a connection each, or one blocking connection");
    measure(srv, admin, port, "p08-strategies.scn", n, &s[0]);
    measure(srv, admin, port, "p08-strategies.scn", n, &s[1]);
    ls_right("many requests at once: pipelining, async, a pool");
    measure(srv, admin, port, "p08-strategies.scn", n, &s[2]);
    measure(srv, admin, port, "p08-strategies.scn", n, &s[3]);
    measure(srv, admin, port, "p08-strategies.scn", n, &s[4]);
    ls_say("With %d ms of network latency (opened and peak: connections the server saw "
           "opened and open at once; commands: what it received; in flight: the most requests "
           "it had received and not yet answered at once; on conns: on how many connections "
           "those were). Requests per second depend on the machine too; the in-flight "
           "counts do not, and they are the reason for the speed:",
           LATENCY_MS);
    print_table(s, 5);
    claim_latency(s, n);

    ls_say("A blocking client spends its time waiting for the network. Pipelining and async "
           "put many requests on the wire before the first reply is back, so they share one "
           "wait. A pool waits for up to %d at a time, though this pool's health check (a PING on "
           "every checkout) is a round trip too: rc_pool's choice, not a law of pools. Others "
           "check a connection only after it sat idle for a while, or in the background, or "
           "not at all and retry a failed command instead. A connection per request adds a "
           "handshake to every wait.\n\nLatency is not the only kind of waiting. When the "
           "server itself is slow (here %d ms of work per GET, and like Redis it answers a "
           "connection's commands one after the other), requests that arrive together still "
           "wait in line:",
           POOL_THREADS, LATENCY_MS);
    struct strategy t[] = {
        {.name = "3 pipelining", .run = pipelined},
        {.name = "4 async multiplexing", .run = async_multiplexed},
        {.name = "5 pool of 8, 8 threads", .run = pooled},
    };
    for (int k = 0; k < 3; k++)
        measure(srv, admin, port, "p08-slow-server.scn", n, &t[k]);
    claim_server_time(t, n);
    ls_say("So: against latency, send many requests per round trip (pipelining, async); "
           "against a slow server, only parallel connections help, and a bounded pool gives "
           "them without opening one per request.");

    rc_close(admin);
    ls_server_stop(srv);
    return ls_end();
}
