/* rc_cluster.c - the cluster client: a slot map, one rc_conn per node, and
 * one loop that follows redirects (see rc_cluster.h for the contract).
 *
 * Every call goes through run(): it picks the node from the map, sends the
 * command with an ordinary rc.h call (the "send" function below), and looks
 * at the error text when the node answered with an error:
 *
 *   pick node: map[slot] ──send──> reply ──────────────────────────> done
 *        ^                         │ -MOVED slot host:port
 *        │                         │     refresh the map, map[slot] = host:port,
 *        ├─────────────────────────┘     resend there
 *        │                         │ -ASK slot host:port
 *        ├─────────────────────────┘     resend there, after ASKING (map kept)
 *        │                         │ -TRYAGAIN: wait, resend (bounded apart)
 *        └─────────────────────────┘ connection failed: refresh; resend only
 *                                     if the slot has a new owner
 *   more than max_redirects hops: RC_ERR_REDIRECTS, naming the nodes visited.
 *
 * What the nodes answer is read from the text rc.h keeps (rc_errmsg) after
 * RC_ERR_REPLY: this file uses rc.h's public calls only, so a typed call
 * (GET, SET, INCRBY) is the same code on one node and on a cluster.
 *
 * The slot function is written here again, not shared with the server: a
 * client library must not link the server. Its unit test checks it against
 * slots Redis computes.
 *
 * Nodes are kept in an array that only grows (an index stays valid for the
 * life of the client); a node's connection is opened when a command or a
 * map refresh first needs it, and closed after it failed, so that the next
 * use opens it again (rc_connect: nothing is sent before it succeeds). */
#include "rc_cluster.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rc_internal.h"

#define RC__NODES_MAX 4096 /* addresses one client remembers (seeds, map, redirects) */

struct rc__cnode {
    struct rc__addr addr;
    struct rc_conn *conn; /* NULL until needed, and after it failed */
};

struct rc_cluster {
    struct rc_config cfg; /* timeouts for every node; host/port set per node */
    struct rc__cnode *nodes;
    int nnodes, cap;
    int nseeds;                    /* nodes[0..nseeds-1] came from the seed list */
    short owner[RC_CLUSTER_SLOTS]; /* slot -> index in nodes, -1: unknown */
    int max_redirects;
    int tryagain_max, tryagain_wait_ms;
    struct rc_cluster_stats stats;
    struct rc__slot_map
        *scratch; /* what a refresh parses into (16 kB of slots: not on the stack) */
    char err[256];
};

/* ---- the slot function --------------------------------------------------------- */

/* CRC16 as Redis Cluster uses it (the XMODEM variant: polynomial 0x1021,
 * initial value 0, no reflection, no final xor), one bit at a time: short
 * and obviously right beats a table for keys of a few dozen bytes. */
static unsigned crc16_xmodem(const unsigned char *p, size_t len)
{
    unsigned crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned)p[i] << 8;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    return crc;
}

unsigned rc_cluster_slot(const char *key, size_t keylen)
{
    /* The hash tag: after the first '{', up to the first '}' after it. An
     * empty tag ("{}") or an unclosed one hashes the whole key. */
    const char *open = memchr(key, '{', keylen);
    if (open != NULL) {
        size_t from = (size_t)(open - key) + 1;
        const char *close = memchr(key + from, '}', keylen - from);
        if (close != NULL && close > key + from)
            return crc16_xmodem((const unsigned char *)key + from, (size_t)(close - (key + from))) &
                   (RC_CLUSTER_SLOTS - 1);
    }
    return crc16_xmodem((const unsigned char *)key, keylen) & (RC_CLUSTER_SLOTS - 1);
}

/* ---- parsing: addresses and CLUSTER SLOTS (pure) ---------------------------------- */

