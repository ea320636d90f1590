/* p02_serialization.c - P2: one value, one argument.
 *
 * On the wire every argument of a command is one length-prefixed bulk
 * string. hiredis builds those arguments from a format: literal text is
 * split on spaces, and a %s argument is read up to its first NUL byte. The
 * naive code builds the whole command with snprintf and hands the result
 * to redisCommand as the format, so "hello world" becomes two arguments,
 * and it passes a binary value with %s, so "a\0b" arrives as "a". The
 * right code passes an argument vector with lengths (rc_cmd_argv) or uses
 * %b with a length, and stores a C struct as hash fields (updated one field
 * at a time) or as JSON, never as its raw bytes. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>

#include "lesson.h"
#include "rc.h"
#include "user.h"

/* The binary value of the lesson: 'a', a NUL byte, 'b' (3 bytes). */
static const char BLOB[3] = {'a', '\0', 'b'};

/* A reply as one readable line: the type decides which field means something. */
static void describe_reply(const redisReply *r, char *out, size_t size)
{
    if (r == NULL)
        snprintf(out, size, "no reply (I/O error)");
    else if (r->type == REDIS_REPLY_ERROR)
        snprintf(out, size, "(error) %s", r->str);
    else if (r->type == REDIS_REPLY_STATUS)
        snprintf(out, size, "%s", r->str);
    else if (r->type == REDIS_REPLY_INTEGER)
        snprintf(out, size, "(integer) %lld", r->integer);
    else if (r->type == REDIS_REPLY_STRING)
        snprintf(out, size, "\"%s\" (%zu bytes)", r->str, r->len);
    else if (r->type == REDIS_REPLY_NIL)
        snprintf(out, size, "(nil)");
    else
        snprintf(out, size, "a reply of type %d", r->type);
}

/* Shows "what -> reply", then frees the reply. Returns 1 when the reply was
 * an error whose text starts with err_prefix. */
static int show_reply(const char *what, redisReply *r, const char *err_prefix)
{
    char line[256];
    describe_reply(r, line, sizeof(line));
    ls_show("%s -> %s", what, line);
    int is_err = r != NULL && r->type == REDIS_REPLY_ERROR &&
                 strncmp(r->str, err_prefix, strlen(err_prefix)) == 0;
    if (r)
        freeReplyObject(r);
    return is_err;
}

/* NAIVE: the command is built as text, then the text is used as the format.
 * hiredis splits a format on spaces: SET, greeting, hello, world -- four
 * arguments, and Redis's SET does not take "world". */
static int naive_set_greeting(redisContext *c)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "SET greeting %s", "hello world");
    redisReply *r = redisCommand(c, cmd);
    return show_reply("redisCommand(c, \"SET greeting hello world\")", r, "ERR syntax error");
}

/* NAIVE: %s reads a C string, which ends at the first NUL byte: only "a"
 * is sent. Returns the length Redis stored. */
static long long naive_set_blob(redisContext *c)
{
    redisReply *r = redisCommand(c, "SET blob %s", BLOB);
    show_reply("redisCommand(c, \"SET blob %s\", \"a\\0b\")", r, "");
    r = redisCommand(c, "STRLEN blob");
    long long len = (r != NULL && r->type == REDIS_REPLY_INTEGER) ? r->integer : -1;
    show_reply("STRLEN blob", r, "");
    return len;
}

static void run_naive(struct mh_server *srv, int port)
{
    ls_naive("snprintf the command, use it as the format; binary values with %%s");
    ls_play(srv, "p02-serialization.scn");
    redisContext *c = redisConnect("127.0.0.1", port);
    if (!ls_claim(c != NULL && c->err == 0, "the naive code connects")) {
        if (c)
            redisFree(c);
        return;
    }
    ls_claim(naive_set_greeting(c),
             "\"hello world\" was split into two arguments: Redis answers ERR syntax error");
    long long len = naive_set_blob(c);
    ls_claim(len == 1, "%%s stopped at the NUL byte: Redis stored 1 byte (\"a\"), not 3");
    redisFree(c);
    ls_claim(ls_verdict(srv, NULL, 0) == 0,
             "the scenario's expectations fail for the naive code (no SET of the whole values)");
}

/* RIGHT: an argument vector; each argument is sent whole, spaces and all. */
static void right_greeting(struct rc_conn *conn)
{
    const char *argv[] = {"SET", "greeting", "hello world"};
    enum rc_status st = rc_cmd_argv(conn, 3, argv, NULL, NULL); /* NULL lengths: C strings */
    ls_show("rc_cmd_argv(SET, greeting, \"hello world\") -> %s", rc_strerror(st));
    struct rc_value v = RC_VALUE_INIT;
    st = rc_get(conn, RC_LIT("greeting"), &v);
    ls_show("rc_get(greeting) -> %s \"%s\"", rc_strerror(st), v.str ? v.str : "");
    ls_claim(st == RC_OK && rc_value_eq(&v, RC_LIT("hello world")),
             "\"hello world\" went as one argument and came back whole");
    rc_value_free(&v);
}

