/* The streaming reader: row group by row group, the projected column chunks
 * are decoded (in parallel on a pool when one is given) straight into the
 * buffers of hygge columns, then handed out as zero-copy slices
 * (docs/internals/parquet.md, "The reader").
 *
 * Per data page: the non-null values are produced densely at the column's
 * current end (converted to the hygge storage on the way: narrowing,
 * INT96, FLOAT16, big-endian decimals), then spread over the page's rows by
 * the definition levels (backwards in place for fixed-width values, offsets
 * forwards for byte arrays), and the validity bits set. Dictionary pages are
 * converted once into the same storage and indices gather from them, so a
 * chunk that falls back from dictionary to PLAIN mid-way needs nothing
 * special. With keep_dictionary, string/binary chunks whose pages are all
 * dictionary-encoded keep the indices instead and come out in dictionary
 * form; a fallback converts the rows so far and goes on plain.
 *
 * Buffers: the column's output buffers are handed to the batches (new
 * memory per chunk); page and decode scratch is kept per column from chunk
 * to chunk. With a pool the next row group is decoded into a second set of
 * columns while the current one is consumed. */
#include <math.h>
#include <string.h>

#include "hygge/alloc.h"
#include "hygge/batch.h"
#include "hygge/pool.h"
#include "hygge/types.h"
#include "pq_int.h"

#define FIXED_MAX ((size_t)HY_MAX_COLUMN_ROWS * 16 + 64)

struct col {
	size_t leaf;
	const char *name; /* the leaf's dotted path, owned by the metadata */
	struct hy_dtype type;
	int conv;       /* enum hy__pq_conv */
	int ptype;      /* physical type */
	size_t pw;      /* physical bytes per value; 0 for BYTE_ARRAY */
	size_t ow;      /* storage bytes per value while decoding (bool: 1); 0 for var */
	bool var;       /* offsets + data */
	bool want_dict; /* keep_dictionary and a string/binary column */
	int16_t max_def;
	/* one row group's decoding */
	struct hy_buf vals;  /* fixed: rows * ow; var: rows + 1 int32 offsets */
	struct hy_buf data;  /* var: the bytes */
	struct hy_buf valid; /* validity bits */
	int64_t rows, nulls;
	/* dictionary output: while every page with values was dictionary-
	 * encoded, vals holds int32 indices into dict_vals/dict_data */
	bool dict_mode;
	bool has_dict;
	size_t dict_n;
	struct hy_buf dict_vals, dict_data; /* the dictionary in the storage form */
	struct hy_buf tmp, tmp_data, doff, idx;
	/* block sizes the last row group's output needed: what to ask the
	 * recycler for before decoding the next one */
	size_t data_hint, dict_vals_hint, dict_data_hint;
	/* the chunk's pages; its scratch is kept from row group to row group */
	struct hy__pq_pages pages;
	bool pages_open;
	struct hy_column *result;
	/* task plumbing */
	struct hy_pq_reader *r;
	size_t rg;
};

struct hy_pq_reader {
	struct hy_pq_source own_src;
	bool owns_src;
	const struct hy_pq_source *src;
	struct hy_pq_metadata *md;
	struct hy_schema *schema;
	/* Two sets of columns when decoding on a pool: batches are cut from
	 * cols (= slots[cur]) while the next row group is decoded into the
	 * other set (prefetch); serially only slots[0]. */
	struct col *cols;
	struct col *slots[2];
	int cur;
	size_t ncols;
	bool pending; /* a prefetch is in flight in slots[1 - cur] */
	bool no_prefetch;
	size_t pending_rg;
	int pending_rc; /* a failure to submit it */
	struct hy_pool_group group;
	struct hy_error pending_err;
	int64_t max_rows;
	bool verify_crc;
	bool keep_dict;
	struct hy_pool *pool;
	struct hy__pq_recycler *recycler;
	size_t next_rg;
	int64_t rg_rows, rg_pos;
};

/* ---- buffers ---- */

static void col_bufs_init(struct col *c)
{
	hy_buf_init(&c->vals, FIXED_MAX);
	hy_buf_init(&c->data, HY_MAX_VAR_BYTES);
	hy_buf_init(&c->valid, (size_t)HY_MAX_COLUMN_ROWS / 8 + 64);
	hy_buf_init(&c->dict_vals, FIXED_MAX);
	hy_buf_init(&c->dict_data, HY_MAX_VAR_BYTES);
	hy_buf_init(&c->tmp, FIXED_MAX);
	hy_buf_init(&c->tmp_data, HY_MAX_VAR_BYTES);
	hy_buf_init(&c->doff, (size_t)HY_PQ_MAX_PAGE_VALUES * 4 + 64);
	hy_buf_init(&c->idx, (size_t)HY_PQ_MAX_PAGE_VALUES * 4 + 64);
}

static void col_bufs_reset(struct col *c)
{
	hy_buf_reset(&c->vals);
	hy_buf_reset(&c->data);
	hy_buf_reset(&c->valid);
	hy_buf_reset(&c->dict_vals);
	hy_buf_reset(&c->dict_data);
	hy_buf_reset(&c->tmp);
	hy_buf_reset(&c->tmp_data);
	hy_buf_reset(&c->doff);
	hy_buf_reset(&c->idx);
	if (c->pages_open)
		hy__pq_pages_close(&c->pages);
	c->pages_open = false;
}

/* `n` bytes of scratch in b (its old contents dropped). */
static void *scratch(struct hy_buf *b, size_t n, struct hy_error *err, int *rc)
{
	hy_buf_clear(b);
	*rc = hy_buf_reserve(b, n + 8, err);
	if (*rc != 0)
		return NULL;
	b->len = n;
	return b->data;
}

/* Grows b to `len` bytes, zeroing the new ones. */
static int grow_to(struct hy_buf *b, size_t len, struct hy_error *err)
{
	if (len <= b->len)
		return 0;
	HY_TRY(hy_buf_reserve(b, len - b->len, err));
	memset(b->data + b->len, 0, len - b->len);
	b->len = len;
	return 0;
}

/* Sets b's length to `len` bytes (at least its current one) without zeroing
 * the new ones: for values that the caller writes in full. */
static int extend_to(struct hy_buf *b, size_t len, struct hy_error *err)
{
	if (len <= b->len)
		return 0;
	HY_TRY(hy_buf_reserve(b, len - b->len, err));
	b->len = len;
	return 0;
}

