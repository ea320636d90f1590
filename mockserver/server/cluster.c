/* cluster.c - the cluster's shared state and the slot function; see
 * cluster.h. */
#include "cluster.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "dict.h"
#include "mem.h"

/* CRC16-CCITT as XMODEM computes it (polynomial 0x1021, initial value 0,
 * no reflection, no final xor): the checksum Redis Cluster hashes keys
 * with. Computed bit by bit: a key is short, and the loop is its own
 * specification. */
static unsigned crc16_xmodem(const unsigned char *p, size_t len)
{
    unsigned crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned)p[i] << 8;
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    return crc;
}

unsigned cluster_keyslot(const char *key, size_t len)
{
    const char *open = memchr(key, '{', len);
    if (open != NULL) {
        size_t from = (size_t)(open - key) + 1;
        const char *close = memchr(key + from, '}', len - from);
        /* "{}" (an empty tag) hashes the whole key, as Redis */
        if (close != NULL && close > key + from)
            return crc16_xmodem((const unsigned char *)key + from, (size_t)(close - key) - from) &
                   (CLUSTER_SLOTS - 1);
    }
    return crc16_xmodem((const unsigned char *)key, len) & (CLUSTER_SLOTS - 1);
}

struct cluster *cluster_new(int primaries, int replicas, uint64_t seed, char *err, size_t errlen)
{
    if (primaries < 1 || replicas < 0 || (long)primaries * (1 + replicas) > CLUSTER_NODE_MAX) {
        snprintf(err, errlen, "a cluster has 1 to %d nodes, primaries and replicas together",
                 CLUSTER_NODE_MAX);
        return NULL;
    }
    struct cluster *cl = mem_calloc(1, sizeof(*cl));
    cl->nprimaries = primaries;
    cl->replicas = replicas;
    cl->nnodes = primaries * (1 + replicas);
    cl->node_timeout_ms = 15000;
    snprintf(cl->announce_ip, sizeof(cl->announce_ip), "%s", "127.0.0.1");
    uint64_t rng = seed ^ 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < cl->nnodes; i++) {
        struct cluster_node *n = &cl->nodes[i];
        for (int j = 0; j < 40; j += 16) {
            char hex[17];
            snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)dict_rand(&rng));
            memcpy(n->id + j, hex, j + 16 <= 40 ? 16 : (size_t)(40 - j));
        }
        n->id[40] = '\0';
        n->primary = i < primaries ? -1 : (i - primaries) % primaries;
        /* redis-cli --cluster create sets epochs 1..nnodes in node order; a
         * replica shows its primary's */
        n->config_epoch = (uint64_t)i + 1;
    }
    cl->current_epoch = (uint64_t)cl->nnodes;
    /* redis-cli's split: slots per node as a fraction, each range ending at
     * the rounded running sum, the last one at 16383 */
    double per = (double)CLUSTER_SLOTS / primaries, cursor = 0;
    long first = 0;
    for (int i = 0; i < primaries; i++) {
        long last = lround(cursor + per - 1);
        if (last > CLUSTER_SLOTS - 1 || i == primaries - 1)
            last = CLUSTER_SLOTS - 1;
        if (last < first)
            last = first;
        for (long s = first; s <= last; s++)
            cl->owner[s] = (int16_t)i;
        first = last + 1;
        cursor += per;
    }
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        cl->migrating[s] = cl->importing[s] = -1;
    return cl;
}

void cluster_free(struct cluster *cl)
{
    cluster_repl_free(cl);
    free(cl);
}

void cluster_attach(struct cluster *cl, int i, struct core *core)
{
    cl->nodes[i].core = core;
    core->cluster = cl;
    core->cl_node = i;
    core_listen_update(core); /* every change reaches the replicas (cluster_repl.c) */
}

void cluster_set_port(struct cluster *cl, int i, int port)
{
    cl->nodes[i].port = port;
}

void cluster_set_announce(struct cluster *cl, const char *addr)
{
    const char *p = addr, *end = strrchr(addr, ':');
    if (*p == '[') {
        p++;
        end = strchr(p, ']');
    }
    if (end == NULL)
        return;
    snprintf(cl->announce_ip, sizeof(cl->announce_ip), "%.*s", (int)(end - p), p);
    if (strcmp(cl->announce_ip, "0.0.0.0") == 0 || strcmp(cl->announce_ip, "::") == 0)
        snprintf(cl->announce_ip, sizeof(cl->announce_ip), "%s", "127.0.0.1");
}

struct cluster_node *cluster_self(const struct core *core)
{
    return &core->cluster->nodes[core->cl_node];
}

int cluster_node_by_id(const struct cluster *cl, const char *id, size_t len)
{
    if (len != 40)
        return -1;
    for (int i = 0; i < cl->nnodes; i++)
        if (memcmp(cl->nodes[i].id, id, 40) == 0)
            return i;
    return -1;
}

void cluster_node_addr(const struct cluster *cl, int i, char *out, size_t size)
{
    snprintf(out, size, "%s:%d", cl->announce_ip, cl->nodes[i].port);
}

int cluster_primary_of(const struct cluster *cl, int i)
{
    return cl->nodes[i].primary < 0 ? i : cl->nodes[i].primary;
}

int cluster_importer(const struct cluster *cl, int slot)
{
    if (cl->importing[slot] < 0)
        return -1;
    if (cl->importer1[slot] > 0)
        return cl->importer1[slot] - 1;
    return cl->migrating[slot];
}

int cluster_slot_run(const struct cluster *cl, int i, int *from, int *first, int *last)
{
    int s = *from;
    while (s < CLUSTER_SLOTS && cl->owner[s] != i)
        s++;
    if (s >= CLUSTER_SLOTS) {
        *from = CLUSTER_SLOTS;
        return 0;
    }
    int e = s;
    while (e + 1 < CLUSTER_SLOTS && cl->owner[e + 1] == i)
        e++;
    *first = s;
    *last = e;
    *from = e + 1;
    return 1;
}

int cluster_state_ok(const struct cluster *cl)
{
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        if (cl->owner[s] < 0 || cl->nodes[cl->owner[s]].failed)
            return 0;
    return 1;
}
