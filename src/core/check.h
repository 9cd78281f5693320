/* What results record of a case without knowing the workloads: the most dimensions a problem size
 * has, and the outcome of verifying an output. The workloads fill these; results store them. */
#ifndef PB_CHECK_H
#define PB_CHECK_H

#include <stdint.h>

#define PB_MAX_DIMS 3

/* The outcome of checking one output against the reference. */
typedef struct pb_check {
    int ok;
    char method[96];        /* e.g. "full fp64 reference", "Freivalds x2 (fp64)", "exact counts" */
    double max_err;         /* the largest error found, in the units `tolerance` is in (INFINITY when
                             * an output is NaN or infinite) */
    double tolerance;       /* the bound the error must not exceed (derived from size and precision) */
    int64_t bad;            /* number of output elements beyond tolerance */
    int64_t first_bad;      /* index of the first bad element, or -1 (checks by row or by body
                             * count and index each bad row or body by its first element) */
} pb_check;

#endif
