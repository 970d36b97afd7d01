/* The writer's column chunk encoder: one per column, living across writes.
 *
 * Each write feeds the batch's column (one task per column). Rows are
 * gathered, 1,024 rows at a time, into physical values (int32/int64/float/
 * double/FLBA bytes, or string views) until a page is full (page_bytes of
 * PLAIN-size estimate or page_rows rows). Each page is then
 * dictionary-encoded (while the dictionary is on) or PLAIN-encoded, prefixed
 * with its RLE definition levels, compressed straight into the chunk's data
 * page buffer behind a gap that its v1 page header then fills from the end.
 * The open page outlives the write: string views of plain input are copied
 * into the chunk's stash, views of dictionary-form input keep a reference
 * to their dictionary. The dictionary page, written when the chunk ends,
 * holds every value seen while the dictionary was on (parquet.md sections
 * 5.3, 6.4, 14). */
#include <pthread.h>
#include <string.h>
#include <zlib.h>

#include "hygge/alloc.h"
#include "pq_writer_int.h"

#define GATHER_STEP     1024
#define SCRATCH_MAX     ((size_t)1 << 31) /* any scratch buffer */
#define STATS_MAX       ((size_t)HY_MAX_VAR_BYTES + 16)
#define DICT_MAX_VALUES ((size_t)1 << 30)
#define HEADER_GAP      64 /* > any v1 page header this writer encodes */
#define NO_INDEX        UINT32_MAX

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

/* ---- spare scratch, shared by the writers of a process ----
 *
 * A store writes one file after another (one writer each), and every new
 * writer would otherwise grow its chunks' page buffers from nothing again:
 * fresh pages from the kernel, faulted in and zeroed, then unmapped at close.
 * A closing writer parks its big buffers here (per kind, up to SPARE_MAX
 * bytes in all) and the next chunk takes them over. */
#define SPARE_KINDS 14
#define SPARE_EACH  256                /* column positions; wider tables park their first 256 */
#define SPARE_MIN   ((size_t)64 << 10) /* smaller ones are cheap to allocate */
#define SPARE_MAX   ((size_t)96 << 20)

static pthread_mutex_t spare_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint8_t *data;
	size_t cap;
	size_t col; /* the column position that parked it */
} spare[SPARE_KINDS][SPARE_EACH];
static size_t spare_n[SPARE_KINDS], spare_bytes;

static void spare_kinds(struct hy__pqw_chunk *c, struct hy_buf *out[SPARE_KINDS])
{
	out[0] = &c->data_pages;
	out[1] = &c->values;
	out[2] = &c->views;
	out[3] = &c->srcidx;
	out[4] = &c->levels;
	out[5] = &c->body;
	out[6] = &c->idx;
	out[7] = &c->stash;
	out[8] = &c->bytes;
	/* the dictionary's too: freeing its 256 KiB hash table at every file
	 * close made glibc raise its mmap threshold, so the next file's
	 * buffers came from the arenas and a long run kept more memory */
	out[9] = &c->plain;
	out[10] = &c->dict_vals;
	out[11] = &c->dict_offs;
	out[12] = &c->dict_slots;
	out[13] = &c->remap;
}

static void spare_take(struct hy__pqw_chunk *c)
{
	struct hy_buf *b[SPARE_KINDS];

	spare_kinds(c, b);
	pthread_mutex_lock(&spare_mu);
	for (size_t k = 0; k < SPARE_KINDS; k++) {
		size_t j;

		if (spare_n[k] == 0)
			continue;
		/* only the buffer this column position had: its size (and the
		 * pages already faulted in) fit. Handing another position's
		 * buffer over moved buffers between columns file after file,
		 * until every column held the largest of every kind. */
		for (j = 0; j < spare_n[k] && spare[k][j].col != c->col; j++)
			;
		if (j == spare_n[k])
			continue;
		b[k]->data = spare[k][j].data;
		b[k]->cap = spare[k][j].cap;
		spare[k][j] = spare[k][--spare_n[k]];
		b[k]->len = 0;
		b[k]->data[0] = 0;
		spare_bytes -= b[k]->cap;
	}
	pthread_mutex_unlock(&spare_mu);
}

