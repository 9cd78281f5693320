/* Stand-in for <Metal/Metal.h> (syntax checks on Linux only): exactly the Metal API the metal
 * backend uses. Every selector is spelled as in Apple's headers; availability as in the SDK
 * (a protocol member without its own annotation is available since macOS 10.11).
 * Sources: developer.apple.com/documentation/metal/<protocol>/<member>; METAL-API.md §1 (which
 * restates the SDK headers and metal-cpp's selector strings). */
#ifndef PB_STUB_METAL_H
#define PB_STUB_METAL_H

#include <Foundation/Foundation.h>

typedef double CFTimeInterval;                        /* CFDate.h; METAL-API.md §1.0 */

/* MTLTypes.h: MTLSize and its inline maker (METAL-API.md §1.0). */
typedef struct {
    NSUInteger width, height, depth;
} MTLSize;
static inline MTLSize MTLSizeMake(NSUInteger width, NSUInteger height, NSUInteger depth)
{
    MTLSize size = { width, height, depth };
    return size;
}

/* MTLResource.h: MTLResourceOptions; StorageModeShared = 0 << 4 (METAL-API.md §1.7). */
typedef NS_OPTIONS(NSUInteger, MTLResourceOptions) {
    MTLResourceStorageModeShared = 0,
};

/* MTLCommandBuffer.h: MTLCommandBufferStatus; Completed = 4, Error = 5 (METAL-API.md §1.5). */
typedef NS_ENUM(NSUInteger, MTLCommandBufferStatus) {
    MTLCommandBufferStatusCompleted = 4,
    MTLCommandBufferStatusError = 5,
};

/* MTLDevice.h: MTLGPUFamily, an NSInteger enum (macOS 10.15; values in METAL-API.md §1.2). */
typedef NS_ENUM(NSInteger, MTLGPUFamily) {
    MTLGPUFamilyApple1 = 1001,
} PB_STUB_MACOS(10.15);

/* MTLLibrary.h: MTLLanguageVersion = (major << 16) + minor, each available from the macOS release
 * that brought it (METAL-API.md §1.3); 4_0 is in the macOS 26 SDK only. */
typedef NS_ENUM(NSUInteger, MTLLanguageVersion) {
    MTLLanguageVersion2_2 PB_STUB_MACOS(10.15) = (2 << 16) + 2,
    MTLLanguageVersion2_3 PB_STUB_MACOS(11.0) = (2 << 16) + 3,
    MTLLanguageVersion2_4 PB_STUB_MACOS(12.0) = (2 << 16) + 4,
    MTLLanguageVersion3_0 PB_STUB_MACOS(13.0) = (3 << 16) + 0,
    MTLLanguageVersion3_1 PB_STUB_MACOS(14.0) = (3 << 16) + 1,
#ifndef PB_STUB_OLD_SDK
    MTLLanguageVersion3_2 PB_STUB_MACOS(15.0) = (3 << 16) + 2,
    MTLLanguageVersion4_0 PB_STUB_MACOS(26.0) = (4 << 16) + 0,
#endif
};

/* MTLLibrary.h: MTLMathMode and MTLMathFloatingPointFunctions (macOS 15; METAL-API.md §1.3). */
typedef NS_ENUM(NSInteger, MTLMathMode) {
    MTLMathModeSafe = 0,
    MTLMathModeRelaxed = 1,
    MTLMathModeFast = 2,
} PB_STUB_MACOS(15.0);
typedef NS_ENUM(NSInteger, MTLMathFloatingPointFunctions) {
    MTLMathFloatingPointFunctionsFast = 0,
    MTLMathFloatingPointFunctionsPrecise = 1,
} PB_STUB_MACOS(15.0);

@protocol MTLFunction;
@protocol MTLLibrary;
@protocol MTLBuffer;
@protocol MTLComputePipelineState;
@protocol MTLCommandBuffer;
@protocol MTLCommandQueue;

/* MTLCompileOptions (class; METAL-API.md §1.3): documentation/metal/mtlcompileoptions/
 * languageversion, fastmathenabled (deprecated in macOS 15), mathmode and
 * mathfloatingpointfunctions (macOS 15). */
@interface MTLCompileOptions : NSObject
@property (readwrite, nonatomic) MTLLanguageVersion languageVersion;
@property (readwrite, nonatomic) BOOL fastMathEnabled PB_STUB_MACOS_DEPRECATED(10.11, 15.0);
@property (readwrite, nonatomic) MTLMathMode mathMode PB_STUB_MACOS(15.0);
@property (readwrite, nonatomic) MTLMathFloatingPointFunctions mathFloatingPointFunctions PB_STUB_MACOS(15.0);
@end

/* MTLDevice (METAL-API.md §1.2): documentation/metal/mtldevice/<member>. newLibraryWithSource:
 * returns nil with *error set when the source does not compile, and a library with *error set (code
 * MTLLibraryErrorCompileWarning, 4) when the compiler only warned. */
