/* cluster.h - a Redis Cluster simulated in one process.
 *
 * `mockredis --cluster N [--replicas R]` runs N primaries and N*R replicas
 * in one process: one struct core per node (its own keyspace, clients,
 * counters and configuration) and one struct srv per node (its own
 * listener on its own port), all on one event loop. What Redis nodes learn
 * from each other over the cluster bus -- who owns which slot, who is a
 * replica of whom, which node failed, the epochs -- is one struct cluster
 * that every node points to (core->cluster); there is no bus, no gossip and
 * no nodes.conf: a topology change (MOCK CLUSTER, a scenario action, CLUSTER
 * SETSLOT) is seen by every node at once, as a converged real cluster would
 * see it once the gossip settled.
 *
 * Nodes are numbered 0..nnodes-1: the primaries first (0..nprimaries-1,
 * slots split among them as `redis-cli --cluster create` splits them), then
 * the replicas, replica j following primary j % nprimaries. The index is
 * the node's name in MOCK CLUSTER, scenarios and the harness; clients see
 * node ids (40 hex digits) and addresses.
 *
 * Routing (cluster_route) is called by cmd_dispatch for every command with
 * keys, where Redis's processCommand calls getNodeByQuery: after the
 * authentication and no-multi checks, before maxmemory. It answers MOVED,
 * ASK, CROSSSLOT, TRYAGAIN and CLUSTERDOWN as Redis 7.0 does.
 *
 * Depends on: core.h (a node's server state), cmd.h (key positions from the
 * command table) and nothing of the network side: net.c's srvs are created
 * by main.c and recorded here only as pointers. */
#ifndef MOCKREDIS_CLUSTER_H
#define MOCKREDIS_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct core;
struct client;
struct cmd_def;
struct resp_argv;
struct srv;
struct clk;
struct cluster_repl;

#define CLUSTER_SLOTS    16384
#define CLUSTER_NODE_MAX 64 /* nodes in one process: primaries and replicas */

/* Client flags of cluster mode (core.h's CL_* bits, far from the others). */
#define CL_ASKING   (1u << 27) /* sent ASKING: its next command may use an importing slot */
#define CL_READONLY (1u << 28) /* READONLY: a replica serves its reads */

struct cluster_node {
    char id[41];           /* 40 lower-case hex digits, NUL-terminated */
    int primary;           /* index of its primary, -1 for a primary */
    uint64_t config_epoch; /* primaries: 1..nprimaries as redis-cli leaves them */
    struct core *core;     /* its server state, NULL until cluster_attach */
    struct srv *srv;       /* its network side, NULL without one (unit tests) */
    int port;              /* TCP port it listens on (announced in MOVED, SLOTS, NODES) */
    /* Taken down (MOCK CLUSTER DOWN, a scenario action): its listener is
     * closed and its clients dropped; at down_ms on the cluster clock.
     * After node_timeout_ms more it is "fail" to the others (failed). */
    int down;
    int failed;
    int64_t down_ms;
    /* Redirections this node answered, since the start or CONFIG RESETSTAT
     * (MOCK CLUSTER STATS, scenario expectations). */
    uint64_t moved, ask, crossslot, tryagain, clusterdown;
    /* Topology (cluster_topo.c): when it was marked failed (cluster
     * clock); a replica's keys still to copy from its primary
     * (cluster_repl.c), NULL: none. */
    int64_t failed_ms;
    struct cluster_repl *repl;
};

struct cluster {
    int nnodes, nprimaries, replicas;
    struct cluster_node nodes[CLUSTER_NODE_MAX];
    /* Slot -> index of the primary that owns it, -1: unassigned. */
    int16_t owner[CLUSTER_SLOTS];
    /* CLUSTER SETSLOT MIGRATING/IMPORTING (a migration in progress): the
     * owner's MIGRATING target, the target's IMPORTING source; -1: none. */
    int16_t migrating[CLUSTER_SLOTS];
    int16_t importing[CLUSTER_SLOTS];
    uint64_t current_epoch;
    long long node_timeout_ms; /* cluster-node-timeout, 15000 */
    char announce_ip[64];      /* the host in MOVED, ASK, SLOTS, NODES: "127.0.0.1" */
    /* The network side of a node going down (on 0) or up (on 1): closes
     * its listener and connections, or listens again on its port. main.c
     * sets net.c's srv_set_listening; NULL (unit tests): state only.
     * Returns 0, or -1 with a message in err. */
    int (*node_net)(struct srv *srv, int on, char *err, size_t errlen);
    /* CLUSTER SETSLOT IMPORTING (cmd_cluster.c): 1 + the node that set it,
     * 0: not said (the importing node is then migrating[slot], as
     * cluster_migrate_start leaves it). Read through cluster_importer. */
    int16_t importer1[CLUSTER_SLOTS];
};

