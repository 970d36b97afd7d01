/* Bit packing, the RLE/bit-packed hybrid, deprecated BIT_PACKED and
 * dictionary indices (parquet.md sections 6.2 to 6.4). */
#include "pq_encoding.h"

#include <string.h>

#define RLE "RLE/bit-packed hybrid"

int hy__pq_uleb_read(const uint8_t *src, size_t len, size_t *pos, uint64_t *v, const char *what,
		     struct hy_error *err)
{
	uint64_t x = 0;
	unsigned shift = 0;
	size_t p = *pos;

	for (;;) {
		uint8_t b;

		if (p >= len)
			return hy_error_set(err, HY_EFORMAT, "%s: input ends inside a ULEB128",
					    what);
		b = src[p++];
		/* The 10th byte may only carry the 64th bit. */
		if (shift == 63 && (b & 0x7e) != 0)
			return hy_error_set(err, HY_EFORMAT, "%s: ULEB128 overflows 64 bits", what);
		x |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			break;
		shift += 7;
		if (shift > 63)
			return hy_error_set(err, HY_EFORMAT, "%s: ULEB128 longer than 10 bytes",
					    what);
	}
	*pos = p;
	*v = x;
	return 0;
}

int hy__pq_uleb_write(struct hy_buf *out, uint64_t v, struct hy_error *err)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		uint8_t b = v & 0x7f;

		v >>= 7;
		tmp[n++] = (uint8_t)(b | (v != 0 ? 0x80 : 0));
	} while (v != 0);
	return hy_buf_append(out, tmp, n, err);
}

static uint64_t load64(const uint8_t *src, size_t total, size_t at)
{
	uint64_t x = 0;

	if (at + 8 <= total)
		memcpy(&x, src + at, 8);
	else if (at < total)
		memcpy(&x, src + at, total - at);
	return x;
}

static uint64_t width_mask(unsigned width)
{
	return width >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << width) - 1;
}

void hy__pq_unpack64(const uint8_t *src, unsigned width, size_t n, uint64_t *out)
{
	size_t total = (n * width + 7) / 8, i = 0;
	uint64_t mask = width_mask(width);

	if (width == 0) {
		memset(out, 0, n * sizeof(*out));
		return;
	}
	/* While 9 bytes remain from a value's first byte, load without the
	 * bounds check; only the last values go through load64(). */
	if (width <= 56)
		for (; i < n && (i * width >> 3) + 8 <= total; i++) {
			size_t bit = i * width;
			uint64_t x;

			memcpy(&x, src + (bit >> 3), 8);
			out[i] = (x >> (bit & 7)) & mask;
		}
	for (; i < n; i++) {
		size_t bit = i * width, at = bit >> 3;
		unsigned shift = bit & 7;
		uint64_t x = load64(src, total, at) >> shift;

		/* A 57..64-bit value at an odd shift reaches a 9th byte. */
		if (shift != 0 && shift + width > 64)
			x |= (uint64_t)src[at + 8] << (64 - shift);
		out[i] = x & mask;
	}
}

void hy__pq_pack64(const uint64_t *values, unsigned width, size_t n, uint8_t *dst)
{
	uint64_t mask = width_mask(width), acc = 0;
	unsigned fill = 0; /* bits waiting in acc, < 8 between values */
	size_t o = 0;

	if (width == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = values[i] & mask;
		unsigned left = width;

		while (left > 0) {
			unsigned take = left < 64 - fill ? left : 64 - fill;

			acc |= (take == 64 ? v : v & (((uint64_t)1 << take) - 1)) << fill;
			v = take == 64 ? 0 : v >> take;
			fill += take;
			left -= take;
			while (fill >= 8) {
				dst[o++] = (uint8_t)acc;
				acc >>= 8;
				fill -= 8;
			}
		}
	}
	if (fill > 0)
		dst[o] = (uint8_t)acc;
}

unsigned hy_pq_bit_width(uint64_t max_value)
{
	return max_value == 0 ? 0 : 64 - (unsigned)__builtin_clzll(max_value);
}

/* One bit-packed group of 8 values. The fast path loads 8 bytes at a time
 * straight from the input when 8 bytes of slack follow the group (all but the
 * page's last group); otherwise the group is copied into a zeroed buffer. */
