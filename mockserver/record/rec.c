/* rec.c - the recorder: TCP streams in, a strict-replay scenario out, see rec.h.
 *
 * One struct rconn per connection id, two halves:
 *
 *   client -> server   bytes -> resp_reqp (the server's own parser, multibulk
 *                      and inline) -> commands, each rendered at once as the
 *                      text of a "> ..." line and queued with the time its
 *                      last byte arrived;
 *   server -> client   bytes -> an incremental reply splitter (below) ->
 *                      complete replies, with the time of their first byte.
 *
 * A complete reply is paired with the oldest queued command (FIFO: Redis
 * answers in order). A reply that finds no command waiting is kept until
 * one arrives (the two directions come from separate callbacks) and counted
 * as unsolicited when the connection ends without one. RESP3 push messages
 * ('>') are never paired.
 *
 * The reply splitter walks a reply element by element and keeps (position,
 * elements still needed) between calls, so a reply that arrives in a
 * thousand segments is scanned once, not a thousand times: aggregate
 * headers (* ~ > % |) are checked with resp_scan on their header line and
 * add their element count; every other element is one resp_scan call (a
 * bulk string waiting for its payload costs one header parse per call).
 *
 * Delays model a server that answers one command at a time, which is how
 * the replay engine plays them (a delayed reply holds back the next
 * command): the server starts on command i when it has arrived and reply
 * i-1 has started, so delay_i = first_byte(reply_i) - max(arrival(cmd_i),
 * first_byte(reply_i-1)), written when at least min_delay_us.
 *
 * Values: a reply is written readably ("OK", "(integer) 3", "\"a b\"",
 * "[1, (nil)]") only when the scenario parser reads that text back into a
 * value whose RESP2 encoding is byte-identical to the recorded reply; else
 * as raw "..." with escapes (RESP3 types after HELLO 3, *-1, simple strings
 * with spaces...). RESP2, because strict steps are not executed: a recorded
 * HELLO 3 does not switch the replay connection to RESP3.
 *
 * Bad input, all recovered from and reported (counters plus "#" lines):
 *  - a stream without its handshake (the capture started mid-conversation):
 *    client bytes are skipped up to something that parses as a multibulk
 *    command ("*<digits>\r\n$..." at the start or after a CRLF), server
 *    bytes up to something that parses as a reply at a line start, and
 *    replies whose first byte precedes the first command are dropped;
 *  - a gap or invalid RESP from the client: no further commands; those
 *    already complete still get their replies;
 *  - a gap or invalid RESP from the server, or a command after which
 *    replies stop being one per command (SUBSCRIBE and friends, MONITOR,
 *    CLIENT REPLY OFF|SKIP, SYNC): the connection's block stops there;
 *  - commands without a reply at the end, partial commands or replies.
 * Not done here: I/O (rec_cli.c reads the capture and writes the file). */
#include "rec.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "mem.h"
#include "mr_err.h"
#include "resp.h"
#include "rtext.h"
#include "scn.h"
#include "util.h"

#define LINE_MAX_BYTES  (64 * 1024) /* longest reply line (header, simple string) accepted */
#define SPLIT_NEED_MAX  (1LL << 50)
#define SPLIT_COUNT_MAX (1LL << 40)
#define VALUE_DEPTH_MAX 30                  /* the scenario parser accepts 32 levels */
#define DELAY_MAX_US    (86400LL * 1000000) /* the longest duration a scenario accepts */

struct pend {   /* a command waiting for its reply */
    char *text; /* the "> " line's words, rendered */
    size_t len;
    int64_t ts; /* when its last byte arrived */
};

struct rep { /* a reply waiting for a command */
    char *p;
    size_t n;
    int64_t ts; /* when its first byte was sent */
};

struct rconn {
    int id;
    int syn; /* handshake seen */
    int have_flow;
    struct tcpre_flow flow;
    int closed;
    enum tcpre_end how;

    /* client -> server */
    struct buf cin;
    struct resp_reqp reqp;
    int c_sync;         /* 0: still looking for the first command (no SYN) */
    int c_tentative;    /* synchronised on a guess that no command has confirmed yet */
    uint64_t c_skipped; /* bytes skipped while looking */
    int c_dead;         /* no more commands are taken */
    uint64_t c_off;     /* stream offset of cin.p[0], for messages */
    struct pend *cq;    /* FIFO: cq[ch .. cn) */
    size_t ch, cn, ccap;

    /* server -> client */
    struct buf sin;
    size_t s_start, s_pos; /* the reply being split: sin.p[s_start .. s_pos) done so far */
    long long s_need;      /* elements still needed; 0 = between replies */
    int64_t s_first_ts;
    int s_sync;
    int s_tentative;
    uint64_t s_skipped;
    int s_dead;
    uint64_t s_off;
    struct rep *rq; /* FIFO: rq[rh .. rn) */
    size_t rh, rn, rcap;

    int paired_any;
    int counted_open; /* in rec.open_now (opened through cb_open, not yet closed) */
    int refused;      /* no command, only Redis's maxclients refusal: "on connect ... refuse" */
    int64_t prev_first_ts; /* first byte of the previous paired reply, -1 none */
    long long ncmds, nsteps;
    int cut;
    struct buf steps; /* the block's lines */
    struct buf notes; /* "# ..." lines about this connection */
};

