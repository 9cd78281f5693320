/* The machine fingerprint: the live reading is sane here, and the /proc and /sys parsers give the
 * right answers on canned text from x86, arm64 and hybrid machines. */
#include "../src/core/fingerprint_internal.h"
#include "pbtest.h"

#include <string.h>

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
    const pb_fp_cpu cpus[] = { { 0, 0, 446 }, { 0, 1, 446 }, { 0, 2, 446 },
                               { 0, 3, 446 }, { 0, 4, 1024 }, { 0, 5, 1024 } };
    pb_machine m;
    memset(&m, 0, sizeof m);
    pb_fp_group_levels(cpus, 6, 0, &m);
    CHECK(m.nperf_levels == 2);
    CHECK_STR(m.perf_levels[0].name, "capacity-1024");
    CHECK(m.perf_levels[0].cores == 2 && m.perf_levels[0].logical_cores == 2);
    CHECK_STR(m.perf_levels[1].name, "capacity-446");
    CHECK(m.perf_levels[1].cores == 4);

    memset(&m, 0, sizeof m);
    const pb_fp_cpu uniform[] = { { 0, 0, 1024 }, { 0, 1, 1024 } };
    pb_fp_group_levels(uniform, 2, 0, &m);
    CHECK(m.nperf_levels == 0);
}

static void test_perf_levels_hybrid(void)
{
    /* An Intel hybrid layout: 2 P-cores with two threads each, then 4 E-cores. */
    const pb_fp_cpu cpus[] = { { 0, 0, 1 }, { 0, 0, 1 }, { 0, 4, 1 }, { 0, 4, 1 },
                               { 0, 8, 0 }, { 0, 9, 0 }, { 0, 10, 0 }, { 0, 11, 0 } };
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
    { "names", test_names },
};

PBTEST_MAIN(cases)
