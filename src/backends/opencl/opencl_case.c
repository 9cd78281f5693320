/* One OpenCL case: device buffers, and the launch plan of its workload (kernels/pb_launch.h), or of
 * a ceiling probe, as kernels with their arguments bound, ready to enqueue. */
#include "opencl_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../../../kernels/pb_launch.h"
#include "../../core/timer.h"

/* A timed batch keeps at most PB_CL_EVENT_RING kernels' events; when they are all pending, the
 * oldest PB_CL_EVENT_BATCH are read back and released, so a long batch holds bounded memory while
 * the device still has the rest queued. */
#define PB_CL_EVENT_RING 4096
#define PB_CL_EVENT_BATCH 256

/* One enqueue of the plan: a kernel with its arguments bound, and its NDRange. */
typedef struct pb_cl_step {
    cl_kernel kernel;
    const char *name;
    cl_uint dims;
    size_t global[3];
    size_t local[3];
} pb_cl_step;

typedef struct pb_cl_case {
    pb_cl_device *dev;
    pb_problem *problem;  /* NULL in a case made from a plan (pb_cl_case_from_plan) */
    cl_mem mem[PB_MAX_BUFFERS];
    cl_mem work;          /* the plan's workspace (the reduce's per-group partial sums) */
    cl_kernel *kernels;   /* every kernel object the steps use, each once */
    int nkernels;
    int config;           /* sgemm tile shape of the program in use */
    pb_launch_plan plan;
    pb_cl_step *steps;    /* plan.nsteps of them */
    cl_event ring[PB_CL_EVENT_RING]; /* the pending kernels of a timed batch */
    int batch_valid;      /* the last timed batch was measured: the next two hold it */
    double batch_busy_s;  /* the union of its kernels' spans */
    double batch_span_s;  /* its first kernel's start to its last one's end */
} pb_cl_case;

static unsigned pb_cl_unsigned(size_t n)
{
    return n > 0xFFFFFFFFu ? 0xFFFFFFFFu : (unsigned)n;
}

/* The device's limits, as the plan reads them; the kernels' own come from pb_cl_kernel_limits. */
static void pb_cl_device_limits(const pb_cl_device *dev, pb_launch_limits *lim)
{
    memset(lim, 0, sizeof *lim);
    lim->max_group = pb_cl_unsigned(dev->max_work_group);
    for (int d = 0; d < 3; d++)
        lim->max_items[d] = pb_cl_unsigned(dev->max_item_sizes[d]);
    lim->compute_units = (unsigned)dev->info.compute_units;
    lim->local_mem = dev->local_mem;
    lim->cpu = dev->info.type == PB_DEVICE_CPU;
}

int pb_cl_first_config(const pb_cl_ctx *ctx, const pb_cl_device *dev)
{
    pb_launch_limits device_limits;
    pb_cl_device_limits(dev, &device_limits);
    return ctx->sgemm_config >= 0 ? ctx->sgemm_config : pb_launch_sgemm_tile_for(&device_limits);
}

/* Creates kernel `name` from the program of sgemm shape `config`; the caller releases it. */
static pb_status pb_cl_kernel_create(pb_cl_device *dev, int config, const char *name, cl_kernel *out, pb_msg *msg)
{
    cl_program program;
    pb_status st = pb_cl_program_get(dev, config, &program, msg);
    if (st != PB_OK)
        return st;
    cl_int err;
    *out = clCreateKernel(program, name, &err);
    return err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, "clCreateKernel", err);
}

/* The device's limits, and what each of the kernels `used` allows (CL_KERNEL_WORK_GROUP_SIZE) when
 * built with sgemm shape `config`; refuses a kernel whose local arrays exceed the device's local
 * memory. */
pb_status pb_cl_launch_limits(pb_cl_device *dev, int config, const pb_launch_kernel *used, int nused,
                              pb_launch_limits *lim, pb_msg *msg)
{
    pb_cl_device_limits(dev, lim);
    for (int i = 0; i < nused; i++) {
        const char *name = pb_launch_kernel_name(used[i]);
        cl_kernel k;
        pb_status st = pb_cl_kernel_create(dev, config, name, &k, msg);
        if (st != PB_OK)
            return st;
        size_t kernel_max = 0;
        cl_ulong local_mem = 0;
        if (clGetKernelWorkGroupInfo(k, dev->id, CL_KERNEL_WORK_GROUP_SIZE, sizeof kernel_max, &kernel_max,
                                     NULL) == CL_SUCCESS)
            lim->kernel_max[used[i]] = pb_cl_unsigned(kernel_max);
        cl_int err = clGetKernelWorkGroupInfo(k, dev->id, CL_KERNEL_LOCAL_MEM_SIZE, sizeof local_mem, &local_mem,
                                              NULL);
        clReleaseKernel(k);
        if (err == CL_SUCCESS && local_mem > dev->local_mem)
            return pb_msg_set(msg, PB_ERR_UNSUPPORTED,
                              "kernel %s needs %llu bytes of local memory, the device has %llu", name,
                              (unsigned long long)local_mem, (unsigned long long)dev->local_mem);
    }
    return PB_OK;
}