struct rec {
    struct rec_opts o;
    char *source;
    struct rconn **conns; /* by id - 1 */
    int nconns;
    struct rec_counts k;
    int written; /* rec_write handed the steps over */
    /* The longest time no connection was open, between the first open and
     * the last close: the replay must not end ("finish idle") inside it. */
    int open_now;
    int64_t idle_from; /* when open_now dropped to 0; -1 before the first open */
    int64_t max_idle_us;
};

/* ---- text helpers ------------------------------------------------------------------ */

/* Appends p[0..n) inside double quotes, escaped so that both the scenario
 * lexer and resp_split_args read back exactly these bytes. */
static void put_quoted(struct buf *out, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"': buf_append(out, "\\\"", 2); break;
        case '\\': buf_append(out, "\\\\", 2); break;
        case '\r': buf_append(out, "\\r", 2); break;
        case '\n': buf_append(out, "\\n", 2); break;
        case '\t': buf_append(out, "\\t", 2); break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                buf_putc(out, (char)c);
            } else {
                char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
                buf_append(out, e, 4);
            }
        }
    }
    buf_putc(out, '"');
}

static int bare_safe(const char *p, size_t n)
{
    if (n == 0 || p[0] == '#')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\')
            return 0;
    }
    return 1;
}

/* Bare words and put_quoted read back exactly, with both readers: every
 * byte value is checked in tests/unit/test_rec.c (args_round_trip), and
 * fuzz_rec parses every scenario written. */
void rec_fmt_args(struct buf *out, int argc, char *const *argv, const size_t *argl)
{
    for (int i = 0; i < argc; i++) {
        if (i)
            buf_putc(out, ' ');
        if (bare_safe(argv[i], argl[i]))
            buf_append(out, argv[i], argl[i]);
        else
            put_quoted(out, argv[i], argl[i]);
    }
}

/* Durations as the scenario language writes them: 3ms, 1.25ms, 800us. */
static void put_duration(struct buf *out, int64_t us)
{
    if (us < 1000)
        buf_printf(out, "%" PRId64 "us", us);
    else if (us % 1000 == 0)
        buf_printf(out, "%" PRId64 "ms", us / 1000);
    else {
        char frac[8];
        snprintf(frac, sizeof(frac), "%03d", (int)(us % 1000));
        size_t l = strlen(frac);
        while (l > 0 && frac[l - 1] == '0')
            l--;
        buf_printf(out, "%" PRId64 ".%.*sms", us / 1000, (int)l, frac);
    }
}

/* ---- reply values -------------------------------------------------------------------- */

static int printable(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f)
            return 0;
    return 1;
}

/* Renders the element at *pp (inside a complete reply ending at end) in
 * the readable syntax. Returns 0, or -1 when there is no readable form. */
static int readable(const char **pp, const char *end, struct buf *out, int top, int depth,
                    int allow_error)
{
    const char *p = *pp;
    if (p >= end)
        return -1;
    const char *lf = memchr(p, '\n', (size_t)(end - p));
    if (lf == NULL || lf - p < 2)
        return -1;
    const char *body = p + 1;
    size_t blen = (size_t)(lf - 1 - body);
    long long ll;
    *pp = lf + 1;
    switch (p[0]) {
    case '+':
        if (!printable(body, blen))
            return -1;
        buf_append(out, body, blen);
        return 0;
    case '-':
        /* "(error) TEXT" runs to the end of the line: only at the top. */
        if (!top || !allow_error || !printable(body, blen))
            return -1;
        buf_puts(out, "(error) ");
        buf_append(out, body, blen);
        return 0;
    case ':':
        buf_puts(out, "(integer) ");
        buf_append(out, body, blen);
        return 0;
    case '$':
        if (!util_str2ll(body, blen, &ll) || ll < -1)
            return -1;
        if (ll == -1) {
            buf_puts(out, "(nil)");
            return 0;
        }
        if ((size_t)(end - *pp) < (size_t)ll + 2)
            return -1;
        put_quoted(out, *pp, (size_t)ll);
        *pp += ll + 2;
        return 0;
    case '*':
        if (!util_str2ll(body, blen, &ll) || ll < 0 || depth >= VALUE_DEPTH_MAX)
            return -1;
        if (ll == 0) {
            buf_puts(out, top ? "(empty array)" : "[]");
            return 0;
        }
        buf_putc(out, '[');
        for (long long i = 0; i < ll; i++) {
            if (i)
                buf_puts(out, ", ");
            if (readable(pp, end, out, 0, depth + 1, 0) < 0)
                return -1;
        }
        buf_putc(out, ']');
        return 0;
    default: return -1; /* RESP3 types, attributes, pushes */
    }
}

int rec_fmt_reply(struct buf *out, const char *reply, size_t n, int allow_error)
{
    size_t start = out->len;
    const char *p = reply;
    int ok = readable(&p, reply + n, out, 1, 0, allow_error) == 0 && p == reply + n;
    if (ok) {
        /* The round trip decides: parse the text back, encode it as the
         * replay engine will, compare with what the server sent. */
        struct scn_val *v = NULL;
        ok = scn_parse_value(out->p + start, out->len - start, "rec", &v, NULL) == 0;
        if (ok) {
            struct buf enc = BUF_INIT;
            scn_val_write(v, &enc, 2);
            ok = enc.len == n && memcmp(enc.p, reply, n) == 0;
            buf_free(&enc);
        }
        scn_val_free(v);
    }
    if (ok)
        return 0;
    out->len = start;
    buf_puts(out, "raw ");
    put_quoted(out, reply, n);
    return 1;
}

/* ---- connections ------------------------------------------------------------------------- */

