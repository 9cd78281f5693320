/* Shared between the OpenCL backend's files: the device and case state, and error reporting that
 * names the failing call and the CL error. */
#ifndef PB_OPENCL_INTERNAL_H
#define PB_OPENCL_INTERNAL_H

#ifdef __APPLE__
#include <OpenCL/opencl.h>
#else
/* The OpenCL 1.2 API is the one every driver has (Apple's included); asking for it also keeps the
 * 1.2 calls such as clCreateCommandQueue free of deprecation warnings. */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#endif

#include "../../../kernels/pb_launch.h"
#include "../backend.h"

typedef struct pb_cl_device {
    cl_platform_id platform;
    cl_device_id id;
    pb_device_info info;
    size_t max_work_group;    /* CL_DEVICE_MAX_WORK_GROUP_SIZE */
    size_t max_item_sizes[3]; /* CL_DEVICE_MAX_WORK_ITEM_SIZES */
    cl_ulong local_mem;       /* CL_DEVICE_LOCAL_MEM_SIZE */
    /* Opened on first use, so that listing devices compiles nothing. */
    cl_context context;
    cl_command_queue queue;
    cl_program programs[PB_LAUNCH_SGEMM_TILES]; /* built once per sgemm tile shape, then cached */
} pb_cl_device;

typedef struct pb_cl_ctx {
    pb_cl_device *devices;
    int ndevices;
    int sgemm_config;    /* where sgemm cases start on the tile ladder; -1: by device (tests set it) */
    char platforms[256]; /* "name (version); ..." for describe() */
} pb_cl_ctx;

/* The name of a CL error code, e.g. "CL_OUT_OF_RESOURCES". */
const char *pb_cl_error_name(cl_int err);

/* Formats "<call> failed: <CL error name> (<code>)" plus a hint for the common causes. */
pb_status pb_cl_fail(pb_msg *msg, const char *call, cl_int err);

/* Creates the device's context and profiling queue if not yet open. */
pb_status pb_cl_device_open(pb_cl_device *dev, pb_msg *msg);

/* The program built with sgemm tile shape `config` (pb_launch_sgemm_tiles), from the cache or built now. On a build
 * failure the message carries the start of the build log. */
pb_status pb_cl_program_get(pb_cl_device *dev, int config, cl_program *out, pb_msg *msg);

/* Builds `source` for the device with `options`; on failure the message has the build log. */
pb_status pb_cl_program_build(pb_cl_device *dev, const char *source, const char *options, cl_program *out, pb_msg *msg);

/* The sgemm tile shape whose program a case on `dev` starts with: the one a test set, else the
 * first the device allows (pb_launch_sgemm_tile_for). The probes use its program too. */
int pb_cl_first_config(const pb_cl_ctx *ctx, const pb_cl_device *dev);

/* The device's limits and those of the kernels `used` built with sgemm shape `config`, as a launch
 * plan reads them. */
pb_status pb_cl_launch_limits(pb_cl_device *dev, int config, const pb_launch_kernel *used, int nused,
                              pb_launch_limits *lim, pb_msg *msg);

/* A case that runs `plan` (which it takes over, leaving *plan empty) with the kernels built with
 * sgemm shape `config`, binding the buffers `mem` (retained; NULL where unused). It has no problem:
 * only pb_cl_case_run and pb_cl_case_destroy apply. */
pb_status pb_cl_case_from_plan(pb_cl_device *dev, int config, const cl_mem mem[PB_MAX_BUFFERS], pb_launch_plan *plan,
                               void **kase, pb_msg *msg);

pb_status pb_cl_case_create(void *ctx, const pb_variant *variant, pb_problem *problem, void **kase, pb_msg *msg);
pb_status pb_cl_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg);
pb_status pb_cl_case_batch_info(void *kase, double *busy_s, double *span_s);
pb_status pb_cl_case_e2e(void *kase, double *seconds, pb_msg *msg);
pb_status pb_cl_case_read(void *kase, pb_msg *msg);
void pb_cl_case_destroy(void *kase);

/* The ceilings slot (opencl_ceiling.c). */
pb_status pb_cl_ceilings(void *ctx, int device, pb_preset preset, pb_ceilings *out, pb_msg *msg);

#endif
