/* Stand-in for the macOS SDK's <Availability.h> (syntax checks on Linux only): the SDK version
 * macros that code tests with #if, plus this directory's shorthands for availability attributes.
 * By default the SDK is macOS 26's; define PB_STUB_OLD_SDK to check a build against the macOS 14 SDK.
 * Source: Apple SDK <Availability.h> (__MAC_x_y = x*10000 + y*100); METAL-API.md §1.3. */
#ifndef PB_STUB_AVAILABILITY_H
#define PB_STUB_AVAILABILITY_H

#define __MAC_10_15 101500
#define __MAC_11_0 110000
#define __MAC_12_0 120000
#define __MAC_13_0 130000
#define __MAC_14_0 140000
#ifdef PB_STUB_OLD_SDK
#define __MAC_OS_X_VERSION_MAX_ALLOWED 140000
#else
#define __MAC_15_0 150000
#define __MAC_26_0 260000
#define __MAC_OS_X_VERSION_MAX_ALLOWED 260000
#endif

/* What API_AVAILABLE(macos(v)) and API_DEPRECATED(..., macos(v, d)) expand to in the SDK. */
#define PB_STUB_MACOS(v) __attribute__((availability(macos, introduced = v)))
#define PB_STUB_MACOS_DEPRECATED(v, d) __attribute__((availability(macos, introduced = v, deprecated = d)))

#endif