static void spare_park(struct hy__pqw_chunk *c)
{
	struct hy_buf *b[SPARE_KINDS];

	spare_kinds(c, b);
	pthread_mutex_lock(&spare_mu);
	for (size_t k = 0; k < SPARE_KINDS; k++) {
		size_t j;

		if (b[k]->cap < SPARE_MIN)
			continue;
		/* one buffer per kind and position: an older one is dropped */
		for (j = 0; j < spare_n[k] && spare[k][j].col != c->col; j++)
			;
		if (j < spare_n[k]) {
			spare_bytes -= spare[k][j].cap;
			hy_free(spare[k][j].data);
			spare[k][j] = spare[k][--spare_n[k]];
		}
		if (spare_n[k] == SPARE_EACH || spare_bytes + b[k]->cap > SPARE_MAX)
			continue;
		spare[k][spare_n[k]].data = b[k]->data;
		spare[k][spare_n[k]].cap = b[k]->cap;
		spare[k][spare_n[k]].col = c->col;
		spare_n[k]++;
		spare_bytes += b[k]->cap;
		hy_buf_init(b[k], b[k]->max); /* the bytes are parked, not freed */
	}
	pthread_mutex_unlock(&spare_mu);
}

void hy__pqw_chunk_init(struct hy__pqw_chunk *c, const struct hy__pqw_leaf *leaf,
			const struct hy_pq_writer_options *opts, size_t col)
{
	struct hy_buf *bufs[] = {&c->bytes,      &c->levels,  &c->values,    &c->views,
				 &c->srcidx,     &c->plain,   &c->body,      &c->header,
				 &c->data_pages, &c->idx,     &c->dict_vals, &c->dict_offs,
				 &c->dict_slots, &c->raw_min, &c->raw_max,   &c->stash,
				 &c->remap};

	memset(c, 0, sizeof(*c));
	c->leaf = leaf;
	c->opts = opts;
	c->col = col;
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		hy_buf_init(bufs[i], SCRATCH_MAX);
	hy__pqw_stats_init(&c->stats);
	spare_take(c);
}

static void free_pages(struct hy__pqw_chunk *c)
{
	for (size_t i = 0; i < c->npages; i++) {
		hy_free(c->pages[i].min);
		hy_free(c->pages[i].max);
	}
	c->npages = 0;
}

static void drop_runs(struct hy__pqw_chunk *c)
{
	for (size_t i = 0; i < c->nruns; i++)
		hy_column_unref(c->runs[i].dict);
	c->nruns = 0;
}

/* Frees everything (the chunk can be initialised again). */
void hy__pqw_chunk_reset(struct hy__pqw_chunk *c)
{
	struct hy_buf *bufs[] = {&c->bytes,      &c->levels,  &c->values,    &c->views,
				 &c->srcidx,     &c->plain,   &c->body,      &c->header,
				 &c->data_pages, &c->idx,     &c->dict_vals, &c->dict_offs,
				 &c->dict_slots, &c->raw_min, &c->raw_max,   &c->stash,
				 &c->remap};

	spare_park(c);
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		hy_buf_reset(bufs[i]);
	drop_runs(c);
	hy_free(c->runs);
	c->runs = NULL;
	c->cap_runs = 0;
	hy_column_unref(c->remap_dict);
	c->remap_dict = NULL;
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
	default: return 0; /* byte arrays: gather_bytes */
	}
}

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

/* Starts a run when the input's form changes (plain vs one dictionary). */
static int note_run(struct hy__pqw_chunk *c, struct hy_column *dict, struct hy_error *err)
{
	size_t nviews = c->views.len / sizeof(struct hy_str);

	if (c->nruns > 0 ? c->runs[c->nruns - 1].dict == dict : dict == NULL)
		return 0;
	if (c->nruns == c->cap_runs) {
		size_t cap = c->cap_runs == 0 ? 4 : c->cap_runs * 2;
		struct hy__pqw_run *p = hy_realloc(c->runs, cap * sizeof(*p));

		if (p == NULL)
			return HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
		c->runs = p;
		c->cap_runs = cap;
	}
	c->runs[c->nruns].first = nviews;
	c->runs[c->nruns].dict = dict != NULL ? hy_column_ref(dict) : NULL;
	c->nruns++;
	return 0;
}

/* The open page's definition levels, one bit per row (1 = a value; max
 * level 1), zeroed ahead: `at` is the bit of the first row being gathered. */
struct lvmap {
	uint8_t *map;
	int64_t at;
};

static inline void lv_one(const struct lvmap *m, int64_t k)
{
	int64_t b = m->at + k;

	m->map[b >> 3] |= (uint8_t)(1u << (b & 7));
}

/* Rows [0, n) all valid. */
static void lv_ones(const struct lvmap *m, int64_t n)
{
	int64_t b = m->at, end = m->at + n;

	for (; b < end && (b & 7) != 0; b++)
		m->map[b >> 3] |= (uint8_t)(1u << (b & 7));
	if (end - b >= 8) {
		memset(m->map + (b >> 3), 0xFF, (size_t)((end - b) >> 3));
		b += (end - b) & ~(int64_t)7;
	}
	for (; b < end; b++)
		m->map[b >> 3] |= (uint8_t)(1u << (b & 7));
}

