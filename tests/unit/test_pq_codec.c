/* Parquet page codecs: round trips, wrong sizes, framing variants, hostile
 * streams and failure injection (src/formats/parquet/pq_codec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include "hy_test.h"
#include "hygge/buffer.h"
#include "pq_codec.h"
#include "pq_test_pages.h"

#define BUF_MAX ((size_t)1 << 28)

static const int writer_codecs[] = {HY_PQ_CODEC_UNCOMPRESSED, HY_PQ_CODEC_SNAPPY,
				    HY_PQ_CODEC_GZIP,         HY_PQ_CODEC_ZSTD,
				    HY_PQ_CODEC_LZ4_RAW,      HY_PQ_CODEC_BROTLI};
#define N_WRITER_CODECS (sizeof(writer_codecs) / sizeof(writer_codecs[0]))

static uint64_t rng_state = 0x1234567887654321u;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static uint8_t *make_data(size_t n, int shape)
{
	uint8_t *p = malloc(n == 0 ? 1 : n);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = shape == 0   ? (uint8_t)rnd()
		       : shape == 1 ? (uint8_t)(i / 100)
				    : "abcab"[i % 5];
	return p;
}

static bool has(const struct hy_error *err, const char *text)
{
	return strstr(err->msg, text) != NULL;
}

static void compress_ok(int codec, int level, const uint8_t *src, size_t n, struct hy_buf *out)
{
	struct hy_error err = {0};

	hy_buf_clear(out);
	assert_int_equal(hy_pq_compress(codec, level, src, n, out, &err), 0);
}

static void test_round_trip(void **state)
{
	static const size_t sizes[] = {0, 1, 100, 65536, 1000003};

	(void)state;
	for (size_t c = 0; c < N_WRITER_CODECS; c++)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (int shape = 0; shape < 3; shape++) {
				size_t n = sizes[s];
				uint8_t *src = make_data(n, shape), *dst = malloc(n + 1);
				struct hy_error err = {0};
				struct hy_buf z;

				if (n > 100000 && writer_codecs[c] == HY_PQ_CODEC_BROTLI)
					n = 100000; /* brotli is slow at level 8 */
				hy_buf_init(&z, BUF_MAX);
				compress_ok(writer_codecs[c], 0, src, n, &z);
				if (shape == 2 && n > 1000 && writer_codecs[c] != 0)
					assert_true(z.len < n / 10);
				assert_int_equal(hy_pq_decompress(writer_codecs[c], z.data, z.len,
								  dst, n, &err),
						 0);
				assert_memory_equal(dst, src, n);
				hy_buf_reset(&z);
				free(src);
				free(dst);
			}
}

static void test_levels(void **state)
{
	uint8_t *src = make_data(50000, 2), *dst = malloc(50000);
	struct hy_error err = {0};
	struct hy_buf z;

	(void)state;
	hy_buf_init(&z, BUF_MAX);
	for (int level = -5; level <= 22; level += 3) {
		if (level == 0)
			continue;
		compress_ok(HY_PQ_CODEC_ZSTD, level, src, 50000, &z);
		assert_int_equal(
			hy_pq_decompress(HY_PQ_CODEC_ZSTD, z.data, z.len, dst, 50000, &err), 0);
		assert_memory_equal(dst, src, 50000);
	}
	for (int level = 1; level <= 9; level++) {
		compress_ok(HY_PQ_CODEC_GZIP, level, src, 50000, &z);
		assert_int_equal(
			hy_pq_decompress(HY_PQ_CODEC_GZIP, z.data, z.len, dst, 50000, &err), 0);
		assert_memory_equal(dst, src, 50000);
	}
	compress_ok(HY_PQ_CODEC_BROTLI, 1, src, 50000, &z);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_BROTLI, z.data, z.len, dst, 50000, &err), 0);
	hy_buf_clear(&z);
	assert_int_equal(hy_pq_compress(HY_PQ_CODEC_GZIP, 10, src, 10, &z, &err), HY_EINVAL);
	assert_string_equal(err.msg, "GZIP: compression level 10 outside 1..9");
	hy_error_init(&err);
	assert_int_equal(hy_pq_compress(HY_PQ_CODEC_ZSTD, 99, src, 10, &z, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_pq_compress(HY_PQ_CODEC_BROTLI, 12, src, 10, &z, &err), HY_EINVAL);
	assert_int_equal(z.len, 0);
	hy_buf_reset(&z);
	free(src);
	free(dst);
}

