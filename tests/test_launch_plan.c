/* The GPU launch plan (kernels/pb_launch.h) over a table of devices, for every workload at every
 * preset and at edge sizes: work-group sizes within the limits, grids that cover the problem,
 * bindings and params that fit the kernels, reduce's power-of-two tree and chain rule, the
 * workspace and the partial results the second pass reads, the stencil's ping-pong; PoCL keeps the
 * geometry it had before the plan; what no plan can run is unsupported with the reason. The
 * ceiling probes' plans likewise, at the sizes kernels/pb_ceiling.c gives each preset. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../kernels/pb_ceiling.h"
#include "../kernels/pb_launch.h"
#include "../src/workloads/workload.h"
#include "pbtest.h"

typedef struct device {
    const char *name;
    pb_launch_limits lim;
} device;

/* Each built kernel allows `kernel` work-items. */
static pb_launch_limits limits(unsigned group, unsigned items_xy, unsigned items_z, unsigned kernel, unsigned simd,
                               unsigned units, uint64_t local_mem, int cpu)
{
    pb_launch_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.max_group = group;
    lim.max_items[0] = lim.max_items[1] = items_xy;
    lim.max_items[2] = items_z;
    for (int k = 0; k < PB_LK_COUNT; k++)
        lim.kernel_max[k] = kernel;
    lim.simd_width = simd;
    lim.compute_units = units;
    lim.local_mem = local_mem;
    lim.cpu = cpu;
    return lim;
}

/* The sgemm shape a backend ends up with: the device's first, then down the ladder while the
 * built kernel allows too few work-items (opencl_case.c, metal_backend.m). */
static int backend_tile(const pb_launch_limits *lim)
{
    int tile = pb_launch_sgemm_tile_for(lim);
    while (tile < PB_LAUNCH_SGEMM_TILES - 1 && lim->kernel_max[PB_LK_SGEMM] &&
           !pb_launch_sgemm_tile_fits(tile, lim->kernel_max[PB_LK_SGEMM]))
        tile++;
    return tile;
}

static int ndevices;
static device devices[8];

static void make_devices(void)
{
    if (ndevices)
        return;
    /* Apple M-series GPU: 1024 threads per threadgroup, SIMD 32, 18 cores, 32 KiB. */
    devices[ndevices++] = (device){"Apple M3 Pro GPU", limits(0, 1024, 1024, 1024, 32, 18, 32768, 0)};
    /* NVIDIA H100/H200: 1024-thread blocks (z at most 64), warp 32, 132 SMs, 48 KiB static shared
     * memory, grid y and z at most 65535. */
    pb_launch_limits h100 = limits(1024, 1024, 64, 1024, 32, 132, 49152, 0);
    h100.max_groups[0] = INT_MAX;
    h100.max_groups[1] = h100.max_groups[2] = 65535;
    devices[ndevices++] = (device){"NVIDIA H100", h100};
    /* PoCL on this 2-core machine, as the opencl backend reports it. */
    devices[ndevices++] = (device){"PoCL, 2-core CPU", limits(4096, 4096, 4096, 4096, 0, 2, 524288, 1)};
    /* A small integrated GPU. */
    devices[ndevices++] = (device){"small integrated GPU", limits(256, 256, 256, 256, 16, 8, 32768, 0)};
    /* A register-bound pipeline allowing 192 threads, cores unknown (the MSL shim's second GPU). */
    devices[ndevices++] = (device){"192-thread pipelines", limits(0, 1024, 1024, 192, 32, 0, 32768, 0)};
    /* Tiny work-groups and little local memory: sgemm falls to a small shape. */
    devices[ndevices++] = (device){"64-item groups, 4 KiB local", limits(64, 64, 64, 64, 8, 4, 4096, 0)};
    for (int i = 0; i < ndevices; i++)
        devices[i].lim.sgemm_tile = backend_tile(&devices[i].lim);
}

/* The params workload `id` has at `dims` (what its create() sets), for the workloads this file
 * checks in detail; 0 for another. */
static int params_at(pb_problem *p, pb_workload_id id, const pb_dims *dims)
{
    const int a = (int)dims->v[0], b = (int)dims->v[1], c = (int)dims->v[2];
    switch (id) {
    case PB_WL_SGEMM: p->params.sgemm.n = a; break;
    case PB_WL_TRIAD: p->params.triad.n = a; break;
    case PB_WL_REDUCE: p->params.reduce.n = a; break;
    case PB_WL_STENCIL:
        p->params.stencil.nx = a;
        p->params.stencil.ny = b;
        p->params.stencil.steps = c;
        break;
    case PB_WL_NBODY: p->params.nbody.n = a; break;
    case PB_WL_MANDELBROT:
        p->params.mandelbrot.width = a;
        p->params.mandelbrot.height = b;
        p->params.mandelbrot.max_iter = c;
        break;
    case PB_WL_HISTOGRAM:
        p->params.histogram.n = a;
        p->params.histogram.bins = PB_HISTOGRAM_BINS;
        break;
    default: return 0;
    }
    return 1;
}

/* Whether this file knows workload `id`'s params without its create(). */
static int knows_params(pb_workload_id id)
{
    pb_problem p;
    const pb_dims one = {{1, 1, 1}};
    return params_at(&p, id, &one);
}

