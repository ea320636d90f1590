/* rtext.h - Redis 7's exact reply texts, in one place.
 *
 * Every error a command sends comes from this table, never typed inline, so
 * a difference from Redis is fixed once. Tests read the same table (through
 * rtext[]) instead of retyping texts. Entries with % are printf formats,
 * named *_FMT. Texts are verified against redis-server 7.0 by the
 * differential tests. */
#ifndef MOCKREDIS_RTEXT_H
#define MOCKREDIS_RTEXT_H

#define RTEXT_MAP(X)                                                                               \
    X(WRONGTYPE, "WRONGTYPE Operation against a key holding the wrong kind of value")              \
    X(NOTINT, "ERR value is not an integer or out of range")                                       \
    X(NOTFLOAT, "ERR value is not a valid float")                                                  \
    X(SYNTAX, "ERR syntax error")                                                                  \
    X(NOSUCHKEY, "ERR no such key")                                                                \
    X(OVERFLOW, "ERR increment or decrement would overflow")                                       \
    X(DBINDEX, "ERR DB index is out of range")                                                     \
    X(NOAUTH, "NOAUTH Authentication required.")                                                   \
    X(WRONGPASS, "WRONGPASS invalid username-password pair or user is disabled.")                  \
    X(AUTH_NOPASS, "ERR AUTH <password> called without any password configured for the default "   \
                   "user. Are you sure your configuration is correct?")                            \
    X(MAXCLIENTS, "ERR max number of clients reached")                                             \
    /* Sent on accept, then the connection is closed (net.c). */                                   \
    X(DENIED, "DENIED Redis is running in protected mode because protected mode is "               \
              "enabled and no password is set for the default user. In this mode "                 \
              "connections are only accepted from the loopback interface. If you "                 \
              "want to connect from external computers to Redis you may adopt one "                \
              "of the following solutions: 1) Just disable protected mode sending "                \
              "the command 'CONFIG SET protected-mode no' from the loopback "                      \
              "interface by connecting to Redis from the same host the server is "                 \
              "running, however MAKE SURE Redis is not publicly accessible from "                  \
              "internet if you do so. Use CONFIG REWRITE to make this change "                     \
              "permanent. 2) Alternatively you can just disable the protected mode "               \
              "by editing the Redis configuration file, and setting the protected "                \
              "mode option to 'no', and then restarting the server. 3) If you "                    \
              "started the server manually just for testing, restart it with the "                 \
              "'--protected-mode no' option. 4) Setup a an authentication password "               \
              "for the default user. NOTE: You only need to do one of the above "                  \
              "things in order for the server to start accepting connections from "                \
              "the outside.")                                                                      \
    X(NOPROTO, "NOPROTO unsupported protocol version")                                             \
    X(MULTI_NESTED, "ERR MULTI calls can not be nested")                                           \
    X(EXEC_NOMULTI, "ERR EXEC without MULTI")                                                      \
    X(DISCARD_NOMULTI, "ERR DISCARD without MULTI")                                                \
    X(EXECABORT, "EXECABORT Transaction discarded because of previous errors.")                    \
    X(UNKNOWN_CMD_FMT, "ERR unknown command '%.128s', with args beginning with: %s")               \
    X(ARITY_FMT, "ERR wrong number of arguments for '%s' command")                                 \
    X(UNKNOWN_SUB_FMT, "ERR unknown subcommand '%.128s'. Try %s HELP.")                            \
    X(EXPIRE_INVALID_FMT, "ERR invalid expire time in '%s' command")                               \
    X(HASH_NOTINT, "ERR hash value is not an integer")                                             \
    X(HASH_NOTFLOAT, "ERR hash value is not a float")                                              \
    X(NAN_OR_INF, "ERR value is NaN or Infinity")                                                  \
    X(INCR_NAN_INF, "ERR increment would produce NaN or Infinity")                                 \
    X(RANGE_FMT, "ERR value is out of range, value must between %lld and %lld")                    \
    X(OUT_OF_RANGE, "ERR value is out of range")                                                   \
    X(MUST_POSITIVE, "ERR value is out of range, must be positive")                                \
    X(INDEX_RANGE, "ERR index out of range")                                                       \
    X(LPOS_RANK, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second " \
                 "... or use negative to start from the end of the list")                          \
    X(LPOS_COUNT, "ERR COUNT can't be negative")                                                   \
    X(LPOS_MAXLEN, "ERR MAXLEN can't be negative")                                                 \
    X(NUMKEYS_ZERO, "ERR numkeys should be greater than 0")                                        \
    X(NUMKEYS_ARGS, "ERR Number of keys can't be greater than number of args")                     \
    X(LIMIT_NEG, "ERR LIMIT can't be negative")                                                    \
    X(ZOPS_NOKEYS_FMT, "ERR at least 1 input key is needed for '%s' command")                      \
    X(WEIGHT_NOTFLOAT, "ERR weight value is not a float")                                          \
    X(COUNT_POSITIVE, "ERR count should be greater than 0")                                        \
    X(ZADD_XX_NX, "ERR XX and NX options at the same time are not compatible")                     \
    X(ZADD_GT_LT_NX, "ERR GT, LT, and/or NX options at the same time are not compatible")          \
    X(ZADD_INCR_PAIR, "ERR INCR option supports a single increment-element pair")                  \
    X(ZSCORE_NAN, "ERR resulting score is not a number (NaN)")                                     \
    X(ZRANGE_LIMIT,                                                                                \
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")     \
    X(ZRANGE_LEX_SCORES, "ERR syntax error, WITHSCORES not supported in combination with BYLEX")   \
    X(MINMAX_FLOAT, "ERR min or max is not a float")                                               \
    X(MINMAX_LEX, "ERR min or max not valid string range item")                                    \
    X(DECR_OVERFLOW, "ERR decrement would overflow")                                               \
    X(OFFSET_RANGE, "ERR offset is out of range")                                                  \
    X(STRING_TOO_BIG, "ERR string exceeds maximum allowed size (proto-max-bulk-len)")              \
    X(INVALID_CURSOR, "ERR invalid cursor")                                                        \
    X(SAMEOBJ, "ERR source and destination objects are the same")                                  \
    X(EXPIRE_NX_CONFLICT, "ERR NX and XX, GT or LT options at the same time are not compatible")   \
    X(EXPIRE_GT_LT, "ERR GT and LT options at the same time are not compatible")                   \
    X(EXPIRE_UNSUPPORTED_FMT, "ERR Unsupported option %s")                                         \
    X(HELLO_PROTO_NOTINT, "ERR Protocol version is not an integer or out of range")                \
    X(HELLO_OPT_FMT, "ERR Syntax error in HELLO option '%s'")                                      \
    X(HELLO_NOAUTH, "NOAUTH HELLO must be called with the client already authenticated, "          \
                    "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate "   \
                    "the client and select the RESP protocol version at the same time")            \
    X(CLIENT_NAME_INVALID,                                                                         \
      "ERR Client names cannot contain spaces, newlines or special characters.")                   \
    X(NO_SUCH_CLIENT, "ERR No such client")                                                        \
    /* CLIENT TRACKING and CLIENT CACHING (tracking.c, cmd_conn.c) */                              \
    X(TRK_PREFIX_NO_BCAST, "ERR PREFIX option requires BCAST mode to be enabled")                  \
    X(TRK_BCAST_SWITCH,                                                                            \
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "         \
      "and then re-enabling it with a different mode.")                                            \
    X(TRK_OPT_BCAST, "ERR OPTIN and OPTOUT are not compatible with BCAST")                         \
    X(TRK_OPTIN_OPTOUT, "ERR You can't specify both OPTIN mode and OPTOUT mode")                   \
    X(TRK_OPT_SWITCH,                                                                              \
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "         \
      "and then re-enabling it with a different mode.")                                            \
    X(TRK_PREFIX_EXISTING_FMT,                                                                     \
      "ERR Prefix '%s' overlaps with an existing prefix '%s'. Prefixes for a "                     \
      "single client must not overlap.")                                                           \
    X(TRK_PREFIX_PROVIDED_FMT,                                                                     \
      "ERR Prefix '%s' overlaps with another provided prefix '%s'. Prefixes for a "                \
      "single client must not overlap.")                                                           \
    X(TRK_REDIR_ONE, "ERR A client can only redirect to a single other client")                    \
    X(TRK_REDIR_MISSING, "ERR The client ID you want redirect to does not exist")                  \
    X(TRK_CACHING_OFF,                                                                             \
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with "            \
      "OPTIN or OPTOUT mode enabled")                                                              \
    X(TRK_CACHING_YES,                                                                             \
      "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")              \
    X(TRK_CACHING_NO,                                                                              \
      "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")              \
    X(CLIENT_ID_NOTPOS, "ERR client-id should be greater than 0")                                  \
    X(CLIENT_ID_INVALID, "ERR Invalid client ID")                                                  \
    X(CLIENT_TYPE_FMT, "ERR Unknown client type '%s'")                                             \
    X(NO_SUCH_USER_FMT, "ERR No such user '%s'")                                                   \
    X(SUBCMD_SYNTAX_FMT,                                                                           \
      "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP.")            \
    /* COMMAND GETKEYS / GETKEYSANDFLAGS */                                                        \
    X(GETKEYS_INVALID_CMD, "ERR Invalid command specified")                                        \
    X(GETKEYS_NO_KEYS, "ERR The command has no key arguments")                                     \
    X(GETKEYS_ARITY, "ERR Invalid number of arguments specified for command")                      \
    X(GETKEYS_INVALID_ARGS, "ERR Invalid arguments specified for command")                         \
    X(CONFIG_UNKNOWN_FMT, "ERR Unknown option or number of arguments for CONFIG SET - '%s'")       \
    X(CONFIG_FAILED_FMT, "ERR CONFIG SET failed (possibly related to argument '%s') - %s")         \
    X(CONFIG_NOFILE, "ERR The server is running without a config file")                            \
    X(CFG_NOTINT, "argument couldn't be parsed into an integer")                                   \
    X(CFG_RANGE_FMT, "argument must be between %lld and %lld inclusive")                           \
    X(CFG_YESNO, "argument must be 'yes' or 'no'")                                                 \
    X(CFG_ENUM_FMT, "argument(s) must be one of the following: %s")                                \
    X(CFG_IMMUTABLE, "can't set immutable config")                                                 \
    X(CFG_DUPLICATE, "duplicate parameter")                                                        \
    X(CFG_SAVE, "Invalid save parameters")                                                         \
    X(CFG_NOTIFY, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")                         \
    X(CFG_LISTEN, "Unable to listen on this port")                                                 \
    X(CFG_MEMORY, "argument must be a memory value")                                               \
    X(CFG_MEMORY_PCT, "argument must be a memory or percent value")                                \
    X(CFG_PERCENT_FMT, "percentage argument must be less or equal to %lld")                        \
    X(EXECABORT_FMT, "EXECABORT Transaction discarded because of: %s")                             \
    X(PUBSUB_CONTEXT_FMT, "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING " \
                          "/ QUIT / RESET are allowed in this context")                            \
    X(WATCH_IN_MULTI, "ERR WATCH inside MULTI is not allowed")                                     \
    X(NOT_IN_MULTI, "ERR Command not allowed inside a transaction")                                \
    X(MONITOR_REPLICA, "ERR Replica can't interact with the keyspace")                             \
    X(MONITOR_DENY_BLOCKING, "ERR MONITOR isn't allowed for DENY BLOCKING client")                 \
    X(SWAPDB_FIRST, "ERR invalid first DB index")                                                  \
    X(NO_REPLICATION, "ERR mockredis does not replicate: SYNC and PSYNC are not implemented")      \
    X(SWAPDB_SECOND, "ERR invalid second DB index")                                                \
    X(TIMEOUT_NOTINT, "ERR timeout is not an integer or out of range")                             \
    X(LCS_TYPE, "ERR The specified keys must contain string values")                               \
    X(LCS_LEN_IDX, "ERR If you want both the length and indexes, please just use IDX.")            \
    X(LCS_TOO_LONG, "ERR String too long for LCS")                                                 \
    X(LCS_MEMORY, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")  \
    X(LCS_ALLOC, "ERR Insufficient memory, failed allocating transient memory for LCS")            \
    X(TIMEOUT_NOTFLOAT, "ERR timeout is not a float or out of range")                              \
    X(TIMEOUT_NEGATIVE, "ERR timeout is negative")                                                 \
    X(UNBLOCKED, "UNBLOCKED client unblocked via CLIENT UNBLOCK")                                  \
    X(UNBLOCK_REASON, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")                      \
    /* stream consumer groups (cmd_xgroup.c) */                                                    \
    X(XG_NOKEY, "ERR The XGROUP subcommand requires the key to exist. Note that for "              \
                "CREATE you may want to use the MKSTREAM option to create an empty "               \
                "stream automatically.")                                                           \
    X(XG_NOGROUP_KEY_FMT, "NOGROUP No such consumer group '%s' for key name '%s'")                 \
    X(XG_NOGROUP_FMT, "NOGROUP No such key '%s' or consumer group '%s'")                           \
    X(XG_NOGROUP_READ_FMT, "NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP with "   \
                           "GROUP option")                                                         \
    X(XG_BUSYGROUP, "BUSYGROUP Consumer Group name already exists")                                \
    X(XG_ENTRIESREAD, "ERR value for ENTRIESREAD must be positive or -1")                          \
    X(XG_DOLLAR, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to "          \
                 "read the history of this consumer by specifying a proper ID, or use "            \
                 "the > ID to get new messages. The $ ID would just return an empty "              \
                 "result set.")                                                                    \
    X(XG_MISSING_GROUP, "ERR Missing GROUP option for XREADGROUP")                                 \
    X(XG_UNBLOCKED_NOKEY, "UNBLOCKED the stream key no longer exists")                             \
    X(XG_UNBLOCKED_NOGROUP,                                                                        \
      "NOGROUP the consumer group this client was blocked on no longer exists")                    \
    X(XG_XCLAIM_MINIDLE, "ERR Invalid min-idle-time argument for XCLAIM")                          \
    X(XG_XCLAIM_IDLE, "ERR Invalid IDLE option argument for XCLAIM")                               \
    X(XG_XCLAIM_TIME, "ERR Invalid TIME option argument for XCLAIM")                               \
    X(XG_XCLAIM_RETRY, "ERR Invalid RETRYCOUNT option argument for XCLAIM")                        \
    X(XG_XCLAIM_OPT_FMT, "ERR Unrecognized XCLAIM option '%s'")                                    \
    X(XG_XAUTOCLAIM_MINIDLE, "ERR Invalid min-idle-time argument for XAUTOCLAIM")                  \
    X(XG_COUNT_POSITIVE, "ERR COUNT must be > 0")                                                  \
    X(XG_COUNT_MEMORY, "ERR Insufficient memory, failed allocating transient memory, COUNT "       \
                       "too high.")                                                                \
    X(MOCK_NOT_VIRTUAL, "ERR the clock is not virtual: use MOCK CLOCK VIRTUAL first")              \
    X(MOCK_NO_COUNTER_FMT, "ERR no such counter '%s'. Try MOCK STATS.")                            \
    X(MOCK_NEGATIVE, "ERR milliseconds must be zero or positive")                                  \
    X(MOCK_NO_SCENARIO, "ERR mockredis: no scenario is being played")                              \
    X(MOCK_COUNT_NEGATIVE, "ERR the count must be zero or positive")                               \
    X(MOCK_CLOCK_RANGE_FMT,                                                                        \
      "ERR the clock would leave its range: at most %lld ms since the Unix epoch")                 \
    X(MOCK_DISABLED, "ERR MOCK commands are disabled on this server (--enable-mock-commands no)")  \
    X(MOCK_NOT_LOCAL,                                                                              \
      "ERR MOCK commands are only allowed from a local connection (--enable-mock-commands local)") \
    /* MIGRATE (cmd_migrate.c) and a blocked client of a master turned replica */                  \
    X(MIGRATE_KEYS_EMPTY,                                                                          \
      "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")      \
    X(MIGRATE_IOERR, "IOERR error or timeout writing to target instance")                          \
    X(MIGRATE_IOERR_SELF, "IOERR error or timeout reading to target instance")                     \
    X(MIGRATE_TARGET_FMT, "ERR Target instance replied with error: %s")                            \
    X(BUSYKEY, "BUSYKEY Target key name already exists.")                                          \
    X(CL_DEMOTED_UNBLOCKED,                                                                        \
      "UNBLOCKED force unblock from blocking operation, instance state changed (master -> "        \
      "replica?)")                                                                                 \
    X(CFG_PROTECTED, "can't set protected config")                                                 \
    X(CFG_BIND, "Failed to bind to specified addresses.")                                          \
    X(CFG_OOM_VALUES, "Invalid oom-score-adj-values, elements must be between -2000 and 2000.")    \
    X(CFG_SHUTDOWN_SAVE, "shutdown options SAVE and NOSAVE can't be used simultaneously")          \
    X(CFG_NO_DEFRAG,                                                                               \
      "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "      \
      "modified Jemalloc like the one shipped by default with the Redis source distribution")      \
    X(CFG_TLS, "Unable to update TLS configuration. Check server logs.")                           \
    X(CFG_HOSTNAME, "Hostnames may only contain alphanumeric characters, hyphens or dots")         \
    X(CFG_HOSTNAME_LEN, "Hostnames must be less than 256 characters")                              \
    X(CFG_TITLE, "template format is invalid or contains unknown variables")                       \
    X(DEBUG_RELOAD_OPTS, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")  \
    X(DEBUG_QL_THRESHOLD,                                                                          \
      "ERR argument must be a memory value bigger than 1 and smaller than 4gb")                    \
    X(DEBUG_PUSH_RESP2, "ERR RESP2 is not supported by this command")                              \
    X(DEBUG_PROTOCOL_TYPE,                                                                         \
      "ERR Wrong protocol type name. Please use one of the following: "                            \
      "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")           \
    X(CFG_OBUF_ARGS, "Wrong number of arguments in buffer limit configuration.")                   \
    X(CFG_OBUF_CLASS, "Invalid client class specified in buffer limit configuration.")             \
    X(CFG_OBUF_VALUE,                                                                              \
      "Error in hard, soft or soft_seconds setting in buffer limit configuration.")                \
    X(OBUF_CLOSED_FMT,                                                                             \
      "Client %s scheduled to be closed ASAP for overcoming of output buffer limits.")             \
    X(SLOWLOG_COUNT, "ERR count should be greater than or equal to -1")                            \
    X(BIT_OFFSET, "ERR bit offset is not an integer or out of range")                              \
    X(BIT_VALUE, "ERR bit is not an integer or out of range")                                      \
    X(BITPOS_BIT, "ERR The bit argument must be 1 or 0.")                                          \
    X(BITOP_NOT, "ERR BITOP NOT must be called with a single source key.")                         \
    X(BITFIELD_TYPE, "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not " \
                     "supported but i64 is.")                                                      \
    X(BITFIELD_OVERFLOW, "ERR Invalid OVERFLOW type specified")                                    \
    X(BITFIELD_RO, "ERR BITFIELD_RO only supports the GET subcommand")                             \
    X(SORT_NOT_DOUBLE, "ERR One or more scores can't be converted into double")                    \
    /* Raised inside a script by the cmsgpack and struct libraries                                 \
     * (server/lua_cmsgpack.c, lua_struct.c): Lua error messages, not                              \
     * replies. *_FMT are lua_pushfstring formats. The MP_STACK_* texts are                        \
     * the reasons luaL_checkstack puts in "stack overflow (...)". */                              \
    X(MP_NEEDS_INPUT, "MessagePack pack needs input.")                                             \
    X(MP_TOO_MANY_ARGS, "Too many arguments for MessagePack pack.")                                \
    X(MP_STACK_IS_ARRAY, "in function table_is_an_array")                                          \
    X(MP_STACK_AS_MAP, "in function mp_encode_lua_table_as_map")                                   \
    X(MP_STACK_DECODE_ARRAY, "in function mp_decode_to_lua_array")                                 \
    X(MP_STACK_VALUES, "too many return values at once; use unpack_one or unpack_limit instead.")  \
    X(MP_STACK_OFFSET, "in function mp_unpack_full")                                               \
    X(MP_BAD_REQUEST_FMT, "Invalid request to unpack with offset of %d and limit of %d.")          \
    X(MP_START_FMT, "Start offset %d greater than input length %d.")                               \
    X(MP_MISSING_BYTES, "Missing bytes in input.")                                                 \
    X(MP_BAD_FORMAT, "Bad data format in input.")                                                  \
    X(MP_VERSION, "lua-cmsgpack 0.4.0")                                                            \
    X(MP_COPYRIGHT, "Copyright (C) 2012, Salvatore Sanfilippo")                                    \
    X(MP_DESCRIPTION, "MessagePack C implementation for Lua")                                      \
    X(ST_SIZE_OVERFLOW, "integral size overflow")                                                  \
    X(ST_INT_LIMIT_FMT, "integral size %d is larger than limit of %d")                             \
    X(ST_ALIGN_FMT, "alignment %d is not a power of 2")                                            \
    X(ST_BAD_OPTION_FMT, "invalid format option '%c'")                                             \
    X(ST_STRING_SHORT, "string too short")                                                         \
    X(ST_DATA_SHORT, "data string too short")                                                      \
    X(ST_OFFSET, "offset must be 1 or greater")                                                    \
    X(ST_C0_SIZE, "format 'c0' needs a previous size")                                             \
    X(ST_UNFINISHED, "unfinished string in data")                                                  \
    X(ST_STACK, "too many results")                                                                \
    X(ST_S_NOT_FIXED, "option 's' has no fixed size")                                              \
    X(ST_C0_NOT_FIXED, "option 'c0' has no fixed size")                                            \
    X(QBUF_LIMIT_LOG_FMT,                                                                          \
      "Closing client that reached max query buffer length: %s (qbuf initial bytes: %s)")          \
    /* Scripting (script.c, cmd_script.c). */                                                      \
    X(NOSCRIPT, "NOSCRIPT No matching script. Please use EVAL.")                                   \
    X(NOTBUSY, "NOTBUSY No scripts in execution right now.")                                       \
    X(BUSY, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "      \
            "NOSAVE.")                                                                             \
    X(BUSY_FUNCTION, "BUSY Redis is busy running a script. You can only call FUNCTION KILL or "    \
                     "SHUTDOWN NOSAVE.")                                                           \
    X(SLOW_SCRIPT_LOG_FMT, "Slow script detected: still in execution after %lld milliseconds. "    \
                           "You can try killing the script using the %s command. Script name "     \
                           "is: %s.")                                                              \
    X(UNKILLABLE, "UNKILLABLE Sorry the script already executed write commands against the "       \
                  "dataset. You can either wait the script termination or kill the server in a "   \
                  "hard way using the SHUTDOWN NOSAVE command.")                                   \
    X(NUMKEYS_NEGATIVE, "ERR Number of keys can't be negative")                                    \
    X(SCRIPT_COMPILE_FMT, "ERR Error compiling script (new function): %s")                         \
    X(SCRIPT_FLUSH_MODE, "ERR SCRIPT FLUSH only support SYNC|ASYNC option")                        \
    X(SCRIPT_RO_WRITE_FLAG, "ERR Can not execute a script with write flag using *_ro command.")    \
    X(SHEBANG_INVALID, "ERR Invalid script shebang")                                               \
    X(SHEBANG_ENGINE_FMT, "ERR Unexpected engine in script shebang: %s")                           \
    X(SHEBANG_OPTION_FMT, "ERR Unknown lua shebang option: %s")                                    \
    X(SHEBANG_FLAG_FMT, "ERR Unexpected flag in script shebang: %s")                               \
    X(SCRIPT_ERR_WHERE_FMT, " script: %s, on %s:%s.")                                              \
    X(SCRIPT_STACK_LIMIT, "ERR reached lua stack limit")                                           \
    X(SCRIPT_DEBUG_MODE, "ERR Use SCRIPT DEBUG YES/SYNC/NO")                                       \
    /* Ours: SCRIPT DEBUG YES/SYNC would start Redis's debugger, which mockredis lacks. */         \
    X(SCRIPT_NO_DEBUGGER, "ERR mockredis has no Lua debugger: SCRIPT DEBUG YES/SYNC is not "       \
                          "supported")                                                             \
    X(SCRIPT_RUN_FMT, "ERR Error running script %s, %.100s")                                       \
    /* Errors raised inside a script (redis.call, the sandbox): Lua sees them with "ERR " in       \
     * front when they have no code of their own, as Redis's luaPushError adds it. */              \
    X(LUA_NOARGS, "Please specify at least one argument for this redis lib call")                  \
    X(LUA_ARGTYPE, "Lua redis lib command arguments must be strings or integers")                  \
    X(LUA_UNKNOWN_CMD, "Unknown Redis command called from script")                                 \
    X(LUA_ARITY, "Wrong number of args calling Redis command from script")                         \
    X(LUA_NOSCRIPT, "This Redis command is not allowed from script")                               \
    X(LUA_RO_WRITE, "Write commands are not allowed from read-only scripts.")                      \
    X(LUA_GLOBAL_FMT, "Script attempted to access nonexistent global variable '%s'")               \
    X(LUA_READONLY, "Attempt to modify a readonly table")                                          \
    X(LUA_NARGS, "wrong number of arguments")                                                      \
    X(LUA_REPLY_ARGS, "wrong number or type of arguments")                                         \
    X(LUA_SETREPL_ARGS, "redis.set_repl() requires two arguments.")                                \
    X(LUA_SETREPL_FLAGS,                                                                           \
      "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")             \
    X(LUA_LOG_ARGS, "redis.log() requires two arguments or more.")                                 \
    X(LUA_LOG_LEVEL_TYPE, "First argument must be a number (log level).")                          \
    X(LUA_LOG_LEVEL, "Invalid debug level.")                                                       \
    X(LUA_SETRESP_ARGS, "redis.setresp() requires one argument.")                                  \
    X(LUA_SETRESP_VERSION, "RESP version must be 2 or 3.")                                         \
    X(LUA_ACL_CHECK_CMD, "Invalid command passed to redis.acl_check_cmd()")                        \
    X(LUA_KILLED, "Script killed by user with SCRIPT KILL...")                                     \
    X(LUA_RANDOM_EMPTY, "interval is empty")                                                       \
    /* Functions (function.c, cmd_function.c). */                                                  \
    X(FN_NOT_FOUND, "ERR Function not found")                                                      \
    X(FN_BAD_NUMKEYS, "ERR Bad number of keys provided")                                           \
    X(FN_MISSING_META, "ERR Missing library metadata")                                             \
    X(FN_INVALID_META, "ERR Invalid library metadata")                                             \
    X(FN_NAME_TWICE, "ERR Invalid metadata value, name argument was given multiple times")         \
    X(FN_META_VALUE_FMT, "ERR Invalid metadata value given: %s")                                   \
    X(FN_NO_LIB_NAME, "ERR Library name was not given")                                            \
    X(FN_BAD_NAME, "ERR Library names can only contain letters, numbers, or underscores(_) and "   \
                   "must be at least one character long")                                          \
    X(FN_ENGINE_FMT, "ERR Engine '%s' not found")                                                  \
    X(FN_LIB_EXISTS_FMT, "ERR Library '%s' already exists")                                        \
    X(FN_NO_FUNCTIONS, "ERR No functions registered")                                              \
    X(FN_FUNC_EXISTS_FMT, "ERR Function %s already exists")                                        \
    X(FN_COMPILE_FMT, "ERR Error compiling function: %s")                                          \
    X(FN_REGISTER_FMT, "ERR Error registering functions: %s")                                      \
    X(FN_LOAD_TIMEOUT, "ERR FUNCTION LOAD timeout")                                                \
    X(FN_LIB_NOT_FOUND, "ERR Library not found")                                                   \
    X(FN_LIST_NO_NAME, "ERR library name argument was not given")                                  \
    X(FN_LIST_ARG_FMT, "ERR Unknown argument %s")                                                  \
    X(FN_LOAD_OPTION_FMT, "ERR Unknown option given: %s")                                          \
    X(FN_FLUSH_MODE, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option")                         \
    X(FN_RESTORE_POLICY,                                                                           \
      "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")          \
    X(FN_PAYLOAD_BAD, "ERR DUMP payload version or checksum are wrong")                            \
    X(FN_RESTORE_LIB_EXISTS_FMT, "ERR Library %s already exists")                                  \
    X(FN_RESTORE_TYPE, "ERR given type is not a function")                                         \
    X(FN_RDB_LIB_NAME, "ERR Failed loading library name")                                          \
    X(FN_RDB_ENGINE_NAME, "ERR Failed loading engine name")                                        \
    X(FN_RDB_DESC_IND, "ERR Failed loading library description indicator")                         \
    X(FN_RDB_DESC, "ERR Failed loading library description")                                       \
    X(FN_RDB_BLOB, "ERR Failed loading library blob")                                              \
    X(FN_RDB_PAYLOAD, "ERR Failed loading library payload")                                        \
    /* redis.register_function's errors, raised in Lua as {err = "ERR " .. text}. */               \
    X(RF_ONLY_AT_LOAD, "redis.register_function can only be called on FUNCTION LOAD command")      \
    X(RF_NARGS, "wrong number of arguments to redis.register_function")                            \
    X(RF_SINGLE, "calling redis.register_function with a single argument is only applicable to "   \
                 "Lua table (representing named arguments).")                                      \
    X(RF_KEY_TYPE, "named argument key given to redis.register_function is not a string")          \
    X(RF_NAME_TYPE, "function_name argument given to redis.register_function must be a string")    \
    X(RF_DESC_TYPE, "description argument given to redis.register_function must be a string")      \
    X(RF_CB_TYPE, "callback argument given to redis.register_function must be a function")         \
    X(RF_FLAGS_TYPE, "flags argument to redis.register_function must be a table representing "     \
                     "function flags")                                                             \
    X(RF_UNKNOWN_FLAG, "unknown flag given")                                                       \
    X(RF_UNKNOWN_ARG, "unknown argument given to redis.register_function")                         \
    X(RF_NO_NAME, "redis.register_function must get a function name argument")                     \
    X(RF_NO_CB, "redis.register_function must get a callback argument")                            \
    X(RF_FIRST, "first argument to redis.register_function must be a string")                      \
    X(RF_SECOND, "second argument to redis.register_function must be a function")                  \
    X(RF_FUNC_EXISTS, "Function already exists in the library")                                    \
    /* Streams (cmd_stream.c, stream_cg.c). */                                                     \
    X(STREAM_ID_INVALID, "ERR Invalid stream ID specified as stream command argument")             \
    X(STREAM_RANGE_START, "ERR invalid start ID for the interval")                                 \
    X(STREAM_RANGE_END, "ERR invalid end ID for the interval")                                     \
    X(STREAM_XADD_ZERO, "ERR The ID specified in XADD must be greater than 0-0")                   \
    X(STREAM_XADD_SMALLER, "ERR The ID specified in XADD is equal or smaller than the target "     \
                           "stream top item")                                                      \
    X(STREAM_EXHAUSTED, "ERR The stream has exhausted the last possible ID, unable to add more "   \
                        "items")                                                                   \
    X(STREAM_MAXLEN_MINID, "ERR syntax error, MAXLEN and MINID options at the same time are not "  \
                           "compatible")                                                           \
    X(STREAM_MAXLEN_NEG, "ERR The MAXLEN argument must be >= 0.")                                  \
    X(STREAM_LIMIT_NEG, "ERR The LIMIT argument must be >= 0.")                                    \
    X(STREAM_LIMIT_NO_TRIM, "ERR syntax error, LIMIT cannot be used without specifying a "         \
                            "trimming strategy")                                                   \
    X(STREAM_XTRIM_NO_TRIM, "ERR syntax error, XTRIM must be called with a trimming strategy")     \
    X(STREAM_LIMIT_NO_APPROX, "ERR syntax error, LIMIT cannot be used without the special ~ "      \
                              "option")                                                            \
    X(STREAM_SETID_ADDED_NEG, "ERR entries_added must be positive")                                \
    X(STREAM_SETID_BELOW_ARG_MAXDEL, "ERR The ID specified in XSETID is smaller than the "         \
                                     "provided max_deleted_entry_id")                              \
    X(STREAM_SETID_BELOW_TOP, "ERR The ID specified in XSETID is smaller than the target stream "  \
                              "top item")                                                          \
    X(STREAM_SETID_ADDED_SMALL, "ERR The entries_added specified in XSETID is smaller than the "   \
                                "target stream length")                                            \
    /* (XREADGROUP's too, in 7.0.15: XREAD and '$') */                                             \
    X(STREAM_UNBALANCED, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' " \
                         "must be specified.")                                                     \
    X(STREAM_XREAD_GROUP, "ERR The GROUP option is only supported by XREADGROUP. You called "      \
                          "XREAD instead.")                                                        \
    X(STREAM_XREAD_NOACK, "ERR The NOACK option is only supported by XREADGROUP. You called "      \
                          "XREAD instead.")                                                        \
    X(STREAM_TOO_LARGE, "ERR Elements are too large to be stored")                                 \
    X(STREAM_BLOCK_SCRIPT_FMT, "ERR %s command is not allowed with BLOCK option from scripts")     \
    X(STREAM_XREAD_GT, "ERR The > ID can be specified only when calling XREADGROUP using the "     \
                       "GROUP <group> <consumer> option.")                                         \
    /* maxmemory (evict.h) and OBJECT (cmd_object.c) */                                            \
    X(OOM, "OOM command not allowed when used memory > 'maxmemory'.")                              \
    X(OBJECT_NO_LFU, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. " \
                     "Please note that when switching between policies at runtime LRU and LFU "    \
                     "data will take some time to adjust.")                                        \
    X(OBJECT_LFU, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "   \
                  "that when switching between policies at runtime LRU and LFU data will take "    \
                  "some time to adjust.")                                                          \
    /* CLIENT PAUSE */                                                                             \
    X(PAUSE_MODE, "ERR CLIENT PAUSE mode must be WRITE or ALL")                                    \
    /* latency-tracking-info-percentiles (CONFIG SET reasons) */                                   \
    X(CFG_PCTS_RANGE,                                                                              \
      "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")               \
    X(CFG_PCTS_INVALID, "Invalid latency-tracking-info-percentiles parameters")                    \
    /* LATENCY */                                                                                  \
    X(LATENCY_NO_SAMPLES_FMT, "ERR No samples available for event '%s'")                           \
    X(LATENCY_DOCTOR_OFF,                                                                          \
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "  \
      "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable "   \
      "it. If we weren't in a deep space mission I'd suggest to take a look at "                   \
      "https://redis.io/topics/latency-monitor.\n")                                                \
    X(LATENCY_DOCTOR_CALM,                                                                         \
      "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "    \
      "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and " \
      "think things over.\n")                                                                      \
    /* cluster mode: routing (cluster_route.c) */                                                  \
    X(CL_MOVED_FMT, "MOVED %d %s")                                                                 \
    X(CL_ASK_FMT, "ASK %d %s")                                                                     \
    X(CL_CROSSSLOT, "CROSSSLOT Keys in request don't hash to the same slot")                       \
    X(CL_TRYAGAIN, "TRYAGAIN Multiple keys request during rehashing of slot")                      \
    X(CL_DOWN, "CLUSTERDOWN The cluster is down")                                                  \
    X(CL_DOWN_UNBOUND, "CLUSTERDOWN Hash slot not served")                                         \
    X(CL_SELECT, "ERR SELECT is not allowed in cluster mode")                                      \
    X(CL_MOVE, "ERR MOVE is not allowed in cluster mode")                                          \
    X(CL_SWAPDB, "ERR SWAPDB is not allowed in cluster mode")                                      \
    X(CL_COPY_DB, "ERR Copying to another database is not allowed in cluster mode")                \
    X(CL_READONLY, "READONLY You can't write against a read only replica.")                        \
    /* a script's redis.call of a key another node serves (script.c) */                            \
    X(CL_SCRIPT_NONLOCAL, "Script attempted to access a non local key in a cluster node")          \
    X(CL_SCRIPT_DOWN, "Script attempted to execute a command while the cluster is down")           \
    X(CL_SCRIPT_NO_CLUSTER, "ERR Can not run script on cluster, 'no-cluster' flag is set.")

enum rtext_id {
#define RTEXT__ENUM(name, text) RT_##name,
    RTEXT_MAP(RTEXT__ENUM)
#undef RTEXT__ENUM
        RT__COUNT
};

extern const char *const rtext[RT__COUNT];

/* The text of id without its leading "ERR ", as Redis's own callers of
 * addReplyError write it (Redis adds the generic "ERR " code when sending).
 * For the places that quote an error inside another one, such as EXEC's
 * "EXECABORT Transaction discarded because of: <text>". A text with a code
 * of its own (WRONGTYPE, NOAUTH, ...) comes back whole. Never NULL. */
const char *rtext_msg(enum rtext_id id);

#endif
