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
/* The latest time a virtual clock may show: 9999-12-31T23:59:59.999Z in
 * milliseconds since the Unix epoch. Far from any overflow: TTLs added to
 * it and its microseconds fit in 64 bits. */
#define CLK_MAX_MS 253402300799999LL

/* Switches to virtual time frozen at the current time (or at start_ms when
 * >= 0). Staying virtual, a second call resets to the given time. Returns
 * 0, or MR_ERANGE without any change when start_ms > CLK_MAX_MS. */
int clk_set_virtual(struct clk *c, int64_t start_ms);
void clk_set_real(struct clk *c);
/* Moves a virtual clock forward by us (>= 0). Returns 0, or MR_EINVAL
 * without any change in real mode or for a negative us, MR_ERANGE
 * without any change when the clock would pass CLK_MAX_MS. */
int clk_advance_us(struct clk *c, int64_t us);

int64_t clk_now_us(const struct clk *c);
int64_t clk_now_ms(const struct clk *c);
/* Monotonic wall time in microseconds, for measuring real durations. */
int64_t clk_mono_us(void);

#endif
