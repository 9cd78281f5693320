/* The run's ceiling probes: the CPU's peak FMA throughput and memory bandwidth, measured before
 * the cases and recorded on the devices that run on the host CPU, so that every CPU result can be
 * placed on its roofline (result.h). */
#ifndef PB_CLI_CEILINGS_H
#define PB_CLI_CEILINGS_H

#include <stdio.h>

#include "../core/fingerprint.h"
#include "../core/pool.h"
#include "../results/result.h"
#include "../workloads/workload.h"
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

#endif
