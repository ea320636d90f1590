/* bits.h - bit arithmetic on byte strings, numbered as Redis's bitmap
 * commands number them: bit 0 is the most significant bit of byte 0,
 * bit 8 the most significant bit of byte 1, and so on.
 *
 * Pure functions: no allocation, no keyspace, no replies. cmd_bit.c
 * resolves the commands' ranges and owns the strings; the BITFIELD
 * overflow rules are here so they can be tested alone. */
#ifndef MOCKREDIS_BITS_H
#define MOCKREDIS_BITS_H

#include <stddef.h>
#include <stdint.h>

/* Number of bits set among bits first..last (inclusive) of p. Requires
 * first <= last < 8 * (bytes readable at p). */
uint64_t bits_count(const unsigned char *p, uint64_t first, uint64_t last);

/* Position of the first bit equal to bit (0 or 1) among bits first..last
 * (inclusive) of p, or -1 when there is none. Same requirement. */
int64_t bits_find(const unsigned char *p, uint64_t first, uint64_t last, int bit);

/* The width bits (1..64) from bit offset on, as an unsigned number, most
 * significant first. p holds len bytes; bits past them read as 0. */
uint64_t bits_get(const unsigned char *p, size_t len, uint64_t offset, unsigned width);

/* Writes the low width bits (1..64) of v at bit offset. Requires
 * offset + width <= 8 * (bytes writable at p). */
void bits_put(unsigned char *p, uint64_t offset, unsigned width, uint64_t v);

/* A width-bit (1..64) two's complement field read as unsigned, as a
 * signed number: the field's top bit is copied into the higher bits. */
int64_t bits_signed(uint64_t v, unsigned width);

/* What BITFIELD does when a value does not fit its field. */
enum bits_overflow { BITS_WRAP, BITS_SAT, BITS_FAIL };

/* BITFIELD's arithmetic (Redis's checkUnsignedBitfieldOverflow and
 * checkSignedBitfieldOverflow): value + incr for a field of width bits,
 * 1..63 unsigned, 1..64 signed. SET is value = the new value, incr = 0.
 * Returns 0 when the sum fits, and *out is the sum; 1 when it overflows
 * upwards, -1 downwards, and *out is the sum wrapped into the field
 * (BITS_WRAP), the limit it crossed (BITS_SAT), or value (BITS_FAIL: the
 * caller writes nothing). An unsigned SET of a negative number is an
 * upward overflow of its 64-bit two's complement, as in Redis (SAT gives
 * the maximum); so is a signed SET of a number within the field's maximum
 * of INT64_MIN. */
int bits_add_unsigned(uint64_t value, int64_t incr, unsigned width, enum bits_overflow ow,
                      uint64_t *out);
int bits_add_signed(int64_t value, int64_t incr, unsigned width, enum bits_overflow ow,
                    int64_t *out);

#endif
