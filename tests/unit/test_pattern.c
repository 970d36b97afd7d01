/* File-name patterns. Every expected string below was printed by CPython
 * 3.11 (`format(value, spec)` / `pattern.format(...)`) and pasted here. */
#include <stdio.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/pattern.h"

static const int64_t spec_values[7] = {7, -7, 1234567, 0, 12345, INT64_MIN, INT64_MAX};

static const struct {
	const char *spec;
	const char *want[7];
} spec_cases[] = {
	{"020d",
	 {"00000000000000000007", "-0000000000000000007", "00000000000001234567",
	  "00000000000000000000", "00000000000000012345", "-9223372036854775808",
	  "09223372036854775807"}},
	{"020,d",
	 {"0,000,000,000,000,007", "-000,000,000,000,007", "0,000,000,001,234,567",
	  "0,000,000,000,000,000", "0,000,000,000,012,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{"020_d",
	 {"0_000_000_000_000_007", "-000_000_000_000_007", "0_000_000_001_234_567",
	  "0_000_000_000_000_000", "0_000_000_000_012_345", "-9_223_372_036_854_775_808",
	  "9_223_372_036_854_775_807"}},
	{"0=20,d",
	 {"0,000,000,000,000,007", "-000,000,000,000,007", "0,000,000,001,234,567",
	  "0,000,000,000,000,000", "0,000,000,000,012,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{"<05d",
	 {"70000", "-7000", "1234567", "00000", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{">05d",
	 {"00007", "000-7", "1234567", "00000", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{"^05d",
	 {"00700", "0-700", "1234567", "00000", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{"x<5",
	 {"7xxxx", "-7xxx", "1234567", "0xxxx", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{"*^+9,d",
	 {"***+7****", "***-7****", "+1,234,567", "***+0****", "*+12,345*",
	  "-9,223,372,036,854,775,808", "+9,223,372,036,854,775,807"}},
	{"=+8",
	 {"+      7", "-      7", "+1234567", "+      0", "+  12345", "-9223372036854775808",
	  "+9223372036854775807"}},
	{"+d",
	 {"+7", "-7", "+1234567", "+0", "+12345", "-9223372036854775808", "+9223372036854775807"}},
	{" d",
	 {" 7", "-7", " 1234567", " 0", " 12345", "-9223372036854775808", " 9223372036854775807"}},
	{"010",
	 {"0000000007", "-000000007", "0001234567", "0000000000", "0000012345",
	  "-9223372036854775808", "9223372036854775807"}},
	{"05,",
	 {"0,007", "-0,007", "1,234,567", "0,000", "12,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{"09,",
	 {"0,000,007", "-0,000,007", "1,234,567", "0,000,000", "0,012,345",
	  "-9,223,372,036,854,775,808", "9,223,372,036,854,775,807"}},
	{"0<8,",
	 {"70000000", "-7000000", "1,234,567", "00000000", "12,34500", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{"0>8,",
	 {"00000007", "000000-7", "1,234,567", "00000000", "0012,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{",",
	 {"7", "-7", "1,234,567", "0", "12,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{"_",
	 {"7", "-7", "1_234_567", "0", "12_345", "-9_223_372_036_854_775_808",
	  "9_223_372_036_854_775_807"}},
	{"#d", {"7", "-7", "1234567", "0", "12345", "-9223372036854775808", "9223372036854775807"}},
	{"d", {"7", "-7", "1234567", "0", "12345", "-9223372036854775808", "9223372036854775807"}},
	{"", {"7", "-7", "1234567", "0", "12345", "-9223372036854775808", "9223372036854775807"}},
	{"0", {"7", "-7", "1234567", "0", "12345", "-9223372036854775808", "9223372036854775807"}},
	{"00", {"7", "-7", "1234567", "0", "12345", "-9223372036854775808", "9223372036854775807"}},
	{"0>5",
	 {"00007", "000-7", "1234567", "00000", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{"10_",
	 {"         7", "        -7", " 1_234_567", "         0", "    12_345",
	  "-9_223_372_036_854_775_808", "9_223_372_036_854_775_807"}},
	{"+010_d",
	 {"+0_000_007", "-0_000_007", "+1_234_567", "+0_000_000", "+0_012_345",
	  "-9_223_372_036_854_775_808", "+9_223_372_036_854_775_807"}},
	{"=5",
	 {"    7", "-   7", "1234567", "    0", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{"*<05",
	 {"7****", "-7***", "1234567", "0****", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{"x=05",
	 {"xxxx7", "-xxx7", "1234567", "xxxx0", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{" =+8,",
	 {"+      7", "-      7", "+1,234,567", "+      0", "+ 12,345",
	  "-9,223,372,036,854,775,808", "+9,223,372,036,854,775,807"}},
	{"=08,",
	 {"0,000,007", "-000,007", "1,234,567", "0,000,000", "0,012,345",
	  "-9,223,372,036,854,775,808", "9,223,372,036,854,775,807"}},
	{">020,",
	 {"00000000000000000007", "000000000000000000-7", "000000000001,234,567",
	  "00000000000000000000", "0000000000000012,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{"0^9,",
	 {"000070000", "000-70000", "1,234,567", "000000000", "012,34500",
	  "-9,223,372,036,854,775,808", "9,223,372,036,854,775,807"}},
	{"04,",
	 {"0,007", "-007", "1,234,567", "0,000", "12,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
	{"é<5",
	 {"7éééé", "-7ééé", "1234567", "0éééé", "12345", "-9223372036854775808",
	  "9223372036854775807"}},
	{"é^6,",
	 {"éé7ééé", "éé-7éé", "1,234,567", "éé0ééé", "12,345", "-9,223,372,036,854,775,808",
	  "9,223,372,036,854,775,807"}},
};

static char *render(const struct hy_pattern *pat, const struct hy_pattern_values *v,
		    struct hy_buf *b)
{
	struct hy_error err = {0};

	hy_buf_clear(b);
	assert_int_equal(hy_pattern_render(pat, v, b, &err), 0);
	return (char *)b->data;
}

static void test_int_specs_match_python(void **state)
{
	struct hy_buf b;
	struct hy_error err = {0};
	char text[64];

	(void)state;
	hy_buf_init(&b, 4096);
	for (size_t i = 0; i < sizeof(spec_cases) / sizeof(spec_cases[0]); i++) {
		struct hy_pattern *pat;
		struct hy_pattern_values v = {0};

		snprintf(text, sizeof(text), "{sequence:%s}", spec_cases[i].spec);
		assert_int_equal(hy_pattern_compile(&pat, text, HY_PATTERN_ALL, &err), 0);
		for (int j = 0; j < 7; j++) {
			v.sequence = spec_values[j];
			assert_string_equal(render(pat, &v, &b), spec_cases[i].want[j]);
		}
		hy_pattern_destroy(pat);
	}
	hy_buf_reset(&b);
}

static void test_render_all_placeholders(void **state)
{
	struct hy_pattern *pat;
	struct hy_buf b;
	struct hy_error err = {0};
	struct hy_pattern_values v = {42, "st", "fl", "20251127_010203", "users"};

	(void)state;
	hy_buf_init(&b, 4096);
	assert_int_equal(hy_pattern_compile(&pat, "{sequence:020d}.parquet", HY_PATTERN_ALL, &err),
			 0);
	assert_int_equal(hy_pattern_fields(pat), HY_PATTERN_SEQUENCE);
	assert_string_equal(render(pat, &v, &b), "00000000000000000042.parquet");
	hy_pattern_destroy(pat);
	assert_int_equal(hy_pattern_compile(
				 &pat,
				 "{name}_{flow_name}_{{x}}_{entity}-{timestamp}-{sequence:_>6}.csv",
				 HY_PATTERN_ALL, &err),
			 0);
	assert_int_equal(hy_pattern_fields(pat), HY_PATTERN_ALL);
	assert_string_equal(render(pat, &v, &b), "st_fl_{x}_users-20251127_010203-____42.csv");
	/* Rendering appends; the caller clears. */
	assert_int_equal(hy_pattern_render(pat, &v, &b, &err), 0);
	assert_int_equal(b.len, 2 * strlen("st_fl_{x}_users-20251127_010203-____42.csv"));
	v.timestamp = NULL;
	hy_buf_clear(&b);
	assert_int_equal(hy_pattern_render(pat, &v, &b, &err), HY_EINVAL);
	assert_string_equal(err.msg, "pattern '{name}_{flow_name}_{{x}}_{entity}-{timestamp}-"
				     "{sequence:_>6}.csv' needs a value for {timestamp}");
	hy_pattern_destroy(pat);
	assert_int_equal(hy_pattern_compile(&pat, "", HY_PATTERN_ALL, &err), 0);
	assert_string_equal(render(pat, &v, &b), "");
	assert_string_equal(hy_pattern_text(pat), "");
	hy_pattern_destroy(pat);
	/* An empty spec is the plain number, as in Python. */
	assert_int_equal(hy_pattern_compile(&pat, "{sequence:}{{}}", HY_PATTERN_ALL, &err), 0);
	assert_string_equal(render(pat, &v, &b), "42{}");
	hy_pattern_destroy(pat);
	hy_buf_reset(&b);
}

static void check_error(const char *text, unsigned allowed, int code, const char *msg)
{
	struct hy_pattern *pat = (struct hy_pattern *)&pat;
	struct hy_error err = {0};

	assert_int_equal(hy_pattern_compile(&pat, text, allowed, &err), code);
	assert_null(pat);
	assert_string_equal(err.msg, msg);
}

static void test_compile_errors_name_the_pattern(void **state)
{
	struct hy_pattern *pat;
	struct hy_error err = {0};
	char huge[HY_PATTERN_TEXT_MAX + 2];
	const unsigned files = HY_PATTERN_SEQUENCE | HY_PATTERN_NAME | HY_PATTERN_FLOW_NAME;

	(void)state;
	check_error("{seq}.parquet", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{seq}.parquet': unknown placeholder '{seq}' (use {sequence}, "
		    "{name}, {flow_name}, {timestamp} or {entity})");
	check_error(
		"{timestamp}.parquet", files, HY_ECONFIG,
		"file_pattern '{timestamp}.parquet': placeholder '{timestamp}' is not available "
		"here (use {sequence}, {name} or {flow_name})");
	check_error(
		"{}.parquet", files, HY_ECONFIG,
		"file_pattern '{}.parquet': unknown placeholder '{}' (use {sequence}, {name} or "
		"{flow_name})");
	check_error("{sequence!r}", HY_PATTERN_SEQUENCE, HY_ECONFIG,
		    "file_pattern '{sequence!r}': unknown placeholder '{sequence!r}' (use "
		    "{sequence})");
	check_error("a{sequence", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern 'a{sequence': unclosed '{' at character 2 (write '{{' for a "
		    "literal brace)");
	check_error("a}b", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern 'a}b': single '}' at character 2 (write '}}' for a literal "
		    "brace)");
	check_error("{sequence:{w}}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:{w}}': nested '{' in a placeholder at character 11");
	check_error("{name:>10}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{name:>10}': placeholder '{name:>10}' takes no format spec "
		    "(only {sequence} does)");
	check_error("{sequence:.3d}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:.3d}': bad format spec in '{sequence:.3d}': precision "
		    "is not allowed for an integer");
	check_error("{sequence:5.}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:5.}': bad format spec in '{sequence:5.}': format "
		    "specifier missing precision");
	check_error("{sequence:,_}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:,_}': bad format spec in '{sequence:,_}': cannot "
		    "specify both ',' and '_'");
	check_error("{sequence:x}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:x}': bad format spec in '{sequence:x}': unsupported "
		    "format type (use d)");
	check_error("{sequence:- 5}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:- 5}': bad format spec in '{sequence:- 5}': invalid "
		    "format specifier");
	check_error("{sequence:z}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:z}': bad format spec in '{sequence:z}': negative zero "
		    "coercion (z) is not allowed for an integer");
	check_error("{sequence:0256}", HY_PATTERN_ALL, HY_ECONFIG,
		    "file_pattern '{sequence:0256}': bad format spec in '{sequence:0256}': width "
		    "is larger than 255");
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = 0;
	check_error(huge, HY_PATTERN_ALL, HY_ELIMIT, "file_pattern is longer than 4096 bytes");
	assert_int_equal(
		hy_pattern_compile_as(&pat, "path", "data/{entiti}/", HY_PATTERN_ENTITY, &err),
		HY_ECONFIG);
	assert_string_equal(err.msg, "path 'data/{entiti}/': unknown placeholder '{entiti}' (use "
				     "{entity})");
	/* Widest spec renders whole: a 4-byte fill 255 times. */
	hy_error_init(&err);
	assert_int_equal(
		hy_pattern_compile(&pat, "{sequence:\xf0\x9f\x8f\xa1^255,}", HY_PATTERN_ALL, &err),
		0);
	{
		struct hy_buf b;
		struct hy_pattern_values v = {INT64_MIN, 0, 0, 0, 0};

		hy_buf_init(&b, 4096);
		assert_int_equal(hy_pattern_render(pat, &v, &b, &err), 0);
		assert_int_equal(b.len, (255 - 26) * 4 + 26);
		hy_buf_reset(&b);
	}
	hy_pattern_destroy(pat);
}

static void test_match_sequence(void **state)
{
	struct hy_pattern *pat;
	struct hy_error err = {0};
	struct hy_pattern_values v = {0, "st", "fl", NULL, "users"};
	int64_t seq = -1;

	(void)state;
	assert_int_equal(hy_pattern_compile(&pat, "{sequence:020d}.parquet", HY_PATTERN_ALL, &err),
			 0);
	assert_true(hy_pattern_match_sequence(pat, &v, "00000000000000000042.parquet", 28, &seq));
	assert_int_equal(seq, 42);
	/* Not what this pattern would print: a different width, extension or stem. */
	assert_false(hy_pattern_match_sequence(pat, &v, "42.parquet", 10, &seq));
	assert_false(hy_pattern_match_sequence(pat, &v, "00000000000000000042.csv", 24, &seq));
	assert_false(hy_pattern_match_sequence(pat, &v, "0000000000000000004x.parquet", 28, &seq));
	assert_false(hy_pattern_match_sequence(pat, &v, "", 0, &seq));
	hy_pattern_destroy(pat);

	assert_int_equal(hy_pattern_compile(&pat, "{name}_{timestamp}_{sequence}_{sequence:03}.csv",
					    HY_PATTERN_ALL, &err),
			 0);
	assert_true(hy_pattern_match_sequence(pat, &v, "st_20251127_010203_7_007.csv", 28, &seq));
	assert_int_equal(seq, 7);
	assert_true(
		hy_pattern_match_sequence(pat, &v, "st_20251127_010203_1234_1234.csv", 32, &seq));
	assert_int_equal(seq, 1234);
	assert_false(hy_pattern_match_sequence(pat, &v, "st_20251127_010203_7_008.csv", 28, &seq));
	assert_false(hy_pattern_match_sequence(pat, &v, "xx_20251127_010203_7_007.csv", 28, &seq));
	assert_false(hy_pattern_match_sequence(pat, &v, "st_2025112_0102030_7_007.csv", 28, &seq));
	hy_pattern_destroy(pat);

	/* A sequence next to digits of a value: backtracking finds the split. */
	v.entity = "9";
	assert_int_equal(hy_pattern_compile(&pat, "{sequence}{entity}", HY_PATTERN_ALL, &err), 0);
	assert_true(hy_pattern_match_sequence(pat, &v, "1239", 4, &seq));
	assert_int_equal(seq, 123);
	hy_pattern_destroy(pat);

	assert_int_equal(hy_pattern_compile(&pat, "{sequence:,}", HY_PATTERN_ALL, &err), 0);
	assert_true(hy_pattern_match_sequence(pat, &v, "1,234,567", 9, &seq));
	assert_int_equal(seq, 1234567);
	assert_false(hy_pattern_match_sequence(pat, &v, "1234,567", 8, &seq));
	hy_pattern_destroy(pat);

	/* No {sequence}: nothing to extract. */
	assert_int_equal(hy_pattern_compile(&pat, "{name}.csv", HY_PATTERN_ALL, &err), 0);
	assert_false(hy_pattern_match_sequence(pat, &v, "st.csv", 6, &seq));
	hy_pattern_destroy(pat);
}

static void test_compile_under_alloc_failure(void **state)
{
	struct hy_pattern *pat = NULL;
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_pattern_compile(&pat,
					"a{name}b{flow_name}c{entity}d{sequence}e{timestamp}f"
					"{name}g{name}h{name}i{name}j{sequence:_^9,}",
					HY_PATTERN_ALL, &err);
		if (rc != 0)
			assert_null(pat);
		hy_pattern_destroy(pat);
		pat = NULL;
	});
}

static void test_render_under_alloc_failure(void **state)
{
	struct hy_pattern *pat;
	struct hy_pattern_values v = {7, "st", "fl", "20251127_010203", "users"};
	struct hy_error err = {0};
	struct hy_buf b;
	int rc;

	(void)state;
	assert_int_equal(hy_pattern_compile(&pat, "{name}/{entity}/{sequence:020d}.parquet",
					    HY_PATTERN_ALL, &err),
			 0);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_buf_init(&b, 4096);
		hy_error_init(&err);
		rc = hy_pattern_render(pat, &v, &b, &err);
		if (rc == 0)
			assert_string_equal((char *)b.data,
					    "st/users/00000000000000000007.parquet");
		hy_buf_reset(&b);
	});
	hy_pattern_destroy(pat);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_int_specs_match_python),
	cmocka_unit_test(test_render_all_placeholders),
	cmocka_unit_test(test_compile_errors_name_the_pattern),
	cmocka_unit_test(test_match_sequence),
	cmocka_unit_test(test_compile_under_alloc_failure),
	cmocka_unit_test(test_render_under_alloc_failure),
};
HY_TEST_MAIN(tests)
