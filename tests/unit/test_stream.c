/* test_stream.c - unit tests of stream.c: the stream value behind
 * OBJ_STREAM.
 *
 * Covers the ID parser's accepted and rejected forms (the same facts the
 * differential corpus checks against redis-server, here at the parser),
 * formatting, incr/decr at the ends, the binary searches, the node model
 * (100 entries, or 4096 bytes, per node; deleted entries count; a node
 * whose entries are all deleted goes), exact and approximate trims with
 * LIMIT, a deep copy, and the entry replies in RESP2 and RESP3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core.h"
#include "stream.h"

static struct stream_id sid(uint64_t ms, uint64_t seq)
{
    struct stream_id id = {ms, seq};
    return id;
}

static void add(struct stream *s, uint64_t ms, uint64_t seq, const char *f, const char *v)
{
    const char *argv[2] = {f, v};
    size_t argl[2] = {strlen(f), strlen(v)};
    stream_append(s, sid(ms, seq), 2, argv, argl);
}

static void test_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int flags;
        uint64_t missing;
        int ok;
        uint64_t ms, seq;
        int seq_given;
    } cases[] = {
        {"1-2", 0, 0, 1, 1, 2, 1},
        {"5", 0, 0, 1, 5, 0, 1},
        {"5", 0, UINT64_MAX, 1, 5, UINT64_MAX, 1},
        {"007", 0, 0, 1, 7, 0, 1},
        {"+11", 0, 0, 1, 11, 0, 1},
        {" 12", 0, 0, 1, 12, 0, 1},
        {"-0", 0, 0, 0, 0, 0, 0}, /* "-" alone aside, '-' splits: "" then "0" */
        {"1--5", 0, 0, 0, 0, 0, 0},
        {"1--05", 0, 0, 1, 1, UINT64_MAX - 4, 1}, /* strtoull negates "-05" */
        {"1-", 0, 0, 0, 0, 0, 0},
        {"x", 0, 0, 0, 0, 0, 0},
        {"", 0, 0, 0, 0, 0, 0},
        {"18446744073709551615-18446744073709551615", 0, 0, 1, UINT64_MAX, UINT64_MAX, 1},
        {"18446744073709551616", 0, 0, 0, 0, 0, 0},
        {"-", 0, 0, 1, 0, 0, 1},
        {"+", 0, 0, 1, UINT64_MAX, UINT64_MAX, 1},
        {"-", STREAM_ID_STRICT, 0, 0, 0, 0, 0},
        {"+", STREAM_ID_STRICT, 0, 0, 0, 0, 0},
        {"3-*", 0, 0, 0, 0, 0, 0},
        {"3-*", STREAM_ID_STRICT | STREAM_ID_SEQ_STAR, 0, 1, 3, 0, 0},
        {"3-**", STREAM_ID_STRICT | STREAM_ID_SEQ_STAR, 0, 0, 0, 0, 0},
        {"*", STREAM_ID_STRICT | STREAM_ID_SEQ_STAR, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct stream_id id = {0, 0};
        int given = -1;
        int r = stream_id_parse(cases[i].text, strlen(cases[i].text), cases[i].missing,
                                cases[i].flags, &id, &given);
        if (r != (cases[i].ok ? 0 : -1))
            fail_msg("%s: got %d", cases[i].text, r);
        if (cases[i].ok) {
            assert_true(id.ms == cases[i].ms && id.seq == cases[i].seq);
            assert_int_equal(given, cases[i].seq_given);
        }
    }
    /* more than 127 bytes; bytes after a NUL are not read */
    char big[129];
    memset(big, '1', sizeof(big));
    struct stream_id id;
    assert_int_equal(stream_id_parse(big, 127, 0, 0, &id, NULL), -1); /* too large a number */
    assert_int_equal(stream_id_parse(big, 128, 0, 0, &id, NULL), -1);
    assert_int_equal(stream_id_parse("9\0-x", 4, 0, 0, &id, NULL), 0);
    assert_true(id.ms == 9 && id.seq == 0);

    int ex;
    assert_int_equal(stream_range_parse("(5", 2, 0, &id, &ex), 0);
    assert_true(ex && id.ms == 5 && id.seq == 0);
    assert_int_equal(stream_range_parse("(5", 2, UINT64_MAX, &id, &ex), 0);
    assert_true(id.seq == UINT64_MAX);
    assert_int_equal(stream_range_parse("(", 1, 0, &id, &ex), -1);
    assert_int_equal(stream_range_parse("(-", 2, 0, &id, &ex), -1);
    assert_int_equal(stream_range_parse("-", 1, 0, &id, &ex), 0);
    assert_false(ex);
}

static void test_fmt_incr_decr(void **state)
{
    (void)state;
    char buf[STREAM_ID_BUFLEN];
    assert_int_equal(stream_id_fmt(sid(0, 0), buf), 3);
    assert_string_equal(buf, "0-0");
    assert_int_equal(stream_id_fmt(STREAM_ID_MAX, buf), 41);
    assert_string_equal(buf, "18446744073709551615-18446744073709551615");

    struct stream_id id = sid(1, UINT64_MAX);
    assert_int_equal(stream_id_incr(&id), 0);
    assert_true(id.ms == 2 && id.seq == 0);
    assert_int_equal(stream_id_decr(&id), 0);
    assert_true(id.ms == 1 && id.seq == UINT64_MAX);
    id = STREAM_ID_MAX;
    assert_int_equal(stream_id_incr(&id), -1);
    assert_true(id.ms == 0 && id.seq == 0);
    assert_int_equal(stream_id_decr(&id), -1);
    assert_true(id.ms == UINT64_MAX && id.seq == UINT64_MAX);
}

