/* A device's own ceilings (peak FMA throughput, peak memory bandwidth), as measured by the probes
 * of a backend or of the CPU: it lives in the core so that the backends can fill it and the result
 * model (src/results/result.h) can record it without either including the other. */
#ifndef PB_CEILINGS_H
#define PB_CEILINGS_H

/* A device's own ceilings, measured in the same run (schema 2, optional: "ceilings" of a device). */
typedef struct pb_ceilings {
    double fp32_gflops;         /* peak fp32 multiply-add throughput, GFLOP/s (an FMA counts 2) */
    double bandwidth_gbs;       /* peak memory bandwidth, GB/s: the best of the probes below */
    double read_gbs, triad_gbs, triad_nt_gbs; /* the bandwidth probes; 0 when not measured */
    int threads;                /* threads the probes ran on (0: the whole device) */
    double seconds;             /* the probes' wall time */
    char method[256];
} pb_ceilings;

#endif
