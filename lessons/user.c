/* user.c - struct user as JSON (jansson) and as a hash (see user.h).
 *
 * Decoding is where the care goes: a stored value comes from outside (another
 * program, an older version, a person with redis-cli), so every field is
 * checked for presence, kind and range before it touches the struct. A
 * value that fails is reported, never half-copied.
 *
 * Not here: a generic struct <-> JSON mapper. One explicit function per
 * struct is longer to type and much shorter to debug. */
#include "user.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rc.h"

/* The length of u->name, or -1 when it is not NUL-terminated inside its
 * array (a struct filled with memcpy or strncpy can be like that). */
static int name_len(const struct user *u)
{
    const char *end = memchr(u->name, '\0', sizeof(u->name));
    return end ? (int)(end - u->name) : -1;
}

/* Fails a decode: zeroes *out, records why, returns RC_WRONGTYPE. */
static enum rc_status bad_value(struct rc_conn *c, struct user *out, const char *why)
{
    memset(out, 0, sizeof(*out));
    rc_set_errmsg(c, why);
    return RC_WRONGTYPE;
}

/* ---- JSON ------------------------------------------------------------------- */

enum rc_status user_save_json(struct rc_conn *c, const char *key, size_t keylen,
                              const struct user *u, long long ttl_ms)
{
    int nlen = name_len(u);
    if (nlen < 0) {
        rc_set_errmsg(c, "user name is not NUL-terminated");
        return RC_ERR_ARG;
    }
    /* json_stringn checks UTF-8 and returns NULL for invalid text. */
    json_t *name = json_stringn(u->name, (size_t)nlen);
    if (name == NULL) {
        rc_set_errmsg(c, "user name is not valid UTF-8");
        return RC_ERR_ARG;
    }
    json_t *obj = json_object();
    if (obj == NULL || json_object_set_new(obj, "name", name) != 0 ||
        json_object_set_new(obj, "visits", json_integer(u->visits)) != 0) {
        if (obj == NULL)
            json_decref(name); /* set_new took it otherwise, even on failure */
        json_decref(obj);
        rc_set_errmsg(c, "out of memory");
        return RC_ERR_IO;
    }
    char *text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (text == NULL) {
        rc_set_errmsg(c, "out of memory");
        return RC_ERR_IO;
    }
    enum rc_status st = rc_set(c, key, keylen, text, strlen(text), ttl_ms);
    free(text); /* json_dumps allocates with malloc */
    return st;
}

enum rc_status user_load_json(struct rc_conn *c, const char *key, size_t keylen, struct user *out)
{
    memset(out, 0, sizeof(*out));
    struct rc_value v = RC_VALUE_INIT;
    enum rc_status st = rc_get(c, key, keylen, &v);
    if (st != RC_OK)
        return st;

    json_error_t jerr;
    json_t *obj = json_loadb(v.str, v.len, 0, &jerr);
    rc_value_free(&v);
    if (obj == NULL)
        return bad_value(c, out, "stored user is not JSON");

    json_t *name = json_object_get(obj, "name");     /* borrowed */
    json_t *visits = json_object_get(obj, "visits"); /* borrowed */
    if (!json_is_object(obj) || !json_is_string(name) || !json_is_integer(visits)) {
        json_decref(obj);
        return bad_value(c, out, "stored user lacks a string name or an integer visits");
    }
    size_t nlen = json_string_length(name);
    json_int_t n = json_integer_value(visits);
    /* JSON strings may hold "\u0000": refuse what a C string cannot hold. */
    if (nlen >= sizeof(out->name) || memchr(json_string_value(name), '\0', nlen) || n < INT_MIN ||
        n > INT_MAX) {
        json_decref(obj);
        return bad_value(c, out, "stored user has a name or visits out of range");
    }
    memcpy(out->name, json_string_value(name), nlen);
    out->name[nlen] = '\0';
    out->visits = (int)n;
    json_decref(obj);
    return RC_OK;
}

/* ---- hash ------------------------------------------------------------------- */

enum rc_status user_save_hash(struct rc_conn *c, const char *key, size_t keylen,
                              const struct user *u)
{
    int nlen = name_len(u);
    if (nlen < 0) {
        rc_set_errmsg(c, "user name is not NUL-terminated");
        return RC_ERR_ARG;
    }
    char visits[16];
    int vlen = snprintf(visits, sizeof(visits), "%d", u->visits);
    /* The command's own words are C strings (strlen counts them); the key
     * and the values carry their length, as they may hold any byte. */
    const char *argv[] = {"HSET", key, "name", u->name, "visits", visits};
    size_t argvlen[] = {strlen(argv[0]), keylen,          strlen(argv[2]),
                        (size_t)nlen,    strlen(argv[4]), (size_t)vlen};
    int argc = (int)(sizeof(argv) / sizeof(argv[0]));
    /* HSET's integer reply (fields added) is not needed: discard it. */
    return rc_cmd_argv(c, argc, argv, argvlen, NULL);
}

/* Parses an int written by Redis (HINCRBY) or by user_save_hash: the
 * whole string must be the number. Returns 0, or -1. */
static int parse_int(const char *s, size_t len, int *out)
{
    char buf[24];
    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long long n = strtoll(buf, &end, 10);
    if (errno || *end != '\0' || n < INT_MIN || n > INT_MAX)
        return -1;
    *out = (int)n;
    return 0;
}

enum rc_status user_load_hash(struct rc_conn *c, const char *key, size_t keylen, struct user *out)
{
    memset(out, 0, sizeof(*out));
    const char *argv[] = {"HMGET", key, "name", "visits"};
    size_t argvlen[] = {strlen(argv[0]), keylen, strlen(argv[2]), strlen(argv[3])};
    int argc = (int)(sizeof(argv) / sizeof(argv[0]));
    redisReply *r;
    enum rc_status st = rc_cmd_argv(c, argc, argv, argvlen, &r);
    if (st != RC_OK)
        return st;

    /* HMGET answers an array with one element per field, nil for a field
     * that is absent. Check the shape, then each element's type. */
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        freeReplyObject(r);
        return bad_value(c, out, "HMGET did not answer an array of 2");
    }
    const redisReply *name = r->element[0];
    const redisReply *visits = r->element[1];
    if (name->type == REDIS_REPLY_NIL && visits->type == REDIS_REPLY_NIL) {
        freeReplyObject(r);
        return RC_MISSING;
    }
    if (name->type != REDIS_REPLY_STRING || visits->type != REDIS_REPLY_STRING) {
        freeReplyObject(r);
        return bad_value(c, out, "stored user lacks its name or visits field");
    }
    size_t nlen = (size_t)name->len;
    if (nlen >= sizeof(out->name) || memchr(name->str, '\0', nlen) ||
        parse_int(visits->str, (size_t)visits->len, &out->visits) != 0) {
        freeReplyObject(r);
        return bad_value(c, out, "stored user has a name or visits out of range");
    }
    memcpy(out->name, name->str, nlen);
    out->name[nlen] = '\0';
    freeReplyObject(r);
    return RC_OK;
}

enum rc_status user_visit(struct rc_conn *c, const char *key, size_t keylen, int *visits)
{
    long long n;
    enum rc_status st = rc_hincrby(c, key, keylen, RC_LIT("visits"), 1, &n);
    if (st != RC_OK)
        return st;
    if (n < INT_MIN || n > INT_MAX) {
        rc_set_errmsg(c, "visits out of range for an int");
        return RC_WRONGTYPE;
    }
    if (visits)
        *visits = (int)n;
    return RC_OK;
}
