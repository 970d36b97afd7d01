/* DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY
 * (parquet.md sections 6.5 to 6.7). All arithmetic on values is unsigned,
 * so the wrap-around the spec asks for is defined behaviour. */
#include "pq_encoding.h"

#include <string.h>

#define DBP "DELTA_BINARY_PACKED"

struct dbp_header {
	uint64_t block_size;
	uint64_t miniblocks;
	uint64_t total;
	uint64_t first;
	size_t per_miniblock;
};

static uint64_t zigzag_decode(uint64_t v)
{
	return (v >> 1) ^ (0 - (v & 1));
}

static uint64_t zigzag_encode(int64_t v)
{
	return ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63));
}

static int read_header(const uint8_t *src, size_t len, size_t *pos, struct dbp_header *h,
		       struct hy_error *err)
{
	uint64_t zz = 0;

	HY_TRY(hy__pq_uleb_read(src, len, pos, &h->block_size, DBP " block size", err));
	HY_TRY(hy__pq_uleb_read(src, len, pos, &h->miniblocks, DBP " miniblock count", err));
	HY_TRY(hy__pq_uleb_read(src, len, pos, &h->total, DBP " total count", err));
	HY_TRY(hy__pq_uleb_read(src, len, pos, &zz, DBP " first value", err));
	h->first = zigzag_decode(zz);
	if (h->block_size == 0 || h->block_size % 128 != 0)
		return hy_error_set(err, HY_EFORMAT,
				    DBP ": block size %llu is not a positive multiple of 128",
				    (unsigned long long)h->block_size);
	if (h->block_size > HY_PQ_DELTA_MAX_BLOCK)
		return hy_error_set(err, HY_ELIMIT, DBP ": block size %llu > the cap of %u",
				    (unsigned long long)h->block_size, HY_PQ_DELTA_MAX_BLOCK);
	if (h->miniblocks == 0 || h->block_size % h->miniblocks != 0 ||
	    (h->block_size / h->miniblocks) % 32 != 0)
		return hy_error_set(
			err, HY_EFORMAT,
			DBP ": %llu miniblocks per block of %llu do not hold a multiple "
			    "of 32 values each",
			(unsigned long long)h->miniblocks, (unsigned long long)h->block_size);
	h->per_miniblock = (size_t)(h->block_size / h->miniblocks);
	return 0;
}

int hy_pq_delta_peek_count(const uint8_t *src, size_t len, uint64_t *total, struct hy_error *err)
{
	struct dbp_header h;
	size_t pos = 0;

	HY_TRY(read_header(src, len, &pos, &h, err));
	*total = h.total;
	return 0;
}

/* One miniblock of `per_miniblock` values at `width` bits, unpacked 32 at a
 * time; values past `count` (padding) are never produced. The output width
 * is tested once per 32 values, not per value. */
static void miniblock(const uint8_t *src, unsigned width, size_t per_miniblock, uint64_t min_delta,
		      uint64_t *prev, void *out, unsigned out_bytes, size_t *n, size_t count)
{
	uint64_t tmp[32], v = *prev;

	for (size_t c = 0; c < per_miniblock && *n < count; c += 32) {
		size_t k = count - *n < 32 ? count - *n : 32;

		hy__pq_unpack64(src + c / 8 * width, width, k, tmp);
		if (out_bytes == 4) {
			int32_t *o = (int32_t *)out + *n;

			for (size_t i = 0; i < k; i++) {
				v += min_delta + tmp[i];
				o[i] = (int32_t)(uint32_t)v;
			}
		} else {
			int64_t *o = (int64_t *)out + *n;

			for (size_t i = 0; i < k; i++) {
				v += min_delta + tmp[i];
				o[i] = (int64_t)v;
			}
		}
		*n += k;
	}
	*prev = v;
}

