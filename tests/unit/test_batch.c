/* Batches: every type through builders -> batch -> accessors, zero-copy
 * slices (of slices), bulk appends, concat, statistics. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "batch_fixture.h"
#include "column_int.h"

static void test_every_type_round_trips(void **state)
{
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	assert_int_equal(batch->nrows, FX_ROWS);
	fx_check_batch(batch, 0);
	/* No nulls, no bitmap; all null (HY_NULL) has no buffers at all. */
	assert_null(batch->cols[FX_I64]->validity);
	assert_null(batch->cols[FX_NULL]->values);
	assert_int_equal(batch->cols[FX_NULL]->null_count, FX_ROWS);
	assert_non_null(batch->cols[FX_I32]->validity);
	/* Arrow's recommended 64-byte alignment. */
	for (int c = 1; c < FX_NCOLS; c++)
		assert_int_equal((uintptr_t)batch->cols[c]->values->data % 64, 0);
	assert_ptr_equal(hy_batch_column_by_name(batch, "dec38"), batch->cols[FX_DEC38]);
	assert_null(hy_batch_column_by_name(batch, "nope"));
	hy_batch_unref(batch);
}

static void test_slices_of_slices(void **state)
{
	struct hy_batch *batch = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	assert_int_equal(hy_batch_slice(batch, 5, 30, &s1, &err), 0);
	assert_int_equal(hy_batch_slice(s1, 3, 20, &s2, &err), 0);
	assert_int_equal(hy_batch_slice(s2, 20, 0, &s3, &err), 0);
	/* The parent can go first: the slices hold the buffers. */
	hy_batch_unref(batch);
	assert_int_equal(s1->nrows, 30);
	assert_int_equal(s2->nrows, 20);
	assert_int_equal(s3->nrows, 0);
	fx_check_batch(s1, 5);
	fx_check_batch(s2, 8); /* bit offset 8 + ... and 5: not byte aligned */
	fx_check_batch(s3, 28);
	assert_int_equal(s2->cols[FX_STR]->offset, 8);
	/* Zero-copy: same bytes, not copies. */
	assert_ptr_equal(s2->cols[FX_STR]->data, s1->cols[FX_STR]->data);
	assert_ptr_equal(s2->cols[FX_BOOL]->values, s1->cols[FX_BOOL]->values);
	hy_batch_unref(s3);
	hy_error_init(&err);
	assert_int_equal(hy_batch_slice(s2, 15, 6, &s3, &err), HY_EINVAL);
	assert_null(s3);
	assert_string_equal(err.msg, "slice [15, +6) is outside a batch of 20 rows");
	hy_batch_unref(s1);
	hy_batch_unref(s2);
}

static void test_odd_bit_offsets(void **state)
{
	struct hy_batch *batch = NULL, *s = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	for (int64_t off = 0; off < FX_ROWS; off++) {
		for (int64_t len = 0; off + len <= FX_ROWS; len += 3) {
			assert_int_equal(hy_batch_slice(batch, off, len, &s, &err), 0);
			fx_check_batch(s, off);
			hy_batch_unref(s);
		}
	}
	hy_batch_unref(batch);
}

static void test_append_column_pieces_equal_original(void **state)
{
	struct hy_batch *batch = NULL, *slice = NULL;
	struct hy_error err = {0};
	static const int64_t cuts[] = {0, 1, 4, 13, 14, 22, 30};

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	assert_int_equal(hy_batch_slice(batch, 5, 30, &slice, &err), 0);
	for (int c = 0; c < FX_NCOLS; c++) {
		struct hy_dtype t = fx_type(c);
		struct hy_builder *b = NULL;
		struct hy_column *col = NULL;

		assert_int_equal(hy_builder_create(&t, &b, &err), 0);
		for (size_t k = 0; k + 1 < sizeof(cuts) / sizeof(cuts[0]); k++)
			assert_int_equal(hy_builder_append_column(b, slice->cols[c], cuts[k],
								  cuts[k + 1] - cuts[k], &err),
					 0);
		assert_int_equal(hy_builder_finish(b, &col, &err), 0);
		assert_int_equal(col->length, 30);
		assert_int_equal(col->offset, 0);
		for (int64_t r = 0; r < 30; r++)
			fx_check_value(col, c, r, 5 + r);
		assert_int_equal(col->null_count, slice->cols[c]->null_count);
		hy_column_unref(col);
		hy_builder_destroy(b);
	}
	hy_batch_unref(slice);
	hy_batch_unref(batch);
}

