/* script.c - the scripting engine: one Lua 5.1 interpreter per server, the
 * script cache, the sandbox and the redis.* API, as Redis 7.0.15 has them;
 * see script.h.
 *
 * The interpreter. Debian's stock Lua 5.1 (Redis embeds a patched 5.1.5)
 * with the libraries Redis 7.0.15 offers: base (less dofile, loadfile,
 * print, getfenv, setfenv, newproxy), table, string, math (random and
 * randomseed replaced by the 48-bit generator Redis uses, so a seeded
 * sequence is Redis's), coroutine, cjson and bit (Debian's lua-cjson and
 * lua-bitop), cmsgpack and struct (ours: lua_cmsgpack.c, lua_struct.c),
 * and the redis table. No os, io, debug, package: 7.0.15 has none of them.
 *
 * The sandbox. Redis 7.0 marks the globals and every library table
 * read-only in its patched VM. Stock Lua has no such flag, so each
 * protected table is an empty proxy whose metatable reads from the real
 * table (__index) and refuses writes (__newindex: "Attempt to modify a
 * readonly table"); the globals' proxy also refuses reading a global that
 * does not exist ("Script attempted to access nonexistent global variable
 * 'x'"). rawset and setmetatable refuse a proxy, and next, pairs and
 * rawget see through one, so scripts that list a library still work. What
 * differs: # and ipairs on a library table see nothing (they have no array
 * part in Redis either), getmetatable on a protected table returns nil.
 * KEYS and ARGV are plain tables set into the real globals before each
 * run, as Redis sets them.
 *
 * Running a script. Its body is compiled once per digest (chunk name
 * "@user_script", so messages read "user_script:1: ..."), the shebang line
 * blanked but kept as a line so line numbers stay Redis's. It runs under a
 * C error handler doing what Redis's __redis__err__handler does: a
 * non-table error becomes {err="ERR " .. tostring(e)}, and the table gets
 * the source and line of the script code that raised it; EVAL's error
 * reply is then "<err> script: <sha>, on @user_script:<line>.".
 *
 * redis.call/pcall. The arguments become a command (numbers with %.17g),
 * checked as Redis's scriptCall does, in its order: unknown command (MOCK
 * too) or subcommand, arity, not allowed from scripts (Redis's noscript
 * flag), write from a read-only script; then the command runs through
 * cmd_execute on the engine's own client (no socket, never in CLIENT
 * LIST), in the caller's database (a SELECT in the script stays in the
 * script), with the RESP version redis.setresp chose (2 by default) and
 * blocking commands answering at once, as inside MULTI. Its reply bytes
 * are read back into Lua values as Redis documents (resp_to_lua); the
 * script's result is written to the caller as Redis converts it
 * (lua_to_resp). The engine's client counts in MOCK STATS like any
 * command; WATCH sees its writes like any other client's. With a server
 * (core->run_scripted, plan.c) the call is handed to it instead of
 * cmd_execute, so that a scenario's rules act on it where it runs.
 *
 * The time budget (script.h has the contract). A count hook reads the
 * real monotonic clock every 100,000 instructions; past
 * busy-reply-threshold it sets core->busy (cmd_dispatch then answers
 * -BUSY) and calls core->serve_busy at each later count, which serves the
 * other clients' sockets from inside the script. SCRIPT KILL or SHUTDOWN
 * NOSAVE set s->stop; the hook then raises "Script killed by user with
 * SCRIPT KILL..." and re-arms itself on every line, so a pcall cannot keep
 * the script alive.
 *
 * Not here (yet): FUNCTION/FCALL, the debugger (redis.debug and
 * redis.breakpoint answer as Redis does without one), redis.log writes
 * nothing. */
#include "script.h"

#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "lua_libs.h"
#include "cluster.h"
#include "mem.h"
#include "reply.h"
#include "sha1.h"
#include "version.h"

/* Debian's modules (ours, cmsgpack and struct, are in lua_libs.h). */
int luaopen_cjson(lua_State *L);
int luaopen_bit(lua_State *L);

/* redis.REDIS_VERSION_NUM: MOCKREDIS_REDIS_VERSION (version.h) as Redis
 * packs it, 0x00MMmmpp. */
static lua_Number version_num(void)
{
    int ma = 0, mi = 0, pa = 0;
    sscanf(MOCKREDIS_REDIS_VERSION, "%d.%d.%d", &ma, &mi, &pa);
    return (lua_Number)((ma << 16) | (mi << 8) | pa);
}

struct script {
    unsigned flags; /* SF_* */
    size_t len;     /* body length, for scr_memory */
};

struct scr {
    struct core *core;
    lua_State *L;
    struct dict *scripts; /* lowercase digest -> struct script; the compiled
                           * function is in the registry under "f_<sha>" */
    struct client *fake;  /* the client redis.call runs commands on */
    int globals_ref;      /* the real globals table (registry ref) */
    /* The script running now (NULL caller between scripts). */
    struct client *caller;
    unsigned run_flags; /* SF_* of the running script */
    int run_ro;         /* called through EVAL_RO / EVALSHA_RO */
    int wrote;          /* it ran a write command */
    const char *run_sha;
    uint64_t rand48; /* math.random's state */
    int in_call;     /* redis.call is running a command */
    /* The time budget of the script or function running now (scr_budget_*). */
    int64_t start_us;   /* clk_mono_us() when it started */
    int for_function;   /* it is a function (FCALL), not EVAL */
    const char *name;   /* its name for the log: the digest, or the function */
    struct client *who; /* the client that called it */
    int running;        /* between scr_budget_start and scr_budget_end */
    struct scr *active; /* the engine whose interpreter runs it (this one, or
                           the functions' one): its "wrote" mark counts */
    int timedout;       /* it ran past busy-reply-threshold: core->busy is set */
    int stop;           /* STOP_KILL or STOP_SHUTDOWN: it must end at once */
};

#define STOP_KILL     1 /* SCRIPT KILL / FUNCTION KILL */
#define STOP_SHUTDOWN 2 /* SHUTDOWN NOSAVE while it was busy */

/* ---- the 48-bit generator math.random uses ------------------------------------ */

#define RAND48_MAX INT32_MAX

static void rand48_seed(struct scr *s, int32_t seed)
{
    s->rand48 = ((uint64_t)(uint32_t)seed << 16) | 0x330Eu;
}

static int32_t rand48_next(struct scr *s)
{
    s->rand48 = (s->rand48 * 0x5DEECE66Dull + 0xBu) & ((1ull << 48) - 1);
    return (int32_t)(s->rand48 >> 17);
}

/* ---- small helpers --------------------------------------------------------------- */

static struct scr *scr_from_lua(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "mockredis_scr");
    struct scr *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return s;
}

/* Pushes {err = "<CODE> <msg>"} the way Redis's luaPushErrorBuff builds it
 * from "-CODE msg" (a reply) or "msg" (code ERR): the message trimmed of
 * CR and LF at both ends. */