/* One value of `w` bytes, with a fixed-size copy for the usual widths (a
 * libc call per value would dominate the gather and spread loops). */
static inline void copy_value(uint8_t *dst, const uint8_t *src, size_t w)
{
	switch (w) {
	case 1: *dst = *src; return;
	case 2: memcpy(dst, src, 2); return;
	case 4: memcpy(dst, src, 4); return;
	case 8: memcpy(dst, src, 8); return;
	case 16: memcpy(dst, src, 16); return;
	default: memmove(dst, src, w); return;
	}
}

/* ---- conversions ---- */

static int be_decimal(const uint8_t *p, size_t len, bool wide, uint8_t *dst, struct hy_error *err)
{
	uint8_t sign = len > 0 && (p[0] & 0x80) ? 0xff : 0x00;
	hy_u128 u = sign ? ~(hy_u128)0 : 0;
	hy_i128 v;
	size_t skip = len > 16 ? len - 16 : 0;

	for (size_t i = 0; i < skip; i++)
		if (p[i] != sign)
			return hy_error_set(err, HY_EFORMAT, "a %zu-byte decimal passes 128 bits",
					    len);
	for (size_t i = skip; i < len; i++)
		u = u << 8 | p[i];
	v = (hy_i128)u;
	if (skip > 0 && (v < 0) != (sign != 0))
		return hy_error_set(err, HY_EFORMAT, "a %zu-byte decimal passes 128 bits", len);
	if (wide) {
		memcpy(dst, &v, 16);
		return 0;
	}
	if (v < INT64_MIN || v > INT64_MAX)
		return hy_error_set(err, HY_EFORMAT,
				    "a decimal value passes 18 digits of its declared precision");
	{
		int64_t x = (int64_t)v;

		memcpy(dst, &x, 8);
	}
	return 0;
}

static float half_to_float(uint16_t h)
{
	int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
	float v;

	if (exp == 0)
		v = ldexpf((float)mant, -24);
	else if (exp == 31)
		v = mant != 0 ? NAN : INFINITY;
	else
		v = ldexpf((float)(mant | 0x400), exp - 25);
	return (h & 0x8000) ? -v : v;
}

/* `n` physical values of pw bytes at src -> storage at dst. */
static int convert(const struct col *c, const uint8_t *src, size_t n, uint8_t *dst,
		   struct hy_error *err)
{
	switch (c->conv) {
	case HY__PQ_CV_BOOL:
	case HY__PQ_CV_COPY:
		if (n > 0 && src != dst)
			memmove(dst, src, n * c->pw);
		return 0;
	case HY__PQ_CV_I32_I8:
	case HY__PQ_CV_I32_I16:
	case HY__PQ_CV_I32_U8:
	case HY__PQ_CV_I32_U16: {
		int32_t lo = c->conv == HY__PQ_CV_I32_I8    ? INT8_MIN
			     : c->conv == HY__PQ_CV_I32_I16 ? INT16_MIN
							    : 0;
		int32_t hi = c->conv == HY__PQ_CV_I32_I8    ? INT8_MAX
			     : c->conv == HY__PQ_CV_I32_I16 ? INT16_MAX
			     : c->conv == HY__PQ_CV_I32_U8  ? UINT8_MAX
							    : UINT16_MAX;

		for (size_t i = 0; i < n; i++) {
			int32_t v;

			memcpy(&v, src + 4 * i, 4);
			if (v < lo || v > hi)
				return hy_error_set(err, HY_EFORMAT,
						    "value %d does not fit the column's %s", (int)v,
						    hy_type_name(c->type.id));
			if (c->ow == 1) {
				dst[i] = (uint8_t)v;
			} else {
				uint16_t s = (uint16_t)v;

				memcpy(dst + 2 * i, &s, 2);
			}
		}
		return 0;
	}
	case HY__PQ_CV_I32_I64:
	case HY__PQ_CV_I32_I128:
	case HY__PQ_CV_I64_I128:
		/* backwards: dst may be src (a wider view of the same bytes) */
		for (size_t i = n; i-- > 0;) {
			int64_t v;

			if (c->conv == HY__PQ_CV_I64_I128) {
				memcpy(&v, src + 8 * i, 8);
			} else {
				int32_t w;

				memcpy(&w, src + 4 * i, 4);
				v = w;
			}
			if (c->ow == 8) {
				memcpy(dst + 8 * i, &v, 8);
			} else {
				hy_i128 x = v;

				memcpy(dst + 16 * i, &x, 16);
			}
		}
		return 0;
	case HY__PQ_CV_INT96:
		/* Spark's fromJulianDay in wrapping int64 arithmetic: Spark wrote
		 * years past ~290000 with a wrapped Julian day, and this undoes it
		 * (int96_from_spark.parquet: 9089380393200000000 us) */
		for (size_t i = 0; i < n; i++) {
			int64_t nanos;
			int32_t jd;
			uint64_t us;

			memcpy(&nanos, src + 12 * i, 8);
			memcpy(&jd, src + 12 * i + 8, 4);
			us = (uint64_t)((int64_t)jd - 2440588) * 86400000000ULL +
			     (uint64_t)(nanos / 1000);
			memcpy(dst + 8 * i, &us, 8);
		}
		return 0;
	case HY__PQ_CV_F16:
		for (size_t i = n; i-- > 0;) {
			uint16_t h;
			float f;

			memcpy(&h, src + 2 * i, 2);
			f = half_to_float(h);
			memcpy(dst + 4 * i, &f, 4);
		}
		return 0;
	case HY__PQ_CV_DEC64:
	case HY__PQ_CV_DEC128:
		for (size_t i = 0; i < n; i++)
			HY_TRY(be_decimal(src + c->pw * i, c->pw, c->conv == HY__PQ_CV_DEC128,
					  dst + c->ow * i, err));
		return 0;
	}
	return hy_error_set(err, HY_ESTATE, "parquet: conversion %d of fixed values", c->conv);
}

/* Byte-array values (offsets into data) -> decimal storage. */
static int convert_var(const struct col *c, const int32_t *off, const uint8_t *data, size_t n,
		       uint8_t *dst, struct hy_error *err)
{
	for (size_t i = 0; i < n; i++)
		HY_TRY(be_decimal(data + off[i], (size_t)(off[i + 1] - off[i]),
				  c->conv == HY__PQ_CV_DEC128, dst + c->ow * i, err));
	return 0;
}