static int decode_block(const uint8_t *src, size_t len, size_t *pos, const struct dbp_header *h,
			unsigned max_width, uint64_t *prev, void *out, unsigned out_bytes,
			size_t *n, size_t count, struct hy_error *err)
{
	uint64_t zz = 0;
	const uint8_t *widths;

	HY_TRY(hy__pq_uleb_read(src, len, pos, &zz, DBP " min delta", err));
	if (len - *pos < h->miniblocks)
		return hy_error_set(err, HY_EFORMAT,
				    DBP ": input ends inside the %llu miniblock bit widths",
				    (unsigned long long)h->miniblocks);
	widths = src + *pos;
	*pos += (size_t)h->miniblocks;
	/* Widths of miniblocks past the last value may be garbage and their
	 * data is absent (apache/arrow#14923), so only used ones are read. */
	for (size_t m = 0; m < h->miniblocks && *n < count; m++) {
		unsigned width = widths[m];
		size_t bytes;

		if (width > max_width)
			return hy_error_set(err, HY_EFORMAT, DBP ": miniblock bit width %u > %u",
					    width, max_width);
		bytes = h->per_miniblock / 8 * width;
		if (len - *pos < bytes)
			return hy_error_set(err, HY_EFORMAT,
					    DBP ": miniblock of %zu bytes, %zu left after %zu of "
						"%zu values",
					    bytes, len - *pos, *n, count);
		miniblock(src + *pos, width, h->per_miniblock, zigzag_decode(zz), prev, out,
			  out_bytes, n, count);
		*pos += bytes;
	}
	return 0;
}

static int dbp_decode(const uint8_t *src, size_t len, size_t count, unsigned out_bytes, void *out,
		      size_t *used, struct hy_error *err)
{
	struct dbp_header h;
	size_t pos = 0, n = 0;
	uint64_t prev;

	/* An all-null page may carry no values section at all. */
	if (count == 0 && len == 0) {
		if (used != NULL)
			*used = 0;
		return 0;
	}
	HY_TRY(read_header(src, len, &pos, &h, err));
	if (h.total != count)
		return hy_error_set(err, HY_EFORMAT, DBP ": total count %llu, expected %zu",
				    (unsigned long long)h.total, count);
	if (count > 0) {
		prev = h.first;
		if (out_bytes == 4)
			((int32_t *)out)[n++] = (int32_t)(uint32_t)prev;
		else
			((int64_t *)out)[n++] = (int64_t)prev;
		while (n < count)
			HY_TRY(decode_block(src, len, &pos, &h, out_bytes * 8, &prev, out,
					    out_bytes, &n, count, err));
	}
	if (used != NULL)
		*used = pos;
	return 0;
}

int hy_pq_delta_decode_int32(const uint8_t *src, size_t len, size_t count, int32_t *out,
			     size_t *used, struct hy_error *err)
{
	return dbp_decode(src, len, count, 4, out, used, err);
}

int hy_pq_delta_decode_int64(const uint8_t *src, size_t len, size_t count, int64_t *out,
			     size_t *used, struct hy_error *err)
{
	return dbp_decode(src, len, count, 8, out, used, err);
}

int hy_pq_delta_length_decode(const uint8_t *src, size_t len, size_t count, int32_t *offsets,
			      struct hy_buf *data, size_t *used, struct hy_error *err)
{
	size_t pos = 0, total = 0;
	int32_t at;

	HY_TRY(hy_pq_delta_decode_int32(src, len, count, offsets + 1, &pos, err));
	for (size_t i = 0; i < count; i++) {
		if (offsets[i + 1] < 0)
			return hy_error_set(err, HY_EFORMAT,
					    "DELTA_LENGTH_BYTE_ARRAY: value %zu has length %d", i,
					    offsets[i + 1]);
		total += (size_t)offsets[i + 1];
		if (total > len - pos)
			return hy_error_set(
				err, HY_EFORMAT,
				"DELTA_LENGTH_BYTE_ARRAY: lengths of the first %zu values "
				"add up to %zu, %zu bytes left",
				i + 1, total, len - pos);
	}
	HY_TRY(hy__pq_bytes_reserve(data, total, "DELTA_LENGTH_BYTE_ARRAY", err));
	if (total > 0)
		memcpy(data->data + data->len, src + pos, total);
	at = (int32_t)data->len;
	offsets[0] = at;
	for (size_t i = 0; i < count; i++) {
		at += offsets[i + 1];
		offsets[i + 1] = at;
	}
	data->len += total;
	data->data[data->len] = 0;
	if (used != NULL)
		*used = pos + total;
	return 0;
}

