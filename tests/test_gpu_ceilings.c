/* The GPU ceiling probes (kernels/pb_ceiling.h, kernels/ceiling.pbk): each check refuses a
 * corrupted output; the sizes follow the device; the probes' driver, run on a device emulated in
 * host memory, fills every number on success and leaves them unchanged when a probe fails; every
 * backend with the ceilings slot measures its devices here (PoCL's through opencl) at the tiny
 * preset; cuda without a GPU refuses cleanly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../kernels/pb_ceiling.h"
#include "../src/backends/backend.h"
#include "pbcase.h"
#include "pbtest.h"

#ifdef HAVE_CUDA
#include "../src/backends/cuda/cuda_backend.h"
#endif

#define MIB ((uint64_t)1 << 20)

/* ---- the checks --------------------------------------------------------------------------------- */

/* The FMA probe's output written independently of the check: every chain stepped in turn. */
static float fma_output(const pb_ceiling_fma_params *p, int item)
{
    float x[PB_CEILING_FMA_CHAINS], sum[PB_CEILING_FMA_CHAINS];
    for (int c = 0; c < PB_CEILING_FMA_CHAINS; c++) {
        x[c] = 1.0f + (float)((item * PB_CEILING_FMA_CHAINS + c) % 1024) / 1024.0f;
        for (int k = 0; k < 4 * p->iterations; k++)
            x[c] = fmaf(x[c], p->a, p->b);
        sum[c] = x[c];
    }
    for (int width = PB_CEILING_FMA_CHAINS / 2; width > 0; width /= 2)
        for (int c = 0; c < width; c++)
            sum[c] = sum[2 * c] + sum[2 * c + 1];
    return sum[0];
}

static void test_checks_refuse_corruption(void)
{
    pb_msg msg = {""};
    const pb_ceiling_fma_params fma = {100, 8, PB_CEILING_FMA_A, PB_CEILING_FMA_B};
    float got[64];
    for (int i = 0; i < 64; i++)
        got[i] = fma_output(&fma, 30 + i);
    CHECK_MSG(pb_ceiling_check_fma(&fma, 30, 64, got, &msg) == PB_OK, "%s", msg.text);
    /* The chains move on every step: one step fewer is another value. */
    const pb_ceiling_fma_params fewer = {100, 7, PB_CEILING_FMA_A, PB_CEILING_FMA_B};
    CHECK(pb_ceiling_check_fma(&fewer, 30, 64, got, &msg) == PB_ERR_VERIFY);
    got[17] = nextafterf(got[17], 0.0f);
    CHECK(pb_ceiling_check_fma(&fma, 30, 64, got, &msg) == PB_ERR_VERIFY);
    CHECK_MSG(strstr(msg.text, "FMA") && strstr(msg.text, "work-item 47"), "%s", msg.text);

    /* 10 float4 of the input, (i mod 8) + 1, summed by three groups. */
    const pb_ceiling_read_params read = {10};
    float partials[3] = {0, 0, 0};
    for (int i = 0; i < 40; i++)
        partials[i / 16] += pb_ceiling_input(i);
    CHECK_MSG(pb_ceiling_check_read(&read, partials, 3, &msg) == PB_OK, "%s", msg.text);
    partials[2] += 1.0f;
    CHECK(pb_ceiling_check_read(&read, partials, 3, &msg) == PB_ERR_VERIFY);
    CHECK_MSG(strstr(msg.text, "read") != NULL, "%s", msg.text);
    partials[2] = NAN;
    CHECK(pb_ceiling_check_read(&read, partials, 3, &msg) == PB_ERR_VERIFY);

    const pb_ceiling_triad_params triad = {1000, PB_CEILING_TRIAD_SCALAR};
    float a[256];
    for (int i = 0; i < 256; i++)
        a[i] = (float)((500 + i) % 8 + 1) + 3.0f * (float)((500 + i + PB_CEILING_C_SHIFT) % 8 + 1);
    CHECK_MSG(pb_ceiling_check_triad(&triad, 500, 256, a, &msg) == PB_OK, "%s", msg.text);
    /* c read from b's place: a = b + s b. */
    a[9] = (float)((509 % 8) + 1) * 4.0f;
    CHECK(pb_ceiling_check_triad(&triad, 500, 256, a, &msg) == PB_ERR_VERIFY);
    CHECK_MSG(strstr(msg.text, "a[509]") != NULL, "%s", msg.text);
}

/* Four times the last-level cache, 64 MiB to 1 GiB, the three arrays within a quarter of the
 * device's memory and each within its largest buffer; 4 MiB at tiny; work-items per unit. */
