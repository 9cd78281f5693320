/* Prints the kernel source exactly as the metal backend hands it to the Metal compiler: the
 * backend's prefix for sgemm tile shape TILE (default 0), then the embedded source, so
 * tests/cli_metal_checks.sh can compile that text. Exits 2 when there is no such shape. */
#include <stdio.h>
#include <stdlib.h>

#include "../../kernels/pb_kernel_sources.h"
#include "../../kernels/pb_launch.h"
#include "../../src/backends/metal/metal_source.h"

int main(int argc, char **argv)
{
    const int tile = argc > 1 ? atoi(argv[1]) : 0;
    if (tile < 0 || tile >= PB_LAUNCH_SGEMM_TILES)
        return 2;
    char prefix[256];
    if (pb_mtl_source_prefix(tile, prefix, sizeof prefix) >= (int)sizeof prefix)
        return 1;
    return fputs(prefix, stdout) < 0 || fputs(pb_kernel_source, stdout) < 0;
}
