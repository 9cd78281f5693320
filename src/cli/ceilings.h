/* The run's ceiling probes: the CPU's peak FMA throughput and memory bandwidth, and each GPU-style
 * device's (the backends with the ceilings slot: opencl, cuda, metal), measured before the cases
 * and recorded on their devices, so that every result can be placed on its roofline (result.h). */
#ifndef PB_CLI_CEILINGS_H
#define PB_CLI_CEILINGS_H

#include <stdio.h>

#include "../core/fingerprint.h"
#include "../core/pool.h"
#include "../results/result.h"
#include "../workloads/workload.h"
#include "cli.h"
#include "session.h"

/* 1 when the session runs a backend on the host CPU (cpu, blas): the ceilings are then measured. */
int pb_cli_ceilings_wanted(const pb_session *session);

/* Measures the CPU's ceilings on `threads` threads of `pool`, sized for `preset` (about 1 s at the
 * standard preset, less at tiny and quick). A probe whose check fails returns its status with the
 * reason, and *out is left as it was: such a ceiling is reported, never recorded. */
pb_status pb_cli_ceilings_measure(pb_pool *pool, int threads, pb_preset preset, const pb_machine *m,
                                  pb_ceilings *out, pb_msg *msg);

/* Records `c` (when measure succeeded) on every device of the backends that run on the host CPU
 * (cpu, blas) in `set`. */
void pb_cli_ceilings_attach(pb_resultset *set, const pb_ceilings *c);

/* "CPU ceilings: 196 GFLOP/s fp32, 44.1 GB/s (0.9 s)", one line. */
void pb_cli_ceilings_print(const pb_ceilings *c, FILE *out);

/* The ceilings of the devices of one run, kept until the devices are recorded (after the cases).
 * Zero-initialised it is empty. */
typedef struct pb_cli_device_ceiling {
    char backend[24];
    int index;
    int measured;               /* 0: its probes failed (said when measured), nothing to record */
    pb_ceilings ceilings;
} pb_cli_device_ceiling;

typedef struct pb_cli_device_ceilings {
    pb_cli_device_ceiling *items;
    int n;
} pb_cli_device_ceilings;

/* Measures the ceilings of every device that has cases in `plan` on a backend with the ceilings
 * slot, sized for `preset`, and prints one line per device on `out`: its ceilings, or why they are
 * not recorded (a probe that failed its check, a device it does not fit). */
void pb_cli_device_ceilings_measure(const pb_session *session, const pb_planned_list *plan, pb_preset preset,
                                    FILE *out, pb_cli_device_ceilings *got);

/* Records each measured device's ceilings on its record in `set` (by backend and index). */
void pb_cli_device_ceilings_attach(pb_resultset *set, const pb_cli_device_ceilings *got);

void pb_cli_device_ceilings_free(pb_cli_device_ceilings *got); /* accepts NULL; leaves it empty */

/* "opencl device 0 ceilings: 95 GFLOP/s fp32 FMA, 12.3 GB/s memory (0.4 s)", one line. */
void pb_cli_device_ceilings_print(const pb_cli_device_ceiling *d, FILE *out);

#endif