static void test_wrong_size(void **state)
{
	uint8_t *src = make_data(1000, 1), *dst = malloc(2000);
	char want[64];

	(void)state;
	for (size_t c = 0; c < N_WRITER_CODECS; c++) {
		int codec = writer_codecs[c];
		struct hy_error err = {0};
		struct hy_buf z;

		hy_buf_init(&z, BUF_MAX);
		compress_ok(codec, 0, src, 1000, &z);
		/* The header claims more than the stream holds. */
		assert_int_equal(hy_pq_decompress(codec, z.data, z.len, dst, 1001, &err),
				 HY_EFORMAT);
		assert_true(has(&err, hy_pq_codec_name(codec)));
		snprintf(want, sizeof(want), "1000 bytes, the header says 1001");
		if (codec != HY_PQ_CODEC_LZ4_RAW)
			assert_true(has(&err, want));
		/* ... and less: never a write past dst_len. */
		hy_error_init(&err);
		dst[999] = 0x5a;
		assert_int_equal(hy_pq_decompress(codec, z.data, z.len, dst, 999, &err),
				 HY_EFORMAT);
		assert_int_equal(dst[999], 0x5a);
		assert_true(has(&err, hy_pq_codec_name(codec)));
		if (codec != HY_PQ_CODEC_LZ4_RAW && codec != HY_PQ_CODEC_SNAPPY &&
		    codec != HY_PQ_CODEC_UNCOMPRESSED)
			assert_true(has(&err, "more than the 999 bytes"));
		hy_buf_reset(&z);
	}
	free(src);
	free(dst);
}

static void test_unsupported_and_limits(void **state)
{
	uint8_t byte = 0, dst[4];
	struct hy_error err = {0};
	struct hy_buf z;

	(void)state;
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_LZO, &byte, 1, dst, 1, &err),
			 HY_EUNSUPPORTED);
	assert_string_equal(err.msg, "compression codec LZO (3) is not supported");
	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(8, &byte, 1, dst, 1, &err), HY_EUNSUPPORTED);
	assert_string_equal(err.msg, "unknown compression codec 8");
	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(-1, &byte, 1, dst, 1, &err), HY_EUNSUPPORTED);
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_decompress(HY_PQ_CODEC_ZSTD, &byte, 1, dst, HY_PQ_CODEC_MAX_PAGE + 1, &err),
		HY_ELIMIT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_ZSTD, &byte, 1, NULL, 4, &err), HY_EINVAL);
	hy_error_init(&err);
	/* An empty section never reaches the library (snappy would refuse). */
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_SNAPPY, NULL, 0, NULL, 0, &err), 0);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_SNAPPY, NULL, 0, dst, 4, &err), HY_EFORMAT);
	assert_true(has(&err, "SNAPPY: 0 compressed bytes for a page of 4 bytes"));
	hy_error_init(&err);
	hy_buf_init(&z, BUF_MAX);
	assert_int_equal(hy_pq_compress(HY_PQ_CODEC_LZ4, 0, dst, 4, &z, &err), HY_EUNSUPPORTED);
	assert_string_equal(err.msg, "cannot write compression codec LZ4 (5)");
	hy_error_init(&err);
	assert_int_equal(hy_pq_compress(HY_PQ_CODEC_LZO, 0, dst, 4, &z, &err), HY_EUNSUPPORTED);
	hy_error_init(&err);
	assert_int_equal(hy_pq_compress(42, 0, dst, 4, &z, &err), HY_EUNSUPPORTED);
	hy_buf_reset(&z);
	/* The output buffer's cap holds and leaves it unchanged. */
	hy_buf_init(&z, 8);
	hy_error_init(&err);
	assert_int_equal(hy_buf_append(&z, "ab", 2, &err), 0);
	assert_int_equal(hy_pq_compress(HY_PQ_CODEC_ZSTD, 0, dst, 4, &z, &err), HY_ELIMIT);
	assert_int_equal(z.len, 2);
	hy_buf_reset(&z);
	assert_string_equal(hy_pq_codec_name(99), "unknown");
}

