/* p11_timeouts.c - P11: without a timeout, a silent server means a hang.
 *
 * The scenario never answers the first GET report. The naive code connects
 * with redisConnect (no timeout) and calls redisCommand: it waits forever,
 * so it runs in a child process that a watchdog kills. The right code has a
 * timeout on every command: the call fails with RC_ERR_TIMEOUT, the hiredis
 * context (which still expects a reply that may arrive late) is thrown
 * away, and the next call connects again and gets its answer. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <time.h>

#include "lesson.h"
#include "rc.h"

/* NAIVE: no connect timeout, no command timeout. Run in a child process. */
static int naive_report(void *arg)
{
    int port = *(int *)arg;
    redisContext *c = redisConnect("127.0.0.1", port);
    redisReply *r = redisCommand(c, "GET %s", "report"); /* blocks in read(2) forever */
    printf("     naive code got a reply of type %d\n", r ? r->type : -1);
    if (r)
        freeReplyObject(r);
    redisFree(c);
    return 0;
}

/* Waits (up to ~2 s) until the server has seen the killed child's
 * connection close: only the lesson's control connection is left. */
static int wait_for_disconnect(struct mh_server *srv)
{
    for (int i = 0; i < 200; i++) {
        if (ls_stat(srv, "connected_clients") == 1)
            return 1;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* Connections the scenario counted since the last ls_play (the lesson's
 * control connection predates the load, so it is not among them). */
static long long client_connections(struct mh_server *srv)
{
    return ls_counter(srv, "connections");
}

static void run_naive(struct mh_server *srv, int port)
{
    ls_naive("redisConnect and redisCommand with no timeout");
    ls_play(srv, "p11-timeouts.scn");
    struct ls_result r = ls_run_child(naive_report, &port, 1500);
    char how[128];
    ls_show("the naive GET report %s", ls_describe(&r, how, sizeof(how)));
    ls_claim(r.how == LS_TIMED_OUT, "the naive code hangs until the watchdog stops it");
    long long conns = client_connections(srv);
    long long cmds = ls_counter(srv, "commands");
    ls_show("server: %lld connection(s) from the naive code, %lld command(s)", conns, cmds);
    ls_claim(conns == 1 && cmds == 1, "it never gave up: one connection, one GET, then nothing");
    /* The killed child's socket closes in the kernel; let the server notice
     * before the right code starts, so the two runs do not mix. */
    ls_claim(wait_for_disconnect(srv), "the killed child's connection is gone from the server");
}

static void run_right(struct mh_server *srv, int port)
{
    ls_right("a timeout on every command, then reconnect");
    ls_play(srv, "p11-timeouts.scn");
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    cfg.command_timeout_ms = 300; /* the longest we accept to wait for an answer */
    struct rc_conn *conn = NULL;
    char err[128];
    if (!ls_claim(rc_connect(&cfg, &conn, err, sizeof(err)) == RC_OK, "the client connects"))
        return;

    struct rc_value v = RC_VALUE_INIT;
    long long t0 = ls_now_us();
    enum rc_status st = rc_get(conn, RC_LIT("report"), &v);
    long long ms = (ls_now_us() - t0) / 1000;
    ls_show("1st rc_get(report) -> %s after %lld ms (%s)", rc_strerror(st), ms, rc_errmsg(conn));
    ls_claim(st == RC_ERR_TIMEOUT && ms >= 250, "the first call times out instead of hanging");

    st = rc_get(conn, RC_LIT("report"), &v);
    ls_show("2nd rc_get(report) -> %s, connects so far: %lu", rc_strerror(st), rc_connects(conn));
    ls_claim(st == RC_MISSING, "the next call reconnects by itself and gets its answer (nil)");
    ls_claim(rc_connects(conn) == 2,
             "the client connected twice: once, then once after the timeout");
    rc_value_free(&v);
    rc_close(conn);

    /* The scenario expects 2 connections and 2 GET report. */
    long long conns = client_connections(srv);
    long long cmds = ls_counter(srv, "commands");
    ls_show("server: %lld connections from the client, %lld commands (both GET report)", conns,
            cmds);
    ls_claim(conns == 2 && cmds == 2 && ls_verdict(srv, NULL, 0) == 1,
             "the scenario's expectations hold: 2 connections, GET report twice");
}

int main(void)
{
    ls_begin("P11", "slow replies and timeouts");
    ls_say("A server that stops answering (overloaded, a network partition, a stuck "
           "proxy) does not close the connection: the client just never gets a reply. "
           "hiredis waits as long as it is told to, and by default that is forever. In "
           "this scenario the first GET report is never answered.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);
    run_naive(srv, port);
    run_right(srv, port);
    ls_say("After a timeout the old context is not reused: a late reply would arrive as "
           "the answer to the next command. The client layer drops it and reconnects.");
    ls_server_stop(srv);
    return ls_end();
}
