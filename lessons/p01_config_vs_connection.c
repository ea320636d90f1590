/* p01_config_vs_connection.c - P1: copy the config, own the connection.
 *
 * A struct rc_config is plain data (host, port, timeouts): copying it is a
 * memcpy. A connection is a TCP handshake plus whatever the server does
 * for a new client: the expensive step. The scenario makes that price
 * visible: every new connection waits 20 ms before the server reads a
 * byte. The naive code connects for every request and pays it three
 * times; the right code copies the config wherever it likes, connects
 * once and sends every request on that one connection. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "rc.h"

#define REQUESTS 3

/* What one run of three GETs cost, in microseconds. */
struct timing {
    long long connect_us;     /* the rc_connect calls, summed */
    long long first_reply_us; /* the first GET on each new connection, summed */
    long long reuse_us;       /* GETs on a connection that was already open, summed */
    long long total_us;       /* the whole run */
    int connects;             /* how many rc_connect calls */
    int reused;               /* how many GETs ran on an already open connection */
    int ok;                   /* GETs that answered "hello" */
};

/* One GET greeting; counts it in t->ok when the value is "hello". */
static void get_greeting(struct rc_conn *conn, struct timing *t)
{
    struct rc_value v = RC_VALUE_INIT;
    if (rc_get(conn, RC_LIT("greeting"), &v) == RC_OK && rc_value_eq(&v, RC_LIT("hello")))
        t->ok++;
    rc_value_free(&v);
}

/* Connects, timing it; NULL (after saying why) when it fails. */
static struct rc_conn *timed_connect(const struct rc_config *cfg, struct timing *t)
{
    struct rc_conn *conn = NULL;
    char err[128];
    long long t0 = ls_now_us();
    enum rc_status st = rc_connect(cfg, &conn, err, sizeof(err));
    t->connect_us += ls_now_us() - t0;
    t->connects++;
    if (st != RC_OK)
        ls_show("rc_connect failed: %s", err);
    return conn;
}

/* Runs one GET and adds its time to *bucket. */
static void timed_get(struct rc_conn *conn, struct timing *t, long long *bucket)
{
    long long t0 = ls_now_us();
    get_greeting(conn, t);
    *bucket += ls_now_us() - t0;
}

/* NAIVE: a connection per request. Each request pays the handshake and the
 * server's set-up for a new client, then throws the connection away. */
static void naive_requests(const struct rc_config *cfg, struct timing *t)
{
    long long t0 = ls_now_us();
    for (int i = 0; i < REQUESTS; i++) {
        struct rc_conn *conn = timed_connect(cfg, t);
        if (conn == NULL)
            continue;
        timed_get(conn, t, &t->first_reply_us);
        rc_close(conn);
    }
    t->total_us = ls_now_us() - t0;
}

/* RIGHT: one connection, owned here, every request sent on it. */
static void right_requests(const struct rc_config *cfg, struct timing *t)
{
    long long t0 = ls_now_us();
    struct rc_conn *conn = timed_connect(cfg, t);
    if (conn != NULL) {
        timed_get(conn, t, &t->first_reply_us);
        for (int i = 1; i < REQUESTS; i++) {
            timed_get(conn, t, &t->reuse_us);
            t->reused++;
        }
        rc_close(conn);
    }
    t->total_us = ls_now_us() - t0;
}

static double ms(long long us)
{
    return (double)us / 1000.0;
}

/* The cost of opening one connection: rc_connect plus the wait for the
 * first reply on it (the server's set-up for a new client lands there). */
static double avg_connection_ms(const struct timing *t)
{
    if (t->connects == 0)
        return 0.0;
    return ms(t->connect_us + t->first_reply_us) / t->connects;
}

static void show_timing(const struct timing *t)
{
    int n = t->connects > 0 ? t->connects : 1;
    ls_show("%d connects: rc_connect %.2f ms each, first reply on a new connection %.2f ms each",
            t->connects, ms(t->connect_us) / n, ms(t->first_reply_us) / n);
    if (t->reused > 0)
        ls_show("%d GETs on the open connection: %.2f ms each", t->reused,
                ms(t->reuse_us) / t->reused);
    ls_show("total for %d GETs: %.1f ms", REQUESTS, ms(t->total_us));
}

