/* UTF-8 validation shared by the JSON writer (which replaces bad bytes) and reader (which rejects
 * them): RFC 3629, so overlong forms, surrogates and code points above U+10FFFF are invalid. */
#ifndef PB_UTF8_H
#define PB_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s (avail bytes readable), or 0 when invalid. */
static inline int pb_utf8_valid_len(const unsigned char *s, size_t avail)
{
    unsigned char b = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    int len;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2;
    else if (b >= 0xE0 && b <= 0xEF)
        len = 3;
    else if (b >= 0xF0 && b <= 0xF4)
        len = 4;
    else
        return 0;
    /* The second byte's range is what excludes overlongs, surrogates and values past U+10FFFF. */
    if (b == 0xE0)
        lo = 0xA0;
    else if (b == 0xED)
        hi = 0x9F;
    else if (b == 0xF0)
        lo = 0x90;
    else if (b == 0xF4)
        hi = 0x8F;
    if (avail < (size_t)len || s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

#endif
