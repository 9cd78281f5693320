/* The metal backend's launch plans (metal_plan.h): threadgroup shapes from the pipelines' limits,
 * grid sizes, buffer slots and per-dispatch params for every workload. */
#include "metal_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Threadgroups per GPU core for the grid-stride kernels (reduce, histogram): enough to keep every
 * core's schedulers busy, few enough that per-group partial results stay small. */
#define PB_MTL_GROUPS_PER_CORE 64
/* Cores assumed when the IORegistry gives no count (e.g. a paravirtual GPU). */
#define PB_MTL_CORES_UNKNOWN 8
/* Of the reduce chain budget (PB_REDUCE_MAX_CHAIN), the part kept for the second pass. */
#define PB_MTL_REDUCE_PASS2_CHAIN 64

static const char *const pb_mtl_kernel_names[PB_MTL_K_COUNT] = {
    [PB_MTL_K_SGEMM] = "pb_sgemm",
    [PB_MTL_K_TRIAD] = "pb_triad",
    [PB_MTL_K_REDUCE] = "pb_reduce",
    [PB_MTL_K_STENCIL] = "pb_stencil",
    [PB_MTL_K_NBODY] = "pb_nbody",
    [PB_MTL_K_MANDELBROT] = "pb_mandelbrot",
    [PB_MTL_K_HISTOGRAM_CLEAR] = "pb_histogram_clear",
    [PB_MTL_K_HISTOGRAM] = "pb_histogram",
};

const char *pb_mtl_kernel_name(pb_mtl_kernel kernel)
{
    return (unsigned)kernel < PB_MTL_K_COUNT ? pb_mtl_kernel_names[kernel] : "unknown";
}

int pb_mtl_workload_kernels(pb_workload_id id, pb_mtl_kernel out[2])
{
    static const pb_mtl_kernel first[PB_WL_COUNT] = {
        [PB_WL_SGEMM] = PB_MTL_K_SGEMM,         [PB_WL_TRIAD] = PB_MTL_K_TRIAD,
        [PB_WL_REDUCE] = PB_MTL_K_REDUCE,       [PB_WL_STENCIL] = PB_MTL_K_STENCIL,
        [PB_WL_NBODY] = PB_MTL_K_NBODY,         [PB_WL_MANDELBROT] = PB_MTL_K_MANDELBROT,
        [PB_WL_HISTOGRAM] = PB_MTL_K_HISTOGRAM_CLEAR,
    };
    if ((unsigned)id >= PB_WL_COUNT)
        return 0;
    out[0] = first[id];
    if (id != PB_WL_HISTOGRAM)
        return 1;
    out[1] = PB_MTL_K_HISTOGRAM;
    return 2;
}

/* 256 threads of 8 x 8 is the fast shape; the same 256 at 4 x 4 need half the registers, for a
 * compiler that allows the big shape fewer threads; 64 threads of 4 x 4 fit any pipeline. */
const pb_mtl_sgemm_tile pb_mtl_sgemm_tiles[PB_MTL_SGEMM_TILES] = {
    { 128, 128, 8, 8, 8 },
    { 64, 64, 16, 4, 4 },
    { 32, 32, 16, 4, 4 },
};

static unsigned pb_mtl_sgemm_threads(const pb_mtl_sgemm_tile *t)
{
    return (unsigned)((t->bn / t->tn) * (t->bm / t->tm));
}

int pb_mtl_sgemm_tile_fits(int tile, unsigned max_threads)
{
    return max_threads >= pb_mtl_sgemm_threads(&pb_mtl_sgemm_tiles[tile]);
}

int pb_mtl_source_prefix(int tile, char *out, size_t size)
{
    const pb_mtl_sgemm_tile *t = &pb_mtl_sgemm_tiles[tile];
    return snprintf(out, size,
                    "#define PB_TARGET_METAL 1\n#define PB_SGEMM_BM %d\n#define PB_SGEMM_BN %d\n"
                    "#define PB_SGEMM_BK %d\n#define PB_SGEMM_TM %d\n#define PB_SGEMM_TN %d\n",
                    t->bm, t->bn, t->bk, t->tm, t->tn);
}

static unsigned pb_mtl_floor_pow2(unsigned n)
{
    unsigned p = 1;
    while (p <= n / 2)
        p *= 2;
    return p;
}

