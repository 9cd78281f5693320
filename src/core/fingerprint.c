/* The machine fingerprint: the portable part (uname, host name), the Linux readers (/proc, /sys)
 * and the text parsers they use. The macOS reader lives in fingerprint_macos.c. */
#include "fingerprint_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))
#include <cpuid.h>
#endif

/* ---- text parsers ---------------------------------------------------------------------------- */

static void pb_fp_copy_trimmed(const char *start, const char *end, char *out, size_t size)
{
    while (start < end && isspace((unsigned char)*start))
        start++;
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    size_t n = (size_t)(end - start);
    if (n >= size)
        n = size - 1;
    memcpy(out, start, n);
    out[n] = '\0';
}

int pb_fp_cpuinfo_field(const char *text, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);
    const char *line = text;
    while (*line) {
        const char *eol = strchr(line, '\n');
        if (!eol)
            eol = line + strlen(line);
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon) {
            const char *kend = colon;
            while (kend > line && isspace((unsigned char)kend[-1]))
                kend--;
            if ((size_t)(kend - line) == klen && strncmp(line, key, klen) == 0) {
                pb_fp_copy_trimmed(colon + 1, eol, out, size);
                return 1;
            }
        }
        line = *eol ? eol + 1 : eol;
    }
    return 0;
}

int pb_fp_cpuinfo_model(const char *text, char *out, size_t size)
{
    static const char *const keys[] = { "model name", "Processor", "Hardware", "cpu model" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char value[256];
        if (pb_fp_cpuinfo_field(text, keys[i], value, sizeof value) && value[0]) {
            pb_strlcpy(out, value, size);
            return 1;
        }
    }
    /* Many arm64 kernels give only the implementer and part numbers (e.g. 0x41 / 0xd0c). */
    char impl[32], part[32];
    if (pb_fp_cpuinfo_field(text, "CPU implementer", impl, sizeof impl) &&
        pb_fp_cpuinfo_field(text, "CPU part", part, sizeof part)) {
        snprintf(out, size, "CPU implementer %s part %s", impl, part);
        return 1;
    }
    return 0;
}

/* 1 when `token` is one of the space-separated words of `list`. */
static int pb_fp_has_token(const char *list, const char *token)
{
    size_t tlen = strlen(token);
    for (const char *p = list; (p = strstr(p, token)) != NULL; p += tlen) {
        int starts = p == list || isspace((unsigned char)p[-1]);
        int ends = p[tlen] == '\0' || isspace((unsigned char)p[tlen]);
        if (starts && ends)
            return 1;
    }
    return 0;
}

/* The features that change what the CPU kernels and BLAS can do, in the order they are printed.
 * Arm names follow Apple's (hw.optional) spelling so a Linux arm box and a Mac read alike. */
static const struct {
    const char *flag;   /* as /proc/cpuinfo spells it */
    const char *name;   /* as pb_machine.simd records it */
} pb_fp_simd_table[] = {
    { "sse4_2", "sse4.2" },           { "avx", "avx" },
    { "avx2", "avx2" },               { "fma", "fma" },
    { "avx512f", "avx512f" },         { "avx512bw", "avx512bw" },
    { "avx512vl", "avx512vl" },       { "avx512_fp16", "avx512_fp16" },
    { "avx512_bf16", "avx512_bf16" }, { "avx512_vnni", "avx512_vnni" },
    { "amx_tile", "amx_tile" },       { "amx_bf16", "amx_bf16" },
    { "asimd", "neon" },              { "asimdhp", "fp16" },
    { "asimddp", "dotprod" },         { "i8mm", "i8mm" },
    { "bf16", "bf16" },               { "sve", "sve" },
    { "sve2", "sve2" },               { "sme", "sme" },
};

void pb_fp_simd_from_flags(const char *flags, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < sizeof pb_fp_simd_table / sizeof pb_fp_simd_table[0]; i++) {
        if (!pb_fp_has_token(flags, pb_fp_simd_table[i].flag))
            continue;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", used ? " " : "", pb_fp_simd_table[i].name);
    }
}

int pb_fp_count_physical(const pb_fp_cpu *cpus, int n)
{
    int unique = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = cpus[j].package == cpus[i].package && cpus[j].core == cpus[i].core;
        unique += !seen;
    }
    return unique;
}

