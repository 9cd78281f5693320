/* The machine fingerprint: the live reading is sane here, and the /proc and /sys parsers give the
 * right answers on canned text from x86, arm64 and hybrid machines. */
#include "../src/core/fingerprint_internal.h"
#include "../src/results/result.h"
#include "pbtest.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char cpuinfo_x86[] =
    "processor\t: 0\n"
    "vendor_id\t: GenuineIntel\n"
    "model name\t: Intel(R) Xeon(R) Processor\n"
    "physical id\t: 0\n"
    "core id\t\t: 0\n"
    "flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx hypervisor avx2 avx512f avx512bw avx512vl "
    "avx_vnni avx512_bf16 avx512_vnni amx_bf16 avx512_fp16 amx_tile amx_int8\n"
    "\n"
    "processor\t: 1\n"
    "model name\t: Intel(R) Xeon(R) Processor\n"
    "physical id\t: 0\n"
    "core id\t\t: 0\n"
    "\n"
    "processor\t: 2\n"
    "model name\t: Intel(R) Xeon(R) Processor\n"
    "physical id\t: 0\n"
    "core id\t\t: 1\n"
    "\n"
    "processor\t: 3\n"
    "model name\t: Intel(R) Xeon(R) Processor\n"
    "physical id\t: 1\n"
    "core id\t\t: 0\n";

static const char cpuinfo_arm64[] =
    "processor\t: 0\n"
    "BogoMIPS\t: 50.00\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm "
    "asimddp sve sve2 i8mm bf16\n"
    "CPU implementer\t: 0x41\n"
    "CPU part\t: 0xd0c\n"
    "\n"
    "processor\t: 1\n"
    "CPU implementer\t: 0x41\n"
    "CPU part\t: 0xd0c\n";

static void test_live_reading_is_sane(void)
{
    pb_machine m;
    pb_fingerprint_read(&m);
    CHECK(m.logical_cores >= 1);
    CHECK(m.physical_cores >= 1 && m.physical_cores <= m.logical_cores);
    CHECK(m.arch[0] != '\0');
    CHECK(m.cpu_model[0] != '\0');
    CHECK(m.memory_bytes > 0);
    CHECK(strcmp(m.power_source, "ac") == 0 || strcmp(m.power_source, "battery") == 0 ||
          strcmp(m.power_source, "unknown") == 0);
    CHECK(m.nperf_levels >= 0 && m.nperf_levels <= PB_MAX_PERF_LEVELS);
    CHECK_STR(m.label, m.hostname);
#if defined(__linux__)
    CHECK_STR(m.os, "Linux");
#elif defined(__APPLE__)
    CHECK_STR(m.os, "macOS");
#endif
}

static void test_online_cpus_within_logical(void)
{
    pb_machine m;
    pb_fingerprint_read(&m);
    int online = pb_fingerprint_online_cpus();
    CHECK(online >= 1);
    CHECK_MSG(online <= m.logical_cores, "online %d > logical %d", online, m.logical_cores);
    /* The machine records what the run may use; its text names it only when it is fewer. */
    CHECK(m.usable_cpus == online);
    char buf[32];
    m.logical_cores = 12;
    m.usable_cpus = 4;
    CHECK_STR(pb_machine_usable_text(&m, buf, sizeof buf), ", 4 usable");
    m.usable_cpus = 12;
    CHECK_STR(pb_machine_usable_text(&m, buf, sizeof buf), "");
    m.usable_cpus = 0; /* an older file: unknown */
    CHECK_STR(pb_machine_usable_text(&m, buf, sizeof buf), "");
}

static void test_cpuinfo_fields(void)
{
    char out[128] = "untouched";
    CHECK(pb_fp_cpuinfo_field(cpuinfo_x86, "vendor_id", out, sizeof out));
    CHECK_STR(out, "GenuineIntel");
    CHECK(!pb_fp_cpuinfo_field(cpuinfo_x86, "vendor", out, sizeof out)); /* a prefix is not a key */
    CHECK_STR(out, "GenuineIntel");
    char tiny[6];
    CHECK(pb_fp_cpuinfo_field(cpuinfo_x86, "model name", tiny, sizeof tiny));
    CHECK_STR(tiny, "Intel");
    CHECK(!pb_fp_cpuinfo_field("", "model name", out, sizeof out));
}

