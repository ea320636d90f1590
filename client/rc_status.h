/* rc_status.h - the outcomes of every client-layer call, in one table.
 *
 * Every function of the client layer that can fail returns an enum
 * rc_status, never a bare int: the type tells the reader (and the
 * compiler, in a switch) which values can come back. */
#ifndef MOCKREDIS_RC_STATUS_H
#define MOCKREDIS_RC_STATUS_H

/* The one table of outcomes: it generates enum rc_status and rc_strerror().
 * X(name, value, text). */
#define RC_STATUS_TABLE(X)                                                                         \
    X(RC_OK, 0, "ok")                                                                              \
    X(RC_MISSING, 1, "no such key or field")                                                       \
    X(RC_WRONGTYPE, -1, "value or reply of an unexpected type")                                    \
    X(RC_ERR_REPLY, -2, "the server replied with an error")                                        \
    X(RC_ERR_IO, -3, "connection failed or closed")                                                \
    X(RC_ERR_PROTOCOL, -4, "the server sent bytes that are not RESP")                              \
    X(RC_ERR_TIMEOUT, -5, "no answer within the timeout")                                          \
    X(RC_ERR_ARG, -6, "invalid argument, nothing was sent")                                        \
    X(RC_ERR_CROSSSLOT, -7, "keys hash to different cluster slots, nothing was sent")              \
    X(RC_ERR_REDIRECTS, -8, "too many cluster redirects: the nodes disagree (a loop?)")            \
    X(RC_ERR_TRYAGAIN, -9, "the slot is being migrated: still TRYAGAIN after the retries")         \
    X(RC_ERR_CLUSTERDOWN, -10, "the cluster is down (CLUSTERDOWN)")

#define RC__ENUM_ITEM(name, value, text) name = value,
enum rc_status { RC_STATUS_TABLE(RC__ENUM_ITEM) };
#undef RC__ENUM_ITEM

/* A short static description of st ("unknown status" for other values). */
const char *rc_strerror(enum rc_status st);

/* What each status means for the caller:
 *  RC_OK           the command did what was asked; outputs are filled.
 *  RC_MISSING      the key (or hash field) does not exist; outputs are empty.
 *  RC_WRONGTYPE    the key holds another kind of value (Redis's WRONGTYPE
 *                  error), or the server answered with a reply type this
 *                  call does not expect (an integer for GET...). The
 *                  connection stays usable.
 *  RC_ERR_REPLY    any other error reply (e.g. "ERR value is not an integer
 *                  or out of range"); the connection stays usable.
 *  RC_ERR_IO       could not connect, the connection was closed or reset,
 *                  or memory ran out; the next call reconnects.
 *  RC_ERR_PROTOCOL the server sent something that is not RESP; the next call
 *                  reconnects.
 *  RC_ERR_TIMEOUT  connect or command took longer than the configured
 *                  timeout; the next call reconnects.
 *  RC_ERR_ARG      the call's own arguments cannot be sent (e.g. a struct
 *                  field that cannot be encoded); nothing was sent.
 * Cluster only (rc_cluster.h):
 *  RC_ERR_CROSSSLOT   the keys of one call hash to different slots; refused
 *                     by the client, nothing was sent (rc_cluster_slot tells
 *                     the slots; hash tags {...} put keys in one slot).
 *  RC_ERR_REDIRECTS   more MOVED/ASK redirects than the limit for one call:
 *                     the nodes send the command round in a loop (or the
 *                     topology changes faster than the client follows).
 *                     rc_cluster_errmsg names the nodes visited.
 *  RC_ERR_TRYAGAIN    the keys of a multi-key command are split across a
 *                     slot being migrated, still after the bounded retries.
 *  RC_ERR_CLUSTERDOWN the node answered CLUSTERDOWN (a slot not served, the
 *                     cluster in the fail state): nothing ran.
 * rc_errmsg() then holds the details (the server's error text for
 * RC_WRONGTYPE/RC_ERR_REPLY); see rc.h. */

#endif
