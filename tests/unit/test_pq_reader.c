/* The streaming Parquet reader: schema mapping, values, projection, batch
 * sizes, parallel decode, quirks and errors, over the parquet-testing corpus. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/parquet.h"
#include "hygge/parquet_writer.h"
#include "hygge/pool.h"
#include "hygge/types.h"
#include "pq_render.h"

#define DATA HY_TEST_DATA_DIR "/parquet-testing/data/"

static struct hy_pq_reader *open_ok(const char *name, const struct hy_pq_reader_options *o)
{
	struct hy_pq_reader *r = NULL;
	struct hy_error err = {0};
	char path[512];

	/* a name with a directory is a fixture of tests/data/ */
	snprintf(path, sizeof(path), "%s%s",
		 strchr(name, '/') != NULL ? HY_TEST_DATA_DIR "/" : DATA, name);
	if (hy_pq_reader_open_file(&r, path, o, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	return r;
}

/* Digest of column `c` over the whole file, batches of at most max_rows,
 * with keep_dictionary as `dict`. */
static void digest_opt(const char *name, const char *column, int64_t max_rows, struct hy_pool *pool,
		       bool dict, struct pqr_digest *d)
{
	const char *cols[1] = {column};
	struct hy_pq_reader_options o = {.columns = cols,
					 .num_columns = 1,
					 .max_batch_rows = max_rows,
					 .pool = pool,
					 .keep_dictionary = dict};
	struct hy_pq_reader *r = open_ok(name, &o);
	struct hy_error err = {0};

	pqr_begin(d);
	for (;;) {
		struct hy_batch *b = NULL;

		if (hy_pq_reader_next_batch(r, &b, &err) != 0)
			fail_msg("%s/%s: %s", name, column, err.msg);
		if (b == NULL)
			break;
		assert_true(b->nrows > 0 && b->nrows <= (max_rows > 0 ? max_rows : 65536));
		assert_int_equal(pqr_add(d, b->cols[0], &err), 0);
		hy_batch_unref(b);
	}
	pqr_end(d);
	hy_pq_reader_close(r);
}

static void digest(const char *name, const char *column, int64_t max_rows, struct hy_pool *pool,
		   struct pqr_digest *d)
{
	digest_opt(name, column, max_rows, pool, false, d);
}

/* The checksums of parquet.md section 16, agreed by DuckDB, hyparquet and
 * parquet-wasm (integers and strings render the same in both texts). */
static void test_oracle_checksums(void **state)
{
	static const struct {
		const char *file, *col;
		int64_t rows, nonnull;
		const char *md5;
	} want[] = {
		{"alltypes_plain.parquet", "id", 8, 8, "8d642428fe72fbb5da055bed52625c1c"},
		{"alltypes_tiny_pages.parquet", "bigint_col", 7300, 7300,
		 "5b4ed4ed11ad68573cef50de8066a4e5"},
		{"delta_binary_packed.parquet", "bitwidth64", 200, 200,
		 "46212358282a87e2c108e0ed7aea95d2"},
		{"delta_binary_packed.parquet", "int_value", 200, 200,
		 "c8645d7d0683e7aef4a17fcc69528bf6"},
		{"delta_byte_array.parquet", "c_email_address", 1000, 969,
		 "c7f35a78da4355798783976d43c5f2e3"},
		{"delta_encoding_optional_column.parquet", "c_current_cdemo_sk", 100, 97,
		 "37a3e3588db66ba774714b3961d774cb"},
		{"delta_length_byte_array.parquet", "FRUIT", 1000, 1000,
		 "2bd2492803bb30559207c87318bb560f"},
		{"int32_with_null_pages.parquet", "int32_field", 1000, 725,
		 "c5d48dcd1129da845a757a2427265508"},
		{"lz4_raw_compressed_larger.parquet", "a", 10000, 10000,
		 "3cbf7141ea1167dc033cbae5db0a6439"},
		{"hadoop_lz4_compressed_larger.parquet", "a", 10000, 10000,
		 "3cbf7141ea1167dc033cbae5db0a6439"},
		{"concatenated_gzip_members.parquet", "long_col", 513, 513,
		 "49cc8c08a9990c7a50c165f15b3aa54f"},
		{"overflow_i16_page_cnt.parquet", "inc", 40000, 40000,
		 "a825c9c389549dcd906e5b1e179e508d"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct pqr_digest d;

		digest(want[i].file, want[i].col, 777, NULL, &d);
		if (d.rows != want[i].rows || d.nonnull != want[i].nonnull ||
		    strcmp(d.hex, want[i].md5) != 0)
			fail_msg("%s/%s: %lld rows, %lld non-null, md5 %s", want[i].file,
				 want[i].col, (long long)d.rows, (long long)d.nonnull, d.hex);
	}
}

static void expect_type(struct hy_schema *s, const char *name, const char *type, bool nullable)
{
	long i = hy_schema_find(s, name);
	char t[64];

	if (i < 0)
		fail_msg("no field %s", name);
	hy_dtype_format(&hy_schema_field(s, (size_t)i)->type, t, sizeof(t));
	if (strcmp(t, type) != 0)
		fail_msg("%s: %s, want %s", name, t, type);
	assert_int_equal(hy_schema_field(s, (size_t)i)->nullable, nullable);
}

static void test_schema_mapping(void **state)
{
	static const struct {
		const char *file, *col, *type;
		bool nullable;
	} want[] = {
		{"alltypes_tiny_pages.parquet", "tinyint_col", "int8", true},
		{"alltypes_tiny_pages.parquet", "smallint_col", "int16", true},
		{"alltypes_tiny_pages.parquet", "string_col", "string", true},
		{"alltypes_plain.parquet", "string_col", "binary", true},
		{"alltypes_plain.parquet", "timestamp_col", "timestamp[us, UTC]", true},
		{"concatenated_gzip_members.parquet", "long_col", "uint64", true},
		{"int32_decimal.parquet", "value", "decimal(4,2)", true},
		{"int64_decimal.parquet", "value", "decimal(10,2)", true},
		{"fixed_length_decimal.parquet", "value", "decimal(25,2)", true},
		{"byte_array_decimal.parquet", "value", "decimal(4,2)", true},
		{"float16_nonzeros_and_nans.parquet", "x", "float32", true},
		{"fixed_length_byte_array.parquet", "flba_field", "fixed_binary(4)", true},
		{"delta_encoding_required_column.parquet", "c_customer_sk:", "int32", false},
		{"nested_structs.rust.parquet", "roll_num.count", "uint64", false},
		{"unknown-logical-type.parquet", "column with unknown type", "binary", true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct hy_pq_reader *r = open_ok(want[i].file, NULL);

		expect_type(hy_pq_reader_schema(r), want[i].col, want[i].type, want[i].nullable);
		hy_pq_reader_close(r);
	}
}

static void test_values(void **state)
{
	/* int96_from_spark.md: microseconds, one null, years 9999 and 290000 */
	static const long long int96[] = {1704141296123456LL,
					  1704070800000000LL,
					  253402225200000000LL,
					  1735599600000000LL,
					  0,
					  9089380393200000000LL};
	static const char *const dec[] = {
		"int32_decimal.parquet", "int64_decimal.parquet", "fixed_length_decimal.parquet",
		"fixed_length_decimal_legacy.parquet", "byte_array_decimal.parquet"};
	struct hy_error err = {0};
	struct hy_batch *b = NULL;
	struct hy_pq_reader *r = open_ok("int96_from_spark.parquet", NULL);

	(void)state;
	assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
	assert_int_equal(b->nrows, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(hy_column_is_null(b->cols[0], i), i == 4);
		if (i != 4)
			assert_int_equal(hy_column_get_i64(b->cols[0], i), int96[i]);
	}
	hy_batch_unref(b);
	assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
	assert_null(b);
	hy_pq_reader_close(r);

	/* the four decimal forms hold 1.00 .. 24.00 */
	for (size_t f = 0; f < sizeof(dec) / sizeof(dec[0]); f++) {
		r = open_ok(dec[f], NULL);
		assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
		assert_int_equal(b->nrows, 24);
		for (int i = 0; i < 24; i++)
			assert_true(hy_column_get_decimal(b->cols[0], i) == (hy_i128)(i + 1) * 100);
		hy_batch_unref(b);
		hy_pq_reader_close(r);
	}

	/* UINT_64 above INT64_MAX stays unsigned; struct leaves; all-null struct */
	r = open_ok("nulls.snappy.parquet", NULL);
	assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
	assert_int_equal(b->nrows, 8);
	assert_int_equal(hy_column_null_count(b->cols[0]), 8);
	hy_batch_unref(b);
	hy_pq_reader_close(r);
}

static void test_batches_and_pool(void **state)
{
	static const char *const cols[] = {"bigint_col", "string_col", "bool_col", "timestamp_col"};
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 4, "pqtest", &err), 0);
	for (size_t c = 0; c < 4; c++) {
		struct pqr_digest a, b, s;

		digest("alltypes_tiny_pages.parquet", cols[c], 1000, NULL, &a);
		digest("alltypes_tiny_pages.parquet", cols[c], 1, pool, &b);
		digest("alltypes_tiny_pages.parquet", cols[c], 0, pool, &s);
		assert_string_equal(a.hex, b.hex);
		assert_string_equal(a.hex, s.hex);
		assert_int_equal(a.rows, 7300);
	}
	{
		/* every column at once, in parallel, in batches of 333 */
		struct hy_pq_reader_options o = {.max_batch_rows = 333, .pool = pool};
		struct hy_pq_reader *r = open_ok("alltypes_tiny_pages.parquet", &o);
		int64_t rows = 0;

		assert_int_equal(hy_pq_reader_num_rows(r), 7300);
		for (;;) {
			struct hy_batch *b = NULL;

			assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
			if (b == NULL)
				break;
			assert_true(b->nrows <= 333);
			rows += b->nrows;
			hy_batch_unref(b);
		}
		assert_int_equal(rows, 7300);
		hy_pq_reader_close(r);
	}
	hy_pool_destroy(pool);
}

static void test_projection_and_errors(void **state)
{
	static const char *const ok[] = {"b", "a.b"};
	static const char *const bad[] = {"nope"};
	static const char *const list[] = {"a", "e.list.element"};
	struct hy_pq_reader_options o = {0};
	struct hy_pq_reader *r = NULL;
	struct hy_error err = {0};

	(void)state;
	/* a LIST column fails naming it, unless the projection leaves it out */
	assert_int_equal(hy_pq_reader_open_file(&r, DATA "datapage_v2.snappy.parquet", NULL, &err),
			 HY_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "e.list.element"));
	assert_null(r);
	o.columns = ok;
	o.num_columns = 1;
	r = open_ok("datapage_v2.snappy.parquet", &o);
	assert_int_equal(hy_schema_nfields(hy_pq_reader_schema(r)), 1);
	hy_pq_reader_close(r);
	o.columns = list;
	o.num_columns = 2;
	hy_error_init(&err);
	assert_int_equal(hy_pq_reader_open_file(&r, DATA "datapage_v2.snappy.parquet", &o, &err),
			 HY_EUNSUPPORTED);
	o.columns = bad;
	o.num_columns = 1;
	hy_error_init(&err);
	assert_int_equal(hy_pq_reader_open_file(&r, DATA "alltypes_plain.parquet", &o, &err),
			 HY_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nope"));
	hy_error_init(&err);
	assert_int_not_equal(hy_pq_reader_open_file(&r, DATA "no-such-file.parquet", NULL, &err),
			     0);
	{
		/* a struct name projects its leaves; a leaf twice is refused */
		static const char *const st[] = {"PC_CUR", "roll_num.max"};
		static const char *const twice[] = {"roll_num", "roll_num.max"};
		struct hy_schema *s;

		o.columns = st;
		o.num_columns = 2;
		r = open_ok("nested_structs.rust.parquet", &o);
		s = hy_pq_reader_schema(r);
		assert_int_equal(hy_schema_nfields(s), 7);
		assert_string_equal(hy_schema_field(s, 0)->name, "PC_CUR.min");
		assert_string_equal(hy_schema_field(s, 6)->name, "roll_num.max");
		hy_pq_reader_close(r);
		o.columns = twice;
		hy_error_init(&err);
		assert_int_equal(
			hy_pq_reader_open_file(&r, DATA "nested_structs.rust.parquet", &o, &err),
			HY_EINVAL);
		assert_non_null(strstr(err.msg, "twice"));
	}
	(void)ok[1];
}

/* Quirks of section 3.5/15: 0 rows, dictionary offset 0, wrong
 * FileMetaData.num_rows, empty pages, CRC checks. */
static void test_quirks(void **state)
{
	static const char *const files[] = {
		"column_chunk_key_value_metadata.parquet", /* 0 rows, data_page_offset 0 */
		"dict-page-offset-zero.parquet",
		"datapage_v2_empty_datapage.snappy.parquet",
		"page_v2_empty_compressed.parquet",
		"single_nan.parquet",
		"rle_boolean_encoding.parquet",
		"byte_stream_split_extended.gzip.parquet",
		"datapage_v1-snappy-compressed-checksum.parquet",
		"nation.dict-malformed.parquet", /* PARQUET-816: padded chunk ranges */
	};
	struct hy_pq_reader_options o = {.verify_crc = true};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct hy_pq_reader *r = open_ok(files[i], &o);
		struct hy_error err = {0};
		int64_t rows = 0;

		for (;;) {
			struct hy_batch *b = NULL;

			if (hy_pq_reader_next_batch(r, &b, &err) != 0)
				fail_msg("%s: %s", files[i], err.msg);
			if (b == NULL)
				break;
			rows += b->nrows;
			hy_batch_unref(b);
		}
		assert_int_equal(rows, hy_pq_reader_num_rows(r));
		hy_pq_reader_close(r);
	}
	{
		/* a corrupt CRC fails only when checked */
		struct hy_pq_reader *r = open_ok("datapage_v1-corrupt-checksum.parquet", &o);
		struct hy_batch *b = NULL;
		struct hy_error err = {0};

		assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), HY_EFORMAT);
		assert_non_null(strstr(err.msg, "CRC"));
		hy_pq_reader_close(r);
	}
}

