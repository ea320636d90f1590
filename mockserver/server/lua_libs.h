/* lua_libs.h - the two Lua libraries Redis 7.0 gives scripts that Debian
 * does not package: `cmsgpack` (MessagePack, lua_cmsgpack.c) and `struct`
 * (binary packing, lua_struct.c).
 *
 * Each is a plain Lua 5.1 C module: the scripting engine opens it in its
 * interpreter like any standard library. Written from Redis's observed
 * behaviour (redis-server 7.0.15), with Redis's function names, results and
 * error texts (mockserver/base/rtext.h, MP_* and ST_*).
 *
 * Not here: the sandbox (which globals a script may touch) and the
 * conversion of a script's results to replies are the engine's. */
#ifndef MOCKREDIS_LUA_LIBS_H
#define MOCKREDIS_LUA_LIBS_H

#include <lua.h>

/* Creates the global table `cmsgpack` with pack, unpack, unpack_one,
 * unpack_limit and Redis's _NAME, _VERSION, _COPYRIGHT and _DESCRIPTION
 * fields, and leaves it on the stack. Returns 1 (one result), as
 * lua_CFunction openers do. Raises a Lua error only when out of memory. */
int luaopen_cmsgpack(lua_State *L);

/* Creates the global table `struct` with pack, unpack and size, and leaves
 * it on the stack. Returns 1. Raises a Lua error only when out of memory. */
int luaopen_struct(lua_State *L);

#endif