/* The workload's own create() at `dims`, for its params and buffer count (buffers freed again). */
static pb_problem created(pb_workload_id id, const pb_dims *dims)
{
    pb_problem made;
    pb_msg msg = {""};
    const pb_status st = pb_workload_get(id)->create(dims, 1, &made, &msg);
    CHECK_MSG(st == PB_OK, "%s: create: %s", pb_workload_get(id)->name, msg.text);
    if (st != PB_OK)
        memset(&made, 0, sizeof made);
    return made;
}

/* A problem with the params workload `id` has at `dims`, no buffers: the plan reads only the id
 * and the params, and the large presets would take gigabytes. A workload this file has no params
 * rule for gets them from its create() (so only at sizes where that is cheap). */
static pb_problem problem_at(pb_workload_id id, const pb_dims *dims)
{
    pb_problem p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.dims = *dims;
    if (!params_at(&p, id, dims)) {
        pb_problem made = created(id, dims);
        p.params = made.params;
        pb_problem_destroy(&made);
    }
    return p;
}

/* Buffers each workload has (workload.h's order), from its create() at the tiny size. */
static int buffer_count(pb_workload_id id)
{
    static int count[PB_WL_COUNT];
    if ((unsigned)id >= PB_WL_COUNT)
        return 0;
    if (!count[id]) {
        pb_problem made = created(id, &pb_workload_get(id)->sizes[PB_PRESET_TINY]);
        count[id] = made.nbuf;
        pb_problem_destroy(&made);
    }
    return count[id];
}

static unsigned group_limit(const pb_launch_limits *lim, pb_launch_kernel k)
{
    unsigned limit = PB_LAUNCH_MAX_LOCAL;
    if (lim->max_group && lim->max_group < limit)
        limit = lim->max_group;
    if (lim->kernel_max[k] && lim->kernel_max[k] < limit)
        limit = lim->kernel_max[k];
    return limit;
}

static int is_pow2(unsigned n)
{
    return n && (n & (n - 1)) == 0;
}

/* Groups x local covers `n` items along dimension d, with no group wholly past the end. */
static int covers(const pb_launch_step *s, int d, long long n)
{
    const long long per = s->local[d], g = s->groups[d];
    return n <= 0 ? g == 1 : g * per >= n && (g - 1) * per < n;
}

/* The invariants every step of every plan holds. */
static void check_steps(const pb_launch_plan *plan, const pb_problem *p, const pb_launch_limits *lim,
                        const char *what)
{
    pb_launch_kernel used[2];
    const int nused = pb_launch_workload_kernels((int)p->id, used);
    CHECK_MSG(plan->nsteps >= 1, "%s: no steps", what);
    for (int i = 0; i < plan->nsteps; i++) {
        const pb_launch_step *s = &plan->steps[i];
        const unsigned threads = s->local[0] * s->local[1] * s->local[2];
        CHECK_MSG(s->kernel == used[0] || (nused > 1 && s->kernel == used[1]), "%s step %d: kernel %s", what, i,
                  pb_launch_kernel_name(s->kernel));
        CHECK_MSG(s->dims >= 1 && s->dims <= 3, "%s step %d: %u dims", what, i, s->dims);
        CHECK_MSG(threads >= 1 && threads <= group_limit(lim, s->kernel), "%s step %d: %u work-items > %u", what,
                  i, threads, group_limit(lim, s->kernel));
        for (int d = 0; d < 3; d++) {
            CHECK_MSG(s->groups[d] >= 1 && s->local[d] >= 1, "%s step %d: empty dimension %d", what, i, d);
            CHECK_MSG(!lim->max_items[d] || s->local[d] <= lim->max_items[d], "%s step %d: local[%d] = %u", what, i,
                      d, s->local[d]);
            CHECK_MSG(!lim->max_groups[d] || s->groups[d] <= lim->max_groups[d], "%s step %d: groups[%d] = %u",
                      what, i, d, s->groups[d]);
            CHECK_MSG(d < (int)s->dims || (s->groups[d] == 1 && s->local[d] == 1), "%s step %d: unused dim %d",
                      what, i, d);
        }
        CHECK_MSG(s->nbind >= 1 && s->nbind <= PB_LAUNCH_MAX_BINDS, "%s step %d: %d bindings", what, i, s->nbind);
        for (int b = 0; b < s->nbind && b < PB_LAUNCH_MAX_BINDS; b++) {
            const int bind = s->bind[b];
            CHECK_MSG((bind >= 0 && bind < buffer_count(p->id)) || (bind == PB_LAUNCH_BIND_WORK && plan->work_bytes),
                      "%s step %d: binding %d is %d", what, i, b, bind);
        }
        CHECK_MSG(s->params_size > 0 && s->params_size <= sizeof s->params && s->params_size % 4 == 0,
                  "%s step %d: params of %zu bytes", what, i, s->params_size);
    }
}

