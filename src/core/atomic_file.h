/* Files written whole or not at all: the text goes to "<path>.tmp.<pid>" beside the file, and only
 * a complete, flushed and synced text is renamed over it. Result files, reports and comparisons all
 * go through here, so an interrupted or failed write never leaves half a file or loses the old one. */
#ifndef PB_ATOMIC_FILE_H
#define PB_ATOMIC_FILE_H

#include <stdio.h>

typedef struct pb_atomic_file {
    FILE *out;          /* write here between open and commit; NULL when closed */
    char path[4096];
    char tmp[4200];
} pb_atomic_file;

/* Opens the temporary file beside `path`. Returns 0, or an errno value (ENAMETOOLONG for a path
 * too long, EISDIR for a directory, or fopen's). */
int pb_atomic_open(pb_atomic_file *f, const char *path);

/* Flushes, syncs and closes the temporary file and renames it to the path (then syncs the
 * directory, best effort). `failed` (an errno value, or 0) is the caller's own write error: then,
 * or on any failure here, the temporary file is removed and the path left as it was. Returns 0 or
 * the first errno value. */
int pb_atomic_commit(pb_atomic_file *f, int failed);

/* Closes and removes the temporary file without touching the path; accepts a closed one. */
void pb_atomic_discard(pb_atomic_file *f);

#endif
