// Runs every dialect kernel, expanded for Metal, on the CPU through the MSL shim, dispatched exactly
// as the metal backend dispatches it (the launch plans of kernels/pb_launch.c), and checks each
// output with the workload's own verification: the Metal branch and the launch plans compute the
// reference's function.
// A threadgroup whose kernel has barriers runs as one std::thread per thread; the others run their
// threads one after another. Prints one line per case; exits 1 when any case fails.
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "../../kernels/pb_launch.h"
extern "C" {
#include "../../src/workloads/workload.h"
}

// The kernel source exactly as the backend compiles it: the Metal target, and sgemm once for each
// tile shape the backend may compile it with, in a namespace of its own. main checks that these
// shapes are the plan's (pb_launch_sgemm_tiles).
#define PB_TARGET_METAL 1
#include "../../kernels/dialect.h"
#include "../../kernels/histogram.pbk"
#include "../../kernels/mandelbrot.pbk"
#include "../../kernels/nbody.pbk"
#include "../../kernels/reduce.pbk"
#include "../../kernels/stencil.pbk"
#include "../../kernels/triad.pbk"

#define PB_SGEMM_BM 128
#define PB_SGEMM_BN 128
#define PB_SGEMM_BK 8
#define PB_SGEMM_TM 8
#define PB_SGEMM_TN 8
namespace pb_sgemm_tile0 {
#include "../../kernels/sgemm.pbk"
const pb_launch_sgemm_tile shape = { PB_SGEMM_BM, PB_SGEMM_BN, PB_SGEMM_BK, PB_SGEMM_TM, PB_SGEMM_TN };
}
#undef PB_SGEMM_BM
#undef PB_SGEMM_BN
#undef PB_SGEMM_BK
#undef PB_SGEMM_TM
#undef PB_SGEMM_TN
#define PB_SGEMM_BM 64
#define PB_SGEMM_BN 64
#define PB_SGEMM_BK 16
#define PB_SGEMM_TM 4
#define PB_SGEMM_TN 4
namespace pb_sgemm_tile1 {
#include "../../kernels/sgemm.pbk"
const pb_launch_sgemm_tile shape = { PB_SGEMM_BM, PB_SGEMM_BN, PB_SGEMM_BK, PB_SGEMM_TM, PB_SGEMM_TN };
}
#undef PB_SGEMM_BM
#undef PB_SGEMM_BN
#define PB_SGEMM_BM 32
#define PB_SGEMM_BN 32
namespace pb_sgemm_tile2 {
#include "../../kernels/sgemm.pbk"
const pb_launch_sgemm_tile shape = { PB_SGEMM_BM, PB_SGEMM_BN, PB_SGEMM_BK, PB_SGEMM_TM, PB_SGEMM_TN };
}
#undef PB_SGEMM_BM
#undef PB_SGEMM_BN
#undef PB_SGEMM_BK
#define PB_SGEMM_BM 16
#define PB_SGEMM_BN 16
#define PB_SGEMM_BK 8
namespace pb_sgemm_tile3 {
#include "../../kernels/sgemm.pbk"
const pb_launch_sgemm_tile shape = { PB_SGEMM_BM, PB_SGEMM_BN, PB_SGEMM_BK, PB_SGEMM_TM, PB_SGEMM_TN };
}
#undef PB_SGEMM_BM
#undef PB_SGEMM_BN
#undef PB_SGEMM_BK
#define PB_SGEMM_BM 4
#define PB_SGEMM_BN 4
#define PB_SGEMM_BK 4
namespace pb_sgemm_tile4 {
#include "../../kernels/sgemm.pbk"
const pb_launch_sgemm_tile shape = { PB_SGEMM_BM, PB_SGEMM_BN, PB_SGEMM_BK, PB_SGEMM_TM, PB_SGEMM_TN };
}
// The shim's address-space words are done with; plain C++ follows.
#undef kernel
#undef device
#undef constant
#undef threadgroup

