/* Status codes shared by every module, and a small message buffer that carries the reason and the
 * fix to the user. Functions return a pb_status and fill a pb_msg on failure; only main turns a
 * status into an exit code. */
#ifndef PB_STATUS_H
#define PB_STATUS_H

#include <stddef.h>

/* One list yields the enum and its names (sokol's X-macro habit). */
#define PB_STATUS_LIST(X)                                   \
    X(PB_OK, "ok")                                          \
    X(PB_ERR_USAGE, "bad usage")                            \
    X(PB_ERR_INPUT, "bad input")                            \
    X(PB_ERR_IO, "i/o error")                               \
    X(PB_ERR_NOMEM, "out of memory")                        \
    X(PB_ERR_UNAVAILABLE, "unavailable")                    \
    X(PB_ERR_UNSUPPORTED, "unsupported")                    \
    X(PB_ERR_BACKEND, "backend error")                      \
    X(PB_ERR_VERIFY, "verification failed")                 \
    X(PB_ERR_INTERRUPTED, "interrupted")

#define PB_STATUS_ENUM_(name, text) name,
typedef enum pb_status { PB_STATUS_LIST(PB_STATUS_ENUM_) PB_STATUS_COUNT } pb_status;
#undef PB_STATUS_ENUM_

const char *pb_status_name(pb_status status);

/* A human-readable reason. Empty when nothing went wrong. */
typedef struct pb_msg {
    char text[512];
} pb_msg;

#if defined(__GNUC__)
#define PB_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define PB_PRINTF(fmt_index, first_arg)
#endif

/* Writes a formatted message (truncated to fit) and returns `status`, so callers can write
 * `return pb_msg_set(msg, PB_ERR_INPUT, "...")`. `msg` may be NULL. */
pb_status pb_msg_set(pb_msg *msg, pb_status status, const char *fmt, ...) PB_PRINTF(3, 4);

/* Bounded string copy that always terminates (dst_size > 0). */
void pb_strlcpy(char *dst, const char *src, size_t dst_size);

#endif
