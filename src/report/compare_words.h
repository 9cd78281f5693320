/* The words a comparison is told in, for every writer of one: plain names for roles, verdicts as
 * a reader says them, and a ratio written as speed with its interval in the same direction. */
#ifndef PB_COMPARE_WORDS_H
#define PB_COMPARE_WORDS_H

#include <stddef.h>

#include "compare.h"

/* "one core", "all cores", "GPU", "CPU library", ...; the role itself when it has no plain name. */
const char *pb_compare_role_label(const char *role);
/* The role as it follows "on": "all cores", "the GPU", ...; the role itself when it has none. */
const char *pb_compare_role_on(const char *role);

/* A verdict as the reader is told it: "uncertain" is "too noisy to say" (its interval reaches
 * across the threshold); the others as pb_verdict_name. */
const char *pb_compare_verdict_words(pb_verdict verdict);

/* "1.56x faster", "1.33x slower", "1.00x" within half a percent; "-" when not finite. */
void pb_compare_speed_text(double ratio, char *buf, size_t size);

/* The interval of a ratio in the direction and unit of its speed text: a "1.26x slower" reads
 * "1.02x to 1.49x" (times slower); "-" when any is not finite. */
void pb_compare_interval_text(double ratio, double lo, double hi, char *buf, size_t size);

#endif
