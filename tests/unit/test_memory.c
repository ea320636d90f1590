/* test_memory.c - unit tests of memory.c (the memory model) and its
 * bookkeeping in db.c.
 *
 * The figures are redis-server 7.0.15's (jemalloc, 64-bit): MEMORY USAGE
 * of small values, measured once and written here; the encodings and
 * their conversions at the CONFIG thresholds; the running totals, which
 * must come back to exactly nothing when the keys go, whatever happened
 * to the values in between. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core.h"
#include "db.h"
#include "dict.h"
#include "memory.h"
#include "obj.h"
#include "zset.h"

#define K(lit) (lit), (sizeof(lit) - 1)

static void hset(struct obj *h, const char *f, const char *v)
{
    int created;
    struct dict_entry *e = dict_upsert(h->u.hash, f, strlen(f), &created);
    if (!created)
        obj_str_free(e->val);
    e->val = obj_str_new(v, strlen(v));
}

static void sadd(struct obj *s, const char *m)
{
    int created;
    dict_upsert(s->u.set, m, strlen(m), &created);
}

static int setup(void **state)
{
    (void)state;
    mem_limits_reset();
    return 0;
}

/* MEMORY USAGE of strings, as redis-server 7.0.15 answers for key "k". */
static void test_string_usage(void **state)
{
    (void)state;
    static const struct {
        const char *v, *enc;
        size_t usage;
    } cases[] = {
        {"1", "int", 48},
        {"123456789012", "int", 48},
        {"hello", "embstr", 64},
        {"0123", "embstr", 64},
        {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "embstr", 96}, /* 44 bytes */
        {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "raw", 112},  /* 45 bytes */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct obj *o = obj_new_string(cases[i].v, strlen(cases[i].v));
        mem_obj_update(o);
        assert_string_equal(mem_encoding(o), cases[i].enc);
        assert_int_equal(mem_key_usage(K("k"), o, 5), cases[i].usage);
        obj_free(o);
    }
    /* a key of 14 bytes has a 1-byte sds header: 16 bytes */
    struct obj *v = obj_new_string(K("v"));
    mem_obj_update(v);
    assert_int_equal(mem_key_usage(K("alongerkeyname"), v, 5), 72);
    /* edited in place: raw for good, with room to grow */
    mem_string_raw(v, 1);
    assert_string_equal(mem_encoding(v), "raw");
    obj_string_set(v, K("12")); /* INCR: a new value, encoded afresh */
    mem_obj_update(v);
    assert_string_equal(mem_encoding(v), "int");
    obj_free(v);
}

