/* The text the metal backend puts before the embedded kernel source when it compiles it: the Metal
 * target and one sgemm tile shape of the launch plan (kernels/pb_launch.h). Plain C, so that
 * tests/msl_shim/print_source.c prints exactly what the backend compiles. */
#ifndef PB_METAL_SOURCE_H
#define PB_METAL_SOURCE_H

#include <stddef.h>

/* Writes the prefix for pb_launch_sgemm_tiles[tile]; returns the length snprintf would write. */
int pb_mtl_source_prefix(int tile, char *out, size_t size);

#endif