static void push_error(lua_State *L, const char *e, size_t n)
{
    const char *code = "ERR", *msg = e;
    size_t codelen = 3, msglen = n;
    if (n > 0 && e[0] == '-') {
        const char *sp = memchr(e, ' ', n);
        if (sp == NULL) {
            msg = e + 1;
            msglen = n - 1;
        } else {
            code = e + 1;
            codelen = (size_t)(sp - e) - 1;
            msg = sp + 1;
            msglen = n - (size_t)(msg - e);
        }
    }
    while (msglen > 0 && (msg[0] == '\r' || msg[0] == '\n')) {
        msg++;
        msglen--;
    }
    while (msglen > 0 && (msg[msglen - 1] == '\r' || msg[msglen - 1] == '\n'))
        msglen--;
    luaL_Buffer b;
    lua_newtable(L);
    lua_pushstring(L, "err");
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, code, codelen);
    luaL_addchar(&b, ' ');
    luaL_addlstring(&b, msg, msglen);
    luaL_pushresult(&b);
    lua_settable(L, -3);
}

static void push_error_id(lua_State *L, enum rtext_id id)
{
    push_error(L, rtext[id], strlen(rtext[id]));
}

/* Raises the error id as redis.call's errors are raised: a table. */
static int raise_error_id(lua_State *L, enum rtext_id id)
{
    push_error_id(L, id);
    return lua_error(L);
}

/* ---- the sandbox ---------------------------------------------------------------- */

/* Whether the value at idx is one of the read-only proxies; pushes the
 * real table when it is (and returns 1), nothing otherwise. */
static int proxy_real(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE)
        return 0;
    lua_pushvalue(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, "mockredis_proxies");
    lua_insert(L, -2);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

/* The VM refuses writes to a read-only table in Redis: from a C function
 * (rawset, setmetatable) the message has no position. */
static int readonly_raw(lua_State *L)
{
    lua_pushstring(L, rtext[RT_LUA_READONLY]);
    return lua_error(L);
}

/* __newindex of every proxy: from script code, with its position. */
static int readonly_newindex(lua_State *L)
{
    return luaL_error(L, "%s", rtext[RT_LUA_READONLY]);
}

/* __index of the globals' proxy: upvalue 1 is the real globals table. */
static int globals_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    if (!lua_isnil(L, -1))
        return 1;
    if (!lua_isstring(L, 2))
        return luaL_error(L,
                          "Second argument to luaProtectedTableError must be a string or number");
    return luaL_error(L, rtext[RT_LUA_GLOBAL_FMT], lua_tostring(L, 2));
}

