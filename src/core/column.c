/* Refcounted buffers, columns, zero-copy slices, the dictionary form and the
 * value accessors. Layout and ownership: docs/internals/core.md. */
#include <string.h>

#include "column_int.h"
#include "hygge/alloc.h"

/* ---- bitmaps ---- */

void hy__bitmap_copy(uint8_t *dst, int64_t dst_off, const uint8_t *src, int64_t src_off, int64_t n)
{
	int64_t i = 0;

	/* Bit by bit until dst is byte aligned, then whole bytes (each built
	 * from at most two source bytes), then the tail bit by bit. */
	while (i < n && ((dst_off + i) & 7) != 0) {
		hy__bit_set(dst, dst_off + i, hy__bit_get(src, src_off + i));
		i++;
	}
	if (((src_off + i) & 7) == 0) {
		int64_t bytes = (n - i) >> 3;

		memcpy(dst + ((dst_off + i) >> 3), src + ((src_off + i) >> 3), (size_t)bytes);
		i += bytes << 3;
	} else {
		int shift = (int)((src_off + i) & 7);

		for (; n - i >= 8; i += 8) {
			const uint8_t *s = src + ((src_off + i) >> 3);

			/* s[1] holds bits src_off+i+8-shift .. which are < src_off+n
			 * because at least 8 bits remain: never read past the end. */
			dst[(dst_off + i) >> 3] =
				(uint8_t)((s[0] >> shift) | (s[1] << (8 - shift)));
		}
	}
	for (; i < n; i++)
		hy__bit_set(dst, dst_off + i, hy__bit_get(src, src_off + i));
}

int64_t hy__bitmap_count_set(const uint8_t *bits, int64_t off, int64_t n)
{
	int64_t count = 0, i = 0;

	while (i < n && ((off + i) & 7) != 0) {
		count += hy__bit_get(bits, off + i);
		i++;
	}
	for (; n - i >= 8; i += 8)
		count += __builtin_popcount(bits[(off + i) >> 3]);
	for (; i < n; i++)
		count += hy__bit_get(bits, off + i);
	return count;
}

/* ---- refcounted buffers ---- */

struct hy_rcbuf *hy_rcbuf_wrap(uint8_t *data, int64_t size, void (*release)(struct hy_rcbuf *),
			       void *owner)
{
	struct hy_rcbuf *buf = hy_malloc(sizeof(*buf));

	if (buf == NULL)
		return NULL;
	atomic_init(&buf->refs, 1);
	buf->data = data;
	buf->size = size;
	buf->release = release;
	buf->owner = owner;
	return buf;
}

struct hy_rcbuf *hy_rcbuf_create(int64_t size)
{
	struct hy_rcbuf *buf;
	uint8_t *data;

	if (size < 0 || (uint64_t)size > SIZE_MAX - 64)
		return NULL;
	data = hy_aligned_alloc((size_t)size);
	if (data == NULL)
		return NULL;
	/* The whole block hy_aligned_alloc rounded up to: padding is zero (as
	 * Arrow recommends), and a 0-byte buffer still reads as offsets [0]. */
	memset(data, 0, size == 0 ? 64 : ((size_t)size + 63) & ~(size_t)63);
	buf = hy_rcbuf_wrap(data, size, NULL, NULL);
	if (buf == NULL)
		hy_free(data);
	return buf;
}

struct hy_rcbuf *hy_rcbuf_adopt(void *data, int64_t size)
{
	struct hy_rcbuf *buf = hy_rcbuf_wrap(data, size < 0 ? 0 : size, NULL, NULL);

	if (buf == NULL)
		hy_free(data);
	return buf;
}

struct hy_rcbuf *hy_rcbuf_ref(struct hy_rcbuf *buf)
{
	if (buf != NULL)
		atomic_fetch_add_explicit(&buf->refs, 1, memory_order_relaxed);
	return buf;
}