/* ---- values of one page ---- */

/* Decodes `n` byte arrays (PLAIN, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY)
 * appending to `data`, offsets into `off` (n + 1, off[0] = data->len). */
static int decode_var(struct col *c, int enc, const uint8_t *p, size_t len, size_t n, int32_t *off,
		      struct hy_buf *data, struct hy_error *err)
{
	size_t fixed = c->ptype == HY_PQ_FIXED_LEN_BYTE_ARRAY ? c->pw : 0;
	int rc;

	if (data->len > (size_t)INT32_MAX)
		return hy_error_set(err, HY_ELIMIT, "more than 2 GiB of values");
	off[0] = (int32_t)data->len;
	switch (enc) {
	case HY_PQ_ENC_PLAIN: return hy_pq_plain_decode_byte_array(p, len, n, off, data, NULL, err);
	case HY_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
		return hy_pq_delta_length_decode(p, len, n, off, data, NULL, err);
	case HY_PQ_ENC_DELTA_BYTE_ARRAY: {
		int32_t *pre = scratch(&c->idx, n * 4, err, &rc);

		if (pre == NULL)
			return rc;
		return hy_pq_delta_byte_array_decode(p, len, n, fixed, off, pre, data, NULL, err);
	}
	}
	return hy_error_set(err, HY_EUNSUPPORTED, "encoding %s (%d) for %s values",
			    hy_pq_encoding_name(enc), enc, hy_pq_type_name(c->ptype));
}

/* Decodes `n` fixed-width physical values into `out` (n * pw bytes). */
static int decode_fixed(struct col *c, int enc, const uint8_t *p, size_t len, size_t n,
			uint8_t *out, struct hy_error *err)
{
	int rc;

	switch (enc) {
	case HY_PQ_ENC_PLAIN:
		if (c->ptype == HY_PQ_BOOLEAN)
			return hy_pq_plain_decode_bool(p, len, n, out, NULL, err);
		return hy_pq_plain_decode_fixed(p, len, n, c->pw, out, NULL, err);
	case HY_PQ_ENC_RLE:
		if (c->ptype == HY_PQ_BOOLEAN) {
			uint32_t *t = scratch(&c->idx, n * 4, err, &rc);

			if (t == NULL)
				return rc;
			HY_TRY(hy_pq_rle_decode_prefixed(p, len, 1, n, t, NULL, err));
			for (size_t i = 0; i < n; i++)
				out[i] = (uint8_t)t[i];
			return 0;
		}
		break;
	case HY_PQ_ENC_DELTA_BINARY_PACKED:
		if (c->ptype == HY_PQ_INT32)
			return hy_pq_delta_decode_int32(p, len, n, (int32_t *)(void *)out, NULL,
							err);
		if (c->ptype == HY_PQ_INT64)
			return hy_pq_delta_decode_int64(p, len, n, (int64_t *)(void *)out, NULL,
							err);
		break;
	case HY_PQ_ENC_BYTE_STREAM_SPLIT:
		if (c->ptype != HY_PQ_BOOLEAN && c->ptype != HY_PQ_INT96)
			return hy_pq_bss_decode(p, len, n, c->pw, out, err);
		break;
	case HY_PQ_ENC_DELTA_BYTE_ARRAY:
		if (c->ptype == HY_PQ_FIXED_LEN_BYTE_ARRAY) {
			int32_t *off = scratch(&c->doff, (n + 1) * 4, err, &rc);

			if (off == NULL)
				return rc;
			hy_buf_clear(&c->tmp_data);
			HY_TRY(decode_var(c, enc, p, len, n, off, &c->tmp_data, err));
			if (n > 0)
				memcpy(out, c->tmp_data.data, n * c->pw);
			return 0;
		}
		break;
	}
	return hy_error_set(err, HY_EUNSUPPORTED, "encoding %s (%d) for %s values",
			    hy_pq_encoding_name(enc), enc, hy_pq_type_name(c->ptype));
}

/* Physical values of a page (or a dictionary) -> storage. Fixed storage goes
 * to `dst` (n * ow bytes); var storage is appended to `data` with offsets
 * in `off` (n + 1). */
static int produce(struct col *c, int enc, const uint8_t *p, size_t len, size_t n, uint8_t *dst,
		   int32_t *off, struct hy_buf *data, struct hy_error *err)
{
	uint8_t *phys;
	int rc;

	/* each storage always has its buffers; the checks say so to the analyzer */
	if (c->conv == HY__PQ_CV_BYTES)
		return off == NULL ? hy_error_set(err, HY_ESTATE, "parquet: no offsets buffer")
				   : decode_var(c, enc, p, len, n, off, data, err);
	if (dst == NULL)
		return hy_error_set(err, HY_ESTATE, "parquet: no buffer for %zu values", n);
	if (c->ptype == HY_PQ_BYTE_ARRAY) { /* decimals */
		int32_t *o = scratch(&c->doff, (n + 1) * 4, err, &rc);

		if (o == NULL)
			return rc;
		hy_buf_clear(&c->tmp_data);
		HY_TRY(decode_var(c, enc, p, len, n, o, &c->tmp_data, err));
		return convert_var(c, o, c->tmp_data.data, n, dst, err);
	}
	/* conversions that keep or widen the width work in place */
	if (c->ow >= c->pw && c->conv != HY__PQ_CV_DEC64 && c->conv != HY__PQ_CV_DEC128) {
		phys = dst;
	} else {
		phys = scratch(&c->tmp, n * c->pw, err, &rc);
		if (phys == NULL)
			return rc;
	}
	HY_TRY(decode_fixed(c, enc, p, len, n, phys, err));
	return convert(c, phys, n, dst, err);
}

static int dictionary_page(struct col *c, const struct hy__pq_page *pg, struct hy_error *err)
{
	size_t n = pg->num_present;
	int32_t *off = NULL;
	uint8_t *dst = NULL;
	int rc;

	if (n > HY_PQ_MAX_PAGE_VALUES)
		return hy_error_set(err, HY_ELIMIT, "a dictionary of %zu values", n);
	hy_buf_clear(&c->dict_data);
	if (c->var) {
		off = scratch(&c->dict_vals, (n + 1) * 4, err, &rc);
		if (off == NULL)
			return rc;
	} else {
		dst = scratch(&c->dict_vals, n * c->ow, err, &rc);
		if (dst == NULL)
			return rc;
	}
	HY_TRY(produce(c, HY_PQ_ENC_PLAIN, pg->values, pg->values_len, n, dst, off, &c->dict_data,
		       err));
	c->dict_n = n;
	c->has_dict = true;
	return 0;
}

