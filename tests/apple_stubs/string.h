/* Stand-in for the macOS SDK's <string.h> (syntax checks on Linux only). Source: C11 7.24. */
#ifndef PB_STUB_STRING_H
#define PB_STUB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *s, int c, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
size_t strlen(const char *s);
char *strerror(int errnum);

#endif
