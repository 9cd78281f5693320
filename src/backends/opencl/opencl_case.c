/* One OpenCL case: device buffers, the kernels of one workload with their arguments bound, and the
 * list of kernel launches ("steps") that make one launch of the workload. Work-group sizes come
 * from the device's and the kernel's limits, never above PB_CL_MAX_LOCAL. */
#include "opencl_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../../core/timer.h"

#define PB_CL_MAX_KERNELS 4

/* Events are read back and released in batches, so long samples hold bounded memory. */
#define PB_CL_EVENT_BATCH 256

/* Work-groups per compute unit for the grid-stride kernels (reduce, histogram): enough to keep a
 * GPU's schedulers busy, few enough that the per-group partial results stay small. */
#define PB_CL_GROUPS_PER_UNIT 64

/* Of the reduce chain budget (PB_REDUCE_MAX_CHAIN), the part kept for the second pass. */
#define PB_CL_REDUCE_PASS2_CHAIN 64

typedef struct pb_cl_step {
    cl_kernel kernel;
    const char *name;
    cl_uint dims;
    size_t global[2];
    size_t local[2];
} pb_cl_step;

typedef struct pb_cl_case {
    pb_cl_device *dev;
    pb_problem *problem;
    cl_mem mem[PB_MAX_BUFFERS];
    cl_mem work; /* the reduce's per-group partial sums */
    cl_kernel kernels[PB_CL_MAX_KERNELS];
    int nkernels;
    int config; /* sgemm tile configuration of the program in use */
    pb_cl_step *steps;
    int nsteps;
} pb_cl_case;

static size_t pb_cl_round_up(size_t n, size_t multiple)
{
    return (n + multiple - 1) / multiple * multiple;
}

static size_t pb_cl_floor_pow2(size_t n)
{
    size_t p = 1;
    while (p * 2 <= n)
        p *= 2;
    return p;
}

/* Creates kernel `name` from the case's program; it is released with the case. */
static pb_status pb_cl_kernel(pb_cl_case *c, const char *name, cl_kernel *out, pb_msg *msg)
{
    cl_program program;
    pb_status st = pb_cl_program_get(c->dev, c->config, &program, msg);
    if (st != PB_OK)
        return st;
    cl_int err;
    cl_kernel kernel = clCreateKernel(program, name, &err);
    if (err != CL_SUCCESS)
        return pb_cl_fail(msg, "clCreateKernel", err);
    cl_ulong local_mem = 0;
    err = clGetKernelWorkGroupInfo(kernel, c->dev->id, CL_KERNEL_LOCAL_MEM_SIZE, sizeof local_mem, &local_mem, NULL);
    if (err == CL_SUCCESS && local_mem > c->dev->local_mem) {
        clReleaseKernel(kernel);
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "kernel %s needs %llu bytes of local memory, the device has %llu",
                          name, (unsigned long long)local_mem, (unsigned long long)c->dev->local_mem);
    }
    c->kernels[c->nkernels++] = kernel;
    *out = kernel;
    return PB_OK;
}

/* The largest work-group this kernel may use on this device, capped at PB_CL_MAX_LOCAL. */
static size_t pb_cl_kernel_max_local(const pb_cl_case *c, cl_kernel kernel)
{
    size_t kernel_max = 0;
    cl_int err =
        clGetKernelWorkGroupInfo(kernel, c->dev->id, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_max, &kernel_max, NULL);
    size_t limit = PB_CL_MAX_LOCAL;
    if (c->dev->max_work_group < limit)
        limit = c->dev->max_work_group;
    if (err == CL_SUCCESS && kernel_max < limit)
        limit = kernel_max;
    return limit > 0 ? limit : 1;
}

/* A power-of-two 1D work-group size (the reduce tree needs one; the others do not mind). */
static size_t pb_cl_local_1d(const pb_cl_case *c, cl_kernel kernel)
{
    size_t limit = pb_cl_kernel_max_local(c, kernel);
    if (c->dev->max_item_sizes[0] < limit)
        limit = c->dev->max_item_sizes[0];
    return pb_cl_floor_pow2(limit);
}

