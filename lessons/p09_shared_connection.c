/* p09_shared_connection.c - P9: one redisContext shared by two threads.
 *
 * A redisContext is a socket plus an output buffer plus a reply parser,
 * with no lock. Two threads using it at once interleave their requests and
 * replies: each may read the reply meant for the other (or corrupt the
 * buffers and crash). The scenario delays GET slow:* by 20 ms, so a fast
 * request sent behind a slow one waits on the same socket. The right code
 * gives each thread a connection of its own. */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lesson.h"
#include "rc.h"

#define ITERATIONS        50 /* requests per thread, in both phases */
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

/* State shared by the naive threads: the one context, and what went wrong. */
struct shared {
    redisContext *c;
    atomic_int outcome;    /* 0 until a thread sees something wrong */
    atomic_int finished;   /* threads that completed every iteration */
    char seen[160];        /* written once, by the thread that set outcome ... */
    atomic_int seen_ready; /* ... which then sets this */
};

struct naive_thread {
    struct shared *sh;
    const struct caller *who;
};

/* Records the first thing that went wrong; later ones are ignored. Only
 * the thread that wins the compare-exchange writes sh->seen. */
static void naive_report(struct shared *sh, int outcome, const struct caller *who, const char *what)
{
    int none = 0;
    if (atomic_compare_exchange_strong(&sh->outcome, &none, outcome)) {
        snprintf(sh->seen, sizeof(sh->seen), "%s asked for %s and got %s", who->name, who->key,
                 what);
        atomic_store(&sh->seen_ready, 1);
    }
}

/* NAIVE: both threads use the same context, with no lock. */
LS_NAIVE_CODE static void *naive_thread_main(void *arg)
{
    struct naive_thread *t = arg;
    struct shared *sh = t->sh;
    for (int i = 0; i < ITERATIONS && atomic_load(&sh->outcome) == 0; i++) {
        redisReply *r = NULL;
        redisAppendCommand(sh->c, "GET %s", t->who->key);
        if (redisGetReply(sh->c, (void **)&r) != REDIS_OK || r == NULL) {
            naive_report(sh, NAIVE_BROKEN_CONTEXT, t->who, "an error: the context broke");
            return NULL;
        }
        if (r->type != REDIS_REPLY_STRING) {
            naive_report(sh, NAIVE_WRONG_REPLY, t->who, "a reply that is not a string");
        } else if (strcmp(r->str, t->who->expect) != 0) {
            char what[128]; /* 80 + quotes + the sentence */
            snprintf(what, sizeof(what), "\"%.80s\" -- the other thread's value", r->str);
            naive_report(sh, NAIVE_WRONG_REPLY, t->who, what);
        }
        freeReplyObject(r);
    }
    atomic_fetch_add(&sh->finished, 1);
    return NULL;
}

/* Runs in a child process (ls_run_child): the two threads race on one
 * context until a wrong reply is seen, both finish, or the deadline. */
LS_NAIVE_CODE static int naive_shared(void *arg)
{
    int port = *(int *)arg;
    struct shared sh;
    memset(&sh, 0, sizeof(sh));
    sh.c = redisConnect("127.0.0.1", port);
    if (sh.c == NULL || sh.c->err)
        return 1;
    struct naive_thread t[2] = {{&sh, &CALLERS[0]}, {&sh, &CALLERS[1]}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, naive_thread_main, &t[i]);
    long long start = ls_now_us();
    /* Poll rather than join: a thread may be stuck forever in read(),
     * waiting for a reply the other thread already took. */
    while (atomic_load(&sh.seen_ready) == 0 && atomic_load(&sh.finished) < 2 &&
           ls_now_us() - start < NAIVE_DEADLINE_MS * 1000LL) {
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    int outcome = atomic_load(&sh.outcome);
    if (outcome != 0) {
        if (atomic_load(&sh.seen_ready))
            printf("     %s\n", sh.seen);
        return outcome;
    }
    if (atomic_load(&sh.finished) < 2) {
        printf("     a thread is still waiting for a reply after %d ms\n", NAIVE_DEADLINE_MS);
        return NAIVE_STUCK;
    }
    return NAIVE_NOTHING_SEEN; /* threads keep running; _exit ends them */
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
        int st = rc_get(c, t->who->key, strlen(t->who->key), &v);
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
    int went_wrong = !(r.how == LS_EXITED && r.code == NAIVE_NOTHING_SEEN);
    if (r.how == LS_EXITED && r.code == NAIVE_WRONG_REPLY)
        ls_show("(exit status %d: a reply was delivered to the wrong caller)", NAIVE_WRONG_REPLY);
    ls_claim(went_wrong,
             "sharing one context goes wrong: a wrong reply, a broken context, a hang or a crash");
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
           "sent, and whichever thread reads first takes the first one. Here thread A asks for "
           "slow:a (the server holds that reply 20 ms) while thread B asks for fast:b on the "
           "same connection: B's read can wake up with A's value. The naive run is in a child "
           "process, because racing on one context may also corrupt its buffers and crash.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);

    ls_naive("two threads, one redisContext, no lock (up to %d requests each, %d ms)", ITERATIONS,
             NAIVE_DEADLINE_MS);
    naive_phase(srv, port);

    ls_say("The fix is ownership, not cleverness: one connection per thread (as here), or a "
           "pool where a thread checks a connection out, uses it alone and returns it "
           "(rc_pool.h).");
    ls_right("one connection per thread, %d requests each", ITERATIONS);
    right_phase(srv, port);

    ls_server_stop(srv);
    return ls_end();
}
