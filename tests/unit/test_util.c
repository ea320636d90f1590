/* test_util.c - unit tests of util.c: Redis's number parsing and
 * formatting, and its glob matcher.
 *
 * Each expectation was checked against redis-server 7.0.15 through the
 * command that uses the function (INCRBY for util_str2ll, INCRBYFLOAT for
 * util_str2ld and util_ld2str, KEYS for util_glob), so a change in util.c
 * that drifts from Redis fails here before it shows up as a differential
 * mismatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "util.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static const char NUL12[3] = {'1', '\0', '2'}; /* "1", a NUL, "2" */

/* ---- util_str2ll ------------------------------------------------------------ */

static void ll_ok(const char *s, size_t n, long long want)
{
    long long v = 12345;
    assert_int_equal(util_str2ll(s, n, &v), 1);
    assert_true(v == want);
}

static void ll_bad(const char *s, size_t n)
{
    long long v = 12345;
    assert_int_equal(util_str2ll(s, n, &v), 0);
    assert_true(v == 12345); /* untouched on failure */
}

static void test_str2ll_accepts(void **state)
{
    (void)state;
    ll_ok(S("0"), 0);
    ll_ok(S("7"), 7);
    ll_ok(S("-7"), -7);
    ll_ok(S("1234567890"), 1234567890LL);
    ll_ok(S("9223372036854775807"), LLONG_MAX);
    ll_ok(S("-9223372036854775808"), LLONG_MIN);
    /* Only the first n bytes count. */
    ll_ok("123456", 3, 123);
}

static void test_str2ll_rejects(void **state)
{
    (void)state;
    ll_bad(S(""));
    ll_bad(S("-"));
    ll_bad(S("-0")); /* Redis: only "0" itself may start with 0 */
    ll_bad(S("01"));
    ll_bad(S("00"));
    ll_bad(S("+1"));
    ll_bad(S(" 1"));
    ll_bad(S("1 "));
    ll_bad(S("1.0"));
    ll_bad(S("1e3"));
    ll_bad(S("0x10"));
    ll_bad(S("abc"));
    ll_bad(NUL12, 3); /* an embedded NUL is just a bad byte */
    ll_bad(S("9223372036854775808"));
    ll_bad(S("-9223372036854775809"));
    ll_bad(S("18446744073709551616"));
    ll_bad(S("99999999999999999999"));
    ll_bad(S("123456789012345678901")); /* 21 chars */
}

/* ---- util_str2ld / util_str2d ------------------------------------------------- */

static void test_str2ld(void **state)
{
    (void)state;
    long double v;
    assert_int_equal(util_str2ld(S("1.5"), &v), 1);
    assert_true(v == 1.5L);
    assert_int_equal(util_str2ld(S("-2"), &v), 1);
    assert_true(v == -2.0L);
    assert_int_equal(util_str2ld(S("5.0e3"), &v), 1);
    assert_true(v == 5000.0L);
    assert_int_equal(util_str2ld(S("0x10"), &v), 1); /* strtold reads hex, so does Redis */
    assert_true(v == 16.0L);
    assert_int_equal(util_str2ld(S("+3"), &v), 1);
    assert_true(v == 3.0L);
    assert_int_equal(util_str2ld(S("inf"), &v), 1);   /* INCRBYFLOAT then refuses the result */
    assert_int_equal(util_str2ld(S("1e400"), &v), 1); /* fits a long double */
    assert_true(v > 1e300L);

    assert_int_equal(util_str2ld(S(""), &v), 0);
    assert_int_equal(util_str2ld(S(" 1"), &v), 0);
    assert_int_equal(util_str2ld(S("1 "), &v), 0);
    assert_int_equal(util_str2ld(S("1x"), &v), 0);
    assert_int_equal(util_str2ld(S("nan"), &v), 0);
    assert_int_equal(util_str2ld(S("1e5000"), &v), 0);  /* overflows to infinity */
    assert_int_equal(util_str2ld(S("1e-5000"), &v), 0); /* underflows to zero */
    assert_int_equal(util_str2ld(NUL12, 3, &v), 0);
}

/* Redis parses into a 5120-byte buffer that must also hold the NUL: 5119
 * characters are the most it reads. */
static void test_str2ld_length_limit(void **state)
{
    (void)state;
    static char num[5121];
    long double v = 0;
    memset(num, '0', sizeof(num));
    num[5118] = '1';
    assert_int_equal(util_str2ld(num, 5119, &v), 1);
    assert_true(v == 1.0L);
    num[5118] = '0';
    num[5119] = '1';
    assert_int_equal(util_str2ld(num, 5120, &v), 0);
}

