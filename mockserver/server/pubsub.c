/* pubsub.c - the Pub/Sub registry, see pubsub.h.
 *
 * Two views of the same subscriptions, kept in step:
 *   - core->pubsub: per kind, a dict name -> struct ps_list, the
 *     subscribing clients in the order they came (delivery order);
 *   - client->ps: per kind, a dict of the names the client holds, in the
 *     order it subscribed (UNSUBSCRIBE without arguments goes through it).
 * A list whose last subscriber leaves is removed, so the dict sizes are
 * the figures PUBSUB NUMPAT and INFO show.
 *
 * Messages, as Redis 7.0 writes them (">" instead of "*" in RESP3):
 *   *3 $7 message  <channel> <payload>
 *   *3 $8 smessage <channel> <payload>
 *   *4 $8 pmessage <pattern> <channel> <payload>
 *
 * Not here: replies to SUBSCRIBE and friends (cmd_pubsub.c), writing to
 * sockets (plan.c, through core->on_output). */
#include "pubsub.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "dict.h"
#include "mem.h"
#include "util.h"

struct ps_list {
    struct client **v;
    size_t n, cap;
};

struct ps_reg {
    struct dict *names[PS_KINDS]; /* name -> struct ps_list */
};

struct ps_client {
    struct dict *names[PS_KINDS]; /* name -> NULL, in subscription order */
};

static void list_free(void *p)
{
    struct ps_list *l = p;
    if (l == NULL)
        return;
    free(l->v);
    free(l);
}

static struct ps_reg *reg(struct core *core)
{
    if (core->pubsub == NULL) {
        core->pubsub = mem_calloc(1, sizeof(*core->pubsub));
        for (int i = 0; i < PS_KINDS; i++)
            core->pubsub->names[i] = dict_new(list_free);
    }
    return core->pubsub;
}

int ps_subscribe(struct core *core, struct client *c, enum ps_kind kind, const char *name,
                 size_t len)
{
    assert((unsigned)kind < PS_KINDS);
    if (c->ps == NULL) {
        c->ps = mem_calloc(1, sizeof(*c->ps));
        for (int i = 0; i < PS_KINDS; i++)
            c->ps->names[i] = dict_new(NULL);
    }
    int created;
    dict_upsert(c->ps->names[kind], name, len, &created);
    if (!created)
        return 0;
    struct dict_entry *e = dict_upsert(reg(core)->names[kind], name, len, &created);
    if (created)
        e->val = mem_calloc(1, sizeof(struct ps_list));
    struct ps_list *l = e->val;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = c;
    return 1;
}

int ps_unsubscribe(struct core *core, struct client *c, enum ps_kind kind, const char *name,
                   size_t len)
{
    assert((unsigned)kind < PS_KINDS);
    if (c->ps == NULL || dict_find(c->ps->names[kind], name, len) == NULL)
        return 0;
    struct dict_entry *e = dict_find(core->pubsub->names[kind], name, len);
    struct ps_list *l = e->val;
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i] == c) {
            memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(*l->v));
            l->n--;
            break;
        }
    }
    if (l->n == 0)
        dict_remove(core->pubsub->names[kind], e);
    dict_delete(c->ps->names[kind], name, len); /* last: name may be this entry's key */
    return 1;
}

size_t ps_count(const struct client *c, enum ps_kind kind)
{
    assert((unsigned)kind < PS_KINDS);
    return c->ps ? dict_size(c->ps->names[kind]) : 0;
}

size_t ps_total(const struct client *c)
{
    return ps_count(c, PS_CHANNEL) + ps_count(c, PS_PATTERN) + ps_count(c, PS_SHARD);
}

const char *ps_first(const struct client *c, enum ps_kind kind, size_t *len)
{
    assert((unsigned)kind < PS_KINDS && len != NULL);
    struct dict_entry *e = c->ps ? dict_first(c->ps->names[kind]) : NULL;
    if (e == NULL)
        return NULL;
    *len = e->klen;
    return e->key;
}

