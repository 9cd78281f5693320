/* SGEMM on the CPU, C = A * B (row-major n x n), organised as in BLIS: packed panels, blocks sized
 * for L1 and L2, and a register-blocked micro-kernel in portable vector extensions. Each launch
 * packs B once, shared by all threads, then threads take blocks of rows of C from the case's work
 * queue. */
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

/* KC: the depth of one pass, so that an NR-wide micro-panel of packed B (KC x NR, 24 KiB on
 * AVX2) stays in L1 while the MR-row panels of A pass it, and the chunk's packed A (MB x KC,
 * 288 KiB at MB = 192) stays in L2. NB: the columns of B one packing chunk covers (KC x NB,
 * 768 KiB). Measured here with the rows-per-chunk layout below: KC 256 slower, MB 96 slower. */
#define PB_SGEMM_KC 384
#define PB_SGEMM_NB 512
/* Rows of C per chunk of the work queue. A chunk reads all of packed B from memory once per KC
 * step and uses each micro-panel MB / MR times, so MB must be large enough that those reads cost
 * little; fewer rows (down to 4 MR panels) where that leaves fewer than PB_SGEMM_CHUNKS_PER_THREAD
 * chunks per thread to balance with (n = 2048 on 12 threads: 48 rows, 43 chunks). */
#define PB_SGEMM_MB 192
#define PB_SGEMM_MB_MIN (4 * PB_SGEMM_MR)
#define PB_SGEMM_CHUNKS_PER_THREAD 3

typedef struct pb_sgemm_state {
    float *packed_b;            /* all of B, packed once per launch: KC-row blocks of NR-wide panels */
    int64_t ldb;                /* columns of packed B: n rounded up to NR */
    int64_t mb;                 /* rows of C per chunk */
    pb_cpu_scratch *scratch;    /* per thread: packed A, MB rows x KC */
} pb_sgemm_state;

/* Rows of C per chunk for `threads` threads: a multiple of MR and of the rows whose offset is a
 * multiple of 16 floats, so two chunks never write the same cache line of C. */
static int64_t pb_sgemm_chunk_rows(int64_t n, int threads)
{
    int64_t align = 1, mb = PB_SGEMM_MB;
    while ((align * n) % 16 != 0)
        align++;
    while (mb > PB_SGEMM_MB_MIN && (n + mb - 1) / mb < (int64_t)threads * PB_SGEMM_CHUNKS_PER_THREAD)
        mb /= 2;
    mb = (mb + PB_SGEMM_MR - 1) / PB_SGEMM_MR * PB_SGEMM_MR;
    while (mb % align != 0)
        mb += PB_SGEMM_MR;
    return mb;
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

/* Packed B starts each KC-row block at k0 * ldb; in it, the NR-wide panel of columns [j, j + NR) is
 * kc * NR floats at kc * j. */
static float *pb_sgemm_packed_b(const pb_sgemm_state *st, int64_t k0, int64_t kc, int64_t j)
{
    return st->packed_b + k0 * st->ldb + kc * j;
}

static int64_t pb_sgemm_b_blocks_across(int64_t n) { return (n + PB_SGEMM_NB - 1) / PB_SGEMM_NB; }

/* Chunk k of the packing: the KC x NB block of B it names. */
static void pb_sgemm_pack_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_sgemm_state *st = c->state;
    const int64_t n = c->problem->params.sgemm.n, across = pb_sgemm_b_blocks_across(n);
    (void)threads;
    for (int64_t k; (k = pb_cpu_queue_next(c, t)) >= 0;) {
        const int64_t k0 = k / across * PB_SGEMM_KC, j0 = k % across * PB_SGEMM_NB;
        const int64_t kc = n - k0 < PB_SGEMM_KC ? n - k0 : PB_SGEMM_KC;
        const int64_t nb = n - j0 < PB_SGEMM_NB ? n - j0 : PB_SGEMM_NB;
        pb_sgemm_pack_b(c->problem->buf[1].host, n, k0, kc, j0, nb, pb_sgemm_packed_b(st, k0, kc, j0));
    }
}

/* Prefetches the part `q` of `parts` of the micro-panel of packed B at `panel` (kc x NR floats):
 * spread over the calls that use the current micro-panel, it arrives in L1 before it is used. */
static void pb_sgemm_prefetch(const float *panel, int64_t kc, int64_t q, int64_t parts)
{
    const int64_t lines = kc * PB_SGEMM_NR * (int64_t)sizeof(float) / 64, each = (lines + parts - 1) / parts;
    for (int64_t l = q * each; l < (q + 1) * each && l < lines; l++)
        __builtin_prefetch((const char *)panel + l * 64);
}

/* Rows [r0, r1) of C, as in BLIS: per KC step, the rows of A are packed into this thread's scratch
 * (kept in L2), then each micro-panel of packed B (kept in L1) meets every MR-row panel of them. */
