/* Every result on its device's roofline (result.h): the time the ceilings allow, against the time
 * measured. */
#include <math.h>
#include <string.h>

#include "result.h"

int pb_roofline_place(const pb_result *r, const pb_ceilings *c, pb_roofline *out)
{
    if (!r || !c || r->status != PB_CASE_OK || !(r->median_s > 0) || !(c->fp32_gflops > 0) ||
        !(c->bandwidth_gbs > 0) || !(r->flops > 0 || r->bytes > 0))
        return 0;
    double share = 1;
    if (c->threads > 0 && r->threads > 0 && r->threads < c->threads)
        share = (double)r->threads / c->threads;
    pb_roofline p;
    p.peak_gflops = c->fp32_gflops * share;
    p.intensity = r->bytes > 0 ? r->flops / r->bytes : 0;
    double compute_s = r->flops > 0 ? r->flops / (p.peak_gflops * 1e9) : 0;
    double memory_s = r->bytes > 0 ? r->bytes / (c->bandwidth_gbs * 1e9) : 0;
    p.bound_s = fmax(compute_s, memory_s);
    p.attainable_gflops = r->bytes > 0 ? fmin(p.peak_gflops, p.intensity * c->bandwidth_gbs) : p.peak_gflops;
    p.fraction = p.bound_s / r->median_s;
    *out = p;
    return 1;
}

const pb_ceilings *pb_resultset_ceilings(const pb_resultset *set, const pb_result *r)
{
    for (int i = 0; i < set->ndevices; i++) {
        const pb_device_record *d = &set->devices[i];
        if (d->has_ceilings && d->index == r->device && strcmp(d->backend, r->backend) == 0)
            return &d->ceilings;
    }
    return NULL;
}
