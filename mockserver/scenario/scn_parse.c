/* scn_parse.c - the scenario parser, see scn.h and docs/scenarios.md.
 *
 * Line by line: a small lexer hands out one word at a time (quotes and
 * escapes as redis-cli's, a word starting with '#' ends the line), and a
 * recursive-descent parser per directive builds the tree. Every error is
 * recorded as "file:line:col: message" and parsing resumes at the next line
 * (after a broken block header, at the block's end), so `mockredis check`
 * reports every problem in one run. Nothing here does I/O.
 *
 * '[', ']' and ',' are punctuation only where a reply value is expected;
 * elsewhere they are ordinary characters, so globs like user:[0-9]* work. */
#include "scn.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "mr_err.h"
#include "util.h"

#define MAX_DEPTH 32

/* ---- the language's keywords ----------------------------------------------------
 *
 * One table per place a keyword may stand, so that parsing and the "did you
 * mean" hints for a misspelled one read the same list: a new keyword is one
 * new row. */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Directives at the start of a line. The header ones come first: each may
 * be given once (their index is the slot in parser.header_line). */
static const char *const directive_words[] = {
    "name",      "clock",   "seed",  "maxclients", "timeout", "requirepass", "finish",
    "maxmemory", "cluster", "setup", "strict",     "on",      "at",          "expect",
};
#define NHEADERS 9

/* maxmemory-policy's values, as Redis 7.0 names them (the scenario's
 * "maxmemory [+]SIZE [POLICY]" header). */
static const char *const policy_words[] = {
    "noeviction",   "allkeys-lru",  "allkeys-lfu",     "allkeys-random",
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
};

/* Conditions of a rule, between its pattern and 'do'. */
static const struct {
    const char *name;
    enum scn_cond_kind kind;
} cond_words[] = {
    {"nth", SC_NTH},     {"from", SC_FROM}, {"times", SC_TIMES},
    {"every", SC_EVERY}, {"conn", SC_CONN}, {"after", SC_AFTER_COMMANDS},
    {"not", SC_SCRIPT}, /* "not from script"; "from script" is read after 'from' */
    {"node", SC_NODE},  /* cluster scenarios */
};

/* What an expectation counts: "expect WHAT [MATCH|N] OP NUMBER". */
static const struct {
    const char *name;
    enum scn_what what;
} expect_words[] = {
    {"connections", SW_CONNECTIONS},
    {"peak-connections", SW_PEAK},
    {"refused", SW_REFUSED},
    {"commands", SW_COMMANDS},
    {"unconsumed", SW_UNCONSUMED},
    {"protocol-errors", SW_PROTOCOL_ERRORS},
    {"rule", SW_RULE},
    {"scripts", SW_SCRIPTS},
    {"script-calls", SW_SCRIPT_CALLS},
    {"evictions", SW_EVICTIONS},
    {"redirects", SW_REDIRECTS},
    {"node", SW_NODE_COMMANDS},
    /* over time and order: parsed by parse_expect_time, listed for hints */
    {"gap", SW_GAP},
    {"backoff", SW_BACKOFF},
    {"order", SW_ORDER},
    {"no", SW_NO_AFTER},
};

/* The nearest of n names (read through get(i)) to w, or NULL. */
static const char *nearest_of(const char *w, size_t wn, size_t n, const char *(*get)(size_t))
{
    const char *names[32];
    if (n > NELEM(names))
        n = NELEM(names);
    for (size_t i = 0; i < n; i++)
        names[i] = get(i);
    int k = util_nearest(w, wn, names, n);
    return k < 0 ? NULL : names[k];
}
static const char *directive_at(size_t i)
{
    return directive_words[i];
}
static const char *policy_at(size_t i)
{
    return policy_words[i];
}
static const char *cond_at(size_t i)
{
    return cond_words[i].name;
}
static const char *expect_at(size_t i)
{
    return expect_words[i].name;
}

const char *scn_near_condition(const char *w, size_t n)
{
    return nearest_of(w, n, NELEM(cond_words), cond_at);
}

struct tok {
    char *p; /* unescaped text, NUL-terminated (owned by the parser's scratch) */
    size_t n;
    int col;    /* 1-based column of the first character */
    int quoted; /* written in quotes: never a keyword */
    char punct; /* '[', ']' or ',' in value context, else 0 */
};

struct parser {
    const char *file;
    struct buf *diag;
    int errors;
    /* the current line */
    const char *line;
    size_t len, pos;
    int lineno;
    struct buf scratch; /* text of the last token */
    /* all lines */
    const char *text;
    size_t textlen, next;      /* offset of the next line */
    int header_line[NHEADERS]; /* where each header directive was given, 0 not yet */
};

static void perr(struct parser *p, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void perr(struct parser *p, int col, const char *fmt, ...)
{
    p->errors++;
    if (p->diag == NULL)
        return;
    va_list ap;
    buf_printf(p->diag, "%s:%d:%d: ", p->file, p->lineno, col);
    va_start(ap, fmt);
    buf_vprintf(p->diag, fmt, ap);
    va_end(ap);
    buf_putc(p->diag, '\n');
}

/* " (did you mean 'x'?)" when near is not NULL, else "". */
static const char *hint(char *out, size_t size, const char *near)
{
    if (near == NULL)
        return "";
    snprintf(out, size, " (did you mean '%s'?)", near);
    return out;
}

/* ---- lines and words ------------------------------------------------------------ */

static int next_line(struct parser *p)
{
    if (p->next >= p->textlen)
        return 0;
    const char *start = p->text + p->next;
    const char *nl = memchr(start, '\n', p->textlen - p->next);
    size_t n = nl ? (size_t)(nl - start) : p->textlen - p->next;
    p->next += n + (nl ? 1 : 0);
    if (n > 0 && start[n - 1] == '\r')
        n--;
    p->line = start;
    p->len = n;
    p->pos = 0;
    p->lineno++;
    return 1;
}

static int col_of(const struct parser *p, size_t pos)
{
    return (int)pos + 1;
}

static void skip_space(struct parser *p)
{
    while (p->pos < p->len && (p->line[p->pos] == ' ' || p->line[p->pos] == '\t'))
        p->pos++;
}

/* Column of the next word (or just past the end of the line), for messages. */
static int here(struct parser *p)
{
    skip_space(p);
    return col_of(p, p->pos);
}

static int hexdig(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int is_punct(char c)
{
    return c == '[' || c == ']' || c == ',';
}

/* Reads the next word. Returns 1 with *t filled, 0 at the end of the line
 * (or a comment), -1 after reporting a lexical error. */
static int word(struct parser *p, struct tok *t, int punct)
{
    skip_space(p);
    buf_clear(&p->scratch);
    memset(t, 0, sizeof(*t));
    if (p->pos >= p->len || p->line[p->pos] == '#')
        return 0;
    t->col = col_of(p, p->pos);
    char c = p->line[p->pos];
    if (punct && is_punct(c)) {
        t->punct = c;
        buf_putc(&p->scratch, c);
        p->pos++;
    } else if (c == '"' || c == '\'') {
        char q = c;
        t->quoted = 1;
        p->pos++;
        for (;;) {
            if (p->pos >= p->len) {
                perr(p, t->col, "unterminated quoted string");
                return -1;
            }
            c = p->line[p->pos++];
            if (c == q)
                break;
            if (c == '\\' && p->pos < p->len) {
                char e = p->line[p->pos];
                if (q == '\'') {
                    if (e == '\'') {
                        p->pos++;
                        c = '\'';
                    }
                } else if (e == 'x' && p->pos + 2 < p->len && hexdig(p->line[p->pos + 1]) >= 0 &&
                           hexdig(p->line[p->pos + 2]) >= 0) {
                    c = (char)(hexdig(p->line[p->pos + 1]) * 16 + hexdig(p->line[p->pos + 2]));
                    p->pos += 3;
                } else {
                    p->pos++;
                    switch (e) {
                    case 'n': c = '\n'; break;
                    case 'r': c = '\r'; break;
                    case 't': c = '\t'; break;
                    case 'b': c = '\b'; break;
                    case 'a': c = '\a'; break;
                    default: c = e; break;
                    }
                }
            }
            buf_putc(&p->scratch, c);
        }
        if (p->pos < p->len && p->line[p->pos] != ' ' && p->line[p->pos] != '\t' &&
            !(punct && is_punct(p->line[p->pos]))) {
            perr(p, here(p), "closing quote must be followed by a space");
            return -1;
        }
    } else {
        while (p->pos < p->len && p->line[p->pos] != ' ' && p->line[p->pos] != '\t' &&
               !(punct && is_punct(p->line[p->pos])))
            buf_putc(&p->scratch, p->line[p->pos++]);
    }
    t->p = p->scratch.p;
    t->n = p->scratch.len;
    return 1;
}

/* The next word without consuming it (its text is gone after the next call). */
static int peek(struct parser *p, struct tok *t, int punct)
{
    size_t save = p->pos;
    int errors = p->errors;
    struct buf *d = p->diag;
    size_t dlen = d ? d->len : 0;
    int r = word(p, t, punct);
    p->pos = save;
    p->errors = errors; /* reported again when really read */
    if (d)
        d->len = dlen;
    return r;
}

static int kw(const struct tok *t, const char *k)
{
    return !t->quoted && !t->punct && t->n == strlen(k) && strncasecmp(t->p, k, t->n) == 0;
}

static int at_end(struct parser *p)
{
    struct tok t;
    return peek(p, &t, 0) == 0;
}

/* Reports trailing words on the line. */
static void expect_eol(struct parser *p)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r == 1)
        perr(p, t.col, "unexpected '%s' at the end of the line", t.p);
}

/* ---- numbers and durations ------------------------------------------------------- */

