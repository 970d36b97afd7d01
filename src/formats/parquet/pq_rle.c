/* The RLE / bit-packing hybrid (levels, dictionary indices, RLE booleans)
 * and the legacy MSB-first BIT_PACKED level encoding (checklist §6.2, §6.3).
 *
 *   encoded := run*;  run := header:ULEB128 body
 *   header & 1 == 1: (header >> 1) groups of 8 values, bit_width bytes each,
 *                    packed LSB-first
 *   header & 1 == 0: (header >> 1) copies of one value stored in
 *                    ceil(bit_width / 8) little-endian bytes
 *
 * The decoder never reads past its buffer: a run that claims more bytes than
 * are left fails when a value beyond the end is asked for (a short final
 * bit-packed run is tolerated as long as the wanted values are present). */
#include <string.h>

#include "pq_int.h"

void hy__pq_rle_init(struct hy__pq_rle *r, const uint8_t *buf, size_t len, int bit_width)
{
	memset(r, 0, sizeof(*r));
	r->p = buf;
	r->end = buf + len;
	r->bit_width = bit_width;
}

static int read_header(struct hy__pq_rle *r, uint64_t *out, struct hy_error *err)
{
	uint64_t v = 0;

	for (int i = 0; i < 5; i++) {
		uint8_t b;

		if (r->p >= r->end)
			return HY__PQ_FAIL(err, HY_EFORMAT, "RLE run header runs past the end");
		b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if ((b & 0x80) == 0) {
			*out = v;
			return 0;
		}
	}
	return HY__PQ_FAIL(err, HY_EFORMAT, "RLE run header longer than 5 bytes");
}

static int next_run(struct hy__pq_rle *r, struct hy_error *err)
{
	uint64_t header = 0;
	size_t left, bytes;

	HY_TRY(read_header(r, &header, err));
	if ((header >> 1) == 0 || (header >> 1) > INT32_MAX)
		return HY__PQ_FAIL(err, HY_EFORMAT, "RLE run of length %llu",
				   (unsigned long long)(header >> 1));
	left = (size_t)(r->end - r->p);
	if (header & 1) {
		r->packed = true;
		r->run_left = (header >> 1) * 8;
		r->run_data = r->p;
		r->run_bits = 0;
		bytes = (size_t)(header >> 1) * (size_t)r->bit_width;
		/* a short last run: the values present can still be read */
		r->run_avail = bytes < left ? bytes : left;
		r->p += r->run_avail;
		return 0;
	}
	r->packed = false;
	r->run_left = header >> 1;
	bytes = ((size_t)r->bit_width + 7) / 8;
	if (bytes > left)
		return HY__PQ_FAIL(err, HY_EFORMAT, "RLE run value runs past the end");
	r->value = 0;
	for (size_t i = 0; i < bytes; i++)
		r->value |= (uint32_t)r->p[i] << (8 * i);
	r->p += bytes;
	if (r->bit_width < 32 && (r->value >> r->bit_width) != 0)
		return HY__PQ_FAIL(err, HY_EFORMAT, "RLE run value %u wider than %d bits", r->value,
				   r->bit_width);
	return 0;
}

/* Value at the current bit of a bit-packed run, LSB-first. */
static int unpack_one(struct hy__pq_rle *r, uint32_t *out, struct hy_error *err)
{
	uint64_t bit = r->run_bits, window = 0;
	size_t byte = (size_t)(bit >> 3);
	unsigned shift = (unsigned)(bit & 7);
	size_t need = (shift + (unsigned)r->bit_width + 7) / 8;

	if (byte + need > r->run_avail)
		return HY__PQ_FAIL(err, HY_EFORMAT, "bit-packed run runs past the end");
	for (size_t k = 0; k < need; k++)
		window |= (uint64_t)r->run_data[byte + k] << (8 * k);
	window >>= shift;
	*out = r->bit_width == 32 ? (uint32_t)window
				  : (uint32_t)(window & (((uint64_t)1 << r->bit_width) - 1));
	r->run_bits += (uint64_t)r->bit_width;
	return 0;
}

int hy__pq_rle_get(struct hy__pq_rle *r, uint32_t *out, size_t n, struct hy_error *err)
{
	if (r->bit_width < 0 || r->bit_width > 32)
		return HY__PQ_FAIL(err, HY_EFORMAT, "RLE bit width %d (at most 32)", r->bit_width);
	for (size_t i = 0; i < n;) {
		size_t take;

		if (r->run_left == 0) {
			if (r->p >= r->end)
				return HY__PQ_FAIL(err, HY_EFORMAT,
						   "RLE data holds %zu of the %zu values wanted", i,
						   n);
			HY_TRY(next_run(r, err));
		}
		take = n - i < r->run_left ? n - i : (size_t)r->run_left;
		if (r->packed) {
			for (size_t k = 0; k < take; k++)
				HY_TRY(unpack_one(r, &out[i + k], err));
		} else {
			for (size_t k = 0; k < take; k++)
				out[i + k] = r->value;
		}
		r->run_left -= take;
		i += take;
	}
	return 0;
}

int hy__pq_bit_packed_msb(const uint8_t *buf, size_t len, int bit_width, uint32_t *out, size_t n,
			  struct hy_error *err)
{
	uint64_t bits;

	if (bit_width < 0 || bit_width > 32)
		return HY__PQ_FAIL(err, HY_EFORMAT, "BIT_PACKED bit width %d", bit_width);
	bits = (uint64_t)n * (uint64_t)bit_width;
	if ((bits + 7) / 8 > len)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "BIT_PACKED levels need %llu bytes, the page holds %zu",
				   (unsigned long long)((bits + 7) / 8), len);
	for (size_t i = 0; i < n; i++) {
		uint32_t v = 0;
		uint64_t at = (uint64_t)i * (uint64_t)bit_width;

		for (int b = 0; b < bit_width; b++, at++)
			v = v << 1 | ((buf[at >> 3] >> (7 - (at & 7))) & 1);
		out[i] = v;
	}
	return 0;
}

int hy__pq_bit_width(uint32_t max_value)
{
	int w = 0;

	while (max_value != 0) {
		w++;
		max_value >>= 1;
	}
	return w;
}

int hy__pq_dict_indices(const uint8_t *buf, size_t len, uint32_t *out, size_t n, uint32_t dict_size,
			struct hy_error *err)
{
	struct hy__pq_rle r;

	if (n == 0)
		return 0;
	if (len < 1)
		return HY__PQ_FAIL(err, HY_EFORMAT, "dictionary indices without their bit width");
	/* width 0 is legal: every index is 0 (bad_data/ARROW-GH-43605) */
	hy__pq_rle_init(&r, buf + 1, len - 1, buf[0]);
	HY_TRY(hy__pq_rle_get(&r, out, n, err));
	for (size_t i = 0; i < n; i++)
		if (out[i] >= dict_size)
			return HY__PQ_FAIL(err, HY_EFORMAT,
					   "dictionary index %u past the %u dictionary entries",
					   out[i], dict_size);
	return 0;
}
