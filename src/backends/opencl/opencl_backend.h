/* What the opencl backend offers beyond its pb_backend table: hooks for tests, to feed the
 * compiler a source of their own (for example a broken one, to check the build log reaches the
 * message) and to run every sgemm tile configuration on the one device at hand. */
#ifndef PB_OPENCL_BACKEND_H
#define PB_OPENCL_BACKEND_H

#include "../../core/status.h"

/* Builds `source` as an OpenCL program on device 0 of an initialised opencl context (from
 * pb_backend_opencl.init) and releases it. On failure the message holds the build log. */
pb_status pb_opencl_build_program_for_test(void *ctx, const char *source, pb_msg *msg);

/* Makes the sgemm cases created from now on in an initialised opencl context start their tile
 * ladder at configuration `config` (0: the largest; -1: the device's own choice again). Returns
 * the number of configurations. */
int pb_opencl_sgemm_config_for_test(void *ctx, int config);

#endif