#define DBA "DELTA_BYTE_ARRAY"

/* Checks prefix and suffix lengths and returns the bytes of the values and
 * of the suffixes. */
static int dba_sizes(const int32_t *prefix, const int32_t *suffix, size_t count, size_t fixed_len,
		     size_t avail, size_t *total, size_t *suffixes, struct hy_error *err)
{
	size_t prev_len = 0;

	*total = 0;
	*suffixes = 0;
	for (size_t i = 0; i < count; i++) {
		size_t vlen;

		if (prefix[i] < 0 || suffix[i] < 0)
			return hy_error_set(err, HY_EFORMAT,
					    DBA
					    ": value %zu has prefix length %d, suffix length %d",
					    i, prefix[i], suffix[i]);
		if ((size_t)prefix[i] > prev_len)
			return hy_error_set(err, HY_EFORMAT,
					    DBA
					    ": prefix length %d of value %zu > %zu, the length of "
					    "the previous value",
					    prefix[i], i, prev_len);
		vlen = (size_t)prefix[i] + (size_t)suffix[i];
		if (fixed_len != 0 && vlen != fixed_len)
			return hy_error_set(err, HY_EFORMAT,
					    DBA
					    ": value %zu has %zu bytes, FIXED_LEN_BYTE_ARRAY(%zu)",
					    i, vlen, fixed_len);
		*suffixes += (size_t)suffix[i];
		if (*suffixes > avail)
			return hy_error_set(err, HY_EFORMAT,
					    DBA
					    ": suffixes of the first %zu values need %zu bytes, "
					    "%zu left",
					    i + 1, *suffixes, avail);
		*total += vlen;
		if (*total > INT32_MAX)
			return hy_error_set(err, HY_ELIMIT,
					    DBA ": values overflow 32-bit offsets at value %zu", i);
		prev_len = vlen;
	}
	return 0;
}

int hy_pq_delta_byte_array_decode(const uint8_t *src, size_t len, size_t count, size_t fixed_len,
				  int32_t *offsets, int32_t *scratch, struct hy_buf *data,
				  size_t *used, struct hy_error *err)
{
	size_t pos = 0, pos2 = 0, total, suffixes, at, prev = 0;
	const uint8_t *sfx;

	HY_TRY(hy_pq_delta_decode_int32(src, len, count, scratch, &pos, err));
	HY_TRY(hy_pq_delta_decode_int32(src + pos, len - pos, count, offsets + 1, &pos2, err));
	pos += pos2;
	HY_TRY(dba_sizes(scratch, offsets + 1, count, fixed_len, len - pos, &total, &suffixes,
			 err));
	HY_TRY(hy__pq_bytes_reserve(data, total, DBA, err));
	sfx = src + pos;
	at = data->len;
	offsets[0] = (int32_t)at;
	for (size_t i = 0; i < count; i++) {
		size_t p = (size_t)scratch[i], s = (size_t)offsets[i + 1];

		/* The previous value ends where this one starts: no overlap. */
		memcpy(data->data + at, data->data + prev, p);
		memcpy(data->data + at + p, sfx, s);
		sfx += s;
		prev = at;
		at += p + s;
		offsets[i + 1] = (int32_t)at;
	}
	data->len = at;
	data->data[at] = 0;
	if (used != NULL)
		*used = pos + suffixes;
	return 0;
}

/* ---- encoder: blocks of 128 values, 4 miniblocks of 32 ---- */

