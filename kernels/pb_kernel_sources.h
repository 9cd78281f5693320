/* The GPU kernel sources, embedded at build time (mk/kernels.mk runs tools/embed.c): the text of
 * kernels/pb_params.h, kernels/dialect.h and every .pbk file in kernels/ (sorted by name), each
 * preceded by a #line marker. A backend compiles it with its target selected (PB_TARGET_OPENCL,
 * PB_TARGET_CUDA or PB_TARGET_METAL). */
#ifndef PB_KERNEL_SOURCES_H
#define PB_KERNEL_SOURCES_H

extern const char pb_kernel_source[];

#endif