int rc__parse_addr(const char *s, size_t len, struct rc__addr *a)
{
    const char *colon = NULL;
    for (size_t i = len; i > 0; i--) /* the last ':' separates the port */
        if (s[i - 1] == ':') {
            colon = s + i - 1;
            break;
        }
    if (colon == NULL || colon + 1 == s + len)
        return -1;
    const char *host = s;
    size_t hostlen = (size_t)(colon - s);
    if (hostlen >= 2 && host[0] == '[' && host[hostlen - 1] == ']') { /* [v6]:port */
        host++;
        hostlen -= 2;
    }
    if (hostlen >= sizeof(a->host))
        return -1;
    long port = 0;
    for (const char *p = colon + 1; p < s + len; p++) {
        if (*p < '0' || *p > '9' || port > 65535)
            return -1;
        port = port * 10 + (*p - '0');
    }
    if (port < 1 || port > 65535)
        return -1;
    memcpy(a->host, host, hostlen);
    a->host[hostlen] = '\0';
    a->port = (int)port;
    return 0;
}

static int fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "CLUSTER SLOTS: %s", msg);
    return -1;
}

/* The index of host:port in map->nodes, added when new; -1 when full. */
static int map_node(struct rc__slot_map *map, const char *host, size_t hostlen, int port)
{
    for (int i = 0; i < map->nnodes; i++)
        if (map->nodes[i].port == port && strlen(map->nodes[i].host) == hostlen &&
            memcmp(map->nodes[i].host, host, hostlen) == 0)
            return i;
    if (map->nnodes == RC__MAP_NODES_MAX || hostlen >= RC_HOST_MAX)
        return -1;
    struct rc__addr *a = &map->nodes[map->nnodes];
    memcpy(a->host, host, hostlen);
    a->host[hostlen] = '\0';
    a->port = port;
    return map->nnodes++;
}

int rc__parse_cluster_slots(const redisReply *r, const char *asked_host, struct rc__slot_map *map,
                            char *err, size_t errlen)
{
    map->nnodes = 0;
    for (int s = 0; s < RC_CLUSTER_SLOTS; s++)
        map->owner[s] = -1;
    if (r == NULL || r->type != REDIS_REPLY_ARRAY)
        return fail(err, errlen, "not an array");
    int mapped = 0;
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *range = r->element[i];
        /* [start, end, primary, replica...]; the primary is [host, port, ...]. */
        if (range->type != REDIS_REPLY_ARRAY || range->elements < 3 ||
            range->element[0]->type != REDIS_REPLY_INTEGER ||
            range->element[1]->type != REDIS_REPLY_INTEGER ||
            range->element[2]->type != REDIS_REPLY_ARRAY)
            return fail(err, errlen, "a range is not [start, end, [host, port, ...], ...]");
        long long start = range->element[0]->integer, end = range->element[1]->integer;
        if (start < 0 || end < start || end >= RC_CLUSTER_SLOTS)
            return fail(err, errlen, "a range is outside 0..16383");
        const redisReply *node = range->element[2];
        if (node->elements < 2 || node->element[0]->type != REDIS_REPLY_STRING ||
            node->element[1]->type != REDIS_REPLY_INTEGER)
            return fail(err, errlen, "a node is not [host, port, ...]");
        const char *host = node->element[0]->str;
        size_t hostlen = (size_t)node->element[0]->len;
        long long port = node->element[1]->integer;
        if (hostlen == 1 && host[0] == '?')
            continue; /* the node does not know this primary's address */
        if (hostlen == 0) {
            host = asked_host;
            hostlen = strlen(asked_host);
        }
        if (port < 1 || port > 65535)
            return fail(err, errlen, "a port is outside 1..65535");
        int idx = map_node(map, host, hostlen, (int)port);
        if (idx < 0)
            return fail(err, errlen, "too many nodes, or a host name too long");
        for (long long s = start; s <= end; s++) {
            if (map->owner[s] < 0)
                mapped++;
            map->owner[s] = (short)idx;
        }
    }
    return mapped;
}

/* ---- nodes and their connections ------------------------------------------------- */

static void set_err(struct rc_cluster *cl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(struct rc_cluster *cl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cl->err, sizeof(cl->err), fmt, ap);
    va_end(ap);
}

/* The index of node host:port, added when new; -1 when memory runs out
 * or RC__NODES_MAX nodes are known already (the map stores indexes as
 * shorts). */
