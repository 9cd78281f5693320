/* What the opencl backend offers beyond its pb_backend table: a hook for tests that feed the
 * compiler a source of their own (for example a broken one, to check the build log reaches the
 * message). */
#ifndef PB_OPENCL_BACKEND_H
#define PB_OPENCL_BACKEND_H

#include "../../core/status.h"

/* Builds `source` as an OpenCL program on device 0 of an initialised opencl context (from
 * pb_backend_opencl.init) and releases it. On failure the message holds the build log. */
pb_status pb_opencl_build_program_for_test(void *ctx, const char *source, pb_msg *msg);

#endif