static struct rconn *conn_get(struct rec *r, int id, int create)
{
    if (id < 1 || id > 1000000000)
        return NULL;
    if (id <= r->nconns && r->conns[id - 1])
        return r->conns[id - 1];
    if (!create)
        return NULL;
    if (id > r->nconns) {
        r->conns = mem_realloc(r->conns, (size_t)id * sizeof(*r->conns));
        memset(r->conns + r->nconns, 0, (size_t)(id - r->nconns) * sizeof(*r->conns));
        r->nconns = id;
    }
    struct rconn *c = mem_calloc(1, sizeof(*c));
    c->id = id;
    c->prev_first_ts = -1;
    resp_reqp_init(&c->reqp);
    r->conns[id - 1] = c;
    r->k.connections++;
    return c;
}

/* Appends a "# ..." line. The text may quote what the peer sent (the
 * request parser's error names the offending byte), so control and non-ASCII
 * bytes are escaped: a line break would end the comment early. */
static void note(struct rconn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct rconn *c, const char *fmt, ...)
{
    static const char hex[] = "0123456789abcdef";
    struct buf t = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&t, fmt, ap);
    va_end(ap);
    buf_puts(&c->notes, "# ");
    for (size_t i = 0; i < t.len; i++) {
        unsigned char ch = (unsigned char)t.p[i];
        if (ch >= 0x20 && ch < 0x7f) {
            buf_putc(&c->notes, (char)ch);
        } else {
            char e[4] = {'\\', 'x', hex[ch >> 4], hex[ch & 15]};
            buf_append(&c->notes, e, 4);
        }
    }
    buf_free(&t);
    buf_putc(&c->notes, '\n');
}

static const char *plural(long long n)
{
    return n == 1 ? "" : "s";
}

static void drop_commands(struct rconn *c)
{
    for (size_t i = c->ch; i < c->cn; i++)
        free(c->cq[i].text);
    c->ch = c->cn = 0;
}

/* The reply is the error Redis writes to a connection over maxclients. */
static int is_refusal(const struct rep *q)
{
    const char *t = rtext[RT_MAXCLIENTS];
    size_t n = strlen(t);
    return q->n == n + 3 && q->p[0] == '-' && memcmp(q->p + 1, t, n) == 0 &&
           memcmp(q->p + 1 + n, "\r\n", 2) == 0;
}

static void drop_replies(struct rconn *c)
{
    for (size_t i = c->rh; i < c->rn; i++)
        free(c->rq[i].p);
    c->rh = c->rn = 0;
}

/* The server side stops: nothing more is paired on this connection. */
static void stop_server_side(struct rec *r, struct rconn *c)
{
    if (c->s_dead)
        return;
    c->s_dead = 1;
    r->k.ignored_bytes += c->sin.len > c->s_start ? c->sin.len - c->s_start : 0;
    buf_free(&c->sin);
    c->s_start = c->s_pos = 0;
    c->s_need = 0;
}

static void stop_client_side(struct rec *r, struct rconn *c)
{
    if (c->c_dead)
        return;
    c->c_dead = 1;
    r->k.ignored_bytes += c->cin.len;
    buf_free(&c->cin);
    resp_reqp_free(&c->reqp);
    /* Replies go on to the commands already complete; once those are
     * answered, what the server sends belongs to commands we do not have. */
    if (c->ch == c->cn)
        stop_server_side(r, c);
}

/* A problem after which nothing on this connection can be paired. */
static void cut(struct rec *r, struct rconn *c)
{
    if (!c->cut) {
        c->cut = 1;
        r->k.cut++;
    }
}

static void cut_all(struct rec *r, struct rconn *c)
{
    long long n = (long long)(c->cn - c->ch);
    if (n > 0) {
        note(c, "%lld command%s sent before that point got no usable reply: not recorded", n,
             plural(n));
        r->k.dropped += n;
    }
    drop_commands(c);
    cut(r, c);
    stop_client_side(r, c);
    stop_server_side(r, c);
}

/* ---- pairing ------------------------------------------------------------------------------ */

static void emit(struct rec *r, struct rconn *c, const struct pend *cmd, const char *reply,
                 size_t n, int64_t first_ts)
{
    int64_t base = cmd->ts;
    if (c->prev_first_ts > base)
        base = c->prev_first_ts;
    int64_t delay = first_ts - base;
    c->prev_first_ts = first_ts;
    c->paired_any = 1;
    if (r->o.no_delays || delay < r->o.min_delay_us || delay <= 0)
        delay = 0;
    if (delay > DELAY_MAX_US)
        delay = DELAY_MAX_US;

    buf_puts(&c->steps, "    > ");
    buf_append(&c->steps, cmd->text, cmd->len);
    buf_puts(&c->steps, "\n    < ");
    if (rec_fmt_reply(&c->steps, reply, n, delay == 0))
        r->k.raw++;
    if (delay > 0) {
        buf_puts(&c->steps, "  delay ");
        put_duration(&c->steps, delay);
        r->k.delays++;
    }
    buf_putc(&c->steps, '\n');
    c->nsteps++;
    r->k.steps++;
}

/* In a stream that started mid-conversation, a reply that began before
 * the first command we have answers a command we do not have. */
static int early(const struct rconn *c, int64_t reply_ts, int64_t cmd_ts)
{
    return !c->syn && !c->paired_any && reply_ts < cmd_ts;
}

