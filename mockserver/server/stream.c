/* stream.c - the stream value: entries in one array in ID order, the model
 * of Redis's listpack nodes that approximate trims need, ID parsing and
 * formatting, and the replies of entries.
 *
 * Entries: one array, sorted by ID (IDs only grow, so appending keeps it
 * sorted); lookups are binary searches, deletions move the tail.
 *
 * Nodes: Redis 7.0 starts a new listpack node when the tail one already
 * holds STREAM_NODE_MAX_ENTRIES entries, live or deleted, or when its bytes
 * plus the new entry's field and value bytes reach STREAM_NODE_MAX_BYTES.
 * The bytes are computed as Redis's listpack encodes a node (lp_* below):
 * a header, the master entry (counts and the first entry's fields), then
 * per entry its flags, ID deltas, fields unless they are the master's,
 * values and a back count; numbers-looking strings as integers. XDEL and exact
 * trims only mark entries deleted in their node, and a node whose last live
 * entry goes is dropped. An approximate trim drops whole nodes from the
 * oldest while the stream stays long enough (MAXLEN) or the node's last ID
 * is below MINID. The nodes here hold only those counts and edge IDs: what
 * `~` needs to remove exactly the entries Redis removes.
 *
 * Not here: command parsing and replies other than entries (cmd_stream.c),
 * consumer groups (stream_cg.c). */
#include "stream.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "reply.h"

int stream_id_cmp(struct stream_id a, struct stream_id b)
{
    if (a.ms != b.ms)
        return a.ms < b.ms ? -1 : 1;
    if (a.seq != b.seq)
        return a.seq < b.seq ? -1 : 1;
    return 0;
}

struct stream *stream_new(void)
{
    return mem_calloc(1, sizeof(struct stream));
}

static void entry_free(struct stream_entry *e)
{
    for (size_t i = 0; i < e->nfv; i++)
        obj_str_free(e->fv[i]);
    free(e->fv);
}

static void node_free(struct stream_node *n)
{
    for (size_t i = 0; i < n->nmaster; i++)
        obj_str_free(n->master[i]);
    free(n->master);
}

void stream_free(struct stream *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->len; i++)
        entry_free(&s->e[i]);
    free(s->e);
    for (size_t i = 0; i < s->nnode; i++)
        node_free(&s->node[i]);
    free(s->node);
    stream_groups_free(s->groups);
    free(s);
}

struct stream *stream_dup(const struct stream *s)
{
    struct stream *n = mem_alloc(sizeof(*n));
    *n = *s;
    n->cap = s->len;
    n->e = s->len ? mem_alloc(s->len * sizeof(*n->e)) : NULL;
    for (size_t i = 0; i < s->len; i++) {
        const struct stream_entry *src = &s->e[i];
        n->e[i].id = src->id;
        n->e[i].nfv = src->nfv;
        n->e[i].fv = mem_alloc(src->nfv * sizeof(*src->fv));
        for (size_t j = 0; j < src->nfv; j++)
            n->e[i].fv[j] = obj_str_new(src->fv[j]->p, src->fv[j]->len);
    }
    n->nodecap = s->nnode;
    n->node = NULL;
    if (s->nnode) {
        n->node = mem_alloc(s->nnode * sizeof(*s->node));
        memcpy(n->node, s->node, s->nnode * sizeof(*s->node));
        for (size_t i = 0; i < s->nnode; i++) {
            struct stream_node *d = &n->node[i];
            d->master = mem_alloc((d->nmaster ? d->nmaster : 1) * sizeof(*d->master));
            for (size_t j = 0; j < d->nmaster; j++)
                d->master[j] = obj_str_new(s->node[i].master[j]->p, s->node[i].master[j]->len);
        }
    }
    n->groups = s->groups ? stream_groups_dup(s->groups) : NULL;
    return n;
}

