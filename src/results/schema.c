/* The result file's fields, in the order they are written (schema.h; docs/SCHEMA.md explains
 * each one). */
#include "schema.h"

#include <limits.h>
#include <string.h>

#include "result.h"

#define PB_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PB_AT(type, member) offsetof(type, member), sizeof(((type *)0)->member)

/* One line per field: F(type, key, kind, member, flags, since) and its variants. */
#define F(type, key, kind, member, flags, since) \
    { key, kind, PB_AT(type, member), flags, since, INT_MIN, INT_MAX, PB_CHECK_NONE, 0, 0, NULL, NULL, NULL, NULL }
#define F_RANGE(type, key, member, lo, hi, since) \
    { key, PB_FIELD_INT, PB_AT(type, member), 0, since, lo, hi, PB_CHECK_NONE, 0, 0, NULL, NULL, NULL, NULL }
#define F_CHECK(type, key, member, flags, check, since) \
    { key, PB_FIELD_DOUBLE, PB_AT(type, member), flags, since, 0, 0, check, 0, 0, NULL, NULL, NULL, NULL }
#define F_ARRAY(type, key, kind, member, count_member, flags, since, sub) \
    { key, kind, PB_AT(type, member), flags, since, 0, 0, PB_CHECK_NONE, offsetof(type, count_member), 0, sub, \
      NULL, NULL, NULL }
#define F_OBJECT(type, key, member, since, sub) \
    { key, PB_FIELD_OBJECT, PB_AT(type, member), 0, since, 0, 0, PB_CHECK_NONE, 0, 0, sub, NULL, NULL, NULL }
/* An object whose fields are members of the enclosing struct itself (tool, run, rate, ...). */
#define F_VIEW(key, flags, when, since, sub) \
    { key, PB_FIELD_OBJECT, 0, 0, flags, since, 0, 0, PB_CHECK_NONE, 0, when, sub, NULL, NULL, NULL }
#define F_OBJECT_WHEN(type, key, member, when_member, flags, since, sub) \
    { key, PB_FIELD_OBJECT, PB_AT(type, member), (flags) | PB_FIELD_WHEN, since, 0, 0, PB_CHECK_NONE, 0, \
      offsetof(type, when_member), sub, NULL, NULL, NULL }
#define SCHEMA(table) { table, PB_COUNT(table) }

/* ---- enumerations ---------------------------------------------------------------------------- */

static const char *pb_schema_status_name(int v) { return pb_case_status_name((pb_case_status)v); }

static int pb_schema_status_parse(const char *name, int *v)
{
    pb_case_status s;
    if (!pb_case_status_parse(name, &s))
        return 0;
    *v = (int)s;
    return 1;
}

static const char *pb_schema_type_name(int v) { return pb_device_type_name((pb_device_type)v); }

/* An unknown device type reads as "other": a newer parbench may know more kinds of device. */
static int pb_schema_type_parse(const char *name, int *v)
{
    *v = PB_DEVICE_OTHER;
    for (int t = PB_DEVICE_CPU; t <= PB_DEVICE_OTHER; t++)
        if (strcmp(name, pb_device_type_name((pb_device_type)t)) == 0)
            *v = t;
    return 1;
}

/* ---- tool, run, machine ---------------------------------------------------------------------- */

static const pb_field pb_round_state_fields[] = {
    F(pb_round_state, "seconds", PB_FIELD_DOUBLE, seconds, 0, 2),
    F(pb_round_state, "other_cpu", PB_FIELD_KNOWN, other_cpu, 0, 2),
    F(pb_round_state, "steal", PB_FIELD_KNOWN, steal, 0, 2),
    F(pb_round_state, "resolution", PB_FIELD_KNOWN, resolution, 0, 2),
    F(pb_round_state, "load1", PB_FIELD_KNOWN, load1, 0, 2),
    F(pb_round_state, "freq_mhz", PB_FIELD_KNOWN, freq_mhz, 0, 2),
    F(pb_round_state, "temp_c", PB_FIELD_KNOWN, temp_c, 0, 2),
    F(pb_round_state, "thermal", PB_FIELD_STRING, thermal, PB_FIELD_NULL_EMPTY, 2),
};
const pb_schema pb_schema_round_state = SCHEMA(pb_round_state_fields);

