/* Test-only helpers for the Parquet writer tests.
 *
 * Round trip until hygge's streaming reader lands: rb_read_column() reads one
 * column of a written file back with the page reader (pq_pages.c) and the
 * decoders of pq_encoding.h into "physical rows" (null flag + PLAIN bytes of
 * the value), and rb_expect_column() computes the same from the source
 * hygge column with an independent implementation of the type mapping
 * (parquet.md section 8). rb_check_batch() compares them row by row.
 *
 * HOOK: when the reader is merged, rb_check_batch() gains a second pass that
 * reads the file with it and compares hy_column values with the source
 * (hy_column_get_* per row): the property test calls rb_check_batch() for
 * every file it writes, so that one function is the only place to extend. */
#ifndef PQ_WRITER_CHECK_H
#define PQ_WRITER_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/alloc.h"
#include "hygge/batch.h"
#include "hygge/parquet.h"
#include "hygge/parquet_writer.h"
#include "pq_int.h"

/* One column as physical rows: row i is null when nulls[i]; otherwise its
 * bytes are vals[offs[i] .. offs[i+1]). */
struct rb_col {
	int64_t n;
	uint8_t *nulls;
	int64_t *offs;
	struct hy_buf vals;
};

static inline void rb_init(struct rb_col *c, int64_t n)
{
	c->n = 0;
	c->nulls = calloc((size_t)n + 1, 1);
	c->offs = calloc((size_t)n + 2, sizeof(int64_t));
	hy_buf_init(&c->vals, (size_t)1 << 32);
}

static inline void rb_free(struct rb_col *c)
{
	free(c->nulls);
	free(c->offs);
	hy_buf_reset(&c->vals);
}

static inline void rb_push(struct rb_col *c, bool null, const void *p, size_t len)
{
	struct hy_error err = {0};

	c->nulls[c->n] = null;
	if (!null && len > 0)
		assert_int_equal(hy_buf_append(&c->vals, p, len, &err), 0);
	c->offs[++c->n] = (int64_t)c->vals.len;
}

/* ---- expected physical values, from the source column ---- */

static inline int64_t rb_floor_div(int64_t v, int64_t d)
{
	int64_t q = v / d;
	return (v % d != 0 && v < 0) ? q - 1 : q;
}

static inline int rb_flba_width(int precision)
{
	static const int digits[17] = {0,  2,  4,  6,  9,  11, 14, 16, 18,
				       21, 23, 26, 28, 31, 33, 35, 38};
	for (int n = 1; n <= 16; n++)
		if (digits[n] >= precision)
			return n;
	return 16;
}

/* Target unit of a time/timestamp under `ts_unit`; conversion of v. */
static inline int64_t rb_time_conv(const struct hy_dtype *t, int64_t v, int ts_unit)
{
	static const int64_t per_sec[4] = {1, 1000, 1000000, 1000000000};
	int target;

	if (t->id == HY_TIME && t->unit <= HY_UNIT_MILLI)
		target = HY_UNIT_MILLI;
	else if (t->unit == HY_UNIT_NANO && ts_unit == HY_UNIT_NANO)
		target = HY_UNIT_NANO;
	else
		target = HY_UNIT_MICRO;
	if (per_sec[target] >= per_sec[t->unit])
		return v * (per_sec[target] / per_sec[t->unit]);
	return rb_floor_div(v, per_sec[t->unit] / per_sec[target]);
}

