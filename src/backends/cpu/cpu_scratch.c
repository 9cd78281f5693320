/* Per-thread scratch for the CPU kernels, allocated and first touched by the thread that uses it. */
#include <string.h>

#include "../../core/mem.h"
#include "cpu_kernels.h"

static void pb_cpu_scratch_task(void *arg, int t, int threads)
{
    pb_cpu_scratch *s = arg;
    (void)threads;
    s->block[t] = pb_alloc(s->bytes);
    if (s->block[t])
        memset(s->block[t], 0, s->bytes);
}

pb_status pb_cpu_scratch_create(pb_pool *pool, int threads, size_t bytes, pb_cpu_scratch **out, pb_msg *msg)
{
    pb_cpu_scratch *s = pb_alloc(sizeof *s);
    void **block = pb_alloc((size_t)threads * sizeof *block);
    if (!s || !block) {
        pb_free(s);
        pb_free(block);
        return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory allocating per-thread scratch");
    }
    memset(block, 0, (size_t)threads * sizeof *block);
    s->block = block;
    s->count = threads;
    s->bytes = bytes < 64 ? 64 : (bytes + 63) / 64 * 64;
    pb_pool_run(pool, threads, pb_cpu_scratch_task, s);
    for (int t = 0; t < threads; t++) {
        if (!s->block[t]) {
            size_t each = s->bytes;
            pb_cpu_scratch_free(s);
            return pb_msg_set(msg, PB_ERR_NOMEM, "out of memory allocating %d x %zu bytes of per-thread scratch",
                              threads, each);
        }
    }
    *out = s;
    return PB_OK;
}

void pb_cpu_scratch_free(pb_cpu_scratch *scratch)
{
    if (!scratch)
        return;
    for (int t = 0; t < scratch->count; t++)
        pb_free(scratch->block[t]);
    pb_free(scratch->block);
    pb_free(scratch);
}