/* ZSTD: a frame that decodes to 0 bytes (page_v2_empty_compressed), and two
 * frames in one page. */
static void test_zstd_frames(void **state)
{
	uint8_t a[300], frames[1200], dst[600];
	size_t n1, n2;
	struct hy_error err = {0};

	(void)state;
	memset(a, 'q', sizeof(a));
	n1 = ZSTD_compress(frames, sizeof(frames), a, 0, 3);
	assert_false(ZSTD_isError(n1));
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_ZSTD, frames, n1, NULL, 0, &err), 0);
	n1 = ZSTD_compress(frames, sizeof(frames), a, sizeof(a), 3);
	n2 = ZSTD_compress(frames + n1, sizeof(frames) - n1, a, sizeof(a), 19);
	assert_false(ZSTD_isError(n1) || ZSTD_isError(n2));
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_ZSTD, frames, n1 + n2, dst, 600, &err), 0);
	assert_memory_equal(dst + 300, a, 300);
}

static size_t gzip_member(const uint8_t *src, size_t n, uint8_t *out, size_t cap, int window)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	return cap - zs.avail_out;
}

static void test_gzip_members(void **state)
{
	uint8_t *src = make_data(30000, 1), z[40000], dst[30000];
	size_t n = 0;
	struct hy_error err = {0};

	(void)state;
	/* Three gzip members, as concatenated_gzip_members.parquet has. */
	n += gzip_member(src, 10000, z + n, sizeof(z) - n, 31);
	n += gzip_member(src + 10000, 0, z + n, sizeof(z) - n, 31);
	n += gzip_member(src + 10000, 20000, z + n, sizeof(z) - n, 31);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_GZIP, z, n, dst, 30000, &err), 0);
	assert_memory_equal(dst, src, 30000);
	/* Only the first member's worth claimed: the rest overflows. */
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_GZIP, z, n, dst, 10000, &err), HY_EFORMAT);
	assert_true(has(&err, "GZIP: page decompresses to more than the 10000 bytes"));
	hy_error_init(&err);
	/* Garbage after a member. */
	z[n] = 0x42;
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_GZIP, z, n + 1, dst, 30000, &err),
			 HY_EFORMAT);
	assert_true(has(&err, "GZIP"));
	hy_error_init(&err);
	/* A zlib (RFC 1950) stream is detected too. */
	n = gzip_member(src, 30000, z, sizeof(z), 15);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_GZIP, z, n, dst, 30000, &err), 0);
	assert_memory_equal(dst, src, 30000);
	free(src);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void test_lz4_hadoop_and_raw(void **state)
{
	uint8_t *src = make_data(30000, 1), z[40000], dst[30000];
	size_t n = 0;
	struct hy_error err = {0};

	(void)state;
	/* Hadoop framing, three frames in one page (like
	 * hadoop_lz4_compressed_larger.parquet). */
	for (int f = 0; f < 3; f++) {
		int c = LZ4_compress_default((const char *)src + f * 10000, (char *)z + n + 8,
					     10000, (int)(sizeof(z) - n - 8));

		assert_true(c > 0);
		put_be32(z + n, 10000);
		put_be32(z + n + 4, (uint32_t)c);
		n += 8 + (size_t)c;
	}
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_LZ4, z, n, dst, 30000, &err), 0);
	assert_memory_equal(dst, src, 30000);
	/* Frames that do not add up to the page size are not Hadoop framing;
	 * the raw fallback fails on them. */
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_LZ4, z, n, dst, 29999, &err), HY_EFORMAT);
	assert_true(has(&err, "LZ4"));
	hy_error_init(&err);
	/* A raw block under id 5 (non_hadoop_lz4_compressed.parquet). */
	n = (size_t)LZ4_compress_default((const char *)src, (char *)z, 30000, sizeof(z));
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_LZ4, z, n, dst, 30000, &err), 0);
	assert_memory_equal(dst, src, 30000);
	/* Tiny raw block (< 8 bytes). */
	n = (size_t)LZ4_compress_default("ab", (char *)z, 2, sizeof(z));
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_LZ4, z, n, dst, 2, &err), 0);
	assert_memory_equal(dst, "ab", 2);
	free(src);
}

