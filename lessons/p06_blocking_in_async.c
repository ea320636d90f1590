/* p06_blocking_in_async.c - P6: a blocking call inside an event loop
 * freezes the whole loop.
 *
 * A libevent loop runs a heartbeat timer every 10 ms. The scenario delays
 * GET report:* by 200 ms. The naive handler calls redisCommand on a
 * blocking hiredis context from inside a timer callback: nothing else runs
 * until the reply is back. The right handler asks the async client
 * (rc_async, on hiredis's libevent adapter, on the same loop) and returns at
 * once; the reply comes later in a callback while the heartbeat keeps
 * ticking.
 *
 * The proof is a count, not a stopwatch: how many heartbeats ran between
 * asking for the report and having it. A frozen loop runs none, however
 * fast or busy the machine (the heartbeat and the blocking call share one
 * thread); a free loop runs about one per 10 ms of the 200 ms wait. The
 * loop's lag (the largest gap between two heartbeats, minus those 10 ms)
 * is shown too: at least the 200 ms reply when frozen, a few ms when free
 * on an idle machine, but a slow build or a busy machine adds to it. */
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <stdio.h>

#include "lesson.h"
#include "rc.h"
#include "rc_async.h"

#define HEARTBEAT_MS  10
#define REQUEST_AT_MS 50  /* when the handler asks for the report */
#define RUN_FOR_MS    450 /* the loop stops then; the reply is due at ~250 ms */

/* What one run of the loop saw. */
struct loop_run {
    struct event_base *base;
    struct rc_async *app; /* the program's async client */
    int port;
    long long last_beat_us; /* 0 before the first heartbeat */
    long long max_gap_us;
    int beats;
    int beats_at_request; /* beats when the report was asked for */
    int beats_waiting;    /* beats between asking and having the reply, -1: no reply */
    int replies;          /* callbacks of the report request */
    int reply_status;     /* status of the last one */
    int naive_reply_type; /* reply->type the naive call got, -1 if none */
};

/* Every HEARTBEAT_MS: how long since the previous beat? */
static void on_heartbeat(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct loop_run *run = arg;
    long long now = ls_now_us();
    if (run->last_beat_us != 0 && now - run->last_beat_us > run->max_gap_us)
        run->max_gap_us = now - run->last_beat_us;
    run->last_beat_us = now;
    run->beats++;
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(((struct loop_run *)arg)->base);
}

/* NAIVE: a request handler, run by the loop, that needs the daily report
 * and asks for it the blocking way. redisCommand waits for the reply in
 * read(2): for those 200 ms the loop is not running, so no heartbeat, no
 * other client, no timer is served. And it needs a connection of its own,
 * next to the one the program's async client already has. */
static void naive_report_handler(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct loop_run *run = arg;
    run->beats_at_request = run->beats;
    redisContext *c = redisConnect("127.0.0.1", run->port);
    redisReply *r = c && !c->err ? redisCommand(c, "GET %s", "report:daily") : NULL;
    /* The reply is in: whatever the loop did meanwhile shows in beats. */
    run->beats_waiting = run->beats - run->beats_at_request;
    run->naive_reply_type = r ? r->type : -1;
    if (r)
        freeReplyObject(r);
    if (c)
        redisFree(c);
}

/* The async client calls this once, from the loop, when the reply is in. */
static void on_report(const struct rc_async_result *res, void *ud)
{
    struct loop_run *run = ud;
    run->beats_waiting = run->beats - run->beats_at_request;
    run->replies++;
    run->reply_status = res->status;
}

/* RIGHT: the same handler on the async client. It only queues the GET and
 * returns; the loop goes on beating while the reply is on its way. */
static void right_report_handler(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct loop_run *run = arg;
    run->beats_at_request = run->beats;
    if (rc_async_get(run->app, RC_LIT("report:daily"), on_report, run) != RC_OK)
        run->reply_status = RC_ERR_IO;
}

/* Something the program does with its async client before any report is
 * asked for: it records that it is up. */
static void on_status_set(const struct rc_async_result *res, void *ud)
{
    (void)res;
    (void)ud;
}

/* Runs the loop for RUN_FOR_MS with a heartbeat, one call of handler at
 * REQUEST_AT_MS, and an async client in use from the start. Returns the
 * loop's lag in ms (largest heartbeat gap minus the period). */
