/* p03_missing_keys.c - P3: a missing key is a nil reply, not a crash.
 *
 * The naive code reads reply->str without looking at reply->type; on a nil
 * reply str is NULL and the process dies. The fix is three lines of plain
 * hiredis (look at reply->type before reading any other field); the client
 * layer makes the same check in one place, so a caller gets found /
 * missing / error as a status. Both fill a miss from the source of truth
 * with a TTL (cache-aside). */
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

/* RIGHT, in plain hiredis: the naive lookup plus three checks, each
 * before reply->str is touched. Returns 1 found (the value is copied into
 * value, size bytes), 0 missing, -1 error. */
static int hiredis_lookup(redisContext *c, const char *key, char *value, size_t size)
{
    redisReply *r = redisCommand(c, "GET %s", key);
    if (r == NULL) /* check 1: no reply at all is an I/O error (c->errstr) */
        return -1;
    /* -1 for an error reply (r->str is its text) or an unexpected type. */
    int st = -1;
    if (r->type == REDIS_REPLY_NIL) /* check 2: nil means missing, not an error */
        st = 0;
    if (r->type == REDIS_REPLY_STRING) { /* check 3: only now is r->str the value */
        snprintf(value, size, "%.*s", (int)r->len, r->str);
        st = 1;
    }
    freeReplyObject(r);
    return st;
}

/* The plain-hiredis fix against the scenario: the miss is seen, filled
 * from the source of truth with a TTL, and found on the next read. */
static void run_hiredis_fix(struct mh_server *srv, int port)
{
    ls_right("the same fix in plain hiredis: three checks before reading reply->str");
    redisContext *c = redisConnect("127.0.0.1", port);
    if (!ls_claim(c != NULL && c->err == 0, "hiredis connects")) {
        redisFree(c);
        return;
    }
    /* The right code above cached user:42: start from a cold cache again. */
    freeReplyObject(redisCommand(c, "DEL user:42"));
    ls_play(srv, "p03-missing-key.scn");
    char value[64] = "";
    int st = hiredis_lookup(c, "user:42", value, sizeof(value));
    ls_show("hiredis_lookup(user:42) -> %d (1 found, 0 missing, -1 error)", st);
    ls_claim(st == 0, "the miss is a nil reply, seen as 'missing', not a crash");
    if (st == 0) {
        freeReplyObject(redisCommand(c, "SET %s %s EX 300", "user:42", "bob"));
        st = hiredis_lookup(c, "user:42", value, sizeof(value));
        ls_claim(st == 1 && strcmp(value, "bob") == 0, "after loading it, the next read finds it");
    }
    redisFree(c);
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for this code");
    ls_say("rc_get makes the same three checks, once, in the client layer (rc__reply_take in "
           "client/rc.c): no caller can forget one, and the answer comes as a status.");
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
        enum rc_status st = rc_get(conn, RC_LIT("user:42"), &v);
        ls_show("rc_get(user:42) -> %s", rc_strerror(st));
        ls_claim(st == RC_MISSING, "a missing key is reported as RC_MISSING, not as a crash");
        if (st == RC_MISSING) {
            /* The source of truth (here a constant) fills the cache with a TTL. */
            rc_set(conn, RC_LIT("user:42"), RC_LIT("bob"), 300000);
            st = rc_get(conn, RC_LIT("user:42"), &v);
            ls_claim(st == RC_OK && rc_value_eq(&v, RC_LIT("bob")),
                     "after loading it, the next read finds it");
        }
        rc_value_free(&v);
        rc_close(conn);
    }
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");

    run_hiredis_fix(srv, port);
    ls_server_stop(srv);
    return ls_end();
}
