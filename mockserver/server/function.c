/* function.c - Redis 7.0 functions: libraries, FUNCTION LOAD's loader,
 * FCALL, and FUNCTION DUMP/RESTORE's payload; see function.h.
 *
 * The interpreter. Redis runs functions in a Lua state of their own; so do
 * we: script.h's scr_engine_new gives one set up exactly as EVAL's (same
 * libraries, sandbox, redis.* API). Its globals are a read-only proxy whose
 * metatable's __index decides what names resolve to. While a library's code
 * runs (FUNCTION LOAD, RESTORE) __index is switched to the load-time API, as
 * Redis switches it: only `redis`, holding register_function, log, the
 * LOG_* levels, REDIS_VERSION and REDIS_VERSION_NUM; reading anything else
 * (redis.call, string, error...) raises "Script attempted to access
 * nonexistent global variable". Afterwards __index is the full API again,
 * which the registered callbacks see when FCALL runs them. Library code runs
 * under a count hook that stops it after 500 ms of real time ("FUNCTION
 * LOAD timeout"), as Redis's does.
 *
 * Libraries. A library has a name (case-sensitive), its whole code (shebang
 * included, what LIST WITHCODE and DUMP give) and its functions in the order
 * they were registered; each function's callback is a registry reference in
 * the interpreter. A "context" holds libraries by name and all their
 * functions by lower-cased name (FCALL finds a function in any letter case,
 * as Redis's case-insensitive dict does). RESTORE loads into a fresh context
 * and then swaps (FLUSH) or joins it (APPEND, REPLACE), so a failure changes
 * nothing. LIST and DUMP go in insertion order (Redis's is its dict's hash
 * order, which varies between runs).
 *
 * The DUMP payload, as Redis 7.0.15 writes it:
 *   for each library: 0xF5 (RDB_OPCODE_FUNCTION2), the code as an RDB string
 *     (length-prefixed; when longer than 20 bytes and LZF makes it at least
 *     5 bytes smaller: 0xC3, compressed length, length, LZF data - Debian's
 *     liblzf 3.6, the same compressor Redis bundles, gives the same bytes)
 *   then RDB version 10 (2 bytes, little endian) and the CRC-64/Jones of
 *     everything before (8 bytes, little endian).
 * RESTORE reads what Redis reads: integer- and LZF-encoded strings too, and
 * the 7.0 release candidates' 0xF6 records (name, engine, description,
 * code), with Redis's errors for each part that cannot be read.
 *
 * Not here: FUNCTION KILL of a running function and FUNCTION STATS's
 * running_script (the time budget belongs to script.c's run loop), the
 * functions' part of INFO memory. */
#include "function.h"

#include <lauxlib.h>
#include <lzf.h>
#include <lua.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "dict.h"
#include "cluster.h"
#include "mem.h"
#include "reply.h"
#include "resp.h"
#include "script.h"
#include "util.h"

#define FN_LOAD_TIMEOUT_US 500000 /* Redis's LOAD_TIMEOUT_MS */
#define FN_RDB_VERSION     10     /* Redis 7.0's RDB_VERSION */
#define FN_OP_FUNCTION2    0xF5   /* RDB_OPCODE_FUNCTION2 */
#define FN_OP_FUNCTION_RC  0xF6   /* the 7.0 release candidates' format */

struct fn_lib;

struct fn_func {
    char *name;
    char *desc; /* NULL: none */
    size_t desc_len;
    unsigned flags; /* SF_* (script.h) */
    int ref;        /* the callback, in the interpreter's registry */
    struct fn_lib *lib;
    struct fn_func *next; /* the library's next function, in registration order */
};

struct fn_engine;

struct fn_lib {
    char *name;
    char *code;
    size_t code_len;
    struct fn_func *funcs, **tail;
    size_t nfuncs;
    struct fn_engine *e;
};

struct fn_ctx {
    struct dict *libs;  /* name -> struct fn_lib (owned) */
    struct dict *funcs; /* lower-cased name -> struct fn_func (the library's) */
};

struct fn_engine {
    struct core *core;
    struct scr *scr;
    lua_State *L;
    int meta_ref;           /* the globals proxy's metatable */
    int run_index_ref;      /* its __index at run time (the full API) */
    int load_index_ref;     /* its __index while library code runs */
    struct fn_lib *loading; /* the library being loaded, NULL otherwise */
    int64_t load_start_us;
    struct fn_ctx *cur;
};

/* ---- libraries and contexts ------------------------------------------------------- */

static void lib_free(void *v)
{
    struct fn_lib *li = v;
    if (li == NULL)
        return;
    for (struct fn_func *f = li->funcs, *next; f; f = next) {
        next = f->next;
        if (li->e->L)
            luaL_unref(li->e->L, LUA_REGISTRYINDEX, f->ref);
        free(f->name);
        free(f->desc);
        free(f);
    }
    free(li->name);
    free(li->code);
    free(li);
}

static struct fn_ctx *ctx_new(void)
{
    struct fn_ctx *x = mem_calloc(1, sizeof(*x));
    x->libs = dict_new(lib_free);
    x->funcs = dict_new(NULL);
    return x;
}

