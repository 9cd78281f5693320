/* Stand-in for <Accelerate/Accelerate.h> (syntax checks on Linux only): exactly what the blas
 * backend uses. With ACCELERATE_NEW_LAPACK the SDK's umbrella (vecLib.h) takes CBLAS from
 * cblas_new.h, where the new interface is available from macOS 13.3; from the macOS 15 SDK it also
 * includes <vecLib/thread_api.h> (BLASSetThreading), which an older SDK lacks (PB_STUB_OLD_SDK).
 * Sources: vecLib.h and cblas_new.h of the macOS SDK (CBLAS values are the reference CBLAS's:
 * RowMajor 101, NoTrans 111); developer.apple.com/documentation/accelerate/cblas_sgemm(_:_:_:_:_:_:_:_:_:_:_:_:_:_:). */
#ifndef PB_STUB_ACCELERATE_H
#define PB_STUB_ACCELERATE_H

#include <Availability.h>

#ifndef ACCELERATE_NEW_LAPACK
#error "the blas backend uses Accelerate's new (macOS 13.3) CBLAS interface: define ACCELERATE_NEW_LAPACK"
#endif

#ifndef PB_STUB_OLD_SDK
#include <vecLib/thread_api.h>
#endif

typedef int __LAPACK_int; /* 32-bit unless ACCELERATE_LAPACK_ILP64 */

enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112, CblasConjTrans = 113 };

void cblas_sgemm(const enum CBLAS_ORDER ORDER, const enum CBLAS_TRANSPOSE TRANSA, const enum CBLAS_TRANSPOSE TRANSB,
                 const __LAPACK_int M, const __LAPACK_int N, const __LAPACK_int K, const float ALPHA,
                 const float *_Nullable A, const __LAPACK_int LDA, const float *_Nullable B, const __LAPACK_int LDB,
                 const float BETA, float *_Nullable C, const __LAPACK_int LDC) PB_STUB_MACOS(13.3);

#endif
