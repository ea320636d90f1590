/* test_command.c - COMMAND INFO and COMMAND DOCS for every command in
 * mockredis's table, against redis-server 7.0.15: differential, label
 * `differential`.
 *
 * The names come from mockredis's COMMAND LIST (subcommands included), so a
 * command added to a table is checked without touching this file. For each
 * one, in RESP2 and in RESP3:
 *   - COMMAND INFO name: byte for byte. A container (CLIENT, CONFIG...) is
 *     compared on its own nine fields only: its subcommand list comes in
 *     hash order, which differs between two runs of redis-server itself,
 *     and Redis has more subcommands than we implement; each "a|b" we have
 *     is compared on its own.
 *   - COMMAND DOCS name (RESP3): in structure, the reply re-written without the
 *     fields that are prose (summary, history) and without a container's
 *     subcommand map (each compared on its own).
 * The MOCK namespace is ours (redis-server has no MOCK): skipped here,
 * listed by COMMAND like any other command (docs/protocol.md).
 * COMMAND COUNT must equal the number of top-level names. COMMAND GETKEYS
 * and GETKEYSANDFLAGS are compared in tests/diff/corpus/server.txt. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "resp.h"

#define CT_TIMEOUT 5000

/* One reply to the command given as argv (no quoting needed: names). */
static void ct_call(struct mh_conn *c, struct buf *out, int argc, const char *const *argv)
{
    assert_int_equal(mh_send_argv(c->fd, argc, argv, NULL), 0);
    assert_int_equal(mh_read_reply(c, out, CT_TIMEOUT), MH_REPLY);
}

/* The length of the header line at p ("*10\r\n"), and its count. */
static size_t ct_header(const char *p, long long *count)
{
    const char *e = strstr(p, "\r\n");
    assert_non_null(e);
    *count = atoll(p + 1);
    return (size_t)(e + 2 - p);
}

/* The length of the complete reply at p[0..len). */
static size_t ct_span(const char *p, size_t len)
{
    size_t n = 0;
    assert_int_equal(resp_scan(p, len, &n), 1);
    return n;
}

/* The names in an array of bulk strings, as a NULL-terminated list the
 * caller frees (each name and the list). */
static char **ct_names(const struct buf *r)
{
    long long n;
    size_t off = ct_header(r->p, &n);
    char **names = calloc((size_t)n + 1, sizeof(*names));
    for (long long i = 0; i < n; i++) {
        long long blen;
        off += ct_header(r->p + off, &blen);
        names[i] = strndup(r->p + off, (size_t)blen);
        off += (size_t)blen + 2;
    }
    return names;
}

/* COMMAND INFO name's single entry, without the outer one-element array;
 * for a container (a non-empty 10th field) only the first nine fields. */
static void ct_info_fields(const struct buf *r, const char **p, size_t *len, int *container)
{
    long long n;
    size_t off = ct_header(r->p, &n);
    assert_int_equal(n, 1);
    const char *e = r->p + off;
    size_t elen = r->len - off;
    *p = e;
    *len = elen;
    *container = 0;
    if (e[0] != '*' && e[0] != '~')
        return; /* null: an unknown name, compared as it is */
    size_t f = ct_header(e, &n);
    assert_int_equal(n, 10);
    for (int i = 0; i < 9; i++)
        f += ct_span(e + f, elen - f);
    long long subs;
    ct_header(e + f, &subs);
    *container = subs > 0;
    *len = *container ? f : elen;
}

static int ct_skip_key(const char *k, size_t n)
{
    return (n == 7 && memcmp(k, "summary", 7) == 0) || (n == 7 && memcmp(k, "history", 7) == 0) ||
           (n == 11 && memcmp(k, "subcommands", 11) == 0);
}

/* Appends the reply at p to out, maps without their prose fields (and the
 * subcommand map): what COMMAND DOCS must match in. Returns the span. */
static size_t ct_docs_shape(const char *p, size_t len, struct buf *out)
{
    size_t span = ct_span(p, len);
    long long n;
    size_t off;
    switch (p[0]) {
    case '%': {
        off = ct_header(p, &n);
        struct buf body = BUF_INIT;
        long long kept = 0;
        for (long long i = 0; i < n; i++) {
            size_t ks = ct_span(p + off, len - off);
            long long klen;
            size_t kh = ct_header(p + off, &klen);
            int skip = ct_skip_key(p + off + kh, (size_t)klen);
            if (!skip)
                buf_append(&body, p + off, ks);
            off += ks;
            if (skip) {
                off += ct_span(p + off, len - off);
            } else {
                off += ct_docs_shape(p + off, len - off, &body);
                kept++;
            }
        }
        buf_printf(out, "%%%lld\r\n", kept);
        if (body.len)
            buf_append(out, body.p, body.len);
        buf_free(&body);
        return span;
    }
    case '*':
    case '~':
        off = ct_header(p, &n);
        buf_append(out, p, off);
        for (long long i = 0; i < n; i++)
            off += ct_docs_shape(p + off, len - off, out);
        return span;
    default: buf_append(out, p, span); return span;
    }
}

