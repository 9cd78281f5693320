/* Prints the kernel source exactly as the metal backend hands it to the Metal compiler: the
 * backend's prefix, then the embedded source, so tests/cli_metal_checks.sh can compile that text. */
#include <stdio.h>

#include "../../kernels/pb_kernel_sources.h"
#include "../../src/backends/metal/metal_plan.h"

int main(void)
{
    return fputs(pb_mtl_source_prefix(), stdout) < 0 || fputs(pb_kernel_source, stdout) < 0;
}
