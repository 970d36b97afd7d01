/* Page decompression: UNCOMPRESSED, SNAPPY, GZIP (multi-member), ZSTD,
 * LZ4_RAW and LZ4 (Hadoop framing, raw block fallback).
 *
 * The output size is always known from the page header, so every codec
 * decompresses into a caller-sized buffer and must fill it exactly: a stream
 * that would produce more or fewer bytes is corrupt. Nothing here allocates
 * from a size read in the compressed stream. */
#include <string.h>

#include <lz4.h>
#include <snappy-c.h>
#define ZLIB_CONST
#include <zlib.h>
#include <zstd.h>

#include "pq_int.h"

static int size_mismatch(struct hy_error *err, int codec, size_t got, size_t want)
{
	return HY__PQ_FAIL(err, HY_EFORMAT,
			   "%s page decompresses to %zu bytes, the header says %zu",
			   hy_pq_codec_name(codec), got, want);
}

static int snappy_page(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_len,
		       struct hy_error *err)
{
	size_t n = 0;

	if (snappy_uncompressed_length((const char *)src, len, &n) != SNAPPY_OK)
		return HY__PQ_FAIL(err, HY_EFORMAT, "SNAPPY page: corrupt stream header");
	if (n != dst_len)
		return size_mismatch(err, HY_PQ_CODEC_SNAPPY, n, dst_len);
	if (snappy_uncompress((const char *)src, len, (char *)dst, &n) != SNAPPY_OK || n != dst_len)
		return HY__PQ_FAIL(err, HY_EFORMAT, "SNAPPY page: corrupt stream");
	return 0;
}

/* gzip (or zlib) members back to back until the output is full. */
static int gzip_page(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_len,
		     struct hy_error *err)
{
	z_stream zs;
	int zrc, rc = 0;

	if (len > UINT_MAX || dst_len > UINT_MAX)
		return HY__PQ_FAIL(err, HY_ELIMIT, "GZIP page larger than 4 GiB");
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK) /* 32: detect gzip or zlib headers */
		return HY__PQ_FAIL(err, HY_ENOMEM, "GZIP page: out of memory");
	zs.next_in = src;
	zs.avail_in = (uInt)len;
	zs.next_out = dst;
	zs.avail_out = (uInt)dst_len;
	for (;;) {
		zrc = inflate(&zs, Z_FINISH);
		if (zrc == Z_STREAM_END) {
			/* another member may follow (concatenated_gzip_members.parquet) */
			if (zs.avail_in == 0 || zs.avail_out == 0)
				break;
			if (inflateReset(&zs) != Z_OK) {
				rc = HY__PQ_FAIL(err, HY_EFORMAT, "GZIP page: corrupt stream");
				goto out;
			}
			continue;
		}
		if (zrc == Z_BUF_ERROR && zs.avail_out == 0)
			rc = HY__PQ_FAIL(err, HY_EFORMAT,
					 "GZIP page decompresses to more than the %zu bytes the "
					 "header says",
					 dst_len);
		else if (zrc == Z_MEM_ERROR)
			rc = HY__PQ_FAIL(err, HY_ENOMEM, "GZIP page: out of memory");
		else
			rc = HY__PQ_FAIL(err, HY_EFORMAT, "GZIP page: %s",
					 zrc == Z_BUF_ERROR ? "truncated stream"
					 : zs.msg != NULL   ? zs.msg
							    : "corrupt stream");
		goto out;
	}
	if (zs.avail_out != 0)
		rc = size_mismatch(err, HY_PQ_CODEC_GZIP, dst_len - zs.avail_out, dst_len);
out:
	inflateEnd(&zs);
	return rc;
}

static int zstd_page(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_len,
		     struct hy_error *err)
{
	size_t n = ZSTD_decompress(dst, dst_len, src, len);

	if (ZSTD_isError(n))
		return HY__PQ_FAIL(err, HY_EFORMAT, "ZSTD page: %s", ZSTD_getErrorName(n));
	if (n != dst_len)
		return size_mismatch(err, HY_PQ_CODEC_ZSTD, n, dst_len);
	return 0;
}

static int lz4_raw_page(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_len,
			struct hy_error *err)
{
	int n;

	if (len > INT32_MAX || dst_len > INT32_MAX)
		return HY__PQ_FAIL(err, HY_ELIMIT, "LZ4 page larger than 2 GiB");
	n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)len, (int)dst_len);
	if (n < 0)
		return HY__PQ_FAIL(err, HY_EFORMAT, "LZ4 page: corrupt block");
	if ((size_t)n != dst_len)
		return size_mismatch(err, HY_PQ_CODEC_LZ4_RAW, (size_t)n, dst_len);
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's framing: blocks of [u32 BE raw size][u32 BE compressed size]
 * [LZ4 block], each raw block possibly split in several compressed ones.
 * Returns false (without an error) when the bytes are not such frames. */
static bool hadoop_lz4(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_len)
{
	size_t in = 0, out = 0;

	while (in < len) {
		uint32_t raw, done = 0;

		if (len - in < 8)
			return false;
		raw = be32(src + in);
		in += 4;
		if (raw > dst_len - out)
			return false;
		while (done < raw) {
			uint32_t clen;
			int n;

			if (len - in < 4)
				return false;
			clen = be32(src + in);
			in += 4;
			if (clen > len - in || clen > INT32_MAX)
				return false;
			n = LZ4_decompress_safe((const char *)src + in, (char *)dst + out + done,
						(int)clen, (int)(raw - done));
			if (n <= 0)
				return false;
			done += (uint32_t)n;
			in += clen;
		}
		out += raw;
	}
	return out == dst_len;
}

int hy__pq_decompress(int codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
		      struct hy_error *err)
{
	/* An empty section is never handed to a codec: 0 bytes is not a valid
	 * SNAPPY stream (datapage_v2_empty_datapage.snappy.parquet). */
	if (src_len == 0) {
		if (dst_len == 0)
			return 0;
		return size_mismatch(err, codec, 0, dst_len);
	}
	switch (codec) {
	case HY_PQ_CODEC_UNCOMPRESSED:
		if (src_len != dst_len)
			return size_mismatch(err, codec, src_len, dst_len);
		memcpy(dst, src, src_len);
		return 0;
	case HY_PQ_CODEC_SNAPPY: return snappy_page(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_GZIP: return gzip_page(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_ZSTD: return zstd_page(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_LZ4_RAW: return lz4_raw_page(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_LZ4:
		/* Hadoop framing first, then a bare block (non_hadoop_lz4_compressed). */
		if (hadoop_lz4(src, src_len, dst, dst_len))
			return 0;
		return lz4_raw_page(src, src_len, dst, dst_len, err);
	}
	return HY__PQ_FAIL(err, HY_EUNSUPPORTED, "unsupported compression codec %s (%d)",
			   hy_pq_codec_name(codec), codec);
}
