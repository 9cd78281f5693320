/* Sensing the machine's state around a measurement window: the text parsers, the arithmetic between
 * two readings, and the reader for Linux (/proc, /sys) and other systems (what POSIX gives). The
 * macOS tick counters and thermal pressure live in machstate_macos.c. */
#include "machstate.h"

#include "timer.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#if defined(__linux__)
#include <dirent.h>
#include <fcntl.h>
#endif

/* ---- text parsers ---------------------------------------------------------------------------- */

/* The counters of the /proc/stat "cpu" line, in the kernel's order (proc(5)). */
enum {
    PB_STAT_USER, PB_STAT_NICE, PB_STAT_SYSTEM, PB_STAT_IDLE, PB_STAT_IOWAIT,
    PB_STAT_IRQ, PB_STAT_SOFTIRQ, PB_STAT_STEAL, PB_STAT_GUEST, PB_STAT_GUEST_NICE,
    PB_STAT_COUNT,
    PB_STAT_OLDEST = PB_STAT_IOWAIT /* counters before Linux 2.5.41: user nice system idle */
};

/* A larger counter is garbage; below it, the sums of ten counters cannot overflow. */
#define PB_STATE_MAX_COUNTER (~0ULL / 16)

static const char *pb_state_skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* One unsigned decimal counter at *p (after blanks) that ends at a blank or the end of the line;
 * advances *p past it. 0 on anything else: a sign, junk glued to the digits, overflow. */
static int pb_state_next_counter(const char **p, unsigned long long *out)
{
    const char *s = pb_state_skip_blanks(*p);
    if (!isdigit((unsigned char)*s))
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE || v > PB_STATE_MAX_COUNTER)
        return 0;
    if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\0')
        return 0;
    *out = v;
    *p = end;
    return 1;
}

/* The aggregate line: "cpu" and a blank, unlike "cpu0" and the like for single CPUs. NULL if none. */
static const char *pb_state_find_cpu_line(const char *text)
{
    for (const char *line = text; line && *line;) {
        if (strncmp(line, "cpu", 3) == 0 && (line[3] == ' ' || line[3] == '\t'))
            return line;
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return NULL;
}

int pb_state_parse_proc_stat(const char *text, unsigned long long *busy, unsigned long long *total,
                             unsigned long long *steal)
{
    const char *p = text ? pb_state_find_cpu_line(text) : NULL;
    if (!p)
        return 0;
    p += 3;
    unsigned long long v[PB_STAT_COUNT] = { 0 };
    int n = 0;
    while (n < PB_STAT_COUNT && pb_state_next_counter(&p, &v[n]))
        n++;
    /* Fewer counters than the oldest kernels wrote, or junk among them. Counters past the known
     * ones (a newer kernel) are fine. */
    p = pb_state_skip_blanks(p);
    if (n < PB_STAT_OLDEST || (n < PB_STAT_COUNT && *p != '\n' && *p != '\0'))
        return 0;
    *busy = v[PB_STAT_USER] + v[PB_STAT_NICE] + v[PB_STAT_SYSTEM] + v[PB_STAT_IRQ] + v[PB_STAT_SOFTIRQ];
    *total = *busy + v[PB_STAT_IDLE] + v[PB_STAT_IOWAIT] + v[PB_STAT_STEAL];
    *steal = v[PB_STAT_STEAL];
    return n;
}

/* A whole decimal integer with optional blank space (a newline) around it. 1 when it parsed. */
static int pb_state_parse_integer(const char *text, long long *out)
{
    if (!text)
        return 0;
    while (isspace((unsigned char)*text))
        text++;
    if (*text != '-' && !isdigit((unsigned char)*text))
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || errno == ERANGE)
        return 0;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return 0;
    *out = v;
    return 1;
}

double pb_state_parse_khz(const char *text)
{
    long long khz;
    /* Some drivers write 0 or "<unknown>" when they cannot tell. */
    return pb_state_parse_integer(text, &khz) && khz > 0 ? (double)khz / 1000.0 : -1;
}

double pb_state_parse_millideg(const char *text)
{
    long long milli;
    if (!pb_state_parse_integer(text, &milli))
        return -1;
    double c = (double)milli / 1000.0;
    /* Broken sensors report -273 C or 2^31 millidegrees. */
    return c < -50.0 || c > 200.0 ? -1 : c;
}

