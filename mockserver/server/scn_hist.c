/* scn_hist.c - the record of commands and the time and order
 * expectations, see scn_hist.h and docs/scenarios.md ("Time and order").
 *
 * The record is a ring of SCN_HIST_MAX entries; each keeps a copy of at
 * most SCN_HIST_ARGBYTES bytes of its command's arguments, so a client
 * sending megabyte values costs the record nothing more.
 *
 * Expectations are evaluated as commands arrive, never from the record:
 *  - gap, backoff: the last matching command (and, for backoff, the gap
 *    before it) is all they need; every new gap is checked at once;
 *  - order A before B: one flag per connection (one in all with
 *    "across"): "an A was seen here"; a B without it is a violation;
 *  - no X after Y: per connection, the first Y seen (its time and text);
 *    an X after it is a violation.
 * Each keeps the count of violations and the sentence describing the
 * first: what the verdict says. The record can drop entries; the verdict
 * never depends on it.
 *
 * Not here: deciding what a command is (scn_run.c calls in for the ones
 * the rules see), sockets, timers. */
#include "scn_hist.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "scn_run.h"

#define CMD_TEXT 64 /* bytes of a command's text kept for messages */

struct ent {
    long long id;
    int conn;
    int64_t us;
    int argc;
    int truncated;
    struct resp_argv *args;
    const char *reply;
    char script[41]; /* the digest of the script that called it, "" for a client's */
};

/* A command as messages name it: its text (cut short), connection, time. */
struct seen {
    int have;
    int conn;
    int64_t us;
    char cmd[CMD_TEXT];
};

struct tstate {
    long long matched;    /* commands matching (gap, backoff) */
    long long checks;     /* gaps, factors or commands checked */
    long long violations; /* of them, how many failed */
    struct buf first;     /* the first violation, as a sentence */
    int any_real;         /* a check was made on the real clock (margin applied) */
    struct seen prev, prev2;
    int64_t gap_min, gap_max;
    double f_min, f_max;
    struct seen *slot; /* order, no-after: per connection number (0: across) */
    size_t nslot;
};

struct scn_hist {
    const struct scn *s;
    struct ent ring[SCN_HIST_MAX];
    size_t head, len; /* oldest entry, entries kept */
    long long next_id;
    struct tstate *t; /* one per expectation (only the time kinds use theirs) */
};

static int is_time_kind(enum scn_what w)
{
    return w == SW_GAP || w == SW_BACKOFF || w == SW_ORDER || w == SW_NO_AFTER;
}

struct scn_hist *scn_hist_new(const struct scn *s)
{
    struct scn_hist *h = mem_calloc(1, sizeof(*h));
    h->s = s;
    h->next_id = 1;
    h->t = mem_calloc((size_t)s->nexpects + 1, sizeof(*h->t));
    return h;
}

void scn_hist_free(struct scn_hist *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->len; i++)
        resp_argv_free(h->ring[(h->head + i) % SCN_HIST_MAX].args);
    for (int i = 0; i < h->s->nexpects; i++) {
        buf_free(&h->t[i].first);
        free(h->t[i].slot);
    }
    free(h->t);
    free(h);
}

void scn_hist_fmt_us(struct buf *out, int64_t us)
{
    if (us % 1000 == 0)
        buf_printf(out, "%" PRId64 "ms", us / 1000);
    else
        buf_printf(out, "%" PRId64 ".%03" PRId64 "ms", us / 1000, us % 1000);
}

static void seen_set(struct seen *x, int conn, int64_t us, const struct resp_argv *a)
{
    struct buf b = BUF_INIT;
    scn_fmt_argv(&b, a);
    x->have = 1;
    x->conn = conn;
    x->us = us;
    if (b.len < sizeof(x->cmd)) {
        memcpy(x->cmd, b.p, b.len + 1);
    } else {
        memcpy(x->cmd, b.p, sizeof(x->cmd) - 4);
        memcpy(x->cmd + sizeof(x->cmd) - 4, "...", 4);
    }
    buf_free(&b);
}

/* "GET report (conn 2, at 150ms)" */
static void fmt_seen(struct buf *out, const struct seen *x)
{
    buf_printf(out, "%s (conn %d, at ", x->cmd, x->conn);
    scn_hist_fmt_us(out, x->us);
    buf_putc(out, ')');
}