/* Dictionary indices -> storage (dst for fixed; data + off for var). */
static int gather(struct col *c, const struct hy__pq_page *pg, size_t n, uint8_t *dst, int32_t *off,
		  struct hy_error *err)
{
	uint32_t *idx;
	int rc;

	if (!c->has_dict)
		return hy_error_set(err, HY_EFORMAT,
				    "a dictionary-encoded page without a dictionary page");
	idx = scratch(&c->idx, n * 4, err, &rc);
	if (idx == NULL)
		return rc;
	HY_TRY(hy_pq_dict_indices_decode(pg->values, pg->values_len, n, c->dict_n, idx, err));
	if (!c->var) {
		if (dst == NULL) /* fixed storage always has its buffer */
			return hy_error_set(err, HY_ESTATE, "parquet: no buffer for %zu values", n);
		for (size_t i = 0; i < n; i++)
			copy_value(dst + c->ow * i, c->dict_vals.data + c->ow * idx[i], c->ow);
		return 0;
	} else {
		const int32_t *doff = (const int32_t *)(const void *)c->dict_vals.data;
		size_t total = 0;

		for (size_t i = 0; i < n; i++)
			total += (size_t)(doff[idx[i] + 1] - doff[idx[i]]);
		if (total > (size_t)INT32_MAX - c->data.len)
			return hy_error_set(err, HY_ELIMIT,
					    "more than 2 GiB of values in one column chunk");
		HY_TRY(hy_buf_reserve(&c->data, total, err));
		off[0] = (int32_t)c->data.len;
		for (size_t i = 0; i < n; i++) {
			size_t l = (size_t)(doff[idx[i] + 1] - doff[idx[i]]);

			if (l > 0)
				memcpy(c->data.data + c->data.len, c->dict_data.data + doff[idx[i]],
				       l);
			c->data.len += l;
			off[i + 1] = (int32_t)c->data.len;
		}
		c->data.data[c->data.len] = 0;
		return 0;
	}
}

/* Sets bits [from, from + n) of v: whole bytes at once (a bit at a time was
 * ~6% of a serial read). */
static void set_bits(uint8_t *v, size_t from, size_t n)
{
	size_t i = from, end = from + n;

	for (; i < end && (i & 7) != 0; i++)
		v[i >> 3] |= (uint8_t)(1u << (i & 7));
	if (end - i >= 8) {
		memset(v + (i >> 3), 0xff, (end - i) >> 3);
		i += (end - i) & ~(size_t)7;
	}
	for (; i < end; i++)
		v[i >> 3] |= (uint8_t)(1u << (i & 7));
}

/* Sets the validity bits of a page's n rows (p of them present) from its
 * definition levels; the bits were zeroed by grow_to. */
static void set_valid(struct col *c, int64_t at, const int16_t *def, size_t n, size_t p)
{
	uint8_t *v = c->valid.data;
	size_t i = 0, base = (size_t)at;
	int16_t md = c->max_def;

	if (def == NULL || p == n) {
		set_bits(v, base, n);
		return;
	}
	if (p == 0)
		return;
	for (; i < n && ((base + i) & 7) != 0; i++)
		if (def[i] == md)
			v[(base + i) >> 3] |= (uint8_t)(1u << ((base + i) & 7));
	for (; i + 8 <= n; i += 8) {
		unsigned byte = 0;

		for (unsigned k = 0; k < 8; k++)
			byte |= (unsigned)(def[i + k] == md) << k;
		v[(base + i) >> 3] = (uint8_t)byte;
	}
	for (; i < n; i++)
		if (def[i] == md)
			v[(base + i) >> 3] |= (uint8_t)(1u << ((base + i) & 7));
}

/* A dictionary-encoded (or all-null) page in dictionary output: its indices
 * are decoded straight into vals and spread over the rows (0 for nulls). */
static int index_page(struct col *c, const struct hy__pq_page *pg, int64_t expected,
		      struct hy_error *err)
{
	size_t n = pg->num_levels, p = pg->num_present;
	/* every row present: the levels say nothing more */
	const int16_t *def = p == n ? NULL : pg->def_levels;
	int64_t at = c->rows;
	uint8_t *dst;

	if ((int64_t)n > expected - at)
		return hy_error_set(err, HY_EFORMAT,
				    "the pages hold more than the row group's %lld rows",
				    (long long)expected);
	if (n == 0)
		return 0;
	HY_TRY(grow_to(&c->valid, (size_t)((at + (int64_t)n + 7) / 8), err));
	HY_TRY(extend_to(&c->vals, (size_t)(at + (int64_t)n) * 4, err));
	dst = c->vals.data + (size_t)at * 4;
	if (p > 0) {
		if (!c->has_dict)
			return hy_error_set(err, HY_EFORMAT,
					    "a dictionary-encoded page without a dictionary page");
		HY_TRY(hy_pq_dict_indices_decode(pg->values, pg->values_len, p, c->dict_n,
						 (uint32_t *)(void *)dst, err));
	}
	if (p < n) {
		size_t j = p;

		for (size_t i = n; i-- > 0;) {
			if (def[i] == c->max_def)
				copy_value(dst + 4 * i, dst + 4 * --j, 4);
			else
				memset(dst + 4 * i, 0, 4);
		}
	}
	set_valid(c, at, def, n, p);
	c->rows += (int64_t)n;
	c->nulls += (int64_t)(n - p);
	c->vals.len = (size_t)c->rows * 4;
	return 0;
}

/* A chunk in dictionary output meets a page of plain values (the writer's
 * dictionary grew too big): the rows so far are gathered into plain offsets
 * and bytes, and the chunk goes on (and comes out) plain. */