static void check_sgemm(const pb_launch_plan *plan, const pb_problem *p, const pb_launch_limits *lim,
                        const char *what)
{
    const pb_launch_sgemm_tile *t = &pb_launch_sgemm_tiles[lim->sgemm_tile];
    const pb_launch_step *s = &plan->steps[0];
    const int n = p->params.sgemm.n;
    const uint64_t panels = (uint64_t)t->bk * (uint64_t)(t->bm + 4 + t->bn) * sizeof(float);
    CHECK_MSG(plan->nsteps == 1 && s->dims == 2, "%s", what);
    CHECK_MSG(s->local[0] == (unsigned)(t->bn / t->tn) && s->local[1] == (unsigned)(t->bm / t->tm),
              "%s: local %ux%u is not the tile's", what, s->local[0], s->local[1]);
    CHECK_MSG((long long)s->groups[0] * t->bn >= n && (long long)s->groups[1] * t->bm >= n &&
                  (long long)(s->groups[0] - 1) * t->bn < (n > 0 ? n : 1) &&
                  (long long)(s->groups[1] - 1) * t->bm < (n > 0 ? n : 1),
              "%s: %ux%u blocks of %dx%d for n = %d", what, s->groups[0], s->groups[1], t->bm, t->bn, n);
    CHECK_MSG(!lim->local_mem || panels <= lim->local_mem, "%s: panels of %llu bytes", what,
              (unsigned long long)panels);
}

/* The partial sums: a power-of-two tree in each group, pass 2 reads exactly the groups of pass 1,
 * the workspace holds them, and both serial slices stay within the chain rule. */
static void check_reduce(const pb_launch_plan *plan, const pb_problem *p, const char *what)
{
    CHECK_MSG(plan->nsteps == 2, "%s: %d steps", what, plan->nsteps);
    if (plan->nsteps != 2)
        return;
    const pb_launch_step *s1 = &plan->steps[0], *s2 = &plan->steps[1];
    const long long n = p->params.reduce.n, groups = s1->groups[0], local = s1->local[0];
    pb_reduce_params second;
    memcpy(&second, s2->params, sizeof second);
    CHECK_MSG(is_pow2(s1->local[0]) && is_pow2(s2->local[0]), "%s: local %u and %u", what, s1->local[0],
              s2->local[0]);
    CHECK_MSG(s1->local[0] <= 256 && s2->local[0] <= 256, "%s: beyond PB_REDUCE_LOCAL_MAX", what);
    CHECK_MSG(s2->groups[0] == 1, "%s: pass 2 has %u groups", what, s2->groups[0]);
    CHECK_MSG(second.n == (int)groups, "%s: pass 2 reads %d partials, pass 1 writes %lld", what, second.n, groups);
    CHECK_MSG(plan->work_bytes >= (size_t)groups * sizeof(float), "%s: workspace %zu for %lld partials", what,
              plan->work_bytes, groups);
    CHECK_MSG(s1->bind[0] == 0 && s1->bind[1] == PB_LAUNCH_BIND_WORK && s2->bind[0] == PB_LAUNCH_BIND_WORK &&
                  s2->bind[1] == 1,
              "%s: bindings", what);
    const long long chunk = (n + groups - 1) / groups;
    const long long chain = (chunk + local - 1) / local + (groups + (long long)s2->local[0] - 1) / s2->local[0];
    CHECK_MSG(chain <= PB_REDUCE_MAX_CHAIN, "%s: serial chain %lld", what, chain);
    CHECK_MSG(groups <= (n > 0 ? n : 1), "%s: %lld groups for %lld values", what, groups, n);
}

/* Step 0 reads the grid, each later step what the one before wrote, never its own output, and the
 * last writes out. */
static void check_stencil(const pb_launch_plan *plan, const pb_problem *p, const char *what)
{
    const pb_stencil_params *sp = &p->params.stencil;
    CHECK_MSG(plan->nsteps == sp->steps, "%s: %d steps for %d", what, plan->nsteps, sp->steps);
    for (int i = 0; i < plan->nsteps; i++) {
        const pb_launch_step *s = &plan->steps[i];
        CHECK_MSG(s->bind[0] == (i == 0 ? 0 : plan->steps[i - 1].bind[1]), "%s step %d reads %d", what, i, s->bind[0]);
        CHECK_MSG(s->bind[1] != s->bind[0] && s->bind[1] != 0, "%s step %d writes %d", what, i, s->bind[1]);
        CHECK_MSG(covers(s, 0, sp->nx) && covers(s, 1, sp->ny), "%s step %d: grid", what, i);
    }
    CHECK_MSG(plan->steps[plan->nsteps - 1].bind[1] == 1, "%s: the last step does not write out", what);
}

static void check_histogram(const pb_launch_plan *plan, const pb_problem *p, const char *what)
{
    CHECK_MSG(plan->nsteps == 2, "%s: %d steps", what, plan->nsteps);
    if (plan->nsteps != 2)
        return;
    const pb_launch_step *clear = &plan->steps[0], *count = &plan->steps[1];
    CHECK_MSG(clear->kernel == PB_LK_HISTOGRAM_CLEAR && clear->bind[0] == 1 && covers(clear, 0, PB_HISTOGRAM_BINS),
              "%s: the clear", what);
    CHECK_MSG(count->kernel == PB_LK_HISTOGRAM && count->bind[0] == 0 && count->bind[1] == 1, "%s: the count",
              what);
    /* Every group gets a non-empty chunk of ceil(n / groups) elements. */
    const long long n = p->params.histogram.n, groups = count->groups[0];
    CHECK_MSG(groups * count->local[0] <= (n > 0 ? n : 1) + count->local[0] - 1, "%s: %lld groups of %u for n = %lld",
              what, groups, count->local[0], n);
}