/* Every truncation and some bit flips of every codec's output: an error or
 * (bit flips only) the right size, never a crash or an overrun. */
static void test_hostile_streams(void **state)
{
	uint8_t *src = make_data(5000, 2), *dst = malloc(5000);
	struct hy_buf z;

	(void)state;
	hy_buf_init(&z, BUF_MAX);
	for (size_t c = 0; c < N_WRITER_CODECS; c++) {
		int codec = writer_codecs[c];

		if (codec == HY_PQ_CODEC_UNCOMPRESSED)
			continue;
		compress_ok(codec, 0, src, 5000, &z);
		for (size_t cut = 1; cut < z.len; cut++) {
			struct hy_error err = {0};
			uint8_t *copy = malloc(cut);

			memcpy(copy, z.data, cut);
			assert_int_not_equal(hy_pq_decompress(codec, copy, cut, dst, 5000, &err),
					     0);
			assert_true(has(&err, hy_pq_codec_name(codec)));
			free(copy);
		}
		for (size_t i = 0; i < 200; i++) {
			struct hy_error err = {0};
			uint8_t *copy = malloc(z.len);
			int rc;

			memcpy(copy, z.data, z.len);
			copy[rnd() % z.len] ^= (uint8_t)(1u << (rnd() % 8));
			rc = hy_pq_decompress(codec, copy, z.len, dst, 5000, &err);
			assert_true(rc == 0 || rc == HY_EFORMAT);
			free(copy);
		}
	}
	hy_buf_reset(&z);
	free(src);
	free(dst);
}

static void test_alloc_failure(void **state)
{
	uint8_t *src = make_data(20000, 1), *dst = malloc(20000);
	static const int codecs[] = {HY_PQ_CODEC_GZIP, HY_PQ_CODEC_BROTLI, HY_PQ_CODEC_SNAPPY,
				     HY_PQ_CODEC_ZSTD, HY_PQ_CODEC_LZ4_RAW};
	struct hy_buf z;
	int rc;

	(void)state;
	hy_buf_init(&z, BUF_MAX);
	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
		/* Compression: the output buffer (and zlib's state). */
		HY_FOR_EACH_ALLOC_FAILURE(rc, {
			struct hy_error err = {0};
			struct hy_buf out;

			hy_buf_init(&out, BUF_MAX);
			rc = hy_pq_compress(codecs[c], 1, src, 20000, &out, &err);
			hy_buf_reset(&out);
		});
		compress_ok(codecs[c], 1, src, 20000, &z);
		if (codecs[c] != HY_PQ_CODEC_GZIP && codecs[c] != HY_PQ_CODEC_BROTLI)
			continue;
		/* Decompression: zlib and brotli allocate through hy_malloc. */
		HY_FOR_EACH_ALLOC_FAILURE(rc, {
			struct hy_error err = {0};

			rc = hy_pq_decompress(codecs[c], z.data, z.len, dst, 20000, &err);
		});
		assert_memory_equal(dst, src, 20000);
	}
	hy_buf_reset(&z);
	free(src);
	free(dst);
}

