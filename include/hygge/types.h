/* Logical types (`struct hy_dtype`) and schemas (`struct hy_schema`).
 *
 * Every value that enters hygge maps to one of these types; docs/types.md lists
 * the mapping per format. A dtype is a plain value: copy it, compare it with
 * hy_dtype_eq(), never free it. A schema is a refcounted, immutable list of
 * named fields shared by every batch a flow produces.
 */
#ifndef HYGGE_TYPES_H
#define HYGGE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/status.h"

/* Signed 128-bit integer: decimal storage above 18 digits. A typedef (against
 * the house rule) because `__extension__` is the only way to keep -Wpedantic
 * quiet about __int128, and it has to sit on a declaration. */
__extension__ typedef __int128 hy_i128;
__extension__ typedef unsigned __int128 hy_u128;

/* Append-only: values are stable and appear in docs/types.md. */
enum hy_type_id {
	HY_NULL = 0,
	HY_BOOL,
	HY_INT8,
	HY_INT16,
	HY_INT32,
	HY_INT64,
	HY_UINT8,
	HY_UINT16,
	HY_UINT32,
	HY_UINT64,
	HY_FLOAT32,
	HY_FLOAT64,
	HY_DECIMAL,      /* precision 1..38, scale 0..precision; int64 storage up to 18 digits */
	HY_STRING,       /* UTF-8, int32 offsets */
	HY_BINARY,       /* bytes, int32 offsets */
	HY_FIXED_BINARY, /* `width` bytes per value */
	HY_UUID,         /* 16 bytes, big-endian as in RFC 4122 */
	HY_DATE,         /* int32 days since 1970-01-01 */
	HY_TIME,         /* since midnight; int32 for s/ms, int64 for us/ns */
	HY_TIMESTAMP,    /* int64 since the epoch in `unit`; `tz` empty = naive */
	HY_DURATION,     /* int64 in `unit` */
};

#define HY_TYPE_COUNT (HY_DURATION + 1)

enum hy_time_unit {
	HY_UNIT_SECOND = 0,
	HY_UNIT_MILLI = 1,
	HY_UNIT_MICRO = 2,
	HY_UNIT_NANO = 3,
};

#define HY_DECIMAL_MAX_PRECISION   38
#define HY_DECIMAL64_MAX_PRECISION 18        /* largest precision stored as int64 */
#define HY_TZ_MAX                  64        /* bytes of a time-zone name, NUL included */
#define HY_FIXED_BINARY_MAX        (1 << 20) /* widest fixed binary value we accept */

/* Copyable by value. Fields that do not apply to `id` are zero, so two equal
 * types compare equal with hy_dtype_eq(). Build with the constructors below,
 * which validate; a hand-built dtype can be checked with hy_dtype_validate(). */
struct hy_dtype {
	enum hy_type_id id;
	enum hy_time_unit unit; /* HY_TIME, HY_TIMESTAMP, HY_DURATION */
	int32_t precision;      /* HY_DECIMAL */
	int32_t scale;          /* HY_DECIMAL */
	int32_t width;          /* HY_FIXED_BINARY (bytes); 16 for HY_UUID */
	char tz[HY_TZ_MAX];     /* HY_TIMESTAMP: "UTC", "+01:00", "Europe/Oslo"; "" = naive */
};

/* A type without parameters (null, bool, ints, floats, string, binary, uuid,
 * date). Parameterised ids get defaults: decimal(38,0), time/timestamp/duration
 * in microseconds, fixed binary of width 1 -- prefer the checked constructors. */
struct hy_dtype hy_dtype_simple(enum hy_type_id id);

/* Checked constructors: HY_EINVAL with a message on a bad parameter. */
int hy_dtype_decimal(int precision, int scale, struct hy_dtype *out, struct hy_error *err) HY_WUR;
int hy_dtype_fixed_binary(int width, struct hy_dtype *out, struct hy_error *err) HY_WUR;
int hy_dtype_time(enum hy_time_unit unit, struct hy_dtype *out, struct hy_error *err) HY_WUR;
/* `tz` may be NULL or "" for a naive timestamp; at most HY_TZ_MAX-1 bytes. */
int hy_dtype_timestamp(enum hy_time_unit unit, const char *tz, struct hy_dtype *out,
		       struct hy_error *err) HY_WUR;
int hy_dtype_duration(enum hy_time_unit unit, struct hy_dtype *out, struct hy_error *err) HY_WUR;
/* Checks a dtype from anywhere (a hand-built one, an imported one). */
int hy_dtype_validate(const struct hy_dtype *type, struct hy_error *err) HY_WUR;

bool hy_dtype_eq(const struct hy_dtype *a, const struct hy_dtype *b);

/* Human text: "int32", "decimal(18,3)", "timestamp[us, UTC]", "time[ms]",
 * "fixed_binary(12)". snprintf contract: returns the length the full text
 * needs; writes at most `size` bytes, NUL included. */
int hy_dtype_format(const struct hy_dtype *type, char *buf, size_t size);

/* Short names: "ms" etc. and "int32", "timestamp" etc. Never NULL. */
const char *hy_time_unit_name(enum hy_time_unit unit);
const char *hy_type_name(enum hy_type_id id);

/* Bits of one value in the values buffer: 1 for bool, 8*bytes for the
 * fixed-width types, 0 for null/string/binary (no fixed-width values). */
int hy_dtype_bit_width(const struct hy_dtype *type);
/* Bytes of one value; 0 for bool, null, string and binary. */
int hy_dtype_byte_width(const struct hy_dtype *type);
/* True for string and binary (offsets + data buffers). */
bool hy_dtype_is_var_width(const struct hy_dtype *type);

/* ---- schema ---- */

#define HY_MAX_FIELDS     32767 /* columns in one schema */
#define HY_MAX_FIELD_NAME 4096  /* bytes of one field name */

/* One column's name, type and nullability. `name` is owned by whoever holds
 * the struct: the caller for the array passed to hy_schema_create(), the
 * schema for the fields it hands out. */
struct hy_field {
	char *name;
	struct hy_dtype type;
	bool nullable;
};

/* Refcounted and immutable once built, so it can be shared across threads. */
struct hy_schema;

/* Copies `fields` (names included; the caller keeps its array). Fails with
 * HY_EINVAL on an invalid type, an empty or duplicate name (the message names
 * the field), HY_ELIMIT past HY_MAX_FIELDS/HY_MAX_FIELD_NAME. `*out` holds one
 * reference; drop it with hy_schema_unref(). */
int hy_schema_create(const struct hy_field *fields, size_t nfields, struct hy_schema **out,
		     struct hy_error *err) HY_WUR;

/* Adds a reference; returns `schema` (NULL passes through). */
struct hy_schema *hy_schema_ref(struct hy_schema *schema);
/* Drops a reference and frees on the last one. NULL is a no-op. */
void hy_schema_unref(struct hy_schema *schema);

size_t hy_schema_nfields(const struct hy_schema *schema);
/* Borrowed; valid while the schema lives. `i` < nfields. */
const struct hy_field *hy_schema_field(const struct hy_schema *schema, size_t i);
/* Index of the field named `name` (exact, case-sensitive), or -1. O(log n). */
long hy_schema_find(const struct hy_schema *schema, const char *name);
/* Same fields in the same order (names, types, nullability). */
bool hy_schema_eq(const struct hy_schema *a, const struct hy_schema *b);

#endif /* HYGGE_TYPES_H */