static int undict(struct col *c, struct hy_error *err)
{
	size_t rows = (size_t)c->rows, total = 0;
	const int32_t *doff = (const int32_t *)(const void *)c->dict_vals.data;
	const uint8_t *valid = c->valid.data;
	int32_t *idx, *out;
	int rc;

	c->dict_mode = false;
	idx = scratch(&c->tmp, rows * 4, err, &rc);
	if (idx == NULL)
		return rc;
	if (rows > 0)
		memcpy(idx, c->vals.data, rows * 4);
	for (size_t i = 0; i < rows; i++)
		if (valid[i >> 3] & (1u << (i & 7)))
			total += (size_t)(doff[idx[i] + 1] - doff[idx[i]]);
	if (total > (size_t)INT32_MAX)
		return hy_error_set(err, HY_ELIMIT,
				    "more than 2 GiB of values in one column chunk");
	hy_buf_clear(&c->vals);
	hy_buf_clear(&c->data);
	HY_TRY(extend_to(&c->vals, (rows + 1) * 4, err));
	HY_TRY(hy_buf_reserve(&c->data, total, err));
	out = (int32_t *)(void *)c->vals.data;
	out[0] = 0;
	for (size_t i = 0; i < rows; i++) {
		if (valid[i >> 3] & (1u << (i & 7))) {
			size_t l = (size_t)(doff[idx[i] + 1] - doff[idx[i]]);

			if (l > 0)
				memcpy(c->data.data + c->data.len, c->dict_data.data + doff[idx[i]],
				       l);
			c->data.len += l;
		}
		out[i + 1] = (int32_t)c->data.len;
	}
	if (c->data.data != NULL)
		c->data.data[c->data.len] = 0;
	return 0;
}

static int data_page(struct col *c, const struct hy__pq_page *pg, int64_t expected,
		     struct hy_error *err)
{
	size_t n = pg->num_levels, p = pg->num_present;
	/* every row present: the levels say nothing more */
	const int16_t *def = p == n ? NULL : pg->def_levels;
	int64_t at = c->rows;
	bool dict = pg->encoding == HY_PQ_ENC_PLAIN_DICTIONARY ||
		    pg->encoding == HY_PQ_ENC_RLE_DICTIONARY;
	int32_t *doff = NULL;
	uint8_t *dst = NULL;
	int rc;

	if (c->dict_mode) {
		if (dict || p == 0)
			return index_page(c, pg, expected, err);
		HY_TRY(undict(c, err));
	}
	if ((int64_t)n > expected - at)
		return hy_error_set(err, HY_EFORMAT,
				    "the pages hold more than the row group's %lld rows",
				    (long long)expected);
	HY_TRY(grow_to(&c->valid, (size_t)((at + (int64_t)n + 7) / 8), err));
	if (c->var) {
		HY_TRY(extend_to(&c->vals, (size_t)(at + (int64_t)n + 1) * 4, err));
		doff = scratch(&c->doff, (p + 1) * 4, err, &rc);
		if (doff == NULL)
			return rc;
	} else {
		/* room for the dense values at any width the conversion goes through */
		size_t w = c->ow > c->pw ? c->ow : c->pw;

		HY_TRY(extend_to(&c->vals, (size_t)at * c->ow + n * w, err));
		/* NULL while nothing was ever needed (a first page of 0 values) */
		dst = c->vals.data != NULL ? c->vals.data + (size_t)at * c->ow : NULL;
	}
	if (p == 0) { /* all null: nothing to decode (nor a dictionary needed) */
		if (doff != NULL)
			doff[0] = (int32_t)c->data.len;
	} else if (dict) {
		HY_TRY(gather(c, pg, p, dst, doff, err));
	} else {
		HY_TRY(produce(c, pg->encoding, pg->values, pg->values_len, p, dst, doff, &c->data,
			       err));
	}

	/* spread the p dense values over the n rows */
	if (c->var && doff != NULL) {
		int32_t *out = (int32_t *)(void *)c->vals.data + at;
		size_t j = 0;

		for (size_t i = 0; i < n; i++) {
			if (def == NULL || def[i] == c->max_def)
				j++;
			out[i + 1] = doff[j];
		}
	} else if (p < n && dst != NULL) {
		size_t j = p;

		for (size_t i = n; i-- > 0;) {
			if (def[i] == c->max_def)
				copy_value(dst + c->ow * i, dst + c->ow * --j, c->ow);
			else
				memset(dst + c->ow * i, 0, c->ow);
		}
	}
	set_valid(c, at, def, n, p);
	c->rows += (int64_t)n;
	c->nulls += (int64_t)(n - p);
	if (!c->var)
		c->vals.len = (size_t)c->rows * c->ow;
	return 0;
}

/* The first len bytes of b as the output buffer (b is left empty); its
 * block comes back to the reader's recycler when batches are done with it. */
static struct hy_rcbuf *adopt(const struct col *c, struct hy_buf *b, size_t len)
{
	return hy__pq_recycler_adopt(c->r->recycler, b, len);
}

/* Dictionary output: int32 indices over a dictionary column that every
 * batch sliced from this chunk shares. Takes over `validity`. */
static int finish_dict(struct col *c, struct hy_rcbuf *validity, struct hy_error *err)
{
	static const struct hy_dtype i32 = {.id = HY_INT32};
	struct hy_rcbuf *dv = NULL, *dd = NULL, *values = NULL;
	struct hy_column *dict = NULL, *ind = NULL;
	int rc;

	if (c->dict_n == 0 || c->dict_vals.data == NULL) {
		dv = hy_rcbuf_create(4); /* one offset, 0 */
		dd = hy_rcbuf_create(0);
	} else {
		size_t dlen = c->dict_data.len;

		c->dict_vals_hint = c->dict_vals.cap;
		c->dict_data_hint = c->dict_data.cap;
		dv = adopt(c, &c->dict_vals, (c->dict_n + 1) * 4);
		dd = adopt(c, &c->dict_data, dlen);
	}
	values = adopt(c, &c->vals, (size_t)c->rows * 4);
	if (dv == NULL || dd == NULL || values == NULL) {
		hy_rcbuf_unref(validity);
		hy_rcbuf_unref(dv);
		hy_rcbuf_unref(dd);
		hy_rcbuf_unref(values);
		return hy_error_set(err, HY_ENOMEM, "out of memory finishing a column");
	}
	rc = hy_column_create(&c->type, (int64_t)c->dict_n, 0, NULL, dv, dd, &dict, err);
	if (rc != 0) {
		hy_rcbuf_unref(validity);
		hy_rcbuf_unref(values);
		return rc;
	}
	rc = hy_column_create(&i32, c->rows, c->nulls, validity, values, NULL, &ind, err);
	if (rc == 0)
		rc = hy_column_create_dictionary(ind, dict, &c->result, err);
	hy_column_unref(ind);
	hy_column_unref(dict);
	return rc;
}