static void unpack_group8(const uint8_t *src, size_t avail, unsigned width, uint32_t *out)
{
	uint8_t tmp[48] = {0};
	const uint8_t *p = src;
	uint32_t mask = (uint32_t)width_mask(width);

	if (avail < (size_t)width + 8) {
		memcpy(tmp, src, width);
		p = tmp;
	}
	for (unsigned i = 0; i < 8; i++) {
		unsigned bit = i * width;
		uint64_t x;

		memcpy(&x, p + (bit >> 3), 8);
		out[i] = (uint32_t)(x >> (bit & 7)) & mask;
	}
}

static int bit_packed_run(const uint8_t *src, size_t len, size_t *pos, unsigned width,
			  uint64_t groups, uint32_t *out, size_t want, size_t *got,
			  struct hy_error *err)
{
	size_t left = len - *pos, take, full, need;
	const uint8_t *p = src + *pos;

	take = groups >= (want + 7) / 8 ? want : (size_t)groups * 8;
	need = (take * width + 7) / 8;
	if (need > left)
		return hy_error_set(err, HY_EFORMAT,
				    RLE
				    ": bit-packed run of %llu groups at width %u needs %zu bytes, "
				    "%zu left",
				    (unsigned long long)groups, width, need, left);
	full = take / 8;
	for (size_t g = 0; g < full; g++)
		unpack_group8(p + g * width, left - g * width, width, out + g * 8);
	if (take % 8 != 0) {
		uint64_t tmp[8];
		size_t rest = take % 8;

		hy__pq_unpack64(p + full * width, width, rest, tmp);
		for (size_t i = 0; i < rest; i++)
			out[full * 8 + i] = (uint32_t)tmp[i];
	}
	/* The run's padding bytes may be cut off at the end of the input. */
	if (width != 0 && groups > left / width)
		*pos = len;
	else
		*pos += (size_t)groups * width;
	*got = take;
	return 0;
}

static int rle_run(const uint8_t *src, size_t len, size_t *pos, unsigned width, uint64_t run,
		   uint32_t *out, size_t want, size_t *got, struct hy_error *err)
{
	size_t vbytes = (width + 7) / 8, take;
	uint32_t v = 0;

	if (run == 0)
		return hy_error_set(err, HY_EFORMAT, RLE ": RLE run of length 0");
	if (len - *pos < vbytes)
		return hy_error_set(err, HY_EFORMAT, RLE ": input ends inside an RLE run value");
	for (size_t i = 0; i < vbytes; i++)
		v |= (uint32_t)src[*pos + i] << (8 * i);
	*pos += vbytes;
	if (width < 32 && v > (uint32_t)width_mask(width))
		return hy_error_set(err, HY_EFORMAT, RLE ": RLE run value %u wider than %u bits", v,
				    width);
	take = run < want ? (size_t)run : want;
	for (size_t i = 0; i < take; i++)
		out[i] = v;
	*got = take;
	return 0;
}

int hy_pq_rle_decode(const uint8_t *src, size_t len, unsigned bit_width, size_t count,
		     uint32_t *out, size_t *used, struct hy_error *err)
{
	size_t pos = 0, n = 0;

	if (bit_width > HY_PQ_RLE_MAX_WIDTH)
		return hy_error_set(err, HY_EFORMAT, RLE ": bit width %u > %d", bit_width,
				    HY_PQ_RLE_MAX_WIDTH);
	while (n < count) {
		uint64_t header = 0;
		size_t got = 0;

		if (pos >= len)
			return hy_error_set(err, HY_EFORMAT,
					    RLE ": input ends after %zu of %zu values", n, count);
		HY_TRY(hy__pq_uleb_read(src, len, &pos, &header, RLE " run header", err));
		if (header & 1)
			HY_TRY(bit_packed_run(src, len, &pos, bit_width, header >> 1, out + n,
					      count - n, &got, err));
		else
			HY_TRY(rle_run(src, len, &pos, bit_width, header >> 1, out + n, count - n,
				       &got, err));
		n += got;
	}
	if (used != NULL)
		*used = pos;
	return 0;
}