static unsigned pb_mtl_div_up(long long items, unsigned per)
{
    return items > 0 ? (unsigned)((items + per - 1) / per) : 1u;
}

/* A 1D threadgroup: at most `cap` threads and what the pipeline allows, a power of two (the reduce
 * tree needs one, and every SIMD width divides it). */
static unsigned pb_mtl_local_1d(const pb_mtl_limits *lim, pb_mtl_kernel k, unsigned cap)
{
    unsigned max = lim->max_threads[k] ? lim->max_threads[k] : 1;
    return pb_mtl_floor_pow2(max < cap ? max : cap);
}

/* A 2D threadgroup: one SIMD group wide along x (contiguous memory), up to 8 rows tall. */
static void pb_mtl_local_2d(const pb_mtl_limits *lim, pb_mtl_kernel k, unsigned local[3])
{
    unsigned max = lim->max_threads[k] ? lim->max_threads[k] : 1;
    unsigned width = lim->simd_width[k] ? lim->simd_width[k] : 32;
    local[0] = width < max ? width : max;
    local[1] = max / local[0] < 8 ? max / local[0] : 8;
    local[2] = 1;
}

static unsigned pb_mtl_grid_groups(const pb_mtl_limits *lim)
{
    return (unsigned)(lim->gpu_cores > 0 ? lim->gpu_cores : PB_MTL_CORES_UNKNOWN) * PB_MTL_GROUPS_PER_CORE;
}

static pb_mtl_step *pb_mtl_add(pb_mtl_plan *plan, pb_mtl_kernel kernel, const void *params, size_t params_size,
                               pb_msg *msg)
{
    pb_mtl_step *grown = realloc(plan->steps, (size_t)(plan->nsteps + 1) * sizeof *grown);
    if (!grown) {
        pb_msg_set(msg, PB_ERR_NOMEM, "out of memory planning Metal dispatches");
        return NULL;
    }
    plan->steps = grown;
    pb_mtl_step *s = &plan->steps[plan->nsteps++];
    memset(s, 0, sizeof *s);
    s->kernel = kernel;
    for (int d = 0; d < 3; d++)
        s->groups[d] = s->local[d] = 1;
    memcpy(s->params, params, params_size);
    s->params_size = params_size;
    return s;
}

static void pb_mtl_bind(pb_mtl_step *s, int nbind, int b0, int b1, int b2)
{
    const int binds[PB_MTL_MAX_BINDS] = { b0, b1, b2 };
    s->nbind = nbind;
    memcpy(s->bind, binds, sizeof binds);
}

