/* obuf.c - client-output-buffer-limit's value and check, see obuf.h.
 *
 * The CONFIG SET syntax follows what redis-server 7.0 accepts, quirks
 * included (checked by tests/diff/corpus/server.txt): the value is split
 * on single spaces, so "normal 1 2 " has four words, the last one empty,
 * and an empty seconds word means 0; a size is digits and an optional
 * unit, a size too large for 64 bits saturates then wraps when the unit
 * multiplies it; seconds are parsed as a long long, then kept in an int,
 * and refused when that int is negative. Class names are
 * case-insensitive; "replica" and "slave" name one class, "master" is
 * refused. */
#include "obuf.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"
#include "rtext.h"
#include "util.h"

/* Longer digit strings are refused, as Redis's memtoull does. */
#define OBUF_DIGITS_MAX 127

void obuf_defaults(struct obuf_limit lim[OBUF_CLASSES])
{
    lim[OBUF_NORMAL] = (struct obuf_limit){0, 0, 0};
    lim[OBUF_REPLICA] = (struct obuf_limit){256ULL << 20, 64ULL << 20, 60};
    lim[OBUF_PUBSUB] = (struct obuf_limit){32ULL << 20, 8ULL << 20, 60};
}

/* The class a name means, or -1 (unknown, or "master"). */
static int class_of(const char *name)
{
    if (!strcasecmp(name, "normal"))
        return OBUF_NORMAL;
    if (!strcasecmp(name, "replica") || !strcasecmp(name, "slave"))
        return OBUF_REPLICA;
    if (!strcasecmp(name, "pubsub"))
        return OBUF_PUBSUB;
    return -1;
}

/* A size in bytes: digits, then nothing or a unit (b k kb m mb g gb, any
 * case). Returns 0 with *out set, -1 when it is not a size. */
static int size_of(const char *s, unsigned long long *out)
{
    if (*s == '-')
        return -1;
    size_t digits = 0;
    while (isdigit((unsigned char)s[digits]))
        digits++;
    unsigned long long mul;
    if (!util_mem_unit(s + digits, &mul) || digits > OBUF_DIGITS_MAX)
        return -1;
    unsigned long long v = 0;
    for (size_t i = 0; i < digits; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        v = v > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : v * 10 + d; /* saturates, like strtoull */
    }
    *out = v * mul; /* wraps, like Redis */
    return 0;
}

/* Seconds: a long long kept in an int. Returns 0 with *out set, -1 when
 * the word has trailing bytes or the int comes out negative. */
static int secs_of(const char *s, int *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    int secs = (int)(unsigned)(unsigned long long)v; /* Redis stores it in an int */
    if (*end != '\0' || secs < 0)
        return -1;
    *out = secs;
    return 0;
}

int obuf_parse(struct obuf_limit lim[OBUF_CLASSES], const char *value, const char **why)
{
    char *copy = mem_strdup(value);
    size_t nwords = value[0] ? 1 : 0;
    for (char *p = copy; *p; p++) {
        if (*p == ' ') {
            *p = '\0';
            nwords++;
        }
    }
    struct obuf_limit next[OBUF_CLASSES];
    memcpy(next, lim, sizeof(next));
    const char *w = copy, *bad = NULL;
    if (nwords % 4 != 0)
        bad = rtext[RT_CFG_OBUF_ARGS];
    for (size_t i = 0; i < nwords && bad == NULL; i += 4) {
        const char *word[4];
        for (int k = 0; k < 4; k++) {
            word[k] = w;
            w += strlen(w) + 1;
        }
        int cls = class_of(word[0]);
        struct obuf_limit l;
        if (cls < 0)
            bad = rtext[RT_CFG_OBUF_CLASS];
        else if (size_of(word[1], &l.hard) < 0 || size_of(word[2], &l.soft) < 0 ||
                 secs_of(word[3], &l.soft_secs) < 0)
            bad = rtext[RT_CFG_OBUF_VALUE];
        else
            next[cls] = l;
    }
    free(copy);
    if (bad) {
        *why = bad;
        return -1;
    }
    memcpy(lim, next, sizeof(next));
    return 0;
}

void obuf_format(const struct obuf_limit lim[OBUF_CLASSES], char *out, size_t size)
{
    snprintf(out, size, "normal %llu %llu %d slave %llu %llu %d pubsub %llu %llu %d",
             lim[OBUF_NORMAL].hard, lim[OBUF_NORMAL].soft, lim[OBUF_NORMAL].soft_secs,
             lim[OBUF_REPLICA].hard, lim[OBUF_REPLICA].soft, lim[OBUF_REPLICA].soft_secs,
             lim[OBUF_PUBSUB].hard, lim[OBUF_PUBSUB].soft, lim[OBUF_PUBSUB].soft_secs);
}

size_t obuf_counted(size_t pending)
{
    return pending > OBUF_UNCOUNTED ? pending - OBUF_UNCOUNTED : 0;
}

int obuf_over(const struct obuf_limit *lim, size_t used, int64_t now_s, int64_t *soft_since)
{
    unsigned long long u = (unsigned long long)used;
    int hard = lim->hard > 0 && u >= lim->hard;
    int soft = lim->soft > 0 && u >= lim->soft;
    if (!soft) {
        *soft_since = -1; /* under the soft limit: the count starts again */
    } else if (*soft_since < 0) {
        *soft_since = now_s; /* just reached: not over yet */
        soft = 0;
    } else if (now_s - *soft_since <= lim->soft_secs) {
        soft = 0; /* not for long enough */
    }
    return hard || soft;
}
