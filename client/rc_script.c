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
 * The SHA1 (FIPS 180-4) is the base library's (sha1.h), so the client
 * layer needs no crypto library: Redis names a script by the hex SHA1 of
 * its text, and the client must know the name before the server has ever
 * seen the script. It is a name, not a security measure. */
#include "rc_script.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha1.h"

/* ---- SHA1 ------------------------------------------------------------------------ */

void rc_sha1_hex(const void *data, size_t len, char hex[41])
{
    sha1_hex(hex, data, len); /* the server's own (mockserver/base/sha1.c) */
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
