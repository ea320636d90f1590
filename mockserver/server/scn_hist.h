/* scn_hist.h - the scenario engine's record of commands, and the
 * expectations over it (time and order: gap, backoff, order, no ... after).
 *
 * The engine (scn_run.c) hands every command the rules see (the set that
 * "expect commands" counts: never MOCK, never what Redis's checks refuse)
 * to scn_hist_command, with its connection number and scenario time. Two
 * things are kept from it:
 *
 *  - the record MOCK HISTORY returns: the last SCN_HIST_MAX commands, each
 *    with a bounded copy of its arguments (SCN_HIST_ARGBYTES bytes of them
 *    at most) and the type of the reply it got. Older entries are dropped;
 *    ids (1-based, over the run) show how many.
 *  - the state of each time or order expectation, updated as the command
 *    arrives: a verdict never needs the record, so it is exact however
 *    long the run (no "the record overflowed" case).
 *
 * Memory: the record is at most SCN_HIST_MAX * (SCN_HIST_ARGBYTES + ~100)
 * bytes, about 1.4 MB. An order or "no ... after" expectation keeps a few
 * bytes per connection number seen (one slot with "across"); a gap or
 * backoff one keeps O(1). */
#ifndef MOCKREDIS_SCN_HIST_H
#define MOCKREDIS_SCN_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "resp.h"
#include "scn.h"

#define SCN_HIST_MAX      4096 /* entries MOCK HISTORY can return */
#define SCN_HIST_ARGBYTES 256  /* bytes of arguments kept per entry */

/* Under the real clock, gaps are compared with this margin (lower bounds
 * lowered, upper bounds raised by it; == accepts it either side): a
 * loaded machine reads a command a few ms late. The virtual clock is
 * exact. docs/scenarios.md, "Time and order". */
#define SCN_REAL_MARGIN_US 10000

struct scn_hist;

/* One entry of the record, borrowed: valid until the next command. */
struct scn_hist_entry {
    long long id;                 /* 1-based, counted over the run */
    int conn;                     /* the connection's number, as "conn N" */
    int64_t us;                   /* scenario time when the command arrived */
    int argc;                     /* arguments as the client sent them */
    const struct resp_argv *args; /* the ones kept (a prefix, possibly cut short) */
    int truncated;                /* 1 when args is not all of the command */
    const char *reply;            /* the reply's type: scn_hist_reply_type's names */
    const char *script;           /* the digest of the script whose redis.call ran it,
                                     NULL for a command a client sent */
};

/* A record for scenario s (its expectations are read; s must outlive it). */
struct scn_hist *scn_hist_new(const struct scn *s);
void scn_hist_free(struct scn_hist *h);

/* A command the rules saw: from connection conn (1-based), at scenario time
 * us (virt: on a virtual clock, else the real-clock margin applies to what
 * it is compared with). Updates every time and order expectation and
 * records the command with the reply type "unknown" until scn_hist_reply. */
void scn_hist_command(struct scn_hist *h, int conn, int64_t us, int virt,
                      const struct resp_argv *a);

/* The id of the command last recorded (0: none yet). */
long long scn_hist_last_id(const struct scn_hist *h);

/* Sets the reply type (a static string) of the command recorded with id;
 * nothing if the ring no longer holds it. Inside EXEC the commands it runs
 * are recorded after EXEC and answered before it: ids keep them apart. */
void scn_hist_reply(struct scn_hist *h, long long id, const char *type);

/* Marks the command recorded with id as called by a script (redis.call
 * or redis.pcall) whose digest is sha (40 hex digits, copied); nothing if
 * the ring no longer holds it. */
void scn_hist_script(struct scn_hist *h, long long id, const char *sha);

/* The name of the type of the reply that starts with bytes[0..len):
 * "simple", "error", "integer", "bulk", "nil" ($-1 or *-1), "array",
 * "null", "double", "boolean", "map", "set", "verbatim", "bignum", "push",
 * "attribute", "raw" (anything else), "none" (len 0). */
const char *scn_hist_reply_type(const char *bytes, size_t len);

/* Expectation i of the scenario, of kind SW_GAP, SW_BACKOFF, SW_ORDER or
 * SW_NO_AFTER. Returns 1 when it holds, 0 when it failed; sets *actual to
 * the number of violations seen and appends to detail what was seen (the
 * first violation: both commands, their connections and times; else a
 * summary). */
int scn_hist_check(const struct scn_hist *h, int i, long long *actual, struct buf *detail);

/* Entries kept (at most SCN_HIST_MAX), and the ith oldest of them. */
size_t scn_hist_len(const struct scn_hist *h);
void scn_hist_at(const struct scn_hist *h, size_t i, struct scn_hist_entry *out);

/* Appends a scenario time as "250ms" or "1.250ms". */
void scn_hist_fmt_us(struct buf *out, int64_t us);

#endif
