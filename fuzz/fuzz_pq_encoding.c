/* Fuzz target: the parquet value and level decoders.
 *
 * Input layout: byte 0 picks the decoder, byte 1 a parameter (bit width,
 * value width, dictionary size), bytes 2-3 the value count (u16 LE); the rest
 * is the encoded input. A successful decode is re-encoded where an encoder
 * exists and decoded again, which must give the same values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hygge/buffer.h"
#include "pq_encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	D_RLE,
	D_RLE_PREFIXED,
	D_BIT_PACKED,
	D_DICT,
	D_BOOL,
	D_FIXED,
	D_BYTE_ARRAY,
	D_DBP32,
	D_DBP64,
	D_DLBA,
	D_DBA,
	D_BSS,
	D_COUNT
};

#define FUZZ_BUF_MAX ((size_t)1 << 24)

static void check(int ok)
{
	if (!ok)
		abort();
}

static void rle_again(const uint32_t *v, size_t n, unsigned width)
{
	struct hy_error err = {0};
	struct hy_buf b;
	uint32_t *again = malloc((n + 1) * sizeof(*again));
	size_t used = 0;

	hy_buf_init(&b, FUZZ_BUF_MAX);
	check(again != NULL);
	check(hy_pq_rle_encode(v, n, width, &b, &err) == 0);
	check(hy_pq_rle_decode(b.data, b.len, width, n, again, &used, &err) == 0);
	check(used == b.len);
	check(n == 0 || memcmp(again, v, n * sizeof(*v)) == 0);
	free(again);
	hy_buf_reset(&b);
}

static void dbp_again(const void *v, size_t n, int wide)
{
	struct hy_error err = {0};
	struct hy_buf b;
	size_t w = wide ? 8 : 4, used = 0;
	void *again = malloc((n + 1) * w);

	hy_buf_init(&b, FUZZ_BUF_MAX);
	check(again != NULL);
	if (wide) {
		check(hy_pq_delta_encode_int64(v, n, &b, &err) == 0);
		check(hy_pq_delta_decode_int64(b.data, b.len, n, again, &used, &err) == 0);
	} else {
		check(hy_pq_delta_encode_int32(v, n, &b, &err) == 0);
		check(hy_pq_delta_decode_int32(b.data, b.len, n, again, &used, &err) == 0);
	}
	check(used == b.len);
	check(n == 0 || memcmp(again, v, n * w) == 0);
	free(again);
	hy_buf_reset(&b);
}

static void bytes_again(const int32_t *offsets, const struct hy_buf *data, size_t n)
{
	struct hy_error err = {0};
	struct hy_buf b, d2;
	int32_t *o2 = malloc((n + 1) * sizeof(*o2));

	hy_buf_init(&b, FUZZ_BUF_MAX);
	hy_buf_init(&d2, FUZZ_BUF_MAX);
	check(o2 != NULL);
	check(hy_pq_plain_encode_byte_array(offsets, data->data, n, &b, &err) == 0);
	check(hy_pq_plain_decode_byte_array(b.data, b.len, n, o2, &d2, NULL, &err) == 0);
	check(d2.len == data->len - (size_t)offsets[0]);
	check(d2.len == 0 || memcmp(d2.data, data->data + offsets[0], d2.len) == 0);
	free(o2);
	hy_buf_reset(&b);
	hy_buf_reset(&d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_error err = {0};
	struct hy_buf bytes;
	const uint8_t *src = data + 4;
	size_t len, count, used = 0;
	unsigned param;
	uint8_t *out;
	int32_t *offsets, *scratch;
	int rc = 0;

	if (size < 4)
		return 0;
	param = data[1];
	count = (size_t)data[2] | (size_t)data[3] << 8;
	len = size - 4;
	/* Outputs are at most 8 bytes a value, or `param` (FLBA, BSS). */
	out = malloc((count + 1) * (param + 8));
	offsets = malloc((count + 1) * sizeof(*offsets));
	scratch = malloc((count + 1) * sizeof(*scratch));
	if (out == NULL || offsets == NULL || scratch == NULL)
		goto out;
	hy_buf_init(&bytes, FUZZ_BUF_MAX);
	switch (data[0] % D_COUNT) {
	case D_RLE:
		rc = hy_pq_rle_decode(src, len, param % 34, count, (uint32_t *)out, &used, &err);
		if (rc == 0)
			rle_again((uint32_t *)out, count, param % 34);
		break;
	case D_RLE_PREFIXED:
		rc = hy_pq_rle_decode_prefixed(src, len, param % 34, count, (uint32_t *)out, &used,
					       &err);
		break;
	case D_BIT_PACKED:
		rc = hy_pq_bit_packed_decode(src, len, param % 34, count, (uint32_t *)out, &used,
					     &err);
		break;
	case D_DICT:
		rc = hy_pq_dict_indices_decode(src, len, count, param, (uint32_t *)out, &err);
		break;
	case D_BOOL: rc = hy_pq_plain_decode_bool(src, len, count, out, &used, &err); break;
	case D_FIXED:
		rc = hy_pq_plain_decode_fixed(src, len, count, param, out, &used, &err);
		break;
	case D_BYTE_ARRAY:
		rc = hy_pq_plain_decode_byte_array(src, len, count, offsets, &bytes, &used, &err);
		if (rc == 0)
			bytes_again(offsets, &bytes, count);
		break;
	case D_DBP32:
		rc = hy_pq_delta_decode_int32(src, len, count, (int32_t *)out, &used, &err);
		if (rc == 0)
			dbp_again(out, count, 0);
		break;
	case D_DBP64:
		rc = hy_pq_delta_decode_int64(src, len, count, (int64_t *)out, &used, &err);
		if (rc == 0)
			dbp_again(out, count, 1);
		break;
	case D_DLBA:
		rc = hy_pq_delta_length_decode(src, len, count, offsets, &bytes, &used, &err);
		break;
	case D_DBA:
		rc = hy_pq_delta_byte_array_decode(src, len, count, param % 4 == 0 ? 0 : param,
						   offsets, scratch, &bytes, &used, &err);
		break;
	default: rc = hy_pq_bss_decode(src, len, count, param, out, &err); break;
	}
	/* Decoders report what they consumed, never more than they were given,
	 * and fail with a message. */
	check(used <= len);
	check(rc == 0 ? err.code == 0 : err.code == rc && err.msg[0] != 0);
	hy_buf_reset(&bytes);
out:
	free(out);
	free(offsets);
	free(scratch);
	return 0;
}
