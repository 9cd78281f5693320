/* libFuzzer target for the JSON reader and the result-file loader (scripts/fuzz.sh builds and
 * runs it): any input must give PB_OK or a clean error, never a crash, leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../src/results/json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb_json_doc *doc = NULL;
    pb_msg msg;
    if (pb_json_parse_buffer((const char *)data, size, "fuzz", &doc, &msg) != PB_OK)
        return 0;
    pb_json_doc_free(doc);
    /* Parsing succeeded: also drive the mapping onto the result model. */
    pb_resultset set;
    if (pb_json_parse_resultset((const char *)data, size, "fuzz", &set, &msg) == PB_OK) {
        for (int i = 0; i < set.nresults; i++)
            if (set.results[i].nsamples > 0 && set.results[i].samples_s[0] < 0)
                __builtin_trap(); /* the loader promises non-negative samples */
    }
    pb_resultset_free(&set);
    return 0;
}
