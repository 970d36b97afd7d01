/* The RLE / bit-packing hybrid and legacy BIT_PACKED decoders. */
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "../../src/formats/parquet/pq_int.h"

static void test_spec_examples(void **state)
{
	/* values 0..7 at width 3, one bit-packed group: header 3 + 0x88 0xC6 0xFA */
	static const uint8_t packed[] = {0x03, 0x88, 0xc6, 0xfa};
	/* 0..7 at width 3, MSB-first BIT_PACKED: 0x05 0x39 0x77 */
	static const uint8_t msb[] = {0x05, 0x39, 0x77};
	/* RLE run: 5 x 7 at width 3 */
	static const uint8_t rle[] = {0x0a, 0x07};
	struct hy_error err = {0};
	struct hy__pq_rle r;
	uint32_t out[8];

	(void)state;
	hy__pq_rle_init(&r, packed, sizeof(packed), 3);
	assert_int_equal(hy__pq_rle_get(&r, out, 8, &err), 0);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(hy__pq_bit_packed_msb(msb, sizeof(msb), 3, out, 8, &err), 0);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(out[i], i);
	hy__pq_rle_init(&r, rle, sizeof(rle), 3);
	assert_int_equal(hy__pq_rle_get(&r, out, 2, &err), 0);
	assert_int_equal(hy__pq_rle_get(&r, out + 2, 3, &err), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], 7);
	assert_int_equal(hy__pq_rle_get(&r, out, 1, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "RLE data holds 0 of the 1 values wanted");
}

static void test_padding_and_width_zero(void **state)
{
	/* 3 values wanted from a padded group of 8 at width 1 */
	static const uint8_t pad[] = {0x03, 0xfd};
	/* width 0: RLE run of 1000 zeros (no value bytes) and a packed run of 0 bytes */
	static const uint8_t zero[] = {0xd0, 0x0f, 0x03};
	struct hy_error err = {0};
	struct hy__pq_rle r;
	uint32_t out[1008];

	(void)state;
	hy__pq_rle_init(&r, pad, sizeof(pad), 1);
	assert_int_equal(hy__pq_rle_get(&r, out, 3, &err), 0);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 1);
	hy__pq_rle_init(&r, zero, sizeof(zero), 0);
	memset(out, 0xff, sizeof(out));
	assert_int_equal(hy__pq_rle_get(&r, out, 1008, &err), 0);
	for (int i = 0; i < 1008; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(hy__pq_bit_width(0), 0);
	assert_int_equal(hy__pq_bit_width(1), 1);
	assert_int_equal(hy__pq_bit_width(7), 3);
	assert_int_equal(hy__pq_bit_width(8), 4);
	assert_int_equal(hy__pq_bit_width(UINT32_MAX), 32);
}

