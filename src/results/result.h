/* The result model: one run on one machine, as written to and read from the result file
 * (schema "parbench-result", version 1; docs/SCHEMA.md). */
#ifndef PB_RESULT_H
#define PB_RESULT_H

#include <stdint.h>

#include "../core/ceilings.h"
#include "../core/check.h"
#include "../core/device.h"
#include "../core/fingerprint.h"
#include "../core/machstate.h"
#include "../core/status.h"

#define PB_SCHEMA_NAME "parbench-result"
#define PB_SCHEMA_VERSION 2  /* 2: samples carry their round; rounds' machine state (docs/SCHEMA.md) */

typedef enum pb_case_status {
    PB_CASE_OK,
    PB_CASE_FAILED,       /* ran but errored or did not verify */
    PB_CASE_UNSUPPORTED,  /* the backend cannot run this workload/device */
    PB_CASE_SKIPPED       /* not run: too big for the device, interrupted, ... */
} pb_case_status;

const char *pb_case_status_name(pb_case_status status); /* "ok", "failed", "unsupported", "skipped" */
int pb_case_status_parse(const char *name, pb_case_status *out);

/* The largest believable rate (GFLOP/s, GB/s, ...) in a result file, stored or recomputed from its
 * samples, and of a ceiling: beyond it a file is corrupted or hand-edited. */
#define PB_RESULT_MAX_RATE 1e12

typedef struct pb_result {
    char workload[24];
    char backend[24];
    char device_name[128];
    int device;
    char role[16];          /* pb_role_name() */
    int threads;            /* CPU threads, 0 for device backends */
    char precision[8];
    char impl[32];
    int ndims;
    char dim_names[PB_MAX_DIMS][16];
    int64_t dims[PB_MAX_DIMS];
    pb_case_status status;
    char reason[512];       /* why failed/unsupported/skipped; "" when ok */
    double flops;           /* per launch */
    double bytes;           /* per launch */
    double work;            /* rate units x 1e9 per launch */
    uint64_t working_set_bytes; /* bytes of the problem's buffers (pb_problem_bytes); 0 when unknown */
    uint64_t llc_bytes;     /* the device's last-level cache (pb_device_info); 0 when unknown */
    int iterations_per_sample;
    char timer[8];          /* "host" or "device" */
    char timer_note[160];   /* why a device timer was not trusted ("" when it was, or none ran) */
    double *other_clock_s;  /* device-timed cases: each sample on the other clock (host when
                             * timer is "device", device when the device timer was not trusted) */
    int nother_clock;
    double *samples_s;      /* seconds per launch, one per sample */
    int *sample_rounds;     /* the round of each sample (schema 2); NULL in schema 1 files */
    int nsamples;
    int rounds;             /* rounds that took samples; 0: one window (schema 1) */
    double round_spread;    /* std dev of the log round medians (0 with fewer than 2 rounds) */
    char rounds_stop[16];   /* why rounds stopped: "settled", "round-cap", "time-cap", "interrupted" */
    pb_round_state *round_states; /* the machine's state during each round of this case */
    int nround_states;
    int disturbed_rounds;   /* rounds whose state counts as disturbed (PB_DISTURBED_SHARE) */
    double median_s, mad_s, min_s, cv;
    int unstable;           /* cv > PB_UNSTABLE_CV */
    double *e2e_samples_s;  /* end-to-end seconds per launch (device backends) */
    int ne2e;
    double e2e_median_s;
    int has_batch;          /* the backend saw its timed batches on the device: the next three are set */
    double batch_busy_s;    /* the device's busy time (union of kernel spans) per launch */
    double batch_span_s;    /* the batches' span on the device (first start to last end) per launch */
    int launch_bound;       /* the device sat idle more than PB_LAUNCH_BOUND_IDLE of the span */
    double rate_value;      /* work / 1e9 / median_s */
    char rate_unit[16];
    int has_check;
    pb_check check;
} pb_result;

typedef struct pb_device_record {
    char backend[24];
    int index;
    pb_device_info info;
    int has_ceilings;
    pb_ceilings ceilings;
} pb_device_record;

typedef struct pb_resultset {
    int schema_version;         /* as read; PB_SCHEMA_VERSION for a set made by this build */
    /* tool */
    char tool_version[32];
    char compiler[128];
    char cflags[256];
    char backends_built[128];   /* space-separated */
    /* run */
    char started_at[32];        /* ISO 8601 UTC */
    char finished_at[32];
    char preset[16];
    int complete;               /* 0 when interrupted */
    double min_time_s;
    uint64_t seed;
    int min_rounds, max_rounds; /* the stopping rule's bounds (0 in schema 1) */
    uint64_t shuffle_seed;      /* seeds the order of cases in each round */
    double memory_budget_bytes; /* cases whose buffers fit this stay set up between rounds */
    int cases_kept;             /* 1: every case kept its buffers; 0: some were set up per round */
    int has_run_state;          /* run_state holds the machine's state over the whole measurement */
    pb_round_state run_state;
    char command[512];
    pb_machine machine;
    pb_device_record *devices;
    int ndevices;
    pb_result *results;
    int nresults;
    int cap_results, cap_devices;
} pb_resultset;

