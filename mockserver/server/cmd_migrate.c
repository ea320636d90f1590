/* cmd_migrate.c - MIGRATE, with the other keyspace commands in Redis's
 * "generic" group.
 *
 *   MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
 *           [AUTH password | AUTH2 username password] [KEYS key [key ...]]
 *
 * Redis moves the keys over a connection of its own to the target: AUTH,
 * SELECT, then one RESTORE (RESTORE-ASKING in cluster mode) per key, and
 * deletes each key the target accepted unless COPY. mockredis connects to
 * nobody: when host:port is another node of this process (cluster mode)
 * the keys move in memory with their TTLs,
 * and the target answers each step as Redis would (WRONGPASS, NOAUTH,
 * SELECT refused in cluster mode, MOVED/ASK/CLUSTERDOWN where the target
 * does not serve the slot, BUSYKEY without REPLACE). Any other address
 * answers as an unreachable one does in Redis 7.0.15 (-IOERR error or
 * timeout writing to target instance), the server itself as Redis's
 * MIGRATE to itself ends, but at once (-IOERR error or timeout reading to
 * target instance: it waited for its own answer until the timeout).
 * Replies: +OK, +NOKEY when none of the keys exists, or the
 * first error of the target as "ERR Target instance replied with error:
 * <its error>" (the keys it accepted before and after are moved all the
 * same, as in Redis).
 *
 * Not simulated: the cached connection Redis keeps for 10 s (so a second
 * MIGRATE without AUTH to a target that needs one gets NOAUTH here, where
 * Redis's cached, authenticated socket would succeed), the timeout, and
 * anything larger than memory. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cluster.h"
#include "cmd.h"
#include "notify.h"
#include "reply.h"
#include "rtext.h"
#include "util.h"

struct migrate_opts {
    int copy, replace;
    const char *user, *pass; /* AUTH2's user (NULL: AUTH) and password, NULL: none */
    size_t ulen, plen;
    int first_key, nkeys;
    long long dbid;
};

/* Parses the options from argument 6 on, as Redis does (KEYS takes the
 * rest). Returns 0, or -1 after replying the error. */
static int migrate_parse(struct call *k, struct migrate_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->first_key = 3;
    o->nkeys = 1;
    for (int j = 6; j < k->argc; j++) {
        int more = k->argc - 1 - j;
        if (arg_is(k, j, "copy")) {
            o->copy = 1;
        } else if (arg_is(k, j, "replace")) {
            o->replace = 1;
        } else if (arg_is(k, j, "auth")) {
            if (more < 1)
                break;
            arg_redact(k, ++j);
            o->pass = k->argv[j];
            o->plen = k->argl[j];
        } else if (arg_is(k, j, "auth2")) {
            if (more < 2)
                break;
            arg_redact(k, ++j);
            o->user = k->argv[j];
            o->ulen = k->argl[j];
            arg_redact(k, ++j);
            o->pass = k->argv[j];
            o->plen = k->argl[j];
        } else if (arg_is(k, j, "keys")) {
            if (k->argl[3] != 0) {
                reply_err(k->c, RT_MIGRATE_KEYS_EMPTY);
                return -1;
            }
            o->first_key = j + 1;
            o->nkeys = k->argc - j - 1;
            goto numbers;
        } else {
            break;
        }
        if (j == k->argc - 1)
            goto numbers;
    }
    if (k->argc > 6) {
        reply_err(k->c, RT_SYNTAX);
        return -1;
    }
numbers:;
    long long timeout;
    if (arg_ll(k, 5, &timeout) < 0 || arg_ll(k, 4, &o->dbid) < 0)
        return -1;
    return 0;
}

/* The core listening on host:port in this process, or NULL. */
static struct core *migrate_target(struct call *k)
{
    const char *host = k->argv[1];
    long long port;
    if (!util_str2ll(k->argv[2], k->argl[2], &port))
        return NULL;
    int local = strcmp(host, "127.0.0.1") == 0 || strcasecmp(host, "localhost") == 0 ||
                strcmp(host, "::1") == 0;
    struct cluster *cl = k->core->cluster;
    if (cl == NULL)
        return local && port == k->core->port_bound ? k->core : NULL;
    local = local || strcmp(host, cl->announce_ip) == 0;
    for (int i = 0; local && i < cl->nnodes; i++)
        if (cl->nodes[i].port == port && !cl->nodes[i].down && cl->nodes[i].core != NULL)
            return cl->nodes[i].core;
    return NULL;
}

