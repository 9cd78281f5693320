/* The workload registry, presets, pb_problem helpers and the verification helpers every workload
 * file shares (workload_util.h). */
#include "workload.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../core/mem.h"
#include "workload_util.h"

/* The registry, generated from the workload list: entry PB_WL_<ID> is pb_workload_<name>. */
static const pb_workload *const pb_workloads[] = {
#define PB_WL_REGISTRY_ENTRY(ID, name, OUTPUT) [PB_WL_##ID] = &pb_workload_##name,
    PB_WORKLOAD_LIST(PB_WL_REGISTRY_ENTRY)
#undef PB_WL_REGISTRY_ENTRY
};
_Static_assert(sizeof pb_workloads / sizeof pb_workloads[0] == PB_WL_COUNT, "one descriptor per workload");

/* Whether a workload's outputs hold integers (poisoned with 0xFFFFFFFF) rather than floats (NaN). */
enum { PB_WL_OUTPUT_FLOAT = 0, PB_WL_OUTPUT_INT = 1 };
static const unsigned char pb_integer_outputs[] = {
#define PB_WL_OUTPUT_ENTRY(ID, name, OUTPUT) [PB_WL_##ID] = PB_WL_OUTPUT_##OUTPUT,
    PB_WORKLOAD_LIST(PB_WL_OUTPUT_ENTRY)
#undef PB_WL_OUTPUT_ENTRY
};
_Static_assert(sizeof pb_integer_outputs == PB_WL_COUNT, "one output type per workload");

static const char *const pb_preset_names[PB_PRESET_COUNT] = {
    [PB_PRESET_TINY] = "tiny",
    [PB_PRESET_QUICK] = "quick",
    [PB_PRESET_STANDARD] = "standard",
    [PB_PRESET_LARGE] = "large",
};

const char *pb_preset_name(pb_preset preset)
{
    return (unsigned)preset < PB_PRESET_COUNT ? pb_preset_names[preset] : "unknown";
}

pb_status pb_preset_parse(const char *name, pb_preset *out, pb_msg *msg)
{
    char known[64] = "";
    for (int p = 0; p < PB_PRESET_COUNT; p++) {
        if (name && strcmp(name, pb_preset_names[p]) == 0) {
            *out = (pb_preset)p;
            return PB_OK;
        }
        size_t len = strlen(known);
        snprintf(known + len, sizeof known - len, "%s%s", p ? ", " : "", pb_preset_names[p]);
    }
    return pb_msg_set(msg, PB_ERR_USAGE, "unknown preset '%s': use one of %s", name ? name : "", known);
}

const pb_workload *pb_workload_get(pb_workload_id id)
{
    return PB_WL_TABLE_GET(pb_workloads, id);
}

const pb_workload *pb_workload_find(const char *name)
{
    for (int i = 0; name && i < PB_WL_COUNT; i++) {
        if (strcmp(pb_workloads[i]->name, name) == 0)
            return pb_workloads[i];
    }
    return NULL;
}

pb_status pb_problem_add_buffer(pb_problem *problem, const char *name, pb_buffer_kind kind, size_t bytes,
                                pb_msg *msg)
{
    assert(problem->nbuf < PB_MAX_BUFFERS);
    void *host = pb_alloc(bytes);
    if (!host) {
        const pb_workload *wl = pb_workload_get(problem->id);
        return pb_msg_set(msg, PB_ERR_NOMEM,
                          "out of memory: %s buffer '%s' needs %.1f MiB; choose a smaller preset",
                          wl ? wl->name : "workload", name, (double)bytes / (1024.0 * 1024.0));
    }
    pb_buffer *b = &problem->buf[problem->nbuf++];
    b->name = name;
    b->kind = kind;
    b->host = host;
    b->bytes = bytes;
    return PB_OK;
}

void pb_problem_poison_outputs(pb_problem *problem)
{
    /* 0x7fc00000 is the canonical quiet NaN; 0xFFFFFFFF is -1 as int32 and UINT32_MAX as uint32,
     * out of range for every integer output. */
    const uint32_t pattern = PB_WL_TABLE_GET(pb_integer_outputs, problem->id) ? 0xFFFFFFFFu : 0x7fc00000u;
    for (int i = 0; i < problem->nbuf; i++) {
        pb_buffer *b = &problem->buf[i];
        if (b->kind != PB_BUFFER_OUT)
            continue;
        uint32_t *w = b->host;
        for (size_t k = 0; k < b->bytes / sizeof *w; k++)
            w[k] = pattern;
    }
}

