/* Many devices: a fake GPU backend with 8 devices and 3 variants per device (own, library fp32,
 * library tf32: cuda's sgemm on an HGX server) has all 24 planned, --device keeps only the chosen
 * devices and names the ones there are when an item matches none, and a backend that lists more
 * than PB_VARIANTS_BOUND variants is said to have been cut. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/cli/cli.h"
#include "pbtest.h"

/* The fake backend's context: how many devices, and how many variants it lists per device. */
typedef struct fake_gpus {
    int ndevices, per_device;
} fake_gpus;

static pb_status fake_init(void **ctx, pb_msg *why)
{
    (void)ctx;
    return pb_msg_set(why, PB_ERR_UNAVAILABLE, "only built by hand in these tests");
}
static void fake_shutdown(void *ctx) { (void)ctx; }
static int fake_device_count(void *ctx) { return ((const fake_gpus *)ctx)->ndevices; }
static pb_status fake_device_info(void *ctx, int device, pb_device_info *out)
{
    if (device < 0 || device >= fake_device_count(ctx))
        return PB_ERR_USAGE;
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "Fake H200 #%d", device);
    out->type = PB_DEVICE_GPU;
    return PB_OK;
}
static int fake_variants(void *ctx, pb_workload_id id, const pb_variant_request *req, pb_variant *out, int max)
{
    static const char *const impl[3] = { "own", "fakeblas", "fakeblas" };
    static const char *const precision[3] = { "fp32", "fp32", "tf32" };
    const fake_gpus *g = ctx;
    (void)req;
    if (id != PB_WL_SGEMM)
        return 0;
    int n = 0;
    for (int d = 0; d < g->ndevices; d++)
        for (int k = 0; k < g->per_device; k++)
            n = pb_variant_add(out, n, max, d, 0, impl[k % 3], k % 3 ? PB_ROLE_LIB_GPU : PB_ROLE_GPU,
                               precision[k % 3], PB_FP32_UNIT_ROUNDOFF);
    return n;
}
static pb_status fake_case_create(void *ctx, const pb_variant *v, pb_problem *problem, void **kase, pb_msg *msg)
{
    (void)ctx, (void)v, (void)problem, (void)kase;
    return pb_msg_set(msg, PB_ERR_UNSUPPORTED, "never run in these tests");
}
static pb_status fake_case_run(void *kase, int launches, double *seconds, int *device_timer, pb_msg *msg)
{
    (void)kase, (void)launches, (void)seconds, (void)device_timer;
    return pb_msg_set(msg, PB_ERR_BACKEND, "never run in these tests");
}
static pb_status fake_case_e2e(void *kase, double *seconds, pb_msg *msg)
{
    (void)kase, (void)seconds;
    return pb_msg_set(msg, PB_ERR_BACKEND, "never run in these tests");
}
static void fake_case_destroy(void *kase) { (void)kase; }

/* A device backend: it has end-to-end timing. */
static const pb_backend fake_gpu_backend = {
    .name = "fakegpu",
    .summary = "8 fake GPUs",
    .init = fake_init,
    .shutdown = fake_shutdown,
    .device_count = fake_device_count,
    .device_info = fake_device_info,
    .variants = fake_variants,
    .case_create = fake_case_create,
    .case_run = fake_case_run,
    .case_e2e = fake_case_e2e,
    .case_destroy = fake_case_destroy,
};

/* A host backend (no end-to-end timing): --device leaves it alone. */
static const pb_backend fake_host_backend = {
    .name = "fakehost",
    .summary = "the host",
    .init = fake_init,
    .shutdown = fake_shutdown,
    .device_count = fake_device_count,
    .device_info = fake_device_info,
    .variants = fake_variants,
    .case_create = fake_case_create,
    .case_run = fake_case_run,
    .case_destroy = fake_case_destroy,
};

static const pb_backend_entry gpu_entry = { "fakegpu", &fake_gpu_backend, NULL };
static const pb_backend_entry host_entry = { "fakehost", &fake_host_backend, NULL };

/* A session of the fake GPU backend (and, with `host`, the fake host backend after it). */
static void fake_session(pb_session *s, fake_gpus *gpus, fake_gpus *host)
{
    memset(s, 0, sizeof *s);
    s->slots[0].entry = &gpu_entry;
    s->slots[0].ctx = gpus;
    s->nslots = 1;
    if (host) {
        s->slots[1].entry = &host_entry;
        s->slots[1].ctx = host;
        s->nslots = 2;
    }
}