static void test_concat(void **state)
{
	struct hy_batch *parts[3] = {NULL, NULL, NULL}, *all = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fx_batch(0, 10, &parts[0], &err), 0);
	assert_int_equal(fx_batch(10, 17, &parts[1], &err), 0);
	assert_int_equal(fx_batch(27, 10, &parts[2], &err), 0);
	assert_int_equal(hy_batch_concat(parts, 3, &all, &err), 0);
	assert_int_equal(all->nrows, FX_ROWS);
	fx_check_batch(all, 0);
	hy_batch_unref(all);
	for (int i = 0; i < 3; i++)
		hy_batch_unref(parts[i]);
}

static void test_create_rejects(void **state)
{
	struct hy_field f[2] = {
		{.name = (char *)"id", .type = hy_dtype_simple(HY_INT32)},
		{.name = (char *)"s", .type = hy_dtype_simple(HY_STRING), .nullable = true},
	};
	struct hy_schema *schema = NULL;
	struct hy_builder *b = NULL;
	struct hy_column *cols[2] = {NULL, NULL};
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_schema_create(f, 2, &schema, &err), 0);
	assert_int_equal(hy_builder_create(&f[0].type, &b, &err), 0);
	assert_int_equal(hy_builder_append_i64(b, 1, &err), 0);
	assert_int_equal(hy_builder_append_null(b, &err), 0);
	assert_int_equal(hy_builder_finish(b, &cols[0], &err), 0);
	hy_builder_destroy(b);
	assert_int_equal(hy_builder_create(&f[1].type, &b, &err), 0);
	assert_int_equal(hy_builder_append_str(b, "x", 1, &err), 0);
	assert_int_equal(hy_builder_append_str(b, "y", 1, &err), 0);
	assert_int_equal(hy_builder_finish(b, &cols[1], &err), 0);
	hy_builder_destroy(b);

	assert_int_equal(hy_batch_create(schema, cols, 2, &batch, &err), HY_EINVAL);
	assert_string_equal(err.msg, "column id is not nullable but holds 1 nulls");
	hy_error_init(&err);
	assert_int_equal(hy_batch_create(schema, cols, 3, &batch, &err), HY_EINVAL);
	assert_string_equal(err.msg, "column id has 2 rows, the batch 3");
	struct hy_column *swapped[2] = {cols[1], cols[0]};
	hy_error_init(&err);
	assert_int_equal(hy_batch_create(schema, swapped, 2, &batch, &err), HY_EINVAL);
	assert_string_equal(err.msg, "column id: string values for a int32 field");
	assert_null(batch);
	hy_column_unref(cols[0]);
	hy_column_unref(cols[1]);
	hy_schema_unref(schema);
}

static void expect_i64_min_max(const struct hy_column *col, int c, int64_t first)
{
	struct hy_value mn, mx;
	struct hy_error err = {0};
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	bool any = false;

	assert_int_equal(hy_column_min_max(col, &mn, &mx, &err), 0);
	for (int64_t r = 0; r < col->length; r++) {
		if (fx_is_null(c, first + r))
			continue;
		int64_t v = fx_i64(c, first + r);
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		any = true;
	}
	if (!any) {
		assert_int_equal(mn.kind, HY_VALUE_NONE);
		assert_int_equal(mx.kind, HY_VALUE_NONE);
		return;
	}
	assert_int_equal(mn.kind, HY_VALUE_I64);
	assert_int_equal(mn.v.i64, lo);
	assert_int_equal(mx.v.i64, hi);
}

