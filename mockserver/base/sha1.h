/* sha1.h - SHA-1 (FIPS 180-4), for the digests Redis names scripts by.
 *
 * Not for security: scripts are named by the SHA-1 of their body, as
 * EVALSHA, SCRIPT LOAD and redis.sha1hex show it. No state, no allocation. */
#ifndef MOCKREDIS_SHA1_H
#define MOCKREDIS_SHA1_H

#include <stddef.h>

/* Writes the SHA-1 of p[0..n) as 40 lowercase hex digits and a NUL into
 * out (41 bytes). */
void sha1_hex(char out[41], const void *p, size_t n);

#endif
