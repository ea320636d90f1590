/* test_expiry.c - string and keyspace commands over (virtual) time.
 *
 * The differential corpus cannot show what happens when a TTL runs out
 * without sleeping, and its replies must not depend on timing. Here the
 * commands run on a core with a virtual clock and no socket: each test
 * sets keys with TTLs, moves the clock, and checks the exact RESP2 bytes,
 * so the rules of Redis 7.0 that only show up over time are pinned down:
 * TTL rounding, expired keys never visible (GET, EXISTS, TYPE, KEYS, SCAN,
 * RANDOMKEY, RENAME, NX conditions), which writes keep a TTL and which
 * clear it, and times in the past deleting keys. Expected replies were
 * checked against redis-server 7.0.15 where wall-clock time allows it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "core.h"
#include "resp.h"

#define T0_MS 1700000000000LL /* virtual start: 2023-11-14T22:13:20Z */

struct fixture {
    struct core core;
    struct client *c;
    char last[4096];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    core_init(&f->core);
    clk_set_virtual(&f->core.clock, T0_MS);
    f->c = core_client_new(&f->core);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    core_destroy(&f->core);
    free(f);
    return 0;
}

/* Runs one command line (redis-cli quoting) and returns its reply bytes. */
static const char *run(struct fixture *f, const char *line)
{
    struct resp_argv *a = resp_split_args(line, strlen(line));
    assert_non_null(a);
    cmd_dispatch(&f->core, f->c, a);
    size_t n = f->c->out.len < sizeof(f->last) - 1 ? f->c->out.len : sizeof(f->last) - 1;
    memcpy(f->last, f->c->out.p, n);
    f->last[n] = '\0';
    buf_clear(&f->c->out);
    return f->last;
}

#define EXPECT(f, line, want) assert_string_equal(run((f), (line)), (want))