/* Counts a violation; the first one's sentence is kept (vfirst set up by
 * the caller in *msg, freed here). */
static void violation(struct tstate *t, struct buf *msg)
{
    if (t->violations++ == 0) {
        buf_free(&t->first);
        t->first = *msg;
    } else {
        buf_free(msg);
    }
}

static struct seen *slot_of(struct tstate *t, int conn)
{
    size_t i = conn > 0 ? (size_t)conn : 0;
    if (i >= t->nslot) {
        size_t n = t->nslot ? t->nslot : 8;
        while (n <= i)
            n *= 2;
        t->slot = mem_realloc(t->slot, n * sizeof(*t->slot));
        memset(t->slot + t->nslot, 0, (n - t->nslot) * sizeof(*t->slot));
        t->nslot = n;
    }
    return &t->slot[i];
}

/* A gap against "OP D" or "D1..D2", widened by margin m. */
static int gap_ok(const struct scn_expect *e, int64_t g, int64_t m)
{
    if (e->range)
        return g >= e->us_lo - m && g <= e->us_hi + m;
    switch (e->op) {
    case SO_EQ: return g >= e->us_lo - m && g <= e->us_lo + m;
    case SO_NE: return g != e->us_lo;
    case SO_LT: return g - m < e->us_lo;
    case SO_LE: return g - m <= e->us_lo;
    case SO_GT: return g + m > e->us_lo;
    case SO_GE: return g + m >= e->us_lo;
    }
    return 0;
}

/* g2 / g1 within [f_lo, f_hi], each gap allowed to move by m. */
static int factor_ok(const struct scn_expect *e, int64_t g1, int64_t g2, int64_t m)
{
    double lo1 = (double)(g1 > m ? g1 - m : 0), hi1 = (double)(g1 + m);
    double lo2 = (double)(g2 > m ? g2 - m : 0), hi2 = (double)(g2 + m);
    return hi2 >= e->f_lo * lo1 && lo2 <= e->f_hi * hi1;
}

static void feed_gap(struct tstate *t, const struct scn_expect *e, int conn, int64_t us, int64_t m,
                     const struct resp_argv *a)
{
    if ((e->conn && e->conn != conn) || !scn_matches(e->match, a))
        return;
    struct seen cur;
    seen_set(&cur, conn, us, a);
    t->matched++;
    if (t->prev.have) {
        int64_t g = us - t->prev.us;
        t->gap_min = t->checks == 0 || g < t->gap_min ? g : t->gap_min;
        t->gap_max = t->checks == 0 || g > t->gap_max ? g : t->gap_max;
        t->checks++;
        if (!gap_ok(e, g, m)) {
            struct buf msg = BUF_INIT;
            buf_puts(&msg, "gap of ");
            scn_hist_fmt_us(&msg, g);
            buf_puts(&msg, " from ");
            fmt_seen(&msg, &t->prev);
            buf_puts(&msg, " to ");
            fmt_seen(&msg, &cur);
            violation(t, &msg);
        }
    }
    t->prev = cur;
}

static void feed_backoff(struct tstate *t, const struct scn_expect *e, int conn, int64_t us,
                         int64_t m, const struct resp_argv *a)
{
    if ((e->conn && e->conn != conn) || !scn_matches(e->match, a))
        return;
    struct seen cur;
    seen_set(&cur, conn, us, a);
    t->matched++;
    if (t->prev2.have) {
        int64_t g1 = t->prev.us - t->prev2.us, g2 = us - t->prev.us;
        double f = g1 > 0 ? (double)g2 / (double)g1 : 0;
        if (g1 > 0) {
            t->f_min = t->checks == 0 || f < t->f_min ? f : t->f_min;
            t->f_max = t->checks == 0 || f > t->f_max ? f : t->f_max;
        }
        t->checks++;
        if (!factor_ok(e, g1, g2, m)) {
            struct buf msg = BUF_INIT;
            buf_puts(&msg, "gap of ");
            scn_hist_fmt_us(&msg, g1);
            buf_puts(&msg, " from ");
            fmt_seen(&msg, &t->prev2);
            buf_puts(&msg, " to ");
            fmt_seen(&msg, &t->prev);
            buf_puts(&msg, ", then ");
            scn_hist_fmt_us(&msg, g2);
            buf_puts(&msg, " to ");
            fmt_seen(&msg, &cur);
            if (g1 > 0)
                buf_printf(&msg, ": factor %.2f", f);
            else
                buf_puts(&msg, ": no factor after a gap of 0");
            violation(t, &msg);
        }
    }
    t->prev2 = t->prev;
    t->prev = cur;
}

