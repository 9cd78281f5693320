/* `make bench` part 2: the ceiling probes (src/backends/cpu/cpu_ceiling.c) held against independent
 * measurements made here, in the same run: a plain FMA-chain program (its own threads, its own
 * loop) and a STREAM-style triad with and without non-temporal stores. Targets: the FMA ceiling
 * within 10% of the plain program, the bandwidth ceiling within 15% of the better triad. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/backends/cpu/cpu_ceiling.h"
#include "../src/backends/cpu/cpu_simd.h"
#include "../src/core/fingerprint.h"
#include "../src/core/mem.h"
#include "../src/core/timer.h"

#define CHAINS 10   /* with m and a, 12 vector registers: no spills even with 16 of them (AVX2) */
#define TRIAD_N ((size_t)1 << 26)   /* 256 MiB per array: 768 MiB, far beyond any LLC here */
#define TRIAD_REPS 10

typedef struct job {
    int index, threads, nt;
    long iters;
    float *a, *b, *c;
    float result;
    pthread_barrier_t *start;
} job;

static void *fma_thread(void *arg)
{
    job *j = arg;
    pb_vf acc[CHAINS];
    for (int k = 0; k < CHAINS; k++)
        acc[k] = pb_vf_splat(1.0f + (float)k / 64);
    const pb_vf m = pb_vf_splat(0.9999f), a = pb_vf_splat(0.0001f);
    pthread_barrier_wait(j->start);
    for (long i = 0; i < j->iters; i++)
        for (int k = 0; k < CHAINS; k++)
            acc[k] = pb_vf_fma(acc[k], m, a);
    pb_vf s = acc[0];
    for (int k = 1; k < CHAINS; k++)
        s += acc[k];
    j->result = s[0];
    return NULL;
}

static void *triad_thread(void *arg)
{
    job *j = arg;
    size_t i0 = TRIAD_N / (size_t)j->threads * (size_t)j->index, i1 = j->index == j->threads - 1 ? TRIAD_N : i0 + TRIAD_N / (size_t)j->threads;
    i0 &= ~(size_t)63;
    i1 = j->index == j->threads - 1 ? TRIAD_N : (i1 & ~(size_t)63);
    const pb_vf s = pb_vf_splat(3.0f);
    pthread_barrier_wait(j->start);
    if (j->nt) {
        for (size_t i = i0; i < i1; i += PB_VF_LANES)
            pb_vf_stream(j->a + i, pb_vf_fma(s, pb_vf_load(j->c + i), pb_vf_load(j->b + i)));
        pb_stream_fence();
    } else {
        for (size_t i = i0; i < i1; i += PB_VF_LANES)
            pb_vf_store(j->a + i, pb_vf_fma(s, pb_vf_load(j->c + i), pb_vf_load(j->b + i)));
    }
    return NULL;
}

/* Runs fn on `threads` threads released together; returns the seconds from release to the last. */
static double run_threads(void *(*fn)(void *), job *proto, int threads)
{
    pthread_t tid[256];
    job jobs[256];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++) {
        jobs[t] = *proto;
        jobs[t].index = t;
        jobs[t].threads = threads;
        jobs[t].start = &start;
        pthread_create(&tid[t], NULL, fn, &jobs[t]);
    }
    pthread_barrier_wait(&start);
    double t0 = pb_time_now();
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    double s = pb_time_now() - t0;
    pthread_barrier_destroy(&start);
    proto->result = jobs[0].result;
    return s;
}

static double plain_fma(int threads)
{
    job j = { 0 };
    j.iters = 1 << 16;
    double s;
    while ((s = run_threads(fma_thread, &j, threads)) < 0.1)
        j.iters *= 2;
    j.iters = (long)((double)j.iters * 0.5 / s);
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        s = run_threads(fma_thread, &j, threads);
        double g = 2.0 * CHAINS * PB_VF_LANES * (double)threads * (double)j.iters / s / 1e9;
        best = g > best ? g : best;
    }
    if (!(fabsf(j.result - CHAINS) < 0.1f * CHAINS))
        fprintf(stderr, "plain FMA: unexpected chain sum %g\n", j.result);
    return best;
}

