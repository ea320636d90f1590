/* test_stream_cg.c - unit tests of stream_cg.c: a stream's consumer groups.
 *
 * Covers the radix-tree order of groups and consumers (bytewise, a prefix
 * first), the two PELs kept in step (a nack moves between consumers,
 * leaves both on delete, goes with its consumer), the deep copy (the
 * copy's nacks point at the copy's consumers), and the read-counter rules
 * behind XINFO's entries-read and lag, on the cases the differential
 * corpus checks against redis-server. ASan/valgrind runs catch what a free
 * or the copy gets wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "stream.h"
#include "stream_cg.h"

static struct stream_id sid(uint64_t ms, uint64_t seq)
{
    struct stream_id id = {ms, seq};
    return id;
}

static void add(struct stream *s, uint64_t ms)
{
    const char *argv[2] = {"f", "v"};
    size_t argl[2] = {1, 1};
    stream_append(s, sid(ms, 1), 2, argv, argl);
}

static struct stream_cg *cg(struct stream *s, const char *name)
{
    return stream_cg_create(s, name, strlen(name), sid(0, 0), STREAM_CG_UNKNOWN);
}

static void test_group_order(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    assert_int_equal(stream_cg_count(s), 0);
    assert_null(stream_cg_find(s, "a", 1));
    assert_null(stream_cg_find(NULL, "a", 1));
    const char *names[] = {"b", "ab", "a", "", "B", "a\xff"};
    for (size_t i = 0; i < 6; i++)
        assert_non_null(cg(s, names[i]));
    assert_null(cg(s, "ab")); /* BUSYGROUP */
    const char *want[] = {"", "B", "a", "ab", "a\xff", "b"};
    assert_int_equal(stream_cg_count(s), 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(stream_cg_at(s, i)->name, want[i]);
    assert_int_equal(stream_cg_destroy(s, "ab", 2), 1);
    assert_int_equal(stream_cg_destroy(s, "ab", 2), 0);
    assert_null(stream_cg_find(s, "ab", 2));
    assert_non_null(stream_cg_find(s, "a", 1));
    assert_int_equal(stream_cg_count(s), 5);
    stream_free(s);
}

static void test_consumers_and_pels(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    struct stream_cg *g = cg(s, "g");
    struct stream_consumer *c2 = stream_consumer_create(g, "c2", 2, 100);
    struct stream_consumer *c1 = stream_consumer_create(g, "c1", 2, 200);
    assert_null(stream_consumer_create(g, "c1", 2, 300));
    assert_ptr_equal(g->cons[0], c1);
    assert_ptr_equal(g->cons[1], c2);
    assert_int_equal(c1->seen_time, 200);

    stream_nack_create(g, sid(3, 0), c1, 10);
    stream_nack_create(g, sid(1, 0), c1, 11);
    struct stream_nack *n2 = stream_nack_create(g, sid(2, 0), c2, 12);
    assert_int_equal(g->pel.n, 3);
    assert_int_equal(g->pel.v[0]->id.ms, 1);
    assert_int_equal(g->pel.v[2]->id.ms, 3);
    assert_int_equal(c1->pel.n, 2);
    assert_int_equal(c1->pel.v[0]->id.ms, 1);
    assert_int_equal(n2->delivery_count, 1);
    assert_int_equal(n2->delivery_time, 12);
    assert_int_equal(stream_pel_seek(&g->pel, sid(1, 1)), 1);
    assert_int_equal(stream_pel_seek(&g->pel, sid(9, 0)), 3);

    /* a nack moves: out of c2's PEL, into c1's, in order */
    stream_nack_assign(n2, c1);
    assert_int_equal(c2->pel.n, 0);
    assert_int_equal(c1->pel.n, 3);
    assert_ptr_equal(c1->pel.v[1], n2);
    stream_nack_assign(n2, c1); /* already its owner */
    assert_int_equal(c1->pel.n, 3);

    /* acknowledged: out of both */
    stream_nack_delete(g, stream_pel_find(&g->pel, sid(1, 0)));
    assert_null(stream_pel_find(&g->pel, sid(1, 0)));
    assert_null(stream_pel_find(&c1->pel, sid(1, 0)));
    assert_int_equal(g->pel.n, 2);

    /* a nack being created by FORCE has no owner until assigned */
    struct stream_nack *f = stream_nack_create(g, sid(5, 0), NULL, 20);
    assert_null(f->consumer);
    stream_nack_assign(f, c2);
    assert_int_equal(c2->pel.n, 1);

    /* a consumer deleted takes its pending entries with it */
    assert_int_equal(stream_consumer_delete(g, c1), 2);
    assert_int_equal(g->pel.n, 1);
    assert_ptr_equal(g->pel.v[0], f);
    assert_int_equal(g->ncons, 1);
    assert_null(stream_consumer_find(g, "c1", 2));
    stream_free(s); /* frees the group, c2 and f */
}

