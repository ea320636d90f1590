/* p07_connection_exhaustion.c - P7: connections that are never given back
 * run into the server's maxclients.
 *
 * The naive code opens a connection per request and forgets to free it.
 * With maxclients 3 the first connection past the limit is accepted, answered with
 * "-ERR max number of clients reached" and closed: hiredis hands that error
 * to the first command as its reply. The right code first asks the server
 * how many slots are free (INFO clients: the lesson's own control
 * connection holds one), then shares a pool of exactly that size between 4
 * threads: 20 INCRs, never refused. */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lesson.h"
#include "rc.h"
#include "rc_pool.h"

#define NAIVE_REQUESTS   6
#define THREADS          4 /* more threads than connections: they take turns */
#define INCRS_PER_THREAD 5

static const char REFUSAL[] = "ERR max number of clients reached";

/* The server notices a closed connection asynchronously. Before the lesson
 * reads the server's counters or opens new connections, give it a moment,
 * so a connection that is already closed is not still counted against
 * maxclients. */
static void settle(void)
{
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
}

/* The connection budget, as the server reports it in INFO clients. */
struct budget {
    long maxclients; /* the limit */
    long others;     /* connections other clients hold already */
    long free;       /* what is left for us */
};

/* Asks the server (on a connection of its own, closed again) how many more
 * connections it will accept. Returns 0, or -1 if the answer is unreadable. */
static int read_budget(int port, struct budget *b)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    redisReply *r = c && !c->err ? redisCommand(c, "INFO clients") : NULL;
    const char *cc =
        r && r->type == REDIS_REPLY_STRING ? strstr(r->str, "connected_clients:") : NULL;
    const char *mc = r && r->type == REDIS_REPLY_STRING ? strstr(r->str, "maxclients:") : NULL;
    int ok = cc != NULL && mc != NULL;
    if (ok) {
        b->others = strtol(cc + strlen("connected_clients:"), NULL, 10) - 1; /* minus this one */
        b->maxclients = strtol(mc + strlen("maxclients:"), NULL, 10);
        b->free = b->maxclients - b->others;
    }
    freeReplyObject(r);
    if (c)
        redisFree(c);
    settle(); /* the server sees this connection closed before we go on */
    return ok && b->free >= 1 ? 0 : -1;
}

/* What one naive request saw. */
struct naive_outcome {
    int ok;         /* the INCR got an integer */
    int refused;    /* the reply was the maxclients error */
    char text[192]; /* the reply or error, as the naive code saw it (errstr is 128) */
};

/* NAIVE: one request = one new connection, and nobody frees it. The
 * contexts are handed back to the caller only so the lesson can clean up
 * afterwards; in the naive program they would simply be lost. */
LS_NAIVE_CODE static void naive_request(int port, redisContext **leak, struct naive_outcome *o)
{
    redisContext *c = redisConnect("127.0.0.1", port); /* connect succeeds: the server accepts */
    *leak = c;
    memset(o, 0, sizeof(*o));
    if (c == NULL || c->err) {
        snprintf(o->text, sizeof(o->text), "connect failed: %s", c ? c->errstr : "out of memory");
        return;
    }
    redisReply *r = redisCommand(c, "INCR hits");
    if (r == NULL) {
        snprintf(o->text, sizeof(o->text), "no reply: %s", c->errstr);
    } else if (r->type == REDIS_REPLY_INTEGER) {
        o->ok = 1;
        snprintf(o->text, sizeof(o->text), "(integer) %lld", r->integer);
    } else if (r->type == REDIS_REPLY_ERROR) {
        o->refused = strcmp(r->str, REFUSAL) == 0;
        snprintf(o->text, sizeof(o->text), "(error) %s", r->str);
    } else {
        snprintf(o->text, sizeof(o->text), "reply of type %d", r->type);
    }
    freeReplyObject(r);
    /* NAIVE: no redisFree(c) -- the connection stays open on the server. */
}

static void naive_phase(struct mh_server *srv, int port, long slots)
{
    redisContext *leaked[NAIVE_REQUESTS] = {NULL};
    struct naive_outcome o[NAIVE_REQUESTS];
    int first_ok = 1, refused_seen = 0, eof_after = 0;
    if (slots >= NAIVE_REQUESTS) {
        ls_claim(0, "the server allows fewer than %d connections (it allows %ld)", NAIVE_REQUESTS,
                 slots);
        return;
    }
    for (int i = 0; i < NAIVE_REQUESTS; i++) {
        naive_request(port, &leaked[i], &o[i]);
        ls_show("request %d on connection %d: %s", i + 1, i + 1, o[i].text);
        if (i < slots && !o[i].ok)
            first_ok = 0;
        if (i >= slots && o[i].refused)
            refused_seen++;
    }
    /* After the error the server has closed the connection: the next
     * command on that context fails -- EOF, or a broken pipe when the
     * write comes first. */
    redisContext *c4 = leaked[slots];
    if (c4 != NULL && !c4->err) {
        redisReply *r = redisCommand(c4, "INCR hits");
        ls_show("a second command on connection %ld: %s", slots + 1,
                r == NULL ? c4->errstr : "a reply (unexpected)");
        eof_after = r == NULL && (c4->err == REDIS_ERR_EOF || c4->err == REDIS_ERR_IO);
        freeReplyObject(r);
    }
    ls_claim(first_ok, "the first %ld connections work", slots);
    ls_claim(refused_seen >= 1 && o[slots].refused,
             "connection %ld gets \"%s\" as the reply to its first command", slots + 1, REFUSAL);
    ls_claim(eof_after, "the server has closed it: the next command fails with an I/O error");

    /* The lesson frees what the naive code leaked, so the right code starts clean. */
    for (int i = 0; i < NAIVE_REQUESTS; i++)
        if (leaked[i] != NULL)
            redisFree(leaked[i]);
    settle();
    long long refused = ls_counter(srv, "refused");
    ls_show("server: %lld connections refused, peak %lld", refused,
            ls_counter(srv, "peak_connections"));
    ls_claim(refused >= 1, "the server counted refused connections (%lld)", refused);
    ls_claim(ls_verdict(srv, NULL, 0) == 0, "the scenario's expectations fail for the naive code");
}

