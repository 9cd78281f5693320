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
    unsigned char *chosen;  /* after --device, on a device backend: chosen[d] is 1 for each chosen
                               device d < nchosen (NULL when it has none) */
    int nchosen;
} pb_backend_slot;

typedef struct pb_session {
    pb_backend_slot slots[PB_MAX_BACKENDS];
    int nslots;
    int devices_chosen;     /* --device was given: device backends keep only their chosen devices */
    int gpu_named;          /* -b gpu: every built backend with devices of its own was added */
} pb_session;

/* The role name that -b accepts for every GPU backend built (opencl, cuda, metal): each backend
 * with devices of its own, not counted as named, so a CPU device (PoCL) still needs -b opencl. */
#define PB_SESSION_GPU "gpu"

/* Opens the backends named in `names` (all registry backends when nnames == 0; "gpu" stands for
 * every GPU backend built). An unknown name is PB_ERR_USAGE with the nearest or the known ones. Backends that fail to initialise stay in the session
 * with their reason. */
pb_status pb_session_open(pb_session *session, const char *const *names, int nnames, pb_msg *msg);
void pb_session_close(pb_session *session); /* accepts NULL */

/* Whether the slot's backend runs on devices of its own (opencl, cuda, metal: the backends with
 * end-to-end timing), so that --device chooses among them; cpu and blas run on the host. */
int pb_session_device_backend(const pb_backend_slot *slot);

/* Applies --device: `spec` is a comma-separated list (split in place) whose items are `all`, a
 * device index ("0"), a case-insensitive part of a device name ("H200"), or either after a
 * backend name ("cuda:1", "opencl:pthread"). An index or name applies to every device backend
 * that has such a device. An item that matches no device is PB_ERR_USAGE, with the devices there
 * are. Device backends then keep only the chosen devices; cpu and blas are not affected. */
pb_status pb_session_choose_devices(pb_session *session, char *spec, pb_msg *msg);

/* Lists the devices of the usable device backends into `out`, for messages:
 * "opencl has device 0 (pthread-AMD EPYC); cuda has devices 0 (NVIDIA H200), 1 (NVIDIA H200)". */
void pb_session_describe_devices(const pb_session *session, char *out, size_t size);

/* Every variant of workload `id` on slot `slot` (none when the backend is not usable), in a list
 * sized to fit (free it with pb_variant_list_free). Variants that run GPU-dialect kernels on a CPU
 * device (OpenCL on PoCL) are kept only when the user named the backend or `include_cpu_devices`
 * is set: they test correctness, they do not measure a GPU. After --device, a device backend's
 * variants on devices not chosen are left out. */
pb_status pb_session_variants(const pb_session *session, int slot, pb_workload_id id, const pb_variant_request *req,
                              int include_cpu_devices, pb_variant_list *out, pb_msg *msg);

/* Why the slot is not usable, cut to its first clause ("CUDA: no device"), for one-line mentions;
 * `parbench list` prints the whole reason and the fix. */
void pb_session_short_why(const pb_backend_slot *slot, char *out, size_t size);

/* The names of all registry backends, comma-separated, for messages. */
void pb_session_known_backends(char *out, size_t size);

#endif
