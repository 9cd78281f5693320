/* Names of device types (the strings in result files), and whether a case fits in a device's
 * last-level cache. */
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

pb_llc_fit pb_device_llc_fit(double working_set_bytes, double llc_bytes)
{
    if (!(working_set_bytes > 0) || !(llc_bytes > 0))
        return PB_LLC_FIT_UNKNOWN;
    return working_set_bytes <= llc_bytes ? PB_LLC_FIT_YES : PB_LLC_FIT_NO;
}

int pb_device_bandwidth_bound(double flops, double bytes)
{
    return bytes > 0 && flops >= 0 && flops < PB_BANDWIDTH_BOUND_INTENSITY * bytes;
}
