/* The GPU launch plans (pb_launch.h): work-group shapes from the device's limits, grid sizes,
 * buffer bindings and per-step params for every workload. Where the backends used to disagree,
 * the choice and its reason are written at the planner. */
#include "pb_launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/workloads/workload.h"

/* Work-groups per compute unit for the grid-stride kernels (reduce, histogram): on a GPU about
 * eight waves of full occupancy, so a slow unit does not leave the others idle at the end; on a CPU
 * device (PoCL, which runs a group as a loop over its work-items) small contiguous chunks that stay
 * in cache. The per-group partial results (a float for reduce, at most 256 atomics for histogram)
 * stay small beside the elements each group reads. */
#define PB_LAUNCH_GROUPS_PER_UNIT 64
/* Assumed when the device does not say (e.g. a paravirtual Metal GPU). */
#define PB_LAUNCH_UNITS_UNKNOWN 8
#define PB_LAUNCH_SIMD_UNKNOWN 32
/* Of the reduce chain budget (PB_REDUCE_MAX_CHAIN), the part kept for the second pass. */
#define PB_LAUNCH_REDUCE_PASS2_CHAIN 64
/* The smallest nbody tile: below two SIMD groups of 32 the barriers around every tile cost more
 * than the extra groups gain. */
#define PB_LAUNCH_NBODY_MIN_TILE 64
/* SIMD groups per compute unit that keep nbody's inner loop (a dependent chain of FMAs, an rsqrt and
 * multiplies, about 50 cycles deep) issuing every cycle: four for each of the four schedulers of an
 * NVIDIA SM (since Volta) or the four SIMDs of an AMD CU. Below n x 1 work-items of that, the plan
 * splits each body's sum over several work-items (pb_launch_nbody). */
#define PB_LAUNCH_NBODY_SIMD_PER_UNIT 16
/* The 2D work-group: one 32-wide row along x (contiguous memory: one 128-byte access per SIMD group
 * of 32) and up to 8 rows. */
#define PB_LAUNCH_2D_WIDTH 32
#define PB_LAUNCH_2D_HEIGHT 8

static const char *const pb_launch_kernel_names[PB_LK_COUNT] = {
#define PB_LK_NAME_ENTRY(ID, function) [PB_LK_##ID] = #function,
    PB_LAUNCH_KERNELS(PB_LK_NAME_ENTRY)
#undef PB_LK_NAME_ENTRY
};

const char *pb_launch_kernel_name(pb_launch_kernel kernel)
{
    return (unsigned)kernel < PB_LK_COUNT ? pb_launch_kernel_names[kernel] : "unknown";
}

/* Largest first. 256 work-items of 8 x 8 is the fast shape on GPUs; the same 256 items at 4 x 4
 * need half the registers, for a compiler that allows the big shape fewer items; the others serve
 * devices with small work-groups, down to one work-item. */
const pb_launch_sgemm_tile pb_launch_sgemm_tiles[PB_LAUNCH_SGEMM_TILES] = {
    {128, 128, 8, 8, 8},
    {64, 64, 16, 4, 4},
    {32, 32, 16, 4, 4},
    {16, 16, 8, 4, 4},
    {4, 4, 4, 4, 4},
};

/* Where CPU devices start on that list. A CPU runs a work-group as a loop over its work-items, so a
 * micro-tile lives in memory, not registers: under PoCL the 64-item 4 x 4 shape vectorizes best,
 * and the 8 x 8 one is about 25 times slower (n = 512 on AVX-512: 11 ms against 290 ms). */
#define PB_LAUNCH_SGEMM_CPU_FIRST 2

