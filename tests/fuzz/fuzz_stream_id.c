/* fuzz_stream_id.c - libFuzzer target for the stream ID and range parsers
 * (stream_id_parse, stream_range_parse) and the entry index they feed.
 *
 * Input: one byte of options, then tokens separated by '\n'. Option bits:
 * 0-1 how each token is parsed (0: XADD's strict form with <ms>-*, 1: a
 * plain ID, as XRANGE's start, 2: strict, as XDEL's, 3: an interval bound
 * with "(") and bit 2 the missing sequence (0 or UINT64_MAX).
 *
 * Checked for every token that parses:
 *  - the ID formats into fewer than STREAM_ID_BUFLEN bytes, and the text
 *    parses back (strictly) to the same ID: formatting and parsing agree;
 *  - "-" and "+" are refused by the strict forms, "<ms>-*" by all but
 *    XADD's; only XADD's form reports a missing sequence;
 *  - stream_id_incr and stream_id_decr undo each other except at the ends.
 * The tokens' IDs that are above the stream's last ID are appended to a
 * stream (as XADD does); then stream_find_ge/gt and stream_lookup are
 * compared with a linear scan for every ID parsed, entries are deleted
 * and the stream trimmed (exact and `~`), and the node model must still
 * count exactly the entries of the array, in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IDS 512

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_nodes(const struct stream *s)
{
    uint64_t live = 0;
    for (size_t n = 0; n < s->nnode; n++) {
        live += s->node[n].live;
        check(s->node[n].live + s->node[n].deleted <= STREAM_NODE_MAX_ENTRIES);
        check(stream_id_cmp(s->node[n].first, s->node[n].last) <= 0);
        if (n > 0)
            check(stream_id_cmp(s->node[n - 1].last, s->node[n].first) < 0);
    }
    check(live == s->len);
    for (size_t i = 1; i < s->len; i++)
        check(stream_id_cmp(s->e[i - 1].id, s->e[i].id) < 0);
    if (s->len > 0)
        check(stream_id_cmp(s->e[s->len - 1].id, s->last_id) <= 0);
}

static size_t linear(const struct stream *s, struct stream_id id, int strict)
{
    size_t i = 0;
    while (i < s->len &&
           (stream_id_cmp(s->e[i].id, id) < 0 || (strict && stream_id_cmp(s->e[i].id, id) == 0)))
        i++;
    return i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] & 3;
    uint64_t missing = (data[0] & 4) ? UINT64_MAX : 0;
    struct stream_id *ids = malloc(MAX_IDS * sizeof(*ids));
    size_t nids = 0;
    struct stream *s = stream_new();
    static const char *const fv[] = {"f", "v"};
    static const size_t fvl[] = {1, 1};

    size_t pos = 1;
    while (pos <= size && nids < MAX_IDS) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
        /* a copy of just the token, so that ASan sees a read past it */
        char *tok = malloc(len ? len : 1);
        memcpy(tok, data + pos, len);
        pos += len + 1;

        struct stream_id id;
        int seq_given = -1, ex = 0, r;
        switch (mode) {
        case 0:
            r = stream_id_parse(tok, len, missing, STREAM_ID_STRICT | STREAM_ID_SEQ_STAR, &id,
                                &seq_given);
            break;
        case 1: r = stream_id_parse(tok, len, missing, 0, &id, NULL); break;
        case 2: r = stream_id_parse(tok, len, missing, STREAM_ID_STRICT, &id, NULL); break;
        default: r = stream_range_parse(tok, len, missing, &id, &ex); break;
        }
        check(r == 0 || r == -1);
        if (r == 0) {
            int lone = len == 1 && (tok[0] == '-' || tok[0] == '+');
            if (mode == 0 || mode == 2)
                check(!lone);
            if (mode == 3 && ex)
                check(len > 1 && tok[0] == '(');
            if (mode == 0)
                check(seq_given == 0 || seq_given == 1);
            if (len >= 2 && tok[len - 2] == '-' && tok[len - 1] == '*' &&
                memchr(tok, 0, len) == NULL && memchr(tok, '-', len) == tok + len - 2)
                check(mode == 0 && seq_given == 0);

            char buf[STREAM_ID_BUFLEN];
            size_t n = stream_id_fmt(id, buf);
            check(n < STREAM_ID_BUFLEN && strlen(buf) == n);
            struct stream_id back;
            check(stream_id_parse(buf, n, 0, STREAM_ID_STRICT, &back, NULL) == 0);
            check(stream_id_cmp(back, id) == 0);

            struct stream_id up = id, down = id;
            if (stream_id_incr(&up) == 0) {
                check(stream_id_cmp(up, id) > 0);
                check(stream_id_decr(&up) == 0 && stream_id_cmp(up, id) == 0);
            } else {
                check(stream_id_cmp(id, STREAM_ID_MAX) == 0);
            }
            if (stream_id_decr(&down) == 0) {
                check(stream_id_cmp(down, id) < 0);
                check(stream_id_incr(&down) == 0 && stream_id_cmp(down, id) == 0);
            } else {
                check(stream_id_cmp(id, STREAM_ID_MIN) == 0);
            }

            ids[nids++] = id;
            if (stream_id_cmp(id, s->last_id) > 0)
                stream_append(s, id, 2, fv, fvl);
        }
        free(tok);
    }
    check_nodes(s);

    for (size_t i = 0; i < nids; i++) {
        check(stream_find_ge(s, ids[i]) == linear(s, ids[i], 0));
        check(stream_find_gt(s, ids[i]) == linear(s, ids[i], 1));
        struct stream_entry *e = stream_lookup(s, ids[i]);
        size_t at = linear(s, ids[i], 0);
        check(e == (at < s->len && stream_id_cmp(s->e[at].id, ids[i]) == 0 ? &s->e[at] : NULL));
    }
    /* deletions: every third ID that is there */
    for (size_t i = 0; i < nids; i += 3) {
        struct stream_entry *e = stream_lookup(s, ids[i]);
        if (e != NULL)
            stream_delete_at(s, (size_t)(e - s->e));
        check_nodes(s);
    }
    struct stream *copy = stream_dup(s);
    check(stream_digest(copy, 1) == stream_digest(s, 1));
    /* trims: approximate then exact, by length and by ID */
    struct stream_trim t = {.approx = 1, .maxlen = s->len / 2, .limit = (long long)(data[0] >> 3)};
    uint64_t before = s->len;
    uint64_t removed = stream_trim(s, &t);
    check(removed == before - s->len);
    check_nodes(s);
    if (nids > 0) {
        struct stream_trim m = {.minid_kind = 1, .minid = ids[nids / 2], .approx = data[0] & 8};
        m.limit = m.approx ? 100 : 0;
        stream_trim(copy, &m);
        check_nodes(copy);
        if (!m.approx)
            check(copy->len == 0 || stream_id_cmp(copy->e[0].id, m.minid) >= 0);
    }
    t.approx = 0;
    t.limit = 0;
    t.maxlen = s->len / 3;
    stream_trim(s, &t);
    check_nodes(s);
    check(s->len == t.maxlen || s->len == 0);

    stream_free(copy);
    stream_free(s);
    free(ids);
    return 0;
}