static int finish(struct col *c, struct hy_error *err)
{
	struct hy_rcbuf *validity = NULL, *values = NULL, *data = NULL;
	int64_t rows = c->rows;

	if (c->conv == HY__PQ_CV_NULL)
		return hy_column_create(&c->type, rows, -1, NULL, NULL, NULL, &c->result, err);
	if (c->nulls > 0) {
		validity = adopt(c, &c->valid, (size_t)(rows + 7) / 8);
		if (validity == NULL)
			goto nomem;
	}
	if (c->dict_mode)
		return finish_dict(c, validity, err);
	if (c->conv == HY__PQ_CV_BOOL) {
		values = hy_rcbuf_create((rows + 7) / 8);
		if (values == NULL)
			goto nomem;
		for (int64_t i = 0; i < rows; i++)
			if (c->vals.data[i])
				values->data[i >> 3] |= (uint8_t)(1u << (i & 7));
	} else if (c->var) {
		size_t dlen = c->data.len;

		if (c->vals.len < 4)
			HY_TRY(grow_to(&c->vals, 4, err));
		values = adopt(c, &c->vals, (size_t)(rows + 1) * 4);
		if (values == NULL)
			goto nomem;
		c->data_hint = c->data.cap;
		data = adopt(c, &c->data, dlen);
		if (data == NULL)
			goto nomem;
	} else {
		values = adopt(c, &c->vals, (size_t)rows * c->ow);
		if (values == NULL)
			goto nomem;
	}
	return hy_column_create(&c->type, rows, c->nulls, validity, values, data, &c->result, err);
nomem:
	hy_rcbuf_unref(validity);
	hy_rcbuf_unref(values);
	hy_rcbuf_unref(data);
	return hy_error_set(err, HY_ENOMEM, "out of memory finishing a column");
}

static int decode_chunk_inner(struct col *c, struct hy_error *err)
{
	const struct hy_pq_reader *r = c->r;
	int64_t expected = r->md->row_groups[c->rg].num_rows;
	struct hy__pq_pages *pr = &c->pages;
	int rc;

	c->rows = 0;
	c->nulls = 0;
	c->has_dict = false;
	c->dict_n = 0;
	c->dict_mode = c->want_dict;
	hy_buf_clear(&c->vals);
	hy_buf_clear(&c->data);
	hy_buf_clear(&c->valid);
	if (c->conv == HY__PQ_CV_NULL) {
		c->rows = expected;
		return finish(c, err);
	}
	{
		/* Room for the row group's rows up front, so that the column does
		 * not grow (and copy) page by page; bounded by what the chunk's
		 * bytes could plausibly hold, since num_rows is untrusted. */
		const struct hy_pq_column_meta *m = &r->md->row_groups[c->rg].columns[c->leaf].meta;
		int64_t plausible = m->total_uncompressed_size > 0 &&
						    m->total_uncompressed_size < (INT64_C(1) << 40)
					    ? m->total_uncompressed_size * 8 + 1024
					    : 1024;
		size_t rows = (size_t)(expected < plausible ? expected : plausible);
		size_t vbytes = (rows + 1) * (c->var ? 4 : (c->ow > c->pw ? c->ow : c->pw));

		/* the blocks the last batches gave back, when the buffers were
		 * handed out with the last row group */
		hy__pq_recycler_take(r->recycler, &c->vals, vbytes);
		/* the hints are 0 unless the last row group handed such a
		 * buffer out (a string chunk can switch from dictionary to
		 * plain pages, so dict_mode does not tell yet) */
		hy__pq_recycler_take(r->recycler, &c->data, c->data_hint);
		hy__pq_recycler_take(r->recycler, &c->dict_vals, c->dict_vals_hint);
		hy__pq_recycler_take(r->recycler, &c->dict_data, c->dict_data_hint);
		c->data_hint = c->dict_vals_hint = c->dict_data_hint = 0;
		HY_TRY(hy_buf_reserve(&c->vals, vbytes, err));
		HY_TRY(hy_buf_reserve(&c->valid, rows / 8 + 1, err));
	}
	if (c->var && !c->dict_mode)
		HY_TRY(grow_to(&c->vals, 4, err)); /* offsets[0] = 0 */
	if (c->pages_open) {
		rc = hy__pq_pages_reopen(pr, r->src, r->md, c->rg, c->leaf, err);
	} else {
		rc = hy__pq_pages_open(pr, r->src, r->md, c->rg, c->leaf, err);
		c->pages_open = true; /* its buffers, even after a failure */
	}
	pr->verify_crc = r->verify_crc;
	while (rc == 0) {
		struct hy__pq_page pg;
		bool eof = false;

		rc = hy__pq_pages_next(pr, &pg, &eof, err);
		if (rc != 0 || eof)
			break;
		if (pg.header.type == HY_PQ_PAGE_DICTIONARY)
			rc = dictionary_page(c, &pg, err);
		else
			rc = data_page(c, &pg, expected, err);
		if (rc != 0)
			hy_error_prefix(err, "page %u", pr->page_index - 1);
	}
	HY_TRY(rc);
	if (c->rows != expected)
		return hy_error_set(err, HY_EFORMAT,
				    "the pages hold %lld rows, the row group says %lld",
				    (long long)c->rows, (long long)expected);
	return finish(c, err);
}

static int decode_chunk(void *arg, struct hy_error *err)
{
	struct col *c = arg;
	int rc = decode_chunk_inner(c, err);

	hy__pq_trim_scratch(&c->dict_vals);
	hy__pq_trim_scratch(&c->dict_data);
	hy__pq_trim_scratch(&c->tmp);
	hy__pq_trim_scratch(&c->tmp_data);
	hy__pq_trim_scratch(&c->doff);
	hy__pq_trim_scratch(&c->idx);
	if (rc != 0)
		hy_error_prefix(err, "parquet: row group %zu, column %s", c->rg, c->name);
	return rc;
}

/* ---- row groups and batches ---- */

static void drop_slot(struct hy_pq_reader *r, struct col *cols)
{
	if (cols == NULL)
		return;
	for (size_t i = 0; i < r->ncols; i++) {
		hy_column_unref(cols[i].result);
		cols[i].result = NULL;
	}
}

static void drop_columns(struct hy_pq_reader *r)
{
	drop_slot(r, r->slots[0]);
	drop_slot(r, r->slots[1]);
}

