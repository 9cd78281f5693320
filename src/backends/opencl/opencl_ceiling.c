/* The opencl backend's ceilings: what the probes of kernels/pb_ceiling.c need of one OpenCL device
 * (buffers, each probe's plan bound as a case, runs timed by its profiling events, reads). */
#include "opencl_internal.h"

#include <string.h>

#include "../../../kernels/pb_ceiling.h"

_Static_assert(PB_LAUNCH_PROBE_BUFFERS <= PB_MAX_BUFFERS, "a case binds every probe buffer");

typedef struct pb_cl_probe {
    pb_cl_device *dev;
    int config;                   /* the sgemm shape of the program the probe kernels come from */
    cl_mem mem[PB_MAX_BUFFERS];
    size_t bytes[PB_MAX_BUFFERS];
    void *kase;                   /* the bound probe, a case made from its plan */
} pb_cl_probe;

static pb_status pb_cl_probe_alloc(void *self, const size_t bytes[PB_LAUNCH_PROBE_BUFFERS], pb_msg *msg)
{
    pb_cl_probe *p = self;
    const pb_device_info *info = &p->dev->info;
    double total = 0;
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++) {
        total += (double)bytes[i];
        if (info->max_alloc_bytes && bytes[i] > info->max_alloc_bytes)
            return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "a probe buffer of %zu bytes exceeds the device's %llu",
                              bytes[i], (unsigned long long)info->max_alloc_bytes);
    }
    if (info->memory_bytes && total > (double)info->memory_bytes)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "the probes need %.0f bytes, the device has %llu", total,
                          (unsigned long long)info->memory_bytes);
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++) {
        cl_int err;
        p->mem[i] = clCreateBuffer(p->dev->context, CL_MEM_READ_WRITE, bytes[i], NULL, &err);
        if (err != CL_SUCCESS) {
            p->mem[i] = NULL;
            return pb_cl_fail(msg, "clCreateBuffer", err);
        }
        p->bytes[i] = bytes[i];
    }
    return PB_OK;
}

static pb_status pb_cl_probe_poison(void *self, int buf, pb_msg *msg)
{
    pb_cl_probe *p = self;
    const cl_uchar poison = 0xFF;
    cl_int err = clEnqueueFillBuffer(p->dev->queue, p->mem[buf], &poison, sizeof poison, 0, p->bytes[buf], 0, NULL,
                                     NULL);
    if (err == CL_SUCCESS)
        err = clFinish(p->dev->queue);
    return err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, "clEnqueueFillBuffer", err);
}

static pb_status pb_cl_probe_upload(void *self, int buf, const float *host, size_t count, pb_msg *msg)
{
    pb_cl_probe *p = self;
    const cl_int err =
        clEnqueueWriteBuffer(p->dev->queue, p->mem[buf], CL_TRUE, 0, count * sizeof(float), host, 0, NULL, NULL);
    return err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, "clEnqueueWriteBuffer", err);
}

static pb_status pb_cl_probe_bind(void *self, pb_launch_plan *plan, pb_msg *msg)
{
    pb_cl_probe *p = self;
    pb_cl_case_destroy(p->kase);
    p->kase = NULL;
    return pb_cl_case_from_plan(p->dev, p->config, p->mem, plan, &p->kase, msg);
}

static pb_status pb_cl_probe_run(void *self, int launches, double *seconds, pb_msg *msg)
{
    int device_timer = 0;
    return pb_cl_case_run(((pb_cl_probe *)self)->kase, launches, seconds, &device_timer, msg);
}

static pb_status pb_cl_probe_read(void *self, int buf, size_t first, size_t count, float *out, pb_msg *msg)
{
    pb_cl_probe *p = self;
    const cl_int err = clEnqueueReadBuffer(p->dev->queue, p->mem[buf], CL_TRUE, first * sizeof(float),
                                           count * sizeof(float), out, 0, NULL, NULL);
    return err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, "clEnqueueReadBuffer", err);
}

pb_status pb_cl_ceilings(void *opaque, int device, pb_preset preset, pb_ceilings *out, pb_msg *msg)
{
    pb_cl_ctx *ctx = opaque;
    if (device < 0 || device >= ctx->ndevices)
        return pb_msg_set(msg, PB_ERR_USAGE, "opencl has no device %d", device);
    pb_cl_probe probe;
    memset(&probe, 0, sizeof probe);
    probe.dev = &ctx->devices[device];
    probe.config = pb_cl_first_config(ctx, probe.dev);
    pb_launch_kernel used[PB_LAUNCH_PROBE_COUNT];
    for (int i = 0; i < PB_LAUNCH_PROBE_COUNT; i++)
        used[i] = pb_launch_probe_kernel((pb_launch_probe_id)i);
    pb_launch_limits limits;
    pb_status st = pb_cl_device_open(probe.dev, msg);
    if (st == PB_OK)
        st = pb_cl_launch_limits(probe.dev, probe.config, used, PB_LAUNCH_PROBE_COUNT, &limits, msg);
    const pb_ceiling_device ops = {&probe, pb_cl_probe_alloc, pb_cl_probe_poison, pb_cl_probe_upload,
                                   pb_cl_probe_bind, pb_cl_probe_run, pb_cl_probe_read};
    if (st == PB_OK)
        st = pb_ceiling_measure(&ops, &limits, &probe.dev->info, preset, out, msg);
    pb_cl_case_destroy(probe.kase);
    for (int i = 0; i < PB_MAX_BUFFERS; i++)
        if (probe.mem[i])
            clReleaseMemObject(probe.mem[i]);
    return st;
}
