/* mh_verdict.c - the server's JSON report read into a struct mh_verdict.
 *
 * A pure parser: bytes in, a verdict out, no I/O. It is built for one
 * known format (docs/reports.md: one object with "scenario", "passed",
 * "expectations" and "failures"), not as a general JSON library: the
 * values it reads are strings, integers, booleans and the arrays above;
 * every other value (counters, fields added later) is checked for syntax
 * and skipped. Strings are decoded (\" \\ \/ \b \f \n \r \t and \uXXXX
 * as UTF-8; a surrogate pair is not joined, the report never writes one:
 * it passes bytes above 0x7f through). Nesting is bounded (32 levels) so
 * a hostile file cannot exhaust the stack. Errors name the byte offset.
 *
 * Not here: reading the file (mh_scenario.c), printing (mh_verdict_format
 * only formats into the caller's buffer). */
#include "mockredis/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct jp {
    const char *p, *end, *start;
    char *err;
    size_t errlen;
    int failed;
};

static int jp_fail(struct jp *j, const char *what)
{
    if (!j->failed && j->err && j->errlen)
        snprintf(j->err, j->errlen, "not a mockredis report: %s at offset %zu", what,
                 (size_t)(j->p - j->start));
    j->failed = 1;
    return -1;
}

static void jp_ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

/* Consumes ch (after white space): 1 if it was there, 0 if not. */
static int jp_eat(struct jp *j, char ch)
{
    jp_ws(j);
    if (j->p < j->end && *j->p == ch) {
        j->p++;
        return 1;
    }
    return 0;
}

static int jp_word(struct jp *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return 0;
    j->p += n;
    return 1;
}

/* Appends the UTF-8 of code point u (< 0x10000) to out at *o. */
static void put_utf8(char *out, size_t *o, unsigned u)
{
    if (u < 0x80) {
        out[(*o)++] = (char)u;
    } else if (u < 0x800) {
        out[(*o)++] = (char)(0xc0 | (u >> 6));
        out[(*o)++] = (char)(0x80 | (u & 0x3f));
    } else {
        out[(*o)++] = (char)(0xe0 | (u >> 12));
        out[(*o)++] = (char)(0x80 | ((u >> 6) & 0x3f));
        out[(*o)++] = (char)(0x80 | (u & 0x3f));
    }
}

/* A string; *out gets a new decoded copy when out is not NULL. The decoded
 * text is never longer than the escaped one (\uXXXX: 6 bytes in, at most 3
 * out), so one allocation of the raw length suffices. */
static int jp_string(struct jp *j, char **out)
{
    if (!jp_eat(j, '"'))
        return jp_fail(j, "expected a string");
    const char *q = j->p;
    while (q < j->end && *q != '"')
        q += (*q == '\\' && q + 1 < j->end) ? 2 : 1;
    if (q >= j->end)
        return jp_fail(j, "unterminated string");
    char *s = malloc((size_t)(q - j->p) + 1);
    if (s == NULL)
        abort();
    size_t o = 0;
    while (j->p < q) {
        char c = *j->p++;
        if ((unsigned char)c < 0x20) {
            free(s);
            return jp_fail(j, "control character in a string");
        }
        if (c != '\\') {
            s[o++] = c;
            continue;
        }
        c = *j->p++;
        const char *simple = strchr("\"\\/bfnrt", c);
        if (c != '\0' && simple) {
            s[o++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
        } else if (c == 'u' && q - j->p >= 4) {
            unsigned u = 0;
            for (int i = 0; i < 4; i++) {
                int h = util_hexval(*j->p++);
                if (h < 0) {
                    free(s);
                    return jp_fail(j, "bad \\u escape");
                }
                u = u * 16 + (unsigned)h;
            }
            put_utf8(s, &o, u);
        } else {
            free(s);
            return jp_fail(j, "bad escape");
        }
    }
    j->p = q + 1;
    s[o] = '\0';
    if (out)
        *out = s;
    else
        free(s);
    return 0;
}

static int jp_int(struct jp *j, long long *v)
{
    jp_ws(j);
    char *e;
    long long x = strtoll(j->p, &e, 10);
    if (e == j->p || e > j->end)
        return jp_fail(j, "expected an integer");
    j->p = e;
    *v = x;
    return 0;
}

static int jp_bool(struct jp *j, int *v)
{
    jp_ws(j);
    if (jp_word(j, "true"))
        *v = 1;
    else if (jp_word(j, "false"))
        *v = 0;
    else
        return jp_fail(j, "expected true or false");
    return 0;
}

/* Any value, checked and skipped. */
static int jp_skip(struct jp *j, int depth)
{
    if (depth > 32)
        return jp_fail(j, "nested too deeply");
    jp_ws(j);
    if (j->p >= j->end)
        return jp_fail(j, "expected a value");
    char c = *j->p;
    if (c == '"')
        return jp_string(j, NULL);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        if (jp_eat(j, close))
            return 0;
        do {
            if (c == '{' && (jp_string(j, NULL) < 0 || !jp_eat(j, ':')))
                return jp_fail(j, "expected a member");
            if (jp_skip(j, depth + 1) < 0)
                return -1;
        } while (jp_eat(j, ','));
        return jp_eat(j, close) ? 0 : jp_fail(j, "expected , or the end of a list");
    }
    if (jp_word(j, "true") || jp_word(j, "false") || jp_word(j, "null"))
        return 0;
    char *e;
    strtod(j->p, &e);
    if (e == j->p || e > j->end)
        return jp_fail(j, "expected a value");
    j->p = e;
    return 0;
}

