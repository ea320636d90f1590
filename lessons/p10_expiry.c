/* p10_expiry.c - P10: a key can vanish between two reads.
 *
 * Part 1, expiry (p10-expiry.scn): the naive code reads session:1 once,
 * remembers that it exists, and reads it again as if it still had to be a
 * string. Between the two reads its TTL ran out (the scenario moves a
 * virtual clock 61 s forward), so the second read is nil, and the naive
 * code uses it as session data anyway. The right code is cache-aside:
 * every read may miss, and a miss reloads the value from the source of
 * truth and stores it again with a TTL.
 *
 * Part 2, eviction (p10-eviction.scn): a cache under maxmemory with
 * allkeys-lru. The naive code warmed the cache with every page and assumes
 * a page written stays; other data then needs the room, and the server
 * evicts the pages read least recently. The naive code renders the missing
 * page as an empty one; the right code treats the miss as a miss and
 * re-fetches. Every claim is read from the server: INFO's evicted_keys,
 * the keys left, and the scenario's verdict (exact: a virtual clock that
 * moves one second per command, and the scenario's seed). */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- part 2: eviction under maxmemory ------------------------------------------------- */

/* INFO stats's evicted_keys, or -1. */
static long long evicted_keys(struct rc_conn *conn)
{
    const char *argv[] = {"INFO", "stats"};
    redisReply *r = NULL;
    long long n = -1;
    if (rc_cmd_argv(conn, 2, argv, NULL, &r) == RC_OK && r->type == REDIS_REPLY_STRING) {
        const char *p = strstr(r->str, "evicted_keys:");
        if (p)
            n = atoll(p + strlen("evicted_keys:"));
    }
    if (r)
        freeReplyObject(r);
    return n;
}

static long long exists(struct rc_conn *conn, const char *key)
{
    const char *argv[] = {"EXISTS", key};
    return ask_integer(conn, 2, argv);
}

/* Other data that needs room in the cache: a 3 kB blob. */
static void write_blob(redisContext *c, const char *key)
{
    redisReply *r = redisCommand(c, "SETRANGE %s 3000 x", key);
    if (r)
        freeReplyObject(r);
}

/* NAIVE: the cache was warmed with every page, so a page is always there:
 * the reply's bytes are the page, whatever the reply is. */
static size_t naive_render(redisContext *c, const char *page)
{
    redisReply *r = redisCommand(c, "GET %s", page);
    size_t len = r ? r->len : 0; /* nil: an empty page, rendered as if it were one */
    if (r)
        freeReplyObject(r);
    return len;
}

static const char *load_page_from_db(const char *page)
{
    return strcmp(page, "page:home") == 0 ? "<html>home</html>" : "<html>about</html>";
}

/* RIGHT: a miss is a miss: re-fetch the page and put it back. */
static enum rc_status get_page(struct rc_conn *conn, const char *page, struct rc_value *v,
                               int *refetched)
{
    enum rc_status st = rc_get(conn, page, strlen(page), v);
    *refetched = 0;
    if (st != RC_MISSING)
        return st;
    const char *fresh = load_page_from_db(page);
    st = rc_set(conn, page, strlen(page), fresh, strlen(fresh), 0);
    if (st != RC_OK)
        return st;
    *refetched = 1;
    v->str = strdup(fresh);
    v->len = strlen(fresh);
    return RC_OK;
}

static void run_naive_eviction(struct mh_server *srv, int port, struct rc_conn *conn)
{
    ls_naive("warm the cache once, assume a page written stays");
    ls_play(srv, "p10-eviction.scn");
    long long before = evicted_keys(conn);
    redisContext *c = redisConnect("127.0.0.1", port);
    write_blob(c, "blob:1");
    size_t home = naive_render(c, "page:home");
    write_blob(c, "blob:2");
    size_t about = naive_render(c, "page:about");
    redisFree(c);
    long long evicted = evicted_keys(conn) - before;
    ls_show("page:home rendered with %zu bytes, page:about with %zu bytes", home, about);
    ls_show("INFO stats: %lld keys evicted meanwhile", evicted);
    ls_claim(home > 0 && about == 0,
             "the naive code rendered page:about empty: it was evicted, not \"cached forever\"");
    ls_claim(evicted == 2, "the server evicted two keys for the blobs' room (evicted_keys)");
    ls_claim(ls_verdict(srv, NULL, 0) == 0,
             "the scenario's expectations fail for the naive code (it never re-fetched)");
}

static void run_right_eviction(struct mh_server *srv, int port, struct rc_conn *conn)
{
    ls_right("cache-aside again: a miss re-fetches and stores the page");
    ls_play(srv, "p10-eviction.scn");
    long long before = evicted_keys(conn);
    redisContext *c = redisConnect("127.0.0.1", port);
    static const char *const steps[] = {"blob:1", "page:home", "blob:2", "page:about"};
    int ok = 1, refetched_about = 0;
    for (int i = 0; i < 4; i++) {
        if (strncmp(steps[i], "blob:", 5) == 0) {
            write_blob(c, steps[i]);
            continue;
        }
        struct rc_value v = RC_VALUE_INIT;
        int refetched = 0;
        enum rc_status st = get_page(conn, steps[i], &v, &refetched);
        ls_show("%s: %s%s", steps[i], v.str ? v.str : rc_strerror(st),
                refetched ? " (missed: re-fetched and stored again)" : "");
        ok = ok && st == RC_OK && strcmp(v.str, load_page_from_db(steps[i])) == 0;
        if (strcmp(steps[i], "page:about") == 0)
            refetched_about = refetched;
        rc_value_free(&v);
    }
    redisFree(c);
    ls_claim(ok, "every page read returned the page");
    ls_claim(refetched_about, "page:about missed (evicted) and was re-fetched");
    long long evicted = evicted_keys(conn) - before;
    ls_show("INFO stats: %lld keys evicted; left: page:home %lld, page:about %lld, blob:1 %lld, "
            "blob:2 %lld",
            evicted, exists(conn, "page:home"), exists(conn, "page:about"), exists(conn, "blob:1"),
            exists(conn, "blob:2"));
    ls_claim(evicted == 2 && exists(conn, "page:home") == 1 && exists(conn, "blob:1") == 0,
             "allkeys-lru took the two coldest keys (page:about, blob:1); page:home, read "
             "in between, stayed");
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
        ls_say("Memory pressure: the cache has a maxmemory and the allkeys-lru policy. Two "
               "pages are cached; two 3 kB blobs then need the room, and the server evicts the "
               "keys read least recently. A virtual clock moves one second per command.");
        run_naive_eviction(srv, port, conn);
        run_right_eviction(srv, port, conn);
        rc_close(conn);
    }
    ls_server_stop(srv);
    return ls_end();
}