static void test_sizes_follow_the_device(void)
{
    pb_device_info info;
    memset(&info, 0, sizeof info);
    pb_launch_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.compute_units = 132;
    pb_ceiling_sizes s;
    info.llc_bytes = 50 * MIB;
    pb_ceiling_sizes_for(PB_PRESET_STANDARD, &info, &lim, &s);
    CHECK(s.floats * 4 == (int64_t)(200 * MIB) && s.fma_items == 132 * 16384 && s.repeats >= 2 && s.sample_s > 0);
    pb_ceiling_sizes_for(PB_PRESET_TINY, &info, &lim, &s);
    CHECK(s.floats * 4 == (int64_t)(4 * MIB));
    info.llc_bytes = 0;
    pb_ceiling_sizes_for(PB_PRESET_QUICK, &info, &lim, &s);
    CHECK(s.floats * 4 == (int64_t)(64 * MIB));
    info.llc_bytes = 1024 * MIB;
    pb_ceiling_sizes_for(PB_PRESET_LARGE, &info, &lim, &s);
    CHECK(s.floats * 4 == (int64_t)(1024 * MIB));
    info.memory_bytes = 1200 * MIB;
    pb_ceiling_sizes_for(PB_PRESET_STANDARD, &info, &lim, &s);
    CHECK(s.floats * 4 == (int64_t)(100 * MIB));
    info.max_alloc_bytes = 10 * MIB + 7;
    pb_ceiling_sizes_for(PB_PRESET_STANDARD, &info, &lim, &s);
    CHECK(s.floats * 4 == (int64_t)(10 * MIB) && s.floats % 4 == 0);
    lim.compute_units = 0;
    pb_ceiling_sizes_for(PB_PRESET_STANDARD, &info, &lim, &s);
    CHECK(s.fma_items == 8 * 16384);
}

/* ---- the driver, on a device emulated in host memory ---------------------------------------------- */

/* Runs the bound probe's kernel as plain C, once per run() whatever the launch count (the outputs
 * do not change from launch to launch), and reports a millisecond per launch. `spoil` names a probe
 * whose output it corrupts after running it; `idle` runs nothing. */
typedef struct host_device {
    float *buf[PB_LAUNCH_PROBE_BUFFERS];
    size_t bytes[PB_LAUNCH_PROBE_BUFFERS];
    pb_launch_plan plan;
    int spoil;
    int idle;
    int no_timer;
    int refuse;
    int runs;
} host_device;

static pb_status host_alloc(void *self, const size_t bytes[PB_LAUNCH_PROBE_BUFFERS], pb_msg *msg)
{
    host_device *h = self;
    if (h->refuse)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "the probes do not fit this device");
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++) {
        h->buf[i] = malloc(bytes[i]);
        h->bytes[i] = bytes[i];
        if (!h->buf[i])
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory");
    }
    return PB_OK;
}

static pb_status host_poison(void *self, int buf, pb_msg *msg)
{
    host_device *h = self;
    (void)msg;
    memset(h->buf[buf], 0xFF, h->bytes[buf]);
    return PB_OK;
}

static pb_status host_upload(void *self, int buf, const float *host, size_t count, pb_msg *msg)
{
    (void)msg;
    memcpy(((host_device *)self)->buf[buf], host, count * sizeof(float));
    return PB_OK;
}

static pb_status host_bind(void *self, pb_launch_plan *plan, pb_msg *msg)
{
    host_device *h = self;
    (void)msg;
    pb_launch_plan_free(&h->plan);
    h->plan = *plan;
    memset(plan, 0, sizeof *plan);
    return PB_OK;
}

static void host_kernel(host_device *h, const pb_launch_step *s)
{
    float *out = h->buf[PB_LAUNCH_PROBE_OUT], *a = h->buf[PB_LAUNCH_PROBE_A];
    const float *b = h->buf[PB_LAUNCH_PROBE_B], *c = h->buf[PB_LAUNCH_PROBE_C];
    pb_ceiling_fma_params fma;
    pb_ceiling_read_params read;
    pb_ceiling_triad_params triad;
    if (s->kernel == pb_launch_probe_kernel(PB_LAUNCH_PROBE_FMA)) {
        memcpy(&fma, s->params, sizeof fma);
        for (int i = 0; i < fma.n; i++)
            out[i] = fma_output(&fma, i);
    } else if (s->kernel == pb_launch_probe_kernel(PB_LAUNCH_PROBE_READ)) {
        memcpy(&read, s->params, sizeof read);
        const int64_t groups = s->groups[0], chunk = (4 * (int64_t)read.n + groups - 1) / groups;
        for (int64_t g = 0; g < groups; g++) {
            out[g] = 0;
            for (int64_t i = g * chunk; i < (g + 1) * chunk && i < 4 * (int64_t)read.n; i++)
                out[g] += b[i];
        }
    } else {
        memcpy(&triad, s->params, sizeof triad);
        for (int64_t i = 0; i < 4 * (int64_t)triad.n; i++)
            a[i] = b[i] + triad.scalar * c[i];
    }
}

