/* Build facts; the Makefile passes them in as -D definitions for this file only. */
#include "buildinfo.h"

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif
#ifndef PB_CFLAGS
#define PB_CFLAGS "unknown"
#endif
#ifndef PB_BACKENDS_BUILT
#define PB_BACKENDS_BUILT "cpu"
#endif

const char *pb_build_version(void) { return PB_VERSION; }

const char *pb_build_compiler(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown C compiler";
#endif
}

const char *pb_build_cflags(void) { return PB_CFLAGS; }
const char *pb_build_backends(void) { return PB_BACKENDS_BUILT; }