/* Appends one message to r's output (nothing for a client being closed). */
static void deliver(struct core *core, struct client *from, struct client *r, const char *kind,
                    const char *pat, size_t plen, const char *ch, size_t chlen, const char *msg,
                    size_t mlen)
{
    if (r->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))
        return;
    size_t before = r->out.len;
    buf_printf(&r->out, "%c%d\r\n", r->proto == 3 ? '>' : '*', pat ? 4 : 3);
    resp_w_bulk(&r->out, kind, strlen(kind));
    if (pat)
        resp_w_bulk(&r->out, pat, plen);
    resp_w_bulk(&r->out, ch, chlen);
    resp_w_bulk(&r->out, msg, mlen);
    if (r != from && core->on_output)
        core->on_output(core->on_output_ud, r, before);
}

long long ps_publish(struct core *core, struct client *from, int shard, const char *ch,
                     size_t chlen, const char *msg, size_t mlen)
{
    if (core->pubsub == NULL)
        return 0;
    long long n = 0;
    struct dict *chans = core->pubsub->names[shard ? PS_SHARD : PS_CHANNEL];
    struct dict_entry *e = dict_find(chans, ch, chlen);
    if (e) {
        struct ps_list *l = e->val;
        for (size_t i = 0; i < l->n; i++, n++)
            deliver(core, from, l->v[i], shard ? "smessage" : "message", NULL, 0, ch, chlen, msg,
                    mlen);
    }
    if (shard)
        return n;
    for (e = dict_first(core->pubsub->names[PS_PATTERN]); e; e = dict_next(e)) {
        if (!util_glob(e->key, e->klen, ch, chlen, 0))
            continue;
        struct ps_list *l = e->val;
        for (size_t i = 0; i < l->n; i++, n++)
            deliver(core, from, l->v[i], "pmessage", e->key, e->klen, ch, chlen, msg, mlen);
    }
    return n;
}

size_t ps_nchannels(const struct core *core, int shard)
{
    return core->pubsub ? dict_size(core->pubsub->names[shard ? PS_SHARD : PS_CHANNEL]) : 0;
}

size_t ps_npatterns(const struct core *core)
{
    return core->pubsub ? dict_size(core->pubsub->names[PS_PATTERN]) : 0;
}

size_t ps_numsub(const struct core *core, int shard, const char *ch, size_t len)
{
    if (core->pubsub == NULL)
        return 0;
    struct dict_entry *e = dict_find(core->pubsub->names[shard ? PS_SHARD : PS_CHANNEL], ch, len);
    return e ? ((struct ps_list *)e->val)->n : 0;
}

void ps_each_channel(const struct core *core, int shard, const char *pat, size_t plen,
                     void (*fn)(void *ud, const char *name, size_t len), void *ud)
{
    if (core->pubsub == NULL)
        return;
    struct dict *d = core->pubsub->names[shard ? PS_SHARD : PS_CHANNEL];
    for (struct dict_entry *e = dict_first(d); e; e = dict_next(e))
        if (pat == NULL || util_glob(pat, plen, e->key, e->klen, 0))
            fn(ud, e->key, e->klen);
}

void ps_forget(struct core *core, struct client *c)
{
    if (c->ps == NULL)
        return;
    for (int k = 0; k < PS_KINDS; k++) {
        size_t len;
        const char *name;
        while ((name = ps_first(c, (enum ps_kind)k, &len)) != NULL)
            ps_unsubscribe(core, c, (enum ps_kind)k, name, len);
        dict_free(c->ps->names[k]);
    }
    free(c->ps);
    c->ps = NULL;
}

void ps_destroy(struct core *core)
{
    assert(core->clients == NULL);
    if (core->pubsub == NULL)
        return;
    for (int i = 0; i < PS_KINDS; i++)
        dict_free(core->pubsub->names[i]);
    free(core->pubsub);
    core->pubsub = NULL;
}
