/* Page compression codecs over Debian's libraries (parquet.md section 7).
 *
 * Every decompressor writes into the caller's buffer of the page's exact
 * uncompressed size through a bounded API, so a hostile stream can neither
 * write past it nor make us allocate more than the library's own state. zlib
 * and brotli allocate through hy_malloc so failure injection reaches them. */
#include "pq_codec.h"

#include <limits.h>
#include <string.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "hygge/alloc.h"

static int size_mismatch(int codec, size_t produced, size_t want, struct hy_error *err)
{
	return hy_error_set(err, HY_EFORMAT,
			    "%s: page decompressed to %zu bytes, the header says %zu",
			    hy_pq_codec_name(codec), produced, want);
}

static int too_large(int codec, size_t want, struct hy_error *err)
{
	return hy_error_set(err, HY_EFORMAT,
			    "%s: page decompresses to more than the %zu bytes the header says",
			    hy_pq_codec_name(codec), want);
}

/* ---- allocators handed to zlib and brotli ---- */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return hy_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf ptr)
{
	(void)opaque;
	hy_free(ptr);
}

static void *brotli_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return hy_malloc(size);
}

static void brotli_free(void *opaque, void *ptr)
{
	(void)opaque;
	hy_free(ptr);
}

/* ---- decompressors ---- */

static int snappy_decode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
			 struct hy_error *err)
{
	size_t n;

	if (snappy_uncompressed_length((const char *)src, src_len, &n) != SNAPPY_OK)
		return hy_error_set(err, HY_EFORMAT, "SNAPPY: corrupt length header");
	if (n != dst_len)
		return size_mismatch(HY_PQ_CODEC_SNAPPY, n, dst_len, err);
	if (snappy_uncompress((const char *)src, src_len, (char *)dst, &n) != SNAPPY_OK)
		return hy_error_set(err, HY_EFORMAT, "SNAPPY: corrupt compressed data");
	return n == dst_len ? 0 : size_mismatch(HY_PQ_CODEC_SNAPPY, n, dst_len, err);
}

/* Inflates gzip or zlib members (windowBits 15 + 32 detects either) one
 * after the other until the input is consumed: some writers concatenate
 * gzip members in one page (concatenated_gzip_members.parquet). */
static int gzip_decode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
		       struct hy_error *err)
{
	z_stream zs;
	int ret, rc = 0;

	if (src_len > UINT_MAX)
		return hy_error_set(err, HY_ELIMIT, "GZIP: %zu compressed bytes", src_len);
	memset(&zs, 0, sizeof(zs));
	zs.zalloc = z_alloc;
	zs.zfree = z_free;
	ret = inflateInit2(&zs, 15 + 32);
	if (ret != Z_OK)
		return hy_error_set(err, ret == Z_MEM_ERROR ? HY_ENOMEM : HY_EFORMAT,
				    "GZIP: inflateInit2 failed (%d)", ret);
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)src_len;
	zs.next_out = dst;
	zs.avail_out = (uInt)dst_len;
	for (;;) {
		ret = inflate(&zs, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			if (zs.avail_in == 0)
				break;
			ret = inflateReset(&zs);
			if (ret != Z_OK) {
				rc = hy_error_set(err, HY_EFORMAT, "GZIP: inflateReset failed");
				goto out;
			}
		} else if (ret == Z_BUF_ERROR) {
			rc = zs.avail_out == 0 ? too_large(HY_PQ_CODEC_GZIP, dst_len, err)
					       : hy_error_set(err, HY_EFORMAT,
							      "GZIP: stream truncated after %zu "
							      "bytes of output",
							      dst_len - zs.avail_out);
			goto out;
		} else if (ret == Z_MEM_ERROR) {
			rc = hy_error_set(err, HY_ENOMEM, "GZIP: out of memory inflating");
			goto out;
		} else if (ret != Z_OK) {
			rc = hy_error_set(err, HY_EFORMAT, "GZIP: corrupt stream (%s)",
					  zs.msg != NULL ? zs.msg : "no detail");
			goto out;
		}
	}
	if (zs.avail_out != 0)
		rc = size_mismatch(HY_PQ_CODEC_GZIP, dst_len - zs.avail_out, dst_len, err);