static pb_status host_run(void *self, int launches, double *seconds, pb_msg *msg)
{
    host_device *h = self;
    (void)msg;
    const pb_launch_step *s = &h->plan.steps[0];
    if (!h->idle)
        host_kernel(h, s);
    if (h->spoil >= 0 && s->kernel == pb_launch_probe_kernel((pb_launch_probe_id)h->spoil))
        h->buf[h->spoil == PB_LAUNCH_PROBE_TRIAD ? PB_LAUNCH_PROBE_A : PB_LAUNCH_PROBE_OUT][0] += 1.0f;
    h->runs++;
    *seconds = h->no_timer ? 0 : 1e-3 * launches;
    return PB_OK;
}

static pb_status host_read(void *self, int buf, size_t first, size_t count, float *out, pb_msg *msg)
{
    (void)msg;
    memcpy(out, ((host_device *)self)->buf[buf] + first, count * sizeof(float));
    return PB_OK;
}

/* Measures on a host device with one compute unit and no memory facts (the tiny sizes): the
 * status, with *out and `h` left for the caller to look at. */
static pb_status host_measure(host_device *h, pb_ceilings *out, pb_msg *msg)
{
    const pb_ceiling_device dev = {h, host_alloc, host_poison, host_upload, host_bind, host_run, host_read};
    pb_launch_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.compute_units = 1;
    pb_device_info info;
    memset(&info, 0, sizeof info);
    const pb_status st = pb_ceiling_measure(&dev, &lim, &info, PB_PRESET_TINY, out, msg);
    for (int i = 0; i < PB_LAUNCH_PROBE_BUFFERS; i++)
        free(h->buf[i]);
    pb_launch_plan_free(&h->plan);
    return st;
}

static void test_measure_on_a_host_device(void)
{
    host_device h;
    memset(&h, 0, sizeof h);
    h.spoil = -1;
    pb_ceilings c;
    memset(&c, 0, sizeof c);
    pb_msg msg = {""};
    CHECK_MSG(host_measure(&h, &c, &msg) == PB_OK, "%s", msg.text);
    /* Every sample at a millisecond a launch: the numbers are the work of one launch per ms. */
    pb_ceiling_sizes s;
    pb_launch_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.compute_units = 1;
    pb_device_info info;
    memset(&info, 0, sizeof info);
    pb_ceiling_sizes_for(PB_PRESET_TINY, &info, &lim, &s);
    const double flops = 2.0 * PB_CEILING_FMA_CHAINS * 4 * s.fma_iterations * s.fma_items;
    CHECK_MSG(fabs(c.fp32_gflops - flops / 1e-3 * 1e-9) < 1e-9 * c.fp32_gflops, "%g", c.fp32_gflops);
    CHECK(fabs(c.read_gbs - 4.0 * (double)s.floats / 1e-3 * 1e-9) < 1e-9 * c.read_gbs);
    CHECK(fabs(c.triad_gbs - 3 * c.read_gbs) < 1e-9 * c.triad_gbs);
    CHECK(c.bandwidth_gbs == c.triad_gbs && c.triad_nt_gbs == 0 && c.threads == 0 && c.seconds > 0);
    CHECK_MSG(strstr(c.method, "FMA chains") && strstr(c.method, "3 x 4 MiB") && strstr(c.method, "tiny preset"),
              "%s", c.method);
    CHECK_MSG(h.runs == PB_LAUNCH_PROBE_COUNT * (2 + s.repeats), "%d runs", h.runs);

    /* Each probe's output spoilt in turn, then nothing run at all: refused, *out untouched. */
    static const char *const names[PB_LAUNCH_PROBE_COUNT] = {"FMA", "read", "triad"};
    for (int spoil = -1; spoil < PB_LAUNCH_PROBE_COUNT; spoil++) {
        memset(&h, 0, sizeof h);
        h.spoil = spoil;
        h.idle = spoil < 0;
        pb_ceilings before, after;
        memset(&before, 0x5A, sizeof before);
        after = before;
        CHECK(host_measure(&h, &after, &msg) == PB_ERR_VERIFY);
        CHECK_MSG(strstr(msg.text, names[spoil < 0 ? 0 : spoil]) != NULL, "%s", msg.text);
        CHECK(memcmp(&before, &after, sizeof before) == 0);
    }
    /* A timer that measures nothing, and a device the probes do not fit. */
    memset(&h, 0, sizeof h);
    h.spoil = -1;
    h.no_timer = 1;
    CHECK(host_measure(&h, &c, &msg) == PB_ERR_BACKEND);
    CHECK_MSG(strstr(msg.text, "timer") != NULL, "%s", msg.text);
    memset(&h, 0, sizeof h);
    h.spoil = -1;
    h.refuse = 1;
    CHECK(host_measure(&h, &c, &msg) == PB_ERR_UNSUPPORTED);
}