int scn_parse_duration(const char *s, size_t n, int64_t *us)
{
    size_t i = 0;
    while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
        i++;
    if (i == 0 || i > 30)
        return -1;
    char num[32];
    memcpy(num, s, i);
    num[i] = '\0';
    char *end;
    errno = 0;
    double v = strtod(num, &end);
    if (*end != '\0' || errno != 0 || num[0] == '.' || num[i - 1] == '.')
        return -1;
    const char *u = s + i;
    size_t ul = n - i;
    double mult;
    if (ul == 2 && memcmp(u, "us", 2) == 0)
        mult = 1;
    else if (ul == 2 && memcmp(u, "ms", 2) == 0)
        mult = 1e3;
    else if (ul == 1 && u[0] == 's')
        mult = 1e6;
    else if (ul == 1 && u[0] == 'm')
        mult = 60e6;
    else if (ul == 1 && u[0] == 'h')
        mult = 3600e6;
    else
        return -1;
    double r = v * mult;
    if (r > 86400e6) /* a day is plenty for a test */
        return -1;
    *us = (int64_t)llround(r);
    return 0;
}

static int get_duration(struct parser *p, int64_t *us)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r <= 0) {
        if (r == 0)
            perr(p, here(p), "expected a duration such as 50ms (" SCN_DURATION_UNITS ")");
        return -1;
    }
    if (scn_parse_duration(t.p, t.n, us) < 0) {
        perr(p, t.col, "expected a duration such as 50ms, got '%s' (" SCN_DURATION_UNITS ")", t.p);
        return -1;
    }
    return 0;
}

/* A duration or a range "D1..D2". */
static int get_duration_range(struct parser *p, int64_t *lo, int64_t *hi)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r <= 0) {
        if (r == 0)
            perr(p, here(p),
                 "expected a duration such as 50ms or a range 10ms..40ms (" SCN_DURATION_UNITS ")");
        return -1;
    }
    const char *dots = strstr(t.p, "..");
    if (dots == NULL) {
        if (scn_parse_duration(t.p, t.n, lo) < 0) {
            perr(p, t.col, "expected a duration such as 50ms, got '%s' (" SCN_DURATION_UNITS ")",
                 t.p);
            return -1;
        }
        *hi = *lo;
        return 0;
    }
    size_t a = (size_t)(dots - t.p);
    if (scn_parse_duration(t.p, a, lo) < 0 || scn_parse_duration(dots + 2, t.n - a - 2, hi) < 0) {
        perr(p, t.col,
             "expected a range of durations such as 10ms..40ms, got '%s' (" SCN_DURATION_UNITS ")",
             t.p);
        return -1;
    }
    if (*hi < *lo) {
        perr(p, t.col, "the range '%s' ends before it starts", t.p);
        return -1;
    }
    return 0;
}

static int get_count(struct parser *p, long long min, long long *out, const char *what)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r <= 0) {
        if (r == 0)
            perr(p, here(p), "expected %s", what);
        return -1;
    }
    if (!util_str2ll(t.p, t.n, out) || *out < min) {
        perr(p, t.col, "expected %s, got '%s'", what, t.p);
        return -1;
    }
    return 0;
}

/* ---- reply values ---------------------------------------------------------------- */

static struct scn_val *val_new(enum scn_val_kind k)
{
    struct scn_val *v = mem_calloc(1, sizeof(*v));
    v->kind = k;
    return v;
}

static struct scn_val *val_str(enum scn_val_kind k, const char *s, size_t n)
{
    struct scn_val *v = val_new(k);
    v->str = mem_dup(s, n);
    v->len = n;
    return v;
}

/* Appends item to arr. The slots double when full, so an array of N
 * elements costs O(log N) reallocations and O(N) copying: a recorded reply
 * of 100,000 elements must not take a quadratic time to parse. */
static void val_push(struct scn_val *arr, struct scn_val *item)
{
    if (arr->nitems == arr->capitems) {
        arr->capitems = arr->capitems ? 2 * arr->capitems : 4;
        arr->items = mem_realloc(arr->items, (size_t)arr->capitems * sizeof(*arr->items));
    }
    arr->items[arr->nitems++] = item;
}

void scn_val_free(struct scn_val *v)
{
    if (v == NULL)
        return;
    for (int i = 0; i < v->nitems; i++)
        scn_val_free(v->items[i]);
    free(v->items);
    free(v->str);
    free(v);
}

static struct scn_val *value(struct parser *p, int depth);

/* "[a, b, [c]]" after the '[' was read. */
static struct scn_val *array_compact(struct parser *p, int col, int depth)
{
    struct scn_val *arr = val_new(SV_ARRAY);
    struct tok t;
    if (peek(p, &t, 1) == 1 && t.punct == ']') {
        word(p, &t, 1);
        return arr;
    }
    for (;;) {
        struct scn_val *item = value(p, depth + 1);
        if (item == NULL) {
            scn_val_free(arr);
            return NULL;
        }
        val_push(arr, item);
        int r = word(p, &t, 1);
        if (r == 1 && t.punct == ']')
            return arr;
        if (r == 1 && t.punct == ',')
            continue;
        if (r == 0)
            perr(p, col, "unterminated array: missing ']'");
        else if (r == 1)
            perr(p, t.col, "expected ',' or ']' in the array, got '%s'", t.p);
        scn_val_free(arr);
        return NULL;
    }
}

/* Parses one value; NULL after reporting an error. */
static struct scn_val *value(struct parser *p, int depth)
{
    struct tok t;
    int r = word(p, &t, 1);
    if (r <= 0) {
        if (r == 0)
            perr(
                p, here(p),
                "expected a reply value: OK, \"text\", (nil), (integer) N, (error) TEXT, [..] ...");
        return NULL;
    }
    if (depth > MAX_DEPTH) {
        perr(p, t.col, "arrays nested too deeply (more than %d levels)", MAX_DEPTH);
        return NULL;
    }
    if (t.punct == '[')
        return array_compact(p, t.col, depth);
    if (t.punct) {
        perr(p, t.col, "unexpected '%c'", t.punct);
        return NULL;
    }
    if (t.quoted)
        return val_str(SV_BULK, t.p, t.n);
    int col = t.col;
    if (kw(&t, "(nil)"))
        return val_new(SV_NIL);
    if (kw(&t, "(true)") || kw(&t, "(false)")) {
        struct scn_val *v = val_new(SV_BOOL);
        v->num = kw(&t, "(true)");
        return v;
    }
    if (kw(&t, "(integer)")) {
        long long n;
        r = word(p, &t, 1);
        if (r != 1 || t.punct || !util_str2ll(t.p, t.n, &n)) {
            if (r == 1)
                perr(p, t.col, "expected an integer after (integer), got '%s'", t.p);
            else if (r == 0)
                perr(p, here(p), "expected an integer after (integer)");
            return NULL;
        }
        struct scn_val *v = val_new(SV_INT);
        v->num = n;
        return v;
    }
    if (kw(&t, "(double)")) {
        double d;
        r = word(p, &t, 1);
        if (r <= 0 || t.punct || !(util_str2d(t.p, t.n, &d) || kw(&t, "inf") || kw(&t, "-inf"))) {
            perr(p, r == 1 ? t.col : col, "expected a number after (double)");
            return NULL;
        }
        return val_str(SV_DOUBLE, t.p, t.n);
    }
    if (kw(&t, "(error)")) {
        /* The rest of the line, spacing kept, comment dropped. Taken as raw
         * text, not as words: Redis's error texts hold quotes of their own
         * ("can't", "'maxmemory'."). */
        skip_space(p);
        size_t start = p->pos, end = p->pos;
        while (p->pos < p->len && !(p->line[p->pos] == '#' &&
                                    (p->line[p->pos - 1] == ' ' || p->line[p->pos - 1] == '\t'))) {
            if (p->line[p->pos] != ' ' && p->line[p->pos] != '\t')
                end = p->pos + 1;
            p->pos++;
        }
        if (end == start) {
            perr(p, col, "expected the error text after (error), e.g. (error) ERR something");
            return NULL;
        }
        return val_str(SV_ERROR, p->line + start, end - start);
    }
    if (kw(&t, "(empty")) {
        /* "(empty array)" or "(empty list or set)" as redis-cli prints them */
        struct tok w;
        while ((r = word(p, &w, 0)) == 1 && !(w.n > 0 && w.p[w.n - 1] == ')'))
            ;
        if (r != 1) {
            perr(p, col, "expected (empty array)");
            return NULL;
        }
        return val_new(SV_ARRAY);
    }
    if (kw(&t, "raw")) {
        r = word(p, &t, 0);
        if (r != 1 || !t.quoted) {
            perr(p, r == 1 ? t.col : col,
                 "expected a quoted string after raw, e.g. raw \"+OK\\r\\n\"");
            return NULL;
        }
        return val_str(SV_RAW, t.p, t.n);
    }
    if (t.p[0] == '(') {
        perr(p, t.col,
             "unknown reply type '%s' (known: (nil) (integer) (double) (true) (false) "
             "(error) (empty array))",
             t.p);
        return NULL;
    }
    return val_str(SV_SIMPLE, t.p, t.n);
}

/* Numbered lines as redis-cli prints arrays, read from the lines after the
 * current one:   1) "a"
 *                2) 1) "b"
 *                   2) "c"                                                   */
static struct scn_val *array_numbered(struct parser *p, int col)
{
    struct scn_val *stack[MAX_DEPTH + 1];
    int cols[MAX_DEPTH + 1];
    int depth = 0;
    struct scn_val *root = val_new(SV_ARRAY);
    int any = 0, ok = 1;
    stack[0] = root;
    cols[0] = -1;

