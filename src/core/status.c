/* Status names and message formatting. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *pb_status_name(pb_status status)
{
#define PB_STATUS_TEXT_(name, text) text,
    static const char *const names[] = { PB_STATUS_LIST(PB_STATUS_TEXT_) };
#undef PB_STATUS_TEXT_
    if ((unsigned)status >= PB_STATUS_COUNT)
        return "unknown status";
    return names[status];
}

pb_status pb_msg_set(pb_msg *msg, pb_status status, const char *fmt, ...)
{
    if (msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg->text, sizeof msg->text, fmt, ap);
        va_end(ap);
    }
    return status;
}

void pb_strlcpy(char *dst, const char *src, size_t dst_size)
{
    size_t n = strlen(src);
    if (n >= dst_size)
        n = dst_size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}
