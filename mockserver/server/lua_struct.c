/* lua_struct.c - the `struct` library of Redis 7.0 scripts: numbers and
 * strings to and from C-style binary records.
 *
 * Written for mockredis from what redis-server 7.0.15 answers (each rule
 * was checked with EVAL; tests/unit/test_lua_libs.c holds the cases), not
 * from Redis's source. What a script calls:
 *   struct.pack(fmt, v1, ...)    the bytes, as a string
 *   struct.unpack(fmt, s[, i])   the values read from s at byte i (1 by
 *                                default), then the position after them
 *   struct.size(fmt)             the byte count of a record of fmt
 *
 * The format, one option after another (spaces are ignored):
 *   b B  signed / unsigned char (1 byte)   h H  short (2)
 *   l L  long (8)   T  size_t (8)   i I  int of n bytes (`i3`; 4 by
 *        default, at most 32)
 *   f d  float (4) / double (8)      x  one zero byte (read: nothing)
 *   c    n bytes of a string (`c5`; 1 by default). `c0` packs the whole
 *        string; unpacked, it takes its length from the value before it.
 *   s    a string and a zero byte; unpacked, up to the next zero byte
 *   < >  little / big endian from here on (little at the start)
 *   !n   align each value to min(its size, n) bytes, n a power of 2 (8
 *        when absent); no alignment at the start; `c` is never aligned.
 * Anything else, `=` included, is "invalid format option" (struct.size
 * raises it only for the characters that are not letters or digits).
 *
 * Numbers as Redis's build converts them (x86-64):
 *   - packed integers take the number truncated toward zero and then its
 *     low bytes: a double >= 2^63 is converted as unsigned (2^64 and more
 *     wrap to 0), one below -2^63 or NaN gives 2^63; sizes over 8 bytes
 *     add zero bytes (no sign).
 *   - unpacked integers of fewer than 8 bytes are sign-extended for
 *     b h l i; of 8 or more bytes the last 8 read (the low ones) count,
 *     as an int64 for b h l i and as a uint64 for B H L T I.
 *
 * The Lua stack, as Redis uses it: pack pushes a nil after its arguments
 * and builds its result in a luaL_Buffer above it, so a missing argument
 * reads as nil; unpack keeps its arguments and asks for 2 slots ("too
 * many results") before each option.
 *
 * Not here: the `=` (native) option of later struct versions, which
 * Redis 7.0 refuses; registering as a module (package.loaded). */
#include "lua_libs.h"

#include <lauxlib.h>

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "rtext.h"

#define ST_MAX_INT_SIZE 32 /* bytes of `i`/`I` */
#define ST_MAX_ALIGN    8  /* `!` without a number */

struct st_header {
    int big;      /* big endian */
    size_t align; /* at most this many bytes of alignment */
};

/* A number after an option, or `dflt` when none follows. */
static size_t st_getnum(lua_State *L, const char **fmt, size_t dflt)
{
    if (!isdigit((unsigned char)**fmt))
        return dflt;
    size_t a = 0;
    do {
        size_t d = (size_t)(*(*fmt)++ - '0');
        if (a > INT_MAX / 10 || a * 10 > INT_MAX - d)
            luaL_error(L, "%s", rtext[RT_ST_SIZE_OVERFLOW]);
        a = a * 10 + d;
    } while (isdigit((unsigned char)**fmt));
    return a;
}

/* The byte count of option `opt`, reading its number from fmt; 0 for
 * options without data. */
static size_t st_optsize(lua_State *L, char opt, const char **fmt)
{
    switch (opt) {
    case 'B':
    case 'b':
    case 'x': return 1;
    case 'H':
    case 'h': return 2;
    case 'L':
    case 'l':
    case 'T':
    case 'd': return 8;
    case 'f': return 4;
    case 'c': return st_getnum(L, fmt, 1);
    case 'i':
    case 'I': {
        size_t size = st_getnum(L, fmt, 4);
        if (size > ST_MAX_INT_SIZE)
            luaL_error(L, rtext[RT_ST_INT_LIMIT_FMT], (int)size, ST_MAX_INT_SIZE);
        return size;
    }
    default: return 0;
    }
}