/* The slot of a key: CRC16 (XMODEM, as Redis's crc16.c) of the key, or of
 * its hash tag -- the bytes between the first '{' and the first '}' after
 * it, when there are any -- modulo 16384. */
unsigned cluster_keyslot(const char *key, size_t len);

/* A cluster of primaries (1..CLUSTER_NODE_MAX) and replicas per primary,
 * slots split as redis-cli splits them, node ids drawn from seed (the same
 * seed gives the same ids), no core attached yet. NULL with a message in
 * err when the numbers do not fit. */
struct cluster *cluster_new(int primaries, int replicas, uint64_t seed, char *err, size_t errlen);
/* Frees the cluster, not the nodes' cores or srvs. NULL is fine. */
void cluster_free(struct cluster *cl);
/* Makes core node i of cl: core->cluster and core->cl_node set, port the
 * port it listens on (0 until known: cluster_set_port). */
void cluster_attach(struct cluster *cl, int i, struct core *core);
void cluster_set_port(struct cluster *cl, int i, int port);
/* Takes the host nodes announce from a listener's "HOST:PORT" or
 * "[V6]:PORT" (srv_addr); a wildcard address announces 127.0.0.1. */
void cluster_set_announce(struct cluster *cl, const char *addr);

/* The node serving core (core->cl_node's entry). */
struct cluster_node *cluster_self(const struct core *core);
/* The node whose id is the len bytes at id (exactly, as Redis's node
 * lookup: another length or case is no node), -1 when none. */
int cluster_node_by_id(const struct cluster *cl, const char *id, size_t len);
/* "host:port" of node i, as MOVED and ASK give it. */
void cluster_node_addr(const struct cluster *cl, int i, char *out, size_t size);
/* The primary of node i (itself for a primary). */
int cluster_primary_of(const struct cluster *cl, int i);

/* Where Redis's processCommand asks getNodeByQuery: decides whether the
 * command a (d its row, top-level or subcommand) may run on client c's
 * node. Returns 0 when it runs here; 1 when it is refused, with the error
 * in err (no leading '-', no CRLF: "MOVED 3999 127.0.0.1:7001",
 * "CROSSSLOT Keys in request don't hash to the same slot") and the node's
 * counters moved. For EXEC, the keys of the whole queued transaction. The
 * caller (cmd.c) writes the error and flags or discards the transaction as
 * Redis does. Consumes c's ASKING flag. */
int cluster_route(struct core *core, struct client *c, const struct cmd_def *d,
                  const struct resp_argv *a, struct buf *err);

/* ---- routing (cluster_route.c) --------------------------------------------- */

/* Redis's check of a command a script runs (redis.call, redis.pcall) in
 * cluster mode: 0 when it may run on this node, else the rtext id of the
 * error the call raises (RT_CL_SCRIPT_NONLOCAL, RT_CL_SCRIPT_DOWN).
 * caller's READONLY and ASKING count; nothing is counted or consumed. */
int cluster_script_check(struct core *core, const struct client *caller, const struct cmd_def *d,
                         const struct resp_argv *a);
/* Ends client c's ASKING after command d (NULL: unknown), as Redis does
 * after every command: cluster_route calls it, and cmd.c for a command
 * refused before routing. */
void cluster_asking_done(struct client *c, const struct cmd_def *d);
/* Zeroes this node's redirection counters (CONFIG RESETSTAT). */
void cluster_reset_stats(struct core *core);
/* What the cluster bus carries for PUBLISH (shard 0: to every other node)
 * and SPUBLISH (shard 1: to the other nodes of core's shard, its primary
 * and their replicas): the message delivered to their subscribers. Nodes
 * down are skipped. */
void cluster_publish(struct core *core, int shard, const char *ch, size_t chlen, const char *msg,
                     size_t mlen);

