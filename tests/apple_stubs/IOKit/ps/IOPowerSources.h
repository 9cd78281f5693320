/* Stand-in for <IOKit/ps/IOPowerSources.h> (syntax checks on Linux only).
 * Sources: developer.apple.com/documentation/iokit/iopowersources_h; IOKitUser ps.subproj/
 * IOPowerSources.h; METAL-API.md §3.4. */
#ifndef PB_STUB_IOPOWERSOURCES_H
#define PB_STUB_IOPOWERSOURCES_H

#include <CoreFoundation/CoreFoundation.h>

/* A snapshot of the power sources; +1, CFRelease it. NULL on error. */
CFTypeRef IOPSCopyPowerSourcesInfo(void);
/* "AC Power", "Battery Power" or "UPS Power" (Get rule: not released by the caller). */
CFStringRef IOPSGetProvidingPowerSourceType(CFTypeRef snapshot);

#endif
