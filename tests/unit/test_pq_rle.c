/* The RLE / bit-packing hybrid and legacy BIT_PACKED decoders (pq_encoding.h):
 * the page reader's original cases, run through the shared decoders. */
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "pq_encoding.h"

static void test_spec_examples(void **state)
{
	/* values 0..7 at width 3, one bit-packed group: header 3 + 0x88 0xC6 0xFA */
	static const uint8_t packed[] = {0x03, 0x88, 0xc6, 0xfa};
	/* 0..7 at width 3, MSB-first BIT_PACKED: 0x05 0x39 0x77 */
	static const uint8_t msb[] = {0x05, 0x39, 0x77};
	/* RLE run: 5 x 7 at width 3 */
	static const uint8_t rle[] = {0x0a, 0x07};
	struct hy_error err = {0};
	uint32_t out[8];
	size_t used = 0;

	(void)state;
	assert_int_equal(hy_pq_rle_decode(packed, sizeof(packed), 3, 8, out, &used, &err), 0);
	assert_int_equal(used, sizeof(packed));
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(hy_pq_bit_packed_decode(msb, sizeof(msb), 3, 8, out, &used, &err), 0);
	assert_int_equal(used, sizeof(msb));
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(out[i], i);
	assert_int_equal(hy_pq_rle_decode(rle, sizeof(rle), 3, 5, out, &used, &err), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], 7);
	assert_int_equal(hy_pq_rle_decode(rle, sizeof(rle), 3, 6, out, &used, &err), HY_EFORMAT);
	assert_true(err.msg[0] != 0);
}

static void test_padding_and_width_zero(void **state)
{
	/* 3 values wanted from a padded group of 8 at width 1 */
	static const uint8_t pad[] = {0x03, 0xfd};
	/* width 0: RLE run of 1000 zeros (no value bytes) and a packed run of 0 bytes */
	static const uint8_t zero[] = {0xd0, 0x0f, 0x03};
	struct hy_error err = {0};
	uint32_t out[1008];

	(void)state;
	assert_int_equal(hy_pq_rle_decode(pad, sizeof(pad), 1, 3, out, NULL, &err), 0);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 1);
	memset(out, 0xff, sizeof(out));
	/* 1000 from the RLE run; the empty packed run yields none (B's decoder
	 * skips zero-group runs), so ask for the 1000 */
	assert_int_equal(hy_pq_rle_decode(zero, sizeof(zero), 0, 1000, out, NULL, &err), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(hy_pq_bit_width(0), 0);
	assert_int_equal(hy_pq_bit_width(1), 1);
	assert_int_equal(hy_pq_bit_width(7), 3);
	assert_int_equal(hy_pq_bit_width(8), 4);
	assert_int_equal(hy_pq_bit_width(UINT32_MAX), 32);
}

static void test_corrupt(void **state)
{
	static const uint8_t zero_run[] = {0x00, 0x01};
	static const uint8_t short_packed[] = {0x05, 0xff, 0xff}; /* 2 groups at width 3: 6 bytes */
	static const uint8_t wide_value[] = {0x02, 0x09};         /* 9 at width 3 */
	static const uint8_t long_header[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	static const uint8_t cut_value[] = {0x02, 0x01}; /* width 9 needs 2 bytes */
	struct hy_error err = {0};
	uint32_t out[16];

	(void)state;
	assert_int_equal(hy_pq_rle_decode(zero_run, sizeof(zero_run), 1, 1, out, NULL, &err),
			 HY_EFORMAT);
	assert_true(err.msg[0] != 0);

	hy_error_init(&err);
	assert_int_equal(
		hy_pq_rle_decode(short_packed, sizeof(short_packed), 3, 5, out, NULL, &err),
		0); /* 15 bits present */
	assert_int_equal(
		hy_pq_rle_decode(short_packed, sizeof(short_packed), 3, 6, out, NULL, &err),
		HY_EFORMAT);

	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode(wide_value, sizeof(wide_value), 3, 1, out, NULL, &err),
			 HY_EFORMAT);
	assert_non_null(strstr(err.msg, "wider than 3 bits"));

	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode(long_header, sizeof(long_header), 3, 1, out, NULL, &err),
			 HY_EFORMAT);

	hy_error_init(&err);
	assert_int_equal(hy_pq_rle_decode(cut_value, sizeof(cut_value), 9, 1, out, NULL, &err),
			 HY_EFORMAT);

	/* bit width 254 (ARROW-GH-41321) */
	hy_error_init(&err);
	assert_int_not_equal(
		hy_pq_rle_decode(cut_value, sizeof(cut_value), 254, 1, out, NULL, &err), 0);
	assert_true(err.msg[0] != 0);

	hy_error_init(&err);
	assert_int_equal(hy_pq_bit_packed_decode(cut_value, 2, 3, 8, out, NULL, &err), HY_EFORMAT);
	assert_true(err.msg[0] != 0);
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
		size_t n = 0, used = 0;
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
		if (hy_pq_rle_decode(w.buf, w.len, (unsigned)width, n, got, &used, &err) != 0)
			fail_msg("width %d: %s", width, err.msg);
		assert_memory_equal(got, want, n * sizeof(uint32_t));
		assert_int_equal(used, w.len);
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
		struct hy_error err = {0};
		int rc;

		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 24);
		}
		rc = hy_pq_rle_decode(buf, (size_t)(seed >> 8) % sizeof(buf), (unsigned)(iter % 34),
				      (size_t)(seed >> 4) % 512, out, NULL, &err);
		assert_true(rc == 0 || (rc != 0 && err.msg[0] != 0));
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_spec_examples), cmocka_unit_test(test_padding_and_width_zero),
	cmocka_unit_test(test_corrupt),       cmocka_unit_test(test_random_runs),
	cmocka_unit_test(test_noise),
};
HY_TEST_MAIN(tests)
