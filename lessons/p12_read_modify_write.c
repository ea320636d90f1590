/* p12_read_modify_write.c - P12: read-modify-write races.
 *
 * Two clients each add one to a counter 100 times. The naive code reads
 * the counter (GET), adds one, and writes it back (SET): two trips to the
 * server, and whatever the other client does in between is overwritten.
 * On a quiet machine the two trips are close together and the race is
 * rare; under load it happens all the time, and no test catches it by
 * luck. Here the two clients take turns in the unlucky order every time:
 * each client's turn ends between its read and its write, where the other
 * client's turn comes (interleave()). The turns are handed over with a
 * mutex and a condition variable: no sleeps, no timing, the same order on
 * every run, so the naive count comes out at exactly 100 of 200.
 *
 * The evidence comes from the server's own record of the commands it ran
 * (MOCK HISTORY): both clients read the same value and wrote the same
 * value back, 100 times. The same turns then play the right patterns, each
 * in one step the server cannot split:
 *   INCR                       the server adds (here INCRBY counter 1);
 *   WATCH/MULTI/EXEC, retried  the server refuses a write whose read is
 *                              stale (EXEC answers nil) and the client
 *                              tries again; the server's record counts the
 *                              refused EXECs, one per retry;
 *   a Lua script               the read, the addition and the write run on
 *                              the server, atomically, by EVALSHA with the
 *                              NOSCRIPT fallback to EVAL (rc_script.h).
 * A server without scripting (it answers EVALSHA with "unknown command")
 * fails the Lua pattern's first claim. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lesson.h"
#include "rc.h"
#include "rc_script.h"

#define ROUNDS       100 /* increments per client */
#define NO_SCRIPTING "ERR unknown command 'EVALSHA'"

/* ---- the interleaving: two clients take turns -------------------------------------- */

/* Client A (0) goes first. A turn lasts until the client calls
 * interleave(): the other client then runs until its own call, and so on.
 * A client that has finished leaves, and the other runs alone. */
struct turns {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int now;        /* whose turn it is */
    int running[2]; /* clients that have not left */
};

struct client {
    const char *name; /* "client A", "client B" */
    int me;           /* 0 or 1 */
    struct turns *turns;
    int port;
    int (*increment)(struct client *cl); /* one increment: 0, or -1 on an error */
    struct rc_conn *conn;
    int done;      /* increments made */
    int retries;   /* WATCH: transactions the server refused */
    char err[160]; /* the first error */
};

/* Waits for cl's turn. Called with the mutex held. */
static void wait_turn(struct client *cl)
{
    while (cl->turns->now != cl->me)
        pthread_cond_wait(&cl->turns->cv, &cl->turns->mu);
}

/* Ends cl's turn: the other client runs (if it has not left) until it
 * calls interleave() in turn, then cl goes on. Real code has no such call:
 * the operating system's scheduler, a slow network or a page fault lets
 * the other client in at this point, now and then. Here it happens every
 * time. */
static void interleave(struct client *cl)
{
    struct turns *t = cl->turns;
    pthread_mutex_lock(&t->mu);
    if (t->running[1 - cl->me]) {
        t->now = 1 - cl->me;
        pthread_cond_broadcast(&t->cv);
        wait_turn(cl);
    }
    pthread_mutex_unlock(&t->mu);
}

/* ---- the four ways to add one ---------------------------------------------------- */

static const char KEY[] = "counter"; /* in argument vectors; RC_LIT("counter") elsewhere */

static int fail(struct client *cl, const char *what)
{
    if (cl->err[0] == '\0')
        snprintf(cl->err, sizeof(cl->err), "%s: %s", what, rc_errmsg(cl->conn));
    return -1;
}

/* NAIVE: read, add one, write back. The value written is the value read
 * plus one, whatever the other client wrote in between. */
static int naive_increment(struct client *cl)
{
    struct rc_value v = RC_VALUE_INIT;
    if (rc_get(cl->conn, RC_LIT("counter"), &v) != RC_OK)
        return fail(cl, "GET");
    long long n = atoll(v.str);
    rc_value_free(&v);
    interleave(cl); /* the other client reads the same value now */
    char num[24];
    int len = snprintf(num, sizeof(num), "%lld", n + 1);
    if (rc_set(cl->conn, RC_LIT("counter"), num, (size_t)len, 0) != RC_OK)
        return fail(cl, "SET");
    return 0;
}

