/* The writer's column chunk encoder: one task per column of a row group.
 *
 * Rows arrive as slices of the buffered batches. They are gathered, 1,024
 * rows at a time, into physical values (int32/int64/float/double/FLBA bytes,
 * or string views) until a page is full (page_bytes of PLAIN-size estimate
 * or page_rows rows). Each page is then dictionary-encoded (while the
 * dictionary is on) or PLAIN-encoded, prefixed with its RLE definition
 * levels, compressed and appended after a v1 page header. The dictionary
 * page, written last into the buffer's front, holds every value seen while
 * the dictionary was on (parquet.md sections 5.3, 6.4, 14). */
#include <string.h>
#include <zlib.h>

#include "hygge/alloc.h"
#include "pq_writer_int.h"

#define GATHER_STEP     1024
#define SCRATCH_MAX     ((size_t)1 << 31) /* any scratch buffer */
#define STATS_MAX       ((size_t)HY_MAX_VAR_BYTES + 16)
#define DICT_MAX_VALUES ((size_t)1 << 30)

void hy__pqw_stats_init(struct hy__pqw_stats *s)
{
	memset(s, 0, sizeof(*s));
	hy_buf_init(&s->min, STATS_MAX);
	hy_buf_init(&s->max, STATS_MAX);
}

void hy__pqw_stats_reset(struct hy__pqw_stats *s)
{
	s->null_count = s->nan_count = s->num_values = 0;
	s->has_minmax = false;
	s->min_exact = s->max_exact = true;
	hy_buf_clear(&s->min);
	hy_buf_clear(&s->max);
}

void hy__pqw_stats_free(struct hy__pqw_stats *s)
{
	hy_buf_reset(&s->min);
	hy_buf_reset(&s->max);
}

void hy__pqw_chunk_init(struct hy__pqw_chunk *c, const struct hy__pqw_leaf *leaf,
			const struct hy_pq_writer_options *opts)
{
	struct hy_buf *bufs[] = {&c->bytes,      &c->levels,  &c->values,    &c->views,
				 &c->plain,      &c->body,    &c->comp,      &c->header,
				 &c->data_pages, &c->idx,     &c->dict_vals, &c->dict_offs,
				 &c->dict_slots, &c->raw_min, &c->raw_max};

	memset(c, 0, sizeof(*c));
	c->leaf = leaf;
	c->opts = opts;
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		hy_buf_init(bufs[i], SCRATCH_MAX);
	hy__pqw_stats_init(&c->stats);
}

static void free_pages(struct hy__pqw_chunk *c)
{
	for (size_t i = 0; i < c->npages; i++) {
		hy_free(c->pages[i].min);
		hy_free(c->pages[i].max);
	}
	c->npages = 0;
}

/* Frees everything (the chunk can be initialised again). */
void hy__pqw_chunk_reset(struct hy__pqw_chunk *c)
{
	struct hy_buf *bufs[] = {&c->bytes,      &c->levels,  &c->values,    &c->views,
				 &c->plain,      &c->body,    &c->comp,      &c->header,
				 &c->data_pages, &c->idx,     &c->dict_vals, &c->dict_offs,
				 &c->dict_slots, &c->raw_min, &c->raw_max};

	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		hy_buf_reset(bufs[i]);
	free_pages(c);
	hy_free(c->pages);
	c->pages = NULL;
	c->cap_pages = 0;
	hy__pqw_stats_free(&c->stats);
}

/* ---- gathering ---- */

static bool is_valid(const struct hy_column *col, int64_t row)
{
	int64_t bit = col->offset + row;

	if (col->validity == NULL)
		return col->type.id != HY_NULL;
	return (col->validity->data[bit >> 3] >> (bit & 7)) & 1;
}

static int put_i32(struct hy_buf *b, int32_t v, struct hy_error *err)
{
	return hy_buf_append(b, &v, 4, err);
}

