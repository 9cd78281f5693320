/* Stand-in for <IOKit/IOKitLib.h> (syntax checks on Linux only): the IORegistry calls parbench
 * makes, as IOKitLib.h, IOTypes.h, IOKitKeys.h and <mach/port.h> declare them.
 * Sources: developer.apple.com/documentation/iokit/<name>; METAL-API.md §3.1. */
#ifndef PB_STUB_IOKITLIB_H
#define PB_STUB_IOKITLIB_H

#include <CoreFoundation/CoreFoundation.h>
#include <stdint.h>

typedef unsigned int mach_port_t;                     /* <mach/port.h> (natural_t) */
#define MACH_PORT_NULL 0                              /* <mach/port.h>; kIOMainPortDefault equals it */
typedef int kern_return_t;
typedef mach_port_t io_object_t;                      /* IOTypes.h */
typedef io_object_t io_service_t;
typedef io_object_t io_registry_entry_t;
typedef uint32_t IOOptionBits;
typedef char io_name_t[128];

#define kIOServicePlane "IOService"                   /* IOKitKeys.h */
enum {                                                /* IOKitKeys.h: registry iteration options */
    kIORegistryIterateRecursively = 0x00000001,
    kIORegistryIterateParents = 0x00000002
};

/* IOServiceMatching: iokit/1514687-ioservicematching; returns +1, consumed by the Get call below. */
CFMutableDictionaryRef IOServiceMatching(const char *name);
/* IORegistryEntryIDMatching: iokit/1514880-ioregistryentryidmatching (macOS 10.6). */
CFMutableDictionaryRef IORegistryEntryIDMatching(uint64_t entryID);
/* IOServiceGetMatchingService: iokit/1514535-ioservicegetmatchingservice; consumes `matching`. */
io_service_t IOServiceGetMatchingService(mach_port_t mainPort, CFDictionaryRef matching);
/* IORegistryEntryCreateCFProperty: iokit/1514293-ioregistryentrycreatecfproperty (Create rule). */
CFTypeRef IORegistryEntryCreateCFProperty(io_registry_entry_t entry, CFStringRef key, CFAllocatorRef allocator,
                                          IOOptionBits options);
/* IORegistryEntrySearchCFProperty: iokit/1514537-ioregistryentrysearchcfproperty (Create rule). */
CFTypeRef IORegistryEntrySearchCFProperty(io_registry_entry_t entry, const io_name_t plane, CFStringRef key,
                                          CFAllocatorRef allocator, IOOptionBits options);
/* IOObjectRelease: iokit/1514627-ioobjectrelease */
kern_return_t IOObjectRelease(io_object_t object);

#endif
