/* 2D 5-point Jacobi stencil, `steps` steps per launch: sizes, counts, inputs, and a check against
 * every step recomputed in fp64. */
#include <math.h>
#include <stdlib.h>

#include "workload_util.h"

#define PB_STENCIL_C_CENTER 0.5f
#define PB_STENCIL_C_NEIGHBOR 0.125f

static double pb_stencil_interior(const pb_dims *d)
{
    const double nx = (double)d->v[0], ny = (double)d->v[1];
    return nx >= 2 && ny >= 2 ? (nx - 2) * (ny - 2) : 0;
}

/* 4 additions and 2 multiplications per interior cell and step. */
static double pb_stencil_flops(const pb_dims *d) { return 6 * pb_stencil_interior(d) * (double)d->v[2]; }

/* Each step reads one grid and writes another: 8 bytes a cell (neighbours come from cache). */
static double pb_stencil_bytes(const pb_dims *d) { return 8 * (double)d->v[0] * (double)d->v[1] * (double)d->v[2]; }

/* Inputs in [0, 1). */
static pb_status pb_stencil_create(const pb_dims *dims, uint64_t seed, pb_problem *out, pb_msg *msg)
{
    static const int64_t min[] = { 1, 1, 1 };
    const int64_t nx = dims->v[0], ny = dims->v[1];
    pb_status st = pb_wl_check_dims(&pb_workload_stencil, dims, min, msg);
    if (st == PB_OK)
        st = pb_wl_check_elements(&pb_workload_stencil, nx * ny, msg);
    if (st != PB_OK)
        return st;
    const size_t bytes = (size_t)(nx * ny) * sizeof(float);
    const pb_buffer_spec specs[] = {
        { "grid", PB_BUFFER_IN, bytes },
        { "out", PB_BUFFER_OUT, bytes },
        { "tmp", PB_BUFFER_SCRATCH, bytes },
    };
    pb_problem p;
    if ((st = pb_wl_begin(&p, PB_WL_STENCIL, dims, specs, 3, msg)) != PB_OK)
        return st;
    pb_rng rng = pb_rng_make(seed);
    pb_fill_uniform(p.buf[0].host, nx * ny, 0.0f, 1.0f, &rng);
    p.params.stencil = (pb_stencil_params){
        .nx = (int)nx,
        .ny = (int)ny,
        .steps = (int)dims->v[2],
        .c_center = PB_STENCIL_C_CENTER,
        .c_neighbor = PB_STENCIL_C_NEIGHBOR,
    };
    p.work = pb_stencil_bytes(dims);
    *out = p;
    return PB_OK;
}

typedef struct pb_stencil_ref {
    double max_abs;  /* max |x| of the input grid, the scale of every error */
    double *grid;    /* the grid after all steps */
} pb_stencil_ref;

static void pb_stencil_ref_free(void *p)
{
    pb_stencil_ref *ref = p;
    if (ref)
        free(ref->grid);
    free(ref);
}

typedef struct pb_stencil_job {
    const pb_problem *problem;
    const double *src;
    double *dst;
    double max_abs[PB_WL_MAX_THREADS];
    double tol;
} pb_stencil_job;

