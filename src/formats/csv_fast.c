/* The CSV reader's fast path (docs/internals/formats.md, "Fast path").
 *
 * The row reader in csv_reader.c handles every byte one state at a time and
 * copies fields into a row buffer. Here a window of several blocks is kept
 * contiguous (hy__src_more) and read in two passes:
 *
 *  1. boundaries (serial): records are found with a 16-byte search for
 *     LF, CR and the quote char. A record without a quote ends at its first
 *     line break; one with a quote is walked by the same state machine as
 *     the row reader to find its end. Blank lines are skipped here.
 *  2. values (parallel): the records are cut into slices, one per thread of
 *     the pool plus the calling thread; each slice splits its records at
 *     the separator and writes the values straight into its own column
 *     arrays (reused window after window), which are then appended to the
 *     reader's builders in slice order. Quoted fields are unescaped into a
 *     per-slice buffer.
 *
 * Whatever the fast path cannot take as it is (a record that may be
 * malformed, longer than a cap, at a BOM, or split by the end of the window
 * with more input to come) is handed to the row reader, which reads it from
 * the same window: errors and their file:line:column come from one place.
 * A value that does not parse is reported here with the row reader's
 * message. Any error ends the reader, so builders left uneven by a failed
 * slice are never handed out. */
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "fmt_int.h"
#include "hygge/alloc.h"
#include "hygge/pool.h"

#define WINDOW_BLOCKS     8   /* window = 8 read blocks (8 MiB by default) */
#define SLICE_MIN_ROWS    256 /* fewer records than this per slice: not worth a task */
#define SLOTS_MAX         32
#define SLICES_PER_THREAD 3 /* a thread put aside holds up one small slice only */

enum stop { STOP_LIMIT, STOP_MORE, STOP_SLOW, STOP_END };

/* First LF, CR or `q` in [p, end), or end. */
static const uint8_t *find_special(const uint8_t *p, const uint8_t *end, uint8_t q)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	const __m128i qu = _mm_set1_epi8((char)q);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)),
					 _mm_cmpeq_epi8(v, qu));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);

		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (p < end && *p != '\n' && *p != '\r' && *p != q)
		p++;
	return p;
}

/* First `c` in [p, end), or end: eight bytes at a time (a field is short,
 * so no call to memchr). The lowest flagged byte of the zero-byte test is
 * always a true match. */
static inline const uint8_t *find_byte(const uint8_t *p, const uint8_t *end, uint8_t c)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ull, rep = ones * c;

	while (end - p >= 8) {
		uint64_t w, t;

		memcpy(&w, p, 8);
		w ^= rep;
		t = (w - ones) & ~w & (ones << 7);
		if (t != 0)
			return p + (__builtin_ctzll(t) >> 3);
		p += 8;
	}
#endif
	while (p < end && *p != c)
		p++;
	return p;
}

/* A record holding a quote, walked as the row reader would: *e = its line
 * break (or end of input), *inner = LFs inside quotes. STOP_SLOW when it is
 * malformed (the row reader will say how), STOP_MORE when it runs past the
 * window with more to come; STOP_LIMIT (used as "ok") otherwise. */
static enum stop scan_quoted(const struct hy_csv_reader *r, const uint8_t *p, const uint8_t *end,
			     bool fin, const uint8_t **e, int64_t *inner)
{
	const uint8_t sep = (uint8_t)r->sep, quote = (uint8_t)r->quote;
	enum hy__csv_state st = HY__CSV_START;

	*inner = 0;
	for (; p < end; p++) {
		uint8_t c = *p;

		switch (st) {
		case HY__CSV_START:
			if (c == quote) {
				st = HY__CSV_Q;
				break;
			}
			/* fall through */
		case HY__CSV_UNQ:
			if (c == sep)
				st = HY__CSV_START;
			else if (c == '\n' || c == '\r')
				goto done;
			else
				st = HY__CSV_UNQ;
			break;
		case HY__CSV_Q:
			if (c == quote)
				st = HY__CSV_QQ;
			else if (c == '\n')
				(*inner)++;
			break;
		case HY__CSV_QQ:
			if (c == quote)
				st = HY__CSV_Q;
			else if (c == sep)
				st = HY__CSV_START;
			else if (c == '\n' || c == '\r')
				goto done;
			else
				return STOP_SLOW;
			break;
		}
	}
	if (st == HY__CSV_Q)
		return fin ? STOP_SLOW : STOP_MORE;
done:
	*e = p;
	return STOP_LIMIT;
}