/* The limits of the workload's kernels, built with the case's sgemm shape. For sgemm, the shape
 * moves down the ladder while the kernel built with it allows fewer work-items than it needs
 * (register-heavy kernels can). */
static pb_status pb_cl_limits(pb_cl_case *c, pb_launch_limits *lim, pb_msg *msg)
{
    pb_launch_kernel used[2];
    const int nused = pb_launch_workload_kernels((int)c->problem->id, used);
    pb_status st;
    for (;;) {
        st = pb_cl_launch_limits(c->dev, c->config, used, nused, lim, msg);
        const unsigned sgemm_max = lim->kernel_max[PB_LK_SGEMM];
        if (st != PB_OK || c->problem->id != PB_WL_SGEMM || c->config == PB_LAUNCH_SGEMM_TILES - 1 || !sgemm_max ||
            pb_launch_sgemm_tile_fits(c->config, sgemm_max))
            break;
        c->config++;
    }
    lim->sgemm_tile = c->config;
    return st;
}

/* The kernel object for step i: that of an earlier step with the same kernel, bindings and params
 * (the stencil's repeated steps), else a new one with its arguments bound. */
static pb_status pb_cl_step_kernel(pb_cl_case *c, int i, cl_kernel *out, pb_msg *msg)
{
    const pb_launch_step *s = &c->plan.steps[i];
    for (int j = 0; j < i; j++) {
        const pb_launch_step *t = &c->plan.steps[j];
        if (t->kernel == s->kernel && t->nbind == s->nbind && memcmp(t->bind, s->bind, sizeof s->bind) == 0 &&
            t->params_size == s->params_size && memcmp(t->params, s->params, s->params_size) == 0) {
            *out = c->steps[j].kernel;
            return PB_OK;
        }
    }
    const char *name = pb_launch_kernel_name(s->kernel);
    cl_kernel k;
    pb_status st = pb_cl_kernel_create(c->dev, c->config, name, &k, msg);
    if (st != PB_OK)
        return st;
    c->kernels[c->nkernels++] = k;
    cl_int err = CL_SUCCESS;
    for (int b = 0; b < s->nbind && err == CL_SUCCESS; b++) {
        const cl_mem *mem = s->bind[b] == PB_LAUNCH_BIND_WORK ? &c->work : &c->mem[s->bind[b]];
        err = clSetKernelArg(k, (cl_uint)b, sizeof(cl_mem), mem);
    }
    if (err == CL_SUCCESS)
        err = clSetKernelArg(k, (cl_uint)s->nbind, s->params_size, s->params);
    if (err != CL_SUCCESS)
        return pb_msg_set(msg, PB_ERR_BACKEND, "clSetKernelArg(%s) failed: %s (%d)", name, pb_cl_error_name(err),
                          (int)err);
    *out = k;
    return PB_OK;
}

/* Turns each step of the case's plan into an enqueue: its workspace, and kernels with their
 * arguments bound. */
static pb_status pb_cl_bind(pb_cl_case *c, pb_msg *msg)
{
    pb_status st = PB_OK;
    cl_int err = CL_SUCCESS;
    if (c->plan.work_bytes)
        c->work = clCreateBuffer(c->dev->context, CL_MEM_READ_WRITE, c->plan.work_bytes, NULL, &err);
    if (err != CL_SUCCESS) {
        c->work = NULL;
        return pb_cl_fail(msg, "clCreateBuffer(workspace)", err);
    }
    c->steps = calloc((size_t)c->plan.nsteps, sizeof *c->steps);
    c->kernels = calloc((size_t)c->plan.nsteps, sizeof *c->kernels);
    if (!c->steps || !c->kernels)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory planning launches");
    for (int i = 0; i < c->plan.nsteps && st == PB_OK; i++) {
        const pb_launch_step *s = &c->plan.steps[i];
        pb_cl_step *step = &c->steps[i];
        step->name = pb_launch_kernel_name(s->kernel);
        step->dims = s->dims;
        for (unsigned d = 0; d < s->dims; d++) {
            step->local[d] = s->local[d];
            step->global[d] = (size_t)s->groups[d] * s->local[d];
        }
        st = pb_cl_step_kernel(c, i, &step->kernel, msg);
    }
    return st;
}

