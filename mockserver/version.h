/* version.h - the mockredis version, and the Redis version it imitates. */
#ifndef MOCKREDIS_VERSION_H
#define MOCKREDIS_VERSION_H

#define MOCKREDIS_VERSION "0.1.0"
/* What INFO and HELLO report as redis_version: the Redis release whose
 * behaviour the differential tests check against. */
#define MOCKREDIS_REDIS_VERSION "7.0.15"

#endif