static int put_i64(struct hy__pqw_chunk *c, int64_t v, int64_t row, struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;

	if (l->mul > 1) {
		if (__builtin_mul_overflow(v, l->mul, &v))
			return HY__PQ_FAIL(err, HY_ELIMIT,
					   "parquet writer: column '%s': value %lld overflows "
					   "int64 in the target unit",
					   l->field->name, (long long)v);
	} else if (l->div > 1) {
		int64_t q = v / l->div, r = v % l->div;

		if (r != 0) {
			c->truncated++;
			if (r < 0)
				q--; /* floor: the instant is never moved later */
		}
		v = q;
	}
	(void)row;
	return hy_buf_append(&c->values, &v, 8, err);
}

/* Big-endian two's complement of `v` in `width` (<= 16) bytes. */
static void dec128_be(hy_i128 v, size_t width, uint8_t *out)
{
	hy_u128 u = (hy_u128)v;

	for (size_t i = 0; i < width; i++)
		out[width - 1 - i] = (uint8_t)(u >> (8 * i));
}

static int gather_value(struct hy__pqw_chunk *c, const struct hy_column *col, int64_t row,
			struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;
	int64_t at = col->offset + row;
	const uint8_t *v = col->values != NULL ? col->values->data : NULL;

	if (v == NULL) /* only HY_NULL columns lack values, and they have no valid row */
		return HY__PQ_FAIL(err, HY_EINVAL, "parquet writer: column '%s' has no values",
				   l->field->name);
	switch (l->conv) {
	case HY__PQW_BOOL: {
		uint8_t b = (v[at >> 3] >> (at & 7)) & 1;
		return hy_buf_append_byte(&c->values, b, err);
	}
	case HY__PQW_I8: return put_i32(&c->values, ((const int8_t *)v)[at], err);
	case HY__PQW_I16: return put_i32(&c->values, ((const int16_t *)v)[at], err);
	case HY__PQW_U8: return put_i32(&c->values, ((const uint8_t *)v)[at], err);
	case HY__PQW_U16: return put_i32(&c->values, ((const uint16_t *)v)[at], err);
	case HY__PQW_I32: {
		int32_t x = ((const int32_t *)v)[at];
		/* time in s -> ms: below one day, so no overflow */
		return put_i32(&c->values, (int32_t)(x * (int32_t)l->mul), err);
	}
	case HY__PQW_DEC64_32: return put_i32(&c->values, (int32_t)((const int64_t *)v)[at], err);
	case HY__PQW_I64: return put_i64(c, ((const int64_t *)v)[at], row, err);
	case HY__PQW_F32: return hy_buf_append(&c->values, (const float *)v + at, 4, err);
	case HY__PQW_F64: return hy_buf_append(&c->values, (const double *)v + at, 8, err);
	case HY__PQW_DEC128: {
		uint8_t be[16];
		hy_i128 d;

		memcpy(&d, v + at * 16, 16);
		dec128_be(d, l->width, be);
		return hy_buf_append(&c->values, be, l->width, err);
	}
	case HY__PQW_FIXED:
		return hy_buf_append(&c->values, v + at * (int64_t)l->width, l->width, err);
	case HY__PQW_BYTES: {
		struct hy_str s;

		if (col->dictionary != NULL) {
			s = hy_column_get_bytes(col, row);
		} else {
			const int32_t *off = (const int32_t *)v;
			s.ptr = (const char *)col->data->data + off[at];
			s.len = (size_t)(off[at + 1] - off[at]);
		}
		return hy_buf_append(&c->views, &s, sizeof(s), err);
	}
	default: return 0;
	}
}

/* Rows [from, from+n) of `col`: levels and values appended to the page
 * scratch; *est grows by their PLAIN size. */
/* True when the column's values are already the physical values. */
static bool plain_copy(const struct hy__pqw_leaf *l)
{
	switch (l->conv) {
	case HY__PQW_I32:
	case HY__PQW_I64: return l->mul == 1 && l->div == 1;
	case HY__PQW_F32:
	case HY__PQW_F64:
	case HY__PQW_FIXED: return true;
	default: return false;
	}
}

/* Rows [from, from+n) of `col`: levels and values appended to the page
 * scratch; *est grows by their PLAIN size. */
