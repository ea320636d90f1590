/* p03_missing_keys.c - P3: a missing key is a nil reply, not a crash.
 *
 * The naive code reads reply->str without looking at reply->type; on a nil
 * reply str is NULL and the process dies. The right code asks the client
 * layer, which tells found / missing / error apart, and fills a miss from
 * the source of truth with a TTL (cache-aside). */
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lesson.h"
#include "rc.h"

/* NAIVE: trusts that GET always returns a string. */
LS_NAIVE_CODE static int naive_lookup(void *arg)
{
    int port = *(int *)arg;
    redisContext *c = redisConnect("127.0.0.1", port);
    redisReply *r = redisCommand(c, "GET %s", "user:42");
    size_t n = strlen(r->str); /* r->str is NULL for a nil reply: SIGSEGV */
    printf("     naive code read %zu bytes\n", n);
    freeReplyObject(r);
    redisFree(c);
    return 0;
}

int main(void)
{
    ls_begin("P3", "missing keys");
    ls_say("GET of a key that does not exist is not an error in Redis: it is a nil reply "
           "(REDIS_REPLY_NIL), and hiredis leaves reply->str NULL. Code that reads reply->str "
           "without checking reply->type dereferences NULL.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);

    ls_naive("read reply->str without checking the reply type");
    ls_play(srv, "p03-missing-key.scn");
    struct ls_result r = ls_run_child(naive_lookup, &port, 5000);
    char how[128];
    ls_show("the naive lookup of user:42 %s", ls_describe(&r, how, sizeof(how)));
    ls_claim(r.how == LS_SIGNALED && r.code == SIGSEGV, "the naive code is killed by SIGSEGV");
    ls_claim(ls_verdict(srv, NULL, 0) == 0, "the scenario's expectations fail for the naive code");

    ls_right("found / missing / error as distinct outcomes, then cache-aside");
    ls_play(srv, "p03-missing-key.scn");
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    struct rc_conn *conn = NULL;
    char err[128];
    if (ls_claim(rc_connect(&cfg, &conn, err, sizeof(err)) == RC_OK, "the client connects")) {
        struct rc_value v = RC_VALUE_INIT;
        int st = rc_get(conn, "user:42", 7, &v);
        ls_show("rc_get(user:42) -> %s", rc_strerror(st));
        ls_claim(st == RC_MISSING, "a missing key is reported as RC_MISSING, not as a crash");
        if (st == RC_MISSING) {
            /* The source of truth (here a constant) fills the cache with a TTL. */
            rc_set(conn, "user:42", 7, "bob", 3, 300000);
            st = rc_get(conn, "user:42", 7, &v);
            ls_claim(st == RC_OK && v.len == 3 && memcmp(v.str, "bob", 3) == 0,
                     "after loading it, the next read finds it");
        }
        rc_value_free(&v);
        rc_close(conn);
    }
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
    ls_server_stop(srv);
    return ls_end();
}