/* The runs of consecutive slots node i owns, in slot order: each call
 * finds the next one at or after *from (start at 0), sets *first and
 * *last, moves *from past it and returns 1; 0 when there is none left.
 *     for (int s = 0, a, b; cluster_slot_run(cl, i, &s, &a, &b);) ... */
int cluster_slot_run(const struct cluster *cl, int i, int *from, int *first, int *last);

/* The node importing slot (CLUSTER SETSLOT IMPORTING, or the target of a
 * migration cluster_migrate_start began), -1 when none (cluster.c). */
int cluster_importer(const struct cluster *cl, int slot);

/* cluster_state:ok -- every slot is served by a node that is not failed. */
int cluster_state_ok(const struct cluster *cl);

/* ---- topology changes (cluster_topo.c) ---------------------------------------
 *
 * What MOCK CLUSTER and a scenario's cluster actions do; CLUSTER SETSLOT
 * and CLUSTER FAILOVER change the same state. Each returns 0, or -1 with a
 * one-line message in err (nothing changed). Nodes are indexes. The
 * functions that move keys work on database 0 (the only one in cluster
 * mode) and need the nodes' cores attached. */

/* Node i from its index ("0".."nnodes-1") or its id (cluster_node_by_id);
 * -1 when neither names a node. */
int cluster_node_lookup(const struct cluster *cl, const char *s, size_t len);

/* Starts moving slot from its owner to primary `to`: the owner MIGRATING
 * (migrating[slot] = to), `to` IMPORTING (importing[slot] = the owner)
 * -- ASK for keys already moved, TRYAGAIN for multi-key commands split
 * across the move. Errors: slot out of range or unassigned, `to` not a
 * primary or already the owner, a migration of that slot in progress. */
int cluster_migrate_start(struct cluster *cl, int slot, int to, char *err, size_t errlen);
/* Moves up to n (>= 0) keys of a migrating slot from the owner's keyspace
 * to the target's, as MIGRATE does (cluster_move_key). Returns how many
 * moved (>= 0), -1 on error (the slot is not migrating). */
long long cluster_migrate_keys(struct cluster *cl, int slot, long long n, char *err, size_t errlen);
/* Ends a migration: the rest of the keys move, the target owns the slot
 * with a new config epoch (current_epoch + 1, current_epoch follows), the
 * old owner answers MOVED; clients blocked there on keys of the slot get
 * MOVED (Redis's clusterRedirectBlockedClientIfNeeded). */
int cluster_migrate_end(struct cluster *cl, int slot, char *err, size_t errlen);
/* A whole migration at once of the slots first..last (those `to` serves
 * already are left alone): their keys move, `to` owns them all with one
 * new config epoch. Returns the number of keys moved, or -1 (nothing
 * changed: a slot unassigned or being migrated, `to` a replica). */
long long cluster_migrate_range(struct cluster *cl, int first, int last, int to, char *err,
                                size_t errlen);
/* Moves key (klen bytes) of database 0 from node `from` to node `to` as
 * MIGRATE + RESTORE do: the value and its TTL leave from's keyspace ("del"
 * event, WATCH touched) and are stored in to's (replacing a value there;
 * "restore" event, WATCH touched, blocked clients woken). A key missing
 * or expired on `from` is not moved. Returns 1 when moved, 0 when not. */
int cluster_move_key(struct cluster *cl, int from, int to, const char *key, size_t klen);
/* RESTORE's part of a move: stores o (taken from another keyspace, or a
 * copy; owned from here on) at key of core's database dbi, replacing any
 * value there, as a new value ("restore" event, WATCH touched, waiters
 * woken). */
struct obj;
void cluster_restore(struct core *core, int dbi, const char *key, size_t klen, struct obj *o);

/* Replica r takes over its primary's slots (as CLUSTER FAILOVER [FORCE]
 * on r): it becomes a primary with a new config epoch, the old primary
 * and the other replicas follow it, with its data. The old primary's
 * clients blocked on keys get -UNBLOCKED and are closed after the reply,
 * as Redis's master turned replica does; its other clients stay, their
 * writes now redirected. Errors: r not a replica. */
int cluster_failover(struct cluster *cl, int r, char *err, size_t errlen);
/* Takes node i down at now_ms on the cluster clock: its listener is
 * closed and its clients dropped (cl->node_net), new connections refused;
 * its state stays in memory. Up brings it back on the same port, with the
 * same keyspace, clears failed; a primary that was failed over meanwhile
 * comes back as a replica of the node that took its slots (and its data).
 * Errors: i out of range, already down (up). */