const char *pb_state_thermal_name(int level)
{
    static const char *const names[] = { "nominal", "moderate", "heavy", "trapping", "sleeping" };
    return level >= 0 && level < (int)(sizeof names / sizeof names[0]) ? names[level] : "";
}

/* ---- between two readings -------------------------------------------------------------------- */

static double pb_state_clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* Whether the tick counters of the two snaps describe this window. Besides missing or backward
 * counters, the machine-wide total must add up to about ncpus x the wall time: where it does not
 * (a container whose /proc/stat shows other CPUs than sysconf counts, a kernel that has not yet
 * charged a tickless CPU), shares of ncpus x seconds would be wrong, not merely noisy. */
static int pb_state_ticks_usable(const pb_state_snap *a, const pb_state_snap *b, double seconds)
{
    if (!a->have_ticks || !b->have_ticks || !(seconds > 0))
        return 0;
    if (a->ncpus != b->ncpus || b->ncpus < 1 || !(b->tick_s > 0) || a->tick_s != b->tick_s)
        return 0;
    if (b->busy_ticks < a->busy_ticks || b->total_ticks < a->total_ticks)
        return 0;
    if (a->have_steal && b->have_steal && b->steal_ticks < a->steal_ticks)
        return 0;
    double counted = (double)(b->total_ticks - a->total_ticks) * b->tick_s;
    double expected = b->ncpus * seconds;
    double slack = (b->ncpus + 2) * b->tick_s + 0.25 * expected;
    return fabs(counted - expected) <= slack;
}

void pb_state_between(const pb_state_snap *before, const pb_state_snap *after, pb_round_state *out)
{
    double seconds = after->wall_s - before->wall_s;
    out->seconds = seconds >= 0 ? seconds : -1;
    out->other_cpu = out->steal = out->resolution = -1;
    out->load1 = after->load1;
    out->freq_mhz = after->freq_mhz;
    out->temp_c = after->temp_c;
    memcpy(out->thermal, after->thermal, sizeof out->thermal);
    out->thermal[sizeof out->thermal - 1] = '\0';
    if (!pb_state_ticks_usable(before, after, seconds))
        return;

    double tick = after->tick_s, capacity = after->ncpus * seconds;
    double busy = (double)(after->busy_ticks - before->busy_ticks) * tick;
    double self = after->self_cpu_s - before->self_cpu_s;
    out->other_cpu = pb_state_clamp01((busy - self) / capacity);
    if (before->have_steal && after->have_steal)
        out->steal = pb_state_clamp01((double)(after->steal_ticks - before->steal_ticks) * tick / capacity);
    /* Each CPU's busy count over a window can be off by up to a tick: Linux charges a whole kernel
     * tick (at most 1/USER_HZ) to whatever runs when the tick fires, macOS truncates each CPU's
     * time to whole ticks. The machine-wide sums round once more at each end. Our own CPU time
     * (getrusage) is exact, so these errors land in other_cpu. */
    out->resolution = (after->ncpus + 2) * tick / capacity;
}

/* "14%", or "0.4%" below one percent. */
static void pb_state_percent(double share, char *out, size_t size)
{
    double pct = 100.0 * share;
    snprintf(out, size, pct >= 0.95 ? "%.0f%%" : "%.1f%%", pct);
}

/* Names each part above the resolution; at least one is when the sum exceeds 2 x resolution. */
static void pb_state_describe(double other, double steal, double resolution, char *why, size_t size)
{
    char o[32], s[32];
    pb_state_percent(other, o, sizeof o);
    pb_state_percent(steal, s, sizeof s);
    if (other > resolution && steal > resolution)
        snprintf(why, size, "other work took %s of the CPU, the hypervisor %s (steal)", o, s);
    else if (steal > resolution)
        snprintf(why, size, "the hypervisor took %s (steal)", s);
    else
        snprintf(why, size, "other work took %s of the CPU", o);
}

int pb_state_disturbed(const pb_round_state *s, double threshold, char *why, size_t size)
{
    if (why && size)
        why[0] = '\0';
    double other = s->other_cpu >= 0 ? s->other_cpu : 0;
    double steal = s->steal >= 0 ? s->steal : 0;
    double taken = other + steal;
    /* With no resolution there were no usable counters to judge by. */
    if (!(s->resolution >= 0) || !(taken > threshold) || !(taken > 2 * s->resolution))
        return 0;
    if (why && size)
        pb_state_describe(other, steal, s->resolution, why, size);
    return 1;
}

