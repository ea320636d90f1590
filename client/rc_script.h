/* rc_script.h - Lua scripts through the client layer: EVALSHA first, EVAL
 * only when the server does not have the script (the NOSCRIPT fallback).
 *
 * A script is sent whole once and then called by its SHA1, the way every
 * Redis client library does it: EVALSHA saves sending the text on every
 * call. The server's script cache is not something a client can count on
 * (a restart, SCRIPT FLUSH or a failover to a replica empties it), so an
 * EVALSHA may answer "NOSCRIPT ..."; the call then sends EVAL with the
 * text, which runs the script and caches it for the next EVALSHA. A script
 * runs atomically on the server: no other client's command runs between
 * its reads and its writes (lesson P12).
 *
 * Not here: SCRIPT LOAD ahead of time (EVAL caches the script anyway),
 * FCALL (functions), EVAL_RO/EVALSHA_RO. */
#ifndef MOCKREDIS_RC_SCRIPT_H
#define MOCKREDIS_RC_SCRIPT_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "rc.h"

/* A script known by its text and its SHA1. Make one with rc_script_init
 * (usually once, at start-up) and share it freely: calls only read it. */
struct rc_script {
    const char *body; /* the Lua text: not copied, must outlive the struct */
    size_t len;
    char sha1[41]; /* lowercase hex of SHA1(body), as Redis names scripts */
};

/* Fills *s for the len bytes of Lua at body (not copied) and computes
 * their SHA1. Cannot fail. */
void rc_script_init(struct rc_script *s, const char *body, size_t len);

/* SHA1 of len bytes at data, written to hex as 40 lowercase hex digits and
 * a NUL: the name Redis gives a script (SCRIPT LOAD's reply). */
void rc_sha1_hex(const void *data, size_t len, char hex[41]);

/* Runs script s: EVALSHA sha1 numkeys argv[0..argc-1], where the first
 * numkeys arguments are key names and the rest are arguments (argvlen NULL:
 * each argv[i] is a NUL-terminated C string). If the server answers with a
 * NOSCRIPT error (its cache does not have the script), the same call is
 * sent once more as EVAL with the script's text; any other error is final.
 * Returns as rc_cmd_argv does: RC_OK with *out the script's reply (never an
 * error, never nil; caller frees it with freeReplyObject; out may be NULL
 * to discard it), RC_MISSING when the script returned nil (Lua false or
 * nil), RC_ERR_REPLY with the server's text in rc_errmsg (a script error,
 * or a server that has no scripting: "unknown command 'EVALSHA'..."), or an
 * I/O status. RC_ERR_ARG when numkeys is not within 0..argc: nothing is
 * sent. */
enum rc_status rc_evalsha(struct rc_conn *c, const struct rc_script *s, int numkeys, int argc,
                          const char **argv, const size_t *argvlen, redisReply **out);

#endif
