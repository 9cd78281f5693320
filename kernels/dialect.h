/* The portable kernel dialect: a few macros that let one kernel source compile as OpenCL C, CUDA and
 * the Metal Shading Language. docs/KERNELS.md shows one kernel expanded for each target. */
#ifndef PB_DIALECT_H
#define PB_DIALECT_H

/* How to write a kernel (every .pbk file follows these rules):
 *   PB_KERNEL(pb_name)(PB_OUT(float, y, 0), PB_IN(float, x, 1), PB_PARAMS(pb_x_params, p, 2) PB_THREAD_IDS)
 *   {
 *       PB_LOCAL float tile[256];         work-group arrays first, at the top of the body
 *       const int i = PB_GLOBAL_ID(0);
 *       if (i < p.n) ...                  the grid is rounded up to whole work-groups
 *   }
 * - Buffer slots count from 0 in argument order and the params struct comes last, so slot k is
 *   OpenCL argument k, CUDA parameter k and Metal [[buffer(k)]].
 * - PB_THREAD_IDS follows the last argument with no comma: it is empty except on Metal, where it
 *   adds the thread-position parameters that the id macros read.
 * - Hosts launch whole work-groups (OpenCL global size a multiple of the local size, CUDA
 *   <<<groups, local>>>, Metal dispatchThreadgroups), so PB_GLOBAL_SIZE is groups x local
 *   everywhere and every kernel checks its indices against the problem size.
 * - Dimension arguments (d) are the literals 0, 1 or 2; values are int.
 * - Work-group (threadgroup) arrays are declared with PB_LOCAL at the top of the kernel body, and
 *   every work-item of a group reaches each PB_BARRIER.
 * - Atomics exist for 32-bit unsigned integers only: buffers updated atomically are declared with
 *   PB_ATOMIC_OUT, work-group arrays with PB_LOCAL PB_ATOMIC_UINT, and both are touched only
 *   through PB_ATOMIC_ADD / PB_ATOMIC_STORE / PB_ATOMIC_LOAD (relaxed ordering).
 * - Float literals carry the f suffix (a bare 1.0 is a double, which OpenCL devices may lack).
 * - No target fuses a * b + c on its own: OpenCL and Metal are told so below, and CUDA hosts
 *   compile with -fmad=false (nvcc) or --fmad=false (NVRTC). Expressions then round as written,
 *   like the C references, so every device computes the same bits where the math functions allow;
 *   write PB_FMA where a fused multiply-add is wanted (it is, in the compute-bound kernels). */

#if !defined(PB_TARGET_OPENCL) && !defined(PB_TARGET_CUDA) && !defined(PB_TARGET_METAL)
#if defined(__OPENCL_VERSION__)
#define PB_TARGET_OPENCL 1
#elif defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define PB_TARGET_CUDA 1
#elif defined(__METAL_VERSION__)
#define PB_TARGET_METAL 1
#else
#error "kernels/dialect.h: define PB_TARGET_OPENCL, PB_TARGET_CUDA or PB_TARGET_METAL"
#endif
#endif

/* ------------------------------------------------------------------------------------------------ */
#if defined(PB_TARGET_OPENCL)

#pragma OPENCL FP_CONTRACT OFF

#define PB_KERNEL(name) __kernel void name
#define PB_IN(type, name, slot) __global const type *restrict name
#define PB_OUT(type, name, slot) __global type *restrict name
#define PB_ATOMIC_OUT(name, slot) __global uint *name
#define PB_PARAMS(type, name, slot) const type name
#define PB_THREAD_IDS

#define PB_GLOBAL __global
#define PB_LOCAL __local
#define PB_CONSTANT __constant

#define PB_GLOBAL_ID(d) ((int)get_global_id(d))
#define PB_LOCAL_ID(d) ((int)get_local_id(d))
#define PB_GROUP_ID(d) ((int)get_group_id(d))
#define PB_LOCAL_SIZE(d) ((int)get_local_size(d))
#define PB_NUM_GROUPS(d) ((int)get_num_groups(d))
#define PB_GLOBAL_SIZE(d) ((int)get_global_size(d))

#define PB_BARRIER() barrier(CLK_LOCAL_MEM_FENCE)

#define PB_ATOMIC_UINT uint
#define PB_ATOMIC_ADD(ptr, value) atomic_add((ptr), (value))
#define PB_ATOMIC_STORE(ptr, value) (*(ptr) = (value))
#define PB_ATOMIC_LOAD(ptr) (*(ptr))

#define PB_RSQRT(x) rsqrt(x)
#define PB_SQRT(x) sqrt(x)
#define PB_FMA(a, b, c) fma((a), (b), (c))
#define PB_MIN(a, b) min((a), (b))
#define PB_MAX(a, b) max((a), (b))
#define PB_FLOAT4(x, y, z, w) ((float4)((x), (y), (z), (w)))

/* ------------------------------------------------------------------------------------------------ */
#elif defined(PB_TARGET_CUDA)

typedef unsigned int uint;

