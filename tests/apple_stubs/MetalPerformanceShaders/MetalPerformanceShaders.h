/* Stand-in for <MetalPerformanceShaders/MetalPerformanceShaders.h> (syntax checks on Linux only):
 * the MPS matrix-multiplication subset, as MPSCoreTypes.h, MPSKernel.h, MPSMatrix.h and
 * MPSMatrixMultiplication.h declare it (all macOS 10.13).
 * Sources: developer.apple.com/documentation/metalperformanceshaders/<name>; METAL-API.md §2. */
#ifndef PB_STUB_METALPERFORMANCESHADERS_H
#define PB_STUB_METALPERFORMANCESHADERS_H

#include <Metal/Metal.h>

/* MPSCoreTypes.h: a 32-bit enum; Float32 = MPSDataTypeFloatBit (0x10000000) | 32. */
typedef NS_ENUM(uint32_t, MPSDataType) {
    MPSDataTypeFloat32 = 0x10000000 | 32,
};

/* mpssupportsmtldevice(_:): NO for nil and for GPUs MPS does not support. */
BOOL MPSSupportsMTLDevice(id<MTLDevice> _Nullable device) PB_STUB_MACOS(10.13);

/* MPSKernel: the base class of MPS kernels. */
PB_STUB_MACOS(10.13)
@interface MPSKernel : NSObject
@end

/* MPSMatrixDescriptor: +matrixDescriptorWithRows:columns:rowBytes:dataType: (autoreleased). */
PB_STUB_MACOS(10.13)
@interface MPSMatrixDescriptor : NSObject
+ (MPSMatrixDescriptor *)matrixDescriptorWithRows:(NSUInteger)rows
                                          columns:(NSUInteger)columns
                                         rowBytes:(NSUInteger)rowBytes
                                         dataType:(MPSDataType)dataType;
@end

/* MPSMatrix: -initWithBuffer:descriptor: (row-major storage in an MTLBuffer). */
PB_STUB_MACOS(10.13)
@interface MPSMatrix : NSObject
- (instancetype)initWithBuffer:(id<MTLBuffer>)buffer descriptor:(MPSMatrixDescriptor *)descriptor;
@end

/* MPSMatrixMultiplication: C = alpha op(A) op(B) + beta C; the long initialiser and
 * -encodeToCommandBuffer:leftMatrix:rightMatrix:resultMatrix:. */
PB_STUB_MACOS(10.13)
@interface MPSMatrixMultiplication : MPSKernel
- (instancetype)initWithDevice:(id<MTLDevice>)device
                 transposeLeft:(BOOL)transposeLeft
                transposeRight:(BOOL)transposeRight
                    resultRows:(NSUInteger)resultRows
                 resultColumns:(NSUInteger)resultColumns
               interiorColumns:(NSUInteger)interiorColumns
                         alpha:(double)alpha
                          beta:(double)beta;
- (void)encodeToCommandBuffer:(id<MTLCommandBuffer>)commandBuffer
                   leftMatrix:(MPSMatrix *)leftMatrix
                  rightMatrix:(MPSMatrix *)rightMatrix
                 resultMatrix:(MPSMatrix *)resultMatrix;
@end

#endif
