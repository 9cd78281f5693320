/* All-pairs gravity on the CPU: vector lanes hold different bodies i, each body j is broadcast to
 * all lanes, so the whole pair interaction, 1/sqrt included, runs in vector registers. */
#include <stdint.h>

#include "cpu_kernels.h"
#include "cpu_simd.h"

/* Bodies i handled together: two vectors share each broadcast of body j and give the core two
 * independent dependency chains per pair. */
#define PB_NBODY_IV 2
#define PB_NBODY_TILE (PB_NBODY_IV * PB_VF_LANES)

/* Accelerations of bodies [i0, i0 + count), count <= PB_NBODY_TILE. Lanes past count repeat body
 * i0 and are not written back. */
static void pb_nbody_tile(const float *restrict bodies, int64_t n, float eps2, int64_t i0, int count,
                          float *restrict acc)
{
    float pos[3][PB_NBODY_TILE];
    for (int k = 0; k < PB_NBODY_TILE; k++)
        for (int d = 0; d < 3; d++)
            pos[d][k] = bodies[(i0 + (k < count ? k : 0)) * 4 + d];
    pb_vf xi[PB_NBODY_IV], yi[PB_NBODY_IV], zi[PB_NBODY_IV];
    pb_vf ax[PB_NBODY_IV], ay[PB_NBODY_IV], az[PB_NBODY_IV];
    for (int v = 0; v < PB_NBODY_IV; v++) {
        xi[v] = pb_vf_load(pos[0] + v * PB_VF_LANES);
        yi[v] = pb_vf_load(pos[1] + v * PB_VF_LANES);
        zi[v] = pb_vf_load(pos[2] + v * PB_VF_LANES);
        ax[v] = ay[v] = az[v] = pb_vf_splat(0.0f);
    }
    const pb_vf veps2 = pb_vf_splat(eps2);
    for (int64_t j = 0; j < n; j++) {
        const pb_vf xj = pb_vf_splat(bodies[j * 4 + 0]), yj = pb_vf_splat(bodies[j * 4 + 1]);
        const pb_vf zj = pb_vf_splat(bodies[j * 4 + 2]), mj = pb_vf_splat(bodies[j * 4 + 3]);
#pragma GCC unroll 4
        for (int v = 0; v < PB_NBODY_IV; v++) {
            pb_vf dx = xj - xi[v], dy = yj - yi[v], dz = zj - zi[v];
            pb_vf r2 = pb_vf_fma(dz, dz, pb_vf_fma(dy, dy, pb_vf_fma(dx, dx, veps2)));
            pb_vf inv = pb_vf_rsqrt(r2);
            pb_vf s = (mj * inv) * (inv * inv);
            ax[v] = pb_vf_fma(dx, s, ax[v]);
            ay[v] = pb_vf_fma(dy, s, ay[v]);
            az[v] = pb_vf_fma(dz, s, az[v]);
        }
    }
    for (int k = 0; k < count; k++) {
        int v = k / PB_VF_LANES, l = k % PB_VF_LANES;
        float *a = acc + (i0 + k) * 4;
        a[0] = ax[v][l];
        a[1] = ay[v][l];
        a[2] = az[v][l];
        a[3] = 0.0f;
    }
}

/* Threads take tiles from the case's work queue rather than fixed shares, so fast cores are not
 * left idle at the end. A tile is a multiple of 4 bodies (one cache line of float4), so threads
 * never write one line. */
static void pb_nbody_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_problem *p = c->problem;
    const int64_t n = p->params.nbody.n;
    (void)threads;
    for (int64_t k; (k = pb_cpu_queue_next(c, t)) >= 0;) {
        int64_t i = k * PB_NBODY_TILE;
        int count = n - i < PB_NBODY_TILE ? (int)(n - i) : PB_NBODY_TILE;
        pb_nbody_tile(p->buf[0].host, n, p->params.nbody.softening2, i, count, p->buf[1].host);
    }
}

static void pb_nbody_launch(pb_cpu_case *c)
{
    const int64_t n = c->problem->params.nbody.n;
    pb_cpu_queue_run(c, (n + PB_NBODY_TILE - 1) / PB_NBODY_TILE, pb_nbody_task, c);
}

const pb_cpu_kernel pb_cpu_nbody = {
    .launch = pb_nbody_launch,
};
