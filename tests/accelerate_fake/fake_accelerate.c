/* A stand-in for the parts of Accelerate and macOS the blas backend calls, so that its Accelerate
 * code runs on Linux (tests/cli_accelerate_checks.sh): a plain row-major SGEMM, BLASSetThreading
 * keeping its model per thread as Accelerate does (or refusing it, when PB_FAKE_REFUSE is set, as
 * an OS without the option would), dyld's library versions and the OS version sysctls. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ACCELERATE_NEW_LAPACK
#include <Accelerate/Accelerate.h>
#include <mach-o/dyld.h>
#include <sys/sysctl.h>

#include "fake_accelerate.h"

static _Thread_local enum BLAS_THREADING model = BLAS_THREADING_MULTI_THREADED;
_Thread_local int pb_fake_model_seen = -1;

int BLASSetThreading(const enum BLAS_THREADING threading)
{
    if (getenv("PB_FAKE_REFUSE") || threading >= BLAS_THREADING_MAX_OPTIONS)
        return -1;
    model = threading;
    return 0;
}

enum BLAS_THREADING BLASGetThreading(void) { return model; }

void cblas_sgemm(const enum CBLAS_ORDER ORDER, const enum CBLAS_TRANSPOSE TRANSA, const enum CBLAS_TRANSPOSE TRANSB,
                 const __LAPACK_int M, const __LAPACK_int N, const __LAPACK_int K, const float ALPHA,
                 const float *A, const __LAPACK_int LDA, const float *B, const __LAPACK_int LDB, const float BETA,
                 float *C, const __LAPACK_int LDC)
{
    if (ORDER != CblasRowMajor || TRANSA != CblasNoTrans || TRANSB != CblasNoTrans)
        abort();
    pb_fake_model_seen = (int)model;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double sum = 0;
            for (int k = 0; k < K; k++)
                sum += (double)A[(int64_t)i * LDA + k] * B[(int64_t)k * LDB + j];
            C[(int64_t)i * LDC + j] = (float)(ALPHA * sum + (BETA != 0 ? BETA * C[(int64_t)i * LDC + j] : 0));
        }
}

int32_t NSVersionOfRunTimeLibrary(const char *libraryName)
{
    if (strcmp(libraryName, "Accelerate") == 0)
        return (4 << 16) | (0 << 8) | 0;
    if (strcmp(libraryName, "vecLib") == 0)
        return (3 << 16) | (11 << 8) | 0;
    return -1;
}

static int fake_string(const char *value, void *oldp, size_t *oldlenp)
{
    size_t n = strlen(value) + 1;
    if (*oldlenp < n)
        return -1;
    memcpy(oldp, value, n);
    *oldlenp = n;
    return 0;
}

int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
{
    (void)newp;
    (void)newlen;
    if (strcmp(name, "kern.osproductversion") == 0)
        return fake_string("15.1", oldp, oldlenp);
    if (strcmp(name, "kern.osversion") == 0)
        return fake_string("24B83", oldp, oldlenp);
    return -1;
}