/* The pattern's text, for messages. */
static void fmt_pat(struct buf *out, const struct resp_argv *pat)
{
    if (pat)
        scn_fmt_argv(out, pat);
    else
        buf_puts(out, "command");
}

static void feed_order(struct tstate *t, const struct scn_expect *e, int conn, int64_t us,
                       const struct resp_argv *a)
{
    struct seen *sl = slot_of(t, e->across ? 0 : conn);
    if (scn_matches(e->match2, a)) {
        t->checks++;
        if (!sl->have) {
            struct buf msg = BUF_INIT;
            struct seen cur;
            seen_set(&cur, conn, us, a);
            fmt_seen(&msg, &cur);
            buf_puts(&msg, " came with no ");
            fmt_pat(&msg, e->match);
            if (e->across)
                buf_puts(&msg, " before it on any connection");
            else
                buf_printf(&msg, " before it on conn %d", conn);
            violation(t, &msg);
        }
    }
    if (scn_matches(e->match, a))
        sl->have = 1;
}

static void feed_no_after(struct tstate *t, const struct scn_expect *e, int conn, int64_t us,
                          const struct resp_argv *a)
{
    struct seen *sl = slot_of(t, e->across ? 0 : conn);
    if (sl->have && (e->match == NULL || scn_matches(e->match, a))) {
        t->checks++;
        struct buf msg = BUF_INIT;
        struct seen cur;
        seen_set(&cur, conn, us, a);
        fmt_seen(&msg, &cur);
        buf_puts(&msg, " came after ");
        fmt_seen(&msg, sl);
        violation(t, &msg);
    }
    if (!sl->have && scn_matches(e->match2, a))
        seen_set(sl, conn, us, a);
}

/* Keeps a bounded copy of a in a new entry (the oldest goes when full). */
static void record(struct scn_hist *h, int conn, int64_t us, const struct resp_argv *a)
{
    struct ent *x;
    if (h->len == SCN_HIST_MAX) {
        x = &h->ring[h->head];
        resp_argv_free(x->args);
        h->head = (h->head + 1) % SCN_HIST_MAX;
    } else {
        x = &h->ring[(h->head + h->len++) % SCN_HIST_MAX];
    }
    size_t lens[SCN_HIST_ARGBYTES];
    const char *argv[SCN_HIST_ARGBYTES];
    size_t budget = SCN_HIST_ARGBYTES;
    int n = 0;
    /* Every argument costs at least one byte of the budget: at most
     * SCN_HIST_ARGBYTES arguments, however small. */
    while (n < a->argc && budget > 0) {
        size_t l = a->argl[n] < budget ? a->argl[n] : budget;
        argv[n] = a->argv[n];
        lens[n] = l;
        budget -= l > 0 ? l : 1;
        n++;
    }
    x->id = h->next_id++;
    x->conn = conn;
    x->us = us;
    x->argc = a->argc;
    x->args = resp_argv_new(n, argv, lens);
    x->truncated = n < a->argc || (n > 0 && lens[n - 1] < a->argl[n - 1]);
    x->reply = "unknown";
    x->script[0] = '\0';
}

void scn_hist_command(struct scn_hist *h, int conn, int64_t us, int virt, const struct resp_argv *a)
{
    int64_t m = virt ? 0 : SCN_REAL_MARGIN_US;
    for (int i = 0; i < h->s->nexpects; i++) {
        const struct scn_expect *e = &h->s->expects[i];
        struct tstate *t = &h->t[i];
        long long before = t->checks;
        switch (e->what) {
        case SW_GAP: feed_gap(t, e, conn, us, m, a); break;
        case SW_BACKOFF: feed_backoff(t, e, conn, us, m, a); break;
        case SW_ORDER: feed_order(t, e, conn, us, a); break;
        case SW_NO_AFTER: feed_no_after(t, e, conn, us, a); break;
        default: break;
        }
        if (t->checks > before && m > 0 && (e->what == SW_GAP || e->what == SW_BACKOFF))
            t->any_real = 1;
    }
    record(h, conn, us, a);
}

