/* tracking.h - client tracking (server-assisted client-side caching), as
 * Redis 7.0's CLIENT TRACKING.
 *
 * The registry remembers, server-wide and across databases (Redis's table
 * has no database either), which clients read which keys, and which
 * broadcast (BCAST) clients follow which prefixes. When a key changes, each
 * client that read it since its last invalidation is sent one invalidation
 * and the key is forgotten; a BCAST prefix collects the keys changed under
 * it and sends them in one message per prefix once the command is over.
 *
 * Frames sent (the payload is "*N <key bulks>", or a null for a flush):
 *   RESP3 target:               >2 $10 invalidate <payload>
 *   RESP2 redirect target with
 *   subscriptions:              *3 $7 message $20 __redis__:invalidate <payload>
 *   redirect target gone:       >2 $21 tracking-redir-broken :<id> (RESP3
 *                               tracking client only; flag R in CLIENT LIST)
 * A RESP2 client tracking without REDIRECT is sent nothing.
 *
 * When: a message for the client whose command is running
 * (core->running, also when the change comes from its script or EXEC) is
 * held until the command's reply is written, then sent (tracking_end);
 * BCAST batches once the commands of one read have run (tracking_flush).
 * Other clients get their per-key messages at once (core->on_output).
 * The keys read are remembered after a read-only command (RF_READONLY,
 * from its key specs), subject to OPTIN/OPTOUT and CLIENT CACHING.
 *
 * A change is what Redis calls signalModifiedKey: the keyspace listener
 * (db.h on_change: set, delete, expiry, TTL), a write command's probe
 * (the value's digest before and after, as WATCH does, watch.h), the first
 * key of a CMD_TOUCH command that succeeded, and watch_touch. FLUSHDB and
 * FLUSHALL send every tracking client a null invalidation and empty the
 * table (tracking_flushed).
 *
 * Depends on: core.h (clients, running client, on_output), the dict,
 * obj_digest, pubsub.h (whether a RESP2 target has subscriptions). Not on
 * the command layer: the CLIENT subcommands (cmd_conn.c) call in here. */
#ifndef MOCKREDIS_TRACKING_H
#define MOCKREDIS_TRACKING_H

#include <stddef.h>
#include <stdint.h>

struct core;
struct client;
struct buf;

/* struct trk_client.flags */
#define TRK_ON      (1u << 0)
#define TRK_BCAST   (1u << 1)
#define TRK_OPTIN   (1u << 2)
#define TRK_OPTOUT  (1u << 3)
#define TRK_NOLOOP  (1u << 4)
#define TRK_CACHING (1u << 5) /* CLIENT CACHING YES/NO given for the next command */
#define TRK_BROKEN  (1u << 6) /* the redirect target was gone at a send */

/* A client's tracking state (client->trk, NULL until it first tracks). */
struct trk_client {
    unsigned flags;
    long long redirect; /* CLIENT TRACKING ... REDIRECT id, 0 without */
    /* BCAST prefixes, sorted bytewise as Redis lists them */
    char **pfx;
    size_t *pfxlen;
    int npfx;
};

/* Turns tracking on for c, as CLIENT TRACKING ON with the options already
 * checked (tracking_check_on): flags a mask of TRK_BCAST, TRK_OPTIN,
 * TRK_OPTOUT, TRK_NOLOOP; prefixes (BCAST only) are added to c's. */
void tracking_enable(struct core *core, struct client *c, long long redirect, unsigned flags,
                     char **pfx, const size_t *pfxlen, int npfx);
/* Runs CLIENT TRACKING ON's checks that depend on c's state, in Redis's
 * order; returns 0, or -1 after writing the error. Returns 1 after writing
 * the error for two overlapping prefixes of the command past its first
 * one: Redis 7.0.15 then still turns tracking on and answers +OK too. */
int tracking_check_on(struct client *c, unsigned flags, char **pfx, const size_t *pfxlen, int npfx);
/* Turns tracking off (CLIENT TRACKING OFF, RESET); harmless when off. */
void tracking_disable(struct core *core, struct client *c);
/* Disconnect: tracking off, c's state freed, nothing held for it. */
void tracking_forget(struct core *core, struct client *c);
/* Frees the registry (core_destroy, after every client). */
void tracking_destroy(struct core *core);

/* Whether the keyspace listener is needed: tracking clients, or keys
 * still remembered. */
int tracking_listening(const struct core *core);
/* key was changed (signalModifiedKey). dbi is not used: Redis's table has
 * no database. */
void tracking_changed(struct core *core, const char *key, size_t klen);
/* FLUSHDB / FLUSHALL ran: null invalidations and an empty table. */
void tracking_flushed(struct core *core);

/* After read-only command of c (argv[0..argc)): remembers the keys of
 * positions pos[0..n) as read by c. */
void tracking_remember(struct core *core, struct client *c, int n, const int *pos, char **argv,
                       const size_t *argl);
/* Whether c would remember keys now (tracking on, not BCAST, OPTIN/OPTOUT
 * allow it). */
int tracking_wants_keys(const struct client *c);

/* Around a write command: the digests of the arguments that are tracked
 * keys or fall under a BCAST prefix (NULL: none); tracking_after compares
 * them, and, for a TOUCHES command whose reply since out_len is no error,
 * signals its first key when it exists. */
struct trk_probe;
struct trk_probe *tracking_before(struct core *core, struct client *c, int argc, char **argv,
                                  const size_t *argl);
void tracking_after(struct core *core, struct client *c, struct trk_probe *p, int touches, int argc,
                    char **argv, const size_t *argl, size_t out_len);

/* End of command of c: CLIENT CACHING's flag ends unless keep (a CLIENT
 * subcommand ran) or c is in MULTI; the held messages go out when c is the
 * running client (or no client runs: cron, internal clients), the BCAST
 * batches too when no client runs. */
void tracking_end(struct core *core, struct client *c, int keep);
/* Sends the BCAST batches: the network side calls it once the commands of
 * one read have run (Redis sends them before it sleeps, so pipelined
 * commands share one message per prefix). */
void tracking_flush(struct core *core);

/* Registry figures for INFO. */
/* tracking-table-max-keys: while clients track and the table holds more
 * keys than core->cfg.tracking_max_keys (0: no limit), forgets random keys
 * (core->rng), sending their invalidations at once, as Redis does before
 * each command (after its memory check) and in its cron; a NOLOOP client
 * that is current (the one whose command is next, NULL from the cron) is
 * not told about its own keys. Like Redis, at most 100 keys a call, 100
 * more for each call in a row that ended still over the limit. */
void tracking_limit(struct core *core, const struct client *current);

size_t tracking_nclients(const struct core *core);
unsigned long long tracking_nkeys(const struct core *core);
unsigned long long tracking_nitems(const struct core *core);
unsigned long long tracking_nprefixes(const struct core *core);

#endif