static int sb_rawset(lua_State *L)
{
    if (proxy_real(L, 1))
        return readonly_raw(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int sb_rawget(lua_State *L)
{
    if (proxy_real(L, 1))
        lua_replace(L, 1);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

static int sb_setmetatable(lua_State *L)
{
    if (proxy_real(L, 1))
        return readonly_raw(L);
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table expected");
    if (luaL_getmetafield(L, 1, "__metatable"))
        luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

static int sb_getmetatable(lua_State *L)
{
    if (proxy_real(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    luaL_checkany(L, 1);
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    luaL_getmetafield(L, 1, "__metatable");
    return 1;
}

static int sb_next(lua_State *L)
{
    if (proxy_real(L, 1))
        lua_replace(L, 1);
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

static int sb_pairs(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1)); /* our next */
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* Replaces the table at the top of the stack with its read-only proxy. */
static void make_proxy(lua_State *L, int is_globals)
{
    int real = lua_gettop(L);
    lua_newtable(L); /* the proxy */
    lua_newtable(L); /* its metatable */
    if (is_globals) {
        lua_pushvalue(L, real);
        lua_pushcclosure(L, globals_index, 1);
    } else {
        lua_pushvalue(L, real);
    }
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_getfield(L, LUA_REGISTRYINDEX, "mockredis_proxies");
    lua_pushvalue(L, -2);
    lua_pushvalue(L, real);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_replace(L, real);
}

/* ---- math.random, Redis's way ---------------------------------------------------- */

static int sb_random(lua_State *L)
{
    struct scr *s = scr_from_lua(L);
    lua_Number r = (lua_Number)(rand48_next(s) % RAND48_MAX) / (lua_Number)RAND48_MAX;
    switch (lua_gettop(L)) {
    case 0: lua_pushnumber(L, r); break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, rtext[RT_LUA_RANDOM_EMPTY]);
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, rtext[RT_LUA_RANDOM_EMPTY]);
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default: return luaL_error(L, "%s", rtext[RT_LUA_NARGS]);
    }
    return 1;
}

static int sb_randomseed(lua_State *L)
{
    rand48_seed(scr_from_lua(L), (int32_t)luaL_checkint(L, 1));
    return 0;
}

/* ---- Redis replies -> Lua values ------------------------------------------------- */

/* The line at p (up to CRLF): its length, *next after the CRLF. */
static size_t line_len(const char *p, const char *end, const char **next)
{
    const char *cr = p;
    while (cr + 1 < end && !(cr[0] == '\r' && cr[1] == '\n'))
        cr++;
    *next = cr + 2 <= end ? cr + 2 : end;
    return (size_t)(cr - p);
}

static long long line_ll(const char *p, size_t n)
{
    char tmp[32];
    if (n >= sizeof(tmp))
        n = sizeof(tmp) - 1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    return strtoll(tmp, NULL, 10);
}

/* Converts the reply at p into a Lua value pushed on the stack (skipped,
 * nothing pushed, when push is 0: an attribute). Returns where the reply
 * ends. The bytes come from our own commands: well formed. */
static const char *resp_to_lua(lua_State *L, const char *p, const char *end, int push)
{
    const char *next;
    if (p >= end) {
        if (push)
            lua_pushboolean(L, 0);
        return end;
    }
    char t = *p++;
    size_t n = line_len(p, end, &next);
    luaL_checkstack(L, 4, "reply too deep");
    switch (t) {
    case '+':
        if (push) {
            lua_newtable(L);
            lua_pushlstring(L, p, n);
            lua_setfield(L, -2, "ok");
        }
        return next;
    case '-':
        if (push) {
            push_error(L, p - 1, n + 1);
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "ignore_error_stats_update");
        }
        return next;
    case ':':
        if (push)
            lua_pushnumber(L, (lua_Number)line_ll(p, n));
        return next;
    case '_':
        if (push)
            lua_pushnil(L);
        return next;
    case '#':
        if (push)
            lua_pushboolean(L, n > 0 && p[0] == 't');
        return next;
    case ',': {
        char tmp[128];
        size_t m = n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1;
        memcpy(tmp, p, m);
        tmp[m] = '\0';
        if (push) {
            lua_newtable(L);
            lua_pushnumber(L, strtod(tmp, NULL));
            lua_setfield(L, -2, "double");
        }
        return next;
    }
    case '(':
        if (push) {
            lua_newtable(L);
            lua_pushlstring(L, p, n);
            lua_setfield(L, -2, "big_number");
        }
        return next;
    case '$':
    case '=': {
        long long len = line_ll(p, n);
        if (len < 0) {
            if (push)
                lua_pushboolean(L, 0);
            return next;
        }
        const char *data = next;
        const char *after = data + len + 2 <= end ? data + len + 2 : end;
        if (!push)
            return after;
        if (t == '$') {
            lua_pushlstring(L, data, (size_t)len);
        } else {
            lua_newtable(L);
            lua_newtable(L);
            lua_pushlstring(L, data + 4, len >= 4 ? (size_t)len - 4 : 0);
            lua_setfield(L, -2, "string");
            lua_pushlstring(L, data, len >= 3 ? 3 : (size_t)len);
            lua_setfield(L, -2, "format");
            lua_setfield(L, -2, "verbatim_string");
        }
        return after;
    }
    case '*':
    case '>':
    case '~':
    case '%':
    case '|': {
        long long len = line_ll(p, n);
        p = next;
        if (len < 0) {
            if (push)
                lua_pushboolean(L, 0);
            return p;
        }
        if (t == '|') { /* an attribute: skipped, then the reply it annotates */
            for (long long i = 0; i < 2 * len; i++)
                p = resp_to_lua(L, p, end, 0);
            return resp_to_lua(L, p, end, push);
        }
        if (push) {
            if (t == '%' || t == '~') {
                lua_newtable(L);
                lua_pushstring(L, t == '%' ? "map" : "set");
            }
            lua_newtable(L);
        }
        for (long long i = 0; i < len; i++) {
            if (t == '%') {
                p = resp_to_lua(L, p, end, push);
                p = resp_to_lua(L, p, end, push);
                if (push)
                    lua_settable(L, -3);
            } else if (t == '~') {
                p = resp_to_lua(L, p, end, push);
                if (push) {
                    lua_pushboolean(L, 1);
                    lua_settable(L, -3);
                }
            } else {
                if (push)
                    lua_pushnumber(L, (lua_Number)(i + 1));
                p = resp_to_lua(L, p, end, push);
                if (push)
                    lua_settable(L, -3);
            }
        }
        if (push && (t == '%' || t == '~'))
            lua_settable(L, -3);
        return p;
    }
    default:
        if (push)
            lua_pushboolean(L, 0);
        return next;
    }
}

/* ---- Lua values -> the caller's reply ------------------------------------------- */

/* A Lua number as Redis's (long long) cast gives it on x86-64: truncated,
 * and the "integer indefinite" LLONG_MIN for NaN and out of range. */
static long long num_to_ll(lua_Number d)
{
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
        return LLONG_MIN;
    return (long long)d;
}

/* Appends s with CR and LF mapped to spaces (status and big number). */
static void append_mapped(struct buf *b, const char *s, size_t n)
{
    size_t at = b->len;
    buf_append(b, s, n);
    for (size_t i = at; i < b->len; i++)
        if (b->p[i] == '\r' || b->p[i] == '\n')
            b->p[i] = ' ';
}

/* An error reply "-<msg>" as Redis's addReplyErrorFormat writes it: CR
 * and LF inside become spaces. */
static void reply_error_mapped(struct client *c, const char *msg, size_t n)
{
    struct buf tmp = BUF_INIT;
    append_mapped(&tmp, msg, n);
    resp_w_error(&c->out, tmp.p ? tmp.p : "", tmp.len);
    buf_free(&tmp);
}

/* Whether field name of the table at -1 has type t; pushes it when so. */
static int field_is(lua_State *L, const char *name, int t)
{
    lua_pushstring(L, name);
    lua_rawget(L, -2);
    if (lua_type(L, -1) == t)
        return 1;
    lua_pop(L, 1);
    return 0;
}

/* Converts the value at the top of the stack into the reply of c and pops
 * it. resp: the script's protocol (redis.setresp), which decides booleans. */
static void lua_to_resp(lua_State *L, struct client *c, int resp)
{
    struct buf *o = &c->out;
    if (!lua_checkstack(L, 4)) {
        reply_err(c, RT_SCRIPT_STACK_LIMIT);
        lua_pop(L, 1);
        return;
    }
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        resp_w_bulk(o, s, n);
        break;
    }
    case LUA_TBOOLEAN:
        if (resp == 2) {
            if (lua_toboolean(L, -1))
                resp_w_int(o, 1);
            else
                reply_null(c);
        } else {
            reply_bool(c, lua_toboolean(L, -1));
        }
        break;
    case LUA_TNUMBER: resp_w_int(o, num_to_ll(lua_tonumber(L, -1))); break;
    case LUA_TTABLE: {
        size_t n;
        if (field_is(L, "err", LUA_TSTRING)) {
            /* As Redis: a C string (cut at a NUL), CR and LF at its end
             * dropped, the others made spaces (reply_error_mapped). */
            const char *e = lua_tolstring(L, -1, &n);
            n = strnlen(e, n);
            while (n > 0 && (e[n - 1] == '\r' || e[n - 1] == '\n'))
                n--;
            reply_error_mapped(c, e, n);
            lua_pop(L, 1);
            break;
        }
        if (field_is(L, "ok", LUA_TSTRING)) {
            const char *s = lua_tolstring(L, -1, &n);
            buf_putc(o, '+');
            append_mapped(o, s, strlen(s));
            buf_append(o, "\r\n", 2);
            lua_pop(L, 1);
            break;
        }
        if (field_is(L, "double", LUA_TNUMBER)) {
            reply_double(c, lua_tonumber(L, -1));
            lua_pop(L, 1);
            break;
        }
        if (field_is(L, "big_number", LUA_TSTRING)) {
            const char *s = lua_tolstring(L, -1, &n);
            if (c->proto >= 3) {
                buf_putc(o, '(');
                append_mapped(o, s, n);
                buf_append(o, "\r\n", 2);
            } else {
                struct buf tmp = BUF_INIT;
                append_mapped(&tmp, s, n);
                resp_w_bulk(o, tmp.p ? tmp.p : "", tmp.len);
                buf_free(&tmp);
            }
            lua_pop(L, 1);
            break;
        }
        if (field_is(L, "verbatim_string", LUA_TTABLE)) {
            lua_getfield(L, -1, "format");
            lua_getfield(L, -2, "string");
            if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
                size_t fl;
                const char *fmt = lua_tolstring(L, -2, &fl);
                const char *s = lua_tolstring(L, -1, &n);
                char f3[3] = {fl > 0 ? fmt[0] : 0, fl > 1 ? fmt[1] : 0, fl > 2 ? fmt[2] : 0};
                resp_w_verbatim(o, c->proto, f3, s, n);
                lua_pop(L, 3);
                break;
            }
            lua_pop(L, 3);
        }
        int is_map = field_is(L, "map", LUA_TTABLE);
        if (is_map || field_is(L, "set", LUA_TTABLE)) {
            long long count = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                count++;
                lua_pop(L, 1);
            }
            if (is_map)
                reply_map(c, count);
            else
                reply_set(c, count);
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                /* table, key, value */
                if (is_map) {
                    lua_pushvalue(L, -2);
                    lua_to_resp(L, c, resp); /* the key (a copy) */
                    lua_to_resp(L, c, resp); /* the value */
                } else {
                    lua_pop(L, 1);
                    lua_pushvalue(L, -1);
                    lua_to_resp(L, c, resp); /* the member (a copy of the key) */
                }
            }
            lua_pop(L, 1);
            break;
        }
        /* An array: up to the first nil. */
        long long count = 0;
        for (;;) {
            lua_rawgeti(L, -1, (int)(count + 1));
            int nil = lua_isnil(L, -1);
            lua_pop(L, 1);
            if (nil)
                break;
            count++;
        }
        reply_array(c, count);
        for (long long i = 1; i <= count; i++) {
            lua_rawgeti(L, -1, (int)i);
            lua_to_resp(L, c, resp);
        }
        break;
    }
    default: reply_null(c); break;
    }
    lua_pop(L, 1);
}