/* Padding before a value of `size` bytes at offset `len`. */
static size_t st_padding(size_t len, const struct st_header *h, char opt, size_t size)
{
    if (size == 0 || opt == 'c')
        return 0;
    if (size > h->align)
        size = h->align;
    return (size - (len & (size - 1))) & (size - 1);
}

/* The options that are not values: endianness, alignment, space. */
static void st_control(lua_State *L, char opt, const char **fmt, struct st_header *h)
{
    switch (opt) {
    case ' ': return;
    case '>': h->big = 1; return;
    case '<': h->big = 0; return;
    case '!': {
        size_t a = st_getnum(L, fmt, ST_MAX_ALIGN);
        if (a == 0 || (a & (a - 1)) != 0)
            luaL_error(L, rtext[RT_ST_ALIGN_FMT], (int)a);
        h->align = a;
        return;
    }
    default: {
        const char *msg = lua_pushfstring(L, rtext[RT_ST_BAD_OPTION_FMT], opt);
        luaL_argerror(L, 1, msg);
    }
    }
}

static int st_is_int_option(char opt)
{
    return strchr("bBhHlLTiI", opt) != NULL && opt != '\0';
}

/* A Lua number as the uint64 that Redis's x86-64 build makes of it when
 * converting to an unsigned integer: truncated, >= 2^63 by subtracting
 * 2^63 first, and the "integer indefinite" 2^63 where the hardware
 * conversion overflows (NaN, below -2^63; 2^64 and up give 0). */
static uint64_t st_to_uint64(lua_Number n)
{
    const double two63 = 9223372036854775808.0;
    const uint64_t indefinite = (uint64_t)1 << 63;
    if (n >= two63) {
        double m = n - two63;
        return (m < two63 ? (uint64_t)(int64_t)m : indefinite) ^ indefinite;
    }
    if (n >= -two63)
        return (uint64_t)(int64_t)n;
    return indefinite;
}

static void st_put_int(luaL_Buffer *b, lua_Number n, int big, size_t size)
{
    unsigned char bytes[ST_MAX_INT_SIZE];
    uint64_t v = st_to_uint64(n);
    for (size_t i = 0; i < size; i++) {
        bytes[big ? size - 1 - i : i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    luaL_addlstring(b, (const char *)bytes, size);
}

/* Bytes of a float or double in the record's order (the machine's is
 * little endian). */
static void st_put_raw(luaL_Buffer *b, const void *p, size_t size, int big)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < size; i++)
        luaL_addchar(b, (char)s[big ? size - 1 - i : i]);
}