/* The next row group with rows (r->next_rg moves past it), or SIZE_MAX. */
static size_t next_row_group(struct hy_pq_reader *r)
{
	while (r->next_rg < r->md->num_row_groups)
		if (r->md->row_groups[r->next_rg++].num_rows != 0)
			return r->next_rg - 1;
	return SIZE_MAX;
}

static int check_rows(const struct hy_pq_reader *r, size_t rg, struct hy_error *err)
{
	int64_t rows = r->md->row_groups[rg].num_rows;

	if (rows < 0 || rows > HY_MAX_COLUMN_ROWS)
		return hy_error_set(err, HY_ELIMIT, "parquet: row group %zu has %lld rows", rg,
				    (long long)rows);
	return 0;
}

/* Decodes row group rg into `cols` now: serially, or on the pool and waits. */
static int load_row_group(struct hy_pq_reader *r, struct col *cols, size_t rg, struct hy_error *err)
{
	drop_slot(r, cols);
	HY_TRY(check_rows(r, rg, err));
	for (size_t i = 0; i < r->ncols; i++)
		cols[i].rg = rg;
	if (r->pool == NULL || r->ncols < 2) {
		for (size_t i = 0; i < r->ncols; i++)
			HY_TRY(decode_chunk(&cols[i], err));
	} else {
		struct hy_pool_group g;
		int rc = 0;

		struct hy_error ignored = {0};
		int wrc;

		hy_pool_group_init(&g, r->pool, HY_POOL_GROUP_CANCEL_ON_ERROR);
		for (size_t i = 0; i < r->ncols && rc == 0; i++)
			rc = hy_pool_submit(r->pool, &g, decode_chunk, &cols[i], err);
		/* always wait: submitted tasks use the columns */
		wrc = hy_pool_group_wait(&g, rc == 0 ? err : &ignored);
		if (rc == 0)
			rc = wrc;
		if (rc != 0) {
			drop_slot(r, cols);
			return rc;
		}
	}
	return 0;
}

/* Starts decoding the next row group with rows into the other set of
 * columns, on the pool, while the caller consumes the current one. Its
 * failure is kept for when the reader gets to it. */
static void prefetch(struct hy_pq_reader *r)
{
	struct col *cols = r->slots[1 - r->cur];
	size_t rg;

	if (r->pool == NULL || r->no_prefetch || r->ncols < 2 || cols == NULL ||
	    (rg = next_row_group(r)) == SIZE_MAX)
		return;
	drop_slot(r, cols);
	memset(&r->pending_err, 0, sizeof(r->pending_err));
	r->pending = true;
	r->pending_rg = rg;
	r->pending_rc = check_rows(r, rg, &r->pending_err);
	hy_pool_group_init(&r->group, r->pool, HY_POOL_GROUP_CANCEL_ON_ERROR);
	for (size_t i = 0; i < r->ncols && r->pending_rc == 0; i++) {
		cols[i].rg = rg;
		r->pending_rc =
			hy_pool_submit(r->pool, &r->group, decode_chunk, &cols[i], &r->pending_err);
	}
}

/* Waits for the prefetch in flight; its first failure, or 0. */
static int wait_prefetch(struct hy_pq_reader *r)
{
	struct hy_error ignored = {0};
	int rc;

	r->pending = false;
	rc = hy_pool_group_wait(&r->group, r->pending_rc == 0 ? &r->pending_err : &ignored);
	return r->pending_rc != 0 ? r->pending_rc : rc;
}

/* Makes the next row group with rows current; *end when there is none. */
static int advance(struct hy_pq_reader *r, bool *end, struct hy_error *err)
{
	size_t rg;

	*end = false;
	if (r->pending) {
		int rc = wait_prefetch(r);

		drop_slot(r, r->cols);
		if (rc != 0) {
			drop_slot(r, r->slots[1 - r->cur]);
			hy_error_set(err, rc, "%s", r->pending_err.msg);
			return rc;
		}
		r->cur = 1 - r->cur;
		r->cols = r->slots[r->cur];
		rg = r->pending_rg;
	} else {
		rg = next_row_group(r);
		if (rg == SIZE_MAX) {
			drop_columns(r);
			*end = true;
			return 0;
		}
		HY_TRY(load_row_group(r, r->cols, rg, err));
	}
	r->rg_rows = r->md->row_groups[rg].num_rows;
	r->rg_pos = 0;
	prefetch(r);
	return 0;
}

int hy_pq_reader_next_batch(struct hy_pq_reader *r, struct hy_batch **out, struct hy_error *err)
{
	struct hy_column **cols;
	int64_t n;
	int rc = 0;

	*out = NULL;
	while (r->rg_pos >= r->rg_rows) {
		bool end = false;

		r->rg_rows = 0;
		r->rg_pos = 0;
		HY_TRY(advance(r, &end, err));
		if (end)
			return 0;
	}
	n = r->rg_rows - r->rg_pos;
	if (n > r->max_rows)
		n = r->max_rows;
	cols = hy_calloc(r->ncols + 1, sizeof(struct hy_column *));
	if (cols == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory for a batch");
	for (size_t i = 0; i < r->ncols && rc == 0; i++)
		rc = hy_column_slice(r->cols[i].result, r->rg_pos, n, &cols[i], err);
	if (rc == 0)
		rc = hy_batch_create(r->schema, cols, n, out, err);
	for (size_t i = 0; i < r->ncols; i++)
		hy_column_unref(cols[i]);
	hy_free(cols);
	HY_TRY(rc);
	r->rg_pos += n;
	return 0;
}

/* ---- open, close ---- */

static int add_column(struct hy_pq_reader *r, size_t leaf, struct hy_error *err)
{
	const struct hy_pq_leaf *lf = &r->md->leaves[leaf];
	const struct hy_pq_schema_element *se = &r->md->schema[lf->schema_index];
	struct col *c = &r->cols[r->ncols];

	if (lf->shape == HY_PQ_LEAF_REPEATED)
		return hy_error_set(err, HY_EUNSUPPORTED,
				    "parquet: column %s is inside a LIST or MAP (repeated), which "
				    "is not supported yet; leave it out with a column projection",
				    lf->path);
	memset(c, 0, sizeof(*c));
	c->leaf = leaf;
	c->name = lf->path;
	c->r = r;
	c->ptype = se->type;
	c->max_def = lf->max_def_level;
	HY_TRY(hy__pq_leaf_map(r->md, leaf, &c->type, &c->conv, NULL, 0, err));
	switch (se->type) {
	case HY_PQ_BOOLEAN: c->pw = 1; break;
	case HY_PQ_INT32:
	case HY_PQ_FLOAT: c->pw = 4; break;
	case HY_PQ_INT64:
	case HY_PQ_DOUBLE: c->pw = 8; break;
	case HY_PQ_INT96: c->pw = 12; break;
	case HY_PQ_FIXED_LEN_BYTE_ARRAY: c->pw = (size_t)se->type_length; break;
	default: c->pw = 0; break;
	}
	c->var = hy_dtype_is_var_width(&c->type);
	c->ow = c->type.id == HY_BOOL ? 1 : (size_t)hy_dtype_byte_width(&c->type);
	c->want_dict = r->keep_dict && c->conv == HY__PQ_CV_BYTES;
	col_bufs_init(c);
	r->ncols++;
	return 0;
}

static int add_projected(struct hy_pq_reader *r, size_t leaf, struct hy_error *err)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (r->cols[i].leaf == leaf)
			return hy_error_set(err, HY_EINVAL, "parquet: column %s is projected twice",
					    r->cols[i].name);
	return add_column(r, leaf, err);
}

