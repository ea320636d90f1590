/* test_db.c - unit tests of db.c (the keyspace with TTLs) and clock.c.
 *
 * The keyspace never reads a clock: every call takes "now", so these tests
 * pass explicit times and check the exact boundary (a key whose expire
 * equals now is gone, as in Redis). The clock tests cover the virtual mode
 * the integration tests and scenarios rely on to expire keys without
 * sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "core.h"
#include "db.h"
#include "dict.h"
#include "mr_err.h"
#include "obj.h"

#define K(lit) (lit), (sizeof(lit) - 1)

static struct obj *str(const char *s, int64_t expire)
{
    struct obj *o = obj_new_string(s, strlen(s));
    o->expire = expire;
    return o;
}

static void assert_str(const struct obj *o, const char *want)
{
    assert_non_null(o);
    assert_int_equal(o->type, OBJ_STRING);
    assert_int_equal(o->u.str.len, strlen(want));
    assert_memory_equal(o->u.str.p, want, strlen(want));
}

static int setup(void **state)
{
    static struct db db;
    db_init(&db);
    *state = &db;
    return 0;
}

static int teardown(void **state)
{
    db_destroy(*state);
    return 0;
}

/* ---- keyspace ---------------------------------------------------------------- */

static void test_set_lookup_replace(void **state)
{
    struct db *db = *state;
    assert_int_equal(db_size(db), 0);
    assert_null(db_lookup(db, K("k"), 0));
    db_set(db, K("k"), str("v1", -1), 0);
    assert_str(db_lookup(db, K("k"), 0), "v1");
    /* a replaced value is freed (ASan/valgrind check that) */
    db_set(db, K("k"), str("v2", -1), 0);
    assert_str(db_lookup(db, K("k"), 0), "v2");
    assert_int_equal(db_size(db), 1);
    assert_int_equal(db_expires_count(db), 0);
    /* binary keys are distinct from their prefixes */
    db_set(db, K("k\0x"), str("bin", -1), 0);
    assert_str(db_lookup(db, K("k\0x"), 0), "bin");
    assert_str(db_lookup(db, K("k"), 0), "v2");
    assert_int_equal(db_size(db), 2);
}

static void test_lazy_expiry_boundary(void **state)
{
    struct db *db = *state;
    db_set(db, K("t"), str("x", 1000), 0);
    assert_int_equal(db_expires_count(db), 1);
    assert_str(db_lookup(db, K("t"), 999), "x");
    assert_int_equal(db->expired, 0);
    /* expire == now: gone, counted, and removed from both dicts */
    assert_null(db_lookup(db, K("t"), 1000));
    assert_int_equal(db->expired, 1);
    assert_int_equal(db_size(db), 0);
    assert_int_equal(db_expires_count(db), 0);
    /* a later lookup at an earlier time does not bring it back */
    assert_null(db_lookup(db, K("t"), 0));
    assert_int_equal(db->expired, 1);
}

static void test_lookup_read_counts(void **state)
{
    struct db *db = *state;
    db_set(db, K("a"), str("1", -1), 0);
    db_set(db, K("b"), str("2", 50), 0);
    assert_non_null(db_lookup_read(db, K("a"), 100));
    assert_null(db_lookup_read(db, K("missing"), 100));
    assert_null(db_lookup_read(db, K("b"), 100)); /* expired: a miss */
    assert_int_equal(db->hits, 1);
    assert_int_equal(db->misses, 2);
    assert_int_equal(db->expired, 1);
    /* db_lookup does not count */
    assert_non_null(db_lookup(db, K("a"), 100));
    assert_int_equal(db->hits, 1);
}

static void test_set_keepttl(void **state)
{
    struct db *db = *state;
    db_set(db, K("k"), str("old", 5000), 0);
    /* keepttl: the new value takes the old TTL */
    struct obj *n = str("new", -1);
    db_set(db, K("k"), n, 1);
    assert_int_equal(n->expire, 5000);
    assert_int_equal(db_expires_count(db), 1);
    assert_str(db_lookup(db, K("k"), 4999), "new");
    /* without keepttl a value with no TTL clears it */
    db_set(db, K("k"), str("plain", -1), 0);
    assert_int_equal(db_expires_count(db), 0);
    assert_str(db_lookup(db, K("k"), 999999), "plain");
    /* keepttl on a key without TTL keeps "none" even if the new value had one */
    n = str("again", 123);
    db_set(db, K("k"), n, 1);
    assert_int_equal(n->expire, -1);
    assert_int_equal(db_expires_count(db), 0);
    /* a new key with keepttl keeps the value's own TTL */
    n = str("fresh", 777);
    db_set(db, K("f"), n, 1);
    assert_int_equal(n->expire, 777);
    assert_int_equal(db_expires_count(db), 1);
}

