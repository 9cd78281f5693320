/* Aligned allocation via posix_memalign (available on Linux and macOS). */
#include "mem.h"

#include <stdlib.h>

void *pb_alloc(size_t bytes)
{
    void *p = NULL;
    if (bytes == 0 || posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    return p;
}

void pb_free(void *p) { free(p); }