/* nbody's SIMD width and split target as the plan reads them: PB_LAUNCH_NBODY_SIMD_PER_UNIT (16)
 * SIMD groups per compute unit, with 32 lanes and 8 units where the device does not say. */
static unsigned nbody_simd(const pb_launch_limits *lim)
{
    return lim->simd_width ? lim->simd_width : 32;
}

static long long nbody_target(const pb_launch_limits *lim)
{
    return (long long)(lim->compute_units ? lim->compute_units : 8) * nbody_simd(lim) * 16;
}

/* Runs the kernel's index arithmetic (kernels/nbody.pbk) for every work-item of every group: each
 * body is stored by exactly one work-item (part 0 of its slot), each tile entry is loaded by
 * exactly one work-item, and each body's sum takes every j exactly once, split over its parts. */
static void check_nbody_indices(const pb_launch_step *s, long long n, const char *what)
{
    const long long b = s->local[0], split = s->local[1], groups = s->groups[0], tile = b * split;
    char *stored = calloc((size_t)(n > 0 ? n : 1), 1), *summed = calloc((size_t)(n > 0 ? n : 1), 1);
    int bad = 0;
    for (long long g = 0; g < groups && !bad; g++) {
        for (long long slot = 0; slot < b && !bad; slot++) {
            const long long i = g * b + slot;
            if (i < n)
                bad |= stored[i]++ != 0;
            if (g > 0 || slot > 0)
                continue; /* every body's j loop is the same: check group 0, slot 0 */
            for (long long base = 0; base < n; base += tile) {
                const long long count = tile < n - base ? tile : n - base;
                for (long long lid = 0; lid < tile; lid++)
                    bad |= base + lid < n && lid >= count;
                for (long long part = 0; part < split; part++) {
                    const long long end = (part + 1) * b < count ? (part + 1) * b : count;
                    for (long long j = part * b; j < end; j++)
                        bad |= summed[base + j]++ != 0;
                }
            }
        }
    }
    for (long long i = 0; i < n && !bad; i++)
        bad |= stored[i] != 1 || summed[i] != 1;
    CHECK_MSG(!bad, "%s: (%lld x %lld) x %lld groups leave a body unstored or a term not summed once", what, b,
              split, groups);
    free(stored);
    free(summed);
}

/* A 2D group of (bodies, parts of each body's sum) within the kernel's 256-entry tile, covering the
 * bodies; the split is a power of two, 1 on a CPU device, the smallest that reaches the target
 * unless a group of bodies would fall below one SIMD group (or the device's y limit), and no
 * larger than it needs. */
static void check_nbody(const pb_launch_plan *plan, const pb_problem *p, const pb_launch_limits *lim,
                        const char *what)
{
    const pb_launch_step *s = &plan->steps[0];
    const long long n = p->params.nbody.n, split = s->local[1];
    const unsigned simd = nbody_simd(lim);
    CHECK_MSG(plan->nsteps == 1 && s->dims == 2 && s->groups[1] == 1, "%s: %d steps, %u dims", what, plan->nsteps,
              s->dims);
    CHECK_MSG(covers(s, 0, n) && s->local[0] * s->local[1] <= 256, "%s: %u groups of %u x %u", what, s->groups[0],
              s->local[0], s->local[1]);
    CHECK_MSG(is_pow2(s->local[1]) && (!lim->cpu || split == 1), "%s: split %lld", what, split);
    CHECK_MSG(split == 1 || (s->local[0] >= simd && n * (split / 2) < nbody_target(lim)), "%s: split %lld of %u",
              what, split, s->local[0]);
    const int capped = s->local[0] * s->local[1] / (2 * split) < simd ||
                       (lim->max_items[1] && 2 * split > lim->max_items[1]);
    CHECK_MSG(lim->cpu || n * split >= nbody_target(lim) || capped, "%s: split %lld leaves %lld work-items", what,
              split, n * split);
    if (n <= 1 << 16)
        check_nbody_indices(s, n, what);
}

/* The per-workload coverage rules. */
static void check_workload(const pb_launch_plan *plan, const pb_problem *p, const pb_launch_limits *lim,
                           const char *what)
{
    const pb_launch_step *s = &plan->steps[0];
    switch (p->id) {
    case PB_WL_SGEMM: check_sgemm(plan, p, lim, what); break;
    case PB_WL_TRIAD: CHECK_MSG(covers(s, 0, p->params.triad.n), "%s: grid", what); break;
    case PB_WL_REDUCE: check_reduce(plan, p, what); break;
    case PB_WL_STENCIL: check_stencil(plan, p, what); break;
    case PB_WL_NBODY: check_nbody(plan, p, lim, what); break;
    case PB_WL_MANDELBROT:
        CHECK_MSG(covers(s, 0, p->params.mandelbrot.width) && covers(s, 1, p->params.mandelbrot.height),
                  "%s: grid", what);
        break;
    case PB_WL_HISTOGRAM: check_histogram(plan, p, what); break;
    default: break; /* a workload without rules here: the invariants of check_steps */
    }
}