/* One kernel over `n` items in 1D, groups = ceil(n / local). */
static pb_status pb_mtl_plan_1d(pb_mtl_plan *plan, const pb_mtl_limits *lim, pb_mtl_kernel k, long long n,
                                const void *params, size_t size, int nbind, int b0, int b1, int b2, pb_msg *msg)
{
    pb_mtl_step *s = pb_mtl_add(plan, k, params, size, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->local[0] = pb_mtl_local_1d(lim, k, PB_MTL_TILE_MAX);
    s->groups[0] = pb_mtl_div_up(n, s->local[0]);
    pb_mtl_bind(s, nbind, b0, b1, b2);
    return PB_OK;
}

/* One threadgroup per bm x bn block of C, shaped as the pipeline's tile. */
static pb_status pb_mtl_plan_sgemm(const pb_problem *pr, const pb_mtl_limits *lim, pb_mtl_plan *plan, pb_msg *msg)
{
    const pb_sgemm_params *p = &pr->params.sgemm;
    if ((unsigned)lim->sgemm_tile >= PB_MTL_SGEMM_TILES)
        return pb_msg_set(msg, PB_ERR_USAGE, "no sgemm tile shape %d", lim->sgemm_tile);
    const pb_mtl_sgemm_tile *t = &pb_mtl_sgemm_tiles[lim->sgemm_tile];
    if (!pb_mtl_sgemm_tile_fits(lim->sgemm_tile, lim->max_threads[PB_MTL_K_SGEMM]))
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED,
                          "the sgemm pipeline allows %u threads per threadgroup; its %dx%d tile needs %u",
                          lim->max_threads[PB_MTL_K_SGEMM], t->bm, t->bn, pb_mtl_sgemm_threads(t));
    pb_mtl_step *s = pb_mtl_add(plan, PB_MTL_K_SGEMM, p, sizeof *p, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->local[0] = (unsigned)(t->bn / t->tn);
    s->local[1] = (unsigned)(t->bm / t->tm);
    s->groups[0] = pb_mtl_div_up(p->n, (unsigned)t->bn);
    s->groups[1] = pb_mtl_div_up(p->n, (unsigned)t->bm);
    pb_mtl_bind(s, 3, 0, 1, 2);
    return PB_OK;
}

static pb_status pb_mtl_plan_triad(const pb_problem *pr, const pb_mtl_limits *lim, pb_mtl_plan *plan, pb_msg *msg)
{
    const pb_triad_params *p = &pr->params.triad;
    return pb_mtl_plan_1d(plan, lim, PB_MTL_K_TRIAD, p->n, p, sizeof *p, 3, 0, 1, 2, msg);
}

/* Pass 1: `groups` threadgroups each write one partial sum into the workspace; pass 2: one
 * threadgroup sums the partials into the output. Each thread's serial slice in pass 1 plus the
 * one in pass 2 stay within PB_REDUCE_MAX_CHAIN additions (the rule in workload.h). */
static pb_status pb_mtl_plan_reduce(const pb_problem *pr, const pb_mtl_limits *lim, pb_mtl_plan *plan, pb_msg *msg)
{
    const pb_reduce_params *p = &pr->params.reduce;
    const unsigned local = pb_mtl_local_1d(lim, PB_MTL_K_REDUCE, PB_MTL_TILE_MAX);
    const long long n = p->n > 0 ? p->n : 1;
    const long long pass1_chain = PB_REDUCE_MAX_CHAIN - PB_MTL_REDUCE_PASS2_CHAIN;
    const long long min_groups = (n + local * pass1_chain - 1) / (local * pass1_chain);
    const long long max_groups = (n + local - 1) / local;
    long long groups = pb_mtl_grid_groups(lim);
    groups = groups > max_groups ? max_groups : groups;
    groups = groups < min_groups ? min_groups : groups;
    if (groups > (long long)local * PB_MTL_REDUCE_PASS2_CHAIN)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "n = %d is too large to reduce with threadgroups of %u", p->n,
                          local);
    pb_mtl_step *s = pb_mtl_add(plan, PB_MTL_K_REDUCE, p, sizeof *p, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->local[0] = local;
    s->groups[0] = (unsigned)groups;
    pb_mtl_bind(s, 2, 0, PB_MTL_BIND_WORK, 0);
    const pb_reduce_params second = { (int)groups };
    if (!(s = pb_mtl_add(plan, PB_MTL_K_REDUCE, &second, sizeof second, msg)))
        return PB_ERR_NOMEM;
    s->local[0] = local;
    pb_mtl_bind(s, 2, PB_MTL_BIND_WORK, 1, 0);
    plan->work_bytes = (size_t)groups * sizeof(float);
    return PB_OK;
}

/* p->steps dispatches from grid, ping-ponging between out (1) and tmp (2) so that the last one
 * writes out. */
static pb_status pb_mtl_plan_stencil(const pb_problem *pr, const pb_mtl_limits *lim, pb_mtl_plan *plan, pb_msg *msg)
{
    const pb_stencil_params *p = &pr->params.stencil;
    int src = 0;
    for (int step = 0; step < p->steps; step++) {
        const int dst = (p->steps - 1 - step) % 2 == 0 ? 1 : 2;
        pb_mtl_step *s = pb_mtl_add(plan, PB_MTL_K_STENCIL, p, sizeof *p, msg);
        if (!s)
            return PB_ERR_NOMEM;
        pb_mtl_local_2d(lim, PB_MTL_K_STENCIL, s->local);
        s->groups[0] = pb_mtl_div_up(p->nx, s->local[0]);
        s->groups[1] = pb_mtl_div_up(p->ny, s->local[1]);
        pb_mtl_bind(s, 2, src, dst, 0);
        src = dst;
    }
    return PB_OK;
}

/* The tile is the threadgroup: up to 256 bodies, smaller for small n so every core gets groups. */
static pb_status pb_mtl_plan_nbody(const pb_problem *pr, const pb_mtl_limits *lim, pb_mtl_plan *plan, pb_msg *msg)
{
    const pb_nbody_params *p = &pr->params.nbody;
    unsigned local = pb_mtl_local_1d(lim, PB_MTL_K_NBODY, PB_MTL_TILE_MAX);
    const unsigned cores = (unsigned)(lim->gpu_cores > 0 ? lim->gpu_cores : PB_MTL_CORES_UNKNOWN);
    const unsigned simd = lim->simd_width[PB_MTL_K_NBODY] ? lim->simd_width[PB_MTL_K_NBODY] : 32;
    while (local > 2 * simd && pb_mtl_div_up(p->n, local) < 2 * cores)
        local /= 2;
    pb_mtl_step *s = pb_mtl_add(plan, PB_MTL_K_NBODY, p, sizeof *p, msg);
    if (!s)
        return PB_ERR_NOMEM;
    s->local[0] = local;
    s->groups[0] = pb_mtl_div_up(p->n, local);
    pb_mtl_bind(s, 2, 0, 1, 0);
    return PB_OK;
}

static pb_status pb_mtl_plan_mandelbrot(const pb_problem *pr, const pb_mtl_limits *lim, pb_mtl_plan *plan,
                                        pb_msg *msg)
{
    const pb_mandelbrot_params *p = &pr->params.mandelbrot;
    pb_mtl_step *s = pb_mtl_add(plan, PB_MTL_K_MANDELBROT, p, sizeof *p, msg);
    if (!s)
        return PB_ERR_NOMEM;
    pb_mtl_local_2d(lim, PB_MTL_K_MANDELBROT, s->local);
    s->groups[0] = pb_mtl_div_up(p->width, s->local[0]);
    s->groups[1] = pb_mtl_div_up(p->height, s->local[1]);
    pb_mtl_bind(s, 1, 0, 0, 0);
    return PB_OK;
}

/* Clear the bins, then count with a grid-stride loop over a few groups per core: more groups would
 * only add global atomics at the end. */
static pb_status pb_mtl_plan_histogram(const pb_problem *pr, const pb_mtl_limits *lim, pb_mtl_plan *plan,
                                       pb_msg *msg)
{
    const pb_histogram_params *p = &pr->params.histogram;
    pb_status st = pb_mtl_plan_1d(plan, lim, PB_MTL_K_HISTOGRAM_CLEAR, p->bins, p, sizeof *p, 1, 1, 0, 0, msg);
    if (st != PB_OK)
        return st;
    st = pb_mtl_plan_1d(plan, lim, PB_MTL_K_HISTOGRAM, p->n, p, sizeof *p, 2, 0, 1, 0, msg);
    if (st != PB_OK)
        return st;
    pb_mtl_step *s = &plan->steps[plan->nsteps - 1];
    const unsigned enough = pb_mtl_grid_groups(lim) / 8;
    if (s->groups[0] > enough)
        s->groups[0] = enough;
    return PB_OK;
}

typedef pb_status (*pb_mtl_planner)(const pb_problem *, const pb_mtl_limits *, pb_mtl_plan *, pb_msg *);

static const pb_mtl_planner pb_mtl_planners[PB_WL_COUNT] = {
    [PB_WL_SGEMM] = pb_mtl_plan_sgemm,           [PB_WL_TRIAD] = pb_mtl_plan_triad,
    [PB_WL_REDUCE] = pb_mtl_plan_reduce,         [PB_WL_STENCIL] = pb_mtl_plan_stencil,
    [PB_WL_NBODY] = pb_mtl_plan_nbody,           [PB_WL_MANDELBROT] = pb_mtl_plan_mandelbrot,
    [PB_WL_HISTOGRAM] = pb_mtl_plan_histogram,
};

pb_status pb_mtl_plan_make(const pb_problem *problem, const pb_mtl_limits *limits, pb_mtl_plan *out, pb_msg *msg)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)problem->id >= PB_WL_COUNT)
        return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "no Metal launch plan for workload %d", (int)problem->id);
    pb_mtl_plan plan = { NULL, 0, 0 };
    pb_status st = pb_mtl_planners[problem->id](problem, limits, &plan, msg);
    if (st != PB_OK) {
        pb_mtl_plan_free(&plan);
        return st;
    }
    *out = plan;
    return PB_OK;
}

void pb_mtl_plan_free(pb_mtl_plan *plan)
{
    if (!plan)
        return;
    free(plan->steps);
    plan->steps = NULL;
    plan->nsteps = 0;
}
