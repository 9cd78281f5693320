/* A strict, small JSON reader (RFC 8259 plus limits) that builds a read-only tree, and the loader
 * that maps a result file onto the result model with type checks (docs/SCHEMA.md). */
#ifndef PB_JSON_READ_H
#define PB_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

#include "../core/status.h"
#include "result.h"

/* Limits: a result file is a few hundred KiB; these stop hostile or broken input early. */
#define PB_JSON_READ_MAX_DEPTH 64                   /* nested arrays/objects */
#define PB_JSON_READ_MAX_STRING (1024 * 1024)       /* bytes in one decoded string */
#define PB_JSON_READ_MAX_FILE (64 * 1024 * 1024)    /* bytes in one document */

typedef enum pb_json_type {
    PB_JSON_NULL,
    PB_JSON_BOOL,
    PB_JSON_NUMBER,
    PB_JSON_STRING,
    PB_JSON_ARRAY,
    PB_JSON_OBJECT
} pb_json_type;

typedef struct pb_json_member pb_json_member;

typedef struct pb_json_value {
    pb_json_type type;
    int line, column;          /* where the value starts (1-based; column in bytes) */
    union {
        int boolean;
        struct {
            double value;      /* always finite */
            int is_integer;    /* written without fraction or exponent and fits below */
            int is_negative;
            int64_t i;         /* exact value when is_integer and it fits int64 */
            uint64_t u;        /* exact value when is_integer and !is_negative */
        } number;
        struct {
            const char *text;  /* NUL-terminated; never contains NUL (\u0000 is refused) */
            size_t length;
        } string;
        struct {
            const struct pb_json_value *items;
            size_t count;
        } array;
        struct {
            const pb_json_member *members; /* in document order; keys are unique */
            size_t count;
        } object;
    } u;
} pb_json_value;

struct pb_json_member {
    const char *key;
    int line, column;          /* where the key starts */
    pb_json_value value;
};

/* A parsed document: owns every value reachable from its root. */
typedef struct pb_json_doc pb_json_doc;

/* Parses `size` bytes (not necessarily NUL-terminated). `name` prefixes error messages, which read
 * "NAME:LINE:COLUMN: what is wrong". PB_ERR_INPUT for malformed input, PB_ERR_NOMEM. */
pb_status pb_json_parse_buffer(const char *data, size_t size, const char *name, pb_json_doc **out,
                               pb_msg *msg);
void pb_json_doc_free(pb_json_doc *doc); /* accepts NULL */
const pb_json_value *pb_json_doc_root(const pb_json_doc *doc);

/* The member `key` of an object; NULL when absent or when `object` is not an object. */
const pb_json_value *pb_json_get(const pb_json_value *object, const char *key);

/* Reads a whole file (at most PB_JSON_READ_MAX_FILE bytes) into a fresh buffer the caller frees.
 * PB_ERR_IO for a missing or unreadable file or a directory, PB_ERR_INPUT for an empty or too big
 * one; the message names the file. */
pb_status pb_json_read_file(const char *path, char **data, size_t *size, pb_msg *msg);

/* Parses a result file held in memory into `out` (initialised here; free with
 * pb_resultset_free). Checks that it is a parbench result of a schema version this build reads
 * and that every field it uses has the documented type. On failure `out` is left empty. */
pb_status pb_json_parse_resultset(const char *data, size_t size, const char *name, pb_resultset *out,
                                  pb_msg *msg);

/* pb_json_read_file + pb_json_parse_resultset. */
pb_status pb_json_read_resultset(const char *path, pb_resultset *out, pb_msg *msg);

#endif