static double stream_triad(int threads, int nt, float *a, float *b, float *c)
{
    job j = { 0 };
    j.a = a;
    j.b = b;
    j.c = c;
    j.nt = nt;
    double best = 0;
    for (int rep = 0; rep < TRIAD_REPS; rep++) {
        double s = run_threads(triad_thread, &j, threads);
        double g = 12.0 * (double)TRIAD_N / s / 1e9;
        best = g > best ? g : best;
    }
    if (a[TRIAD_N / 3] != b[TRIAD_N / 3] + 3.0f * c[TRIAD_N / 3])
        fprintf(stderr, "STREAM triad: wrong value\n");
    return best;
}

static void line(const char *what, double probe, double ref, double target)
{
    double ratio = probe / ref;
    printf("  %-44s probe %8.1f  reference %8.1f  ratio %.3f  %s (within %.0f%%)\n", what, probe, ref, ratio,
           fabs(ratio - 1) <= target ? "PASS" : "MISS", 100 * target);
}

int main(void)
{
    int threads = pb_fingerprint_online_cpus();
    threads = threads < 1 ? 1 : threads > 256 ? 256 : threads;
    pb_machine m;
    pb_fingerprint_read(&m);
    int64_t llc = pb_fingerprint_llc_bytes(&m);
    size_t array = llc > 0 ? 4 * (size_t)llc : (size_t)128 << 20;
    array = array < (size_t)128 << 20 ? (size_t)128 << 20 : array > (size_t)512 << 20 ? (size_t)512 << 20 : array;
    printf("ceiling probes against independent measurements, %d threads, %d-lane fp32 vectors\n", threads,
           PB_VF_LANES);

    pb_pool *pool = NULL;
    pb_msg msg = { "" };
    if (pb_pool_create(threads, &pool, &msg) != PB_OK) {
        fprintf(stderr, "%s\n", msg.text);
        return 1;
    }
    /* The probe as `parbench run` runs it at the standard preset. */
    pb_cpu_ceiling_opts o = { threads, 0.25, array, 8 };
    pb_cpu_ceiling_result r;
    if (pb_cpu_ceiling_measure(pool, &o, &r, &msg) != PB_OK) {
        fprintf(stderr, "probe failed: %s\n", msg.text);
        return 1;
    }
    pb_pool_free(pool);
    printf("  probe: %.1f GFLOP/s, %.1f GB/s (read %.1f, triad %.1f, non-temporal %.1f) in %.2f s, 3 x %zu MiB\n",
           r.fp32_gflops, r.bandwidth_gbs, r.read_gbs, r.triad_gbs, r.triad_nt_gbs, r.seconds, array >> 20);

    double fma = plain_fma(threads);
    float *a = pb_alloc(TRIAD_N * sizeof(float)), *b = pb_alloc(TRIAD_N * sizeof(float)),
          *c = pb_alloc(TRIAD_N * sizeof(float));
    if (!a || !b || !c) {
        fprintf(stderr, "no memory for the STREAM triad (3 x 256 MiB)\n");
        return 1;
    }
    for (size_t i = 0; i < TRIAD_N; i++) {
        a[i] = 0;
        b[i] = (float)(i % 5);
        c[i] = (float)(i % 3);
    }
    double plain = stream_triad(threads, 0, a, b, c), nt = stream_triad(threads, 1, a, b, c);
    pb_free(a);
    pb_free(b);
    pb_free(c);
    printf("  plain FMA chains: %.1f GFLOP/s; STREAM triad 3 x 256 MiB: %.1f GB/s plain, %.1f GB/s non-temporal\n",
           fma, plain, nt);
    line("fp32 FMA ceiling vs plain FMA chains (GFLOP/s)", r.fp32_gflops, fma, 0.10);
    line("bandwidth ceiling vs better STREAM triad (GB/s)", r.bandwidth_gbs, fmax(plain, nt), 0.15);
    return 0;
}
