/* Columnar batches: refcounted buffers, columns, builders, zero-copy slices
 * and the statistics helpers.
 *
 * Layout follows the Arrow columnar format so a batch can be exported through
 * the Arrow C data interface unchanged (hygge/arrow.h); the details and the
 * ownership rules are in docs/internals/core.md. In short:
 *
 *   hy_batch  --refs-->  hy_column (one per field)  --refs-->  hy_rcbuf (bytes)
 *
 * Every level is refcounted with atomics, so a batch built on one thread can
 * be read and released on another. Nothing is mutated after it is built: a
 * slice is a new column (or batch) sharing the same buffers with an offset.
 */
#ifndef HYGGE_BATCH_H
#define HYGGE_BATCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/buffer.h"
#include "hygge/status.h"
#include "hygge/types.h"

/* Rows in one column or batch. int32 offsets and Arrow consumers that use
 * int32 lengths set the bound. */
#define HY_MAX_COLUMN_ROWS INT32_MAX
/* Bytes of string/binary data in one column: int32 offsets cannot address
 * more (Arrow's "large" types are not used). */
#define HY_MAX_VAR_BYTES   INT32_MAX

/* ---- refcounted buffer ---- */

/* A run of bytes shared by columns, slices and exported Arrow arrays. Bytes
 * hygge allocates are 64-byte aligned (hy_aligned_alloc); imported ones keep
 * the producer's alignment. `release` (NULL for hygge's own bytes, which are
 * freed with hy_free) lets foreign memory, such as an imported Arrow array,
 * be returned to its owner when the last reference goes. */
struct hy_rcbuf {
	atomic_long refs;
	uint8_t *data;
	int64_t size;                          /* bytes usable at data */
	void (*release)(struct hy_rcbuf *buf); /* frees data/owner, not the struct */
	void *owner;                           /* for `release` */
};

/* Allocates `size` zeroed, 64-byte-aligned bytes (padding to the next 64 is
 * zeroed too) with one reference. Free
 * with hy_rcbuf_unref(). NULL when out of memory. */
struct hy_rcbuf *hy_rcbuf_create(int64_t size);
/* Takes over `data` (from hy_malloc/hy_realloc, e.g. hy_buf_detach()) as a
 * buffer of `size` bytes with one reference; hy_free() releases it with the
 * last one. Such bytes have malloc's alignment (16), not 64. NULL when out of
 * memory, and `data` is freed then. */
struct hy_rcbuf *hy_rcbuf_adopt(void *data, int64_t size);
/* Wraps bytes someone else owns (an imported Arrow array, a reader's
 * recycled block) with one reference; `release(buf)` is called with the last
 * one and must free or take back `data` and `owner` (not the struct). NULL
 * when out of memory, and `release` is not called then. */
struct hy_rcbuf *hy_rcbuf_wrap(uint8_t *data, int64_t size, void (*release)(struct hy_rcbuf *),
			       void *owner);
struct hy_rcbuf *hy_rcbuf_ref(struct hy_rcbuf *buf);
void hy_rcbuf_unref(struct hy_rcbuf *buf);

/* ---- column ---- */

/* One column's values. Fields are read-only for everyone but this module.
 *
 * Buffers (Arrow order):
 *   validity   bit i (LSB first) set = row i valid; NULL when null_count is 0
 *              (and for HY_NULL, whose rows are all null)
 *   values     fixed-width values; bit-packed booleans; int32 offsets (n+1)
 *              for string/binary; int32 indices for the dictionary form
 *   data       string/binary bytes (NULL otherwise)
 * All three are indexed from `offset`: row i of the column is element
 * offset+i of each buffer (bit offset+i for bitmaps and booleans).
 *
 * Dictionary form (string/binary only): `dictionary` is a plain column of the
 * same type holding the distinct values, `values` holds int32 indices into
 * it, `data` is NULL. `type` is the value type (string), not int32. */
struct hy_column {
	atomic_long refs;
	struct hy_dtype type;
	int64_t length;
	int64_t offset;
	int64_t null_count;
	struct hy_rcbuf *validity;
	struct hy_rcbuf *values;
	struct hy_rcbuf *data;
	struct hy_column *dictionary;
};

struct hy_column *hy_column_ref(struct hy_column *col);
/* Drops a reference; the last one drops the buffers' references. NULL ok. */
void hy_column_unref(struct hy_column *col);

/* Zero-copy: a new column (one reference, for the caller) sharing `col`'s
 * buffers, rows [offset, offset+len). HY_EINVAL when out of range. */
