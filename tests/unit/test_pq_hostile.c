/* Hostile input through the whole reader (footer, pages, values, batches):
 * the bad_data files, every truncated prefix and byte flips of real files
 * end in a clean error with a message (or, for a flip that keeps the file
 * valid, a normal read), never a crash; ASan/UBSan check the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/parquet.h"
#include "hygge/pool.h"

#define CORPUS HY_TEST_DATA_DIR "/parquet-testing/"

static uint8_t *load(const char *rel, size_t *n)
{
	char path[512];
	FILE *f;
	uint8_t *p;
	long sz;

	snprintf(path, sizeof(path), "%s%s", CORPUS, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("%s missing", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	rewind(f);
	p = malloc((size_t)sz + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*n = (size_t)sz;
	return p;
}

/* Opens and reads every batch; returns the status, with err set on failure. */
static struct hy_pool *pool; /* NULL: serial decode */

static int read_all(const uint8_t *data, size_t len, const char *const *cols, size_t ncols,
		    int64_t *rows, struct hy_error *err)
{
	struct hy_pq_source src;
	struct hy_pq_reader_options o = {.columns = cols,
					 .num_columns = ncols,
					 .max_batch_rows = 100,
					 .verify_crc = true,
					 .pool = pool};
	struct hy_pq_reader *r = NULL;
	int rc;

	*rows = 0;
	hy_pq_source_init_memory(&src, data, len);
	rc = hy_pq_reader_open(&r, &src, &o, err);
	while (rc == 0) {
		struct hy_batch *b = NULL;

		rc = hy_pq_reader_next_batch(r, &b, err);
		if (rc != 0 || b == NULL)
			break;
		assert_true(b->nrows > 0 && b->nrows <= 100);
		*rows += b->nrows;
		hy_batch_unref(b);
	}
	hy_pq_reader_close(r);
	return rc;
}

static void expect_clean(int rc, const struct hy_error *err, const char *what, size_t at)
{
	if (rc == 0)
		return;
	if (err->msg[0] == 0)
		fail_msg("%s at %zu: status %d without a message", what, at, rc);
	if (rc != HY_EFORMAT && rc != HY_EUNSUPPORTED && rc != HY_ELIMIT && rc != HY_EIO &&
	    rc != HY_ENOTFOUND)
		fail_msg("%s at %zu: status %d (%s)", what, at, rc, err->msg);
}

static void test_bad_data(void **state)
{
	static const struct {
		const char *file;
		bool must_fail;
	} files[] = {
		{"bad_data/PARQUET-1481.parquet", true},
		{"bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet", true},
		{"bad_data/ARROW-RS-GH-6229-LEVELS.parquet", true},
		{"bad_data/ARROW-GH-41321.parquet", true},
		{"bad_data/ARROW-GH-41317.parquet", true},
		{"bad_data/ARROW-GH-47662.parquet", true},
		/* a LIST column: refused as unsupported before its levels matter */
		{"bad_data/ARROW-GH-45185.parquet", true},
		/* width-0 dictionary indices are legal */
		{"bad_data/ARROW-GH-43605.parquet", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t n;
		uint8_t *p = load(files[i].file, &n);
		struct hy_error err = {0};
		int64_t rows;
		int rc = read_all(p, n, NULL, 0, &rows, &err);

		if (files[i].must_fail && rc == 0)
			fail_msg("%s read without error", files[i].file);
		if (!files[i].must_fail && rc != 0)
			fail_msg("%s: %s", files[i].file, err.msg);
		expect_clean(rc, &err, files[i].file, 0);
		free(p);
	}
}

static const char *const small[] = {
	"data/alltypes_plain.parquet",
	"data/alltypes_dictionary.parquet",
	"data/int96_from_spark.parquet",
	"data/byte_array_decimal.parquet",
	"data/rle_boolean_encoding.parquet",
	"data/fixed_length_decimal.parquet",
	"data/nulls.snappy.parquet",
	"data/datapage_v2.snappy.parquet",
	"data/rle-dict-snappy-checksum.parquet",
	"data/float16_nonzeros_and_nans.parquet",
	"data/hadoop_lz4_compressed.parquet",
	"data/page_v2_empty_compressed.parquet",
	"data/delta_length_byte_array.parquet",
};

/* datapage_v2.snappy has a LIST column: read its other columns */
static const char *const v2cols[] = {"a", "b", "c", "d"};

static void columns_of(const char *file, const char *const **cols, size_t *n)
{
	*cols = NULL;
	*n = 0;
	if (strstr(file, "datapage_v2.snappy") != NULL) {
		*cols = v2cols;
		*n = 4;
	}
}

static void test_truncated(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(small) / sizeof(small[0]); f++) {
		size_t n;
		uint8_t *p = load(small[f], &n);
		const char *const *cols;
		size_t ncols;
		int64_t rows;
		struct hy_error err = {0};

		columns_of(small[f], &cols, &ncols);
		if (read_all(p, n, cols, ncols, &rows, &err) != 0)
			fail_msg("%s: %s", small[f], err.msg);
		for (size_t cut = 0; cut < n; cut += 1 + cut / 64) {
			uint8_t *copy = malloc(cut + 1);
			int rc;

			assert_non_null(copy);
			memcpy(copy, p, cut);
			hy_error_init(&err);
			rc = read_all(copy, cut, cols, ncols, &rows, &err);
			if (rc == 0)
				fail_msg("%s cut at %zu read", small[f], cut);
			expect_clean(rc, &err, small[f], cut);
			free(copy);
		}
		free(p);
	}
}

/* Every byte of the page region and a sample of the footer flipped in turn:
 * values may change, structure errors must be clean. */
static void test_byte_flips(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(small) / sizeof(small[0]); f++) {
		size_t n;
		uint8_t *p = load(small[f], &n);
		const char *const *cols;
		size_t ncols;

		columns_of(small[f], &cols, &ncols);
		for (size_t at = 4; at + 8 < n; at += n > 4000 ? 7 : 1) {
			for (int k = 0; k < 2; k++) {
				struct hy_error err = {0};
				uint8_t keep = p[at];
				int64_t rows;
				int rc;

				p[at] ^= k == 0 ? 0xff : 0x01;
				rc = read_all(p, n, cols, ncols, &rows, &err);
				expect_clean(rc, &err, small[f], at);
				p[at] = keep;
			}
		}
		free(p);
	}
}

/* The same with the column chunks decoded in parallel: a failing chunk
 * fails the row group cleanly while the others finish (ASan: no leak). */
static void test_bad_data_parallel(void **state)
{
	struct hy_error err = {0};

	assert_int_equal(hy_pool_create(&pool, 3, "pqhostile", &err), 0);
	test_bad_data(state);
	test_truncated(state);
	hy_pool_destroy(pool);
	pool = NULL;
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_bad_data),
	cmocka_unit_test(test_bad_data_parallel),
	cmocka_unit_test(test_truncated),
	cmocka_unit_test(test_byte_flips),
};
HY_TEST_MAIN(tests)