static void test_stats_fixture(void **state)
{
	static const int ints[] = {FX_I8,      FX_I16,     FX_I32,    FX_I64,   FX_DATE,
				   FX_TIME_MS, FX_TIME_NS, FX_TS_UTC, FX_TS_NS, FX_DUR};
	struct hy_batch *batch = NULL, *s = NULL;
	struct hy_value mn, mx;
	struct hy_error err = {0};
	uint8_t buf[32];

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	assert_int_equal(hy_batch_slice(batch, 3, 4, &s, &err), 0);
	for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
		expect_i64_min_max(batch->cols[ints[k]], ints[k], 0);
		expect_i64_min_max(s->cols[ints[k]], ints[k], 3);
	}
	/* Rows 3..6 of a column with nulls at i%3==1: rows 4 is null. */
	assert_int_equal(hy_column_null_count(s->cols[FX_I32]), 1);
	assert_int_equal(hy_column_null_count(s->cols[FX_BOOL]), 0);

	assert_int_equal(hy_column_min_max(batch->cols[FX_U64], &mn, &mx, &err), 0);
	assert_int_equal(mn.kind, HY_VALUE_U64);
	assert_true(mn.v.u64 == UINT64_MAX - 36);
	assert_true(mx.v.u64 == UINT64_MAX);

	assert_int_equal(hy_column_min_max(batch->cols[FX_DEC38], &mn, &mx, &err), 0);
	assert_int_equal(mn.kind, HY_VALUE_DEC);
	assert_true(mn.v.dec == -7);
	assert_true(mx.v.dec == fx_dec38(36));
	assert_int_equal(hy_column_min_max(batch->cols[FX_DEC9], &mn, &mx, &err), 0);
	assert_true(mn.v.dec == -100000);

	assert_int_equal(hy_column_min_max(batch->cols[FX_F64], &mn, &mx, &err), 0);
	assert_true(mn.v.f64 == -3.0);
	assert_true(mx.v.f64 == fx_f64(FX_F64, 36));

	assert_int_equal(hy_column_min_max(batch->cols[FX_BOOL], &mn, &mx, &err), 0);
	assert_int_equal(mn.kind, HY_VALUE_BOOL);
	assert_false(mn.v.b);
	assert_true(mx.v.b);

	/* Strings: "" (row 0) is the smallest; bytewise "v900" (row 30) beats "v9" and "v81" */
	assert_int_equal(hy_column_min_max(batch->cols[FX_STR], &mn, &mx, &err), 0);
	assert_int_equal(mn.kind, HY_VALUE_STR);
	assert_int_equal(mn.v.str.len, 0);
	assert_true(hy_str_eq_cstr(mx.v.str, "v900"));
	/* Binary: byte 0 is the row number; row 36 is the largest non-null. */
	assert_int_equal(hy_column_min_max(batch->cols[FX_BIN], &mn, &mx, &err), 0);
	assert_int_equal((uint8_t)mn.v.str.ptr[0], 0);
	assert_int_equal((uint8_t)mx.v.str.ptr[0], 36);
	assert_int_equal(hy_column_min_max(batch->cols[FX_UUID], &mn, &mx, &err), 0);
	fx_bytes(FX_UUID, 15, buf); /* first byte 15*16 = 0xf0 is the largest */
	assert_memory_equal(mx.v.str.ptr, buf, 16);

	assert_int_equal(hy_column_min_max(batch->cols[FX_NULL], &mn, &mx, &err), HY_EUNSUPPORTED);
	hy_batch_unref(s);
	hy_batch_unref(batch);
}

