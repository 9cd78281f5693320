/* SGEMM on the CPU, C = A * B (row-major n x n), organised as in BLIS: packed panels, blocks sized
 * for L1 and L2, and a register-blocked micro-kernel in portable vector extensions. */
#include <stdint.h>
#include <string.h>

#include "../../core/mem.h"
#include "cpu_kernels.h"
#include "cpu_simd.h"

/* The micro-kernel keeps an MR x NR tile of C in registers (MR rows, NRV vectors per row): per k
 * step it loads NRV vectors of B, broadcasts MR values of A and issues MR * NRV independent
 * FMAs, enough to cover the FMA latency on every port. MR is as large as the register file allows
 * (32 vector registers on AVX-512 and AArch64, 16 on AVX2). */
#define PB_SGEMM_NRV 2
#if PB_VF_LANES == 8
#define PB_SGEMM_MR 6
#else
#define PB_SGEMM_MR 12
#endif
#define PB_SGEMM_NR (PB_SGEMM_NRV * PB_VF_LANES)

/* KC x NB: the packed block of B (768 KiB), read from L2 once per MR rows of A; each MR x KC
 * panel of A (18 KiB at MR = 12) stays in L1 while the block's NR-wide panels stream past it.
 * Measured here against KC 256/512 and NB 256/1024: within noise, or slower. */
#define PB_SGEMM_KC 384
#define PB_SGEMM_NB 512

typedef struct pb_sgemm_state {
    pb_cpu_scratch *scratch;    /* per thread: packed A (its rows x KC) then packed B (KC x NB) */
    int64_t a_floats;           /* size of the packed-A part of a scratch block */
} pb_sgemm_state;

/* The rows [*r0, *r1) of C that worker t computes. Shares start on rows whose offset is a multiple
 * of 16 floats, so two threads never write the same cache line of C. */
static void pb_sgemm_rows(int64_t n, int t, int threads, int64_t *r0, int64_t *r1)
{
    int64_t align = 1;
    while ((align * n) % 16 != 0)
        align++;
    pb_split_aligned(n, align, t, threads, r0, r1);
}

/* Packs rows [i, i + mr) x columns [k0, k0 + kc) of A as one MR-row micro-panel, k-major:
 * ap[k * MR + r]. Rows beyond mr are zero, so the micro-kernel always runs a full tile. */
static void pb_sgemm_pack_a(const float *a, int64_t n, int64_t i, int mr, int64_t k0, int64_t kc,
                            float *restrict ap)
{
    for (int r = 0; r < PB_SGEMM_MR; r++) {
        const float *row = a + (i + r) * n + k0;
        if (r < mr) {
            for (int64_t k = 0; k < kc; k++)
                ap[k * PB_SGEMM_MR + r] = row[k];
        } else {
            for (int64_t k = 0; k < kc; k++)
                ap[k * PB_SGEMM_MR + r] = 0.0f;
        }
    }
}

/* Packs rows [k0, k0 + kc) x columns [j0, j0 + nb) of B as NR-wide micro-panels, one after the
 * other: bp[q * kc * NR + k * NR + c]. Columns beyond nb are zero. */
static void pb_sgemm_pack_b(const float *b, int64_t n, int64_t k0, int64_t kc, int64_t j0, int64_t nb,
                            float *restrict bp)
{
    for (int64_t q = 0; q * PB_SGEMM_NR < nb; q++) {
        int64_t j = j0 + q * PB_SGEMM_NR, w = nb - q * PB_SGEMM_NR;
        float *panel = bp + q * kc * PB_SGEMM_NR;
        if (w >= PB_SGEMM_NR) {
            for (int64_t k = 0; k < kc; k++)
                for (int v = 0; v < PB_SGEMM_NRV; v++)
                    pb_vf_store(panel + k * PB_SGEMM_NR + v * PB_VF_LANES,
                                pb_vf_load(b + (k0 + k) * n + j + v * PB_VF_LANES));
        } else {
            for (int64_t k = 0; k < kc; k++)
                for (int c = 0; c < PB_SGEMM_NR; c++)
                    panel[k * PB_SGEMM_NR + c] = c < w ? b[(k0 + k) * n + j + c] : 0.0f;
        }
    }
}

/* C[0:mr, 0:nr] (=|+=) ap * bp over kc steps. The accumulators are a fixed-size array indexed by
 * constants only after unrolling, so the compiler keeps all of them in registers. */
