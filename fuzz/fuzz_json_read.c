/* libFuzzer target for the JSON reader, the result-file loader, compare and the HTML report
 * (scripts/fuzz.sh builds and runs it): any input must give PB_OK or a clean error, never a crash,
 * leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../src/report/compare.h"
#include "../src/report/html.h"
#include "../src/results/json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Compares a loaded file with a slower copy of itself and writes every format, so odd but
 * valid files (no samples, zero times, huge sizes) exercise the statistics and the tables. */
static void pb_fuzz_compare(const char *text, size_t size, const pb_resultset *a)
{
    static FILE *sink;
    pb_resultset b;
    pb_comparison cmp;
    pb_msg msg;
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (!sink || pb_json_parse_resultset(text, size, "fuzz", &b, &msg) != PB_OK)
        return;
    for (int i = 0; i < b.nresults; i++)
        for (int k = 0; k < b.results[i].nsamples; k++)
            b.results[i].samples_s[k] *= 1.5;
    if (pb_compare_build(a, "a", &b, "b", 0.05, &cmp, &msg) == PB_OK) {
        for (int f = PB_COMPARE_TEXT; f <= PB_COMPARE_JSON; f++)
            pb_compare_write(&cmp, 1, (pb_compare_format)f, 1, sink, &msg);
        pb_comparison_free(&cmp);
    }
    /* The page over both, and over the file alone: every string escaped, every number refused or
     * drawn, nothing that crashes. */
    const pb_resultset sets[2] = { *a, b };
    const char *const names[2] = { "a", "b" };
    for (int n = 1; n <= 2; n++) {
        pb_html page;
        pb_html_init(&page);
        pb_html_report(sets, names, n, 0.05, &page, &msg);
        pb_html_free(&page);
    }
    pb_resultset_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    pb_json_doc *doc = NULL;
    pb_msg msg;
    if (pb_json_parse_buffer(text, size, "fuzz", &doc, &msg) != PB_OK)
        return 0;
    pb_json_doc_free(doc);
    pb_resultset set;
    if (pb_json_parse_resultset(text, size, "fuzz", &set, &msg) == PB_OK) {
        for (int i = 0; i < set.nresults; i++)
            for (int k = 0; k < set.results[i].nsamples; k++)
                if (!(set.results[i].samples_s[k] >= 0))
                    __builtin_trap(); /* the loader promises non-negative samples */
        pb_fuzz_compare(text, size, &set);
    }
    pb_resultset_free(&set);
    return 0;
}