static const pb_field pb_tool_fields[] = {
    { "name", PB_FIELD_CONST, 0, 0, 0, 1, 0, 0, PB_CHECK_NONE, 0, 0, NULL, "parbench", NULL, NULL },
    F(pb_resultset, "version", PB_FIELD_STRING, tool_version, 0, 1),
    F(pb_resultset, "compiler", PB_FIELD_STRING, compiler, 0, 1),
    F(pb_resultset, "cflags", PB_FIELD_STRING, cflags, 0, 1),
    F(pb_resultset, "backends_built", PB_FIELD_WORDS, backends_built, PB_FIELD_INLINE, 1),
};

static const pb_field pb_run_fields[] = {
    F(pb_resultset, "started_at", PB_FIELD_STRING, started_at, 0, 1),
    F(pb_resultset, "finished_at", PB_FIELD_STRING, finished_at, 0, 1),
    F(pb_resultset, "preset", PB_FIELD_NAME, preset, 0, 1),
    F(pb_resultset, "complete", PB_FIELD_BOOL, complete, 0, 1),
    F(pb_resultset, "min_time_s", PB_FIELD_DOUBLE, min_time_s, 0, 1),
    F(pb_resultset, "seed", PB_FIELD_U64, seed, 0, 1),
    F(pb_resultset, "min_rounds", PB_FIELD_INT, min_rounds, 0, 2),
    F(pb_resultset, "max_rounds", PB_FIELD_INT, max_rounds, 0, 2),
    F(pb_resultset, "shuffle_seed", PB_FIELD_U64, shuffle_seed, 0, 2),
    F(pb_resultset, "memory_budget_bytes", PB_FIELD_DOUBLE, memory_budget_bytes, 0, 2),
    F(pb_resultset, "cases_kept", PB_FIELD_BOOL, cases_kept, 0, 2),
    F_OBJECT_WHEN(pb_resultset, "state", run_state, has_run_state, PB_FIELD_INLINE, 2, &pb_schema_round_state),
    F(pb_resultset, "command", PB_FIELD_STRING, command, 0, 1),
};

static const pb_schema pb_schema_tool = SCHEMA(pb_tool_fields);
static const pb_schema pb_schema_run = SCHEMA(pb_run_fields);

static const pb_field pb_perf_level_fields[] = {
    F(pb_perf_level, "name", PB_FIELD_STRING, name, 0, 1),
    F(pb_perf_level, "cores", PB_FIELD_INT, cores, 0, 1),
    F(pb_perf_level, "logical_cores", PB_FIELD_INT, logical_cores, 0, 1),
};
static const pb_schema pb_schema_perf_level = SCHEMA(pb_perf_level_fields);

static const pb_field pb_cpu_fields[] = {
    F(pb_machine, "model", PB_FIELD_STRING, cpu_model, 0, 1),
    F(pb_machine, "logical_cores", PB_FIELD_INT, logical_cores, 0, 1),
    F(pb_machine, "physical_cores", PB_FIELD_INT, physical_cores, 0, 1),
    F(pb_machine, "usable_cpus", PB_FIELD_INT, usable_cpus, 0, 2),
    F_ARRAY(pb_machine, "perf_levels", PB_FIELD_PERF_LEVELS, perf_levels, nperf_levels, 0, 1, &pb_schema_perf_level),
    F(pb_machine, "simd", PB_FIELD_STRING, simd, 0, 1),
    F(pb_machine, "l1d_bytes", PB_FIELD_I64, l1d_bytes, 0, 1),
    F(pb_machine, "l2_bytes", PB_FIELD_I64, l2_bytes, 0, 1),
    F(pb_machine, "l3_bytes", PB_FIELD_I64, l3_bytes, 0, 1),
};
static const pb_schema pb_schema_cpu = SCHEMA(pb_cpu_fields);