static void ctx_free(struct fn_ctx *x)
{
    if (x == NULL)
        return;
    dict_free(x->funcs);
    dict_free(x->libs);
    free(x);
}

/* The key a function is found by: its name in lower case, in out (at
 * least strlen(name) + 1 bytes). */
static size_t func_key(char *out, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    return n;
}

static struct fn_func *ctx_find_func(const struct fn_ctx *x, const char *name, size_t len)
{
    char *key = mem_dup(name, len);
    for (size_t i = 0; i < len; i++)
        if (key[i] >= 'A' && key[i] <= 'Z')
            key[i] = (char)(key[i] + 32);
    struct dict_entry *de = dict_find(x->funcs, key, len);
    free(key);
    return de ? de->val : NULL;
}

static struct fn_lib *ctx_find_lib(const struct fn_ctx *x, const char *name, size_t len)
{
    struct dict_entry *de = dict_find(x->libs, name, len);
    return de ? de->val : NULL;
}

/* Takes li out of x (not freed). */
static void ctx_unlink(struct fn_ctx *x, struct fn_lib *li)
{
    for (struct fn_func *f = li->funcs; f; f = f->next) {
        char *key = mem_dup(f->name, strlen(f->name));
        size_t n = func_key(key, f->name);
        struct dict_entry *de = dict_find(x->funcs, key, n);
        if (de && de->val == f)
            dict_remove(x->funcs, de);
        free(key);
    }
    dict_take(x->libs, li->name, strlen(li->name));
}

/* Puts li into x, which then owns it. */
static void ctx_link(struct fn_ctx *x, struct fn_lib *li)
{
    for (struct fn_func *f = li->funcs; f; f = f->next) {
        char *key = mem_dup(f->name, strlen(f->name));
        size_t n = func_key(key, f->name);
        int created;
        struct dict_entry *de = dict_upsert(x->funcs, key, n, &created);
        if (created) /* as Redis's dictAdd: the first of two names that differ in case wins */
            de->val = f;
        free(key);
    }
    int created;
    struct dict_entry *de = dict_upsert(x->libs, li->name, strlen(li->name), &created);
    de->val = li;
}

static size_t ctx_nfuncs(const struct fn_ctx *x)
{
    size_t n = 0;
    for (struct dict_entry *de = dict_first(x->libs); de; de = dict_next(de))
        n += ((struct fn_lib *)de->val)->nfuncs;
    return n;
}

/* ---- the engine ------------------------------------------------------------------- */

static int register_function(lua_State *L);

/* Points the globals' __index at the API in the registry reference ref. */
static void set_api(struct fn_engine *e, int ref)
{
    lua_rawgeti(e->L, LUA_REGISTRYINDEX, e->meta_ref);
    lua_rawgeti(e->L, LUA_REGISTRYINDEX, ref);
    lua_setfield(e->L, -2, "__index");
    lua_pop(e->L, 1);
}

/* Builds the load-time API next to the interpreter's own (see the top). */
static void engine_start(struct fn_engine *e)
{
    lua_State *L = e->L = scr_engine_lua(e->scr);
    lua_getmetatable(L, LUA_GLOBALSINDEX);
    lua_getfield(L, -1, "__index");
    e->run_index_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    e->meta_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    lua_newtable(L); /* the load-time globals */
    lua_newtable(L); /* their redis table */
    lua_pushlightuserdata(L, e);
    lua_pushcclosure(L, register_function, 1);
    lua_setfield(L, -2, "register_function");
    static const char *const copied[] = {
        "log",         "LOG_DEBUG",     "LOG_VERBOSE",      "LOG_NOTICE",
        "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"};
    lua_getglobal(L, "redis");
    for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
        lua_getfield(L, -1, copied[i]);
        lua_setfield(L, -3, copied[i]);
    }
    lua_pop(L, 1);
    scr_engine_protect(L, 1);
    lua_setfield(L, -2, "redis");
    scr_engine_protect(L, 1);
    lua_getmetatable(L, -1);
    lua_getfield(L, -1, "__index");
    e->load_index_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 2);
}

static struct fn_engine *engine_new(struct core *core)
{
    struct fn_engine *e = mem_calloc(1, sizeof(*e));
    e->core = core;
    e->scr = scr_engine_new(core);
    e->cur = ctx_new();
    engine_start(e);
    return e;
}

static void engine_free(void *v)
{
    struct fn_engine *e = v;
    if (e == NULL)
        return;
    ctx_free(e->cur);
    scr_engine_free(e->scr);
    free(e);
}

/* The engine of core, created at the first use. */
static struct fn_engine *engine_get(struct core *core)
{
    if (core->functions == NULL) {
        core->functions = engine_new(core);
        core->functions_free = engine_free;
    }
    return core->functions;
}

/* ---- redis.register_function ----------------------------------------------------- */

/* Raises {err = "ERR <text of id>"} (text without a code of its own). */
static int raise_rf(lua_State *L, enum rtext_id id)
{
    lua_newtable(L);
    const char *t = rtext[id];
    if (strncmp(t, "ERR ", 4) == 0)
        lua_pushstring(L, t);
    else
        lua_pushfstring(L, "ERR %s", t);
    lua_setfield(L, -2, "err");
    return lua_error(L);
}

