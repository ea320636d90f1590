/* clock.h - the server's notion of "now", real or virtual.
 *
 * Everything that depends on time in the keyspace (TTLs, EXPIREAT, idle
 * timeouts, TIME) reads this clock. Real mode follows the wall clock.
 * Virtual mode starts where the clock stood and moves only when told to
 * (clk_advance), so tests and scenarios expire keys without sleeping. */
#ifndef MOCKREDIS_CLOCK_H
#define MOCKREDIS_CLOCK_H

#include <stdint.h>

struct clk {
    int virt;        /* 1 when virtual */
    int64_t virt_us; /* virtual now, microseconds since the Unix epoch */
};

void clk_init_real(struct clk *c);
/* Switches to virtual time frozen at the current time (or at start_ms when
 * >= 0). Staying virtual, a second call resets to the given time. */
void clk_set_virtual(struct clk *c, int64_t start_ms);
void clk_set_real(struct clk *c);
/* Moves a virtual clock forward by us (>= 0). No effect in real mode:
 * returns MR_EINVAL there, else 0. */
int clk_advance_us(struct clk *c, int64_t us);

int64_t clk_now_us(const struct clk *c);
int64_t clk_now_ms(const struct clk *c);
/* Monotonic wall time in microseconds, for measuring real durations. */
int64_t clk_mono_us(void);

#endif