namespace {

typedef void (*pb_sgemm_fn)(const float *, const float *, float *, const pb_sgemm_params &, metal::uint3,
                            metal::uint3, metal::uint3, metal::uint3, metal::uint3);

const struct {
    const pb_launch_sgemm_tile *shape;
    pb_sgemm_fn kernel;
} pb_sgemm_tiles[] = {
    { &pb_sgemm_tile0::shape, pb_sgemm_tile0::pb_sgemm },
    { &pb_sgemm_tile1::shape, pb_sgemm_tile1::pb_sgemm },
    { &pb_sgemm_tile2::shape, pb_sgemm_tile2::pb_sgemm },
    { &pb_sgemm_tile3::shape, pb_sgemm_tile3::pb_sgemm },
    { &pb_sgemm_tile4::shape, pb_sgemm_tile4::pb_sgemm },
};
static_assert(sizeof pb_sgemm_tiles / sizeof pb_sgemm_tiles[0] == PB_LAUNCH_SGEMM_TILES,
              "one sgemm instance per tile shape of kernels/pb_launch.c");

// Kernels with threadgroup barriers, which need their threads to run at the same time.
const bool pb_uses_barriers[PB_LK_COUNT] = {
    true,  // sgemm
    false, // triad
    true,  // reduce
    false, // stencil
    true,  // nbody
    false, // mandelbrot
    false, // histogram_clear
    true,  // histogram
};

struct pb_group_barrier {
    std::mutex mutex;
    std::condition_variable cv;
    unsigned live = 0;        // threads of the group still running
    unsigned waiting = 0;
    unsigned generation = 0;
    bool sequential = false;  // threads run one by one: a barrier here is a planning error
    bool misused = false;
};

pb_group_barrier pb_barrier;

void pb_release_if_all_waiting()
{
    if (pb_barrier.waiting > 0 && pb_barrier.waiting == pb_barrier.live) {
        pb_barrier.waiting = 0;
        pb_barrier.generation++;
        pb_barrier.cv.notify_all();
    }
}

// A thread leaving the kernel no longer holds the others at a barrier (on a GPU that would be
// undefined; here it keeps a broken kernel from hanging the test).
void pb_thread_done()
{
    std::lock_guard<std::mutex> lock(pb_barrier.mutex);
    pb_barrier.live--;
    pb_release_if_all_waiting();
}

struct pb_ids {
    metal::uint3 pos, group, local, size, ngroups;
};

// One thread of kernel `k` (sgemm compiled with tile shape `tile`), with arguments in the kernel's
// own slot order.
void pb_call(pb_launch_kernel k, int tile, void *const *b, const void *params, const pb_ids &t)
{
    using metal::float4;
    switch (k) {
    case PB_LK_SGEMM:
        pb_sgemm_tiles[tile].kernel((const float *)b[0], (const float *)b[1], (float *)b[2],
                                    *(const pb_sgemm_params *)params, t.pos, t.group, t.local, t.size, t.ngroups);
        break;
    case PB_LK_TRIAD:
        pb_triad((float *)b[0], (const float *)b[1], (const float *)b[2], *(const pb_triad_params *)params, t.pos,
                 t.group, t.local, t.size, t.ngroups);
        break;
    case PB_LK_REDUCE:
        pb_reduce((const float *)b[0], (float *)b[1], *(const pb_reduce_params *)params, t.pos, t.group, t.local,
                  t.size, t.ngroups);
        break;
    case PB_LK_STENCIL:
        pb_stencil((const float *)b[0], (float *)b[1], *(const pb_stencil_params *)params, t.pos, t.group, t.local,
                   t.size, t.ngroups);
        break;
    case PB_LK_NBODY:
        pb_nbody((const float4 *)b[0], (float4 *)b[1], *(const pb_nbody_params *)params, t.pos, t.group, t.local,
                 t.size, t.ngroups);
        break;
    case PB_LK_MANDELBROT:
        pb_mandelbrot((int *)b[0], *(const pb_mandelbrot_params *)params, t.pos, t.group, t.local, t.size,
                      t.ngroups);
        break;
    case PB_LK_HISTOGRAM_CLEAR:
        pb_histogram_clear((uint *)b[0], *(const pb_histogram_params *)params, t.pos, t.group, t.local, t.size,
                           t.ngroups);
        break;
    case PB_LK_HISTOGRAM:
        pb_histogram((const uint *)b[0], (metal::atomic_uint *)b[1], *(const pb_histogram_params *)params, t.pos,
                     t.group, t.local, t.size, t.ngroups);
        break;
    case PB_LK_COUNT:
        break;
    }
}

// dispatchThreadgroups: every group in turn, each with all its threads.
void pb_dispatch(const pb_launch_step *s, int tile, void *const *b)
{
    alignas(16) unsigned char params[sizeof s->params];
    std::memcpy(params, s->params, s->params_size);
    const metal::uint3 size = { s->local[0], s->local[1], s->local[2] };
    const metal::uint3 ngroups = { s->groups[0], s->groups[1], s->groups[2] };
    const unsigned nthreads = size.x * size.y * size.z;
    for (uint gz = 0; gz < ngroups.z; gz++)
        for (uint gy = 0; gy < ngroups.y; gy++)
            for (uint gx = 0; gx < ngroups.x; gx++) {
                std::vector<pb_ids> ids;
                for (uint lz = 0; lz < size.z; lz++)
                    for (uint ly = 0; ly < size.y; ly++)
                        for (uint lx = 0; lx < size.x; lx++) {
                            const metal::uint3 group = { gx, gy, gz }, local = { lx, ly, lz };
                            const metal::uint3 pos = { gx * size.x + lx, gy * size.y + ly, gz * size.z + lz };
                            ids.push_back({ pos, group, local, size, ngroups });
                        }
                pb_barrier.sequential = !pb_uses_barriers[s->kernel];
                pb_barrier.live = pb_barrier.sequential ? 1 : nthreads;
                if (pb_barrier.sequential) {
                    for (const pb_ids &t : ids)
                        pb_call(s->kernel, tile, b, params, t);
                    continue;
                }
                std::vector<std::thread> threads;
                for (const pb_ids &t : ids)
                    threads.emplace_back([s, tile, b, &params, t] {
                        pb_call(s->kernel, tile, b, params, t);
                        pb_thread_done();
                    });
                for (std::thread &th : threads)
                    th.join();
            }
}

struct pb_profile {
    const char *name;
    unsigned max_threads, simd_width;
    int gpu_cores;
};

// The sgemm tile shape the backend ends up with where pipelines allow `max_threads` threads: the
// first shape that fits, else the last (pb_mtl_pipeline in metal_backend.m).
int pb_backend_tile(unsigned max_threads)
{
    int tile = 0;
    while (tile < PB_LAUNCH_SGEMM_TILES - 1 && !pb_launch_sgemm_tile_fits(tile, max_threads))
        tile++;
    return tile;
}

// The limits the backend gives the plan on such a GPU: every pipeline allows `max_threads`, 32 KiB
// of threadgroup memory (pb_mtl_device_limits in metal_backend.m).
pb_launch_limits pb_profile_limits(const pb_profile &prof, int tile)
{
    pb_launch_limits limits;
    std::memset(&limits, 0, sizeof limits);
    for (int k = 0; k < PB_LK_COUNT; k++)
        limits.kernel_max[k] = prof.max_threads;
    limits.simd_width = prof.simd_width;
    limits.compute_units = (unsigned)prof.gpu_cores;
    limits.local_mem = 32768;
    limits.sgemm_tile = tile;
    return limits;
}

// One workload at `dims` under one GPU profile, sgemm with tile shape `tile`: plan, dispatch every
// step, verify.
bool pb_run_case(const pb_workload *wl, const pb_dims &dims, const pb_profile &prof, int tile)
{
    const pb_launch_limits limits = pb_profile_limits(prof, tile);
    char what[160];
    int used = std::snprintf(what, sizeof what, "%s", wl->name);
    for (int d = 0; d < wl->ndims && used < (int)sizeof what; d++)
        used += std::snprintf(what + used, sizeof what - used, " %s=%lld", wl->dim_names[d], (long long)dims.v[d]);
    if (wl->id == PB_WL_SGEMM && used < (int)sizeof what)
        used += std::snprintf(what + used, sizeof what - used, " (tile %d)", tile);
    std::snprintf(what + used, sizeof what - used, " on a %s", prof.name);
    pb_problem problem;
    std::memset(&problem, 0, sizeof problem);
    pb_msg msg = { "" };
    pb_launch_plan plan = { nullptr, 0, 0 };
    pb_check check;
    std::memset(&check, 0, sizeof check);
    bool ok = wl->create(&dims, 1, &problem, &msg) == PB_OK && pb_launch_plan_make(&problem, &limits, &plan, &msg) == PB_OK;
    std::vector<float> work(plan.work_bytes / sizeof(float) + 1);
    if (ok) {
        pb_problem_poison_outputs(&problem);
        void *b[PB_MAX_BUFFERS + 1];
        pb_barrier.misused = false;
        for (int s = 0; s < plan.nsteps; s++) {
            const pb_launch_step *step = &plan.steps[s];
            for (int i = 0; i < step->nbind; i++)
                b[i] = step->bind[i] == PB_LAUNCH_BIND_WORK ? (void *)work.data() : problem.buf[step->bind[i]].host;
            pb_dispatch(step, tile, b);
        }
        if (pb_barrier.misused)
            std::snprintf(msg.text, sizeof msg.text, "a kernel marked barrier-free reached a barrier");
        ok = !pb_barrier.misused &&
             wl->verify(&problem, nullptr, 1, PB_FP32_UNIT_ROUNDOFF, &check, &msg) == PB_OK && check.ok;
        if (!ok && !msg.text[0])
            std::snprintf(msg.text, sizeof msg.text, "%lld bad, first at %lld, max error %.3g > %.3g (%s)",
                          (long long)check.bad, (long long)check.first_bad, check.max_err, check.tolerance,
                          check.method);
    }
    std::printf("%s %s: %d dispatches%s%s\n", ok ? "ok    " : "not ok", what, plan.nsteps, ok ? "" : ": ",
                ok ? "" : msg.text);
    pb_launch_plan_free(&plan);
    pb_problem_destroy(&problem);
    return ok;
}

// The tile shapes compiled above are the backend's, in its order.
bool pb_check_sgemm_shapes()
{
    bool ok = true;
    for (int t = 0; t < PB_LAUNCH_SGEMM_TILES; t++) {
        const pb_launch_sgemm_tile &here = *pb_sgemm_tiles[t].shape, &plan = pb_launch_sgemm_tiles[t];
        ok = ok && here.bm == plan.bm && here.bn == plan.bn && here.bk == plan.bk && here.tm == plan.tm &&
             here.tn == plan.tn;
    }
    std::printf("%s the shim compiles sgemm with the plan's %d tile shapes\n", ok ? "ok    " : "not ok",
                PB_LAUNCH_SGEMM_TILES);
    return ok;
}

// A pipeline allowing fewer threads than its sgemm tile shape needs (the first shape's 256 on a
// 32-thread pipeline) makes the case unsupported, with why.
bool pb_check_sgemm_refused()
{
    pb_problem problem;
    std::memset(&problem, 0, sizeof problem);
    problem.id = PB_WL_SGEMM;
    problem.params.sgemm.n = 64;
    const pb_launch_limits limits = pb_profile_limits({ "32-thread GPU", 32, 32, 8 }, 0);
    pb_launch_plan plan;
    pb_msg msg = { "" };
    const bool ok = pb_launch_plan_make(&problem, &limits, &plan, &msg) == PB_ERR_UNSUPPORTED &&
                    std::strstr(msg.text, "work-items per group") != nullptr;
    std::printf("%s sgemm refused on a 32-thread pipeline: %s\n", ok ? "ok    " : "not ok", msg.text);
    return ok;
}

} // namespace

