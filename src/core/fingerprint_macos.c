/* The machine fingerprint on macOS: sysctlbyname for the CPU and memory, IOKit for the power source
 * and the GPU's name and core count. Compiles to nothing on other systems. */
#include "fingerprint_internal.h"

#if defined(__APPLE__)

#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>

#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <IOKit/ps/IOPSKeys.h>
#include <IOKit/ps/IOPowerSources.h>

/* A sysctl string; leaves `out` untouched when the name does not exist. */
static void pb_mac_string(const char *name, char *out, size_t size)
{
    char buf[256];
    size_t len = sizeof buf;
    if (sysctlbyname(name, buf, &len, NULL, 0) == 0 && len > 0) {
        buf[len < sizeof buf ? len : sizeof buf - 1] = '\0';
        pb_strlcpy(out, buf, size);
    }
}

/* A sysctl integer of either width: hw.memsize and hw.l1dcachesize are 64-bit, hw.perflevelN.*
 * and hw.optional.* are 32-bit (xnu bsd/kern/kern_mib.c); the returned length says which. */
static int64_t pb_mac_int(const char *name, int64_t fallback)
{
    union {
        int32_t i32;
        int64_t i64;
    } v;
    size_t len = sizeof v;
    memset(&v, 0, sizeof v);
    if (sysctlbyname(name, &v, &len, NULL, 0) != 0)
        return fallback;
    if (len == sizeof v.i32)
        return v.i32;
    return len == sizeof v.i64 ? v.i64 : fallback;
}

/* Feature flags as Apple's "Determining instruction set characteristics" names them; the printed
 * names match the Linux table in fingerprint.c. */
static const struct {
    const char *sysctl;
    const char *name;
} pb_mac_simd_table[] = {
    { "hw.optional.sse4_2", "sse4.2" },         { "hw.optional.avx1_0", "avx" },
    { "hw.optional.avx2_0", "avx2" },           { "hw.optional.fma", "fma" },
    { "hw.optional.avx512f", "avx512f" },       { "hw.optional.avx512bw", "avx512bw" },
    { "hw.optional.avx512vl", "avx512vl" },     { "hw.optional.neon", "neon" },
    { "hw.optional.arm.FEAT_FP16", "fp16" },    { "hw.optional.arm.FEAT_DotProd", "dotprod" },
    { "hw.optional.arm.FEAT_I8MM", "i8mm" },    { "hw.optional.arm.FEAT_BF16", "bf16" },
    { "hw.optional.arm.FEAT_SME", "sme" },      { "hw.optional.arm.FEAT_SME2", "sme2" },
};

static void pb_mac_simd(pb_machine *m)
{
    m->simd[0] = '\0';
    for (size_t i = 0; i < sizeof pb_mac_simd_table / sizeof pb_mac_simd_table[0]; i++) {
        if (pb_mac_int(pb_mac_simd_table[i].sysctl, 0) != 1)
            continue;
        size_t used = strlen(m->simd);
        snprintf(m->simd + used, sizeof m->simd - used, "%s%s", used ? " " : "", pb_mac_simd_table[i].name);
    }
}

/* P/E levels (macOS 12+; perflevel0 is the fastest). The generic hw.l1dcachesize/l2cachesize
 * describe the slowest level on Apple silicon, so the caches recorded are perflevel0's. */
static void pb_mac_perf_levels(pb_machine *m)
{
    pb_fp_apple_level values[PB_MAX_PERF_LEVELS];
    int levels = (int)pb_mac_int("hw.nperflevels", 0);
    if (levels > PB_MAX_PERF_LEVELS)
        levels = PB_MAX_PERF_LEVELS;
    for (int i = 0; i < levels; i++) {
        char key[64];
        memset(&values[i], 0, sizeof values[i]);
        snprintf(key, sizeof key, "hw.perflevel%d.name", i);
        pb_mac_string(key, values[i].name, sizeof values[i].name);
        snprintf(key, sizeof key, "hw.perflevel%d.physicalcpu", i);
        values[i].physicalcpu = (int)pb_mac_int(key, 0);
        snprintf(key, sizeof key, "hw.perflevel%d.logicalcpu", i);
        values[i].logicalcpu = (int)pb_mac_int(key, 0);
    }
    pb_fp_apple_levels(values, levels, m);
    if (levels >= 1) {
        m->l1d_bytes = pb_mac_int("hw.perflevel0.l1dcachesize", 0);
        m->l2_bytes = pb_mac_int("hw.perflevel0.l2cachesize", 0);
        m->l3_bytes = pb_mac_int("hw.perflevel0.l3cachesize", 0);
    }
    if (m->l1d_bytes <= 0)
        m->l1d_bytes = pb_mac_int("hw.l1dcachesize", 0);
    if (m->l2_bytes <= 0)
        m->l2_bytes = pb_mac_int("hw.l2cachesize", 0);
    if (m->l3_bytes <= 0)
        m->l3_bytes = pb_mac_int("hw.l3cachesize", 0);
}

