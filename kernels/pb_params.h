/* Scalar parameters of each workload, shared by the host (C) and the GPU kernels (OpenCL C, CUDA,
 * Metal). Every field is 4 bytes (int or float), so the layout is identical on every compiler and
 * a struct can be passed by value or as a small constant buffer. Keep this header plain C89
 * declarations: it is also pasted into the kernel sources at build time. */
#ifndef PB_PARAMS_H
#define PB_PARAMS_H

/* C = A * B, row-major n x n. */
typedef struct pb_sgemm_params {
    int n;
} pb_sgemm_params;

/* a[i] = b[i] + scalar * c[i], i < n. */
typedef struct pb_triad_params {
    int n;
    float scalar;
} pb_triad_params;

/* out = sum of x[i], i < n. */
typedef struct pb_reduce_params {
    int n;
} pb_reduce_params;

/* One Jacobi step on an nx x ny row-major grid (x fastest): interior cells become
 * c_center * x + c_neighbor * (north + south + east + west); boundary cells are copied.
 * `steps` is how many steps one launch runs. */
typedef struct pb_stencil_params {
    int nx;
    int ny;
    int steps;
    float c_center;
    float c_neighbor;
} pb_stencil_params;

/* Accelerations of n bodies from all pairs: bodies are float4 (x, y, z, mass); the output is
 * float4 (ax, ay, az, 0). a_i = sum_j m_j * d_ij / (|d_ij|^2 + softening2)^(3/2), d_ij = p_j - p_i
 * (the j == i term is zero because d is zero). */
typedef struct pb_nbody_params {
    int n;
    float softening2;
} pb_nbody_params;

/* Escape-time iteration counts for pixel (px, py): c = (x0 + px * dx, y0 + py * dy), z = 0,
 * iterate z = z^2 + c while |z|^2 <= 4 and count < max_iter; output the count (int). */
typedef struct pb_mandelbrot_params {
    int width;
    int height;
    int max_iter;
    float x0;
    float y0;
    float dx;
    float dy;
} pb_mandelbrot_params;

/* 256-bin histogram of the top byte of n uint32 values: bins[v >> 24]++. */
typedef struct pb_histogram_params {
    int n;
    int bins;
} pb_histogram_params;

#define PB_HISTOGRAM_BINS 256

/* The ceiling probes of kernels/ceiling.pbk: not workloads, but the kernels that measure a GPU
 * backend's device before the cases (kernels/pb_ceiling.h). */

/* Each of n work-items runs PB_CEILING_FMA_CHAINS chains x <- fma(x, a, b), 4 * iterations steps
 * each, from starts its index gives, and writes the chains' sum. */
typedef struct pb_ceiling_fma_params {
    int n;
    int iterations;
    float a;
    float b;
} pb_ceiling_fma_params;

#define PB_CEILING_FMA_CHAINS 64

/* partial[group] = the sum of the group's contiguous chunk of x, n float4. */
typedef struct pb_ceiling_read_params {
    int n;
} pb_ceiling_read_params;

/* a[i] = b[i] + scalar * c[i] over n float4. */
typedef struct pb_ceiling_triad_params {
    int n;
    float scalar;
} pb_ceiling_triad_params;

#endif
