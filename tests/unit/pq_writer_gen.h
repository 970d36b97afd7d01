/* Test-only: random batches of every hygge type for the Parquet writer's
 * property test and oracle files. Values mix uniform random bits with the
 * awkward cases (extremes, NaN, -0.0, infinities, empty strings, multi-byte
 * UTF-8, values longer than the 64-byte statistics bound, dates before 1970,
 * decimal(38,x), timestamps with and without a zone, nanoseconds). */
#ifndef PQ_WRITER_GEN_H
#define PQ_WRITER_GEN_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/batch.h"
#include "pq_writer_check.h"

struct gen_col {
	const char *name;
	enum hy_type_id id;
	int unit; /* or precision for decimals, width for fixed */
	int scale;
	const char *tz;
	bool nullable;
};

static const struct gen_col gen_cols[] = {
	{"b", HY_BOOL, 0, 0, NULL, true},
	{"i8", HY_INT8, 0, 0, NULL, true},
	{"i16", HY_INT16, 0, 0, NULL, true},
	{"i32", HY_INT32, 0, 0, NULL, true},
	{"i64", HY_INT64, 0, 0, NULL, false},
	{"u8", HY_UINT8, 0, 0, NULL, true},
	{"u16", HY_UINT16, 0, 0, NULL, true},
	{"u32", HY_UINT32, 0, 0, NULL, true},
	{"u64", HY_UINT64, 0, 0, NULL, true},
	{"f32", HY_FLOAT32, 0, 0, NULL, true},
	{"f64", HY_FLOAT64, 0, 0, NULL, true},
	{"dec4_2", HY_DECIMAL, 4, 2, NULL, true},
	{"dec18_3", HY_DECIMAL, 18, 3, NULL, true},
	{"dec25_5", HY_DECIMAL, 25, 5, NULL, true},
	{"dec38_10", HY_DECIMAL, 38, 10, NULL, true},
	{"str", HY_STRING, 0, 0, NULL, true},
	{"str_few", HY_STRING, 0, 0, NULL, false},
	{"bin", HY_BINARY, 0, 0, NULL, true},
	{"fixed5", HY_FIXED_BINARY, 5, 0, NULL, true},
	{"uuid", HY_UUID, 0, 0, NULL, true},
	{"date", HY_DATE, 0, 0, NULL, true},
	{"time_s", HY_TIME, HY_UNIT_SECOND, 0, NULL, true},
	{"time_ms", HY_TIME, HY_UNIT_MILLI, 0, NULL, true},
	{"time_us", HY_TIME, HY_UNIT_MICRO, 0, NULL, true},
	{"time_ns", HY_TIME, HY_UNIT_NANO, 0, NULL, true},
	{"ts_us", HY_TIMESTAMP, HY_UNIT_MICRO, 0, NULL, true},
	{"ts_us_utc", HY_TIMESTAMP, HY_UNIT_MICRO, 0, "UTC", true},
	{"ts_ms_tz", HY_TIMESTAMP, HY_UNIT_MILLI, 0, "+01:00", true},
	{"ts_s", HY_TIMESTAMP, HY_UNIT_SECOND, 0, NULL, true},
	{"ts_ns", HY_TIMESTAMP, HY_UNIT_NANO, 0, NULL, true},
	{"ts_ns_utc", HY_TIMESTAMP, HY_UNIT_NANO, 0, "UTC", true},
	{"dur_ms", HY_DURATION, HY_UNIT_MILLI, 0, NULL, true},
	{"nothing", HY_NULL, 0, 0, NULL, true},
};

#define GEN_NCOLS (sizeof(gen_cols) / sizeof(gen_cols[0]))

static inline uint64_t gen_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static inline int64_t gen_range(uint64_t *s, int64_t lo, int64_t hi) /* inclusive */
{
	return lo + (int64_t)(gen_next(s) % (uint64_t)(hi - lo + 1));
}

static inline struct hy_dtype gen_type(const struct gen_col *g)
{
	struct hy_dtype t = hy_dtype_simple(g->id);
	struct hy_error err = {0};

	switch (g->id) {
	case HY_DECIMAL: assert_int_equal(hy_dtype_decimal(g->unit, g->scale, &t, &err), 0); break;
	case HY_FIXED_BINARY: assert_int_equal(hy_dtype_fixed_binary(g->unit, &t, &err), 0); break;
	case HY_TIME: assert_int_equal(hy_dtype_time(g->unit, &t, &err), 0); break;
	case HY_TIMESTAMP: assert_int_equal(hy_dtype_timestamp(g->unit, g->tz, &t, &err), 0); break;
	case HY_DURATION: assert_int_equal(hy_dtype_duration(g->unit, &t, &err), 0); break;
	default: break;
	}
	return t;
}