/* RIGHT: the server adds. One command: nothing can come in between. */
static int incr_increment(struct client *cl)
{
    if (rc_incrby(cl->conn, RC_LIT("counter"), 1, NULL) != RC_OK)
        return fail(cl, "INCRBY");
    interleave(cl); /* the other client's turn comes after a whole increment */
    return 0;
}

/* One command of a transaction through the client layer. */
static enum rc_status tx(struct client *cl, int argc, const char **argv)
{
    return rc_cmd_argv(cl->conn, argc, argv, NULL, NULL);
}

/* RIGHT: optimistic locking. WATCH counter, read it, then write inside
 * MULTI/EXEC: if anyone wrote the counter after the WATCH, the server runs
 * nothing and EXEC answers nil (RC_MISSING here). Then read again and
 * retry. */
static int watch_increment(struct client *cl)
{
    for (;;) {
        const char *watch[] = {"WATCH", KEY};
        struct rc_value v = RC_VALUE_INIT;
        if (tx(cl, 2, watch) != RC_OK)
            return fail(cl, "WATCH");
        if (rc_get(cl->conn, RC_LIT("counter"), &v) != RC_OK)
            return fail(cl, "GET");
        long long n = atoll(v.str);
        rc_value_free(&v);
        interleave(cl); /* the other client reads, or writes, now */
        char num[24];
        snprintf(num, sizeof(num), "%lld", n + 1);
        const char *multi[] = {"MULTI"}, *set[] = {"SET", KEY, num}, *exec[] = {"EXEC"};
        if (tx(cl, 1, multi) != RC_OK || tx(cl, 3, set) != RC_OK)
            return fail(cl, "MULTI/SET");
        enum rc_status st = tx(cl, 1, exec);
        if (st == RC_OK)
            return 0; /* written: nobody touched the counter since WATCH */
        if (st != RC_MISSING)
            return fail(cl, "EXEC");
        cl->retries++; /* nil: the read was stale, nothing was written */
    }
}

/* The naive code's logic, run by the server: read, add one, write, with no
 * other client's command in between. */
static const char INCR_LUA[] = "local n = tonumber(redis.call('GET', KEYS[1]) or '0') + 1\n"
                               "redis.call('SET', KEYS[1], n)\n"
                               "return n";
static struct rc_script incr_script;

/* RIGHT: a script. EVALSHA by the script's SHA1; the client layer sends
 * EVAL with the text once, when the server answers NOSCRIPT. */
static int lua_increment(struct client *cl)
{
    const char *keys[] = {KEY};
    if (rc_evalsha(cl->conn, &incr_script, 1, 1, keys, NULL, NULL) != RC_OK)
        return fail(cl, "EVALSHA");
    interleave(cl);
    return 0;
}

/* ---- two clients, one pattern ---------------------------------------------------- */

static void *client_main(void *arg)
{
    struct client *cl = arg;
    struct turns *t = cl->turns;
    pthread_mutex_lock(&t->mu);
    wait_turn(cl); /* A connects first: it is the scenario's conn 1 */
    pthread_mutex_unlock(&t->mu);

    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", cl->port);
    cfg.command_timeout_ms = 10000; /* a dead server is an error, not a hang */
    if (rc_connect(&cfg, &cl->conn, cl->err, sizeof(cl->err)) == RC_OK) {
        while (cl->done < ROUNDS && cl->increment(cl) == 0)
            cl->done++;
        rc_close(cl->conn);
    }
    pthread_mutex_lock(&t->mu); /* leave: the other client runs alone */
    t->running[cl->me] = 0;
    t->now = 1 - cl->me;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* Runs the two clients to the end, taking turns, A first. */
static void run_clients(struct client cl[2], int port, int (*increment)(struct client *))
{
    struct turns t = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, {1, 1}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        memset(&cl[i], 0, sizeof(cl[i]));
        cl[i].name = i == 0 ? "client A" : "client B";
        cl[i].me = i;
        cl[i].turns = &t;
        cl[i].port = port;
        cl[i].increment = increment;
        pthread_create(&th[i], NULL, client_main, &cl[i]);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&t.mu);
    pthread_cond_destroy(&t.cv);
}

/* ---- what the server saw --------------------------------------------------------- */

/* Counts over the server's record of commands (MOCK HISTORY). */
struct tally {
    int n;                /* commands */
    int gets, sets;       /* GET counter, SET counter that ran */
    int same_value;       /* SETs that wrote the value the SET before them wrote */
    int incrs;            /* INCRBY counter */
    int execs, execs_nil; /* EXEC, and those refused (nil) */
    int evalshas, eval;   /* EVALSHA, EVAL */
    int evalsha_errors;   /* EVALSHA answered with an error (NOSCRIPT) */
    char first[5][64];    /* the first five commands, readably */
    char last_set[48];    /* the value of the last SET counter */
};