int cluster_node_down(struct cluster *cl, int i, int64_t now_ms, char *err, size_t errlen);
int cluster_node_up(struct cluster *cl, int i, char *err, size_t errlen);
/* The cluster's failure detector on its clock, called by every node's
 * cron and after MOCK CLOCK: a node down for node_timeout_ms is failed;
 * a failed primary with slots whose replica is up, while a majority of
 * the primaries with slots is not failed, is failed over to its first
 * such replica CLUSTER_FAILOVER_DELAY_MS later (Redis: the replica's
 * election delay of 500 ms + 0..500 ms random + rank * 1000 ms, here its
 * fixed value 1000 ms for rank 0). */
#define CLUSTER_FAILOVER_DELAY_MS 1000
void cluster_tick(struct cluster *cl, int64_t now_ms);
/* One clock for the cluster: copies *from (a node's clock just set or
 * advanced) to every node, then runs cluster_tick at its time. */
void cluster_clock_sync(struct cluster *cl, const struct clk *from);
/* Called by core_cron of every node: the failure detector, and a replica
 * catching up with its primary (blocked readers served). */
void cluster_cron(struct core *core);

/* ---- replication (cluster_repl.c) --------------------------------------------
 *
 * A replica holds its primary's data, copied key by key: every key a
 * primary's command changed (its keys after a write command, and every
 * change the keyspace reports: expiry, eviction, flush) is marked stale
 * on each replica; a replica copies its stale keys from its primary's
 * keyspace (value and TTL, or deletes them) before it runs any command
 * and in its cron. So a READONLY read on a replica sees every write its
 * primary answered, as after WAIT; effects are copied, never commands
 * re-run (SPOP, scripts, relative TTLs come out the same). */

/* Hooks of the command layer (cmd.c) and the keyspace listener (core.c):
 * a write command d ran on core's database dbi; key (NULL: all) of
 * database dbi changed. Nothing for a node that is no primary with
 * replicas. */
void cluster_repl_wrote(struct core *core, int dbi, const struct cmd_def *d,
                        const struct resp_argv *a);
void cluster_repl_changed(struct core *core, int dbi, const char *key, size_t klen);
/* Replica i copies its stale keys from its primary (nothing for a
 * primary, or while either is down): call before reading a replica's
 * keyspace outside a command. */
void cluster_repl_sync(struct cluster *cl, int i);
/* Marks every key of replica i stale (a full resynchronisation: a new
 * primary). */
void cluster_repl_full(struct cluster *cl, int i);
/* INFO replication's section of node core (its role, its primary's
 * address and link, its replicas as connected slaves; offsets are 0:
 * nothing is counted), replid its master_replid. */
void cluster_info_replication(const struct core *core, struct buf *b, const char *replid);
/* Frees the replication state of every node (cluster_free calls it). */
void cluster_repl_free(struct cluster *cl);

/* ---- the CLUSTER command (cmd_cluster.c) ------------------------------------
 *
 * The reply builders of CLUSTER NODES, SLOTS, SHARDS, INFO and LINKS as
 * node me answers them (proto: 2 or 3; now_ms, created_ms on the server
 * clock), and the state helpers CLUSTER SETSLOT and BUMPEPOCH use. */

/* Node i takes a new config epoch (current_epoch + 1) unless its own is
 * already the greatest and not 0, as Redis without consensus; 1 if it did. */
int cluster_bump_epoch(struct cluster *cl, int i);
/* One NODES line of node i (no newline), "myself" when i is me. */
void cluster_node_line(struct buf *b, const struct cluster *cl, int i, int me, int64_t now_ms);
/* The whole NODES text, a line ending in "\n" per node, in node order. */
void cluster_nodes_text(struct buf *b, const struct cluster *cl, int me, int64_t now_ms);
/* CLUSTER INFO's text (CRLF-ended lines). */
void cluster_info_text(struct buf *b, const struct cluster *cl, int me);
void cluster_slots_reply(struct buf *b, int proto, const struct cluster *cl);
void cluster_shards_reply(struct buf *b, int proto, const struct cluster *cl);
void cluster_links_reply(struct buf *b, int proto, const struct cluster *cl, int me,
                         long long created_ms);

#endif