/* ---- redis.call and redis.pcall ----------------------------------------------------- */

/* The checks Redis's scriptCall makes before running a command, in its
 * order. Returns 0, or the error's id. */
static int call_check(struct scr *s, const struct resp_argv *a, const struct cmd_def **out)
{
    const struct cmd_def *top = cmd_lookup(a->argv[0], a->argl[0]);
    const struct cmd_def *d = cmd_lookup_argv(a->argc, a->argv, a->argl);
    *out = d;
    if (d == NULL || top == NULL || ((top->flags | d->flags) & CMD_PROTECTED))
        return RT_LUA_UNKNOWN_CMD;
    if (d->arity > 0 ? a->argc != d->arity : a->argc < -d->arity)
        return RT_LUA_ARITY;
    if (d->fn == NULL) /* a container whose arity lets it through alone */
        return RT_LUA_ARITY;
    if ((d->rflags | top->rflags) & RF_NOSCRIPT)
        return RT_LUA_NOSCRIPT;
    if ((d->flags & CMD_WRITE) && ((s->run_flags & SF_NO_WRITES) || s->run_ro))
        return RT_LUA_RO_WRITE;
    /* a replica of a cluster: read-only, as Redis's replica-read-only */
    if ((d->flags & CMD_WRITE) && s->core->cluster != NULL && cluster_self(s->core)->primary >= 0)
        return RT_CL_READONLY;
    /* Redis's scriptVerifyOOM: the script started out of memory and has
     * written nothing yet. */
    int wrote = s->wrote || (s->active != NULL && s->active->wrote);
    if (s->core->cfg.maxmemory > 0 && !(s->run_flags & SF_ALLOW_OOM) && !wrote &&
        s->core->pre_cmd_oom && (d->rflags & RF_DENYOOM))
        return RT_OOM;
    /* cluster mode: a key another node serves (or the cluster down) */
    if (s->core->cluster != NULL)
        return cluster_script_check(s->core, s->caller, d, a);
    return 0;
}

static int redis_call_generic(lua_State *L, int raise)
{
    struct scr *s = scr_from_lua(L);
    int argc = lua_gettop(L);
    if (s->caller == NULL) {
        push_error(L, "redis.call/pcall can only be called inside a script invocation", 62);
        return lua_error(L);
    }
    if (argc == 0) {
        push_error_id(L, RT_LUA_NOARGS);
        return raise ? lua_error(L) : 1;
    }
    char **argv = mem_calloc((size_t)argc, sizeof(char *));
    size_t *argl = mem_calloc((size_t)argc, sizeof(size_t));
    char dbuf[64];
    int ok = 1;
    for (int j = 0; j < argc && ok; j++) {
        if (lua_type(L, j + 1) == LUA_TNUMBER) {
            int n = snprintf(dbuf, sizeof(dbuf), "%.17g", (double)lua_tonumber(L, j + 1));
            argv[j] = mem_dup(dbuf, (size_t)n);
            argl[j] = (size_t)n;
        } else if (lua_type(L, j + 1) == LUA_TSTRING) {
            size_t n;
            const char *p = lua_tolstring(L, j + 1, &n);
            argv[j] = mem_dup(p, n);
            argl[j] = n;
        } else {
            ok = 0;
        }
    }
    struct resp_argv *a = NULL;
    if (ok)
        a = resp_argv_new(argc, (const char *const *)argv, argl);
    for (int j = 0; j < argc; j++)
        free(argv[j]);
    free(argv);
    free(argl);
    lua_settop(L, 0);
    if (!ok) {
        push_error_id(L, RT_LUA_ARGTYPE);
        return raise ? lua_error(L) : 1;
    }
    if (s->in_call) { /* a debug hook calling back in: Redis refuses it too */
        resp_argv_free(a);
        push_error(L, "luaRedisGenericCommand() recursive call detected.", 49);
        return 1;
    }
    const struct cmd_def *d;
    int why = call_check(s, a, &d);
    if (why == RT_OOM || why == RT_CL_READONLY) { /* a code of its own: "-OOM ..." */
        resp_argv_free(a);
        char e[128];
        int n = snprintf(e, sizeof(e), "-%s", rtext[why]);
        push_error(L, e, (size_t)n);
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
        return raise ? lua_error(L) : 1;
    }
    if (why != 0) {
        resp_argv_free(a);
        push_error_id(L, (enum rtext_id)why);
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
        return raise ? lua_error(L) : 1;
    }
    if (d->flags & CMD_WRITE)
        s->wrote = 1;
    struct client *f = s->fake;
    f->out.len = 0;
    s->in_call = 1;
    /* Under a scenario the server's hook runs it (or a rule answers it),
     * where it runs, as EXEC hands over its queued commands (core.h). */
    int ran = 1;
    if (s->core->run_scripted)
        ran = s->core->run_scripted(s->core->run_scripted_ud, s->caller, f, s->run_sha, a);
    else
        cmd_execute(s->core, f, a);
    if (ran)
        s->core->st.script_calls++;
    s->in_call = 0;
    resp_argv_free(a);
    const char *p = f->out.p ? f->out.p : "";
    resp_to_lua(L, p, p + f->out.len, 1);
    int failed = f->out.len > 0 && p[0] == '-';
    f->out.len = 0;
    if (raise && failed)
        return lua_error(L);
    return 1;
}

static int redis_call(lua_State *L)
{
    return redis_call_generic(L, 1);
}

static int redis_pcall(lua_State *L)
{
    return redis_call_generic(L, 0);
}

/* pcall as Redis 7 replaces it: an error that is a table with an err
 * string comes back as that string; with an err that is no string (nil
 * included) the table comes back followed by that value, three results. */
static int sb_pcall(lua_State *L)
{
    int argc = lua_gettop(L);
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
        lua_remove(L, 1);
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            if (lua_isstring(L, -1))
                lua_replace(L, -2);
        }
        lua_pushboolean(L, 0);
        lua_insert(L, 1);
    }
    return lua_gettop(L);
}

/* ---- the rest of the redis table ------------------------------------------------- */

static int redis_sha1hex(lua_State *L)
{
    if (lua_gettop(L) != 1)
        return raise_error_id(L, RT_LUA_NARGS);
    size_t n = 0;
    const char *p = lua_tolstring(L, 1, &n);
    char hex[41];
    sha1_hex(hex, p ? p : "", p ? n : 0);
    lua_pushstring(L, hex);
    return 1;
}