@protocol MTLDevice <NSObject>
@property (nonnull, readonly) NSString *name;
@property (readonly) uint64_t registryID PB_STUB_MACOS(10.13);
@property (readonly) BOOL hasUnifiedMemory PB_STUB_MACOS(10.15);
@property (readonly) uint64_t recommendedMaxWorkingSetSize PB_STUB_MACOS(10.12);
@property (readonly) NSUInteger maxBufferLength PB_STUB_MACOS(10.14);
@property (readonly) MTLSize maxThreadsPerThreadgroup;
@property (readonly) NSUInteger maxThreadgroupMemoryLength PB_STUB_MACOS(10.13);
- (nullable id<MTLCommandQueue>)newCommandQueue;
- (nullable id<MTLLibrary>)newLibraryWithSource:(NSString *)source
                                        options:(nullable MTLCompileOptions *)options
                                          error:(__autoreleasing NSError **)error;
- (nullable id<MTLComputePipelineState>)newComputePipelineStateWithFunction:(id<MTLFunction>)computeFunction
                                                                      error:(__autoreleasing NSError **)error;
- (nullable id<MTLBuffer>)newBufferWithLength:(NSUInteger)length options:(MTLResourceOptions)options;
- (nullable id<MTLBuffer>)newBufferWithBytes:(const void *)pointer
                                      length:(NSUInteger)length
                                     options:(MTLResourceOptions)options;
- (BOOL)supportsFamily:(MTLGPUFamily)gpuFamily PB_STUB_MACOS(10.15);
@end

/* MTLCreateSystemDefaultDevice / MTLCopyAllDevices (METAL-API.md §1.1): both return +1. */
id<MTLDevice> _Nullable MTLCreateSystemDefaultDevice(void) __attribute__((ns_returns_retained));
NSArray<id<MTLDevice>> *_Nonnull MTLCopyAllDevices(void) __attribute__((ns_returns_retained));

/* MTLFunction (METAL-API.md §1.4): nothing called on it; it is passed back to the device. */
@protocol MTLFunction <NSObject>
@end

/* MTLLibrary (METAL-API.md §1.4): documentation/metal/mtllibrary/newfunctionwithname(_:). */
@protocol MTLLibrary <NSObject>
- (nullable id<MTLFunction>)newFunctionWithName:(NSString *)functionName;
@end

/* MTLComputePipelineState (METAL-API.md §1.4): maxtotalthreadsperthreadgroup,
 * threadexecutionwidth. */
@protocol MTLComputePipelineState <NSObject>
@property (readonly) NSUInteger maxTotalThreadsPerThreadgroup;
@property (readonly) NSUInteger threadExecutionWidth;
@end

/* MTLBuffer (METAL-API.md §1.7): documentation/metal/mtlbuffer/contents(). */
@protocol MTLBuffer <NSObject>
- (void *)contents __attribute__((objc_returns_inner_pointer));
@end

/* MTLCommandEncoder / MTLComputeCommandEncoder (METAL-API.md §1.6):
 * documentation/metal/mtlcomputecommandencoder/<member>. */
@protocol MTLCommandEncoder <NSObject>
- (void)endEncoding;
@end

@protocol MTLComputeCommandEncoder <MTLCommandEncoder>
- (void)setComputePipelineState:(id<MTLComputePipelineState>)state;
- (void)setBuffer:(nullable id<MTLBuffer>)buffer offset:(NSUInteger)offset atIndex:(NSUInteger)index;
- (void)setBytes:(const void *)bytes length:(NSUInteger)length atIndex:(NSUInteger)index;
- (void)dispatchThreadgroups:(MTLSize)threadgroupsPerGrid threadsPerThreadgroup:(MTLSize)threadsPerThreadgroup;
@end

/* MTLCommandBuffer (METAL-API.md §1.5): documentation/metal/mtlcommandbuffer/<member>;
 * GPUStartTime/GPUEndTime are macOS 10.15 and stay 0 until the buffer completes. */
@protocol MTLCommandBuffer <NSObject>
- (nullable id<MTLComputeCommandEncoder>)computeCommandEncoder;
- (void)commit;
- (void)waitUntilCompleted;
@property (readonly) MTLCommandBufferStatus status;
@property (nullable, readonly) NSError *error;
@property (readonly) CFTimeInterval GPUStartTime PB_STUB_MACOS(10.15);
@property (readonly) CFTimeInterval GPUEndTime PB_STUB_MACOS(10.15);
@end

/* MTLCommandQueue (METAL-API.md §1.4): documentation/metal/mtlcommandqueue/commandbuffer()
 * (autoreleased). */
@protocol MTLCommandQueue <NSObject>
- (nullable id<MTLCommandBuffer>)commandBuffer;
@end

#endif