static unsigned pb_launch_min(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

/* a limited by b, where b == 0 means no limit. */
static unsigned pb_launch_cap(unsigned a, unsigned b)
{
    return b && b < a ? b : a;
}

static unsigned pb_launch_floor_pow2(unsigned n)
{
    unsigned p = 1;
    while (p <= n / 2)
        p *= 2;
    return p;
}

/* Work-groups covering `items`; at least one, since an empty grid is a launch error. */
static unsigned pb_launch_div_up(long long items, unsigned per)
{
    return items > 0 ? (unsigned)((items + per - 1) / per) : 1u;
}

/* The most work-items a group of kernel k may have on this device. */
static unsigned pb_launch_group_limit(const pb_launch_limits *lim, pb_launch_kernel k)
{
    unsigned limit = pb_launch_cap(pb_launch_cap(PB_LAUNCH_MAX_LOCAL, lim->max_group), lim->kernel_max[k]);
    return limit > 0 ? limit : 1;
}

static unsigned pb_launch_units(const pb_launch_limits *lim)
{
    return lim->compute_units ? lim->compute_units : PB_LAUNCH_UNITS_UNKNOWN;
}

/* A power-of-two 1D work-group (the reduce tree needs one; every SIMD width divides it). */
static unsigned pb_launch_local_1d(const pb_launch_limits *lim, pb_launch_kernel k)
{
    return pb_launch_floor_pow2(pb_launch_cap(pb_launch_group_limit(lim, k), lim->max_items[0]));
}

static void pb_launch_local_2d(const pb_launch_limits *lim, pb_launch_kernel k, unsigned local[3])
{
    const unsigned limit = pb_launch_group_limit(lim, k);
    local[0] = pb_launch_cap(pb_launch_min(PB_LAUNCH_2D_WIDTH, limit), lim->max_items[0]);
    local[1] = pb_launch_cap(pb_launch_min(PB_LAUNCH_2D_HEIGHT, limit / local[0]), lim->max_items[1]);
}

unsigned pb_launch_sgemm_threads(int tile)
{
    const pb_launch_sgemm_tile *t = &pb_launch_sgemm_tiles[tile];
    return (unsigned)((t->bn / t->tn) * (t->bm / t->tm));
}

int pb_launch_sgemm_tile_fits(int tile, unsigned max_threads)
{
    return max_threads >= pb_launch_sgemm_threads(tile);
}

/* Why shape `tile` cannot run under these limits, or NULL when it can. The A panel has one run of
 * four floats of padding per row (sgemm.pbk). */
static const char *pb_launch_sgemm_misfit(const pb_launch_limits *lim, int tile)
{
    const pb_launch_sgemm_tile *t = &pb_launch_sgemm_tiles[tile];
    const uint64_t panels = (uint64_t)t->bk * (uint64_t)(t->bm + 4 + t->bn) * sizeof(float);
    if (!pb_launch_sgemm_tile_fits(tile, pb_launch_group_limit(lim, PB_LK_SGEMM)))
        return "work-items per group";
    if (pb_launch_cap((unsigned)(t->bn / t->tn), lim->max_items[0]) < (unsigned)(t->bn / t->tn) ||
        pb_launch_cap((unsigned)(t->bm / t->tm), lim->max_items[1]) < (unsigned)(t->bm / t->tm))
        return "work-items along a dimension";
    if (lim->local_mem && panels > lim->local_mem)
        return "local memory";
    return NULL;
}

int pb_launch_sgemm_tile_for(const pb_launch_limits *limits)
{
    for (int i = limits->cpu ? PB_LAUNCH_SGEMM_CPU_FIRST : 0; i < PB_LAUNCH_SGEMM_TILES - 1; i++) {
        if (!pb_launch_sgemm_misfit(limits, i))
            return i;
    }
    return PB_LAUNCH_SGEMM_TILES - 1;
}

int pb_launch_sgemm_tile_index(const pb_launch_sgemm_tile *shape)
{
    for (int i = 0; i < PB_LAUNCH_SGEMM_TILES; i++) {
        const pb_launch_sgemm_tile *t = &pb_launch_sgemm_tiles[i];
        if (t->bm == shape->bm && t->bn == shape->bn && t->bk == shape->bk && t->tm == shape->tm &&
            t->tn == shape->tn)
            return i;
    }
    return -1;
}

/* ---- building a plan ------------------------------------------------------------------------- */

/* Appends a step of kernel k with its params and bindings (a third binding is always buffer 2:
 * sgemm's C, triad's c, the triad probe's c); its sizes are 1 until the caller sets them. NULL
 * (and the message set) when out of memory. */
static pb_launch_step *pb_launch_add(pb_launch_plan *plan, pb_launch_kernel k, const void *params, size_t size,
                                     int nbind, int b0, int b1, pb_msg *msg)
{
    pb_launch_step *grown = realloc(plan->steps, (size_t)(plan->nsteps + 1) * sizeof *grown);
    if (!grown) {
        pb_msg_set(msg, PB_ERR_NOMEM, "out of memory planning GPU launches");
        return NULL;
    }
    plan->steps = grown;
    pb_launch_step *s = &plan->steps[plan->nsteps++];
    memset(s, 0, sizeof *s);
    s->kernel = k;
    s->dims = 1;
    for (int d = 0; d < 3; d++)
        s->groups[d] = s->local[d] = 1;
    memcpy(s->params, params, size);
    s->params_size = size;
    s->nbind = nbind;
    s->bind[0] = b0;
    s->bind[1] = b1;
    s->bind[2] = nbind > 2 ? 2 : 0;
    return s;
}

/* One kernel over `n` items in 1D: groups = ceil(n / local). */
static pb_launch_step *pb_launch_add_1d(pb_launch_plan *plan, const pb_launch_limits *lim, pb_launch_kernel k,
                                        long long n, const void *params, size_t size, int nbind, int b0, int b1,
                                        pb_msg *msg)
{
    pb_launch_step *s = pb_launch_add(plan, k, params, size, nbind, b0, b1, msg);
    if (s) {
        s->local[0] = pb_launch_local_1d(lim, k);
        s->groups[0] = pb_launch_div_up(n, s->local[0]);
    }
    return s;
}

/* One work-group per bm x bn block of C, shaped as the tile the kernel was built with. */
static pb_status pb_launch_sgemm(const pb_problem *pr, const pb_launch_limits *lim, pb_launch_plan *plan,
                                 pb_msg *msg)
{
    const pb_sgemm_params *p = &pr->params.sgemm;
    if ((unsigned)lim->sgemm_tile >= PB_LAUNCH_SGEMM_TILES)
        return pb_msg_set(msg, PB_ERR_USAGE, "no sgemm tile shape %d", lim->sgemm_tile);
    const pb_launch_sgemm_tile *t = &pb_launch_sgemm_tiles[lim->sgemm_tile];
    const char *misfit = pb_launch_sgemm_misfit(lim, lim->sgemm_tile);
    if (misfit)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED,
                          "the sgemm kernel's %dx%d tile (%u work-items per group) exceeds this device's %s", t->bm,
                          t->bn, pb_launch_sgemm_threads(lim->sgemm_tile), misfit);
    pb_launch_step *s = pb_launch_add(plan, PB_LK_SGEMM, p, sizeof *p, 3, 0, 1, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->dims = 2;
    s->local[0] = (unsigned)(t->bn / t->tn);
    s->local[1] = (unsigned)(t->bm / t->tm);
    s->groups[0] = pb_launch_div_up(p->n, (unsigned)t->bn);
    s->groups[1] = pb_launch_div_up(p->n, (unsigned)t->bm);
    return PB_OK;
}

static pb_status pb_launch_triad(const pb_problem *pr, const pb_launch_limits *lim, pb_launch_plan *plan,
                                 pb_msg *msg)
{
    const pb_triad_params *p = &pr->params.triad;
    return pb_launch_add_1d(plan, lim, PB_LK_TRIAD, p->n, p, sizeof *p, 3, 0, 1, msg) ? PB_OK : PB_ERR_NOMEM;
}

/* Pass 1: `groups` work-groups each write one partial sum into the workspace; pass 2: one group sums
 * them into the output. Each work-item's serial slice in pass 1 plus the one in pass 2 stay within
 * PB_REDUCE_MAX_CHAIN additions (the rule in workload.h). The grid is PB_LAUNCH_GROUPS_PER_UNIT
 * groups per unit (OpenCL's and Metal's rule; CUDA used to size it by a 64-element slice per thread,
 * which for large n gives far more groups than units and a longer second pass). */
static pb_status pb_launch_reduce(const pb_problem *pr, const pb_launch_limits *lim, pb_launch_plan *plan,
                                  pb_msg *msg)
{
    const pb_reduce_params *p = &pr->params.reduce;
    const unsigned local = pb_launch_local_1d(lim, PB_LK_REDUCE);
    const long long n = p->n > 0 ? p->n : 1;
    const long long pass1_chain = PB_REDUCE_MAX_CHAIN - PB_LAUNCH_REDUCE_PASS2_CHAIN;
    const long long min_groups = (n + local * pass1_chain - 1) / (local * pass1_chain);
    const long long max_groups = (n + local - 1) / local;
    long long groups = (long long)pb_launch_units(lim) * PB_LAUNCH_GROUPS_PER_UNIT;
    groups = groups > max_groups ? max_groups : groups;
    groups = groups < min_groups ? min_groups : groups;
    if (groups > (long long)local * PB_LAUNCH_REDUCE_PASS2_CHAIN)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "n = %d is too large to reduce with work-groups of %u", p->n,
                          local);
    pb_launch_step *s = pb_launch_add(plan, PB_LK_REDUCE, p, sizeof *p, 2, 0, PB_LAUNCH_BIND_WORK, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->local[0] = local;
    s->groups[0] = (unsigned)groups;
    const pb_reduce_params second = {(int)groups};
    if (!(s = pb_launch_add(plan, PB_LK_REDUCE, &second, sizeof second, 2, PB_LAUNCH_BIND_WORK, 1, msg)))
        return PB_ERR_NOMEM;
    s->local[0] = local;
    plan->work_bytes = (size_t)groups * sizeof(float);
    return PB_OK;
}

/* p->steps launches from grid (0), ping-ponging between out (1) and tmp (2) so that the last one
 * writes out (workload.h's rule). 32 x 8 groups everywhere (CUDA and OpenCL already used them). */
static pb_status pb_launch_stencil(const pb_problem *pr, const pb_launch_limits *lim, pb_launch_plan *plan,
                                   pb_msg *msg)
{
    const pb_stencil_params *p = &pr->params.stencil;
    if (p->steps < 1)
        return pb_msg_set(msg, PB_ERR_INPUT, "stencil: steps must be at least 1 (got %d)", p->steps);
    int src = 0;
    for (int step = 0; step < p->steps; step++) {
        const int dst = (p->steps - 1 - step) % 2 == 0 ? 1 : 2;
        pb_launch_step *s = pb_launch_add(plan, PB_LK_STENCIL, p, sizeof *p, 2, src, dst, msg);
        if (!s)
            return PB_ERR_NOMEM;
        s->dims = 2;
        pb_launch_local_2d(lim, PB_LK_STENCIL, s->local);
        s->groups[0] = pb_launch_div_up(p->nx, s->local[0]);
        s->groups[1] = pb_launch_div_up(p->ny, s->local[1]);
        src = dst;
    }
    return PB_OK;
}

/* Work-items per body: the smallest power of two S that gives the device at least
 * PB_LAUNCH_NBODY_SIMD_PER_UNIT SIMD groups per compute unit (n x S work-items), while a work-group
 * of the largest size still holds at least one SIMD group of bodies, so that the parts of a SIMD
 * group read one tile entry together. 1 on a CPU device: PoCL runs a work-group as a loop over its
 * work-items, so there are no idle lanes to fill, and a split only adds the partial sums' pass.
 * A 132-SM H100 at the standard size (16,384 bodies): 8 (131,072 work-items, 31 warps per SM);
 * at the large size (65,536): 2. */
static unsigned pb_launch_nbody_split(long long n, unsigned local, unsigned simd, const pb_launch_limits *lim)
{
    const long long target = (long long)pb_launch_units(lim) * simd * PB_LAUNCH_NBODY_SIMD_PER_UNIT;
    unsigned split = 1;
    if (lim->cpu)
        return split;
    while (n * split < target && local / (2 * split) >= simd &&
           pb_launch_cap(2 * split, lim->max_items[1]) == 2 * split)
        split *= 2;
    return split;
}

/* A 2D work-group of (B, S): B bodies, each summed by S work-items (pb_launch_nbody_split), B x S <=
 * 256. The tile, B x S bodies, is halved while that leaves fewer than two groups per unit (CUDA's
 * and Metal's rule; OpenCL kept 256 and left most of a large GPU idle at n = 4096), down to two SIMD
 * groups (64 items) or one SIMD group of bodies. From the quick size up a 2-unit CPU device still
 * gets 256 x 1. */
static pb_status pb_launch_nbody(const pb_problem *pr, const pb_launch_limits *lim, pb_launch_plan *plan,
                                 pb_msg *msg)
{
    const pb_nbody_params *p = &pr->params.nbody;
    const unsigned simd = lim->simd_width ? lim->simd_width : PB_LAUNCH_SIMD_UNKNOWN;
    const unsigned smallest = 2 * simd > PB_LAUNCH_NBODY_MIN_TILE ? 2 * simd : PB_LAUNCH_NBODY_MIN_TILE;
    unsigned local = pb_launch_local_1d(lim, PB_LK_NBODY);
    const unsigned split = pb_launch_nbody_split(p->n, local, simd, lim);
    while (local > smallest && local / 2 >= split * simd &&
           pb_launch_div_up(p->n, local / split) < 2 * pb_launch_units(lim))
        local /= 2;
    pb_launch_step *s = pb_launch_add(plan, PB_LK_NBODY, p, sizeof *p, 2, 0, 1, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->dims = 2;
    s->local[0] = local / split;
    s->local[1] = split;
    s->groups[0] = pb_launch_div_up(p->n, s->local[0]);
    return PB_OK;
}

/* 32 x 8 groups (OpenCL's, and Metal's on 32-wide SIMD; CUDA used 16 x 16): a SIMD group of 32
 * covers one row, so its stores are one contiguous run. */
static pb_status pb_launch_mandelbrot(const pb_problem *pr, const pb_launch_limits *lim, pb_launch_plan *plan,
                                      pb_msg *msg)
{
    const pb_mandelbrot_params *p = &pr->params.mandelbrot;
    pb_launch_step *s = pb_launch_add(plan, PB_LK_MANDELBROT, p, sizeof *p, 1, 0, 0, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->dims = 2;
    pb_launch_local_2d(lim, PB_LK_MANDELBROT, s->local);
    s->groups[0] = pb_launch_div_up(p->width, s->local[0]);
    s->groups[1] = pb_launch_div_up(p->height, s->local[1]);
    return PB_OK;
}

/* Clear the bins, then count over PB_LAUNCH_GROUPS_PER_UNIT groups per unit (OpenCL's rule, the
 * one measured; CUDA and Metal used 8, one wave on a full GPU, which leaves the tail to the slowest
 * unit and, under PoCL, gives each group a chunk too big for the cache). Each group's flush is one
 * global atomic per work-item, against n / groups elements counted: 31 per work-item on a 132-unit
 * GPU at the standard size. */
static pb_status pb_launch_histogram(const pb_problem *pr, const pb_launch_limits *lim, pb_launch_plan *plan,
                                     pb_msg *msg)
{
    const pb_histogram_params *p = &pr->params.histogram;
    if (!pb_launch_add_1d(plan, lim, PB_LK_HISTOGRAM_CLEAR, p->bins, p, sizeof *p, 1, 1, 0, msg))
        return PB_ERR_NOMEM;
    pb_launch_step *s = pb_launch_add_1d(plan, lim, PB_LK_HISTOGRAM, p->n, p, sizeof *p, 2, 0, 1, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->groups[0] = pb_launch_min(s->groups[0], pb_launch_units(lim) * PB_LAUNCH_GROUPS_PER_UNIT);
    return PB_OK;
}

typedef pb_status (*pb_launch_planner)(const pb_problem *, const pb_launch_limits *, pb_launch_plan *, pb_msg *);

/* Per workload: its planner and the kernels it launches. A workload missing here is unsupported on
 * every GPU backend, with the reason. */
static const struct {
    pb_launch_planner plan;
    int nkernels;
    pb_launch_kernel kernels[2];
} pb_launch_workloads[PB_WL_COUNT] = {
    [PB_WL_SGEMM] = {pb_launch_sgemm, 1, {PB_LK_SGEMM}},
    [PB_WL_TRIAD] = {pb_launch_triad, 1, {PB_LK_TRIAD}},
    [PB_WL_REDUCE] = {pb_launch_reduce, 1, {PB_LK_REDUCE}},
    [PB_WL_STENCIL] = {pb_launch_stencil, 1, {PB_LK_STENCIL}},
    [PB_WL_NBODY] = {pb_launch_nbody, 1, {PB_LK_NBODY}},
    [PB_WL_MANDELBROT] = {pb_launch_mandelbrot, 1, {PB_LK_MANDELBROT}},
    [PB_WL_HISTOGRAM] = {pb_launch_histogram, 2, {PB_LK_HISTOGRAM_CLEAR, PB_LK_HISTOGRAM}},
};

int pb_launch_workload_kernels(int workload, pb_launch_kernel out[2])
{
    if (workload < 0 || workload >= PB_WL_COUNT || !pb_launch_workloads[workload].plan)
        return 0;
    memcpy(out, pb_launch_workloads[workload].kernels, sizeof pb_launch_workloads[workload].kernels);
    return pb_launch_workloads[workload].nkernels;
}

/* Every step within the limits: a backend never enqueues what its device would refuse. */
static pb_status pb_launch_check(const pb_launch_plan *plan, const pb_launch_limits *lim, pb_msg *msg)
{
    for (int i = 0; i < plan->nsteps; i++) {
        const pb_launch_step *s = &plan->steps[i];
        const unsigned threads = s->local[0] * s->local[1] * s->local[2];
        if (threads > pb_launch_group_limit(lim, s->kernel))
            return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "%s needs %u work-items per group, the device allows %u",
                              pb_launch_kernel_name(s->kernel), threads, pb_launch_group_limit(lim, s->kernel));
        for (int d = 0; d < 3; d++) {
            if (pb_launch_cap(s->local[d], lim->max_items[d]) < s->local[d])
                return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "%s needs %u work-items along dimension %d, the device "
                                  "allows %u", pb_launch_kernel_name(s->kernel), s->local[d], d, lim->max_items[d]);
            if (pb_launch_cap(s->groups[d], lim->max_groups[d]) < s->groups[d])
                return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "%s needs %u work-groups along dimension %d, the device "
                                  "allows %u", pb_launch_kernel_name(s->kernel), s->groups[d], d, lim->max_groups[d]);
        }
    }
    return PB_OK;
}

pb_status pb_launch_plan_make(const pb_problem *problem, const pb_launch_limits *limits, pb_launch_plan *out,
                              pb_msg *msg)
{
    pb_launch_kernel kernels[2];
    if (pb_launch_workload_kernels((int)problem->id, kernels) == 0)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "the GPU backends have no launch plan for workload %d",
                          (int)problem->id);
    pb_launch_plan plan = {NULL, 0, 0};
    pb_status st = pb_launch_workloads[problem->id].plan(problem, limits, &plan, msg);
    if (st == PB_OK)
        st = pb_launch_check(&plan, limits, msg);
    if (st != PB_OK) {
        pb_launch_plan_free(&plan);
        return st;
    }
    *out = plan;
    return PB_OK;
}

