/* PLAIN encoding of every physical type (parquet.md section 6.1) and
 * BYTE_STREAM_SPLIT (section 6.8). */
#include "pq_encoding.h"

#include <string.h>

int hy_pq_plain_decode_bool(const uint8_t *src, size_t len, size_t count, uint8_t *out,
			    size_t *used, struct hy_error *err)
{
	size_t need = count / 8 + (count % 8 != 0);

	if (need > len)
		return hy_error_set(err, HY_EFORMAT,
				    "PLAIN BOOLEAN: %zu values need %zu bytes, %zu given", count,
				    need, len);
	for (size_t i = 0; i < count; i++)
		out[i] = (src[i / 8] >> (i % 8)) & 1;
	if (used != NULL)
		*used = need;
	return 0;
}

int hy_pq_plain_decode_fixed(const uint8_t *src, size_t len, size_t count, size_t width, void *out,
			     size_t *used, struct hy_error *err)
{
	if (width == 0)
		return hy_error_set(err, HY_EFORMAT, "PLAIN: value width 0");
	if (count > len / width)
		return hy_error_set(err, HY_EFORMAT,
				    "PLAIN: %zu values of %zu bytes do not fit in %zu bytes", count,
				    width, len);
	if (count > 0)
		memcpy(out, src, count * width);
	if (used != NULL)
		*used = count * width;
	return 0;
}

static uint32_t read_u32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Checks the room for `total` more bytes in `data` as int32 offsets allow,
 * then reserves them once. */
int hy__pq_bytes_reserve(struct hy_buf *data, size_t total, const char *what, struct hy_error *err)
{
	if (data->len > INT32_MAX || total > INT32_MAX - data->len)
		return hy_error_set(
			err, HY_ELIMIT,
			"%s: %zu value bytes overflow 32-bit offsets (%zu already held)", what,
			total, data->len);
	return hy_buf_reserve(data, total, err);
}

int hy_pq_plain_decode_byte_array(const uint8_t *src, size_t len, size_t count, int32_t *offsets,
				  struct hy_buf *data, size_t *used, struct hy_error *err)
{
	size_t pos = 0, total = 0;
	int32_t at;

	/* First pass: validate every length against the bytes left and sum
	 * them, so the bytes are reserved once. */
	for (size_t i = 0; i < count; i++) {
		uint32_t n;

		if (len - pos < 4)
			return hy_error_set(
				err, HY_EFORMAT,
				"PLAIN BYTE_ARRAY: input ends before the length of value "
				"%zu of %zu",
				i, count);
		n = read_u32le(src + pos);
		pos += 4;
		if (n > len - pos)
			return hy_error_set(
				err, HY_EFORMAT,
				"PLAIN BYTE_ARRAY: value %zu has length %u, %zu bytes left", i, n,
				len - pos);
		pos += n;
		total += n;
	}
	HY_TRY(hy__pq_bytes_reserve(data, total, "PLAIN BYTE_ARRAY", err));
	at = (int32_t)data->len;
	offsets[0] = at;
	pos = 0;
	for (size_t i = 0; i < count; i++) {
		uint32_t n = read_u32le(src + pos);

		memcpy(data->data + at, src + pos + 4, n);
		pos += 4 + (size_t)n;
		at += (int32_t)n;
		offsets[i + 1] = at;
	}
	data->len = (size_t)at;
	data->data[data->len] = 0;
	if (used != NULL)
		*used = pos;
	return 0;
}

int hy_pq_plain_encode_bool(const uint8_t *values, size_t count, struct hy_buf *out,
			    struct hy_error *err)
{
	size_t bytes = count / 8 + (count % 8 != 0);
	uint8_t *p;

	HY_TRY(hy_buf_reserve(out, bytes, err));
	p = out->data + out->len;
	memset(p, 0, bytes);
	for (size_t i = 0; i < count; i++)
		p[i / 8] |= (uint8_t)((values[i] != 0) << (i % 8));
	out->len += bytes;
	out->data[out->len] = 0;
	return 0;
}

int hy_pq_plain_encode_fixed(const void *values, size_t count, size_t width, struct hy_buf *out,
			     struct hy_error *err)
{
	if (width != 0 && count > SIZE_MAX / width)
		return hy_error_set(err, HY_ELIMIT, "PLAIN encoder: %zu values overflow", count);
	return hy_buf_append(out, values, count * width, err);
}

int hy_pq_plain_encode_byte_array(const int32_t *offsets, const uint8_t *data, size_t count,
				  struct hy_buf *out, struct hy_error *err)
{
	size_t total = 4 * count, start = out->len;
	uint8_t *p;

	for (size_t i = 0; i < count; i++) {
		if (offsets[i + 1] < offsets[i])
			return hy_error_set(
				err, HY_EINVAL,
				"PLAIN BYTE_ARRAY encoder: offsets decrease at value %zu", i);
		total += (size_t)(offsets[i + 1] - offsets[i]);
	}
	HY_TRY(hy_buf_reserve(out, total, err));
	p = out->data + start;
	for (size_t i = 0; i < count; i++) {
		uint32_t n = (uint32_t)(offsets[i + 1] - offsets[i]);

		for (int b = 0; b < 4; b++)
			*p++ = (uint8_t)(n >> (8 * b));
		if (n > 0)
			memcpy(p, data + offsets[i], n);
		p += n;
	}
	out->len += total;
	out->data[out->len] = 0;
	return 0;
}

/* ---- BYTE_STREAM_SPLIT ---- */

int hy_pq_bss_decode(const uint8_t *src, size_t len, size_t count, size_t width, void *out,
		     struct hy_error *err)
{
	uint8_t *dst = out;

	if (width == 0)
		return hy_error_set(err, HY_EFORMAT, "BYTE_STREAM_SPLIT: value width 0");
	if (count > len / width || count * width != len)
		return hy_error_set(err, HY_EFORMAT,
				    "BYTE_STREAM_SPLIT: %zu bytes are not %zu values of %zu bytes",
				    len, count, width);
	/* Stream j holds byte j of every value. */
	for (size_t j = 0; j < width; j++) {
		const uint8_t *stream = src + j * count;

		for (size_t i = 0; i < count; i++)
			dst[i * width + j] = stream[i];
	}
	return 0;
}

int hy_pq_bss_encode(const void *values, size_t count, size_t width, struct hy_buf *out,
		     struct hy_error *err)
{
	const uint8_t *src = values;
	uint8_t *p;

	if (width == 0 || count > SIZE_MAX / width)
		return hy_error_set(err, HY_EINVAL, "BYTE_STREAM_SPLIT encoder: bad width %zu",
				    width);
	HY_TRY(hy_buf_reserve(out, count * width, err));
	p = out->data + out->len;
	for (size_t j = 0; j < width; j++)
		for (size_t i = 0; i < count; i++)
			*p++ = src[i * width + j];
	out->len += count * width;
	out->data[out->len] = 0;
	return 0;
}