static int node_index(struct rc_cluster *cl, const struct rc__addr *a)
{
    for (int i = 0; i < cl->nnodes; i++)
        if (cl->nodes[i].addr.port == a->port && strcmp(cl->nodes[i].addr.host, a->host) == 0)
            return i;
    if (cl->nnodes == RC__NODES_MAX)
        return -1;
    if (cl->nnodes == cl->cap) {
        int cap = cl->cap ? cl->cap * 2 : 8;
        struct rc__cnode *n = realloc(cl->nodes, (size_t)cap * sizeof(*n));
        if (n == NULL)
            return -1;
        cl->nodes = n;
        cl->cap = cap;
    }
    cl->nodes[cl->nnodes].addr = *a;
    cl->nodes[cl->nnodes].conn = NULL;
    return cl->nnodes++;
}

/* Node i's connection, opened now if it is not open. RC_OK and *out, or the
 * status of the failed connect (message in cl->err): nothing was sent. */
static enum rc_status node_conn(struct rc_cluster *cl, int i, struct rc_conn **out)
{
    struct rc__cnode *n = &cl->nodes[i];
    if (n->conn == NULL) {
        struct rc_config cfg = cl->cfg;
        if (rc_config_set_host(&cfg, n->addr.host, n->addr.port) != RC_OK)
            return RC_ERR_ARG; /* cannot happen: the host fit in the same size */
        char msg[160];
        enum rc_status st = rc_connect(&cfg, &n->conn, msg, sizeof(msg));
        if (st != RC_OK) {
            set_err(cl, "%s:%d: %s", n->addr.host, n->addr.port, msg);
            return st;
        }
        cl->stats.connects++;
    }
    *out = n->conn;
    return RC_OK;
}

/* Closes node i's connection after it failed: its next use connects anew. */
static void node_drop(struct rc_cluster *cl, int i)
{
    rc_close(cl->nodes[i].conn);
    cl->nodes[i].conn = NULL;
}

/* ---- the slot map ---------------------------------------------------------------- */

/* Asks node i for CLUSTER SLOTS and, when the reply parses, makes it the
 * map. The map's slots that no range covers become unknown. */
static enum rc_status refresh_from(struct rc_cluster *cl, int i)
{
    struct rc_conn *c;
    enum rc_status st = node_conn(cl, i, &c);
    if (st != RC_OK)
        return st;
    redisReply *r;
    const char *argv[] = {"CLUSTER", "SLOTS"};
    st = rc_cmd_argv(c, 2, argv, NULL, &r);
    if (st != RC_OK) {
        set_err(cl, "%s:%d: %s", cl->nodes[i].addr.host, cl->nodes[i].addr.port, rc_errmsg(c));
        if (st != RC_ERR_REPLY && st != RC_WRONGTYPE && st != RC_MISSING)
            node_drop(cl, i);
        return st == RC_MISSING ? RC_ERR_REPLY : st;
    }
    struct rc__slot_map *map = cl->scratch;
    int mapped = rc__parse_cluster_slots(r, cl->nodes[i].addr.host, map, cl->err, sizeof(cl->err));
    freeReplyObject(r);
    if (mapped < 0)
        return RC_ERR_PROTOCOL;
    /* The map's node numbers become ours (an index into cl->nodes). */
    short ours[RC__MAP_NODES_MAX];
    for (int k = 0; k < map->nnodes; k++) {
        int idx = node_index(cl, &map->nodes[k]);
        if (idx < 0) {
            set_err(cl, "out of memory, or too many node addresses");
            return RC_ERR_IO;
        }
        ours[k] = (short)idx;
    }
    for (int s = 0; s < RC_CLUSTER_SLOTS; s++)
        cl->owner[s] = map->owner[s] < 0 ? -1 : ours[map->owner[s]];
    cl->stats.refreshes++;
    return RC_OK;
}

enum rc_status rc_cluster_refresh(struct rc_cluster *cl)
{
    /* Nodes in turn: first those of the map (they answered recently),
     * then the seeds; the first complete answer wins. */
    enum rc_status st = RC_ERR_IO;
    for (int i = 0; i < cl->nnodes; i++) {
        st = refresh_from(cl, i);
        if (st == RC_OK)
            return RC_OK;
    }
    return st;
}

/* A node to send a keyless command to, or a command whose slot the map
 * does not know (that node will redirect it): the first node with an open
 * connection, else the first one. */