static void run_naive(struct mh_server *srv, const struct rc_config *cfg, struct timing *t)
{
    ls_naive("connect, GET, close -- once per request");
    ls_play(srv, "p01-connect-once.scn");
    naive_requests(cfg, t);
    show_timing(t);
    long long conns = ls_counter(srv, "connections");
    ls_show("server counters: connections = %lld", conns);
    ls_claim(t->ok == REQUESTS, "all %d naive GETs answered \"hello\"", REQUESTS);
    ls_claim(conns == REQUESTS, "the naive code opened %d connections for %d requests", REQUESTS,
             REQUESTS);
    ls_claim(avg_connection_ms(t) >= 15.0,
             "each new connection cost at least 15 ms (the scenario's 20 ms set-up)");
    ls_claim(ls_verdict(srv, NULL, 0) == 0,
             "the scenario's expectations fail for the naive code (connections == 1)");
}

/* Two copies of one config: plain values, equal byte for byte, nothing
 * shared, nothing to free. */
static void show_config_copies(const struct rc_config *cfg)
{
    struct rc_config for_worker = *cfg; /* a copy with `=` */
    struct rc_config for_reports;
    memcpy(&for_reports, &for_worker, sizeof(for_reports)); /* or with memcpy */
    ls_show("sizeof(struct rc_config) = %zu bytes, no pointers inside", sizeof(struct rc_config));
    ls_show("copy 1 -> %s:%d, copy 2 -> %s:%d", for_worker.host, for_worker.port, for_reports.host,
            for_reports.port);
    ls_claim(memcmp(&for_worker, &for_reports, sizeof(for_worker)) == 0 &&
                 for_worker.port == cfg->port && strcmp(for_worker.host, cfg->host) == 0,
             "two copies of the config point at the same server (copying opened nothing)");
}

static void run_right(struct mh_server *srv, const struct rc_config *cfg, struct timing *t)
{
    ls_right("copy the config freely; connect once; send every request on it");
    ls_play(srv, "p01-connect-once.scn");
    show_config_copies(cfg);
    long long before = ls_counter(srv, "connections");
    ls_claim(before == 0, "copying the config did not touch the server (connections = %lld)",
             before);
    right_requests(cfg, t);
    show_timing(t);
    long long conns = ls_counter(srv, "connections");
    ls_show("server counters: connections = %lld", conns);
    ls_claim(t->ok == REQUESTS, "all %d GETs answered \"hello\"", REQUESTS);
    ls_claim(conns == 1, "the right code opened 1 connection for %d requests", REQUESTS);
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
}

/* What the two runs say side by side. */
static void compare(const struct timing *naive, const struct timing *right)
{
    double conn_ms = avg_connection_ms(naive);
    double get_ms = right->reused > 0 ? ms(right->reuse_us) / right->reused : 0.0;
    int n = naive->connects > 0 ? naive->connects : 1;
    ls_say("Side by side: a new connection cost %.2f ms, a GET on an open one %.2f ms. "
           "Connecting per request took %.1f ms for %d GETs, connecting once %.1f ms. Note that "
           "rc_connect itself returned in %.2f ms: the kernel completes the TCP handshake before "
           "the server even looks at the client, so the server's set-up is paid by the first "
           "command. Time the connection and its first reply together, never rc_connect alone.",
           conn_ms, get_ms, ms(naive->total_us), REQUESTS, ms(right->total_us),
           ms(naive->connect_us) / n);
    /* The counts (3 connections against 1) and the 15 ms floor hold on
     * any machine; how cheap a GET is depends on the machine as well. */
    ls_speed_claim(right->reused > 0 && get_ms < 5.0,
                   "a GET on an open connection is cheap (under 5 ms, the set-up is not paid "
                   "again)");
    ls_speed_claim(conn_ms >= 5.0 * get_ms,
                   "a new connection costs at least 5x a GET on an open connection");
    ls_speed_claim(naive->total_us >= 2 * right->total_us,
                   "connecting per request is at least 2x slower in total");
}

int main(void)
{
    ls_begin("P1", "config vs connection");
    ls_say("A struct rc_config says where the server is and how long to wait: plain data, "
           "copied with `=`. rc_connect turns it into a connection: a TCP handshake, and on a "
           "real server often TLS, AUTH and SELECT too. Here the scenario charges 20 ms for "
           "every new connection (the server reads nothing from it for 20 ms), so the price "
           "shows up in the first reply on each new connection.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();

    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", mh_server_port(srv));

    struct timing naive = {0}, right = {0};
    run_naive(srv, &cfg, &naive);
    run_right(srv, &cfg, &right);
    compare(&naive, &right);
    ls_server_stop(srv);
    return ls_end();
}
