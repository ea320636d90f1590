/* lua_cmsgpack.c - the `cmsgpack` library of Redis 7.0 scripts: Lua values
 * to MessagePack bytes and back.
 *
 * Written for mockredis from what redis-server 7.0.15 answers (each rule
 * below was checked with EVAL; tests/unit/test_lua_libs.c holds the cases),
 * not from Redis's source. What a script calls:
 *   cmsgpack.pack(v1, ...)             each value encoded, concatenated
 *   cmsgpack.unpack(s)                 every value in s, as many results
 *   cmsgpack.unpack_one(s[, offset])   next offset, then one value
 *   cmsgpack.unpack_limit(s, limit[, offset])  next offset, then <= limit values
 * The "next offset" is where decoding stopped, or -1 when s is used up.
 *
 * Encoding (the bytes of each Lua type):
 *   nil, functions, userdata, threads   c0
 *   false / true                        c2 / c3
 *   a number that an int64 holds exactly: the shortest of 00-7f, e0-ff
 *     (-32..-1), cc/cd/ce/cf (uint 8..64, for >= 0), d0/d1/d2/d3 (int 8..64);
 *     -0 is 00. Any other number: ca (float32) when a float holds it
 *     exactly (infinities too), else cb (double); NaN is cb.
 *   a string: a0-bf (< 32 bytes), d9 (< 256), da (< 65536), db
 *   a table whose keys are exactly 1..n (the empty table too): an array
 *     (90-9f, dc, dd) of t[1..n]; any other table: a map (80-8f, de, df)
 *     of its pairs in lua_next order. A table 16 levels below the value
 *     passed (the 17th) is written as c0, which ends cycles.
 * Decoding reads all of that back; uint 64 is read as a signed int64 (so
 * cf ff..ff is -1), and every integer becomes a Lua number. It refuses c1,
 * bin (c4-c6) and ext (c7-c9, d4-d8): "Bad data format in input.".
 *
 * The Lua stack, counted as Redis counts it. Redis's library asks for
 * stack room (luaL_checkstack) before it pushes, and a script can see
 * where that fails: arrays nested 3,999 deep decode, 4,000 raise
 * "stack overflow (in function mp_decode_to_lua_array)"; pack takes 4,000
 * numbers but not 4,001, nor 4,000 values the last of which is a table.
 * Lua refuses room past LUAI_MAXCSTACK (8,000) slots of one C call, so the
 * limits depend only on the slots held and asked for. This file holds and
 * asks for the same ones, in the same order:
 *   pack: the arguments stay; each is copied to the top, encoded (the copy
 *     popped), and its bytes pushed as a string; the strings are
 *     concatenated at the end. Encoding a table asks for 2 slots (the key
 *     walk), a map for 3 more (key, value, key copy); an array element
 *     holds 1.
 *   unpack keeps its arguments; unpack_one and unpack_limit keep only s.
 *     Every value decoded asks for 1 slot; an array asks for 1 more (its
 *     index) once; a map holds its key while the value decodes; the
 *     offset asks for 1.
 *
 * Memory: pack encodes into one buffer per interpreter, an upvalue of
 * pack, so that a Lua error in the middle (out of stack or memory) leaves
 * nothing to free; the buffer is Lua's memory and goes with the state.
 * Decoding allocates nothing of its own: values are pushed as they are read.
 *
 * Not here: the bin, ext and timestamp types on the way out (Redis writes
 * none); registering the library as a module (package.loaded). */
#include "lua_libs.h"

#include <lauxlib.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "rtext.h"

/* Tables deeper than this are written as nil (c0). */
#define CMSG_MAX_NESTING 16
/* The buffer pack keeps between calls; a larger one is freed after use. */
#define CMSG_KEEP_BYTES 65536

/* ---- the encoding buffer ---------------------------------------------- */

struct cmsg_buf {
    unsigned char *b;
    size_t len, cap;
};

