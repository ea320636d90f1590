/* p11_timeouts.c - P11: without a timeout, a silent server means a hang.
 *
 * The scenario never answers the first GET report. The naive code connects
 * with redisConnect (no timeout) and calls redisCommand: it waits forever,
 * so it runs in a child process that a watchdog kills. The right code has a
 * timeout on every command: the call fails with RC_ERR_TIMEOUT, the hiredis
 * context (which still expects a reply that may arrive late) is thrown
 * away, and the next call connects again. The second try loses its
 * connection; the third gets its answer. Between tries the right code
 * waits, twice as long each time (exponential backoff), and the scenario
 * asserts those gaps (expect gap, expect backoff) on its virtual clock:
 * the lesson hands each wait to the clock instead of sleeping. */
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

/* How the right code waits between two tries. Production code sleeps
 * (nanosleep); here the wait is handed to the server's virtual clock, so
 * the scenario sees exactly the gaps the code chose and nobody sleeps. */
typedef void wait_fn(void *ctx, int ms);

static void wait_on_virtual_clock(void *ctx, int ms)
{
    ls_advance(ctx, ms);
}

/* RIGHT: up to max_tries tries; after a timeout or a lost connection, wait
 * before the next one, twice as long each time. An answer (even "no such
 * key") or an error reply is final: retrying would not change it. */
static enum rc_status get_with_backoff(struct rc_conn *conn, struct rc_value *v, int max_tries,
                                       int first_wait_ms, wait_fn *wait, void *ctx)
{
    int wait_ms = first_wait_ms;
    enum rc_status st = RC_ERR_IO;
    for (int i = 1; i <= max_tries; i++) {
        long long t0 = ls_now_us();
        st = rc_get(conn, RC_LIT("report"), v);
        ls_show("try %d: rc_get(report) -> %s after %lld ms", i, rc_strerror(st),
                (ls_now_us() - t0) / 1000);
        if (st != RC_ERR_TIMEOUT && st != RC_ERR_IO)
            return st;
        if (i < max_tries) {
            ls_show("        waiting %d ms before the next try", wait_ms);
            wait(ctx, wait_ms);
            wait_ms *= 2;
        }
    }
    return st;
}

static void run_right(struct mh_server *srv, int port)
{
    ls_right("a timeout on every command, then reconnect, waiting longer each time");
    ls_play(srv, "p11-timeouts.scn");
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    cfg.command_timeout_ms = 300; /* the longest we accept to wait for an answer */
    struct rc_conn *conn = NULL;
    char err[128];
    if (!ls_claim(rc_connect(&cfg, &conn, err, sizeof(err)) == RC_OK, "the client connects"))
        return;

    struct rc_value v = RC_VALUE_INIT;
    enum rc_status st = get_with_backoff(conn, &v, 4, 100, wait_on_virtual_clock, srv);
    ls_claim(st == RC_MISSING, "the third try gets its answer (nil): no hang, no error");
    ls_claim(rc_connects(conn) == 3,
             "the client connected three times: once, then once after each failure");
    rc_value_free(&v);
    rc_close(conn);

    /* The scenario expects 3 connections, 3 GET report, gaps of at least
     * 100 ms on its clock, each about twice the one before. */
    long long conns = client_connections(srv);
    long long cmds = ls_counter(srv, "commands");
    ls_show("server: %lld connections from the client, %lld commands (all GET report)", conns,
            cmds);
    ls_claim(conns == 3 && cmds == 3 && ls_verdict(srv, NULL, 0) == 1,
             "the scenario's expectations hold: 3 tries, 100 ms then 200 ms apart "
             "(expect gap >= 100ms, expect backoff factor 1.5..3)");
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
           "the answer to the next command. The client layer drops it and reconnects. "
           "Retries wait longer each time: a server that is down gets fewer and fewer "
           "reconnects instead of a storm of them.");
    ls_server_stop(srv);
    return ls_end();
}