static void test_alloc_failure(void **state)
{
	int rc;

	(void)state;
	/* plain output, then dictionary output */
	for (int dict = 0; dict < 2; dict++) {
		struct hy_pq_reader_options o = {.keep_dictionary = dict == 1};

		HY_FOR_EACH_ALLOC_FAILURE(rc, {
			struct hy_pq_reader *r = NULL;
			struct hy_error err = {0};

			rc = hy_pq_reader_open_file(&r, DATA "alltypes_dictionary.parquet", &o,
						    &err);
			while (rc == 0) {
				struct hy_batch *b = NULL;

				rc = hy_pq_reader_next_batch(r, &b, &err);
				if (b == NULL)
					break;
				hy_batch_unref(b);
			}
			hy_pq_reader_close(r);
		});
	}
}

/* Fixtures of tests/oracle/fixtures.mjs: a file with no row group, and a
 * DECIMAL(38,10) in FLBA(16) (hyparquet cannot judge it: checked by value). */
static void test_fixtures(void **state)
{
	struct hy_error err = {0};
	struct hy_batch *b = NULL;
	struct hy_pq_reader *r = NULL;
	const char *d38[] = {"d38"};
	struct hy_pq_reader_options o = {.columns = d38, .num_columns = 1};
	char t[64];

	(void)state;
	assert_int_equal(hy_pq_reader_open_file(&r, HY_TEST_DATA_DIR "/pq_fixtures/empty.parquet",
						NULL, &err),
			 0);
	assert_int_equal(hy_pq_reader_metadata(r)->num_row_groups, 0);
	assert_int_equal(hy_pq_reader_num_rows(r), 0);
	assert_int_equal(hy_schema_nfields(hy_pq_reader_schema(r)), 2);
	assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
	assert_null(b);
	hy_pq_reader_close(r);

	assert_int_equal(
		hy_pq_reader_open_file(&r, HY_TEST_DATA_DIR "/pq_fixtures/duckdb_types.parquet", &o,
				       &err),
		0);
	hy_dtype_format(&hy_schema_field(hy_pq_reader_schema(r), 0)->type, t, sizeof(t));
	assert_string_equal(t, "decimal(38,10)");
	assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
	assert_int_equal(b->nrows, 100);
	/* (i - 50) * 123456789.0123456789 */
	pqr_i128(hy_column_get_decimal(b->cols[0], 0), 10, t);
	assert_string_equal(t, "-6172839450.6172839450");
	pqr_i128(hy_column_get_decimal(b->cols[0], 99), 10, t);
	assert_string_equal(t, "6049382661.6049382661");
	pqr_i128(hy_column_get_decimal(b->cols[0], 50), 10, t);
	assert_string_equal(t, "0.0000000000");
	hy_batch_unref(b);
	hy_pq_reader_close(r);
}

