/* p05_wrong_type.c - P5: a reply of the wrong type is an outcome to handle.
 *
 * The naive code assumes GET always answers with a string. When the key
 * holds a list, Redis answers with a WRONGTYPE error, and hiredis puts the
 * error text in reply->str: the naive code happily uses that text as the
 * value (a wrong answer, no crash). When the answer is an integer, hiredis
 * 0.14 leaves reply->str NULL: the naive code dies. The right code uses
 * typed accessors that check reply->type and report a typed status, then
 * reads the list as a list. */
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lesson.h"
#include "rc.h"

/* NAIVE: GET queue, and whatever is in reply->str is "the value".
 * Returns the value it believes it read, copied into out. */
static void naive_get_queue(int port, char *out, size_t size)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    redisReply *r = redisCommand(c, "GET %s", "queue");
    /* No look at r->type: an error reply also has str and len. */
    snprintf(out, size, "%s", r->str);
    freeReplyObject(r);
    redisFree(c);
}

/* NAIVE: GET answer, then measures the string. Run in a child process. */
LS_NAIVE_CODE static int naive_get_answer(void *arg)
{
    int port = *(int *)arg;
    redisContext *c = redisConnect("127.0.0.1", port);
    redisReply *r = redisCommand(c, "GET %s", "answer");
    /* The reply is REDIS_REPLY_INTEGER: the number is in r->integer, and
     * hiredis 0.14 leaves r->str NULL. strlen(NULL): SIGSEGV. */
    size_t n = strlen(r->str);
    printf("     naive code read %zu bytes\n", n);
    freeReplyObject(r);
    redisFree(c);
    return 0;
}

/* What the key really is, asked with TYPE (through the typed client). */
static void real_type(struct rc_conn *conn, const char *key, char *out, size_t size)
{
    const char *argv[] = {"TYPE", key};
    redisReply *r = NULL;
    snprintf(out, size, "?");
    if (rc_cmd_argv(conn, 2, argv, NULL, &r) == RC_OK && r->type == REDIS_REPLY_STATUS)
        snprintf(out, size, "%s", r->str);
    if (r)
        freeReplyObject(r);
}

static void run_naive(struct mh_server *srv, int port, struct rc_conn *probe)
{
    ls_naive("use reply->str without checking reply->type");
    ls_play(srv, "p05-wrong-type.scn");

    char value[256], type[32];
    naive_get_queue(port, value, sizeof(value));
    real_type(probe, "queue", type, sizeof(type));
    ls_show("the naive code read queue = \"%s\"", value);
    ls_show("TYPE queue -> %s", type);
    ls_claim(strncmp(value, "WRONGTYPE", 9) == 0 && strcmp(type, "list") == 0,
             "the naive code took an error text for the value of a list (a wrong answer)");

    struct ls_result r = ls_run_child(naive_get_answer, &port, 5000);
    char how[128];
    ls_show("the naive GET answer + strlen(reply->str) %s", ls_describe(&r, how, sizeof(how)));
    ls_claim(r.how == LS_SIGNALED && r.code == SIGSEGV,
             "an integer reply kills the naive code with SIGSEGV (reply->str is NULL)");
    ls_claim(ls_verdict(srv, NULL, 0) == 0,
             "the scenario's expectations fail for the naive code (it never read the list)");
}

/* RIGHT: reads the queue as what it is: LRANGE, an array of strings. */
static void read_queue(struct rc_conn *conn)
{
    const char *argv[] = {"LRANGE", "queue", "0", "-1"};
    redisReply *r = NULL;
    enum rc_status st = rc_cmd_argv(conn, 4, argv, NULL, &r);
    int ok = st == RC_OK && r->type == REDIS_REPLY_ARRAY && r->elements == 2;
    for (size_t i = 0; ok && i < r->elements; i++) {
        ok = r->element[i]->type == REDIS_REPLY_STRING;
        if (ok)
            ls_show("queue[%zu] = \"%s\"", i, r->element[i]->str);
    }
    ls_claim(ok && strcmp(r->element[0]->str, "job1") == 0 &&
                 strcmp(r->element[1]->str, "job2") == 0,
             "read as a list (LRANGE), the queue holds job1 and job2");
    if (r)
        freeReplyObject(r);
}

static void run_right(struct mh_server *srv, struct rc_conn *conn)
{
    ls_right("typed accessors: check the reply type, return a typed status");
    ls_play(srv, "p05-wrong-type.scn");
    unsigned long connects = rc_connects(conn);

    struct rc_value v = RC_VALUE_INIT;
    enum rc_status st = rc_get(conn, RC_LIT("queue"), &v);
    ls_show("rc_get(queue) -> %s (%s)", rc_strerror(st), rc_errmsg(conn));
    ls_claim(st == RC_WRONGTYPE && v.str == NULL, "GET of a list is RC_WRONGTYPE, and no value");

    st = rc_get(conn, RC_LIT("answer"), &v);
    ls_show("rc_get(answer) -> %s (%s)", rc_strerror(st), rc_errmsg(conn));
    ls_claim(st == RC_WRONGTYPE && v.str == NULL,
             "an integer where a string was expected is RC_WRONGTYPE, not a crash");

    long long n = 0;
    st = rc_incrby(conn, RC_LIT("title"), 1, &n);
    ls_show("rc_incrby(title, 1) -> %s (%s)", rc_strerror(st), rc_errmsg(conn));
    ls_claim(st == RC_ERR_REPLY, "INCR on text is RC_ERR_REPLY (not an integer)");

    read_queue(conn);
    ls_claim(rc_connects(conn) == connects,
             "every error was a reply: the same connection served every call");
    rc_value_free(&v);
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
}

int main(void)
{
    ls_begin("P5", "type mismatch at run time");
    ls_say("Redis keys have types. GET on a list is answered with an error "
           "(WRONGTYPE ...), INCR on text with \"ERR value is not an integer\", and a server "
           "or a proxy may answer with a reply type the caller did not expect. hiredis hands "
           "all of these back as a redisReply: only reply->type says what is inside.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);

    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    struct rc_conn *conn = NULL;
    char err[128];
    if (ls_claim(rc_connect(&cfg, &conn, err, sizeof(err)) == RC_OK, "the client connects")) {
        run_naive(srv, port, conn);
        run_right(srv, conn);
        rc_close(conn);
    }
    ls_server_stop(srv);
    return ls_end();
}
