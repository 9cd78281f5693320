/* The strict JSON parser: recursive descent over a byte buffer into an arena-allocated tree, with
 * every error reported as NAME:LINE:COLUMN and limits on depth, string length and document size. */
#include "json_read.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "utf8.h"

/* ---- arena: the tree is freed all at once, so values are bump-allocated in blocks ----------- */

typedef struct pb_arena_block {
    struct pb_arena_block *next;
    size_t used, cap;
    max_align_t data[];
} pb_arena_block;

#define PB_ARENA_BLOCK_BYTES (64 * 1024)

static void *pb_arena_alloc(pb_arena_block **head, size_t bytes)
{
    size_t align = alignof(max_align_t);
    bytes = (bytes + align - 1) / align * align;
    pb_arena_block *b = *head;
    if (!b || b->cap - b->used < bytes) {
        size_t cap = bytes > PB_ARENA_BLOCK_BYTES ? bytes : PB_ARENA_BLOCK_BYTES;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        /* A big one-off block goes behind the current one, so the current one keeps filling. */
        if (*head && cap > PB_ARENA_BLOCK_BYTES) {
            b->next = (*head)->next;
            (*head)->next = b;
        } else {
            b->next = *head;
            *head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += bytes;
    return p;
}

static void pb_arena_free(pb_arena_block *b)
{
    while (b) {
        pb_arena_block *next = b->next;
        free(b);
        b = next;
    }
}

struct pb_json_doc {
    pb_arena_block *arena;
    pb_json_value root;
};

/* ---- parser state ---------------------------------------------------------------------------- */

/* Values and members of the containers being parsed wait on these stacks; a finished container
 * copies its slice into the arena, so no container ever reallocates. */
typedef struct pb_parser {
    const unsigned char *p, *end, *line_start;
    int line;
    int depth;
    const char *name;
    pb_msg *msg;
    pb_status status;
    pb_arena_block *arena;
    pb_json_value *vals;
    size_t nvals, cap_vals;
    pb_json_member *mems;
    size_t nmems, cap_mems;
    char *str;                 /* scratch for decoding one string */
    size_t cap_str;
} pb_parser;

static int pb_column(const pb_parser *ps, const unsigned char *at)
{
    ptrdiff_t c = at - ps->line_start + 1;
    return c > INT_MAX ? INT_MAX : (int)c;
}

/* Records the first error at `at`; parsing unwinds by returning 0. */
static int pb_fail_at(pb_parser *ps, const unsigned char *at, const char *what)
{
    if (ps->status == PB_OK)
        ps->status = pb_msg_set(ps->msg, PB_ERR_INPUT, "%s:%d:%d: %s", ps->name, ps->line,
                                pb_column(ps, at), what);
    return 0;
}

static int pb_fail(pb_parser *ps, const char *what) { return pb_fail_at(ps, ps->p, what); }

static int pb_nomem(pb_parser *ps)
{
    if (ps->status == PB_OK)
        ps->status = pb_msg_set(ps->msg, PB_ERR_NOMEM, "%s: out of memory while reading", ps->name);
    return 0;
}

static void pb_skip_ws(pb_parser *ps)
{
    while (ps->p < ps->end) {
        unsigned char c = *ps->p;
        if (c == '\n') {
            ps->line++;
            ps->line_start = ps->p + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        ps->p++;
    }
}

/* Describes the byte at the cursor for "unexpected ..." messages. */
static int pb_fail_unexpected(pb_parser *ps, const char *expected)
{
    char what[160];
    if (ps->p >= ps->end)
        snprintf(what, sizeof what, "unexpected end of input: %s", expected);
    else if (*ps->p >= 0x20 && *ps->p < 0x7f)
        snprintf(what, sizeof what, "%s, found '%c'", expected, *ps->p);
    else
        snprintf(what, sizeof what, "%s, found byte 0x%02X", expected, *ps->p);
    return pb_fail(ps, what);
}

static int pb_parse_value(pb_parser *ps, pb_json_value *out);

/* ---- strings --------------------------------------------------------------------------------- */

static int pb_hex4(const unsigned char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

static int pb_str_reserve(pb_parser *ps, size_t need)
{
    if (need <= ps->cap_str)
        return 1;
    size_t cap = ps->cap_str ? ps->cap_str : 256;
    while (cap < need)
        cap *= 2;
    char *s = realloc(ps->str, cap);
    if (!s)
        return pb_nomem(ps);
    ps->str = s;
    ps->cap_str = cap;
    return 1;
}

/* Decodes one \uXXXX escape (and the low half of a surrogate pair) at the cursor, which is on 'u'.
 * Writes the UTF-8 bytes to buf and returns how many, or 0 after reporting the error. */
static int pb_parse_unicode_escape(pb_parser *ps, const unsigned char *esc, unsigned char buf[4])
{
    unsigned cp, lo;
    if (ps->end - ps->p < 5 || !pb_hex4(ps->p + 1, &cp))
        return pb_fail_at(ps, esc, "invalid \\u escape: expected four hex digits");
    ps->p += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return pb_fail_at(ps, esc, "invalid \\u escape: a low surrogate without a high one before it");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' || !pb_hex4(ps->p + 2, &lo) ||
            lo < 0xDC00 || lo > 0xDFFF)
            return pb_fail_at(ps, esc, "invalid \\u escape: a high surrogate must be followed by a low one");
        ps->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0)
        return pb_fail_at(ps, esc, "\\u0000 is not allowed in strings");
    if (cp < 0x80) {
        buf[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (unsigned char)(0xC0 | cp >> 6);
        buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (unsigned char)(0xE0 | cp >> 12);
        buf[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (unsigned char)(0xF0 | cp >> 18);
    buf[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    buf[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the string at the cursor (on the opening quote) into the scratch buffer and copies it
 * into the arena. */
static int pb_parse_string(pb_parser *ps, const char **text, size_t *length)
{
    const unsigned char *start = ps->p++;
    size_t n = 0;
    for (;;) {
        if (ps->p >= ps->end)
            return pb_fail_at(ps, start, "unterminated string");
        unsigned char c = *ps->p, buf[4];
        int len;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20)
            return pb_fail(ps, "control character in string: escape it (\\n, \\t, \\u00XX)");
        if (c == '\\') {
            const unsigned char *esc = ps->p++;
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *hit = ps->p < ps->end && *ps->p ? strchr(from, *ps->p) : NULL;
            if (hit) {
                buf[0] = (unsigned char)to[hit - from];
                len = 1;
                ps->p++;
            } else if (ps->p < ps->end && *ps->p == 'u') {
                len = pb_parse_unicode_escape(ps, esc, buf);
                if (!len)
                    return 0;
            } else {
                return pb_fail_at(ps, esc, "invalid escape: use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
            }
        } else {
            len = pb_utf8_valid_len(ps->p, (size_t)(ps->end - ps->p));
            if (!len)
                return pb_fail(ps, "invalid UTF-8 in string");
            memcpy(buf, ps->p, (size_t)len);
            ps->p += len;
        }
        if (n + (size_t)len > PB_JSON_READ_MAX_STRING)
            return pb_fail_at(ps, start, "string longer than the 1 MiB limit");
        if (!pb_str_reserve(ps, n + (size_t)len + 1))
            return 0;
        memcpy(ps->str + n, buf, (size_t)len);
        n += (size_t)len;
    }
    char *copy = pb_arena_alloc(&ps->arena, n + 1);
    if (!copy)
        return pb_nomem(ps);
    if (n)
        memcpy(copy, ps->str, n);
    copy[n] = '\0';
    *text = copy;
    *length = n;
    return 1;
}

/* ---- numbers --------------------------------------------------------------------------------- */

static const unsigned char *pb_skip_digits(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* RFC 8259 number grammar; the value must be finite as a double (1e400 is refused, not made
 * infinite). Integers without fraction or exponent are also kept exactly as 64-bit integers. */
static int pb_parse_number(pb_parser *ps, pb_json_value *out)
{
    const unsigned char *start = ps->p, *p = ps->p, *end = ps->end, *d;
    int is_integer = 1, negative = 0;
    if (p < end && *p == '-') {
        negative = 1;
        p++;
    }
    d = pb_skip_digits(p, end);
    if (d == p)
        return pb_fail_at(ps, start, "invalid number: expected a digit");
    if (*p == '0' && d - p > 1)
        return pb_fail_at(ps, start, "invalid number: leading zeros are not allowed");
    p = d;
    if (p < end && *p == '.') {
        is_integer = 0;
        d = pb_skip_digits(++p, end);
        if (d == p)
            return pb_fail_at(ps, start, "invalid number: expected a digit after '.'");
        p = d;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_integer = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        d = pb_skip_digits(p, end);
        if (d == p)
            return pb_fail_at(ps, start, "invalid number: expected a digit in the exponent");
        p = d;
    }
    char buf[512];
    size_t len = (size_t)(p - start);
    if (len >= sizeof buf)
        return pb_fail_at(ps, start, "number longer than 511 characters");
    memcpy(buf, start, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v))
        return pb_fail_at(ps, start, "number out of range: it does not fit a double");
    memset(out, 0, sizeof *out);
    out->type = PB_JSON_NUMBER;
    out->u.number.value = v;
    out->u.number.is_negative = negative;
    if (is_integer) {
        errno = 0;
        if (negative) {
            long long i = strtoll(buf, NULL, 10);
            out->u.number.is_integer = errno == 0;
            out->u.number.i = i;
        } else {
            unsigned long long u = strtoull(buf, NULL, 10);
            out->u.number.is_integer = errno == 0;
            out->u.number.u = u;
            out->u.number.i = u <= INT64_MAX ? (int64_t)u : INT64_MAX;
        }
    }
    ps->p = p;
    return 1;
}

/* ---- containers ------------------------------------------------------------------------------ */

/* Makes room for one more element in a doubling array; 0 (and the error set) when out of memory. */
static int pb_reserve(pb_parser *ps, void **array, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return 1;
    size_t want = *cap ? *cap * 2 : 64;
    void *p = realloc(*array, want * size);
    if (!p)
        return pb_nomem(ps);
    *array = p;
    *cap = want;
    return 1;
}

static int pb_push_value(pb_parser *ps, const pb_json_value *v)
{
    void *array = ps->vals;
    if (!pb_reserve(ps, &array, &ps->cap_vals, ps->nvals, sizeof *v))
        return 0;
    ps->vals = array;
    ps->vals[ps->nvals++] = *v;
    return 1;
}

static int pb_push_member(pb_parser *ps, const pb_json_member *m)
{
    void *array = ps->mems;
    if (!pb_reserve(ps, &array, &ps->cap_mems, ps->nmems, sizeof *m))
        return 0;
    ps->mems = array;
    ps->mems[ps->nmems++] = *m;
    return 1;
}

static int pb_enter(pb_parser *ps)
{
    if (++ps->depth > PB_JSON_READ_MAX_DEPTH)
        return pb_fail(ps, "nesting deeper than 64 levels");
    ps->p++;
    pb_skip_ws(ps);
    return 1;
}

static int pb_parse_array(pb_parser *ps, pb_json_value *out)
{
    size_t base = ps->nvals;
    if (!pb_enter(ps))
        return 0;
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
    } else {
        for (;;) {
            pb_json_value item;
            if (!pb_parse_value(ps, &item) || !pb_push_value(ps, &item))
                return 0;
            pb_skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                pb_skip_ws(ps);
                continue;
            }
            if (ps->p < ps->end && *ps->p == ']') {
                ps->p++;
                break;
            }
            return pb_fail_unexpected(ps, "expected ',' or ']' after array element");
        }
    }
    size_t n = ps->nvals - base;
    pb_json_value *items = NULL;
    if (n) {
        items = pb_arena_alloc(&ps->arena, n * sizeof *items);
        if (!items)
            return pb_nomem(ps);
        memcpy(items, ps->vals + base, n * sizeof *items);
    }
    ps->nvals = base;
    ps->depth--;
    out->type = PB_JSON_ARRAY;
    out->u.array.items = items;
    out->u.array.count = n;
    return 1;
}

static int pb_cmp_member_key(const void *a, const void *b)
{
    const pb_json_member *x = *(const pb_json_member *const *)a, *y = *(const pb_json_member *const *)b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->line != y->line ? (x->line > y->line) - (x->line < y->line)
                              : (x->column > y->column) - (x->column < y->column);
}

/* Duplicate keys make a document mean different things to different readers: refuse them.
 * Sorting pointers keeps this O(n log n) for objects of any size. */
static int pb_check_duplicates(pb_parser *ps, const pb_json_member *m, size_t n)
{
    if (n < 2)
        return 1;
    const pb_json_member **sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return pb_nomem(ps);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &m[i];
    qsort(sorted, n, sizeof *sorted, pb_cmp_member_key);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(sorted[i - 1]->key, sorted[i]->key) == 0) {
            char what[200];
            snprintf(what, sizeof what, "duplicate key \"%.120s\" in object", sorted[i]->key);
            if (ps->status == PB_OK)
                ps->status = pb_msg_set(ps->msg, PB_ERR_INPUT, "%s:%d:%d: %s", ps->name, sorted[i]->line,
                                        sorted[i]->column, what);
            free(sorted);
            return 0;
        }
    }
    free(sorted);
    return 1;
}

static int pb_parse_member(pb_parser *ps)
{
    pb_json_member m;
    size_t len;
    if (ps->p >= ps->end || *ps->p != '"')
        return pb_fail_unexpected(ps, "expected a string key in object");
    m.line = ps->line;
    m.column = pb_column(ps, ps->p);
    if (!pb_parse_string(ps, &m.key, &len))
        return 0;
    pb_skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != ':')
        return pb_fail_unexpected(ps, "expected ':' after object key");
    ps->p++;
    pb_skip_ws(ps);
    return pb_parse_value(ps, &m.value) && pb_push_member(ps, &m);
}

static int pb_parse_object(pb_parser *ps, pb_json_value *out)
{
    size_t base = ps->nmems;
    if (!pb_enter(ps))
        return 0;
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
    } else {
        for (;;) {
            if (!pb_parse_member(ps))
                return 0;
            pb_skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                pb_skip_ws(ps);
                continue;
            }
            if (ps->p < ps->end && *ps->p == '}') {
                ps->p++;
                break;
            }
            return pb_fail_unexpected(ps, "expected ',' or '}' after object member");
        }
    }
    size_t n = ps->nmems - base;
    pb_json_member *members = NULL;
    if (n) {
        if (!pb_check_duplicates(ps, ps->mems + base, n))
            return 0;
        members = pb_arena_alloc(&ps->arena, n * sizeof *members);
        if (!members)
            return pb_nomem(ps);
        memcpy(members, ps->mems + base, n * sizeof *members);
    }
    ps->nmems = base;
    ps->depth--;
    out->type = PB_JSON_OBJECT;
    out->u.object.members = members;
    out->u.object.count = n;
    return 1;
}

static int pb_parse_literal(pb_parser *ps, const char *word, pb_json_value *out)
{
    size_t len = strlen(word);
    if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0)
        return pb_fail(ps, "invalid literal: expected true, false or null (lower case, unquoted)");
    ps->p += len;
    out->type = word[0] == 'n' ? PB_JSON_NULL : PB_JSON_BOOL;
    out->u.boolean = word[0] == 't';
    return 1;
}

