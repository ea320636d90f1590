/* mh.h - the harness as this repository's own tests use it.
 *
 * The API is the installed one, include/mockredis/harness.h; this header
 * adds only what the in-tree tests need on top: the server's struct buf
 * accepted where a reply is read (mh_read_reply, mh_call take either a
 * struct mh_bytes * or a struct buf *), so tests can keep building
 * replies and expectations with buf_*. Users of the installed harness
 * never see this header nor struct buf. */
#ifndef MOCKREDIS_MH_H
#define MOCKREDIS_MH_H

#include "buf.h"
#include "mockredis/harness.h"

/* As mh_read_reply and mh_call, into a struct buf (replacing its content). */
int mh__read_reply_buf(struct mh_conn *c, struct buf *reply, int timeout_ms);
int mh__call_buf(struct mh_conn *c, const char *line, struct buf *reply, int timeout_ms);

/* clang-format off: it splits _Generic's associations across lines */
#define mh_read_reply(c, reply, timeout_ms)                                                        \
    _Generic((reply), struct buf *                                                                 \
             : mh__read_reply_buf, default                                                         \
             : mh_read_reply)(c, reply, timeout_ms)
#define mh_call(c, line, reply, timeout_ms)                                                        \
    _Generic((reply), struct buf * : mh__call_buf, default : mh_call)(c, line, reply, timeout_ms)
/* clang-format on */

#endif
