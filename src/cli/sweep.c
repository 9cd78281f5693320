/* `parbench sweep`'s pure parts (sweep.h). */
#include "sweep.h"

#include <math.h>

int pb_sweep_sizes(const pb_workload *wl, pb_preset max, int64_t *out, int room)
{
    int n = 0;
    if (room <= 0)
        return 0;
    out[n++] = wl->sizes[PB_PRESET_TINY].v[0];
    for (int p = PB_PRESET_TINY + 1; p <= (int)max && p < PB_PRESET_COUNT; p++) {
        int64_t lo = out[n - 1], hi = wl->sizes[p].v[0];
        if (hi <= lo)
            continue;
        double ratio = (double)hi / (double)lo;
        int steps = (int)ceil(log(ratio) / log(4.0) - 1e-9);
        if (steps < 1)
            steps = 1;
        for (int s = 1; s <= steps && n < room; s++) {
            int64_t v = s == steps ? hi : (int64_t)llround((double)lo * pow(ratio, (double)s / steps));
            if (v > out[n - 1])
                out[n++] = v;
        }
    }
    return n;
}