static void test_delete(void **state)
{
    struct db *db = *state;
    db_set(db, K("a"), str("1", -1), 0);
    db_set(db, K("b"), str("2", 10), 0);
    assert_int_equal(db_delete(db, K("a"), 0), 1);
    assert_int_equal(db_delete(db, K("a"), 0), 0);
    assert_int_equal(db_delete(db, K("nope"), 0), 0);
    /* an expired key is not "deleted" by DEL, but it is gone afterwards */
    assert_int_equal(db_delete(db, K("b"), 10), 0);
    assert_int_equal(db->expired, 1);
    assert_int_equal(db_size(db), 0);
    assert_int_equal(db_expires_count(db), 0);
}

static void test_take(void **state)
{
    struct db *db = *state;
    db_set(db, K("src"), str("val", 9000), 0);
    db_set(db, K("old"), str("x", 5), 0);
    struct obj *o = db_take(db, K("src"), 100);
    assert_str(o, "val");
    assert_int_equal(o->expire, 9000); /* the TTL travels with the value */
    assert_null(db_lookup(db, K("src"), 100));
    assert_int_equal(db_expires_count(db), 1);
    /* what RENAME does: put it back under another name */
    db_set(db, K("dst"), o, 0);
    assert_int_equal(db_expires_count(db), 2);
    assert_str(db_lookup(db, K("dst"), 100), "val");
    assert_null(db_take(db, K("missing"), 100));
    assert_null(db_take(db, K("old"), 5));
    assert_int_equal(db->expired, 1);
    assert_int_equal(db_expires_count(db), 1);
    assert_int_equal(db_size(db), 1);
}

static void test_set_expire(void **state)
{
    struct db *db = *state;
    db_set(db, K("k"), str("v", -1), 0);
    struct obj *o = db_lookup(db, K("k"), 0);
    db_set_expire(db, K("k"), o, 200);
    assert_int_equal(o->expire, 200);
    assert_int_equal(db_expires_count(db), 1);
    db_set_expire(db, K("k"), o, 300); /* move it: still one entry */
    assert_int_equal(db_expires_count(db), 1);
    assert_non_null(db_lookup(db, K("k"), 299));
    db_set_expire(db, K("k"), o, -1); /* PERSIST */
    assert_int_equal(o->expire, -1);
    assert_int_equal(db_expires_count(db), 0);
    assert_non_null(db_lookup(db, K("k"), 1000000));
    db_set_expire(db, K("k"), o, -1); /* twice is harmless */
    assert_int_equal(db_expires_count(db), 0);
}

static void test_flush(void **state)
{
    struct db *db = *state;
    for (int i = 0; i < 100; i++) {
        char k[16];
        int n = snprintf(k, sizeof(k), "key%d", i);
        db_set(db, k, (size_t)n, str("v", i % 2 ? 1000 : -1), 0);
    }
    assert_int_equal(db_size(db), 100);
    assert_int_equal(db_expires_count(db), 50);
    db_flush(db);
    assert_int_equal(db_size(db), 0);
    assert_int_equal(db_expires_count(db), 0);
    db_set(db, K("after"), str("v", -1), 0);
    assert_int_equal(db_size(db), 1);
}

