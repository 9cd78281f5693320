/* What the cuda backend offers beyond its pb_backend table: the decisions it makes from CUDA's
 * answers, as plain functions of numbers and strings (cuda_diag.c), and hooks for tests. Nothing
 * here needs the CUDA headers, so the tests compile without them. */
#ifndef PB_CUDA_BACKEND_H
#define PB_CUDA_BACKEND_H

#include <stddef.h>

/* Why cudaGetDeviceCount failed with `err` (`err_name` its cudaGetErrorName), told apart by the
 * driver's CUDA version (cudaDriverGetVersion: 1000 * major + 10 * minor, 0 without a driver) and
 * the build's (CUDART_VERSION): no driver or no GPU, a driver older than this build, or another
 * fault. Writes the message with its fix, always terminated. */
void pb_cuda_unavailable_text(int err, const char *err_name, int driver_version, int runtime_version, char *out,
                              size_t size);

/* "12.4" from 12040. */
void pb_cuda_version_text(int version, char *out, size_t size);

/* Whether entry `device` of CUDA_VISIBLE_DEVICES (`visible`, may be NULL) names a MIG instance
 * ("MIG-<uuid>"), the way MIG slices are given to a process. */
int pb_cuda_visible_is_mig(const char *visible, int device);

/* The device label: the name with its SM count, "NVIDIA H200 (132 SMs)", and a MIG slice said as
 * such, "NVIDIA H200 MIG slice (16 of 132 SMs)", when `mig` (from pb_cuda_visible_is_mig) or when
 * the name is a part whose full SM count is known and `sms` is below it. */
void pb_cuda_device_label(const char *name, int sms, int mig, char *out, size_t size);

/* 1 for the errors after which the CUDA context is unusable ("the process must be terminated and
 * relaunched": illegal address, launch failure, ...): every later call returns the same error. */
int pb_cuda_error_is_sticky(int err);

/* Test hooks: a context with no devices, and the path a failing CUDA call of a case takes, so the
 * fail-fast after a sticky error can be driven without a GPU. Free the context with
 * pb_backend_cuda.shutdown. */
void *pb_cuda_ctx_for_test(void);
void pb_cuda_note_error_for_test(void *ctx, int err, const char *what);

#endif
