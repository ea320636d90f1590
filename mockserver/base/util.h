/* util.h - Redis's string conversions and glob matching.
 *
 * Redis accepts numbers only in exact forms (no spaces, no "+", no leading
 * zeros for integers); these functions accept exactly those forms so error
 * replies match. Return 1 on success, 0 when the input is not a valid number. */
#ifndef MOCKREDIS_UTIL_H
#define MOCKREDIS_UTIL_H

#include <stddef.h>

/* The value of the hex digit c (0-9, a-f, A-F), or -1 for any other byte. */
int util_hexval(char c);
/* Redis's memory units: "" and "b" are 1, "k" 1000, "kb" 1024, "m", "mb",
 * "g", "gb" likewise, any letter case. Returns 1 with *mul set, 0 for any
 * other suffix. */
int util_mem_unit(const char *u, unsigned long long *mul);
/* string2ll: optional '-', then digits without leading zeros; fits long long. */
int util_str2ll(const char *s, size_t n, long long *out);
/* string2ld: strtold over the whole string, no leading space, no NaN,
 * no overflow to infinity from a finite text; at most 5 KiB. */
int util_str2ld(const char *s, size_t n, long double *out);
/* The same with double precision (scores, EX/PX are integers elsewhere). */
int util_str2d(const char *s, size_t n, double *out);
/* Formats a long double as INCRBYFLOAT does ("%.17Lf", trailing zeros and
 * dot removed). Returns the length. size >= 5200. */
int util_ld2str(char *out, size_t size, long double v);
/* Redis 7.0.15's stringmatchlen: * ? [abc] [^a-z] and \ escapes, nocase
 * lowering A-Z only; malformed patterns read as Redis reads them (util.c).
 * Returns 1 when s matches, else 0. Like Redis, a pattern that reaches a
 * 1001st '*' (not counting one that ends it) matches nothing. Time is
 * O(plen * slen) at worst, no recursion, no allocation; pat and s need no
 * NUL terminator. */
int util_glob(const char *pat, size_t plen, const char *s, size_t slen, int nocase);

/* The edit distance between a and b, compared case-insensitively: the
 * fewest insertions, deletions, substitutions and swaps of two adjacent
 * characters that turn one into the other ("nht" -> "nth" is 1). Words
 * longer than 64 bytes are never near anything: returns a large number. */
int util_edit_distance(const char *a, size_t an, const char *b, size_t bn);
/* The word of list[0..n) nearest to w, for a "did you mean" hint: its
 * index when its edit distance is small for w's length (1 up to 4
 * characters, 2 up to 8, else 3) and not zero, else -1. The first of
 * equally near words wins. */
int util_nearest(const char *w, size_t wn, const char *const *list, size_t n);

#endif
