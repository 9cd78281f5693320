/* A small, fully populated result set for the JSON and compare tests (header-only: each test
 * program links alone). Every field carries a distinct value so a round trip shows any mix-up. */
#ifndef PB_SAMPLE_RESULTS_H
#define PB_SAMPLE_RESULTS_H

#include <string.h>

#include "../src/results/result.h"

static void pb_sample_resultset(pb_resultset *set)
{
    pb_resultset_init(set);
    strcpy(set->tool_version, "0.1.0");
    strcpy(set->compiler, "gcc 12.2.0");
    strcpy(set->cflags, "-O3 -march=native");
    strcpy(set->backends_built, "cpu opencl");
    strcpy(set->started_at, "2026-11-27T06:45:00Z");
    strcpy(set->finished_at, "2026-11-27T06:47:13Z");
    strcpy(set->preset, "standard");
    set->complete = 1;
    set->min_time_s = 0.5;
    set->seed = 18446744073709551557ull; /* beyond 2^53: must survive as an integer */
    strcpy(set->command, "parbench run --label \"lab box\"\t-o r.json");

    pb_machine *m = &set->machine;
    strcpy(m->label, "lab box");
    strcpy(m->hostname, "lab");
    strcpy(m->os, "Linux");
    strcpy(m->os_version, "Debian GNU/Linux 12 (bookworm)");
    strcpy(m->kernel, "6.1.0-18-amd64");
    strcpy(m->arch, "x86_64");
    strcpy(m->cpu_model, "Intel(R) Xeon(R) \xC3\xA9");
    m->logical_cores = 12;
    m->physical_cores = 10;
    m->nperf_levels = 2;
    strcpy(m->perf_levels[0].name, "P");
    m->perf_levels[0].cores = 6;
    m->perf_levels[0].logical_cores = 7;
    strcpy(m->perf_levels[1].name, "E");
    m->perf_levels[1].cores = 4;
    m->perf_levels[1].logical_cores = 5;
    strcpy(m->simd, "sse4.2 avx2 fma");
    m->l1d_bytes = 49152;
    m->l2_bytes = 2097152;
    m->l3_bytes = 503316480;
    m->memory_bytes = 34359738368ull;
    strcpy(m->power_source, "ac");
    strcpy(m->virtualization, "KVM");
    strcpy(m->gpu_name, "Apple M3 Pro");
    m->gpu_cores = 18;

    pb_device_record *d = pb_resultset_add_device(set);
    strcpy(d->backend, "opencl");
    d->index = 1;
    strcpy(d->info.name, "pthread-Intel");
    strcpy(d->info.vendor, "GenuineIntel");
    d->info.type = PB_DEVICE_GPU;
    strcpy(d->info.api_version, "OpenCL 3.0 PoCL");
    strcpy(d->info.driver_version, "3.1");
    d->info.compute_units = 2;
    d->info.clock_mhz = 2100.5;
    d->info.memory_bytes = 8589934592ull;
    d->info.max_alloc_bytes = 4294967296ull;
    d->info.unified_memory = 1;
    strcpy(d->info.extra, "SIMD width 16");

    static const double samples[] = { 0.0101, 0.0102, 0.0099, 0.01005, 1.0 / 3.0 };
    static const double e2e[] = { 0.02, 0.021 };
    pb_result *r = pb_resultset_add_result(set);
    strcpy(r->workload, "sgemm");
    strcpy(r->backend, "opencl");
    strcpy(r->device_name, "pthread-Intel");
    r->device = 1;
    strcpy(r->role, "gpu");
    r->threads = 0;
    strcpy(r->precision, "fp32");
    strcpy(r->impl, "own");
    r->ndims = 1;
    strcpy(r->dim_names[0], "n");
    r->dims[0] = 2048;
    r->status = PB_CASE_OK;
    r->flops = 2.0 * 2048 * 2048 * 2048;
    r->bytes = 3.0 * 4 * 2048 * 2048;
    r->work = r->flops;
    r->iterations_per_sample = 4;
    strcpy(r->timer, "device");
    static const int rounds[] = { 0, 0, 1, 1, 2 };
    pb_result_set_samples(r, samples, rounds, 5, NULL);
    pb_result_set_e2e_samples(r, e2e, 2, NULL);
    r->rounds = 3;
    r->round_spread = 0.0125;
    strcpy(r->rounds_stop, "settled");
    static const pb_round_state states[] = {
        { 0.05, 0.01, 0.0, 0.04, 0.5, 2400, 45, "" },
        { 0.05, 0.25, 0.02, 0.04, 1.5, -1, -1, "nominal" }, /* disturbed: 27% */
        { 0.05, -1, -1, -1, -1, -1, -1, "" },               /* nothing known */
    };
    pb_result_set_round_states(r, states, 3, NULL);
    r->disturbed_rounds = 1;
    r->median_s = 0.0101;
    r->mad_s = 0.0001;
    r->min_s = 0.0099;
    r->cv = 0.012;
    r->unstable = 0;
    r->e2e_median_s = 0.0205;
    r->rate_value = r->work / 1e9 / r->median_s;
    strcpy(r->rate_unit, "GFLOP/s");
    r->has_check = 1;
    r->check.ok = 1;
    strcpy(r->check.method, "Freivalds x2 (fp64)");
    r->check.max_err = 1.5e-6;
    r->check.tolerance = 2.4e-4;
    r->check.bad = 0;
    r->check.first_bad = -1;

    static const double s2[] = { 0.5, 0.25 };
    r = pb_resultset_add_result(set);
    strcpy(r->workload, "stencil");
    strcpy(r->backend, "cpu");
    strcpy(r->device_name, "cpu");
    strcpy(r->role, "cpu-n");
    r->threads = 3;
    strcpy(r->precision, "fp32");
    strcpy(r->impl, "own");
    r->ndims = 3;
    strcpy(r->dim_names[0], "nx");
    strcpy(r->dim_names[1], "ny");
    strcpy(r->dim_names[2], "steps");
    r->dims[0] = 4096;
    r->dims[1] = 2048;
    r->dims[2] = 10;
    r->status = PB_CASE_FAILED;
    strcpy(r->reason, "verification failed: 12 cells off \"by far\"\n");
    r->iterations_per_sample = 1;
    strcpy(r->timer, "host");
    pb_result_set_samples(r, s2, NULL, 2, NULL);
    r->median_s = 0.375;
    r->cv = 0.4;
    r->unstable = 1;
    r->rate_value = 1e-310; /* subnormal: still finite, still exact */
    strcpy(r->rate_unit, "GB/s");
    r->has_check = 1;
    r->check.ok = 0;
    strcpy(r->check.method, "full fp64 reference");
    r->check.max_err = 0.75;
    r->check.tolerance = 1e-5;
    r->check.bad = 12;
    r->check.first_bad = 77;

    r = pb_resultset_add_result(set);
    strcpy(r->workload, "histogram");
    strcpy(r->backend, "cuda");
    strcpy(r->role, "gpu");
    strcpy(r->precision, "u32");
    r->ndims = 1;
    strcpy(r->dim_names[0], "n");
    r->dims[0] = 1 << 24;
    r->status = PB_CASE_SKIPPED;
    strcpy(r->reason, "no CUDA device");
    strcpy(r->rate_unit, "Gelem/s");
}

#endif