static int redis_error_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        push_error_id(L, RT_LUA_REPLY_ARGS);
        return 1;
    }
    size_t n;
    const char *e = lua_tolstring(L, -1, &n);
    size_t z = strlen(e); /* Redis copies a C string: it ends at a NUL */
    if (e[0] == '-') {
        push_error(L, e, z);
    } else {
        struct buf tmp = BUF_INIT;
        buf_putc(&tmp, '-');
        buf_append(&tmp, e, z);
        push_error(L, tmp.p, tmp.len);
        buf_free(&tmp);
    }
    (void)n;
    return 1;
}

static int redis_status_reply(lua_State *L)
{
    if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
        push_error_id(L, RT_LUA_REPLY_ARGS);
        return 1;
    }
    lua_newtable(L);
    lua_pushstring(L, "ok");
    lua_pushvalue(L, -3);
    lua_settable(L, -3);
    return 1;
}

static int redis_set_repl(lua_State *L)
{
    if (lua_gettop(L) != 1)
        return raise_error_id(L, RT_LUA_SETREPL_ARGS);
    int flags = (int)lua_tonumber(L, -1);
    if ((flags & ~3) != 0)
        return raise_error_id(L, RT_LUA_SETREPL_FLAGS);
    return 0; /* nothing to replicate */
}

static int redis_replicate_commands(lua_State *L)
{
    lua_pushboolean(L, 1); /* always on since Redis 7.0 */
    return 1;
}

static int redis_log(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc < 2)
        return raise_error_id(L, RT_LUA_LOG_ARGS);
    if (!lua_isnumber(L, -argc))
        return raise_error_id(L, RT_LUA_LOG_LEVEL_TYPE);
    int level = (int)lua_tonumber(L, -argc);
    if (level < 0 || level > 3)
        return raise_error_id(L, RT_LUA_LOG_LEVEL);
    return 0; /* mockredis keeps no server log */
}

static int redis_setresp(lua_State *L)
{
    struct scr *s = scr_from_lua(L);
    if (lua_gettop(L) != 1)
        return raise_error_id(L, RT_LUA_SETRESP_ARGS);
    int resp = (int)lua_tonumber(L, -1);
    if (resp != 2 && resp != 3)
        return raise_error_id(L, RT_LUA_SETRESP_VERSION);
    s->fake->proto = resp;
    return 0;
}

static int redis_breakpoint(lua_State *L)
{
    lua_pushboolean(L, 0); /* no debugger session */
    return 1;
}

static int redis_debug(lua_State *L)
{
    (void)L; /* no debugger session: nothing to print to */
    return 0;
}

static int redis_acl_check_cmd(lua_State *L)
{
    int argc = lua_gettop(L);
    if (argc == 0)
        return raise_error_id(L, RT_LUA_NOARGS);
    for (int j = 1; j <= argc; j++)
        if (lua_type(L, j) != LUA_TNUMBER && lua_type(L, j) != LUA_TSTRING)
            return raise_error_id(L, RT_LUA_ARGTYPE);
    size_t n;
    const char *name = lua_tolstring(L, 1, &n);
    const struct cmd_def *d = cmd_lookup(name, n);
    if (d == NULL || (d->flags & CMD_PROTECTED))
        return raise_error_id(L, RT_LUA_ACL_CHECK_CMD);
    if (d->subs && argc >= 2) {
        const char *sub = lua_tolstring(L, 2, &n);
        int found = 0;
        for (const struct cmd_def *x = d->subs; x->name && !found; x++)
            found = strlen(x->name) == n && strncasecmp(x->name, sub, n) == 0;
        if (!found)
            return raise_error_id(L, RT_LUA_ACL_CHECK_CMD);
    }
    lua_pushboolean(L, 1); /* no ACL users here: the default user may run anything */
    return 1;
}

static void set_num(lua_State *L, const char *name, lua_Number v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, name);
}

static void set_fn(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
}

static void push_redis_table(lua_State *L)
{
    lua_newtable(L);
    set_fn(L, "call", redis_call);
    set_fn(L, "pcall", redis_pcall);
    set_fn(L, "log", redis_log);
    set_num(L, "LOG_DEBUG", 0);
    set_num(L, "LOG_VERBOSE", 1);
    set_num(L, "LOG_NOTICE", 2);
    set_num(L, "LOG_WARNING", 3);
    lua_pushstring(L, MOCKREDIS_REDIS_VERSION);
    lua_setfield(L, -2, "REDIS_VERSION");
    set_num(L, "REDIS_VERSION_NUM", version_num());
    set_fn(L, "setresp", redis_setresp);
    set_fn(L, "sha1hex", redis_sha1hex);
    set_fn(L, "error_reply", redis_error_reply);
    set_fn(L, "status_reply", redis_status_reply);
    set_fn(L, "set_repl", redis_set_repl);
    set_fn(L, "replicate_commands", redis_replicate_commands);
    set_num(L, "REPL_NONE", 0);
    set_num(L, "REPL_AOF", 1);
    set_num(L, "REPL_SLAVE", 2);
    set_num(L, "REPL_REPLICA", 2);
    set_num(L, "REPL_ALL", 3);
    set_fn(L, "acl_check_cmd", redis_acl_check_cmd);
    set_fn(L, "breakpoint", redis_breakpoint);
    set_fn(L, "debug", redis_debug);
}

/* The error handler every script runs under (Redis's __redis__err__handler):
 * a non-table error becomes {err = "ERR " .. tostring(e)}; the table gets
 * the source and line of the script code that raised it (the caller of a
 * C function such as error() or redis.call). */
static int error_handler(lua_State *L)
{
    lua_settop(L, 1);
    if (!lua_istable(L, 1)) {
        struct scr *s = scr_from_lua(L);
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->globals_ref);
        lua_getfield(L, -1, "tostring");
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        lua_newtable(L);
        lua_pushstring(L, "ERR ");
        lua_pushvalue(L, -3);
        lua_concat(L, 2);
        lua_setfield(L, -2, "err");
        lua_replace(L, 1);
        lua_settop(L, 1);
    }
    lua_Debug ar;
    int have = lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar);
    if (have && strcmp(ar.what, "C") == 0)
        have = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
    if (have) {
        lua_pushstring(L, ar.source);
        lua_setfield(L, 1, "source");
        lua_pushnumber(L, ar.currentline);
        lua_setfield(L, 1, "line");
    }
    return 1;
}

/* Opens a library the way Redis's luaLoadLib does and stores what it
 * returns as the global name. */
static void open_lib(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_pushcfunction(L, fn);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (name[0] != '\0' && lua_istable(L, -1))
        lua_setglobal(L, name);
    else
        lua_pop(L, 1);
}

