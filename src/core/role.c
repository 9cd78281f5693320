/* Names of roles (the strings in result files). */
#include "role.h"

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

int pb_role_on_device(pb_role role)
{
    return role == PB_ROLE_GPU || role == PB_ROLE_LIB_GPU || role == PB_ROLE_DEVICE_CPU;
}

int pb_role_is_gpu(pb_role role)
{
    return role == PB_ROLE_GPU || role == PB_ROLE_LIB_GPU;
}

int pb_role_name_on_device(const char *name)
{
    pb_role role;
    return pb_role_parse(name, &role) && pb_role_on_device(role);
}

int pb_role_name_is_gpu(const char *name)
{
    pb_role role;
    return pb_role_parse(name, &role) && pb_role_is_gpu(role);
}