static void pb_sgemm_micro(int64_t kc, const float *restrict ap, const float *restrict bp, float *c,
                           int64_t ldc, int mr, int nr, int accumulate)
{
    pb_vf acc[PB_SGEMM_MR][PB_SGEMM_NRV];
#pragma GCC unroll 16
    for (int r = 0; r < PB_SGEMM_MR; r++)
#pragma GCC unroll 4
        for (int v = 0; v < PB_SGEMM_NRV; v++)
            acc[r][v] = pb_vf_splat(0.0f);
    for (int64_t k = 0; k < kc; k++) {
        pb_vf bv[PB_SGEMM_NRV];
#pragma GCC unroll 4
        for (int v = 0; v < PB_SGEMM_NRV; v++)
            bv[v] = pb_vf_load(bp + k * PB_SGEMM_NR + v * PB_VF_LANES);
#pragma GCC unroll 16
        for (int r = 0; r < PB_SGEMM_MR; r++) {
            pb_vf av = pb_vf_splat(ap[k * PB_SGEMM_MR + r]);
#pragma GCC unroll 4
            for (int v = 0; v < PB_SGEMM_NRV; v++)
                acc[r][v] = pb_vf_fma(av, bv[v], acc[r][v]);
        }
    }
    if (mr == PB_SGEMM_MR && nr == PB_SGEMM_NR) {
#pragma GCC unroll 16
        for (int r = 0; r < PB_SGEMM_MR; r++)
#pragma GCC unroll 4
            for (int v = 0; v < PB_SGEMM_NRV; v++) {
                float *p = c + r * ldc + v * PB_VF_LANES;
                pb_vf_store(p, accumulate ? pb_vf_load(p) + acc[r][v] : acc[r][v]);
            }
        return;
    }
    float tile[PB_SGEMM_MR * PB_SGEMM_NR];
    for (int r = 0; r < PB_SGEMM_MR; r++)
        for (int v = 0; v < PB_SGEMM_NRV; v++)
            pb_vf_store(tile + r * PB_SGEMM_NR + v * PB_VF_LANES, acc[r][v]);
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++)
            c[r * ldc + j] = accumulate ? c[r * ldc + j] + tile[r * PB_SGEMM_NR + j] : tile[r * PB_SGEMM_NR + j];
}

static void pb_sgemm_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_sgemm_state *st = c->state;
    const pb_problem *p = c->problem;
    const int64_t n = p->params.sgemm.n;
    const float *a = p->buf[0].host, *b = p->buf[1].host;
    float *cm = p->buf[2].host;
    int64_t r0, r1;
    pb_sgemm_rows(n, t, threads, &r0, &r1);
    if (r0 >= r1)
        return;
    float *ap = st->scratch->block[t];
    float *bp = ap + st->a_floats;
    for (int64_t k0 = 0; k0 < n; k0 += PB_SGEMM_KC) {
        int64_t kc = n - k0 < PB_SGEMM_KC ? n - k0 : PB_SGEMM_KC;
        for (int64_t j0 = 0; j0 < n; j0 += PB_SGEMM_NB) {
            int64_t nb = n - j0 < PB_SGEMM_NB ? n - j0 : PB_SGEMM_NB;
            pb_sgemm_pack_b(b, n, k0, kc, j0, nb, bp);
            for (int64_t i = r0; i < r1; i += PB_SGEMM_MR) {
                int mr = r1 - i < PB_SGEMM_MR ? (int)(r1 - i) : PB_SGEMM_MR;
                /* A's panels are packed on first use (j0 == 0) and reused, still in cache
                 * nearby, for the rest of the row of B blocks. */
                float *apanel = ap + (i - r0) * kc;
                if (j0 == 0)
                    pb_sgemm_pack_a(a, n, i, mr, k0, kc, apanel);
                for (int64_t jr = 0; jr < nb; jr += PB_SGEMM_NR) {
                    int nr = nb - jr < PB_SGEMM_NR ? (int)(nb - jr) : PB_SGEMM_NR;
                    pb_sgemm_micro(kc, apanel, bp + jr * kc, cm + i * n + j0 + jr, n, mr, nr, k0 > 0);
                }
            }
        }
    }
}

static pb_status pb_sgemm_setup(pb_cpu_case *c, pb_msg *msg)
{
    pb_sgemm_state *st = pb_alloc(sizeof *st);
    if (!st)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing sgemm");
    memset(st, 0, sizeof *st);
    c->state = st;
    int64_t n = c->problem->params.sgemm.n, r0, r1, rows = 0;
    for (int t = 0; t < c->threads; t++) {
        pb_sgemm_rows(n, t, c->threads, &r0, &r1);
        rows = r1 - r0 > rows ? r1 - r0 : rows;
    }
    int64_t kc = n < PB_SGEMM_KC ? n : PB_SGEMM_KC;
    int64_t nb = n < PB_SGEMM_NB ? n : PB_SGEMM_NB;
    int64_t mr_rows = (rows + PB_SGEMM_MR - 1) / PB_SGEMM_MR * PB_SGEMM_MR;
    int64_t nr_cols = (nb + PB_SGEMM_NR - 1) / PB_SGEMM_NR * PB_SGEMM_NR;
    st->a_floats = (mr_rows * kc + 15) / 16 * 16;
    return pb_cpu_scratch_create(c->pool, c->threads, (size_t)(st->a_floats + kc * nr_cols) * sizeof(float),
                                 &st->scratch, msg);
}

static void pb_sgemm_launch(pb_cpu_case *c) { pb_pool_run(c->pool, c->threads, pb_sgemm_task, c); }

static void pb_sgemm_teardown(pb_cpu_case *c)
{
    pb_sgemm_state *st = c->state;
    if (st)
        pb_cpu_scratch_free(st->scratch);
    pb_free(st);
}

const pb_cpu_kernel pb_cpu_sgemm = {
    .setup = pb_sgemm_setup,
    .launch = pb_sgemm_launch,
    .teardown = pb_sgemm_teardown,
};
