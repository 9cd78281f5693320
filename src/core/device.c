/* Names of device types (the strings in result files). */
#include "device.h"

const char *pb_device_type_name(pb_device_type type)
{
    switch (type) {
    case PB_DEVICE_CPU: return "cpu";
    case PB_DEVICE_GPU: return "gpu";
    case PB_DEVICE_ACCELERATOR: return "accelerator";
    default: return "other";
    }
}