/* Plans sgemm alone; returns the number of cases, -1 on failure. */
static int plan_sgemm(const pb_session *s, pb_planned_list *plan, FILE *notes)
{
    int workloads[PB_WL_COUNT] = { 0 };
    workloads[PB_WL_SGEMM] = 1;
    pb_msg msg = { "" };
    return pb_cli_plan(s, workloads, NULL, 0, notes, plan, &msg) == PB_OK ? plan->n : -1;
}

/* Chooses devices by a spec (copied: the choice splits it in place). */
static pb_status choose(pb_session *s, const char *spec, pb_msg *msg)
{
    char text[128];
    pb_strlcpy(text, spec, sizeof text);
    return pb_session_choose_devices(s, text, msg);
}

/* The 16-entry first guess cuts an 8-GPU list; the growing list has all 24. */
static void test_variant_list_grows(void)
{
    fake_gpus gpus = { 8, 3 };
    pb_variant fixed[PB_MAX_VARIANTS];
    CHECK(fake_gpu_backend.variants(&gpus, PB_WL_SGEMM, NULL, fixed, PB_MAX_VARIANTS) == PB_MAX_VARIANTS);
    pb_variant_list list;
    pb_msg msg = { "" };
    CHECK(pb_variant_list_init(&list, &fake_gpu_backend, &gpus, PB_WL_SGEMM, NULL, &msg) == PB_OK);
    CHECK(list.n == 24 && !list.truncated);
    for (int i = 0; i < list.n && i < 24; i++)
        CHECK_MSG(list.items[i].device == i / 3, "variant %d is on device %d", i, list.items[i].device);
    pb_variant_list_free(&list);
    CHECK(list.items == NULL && list.n == 0);
    pb_variant_list_free(NULL);
    /* Exactly a power of two is not mistaken for a cut list. */
    gpus = (fake_gpus){ 16, 2 };
    CHECK(pb_variant_list_init(&list, &fake_gpu_backend, &gpus, PB_WL_SGEMM, NULL, &msg) == PB_OK);
    CHECK(list.n == 32 && !list.truncated);
    pb_variant_list_free(&list);
}

/* By default every device of every backend is planned: 24 sgemm cases on 8 GPUs. */
static void test_plan_has_every_device(void)
{
    fake_gpus gpus = { 8, 3 };
    pb_session s;
    fake_session(&s, &gpus, NULL);
    pb_planned_list plan = { NULL, 0, 0 };
    CHECK(plan_sgemm(&s, &plan, NULL) == 24);
    int per_device[8] = { 0 };
    for (int i = 0; i < plan.n; i++)
        if (plan.items[i].variant.device >= 0 && plan.items[i].variant.device < 8)
            per_device[plan.items[i].variant.device]++;
    for (int d = 0; d < 8; d++)
        CHECK_MSG(per_device[d] == 3, "device %d has %d cases", d, per_device[d]);
    /* A second plan into the same list starts afresh. */
    CHECK(plan_sgemm(&s, &plan, NULL) == 24);
    pb_planned_list_free(&plan);
    pb_planned_list_free(NULL);
    pb_session_close(&s);
}

/* -d 6,7 keeps devices 6 and 7 only; a host backend keeps its cases. */
static void test_choose_by_index(void)
{
    fake_gpus gpus = { 8, 3 }, host = { 1, 1 };
    pb_session s;
    fake_session(&s, &gpus, &host);
    pb_msg msg = { "" };
    CHECK(choose(&s, "6,7", &msg) == PB_OK);
    pb_planned_list plan = { NULL, 0, 0 };
    CHECK(plan_sgemm(&s, &plan, NULL) == 7);
    int host_cases = 0;
    for (int i = 0; i < plan.n; i++) {
        const pb_plan_item *it = &plan.items[i];
        if (it->slot == 1)
            host_cases++;
        else
            CHECK_MSG(it->variant.device == 6 || it->variant.device == 7, "device %d", it->variant.device);
    }
    CHECK(host_cases == 1);
    pb_planned_list_free(&plan);
    pb_session_close(&s);
}

/* Names (any part, any case), backend:index and `all`. */
static void test_choose_by_name(void)
{
    static const struct {
        const char *spec;
        int cases;
    } table[] = {
        { "#3", 3 }, { "fake h200", 24 }, { "fakegpu:2", 3 }, { "fakegpu:#5,0", 6 }, { "all", 24 },
        { "fakegpu:all", 24 }, { "1,1", 3 },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        fake_gpus gpus = { 8, 3 };
        pb_session s;
        fake_session(&s, &gpus, NULL);
        pb_msg msg = { "" };
        CHECK_MSG(choose(&s, table[i].spec, &msg) == PB_OK, "%s: %s", table[i].spec, msg.text);
        pb_planned_list plan = { NULL, 0, 0 };
        int n = plan_sgemm(&s, &plan, NULL);
        CHECK_MSG(n == table[i].cases, "%s: %d cases", table[i].spec, n);
        pb_planned_list_free(&plan);
        pb_session_close(&s);
    }
}