/* Binds buffers to arguments 0..n-1 and the params struct to argument n (the dialect's rule). */
static pb_status pb_cl_bind(cl_kernel kernel, const char *name, const cl_mem *mems, int n, const void *params,
                            size_t params_size, pb_msg *msg)
{
    cl_int err = CL_SUCCESS;
    for (int i = 0; i < n && err == CL_SUCCESS; i++)
        err = clSetKernelArg(kernel, (cl_uint)i, sizeof(cl_mem), &mems[i]);
    if (err == CL_SUCCESS)
        err = clSetKernelArg(kernel, (cl_uint)n, params_size, params);
    if (err != CL_SUCCESS)
        return pb_msg_set(msg, PB_ERR_BACKEND, "clSetKernelArg(%s) failed: %s (%d)", name, pb_cl_error_name(err),
                          (int)err);
    return PB_OK;
}

static pb_status pb_cl_add_step(pb_cl_case *c, cl_kernel kernel, const char *name, cl_uint dims, const size_t *global,
                                const size_t *local, pb_msg *msg)
{
    pb_cl_step *grown = realloc(c->steps, (size_t)(c->nsteps + 1) * sizeof *grown);
    if (!grown)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory planning launches");
    c->steps = grown;
    pb_cl_step *s = &c->steps[c->nsteps++];
    memset(s, 0, sizeof *s);
    s->kernel = kernel;
    s->name = name;
    s->dims = dims;
    for (cl_uint d = 0; d < dims; d++) {
        s->local[d] = local[d];
        s->global[d] = pb_cl_round_up(global[d], local[d]);
    }
    return PB_OK;
}

/* One kernel, 1D over n items, buffers then params. */
static pb_status pb_cl_plan_1d(pb_cl_case *c, const char *name, const cl_mem *mems, int nmem, const void *params,
                               size_t params_size, size_t n, pb_msg *msg)
{
    cl_kernel k;
    pb_status st = pb_cl_kernel(c, name, &k, msg);
    if (st == PB_OK)
        st = pb_cl_bind(k, name, mems, nmem, params, params_size, msg);
    if (st != PB_OK)
        return st;
    size_t local = pb_cl_local_1d(c, k);
    return pb_cl_add_step(c, k, name, 1, &n, &local, msg);
}

/* A 2D work-group: up to 32 wide along x (contiguous memory) and up to 8 tall. */
static void pb_cl_local_2d(const pb_cl_case *c, cl_kernel kernel, size_t *local)
{
    size_t limit = pb_cl_floor_pow2(pb_cl_kernel_max_local(c, kernel));
    local[0] = limit < 32 ? limit : 32;
    if (c->dev->max_item_sizes[0] < local[0])
        local[0] = pb_cl_floor_pow2(c->dev->max_item_sizes[0]);
    local[1] = limit / local[0];
    if (local[1] > 8)
        local[1] = 8;
    if (c->dev->max_item_sizes[1] < local[1])
        local[1] = pb_cl_floor_pow2(c->dev->max_item_sizes[1]);
}

/* ---- the workloads ------------------------------------------------------------------------------ */

/* Tries the device's tile configuration, then smaller ones if the built kernel allows fewer
 * work-items than the tile needs (register-heavy kernels can). One work-group per bm x bn block. */
static pb_status pb_cl_plan_sgemm(pb_cl_case *c, pb_msg *msg)
{
    const pb_sgemm_params *p = &c->problem->params.sgemm;
    for (; c->config < PB_CL_SGEMM_CONFIGS; c->config++) {
        const pb_cl_sgemm_config *cfg = &pb_cl_sgemm_configs[c->config];
        size_t local[2];
        pb_cl_sgemm_local(c->config, local);
        cl_kernel k;
        pb_status st = pb_cl_kernel(c, "pb_sgemm", &k, msg);
        if (st != PB_OK)
            return st;
        if (local[0] * local[1] > pb_cl_kernel_max_local(c, k)) {
            clReleaseKernel(k);
            c->nkernels--;
            continue;
        }
        const size_t n = (size_t)p->n;
        size_t global[2] = {(n + cfg->bn - 1) / cfg->bn * local[0], (n + cfg->bm - 1) / cfg->bm * local[1]};
        st = pb_cl_bind(k, "pb_sgemm", c->mem, 3, p, sizeof *p, msg);
        return st == PB_OK ? pb_cl_add_step(c, k, "pb_sgemm", 2, global, local, msg) : st;
    }
    return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "no sgemm tile configuration fits this device's work-group limit");
}