static void pair(struct rec *r, struct rconn *c)
{
    while (c->ch < c->cn && c->rh < c->rn) {
        struct pend *cmd = &c->cq[c->ch];
        struct rep *rp = &c->rq[c->rh++];
        if (early(c, rp->ts, cmd->ts)) {
            r->k.early_replies++;
        } else {
            emit(r, c, cmd, rp->p, rp->n, rp->ts);
            free(cmd->text);
            c->ch++;
        }
        free(rp->p);
    }
    if (c->ch == c->cn)
        c->ch = c->cn = 0;
    if (c->rh == c->rn)
        c->rh = c->rn = 0;
    if (c->c_dead && c->ch == c->cn)
        stop_server_side(r, c);
}

static void on_reply(struct rec *r, struct rconn *c, const char *p, size_t n, int64_t ts)
{
    if (p[0] == '>') { /* RESP3 push: not an answer to anything */
        r->k.push++;
        return;
    }
    if (c->rh == c->rn && c->ch < c->cn && !early(c, ts, c->cq[c->ch].ts)) {
        struct pend *cmd = &c->cq[c->ch];
        emit(r, c, cmd, p, n, ts);
        free(cmd->text);
        if (++c->ch == c->cn)
            c->ch = c->cn = 0;
        if (c->c_dead && c->ch == c->cn)
            stop_server_side(r, c);
        return;
    }
    if (c->rn == c->rcap) {
        c->rcap = c->rcap ? c->rcap * 2 : 8;
        c->rq = mem_realloc(c->rq, c->rcap * sizeof(*c->rq));
    }
    c->rq[c->rn++] = (struct rep){mem_dup(p, n), n, ts};
    pair(r, c);
}

/* Commands after which the server no longer sends exactly one reply per
 * command (or none at all). */
