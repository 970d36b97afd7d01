/* Columns and builders: type and range checks, caps, bitmaps, empty
 * columns, reuse, the dictionary form, failure injection. */
#include <float.h>
#include <string.h>

#include "hy_test.h"
#include "column_int.h"

static struct hy_builder *make_builder(struct hy_dtype t)
{
	struct hy_builder *b = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	return b;
}

static void test_type_and_range_checks(void **state)
{
	struct hy_builder *b;
	struct hy_error err = {0};
	struct hy_dtype t;

	(void)state;
	b = make_builder(hy_dtype_simple(HY_INT8));
	assert_int_equal(hy_builder_append_i64(b, 127, &err), 0);
	assert_int_equal(hy_builder_append_i64(b, 128, &err), HY_EINVAL);
	assert_string_equal(err.msg, "value 128 is out of range for int8");
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_str(b, "x", 1, &err), HY_EINVAL);
	assert_string_equal(err.msg, "cannot append a string to a int8 column");
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_f64(b, 1.0, &err), HY_EINVAL);
	assert_int_equal(hy_builder_length(b), 1); /* failed appends change nothing */
	hy_builder_destroy(b);

	b = make_builder(hy_dtype_simple(HY_UINT8));
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_i64(b, -1, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_u64(b, 256, &err), HY_EINVAL);
	assert_string_equal(err.msg, "value 256 is out of range for uint8");
	assert_int_equal(hy_builder_append_i64(b, 255, &err), 0);
	hy_builder_destroy(b);

	assert_int_equal(hy_dtype_decimal(9, 2, &t, &err), 0);
	b = make_builder(t);
	assert_int_equal(hy_builder_append_i64(b, 999999999, &err), 0);
	assert_int_equal(hy_builder_append_i64(b, -999999999, &err), 0);
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_i64(b, 1000000000, &err), HY_EINVAL);
	assert_string_equal(err.msg, "value 1000000000 is out of range for decimal(9,2)");
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_decimal128(b, -1000000000, &err), HY_EINVAL);
	hy_builder_destroy(b);

	assert_int_equal(hy_dtype_time(HY_UNIT_SECOND, &t, &err), 0);
	b = make_builder(t);
	assert_int_equal(hy_builder_append_i64(b, 86399, &err), 0);
	assert_int_equal(hy_builder_append_i64(b, 86400, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_i64(b, -1, &err), HY_EINVAL);
	hy_builder_destroy(b);

	b = make_builder(hy_dtype_simple(HY_FLOAT32));
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_f64(b, 1e300, &err), HY_EINVAL);
	assert_int_equal(hy_builder_append_f64(b, (double)FLT_MAX, &err), 0);
	assert_int_equal(hy_builder_append_f64(b, -1.0 / 0.0, &err), 0);
	hy_builder_destroy(b);

	b = make_builder(hy_dtype_simple(HY_UUID));
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_str(b, "short", 5, &err), HY_EINVAL);
	assert_string_equal(err.msg, "a value of 5 bytes does not fit a uuid column of width 16");
	hy_builder_destroy(b);

	b = make_builder(hy_dtype_simple(HY_NULL));
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_i64(b, 1, &err), HY_EINVAL);
	hy_builder_destroy(b);

	t = hy_dtype_simple(HY_DECIMAL);
	t.precision = 0;
	hy_error_init(&err);
	assert_int_equal(hy_builder_create(&t, &b, &err), HY_EINVAL);
	assert_null(b);
}

static void test_var_bytes_cap(void **state)
{
	struct hy_builder *b = make_builder(hy_dtype_simple(HY_STRING));
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_builder_append_str(b, "abc", 3, &err), 0);
	/* The cap is checked before anything is allocated or read. */
	assert_int_equal(hy_builder_reserve(b, 1, HY_MAX_VAR_BYTES - 2, &err), HY_ELIMIT);
	assert_string_equal(err.msg,
			    "a string column would pass 2147483647 bytes of values (2 GiB)");
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_str(b, "x", (size_t)HY_MAX_VAR_BYTES + 1, &err),
			 HY_ELIMIT);
	hy_error_init(&err);
	assert_int_equal(hy_builder_reserve(b, HY_MAX_COLUMN_ROWS, 0, &err), HY_ELIMIT);
	assert_int_equal(hy_builder_length(b), 1);
	hy_builder_destroy(b);
}