static pb_status pb_cl_plan_triad(pb_cl_case *c, pb_msg *msg)
{
    const pb_triad_params *p = &c->problem->params.triad;
    return pb_cl_plan_1d(c, "pb_triad", c->mem, 3, p, sizeof *p, (size_t)p->n, msg);
}

/* Pass 1: `groups` work-groups each write one partial sum; pass 2: one work-group sums them. The
 * grid is sized so that each work-item's serial slice plus the second pass's serial slice stay
 * within PB_REDUCE_MAX_CHAIN additions. */
static pb_status pb_cl_plan_reduce(pb_cl_case *c, pb_msg *msg)
{
    const pb_reduce_params *p = &c->problem->params.reduce;
    cl_kernel k1 = NULL, k2 = NULL;
    pb_status st = pb_cl_kernel(c, "pb_reduce", &k1, msg);
    if (st == PB_OK)
        st = pb_cl_kernel(c, "pb_reduce", &k2, msg);
    if (st != PB_OK)
        return st;
    size_t local = pb_cl_local_1d(c, k1);
    size_t n = p->n > 0 ? (size_t)p->n : 1;
    size_t pass1_chain = PB_REDUCE_MAX_CHAIN - PB_CL_REDUCE_PASS2_CHAIN;
    size_t min_groups = (n + local * pass1_chain - 1) / (local * pass1_chain);
    size_t max_groups = (n + local - 1) / local;
    size_t groups = (size_t)c->dev->info.compute_units * PB_CL_GROUPS_PER_UNIT;
    groups = groups > max_groups ? max_groups : groups;
    groups = groups < min_groups ? min_groups : groups;
    if (groups > local * PB_CL_REDUCE_PASS2_CHAIN)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "n = %d is too large to reduce with work-groups of %zu", p->n,
                          local);
    cl_int err;
    c->work = clCreateBuffer(c->dev->context, CL_MEM_READ_WRITE, groups * sizeof(float), NULL, &err);
    if (err != CL_SUCCESS) {
        c->work = NULL;
        return pb_cl_fail(msg, "clCreateBuffer(partial sums)", err);
    }
    const pb_reduce_params p2 = {(int)groups};
    const cl_mem pass1[2] = {c->mem[0], c->work}, pass2[2] = {c->work, c->mem[1]};
    size_t global1 = groups * local;
    st = pb_cl_bind(k1, "pb_reduce", pass1, 2, p, sizeof *p, msg);
    if (st == PB_OK)
        st = pb_cl_bind(k2, "pb_reduce", pass2, 2, &p2, sizeof p2, msg);
    if (st == PB_OK)
        st = pb_cl_add_step(c, k1, "pb_reduce", 1, &global1, &local, msg);
    return st == PB_OK ? pb_cl_add_step(c, k2, "pb_reduce", 1, &local, &local, msg) : st;
}

/* One kernel launch per step, ping-ponging so the last step writes `out` (workload.h's rule):
 * step s reads the previous step's result (the input grid for s = 0) and writes out when
 * (steps - 1 - s) is even, else tmp. */
static pb_status pb_cl_plan_stencil(pb_cl_case *c, pb_msg *msg)
{
    const pb_stencil_params *p = &c->problem->params.stencil;
    if (p->steps < 1)
        return pb_msg_set(msg, PB_ERR_INPUT, "stencil: steps must be at least 1 (got %d)", p->steps);
    const cl_mem grid = c->mem[0], out = c->mem[1], tmp = c->mem[2];
    cl_kernel first = NULL, to_out = NULL, to_tmp = NULL;
    const size_t global[2] = {(size_t)p->nx, (size_t)p->ny};
    size_t local[2];
    pb_status st = PB_OK;
    for (int s = 0; s < p->steps && st == PB_OK; s++) {
        const int writes_out = (p->steps - 1 - s) % 2 == 0;
        cl_kernel *k = s == 0 ? &first : writes_out ? &to_out : &to_tmp;
        if (!*k) {
            const cl_mem args[2] = {s == 0 ? grid : writes_out ? tmp : out, writes_out ? out : tmp};
            st = pb_cl_kernel(c, "pb_stencil", k, msg);
            if (st != PB_OK)
                break;
            st = pb_cl_bind(*k, "pb_stencil", args, 2, p, sizeof *p, msg);
            if (s == 0)
                pb_cl_local_2d(c, *k, local);
        }
        if (st == PB_OK)
            st = pb_cl_add_step(c, *k, "pb_stencil", 2, global, local, msg);
    }
    return st;
}

