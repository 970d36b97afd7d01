/* The capped growable buffer and string views. */
#include <string.h>

#include "hy_test.h"
#include "hygge/buffer.h"

static void test_append_grows_and_terminates(void **state)
{
	struct hy_buf b;
	struct hy_error err = {0};

	(void)state;
	hy_buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(hy_buf_append(&b, "abc", 3, &err), 0);
	assert_int_equal(b.len, 3000);
	assert_int_equal(b.data[3000], 0);
	assert_memory_equal(b.data + 2997, "abc", 3);
	assert_int_equal(hy_buf_appendf(&b, &err, "-%d-", 42), 0);
	assert_string_equal((char *)b.data + 3000, "-42-");
	hy_buf_reset(&b);
	assert_null(b.data);
	assert_int_equal(b.max, 1 << 20);
}

static void test_cap_is_enforced(void **state)
{
	struct hy_buf b;
	struct hy_error err = {0};

	(void)state;
	hy_buf_init(&b, 10);
	assert_int_equal(hy_buf_append(&b, "0123456789", 10, &err), 0);
	assert_int_equal(hy_buf_append_byte(&b, 'x', &err), HY_ELIMIT);
	assert_string_equal(err.msg, "buffer would grow past its limit of 10 bytes");
	assert_int_equal(b.len, 10);
	assert_true(b.cap <= 10);
	hy_error_init(&err);
	assert_int_equal(hy_buf_reserve(&b, SIZE_MAX, &err), HY_ELIMIT);
	hy_buf_reset(&b);
}

static void test_clear_and_detach(void **state)
{
	struct hy_buf b;
	struct hy_error err = {0};
	uint8_t *bytes;
	size_t len;

	(void)state;
	hy_buf_init(&b, 100);
	assert_int_equal(hy_buf_append(&b, "hello", 5, &err), 0);
	hy_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_non_null(b.data);
	assert_int_equal(hy_buf_append(&b, "hi", 2, &err), 0);
	bytes = hy_buf_detach(&b, &len);
	assert_int_equal(len, 2);
	assert_string_equal((char *)bytes, "hi");
	assert_null(b.data);
	hy_free(bytes);
}

static void test_append_under_alloc_failure(void **state)
{
	struct hy_buf b;
	struct hy_error err = {0};
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_buf_init(&b, 1 << 16);
		hy_error_init(&err);
		rc = 0;
		for (int i = 0; i < 100 && rc == 0; i++)
			rc = hy_buf_append(&b, "0123456789", 10, &err);
		if (rc == 0)
			assert_int_equal(b.len, 1000);
		hy_buf_reset(&b);
	});
}

static void test_string_views(void **state)
{
	struct hy_str s = hy_str_from_cstr("  users_to_lake \n");
	struct hy_str t = hy_str_trim(s);
	char *copy;

	(void)state;
	assert_true(hy_str_eq_cstr(t, "users_to_lake"));
	assert_true(hy_str_starts_with(t, HY_STR_LIT("users")));
	assert_false(hy_str_starts_with(t, HY_STR_LIT("lake")));
	assert_true(hy_str_eq_cstr(hy_str_sub(t, 9, 100), "lake"));
	assert_true(hy_str_eq_cstr(hy_str_sub(t, 100, 1), ""));
	assert_int_equal(hy_str_cmp(HY_STR_LIT("ab"), HY_STR_LIT("abc")), -1);
	assert_int_equal(hy_str_cmp(HY_STR_LIT("b"), HY_STR_LIT("abc")), 1);
	assert_int_equal(hy_str_cmp(HY_STR_LIT(""), HY_STR_LIT("")), 0);
	copy = hy_str_dup(t);
	assert_string_equal(copy, "users_to_lake");
	hy_free(copy);
}

static void test_str_eq(void **state)
{
	(void)state;
	assert_true(hy_str_eq(HY_STR_LIT("abc"), HY_STR_LIT("abc")));
	assert_false(hy_str_eq(HY_STR_LIT("abc"), HY_STR_LIT("abd")));
	assert_false(hy_str_eq(HY_STR_LIT("abc"), HY_STR_LIT("ab")));
	assert_true(hy_str_eq((struct hy_str){NULL, 0}, HY_STR_LIT("")));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_str_eq),
	cmocka_unit_test(test_append_grows_and_terminates),
	cmocka_unit_test(test_cap_is_enforced),
	cmocka_unit_test(test_clear_and_detach),
	cmocka_unit_test(test_append_under_alloc_failure),
	cmocka_unit_test(test_string_views),
};
HY_TEST_MAIN(tests)
