/* p10_expiry.c - P10: a key can vanish between two reads.
 *
 * The naive code reads session:1 once, remembers that it exists, and reads
 * it again as if it still had to be a string. Between the two reads its TTL
 * ran out (the scenario moves a virtual clock 61 s forward), so the second
 * read is nil, and the naive code uses it as session data anyway. The right
 * code is cache-aside: every read may miss, and a miss reloads the value
 * from the source of truth and stores it again with a TTL. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>

#include "lesson.h"
#include "rc.h"

/* What the naive code ended up believing. */
struct naive_view {
    int exists;        /* its cached "session:1 exists" */
    int second_type;   /* the reply type of the second read */
    size_t second_len; /* the length it used as the session data's size */
};

/* NAIVE: reads once, caches "it exists", and on the next read assumes it
 * still does, so it takes the reply's len as the session's size. */
static void naive_session(int port, struct naive_view *out)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    redisReply *r = redisCommand(c, "GET %s", "session:1");
    out->exists = r->type == REDIS_REPLY_STRING; /* cached for "later" */
    freeReplyObject(r);

    r = redisCommand(c, "GET %s", "session:1");
    out->second_type = r->type;
    if (out->exists)
        out->second_len = r->len; /* 0 for a nil reply: an "empty session" */
    freeReplyObject(r);
    redisFree(c);
}

/* The source of truth (a database in real life, a constant here). */
static const char *load_session_from_db(void)
{
    return "data";
}

/* RIGHT: cache-aside. A miss is normal: reload and store with a TTL. */
static enum rc_status get_session(struct rc_conn *conn, struct rc_value *v, int *reloaded)
{
    enum rc_status st = rc_get(conn, RC_LIT("session:1"), v);
    *reloaded = 0;
    if (st != RC_MISSING)
        return st;
    const char *fresh = load_session_from_db();
    st = rc_set(conn, RC_LIT("session:1"), fresh, strlen(fresh), 60000);
    if (st != RC_OK)
        return st;
    *reloaded = 1;
    return rc_get(conn, RC_LIT("session:1"), v);
}

/* An integer asked of the server (MOCK CLOCK GET, TTL ...), or -1. */
static long long ask_integer(struct rc_conn *conn, int argc, const char **argv)
{
    redisReply *r = NULL;
    long long n = -1;
    if (rc_cmd_argv(conn, argc, argv, NULL, &r) == RC_OK && r->type == REDIS_REPLY_INTEGER)
        n = r->integer;
    if (r)
        freeReplyObject(r);
    return n;
}

static long long server_clock_ms(struct rc_conn *conn)
{
    const char *argv[] = {"MOCK", "CLOCK", "GET"};
    return ask_integer(conn, 3, argv);
}

static void run_naive(struct mh_server *srv, int port)
{
    ls_naive("read once, assume the key is still there next time");
    ls_play(srv, "p10-expiry.scn");
    struct naive_view nv = {0, 0, 0};
    naive_session(port, &nv);
    ls_show("first read: session:1 %s", nv.exists ? "exists (cached as a fact)" : "is missing");
    ls_show("second read: reply type %s, used as a session of %zu bytes",
            nv.second_type == REDIS_REPLY_NIL ? "nil" : "not nil", nv.second_len);
    ls_claim(nv.exists && nv.second_type == REDIS_REPLY_NIL,
             "the naive assumption was wrong: the key expired between the two reads");
    ls_claim(ls_verdict(srv, NULL, 0) == 0,
             "the scenario's expectations fail for the naive code (it never reloaded)");
}

static void run_right(struct mh_server *srv, struct rc_conn *conn)
{
    ls_right("cache-aside: a miss reloads from the source of truth, with a TTL");
    ls_play(srv, "p10-expiry.scn");
    long long start = ls_now_us();
    long long clock0 = server_clock_ms(conn);
    for (int i = 1; i <= 2; i++) {
        struct rc_value v = RC_VALUE_INIT;
        int reloaded = 0;
        enum rc_status st = get_session(conn, &v, &reloaded);
        ls_show("read %d: %s%s%s", i, rc_strerror(st), v.str ? ", value " : "", v.str ? v.str : "");
        if (reloaded)
            ls_show("read %d missed: reloaded from the source of truth, SET with a 60 s TTL", i);
        ls_claim(st == RC_OK && rc_value_eq(&v, RC_LIT("data")), "read %d returns the session%s", i,
                 i == 2 ? " (reloaded after it expired)" : "");
        if (i == 2)
            ls_claim(reloaded, "the second read missed and the code reloaded the key");
        rc_value_free(&v);
    }
    long long moved = server_clock_ms(conn) - clock0;
    long long ms = (ls_now_us() - start) / 1000;
    const char *ttl_argv[] = {"TTL", "session:1"};
    long long ttl = ask_integer(conn, 2, ttl_argv);
    ls_show("TTL session:1 -> %lld s", ttl);
    ls_claim(ttl > 0 && ttl <= 60, "the reloaded key has a TTL again (it will expire, not linger)");
    ls_show("the server's clock moved %lld ms; the lesson's wall clock moved %lld ms", moved, ms);
    /* Compared with the TTL, not with a number of ms: the real clock moves
     * as slowly as the machine runs, but sleeping for the TTL would take
     * the whole 61 s. */
    ls_claim(clock0 > 0 && moved >= 61000 && ms < moved,
             "nobody slept for the TTL: the virtual clock moved 61 s, the real one far less");
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
}

int main(void)
{
    ls_begin("P10", "evictions and expiry");
    ls_say("A key read a moment ago can be gone at the next read: its TTL ran out, or the "
           "server evicted it under memory pressure. Code that read it once and treats its "
           "existence as a fact breaks. This scenario runs a virtual clock: just before the "
           "second GET of session:1 it jumps 61 s forward, past the key's 60 s TTL.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);

    run_naive(srv, port);

    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    struct rc_conn *conn = NULL;
    char err[128];
    if (ls_claim(rc_connect(&cfg, &conn, err, sizeof(err)) == RC_OK, "the client connects")) {
        run_right(srv, conn);
        rc_close(conn);
    }
    ls_server_stop(srv);
    return ls_end();
}
