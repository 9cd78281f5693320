/* The Metal source prefix (metal_source.h). */
#include "metal_source.h"

#include <stdio.h>

#include "../../../kernels/pb_launch.h"

int pb_mtl_source_prefix(int tile, char *out, size_t size)
{
    const pb_launch_sgemm_tile *t = &pb_launch_sgemm_tiles[tile];
    return snprintf(out, size,
                    "#define PB_TARGET_METAL 1\n#define PB_SGEMM_BM %d\n#define PB_SGEMM_BN %d\n"
                    "#define PB_SGEMM_BK %d\n#define PB_SGEMM_TM %d\n#define PB_SGEMM_TN %d\n",
                    t->bm, t->bn, t->bk, t->tm, t->tn);
}