/* keep_dictionary: the same values as plain output, over dictionary-encoded,
 * v2, tiny-page and non-dictionary chunks, serial and on a pool. */
static void test_dictionary_output_corpus(void **state)
{
	static const struct {
		const char *file, *col;
	} cases[] = {
		{"alltypes_dictionary.parquet", "string_col"},
		{"alltypes_dictionary.parquet", "date_string_col"},
		{"alltypes_tiny_pages.parquet", "string_col"},
		{"datapage_v2.snappy.parquet", "a"},
		{"rle-dict-snappy-checksum.parquet", "binary_field"},
		{"plain-dict-uncompressed-checksum.parquet", "binary_field"},
		{"delta_byte_array.parquet", "c_first_name"},
		{"delta_encoding_optional_column.parquet", "c_last_name"},
		{"alltypes_tiny_pages_plain.parquet", "string_col"},
		/* arrow-rs: a dictionary, then DELTA_BYTE_ARRAY (v2) / PLAIN (v1) */
		{"pq_fixtures/dict_fallback.parquet", "name"},
		{"pq_fixtures/dict_fallback_v1.parquet", "name"},
	};
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 2, "pqtest", &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pqr_digest a, b, c;

		digest_opt(cases[i].file, cases[i].col, 0, NULL, false, &a);
		digest_opt(cases[i].file, cases[i].col, 0, NULL, true, &b);
		digest_opt(cases[i].file, cases[i].col, 7, pool, true, &c);
		assert_string_equal(a.hex, b.hex);
		assert_string_equal(a.hex, c.hex);
		assert_int_equal(a.rows, b.rows);
		assert_int_equal(a.nonnull, c.nonnull);
	}
	hy_pool_destroy(pool);

	{
		/* the form: dictionary-encoded chunks give the dictionary form, every
		 * batch of a row group sharing one dictionary; DELTA chunks plain */
		const char *cols[] = {"string_col", "int_col"};
		struct hy_pq_reader_options o = {.columns = cols,
						 .num_columns = 2,
						 .max_batch_rows = 3,
						 .keep_dictionary = true};
		struct hy_pq_reader *r = open_ok("alltypes_tiny_pages.parquet", &o);
		struct hy_batch *b1 = NULL, *b2 = NULL;

		assert_int_equal(hy_pq_reader_next_batch(r, &b1, &err), 0);
		assert_int_equal(hy_pq_reader_next_batch(r, &b2, &err), 0);
		assert_non_null(b1->cols[0]->dictionary);
		assert_ptr_equal(b1->cols[0]->dictionary, b2->cols[0]->dictionary);
		assert_null(b1->cols[0]->data);
		assert_int_equal(b1->cols[0]->type.id, HY_STRING);
		assert_null(b1->cols[1]->dictionary); /* not a string column */
		hy_batch_unref(b1);
		hy_batch_unref(b2);
		hy_pq_reader_close(r);
	}
	{
		const char *cols[] = {"c_first_name"};
		struct hy_pq_reader_options o = {
			.columns = cols, .num_columns = 1, .keep_dictionary = true};
		struct hy_pq_reader *r = open_ok("delta_byte_array.parquet", &o);
		struct hy_batch *b = NULL;

		assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
		assert_null(b->cols[0]->dictionary);
		hy_batch_unref(b);
		hy_pq_reader_close(r);
	}
}

