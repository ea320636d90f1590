/* server.h - the network side of mockredis: listeners, clients, event loop.
 *
 * A struct srv serves one struct core (core.h) on a libevent loop. It owns
 * every socket; commands never see one. Two files implement it: net.c
 * (sockets, reads and writes, accept, the loop) and plan.c (scenario plans
 * carried out on the wire: jobs, held replies, latency). main.c is its one
 * user: the harness (harness/mh.h) starts the mockredis binary as a child
 * process, and unit tests drive a struct core without any socket. */
#ifndef MOCKREDIS_SERVER_H
#define MOCKREDIS_SERVER_H

#include <stddef.h>

struct core;
struct client;
struct srv;
struct event_base;
struct scn;
struct scn_run;
struct cap;

/* Binds the TCP listener (core->cfg.bind:port, port 0 = ephemeral) and the
 * Unix socket when configured, raises the open-file limit for maxclients.
 * Returns NULL on failure with a message in err. On success the sockets
 * already accept connections (the kernel queues them) before srv_run. */
struct srv *srv_new(struct core *core, char *err, size_t errlen);
/* As srv_new, on the event loop of share (NULL: a loop of its own): the
 * nodes of a cluster (cluster.h) run on one loop, one srv per node. Free
 * the srvs that share a loop before the one that made it; srv_run and
 * srv_stop on any of them run and stop the loop of all. */
struct srv *srv_new_on(struct core *core, struct srv *share, char *err, size_t errlen);
/* Plays a scenario from now on: connections and commands ask run (made
 * from scn) for plans. s takes ownership of both and frees the scenario it
 * played before. On a cluster, node 0's srv owns them whichever node's s is
 * given, and every other node's srv borrows them (plays the same run, never
 * frees it: free the other nodes' srvs first, as main.c does); with one
 * run, connections are numbered across the nodes in acceptance order. With exit_when_over the loop
 * returns once the scenario is over (the --scenario mode); otherwise the server keeps serving and
 * the verdict is read with MOCK SCENARIO VERDICT. Both NULL: stop playing. */
void srv_set_scenario(struct srv *s, struct scn *scn, struct scn_run *run, int exit_when_over);
/* The scenario being played, or NULL. */
struct scn_run *srv_scenario(const struct srv *s);
/* Writes every TCP connection's traffic to cap (cap.h) from now on; NULL
 * stops. cap must outlive s: srv_free writes the teardown of the
 * connections still open. Unix-socket connections are not captured. */
void srv_set_capture(struct srv *s, struct cap *cap);
/* Closes (on 0) or reopens (on 1) the TCP listener, on the port it had:
 * a cluster node taken down and brought back up (cluster.h). Closing also
 * closes every connection of s: the client whose command is running is
 * closed once its reply is written (CL_CLOSE_AFTER_REPLY). The Unix
 * socket is left alone. Returns 0 (nothing to do is 0 too), or -1 with a
 * message in err when the port cannot be bound again. */
int srv_set_listening(struct srv *s, int on, char *err, size_t errlen);
/* The TCP port bound, useful after port 0. */
int srv_port(const struct srv *s);
/* "127.0.0.1:6379" or "[::1]:6379", the address the listener is bound to. */
const char *srv_addr(const struct srv *s);
/* 1 when the TCP listener can take connections from other hosts: bound to
 * a wildcard (0.0.0.0, ::) or to an address outside 127.0.0.0/8 and ::1;
 * 0 when it is loopback only. */
int srv_exposed(const struct srv *s);
/* Makes SIGINT and SIGTERM stop the loop cleanly and ignores SIGPIPE. Call
 * before announcing readiness (port file, "listening on"), so a signal sent
 * as soon as the server is ready cannot hit the default action. */
void srv_catch_signals(struct srv *s);
/* Runs the loop until srv_stop, a caught signal, or the scenario's end.
 * Returns 0. */
int srv_run(struct srv *s);
/* Asks the loop to return after the current callback (from a command or
 * an event callback of this loop; not from another thread). */
void srv_stop(struct srv *s);
/* Closes every client and listener and frees s (not the core); NULL is fine. */
void srv_free(struct srv *s);
struct event_base *srv_base(struct srv *s);
/* Closes client c now (c must not be the one whose command is running:
 * set CL_CLOSE_AFTER_REPLY on that one instead). */
void srv_close_client(struct srv *s, struct client *c);

#endif