/* A copy of the string (or number) at idx, NULL for other types (Redis's
 * luaGetStringSds). */
static char *lua_str_dup(lua_State *L, int idx, size_t *len)
{
    if (!lua_isstring(L, idx))
        return NULL;
    lua_pushvalue(L, idx); /* tolstring on a copy: a key being iterated stays a number */
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    char *out = mem_dup(s, n);
    lua_pop(L, 1);
    if (len)
        *len = n;
    return out;
}

static int name_ok(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return 0;
    }
    return 1;
}

/* Reads the flags table at the top of the stack. Returns 0, or -1 for a
 * flag Redis does not know (or not a string). */
static int read_flags(lua_State *L, unsigned *flags)
{
    static const struct {
        const char *name;
        unsigned flag;
    } known[] = {{"no-writes", SF_NO_WRITES},
                 {"allow-oom", SF_ALLOW_OOM},
                 {"allow-stale", SF_ALLOW_STALE},
                 {"no-cluster", SF_NO_CLUSTER},
                 {"allow-cross-slot-keys", SF_CROSS_SLOT}};
    for (int j = 1;; j++) {
        lua_pushnumber(L, j);
        lua_gettable(L, -2);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            return 0;
        }
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            return -1;
        }
        const char *s = lua_tostring(L, -1);
        int found = 0;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) && !found; i++)
            if (strcasecmp(s, known[i].name) == 0) {
                *flags |= known[i].flag;
                found = 1;
            }
        lua_pop(L, 1);
        if (!found)
            return -1;
    }
}

struct reg_args {
    char *name;
    char *desc;
    size_t desc_len;
    int ref; /* LUA_NOREF until the callback is found */
    unsigned flags;
};

static void reg_args_dispose(lua_State *L, struct reg_args *a)
{
    free(a->name);
    free(a->desc);
    if (a->ref != LUA_NOREF)
        luaL_unref(L, LUA_REGISTRYINDEX, a->ref);
    a->name = a->desc = NULL;
    a->ref = LUA_NOREF;
}

/* register_function{function_name=, callback=, flags=, description=}.
 * Returns 0, or the error's id (a disposed). */
static int read_named(lua_State *L, struct reg_args *a)
{
    if (!lua_istable(L, 1))
        return RT_RF_SINGLE;
    int why = 0;
    lua_pushnil(L);
    while (why == 0 && lua_next(L, 1)) {
        if (!lua_isstring(L, -2)) {
            why = RT_RF_KEY_TYPE;
            break;
        }
        char *key = lua_str_dup(L, -2, NULL);
        if (strcasecmp(key, "function_name") == 0) {
            free(a->name);
            if (!(a->name = lua_str_dup(L, -1, NULL)))
                why = RT_RF_NAME_TYPE;
        } else if (strcasecmp(key, "description") == 0) {
            free(a->desc);
            if (!(a->desc = lua_str_dup(L, -1, &a->desc_len)))
                why = RT_RF_DESC_TYPE;
        } else if (strcasecmp(key, "callback") == 0) {
            if (!lua_isfunction(L, -1)) {
                why = RT_RF_CB_TYPE;
            } else {
                if (a->ref != LUA_NOREF)
                    luaL_unref(L, LUA_REGISTRYINDEX, a->ref);
                a->ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the value */
                free(key);
                continue;
            }
        } else if (strcasecmp(key, "flags") == 0) {
            if (!lua_istable(L, -1))
                why = RT_RF_FLAGS_TYPE;
            else if (read_flags(L, &a->flags) < 0)
                why = RT_RF_UNKNOWN_FLAG;
        } else {
            why = RT_RF_UNKNOWN_ARG;
        }
        free(key);
        lua_pop(L, 1);
    }
    if (why == 0 && a->name == NULL)
        why = RT_RF_NO_NAME;
    if (why == 0 && a->ref == LUA_NOREF)
        why = RT_RF_NO_CB;
    if (why != 0)
        reg_args_dispose(L, a);
    return why;
}

/* register_function(name, callback). */
static int read_positional(lua_State *L, struct reg_args *a)
{
    if (!(a->name = lua_str_dup(L, 1, NULL)))
        return RT_RF_FIRST;
    if (!lua_isfunction(L, 2)) {
        reg_args_dispose(L, a);
        return RT_RF_SECOND;
    }
    a->ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the callback */
    return 0;
}