static void check_plan(const device *dev, pb_workload_id id, const pb_dims *dims, const char *size)
{
    const pb_workload *w = pb_workload_get(id);
    char what[160];
    snprintf(what, sizeof what, "%s %s on %s", w->name, size, dev->name);
    pb_problem p = problem_at(id, dims);
    pb_launch_plan plan;
    pb_msg msg = {""};
    pb_status st = pb_launch_plan_make(&p, &dev->lim, &plan, &msg);
    CHECK_MSG(st == PB_OK, "%s: %s: %s", what, pb_status_name(st), msg.text);
    if (st != PB_OK)
        return;
    check_steps(&plan, &p, &dev->lim, what);
    check_workload(&plan, &p, &dev->lim, what);
    pb_launch_plan_free(&plan);
}

static void test_every_workload_every_preset_every_device(void)
{
    make_devices();
    for (int d = 0; d < ndevices; d++) {
        for (int id = 0; id < PB_WL_COUNT; id++) {
            /* A workload whose params come from its create(): the sizes it can create cheaply. */
            const int presets = knows_params((pb_workload_id)id) ? PB_PRESET_COUNT : PB_PRESET_QUICK + 1;
            for (int preset = 0; preset < presets; preset++)
                check_plan(&devices[d], (pb_workload_id)id, &pb_workload_get((pb_workload_id)id)->sizes[preset],
                           pb_preset_name((pb_preset)preset));
        }
    }
}

/* One element, sizes just past a group or tile, an even number of stencil steps, the largest n. */
static void test_edge_sizes(void)
{
    make_devices();
    static const struct {
        pb_workload_id id;
        pb_dims dims;
    } edges[] = {
        {PB_WL_SGEMM, {{1}}},          {PB_WL_SGEMM, {{129}}},           {PB_WL_TRIAD, {{1}}},
        {PB_WL_TRIAD, {{257}}},        {PB_WL_REDUCE, {{1}}},            {PB_WL_REDUCE, {{257}}},
        {PB_WL_REDUCE, {{1 << 29}}},   {PB_WL_STENCIL, {{1, 1, 1}}},     {PB_WL_STENCIL, {{33, 9, 2}}},
        {PB_WL_NBODY, {{1}}},          {PB_WL_NBODY, {{65}}},            {PB_WL_NBODY, {{257}}},
        {PB_WL_NBODY, {{16385}}},      {PB_WL_NBODY, {{1 << 20}}},       {PB_WL_MANDELBROT, {{1, 1, 1}}},
        {PB_WL_HISTOGRAM, {{1}}},      {PB_WL_HISTOGRAM, {{INT_MAX}}},   {PB_WL_TRIAD, {{INT_MAX}}},
    };
    for (int d = 0; d < ndevices; d++) {
        for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
            char size[64];
            snprintf(size, sizeof size, "%lld x %lld x %lld", (long long)edges[i].dims.v[0],
                     (long long)edges[i].dims.v[1], (long long)edges[i].dims.v[2]);
            check_plan(&devices[d], edges[i].id, &edges[i].dims, size);
        }
    }
}

/* The OpenCL geometry PoCL ran before the plan existed, which the plan keeps (sgemm's 8 x 8 groups
 * of the 32 x 32 shape, 256-item 1D groups, 32 x 8 2D groups, 64 groups per compute unit for reduce
 * and histogram, 256-body tiles from the quick size up). */
static void test_pocl_keeps_its_geometry(void)
{
    make_devices();
    const device *pocl = &devices[2];
    const pb_dims sgemm = {{2048}}, triad = {{1 << 25}}, stencil = {{4096, 4096, 10}}, nbody = {{4096}},
                  hist = {{1 << 26}}, reduce = {{1 << 25}}, reduce_large = {{1 << 27}};
    struct {
        pb_workload_id id;
        const pb_dims *dims;
        int step;
        unsigned groups0, local0, local1;
    } expect[] = {
        {PB_WL_SGEMM, &sgemm, 0, 64, 8, 8},           {PB_WL_TRIAD, &triad, 0, 131072, 256, 1},
        {PB_WL_STENCIL, &stencil, 0, 128, 32, 8},     {PB_WL_NBODY, &nbody, 0, 16, 256, 1},
        {PB_WL_HISTOGRAM, &hist, 1, 128, 256, 1},     {PB_WL_REDUCE, &reduce, 0, 128, 256, 1},
        {PB_WL_REDUCE, &reduce_large, 0, 131, 256, 1},
    };
    CHECK(pocl->lim.sgemm_tile == 2);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        pb_problem p = problem_at(expect[i].id, expect[i].dims);
        pb_launch_plan plan;
        pb_msg msg = {""};
        CHECK_MSG(pb_launch_plan_make(&p, &pocl->lim, &plan, &msg) == PB_OK, "%s", msg.text);
        if (plan.nsteps <= expect[i].step)
            continue;
        const pb_launch_step *s = &plan.steps[expect[i].step];
        CHECK_MSG(s->groups[0] == expect[i].groups0 && s->local[0] == expect[i].local0 &&
                      s->local[1] == expect[i].local1,
                  "%s: %u groups of %u x %u", pb_workload_get(expect[i].id)->name, s->groups[0], s->local[0],
                  s->local[1]);
        pb_launch_plan_free(&plan);
    }
}