static void test_empty_and_reuse(void **state)
{
	struct hy_builder *b = make_builder(hy_dtype_simple(HY_STRING));
	struct hy_column *col = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	assert_int_equal(col->length, 0);
	assert_non_null(col->values);
	assert_non_null(col->data);
	assert_int_equal(((int32_t *)col->values->data)[0], 0);
	assert_int_equal(col->values->size, 4);
	assert_null(col->validity);
	hy_column_unref(col);
	/* The builder is empty again and keeps its type. */
	assert_int_equal(hy_builder_append_str(b, "hello", 5, &err), 0);
	assert_int_equal(hy_builder_append_null(b, &err), 0);
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	assert_int_equal(col->length, 2);
	assert_int_equal(col->null_count, 1);
	assert_true(hy_str_eq_cstr(hy_column_get_bytes(col, 0), "hello"));
	assert_true(hy_column_is_null(col, 1));
	assert_int_equal(hy_column_get_bytes(col, 1).len, 0);
	assert_int_equal(col->data->size, 5);
	assert_int_equal(col->validity->data[0], 0x01);
	hy_column_unref(col);
	assert_int_equal(hy_builder_length(b), 0);
	hy_builder_destroy(b);
}

static void test_late_first_null_and_growth(void **state)
{
	struct hy_builder *b = make_builder(hy_dtype_simple(HY_BOOL));
	struct hy_column *col = NULL;
	struct hy_error err = {0};

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(hy_builder_append_bool(b, i % 3 == 0, &err), 0);
	assert_int_equal(hy_builder_append_null(b, &err), 0);
	assert_int_equal(hy_builder_append_bool(b, true, &err), 0);
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	assert_int_equal(col->length, 1002);
	assert_int_equal(col->null_count, 1);
	for (int i = 0; i < 1000; i++) {
		assert_false(hy_column_is_null(col, i));
		assert_int_equal(hy_column_get_bool(col, i), i % 3 == 0);
	}
	assert_true(hy_column_is_null(col, 1000));
	assert_false(hy_column_get_bool(col, 1000)); /* nulls hold zero bits */
	assert_true(hy_column_get_bool(col, 1001));
	/* validity: 125 bytes of 0xff, then bit 0 clear and bit 1 set */
	for (int i = 0; i < 125; i++)
		assert_int_equal(col->validity->data[i], 0xff);
	assert_int_equal(col->validity->data[125], 0x02);
	assert_int_equal(col->validity->size, 126);
	hy_column_unref(col);
	hy_builder_destroy(b);
}

static void test_bitmap_copy_every_alignment(void **state)
{
	uint8_t src[8], dst[8], want[8];

	(void)state;
	for (int k = 0; k < 8; k++)
		src[k] = (uint8_t)(0x5a ^ (k * 37));
	for (int so = 0; so < 16; so++) {
		for (int d = 0; d < 16; d++) {
			for (int n = 0; n + so <= 48 && n + d <= 48; n++) {
				memset(dst, 0xa5, sizeof(dst));
				memcpy(want, dst, sizeof(want));
				for (int i = 0; i < n; i++)
					hy__bit_set(want, d + i, hy__bit_get(src, so + i));
				hy__bitmap_copy(dst, d, src, so, n);
				assert_memory_equal(dst, want, sizeof(dst));
				int64_t count = 0;
				for (int i = 0; i < n; i++)
					count += hy__bit_get(src, so + i);
				assert_int_equal(hy__bitmap_count_set(src, so, n), count);
			}
		}
	}
}