static int register_function(lua_State *L)
{
    struct fn_engine *e = lua_touserdata(L, lua_upvalueindex(1));
    struct fn_lib *li = e->loading;
    if (li == NULL)
        return raise_rf(L, RT_RF_ONLY_AT_LOAD);
    int argc = lua_gettop(L);
    if (argc < 1 || argc > 2)
        return raise_rf(L, RT_RF_NARGS);
    struct reg_args a = {.ref = LUA_NOREF};
    int why = argc == 1 ? read_named(L, &a) : read_positional(L, &a);
    if (why != 0)
        return raise_rf(L, (enum rtext_id)why);
    why = !name_ok(a.name, strlen(a.name)) ? RT_FN_BAD_NAME : 0;
    for (struct fn_func *f = li->funcs; f && why == 0; f = f->next)
        if (strcmp(f->name, a.name) == 0)
            why = RT_RF_FUNC_EXISTS;
    if (why != 0) {
        reg_args_dispose(L, &a);
        return raise_rf(L, (enum rtext_id)why);
    }
    struct fn_func *f = mem_calloc(1, sizeof(*f));
    f->name = a.name;
    f->desc = a.desc;
    f->desc_len = a.desc_len;
    f->flags = a.flags;
    f->ref = a.ref;
    f->lib = li;
    *li->tail = f;
    li->tail = &f->next;
    li->nfuncs++;
    return 0;
}

/* ---- loading a library ------------------------------------------------------------ */

static void load_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_getfield(L, LUA_REGISTRYINDEX, "mockredis_fn_engine");
    struct fn_engine *e = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (e && clk_mono_us() - e->load_start_us > FN_LOAD_TIMEOUT_US) {
        lua_sethook(L, load_hook, LUA_MASKLINE, 0);
        raise_rf(L, RT_FN_LOAD_TIMEOUT);
    }
}

/* Compiles body (the code after the shebang line, its newline first) and
 * runs it with the load-time API so it registers li's functions. Returns 0,
 * or -1 with Redis's message in err. */
static int lib_run_code(struct fn_engine *e, struct fn_lib *li, const char *body, size_t len,
                        struct buf *err)
{
    lua_State *L = e->L;
    int rc = 0;
    set_api(e, e->load_index_ref);
    if (luaL_loadbuffer(L, body, len, "@user_function") != 0) {
        buf_printf(err, rtext[RT_FN_COMPILE_FMT], lua_tostring(L, -1));
        lua_pop(L, 1);
        set_api(e, e->run_index_ref);
        return -1;
    }
    lua_pushlightuserdata(L, e);
    lua_setfield(L, LUA_REGISTRYINDEX, "mockredis_fn_engine");
    e->loading = li;
    e->load_start_us = clk_mono_us();
    lua_sethook(L, load_hook, LUA_MASKCOUNT, 100000);
    if (lua_pcall(L, 0, 0, 0) != 0) {
        const char *m = NULL;
        if (lua_isstring(L, -1)) {
            buf_printf(err, rtext[RT_FN_REGISTER_FMT], "");
            buf_puts(err, "ERR ");
            m = lua_tostring(L, -1);
        } else if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "err");
            buf_printf(err, rtext[RT_FN_REGISTER_FMT], "");
            m = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
            lua_replace(L, -2);
        } else {
            buf_printf(err, rtext[RT_FN_REGISTER_FMT], "");
        }
        if (m)
            buf_puts(err, m);
        lua_pop(L, 1);
        rc = -1;
    }
    lua_sethook(L, NULL, 0, 0);
    e->loading = NULL;
    set_api(e, e->run_index_ref);
    return rc;
}

/* The shebang's parts, as Redis's functionExtractLibMetaData reads them.
 * Returns 0 with *name (malloc'd) and *body (where the code after the
 * shebang starts: its newline), or -1 with the error in err. */
static int parse_meta(const char *code, size_t len, char **name, size_t *body, struct buf *err)
{
    *name = NULL;
    size_t z = strnlen(code, len); /* Redis reads the shebang as a C string */
    if (z < 2 || code[0] != '#' || code[1] != '!') {
        buf_puts(err, rtext[RT_FN_MISSING_META]);
        return -1;
    }
    const char *nl = memchr(code, '\n', z);
    if (nl == NULL) {
        buf_puts(err, rtext[RT_FN_INVALID_META]);
        return -1;
    }
    *body = (size_t)(nl - code);
    struct resp_argv *parts = resp_split_args(code, *body);
    if (parts == NULL || parts->argc == 0) {
        buf_puts(err, rtext[RT_FN_INVALID_META]);
        resp_argv_free(parts);
        return -1;
    }
    int rc = 0;
    for (int i = 1; i < parts->argc && rc == 0; i++) {
        const char *p = parts->argv[i];
        if (parts->argl[i] >= 5 && strncasecmp(p, "name=", 5) == 0) {
            if (*name) {
                buf_puts(err, rtext[RT_FN_NAME_TWICE]);
                rc = -1;
            } else {
                *name = mem_dup(p + 5, strnlen(p + 5, parts->argl[i] - 5));
            }
            continue;
        }
        buf_printf(err, rtext[RT_FN_META_VALUE_FMT], p);
        rc = -1;
    }
    if (rc == 0 && *name == NULL) {
        buf_puts(err, rtext[RT_FN_NO_LIB_NAME]);
        rc = -1;
    }
    if (rc == 0 && !name_ok(*name, strlen(*name))) {
        buf_puts(err, rtext[RT_FN_BAD_NAME]);
        rc = -1;
    }
    if (rc == 0 && strcasecmp(parts->argv[0] + 2, "lua") != 0) {
        buf_printf(err, rtext[RT_FN_ENGINE_FMT], parts->argv[0] + 2);
        rc = -1;
    }
    resp_argv_free(parts);
    if (rc < 0) {
        free(*name);
        *name = NULL;
    }
    return rc;
}