static const char *breaks_pairing(const struct resp_argv *a)
{
    static const char *const names[] = {"subscribe",   "psubscribe",   "ssubscribe",
                                        "unsubscribe", "punsubscribe", "sunsubscribe",
                                        "monitor",     "sync",         "psync"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (a->argl[0] == strlen(names[i]) && strcasecmp(a->argv[0], names[i]) == 0)
            return names[i];
    if (a->argc >= 3 && strcasecmp(a->argv[0], "client") == 0 &&
        strcasecmp(a->argv[1], "reply") == 0 &&
        (strcasecmp(a->argv[2], "off") == 0 || strcasecmp(a->argv[2], "skip") == 0))
        return "client reply";
    return NULL;
}

static void on_command(struct rec *r, struct rconn *c, struct resp_argv *a, int64_t ts)
{
    c->ncmds++;
    r->k.commands++;
    if (c->ncmds == 1)
        r->k.recorded++;
    const char *why = breaks_pairing(a);
    if (why) {
        struct buf w = BUF_INIT;
        rec_fmt_args(&w, a->argc > 3 ? 3 : a->argc, a->argv, a->argl);
        note(c,
             "stopped at command %lld, '%s': after %s, replies are not one per command "
             "(pub/sub, MONITOR, replication or CLIENT REPLY); the rest of this connection is "
             "not recorded",
             c->ncmds, w.p, why);
        buf_free(&w);
        r->k.dropped++;
        cut(r, c);
        stop_client_side(r, c);
        return;
    }
    struct buf t = BUF_INIT;
    rec_fmt_args(&t, a->argc, a->argv, a->argl);
    if (c->cn == c->ccap) {
        c->ccap = c->ccap ? c->ccap * 2 : 8;
        c->cq = mem_realloc(c->cq, c->ccap * sizeof(*c->cq));
    }
    c->cq[c->cn++] = (struct pend){t.p ? t.p : mem_strdup(""), t.len, ts};
    pair(r, c);
}

/* ---- client -> server ---------------------------------------------------------------------- */

/* Drops the first n bytes of the client's / the server's stream while
 * looking for where a conversation already under way can be followed. */
static void skip_client(struct rec *r, struct rconn *c, size_t n)
{
    r->k.resync_bytes += n;
    c->c_skipped += n;
    c->c_off += n;
    buf_consume(&c->cin, n);
}

static void skip_server(struct rec *r, struct rconn *c, size_t n)
{
    r->k.resync_bytes += n;
    c->s_skipped += n;
    c->s_off += n;
    buf_consume(&c->sin, n);
}

/* The offset of a plausible multibulk command start at or after from:
 * "*<digits>\r\n" at the start of the data or right after a CRLF. */
static size_t next_cmd_candidate(const char *d, size_t len, size_t from)
{
    for (size_t i = from; i < len; i++) {
        if (d[i] != '*' || (i > 0 && (i < 2 || d[i - 1] != '\n' || d[i - 2] != '\r')))
            continue;
        size_t j = i + 1;
        while (j < len && j - i < 12 && d[j] >= '0' && d[j] <= '9')
            j++;
        if (j == i + 1 || (j < len && d[j] != '\r'))
            continue;
        return i;
    }
    return len;
}

/* Looks for the first command in a stream that started mid-conversation.
 * Returns 1 once synchronised: cin then starts with what parses as the
 * start of a command (tentatively while that command is incomplete). */
static int resync_client(struct rec *r, struct rconn *c)
{
    size_t at = 0;
    for (;;) {
        at = next_cmd_candidate(c->cin.p, c->cin.len, at);
        if (at >= c->cin.len)
            break;
        struct resp_reqp trial;
        struct resp_argv *a = NULL;
        size_t used;
        resp_reqp_init(&trial);
        int st = resp_reqp_feed(&trial, c->cin.p + at, c->cin.len - at, &used, &a);
        resp_reqp_free(&trial);
        resp_argv_free(a);
        if (st == RESP_CMD || st == RESP_MORE) {
            skip_client(r, c, at);
            c->c_sync = 1;
            c->c_tentative = 1;
            return 1;
        }
        at++;
    }
    /* Nothing yet: keep a tail that may hold the start of a candidate. */
    size_t keep = c->cin.len < 16 ? c->cin.len : 16;
    size_t drop = c->cin.len - keep;
    skip_client(r, c, drop);
    return 0;
}

static void client_data(struct rec *r, struct rconn *c, const uint8_t *p, size_t n, int64_t ts)
{
    if (c->c_dead) {
        r->k.ignored_bytes += n;
        return;
    }
    buf_append(&c->cin, p, n);
    size_t rd = 0;
    for (;;) {
        if (!c->c_sync && !resync_client(r, c))
            return;
        size_t used;
        struct resp_argv *a;
        int st = resp_reqp_feed(&c->reqp, c->cin.p + rd, c->cin.len - rd, &used, &a);
        if (st == RESP_MORE) {
            rd += used; /* a big argument's bytes, copied by the parser */
            break;
        }
        if (st < 0 && c->c_tentative) {
            /* The guess was wrong: no command came from it, but empty
             * lines may have (rd > 0). Drop what it read and one byte
             * more, and look again from there. */
            resp_reqp_free(&c->reqp);
            c->c_sync = c->c_tentative = 0;
            skip_client(r, c, rd + 1);
            rd = 0;
            continue;
        }
        if (st < 0) {
            note(c,
                 "stopped: the client sent bytes that are not RESP at stream offset %" PRIu64
                 " (Redis answers '%s' and closes)",
                 c->c_off + rd, c->reqp.err);
            cut(r, c);
            stop_client_side(r, c);
            return;
        }
        rd += used;
        if (st == RESP_CMD) {
            if (c->c_tentative && c->c_skipped > 0)
                note(c,
                     "skipped %" PRIu64 " bytes the client sent before the first whole "
                     "command (the capture started mid-conversation)",
                     c->c_skipped);
            c->c_tentative = 0;
            on_command(r, c, a, ts);
            resp_argv_free(a);
            if (c->c_dead)
                return;
        }
    }
    c->c_off += rd;
    buf_consume(&c->cin, rd);
}

/* ---- server -> client ------------------------------------------------------------------------ */

static int is_aggregate(char t)
{
    return t == '*' || t == '~' || t == '>' || t == '%' || t == '|';
}

static int is_reply_type(char t)
{
    return t != '\0' && strchr("+-:$*_,#!=(%~>|", t) != NULL;
}

/* Advances *pos over whole elements of data[0..len) until *need reaches 0
 * (returns 1: a reply is complete), more bytes are needed (0), or the
 * bytes are not RESP (MR_EPROTO, *pos at the bad element). */
static int split(const char *data, size_t len, size_t *pos, long long *need)
{
    while (*need > 0) {
        size_t avail = len - *pos;
        const char *e = data + *pos;
        if (avail == 0)
            return 0;
        const char *lf = memchr(e, '\n', avail < LINE_MAX_BYTES ? avail : LINE_MAX_BYTES);
        if (lf == NULL)
            return avail >= LINE_MAX_BYTES ? MR_EPROTO : 0;
        size_t n;
        if (is_aggregate(e[0])) {
            size_t hl = (size_t)(lf - e) + 1;
            int st = resp_scan(e, hl, &n);
            if (st < 0)
                return MR_EPROTO;
            *pos += hl;
            if (st == 1) { /* null or empty aggregate */
                (*need)--;
                continue;
            }
            long long ll = 0;
            if (!util_str2ll(e + 1, hl - 3, &ll) || ll < 0)
                return MR_EPROTO;
            if (ll > SPLIT_COUNT_MAX)
                ll = SPLIT_COUNT_MAX;
            *need += e[0] == '%' ? 2 * ll - 1 : e[0] == '|' ? 2 * ll : ll - 1;
            if (*need > SPLIT_NEED_MAX)
                *need = SPLIT_NEED_MAX;
        } else {
            int st = resp_scan(e, avail, &n);
            if (st <= 0)
                return st;
            *pos += n;
            (*need)--;
        }
    }
    return 1;
}

/* Whether a whole reply (or the start of one, up to the end of the data)
 * parses at data[at..len). */
static int plausible_reply(const char *data, size_t len, size_t at)
{
    size_t pos = at;
    long long need = 1;
    return split(data, len, &pos, &need) >= 0;
}

static int resync_server(struct rec *r, struct rconn *c)
{
    const char *d = c->sin.p;
    size_t len = c->sin.len;
    for (size_t i = 0; i < len; i++) {
        if (!is_reply_type(d[i]) || (i > 0 && (i < 2 || d[i - 1] != '\n' || d[i - 2] != '\r')))
            continue;
        if (!plausible_reply(d, len, i))
            continue;
        skip_server(r, c, i);
        c->s_sync = 1;
        c->s_tentative = 1;
        return 1;
    }
    size_t keep = len < 2 ? len : 2; /* a CRLF that may precede a reply */
    skip_server(r, c, len - keep);
    return 0;
}

static void server_data(struct rec *r, struct rconn *c, const uint8_t *p, size_t n, int64_t ts)
{
    if (c->s_dead) {
        r->k.ignored_bytes += n;
        return;
    }
    buf_append(&c->sin, p, n);
    while (!c->s_dead) {
        if (!c->s_sync && !resync_server(r, c))
            return;
        if (c->s_need == 0) {
            if (c->s_pos >= c->sin.len)
                break;
            c->s_start = c->s_pos;
            c->s_need = 1;
            c->s_first_ts = ts;
        }
        int st = split(c->sin.p, c->sin.len, &c->s_pos, &c->s_need);
        if (st == 0)
            break;
        if (st < 0 && c->s_tentative) {
            /* A wrong guess (s_start is 0): look again one byte further. */
            c->s_sync = c->s_tentative = 0;
            c->s_need = 0;
            c->s_start = c->s_pos = 0;
            skip_server(r, c, 1);
            continue;
        }
        if (st < 0) {
            note(c, "stopped: the server sent bytes that are not RESP at stream offset %" PRIu64,
                 c->s_off + c->s_pos);
            cut_all(r, c);
            return;
        }
        if (c->s_tentative && c->s_skipped > 0)
            note(c,
                 "skipped %" PRIu64 " bytes the server sent before the first whole reply "
                 "(the capture started mid-conversation)",
                 c->s_skipped);
        c->s_tentative = 0;
        c->s_need = 0;
        on_reply(r, c, c->sin.p + c->s_start, c->s_pos - c->s_start, c->s_first_ts);
    }
    if (c->s_dead)
        return;
    size_t done = c->s_need == 0 ? c->s_pos : c->s_start;
    buf_consume(&c->sin, done);
    c->s_off += done;
    c->s_start -= done;
    c->s_pos -= done;
}

/* ---- sink callbacks -------------------------------------------------------------------------- */

static void cb_open(void *ud, int id, const struct tcpre_flow *f, int syn, int64_t ts_us)
{
    struct rec *r = ud;
    if (conn_get(r, id, 0))
        return; /* opened twice: keep the first */
    struct rconn *c = conn_get(r, id, 1);
    if (c == NULL)
        return;
    if (r->open_now++ == 0 && r->idle_from >= 0 && ts_us - r->idle_from > r->max_idle_us)
        r->max_idle_us = ts_us - r->idle_from;
    c->counted_open = 1;
    c->syn = syn != 0;
    c->c_sync = c->s_sync = c->syn;
    if (f) {
        c->flow = *f;
        c->have_flow = 1;
    }
    if (!c->syn)
        note(c, "the capture starts in the middle of this conversation (no handshake seen)");
}

static struct rconn *live_conn(struct rec *r, int id)
{
    struct rconn *c = conn_get(r, id, 0);
    if (c == NULL) {
        cb_open(r, id, NULL, 0, 0);
        c = conn_get(r, id, 0);
    }
    return c && !c->closed ? c : NULL;
}

static void cb_data(void *ud, int id, enum tcpre_dir d, const uint8_t *p, size_t n, int64_t ts)
{
    struct rec *r = ud;
    struct rconn *c = live_conn(r, id);
    if (c == NULL || n == 0)
        return;
    if (d == TCPRE_C2S)
        client_data(r, c, p, n, ts);
    else
        server_data(r, c, p, n, ts);
}

static void cb_gap(void *ud, int id, enum tcpre_dir d, uint64_t n, int64_t ts)
{
    struct rec *r = ud;
    struct rconn *c = live_conn(r, id);
    (void)ts;
    if (c == NULL)
        return;
    if (d == TCPRE_C2S) {
        if (c->c_dead)
            return;
        note(c,
             "stopped: %" PRIu64 " bytes the client sent were not captured (a gap at stream "
             "offset %" PRIu64 "); commands before it are kept",
             n, c->c_off + c->cin.len);
        if (c->c_sync && c->cin.len > 0)
            r->k.incomplete++;
        cut(r, c);
        stop_client_side(r, c);
    } else {
        if (c->s_dead)
            return;
        note(c,
             "stopped: %" PRIu64 " bytes the server sent were not captured (a gap at stream "
             "offset %" PRIu64 ")",
             n, c->s_off + c->sin.len);
        cut_all(r, c);
    }
}

static void finish_conn(struct rec *r, struct rconn *c, enum tcpre_end how)
{
    if (c->closed)
        return;
    c->closed = 1;
    c->how = how;
    if (!c->c_dead && !c->c_sync && c->cin.len + c->c_skipped > 0)
        note(c, "no whole command found in the %" PRIu64 " bytes the client sent",
             c->c_skipped + c->cin.len);
    if (!c->s_dead && !c->s_sync && c->sin.len + c->s_skipped > 0)
        note(c, "no whole reply found in the %" PRIu64 " bytes the server sent",
             c->s_skipped + c->sin.len);
    if (!c->c_dead && c->c_sync && c->cin.len > 0) {
        note(c,
             "a command was still being sent when the connection ended (%zu bytes): not "
             "recorded",
             c->cin.len);
        r->k.incomplete++;
    } else if (!c->c_dead && !c->c_sync) {
        r->k.resync_bytes += c->cin.len;
    }
    if (!c->s_dead && !c->s_sync)
        r->k.resync_bytes += c->sin.len;
    if (!c->s_dead && c->s_sync && c->sin.len > c->s_start && c->s_need > 0) {
        note(c, "a reply was still being sent when the connection ended (%zu bytes so far)",
             c->sin.len - c->s_start);
        r->k.incomplete++;
    }
    long long n = (long long)(c->cn - c->ch);
    if (n > 0) {
        note(c,
             "%lld command%s at the end got no reply in the capture: not recorded (a strict "
             "step needs a reply)",
             n, plural(n));
        r->k.unanswered += n;
    }
    long long m = (long long)(c->rn - c->rh);
    if (m == 1 && c->ncmds == 0 && is_refusal(&c->rq[c->rh])) {
        c->refused = 1; /* replayed by a connection rule, not dropped */
        r->k.refused++;
        m = 0;
    }
    if (m > 0) {
        if (!c->syn && !c->paired_any) {
            note(c, "%lld repl%s to commands sent before the capture started: dropped", m,
                 m == 1 ? "y" : "ies");
            r->k.early_replies += m;
        } else {
            note(c, "%lld repl%s with no command waiting for it: dropped", m, m == 1 ? "y" : "ies");
            r->k.unsolicited += m;
        }
    }
    drop_commands(c);
    drop_replies(c);
    free(c->cq);
    free(c->rq);
    c->cq = NULL;
    c->rq = NULL;
    c->ccap = c->rcap = 0;
    buf_free(&c->cin);
    buf_free(&c->sin);
    resp_reqp_free(&c->reqp);
    c->c_dead = c->s_dead = 1;
    if (c->ncmds == 0 && !c->refused)
        r->k.empty++;
}

static void cb_close(void *ud, int id, enum tcpre_end how, int64_t ts)
{
    struct rec *r = ud;
    struct rconn *c = conn_get(r, id, 0);
    if (c == NULL)
        return;
    if (c->counted_open) {
        c->counted_open = 0;
        if (--r->open_now == 0)
            r->idle_from = ts;
    }
    finish_conn(r, c, how);
}

/* "finish idle", with a grace of twice the longest time the capture had no
 * connection open (at least the default, at most what a duration can be),
 * so that the replay does not end while the client is between two
 * connections. */
static void write_finish(const struct rec *r, struct buf *out)
{
    if (2 * r->max_idle_us <= SCN_IDLE_GRACE_US) {
        buf_puts(out, "\nfinish idle\n");
        return;
    }
    int64_t ms = (2 * r->max_idle_us + 999) / 1000;
    if (ms > DELAY_MAX_US / 1000)
        ms = DELAY_MAX_US / 1000;
    buf_printf(out,
               "\n# the client had no connection open for up to %lld ms: the replay waits twice "
               "that before it ends\nfinish idle %lldms\n",
               (long long)(r->max_idle_us / 1000), (long long)ms);
}

/* ---- public ---------------------------------------------------------------------------------- */

void rec_opts_init(struct rec_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->min_delay_us = 1000;
}

struct rec *rec_new(const struct rec_opts *o)
{
    struct rec *r = mem_calloc(1, sizeof(*r));
    r->idle_from = -1;
    if (o)
        r->o = *o;
    else
        rec_opts_init(&r->o);
    r->source = mem_strdup(r->o.source ? r->o.source : "a capture");
    r->o.source = r->source;
    return r;
}

void rec_free(struct rec *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < r->nconns; i++) {
        struct rconn *c = r->conns[i];
        if (c == NULL)
            continue;
        drop_commands(c);
        drop_replies(c);
        free(c->cq);
        free(c->rq);
        buf_free(&c->cin);
        buf_free(&c->sin);
        resp_reqp_free(&c->reqp);
        buf_free(&c->steps);
        buf_free(&c->notes);
        free(c);
    }
    free(r->conns);
    free(r->source);
    free(r);
}