void hy_rcbuf_unref(struct hy_rcbuf *buf)
{
	if (buf == NULL)
		return;
	if (atomic_fetch_sub_explicit(&buf->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (buf->release != NULL)
		buf->release(buf);
	else
		hy_free(buf->data);
	hy_free(buf);
}

/* ---- columns ---- */

static int64_t count_nulls(const struct hy_dtype *type, const struct hy_rcbuf *validity,
			   int64_t offset, int64_t length)
{
	if (type->id == HY_NULL)
		return length;
	if (validity == NULL)
		return 0;
	return length - hy__bitmap_count_set(validity->data, offset, length);
}

int hy__column_create(const struct hy_dtype *type, int64_t length, int64_t offset,
		      int64_t null_count, struct hy_rcbuf *validity, struct hy_rcbuf *values,
		      struct hy_rcbuf *data, struct hy_column *dictionary, struct hy_column **out,
		      struct hy_error *err)
{
	struct hy_column *col = hy_malloc(sizeof(*col));

	*out = NULL;
	if (col == NULL) {
		hy_rcbuf_unref(validity);
		hy_rcbuf_unref(values);
		hy_rcbuf_unref(data);
		hy_column_unref(dictionary);
		return hy_error_set(err, HY_ENOMEM, "out of memory creating a column");
	}
	atomic_init(&col->refs, 1);
	col->type = *type;
	col->length = length;
	col->offset = offset;
	col->null_count =
		null_count >= 0 ? null_count : count_nulls(type, validity, offset, length);
	col->validity = validity;
	col->values = values;
	col->data = data;
	col->dictionary = dictionary;
	*out = col;
	return 0;
}

struct hy_column *hy_column_ref(struct hy_column *col)
{
	if (col != NULL)
		atomic_fetch_add_explicit(&col->refs, 1, memory_order_relaxed);
	return col;
}

void hy_column_unref(struct hy_column *col)
{
	if (col == NULL)
		return;
	if (atomic_fetch_sub_explicit(&col->refs, 1, memory_order_acq_rel) != 1)
		return;
	hy_rcbuf_unref(col->validity);
	hy_rcbuf_unref(col->values);
	hy_rcbuf_unref(col->data);
	hy_column_unref(col->dictionary);
	hy_free(col);
}

int hy_column_slice(struct hy_column *col, int64_t offset, int64_t len, struct hy_column **out,
		    struct hy_error *err)
{
	int64_t nulls;

	*out = NULL;
	if (offset < 0 || len < 0 || offset > col->length || len > col->length - offset)
		return hy_error_set(err, HY_EINVAL,
				    "slice [%lld, +%lld) is outside a column of %lld rows",
				    (long long)offset, (long long)len, (long long)col->length);
	/* Skip the popcount when the answer is known. */
	if (col->null_count == 0)
		nulls = 0;
	else if (len == col->length)
		nulls = col->null_count;
	else
		nulls = -1;
	return hy__column_create(&col->type, len, col->offset + offset, nulls,
				 hy_rcbuf_ref(col->validity), hy_rcbuf_ref(col->values),
				 hy_rcbuf_ref(col->data), hy_column_ref(col->dictionary), out, err);
}

static int check_buffers(const struct hy_dtype *type, int64_t length,
			 const struct hy_rcbuf *validity, const struct hy_rcbuf *values,
			 const struct hy_rcbuf *data, struct hy_error *err)
{
	int64_t need;

	HY_TRY(hy_dtype_validate(type, err));
	if (length < 0 || length > HY_MAX_COLUMN_ROWS)
		return hy_error_set(err, HY_EINVAL, "a column of %lld rows", (long long)length);
	if (type->id == HY_NULL) {
		if (validity != NULL || values != NULL || data != NULL)
			return hy_error_set(err, HY_EINVAL, "a null column takes no buffers");
		return 0;
	}
	if (validity != NULL && validity->size < (length + 7) / 8)
		return hy_error_set(err, HY_EINVAL, "validity of %lld bytes for %lld rows",
				    (long long)validity->size, (long long)length);
	if (values == NULL)
		return hy_error_set(err, HY_EINVAL, "a %s column needs a values buffer",
				    hy_type_name(type->id));
	if (hy_dtype_is_var_width(type)) {
		const int32_t *off = (const int32_t *)(const void *)values->data;

		if (values->size < (length + 1) * 4)
			return hy_error_set(err, HY_EINVAL, "%lld bytes of offsets for %lld rows",
					    (long long)values->size, (long long)length);
		if (off[0] != 0)
			return hy_error_set(err, HY_EINVAL, "offsets must start at 0");
		for (int64_t i = 0; i < length; i++)
			if (off[i + 1] < off[i])
				return hy_error_set(err, HY_EINVAL, "offsets decrease at row %lld",
						    (long long)i);
		if (off[length] > 0 && (data == NULL || data->size < off[length]))
			return hy_error_set(err, HY_EINVAL, "offsets pass the end of the data");
		return 0;
	}
	if (data != NULL)
		return hy_error_set(err, HY_EINVAL, "a %s column takes no data buffer",
				    hy_type_name(type->id));
	need = type->id == HY_BOOL ? (length + 7) / 8 : length * hy_dtype_byte_width(type);
	if (values->size < need)
		return hy_error_set(err, HY_EINVAL, "%lld bytes of values for %lld %s rows",
				    (long long)values->size, (long long)length,
				    hy_type_name(type->id));
	return 0;
}

int hy_column_create(const struct hy_dtype *type, int64_t length, int64_t null_count,
		     struct hy_rcbuf *validity, struct hy_rcbuf *values, struct hy_rcbuf *data,
		     struct hy_column **out, struct hy_error *err)
{
	int rc = check_buffers(type, length, validity, values, data, err);

	*out = NULL;
	if (rc != 0) {
		hy_rcbuf_unref(validity);
		hy_rcbuf_unref(values);
		hy_rcbuf_unref(data);
		return rc;
	}
	if (null_count > length)
		null_count = -1;
	return hy__column_create(type, length, 0, null_count, validity, values, data, NULL, out,
				 err);
}

int hy_column_create_dictionary(struct hy_column *indices, struct hy_column *dictionary,
				struct hy_column **out, struct hy_error *err)
{
	const int32_t *idx;

	*out = NULL;
	if (indices->type.id != HY_INT32 || indices->dictionary != NULL)
		return hy_error_set(err, HY_EINVAL,
				    "dictionary indices must be a plain int32 column");
	if (!hy_dtype_is_var_width(&dictionary->type) || dictionary->dictionary != NULL)
		return hy_error_set(err, HY_EINVAL,
				    "a dictionary must be a plain string or binary column");
	if (dictionary->null_count != 0)
		return hy_error_set(err, HY_EINVAL, "a dictionary must not hold nulls");
	/* Indices come from files: check them once here so that accessors and
	 * exports can trust them. */
	idx = (const int32_t *)indices->values->data + indices->offset;
	for (int64_t i = 0; i < indices->length; i++) {
		if (hy_column_is_null(indices, i))
			continue;
		if (idx[i] < 0 || idx[i] >= dictionary->length)
			return hy_error_set(err, HY_EINVAL,
					    "dictionary index %d at row %lld is outside a "
					    "dictionary of %lld values",
					    (int)idx[i], (long long)i,
					    (long long)dictionary->length);
	}
	return hy__column_create(&dictionary->type, indices->length, indices->offset,
				 indices->null_count, hy_rcbuf_ref(indices->validity),
				 hy_rcbuf_ref(indices->values), NULL, hy_column_ref(dictionary),
				 out, err);
}

/* ---- accessors ---- */

bool hy_column_is_null(const struct hy_column *col, int64_t row)
{
	HY_ASSERT(row >= 0 && row < col->length);
	if (col->type.id == HY_NULL)
		return true;
	if (col->validity == NULL)
		return false;
	return !hy__bit_get(col->validity->data, col->offset + row);
}

int64_t hy_column_get_i64(const struct hy_column *col, int64_t row)
{
	const uint8_t *p;
	int64_t i = col->offset + row;

	HY_ASSERT(row >= 0 && row < col->length);
	p = col->values->data;
	switch (col->type.id) {
	case HY_INT8: return ((const int8_t *)p)[i];
	case HY_INT16: return ((const int16_t *)p)[i];
	case HY_INT32:
	case HY_DATE: return ((const int32_t *)p)[i];
	case HY_TIME:
		if (col->type.unit <= HY_UNIT_MILLI)
			return ((const int32_t *)p)[i];
		return ((const int64_t *)p)[i];
	case HY_DECIMAL:
		HY_ASSERT(col->type.precision <= HY_DECIMAL64_MAX_PRECISION);
		return ((const int64_t *)p)[i];
	case HY_INT64:
	case HY_TIMESTAMP:
	case HY_DURATION: return ((const int64_t *)p)[i];
	default: HY_ASSERT(!"get_i64 on a type without int64 values"); return 0;
	}
}

uint64_t hy_column_get_u64(const struct hy_column *col, int64_t row)
{
	const uint8_t *p = col->values->data;
	int64_t i = col->offset + row;

	HY_ASSERT(row >= 0 && row < col->length);
	switch (col->type.id) {
	case HY_UINT8: return ((const uint8_t *)p)[i];
	case HY_UINT16: return ((const uint16_t *)p)[i];
	case HY_UINT32: return ((const uint32_t *)p)[i];
	case HY_UINT64: return ((const uint64_t *)p)[i];
	default: HY_ASSERT(!"get_u64 on a type without uint64 values"); return 0;
	}
}

double hy_column_get_f64(const struct hy_column *col, int64_t row)
{
	const uint8_t *p = col->values->data;
	int64_t i = col->offset + row;

	HY_ASSERT(row >= 0 && row < col->length);
	if (col->type.id == HY_FLOAT32)
		return ((const float *)p)[i];
	HY_ASSERT(col->type.id == HY_FLOAT64);
	return ((const double *)p)[i];
}

bool hy_column_get_bool(const struct hy_column *col, int64_t row)
{
	HY_ASSERT(col->type.id == HY_BOOL && row >= 0 && row < col->length);
	return hy__bit_get(col->values->data, col->offset + row);
}

struct hy_str hy_column_get_bytes(const struct hy_column *col, int64_t row)
{
	int64_t i = col->offset + row;
	struct hy_str s;

	HY_ASSERT(row >= 0 && row < col->length);
	if (col->dictionary != NULL) {
		/* A null row's index was never checked: do not follow it. */
		if (hy_column_is_null(col, row))
			return (struct hy_str){"", 0};
		return hy_column_get_bytes(col->dictionary,
					   ((const int32_t *)col->values->data)[i]);
	}
	if (hy_dtype_is_var_width(&col->type)) {
		const int32_t *offs = (const int32_t *)col->values->data;

		s.ptr = (const char *)col->data->data + offs[i];
		s.len = (size_t)(offs[i + 1] - offs[i]);
		return s;
	}
	HY_ASSERT(col->type.id == HY_FIXED_BINARY || col->type.id == HY_UUID);
	s.ptr = (const char *)col->values->data + i * col->type.width;
	s.len = (size_t)col->type.width;
	return s;
}

hy_i128 hy_column_get_decimal(const struct hy_column *col, int64_t row)
{
	int64_t i = col->offset + row;
	hy_i128 v;

	HY_ASSERT(col->type.id == HY_DECIMAL && row >= 0 && row < col->length);
	if (col->type.precision <= HY_DECIMAL64_MAX_PRECISION)
		return ((const int64_t *)col->values->data)[i];
	memcpy(&v, col->values->data + i * 16, sizeof(v));
	return v;
}

int64_t hy_column_null_count(const struct hy_column *col)
{
	return col->null_count;
}