static pb_status pb_cl_plan_nbody(pb_cl_case *c, pb_msg *msg)
{
    const pb_nbody_params *p = &c->problem->params.nbody;
    return pb_cl_plan_1d(c, "pb_nbody", c->mem, 2, p, sizeof *p, (size_t)p->n, msg);
}

static pb_status pb_cl_plan_mandelbrot(pb_cl_case *c, pb_msg *msg)
{
    const pb_mandelbrot_params *p = &c->problem->params.mandelbrot;
    cl_kernel k;
    pb_status st = pb_cl_kernel(c, "pb_mandelbrot", &k, msg);
    if (st == PB_OK)
        st = pb_cl_bind(k, "pb_mandelbrot", c->mem, 1, p, sizeof *p, msg);
    if (st != PB_OK)
        return st;
    size_t global[2] = {(size_t)p->width, (size_t)p->height}, local[2];
    pb_cl_local_2d(c, k, local);
    return pb_cl_add_step(c, k, "pb_mandelbrot", 2, global, local, msg);
}

/* Clear the bins, then count: both kernels are part of every launch. */
static pb_status pb_cl_plan_histogram(pb_cl_case *c, pb_msg *msg)
{
    const pb_histogram_params *p = &c->problem->params.histogram;
    pb_status st = pb_cl_plan_1d(c, "pb_histogram_clear", &c->mem[1], 1, p, sizeof *p, (size_t)p->bins, msg);
    cl_kernel k;
    if (st == PB_OK)
        st = pb_cl_kernel(c, "pb_histogram", &k, msg);
    if (st == PB_OK)
        st = pb_cl_bind(k, "pb_histogram", c->mem, 2, p, sizeof *p, msg);
    if (st != PB_OK)
        return st;
    size_t local = pb_cl_local_1d(c, k);
    size_t max_groups = ((size_t)(p->n > 0 ? p->n : 1) + local - 1) / local;
    size_t groups = (size_t)c->dev->info.compute_units * PB_CL_GROUPS_PER_UNIT;
    size_t global = (groups < max_groups ? groups : max_groups) * local;
    return pb_cl_add_step(c, k, "pb_histogram", 1, &global, &local, msg);
}

typedef pb_status (*pb_cl_plan_fn)(pb_cl_case *c, pb_msg *msg);

static const pb_cl_plan_fn pb_cl_plans[PB_WL_COUNT] = {
    [PB_WL_SGEMM] = pb_cl_plan_sgemm,         [PB_WL_TRIAD] = pb_cl_plan_triad,
    [PB_WL_REDUCE] = pb_cl_plan_reduce,       [PB_WL_STENCIL] = pb_cl_plan_stencil,
    [PB_WL_NBODY] = pb_cl_plan_nbody,         [PB_WL_MANDELBROT] = pb_cl_plan_mandelbrot,
    [PB_WL_HISTOGRAM] = pb_cl_plan_histogram,
};

/* ---- the case ------------------------------------------------------------------------------------ */

static double pb_cl_mib(double bytes)
{
    return bytes / (1024.0 * 1024.0);
}

/* Refuses (as unsupported, so the runner reports the case skipped) a problem whose buffers exceed
 * what the device allows, before anything is allocated. */
static pb_status pb_cl_check_fits(const pb_cl_device *dev, const pb_problem *problem, pb_msg *msg)
{
    double total = 0;
    for (int i = 0; i < problem->nbuf; i++) {
        const pb_buffer *b = &problem->buf[i];
        total += (double)b->bytes;
        if (dev->info.max_alloc_bytes && b->bytes > dev->info.max_alloc_bytes)
            return pb_msg_set(msg, PB_ERR_UNSUPPORTED,
                              "buffer '%s' needs %.0f MiB, the device allows %.0f MiB per buffer", b->name,
                              pb_cl_mib((double)b->bytes), pb_cl_mib((double)dev->info.max_alloc_bytes));
    }
    if (dev->info.memory_bytes && total > (double)dev->info.memory_bytes)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "needs %.0f MiB, the device has %.0f MiB", pb_cl_mib(total),
                          pb_cl_mib((double)dev->info.memory_bytes));
    return PB_OK;
}

