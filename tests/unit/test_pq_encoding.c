/* Parquet value and level encodings: spec vectors, round trips, hostile
 * inputs and failure injection (src/formats/parquet/pq_encoding.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/buffer.h"
#include "pq_codec.h"
#include "pq_encoding.h"
#include "pq_test_pages.h"

#define BUF_MAX ((size_t)1 << 28)

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so failures reproduce. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size);

	assert_non_null(p);
	return p;
}

static bool has(const struct hy_error *err, const char *text)
{
	return strstr(err->msg, text) != NULL;
}

/* ---- RLE / bit-packed hybrid ---- */

static void test_rle_spec_vectors(void **state)
{
	/* Encodings.md: 0..7 at width 3 bit-packed LSB first = 88 C6 FA,
	 * behind the header of one group (1 << 1 | 1). */
	static const uint8_t packed[] = {0x03, 0x88, 0xC6, 0xFA};
	/* An RLE run of 10 fives (header 10 << 1) then the same group. */
	static const uint8_t mixed[] = {0x14, 0x05, 0x03, 0x88, 0xC6, 0xFA};
	uint32_t out[18], seq[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	struct hy_error err = {0};
	struct hy_buf b;
	size_t used;

	(void)state;
	assert_int_equal(hy_pq_rle_decode(packed, sizeof(packed), 3, 8, out, &used, &err), 0);
	assert_memory_equal(out, seq, sizeof(seq));
	assert_int_equal(used, 4);
	assert_int_equal(hy_pq_rle_decode(mixed, sizeof(mixed), 3, 18, out, &used, &err), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(out[i], 5);
	assert_memory_equal(out + 10, seq, sizeof(seq));
	assert_int_equal(used, sizeof(mixed));

	hy_buf_init(&b, BUF_MAX);
	assert_int_equal(hy_pq_rle_encode(seq, 8, 3, &b, &err), 0);
	assert_int_equal(b.len, sizeof(packed));
	assert_memory_equal(b.data, packed, sizeof(packed));
	hy_buf_reset(&b);
}

static void test_rle_encoder_choices(void **state)
{
	uint32_t v[120];
	struct hy_error err = {0};
	struct hy_buf b;
	size_t used;
	uint32_t out[120];

	(void)state;
	hy_buf_init(&b, BUF_MAX);
	/* 100 repeats: one RLE run, header 200 as ULEB (C8 01) + 1 value byte. */
	for (int i = 0; i < 100; i++)
		v[i] = 5;
	assert_int_equal(hy_pq_rle_encode(v, 100, 3, &b, &err), 0);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[0], 0xC8);
	assert_int_equal(b.data[1], 0x01);
	assert_int_equal(b.data[2], 5);
	/* 3 distinct values then 20 repeats: the literals are topped up to
	 * one group of 8 with 5 of the repeats, then an RLE run of 15. */
	hy_buf_clear(&b);
	v[0] = 1;
	v[1] = 2;
	v[2] = 3;
	for (int i = 3; i < 23; i++)
		v[i] = 7;
	assert_int_equal(hy_pq_rle_encode(v, 23, 3, &b, &err), 0);
	assert_int_equal(b.len, 1 + 3 + 1 + 1);
	assert_int_equal(b.data[0], 0x03);
	assert_int_equal(b.data[4], 15 << 1);
	assert_int_equal(b.data[5], 7);
	assert_int_equal(hy_pq_rle_decode(b.data, b.len, 3, 23, out, &used, &err), 0);
	assert_memory_equal(out, v, 23 * sizeof(uint32_t));
	/* 7 repeats stay bit-packed. */
	hy_buf_clear(&b);
	for (int i = 0; i < 7; i++)
		v[i] = 1;
	assert_int_equal(hy_pq_rle_encode(v, 7, 1, &b, &err), 0);
	assert_int_equal(b.len, 2);
	assert_int_equal(b.data[0], 0x03);
	assert_int_equal(b.data[1], 0x7F);
	/* A value wider than the width is the caller's bug. */
	hy_buf_clear(&b);
	v[0] = 8;
	assert_int_equal(hy_pq_rle_encode(v, 1, 3, &b, &err), HY_EINVAL);
	assert_int_equal(b.len, 0);
	hy_buf_reset(&b);
}

static void fill_levels(uint32_t *v, size_t n, unsigned width, int shape)
{
	uint64_t mask = width == 32 ? 0xffffffffu : ((uint64_t)1 << width) - 1;

	for (size_t i = 0; i < n;) {
		size_t run = shape == 0 ? 1 : 1 + rnd() % (shape == 1 ? 20 : 300);
		uint32_t x = (uint32_t)(rnd() & mask);

		for (size_t k = 0; k < run && i < n; k++, i++)
			v[i] = shape == 0 ? (uint32_t)(rnd() & mask) : x;
	}
	if (n > 0)
		v[n - 1] = (uint32_t)mask; /* the extreme value appears */
}

static void test_rle_round_trip(void **state)
{
	static const size_t counts[] = {0, 1, 7, 8, 9, 63, 64, 504, 505, 5000};
	struct hy_error err = {0};
	struct hy_buf b;

	(void)state;
	hy_buf_init(&b, BUF_MAX);
	for (unsigned width = 0; width <= 32; width++)
		for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
			for (int shape = 0; shape < 3; shape++) {
				size_t n = counts[c], used = 0;
				uint32_t *v = xcalloc(n, 4), *out = xcalloc(n + 1, 4);

				fill_levels(v, n, width, shape);
				hy_buf_clear(&b);
				assert_int_equal(hy_pq_rle_encode(v, n, width, &b, &err), 0);
				assert_int_equal(
					hy_pq_rle_decode(b.data, b.len, width, n, out, &used, &err),
					0);
				assert_memory_equal(out, v, n * 4);
				assert_int_equal(used, b.len);
				hy_buf_clear(&b);
				assert_int_equal(hy_pq_rle_encode_prefixed(v, n, width, &b, &err),
						 0);
				assert_int_equal(hy_pq_rle_decode_prefixed(b.data, b.len, width, n,
									   out, &used, &err),
						 0);
				assert_memory_equal(out, v, n * 4);
				assert_int_equal(used, b.len);
				free(v);
				free(out);
			}
	assert_string_equal(err.msg, "");
	hy_buf_reset(&b);
}

static void test_rle_runs_overrun_count(void **state)
{
	/* An RLE run of 100 ones and a bit-packed run of 2 groups, read for
	 * fewer values than they hold. */
	static const uint8_t rle[] = {0xC8, 0x01, 0x01};
	static const uint8_t packed[] = {0x05, 0xFF, 0x00};
	/* Zero-group bit-packed runs are skipped. */
	static const uint8_t empty_group[] = {0x01, 0x01, 0x06, 0x02};
	struct hy_error err = {0};
	uint32_t out[16];
	size_t used;

	(void)state;
	assert_int_equal(hy_pq_rle_decode(rle, sizeof(rle), 1, 10, out, &used, &err), 0);
	assert_int_equal(out[9], 1);
	assert_int_equal(used, 3);
	/* Only 3 of the 16 values are wanted; the 2nd group's missing byte
	 * would only hold padding. */
	assert_int_equal(hy_pq_rle_decode(packed, 2, 1, 3, out, &used, &err), 0);
	assert_int_equal(out[0] + out[1] + out[2], 3);
	assert_int_equal(used, 2);
	assert_int_equal(hy_pq_rle_decode(empty_group, sizeof(empty_group), 2, 3, out, &used, &err),
			 0);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[2], 2);
	assert_int_equal(used, 4);
}