static void test_str2d(void **state)
{
    (void)state;
    double d;
    assert_int_equal(util_str2d(S("3.25"), &d), 1);
    assert_true(d == 3.25);
    assert_int_equal(util_str2d(S("-inf"), &d), 1);
    assert_true(d < -1e308);
    assert_int_equal(util_str2d(S("1e400"), &d), 0); /* a double overflows here */
    assert_int_equal(util_str2d(S("nan"), &d), 0);
    assert_int_equal(util_str2d(S(" 1"), &d), 0);
    assert_int_equal(util_str2d(S(""), &d), 0);
}

/* ---- util_ld2str ------------------------------------------------------------- */

static void ld_is(long double v, const char *want)
{
    char out[5200];
    int n = util_ld2str(out, sizeof(out), v);
    assert_string_equal(out, want);
    assert_int_equal(n, (int)strlen(want));
}

static void test_ld2str(void **state)
{
    (void)state;
    ld_is(3.0L, "3");
    ld_is(0.0L, "0");
    ld_is(-0.0L, "0"); /* INCRBYFLOAT never answers "-0" */
    ld_is(1.5L, "1.5");
    ld_is(-10.25L, "-10.25");
    ld_is(10.5L + 0.1L, "10.6");
    ld_is(1e17L, "100000000000000000");
    ld_is(1.0L / 3.0L, "0.33333333333333333");
    ld_is(1e-5L, "0.00001");
    ld_is(1e-18L, "0"); /* below 17 decimals */
}

/* ---- util_glob ---------------------------------------------------------------- */

static int g(const char *pat, const char *s)
{
    return util_glob(pat, strlen(pat), s, strlen(s), 0);
}

static void test_glob_basics(void **state)
{
    (void)state;
    /* The matcher stops when the key runs out: "*" does not match an
     * empty key (KEYS * lists it only because KEYS skips matching for a
     * lone "*"; KEYS ** does not list it). */
    assert_false(g("*", ""));
    assert_false(g("**", ""));
    assert_true(g("*", "anything"));
    assert_true(g("", ""));
    assert_false(g("", "a"));
    assert_false(g("a", ""));
    assert_true(g("h?llo", "hello"));
    assert_false(g("h?llo", "hllo"));
    assert_true(g("h*llo", "hllo"));
    assert_true(g("h*llo", "heeeello"));
    assert_false(g("h*llo", "hell"));
    assert_true(g("a**", "a"));
    assert_true(g("a*b*c", "aXXbYYc"));
    assert_false(g("a*b*c", "aXXbYY"));
    assert_true(g("*a", "banana"));
    assert_false(g("*a", "bananas"));
    assert_false(g("abc", "ABC")); /* case matters by default */
}

static void test_glob_classes(void **state)
{
    (void)state;
    assert_true(g("h[ae]llo", "hallo"));
    assert_false(g("h[ae]llo", "hillo"));
    assert_true(g("h[^e]llo", "hallo"));
    assert_false(g("h[^e]llo", "hello"));
    assert_true(g("h[a-c]llo", "hbllo"));
    assert_false(g("h[a-c]llo", "hdllo"));
    assert_true(g("[b-a]", "a")); /* reversed ranges are swapped */
    assert_true(g("[b-a]", "b"));
    assert_true(g("[\\]]", "]"));
    /* An unterminated class ends at the pattern's end. */
    assert_true(g("[abc", "c"));
    assert_false(g("[abc", "cx"));
    assert_false(g("h[a-e", "hello"));
    assert_false(g("*[", "a["));
}

static void test_glob_escapes(void **state)
{
    (void)state;
    assert_true(g("h\\*llo", "h*llo"));
    assert_false(g("h\\*llo", "hello"));
    assert_true(g("\\?", "?"));
    assert_false(g("\\?", "x"));
    assert_true(g("a\\", "a\\")); /* a trailing backslash is literal */
}

/* Range ends compare as signed chars in Redis: bytes >= 0x80 sort below
 * ASCII. KEYS "[a-\xff]" on real Redis matches "a", "\xff" and "Z" but not
 * "b" or "\x80". */
static void test_glob_high_bytes(void **state)
{
    (void)state;
    assert_true(g("[a-\xff]", "a"));
    assert_true(g("[a-\xff]", "\xff"));
    assert_true(g("[a-\xff]", "Z"));
    assert_false(g("[a-\xff]", "b"));
    assert_false(g("[a-\xff]", "\x80"));
    assert_true(g("[\x80-\xff]", "\x80"));
    assert_true(g("[\x80-\xff]", "\x90"));
    assert_false(g("[\x80-\xff]", "a"));
    /* Binary-safe: a NUL inside the key is an ordinary byte. */
    assert_true(util_glob(S("a?b"), S("a\0b"), 0));
    assert_false(util_glob(S("a"), S("a\0"), 0));
}

