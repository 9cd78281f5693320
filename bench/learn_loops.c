/* The plain loops of `make bench-learn`, one element at a time. mk/bench.mk compiles this file on its
 * own with the vectoriser off, so nothing vectorised is inlined into it and step 1 stays scalar. */
#include "learn_loops.h"

void learn_triad_loop(float *a, const float *b, const float *c, float s, int64_t begin, int64_t end)
{
    for (int64_t i = begin; i < end; i++)
        a[i] = b[i] + s * c[i];
}

void learn_sgemm_loop(const float *a, const float *b, float *c, int n, int row_begin, int row_end)
{
    for (int i = row_begin; i < row_end; i++) {
        for (int j = 0; j < n; j++) {
            float sum = 0.0f;
            for (int k = 0; k < n; k++)
                sum += a[(int64_t)i * n + k] * b[(int64_t)k * n + j];
            c[(int64_t)i * n + j] = sum;
        }
    }
}
