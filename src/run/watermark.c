/* Watermarks (include/hygge/watermark.h): the tracker, reading a journal
 * value back, lookback, the incremental filter and same-run
 * de-duplication on the primary key. */
#include "hygge/watermark.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hygge/alloc.h"
#include "hygge/isotime.h"

/* Records the error and yields its code where the analyzer can see it. */
#define FAIL(err, code, ...) (hy_error_set((err), (code), __VA_ARGS__), (code))

#define WARN_MAX         (64u << 10)
#define VALUE_TEXT_MAX   ((size_t)HY_MAX_VAR_BYTES)
#define PY_REPR_ITEM_MAX 200
#define ARENA_BLOCK      (1u << 20)

static const int64_t unit_per_sec[] = {1, 1000, 1000000, 1000000000};

const char *hy_watermark_tag_name(enum hy_watermark_tag tag)
{
	switch (tag) {
	case HY_WM_DATETIME: return "datetime";
	case HY_WM_INT: return "int";
	case HY_WM_STRING: return "string";
	case HY_WM_DATE: return "date";
	default: return NULL;
	}
}

enum hy_watermark_tag hy_watermark_tag_of(const struct hy_dtype *type)
{
	switch (type->id) {
	case HY_TIMESTAMP: return HY_WM_DATETIME;
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64: return HY_WM_INT;
	case HY_STRING: return HY_WM_STRING;
	case HY_DATE: return HY_WM_DATE;
	default: return HY_WM_NONE;
	}
}

/* ---- messages --------------------------------------------------------- */

/* How Polars prints a dtype, for the reference's messages. */
static void polars_name(const struct hy_dtype *t, char *buf, size_t size)
{
	static const char *const names[HY_TYPE_COUNT] = {
		[HY_NULL] = "Null",           [HY_BOOL] = "Boolean",
		[HY_INT8] = "Int8",           [HY_INT16] = "Int16",
		[HY_INT32] = "Int32",         [HY_INT64] = "Int64",
		[HY_UINT8] = "UInt8",         [HY_UINT16] = "UInt16",
		[HY_UINT32] = "UInt32",       [HY_UINT64] = "UInt64",
		[HY_FLOAT32] = "Float32",     [HY_FLOAT64] = "Float64",
		[HY_STRING] = "String",       [HY_BINARY] = "Binary",
		[HY_FIXED_BINARY] = "Binary", [HY_UUID] = "Binary",
		[HY_DATE] = "Date",           [HY_TIME] = "Time",
		[HY_TIMESTAMP] = "Datetime",  [HY_DURATION] = "Duration",
		[HY_DECIMAL] = "Decimal",
	};
	const char *unit = hy_time_unit_name(t->unit);

	if (t->id == HY_DECIMAL)
		snprintf(buf, size, "Decimal(precision=%d, scale=%d)", t->precision, t->scale);
	else if (t->id == HY_DURATION)
		snprintf(buf, size, "Duration(time_unit='%s')", unit);
	else if (t->id == HY_TIMESTAMP && t->tz[0])
		snprintf(buf, size, "Datetime(time_unit='%s', time_zone='%s')", unit, t->tz);
	else if (t->id == HY_TIMESTAMP)
		snprintf(buf, size, "Datetime(time_unit='%s', time_zone=None)", unit);
	else
		snprintf(buf, size, "%s", (unsigned)t->id < HY_TYPE_COUNT ? names[t->id] : "?");
}

/* Python's repr of a str (same rules as the polisher's warnings). */
static int py_repr(struct hy_buf *b, const char *s, struct hy_error *err)
{
	char q = strchr(s, '\'') != NULL && strchr(s, '"') == NULL ? '"' : '\'';
	size_t n = 0;

	HY_TRY(hy_buf_append_byte(b, (uint8_t)q, err));
	for (const unsigned char *p = (const unsigned char *)s; *p && n < PY_REPR_ITEM_MAX;
	     p++, n++) {
		if (*p == '\\' || *p == (unsigned char)q)
			HY_TRY(hy_buf_appendf(b, err, "\\%c", *p));
		else if (*p == '\n')
			HY_TRY(hy_buf_append(b, "\\n", 2, err));
		else if (*p < 0x20 || *p == 0x7f)
			HY_TRY(hy_buf_appendf(b, err, "\\x%02x", *p));
		else
			HY_TRY(hy_buf_append_byte(b, *p, err));
	}
	return hy_buf_append_byte(b, (uint8_t)q, err);
}