static void test_cpuinfo_model(void)
{
    char out[128];
    CHECK(pb_fp_cpuinfo_model(cpuinfo_x86, out, sizeof out));
    CHECK_STR(out, "Intel(R) Xeon(R) Processor");
    CHECK(pb_fp_cpuinfo_model(cpuinfo_arm64, out, sizeof out));
    CHECK_STR(out, "CPU implementer 0x41 part 0xd0c");
    CHECK(pb_fp_cpuinfo_model("processor : 0\nHardware : BCM2835\n", out, sizeof out));
    CHECK_STR(out, "BCM2835");
    CHECK(!pb_fp_cpuinfo_model("processor : 0\n", out, sizeof out));
}

static void test_simd_filter(void)
{
    char flags[1024], simd[256];
    CHECK(pb_fp_cpuinfo_field(cpuinfo_x86, "flags", flags, sizeof flags));
    pb_fp_simd_from_flags(flags, simd, sizeof simd);
    CHECK_STR(simd, "sse4.2 avx avx2 fma avx512f avx512bw avx512vl avx512_fp16 avx512_bf16 avx512_vnni "
                    "amx_tile amx_bf16");
    CHECK(pb_fp_cpuinfo_field(cpuinfo_arm64, "Features", flags, sizeof flags));
    pb_fp_simd_from_flags(flags, simd, sizeof simd);
    CHECK_STR(simd, "neon fp16 dotprod i8mm bf16 sve sve2");
    pb_fp_simd_from_flags("sse2 avx512fx sse4_1", simd, sizeof simd); /* whole words only */
    CHECK_STR(simd, "");
}

static void test_cpuinfo_physical_cores(void)
{
    CHECK(pb_fp_cpuinfo_physical_cores(cpuinfo_x86) == 3); /* (0,0) twice, (0,1), (1,0) */
    CHECK(pb_fp_cpuinfo_physical_cores(cpuinfo_arm64) == 0);
}

static void test_sizes_and_caches(void)
{
    CHECK(pb_fp_parse_size("48K") == 48 * 1024);
    CHECK(pb_fp_parse_size("2048K\n") == 2048 * 1024);
    CHECK(pb_fp_parse_size("1M") == 1024 * 1024);
    CHECK(pb_fp_parse_size("512") == 512);
    CHECK(pb_fp_parse_size("") == -1);
    CHECK(pb_fp_parse_size("12Q") == -1);

    pb_machine m;
    memset(&m, 0, sizeof m);
    pb_fp_add_cache(&m, "1", "Data", "48K");
    pb_fp_add_cache(&m, "1", "Instruction", "64K");
    pb_fp_add_cache(&m, "2", "Unified", "2048K");
    pb_fp_add_cache(&m, "3", "Unified", "491520K");
    pb_fp_add_cache(&m, "2", "Unified", "4096K"); /* a later entry of the same level is ignored */
    CHECK(m.l1d_bytes == 48 * 1024);
    CHECK(m.l2_bytes == 2048 * 1024);
    CHECK(m.l3_bytes == 491520LL * 1024);
}

static void test_cpulist(void)
{
    unsigned char set[16] = { 0 };
    CHECK(pb_fp_cpulist_parse("0-3,8,10-11\n", set, 16) == 7);
    CHECK(set[0] && set[3] && !set[4] && set[8] && !set[9] && set[11] && !set[12]);
    unsigned char again[4] = { 0 };
    CHECK(pb_fp_cpulist_parse("2-9", again, 4) == 2); /* clipped to the array */
    CHECK(pb_fp_cpulist_parse("3-1", again, 4) == -1);
    CHECK(pb_fp_cpulist_parse("x", again, 4) == -1);
}

static void test_meminfo_and_os_release(void)
{
    CHECK(pb_fp_meminfo_total("MemTotal:       16318232 kB\nMemFree: 1 kB\n") == 16318232ULL * 1024);
    CHECK(pb_fp_meminfo_total("MemFree: 1 kB\n") == 0);
    char out[64];
    CHECK(pb_fp_os_release_pretty("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
                                  out, sizeof out));
    CHECK_STR(out, "Debian GNU/Linux 12 (bookworm)");
    CHECK(pb_fp_os_release_pretty("PRETTY_NAME=Alpine", out, sizeof out));
    CHECK_STR(out, "Alpine");
    CHECK(!pb_fp_os_release_pretty("NAME=x\n", out, sizeof out));
}