static void test_find_and_delete(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    for (uint64_t i = 1; i <= 10; i++)
        add(s, i, 1, "f", "v");
    assert_int_equal(s->len, 10);
    assert_int_equal(s->entries_added, 10);
    assert_true(s->last_id.ms == 10 && s->last_id.seq == 1);
    assert_int_equal(stream_find_ge(s, sid(3, 1)), 2);
    assert_int_equal(stream_find_gt(s, sid(3, 1)), 3);
    assert_int_equal(stream_find_ge(s, sid(3, 2)), 3);
    assert_int_equal(stream_find_ge(s, STREAM_ID_MIN), 0);
    assert_int_equal(stream_find_gt(s, STREAM_ID_MAX), 10);
    assert_non_null(stream_lookup(s, sid(4, 1)));
    assert_null(stream_lookup(s, sid(4, 0)));

    stream_delete_at(s, 3);
    assert_null(stream_lookup(s, sid(4, 1)));
    assert_int_equal(s->len, 9);
    assert_int_equal(s->nnode, 1);
    assert_int_equal(s->node[0].live, 9);
    assert_int_equal(s->node[0].deleted, 1);
    assert_int_equal(s->entries_added, 10); /* not a counter of live entries */
    while (s->len > 0)
        stream_delete_at(s, 0);
    assert_int_equal(s->nnode, 0); /* its last entry gone, the node goes */
    assert_true(s->last_id.ms == 10);
    stream_free(s);
}

static void test_nodes(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    for (uint64_t i = 1; i <= 250; i++)
        add(s, i, 1, "f", "v");
    assert_int_equal(s->nnode, 3);
    assert_int_equal(s->node[0].live, 100);
    assert_int_equal(s->node[2].live, 50);
    assert_true(s->node[1].first.ms == 101 && s->node[1].last.ms == 200);

    /* ~ drops whole nodes only, and LIMIT counts whole nodes */
    struct stream_trim t = {.approx = 1, .maxlen = 151, .limit = 10000};
    assert_int_equal(stream_trim(s, &t), 0);
    t.maxlen = 150;
    assert_int_equal(stream_trim(s, &t), 100);
    t.maxlen = 0;
    t.limit = 99;
    assert_int_equal(stream_trim(s, &t), 0);
    /* exact: entries go one by one, their node stays */
    struct stream_trim e = {.maxlen = 140};
    assert_int_equal(stream_trim(s, &e), 10);
    assert_int_equal(s->nnode, 2);
    assert_int_equal(s->node[0].deleted, 10);
    struct stream_trim m = {.minid_kind = 1, .minid = sid(201, 0), .approx = 1, .limit = 10000};
    assert_int_equal(stream_trim(s, &m), 90);
    assert_int_equal(s->len, 50);
    assert_true(s->e[0].id.ms == 201);
    stream_free(s);

    /* 100-byte values: the byte limit ends a node at 36 entries */
    s = stream_new();
    char v[101];
    memset(v, 'x', 100);
    v[100] = '\0';
    for (uint64_t i = 1; i <= 100; i++)
        add(s, i, 1, "field", v);
    assert_int_equal(s->nnode, 3);
    assert_int_equal(s->node[0].live, 36);
    assert_int_equal(s->node[1].live, 36);
    assert_int_equal(s->node[2].live, 28);
    stream_free(s);
}

static void test_dup(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    add(s, 1, 1, "a", "1");
    add(s, 2, 1, "b", "2");
    stream_delete_at(s, 0);
    s->max_deleted_id = sid(1, 1);
    struct stream *d = stream_dup(s);
    assert_int_equal(stream_digest(d, 7), stream_digest(s, 7));
    add(d, 3, 0, "c", "3");
    assert_int_not_equal(stream_digest(d, 7), stream_digest(s, 7));
    assert_int_equal(s->len, 1);
    assert_int_equal(d->len, 2);
    assert_null(d->groups);
    assert_int_equal(d->nnode, 1);
    assert_int_equal(d->node[0].live, 2);
    stream_free(s);
    stream_free(d);
}

/* The bytes written to a client of protocol proto by fn. */
static void expect_reply(int proto, const struct stream *s, int which, const char *want)
{
    struct client c;
    memset(&c, 0, sizeof(c));
    c.proto = proto;
    c.out = (struct buf)BUF_INIT;
    struct stream_entry *v[2] = {&s->e[0], &s->e[1]};
    switch (which) {
    case 0: stream_reply_entries(&c, v, 2); break;
    case 1: stream_reply_deleted(&c, sid(7, 8)); break;
    default: stream_reply_range(&c, s, STREAM_ID_MIN, STREAM_ID_MAX, 1, 1); break;
    }
    assert_int_equal(c.out.len, strlen(want));
    assert_memory_equal(c.out.p, want, c.out.len);
    buf_free(&c.out);
}

static void test_replies(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    add(s, 1, 1, "f", "v");
    add(s, 2, 0, "g", "");
    const char *two = "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
                      "*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\ng\r\n$0\r\n\r\n";
    expect_reply(2, s, 0, two);
    expect_reply(3, s, 0, two); /* fields and values stay an array */
    expect_reply(2, s, 1, "*2\r\n$3\r\n7-8\r\n*-1\r\n");
    expect_reply(3, s, 1, "*2\r\n$3\r\n7-8\r\n_\r\n");
    expect_reply(2, s, 2, "*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\ng\r\n$0\r\n\r\n");
    stream_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_fmt_incr_decr),
        cmocka_unit_test(test_find_and_delete),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_dup),
        cmocka_unit_test(test_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