    for (;;) {
        /* Look ahead: is the next line an element line? */
        size_t save_next = p->next;
        const char *save_line = p->line;
        size_t save_len = p->len, save_pos = p->pos;
        int save_no = p->lineno;
        if (!next_line(p))
            break;
        struct tok t;
        if (peek(p, &t, 0) != 1 || t.quoted || t.n < 2 || t.p[t.n - 1] != ')' ||
            !isdigit((unsigned char)t.p[0])) {
            p->next = save_next;
            p->line = save_line;
            p->len = save_len;
            p->pos = save_pos;
            p->lineno = save_no;
            break;
        }
        any = 1;
        /* One or more markers, then a value. */
        int first = 1;
        for (;;) {
            if (peek(p, &t, 0) != 1 || t.quoted || t.n < 2 || t.p[t.n - 1] != ')' ||
                !isdigit((unsigned char)t.p[0]))
                break;
            word(p, &t, 0);
            long long num = strtoll(t.p, NULL, 10);
            if (first) {
                if (cols[0] < 0)
                    cols[0] = t.col;
                while (depth > 0 && cols[depth] != t.col)
                    depth--;
                if (cols[depth] != t.col) {
                    perr(p, t.col, "element '%s' is not aligned with the elements above it", t.p);
                    ok = 0;
                    break;
                }
                first = 0;
            } else {
                if (depth >= MAX_DEPTH) {
                    perr(p, t.col, "arrays nested too deeply");
                    ok = 0;
                    break;
                }
                struct scn_val *sub = val_new(SV_ARRAY);
                val_push(stack[depth], sub);
                stack[++depth] = sub;
                cols[depth] = t.col;
            }
            if (num != stack[depth]->nitems + 1) {
                perr(p, t.col, "expected element %d), got '%s'", stack[depth]->nitems + 1, t.p);
                ok = 0;
                break;
            }
        }
        if (!ok)
            break;
        struct scn_val *v = value(p, depth + 1);
        if (v == NULL) {
            ok = 0;
            break;
        }
        val_push(stack[depth], v);
        expect_eol(p);
    }
    if (!any) {
        perr(p, col, "'reply' needs a value on its line, or numbered lines '1) ...' below it");
        ok = 0;
    }
    if (!ok) {
        scn_val_free(root);
        return NULL;
    }
    return root;
}

int scn_parse_value(const char *text, size_t len, const char *where, struct scn_val **out,
                    struct buf *diag)
{
    struct parser p;
    memset(&p, 0, sizeof(p));
    p.file = where;
    p.diag = diag;
    p.text = text;
    p.textlen = len;
    *out = NULL;
    if (next_line(&p)) {
        *out = value(&p, 0);
        if (*out)
            expect_eol(&p);
    }
    buf_free(&p.scratch);
    if (*out == NULL || p.errors) {
        scn_val_free(*out);
        *out = NULL;
        return MR_EPARSE;
    }
    return 0;
}

/* ---- RESP encoding of values ------------------------------------------------------ */

void scn_val_write(const struct scn_val *v, struct buf *out, int proto)
{
    switch (v->kind) {
    case SV_SIMPLE: resp_w_simple(out, v->str); break;
    case SV_BULK: resp_w_bulk(out, v->str, v->len); break;
    case SV_NIL: resp_w_null(out, proto); break;
    case SV_INT: resp_w_int(out, v->num); break;
    case SV_DOUBLE:
        if (proto >= 3) {
            buf_putc(out, ',');
            buf_append(out, v->str, v->len);
            buf_append(out, "\r\n", 2);
        } else {
            resp_w_bulk(out, v->str, v->len);
        }
        break;
    case SV_BOOL: resp_w_bool(out, proto, (int)v->num); break;
    case SV_ERROR: resp_w_error(out, v->str, v->len); break;
    case SV_ARRAY:
        resp_w_array(out, v->nitems);
        for (int i = 0; i < v->nitems; i++)
            scn_val_write(v->items[i], out, proto);
        break;
    case SV_RAW: buf_append(out, v->str, v->len); break;
    }
}

/* ---- commands and globs ------------------------------------------------------------ */

/* Reads words up to the end of the line (or up to a stop keyword, when
 * stop is given) into an argv. NULL after an error or when there is none.
 * With cols, *cols gets the column of each word (the caller frees it). */
static struct resp_argv *words_argv(struct parser *p, int (*stop)(const struct tok *), int **cols)
{
    struct buf data = BUF_INIT;
    size_t *lens = NULL;
    int *colv = NULL;
    int n = 0;
    struct tok t;
    int r;
    for (;;) {
        r = peek(p, &t, 0);
        if (r != 1 || (stop && stop(&t)))
            break;
        word(p, &t, 0);
        lens = mem_realloc(lens, (size_t)(n + 1) * sizeof(*lens));
        colv = mem_realloc(colv, (size_t)(n + 1) * sizeof(*colv));
        colv[n] = t.col;
        lens[n++] = t.n;
        buf_append(&data, t.p, t.n);
    }
    if (r < 0) {
        word(p, &t, 0); /* report the lexical error */
        n = 0;
    }
    struct resp_argv *a = NULL;
    if (n > 0) {
        const char **argv = mem_alloc((size_t)n * sizeof(*argv));
        size_t off = 0;
        for (int i = 0; i < n; i++) {
            argv[i] = data.p + off;
            off += lens[i];
        }
        a = resp_argv_new(n, argv, lens);
        free(argv);
    }
    buf_free(&data);
    free(lens);
    if (a != NULL && cols != NULL)
        *cols = colv;
    else
        free(colv);
    return a;
}

/* The condition t names, or -1. */
static int cond_index(const struct tok *t)
{
    for (size_t i = 0; i < NELEM(cond_words); i++)
        if (kw(t, cond_words[i].name))
            return (int)i;
    return -1;
}

static int is_cond_or_do(const struct tok *t)
{
    return kw(t, "do") || cond_index(t) >= 0;
}

/* ---- actions ------------------------------------------------------------------------- */

enum ctx { CTX_COMMAND, CTX_CONNECT, CTX_EVENT };

static void act_clear(struct scn_act *a)
{
    free(a->key);
    scn_val_free(a->val);
    resp_argv_free(a->cmd);
    free(a->cmd_cols);
}

static int get_key(struct parser *p, struct scn_act *a, const char *verb)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r != 1) {
        if (r == 0)
            perr(p, here(p), "expected a key after '%s'", verb);
        return -1;
    }
    a->key = mem_dup(t.p, t.n);
    a->keylen = t.n;
    return 0;
}

static int type_from_name(const struct tok *t)
{
    static const struct {
        const char *name;
        int type;
    } types[] = {
        {"string", SVT_STRING}, {"list", SVT_LIST}, {"hash", SVT_HASH},
        {"set", SVT_SET},       {"zset", SVT_ZSET}, {"stream", SVT_STREAM},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (kw(t, types[i].name))
            return types[i].type;
    return -1;
}

static const char *ctx_name(enum ctx c)
{
    return c == CTX_CONNECT ? "a connection rule"
           : c == CTX_EVENT ? "a timed event"
                            : "a command rule";
}

/* Actions, with the contexts each is allowed in (1u << enum ctx). */
static const struct {
    const char *name;
    unsigned ctxs;
} allowed[] = {
    {"reply", 1u << CTX_COMMAND},
    {"delay", 1u << CTX_COMMAND | 1u << CTX_CONNECT},
    {"latency", 1u << CTX_COMMAND},
    {"pieces", 1u << CTX_COMMAND},
    {"split", 1u << CTX_COMMAND},
    {"close", 1u << CTX_COMMAND | 1u << CTX_CONNECT},
    {"reset", 1u << CTX_COMMAND},
    {"hang", 1u << CTX_COMMAND},
    {"corrupt", 1u << CTX_COMMAND},
    {"evict", 1u << CTX_COMMAND | 1u << CTX_EVENT},
    {"expire", 1u << CTX_COMMAND | 1u << CTX_EVENT},
    {"retype", 1u << CTX_COMMAND | 1u << CTX_EVENT},
    {"advance", 1u << CTX_COMMAND | 1u << CTX_EVENT},
    {"pass", 1u << CTX_COMMAND},
    {"run", 1u << CTX_EVENT},
    {"refuse", 1u << CTX_CONNECT},
    {"silent", 1u << CTX_CONNECT},
    {"cluster", 1u << CTX_COMMAND | 1u << CTX_EVENT},
};
static const char *action_at(size_t i)
{
    return allowed[i].name;
}

/* A slot number (0..16383) at the cursor; with range, also "LO-HI". */
static int get_slots(struct parser *p, struct scn_act *a, int range)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r != 1) {
        if (r == 0)
            perr(p, here(p), "expected a slot (0 to 16383)%s",
                 range ? " or a range such as 0-99" : "");
        return -1;
    }
    const char *dash = range ? memchr(t.p, '-', t.n) : NULL;
    long long lo, hi;
    size_t n1 = dash ? (size_t)(dash - t.p) : t.n;
    if (!util_str2ll(t.p, n1, &lo) || lo < 0 || lo >= SCN_CLUSTER_SLOTS ||
        (dash &&
         (!util_str2ll(dash + 1, t.n - n1 - 1, &hi) || hi < 0 || hi >= SCN_CLUSTER_SLOTS))) {
        perr(p, t.col, "expected a slot (0 to 16383)%s, got '%s'",
             range ? " or a range such as 0-99" : "", t.p);
        return -1;
    }
    if (!dash)
        hi = lo;
    if (hi < lo) {
        perr(p, t.col, "the slot range '%s' ends before it starts", t.p);
        return -1;
    }
    a->slot_lo = (int)lo;
    a->slot_hi = (int)hi;
    return 0;
}

/* A node number at the cursor (its range is checked once the whole file,
 * and so the cluster header, is known: validate). */
static int get_node(struct parser *p, int *node, int *col)
{
    long long n;
    *col = here(p);
    if (get_count(p, 0, &n, "a node number from 0 up") < 0)
        return -1;
    *node = n >= SCN_CLUSTER_NODES_MAX ? SCN_CLUSTER_NODES_MAX : (int)n;
    return 0;
}

/* After 'cluster': migrate SLOT[-SLOT] to NODE, migrate start SLOT to NODE,
 * migrate keys SLOT N, migrate end SLOT, failover NODE, down NODE, up
 * NODE. */