#define ENC_BLOCK      128
#define ENC_MINIBLOCKS 4
#define ENC_PER_MINI   (ENC_BLOCK / ENC_MINIBLOCKS)

/* value(i) as a signed 64-bit; deltas of INT32 wrap at 32 bits so that
 * every miniblock width stays <= 32 as the spec requires. */
static int64_t delta_at(const int32_t *v32, const int64_t *v64, size_t i)
{
	if (v32 != NULL)
		return (int32_t)((uint32_t)v32[i] - (uint32_t)v32[i - 1]);
	return (int64_t)((uint64_t)v64[i] - (uint64_t)v64[i - 1]);
}

static int encode_block(const int32_t *v32, const int64_t *v64, size_t start, size_t n,
			struct hy_buf *out, struct hy_error *err)
{
	int64_t d[ENC_BLOCK], min = INT64_MAX;
	uint64_t u[ENC_BLOCK] = {0};
	uint8_t widths[ENC_MINIBLOCKS] = {0};
	size_t used = (n + ENC_PER_MINI - 1) / ENC_PER_MINI, bytes = 0;

	for (size_t i = 0; i < n; i++) {
		d[i] = delta_at(v32, v64, start + i);
		if (d[i] < min)
			min = d[i];
	}
	for (size_t m = 0; m < used; m++) {
		uint64_t max = 0;

		for (size_t i = m * ENC_PER_MINI; i < n && i < (m + 1) * ENC_PER_MINI; i++) {
			u[i] = (uint64_t)d[i] - (uint64_t)min;
			if (u[i] > max)
				max = u[i];
		}
		widths[m] = (uint8_t)hy_pq_bit_width(max);
		bytes += (size_t)widths[m] * ENC_PER_MINI / 8;
	}
	HY_TRY(hy__pq_uleb_write(out, zigzag_encode(min), err));
	HY_TRY(hy_buf_append(out, widths, ENC_MINIBLOCKS, err));
	HY_TRY(hy_buf_reserve(out, bytes, err));
	memset(out->data + out->len, 0, bytes);
	for (size_t m = 0; m < used; m++) {
		/* Padding values are 0, so the last miniblock packs zeros. */
		hy__pq_pack64(u + m * ENC_PER_MINI, widths[m], ENC_PER_MINI, out->data + out->len);
		out->len += (size_t)widths[m] * ENC_PER_MINI / 8;
	}
	out->data[out->len] = 0;
	return 0;
}

static int dbp_encode(const int32_t *v32, const int64_t *v64, size_t count, struct hy_buf *out,
		      struct hy_error *err)
{
	int64_t first = count == 0 ? 0 : v32 != NULL ? v32[0] : v64[0];

	HY_TRY(hy__pq_uleb_write(out, ENC_BLOCK, err));
	HY_TRY(hy__pq_uleb_write(out, ENC_MINIBLOCKS, err));
	HY_TRY(hy__pq_uleb_write(out, count, err));
	HY_TRY(hy__pq_uleb_write(out, zigzag_encode(first), err));
	for (size_t i = 1; i < count; i += ENC_BLOCK)
		HY_TRY(encode_block(v32, v64, i, count - i < ENC_BLOCK ? count - i : ENC_BLOCK, out,
				    err));
	return 0;
}

int hy_pq_delta_encode_int32(const int32_t *values, size_t count, struct hy_buf *out,
			     struct hy_error *err)
{
	size_t start = out->len;
	int rc = dbp_encode(values, NULL, count, out, err);

	if (rc != 0)
		hy__pq_buf_truncate(out, start);
	return rc;
}

int hy_pq_delta_encode_int64(const int64_t *values, size_t count, struct hy_buf *out,
			     struct hy_error *err)
{
	size_t start = out->len;
	int rc = dbp_encode(NULL, values, count, out, err);

	if (rc != 0)
		hy__pq_buf_truncate(out, start);
	return rc;
}
