/* Column builders: typed appends, bulk append of another column's rows, and
 * finish into a column.
 *
 * Buffers grow by doubling into 64-byte-aligned blocks that are zeroed past
 * what was written, so a null slot, a false boolean and an unset validity bit
 * cost no store. The validity bitmap is only materialised at the first null:
 * most columns have none, and Arrow lets them omit the bitmap. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "column_int.h"
#include "hygge/alloc.h"

struct growbuf {
	uint8_t *data;
	int64_t cap; /* bytes allocated; everything past what was written is zero */
};

struct hy_builder {
	struct hy_dtype type;
	int width; /* bytes per value; 0 for bool, null, string, binary */
	int64_t length;
	int64_t null_count;
	bool has_validity;
	struct growbuf validity;
	struct growbuf values; /* values, bits (bool) or n+1 int32 offsets */
	struct growbuf data;   /* string/binary bytes */
	int64_t data_len;
	hy_i128 dec_bound; /* 10^precision: decimals must stay below it */
};

static int growbuf_reserve(struct growbuf *g, int64_t need, struct hy_error *err)
{
	int64_t cap;
	uint8_t *grown;

	if (need <= g->cap && g->data != NULL)
		return 0;
	cap = g->cap < 64 ? 64 : g->cap;
	while (cap < need)
		cap = cap > INT64_MAX / 2 ? need : cap * 2;
	grown = hy_aligned_alloc((size_t)cap);
	if (grown == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory growing a column to %lld bytes",
				    (long long)cap);
	if (g->data != NULL)
		memcpy(grown, g->data, (size_t)g->cap);
	memset(grown + g->cap, 0, (size_t)(cap - g->cap));
	hy_free(g->data);
	g->data = grown;
	g->cap = cap;
	return 0;
}

static void growbuf_reset(struct growbuf *g)
{
	hy_free(g->data);
	g->data = NULL;
	g->cap = 0;
}

