/* mr_err.h - the project's error codes.
 *
 * Functions return 0 on success or one of these negative codes. One table
 * (MR_ERRNO_MAP) generates the enum and mr_strerror(), so a code and its text
 * cannot drift apart. Long-lived objects keep the last code plus a message
 * with detail (a file position, a system error) next to it.
 *
 * There is no "out of memory" code on purpose: allocation failures abort
 * (mem.h), so no caller ever has to handle one. */
#ifndef MOCKREDIS_MR_ERR_H
#define MOCKREDIS_MR_ERR_H

#define MR_ERRNO_MAP(X)                                                                            \
    X(INVAL, "invalid argument")                                                                   \
    X(PROTO, "protocol error")                                                                     \
    X(SYS, "system call failed")                                                                   \
    X(IO, "input/output error")                                                                    \
    X(PARSE, "syntax error")                                                                       \
    X(RANGE, "value out of range")                                                                 \
    X(NOTFOUND, "not found")                                                                       \
    X(EOF, "end of file")

enum mr_err {
    MR_OK = 0,
#define MR__ERR_ENUM(name, text) MR_E##name,
    MR__ERR_FIRST = -100,
    MR_ERRNO_MAP(MR__ERR_ENUM)
#undef MR__ERR_ENUM
        MR__ERR_END
};

/* Text for a code from the table; "unknown error" for anything else. Never NULL. */
const char *mr_strerror(int code);

#endif