/* A new interpreter with Redis 7.0.15's globals, protected. */
static void lua_start(struct scr *s)
{
    lua_State *L = luaL_newstate();
    s->L = L;
    lua_pushlightuserdata(L, s);
    lua_setfield(L, LUA_REGISTRYINDEX, "mockredis_scr");
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "mockredis_proxies");

    open_lib(L, "", luaopen_base);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    open_lib(L, "cjson", luaopen_cjson);
    open_lib(L, "struct", luaopen_struct);
    open_lib(L, "cmsgpack", luaopen_cmsgpack);
    open_lib(L, "bit", luaopen_bit);
    /* What Redis 7.0.15 leaves out of the base library. */
    static const char *const removed[] = {"dofile",  "loadfile", "print",
                                          "getfenv", "setfenv",  "newproxy"};
    for (size_t i = 0; i < sizeof(removed) / sizeof(removed[0]); i++) {
        lua_pushnil(L);
        lua_setglobal(L, removed[i]);
    }
    lua_pushcfunction(L, sb_pcall);
    lua_setglobal(L, "pcall");
    push_redis_table(L);
    lua_setglobal(L, "redis");
    lua_getglobal(L, "math");
    set_fn(L, "random", sb_random);
    set_fn(L, "randomseed", sb_randomseed);
    lua_pop(L, 1);
    lua_pushcfunction(L, error_handler);
    lua_setglobal(L, "__redis__err__handler");
    /* The sandbox's own versions of what would see through a proxy. */
    lua_pushvalue(L, LUA_GLOBALSINDEX);
    set_fn(L, "rawset", sb_rawset);
    set_fn(L, "rawget", sb_rawget);
    set_fn(L, "setmetatable", sb_setmetatable);
    set_fn(L, "getmetatable", sb_getmetatable);
    lua_pushcfunction(L, sb_next);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "next");
    lua_pushcclosure(L, sb_pairs, 1);
    lua_setfield(L, -2, "pairs");

    /* Every library table becomes a read-only proxy, then the globals. */
    int g = lua_gettop(L);
    lua_pushnil(L);
    struct buf names = BUF_INIT;
    while (lua_next(L, g)) {
        if (lua_istable(L, -1) && lua_type(L, -2) == LUA_TSTRING &&
            strcmp(lua_tostring(L, -2), "_G") != 0) {
            buf_append(&names, lua_tostring(L, -2), strlen(lua_tostring(L, -2)) + 1);
        }
        lua_pop(L, 1);
    }
    for (size_t at = 0; at < names.len; at += strlen(names.p + at) + 1) {
        lua_getfield(L, g, names.p + at);
        make_proxy(L, 0);
        lua_setfield(L, g, names.p + at);
    }
    buf_free(&names);
    lua_pushvalue(L, g);
    s->globals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, g);
    make_proxy(L, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, g, "_G");
    lua_replace(L, LUA_GLOBALSINDEX);
    lua_settop(L, 0);
}

static void script_free(void *v)
{
    free(v);
}

static void scr_destroy(void *v)
{
    struct scr *s = v;
    if (s == NULL)
        return;
    if (s->L)
        lua_close(s->L);
    dict_free(s->scripts);
    buf_free(&s->fake->out);
    free(s->fake);
    free(s);
}

/* A new engine (its interpreter starts at the first use), attached to no
 * core field. */
static struct scr *scr_new(struct core *core)
{
    struct scr *s = mem_calloc(1, sizeof(*s));
    s->core = core;
    s->scripts = dict_new(script_free);
    s->fake = mem_calloc(1, sizeof(*s->fake));
    s->fake->fd = -1;
    s->fake->proto = 2;
    s->fake->authed = 1;
    s->fake->core = core;
    s->fake->flags = CL_DENY_BLOCKING | CL_SCRIPT;
    s->rand48 = 0x1234ABCD330Eull; /* Redis's generator before any seed */
    return s;
}

/* The engine of core, created at the first use. */
static struct scr *scr_get(struct core *core)
{
    if (core->scripts)
        return core->scripts;
    struct scr *s = scr_new(core);
    core->scripts = s;
    core->scripts_free = scr_destroy;
    return s;
}

static lua_State *scr_lua(struct scr *s)
{
    if (s->L == NULL)
        lua_start(s);
    return s->L;
}

/* ---- the shebang ------------------------------------------------------------------ */

/* Parses the shebang of body, if any, as Redis 7.0's
 * evalExtractShebangFlags: sets *flags and *skip (the length of the
 * shebang line, its newline excluded). Returns 0, or -1 after replying
 * with Redis's error (c NULL: without a reply). */
static int shebang(struct client *c, const char *body, size_t len, unsigned *flags, size_t *skip)
{
    *flags = 0;
    *skip = 0;
    if (len < 2 || body[0] != '#' || body[1] != '!')
        return 0;
    const char *nl = memchr(body, '\n', len);
    if (nl == NULL) {
        if (c)
            reply_err(c, RT_SHEBANG_INVALID);
        return -1;
    }
    *skip = (size_t)(nl - body);
    *flags = SF_SHEBANG;
    /* Split the line on spaces, as sdssplitlen with " " does (empty
     * parts between two spaces included). */
    char *line = mem_dup(body, *skip);
    int rc = 0, first = 1;
    char *save = line;
    for (char *part = line;; first = 0) {
        char *sp = strchr(part, ' ');
        if (sp)
            *sp = '\0';
        if (first) {
            if (strcmp(part, "#!lua") != 0) {
                if (c)
                    reply_errf(c, rtext[RT_SHEBANG_ENGINE_FMT], part);
                rc = -1;
                break;
            }
        } else if (*part != '\0') {
            if (strncmp(part, "flags=", 6) != 0) {
                if (c)
                    reply_errf(c, rtext[RT_SHEBANG_OPTION_FMT], part);
                rc = -1;
                break;
            }
            char *f = part + 6;
            while (*f != '\0' || f == part + 6) {
                if (*f == '\0')
                    break; /* "flags=" alone: no flag */
                char *comma = strchr(f, ',');
                if (comma)
                    *comma = '\0';
                if (strcmp(f, "no-writes") == 0)
                    *flags |= SF_NO_WRITES;
                else if (strcmp(f, "allow-oom") == 0)
                    *flags |= SF_ALLOW_OOM;
                else if (strcmp(f, "allow-stale") == 0)
                    *flags |= SF_ALLOW_STALE;
                else if (strcmp(f, "no-cluster") == 0)
                    *flags |= SF_NO_CLUSTER;
                else if (strcmp(f, "allow-cross-slot-keys") == 0)
                    *flags |= SF_CROSS_SLOT;
                else {
                    if (c)
                        reply_errf(c, rtext[RT_SHEBANG_FLAG_FMT], f);
                    rc = -1;
                    break;
                }
                if (!comma)
                    break;
                f = comma + 1;
                if (*f == '\0') { /* a trailing comma: an empty flag */
                    if (c)
                        reply_errf(c, rtext[RT_SHEBANG_FLAG_FMT], "");
                    rc = -1;
                    break;
                }
            }
            if (rc < 0)
                break;
        }
        if (!sp)
            break;
        part = sp + 1;
    }
    free(save);
    return rc;
}

/* ---- the cache --------------------------------------------------------------------- */

