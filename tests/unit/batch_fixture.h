/* A batch with one column per type (both decimal storages, both time
 * widths, timestamps with and without a zone), shared by the batch and
 * Arrow tests. Row i of column c holds fx_* values derived from i, and is
 * null when fx_is_null(c, i). Static functions: each test program includes it
 * once. */
#ifndef HY_BATCH_FIXTURE_H
#define HY_BATCH_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/batch.h"

#define FX_ROWS 37

enum {
	FX_NULL,
	FX_BOOL,
	FX_I8,
	FX_I16,
	FX_I32,
	FX_I64, /* not nullable, no nulls: no validity bitmap */
	FX_U8,
	FX_U16,
	FX_U32,
	FX_U64,
	FX_F32,
	FX_F64,
	FX_DEC9,
	FX_DEC38,
	FX_STR,
	FX_BIN,
	FX_FIXED,
	FX_UUID,
	FX_DATE,
	FX_TIME_MS,
	FX_TIME_NS,
	FX_TS_UTC,
	FX_TS_NS,
	FX_DUR,
	FX_NCOLS
};

static const char *const fx_names[FX_NCOLS] = {
	"n",     "b",    "i8",   "i16",     "i32",     "i64",    "u8",    "u16",
	"u32",   "u64",  "f32",  "f64",     "dec9",    "dec38",  "str",   "bin",
	"fixed", "uuid", "date", "time_ms", "time_ns", "ts_utc", "ts_ns", "dur"};

static inline struct hy_dtype fx_type(int c)
{
	static const enum hy_type_id ids[FX_NCOLS] = {
		HY_NULL,    HY_BOOL,    HY_INT8,   HY_INT16,     HY_INT32,        HY_INT64,
		HY_UINT8,   HY_UINT16,  HY_UINT32, HY_UINT64,    HY_FLOAT32,      HY_FLOAT64,
		HY_DECIMAL, HY_DECIMAL, HY_STRING, HY_BINARY,    HY_FIXED_BINARY, HY_UUID,
		HY_DATE,    HY_TIME,    HY_TIME,   HY_TIMESTAMP, HY_TIMESTAMP,    HY_DURATION};
	struct hy_dtype t = hy_dtype_simple(ids[c]);

	switch (c) {
	case FX_DEC9:
		t.precision = 9;
		t.scale = 2;
		break;
	case FX_DEC38:
		t.precision = 38;
		t.scale = 10;
		break;
	case FX_FIXED: t.width = 5; break;
	case FX_TIME_MS: t.unit = HY_UNIT_MILLI; break;
	case FX_TIME_NS: t.unit = HY_UNIT_NANO; break;
	case FX_TS_UTC:
		t.unit = HY_UNIT_MICRO;
		strcpy(t.tz, "UTC");
		break;
	case FX_TS_NS: t.unit = HY_UNIT_NANO; break;
	case FX_DUR: t.unit = HY_UNIT_SECOND; break;
	default: break;
	}
	return t;
}

static inline bool fx_is_null(int c, int64_t i)
{
	if (c == FX_NULL)
		return true;
	if (c == FX_I64)
		return false;
	if (c == FX_BOOL)
		return i % 5 == 2;
	return i % 3 == 1;
}

static inline int64_t fx_i64(int c, int64_t i)
{
	switch (c) {
	case FX_I8: return i * 5 - 90;
	case FX_I16: return i * 1000 - 20000;
	case FX_I32: return i * 100000 - 1;
	case FX_I64: return i * 1000000000000LL - 5;
	case FX_DEC9: return i * 12345 - 100000;
	case FX_DATE: return i * 1000 - 18000;
	case FX_TIME_MS: return i * 1000000;
	case FX_TIME_NS: return i * 1000000000000LL;
	case FX_TS_UTC: return 1700000000000000LL + i;
	case FX_TS_NS: return i;
	case FX_DUR: return -i;
	default: return 0;
	}
}

static inline uint64_t fx_u64(int c, int64_t i)
{
	switch (c) {
	case FX_U8: return (uint64_t)(i * 7 % 256);
	case FX_U16: return (uint64_t)i * 1000;
	case FX_U32: return (uint64_t)i * 100000000u;
	default: return UINT64_MAX - (uint64_t)i;
	}
}

static inline double fx_f64(int c, int64_t i)
{
	return c == FX_F32 ? (double)i * 0.5 : (double)i * 1.25 - 3;
}

static inline bool fx_bool(int64_t i)
{
	return i * 7 % 3 == 0;
}

static inline hy_i128 fx_dec38(int64_t i)
{
	hy_i128 p = 1;

	for (int k = 0; k < 30; k++)
		p *= 10;
	return (hy_i128)i * p - 7;
}

