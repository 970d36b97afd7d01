/* Logical types and schemas. */
#include <string.h>

#include "hy_test.h"
#include "hygge/types.h"

static void test_decimal_bounds(void **state)
{
	struct hy_dtype t;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_dtype_decimal(18, 3, &t, &err), 0);
	assert_int_equal(t.precision, 18);
	assert_int_equal(t.scale, 3);
	assert_int_equal(hy_dtype_byte_width(&t), 8);
	assert_int_equal(hy_dtype_decimal(19, 0, &t, &err), 0);
	assert_int_equal(hy_dtype_byte_width(&t), 16);
	assert_int_equal(hy_dtype_decimal(38, 38, &t, &err), 0);
	assert_int_equal(hy_dtype_decimal(0, 0, &t, &err), HY_EINVAL);
	assert_string_equal(err.msg, "decimal precision 0 is outside 1..38");
	hy_error_init(&err);
	assert_int_equal(hy_dtype_decimal(39, 0, &t, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_dtype_decimal(10, -1, &t, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_dtype_decimal(10, 11, &t, &err), HY_EINVAL);
	assert_string_equal(err.msg, "decimal scale 11 is outside 0..10 (the precision)");
}

static void test_other_constructors(void **state)
{
	struct hy_dtype t;
	struct hy_error err = {0};
	char long_tz[100];

	(void)state;
	assert_int_equal(hy_dtype_fixed_binary(12, &t, &err), 0);
	assert_int_equal(hy_dtype_byte_width(&t), 12);
	assert_int_equal(hy_dtype_fixed_binary(0, &t, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_dtype_time((enum hy_time_unit)7, &t, &err), HY_EINVAL);
	hy_error_init(&err);
	memset(long_tz, 'x', sizeof(long_tz) - 1);
	long_tz[sizeof(long_tz) - 1] = 0;
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_MICRO, long_tz, &t, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_dtype_time(HY_UNIT_MILLI, &t, &err), 0);
	assert_int_equal(hy_dtype_bit_width(&t), 32);
	assert_int_equal(hy_dtype_time(HY_UNIT_NANO, &t, &err), 0);
	assert_int_equal(hy_dtype_bit_width(&t), 64);
	t = hy_dtype_simple(HY_BOOL);
	assert_int_equal(hy_dtype_bit_width(&t), 1);
	assert_int_equal(hy_dtype_byte_width(&t), 0);
	t = hy_dtype_simple(HY_UUID);
	assert_int_equal(hy_dtype_byte_width(&t), 16);
	assert_int_equal(hy_dtype_validate(&t, &err), 0);
	t = hy_dtype_simple(HY_STRING);
	assert_true(hy_dtype_is_var_width(&t));
	assert_int_equal(hy_dtype_bit_width(&t), 0);
	t.id = (enum hy_type_id)99;
	assert_int_equal(hy_dtype_validate(&t, &err), HY_EINVAL);
}

static void test_format_and_eq(void **state)
{
	struct hy_dtype a, b;
	struct hy_error err = {0};
	char buf[64];

	(void)state;
	assert_int_equal(hy_dtype_decimal(18, 3, &a, &err), 0);
	hy_dtype_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "decimal(18,3)");
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_MICRO, "UTC", &a, &err), 0);
	assert_int_equal(hy_dtype_format(&a, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "timestamp[us, UTC]");
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_NANO, NULL, &b, &err), 0);
	hy_dtype_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "timestamp[ns]");
	assert_false(hy_dtype_eq(&a, &b));
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_MICRO, "UTC", &b, &err), 0);
	assert_true(hy_dtype_eq(&a, &b));
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_MICRO, "Europe/Oslo", &b, &err), 0);
	assert_false(hy_dtype_eq(&a, &b));
	assert_int_equal(hy_dtype_time(HY_UNIT_MILLI, &a, &err), 0);
	hy_dtype_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "time[ms]");
	assert_int_equal(hy_dtype_duration(HY_UNIT_SECOND, &a, &err), 0);
	hy_dtype_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "duration[s]");
	assert_int_equal(hy_dtype_fixed_binary(7, &a, &err), 0);
	hy_dtype_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "fixed_binary(7)");
	a = hy_dtype_simple(HY_UINT16);
	hy_dtype_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "uint16");
	b = hy_dtype_simple(HY_INT16);
	assert_false(hy_dtype_eq(&a, &b));
	assert_int_equal(hy_dtype_format(&a, buf, 3), 6);
	assert_string_equal(buf, "ui");
}

