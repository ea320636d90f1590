/* rc_config.c - the connection settings as a plain value (see rc_config.h).
 *
 * Deliberately no allocation and no pointers inside struct rc_config: a
 * struct that owned a malloc'ed host string would turn every copy into a
 * shallow alias and every scope exit into a leak or a double free. Strings
 * that do not fit are refused, never truncated: a truncated host name would
 * connect somewhere else. */
#include "rc_config.h"

#include <string.h>

struct rc_config rc_config_default(void)
{
    struct rc_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    strcpy(cfg.host, "127.0.0.1");
    cfg.port = 6379;
    cfg.connect_timeout_ms = 1000;
    cfg.command_timeout_ms = 1000;
    cfg.pool_size = 4;
    cfg.pool_wait_ms = 1000;
    return cfg;
}

enum rc_status rc_config_set_host(struct rc_config *cfg, const char *host, int port)
{
    size_t n = strlen(host);
    if (n >= sizeof(cfg->host))
        return RC_ERR_ARG;
    memcpy(cfg->host, host, n + 1);
    cfg->port = port;
    cfg->unix_path[0] = '\0';
    return RC_OK;
}

enum rc_status rc_config_set_unix(struct rc_config *cfg, const char *path)
{
    size_t n = strlen(path);
    if (n >= sizeof(cfg->unix_path))
        return RC_ERR_ARG;
    memcpy(cfg->unix_path, path, n + 1);
    return RC_OK;
}