void pb_launch_plan_free(pb_launch_plan *plan)
{
    if (!plan)
        return;
    free(plan->steps);
    plan->steps = NULL;
    plan->nsteps = 0;
    plan->work_bytes = 0;
}

/* ---- the ceiling probes -------------------------------------------------------------------------- */

/* The kernel of each probe: one step each. */
static const pb_launch_kernel pb_launch_probe_kernels[PB_LAUNCH_PROBE_COUNT] = {
    [PB_LAUNCH_PROBE_FMA] = PB_LK_CEILING_FMA,
    [PB_LAUNCH_PROBE_READ] = PB_LK_CEILING_READ,
    [PB_LAUNCH_PROBE_TRIAD] = PB_LK_CEILING_TRIAD,
};

unsigned pb_launch_compute_units(const pb_launch_limits *limits)
{
    return pb_launch_units(limits);
}

pb_launch_kernel pb_launch_probe_kernel(pb_launch_probe_id id)
{
    return (unsigned)id < PB_LAUNCH_PROBE_COUNT ? pb_launch_probe_kernels[id] : PB_LK_COUNT;
}

/* The read's grid: PB_LAUNCH_GROUPS_PER_UNIT groups per unit, as the reduce's first pass (no
 * more than one per local-size run of float4), and enough that no group's chunk exceeds
 * PB_LAUNCH_PROBE_READ_CHUNK. */