/* "['a', 'b']" of a schema's names. */
static int schema_names(struct hy_buf *b, const struct hy_schema *s, struct hy_error *err)
{
	HY_TRY(hy_buf_append_byte(b, '[', err));
	for (size_t i = 0; i < hy_schema_nfields(s); i++) {
		if (i > 0)
			HY_TRY(hy_buf_append(b, ", ", 2, err));
		HY_TRY(py_repr(b, hy_schema_field(s, i)->name, err));
	}
	return hy_buf_append_byte(b, ']', err);
}

/* HY_ECONFIG "<what> '<name>' not found in <where>. <middle>Available columns: [...]". */
static int not_found(const char *what, const char *name, const char *where, const char *middle,
		     const struct hy_schema *s, struct hy_error *err)
{
	struct hy_buf b;
	int rc;

	hy_buf_init(&b, WARN_MAX);
	rc = schema_names(&b, s, err);
	if (rc == 0)
		rc = FAIL(err, HY_ECONFIG, "%s '%s' not found in %s. %sAvailable columns: %s", what,
			  name, where, middle, (const char *)b.data);
	else if (rc == HY_ELIMIT) {
		hy_error_init(err);
		rc = FAIL(err, HY_ECONFIG, "%s '%s' not found in %s. %s", what, name, where,
			  middle);
	}
	hy_buf_reset(&b);
	return rc;
}

static void warnf(hy_watermark_warn_fn warn, void *user, const char *fmt, ...) HY_PRINTF(3, 4);
static void warnf(hy_watermark_warn_fn warn, void *user, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(user, msg);
}

/* ---- tracker ---------------------------------------------------------- */

struct hy_watermark_tracker {
	const struct hy_watermark_config *cfg;
	enum hy_watermark_tag tag; /* HY_WM_NONE: no value yet */
	hy_i128 num;               /* int; datetime: UTC microseconds; date: days */
	char tz[HY_TZ_MAX];        /* datetime: the zone of the column of the maximum */
	struct hy_buf str;         /* string */
	struct hy_buf text;        /* value_text() */
};