int pb_fp_cpuinfo_physical_cores(const char *text)
{
    /* Processor blocks are separated by blank lines; each may carry "physical id" and "core id". */
    enum { MAX_BLOCKS = 4096 };
    pb_fp_cpu *cpus = calloc(MAX_BLOCKS, sizeof *cpus);
    if (!cpus)
        return 0;
    int n = 0, have_core = 0;
    const char *block = text;
    while (block && *block && n < MAX_BLOCKS) {
        const char *end = strstr(block, "\n\n");
        size_t len = end ? (size_t)(end - block) : strlen(block);
        char *copy = malloc(len + 1);
        if (!copy)
            break;
        memcpy(copy, block, len);
        copy[len] = '\0';
        char value[32];
        if (pb_fp_cpuinfo_field(copy, "core id", value, sizeof value)) {
            cpus[n].core = atoi(value);
            cpus[n].package = pb_fp_cpuinfo_field(copy, "physical id", value, sizeof value) ? atoi(value) : 0;
            n++;
            have_core = 1;
        }
        free(copy);
        block = end ? end + 2 : NULL;
    }
    int count = have_core ? pb_fp_count_physical(cpus, n) : 0;
    free(cpus);
    return count;
}

int64_t pb_fp_parse_size(const char *text)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    if (end == text || v < 0)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    switch (toupper((unsigned char)*end)) {
    case '\0': return v;
    case 'K': return v * 1024;
    case 'M': return v * 1024 * 1024;
    case 'G': return v * 1024 * 1024 * 1024;
    default: return -1;
    }
}

void pb_fp_add_cache(pb_machine *m, const char *level, const char *type, const char *size)
{
    int64_t bytes = pb_fp_parse_size(size);
    if (bytes <= 0 || strncmp(type, "Instruction", 11) == 0)
        return;
    int64_t *slot = NULL;
    switch (atoi(level)) {
    case 1: slot = &m->l1d_bytes; break;
    case 2: slot = &m->l2_bytes; break;
    case 3: slot = &m->l3_bytes; break;
    default: return;
    }
    if (*slot == 0)
        *slot = bytes;
}

int pb_fp_cpulist_parse(const char *text, unsigned char *set, int max)
{
    int count = 0;
    const char *p = text;
    while (*p && !isspace((unsigned char)*p)) {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p || lo < 0)
            return -1;
        p = end;
        if (*p == '-') {
            hi = strtol(p + 1, &end, 10);
            if (end == p + 1 || hi < lo)
                return -1;
            p = end;
        }
        for (long i = lo; i <= hi && i < max; i++) {
            count += !set[i];
            set[i] = 1;
        }
        if (*p == ',')
            p++;
        else if (*p && !isspace((unsigned char)*p))
            return -1;
    }
    return count;
}

uint64_t pb_fp_meminfo_total(const char *text)
{
    char value[64];
    if (!pb_fp_cpuinfo_field(text, "MemTotal", value, sizeof value))
        return 0;
    return (uint64_t)strtoull(value, NULL, 10) * 1024u; /* the unit is always kB */
}

