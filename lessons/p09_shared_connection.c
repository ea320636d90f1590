/* p09_shared_connection.c - P9: one redisContext shared by two threads.
 *
 * A redisContext is a socket plus an output buffer plus a reply parser,
 * with no lock. Two threads using it interleave their requests and replies:
 * each may read the reply meant for the other (or, at the same moment,
 * corrupt the buffers and crash). The naive run orders the two threads'
 * turns so that the wrong delivery happens every time; the scenario delays
 * GET slow:* by 20 ms, the slow request a fast one queues behind. The
 * right code gives each thread a connection of its own. */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lesson.h"
#include "rc.h"

#define ITERATIONS        50 /* requests per thread in the right phase */
#define NAIVE_DEADLINE_MS 2000

/* The two callers: each asks for its own key and knows what it must get. */
struct caller {
    const char *name;
    const char *key;
    const char *expect;
};
static const struct caller CALLERS[2] = {
    {"thread A", "slow:a", "value-of-a"},
    {"thread B", "fast:b", "value-of-b"},
};

/* Child exit statuses of the naive run. */
enum { NAIVE_NOTHING_SEEN = 0, NAIVE_WRONG_REPLY = 3, NAIVE_BROKEN_CONTEXT = 4, NAIVE_STUCK = 5 };

/* The naive run. Two threads share one context; to make the outcome
 * certain instead of a matter of luck, they take turns in one order that
 * real threads hit sooner or later: A sends its request, B sends and reads
 * one, then A reads. The flags only order the turns (no two threads touch
 * the context at the same moment); they are no lock around it. */
struct shared {
    redisContext *c;
    atomic_int a_sent; /* A has written its GET */
    atomic_int b_done; /* B has read "its" reply */
    atomic_int done;   /* threads finished */
    int outcome[2];    /* per caller: NAIVE_* */
    char seen[2][160]; /* per caller: what it got */
};

