/* rec.h - the recorder: reassembled TCP streams in, a strict-replay scenario out.
 *
 * `mockredis record` turns a capture of a client talking to a real Redis
 * into a scenario (docs/scenarios.md, "Strict replay" and "Recording"):
 *
 *   capture -> rec_pcapin.c -> rec_tcpre.c -> rec sink (this module) -> scenario text
 *
 * Per connection, the client's bytes go through the server's own request
 * parser (resp_reqp) and become commands; the server's bytes are split into
 * complete replies (resp_scan); each reply is paired with the oldest
 * command still waiting for one, and every pair becomes a `> CMD` / `< REPLY`
 * step of a `strict conn N` block. What cannot be paired reliably (a stream
 * that starts mid-conversation, a gap, invalid RESP, pub/sub, commands
 * left without a reply at the end) is skipped, counted, and named in `#`
 * comments of the scenario.
 *
 * Pure: no I/O. The caller reads the capture and writes the text. */
#ifndef MOCKREDIS_REC_H
#define MOCKREDIS_REC_H

#include <stdint.h>

#include "buf.h"
#include "rec_tcpre.h"

struct rec; /* a recording in progress (opaque) */

struct rec_opts {
    const char *source;   /* what was recorded, named in the scenario ("file.pcap",
                             "interface lo"); copied; NULL for "a capture" */
    int64_t min_delay_us; /* write `delay D` on a reply only when D >= this */
    int no_delays;        /* 1: write no delays at all */
};

/* Fills o with the defaults: source NULL, min_delay_us 1000 (1 ms), delays on. */
void rec_opts_init(struct rec_opts *o);

/* Returns a new recorder (never NULL: allocation failures abort, see mem.h).
 * o may be NULL for the defaults. Free with rec_free. */
struct rec *rec_new(const struct rec_opts *o);
void rec_free(struct rec *r);

/* Sets *out to callbacks that feed r (out->ud = r), for tcpre_new. The
 * callbacks accept what rec_tcpre.h promises and stay safe with less: data for
 * an id never opened opens it as a mid-conversation stream, anything after
 * close is ignored. */
void rec_sink(struct rec *r, struct tcpre_sink *out);

/* What the recording holds so far (connections still open are counted as
 * they stand; rec_write closes them first). */
struct rec_counts {
    int connections;         /* connections seen (opened) */
    int recorded;            /* connections that carried a command */
    int empty;               /* connections without any command (numbered, no block) */
    int refused;             /* connections Redis refused (maxclients): an "on connect" rule */
    int cut;                 /* connections stopped early: gap, invalid RESP, pub/sub... */
    long long commands;      /* commands parsed */
    long long steps;         /* command/reply pairs written as strict steps */
    long long raw;           /* steps whose reply is written as raw "..." */
    long long delays;        /* steps written with a delay */
    long long unanswered;    /* commands without a reply when the capture ended */
    long long dropped;       /* commands lost where a connection was stopped */
    long long early_replies; /* replies before the first command (mid-conversation start) */
    long long unsolicited;   /* replies no command was waiting for */
    long long push;          /* RESP3 push messages ('>'), never paired */
    long long incomplete;    /* partial commands/replies when a connection ended */
    uint64_t resync_bytes;   /* bytes skipped to find the first command/reply */
    uint64_t ignored_bytes;  /* bytes after a connection was stopped */
};

void rec_counts(const struct rec *r, struct rec_counts *out);

/* The server ports of the connections that carried a command, in the order
 * first seen: up to max of them in ports. Returns how many there are (more
 * than one: the capture talks to several servers, a cluster's nodes). */
int rec_server_ports(const struct rec *r, uint16_t *ports, int max);

/* Closes every connection still open (as if the capture ended), then
 * appends the scenario to out: a comment header (source, counts, what was
 * skipped and why, and the reassembler's stats when st is not NULL, plus
 * warning as a line of its own when not NULL, e.g. "the capture is
 * truncated after frame 41"), `name`, `finish idle`, one `strict conn N`
 * block per connection that carried a command (numbered densely in the
 * order connections were first seen), and `expect connections == N`.
 * The text always parses with scn_parse. Returns the number of steps
 * written. Call once: the steps move into out block by block, so the
 * scenario is not held twice (a second call writes nothing, returns 0). */
long long rec_write(struct rec *r, const struct tcpre_stats *st, const char *warning,
                    struct buf *out);

/* Appends a one-line summary, no newline: "recorded 2 connections, 57
 * commands; skipped: 1 command without a reply at the end, ...". */
void rec_summary(const struct rec *r, struct buf *out);

/* Appends argv as one line of scenario words (the text after "> "): bare
 * words where they are safe, redis-cli quotes with \" \\ \r \n \t \xHH
 * escapes otherwise; resp_split_args and the scenario parser read it back
 * as exactly argv. */
void rec_fmt_args(struct buf *out, int argc, char *const *argv, const size_t *argl);

/* Appends reply (one complete RESP reply, n bytes) in scenario syntax: the
 * readable form ("OK", "(integer) 3", "\"text\"", "[1, \"a\"]", "(nil)"...)
 * when scn_parse_value reads it back into a value that scn_val_write encodes
 * for RESP2 as exactly these bytes, else raw "..." with escapes. allow_error:
 * 0 forbids the readable "(error) TEXT" (it runs to the end of the line, so
 * nothing may follow it). Returns 1 when raw was written, 0 otherwise. */
int rec_fmt_reply(struct buf *out, const char *reply, size_t n, int allow_error);

#endif
