/* Names of roles and device types (the strings in result files). */
#include "backend.h"

#include <string.h>

static const char *const pb_role_names[PB_ROLE_COUNT] = {
    [PB_ROLE_CPU_1] = "cpu-1",     [PB_ROLE_CPU_ALL] = "cpu-all", [PB_ROLE_CPU_P] = "cpu-p",
    [PB_ROLE_CPU_E] = "cpu-e",     [PB_ROLE_CPU_N] = "cpu-n",
    [PB_ROLE_GPU] = "gpu",         [PB_ROLE_LIB_CPU] = "lib-cpu", [PB_ROLE_LIB_GPU] = "lib-gpu",
    [PB_ROLE_DEVICE_CPU] = "opencl-cpu",
};

const char *pb_role_name(pb_role role)
{
    return (unsigned)role < PB_ROLE_COUNT ? pb_role_names[role] : "unknown";
}

int pb_role_parse(const char *name, pb_role *out)
{
    for (int i = 0; i < PB_ROLE_COUNT; i++) {
        if (strcmp(name, pb_role_names[i]) == 0) {
            *out = (pb_role)i;
            return 1;
        }
    }
    return 0;
}

const char *pb_device_type_name(pb_device_type type)
{
    switch (type) {
    case PB_DEVICE_CPU: return "cpu";
    case PB_DEVICE_GPU: return "gpu";
    case PB_DEVICE_ACCELERATOR: return "accelerator";
    default: return "other";
    }
}

int pb_variant_add(pb_variant *out, int n, int max, int device, int threads, const char *impl, pb_role role,
                   const char *precision, double unit_roundoff)
{
    if (n >= max)
        return n;
    pb_variant *v = &out[n];
    memset(v, 0, sizeof *v);
    v->device = device;
    v->threads = threads;
    v->role = role;
    pb_strlcpy(v->precision, precision, sizeof v->precision);
    pb_strlcpy(v->impl, impl, sizeof v->impl);
    v->unit_roundoff = unit_roundoff;
    return n + 1;
}