static inline struct hy_schema *gen_schema(void)
{
	struct hy_field f[GEN_NCOLS];
	struct hy_schema *s = NULL;
	struct hy_error err = {0};

	for (size_t c = 0; c < GEN_NCOLS; c++) {
		f[c].name = (char *)gen_cols[c].name;
		f[c].type = gen_type(&gen_cols[c]);
		f[c].nullable = gen_cols[c].nullable;
	}
	assert_int_equal(hy_schema_create(f, GEN_NCOLS, &s, &err), 0);
	return s;
}

static inline hy_i128 gen_pow10(int n)
{
	hy_i128 p = 1;
	while (n-- > 0)
		p *= 10;
	return p;
}

/* A signed value in (-10^digits, 10^digits), often an extreme or 0. */
static inline hy_i128 gen_digits(uint64_t *s, int digits)
{
	hy_i128 lim = gen_pow10(digits) - 1, v;

	switch (gen_next(s) % 8) {
	case 0: return lim;
	case 1: return -lim;
	case 2: return 0;
	default:
		v = (hy_i128)((((hy_u128)gen_next(s) << 64) | gen_next(s)) % (hy_u128)(lim + 1));
		return gen_next(s) & 1 ? -v : v;
	}
}

static inline size_t gen_utf8(uint64_t *s, char *buf, bool few)
{
	static const char *const parts[] = {"a",    "Z", "0", " ",  "é",  "€", "ü",
					    "日本", "𝄞", "😀", "\"", "\\", "\t"};
	size_t n = 0, len;

	if (few) {
		static const char *const words[] = {"", "alpha", "beta", "gamma", "δέλτα", "€uro"};
		const char *w = words[gen_next(s) % 6];
		memcpy(buf, w, strlen(w));
		return strlen(w);
	}
	switch (gen_next(s) % 10) {
	case 0: return 0;
	case 1: len = 40; break; /* often past the 64-byte bound once multi-byte */
	default: len = (size_t)gen_range(s, 1, 12); break;
	}
	for (size_t i = 0; i < len; i++) {
		const char *p = parts[gen_next(s) % (sizeof(parts) / sizeof(parts[0]))];
		memcpy(buf + n, p, strlen(p));
		n += strlen(p);
	}
	if (gen_next(s) % 16 == 0) { /* a long run of U+10FFFF-adjacent high code points */
		for (int k = 0; k < 20; k++) {
			memcpy(buf + n, "\xf4\x8f\xbf\xbf", 4);
			n += 4;
		}
	}
	return n;
}

static inline double gen_double(uint64_t *s)
{
	static const double special[] = {0.0,    -0.0,   1.0,      -1.5,     1e308,
					 -1e308, 5e-324, INFINITY, -INFINITY};
	double d;
	uint64_t bits;

	switch (gen_next(s) % 6) {
	case 0: return special[gen_next(s) % 9];
	case 1: return NAN;
	case 2:
		bits = gen_next(s);
		memcpy(&d, &bits, 8);
		return d;
	default: return (double)gen_range(s, -1000000, 1000000) / 64.0;
	}
}