/* A chunk whose dictionary fills up part way (the writer goes on in PLAIN)
 * comes out plain with every value; a chunk that stays dictionary-encoded
 * comes out in dictionary form; an all-null string chunk too (an empty
 * dictionary). Written by hygge's writer with a tiny dictionary limit. */
static void test_dictionary_output_fallback(void **state)
{
	struct hy_dtype str = hy_dtype_simple(HY_STRING), nul = hy_dtype_simple(HY_STRING);
	char n0[] = "many", n1[] = "few", n2[] = "none";
	struct hy_field f[3] = {{.name = n0, .type = str, .nullable = true},
				{.name = n1, .type = str, .nullable = true},
				{.name = n2, .type = nul, .nullable = true}};
	struct hy_schema *schema = NULL;
	struct hy_builder *bl[3] = {NULL, NULL, NULL};
	struct hy_column *cols[3] = {NULL, NULL, NULL};
	struct hy_batch *batch = NULL;
	struct hy_pq_writer_options wo;
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink;
	struct hy_pq_source src;
	struct hy_pq_reader *r = NULL;
	struct hy_pq_reader_options ro = {.keep_dictionary = true, .max_batch_rows = 1000};
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};
	struct hy_buf file;
	const int rows = 3000;
	int64_t row = 0;
	char t[32];

	(void)state;
	assert_int_equal(hy_schema_create(f, 3, &schema, &err), 0);
	for (int c = 0; c < 3; c++)
		assert_int_equal(hy_builder_create(&str, &bl[c], &err), 0);
	for (int i = 0; i < rows; i++) {
		/* 20 distinct values, then every value new */
		int n = snprintf(t, sizeof(t), "value-%d", i < 200 ? i % 20 : i);
		static const char *const few[] = {"a", "bb", "ccc"};

		assert_int_equal(i % 5 == 2 ? hy_builder_append_null(bl[0], &err)
					    : hy_builder_append_str(bl[0], t, (size_t)n, &err),
				 0);
		assert_int_equal(i % 4 == 1 ? hy_builder_append_null(bl[1], &err)
					    : hy_builder_append_str(bl[1], few[i % 3],
								    strlen(few[i % 3]), &err),
				 0);
		assert_int_equal(hy_builder_append_null(bl[2], &err), 0);
	}
	for (int c = 0; c < 3; c++)
		assert_int_equal(hy_builder_finish(bl[c], &cols[c], &err), 0);
	assert_int_equal(hy_batch_create(schema, cols, rows, &batch, &err), 0);
	hy_buf_init(&file, 64u << 20);
	hy_pq_sink_init_memory(&sink, &file);
	hy_pq_writer_options_init(&wo);
	wo.dict_limit = 2000; /* "many" overflows it in its fourth page */
	wo.page_rows = 100;
	wo.row_group_rows = 1500;
	assert_int_equal(hy_pq_writer_open(&w, schema, &wo, &sink, &err), 0);
	assert_int_equal(hy_pq_writer_write(w, batch, &err), 0);
	assert_int_equal(hy_pq_writer_finish(w, &err), 0);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);

	hy_pq_source_init_memory(&src, file.data, file.len);
	assert_int_equal(hy_pq_reader_open(&r, &src, &ro, &err), 0);
	{
		/* "many" really starts dictionary-encoded and goes on PLAIN */
		const struct hy_pq_column_meta *m =
			&hy_pq_reader_metadata(r)->row_groups[0].columns[0].meta;
		int dict_pages = 0, plain_pages = 0;

		for (size_t i = 0; i < m->num_encoding_stats; i++) {
			const struct hy_pq_encoding_stats *es = &m->encoding_stats[i];

			if (es->page_type != HY_PQ_PAGE_DATA)
				continue;
			if (es->encoding == HY_PQ_ENC_RLE_DICTIONARY)
				dict_pages += es->count;
			if (es->encoding == HY_PQ_ENC_PLAIN)
				plain_pages += es->count;
		}
		assert_true(dict_pages > 0);
		assert_true(plain_pages > 0);
		assert_int_equal(hy_pq_reader_metadata(r)->num_row_groups, 2);
	}
	/* serially, then on a pool (the second row group decoded while the
	 * first one's batches are read), then on the pool without prefetch */
	assert_int_equal(hy_pool_create(&pool, 2, "pqtest", &err), 0);
	for (int pass = 0; pass < 3; pass++, row = 0) {
		if (pass >= 1) {
			hy_pq_reader_close(r);
			ro.pool = pool;
			ro.no_prefetch = pass == 2;
			assert_int_equal(hy_pq_reader_open(&r, &src, &ro, &err), 0);
		}
		for (;;) {
			struct hy_batch *b = NULL;

			assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
			if (b == NULL)
				break;
			assert_null(b->cols[0]->dictionary);     /* fell back: plain */
			assert_non_null(b->cols[1]->dictionary); /* stayed a dictionary */
			assert_non_null(b->cols[2]->dictionary); /* all null: empty dictionary */
			assert_int_equal(b->cols[2]->dictionary->length, 0);
			assert_int_equal(b->cols[2]->null_count, b->nrows);
			for (int64_t i = 0; i < b->nrows; i++, row++) {
				int n = snprintf(t, sizeof(t), "value-%lld",
						 (long long)(row < 200 ? row % 20 : row));
				static const char *const few[] = {"a", "bb", "ccc"};
				struct hy_str v;

				assert_int_equal(hy_column_is_null(b->cols[0], i), row % 5 == 2);
				if (row % 5 != 2) {
					v = hy_column_get_bytes(b->cols[0], i);
					assert_int_equal(v.len, n);
					assert_memory_equal(v.ptr, t, (size_t)n);
				}
				assert_int_equal(hy_column_is_null(b->cols[1], i), row % 4 == 1);
				if (row % 4 != 1) {
					v = hy_column_get_bytes(b->cols[1], i);
					assert_int_equal(v.len, strlen(few[row % 3]));
					assert_memory_equal(v.ptr, few[row % 3], v.len);
				}
				assert_true(hy_column_is_null(b->cols[2], i));
			}
			hy_batch_unref(b);
		}
		assert_int_equal(row, rows);
	}
	hy_pq_reader_close(r);

	/* on a pool: closed while the next row group is being decoded */
	assert_int_equal(hy_pq_reader_open(&r, &src, &ro, &err), 0);
	{
		struct hy_batch *b = NULL;

		assert_int_equal(hy_pq_reader_next_batch(r, &b, &err), 0);
		assert_int_equal(b->nrows, 1000);
		hy_batch_unref(b);
	}
	hy_pq_reader_close(r);

	/* on a pool: a broken second row group fails when the reader gets to
	 * it, after every row of the first */
	{
		const struct hy_pq_metadata *md;
		int64_t at;

		assert_int_equal(hy_pq_reader_open(&r, &src, &ro, &err), 0);
		md = hy_pq_reader_metadata(r);
		at = md->row_groups[1].columns[1].meta.has_dictionary_page_offset
			     ? md->row_groups[1].columns[1].meta.dictionary_page_offset
			     : md->row_groups[1].columns[1].meta.data_page_offset;
		hy_pq_reader_close(r);
		memset(file.data + at, 0xff, 8); /* the page header */
		assert_int_equal(hy_pq_reader_open(&r, &src, &ro, &err), 0);
		row = 0;
		for (;;) {
			struct hy_batch *b = NULL;
			int rc = hy_pq_reader_next_batch(r, &b, &err);

			if (rc != 0) {
				assert_int_equal(rc, HY_EFORMAT);
				assert_non_null(strstr(err.msg, "row group 1, column few"));
				break;
			}
			assert_non_null(b);
			row += b->nrows;
			hy_batch_unref(b);
		}
		assert_int_equal(row, 1500);
		hy_pq_reader_close(r);
	}
	hy_pool_destroy(pool);
	hy_buf_reset(&file);
	hy_batch_unref(batch);
	for (int c = 0; c < 3; c++) {
		hy_column_unref(cols[c]);
		hy_builder_destroy(bl[c]);
	}
	hy_schema_unref(schema);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_fixtures),
	cmocka_unit_test(test_oracle_checksums),
	cmocka_unit_test(test_schema_mapping),
	cmocka_unit_test(test_values),
	cmocka_unit_test(test_batches_and_pool),
	cmocka_unit_test(test_projection_and_errors),
	cmocka_unit_test(test_quirks),
	cmocka_unit_test(test_alloc_failure),
	cmocka_unit_test(test_dictionary_output_corpus),
	cmocka_unit_test(test_dictionary_output_fallback),
};
HY_TEST_MAIN(tests)
