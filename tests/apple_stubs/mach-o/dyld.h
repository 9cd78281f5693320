/* Stand-in for the macOS SDK's <mach-o/dyld.h> (syntax checks on Linux only): the one call the
 * blas backend uses. NSVersionOfRunTimeLibrary("Foo") gives the current version of the loaded
 * library Foo (libFoo.dylib or Foo.framework), packed as xxxx.yy.zz = (major << 16) | (minor << 8)
 * | patch, or -1 when no such library is loaded. Available since macOS 10.1.
 * Source: <mach-o/dyld.h> of the SDK (__OSX_AVAILABLE_STARTING(__MAC_10_1, __IPHONE_2_0)). */
#ifndef PB_STUB_MACH_O_DYLD_H
#define PB_STUB_MACH_O_DYLD_H

#include <stdint.h>

extern int32_t NSVersionOfRunTimeLibrary(const char *libraryName);

#endif