static void test_power_source(void)
{
    const pb_fp_supply mains_on[] = { { "Mains", 1, "" }, { "Battery", -1, "Charging" } };
    const pb_fp_supply unplugged[] = { { "Mains", 0, "" }, { "Battery", -1, "Discharging" } };
    const pb_fp_supply full[] = { { "Battery", -1, "Full" } };
    const pb_fp_supply usb_only[] = { { "USB", 1, "" } };
    CHECK_STR(pb_fp_power_source(mains_on, 2), "ac");
    CHECK_STR(pb_fp_power_source(unplugged, 2), "battery");
    CHECK_STR(pb_fp_power_source(full, 1), "ac");
    CHECK_STR(pb_fp_power_source(usb_only, 1), "unknown");
    CHECK_STR(pb_fp_power_source(NULL, 0), "unknown");
}

static void test_perf_levels_capacity(void)
{
    /* An arm big.LITTLE layout: 4 little cores (capacity 446) and 2 big ones (1024). */
    const pb_fp_cpu cpus[] = { { 0, 0, 446, 0 }, { 0, 1, 446, 1 },  { 0, 2, 446, 2 },
                               { 0, 3, 446, 3 }, { 0, 4, 1024, 4 }, { 0, 5, 1024, 5 } };
    pb_machine m;
    memset(&m, 0, sizeof m);
    pb_fp_group_levels(cpus, 6, 0, &m);
    CHECK(m.nperf_levels == 2);
    CHECK_STR(m.perf_levels[0].name, "capacity-1024");
    CHECK(m.perf_levels[0].cores == 2 && m.perf_levels[0].logical_cores == 2);
    CHECK_STR(m.perf_levels[1].name, "capacity-446");
    CHECK(m.perf_levels[1].cores == 4);

    memset(&m, 0, sizeof m);
    const pb_fp_cpu uniform[] = { { 0, 0, 1024, 0 }, { 0, 1, 1024, 1 } };
    pb_fp_group_levels(uniform, 2, 0, &m);
    CHECK(m.nperf_levels == 0);
}

static void test_perf_levels_hybrid(void)
{
    /* An Intel hybrid layout: 2 P-cores with two threads each, then 4 E-cores. */
    const pb_fp_cpu cpus[] = { { 0, 0, 1, 0 }, { 0, 0, 1, 1 }, { 0, 4, 1, 2 },  { 0, 4, 1, 3 },
                               { 0, 8, 0, 4 }, { 0, 9, 0, 5 }, { 0, 10, 0, 6 }, { 0, 11, 0, 7 } };
    pb_machine m;
    memset(&m, 0, sizeof m);
    pb_fp_group_levels(cpus, 8, 1, &m);
    CHECK(m.nperf_levels == 2);
    CHECK_STR(m.perf_levels[0].name, "P");
    CHECK(m.perf_levels[0].cores == 2 && m.perf_levels[0].logical_cores == 4);
    CHECK_STR(m.perf_levels[1].name, "E");
    CHECK(m.perf_levels[1].cores == 4 && m.perf_levels[1].logical_cores == 4);
    CHECK(pb_fp_count_physical(cpus, 8) == 6);
}

/* "0-11" style text of a level's CPU mask, for readable checks. */
static void mask_text(const pb_cpu_mask *mask, char *out, size_t size)
{
    out[0] = '\0';
    for (int cpu = 0; cpu < PB_CPU_MASK_MAX; cpu++) {
        if (!pb_cpu_mask_has(mask, cpu) || pb_cpu_mask_has(mask, cpu - 1))
            continue;
        int last = cpu;
        while (pb_cpu_mask_has(mask, last + 1))
            last++;
        size_t used = strlen(out);
        if (last > cpu)
            snprintf(out + used, size - used, "%s%d-%d", used ? "," : "", cpu, last);
        else
            snprintf(out + used, size - used, "%s%d", used ? "," : "", cpu);
    }
}