out:
	inflateEnd(&zs);
	return rc;
}

static int zstd_decode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
		       struct hy_error *err)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	size_t n;

	if (dctx == NULL)
		return hy_error_set(err, HY_ENOMEM, "ZSTD: out of memory for a context");
	/* Several frames in a row are decoded one after the other; the content
	 * size may be absent from the frame header, so dst_len bounds it. */
	n = ZSTD_decompressDCtx(dctx, dst, dst_len, src, src_len);
	ZSTD_freeDCtx(dctx);
	if (ZSTD_isError(n)) {
		if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall)
			return too_large(HY_PQ_CODEC_ZSTD, dst_len, err);
		if (ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation)
			return hy_error_set(err, HY_ENOMEM, "ZSTD: out of memory");
		return hy_error_set(err, HY_EFORMAT, "ZSTD: %s", ZSTD_getErrorName(n));
	}
	return n == dst_len ? 0 : size_mismatch(HY_PQ_CODEC_ZSTD, n, dst_len, err);
}

static int lz4_raw_decode(int codec, const uint8_t *src, size_t src_len, uint8_t *dst,
			  size_t dst_len, struct hy_error *err)
{
	int n;

	if (src_len > INT_MAX)
		return hy_error_set(err, HY_ELIMIT, "%s: %zu compressed bytes",
				    hy_pq_codec_name(codec), src_len);
	n = LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)dst_len);
	if (n < 0)
		return hy_error_set(
			err, HY_EFORMAT,
			"%s: corrupt block, or one decompressing to more than %zu bytes",
			hy_pq_codec_name(codec), dst_len);
	return (size_t)n == dst_len ? 0 : size_mismatch(codec, (size_t)n, dst_len, err);
}

static uint32_t read_u32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's framing: [u32 BE uncompressed size] then one or more
 * [u32 BE compressed size][LZ4 block] until that many bytes came out (Hadoop's
 * BlockCompressorStream splits a large raw block in several), the whole
 * repeated. True only when the frames account for every input and every
 * output byte exactly (Arrow's TryDecompressHadoop rule). */
static int lz4_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
	size_t in = 0, out = 0;

	if (src_len < 8)
		return 0;
	while (in < src_len) {
		uint32_t raw, done = 0;

		if (src_len - in < 8)
			return 0;
		raw = read_u32be(src + in);
		in += 4;
		if (raw > dst_len - out || raw > INT_MAX)
			return 0;
		while (done < raw) {
			uint32_t clen;
			int n;

			if (src_len - in < 4)
				return 0;
			clen = read_u32be(src + in);
			in += 4;
			if (clen > src_len - in || clen > INT_MAX)
				return 0;
			n = LZ4_decompress_safe((const char *)src + in, (char *)dst + out + done,
						(int)clen, (int)(raw - done));
			if (n <= 0)
				return 0;
			done += (uint32_t)n;
			in += clen;
		}
		out += raw;
	}
	return out == dst_len;
}

static int brotli_decode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
			 struct hy_error *err)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(brotli_alloc, brotli_free, NULL);
	BrotliDecoderResult r;
	const uint8_t *next_in = src;
	uint8_t spare, *next_out = dst_len > 0 ? dst : &spare;
	size_t avail_in = src_len, avail_out = dst_len;
	int rc = 0;

	if (s == NULL)
		return hy_error_set(err, HY_ENOMEM, "BROTLI: out of memory for a decoder");
	r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
	if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
		rc = too_large(HY_PQ_CODEC_BROTLI, dst_len, err);
	} else if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
		rc = hy_error_set(err, HY_EFORMAT, "BROTLI: stream truncated");
	} else if (r == BROTLI_DECODER_RESULT_ERROR) {
		BrotliDecoderErrorCode code = BrotliDecoderGetErrorCode(s);

		/* The ALLOC_* codes, -21 to -30, are allocation failures. */
		rc = hy_error_set(err, code <= -21 && code >= -30 ? HY_ENOMEM : HY_EFORMAT,
				  "BROTLI: %s", BrotliDecoderErrorString(code));
	} else if (avail_in != 0) {
		rc = hy_error_set(err, HY_EFORMAT, "BROTLI: %zu bytes after the end of the stream",
				  avail_in);
	} else if (avail_out != 0) {
		rc = size_mismatch(HY_PQ_CODEC_BROTLI, dst_len - avail_out, dst_len, err);
	}
	BrotliDecoderDestroyInstance(s);
	return rc;
}