static void advance_ms(struct fixture *f, int64_t ms)
{
    assert_int_equal(clk_advance_us(&f->core.clock, ms * 1000), 0);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_ttl_rounding_and_expiry(void **state)
{
    struct fixture *f = *state;
    EXPECT(f, "SET k v PX 1500", "+OK\r\n");
    EXPECT(f, "TTL k", ":2\r\n"); /* (1500+500)/1000 */
    EXPECT(f, "PTTL k", ":1500\r\n");
    advance_ms(f, 1001);
    EXPECT(f, "PTTL k", ":499\r\n");
    EXPECT(f, "TTL k", ":0\r\n"); /* rounds to nearest: 0.499 s */
    EXPECT(f, "GET k", "$1\r\nv\r\n");
    advance_ms(f, 498);
    EXPECT(f, "PTTL k", ":1\r\n");
    advance_ms(f, 1); /* the TTL is reached: gone */
    EXPECT(f, "GET k", "$-1\r\n");
    EXPECT(f, "TTL k", ":-2\r\n");
    EXPECT(f, "EXISTS k", ":0\r\n");
}

static void test_expiretime_is_absolute(void **state)
{
    struct fixture *f = *state;
    EXPECT(f, "SET k v EX 100", "+OK\r\n");
    EXPECT(f, "PEXPIRETIME k", ":1700000100000\r\n");
    EXPECT(f, "EXPIRETIME k", ":1700000100\r\n");
    EXPECT(f, "PEXPIRE k 1499", ":1\r\n");
    EXPECT(f, "EXPIRETIME k", ":1700000001\r\n"); /* 1700000001.499 rounds down */
    EXPECT(f, "PEXPIRE k 1500", ":1\r\n");
    EXPECT(f, "EXPIRETIME k", ":1700000002\r\n"); /* .500 rounds up */
    advance_ms(f, 60000);
    EXPECT(f, "EXPIRETIME k", ":-2\r\n");
}

static void test_expired_keys_are_invisible(void **state)
{
    struct fixture *f = *state;
    EXPECT(f, "SET live v", "+OK\r\n");
    EXPECT(f, "SET dead v PX 10", "+OK\r\n");
    EXPECT(f, "RPUSH deadlist a", ":1\r\n");
    EXPECT(f, "PEXPIRE deadlist 10", ":1\r\n");
    advance_ms(f, 10);
    EXPECT(f, "KEYS *", "*1\r\n$4\r\nlive\r\n");
    EXPECT(f, "KEYS dead*", "*0\r\n");
    EXPECT(f, "SCAN 0 COUNT 100", "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n");
    EXPECT(f, "TYPE deadlist", "+none\r\n");
    EXPECT(f, "EXISTS dead deadlist live", ":1\r\n");
    EXPECT(f, "MGET dead live", "*2\r\n$-1\r\n$1\r\nv\r\n");
    EXPECT(f, "STRLEN dead", ":0\r\n");
    EXPECT(f, "RENAME dead x", "-ERR no such key\r\n");
    EXPECT(f, "DEL dead", ":0\r\n");
    EXPECT(f, "PERSIST dead", ":0\r\n");
    EXPECT(f, "EXPIRE dead 100", ":0\r\n");
    EXPECT(f, "MOVE dead 1", ":0\r\n");
    EXPECT(f, "COPY dead x", ":0\r\n");
    /* An expired value is also no obstacle to a type check. */
    EXPECT(f, "RPUSH gone a", ":1\r\n");
    EXPECT(f, "PEXPIRE gone 5", ":1\r\n");
    advance_ms(f, 5);
    EXPECT(f, "INCR gone", ":1\r\n");
    EXPECT(f, "TTL gone", ":-1\r\n");
}

static void test_randomkey_skips_expired(void **state)
{
    struct fixture *f = *state;
    char cmd[64];
    for (int i = 0; i < 20; i++) {
        snprintf(cmd, sizeof(cmd), "SET k%d v PX 100", i);
        EXPECT(f, cmd, "+OK\r\n");
    }
    EXPECT(f, "SET survivor v", "+OK\r\n");
    advance_ms(f, 100);
    for (int i = 0; i < 5; i++)
        EXPECT(f, "RANDOMKEY", "$8\r\nsurvivor\r\n");
    EXPECT(f, "DEL survivor", ":1\r\n");
    EXPECT(f, "SET last v PX 1", "+OK\r\n");
    advance_ms(f, 1);
    EXPECT(f, "RANDOMKEY", "$-1\r\n");
}

static void test_nx_conditions_ignore_expired(void **state)
{
    struct fixture *f = *state;
    EXPECT(f, "SET a old PX 50", "+OK\r\n");
    EXPECT(f, "SET b old PX 50", "+OK\r\n");
    EXPECT(f, "SET c old PX 50", "+OK\r\n");
    EXPECT(f, "SET d old PX 50", "+OK\r\n");
    EXPECT(f, "SET e old PX 50", "+OK\r\n");
    advance_ms(f, 50);
    EXPECT(f, "SET a new NX", "+OK\r\n");
    EXPECT(f, "SET b new XX", "$-1\r\n");
    EXPECT(f, "SETNX c new", ":1\r\n");
    EXPECT(f, "MSETNX d new e new", ":1\r\n");
    EXPECT(f, "RENAMENX a d", ":0\r\n"); /* d is live again now */
    EXPECT(f, "MGET a b c d e",
           "*5\r\n$3\r\nnew\r\n$-1\r\n$3\r\nnew\r\n$3\r\nnew\r\n$3\r\nnew\r\n");
    EXPECT(f, "TTL a", ":-1\r\n");
}

static void test_keepttl_of_expired_value(void **state)
{
    struct fixture *f = *state;
    EXPECT(f, "SET k v PX 10", "+OK\r\n");
    advance_ms(f, 10);
    /* The old TTL has passed: KEEPTTL must not resurrect it. */
    EXPECT(f, "SET k w KEEPTTL", "+OK\r\n");
    EXPECT(f, "GET k", "$1\r\nw\r\n");
    EXPECT(f, "TTL k", ":-1\r\n");
    EXPECT(f, "SET k v EX 10", "+OK\r\n");
    advance_ms(f, 4000);
    EXPECT(f, "SET k x KEEPTTL GET", "$1\r\nv\r\n");
    EXPECT(f, "PTTL k", ":6000\r\n");
}

static void test_which_writes_keep_the_ttl(void **state)
{
    struct fixture *f = *state;
    /* Redis keeps the TTL when a command modifies the value in place. */
    EXPECT(f, "SET n 1 EX 100", "+OK\r\n");
    EXPECT(f, "INCR n", ":2\r\n");
    EXPECT(f, "INCRBY n 5", ":7\r\n");
    EXPECT(f, "DECRBY n 2", ":5\r\n");
    EXPECT(f, "INCRBYFLOAT n 0.5", "$3\r\n5.5\r\n");
    EXPECT(f, "APPEND n 0", ":4\r\n");
    EXPECT(f, "SETRANGE n 0 9", ":4\r\n");
    EXPECT(f, "GETEX n", "$4\r\n9.50\r\n");
    EXPECT(f, "TTL n", ":100\r\n");
    /* ... and drops it when the value is replaced. */
    EXPECT(f, "GETSET n 1", "$4\r\n9.50\r\n");
    EXPECT(f, "TTL n", ":-1\r\n");
    EXPECT(f, "SETEX n 100 1", "+OK\r\n");
    EXPECT(f, "MSET n 2", "+OK\r\n");
    EXPECT(f, "TTL n", ":-1\r\n");
    EXPECT(f, "SETEX n 100 1", "+OK\r\n");
    EXPECT(f, "SET n 3", "+OK\r\n");
    EXPECT(f, "TTL n", ":-1\r\n");
}

static void test_times_in_the_past_delete(void **state)
{
    struct fixture *f = *state;
    EXPECT(f, "SET k v", "+OK\r\n");
    EXPECT(f, "EXPIREAT k 1700000000", ":1\r\n"); /* exactly now */
    EXPECT(f, "EXISTS k", ":0\r\n");
    EXPECT(f, "SET k v", "+OK\r\n");
    EXPECT(f, "PEXPIRE k 0", ":1\r\n");
    EXPECT(f, "EXISTS k", ":0\r\n");
    EXPECT(f, "SET k v", "+OK\r\n");
    EXPECT(f, "GETEX k PXAT 1700000000000", "$1\r\nv\r\n");
    EXPECT(f, "EXISTS k", ":0\r\n");
    EXPECT(f, "SET k v", "+OK\r\n");
    EXPECT(f, "GETEX k PXAT 1700000000001", "$1\r\nv\r\n");
    EXPECT(f, "PTTL k", ":1\r\n");
    /* GT/LT compare absolute times: a relative EXPIRE moves with the clock. */
    EXPECT(f, "EXPIRE k 100", ":1\r\n");
    advance_ms(f, 50000);
    EXPECT(f, "EXPIRE k 60 GT", ":1\r\n");
    EXPECT(f, "TTL k", ":60\r\n");
    EXPECT(f, "EXPIRE k 70 LT", ":0\r\n");
}

static void test_rename_and_move_carry_the_ttl(void **state)
{
    struct fixture *f = *state;
    EXPECT(f, "SET k v PX 3000", "+OK\r\n");
    EXPECT(f, "RENAME k k2", "+OK\r\n");
    EXPECT(f, "MOVE k2 1", ":1\r\n");
    EXPECT(f, "SELECT 1", "+OK\r\n");
    EXPECT(f, "COPY k2 k3", ":1\r\n");
    EXPECT(f, "PTTL k2", ":3000\r\n");
    EXPECT(f, "PTTL k3", ":3000\r\n");
    advance_ms(f, 3000);
    EXPECT(f, "EXISTS k2 k3", ":0\r\n");
    EXPECT(f, "SELECT 0", "+OK\r\n");
    EXPECT(f, "EXISTS k k2", ":0\r\n");
}

static void test_scan_walks_a_large_keyspace(void **state)
{
    struct fixture *f = *state;
    char cmd[64];
    for (int i = 0; i < 500; i++) {
        snprintf(cmd, sizeof(cmd), "SET key:%d v", i);
        EXPECT(f, cmd, "+OK\r\n");
    }
    /* Follow the cursor to the end: every key comes back at least once. */
    char *seen = calloc(500, 1);
    char cursor[32] = "0";
    int calls = 0;
    do {
        snprintf(cmd, sizeof(cmd), "SCAN %s COUNT 7", cursor);
        const char *r = run(f, cmd);
        size_t used;
        assert_int_equal(resp_scan(r, strlen(r), &used), 1);
        /* *2\r\n$<n>\r\n<cursor>\r\n*<m>\r\n then m bulks */
        const char *p = strchr(r + 4, '\n') + 1;
        size_t cl = strcspn(p, "\r");
        assert_true(cl < sizeof(cursor));
        memcpy(cursor, p, cl);
        cursor[cl] = '\0';
        p = strchr(p, '\n') + 1;
        long m = strtol(p + 1, NULL, 10);
        assert_true(m <= 7 * 10);
        p = strchr(p, '\n') + 1;
        for (long i = 0; i < m; i++) {
            p = strchr(p, '\n') + 1; /* skip $len */
            int id = atoi(p + 4);    /* "key:<id>" */
            assert_true(id >= 0 && id < 500);
            seen[id] = 1;
            p = strchr(p, '\n') + 1;
        }
        calls++;
    } while (strcmp(cursor, "0") != 0 && calls < 10000);
    assert_string_equal(cursor, "0");
    for (int i = 0; i < 500; i++)
        assert_int_equal(seen[i], 1);
    free(seen);
    /* One call with a large COUNT covers everything; MATCH filters after. */
    const char *r = run(f, "SCAN 0 MATCH key:49? COUNT 1000");
    assert_memory_equal(r, "*2\r\n$1\r\n0\r\n*10\r\n", 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ttl_rounding_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiretime_is_absolute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_keys_are_invisible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_randomkey_skips_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nx_conditions_ignore_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keepttl_of_expired_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_which_writes_keep_the_ttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_times_in_the_past_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename_and_move_carry_the_ttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_walks_a_large_keyspace, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