/* String views (and input indices) of the valid rows of a byte-array column. */
static int gather_bytes(struct hy__pqw_chunk *c, const struct hy_column *col, int64_t from,
			int64_t n, const struct lvmap *lv, struct hy_error *err)
{
	struct hy_column *dict = col->dictionary;
	const int32_t *off, *ix = NULL;
	const uint8_t *data;
	int64_t base;
	struct hy_str *sv;
	uint32_t *si;
	size_t k = 0;

	HY_TRY(note_run(c, dict, err));
	HY_TRY(hy_buf_reserve(&c->views, (size_t)n * sizeof(struct hy_str), err));
	HY_TRY(hy_buf_reserve(&c->srcidx, (size_t)n * 4, err));
	sv = (struct hy_str *)(c->views.data + c->views.len);
	si = (uint32_t *)(c->srcidx.data + c->srcidx.len);
	if (dict != NULL) {
		ix = (const int32_t *)col->values->data + col->offset;
		off = (const int32_t *)dict->values->data + dict->offset;
		data = dict->data->data;
	} else {
		off = (const int32_t *)col->values->data + col->offset;
		data = col->data->data;
	}
	base = 0;
	for (int64_t r = from; r < from + n; r++) {
		int64_t j = r;

		if (col->validity != NULL && !is_valid(col, r))
			continue;
		if (lv != NULL)
			lv_one(lv, r - from);
		if (ix != NULL)
			j = ix[r];
		sv[k].ptr = (const char *)data + off[j];
		sv[k].len = (size_t)(off[j + 1] - off[j]);
		si[k] = (uint32_t)j;
		base += 4 + (int64_t)sv[k].len;
		k++;
	}
	c->views.len += k * sizeof(struct hy_str);
	c->srcidx.len += k * 4;
	c->page.num_values += (int64_t)k;
	c->page.null_count += n - (int64_t)k;
	c->page_est += base;
	return 0;
}

/* Rows [from, from+n) of `col`: levels and values appended to the page
 * scratch; c->page_est grows by their PLAIN size. */
static int gather(struct hy__pqw_chunk *c, const struct hy_column *col, int64_t from, int64_t n,
		  struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;
	struct hy__pqw_stats *ps = &c->page;
	struct lvmap map, *lv = NULL;

	if (l->optional) {
		size_t need = (size_t)((c->page_rows + n + 7) >> 3);

		if (need > c->levels.len) {
			HY_TRY(hy_buf_reserve(&c->levels, need - c->levels.len, err));
			memset(c->levels.data + c->levels.len, 0, need - c->levels.len);
			c->levels.len = need;
		}
		map.map = c->levels.data;
		map.at = c->page_rows;
		lv = &map;
	}
	if (l->conv == HY__PQW_BYTES && col->type.id != HY_NULL)
		return gather_bytes(c, col, from, n, lv, err);
	if (l->width > 0)
		HY_TRY(hy_buf_reserve(&c->values, (size_t)n * l->width, err));
	if (col->validity == NULL && col->type.id != HY_NULL && plain_copy(l)) {
		/* no nulls, no conversion: one copy (the common hot case) */
		memcpy(c->values.data + c->values.len,
		       col->values->data + (size_t)(col->offset + from) * l->width,
		       (size_t)n * l->width);
		c->values.len += (size_t)n * l->width;
		if (lv != NULL)
			lv_ones(lv, n);
		ps->num_values += n;
	} else if (l->conv == HY__PQW_BOOL && col->type.id == HY_BOOL) {
		/* bits -> one byte per valid value, without a call per value */
		const uint8_t *bits = col->values->data;
		uint8_t *o = c->values.data + c->values.len;
		size_t k = 0;

		for (int64_t r = from; r < from + n; r++) {
			int64_t at = col->offset + r;
			bool ok = col->validity == NULL || is_valid(col, r);

			if (!ok)
				continue;
			if (lv != NULL)
				lv_one(lv, r - from);
			o[k++] = (bits[at >> 3] >> (at & 7)) & 1;
		}
		c->values.len += k;
		ps->num_values += (int64_t)k;
		ps->null_count += n - (int64_t)k;
	} else {
		for (int64_t r = from; r < from + n; r++) {
			if (!is_valid(col, r)) {
				ps->null_count++;
				continue;
			}
			if (lv != NULL)
				lv_one(lv, r - from);
			ps->num_values++;
			HY_TRY(gather_value(c, col, r, err));
		}
	}
	if (l->width > 0)
		c->page_est = (int64_t)c->values.len;
	return 0;
}