void rec_sink(struct rec *r, struct tcpre_sink *out)
{
    memset(out, 0, sizeof(*out));
    out->ud = r;
    out->open = cb_open;
    out->data = cb_data;
    out->gap = cb_gap;
    out->close = cb_close;
}

void rec_counts(const struct rec *r, struct rec_counts *out)
{
    *out = r->k;
}

int rec_server_ports(const struct rec *r, uint16_t *ports, int max)
{
    int n = 0;
    for (int i = 0; i < r->nconns; i++) {
        const struct rconn *c = r->conns[i];
        if (c == NULL || !c->have_flow || c->ncmds == 0)
            continue;
        int seen = 0;
        for (int j = 0; j < n && j < max; j++)
            seen |= ports[j] == c->flow.srv_port;
        if (!seen) {
            if (n < max)
                ports[n] = c->flow.srv_port;
            n++;
        }
    }
    return n;
}

static void put_endpoint(struct buf *out, int family, const uint8_t *addr, uint16_t port)
{
    char text[INET6_ADDRSTRLEN] = "?";
    inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, text, sizeof(text));
    if (family == AF_INET6)
        buf_printf(out, "[%s]:%u", text, (unsigned)port);
    else
        buf_printf(out, "%s:%u", text, (unsigned)port);
}

