/* Stand-in for <Foundation/Foundation.h> (syntax checks on Linux only): the Foundation subset the
 * metal backend uses, with the types and signatures of Apple's NSObject.h, NSString.h, NSError.h,
 * NSArray.h and NSObjCRuntime.h. Sources: developer.apple.com/documentation/foundation/<name>;
 * METAL-API.md §1.0. */
#ifndef PB_STUB_FOUNDATION_H
#define PB_STUB_FOUNDATION_H

#include <Availability.h>
#include <stdint.h>

/* NSObjCRuntime.h: 64-bit on LP64 macOS. objc.h: BOOL is bool on arm64, signed char on x86_64. */
typedef unsigned long NSUInteger;
typedef long NSInteger;
#if defined(__arm64__) || defined(__aarch64__)
typedef _Bool BOOL;
#else
typedef signed char BOOL;
#endif
#define YES __objc_yes
#define NO __objc_no
#define nil ((void *)0)                               /* objc.h: __DARWIN_NULL */

/* NSObjCRuntime.h: NS_ENUM gives an enum with a fixed underlying type. */
#define NS_ENUM(type, name) enum name : type name; enum name : type
#define NS_OPTIONS(type, name) enum name : type name; enum name : type

/* The NSObject protocol, which every Metal protocol adopts (NSObject.h). */
@protocol NSObject
@end

/* NSObject: the root class; +alloc and -init (documentation/objectivec/nsobject). */
__attribute__((objc_root_class))
@interface NSObject <NSObject>
+ (instancetype)alloc;
- (instancetype)init;
@end

/* NSString: +stringWithUTF8String: (nullable, autoreleased) and UTF8String
 * (documentation/foundation/nsstring/1497379-stringwithutf8string, .../1411189-utf8string). */
@interface NSString : NSObject
+ (nullable instancetype)stringWithUTF8String:(const char *)nullTerminatedCString;
@property (nullable, readonly) const char *UTF8String __attribute__((objc_returns_inner_pointer));
@end

/* NSError: code and localizedDescription (documentation/foundation/nserror). */
@interface NSError : NSObject
@property (readonly) NSInteger code;
@property (readonly, copy) NSString *localizedDescription;
@end

/* NSArray: count and subscripting (documentation/foundation/nsarray/1409982-count,
 * .../1415054-objectatindexedsubscript). */
@interface NSArray<ObjectType> : NSObject
@property (readonly) NSUInteger count;
- (ObjectType)objectAtIndexedSubscript:(NSUInteger)idx;
@end

#endif