/* IOPSGetProvidingPowerSourceType follows the Get rule: the string is not ours to release. */
static void pb_mac_power(pb_machine *m)
{
    CFTypeRef info = IOPSCopyPowerSourcesInfo();
    if (!info)
        return;
    CFStringRef type = IOPSGetProvidingPowerSourceType(info);
    if (type && CFEqual(type, CFSTR(kIOPSACPowerValue)))
        pb_strlcpy(m->power_source, "ac", sizeof m->power_source);
    else if (type && CFEqual(type, CFSTR(kIOPSBatteryPowerValue)))
        pb_strlcpy(m->power_source, "battery", sizeof m->power_source);
    CFRelease(info);
}

/* A registry property as text: "model" is a CFString on Apple silicon and CFData (NUL-terminated
 * bytes) on the PCI device above an AMD or Intel GPU. */
static void pb_mac_cf_text(CFTypeRef value, char *out, size_t size)
{
    if (CFGetTypeID(value) == CFStringGetTypeID()) {
        if (!CFStringGetCString((CFStringRef)value, out, (CFIndex)size, kCFStringEncodingUTF8))
            out[0] = '\0';
    } else if (CFGetTypeID(value) == CFDataGetTypeID()) {
        CFIndex len = CFDataGetLength((CFDataRef)value);
        size_t n = len > 0 ? (size_t)len : 0;
        if (n >= size)
            n = size - 1;
        memcpy(out, CFDataGetBytePtr((CFDataRef)value), n);
        out[n] = '\0';
    }
}

/* The GPU from the IORegistry: Apple silicon's AGXAccelerator carries "gpu-core-count"; any
 * IOAccelerator (AMD, Intel) is the fallback for the name. */
static void pb_mac_gpu(pb_machine *m)
{
    /* kIOMainPortDefault (macOS 12+) and the older kIOMasterPortDefault both equal MACH_PORT_NULL;
     * passing it directly builds on every SDK without a deprecation warning. */
    const mach_port_t main_port = MACH_PORT_NULL;
    static const char *const classes[] = { "AGXAccelerator", "IOAccelerator" };
    io_service_t gpu = 0;
    for (size_t i = 0; i < sizeof classes / sizeof classes[0] && !gpu; i++)
        gpu = IOServiceGetMatchingService(main_port, IOServiceMatching(classes[i]));
    if (!gpu)
        return;
    CFTypeRef cores = IORegistryEntryCreateCFProperty(gpu, CFSTR("gpu-core-count"), kCFAllocatorDefault, 0);
    if (cores) {
        int n = 0;
        if (CFGetTypeID(cores) == CFNumberGetTypeID() && CFNumberGetValue((CFNumberRef)cores, kCFNumberIntType, &n))
            m->gpu_cores = n;
        CFRelease(cores);
    }
    CFTypeRef model = IORegistryEntrySearchCFProperty(gpu, kIOServicePlane, CFSTR("model"), kCFAllocatorDefault,
                                                      kIORegistryIterateRecursively | kIORegistryIterateParents);
    if (model) {
        pb_mac_cf_text(model, m->gpu_name, sizeof m->gpu_name);
        CFRelease(model);
    }
    IOObjectRelease(gpu);
}

void pb_fingerprint_read_macos(pb_machine *m)
{
    char version[64] = "", build[32] = "", release[64] = "";
    pb_strlcpy(m->os, "macOS", sizeof m->os);
    pb_mac_string("kern.osproductversion", version, sizeof version);
    pb_mac_string("kern.osversion", build, sizeof build);
    snprintf(m->os_version, sizeof m->os_version, build[0] ? "macOS %s (%s)" : "macOS %s%s", version, build);
    pb_mac_string("kern.osrelease", release, sizeof release);
    if (release[0])
        snprintf(m->kernel, sizeof m->kernel, "Darwin %s", release);
    pb_mac_string("hw.machine", m->arch, sizeof m->arch);
    /* An x86_64 build under Rosetta 2 measures a translation, not the machine: say so (Apple,
     * "About the Rosetta translation environment": sysctl.proc_translated is 1 when translated). */
    if (pb_mac_int("sysctl.proc_translated", 0) == 1)
        snprintf(m->arch, sizeof m->arch, "x86_64 (Rosetta 2)");
    pb_mac_string("machdep.cpu.brand_string", m->cpu_model, sizeof m->cpu_model);
    m->logical_cores = (int)pb_mac_int("hw.logicalcpu", m->logical_cores);
    m->physical_cores = (int)pb_mac_int("hw.physicalcpu", 0);
    m->memory_bytes = (uint64_t)pb_mac_int("hw.memsize", 0);
    pb_mac_simd(m);
    pb_mac_perf_levels(m);
    pb_mac_power(m);
    pb_mac_gpu(m);
    /* kern.hv_vmm_present (xnu) is 1 inside a virtual machine, e.g. hosted CI runners. */
    if (pb_mac_int("kern.hv_vmm_present", 0) == 1)
        pb_strlcpy(m->virtualization, "hypervisor", sizeof m->virtualization);
}

#endif /* __APPLE__ */
