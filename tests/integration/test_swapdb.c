/* test_swapdb.c - SWAPDB and WAIT across connections, compared with
 * redis-server 7.0.15 (transcripts, as test_block.c does).
 *
 * SWAPDB moves data, not clients: a WATCHed key of either database that
 * exists before or after the swap makes EXEC fail; a client blocked on a
 * key of either database is served when the key now holds what it waits
 * for. WAIT has no replica to wait for: 0 at once when asked for none,
 * else 0 when its timeout ends (on the server clock: checked under MOCK
 * CLOCK on mockredis alone). */
#include "it.h"

#include <string.h>

static void test_swapdb_watch(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "SELECT 1", "B", IT_NOWAIT},
        {'B', "SET k1 v", "B", IT_NOWAIT},
        /* watched in db 0, absent there, present in db 1: changed */
        {'A', "WATCH k1", "A", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},
        {'C', "SWAPDB 0 1", "C", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},
        /* absent on both sides: no change */
        {'A', "WATCH nothing", "A", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},
        {'C', "SWAPDB 0 1", "C", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},
        /* a database the swap does not involve: no change */
        {'A', "SELECT 5", "A", IT_NOWAIT},
        {'A', "SET k1 x", "A", IT_NOWAIT},
        {'A', "WATCH k1", "A", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "GET k1", "A", IT_NOWAIT},
        {'C', "SWAPDB 0 1", "C", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},
        /* swapping a database with itself changes nothing */
        {'A', "WATCH k1", "A", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "GET k1", "A", IT_NOWAIT},
        {'C', "SWAPDB 5 5", "C", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},
        /* the data moved, the clients did not */
        {'B', "GET k1", "B", IT_NOWAIT},
        {'C', "SELECT 0", "C", IT_NOWAIT},
        {'C', "GET k1", "C", IT_NOWAIT},
        {'C', "SWAPDB 0 1", "C", IT_NOWAIT},
        {'C', "GET k1", "C", IT_NOWAIT},
        {'B', "GET k1", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: *-1\\r\\n");
}

static void test_swapdb_blocked(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "SELECT 1", "B", IT_NOWAIT},
        {'B', "RPUSH list a b", "B", IT_NOWAIT},
        {'B', "SET str x", "B", IT_NOWAIT},
        {'A', "BLPOP list 0", "", -1, 1},
        {'C', "BZPOPMIN str 0", "", -1, 2},
        {'B', "SWAPDB 1 0", "BA", -1, 1},
        {'A', "LRANGE list 0 -1", "A", IT_NOWAIT},
        /* str came to db 0 as a string, which BZPOPMIN does not want; a
         * sorted set in db 1 (emptied by the swap) goes there next */
        {'B', "ZADD str 1 m", "B", IT_NOWAIT},
        {'B', "SWAPDB 0 1", "BC", -1, 0},
    };
    IT_DIFF(s, "A: *2\\r\\n$4\\r\\nlist\\r\\n$1\\r\\na\\r\\n");
}

static void test_wait(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "WAIT 0 0", "A", IT_NOWAIT},
        {'A', "WAIT 1 20", "A", IT_NOWAIT},
        {'A', "MULTI", "A", IT_NOWAIT},
        {'A', "WAIT 3 0", "A", IT_NOWAIT},
        {'A', "EXEC", "A", IT_NOWAIT},
        {'B', "WAIT 1 0", "", -1, 1}, /* forever: still waiting at the end */
    };
    IT_DIFF(s, "A: *1\\r\\n:0\\r\\n");
}

/* The timeout is on the server clock: a virtual clock ends it. */
static void test_wait_virtual_clock(void **state)
{
    (void)state;
    struct mh_conn a, b;
    struct mh_server *s = it_mock_clock(&a, &b);
    it_line_send(&a, "WAIT 2 5000");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 4999", ":1004999\r\n");
    it_line_expect(&b, "PING", "+PONG\r\n"); /* the timeout pass ran: not yet */
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1", ":1005000\r\n");
    it_line_reply(&a, ":0\r\n");
    it_wait_info(&b, "blocked_clients:", 0);
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swapdb_watch),
        cmocka_unit_test(test_swapdb_blocked),
        cmocka_unit_test(test_wait),
        cmocka_unit_test(test_wait_virtual_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