/* Waits until *v reaches want, at most the naive deadline. Returns 1 if it did. */
static int wait_for(atomic_int *v, int want)
{
    for (int ms = 0; ms < NAIVE_DEADLINE_MS; ms++) {
        if (atomic_load(v) >= want)
            return 1;
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* Records what caller i got. */
static void naive_check(struct shared *sh, int i, redisReply *r)
{
    const struct caller *who = &CALLERS[i];
    if (r == NULL) {
        sh->outcome[i] = NAIVE_BROKEN_CONTEXT;
        snprintf(sh->seen[i], sizeof(sh->seen[i]), "%s asked for %s and got an error: %s",
                 who->name, who->key, sh->c->errstr);
    } else if (r->type != REDIS_REPLY_STRING || strcmp(r->str, who->expect) != 0) {
        sh->outcome[i] = NAIVE_WRONG_REPLY;
        snprintf(sh->seen[i], sizeof(sh->seen[i]),
                 "%s asked for %s and got \"%.60s\" -- the other thread's value", who->name,
                 who->key, r->type == REDIS_REPLY_STRING ? r->str : "(not a string)");
    } else {
        snprintf(sh->seen[i], sizeof(sh->seen[i]), "%s asked for %s and got %s", who->name,
                 who->key, r->str);
    }
    freeReplyObject(r);
}

/* NAIVE thread A: sends GET slow:a now and reads the reply later, to do
 * other work meanwhile (redisAppendCommand, then redisGetReply). */
LS_NAIVE_CODE static void *naive_thread_a(void *arg)
{
    struct shared *sh = arg;
    int written = 0;
    redisAppendCommand(sh->c, "GET %s", CALLERS[0].key);
    while (!written && redisBufferWrite(sh->c, &written) == REDIS_OK)
        ;
    atomic_store(&sh->a_sent, 1);
    wait_for(&sh->b_done, 1); /* "other work"; thread B uses the context now */
    redisReply *r = NULL;
    if (redisGetReply(sh->c, (void **)&r) != REDIS_OK)
        r = NULL;
    naive_check(sh, 0, r);
    atomic_fetch_add(&sh->done, 1);
    return NULL;
}

/* NAIVE thread B: one plain redisCommand on the same context. It reads the
 * first reply on the socket, which is the answer to A's request. */
LS_NAIVE_CODE static void *naive_thread_b(void *arg)
{
    struct shared *sh = arg;
    wait_for(&sh->a_sent, 1);
    naive_check(sh, 1, redisCommand(sh->c, "GET %s", CALLERS[1].key));
    atomic_store(&sh->b_done, 1);
    atomic_fetch_add(&sh->done, 1);
    return NULL;
}

/* Runs in a child process (ls_run_child): the two threads, one context.
 * Exit status: NAIVE_WRONG_REPLY when a caller got the other's value. */
LS_NAIVE_CODE static int naive_shared(void *arg)
{
    int port = *(int *)arg;
    struct shared sh;
    memset(&sh, 0, sizeof(sh));
    sh.c = redisConnect("127.0.0.1", port);
    if (sh.c == NULL || sh.c->err)
        return 1;
    pthread_t th[2];
    pthread_create(&th[0], NULL, naive_thread_a, &sh);
    pthread_create(&th[1], NULL, naive_thread_b, &sh);
    /* Poll rather than join: a thread may be stuck in read(), waiting
     * for a reply the other thread already took. */
    if (!wait_for(&sh.done, 2)) {
        printf("     a thread is still waiting for a reply after %d ms\n", NAIVE_DEADLINE_MS);
        return NAIVE_STUCK; /* threads keep running; _exit ends them */
    }
    int outcome = NAIVE_NOTHING_SEEN;
    for (int i = 0; i < 2; i++) {
        printf("     %s\n", sh.seen[i]);
        if (sh.outcome[i] > outcome)
            outcome = sh.outcome[i];
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    redisFree(sh.c);
    return outcome;
}

/* RIGHT: each thread owns a connection for the whole loop. */
struct right_thread {
    const struct caller *who;
    int port;
    int matched, wrong, errors;
    unsigned long connects;
};

static void *right_thread_main(void *arg)
{
    struct right_thread *t = arg;
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", t->port);
    struct rc_conn *c = NULL;
    if (rc_connect(&cfg, &c, NULL, 0) != RC_OK) {
        t->errors = ITERATIONS;
        return NULL;
    }
    for (int i = 0; i < ITERATIONS; i++) {
        struct rc_value v = RC_VALUE_INIT;
        enum rc_status st = rc_get(c, t->who->key, strlen(t->who->key), &v);
        if (st != RC_OK)
            t->errors++;
        else if (strcmp(v.str, t->who->expect) == 0)
            t->matched++;
        else
            t->wrong++;
        rc_value_free(&v);
    }
    t->connects = rc_connects(c);
    rc_close(c);
    return NULL;
}

/* Stores the two values through a connection of the lesson's own. */
static int set_values(int port)
{
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    struct rc_conn *c = NULL;
    if (rc_connect(&cfg, &c, NULL, 0) != RC_OK)
        return 0;
    int ok = 1;
    for (int i = 0; i < 2; i++)
        ok &= rc_set(c, CALLERS[i].key, strlen(CALLERS[i].key), CALLERS[i].expect,
                     strlen(CALLERS[i].expect), 0) == RC_OK;
    rc_close(c);
    return ok;
}

static void naive_phase(struct mh_server *srv, int port)
{
    ls_play(srv, "p09-shared-connection.scn");
    ls_claim(set_values(port), "slow:a holds value-of-a, fast:b holds value-of-b");
    struct ls_result r = ls_run_child(naive_shared, &port, NAIVE_DEADLINE_MS + 3000);
    char how[128];
    ls_show("the naive child %s", ls_describe(&r, how, sizeof(how)));
    if (r.how == LS_EXITED && r.code == NAIVE_WRONG_REPLY)
        ls_show("(exit status %d: a reply was delivered to the wrong caller)", NAIVE_WRONG_REPLY);
    ls_claim(r.how == LS_EXITED && r.code == NAIVE_WRONG_REPLY,
             "on a shared context a reply reached the wrong caller, and it was detected");
    ls_show("server: %lld connections, %lld commands", ls_counter(srv, "connections"),
            ls_counter(srv, "commands"));
}

static void right_phase(struct mh_server *srv, int port)
{
    ls_play(srv, "p09-shared-connection.scn");
    ls_claim(set_values(port), "the values are in place");
    struct right_thread t[2];
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        memset(&t[i], 0, sizeof(t[i]));
        t[i].who = &CALLERS[i];
        t[i].port = port;
        pthread_create(&th[i], NULL, right_thread_main, &t[i]);
    }
    int all_matched = 1;
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        ls_show("%s: %d of %d replies were %s, %d wrong, %d errors, %lu connect(s)", t[i].who->name,
                t[i].matched, ITERATIONS, t[i].who->expect, t[i].wrong, t[i].errors, t[i].connects);
        all_matched &= t[i].matched == ITERATIONS && t[i].connects == 1;
    }
    ls_claim(all_matched, "every reply reached its caller, over %d requests per thread",
             ITERATIONS);
    long long conns = ls_counter(srv, "connections");
    ls_show("server: %lld connections", conns);
    /* The lesson's own connection for SET, plus one per thread. */
    ls_claim(conns >= 3, "the server saw one connection per thread, plus the setup's (%lld)",
             conns);
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
}

int main(void)
{
    ls_begin("P9", "sharing one connection");
    ls_say("A redisContext has no lock. Its replies come back in the order the requests were "
           "sent, and whichever thread reads first takes the first one. Here thread A sends "
           "GET slow:a and means to read the reply later (the server takes 20 ms over it); "
           "meanwhile thread B sends GET fast:b on the same connection and reads: the first "
           "reply on the socket is A's. The threads take their turns in that order every time, "
           "so the outcome is certain rather than luck; free-running threads hit it sooner or "
           "later, and may also corrupt the context's buffers and crash, which is why the naive "
           "run is in a child process.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);

    ls_naive("two threads, one redisContext, no lock");
    naive_phase(srv, port);

    ls_say("The fix is ownership, not cleverness: one connection per thread (as here), or a "
           "pool where a thread checks a connection out, uses it alone and returns it "
           "(rc_pool.h).");
    ls_right("one connection per thread, %d requests each", ITERATIONS);
    right_phase(srv, port);

    ls_server_stop(srv);
    return ls_end();
}
