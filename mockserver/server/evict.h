/* evict.h - maxmemory: per-key access bookkeeping and eviction, as Redis 7.0.
 *
 * Every stored value carries Redis's 24 bits of access bookkeeping
 * (obj->lru): under an LRU (or no) policy the LRU clock -- the server
 * clock in seconds, so a virtual clock makes idle times exact -- of its
 * last access; under an LFU policy the minute of its last decrement and a
 * logarithmic access counter (new values start at 5; an access increments
 * it with probability 1/((counter-5)*lfu-log-factor+1); it decays by one
 * every lfu-decay-time minutes). The random draws come from core->rng,
 * which a scenario seeds (reproducible runs).
 *
 * evict_perform frees memory as Redis's performEvictions does: while the
 * modelled used memory (memory.h) is above maxmemory, the policy picks a
 * key -- from an eviction pool of the best of maxmemory-samples random
 * samples per database (LRU: longest idle, LFU: lowest counter, TTL:
 * soonest expiry), or at random (the *-random policies) -- which is
 * deleted (a keyspace change: WATCH and client tracking see it), counted
 * in INFO's evicted_keys and reported as the keyspace event `evicted`.
 *
 * Depends on: core.h (configuration, databases, clock, rng), memory.h
 * (used memory), notify.h. */
#ifndef MOCKREDIS_EVICT_H
#define MOCKREDIS_EVICT_H

#include <stdint.h>

struct core;
struct obj;

/* maxmemory-policy values (core->cfg.mm_policy), in the order of
 * evict_policy_names. */
enum evict_policy {
    EVICT_VOLATILE_LRU,
    EVICT_VOLATILE_LFU,
    EVICT_VOLATILE_RANDOM,
    EVICT_VOLATILE_TTL,
    EVICT_ALLKEYS_LRU,
    EVICT_ALLKEYS_LFU,
    EVICT_ALLKEYS_RANDOM,
    EVICT_NOEVICTION,
    EVICT__COUNT
};
extern const char *const evict_policy_names[EVICT__COUNT];
/* The policy named name (case-insensitive), or -1. */
int evict_policy_find(const char *name);
/* Whether the configured policy is an LFU one. */
int evict_lfu(const struct core *core);

/* Installs the bookkeeping hooks on every database (db.h's on_access and
 * on_store); core_init calls it. */
void evict_attach(struct core *core);
/* Frees the eviction pool; core_destroy calls it. */
void evict_destroy(struct core *core);

/* OBJECT IDLETIME: seconds since o's last access (LRU bookkeeping). */
long long evict_idle_seconds(const struct core *core, const struct obj *o);
/* OBJECT FREQ: o's LFU counter, decayed to now. */
int evict_freq(const struct core *core, const struct obj *o);

/* Frees memory down to maxmemory by the policy, when maxmemory is set.
 * Returns 0 when used memory is (now) within maxmemory or no limit is
 * set, -1 when it could not be brought down (noeviction, or nothing left
 * to evict): Redis's EVICT_FAIL, on which commands flagged denyoom get
 * -OOM. */
int evict_perform(struct core *core);

#endif
