/* Parquet page compression codecs (parquet.md section 7).
 *
 * Only page bodies are compressed; the page header gives the exact
 * uncompressed size, so decompression writes into a caller-allocated buffer of
 * that size and any other produced size is an error. Codec numbers are the
 * CompressionCodec enum of the format (parquet.md section 3.7). */
#ifndef HY_PQ_CODEC_H
#define HY_PQ_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "hygge/buffer.h"
#include "hygge/parquet.h" /* enum hy_pq_codec, hy_pq_codec_name() */
#include "hygge/status.h"

/* Largest uncompressed page hy_pq_decompress() accepts (parquet.md section 7:
 * "more than 1 GiB per page" is implausible). Callers check the page header
 * against it before allocating `dst`; the decompressor checks again. */
#define HY_PQ_CODEC_MAX_PAGE ((size_t)1 << 30)

/* Decompresses `src_len` bytes into exactly `dst_len` bytes at `dst` (the
 * page's uncompressed size). Never writes past dst + dst_len. A produced
 * size other than dst_len is HY_EFORMAT naming the codec and both sizes; a
 * corrupt stream HY_EFORMAT; LZO and unknown codecs HY_EUNSUPPORTED;
 * dst_len > HY_PQ_CODEC_MAX_PAGE HY_ELIMIT. src_len == 0 with dst_len == 0
 * succeeds for every supported codec without calling the library (an empty v2
 * values section must not reach snappy, parquet.md section 5.2).
 * GZIP accepts gzip or zlib streams and several concatenated members. LZ4 (5)
 * tries Hadoop framing first and falls back to one raw LZ4 block. */
int hy_pq_decompress(int codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
		     struct hy_error *err) HY_WUR;

/* Appends the compressed form of src[0..len) to `out` (which caps the
 * growth, HY_ELIMIT past its max). Writer codecs: UNCOMPRESSED, SNAPPY, GZIP
 * (one gzip member), ZSTD, LZ4_RAW, BROTLI; LZ4 (5), LZO and unknown numbers
 * are HY_EUNSUPPORTED. `level` 0 means the codec's default (ZSTD 3, GZIP 6,
 * BROTLI 8 as in Arrow); otherwise ZSTD 1..22 (negative: fast modes), GZIP
 * 1..9, BROTLI 1..11, and it is ignored by SNAPPY, LZ4_RAW and UNCOMPRESSED.
 * An out-of-range level is HY_EINVAL. On failure out->len is unchanged. */
int hy_pq_compress(int codec, int level, const uint8_t *src, size_t len, struct hy_buf *out,
		   struct hy_error *err) HY_WUR;

#endif /* HY_PQ_CODEC_H */
