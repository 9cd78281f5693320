/* Portable SIMD for the CPU kernels: GCC/Clang vector extensions whose width follows the target
 * (AVX-512: 16 lanes, AVX: 8, NEON and everything else: 4), plus the few operations that plain
 * vector arithmetic cannot express (fused multiply-add, streaming stores, reciprocal square root). */
#ifndef PB_CPU_SIMD_H
#define PB_CPU_SIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__AVX512F__) || defined(__AVX__) || defined(__FMA__) || defined(__SSE2__)
#include <immintrin.h>
#endif
#if defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

#if defined(__AVX512F__)
#define PB_VF_LANES 16
#elif defined(__AVX__)
#define PB_VF_LANES 8
#else
#define PB_VF_LANES 4
#endif

typedef float pb_vf __attribute__((vector_size(PB_VF_LANES * 4)));
typedef int32_t pb_vi __attribute__((vector_size(PB_VF_LANES * 4)));

/* Loads and stores through memcpy: any alignment, no aliasing violation, one instruction. */
static inline pb_vf pb_vf_load(const float *p)
{
    pb_vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void pb_vf_store(float *p, pb_vf v) { memcpy(p, &v, sizeof v); }

/* x + (-0.0) is x for every x (0 + x is not, for x = -0.0), so the compiler folds this into one
 * broadcast. */
static inline pb_vf pb_vf_splat(float x) { return -(pb_vf){ 0 } + x; }

static inline pb_vi pb_vi_splat(int32_t x) { return (pb_vi){ 0 } + x; }

/* a * b + c with one rounding. ISO C mode (-std=c11) makes GCC keep a * b + c as two operations
 * (-ffp-contract=off), which halves the peak of every multiply-add kernel, so the fused
 * instruction is asked for by name where the target has one. */
static inline pb_vf pb_vf_fma(pb_vf a, pb_vf b, pb_vf c)
{
#if defined(__AVX512F__)
    return (pb_vf)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#elif defined(__AVX__) && defined(__FMA__)
    return (pb_vf)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#elif defined(__ARM_NEON) && defined(__aarch64__)
    return (pb_vf)vfmaq_f32((float32x4_t)c, (float32x4_t)a, (float32x4_t)b);
#else
    return a * b + c;
#endif
}

/* 1 / sqrt(x) for x > 0, accurate to a few ulp: the hardware estimate refined by one Newton step,
 * y' = y (1.5 - 0.5 x y^2), several times faster than a square root and a division. */
static inline pb_vf pb_vf_rsqrt(pb_vf x)
{
#if defined(__AVX512F__) || defined(__AVX__)
#if defined(__AVX512F__)
    pb_vf y = (pb_vf)_mm512_rsqrt14_ps((__m512)x);   /* 14 bits: one step reaches fp32 */
#else
    pb_vf y = (pb_vf)_mm256_rsqrt_ps((__m256)x);     /* 12 bits: one step reaches ~23 bits */
#endif
    pb_vf hy = (0.5f * x) * y;
    return y * pb_vf_fma(-hy, y, pb_vf_splat(1.5f));
#elif defined(__ARM_NEON) && defined(__aarch64__)
    return 1.0f / (pb_vf)vsqrtq_f32((float32x4_t)x);  /* pipelined on AArch64 cores */
#else
    pb_vf y = x;
    for (int i = 0; i < PB_VF_LANES; i++)
        y[i] = 1.0f / __builtin_sqrtf(x[i]);
    return y;
#endif
}

/* A store that bypasses the caches, for outputs too large to be re-read from cache: it saves the
 * read-for-ownership of every written line. `p` must be aligned to the vector size. Where the
 * target has none, a plain store. Call pb_stream_fence() before other threads read the data. */
static inline void pb_vf_stream(float *p, pb_vf v)
{
#if defined(__clang__)
    __builtin_nontemporal_store(v, (pb_vf *)p);
#elif defined(__AVX512F__)
    _mm512_stream_ps(p, (__m512)v);
#elif defined(__AVX__)
    _mm256_stream_ps(p, (__m256)v);
#elif defined(__SSE2__)
    _mm_stream_ps(p, (__m128)v);
#else
    pb_vf_store(p, v);
#endif
}

static inline void pb_stream_fence(void)
{
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

/* All lanes of a comparison mask are zero (no lane active). */
static inline int pb_vi_none(pb_vi m)
{
#if defined(__AVX512F__)
    return _mm512_test_epi32_mask((__m512i)m, (__m512i)m) == 0;
#elif defined(__AVX__)
    return _mm256_testz_si256((__m256i)m, (__m256i)m);
#elif defined(__ARM_NEON) && defined(__aarch64__)
    return vmaxvq_u32((uint32x4_t)m) == 0;
#else
    pb_vi acc = m;
    for (int i = 1; i < PB_VF_LANES; i++)
        acc[0] |= m[i];
    return acc[0] == 0;
#endif
}

/* Sum of the lanes, in double. */
static inline double pb_vf_sum_double(pb_vf v)
{
    double s = 0.0;
    for (int i = 0; i < PB_VF_LANES; i++)
        s += (double)v[i];
    return s;
}

#endif
