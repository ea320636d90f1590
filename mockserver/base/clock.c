/* clock.c - real and virtual time, see clock.h. */
#include "clock.h"

#include <time.h>

#include "mr_err.h"

static int64_t real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clk_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clk_init_real(struct clk *c)
{
    c->virt = 0;
    c->virt_us = 0;
}

int clk_set_virtual(struct clk *c, int64_t start_ms)
{
    if (start_ms > CLK_MAX_MS)
        return MR_ERANGE;
    c->virt_us = start_ms >= 0 ? start_ms * 1000 : clk_now_us(c);
    c->virt = 1;
    return 0;
}

void clk_set_real(struct clk *c)
{
    c->virt = 0;
}

int clk_advance_us(struct clk *c, int64_t us)
{
    if (!c->virt || us < 0)
        return MR_EINVAL;
    if (us > CLK_MAX_MS * 1000 + 999 - c->virt_us) /* no overflow: virt_us >= 0 here */
        return MR_ERANGE;
    c->virt_us += us;
    return 0;
}

int64_t clk_now_us(const struct clk *c)
{
    return c->virt ? c->virt_us : real_us();
}

int64_t clk_now_ms(const struct clk *c)
{
    return clk_now_us(c) / 1000;
}