static uint32_t read_u32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int hy_pq_rle_decode_prefixed(const uint8_t *src, size_t len, unsigned bit_width, size_t count,
			      uint32_t *out, size_t *used, struct hy_error *err)
{
	uint32_t n;

	if (len < 4)
		return hy_error_set(err, HY_EFORMAT, RLE ": %zu bytes, too short for the length",
				    len);
	n = read_u32le(src);
	if (n > len - 4)
		return hy_error_set(err, HY_EFORMAT, RLE ": length %u > the %zu bytes left", n,
				    len - 4);
	HY_TRY(hy_pq_rle_decode(src + 4, n, bit_width, count, out, NULL, err));
	if (used != NULL)
		*used = 4 + (size_t)n;
	return 0;
}

int hy_pq_bit_packed_decode(const uint8_t *src, size_t len, unsigned bit_width, size_t count,
			    uint32_t *out, size_t *used, struct hy_error *err)
{
	size_t need, bit = 0;

	if (bit_width > HY_PQ_RLE_MAX_WIDTH)
		return hy_error_set(err, HY_EFORMAT, "BIT_PACKED: bit width %u > %d", bit_width,
				    HY_PQ_RLE_MAX_WIDTH);
	if (bit_width != 0 && count > (SIZE_MAX - 7) / bit_width)
		return hy_error_set(err, HY_EFORMAT, "BIT_PACKED: %zu values overflow", count);
	need = (count * bit_width + 7) / 8;
	if (need > len)
		return hy_error_set(err, HY_EFORMAT,
				    "BIT_PACKED: %zu values at width %u need %zu bytes, %zu given",
				    count, bit_width, need, len);
	/* MSB first: bit k of the stream is bit 7 - k % 8 of byte k / 8. */
	for (size_t i = 0; i < count; i++) {
		uint32_t v = 0;

		for (unsigned b = 0; b < bit_width; b++, bit++)
			v = v << 1 | ((src[bit >> 3] >> (7 - (bit & 7))) & 1);
		out[i] = v;
	}
	if (used != NULL)
		*used = need;
	return 0;
}

int hy_pq_dict_indices_decode(const uint8_t *src, size_t len, size_t count, size_t dict_size,
			      uint32_t *out, struct hy_error *err)
{
	if (count == 0)
		return 0;
	if (len == 0)
		return hy_error_set(err, HY_EFORMAT,
				    "dictionary indices: no bit width byte for %zu values", count);
	if (src[0] > HY_PQ_RLE_MAX_WIDTH)
		return hy_error_set(err, HY_EFORMAT, "dictionary indices: bit width %u > %d",
				    src[0], HY_PQ_RLE_MAX_WIDTH);
	HY_TRY(hy_pq_rle_decode(src + 1, len - 1, src[0], count, out, NULL, err));
	for (size_t i = 0; i < count; i++)
		if (out[i] >= dict_size)
			return hy_error_set(
				err, HY_EFORMAT,
				"dictionary indices: index %u of value %zu out of range "
				"(dictionary of %zu entries)",
				out[i], i, dict_size);
	return 0;
}

/* ---- encoder ---- */

static int put_bit_packed(const uint32_t *values, size_t n, unsigned width, struct hy_buf *out,
			  struct hy_error *err)
{
	size_t groups = (n + 7) / 8, bytes = groups * width;
	uint64_t acc = 0;
	unsigned bits = 0;
	uint8_t *o;

	HY_TRY(hy__pq_uleb_write(out, (uint64_t)groups << 1 | 1, err));
	HY_TRY(hy_buf_reserve(out, bytes, err));
	o = out->data + out->len;
	/* LSB-first into a bit accumulator, a 32-bit word out whenever one is
	 * full (width <= 32, so acc never holds more than 63 bits); the last
	 * group is padded with zero values */
	for (size_t i = 0; i < groups * 8; i++) {
		acc |= (uint64_t)(i < n ? values[i] : 0) << bits;
		bits += width;
		if (bits >= 32) {
			o[0] = (uint8_t)acc;
			o[1] = (uint8_t)(acc >> 8);
			o[2] = (uint8_t)(acc >> 16);
			o[3] = (uint8_t)(acc >> 24);
			o += 4;
			acc >>= 32;
			bits -= 32;
		}
	}
	for (; bits > 0; bits = bits > 8 ? bits - 8 : 0) {
		*o++ = (uint8_t)acc;
		acc >>= 8;
	}
	out->len += bytes;
	out->data[out->len] = 0;
	return 0;
}

