/* test_bits.c - unit tests of bits.c: counting, searching, field reads
 * and writes, and BITFIELD's overflow rules.
 *
 * Counting and searching are checked against a naive bit-by-bit model on
 * every range of a few patterned buffers (the word-at-a-time paths need
 * ranges longer than 64 bits, at every alignment). The overflow cases were
 * each checked against redis-server 7.0.15 through BITFIELD (the reply
 * noted next to each), so a drift from Redis fails here before it shows as
 * a differential mismatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bits.h"

/* The naive model: bit i of p, bit 0 being the top bit of byte 0. */
static int model_bit(const unsigned char *p, uint64_t i)
{
    return (p[i / 8] >> (7 - i % 8)) & 1;
}

/* Buffers with long runs of zeros and ones, so searches cross whole words
 * that must be skipped, plus a few isolated bits. */
static void fill(unsigned char *p, size_t n, unsigned pattern)
{
    for (size_t i = 0; i < n; i++) {
        switch (pattern) {
        case 0: p[i] = (unsigned char)(i * 37 + 11); break;
        case 1: p[i] = 0; break;
        case 2: p[i] = 0xFF; break;
        case 3: p[i] = i == 21 ? 0x10 : 0; break;    /* one set bit: 21*8+3 */
        case 4: p[i] = i == 19 ? 0xF7 : 0xFF; break; /* one clear bit: 19*8+4 */
        default: p[i] = i < 12 ? 0 : 0xFF; break;
        }
    }
}

static void test_count_matches_model(void **state)
{
    (void)state;
    enum { N = 24 };
    unsigned char p[N];
    for (unsigned pat = 0; pat < 6; pat++) {
        fill(p, N, pat);
        for (uint64_t first = 0; first < 8 * N; first++) {
            uint64_t want = 0;
            for (uint64_t last = first; last < 8 * N; last++) {
                want += (uint64_t)model_bit(p, last);
                assert_int_equal(bits_count(p, first, last), want);
            }
        }
    }
}

static void test_find_matches_model(void **state)
{
    (void)state;
    enum { N = 24 };
    unsigned char p[N];
    for (unsigned pat = 0; pat < 6; pat++) {
        fill(p, N, pat);
        for (int bit = 0; bit <= 1; bit++) {
            for (uint64_t first = 0; first < 8 * N; first++) {
                for (uint64_t last = first; last < 8 * N; last++) {
                    int64_t want = -1;
                    for (uint64_t i = first; i <= last && want < 0; i++)
                        if (model_bit(p, i) == bit)
                            want = (int64_t)i;
                    assert_int_equal(bits_find(p, first, last, bit), want);
                }
            }
        }
    }
}

static void test_find_single_bits(void **state)
{
    (void)state;
    unsigned char p[24];
    fill(p, sizeof(p), 3);
    assert_int_equal(bits_find(p, 0, 191, 1), 21 * 8 + 3);
    assert_int_equal(bits_find(p, 172, 191, 1), -1);
    assert_int_equal(bits_find(p, 0, 170, 1), -1);
    fill(p, sizeof(p), 4);
    assert_int_equal(bits_find(p, 0, 191, 0), 19 * 8 + 4);
    assert_int_equal(bits_find(p, 0, 191, 1), 0);
}

static void test_get_put(void **state)
{
    (void)state;
    unsigned char p[10];
    memset(p, 0, sizeof(p));
    /* "\x80" holds u1 1 at 0, u8 128 at 0, i8 -128 at 0. */
    p[0] = 0x80;
    assert_int_equal(bits_get(p, 1, 0, 1), 1);
    assert_int_equal(bits_get(p, 1, 0, 8), 128);
    assert_int_equal(bits_signed(bits_get(p, 1, 0, 8), 8), -128);
    /* Bits past the string read as 0: u16 at 0 of "\x80" is 0x8000. */
    assert_int_equal(bits_get(p, 1, 0, 16), 0x8000);
    assert_int_equal(bits_get(p, 1, 4, 8), 0);
    /* Writes land MSB-first and leave the neighbours alone. */
    memset(p, 0xFF, sizeof(p));
    bits_put(p, 5, 9, 0);
    assert_int_equal(p[0], 0xF8);
    assert_int_equal(p[1], 0x03);
    assert_int_equal(p[2], 0xFF);
    bits_put(p, 5, 9, 0x155);
    assert_int_equal(bits_get(p, sizeof(p), 5, 9), 0x155);
    /* A 64-bit field at an odd offset spans 9 bytes. */
    memset(p, 0, sizeof(p));
    bits_put(p, 3, 64, UINT64_C(0x8123456789ABCDEF));
    assert_true(bits_get(p, sizeof(p), 3, 64) == UINT64_C(0x8123456789ABCDEF));
    assert_true(bits_signed(bits_get(p, sizeof(p), 3, 64), 64) < 0);
    assert_int_equal(bits_signed(1, 1), -1);
    assert_int_equal(bits_signed(0x7F, 8), 127);
}