/* Calls member(j, key, ctx) for each member of an object; the callback
 * reads the value (or skips it). */
static int jp_object(struct jp *j, int (*member)(struct jp *, const char *, void *), void *ctx)
{
    if (!jp_eat(j, '{'))
        return jp_fail(j, "expected an object");
    if (jp_eat(j, '}'))
        return 0;
    do {
        char *key = NULL;
        if (jp_string(j, &key) < 0)
            return -1;
        int rc = jp_eat(j, ':') ? member(j, key, ctx) : jp_fail(j, "expected :");
        free(key);
        if (rc < 0)
            return -1;
    } while (jp_eat(j, ','));
    return jp_eat(j, '}') ? 0 : jp_fail(j, "expected , or }");
}

static int expectation_member(struct jp *j, const char *key, void *ctx)
{
    struct mh_expectation *e = ctx;
    long long v;
    if (strcmp(key, "line") == 0) {
        if (jp_int(j, &v) < 0)
            return -1;
        e->line = (int)v;
        return 0;
    }
    if (strcmp(key, "text") == 0) {
        free(e->text);
        e->text = NULL;
        return jp_string(j, &e->text);
    }
    if (strcmp(key, "actual") == 0)
        return jp_int(j, &e->actual);
    if (strcmp(key, "passed") == 0)
        return jp_bool(j, &e->passed);
    return jp_skip(j, 1);
}

static int jp_expectations(struct jp *j, struct mh_verdict *v)
{
    if (!jp_eat(j, '['))
        return jp_fail(j, "expected a list of expectations");
    if (jp_eat(j, ']'))
        return 0;
    do {
        struct mh_expectation *a =
            realloc(v->expectations, (v->nexpectations + 1) * sizeof(*v->expectations));
        if (a == NULL)
            abort();
        v->expectations = a;
        struct mh_expectation *e = &a[v->nexpectations++];
        memset(e, 0, sizeof(*e));
        if (jp_object(j, expectation_member, e) < 0)
            return -1;
        if (e->text == NULL)
            return jp_fail(j, "an expectation without text");
    } while (jp_eat(j, ','));
    return jp_eat(j, ']') ? 0 : jp_fail(j, "expected , or ]");
}

static int jp_failures(struct jp *j, struct mh_verdict *v)
{
    if (!jp_eat(j, '['))
        return jp_fail(j, "expected a list of failures");
    if (jp_eat(j, ']'))
        return 0;
    do {
        char **a = realloc(v->failures, (v->nfailures + 1) * sizeof(*v->failures));
        if (a == NULL)
            abort();
        v->failures = a;
        a[v->nfailures] = NULL;
        if (jp_string(j, &a[v->nfailures]) < 0)
            return -1;
        v->nfailures++;
    } while (jp_eat(j, ','));
    return jp_eat(j, ']') ? 0 : jp_fail(j, "expected , or ]");
}

struct top {
    struct mh_verdict *v;
    int have_passed;
};

static int report_member(struct jp *j, const char *key, void *ctx)
{
    struct top *t = ctx;
    if (strcmp(key, "passed") == 0) {
        t->have_passed = 1;
        return jp_bool(j, &t->v->passed);
    }
    if (strcmp(key, "scenario") == 0) {
        free(t->v->scenario);
        t->v->scenario = NULL;
        return jp_string(j, &t->v->scenario);
    }
    if (strcmp(key, "expectations") == 0 && t->v->expectations == NULL)
        return jp_expectations(j, t->v);
    if (strcmp(key, "failures") == 0 && t->v->failures == NULL)
        return jp_failures(j, t->v);
    return jp_skip(j, 1);
}

struct mh_verdict *mh_verdict_parse(const char *json, size_t len, char *err, size_t errlen)
{
    /* strtoll/strtod need a terminator: parse a NUL-terminated copy. */
    char *copy = malloc(len + 1);
    struct mh_verdict *v = calloc(1, sizeof(*v));
    if (copy == NULL || v == NULL)
        abort();
    memcpy(copy, json, len);
    copy[len] = '\0';
    struct jp j = {copy, copy + len, copy, err, errlen, 0};
    struct top t = {v, 0};
    int rc = jp_object(&j, report_member, &t);
    jp_ws(&j);
    if (rc == 0 && j.p != j.end)
        rc = jp_fail(&j, "bytes after the report");
    if (rc == 0 && !t.have_passed)
        rc = jp_fail(&j, "no \"passed\" field");
    free(copy);
    if (rc < 0) {
        mh_verdict_free(v);
        return NULL;
    }
    return v;
}

void mh_verdict_free(struct mh_verdict *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->nexpectations; i++)
        free(v->expectations[i].text);
    for (size_t i = 0; i < v->nfailures; i++)
        free(v->failures[i]);
    free(v->expectations);
    free(v->failures);
    free(v->scenario);
    free(v);
}

const char *mh_verdict_format(const struct mh_verdict *v, char *out, size_t size)
{
    if (size == 0)
        return out;
    size_t o = (size_t)snprintf(out, size, "%s",
                                v == NULL   ? "no verdict"
                                : v->passed ? "PASS"
                                            : "FAIL");
    for (size_t i = 0; v && i < v->nfailures && o < size; i++)
        o += (size_t)snprintf(out + o, size - o, "\n  %s", v->failures[i]);
    if (o >= size && size > 4)
        memcpy(out + size - 4, "...", 4);
    return out;
}