static void test_perf_levels_carry_their_cpus(void)
{
    /* The grouping keeps which logical CPUs form each level: placement needs the lists. */
    const pb_fp_cpu cpus[] = { { 0, 8, 0, 0 }, { 0, 0, 1, 1 }, { 0, 0, 1, 2 }, { 0, 9, 0, 3 } };
    pb_machine m;
    char text[64];
    memset(&m, 0, sizeof m);
    pb_fp_group_levels(cpus, 4, 1, &m);
    CHECK(m.nperf_levels == 2);
    mask_text(&m.perf_levels[0].cpus, text, sizeof text);
    CHECK_STR(text, "1-2");
    mask_text(&m.perf_levels[1].cpus, text, sizeof text);
    CHECK_STR(text, "0,3");
}

static void test_apple_perf_levels(void)
{
    /* An M3 Pro as sysctl describes it: hw.perflevel0 6 P-cores, hw.perflevel1 6 E-cores. */
    const pb_fp_apple_level m3pro[] = { { "Performance", 6, 6 }, { "Efficiency", 6, 6 } };
    pb_machine m;
    memset(&m, 0, sizeof m);
    pb_fp_apple_levels(m3pro, 2, &m);
    CHECK(m.nperf_levels == 2);
    CHECK_STR(m.perf_levels[0].name, "P");
    CHECK(m.perf_levels[0].cores == 6 && m.perf_levels[0].logical_cores == 6);
    CHECK_STR(m.perf_levels[1].name, "E");
    CHECK(m.perf_levels[1].cores == 6 && m.perf_levels[1].logical_cores == 6);
    CHECK(pb_cpu_mask_count(&m.perf_levels[0].cpus) == 0); /* macOS: no affinity, no CPU lists */

    /* No logicalcpu value: as many logical as physical. One level (an Intel Mac): none reported. */
    const pb_fp_apple_level partial[] = { { "Performance", 4, 0 }, { "", 4, 0 } };
    memset(&m, 0, sizeof m);
    pb_fp_apple_levels(partial, 2, &m);
    CHECK(m.nperf_levels == 2 && m.perf_levels[0].logical_cores == 4);
    CHECK_STR(m.perf_levels[1].name, "?");
    const pb_fp_apple_level uniform[] = { { "Performance", 8, 16 } };
    memset(&m, 0, sizeof m);
    pb_fp_apple_levels(uniform, 1, &m);
    CHECK(m.nperf_levels == 0);
}