static inline void rb_expect_column(const struct hy_column *col, int ts_unit, struct rb_col *out)
{
	const struct hy_dtype *t = &col->type;

	rb_init(out, col->length);
	for (int64_t i = 0; i < col->length; i++) {
		int32_t i32;
		int64_t i64;
		uint8_t be[16], b;

		if (hy_column_is_null(col, i)) {
			rb_push(out, true, NULL, 0);
			continue;
		}
		switch (t->id) {
		case HY_BOOL:
			b = hy_column_get_bool(col, i);
			rb_push(out, false, &b, 1);
			break;
		case HY_INT8:
		case HY_INT16:
		case HY_INT32:
		case HY_DATE:
			i32 = (int32_t)hy_column_get_i64(col, i);
			rb_push(out, false, &i32, 4);
			break;
		case HY_UINT8:
		case HY_UINT16:
		case HY_UINT32:
			i32 = (int32_t)(uint32_t)hy_column_get_u64(col, i);
			rb_push(out, false, &i32, 4);
			break;
		case HY_UINT64:
			i64 = (int64_t)hy_column_get_u64(col, i);
			rb_push(out, false, &i64, 8);
			break;
		case HY_INT64:
		case HY_DURATION:
			i64 = hy_column_get_i64(col, i);
			rb_push(out, false, &i64, 8);
			break;
		case HY_TIME:
		case HY_TIMESTAMP:
			i64 = rb_time_conv(t, hy_column_get_i64(col, i), ts_unit);
			if (t->id == HY_TIME && t->unit <= HY_UNIT_MILLI) {
				i32 = (int32_t)i64;
				rb_push(out, false, &i32, 4);
			} else {
				rb_push(out, false, &i64, 8);
			}
			break;
		case HY_FLOAT32: {
			float f = (float)hy_column_get_f64(col, i);
			rb_push(out, false, &f, 4);
			break;
		}
		case HY_FLOAT64: {
			double d = hy_column_get_f64(col, i);
			rb_push(out, false, &d, 8);
			break;
		}
		case HY_DECIMAL:
			if (t->precision <= 9) {
				i32 = (int32_t)hy_column_get_i64(col, i);
				rb_push(out, false, &i32, 4);
			} else if (t->precision <= 18) {
				i64 = hy_column_get_i64(col, i);
				rb_push(out, false, &i64, 8);
			} else {
				int w = rb_flba_width(t->precision);
				hy_i128 d = hy_column_get_decimal(col, i);
				for (int k = 0; k < w; k++)
					be[w - 1 - k] = (uint8_t)((hy_u128)d >> (8 * k));
				rb_push(out, false, be, (size_t)w);
			}
			break;
		default: {
			struct hy_str s = hy_column_get_bytes(col, i);
			rb_push(out, false, s.ptr, s.len);
			break;
		}
		}
	}
}

/* ---- read back through the page reader ---- */

static inline size_t rb_width(int ptype, int32_t tlen)
{
	switch (ptype) {
	case HY_PQ_BOOLEAN: return 1;
	case HY_PQ_INT32:
	case HY_PQ_FLOAT: return 4;
	case HY_PQ_INT64:
	case HY_PQ_DOUBLE: return 8;
	case HY_PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)tlen;
	default: return 0;
	}
}

/* Decodes `count` PLAIN values into physical rows appended to vals/offs. */
static inline void rb_plain(int ptype, size_t w, const uint8_t *src, size_t len, size_t count,
			    struct rb_col *dst)
{
	struct hy_error err = {0};
	size_t used = 0;

	if (ptype == HY_PQ_BOOLEAN) {
		uint8_t *b = calloc(count + 1, 1);
		assert_int_equal(hy_pq_plain_decode_bool(src, len, count, b, &used, &err), 0);
		for (size_t i = 0; i < count; i++)
			rb_push(dst, false, &b[i], 1);
		free(b);
	} else if (w > 0) {
		assert_true(count * w <= len);
		for (size_t i = 0; i < count; i++)
			rb_push(dst, false, src + i * w, w);
		used = count * w;
	} else {
		int32_t *offs = calloc(count + 1, sizeof(int32_t));
		struct hy_buf data;
		hy_buf_init(&data, (size_t)1 << 31);
		assert_int_equal(
			hy_pq_plain_decode_byte_array(src, len, count, offs, &data, &used, &err),
			0);
		for (size_t i = 0; i < count; i++)
			rb_push(dst, false, data.data + offs[i], (size_t)(offs[i + 1] - offs[i]));
		hy_buf_reset(&data);
		free(offs);
	}
	assert_int_equal(used, len); /* the page holds exactly the values */
}

