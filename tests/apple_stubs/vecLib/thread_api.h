/* Stand-in for <vecLib/thread_api.h> (syntax checks on Linux only), the header of the macOS 15 SDK
 * that declares Accelerate's BLAS/LAPACK threading switch, restated as the SDK declares it: the enum
 * (MULTI_THREADED = 0: Accelerate decides how many threads; SINGLE_THREADED = 1; MAX_OPTIONS = 2)
 * and the two functions, all API_AVAILABLE(macos(15.0), ios(18.0), watchos(11.0), tvos(18.0)).
 * The setting is per thread (thread-local); BLASSetThreading returns 0 on success, -1 when the
 * option is not supported on this platform.
 * Sources: developer.apple.com/documentation/accelerate/blassetthreading(_:) and
 * .../blas_threading; the SDK's vecLib.framework/Headers/thread_api.h. */
#ifndef PB_STUB_VECLIB_THREAD_API_H
#define PB_STUB_VECLIB_THREAD_API_H

#include <Availability.h>

enum BLAS_THREADING : unsigned int {
    BLAS_THREADING_MULTI_THREADED PB_STUB_MACOS(15.0) = 0,
    BLAS_THREADING_SINGLE_THREADED PB_STUB_MACOS(15.0),
    BLAS_THREADING_MAX_OPTIONS PB_STUB_MACOS(15.0)
};

int BLASSetThreading(const enum BLAS_THREADING threading) PB_STUB_MACOS(15.0);
enum BLAS_THREADING BLASGetThreading(void) PB_STUB_MACOS(15.0);

#endif