static unsigned pb_launch_probe_read_groups(long long n, unsigned local, const pb_launch_limits *lim)
{
    const long long min_groups = (n + PB_LAUNCH_PROBE_READ_CHUNK - 1) / PB_LAUNCH_PROBE_READ_CHUNK;
    const long long max_groups = n > 0 ? (n + local - 1) / local : 1;
    long long groups = (long long)pb_launch_units(lim) * PB_LAUNCH_GROUPS_PER_UNIT;
    groups = groups > max_groups ? max_groups : groups;
    groups = groups < min_groups ? min_groups : groups;
    return (unsigned)groups;
}

pb_status pb_launch_probe_plan(const pb_launch_probe *probe, const pb_launch_limits *limits, pb_launch_plan *out,
                               pb_msg *msg)
{
    const pb_launch_kernel k = pb_launch_probe_kernel(probe->id);
    if (k == PB_LK_COUNT)
        return pb_msg_set(msg, PB_ERR_USAGE, "no ceiling probe %d", (int)probe->id);
    pb_launch_plan plan = {NULL, 0, 0};
    pb_launch_step *s = NULL;
    switch (probe->id) {
    case PB_LAUNCH_PROBE_FMA:
        s = pb_launch_add_1d(&plan, limits, k, probe->params.fma.n, &probe->params.fma, sizeof probe->params.fma, 1,
                             PB_LAUNCH_PROBE_OUT, 0, msg);
        break;
    case PB_LAUNCH_PROBE_READ:
        if ((s = pb_launch_add(&plan, k, &probe->params.read, sizeof probe->params.read, 2, PB_LAUNCH_PROBE_B,
                               PB_LAUNCH_PROBE_OUT, msg))) {
            s->local[0] = pb_launch_local_1d(limits, k);
            s->groups[0] = pb_launch_probe_read_groups(probe->params.read.n, s->local[0], limits);
        }
        break;
    default: /* PB_LAUNCH_PROBE_TRIAD */
        s = pb_launch_add_1d(&plan, limits, k, probe->params.triad.n, &probe->params.triad,
                             sizeof probe->params.triad, 3, PB_LAUNCH_PROBE_A, PB_LAUNCH_PROBE_B, msg);
        break;
    }
    pb_status st = s ? pb_launch_check(&plan, limits, msg) : PB_ERR_NOMEM;
    if (st != PB_OK) {
        pb_launch_plan_free(&plan);
        return st;
    }
    *out = plan;
    return PB_OK;
}