/* Writes the buffers of the given kinds from the host (blocking when `wait`). */
static pb_status pb_cl_upload(pb_cl_case *c, int with_outputs, cl_bool wait, pb_msg *msg)
{
    const pb_problem *problem = c->problem;
    for (int i = 0; i < problem->nbuf; i++) {
        const pb_buffer *b = &problem->buf[i];
        if (b->kind == PB_BUFFER_SCRATCH || (b->kind == PB_BUFFER_OUT && !with_outputs))
            continue;
        cl_int err = clEnqueueWriteBuffer(c->dev->queue, c->mem[i], wait, 0, b->bytes, b->host, 0, NULL, NULL);
        if (err != CL_SUCCESS)
            return pb_cl_fail(msg, "clEnqueueWriteBuffer", err);
    }
    return PB_OK;
}

static pb_status pb_cl_download(pb_cl_case *c, cl_bool wait, pb_msg *msg)
{
    const pb_problem *problem = c->problem;
    for (int i = 0; i < problem->nbuf; i++) {
        const pb_buffer *b = &problem->buf[i];
        if (b->kind != PB_BUFFER_OUT)
            continue;
        cl_int err = clEnqueueReadBuffer(c->dev->queue, c->mem[i], wait, 0, b->bytes, b->host, 0, NULL, NULL);
        if (err != CL_SUCCESS)
            return pb_cl_fail(msg, "clEnqueueReadBuffer", err);
    }
    return PB_OK;
}

void pb_cl_case_destroy(void *kase)
{
    pb_cl_case *c = kase;
    if (!c)
        return;
    for (int i = 0; i < c->nkernels; i++)
        clReleaseKernel(c->kernels[i]);
    for (int i = 0; i < PB_MAX_BUFFERS; i++) {
        if (c->mem[i])
            clReleaseMemObject(c->mem[i]);
    }
    if (c->work)
        clReleaseMemObject(c->work);
    free(c->steps);
    free(c);
}

pb_status pb_cl_case_create(void *opaque, const pb_variant *variant, pb_problem *problem, void **kase, pb_msg *msg)
{
    pb_cl_ctx *ctx = opaque;
    if (variant->device < 0 || variant->device >= ctx->ndevices)
        return pb_msg_set(msg, PB_ERR_USAGE, "opencl has no device %d", variant->device);
    if ((unsigned)problem->id >= PB_WL_COUNT || !pb_cl_plans[problem->id])
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "opencl has no kernel for this workload");
    pb_cl_device *dev = &ctx->devices[variant->device];
    pb_status st = pb_cl_check_fits(dev, problem, msg);
    if (st == PB_OK)
        st = pb_cl_device_open(dev, msg);
    if (st != PB_OK)
        return st;
    pb_cl_case *c = calloc(1, sizeof *c);
    if (!c)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    c->dev = dev;
    c->problem = problem;
    c->config = ctx->sgemm_config >= 0 ? ctx->sgemm_config : pb_cl_sgemm_config_for(dev);
    for (int i = 0; i < problem->nbuf && st == PB_OK; i++) {
        cl_int err;
        c->mem[i] = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, problem->buf[i].bytes, NULL, &err);
        if (err != CL_SUCCESS) {
            c->mem[i] = NULL;
            st = pb_cl_fail(msg, "clCreateBuffer", err);
        }
    }
    if (st == PB_OK)
        st = pb_cl_plans[problem->id](c, msg);
    if (st == PB_OK)
        st = pb_cl_upload(c, 1, CL_TRUE, msg);
    if (st != PB_OK) {
        pb_cl_case_destroy(c);
        return st;
    }
    *kase = c;
    return PB_OK;
}