/* ---- the backends ------------------------------------------------------------------------------- */

/* Every backend with the slot that starts here, on each of its devices at the tiny preset; the
 * backends on the host CPU have none (the cpu backend's own probes measure the CPU). */
static void test_backends_measure_their_devices(void)
{
    int count = 0, measured = 0;
    const pb_backend_entry *entries = pb_backend_registry(&count);
    for (int e = 0; e < count; e++) {
        const pb_backend *b = entries[e].backend;
        if (!b)
            continue;
        if (strcmp(b->name, "cpu") == 0 || strcmp(b->name, "blas") == 0)
            CHECK_MSG(b->ceilings == NULL, "%s has a ceilings slot", b->name);
        pb_msg why = {""};
        void *ctx = b->ceilings ? pbcase_start(b->name, &b, &why) : NULL;
        if (!ctx)
            continue;
        for (int d = 0; d < b->device_count(ctx); d++) {
            pb_ceilings c;
            memset(&c, 0, sizeof c);
            pb_msg msg = {""};
            CHECK_MSG(b->ceilings(ctx, d, PB_PRESET_TINY, &c, &msg) == PB_OK, "%s device %d: %s", b->name, d,
                      msg.text);
            CHECK_MSG(isfinite(c.fp32_gflops) && c.fp32_gflops > 0 && isfinite(c.read_gbs) && c.read_gbs > 0 &&
                          isfinite(c.triad_gbs) && c.triad_gbs > 0,
                      "%s device %d: %g GFLOP/s, read %g, triad %g GB/s", b->name, d, c.fp32_gflops, c.read_gbs,
                      c.triad_gbs);
            CHECK(c.bandwidth_gbs == fmax(c.read_gbs, c.triad_gbs) && c.triad_nt_gbs == 0 && c.threads == 0);
            CHECK(c.seconds > 0 && strstr(c.method, "FMA chains") != NULL);
            measured++;
        }
        pb_ceilings untouched;
        memset(&untouched, 0, sizeof untouched);
        pb_msg msg = {""};
        CHECK(b->ceilings(ctx, b->device_count(ctx), PB_PRESET_TINY, &untouched, &msg) == PB_ERR_USAGE);
        CHECK(untouched.fp32_gflops == 0);
        b->shutdown(ctx);
    }
    if (!measured)
        SKIP("no backend with ceiling probes starts here (opencl needs an OpenCL platform: Debian pocl-opencl-icd)");
}

/* Without a GPU the slot is reached only through a context without devices: it refuses the device,
 * and after a sticky error it fails at once, as the cases do. */
static void test_cuda_without_a_device(void)
{
#ifdef HAVE_CUDA
    const pb_backend_entry *e = pbcase_entry("cuda");
    const pb_backend *b = e ? e->backend : NULL;
    void *ctx = pb_cuda_ctx_for_test();
    CHECK(b != NULL && b->ceilings != NULL && ctx != NULL);
    if (!b || !b->ceilings || !ctx)
        return;
    pb_ceilings c;
    memset(&c, 0, sizeof c);
    pb_msg msg = {""};
    CHECK(b->ceilings(ctx, 0, PB_PRESET_TINY, &c, &msg) == PB_ERR_USAGE);
    CHECK_MSG(strstr(msg.text, "no device 0") != NULL, "%s", msg.text);
    pb_cuda_note_error_for_test(ctx, 700, "CUDA: kernel execution failed: cudaErrorIllegalAddress (700)");
    CHECK(b->ceilings(ctx, 0, PB_PRESET_TINY, &c, &msg) == PB_ERR_BACKEND);
    CHECK_MSG(strstr(msg.text, "error state") != NULL, "%s", msg.text);
    CHECK(c.fp32_gflops == 0);
    b->shutdown(ctx);
#else
    SKIP("the cuda backend is not built");
#endif
}

static const pbtest_case tests[] = {
    {"checks_refuse_corruption", test_checks_refuse_corruption},
    {"sizes_follow_the_device", test_sizes_follow_the_device},
    {"measure_on_a_host_device", test_measure_on_a_host_device},
    {"backends_measure_their_devices", test_backends_measure_their_devices},
    {"cuda_without_a_device", test_cuda_without_a_device},
};

PBTEST_MAIN(tests)
