/* Facts about this build, recorded in result files: version, compiler, flags, backends. */
#ifndef PB_BUILDINFO_H
#define PB_BUILDINFO_H

const char *pb_build_version(void);
const char *pb_build_compiler(void);
const char *pb_build_cflags(void);
const char *pb_build_backends(void); /* space-separated backends compiled in */

/* Why a binary built with these flags times slowly (sanitizers, little or no optimisation), or NULL
 * when nothing in them makes its numbers unrepresentative. Used on this build and on result files. */
const char *pb_build_timing_caveat(const char *cflags);

#endif