static void test_rle_width_zero(void **state)
{
	/* Width 0: RLE values take no bytes and bit-packed groups no bytes. */
	static const uint8_t src[] = {0x14, 0x03};
	struct hy_error err = {0};
	uint32_t out[18];
	size_t used;

	(void)state;
	memset(out, 0xff, sizeof(out));
	assert_int_equal(hy_pq_rle_decode(src, sizeof(src), 0, 18, out, &used, &err), 0);
	for (int i = 0; i < 18; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(used, 2);
}

static void test_rle_hostile(void **state)
{
	static const uint8_t zero_run[] = {0x00, 0x01};
	static const uint8_t wide_value[] = {0x04, 0x09};
	static const uint8_t huge_packed[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
	static const uint8_t long_uleb[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					    0xff, 0xff, 0xff, 0xff, 0x01};
	static const uint8_t prefix_long[] = {0x10, 0, 0, 0, 0x02, 0x01};
	uint32_t v[300], out[300];
	struct hy_error err = {0};
	struct hy_buf b;

	(void)state;
	assert_int_equal(hy_pq_rle_decode(zero_run, 2, 1, 1, out, NULL, &err), HY_EFORMAT);
	assert_true(has(&err, "RLE run of length 0"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode(zero_run, 2, 33, 1, out, NULL, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "RLE/bit-packed hybrid: bit width 33 > 32");
	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode(wide_value, 2, 3, 2, out, NULL, &err), HY_EFORMAT);
	assert_true(has(&err, "wider than 3 bits"));
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_rle_decode(huge_packed, sizeof(huge_packed), 32, 300, out, NULL, &err),
		HY_EFORMAT);
	assert_true(has(&err, "bit-packed run"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode(long_uleb, sizeof(long_uleb), 1, 1, out, NULL, &err),
			 HY_EFORMAT);
	assert_true(has(&err, "ULEB128"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode(NULL, 0, 1, 1, out, NULL, &err), HY_EFORMAT);
	assert_true(has(&err, "after 0 of 1 values"));
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_rle_decode_prefixed(prefix_long, sizeof(prefix_long), 1, 2, out, NULL, &err),
		HY_EFORMAT);
	assert_true(has(&err, "length 16 > the 2 bytes left"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode_prefixed(prefix_long, 3, 1, 2, out, NULL, &err),
			 HY_EFORMAT);

	/* Every truncation of a valid stream: a clean error, or (when only
	 * padding was cut) the same values. */
	hy_buf_init(&b, BUF_MAX);
	for (unsigned width = 1; width <= 32; width += 5) {
		fill_levels(v, 300, width, 1);
		hy_buf_clear(&b);
		assert_int_equal(hy_pq_rle_encode(v, 300, width, &b, &err), 0);
		for (size_t cut = 0; cut < b.len; cut++) {
			uint8_t *copy = xcalloc(cut, 1);
			int rc;

			memcpy(copy, b.data, cut);
			hy_error_init(&err);
			rc = hy_pq_rle_decode(copy, cut, width, 300, out, NULL, &err);
			if (rc == 0)
				assert_memory_equal(out, v, sizeof(v));
			else
				assert_int_equal(rc, HY_EFORMAT);
			free(copy);
		}
	}
	hy_buf_reset(&b);
}

static void test_bit_packed_spec(void **state)
{
	/* Encodings.md: 0..7 at width 3, MSB first = 05 39 77. */
	static const uint8_t src[] = {0x05, 0x39, 0x77};
	/* 30 values of width 2 take 8 bytes. */
	static const uint8_t ones[8] = {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x50};
	uint32_t out[30];
	struct hy_error err = {0};
	size_t used;

	(void)state;
	assert_int_equal(hy_pq_bit_packed_decode(src, 3, 3, 8, out, &used, &err), 0);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(used, 3);
	assert_int_equal(hy_pq_bit_packed_decode(ones, 8, 2, 30, out, &used, &err), 0);
	for (int i = 0; i < 30; i++)
		assert_int_equal(out[i], 1);
	assert_int_equal(used, 8);
	assert_int_equal(hy_pq_bit_packed_decode(ones, 7, 2, 30, out, &used, &err), HY_EFORMAT);
	assert_true(has(&err, "BIT_PACKED: 30 values at width 2 need 8 bytes, 7 given"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_bit_packed_decode(ones, 8, 40, 1, out, &used, &err), HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_bit_packed_decode(ones, 8, 32, SIZE_MAX / 4, out, &used, &err),
			 HY_EFORMAT);
	/* Width 0: no bytes. */
	assert_int_equal(hy_pq_bit_packed_decode(ones, 0, 0, 5, out, &used, &err), 0);
	assert_int_equal(used, 0);
	assert_int_equal(out[4], 0);
}

static void test_dict_indices(void **state)
{
	uint32_t idx[1000], out[1000];
	struct hy_error err = {0};
	struct hy_buf b;
	static const uint8_t width33[] = {33, 0x02, 0x00};
	static const uint8_t width0[] = {0, 0x14};

	(void)state;
	hy_buf_init(&b, BUF_MAX);
	for (int i = 0; i < 1000; i++)
		idx[i] = (uint32_t)(i < 500 ? rnd() % 300 : 299);
	assert_int_equal(hy_pq_dict_indices_encode(idx, 1000, 300, &b, &err), 0);
	assert_int_equal(b.data[0], 9);
	assert_int_equal(hy_pq_dict_indices_decode(b.data, b.len, 1000, 300, out, &err), 0);
	assert_memory_equal(out, idx, sizeof(idx));
	/* A smaller dictionary: the 299s are out of range. */
	assert_int_equal(hy_pq_dict_indices_decode(b.data, b.len, 1000, 299, out, &err),
			 HY_EFORMAT);
	assert_true(has(&err, "index 299"));
	assert_true(has(&err, "out of range (dictionary of 299 entries)"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_dict_indices_decode(width33, 3, 1, 10, out, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "dictionary indices: bit width 33 > 32");
	hy_error_init(&err);
	/* Width 0 (ARROW-GH-43605): all zeros, valid for a non-empty dictionary. */
	assert_int_equal(hy_pq_dict_indices_decode(width0, 2, 10, 1, out, &err), 0);
	assert_int_equal(out[9], 0);
	assert_int_equal(hy_pq_dict_indices_decode(width0, 2, 10, 0, out, &err), HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_dict_indices_decode(width0, 0, 1, 1, out, &err), HY_EFORMAT);
	assert_true(has(&err, "no bit width byte"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_dict_indices_decode(NULL, 0, 0, 0, out, &err), 0);
	/* Encoder: an index past the dictionary is refused. */
	hy_buf_clear(&b);
	assert_int_equal(hy_pq_dict_indices_encode(idx, 1000, 299, &b, &err), HY_EINVAL);
	assert_int_equal(b.len, 0);
	/* One-entry dictionary: width 0. */
	hy_error_init(&err);
	memset(idx, 0, sizeof(idx));
	assert_int_equal(hy_pq_dict_indices_encode(idx, 1000, 1, &b, &err), 0);
	assert_int_equal(b.data[0], 0);
	assert_int_equal(hy_pq_dict_indices_decode(b.data, b.len, 1000, 1, out, &err), 0);
	assert_int_equal(out[999], 0);
	assert_int_equal(hy_pq_bit_width(0), 0);
	assert_int_equal(hy_pq_bit_width(1), 1);
	assert_int_equal(hy_pq_bit_width(255), 8);
	assert_int_equal(hy_pq_bit_width(256), 9);
	assert_int_equal(hy_pq_bit_width(UINT64_MAX), 64);
	hy_buf_reset(&b);
}

/* ---- PLAIN ---- */

static void test_plain_bool(void **state)
{
	static const uint8_t v[9] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
	uint8_t out[9];
	struct hy_error err = {0};
	struct hy_buf b;
	size_t used;

	(void)state;
	hy_buf_init(&b, BUF_MAX);
	assert_int_equal(hy_pq_plain_encode_bool(v, 9, &b, &err), 0);
	assert_int_equal(b.len, 2);
	assert_int_equal(b.data[0], 0x0D);
	assert_int_equal(b.data[1], 0x01);
	assert_int_equal(hy_pq_plain_decode_bool(b.data, b.len, 9, out, &used, &err), 0);
	assert_memory_equal(out, v, 9);
	assert_int_equal(used, 2);
	assert_int_equal(hy_pq_plain_decode_bool(b.data, 1, 9, out, &used, &err), HY_EFORMAT);
	assert_true(has(&err, "PLAIN BOOLEAN: 9 values need 2 bytes, 1 given"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_plain_decode_bool(NULL, 0, 0, out, &used, &err), 0);
	assert_int_equal(used, 0);
	hy_buf_reset(&b);
}

static void check_fixed(const void *v, size_t n, size_t width)
{
	struct hy_error err = {0};
	struct hy_buf b;
	uint8_t *out = xcalloc(n, width);
	size_t used;

	hy_buf_init(&b, BUF_MAX);
	assert_int_equal(hy_pq_plain_encode_fixed(v, n, width, &b, &err), 0);
	assert_int_equal(b.len, n * width);
	assert_int_equal(hy_pq_plain_decode_fixed(b.data, b.len, n, width, out, &used, &err), 0);
	assert_memory_equal(out, v, n * width);
	assert_int_equal(used, n * width);
	for (size_t cut = 0; cut < b.len; cut++) {
		hy_error_init(&err);
		assert_int_equal(hy_pq_plain_decode_fixed(b.data, cut, n, width, out, &used, &err),
				 HY_EFORMAT);
		assert_true(has(&err, "PLAIN:"));
	}
	free(out);
	hy_buf_reset(&b);
}

static void test_plain_fixed(void **state)
{
	int32_t i32[] = {0, 1, -1, INT32_MIN, INT32_MAX, 42};
	int64_t i64[] = {0, 1, -1, INT64_MIN, INT64_MAX, 1234567890123};
	float f32[] = {0.0f, -0.0f, 1.5f, FLT_MAX, -FLT_MIN, NAN, INFINITY};
	double f64[] = {0.0, -0.0, 1.5, DBL_MAX, -DBL_MIN, NAN, -INFINITY};
	uint8_t i96[3 * 12], flba[4 * 5];
	struct hy_error err = {0};
	int32_t out[2];
	static const uint8_t le[] = {0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xff};

	(void)state;
	for (size_t i = 0; i < sizeof(i96); i++)
		i96[i] = (uint8_t)rnd();
	for (size_t i = 0; i < sizeof(flba); i++)
		flba[i] = (uint8_t)rnd();
	check_fixed(i32, 6, 4);
	check_fixed(i64, 6, 8);
	check_fixed(f32, 7, 4);
	check_fixed(f64, 7, 8);
	check_fixed(i96, 3, 12);
	check_fixed(flba, 4, 5);
	/* Little-endian on the wire. */
	assert_int_equal(hy_pq_plain_decode_fixed(le, 8, 2, 4, out, NULL, &err), 0);
	assert_int_equal(out[0], 0x04030201);
	assert_int_equal(out[1], -1);
	assert_int_equal(hy_pq_plain_decode_fixed(le, 8, 1, 0, out, NULL, &err), HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_plain_decode_fixed(le, 8, SIZE_MAX, 8, out, NULL, &err), HY_EFORMAT);
}

static void test_plain_byte_array(void **state)
{
	static const char bytes[] = "helloworld\0binary";
	int32_t offs[] = {0, 5, 5, 10, 18}, out_offs[5];
	static const uint8_t huge_len[] = {0xff, 0xff, 0xff, 0xff, 'a'};
	struct hy_error err = {0};
	struct hy_buf enc, data;
	size_t used;

	(void)state;
	hy_buf_init(&enc, BUF_MAX);
	hy_buf_init(&data, BUF_MAX);
	assert_int_equal(hy_pq_plain_encode_byte_array(offs, (const uint8_t *)bytes, 4, &enc, &err),
			 0);
	assert_int_equal(enc.len, 16 + 18);
	assert_int_equal(enc.data[0], 5);
	assert_int_equal(enc.data[9], 0); /* the empty string's length */
	/* Appends after bytes already held: offsets are absolute. */
	assert_int_equal(hy_buf_append(&data, "xyz", 3, &err), 0);
	assert_int_equal(
		hy_pq_plain_decode_byte_array(enc.data, enc.len, 4, out_offs, &data, &used, &err),
		0);
	assert_int_equal(used, enc.len);
	assert_int_equal(out_offs[0], 3);
	assert_int_equal(out_offs[1], 8);
	assert_int_equal(out_offs[2], 8);
	assert_int_equal(out_offs[4], 21);
	assert_int_equal(data.len, 21);
	assert_memory_equal(data.data + 3, bytes, 18);
	/* Every truncation is an error and appends nothing. */
	for (size_t cut = 0; cut < enc.len; cut++) {
		hy_error_init(&err);
		assert_int_equal(hy_pq_plain_decode_byte_array(enc.data, cut, 4, out_offs, &data,
							       &used, &err),
				 HY_EFORMAT);
		assert_true(has(&err, "PLAIN BYTE_ARRAY"));
		assert_int_equal(data.len, 21);
	}
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_plain_decode_byte_array(huge_len, 5, 1, out_offs, &data, &used, &err),
		HY_EFORMAT);
	assert_true(has(&err, "value 0 has length 4294967295, 1 bytes left"));
	/* The output buffer's cap holds. */
	hy_buf_reset(&data);
	hy_buf_init(&data, 10);
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_plain_decode_byte_array(enc.data, enc.len, 4, out_offs, &data, &used, &err),
		HY_ELIMIT);
	hy_buf_reset(&data);
	hy_buf_reset(&enc);
}

static void test_plain_byte_array_alloc_failure(void **state)
{
	static const uint8_t src[] = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0};
	int32_t offs[3];
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_error err = {0};
		struct hy_buf data;

		hy_buf_init(&data, BUF_MAX);
		rc = hy_pq_plain_decode_byte_array(src, sizeof(src), 2, offs, &data, NULL, &err);
		if (rc == 0)
			assert_int_equal(offs[2], 3);
		hy_buf_reset(&data);
	});
}

/* ---- DELTA_BINARY_PACKED ---- */

static void test_dbp_spec_examples(void **state)
{
	/* Encodings.md's examples use a block size of 8, which the spec itself
	 * calls invalid; a reader rejects it. */
	static const uint8_t ex1_spec[] = {0x08, 0x01, 0x05, 0x02, 0x02, 0x00};
	/* Example 1 (1..5) with a valid block of 128 values, 1 miniblock. */
	static const uint8_t ex1[] = {0x80, 0x01, 0x01, 0x05, 0x02, 0x02, 0x00};
	/* Example 2 (7 5 3 1 2 3 4 5): min delta -2 (zigzag 3), width 2,
	 * relative deltas 0 0 0 3 3 3 3 packed LSB first, padded to 128. */
	uint8_t ex2[7 + 32] = {0x80, 0x01, 0x01, 0x08, 0x0e, 0x03, 0x02, 0xC0, 0x3F};
	int64_t out[8];
	int32_t out32[8];
	struct hy_error err = {0};
	size_t used;

	(void)state;
	assert_int_equal(hy_pq_delta_decode_int64(ex1_spec, sizeof(ex1_spec), 5, out, &used, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg,
			    "DELTA_BINARY_PACKED: block size 8 is not a positive multiple of 128");
	hy_error_init(&err);
	assert_int_equal(hy_pq_delta_decode_int64(ex1, sizeof(ex1), 5, out, &used, &err), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], i + 1);
	assert_int_equal(used, sizeof(ex1));
	assert_int_equal(hy_pq_delta_decode_int32(ex2, sizeof(ex2), 8, out32, &used, &err), 0);
	assert_int_equal(out32[0], 7);
	assert_int_equal(out32[1], 5);
	assert_int_equal(out32[2], 3);
	assert_int_equal(out32[3], 1);
	assert_int_equal(out32[4], 2);
	assert_int_equal(out32[7], 5);
	assert_int_equal(used, sizeof(ex2));
}

static void check_dbp64(const int64_t *v, size_t n)
{
	struct hy_error err = {0};
	struct hy_buf b;
	int64_t *out = xcalloc(n, 8);
	uint64_t total;
	size_t used;

	hy_buf_init(&b, BUF_MAX);
	assert_int_equal(hy_pq_delta_encode_int64(v, n, &b, &err), 0);
	assert_int_equal(hy_pq_delta_peek_count(b.data, b.len, &total, &err), 0);
	assert_int_equal(total, n);
	/* Bytes after the stream are not consumed. */
	assert_int_equal(hy_buf_append(&b, "tail", 4, &err), 0);
	assert_int_equal(hy_pq_delta_decode_int64(b.data, b.len, n, out, &used, &err), 0);
	assert_memory_equal(out, v, n * 8);
	assert_int_equal(used, b.len - 4);
	free(out);
	hy_buf_reset(&b);
}

static void check_dbp32(const int32_t *v, size_t n)
{
	struct hy_error err = {0};
	struct hy_buf b;
	int32_t *out = xcalloc(n, 4);
	size_t used;

	hy_buf_init(&b, BUF_MAX);
	assert_int_equal(hy_pq_delta_encode_int32(v, n, &b, &err), 0);
	assert_int_equal(hy_pq_delta_decode_int32(b.data, b.len, n, out, &used, &err), 0);
	assert_memory_equal(out, v, n * 4);
	assert_int_equal(used, b.len);
	free(out);
	hy_buf_reset(&b);
}

static void test_dbp_round_trip(void **state)
{
	static const size_t counts[] = {0, 1, 2, 31, 32, 33, 128, 129, 130, 1000, 4097};
	int64_t *v64 = xcalloc(4097, 8);
	int32_t *v32 = xcalloc(4097, 4);

	(void)state;
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		size_t n = counts[c];

		for (int shape = 0; shape < 5; shape++) {
			for (size_t i = 0; i < n; i++) {
				uint64_t r = rnd();

				switch (shape) {
				case 0: v64[i] = (int64_t)r; break;
				case 1: v64[i] = (int64_t)(i * 3) - 100; break;
				case 2: v64[i] = i % 2 ? INT64_MIN : INT64_MAX; break;
				case 3: v64[i] = (int64_t)(r % 1000) - 500; break;
				default: v64[i] = 7; break;
				}
				v32[i] = shape == 2 ? (i % 2 ? INT32_MIN : INT32_MAX)
						    : (int32_t)(uint32_t)v64[i];
			}
			check_dbp64(v64, n);
			check_dbp32(v32, n);
		}
	}
	free(v64);
	free(v32);
}

static void test_dbp_last_block_garbage(void **state)
{
	/* 128-value blocks of 4 miniblocks, 3 values from 10: deltas 1 and 2
	 * (min delta 1, relative 0 and 1) in miniblock 0 at width 1 with
	 * padding bits set; the widths of the three unused miniblocks are
	 * garbage and they carry no data. */
	static const uint8_t src[] = {0x80, 0x01, 0x04, 0x03, 0x14, 0x02, 0x01, 0xff, 0xff,
				      0xff, 0xFE, 0xff, 0xff, 0xff, 'n',  'e',  'x',  't'};
	int64_t out[3];
	int32_t out32[3];
	struct hy_error err = {0};
	size_t used;

	(void)state;
	assert_int_equal(hy_pq_delta_decode_int64(src, sizeof(src), 3, out, &used, &err), 0);
	assert_int_equal(out[0], 10);
	assert_int_equal(out[1], 11);
	assert_int_equal(out[2], 13);
	assert_int_equal(used, sizeof(src) - 4);
	assert_int_equal(hy_pq_delta_decode_int32(src, sizeof(src), 3, out32, &used, &err), 0);
	assert_int_equal(out32[2], 13);
}

static void test_dbp_wrap_around(void **state)
{
	/* INT32: INT32_MAX then INT32_MIN is a delta of +1 mod 2^32; INT64
	 * extremes need 64-bit miniblocks. Hand-made: first INT32_MAX
	 * (zigzag 0xFFFFFFFE), min delta 1, width 0. */
	static const uint8_t src[] = {0x80, 0x01, 0x04, 0x02, 0xfe, 0xff, 0xff,
				      0xff, 0x0f, 0x02, 0x00, 0x00, 0x00, 0x00};
	int32_t out[2];
	int64_t ext[] = {INT64_MAX, INT64_MIN, INT64_MAX, 0, INT64_MIN};
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_pq_delta_decode_int32(src, sizeof(src), 2, out, NULL, &err), 0);
	assert_int_equal(out[0], INT32_MAX);
	assert_int_equal(out[1], INT32_MIN);
	check_dbp64(ext, 5);
}

static void test_dbp_hostile(void **state)
{
	static const uint8_t w65[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 65, 0, 0, 0};
	static const uint8_t w33[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 33, 0, 0, 0};
	static const uint8_t bad_mini[] = {0x80, 0x01, 0x03, 0x02, 0x00};
	static const uint8_t mini16[] = {0x80, 0x01, 0x08, 0x02, 0x00};
	static const uint8_t huge_block[] = {0x80, 0x80, 0x80, 0x80, 0x01, 0x01, 0x02, 0x00};
	static const uint8_t huge_total[] = {0x80, 0x01, 0x04, 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff, 0xff, 0x01, 0x00};
	int64_t out[300], v[300];
	int32_t out32[2];
	struct hy_error err = {0};
	struct hy_buf b;

	(void)state;
	assert_int_equal(hy_pq_delta_decode_int64(w65, sizeof(w65), 2, out, NULL, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg, "DELTA_BINARY_PACKED: miniblock bit width 65 > 64");
	hy_error_init(&err);
	assert_int_equal(hy_pq_delta_decode_int32(w33, sizeof(w33), 2, out32, NULL, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg, "DELTA_BINARY_PACKED: miniblock bit width 33 > 32");
	hy_error_init(&err);
	assert_int_equal(hy_pq_delta_decode_int64(bad_mini, sizeof(bad_mini), 2, out, NULL, &err),
			 HY_EFORMAT);
	assert_true(has(&err, "3 miniblocks per block of 128"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_delta_decode_int64(mini16, sizeof(mini16), 2, out, NULL, &err),
			 HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_delta_decode_int64(huge_block, sizeof(huge_block), 2, out, NULL, &err),
		HY_ELIMIT);
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_delta_decode_int64(huge_total, sizeof(huge_total), 2, out, NULL, &err),
		HY_EFORMAT);
	assert_true(has(&err, "total count 1125899906842623, expected 2"));
	/* Every truncation of a valid stream is a clean error. */
	hy_buf_init(&b, BUF_MAX);
	for (int i = 0; i < 300; i++)
		v[i] = (int64_t)rnd() >> (i % 60);
	assert_int_equal(hy_pq_delta_encode_int64(v, 300, &b, &err), 0);
	for (size_t cut = 0; cut < b.len; cut++) {
		uint8_t *copy = xcalloc(cut, 1);

		memcpy(copy, b.data, cut);
		hy_error_init(&err);
		assert_int_equal(hy_pq_delta_decode_int64(copy, cut, 300, out, NULL, &err),
				 HY_EFORMAT);
		assert_true(has(&err, "DELTA_BINARY_PACKED"));
		free(copy);
	}
	/* All-null page: no stream at all. */
	assert_int_equal(hy_pq_delta_decode_int64(NULL, 0, 0, out, NULL, &err), 0);
	hy_buf_reset(&b);
}

/* ---- DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY ---- */

static void encode_dlba(const char *const *s, size_t n, struct hy_buf *b)
{
	struct hy_error err = {0};
	int32_t lens[16] = {0};

	for (size_t i = 0; i < n; i++)
		lens[i] = (int32_t)strlen(s[i]);
	assert_int_equal(hy_pq_delta_encode_int32(lens, n, b, &err), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hy_buf_append(b, s[i], strlen(s[i]), &err), 0);
}

static void test_delta_length_byte_array(void **state)
{
	static const char *const words[] = {"Hello", "World", "Foobar", "ABCDEF", ""};
	int32_t offs[6];
	struct hy_error err = {0};
	struct hy_buf enc, data;
	size_t used;

	(void)state;
	hy_buf_init(&enc, BUF_MAX);
	hy_buf_init(&data, BUF_MAX);
	encode_dlba(words, 5, &enc);
	assert_memory_equal(enc.data + enc.len - 22, "HelloWorldFoobarABCDEF", 22);
	assert_int_equal(hy_buf_append(&enc, "??", 2, &err), 0);
	assert_int_equal(hy_pq_delta_length_decode(enc.data, enc.len, 5, offs, &data, &used, &err),
			 0);
	assert_int_equal(used, enc.len - 2);
	assert_int_equal(offs[0], 0);
	assert_int_equal(offs[3], 16);
	assert_int_equal(offs[4], 22);
	assert_int_equal(offs[5], 22);
	assert_memory_equal(data.data, "HelloWorldFoobarABCDEF", 22);
	/* Cut into the bytes: the lengths no longer fit. */
	for (size_t cut = 0; cut < enc.len - 2; cut++) {
		hy_error_init(&err);
		assert_int_equal(
			hy_pq_delta_length_decode(enc.data, cut, 5, offs, &data, &used, &err),
			HY_EFORMAT);
		assert_int_equal(data.len, 22);
	}
	assert_true(has(&err, "DELTA_LENGTH_BYTE_ARRAY: lengths of the first 4 values add up"));
	hy_buf_reset(&enc);
	hy_buf_reset(&data);
}

static void test_delta_length_negative(void **state)
{
	int32_t lens[2] = {3, -1}, offs[3];
	struct hy_error err = {0};
	struct hy_buf enc, data;

	(void)state;
	hy_buf_init(&enc, BUF_MAX);
	hy_buf_init(&data, BUF_MAX);
	assert_int_equal(hy_pq_delta_encode_int32(lens, 2, &enc, &err), 0);
	assert_int_equal(hy_buf_append(&enc, "abcdef", 6, &err), 0);
	assert_int_equal(hy_pq_delta_length_decode(enc.data, enc.len, 2, offs, &data, NULL, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg, "DELTA_LENGTH_BYTE_ARRAY: value 1 has length -1");
	hy_buf_reset(&enc);
	hy_buf_reset(&data);
}

static void encode_dba(const int32_t *prefix, const char *const *suffix, size_t n, struct hy_buf *b)
{
	struct hy_error err = {0};

	assert_int_equal(hy_pq_delta_encode_int32(prefix, n, b, &err), 0);
	encode_dlba(suffix, n, b);
}

static void test_delta_byte_array(void **state)
{
	/* Encodings.md: axis axle babble babyhood. */
	static const int32_t prefix[] = {0, 2, 0, 3};
	static const char *const suffix[] = {"axis", "le", "babble", "yhood"};
	static const int32_t bad_prefix[] = {0, 5};
	static const char *const bad_suffix[] = {"axis", "x"};
	int32_t offs[5], scratch[4];
	struct hy_error err = {0};
	struct hy_buf enc, data;
	size_t used;

	(void)state;
	hy_buf_init(&enc, BUF_MAX);
	hy_buf_init(&data, BUF_MAX);
	encode_dba(prefix, suffix, 4, &enc);
	assert_memory_equal(enc.data + enc.len - 17, "axislebabbleyhood", 17);
	assert_int_equal(hy_pq_delta_byte_array_decode(enc.data, enc.len, 4, 0, offs, scratch,
						       &data, &used, &err),
			 0);
	assert_int_equal(used, enc.len);
	assert_int_equal(data.len, 22);
	assert_memory_equal(data.data, "axisaxlebabblebabyhood", 22);
	assert_int_equal(offs[1], 4);
	assert_int_equal(offs[2], 8);
	assert_int_equal(offs[3], 14);
	/* As FIXED_LEN_BYTE_ARRAY(4) the 3rd value has the wrong length. */
	assert_int_equal(hy_pq_delta_byte_array_decode(enc.data, enc.len, 4, 4, offs, scratch,
						       &data, &used, &err),
			 HY_EFORMAT);
	assert_true(has(&err, "value 2 has 6 bytes, FIXED_LEN_BYTE_ARRAY(4)"));
	assert_int_equal(data.len, 22);
	for (size_t cut = 0; cut < enc.len; cut++) {
		hy_error_init(&err);
		assert_int_equal(hy_pq_delta_byte_array_decode(enc.data, cut, 4, 0, offs, scratch,
							       &data, &used, &err),
				 HY_EFORMAT);
	}
	/* A prefix longer than the previous value. */
	hy_buf_clear(&enc);
	hy_error_init(&err);
	encode_dba(bad_prefix, bad_suffix, 2, &enc);
	assert_int_equal(hy_pq_delta_byte_array_decode(enc.data, enc.len, 2, 0, offs, scratch,
						       &data, &used, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg, "DELTA_BYTE_ARRAY: prefix length 5 of value 1 > 4, the "
				     "length of the previous value");
	/* All-null page. */
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_delta_byte_array_decode(NULL, 0, 0, 0, offs, scratch, &data, &used, &err), 0);
	assert_int_equal(offs[0], 22);
	hy_buf_reset(&enc);
	hy_buf_reset(&data);
}

static void test_delta_byte_array_alloc_failure(void **state)
{
	static const int32_t prefix[] = {0, 2, 0, 3};
	static const char *const suffix[] = {"axis", "le", "babble", "yhood"};
	struct hy_buf enc;
	int32_t offs[5], scratch[4];
	int rc;

	(void)state;
	hy_buf_init(&enc, BUF_MAX);
	encode_dba(prefix, suffix, 4, &enc);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_error err = {0};
		struct hy_buf data;

		hy_buf_init(&data, BUF_MAX);
		rc = hy_pq_delta_byte_array_decode(enc.data, enc.len, 4, 0, offs, scratch, &data,
						   NULL, &err);
		hy_buf_reset(&data);
	});
	hy_buf_clear(&enc);
	encode_dlba(suffix, 4, &enc);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_error err = {0};
		struct hy_buf data;

		hy_buf_init(&data, BUF_MAX);
		rc = hy_pq_delta_length_decode(enc.data, enc.len, 4, offs, &data, NULL, &err);
		if (rc == 0)
			assert_int_equal(offs[4], 17);
		hy_buf_reset(&data);
	});
	hy_buf_reset(&enc);
}

static void test_encoders_alloc_failure(void **state)
{
	int64_t v[300];
	uint32_t lv[300];
	int rc;

	(void)state;
	for (int i = 0; i < 300; i++) {
		v[i] = (int64_t)rnd();
		lv[i] = (uint32_t)(i / 50);
	}
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_error err = {0};
		struct hy_buf b;

		hy_buf_init(&b, BUF_MAX);
		rc = hy_pq_delta_encode_int64(v, 300, &b, &err);
		hy_buf_reset(&b);
	});
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_error err = {0};
		struct hy_buf b;

		hy_buf_init(&b, BUF_MAX);
		rc = hy_pq_rle_encode_prefixed(lv, 300, 3, &b, &err);
		hy_buf_reset(&b);
	});
}

