/* Inside the fingerprint: parsers that take text (so tests feed them canned /proc and /sys
 * contents) and the macOS reader. Not part of the public surface; only fingerprint*.c and tests. */
#ifndef PB_FINGERPRINT_INTERNAL_H
#define PB_FINGERPRINT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fingerprint.h"

/* Value of the first "key : value" line of /proc/cpuinfo-style text whose key is `key`, trimmed.
 * Returns 1 when found (out then holds the value), else 0 and out is untouched. */
int pb_fp_cpuinfo_field(const char *text, const char *key, char *out, size_t size);

/* The CPU model from cpuinfo text: "model name" (x86), else "Processor"/"Hardware"/"cpu model"
 * (arm, mips), else "CPU implementer/part" as hex. Returns 1 when something was found. */
int pb_fp_cpuinfo_model(const char *text, char *out, size_t size);

/* Space-separated list of the SIMD features worth recording, in a fixed order, from a cpuinfo
 * "flags" (x86) or "Features" (arm) value; names as in pb_machine.simd ("sse4.2", "neon"). */
void pb_fp_simd_from_flags(const char *flags, char *out, size_t size);

/* Physical cores as unique ("physical id", "core id") pairs over all processor blocks; 0 when the
 * text has no "core id" lines (arm kernels often omit them). */
int pb_fp_cpuinfo_physical_cores(const char *text);

/* Sizes as sysfs writes them: "48K", "2048K", "1M", "512" (bytes). -1 when unparsable. */
int64_t pb_fp_parse_size(const char *text);

/* Records one /sys/.../cache/indexN entry (its level, type and size files) in l1d/l2/l3.
 * Instruction caches are ignored. */
void pb_fp_add_cache(pb_machine *m, const char *level, const char *type, const char *size);

/* Parses a kernel CPU list ("0-3,8,10-11") into set[0..max-1] (1 = listed); returns how many
 * entries were set, or -1 on malformed text. */
int pb_fp_cpulist_parse(const char *text, unsigned char *set, int max);

/* MemTotal of /proc/meminfo text, in bytes; 0 when absent. */
uint64_t pb_fp_meminfo_total(const char *text);

/* PRETTY_NAME of /etc/os-release text, unquoted. Returns 1 when found. */
int pb_fp_os_release_pretty(const char *text, char *out, size_t size);

/* One /sys/class/power_supply entry. */
typedef struct pb_fp_supply {
    char type[16];          /* "Mains", "Battery", "USB", ... */
    int online;             /* the "online" file (Mains, USB); -1 when absent */
    char status[16];        /* the "status" file (Battery): "Charging", "Discharging", "Full" */
} pb_fp_supply;

/* "battery" when a battery is discharging, "ac" when mains is online (or a battery charges or is
 * full, which needs mains), else "unknown". */
const char *pb_fp_power_source(const pb_fp_supply *supplies, int n);

/* One logical CPU for grouping into performance levels. */
typedef struct pb_fp_cpu {
    int package;            /* physical package id */
    int core;               /* core id within the package */
    int level_key;          /* larger = faster: cpu_capacity, or 1 (P) / 0 (E) on Intel hybrid */
    int cpu;                /* the logical CPU's number (cpuN in sysfs) */
} pb_fp_cpu;

/* Fills m->perf_levels from the CPUs' keys, fastest first, when there are at least two distinct
 * keys (a uniform machine has no levels to report), each with the mask of its CPUs. `hybrid`
 * names the levels "P"/"E", otherwise "capacity-<key>". */
void pb_fp_group_levels(const pb_fp_cpu *cpus, int n, int hybrid, pb_machine *m);

/* One Apple hw.perflevelN entry as sysctl reports it (perflevel0 is the fastest). */
typedef struct pb_fp_apple_level {
    char name[32];          /* hw.perflevelN.name: "Performance", "Efficiency" */
    int physicalcpu;        /* hw.perflevelN.physicalcpu */
    int logicalcpu;         /* hw.perflevelN.logicalcpu; 0 when absent (then = physicalcpu) */
} pb_fp_apple_level;

/* Fills m->perf_levels from Apple's perflevel values, in their order, when there are at least
 * two (hw.nperflevels is 1 on a uniform Mac). The levels carry no CPU mask: macOS has no affinity. */
void pb_fp_apple_levels(const pb_fp_apple_level *levels, int n, pb_machine *m);

/* Physical cores among `cpus`: unique (package, core) pairs. */
int pb_fp_count_physical(const pb_fp_cpu *cpus, int n);

/* Short name for an Apple hw.perflevelN.name: "Performance" -> "P", "Efficiency" -> "E"; other
 * names are kept as they are, so a new core type shows up rather than being mislabelled. */
void pb_fp_short_level_name(const char *name, char *out, size_t size);

/* The hypervisor's name for a CPUID leaf 0x40000000 vendor signature (12 bytes), e.g. "kvm";
 * "hypervisor" for a signature not in the table. */
const char *pb_fp_hypervisor_name(const char signature[12]);

#if defined(__linux__)
/* Physical cores and performance levels (with each level's CPUs) from a sysfs tree: `sysfs` is
 * "/sys", or a faked tree in tests. Hybrid Intel parts list their core types in
 * devices/cpu_core/cpus and devices/cpu_atom/cpus; others (arm big.LITTLE) give each CPU a
 * cpu_capacity. Returns 0 when the tree has no readable devices/system/cpu/online. */
int pb_fp_linux_topology(const char *sysfs, pb_machine *m);
#endif

#if defined(__APPLE__)
/* Everything macOS-specific: sysctlbyname, IOKit power source and IORegistry GPU facts. */
void pb_fingerprint_read_macos(pb_machine *m);
#endif

#endif