/* FNV-1a over bytes, as obj.c's digest. */
static uint64_t digest_bytes(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t stream_digest(const struct stream *s, uint64_t h)
{
    uint64_t head[6] = {s->last_id.ms,         s->last_id.seq,   s->max_deleted_id.ms,
                        s->max_deleted_id.seq, s->entries_added, s->len};
    h = digest_bytes(h, head, sizeof(head));
    for (size_t i = 0; i < s->len; i++) {
        const struct stream_entry *e = &s->e[i];
        uint64_t id[3] = {e->id.ms, e->id.seq, e->nfv};
        h = digest_bytes(h, id, sizeof(id));
        for (size_t j = 0; j < e->nfv; j++) {
            uint64_t n = e->fv[j]->len;
            h = digest_bytes(h, &n, sizeof(n));
            h = digest_bytes(h, e->fv[j]->p, e->fv[j]->len);
        }
    }
    return stream_groups_digest(s->groups, h);
}

/* ---- IDs ------------------------------------------------------------------------ */

size_t stream_id_fmt(struct stream_id id, char *buf)
{
    char tmp[STREAM_ID_BUFLEN];
    size_t n = 0;
    /* digits of seq, then '-', then digits of ms, backwards */
    uint64_t v = id.seq;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    tmp[n++] = '-';
    v = id.ms;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

/* Redis's string2ll: [-]?[1-9][0-9]* or "0", fitting a signed 64-bit
 * number, nothing else (no blanks, no '+', no leading zero). */
static int strict_ll(const char *s, size_t n, long long *out)
{
    if (n == 0 || n >= 21)
        return -1;
    if (n == 1 && s[0] == '0') {
        *out = 0;
        return 0;
    }
    size_t i = 0;
    int neg = s[0] == '-';
    if (neg && ++i == n)
        return -1;
    if (s[i] < '1' || s[i] > '9')
        return -1;
    unsigned long long v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (ULLONG_MAX - 9) / 10)
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (neg ? v > (unsigned long long)LLONG_MAX + 1 : v > (unsigned long long)LLONG_MAX)
        return -1;
    *out = neg ? (long long)(0 - v) : (long long)v;
    return 0;
}

/* Redis's string2ull on a C string: the strict form when it parses (and is
 * not negative), else whatever strtoull converts whole: leading blanks,
 * '+', zeros, up to 2^64-1, and even "-05" (which strtoull negates). */
static int parse_u64(const char *s, uint64_t *out)
{
    long long ll;
    if (strict_ll(s, strlen(s), &ll) == 0) {
        if (ll < 0)
            return -1;
        *out = (uint64_t)ll;
        return 0;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == EINVAL || errno == ERANGE || *s == '\0' || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int stream_id_parse(const char *p, size_t len, uint64_t missing_seq, int flags,
                    struct stream_id *id, int *seq_given)
{
    char buf[128];
    if (len > sizeof(buf) - 1)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    if (seq_given != NULL)
        *seq_given = 1;
    if ((buf[0] == '-' || buf[0] == '+') && buf[1] == '\0') {
        if (flags & STREAM_ID_STRICT)
            return -1;
        *id = buf[0] == '-' ? STREAM_ID_MIN : STREAM_ID_MAX;
        return 0;
    }
    char *dash = strchr(buf, '-');
    if (dash != NULL)
        *dash = '\0';
    struct stream_id r;
    if (parse_u64(buf, &r.ms) < 0)
        return -1;
    if (dash == NULL) {
        r.seq = missing_seq;
    } else if ((flags & STREAM_ID_SEQ_STAR) && strcmp(dash + 1, "*") == 0) {
        r.seq = 0;
        if (seq_given != NULL)
            *seq_given = 0;
    } else if (parse_u64(dash + 1, &r.seq) < 0) {
        return -1;
    }
    *id = r;
    return 0;
}

int stream_range_parse(const char *p, size_t len, uint64_t missing_seq, struct stream_id *id,
                       int *exclusive)
{
    *exclusive = len > 1 && p[0] == '(';
    if (*exclusive)
        return stream_id_parse(p + 1, len - 1, missing_seq, STREAM_ID_STRICT, id, NULL);
    return stream_id_parse(p, len, missing_seq, 0, id, NULL);
}

int stream_id_incr(struct stream_id *id)
{
    if (id->seq < UINT64_MAX) {
        id->seq++;
        return 0;
    }
    if (id->ms < UINT64_MAX) {
        id->ms++;
        id->seq = 0;
        return 0;
    }
    *id = STREAM_ID_MIN;
    return -1;
}

int stream_id_decr(struct stream_id *id)
{
    if (id->seq > 0) {
        id->seq--;
        return 0;
    }
    if (id->ms > 0) {
        id->ms--;
        id->seq = UINT64_MAX;
        return 0;
    }
    *id = STREAM_ID_MAX;
    return -1;
}

/* ---- entries ----------------------------------------------------------------------- */

/* The first index whose ID compares >= (or, with strict, >) id. */
static size_t find(const struct stream *s, struct stream_id id, int strict)
{
    size_t lo = 0, hi = s->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = stream_id_cmp(s->e[mid].id, id);
        if (c < 0 || (strict && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t stream_find_ge(const struct stream *s, struct stream_id id)
{
    return find(s, id, 0);
}

size_t stream_find_gt(const struct stream *s, struct stream_id id)
{
    return find(s, id, 1);
}

struct stream_entry *stream_lookup(const struct stream *s, struct stream_id id)
{
    size_t i = find(s, id, 0);
    return i < s->len && stream_id_cmp(s->e[i].id, id) == 0 ? &s->e[i] : NULL;
}

/* ---- listpack sizes (Redis 7.0's listpack.c encoding) ------------------------------------ */

/* The bytes of an element's back length, for an encoding of l bytes. */
static size_t lp_backlen(size_t l)
{
    return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

static size_t lp_int(int64_t v)
{
    size_t l = v >= 0 && v <= 127                      ? 1
               : v >= -4096 && v <= 4095               ? 2
               : v >= -32768 && v <= 32767             ? 3
               : v >= -8388608 && v <= 8388607         ? 4
               : v >= -2147483648LL && v <= 2147483647 ? 5
                                                       : 9;
    return l + lp_backlen(l);
}

/* A string element: stored as an integer when it reads as one. */
static size_t lp_str(const char *p, size_t n)
{
    long long v;
    if (strict_ll(p, n, &v) == 0)
        return lp_int(v);
    size_t l = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
    return l + lp_backlen(l);
}

/* An entry's bytes in a node whose master ID is master (fields omitted
 * when same). */
static size_t lp_entry(struct stream_id master, struct stream_id id, size_t nfv,
                       const char *const *argv, const size_t *argl, int same)
{
    size_t pairs = nfv / 2;
    size_t b = lp_int(same ? 2 : 0) + lp_int((int64_t)(id.ms - master.ms)) +
               lp_int((int64_t)(id.seq - master.seq));
    if (!same)
        b += lp_int((int64_t)pairs);
    for (size_t i = 0; i < nfv; i++)
        if (!same || i % 2 == 1)
            b += lp_str(argv[i], argl[i]);
    return b + lp_int((int64_t)(pairs + 3 + (same ? 0 : pairs + 1)));
}

void stream_append(struct stream *s, struct stream_id id, size_t nfv, const char *const *argv,
                   const size_t *argl)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->e = mem_realloc(s->e, s->cap * sizeof(*s->e));
    }
    struct stream_entry *e = &s->e[s->len++];
    e->id = id;
    e->nfv = nfv;
    e->fv = mem_alloc(nfv * sizeof(*e->fv));
    for (size_t i = 0; i < nfv; i++)
        e->fv[i] = obj_str_new(argv[i], argl[i]);
    s->last_id = id;
    s->entries_added++;

    size_t totlen = 0;
    for (size_t i = 0; i < nfv; i++)
        totlen += argl[i];
    struct stream_node *tail = s->nnode ? &s->node[s->nnode - 1] : NULL;
    int same = 1;
    if (tail == NULL || tail->bytes + totlen >= STREAM_NODE_MAX_BYTES ||
        tail->live + tail->deleted >= STREAM_NODE_MAX_ENTRIES) {
        if (s->nnode == s->nodecap) {
            s->nodecap = s->nodecap ? s->nodecap * 2 : 2;
            s->node = mem_realloc(s->node, s->nodecap * sizeof(*s->node));
        }
        tail = &s->node[s->nnode++];
        memset(tail, 0, sizeof(*tail));
        tail->first = id;
        tail->nmaster = nfv / 2;
        tail->master = mem_alloc((nfv / 2 ? nfv / 2 : 1) * sizeof(*tail->master));
        /* header and end byte, counts live and deleted, the fields, a 0 */
        tail->bytes = 7 + lp_int(1) + lp_int(0) + lp_int((int64_t)(nfv / 2)) + lp_int(0);
        for (size_t i = 0; i < nfv; i += 2) {
            tail->master[i / 2] = obj_str_new(argv[i], argl[i]);
            tail->bytes += lp_str(argv[i], argl[i]);
        }
    } else if (tail->nmaster == nfv / 2) {
        for (size_t i = 0; i < nfv && same; i += 2)
            same = tail->master[i / 2]->len == argl[i] &&
                   memcmp(tail->master[i / 2]->p, argv[i], argl[i]) == 0;
    } else {
        same = 0;
    }
    tail->bytes += lp_entry(tail->first, id, nfv, argv, argl, same);
    tail->last = id;
    tail->live++;
}

/* The node holding id: the last one whose first ID is <= id. */
static size_t node_of(const struct stream *s, struct stream_id id)
{
    size_t lo = 0, hi = s->nnode;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (stream_id_cmp(s->node[mid].first, id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

static void node_remove(struct stream *s, size_t n)
{
    node_free(&s->node[n]);
    memmove(&s->node[n], &s->node[n + 1], (s->nnode - n - 1) * sizeof(*s->node));
    s->nnode--;
}

/* Removes entries [from, to) from the array (not from the nodes). */
static void entries_remove(struct stream *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        entry_free(&s->e[i]);
    memmove(&s->e[from], &s->e[to], (s->len - to) * sizeof(*s->e));
    s->len -= to - from;
}

void stream_delete_at(struct stream *s, size_t i)
{
    size_t n = node_of(s, s->e[i].id);
    struct stream_node *nd = &s->node[n];
    nd->live--;
    nd->deleted++;
    if (nd->live == 0)
        node_remove(s, n);
    entries_remove(s, i, i + 1);
}

uint64_t stream_trim(struct stream *s, const struct stream_trim *t)
{
    uint64_t removed = 0;
    while (s->nnode > 0) {
        if (!t->minid_kind && s->len <= t->maxlen)
            break;
        struct stream_node *nd = &s->node[0];
        if (t->limit && removed + nd->live > (uint64_t)t->limit)
            break;
        int whole =
            t->minid_kind ? stream_id_cmp(nd->last, t->minid) < 0 : s->len - nd->live >= t->maxlen;
        if (whole) {
            entries_remove(s, 0, nd->live);
            removed += nd->live;
            node_remove(s, 0);
            continue;
        }
        if (t->approx)
            break;
        /* exact: delete entries from the front of this node one by one */
        size_t k = 0;
        while (k < nd->live &&
               (t->minid_kind ? stream_id_cmp(s->e[k].id, t->minid) < 0 : s->len - k > t->maxlen))
            k++;
        entries_remove(s, 0, k);
        nd->live -= k;
        nd->deleted += k;
        removed += k;
        break;
    }
    return removed;
}

/* ---- replies ----------------------------------------------------------------------- */

void stream_reply_entry(struct client *c, const struct stream_entry *e)
{
    char id[STREAM_ID_BUFLEN];
    size_t n = stream_id_fmt(e->id, id);
    reply_array(c, 2);
    reply_bulk(c, id, n);
    reply_array(c, (long long)e->nfv);
    for (size_t i = 0; i < e->nfv; i++)
        reply_bulk(c, e->fv[i]->p, e->fv[i]->len);
}

void stream_reply_entries(struct client *c, struct stream_entry *const *v, size_t n)
{
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++)
        stream_reply_entry(c, v[i]);
}

void stream_reply_deleted(struct client *c, struct stream_id id)
{
    char buf[STREAM_ID_BUFLEN];
    size_t n = stream_id_fmt(id, buf);
    reply_array(c, 2);
    reply_bulk(c, buf, n);
    reply_null_array(c);
}

size_t stream_reply_range(struct client *c, const struct stream *s, struct stream_id start,
                          struct stream_id end, size_t count, int rev)
{
    size_t lo = stream_find_ge(s, start), hi = stream_find_gt(s, end);
    size_t n = hi > lo ? hi - lo : 0;
    if (count && n > count)
        n = count;
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++)
        stream_reply_entry(c, &s->e[rev ? hi - 1 - i : lo + i]);
    return n;
}
