/* Aligned host allocations for kernel buffers (64-byte: a cache line and an AVX-512 vector). */
#ifndef PB_MEM_H
#define PB_MEM_H

#include <stddef.h>

/* Returns NULL on failure or when bytes is 0. Free with pb_free. */
void *pb_alloc(size_t bytes);
void pb_free(void *p); /* accepts NULL */

#endif
