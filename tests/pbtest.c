/* The test harness's runner (see pbtest.h). */
#include "pbtest.h"

#include <stdio.h>
#include <string.h>

pbtest_state pbtest_current;

int pbtest_main(const pbtest_case *cases, int count, int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0, skipped = 0;
    for (int i = 0; i < count; i++) {
        if (filter && !strstr(cases[i].name, filter))
            continue;
        pbtest_current.failed_checks = 0;
        pbtest_current.skipped = 0;
        pbtest_current.name = cases[i].name;
        cases[i].fn();
        if (pbtest_current.failed_checks) {
            failed++;
            fprintf(stderr, "not ok   %s\n", cases[i].name);
        } else if (pbtest_current.skipped) {
            skipped++;
            fprintf(stderr, "skip     %s\n", cases[i].name);
        } else {
            passed++;
            fprintf(stderr, "ok       %s\n", cases[i].name);
        }
    }
    printf("pbtest: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
