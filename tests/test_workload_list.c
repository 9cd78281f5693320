/* Tests of the one workload list (PB_WORKLOAD_LIST in workload.h): the enum, the registry and the
 * names it generates stay in step, and a backend without an entry for a workload reports it as
 * unsupported (no variant; case_create returns PB_ERR_UNSUPPORTED, which the runner reports as a
 * skipped case, with the reason) instead of crashing or running another workload's kernel. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../src/backends/cpu/cpu_backend.h"
#include "pbtest.h"

extern const pb_backend pb_backend_cpu;

/* The list, read back as data: each entry's id, name and output type. */
typedef struct list_entry {
    pb_workload_id id;
    const char *name;
    int integer_outputs;
} list_entry;

enum { OUTPUT_FLOAT = 0, OUTPUT_INT = 1 };

static const list_entry list[] = {
#define LIST_ENTRY(ID, name, OUTPUT) { PB_WL_##ID, #name, OUTPUT_##OUTPUT },
    PB_WORKLOAD_LIST(LIST_ENTRY)
#undef LIST_ENTRY
};

#define LIST_LEN ((int)(sizeof list / sizeof list[0]))

/* The enum counts the list's entries, in the list's order: PB_WL_<ID> is the entry's position. */
static void test_enum_follows_list(void)
{
    CHECK(LIST_LEN == PB_WL_COUNT);
    for (int i = 0; i < LIST_LEN; i++)
        CHECK_MSG((int)list[i].id == i, "%s is PB_WL value %d at list position %d", list[i].name, (int)list[i].id, i);
    /* Result files and helpers depend on the values staying as they were. */
    CHECK(PB_WL_SGEMM == 0 && PB_WL_TRIAD == 1 && PB_WL_REDUCE == 2 && PB_WL_STENCIL == 3 && PB_WL_NBODY == 4 &&
          PB_WL_MANDELBROT == 5 && PB_WL_HISTOGRAM == 6);
}

/* Every id has a descriptor carrying that id and the list's name; names are unique and lookup by
 * name returns the same descriptor. */
static void test_registry_follows_list(void)
{
    for (int i = 0; i < LIST_LEN; i++) {
        const pb_workload *wl = pb_workload_get(list[i].id);
        CHECK_MSG(wl != NULL, "no descriptor for %s", list[i].name);
        if (!wl)
            continue;
        CHECK(wl->id == list[i].id);
        CHECK_STR(wl->name, list[i].name);
        CHECK(pb_workload_find(list[i].name) == wl);
        for (int j = 0; j < i; j++)
            CHECK_MSG(strcmp(list[j].name, list[i].name) != 0, "%s is listed twice", list[i].name);
    }
    CHECK(pb_workload_get(PB_WL_COUNT) == NULL);
    CHECK(pb_workload_get((pb_workload_id)-1) == NULL);
    CHECK(pb_workload_find("SGEMM") == NULL);
    CHECK(pb_workload_find(NULL) == NULL);
}

