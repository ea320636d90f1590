/* rtext.h - Redis 7's exact reply texts, in one place.
 *
 * Every error a command sends comes from this table, never typed inline, so
 * a difference from Redis is fixed once. Tests read the same table (through
 * rtext[]) instead of retyping texts. Entries with % are printf formats,
 * named *_FMT. Texts are verified against redis-server 7.0 by the
 * differential tests. */
#ifndef MOCKREDIS_RTEXT_H
#define MOCKREDIS_RTEXT_H

#define RTEXT_MAP(X)                                                                  \
    X(WRONGTYPE, "WRONGTYPE Operation against a key holding the wrong kind of value") \
    X(NOTINT, "ERR value is not an integer or out of range")                        \
    X(NOTFLOAT, "ERR value is not a valid float")                                   \
    X(SYNTAX, "ERR syntax error")                                                   \
    X(NOSUCHKEY, "ERR no such key")                                                 \
    X(OVERFLOW, "ERR increment or decrement would overflow")                        \
    X(DBINDEX, "ERR DB index is out of range")                                      \
    X(NOAUTH, "NOAUTH Authentication required.")                                    \
    X(WRONGPASS, "WRONGPASS invalid username-password pair or user is disabled.")   \
    X(AUTH_NOPASS, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?") \
    X(MAXCLIENTS, "ERR max number of clients reached")                              \
    X(NOPROTO, "NOPROTO unsupported protocol version")                              \
    X(MULTI_NESTED, "ERR MULTI calls can not be nested")                            \
    X(EXEC_NOMULTI, "ERR EXEC without MULTI")                                       \
    X(DISCARD_NOMULTI, "ERR DISCARD without MULTI")                                 \
    X(EXECABORT, "EXECABORT Transaction discarded because of previous errors.")     \
    X(UNKNOWN_CMD_FMT, "ERR unknown command '%.128s', with args beginning with: %s") \
    X(ARITY_FMT, "ERR wrong number of arguments for '%s' command")                  \
    X(UNKNOWN_SUB_FMT, "ERR unknown subcommand '%.128s'. Try %s HELP.")             \
    X(EXPIRE_INVALID_FMT, "ERR invalid expire time in '%s' command")

enum rtext_id {
#define RTEXT__ENUM(name, text) RT_##name,
    RTEXT_MAP(RTEXT__ENUM)
#undef RTEXT__ENUM
    RT__COUNT
};

extern const char *const rtext[RT__COUNT];

#endif