static void test_active_expire(void **state)
{
    struct db *db = *state;
    char k[16];
    /* 100 keys expiring at 1000, 100 at 5000, 100 without TTL */
    for (int i = 0; i < 300; i++) {
        int n = snprintf(k, sizeof(k), "key%d", i);
        int64_t exp = i < 100 ? 1000 : i < 200 ? 5000 : -1;
        db_set(db, k, (size_t)n, str("v", exp), 0);
    }
    assert_int_equal(db_expires_count(db), 200);
    /* nothing due yet */
    assert_int_equal(db_active_expire(db, 999, 1000), 0);
    assert_int_equal(db_size(db), 300);
    /* the budget is an upper bound */
    size_t got = db_active_expire(db, 1000, 7);
    assert_true(got <= 7);
    assert_true(got >= 1); /* half the sample is due: at least one hits */
    size_t total = got;
    for (int round = 0; round < 5000 && total < 100; round++)
        total += db_active_expire(db, 1000, 20);
    assert_int_equal(total, 100);
    assert_int_equal(db->expired, 100);
    assert_int_equal(db_size(db), 200);
    assert_int_equal(db_expires_count(db), 100);
    /* none of the later ones went early */
    for (int i = 100; i < 300; i++) {
        int n = snprintf(k, sizeof(k), "key%d", i);
        assert_non_null(db_lookup(db, k, (size_t)n, 1000));
    }
    /* when every sampled key is due, one call clears them all */
    assert_int_equal(db_active_expire(db, 5000, 100000), 100);
    assert_int_equal(db_size(db), 100);
    assert_int_equal(db_expires_count(db), 0);
    assert_int_equal(db_active_expire(db, 99999, 1000), 0);
    assert_int_equal(db->expired, 200);
}

/* ---- clock -------------------------------------------------------------------- */

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_clock_real(void **state)
{
    (void)state;
    struct clk c;
    clk_init_real(&c);
    assert_int_equal(c.virt, 0);
    int64_t w = wall_ms();
    int64_t now = clk_now_ms(&c);
    assert_true(now >= w - 50 && now <= w + 50);
    assert_int_equal(clk_advance_us(&c, 1000), MR_EINVAL);
    int64_t m0 = clk_mono_us();
    sleep_ms(5);
    assert_true(clk_mono_us() - m0 >= 5000);
}

static void test_clock_virtual(void **state)
{
    (void)state;
    struct clk c;
    clk_init_real(&c);
    clk_set_virtual(&c, 1000);
    assert_int_equal(c.virt, 1);
    assert_int_equal(clk_now_ms(&c), 1000);
    assert_int_equal(clk_now_us(&c), 1000000);
    sleep_ms(5); /* frozen */
    assert_int_equal(clk_now_us(&c), 1000000);
    assert_int_equal(clk_advance_us(&c, 2500), 0);
    assert_int_equal(clk_now_us(&c), 1002500);
    assert_int_equal(clk_now_ms(&c), 1002);
    assert_int_equal(clk_advance_us(&c, -1), MR_EINVAL);
    assert_int_equal(clk_now_us(&c), 1002500);
    assert_int_equal(clk_advance_us(&c, 0), 0);
    /* a second call resets */
    clk_set_virtual(&c, 50);
    assert_int_equal(clk_now_ms(&c), 50);
    /* -1 while virtual: stays at the clock's current (virtual) time */
    clk_set_virtual(&c, -1);
    assert_int_equal(clk_now_ms(&c), 50);
    /* back to real time */
    clk_set_real(&c);
    assert_int_equal(c.virt, 0);
    /* Bracketed by two readings of the wall clock, not compared with one
     * within a margin: a busy machine can stop the test between any two
     * lines. */
    int64_t w = wall_ms();
    int64_t now = clk_now_ms(&c);
    assert_true(now >= w && now <= wall_ms());
    assert_int_equal(clk_advance_us(&c, 10), MR_EINVAL);
    /* -1 from real time: frozen at the current real time */
    w = wall_ms();
    clk_set_virtual(&c, -1);
    int64_t w2 = wall_ms();
    int64_t v = clk_now_ms(&c);
    assert_true(v >= w && v <= w2);
    sleep_ms(20);
    assert_int_equal(clk_now_ms(&c), v);
    clk_set_real(&c);
    assert_true(clk_now_ms(&c) >= v + 20);
}

/* The clock stays within 0..CLK_MAX_MS: beyond is MR_ERANGE and no move
 * (it used to overflow: UBSan aborted, a plain build wrapped). */