int hy_column_slice(struct hy_column *col, int64_t offset, int64_t len, struct hy_column **out,
		    struct hy_error *err) HY_WUR;

/* A plain column over buffers a producer filled in place (a format reader
 * decoding straight into columns). Takes over the references passed in, also
 * on failure. Checked (HY_EINVAL with a message): the type validates;
 * `values` holds `length` values (bits for bool, the byte width otherwise;
 * length + 1 non-decreasing int32 offsets from 0 for string/binary, whose
 * last one is within `data`); `validity`, when not NULL, holds length bits;
 * HY_NULL takes no buffers. null_count < 0 counts the validity bitmap. */
int hy_column_create(const struct hy_dtype *type, int64_t length, int64_t null_count,
		     struct hy_rcbuf *validity, struct hy_rcbuf *values, struct hy_rcbuf *data,
		     struct hy_column **out, struct hy_error *err) HY_WUR;
/* Dictionary form from int32 `indices` (a plain HY_INT32 column whose
 * non-null values must lie in [0, dictionary->length)) and a plain string or
 * binary `dictionary` without nulls. Shares both columns' buffers (takes its
 * own references). HY_EINVAL on a bad index (the message gives the row). */
int hy_column_create_dictionary(struct hy_column *indices, struct hy_column *dictionary,
				struct hy_column **out, struct hy_error *err) HY_WUR;

/* Accessors, for tests and for code off the hot path (encoders work on the
 * buffers directly). `row` < length; the type must fit (asserted in debug
 * builds, unchecked otherwise):
 *   get_i64      int8..int64, date, time, timestamp, duration, decimal <= 18
 *                digits (unscaled)
 *   get_u64      uint8..uint64
 *   get_f64      float32, float64
 *   get_bool     bool
 *   get_bytes    string, binary, fixed binary, uuid (dictionary resolved);
 *                the view borrows the column's buffer
 *   get_decimal  decimal of any precision (unscaled) */
bool hy_column_is_null(const struct hy_column *col, int64_t row);
int64_t hy_column_get_i64(const struct hy_column *col, int64_t row);
uint64_t hy_column_get_u64(const struct hy_column *col, int64_t row);
double hy_column_get_f64(const struct hy_column *col, int64_t row);
bool hy_column_get_bool(const struct hy_column *col, int64_t row);
struct hy_str hy_column_get_bytes(const struct hy_column *col, int64_t row);
hy_i128 hy_column_get_decimal(const struct hy_column *col, int64_t row);

/* ---- builder ---- */

/* Accumulates values of one type and turns them into a column. Growth is
 * amortised (doubling); no allocation per value. Heap object: create, append,
 * finish (the builder is then empty and reusable), destroy. */
struct hy_builder;

/* `type` must validate; HY_EINVAL otherwise. Free with hy_builder_destroy(). */
int hy_builder_create(const struct hy_dtype *type, struct hy_builder **out,
		      struct hy_error *err) HY_WUR;
void hy_builder_destroy(struct hy_builder *b);
int64_t hy_builder_length(const struct hy_builder *b);
const struct hy_dtype *hy_builder_type(const struct hy_builder *b);

/* Room for `rows` more rows and `bytes` more string/binary bytes. */
int hy_builder_reserve(struct hy_builder *b, int64_t rows, int64_t bytes,
		       struct hy_error *err) HY_WUR;

/* Typed appends, checked against the builder's type (HY_EINVAL with a
 * message naming both on a mismatch or an out-of-range value; HY_ELIMIT past
 * HY_MAX_COLUMN_ROWS or HY_MAX_VAR_BYTES). A failed append leaves the builder
 * as it was. See hy_column_get_* for which type takes which append; in
 * addition append_i64 takes non-negative values for unsigned types. Range
 * checks: the storage width, |v| < 10^precision for decimals, and
 * 0 <= v < one day (in the unit) for HY_TIME, as Arrow defines time. */
int hy_builder_append_null(struct hy_builder *b, struct hy_error *err) HY_WUR;
int hy_builder_append_i64(struct hy_builder *b, int64_t v, struct hy_error *err) HY_WUR;
int hy_builder_append_u64(struct hy_builder *b, uint64_t v, struct hy_error *err) HY_WUR;
int hy_builder_append_f64(struct hy_builder *b, double v, struct hy_error *err) HY_WUR;
int hy_builder_append_bool(struct hy_builder *b, bool v, struct hy_error *err) HY_WUR;
/* string, binary, fixed binary and uuid (len must equal the width). */
int hy_builder_append_str(struct hy_builder *b, const void *ptr, size_t len,
			  struct hy_error *err) HY_WUR;
