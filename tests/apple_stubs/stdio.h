/* Stand-in for the macOS SDK's <stdio.h> (syntax checks on Linux only): what the Apple-only files
 * use. Source: C11 7.21; macOS <stdio.h> defines stderr as __stderrp. */
#ifndef PB_STUB_STDIO_H
#define PB_STUB_STDIO_H

#include <stddef.h>

typedef struct __sFILE FILE;
extern FILE *__stderrp;
#define stderr __stderrp

int fprintf(FILE *stream, const char *format, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *s, size_t n, const char *format, ...) __attribute__((format(printf, 3, 4)));

#endif