static int st_pack(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    struct st_header h = {0, 1};
    int arg = 2;
    size_t total = 0;
    luaL_Buffer b;
    lua_pushnil(L); /* below the buffer: a missing argument reads as nil */
    luaL_buffinit(L, &b);
    while (*fmt) {
        char opt = *fmt++;
        size_t size = st_optsize(L, opt, &fmt);
        size_t pad = st_padding(total, &h, opt, size);
        total += pad;
        while (pad-- > 0)
            luaL_addchar(&b, '\0');
        if (st_is_int_option(opt)) {
            st_put_int(&b, luaL_checknumber(L, arg++), h.big, size);
        } else if (opt == 'x') {
            luaL_addchar(&b, '\0');
        } else if (opt == 'f') {
            float f = (float)luaL_checknumber(L, arg++);
            st_put_raw(&b, &f, sizeof f, h.big);
        } else if (opt == 'd') {
            double d = luaL_checknumber(L, arg++);
            st_put_raw(&b, &d, sizeof d, h.big);
        } else if (opt == 'c' || opt == 's') {
            size_t len;
            const char *s = luaL_checklstring(L, arg++, &len);
            if (size == 0)
                size = len;
            /* Redis names the argument after the string's */
            luaL_argcheck(L, len >= size, arg, rtext[RT_ST_STRING_SHORT]);
            luaL_addlstring(&b, s, size);
            if (opt == 's') {
                luaL_addchar(&b, '\0');
                size++;
            }
        } else {
            st_control(L, opt, &fmt, &h);
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

/* An integer of `size` bytes at p. */
static lua_Number st_get_int(const unsigned char *p, int big, int is_signed, size_t size)
{
    uint64_t v = 0;
    for (size_t i = 0; i < size; i++)
        v = (v << 8) | p[big ? i : size - 1 - i];
    if (!is_signed)
        return (lua_Number)v;
    if (size > 0 && size < 8) {
        uint64_t sign = (uint64_t)1 << (size * 8 - 1);
        if (v & sign)
            v |= ~(uint64_t)0 << (size * 8 - 1);
    }
    return (lua_Number)(int64_t)v;
}

static void st_get_raw(void *out, const char *p, size_t size, int big)
{
    unsigned char *o = out;
    for (size_t i = 0; i < size; i++)
        o[i] = (unsigned char)p[big ? size - 1 - i : i];
}

static void st_check_room(lua_State *L, size_t pos, size_t size, size_t ld)
{
    luaL_argcheck(L, size <= ld && pos <= ld - size, 2, rtext[RT_ST_DATA_SHORT]);
}

static int st_unpack(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    /* Offsets wrap as Redis's size_t does: -1 is accepted (and then any
     * value is "too short"); only 0 (after truncation) is refused. */
    size_t pos = (size_t)luaL_optinteger(L, 3, 1) - 1;
    luaL_argcheck(L, pos != SIZE_MAX, 3, rtext[RT_ST_OFFSET]);
    struct st_header h = {0, 1};
    int n = 0; /* results pushed */
    while (*fmt) {
        char opt = *fmt++;
        size_t size = st_optsize(L, opt, &fmt);
        pos += st_padding(pos, &h, opt, size);
        st_check_room(L, pos, size, ld);
        luaL_checkstack(L, 2, rtext[RT_ST_STACK]);
        if (st_is_int_option(opt)) {
            lua_pushnumber(L, st_get_int((const unsigned char *)data + pos, h.big,
                                         islower((unsigned char)opt), size));
            n++;
        } else if (opt == 'x') {
            /* nothing to read */
        } else if (opt == 'f') {
            float f;
            st_get_raw(&f, data + pos, sizeof f, h.big);
            lua_pushnumber(L, f);
            n++;
        } else if (opt == 'd') {
            double d;
            st_get_raw(&d, data + pos, sizeof d, h.big);
            lua_pushnumber(L, d);
            n++;
        } else if (opt == 'c') {
            if (size == 0) {
                if (n == 0 || !lua_isnumber(L, -1))
                    luaL_error(L, "%s", rtext[RT_ST_C0_SIZE]);
                size = (size_t)st_to_uint64(lua_tonumber(L, -1));
                lua_pop(L, 1);
                n--;
                st_check_room(L, pos, size, ld);
            }
            lua_pushlstring(L, data + pos, size);
            n++;
        } else if (opt == 's') {
            const char *end = memchr(data + pos, '\0', ld - pos);
            if (!end)
                luaL_error(L, "%s", rtext[RT_ST_UNFINISHED]);
            size = (size_t)(end - (data + pos)) + 1;
            lua_pushlstring(L, data + pos, size - 1);
            n++;
        } else {
            st_control(L, opt, &fmt, &h);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)(pos + 1));
    return n + 1;
}

static int st_size(lua_State *L)
{
    const char *fmt = luaL_checkstring(L, 1);
    struct st_header h = {0, 1};
    size_t pos = 0;
    while (*fmt) {
        char opt = *fmt++;
        size_t size = st_optsize(L, opt, &fmt);
        pos += st_padding(pos, &h, opt, size);
        if (opt == 's')
            luaL_argerror(L, 1, rtext[RT_ST_S_NOT_FIXED]);
        else if (opt == 'c' && size == 0)
            luaL_argerror(L, 1, rtext[RT_ST_C0_NOT_FIXED]);
        if (!isalnum((unsigned char)opt))
            st_control(L, opt, &fmt, &h);
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

int luaopen_struct(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"pack", st_pack}, {"unpack", st_unpack}, {"size", st_size}, {NULL, NULL}};
    luaL_register(L, "struct", fns);
    return 1;
}