/* GCC 12 for aarch64 (Debian 12's) stops with an internal compiler error in the loop vectoriser
 * (vect_transform_reduction) on this loop's fmax reduction at -O3. The loop only loads the
 * reference grid, untimed, so there it is left scalar; other compilers and targets are unchanged. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__aarch64__)
#define PB_STENCIL_NO_VECTORIZE __attribute__((optimize("no-tree-loop-vectorize")))
#else
#define PB_STENCIL_NO_VECTORIZE
#endif

PB_STENCIL_NO_VECTORIZE
static void pb_stencil_load_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    pb_stencil_job *job = arg;
    const int64_t nx = job->problem->params.stencil.nx;
    const float *grid = job->problem->buf[0].host;
    double max_abs = 0;
    (void)tally;
    for (int64_t i = begin * nx; i < end * nx; i++) {
        job->dst[i] = grid[i];
        max_abs = fmax(max_abs, fabsf(grid[i]));
    }
    job->max_abs[share] = max_abs;
}

static void pb_stencil_step_rows(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_stencil_job *job = arg;
    const pb_stencil_params *sp = &job->problem->params.stencil;
    const int64_t nx = sp->nx, ny = sp->ny;
    const double cc = sp->c_center, cn = sp->c_neighbor;
    (void)share;
    (void)tally;
    for (int64_t y = begin; y < end; y++) {
        const double *s = job->src + y * nx;
        double *d = job->dst + y * nx;
        if (y == 0 || y == ny - 1 || nx < 3) {
            for (int64_t x = 0; x < nx; x++)
                d[x] = s[x];
            continue;
        }
        d[0] = s[0];
        for (int64_t x = 1; x < nx - 1; x++)
            d[x] = cc * s[x] + cn * (s[x - nx] + s[x + nx] + s[x - 1] + s[x + 1]);
        d[nx - 1] = s[nx - 1];
    }
}

static pb_status pb_stencil_reference(pb_problem *problem, pb_pool *pool, int threads, pb_msg *msg)
{
    const pb_stencil_params *sp = &problem->params.stencil;
    const size_t cells = (size_t)sp->nx * (size_t)sp->ny;
    pb_stencil_ref *ref = calloc(1, sizeof *ref);
    double *other = malloc(cells * sizeof(double));
    if (ref)
        ref->grid = malloc(cells * sizeof(double));
    if (!ref || !ref->grid || !other) {
        pb_stencil_ref_free(ref);
        free(other);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory for the stencil reference (%.0f MiB)",
                          2.0 * (double)cells * sizeof(double) / (1024.0 * 1024.0));
    }
    /* Start in the grid that makes the last step land in ref->grid. */
    double *cur = sp->steps % 2 ? other : ref->grid, *next = sp->steps % 2 ? ref->grid : other;
    pb_stencil_job job = { .problem = problem, .dst = cur };
    pb_wl_parallel_for(pool, threads, sp->ny, pb_stencil_load_rows, &job, NULL);
    for (int s = 0; s < PB_WL_MAX_THREADS; s++)
        ref->max_abs = fmax(ref->max_abs, job.max_abs[s]);
    for (int step = 0; step < sp->steps; step++) {
        job.src = cur, job.dst = next;
        pb_wl_parallel_for(pool, threads, sp->ny, pb_stencil_step_rows, &job, NULL);
        double *t = cur;
        cur = next, next = t;
    }
    free(other);
    problem->ref = ref;
    problem->ref_free = pb_stencil_ref_free;
    return PB_OK;
}

static void pb_stencil_check_range(void *arg, int share, int64_t begin, int64_t end, pb_tally *tally)
{
    const pb_stencil_job *job = arg;
    const pb_stencil_ref *ref = job->problem->ref;
    const float *out = job->problem->buf[1].host;
    (void)share;
    for (int64_t i = begin; i < end; i++)
        pb_tally_add(tally, i, pb_ratio(fabs(out[i] - ref->grid[i]), ref->max_abs), job->tol);
}

/* Each fp32 step adds at most about 4u max|x| of rounding to a cell (the coefficients are powers of
 * two, so only the additions round), and a step is a convex combination, so earlier errors never
 * grow: after k steps the error is at most k 4u max|x|. One step more covers a different order of
 * the additions and the fp64 reference's own error. Errors are reported relative to max|x|. */
static pb_status pb_stencil_verify(pb_problem *problem, pb_pool *pool, int threads, double unit_roundoff,
                                   pb_check *out, pb_msg *msg)
{
    const pb_stencil_params *sp = &problem->params.stencil;
    if (!problem->ref) {
        pb_status st = pb_stencil_reference(problem, pool, threads, msg);
        if (st != PB_OK)
            return st;
    }
    pb_stencil_job job = { .problem = problem, .tol = (sp->steps + 1) * 4 * unit_roundoff };
    pb_tally t;
    pb_tally_init(&t);
    pb_wl_parallel_for(pool, threads, (int64_t)sp->nx * sp->ny, pb_stencil_check_range, &job, &t);
    pb_check_set(out, "full fp64 reference (all steps)", &t, job.tol);
    return PB_OK;
}

const pb_workload pb_workload_stencil = {
    .id = PB_WL_STENCIL,
    .name = "stencil",
    .summary = "2D 5-point Jacobi stencil, k steps (bandwidth, cache reuse)",
    .ndims = 3,
    .dim_names = { "nx", "ny", "steps" },
    .sizes = {
        [PB_PRESET_TINY] = { { 67, 45, 3 } },
        [PB_PRESET_QUICK] = { { 1024, 1024, 10 } },
        [PB_PRESET_STANDARD] = { { 4096, 4096, 10 } },
        [PB_PRESET_LARGE] = { { 8192, 8192, 20 } },
    },
    .precision = "fp32",
    .rate_unit = "GB/s",
    .flops = pb_stencil_flops,
    .bytes = pb_stencil_bytes,
    .create = pb_stencil_create,
    .verify = pb_stencil_verify,
};