static struct hy_column *build_f64(const double *v, const bool *null, int n)
{
	struct hy_dtype t = hy_dtype_simple(HY_FLOAT64);
	struct hy_builder *b = NULL;
	struct hy_column *col = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	for (int i = 0; i < n; i++) {
		if (null[i])
			assert_int_equal(hy_builder_append_null(b, &err), 0);
		else
			assert_int_equal(hy_builder_append_f64(b, v[i], &err), 0);
	}
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	hy_builder_destroy(b);
	return col;
}

static void test_stats_nan_and_nulls(void **state)
{
	double v[] = {NAN, 2.5, -1.0, 0, NAN, 7.0};
	bool null[] = {false, false, false, true, false, true};
	bool all[] = {true, true, true, true, true, true};
	struct hy_column *col;
	struct hy_value mn, mx;
	struct hy_error err = {0};

	(void)state;
	col = build_f64(v, null, 6);
	assert_int_equal(hy_column_min_max(col, &mn, &mx, &err), 0);
	assert_true(mn.v.f64 == -1.0);
	assert_true(mx.v.f64 == 2.5);
	assert_int_equal(hy_value_cmp(&mn, &mx), -1);
	hy_column_unref(col);
	/* Only NaN and nulls: no value. */
	col = build_f64(v, null, 1);
	assert_int_equal(hy_column_min_max(col, &mn, &mx, &err), 0);
	assert_int_equal(mn.kind, HY_VALUE_NONE);
	hy_column_unref(col);
	col = build_f64(v, all, 6);
	assert_int_equal(hy_column_min_max(col, &mn, &mx, &err), 0);
	assert_int_equal(mx.kind, HY_VALUE_NONE);
	assert_int_equal(hy_column_null_count(col), 6);
	assert_int_equal(hy_value_cmp(&mn, &mx), 0);
	hy_column_unref(col);
}

/* Slicing and releasing the same batch from several threads: the refcounts
 * are atomic and nothing is mutated after construction. */
static void *slice_and_release(void *arg)
{
	struct hy_batch *batch = arg, *s = NULL;
	struct hy_error err = {0};
	long ok = 1;

	for (int k = 0; k < 200; k++) {
		int64_t off = k % FX_ROWS;

		if (hy_batch_slice(batch, off, FX_ROWS - off, &s, &err) != 0)
			ok = 0;
		else if (hy_column_get_i64(s->cols[FX_I64], 0) != fx_i64(FX_I64, off))
			ok = 0;
		hy_batch_unref(s);
		s = NULL;
	}
	hy_batch_unref(batch); /* the reference the main thread handed over */
	return (void *)ok;
}

static void test_threads_share_a_batch(void **state)
{
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};
	pthread_t t[4];
	void *ok;

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(
			pthread_create(&t[i], NULL, slice_and_release, hy_batch_ref(batch)), 0);
	hy_batch_unref(batch); /* the threads may now hold the last references */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ok), 0);
		assert_true(ok == (void *)1);
	}
}

static void test_batch_under_alloc_failure(void **state)
{
	struct hy_batch *batch = NULL, *full = NULL, *s = NULL, *cat = NULL;
	struct hy_batch *two[2];
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = fx_batch(2, 9, &batch, &err);
		if (rc == 0)
			fx_check_batch(batch, 2);
		else
			assert_null(batch);
		hy_batch_unref(batch);
		batch = NULL;
	});
	assert_int_equal(fx_batch(0, FX_ROWS, &full, &err), 0);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_batch_slice(full, 3, 17, &s, &err);
		if (rc == 0)
			fx_check_batch(s, 3);
		hy_batch_unref(s);
		s = NULL;
	});
	two[0] = two[1] = full;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_batch_concat(two, 2, &cat, &err);
		if (rc == 0)
			assert_int_equal(cat->nrows, 2 * FX_ROWS);
		hy_batch_unref(cat);
		cat = NULL;
	});
	hy_batch_unref(full);
}

/* What a batch's rows take: values, validity bits, string offsets and
 * bytes; a slice its own rows; a dictionary-form column its indices. */
