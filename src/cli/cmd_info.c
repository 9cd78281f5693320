/* `parbench info` (the machine fingerprint) and `parbench list` (workloads, backends, devices, and
 * for each missing backend the reason and the fix). */
#include <stdio.h>
#include <string.h>

#include "../core/fingerprint.h"
#include "cli.h"
#include "opts.h"

static const pb_opt_spec pb_help_spec[] = { { "help", 'h', 0, 0, "", "show this help" } };

/* info and list take no arguments: *help is 1 when --help printed `help`. */
static pb_status pb_no_args(const char *command, int argc, char **argv, const char *help, int *helped, pb_msg *msg)
{
    pb_opt_match m[PB_OPTS_MAX];
    int nm;
    pb_status st = pb_opts_parse_only(command, pb_help_spec, 1, 0, argc, argv, m, &nm, PB_OPTS_MAX, helped, msg);
    if (st == PB_OK && *helped) {
        printf("%s", help);
        pb_opts_print_help(pb_help_spec, 1);
    }
    return st;
}

static void pb_print_bytes(const char *name, double bytes)
{
    if (bytes <= 0)
        printf("  %-16s unknown\n", name);
    else if (bytes >= 1 << 30)
        printf("  %-16s %.1f GiB\n", name, bytes / (1 << 30));
    else if (bytes >= 1 << 20)
        printf("  %-16s %.1f MiB\n", name, bytes / (1 << 20));
    else
        printf("  %-16s %.0f KiB\n", name, bytes / 1024);
}

pb_status pb_cmd_info(int argc, char **argv, pb_msg *msg)
{
    int help;
    pb_status st = pb_no_args("info", argc, argv, "usage: parbench info\n\nPrints this machine's fingerprint: what "
                              "every result file records about the machine.\n\n", &help, msg);
    if (st != PB_OK || help)
        return st;
    pb_machine m;
    pb_fingerprint_read(&m);
    printf("  %-16s %s\n  %-16s %s %s\n  %-16s %s\n  %-16s %s\n", "hostname", m.hostname, "os", m.os,
           m.os_version, "kernel", m.kernel, "arch", m.arch);
    printf("  %-16s %s\n  %-16s %d logical, %d physical\n", "cpu", m.cpu_model, "cores", m.logical_cores,
           m.physical_cores);
    for (int i = 0; i < m.nperf_levels; i++)
        printf("  %-16s %s: %d cores (%d logical)\n", i ? "" : "perf levels", m.perf_levels[i].name,
               m.perf_levels[i].cores, m.perf_levels[i].logical_cores);
    printf("  %-16s %s\n", "simd", m.simd[0] ? m.simd : "unknown");
    pb_print_bytes("l1d cache", (double)m.l1d_bytes);
    pb_print_bytes("l2 cache", (double)m.l2_bytes);
    pb_print_bytes("l3 cache", (double)m.l3_bytes);
    pb_print_bytes("memory", (double)m.memory_bytes);
    printf("  %-16s %s\n", "power source", m.power_source);
    if (m.virtualization[0])
        printf("  %-16s %s\n", "virtualization", m.virtualization);
    if (m.gpu_name[0])
        printf("  %-16s %s (%d cores)\n", "gpu", m.gpu_name, m.gpu_cores);
    printf("  %-16s %d (what 'all' means for --threads)\n", "usable cpus", pb_fingerprint_online_cpus());
    return PB_OK;
}

/* Whether the backend runs GPU-dialect kernels on this device although it is a CPU. */
static int pb_list_runs_as_device_cpu(const pb_backend_slot *slot, int device)
{
    int one = 1;
    pb_variant_request req = { &one, 1, 1, 0 };
    pb_variant_list list;
    pb_msg why; /* out of memory: the note is left out */
    pb_variant_list_init(&list, slot->entry->backend, slot->ctx, PB_WL_TRIAD, &req, &why);
    int found = 0;
    for (int i = 0; i < list.n; i++)
        found |= list.items[i].device == device && list.items[i].role == PB_ROLE_DEVICE_CPU;
    pb_variant_list_free(&list);
    return found;
}

static void pb_list_devices(const pb_backend_slot *slot)
{
    const pb_backend *b = slot->entry->backend;
    int n = b->device_count(slot->ctx);
    for (int d = 0; d < n; d++) {
        pb_device_info info;
        memset(&info, 0, sizeof info);
        if (b->device_info(slot->ctx, d, &info) != PB_OK)
            continue;
        printf("    device %d: %s [%s]", d, info.name, pb_device_type_name(info.type));
        if (info.compute_units)
            printf(", %d compute units", info.compute_units);
        if (info.memory_bytes)
            printf(", %.1f GiB", (double)info.memory_bytes / (1 << 30));
        if (info.llc_bytes)
            printf(", last-level cache %.1f MiB", (double)info.llc_bytes / (1 << 20));
        if (info.api_version[0])
            printf(", %s", info.api_version);
        if (info.extra[0])
            printf(", %s", info.extra);
        printf("\n");
        if (pb_list_runs_as_device_cpu(slot, d))
            printf("      a CPU device: its results are labelled %s, never gpu; run it with -b %s\n",
                   pb_role_name(PB_ROLE_DEVICE_CPU), slot->entry->name);
    }
    if (b->describe)
        printf("    %s\n", b->describe(slot->ctx));
}

pb_status pb_cmd_list(int argc, char **argv, pb_msg *msg)
{
    int help;
    pb_status st = pb_no_args("list", argc, argv, "usage: parbench list\n\nLists the workloads, the backends this "
                              "build has, the devices each one finds, and for\nevery backend that is missing, why "
                              "and how to add it.\n\n", &help, msg);
    if (st != PB_OK || help)
        return st;
    printf("Workloads (standard preset sizes):\n");
    for (int w = 0; w < PB_WL_COUNT; w++) {
        const pb_workload *wl = pb_workload_get((pb_workload_id)w);
        char size[64] = "";
        size_t len = 0;
        for (int i = 0; i < wl->ndims; i++)
            len += (size_t)snprintf(size + len, sizeof size - len, "%s%s=%lld", i ? " " : "", wl->dim_names[i],
                                    (long long)wl->sizes[PB_PRESET_STANDARD].v[i]);
        printf("  %-11s %-36s %-8s %s\n", wl->name, size, wl->rate_unit, wl->summary);
    }
    pb_session session;
    pb_msg why; /* a backend that cannot open says so in its slot */
    pb_session_open(&session, NULL, 0, &why);
    printf("\nBackends:\n");
    for (int s = 0; s < session.nslots; s++) {
        const pb_backend_slot *slot = &session.slots[s];
        if (slot->ctx) {
            printf("  %-7s ready: %s\n", slot->entry->name, slot->entry->backend->summary);
            pb_list_devices(slot);
        } else {
            printf("  %-7s %s\n", slot->entry->name, slot->why.text);
        }
    }
    pb_session_close(&session);
    return PB_OK;
}