/* An item that matches nothing is bad usage, and the message names the devices there are. */
static void test_choose_bad(void)
{
    static const struct {
        const char *spec, *says;
    } table[] = {
        { "9", "no device 9: fakegpu has devices 0 (Fake H200 #0), 1 (Fake H200 #1)" },
        { "0,9", "no device 9: fakegpu has devices 0 (Fake H200 #0)" },
        { "A100", "no device matches 'A100': fakegpu has devices 0 (Fake H200 #0)" },
        { "fakehost:0", "no device fakehost:0: fakehost runs on the host CPU; --device chooses among fakegpu has" },
        { "vulkan:0", "unknown backend 'vulkan' in 'vulkan:0'" },
        { "fakegpu:", "'fakegpu:' names no device" },
        { "6,", "empty item" },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        fake_gpus gpus = { 8, 3 }, host = { 1, 1 };
        pb_session s;
        fake_session(&s, &gpus, &host);
        pb_msg msg = { "" };
        CHECK_MSG(choose(&s, table[i].spec, &msg) == PB_ERR_USAGE, "%s", table[i].spec);
        CHECK_MSG(strstr(msg.text, table[i].says) != NULL, "%s: \"%s\"", table[i].spec, msg.text);
        pb_session_close(&s);
    }
    /* With no device backend at all, any device is missing, and the message says why. */
    fake_gpus host = { 1, 1 };
    pb_session s;
    memset(&s, 0, sizeof s);
    s.slots[0].entry = &host_entry;
    s.slots[0].ctx = &host;
    s.nslots = 1;
    pb_msg msg = { "" };
    CHECK(choose(&s, "0", &msg) == PB_ERR_USAGE);
    CHECK_MSG(strstr(msg.text, "no device 0: no backend with devices of its own") != NULL, "%s", msg.text);
    pb_session_close(&s);
}

/* A backend that lists more than PB_VARIANTS_BOUND variants is cut there, and the plan says so. */
static void test_bound_is_said(void)
{
    fake_gpus gpus = { PB_VARIANTS_BOUND, 2 };
    pb_session s;
    fake_session(&s, &gpus, NULL);
    FILE *notes = tmpfile();
    CHECK(notes != NULL);
    if (!notes)
        return;
    pb_planned_list plan = { NULL, 0, 0 };
    CHECK(plan_sgemm(&s, &plan, notes) == PB_VARIANTS_BOUND);
    char line[256] = "";
    rewind(notes);
    CHECK(fgets(line, sizeof line, notes) != NULL);
    CHECK_MSG(strstr(line, "fakegpu lists more than 4096 variants of sgemm") != NULL, "%s", line);
    fclose(notes);
    pb_planned_list_free(&plan);
    pb_session_close(&s);
}

/* -d goes through the one option parser, for run and (its value kept for later) the session. */
static void test_run_parses_device(void)
{
    char a0[] = "-d", a1[] = "6,7", a2[] = "--device=H200";
    char *argv[] = { a0, a1 };
    pb_run_config cfg;
    int help;
    pb_msg msg = { "" };
    CHECK(pb_run_parse(2, argv, &cfg, &help, &msg) == PB_OK);
    CHECK(cfg.devices != NULL && strcmp(cfg.devices, "6,7") == 0);
    char *argv2[] = { a2 };
    CHECK(pb_run_parse(1, argv2, &cfg, &help, &msg) == PB_OK);
    CHECK(cfg.devices != NULL && strcmp(cfg.devices, "H200") == 0);
    CHECK(pb_run_parse(0, argv, &cfg, &help, &msg) == PB_OK && cfg.devices == NULL);
}

static const pbtest_case tests[] = {
    { "variant_list_grows", test_variant_list_grows },
    { "plan_has_every_device", test_plan_has_every_device },
    { "choose_by_index", test_choose_by_index },
    { "choose_by_name", test_choose_by_name },
    { "choose_bad", test_choose_bad },
    { "bound_is_said", test_bound_is_said },
    { "run_parses_device", test_run_parses_device },
};

PBTEST_MAIN(tests)