#if defined(__linux__)
/* Writes `text` to root/rel, creating the directories on the way. */
static int write_tree_file(const char *root, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    for (char *slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0700);
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* A faked /sys with `n` online CPUs; cpu i has the given core id and capacity (0: no file). */
static int fake_sysfs(char *root, int n, const int *core_id, const int *capacity)
{
    char rel[128], text[32];
    if (!mkdtemp(root))
        return 0;
    snprintf(text, sizeof text, "0-%d\n", n - 1);
    int ok = write_tree_file(root, "devices/system/cpu/online", text);
    for (int i = 0; i < n && ok; i++) {
        snprintf(rel, sizeof rel, "devices/system/cpu/cpu%d/topology/core_id", i);
        snprintf(text, sizeof text, "%d\n", core_id[i]);
        ok = write_tree_file(root, rel, text);
        snprintf(rel, sizeof rel, "devices/system/cpu/cpu%d/topology/physical_package_id", i);
        ok = ok && write_tree_file(root, rel, "0\n");
        snprintf(rel, sizeof rel, "devices/system/cpu/cpu%d/cpu_capacity", i);
        snprintf(text, sizeof text, "%d\n", capacity ? capacity[i] : 0);
        ok = ok && (!capacity || write_tree_file(root, rel, text));
    }
    return ok;
}

static void test_sysfs_intel_hybrid(void)
{
    /* 6 P-cores with two threads each (cpu_core 0-11), 8 E-cores (cpu_atom 12-19). */
    int core_id[20];
    for (int i = 0; i < 20; i++)
        core_id[i] = i < 12 ? (i / 2) * 4 : 24 + (i - 12);
    char root[] = "/tmp/pb_sysfs_XXXXXX", text[64];
    int ok = fake_sysfs(root, 20, core_id, NULL) && write_tree_file(root, "devices/cpu_core/cpus", "0-11\n") &&
             write_tree_file(root, "devices/cpu_atom/cpus", "12-19\n");
    CHECK_MSG(ok, "could not write the faked sysfs tree under %s", root);
    pb_machine m;
    memset(&m, 0, sizeof m);
    CHECK(ok && pb_fp_linux_topology(root, &m) == 1);
    CHECK(m.physical_cores == 14);
    CHECK(m.nperf_levels == 2);
    CHECK_STR(m.perf_levels[0].name, "P");
    CHECK(m.perf_levels[0].cores == 6 && m.perf_levels[0].logical_cores == 12);
    mask_text(&m.perf_levels[0].cpus, text, sizeof text);
    CHECK_STR(text, "0-11");
    CHECK_STR(m.perf_levels[1].name, "E");
    CHECK(m.perf_levels[1].cores == 8 && m.perf_levels[1].logical_cores == 8);
    mask_text(&m.perf_levels[1].cpus, text, sizeof text);
    CHECK_STR(text, "12-19");

    /* Without the cpu_atom list the machine is not hybrid, and no cpu_capacity means one level. */
    char atom[600];
    snprintf(atom, sizeof atom, "%s/devices/cpu_atom/cpus", root);
    CHECK(remove(atom) == 0);
    memset(&m, 0, sizeof m);
    CHECK(pb_fp_linux_topology(root, &m) == 1 && m.nperf_levels == 0 && m.physical_cores == 14);
    nftw(root, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void test_sysfs_big_little(void)
{
    /* arm big.LITTLE: cpu0-3 little (capacity 446), cpu4-7 big (1024). */
    const int core_id[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    const int capacity[8] = { 446, 446, 446, 446, 1024, 1024, 1024, 1024 };
    char root[] = "/tmp/pb_sysfs_XXXXXX", text[64];
    int ok = fake_sysfs(root, 8, core_id, capacity);
    CHECK_MSG(ok, "could not write the faked sysfs tree under %s", root);
    pb_machine m;
    memset(&m, 0, sizeof m);
    CHECK(ok && pb_fp_linux_topology(root, &m) == 1);
    CHECK(m.nperf_levels == 2);
    CHECK_STR(m.perf_levels[0].name, "capacity-1024");
    mask_text(&m.perf_levels[0].cpus, text, sizeof text);
    CHECK_STR(text, "4-7");
    mask_text(&m.perf_levels[1].cpus, text, sizeof text);
    CHECK_STR(text, "0-3");
    nftw(root, remove_entry, 8, FTW_DEPTH | FTW_PHYS);

    memset(&m, 0, sizeof m);
    CHECK(pb_fp_linux_topology("/nonexistent-sysfs", &m) == 0);
}
#endif

static void test_names(void)
{
    char out[16];
    pb_fp_short_level_name("Performance", out, sizeof out);
    CHECK_STR(out, "P");
    pb_fp_short_level_name("Efficiency", out, sizeof out);
    CHECK_STR(out, "E");
    pb_fp_short_level_name("Super", out, sizeof out);
    CHECK_STR(out, "Super");
    CHECK_STR(pb_fp_hypervisor_name("KVMKVMKVM\0\0\0"), "kvm");
    CHECK_STR(pb_fp_hypervisor_name("Microsoft Hv"), "hyper-v");
    CHECK_STR(pb_fp_hypervisor_name("SomethingNew"), "hypervisor");
}

static const pbtest_case cases[] = {
    { "live_reading_is_sane", test_live_reading_is_sane },
    { "online_cpus_within_logical", test_online_cpus_within_logical },
    { "cpuinfo_fields", test_cpuinfo_fields },
    { "cpuinfo_model", test_cpuinfo_model },
    { "simd_filter", test_simd_filter },
    { "cpuinfo_physical_cores", test_cpuinfo_physical_cores },
    { "sizes_and_caches", test_sizes_and_caches },
    { "cpulist", test_cpulist },
    { "meminfo_and_os_release", test_meminfo_and_os_release },
    { "power_source", test_power_source },
    { "perf_levels_capacity", test_perf_levels_capacity },
    { "perf_levels_hybrid", test_perf_levels_hybrid },
    { "perf_levels_carry_their_cpus", test_perf_levels_carry_their_cpus },
    { "apple_perf_levels", test_apple_perf_levels },
#if defined(__linux__)
    { "sysfs_intel_hybrid", test_sysfs_intel_hybrid },
    { "sysfs_big_little", test_sysfs_big_little },
#endif
    { "names", test_names },
};

PBTEST_MAIN(cases)