/* listpack -> hashtable at hash-max-listpack-entries / -value, never back. */
static void test_hash_conversion(void **state)
{
    (void)state;
    *mem_limit_field("hash-max-ziplist-entries") = 2; /* the alias is the same value */
    assert_int_equal(mem_limits.hash_entries, 2);
    struct obj *h = obj_new_hash();
    hset(h, "f1", "v1");
    hset(h, "f2", "v2");
    mem_obj_update(h);
    assert_string_equal(mem_encoding(h), "listpack");
    assert_int_equal(mem_key_usage(K("h"), h, 5), 80); /* as redis-server */
    hset(h, "f3", "v3");
    mem_obj_update(h);
    assert_string_equal(mem_encoding(h), "hashtable");
    dict_delete(h->u.hash, K("f3"));
    dict_delete(h->u.hash, K("f2"));
    mem_obj_update(h);
    assert_string_equal(mem_encoding(h), "hashtable");
    mem_reencode(h); /* DEBUG RELOAD: loaded afresh */
    mem_obj_update(h);
    assert_string_equal(mem_encoding(h), "listpack");
    obj_free(h);

    mem_limits_reset();
    struct obj *h2 = obj_new_hash();
    hset(h2, "f", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"); /* 65 */
    mem_obj_update(h2);
    assert_string_equal(mem_encoding(h2), "hashtable");
    obj_free(h2);
}

/* intset -> hashtable on a non-integer or past set-max-intset-entries. */
static void test_set_conversion(void **state)
{
    (void)state;
    struct obj *s = obj_new_set();
    sadd(s, "1");
    sadd(s, "2");
    sadd(s, "3");
    mem_obj_update(s);
    assert_string_equal(mem_encoding(s), "intset");
    assert_int_equal(mem_key_usage(K("s"), s, 5), 64); /* as redis-server */
    sadd(s, "x");
    mem_obj_update(s);
    assert_string_equal(mem_encoding(s), "hashtable");
    dict_delete(s->u.set, K("x"));
    mem_obj_update(s);
    assert_string_equal(mem_encoding(s), "hashtable");
    obj_free(s);

    *mem_limit_field("set-max-intset-entries") = 1;
    struct obj *s2 = obj_new_set();
    sadd(s2, "1");
    sadd(s2, "2");
    mem_obj_update(s2);
    assert_string_equal(mem_encoding(s2), "hashtable");
    obj_free(s2);
}

/* listpack -> skiplist; lists are always quicklists in 7.0. */
static void test_zset_and_list(void **state)
{
    (void)state;
    struct obj *z = obj_new_zset();
    zset_set(z->u.zset, K("a"), 1);
    mem_obj_update(z);
    assert_string_equal(mem_encoding(z), "listpack");
    zset_set(z->u.zset, K("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
             2);
    mem_obj_update(z);
    assert_string_equal(mem_encoding(z), "skiplist");
    obj_free(z);

    struct obj *l = obj_new_list();
    deque_push_tail(l->u.list, obj_str_new(K("a")));
    mem_obj_update(l);
    assert_string_equal(mem_encoding(l), "quicklist");
    assert_int_equal(mem_key_usage(K("l"), l, 5), 144); /* as redis-server */
    obj_free(l);
}

/* The running totals: every key counted once, nothing left after deletes,
 * however the values changed in between; mem_used is the startup figure
 * plus the databases. */
static void test_running_total(void **state)
{
    (void)state;
    static struct core core;
    core_init(&core);
    size_t empty = mem_used(&core);
    struct db *db = &core.db[0];
    db_set(db, K("s"), obj_new_string(K("hello")), 0);
    struct obj *h = obj_new_hash();
    db_set(db, K("h"), h, 0);
    size_t with_empty_hash = db->mem;
    for (int i = 0; i < 1000; i++) {
        char f[16];
        snprintf(f, sizeof(f), "f%d", i);
        hset(h, f, "value");
    }
    db_mem_refresh(db, K("h"));
    assert_true(db->mem > with_empty_hash + 1000 * 40);
    assert_string_equal(mem_encoding(h), "hashtable");
    assert_int_equal(mem_used(&core) - empty, db->mem + 32 /* 4 buckets */);
    /* SWAPDB swaps the dicts, not the totals: the sum stays right */
    struct dict *k = db->keys;
    db->keys = core.db[1].keys;
    core.db[1].keys = k;
    db_delete(&core.db[1], K("h"), 0);
    db_delete(&core.db[1], K("s"), 0);
    k = db->keys;
    db->keys = core.db[1].keys;
    core.db[1].keys = k;
    assert_int_equal(mem_used(&core), empty);
    /* a flush forgets everything */
    db_set(db, K("x"), obj_new_string(K("1")), 0);
    db_flush(db);
    assert_int_equal(db->mem, 0);
    core_destroy(&core);
}

static void test_limit_names(void **state)
{
    (void)state;
    assert_non_null(mem_limit_field("LIST-MAX-ZIPLIST-SIZE"));
    assert_ptr_equal(mem_limit_field("list-max-listpack-size"),
                     mem_limit_field("list-max-ziplist-size"));
    assert_ptr_equal(mem_limit_field("zset-max-listpack-value"),
                     mem_limit_field("zset-max-ziplist-value"));
    assert_null(mem_limit_field("maxmemory"));
    assert_int_equal(mem_limits.list_size, -2);
    assert_int_equal(mem_limits.hash_entries, 512);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_string_usage, setup),
        cmocka_unit_test_setup(test_hash_conversion, setup),
        cmocka_unit_test_setup(test_set_conversion, setup),
        cmocka_unit_test_setup(test_zset_and_list, setup),
        cmocka_unit_test_setup(test_running_total, setup),
        cmocka_unit_test_setup(test_limit_names, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