static void test_clock_range(void **state)
{
    (void)state;
    struct clk c;
    clk_init_real(&c);
    assert_int_equal(clk_set_virtual(&c, CLK_MAX_MS + 1), MR_ERANGE);
    assert_int_equal(c.virt, 0);
    assert_int_equal(clk_set_virtual(&c, INT64_MAX), MR_ERANGE);
    assert_int_equal(clk_set_virtual(&c, CLK_MAX_MS), 0);
    assert_int_equal(clk_now_ms(&c), CLK_MAX_MS);
    assert_int_equal(clk_advance_us(&c, 999), 0);
    assert_int_equal(clk_advance_us(&c, 1), MR_ERANGE);
    assert_int_equal(clk_now_us(&c), CLK_MAX_MS * 1000 + 999);
    assert_int_equal(clk_set_virtual(&c, 0), 0);
    assert_int_equal(clk_advance_us(&c, INT64_MAX), MR_ERANGE);
    assert_int_equal(clk_now_us(&c), 0);
    assert_int_equal(clk_advance_us(&c, CLK_MAX_MS * 1000), 0);
    assert_int_equal(clk_now_ms(&c), CLK_MAX_MS);
}

static void test_virtual_clock_drives_expiry(void **state)
{
    (void)state;
    /* The way commands see it: core's clock, virtual, then advanced. */
    struct core core;
    core_init(&core);
    clk_set_virtual(&core.clock, 1000000);
    struct db *db = &core.db[0];
    db_set(db, K("session"), str("abc", core_now_ms(&core) + 10000), 0);
    assert_non_null(db_lookup(db, K("session"), core_now_ms(&core)));
    assert_int_equal(clk_advance_us(&core.clock, 9999 * 1000LL), 0);
    assert_non_null(db_lookup(db, K("session"), core_now_ms(&core)));
    assert_int_equal(clk_advance_us(&core.clock, 1000), 0);
    assert_int_equal(core_now_ms(&core), 1010000);
    assert_null(db_lookup(db, K("session"), core_now_ms(&core)));
    core_destroy(&core);
}

/* ---- the change listener (WATCH's hook) ---------------------------------- */

struct heard {
    char log[512];
};

static void listen_fn(void *ud, struct db *db, const char *key, size_t klen)
{
    struct heard *h = ud;
    (void)db;
    size_t n = strlen(h->log);
    snprintf(h->log + n, sizeof(h->log) - n, "%.*s ", key ? (int)klen : 5, key ? key : "FLUSH");
}

/* Every change of what a key holds is heard, once, after it happened;
 * reads, and removing a TTL that is not there, are not. */
static void test_change_listener(void **state)
{
    (void)state;
    struct db db;
    db_init(&db);
    struct heard h = {""};
    db.on_change = listen_fn;
    db.on_change_ud = &h;

    db_set(&db, K("a"), str("1", -1), 0);
    db_set(&db, K("a"), str("1", -1), 0);            /* same value: still a change */
    assert_non_null(db_lookup_read(&db, K("a"), 0)); /* a read: none */
    struct obj *o = db_lookup(&db, K("a"), 0);
    db_set_expire(&db, K("a"), o, -1); /* no TTL to remove: none */
    db_set_expire(&db, K("a"), o, 500);
    db_set_expire(&db, K("a"), o, -1);
    db_set(&db, K("b"), str("2", 100), 0);
    assert_null(db_lookup(&db, K("b"), 100));          /* expired on the way: heard */
    assert_int_equal(db_delete(&db, K("nope"), 0), 0); /* nothing deleted: none */
    struct obj *t = db_take(&db, K("a"), 0);
    obj_free(t);
    db_set(&db, K("c"), str("3", 10), 0);
    assert_int_equal(db_active_expire(&db, 20, 100), 1);
    db_set(&db, K("d"), str("4", -1), 0);
    assert_int_equal(db_delete(&db, K("d"), 0), 1);
    db_flush(&db);
    assert_string_equal(h.log, "a a a a b b a c c d d FLUSH ");

    assert_int_equal(db_state(&db, K("x"), 0), DB_ABSENT);
    db_set(&db, K("x"), str("5", 50), 0);
    assert_int_equal(db_state(&db, K("x"), 49), DB_LIVE);
    assert_int_equal(db_state(&db, K("x"), 50), DB_EXPIRED);
    assert_non_null(db_peek(&db, K("x"))); /* no side effect: still stored */
    db_destroy(&db);
}