int hy_pq_decompress(int codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
		     struct hy_error *err)
{
	uint8_t spare;

	if (codec == HY_PQ_CODEC_LZO)
		return hy_error_set(err, HY_EUNSUPPORTED,
				    "compression codec LZO (3) is not supported");
	if (codec < 0 || codec > HY_PQ_CODEC_LZ4_RAW)
		return hy_error_set(err, HY_EUNSUPPORTED, "unknown compression codec %d", codec);
	if (dst_len > HY_PQ_CODEC_MAX_PAGE)
		return hy_error_set(err, HY_ELIMIT,
				    "%s: uncompressed page of %zu bytes > the cap of %zu",
				    hy_pq_codec_name(codec), dst_len, HY_PQ_CODEC_MAX_PAGE);
	/* Libraries such as zlib refuse a NULL output even for 0 bytes. */
	if (dst == NULL) {
		if (dst_len != 0)
			return hy_error_set(err, HY_EINVAL, "%s: no output buffer for %zu bytes",
					    hy_pq_codec_name(codec), dst_len);
		dst = &spare;
	}
	/* An empty section is never handed to a library: snappy rejects it. */
	if (src_len == 0) {
		if (dst_len == 0)
			return 0;
		return hy_error_set(err, HY_EFORMAT,
				    "%s: 0 compressed bytes for a page of %zu bytes",
				    hy_pq_codec_name(codec), dst_len);
	}
	switch (codec) {
	case HY_PQ_CODEC_UNCOMPRESSED:
		if (src_len != dst_len)
			return size_mismatch(codec, src_len, dst_len, err);
		memcpy(dst, src, src_len);
		return 0;
	case HY_PQ_CODEC_SNAPPY: return snappy_decode(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_GZIP: return gzip_decode(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_BROTLI: return brotli_decode(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_ZSTD: return zstd_decode(src, src_len, dst, dst_len, err);
	case HY_PQ_CODEC_LZ4_RAW: return lz4_raw_decode(codec, src, src_len, dst, dst_len, err);
	default: /* HY_PQ_CODEC_LZ4 */
		/* Old parquet-cpp wrote raw blocks under this id; a raw block
		 * whose first 8 bytes happen to frame the whole page exactly is
		 * vanishingly unlikely. */
		if (lz4_hadoop(src, src_len, dst, dst_len))
			return 0;
		return lz4_raw_decode(codec, src, src_len, dst, dst_len, err);
	}
}

/* ---- compressors ---- */

static int gzip_encode(int level, const uint8_t *src, size_t len, struct hy_buf *out,
		       struct hy_error *err)
{
	z_stream zs;
	uLong bound;
	int ret, rc = 0;

	if (len > UINT_MAX)
		return hy_error_set(err, HY_ELIMIT, "GZIP: %zu bytes to compress", len);
	memset(&zs, 0, sizeof(zs));
	zs.zalloc = z_alloc;
	zs.zfree = z_free;
	ret = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	if (ret != Z_OK)
		return hy_error_set(err, ret == Z_MEM_ERROR ? HY_ENOMEM : HY_EINVAL,
				    "GZIP: deflateInit2 failed (%d)", ret);
	bound = deflateBound(&zs, (uLong)len);
	rc = hy_buf_reserve(out, bound, err);
	if (rc != 0)
		goto out;
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	zs.next_out = out->data + out->len;
	zs.avail_out = (uInt)bound;
	ret = deflate(&zs, Z_FINISH);
	if (ret != Z_STREAM_END) {
		rc = hy_error_set(err, ret == Z_MEM_ERROR ? HY_ENOMEM : HY_EINVAL,
				  "GZIP: deflate failed (%d)", ret);
		goto out;
	}
	out->len += bound - zs.avail_out;
out:
	deflateEnd(&zs);
	return rc;
}

static int brotli_encode(int level, const uint8_t *src, size_t len, struct hy_buf *out,
			 struct hy_error *err)
{
	size_t bound = BrotliEncoderMaxCompressedSize(len), n;

	if (bound == 0)
		return hy_error_set(err, HY_ELIMIT, "BROTLI: %zu bytes to compress", len);
	HY_TRY(hy_buf_reserve(out, bound, err));
	n = bound;
	if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, len, src, &n,
				   out->data + out->len))
		return hy_error_set(err, HY_ENOMEM, "BROTLI: compression failed");
	out->len += n;
	return 0;
}

static int zstd_encode(int level, const uint8_t *src, size_t len, struct hy_buf *out,
		       struct hy_error *err)
{
	size_t bound = ZSTD_compressBound(len), n;

