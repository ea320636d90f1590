/* test_scn_check.c - what `mockredis check` knows beyond the language
 * (scn_check.c): Redis's command table, the rules that never fire, the
 * setup block on a scratch core. The first message of each kind of broken
 * file is pinned by the corpus (tests/scenarios/broken/, check-broken.sh);
 * here: what must pass, every problem reported, and the generated table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "core.h"
#include "db.h"
#include "mr_err.h"
#include "scn.h"
#include "scn_check.h"
#include "util.h"

/* Parses text (which must parse) and checks it; the diagnostics go to diag. */
static int check(const char *text, struct buf *diag)
{
    struct scn *s = NULL;
    buf_clear(diag);
    assert_int_equal(scn_parse(text, strlen(text), "t.scn", &s, diag), 0);
    int rc = scn_check(s, 0, diag);
    scn_free(s);
    return rc;
}

/* What is right must pass: commands mockredis does not implement, module
 * commands, globs that match something, patterns shorter than the command,
 * variadic commands, strict steps that recorded an error, conditions that
 * can hold together, rules made distinct by a condition or a pattern. */
static void test_valid_passes(void **state)
{
    (void)state;
    struct buf diag = BUF_INIT;
    const char *text =
        "clock virtual\n"
        "setup\n    SET user:1 ann\n    RPUSH jobs a b\n    CONFIG SET timeout 0\nend\n"
        "on CLIENT PAUSE * do reply OK\n"
        "on FT.SEARCH idx * do reply (empty array)\n"
        "on H* do pass\n"
        "on CONFIG * maxmemory do reply OK\n"
        "on GET user:1 nth 2 do reply (nil)\n"
        "on GET do pass\n" /* after the narrower rule: no shadow */
        "on MGET a b c d e f g do reply OK\n"
        "on SET k v nth 4 every 2 do pass\n"
        "on SET k v from 2 times 3 do pass\n"
        "on XADD s * f v do reply \"1-1\"\n" /* Redis has it, mockredis may not */
        "on connect nth 1 do delay 1ms\n"
        "on connect do delay 2ms\n"
        "at 1s do run SET k v\n"
        "strict\n"
        "    > CLIENT SETINFO lib-name x\n"                /* Redis 7.0 has no SETINFO... */
        "    < (error) ERR unknown subcommand 'SETINFO'\n" /* ...as recorded */
        "    > GET user:1\n    < \"ann\"\nend\n"
        "expect commands GET user:* >= 1\n"
        "expect commands Z* >= 0\n"
        "on EXISTS lock:* from script do reply 0\n"
        "on EXISTS lock:* not from script nth 2 do pass\n" /* not covered: a condition */
        "on EVAL* from script do pass\n"                   /* a glob: no proof */
        "expect script-calls GET lock:* == 1\n"
        "expect scripts >= 1\n";
    int rc = check(text, &diag);
    assert_string_equal(diag.p ? diag.p : "", "");
    assert_int_equal(rc, 0);
    buf_free(&diag);
}

/* Every failing setup line, each at its line and column, in line order;
 * the caller's keyspace is never touched (a scratch core runs it). */
static void test_setup_every_line(void **state)
{
    (void)state;
    struct buf diag = BUF_INIT;
    struct core core;
    cmd_init();
    core_init(&core);
    const char *text = "setup\n"
                       "    SET a\n"   /* 2: arity, found without running it */
                       "    SET s x\n" /* runs */
                       "  LPUSH s y\n" /* 4: WRONGTYPE */
                       "    GETT s\n"  /* 5: unknown */
                       "    INCR s\n"  /* 6: not an integer */
                       "end\n";
    assert_int_equal(check(text, &diag), MR_EPARSE);
    const char *lines[] = {"t.scn:2:5: ", "t.scn:4:3: setup command failed: WRONGTYPE",
                           "t.scn:5:5: unknown command 'GETT' (did you mean 'GET'?)\n",
                           "t.scn:6:5: setup command failed: ERR"};
    const char *p = diag.p;
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        assert_memory_equal(p, lines[i], strlen(lines[i]));
        p = strchr(p, '\n') + 1;
    }
    assert_string_equal(p, "");
    assert_int_equal(db_size(&core.db[0]), 0);
    core_destroy(&core);
    buf_free(&diag);
}