static int cluster_action(struct parser *p, struct scn_act *a)
{
    static const char *const what =
        "expected migrate, failover, down or up after 'cluster' (cluster migrate SLOT[-SLOT] to "
        "NODE, cluster migrate start|keys|end SLOT ..., cluster failover NODE, cluster down "
        "NODE, cluster up NODE)";
    struct tok t;
    int r = word(p, &t, 0);
    if (r != 1) {
        if (r == 0)
            perr(p, here(p), "%s", what);
        return -1;
    }
    if (kw(&t, "failover") || kw(&t, "down") || kw(&t, "up")) {
        a->kind = kw(&t, "failover") ? SA_CL_FAILOVER : kw(&t, "down") ? SA_CL_DOWN : SA_CL_UP;
        return get_node(p, &a->node, &a->node_col);
    }
    if (!kw(&t, "migrate")) {
        char h[64];
        static const char *const verbs[] = {"migrate", "failover", "down", "up"};
        int k = util_nearest(t.p, t.n, verbs, NELEM(verbs));
        perr(p, t.col, "unknown cluster action '%s'%s: %s", t.p,
             hint(h, sizeof(h), k < 0 ? NULL : verbs[k]), what);
        return -1;
    }
    struct tok u;
    int to = 1;
    a->kind = SA_CL_MIGRATE;
    if (peek(p, &u, 0) == 1 && !u.quoted && (kw(&u, "start") || kw(&u, "keys") || kw(&u, "end"))) {
        word(p, &u, 0);
        a->kind = kw(&u, "start")  ? SA_CL_MIGRATE_START
                  : kw(&u, "keys") ? SA_CL_MIGRATE_KEYS
                                   : SA_CL_MIGRATE_END;
        to = a->kind == SA_CL_MIGRATE_START;
    }
    if (get_slots(p, a, a->kind == SA_CL_MIGRATE) < 0)
        return -1;
    if (a->kind == SA_CL_MIGRATE_KEYS)
        return get_count(p, 1, &a->n, "a number of keys from 1 up after the slot");
    if (!to)
        return 0;
    r = word(p, &u, 0);
    if (r != 1 || !kw(&u, "to")) {
        if (r >= 0)
            perr(p, r == 1 ? u.col : here(p), "expected 'to NODE' after the slot%s",
                 a->slot_hi > a->slot_lo ? "s" : "");
        return -1;
    }
    return get_node(p, &a->node, &a->node_col);
}

/* Parses one action at the cursor. Returns 0, or -1 after an error. */
static int action(struct parser *p, enum ctx ctx, struct scn_act *a)
{
    struct tok t;
    memset(a, 0, sizeof(*a));
    int r = word(p, &t, 0);
    if (r != 1) {
        if (r == 0)
            perr(p, here(p), "expected an action after 'do' or 'then'");
        return -1;
    }
    int col = t.col;
    a->line = p->lineno;
    a->col = col;
    size_t i;
    for (i = 0; i < NELEM(allowed); i++)
        if (kw(&t, allowed[i].name))
            break;
    if (i == NELEM(allowed)) {
        char h[64];
        perr(p, col, "unknown action '%s'%s", t.p,
             hint(h, sizeof(h), nearest_of(t.p, t.n, NELEM(allowed), action_at)));
        return -1;
    }
    if (!(allowed[i].ctxs & (1u << ctx))) {
        perr(p, col, "action '%s' is not allowed in %s", allowed[i].name, ctx_name(ctx));
        return -1;
    }
    const char *name = allowed[i].name;

    if (strcmp(name, "reply") == 0) {
        a->kind = SA_REPLY;
        a->val = at_end(p) ? array_numbered(p, col) : value(p, 0);
        return a->val ? 0 : -1;
    }
    if (strcmp(name, "delay") == 0 || strcmp(name, "latency") == 0) {
        a->kind = name[0] == 'd' ? SA_DELAY : SA_LATENCY;
        return get_duration_range(p, &a->us_min, &a->us_max);
    }
    if (strcmp(name, "pieces") == 0 || strcmp(name, "split") == 0) {
        a->us_min = a->us_max = 10000;
        if (name[0] == 'p') {
            a->kind = SA_PIECES;
            if (get_count(p, 1, &a->n, "a byte count after 'pieces'") < 0)
                return -1;
        } else {
            a->kind = SA_SPLIT;
            r = word(p, &t, 0);
            if (r == 1 && kw(&t, "inside-length")) {
                a->split = SPLIT_INSIDE_LENGTH;
            } else if (r == 1 && kw(&t, "inside-payload")) {
                a->split = SPLIT_INSIDE_PAYLOAD;
            } else if (r == 1 && util_str2ll(t.p, t.n, &a->n) && a->n >= 1) {
                a->split = SPLIT_OFFSET;
            } else {
                if (r >= 0)
                    perr(p, r == 1 ? t.col : here(p),
                         "expected inside-length, inside-payload or a byte offset after 'split'");
                return -1;
            }
        }
        if (peek(p, &t, 0) == 1 && kw(&t, "pause")) {
            word(p, &t, 0);
            if (get_duration(p, &a->us_min) < 0)
                return -1;
            a->us_max = a->us_min;
        }
        return 0;
    }
    if (strcmp(name, "close") == 0) {
        if (ctx == CTX_CONNECT) {
            a->kind = SA_CLOSE;
            return 0;
        }
        r = word(p, &t, 0);
        if (r == 1 && kw(&t, "before"))
            a->kind = SA_CLOSE_BEFORE;
        else if (r == 1 && kw(&t, "after"))
            a->kind = SA_CLOSE_AFTER;
        else if (r == 1 && kw(&t, "middle"))
            a->kind = SA_CLOSE_MIDDLE;
        else {
            if (r >= 0)
                perr(p, r == 1 ? t.col : here(p), "expected before, after or middle after 'close'");
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "corrupt") == 0) {
        r = word(p, &t, 0);
        if (r == 1 && kw(&t, "garbage"))
            a->kind = SA_CORRUPT_GARBAGE;
        else if (r == 1 && kw(&t, "length"))
            a->kind = SA_CORRUPT_LENGTH;
        else if (r == 1 && kw(&t, "resp3"))
            a->kind = SA_CORRUPT_RESP3;
        else {
            if (r >= 0)
                perr(p, r == 1 ? t.col : here(p),
                     "expected garbage, length or resp3 after 'corrupt'");
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "evict") == 0 || strcmp(name, "expire") == 0) {
        a->kind = name[1] == 'v' ? SA_EVICT : SA_EXPIRE;
        return get_key(p, a, name);
    }
    if (strcmp(name, "retype") == 0) {
        a->kind = SA_RETYPE;
        if (get_key(p, a, name) < 0)
            return -1;
        r = word(p, &t, 0);
        if (r != 1 || (a->type = type_from_name(&t)) < 0) {
            if (r >= 0)
                perr(p, r == 1 ? t.col : here(p),
                     "expected a type (string, list, hash, set, zset, stream) after the key");
            return -1;
        }
        return 0;
    }
    if (strcmp(name, "advance") == 0) {
        a->kind = SA_ADVANCE;
        if (get_duration(p, &a->us_min) < 0)
            return -1;
        a->us_max = a->us_min;
        return 0;
    }
    if (strcmp(name, "cluster") == 0)
        return cluster_action(p, a);
    if (strcmp(name, "run") == 0) {
        a->kind = SA_RUN;
        a->cmd = words_argv(p, NULL, &a->cmd_cols);
        if (a->cmd == NULL) {
            perr(p, col, "expected a command after 'run'");
            return -1;
        }
        return 0;
    }
    a->kind = strcmp(name, "pass") == 0     ? SA_PASS
              : strcmp(name, "reset") == 0  ? SA_RESET
              : strcmp(name, "hang") == 0   ? SA_HANG
              : strcmp(name, "refuse") == 0 ? SA_REFUSE
                                            : SA_SILENT;
    return 0;
}

static int replaces_reply(enum scn_act_kind k)
{
    return k == SA_REPLY || k == SA_CLOSE_BEFORE || k == SA_RESET || k == SA_HANG ||
           k == SA_CORRUPT_GARBAGE || k == SA_CORRUPT_LENGTH || k == SA_CORRUPT_RESP3 ||
           k == SA_REFUSE || k == SA_SILENT || k == SA_CLOSE;
}

/* "ACTION [then ACTION]..." to the end of the line. */
static int actions(struct parser *p, enum ctx ctx, struct scn_act **out, int *n)
{
    int replacing = 0;
    for (;;) {
        int col = col_of(p, p->pos);
        skip_space(p);
        col = col_of(p, p->pos);
        struct scn_act a;
        if (action(p, ctx, &a) < 0) {
            act_clear(&a);
            return -1;
        }
        if (replaces_reply(a.kind) && replacing++) {
            perr(p, col,
                 "a rule can replace the reply only once (reply, close before, reset, hang, "
                 "corrupt, refuse, silent)");
            act_clear(&a);
            return -1;
        }
        *out = mem_realloc(*out, (size_t)(*n + 1) * sizeof(**out));
        (*out)[(*n)++] = a;
        struct tok t;
        int r = word(p, &t, 0);
        if (r == 0)
            return 0;
        if (r < 0)
            return -1;
        if (!kw(&t, "then")) {
            perr(p, t.col, "expected 'then' or the end of the line, got '%s'", t.p);
            return -1;
        }
    }
}

/* ---- directives -------------------------------------------------------------------- */

static void rule_clear(struct scn_rule *r)
{
    resp_argv_free(r->match);
    free(r->match_cols);
    free(r->conds);
    for (int i = 0; i < r->nacts; i++)
        act_clear(&r->acts[i]);
    free(r->acts);
}

/* The line ended without 'do'. A word of the pattern that is a near miss
 * of it ("od", "d0") is the likely cause: point there. */
static void missing_do(struct parser *p, const struct scn_rule *r)
{
    for (int i = 1; r->match && i < r->match->argc; i++) {
        if (r->match->argl[i] <= 3 &&
            util_edit_distance(r->match->argv[i], r->match->argl[i], "do", 2) == 1) {
            perr(p, r->match_cols[i], "expected 'do' and an action, got '%s' (did you mean 'do'?)",
                 r->match->argv[i]);
            return;
        }
    }
    perr(p, here(p), "expected 'do' and an action");
}

/* After 'from' (t): "from N" or "from script"; after 'not': "not from
 * script". Fills *c. A connection rule has no script to come from. */