static int pb_parse_value(pb_parser *ps, pb_json_value *out)
{
    memset(out, 0, sizeof *out);
    out->line = ps->line;
    out->column = pb_column(ps, ps->p);
    int line = out->line, column = out->column, ok;
    if (ps->p >= ps->end)
        return pb_fail_unexpected(ps, "expected a value");
    switch (*ps->p) {
    case '{': ok = pb_parse_object(ps, out); break;
    case '[': ok = pb_parse_array(ps, out); break;
    case '"':
        out->type = PB_JSON_STRING;
        ok = pb_parse_string(ps, &out->u.string.text, &out->u.string.length);
        break;
    case 't': ok = pb_parse_literal(ps, "true", out); break;
    case 'f': ok = pb_parse_literal(ps, "false", out); break;
    case 'n': ok = pb_parse_literal(ps, "null", out); break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            ok = pb_parse_number(ps, out);
        else
            return pb_fail_unexpected(ps, "expected a value");
    }
    out->line = line;
    out->column = column;
    return ok;
}

/* ---- public entry points --------------------------------------------------------------------- */

pb_status pb_json_parse_buffer(const char *data, size_t size, const char *name, pb_json_doc **out,
                               pb_msg *msg)
{
    pb_parser ps;
    memset(&ps, 0, sizeof ps);
    ps.p = ps.line_start = (const unsigned char *)data;
    ps.end = ps.p + size;
    ps.line = 1;
    ps.name = name;
    ps.msg = msg;
    if (size > PB_JSON_READ_MAX_FILE)
        return pb_msg_set(msg, PB_ERR_INPUT, "%s: document of %zu bytes is larger than the 64 MiB limit",
                          name, size);
    /* A UTF-8 byte order mark is not JSON, but editors add it; it carries no meaning. */
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        ps.p = ps.line_start = ps.p + 3;
    pb_json_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return pb_msg_set(msg, PB_ERR_NOMEM, "%s: out of memory while reading", name);
    pb_skip_ws(&ps);
    if (ps.p >= ps.end)
        pb_fail(&ps, "empty document: expected a JSON value");
    else if (pb_parse_value(&ps, &doc->root)) {
        pb_skip_ws(&ps);
        if (ps.p < ps.end)
            pb_fail_unexpected(&ps, "unexpected data after the JSON value");
    }
    free(ps.vals);
    free(ps.mems);
    free(ps.str);
    doc->arena = ps.arena;
    if (ps.status != PB_OK) {
        pb_json_doc_free(doc);
        return ps.status;
    }
    *out = doc;
    return PB_OK;
}

