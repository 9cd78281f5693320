/* Makes a result file that is FACTOR times faster than the one it reads: every time of every ok
 * result divided by FACTOR, every rate multiplied. scripts/bench-verdicts.sh uses it to measure the
 * power of `parbench compare` against a known difference on real noise.
 * Usage: scale_result IN.json FACTOR OUT.json */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../src/results/json_read.h"
#include "../src/results/json_write.h"
#include "../src/results/result.h"

static void scale_times(double *times, int n, double factor)
{
    for (int i = 0; i < n; i++)
        times[i] /= factor;
}

/* Sample rounds, round states and the spread between rounds (a spread of logarithms) do not
 * depend on the unit of time, so they stay as they are. */
static void scale_result(pb_result *r, double factor)
{
    if (r->status != PB_CASE_OK)
        return;
    scale_times(r->samples_s, r->nsamples, factor);
    scale_times(r->e2e_samples_s, r->ne2e, factor);
    r->median_s /= factor;
    r->mad_s /= factor;
    r->min_s /= factor;
    r->e2e_median_s /= factor;
    r->rate_value *= factor;
}

/* A finite number above zero, with nothing after it ("1.25", "2"). */
static int parse_factor(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0)
        return 0;
    *out = v;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: scale_result IN.json FACTOR OUT.json\n"
                        "  writes IN.json made FACTOR times faster (times / FACTOR, rates x FACTOR)\n");
        return 2;
    }
    double factor;
    if (!parse_factor(argv[2], &factor)) {
        fprintf(stderr, "scale_result: FACTOR must be a number above 0, e.g. 1.25; got '%s'\n", argv[2]);
        return 2;
    }
    pb_resultset set;
    pb_msg msg;
    if (pb_json_read_resultset(argv[1], &set, &msg) != PB_OK) {
        fprintf(stderr, "scale_result: %s\n", msg.text);
        return 2;
    }
    for (int i = 0; i < set.nresults; i++)
        scale_result(&set.results[i], factor);
    pb_status st = pb_json_write_resultset(&set, argv[3], &msg);
    pb_resultset_free(&set);
    if (st != PB_OK) {
        fprintf(stderr, "scale_result: %s\n", msg.text);
        return 1;
    }
    return 0;
}
