/* The machine's state around a measurement window: did other processes or the hypervisor take CPU
 * time, and what were the load, clock frequency and temperature. Cheap (a few small file reads, no
 * process scans) and never fails: what cannot be read is marked unknown.
 *
 * Use: pb_state_read(&before); ...the round...; pb_state_read(&after);
 *      pb_state_between(&before, &after, &state); if (pb_state_disturbed(&state, 0.10, why, n)) ...
 * The end of one round may serve as the start of the next. */
#ifndef PB_MACHSTATE_H
#define PB_MACHSTATE_H

#include <stddef.h>

/* A reading at one instant; opaque to callers. */
typedef struct pb_state_snap {
    double wall_s;     /* pb_time_now() */
    double self_cpu_s; /* this process's user+system CPU seconds (getrusage RUSAGE_SELF) */
    /* Machine-wide, from the /proc/stat "cpu" line (Linux) or host_statistics (macOS). */
    unsigned long long busy_ticks, total_ticks, steal_ticks;
    int have_ticks, have_steal;
    double tick_s; /* seconds per tick (sysconf(_SC_CLK_TCK)) */
    int ncpus;     /* CPUs counted in total_ticks (online CPUs) */
    /* The instant's readings, which pb_state_between reports for the end of a window; -1 (or "")
     * when unknown. */
    double load1;     /* getloadavg */
    double freq_mhz;  /* mean scaling_cur_freq of the CPUs that report one (Linux) */
    double temp_c;    /* hottest thermal zone (Linux) */
    char thermal[16]; /* thermal pressure level (macOS) */
} pb_state_snap;

/* What happened on the machine between two snaps. -1 (or "" for strings) means unknown. */
typedef struct pb_round_state {
    double seconds; /* wall time of the window; -1 when `after` precedes `before` */
    /* Share of the machine's CPU capacity (ncpus x seconds) used by other processes: (machine busy
     * time - this process's CPU time) / capacity, clamped to [0,1]; -1 unknown. */
    double other_cpu;
    /* Share of capacity taken by the hypervisor (Linux "steal"); -1 unknown (macOS: always). */
    double steal;
    /* The smallest share the tick counters can resolve over this window, (ncpus + 2) ticks /
     * capacity (machstate.c says why); other_cpu and steal below it mean nothing; -1 unknown. */
    double resolution;
    double load1; /* 1-minute load average at the end (getloadavg); -1 unknown */
    /* Mean current frequency of the online CPUs at the end (Linux: cpuN/cpufreq/scaling_cur_freq
     * under /sys/devices/system/cpu, kHz); -1 unknown (macOS: no unprivileged reading). */
    double freq_mhz;
    /* Hottest thermal zone at the end (Linux: /sys/class/thermal/thermal_zoneN/temp, millidegrees);
     * -1 unknown (macOS: unknown). */
    double temp_c;
    /* macOS thermal pressure ("nominal", "moderate", "heavy", "trapping", "sleeping") via notify(3)
     * on "com.apple.system.thermalpressurelevel"; Linux: "". */
    char thermal[16];
} pb_round_state;

/* Never fails; tick fields that cannot be read stay 0 with have_*=0, the instant's readings -1/"". */
void pb_state_read(pb_state_snap *out);

/* The window from `before` to `after`. The CPU shares are unknown when either snap lacks ticks, the
 * window is empty, a counter went backwards, the CPU count changed, or the counters do not add up
 * to about ncpus x the wall time (they then describe other CPUs than the ones counted). */
void pb_state_between(const pb_state_snap *before, const pb_state_snap *after, pb_round_state *out);

/* 1 when the window was disturbed: other_cpu + steal (known parts) exceeds both `threshold` (e.g.
 * 0.10) and 2 x resolution. Writes a short phrase to `why` ("other work took 14% of the CPU", "the
 * hypervisor took 9% (steal)"), or "" when not disturbed; `why` may be NULL. */
int pb_state_disturbed(const pb_round_state *s, double threshold, char *why, size_t size);

/* The parsers behind pb_state_read, taking text so tests feed canned files. */

/* The aggregate "cpu " line of /proc/stat text: busy = user+nice+system+irq+softirq (guest time is
 * already inside user); total = busy + idle + iowait + steal. Returns how many counters the line
 * has (4 before Linux 2.5.41, 7 before 2.6.11, 8 or more with steal; *steal is 0 below 8), or 0
 * when it did not parse, leaving the outputs untouched. */
int pb_state_parse_proc_stat(const char *text, unsigned long long *busy, unsigned long long *total,
                             unsigned long long *steal);

/* A cpufreq file: "2400000\n" (kHz) -> 2400.0 MHz; -1 when malformed or not positive. */
double pb_state_parse_khz(const char *text);

/* A thermal zone's temp file: "45000\n" -> 45.0 C; -1 when malformed or absurd (< -50 or > 200 C). */
double pb_state_parse_millideg(const char *text);

/* macOS notify levels 0..4 (OSThermalNotification.h: 0 nominal, 1 moderate, 2 heavy, 3 trapping,
 * 4 sleeping); "" for others. */
const char *pb_state_thermal_name(int level);

#if defined(__APPLE__)
/* Internal, for pb_state_read: the Mach tick counters and the thermal pressure level
 * (machstate_macos.c). */
void pb_state_read_macos(pb_state_snap *out);
#endif

#endif