static void test_data_bytes(void **state)
{
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64), str = hy_dtype_simple(HY_STRING),
			boolean = hy_dtype_simple(HY_BOOL), i32 = hy_dtype_simple(HY_INT32);
	char n0[] = "n", n1[] = "s", n2[] = "b", n3[] = "d";
	struct hy_field f[4] = {{.name = n0, .type = i64, .nullable = true},
				{.name = n1, .type = str, .nullable = true},
				{.name = n2, .type = boolean, .nullable = true},
				{.name = n3, .type = str, .nullable = true}};
	struct hy_schema *schema = NULL;
	struct hy_builder *b[4];
	struct hy_column *cols[4], *dict = NULL, *idx = NULL;
	struct hy_batch *batch = NULL, *slice = NULL;
	struct hy_error err = {0};
	static const char *const words[] = {"ab", NULL, "cde"};

	(void)state;
	assert_int_equal(hy_schema_create(f, 4, &schema, &err), 0);
	assert_int_equal(hy_builder_create(&i64, &b[0], &err), 0);
	assert_int_equal(hy_builder_create(&str, &b[1], &err), 0);
	assert_int_equal(hy_builder_create(&boolean, &b[2], &err), 0);
	assert_int_equal(hy_builder_create(&i32, &b[3], &err), 0); /* dictionary indices */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(hy_builder_append_i64(b[0], i, &err), 0);
		assert_int_equal(words[i] == NULL ? hy_builder_append_null(b[1], &err)
						  : hy_builder_append_str(b[1], words[i],
									  strlen(words[i]), &err),
				 0);
		assert_int_equal(hy_builder_append_bool(b[2], i == 1, &err), 0);
		assert_int_equal(hy_builder_append_i64(b[3], 0, &err), 0); /* indices */
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(hy_builder_finish(b[i], &cols[i], &err), 0);
	assert_int_equal(hy_builder_finish(b[3], &idx, &err), 0);
	hy_builder_destroy(b[3]);
	assert_int_equal(hy_builder_create(&str, &b[3], &err), 0);
	assert_int_equal(hy_builder_append_str(b[3], "a long shared value", 19, &err), 0);
	assert_int_equal(hy_builder_finish(b[3], &dict, &err), 0);
	assert_int_equal(hy_column_create_dictionary(idx, dict, &cols[3], &err), 0);
	assert_int_equal(hy_batch_create(schema, cols, 3, &batch, &err), 0);
	/* int64 3 x 8; string 1 validity byte + 3 offsets x 4 + 5 bytes; bool 3
	 * bits (1 byte); dictionary form 3 x 4 indices (the shared dictionary is
	 * not counted) */
	assert_int_equal(hy_batch_data_bytes(batch), 24 + (1 + 12 + 5) + 1 + 12);
	assert_int_equal(hy_batch_slice(batch, 1, 2, &slice, &err), 0);
	assert_int_equal(hy_batch_data_bytes(slice), 16 + (1 + 8 + 3) + 1 + 8);
	hy_batch_unref(slice);
	hy_batch_unref(batch);
	for (int i = 0; i < 4; i++) {
		hy_column_unref(cols[i]);
		hy_builder_destroy(b[i]);
	}
	hy_column_unref(idx);
	hy_column_unref(dict);
	hy_schema_unref(schema);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_data_bytes),
	cmocka_unit_test(test_every_type_round_trips),
	cmocka_unit_test(test_slices_of_slices),
	cmocka_unit_test(test_odd_bit_offsets),
	cmocka_unit_test(test_append_column_pieces_equal_original),
	cmocka_unit_test(test_concat),
	cmocka_unit_test(test_create_rejects),
	cmocka_unit_test(test_stats_fixture),
	cmocka_unit_test(test_stats_nan_and_nulls),
	cmocka_unit_test(test_threads_share_a_batch),
	cmocka_unit_test(test_batch_under_alloc_failure),
};
HY_TEST_MAIN(tests)