uint64_t pb_problem_bytes(const pb_problem *problem)
{
    uint64_t bytes = 0;
    for (int i = 0; i < problem->nbuf; i++)
        bytes += problem->buf[i].bytes;
    return bytes;
}

void pb_problem_destroy(pb_problem *problem)
{
    if (!problem)
        return;
    for (int i = 0; i < problem->nbuf; i++)
        pb_free(problem->buf[i].host);
    if (problem->ref && problem->ref_free)
        problem->ref_free(problem->ref);
    memset(problem, 0, sizeof *problem);
}

/* ---- helpers for the workload files (workload_util.h) ----------------------------------------- */

void pb_tally_init(pb_tally *t)
{
    t->max_err = 0;
    t->bad = 0;
    t->first_bad = -1;
}

static void pb_tally_merge(pb_tally *into, const pb_tally *from)
{
    if (from->max_err > into->max_err)
        into->max_err = from->max_err;
    if (from->bad && into->bad == 0)
        into->first_bad = from->first_bad;
    into->bad += from->bad;
}

void pb_check_set(pb_check *out, const char *method, const pb_tally *t, double tolerance)
{
    out->ok = t->bad == 0;
    pb_strlcpy(out->method, method, sizeof out->method);
    out->max_err = t->max_err;
    out->tolerance = tolerance;
    out->bad = t->bad;
    out->first_bad = t->first_bad;
}

static int pb_wl_shares(const pb_pool *pool, int threads)
{
    if (!pool || threads < 1)
        return 1;
    int max = pb_pool_max_threads(pool);
    int n = threads < max ? threads : max;
    return n < PB_WL_MAX_THREADS ? n : PB_WL_MAX_THREADS;
}

typedef struct pb_wl_for_task {
    pb_wl_range_fn fn;
    void *arg;
    int64_t n;
    pb_tally tallies[PB_WL_MAX_THREADS];
} pb_wl_for_task;

static void pb_wl_for_worker(void *p, int index, int count)
{
    pb_wl_for_task *task = p;
    int64_t begin, end;
    pb_split(task->n, index, count, &begin, &end);
    pb_tally_init(&task->tallies[index]);
    if (begin < end)
        task->fn(task->arg, index, begin, end, &task->tallies[index]);
}

void pb_wl_parallel_for(pb_pool *pool, int threads, int64_t n, pb_wl_range_fn fn, void *arg, pb_tally *total)
{
    pb_wl_for_task task = { .fn = fn, .arg = arg, .n = n };
    int shares = pb_wl_shares(pool, threads);
    if (shares == 1)
        pb_wl_for_worker(&task, 0, 1);
    else
        pb_pool_run(pool, shares, pb_wl_for_worker, &task);
    if (!total)
        return;
    for (int i = 0; i < shares; i++)
        pb_tally_merge(total, &task.tallies[i]);
}

pb_status pb_wl_check_dims(const pb_workload *wl, const pb_dims *dims, const int64_t *min, pb_msg *msg)
{
    for (int d = 0; d < wl->ndims; d++) {
        if (dims->v[d] < min[d] || dims->v[d] > INT_MAX)
            return pb_msg_set(msg, PB_ERR_INPUT, "%s: %s = %lld is out of range [%lld, %d]", wl->name,
                              wl->dim_names[d], (long long)dims->v[d], (long long)min[d], INT_MAX);
    }
    return PB_OK;
}

pb_status pb_wl_check_elements(const pb_workload *wl, int64_t elements, pb_msg *msg)
{
    if (elements > INT_MAX)
        return pb_msg_set(msg, PB_ERR_INPUT, "%s: %lld elements per buffer is more than kernels can index (%d)",
                          wl->name, (long long)elements, INT_MAX);
    return PB_OK;
}

pb_status pb_wl_begin(pb_problem *p, pb_workload_id id, const pb_dims *dims, const pb_buffer_spec *specs, int count,
                      pb_msg *msg)
{
    memset(p, 0, sizeof *p);
    p->id = id;
    p->dims = *dims;
    for (int i = 0; i < count; i++) {
        pb_status st = pb_problem_add_buffer(p, specs[i].name, specs[i].kind, specs[i].bytes, msg);
        if (st != PB_OK) {
            pb_problem_destroy(p);
            return st;
        }
    }
    return PB_OK;
}

void pb_fill_uniform(float *x, int64_t n, float lo, float hi, pb_rng *rng)
{
    for (int64_t i = 0; i < n; i++)
        x[i] = pb_rng_range(rng, lo, hi);
}