static pb_status pb_cl_enqueue(pb_cl_case *c, const pb_cl_step *s, cl_event *event, pb_msg *msg)
{
    cl_int err = clEnqueueNDRangeKernel(c->dev->queue, s->kernel, s->dims, NULL, s->global, s->local, 0, NULL, event);
    if (err != CL_SUCCESS)
        return pb_msg_set(msg, PB_ERR_BACKEND, "clEnqueueNDRangeKernel(%s) failed: %s (%d)", s->name,
                          pb_cl_error_name(err), (int)err);
    return PB_OK;
}

static int pb_cl_cmp_span(const void *x, const void *y)
{
    cl_ulong a = ((const cl_ulong *)x)[0], b = ((const cl_ulong *)y)[0];
    return (a > b) - (a < b);
}

/* Waits for the events, adds the device time they cover to *ns and releases them. The time covered
 * is the union of their [start, end] spans, not the sum of their lengths: PoCL's CPU device marks a
 * command started while the one before it still runs, so summed lengths counted overlapping time
 * twice and made kernel-only times longer than end-to-end ones. */
static pb_status pb_cl_collect(cl_event *events, int n, double *ns, pb_msg *msg)
{
    cl_int err = n > 0 ? clWaitForEvents((cl_uint)n, events) : CL_SUCCESS;
    const char *call = "clWaitForEvents";
    cl_ulong spans[PB_CL_EVENT_BATCH][2];
    int m = 0;
    for (int i = 0; i < n; i++) {
        cl_ulong start = 0, end = 0;
        if (err == CL_SUCCESS) {
            call = "clGetEventProfilingInfo";
            err = clGetEventProfilingInfo(events[i], CL_PROFILING_COMMAND_START, sizeof start, &start, NULL);
            if (err == CL_SUCCESS)
                err = clGetEventProfilingInfo(events[i], CL_PROFILING_COMMAND_END, sizeof end, &end, NULL);
            if (err == CL_SUCCESS && end > start) {
                spans[m][0] = start;
                spans[m][1] = end;
                m++;
            }
        }
        clReleaseEvent(events[i]);
    }
    qsort(spans, (size_t)m, sizeof spans[0], pb_cl_cmp_span);
    for (int i = 0; i < m;) {
        cl_ulong from = spans[i][0], to = spans[i][1];
        for (i++; i < m && spans[i][0] <= to; i++)
            to = spans[i][1] > to ? spans[i][1] : to;
        *ns += (double)(to - from);
    }
    return err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, call, err);
}

/* Kernel time from the profiling events: the device time covered by every kernel of every launch. */
pb_status pb_cl_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    pb_cl_case *c = kase;
    cl_event events[PB_CL_EVENT_BATCH];
    int pending = 0;
    double ns = 0;
    pb_status st = PB_OK;
    for (int l = 0; l < launches && st == PB_OK; l++) {
        for (int s = 0; s < c->nsteps && st == PB_OK; s++) {
            st = pb_cl_enqueue(c, &c->steps[s], &events[pending], msg);
            if (st == PB_OK && ++pending == PB_CL_EVENT_BATCH) {
                st = pb_cl_collect(events, pending, &ns, msg);
                pending = 0;
            }
        }
    }
    pb_status collected = pb_cl_collect(events, pending, &ns, st == PB_OK ? msg : NULL);
    if (st == PB_OK)
        st = collected;
    if (st != PB_OK)
        return st;
    *seconds = ns * 1e-9;
    *device_timer = 1;
    return PB_OK;
}

/* Host clock around: upload the inputs, every kernel of one launch, download the outputs. */
pb_status pb_cl_case_e2e(void *kase, double *seconds, pb_msg *msg)
{
    pb_cl_case *c = kase;
    double start = pb_time_now();
    pb_status st = pb_cl_upload(c, 0, CL_FALSE, msg);
    for (int s = 0; s < c->nsteps && st == PB_OK; s++)
        st = pb_cl_enqueue(c, &c->steps[s], NULL, msg);
    if (st == PB_OK)
        st = pb_cl_download(c, CL_FALSE, msg);
    cl_int err = clFinish(c->dev->queue);
    if (st == PB_OK && err != CL_SUCCESS)
        st = pb_cl_fail(msg, "clFinish", err);
    if (st == PB_OK)
        *seconds = pb_time_now() - start;
    return st;
}

pb_status pb_cl_case_read(void *kase, pb_msg *msg)
{
    return pb_cl_download(kase, CL_TRUE, msg);
}
