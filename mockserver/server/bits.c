/* bits.c - bit arithmetic on byte strings, see bits.h.
 *
 * Counting and searching go a 64-bit word at a time through the whole
 * bytes of a range (memcpy loads, so any alignment is fine) and a bit at a
 * time through its partial first and last bytes; BITCOUNT and BITPOS over a
 * 512 MB string stay well under a second. Field reads and writes go a bit
 * at a time: a field is at most 64 bits.
 *
 * The overflow rules copy Redis's observable results, quirks included,
 * not its code: the checks compare in 64-bit two's complement the way
 * Redis's do, which is why some out-of-range SET values saturate the
 * "wrong" way (bits.h). Every signed step that could overflow in C is done
 * in uint64_t. */
#include "bits.h"

#include <string.h>

static unsigned pop8(unsigned b)
{
    return (unsigned)__builtin_popcount(b & 0xFFu);
}

/* Set bits in n whole bytes. */
static uint64_t pop_bytes(const unsigned char *p, uint64_t n)
{
    uint64_t count = 0;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        count += (uint64_t)__builtin_popcountll(w);
    }
    for (; n > 0; p++, n--)
        count += pop8(*p);
    return count;
}

/* The bits of a byte from bit i (0 = most significant) to the end, and
 * from the start to bit i. */
static unsigned from_bit(uint64_t i)
{
    return 0xFFu >> (i & 7);
}

static unsigned to_bit(uint64_t i)
{
    return (0xFFu << (7 - (i & 7))) & 0xFFu;
}

uint64_t bits_count(const unsigned char *p, uint64_t first, uint64_t last)
{
    uint64_t fb = first >> 3, lb = last >> 3;
    if (fb == lb)
        return pop8(p[fb] & from_bit(first) & to_bit(last));
    return pop8(p[fb] & from_bit(first)) + pop_bytes(p + fb + 1, lb - fb - 1) +
           pop8(p[lb] & to_bit(last));
}

static int bit_at(const unsigned char *p, uint64_t i)
{
    return (p[i >> 3] >> (7 - (i & 7))) & 1;
}

int64_t bits_find(const unsigned char *p, uint64_t first, uint64_t last, int bit)
{
    const unsigned char skip = bit ? 0x00 : 0xFF; /* a byte without the bit */
    const uint64_t skip8 = bit ? 0 : UINT64_MAX;
    uint64_t i = first;
    while (i <= last) {
        if ((i & 7) == 0) {
            /* Whole bytes (and words) that cannot hold the bit. */
            while (i <= last && last - i >= 63) {
                uint64_t w;
                memcpy(&w, p + (i >> 3), 8);
                if (w != skip8)
                    break;
                i += 64;
            }
            while (i <= last && last - i >= 7 && p[i >> 3] == skip)
                i += 8;
            if (i > last)
                break;
        }
        if (bit_at(p, i) == bit)
            return (int64_t)i;
        i++;
    }
    return -1;
}

uint64_t bits_get(const unsigned char *p, size_t len, uint64_t offset, unsigned width)
{
    uint64_t v = 0;
    for (unsigned j = 0; j < width; j++) {
        uint64_t i = offset + j;
        unsigned b = (i >> 3) < len ? (unsigned)bit_at(p, i) : 0;
        v = (v << 1) | b;
    }
    return v;
}

void bits_put(unsigned char *p, uint64_t offset, unsigned width, uint64_t v)
{
    for (unsigned j = 0; j < width; j++) {
        uint64_t i = offset + j;
        unsigned mask = 0x80u >> (i & 7);
        if ((v >> (width - 1 - j)) & 1)
            p[i >> 3] = (unsigned char)(p[i >> 3] | mask);
        else
            p[i >> 3] = (unsigned char)(p[i >> 3] & ~mask);
    }
}

int64_t bits_signed(uint64_t v, unsigned width)
{
    if (width < 64 && ((v >> (width - 1)) & 1))
        v |= UINT64_MAX << width;
    return (int64_t)v; /* two's complement, as gcc and clang define it */
}

int bits_add_unsigned(uint64_t value, int64_t incr, unsigned width, enum bits_overflow ow,
                      uint64_t *out)
{
    const uint64_t max = (UINT64_C(1) << width) - 1;
    const uint64_t sum = value + (uint64_t)incr;
    int dir = 0;
    if (value > max || (incr > 0 && (uint64_t)incr > max - value))
        dir = 1;
    else if (incr < 0 && (uint64_t)0 - (uint64_t)incr > value)
        dir = -1;
    if (dir == 0)
        *out = sum;
    else if (ow == BITS_WRAP)
        *out = sum & max;
    else if (ow == BITS_SAT)
        *out = dir > 0 ? max : 0;
    else
        *out = value;
    return dir;
}

int bits_add_signed(int64_t value, int64_t incr, unsigned width, enum bits_overflow ow,
                    int64_t *out)
{
    const int64_t max = width == 64 ? INT64_MAX : (int64_t)((UINT64_C(1) << (width - 1)) - 1);
    const int64_t min = -max - 1;
    /* Room above value, computed modulo 2^64 as Redis does: for a value
     * far below min it wraps negative, and then any incr >= 0 "exceeds"
     * it. Only used below when it does not wrap, or to copy that. */
    const int64_t up_room = (int64_t)((uint64_t)max - (uint64_t)value);
    int dir = 0;
    if (value > max || (width != 64 && incr > up_room) ||
        (value >= 0 && incr > 0 && incr > up_room))
        dir = 1;
    else if (value < min || (width != 64 && incr < min - value) ||
             (value < 0 && incr < 0 && incr < min - value))
        dir = -1; /* min - value cannot overflow here: min <= value <= max, or value < 0 */
    uint64_t sum = (uint64_t)value + (uint64_t)incr;
    if (dir == 0) {
        *out = (int64_t)sum;
    } else if (ow == BITS_WRAP) {
        if (width < 64) {
            if ((sum >> (width - 1)) & 1)
                sum |= UINT64_MAX << width;
            else
                sum &= ~(UINT64_MAX << width);
        }
        *out = (int64_t)sum;
    } else if (ow == BITS_SAT) {
        *out = dir > 0 ? max : min;
    } else {
        *out = value;
    }
    return dir;
}