/* The list's OUTPUT column decides the poison pattern: NaN for FLOAT, 0xFFFFFFFF for INT. */
static void test_poison_follows_output_type(void)
{
    for (int i = 0; i < LIST_LEN; i++) {
        const pb_workload *wl = pb_workload_get(list[i].id);
        pb_problem p;
        pb_msg msg = { "" };
        CHECK_MSG(wl->create(&wl->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK, "%s: %s", wl->name, msg.text);
        pb_problem_poison_outputs(&p);
        int outputs = 0;
        for (int b = 0; b < p.nbuf; b++) {
            if (p.buf[b].kind != PB_BUFFER_OUT)
                continue;
            outputs++;
            uint32_t word;
            memcpy(&word, p.buf[b].host, sizeof word);
            float as_float;
            memcpy(&as_float, &word, sizeof as_float);
            if (list[i].integer_outputs)
                CHECK_MSG(word == 0xFFFFFFFFu, "%s.%s poisoned with %08x", wl->name, p.buf[b].name, (unsigned)word);
            else
                CHECK_MSG(isnan(as_float), "%s.%s poisoned with %08x", wl->name, p.buf[b].name, (unsigned)word);
        }
        CHECK_MSG(outputs >= 1, "%s has no output buffer", wl->name);
        pb_problem_destroy(&p);
    }
}

/* PB_WL_TABLE_GET reads an id past a short table, a negative id and an empty slot as "none". */
static void test_table_get(void)
{
    static const char *const short_table[] = { [PB_WL_SGEMM] = "sgemm", [PB_WL_REDUCE] = "reduce" };
    CHECK(PB_WL_TABLE_GET(short_table, PB_WL_SGEMM) == short_table[PB_WL_SGEMM]);
    CHECK(PB_WL_TABLE_GET(short_table, PB_WL_REDUCE) == short_table[PB_WL_REDUCE]);
    CHECK(PB_WL_TABLE_GET(short_table, PB_WL_TRIAD) == NULL);
    CHECK(PB_WL_TABLE_GET(short_table, PB_WL_STENCIL) == NULL);
    CHECK(PB_WL_TABLE_GET(short_table, PB_WL_HISTOGRAM) == NULL);
    CHECK(PB_WL_TABLE_GET(short_table, (pb_workload_id)-1) == NULL);
}

/* A cpu backend given a kernel table with sgemm, an empty triad slot and nothing past it. */
static void *gapped_cpu(void)
{
    static const pb_cpu_kernel *const gapped[] = { [PB_WL_SGEMM] = &pb_cpu_sgemm, [PB_WL_TRIAD] = NULL };
    void *ctx = NULL;
    pb_msg msg = { "" };
    if (pb_backend_cpu.init(&ctx, &msg) != PB_OK) {
        fprintf(stderr, "cpu init: %s\n", msg.text);
        return NULL;
    }
    pb_cpu_use_kernels(ctx, gapped, (int)(sizeof gapped / sizeof gapped[0]));
    return ctx;
}

/* No variant is listed for a workload without a kernel; the one with a kernel keeps its variants. */
static void test_cpu_gap_lists_no_variant(void)
{
    void *ctx = gapped_cpu();
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    int threads[] = { 1 };
    pb_variant_request req = { threads, 1, 1, 0 };
    pb_variant v[PB_MAX_VARIANTS];
    CHECK(pb_backend_cpu.variants(ctx, PB_WL_SGEMM, &req, v, PB_MAX_VARIANTS) >= 1);
    CHECK(pb_backend_cpu.variants(ctx, PB_WL_TRIAD, &req, v, PB_MAX_VARIANTS) == 0);
    CHECK(pb_backend_cpu.variants(ctx, PB_WL_HISTOGRAM, &req, v, PB_MAX_VARIANTS) == 0);
    CHECK(pb_backend_cpu.variants(ctx, PB_WL_COUNT, &req, v, PB_MAX_VARIANTS) == 0);
    pb_backend_cpu.shutdown(ctx);
}

/* Asked anyway, case_create refuses with PB_ERR_UNSUPPORTED and a reason that names the workload. */
static void test_cpu_gap_is_refused_with_reason(void)
{
    void *ctx = gapped_cpu();
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    pb_variant v;
    pb_variant_add(&v, 0, 1, 0, 1, "own", PB_ROLE_CPU_1, "fp32", PB_FP32_UNIT_ROUNDOFF);
    const pb_workload_id missing[] = { PB_WL_TRIAD, PB_WL_HISTOGRAM };
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        const pb_workload *wl = pb_workload_get(missing[i]);
        pb_problem p;
        pb_msg msg = { "" };
        CHECK(wl->create(&wl->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
        void *kase = NULL;
        CHECK(pb_backend_cpu.case_create(ctx, &v, &p, &kase, &msg) == PB_ERR_UNSUPPORTED);
        CHECK(kase == NULL);
        CHECK_MSG(strstr(msg.text, wl->name) && strstr(msg.text, "no kernel"), "%s", msg.text);
        pb_problem_destroy(&p);
    }
    /* A problem whose id is past the list is refused the same way. */
    pb_problem unknown;
    memset(&unknown, 0, sizeof unknown);
    unknown.id = PB_WL_COUNT;
    void *kase = NULL;
    pb_msg msg = { "" };
    CHECK(pb_backend_cpu.case_create(ctx, &v, &unknown, &kase, &msg) == PB_ERR_UNSUPPORTED && kase == NULL);
    pb_backend_cpu.shutdown(ctx);
}

/* With the table generated from the list, every workload has a cpu variant and a case; an id past
 * the list has neither. */
static void test_cpu_full_table(void)
{
    void *ctx = NULL;
    pb_msg msg = { "" };
    CHECK_MSG(pb_backend_cpu.init(&ctx, &msg) == PB_OK, "%s", msg.text);
    if (!ctx)
        return;
    int threads[] = { 1 };
    pb_variant_request req = { threads, 1, 1, 0 };
    pb_variant v[PB_MAX_VARIANTS];
    for (int i = 0; i < LIST_LEN; i++) {
        CHECK_MSG(pb_backend_cpu.variants(ctx, list[i].id, &req, v, PB_MAX_VARIANTS) >= 1, "%s", list[i].name);
        const pb_workload *wl = pb_workload_get(list[i].id);
        pb_problem p;
        CHECK(wl->create(&wl->sizes[PB_PRESET_TINY], 1, &p, &msg) == PB_OK);
        void *kase = NULL;
        CHECK_MSG(pb_backend_cpu.case_create(ctx, &v[0], &p, &kase, &msg) == PB_OK, "%s: %s", wl->name, msg.text);
        pb_backend_cpu.case_destroy(kase);
        pb_problem_destroy(&p);
    }
    CHECK(pb_backend_cpu.variants(ctx, PB_WL_COUNT, &req, v, PB_MAX_VARIANTS) == 0);
    pb_backend_cpu.shutdown(ctx);
}

/* Every backend built here answers an id past the list with no variant, and refuses a case of
 * it with PB_ERR_UNSUPPORTED: no backend indexes a table with an id it does not have. */
static void test_every_backend_refuses_unknown_id(void)
{
    int count = 0, tried = 0;
    const pb_backend_entry *reg = pb_backend_registry(&count);
    for (int b = 0; b < count; b++) {
        const pb_backend *be = reg[b].backend;
        void *ctx = NULL;
        pb_msg msg = { "" };
        if (!be || be->init(&ctx, &msg) != PB_OK)
            continue;
        tried++;
        int threads[] = { 1 };
        pb_variant_request req = { threads, 1, 1, 0 };
        pb_variant v[PB_MAX_VARIANTS];
        CHECK_MSG(be->variants(ctx, PB_WL_COUNT, &req, v, PB_MAX_VARIANTS) == 0, "%s", be->name);
        /* A variant the backend does list (sgemm is on every backend), used on an unknown id. */
        if (be->variants(ctx, PB_WL_SGEMM, &req, v, PB_MAX_VARIANTS) >= 1) {
            pb_problem unknown;
            memset(&unknown, 0, sizeof unknown);
            unknown.id = PB_WL_COUNT;
            void *kase = NULL;
            CHECK_MSG(be->case_create(ctx, &v[0], &unknown, &kase, &msg) == PB_ERR_UNSUPPORTED, "%s", be->name);
            CHECK(kase == NULL);
        }
        be->shutdown(ctx);
    }
    CHECK(tried >= 1);
}

static const pbtest_case cases[] = {
    { "enum_follows_list", test_enum_follows_list },
    { "registry_follows_list", test_registry_follows_list },
    { "poison_follows_output_type", test_poison_follows_output_type },
    { "table_get", test_table_get },
    { "cpu_gap_lists_no_variant", test_cpu_gap_lists_no_variant },
    { "cpu_gap_is_refused_with_reason", test_cpu_gap_is_refused_with_reason },
    { "cpu_full_table", test_cpu_full_table },
    { "every_backend_refuses_unknown_id", test_every_backend_refuses_unknown_id },
};

PBTEST_MAIN(cases)
