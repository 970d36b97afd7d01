/* Page decompression (the page reader's original cases, on hy_pq_decompress): round trips through
 * each codec's own compressor, multi-member/multi-frame streams, size mismatches and corrupt input.
 */
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "hy_test.h"
#include "pq_codec.h"

#define N 100000

static uint8_t *sample(size_t n)
{
	uint8_t *p = malloc(n);
	uint32_t seed = 7;

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(i % 97 < 50 ? 'a' + i % 7 : seed >> 24); /* half compressible */
	}
	return p;
}

static size_t gzip_into(const uint8_t *src, size_t len, uint8_t *dst, size_t cap, int window)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.avail_in = (uInt)len;
	zs.next_out = dst;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	return cap - zs.avail_out;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Decompresses and compares; then checks that a wrong size and every
 * truncation fail cleanly. */
static void check_codec(int codec, const uint8_t *comp, size_t clen, const uint8_t *want,
			size_t wlen)
{
	uint8_t *out = malloc(wlen + 1);
	struct hy_error err = {0};
	int rc;

	assert_non_null(out);
	rc = hy_pq_decompress(codec, comp, clen, out, wlen, &err);
	if (rc != 0)
		fail_msg("%s: %s", hy_pq_codec_name(codec), err.msg);
	assert_memory_equal(out, want, wlen);
	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(codec, comp, clen, out, wlen - 1, &err), HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(codec, comp, clen, out, wlen + 1, &err), HY_EFORMAT);
	for (size_t cut = 0; cut < clen; cut += 1 + clen / 50) {
		uint8_t *copy = malloc(cut + 1);

		assert_non_null(copy);
		memcpy(copy, comp, cut);
		hy_error_init(&err);
		rc = hy_pq_decompress(codec, copy, cut, out, wlen, &err);
		if (rc != HY_EFORMAT)
			fail_msg("%s cut at %zu: %d", hy_pq_codec_name(codec), cut, rc);
		assert_true(err.msg[0] != 0);
		free(copy);
	}
	free(out);
}

static void test_round_trips(void **state)
{
	uint8_t *src = sample(N);
	size_t cap = N * 2 + 1024, len, half;
	uint8_t *comp = malloc(cap);

	(void)state;
	assert_non_null(comp);
	check_codec(HY_PQ_CODEC_UNCOMPRESSED, src, N, src, N);

	len = cap;
	assert_int_equal(snappy_compress((const char *)src, N, (char *)comp, &len), SNAPPY_OK);
	check_codec(HY_PQ_CODEC_SNAPPY, comp, len, src, N);

	len = gzip_into(src, N, comp, cap, 15 + 16); /* gzip */
	check_codec(HY_PQ_CODEC_GZIP, comp, len, src, N);
	len = gzip_into(src, N, comp, cap, 15); /* zlib header: accepted too */
	check_codec(HY_PQ_CODEC_GZIP, comp, len, src, N);
	/* two gzip members back to back (concatenated_gzip_members.parquet) */
	half = gzip_into(src, N / 2, comp, cap, 15 + 16);
	len = half + gzip_into(src + N / 2, N - N / 2, comp + half, cap - half, 15 + 16);
	check_codec(HY_PQ_CODEC_GZIP, comp, len, src, N);

	len = ZSTD_compress(comp, cap, src, N, 3);
	assert_false(ZSTD_isError(len));
	check_codec(HY_PQ_CODEC_ZSTD, comp, len, src, N);
	/* two frames */
	half = ZSTD_compress(comp, cap, src, N / 2, 1);
	len = half + ZSTD_compress(comp + half, cap - half, src + N / 2, N - N / 2, 1);
	check_codec(HY_PQ_CODEC_ZSTD, comp, len, src, N);

	len = (size_t)LZ4_compress_default((const char *)src, (char *)comp, N, (int)cap);
	check_codec(HY_PQ_CODEC_LZ4_RAW, comp, len, src, N);
	/* LZ4 (5) without Hadoop framing: a bare block (non_hadoop_lz4_compressed) */
	check_codec(HY_PQ_CODEC_LZ4, comp, len, src, N);

	/* Hadoop framing: two frames, the second with its raw block in two parts */
	{
		size_t at = 0, c;

		put_be32(comp + at, N / 2);
		c = (size_t)LZ4_compress_default((const char *)src, (char *)comp + at + 8, N / 2,
						 (int)(cap - at - 8));
		put_be32(comp + at + 4, (uint32_t)c);
		at += 8 + c;
		put_be32(comp + at, N - N / 2);
		at += 4;
		for (int part = 0; part < 2; part++) {
			const uint8_t *from = src + N / 2 + (size_t)part * (N / 4);
			int plen = part == 0 ? N / 4 : N - N / 2 - N / 4;

			c = (size_t)LZ4_compress_default((const char *)from, (char *)comp + at + 4,
							 plen, (int)(cap - at - 4));
			put_be32(comp + at, (uint32_t)c);
			at += 4 + c;
		}
		check_codec(HY_PQ_CODEC_LZ4, comp, at, src, N);
	}
	free(comp);
	free(src);
}

static void test_empty_and_unsupported(void **state)
{
	struct hy_error err = {0};
	uint8_t out[16], comp[64];
	size_t len;

	(void)state;
	/* an empty section never reaches the codec (snappy would refuse it) */
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_SNAPPY, NULL, 0, out, 0, &err), 0);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_SNAPPY, NULL, 0, out, 5, &err), HY_EFORMAT);
	assert_true(err.msg[0] != 0);
	/* a non-empty ZSTD frame of nothing (page_v2_empty_compressed.parquet) */
	len = ZSTD_compress(comp, sizeof(comp), "", 0, 3);
	assert_true(len > 0 && !ZSTD_isError(len));
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_ZSTD, comp, len, out, 0, &err), 0);

	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_LZO, comp, 4, out, 4, &err), HY_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "LZO"));
	/* BROTLI is supported now: 4 bytes of a ZSTD frame are no brotli stream */
	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_BROTLI, comp, 4, out, 4, &err), HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(42, comp, 4, out, 4, &err), HY_EUNSUPPORTED);
	assert_true(err.msg[0] != 0);
}

/* Noise into every codec: a clean error (or, rarely, a valid stream). */
static void test_noise(void **state)
{
	static const int codecs[] = {HY_PQ_CODEC_SNAPPY, HY_PQ_CODEC_GZIP, HY_PQ_CODEC_ZSTD,
				     HY_PQ_CODEC_LZ4_RAW, HY_PQ_CODEC_LZ4};
	uint8_t in[256], out[1024];
	uint32_t seed = 99;

	(void)state;
	for (int iter = 0; iter < 5000; iter++) {
		struct hy_error err = {0};
		size_t len, olen;
		int rc;

		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 8) % sizeof(in);
		olen = (seed >> 4) % sizeof(out);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (uint8_t)(seed >> 24);
		}
		rc = hy_pq_decompress(codecs[iter % 5], in, len, out, olen, &err);
		assert_true(rc == 0 || (rc == HY_EFORMAT && err.msg[0] != 0));
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_round_trips),
	cmocka_unit_test(test_empty_and_unsupported),
	cmocka_unit_test(test_noise),
};
HY_TEST_MAIN(tests)
