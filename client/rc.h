/* rc.h - a typed, blocking Redis client on hiredis: the right patterns of
 * pitfalls P1-P5, P9, P11 and P12 in one small API.
 *
 * What it guarantees, and what the naive hiredis code gets wrong:
 *  - Every command is built from an argument vector (pointer + length per
 *    argument), never from a printf format: a value with spaces stays one
 *    argument and NUL bytes survive (P2).
 *  - Every call returns a status that tells "found", "missing" and each kind
 *    of error apart (P3, P5). Callers never see a NULL reply or read
 *    reply->str without the type having been checked.
 *  - Values come back as copies the caller owns (struct rc_value), never as
 *    pointers into a reply that someone must remember to free.
 *  - Every call has a timeout (P11). After an I/O error, a protocol error or
 *    a timeout the hiredis context is unusable -- its buffers hold half a
 *    conversation -- so it is thrown away at once and the next call on the
 *    same struct rc_conn connects again (rc_connects() counts the connects).
 *  - A struct rc_conn has one owner: use it from one thread at a time (P9).
 *    For many threads, use rc_pool.h.
 *  - A read-modify-write runs on the server in one step (P12): INCRBY
 *    here, or a Lua script by SHA1 with the NOSCRIPT fallback to EVAL
 *    (rc_script.h).
 *
 * Return convention: 0 (RC_OK) for success, RC_MISSING (positive) when the
 * key or field does not exist, a negative code for every error. The error
 * text of the last failed call is kept in the connection (rc_errmsg). The
 * statuses and what each means are in rc_status.h.
 *
 * Keys and values go in as pointer + length. For a string literal, let
 * the compiler count: RC_LIT("user:42") is the two arguments "user:42", 7.
 * A length counted by hand is right until someone edits the string. */
#ifndef MOCKREDIS_RC_H
#define MOCKREDIS_RC_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "rc_config.h"
#include "rc_status.h"

/* A string value owned by the caller: a copy of the reply's bytes plus a
 * terminating NUL that len does not count (so text values can be printed,
 * and binary ones are still exact). Start from RC_VALUE_INIT; free with
 * rc_value_free, which accepts an empty value. */
struct rc_value {
    char *str; /* NULL when there is no value */
    size_t len;
};
/* clang-format off */
#define RC_VALUE_INIT {NULL, 0}
/* clang-format on */
void rc_value_free(struct rc_value *v);
/* 1 when v holds exactly the len bytes at s, 0 otherwise (also when v is
 * empty). Compares lengths first: a value with a NUL inside is not equal
 * to its first part. */
int rc_value_eq(const struct rc_value *v, const char *s, size_t len);

/* A string literal as the two arguments pointer, length, with the length
 * counted by the compiler (sizeof includes the terminating NUL, hence -1):
 *     rc_get(conn, RC_LIT("user:42"), &v)   is   rc_get(conn, "user:42", 7, &v)
 * Only for literals: the "" next to s makes anything else (a char *, whose
 * sizeof is the pointer's) a compile error. For other strings use strlen. */
#define RC_LIT(s) ("" s), (sizeof(s) - 1)

/* One connection; opaque; one owner at a time. */
struct rc_conn;

/* Connects according to *cfg (copied: the caller's config may change or go
 * away afterwards). Ignores SIGPIPE for the process once (see
 * rc_ignore_sigpipe). Returns RC_OK and *out, or RC_ERR_IO/RC_ERR_TIMEOUT
 * with *out = NULL and a message in err (err may be NULL; errlen bytes at
 * most, NUL included). */
enum rc_status rc_connect(const struct rc_config *cfg, struct rc_conn **out, char *err,
                          size_t errlen);
/* Closes the connection and frees c. NULL is fine. */
void rc_close(struct rc_conn *c);

/* The message of the last failed call on c ("" if none failed yet). Valid
 * until the next call on c. */
const char *rc_errmsg(const struct rc_conn *c);
/* Records msg as c's last error, for code built on this layer that detects
 * errors of its own (a stored value that does not decode): rc_errmsg()
 * then explains the status that code returns. msg is copied (truncated to
 * the connection's buffer). */
void rc_set_errmsg(struct rc_conn *c, const char *msg);
/* How many times c has connected (1 after rc_connect, +1 per reconnect). */
unsigned long rc_connects(const struct rc_conn *c);

/* The general form: any command as argc arguments of argvlen[i] bytes
 * (argvlen NULL: every argv[i] is a NUL-terminated C string).
 * RC_OK: *out is the reply (never an error reply, never nil), owned by the
 * caller, freed with freeReplyObject; check its type before reading it.
 * RC_MISSING: the reply was nil; other statuses: an error. *out is NULL
 * whenever the status is not RC_OK. out may be NULL to discard the reply. */
enum rc_status rc_cmd_argv(struct rc_conn *c, int argc, const char **argv, const size_t *argvlen,
                           redisReply **out);

/* PING; RC_OK when the server answered PONG. */
enum rc_status rc_ping(struct rc_conn *c);

/* GET key. RC_OK: *out holds a copy of the value (free it with
 * rc_value_free). Otherwise *out is empty (RC_VALUE_INIT). */
enum rc_status rc_get(struct rc_conn *c, const char *key, size_t keylen, struct rc_value *out);

/* SET key value, with PX ttl_ms when ttl_ms > 0 (the key expires). RC_OK
 * when the server answered OK. */
enum rc_status rc_set(struct rc_conn *c, const char *key, size_t keylen, const char *val,
                      size_t vallen, long long ttl_ms);

/* INCRBY key by. RC_OK: *out (may be NULL) is the new value. A value that
 * is not an integer gives RC_ERR_REPLY, a key of another type RC_WRONGTYPE. */
enum rc_status rc_incrby(struct rc_conn *c, const char *key, size_t keylen, long long by,
                         long long *out);

/* HSET key field value (one field: a partial update of a stored object). */
enum rc_status rc_hset_field(struct rc_conn *c, const char *key, size_t keylen, const char *field,
                             size_t fieldlen, const char *val, size_t vallen);

/* HGET key field. As rc_get: RC_MISSING when the key or the field is absent. */
enum rc_status rc_hget_field(struct rc_conn *c, const char *key, size_t keylen, const char *field,
                             size_t fieldlen, struct rc_value *out);

/* HINCRBY key field by. RC_OK: *out (may be NULL) is the new value. */
enum rc_status rc_hincrby(struct rc_conn *c, const char *key, size_t keylen, const char *field,
                          size_t fieldlen, long long by, long long *out);

/* Sets SIGPIPE to "ignore" for the whole process, unless the program has
 * installed a handler of its own (then it is left alone). Why: hiredis
 * writes with write(2), not send(..., MSG_NOSIGNAL), so writing to a
 * connection the server has closed raises SIGPIPE, whose default action
 * kills the process silently. Ignored, the write fails with EPIPE instead
 * and the call returns RC_ERR_IO. rc_connect calls this once; calling it
 * again is harmless. Thread-safe. */
void rc_ignore_sigpipe(void);

#endif