int pb_fp_os_release_pretty(const char *text, char *out, size_t size)
{
    const char *p = text;
    while (p && *p) {
        if (strncmp(p, "PRETTY_NAME=", 12) == 0) {
            p += 12;
            const char *eol = strchr(p, '\n');
            if (!eol)
                eol = p + strlen(p);
            if (eol > p && (*p == '"' || *p == '\'')) {
                char quote = *p++;
                const char *close = memchr(p, quote, (size_t)(eol - p));
                if (close)
                    eol = close;
            }
            pb_fp_copy_trimmed(p, eol, out, size);
            return 1;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return 0;
}

const char *pb_fp_power_source(const pb_fp_supply *supplies, int n)
{
    int mains = 0;
    for (int i = 0; i < n; i++) {
        const pb_fp_supply *s = &supplies[i];
        if (strcmp(s->type, "Battery") == 0) {
            if (strcmp(s->status, "Discharging") == 0)
                return "battery";
            if (strcmp(s->status, "Charging") == 0 || strcmp(s->status, "Full") == 0)
                mains = 1;
        } else if (strcmp(s->type, "Mains") == 0 && s->online == 1) {
            mains = 1;
        }
    }
    return mains ? "ac" : "unknown";
}

static int pb_fp_int_descending(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

void pb_fp_group_levels(const pb_fp_cpu *cpus, int n, int hybrid, pb_machine *m)
{
    /* Distinct keys, fastest first; a machine with more kinds than slots keeps the fastest. */
    int keys[64];
    int nkeys = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int k = 0; k < nkeys && !seen; k++)
            seen = keys[k] == cpus[i].level_key;
        if (!seen && nkeys < (int)(sizeof keys / sizeof keys[0]))
            keys[nkeys++] = cpus[i].level_key;
    }
    qsort(keys, (size_t)nkeys, sizeof keys[0], pb_fp_int_descending);
    if (nkeys > PB_MAX_PERF_LEVELS)
        nkeys = PB_MAX_PERF_LEVELS;
    if (nkeys < 2)
        return;
    pb_fp_cpu *subset = malloc((size_t)n * sizeof *subset);
    if (!subset)
        return;
    for (int l = 0; l < nkeys; l++) {
        int count = 0;
        for (int i = 0; i < n; i++)
            if (cpus[i].level_key == keys[l])
                subset[count++] = cpus[i];
        pb_perf_level *level = &m->perf_levels[l];
        if (hybrid)
            pb_strlcpy(level->name, keys[l] ? "P" : "E", sizeof level->name);
        else
            snprintf(level->name, sizeof level->name, "capacity-%d", keys[l]);
        level->logical_cores = count;
        level->cores = pb_fp_count_physical(subset, count);
        memset(&level->cpus, 0, sizeof level->cpus);
        for (int i = 0; i < count; i++)
            pb_cpu_mask_add(&level->cpus, subset[i].cpu);
    }
    m->nperf_levels = nkeys;
    free(subset);
}

void pb_fp_short_level_name(const char *name, char *out, size_t size)
{
    if (strcmp(name, "Performance") == 0)
        name = "P";
    else if (strcmp(name, "Efficiency") == 0)
        name = "E";
    pb_strlcpy(out, name, size);
}

void pb_fp_apple_levels(const pb_fp_apple_level *levels, int n, pb_machine *m)
{
    if (n > PB_MAX_PERF_LEVELS)
        n = PB_MAX_PERF_LEVELS;
    if (n < 2)
        return;
    for (int i = 0; i < n; i++) {
        pb_perf_level *level = &m->perf_levels[i];
        memset(level, 0, sizeof *level);
        pb_fp_short_level_name(levels[i].name[0] ? levels[i].name : "?", level->name, sizeof level->name);
        level->cores = levels[i].physicalcpu;
        level->logical_cores = levels[i].logicalcpu > 0 ? levels[i].logicalcpu : levels[i].physicalcpu;
    }
    m->nperf_levels = n;
}

const char *pb_fp_hypervisor_name(const char signature[12])
{
    static const struct {
        char signature[13];
        const char *name;
    } table[] = {
        { "KVMKVMKVM\0\0\0", "kvm" },     { "Microsoft Hv", "hyper-v" },
        { "VMwareVMware", "vmware" },     { "XenVMMXenVMM", "xen" },
        { "TCGTCGTCGTCG", "qemu" },       { "VBoxVBoxVBox", "virtualbox" },
        { "prl hyperv  ", "parallels" },  { "bhyve bhyve ", "bhyve" },
        { "ACRNACRNACRN", "acrn" },       { "QNXQVMBSQG\0\0", "qnx" },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (memcmp(signature, table[i].signature, 12) == 0)
            return table[i].name;
    return "hypervisor";
}

/* ---- Linux ----------------------------------------------------------------------------------- */
#if defined(__linux__)

enum { PB_FP_MAX_CPUS = 4096, PB_FP_MAX_SUPPLIES = 16 };

/* The whole of a /proc or /sys file as a NUL-terminated string (callers free), or NULL. Such files
 * report size 0, so read until EOF. */
static char *pb_fp_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1 || cap >= (64u << 20))
            break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* A small sysfs file's content, trimmed. Returns 1 when read. */
static int pb_fp_read_small(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[512];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    pb_fp_copy_trimmed(buf, buf + len, out, size);
    return 1;
}

static int pb_fp_read_int(const char *path, int fallback)
{
    char text[32];
    return pb_fp_read_small(path, text, sizeof text) && text[0] ? atoi(text) : fallback;
}

/* Intel hybrid parts (Alder Lake and later) list their P- and E-cores as separate PMUs. */
static int pb_fp_read_hybrid(const char *sysfs, unsigned char *pcores)
{
    char list[4096], path[512];
    unsigned char *ecores = calloc(PB_FP_MAX_CPUS, 1);
    snprintf(path, sizeof path, "%s/devices/cpu_core/cpus", sysfs);
    int hybrid = ecores && pb_fp_read_small(path, list, sizeof list) &&
                 pb_fp_cpulist_parse(list, pcores, PB_FP_MAX_CPUS) > 0;
    snprintf(path, sizeof path, "%s/devices/cpu_atom/cpus", sysfs);
    hybrid = hybrid && pb_fp_read_small(path, list, sizeof list) &&
             pb_fp_cpulist_parse(list, ecores, PB_FP_MAX_CPUS) > 0;
    free(ecores);
    return hybrid;
}

int pb_fp_linux_topology(const char *sysfs, pb_machine *m)
{
    char list[4096], path[512];
    unsigned char *online = calloc(PB_FP_MAX_CPUS, 1);
    unsigned char *pcores = calloc(PB_FP_MAX_CPUS, 1);
    pb_fp_cpu *cpus = calloc(PB_FP_MAX_CPUS, sizeof *cpus);
    int n = 0;
    snprintf(path, sizeof path, "%s/devices/system/cpu/online", sysfs);
    if (online && pcores && cpus && pb_fp_read_small(path, list, sizeof list) &&
        pb_fp_cpulist_parse(list, online, PB_FP_MAX_CPUS) > 0) {
        int hybrid = pb_fp_read_hybrid(sysfs, pcores);
        for (int i = 0; i < PB_FP_MAX_CPUS; i++) {
            if (!online[i])
                continue;
            snprintf(path, sizeof path, "%s/devices/system/cpu/cpu%d/topology/physical_package_id", sysfs, i);
            cpus[n].package = pb_fp_read_int(path, 0);
            snprintf(path, sizeof path, "%s/devices/system/cpu/cpu%d/topology/core_id", sysfs, i);
            cpus[n].core = pb_fp_read_int(path, i);
            snprintf(path, sizeof path, "%s/devices/system/cpu/cpu%d/cpu_capacity", sysfs, i);
            cpus[n].level_key = hybrid ? pcores[i] : pb_fp_read_int(path, 0);
            cpus[n].cpu = i;
            n++;
        }
        m->physical_cores = pb_fp_count_physical(cpus, n);
        pb_fp_group_levels(cpus, n, hybrid, m);
    }
    free(online);
    free(pcores);
    free(cpus);
    return n > 0;
}

static void pb_fp_linux_caches(pb_machine *m)
{
    for (int i = 0; i < 16; i++) {
        char dir[96], path[128], level[16], type[32], size[32];
        snprintf(dir, sizeof dir, "/sys/devices/system/cpu/cpu0/cache/index%d", i);
        snprintf(path, sizeof path, "%s/level", dir);
        if (!pb_fp_read_small(path, level, sizeof level))
            break;
        snprintf(path, sizeof path, "%s/type", dir);
        if (!pb_fp_read_small(path, type, sizeof type))
            continue;
        snprintf(path, sizeof path, "%s/size", dir);
        if (pb_fp_read_small(path, size, sizeof size))
            pb_fp_add_cache(m, level, type, size);
    }
}

static void pb_fp_linux_power(pb_machine *m)
{
    pb_fp_supply supplies[PB_FP_MAX_SUPPLIES];
    int n = 0;
    DIR *dir = opendir("/sys/class/power_supply");
    if (!dir)
        return;
    struct dirent *e;
    while (n < PB_FP_MAX_SUPPLIES && (e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[384];
        pb_fp_supply *s = &supplies[n];
        snprintf(path, sizeof path, "/sys/class/power_supply/%s/type", e->d_name);
        if (!pb_fp_read_small(path, s->type, sizeof s->type))
            continue;
        snprintf(path, sizeof path, "/sys/class/power_supply/%s/online", e->d_name);
        s->online = pb_fp_read_int(path, -1);
        snprintf(path, sizeof path, "/sys/class/power_supply/%s/status", e->d_name);
        if (!pb_fp_read_small(path, s->status, sizeof s->status))
            s->status[0] = '\0';
        n++;
    }
    closedir(dir);
    pb_strlcpy(m->power_source, pb_fp_power_source(supplies, n), sizeof m->power_source);
}

/* The hypervisor: Xen says so in /sys/hypervisor/type; others set the cpuinfo "hypervisor" flag
 * and, on x86, name themselves in CPUID leaf 0x40000000. */
static void pb_fp_linux_hypervisor(pb_machine *m, const char *flags)
{
    if (pb_fp_read_small("/sys/hypervisor/type", m->virtualization, sizeof m->virtualization) &&
        m->virtualization[0])
        return;
    if (!pb_fp_has_token(flags, "hypervisor"))
        return;
    const char *name = "hypervisor";
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, regs[3];
    __cpuid(0x40000000, eax, regs[0], regs[1], regs[2]);
    (void)eax;
    char signature[12];
    memcpy(signature, regs, sizeof signature);
    name = pb_fp_hypervisor_name(signature);
#endif
    pb_strlcpy(m->virtualization, name, sizeof m->virtualization);
}

static void pb_fp_read_linux(pb_machine *m)
{
    char *text = pb_fp_slurp("/etc/os-release");
    if (text)
        pb_fp_os_release_pretty(text, m->os_version, sizeof m->os_version);
    free(text);

    char flags[8192] = "";
    text = pb_fp_slurp("/proc/cpuinfo");
    if (text) {
        pb_fp_cpuinfo_model(text, m->cpu_model, sizeof m->cpu_model);
        if (pb_fp_cpuinfo_field(text, "flags", flags, sizeof flags) ||
            pb_fp_cpuinfo_field(text, "Features", flags, sizeof flags))
            pb_fp_simd_from_flags(flags, m->simd, sizeof m->simd);
        if (!pb_fp_linux_topology("/sys", m))
            m->physical_cores = pb_fp_cpuinfo_physical_cores(text);
        free(text);
    } else {
        pb_fp_linux_topology("/sys", m);
    }
    pb_fp_linux_caches(m);

    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) {
        m->memory_bytes = (uint64_t)pages * (uint64_t)page;
    } else if ((text = pb_fp_slurp("/proc/meminfo")) != NULL) {
        m->memory_bytes = pb_fp_meminfo_total(text);
        free(text);
    }
    pb_fp_linux_power(m);
    pb_fp_linux_hypervisor(m, flags);
}

#endif /* __linux__ */

/* ---- every platform -------------------------------------------------------------------------- */

void pb_fingerprint_read(pb_machine *out)
{
    memset(out, 0, sizeof *out);
    pb_strlcpy(out->power_source, "unknown", sizeof out->power_source);
    struct utsname u;
    if (uname(&u) == 0) {
        pb_strlcpy(out->os, u.sysname, sizeof out->os);
        pb_strlcpy(out->arch, u.machine, sizeof out->arch);
        /* "release version", cut to fit: the version string is long and only its start matters. */
        pb_strlcpy(out->kernel, u.release, sizeof out->kernel);
        size_t used = strlen(out->kernel);
        if (used + 1 < sizeof out->kernel) {
            out->kernel[used] = ' ';
            pb_strlcpy(out->kernel + used + 1, u.version, sizeof out->kernel - used - 1);
        }
    }
    if (gethostname(out->hostname, sizeof out->hostname) != 0)
        out->hostname[0] = '\0';
    out->hostname[sizeof out->hostname - 1] = '\0';
    pb_strlcpy(out->label, out->hostname, sizeof out->label);
    long logical = sysconf(_SC_NPROCESSORS_ONLN);
    out->logical_cores = logical > 0 ? (int)logical : 1;
    out->usable_cpus = pb_fingerprint_online_cpus();
#if defined(__linux__)
    pb_fp_read_linux(out);
#elif defined(__APPLE__)
    pb_fingerprint_read_macos(out);
#endif
    if (out->physical_cores <= 0)
        out->physical_cores = out->logical_cores;
    if (!out->cpu_model[0])
        pb_strlcpy(out->cpu_model, out->arch[0] ? out->arch : "unknown", sizeof out->cpu_model);
}

int pb_fingerprint_online_cpus(void)
{
#if defined(__linux__)
    /* The affinity mask, so `taskset -c 0 parbench` means one core for "all cores" too. */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int64_t pb_fingerprint_llc_bytes(const pb_machine *m)
{
    return m->l3_bytes > 0 ? m->l3_bytes : m->l2_bytes > 0 ? m->l2_bytes : 0;
}