static int grow_spans(struct hy_csv_reader *r, struct hy_error *err)
{
	size_t cap = r->spans_cap ? r->spans_cap * 2 : 1024;
	struct hy__csv_span *s = hy_realloc(r->spans, cap * sizeof(*s));

	if (s == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory reading %s", r->src.name);
	r->spans = s;
	r->spans_cap = cap;
	return 0;
}

/* Pass 1: up to `max` records from the window into r->spans; consumes them
 * (and blank lines) from the source and counts their lines. */
static int scan(struct hy_csv_reader *r, size_t max, size_t *nout, enum stop *why,
		struct hy_error *err)
{
	struct hy__src *s = &r->src;
	const uint8_t *base = s->buf, *end = s->buf + s->len, *p = s->buf + s->pos;
	const bool fin = s->drained;
	const uint8_t q = r->quote != 0 ? (uint8_t)r->quote : '\n';
	size_t fast_max = r->max_field < r->max_row ? r->max_field : r->max_row;
	size_t n = 0;

	*why = STOP_LIMIT;
	while (n < max) {
		const uint8_t *e, *next;
		int64_t lines = 0;
		bool quoted = false;

		if (p == end) {
			*why = fin ? STOP_END : STOP_MORE;
			break;
		}
		if ((*p == '\n' || *p == '\r') && !r->blank_is_row) {
			if (*p == '\r' && p + 1 == end && !fin) {
				*why = STOP_MORE; /* the LF of a CRLF may come next */
				break;
			}
			p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
			r->line++;
			s->pos = (size_t)(p - base);
			continue;
		}
		e = find_special(p, end, q);
		if (e < end && r->quote != 0 && *e == q) {
			*why = scan_quoted(r, p, end, fin, &e, &lines);
			if (*why != STOP_LIMIT)
				break;
			quoted = true;
		}
		if (e == end) {
			if (!fin) {
				*why = STOP_MORE;
				break;
			}
			next = end;
		} else if (*e == '\n') {
			next = e + 1;
			lines++;
		} else {
			if (e + 1 == end && !fin) {
				*why = STOP_MORE;
				break;
			}
			next = e + 1 < end && e[1] == '\n' ? e + 2 : e + 1;
			lines++;
		}
		if ((size_t)(e - p) > fast_max) {
			*why = STOP_SLOW; /* the row reader names the cap */
			break;
		}
		if (n == r->spans_cap)
			HY_TRY(grow_spans(r, err));
		r->spans[n++] = (struct hy__csv_span){(size_t)(p - base), (size_t)(e - base),
						      r->line, quoted};
		r->line += lines;
		p = next;
		s->pos = (size_t)(p - base);
	}
	*nout = n;
	return 0;
}

/* ---- pass 2: values ---- */

/* A column of one slice, built in place: plain arrays the slice owns and
 * reuses window after window (no allocation once warm, no call per value).
 * They are lent to a column (rcbufs that do not free them) only for the
 * time of hy_builder_append_column into the reader's builder. Types without
 * a fast form (decimal, date, int8..32, ...) use a builder. */
enum sink_kind { SK_BUILDER, SK_I64, SK_F64, SK_TS, SK_BOOL, SK_STR };

struct hy__csv_sink {
	enum sink_kind kind;
	const struct hy_dtype *type;
	uint8_t *valid, *vals, *data; /* validity bits; values / bits / int32 offsets; bytes */
	size_t valid_cap, vals_cap, data_cap, data_len;
	int64_t len, nulls;
	struct hy_builder *b; /* SK_BUILDER */
};

static enum sink_kind sink_kind_of(const struct hy_dtype *t)
{
	switch (t->id) {
	case HY_INT64: return SK_I64;
	case HY_FLOAT64: return SK_F64;
	case HY_TIMESTAMP: return SK_TS;
	case HY_BOOL: return SK_BOOL;
	case HY_STRING: return SK_STR;
	default: return SK_BUILDER;
	}
}

static int grow(uint8_t **buf, size_t *cap, size_t need, bool keep, struct hy_error *err)
{
	size_t c = *cap ? *cap : 256;
	uint8_t *g;

	while (c < need)
		c *= 2;
	g = keep ? hy_realloc(*buf, c) : hy_malloc(c);
	if (g == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory reading a CSV window");
	if (!keep)
		hy_free(*buf);
	*buf = g;
	*cap = c;
	return 0;
}

/* Room for `n` rows; the sink is empty afterwards. */
static int sink_begin(struct hy__csv_sink *k, size_t n, struct hy_error *err)
{
	size_t bits = (n + 7) / 8 + 8;
	size_t vals = k->kind == SK_BOOL ? bits : k->kind == SK_STR ? (n + 1) * 4 : n * 8;

	k->len = k->nulls = 0;
	k->data_len = 0;
	if (k->kind == SK_BUILDER)
		return hy_builder_reserve(k->b, (int64_t)n, 0, err);
	if (k->valid_cap < bits)
		HY_TRY(grow(&k->valid, &k->valid_cap, bits, false, err));
	if (k->vals_cap < vals + 8)
		HY_TRY(grow(&k->vals, &k->vals_cap, vals + 8, false, err));
	memset(k->valid, 0, bits);
	if (k->kind == SK_BOOL)
		memset(k->vals, 0, bits);
	if (k->kind == SK_STR) {
		if (k->data == NULL)
			HY_TRY(grow(&k->data, &k->data_cap, 4096, false, err));
		((int32_t *)(void *)k->vals)[0] = 0;
	}
	return 0;
}

static int sink_null(struct hy__csv_sink *k, struct hy_error *cause)
{
	if (k->kind == SK_BUILDER)
		return hy_builder_append_null(k->b, cause);
	switch (k->kind) {
	case SK_STR: ((int32_t *)(void *)k->vals)[k->len + 1] = (int32_t)k->data_len; break;
	case SK_BOOL: break;
	default: ((int64_t *)(void *)k->vals)[k->len] = 0; break; /* as a builder leaves it */
	}
	k->nulls++;
	k->len++;
	return 0;
}

static int sink_text(struct hy__csv_sink *k, const uint8_t *up, size_t n, struct hy_error *cause)
{
	const char *p = (const char *)up;
	int64_t v;
	double d;
	bool bv;

	switch (k->kind) {
	case SK_BUILDER: return hy__append_text(k->b, p, n, cause);
	case SK_I64:
		if (!hy__parse_i64(p, n, &v))
			return hy__cannot_read(cause, k->type, p, n);
		((int64_t *)(void *)k->vals)[k->len] = v;
		break;
	case SK_TS:
		if (!hy__parse_timestamp(k->type, p, n, &v))
			return hy__cannot_read(cause, k->type, p, n);
		((int64_t *)(void *)k->vals)[k->len] = v;
		break;
	case SK_F64:
		if (!hy__parse_f64(p, n, &d))
			return hy__cannot_read(cause, k->type, p, n);
		((double *)(void *)k->vals)[k->len] = d;
		break;
	case SK_BOOL:
		if (!hy__parse_bool(p, n, &bv))
			return hy__cannot_read(cause, k->type, p, n);
		if (bv)
			k->vals[k->len >> 3] |= (uint8_t)(1u << (k->len & 7));
		break;
	case SK_STR:
		if (!hy__utf8_valid(p, n))
			return hy_error_set(cause, HY_EFORMAT, "invalid UTF-8 in a text value");
		if (k->data_len + n > (size_t)HY_MAX_VAR_BYTES)
			return hy_error_set(cause, HY_ELIMIT,
					    "a string column would pass %d bytes of values (2 GiB)",
					    HY_MAX_VAR_BYTES);
		if (k->data_len + n > k->data_cap)
			HY_TRY(grow(&k->data, &k->data_cap, k->data_len + n, true, cause));
		memcpy(k->data + k->data_len, p, n);
		k->data_len += n;
		((int32_t *)(void *)k->vals)[k->len + 1] = (int32_t)k->data_len;
		break;
	}
	k->valid[k->len >> 3] |= (uint8_t)(1u << (k->len & 7));
	k->len++;
	return 0;
}

static void lent_release(struct hy_rcbuf *buf)
{
	(void)buf; /* the bytes stay the sink's */
}

static struct hy_rcbuf *lend(uint8_t *data, size_t size)
{
	struct hy_rcbuf *b = hy_malloc(sizeof(*b));

	if (b == NULL)
		return NULL;
	atomic_init(&b->refs, 1);
	b->data = data;
	b->size = (int64_t)size;
	b->release = lent_release;
	b->owner = NULL;
	return b;
}

/* The sink's rows go after the builder's. */
static int sink_merge(struct hy__csv_sink *k, struct hy_builder *to, struct hy_error *err)
{
	struct hy_rcbuf *valid = NULL, *vals, *data = NULL;
	struct hy_column *col = NULL;
	size_t bits = ((size_t)k->len + 7) / 8;
	int rc;

	if (k->kind == SK_BUILDER) {
		rc = hy_builder_finish(k->b, &col, err);
		if (rc == 0)
			rc = hy_builder_append_column(to, col, 0, col->length, err);
		hy_column_unref(col);
		return rc;
	}
	vals = lend(k->vals, k->kind == SK_BOOL  ? bits
			     : k->kind == SK_STR ? ((size_t)k->len + 1) * 4
						 : (size_t)k->len * 8);
	if (k->nulls > 0)
		valid = lend(k->valid, bits);
	if (k->kind == SK_STR)
		data = lend(k->data, k->data_len);
	if (vals == NULL || (k->nulls > 0 && valid == NULL) ||
	    (k->kind == SK_STR && data == NULL)) {
		hy_free(vals);
		hy_free(valid);
		hy_free(data);
		return hy_error_set(err, HY_ENOMEM, "out of memory reading a CSV window");
	}
	HY_TRY(hy_column_create(k->type, k->len, k->nulls, valid, vals, data, &col, err));
	rc = hy_builder_append_column(to, col, 0, k->len, err);
	hy_column_unref(col);
	return rc;
}

static void sink_free(struct hy__csv_sink *k)
{
	hy_builder_destroy(k->b);
	hy_free(k->valid);
	hy_free(k->vals);
	hy_free(k->data);
}

static int append_value(const struct hy_csv_reader *r, struct hy__csv_sink *k, const uint8_t *p,
			size_t n, bool quoted, struct hy_error *cause)
{
	if (n == 0 && !quoted)
		return sink_null(k, cause);
	for (size_t j = 0; j < r->n_null; j++)
		if (r->null_lens[j] == n && memcmp(r->null_values[j], p, n) == 0)
			return sink_null(k, cause);
	return sink_text(k, p, n, cause);
}

/* One record into the sinks `b`. *bad when the row reader must take it (a
 * field count that differs, anything unexpected): its message is the one. */
static int parse_span(struct hy__csv_slot *sl, struct hy__csv_sink *b,
		      const struct hy__csv_span *sp, bool *bad, struct hy_error *err)
{
	const struct hy_csv_reader *r = sl->r;
	const uint8_t sep = (uint8_t)r->sep, quote = (uint8_t)r->quote;
	const uint8_t *p = sl->base + sp->start, *end = sl->base + sp->end;
	struct hy_error cause;
	size_t i = 0, vcol = 0;
	int vrc = 0;

	hy__error_clear(&cause);
	*bad = false;
	for (;;) {
		const uint8_t *fp;
		size_t fn;
		bool quoted = false;

		if (sp->quoted && p < end && *p == quote) {
			hy_buf_clear(&sl->unq);
			p++;
			for (;;) {
				const uint8_t *qq = memchr(p, quote, (size_t)(end - p));

				if (qq == NULL) {
					*bad = true;
					return 0;
				}
				if (hy_buf_append(&sl->unq, p, (size_t)(qq - p), &cause) != 0)
					return hy_error_set(err, cause.code, "%s: %s", r->src.name,
							    cause.msg);
				p = qq + 1;
				if (p < end && *p == quote) {
					if (hy_buf_append_byte(&sl->unq, quote, &cause) != 0)
						return hy_error_set(err, cause.code, "%s: %s",
								    r->src.name, cause.msg);
					p++;
					continue;
				}
				break;
			}
			fp = sl->unq.data != NULL ? sl->unq.data : (const uint8_t *)"";
			fn = sl->unq.len;
			quoted = true;
		} else {
			const uint8_t *qq = find_byte(p, end, sep);

			fp = p;
			fn = (size_t)(qq - p);
			p = qq;
		}
		if (i < r->ncols && vrc == 0) {
			int rc = append_value(r, &b[i], fp, fn, quoted, &cause);

			if (rc != 0) {
				vrc = rc;
				vcol = i;
			}
		}
		i++;
		if (p >= end)
			break;
		if (*p != sep) {
			*bad = true;
			return 0;
		}
		p++;
	}
	if (i != r->ncols) {
		*bad = true;
		return 0;
	}
	if (vrc != 0)
		return hy__csv_value_error(r, sp->line, vcol, vrc, &cause, err);
	return 0;
}

static int parse_slot(void *arg, struct hy_error *unused)
{
	struct hy__csv_slot *sl = arg;
	struct hy__csv_sink *b = sl->sinks;

	(void)unused;
	sl->bad = sl->n;
	sl->rc = 0;
	hy_error_init(&sl->err);
	for (size_t k = 0; k < sl->n; k++) {
		bool bad;

		sl->rc = parse_span(sl, b, &sl->spans[k], &bad, &sl->err);
		if (sl->rc != 0)
			break;
		if (bad) {
			sl->bad = k;
			break;
		}
	}
	return 0; /* the outcome is read in order from the slot, not first-come */
}

static int ensure_slots(struct hy_csv_reader *r, size_t want, struct hy_error *err)
{
	if (r->nslots >= want)
		return 0;
	struct hy__csv_slot *s = hy_realloc(r->slots, want * sizeof(*s));

	if (s == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory reading %s", r->src.name);
	r->slots = s;
	for (; r->nslots < want; r->nslots++) {
		struct hy__csv_slot *sl = &r->slots[r->nslots];

		memset(sl, 0, sizeof(*sl));
		hy_buf_init(&sl->unq, r->max_row);
		sl->sinks = hy_calloc(r->ncols, sizeof(struct hy__csv_sink));
		if (sl->sinks == NULL) {
			r->nslots++;
			return hy_error_set(err, HY_ENOMEM, "out of memory reading %s",
					    r->src.name);
		}
		for (size_t i = 0; i < r->ncols; i++) {
			struct hy__csv_sink *k = &sl->sinks[i];

			k->type = &hy_schema_field(r->schema, i)->type;
			k->kind = sink_kind_of(k->type);
			if (k->kind == SK_BUILDER && hy_builder_create(k->type, &k->b, err) != 0) {
				r->nslots++;
				return err->code;
			}
		}
	}
	return 0;
}

/* Slice i's rows go after slice i-1's in the reader's builders. */
static int merge_slot(struct hy_csv_reader *r, struct hy__csv_slot *sl, struct hy_error *err)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (sink_merge(&sl->sinks[i], r->builders[i], err) != 0) {
			hy_error_prefix(err, "%s: column '%s'", r->src.name,
					hy_schema_field(r->schema, i)->name);
			return err->code;
		}
	return 0;
}

static int parse_spans(struct hy_csv_reader *r, size_t n, size_t *bad, struct hy_error *err)
{
	size_t nslots = 1, per;
	struct hy_pool_group group;
	int rc = 0;

	if (r->pool != NULL) {
		nslots = (hy_pool_nthreads(r->pool) + 1) * SLICES_PER_THREAD;
		if (nslots > SLOTS_MAX)
			nslots = SLOTS_MAX;
		if (nslots > n / SLICE_MIN_ROWS)
			nslots = n / SLICE_MIN_ROWS;
		if (nslots == 0)
			nslots = 1;
	}
	HY_TRY(ensure_slots(r, nslots, err));
	per = (n + nslots - 1) / nslots;
	for (size_t i = 0; i < nslots; i++) {
		struct hy__csv_slot *sl = &r->slots[i];
		size_t first = i * per;

		sl->r = r;
		sl->base = r->src.buf;
		sl->spans = r->spans + first;
		sl->n = first >= n ? 0 : (n - first < per ? n - first : per);
		for (size_t c = 0; c < r->ncols; c++)
			HY_TRY(sink_begin(&sl->sinks[c], sl->n, err));
	}
	if (nslots > 1) {
		hy_pool_group_init(&group, r->pool, 0);
		for (size_t i = 1; i < nslots && rc == 0; i++)
			rc = hy_pool_submit(r->pool, &group, parse_slot, &r->slots[i], err);
		(void)parse_slot(&r->slots[0], NULL);
		{
			int wrc = hy_pool_group_wait(&group, err);

			if (rc == 0)
				rc = wrc;
		}
		HY_TRY(rc);
	} else {
		(void)parse_slot(&r->slots[0], NULL);
	}
	*bad = n;
	for (size_t i = 0; i < nslots; i++) {
		struct hy__csv_slot *sl = &r->slots[i];

		if (sl->rc != 0) {
			hy_error_set(err, sl->rc, "%s", sl->err.msg);
			return sl->rc;
		}
		if (sl->bad < sl->n) {
			*bad = (size_t)(sl->spans - r->spans) + sl->bad;
			return 0;
		}
		HY_TRY(merge_slot(r, sl, err));
	}
	return 0;
}

/* One record by the row reader. */
static int slow_row(struct hy_csv_reader *r, int64_t *added, struct hy_error *err)
{
	bool got;

	HY_TRY(hy__csv_read_row(r, &got, err));
	if (!got)
		return 0;
	HY_TRY(hy__csv_append_row(r, err));
	*added = 1;
	return 0;
}

int hy__csv_fast_rows(struct hy_csv_reader *r, int64_t max_rows, int64_t *added,
		      struct hy_error *err)
{
	struct hy__src *s = &r->src;
	size_t want = s->block_size * WINDOW_BLOCKS;
	size_t fast_max = r->max_field < r->max_row ? r->max_field : r->max_row;

	*added = 0;
	if (r->bom < 3)
		return slow_row(r, added, err); /* the first record: maybe a BOM */
	for (;;) {
		size_t n, bad;
		enum stop why;

		if (s->len - s->pos < want && !s->drained)
			HY_TRY(hy__src_more(s, want, err));
		if (r->skip_lf && s->pos < s->len) {
			r->skip_lf = false; /* a CR ended the last record */
			if (s->buf[s->pos] == '\n')
				s->pos++;
			continue;
		}
		if (s->pos == s->len)
			return slow_row(r, added, err); /* the end of the input */
		HY_TRY(scan(r, (size_t)max_rows, &n, &why, err));
		if (n == 0) {
			if (why == STOP_MORE && !s->drained && s->len - s->pos < fast_max) {
				want = (s->len - s->pos) * 2; /* a record longer than the window */
				continue;
			}
			return slow_row(r, added, err);
		}
		HY_TRY(parse_spans(r, n, &bad, err));
		if (bad < n) {
			/* Read it again with the row reader, for its message. */
			s->pos = r->spans[bad].start;
			r->line = r->spans[bad].line;
			r->col = 1;
			HY_TRY(slow_row(r, added, err));
			return hy_error_set(err, HY_ESTATE,
					    "%s:%lld: the CSV fast path refused a row the row "
					    "reader takes (a bug in hygge)",
					    r->src.name, (long long)r->spans[bad].line);
		}
		*added = (int64_t)n;
		return 0;
	}
}

void hy__csv_fast_free(struct hy_csv_reader *r)
{
	for (size_t k = 0; k < r->nslots; k++) {
		struct hy__csv_slot *sl = &r->slots[k];

		if (sl->sinks != NULL)
			for (size_t i = 0; i < r->ncols; i++)
				sink_free(&sl->sinks[i]);
		hy_free(sl->sinks);
		hy_buf_reset(&sl->unq);
	}
	hy_free(r->slots);
	hy_free(r->spans);
	hy_free(r->null_lens);
	r->slots = NULL;
	r->spans = NULL;
	r->null_lens = NULL;
	r->nslots = r->spans_cap = 0;
}