static void cmsg_reserve(lua_State *L, struct cmsg_buf *buf, size_t more)
{
    if (buf->cap - buf->len >= more)
        return;
    if (more > SIZE_MAX / 2 - buf->len)
        luaL_error(L, "not enough memory");
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < buf->len + more)
        cap *= 2;
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    unsigned char *b = alloc(ud, buf->b, buf->cap, cap);
    if (!b)
        luaL_error(L, "not enough memory");
    buf->b = b;
    buf->cap = cap;
}

static void cmsg_put(lua_State *L, struct cmsg_buf *buf, const void *p, size_t n)
{
    cmsg_reserve(L, buf, n);
    memcpy(buf->b + buf->len, p, n);
    buf->len += n;
}

static void cmsg_buf_release(lua_State *L, struct cmsg_buf *buf)
{
    void *ud;
    lua_Alloc alloc = lua_getallocf(L, &ud);
    if (buf->b)
        alloc(ud, buf->b, buf->cap, 0);
    buf->b = NULL;
    buf->len = buf->cap = 0;
}

static int cmsg_buf_gc(lua_State *L)
{
    cmsg_buf_release(L, lua_touserdata(L, 1));
    return 0;
}

/* ---- encoding ----------------------------------------------------------- */

/* A type byte followed by the low `n` bytes of v, most significant first. */
static void cmsg_put_be(lua_State *L, struct cmsg_buf *buf, unsigned char type, uint64_t v, int n)
{
    unsigned char b[9];
    b[0] = type;
    for (int i = 0; i < n; i++)
        b[1 + i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    cmsg_put(L, buf, b, (size_t)n + 1);
}

static void cmsg_put_int(lua_State *L, struct cmsg_buf *buf, int64_t n)
{
    uint64_t u = (uint64_t)n;
    if (n >= 0) {
        if (n <= 0x7f)
            cmsg_put_be(L, buf, (unsigned char)n, 0, 0);
        else if (n <= 0xff)
            cmsg_put_be(L, buf, 0xcc, u, 1);
        else if (n <= 0xffff)
            cmsg_put_be(L, buf, 0xcd, u, 2);
        else if (n <= 0xffffffffLL)
            cmsg_put_be(L, buf, 0xce, u, 4);
        else
            cmsg_put_be(L, buf, 0xcf, u, 8);
    } else {
        if (n >= -32)
            cmsg_put_be(L, buf, (unsigned char)(u & 0xff), 0, 0);
        else if (n >= -128)
            cmsg_put_be(L, buf, 0xd0, u, 1);
        else if (n >= -32768)
            cmsg_put_be(L, buf, 0xd1, u, 2);
        else if (n >= -2147483648LL)
            cmsg_put_be(L, buf, 0xd2, u, 4);
        else
            cmsg_put_be(L, buf, 0xd3, u, 8);
    }
}

static void cmsg_put_number(lua_State *L, struct cmsg_buf *buf, lua_Number n)
{
    /* [-2^63, 2^63) and whole: an integer. */
    if (n >= -9223372036854775808.0 && n < 9223372036854775808.0 && (double)(int64_t)n == n) {
        cmsg_put_int(L, buf, (int64_t)n);
        return;
    }
    if (isinf(n) || (fabs(n) <= FLT_MAX && (double)(float)n == n)) {
        float f = (float)n;
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        cmsg_put_be(L, buf, 0xca, bits, 4);
    } else {
        double d = n;
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        cmsg_put_be(L, buf, 0xcb, bits, 8);
    }
}

static void cmsg_put_string(lua_State *L, struct cmsg_buf *buf, const char *s, size_t len)
{
    if (len < 32)
        cmsg_put_be(L, buf, (unsigned char)(0xa0 | len), 0, 0);
    else if (len <= 0xff)
        cmsg_put_be(L, buf, 0xd9, len, 1);
    else if (len <= 0xffff)
        cmsg_put_be(L, buf, 0xda, len, 2);
    else
        cmsg_put_be(L, buf, 0xdb, len, 4);
    cmsg_put(L, buf, s, len);
}

/* The header of an array or a map of n elements: fix (low 4 bits), 16 or
 * 32-bit count. */
static void cmsg_put_header(lua_State *L, struct cmsg_buf *buf, unsigned char fix,
                            unsigned char type16, size_t n)
{
    if (n <= 15)
        cmsg_put_be(L, buf, (unsigned char)(fix | n), 0, 0);
    else if (n <= 0xffff)
        cmsg_put_be(L, buf, type16, n, 2);
    else
        cmsg_put_be(L, buf, (unsigned char)(type16 + 1), n, 4);
}

/* The table on top has keys 1..n and nothing else: returns n (0 for the
 * empty table), or -1 when it is not such an array. */
static long long cmsg_array_length(lua_State *L)
{
    long long count = 0, max = 0;
    luaL_checkstack(L, 2, rtext[RT_MP_STACK_IS_ARRAY]);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1); /* the value; the key stays for lua_next */
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return -1;
        }
        lua_Number k = lua_tonumber(L, -1);
        if (!(k >= 1 && k < 9223372036854775808.0) || floor(k) != k) {
            lua_pop(L, 1);
            return -1;
        }
        count++;
        if ((long long)k > max)
            max = (long long)k;
    }
    return max == count ? count : -1;
}