/* Loads code into x (Redis's functionsCreateWithLibraryCtx). Returns the
 * new library, or NULL with the error in err and x unchanged. */
static struct fn_lib *lib_create(struct fn_engine *e, struct fn_ctx *x, const char *code,
                                 size_t len, int replace, struct buf *err)
{
    char *name;
    size_t body;
    if (parse_meta(code, len, &name, &body, err) < 0)
        return NULL;
    struct fn_lib *old = ctx_find_lib(x, name, strlen(name));
    if (old && !replace) {
        buf_printf(err, rtext[RT_FN_LIB_EXISTS_FMT], name);
        free(name);
        return NULL;
    }
    if (old)
        ctx_unlink(x, old);
    struct fn_lib *li = mem_calloc(1, sizeof(*li));
    li->name = name;
    li->code = mem_dup(code, len);
    li->code_len = len;
    li->tail = &li->funcs;
    li->e = e;
    int ok = lib_run_code(e, li, code + body, len - body, err) == 0;
    if (ok && li->nfuncs == 0) {
        buf_puts(err, rtext[RT_FN_NO_FUNCTIONS]);
        ok = 0;
    }
    for (struct fn_func *f = li->funcs; f && ok; f = f->next)
        if (ctx_find_func(x, f->name, strlen(f->name))) {
            buf_printf(err, rtext[RT_FN_FUNC_EXISTS_FMT], f->name);
            ok = 0;
        }
    if (!ok) {
        lib_free(li);
        if (old)
            ctx_link(x, old);
        return NULL;
    }
    ctx_link(x, li);
    lib_free(old);
    return li;
}

static void reply_buf_error(struct client *c, struct buf *err)
{
    resp_w_error(&c->out, err->p ? err->p : "", err->len);
}

void fn_load(struct core *core, struct client *c, const char *code, size_t len, int replace)
{
    struct fn_engine *e = engine_get(core);
    struct buf err = BUF_INIT;
    struct fn_lib *li = lib_create(e, e->cur, code, len, replace, &err);
    if (li)
        reply_bulk(c, li->name, strlen(li->name));
    else
        reply_buf_error(c, &err);
    buf_free(&err);
}

/* ---- LIST, DELETE, FLUSH, STATS ---------------------------------------------------- */

static const char *const flag_names[] = {"no-writes", "allow-oom", "allow-stale", "no-cluster",
                                         "allow-cross-slot-keys"};

static void reply_lib(struct client *c, const struct fn_lib *li, int with_code)
{
    reply_map(c, with_code ? 4 : 3);
    reply_cstr(c, "library_name");
    reply_bulk(c, li->name, strlen(li->name));
    reply_cstr(c, "engine");
    reply_cstr(c, "LUA");
    reply_cstr(c, "functions");
    reply_array(c, (long long)li->nfuncs);
    for (const struct fn_func *f = li->funcs; f; f = f->next) {
        reply_map(c, 3);
        reply_cstr(c, "name");
        reply_bulk(c, f->name, strlen(f->name));
        reply_cstr(c, "description");
        if (f->desc)
            reply_bulk(c, f->desc, f->desc_len);
        else
            reply_null(c);
        reply_cstr(c, "flags");
        int n = 0;
        for (int i = 0; i < 5; i++)
            n += (f->flags >> i) & 1u;
        reply_set(c, n);
        for (int i = 0; i < 5; i++)
            if (f->flags & (1u << i))
                reply_simple(c, flag_names[i]);
    }
    if (with_code) {
        reply_cstr(c, "library_code");
        reply_bulk(c, li->code, li->code_len);
    }
}

void fn_list(struct core *core, struct client *c, const char *pat, size_t plen, int with_code)
{
    struct fn_engine *e = engine_get(core);
    long long n = 0;
    for (struct dict_entry *de = dict_first(e->cur->libs); de; de = dict_next(de)) {
        const struct fn_lib *li = de->val;
        n += pat == NULL || util_glob(pat, plen, li->name, strlen(li->name), 1);
    }
    reply_array(c, n);
    for (struct dict_entry *de = dict_first(e->cur->libs); de; de = dict_next(de)) {
        const struct fn_lib *li = de->val;
        if (pat == NULL || util_glob(pat, plen, li->name, strlen(li->name), 1))
            reply_lib(c, li, with_code);
    }
}

void fn_delete(struct core *core, struct client *c, const char *name, size_t len)
{
    struct fn_engine *e = engine_get(core);
    struct fn_lib *li = ctx_find_lib(e->cur, name, len);
    if (li == NULL) {
        reply_err(c, RT_FN_LIB_NOT_FOUND);
        return;
    }
    ctx_unlink(e->cur, li);
    lib_free(li);
    reply_ok(c);
}

void fn_flush(struct core *core)
{
    engine_free(core->functions);
    core->functions = NULL;
}

