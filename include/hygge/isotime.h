/* Civil dates, ISO-8601 text and durations, without the C library's time zone
 * machinery except where local time is the point (the log clock, {timestamp}).
 *
 * An instant is an int64 count of microseconds since 1970-01-01T00:00:00Z.
 * A date is an int64 count of days since 1970-01-01. The supported civil range
 * is years 1..9999, the range of Python's datetime, whose isoformat() text the
 * reference puts in run ids and journal rows and which we therefore copy
 * byte for byte. */
#ifndef HYGGE_ISOTIME_H
#define HYGGE_ISOTIME_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/buffer.h"
#include "hygge/status.h"

#define HY_USEC_PER_SEC 1000000LL
#define HY_USEC_PER_DAY 86400000000LL

/* Room for the longest isoformat() text, "9999-12-31T23:59:59.999999+23:59:59", plus NUL. */
#define HY_TIME_ISO_MAX   40
/* "YYYYMMDD_HHMMSS" plus NUL. */
#define HY_TIME_STAMP_MAX 16
/* "YYYY-MM-DD" plus NUL. */
#define HY_DATE_TEXT_MAX  11
/* Passed as the offset to format a naive time (no "+HH:MM" suffix). */
#define HY_TIME_NO_OFFSET INT_MIN

/* A broken-down time of day on a proleptic Gregorian date. */
struct hy_civil {
	int year;   /* 1..9999 when produced by this module */
	int month;  /* 1..12 */
	int day;    /* 1..31 */
	int hour;   /* 0..23 */
	int minute; /* 0..59 */
	int second; /* 0..59 */
	int micros; /* 0..999999 */
};

/* Days since 1970-01-01 for a proleptic Gregorian date; any year, no range
 * check (callers validate month/day first). */
int64_t hy_days_from_civil(int64_t year, int month, int day);
/* Inverse of hy_days_from_civil(). */
void hy_civil_from_days(int64_t days, int64_t *year, int *month, int *day);
int hy_days_in_month(int64_t year, int month);

/* Breaks an instant shifted by `offset_seconds` into civil fields. HY_EINVAL
 * when the local date falls outside years 1..9999. */
int hy_time_to_civil(int64_t utc_micros, int offset_seconds, struct hy_civil *out,
		     struct hy_error *err) HY_WUR;

/* Python's datetime.isoformat(): "YYYY-MM-DDTHH:MM:SS[.ffffff]+HH:MM[:SS]".
 * The fraction is left out when the microseconds are 0, as Python does; the
 * offset is left out for HY_TIME_NO_OFFSET. `offset_seconds` must be within
 * ±24 h. HY_EINVAL outside years 1..9999. */
int hy_time_format_iso(int64_t utc_micros, int offset_seconds, char out[HY_TIME_ISO_MAX],
		       struct hy_error *err) HY_WUR;

/* Result of hy_time_parse_iso(). */
struct hy_time_parsed {
	int64_t utc_micros;  /* the instant; a text without offset is read as UTC */
	bool has_offset;     /* "Z" or "±HH[:MM]" was present */
	int offset_seconds;  /* the offset given (0 without one) */
	int sub_micro_nanos; /* digits past the 6th fractional digit, 0..999 (truncated) */
};

/* Parses "YYYY-MM-DD" optionally followed by ('T' | ' ') "HH:MM[:SS[(.|,)f{1,9}]]"
 * and then "Z", "±HH:MM", "±HHMM" or "±HH". `text` need not be NUL-terminated.
 * HY_EFORMAT with a message naming the text and the 1-based character where
 * it went wrong. */
int hy_time_parse_iso(const char *text, size_t len, struct hy_time_parsed *out,
		      struct hy_error *err) HY_WUR;

/* The current instant from CLOCK_REALTIME. */
int64_t hy_time_now_utc_micros(void);
/* The local zone's UTC offset in seconds at an instant (TZ rules). */
int hy_time_local_offset_at(int64_t utc_micros);
/* A timestamp column's zone as a fixed offset in seconds: "+01:00", "-0530",
 * "+02" are read; "UTC", "Z" and IANA names give 0 (values are shown in UTC). */
int hy_time_zone_offset(const char *tz);

/* The {timestamp} placeholder text: "YYYYMMDD_HHMMSS" in local time. */
int hy_time_format_stamp(int64_t utc_micros, char out[HY_TIME_STAMP_MAX],
			 struct hy_error *err) HY_WUR;

/* "YYYY-MM-DD" for days since the epoch; HY_EINVAL outside years 1..9999. */
int hy_date_format(int64_t days, char out[HY_DATE_TEXT_MAX], struct hy_error *err) HY_WUR;
/* Parses exactly "YYYY-MM-DD"; HY_EFORMAT otherwise. */
int hy_date_parse(const char *text, size_t len, int64_t *days, struct hy_error *err) HY_WUR;

/* The summary's duration words (behaviour.md §5.3):
 * "[<h> hour(s), ][<m> minute(s) and ]<s:.2f> seconds", e.g. "4.20 seconds",
 * "1 minute and 3.00 seconds", "2 hours, 1 minute and 0.50 seconds". Zero
 * units are left out, "second" only for "1.00", "and" before the last part.
 * Appends to `out`. */
int hy_duration_words(double seconds, struct hy_buf *out, struct hy_error *err) HY_WUR;

#endif /* HYGGE_ISOTIME_H */