static inline int gen_append(struct hy_builder *b, const struct gen_col *g, uint64_t *s)
{
	struct hy_error err = {0};
	char buf[512];
	int rc;

	if (g->id == HY_NULL || (g->nullable && gen_next(s) % 5 == 0))
		return hy_builder_append_null(b, &err);
	switch (g->id) {
	case HY_BOOL: return hy_builder_append_bool(b, gen_next(s) & 1, &err);
	case HY_INT8: return hy_builder_append_i64(b, gen_range(s, INT8_MIN, INT8_MAX), &err);
	case HY_INT16: return hy_builder_append_i64(b, gen_range(s, INT16_MIN, INT16_MAX), &err);
	case HY_INT32:
		return hy_builder_append_i64(
			b, gen_next(s) % 4 ? gen_range(s, -5, 5) : (int32_t)gen_next(s), &err);
	case HY_INT64: {
		static const int64_t ex[] = {INT64_MIN, INT64_MAX, 0, -1};
		int64_t v = gen_next(s) % 4 ? (int64_t)gen_next(s) : ex[gen_next(s) % 4];
		return hy_builder_append_i64(b, v, &err);
	}
	case HY_UINT8: return hy_builder_append_u64(b, gen_next(s) % 256, &err);
	case HY_UINT16: return hy_builder_append_u64(b, gen_next(s) % 65536, &err);
	case HY_UINT32:
		return hy_builder_append_u64(
			b, gen_next(s) % 3 ? (uint32_t)gen_next(s) : UINT32_MAX, &err);
	case HY_UINT64:
		return hy_builder_append_u64(b, gen_next(s) % 3 ? gen_next(s) : UINT64_MAX, &err);
	case HY_FLOAT32: {
		double d = gen_double(s);
		return hy_builder_append_f64(b, isfinite(d) && fabs(d) > 3e38 ? 3e38 : d, &err);
	}
	case HY_FLOAT64: return hy_builder_append_f64(b, gen_double(s), &err);
	case HY_DECIMAL:
		if (g->unit > 18)
			return hy_builder_append_decimal128(b, gen_digits(s, g->unit), &err);
		return hy_builder_append_i64(b, (int64_t)gen_digits(s, g->unit), &err);
	case HY_STRING: {
		size_t n = gen_utf8(s, buf, !g->nullable);
		return hy_builder_append_str(b, buf, n, &err);
	}
	case HY_BINARY: {
		size_t n = (size_t)gen_range(s, 0, gen_next(s) % 8 ? 10 : 90);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(gen_next(s) % 3 ? 0xff : gen_next(s));
		return hy_builder_append_str(b, buf, n, &err);
	}
	case HY_FIXED_BINARY:
	case HY_UUID: {
		size_t n = g->id == HY_UUID ? 16 : (size_t)g->unit;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)gen_next(s);
		return hy_builder_append_str(b, buf, n, &err);
	}
	case HY_DATE: return hy_builder_append_i64(b, gen_range(s, -700000, 700000), &err);
	case HY_TIME: {
		static const int64_t day[4] = {86400, 86400000, 86400000000, 86400000000000};
		return hy_builder_append_i64(b, gen_range(s, 0, day[g->unit] - 1), &err);
	}
	case HY_TIMESTAMP: {
		static const int64_t lim[4] = {100000000000LL, 100000000000000LL,
					       100000000000000000LL, INT64_MAX / 2};
		rc = hy_builder_append_i64(b, gen_range(s, -lim[g->unit], lim[g->unit]), &err);
		return rc;
	}
	case HY_DURATION: return hy_builder_append_i64(b, (int64_t)gen_next(s) / 4, &err);
	default: return hy_builder_append_null(b, &err);
	}
}

/* `nrows` random rows of gen_schema() from `seed`. */
static inline struct hy_batch *gen_batch(struct hy_schema *schema, int64_t nrows, uint64_t seed)
{
	struct hy_column *cols[GEN_NCOLS];
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};
	uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;

	for (size_t c = 0; c < GEN_NCOLS; c++) {
		struct hy_builder *b = NULL;
		const struct hy_field *f = hy_schema_field(schema, c);

		assert_int_equal(hy_builder_create(&f->type, &b, &err), 0);
		for (int64_t i = 0; i < nrows; i++)
			if (gen_append(b, &gen_cols[c], &s) != 0)
				fail_msg("gen %s row %lld", f->name, (long long)i);
		assert_int_equal(hy_builder_finish(b, &cols[c], &err), 0);
		hy_builder_destroy(b);
	}
	assert_int_equal(hy_batch_create(schema, cols, nrows, &batch, &err), 0);
	for (size_t c = 0; c < GEN_NCOLS; c++)
		hy_column_unref(cols[c]);
	return batch;
}

/* The property round trip: six random batches (one empty) of every type,
 * written in row groups of 700 rows and pages of 150, read back and
 * compared (rb_check_batch). */
static inline void rb_roundtrip(int codec, int level, int ts_unit, uint64_t seed,
				struct hy_pool *pool)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *batches[6], *all = NULL;
	struct hy_pq_writer_options o;
	struct hy_error err = {0};
	struct out out;
	uint64_t s = seed;

	hy_pq_writer_options_init(&o);
	o.codec = codec;
	o.level = level;
	o.timestamp_unit = ts_unit;
	o.row_group_rows = 700; /* several row groups ... */
	o.page_rows = 150;      /* ... of several pages */
	o.pool = pool;
	for (size_t i = 0; i < 6; i++)
		batches[i] = gen_batch(schema, i == 2 ? 0 : gen_range(&s, 1, 600), seed * 10 + i);
	out_init(&out);
	write_batches(&out, schema, &o, batches, 6);
	assert_int_equal(hy_batch_concat(batches, 6, &all, &err), 0);
	rb_check_batch(out.buf.data, out.buf.len, all, ts_unit);
	hy_batch_unref(all);
	for (size_t i = 0; i < 6; i++)
		hy_batch_unref(batches[i]);
	out_free(&out);
	hy_schema_unref(schema);
}

#endif /* PQ_WRITER_GEN_H */
