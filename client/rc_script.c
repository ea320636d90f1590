/* rc_script.c - Lua scripts by SHA1 with the NOSCRIPT fallback, see
 * rc_script.h.
 *
 * The conversation, per call:
 *
 *     > EVALSHA <sha1> <numkeys> key... arg...
 *     < the script's reply                          done
 *     < -NOSCRIPT ...                                the server's cache lacks it:
 *     > EVAL <text> <numkeys> key... arg...          runs it and caches it
 *     < the script's reply, or an error              done either way
 *
 * Only an error whose first word is NOSCRIPT leads to EVAL: any other
 * error (the script failed, the server has no EVALSHA at all) would come
 * back from EVAL too, so it is final.
 *
 * The SHA1 (FIPS 180-4) is computed here, in a few dozen lines, so the
 * client layer needs no crypto library: Redis names a script by the hex
 * SHA1 of its text, and the client must know the name before the server
 * has ever seen the script. It is a name, not a security measure. */
#include "rc_script.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- SHA1 ------------------------------------------------------------------------ */

static uint32_t rotl(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

/* One 64-byte block into the state h[5]. */
static void sha1_block(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t tmp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void rc_sha1_hex(const void *data, size_t len, char hex[41])
{
    uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    const unsigned char *p = data;
    size_t whole = len - len % 64;
    for (size_t i = 0; i < whole; i += 64)
        sha1_block(h, p + i);
    /* The tail, the 0x80 byte, zeros, and the length in bits (64-bit big
     * endian) fill one or two last blocks. */
    unsigned char last[128];
    size_t rest = len - whole;
    memset(last, 0, sizeof(last));
    if (rest > 0)
        memcpy(last, p + whole, rest);
    last[rest] = 0x80;
    size_t n = rest + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        last[n - 1 - (size_t)i] = (unsigned char)(bits >> (8 * i));
    for (size_t i = 0; i < n; i += 64)
        sha1_block(h, last + i);
    for (int i = 0; i < 5; i++)
        snprintf(hex + 8 * i, 9, "%08x", (unsigned)h[i]);
}

void rc_script_init(struct rc_script *s, const char *body, size_t len)
{
    s->body = body;
    s->len = len;
    rc_sha1_hex(body, len, s->sha1);
}

/* ---- the call ---------------------------------------------------------------------- */

/* True when the last error on c is a NOSCRIPT error: Redis puts the code
 * first ("NOSCRIPT No matching script..."). */
static int is_noscript(const struct rc_conn *c)
{
    const char *m = rc_errmsg(c);
    return strncmp(m, "NOSCRIPT", 8) == 0 && (m[8] == '\0' || m[8] == ' ');
}

enum rc_status rc_evalsha(struct rc_conn *c, const struct rc_script *s, int numkeys, int argc,
                          const char **argv, const size_t *argvlen, redisReply **out)
{
    if (out)
        *out = NULL;
    if (numkeys < 0 || argc < 0 || numkeys > argc || (argc > 0 && argv == NULL)) {
        rc_set_errmsg(c, "rc_evalsha: numkeys must be within 0..argc");
        return RC_ERR_ARG;
    }
    /* EVALSHA sha1 numkeys argv...: three words in front of the caller's. */
    const char **av = malloc(sizeof(*av) * (size_t)(argc + 3));
    size_t *al = malloc(sizeof(*al) * (size_t)(argc + 3));
    if (av == NULL || al == NULL) {
        free(av);
        free(al);
        rc_set_errmsg(c, "out of memory");
        return RC_ERR_IO;
    }
    char nk[16];
    int nklen = snprintf(nk, sizeof(nk), "%d", numkeys);
    av[0] = "EVALSHA";
    al[0] = 7;
    av[1] = s->sha1;
    al[1] = 40;
    av[2] = nk;
    al[2] = (size_t)nklen;
    for (int i = 0; i < argc; i++) {
        av[i + 3] = argv[i];
        al[i + 3] = argvlen ? argvlen[i] : strlen(argv[i]);
    }
    enum rc_status st = rc_cmd_argv(c, argc + 3, av, al, out);
    if (st == RC_ERR_REPLY && is_noscript(c)) {
        /* Not in the server's cache: send the text. EVAL caches it, so the
         * next EVALSHA finds it. */
        av[0] = "EVAL";
        al[0] = 4;
        av[1] = s->body;
        al[1] = s->len;
        st = rc_cmd_argv(c, argc + 3, av, al, out);
    }
    free(av);
    free(al);
    return st;
}