static void test_corrupt(void **state)
{
	static const uint8_t zero_run[] = {0x00, 0x01};
	static const uint8_t short_packed[] = {0x05, 0xff, 0xff}; /* 2 groups at width 3: 6 bytes */
	static const uint8_t wide_value[] = {0x02, 0x09};         /* 9 at width 3 */
	static const uint8_t long_header[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	static const uint8_t cut_value[] = {0x02, 0x01}; /* width 9 needs 2 bytes */
	struct hy_error err = {0};
	struct hy__pq_rle r;
	uint32_t out[16];

	(void)state;
	hy__pq_rle_init(&r, zero_run, sizeof(zero_run), 1);
	assert_int_equal(hy__pq_rle_get(&r, out, 1, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "RLE run of length 0");

	hy_error_init(&err);
	hy__pq_rle_init(&r, short_packed, sizeof(short_packed), 3);
	assert_int_equal(hy__pq_rle_get(&r, out, 5, &err), 0); /* 15 bits present */
	assert_int_equal(hy__pq_rle_get(&r, out, 1, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "bit-packed run runs past the end");

	hy_error_init(&err);
	hy__pq_rle_init(&r, wide_value, sizeof(wide_value), 3);
	assert_int_equal(hy__pq_rle_get(&r, out, 1, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "RLE run value 9 wider than 3 bits");

	hy_error_init(&err);
	hy__pq_rle_init(&r, long_header, sizeof(long_header), 3);
	assert_int_equal(hy__pq_rle_get(&r, out, 1, &err), HY_EFORMAT);

	hy_error_init(&err);
	hy__pq_rle_init(&r, cut_value, sizeof(cut_value), 9);
	assert_int_equal(hy__pq_rle_get(&r, out, 1, &err), HY_EFORMAT);

	/* bit width 254 (ARROW-GH-41321) */
	hy_error_init(&err);
	hy__pq_rle_init(&r, cut_value, sizeof(cut_value), 254);
	assert_int_equal(hy__pq_rle_get(&r, out, 1, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "RLE bit width 254 (at most 32)");

	hy_error_init(&err);
	assert_int_equal(hy__pq_bit_packed_msb(cut_value, 2, 3, out, 8, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "BIT_PACKED levels need 3 bytes, the page holds 2");
}

/* Random mixes of runs at every width, encoded here, decoded back. */
struct writer {
	uint8_t *buf;
	size_t len;
};

static void put_uleb(struct writer *w, uint64_t v)
{
	do {
		uint8_t b = v & 0x7f;

		v >>= 7;
		w->buf[w->len++] = (uint8_t)(b | (v ? 0x80 : 0));
	} while (v);
}

static void test_random_runs(void **state)
{
	uint32_t seed = 4242;
	uint32_t *want = malloc(sizeof(uint32_t) * 100000),
		 *got = malloc(sizeof(uint32_t) * 100000);
	struct writer w = {malloc(1 << 20), 0};

	(void)state;
	assert_non_null(want);
	assert_non_null(got);
	assert_non_null(w.buf);
	for (int width = 0; width <= 32; width++) {
		uint64_t mask = width == 32 ? 0xffffffffu : ((uint64_t)1 << width) - 1;
		size_t n = 0;
		struct hy__pq_rle r;
		struct hy_error err = {0};

		w.len = 0;
		for (int run = 0; run < 40; run++) {
			seed = seed * 1103515245u + 12345u;
			if (seed & 0x100) { /* RLE run */
				uint32_t count = 1 + (seed >> 20) % 300;
				uint32_t value = (uint32_t)(((uint64_t)seed * 2654435761u) & mask);

				put_uleb(&w, (uint64_t)count << 1);
				for (int b = 0; b < (width + 7) / 8; b++)
					w.buf[w.len++] = (uint8_t)(value >> (8 * b));
				for (uint32_t k = 0; k < count; k++)
					want[n++] = value;
			} else { /* bit-packed groups */
				uint32_t groups = 1 + (seed >> 20) % 5;
				uint64_t acc = 0;
				int bits = 0;

				put_uleb(&w, (uint64_t)groups << 1 | 1);
				for (uint32_t k = 0; k < groups * 8; k++) {
					uint32_t v;

					seed = seed * 1103515245u + 12345u;
					v = (uint32_t)(((uint64_t)seed << 7 ^ seed) & mask);
					want[n++] = v;
					acc |= (uint64_t)v << bits;
					bits += width;
					while (bits >= 8) {
						w.buf[w.len++] = (uint8_t)acc;
						acc >>= 8;
						bits -= 8;
					}
				}
				assert_int_equal(bits, 0); /* 8 values fill whole bytes */
			}
		}
		hy__pq_rle_init(&r, w.buf, w.len, width);
		/* read in uneven slices to cross run boundaries */
		for (size_t at = 0; at < n;) {
			size_t take = 1 + (at * 7) % 97;

			if (take > n - at)
				take = n - at;
			if (hy__pq_rle_get(&r, got + at, take, &err) != 0)
				fail_msg("width %d at %zu: %s", width, at, err.msg);
			at += take;
		}
		assert_memory_equal(got, want, n * sizeof(uint32_t));
		assert_true(r.p == r.end);
	}
	free(want);
	free(got);
	free(w.buf);
}

static void test_noise(void **state)
{
	uint8_t buf[64];
	uint32_t out[512], seed = 5;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		struct hy__pq_rle r;
		struct hy_error err = {0};
		int rc;

		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 24);
		}
		hy__pq_rle_init(&r, buf, (size_t)(seed >> 8) % sizeof(buf), iter % 34);
		rc = hy__pq_rle_get(&r, out, (size_t)(seed >> 4) % 512, &err);
		assert_true(rc == 0 || (rc == HY_EFORMAT && err.msg[0] != 0));
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_spec_examples), cmocka_unit_test(test_padding_and_width_zero),
	cmocka_unit_test(test_corrupt),       cmocka_unit_test(test_random_runs),
	cmocka_unit_test(test_noise),
};
HY_TEST_MAIN(tests)