/* RIGHT: %b takes a pointer and a length, so the NUL byte is just a byte.
 * (rc_cmd_argv with argvlen does the same.) */
static void right_blob(int port, struct rc_conn *conn)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    if (!ls_claim(c != NULL && c->err == 0, "a plain hiredis connection for the %%b call")) {
        if (c)
            redisFree(c);
        return;
    }
    redisReply *r = redisCommand(c, "SET blob %b", BLOB, sizeof(BLOB));
    show_reply("redisCommand(c, \"SET blob %b\", \"a\\0b\", 3)", r, "");
    redisFree(c);

    const char *argv[] = {"STRLEN", "blob"};
    r = NULL;
    enum rc_status st = rc_cmd_argv(conn, 2, argv, NULL, &r);
    long long len = (st == RC_OK && r->type == REDIS_REPLY_INTEGER) ? r->integer : -1;
    show_reply("STRLEN blob", r, "");
    struct rc_value v = RC_VALUE_INIT;
    st = rc_get(conn, RC_LIT("blob"), &v);
    ls_claim(len == 3 && st == RC_OK && rc_value_eq(&v, BLOB, sizeof(BLOB)),
             "STRLEN blob is 3 and GET returns the bytes 'a', 0, 'b'");
    rc_value_free(&v);
}

/* RIGHT: a struct as hash fields; one field changes alone, on the server. */
static void right_user_hash(struct rc_conn *conn)
{
    struct user ann = {"ann", 0};
    enum rc_status st = user_save_hash(conn, RC_LIT("user:1"), &ann);
    ls_show("user_save_hash(user:1, {ann, 0}) -> %s", rc_strerror(st));
    int visits = -1;
    enum rc_status st2 = user_visit(conn, RC_LIT("user:1"), &visits); /* HINCRBY user:1 visits 1 */
    ls_show("user_visit(user:1) -> %s, visits = %d", rc_strerror(st2), visits);
    struct user back;
    enum rc_status st3 = user_load_hash(conn, RC_LIT("user:1"), &back);
    ls_show("user_load_hash(user:1) -> %s {name \"%s\", visits %d}", rc_strerror(st3), back.name,
            back.visits);
    ls_claim(st == RC_OK && st2 == RC_OK && st3 == RC_OK && strcmp(back.name, "ann") == 0 &&
                 back.visits == 1,
             "stored as a hash, one HINCRBY updated visits without rewriting the name");
}

/* RIGHT: a struct as JSON in one string key: readable by any language. */
static void right_user_json(struct rc_conn *conn)
{
    struct user bob = {"bob \"the builder\"", 3};
    enum rc_status st = user_save_json(conn, RC_LIT("user:2:json"), &bob, 0);
    struct rc_value raw = RC_VALUE_INIT;
    rc_get(conn, RC_LIT("user:2:json"), &raw);
    ls_show("user_save_json -> %s; stored: %s", rc_strerror(st), raw.str ? raw.str : "");
    rc_value_free(&raw);
    struct user back;
    enum rc_status st2 = user_load_json(conn, RC_LIT("user:2:json"), &back);
    ls_show("user_load_json -> %s {name \"%s\", visits %d}", rc_strerror(st2), back.name,
            back.visits);
    ls_claim(st == RC_OK && st2 == RC_OK && strcmp(back.name, bob.name) == 0 &&
                 back.visits == bob.visits,
             "stored as JSON, the struct (quotes in its name included) round-trips");
}

static void run_right(struct mh_server *srv, int port)
{
    ls_right("argument vectors or %%b with a length; structs as hash fields or JSON");
    ls_play(srv, "p02-serialization.scn");
    struct rc_config cfg = rc_config_default();
    rc_config_set_host(&cfg, "127.0.0.1", port);
    struct rc_conn *conn = NULL;
    char err[128];
    if (!ls_claim(rc_connect(&cfg, &conn, err, sizeof(err)) == RC_OK, "the client connects"))
        return;
    right_greeting(conn);
    right_blob(port, conn);
    right_user_hash(conn);
    right_user_json(conn);
    rc_close(conn);
    ls_claim(ls_verdict(srv, NULL, 0) == 1, "the scenario's expectations hold for the right code");
}

int main(void)
{
    ls_begin("P2", "the serialization boundary");
    ls_say("Redis receives every command as a list of binary-safe strings. hiredis builds "
           "that list from a printf-like format: the format's own text is split on spaces, "
           "%%s copies a C string (up to its first NUL byte) and %%b copies a pointer and a "
           "length. Build the command as text first and a value with a space becomes two "
           "arguments; pass bytes with %%s and they are cut at the first zero.");
    struct mh_server *srv = ls_server(NULL);
    if (srv == NULL)
        return ls_end();
    int port = mh_server_port(srv);
    run_naive(srv, port);
    run_right(srv, port);
    ls_server_stop(srv);
    return ls_end();
}
