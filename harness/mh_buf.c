/* mh_buf.c - the in-tree tests' struct buf adapters of mh.h: read into the
 * harness's own buffer, copy into the caller's struct buf. Built only into
 * the build tree's harness, never installed. */
#include "mh.h"

static int into_buf(int rc, struct mh_bytes *tmp, struct buf *reply)
{
    if (rc == MH_REPLY) {
        buf_clear(reply);
        buf_append(reply, tmp->p, tmp->len);
    }
    mh_bytes_free(tmp);
    return rc;
}

int mh__read_reply_buf(struct mh_conn *c, struct buf *reply, int timeout_ms)
{
    struct mh_bytes tmp = MH_BYTES_INIT;
    return into_buf(mh_read_reply(c, &tmp, timeout_ms), &tmp, reply);
}

int mh__call_buf(struct mh_conn *c, const char *line, struct buf *reply, int timeout_ms)
{
    struct mh_bytes tmp = MH_BYTES_INIT;
    return into_buf(mh_call(c, line, &tmp, timeout_ms), &tmp, reply);
}