static int is(const struct ls_seen *e, const char *cmd)
{
    return strcasecmp(e->argv[0], cmd) == 0;
}

static struct tally tally_history(struct mh_server *srv)
{
    struct tally t;
    memset(&t, 0, sizeof(t));
    struct ls_seen *h = ls_history(srv, &t.n);
    for (int i = 0; h != NULL && i < t.n; i++) {
        const struct ls_seen *e = &h[i];
        if (i < 5)
            snprintf(t.first[i], sizeof(t.first[i]), "%s %s%s%s (conn %d)", e->argv[0], e->argv[1],
                     e->argc > 2 ? " " : "", e->argc > 2 ? e->argv[2] : "", e->conn);
        if (is(e, "GET"))
            t.gets++;
        else if (is(e, "SET") && strcmp(e->reply, "simple") == 0) {
            t.same_value += t.sets > 0 && strcmp(e->argv[2], t.last_set) == 0;
            t.sets++;
            snprintf(t.last_set, sizeof(t.last_set), "%s", e->argv[2]);
        } else if (is(e, "INCRBY"))
            t.incrs++;
        else if (is(e, "EXEC")) {
            t.execs++;
            t.execs_nil += strcmp(e->reply, "nil") == 0;
        } else if (is(e, "EVALSHA")) {
            t.evalshas++;
            t.evalsha_errors += strcmp(e->reply, "error") == 0;
        } else if (is(e, "EVAL"))
            t.eval++;
    }
    free(h);
    return t;
}

/* The counter as a third client reads it after the two are done; -1 when
 * it cannot be read. Read after the scenario's verdict, which counts the
 * two clients' connections only. */
static long long read_counter(int port)
{
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    struct rc_conn *c = NULL;
    struct rc_value v = RC_VALUE_INIT;
    long long n = -1;
    if (rc_connect(&cfg, &c, NULL, 0) == RC_OK && rc_get(c, RC_LIT("counter"), &v) == RC_OK)
        n = atoll(v.str);
    rc_value_free(&v);
    rc_close(c);
    return n;
}

static void show_clients(const struct client cl[2])
{
    for (int i = 0; i < 2; i++)
        ls_show("%s: %d increments made%s%s", cl[i].name, cl[i].done, cl[i].err[0] ? ", then " : "",
                cl[i].err);
}

/* Every phase ends the same way: the scenario's verdict, then the count. */
static long long verdict_and_count(struct mh_server *srv, int port)
{
    ls_claim(ls_verdict(srv, NULL, 0) == 1,
             "the scenario's expectations hold: two connections, every SET after a GET on its "
             "own connection");
    long long n = read_counter(port);
    ls_show("counter = %lld after %d increments", n, 2 * ROUNDS);
    return n;
}

/* ---- the phases ------------------------------------------------------------------ */

static void naive_phase(struct mh_server *srv, int port)
{
    ls_naive("GET counter, add one, SET counter");
    struct client cl[2];
    ls_play(srv, "p12-read-modify-write.scn");
    run_clients(cl, port, naive_increment);
    show_clients(cl);
    ls_claim(cl[0].done == ROUNDS && cl[1].done == ROUNDS,
             "every GET and every SET succeeded: no error tells the clients anything is wrong");
    struct tally t = tally_history(srv);
    ls_show("the server's record begins: %s, %s, %s, %s, %s", t.first[0], t.first[1], t.first[2],
            t.first[3], t.first[4]);
    ls_show("server: %d GET counter, %d SET counter; %d SETs wrote the value the SET before "
            "them had written",
            t.gets, t.sets, t.same_value);
    ls_claim(t.sets == 2 * ROUNDS && t.same_value == ROUNDS,
             "the server ran all %d SETs, and %d of them wrote a value already there: each "
             "overwrote an increment the other client had made",
             2 * ROUNDS, ROUNDS);
    long long n = verdict_and_count(srv, port);
    ls_claim(n == ROUNDS, "the count comes out short: %lld instead of %d (%d increments lost)", n,
             2 * ROUNDS, 2 * ROUNDS - (int)n);
}