/* nbody's plan per device class and preset: the work-group (bodies x parts of each body's sum)
 * and the groups. The target is 16 SIMD groups per compute unit: on a 132-SM H100 at the standard
 * size, 16 x 132 x 32 = 67,584 work-items at least, where one body per work-item gives 16,384
 * (256 groups of 64, a quarter of it); so 8 parts per body, 131,072 work-items in 512 groups of
 * 32 x 8 (3.9 per SM, 31 warps of 64). Apple's M3 Pro (18 cores) and the small integrated GPU
 * reach their targets (9,216 and 2,048) from the standard size with one body per work-item; PoCL
 * never splits. */
static void test_nbody_split_fills_each_device(void)
{
    make_devices();
    static const struct {
        int device;
        long long n;
        unsigned bodies, split, groups;
    } expect[] = {
        {1, 4096, 32, 8, 128},   {1, 16384, 32, 8, 512},  {1, 65536, 128, 2, 512}, {1, 100, 32, 8, 4},
        {0, 4096, 64, 4, 64},    {0, 16384, 256, 1, 64},  {0, 65536, 256, 1, 256}, {0, 100, 32, 8, 4},
        {3, 4096, 256, 1, 16},   {3, 16384, 256, 1, 64},  {3, 100, 16, 16, 7},     {2, 100, 64, 1, 2},
        {2, 4096, 256, 1, 16},   {2, 16384, 256, 1, 64},  {4, 100, 32, 4, 4},      {5, 100, 8, 8, 13},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        const device *dev = &devices[expect[i].device];
        const pb_dims dims = {{expect[i].n}};
        pb_problem p = problem_at(PB_WL_NBODY, &dims);
        pb_launch_plan plan;
        pb_msg msg = {""};
        CHECK_MSG(pb_launch_plan_make(&p, &dev->lim, &plan, &msg) == PB_OK, "%s: %s", dev->name, msg.text);
        const pb_launch_step *s = &plan.steps[0];
        CHECK_MSG(s->local[0] == expect[i].bodies && s->local[1] == expect[i].split && s->groups[0] == expect[i].groups,
                  "%s, n = %lld: %u groups of %u x %u", dev->name, expect[i].n, s->groups[0], s->local[0], s->local[1]);
        pb_launch_plan_free(&plan);
    }
    /* The H100 at the standard size: at least the target, in one wave (2,048 threads per SM). */
    const pb_dims standard = {{16384}};
    pb_problem p = problem_at(PB_WL_NBODY, &standard);
    pb_launch_plan plan;
    pb_msg msg = {""};
    CHECK(pb_launch_plan_make(&p, &devices[1].lim, &plan, &msg) == PB_OK);
    const long long items = (long long)plan.steps[0].groups[0] * plan.steps[0].local[0] * plan.steps[0].local[1];
    CHECK_MSG(items >= 16LL * 132 * 32 && items <= 132LL * 2048, "%lld work-items", items);
    pb_launch_plan_free(&plan);
}

/* The split across sizes on every device: the invariants of check_nbody, and it never grows with n. */
static void test_nbody_split_shrinks_with_n(void)
{
    make_devices();
    for (int d = 0; d < ndevices; d++) {
        unsigned last = 1u << 30;
        for (long long n = 1; n <= 1 << 17; n = n * 3 / 2 + 1) {
            char what[96];
            snprintf(what, sizeof what, "nbody n = %lld on %s", n, devices[d].name);
            const pb_dims dims = {{n}};
            pb_problem p = problem_at(PB_WL_NBODY, &dims);
            pb_launch_plan plan;
            pb_msg msg = {""};
            CHECK_MSG(pb_launch_plan_make(&p, &devices[d].lim, &plan, &msg) == PB_OK, "%s: %s", what, msg.text);
            check_nbody(&plan, &p, &devices[d].lim, what);
            CHECK_MSG(plan.steps[0].local[1] <= last, "%s: split %u after %u", what, plan.steps[0].local[1], last);
            last = plan.steps[0].local[1];
            pb_launch_plan_free(&plan);
        }
    }
}

static void test_sgemm_tile_ladder(void)
{
    make_devices();
    static const int expect[] = {0, 0, 2, 0, 2, 3};
    for (int d = 0; d < ndevices; d++)
        CHECK_MSG(devices[d].lim.sgemm_tile == expect[d], "%s: tile %d", devices[d].name, devices[d].lim.sgemm_tile);
    for (int t = 0; t < PB_LAUNCH_SGEMM_TILES; t++)
        CHECK(pb_launch_sgemm_tile_index(&pb_launch_sgemm_tiles[t]) == t);
    const pb_launch_sgemm_tile unknown = {96, 96, 8, 8, 8};
    CHECK(pb_launch_sgemm_tile_index(&unknown) == -1);
}

static pb_status plan_status(const pb_problem *p, const pb_launch_limits *lim, pb_msg *msg)
{
    pb_launch_plan plan = {NULL, 0, 0};
    pb_status st = pb_launch_plan_make(p, lim, &plan, msg);
    if (st == PB_OK)
        pb_launch_plan_free(&plan);
    else
        CHECK(plan.steps == NULL);
    return st;
}