/* Plans the launch from the device's and kernels' limits, then binds it. */
static pb_status pb_cl_plan(pb_cl_case *c, pb_msg *msg)
{
    pb_launch_limits lim;
    pb_status st = pb_cl_limits(c, &lim, msg);
    if (st == PB_OK)
        st = pb_launch_plan_make(c->problem, &lim, &c->plan, msg);
    return st == PB_OK ? pb_cl_bind(c, msg) : st;
}

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
    free(c->kernels);
    pb_launch_plan_free(&c->plan);
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
    pb_launch_kernel used[2];
    if (pb_launch_workload_kernels((int)problem->id, used) == 0)
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
    c->config = pb_cl_first_config(ctx, dev);
    for (int i = 0; i < problem->nbuf && st == PB_OK; i++) {
        cl_int err;
        c->mem[i] = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, problem->buf[i].bytes, NULL, &err);
        if (err != CL_SUCCESS) {
            c->mem[i] = NULL;
            st = pb_cl_fail(msg, "clCreateBuffer", err);
        }
    }
    if (st == PB_OK)
        st = pb_cl_plan(c, msg);
    if (st == PB_OK)
        st = pb_cl_upload(c, 1, CL_TRUE, msg);
    if (st != PB_OK) {
        pb_cl_case_destroy(c);
        return st;
    }
    *kase = c;
    return PB_OK;
}

pb_status pb_cl_case_from_plan(pb_cl_device *dev, int config, const cl_mem mem[PB_MAX_BUFFERS], pb_launch_plan *plan,
                               void **kase, pb_msg *msg)
{
    pb_cl_case *c = calloc(1, sizeof *c);
    if (!c)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    c->dev = dev;
    c->config = config;
    c->plan = *plan;
    memset(plan, 0, sizeof *plan);
    pb_status st = PB_OK;
    for (int i = 0; i < PB_MAX_BUFFERS && st == PB_OK; i++) {
        const cl_int err = mem[i] ? clRetainMemObject(mem[i]) : CL_SUCCESS;
        c->mem[i] = err == CL_SUCCESS ? mem[i] : NULL;
        st = err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, "clRetainMemObject", err);
    }
    if (st == PB_OK)
        st = pb_cl_bind(c, msg);
    if (st != PB_OK) {
        pb_cl_case_destroy(c);
        return st;
    }
    *kase = c;
    return PB_OK;
}

static pb_status pb_cl_enqueue(pb_cl_case *c, const pb_cl_step *s, cl_uint nwait, const cl_event *wait,
                               cl_event *event, pb_msg *msg)
{
    cl_int err = clEnqueueNDRangeKernel(c->dev->queue, s->kernel, s->dims, NULL, s->global, s->local, nwait, wait,
                                        event);
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

/* The device time a batch's kernels cover, gathered as their events are read back in enqueue
 * order: the union of their [start, end] spans (`busy`, with the interval still open in
 * [from, to]), and the first start and last end. The union, not the sum of lengths: PoCL's CPU
 * device marks a command started while the one before it still runs, so summed lengths counted
 * overlapping time twice and made kernel-only times longer than end-to-end ones. */
typedef struct pb_cl_spans {
    double busy;
    cl_ulong from, to, first, last;
    int any;
} pb_cl_spans;

static void pb_cl_spans_add(pb_cl_spans *acc, cl_ulong start, cl_ulong end)
{
    if (!acc->any) {
        acc->any = 1;
        acc->from = acc->first = start;
        acc->to = acc->last = end;
        return;
    }
    acc->first = start < acc->first ? start : acc->first;
    acc->last = end > acc->last ? end : acc->last;
    if (start <= acc->to) {
        acc->to = end > acc->to ? end : acc->to;
        return;
    }
    acc->busy += (double)(acc->to - acc->from);
    acc->from = start;
    acc->to = end;
}

static double pb_cl_spans_busy(const pb_cl_spans *acc)
{
    return acc->any ? acc->busy + (double)(acc->to - acc->from) : 0;
}

/* Waits for n <= PB_CL_EVENT_BATCH events, adds their spans to `acc` and releases them. */
static pb_status pb_cl_collect(cl_event *events, int n, pb_cl_spans *acc, pb_msg *msg)
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
    for (int i = 0; i < m; i++)
        pb_cl_spans_add(acc, spans[i][0], spans[i][1]);
    return err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, call, err);
}