static int gather(struct hy__pqw_chunk *c, const struct hy_column *col, int64_t from, int64_t n,
		  struct hy__pqw_stats *ps, int64_t *est, struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;
	size_t views0 = c->views.len;
	uint32_t *lv = NULL;

	if (l->optional) {
		HY_TRY(hy_buf_reserve(&c->levels, (size_t)n * 4, err));
		lv = (uint32_t *)(c->levels.data + c->levels.len);
		c->levels.len += (size_t)n * 4;
	}
	if (l->width > 0)
		HY_TRY(hy_buf_reserve(&c->values, (size_t)n * l->width, err));
	if (col->validity == NULL && col->type.id != HY_NULL && plain_copy(l)) {
		/* no nulls, no conversion: one copy (the common hot case) */
		memcpy(c->values.data + c->values.len,
		       col->values->data + (size_t)(col->offset + from) * l->width,
		       (size_t)n * l->width);
		c->values.len += (size_t)n * l->width;
		for (int64_t i = 0; lv != NULL && i < n; i++)
			lv[i] = 1;
		ps->num_values += n;
	} else {
		for (int64_t r = from; r < from + n; r++) {
			bool ok = is_valid(col, r);

			if (lv != NULL)
				lv[r - from] = ok;
			if (!ok) {
				ps->null_count++;
				continue;
			}
			ps->num_values++;
			HY_TRY(gather_value(c, col, r, err));
		}
	}
	if (l->width > 0) {
		*est = (int64_t)c->values.len;
	} else {
		const struct hy_str *s = (const struct hy_str *)(c->views.data + views0);
		size_t k = (c->views.len - views0) / sizeof(*s);

		for (size_t i = 0; i < k; i++)
			*est += 4 + (int64_t)s[i].len;
	}
	return 0;
}

/* ---- statistics ---- */

static void value_at(const struct hy__pqw_chunk *c, size_t i, const uint8_t **p, size_t *len)
{
	if (c->leaf->width > 0) {
		*p = c->values.data + i * c->leaf->width;
		*len = c->leaf->width;
	} else {
		const struct hy_str *s = (const struct hy_str *)c->views.data + i;
		*p = (const uint8_t *)s->ptr;
		*len = s->len;
	}
}

#define EXTREMES(T, NAN_CHECK)                                                                     \
	do {                                                                                       \
		const T *v = (const T *)c->values.data;                                            \
		for (size_t i = 0; i < n; i++) {                                                   \
			T x = v[i];                                                                \
			if (NAN_CHECK && x != x) {                                                 \
				ps->nan_count++;                                                   \
				continue;                                                          \
			}                                                                          \
			if (*imin < 0 || x < v[*imin])                                             \
				*imin = (long)i;                                                   \
			if (*imax < 0 || x > v[*imax])                                             \
				*imax = (long)i;                                                   \
		}                                                                                  \
	} while (0)

/* Page extremes over the gathered values: indices into the values, -1 when
 * none (all null or all NaN). Typed loops for the numeric orders. */
static void page_extremes(struct hy__pqw_chunk *c, size_t n, struct hy__pqw_stats *ps, long *imin,
			  long *imax)
{
	int order = c->leaf->order;
	const uint8_t *mn = NULL, *mx = NULL, *p;
	size_t mnl = 0, mxl = 0, len;

	*imin = *imax = -1;
	switch (order) {
	case HY__PQW_ORD_NONE: return;
	case HY__PQW_ORD_S32: EXTREMES(int32_t, 0); return;
	case HY__PQW_ORD_U32: EXTREMES(uint32_t, 0); return;
	case HY__PQW_ORD_S64: EXTREMES(int64_t, 0); return;
	case HY__PQW_ORD_U64: EXTREMES(uint64_t, 0); return;
	case HY__PQW_ORD_F32: EXTREMES(float, 1); return;
	case HY__PQW_ORD_F64: EXTREMES(double, 1); return;
	default: break;
	}
	for (size_t i = 0; i < n; i++) {
		value_at(c, i, &p, &len);
		if (mn == NULL || hy__pqw_cmp(order, p, len, mn, mnl) < 0) {
			mn = p;
			mnl = len;
			*imin = (long)i;
		}
		if (mx == NULL || hy__pqw_cmp(order, p, len, mx, mxl) > 0) {
			mx = p;
			mxl = len;
			*imax = (long)i;
		}
	}
}

