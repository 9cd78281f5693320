/* Stand-in for <CoreFoundation/CoreFoundation.h> (syntax checks on Linux only): the CF types and
 * functions parbench's Apple files call, as declared in Apple's CoreFoundation headers (CFBase.h,
 * CFNumber.h, CFString.h, CFData.h, CFDictionary.h). Sources: developer.apple.com/documentation/
 * corefoundation/<name>; METAL-API.md §3.1. */
#ifndef PB_STUB_COREFOUNDATION_H
#define PB_STUB_COREFOUNDATION_H

#include <stdint.h>

typedef unsigned char Boolean;                        /* CFBase.h / MacTypes.h */
typedef uint8_t UInt8;
typedef long CFIndex;                                 /* CFBase.h: signed long */
typedef unsigned long CFTypeID;
typedef const void *CFTypeRef;
typedef const struct __CFAllocator *CFAllocatorRef;
typedef const struct __CFString *CFStringRef;
typedef const struct __CFNumber *CFNumberRef;
typedef const struct __CFData *CFDataRef;
typedef const struct __CFDictionary *CFDictionaryRef;
typedef struct __CFDictionary *CFMutableDictionaryRef;

/* kCFAllocatorDefault: documentation/corefoundation/kcfallocatordefault */
extern const CFAllocatorRef kCFAllocatorDefault;

/* CFSTR: a compile-time constant CFString (CFString.h); clang provides the builtin. */
#define CFSTR(cStr) ((CFStringRef)__builtin___CFStringMakeConstantString("" cStr ""))

/* CFRelease: documentation/corefoundation/1521153-cfrelease */
void CFRelease(CFTypeRef cf);
/* CFGetTypeID: documentation/corefoundation/1521218-cfgettypeid */
CFTypeID CFGetTypeID(CFTypeRef cf);
/* CFEqual: documentation/corefoundation/1521287-cfequal */
Boolean CFEqual(CFTypeRef cf1, CFTypeRef cf2);

/* CFNumber (CFNumber.h): CFNumberGetTypeID, CFNumberGetValue; kCFNumberIntType = 9. */
typedef long CFNumberType;                            /* CFIndex-sized enum in the SDK */
enum { kCFNumberIntType = 9 };
CFTypeID CFNumberGetTypeID(void);
Boolean CFNumberGetValue(CFNumberRef number, CFNumberType theType, void *valuePtr);

/* CFString (CFString.h): CFStringGetTypeID, CFStringGetCString; kCFStringEncodingUTF8 = 0x08000100. */
typedef uint32_t CFStringEncoding;
enum { kCFStringEncodingUTF8 = 0x08000100 };
CFTypeID CFStringGetTypeID(void);
Boolean CFStringGetCString(CFStringRef theString, char *buffer, CFIndex bufferSize, CFStringEncoding encoding);

/* CFData (CFData.h): CFDataGetTypeID, CFDataGetLength, CFDataGetBytePtr. */
CFTypeID CFDataGetTypeID(void);
CFIndex CFDataGetLength(CFDataRef theData);
const UInt8 *CFDataGetBytePtr(CFDataRef theData);

#endif