int hy_builder_append_decimal128(struct hy_builder *b, hy_i128 v, struct hy_error *err) HY_WUR;

/* Appends rows [offset, offset+len) of `col` (same type) in bulk: memcpy of
 * fixed-width runs, shifted bitmaps, rebased offsets; a dictionary column is
 * decoded into plain values. */
int hy_builder_append_column(struct hy_builder *b, const struct hy_column *col, int64_t offset,
			     int64_t len, struct hy_error *err) HY_WUR;

/* Hands the rows to a new column (one reference, for the caller) and empties
 * the builder. On failure the builder keeps its rows. */
int hy_builder_finish(struct hy_builder *b, struct hy_column **out, struct hy_error *err) HY_WUR;

/* ---- batch ---- */

/* Refcounted; immutable once created. `cols[i]` matches field i of `schema`. */
struct hy_batch {
	struct hy_schema *schema;
	int64_t nrows;
	struct hy_column **cols;
	atomic_long refs; /* private: use hy_batch_ref/unref */
};

/* Takes its own references to `schema` and every column (the caller keeps
 * theirs). HY_EINVAL when a column's type differs from its field's, its length
 * from `nrows`, or a non-nullable field's column holds nulls (the message
 * names the field). `*out` holds one reference. */
int hy_batch_create(struct hy_schema *schema, struct hy_column *const *cols, int64_t nrows,
		    struct hy_batch **out, struct hy_error *err) HY_WUR;
struct hy_batch *hy_batch_ref(struct hy_batch *batch);
void hy_batch_unref(struct hy_batch *batch);

/* Zero-copy rows [offset, offset+len): a new batch (one reference) whose
 * columns share the buffers. Slices of slices work. */
int hy_batch_slice(struct hy_batch *batch, int64_t offset, int64_t len, struct hy_batch **out,
		   struct hy_error *err) HY_WUR;

/* Copies the rows of `n` batches with equal schemas into one new batch. */
int hy_batch_concat(struct hy_batch *const *batches, size_t n, struct hy_batch **out,
		    struct hy_error *err) HY_WUR;

/* What the batch's rows take in its buffers: per column, the validity bits,
 * the values (bits for booleans, int32 indices for the dictionary form, the
 * offsets and the rows' own bytes for strings). A slice counts its rows
 * only; a shared dictionary is not counted. For sizing queues, not exact. */
size_t hy_batch_data_bytes(const struct hy_batch *batch);

/* Column by name, borrowed; NULL when the schema has no such field. */
struct hy_column *hy_batch_column_by_name(const struct hy_batch *batch, const char *name);

/* ---- statistics ---- */

/* A single value, tagged with its storage kind; used for min/max statistics
 * and watermarks. `str` borrows the column it came from. */
enum hy_value_kind {
	HY_VALUE_NONE = 0, /* no value: empty column, all null, all NaN */
	HY_VALUE_BOOL,
	HY_VALUE_I64, /* signed ints, date, time, timestamp, duration */
	HY_VALUE_U64, /* unsigned ints */
	HY_VALUE_F64, /* floats */
	HY_VALUE_DEC, /* decimals (unscaled, any precision) */
	HY_VALUE_STR, /* string, binary, fixed binary, uuid */
};

struct hy_value {
	enum hy_value_kind kind;
	enum hy_type_id type; /* the column's type id */
	union {
		bool b;
		int64_t i64;
		uint64_t u64;
		double f64;
		hy_i128 dec;
		struct hy_str str;
	} v;
};

/* Null rows of the column (or slice). O(1): counted when the column is built. */
int64_t hy_column_null_count(const struct hy_column *col);

/* Smallest and largest non-null value: NaN ignored for floats, strings and
 * bytes compared as unsigned bytes, false < true. All null, empty or all
 * NaN gives HY_VALUE_NONE in both. HY_EUNSUPPORTED for HY_NULL. */
int hy_column_min_max(const struct hy_column *col, struct hy_value *min, struct hy_value *max,
		      struct hy_error *err) HY_WUR;

/* Total order of two values of the same kind (-1, 0, 1); NONE sorts first. */
int hy_value_cmp(const struct hy_value *a, const struct hy_value *b);

#endif /* HYGGE_BATCH_H */