/* ---- the event listener (keyspace notifications' hook) ------------------- */

static void event_fn(void *ud, struct db *db, int ev, const char *key, size_t klen)
{
    struct heard *h = ud;
    (void)db;
    static const char *const names[] = {
        [DB_EV_EXPIRED] = "expired", [DB_EV_MISS] = "miss", [DB_EV_NEW] = "new"};
    size_t n = strlen(h->log);
    snprintf(h->log + n, sizeof(h->log) - n, "%s:%.*s ", names[ev], (int)klen, key);
}

/* Keys added, keys deleted because they expired (lazily, by the sampler,
 * or by db_expire_now) and reads that miss are reported, each once, after
 * on_change heard the change; nothing else is. */
static void test_event_listener(void **state)
{
    (void)state;
    struct db db;
    db_init(&db);
    struct heard h = {""};
    db.on_change = listen_fn;
    db.on_change_ud = &h;
    db.on_event = event_fn;
    db.on_event_ud = &h;

    db_set(&db, K("a"), str("1", 10), 0);
    db_set(&db, K("a"), str("2", 10), 1);            /* replaced: no "new" */
    assert_non_null(db_lookup_read(&db, K("a"), 9)); /* a hit: nothing */
    assert_null(db_lookup_read(&db, K("a"), 10));    /* expired, then missed */
    assert_null(db_lookup(&db, K("a"), 10));         /* a write's miss: nothing */
    db_set(&db, K("b"), str("3", 5), 0);
    assert_int_equal(db_active_expire(&db, 5, 100), 1); /* the sampler */
    db_set(&db, K("c"), str("4", -1), 0);
    assert_int_equal(db_expire_now(&db, K("c"), 0), 1); /* a scenario's expire */
    assert_int_equal(db_expire_now(&db, K("c"), 0), 0);
    assert_int_equal(db_delete(&db, K("nope"), 0), 0);
    assert_string_equal(h.log, "a new:a a a expired:a miss:a b new:b b expired:b c new:c c "
                               "expired:c ");
    assert_int_equal(db.expired, 3);
    assert_int_equal(db.misses, 1);
    db_destroy(&db);
}

/* The digest tells values apart by type, TTL, contents and their order. */
static void test_obj_digest(void **state)
{
    (void)state;
    struct obj *a = str("ab", -1), *b = str("ab", -1);
    assert_true(obj_digest(a) == obj_digest(b));
    b->expire = 5;
    assert_true(obj_digest(a) != obj_digest(b));
    obj_string_set(a, "ac", 2);
    struct obj *c = str("ab", 5);
    assert_true(obj_digest(b) == obj_digest(c));
    assert_true(obj_digest(a) != obj_digest(c));
    assert_int_equal(obj_digest(NULL), 0);
    assert_true(obj_digest(a) != 0);

    struct obj *l1 = obj_new_list(), *l2 = obj_new_list();
    deque_push_tail(l1->u.list, obj_str_new("ab", 2));
    deque_push_tail(l1->u.list, obj_str_new("c", 1));
    deque_push_tail(l2->u.list, obj_str_new("a", 1));
    deque_push_tail(l2->u.list, obj_str_new("bc", 2));
    assert_true(obj_digest(l1) != obj_digest(l2)); /* same bytes, other split */
    struct obj *s1 = obj_new_set();
    int created;
    dict_upsert(s1->u.set, "ab", 2, &created);
    dict_upsert(s1->u.set, "c", 1, &created);
    assert_true(obj_digest(s1) != obj_digest(l1)); /* same elements, other type */
    obj_free(a);
    obj_free(b);
    obj_free(c);
    obj_free(l1);
    obj_free(l2);
    obj_free(s1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_lookup_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lazy_expiry_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_read_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_keepttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_take, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_expire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_active_expire, setup, teardown),
        cmocka_unit_test(test_clock_real),
        cmocka_unit_test(test_clock_virtual),
        cmocka_unit_test(test_clock_range),
        cmocka_unit_test(test_virtual_clock_drives_expiry),
        cmocka_unit_test(test_change_listener),
        cmocka_unit_test(test_event_listener),
        cmocka_unit_test(test_obj_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
