/* Stand-in for the macOS SDK's <sys/sysctl.h> (syntax checks on Linux only).
 * Source: sysctlbyname(3) man page; Apple "Determining system capabilities"; METAL-API.md §3.2. */
#ifndef PB_STUB_SYS_SYSCTL_H
#define PB_STUB_SYS_SYSCTL_H

#include <stddef.h>

/* Reads (oldp/oldlenp) or writes (newp/newlen) the value of a named sysctl; 0 on success, -1 with
 * errno ENOENT when the name does not exist on this system. */
int sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

#endif
