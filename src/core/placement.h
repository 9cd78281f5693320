/* Where a thread runs: on one type of core of a hybrid CPU. Linux has thread affinity, so a
 * placement is a set of CPUs; macOS has none, and a QoS class steers the scheduler instead
 * (QOS_CLASS_BACKGROUND keeps a thread on the efficiency cores, USER_INTERACTIVE prefers the
 * performance cores). A thread can only place itself: pb_placement_apply_pool has each worker of
 * a pool do so. */
#ifndef PB_PLACEMENT_H
#define PB_PLACEMENT_H

#include "fingerprint.h"
#include "pool.h"
#include "status.h"

typedef enum pb_placement_speed {
    PB_PLACEMENT_FAST,       /* performance cores (macOS: QOS_CLASS_USER_INTERACTIVE) */
    PB_PLACEMENT_EFFICIENT,  /* efficiency cores (macOS: QOS_CLASS_BACKGROUND) */
} pb_placement_speed;

typedef struct pb_placement {
    pb_placement_speed speed; /* what macOS goes by */
    pb_cpu_mask cpus;         /* what Linux goes by; empty: leave the affinity as it is */
} pb_placement;

/* What a thread ran with before pb_placement_apply, so pb_placement_restore puts it back. */
typedef struct pb_placement_saved {
    int valid;
    pb_cpu_mask cpus;         /* Linux: the affinity it had */
    int qos;                  /* macOS: the QoS class it had */
} pb_placement_saved;

/* Moves the calling thread onto `place` (on Linux, onto the CPUs of `place` that it may use now)
 * and saves what it had in *saved, which is valid even on failure. PB_ERR_UNSUPPORTED on systems
 * with neither affinity nor QoS classes. */
pb_status pb_placement_apply(const pb_placement *place, pb_placement_saved *saved, pb_msg *msg);

/* Puts the calling thread back as *saved says; does nothing when it is not valid. */
void pb_placement_restore(const pb_placement_saved *saved);

/* Places the threads that run launches of `threads` on `pool` (worker 0 is the caller) and saves
 * what each had in saved[0..threads-1]. On failure, undo with pb_placement_restore_pool all the
 * same: some threads may have moved. */
pb_status pb_placement_apply_pool(pb_pool *pool, int threads, const pb_placement *place,
                                  pb_placement_saved *saved, pb_msg *msg);

/* Puts those threads back; call it from the thread that placed them (the caller is worker 0). */
void pb_placement_restore_pool(pb_pool *pool, int threads, const pb_placement_saved *saved);

/* The CPUs the calling thread may run on. Returns 0 where the system does not say (macOS). */
int pb_placement_allowed(pb_cpu_mask *out);

#endif
