/* core.c - server state shared by the commands, see core.h. No sockets here. */
#include "core.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cluster.h"
#include "evict.h"
#include "mem.h"
#include "memory.h"
#include "notify.h"
#include "monitor.h"
#include "latency.h"
#include "observe.h"
#include "pause.h"
#include "pubsub.h"
#include "tracking.h"
#include "watch.h"

void core_init(struct core *core)
{
    memset(core, 0, sizeof(*core));
    clk_init_real(&core->clock);
    for (int i = 0; i < DB_COUNT; i++)
        db_init(&core->db[i]);
    core->cfg.maxclients = 10000;
    core->cfg.timeout = 0;
    core->cfg.bind = mem_strdup("127.0.0.1");
    core->cfg.bind_default = 1;
    core->cfg.port = 6379;
    core->cfg.hz = 10;
    core->cfg.tracking_max_keys = 1000000;
    core->cfg.protected_mode = 1;
    obuf_defaults(core->cfg.obuf);
    core->cfg.qbuf_limit = 1024LL * 1024 * 1024;
    core->cfg.proto_max_bulk_len = RESP_BULK_MAX;
    core->cfg.busy_reply_threshold = 5000;
    core->cfg.slowlog_slower_than = 10000;
    core->cfg.slowlog_max_len = 128;
    core->cfg.latency_tracking = 1;
    core->next_client_id = 1;
    core->start_us = clk_mono_us();
    core->rng = 0x853c49e6748fea9bULL;
    core->cfg.mm_policy = EVICT_NOEVICTION;
    core->cfg.mm_samples = 5;
    core->cfg.mm_tenacity = 10;
    core->cfg.lfu_log_factor = 10;
    core->cfg.lfu_decay_time = 1;
    notify_attach(core);
    evict_attach(core);
    mem_limits_reset();
}

void core_destroy(struct core *core)
{
    while (core->clients)
        core_client_free(core->clients);
    if (core->scripts_free)
        core->scripts_free(core->scripts);
    core->scripts = NULL;
    if (core->functions_free)
        core->functions_free(core->functions);
    core->functions = NULL;
    watch_destroy(core);
    block_destroy(core);
    ps_destroy(core);
    tracking_destroy(core);
    free(core->monitors); /* emptied by core_client_free */
    core->monitors = NULL;
    evict_destroy(core);
    obs_free(core);
    lat_free(core);
    for (int i = 0; i < DB_COUNT; i++)
        db_destroy(&core->db[i]);
    free(core->cfg.requirepass);
    free(core->cfg.bind);
    free(core->cfg.unixsocket);
    for (size_t i = 0; i < core->cfg.nsoft; i++)
        free(core->cfg.soft[i]);
    free(core->cfg.soft);
    core->cfg.soft = NULL;
    core->cfg.nsoft = 0;
    free(core->cmd_calls);
    core->cmd_calls = NULL;
    core->ncmd_calls = 0;
}

int64_t core_now_ms(const struct core *core)
{
    return clk_now_ms(&core->clock);
}

void core_set_requirepass(struct core *core, const char *p, size_t len)
{
    free(core->cfg.requirepass);
    core->cfg.requirepass = p && len ? mem_dup(p, len) : NULL;
    core->cfg.requirepass_len = core->cfg.requirepass ? len : 0;
}

struct client *core_client_new(struct core *core)
{
    struct client *c = mem_calloc(1, sizeof(*c));
    c->id = core->next_client_id++;
    c->fd = -1;
    c->proto = 2;
    c->authed = core->cfg.requirepass == NULL;
    c->ctime_ms = c->atime_ms = core_now_ms(core);
    resp_reqp_init(&c->rp);
    c->rp.unauth = !c->authed;
    c->core = core;
    c->next = core->clients;
    if (core->clients)
        core->clients->prev = c;
    core->clients = c;
    core->nclients++;
    if (core->nclients > core->st.conn_peak)
        core->st.conn_peak = core->nclients;
    return c;
}