/* What no plan can run is refused as unsupported, with the reason: never kernel 0 or a crash. */
static void test_unsupported_has_a_reason(void)
{
    make_devices();
    pb_msg msg = {""};
    const pb_dims one = {{64}};

    pb_problem p = problem_at(PB_WL_SGEMM, &one);
    p.id = PB_WL_COUNT; /* a workload added to the list but not to the plan */
    CHECK(plan_status(&p, &devices[0].lim, &msg) == PB_ERR_UNSUPPORTED);
    CHECK_MSG(strstr(msg.text, "no launch plan") != NULL, "%s", msg.text);
    pb_launch_kernel used[2];
    CHECK(pb_launch_workload_kernels(PB_WL_COUNT, used) == 0 && pb_launch_workload_kernels(-1, used) == 0);

    /* sgemm built with the 256-item shape on a kernel allowing 32. */
    pb_launch_limits lim = devices[0].lim;
    lim.kernel_max[PB_LK_SGEMM] = 32;
    lim.sgemm_tile = 0;
    p = problem_at(PB_WL_SGEMM, &one);
    CHECK(plan_status(&p, &lim, &msg) == PB_ERR_UNSUPPORTED);
    CHECK_MSG(strstr(msg.text, "work-items per group") != NULL, "%s", msg.text);

    /* A reduce whose groups of one item would need a second pass longer than the chain rule. */
    lim = devices[0].lim;
    lim.kernel_max[PB_LK_REDUCE] = 1;
    const pb_dims big = {{1 << 27}};
    p = problem_at(PB_WL_REDUCE, &big);
    CHECK(plan_status(&p, &lim, &msg) == PB_ERR_UNSUPPORTED);
    CHECK_MSG(strstr(msg.text, "too large to reduce") != NULL, "%s", msg.text);

    /* More blocks along y than the grid allows. */
    lim = devices[1].lim;
    lim.max_groups[1] = 8;
    const pb_dims wide = {{4096}};
    p = problem_at(PB_WL_SGEMM, &wide);
    CHECK(plan_status(&p, &lim, &msg) == PB_ERR_UNSUPPORTED);
    CHECK_MSG(strstr(msg.text, "work-groups along dimension 1") != NULL, "%s", msg.text);

    /* A stencil of no steps is bad input. */
    const pb_dims none = {{16, 16, 0}};
    p = problem_at(PB_WL_STENCIL, &none);
    CHECK(plan_status(&p, &devices[0].lim, &msg) == PB_ERR_INPUT);
}

/* ---- the ceiling probes ---------------------------------------------------------------------- */

/* One probe's plan on one device: a single step of the probe's kernel within the limits, binding
 * the probe buffers its kernel takes, its params as given, covering its n; the read's groups a
 * power of two in size, none summing more than PB_LAUNCH_PROBE_READ_CHUNK float4. */
static void check_probe(const device *dev, const pb_launch_probe *probe, const char *what)
{
    static const struct {
        int nbind;
        int bind[3];
    } binds[PB_LAUNCH_PROBE_COUNT] = {
        [PB_LAUNCH_PROBE_FMA] = {1, {PB_LAUNCH_PROBE_OUT}},
        [PB_LAUNCH_PROBE_READ] = {2, {PB_LAUNCH_PROBE_B, PB_LAUNCH_PROBE_OUT}},
        [PB_LAUNCH_PROBE_TRIAD] = {3, {PB_LAUNCH_PROBE_A, PB_LAUNCH_PROBE_B, PB_LAUNCH_PROBE_C}},
    };
    pb_launch_plan plan;
    pb_msg msg = {""};
    const pb_status st = pb_launch_probe_plan(probe, &dev->lim, &plan, &msg);
    CHECK_MSG(st == PB_OK, "%s: %s: %s", what, pb_status_name(st), msg.text);
    if (st != PB_OK)
        return;
    CHECK_MSG(plan.nsteps == 1 && plan.work_bytes == 0, "%s: %d steps, %zu workspace bytes", what, plan.nsteps,
              plan.work_bytes);
    const pb_launch_step *s = &plan.steps[0];
    const pb_launch_kernel k = pb_launch_probe_kernel(probe->id);
    const unsigned threads = s->local[0] * s->local[1] * s->local[2];
    CHECK_MSG(s->kernel == k && s->dims == 1, "%s: kernel %s, %u dims", what, pb_launch_kernel_name(s->kernel),
              s->dims);
    CHECK_MSG(threads >= 1 && threads <= group_limit(&dev->lim, k), "%s: %u work-items", what, threads);
    CHECK_MSG(!dev->lim.max_groups[0] || s->groups[0] <= dev->lim.max_groups[0], "%s: %u groups", what, s->groups[0]);
    CHECK_MSG(s->nbind == binds[probe->id].nbind, "%s: %d bindings", what, s->nbind);
    for (int b = 0; b < s->nbind && b < 3; b++)
        CHECK_MSG(s->bind[b] == binds[probe->id].bind[b], "%s: binding %d is %d", what, b, s->bind[b]);
    CHECK_MSG(memcmp(s->params, &probe->params, s->params_size) == 0, "%s: params", what);
    const long long groups = s->groups[0], local = s->local[0];
    switch (probe->id) {
    case PB_LAUNCH_PROBE_FMA:
        CHECK(s->params_size == sizeof probe->params.fma);
        CHECK_MSG(covers(s, 0, probe->params.fma.n), "%s: %lld x %lld items", what, groups, local);
        break;
    case PB_LAUNCH_PROBE_READ: {
        const long long n = probe->params.read.n, chunk = (n + groups - 1) / groups;
        CHECK(s->params_size == sizeof probe->params.read);
        CHECK_MSG(is_pow2(s->local[0]), "%s: local %u", what, s->local[0]);
        CHECK_MSG(chunk <= PB_LAUNCH_PROBE_READ_CHUNK, "%s: chunks of %lld float4", what, chunk);
        CHECK_MSG(groups == 1 || (groups - 1) * local < n, "%s: %lld groups of %lld for %lld", what, groups, local, n);
        break;
    }
    default:
        CHECK(s->params_size == sizeof probe->params.triad);
        CHECK_MSG(covers(s, 0, probe->params.triad.n), "%s: %lld x %lld items", what, groups, local);
        break;
    }
    pb_launch_plan_free(&plan);
}