static int parse_script_cond(struct parser *p, const struct tok *t, int on_connect,
                             struct scn_cond *c)
{
    struct tok u;
    int is_not = kw(t, "not");
    if (is_not) {
        int r = word(p, &u, 0);
        if (r != 1 || !kw(&u, "from")) {
            char h[64];
            const char *near =
                r == 1 && util_edit_distance(u.p, u.n, "from", 4) <= 2 ? "from" : NULL;
            if (r == 1)
                perr(p, u.col, "expected 'from script' after 'not', got '%s'%s", u.p,
                     hint(h, sizeof(h), near));
            else if (r == 0)
                perr(p, here(p), "expected 'from script' after 'not'");
            return -1;
        }
    }
    if (!is_not && (peek(p, &u, 0) != 1 || u.quoted || u.n == 0 || isdigit((unsigned char)u.p[0]) ||
                    u.p[0] == '-')) {
        c->kind = SC_FROM;
        return get_count(p, 1, &c->n, "a number from 1 up");
    }
    int r = word(p, &u, 0);
    if (r != 1 || !kw(&u, "script")) {
        char h[64];
        const char *near =
            r == 1 && util_edit_distance(u.p, u.n, "script", 6) <= 2 ? "script" : NULL;
        const char *what = is_not ? "'script'" : "a number from 1 up or 'script'";
        if (r == 1)
            perr(p, u.col, "expected %s after 'from', got '%s'%s", what, u.p,
                 hint(h, sizeof(h), near));
        else if (r == 0)
            perr(p, here(p), "expected %s after 'from'", what);
        return -1;
    }
    if (on_connect) {
        perr(p, t->col, "'%sfrom script' does not apply to a connection rule",
             is_not ? "not " : "");
        return -1;
    }
    c->kind = SC_SCRIPT;
    c->n = !is_not;
    return 0;
}

static void parse_rule(struct parser *p, struct scn *s, int col0)
{
    struct scn_rule r;
    struct tok t;
    memset(&r, 0, sizeof(r));
    r.line = p->lineno;
    if (peek(p, &t, 0) == 1 && kw(&t, "connect")) {
        word(p, &t, 0);
        r.on_connect = 1;
    } else {
        r.match = words_argv(p, is_cond_or_do, &r.match_cols);
        if (r.match == NULL) {
            perr(p, here(p), "expected a command pattern or 'connect' after 'on'");
            goto fail;
        }
    }
    for (;;) {
        int rr = word(p, &t, 0);
        if (rr <= 0) {
            if (rr == 0)
                missing_do(p, &r);
            goto fail;
        }
        if (kw(&t, "do"))
            break;
        struct scn_cond c;
        memset(&c, 0, sizeof(c));
        int col = t.col;
        int ci = cond_index(&t);
        c.col = col;
        if (ci >= 0 && (cond_words[ci].kind == SC_SCRIPT || cond_words[ci].kind == SC_FROM)) {
            if (parse_script_cond(p, &t, r.on_connect, &c) < 0)
                goto fail;
        } else if (ci >= 0 && cond_words[ci].kind == SC_NODE) {
            c.kind = SC_NODE;
            if (get_count(p, 0, &c.n, "a node number from 0 up") < 0)
                goto fail;
        } else if (ci >= 0 && cond_words[ci].kind != SC_AFTER_COMMANDS) {
            c.kind = cond_words[ci].kind;
            if (c.kind == SC_CONN && r.on_connect) {
                perr(p, col, "'conn' does not apply to a connection rule (use nth)");
                goto fail;
            }
            if (get_count(p, 1, &c.n, "a number from 1 up") < 0)
                goto fail;
        } else if (ci >= 0) { /* after */
            struct tok u;
            if (peek(p, &u, 0) == 1 && !u.quoted && u.n > 0 && isdigit((unsigned char)u.p[0]) &&
                util_str2ll(u.p, u.n, &c.n)) {
                word(p, &u, 0);
                if (word(p, &u, 0) != 1 || !kw(&u, "commands")) {
                    perr(p, col, "expected 'after N commands' or 'after DURATION'");
                    goto fail;
                }
                if (r.on_connect) {
                    perr(p, col, "'after N commands' does not apply to a connection rule");
                    goto fail;
                }
                c.kind = SC_AFTER_COMMANDS;
            } else {
                c.kind = SC_AFTER_TIME;
                if (get_duration(p, &c.us) < 0)
                    goto fail;
            }
        } else {
            char h[64];
            const char *near = kw(&t, "od") || kw(&t, "d0") ? "do" : scn_near_condition(t.p, t.n);
            perr(
                p, t.col,
                "expected a condition (nth, from, times, every, conn, after, from script, not from "
                "script, node) or 'do', got '%s'%s",
                t.p, hint(h, sizeof(h), near));
            goto fail;
        }
        r.conds = mem_realloc(r.conds, (size_t)(r.nconds + 1) * sizeof(*r.conds));
        r.conds[r.nconds++] = c;
    }
    if (actions(p, r.on_connect ? CTX_CONNECT : CTX_COMMAND, &r.acts, &r.nacts) < 0)
        goto fail;
    s->rules = mem_realloc(s->rules, (size_t)(s->nrules + 1) * sizeof(*s->rules));
    s->rules[s->nrules++] = r;
    (void)col0;
    return;
fail:
    rule_clear(&r);
}

static void parse_event(struct parser *p, struct scn *s)
{
    struct scn_event e;
    struct tok t;
    memset(&e, 0, sizeof(e));
    e.line = p->lineno;
    if (get_duration(p, &e.at_us) < 0)
        goto fail;
    if (word(p, &t, 0) != 1 || !kw(&t, "do")) {
        perr(p, t.col ? t.col : here(p), "expected 'do' after the time");
        goto fail;
    }
    if (actions(p, CTX_EVENT, &e.acts, &e.nacts) < 0)
        goto fail;
    s->events = mem_realloc(s->events, (size_t)(s->nevents + 1) * sizeof(*s->events));
    s->events[s->nevents++] = e;
    return;
fail:
    for (int i = 0; i < e.nacts; i++)
        act_clear(&e.acts[i]);
    free(e.acts);
}

static int is_op(const struct tok *t)
{
    return !t->quoted &&
           (strcmp(t->p, "==") == 0 || strcmp(t->p, "!=") == 0 || strcmp(t->p, "<") == 0 ||
            strcmp(t->p, "<=") == 0 || strcmp(t->p, ">") == 0 || strcmp(t->p, ">=") == 0);
}

static enum scn_op op_of(const struct tok *t)
{
    return strcmp(t->p, "==") == 0   ? SO_EQ
           : strcmp(t->p, "!=") == 0 ? SO_NE
           : strcmp(t->p, "<") == 0  ? SO_LT
           : strcmp(t->p, "<=") == 0 ? SO_LE
           : strcmp(t->p, ">") == 0  ? SO_GT
                                     : SO_GE;
}

/* The directive's text as written (up to a comment, spaces trimmed), for
 * reports. */
static char *line_text(const struct parser *p)
{
    size_t end = p->len;
    for (size_t i = 0; i < p->len; i++) {
        if (p->line[i] == '#' && (i == 0 || p->line[i - 1] == ' ' || p->line[i - 1] == '\t')) {
            end = i;
            break;
        }
    }
    size_t start = 0;
    while (start < end && (p->line[start] == ' ' || p->line[start] == '\t'))
        start++;
    while (end > start && (p->line[end - 1] == ' ' || p->line[end - 1] == '\t'))
        end--;
    return mem_dup(p->line + start, end - start);
}

static void push_expect(struct parser *p, struct scn *s, struct scn_expect *e)
{
    e->text = line_text(p);
    s->expects = mem_realloc(s->expects, (size_t)(s->nexpects + 1) * sizeof(*s->expects));
    s->expects[s->nexpects++] = *e;
}

static void expect_clear(struct scn_expect *e)
{
    resp_argv_free(e->match);
    resp_argv_free(e->match2);
    free(e->match_cols);
    free(e->match2_cols);
    free(e->text);
}

/* ---- expectations over time and order ------------------------------------------------ */

/* "on conn N" at the end of an expectation, if it is there. Returns 0, or
 * -1 after reporting an error. */
static int parse_on_conn(struct parser *p, struct scn_expect *e)
{
    struct tok t;
    if (peek(p, &t, 0) != 1 || !kw(&t, "on"))
        return 0;
    word(p, &t, 0);
    int r = word(p, &t, 0);
    if (r != 1 || !kw(&t, "conn")) {
        if (r >= 0)
            perr(p, r == 1 ? t.col : here(p), "expected 'conn N' after 'on', e.g. on conn 2");
        return -1;
    }
    long long n;
    if (get_count(p, 1, &n, "a connection number from 1 up") < 0)
        return -1;
    e->conn = n > INT_MAX ? INT_MAX : (int)n;
    return 0;
}

static int is_range_word(const struct tok *t)
{
    const char *dots = t->quoted ? NULL : strstr(t->p, "..");
    int64_t a, b;
    if (dots == NULL)
        return 0;
    size_t n = (size_t)(dots - t->p);
    return scn_parse_duration(t->p, n, &a) == 0 &&
           scn_parse_duration(dots + 2, t->n - n - 2, &b) == 0;
}

static int is_op_or_range(const struct tok *t)
{
    return is_op(t) || is_range_word(t);
}

static int is_factor_kw(const struct tok *t)
{
    return kw(t, "factor");
}

static int is_before_kw(const struct tok *t)
{
    return kw(t, "before");
}

static int is_after_kw(const struct tok *t)
{
    return kw(t, "after");
}

static int is_across_kw(const struct tok *t)
{
    return kw(t, "across");
}

/* A command pattern up to a word stop accepts, the column of each word in
 * *cols. Returns it, or NULL after reporting that it is missing (or a
 * lexical error in it). */
static struct resp_argv *pattern_until(struct parser *p, int (*stop)(const struct tok *),
                                       const char *where, int **cols)
{
    int errors = p->errors, col = here(p);
    struct resp_argv *a = words_argv(p, stop, cols);
    if (a == NULL && p->errors == errors)
        perr(p, col, "expected a command pattern such as GET user:* %s", where);
    return a;
}

/* The keyword a pattern ends with. Returns 0, or -1 after reporting. */
static int want_kw(struct parser *p, const char *k, const char *after)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r == 1 && kw(&t, k))
        return 0;
    if (r >= 0)
        perr(p, r == 1 ? t.col : here(p), "expected '%s' after %s", k, after);
    return -1;
}