/* Reads column `col` of every row group of the file in `src`. */
static inline void rb_read_column(const struct hy_pq_source *src, const struct hy_pq_metadata *md,
				  size_t col, struct rb_col *out)
{
	const struct hy_pq_schema_element *se = &md->schema[md->leaves[col].schema_index];
	size_t w = rb_width(se->type, se->type_length);

	rb_init(out, md->row_count);
	for (size_t g = 0; g < md->num_row_groups; g++) {
		struct hy__pq_pages pr;
		struct hy__pq_page pg;
		struct hy_error err = {0};
		struct rb_col dict, vals;
		bool eof = false;

		rb_init(&dict, 1 << 20);
		assert_int_equal(hy__pq_pages_open(&pr, src, md, g, col, &err), 0);
		for (;;) {
			int rc = hy__pq_pages_next(&pr, &pg, &eof, &err);
			if (rc != 0)
				fail_msg("page reader: %s", err.msg);
			if (eof)
				break;
			if (pg.header.type == HY_PQ_PAGE_DICTIONARY) {
				rb_plain(se->type, w, pg.values, pg.values_len, pg.num_levels,
					 &dict);
				continue;
			}
			rb_init(&vals, pg.num_present);
			if (pg.encoding == HY_PQ_ENC_RLE_DICTIONARY) {
				uint32_t *ix = calloc(pg.num_present + 1, 4);
				assert_int_equal(hy_pq_dict_indices_decode(
							 pg.values, pg.values_len, pg.num_present,
							 (size_t)dict.n, ix, &err),
						 0);
				for (size_t i = 0; i < pg.num_present; i++)
					rb_push(&vals, false, dict.vals.data + dict.offs[ix[i]],
						(size_t)(dict.offs[ix[i] + 1] - dict.offs[ix[i]]));
				free(ix);
			} else {
				assert_int_equal(pg.encoding, HY_PQ_ENC_PLAIN);
				rb_plain(se->type, w, pg.values, pg.values_len, pg.num_present,
					 &vals);
			}
			for (size_t i = 0, v = 0; i < pg.num_levels; i++) {
				bool null = pg.def_levels != NULL && pg.def_levels[i] == 0;
				if (null) {
					rb_push(out, true, NULL, 0);
				} else {
					rb_push(out, false, vals.vals.data + vals.offs[v],
						(size_t)(vals.offs[v + 1] - vals.offs[v]));
					v++;
				}
			}
			rb_free(&vals);
		}
		hy__pq_pages_close(&pr);
		rb_free(&dict);
	}
}

static inline void rb_compare(const struct rb_col *want, const struct rb_col *got, const char *what)
{
	if (want->n != got->n)
		fail_msg("%s: %lld rows written, %lld read", what, (long long)want->n,
			 (long long)got->n);
	for (int64_t i = 0; i < want->n; i++) {
		size_t wl = (size_t)(want->offs[i + 1] - want->offs[i]);
		size_t gl = (size_t)(got->offs[i + 1] - got->offs[i]);
		if (want->nulls[i] != got->nulls[i])
			fail_msg("%s: row %lld: null %d written, %d read", what, (long long)i,
				 want->nulls[i], got->nulls[i]);
		if (wl != gl || (wl > 0 && memcmp(want->vals.data + want->offs[i],
						  got->vals.data + got->offs[i], wl) != 0))
			fail_msg("%s: row %lld: value differs", what, (long long)i);
	}
}

/* Every column of `batch` (the concatenation of what was written) against
 * the file at `data`/`len`. */
static inline void rb_check_batch(const void *data, size_t len, const struct hy_batch *batch,
				  int ts_unit)
{
	struct hy_pq_source src;
	struct hy_pq_metadata *md = NULL;
	struct hy_error err = {0};

	hy_pq_source_init_memory(&src, data, len);
	if (hy_pq_metadata_read(&src, &md, &err) != 0)
		fail_msg("footer: %s", err.msg);
	assert_int_equal(md->row_count, batch->nrows);
	assert_int_equal(md->num_leaves, hy_schema_nfields(batch->schema));
	for (size_t c = 0; c < md->num_leaves; c++) {
		struct rb_col want, got;

		rb_expect_column(batch->cols[c], ts_unit, &want);
		rb_read_column(&src, md, c, &got);
		rb_compare(&want, &got, hy_schema_field(batch->schema, c)->name);
		rb_free(&want);
		rb_free(&got);
	}
	hy_pq_metadata_destroy(md);
}

/* ---- writing ---- */

struct out {
	struct hy_buf buf;
	struct hy_pq_sink sink;
};

static inline void out_init(struct out *o)
{
	hy_buf_init(&o->buf, (size_t)1 << 31);
	hy_pq_sink_init_memory(&o->sink, &o->buf);
}

static inline void out_free(struct out *o)
{
	hy_pq_sink_close(&o->sink);
	hy_buf_reset(&o->buf);
}

/* Writes `batches` (each may be NULL = skipped) with `opts` into o. */
static inline void write_batches(struct out *o, struct hy_schema *schema,
				 const struct hy_pq_writer_options *opts, struct hy_batch **batches,
				 size_t n)
{
	struct hy_pq_writer *w = NULL;
	struct hy_error err = {0};

	if (hy_pq_writer_open(&w, schema, opts, &o->sink, &err) != 0)
		fail_msg("open: %s", err.msg);
	for (size_t i = 0; i < n; i++)
		if (batches[i] != NULL && hy_pq_writer_write(w, batches[i], &err) != 0)
			fail_msg("write: %s", err.msg);
	if (hy_pq_writer_finish(w, &err) != 0)
		fail_msg("finish: %s", err.msg);
	hy_pq_writer_close(w);
}

#endif /* PQ_WRITER_CHECK_H */