static void cmsg_encode(lua_State *L, struct cmsg_buf *buf, int level);

static void cmsg_encode_table(lua_State *L, struct cmsg_buf *buf, int level)
{
    long long n = cmsg_array_length(L);
    if (n >= 0) {
        /* One slot per element, within the two just asked for. */
        cmsg_put_header(L, buf, 0x90, 0xdc, (size_t)n);
        for (long long i = 1; i <= n; i++) {
            lua_rawgeti(L, -1, (int)i);
            cmsg_encode(L, buf, level + 1);
        }
        return;
    }
    luaL_checkstack(L, 3, rtext[RT_MP_STACK_AS_MAP]);
    size_t pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        pairs++;
    }
    cmsg_put_header(L, buf, 0x80, 0xde, pairs);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2); /* ... key value key: lua_next keeps the key */
        cmsg_encode(L, buf, level + 1);
        cmsg_encode(L, buf, level + 1);
    }
}

/* Appends the value on top of the stack to buf, then pops it. */
static void cmsg_encode(lua_State *L, struct cmsg_buf *buf, int level)
{
    int t = lua_type(L, -1);
    if (t == LUA_TTABLE && level >= CMSG_MAX_NESTING)
        t = LUA_TNIL;
    switch (t) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        cmsg_put_string(L, buf, s, len);
        break;
    }
    case LUA_TBOOLEAN: cmsg_put_be(L, buf, lua_toboolean(L, -1) ? 0xc3 : 0xc2, 0, 0); break;
    case LUA_TNUMBER: cmsg_put_number(L, buf, lua_tonumber(L, -1)); break;
    case LUA_TTABLE: cmsg_encode_table(L, buf, level); break;
    default: cmsg_put_be(L, buf, 0xc0, 0, 0); break;
    }
    lua_pop(L, 1);
}