/* Whether view i lies in a dictionary run; *r is a cursor over the runs
 * (views are asked for in increasing order). */
static bool in_dict_run(const struct hy__pqw_chunk *c, size_t i, size_t *r)
{
	while (*r + 1 < c->nruns && c->runs[*r + 1].first <= i)
		(*r)++;
	return c->nruns > 0 && c->runs[*r].first <= i && c->runs[*r].dict != NULL;
}

/* Copies the bytes of the open page's plain-input strings that still point
 * into the caller's batch into c->stash (the batch may go once the write
 * returns). Views already stashed are rebased when the stash moves. */
static int stash_views(struct hy__pqw_chunk *c, struct hy_error *err)
{
	struct hy_str *v = (struct hy_str *)c->views.data;
	size_t n = c->views.len / sizeof(*v), need = 0, r = 0;

	if (c->leaf->width > 0 || c->stashed == n)
		return 0;
	/* views in dictionary runs stay: the run holds their dictionary */
	for (size_t i = c->stashed; i < n; i++)
		if (!in_dict_run(c, i, &r))
			need += v[i].len;
	if (need >= c->stash.cap - c->stash.len) { /* >=: never a NULL stash */
		uint8_t *old = c->stash.data;
		size_t *at = NULL;

		/* remember where stashed views point, as offsets, across the move */
		if (old != NULL && c->stashed > 0) {
			at = hy_malloc(c->stashed * sizeof(*at));
			if (at == NULL)
				return HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
			r = 0;
			for (size_t i = 0; i < c->stashed; i++)
				at[i] = in_dict_run(c, i, &r)
						? SIZE_MAX
						: (size_t)((const uint8_t *)v[i].ptr - old);
		}
		int rc = hy_buf_reserve(&c->stash, need + 1, err);
		if (rc == 0 && at != NULL)
			for (size_t i = 0; i < c->stashed; i++)
				if (at[i] != SIZE_MAX)
					v[i].ptr = (const char *)c->stash.data + at[i];
		hy_free(at);
		HY_TRY(rc);
	}
	r = 0;
	for (size_t i = c->stashed; i < n; i++) {
		if (in_dict_run(c, i, &r))
			continue;
		uint8_t *dst = c->stash.data + c->stash.len;
		if (v[i].len > 0)
			memcpy(dst, v[i].ptr, v[i].len);
		v[i].ptr = (const char *)dst;
		c->stash.len += v[i].len;
	}
	c->stashed = n;
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

/* Min and max of the page's values of type T, by value (no index kept, so
 * the loop is compare-and-select only); their bytes go to c->ext_min /
 * c->ext_max. Equal values have equal bytes except -0.0 and +0.0, which
 * normalise_zero settles anyway. */
#define EXTREMES(T, NAN_CHECK)                                                                     \
	do {                                                                                       \
		const T *v = (const T *)c->values.data;                                            \
		size_t i = 0;                                                                      \
		T lo, hi;                                                                          \
		if (NAN_CHECK)                                                                     \
			while (i < n && v[i] != v[i]) {                                            \
				ps->nan_count++;                                                   \
				i++;                                                               \
			}                                                                          \
		if (i == n)                                                                        \
			return false;                                                              \
		lo = hi = v[i++];                                                                  \
		for (; i < n; i++) {                                                               \
			T x = v[i];                                                                \
			if (NAN_CHECK && x != x) {                                                 \
				ps->nan_count++;                                                   \
				continue;                                                          \
			}                                                                          \
			lo = x < lo ? x : lo;                                                      \
			hi = x > hi ? x : hi;                                                      \
		}                                                                                  \
		memcpy(c->ext_min, &lo, sizeof(T));                                                \
		memcpy(c->ext_max, &hi, sizeof(T));                                                \
		*mn = c->ext_min;                                                                  \
		*mx = c->ext_max;                                                                  \
		*mnl = *mxl = sizeof(T);                                                           \
		return true;                                                                       \
	} while (0)

/* The first 8 bytes of a string, zero-padded, as a big-endian number: a
 * different key decides the byte order; only equal keys need a compare. */
static uint64_t prefix_key(const struct hy_str *s)
{
	const uint8_t *p = (const uint8_t *)s->ptr;
	uint64_t k = 0;

	if (s->len >= 8) {
		memcpy(&k, p, 8);
		return __builtin_bswap64(k);
	}
	for (size_t i = 0; i < 8; i++)
		k = k << 8 | (i < s->len ? p[i] : 0);
	return k;
}

static int views_cmp(const struct hy_str *a, const struct hy_str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int d = n > 0 ? memcmp(a->ptr, b->ptr, n) : 0;

	if (d != 0)
		return d;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Extremes of string views (unsigned bytes, then length). */
static void views_extremes(const struct hy__pqw_chunk *c, size_t n, long *imin, long *imax)
{
	const struct hy_str *v = (const struct hy_str *)c->views.data;
	uint64_t kmin = 0, kmax = 0;

	if (n == 0)
		return;
	*imin = *imax = 0;
	kmin = kmax = prefix_key(&v[0]);
	for (size_t i = 1; i < n; i++) {
		uint64_t k = prefix_key(&v[i]);

		if (k < kmin || (k == kmin && views_cmp(&v[i], &v[*imin]) < 0)) {
			kmin = k;
			*imin = (long)i;
		}
		if (k > kmax || (k == kmax && views_cmp(&v[i], &v[*imax]) > 0)) {
			kmax = k;
			*imax = (long)i;
		}
	}
}

/* Page extremes over the gathered values (false when there are none: all
 * null or all NaN). Typed loops for the numeric orders and booleans; string
 * views compare prefixes first. */
static bool page_extremes(struct hy__pqw_chunk *c, size_t n, struct hy__pqw_stats *ps,
			  const uint8_t **mn, size_t *mnl, const uint8_t **mx, size_t *mxl)
{
	int order = c->leaf->order;
	const uint8_t *p;
	size_t len;

	switch (order) {
	case HY__PQW_ORD_NONE: return false;
	case HY__PQW_ORD_BOOL: EXTREMES(uint8_t, 0);
	case HY__PQW_ORD_S32: EXTREMES(int32_t, 0);
	case HY__PQW_ORD_U32: EXTREMES(uint32_t, 0);
	case HY__PQW_ORD_S64: EXTREMES(int64_t, 0);
	case HY__PQW_ORD_U64: EXTREMES(uint64_t, 0);
	case HY__PQW_ORD_F32: EXTREMES(float, 1);
	case HY__PQW_ORD_F64: EXTREMES(double, 1);
	case HY__PQW_ORD_BYTES:
		if (c->leaf->width == 0) {
			long imin = -1, imax = -1;

			views_extremes(c, n, &imin, &imax);
			if (imin < 0)
				return false;
			value_at(c, (size_t)imin, mn, mnl);
			value_at(c, (size_t)imax, mx, mxl);
			return true;
		}
		break;
	default: break;
	}
	if (n == 0)
		return false;
	value_at(c, 0, mn, mnl);
	*mx = *mn;
	*mxl = *mnl;
	for (size_t i = 1; i < n; i++) {
		value_at(c, i, &p, &len);
		if (hy__pqw_cmp(order, p, len, *mn, *mnl) < 0) {
			*mn = p;
			*mnl = len;
		}
		if (hy__pqw_cmp(order, p, len, *mx, *mxl) > 0) {
			*mx = p;
			*mxl = len;
		}
	}
	return true;
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
	size_t n = (size_t)ps->num_values, mnl = 0, mxl = 0;
	const uint8_t *mn = NULL, *mx = NULL;

	bool has = page_extremes(c, n, ps, &mn, &mnl, &mx, &mxl);
	pg->null_count = ps->null_count;
	pg->nan_count = ps->nan_count;
	pg->null_page = n == 0;
	pg->all_nan = n > 0 && ps->nan_count == (int64_t)n;
	c->stats.null_count += ps->null_count;
	c->stats.nan_count += ps->nan_count;
	if (!has)
		return 0;
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
	/* the remap points into the dictionary just dropped */
	hy_column_unref(c->remap_dict);
	c->remap_dict = NULL;
}

/* Index of the value in the dictionary, adding it; *full when adding it
 * would pass the limit (nothing added then). */
/* Equality of short byte strings without a library call: fixed-size loads
 * (which compile to plain loads) of the first and last 8 or 4 bytes. */
static inline bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;

	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return false;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

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
		if (qlen == len && bytes_eq(p, q, len)) {
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

/* The remap array of dictionary-form input `dict`: one chunk dictionary
 * index per entry, NO_INDEX until looked up. Kept while the same dictionary
 * column comes again (a reader hands one dictionary to many batches). */
static int remap_for(struct hy__pqw_chunk *c, struct hy_column *dict, uint32_t **out,
		     struct hy_error *err)
{
	size_t n = (size_t)(dict->offset + dict->length);

	if (c->remap_dict != dict) {
		hy_column_unref(c->remap_dict);
		c->remap_dict = NULL;
		hy_buf_clear(&c->remap);
		HY_TRY(hy_buf_reserve(&c->remap, n * 4 + 4, err));
		memset(c->remap.data, 0xFF, n * 4);
		c->remap.len = n * 4;
		c->remap_dict = hy_column_ref(dict);
	}
	*out = (uint32_t *)c->remap.data;
	return 0;
}

/* Dictionary indices of the page's values into c->idx; *ok false when the
 * dictionary filled up (the page is then written PLAIN). Values of
 * dictionary-form input are looked up once per distinct input entry. */
/* The chunk's first page stops trying the dictionary after this many values
 * when nearly all of them were distinct: it would end "not worth it" (over
 * half distinct) anyway, and hashing a whole page of unique ids, doubles or
 * timestamps into a dictionary only to drop it cost ~5 % of a parquet copy's
 * CPU, once per column per row group. */
#define DICT_PROBE_VALUES 4096

static bool probe_says_distinct(const struct hy__pqw_chunk *c, size_t seen)
{
	return c->n_rle_dict_pages == 0 && seen == DICT_PROBE_VALUES &&
	       c->dict_count * 10 > (size_t)DICT_PROBE_VALUES * 9;
}

static int dict_encode_page(struct hy__pqw_chunk *c, size_t n, bool *ok, struct hy_error *err)
{
	uint32_t *idx;
	bool full = false;
	size_t r = 0;

	hy_buf_clear(&c->idx);
	HY_TRY(hy_buf_reserve(&c->idx, n * 4, err));
	idx = (uint32_t *)c->idx.data;
	for (size_t i = 0; i < n && !full;) {
		size_t end = n;
		struct hy_column *dict = NULL;

		/* the run holding value i, and where it ends */
		while (r + 1 < c->nruns && c->runs[r + 1].first <= i)
			r++;
		if (c->nruns > 0 && c->runs[r].first <= i) {
			dict = c->runs[r].dict;
			if (r + 1 < c->nruns)
				end = c->runs[r + 1].first;
		} else if (c->nruns > 0) {
			end = c->runs[0].first;
		}
		if (end > n)
			end = n;
		if (dict != NULL) {
			const uint32_t *src = (const uint32_t *)c->srcidx.data;
			const struct hy_str *v = (const struct hy_str *)c->views.data;
			uint32_t *map;

			HY_TRY(remap_for(c, dict, &map, err));
			for (; i < end && !full; i++) {
				uint32_t ix = map[src[i]];

				if (ix == NO_INDEX) {
					HY_TRY(dict_index(c, (const uint8_t *)v[i].ptr, v[i].len,
							  &ix, &full, err));
					if (full)
						break;
					map[src[i]] = ix;
				}
				idx[i] = ix;
				if (probe_says_distinct(c, i + 1)) {
					*ok = false;
					return 0;
				}
			}
			continue;
		}
		for (; i < end && !full; i++) {
			const uint8_t *p;
			size_t len;
			uint32_t ix = 0;

			value_at(c, i, &p, &len);
			HY_TRY(dict_index(c, p, len, &ix, &full, err));
			idx[i] = ix;
			if (probe_says_distinct(c, i + 1)) {
				*ok = false;
				return 0;
			}
		}
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
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += 4 + views[i].len;
	HY_TRY(hy_buf_reserve(out, total, err));
	uint8_t *o = out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		uint32_t len = (uint32_t)views[i].len;
		memcpy(o, &len, 4);
		if (len > 0)
			memcpy(o + 4, views[i].ptr, len);
		o += 4 + len;
	}
	out->len += total;
	return 0;
}

/* Compresses `body` into `dst` behind a HEADER_GAP-byte gap, then puts the
 * page header at the end of the gap: the page is [*at, *at + *size) of dst
 * (the bytes before it in the gap are never written to the file). */
static int emit_page(struct hy__pqw_chunk *c, struct hy_pq_page_header *h, const uint8_t *body,
		     size_t body_len, struct hy_buf *dst, size_t *at, int32_t *size,
		     struct hy_error *err)
{
	struct hy__pq_tenc e;
	size_t start = dst->len, clen;

	if (body_len > HY_PQ_MAX_PAGE_BYTES)
		return HY__PQ_FAIL(err, HY_ELIMIT,
				   "parquet writer: column '%s': a page of %zu bytes passes the "
				   "%u-byte page cap",
				   c->leaf->field->name, body_len, HY_PQ_MAX_PAGE_BYTES);
	HY_TRY(hy_buf_reserve(dst, HEADER_GAP, err));
	dst->len += HEADER_GAP;
	HY_TRY(hy_pq_compress(c->opts->codec, c->opts->level, body, body_len, dst, err));
	clen = dst->len - start - HEADER_GAP;
	if (clen > HY_PQ_MAX_PAGE_BYTES)
		return HY__PQ_FAIL(err, HY_ELIMIT, "parquet writer: compressed page too large");
	h->uncompressed_page_size = (int32_t)body_len;
	h->compressed_page_size = (int32_t)clen;
	if (c->opts->page_crc) {
		h->has_crc = true;
		h->crc = (uint32_t)crc32(0L, dst->data + start + HEADER_GAP, (uInt)clen);
	}
	hy_buf_clear(&c->header);
	hy__pq_tenc_init(&e, &c->header, err);
	HY_TRY(hy__pq_page_header_encode(&e, h));
	if (c->header.len > HEADER_GAP)
		return HY__PQ_FAIL(err, HY_ESTATE, "parquet writer: page header too large");
	*at = start + HEADER_GAP - c->header.len;
	memcpy(dst->data + *at, c->header.data, c->header.len);
	c->total_uncompressed += (int64_t)(c->header.len + body_len);
	*size = (int32_t)(c->header.len + clen);
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

/* The page's definition levels as [u32 length][RLE/bit-packed hybrid, bit
 * width 1], straight from the level bitmap: a bit-packed group of 8 levels is
 * one bitmap byte, so literal stretches are copied and runs of at least
 * four all-null or all-valid bytes become RLE runs. */
static int encode_levels(const uint8_t *map, int64_t nrows, struct hy_buf *out,
			 struct hy_error *err)
{
	size_t start = out->len, full = (size_t)(nrows >> 3), nbytes = (size_t)((nrows + 7) >> 3);
	size_t g = 0, lit = 0, len;

	HY_TRY(hy_buf_reserve(out, 4 + nbytes + nbytes / 2 + 16, err));
	out->len += 4;
	while (g < full) {
		uint8_t b = map[g];
		size_t k = g + 1;

		if (b != 0x00 && b != 0xFF) {
			g++;
			continue;
		}
		while (k < full && map[k] == b)
			k++;
		if (k - g >= 4) {
			if (g > lit) {
				HY_TRY(hy__pq_uleb_write(out, (uint64_t)(g - lit) << 1 | 1, err));
				HY_TRY(hy_buf_append(out, map + lit, g - lit, err));
			}
			HY_TRY(hy__pq_uleb_write(out, (uint64_t)(k - g) * 8 << 1, err));
			HY_TRY(hy_buf_append_byte(out, b & 1, err));
			lit = k;
		}
		g = k;
	}
	if (nbytes > lit) { /* the last byte's unused bits are zero padding */
		HY_TRY(hy__pq_uleb_write(out, (uint64_t)(nbytes - lit) << 1 | 1, err));
		HY_TRY(hy_buf_append(out, map + lit, nbytes - lit, err));
	}
	len = out->len - start - 4;
	if (len > UINT32_MAX)
		return HY__PQ_FAIL(err, HY_ELIMIT, "parquet writer: definition levels too large");
	for (int i = 0; i < 4; i++)
		out->data[start + (size_t)i] = (uint8_t)(len >> (8 * i));
	return 0;
}

/* Encodes the open page (rows [page_first, page_first + page_rows)). */
static int flush_page(struct hy__pqw_chunk *c, struct hy_error *err)
{
	const struct hy__pqw_leaf *l = c->leaf;
	struct hy__pqw_stats *ps = &c->page;
	size_t n = (size_t)ps->num_values;
	int64_t nrows = c->page_rows;
	struct hy_pq_page_header h;
	struct hy__pqw_page *pg = NULL;
	bool use_dict = false;
	const uint8_t *body;
	size_t body_len;

	HY_TRY(new_page(c, &pg, err));
	pg->first_row = c->page_first;
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
	if (!l->optional && !use_dict && l->width > 0 && l->ptype != HY_PQ_BOOLEAN) {
		/* PLAIN fixed-width values without levels: the gathered values are
		 * the body, compressed from where they are */
		body = c->values.data;
		body_len = c->values.len;
	} else {
		hy_buf_clear(&c->body);
		if (l->optional)
			HY_TRY(encode_levels(c->levels.data, nrows, &c->body, err));
		if (use_dict)
			HY_TRY(hy_pq_dict_indices_encode((const uint32_t *)c->idx.data, n,
							 c->dict_count, &c->body, err));
		else
			HY_TRY(plain_encode(l, c->values.data, (const struct hy_str *)c->views.data,
					    n, &c->body, err));
		body = c->body.data;
		body_len = c->body.len;
	}
	memset(&h, 0, sizeof(h));
	h.type = HY_PQ_PAGE_DATA;
	h.has_data = true;
	h.data.num_values = (int32_t)nrows;
	h.data.encoding = use_dict ? HY_PQ_ENC_RLE_DICTIONARY : HY_PQ_ENC_PLAIN;
	h.data.definition_level_encoding = HY_PQ_ENC_RLE;
	h.data.repetition_level_encoding = HY_PQ_ENC_RLE;
	pg->offset = c->data_bytes;
	HY_TRY(emit_page(c, &h, body, body_len, &c->data_pages, &pg->at, &pg->size, err));
	c->data_bytes += pg->size;
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
	hy_buf_clear(&c->bytes);
	HY_TRY(emit_page(c, &h, c->body.data, c->body.len, &c->bytes, &c->dict_at, &size, err));
	c->dict_page_len = size;
	c->n_dict_pages = 1;
	c->encodings |= 1u << HY_PQ_ENC_PLAIN;
	return 0;
}

static void page_scratch_clear(struct hy__pqw_chunk *c)
{
	hy_buf_clear(&c->levels);
	hy_buf_clear(&c->values);
	hy_buf_clear(&c->views);
	hy_buf_clear(&c->srcidx);
	hy_buf_clear(&c->stash);
	c->stashed = 0;
	drop_runs(c);
	c->page.null_count = c->page.nan_count = c->page.num_values = 0;
	c->page_rows = c->page_est = 0;
	c->page_first = c->nrows;
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

void hy__pqw_chunk_clear(struct hy__pqw_chunk *c)
{
	hy_buf_clear(&c->bytes);
	hy_buf_clear(&c->data_pages);
	hy_buf_clear(&c->raw_min);
	hy_buf_clear(&c->raw_max);
	free_pages(c);
	dict_clear(c);
	hy__pqw_stats_reset(&c->stats);
	c->nrows = 0;
	page_scratch_clear(c);
	c->raw_has = false;
	c->dict_at = 0;
	c->dict_page_len = c->total_uncompressed = c->num_values = c->data_bytes = 0;
	c->encodings = 0;
	c->n_dict_pages = c->n_plain_pages = c->n_rle_dict_pages = 0;
	c->dict_on = c->leaf->dictionary;
	c->started = true;
}

int64_t hy__pqw_chunk_held(const struct hy__pqw_chunk *c)
{
	/* the open page counts at its PLAIN estimate: it is about to be encoded */
	return c->data_bytes + (int64_t)c->dict_vals.len + (int64_t)c->dict_offs.len + c->page_est;
}

int hy__pqw_chunk_feed(struct hy__pqw_chunk *c, struct hy_error *err)
{
	const struct hy_column *col = c->feed;
	int64_t gather_step = GATHER_STEP;

	/* wide fixed values (up to 1 MiB each): never gather past one page's bytes */
	if (c->leaf->width > 0 && gather_step > c->opts->page_bytes / (int64_t)c->leaf->width)
		gather_step = c->opts->page_bytes / (int64_t)c->leaf->width;
	if (gather_step < 1)
		gather_step = 1;
	if (!c->started)
		hy__pqw_chunk_clear(c);
	for (int64_t at = 0; at < col->length;) {
		int64_t step = col->length - at;

		if (step > gather_step)
			step = gather_step;
		if (step > c->opts->page_rows - c->page_rows)
			step = c->opts->page_rows - c->page_rows;
		HY_TRY(gather(c, col, at, step, err));
		at += step;
		c->page_rows += step;
		c->nrows += step;
		if (c->page_rows >= c->opts->page_rows || c->page_est >= c->opts->page_bytes) {
			HY_TRY(flush_page(c, err));
			page_scratch_clear(c);
		}
	}
	/* the open page outlives this write; the caller's batch may not */
	return stash_views(c, err);
}

int hy__pqw_chunk_end(struct hy__pqw_chunk *c, struct hy_error *err)
{
	if (!c->started)
		hy__pqw_chunk_clear(c);
	if (c->page_rows > 0)
		HY_TRY(flush_page(c, err));
	page_scratch_clear(c);
	if (c->n_rle_dict_pages > 0)
		HY_TRY(dict_page(c, err)); /* into c->bytes, written before data_pages */
	c->started = false;
	return finish_stats(c, err);
}
