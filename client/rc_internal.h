/* rc_internal.h - what the files of the client module share and users do
 * not see (the rc__ prefix). Not installed, not part of the contract. */
#ifndef MOCKREDIS_RC_INTERNAL_H
#define MOCKREDIS_RC_INTERNAL_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "rc.h"

/* What a typed call expects from a successful reply. */
enum rc__want {
    RC__STRING,  /* a bulk string; nil means RC_MISSING */
    RC__INTEGER, /* an integer */
    RC__STATUS,  /* a status such as OK or PONG */
};

/* Turns one reply into a status, checking its type before touching any
 * field. RC__STRING: on RC_OK *sv receives a copy (the caller frees it).
 * RC__INTEGER: on RC_OK *iv (may be NULL) receives the integer. Error
 * replies give RC_WRONGTYPE (a "WRONGTYPE ..." error) or RC_ERR_REPLY with
 * the server's text in err; an unexpected reply type gives RC_WRONGTYPE
 * naming the type. r is not freed. */
enum rc_status rc__reply_take(const redisReply *r, enum rc__want want, struct rc_value *sv,
                              long long *iv, char *err, size_t errlen);

/* The status for a hiredis context whose err is set, with its errstr copied
 * into err. saved_errno is errno right after the call that failed (0 when
 * unknown): an I/O error with EAGAIN/ETIMEDOUT is how a socket timeout
 * (SO_RCVTIMEO/SO_SNDTIMEO, or a connect timeout) shows up in hiredis. */
enum rc_status rc__ctx_status(const redisContext *ctx, int saved_errno, char *err, size_t errlen);

/* A readable name for a reply type, for messages. */
const char *rc__type_name(int type);

#endif