/* The probes at every preset's sizes for an H200's memory on every device, and at edge sizes. */
static void test_ceiling_probes_every_preset_every_device(void)
{
    make_devices();
    pb_device_info h200;
    memset(&h200, 0, sizeof h200);
    h200.llc_bytes = 50u << 20;
    h200.memory_bytes = h200.max_alloc_bytes = 141ull << 30;
    for (int d = 0; d < ndevices; d++) {
        for (int preset = 0; preset < PB_PRESET_COUNT; preset++) {
            pb_ceiling_sizes sizes;
            pb_ceiling_sizes_for((pb_preset)preset, &h200, &devices[d].lim, &sizes);
            pb_launch_probe probes[PB_LAUNCH_PROBE_COUNT];
            pb_ceiling_probes(&sizes, probes);
            for (int i = 0; i < PB_LAUNCH_PROBE_COUNT; i++) {
                char what[160];
                snprintf(what, sizeof what, "probe %s at %s on %s", pb_launch_kernel_name(pb_launch_probe_kernel(i)),
                         pb_preset_name((pb_preset)preset), devices[d].name);
                CHECK_MSG(probes[i].id == (pb_launch_probe_id)i, "%s: id %d", what, (int)probes[i].id);
                check_probe(&devices[d], &probes[i], what);
            }
        }
        static const int edges[] = {1, 255, 257, PB_LAUNCH_PROBE_READ_CHUNK + 1, 1 << 26};
        for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
            const pb_ceiling_sizes sizes = {4 * (int64_t)edges[e], edges[e], 1, 1, 0.01};
            pb_launch_probe probes[PB_LAUNCH_PROBE_COUNT];
            pb_ceiling_probes(&sizes, probes);
            for (int i = 0; i < PB_LAUNCH_PROBE_COUNT; i++) {
                char what[160];
                snprintf(what, sizeof what, "probe %s at n = %d on %s",
                         pb_launch_kernel_name(pb_launch_probe_kernel(i)), edges[e], devices[d].name);
                check_probe(&devices[d], &probes[i], what);
            }
        }
    }
    /* Not a probe: refused, with nothing planned. */
    pb_launch_probe bad;
    memset(&bad, 0, sizeof bad);
    bad.id = PB_LAUNCH_PROBE_COUNT;
    pb_launch_plan plan = {NULL, 0, 0};
    pb_msg msg = {""};
    CHECK(pb_launch_probe_plan(&bad, &devices[0].lim, &plan, &msg) == PB_ERR_USAGE && plan.steps == NULL);
    CHECK(pb_launch_probe_kernel(PB_LAUNCH_PROBE_COUNT) == PB_LK_COUNT);
}

static void test_kernel_names(void)
{
    CHECK_STR(pb_launch_kernel_name(PB_LK_SGEMM), "pb_sgemm");
    CHECK_STR(pb_launch_kernel_name(PB_LK_HISTOGRAM_CLEAR), "pb_histogram_clear");
    CHECK_STR(pb_launch_kernel_name(pb_launch_probe_kernel(PB_LAUNCH_PROBE_FMA)), "pb_ceiling_fma");
    CHECK_STR(pb_launch_kernel_name(pb_launch_probe_kernel(PB_LAUNCH_PROBE_READ)), "pb_ceiling_read");
    CHECK_STR(pb_launch_kernel_name(pb_launch_probe_kernel(PB_LAUNCH_PROBE_TRIAD)), "pb_ceiling_triad");
    CHECK_STR(pb_launch_kernel_name(PB_LK_COUNT), "unknown");
    for (int k = 0; k < PB_LK_COUNT; k++)
        CHECK(strncmp(pb_launch_kernel_name((pb_launch_kernel)k), "pb_", 3) == 0);
    pb_launch_plan_free(NULL);
}

static const pbtest_case tests[] = {
    {"every_workload_every_preset_every_device", test_every_workload_every_preset_every_device},
    {"edge_sizes", test_edge_sizes},
    {"pocl_keeps_its_geometry", test_pocl_keeps_its_geometry},
    {"nbody_split_fills_each_device", test_nbody_split_fills_each_device},
    {"nbody_split_shrinks_with_n", test_nbody_split_shrinks_with_n},
    {"sgemm_tile_ladder", test_sgemm_tile_ladder},
    {"unsupported_has_a_reason", test_unsupported_has_a_reason},
    {"ceiling_probes_every_preset_every_device", test_ceiling_probes_every_preset_every_device},
    {"kernel_names", test_kernel_names},
};

PBTEST_MAIN(tests)