static void incr_phase(struct mh_server *srv, int port)
{
    ls_right("INCR: the server adds, in one command");
    struct client cl[2];
    ls_play(srv, "p12-read-modify-write.scn");
    run_clients(cl, port, incr_increment);
    show_clients(cl);
    struct tally t = tally_history(srv);
    ls_show("server: %d INCRBY counter, %d GET, %d SET", t.incrs, t.gets, t.sets);
    ls_claim(t.incrs == 2 * ROUNDS && t.gets == 0 && t.sets == 0,
             "the server saw %d INCRBYs and no read for the client to get wrong", 2 * ROUNDS);
    long long n = verdict_and_count(srv, port);
    ls_claim(n == 2 * ROUNDS, "nothing is lost: counter = %lld", n);
}

static void watch_phase(struct mh_server *srv, int port)
{
    ls_right("WATCH counter, GET, MULTI, SET, EXEC; on nil, retry");
    struct client cl[2];
    ls_play(srv, "p12-read-modify-write.scn");
    run_clients(cl, port, watch_increment);
    show_clients(cl);
    int retries = cl[0].retries + cl[1].retries;
    ls_show("retries counted by the clients: %s %d, %s %d", cl[0].name, cl[0].retries, cl[1].name,
            cl[1].retries);
    struct tally t = tally_history(srv);
    ls_show("server: %d EXEC, %d of them refused (nil: the counter had changed since WATCH); "
            "%d SET counter ran, %d of them rewriting a value already there",
            t.execs, t.execs_nil, t.sets, t.same_value);
    ls_claim(t.execs_nil == retries && retries > 0 && t.execs == 2 * ROUNDS + retries,
             "the server refused %d stale transactions, exactly the clients' %d retries",
             t.execs_nil, retries);
    ls_claim(t.sets == 2 * ROUNDS && t.same_value == 0,
             "only the %d transactions that read a fresh value wrote; no write overwrote another",
             2 * ROUNDS);
    long long n = verdict_and_count(srv, port);
    ls_claim(n == 2 * ROUNDS, "nothing is lost: counter = %lld", n);
    ls_say("Here client A won every race while it ran, and client B retried each time "
           "(%d retries): optimistic locking is right, but under contention the loser "
           "pays in round trips. For a hot key, INCR or a script does it in one.",
           retries);
}

/* 1 when the clients stopped because the server has no scripting. */
static int no_scripting(const struct client cl[2])
{
    for (int i = 0; i < 2; i++)
        if (strstr(cl[i].err, NO_SCRIPTING) != NULL)
            return 1;
    return 0;
}

static void lua_phase(struct mh_server *srv, int port)
{
    ls_right("a Lua script: EVALSHA, and EVAL once on NOSCRIPT");
    rc_script_init(&incr_script, INCR_LUA, strlen(INCR_LUA));
    ls_show("the script (SHA1 %s): %s", incr_script.sha1, INCR_LUA);
    struct client cl[2];
    ls_play(srv, "p12-read-modify-write.scn");
    run_clients(cl, port, lua_increment);
    show_clients(cl);
    if (no_scripting(cl)) {
        ls_claim(0, "the server runs Lua scripts (EVALSHA)");
        return;
    }
    struct tally t = tally_history(srv);
    ls_show("server: %d EVALSHA (%d answered NOSCRIPT), %d EVAL", t.evalshas, t.evalsha_errors,
            t.eval);
    ls_claim(t.evalshas == 2 * ROUNDS && t.evalsha_errors == 1 && t.eval == 1,
             "the script's text crossed the wire once: one NOSCRIPT, one EVAL, then EVALSHA only");
    long long n = verdict_and_count(srv, port);
    ls_claim(n == 2 * ROUNDS, "nothing is lost: counter = %lld", n);
}

int main(void)
{
    ls_begin("P12", "read-modify-write races");
    ls_say("Two clients each add one to a counter, %d times: GET counter, add one, SET "
           "counter. Between a client's GET and its SET the other client may read the same "
           "value; both then write that value plus one, and one increment is gone. Here the "
           "two take turns in exactly that order every time (the turn passes between the read "
           "and the write), so the outcome is certain rather than luck.",
           ROUNDS);
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);

    naive_phase(srv, port);
    ls_say("Every command succeeded and the scenario saw nothing wrong: a lost update is "
           "not an error anywhere, only a wrong number. The fix is to let the server do the "
           "read and the write as one step, in the same turns.");
    incr_phase(srv, port);
    watch_phase(srv, port);
    lua_phase(srv, port);

    ls_server_stop(srv);
    return ls_end();
}