void pb_resultset_init(pb_resultset *set);
void pb_resultset_free(pb_resultset *set); /* frees owned arrays; accepts NULL */
/* Frees the arrays one result owns (samples, their rounds, the other clock, round states, end to
 * end) and empties them; for a result outside a set. Accepts NULL. */
void pb_result_free_owned(pb_result *r);
/* Appends a zeroed result and returns it (NULL when out of memory). The set owns its sample arrays. */
pb_result *pb_resultset_add_result(pb_resultset *set);
pb_device_record *pb_resultset_add_device(pb_resultset *set);

/* Copies n samples into a freshly allocated array owned by the result; `rounds` (may be NULL) gives
 * each sample's round. */
pb_status pb_result_set_samples(pb_result *r, const double *samples, const int *rounds, int n, pb_msg *msg);
pb_status pb_result_set_other_clock(pb_result *r, const double *samples, int n, pb_msg *msg);
/* Copies n round states into an array owned by the result. */
pb_status pb_result_set_round_states(pb_result *r, const pb_round_state *states, int n, pb_msg *msg);

/* ", 1 usable" when the run could use fewer logical CPUs than the machine has (taskset, a cpuset),
 * else "": for every line that names the machine's cores. Returns buf. */
const char *pb_machine_usable_text(const pb_machine *m, char *buf, size_t size);

/* 1 when two results describe the same case: workload, backend, device, role, threads,
 * precision, implementation and size. */
int pb_result_same_case(const pb_result *a, const pb_result *b);

/* "sgemm cpu cpu-all 2 threads n=2048", for messages. */
void pb_result_case_name(const pb_result *r, char *out, size_t size);

/* Checks that a result's stored summary agrees with its samples (median, rate). Returns 1 when
 * it does; else 0 with what disagrees in `why`. Result files are untrusted input. */
int pb_result_consistent(const pb_result *r, char *why, size_t size);

/* The run's drift: how much the machine's overall speed moved from round to round. Each round
 * gets a common factor, the mean over the cases measured in it of their log round median minus
 * that case's mean; *drift is the standard deviation of those factors (log units) over the rounds
 * with at least 3 cases, and *df its degrees of freedom. A run's mean cannot be trusted beyond
 * this: the machine may sit at any of those speeds for the whole of another run. Returns 0 (and
 * sets both to 0) when the file has too few cases or rounds to tell. */
int pb_resultset_drift(const pb_resultset *set, double *drift, int *df);

/* A case counts as disturbed when other work and steal together took more than this share of the
 * machine's CPU over its rounds (and more than twice what the tick counters can resolve over them). */
#define PB_DISTURBED_SHARE 0.10

/* How much other work and the hypervisor took during a case. One round is often too short for
 * the tick counters (10 ms ticks), but their rounding errors are independent, so over k rounds
 * they shrink as 1/sqrt(k): the case is judged on all its rounds together. When it counts as
 * disturbed, returns the rounds whose share exceeded PB_DISTURBED_SHARE, with the mean shares over
 * those rounds in *other and *steal; else returns 0. */
int pb_result_disturbance(const pb_result *r, double *other, double *steal);
pb_status pb_result_set_e2e_samples(pb_result *r, const double *samples, int n, pb_msg *msg);

/* ---- the roofline (roofline.c) ---------------------------------------------------------------- */

/* A result above this fraction of its roofline is named under the run table: its working set sat
 * in a cache, or its FLOP or byte count is wrong. */
#define PB_ROOFLINE_NOTE 1.0

typedef struct pb_roofline {
    double intensity;           /* flops / bytes; 0 when bytes is 0 */
    double peak_gflops;         /* the compute roof for the result's threads */
    double attainable_gflops;   /* min(peak, intensity x bandwidth) */
    double bound_s;             /* the roofline's lower bound on the time per launch */
    double fraction;            /* bound_s / median_s: 1 is on the roof */
} pb_roofline;

/* Places a result on the roofline of `c`. The time bound is max(flops / peak, bytes / bandwidth),
 * which also covers results that count no FLOPs. The compute roof is scaled to the result's share
 * of the probes' threads (a one-core result against one core's FMA peak); bandwidth is not (one
 * core can draw much of it). Returns 0 when the result was not measured or has no counts. */
int pb_roofline_place(const pb_result *r, const pb_ceilings *c, pb_roofline *out);

/* The ceilings of the result's device in `set` (by backend and device index); NULL when none. */
const pb_ceilings *pb_resultset_ceilings(const pb_resultset *set, const pb_result *r);

#endif
