/* Status names and the first-error-wins error record. */
#include <errno.h>
#include <string.h>

#include "hy_test.h"

static int fail_deep(struct hy_error *err)
{
	return hy_error_set(err, HY_EIO, "read %s", "data/x.parquet");
}

static int fail_middle(struct hy_error *err)
{
	HY_TRY(fail_deep(err));
	return 0;
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(hy_status_name(HY_OK), "ok");
	assert_string_equal(hy_status_name(HY_ENOMEM), "out of memory");
	assert_string_equal(hy_status_name(HY_ECANCELLED), "cancelled");
	assert_string_equal(hy_status_name(9999), "unknown status");
}

static void test_first_error_wins(void **state)
{
	struct hy_error err;

	(void)state;
	hy_error_init(&err);
	assert_int_equal(hy_error_set(&err, HY_EFORMAT, "bad page %d", 3), HY_EFORMAT);
	assert_int_equal(hy_error_set(&err, HY_EIO, "later"), HY_EIO);
	assert_int_equal(err.code, HY_EFORMAT);
	assert_string_equal(err.msg, "bad page 3");
}

static void test_prefix_adds_context(void **state)
{
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fail_middle(&err), HY_EIO);
	hy_error_prefix(&err, "store %s", "local");
	hy_error_prefix(&err, "flow %s", "users_to_lake");
	assert_string_equal(err.msg, "flow users_to_lake: store local: read data/x.parquet");
	assert_int_equal(err.code, HY_EIO);
}

static void test_prefix_without_error_does_nothing(void **state)
{
	struct hy_error err = {0};

	(void)state;
	hy_error_prefix(&err, "flow x");
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
}

static void test_errno_message(void **state)
{
	struct hy_error err = {0};

	(void)state;
	hy_error_set_errno(&err, HY_EIO, ENOSPC, "rename %s -> %s", "a", "b");
	assert_int_equal(err.sys_errno, ENOSPC);
	assert_string_equal(err.msg, "rename a -> b: No space left on device");
}

static void test_null_error_is_allowed(void **state)
{
	(void)state;
	assert_int_equal(hy_error_set(NULL, HY_EINVAL, "x"), HY_EINVAL);
	hy_error_prefix(NULL, "y");
}

static void test_long_prefix_truncates_tail(void **state)
{
	struct hy_error err = {0};
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	hy_error_set(&err, HY_EIO, "%s", big);
	assert_int_equal(strlen(err.msg), HY_ERROR_MSG_MAX - 1);
	hy_error_prefix(&err, "ctx");
	assert_memory_equal(err.msg, "ctx: aaa", 8);
	assert_int_equal(strlen(err.msg), HY_ERROR_MSG_MAX - 1);
}

static int set_through_va_list(struct hy_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = hy_error_setv(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_setv_formats_and_keeps_first(void **state)
{
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(set_through_va_list(&err, HY_ELIMIT, "page of %d bytes", 9), HY_ELIMIT);
	assert_int_equal(set_through_va_list(&err, HY_EIO, "second"), HY_EIO);
	assert_int_equal(err.code, HY_ELIMIT);
	assert_string_equal(err.msg, "page of 9 bytes");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_setv_formats_and_keeps_first),
	cmocka_unit_test(test_status_names),
	cmocka_unit_test(test_first_error_wins),
	cmocka_unit_test(test_prefix_adds_context),
	cmocka_unit_test(test_prefix_without_error_does_nothing),
	cmocka_unit_test(test_errno_message),
	cmocka_unit_test(test_null_error_is_allowed),
	cmocka_unit_test(test_long_prefix_truncates_tail),
};
HY_TEST_MAIN(tests)
