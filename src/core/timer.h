/* Monotonic wall clock for host-side timing. */
#ifndef PB_TIMER_H
#define PB_TIMER_H

/* Seconds since an arbitrary fixed point; only differences are meaningful. */
double pb_time_now(void);

#endif
