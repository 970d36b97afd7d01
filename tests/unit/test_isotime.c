/* Civil dates, ISO-8601 text (compared with Python's isoformat/fromisoformat
 * output, pasted here as literals) and the summary's duration words. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hy_test.h"
#include "hygge/isotime.h"

static void test_days_round_trip_all_years(void **state)
{
	(void)state;
	assert_int_equal(hy_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(hy_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(hy_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(hy_days_from_civil(9999, 12, 31), 2932896);
	assert_int_equal(hy_days_from_civil(2000, 3, 1), 11017);
	/* Every day of years 1..9999 goes out and back, and days are consecutive. */
	int64_t prev = hy_days_from_civil(1, 1, 1) - 1;
	for (int64_t y = 1; y <= 9999; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= hy_days_in_month(y, m); d++) {
				int64_t days = hy_days_from_civil(y, m, d), yy;
				int mm, dd;

				assert_true(days == prev + 1);
				hy_civil_from_days(days, &yy, &mm, &dd);
				assert_true(yy == y && mm == m && dd == d);
				prev = days;
			}
		}
	}
	assert_int_equal(hy_days_in_month(1900, 2), 28);
	assert_int_equal(hy_days_in_month(2000, 2), 29);
	assert_int_equal(hy_days_in_month(2024, 2), 29);
	assert_int_equal(hy_days_in_month(2024, 13), 0);
}

static void check_iso(int64_t micros, int offset, const char *want)
{
	char out[HY_TIME_ISO_MAX];
	struct hy_error err = {0};

	assert_int_equal(hy_time_format_iso(micros, offset, out, &err), 0);
	assert_string_equal(out, want);
}

