/* Build facts; the Makefile passes them in as -D definitions for this file only. */
#include "buildinfo.h"

#include <string.h>

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif
#ifndef PB_CFLAGS
#define PB_CFLAGS "unknown"
#endif
#ifndef PB_BACKENDS_BUILT
#define PB_BACKENDS_BUILT "cpu"
#endif

const char *pb_build_version(void) { return PB_VERSION; }

const char *pb_build_compiler(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown C compiler";
#endif
}

const char *pb_build_cflags(void) { return PB_CFLAGS; }
const char *pb_build_backends(void) { return PB_BACKENDS_BUILT; }

/* Whether the option word at p (ending at a space or the end) is exactly word. */
static int pb_word_is(const char *p, const char *word)
{
    size_t n = strlen(word);
    return strncmp(p, word, n) == 0 && (p[n] == '\0' || p[n] == ' ');
}

const char *pb_build_timing_caveat(const char *cflags)
{
    if (!cflags)
        return NULL;
    if (strstr(cflags, "-fsanitize="))
        return "built with sanitizers (-fsanitize): its times are several times slower than a normal build's";
    /* The last -O option wins, as it does for the compiler. */
    const char *last = NULL;
    for (const char *p = strstr(cflags, "-O"); p; p = strstr(p + 2, "-O"))
        if (p == cflags || p[-1] == ' ')
            last = p;
    if (last && (pb_word_is(last, "-O0") || pb_word_is(last, "-O1") || pb_word_is(last, "-Og") || pb_word_is(last, "-O")))
        return "built without full optimisation (-O0, -O1 or -Og): its times are slower than a normal build's";
    return NULL;
}