/* ---- BYTE_STREAM_SPLIT ---- */

static void test_bss(void **state)
{
	/* Encodings.md's example. */
	static const uint8_t values[] = {0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11,
					 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6};
	static const uint8_t split[] = {0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4,
					0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6};
	static const size_t widths[] = {2, 4, 5, 8, 16};
	uint8_t out[12];
	struct hy_error err = {0};
	struct hy_buf b;

	(void)state;
	hy_buf_init(&b, BUF_MAX);
	assert_int_equal(hy_pq_bss_encode(values, 3, 4, &b, &err), 0);
	assert_memory_equal(b.data, split, 12);
	assert_int_equal(hy_pq_bss_decode(split, 12, 3, 4, out, &err), 0);
	assert_memory_equal(out, values, 12);
	assert_int_equal(hy_pq_bss_decode(split, 11, 3, 4, out, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "BYTE_STREAM_SPLIT: 11 bytes are not 3 values of 4 bytes");
	hy_error_init(&err);
	assert_int_equal(hy_pq_bss_decode(split, 12, 2, 4, out, &err), HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_bss_decode(split, 12, SIZE_MAX / 2, 4, out, &err), HY_EFORMAT);
	hy_error_init(&err);
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		size_t n = 257, k = widths[w];
		uint8_t *v = xcalloc(n, k), *o = xcalloc(n, k);

		for (size_t i = 0; i < n * k; i++)
			v[i] = (uint8_t)rnd();
		hy_buf_clear(&b);
		assert_int_equal(hy_pq_bss_encode(v, n, k, &b, &err), 0);
		assert_int_equal(hy_pq_bss_decode(b.data, b.len, n, k, o, &err), 0);
		assert_memory_equal(o, v, n * k);
		free(v);
		free(o);
	}
	assert_int_equal(hy_pq_bss_decode(NULL, 0, 0, 8, out, &err), 0);
	hy_buf_reset(&b);
}