/* One worker of the right pattern: check out, INCR, give back, each time. */
struct worker {
    struct rc_pool *pool;
    int errors;
    char err[128];
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < INCRS_PER_THREAD; i++) {
        struct rc_conn *c = NULL;
        /* Blocks while all pool_size connections are in use: waiting for a
         * connection is the price of never exceeding the limit. */
        if (rc_pool_checkout(w->pool, &c, w->err, sizeof(w->err)) != RC_OK) {
            w->errors++;
            continue;
        }
        enum rc_status st = rc_incrby(c, RC_LIT("hits"), 1, NULL);
        if (st != RC_OK) {
            w->errors++;
            snprintf(w->err, sizeof(w->err), "%s", rc_errmsg(c));
        }
        rc_pool_return(w->pool, c);
    }
    return NULL;
}

static void right_phase(struct mh_server *srv, int port, const struct budget *b)
{
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    cfg.pool_size = (int)b->free; /* never more than the server has left, whatever the load */
    cfg.pool_wait_ms = 5000;      /* generous: a checkout waits, it does not fail */
    struct rc_pool *pool = rc_pool_new(&cfg);
    if (!ls_claim(pool != NULL, "the pool is created"))
        return;

    /* Start from a known value (the naive requests incremented "hits"). */
    struct rc_conn *c = NULL;
    char err[128] = "";
    int reset = rc_pool_checkout(pool, &c, err, sizeof(err)) == RC_OK &&
                rc_set(c, RC_LIT("hits"), RC_LIT("0"), 0) == RC_OK;
    if (c != NULL)
        rc_pool_return(pool, c);
    ls_claim(reset, "the counter starts at 0");

    struct worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].pool = pool;
        pthread_create(&t[i], NULL, worker_main, &w[i]);
    }
    int errors = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        errors += w[i].errors;
        if (w[i].errors)
            ls_show("thread %d: %d errors, last: %s", i + 1, w[i].errors, w[i].err);
    }
    ls_show("%d threads x %d INCRs through a pool of %d: pool holds %d connections", THREADS,
            INCRS_PER_THREAD, cfg.pool_size, rc_pool_open_count(pool));
    ls_claim(errors == 0, "no INCR failed");

    long long hits = -1;
    if (rc_pool_checkout(pool, &c, err, sizeof(err)) == RC_OK) {
        rc_incrby(c, RC_LIT("hits"), 0, &hits); /* INCRBY 0 reads the counter */
        rc_pool_return(pool, c);
    }
    ls_show("hits = %lld", hits);
    ls_claim(hits == THREADS * INCRS_PER_THREAD, "the final value is %d",
             THREADS * INCRS_PER_THREAD);
    rc_pool_destroy(pool);

    settle();
    long long refused = ls_counter(srv, "refused");
    long long peak = ls_counter(srv, "peak_connections");
    ls_show("server: %lld connections refused, peak %lld", refused, peak);
    ls_claim(refused == 0, "the server refused no connection");
    ls_claim(peak >= 1 && peak <= b->maxclients,
             "at most %ld connections were open at once, the lesson's included", b->maxclients);
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
}

int main(void)
{
    ls_begin("P7", "connection exhaustion");
    ls_say("A Redis server accepts at most maxclients connections (here 3). Past that it "
           "still accepts the TCP connection, writes \"-%s\" and closes it. So "
           "redisConnect succeeds, and the error shows up later, as the reply to the first "
           "command -- usually far from the code that leaked the connections.",
           REFUSAL);
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);
    /* hiredis writes with write(2): writing to a connection the server has
     * closed raises SIGPIPE, which would kill the lesson silently. The
     * client layer ignores it (see rc.h); the naive code needs it too. */
    rc_ignore_sigpipe();

    ls_play(srv, "p07-maxclients.scn");
    settle();
    struct budget b;
    if (!ls_claim(read_budget(port, &b) == 0, "INFO clients tells the limit and who holds slots"))
        return ls_end();
    ls_show("INFO clients: maxclients %ld, %ld held by other clients (the lesson's control "
            "connection to the server), %ld free",
            b.maxclients, b.others, b.free);
    ls_say("Every client of the server shares the limit: monitoring, other instances of the "
           "application, and here the lesson's own control connection. So this program gets "
           "%ld connections, and its connection number %ld is the first one refused.",
           b.free, b.free + 1);

    ls_naive("a new connection per request, never freed (%d requests)", NAIVE_REQUESTS);
    naive_phase(srv, port, b.free);

    ls_say("A pool bounds the number of connections: threads take turns on %ld connections "
           "instead of opening one each, and a connection goes back to the pool after every "
           "request instead of being lost. Its size comes from the budget the server reported.",
           b.free);
    ls_right("a bounded pool of %ld shared by %d threads", b.free, THREADS);
    ls_play(srv, "p07-maxclients.scn");
    settle();
    right_phase(srv, port, &b);

    ls_server_stop(srv);
    return ls_end();
}
