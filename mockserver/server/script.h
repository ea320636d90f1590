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
struct lua_State;

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

/* The flags (SF_*) a script declares in its shebang, for the checks
 * before EVAL/EVALSHA runs (maxmemory): arg is the body (by_sha 0) or the
 * digest (len bytes). Returns 1 when the script has a shebang (*flags
 * set), 0 for a legacy script, an unknown digest or a broken shebang (the
 * command then answers for itself). Creates nothing. */
int scr_flags_of(const struct core *core, int by_sha, const char *arg, size_t len, unsigned *flags);
/* SCRIPT EXISTS: 1 when the digest sha (len bytes, any letter case) names
 * a cached script, else 0. */
int scr_exists(struct core *core, const char *sha, size_t len);

/* SCRIPT FLUSH: forgets every script and starts a new interpreter, as
 * Redis does (globals a script left behind go too). */
void scr_flush(struct core *core);

/* ---- the time budget: busy-reply-threshold, BUSY, SCRIPT KILL ---------------------
 *
 * A script (or function) runs inside the command that started it, so no
 * other client's command runs meanwhile: before busy-reply-threshold
 * (core->cfg, milliseconds of real monotonic time, whatever the server
 * clock says; 0 means no limit) other clients just wait. Past it the
 * script is "busy": core->busy is set, and from then on, about every
 * 100,000 Lua instructions, the engine lets the network side serve the
 * other clients (core->serve_busy): their commands get -BUSY except the
 * ones Redis flags allow_busy (SCRIPT KILL, FUNCTION KILL/STATS,
 * SHUTDOWN, AUTH, HELLO, RESET, QUIT, MULTI, DISCARD, WATCH, UNWATCH);
 * SHUTDOWN is refused with -BUSY unless NOSAVE. The caller's own input and
 * output wait until the script ends. SCRIPT KILL (FUNCTION KILL) makes a
 * script that has not written end with Redis's error "Script killed by
 * user with SCRIPT KILL..."; SHUTDOWN NOSAVE ends it with no reply. */

/* Outcomes of scr_budget_end. */
#define SCR_END_NORMAL 0 /* the script ended by itself (result or error) */
#define SCR_END_KILLED                                                                             \
    1 /* SCRIPT KILL / FUNCTION KILL ended it: the error on                                        \
       * the Lua stack is the kill's, reply it as usual */
#define SCR_END_SHUTDOWN                                                                           \
    2 /* SHUTDOWN NOSAVE: the server is stopping, reply                                            \
       * nothing (the caller is flagged to close) */

/* Starts the budget of a script or function about to run on L (the
 * engine's interpreter, or another, e.g. the functions' one) for caller:
 * installs the count hook when busy-reply-threshold is > 0, and clears
 * the "wrote" mark that makes a script unkillable (redis.call sets it on
 * a write command). name is what the slow-script log line calls it (the
 * digest, or the function's name; borrowed until scr_budget_end).
 * for_function: FCALL (BUSY names FUNCTION KILL, only FUNCTION KILL kills
 * it). Every start is followed by exactly one scr_budget_end, after
 * lua_pcall returns, on the same L. */
void scr_budget_start(struct core *core, struct lua_State *L, struct client *caller,
                      const char *name, int for_function);
/* Ends the budget: removes the hook, clears core->busy. Returns
 * SCR_END_NORMAL, SCR_END_KILLED or SCR_END_SHUTDOWN (above). */
int scr_budget_end(struct core *core, struct lua_State *L);

/* SCRIPT KILL (for_function 0) and FUNCTION KILL (1), as Redis's
 * scriptKill decides, in its order. Returns 0 when the running script
 * will stop (the command answers +OK; the script's caller gets the kill's
 * error), else the id (enum rtext_id) of the error to answer: RT_NOTBUSY
 * (nothing runs), RT_UNKILLABLE (it ran a write command), RT_BUSY_FUNCTION
 * (SCRIPT KILL while a function runs), RT_BUSY (FUNCTION KILL while an
 * EVAL script runs). */
int scr_kill(struct core *core, int for_function);

/* The number of cached scripts and the interpreter's memory in bytes
 * (INFO's number_of_cached_scripts, used_memory_lua); 0 before the first
 * script. */
size_t scr_count(const struct core *core);
size_t scr_memory(const struct core *core);
/* What the cache itself takes (INFO's used_memory_scripts_eval), counted
 * as Redis counts it: each script's body, digest and record, though the
 * body is not kept here (its compiled function is, in scr_memory). */
size_t scr_cache_memory(const struct core *core);

/* ---- a second interpreter, for functions (function.c) ----
 *
 * Redis runs FUNCTION libraries in a Lua state of their own, with the same
 * libraries, sandbox and redis.* API as EVAL's. */
struct scr;

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