/* ---- real files of the parquet-testing corpus ---- */

static uint8_t *load_or_note(const char *name, size_t *n, size_t *footer)
{
	uint8_t *p = t_load(name, n, footer);

	if (p == NULL) /* the corpus is committed: a missing file is a failure */
		fail_msg("%s not found under %s/parquet-testing", name, HY_TEST_DATA_DIR);
	return p;
}

/* Reads the field `col` of a CSV line (quoted or bare, no escapes); returns
 * its length, or -1 for a bare empty field (a null). */
static int csv_field(const char *line, int col, char *out, size_t cap)
{
	const char *q = line;
	size_t k = 0;
	int quoted;

	for (int c = 0; c < col; c++) {
		int inq = 0;

		while (*q != 0 && (inq || *q != ',')) {
			if (*q == '"')
				inq = !inq;
			q++;
		}
		assert_int_equal(*q, ',');
		q++;
	}
	quoted = *q == '"';
	if (quoted)
		q++;
	while (*q != 0 && *q != '\n' && *q != '\r' && (quoted ? *q != '"' : *q != ',')) {
		assert_true(k + 1 < cap);
		out[k++] = *q++;
	}
	out[k] = 0;
	return !quoted && k == 0 ? -1 : (int)k;
}

static char *read_text(const char *name)
{
	char path[512];
	FILE *f;
	char *text;
	long sz;

	snprintf(path, sizeof(path), "%s/parquet-testing/data/%s", HY_TEST_DATA_DIR, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(path, sizeof(path), "%s/parquet-testing/%s", HY_TEST_DATA_DIR, name);
		f = fopen(path, "rb");
	}
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	rewind(f);
	text = xcalloc((size_t)sz + 1, 1);
	assert_int_equal(fread(text, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	return text;
}

/* Line `row` (0 = header) of a text. */
static const char *line_at(const char *text, int row)
{
	for (int r = 0; r < row; r++) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	return text;
}

/* delta_binary_packed.parquet (parquet-mr 1.10): 66 v2 pages, one per
 * column, INT64 with miniblock widths 0..64 and an INT32 column, 200 values
 * in 2 blocks with a partial last one; checked against the _expect.csv. */
static void test_real_delta_binary_packed(void **state)
{
	size_t n = 0, footer = 0, pos = 4;
	uint8_t *p = load_or_note("delta_binary_packed.parquet", &n, &footer);
	char *csv, field[64];
	int64_t v[200];
	int32_t v32[200];
	struct tpage pg;

	(void)state;
	csv = read_text("delta_binary_packed_expect.csv");
	for (int col = 0; col < 66; col++) {
		struct hy_error err = {0};
		size_t used;
		const uint8_t *body;
		size_t len;

		assert_int_equal(t_page(p, n, &pos, &pg), 0);
		assert_int_equal(pg.type, 3);
		assert_int_equal(pg.encoding, 5);
		assert_int_equal(pg.num_values, 200);
		body = p + pos + pg.def_len + pg.rep_len;
		len = (size_t)(pg.csize - pg.def_len - pg.rep_len);
		if (col < 65)
			assert_int_equal(hy_pq_delta_decode_int64(body, len, 200, v, &used, &err),
					 0);
		else
			assert_int_equal(hy_pq_delta_decode_int32(body, len, 200, v32, &used, &err),
					 0);
		assert_int_equal(used, len);
		for (int r = 0; r < 200; r++) {
			long long want;

			assert_true(csv_field(line_at(csv, r + 1), col, field, sizeof(field)) > 0);
			want = strtoll(field, NULL, 10);
			if (col < 65)
				assert_int_equal(v[r], want);
			else
				assert_int_equal(v32[r], want);
		}
		pos += (size_t)pg.csize;
	}
	free(csv);
	free(p);
}

/* delta_byte_array.parquet: 9 v2 pages of DELTA_BYTE_ARRAY strings with
 * nulls (one column all null), checked against the _expect.csv. */
static void test_real_delta_byte_array(void **state)
{
	size_t n = 0, footer = 0, pos = 4;
	uint8_t *p = load_or_note("delta_byte_array.parquet", &n, &footer);
	char *csv, field[256];
	int32_t offs[1001], scratch[1000];
	struct hy_buf data;
	struct tpage pg;

	(void)state;
	csv = read_text("delta_byte_array_expect.csv");
	hy_buf_init(&data, BUF_MAX);
	for (int col = 0; col < 9; col++) {
		struct hy_error err = {0};
		size_t used, count, len, k = 0;
		const uint8_t *body;

		assert_int_equal(t_page(p, n, &pos, &pg), 0);
		assert_int_equal(pg.encoding, 7);
		count = (size_t)(pg.num_values - pg.num_nulls);
		body = p + pos + pg.def_len + pg.rep_len;
		len = (size_t)(pg.csize - pg.def_len - pg.rep_len);
		hy_buf_clear(&data);
		assert_int_equal(hy_pq_delta_byte_array_decode(body, len, count, 0, offs, scratch,
							       &data, &used, &err),
				 0);
		assert_int_equal(used, len);
		for (int r = 0; r < 1000; r++) {
			int flen = csv_field(line_at(csv, r + 1), col, field, sizeof(field));

			if (flen < 0)
				continue;
			assert_true(k < count);
			assert_int_equal(offs[k + 1] - offs[k], flen);
			assert_memory_equal(data.data + offs[k], field, (size_t)flen);
			k++;
		}
		assert_int_equal(k, count);
		pos += (size_t)pg.csize;
	}
	hy_buf_reset(&data);
	free(csv);
	free(p);
}

/* Decompresses a v1 page and splits it into def levels (u32-prefixed RLE,
 * width 1) and values; returns the values and their count. */
static uint8_t *v1_values(const uint8_t *p, const struct tpage *pg, int codec, size_t *count,
			  size_t *len)
{
	uint8_t *page = xcalloc((size_t)pg->usize, 1);
	uint32_t *levels = xcalloc((size_t)pg->num_values, 4);
	struct hy_error err = {0};
	size_t used, present = 0;

	assert_int_equal(hy_pq_decompress(codec, p + pg->body, (size_t)pg->csize, page,
					  (size_t)pg->usize, &err),
			 0);
	assert_int_equal(hy_pq_rle_decode_prefixed(page, (size_t)pg->usize, 1,
						   (size_t)pg->num_values, levels, &used, &err),
			 0);
	for (int i = 0; i < pg->num_values; i++)
		present += levels[i];
	*count = present;
	*len = (size_t)pg->usize - used;
	memmove(page, page + used, *len);
	free(levels);
	return page;
}

/* byte_stream_split_extended.gzip.parquet: each BYTE_STREAM_SPLIT column
 * (FLOAT16, FLOAT, DOUBLE, INT32, INT64, FLBA) follows its PLAIN twin. */
static void test_real_byte_stream_split(void **state)
{
	size_t n = 0, footer = 0, pos = 4, pairs = 0;
	uint8_t *p = load_or_note("byte_stream_split_extended.gzip.parquet", &n, &footer);
	struct tpage plain = {0}, bss;

	(void)state;
	while (pos < footer) {
		size_t pc, pl, bc, bl;
		uint8_t *pv, *bv, *out;
		struct hy_error err = {0};

		/* Writers put a copy of the ColumnMetaData after each chunk; it
		 * parses as a "page" of 0 bytes. */
		assert_int_equal(t_page(p, n, &pos, &bss), 0);
		pos += (size_t)bss.csize;
		if (bss.csize == 0)
			continue;
		if (bss.encoding == 0) {
			plain = bss;
			continue;
		}
		assert_int_equal(bss.encoding, 9);
		pv = v1_values(p, &plain, HY_PQ_CODEC_GZIP, &pc, &pl);
		bv = v1_values(p, &bss, HY_PQ_CODEC_GZIP, &bc, &bl);
		assert_int_equal(pc, bc);
		assert_int_equal(pl, bl);
		assert_true(pc > 0 && pl % pc == 0);
		out = xcalloc(bl, 1);
		assert_int_equal(hy_pq_bss_decode(bv, bl, bc, bl / bc, out, &err), 0);
		assert_memory_equal(out, pv, pl);
		free(out);
		free(pv);
		free(bv);
		pairs++;
	}
	assert_true(pairs >= 6);
	free(p);
}

/* rle_boolean_encoding.parquet: RLE booleans in a v2 page carry the u32
 * length prefix (Encodings.md's table). */
static void test_real_rle_boolean(void **state)
{
	size_t n = 0, footer = 0, pos = 4, used, vlen;
	uint8_t *p = load_or_note("rle_boolean_encoding.parquet", &n, &footer), *values;
	uint32_t out[68];
	struct hy_error err = {0};
	struct tpage pg;
	size_t levels, count, trues = 0;

	(void)state;
	assert_int_equal(t_page(p, n, &pos, &pg), 0);
	assert_int_equal(pg.encoding, 3);
	levels = (size_t)(pg.def_len + pg.rep_len);
	vlen = (size_t)pg.usize - levels;
	values = xcalloc(vlen, 1);
	assert_int_equal(hy_pq_decompress(HY_PQ_CODEC_GZIP, p + pos + levels,
					  (size_t)pg.csize - levels, values, vlen, &err),
			 0);
	count = (size_t)(pg.num_values - pg.num_nulls);
	assert_int_equal(hy_pq_rle_decode_prefixed(values, vlen, 1, count, out, &used, &err), 0);
	assert_int_equal(used, vlen);
	for (size_t i = 0; i < count; i++) {
		assert_true(out[i] <= 1);
		trues += out[i];
	}
	assert_true(trues > 0 && trues < count);
	free(values);
	free(p);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_rle_spec_vectors),
	cmocka_unit_test(test_rle_encoder_choices),
	cmocka_unit_test(test_rle_round_trip),
	cmocka_unit_test(test_rle_runs_overrun_count),
	cmocka_unit_test(test_rle_width_zero),
	cmocka_unit_test(test_rle_hostile),
	cmocka_unit_test(test_bit_packed_spec),
	cmocka_unit_test(test_dict_indices),
	cmocka_unit_test(test_plain_bool),
	cmocka_unit_test(test_plain_fixed),
	cmocka_unit_test(test_plain_byte_array),
	cmocka_unit_test(test_plain_byte_array_alloc_failure),
	cmocka_unit_test(test_dbp_spec_examples),
	cmocka_unit_test(test_dbp_round_trip),
	cmocka_unit_test(test_dbp_last_block_garbage),
	cmocka_unit_test(test_dbp_wrap_around),
	cmocka_unit_test(test_dbp_hostile),
	cmocka_unit_test(test_delta_length_byte_array),
	cmocka_unit_test(test_delta_length_negative),
	cmocka_unit_test(test_delta_byte_array),
	cmocka_unit_test(test_delta_byte_array_alloc_failure),
	cmocka_unit_test(test_encoders_alloc_failure),
	cmocka_unit_test(test_bss),
	cmocka_unit_test(test_real_delta_binary_packed),
	cmocka_unit_test(test_real_delta_byte_array),
	cmocka_unit_test(test_real_byte_stream_split),
	cmocka_unit_test(test_real_rle_boolean),
};
HY_TEST_MAIN(tests)
