/* The first loops anyone writes for triad and sgemm (bench/learn_loops.c), the baselines of
 * `make bench-learn`. Each works on a range, so one thread can run it all or each pool thread a share. */
#ifndef LEARN_LOOPS_H
#define LEARN_LOOPS_H

#include <stdint.h>

/* a[i] = b[i] + s * c[i] for i in [begin, end). */
void learn_triad_loop(float *a, const float *b, const float *c, float s, int64_t begin, int64_t end);

/* Rows [row_begin, row_end) of C = A * B, all three n x n and row-major: each c[i][j] is the dot
 * product of row i of A and column j of B, summed in k order. */
void learn_sgemm_loop(const float *a, const float *b, float *c, int n, int row_begin, int row_end);

#endif
