/* Fuzz target: the parquet page decompressors, and compress/decompress
 * round trips of the writer codecs.
 *
 * Input layout: byte 0 picks the codec (0..8, 8 being unknown), bytes 1-3 the
 * claimed uncompressed size (u24 LE); the rest is the compressed page. The
 * output buffer has exactly the claimed size, so ASan catches any write past
 * it. The same bytes are then compressed with the codec (when the writer
 * supports it) and must decompress to themselves. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hygge/buffer.h"
#include "pq_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(int codec, const uint8_t *src, size_t len)
{
	struct hy_error err = {0};
	struct hy_buf z;
	uint8_t *back = malloc(len + 1);

	if (back == NULL)
		return;
	hy_buf_init(&z, (size_t)1 << 24);
	if (hy_pq_compress(codec, 1, src, len, &z, &err) == 0) {
		if (hy_pq_decompress(codec, z.data, z.len, back, len, &err) != 0 ||
		    (len > 0 && memcmp(back, src, len) != 0))
			abort();
	} else if (codec != HY_PQ_CODEC_LZ4 && codec != HY_PQ_CODEC_LZO && codec <= 7) {
		abort();
	}
	hy_buf_reset(&z);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_error err = {0};
	uint8_t *dst;
	size_t dst_len;
	int codec, rc;

	if (size < 4)
		return 0;
	codec = data[0] % 9;
	dst_len = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16;
	dst = malloc(dst_len == 0 ? 1 : dst_len);
	if (dst == NULL)
		return 0;
	rc = hy_pq_decompress(codec, data + 4, size - 4, dst_len == 0 ? NULL : dst, dst_len, &err);
	if (rc == 0 ? err.code != 0 : err.code != rc || err.msg[0] == 0)
		abort();
	free(dst);
	round_trip(codec, data + 4, size - 4);
	return 0;
}