static void expect_u(uint64_t value, int64_t incr, unsigned width, enum bits_overflow ow, int dir,
                     uint64_t want)
{
    uint64_t out = 12345;
    assert_int_equal(bits_add_unsigned(value, incr, width, ow, &out), dir);
    assert_true(out == want);
}

static void expect_s(int64_t value, int64_t incr, unsigned width, enum bits_overflow ow, int dir,
                     int64_t want)
{
    int64_t out = 12345;
    assert_int_equal(bits_add_signed(value, incr, width, ow, &out), dir);
    assert_true(out == want);
}

static void test_unsigned_overflow(void **state)
{
    (void)state;
    expect_u(250, 5, 8, BITS_WRAP, 0, 255);
    expect_u(250, 10, 8, BITS_WRAP, 1, 4);
    expect_u(250, 10, 8, BITS_SAT, 1, 255);
    expect_u(250, 10, 8, BITS_FAIL, 1, 250);
    expect_u(3, -4, 8, BITS_WRAP, -1, 255);
    expect_u(3, -4, 8, BITS_SAT, -1, 0);
    /* SET u8 0 -1: 2^64-1 is above 255, SAT gives 255 (Redis: 255). */
    expect_u(UINT64_MAX, 0, 8, BITS_SAT, 1, 255);
    expect_u(UINT64_MAX, 0, 8, BITS_WRAP, 1, 255);
    /* u63 limits: INCRBY u63 by -2^63 from 2^62-1 saturates at 0, then
     * +INT64_MAX reaches the maximum, +1 stays there (SAT). */
    expect_u(UINT64_C(4611686018427387903), INT64_MIN, 63, BITS_SAT, -1, 0);
    expect_u(0, INT64_MAX, 63, BITS_SAT, 0, (uint64_t)INT64_MAX);
    expect_u((uint64_t)INT64_MAX, 1, 63, BITS_SAT, 1, (uint64_t)INT64_MAX);
    /* SET u63 0 -1 SAT: 2^63-1. */
    expect_u(UINT64_MAX, 0, 63, BITS_SAT, 1, (uint64_t)INT64_MAX);
    expect_u(0, 2, 1, BITS_FAIL, 1, 0);
    expect_u(0, 1, 1, BITS_FAIL, 0, 1);
}

static void test_signed_overflow(void **state)
{
    (void)state;
    expect_s(127, 1, 8, BITS_WRAP, 1, -128);
    expect_s(127, 1, 8, BITS_SAT, 1, 127);
    expect_s(-128, -1, 8, BITS_WRAP, -1, 127);
    expect_s(-128, -1, 8, BITS_SAT, -1, -128);
    expect_s(-128, -1, 8, BITS_FAIL, -1, -128);
    /* SET i8 0 128 SAT: 127; SET i8 0 -129 SAT: -128. */
    expect_s(128, 0, 8, BITS_SAT, 1, 127);
    expect_s(-129, 0, 8, BITS_SAT, -1, -128);
    /* Redis's quirk: a value within 127 of INT64_MIN "overflows upwards"
     * for i8 (SET i8 0 -9223372036854775808 SAT gives 127, up to
     * -9223372036854775681; -9223372036854775680 gives -128). WRAP keeps
     * the low 8 bits either way. */
    expect_s(INT64_MIN, 0, 8, BITS_SAT, 1, 127);
    expect_s(INT64_MIN + 127, 0, 8, BITS_SAT, 1, 127);
    expect_s(INT64_MIN + 128, 0, 8, BITS_SAT, -1, -128);
    expect_s(INT64_MIN, 0, 8, BITS_WRAP, 1, 0);
    /* i64: only increments overflow. */
    expect_s(INT64_MIN, 0, 64, BITS_SAT, 0, INT64_MIN);
    expect_s(INT64_MIN, -1, 64, BITS_SAT, -1, INT64_MIN);
    expect_s(INT64_MIN, -1, 64, BITS_WRAP, -1, INT64_MAX);
    expect_s(INT64_MAX, 1, 64, BITS_WRAP, 1, INT64_MIN);
    expect_s(INT64_MAX, 1, 64, BITS_SAT, 1, INT64_MAX);
    expect_s(-5, INT64_MAX, 64, BITS_SAT, 0, INT64_MAX - 5);
    expect_s(5, INT64_MIN, 64, BITS_SAT, 0, INT64_MIN + 5);
    /* i1 holds -1 and 0: 0+1 overflows, -1+-1 too; WRAP of 0+3 is -1. */
    expect_s(0, 1, 1, BITS_SAT, 1, 0);
    expect_s(-1, -1, 1, BITS_SAT, -1, -1);
    expect_s(-1, -1, 1, BITS_WRAP, -1, 0);
    expect_s(0, 3, 1, BITS_WRAP, 1, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_matches_model), cmocka_unit_test(test_find_matches_model),
        cmocka_unit_test(test_find_single_bits),    cmocka_unit_test(test_get_put),
        cmocka_unit_test(test_unsigned_overflow),   cmocka_unit_test(test_signed_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