/* -0.0 as a min and +0.0 as a max (parquet.md section 9). */
static void normalise_zero(int order, uint8_t *p, bool is_min)
{
	if (order == HY__PQW_ORD_F32) {
		float f;
		memcpy(&f, p, 4);
		if (f == 0.0f) {
			f = is_min ? -0.0f : 0.0f;
			memcpy(p, &f, 4);
		}
	} else if (order == HY__PQW_ORD_F64) {
		double d;
		memcpy(&d, p, 8);
		if (d == 0.0) {
			d = is_min ? -0.0 : 0.0;
			memcpy(p, &d, 8);
		}
	}
}

/* Length of the UTF-8 sequence starting with `b`, 0 for a continuation or
 * invalid lead byte. */
static size_t utf8_len(uint8_t b)
{
	return b < 0x80             ? 1
	       : (b & 0xE0) == 0xC0 ? 2
	       : (b & 0xF0) == 0xE0 ? 3
	       : (b & 0xF8) == 0xF0 ? 4
				    : 0;
}

static size_t utf8_cut(const uint8_t *v, size_t n)
{
	while (n > 0 && (v[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static size_t utf8_put(uint32_t cp, uint8_t *o)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xC0 | cp >> 6);
		o[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (uint8_t)(0xE0 | cp >> 12);
		o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (uint8_t)(0xF0 | cp >> 18);
	o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

/* A max bound of v cut to at most `limit` bytes (plus one for a longer code
 * point): the prefix with its last incrementable unit incremented. Returns
 * false when no shorter bound exists (then the exact value is kept). */
static bool max_bound(const uint8_t *v, size_t len, bool utf8, size_t limit, uint8_t *out,
		      size_t *out_len)
{
	size_t n = len < limit ? len : limit;

	if (!utf8) {
		while (n > 0 && v[n - 1] == 0xFF)
			n--;
		if (n == 0)
			return false;
		memcpy(out, v, n);
		out[n - 1]++;
		*out_len = n;
		return true;
	}
	n = utf8_cut(v, n);
	while (n > 0) {
		size_t s = utf8_cut(v, n - 1), k = utf8_len(v[s]);
		uint32_t cp;

		if (k == 0 || s + k != n)
			return false; /* not valid UTF-8: keep the exact value */
		cp = k == 1 ? v[s] : (uint32_t)(v[s] & (0x7F >> k));
		for (size_t j = 1; j < k; j++)
			cp = cp << 6 | (v[s + j] & 0x3F);
		if (cp < 0x10FFFF) {
			cp = cp + 1 == 0xD800 ? 0xE000 : cp + 1;
			memcpy(out, v, s);
			*out_len = s + utf8_put(cp, out + s);
			return true;
		}
		n = s;
	}
	return false;
}

/* Stores the bound of `v` for `is_min` into dst (truncated byte arrays). */
static int store_bound(const struct hy__pqw_leaf *l, const uint8_t *v, size_t len, bool is_min,
		       struct hy_buf *dst, bool *exact, struct hy_error *err)
{
	uint8_t tmp[HY_PQW_STATS_TRUNCATE + 4];
	size_t n;

	hy_buf_clear(dst);
	*exact = true;
	if (l->width > 0 || len <= HY_PQW_STATS_TRUNCATE) {
		HY_TRY(hy_buf_append(dst, v, len, err));
		if (l->width > 0)
			normalise_zero(l->order, dst->data, is_min);
		return 0;
	}
	if (is_min) {
		n = l->utf8 ? utf8_cut(v, HY_PQW_STATS_TRUNCATE) : HY_PQW_STATS_TRUNCATE;
		*exact = false;
		return hy_buf_append(dst, v, n, err);
	}
	if (max_bound(v, len, l->utf8, HY_PQW_STATS_TRUNCATE, tmp, &n)) {
		*exact = false;
		return hy_buf_append(dst, tmp, n, err);
	}
	return hy_buf_append(dst, v, len, err);
}

static int copy_bound(const struct hy__pqw_leaf *l, const uint8_t *v, size_t len, bool is_min,
		      uint8_t **out, uint32_t *out_len, struct hy_error *err)
{
	struct hy_buf b;
	bool exact;
	int rc;

	hy_buf_init(&b, STATS_MAX);
	rc = store_bound(l, v, len, is_min, &b, &exact, err);
	if (rc == 0) {
		size_t n;
		*out = hy_buf_detach(&b, &n);
		*out_len = (uint32_t)n;
		if (*out == NULL) /* empty value: keep a non-NULL pointer */
			*out = hy_calloc(1, 1);
		if (*out == NULL)
			rc = HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
	}
	hy_buf_reset(&b);
	return rc;
}

/* Records the page's entry for the page index and merges its extremes into
 * the chunk's. */
static int page_stats(struct hy__pqw_chunk *c, struct hy__pqw_page *pg, struct hy__pqw_stats *ps,
		      struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;
	size_t n = (size_t)ps->num_values, mnl, mxl;
	const uint8_t *mn, *mx;
	long imin, imax;

	page_extremes(c, n, ps, &imin, &imax);
	pg->null_count = ps->null_count;
	pg->nan_count = ps->nan_count;
	pg->null_page = n == 0;
	pg->all_nan = n > 0 && ps->nan_count == (int64_t)n;
	c->stats.null_count += ps->null_count;
	c->stats.nan_count += ps->nan_count;
	if (imin < 0)
		return 0;
	value_at(c, (size_t)imin, &mn, &mnl);
	value_at(c, (size_t)imax, &mx, &mxl);
	HY_TRY(copy_bound(l, mn, mnl, true, &pg->min, &pg->min_len, err));
	HY_TRY(copy_bound(l, mx, mxl, false, &pg->max, &pg->max_len, err));
	if (!c->raw_has || hy__pqw_cmp(l->order, mn, mnl, c->raw_min.data, c->raw_min.len) < 0) {
		hy_buf_clear(&c->raw_min);
		HY_TRY(hy_buf_append(&c->raw_min, mn, mnl, err));
	}
	if (!c->raw_has || hy__pqw_cmp(l->order, mx, mxl, c->raw_max.data, c->raw_max.len) > 0) {
		hy_buf_clear(&c->raw_max);
		HY_TRY(hy_buf_append(&c->raw_max, mx, mxl, err));
	}
	c->raw_has = true;
	return 0;
}

/* ---- dictionary ---- */

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n;

	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 32);
}

static void dict_entry(const struct hy__pqw_chunk *c, uint32_t i, const uint8_t **p, size_t *len)
{
	if (c->leaf->width > 0) {
		*p = c->dict_vals.data + (size_t)i * c->leaf->width;
		*len = c->leaf->width;
	} else {
		const int32_t *off = (const int32_t *)c->dict_offs.data;
		*p = c->dict_vals.data + off[i];
		*len = (size_t)(off[i + 1] - off[i]);
	}
}

static int dict_grow(struct hy__pqw_chunk *c, struct hy_error *err)
{
	size_t cap = c->dict_slot_mask == 0 ? 1024 : (c->dict_slot_mask + 1) * 2;
	uint32_t *slots;

	hy_buf_clear(&c->dict_slots);
	HY_TRY(hy_buf_reserve(&c->dict_slots, cap * 4, err));
	memset(c->dict_slots.data, 0, cap * 4);
	c->dict_slots.len = cap * 4;
	c->dict_slot_mask = cap - 1;
	slots = (uint32_t *)c->dict_slots.data;
	for (uint32_t i = 0; i < c->dict_count; i++) {
		const uint8_t *p;
		size_t len, s;

		dict_entry(c, i, &p, &len);
		for (s = hash_bytes(p, len) & c->dict_slot_mask; slots[s] != 0;
		     s = (s + 1) & c->dict_slot_mask)
			;
		slots[s] = i + 1;
	}
	return 0;
}

static void dict_clear(struct hy__pqw_chunk *c)
{
	hy_buf_clear(&c->dict_vals);
	hy_buf_clear(&c->dict_offs);
	if (c->dict_slots.len > 0)
		memset(c->dict_slots.data, 0, c->dict_slots.len);
	c->dict_count = 0;
	c->dict_bytes = 0;
}

/* Index of the value in the dictionary, adding it; *full when adding it
 * would pass the limit (nothing added then). */
static int dict_index(struct hy__pqw_chunk *c, const uint8_t *p, size_t len, uint32_t *out,
		      bool *full, struct hy_error *err)
{
	uint32_t *slots;
	size_t s, cost = c->leaf->width > 0 ? len : 4 + len;

	if ((c->dict_count + 1) * 2 > c->dict_slot_mask + 1 || c->dict_slot_mask == 0)
		HY_TRY(dict_grow(c, err));
	slots = (uint32_t *)c->dict_slots.data;
	for (s = hash_bytes(p, len) & c->dict_slot_mask; slots[s] != 0;
	     s = (s + 1) & c->dict_slot_mask) {
		const uint8_t *q;
		size_t qlen;

		dict_entry(c, slots[s] - 1, &q, &qlen);
		if (qlen == len && memcmp(p, q, len) == 0) {
			*out = slots[s] - 1;
			return 0;
		}
	}
	if (c->dict_bytes + cost > (size_t)c->opts->dict_limit ||
	    c->dict_count >= DICT_MAX_VALUES) {
		*full = true;
		return 0;
	}
	if (c->leaf->width == 0) {
		int32_t end;
		if (c->dict_count == 0)
			HY_TRY(put_i32(&c->dict_offs, 0, err));
		if (c->dict_vals.len + len > INT32_MAX) {
			*full = true;
			return 0;
		}
		end = (int32_t)(c->dict_vals.len + len);
		HY_TRY(put_i32(&c->dict_offs, end, err));
	}
	HY_TRY(hy_buf_append(&c->dict_vals, p, len, err));
	slots[s] = (uint32_t)c->dict_count + 1;
	*out = (uint32_t)c->dict_count++;
	c->dict_bytes += cost;
	return 0;
}

/* Dictionary indices of the page's values into c->idx; *ok false when the
 * dictionary filled up (the page is then written PLAIN). */
static int dict_encode_page(struct hy__pqw_chunk *c, size_t n, bool *ok, struct hy_error *err)
{
	bool full = false;

	hy_buf_clear(&c->idx);
	HY_TRY(hy_buf_reserve(&c->idx, n * 4, err));
	for (size_t i = 0; i < n && !full; i++) {
		const uint8_t *p;
		size_t len;
		uint32_t ix = 0;

		value_at(c, i, &p, &len);
		HY_TRY(dict_index(c, p, len, &ix, &full, err));
		((uint32_t *)c->idx.data)[i] = ix;
	}
	*ok = !full;
	return 0;
}

/* ---- pages ---- */

static int plain_encode(const struct hy__pqw_leaf *l, const uint8_t *vals,
			const struct hy_str *views, size_t n, struct hy_buf *out,
			struct hy_error *err)
{
	if (l->ptype == HY_PQ_BOOLEAN)
		return hy_pq_plain_encode_bool(vals, n, out, err);
	if (l->width > 0)
		return hy_pq_plain_encode_fixed(vals, n, l->width, out, err);
	for (size_t i = 0; i < n; i++) {
		uint32_t len = (uint32_t)views[i].len;
		HY_TRY(hy_buf_append(out, &len, 4, err));
		HY_TRY(hy_buf_append(out, views[i].ptr, views[i].len, err));
	}
	return 0;
}

/* Compresses c->body and appends header + compressed body to `dst`;
 * *size is header + body. */
static int emit_page(struct hy__pqw_chunk *c, struct hy_pq_page_header *h, struct hy_buf *dst,
		     int32_t *size, struct hy_error *err)
{
	struct hy__pq_tenc e;

	if (c->body.len > HY_PQ_MAX_PAGE_BYTES)
		return HY__PQ_FAIL(err, HY_ELIMIT,
				   "parquet writer: column '%s': a page of %zu bytes passes the "
				   "%u-byte page cap",
				   c->leaf->field->name, c->body.len, HY_PQ_MAX_PAGE_BYTES);
	hy_buf_clear(&c->comp);
	HY_TRY(hy_pq_compress(c->opts->codec, c->opts->level, c->body.data, c->body.len, &c->comp,
			      err));
	if (c->comp.len > HY_PQ_MAX_PAGE_BYTES)
		return HY__PQ_FAIL(err, HY_ELIMIT, "parquet writer: compressed page too large");
	h->uncompressed_page_size = (int32_t)c->body.len;
	h->compressed_page_size = (int32_t)c->comp.len;
	if (c->opts->page_crc) {
		h->has_crc = true;
		h->crc = (uint32_t)crc32(0L, c->comp.data, (uInt)c->comp.len);
	}
	hy_buf_clear(&c->header);
	hy__pq_tenc_init(&e, &c->header, err);
	HY_TRY(hy__pq_page_header_encode(&e, h));
	HY_TRY(hy_buf_append(dst, c->header.data, c->header.len, err));
	HY_TRY(hy_buf_append(dst, c->comp.data, c->comp.len, err));
	c->total_uncompressed += (int64_t)(c->header.len + c->body.len);
	*size = (int32_t)(c->header.len + c->comp.len);
	return 0;
}

static int new_page(struct hy__pqw_chunk *c, struct hy__pqw_page **out, struct hy_error *err)
{
	if (c->npages == c->cap_pages) {
		size_t cap = c->cap_pages == 0 ? 16 : c->cap_pages * 2;
		struct hy__pqw_page *p = hy_realloc(c->pages, cap * sizeof(*p));

		if (p == NULL)
			return HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
		c->pages = p;
		c->cap_pages = cap;
	}
	*out = &c->pages[c->npages++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* Encodes the gathered page (rows [first_row, first_row + nrows)). */
static int flush_page(struct hy__pqw_chunk *c, int64_t first_row, int64_t nrows,
		      struct hy__pqw_stats *ps, struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;
	size_t n = (size_t)ps->num_values;
	struct hy_pq_page_header h;
	struct hy__pqw_page *pg = NULL;
	bool use_dict = false;

	HY_TRY(new_page(c, &pg, err));
	pg->first_row = first_row;
	HY_TRY(page_stats(c, pg, ps, err));
	/* An all-null page has no values: PLAIN (empty), the dictionary stays on. */
	if (c->dict_on && n > 0) {
		HY_TRY(dict_encode_page(c, n, &use_dict, err));
		/* Not worth it: the first page's values are mostly distinct. */
		if (use_dict && c->n_rle_dict_pages == 0 && n >= 2 && c->dict_count * 2 > n)
			use_dict = false;
		if (!use_dict) {
			c->dict_on = false;
			if (c->n_rle_dict_pages == 0)
				dict_clear(c);
		}
	}
	hy_buf_clear(&c->body);
	if (l->optional)
		HY_TRY(hy_pq_rle_encode_prefixed((const uint32_t *)c->levels.data, (size_t)nrows, 1,
						 &c->body, err));
	if (use_dict)
		HY_TRY(hy_pq_dict_indices_encode((const uint32_t *)c->idx.data, n, c->dict_count,
						 &c->body, err));
	else
		HY_TRY(plain_encode(l, c->values.data, (const struct hy_str *)c->views.data, n,
				    &c->body, err));
	memset(&h, 0, sizeof(h));
	h.type = HY_PQ_PAGE_DATA;
	h.has_data = true;
	h.data.num_values = (int32_t)nrows;
	h.data.encoding = use_dict ? HY_PQ_ENC_RLE_DICTIONARY : HY_PQ_ENC_PLAIN;
	h.data.definition_level_encoding = HY_PQ_ENC_RLE;
	h.data.repetition_level_encoding = HY_PQ_ENC_RLE;
	pg->offset = (int64_t)c->data_pages.len;
	HY_TRY(emit_page(c, &h, &c->data_pages, &pg->size, err));
	if (use_dict)
		c->n_rle_dict_pages++;
	else
		c->n_plain_pages++;
	c->encodings |= 1u << h.data.encoding;
	if (l->optional)
		c->encodings |= 1u << HY_PQ_ENC_RLE;
	c->num_values += nrows;
	return 0;
}

static int dict_page(struct hy__pqw_chunk *c, struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;
	struct hy_pq_page_header h;
	int32_t size;

	hy_buf_clear(&c->body);
	if (l->width > 0) {
		HY_TRY(hy_pq_plain_encode_fixed(c->dict_vals.data, c->dict_count, l->width,
						&c->body, err));
	} else {
		const int32_t *off = (const int32_t *)c->dict_offs.data;
		HY_TRY(hy_pq_plain_encode_byte_array(off, c->dict_vals.data, c->dict_count,
						     &c->body, err));
	}
	memset(&h, 0, sizeof(h));
	h.type = HY_PQ_PAGE_DICTIONARY;
	h.has_dictionary = true;
	h.dictionary.num_values = (int32_t)c->dict_count;
	h.dictionary.encoding = HY_PQ_ENC_PLAIN;
	HY_TRY(emit_page(c, &h, &c->bytes, &size, err));
	c->dict_page_len = size;
	c->n_dict_pages = 1;
	c->encodings |= 1u << HY_PQ_ENC_PLAIN;
	return 0;
}

static void page_scratch_clear(struct hy__pqw_chunk *c, struct hy__pqw_stats *ps)
{
	hy_buf_clear(&c->levels);
	hy_buf_clear(&c->values);
	hy_buf_clear(&c->views);
	ps->null_count = ps->nan_count = ps->num_values = 0;
}

static int finish_stats(struct hy__pqw_chunk *c, struct hy_error *err)
{
	c->stats.num_values = c->num_values;
	c->stats.has_minmax = c->raw_has;
	if (!c->raw_has)
		return 0;
	HY_TRY(store_bound(c->leaf, c->raw_min.data, c->raw_min.len, true, &c->stats.min,
			   &c->stats.min_exact, err));
	return store_bound(c->leaf, c->raw_max.data, c->raw_max.len, false, &c->stats.max,
			   &c->stats.max_exact, err);
}

static void chunk_clear(struct hy__pqw_chunk *c)
{
	hy_buf_clear(&c->bytes);
	hy_buf_clear(&c->data_pages);
	hy_buf_clear(&c->raw_min);
	hy_buf_clear(&c->raw_max);
	free_pages(c);
	dict_clear(c);
	hy__pqw_stats_reset(&c->stats);
	c->raw_has = false;
	c->dict_page_len = c->total_uncompressed = c->num_values = 0;
	c->encodings = 0;
	c->n_dict_pages = c->n_plain_pages = c->n_rle_dict_pages = 0;
	c->dict_on = c->leaf->dictionary;
}

int hy__pqw_chunk_encode(struct hy__pqw_chunk *c, struct hy_error *err)
{
	struct hy__pqw_stats ps = {0};
	int64_t page_first = 0, page_rows = 0, est = 0, row = 0, gather_step = GATHER_STEP;

	/* wide fixed values (up to 1 MiB each): never gather past one page's bytes */
	if (c->leaf->width > 0 && gather_step > c->opts->page_bytes / (int64_t)c->leaf->width)
		gather_step = c->opts->page_bytes / (int64_t)c->leaf->width;
	if (gather_step < 1)
		gather_step = 1;

	chunk_clear(c);
	for (size_t s = 0; s < c->nsegs; s++) {
		const struct hy_column *col = c->segs[s];

		for (int64_t at = 0; at < col->length;) {
			int64_t step = col->length - at;

			if (step > gather_step)
				step = gather_step;
			if (step > c->opts->page_rows - page_rows)
				step = c->opts->page_rows - page_rows;
			HY_TRY(gather(c, col, at, step, &ps, &est, err));
			at += step;
			page_rows += step;
			row += step;
			if (page_rows >= c->opts->page_rows || est >= c->opts->page_bytes) {
				HY_TRY(flush_page(c, page_first, page_rows, &ps, err));
				page_scratch_clear(c, &ps);
				page_first = row;
				page_rows = est = 0;
			}
		}
	}
	if (page_rows > 0)
		HY_TRY(flush_page(c, page_first, page_rows, &ps, err));
	page_scratch_clear(c, &ps);
	if (c->n_rle_dict_pages > 0)
		HY_TRY(dict_page(c, err)); /* into c->bytes, written before data_pages */
	return finish_stats(c, err);
}