/* gap MATCH OP DURATION | gap MATCH D1..D2, then [on conn N] */
static int parse_gap(struct parser *p, struct scn_expect *e)
{
    struct tok t;
    e->match = pattern_until(p, is_op_or_range, "after 'gap'", &e->match_cols);
    if (e->match == NULL)
        return -1;
    int r = peek(p, &t, 0);
    if (r == 1 && is_op(&t)) {
        word(p, &t, 0);
        e->op = op_of(&t);
        if (get_duration(p, &e->us_lo) < 0)
            return -1;
        e->us_hi = e->us_lo;
    } else if (r == 1 && is_range_word(&t)) {
        e->range = 1;
        if (get_duration_range(p, &e->us_lo, &e->us_hi) < 0)
            return -1;
    } else {
        if (r >= 0)
            perr(p, r == 1 ? t.col : here(p),
                 "expected a comparison and a duration (>= 100ms) or a range (100ms..2s) "
                 "after the pattern");
        return -1;
    }
    return parse_on_conn(p, e);
}

/* A factor above 0 ("2") or a range of them ("1.5..3"). */
static int get_factor_range(struct parser *p, double *lo, double *hi)
{
    struct tok t;
    int r = word(p, &t, 0);
    if (r <= 0) {
        if (r == 0)
            perr(p, here(p), "expected a factor such as 2 or a range such as 1.5..3");
        return -1;
    }
    const char *dots = t.quoted ? NULL : strstr(t.p, "..");
    size_t a = dots ? (size_t)(dots - t.p) : t.n;
    int ok = util_str2d(t.p, a, lo) && *lo > 0 && isfinite(*lo);
    if (ok && dots)
        ok = util_str2d(dots + 2, t.n - a - 2, hi) && isfinite(*hi);
    else
        *hi = *lo;
    if (!ok) {
        perr(p, t.col, "expected a factor above 0 such as 2 or a range such as 1.5..3, got '%s'",
             t.p);
        return -1;
    }
    if (*hi < *lo) {
        perr(p, t.col, "the range '%s' ends before it starts", t.p);
        return -1;
    }
    return 0;
}

/* backoff MATCH factor F[..F2] [on conn N] */
static int parse_backoff(struct parser *p, struct scn_expect *e)
{
    e->match = pattern_until(p, is_factor_kw, "after 'backoff'", &e->match_cols);
    if (e->match == NULL || want_kw(p, "factor", "the pattern, e.g. factor 1.5..3") < 0 ||
        get_factor_range(p, &e->f_lo, &e->f_hi) < 0)
        return -1;
    return parse_on_conn(p, e);
}

/* The end of order and "no ... after": MATCH2 [across], after the keyword
 * named in where. */
static int parse_match2_across(struct parser *p, struct scn_expect *e, const char *where)
{
    struct tok t;
    e->match2 = pattern_until(p, is_across_kw, where, &e->match2_cols);
    if (e->match2 == NULL)
        return -1;
    if (peek(p, &t, 0) == 1 && kw(&t, "across")) {
        word(p, &t, 0);
        e->across = 1;
    }
    return 0;
}

/* order MATCH before MATCH2 [across] */
static int parse_order(struct parser *p, struct scn_expect *e)
{
    e->match = pattern_until(p, is_before_kw, "after 'order'", &e->match_cols);
    if (e->match == NULL || want_kw(p, "before", "the first pattern") < 0)
        return -1;
    return parse_match2_across(p, e, "after 'before'");
}

/* no command after MATCH2 [across] | no MATCH after MATCH2 [across] */
static int parse_no_after(struct parser *p, struct scn_expect *e)
{
    struct tok t;
    if (peek(p, &t, 0) == 1 && (kw(&t, "command") || kw(&t, "commands"))) {
        word(p, &t, 0); /* any command: e->match stays NULL */
    } else if ((e->match = pattern_until(p, is_after_kw, "or 'command' after 'no'",
                                         &e->match_cols)) == NULL) {
        return -1;
    }
    if (want_kw(p, "after", "what must not come, e.g. no command after QUIT") < 0)
        return -1;
    return parse_match2_across(p, e, "after 'after'");
}

/* The expectations over the record of commands: gap, backoff, order, no
 * ... after (docs/scenarios.md, "Time and order"). what is the word after
 * 'expect'. */
static void parse_expect_time(struct parser *p, struct scn *s, const struct tok *what)
{
    struct scn_expect e;
    int rc;
    memset(&e, 0, sizeof(e));
    e.line = p->lineno;
    if (kw(what, "gap")) {
        e.what = SW_GAP;
        rc = parse_gap(p, &e);
    } else if (kw(what, "backoff")) {
        e.what = SW_BACKOFF;
        rc = parse_backoff(p, &e);
    } else if (kw(what, "order")) {
        e.what = SW_ORDER;
        rc = parse_order(p, &e);
    } else {
        e.what = SW_NO_AFTER;
        rc = parse_no_after(p, &e);
    }
    if (rc < 0) {
        expect_clear(&e);
        return;
    }
    expect_eol(p);
    push_expect(p, s, &e);
}

static int is_time_expect(const struct tok *t)
{
    return kw(t, "gap") || kw(t, "backoff") || kw(t, "order") || kw(t, "no");
}

static void parse_expect(struct parser *p, struct scn *s)
{
    struct scn_expect e;
    struct tok t;
    memset(&e, 0, sizeof(e));
    e.line = p->lineno;
    int r = word(p, &t, 0);
    if (r != 1) {
        if (r == 0)
            perr(p, here(p), "expected what to count after 'expect'");
        return;
    }
    if (is_time_expect(&t)) {
        parse_expect_time(p, s, &t);
        return;
    }
    size_t wi;
    for (wi = 0; wi < NELEM(expect_words); wi++)
        if (kw(&t, expect_words[wi].name))
            break;
    if (wi == NELEM(expect_words)) {
        char h[64];
        const char *near = nearest_of(t.p, t.n, NELEM(expect_words), expect_at);
        perr(p, t.col,
             "unknown count '%s'%s (connections, peak-connections, refused, commands, "
             "unconsumed, protocol-errors, rule N, scripts, script-calls, evictions, redirects, "
             "node N commands; or gap, backoff, order, no)",
             t.p, hint(h, sizeof(h), near));
        return;
    }
    e.what = expect_words[wi].what;
    if (e.what == SW_REDIRECTS) {
        e.node_col = t.col;
        static const char *const kinds[] = {"moved", "ask", "crossslot", "tryagain", "clusterdown"};
        if (peek(p, &t, 0) == 1 && !is_op(&t)) {
            word(p, &t, 0);
            size_t k;
            for (k = 0; k < NELEM(kinds); k++)
                if (kw(&t, kinds[k]))
                    break;
            if (k == NELEM(kinds)) {
                char h[64];
                int near = util_nearest(t.p, t.n, kinds, NELEM(kinds));
                perr(p, t.col,
                     "unknown redirection '%s'%s (moved, ask, crossslot, tryagain, clusterdown; "
                     "none: moved and ask)",
                     t.p, hint(h, sizeof(h), near < 0 ? NULL : kinds[near]));
                return;
            }
            e.redirect = (enum scn_redirect)(SR_MOVED + (int)k);
        }
    } else if (e.what == SW_NODE_COMMANDS) {
        if (get_node(p, &e.node, &e.node_col) < 0)
            return;
        r = word(p, &t, 0);
        if (r != 1 || !kw(&t, "commands")) {
            if (r >= 0)
                perr(p, r == 1 ? t.col : here(p), "expected 'commands' after the node number");
            return;
        }
        e.match = words_argv(p, is_op, &e.match_cols);
    } else if (e.what == SW_COMMANDS || e.what == SW_SCRIPT_CALLS) {
        e.match = words_argv(p, is_op, &e.match_cols);
    } else if (e.what == SW_RULE) {
        long long n;
        int col = col_of(p, p->pos) + 1;
        if (get_count(p, 1, &n, "a rule number") < 0)
            return;
        if (n > s->nrules) {
            perr(p, col, "there is no rule %lld above this line (rules so far: %d)", n, s->nrules);
            return;
        }
        e.rule = (int)n;
    }
    r = word(p, &t, 0);
    if (r != 1 || !is_op(&t)) {
        if (r >= 0)
            perr(p, r == 1 ? t.col : here(p), "expected a comparison (== != < <= > >=)");
        resp_argv_free(e.match);
        free(e.match_cols);
        return;
    }
    e.op = op_of(&t);
    if (get_count(p, 0, &e.value, "a number") < 0 ||
        ((e.what == SW_COMMANDS || e.what == SW_SCRIPT_CALLS || e.what == SW_SCRIPTS) &&
         parse_on_conn(p, &e) < 0)) {
        resp_argv_free(e.match);
        free(e.match_cols);
        return;
    }
    expect_eol(p);
    push_expect(p, s, &e);
}

/* Reads block lines until "end"; fn parses each. Reports a missing end. */
static void block(struct parser *p, const char *what, int start_line,
                  void (*fn)(struct parser *, struct scn *, void *), struct scn *s, void *ud)
{
    while (next_line(p)) {
        struct tok t;
        int r = peek(p, &t, 0);
        if (r == 0)
            continue;
        if (r == 1 && kw(&t, "end")) {
            word(p, &t, 0);
            expect_eol(p);
            return;
        }
        fn(p, s, ud);
    }
    p->lineno = start_line;
    perr(p, 1, "'%s' block has no 'end'", what);
}

static void setup_line(struct parser *p, struct scn *s, void *ud)
{
    (void)ud;
    int *cols = NULL;
    struct resp_argv *a = words_argv(p, NULL, &cols);
    if (a == NULL)
        return;
    s->setup = mem_realloc(s->setup, (size_t)(s->nsetup + 1) * sizeof(*s->setup));
    s->setup_line = mem_realloc(s->setup_line, (size_t)(s->nsetup + 1) * sizeof(*s->setup_line));
    s->setup_cols = mem_realloc(s->setup_cols, (size_t)(s->nsetup + 1) * sizeof(*s->setup_cols));
    s->setup_cols[s->nsetup] = cols;
    s->setup[s->nsetup] = a;
    s->setup_line[s->nsetup++] = p->lineno;
}

