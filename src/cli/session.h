/* The backends chosen for one command, initialised once: which are usable, and for the others
 * the reason and the fix, to print and to record. */
#ifndef PB_SESSION_H
#define PB_SESSION_H

#include "../backends/backend.h"

#define PB_MAX_BACKENDS 16

typedef struct pb_backend_slot {
    const pb_backend_entry *entry;
    void *ctx;              /* non-NULL when initialised and usable */
    pb_msg why;             /* when not usable: what is missing and how to fix it */
    int named;              /* the user named it with -b */
} pb_backend_slot;

typedef struct pb_session {
    pb_backend_slot slots[PB_MAX_BACKENDS];
    int nslots;
} pb_session;

/* Opens the backends named in `names` (all registry backends when nnames == 0). An unknown name
 * is PB_ERR_USAGE with the list of known ones. Backends that fail to initialise stay in the session
 * with their reason. */
pb_status pb_session_open(pb_session *session, const char *const *names, int nnames, pb_msg *msg);
void pb_session_close(pb_session *session); /* accepts NULL */

/* The variants of workload `id` on slot `slot` (0 when the backend is not usable). Variants that
 * run GPU-dialect kernels on a CPU device (OpenCL on PoCL) are kept only when the user named the
 * backend or `include_cpu_devices` is set: they test correctness, they do not measure a GPU. */
int pb_session_variants(const pb_session *session, int slot, pb_workload_id id, const pb_variant_request *req,
                        int include_cpu_devices, pb_variant *out, int max);

/* The names of all registry backends, comma-separated, for messages. */
void pb_session_known_backends(char *out, size_t size);

#endif