static int ct_is_mock(const char *name)
{
    return strcmp(name, "mock") == 0 || strncmp(name, "mock|", 5) == 0;
}

static void ct_show(const char *what, const char *name, const char *a, size_t alen, const char *b,
                    size_t blen)
{
    static char ea[8192], eb[8192];
    print_message("%s %s differs\n  mockredis: %s\n  redis:     %s\n", what, name,
                  mh_escape(a, alen, ea, sizeof(ea)), mh_escape(b, blen, eb, sizeof(eb)));
}

/* Every command of ours against redis-server, in protocol proto. */
static void ct_compare_all(int mport, int rport, const char *proto)
{
    struct mh_conn m, r;
    struct buf rm = BUF_INIT, rr = BUF_INIT;
    assert_int_equal(mh_conn_open(&m, mport), 0);
    assert_int_equal(mh_conn_open(&r, rport), 0);
    const char *hello[] = {"HELLO", proto};
    ct_call(&m, &rm, 2, hello);
    ct_call(&r, &rr, 2, hello);

    const char *list[] = {"COMMAND", "LIST"};
    ct_call(&m, &rm, 2, list);
    char **names = ct_names(&rm);
    int total = 0, top = 0, info_bad = 0, docs_bad = 0;
    for (char **n = names; *n; n++) {
        total++;
        top += strchr(*n, '|') == NULL;
        if (ct_is_mock(*n))
            continue;
        const char *info[] = {"COMMAND", "INFO", *n};
        ct_call(&m, &rm, 3, info);
        ct_call(&r, &rr, 3, info);
        const char *pm, *pr;
        size_t lm, lr;
        int cm, cr;
        ct_info_fields(&rm, &pm, &lm, &cm);
        ct_info_fields(&rr, &pr, &lr, &cr);
        if (lm != lr || memcmp(pm, pr, lm) != 0) {
            ct_show("COMMAND INFO", *n, pm, lm, pr, lr);
            info_bad++;
        }
        if (strcmp(proto, "3") != 0)
            continue; /* DOCS's maps are flat arrays in RESP2: compared in RESP3 */
        const char *docs[] = {"COMMAND", "DOCS", *n};
        struct buf sm = BUF_INIT, sr = BUF_INIT;
        ct_call(&m, &rm, 3, docs);
        ct_call(&r, &rr, 3, docs);
        ct_docs_shape(rm.p, rm.len, &sm);
        ct_docs_shape(rr.p, rr.len, &sr);
        if (sm.len != sr.len || memcmp(sm.p, sr.p, sm.len) != 0) {
            ct_show("COMMAND DOCS", *n, sm.p, sm.len, sr.p, sr.len);
            docs_bad++;
        }
        buf_free(&sm);
        buf_free(&sr);
    }
    print_message("RESP%s: %d names (%d top-level), COMMAND INFO differs for %d, DOCS for %d\n",
                  proto, total, top, info_bad, docs_bad);

    const char *count[] = {"COMMAND", "COUNT"};
    ct_call(&m, &rm, 2, count);
    char want[32];
    snprintf(want, sizeof(want), ":%d\r\n", top);
    assert_int_equal(rm.len, strlen(want));
    assert_memory_equal(rm.p, want, rm.len);

    for (char **n = names; *n; n++)
        free(*n);
    free(names);
    buf_free(&rm);
    buf_free(&rr);
    mh_conn_close(&m);
    mh_conn_close(&r);
    assert_true(total > 200); /* the whole table was walked */
    assert_int_equal(info_bad, 0);
    assert_int_equal(docs_bad, 0);
}

static void test_every_command(void **state)
{
    (void)state;
    struct mh_server *rs = it_redis(NULL);
    if (rs == NULL)
        skip();
    struct mh_server *ms = it_mock(NULL);
    ct_compare_all(mh_server_port(ms), mh_server_port(rs), "2");
    ct_compare_all(mh_server_port(ms), mh_server_port(rs), "3");
    it_stop_ok(ms);
    it_stop(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