/* What the target would answer RESTORE-ASKING of key with in cluster
 * mode when it does not serve the slot (Redis's getNodeByQuery); NULL when
 * it serves it. */
static const char *target_route(struct core *t, const char *key, size_t klen, char *buf,
                                size_t size)
{
    struct cluster *cl = t->cluster;
    int me = t->cl_node, slot = (int)cluster_keyslot(key, klen), owner = cl->owner[slot];
    char addr[96];
    if (owner < 0)
        return rtext[RT_CL_DOWN_UNBOUND];
    if (!cluster_state_ok(cl))
        return rtext[RT_CL_DOWN];
    if (owner == me && cl->migrating[slot] >= 0 && db_peek(&t->db[0], key, klen) == NULL) {
        cluster_node_addr(cl, cl->migrating[slot], addr, sizeof(addr));
        snprintf(buf, size, rtext[RT_CL_ASK_FMT], slot, addr);
        return buf;
    }
    if (owner == me || cluster_importer(cl, slot) == me)
        return NULL; /* RESTORE-ASKING is flagged "asking" */
    cluster_node_addr(cl, owner, addr, sizeof(addr));
    snprintf(buf, size, rtext[RT_CL_MOVED_FMT], slot, addr);
    return buf;
}

/* The target's answers to the AUTH and SELECT that MIGRATE sends before
 * the RESTOREs: the first error, or NULL. *authed: whether the RESTOREs
 * pass authentication; *dbi: the database they go to (a SELECT refused
 * leaves the connection on database 0). */
static const char *target_session(struct core *t, const struct migrate_opts *o, int *authed,
                                  int *dbi)
{
    const char *err = NULL;
    int nopass = t->cfg.requirepass == NULL;
    int pass_ok = o->pass != NULL && !nopass && t->cfg.requirepass_len == o->plen &&
                  memcmp(t->cfg.requirepass, o->pass, o->plen) == 0;
    *authed = nopass;
    *dbi = 0;
    if (o->pass != NULL && o->user == NULL) { /* AUTH password */
        if (nopass)
            err = rtext[RT_AUTH_NOPASS];
        else if (!pass_ok)
            err = rtext[RT_WRONGPASS];
        *authed = nopass || pass_ok;
    } else if (o->pass != NULL) { /* AUTH2 username password */
        int user_ok = o->ulen == 7 && memcmp(o->user, "default", 7) == 0;
        if (!user_ok || !(nopass || pass_ok))
            err = rtext[RT_WRONGPASS];
        *authed = nopass || (user_ok && pass_ok);
    }
    const char *select = NULL;
    if (!*authed)
        select = rtext[RT_NOAUTH];
    else if (t->cluster != NULL && o->dbid != 0)
        select = rtext[RT_CL_SELECT];
    else if (o->dbid < 0 || o->dbid >= DB_COUNT)
        select = rtext[RT_DBINDEX];
    else
        *dbi = (int)o->dbid;
    return err != NULL ? err : select;
}