static int any_node(const struct rc_cluster *cl)
{
    for (int i = 0; i < cl->nnodes; i++)
        if (cl->nodes[i].conn != NULL)
            return i;
    return 0;
}

enum rc_status rc_cluster_slot_node(const struct rc_cluster *cl, unsigned slot, char *out,
                                    size_t size)
{
    if (slot >= RC_CLUSTER_SLOTS)
        return RC_ERR_ARG;
    int i = cl->owner[slot];
    if (i < 0)
        return RC_MISSING;
    snprintf(out, size, "%s:%d", cl->nodes[i].addr.host, cl->nodes[i].addr.port);
    return RC_OK;
}

/* ---- the redirect loop ----------------------------------------------------------- */

/* One attempt of a call on one connection: an rc.h call. */
typedef enum rc_status (*send_fn)(struct rc_conn *c, void *arg);

/* What a node's error reply asks the client to do. */
enum redirect { R_NONE, R_MOVED, R_ASK, R_TRYAGAIN, R_CLUSTERDOWN };

/* Reads "MOVED <slot> <host:port>", "ASK ...", "TRYAGAIN ...",
 * "CLUSTERDOWN ..." from an error text; *to gets the address of MOVED/ASK
 * (an empty host there means the node that answered: asked). */
static enum redirect parse_redirect(const char *msg, const char *asked, struct rc__addr *to)
{
    if (strncmp(msg, "TRYAGAIN", 8) == 0 && (msg[8] == ' ' || msg[8] == '\0'))
        return R_TRYAGAIN;
    if (strncmp(msg, "CLUSTERDOWN", 11) == 0 && (msg[11] == ' ' || msg[11] == '\0'))
        return R_CLUSTERDOWN;
    enum redirect kind;
    if (strncmp(msg, "MOVED ", 6) == 0)
        kind = R_MOVED, msg += 6;
    else if (strncmp(msg, "ASK ", 4) == 0)
        kind = R_ASK, msg += 4;
    else
        return R_NONE;
    const char *space = strchr(msg, ' '); /* after the slot */
    if (space == NULL || rc__parse_addr(space + 1, strlen(space + 1), to) != 0) {
        /* ":port" without a host: the same host as the node that answered. */
        if (space == NULL || space[1] != ':' || strlen(asked) >= sizeof(to->host))
            return R_NONE;
        struct rc__addr a;
        char buf[RC_HOST_MAX + 16];
        snprintf(buf, sizeof(buf), "%s%s", asked, space + 1);
        if (rc__parse_addr(buf, strlen(buf), &a) != 0)
            return R_NONE;
        *to = a;
    }
    return kind;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Appends ", MOVED host:port" to the trail of nodes a call visited (for
 * the message of RC_ERR_REDIRECTS). A trail too long for the buffer is
 * cut: the first hops are the informative ones. */
static void trail_add(char *trail, size_t size, const char *what, const struct rc__addr *a)
{
    size_t used = strlen(trail);
    if (used + 1 >= size)
        return;
    int n =
        snprintf(trail + used, size - used, "%s%s %s:%d", used ? ", " : "", what, a->host, a->port);
    if (n < 0 || (size_t)n >= size - used)
        trail[size - 1] = '\0'; /* cut (snprintf has terminated it already) */
}

/* Runs send(arg) on the node serving slot (any node when keyless),
 * following redirects as the file's comment draws it. */
static enum rc_status run(struct rc_cluster *cl, unsigned slot, int keyless, send_fn send,
                          void *arg)
{
    cl->err[0] = '\0';
    int node = keyless ? any_node(cl) : cl->owner[slot];
    if (node < 0)
        node = any_node(cl); /* a slot the map does not know: that node redirects us */
    int asking = 0, hops = 0, tryagains = 0;
    char trail[200] = "";
    for (;;) {
        struct rc_conn *c = NULL;
        enum rc_status st = node_conn(cl, node, &c);
        int sent = 0; /* 1 once the command itself went out */
        if (st == RC_OK && asking) {
            /* ASKING allows the next command on this connection, one only,
             * to use a slot this node is importing. */
            const char *argv[] = {"ASKING"};
            st = rc_cmd_argv(c, 1, argv, NULL, NULL);
        }
        if (st == RC_OK) {
            st = send(c, arg);
            sent = 1;
        }
        if (st == RC_OK || st == RC_MISSING || st == RC_WRONGTYPE)
            return st;
        if (c != NULL && st != RC_ERR_REPLY && st != RC_ERR_ARG) /* node_conn set it otherwise */
            set_err(cl, "%s:%d: %s", cl->nodes[node].addr.host, cl->nodes[node].addr.port,
                    rc_errmsg(c));
        if (st == RC_ERR_ARG || st == RC_ERR_PROTOCOL || (sent && st == RC_ERR_TIMEOUT)) {
            /* Not retried. A timeout after sending: the command may still
             * be running there. */
            if (st != RC_ERR_ARG)
                node_drop(cl, node);
            return st;
        }
        if (st == RC_ERR_IO || st == RC_ERR_TIMEOUT) {
            /* The node's connection failed (or could not be opened): read
             * the map from the others, and resend only when the slot has
             * moved to another node (a failover, a node taken out). */
            node_drop(cl, node);
            char why[sizeof(cl->err)];
            memcpy(why, cl->err, sizeof(why));
            int before = node;
            if (keyless || hops >= cl->max_redirects || rc_cluster_refresh(cl) != RC_OK ||
                cl->owner[slot] < 0 || cl->owner[slot] == before) {
                memcpy(cl->err, why, sizeof(why));
                return st;
            }
            node = cl->owner[slot];
            asking = 0;
            hops++;
            cl->stats.io_retry++;
            trail_add(trail, sizeof(trail), "reconnect", &cl->nodes[node].addr);
            continue;
        }
        /* An error reply: a redirect, or the answer. */
        struct rc__addr to;
        const char *msg = rc_errmsg(c);
        enum redirect r = parse_redirect(msg, cl->nodes[node].addr.host, &to);
        if (r == R_NONE) {
            set_err(cl, "%s", msg);
            return RC_ERR_REPLY;
        }
        if (r == R_CLUSTERDOWN) {
            set_err(cl, "%s", msg);
            return RC_ERR_CLUSTERDOWN;
        }
        if (r == R_TRYAGAIN) {
            if (tryagains >= cl->tryagain_max) {
                set_err(cl, "%s (after %d retries)", msg, tryagains);
                return RC_ERR_TRYAGAIN;
            }
            tryagains++;
            cl->stats.tryagain++;
            if (cl->tryagain_wait_ms > 0)
                sleep_ms(cl->tryagain_wait_ms);
            node = cl->owner[slot] >= 0 ? cl->owner[slot] : node;
            asking = 0;
            continue;
        }
        /* MOVED or ASK. */
        if (hops >= cl->max_redirects) {
            trail_add(trail, sizeof(trail), r == R_MOVED ? "MOVED" : "ASK", &to);
            set_err(cl, "slot %u: more than %d redirects (%s)", slot, cl->max_redirects, trail);
            return RC_ERR_REDIRECTS;
        }
        hops++;
        trail_add(trail, sizeof(trail), r == R_MOVED ? "MOVED" : "ASK", &to);
        int target = node_index(cl, &to);
        if (target < 0) {
            set_err(cl, "out of memory, or too many node addresses");
            return RC_ERR_IO;
        }
        if (r == R_MOVED) {
            /* The slot has a new owner for good: read the whole map (other
             * slots probably moved with it), then trust the redirect for
             * this slot whatever the map said -- it is the newest word. */
            cl->stats.moved++;
            rc_cluster_refresh(cl);
            if (!keyless)
                cl->owner[slot] = (short)target;
            asking = 0;
        } else {
            cl->stats.ask++;
            asking = 1;
        }
        node = target;
    }
}

/* ---- calls ------------------------------------------------------------------------ */

/* The slot shared by the keys argv[first], argv[first+step], ... argv[last],
 * or RC_ERR_CROSSSLOT (message in cl->err) when two differ. */
static enum rc_status keys_slot(struct rc_cluster *cl, int argc, const char **argv,
                                const size_t *argvlen, int first, int last, int step,
                                unsigned *slot)
{
    if (last < 0)
        last = argc + last;
    if (first < 1 || first >= argc || last < first || last >= argc || step < 1) {
        set_err(cl, "key positions %d..%d step %d do not fit %d arguments", first, last, step,
                argc);
        return RC_ERR_ARG;
    }
    int k0 = first;
    for (int k = first; k <= last; k += step) {
        size_t len = argvlen ? argvlen[k] : strlen(argv[k]);
        unsigned s = rc_cluster_slot(argv[k], len);
        if (k == first) {
            *slot = s;
        } else if (s != *slot) {
            size_t len0 = argvlen ? argvlen[k0] : strlen(argv[k0]);
            set_err(cl,
                    "keys \"%.*s\" (slot %u) and \"%.*s\" (slot %u) are in different slots; "
                    "nothing sent (use one hash tag: {tag}...)",
                    (int)(len0 > 40 ? 40 : len0), argv[k0], *slot, (int)(len > 40 ? 40 : len),
                    argv[k], s);
            return RC_ERR_CROSSSLOT;
        }
    }
    return RC_OK;
}

struct argv_call {
    int argc;
    const char **argv;
    const size_t *argvlen;
    redisReply **out;
};

static enum rc_status send_argv(struct rc_conn *c, void *arg)
{
    struct argv_call *a = arg;
    return rc_cmd_argv(c, a->argc, a->argv, a->argvlen, a->out);
}

enum rc_status rc_cluster_cmd_argv(struct rc_cluster *cl, int argc, const char **argv,
                                   const size_t *argvlen, int first, int last, int step,
                                   redisReply **out)
{
    if (out)
        *out = NULL;
    unsigned slot = 0;
    if (first != 0) {
        enum rc_status st = keys_slot(cl, argc, argv, argvlen, first, last, step, &slot);
        if (st != RC_OK)
            return st;
    }
    struct argv_call a = {argc, argv, argvlen, out};
    return run(cl, slot, first == 0, send_argv, &a);
}

/* The typed calls: one key, one rc.h call. */
struct key_call {
    const char *key;
    size_t keylen;
    const char *val;
    size_t vallen;
    long long num;
    struct rc_value *sv;
    long long *iv;
};

static enum rc_status send_get(struct rc_conn *c, void *arg)
{
    struct key_call *k = arg;
    return rc_get(c, k->key, k->keylen, k->sv);
}

static enum rc_status send_set(struct rc_conn *c, void *arg)
{
    struct key_call *k = arg;
    return rc_set(c, k->key, k->keylen, k->val, k->vallen, k->num);
}

static enum rc_status send_incrby(struct rc_conn *c, void *arg)
{
    struct key_call *k = arg;
    return rc_incrby(c, k->key, k->keylen, k->num, k->iv);
}

enum rc_status rc_cluster_get(struct rc_cluster *cl, const char *key, size_t keylen,
                              struct rc_value *out)
{
    struct key_call k = {key, keylen, NULL, 0, 0, out, NULL};
    out->str = NULL;
    out->len = 0;
    return run(cl, rc_cluster_slot(key, keylen), 0, send_get, &k);
}

enum rc_status rc_cluster_set(struct rc_cluster *cl, const char *key, size_t keylen,
                              const char *val, size_t vallen, long long ttl_ms)
{
    struct key_call k = {key, keylen, val, vallen, ttl_ms, NULL, NULL};
    return run(cl, rc_cluster_slot(key, keylen), 0, send_set, &k);
}

enum rc_status rc_cluster_incrby(struct rc_cluster *cl, const char *key, size_t keylen,
                                 long long by, long long *out)
{
    struct key_call k = {key, keylen, NULL, 0, by, NULL, out};
    return run(cl, rc_cluster_slot(key, keylen), 0, send_incrby, &k);
}

enum rc_status rc_cluster_mset(struct rc_cluster *cl, int n, const char *const *keys,
                               const size_t *keylens, const char *const *vals,
                               const size_t *vallens)
{
    if (n < 1) {
        set_err(cl, "MSET needs at least one key");
        return RC_ERR_ARG;
    }
    int argc = 1 + 2 * n;
    const char **argv = malloc((size_t)argc * sizeof(*argv));
    size_t *argvlen = malloc((size_t)argc * sizeof(*argvlen));
    if (argv == NULL || argvlen == NULL) {
        free(argv);
        free(argvlen);
        set_err(cl, "out of memory");
        return RC_ERR_IO;
    }
    argv[0] = "MSET";
    argvlen[0] = 4;
    for (int i = 0; i < n; i++) {
        argv[1 + 2 * i] = keys[i];
        argvlen[1 + 2 * i] = keylens[i];
        argv[2 + 2 * i] = vals[i];
        argvlen[2 + 2 * i] = vallens[i];
    }
    redisReply *r = NULL;
    enum rc_status st = rc_cluster_cmd_argv(cl, argc, argv, argvlen, 1, -1, 2, &r);
    if (st == RC_OK && r->type != REDIS_REPLY_STATUS) {
        set_err(cl, "unexpected reply type %s (wanted status)", rc__type_name(r->type));
        st = RC_WRONGTYPE;
    }
    freeReplyObject(r);
    free(argv);
    free(argvlen);
    return st;
}

/* ---- life -------------------------------------------------------------------------- */

/* Adds each "host:port" of the comma-separated seeds. -1 on a bad one. */
static int add_seeds(struct rc_cluster *cl, const char *seeds)
{
    const char *p = seeds;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len > 0 && *p == ' ') /* "a:1, b:2" */
            p++, len--;
        struct rc__addr a;
        if (rc__parse_addr(p, len, &a) != 0) {
            set_err(cl, "seed \"%.*s\" is not host:port", (int)(len > 60 ? 60 : len), p);
            return -1;
        }
        if (node_index(cl, &a) < 0) {
            set_err(cl, "out of memory");
            return -1;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    cl->nseeds = cl->nnodes;
    if (cl->nseeds == 0) {
        set_err(cl, "no seed node given");
        return -1;
    }
    return 0;
}

enum rc_status rc_cluster_connect(const struct rc_config *cfg, const char *seeds,
                                  struct rc_cluster **out, char *err, size_t errlen)
{
    *out = NULL;
    struct rc_cluster *cl = calloc(1, sizeof(*cl));
    struct rc__slot_map *scratch = malloc(sizeof(*scratch));
    if (cl == NULL || scratch == NULL) {
        free(cl);
        free(scratch);
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return RC_ERR_IO;
    }
    cl->cfg = *cfg;
    cl->scratch = scratch;
    cl->max_redirects = RC_CLUSTER_MAX_REDIRECTS_DEFAULT;
    cl->tryagain_max = RC_CLUSTER_TRYAGAIN_DEFAULT;
    cl->tryagain_wait_ms = RC_CLUSTER_TRYAGAIN_WAIT_MS;
    for (int s = 0; s < RC_CLUSTER_SLOTS; s++)
        cl->owner[s] = -1;
    enum rc_status st = add_seeds(cl, seeds) == 0 ? rc_cluster_refresh(cl) : RC_ERR_ARG;
    if (st != RC_OK) {
        if (err && errlen)
            snprintf(err, errlen, "%s", cl->err);
        rc_cluster_close(cl);
        return st;
    }
    *out = cl;
    return RC_OK;
}

void rc_cluster_close(struct rc_cluster *cl)
{
    if (cl == NULL)
        return;
    for (int i = 0; i < cl->nnodes; i++)
        rc_close(cl->nodes[i].conn);
    free(cl->nodes);
    free(cl->scratch);
    free(cl);
}

void rc_cluster_set_max_redirects(struct rc_cluster *cl, int n)
{
    cl->max_redirects = n < 0 ? 0 : n;
}

void rc_cluster_set_tryagain(struct rc_cluster *cl, int attempts, int wait_ms)
{
    cl->tryagain_max = attempts < 0 ? 0 : attempts;
    cl->tryagain_wait_ms = wait_ms < 0 ? 0 : wait_ms;
}

const char *rc_cluster_errmsg(const struct rc_cluster *cl)
{
    return cl->err;
}

struct rc_cluster_stats rc_cluster_stats(const struct rc_cluster *cl)
{
    return cl->stats;
}