static void strict_line(struct parser *p, struct scn *s, void *ud)
{
    struct scn_strict *st = ud;
    struct tok t;
    (void)s;
    if (word(p, &t, 0) != 1)
        return; /* a lexical error, already reported */
    if (t.n == 1 && t.p[0] == '>' && !t.quoted) {
        struct scn_step step;
        memset(&step, 0, sizeof(step));
        step.line = p->lineno;
        step.col = t.col;
        step.cmd = words_argv(p, NULL, &step.cols);
        if (step.cmd == NULL) {
            perr(p, t.col, "expected a command after '>'");
            return;
        }
        st->steps = mem_realloc(st->steps, (size_t)(st->nsteps + 1) * sizeof(*st->steps));
        st->steps[st->nsteps++] = step;
    } else if (t.n == 1 && t.p[0] == '<' && !t.quoted) {
        if (st->nsteps == 0 || st->steps[st->nsteps - 1].reply != NULL) {
            perr(p, t.col, "a reply '<' must follow a command '>'");
            return;
        }
        struct scn_val *v = value(p, 0);
        if (v == NULL) { /* reported; the step is not also "without a reply" */
            st->steps[st->nsteps - 1].reply = val_new(SV_NIL);
            return;
        }
        struct scn_step *step = &st->steps[st->nsteps - 1];
        step->reply = v;
        struct tok u;
        if (peek(p, &u, 0) == 1 && kw(&u, "delay")) {
            word(p, &u, 0);
            if (get_duration(p, &step->delay_us) < 0)
                return;
        }
        expect_eol(p);
    } else {
        perr(p, t.col, "expected '> COMMAND' or '< REPLY' in a strict block, got '%s'", t.p);
    }
}

static void parse_strict(struct parser *p, struct scn *s)
{
    struct scn_strict st;
    struct tok t;
    memset(&st, 0, sizeof(st));
    st.line = p->lineno;
    st.conn = 1;
    if (peek(p, &t, 0) == 1 && kw(&t, "conn")) {
        long long n;
        word(p, &t, 0);
        if (get_count(p, 1, &n, "a connection number from 1 up") == 0)
            st.conn = (int)n;
    }
    expect_eol(p);
    block(p, "strict", st.line, strict_line, s, &st);
    for (int i = 0; i < st.nsteps; i++) {
        if (st.steps[i].reply == NULL) {
            int save = p->lineno;
            p->lineno = st.steps[i].line;
            perr(p, st.steps[i].col, "command '>' has no reply '<' after it");
            p->lineno = save;
        }
    }
    s->stricts = mem_realloc(s->stricts, (size_t)(s->nstricts + 1) * sizeof(*s->stricts));
    s->stricts[s->nstricts++] = st;
}

static void parse_header(struct parser *p, struct scn *s, const struct tok *kwt)
{
    struct tok t;
    long long n;
    int col = kwt->col;
    for (int i = 0; i < NHEADERS; i++) {
        if (!kw(kwt, directive_words[i]))
            continue;
        if (p->header_line[i] != 0) {
            perr(p, col, "'%s' is already given on line %d: give each header directive once",
                 directive_words[i], p->header_line[i]);
            return;
        }
        p->header_line[i] = p->lineno;
    }
    if (kw(kwt, "name")) {
        int r = word(p, &t, 0);
        if (r != 1) {
            if (r == 0) /* -1: a lexical error, already reported */
                perr(p, col, "expected a name after 'name'");
            return;
        }
        free(s->name);
        s->name = mem_dup(t.p, t.n);
    } else if (kw(kwt, "clock")) {
        int r = word(p, &t, 0);
        if (r == 1 && kw(&t, "virtual")) {
            s->clock_virtual = 1;
            s->clock_start_ms = -1;
            long long ms;
            if (peek(p, &t, 0) == 1) {
                if (get_count(p, 0, &ms, "a start time in Unix milliseconds") < 0)
                    return;
                if (ms > SCN_CLOCK_START_MAX_MS) {
                    perr(p, t.col, "a start time after the year 9999: %lld", ms);
                    return;
                }
                s->clock_start_ms = ms;
            }
        } else if (r == 1 && kw(&t, "real")) {
            s->clock_virtual = 0;
        } else {
            perr(p, r == 1 ? t.col : col, "expected 'virtual' or 'real' after 'clock'");
            return;
        }
    } else if (kw(kwt, "seed")) {
        if (get_count(p, 0, &n, "a seed (a number)") < 0)
            return;
        s->seed = (uint64_t)n;
    } else if (kw(kwt, "maxclients")) {
        if (get_count(p, 1, &n, "a number of clients from 1 up") < 0)
            return;
        s->maxclients = n > INT_MAX ? INT_MAX : (int)n;
    } else if (kw(kwt, "timeout")) {
        if (get_count(p, 0, &n, "a number of seconds") < 0)
            return;
        s->timeout = n > INT_MAX ? INT_MAX : (int)n;
    } else if (kw(kwt, "maxmemory")) {
        /* maxmemory [+]SIZE [POLICY]: SIZE as Redis reads it (bytes, or
         * with a unit b k kb m mb g gb), at least 1 */
        int r = word(p, &t, 0);
        if (r != 1) {
            if (r == 0)
                perr(p, col, "expected a size such as 100kb after 'maxmemory'");
            return;
        }
        /* "+SIZE": SIZE above the memory used once the setup ran */
        int rel = t.p[0] == '+';
        const char *sz = t.p + rel;
        size_t digits = strspn(sz, "0123456789");
        unsigned long long mul;
        long long v;
        if (digits == 0 || !util_mem_unit(sz + digits, &mul) || !util_str2ll(sz, digits, &v) ||
            v < 1 || (unsigned long long)v > LLONG_MAX / 2 / mul) {
            perr(p, t.col,
                 "expected a size such as 100kb, 1mb or +20kb (at least 1 byte), got '%s'", t.p);
            return;
        }
        s->maxmemory = v * (long long)mul;
        s->maxmemory_relative = rel;
        r = word(p, &t, 0);
        if (r == 1) {
            size_t i;
            for (i = 0; i < NELEM(policy_words); i++)
                if (kw(&t, policy_words[i]))
                    break;
            if (i == NELEM(policy_words)) {
                char h[64];
                perr(p, t.col,
                     "unknown maxmemory policy '%s'%s (noeviction, allkeys-lru, allkeys-lfu, "
                     "allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl)",
                     t.p, hint(h, sizeof(h), nearest_of(t.p, t.n, NELEM(policy_words), policy_at)));
                return;
            }
            free(s->maxmemory_policy);
            s->maxmemory_policy = mem_strdup(policy_words[i]);
        }
    } else if (kw(kwt, "cluster")) {
        /* cluster N [replicas R], as --cluster N --replicas R */
        long long reps = 0;
        if (get_count(p, 1, &n, "a number of primaries from 1 up after 'cluster'") < 0)
            return;
        if (peek(p, &t, 0) == 1) {
            word(p, &t, 0);
            if (!kw(&t, "replicas")) {
                perr(p, t.col, "expected 'replicas R' or the end of the line, got '%s'", t.p);
                return;
            }
            if (get_count(p, 0, &reps, "a number of replicas per primary after 'replicas'") < 0)
                return;
        }
        if (n > SCN_CLUSTER_NODES_MAX || reps >= SCN_CLUSTER_NODES_MAX ||
            n * (1 + reps) > SCN_CLUSTER_NODES_MAX) {
            perr(p, col, "cluster %lld replicas %lld makes %lld nodes; at most %d", n, reps,
                 n * (1 + reps), SCN_CLUSTER_NODES_MAX);
            return;
        }
        s->cluster = (int)n;
        s->cluster_replicas = (int)reps;
        s->cluster_line = p->lineno;
    } else if (kw(kwt, "requirepass")) {
        int r = word(p, &t, 0);
        if (r != 1) {
            if (r == 0) /* -1: a lexical error, already reported */
                perr(p, col, "expected a password after 'requirepass'");
            return;
        }
        free(s->requirepass);
        s->requirepass = mem_dup(t.p, t.n);
    } else { /* finish */
        int r = word(p, &t, 0);
        if (r == 1 && kw(&t, "idle")) {
            s->end = SE_IDLE;
            s->idle_grace_us = SCN_IDLE_GRACE_US;
            if (peek(p, &t, 0) == 1 && !kw(&t, "within") && get_duration(p, &s->idle_grace_us) < 0)
                return;
        } else if (r == 1 && kw(&t, "control"))
            s->end = SE_CONTROL;
        else if (r == 1 && kw(&t, "after")) {
            s->end = SE_AFTER;
            if (get_duration(p, &s->end_after_us) < 0)
                return;
        } else {
            perr(p, r == 1 ? t.col : col,
                 "expected idle [DURATION], after DURATION or control after 'finish'");
            return;
        }
        s->deadline_us = 0;
        if (peek(p, &t, 0) == 1 && kw(&t, "within")) {
            word(p, &t, 0);
            if (get_duration(p, &s->deadline_us) < 0)
                return;
            if (s->deadline_us <= 0) {
                perr(p, t.col, "'within' needs a duration above 0");
                return;
            }
            if (s->end == SE_AFTER && s->end_after_us >= s->deadline_us)
                perr(p, t.col, "'finish after' ends it first: the 'within' deadline never comes");
        }
    }
    expect_eol(p);
}

/* The length of the UTF-8 sequence at t[0..n) (1 to 4), or 0 when it is not
 * valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF
 * included). */
