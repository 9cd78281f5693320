/* The result file's schema, described once (docs/SCHEMA.md): for every field its JSON name, its
 * kind, where it lives in the result model, whether it is required, the schema version it
 * appeared in and its valid range. The writer (json_write.c) and the reader (result_read.c) both
 * walk these tables, so a field added here is written and read alike. Internal to src/results. */
#ifndef PB_SCHEMA_H
#define PB_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

typedef enum pb_field_kind {
    PB_FIELD_STRING,        /* char[]: descriptive text, truncated to fit (at a UTF-8 boundary) */
    PB_FIELD_NAME,          /* char[]: identifies a case, so it must fit (truncation would mis-match) */
    PB_FIELD_CONST,         /* the string `text`, written; not read (tool.name) */
    PB_FIELD_DOUBLE,        /* a number, or null: the writer's form of non-finite, read as NaN */
    PB_FIELD_KNOWN,         /* a double where negative means unknown: written and read as null */
    PB_FIELD_INT,           /* int within [lo, hi] */
    PB_FIELD_I64,
    PB_FIELD_U64,
    PB_FIELD_BOOL,          /* int, 0 or 1 */
    PB_FIELD_ENUM,          /* int written as its name (enum_name); read with enum_parse */
    PB_FIELD_OBJECT,        /* a nested object: the fields `sub`, on the same base plus offset */
    PB_FIELD_PERF_LEVELS,   /* machine.cpu.perf_levels: fixed array of pb_perf_level, count at count */
    PB_FIELD_WORDS,         /* char[] of space-separated words, as an array of strings */
    PB_FIELD_SIZE,          /* a result's dimensions: {"n": 2048, ...} */
    PB_FIELD_SAMPLES,       /* double * of seconds per launch, count at count; each in the time range */
    PB_FIELD_SAMPLE_ROUNDS, /* int * with one round per sample (count: nsamples), each in [0, rounds) */
    PB_FIELD_ROUND_STATES,  /* pb_round_state * with count at count, at most `rounds` of them */
    PB_FIELD_DEVICES,       /* the resultset's devices (pb_resultset_add_device) */
    PB_FIELD_RESULTS        /* the resultset's results (pb_resultset_add_result) */
} pb_field_kind;

/* Flags of a field. */
enum {
    PB_FIELD_REQUIRED = 1,    /* a reader refuses a file without it */
    PB_FIELD_NULL_EMPTY = 2,  /* strings: "" is written as null */
    PB_FIELD_INLINE = 4,      /* objects and arrays: written on one line */
    PB_FIELD_WHEN = 8,        /* written only when the int at `when` is non-zero; for objects the
                               * reader sets it when the object is there (else: written as null
                               * with PB_FIELD_NULL_ABSENT, omitted without) */
    PB_FIELD_NULL_ABSENT = 16,
    PB_FIELD_OMIT_EMPTY = 32, /* arrays: omitted when the count is 0 */
    PB_FIELD_LATE = 64        /* read after the object's other fields (it checks itself against them) */
};

/* Validation of numbers beyond their type: a result file is untrusted input. */
typedef enum pb_field_check {
    PB_CHECK_NONE,
    PB_CHECK_TIME,          /* 0 (not measured), null, or a believable time per launch */
    PB_CHECK_RATE           /* null, or within [0, PB_RESULT_MAX_RATE] */
} pb_field_check;

/* Bounds of a believable time per launch: outside them is a corrupted or hand-edited file. */
#define PB_SCHEMA_MIN_SECONDS 1e-9
#define PB_SCHEMA_MAX_SECONDS 86400.0

typedef struct pb_schema pb_schema;

typedef struct pb_field {
    const char *key;
    pb_field_kind kind;
    size_t offset;          /* of the member in the base struct */
    size_t size;            /* of the member, for strings */
    unsigned flags;
    int since;              /* the schema version the field appeared in */
    int64_t lo, hi;         /* integers: the valid range */
    pb_field_check check;
    size_t count;           /* arrays: offset of their int count */
    size_t when;            /* PB_FIELD_WHEN: offset of the int that says it is there */
    const pb_schema *sub;   /* objects and arrays of objects: their fields */
    const char *text;       /* CONST: the value; ENUM: the names, for the error message */
    const char *(*enum_name)(int value);
    int (*enum_parse)(const char *name, int *value); /* 0: unknown (an error when required) */
} pb_field;

struct pb_schema {
    const pb_field *fields;
    size_t count;
};

/* The whole document below "schema" and "schema_version": tool, run, machine, devices, results. */
extern const pb_schema pb_schema_resultset;
/* One device, one result (the elements of "devices" and "results"), one round's machine state. */
extern const pb_schema pb_schema_device;
extern const pb_schema pb_schema_result;
extern const pb_schema pb_schema_round_state;

#endif