static void test_append_column_mixes_validity(void **state)
{
	struct hy_builder *b = make_builder(hy_dtype_simple(HY_INT32));
	struct hy_column *plain = NULL, *col = NULL;
	struct hy_error err = {0};

	(void)state;
	for (int i = 0; i < 20; i++)
		assert_int_equal(hy_builder_append_i64(b, i, &err), 0);
	assert_int_equal(hy_builder_finish(b, &plain, &err), 0);
	assert_null(plain->validity);
	/* A null first, then rows of a column without a bitmap at bit 3. */
	assert_int_equal(hy_builder_append_null(b, &err), 0);
	assert_int_equal(hy_builder_append_column(b, plain, 3, 11, &err), 0);
	assert_int_equal(hy_builder_append_null(b, &err), 0);
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	assert_int_equal(col->length, 13);
	assert_int_equal(col->null_count, 2);
	assert_true(hy_column_is_null(col, 0));
	for (int i = 1; i <= 11; i++)
		assert_int_equal(hy_column_get_i64(col, i), i + 2);
	assert_true(hy_column_is_null(col, 12));
	hy_column_unref(col);

	hy_error_init(&err);
	assert_int_equal(hy_builder_append_column(b, plain, 15, 6, &err), HY_EINVAL);
	hy_builder_destroy(b);
	b = make_builder(hy_dtype_simple(HY_INT64));
	hy_error_init(&err);
	assert_int_equal(hy_builder_append_column(b, plain, 0, 1, &err), HY_EINVAL);
	assert_string_equal(err.msg, "cannot append int32 to a int64 column");
	hy_builder_destroy(b);
	hy_column_unref(plain);
}

static struct hy_column *strings(const char *const *v, int n)
{
	struct hy_builder *b = make_builder(hy_dtype_simple(HY_STRING));
	struct hy_column *col = NULL;
	struct hy_error err = {0};

	for (int i = 0; i < n; i++) {
		if (v[i] == NULL)
			assert_int_equal(hy_builder_append_null(b, &err), 0);
		else
			assert_int_equal(hy_builder_append_str(b, v[i], strlen(v[i]), &err), 0);
	}
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	hy_builder_destroy(b);
	return col;
}

static struct hy_column *int32s(const int *v, const bool *null, int n)
{
	struct hy_builder *b = make_builder(hy_dtype_simple(HY_INT32));
	struct hy_column *col = NULL;
	struct hy_error err = {0};

	for (int i = 0; i < n; i++) {
		if (null != NULL && null[i])
			assert_int_equal(hy_builder_append_null(b, &err), 0);
		else
			assert_int_equal(hy_builder_append_i64(b, v[i], &err), 0);
	}
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	hy_builder_destroy(b);
	return col;
}

static void test_dictionary_form(void **state)
{
	static const char *const dict_v[] = {"red", "green", "blue"};
	static const int idx[] = {2, 0, 0, 99, 1, 2, 1};
	static const bool null[] = {false, false, false, true, false, false, false};
	static const char *const want[] = {"blue", "red", "red", NULL, "green", "blue", "green"};
	struct hy_column *dict = strings(dict_v, 3), *ind = int32s(idx, null, 7);
	struct hy_column *col = NULL, *s = NULL, *flat = NULL, *bad = NULL;
	struct hy_builder *b;
	struct hy_value mn, mx;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_column_create_dictionary(ind, dict, &col, &err), 0);
	assert_int_equal(col->type.id, HY_STRING);
	assert_ptr_equal(col->dictionary, dict);
	assert_int_equal(col->null_count, 1);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(hy_column_is_null(col, i), want[i] == NULL);
		if (want[i] != NULL)
			assert_true(hy_str_eq_cstr(hy_column_get_bytes(col, i), want[i]));
	}
	assert_int_equal(hy_column_slice(col, 3, 3, &s, &err), 0);
	assert_ptr_equal(s->dictionary, dict);
	assert_true(hy_column_is_null(s, 0));
	assert_true(hy_str_eq_cstr(hy_column_get_bytes(s, 2), "blue"));
	assert_int_equal(hy_column_null_count(s), 1);
	assert_int_equal(hy_column_min_max(col, &mn, &mx, &err), 0);
	assert_true(hy_str_eq_cstr(mn.v.str, "blue"));
	assert_true(hy_str_eq_cstr(mx.v.str, "red"));
	/* Appending a dictionary column decodes it. */
	b = make_builder(hy_dtype_simple(HY_STRING));
	assert_int_equal(hy_builder_append_column(b, col, 1, 5, &err), 0);
	assert_int_equal(hy_builder_finish(b, &flat, &err), 0);
	hy_builder_destroy(b);
	assert_null(flat->dictionary);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(hy_column_is_null(flat, i), want[i + 1] == NULL);
		if (want[i + 1] != NULL)
			assert_true(hy_str_eq_cstr(hy_column_get_bytes(flat, i), want[i + 1]));
	}
	/* A bad index is refused with its row; nulls may hold anything. */
	hy_column_unref(ind);
	ind = int32s(idx, NULL, 7);
	assert_int_equal(hy_column_create_dictionary(ind, dict, &bad, &err), HY_EINVAL);
	assert_string_equal(err.msg,
			    "dictionary index 99 at row 3 is outside a dictionary of 3 values");
	hy_error_init(&err);
	assert_int_equal(hy_column_create_dictionary(dict, dict, &bad, &err), HY_EINVAL);
	assert_null(bad);
	hy_column_unref(flat);
	hy_column_unref(s);
	hy_column_unref(col);
	hy_column_unref(ind);
	hy_column_unref(dict);
}