/* Collects the oldest `n` of the `pending` events of the ring and moves the rest down. */
static pb_status pb_cl_collect_oldest(pb_cl_case *c, int n, int *pending, pb_cl_spans *acc, pb_msg *msg)
{
    pb_status st = PB_OK;
    for (int done = 0; done < n; done += PB_CL_EVENT_BATCH) {
        const int k = n - done < PB_CL_EVENT_BATCH ? n - done : PB_CL_EVENT_BATCH;
        pb_status got = pb_cl_collect(&c->ring[done], k, acc, st == PB_OK ? msg : NULL);
        st = st == PB_OK ? got : st;
    }
    memmove(c->ring, &c->ring[n], (size_t)(*pending - n) * sizeof c->ring[0]);
    *pending -= n;
    return st;
}

/* Opens the gate: the user event the batch's first kernel waits on. */
static pb_status pb_cl_gate_open(cl_event *gate, pb_msg *msg)
{
    if (!*gate)
        return PB_OK;
    cl_int err = clSetUserEventStatus(*gate, CL_COMPLETE);
    clReleaseEvent(*gate);
    *gate = NULL;
    return err == CL_SUCCESS ? PB_OK : pb_cl_fail(msg, "clSetUserEventStatus", err);
}

/* Queues every kernel of `launches` launches behind a closed gate (a user event the first kernel
 * waits on; the in-order queue holds the rest behind it), and opens it once the batch is queued
 * or the ring is full, so the device runs the batch back to back instead of at the pace the host
 * queues it. Batches longer than the ring run on while the host tops the queue up. */
static pb_status pb_cl_enqueue_batch(pb_cl_case *c, int launches, pb_cl_spans *acc, pb_msg *msg)
{
    cl_int err;
    cl_event gate = clCreateUserEvent(c->dev->context, &err);
    if (err != CL_SUCCESS)
        return pb_cl_fail(msg, "clCreateUserEvent", err);
    int pending = 0;
    pb_status st = PB_OK;
    for (int l = 0; l < launches && st == PB_OK; l++) {
        for (int s = 0; s < c->plan.nsteps && st == PB_OK; s++) {
            if (pending == PB_CL_EVENT_RING) {
                st = pb_cl_gate_open(&gate, msg);
                if (st == PB_OK)
                    st = pb_cl_collect_oldest(c, PB_CL_EVENT_BATCH, &pending, acc, msg);
                if (st != PB_OK)
                    break;
            }
            const int first = l == 0 && s == 0;
            st = pb_cl_enqueue(c, &c->steps[s], first ? 1 : 0, first ? &gate : NULL, &c->ring[pending], msg);
            pending += st == PB_OK;
        }
    }
    /* Opened on failure too: the kernels queued behind it must run before their events are read. */
    pb_status opened = pb_cl_gate_open(&gate, st == PB_OK ? msg : NULL);
    st = st == PB_OK ? opened : st;
    pb_status collected = pb_cl_collect_oldest(c, pending, &pending, acc, st == PB_OK ? msg : NULL);
    return st == PB_OK ? collected : st;
}

/* Kernel time from the profiling events: the device time covered by every kernel of every launch.
 * The batch's busy time and span are kept for pb_cl_case_batch_info. */
pb_status pb_cl_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    pb_cl_case *c = kase;
    pb_cl_spans acc;
    memset(&acc, 0, sizeof acc);
    c->batch_valid = 0;
    pb_status st = pb_cl_enqueue_batch(c, launches, &acc, msg);
    if (st != PB_OK)
        return st;
    const double busy = pb_cl_spans_busy(&acc) * 1e-9;
    c->batch_valid = acc.any;
    c->batch_busy_s = busy;
    c->batch_span_s = acc.any ? (double)(acc.last - acc.first) * 1e-9 : 0;
    *seconds = busy;
    *device_timer = 1;
    return PB_OK;
}

pb_status pb_cl_case_batch_info(void *kase, double *busy_s, double *span_s)
{
    const pb_cl_case *c = kase;
    if (!c->batch_valid)
        return PB_ERR_UNSUPPORTED;
    *busy_s = c->batch_busy_s;
    *span_s = c->batch_span_s;
    return PB_OK;
}

/* Host clock around: upload the inputs, every kernel of one launch, download the outputs. */
pb_status pb_cl_case_e2e(void *kase, double *seconds, pb_msg *msg)
{
    pb_cl_case *c = kase;
    double start = pb_time_now();
    pb_status st = pb_cl_upload(c, 0, CL_FALSE, msg);
    for (int s = 0; s < c->plan.nsteps && st == PB_OK; s++)
        st = pb_cl_enqueue(c, &c->steps[s], 0, NULL, NULL, msg);
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