/* Every page body of real files from the parquet-testing corpus
 * decompresses to exactly its header's size: Hadoop-framed LZ4 (3 frames in
 * one page in the larger file), raw LZ4 under id 5, LZ4_RAW, multi-member
 * GZIP, ZSTD (incl. a frame inflating to 0 bytes), SNAPPY v2 pages (incl. an
 * empty values section). v2 levels are stored uncompressed. */
static void test_real_files(void **state)
{
	static const struct {
		const char *name;
		int codec;
	} files[] = {
		{"hadoop_lz4_compressed.parquet", HY_PQ_CODEC_LZ4},
		{"hadoop_lz4_compressed_larger.parquet", HY_PQ_CODEC_LZ4},
		{"non_hadoop_lz4_compressed.parquet", HY_PQ_CODEC_LZ4},
		{"lz4_raw_compressed.parquet", HY_PQ_CODEC_LZ4_RAW},
		{"lz4_raw_compressed_larger.parquet", HY_PQ_CODEC_LZ4_RAW},
		{"concatenated_gzip_members.parquet", HY_PQ_CODEC_GZIP},
		{"rle_boolean_encoding.parquet", HY_PQ_CODEC_GZIP},
		{"byte_stream_split_extended.gzip.parquet", HY_PQ_CODEC_GZIP},
		{"byte_stream_split.zstd.parquet", HY_PQ_CODEC_ZSTD},
		{"delta_length_byte_array.parquet", HY_PQ_CODEC_ZSTD},
		{"page_v2_empty_compressed.parquet", HY_PQ_CODEC_ZSTD},
		{"datapage_v2.snappy.parquet", HY_PQ_CODEC_SNAPPY},
		{"datapage_v2_empty_datapage.snappy.parquet", HY_PQ_CODEC_SNAPPY},
		{"alltypes_plain.snappy.parquet", HY_PQ_CODEC_SNAPPY},
	};

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t n = 0, footer = 0, pos = 4, pages = 0;
		uint8_t *p = t_load(files[f].name, &n, &footer);
		struct tpage pg;

		if (p == NULL) { /* the corpus is committed: a missing file is a failure */
			fail_msg("%s not found under %s/parquet-testing", files[f].name,
				 HY_TEST_DATA_DIR);
			continue;
		}
		while (pos < footer) {
			size_t levels;
			uint8_t *dst;
			struct hy_error err = {0};

			assert_int_equal(t_page(p, n, &pos, &pg), 0);
			levels = pg.type == 3 ? (size_t)pg.def_len + (size_t)pg.rep_len : 0;
			if (pg.csize > 0 && (pg.type != 3 || pg.is_compressed)) {
				assert_true(levels <= (size_t)pg.csize &&
					    levels <= (size_t)pg.usize);
				dst = malloc((size_t)pg.usize - levels + 1);
				assert_non_null(dst);
				if (hy_pq_decompress(files[f].codec, p + pos + levels,
						     (size_t)pg.csize - levels, dst,
						     (size_t)pg.usize - levels, &err) != 0)
					fail_msg("%s page at %zu: %s", files[f].name, pos, err.msg);
				free(dst);
				pages++;
			}
			pos += (size_t)pg.csize;
		}
		assert_true(pages > 0);
		free(p);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_round_trip),         cmocka_unit_test(test_levels),
	cmocka_unit_test(test_wrong_size),         cmocka_unit_test(test_unsupported_and_limits),
	cmocka_unit_test(test_zstd_frames),        cmocka_unit_test(test_gzip_members),
	cmocka_unit_test(test_lz4_hadoop_and_raw), cmocka_unit_test(test_hostile_streams),
	cmocka_unit_test(test_alloc_failure),      cmocka_unit_test(test_real_files),
};
HY_TEST_MAIN(tests)