static const pb_field pb_gpu_fields[] = {
    F(pb_machine, "name", PB_FIELD_STRING, gpu_name, 0, 1),
    F(pb_machine, "cores", PB_FIELD_INT, gpu_cores, 0, 1),
};
static const pb_schema pb_schema_gpu = SCHEMA(pb_gpu_fields);

static const pb_field pb_machine_fields[] = {
    F(pb_machine, "label", PB_FIELD_STRING, label, 0, 1),
    F(pb_machine, "hostname", PB_FIELD_STRING, hostname, 0, 1),
    F(pb_machine, "os", PB_FIELD_STRING, os, 0, 1),
    F(pb_machine, "os_version", PB_FIELD_STRING, os_version, 0, 1),
    F(pb_machine, "kernel", PB_FIELD_STRING, kernel, 0, 1),
    F(pb_machine, "arch", PB_FIELD_STRING, arch, 0, 1),
    F_VIEW("cpu", 0, 0, 1, &pb_schema_cpu),
    F(pb_machine, "memory_bytes", PB_FIELD_U64, memory_bytes, 0, 1),
    F(pb_machine, "power_source", PB_FIELD_NAME, power_source, 0, 1),
    F(pb_machine, "virtualization", PB_FIELD_STRING, virtualization, 0, 1),
    F_VIEW("gpu", 0, 0, 1, &pb_schema_gpu),
};
static const pb_schema pb_schema_machine = SCHEMA(pb_machine_fields);

/* ---- devices --------------------------------------------------------------------------------- */

/* A device's measured ceilings (schema 2, optional: files without it read as not measured). */
static const pb_field pb_ceilings_fields[] = {
    F(pb_ceilings, "fp32_gflops", PB_FIELD_DOUBLE, fp32_gflops, 0, 2),
    F(pb_ceilings, "bandwidth_gbs", PB_FIELD_DOUBLE, bandwidth_gbs, 0, 2),
    F(pb_ceilings, "read_gbs", PB_FIELD_DOUBLE, read_gbs, 0, 2),
    F(pb_ceilings, "triad_gbs", PB_FIELD_DOUBLE, triad_gbs, 0, 2),
    F(pb_ceilings, "triad_nt_gbs", PB_FIELD_DOUBLE, triad_nt_gbs, 0, 2),
    F_RANGE(pb_ceilings, "threads", threads, 0, 1 << 20, 2),
    F(pb_ceilings, "seconds", PB_FIELD_DOUBLE, seconds, 0, 2),
    F(pb_ceilings, "method", PB_FIELD_STRING, method, 0, 2),
};
static const pb_schema pb_schema_ceilings = SCHEMA(pb_ceilings_fields);

static const pb_field pb_device_fields[] = {
    F(pb_device_record, "backend", PB_FIELD_NAME, backend, PB_FIELD_REQUIRED, 1),
    F(pb_device_record, "index", PB_FIELD_INT, index, 0, 1),
    F(pb_device_record, "name", PB_FIELD_STRING, info.name, 0, 1),
    F(pb_device_record, "vendor", PB_FIELD_STRING, info.vendor, 0, 1),
    { "type", PB_FIELD_ENUM, PB_AT(pb_device_record, info.type), 0, 1, PB_DEVICE_OTHER, PB_DEVICE_OTHER,
      PB_CHECK_NONE, 0, 0, NULL, "cpu, gpu, accelerator or other", pb_schema_type_name, pb_schema_type_parse },
    F(pb_device_record, "api_version", PB_FIELD_STRING, info.api_version, 0, 1),
    F(pb_device_record, "driver_version", PB_FIELD_STRING, info.driver_version, 0, 1),
    F(pb_device_record, "compute_units", PB_FIELD_INT, info.compute_units, 0, 1),
    F(pb_device_record, "clock_mhz", PB_FIELD_DOUBLE, info.clock_mhz, 0, 1),
    F(pb_device_record, "memory_bytes", PB_FIELD_U64, info.memory_bytes, 0, 1),
    F(pb_device_record, "max_alloc_bytes", PB_FIELD_U64, info.max_alloc_bytes, 0, 1),
    F(pb_device_record, "unified_memory", PB_FIELD_BOOL, info.unified_memory, 0, 1),
    F(pb_device_record, "llc_bytes", PB_FIELD_U64, info.llc_bytes, 0, 2),
    F(pb_device_record, "extra", PB_FIELD_STRING, info.extra, 0, 1),
    F_OBJECT_WHEN(pb_device_record, "ceilings", ceilings, has_ceilings, 0, 2, &pb_schema_ceilings),
};
const pb_schema pb_schema_device = SCHEMA(pb_device_fields);