void fn_stats(struct core *core, struct client *c)
{
    struct fn_engine *e = engine_get(core);
    reply_map(c, 2);
    reply_cstr(c, "running_script");
    reply_null(c); /* Redis names the running function here (name, command, duration_ms): a known
                      difference (docs/protocol.md) */
    reply_cstr(c, "engines");
    reply_map(c, 1);
    reply_cstr(c, "LUA");
    reply_map(c, 2);
    reply_cstr(c, "libraries_count");
    reply_int(c, (long long)dict_size(e->cur->libs));
    reply_cstr(c, "functions_count");
    reply_int(c, (long long)ctx_nfuncs(e->cur));
}

void fn_info(const struct core *core, struct fn_info *out)
{
    const struct fn_engine *e = core->functions;
    memset(out, 0, sizeof(*out));
    if (e == NULL) /* no FUNCTION or FCALL yet: no engine, no interpreter */
        return;
    out->libraries = dict_size(e->cur->libs);
    out->functions = ctx_nfuncs(e->cur);
    if (e->L != NULL)
        out->vm_bytes =
            (size_t)lua_gc(e->L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(e->L, LUA_GCCOUNTB, 0);
    for (struct dict_entry *de = dict_first(e->cur->libs); de; de = dict_next(de)) {
        const struct fn_lib *lib = de->val;
        out->bytes += sizeof(*lib) + strlen(lib->name) + lib->code_len;
        for (const struct fn_func *f = lib->funcs; f; f = f->next)
            out->bytes += sizeof(*f) + strlen(f->name) + f->desc_len;
    }
}

/* ---- FCALL ------------------------------------------------------------------------- */

int fn_flags_of(const struct core *core, const char *name, size_t len, unsigned *flags)
{
    const struct fn_engine *e = core->functions;
    if (e == NULL)
        return 0;
    const struct fn_func *f = ctx_find_func(e->cur, name, len);
    if (f == NULL)
        return 0;
    *flags = f->flags;
    return 1;
}

void fn_fcall(struct call *k, int ro)
{
    struct fn_engine *e = engine_get(k->core);
    struct client *c = k->c;
    struct fn_func *f = ctx_find_func(e->cur, k->argv[1], k->argl[1]);
    if (f == NULL) {
        reply_err(c, RT_FN_NOT_FOUND);
        return;
    }
    long long nkeys;
    if (!util_str2ll(k->argv[2], k->argl[2], &nkeys)) {
        reply_err(c, RT_FN_BAD_NUMKEYS);
        return;
    }
    if (nkeys > k->argc - 3) {
        reply_err(c, RT_NUMKEYS_ARGS);
        return;
    }
    if (nkeys < 0) {
        reply_err(c, RT_NUMKEYS_NEGATIVE);
        return;
    }
    if ((f->flags & SF_NO_CLUSTER) && k->core->cluster != NULL) {
        reply_err(c, RT_CL_SCRIPT_NO_CLUSTER);
        return;
    }
    if (ro && !(f->flags & SF_NO_WRITES)) {
        reply_err(c, RT_SCRIPT_RO_WRITE_FLAG);
        return;
    }
    lua_rawgeti(e->L, LUA_REGISTRYINDEX, f->ref);
    scr_engine_call(e->scr, k, f->name, f->flags | SF_SHEBANG, ro, (int)nkeys);
}

/* ---- the DUMP payload -------------------------------------------------------------- */

/* CRC-64/Jones as Redis computes it (reflected, polynomial
 * 0xad93d23594c935a9, initial 0, no final xor): check "123456789" ->
 * 0xe9c6d914c4b8d9ca. */
static uint64_t crc64(const unsigned char *p, size_t n)
{
    static uint64_t table[256];
    static int ready;
    if (!ready) {
        for (unsigned i = 0; i < 256; i++) {
            uint64_t r = i;
            for (int b = 0; b < 8; b++)
                r = (r & 1) ? (r >> 1) ^ 0x95ac9329ac4bc9b5ull : r >> 1;
            table[i] = r;
        }
        ready = 1;
    }
    uint64_t crc = 0;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

static void rdb_put_len(struct buf *b, uint64_t len)
{
    unsigned char t[9];
    size_t n;
    if (len < 64) {
        t[0] = (unsigned char)len;
        n = 1;
    } else if (len < 16384) {
        t[0] = (unsigned char)(0x40 | (len >> 8));
        t[1] = (unsigned char)(len & 0xff);
        n = 2;
    } else if (len <= UINT32_MAX) {
        t[0] = 0x80;
        for (int i = 0; i < 4; i++)
            t[1 + i] = (unsigned char)(len >> (24 - 8 * i));
        n = 5;
    } else {
        t[0] = 0x81;
        for (int i = 0; i < 8; i++)
            t[1 + i] = (unsigned char)(len >> (56 - 8 * i));
        n = 9;
    }
    buf_append(b, t, n);
}

/* An RDB string as Redis's rdbSaveRawString writes it with rdbcompression
 * on (a library's code is never an integer, so no integer encoding). */
static void rdb_put_string(struct buf *b, const char *s, size_t len)
{
    if (len > 20 && len <= UINT32_MAX) {
        unsigned char *out = mem_calloc(1, len);
        unsigned n = lzf_compress(s, (unsigned)len, out, (unsigned)(len - 4));
        if (n > 0) {
            buf_putc(b, (char)0xC3);
            rdb_put_len(b, n);
            rdb_put_len(b, len);
            buf_append(b, out, n);
            free(out);
            return;
        }
        free(out);
    }
    rdb_put_len(b, len);
    buf_append(b, s, len);
}

void fn_dump(struct core *core, struct client *c)
{
    struct fn_engine *e = engine_get(core);
    struct buf b = BUF_INIT;
    for (struct dict_entry *de = dict_first(e->cur->libs); de; de = dict_next(de)) {
        const struct fn_lib *li = de->val;
        buf_putc(&b, (char)FN_OP_FUNCTION2);
        rdb_put_string(&b, li->code, li->code_len);
    }
    unsigned char ver[2] = {FN_RDB_VERSION & 0xff, (FN_RDB_VERSION >> 8) & 0xff};
    buf_append(&b, ver, 2);
    uint64_t crc = crc64((const unsigned char *)b.p, b.len);
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(crc >> (8 * i));
    buf_append(&b, le, 8);
    reply_bulk(c, b.p, b.len);
    buf_free(&b);
}

/* A reader over the whole payload, footer included, as Redis's buffer rio
 * reads it. */
struct rdb_in {
    const unsigned char *p;
    size_t len, pos;
};

static int rdb_read(struct rdb_in *in, void *out, size_t n)
{
    if (n > in->len - in->pos)
        return -1;
    memcpy(out, in->p + in->pos, n);
    in->pos += n;
    return 0;
}

/* An RDB length; *enc set when it is a special encoding (its type in
 * *len). Returns 0 or -1. */
static int rdb_get_len(struct rdb_in *in, uint64_t *len, int *enc)
{
    unsigned char t[8];
    *enc = 0;
    if (rdb_read(in, t, 1) < 0)
        return -1;
    switch (t[0] >> 6) {
    case 0: *len = t[0] & 0x3f; return 0;
    case 1:
        *len = (uint64_t)(t[0] & 0x3f) << 8;
        if (rdb_read(in, t, 1) < 0)
            return -1;
        *len |= t[0];
        return 0;
    case 3:
        *enc = 1;
        *len = t[0] & 0x3f;
        return 0;
    default: break;
    }
    size_t n = t[0] == 0x80 ? 4 : t[0] == 0x81 ? 8 : 0;
    if (n == 0 || rdb_read(in, t, n) < 0)
        return -1;
    *len = 0;
    for (size_t i = 0; i < n; i++)
        *len = (*len << 8) | t[i];
    return 0;
}

/* An RDB string (plain, integer or LZF). Returns a malloc'd copy (length
 * in *out_len) or NULL. */
static char *rdb_get_string(struct rdb_in *in, size_t *out_len)
{
    uint64_t len;
    int enc;
    if (rdb_get_len(in, &len, &enc) < 0)
        return NULL;
    if (!enc) {
        if (len > in->len - in->pos)
            return NULL;
        char *s = mem_dup((const char *)in->p + in->pos, (size_t)len);
        in->pos += (size_t)len;
        *out_len = (size_t)len;
        return s;
    }
    if (len <= 2) { /* INT8, INT16, INT32, little endian */
        unsigned char t[4];
        size_t n = (size_t)1 << len;
        if (rdb_read(in, t, n) < 0)
            return NULL;
        long long v = n == 1   ? (int8_t)t[0]
                      : n == 2 ? (int16_t)(t[0] | t[1] << 8)
                               : (int32_t)((uint32_t)t[0] | (uint32_t)t[1] << 8 |
                                           (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24);
        char tmp[32];
        int m = snprintf(tmp, sizeof(tmp), "%lld", v);
        *out_len = (size_t)m;
        return mem_dup(tmp, (size_t)m);
    }
    if (len != 3)
        return NULL;
    uint64_t clen, ulen;
    if (rdb_get_len(in, &clen, &enc) < 0 || enc || rdb_get_len(in, &ulen, &enc) < 0 || enc)
        return NULL;
    if (clen > in->len - in->pos || ulen > UINT32_MAX || clen > UINT32_MAX)
        return NULL;
    char *out = malloc(ulen ? (size_t)ulen : 1);
    if (out == NULL)
        return NULL;
    unsigned got = lzf_decompress(in->p + in->pos, (unsigned)clen, out, (unsigned)ulen);
    in->pos += (size_t)clen;
    if (got != ulen || ulen == 0) {
        free(out);
        return NULL;
    }
    *out_len = (size_t)ulen;
    return out;
}

/* One library record (after its opcode) into x, as Redis's
 * rdbFunctionLoad. Returns 0, or -1 with the error in err. */
static int rdb_load_lib(struct fn_engine *e, struct fn_ctx *x, struct rdb_in *in, int type,
                        struct buf *err)
{
    size_t len;
    char *code;
    if (type == FN_OP_FUNCTION_RC) {
        size_t nl, el, dl = 0, bl;
        char *name = NULL, *engine = NULL, *desc = NULL, *blob = NULL;
        uint64_t has_desc = 0;
        int enc = 0;
        enum rtext_id why = RT__COUNT;
        if (!(name = rdb_get_string(in, &nl)))
            why = RT_FN_RDB_LIB_NAME;
        else if (!(engine = rdb_get_string(in, &el)))
            why = RT_FN_RDB_ENGINE_NAME;
        else if (rdb_get_len(in, &has_desc, &enc) < 0 || enc)
            why = RT_FN_RDB_DESC_IND;
        else if (has_desc && !(desc = rdb_get_string(in, &dl)))
            why = RT_FN_RDB_DESC;
        else if (!(blob = rdb_get_string(in, &bl)))
            why = RT_FN_RDB_BLOB;
        if (why == RT__COUNT) {
            struct buf p = BUF_INIT;
            buf_printf(&p, "#!%.*s name=%.*s\n", (int)el, engine, (int)nl, name);
            buf_append(&p, blob, bl);
            code = mem_dup(p.p, p.len);
            len = p.len;
            buf_free(&p);
        }
        free(name);
        free(engine);
        free(desc);
        free(blob);
        if (why != RT__COUNT) {
            buf_puts(err, rtext[why]);
            return -1;
        }
    } else if (!(code = rdb_get_string(in, &len))) {
        buf_puts(err, rtext[RT_FN_RDB_PAYLOAD]);
        return -1;
    }
    struct fn_lib *li = lib_create(e, x, code, len, 0, err);
    free(code);
    return li ? 0 : -1;
}

/* Moves src's libraries into dst (Redis's libraryJoin). Returns 0, or -1
 * with the error in err and both unchanged. */
static int ctx_join(struct fn_ctx *dst, struct fn_ctx *src, int replace, struct buf *err)
{
    struct fn_lib **old = mem_calloc(dict_size(src->libs) + 1, sizeof(*old));
    size_t nold = 0;
    int rc = 0;
    for (struct dict_entry *de = dict_first(src->libs); de && rc == 0; de = dict_next(de)) {
        struct fn_lib *li = de->val;
        struct fn_lib *o = ctx_find_lib(dst, li->name, strlen(li->name));
        if (o && !replace) {
            buf_printf(err, rtext[RT_FN_RESTORE_LIB_EXISTS_FMT], li->name);
            rc = -1;
        } else if (o) {
            ctx_unlink(dst, o);
            old[nold++] = o;
        }
    }
    for (struct dict_entry *de = dict_first(src->libs); de && rc == 0; de = dict_next(de))
        for (struct fn_func *f = ((struct fn_lib *)de->val)->funcs; f && rc == 0; f = f->next)
            if (ctx_find_func(dst, f->name, strlen(f->name))) {
                buf_printf(err, rtext[RT_FN_FUNC_EXISTS_FMT], f->name);
                rc = -1;
            }
    if (rc == 0) {
        struct dict_entry *de;
        while ((de = dict_first(src->libs)) != NULL) {
            struct fn_lib *li = de->val;
            ctx_unlink(src, li);
            ctx_link(dst, li);
        }
        for (size_t i = 0; i < nold; i++)
            lib_free(old[i]);
    } else {
        for (size_t i = 0; i < nold; i++)
            ctx_link(dst, old[i]);
    }
    free(old);
    return rc;
}

void fn_restore(struct core *core, struct client *c, const char *p, size_t len, int policy)
{
    struct fn_engine *e = engine_get(core);
    const unsigned char *u = (const unsigned char *)p;
    if (len < 10 || (unsigned)(u[len - 10] | u[len - 9] << 8) > FN_RDB_VERSION) {
        reply_err(c, RT_FN_PAYLOAD_BAD);
        return;
    }
    uint64_t crc = crc64(u, len - 8), want = 0;
    for (int i = 7; i >= 0; i--)
        want = (want << 8) | u[len - 8 + (size_t)i];
    if (crc != want) {
        reply_err(c, RT_FN_PAYLOAD_BAD);
        return;
    }
    struct fn_ctx *x = ctx_new();
    struct rdb_in in = {u, len, 0};
    struct buf err = BUF_INIT;
    int rc = 0;
    while (rc == 0 && len - in.pos > 10) {
        int type = u[in.pos++];
        if (type != FN_OP_FUNCTION2 && type != FN_OP_FUNCTION_RC) {
            buf_puts(&err, rtext[RT_FN_RESTORE_TYPE]);
            rc = -1;
        } else {
            rc = rdb_load_lib(e, x, &in, type, &err);
        }
    }
    if (rc == 0 && policy == 'F') {
        ctx_free(e->cur);
        e->cur = x;
        x = NULL;
    } else if (rc == 0) {
        rc = ctx_join(e->cur, x, policy == 'R', &err);
    }
    if (rc == 0)
        reply_ok(c);
    else
        reply_buf_error(c, &err);
    buf_free(&err);
    ctx_free(x);
}