long long scn_hist_last_id(const struct scn_hist *h)
{
    return h->next_id - 1;
}

void scn_hist_script(struct scn_hist *h, long long id, const char *sha)
{
    long long back = h->next_id - 1 - id; /* 0: the last one */
    if (id > 0 && back >= 0 && back < (long long)h->len && sha != NULL) {
        struct ent *x = &h->ring[(h->head + h->len - 1 - (size_t)back) % SCN_HIST_MAX];
        snprintf(x->script, sizeof(x->script), "%s", sha);
    }
}

void scn_hist_reply(struct scn_hist *h, long long id, const char *type)
{
    long long back = h->next_id - 1 - id; /* 0: the last one */
    if (id > 0 && back >= 0 && back < (long long)h->len)
        h->ring[(h->head + h->len - 1 - (size_t)back) % SCN_HIST_MAX].reply = type;
}

const char *scn_hist_reply_type(const char *p, size_t n)
{
    if (n == 0)
        return "none";
    switch (p[0]) {
    case '+': return "simple";
    case '-': return "error";
    case ':': return "integer";
    case '$': return n > 1 && p[1] == '-' ? "nil" : "bulk";
    case '*': return n > 1 && p[1] == '-' ? "nil" : "array";
    case '_': return "null";
    case ',': return "double";
    case '#': return "boolean";
    case '%': return "map";
    case '~': return "set";
    case '=': return "verbatim";
    case '(': return "bignum";
    case '>': return "push";
    case '|': return "attribute";
    default: return "raw";
    }
}

static void margin_note(const struct tstate *t, struct buf *detail)
{
    if (t->any_real)
        buf_printf(detail, " (real clock: compared with a margin of %dms)",
                   SCN_REAL_MARGIN_US / 1000);
}

int scn_hist_check(const struct scn_hist *h, int i, long long *actual, struct buf *detail)
{
    const struct scn_expect *e = &h->s->expects[i];
    const struct tstate *t = &h->t[i];
    *actual = t->violations;
    if (!is_time_kind(e->what))
        return 1;
    if (t->violations > 0) {
        static const char *const what[] = {[SW_GAP] = "gaps",
                                           [SW_BACKOFF] = "factors",
                                           [SW_ORDER] = "commands",
                                           [SW_NO_AFTER] = "commands"};
        buf_append(detail, t->first.p, t->first.len);
        if (e->what == SW_NO_AFTER)
            buf_printf(detail, "; %lld command(s) after it", t->violations);
        else
            buf_printf(detail, "; %lld of %lld %s failed", t->violations, t->checks, what[e->what]);
        margin_note(t, detail);
        return 0;
    }
    switch (e->what) {
    case SW_GAP:
        if (t->checks == 0) {
            buf_printf(detail, "no gap: %lld matching command(s)", t->matched);
        } else {
            buf_printf(detail, "%lld gap(s), ", t->checks);
            scn_hist_fmt_us(detail, t->gap_min);
            buf_puts(detail, "..");
            scn_hist_fmt_us(detail, t->gap_max);
        }
        margin_note(t, detail);
        return 1;
    case SW_BACKOFF:
        if (t->matched < 3) {
            buf_printf(detail,
                       "%lld matching command(s): a backoff needs 3 or more (two gaps to compare)",
                       t->matched);
            return 0;
        }
        buf_printf(detail, "%lld factor(s), %.2f..%.2f", t->checks, t->f_min, t->f_max);
        margin_note(t, detail);
        return 1;
    case SW_ORDER:
        buf_printf(detail, "%lld command(s) checked, each after ", t->checks);
        fmt_pat(detail, e->match);
        return 1;
    default:
        buf_puts(detail, "nothing came after ");
        fmt_pat(detail, e->match2);
        return 1;
    }
}

size_t scn_hist_len(const struct scn_hist *h)
{
    return h->len;
}

void scn_hist_at(const struct scn_hist *h, size_t i, struct scn_hist_entry *out)
{
    const struct ent *x = &h->ring[(h->head + i) % SCN_HIST_MAX];
    out->id = x->id;
    out->conn = x->conn;
    out->us = x->us;
    out->argc = x->argc;
    out->args = x->args;
    out->truncated = x->truncated;
    out->reply = x->reply;
    out->script = x->script[0] ? x->script : NULL;
}