static void test_glob_nocase(void **state)
{
    (void)state;
    assert_true(util_glob(S("HeLLo"), S("hello"), 1));
    assert_true(util_glob(S("h[A-C]llo"), S("hbllo"), 1));
    assert_true(util_glob(S("[m-M]"), S("m"), 1));
    /* Ends are swapped before lowering: [Z-a] becomes 'z'..'a', empty. */
    assert_false(util_glob(S("[Z-a]"), S("z"), 1));
    assert_false(util_glob(S("[Z-a]"), S("a"), 1));
    assert_false(util_glob(S("HeLLo"), S("hello"), 0));
}

/* Malformed patterns read as Redis 7.0.15 reads them (each checked with
 * KEYS on redis-server): an unterminated class runs to the pattern's end,
 * "[]" is an empty class that never matches, "[^]" and even "[^" match any
 * one byte, a range needs three bytes ("[a-" is 'a' or '-'), a range may
 * end in ']' and then leaves the class open. */
static void test_glob_malformed(void **state)
{
    (void)state;
    assert_true(g("[^", "x"));
    assert_false(g("[^", "xy"));
    assert_false(g("[^", ""));
    assert_false(g("[", "["));
    assert_false(g("[]", "]"));
    assert_false(g("[]]", "]"));
    assert_true(g("[^]", "x"));
    assert_true(g("[^]a]", "xa]"));
    assert_true(g("[a-", "a"));
    assert_true(g("[a-", "-"));
    assert_true(g("[a-]", "^")); /* the range ']'..'a', swapped */
    assert_true(g("[a-]", "]"));
    assert_false(g("[a-]", "-"));
    assert_true(g("[-a]", "-"));
    assert_false(g("[]-a]", "-"));
    assert_true(g("[a-c-e]", "-")); /* after a range, '-' is a byte again */
    assert_true(g("[a-c-e]", "e"));
    assert_false(g("[a-c-e]", "d"));
    assert_true(g("[\\", "\\")); /* a backslash ending the class is literal */
    assert_true(g("[\\]", "]")); /* an escaped ']' leaves the class open */
    assert_false(g("[^\\", "\\"));
    assert_true(g("[^\\", "x"));
    assert_true(g("\\", "\\"));
    assert_true(g("*\\", "ab\\"));
    assert_false(g("a[", "ax"));
}

/* nocase lowers A-Z only, and not a byte escaped inside a class (CONFIG GET
 * on redis-server: "[\M]axclients" finds nothing, "\Maxclient?" and
 * "[M]axclients" find maxclients). */
static void test_glob_nocase_escapes(void **state)
{
    (void)state;
    assert_false(util_glob(S("[\\M]axclients"), S("maxclients"), 1));
    assert_true(util_glob(S("[M]axclients"), S("maxclients"), 1));
    assert_true(util_glob(S("\\Maxclient?"), S("maxclients"), 1));
    assert_true(util_glob(S("[L-N]axclients"), S("maxclients"), 1));
    assert_false(util_glob(S("[^m]axclients"), S("maxclients"), 1));
    assert_false(util_glob(S("\xc9"), S("\xe9"), 1)); /* no Latin-1 case folding */
}

/* With nocase Redis lowers range bounds and the byte with tolower() on a
 * signed char; glibc answers c + 256 for bytes 0x80..0xfe and leaves 0xff
 * (-1, EOF) as it is. So "[\x80-M]" becomes 128..'m' and matches nothing,
 * while "[\xff-M]" is -1..'m' (CONFIG GET "[\x80-M]axclients" finds nothing
 * on redis-server, "[\xff-M]axclients" and "[M-\xff]axclients" find
 * maxclients). The byte side follows from the same tolower(). */