void metal::pb_msl_shim_barrier()
{
    std::unique_lock<std::mutex> lock(pb_barrier.mutex);
    if (pb_barrier.sequential) {
        pb_barrier.misused = true;
        return;
    }
    const unsigned generation = pb_barrier.generation;
    pb_barrier.waiting++;
    pb_release_if_all_waiting();
    pb_barrier.cv.wait(lock, [generation] { return pb_barrier.generation != generation; });
}

int main()
{
    // An Apple-silicon-like GPU, and a constrained one whose limits are not powers of two (its
    // sgemm falls back to a smaller tile shape).
    const pb_profile profiles[] = {
        { "GPU with 1024-thread groups, SIMD 32, 18 cores", 1024, 32, 18 },
        { "GPU with 192-thread groups, SIMD 32, unknown cores", 192, 32, 0 },
    };
    // Beyond each workload's tiny size: an even step count (the ping-pong ends elsewhere), one
    // element.
    const struct {
        pb_workload_id id;
        pb_dims dims;
    } extra[] = {
        { PB_WL_STENCIL, { { 33, 9, 2 } } },
        { PB_WL_REDUCE, { { 1 } } },
        { PB_WL_NBODY, { { 1 } } },
    };
    int failed = !pb_check_sgemm_shapes();
    for (const pb_profile &prof : profiles) {
        const int tile = pb_backend_tile(prof.max_threads);
        for (int id = 0; id < PB_WL_COUNT; id++) {
            const pb_workload *wl = pb_workload_get((pb_workload_id)id);
            failed += !pb_run_case(wl, wl->sizes[PB_PRESET_TINY], prof, tile);
        }
        for (const auto &e : extra)
            failed += !pb_run_case(pb_workload_get(e.id), e.dims, prof, tile);
    }
    // Every sgemm tile shape, whichever a GPU gets: a matrix smaller than, equal to and just above
    // one block.
    const pb_workload *sgemm = pb_workload_get(PB_WL_SGEMM);
    for (int tile = 0; tile < PB_LAUNCH_SGEMM_TILES; tile++) {
        const int bm = pb_launch_sgemm_tiles[tile].bm;
        for (const int n : { 1, bm, bm + 1 })
            failed += !pb_run_case(sgemm, pb_dims{ { n } }, profiles[0], tile);
    }
    failed += !pb_check_sgemm_refused();
    std::printf("%d failed\n", failed);
    return failed ? 1 : 0;
}