int hy_watermark_tracker_create(struct hy_watermark_tracker **out,
				const struct hy_watermark_config *cfg, struct hy_error *err)
{
	struct hy_watermark_tracker *t = hy_calloc(1, sizeof(*t));

	*out = NULL;
	if (t == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory creating a watermark tracker");
	t->cfg = cfg;
	hy_buf_init(&t->str, VALUE_TEXT_MAX);
	hy_buf_init(&t->text, VALUE_TEXT_MAX);
	*out = t;
	return 0;
}

void hy_watermark_tracker_destroy(struct hy_watermark_tracker *t)
{
	if (t == NULL)
		return;
	hy_buf_reset(&t->str);
	hy_buf_reset(&t->text);
	hy_free(t);
}

void hy_watermark_tracker_reset(struct hy_watermark_tracker *t)
{
	t->tag = HY_WM_NONE;
	t->num = 0;
	t->tz[0] = 0;
	hy_buf_clear(&t->str);
	hy_buf_clear(&t->text);
}

int hy_watermark_tracker_check_schema(struct hy_watermark_tracker *t,
				      const struct hy_schema *schema, struct hy_error *err)
{
	const char *pk = t->cfg->primary_key, *wc = t->cfg->watermark_column;
	char name[128];
	long at;

	if (pk != NULL && hy_schema_find(schema, pk) < 0)
		return not_found("Primary key", pk, "data schema", "", schema, err);
	if (wc == NULL)
		return 0;
	if ((at = hy_schema_find(schema, wc)) < 0)
		return not_found("Watermark column", wc, "data schema", "", schema, err);
	if (hy_watermark_tag_of(&hy_schema_field(schema, (size_t)at)->type) != HY_WM_NONE)
		return 0;
	polars_name(&hy_schema_field(schema, (size_t)at)->type, name, sizeof(name));
	return FAIL(err, HY_ECONFIG,
		    "Unsupported watermark type: %s. Supported types: datetime, date, "
		    "integer, string",
		    name);
}

static int append_i128(struct hy_buf *b, hy_i128 v, struct hy_error *err)
{
	char digits[48];
	int n = 0;
	hy_u128 u = v < 0 ? (hy_u128)0 - (hy_u128)v : (hy_u128)v;

	do {
		digits[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	if (v < 0)
		HY_TRY(hy_buf_append_byte(b, '-', err));
	while (n > 0)
		HY_TRY(hy_buf_append_byte(b, (uint8_t)digits[--n], err));
	return 0;
}

static int render(struct hy_watermark_tracker *t, struct hy_error *err)
{
	char buf[HY_TIME_ISO_MAX];

	hy_buf_clear(&t->text);
	HY_TRY(hy_buf_reserve(&t->text, 1, err));
	switch (t->tag) {
	case HY_WM_DATETIME:
		HY_TRY(hy_time_format_iso((int64_t)t->num,
					  t->tz[0] ? hy_time_zone_offset(t->tz) : HY_TIME_NO_OFFSET,
					  buf, err));
		return hy_buf_append(&t->text, buf, strlen(buf), err);
	case HY_WM_DATE:
		HY_TRY(hy_date_format((int64_t)t->num, buf, err));
		return hy_buf_append(&t->text, buf, strlen(buf), err);
	case HY_WM_INT: return append_i128(&t->text, t->num, err);
	default: return hy_buf_append(&t->text, t->str.data, t->str.len, err);
	}
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The candidate of one batch as a number (all tags but string). */
static hy_i128 candidate_num(const struct hy_value *max, const struct hy_dtype *type)
{
	if (max->kind == HY_VALUE_U64)
		return (hy_i128)max->v.u64;
	if (type->id == HY_TIMESTAMP) {
		int64_t per = unit_per_sec[type->unit];

		return per >= HY_USEC_PER_SEC ? floor_div(max->v.i64, per / HY_USEC_PER_SEC)
					      : (hy_i128)max->v.i64 * (HY_USEC_PER_SEC / per);
	}
	return max->v.i64;
}

int hy_watermark_tracker_observe(struct hy_watermark_tracker *t, const struct hy_batch *batch,
				 hy_watermark_warn_fn warn, void *user, struct hy_error *err)
{
	const char *wc = t->cfg->watermark_column;
	struct hy_value min, max;
	struct hy_column *col;
	enum hy_watermark_tag tag;
	bool greater;

	if (wc == NULL)
		return 0;
	if ((col = hy_batch_column_by_name(batch, wc)) == NULL)
		return not_found("Watermark column", wc, "batch",
				 "This indicates a schema mismatch after validation. ",
				 batch->schema, err);
	if (hy_column_null_count(col) == col->length)
		return 0;
	tag = hy_watermark_tag_of(&col->type);
	if (tag == HY_WM_NONE) {
		char name[128];

		polars_name(&col->type, name, sizeof(name));
		warnf(warn, user,
		      "Unsupported watermark type '%s' in batch. This should have been caught by "
		      "validation. Skipping watermark update for this batch.",
		      name);
		return 0;
	}
	HY_TRY(hy_column_min_max(col, &min, &max, err));
	if (max.kind == HY_VALUE_NONE)
		return 0;
	if (t->tag != HY_WM_NONE && t->tag != tag) {
		warnf(warn, user, "Inconsistent watermark types across batches: %s vs %s",
		      hy_watermark_tag_name(t->tag), hy_watermark_tag_name(tag));
		return 0;
	}
	if (tag == HY_WM_STRING) {
		struct hy_str cur = {(const char *)t->str.data, t->str.len};

		greater = t->tag == HY_WM_NONE || hy_str_cmp(max.v.str, cur) > 0;
		if (greater) {
			hy_buf_clear(&t->str);
			HY_TRY(hy_buf_reserve(&t->str, max.v.str.len + 1, err));
			HY_TRY(hy_buf_append(&t->str, max.v.str.ptr, max.v.str.len, err));
		}
	} else {
		hy_i128 v = candidate_num(&max, &col->type);

		greater = t->tag == HY_WM_NONE || v > t->num;
		if (greater) {
			t->num = v;
			memcpy(t->tz, col->type.tz, sizeof(t->tz));
		}
	}
	if (!greater)
		return 0;
	t->tag = tag;
	return render(t, err);
}

const char *hy_watermark_tracker_value_text(const struct hy_watermark_tracker *t)
{
	return t->tag == HY_WM_NONE ? NULL : (const char *)t->text.data;
}

const char *hy_watermark_tracker_type_tag(const struct hy_watermark_tracker *t)
{
	return hy_watermark_tag_name(t->tag);
}

/* ---- last value, lookback --------------------------------------------- */

int hy_watermark_value_parse(const char *type_tag, const char *text, struct hy_value *out,
			     struct hy_error *err)
{
	size_t len = strlen(text);

	memset(out, 0, sizeof(*out));
	if (strcmp(type_tag, "datetime") == 0) {
		struct hy_time_parsed tp;

		HY_TRY(hy_time_parse_iso(text, len, &tp, err));
		out->kind = HY_VALUE_I64;
		out->type = HY_TIMESTAMP;
		out->v.i64 = tp.utc_micros;
		return 0;
	}
	if (strcmp(type_tag, "date") == 0) {
		out->kind = HY_VALUE_I64;
		out->type = HY_DATE;
		return hy_date_parse(text, len, &out->v.i64, err);
	}
	if (strcmp(type_tag, "string") == 0) {
		out->kind = HY_VALUE_STR;
		out->type = HY_STRING;
		out->v.str = (struct hy_str){text, len};
		return 0;
	}
	if (strcmp(type_tag, "int") == 0) {
		char *end = NULL;

		out->type = HY_INT64;
		out->kind = HY_VALUE_I64;
		errno = 0;
		if (text[0] == '-') {
			out->v.i64 = strtoll(text, &end, 10);
		} else {
			uint64_t u = strtoull(text, &end, 10);

			if (u > INT64_MAX) {
				out->kind = HY_VALUE_U64;
				out->type = HY_UINT64;
				out->v.u64 = u;
			} else {
				out->v.i64 = (int64_t)u;
			}
		}
		if (len == 0 || errno != 0 || *end != 0 || text[0] == '+' || text[0] == ' ')
			return FAIL(err, HY_EFORMAT, "watermark '%.100s' is not an integer", text);
		return 0;
	}
	return FAIL(err, HY_EFORMAT, "unknown watermark type '%.40s'", type_tag);
}

static int64_t sat_sub(int64_t a, int64_t b)
{
	return a < INT64_MIN + b ? INT64_MIN : a - b;
}

int hy_watermark_lookback(const struct hy_watermark_config *cfg, struct hy_value *v,
			  struct hy_error *err)
{
	const char *col = cfg->watermark_column ? cfg->watermark_column : "?";
	bool duration = cfg->lookback_seconds > 0, count = cfg->lookback_count > 0;
	bool time_like = v->type == HY_TIMESTAMP || v->type == HY_DATE;

	if (!duration && !count)
		return 0;
	if (v->kind == HY_VALUE_STR || (duration && !time_like) || (count && time_like))
		return FAIL(
			err, HY_ECONFIG, "watermark.lookback '%s' is a %s but '%s' holds %s values",
			cfg->lookback ? cfg->lookback : "", duration ? "duration" : "count", col,
			v->kind == HY_VALUE_STR ? "string"
			: time_like             ? (v->type == HY_DATE ? "date" : "datetime")
						: "int");
	if (v->type == HY_TIMESTAMP) {
		int64_t us = cfg->lookback_seconds > INT64_MAX / HY_USEC_PER_SEC
				     ? INT64_MAX
				     : cfg->lookback_seconds * HY_USEC_PER_SEC;

		v->v.i64 = sat_sub(v->v.i64, us);
	} else if (v->type == HY_DATE) {
		v->v.i64 = sat_sub(v->v.i64, (cfg->lookback_seconds + 86399) / 86400);
	} else if (v->kind == HY_VALUE_U64) {
		uint64_t c = (uint64_t)cfg->lookback_count;

		v->v.u64 = v->v.u64 > c ? v->v.u64 - c : 0;
		if (v->v.u64 <= INT64_MAX) {
			v->kind = HY_VALUE_I64;
			v->type = HY_INT64;
			v->v.i64 = (int64_t)v->v.u64;
		}
	} else {
		v->v.i64 = sat_sub(v->v.i64, cfg->lookback_count);
	}
	return 0;
}

/* ---- keeping rows by a mask ------------------------------------------- */

/* A new batch of the rows whose `keep` is set (`kept` of them): `in` itself
 * when all are kept, a slice when they form one run, else the runs copied
 * column by column. */
static int take_rows(struct hy_batch *in, const bool *keep, int64_t kept, struct hy_batch **out,
		     struct hy_error *err)
{
	size_t ncols = hy_schema_nfields(in->schema);
	struct hy_column **cols;
	int64_t first = 0, last = in->nrows;
	int rc = 0;

	if (kept == in->nrows) {
		*out = hy_batch_ref(in);
		return 0;
	}
	while (first < in->nrows && !keep[first])
		first++;
	while (last > first && !keep[last - 1])
		last--;
	if (last - first == kept)
		return hy_batch_slice(in, first, kept, out, err);
	cols = hy_calloc(ncols + 1, sizeof(struct hy_column *));
	if (cols == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory filtering a batch");
	for (size_t c = 0; rc == 0 && c < ncols; c++) {
		struct hy_builder *b = NULL;
		struct hy_column *src = in->cols[c];

		rc = hy_builder_create(&src->type, &b, err);
		if (rc == 0)
			rc = hy_builder_reserve(b, kept, 0, err);
		for (int64_t r = first; rc == 0 && r < last;) {
			int64_t start;

			while (r < last && !keep[r])
				r++;
			start = r;
			while (r < last && keep[r])
				r++;
			if (r > start)
				rc = hy_builder_append_column(b, src, start, r - start, err);
		}
		if (rc == 0)
			rc = hy_builder_finish(b, &cols[c], err);
		hy_builder_destroy(b);
	}
	if (rc == 0)
		rc = hy_batch_create(in->schema, cols, kept, out, err);
	for (size_t c = 0; c < ncols; c++)
		hy_column_unref(cols[c]);
	hy_free(cols);
	return rc;
}

/* ---- filter ----------------------------------------------------------- */

/* A time-like value in nanoseconds since the epoch (dates at midnight). */
static hy_i128 instant_ns(int64_t v, const struct hy_dtype *type)
{
	if (type->id == HY_DATE)
		return (hy_i128)v * 86400 * 1000000000;
	return (hy_i128)v * (1000000000 / unit_per_sec[type->unit]);
}

struct cmp_plan {
	int mode; /* 0 number, 1 string */
	hy_i128 last;
	struct hy_str last_str;
};

static int filter_plan(const struct hy_column *col, const struct hy_value *last,
		       struct cmp_plan *cp, struct hy_error *err)
{
	enum hy_watermark_tag tag = hy_watermark_tag_of(&col->type);
	bool last_time = last->type == HY_TIMESTAMP || last->type == HY_DATE;
	char name[64];

	memset(cp, 0, sizeof(*cp));
	if (tag == HY_WM_STRING && last->kind == HY_VALUE_STR) {
		cp->mode = 1;
		cp->last_str = last->v.str;
		return 0;
	}
	if (tag == HY_WM_INT && !last_time &&
	    (last->kind == HY_VALUE_I64 || last->kind == HY_VALUE_U64)) {
		cp->last = last->kind == HY_VALUE_U64 ? (hy_i128)last->v.u64 : last->v.i64;
		return 0;
	}
	if ((tag == HY_WM_DATETIME || tag == HY_WM_DATE) && last_time &&
	    last->kind == HY_VALUE_I64) {
		/* dates are days, datetimes UTC microseconds */
		cp->last = last->type == HY_DATE ? (hy_i128)last->v.i64 * 86400 * 1000000000
						 : (hy_i128)last->v.i64 * 1000;
		return 0;
	}
	hy_dtype_format(&col->type, name, sizeof(name));
	return FAIL(err, HY_EINVAL, "a %s watermark does not compare with a %s column",
		    hy_type_name(last->type), name);
}

static bool row_greater(const struct hy_column *col, int64_t r, const struct cmp_plan *cp)
{
	if (cp->mode == 1)
		return hy_str_cmp(hy_column_get_bytes(col, r), cp->last_str) > 0;
	switch (col->type.id) {
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64: return (hy_i128)hy_column_get_u64(col, r) > cp->last;
	case HY_DATE:
	case HY_TIMESTAMP: return instant_ns(hy_column_get_i64(col, r), &col->type) > cp->last;
	default: return (hy_i128)hy_column_get_i64(col, r) > cp->last;
	}
}

int hy_watermark_filter(struct hy_batch *batch, const char *column, const struct hy_value *last,
			struct hy_batch **out, struct hy_error *err)
{
	struct hy_column *col = hy_batch_column_by_name(batch, column);
	struct cmp_plan cp;
	bool *keep;
	int64_t kept = 0;
	int rc;

	*out = NULL;
	if (col == NULL)
		return FAIL(err, HY_ENOTFOUND, "watermark column '%s' not found", column);
	HY_TRY(filter_plan(col, last, &cp, err));
	keep = hy_calloc((size_t)batch->nrows + 1, sizeof(*keep));
	if (keep == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory filtering a batch");
	for (int64_t r = 0; r < batch->nrows; r++) {
		keep[r] = !hy_column_is_null(col, r) && row_greater(col, r, &cp);
		kept += keep[r];
	}
	rc = take_rows(batch, keep, kept, out, err);
	hy_free(keep);
	return rc;
}

/* ---- de-duplication --------------------------------------------------- */

/* Keys and order values live in an arena of 1 MiB blocks freed together. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	uint8_t data[];
};

struct entry {
	uint64_t hash;
	uint8_t *key; /* klen bytes, then ocap bytes of room for the order */
	uint32_t klen;
	uint32_t olen, ocap;
	int64_t batch; /* the batch that delivered the kept row */
	int64_t row;   /* its row, while that batch is being processed */
};

struct hy_dedup {
	char *key_column, *order_column;
	int64_t max_keys;
	struct entry *tab; /* open addressing; key == NULL: empty */
	size_t cap, count;
	struct arena_block *arena;
	int64_t batch_no;
	bool full_warned;
	struct hy_buf kbuf, obuf;
};

int hy_dedup_create(struct hy_dedup **out, const char *key_column, const char *order_column,
		    int64_t max_keys, struct hy_error *err)
{
	struct hy_dedup *d = hy_calloc(1, sizeof(*d));

	*out = NULL;
	if (d == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory creating de-duplication");
	d->max_keys = max_keys > 0 ? max_keys : HY_DEDUP_MAX_KEYS;
	hy_buf_init(&d->kbuf, VALUE_TEXT_MAX);
	hy_buf_init(&d->obuf, VALUE_TEXT_MAX);
	d->key_column = hy_strdup(key_column);
	d->order_column = order_column != NULL ? hy_strdup(order_column) : NULL;
	if (d->key_column == NULL || (order_column != NULL && d->order_column == NULL)) {
		hy_dedup_destroy(d);
		return FAIL(err, HY_ENOMEM, "out of memory creating de-duplication");
	}
	*out = d;
	return 0;
}

void hy_dedup_destroy(struct hy_dedup *d)
{
	if (d == NULL)
		return;
	while (d->arena != NULL) {
		struct arena_block *next = d->arena->next;

		hy_free(d->arena);
		d->arena = next;
	}
	hy_free(d->tab);
	hy_free(d->key_column);
	hy_free(d->order_column);
	hy_buf_reset(&d->kbuf);
	hy_buf_reset(&d->obuf);
	hy_free(d);
}

int64_t hy_dedup_key_count(const struct hy_dedup *d)
{
	return (int64_t)d->count;
}

static uint8_t *arena_alloc(struct hy_dedup *d, size_t n)
{
	struct arena_block *b = d->arena;

	n = (n + 7) & ~(size_t)7;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		b = hy_malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->next = d->arena;
		d->arena = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static int grow(struct hy_dedup *d, struct hy_error *err)
{
	size_t cap = d->cap ? d->cap * 2 : 1024;
	struct entry *tab = hy_calloc(cap, sizeof(*tab));

	if (tab == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory de-duplicating keys");
	for (size_t i = 0; i < d->cap; i++) {
		size_t j;

		if (d->tab[i].key == NULL)
			continue;
		for (j = d->tab[i].hash & (cap - 1); tab[j].key != NULL; j = (j + 1) & (cap - 1))
			;
		tab[j] = d->tab[i];
	}
	hy_free(d->tab);
	d->tab = tab;
	d->cap = cap;
	return 0;
}

/* The slot of the key in kbuf: found (key != NULL) or where it goes. */
static struct entry *lookup(struct hy_dedup *d, uint64_t h)
{
	const uint8_t *k = d->kbuf.data;
	size_t n = d->kbuf.len;

	for (size_t j = h & (d->cap - 1);; j = (j + 1) & (d->cap - 1)) {
		struct entry *e = &d->tab[j];

		if (e->key == NULL || (e->hash == h && e->klen == n && memcmp(e->key, k, n) == 0))
			return e;
	}
}

static int put_i128(struct hy_buf *b, hy_i128 v, struct hy_error *err)
{
	hy_u128 u = (hy_u128)v ^ ((hy_u128)1 << 127); /* byte order = numeric order */
	uint8_t be[16];

	for (int i = 15; i >= 0; i--, u >>= 8)
		be[i] = (uint8_t)u;
	return hy_buf_append(b, be, sizeof(be), err);
}

/* Bytes that are equal exactly when two values are (keys), and whose
 * memcmp order is the value order (order values). */
static int encode(const struct hy_column *col, int64_t r, struct hy_buf *b, struct hy_error *err)
{
	struct hy_str s;

	hy_buf_clear(b);
	if (col == NULL || hy_column_is_null(col, r))
		return 0;
	switch (col->type.id) {
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64: return put_i128(b, hy_column_get_i64(col, r), err);
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64: return put_i128(b, (hy_i128)hy_column_get_u64(col, r), err);
	case HY_DATE:
	case HY_TIMESTAMP:
		return put_i128(b, instant_ns(hy_column_get_i64(col, r), &col->type), err);
	case HY_STRING:
	case HY_BINARY:
	case HY_FIXED_BINARY:
	case HY_UUID:
		s = hy_column_get_bytes(col, r);
		HY_TRY(hy_buf_append_byte(b, 's', err)); /* never empty: empty means null */
		return hy_buf_append(b, s.ptr, s.len, err);
	default:
		return FAIL(err, HY_EUNSUPPORTED, "a %s column cannot be compared",
			    hy_type_name(col->type.id));
	}
}

static int order_cmp(const struct hy_dedup *d, const struct entry *e)
{
	size_t n = d->obuf.len < e->olen ? d->obuf.len : e->olen;
	int c = n > 0 ? memcmp(d->obuf.data, e->key + e->klen, n) : 0;

	if (c != 0)
		return c;
	return d->obuf.len < e->olen ? -1 : d->obuf.len > e->olen;
}

/* Stores obuf as the entry's order value (a new arena run when longer). */
static int set_order(struct hy_dedup *d, struct entry *e, struct hy_error *err)
{
	if (d->obuf.len > e->ocap) {
		uint8_t *p = arena_alloc(d, e->klen + d->obuf.len);

		if (p == NULL)
			return FAIL(err, HY_ENOMEM, "out of memory de-duplicating keys");
		memcpy(p, e->key, e->klen);
		e->key = p;
		e->ocap = (uint32_t)d->obuf.len;
	}
	if (d->obuf.len > 0)
		memcpy(e->key + e->klen, d->obuf.data, d->obuf.len);
	e->olen = (uint32_t)d->obuf.len;
	return 0;
}

static int insert(struct hy_dedup *d, struct entry *e, uint64_t h, int64_t row,
		  struct hy_error *err)
{
	uint8_t *p = arena_alloc(d, d->kbuf.len + d->obuf.len);

	if (p == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory de-duplicating keys");
	memcpy(p, d->kbuf.data, d->kbuf.len);
	if (d->obuf.len > 0)
		memcpy(p + d->kbuf.len, d->obuf.data, d->obuf.len);
	*e = (struct entry){.hash = h,
			    .key = p,
			    .klen = (uint32_t)d->kbuf.len,
			    .olen = (uint32_t)d->obuf.len,
			    .ocap = (uint32_t)d->obuf.len,
			    .batch = d->batch_no,
			    .row = row};
	d->count++;
	return 0;
}

/* One row against what the run has seen; may mark it or an earlier row of
 * this batch dropped. */
static int dedup_row(struct hy_dedup *d, int64_t r, bool *drop, hy_watermark_warn_fn warn,
		     void *user, struct hy_error *err)
{
	uint64_t h = fnv1a(d->kbuf.data, d->kbuf.len);
	struct entry *e;
	int c;

	if (d->count * 2 >= d->cap)
		HY_TRY(grow(d, err));
	e = lookup(d, h);
	if (e->key == NULL) {
		if ((int64_t)d->count < d->max_keys)
			return insert(d, e, h, r, err);
		if (!d->full_warned)
			warnf(warn, user,
			      "De-duplication on '%s' remembers at most %" PRId64
			      " keys per run; later rows are not checked",
			      d->key_column, d->max_keys);
		d->full_warned = true;
		return 0;
	}
	c = order_cmp(d, e);
	if (e->batch == d->batch_no && c >= 0) {
		drop[e->row] = true; /* a later row of this batch, as new or newer */
	} else if (e->batch == d->batch_no || c <= 0) {
		drop[r] = true; /* older than this batch's row, or a re-read */
		return 0;
	}
	e->batch = d->batch_no;
	e->row = r;
	return c > 0 ? set_order(d, e, err) : 0;
}

int hy_dedup_apply(struct hy_dedup *d, struct hy_batch *in, struct hy_batch **out,
		   hy_watermark_warn_fn warn, void *user, struct hy_error *err)
{
	struct hy_column *key = hy_batch_column_by_name(in, d->key_column);
	struct hy_column *order = NULL;
	bool *drop;
	int64_t dropped = 0;
	int rc = 0;

	*out = NULL;
	if (key == NULL)
		return FAIL(err, HY_ENOTFOUND, "primary key '%s' not found", d->key_column);
	if (d->order_column != NULL &&
	    (order = hy_batch_column_by_name(in, d->order_column)) == NULL)
		return FAIL(err, HY_ENOTFOUND, "watermark column '%s' not found", d->order_column);
	drop = hy_calloc((size_t)in->nrows + 1, sizeof(*drop));
	if (drop == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory de-duplicating keys");
	d->batch_no++;
	for (int64_t r = 0; rc == 0 && r < in->nrows; r++) {
		if (hy_column_is_null(key, r))
			continue;
		rc = encode(key, r, &d->kbuf, err);
		if (rc == 0)
			rc = encode(order, r, &d->obuf, err);
		if (rc == 0)
			rc = dedup_row(d, r, drop, warn, user, err);
	}
	for (int64_t r = 0; rc == 0 && r < in->nrows; r++) {
		dropped += drop[r];
		drop[r] = !drop[r]; /* now: keep */
	}
	if (rc == 0)
		rc = take_rows(in, drop, in->nrows - dropped, out, err);
	hy_free(drop);
	if (rc != 0)
		hy_error_prefix(err, "de-duplication on '%s'", d->key_column);
	return rc;
}
