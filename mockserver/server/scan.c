/* scan.c - the parts of SCAN, HSCAN, SSCAN and ZSCAN they share, see scan.h.
 *
 * Follows Redis 7.0's scanGenericCommand and parseScanCursorOrReply: the
 * cursor is checked before anything else, HSCAN/SSCAN/ZSCAN then look the
 * key up (a missing key answers an empty scan whatever the options say,
 * a wrong type answers WRONGTYPE), and only then the options are parsed.
 * COUNT bounds a walk (COUNT*10 buckets, doubled for field/value and
 * member/score replies) and MATCH filters afterwards, so a call may answer
 * no elements with a non-zero cursor, as Redis's can.
 *
 * Not here: deciding whether a collection is answered whole (Redis's
 * listpack and intset encodings) or walked; each family knows its own
 * encoding rules (cmd_hash.c, cmd_set.c, cmd_zset.c), and SCAN's expiry
 * and TYPE filters stay in cmd_keys.c. */
#include "scan.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dict.h"
#include "mem.h"
#include "reply.h"
#include "util.h"

int scan_cursor(struct call *k, int i, uint64_t *cursor)
{
    /* strtoul stops at a NUL, so only the bytes before one count. */
    const char *s = k->argv[i];
    size_t at = 0, n = strlen(s);
    int neg = 0;
    uint64_t v = 0;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        if (++at == n)
            goto bad;
    }
    for (; at < n; at++) {
        if (s[at] < '0' || s[at] > '9')
            goto bad;
        uint64_t d = (uint64_t)(s[at] - '0');
        if (v > (UINT64_MAX - d) / 10)
            goto bad;
        v = v * 10 + d;
    }
    *cursor = neg ? (uint64_t)0 - v : v; /* strtoul wraps a "-" around */
    return 0;
bad:
    reply_err(k->c, RT_INVALID_CURSOR);
    return -1;
}

/* Option names are compared as C strings, as Redis's strcasecmp does:
 * "count\0x" is COUNT there too. */
int scan_options(struct call *k, int i, int with_type, struct scan_args *a)
{
    a->count = 10;
    a->pat = NULL;
    a->plen = 0;
    a->type = NULL;
    for (; i < k->argc; i += 2) {
        int more = k->argc - i >= 2;
        if (more && strcasecmp(k->argv[i], "count") == 0) {
            if (arg_ll(k, i + 1, &a->count) < 0)
                return -1;
            if (a->count < 1) {
                reply_err(k->c, RT_SYNTAX);
                return -1;
            }
        } else if (more && strcasecmp(k->argv[i], "match") == 0) {
            a->pat = k->argv[i + 1];
            a->plen = k->argl[i + 1];
            if (a->plen == 1 && a->pat[0] == '*')
                a->pat = NULL; /* matches everything: skip the matching */
        } else if (more && with_type && strcasecmp(k->argv[i], "type") == 0) {
            a->type = k->argv[i + 1];
        } else {
            reply_err(k->c, RT_SYNTAX);
            return -1;
        }
    }
    return 0;
}

struct obj *scan_start(struct call *k, enum obj_type t, struct scan_args *a)
{
    if (scan_cursor(k, 2, &a->cursor) < 0)
        return NULL;
    struct obj *o;
    if (arg_key_read(k, 1, t, MISS_GO, &o) < 0)
        return NULL;
    if (o == NULL) {
        scan_reply_cursor(k->c, 0);
        reply_array(k->c, 0);
        return NULL;
    }
    if (scan_options(k, 3, 0, a) < 0)
        return NULL;
    return o;
}

void scan_list_push(struct scan_list *l, const char *p, size_t n, const void *val)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n].p = p;
    l->v[l->n].n = n;
    l->v[l->n].val = val;
    l->n++;
}

void scan_list_free(struct scan_list *l)
{
    if (l == NULL)
        return;
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static void scan__collect(void *ud, struct dict_entry *e)
{
    scan_list_push(ud, e->key, e->klen, e->val);
}

uint64_t scan_walk(const struct dict *d, uint64_t cursor, long long count, int with_values,
                   struct scan_list *l)
{
    /* Redis: maxiterations = COUNT*10, with COUNT already doubled for
     * replies of pairs; saturated here where Redis would overflow. */
    long long per = with_values ? 20 : 10;
    long long budget = count > LLONG_MAX / per ? LLONG_MAX : count * per;
    size_t start = l->n;
    do {
        cursor = dict_scan(d, cursor, scan__collect, l);
    } while (cursor && budget-- && l->n - start < (unsigned long long)count);
    return cursor;
}

void scan_filter(const struct scan_args *a, struct scan_list *l)
{
    if (a->pat == NULL)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++)
        if (util_glob(a->pat, a->plen, l->v[i].p, l->v[i].n, 0))
            l->v[kept++] = l->v[i];
    l->n = kept;
}

void scan_reply_cursor(struct client *c, uint64_t cursor)
{
    char num[24];
    int nl = snprintf(num, sizeof(num), "%llu", (unsigned long long)cursor);
    reply_array(c, 2);
    reply_bulk(c, num, (size_t)nl);
}

void scan_answer(struct client *c, const struct scan_args *a, uint64_t cursor, struct scan_list *l,
                 scan_value_fn *value_fn)
{
    scan_filter(a, l);
    scan_reply_cursor(c, cursor);
    reply_array(c, (long long)(value_fn ? 2 * l->n : l->n));
    for (size_t i = 0; i < l->n; i++) {
        reply_bulk(c, l->v[i].p, l->v[i].n);
        if (value_fn)
            value_fn(c, l->v[i].val);
    }
    scan_list_free(l);
}
