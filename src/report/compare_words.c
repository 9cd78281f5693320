/* The words of a comparison (compare_words.h). */
#include "compare_words.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Each role's label, and its words after "on" ("faster on all cores"). */
static const char *const pb_role_words[][3] = {
    { "cpu-1", "one core", "one core" },
    { "cpu-all", "all cores", "all cores" },
    { "cpu-p", "P cores", "the performance cores" },
    { "cpu-e", "E cores", "the efficiency cores" },
    { "gpu", "GPU", "the GPU" },
    { "lib-cpu", "CPU library", "the CPU library" },
    { "lib-gpu", "GPU library", "the GPU library" },
    { "opencl-cpu", "OpenCL on CPU", "OpenCL on the CPU" },
};

static const char *pb_role_word(const char *role, int column)
{
    for (size_t i = 0; i < sizeof pb_role_words / sizeof pb_role_words[0]; i++)
        if (strcmp(pb_role_words[i][0], role) == 0)
            return pb_role_words[i][column];
    return role;
}

const char *pb_compare_role_label(const char *role) { return pb_role_word(role, 1); }

const char *pb_compare_role_on(const char *role) { return pb_role_word(role, 2); }

const char *pb_compare_verdict_words(pb_verdict verdict)
{
    return verdict == PB_VERDICT_UNCERTAIN ? "too noisy to say" : pb_verdict_name(verdict);
}

/* Within half a percent of 1 a ratio reads "1.00x", and its interval as the speed of B. */
static int pb_reads_slower(double ratio) { return ratio < 1 && !(fabs(ratio - 1) < 0.005); }

void pb_compare_speed_text(double ratio, char *buf, size_t size)
{
    if (!isfinite(ratio) || !(ratio > 0))
        snprintf(buf, size, "-");
    else if (fabs(ratio - 1) < 0.005)
        snprintf(buf, size, "1.00x");
    else if (ratio > 1)
        snprintf(buf, size, "%.2fx faster", ratio);
    else
        snprintf(buf, size, "%.2fx slower", 1 / ratio);
}

void pb_compare_interval_text(double ratio, double lo, double hi, char *buf, size_t size)
{
    if (!isfinite(lo) || !isfinite(hi) || !isfinite(ratio) || !(lo > 0))
        snprintf(buf, size, "-");
    else if (pb_reads_slower(ratio))
        snprintf(buf, size, "%.2fx to %.2fx", 1 / hi, 1 / lo);
    else
        snprintf(buf, size, "%.2fx to %.2fx", lo, hi);
}