	HY_TRY(hy_buf_reserve(out, bound, err));
	n = ZSTD_compress(out->data + out->len, bound, src, len, level);
	if (ZSTD_isError(n))
		return hy_error_set(err,
				    ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation
					    ? HY_ENOMEM
					    : HY_EINVAL,
				    "ZSTD: %s", ZSTD_getErrorName(n));
	out->len += n;
	return 0;
}

static int snappy_encode(const uint8_t *src, size_t len, struct hy_buf *out, struct hy_error *err)
{
	size_t bound = snappy_max_compressed_length(len), n = bound;

	HY_TRY(hy_buf_reserve(out, bound, err));
	if (snappy_compress((const char *)src, len, (char *)out->data + out->len, &n) != SNAPPY_OK)
		return hy_error_set(err, HY_ENOMEM, "SNAPPY: compression failed");
	out->len += n;
	return 0;
}

static int lz4_encode(const uint8_t *src, size_t len, struct hy_buf *out, struct hy_error *err)
{
	int bound, n;

	if (len > LZ4_MAX_INPUT_SIZE)
		return hy_error_set(err, HY_ELIMIT, "LZ4_RAW: %zu bytes to compress", len);
	bound = LZ4_compressBound((int)len);
	HY_TRY(hy_buf_reserve(out, (size_t)bound, err));
	n = LZ4_compress_default((const char *)src, (char *)out->data + out->len, (int)len, bound);
	if (n <= 0)
		return hy_error_set(err, HY_EINVAL, "LZ4_RAW: compression failed");
	out->len += (size_t)n;
	return 0;
}

static int check_level(int codec, int level, int lo, int hi, struct hy_error *err)
{
	if (level < lo || level > hi)
		return hy_error_set(err, HY_EINVAL, "%s: compression level %d outside %d..%d",
				    hy_pq_codec_name(codec), level, lo, hi);
	return 0;
}

static int compress_to(int codec, int level, const uint8_t *src, size_t len, struct hy_buf *out,
		       struct hy_error *err)
{
	switch (codec) {
	case HY_PQ_CODEC_UNCOMPRESSED: return hy_buf_append(out, src, len, err);
	case HY_PQ_CODEC_SNAPPY: return snappy_encode(src, len, out, err);
	case HY_PQ_CODEC_LZ4_RAW: return lz4_encode(src, len, out, err);
	case HY_PQ_CODEC_GZIP:
		HY_TRY(check_level(codec, level == 0 ? 6 : level, 1, 9, err));
		return gzip_encode(level == 0 ? 6 : level, src, len, out, err);
	case HY_PQ_CODEC_ZSTD:
		HY_TRY(check_level(codec, level, ZSTD_minCLevel(), ZSTD_maxCLevel(), err));
		return zstd_encode(level == 0 ? 3 : level, src, len, out, err);
	case HY_PQ_CODEC_BROTLI:
		HY_TRY(check_level(codec, level == 0 ? 8 : level, 1, 11, err));
		return brotli_encode(level == 0 ? 8 : level, src, len, out, err);
	default:
		return hy_error_set(err, HY_EUNSUPPORTED, "cannot write compression codec %s (%d)",
				    hy_pq_codec_name(codec), codec);
	}
}

int hy_pq_compress(int codec, int level, const uint8_t *src, size_t len, struct hy_buf *out,
		   struct hy_error *err)
{
	size_t start = out->len;
	int rc = compress_to(codec, level, src, len, out, err);

	/* Keep the buffer's NUL terminator and drop a partial result. */
	if (rc != 0)
		out->len = start;
	if (out->data != NULL)
		out->data[out->len] = 0;
	return rc;
}