/* ---- results --------------------------------------------------------------------------------- */

static const pb_field pb_rate_fields[] = {
    F_CHECK(pb_result, "value", rate_value, 0, PB_CHECK_RATE, 1),
    F(pb_result, "unit", PB_FIELD_NAME, rate_unit, 0, 1),
};
static const pb_schema pb_schema_rate = SCHEMA(pb_rate_fields);

static const pb_field pb_check_fields[] = {
    F(pb_result, "ok", PB_FIELD_BOOL, check.ok, PB_FIELD_REQUIRED, 1),
    F(pb_result, "method", PB_FIELD_STRING, check.method, 0, 1),
    F(pb_result, "max_rel_err", PB_FIELD_DOUBLE, check.max_err, 0, 1),
    F(pb_result, "tolerance", PB_FIELD_DOUBLE, check.tolerance, 0, 1),
    F(pb_result, "bad", PB_FIELD_I64, check.bad, 0, 1),
};
static const pb_schema pb_schema_check = SCHEMA(pb_check_fields);

/* The device's view of a case's timed batches (schema 2, optional: files without it read as
 * having none). */
static const pb_field pb_device_batch_fields[] = {
    F(pb_result, "busy_s", PB_FIELD_DOUBLE, batch_busy_s, 0, 2),
    F(pb_result, "span_s", PB_FIELD_DOUBLE, batch_span_s, 0, 2),
    F(pb_result, "launch_bound", PB_FIELD_BOOL, launch_bound, 0, 2),
};
static const pb_schema pb_schema_device_batch = SCHEMA(pb_device_batch_fields);