static int cmsg_pack(lua_State *L)
{
    struct cmsg_buf *buf = lua_touserdata(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    if (n == 0)
        return luaL_argerror(L, 0, rtext[RT_MP_NEEDS_INPUT]);
    if (!lua_checkstack(L, n))
        return luaL_argerror(L, 0, rtext[RT_MP_TOO_MANY_ARGS]);
    for (int i = 1; i <= n; i++) {
        buf->len = 0;
        lua_pushvalue(L, i);
        cmsg_encode(L, buf, 0);
        lua_pushlstring(L, (const char *)buf->b, buf->len);
    }
    if (buf->cap > CMSG_KEEP_BYTES)
        cmsg_buf_release(L, buf);
    lua_concat(L, n);
    return 1;
}

/* ---- decoding ----------------------------------------------------------- */

struct cmsg_cur {
    const unsigned char *p;
    size_t left;
};

/* The next n bytes, consumed; raises "Missing bytes" when fewer are left. */
static const unsigned char *cmsg_take(lua_State *L, struct cmsg_cur *c, size_t n)
{
    if (c->left < n)
        luaL_error(L, "%s", rtext[RT_MP_MISSING_BYTES]);
    const unsigned char *p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

/* The next n bytes as a big-endian unsigned number. */
static uint64_t cmsg_take_be(lua_State *L, struct cmsg_cur *c, int n)
{
    const unsigned char *p = cmsg_take(L, c, (size_t)n);
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static void cmsg_decode(lua_State *L, struct cmsg_cur *c);

static void cmsg_decode_array(lua_State *L, struct cmsg_cur *c, uint64_t n)
{
    lua_newtable(L);
    luaL_checkstack(L, 1, rtext[RT_MP_STACK_DECODE_ARRAY]);
    for (uint64_t i = 1; i <= n; i++) {
        lua_pushnumber(L, (lua_Number)i);
        cmsg_decode(L, c);
        lua_settable(L, -3);
    }
}

static void cmsg_decode_map(lua_State *L, struct cmsg_cur *c, uint64_t n)
{
    lua_newtable(L);
    for (uint64_t i = 0; i < n; i++) {
        cmsg_decode(L, c);   /* the key */
        cmsg_decode(L, c);   /* the value */
        lua_settable(L, -3); /* Lua's own errors for a nil or NaN key */
    }
}

static void cmsg_decode_string(lua_State *L, struct cmsg_cur *c, uint64_t len)
{
    const unsigned char *p = cmsg_take(L, c, (size_t)len);
    lua_pushlstring(L, (const char *)p, (size_t)len);
}

/* Pushes the value at the cursor and moves past it. */
static void cmsg_decode(lua_State *L, struct cmsg_cur *c)
{
    unsigned char t = *cmsg_take(L, c, 1);
    luaL_checkstack(L, 1, rtext[RT_MP_STACK_VALUES]);
    if (t <= 0x7f) {
        lua_pushnumber(L, t);
    } else if (t >= 0xe0) {
        lua_pushnumber(L, (int)t - 256);
    } else if (t >= 0xa0 && t <= 0xbf) {
        cmsg_decode_string(L, c, t & 0x1f);
    } else if (t >= 0x90 && t <= 0x9f) {
        cmsg_decode_array(L, c, t & 0x0f);
    } else if (t >= 0x80 && t <= 0x8f) {
        cmsg_decode_map(L, c, t & 0x0f);
    } else {
        switch (t) {
        case 0xc0: lua_pushnil(L); break;
        case 0xc2: lua_pushboolean(L, 0); break;
        case 0xc3: lua_pushboolean(L, 1); break;
        case 0xcc: lua_pushnumber(L, (lua_Number)cmsg_take_be(L, c, 1)); break;
        case 0xcd: lua_pushnumber(L, (lua_Number)cmsg_take_be(L, c, 2)); break;
        case 0xce: lua_pushnumber(L, (lua_Number)cmsg_take_be(L, c, 4)); break;
        case 0xcf: /* read as int64, as Redis does */
        case 0xd3: lua_pushnumber(L, (lua_Number)(int64_t)cmsg_take_be(L, c, 8)); break;
        case 0xd0: lua_pushnumber(L, (int8_t)cmsg_take_be(L, c, 1)); break;
        case 0xd1: lua_pushnumber(L, (int16_t)cmsg_take_be(L, c, 2)); break;
        case 0xd2: lua_pushnumber(L, (int32_t)cmsg_take_be(L, c, 4)); break;
        case 0xca: {
            uint32_t bits = (uint32_t)cmsg_take_be(L, c, 4);
            float f;
            memcpy(&f, &bits, sizeof f);
            lua_pushnumber(L, f);
            break;
        }
        case 0xcb: {
            uint64_t bits = cmsg_take_be(L, c, 8);
            double d;
            memcpy(&d, &bits, sizeof d);
            lua_pushnumber(L, d);
            break;
        }
        case 0xd9: cmsg_decode_string(L, c, cmsg_take_be(L, c, 1)); break;
        case 0xda: cmsg_decode_string(L, c, cmsg_take_be(L, c, 2)); break;
        case 0xdb: cmsg_decode_string(L, c, cmsg_take_be(L, c, 4)); break;
        case 0xdc: cmsg_decode_array(L, c, cmsg_take_be(L, c, 2)); break;
        case 0xdd: cmsg_decode_array(L, c, cmsg_take_be(L, c, 4)); break;
        case 0xde: cmsg_decode_map(L, c, cmsg_take_be(L, c, 2)); break;
        case 0xdf: cmsg_decode_map(L, c, cmsg_take_be(L, c, 4)); break;
        default: luaL_error(L, "%s", rtext[RT_MP_BAD_FORMAT]);
        }
    }
}

/* Decodes up to `limit` values of s (argument 1) from `offset` on, all of
 * them when both are 0. Without "all", the first result is the offset
 * where decoding stopped, -1 at the end of s. */
static int cmsg_unpack_full(lua_State *L, lua_Integer limit, lua_Integer offset)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    /* %d: Redis prints these as C ints (the low 32 bits). */
    if (offset < 0 || limit < 0)
        return luaL_error(L, rtext[RT_MP_BAD_REQUEST_FMT], (int)offset, (int)len);
    if ((size_t)offset > len)
        return luaL_error(L, rtext[RT_MP_START_FMT], (int)offset, (int)len);
    int all = limit == 0 && offset == 0;
    struct cmsg_cur c = {(const unsigned char *)s + offset, len - (size_t)offset};
    int count = 0;
    while (c.left > 0 && (all || count < limit)) {
        cmsg_decode(L, &c);
        count++;
    }
    if (all)
        return count;
    luaL_checkstack(L, 1, rtext[RT_MP_STACK_OFFSET]);
    lua_pushnumber(L, c.left == 0 ? -1 : (lua_Number)(len - c.left));
    lua_insert(L, -(count + 1));
    return count + 1;
}

static int cmsg_unpack(lua_State *L)
{
    return cmsg_unpack_full(L, 0, 0);
}

/* Drops the arguments after the first, which is left as it is: missing,
 * it stays missing ("got no value"). */
static void cmsg_keep_first(lua_State *L)
{
    if (lua_gettop(L) > 1)
        lua_settop(L, 1);
}

static int cmsg_unpack_one(lua_State *L)
{
    lua_Integer offset = luaL_optinteger(L, 2, 0);
    cmsg_keep_first(L);
    return cmsg_unpack_full(L, 1, offset);
}

static int cmsg_unpack_limit(lua_State *L)
{
    lua_Integer limit = luaL_checkinteger(L, 2);
    lua_Integer offset = luaL_optinteger(L, 3, 0);
    cmsg_keep_first(L);
    return cmsg_unpack_full(L, limit, offset);
}

int luaopen_cmsgpack(lua_State *L)
{
    static const luaL_Reg fns[] = {{"unpack", cmsg_unpack},
                                   {"unpack_one", cmsg_unpack_one},
                                   {"unpack_limit", cmsg_unpack_limit},
                                   {NULL, NULL}};
    luaL_register(L, "cmsgpack", fns);

    /* pack and its buffer, an upvalue freed with the state */
    struct cmsg_buf *buf = lua_newuserdata(L, sizeof *buf);
    memset(buf, 0, sizeof *buf);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, cmsg_buf_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, cmsg_pack, 1);
    lua_setfield(L, -2, "pack");

    lua_pushliteral(L, "cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushstring(L, rtext[RT_MP_VERSION]);
    lua_setfield(L, -2, "_VERSION");
    lua_pushstring(L, rtext[RT_MP_COPYRIGHT]);
    lua_setfield(L, -2, "_COPYRIGHT");
    lua_pushstring(L, rtext[RT_MP_DESCRIPTION]);
    lua_setfield(L, -2, "_DESCRIPTION");
    return 1;
}