static void migrate_cmd(struct call *k)
{
    struct migrate_opts o;
    if (migrate_parse(k, &o) < 0)
        return;
    struct db *db = cmd_db(k);
    int64_t now = cmd_now(k);
    int n = 0;
    for (int j = 0; j < o.nkeys; j++)
        n += db_lookup_read(db, k->argv[o.first_key + j], k->argl[o.first_key + j], now) != NULL;
    if (n == 0) {
        reply_simple(k->c, "NOKEY");
        return;
    }
    struct core *t = migrate_target(k);
    if (t == NULL || t == k->core) {
        /* Redis connects, writes and waits for its own answer, which it
         * cannot give while it waits: the timeout, at once here */
        reply_err(k->c, t == NULL ? RT_MIGRATE_IOERR : RT_MIGRATE_IOERR_SELF);
        return;
    }
    int authed, tdbi, replied = 0;
    const char *session = target_session(t, &o, &authed, &tdbi);
    char buf[160];
    for (int j = 0; j < o.nkeys; j++) {
        const char *key = k->argv[o.first_key + j];
        size_t klen = k->argl[o.first_key + j];
        const struct obj *v = db_lookup(db, key, klen, now);
        if (v == NULL)
            continue;
        /* the target's RESTORE(-ASKING) */
        const char *err = NULL;
        if (!authed)
            err = rtext[RT_NOAUTH];
        else if (t->cluster != NULL)
            err = target_route(t, key, klen, buf, sizeof(buf));
        if (err == NULL && !o.replace && db_lookup(&t->db[tdbi], key, klen, core_now_ms(t)))
            err = rtext[RT_BUSYKEY];
        /* an error of AUTH or SELECT counts for every key, even one the
         * RESTORE took: that key then stays here too, as in Redis */
        const char *shown = session != NULL ? session : err;
        int move = shown == NULL && !o.copy && t != k->core;
        if (err == NULL)
            cluster_restore(t, tdbi, key, klen, move ? db_take(db, key, klen, now) : obj_dup(v));
        if (shown != NULL) {
            if (!replied)
                reply_errf(k->c, rtext[RT_MIGRATE_TARGET_FMT], shown);
            replied = 1;
            continue;
        }
        if (o.copy)
            continue;
        if (!move)
            (void)db_delete(db, key, klen, now);
        k->core->dirty++;
        cmd_notify(k, NOTIFY_GENERIC, "del", key, klen);
    }
    if (!replied)
        reply_ok(k->c);
}

/* MIGRATE's keys, as Redis's migrateGetKeys finds them (its key specs
 * are incomplete): the key argument, or with KEYS (the key argument
 * empty) every argument after it; AUTH's and AUTH2's values skipped. */
static int migrate_getkeys(int argc, char **argv, struct cmd_keyref *out, int max)
{
    int first = 3, num = 1;
    for (int i = 6; i < argc; i++) {
        if (strcasecmp(argv[i], "auth") == 0) {
            i++;
        } else if (strcasecmp(argv[i], "auth2") == 0) {
            i += 2;
        } else if (strcasecmp(argv[i], "keys") == 0 && argv[3][0] == '\0') {
            first = i + 1;
            num = argc - first;
            break;
        }
    }
    for (int j = 0; j < num && j < max; j++) {
        out[j].pos = first + j;
        out[j].flags = KS_RW | KS_ACCESS | KS_DELETE;
    }
    return num;
}

// clang-format off
struct cmd_def cmd_migrate_table[] = {
    {.name = "migrate", .fn = migrate_cmd, .getkeys = migrate_getkeys,
     .arity = -6, .rflags = RF_WRITE | RF_MOVABLEKEYS,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_SLOW | CAT_DANGEROUS,
     .first = 3, .last = 3, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(3), FK_RANGE(0, 1, 0)},
              {KS_RW | KS_ACCESS | KS_DELETE | KS_INCOMPLETE, BS_KEYWORD("KEYS", -2), FK_RANGE(-1, 1, 0)}),
     .since = "2.6.0", .group = "generic",
     .complexity = "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
     ARGS({.name = "host", .type = ARG_STRING},
          {.name = "port", .type = ARG_INTEGER},
          {.name = "key_or_empty_string", .type = ARG_ONEOF,
           SUBARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
                   {.name = "empty_string", .type = ARG_PURE_TOKEN, .token = ""})},
          {.name = "destination-db", .type = ARG_INTEGER},
          {.name = "timeout", .type = ARG_INTEGER},
          {.name = "copy", .type = ARG_PURE_TOKEN, .token = "COPY", .since = "3.0.0", .aflags = ARGF_OPTIONAL},
          {.name = "replace", .type = ARG_PURE_TOKEN, .token = "REPLACE", .since = "3.0.0", .aflags = ARGF_OPTIONAL},
          {.name = "authentication", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "password", .type = ARG_STRING, .token = "AUTH", .since = "4.0.7", .aflags = ARGF_OPTIONAL},
                   {.name = "username_password", .type = ARG_BLOCK, .token = "AUTH2", .since = "6.0.0", .aflags = ARGF_OPTIONAL,
                    SUBARGS({.name = "username", .type = ARG_STRING},
                            {.name = "password", .type = ARG_STRING})})},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .token = "KEYS", .since = "3.0.6", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Moves keys to another node: in this process, or IOERR."},
    {.name = NULL},
};
// clang-format on