int hy_builder_create(const struct hy_dtype *type, struct hy_builder **out, struct hy_error *err)
{
	struct hy_builder *b;

	*out = NULL;
	HY_TRY(hy_dtype_validate(type, err));
	b = hy_calloc(1, sizeof(*b));
	if (b == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory creating a column builder");
	b->type = *type;
	b->width = hy_dtype_byte_width(type);
	b->dec_bound = 1;
	if (type->id == HY_DECIMAL)
		for (int i = 0; i < type->precision; i++)
			b->dec_bound *= 10;
	*out = b;
	return 0;
}

void hy_builder_destroy(struct hy_builder *b)
{
	if (b == NULL)
		return;
	growbuf_reset(&b->validity);
	growbuf_reset(&b->values);
	growbuf_reset(&b->data);
	hy_free(b);
}

int64_t hy_builder_length(const struct hy_builder *b)
{
	return b->length;
}

const struct hy_dtype *hy_builder_type(const struct hy_builder *b)
{
	return &b->type;
}

static int64_t values_bytes(const struct hy_builder *b, int64_t rows)
{
	if (b->type.id == HY_BOOL)
		return (rows + 7) / 8;
	if (hy_dtype_is_var_width(&b->type))
		return (rows + 1) * 4;
	return rows * b->width;
}

static int reserve_rows(struct hy_builder *b, int64_t rows, struct hy_error *err)
{
	int64_t total;

	if (rows < 0 || rows > HY_MAX_COLUMN_ROWS - b->length)
		return hy_error_set(err, HY_ELIMIT, "a column would pass %d rows",
				    HY_MAX_COLUMN_ROWS);
	total = b->length + rows;
	if (b->has_validity)
		HY_TRY(growbuf_reserve(&b->validity, (total + 7) / 8, err));
	if (b->type.id != HY_NULL)
		HY_TRY(growbuf_reserve(&b->values, values_bytes(b, total), err));
	return 0;
}

static int reserve_bytes(struct hy_builder *b, int64_t bytes, struct hy_error *err)
{
	if (bytes < 0 || bytes > HY_MAX_VAR_BYTES - b->data_len)
		return hy_error_set(err, HY_ELIMIT,
				    "a %s column would pass %d bytes of values (2 GiB)",
				    hy_type_name(b->type.id), HY_MAX_VAR_BYTES);
	return growbuf_reserve(&b->data, b->data_len + bytes, err);
}

int hy_builder_reserve(struct hy_builder *b, int64_t rows, int64_t bytes, struct hy_error *err)
{
	HY_TRY(reserve_rows(b, rows, err));
	if (hy_dtype_is_var_width(&b->type))
		HY_TRY(reserve_bytes(b, bytes, err));
	return 0;
}

static void set_bits(uint8_t *bits, int64_t off, int64_t n)
{
	int64_t i = 0;

	for (; i < n && ((off + i) & 7) != 0; i++)
		hy__bit_set(bits, off + i, true);
	if (n - i >= 8) {
		memset(bits + ((off + i) >> 3), 0xff, (size_t)((n - i) >> 3));
		i += (n - i) & ~(int64_t)7;
	}
	for (; i < n; i++)
		hy__bit_set(bits, off + i, true);
}

/* The first null: every earlier row was valid. Capacity for `extra` more
 * rows so the caller's reserve stays valid. */
static int materialise_validity(struct hy_builder *b, int64_t extra, struct hy_error *err)
{
	if (b->has_validity)
		return 0;
	HY_TRY(growbuf_reserve(&b->validity, (b->length + extra + 7) / 8, err));
	set_bits(b->validity.data, 0, b->length);
	b->has_validity = true;
	return 0;
}

/* After the value of row `length` was written (or left zero for a null). */
static void end_row(struct hy_builder *b, bool valid)
{
	if (hy_dtype_is_var_width(&b->type))
		((int32_t *)b->values.data)[b->length + 1] = (int32_t)b->data_len;
	if (b->has_validity && valid)
		hy__bit_set(b->validity.data, b->length, true);
	if (!valid)
		b->null_count++;
	b->length++;
}

int hy_builder_append_null(struct hy_builder *b, struct hy_error *err)
{
	HY_TRY(reserve_rows(b, 1, err));
	if (b->type.id != HY_NULL)
		HY_TRY(materialise_validity(b, 1, err));
	end_row(b, false);
	return 0;
}

static int mismatch(struct hy_builder *b, const char *what, struct hy_error *err)
{
	char name[96];

	hy_dtype_format(&b->type, name, sizeof(name));
	return hy_error_set(err, HY_EINVAL, "cannot append %s to a %s column", what, name);
}

static int out_of_range(struct hy_builder *b, const char *value, struct hy_error *err)
{
	char name[96];

	hy_dtype_format(&b->type, name, sizeof(name));
	return hy_error_set(err, HY_EINVAL, "value %s is out of range for %s", value, name);
}

static int append_fixed(struct hy_builder *b, const void *v, struct hy_error *err)
{
	HY_TRY(reserve_rows(b, 1, err));
	memcpy(b->values.data + b->length * b->width, v, (size_t)b->width);
	end_row(b, true);
	return 0;
}

/* Decimal text of a 128-bit integer (printf has no conversion for it). */
static void format_i128(hy_i128 v, char *out)
{
	char rev[48];
	int n = 0, k = 0;
	hy_u128 u = v < 0 ? -(hy_u128)v : (hy_u128)v;

	do {
		rev[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	if (v < 0)
		out[k++] = '-';
	while (n > 0)
		out[k++] = rev[--n];
	out[k] = '\0';
}

static int append_dec(struct hy_builder *b, hy_i128 v, struct hy_error *err)
{
	int64_t v64;
	char text[48];

	if (v >= b->dec_bound || v <= -b->dec_bound) {
		format_i128(v, text);
		return out_of_range(b, text, err);
	}
	if (b->width == 16)
		return append_fixed(b, &v, err);
	v64 = (int64_t)v;
	return append_fixed(b, &v64, err);
}

static int64_t time_day(enum hy_time_unit unit)
{
	static const int64_t per_sec[] = {1, 1000, 1000000, 1000000000};

	return 86400 * per_sec[unit];
}

static int i64_out_of_range(struct hy_builder *b, int64_t v, struct hy_error *err)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", (long long)v);
	return out_of_range(b, text, err);
}

int hy_builder_append_i64(struct hy_builder *b, int64_t v, struct hy_error *err)
{
	int8_t i8;
	int16_t i16;
	int32_t i32;

	switch (b->type.id) {
	case HY_INT8:
		if (v < INT8_MIN || v > INT8_MAX)
			return i64_out_of_range(b, v, err);
		i8 = (int8_t)v;
		return append_fixed(b, &i8, err);
	case HY_INT16:
		if (v < INT16_MIN || v > INT16_MAX)
			return i64_out_of_range(b, v, err);
		i16 = (int16_t)v;
		return append_fixed(b, &i16, err);
	case HY_INT32:
	case HY_DATE:
		if (v < INT32_MIN || v > INT32_MAX)
			return i64_out_of_range(b, v, err);
		i32 = (int32_t)v;
		return append_fixed(b, &i32, err);
	case HY_TIME:
		/* Time of day: a value past midnight is a bug upstream. */
		if (v < 0 || v >= time_day(b->type.unit))
			return i64_out_of_range(b, v, err);
		if (b->width == 8)
			return append_fixed(b, &v, err);
		i32 = (int32_t)v;
		return append_fixed(b, &i32, err);
	case HY_INT64:
	case HY_TIMESTAMP:
	case HY_DURATION: return append_fixed(b, &v, err);
	case HY_DECIMAL: return append_dec(b, v, err);
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64:
		if (v < 0)
			return i64_out_of_range(b, v, err);
		return hy_builder_append_u64(b, (uint64_t)v, err);
	default: return mismatch(b, "an integer", err);
	}
}

int hy_builder_append_u64(struct hy_builder *b, uint64_t v, struct hy_error *err)
{
	static const uint64_t max[] = {UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX};
	char text[32];

	if (b->type.id < HY_UINT8 || b->type.id > HY_UINT64)
		return mismatch(b, "an unsigned integer", err);
	if (v > max[b->type.id - HY_UINT8]) {
		snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
		return out_of_range(b, text, err);
	}
	/* Little-endian host (checked in the doc, as Arrow assumes): the low
	 * `width` bytes of v are the narrowed value. */
	return append_fixed(b, &v, err);
}

int hy_builder_append_f64(struct hy_builder *b, double v, struct hy_error *err)
{
	float f;
	char text[40];

	if (b->type.id == HY_FLOAT64)
		return append_fixed(b, &v, err);
	if (b->type.id != HY_FLOAT32)
		return mismatch(b, "a float", err);
	/* Converting an out-of-range double to float is undefined behaviour. */
	if (isfinite(v) && fabs(v) > FLT_MAX) {
		snprintf(text, sizeof(text), "%g", v);
		return out_of_range(b, text, err);
	}
	f = (float)v;
	return append_fixed(b, &f, err);
}

int hy_builder_append_bool(struct hy_builder *b, bool v, struct hy_error *err)
{
	if (b->type.id != HY_BOOL)
		return mismatch(b, "a boolean", err);
	HY_TRY(reserve_rows(b, 1, err));
	if (v)
		hy__bit_set(b->values.data, b->length, true);
	end_row(b, true);
	return 0;
}

int hy_builder_append_str(struct hy_builder *b, const void *ptr, size_t len, struct hy_error *err)
{
	if (b->type.id == HY_FIXED_BINARY || b->type.id == HY_UUID) {
		if (len != (size_t)b->width)
			return hy_error_set(err, HY_EINVAL,
					    "a value of %zu bytes does not fit a %s column of "
					    "width %d",
					    len, hy_type_name(b->type.id), b->width);
		return append_fixed(b, ptr, err);
	}
	if (!hy_dtype_is_var_width(&b->type))
		return mismatch(b, "a string", err);
	if (len > (size_t)HY_MAX_VAR_BYTES)
		return reserve_bytes(b, HY_MAX_VAR_BYTES, err); /* reports HY_ELIMIT */
	HY_TRY(reserve_rows(b, 1, err));
	HY_TRY(reserve_bytes(b, (int64_t)len, err));
	if (len > 0)
		memcpy(b->data.data + b->data_len, ptr, len);
	b->data_len += (int64_t)len;
	end_row(b, true);
	return 0;
}

int hy_builder_append_decimal128(struct hy_builder *b, hy_i128 v, struct hy_error *err)
{
	if (b->type.id != HY_DECIMAL)
		return mismatch(b, "a decimal", err);
	return append_dec(b, v, err);
}

/* ---- bulk append ---- */

static int append_decoded(struct hy_builder *b, const struct hy_column *col, int64_t offset,
			  int64_t len, struct hy_error *err)
{
	/* A dictionary column: decode row by row; growth stays amortised. */
	for (int64_t i = 0; i < len; i++) {
		struct hy_str s;

		if (hy_column_is_null(col, offset + i)) {
			HY_TRY(hy_builder_append_null(b, err));
			continue;
		}
		s = hy_column_get_bytes(col, offset + i);
		HY_TRY(hy_builder_append_str(b, s.ptr, s.len, err));
	}
	return 0;
}

static int reserve_var(struct hy_builder *b, const struct hy_column *col, int64_t start,
		       int64_t len, struct hy_error *err)
{
	const int32_t *offs = (const int32_t *)col->values->data;

	return reserve_bytes(b, (int64_t)offs[start + len] - offs[start], err);
}

static void copy_var(struct hy_builder *b, const struct hy_column *col, int64_t start, int64_t len)
{
	const int32_t *src = (const int32_t *)col->values->data + start;
	int32_t *dst = (int32_t *)b->values.data + b->length;
	int64_t bytes = (int64_t)src[len] - src[0];

	if (bytes > 0)
		memcpy(b->data.data + b->data_len, col->data->data + src[0], (size_t)bytes);
	/* Rebase: the source's offsets start wherever its slice starts. */
	for (int64_t i = 1; i <= len; i++)
		dst[i] = (int32_t)(b->data_len + (src[i] - src[0]));
	b->data_len += bytes;
}

int hy_builder_append_column(struct hy_builder *b, const struct hy_column *col, int64_t offset,
			     int64_t len, struct hy_error *err)
{
	int64_t start = col->offset + offset, nulls;

	if (!hy_dtype_eq(&b->type, &col->type)) {
		char name[96];

		hy_dtype_format(&col->type, name, sizeof(name));
		return mismatch(b, name, err);
	}
	if (offset < 0 || len < 0 || offset > col->length || len > col->length - offset)
		return hy_error_set(err, HY_EINVAL,
				    "rows [%lld, +%lld) are outside a column of %lld",
				    (long long)offset, (long long)len, (long long)col->length);
	if (col->dictionary != NULL)
		return append_decoded(b, col, offset, len, err);
	HY_TRY(reserve_rows(b, len, err));
	if (b->type.id == HY_NULL) {
		b->length += len;
		b->null_count += len;
		return 0;
	}
	nulls = col->validity == NULL ? 0
				      : len - hy__bitmap_count_set(col->validity->data, start, len);
	/* Every allocation before the first write: a failure changes nothing. */
	if (nulls > 0)
		HY_TRY(materialise_validity(b, len, err));
	if (hy_dtype_is_var_width(&b->type))
		HY_TRY(reserve_var(b, col, start, len, err));

	if (b->has_validity) {
		if (col->validity != NULL)
			hy__bitmap_copy(b->validity.data, b->length, col->validity->data, start,
					len);
		else
			set_bits(b->validity.data, b->length, len);
	}
	if (b->type.id == HY_BOOL)
		hy__bitmap_copy(b->values.data, b->length, col->values->data, start, len);
	else if (hy_dtype_is_var_width(&b->type))
		copy_var(b, col, start, len);
	else if (len > 0)
		memcpy(b->values.data + b->length * b->width, col->values->data + start * b->width,
		       (size_t)(len * b->width));
	b->length += len;
	b->null_count += nulls;
	return 0;
}

/* ---- finish ---- */

static struct hy_rcbuf *take(struct growbuf *g, int64_t size, struct hy_rcbuf *header)
{
	header->data = g->data;
	header->size = size;
	g->data = NULL;
	g->cap = 0;
	return header;
}

int hy_builder_finish(struct hy_builder *b, struct hy_column **out, struct hy_error *err)
{
	struct hy_rcbuf *hdr[3] = {NULL, NULL, NULL};
	struct hy_column *col = NULL;
	bool var = hy_dtype_is_var_width(&b->type);
	bool validity = b->has_validity && b->null_count > 0;
	int rc = 0, nhdr = 0;

	*out = NULL;
	/* Allocate everything first so that a failure leaves the rows in the
	 * builder. Empty columns still get a values buffer (and offsets [0]):
	 * Arrow consumers may not accept NULL there. */
	if (b->type.id != HY_NULL) {
		rc = reserve_rows(b, 0, err);
		if (rc == 0 && var)
			rc = reserve_bytes(b, 0, err);
		if (rc != 0)
			goto out;
		nhdr = 1 + (var ? 1 : 0) + (validity ? 1 : 0);
	}
	for (int i = 0; i < nhdr; i++) {
		hdr[i] = hy_rcbuf_wrap(NULL, 0, NULL, NULL);
		if (hdr[i] == NULL) {
			rc = hy_error_set(err, HY_ENOMEM, "out of memory finishing a column");
			goto out;
		}
	}
	col = hy_calloc(1, sizeof(*col));
	if (col == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory finishing a column");
		goto out;
	}
	atomic_init(&col->refs, 1);
	col->type = b->type;
	col->length = b->length;
	col->null_count = b->null_count;
	if (b->type.id != HY_NULL) {
		col->values = take(&b->values, values_bytes(b, b->length), hdr[0]);
		if (var)
			col->data = take(&b->data, b->data_len, hdr[1]);
		if (validity)
			col->validity = take(&b->validity, (b->length + 7) / 8, hdr[nhdr - 1]);
	}
	growbuf_reset(&b->validity); /* a bitmap without nulls is dropped */
	growbuf_reset(&b->values);
	growbuf_reset(&b->data);
	b->length = b->null_count = b->data_len = 0;
	b->has_validity = false;
	*out = col;
	return 0;
out:
	for (int i = 0; i < 3; i++)
		hy_free(hdr[i]); /* bare headers: the bytes still belong to b */
	return rc;
}
