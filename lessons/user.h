/* user.h - a C struct in Redis, two ways (pitfall P2): the lessons' own
 * domain type, written as an application would write it on top of the
 * client layer (rc.h). It is not part of the client layer: storing a
 * struct is the application's business, and JSON (jansson) is one choice
 * of encoding among many.
 *
 * A struct is not a Redis value: writing its bytes (memcpy of the struct)
 * stores padding, host byte order and pointer values, and breaks the day
 * a field is added. Two portable encodings, with the example struct user:
 *
 *  - JSON in one string key (user_save_json / user_load_json): one
 *    GET/SET moves the whole object, any language can read it, but
 *    changing one field means read-modify-write of the whole value.
 *
 *  - A hash with one field per member (user_save_hash / user_load_hash):
 *    a field can be updated alone and atomically on the server (user_visit
 *    is one HINCRBY, no read-modify-write race between two clients).
 *
 * Stored forms: JSON  {"name":"ann","visits":3}
 *               hash  name -> "ann", visits -> "3"
 *
 * All functions return the statuses of rc_status.h. A stored value that
 * does not decode into a valid struct user (not JSON, a field missing or
 * of the wrong kind, a name too long) is RC_WRONGTYPE with the reason in
 * rc_errmsg(). */
#ifndef MOCKREDIS_LESSON_USER_H
#define MOCKREDIS_LESSON_USER_H

#include <stddef.h>

#include "rc.h"
#include "rc_status.h"

#define USER_NAME_MAX 64 /* bytes in name, its NUL included */

struct user {
    char name[USER_NAME_MAX]; /* UTF-8 text, NUL-terminated */
    int visits;
};

/* SET key to the user as JSON, expiring after ttl_ms when ttl_ms > 0.
 * RC_ERR_ARG (nothing sent) when name is not NUL-terminated within its
 * array or is not valid UTF-8. */
enum rc_status user_save_json(struct rc_conn *c, const char *key, size_t keylen,
                              const struct user *u, long long ttl_ms);

/* GET key and decode it. RC_OK fills *out; RC_MISSING when the key does
 * not exist; *out is zeroed on every status but RC_OK. */
enum rc_status user_load_json(struct rc_conn *c, const char *key, size_t keylen, struct user *out);

/* HSET key name <name> visits <visits> (one command, both fields).
 * RC_ERR_ARG as for user_save_json. */
enum rc_status user_save_hash(struct rc_conn *c, const char *key, size_t keylen,
                              const struct user *u);

/* HMGET key name visits and decode. RC_OK fills *out; RC_MISSING when the
 * key does not exist (neither field is there); *out is zeroed otherwise. */
enum rc_status user_load_hash(struct rc_conn *c, const char *key, size_t keylen, struct user *out);

/* One visit: HINCRBY key visits 1, a partial update of a single field
 * that is atomic on the server. RC_OK: *visits (may be NULL) is the new
 * count. Like HINCRBY, creates the key or the field when absent. */
enum rc_status user_visit(struct rc_conn *c, const char *key, size_t keylen, int *visits);

#endif
