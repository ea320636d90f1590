/* function.h - Redis 7.0 functions: libraries loaded with FUNCTION LOAD,
 * run with FCALL / FCALL_RO, in a Lua interpreter of their own.
 *
 * The commands (FUNCTION *, FCALL, FCALL_RO) are rows in cmd_function.c;
 * they check their arguments and call here. Every entry point appends
 * exactly one reply to c->out, Redis 7.0.15's bytes.
 *
 * Depends on: script.h (the interpreter, its sandbox, the redis.* API and
 * the conversions, shared with EVAL), core.h (the engine hangs off
 * core->functions, freed by core_destroy). */
#ifndef MOCKREDIS_FUNCTION_H
#define MOCKREDIS_FUNCTION_H

#include <stddef.h>

#include "cmd.h"

/* FUNCTION LOAD [REPLACE] code: replies the library's name (bulk) or
 * Redis's error (metadata, name, engine, compile and registration errors,
 * an existing library without replace, a function another library has). On
 * error nothing changes: a replaced library stays. */
void fn_load(struct core *core, struct client *c, const char *code, size_t len, int replace);

/* FUNCTION LIST: every library, or those whose name matches the glob pat
 * (plen bytes; pat NULL: all), with its code when with_code. */
void fn_list(struct core *core, struct client *c, const char *pat, size_t plen, int with_code);

/* FUNCTION DELETE name: +OK or "ERR Library not found". */
void fn_delete(struct core *core, struct client *c, const char *name, size_t len);

/* FUNCTION FLUSH: forgets every library and starts a new interpreter, as
 * Redis does. Replies nothing. */
void fn_flush(struct core *core);

/* FUNCTION DUMP: the payload Redis gives (each library's code as an RDB
 * string after the FUNCTION2 opcode, LZF-compressed as Redis compresses it,
 * then RDB version 10 and the CRC64), as a bulk string. */
void fn_dump(struct core *core, struct client *c);

/* FUNCTION RESTORE payload policy: policy 'F' (FLUSH), 'A' (APPEND, the
 * default) or 'R' (REPLACE). +OK, or Redis's error with nothing changed. */
void fn_restore(struct core *core, struct client *c, const char *p, size_t len, int policy);

/* FUNCTION STATS: running_script (always nil here: a function runs inside
 * the command that called it) and the LUA engine's counts. */
void fn_stats(struct core *core, struct client *c);

/* FCALL / FCALL_RO (ro) for the call k: argv[1] the function's name (any
 * letter case), argv[2] numkeys, then keys and arguments. */
void fn_fcall(struct call *k, int ro);
/* The flags (SF_* of script.h) of the function called name (len bytes),
 * for the checks before FCALL runs (maxmemory). Returns 1 when it exists,
 * 0 otherwise. Creates nothing. */
int fn_flags_of(const struct core *core, const char *name, size_t len, unsigned *flags);

/* INFO memory's function fields. bytes: what the libraries take (their
 * records, names and code; an estimate of Redis's used_memory_functions);
 * vm_bytes: the functions' interpreter. All 0 before the first FUNCTION
 * or FCALL made the engine. */
struct fn_info {
    size_t libraries, functions, vm_bytes, bytes;
};
void fn_info(const struct core *core, struct fn_info *out);

#endif
