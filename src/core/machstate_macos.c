/* The machine's state on macOS: machine-wide CPU ticks from the Mach host statistics and the
 * thermal pressure level from notify(3). Compiles to nothing on other systems.
 * Not read here, for want of an unprivileged interface: the current CPU frequency (on Apple silicon
 * only `powermetrics`, as root, reports it) and temperatures (private SMC keys). */
#include "machstate.h"

#if defined(__APPLE__)

#include <stdint.h>
#include <string.h>

#include <mach/mach.h>
#include <notify.h>

/* USER + SYSTEM + NICE are busy, IDLE is the rest; Mach has no steal. The kernel sums each CPU's
 * time in whole ticks of 1/CLK_TCK s into 32-bit counters, which wrap after weeks of uptime: the
 * round in which one wraps sees a counter go backwards and reports its CPU shares as unknown. */
static void pb_mac_ticks(pb_state_snap *out)
{
    host_cpu_load_info_data_t load;
    mach_msg_type_number_t count = HOST_CPU_LOAD_INFO_COUNT;
    /* mach_host_self() adds a reference to the host port each call; give it back. */
    mach_port_t host = mach_host_self();
    kern_return_t kr = host_statistics(host, HOST_CPU_LOAD_INFO, (host_info_t)&load, &count);
    mach_port_deallocate(mach_task_self(), host);
    if (kr != KERN_SUCCESS)
        return;
    unsigned long long busy = (unsigned long long)load.cpu_ticks[CPU_STATE_USER] + load.cpu_ticks[CPU_STATE_SYSTEM] +
                              load.cpu_ticks[CPU_STATE_NICE];
    out->busy_ticks = busy;
    out->total_ticks = busy + load.cpu_ticks[CPU_STATE_IDLE];
    out->have_ticks = 1;
}

/* The level Apple's OSThermalNotification.h names kOSThermalNotificationPressureLevelName
 * (macOS 10.10+), read once; registering and cancelling each time keeps no state between calls. */
static void pb_mac_thermal(char *out, size_t size)
{
    int token;
    if (notify_register_check("com.apple.system.thermalpressurelevel", &token) != NOTIFY_STATUS_OK)
        return;
    uint64_t level;
    if (notify_get_state(token, &level) == NOTIFY_STATUS_OK && level <= 4) {
        const char *name = pb_state_thermal_name((int)level);
        size_t n = strlen(name);
        if (n < size)
            memcpy(out, name, n + 1);
    }
    notify_cancel(token);
}

void pb_state_read_macos(pb_state_snap *out)
{
    pb_mac_ticks(out);
    pb_mac_thermal(out->thermal, sizeof out->thermal);
}

#endif
