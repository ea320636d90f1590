/* p08_strategies.c - P8: choosing a strategy, measured.
 *
 * The same GETs are made five ways, and the server counts the connections
 * each way used:
 *   1. connect per request   (a handshake + a round trip per GET)
 *   2. one blocking connection (one GET at a time)
 *   3. pipelining: redisAppendCommand x N, then redisGetReply x N
 *   4. async multiplexing: N calls in flight on one connection
 *   5. a pool of 4 connections shared by 4 threads
 *
 * Two kinds of waiting, two different winners:
 *  - server time. The scenario makes the server spend 2 ms on every GET
 *    and SET, and like Redis it answers one connection's commands in
 *    order: on one connection no client trick beats 2 ms per command.
 *    Only more connections working at once (the pool) go faster.
 *  - round trips. Without the delay, what a blocking client waits for is
 *    the trip to the server and back, once per command. Pipelining and
 *    async pay it once per batch.
 * A real deployment has both: the table tells you which one you face. */
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "rc.h"
#include "rc_async.h"
#include "rc_pool.h"

#define N            50
#define POOL_THREADS 4

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
static int per_request_connect(int port, int n)
{
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
static int one_blocking(int port, int n)
{
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
static int pipelined(int port, int n)
{
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
static int async_multiplexed(int port, int n)
{
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
};

/* One worker: takes requests until none are left; for each, a connection
 * of its own from the pool, returned right after. */
static void *pool_worker(void *arg)
{
    struct pool_run *run = arg;
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

/* RIGHT: a bounded pool. 4 threads wait for 4 replies at a time, and the
 * server never sees more than pool_size connections. */
static int pooled(int port, int n)
{
    struct rc_config cfg = config_for(port);
    cfg.pool_size = POOL_THREADS;
    struct pool_run run = {.pool = rc_pool_new(&cfg), .n = n};
    if (run.pool == NULL)
        return 0;
    atomic_init(&run.next, 0);
    atomic_init(&run.right, 0);
    pthread_t t[POOL_THREADS];
    int started = 0;
    for (; started < POOL_THREADS; started++)
        if (pthread_create(&t[started], NULL, pool_worker, &run) != 0)
            break;
    if (started == 0)
        pool_worker(&run); /* no thread at all: do the work here */
    for (int k = 0; k < started; k++)
        pthread_join(t[k], NULL);
    rc_pool_destroy(run.pool);
    return atomic_load(&run.right);
}

/* One row of the table. */
struct strategy {
    const char *name;
    int (*run)(int port, int n);
    double per_s;    /* requests per second */
    long long conns; /* connections the strategy opened */
    int right;       /* replies with the right value */
    int verdict;     /* the scenario's verdict for it */
};

/* Part 1: plays the scenario afresh, stores the keys (on admin, opened
 * before the play so it is not counted), runs one strategy for N GETs and
 * reads the server's counters. */
static void measure_delayed(struct mh_server *srv, struct rc_conn *admin, int port,
                            struct strategy *s)
{
    ls_play(srv, "p08-strategies.scn");
    rc_set(admin, "a", 1, "1", 1, 0);
    rc_set(admin, "b", 1, "2", 1, 0);
    long long t0 = ls_now_us();
    s->right = s->run(port, N);
    long long us = ls_now_us() - t0;
    s->per_s = us > 0 ? N * 1e6 / (double)us : 0;
    s->conns = ls_counter(srv, "connections");
    s->verdict = ls_verdict(srv, NULL, 0);
    ls_show("%-26s %6d/%d replies right in %lld ms", s->name, s->right, N, us / 1000);
}

/* Part 2: no scenario, so the only wait is the round trip. The best of a
 * few runs of N_RTT GETs: a busy machine can only make a run slower. */
#define N_RTT 1000
#define RUNS  3
static double best_rate(int port, struct strategy *s)
{
    double best = 0;
    for (int k = 0; k < RUNS; k++) {
        long long t0 = ls_now_us();
        int right = s->run(port, N_RTT);
        long long us = ls_now_us() - t0;
        double rate = us > 0 ? N_RTT * 1e6 / (double)us : 0;
        if (right == N_RTT && rate > best)
            best = rate;
    }
    ls_show("%-26s | %10.0f", s->name, best);
    return best;
}

static void print_table(const struct strategy *s, int n)
{
    ls_show("%-26s | %10s | %s", "strategy", "requests/s", "connections used");
    ls_show("%.26s-+-%.10s-+-%.16s", "------------------------------", "------------",
            "------------------");
    for (int k = 0; k < n; k++)
        ls_show("%-26s | %10.0f | %lld", s[k].name, s[k].per_s, s[k].conns);
}

/* Part 1's claims. */
static void claim_delayed(const struct strategy *s)
{
    int all_right = 1, all_pass = 1;
    double one_conn_best = 0;
    for (int k = 0; k < 5; k++) {
        all_right &= s[k].right == N;
        all_pass &= s[k].verdict == 1;
    }
    for (int k = 1; k <= 3; k++)
        if (s[k].per_s > one_conn_best)
            one_conn_best = s[k].per_s;
    ls_claim(all_right, "every strategy got all %d replies right", N);
    ls_claim(s[0].conns == N, "connect per request opened %d connections (%lld)", N, s[0].conns);
    ls_claim(s[1].conns == 1 && s[2].conns == 1 && s[3].conns == 1,
             "blocking, pipelining and async each used one connection");
    ls_claim(s[4].conns >= 1 && s[4].conns <= POOL_THREADS, "the pool opened at most %d (%lld)",
             POOL_THREADS, s[4].conns);
    /* 2 ms of server time per command, in order: at most 500 per second. */
    ls_claim(one_conn_best <= 550,
             "on one connection nothing beats the server's 2 ms per command: best %.0f/s <= 550/s",
             one_conn_best);
    ls_claim(s[4].per_s >= 2 * s[1].per_s,
             "the pool's 4 connections are at least 2x faster than one (%.1fx)",
             s[4].per_s / s[1].per_s);
    ls_claim(all_pass, "the scenario's expectations hold for every strategy");
}

/* Part 2: the same three one-connection strategies, round trips only. */
static void round_trips(struct rc_conn *admin, int port, struct strategy *s)
{
    const char *reset[] = {"MOCK", "SCENARIO", "RESET"};
    ls_claim(rc_cmd_argv(admin, 3, reset, NULL, NULL) == RC_OK, "the scenario is switched off");
    ls_show("%-26s | %10s   (best of %d runs of %d GETs)", "strategy", "requests/s", RUNS, N_RTT);
    double blocking = best_rate(port, &s[1]);
    double pipe = best_rate(port, &s[2]);
    double async = best_rate(port, &s[3]);
    ls_claim(blocking > 0 && pipe >= 3 * blocking,
             "pipelining is at least 3x faster than one blocking connection (%.1fx)",
             blocking > 0 ? pipe / blocking : 0);
    ls_claim(blocking > 0 && async >= 3 * blocking,
             "async multiplexing is at least 3x faster than one blocking connection (%.1fx)",
             blocking > 0 ? async / blocking : 0);
}

int main(void)
{
    ls_begin("P8", "choosing a strategy");
    ls_say("First, every GET and SET of the scenario costs the server 2 ms, and like Redis it "
           "answers a connection's commands one after the other. %d GETs are made five ways; "
           "the server counts the connections each way opens.",
           N);
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
        {.name = "5 pool of 4, 4 threads", .run = pooled},
    };
    ls_naive("one request at a time: a connection each, or one blocking connection");
    measure_delayed(srv, admin, port, &s[0]);
    measure_delayed(srv, admin, port, &s[1]);
    ls_right("many requests at once: pipelining, async, a pool");
    measure_delayed(srv, admin, port, &s[2]);
    measure_delayed(srv, admin, port, &s[3]);
    measure_delayed(srv, admin, port, &s[4]);
    ls_say("With 2 ms of server time per command:");
    print_table(s, 5);
    claim_delayed(s);

    ls_say("Server time caps one connection at 500 commands/s however it is used; only "
           "parallel connections scale past it. Pipelining and async save something else: "
           "round trips. Switch the delay off and the round trip (here a loopback one, tens "
           "of microseconds; across a network, hundreds) is all a blocking client waits for:");
    round_trips(admin, port, s);
    rc_close(admin);
    ls_server_stop(srv);
    return ls_end();
}
