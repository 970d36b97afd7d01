/* PLAIN values (checklist §6.1): fixed-width values are handed out as a
 * borrowed byte range, booleans are unpacked LSB-first, byte arrays become
 * views into the page. Counts are checked against the bytes present before
 * anything is sized from them. */
#include <string.h>

#include "pq_int.h"

static size_t fixed_width(int type, int32_t type_length)
{
	switch (type) {
	case HY_PQ_INT32:
	case HY_PQ_FLOAT: return 4;
	case HY_PQ_INT64:
	case HY_PQ_DOUBLE: return 8;
	case HY_PQ_INT96: return 12;
	case HY_PQ_FIXED_LEN_BYTE_ARRAY: return type_length > 0 ? (size_t)type_length : 0;
	}
	return 0;
}

static int out_of_data(size_t count, size_t len, struct hy_error *err)
{
	return HY__PQ_FAIL(err, HY_EFORMAT,
			   "PLAIN values: %zu values do not fit the %zu bytes of the page", count,
			   len);
}

static int booleans(const uint8_t *buf, size_t len, size_t count, struct hy_buf *scratch,
		    struct hy__pq_plain *out, struct hy_error *err)
{
	size_t bytes = count / 8 + (count % 8 != 0);
	uint8_t *bits;

	if (bytes > len)
		return out_of_data(count, len, err);
	hy_buf_clear(scratch);
	HY_TRY(hy_buf_reserve(scratch, count, err));
	bits = scratch->data;
	for (size_t i = 0; i < count; i++)
		bits[i] = (buf[i / 8] >> (i % 8)) & 1;
	scratch->len = count;
	out->bools = bits;
	out->consumed = bytes;
	return 0;
}

static int byte_arrays(const uint8_t *buf, size_t len, size_t count, struct hy_buf *scratch,
		       struct hy__pq_plain *out, struct hy_error *err)
{
	struct hy__pq_view *views;
	size_t at = 0;

	if (count > len / 4) /* every value has a 4-byte length */
		return out_of_data(count, len, err);
	hy_buf_clear(scratch);
	HY_TRY(hy_buf_reserve(scratch, count * sizeof(*views), err));
	views = (struct hy__pq_view *)(void *)scratch->data;
	for (size_t i = 0; i < count; i++) {
		uint32_t n;

		if (len - at < 4)
			return out_of_data(count, len, err);
		n = (uint32_t)buf[at] | (uint32_t)buf[at + 1] << 8 | (uint32_t)buf[at + 2] << 16 |
		    (uint32_t)buf[at + 3] << 24;
		at += 4;
		if (n > len - at)
			return HY__PQ_FAIL(err, HY_EFORMAT,
					   "PLAIN values: byte array %zu of %u bytes runs past the "
					   "page",
					   i, n);
		views[i].ptr = buf + at;
		views[i].len = n;
		at += n;
	}
	scratch->len = count * sizeof(*views);
	out->views = views;
	out->consumed = at;
	return 0;
}

int hy__pq_plain_decode(int type, int32_t type_length, const uint8_t *buf, size_t len, size_t count,
			struct hy_buf *scratch, struct hy__pq_plain *out, struct hy_error *err)
{
	size_t width = fixed_width(type, type_length);

	memset(out, 0, sizeof(*out));
	out->count = count;
	if (type == HY_PQ_BOOLEAN)
		return booleans(buf, len, count, scratch, out, err);
	if (type == HY_PQ_BYTE_ARRAY)
		return byte_arrays(buf, len, count, scratch, out, err);
	if (width == 0)
		return HY__PQ_FAIL(err, HY_EFORMAT, "PLAIN values: invalid type %d (length %d)",
				   type, type_length);
	if (count > len / width)
		return out_of_data(count, len, err);
	out->width = width;
	out->fixed = buf;
	out->consumed = count * width;
	return 0;
}