void core_client_free(struct client *c)
{
    if (c == NULL)
        return;
    struct core *core = c->core;
    if (c->prev)
        c->prev->next = c->next;
    else
        core->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    core->nclients--;
    watch_forget(core, c);
    block_cancel(core, c);
    ps_forget(core, c);
    tracking_forget(core, c);
    mon_remove(core, c);
    pause_forget(core, c);
    obs_forget(core, c);
    for (int i = 0; i < c->mq_len; i++)
        resp_argv_free(c->mq[i]);
    free(c->mq);
    free(c->name);
    buf_free(&c->in);
    buf_free(&c->out);
    resp_reqp_free(&c->rp);
    free(c);
}

struct db *core_db(struct client *c)
{
    assert(c->dbi >= 0 && c->dbi < DB_COUNT);
    return &c->core->db[c->dbi];
}

int core_client_local(const struct client *c)
{
    if (c->fd < 0 || (c->flags & CL_UNIX))
        return 1;
    /* c->addr is "ip:port" (Redis's form, no brackets around IPv6). */
    char host[sizeof(c->addr)];
    const char *colon = strrchr(c->addr, ':');
    if (colon == NULL)
        return 0;
    size_t n = (size_t)(colon - c->addr);
    memcpy(host, c->addr, n);
    host[n] = '\0';
    unsigned char a[16];
    if (inet_pton(AF_INET, host, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, host, a) != 1)
        return 0;
    static const unsigned char loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a, loop6, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

void core_reset_stats(struct core *core)
{
    memset(&core->st, 0, sizeof(core->st));
    core->st.conn_peak = core->nclients;
    core->st.held_peak = core->nheld;
    core->st.held_clients_peak = core->nheld_clients;
    core->st.held_peak = core->nheld;
    core->st.held_clients_peak = core->nheld_clients;
    if (core->cmd_calls)
        memset(core->cmd_calls, 0, core->ncmd_calls * sizeof(uint64_t));
    obs_reset_stats(core);
    lat_reset_stats(core);
    for (int i = 0; i < DB_COUNT; i++)
        core->db[i].hits = core->db[i].misses = core->db[i].expired = 0;
    if (core->cluster)
        cluster_reset_stats(core);
}

void core_cron(struct core *core)
{
    if (core->cluster != NULL) /* failure detection, a replica catching up */
        cluster_cron(core);
    int64_t now = core_now_ms(core);
    for (int i = 0; i < DB_COUNT && !core->active_expire_off; i++)
        if (db_expires_count(&core->db[i]) > 0)
            db_active_expire(&core->db[i], now, 200);
    block_serve(core); /* drains what expiry queued: a deletion feeds nobody */
    block_expire(core, now);
    tracking_end(core, NULL, 1); /* what expiry invalidated: BCAST batches */
    tracking_limit(core, NULL);  /* tracking-table-max-keys, also when idle */
    pause_check(core);           /* a CLIENT PAUSE that has ended: its waiting commands run */
    obs_sample(core);            /* for INFO's instantaneous_* rates */
}

/* The one keyspace listener: WATCH's, the blocked clients' and client
 * tracking's parts (a flush is tracking_flushed's, from the command). */
static void on_change(void *ud, struct db *db, const char *key, size_t klen)
{
    struct core *core = ud;
    int dbi = (int)(db - core->db);
    watch_changed(core, dbi, key, klen);
    block_changed(core, dbi, key, klen);
    if (key != NULL)
        tracking_changed(core, key, klen);
    if (core->cluster != NULL) /* a primary's replicas copy it (cluster.h) */
        cluster_repl_changed(core, dbi, key, klen);
}

void core_listen_update(struct core *core)
{
    int on = watch_active(core) || core->nblocked > 0 || tracking_listening(core) ||
             core->cluster != NULL;
    for (int i = 0; i < DB_COUNT; i++) {
        core->db[i].on_change = on ? on_change : NULL;
        core->db[i].on_change_ud = on ? core : NULL;
    }
}