static void test_builders_under_alloc_failure(void **state)
{
	static const enum hy_type_id ids[] = {HY_NULL, HY_BOOL, HY_INT16, HY_STRING, HY_DECIMAL};
	struct hy_builder *b = NULL;
	struct hy_column *col = NULL, *src = NULL, *slice = NULL;
	struct hy_error err;
	int rc;

	(void)state;
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		struct hy_dtype t = hy_dtype_simple(ids[k]);

		HY_FOR_EACH_ALLOC_FAILURE(rc, {
			hy_error_init(&err);
			rc = hy_builder_create(&t, &b, &err);
			for (int i = 0; i < 300 && rc == 0; i++) {
				if (i % 7 == 3 || ids[k] == HY_NULL)
					rc = hy_builder_append_null(b, &err);
				else if (ids[k] == HY_BOOL)
					rc = hy_builder_append_bool(b, i & 1, &err);
				else if (ids[k] == HY_STRING)
					rc = hy_builder_append_str(b, "abcdefgh", 8, &err);
				else
					rc = hy_builder_append_i64(b, i, &err);
			}
			if (rc == 0)
				rc = hy_builder_finish(b, &col, &err);
			if (rc == 0)
				rc = hy_column_slice(col, 5, 200, &slice, &err);
			if (rc == 0) {
				hy_builder_destroy(b);
				b = NULL;
				rc = hy_builder_create(&t, &b, &err);
			}
			if (rc == 0)
				rc = hy_builder_append_column(b, slice, 3, 150, &err);
			if (rc == 0)
				rc = hy_builder_finish(b, &src, &err);
			if (rc == 0)
				assert_int_equal(src->length, 150);
			hy_column_unref(src);
			hy_column_unref(slice);
			hy_column_unref(col);
			hy_builder_destroy(b);
			src = slice = col = NULL;
			b = NULL;
		});
	}
}

static void test_dictionary_under_alloc_failure(void **state)
{
	static const char *const dict_v[] = {"a", "b"};
	static const int idx[] = {1, 0, 1};
	struct hy_column *dict = strings(dict_v, 2), *ind = int32s(idx, NULL, 3), *col = NULL;
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_column_create_dictionary(ind, dict, &col, &err);
		hy_column_unref(col);
		col = NULL;
	});
	hy_column_unref(ind);
	hy_column_unref(dict);
}

static void test_rcbuf_refs_and_failure(void **state)
{
	struct hy_rcbuf *buf;

	(void)state;
	buf = hy_rcbuf_create(100);
	assert_non_null(buf);
	assert_int_equal((uintptr_t)buf->data % 64, 0);
	for (int i = 0; i < 128; i++) /* padding to 128 is zero as well */
		assert_int_equal(buf->data[i], 0);
	assert_ptr_equal(hy_rcbuf_ref(buf), buf);
	hy_rcbuf_unref(buf);
	hy_rcbuf_unref(buf);
	hy_rcbuf_unref(NULL);
	assert_null(hy_rcbuf_create(-1));
	for (long n = 1; n <= 2; n++) { /* the bytes, then the header */
		hy_alloc_fail_after(n);
		assert_null(hy_rcbuf_create(10));
		hy_alloc_fail_reset();
	}
}

