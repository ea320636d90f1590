/* script.h - scripting as Redis 7.0 runs it: one Lua 5.1 interpreter per
 * server, the script cache, EVAL's engine and the redis.* API.
 *
 * The commands (EVAL, EVALSHA, their _RO forms, SCRIPT ...) are rows in
 * cmd_script.c; they check their arguments and call here. Everything a
 * script does happens inside one call of scr_eval, so a script is atomic:
 * no other client's command runs in between.
 *
 * Depends on: the command layer (cmd.h: a script's redis.call goes through
 * the one command table, on a client of the engine's own), core.h (the
 * engine hangs off core->scripts, freed by core_destroy). */
#ifndef MOCKREDIS_SCRIPT_H
#define MOCKREDIS_SCRIPT_H

#include <stddef.h>

#include "cmd.h"

/* Script flags: a shebang's (#!lua flags=...) or a function's
 * (redis.register_function's flags). */
#define SF_NO_WRITES   (1u << 0)
#define SF_ALLOW_OOM   (1u << 1)
#define SF_ALLOW_STALE (1u << 2)
#define SF_NO_CLUSTER  (1u << 3)
#define SF_CROSS_SLOT  (1u << 4)
#define SF_SHEBANG     (1u << 8) /* the script has a shebang (not the legacy mode) */

/* EVAL, EVALSHA, EVAL_RO, EVALSHA_RO for the call k (argv[1] the body or
 * the digest, argv[2] numkeys, then the keys and the arguments). by_sha:
 * argv[1] is a digest (EVALSHA). ro: the _RO form (write commands refused,
 * a script whose shebang does not say no-writes refused). Checks numkeys
 * with Redis's errors and order, compiles the body (EVAL) or finds the
 * script (EVALSHA: NOSCRIPT otherwise), runs it and appends exactly one
 * reply to k->c->out: the script's result converted as Redis converts it,
 * or Redis's error. */
void scr_eval(struct call *k, int by_sha, int ro);

/* SCRIPT LOAD: compiles body (len bytes) into the cache unless it is
 * there. Returns 0 with its digest in sha (40 hex digits and a NUL), or -1
 * after appending Redis's error (shebang, compile error) to c->out. */
int scr_load(struct core *core, struct client *c, const char *body, size_t len, char sha[41]);

/* SCRIPT EXISTS: 1 when the digest sha (len bytes, any letter case) names
 * a cached script, else 0. */
int scr_exists(struct core *core, const char *sha, size_t len);

/* SCRIPT FLUSH: forgets every script and starts a new interpreter, as
 * Redis does (globals a script left behind go too). */
void scr_flush(struct core *core);

/* The number of cached scripts and the interpreter's memory in bytes
 * (INFO's number_of_cached_scripts, used_memory_lua); 0 before the first
 * script. */
size_t scr_count(const struct core *core);
size_t scr_memory(const struct core *core);

/* ---- a second interpreter, for functions (function.c) ----
 *
 * Redis runs FUNCTION libraries in a Lua state of their own, with the same
 * libraries, sandbox and redis.* API as EVAL's. */
struct scr;
struct lua_State;

/* A new engine, attached to nothing: its interpreter (set up as EVAL's)
 * starts at the first scr_engine_lua. Freed with scr_engine_free (NULL
 * accepted), which closes the interpreter. */
struct scr *scr_engine_new(struct core *core);
void scr_engine_free(struct scr *s);
struct lua_State *scr_engine_lua(struct scr *s);

/* Replaces the table at the top of L's stack with a read-only proxy of it
 * (writes raise "Attempt to modify a readonly table"); strict: reading a
 * missing field raises "Script attempted to access nonexistent global
 * variable '<name>'", as the globals do. */
void scr_engine_protect(struct lua_State *L, int strict);

/* Calls the Lua function on top of the engine's stack (popped) as FCALL
 * does: callback(keys, args) with argv[3..3+nkeys) and the rest of k's
 * arguments, under the engine's error handler, redis.call checking flags
 * (SF_*) and ro as for a script. Appends exactly one reply to k->c->out:
 * the result converted as for EVAL, or the error, "... script: <name>,
 * on @user_function:<line>." */
void scr_engine_call(struct scr *s, struct call *k, const char *name, unsigned flags, int ro,
                     int nkeys);

#endif
