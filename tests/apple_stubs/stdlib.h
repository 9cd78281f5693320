/* Stand-in for the macOS SDK's <stdlib.h> (syntax checks on Linux only). Source: C11 7.22.3. */
#ifndef PB_STUB_STDLIB_H
#define PB_STUB_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void free(void *ptr);

#endif