/* ---- reading --------------------------------------------------------------------------------- */

static double pb_state_self_cpu_s(void)
{
    struct rusage ru;
    /* Cannot fail for RUSAGE_SELF with a valid pointer; all threads of the process count. */
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec * 1e-6;
}

#if defined(__linux__)

/* The start of a /proc or /sys file, NUL-terminated, into a caller's (stack) buffer: no allocation
 * and no stdio. 1 when anything was read. */
static int pb_state_read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t len = 0;
    while (len < size - 1) {
        ssize_t got = read(fd, buf + len, size - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    buf[len] = '\0';
    return len > 0;
}

static void pb_state_read_proc_stat(pb_state_snap *out)
{
    /* The aggregate line comes first; on big machines the per-CPU lines after it run to many KiB. */
    char text[4096];
    unsigned long long busy, total, steal;
    if (!pb_state_read_text("/proc/stat", text, sizeof text))
        return;
    int n = pb_state_parse_proc_stat(text, &busy, &total, &steal);
    if (n == 0)
        return;
    out->busy_ticks = busy;
    out->total_ticks = total;
    out->steal_ticks = steal;
    out->have_ticks = 1;
    out->have_steal = n > PB_STAT_STEAL;
}

/* Mean scaling_cur_freq over the CPUs that report one: offline CPUs answer with an error, and a
 * machine without a cpufreq driver (most VMs) has no such files. */
static double pb_state_read_freq_mhz(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    double sum = 0;
    int count = 0;
    for (long cpu = 0; cpu < n; cpu++) {
        char path[96], text[32];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%ld/cpufreq/scaling_cur_freq", cpu);
        double mhz = pb_state_read_text(path, text, sizeof text) ? pb_state_parse_khz(text) : -1;
        if (mhz > 0) {
            sum += mhz;
            count++;
        }
    }
    return count ? sum / count : -1;
}

/* The hottest thermal zone. Zones that cannot answer now (a Wi-Fi card that is down) fail the read
 * and are skipped; a reading of exactly -1.000 C is lost to the parser's "unknown". */
static double pb_state_read_hottest_c(void)
{
    DIR *dir = opendir("/sys/class/thermal");
    if (!dir)
        return -1;
    double hottest = -1;
    int found = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (strncmp(e->d_name, "thermal_zone", 12) != 0)
            continue;
        char path[300], text[32];
        snprintf(path, sizeof path, "/sys/class/thermal/%s/temp", e->d_name);
        double c = pb_state_read_text(path, text, sizeof text) ? pb_state_parse_millideg(text) : -1;
        if (c != -1 && (!found || c > hottest)) {
            hottest = c;
            found = 1;
        }
    }
    closedir(dir);
    return hottest;
}

/* About ncpus + 3 small reads; the cpufreq files are the bulk of it on big machines. */
static void pb_state_read_platform(pb_state_snap *out)
{
    pb_state_read_proc_stat(out);
    out->freq_mhz = pb_state_read_freq_mhz();
    out->temp_c = pb_state_read_hottest_c();
}

#elif defined(__APPLE__)

static void pb_state_read_platform(pb_state_snap *out)
{
    pb_state_read_macos(out);
}

#else

/* Elsewhere: wall time, own CPU time and load only; the CPU shares stay unknown. */
static void pb_state_read_platform(pb_state_snap *out)
{
    (void)out;
}

#endif

void pb_state_read(pb_state_snap *out)
{
    memset(out, 0, sizeof *out);
    out->load1 = out->freq_mhz = out->temp_c = -1;
    long hz = sysconf(_SC_CLK_TCK);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    out->tick_s = hz > 0 ? 1.0 / (double)hz : 0;
    /* The machine's online CPUs, not this process's affinity mask: the ticks are machine-wide. */
    out->ncpus = online > 0 ? (int)online : 0;
    /* The three readings the CPU shares come from, back to back. */
    out->wall_s = pb_time_now();
    out->self_cpu_s = pb_state_self_cpu_s();
    pb_state_read_platform(out);
    double load[1];
    if (getloadavg(load, 1) == 1)
        out->load1 = load[0];
}