static const pb_field pb_result_fields[] = {
    F(pb_result, "workload", PB_FIELD_NAME, workload, PB_FIELD_REQUIRED, 1),
    F(pb_result, "backend", PB_FIELD_NAME, backend, PB_FIELD_REQUIRED, 1),
    F(pb_result, "device", PB_FIELD_INT, device, 0, 1),
    F(pb_result, "device_name", PB_FIELD_STRING, device_name, 0, 1),
    F(pb_result, "role", PB_FIELD_NAME, role, PB_FIELD_REQUIRED, 1),
    F(pb_result, "threads", PB_FIELD_INT, threads, 0, 1),
    F(pb_result, "precision", PB_FIELD_NAME, precision, PB_FIELD_REQUIRED, 1),
    F(pb_result, "impl", PB_FIELD_NAME, impl, 0, 1),
    F(pb_result, "size", PB_FIELD_SIZE, dims, PB_FIELD_REQUIRED, 1),
    { "status", PB_FIELD_ENUM, PB_AT(pb_result, status), PB_FIELD_REQUIRED | PB_FIELD_LATE, 1, 0, 0,
      PB_CHECK_NONE, 0, 0, NULL, "ok, failed, unsupported or skipped", pb_schema_status_name, pb_schema_status_parse },
    F(pb_result, "reason", PB_FIELD_STRING, reason, PB_FIELD_NULL_EMPTY, 1),
    F(pb_result, "flops", PB_FIELD_DOUBLE, flops, 0, 1),
    F(pb_result, "bytes", PB_FIELD_DOUBLE, bytes, 0, 1),
    F(pb_result, "work", PB_FIELD_DOUBLE, work, 0, 1),
    F(pb_result, "working_set_bytes", PB_FIELD_U64, working_set_bytes, 0, 2),
    F(pb_result, "llc_bytes", PB_FIELD_U64, llc_bytes, 0, 2),
    F(pb_result, "iterations_per_sample", PB_FIELD_INT, iterations_per_sample, 0, 1),
    F(pb_result, "timer", PB_FIELD_NAME, timer, 0, 1),
    F(pb_result, "timer_note", PB_FIELD_STRING, timer_note, PB_FIELD_NULL_EMPTY, 2),
    F_ARRAY(pb_result, "samples_s", PB_FIELD_SAMPLES, samples_s, nsamples, PB_FIELD_REQUIRED | PB_FIELD_INLINE, 1,
            NULL),
    F_ARRAY(pb_result, "sample_rounds", PB_FIELD_SAMPLE_ROUNDS, sample_rounds, nsamples,
            PB_FIELD_INLINE | PB_FIELD_LATE, 2, NULL),
    F_RANGE(pb_result, "rounds", rounds, 0, 100000, 2),
    F(pb_result, "round_spread", PB_FIELD_DOUBLE, round_spread, 0, 2),
    F(pb_result, "rounds_stop", PB_FIELD_STRING, rounds_stop, PB_FIELD_NULL_EMPTY, 2),
    F(pb_result, "disturbed_rounds", PB_FIELD_INT, disturbed_rounds, 0, 2),
    F_ARRAY(pb_result, "round_states", PB_FIELD_ROUND_STATES, round_states, nround_states,
            PB_FIELD_OMIT_EMPTY | PB_FIELD_LATE, 2, &pb_schema_round_state),
    F_CHECK(pb_result, "median_s", median_s, 0, PB_CHECK_TIME, 1),
    F(pb_result, "mad_s", PB_FIELD_DOUBLE, mad_s, 0, 1),
    F_CHECK(pb_result, "min_s", min_s, 0, PB_CHECK_TIME, 1),
    F(pb_result, "cv", PB_FIELD_DOUBLE, cv, 0, 1),
    F(pb_result, "unstable", PB_FIELD_BOOL, unstable, 0, 1),
    F_ARRAY(pb_result, "other_clock_samples_s", PB_FIELD_SAMPLES, other_clock_s, nother_clock,
            PB_FIELD_INLINE | PB_FIELD_OMIT_EMPTY, 2, NULL),
    F_ARRAY(pb_result, "e2e_samples_s", PB_FIELD_SAMPLES, e2e_samples_s, ne2e, PB_FIELD_INLINE | PB_FIELD_OMIT_EMPTY,
            1, NULL),
    { "e2e_median_s", PB_FIELD_DOUBLE, PB_AT(pb_result, e2e_median_s), PB_FIELD_WHEN, 1, 0, 0, PB_CHECK_TIME, 0,
      offsetof(pb_result, ne2e), NULL, NULL, NULL, NULL },
    F_VIEW("rate", 0, 0, 1, &pb_schema_rate),
    F_VIEW("device_batch", PB_FIELD_WHEN | PB_FIELD_INLINE, offsetof(pb_result, has_batch), 2,
           &pb_schema_device_batch),
    F_VIEW("check", PB_FIELD_WHEN | PB_FIELD_NULL_ABSENT, offsetof(pb_result, has_check), 1, &pb_schema_check),
};
const pb_schema pb_schema_result = SCHEMA(pb_result_fields);

/* ---- the document ---------------------------------------------------------------------------- */

static const pb_field pb_resultset_fields[] = {
    F_VIEW("tool", 0, 0, 1, &pb_schema_tool),
    F_VIEW("run", 0, 0, 1, &pb_schema_run),
    F_OBJECT(pb_resultset, "machine", machine, 1, &pb_schema_machine),
    F_ARRAY(pb_resultset, "devices", PB_FIELD_DEVICES, devices, ndevices, 0, 1, &pb_schema_device),
    F_ARRAY(pb_resultset, "results", PB_FIELD_RESULTS, results, nresults, PB_FIELD_REQUIRED, 1, &pb_schema_result),
};
const pb_schema pb_schema_resultset = SCHEMA(pb_resultset_fields);