static void test_dup(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    add(s, 1);
    add(s, 2);
    struct stream_cg *g = cg(s, "g");
    cg(s, "h");
    struct stream_consumer *a = stream_consumer_create(g, "a", 1, 5);
    struct stream_consumer *b = stream_consumer_create(g, "b", 1, 6);
    stream_nack_create(g, sid(1, 1), b, 7)->delivery_count = 4;
    stream_nack_create(g, sid(2, 1), a, 8);
    g->last_id = sid(2, 1);
    g->entries_read = 2;

    struct stream *d = stream_dup(s);
    assert_int_equal(stream_digest(s, 0), stream_digest(d, 0));
    struct stream_cg *dg = stream_cg_find(d, "g", 1);
    assert_non_null(dg);
    assert_ptr_not_equal(dg, g);
    assert_int_equal(dg->entries_read, 2);
    assert_int_equal(dg->last_id.ms, 2);
    struct stream_consumer *da = stream_consumer_find(dg, "a", 1);
    struct stream_consumer *db = stream_consumer_find(dg, "b", 1);
    assert_int_equal(db->seen_time, 6);
    assert_int_equal(dg->pel.n, 2);
    assert_ptr_equal(dg->pel.v[0]->consumer, db);
    assert_ptr_equal(dg->pel.v[1]->consumer, da);
    assert_int_equal(dg->pel.v[0]->delivery_count, 4);
    assert_int_equal(dg->pel.v[1]->delivery_time, 8);
    assert_ptr_equal(db->pel.v[0], dg->pel.v[0]);
    assert_non_null(stream_cg_find(d, "h", 1));

    /* the copy lives on its own, and so do their digests */
    stream_nack_delete(g, stream_pel_find(&g->pel, sid(1, 1)));
    assert_int_equal(dg->pel.n, 2);
    assert_int_not_equal(stream_digest(s, 0), stream_digest(d, 0));
    stream_free(s);
    assert_int_equal(stream_consumer_delete(dg, db), 1);
    stream_free(d);
    assert_null(stream_groups_dup(NULL));
}

/* The cases of the corpus (tests/diff/corpus/stream_groups.txt, XINFO). */
static void test_read_counter(void **state)
{
    (void)state;
    struct stream *s = stream_new();
    struct stream_cg *g = cg(s, "g");
    long long lag = -99;
    /* a stream that never had an entry: lag 0 */
    assert_int_equal(stream_cg_lag(s, g, &lag), 0);
    assert_int_equal(lag, 0);
    assert_int_equal(stream_cg_estimate(s, sid(5, 0)), 0);

    add(s, 1);
    add(s, 2);
    add(s, 3);
    assert_int_equal(stream_cg_estimate(s, sid(0, 0)), 0); /* before the first */
    assert_int_equal(stream_cg_estimate(s, sid(1, 1)), 1); /* the first */
    assert_int_equal(stream_cg_estimate(s, sid(3, 1)), 3); /* the last */
    assert_int_equal(stream_cg_estimate(s, sid(2, 1)), STREAM_CG_UNKNOWN);
    assert_int_equal(stream_cg_estimate(s, sid(9, 0)), STREAM_CG_UNKNOWN); /* future */
    assert_int_equal(stream_cg_lag(s, g, &lag), 0);                        /* 0-0, unknown */
    assert_int_equal(lag, 3);

    /* reading ">" from an unknown counter: estimated, then counted */
    stream_cg_delivered(s, g, sid(1, 1));
    assert_int_equal(g->entries_read, 1);
    stream_cg_delivered(s, g, sid(2, 1));
    assert_int_equal(g->entries_read, 2);
    assert_int_equal(stream_cg_lag(s, g, &lag), 0);
    assert_int_equal(lag, 1);

    /* a deletion ahead of the group: the counter is no longer trusted */
    stream_delete_at(s, 2); /* 3-1 */
    s->max_deleted_id = sid(3, 1);
    assert_true(stream_cg_tombstones_from(s, sid(2, 1)));
    assert_false(stream_cg_tombstones_from(s, sid(3, 2)));
    assert_int_equal(stream_cg_lag(s, g, &lag), -1); /* XINFO's null */

    /* every entry gone: an ID up to the last is at the end */
    stream_delete_at(s, 0);
    stream_delete_at(s, 0);
    assert_false(stream_cg_tombstones_from(s, sid(0, 0)));
    assert_int_equal(stream_cg_estimate(s, sid(2, 1)), 3);
    assert_int_equal(stream_cg_lag(s, g, &lag), 0);
    assert_int_equal(lag, 1); /* trusted again: 3 added, 2 read */

    /* a negative lag from ENTRIESREAD beyond the entries added, as Redis */
    g->entries_read = 7;
    assert_int_equal(stream_cg_lag(s, g, &lag), 0);
    assert_int_equal(lag, -4);
    stream_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_order),
        cmocka_unit_test(test_consumers_and_pels),
        cmocka_unit_test(test_dup),
        cmocka_unit_test(test_read_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