/* A file with many problems gets them all, sorted by position. */
static void test_all_reported_sorted(void **state)
{
    (void)state;
    struct buf diag = BUF_INIT;
    const char *text = "expect commands GTE == 0\n"
                       "on GET user:1 nht 2 do reply (nil)\n"
                       "setup\n    SETT a b\nend\n"
                       "on * do pass\n"
                       "on GET k do reply 1\n";
    assert_int_equal(check(text, &diag), MR_EPARSE);
    const char *p = diag.p;
    int n = 0, last = 0;
    while (*p) {
        int line = atoi(p + strlen("t.scn:"));
        assert_true(line >= last);
        last = line;
        n++;
        p = strchr(p, '\n') + 1;
    }
    assert_int_equal(n, 4);
    assert_non_null(strstr(diag.p, "t.scn:2:15: unknown condition 'nht' (did you mean 'nth'?)"));
    assert_non_null(strstr(diag.p, "t.scn:7:4: rule 2 (line 6) has no condition"));
    buf_free(&diag);
}

/* Rules on script calls that can never fire: "from script" with "not
 * from script", and "from script" on a command Redis refuses inside a
 * script (noscript: EVAL, MULTI, ...; MOCK has its own message). */
static void test_script_rules_never_fire(void **state)
{
    (void)state;
    struct buf diag = BUF_INIT;
    const char *text = "on GET k not from script from script do pass\n"
                       "on MULTI from script do reply OK\n"
                       "on evalsha * from script do reply OK\n"
                       "on MULTI not from script do reply OK\n"
                       "on FUNCTION LOAD from script do reply OK\n"
                       "on FUNCTION * from script do reply OK\n"
                       "expect script-calls GTE == 0\n";
    assert_int_equal(check(text, &diag), MR_EPARSE);
    assert_string_equal(diag.p,
                        "t.scn:1:26: no command can meet all the conditions of this rule "
                        "together: this rule can never fire\n"
                        "t.scn:2:4: scripts cannot call MULTI (Redis refuses it inside a script): "
                        "with 'from script' this rule can never fire\n"
                        "t.scn:3:4: scripts cannot call evalsha (Redis refuses it inside a "
                        "script): with 'from script' this rule can never fire\n"
                        "t.scn:5:4: scripts cannot call FUNCTION LOAD (Redis refuses it inside "
                        "a script): with 'from script' this rule can never fire\n"
                        "t.scn:7:21: unknown command 'GTE' (did you mean 'GET'?)\n");
    buf_free(&diag);
}

/* The generated table is sorted (the subcommand lookup relies on it) and
 * knows every command mockredis implements with the arity our rows state
 * (both come from redis-server 7.0.15), MOCK, ours, excepted. */
static void cmp_row(const struct cmd_def *d, void *ud)
{
    (void)ud;
    if (strcmp(d->name, "mock") == 0)
        return;
    int found = 0;
    for (int i = 0; i < scn_ncmdnames; i++) {
        if (strcmp(scn_cmdnames[i].name, d->name) == 0) {
            assert_int_equal(scn_cmdnames[i].arity, d->arity);
            found = 1;
        }
    }
    if (!found)
        fail_msg("command %s is missing from scn_cmdnames.c", d->name);
}

static void test_cmdnames_table(void **state)
{
    (void)state;
    int top = 0;
    for (int i = 0; i < scn_ncmdnames; i++) {
        if (i > 0)
            assert_true(strcmp(scn_cmdnames[i - 1].name, scn_cmdnames[i].name) < 0);
        top += strchr(scn_cmdnames[i].name, '|') == NULL;
    }
    assert_int_equal(top, 240); /* Redis 7.0.15's COMMAND COUNT */
    cmd_each(cmp_row, NULL);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(util_edit_distance("nht", 3, "nth", 3), 1); /* a swap */
    assert_int_equal(util_edit_distance("GTE", 3, "get", 3), 1);
    assert_int_equal(util_edit_distance("", 0, "abc", 3), 3);
    assert_int_equal(util_edit_distance("kitten", 6, "sitting", 7), 3);
    const char *words[] = {"nth", "from", "times"};
    assert_int_equal(util_nearest("tims", 4, words, 3), 2);
    assert_int_equal(util_nearest("nth", 3, words, 3), -1); /* itself: no hint */
    assert_int_equal(util_nearest("zzzz", 4, words, 3), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_passes),        cmocka_unit_test(test_setup_every_line),
        cmocka_unit_test(test_all_reported_sorted), cmocka_unit_test(test_script_rules_never_fire),
        cmocka_unit_test(test_cmdnames_table),      cmocka_unit_test(test_edit_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