void pb_json_doc_free(pb_json_doc *doc)
{
    if (!doc)
        return;
    pb_arena_free(doc->arena);
    free(doc);
}

const pb_json_value *pb_json_doc_root(const pb_json_doc *doc) { return &doc->root; }

const pb_json_value *pb_json_get(const pb_json_value *object, const char *key)
{
    if (!object || object->type != PB_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < object->u.object.count; i++)
        if (strcmp(object->u.object.members[i].key, key) == 0)
            return &object->u.object.members[i].value;
    return NULL;
}

pb_status pb_json_read_file(const char *path, char **data, size_t *size, pb_msg *msg)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pb_msg_set(msg, PB_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return pb_msg_set(msg, PB_ERR_IO, "'%s' is a directory: give the path of a result file (.json)", path);
    }
    /* Read in chunks up to one byte past the limit: sizes from stat lie for pipes and /proc. */
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int nomem = 0;
    for (;;) {
        if (n == cap) {
            if (cap > (size_t)PB_JSON_READ_MAX_FILE)
                break;
            size_t ncap = cap ? cap * 2 : 64 * 1024;
            if (ncap > (size_t)PB_JSON_READ_MAX_FILE + 1)
                ncap = (size_t)PB_JSON_READ_MAX_FILE + 1;
            char *p = realloc(buf, ncap);
            if (!p) {
                nomem = 1;
                break;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f), err = errno;
    fclose(f);
    pb_status st_out = PB_OK;
    if (failed)
        st_out = pb_msg_set(msg, PB_ERR_IO, "cannot read '%s': %s", path, strerror(err));
    else if (nomem)
        st_out = pb_msg_set(msg, PB_ERR_NOMEM, "out of memory reading '%s'", path);
    else if (n > (size_t)PB_JSON_READ_MAX_FILE)
        st_out = pb_msg_set(msg, PB_ERR_INPUT, "'%s' is larger than the 64 MiB limit for result files", path);
    else if (n == 0)
        st_out = pb_msg_set(msg, PB_ERR_INPUT,
                            "'%s' is empty, not a parbench result file (was the run interrupted?)", path);
    if (st_out != PB_OK) {
        free(buf);
        return st_out;
    }
    *data = buf;
    *size = n;
    return PB_OK;
}
