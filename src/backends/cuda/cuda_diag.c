/* What the cuda backend makes of CUDA's answers: a driver too old for the build, a MIG slice, an
 * error that poisons the context. Plain functions of numbers and strings, tested without a GPU. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cuda_backend.h"

void pb_cuda_version_text(int version, char *out, size_t size)
{
    snprintf(out, size, "%d.%d", version / 1000, (version % 1000) / 10);
}

void pb_cuda_unavailable_text(int err, const char *err_name, int driver_version, int runtime_version, char *out,
                              size_t size)
{
    char driver[24], runtime[24];
    pb_cuda_version_text(driver_version, driver, sizeof driver);
    pb_cuda_version_text(runtime_version, runtime, sizeof runtime);
    if (driver_version <= 0)
        snprintf(out, size,
                 "CUDA: no device (driver missing or no GPU): cudaGetDeviceCount returned %s (%d). On a machine "
                 "with an NVIDIA GPU, install or update the NVIDIA driver (it must support CUDA %s; `nvidia-smi` "
                 "should list the GPU)",
                 err_name, err, runtime);
    else if (driver_version < runtime_version)
        snprintf(out, size,
                 "CUDA: driver too old for this build: the driver supports CUDA %s, this build needs %s: rebuild "
                 "with the matching toolkit (make clean && make NVCC=/path/to/cuda-%s/bin/nvcc) or update the "
                 "NVIDIA driver (cudaGetDeviceCount returned %s (%d))",
                 driver, runtime, driver, err_name, err);
    else
        snprintf(out, size,
                 "CUDA: no device usable (the driver supports CUDA %s): cudaGetDeviceCount returned %s (%d). "
                 "`nvidia-smi` should list the GPU; CUDA_VISIBLE_DEVICES, when set, must name it",
                 driver, err_name, err);
}

int pb_cuda_visible_is_mig(const char *visible, int device)
{
    if (!visible || device < 0)
        return 0;
    const char *p = visible;
    for (int i = 0; i < device; i++) {
        p = strchr(p, ',');
        if (!p)
            return 0;
        p++;
    }
    p += strspn(p, " ");
    return strncmp(p, "MIG-", 4) == 0;
}

/* SM counts of whole parts that MIG can slice, by the words of the name CUDA reports ("NVIDIA
 * H100 80GB HBM3", "NVIDIA A100-SXM4-80GB"); the first match wins, so a more specific one comes
 * first. Parts not listed get no SM check. */
static const struct {
    const char *words;
    int sms;
} pb_cuda_full_parts[] = {
    { "H100 PCIe", 114 }, { "H100", 132 }, { "H200", 132 }, { "GH200", 132 },
    { "A100", 108 },      { "A30", 56 },   { "B200", 148 },
};

/* Whether `words` occurs in `name` as whole words ("A30" is not in "RTX A3000"). */
static int pb_cuda_has_words(const char *name, const char *words)
{
    const size_t len = strlen(words);
    for (const char *p = strstr(name, words); p; p = strstr(p + 1, words)) {
        if ((p == name || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[len]))
            return 1;
    }
    return 0;
}

static int pb_cuda_full_sms(const char *name)
{
    for (size_t i = 0; i < sizeof pb_cuda_full_parts / sizeof pb_cuda_full_parts[0]; i++) {
        if (pb_cuda_has_words(name, pb_cuda_full_parts[i].words))
            return pb_cuda_full_parts[i].sms;
    }
    return 0;
}

void pb_cuda_device_label(const char *name, int sms, int mig, char *out, size_t size)
{
    const int full = pb_cuda_full_sms(name);
    if (full > 0 && sms < full)
        snprintf(out, size, "%s MIG slice (%d of %d SMs)", name, sms, full);
    else if (mig)
        snprintf(out, size, "%s MIG slice (%d SMs)", name, sms);
    else
        snprintf(out, size, "%s (%d SMs)", name, sms);
}

/* The errors CUDA documents with "the process must be terminated and relaunched" (driver_types.h),
 * by number: a table of names would not compile with the older toolkits that lack the newest. */
static const int pb_cuda_sticky_errors[] = {
    226, /* cudaErrorContained */
    700, /* cudaErrorIllegalAddress */
    702, /* cudaErrorLaunchTimeout */
    710, /* cudaErrorAssert */
    714, /* cudaErrorHardwareStackError */
    715, /* cudaErrorIllegalInstruction */
    716, /* cudaErrorMisalignedAddress */
    717, /* cudaErrorInvalidAddressSpace */
    718, /* cudaErrorInvalidPc */
    719, /* cudaErrorLaunchFailure */
    721, /* cudaErrorTensorMemoryLeak */
    810, /* cudaErrorMpsClientTerminated */
    911, /* cudaErrorExternalDevice */
};

int pb_cuda_error_is_sticky(int err)
{
    for (size_t i = 0; i < sizeof pb_cuda_sticky_errors / sizeof pb_cuda_sticky_errors[0]; i++) {
        if (pb_cuda_sticky_errors[i] == err)
            return 1;
    }
    return 0;
}