static void sha_lower(char out[41], const char *sha, size_t len)
{
    for (size_t i = 0; i < 40; i++)
        out[i] = i < len ? (char)tolower((unsigned char)sha[i]) : '\0';
    out[40] = '\0';
}

/* Compiles body unless cached. Returns the script, or NULL after replying
 * with the error. */
static struct script *compile(struct scr *s, struct client *c, const char *body, size_t len,
                              char sha[41])
{
    sha1_hex(sha, body, len);
    struct dict_entry *e = dict_find(s->scripts, sha, 40);
    if (e)
        return e->val;
    unsigned flags;
    size_t skip;
    if (shebang(c, body, len, &flags, &skip) < 0)
        return NULL;
    lua_State *L = scr_lua(s);
    if (luaL_loadbuffer(L, body + skip, len - skip, "@user_script") != 0) {
        reply_errf(c, rtext[RT_SCRIPT_COMPILE_FMT], lua_tostring(L, -1));
        lua_pop(L, 1);
        return NULL;
    }
    char key[48];
    snprintf(key, sizeof(key), "f_%s", sha);
    lua_setfield(L, LUA_REGISTRYINDEX, key);
    struct script *sc = mem_calloc(1, sizeof(*sc));
    sc->flags = flags;
    sc->len = len;
    int created;
    e = dict_upsert(s->scripts, sha, 40, &created);
    e->val = sc;
    return sc;
}

int scr_flags_of(const struct core *core, int by_sha, const char *arg, size_t len, unsigned *flags)
{
    char sha[41];
    const struct scr *s = core->scripts;
    if (by_sha) {
        if (len != 40)
            return 0;
        sha_lower(sha, arg, len);
    } else {
        sha1_hex(sha, arg, len);
    }
    struct dict_entry *e = s ? dict_find(s->scripts, sha, 40) : NULL;
    if (e != NULL) {
        *flags = ((const struct script *)e->val)->flags;
    } else {
        size_t skip;
        if (by_sha || shebang(NULL, arg, len, flags, &skip) < 0)
            return 0;
    }
    return (*flags & SF_SHEBANG) != 0;
}

int scr_load(struct core *core, struct client *c, const char *body, size_t len, char sha[41])
{
    return compile(scr_get(core), c, body, len, sha) ? 0 : -1;
}

int scr_exists(struct core *core, const char *sha, size_t len)
{
    if (core->scripts == NULL || len != 40)
        return 0;
    char low[41];
    sha_lower(low, sha, len);
    return dict_find(((struct scr *)core->scripts)->scripts, low, 40) != NULL;
}

void scr_flush(struct core *core)
{
    struct scr *s = core->scripts;
    if (s == NULL)
        return;
    dict_clear(s->scripts);
    if (s->L)
        lua_close(s->L);
    s->L = NULL;
}

size_t scr_count(const struct core *core)
{
    const struct scr *s = core->scripts;
    return s ? dict_size(s->scripts) : 0;
}

size_t scr_memory(const struct core *core)
{
    const struct scr *s = core->scripts;
    if (s == NULL || s->L == NULL)
        return 0;
    return (size_t)lua_gc(s->L, LUA_GCCOUNT, 0) * 1024u + (size_t)lua_gc(s->L, LUA_GCCOUNTB, 0);
}

size_t scr_cache_memory(const struct core *core)
{
    const struct scr *s = core->scripts;
    size_t n = 0;
    for (struct dict_entry *e = s ? dict_first(s->scripts) : NULL; e; e = dict_next(e)) {
        const struct script *sc = e->val;
        n += sc->len + 40 + sizeof(*sc) + 3 * sizeof(void *);
    }
    return n;
}

/* ---- the time budget: busy-reply-threshold, BUSY, SCRIPT KILL ---------------------- */

/* The count hook of a running script: every BUDGET_HOOK_COUNT VM
 * instructions (Redis's figure) it reads the real monotonic clock; past
 * busy-reply-threshold the script is busy, and from then on each call
 * lets the network side serve other clients (core->serve_busy). A script
 * told to stop gets an error it cannot catch: the hook then runs at every
 * line and raises it again, so a pcall around the loop does not save it. */
#define BUDGET_HOOK_COUNT 100000

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_getfield(L, LUA_REGISTRYINDEX, "mockredis_budget");
    struct scr *s = lua_touserdata(L, -1);
    lua_pop(L, 1);
    struct core *core = s->core;
    if (!s->stop) {
        if (!s->timedout) {
            long long ms = (long long)((clk_mono_us() - s->start_us) / 1000);
            if (ms < core->cfg.busy_reply_threshold)
                return;
            s->timedout = 1;
            core->busy = s->for_function ? CORE_BUSY_FUNCTION : CORE_BUSY_EVAL;
            fprintf(stderr, "mockredis: ");
            fprintf(stderr, rtext[RT_SLOW_SCRIPT_LOG_FMT], ms,
                    s->for_function ? "FUNCTION KILL" : "SCRIPT KILL", s->name);
            fprintf(stderr, "\n");
        }
        if (core->serve_busy && core->serve_busy(core->serve_busy_ud, s->who))
            s->stop = STOP_SHUTDOWN;
        if (!s->stop)
            return;
    }
    lua_sethook(L, budget_hook, LUA_MASKLINE, 0);
    push_error_id(L, RT_LUA_KILLED);
    lua_error(L);
}

void scr_budget_start(struct core *core, lua_State *L, struct client *caller, const char *name,
                      int for_function)
{
    struct scr *s = scr_get(core);
    s->start_us = clk_mono_us();
    s->for_function = for_function;
    s->name = name;
    s->who = caller;
    s->running = 1;
    s->active = scr_from_lua(L);
    s->timedout = 0;
    s->stop = 0;
    s->wrote = 0;
    if (core->cfg.busy_reply_threshold > 0) { /* 0: no limit, and no hook to slow scripts */
        lua_pushlightuserdata(L, s);
        lua_setfield(L, LUA_REGISTRYINDEX, "mockredis_budget");
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, BUDGET_HOOK_COUNT);
    }
}

int scr_budget_end(struct core *core, lua_State *L)
{
    struct scr *s = scr_get(core);
    lua_sethook(L, NULL, 0, 0);
    int how = s->stop == STOP_SHUTDOWN ? SCR_END_SHUTDOWN
              : s->stop == STOP_KILL   ? SCR_END_KILLED
                                       : SCR_END_NORMAL;
    if (how == SCR_END_KILLED)
        fprintf(stderr, "mockredis: Lua script killed by user with SCRIPT KILL.\n");
    if (s->timedout)
        core->busy = 0;
    s->running = s->timedout = s->stop = 0;
    s->active = NULL;
    s->who = NULL;
    s->name = NULL;
    return how;
}

int scr_kill(struct core *core, int for_function)
{
    struct scr *s = core->scripts;
    if (s == NULL || !s->running)
        return RT_NOTBUSY;
    if (s->wrote || (s->active != NULL && s->active->wrote))
        return RT_UNKILLABLE;
    if (!for_function && s->for_function)
        return RT_BUSY_FUNCTION;
    if (for_function && !s->for_function)
        return RT_BUSY;
    s->stop = STOP_KILL;
    return 0;
}