static int put_rle(uint32_t v, size_t run, unsigned width, struct hy_buf *out, struct hy_error *err)
{
	uint8_t bytes[4];
	size_t vbytes = (width + 7) / 8;

	for (size_t i = 0; i < vbytes; i++)
		bytes[i] = (uint8_t)(v >> (8 * i));
	HY_TRY(hy__pq_uleb_write(out, (uint64_t)run << 1, err));
	return hy_buf_append(out, bytes, vbytes, err);
}

static int rle_encode(const uint32_t *values, size_t count, unsigned width, struct hy_buf *out,
		      struct hy_error *err)
{
	size_t i = 0, lit = 0; /* literals pending: values[lit .. i) */

	while (i < count) {
		size_t run = 1, pad;

		while (i + run < count && values[i + run] == values[i])
			run++;
		/* A bit-packed run must hold whole groups unless it ends the
		 * stream, so top the literals up to a multiple of 8 first. */
		pad = (8 - (i - lit) % 8) % 8;
		if (run >= pad + 8) {
			i += pad;
			run -= pad;
			if (i > lit)
				HY_TRY(put_bit_packed(values + lit, i - lit, width, out, err));
			HY_TRY(put_rle(values[i], run, width, out, err));
			i += run;
			lit = i;
		} else {
			i += run;
		}
	}
	if (i > lit)
		HY_TRY(put_bit_packed(values + lit, i - lit, width, out, err));
	return 0;
}

static int check_widths(const uint32_t *values, size_t count, unsigned width, const char *what,
			struct hy_error *err)
{
	if (width > HY_PQ_RLE_MAX_WIDTH)
		return hy_error_set(err, HY_EINVAL, "%s: bit width %u > %d", what, width,
				    HY_PQ_RLE_MAX_WIDTH);
	if (width == 32)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (values[i] >> width != 0)
			return hy_error_set(err, HY_EINVAL, "%s: value %u wider than %u bits", what,
					    values[i], width);
	return 0;
}

int hy_pq_rle_encode(const uint32_t *values, size_t count, unsigned bit_width, struct hy_buf *out,
		     struct hy_error *err)
{
	size_t start = out->len;
	int rc;

	HY_TRY(check_widths(values, count, bit_width, RLE " encoder", err));
	rc = rle_encode(values, count, bit_width, out, err);
	if (rc != 0)
		hy__pq_buf_truncate(out, start);
	return rc;
}

int hy_pq_rle_encode_prefixed(const uint32_t *values, size_t count, unsigned bit_width,
			      struct hy_buf *out, struct hy_error *err)
{
	static const uint8_t zero[4];
	size_t start = out->len, n;
	int rc;

	HY_TRY(check_widths(values, count, bit_width, RLE " encoder", err));
	rc = hy_buf_append(out, zero, 4, err);
	if (rc == 0)
		rc = rle_encode(values, count, bit_width, out, err);
	if (rc == 0 && (n = out->len - start - 4) > UINT32_MAX)
		rc = hy_error_set(err, HY_ELIMIT, RLE " encoder: %zu bytes overflow the length", n);
	if (rc != 0) {
		hy__pq_buf_truncate(out, start);
		return rc;
	}
	for (int i = 0; i < 4; i++)
		out->data[start + (size_t)i] = (uint8_t)(n >> (8 * i));
	return 0;
}

int hy_pq_dict_indices_encode(const uint32_t *indices, size_t count, size_t dict_size,
			      struct hy_buf *out, struct hy_error *err)
{
	unsigned width = dict_size == 0 ? 0 : hy_pq_bit_width(dict_size - 1);
	size_t start = out->len;
	int rc;

	for (size_t i = 0; i < count; i++)
		if (indices[i] >= dict_size)
			return hy_error_set(err, HY_EINVAL,
					    "dictionary encoder: index %u >= dictionary size %zu",
					    indices[i], dict_size);
	if (width > HY_PQ_RLE_MAX_WIDTH)
		return hy_error_set(err, HY_EINVAL, "dictionary encoder: %zu entries", dict_size);
	rc = hy_buf_append_byte(out, (uint8_t)width, err);
	if (rc == 0)
		rc = rle_encode(indices, count, width, out, err);
	if (rc != 0)
		hy__pq_buf_truncate(out, start);
	return rc;
}