static void test_glob_nocase_high_bytes(void **state)
{
    (void)state;
    assert_false(util_glob(S("[\x80-M]"), S("m"), 1));
    assert_true(util_glob(S("[\x80-m]"), S("m"), 0));
    assert_false(util_glob(S("[\x80-m]"), S("m"), 1));
    assert_false(util_glob(S("[\xfe-M]"), S("m"), 1));
    assert_false(util_glob(S("[M-\x80]"), S("m"), 1));
    assert_true(util_glob(S("[\xff-M]"), S("m"), 1));
    assert_true(util_glob(S("[M-\xff]"), S("m"), 1));
    assert_true(util_glob(S("[\x80-\xfe]"), S("\x90"), 1));
    assert_false(util_glob(S("[\x80-\xfe]"), S("\xff"), 1));
    assert_false(util_glob(S("[\x80-\xff]"), S("\x90"), 1)); /* 128..-1: empty */
    assert_true(util_glob(S("[\x80-\xff]"), S("\x90"), 0));
    assert_true(util_glob(S("\xe9"), S("\xe9"), 1));
    assert_true(util_glob(S("[\xe9]"), S("\xe9"), 1));
}

/* "a*a*...*a*b" (n stars) against s, a NUL-terminated string. */
static int stars_b(int n, const char *s)
{
    char pat[256];
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        pat[len++] = 'a';
        pat[len++] = '*';
    }
    pat[len++] = 'b';
    return util_glob(pat, len, s, strlen(s), 0);
}

/* Issue 8: a matcher that retries every split of every '*' takes time
 * exponential in the stars: the 20-star case never returned (its KEYS froze
 * the server). Failing here means ctest's TIMEOUT, not a slow assertion:
 * each case below takes microseconds when matching is O(pattern * string). */
static void test_glob_many_stars(void **state)
{
    (void)state;
    const char *a40 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    assert_false(stars_b(9, a40));
    assert_false(stars_b(10, a40));
    assert_false(stars_b(20, a40));
    assert_false(stars_b(100, a40));
    assert_true(stars_b(20, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
    assert_true(stars_b(20, "aaaaaaaaaaaaaaaaaaaaaabaaaaaaaaaaaaaaaaaab"));
    assert_false(stars_b(20, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaba"));

    /* Stars that are tried against a long string, with a class each. */
    static char big[100001];
    memset(big, 'a', sizeof(big) - 1);
    char pat[200];
    size_t len = 0;
    for (int i = 0; i < 30; i++) {
        memcpy(pat + len, "*[a]", 4);
        len += 4;
    }
    pat[len++] = 'b';
    assert_false(util_glob(pat, len, big, sizeof(big) - 1, 0));
    assert_true(util_glob(pat, len - 1, big, sizeof(big) - 1, 0));
}

/* Redis 7.0.15 bounds its matcher: reaching a 1001st '*' (one that does not
 * end the pattern) is "no match", whatever follows. Checked with KEYS on
 * redis-server: "*a" x 1000 matches 1001 a's, "*a" x 1001 does not, and
 * neither does it with a '*' appended; "*a" x 1000 then "*" does. */
static void test_glob_star_bound(void **state)
{
    (void)state;
    static char s[2001], p[4001];
    memset(s, 'a', sizeof(s));
    for (size_t i = 0; i < sizeof(p) - 1; i += 2) {
        p[i] = '*';
        p[i + 1] = 'a';
    }
    p[4000] = '*';
    assert_true(util_glob(p, 2000, s, 1001, 0));  /* 1000 x "*a" */
    assert_false(util_glob(p, 2002, s, 1001, 0)); /* 1001 x "*a" */
    assert_false(util_glob(p, 2002, s, 2001, 0));
    assert_true(util_glob(p, 2001, s, 1001, 0));  /* 1000 x "*a", "*" */
    assert_false(util_glob(p, 2003, s, 1001, 0)); /* 1001 x "*a", "*" */
    /* A run of stars is one: 5,000 of them are no deeper than one. */
    static char run[5002];
    memset(run, '*', 5000);
    run[5000] = 'a';
    assert_true(util_glob(run, 5001, s, 10, 0));
    assert_true(util_glob(run, 5000, s, 10, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str2ll_accepts),
        cmocka_unit_test(test_str2ll_rejects),
        cmocka_unit_test(test_str2ld),
        cmocka_unit_test(test_str2ld_length_limit),
        cmocka_unit_test(test_str2d),
        cmocka_unit_test(test_ld2str),
        cmocka_unit_test(test_glob_basics),
        cmocka_unit_test(test_glob_classes),
        cmocka_unit_test(test_glob_escapes),
        cmocka_unit_test(test_glob_high_bytes),
        cmocka_unit_test(test_glob_nocase),
        cmocka_unit_test(test_glob_malformed),
        cmocka_unit_test(test_glob_nocase_escapes),
        cmocka_unit_test(test_glob_many_stars),
        cmocka_unit_test(test_glob_star_bound),
        cmocka_unit_test(test_glob_nocase_high_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