static void make_fields(struct hy_field *f)
{
	f[0] = (struct hy_field){.name = (char *)"id", .type = hy_dtype_simple(HY_INT64)};
	f[1] = (struct hy_field){
		.name = (char *)"name", .type = hy_dtype_simple(HY_STRING), .nullable = true};
	f[2] = (struct hy_field){.name = (char *)"at", .type = hy_dtype_simple(HY_TIMESTAMP)};
}

static void test_schema_lookup_and_refs(void **state)
{
	struct hy_field f[3];
	struct hy_schema *s = NULL, *s2 = NULL;
	struct hy_error err = {0};

	(void)state;
	make_fields(f);
	assert_int_equal(hy_schema_create(f, 3, &s, &err), 0);
	assert_int_equal(hy_schema_nfields(s), 3);
	assert_int_equal(hy_schema_find(s, "id"), 0);
	assert_int_equal(hy_schema_find(s, "name"), 1);
	assert_int_equal(hy_schema_find(s, "at"), 2);
	assert_int_equal(hy_schema_find(s, "nope"), -1);
	assert_int_equal(hy_schema_find(s, "ID"), -1);
	assert_string_equal(hy_schema_field(s, 1)->name, "name");
	assert_ptr_not_equal(hy_schema_field(s, 1)->name, f[1].name);
	assert_true(hy_schema_field(s, 1)->nullable);
	assert_int_equal(hy_schema_field(s, 2)->type.id, HY_TIMESTAMP);
	assert_ptr_equal(hy_schema_ref(s), s);
	hy_schema_unref(s);
	assert_int_equal(hy_schema_create(f, 3, &s2, &err), 0);
	assert_true(hy_schema_eq(s, s2));
	hy_schema_unref(s2);
	assert_int_equal(hy_schema_create(f, 2, &s2, &err), 0);
	assert_false(hy_schema_eq(s, s2));
	hy_schema_unref(s2);
	hy_schema_unref(s);
	hy_schema_unref(NULL);
	assert_int_equal(hy_schema_create(NULL, 0, &s, &err), 0);
	assert_int_equal(hy_schema_find(s, "x"), -1);
	hy_schema_unref(s);
}

static void test_schema_rejects(void **state)
{
	struct hy_field f[3];
	struct hy_schema *s = NULL;
	struct hy_error err = {0};

	(void)state;
	make_fields(f);
	f[2].name = (char *)"id";
	assert_int_equal(hy_schema_create(f, 3, &s, &err), HY_EINVAL);
	assert_null(s);
	assert_string_equal(err.msg, "duplicate field name id");
	make_fields(f);
	f[1].name = (char *)"";
	hy_error_init(&err);
	assert_int_equal(hy_schema_create(f, 3, &s, &err), HY_EINVAL);
	assert_string_equal(err.msg, "field 1 has no name");
	make_fields(f);
	f[1].type.id = HY_DECIMAL;
	f[1].type.precision = 50;
	hy_error_init(&err);
	assert_int_equal(hy_schema_create(f, 3, &s, &err), HY_EINVAL);
	assert_string_equal(err.msg, "field name: decimal precision 50 is outside 1..38");
	hy_error_init(&err);
	assert_int_equal(hy_schema_create(f, HY_MAX_FIELDS + 1, &s, &err), HY_ELIMIT);
}

static void test_schema_under_alloc_failure(void **state)
{
	struct hy_field f[3];
	struct hy_schema *s = NULL;
	struct hy_error err;
	int rc;

	(void)state;
	make_fields(f);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_schema_create(f, 3, &s, &err);
		if (rc != 0)
			assert_null(s);
		hy_schema_unref(s);
		s = NULL;
	});
}

static void test_type_and_unit_names(void **state)
{
	(void)state;
	assert_string_equal(hy_type_name(HY_INT64), "int64");
	assert_string_equal(hy_type_name(HY_STRING), "string");
	assert_string_equal(hy_type_name(HY_TIMESTAMP), "timestamp");
	assert_string_equal(hy_type_name((enum hy_type_id)999), "unknown");
	assert_string_equal(hy_time_unit_name(HY_UNIT_SECOND), "s");
	assert_string_equal(hy_time_unit_name(HY_UNIT_MILLI), "ms");
	assert_string_equal(hy_time_unit_name(HY_UNIT_MICRO), "us");
	assert_string_equal(hy_time_unit_name(HY_UNIT_NANO), "ns");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_type_and_unit_names),        cmocka_unit_test(test_decimal_bounds),
	cmocka_unit_test(test_other_constructors),         cmocka_unit_test(test_format_and_eq),
	cmocka_unit_test(test_schema_lookup_and_refs),     cmocka_unit_test(test_schema_rejects),
	cmocka_unit_test(test_schema_under_alloc_failure),
};
HY_TEST_MAIN(tests)
