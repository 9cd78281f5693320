/* A minimal test harness: each tests/test_*.c is its own program with a table of test functions.
 * A failed CHECK records the file, line and expression and the test goes on. Each program ends
 * with "pbtest: N passed, N failed, N skipped", which tests/run.sh adds up. */
#ifndef PBTEST_H
#define PBTEST_H

#include <stdio.h>
#include <string.h>

typedef struct pbtest_state {
    int failed_checks;
    int skipped;
    const char *name;
} pbtest_state;

extern pbtest_state pbtest_current;

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "  FAIL %s:%d: %s  [%s]\n", __FILE__, __LINE__, #cond,          \
                    pbtest_current.name);                                                   \
            pbtest_current.failed_checks++;                                                 \
        }                                                                                   \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "  FAIL %s:%d: %s  [%s]: ", __FILE__, __LINE__, #cond,          \
                    pbtest_current.name);                                                   \
            fprintf(stderr, __VA_ARGS__);                                                   \
            fputc('\n', stderr);                                                            \
            pbtest_current.failed_checks++;                                                 \
        }                                                                                   \
    } while (0)

#define CHECK_STR(a, b) CHECK_MSG(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))

/* Marks the current test skipped (with a reason printed) and returns from it. */
#define SKIP(...)                                                                           \
    do {                                                                                    \
        fprintf(stderr, "  SKIP [%s]: ", pbtest_current.name);                              \
        fprintf(stderr, __VA_ARGS__);                                                       \
        fputc('\n', stderr);                                                                \
        pbtest_current.skipped = 1;                                                         \
        return;                                                                             \
    } while (0)

typedef struct pbtest_case {
    const char *name;
    void (*fn)(void);
} pbtest_case;

/* Runs the tests whose name contains argv[1] (all when absent); returns the exit code. */
int pbtest_main(const pbtest_case *cases, int count, int argc, char **argv);

#define PBTEST_MAIN(table)                                                                  \
    int main(int argc, char **argv)                                                         \
    {                                                                                       \
        return pbtest_main(table, (int)(sizeof table / sizeof table[0]), argc, argv);       \
    }

#endif