/* Bytes of row i of a string/binary/fixed/uuid column, into buf. */
static inline size_t fx_bytes(int c, int64_t i, uint8_t *buf)
{
	switch (c) {
	case FX_STR:
		return i == 0 ? 0 : (size_t)snprintf((char *)buf, 32, "v%lld", (long long)(i * i));
	case FX_BIN:
		buf[0] = (uint8_t)i;
		buf[1] = 0;
		buf[2] = (uint8_t)(255 - i);
		return 3;
	case FX_FIXED:
		for (int k = 0; k < 5; k++)
			buf[k] = (uint8_t)(i + k);
		return 5;
	default:
		for (int k = 0; k < 16; k++)
			buf[k] = (uint8_t)(i * 16 + k);
		return 16;
	}
}

static inline int fx_append(struct hy_builder *b, int c, int64_t i, struct hy_error *err)
{
	uint8_t buf[32];
	size_t n;

	if (fx_is_null(c, i))
		return hy_builder_append_null(b, err);
	switch (c) {
	case FX_BOOL: return hy_builder_append_bool(b, fx_bool(i), err);
	case FX_U8:
	case FX_U16:
	case FX_U32:
	case FX_U64: return hy_builder_append_u64(b, fx_u64(c, i), err);
	case FX_F32:
	case FX_F64: return hy_builder_append_f64(b, fx_f64(c, i), err);
	case FX_DEC38: return hy_builder_append_decimal128(b, fx_dec38(i), err);
	case FX_STR:
	case FX_BIN:
	case FX_FIXED:
	case FX_UUID: n = fx_bytes(c, i, buf); return hy_builder_append_str(b, buf, n, err);
	default: return hy_builder_append_i64(b, fx_i64(c, i), err);
	}
}

static inline int fx_schema(struct hy_schema **out, struct hy_error *err)
{
	struct hy_field f[FX_NCOLS];

	for (int c = 0; c < FX_NCOLS; c++) {
		f[c].name = (char *)fx_names[c];
		f[c].type = fx_type(c);
		f[c].nullable = c != FX_I64;
	}
	return hy_schema_create(f, FX_NCOLS, out, err);
}

/* Builds the fixture batch with rows [first, first+n) of the pattern.
 * Returns a status so it can run under failure injection. */
static inline int fx_batch(int64_t first, int64_t n, struct hy_batch **out, struct hy_error *err)
{
	struct hy_schema *schema = NULL;
	struct hy_column *cols[FX_NCOLS] = {0};
	struct hy_builder *b = NULL;
	int rc;

	*out = NULL;
	rc = fx_schema(&schema, err);
	for (int c = 0; c < FX_NCOLS && rc == 0; c++) {
		struct hy_dtype t = fx_type(c);

		rc = hy_builder_create(&t, &b, err);
		for (int64_t i = first; i < first + n && rc == 0; i++)
			rc = fx_append(b, c, i, err);
		if (rc == 0)
			rc = hy_builder_finish(b, &cols[c], err);
		hy_builder_destroy(b);
		b = NULL;
	}
	if (rc == 0)
		rc = hy_batch_create(schema, cols, n, out, err);
	for (int c = 0; c < FX_NCOLS; c++)
		hy_column_unref(cols[c]);
	hy_schema_unref(schema);
	return rc;
}

/* Asserts that row `row` of column `col` holds pattern row i of column c. */
static inline void fx_check_value(const struct hy_column *col, int c, int64_t row, int64_t i)
{
	uint8_t buf[32];
	size_t n;
	struct hy_str s;

	assert_int_equal(hy_column_is_null(col, row), fx_is_null(c, i));
	if (fx_is_null(c, i))
		return;
	switch (c) {
	case FX_BOOL: assert_int_equal(hy_column_get_bool(col, row), fx_bool(i)); break;
	case FX_U8:
	case FX_U16:
	case FX_U32:
	case FX_U64: assert_true(hy_column_get_u64(col, row) == fx_u64(c, i)); break;
	case FX_F32:
	case FX_F64: assert_true(hy_column_get_f64(col, row) == fx_f64(c, i)); break;
	case FX_DEC38: assert_true(hy_column_get_decimal(col, row) == fx_dec38(i)); break;
	case FX_STR:
	case FX_BIN:
	case FX_FIXED:
	case FX_UUID:
		n = fx_bytes(c, i, buf);
		s = hy_column_get_bytes(col, row);
		assert_int_equal(s.len, n);
		if (n > 0)
			assert_memory_equal(s.ptr, buf, n);
		break;
	case FX_DEC9:
		assert_true(hy_column_get_decimal(col, row) == fx_i64(c, i));
		assert_int_equal(hy_column_get_i64(col, row), fx_i64(c, i));
		break;
	default: assert_int_equal(hy_column_get_i64(col, row), fx_i64(c, i)); break;
	}
}

/* Asserts the whole batch holds pattern rows [first, first+nrows). */
static inline void fx_check_batch(const struct hy_batch *batch, int64_t first)
{
	for (int c = 0; c < FX_NCOLS; c++) {
		int64_t nulls = 0;

		for (int64_t r = 0; r < batch->nrows; r++) {
			fx_check_value(batch->cols[c], c, r, first + r);
			nulls += fx_is_null(c, first + r);
		}
		assert_int_equal(hy_column_null_count(batch->cols[c]), nulls);
	}
}

#endif /* HY_BATCH_FIXTURE_H */