/* "what was skipped" as a list of "N things (why)", or nothing. */
static void put_skipped(struct buf *out, const struct rec_counts *k, const char *sep)
{
    struct {
        long long n;
        const char *one, *many;
    } items[] = {
        {k->unanswered, "command without a reply at the end",
         "commands without a reply at the end"},
        {k->dropped, "command lost where a connection was stopped",
         "commands lost where connections were stopped"},
        {k->early_replies, "reply to a command sent before the capture started",
         "replies to commands sent before the capture started"},
        {k->unsolicited, "reply with no command waiting", "replies with no command waiting"},
        {k->push, "RESP3 push message", "RESP3 push messages"},
        {k->incomplete, "partial command or reply at the end of a connection",
         "partial commands or replies at the end of connections"},
        {k->empty, "connection without commands (no block, still numbered)",
         "connections without commands (no block, still numbered)"},
        {(long long)k->resync_bytes, "byte skipped to find where a conversation starts",
         "bytes skipped to find where conversations start"},
        {(long long)k->ignored_bytes, "byte after a connection was stopped",
         "bytes after connections were stopped"},
    };
    int any = 0;
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        if (items[i].n == 0)
            continue;
        buf_printf(out, "%s%lld %s", any ? sep : "", items[i].n,
                   items[i].n == 1 ? items[i].one : items[i].many);
        any = 1;
    }
    if (!any)
        buf_puts(out, "nothing");
}