static int build_schema(struct hy_pq_reader *r, struct hy_error *err)
{
	struct hy_field *f = hy_calloc(r->ncols + 1, sizeof(*f));
	int rc;

	if (f == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory for a schema");
	for (size_t i = 0; i < r->ncols; i++) {
		f[i].name = (char *)r->cols[i].name;
		f[i].type = r->cols[i].type;
		f[i].nullable = r->cols[i].max_def > 0 || r->cols[i].conv == HY__PQ_CV_NULL;
	}
	rc = hy_schema_create(f, r->ncols, &r->schema, err);
	hy_free(f);
	if (rc != 0)
		hy_error_prefix(err, "parquet: schema");
	return rc;
}

static int open_inner(struct hy_pq_reader *r, const struct hy_pq_reader_options *opts,
		      struct hy_error *err)
{
	const struct hy_pq_metadata *md;
	size_t want;

	HY_TRY(hy_pq_metadata_read(r->src, &r->md, err));
	md = r->md;
	r->max_rows = opts != NULL && opts->max_batch_rows > 0 ? opts->max_batch_rows
							       : HY_PQ_DEFAULT_BATCH_ROWS;
	r->verify_crc = opts != NULL && opts->verify_crc;
	r->keep_dict = opts != NULL && opts->keep_dictionary;
	r->pool = opts != NULL ? opts->pool : NULL;
	r->no_prefetch = opts != NULL && opts->no_prefetch;
	if ((r->recycler = hy__pq_recycler_create(HY__PQ_RECYCLE_MAX)) == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory for the reader");
	want = md->num_leaves; /* a projection names each leaf at most once */
	r->cols = r->slots[0] = hy_calloc(want + 1, sizeof(*r->cols));
	if (r->cols == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory for the reader");
	if (opts != NULL && opts->num_columns > 0) {
		for (size_t i = 0; i < opts->num_columns; i++) {
			const char *name = opts->columns[i];
			size_t k = 0, len = strlen(name), found = 0;

			while (k < md->num_leaves && strcmp(md->leaves[k].path, name) != 0)
				k++;
			if (k < md->num_leaves) {
				HY_TRY(add_projected(r, k, err));
				continue;
			}
			/* a struct: every leaf under it, in file order */
			for (k = 0; k < md->num_leaves; k++) {
				const char *path = md->leaves[k].path;

				if (strncmp(path, name, len) == 0 && path[len] == '.') {
					HY_TRY(add_projected(r, k, err));
					found++;
				}
			}
			if (found == 0)
				return hy_error_set(err, HY_ENOTFOUND, "parquet: no column %s",
						    name);
		}
	} else {
		for (size_t k = 0; k < md->num_leaves; k++)
			HY_TRY(add_column(r, k, err));
	}
	if (r->pool != NULL && r->ncols >= 2) {
		/* the prefetch set: the same columns, no buffers yet */
		r->slots[1] = hy_calloc(r->ncols, sizeof(*r->cols));
		if (r->slots[1] == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory for the reader");
		memcpy(r->slots[1], r->slots[0], r->ncols * sizeof(*r->cols));
	}
	return build_schema(r, err);
}

int hy_pq_reader_open(struct hy_pq_reader **out, const struct hy_pq_source *src,
		      const struct hy_pq_reader_options *opts, struct hy_error *err)
{
	struct hy_pq_reader *r = hy_calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (r == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory for the reader");
	r->src = src;
	rc = open_inner(r, opts, err);
	if (rc != 0) {
		hy_pq_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int hy_pq_reader_open_file(struct hy_pq_reader **out, const char *path,
			   const struct hy_pq_reader_options *opts, struct hy_error *err)
{
	struct hy_pq_reader *r = hy_calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (r == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory for the reader");
	rc = hy_pq_source_open_file(&r->own_src, path, err);
	if (rc == 0) {
		r->owns_src = true;
		r->src = &r->own_src;
		rc = open_inner(r, opts, err);
	}
	if (rc != 0) {
		hy_pq_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

struct hy_schema *hy_pq_reader_schema(const struct hy_pq_reader *r)
{
	return r->schema;
}

const struct hy_pq_metadata *hy_pq_reader_metadata(const struct hy_pq_reader *r)
{
	return r->md;
}

int64_t hy_pq_reader_num_rows(const struct hy_pq_reader *r)
{
	return r->md->row_count;
}

void hy_pq_reader_close(struct hy_pq_reader *r)
{
	if (r == NULL)
		return;
	if (r->pending) {
		/* its tasks use the columns: let them finish */
		int rc = wait_prefetch(r);

		(void)rc; /* a failure of a row group nobody reads */
	}
	drop_columns(r);
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; r->slots[k] != NULL && i < r->ncols; i++)
			col_bufs_reset(&r->slots[k][i]);
		hy_free(r->slots[k]);
	}
	hy__pq_recycler_close(r->recycler);
	hy_schema_unref(r->schema);
	hy_pq_metadata_destroy(r->md);
	if (r->owns_src)
		hy_pq_source_close(&r->own_src);
	hy_free(r);
}
