/* The machine fingerprint: what a result was measured on. Linux reads /proc and /sys; macOS uses
 * sysctlbyname and IOKit. Fields that cannot be read stay empty / 0 / "unknown". */
#ifndef PB_FINGERPRINT_H
#define PB_FINGERPRINT_H

#include <stdint.h>

#include "status.h"

#define PB_MAX_PERF_LEVELS 4

/* A set of logical CPUs in the kernel's numbering (bit i%64 of bits[i/64] is CPU i): where the
 * threads of a performance level may run. 1024 CPUs, as glibc's cpu_set_t. */
#define PB_CPU_MASK_MAX 1024
typedef struct pb_cpu_mask {
    uint64_t bits[PB_CPU_MASK_MAX / 64];
} pb_cpu_mask;

static inline void pb_cpu_mask_add(pb_cpu_mask *mask, int cpu)
{
    if (cpu >= 0 && cpu < PB_CPU_MASK_MAX)
        mask->bits[cpu / 64] |= (uint64_t)1 << (cpu % 64);
}

static inline int pb_cpu_mask_has(const pb_cpu_mask *mask, int cpu)
{
    return cpu >= 0 && cpu < PB_CPU_MASK_MAX && ((mask->bits[cpu / 64] >> (cpu % 64)) & 1);
}

static inline int pb_cpu_mask_count(const pb_cpu_mask *mask)
{
    int n = 0;
    for (int cpu = 0; cpu < PB_CPU_MASK_MAX; cpu++)
        n += pb_cpu_mask_has(mask, cpu);
    return n;
}

typedef struct pb_perf_level {
    char name[16];          /* "P", "E" (Apple hw.perflevelN), or "capacity-1024" style on Linux */
    int cores;              /* physical cores at this level */
    int logical_cores;
    pb_cpu_mask cpus;       /* Linux: the level's logical CPUs, for affinity. Empty where the OS
                               offers no affinity (macOS: a QoS class steers threads instead).
                               Not written to result files. */
} pb_perf_level;

typedef struct pb_machine {
    char label[64];         /* user label; defaults to the host name */
    char hostname[128];
    char os[64];            /* "Linux", "macOS" */
    char os_version[128];   /* distribution name and version, or macOS product version */
    char kernel[128];       /* uname -r (and -v summary) */
    char arch[32];          /* "x86_64", "arm64" */
    char cpu_model[128];
    int logical_cores;
    int physical_cores;
    int usable_cpus;        /* logical CPUs this process may run on (fewer under taskset or a cpuset):
                             * what "all cores" means in the run; 0 when unknown (older files) */
    pb_perf_level perf_levels[PB_MAX_PERF_LEVELS];
    int nperf_levels;
    char simd[256];         /* space-separated feature list: "sse4.2 avx2 fma avx512f ..." / "neon ..." */
    int64_t l1d_bytes;      /* per core; 0 when unknown */
    int64_t l2_bytes;
    int64_t l3_bytes;       /* as reported; may be the host's under virtualisation */
    uint64_t memory_bytes;
    char power_source[16];  /* "ac", "battery", "unknown" */
    char virtualization[32];/* hypervisor vendor when the OS reports one, else "" */
    /* GPU facts the OS reports without a GPU API (Apple: IORegistry), else empty/0. */
    char gpu_name[128];
    int gpu_cores;
} pb_machine;

/* Fills `out` for the running machine. Never fails: unreadable facts stay unknown. */
void pb_fingerprint_read(pb_machine *out);

/* The CPU's last-level cache: the L3, else the L2 (Apple silicon has no L3 the OS reports), else 0.
 * It is one cache instance, the one CPU 0 uses on Linux: a CPU with several L3s (AMD's chiplets,
 * multi-socket servers) has more cache in all, but one thread sees only its own die's. */
int64_t pb_fingerprint_llc_bytes(const pb_machine *m);

/* Logical cores available to this process (>= 1): what "all cores" means for a run. */
int pb_fingerprint_online_cpus(void);

#endif