static const char *end_name(const struct rconn *c)
{
    switch (c->how) {
    case TCPRE_FIN: return "closed (FIN)";
    case TCPRE_RST: return "reset (RST)";
    default: return "still open when the capture ended";
    }
}

void rec_summary(const struct rec *r, struct buf *out)
{
    const struct rec_counts *k = &r->k;
    buf_printf(out, "recorded %d connection%s, %lld command%s", k->recorded, plural(k->recorded),
               k->steps, plural(k->steps));
    if (k->cut)
        buf_printf(out, " (%d connection%s stopped early)", k->cut, plural(k->cut));
    buf_puts(out, "; skipped: ");
    put_skipped(out, k, ", ");
}

long long rec_write(struct rec *r, const struct tcpre_stats *st, const char *warning,
                    struct buf *out)
{
    if (r->written)
        return 0;
    r->written = 1;
    for (int i = 0; i < r->nconns; i++)
        if (r->conns[i])
            finish_conn(r, r->conns[i], TCPRE_EOF);
    const struct rec_counts *k = &r->k;

    /* The header: a comment may not hold a line break. */
    struct buf src = BUF_INIT;
    put_quoted(&src, r->source, strlen(r->source));
    buf_printf(out, "# Recorded by mockredis record from %s.\n", src.p);
    if (warning) {
        struct buf w = BUF_INIT;
        put_quoted(&w, warning, strlen(warning));
        buf_printf(out, "# WARNING: %s\n", w.p);
        buf_free(&w);
    }
    buf_printf(out,
               "# connections: %d seen, %d recorded, %d refused (maxclients), %d stopped early\n",
               k->connections, k->recorded, k->refused, k->cut);
    buf_printf(out,
               "# commands: %lld parsed, %lld written as strict steps (%lld with a delay, "
               "%lld repl%s as raw bytes)\n",
               k->commands, k->steps, k->delays, k->raw, k->raw == 1 ? "y" : "ies");
    buf_puts(out, "# skipped: ");
    put_skipped(out, k, "; ");
    buf_putc(out, '\n');
    if (st) {
        buf_printf(out,
                   "# capture: %" PRIu64 " frames, %" PRIu64 " TCP segments followed, %" PRIu64
                   " not TCP, %" PRIu64 " on other ports, %" PRIu64 " undecodable, %" PRIu64
                   " truncated, %" PRIu64 " retransmitted, %" PRIu64 " out of order, %" PRIu64
                   " bytes missing (gaps), %d connections (%d mid-conversation)\n",
                   st->frames, st->tcp, st->not_tcp, st->other_port, st->undecodable, st->truncated,
                   st->retransmitted, st->out_of_order, st->gap_bytes, st->connections,
                   st->midstream);
    }
    if (r->o.no_delays)
        buf_puts(out, "# delays: not written (--no-delays)\n");
    else {
        buf_puts(out, "# delays: written where the server took at least ");
        put_duration(out, r->o.min_delay_us > 0 ? r->o.min_delay_us : 0);
        buf_putc(out, '\n');
    }
    buf_puts(out, "# Replay: mockredis --scenario THIS_FILE, then run the same client.\n\n");
    struct buf name = BUF_INIT;
    buf_printf(&name, "recorded from %s", r->source);
    buf_puts(out, "name ");
    put_quoted(out, name.p, name.len);
    write_finish(r, out);
    buf_free(&name);
    buf_free(&src);

    /* Every connection counts, in the order first seen, commands or not:
     * the replay numbers connections as it accepts them, so a client that
     * opens one it never uses (a health check, a refused one) must find the
     * same numbers. */
    int num = 0;
    long long steps = 0;
    for (int i = 0; i < r->nconns; i++) {
        struct rconn *c = r->conns[i];
        if (c == NULL)
            continue;
        num++;
        buf_printf(out, "\n# conn %d (capture connection %d", num, c->id);
        if (c->have_flow) {
            buf_puts(out, ", client ");
            put_endpoint(out, c->flow.family, c->flow.cli_addr, c->flow.cli_port);
            buf_puts(out, ", server ");
            put_endpoint(out, c->flow.family, c->flow.srv_addr, c->flow.srv_port);
        }
        buf_printf(out, "): %lld command%s, %lld step%s, %s\n", c->ncmds, plural(c->ncmds),
                   c->nsteps, plural(c->nsteps), end_name(c));
        buf_append(out, c->notes.p ? c->notes.p : "", c->notes.len);
        if (c->refused) {
            buf_puts(out, "# refused: Redis answered it with its maxclients error\n");
            buf_printf(out, "on connect nth %d do refuse\n", num);
            continue;
        }
        if (c->nsteps == 0) {
            buf_printf(out, "# (no step: no block; it still counts as connection %d)\n", num);
            continue;
        }
        buf_printf(out, "strict conn %d\n", num);
        buf_append(out, c->steps.p, c->steps.len);
        buf_free(&c->steps); /* the text is in out now: never held twice for long */
        buf_puts(out, "end\n");
        steps += c->nsteps;
    }
    buf_printf(out, "\nexpect connections == %d\n", num);
    return steps;
}