static void pb_sgemm_rows(const pb_cpu_case *c, float *ap, int64_t r0, int64_t r1)
{
    const pb_sgemm_state *st = c->state;
    const int64_t n = c->problem->params.sgemm.n, panels = (r1 - r0 + PB_SGEMM_MR - 1) / PB_SGEMM_MR;
    float *cm = c->problem->buf[2].host;
    for (int64_t k0 = 0; k0 < n; k0 += PB_SGEMM_KC) {
        const int64_t kc = n - k0 < PB_SGEMM_KC ? n - k0 : PB_SGEMM_KC;
        for (int64_t q = 0; q < panels; q++) {
            const int64_t i = r0 + q * PB_SGEMM_MR;
            const int mr = r1 - i < PB_SGEMM_MR ? (int)(r1 - i) : PB_SGEMM_MR;
            pb_sgemm_pack_a(c->problem->buf[0].host, n, i, mr, k0, kc, ap + q * PB_SGEMM_MR * kc);
        }
        for (int64_t j = 0; j < n; j += PB_SGEMM_NR) {
            const int nr = n - j < PB_SGEMM_NR ? (int)(n - j) : PB_SGEMM_NR;
            const float *bp = pb_sgemm_packed_b(st, k0, kc, j);
            for (int64_t q = 0; q < panels; q++) {
                const int64_t i = r0 + q * PB_SGEMM_MR;
                const int mr = r1 - i < PB_SGEMM_MR ? (int)(r1 - i) : PB_SGEMM_MR;
                if (j + PB_SGEMM_NR < n)
                    pb_sgemm_prefetch(bp + kc * PB_SGEMM_NR, kc, q, panels);
                pb_sgemm_micro(kc, ap + q * PB_SGEMM_MR * kc, bp, cm + i * n + j, n, mr, nr, k0 > 0);
            }
        }
    }
}

static void pb_sgemm_task(void *arg, int t, int threads)
{
    const pb_cpu_case *c = arg;
    const pb_sgemm_state *st = c->state;
    const int64_t n = c->problem->params.sgemm.n;
    (void)threads;
    for (int64_t k; (k = pb_cpu_queue_next(c, t)) >= 0;) {
        const int64_t r0 = k * st->mb;
        pb_sgemm_rows(c, st->scratch->block[t], r0, n - r0 < st->mb ? n : r0 + st->mb);
    }
}

/* Two queue runs: the return of the first is the barrier between packing B and using it. */
static void pb_sgemm_launch(pb_cpu_case *c)
{
    const pb_sgemm_state *st = c->state;
    const int64_t n = c->problem->params.sgemm.n;
    const int64_t b_blocks = (n + PB_SGEMM_KC - 1) / PB_SGEMM_KC * pb_sgemm_b_blocks_across(n);
    pb_cpu_queue_run(c, b_blocks, pb_sgemm_pack_task, c);
    pb_cpu_queue_run(c, (n + st->mb - 1) / st->mb, pb_sgemm_task, c);
}

static void pb_sgemm_teardown(pb_cpu_case *c)
{
    pb_sgemm_state *st = c->state;
    if (st) {
        pb_cpu_scratch_free(st->scratch);
        pb_free(st->packed_b);
    }
    pb_free(st);
}

/* Packed B is first touched by the worker threads, packing it once as a launch does. */
static pb_status pb_sgemm_setup(pb_cpu_case *c, pb_msg *msg)
{
    pb_sgemm_state *st = pb_alloc(sizeof *st);
    if (!st)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory preparing sgemm");
    memset(st, 0, sizeof *st);
    c->state = st;
    const int64_t n = c->problem->params.sgemm.n, kc = n < PB_SGEMM_KC ? n : PB_SGEMM_KC;
    st->ldb = (n + PB_SGEMM_NR - 1) / PB_SGEMM_NR * PB_SGEMM_NR;
    st->mb = pb_sgemm_chunk_rows(n, c->threads);
    const size_t b_bytes = (size_t)n * (size_t)st->ldb * sizeof(float);
    st->packed_b = pb_alloc(b_bytes);
    if (!st->packed_b)
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory allocating %zu MiB of scratch for packed B",
                          b_bytes >> 20);
    pb_status status = pb_cpu_scratch_create(c->pool, c->threads, (size_t)(st->mb * kc) * sizeof(float),
                                             &st->scratch, msg);
    if (status == PB_OK && c->problem->buf[1].host) {
        const int64_t b_blocks = (n + PB_SGEMM_KC - 1) / PB_SGEMM_KC * pb_sgemm_b_blocks_across(n);
        pb_cpu_queue_run(c, b_blocks, pb_sgemm_pack_task, c);
    }
    return status;
}

const pb_cpu_kernel pb_cpu_sgemm = {
    .setup = pb_sgemm_setup,
    .launch = pb_sgemm_launch,
    .teardown = pb_sgemm_teardown,
};