static size_t utf8_len(const unsigned char *t, size_t n)
{
    unsigned c = t[0];
    size_t k;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 4, min = 0x10000;
    else
        return 0;
    if (n < k)
        return 0;
    unsigned cp = c & (0x7Fu >> k);
    for (size_t i = 1; i < k; i++) {
        if ((t[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (t[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

/* A scenario is UTF-8 text: tabs, line ends (LF or CRLF) and printable
 * characters. The first byte that is not gets one message, at its line
 * and column, and parsing stops there: a binary file would otherwise give
 * a message per line of raw bytes. Returns 0, or -1 after the message. */
static int check_text(struct parser *p)
{
    const unsigned char *t = (const unsigned char *)p->text;
    size_t n = p->textlen, line_start = 0;
    if (n >= 2 && ((t[0] == 0xFF && t[1] == 0xFE) || (t[0] == 0xFE && t[1] == 0xFF))) {
        p->lineno = 1;
        perr(p, 1,
             "the file is UTF-16 (it starts with the byte-order mark %02X %02X): save it as "
             "UTF-8",
             t[0], t[1]);
        return -1;
    }
    p->lineno = 1;
    for (size_t i = 0; i < n;) {
        unsigned c = t[i];
        int col = (int)(i - line_start) + 1;
        if (c == '\n') {
            p->lineno++;
            line_start = ++i;
            continue;
        }
        if (c == '\t' || (c == '\r' && (i + 1 == n || t[i + 1] == '\n')) ||
            (c >= 0x20 && c < 0x7F)) {
            i++;
            continue;
        }
        if (c == 0) {
            perr(p, col, "a NUL byte: this is not a text file (a scenario is UTF-8 text)");
            return -1;
        }
        if (c == '\r') {
            perr(p, col,
                 "a carriage return without a line feed: end lines with LF or CRLF (old Mac "
                 "line ends are not read)");
            return -1;
        }
        if (c == 0xEF && i + 2 < n && t[i + 1] == 0xBB && t[i + 2] == 0xBF) {
            perr(p, col,
                 "a byte-order mark (EF BB BF) inside the file: remove it (one is accepted at "
                 "the very start only)");
            return -1;
        }
        if (c < 0x20 || c == 0x7F) {
            perr(p, col,
                 "control character 0x%02X: a scenario is UTF-8 text (write the byte as \\x%02X "
                 "inside double quotes)",
                 c, c);
            return -1;
        }
        size_t k = utf8_len(t + i, n - i);
        if (k == 0) {
            perr(p, col,
                 "byte 0x%02X is not UTF-8: save the file as UTF-8 (or write the byte as "
                 "\\x%02X inside double quotes)",
                 c, c);
            return -1;
        }
        i += k;
    }
    p->lineno = 0;
    return 0;
}

/* Checks that need the whole file: 'advance' needs the virtual clock. */
static void check_advance(struct parser *p, const struct scn *s, const struct scn_act *acts, int n)
{
    for (int i = 0; i < n; i++) {
        if (acts[i].kind == SA_ADVANCE && !s->clock_virtual) {
            p->lineno = acts[i].line;
            perr(p, acts[i].col,
                 "'advance' needs 'clock virtual' (the real clock cannot be moved)");
        }
    }
}

/* A node number written at line:col names a node of the scenario's
 * cluster; primary/replica: it must be one. */
static void check_node(struct parser *p, const struct scn *s, int line, int col, int node,
                       const char *what, int want)
{
    int nodes = s->cluster * (1 + s->cluster_replicas);
    p->lineno = line;
    if (s->cluster == 0) {
        perr(p, col, "%s needs a 'cluster N' header (this scenario plays on one server)", what);
        return;
    }
    if (node >= nodes) {
        perr(p, col, "there is no node %d: 'cluster %d%s' (line %d) makes nodes 0 to %d", node,
             s->cluster, s->cluster_replicas ? " replicas ..." : "", s->cluster_line, nodes - 1);
        return;
    }
    if (want == 1 && node >= s->cluster)
        perr(p, col, "node %d is a replica: %s needs a primary (nodes 0 to %d)", node, what,
             s->cluster - 1);
    else if (want == 2 && s->cluster_replicas == 0)
        perr(p, col,
             "%s needs a replica, and 'cluster %d' (line %d) has none: write 'cluster %d "
             "replicas 1'",
             what, s->cluster, s->cluster_line, s->cluster);
    else if (want == 2 && node < s->cluster)
        perr(p, col,
             "node %d is a primary: %s needs a replica (nodes %d to %d; replica j follows "
             "primary j mod %d)",
             node, what, s->cluster, nodes - 1, s->cluster);
}

/* Checks that need the cluster header: node numbers and cluster actions. */
static void check_cluster_acts(struct parser *p, const struct scn *s, const struct scn_act *acts,
                               int n)
{
    for (int i = 0; i < n; i++) {
        const struct scn_act *a = &acts[i];
        switch (a->kind) {
        case SA_CL_MIGRATE:
        case SA_CL_MIGRATE_START:
            check_node(p, s, a->line, a->node_col, a->node, "'cluster migrate ... to'", 1);
            break;
        case SA_CL_MIGRATE_KEYS:
        case SA_CL_MIGRATE_END:
            if (s->cluster == 0) {
                p->lineno = a->line;
                perr(p, a->col, "'cluster' actions need a 'cluster N' header");
            }
            break;
        case SA_CL_FAILOVER:
            check_node(p, s, a->line, a->node_col, a->node, "'cluster failover'", 2);
            break;
        case SA_CL_DOWN:
        case SA_CL_UP:
            check_node(p, s, a->line, a->node_col, a->node, "'cluster down|up'", 0);
            break;
        default: break;
        }
    }
}

static void validate(struct parser *p, const struct scn *s)
{
    for (int i = 0; i < s->nrules; i++) {
        check_cluster_acts(p, s, s->rules[i].acts, s->rules[i].nacts);
        for (int j = 0; j < s->rules[i].nconds; j++)
            if (s->rules[i].conds[j].kind == SC_NODE)
                check_node(p, s, s->rules[i].line, s->rules[i].conds[j].col,
                           (int)s->rules[i].conds[j].n, "'node N'", 0);
    }
    for (int i = 0; i < s->nevents; i++)
        check_cluster_acts(p, s, s->events[i].acts, s->events[i].nacts);
    for (int i = 0; i < s->nexpects; i++) {
        const struct scn_expect *e = &s->expects[i];
        if (e->what == SW_NODE_COMMANDS)
            check_node(p, s, e->line, e->node_col, e->node, "'expect node N commands'", 0);
        else if (e->what == SW_REDIRECTS && s->cluster == 0) {
            p->lineno = e->line;
            perr(p, e->node_col, "'expect redirects' needs a 'cluster N' header");
        }
    }
    for (int i = 0; i < s->nrules; i++)
        check_advance(p, s, s->rules[i].acts, s->rules[i].nacts);
    for (int i = 0; i < s->nevents; i++)
        check_advance(p, s, s->events[i].acts, s->events[i].nacts);
}

int scn_parse(const char *text, size_t len, const char *file, struct scn **out, struct buf *diag)
{
    struct parser p;
    memset(&p, 0, sizeof(p));
    p.file = file;
    p.diag = diag;
    p.text = text;
    p.textlen = len;
    *out = NULL;

    struct scn *s = mem_calloc(1, sizeof(*s));
    s->file = mem_strdup(file);
    s->seed = 1;
    s->timeout = -1;
    s->idle_grace_us = SCN_IDLE_GRACE_US;
    s->clock_start_ms = -1;

    /* A UTF-8 byte-order mark, as some editors write, is not part of the text. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        p.text += 3;
        p.textlen -= 3;
    }
    if (check_text(&p) < 0) /* one message, not one per line of raw bytes */
        goto done;
    while (p.errors < 1000) { /* past that, the file is not a scenario */
        if (!next_line(&p))
            break;
        struct tok t;
        int r = word(&p, &t, 0);
        if (r <= 0)
            continue;
        if (t.quoted) {
            perr(&p, t.col, "expected a directive, got a quoted string");
            continue;
        }
        int header = 0;
        for (int i = 0; i < NHEADERS; i++)
            header |= kw(&t, directive_words[i]);
        if (header) {
            parse_header(&p, s, &t);
        } else if (kw(&t, "setup")) {
            int line = p.lineno;
            expect_eol(&p);
            block(&p, "setup", line, setup_line, s, NULL);
        } else if (kw(&t, "strict")) {
            parse_strict(&p, s);
        } else if (kw(&t, "on")) {
            parse_rule(&p, s, t.col);
        } else if (kw(&t, "at")) {
            parse_event(&p, s);
        } else if (kw(&t, "expect")) {
            parse_expect(&p, s);
        } else if (kw(&t, "end")) {
            perr(&p, t.col, "'end' without a block (setup or strict) to close");
        } else {
            char h[64];
            perr(&p, t.col,
                 "unknown directive '%s'%s (expected name, clock, seed, maxclients, timeout, "
                 "requirepass, finish, maxmemory, cluster, setup, strict, on, at, expect)",
                 t.p,
                 hint(h, sizeof(h), nearest_of(t.p, t.n, NELEM(directive_words), directive_at)));
        }
    }
    validate(&p, s);
done:
    buf_free(&p.scratch);
    if (p.errors > 0) {
        scn_free(s);
        return MR_EPARSE;
    }
    *out = s;
    return 0;
}

void scn_free(struct scn *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->nsetup; i++) {
        resp_argv_free(s->setup[i]);
        free(s->setup_cols[i]);
    }
    free(s->setup);
    free(s->setup_line);
    free(s->setup_cols);
    for (int i = 0; i < s->nrules; i++)
        rule_clear(&s->rules[i]);
    free(s->rules);
    for (int i = 0; i < s->nevents; i++) {
        for (int j = 0; j < s->events[i].nacts; j++)
            act_clear(&s->events[i].acts[j]);
        free(s->events[i].acts);
    }
    free(s->events);
    for (int i = 0; i < s->nstricts; i++) {
        for (int j = 0; j < s->stricts[i].nsteps; j++) {
            resp_argv_free(s->stricts[i].steps[j].cmd);
            free(s->stricts[i].steps[j].cols);
            scn_val_free(s->stricts[i].steps[j].reply);
        }
        free(s->stricts[i].steps);
    }
    free(s->stricts);
    for (int i = 0; i < s->nexpects; i++)
        expect_clear(&s->expects[i]);
    free(s->expects);
    free(s->name);
    free(s->requirepass);
    free(s->maxmemory_policy);
    free(s->file);
    free(s);
}