static long long run_loop(struct loop_run *run, event_callback_fn handler)
{
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", run->port);
    run->base = event_base_new();
    run->app = rc_async_new(&cfg, run->base);
    rc_async_set(run->app, RC_LIT("app:status"), RC_LIT("up"), on_status_set, NULL);

    struct timeval beat = {0, HEARTBEAT_MS * 1000};
    struct timeval ask = {0, REQUEST_AT_MS * 1000};
    struct timeval stop = {0, RUN_FOR_MS * 1000};
    struct event *hb = event_new(run->base, -1, EV_PERSIST, on_heartbeat, run);
    struct event *req = evtimer_new(run->base, handler, run);
    struct event *end = evtimer_new(run->base, on_stop, run);
    event_add(hb, &beat);
    event_add(req, &ask);
    event_add(end, &stop);
    event_base_dispatch(run->base);

    event_free(hb);
    event_free(req);
    event_free(end);
    rc_async_free(run->app);
    event_base_free(run->base);
    return run->max_gap_us / 1000 - HEARTBEAT_MS;
}

static void run_naive(struct mh_server *srv, int port)
{
    ls_naive("a blocking redisCommand inside a timer callback of the loop");
    ls_play(srv, "p06-blocking-in-async.scn");
    struct loop_run run = {.port = port, .naive_reply_type = -1, .beats_waiting = -1};
    long long lag = run_loop(&run, naive_report_handler);
    ls_show("heartbeats: %d in all, %d while the report was on its way", run.beats,
            run.beats_waiting);
    ls_show("max event-loop lag: %lld ms", lag);
    ls_show("the blocking GET got reply type %d (%d = nil)", run.naive_reply_type, REDIS_REPLY_NIL);
    long long conns = ls_counter(srv, "connections");
    ls_show("connections opened: %lld (the async client's + the blocking one)", conns);
    ls_claim(run.naive_reply_type == REDIS_REPLY_NIL && run.beats_waiting == 0,
             "the loop was frozen: not one heartbeat while the blocking GET waited for its "
             "reply (%d)",
             run.beats_waiting);
    /* A lower bound, so no machine is too slow for it: the reply cannot
     * come before the server's 200 ms, and no heartbeat runs meanwhile. */
    ls_claim(lag >= 150, "the loop was frozen by the 200 ms reply: lag %lld ms >= 150 ms", lag);
    ls_claim(conns == 2, "the blocking call needed a second connection");
    ls_claim(ls_verdict(srv, NULL, 0) == 0,
             "the scenario's expectations fail for the naive code (connections == 1)");
}

static void run_right(struct mh_server *srv, int port)
{
    ls_right("the async client on the same loop: queue the GET, get a callback");
    ls_play(srv, "p06-blocking-in-async.scn");
    struct loop_run run = {.port = port, .reply_status = -100, .beats_waiting = -1};
    long long lag = run_loop(&run, right_report_handler);
    ls_show("heartbeats: %d in all, %d while the report was on its way", run.beats,
            run.beats_waiting);
    ls_show("max event-loop lag: %lld ms", lag);
    ls_show("report callbacks: %d, status: %s", run.replies,
            run.replies ? rc_strerror(run.reply_status) : "none");
    long long conns = ls_counter(srv, "connections");
    ls_show("connections opened: %lld", conns);
    /* The reply takes 200 ms, the heartbeat is due every 10 ms, and the
     * loop is free to run it: it beats while it waits, on any machine. */
    ls_claim(run.beats_waiting >= 1,
             "the loop kept beating while the reply was slow: %d heartbeats while the report was "
             "on its way",
             run.beats_waiting);
    ls_speed_claim(lag < 50, "no heartbeat was late by more than 50 ms (lag %lld ms)", lag);
    ls_claim(run.replies == 1 && run.reply_status == RC_MISSING,
             "the reply arrived, once: report:daily is (nil), RC_MISSING");
    ls_claim(conns == 1, "one connection served both the status write and the report");
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
}

int main(void)
{
    ls_begin("P6", "blocking in async code");
    ls_say("An event loop runs every timer and socket of a program on one thread. A callback "
           "that blocks blocks all of them. Here a heartbeat fires every %d ms and we record "
           "the largest gap between two beats minus %d ms: the event-loop lag. The scenario "
           "makes GET report:* take 200 ms. The clearest sign is a count: how many "
           "heartbeats ran while the report was on its way.",
           HEARTBEAT_MS, HEARTBEAT_MS);
    ls_say("The program already uses an async client (it writes app:status at start). Then a "
           "handler needs the daily report. Written with redisCommand, it opens a blocking "
           "connection and waits inside the loop; written with the async client, it queues "
           "the GET on the existing connection and returns.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);
    run_naive(srv, port);
    run_right(srv, port);
    ls_server_stop(srv);
    return ls_end();
}
