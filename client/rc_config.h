/* rc_config.h - where the server is and how long to wait for it (pitfall P1).
 *
 * A configuration is a plain value: fixed-size arrays, no pointers, nothing
 * to free. Copy it with `=`, pass it by value or by pointer, keep one per
 * thread: copying costs a memcpy. What is expensive is the *connection*
 * built from it (a TCP or unix-socket handshake, see rc.h), and a
 * connection has exactly one owner. Keep the two apart: share configs
 * freely, never share connections.
 *
 * A timeout of 0 ms means "wait forever" -- which is almost never what you
 * want (pitfall P11): the defaults are finite. */
#ifndef MOCKREDIS_RC_CONFIG_H
#define MOCKREDIS_RC_CONFIG_H

#include "rc_status.h"

#define RC_HOST_MAX 256 /* bytes for a host name or address, NUL included */
#define RC_PATH_MAX 108 /* bytes for a unix socket path (sun_path), NUL included */

struct rc_config {
    char host[RC_HOST_MAX];      /* TCP host, used when unix_path is empty */
    int port;                    /* TCP port */
    char unix_path[RC_PATH_MAX]; /* non-empty: connect to this unix socket instead */
    int connect_timeout_ms;      /* TCP/unix connect; 0 = no limit */
    int command_timeout_ms;      /* each command's send+reply; 0 = no limit */
    int pool_size;               /* rc_pool: most connections open at once (>= 1) */
    int pool_wait_ms;            /* rc_pool: how long a checkout waits when all are busy;
                                    0 = no limit */
};

/* The defaults: 127.0.0.1:6379, connect and command timeouts of 1000 ms,
 * a pool of 4 connections, a pool wait of 1000 ms. */
struct rc_config rc_config_default(void);

/* Sets the TCP host (and clears unix_path). Returns RC_OK, or RC_ERR_ARG
 * when host does not fit in RC_HOST_MAX bytes (cfg is then unchanged). */
enum rc_status rc_config_set_host(struct rc_config *cfg, const char *host, int port);

/* Makes cfg connect to a unix socket. Returns RC_OK, or RC_ERR_ARG when
 * path does not fit in RC_PATH_MAX bytes (cfg is then unchanged). */
enum rc_status rc_config_set_unix(struct rc_config *cfg, const char *path);

#endif
