/* test_slowlog.c - the slow log of blocking commands, across connections.
 *
 * A blocking command is logged when it is served, after the command that
 * served it, and never when it times out; both servers
 * run the same script and their transcripts must be identical. The
 * entries are read through a script that keeps their arguments only
 * (ids, times, durations and addresses vary), leaving out the INFO the
 * test runner polls with. */
#include "it.h"

#include <stdlib.h>

#define ARGS_OF_SLOWLOG                                                                            \
    "EVAL \"local t = {} for _, e in ipairs(redis.call('slowlog', 'get', -1)) do "                 \
    "if string.upper(e[4][1]) ~= 'INFO' then table.insert(t, e[4]) end end return t\" 0"

static void test_blocked_logged_when_served(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "CONFIG SET slowlog-log-slower-than 0", "B", IT_NOWAIT},
        {'B', "SLOWLOG RESET", "B", IT_NOWAIT},
        {'A', "BLPOP k 0", "", -1, 1},
        {'B', ARGS_OF_SLOWLOG, "B", IT_NOWAIT},
        {'B', "RPUSH k v", "BA", -1, 0},
        {'C', "BLPOP gone 0.01", "C", IT_NOWAIT},
        {'B', ARGS_OF_SLOWLOG, "B", IT_NOWAIT},
        {'B', "CONFIG SET slowlog-log-slower-than 10000", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "$5\\r\\nRPUSH\\r\\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocked_logged_when_served),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