static void test_builder_type_and_column_ref(void **state)
{
	struct hy_dtype t = hy_dtype_simple(HY_INT32);
	struct hy_builder *b = NULL;
	struct hy_column *col = NULL, *again;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	assert_int_equal(hy_builder_type(b)->id, HY_INT32);
	assert_int_equal(hy_builder_append_i64(b, 7, &err), 0);
	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	again = hy_column_ref(col);
	assert_ptr_equal(again, col);
	hy_column_unref(col); /* the second reference keeps it alive */
	assert_int_equal(hy_column_get_i64(again, 0), 7);
	hy_column_unref(again);
	hy_builder_destroy(b);
}

/* hy_column_create over buffers filled in place, and its checks. */
static void test_create_from_buffers(void **state)
{
	struct hy_dtype i32 = hy_dtype_simple(HY_INT32), str = hy_dtype_simple(HY_STRING);
	struct hy_column *col = NULL;
	struct hy_error err = {0};
	struct hy_rcbuf *v = hy_rcbuf_create(12), *valid = hy_rcbuf_create(1), *off, *data;
	uint8_t *adopted = hy_malloc(5);

	(void)state;
	assert_non_null(v);
	assert_non_null(valid);
	assert_non_null(adopted);
	((int32_t *)(void *)v->data)[0] = 4;
	((int32_t *)(void *)v->data)[2] = 6;
	valid->data[0] = 0x5; /* rows 0 and 2 */
	assert_int_equal(hy_column_create(&i32, 3, -1, valid, v, NULL, &col, &err), 0);
	assert_int_equal(hy_column_null_count(col), 1);
	assert_true(hy_column_is_null(col, 1));
	assert_int_equal(hy_column_get_i64(col, 2), 6);
	hy_column_unref(col);

	/* too few value bytes: refused, the buffer dropped */
	v = hy_rcbuf_create(8);
	assert_int_equal(hy_column_create(&i32, 3, 0, NULL, v, NULL, &col, &err), HY_EINVAL);
	assert_null(col);

	/* strings over an adopted malloc buffer */
	memcpy(adopted, "abcde", 5);
	data = hy_rcbuf_adopt(adopted, 5);
	off = hy_rcbuf_create(12);
	assert_non_null(data);
	assert_non_null(off);
	((int32_t *)(void *)off->data)[1] = 2;
	((int32_t *)(void *)off->data)[2] = 5;
	assert_int_equal(hy_column_create(&str, 2, 0, NULL, off, data, &col, &err), 0);
	assert_int_equal(hy_column_get_bytes(col, 1).len, 3);
	hy_column_unref(col);

	/* offsets past the data, decreasing offsets */
	off = hy_rcbuf_create(12);
	data = hy_rcbuf_create(2);
	((int32_t *)(void *)off->data)[1] = 2;
	((int32_t *)(void *)off->data)[2] = 5;
	hy_error_init(&err);
	assert_int_equal(hy_column_create(&str, 2, 0, NULL, off, data, &col, &err), HY_EINVAL);
	off = hy_rcbuf_create(12);
	((int32_t *)(void *)off->data)[1] = 2;
	hy_error_init(&err);
	assert_int_equal(hy_column_create(&str, 2, 0, NULL, off, NULL, &col, &err), HY_EINVAL);
	assert_non_null(strstr(err.msg, "decrease"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_create_from_buffers),
	cmocka_unit_test(test_builder_type_and_column_ref),
	cmocka_unit_test(test_rcbuf_refs_and_failure),
	cmocka_unit_test(test_type_and_range_checks),
	cmocka_unit_test(test_var_bytes_cap),
	cmocka_unit_test(test_empty_and_reuse),
	cmocka_unit_test(test_late_first_null_and_growth),
	cmocka_unit_test(test_bitmap_copy_every_alignment),
	cmocka_unit_test(test_append_column_mixes_validity),
	cmocka_unit_test(test_dictionary_form),
	cmocka_unit_test(test_builders_under_alloc_failure),
	cmocka_unit_test(test_dictionary_under_alloc_failure),
};
HY_TEST_MAIN(tests)
