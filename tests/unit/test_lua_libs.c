/* test_lua_libs.c - unit tests of lua_cmsgpack.c and lua_struct.c in a
 * bare lua_State (the standard libraries, then the two modules opened the
 * way an engine opens them).
 *
 * The cases and their expected results live in lua_libs_cases.txt: each
 * expected line is what redis-server 7.0.15 answered to the same
 * expression, run through the same prelude (lua_libs_prelude.lua) by
 * scripts/lua-libs-expect.py. The chunk is named "@user_script" as Redis
 * names a script's, so error positions read the same. A cmocka test runs
 * one "[section]" of the file and reports every case that differs.
 *
 * The tests written here in C cover what a script cannot see: what the
 * openers leave on the stack, and that the pack buffer is released (the
 * ASan and valgrind runs of this binary check for leaks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_libs.h"

#ifndef LUA_LIBS_DIR
#error "LUA_LIBS_DIR (tests/unit) must be defined by the build"
#endif

/* The whole of a file, NUL-terminated; fails the test when unreadable. */
static char *read_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", LUA_LIBS_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The prelude as one line: its lines trimmed, comments and blank lines
 * dropped, joined with spaces (as scripts/lua-libs-expect.py does). */
static char *load_prelude(void)
{
    char *text = read_file("lua_libs_prelude.lua");
    char *out = malloc(strlen(text) + 1);
    assert_non_null(out);
    size_t len = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\r'))
            n--;
        if (n == 0 || strncmp(line, "--", 2) == 0)
            continue;
        if (len > 0)
            out[len++] = ' ';
        memcpy(out + len, line, n);
        len += n;
    }
    out[len] = '\0';
    free(text);
    return out;
}

static lua_State *new_state(void)
{
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    lua_pushcfunction(L, luaopen_cmsgpack);
    lua_call(L, 0, 0);
    lua_pushcfunction(L, luaopen_struct);
    lua_call(L, 0, 0);
    return L;
}

/* Runs prelude + "return res(pcall(function() return EXPR end))" and
 * returns its text (malloc'ed), or the load/run error. */
static char *run_case(lua_State *L, const char *prelude, const char *expr)
{
    static const char open[] = " return res(pcall(function() return ";
    static const char close[] = " end))";
    size_t n = strlen(prelude) + sizeof open + strlen(expr) + sizeof close;
    char *script = malloc(n);
    assert_non_null(script);
    snprintf(script, n, "%s%s%s%s", prelude, open, expr, close);
    int rc = luaL_loadbuffer(L, script, strlen(script), "@user_script");
    if (rc == 0)
        rc = lua_pcall(L, 0, 1, 0);
    free(script);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    char *out = malloc(len + 32);
    assert_non_null(out);
    snprintf(out, len + 32, "%s%s", rc ? "(script failed) " : "", s ? s : "(not a string)");
    lua_settop(L, 0);
    return out;
}

/* Runs every case of section `name`; fails after reporting each one whose
 * result differs from Redis's. */
static void run_section(const char *name)
{
    char *cases = read_file("lua_libs_cases.txt");
    char *prelude = load_prelude();
    lua_State *L = new_state();
    char header[128];
    snprintf(header, sizeof header, "[%s]", name);
    int in = 0, ran = 0, failed = 0;
    const char *expr = NULL;
    for (char *line = strtok(cases, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '[') {
            in = strcmp(line, header) == 0;
            continue;
        }
        if (!in)
            continue;
        if (strncmp(line, "> ", 2) == 0) {
            expr = line + 2;
        } else if (strncmp(line, "= ", 2) == 0 && expr) {
            char *got = run_case(L, prelude, expr);
            if (strcmp(got, line + 2) != 0) {
                print_error("case: %s\n  redis:  %s\n  ours:   %s\n", expr, line + 2, got);
                failed++;
            }
            free(got);
            ran++;
            expr = NULL;
        }
    }
    lua_close(L);
    free(prelude);
    free(cases);
    if (ran == 0)
        fail_msg("no case in section %s", name);
    assert_int_equal(failed, 0);
}

#define SECTION_TEST(name)                                                                         \
    static void test_##name(void **state)                                                          \
    {                                                                                              \
        (void)state;                                                                               \
        run_section(#name);                                                                        \
    }
SECTION_TEST(cmsgpack_pack_scalars)
SECTION_TEST(cmsgpack_pack_tables)
SECTION_TEST(cmsgpack_pack_errors)
SECTION_TEST(cmsgpack_unpack)
SECTION_TEST(cmsgpack_unpack_errors)
SECTION_TEST(cmsgpack_unpack_one_limit)
SECTION_TEST(cmsgpack_library)
SECTION_TEST(struct_pack)
SECTION_TEST(struct_pack_errors)
SECTION_TEST(struct_unpack)
SECTION_TEST(struct_unpack_errors)
SECTION_TEST(struct_size)
SECTION_TEST(struct_library)

/* Each opener leaves its table on the stack, returns 1 and sets the
 * global of the same name. */
static void test_openers(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    assert_int_equal(luaopen_cmsgpack(L), 1);
    assert_int_equal(lua_gettop(L), 1);
    assert_true(lua_istable(L, -1));
    lua_getglobal(L, "cmsgpack");
    assert_true(lua_rawequal(L, -1, -2));
    lua_settop(L, 0);
    assert_int_equal(luaopen_struct(L), 1);
    assert_int_equal(lua_gettop(L), 1);
    lua_getglobal(L, "struct");
    assert_true(lua_rawequal(L, -1, -2));
    lua_close(L);
}

/* pack's buffer: reused after an error in the middle of an encoding, grown
 * past what it keeps and released, and freed with the state (a leak shows
 * in the ASan and valgrind runs). */
static void test_pack_buffer_lifetime(void **state)
{
    (void)state;
    lua_State *L = new_state();
    static const char script[] = "local t = {} for i = 1, 3999 do t[i] = i end t[4000] = {1}\n"
                                 "assert(not pcall(cmsgpack.pack, unpack(t)))\n"
                                 "assert(cmsgpack.pack('a', 1) == '\\161a\\1')\n"
                                 "local big = cmsgpack.pack(string.rep('x', 200000))\n"
                                 "assert(#big == 200005)\n"
                                 "assert(cmsgpack.unpack(big) == string.rep('x', 200000))\n"
                                 "assert(cmsgpack.pack({1, 2}) == '\\146\\1\\2')\n"
                                 "local s = cmsgpack.pack(string.rep('y', 1000))\n"
                                 "return #s\n";
    assert_int_equal(luaL_loadstring(L, script), 0);
    if (lua_pcall(L, 0, 1, 0) != 0)
        fail_msg("%s", lua_tostring(L, -1));
    assert_int_equal(lua_tointeger(L, -1), 1003);
    lua_close(L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmsgpack_pack_scalars),
        cmocka_unit_test(test_cmsgpack_pack_tables),
        cmocka_unit_test(test_cmsgpack_pack_errors),
        cmocka_unit_test(test_cmsgpack_unpack),
        cmocka_unit_test(test_cmsgpack_unpack_errors),
        cmocka_unit_test(test_cmsgpack_unpack_one_limit),
        cmocka_unit_test(test_cmsgpack_library),
        cmocka_unit_test(test_struct_pack),
        cmocka_unit_test(test_struct_pack_errors),
        cmocka_unit_test(test_struct_unpack),
        cmocka_unit_test(test_struct_unpack_errors),
        cmocka_unit_test(test_struct_size),
        cmocka_unit_test(test_struct_library),
        cmocka_unit_test(test_openers),
        cmocka_unit_test(test_pack_buffer_lifetime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