/* ---- running a script ------------------------------------------------------------- */

/* Sets the global name (in the real globals) to a table of argv[from..to). */
static void set_args(lua_State *L, struct scr *s, const char *name, struct call *k, int from,
                     int to)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->globals_ref);
    lua_createtable(L, to - from, 0);
    for (int i = from; i < to; i++) {
        lua_pushlstring(L, k->argv[i], k->argl[i]);
        lua_rawseti(L, -2, i - from + 1);
    }
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* Appends the reply for a script that raised the error at the top of the
 * stack, as Redis's luaCallFunction words it. */
static void reply_script_error(lua_State *L, struct client *c, const char *sha)
{
    if (!lua_istable(L, -1)) {
        const char *m = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
        struct buf tmp = BUF_INIT;
        buf_printf(&tmp, rtext[RT_SCRIPT_RUN_FMT], sha, m);
        reply_error_mapped(c, tmp.p, tmp.len);
        buf_free(&tmp);
        return;
    }
    struct buf tmp = BUF_INIT;
    lua_getfield(L, -1, "err");
    if (lua_isstring(L, -1))
        buf_append(&tmp, lua_tostring(L, -1), strlen(lua_tostring(L, -1)));
    else /* Redis 7.0.15 crashes here (error({})): answer something sane */
        buf_append(&tmp, "ERR unknown error", 17);
    lua_pop(L, 1);
    lua_getfield(L, -1, "source");
    lua_getfield(L, -2, "line");
    if (lua_isstring(L, -1) && lua_isstring(L, -2))
        buf_printf(&tmp, rtext[RT_SCRIPT_ERR_WHERE_FMT], sha, lua_tostring(L, -2),
                   lua_tostring(L, -1));
    lua_pop(L, 2);
    reply_error_mapped(c, tmp.p, tmp.len);
    buf_free(&tmp);
}

static void run(struct scr *s, struct call *k, const char *sha, const struct script *sc, int nkeys,
                int ro)
{
    lua_State *L = scr_lua(s);
    struct client *c = k->c;
    char key[48];
    snprintf(key, sizeof(key), "f_%s", sha);
    lua_pushcfunction(L, error_handler);
    lua_getfield(L, LUA_REGISTRYINDEX, key);
    set_args(L, s, "KEYS", k, 3, 3 + nkeys);
    set_args(L, s, "ARGV", k, 3 + nkeys, k->argc);
    s->caller = c;
    s->run_flags = sc->flags;
    s->run_ro = ro;
    s->run_sha = sha;
    s->fake->proto = 2;
    s->fake->dbi = c->dbi;
    s->fake->out.len = 0;
    s->core->st.scripts_run++;
    scr_budget_start(s->core, L, c, sha, 0);
    int err = lua_pcall(L, 0, 1, -2);
    if (scr_budget_end(s->core, L) == SCR_END_SHUTDOWN)
        c->flags |= CL_CLOSE_ASAP; /* no reply: the server stops, as Redis exits */
    else if (err)
        reply_script_error(L, c, sha);
    else
        lua_to_resp(L, c, s->fake->proto);
    lua_settop(L, 0);
    s->caller = NULL;
    s->run_sha = NULL;
    /* Redis steps the collector every 50 scripts so a full cycle never
     * lands on one script. */
    static unsigned gc_count;
    if (++gc_count == 50) {
        lua_gc(L, LUA_GCSTEP, 50);
        gc_count = 0;
    }
}

void scr_eval(struct call *k, int by_sha, int ro)
{
    struct scr *s = scr_get(k->core);
    struct client *c = k->c;
    char sha[41];
    if (by_sha && k->argl[1] != 40) {
        reply_err(c, RT_NOSCRIPT);
        return;
    }
    long long nkeys;
    if (arg_ll(k, 2, &nkeys) < 0)
        return;
    if (nkeys > k->argc - 3) {
        reply_err(c, RT_NUMKEYS_ARGS);
        return;
    }
    if (nkeys < 0) {
        reply_err(c, RT_NUMKEYS_NEGATIVE);
        return;
    }
    struct script *sc;
    if (by_sha) {
        sha_lower(sha, k->argv[1], k->argl[1]);
        struct dict_entry *e = dict_find(s->scripts, sha, 40);
        if (e == NULL) {
            reply_err(c, RT_NOSCRIPT);
            return;
        }
        sc = e->val;
    } else {
        sc = compile(s, c, k->argv[1], k->argl[1], sha);
        if (sc == NULL)
            return;
    }
    /* Redis checks no-cluster first among the flags */
    if ((sc->flags & (SF_SHEBANG | SF_NO_CLUSTER)) == (SF_SHEBANG | SF_NO_CLUSTER) &&
        s->core->cluster != NULL) {
        reply_err(c, RT_CL_SCRIPT_NO_CLUSTER);
        return;
    }
    if (ro && (sc->flags & SF_SHEBANG) && !(sc->flags & SF_NO_WRITES)) {
        reply_err(c, RT_SCRIPT_RO_WRITE_FLAG);
        return;
    }
    run(s, k, sha, sc, (int)nkeys, ro);
}

/* ---- a second interpreter, for functions (function.c) --------------------------- */

struct scr *scr_engine_new(struct core *core)
{
    return scr_new(core);
}

void scr_engine_free(struct scr *s)
{
    scr_destroy(s);
}

lua_State *scr_engine_lua(struct scr *s)
{
    return scr_lua(s);
}

void scr_engine_protect(lua_State *L, int strict)
{
    make_proxy(L, strict);
}

/* As run() above, for a function: keep the two in step. */
void scr_engine_call(struct scr *s, struct call *k, const char *name, unsigned flags, int ro,
                     int nkeys)
{
    lua_State *L = scr_lua(s);
    struct client *c = k->c;
    lua_pushcfunction(L, error_handler);
    lua_insert(L, -2);
    for (int part = 0; part < 2; part++) {
        int from = part == 0 ? 3 : 3 + nkeys, to = part == 0 ? 3 + nkeys : k->argc;
        lua_createtable(L, to - from, 0);
        for (int i = from; i < to; i++) {
            lua_pushlstring(L, k->argv[i], k->argl[i]);
            lua_rawseti(L, -2, i - from + 1);
        }
    }
    s->caller = c;
    s->run_flags = flags;
    s->run_ro = ro;
    s->wrote = 0;
    s->run_sha = name;
    s->fake->proto = 2;
    s->fake->dbi = c->dbi;
    s->fake->out.len = 0;
    s->core->st.scripts_run++;
    scr_budget_start(s->core, L, c, name, 1);
    int err = lua_pcall(L, 2, 1, -4);
    if (scr_budget_end(s->core, L) == SCR_END_SHUTDOWN)
        c->flags |= CL_CLOSE_ASAP; /* no reply: the server stops, as Redis exits */
    else if (err)
        reply_script_error(L, c, name);
    else
        lua_to_resp(L, c, s->fake->proto);
    lua_settop(L, 0);
    s->caller = NULL;
    s->run_sha = NULL;
}