/* extern "C" keeps the names unmangled, so a module can be searched by kernel name. */
#define PB_KERNEL(name) extern "C" __global__ void name
#define PB_IN(type, name, slot) const type *__restrict__ name
#define PB_OUT(type, name, slot) type *__restrict__ name
#define PB_ATOMIC_OUT(name, slot) unsigned int *name
#define PB_PARAMS(type, name, slot) const type name
#define PB_THREAD_IDS

#define PB_GLOBAL
#define PB_LOCAL __shared__
#define PB_CONSTANT __constant__

#define PB_AXIS_(d) PB_AXIS_##d
#define PB_AXIS_0 x
#define PB_AXIS_1 y
#define PB_AXIS_2 z
#define PB_LOCAL_ID(d) ((int)threadIdx.PB_AXIS_(d))
#define PB_GROUP_ID(d) ((int)blockIdx.PB_AXIS_(d))
#define PB_LOCAL_SIZE(d) ((int)blockDim.PB_AXIS_(d))
#define PB_NUM_GROUPS(d) ((int)gridDim.PB_AXIS_(d))
#define PB_GLOBAL_ID(d) (PB_GROUP_ID(d) * PB_LOCAL_SIZE(d) + PB_LOCAL_ID(d))
#define PB_GLOBAL_SIZE(d) (PB_NUM_GROUPS(d) * PB_LOCAL_SIZE(d))

#define PB_BARRIER() __syncthreads()

#define PB_ATOMIC_UINT unsigned int
#define PB_ATOMIC_ADD(ptr, value) atomicAdd((ptr), (value))
#define PB_ATOMIC_STORE(ptr, value) (*(ptr) = (value))
#define PB_ATOMIC_LOAD(ptr) (*(ptr))

#define PB_RSQRT(x) rsqrtf(x)
#define PB_SQRT(x) sqrtf(x)
#define PB_FMA(a, b, c) fmaf((a), (b), (c))
#define PB_MIN(a, b) min((a), (b))
#define PB_MAX(a, b) max((a), (b))
#define PB_FLOAT4(x, y, z, w) make_float4((x), (y), (z), (w))

/* ------------------------------------------------------------------------------------------------ */
#elif defined(PB_TARGET_METAL)

#include <metal_stdlib>
using namespace metal;

#pragma METAL fp contract(off)

#define PB_KERNEL(name) kernel void name
#define PB_IN(type, name, slot) device const type *name [[buffer(slot)]]
#define PB_OUT(type, name, slot) device type *name [[buffer(slot)]]
#define PB_ATOMIC_OUT(name, slot) device atomic_uint *name [[buffer(slot)]]
#define PB_PARAMS(type, name, slot) constant type &name [[buffer(slot)]]
/* All five use uint3, as MSL requires matching types across the position attributes. */
#define PB_THREAD_IDS                                                                              \
    , uint3 pb_thread_pos [[thread_position_in_grid]],                                             \
    uint3 pb_group_pos [[threadgroup_position_in_grid]],                                           \
    uint3 pb_local_pos [[thread_position_in_threadgroup]],                                         \
    uint3 pb_local_size [[threads_per_threadgroup]],                                               \
    uint3 pb_num_groups [[threadgroups_per_grid]]

#define PB_GLOBAL device
#define PB_LOCAL threadgroup
#define PB_CONSTANT constant

#define PB_AXIS_(d) PB_AXIS_##d
#define PB_AXIS_0 x
#define PB_AXIS_1 y
#define PB_AXIS_2 z
#define PB_GLOBAL_ID(d) ((int)pb_thread_pos.PB_AXIS_(d))
#define PB_LOCAL_ID(d) ((int)pb_local_pos.PB_AXIS_(d))
#define PB_GROUP_ID(d) ((int)pb_group_pos.PB_AXIS_(d))
#define PB_LOCAL_SIZE(d) ((int)pb_local_size.PB_AXIS_(d))
#define PB_NUM_GROUPS(d) ((int)pb_num_groups.PB_AXIS_(d))
#define PB_GLOBAL_SIZE(d) (PB_NUM_GROUPS(d) * PB_LOCAL_SIZE(d))

#define PB_BARRIER() threadgroup_barrier(mem_flags::mem_threadgroup)

#define PB_ATOMIC_UINT atomic_uint
#define PB_ATOMIC_ADD(ptr, value) atomic_fetch_add_explicit((ptr), (value), memory_order_relaxed)
#define PB_ATOMIC_STORE(ptr, value) atomic_store_explicit((ptr), (value), memory_order_relaxed)
#define PB_ATOMIC_LOAD(ptr) atomic_load_explicit((ptr), memory_order_relaxed)

#define PB_RSQRT(x) rsqrt(x)
#define PB_SQRT(x) sqrt(x)
#define PB_FMA(a, b, c) fma((a), (b), (c))
#define PB_MIN(a, b) min((a), (b))
#define PB_MAX(a, b) max((a), (b))
#define PB_FLOAT4(x, y, z, w) float4((x), (y), (z), (w))

#endif

#endif