static void test_format_matches_python_isoformat(void **state)
{
	char out[HY_TIME_ISO_MAX];
	struct hy_error err = {0};

	(void)state;
	check_iso(1764205323123456, 0, "2025-11-27T01:02:03.123456+00:00");
	/* Python leaves the fraction out when microseconds are 0. */
	check_iso(1764205323000000, 0, "2025-11-27T01:02:03+00:00");
	check_iso(1764205323000001, 0, "2025-11-27T01:02:03.000001+00:00");
	check_iso(-62135596800000000 + 19800000000, -19800, "0001-01-01T00:00:00-05:30");
	check_iso(-1, 0, "1969-12-31T23:59:59.999999+00:00");
	check_iso(-1, 3615, "1970-01-01T01:00:14.999999+01:00:15");
	check_iso(253402300799999999, 0, "9999-12-31T23:59:59.999999+00:00");
	check_iso(951827400000000, HY_TIME_NO_OFFSET, "2000-02-29T12:30:00");
	check_iso(-2203891200000000, 0, "1900-03-01T00:00:00+00:00");
	assert_int_equal(hy_time_format_iso(253402300800000000, 0, out, &err), HY_EINVAL);
	assert_string_equal(out, "");
	hy_error_init(&err);
	assert_int_equal(hy_time_format_iso(-62135596800000000, -60, out, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_time_format_iso(0, 86400, out, &err), HY_EINVAL);
	assert_string_equal(err.msg, "UTC offset 86400 s is not within 24 hours");
	hy_error_init(&err);
	assert_int_equal(hy_time_format_iso(INT64_MAX, 0, out, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_time_format_iso(INT64_MIN, 0, out, &err), HY_EINVAL);
}

static void check_parse(const char *text, int64_t micros, bool has_offset, int offset)
{
	struct hy_time_parsed p;
	struct hy_error err = {0};

	assert_int_equal(hy_time_parse_iso(text, strlen(text), &p, &err), 0);
	assert_true(p.utc_micros == micros);
	assert_int_equal(p.has_offset, has_offset);
	assert_int_equal(p.offset_seconds, offset);
}

static void test_parse_forms(void **state)
{
	struct hy_time_parsed p;
	struct hy_error err = {0};

	(void)state;
	/* Expected values from Python's datetime.fromisoformat(). */
	check_parse("2025-11-27T01:02:03.123456+00:00", 1764205323123456, true, 0);
	check_parse("2025-11-27T01:02:03.5-05:30", 1764225123500000, true, -19800);
	check_parse("2025-11-27 01:02Z", 1764205320000000, true, 0);
	check_parse("2025-11-27T01:02:03+0130", 1764199923000000, true, 5400);
	check_parse("2025-11-27T01:02:03-07", 1764230523000000, true, -25200);
	check_parse("2025-11-27", 1764201600000000, false, 0);
	check_parse("2025-11-27T01:02:03", 1764205323000000, false, 0);
	check_parse("0001-01-01T00:00:00+00:00", -62135596800000000, true, 0);
	check_parse("9999-12-31T23:59:59.999999+00:00", 253402300799999999, true, 0);
	check_parse("1969-12-31T23:59:59.999999+00:00", -1, true, 0);
	check_parse("2000-02-29T12:30:00,25", 951827400250000, false, 0);
	assert_int_equal(hy_time_parse_iso("2025-11-27T01:02:03.123456789Z", 30, &p, &err), 0);
	assert_true(p.utc_micros == 1764205323123456);
	assert_int_equal(p.sub_micro_nanos, 789);
	/* Not NUL-terminated: only `len` bytes count. */
	assert_int_equal(hy_time_parse_iso("2025-11-27XYZ", 10, &p, &err), 0);
	assert_true(p.utc_micros == 1764201600000000);
}

static void check_bad(const char *text, const char *msg)
{
	struct hy_time_parsed p;
	struct hy_error err = {0};

	assert_int_equal(hy_time_parse_iso(text, strlen(text), &p, &err), HY_EFORMAT);
	assert_string_equal(err.msg, msg);
}

static void test_parse_rejects_with_position(void **state)
{
	struct hy_error err = {0};
	int64_t days;

	(void)state;
	check_bad("", "invalid ISO-8601 time '': expected a 4-digit year at character 1");
	check_bad("2025-13-01",
		  "invalid ISO-8601 time '2025-13-01': month out of range at character 6");
	check_bad("2025-02-29", "invalid ISO-8601 time '2025-02-29': day out of range for the "
				"month at character 9");
	check_bad("0000-01-01",
		  "invalid ISO-8601 time '0000-01-01': year 0 is out of range at character 1");
	check_bad("2025-11-27T24:00",
		  "invalid ISO-8601 time '2025-11-27T24:00': hour out of range at character 12");
	check_bad("2025-11-27T10:60", "invalid ISO-8601 time '2025-11-27T10:60': minute out of "
				      "range at character 15");
	check_bad("2025-11-27T10:00:60", "invalid ISO-8601 time '2025-11-27T10:00:60': second out "
					 "of range at character 18");
	check_bad("2025-11-27T10", "invalid ISO-8601 time '2025-11-27T10': expected ':' after the "
				   "hour at character 14");
	check_bad("2025-11-27T10:00:00.", "invalid ISO-8601 time '2025-11-27T10:00:00.': expected "
					  "digits after the decimal mark at character 21");
	check_bad("2025-11-27T10:00:00.1234567890",
		  "invalid ISO-8601 time '2025-11-27T10:00:00.1234567890': more than 9 fractional "
		  "digits at character 30");
	check_bad("2025-11-27T10:00+24:00", "invalid ISO-8601 time '2025-11-27T10:00+24:00': UTC "
					    "offset out of range at character 17");
	check_bad("2025-11-27T10:00+1", "invalid ISO-8601 time '2025-11-27T10:00+1': expected a "
					"2-digit offset hour at character 19");
	check_bad("2025-11-27T10:00 UTC", "invalid ISO-8601 time '2025-11-27T10:00 UTC': "
					  "unexpected text at character 17");
	check_bad("2025-11-27\n", "invalid ISO-8601 time '2025-11-27?': unexpected text at "
				  "character 11");
	assert_int_equal(hy_date_parse("2025-11-27T00:00", 16, &days, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "invalid date '2025-11-27T00:00': unexpected text after the "
				     "date at character 11");
}

static void test_dates(void **state)
{
	char out[HY_DATE_TEXT_MAX];
	struct hy_error err = {0};
	int64_t days;

	(void)state;
	assert_int_equal(hy_date_format(-719162, out, &err), 0);
	assert_string_equal(out, "0001-01-01");
	assert_int_equal(hy_date_format(20419, out, &err), 0);
	assert_string_equal(out, "2025-11-27");
	assert_int_equal(hy_date_parse("1900-02-28", 10, &days, &err), 0);
	assert_int_equal(days, -25509);
	assert_int_equal(hy_date_format(2932897, out, &err), HY_EINVAL);
	assert_string_equal(err.msg, "date 2932897 days is outside years 1..9999");
}

static void test_local_time_and_stamp(void **state)
{
	char out[HY_TIME_STAMP_MAX];
	struct hy_error err = {0};
	int64_t now = hy_time_now_utc_micros();

	(void)state;
	/* Now is after this code was written and before year 2100. */
	assert_true(now > 1764201600000000 && now < 4102444800000000);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(hy_time_local_offset_at(now), 0);
	assert_int_equal(hy_time_format_stamp(1764205323999999, out, &err), 0);
	assert_string_equal(out, "20251127_010203");
	setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
	assert_int_equal(hy_time_local_offset_at(1764205323000000), -5 * 3600);
	assert_int_equal(hy_time_local_offset_at(1751328000000000), -4 * 3600); /* July */
	assert_int_equal(hy_time_format_stamp(1764205323000000, out, &err), 0);
	assert_string_equal(out, "20251126_200203");
	unsetenv("TZ");
	tzset();
}

static void check_words(double s, const char *want)
{
	struct hy_buf b;
	struct hy_error err = {0};

	hy_buf_init(&b, 256);
	assert_int_equal(hy_duration_words(s, &b, &err), 0);
	assert_string_equal((char *)b.data, want);
	hy_buf_reset(&b);
}

static void test_duration_words(void **state)
{
	(void)state;
	check_words(0, "0.00 seconds");
	check_words(-3, "0.00 seconds");
	check_words(1.0, "1.00 second");
	check_words(1.004, "1.00 second");
	check_words(4.2, "4.20 seconds");
	check_words(63, "1 minute and 3.00 seconds");
	check_words(120, "2 minutes");
	check_words(3600, "1 hour");
	check_words(3600 + 0.5, "1 hour and 0.50 seconds");
	check_words(2 * 3600 + 60 + 0.5, "2 hours, 1 minute and 0.50 seconds");
	check_words(7320, "2 hours and 2 minutes");
}

static void test_duration_words_under_alloc_failure(void **state)
{
	struct hy_buf b;
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_buf_init(&b, 256);
		hy_error_init(&err);
		rc = hy_duration_words(7384.25, &b, &err);
		if (rc == 0)
			assert_string_equal((char *)b.data, "2 hours, 3 minutes and 4.25 seconds");
		hy_buf_reset(&b);
	});
}

static void test_time_to_civil(void **state)
{
	struct hy_civil c;
	struct hy_error err = {0};

	(void)state;
	/* 1969-12-31T23:59:59.999999Z seen from +01:00 is 1970-01-01T00:59:59.999999 */
	assert_int_equal(hy_time_to_civil(-1, 3600, &c, &err), 0);
	assert_int_equal(c.year, 1970);
	assert_int_equal(c.month, 1);
	assert_int_equal(c.day, 1);
	assert_int_equal(c.hour, 0);
	assert_int_equal(c.minute, 59);
	assert_int_equal(c.second, 59);
	assert_int_equal(c.micros, 999999);
	/* 2024-02-29T12:00:00Z */
	assert_int_equal(hy_time_to_civil(1709208000000000, 0, &c, &err), 0);
	assert_int_equal(c.year, 2024);
	assert_int_equal(c.month, 2);
	assert_int_equal(c.day, 29);
	assert_int_equal(c.hour, 12);
}

/* Fixed offsets are read; zone names mean UTC. */
static void test_zone_offset(void **state)
{
	(void)state;
	assert_int_equal(hy_time_zone_offset("+01:00"), 3600);
	assert_int_equal(hy_time_zone_offset("-0530"), -(5 * 3600 + 30 * 60));
	assert_int_equal(hy_time_zone_offset("+02"), 7200);
	assert_int_equal(hy_time_zone_offset("UTC"), 0);
	assert_int_equal(hy_time_zone_offset("Z"), 0);
	assert_int_equal(hy_time_zone_offset("Europe/Oslo"), 0);
	assert_int_equal(hy_time_zone_offset("+x"), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_time_to_civil),
	cmocka_unit_test(test_days_round_trip_all_years),
	cmocka_unit_test(test_format_matches_python_isoformat),
	cmocka_unit_test(test_parse_forms),
	cmocka_unit_test(test_parse_rejects_with_position),
	cmocka_unit_test(test_dates),
	cmocka_unit_test(test_local_time_and_stamp),
	cmocka_unit_test(test_duration_words),
	cmocka_unit_test(test_duration_words_under_alloc_failure),
	cmocka_unit_test(test_zone_offset),
};
HY_TEST_MAIN(tests)
