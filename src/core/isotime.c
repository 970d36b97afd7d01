/* Civil-date arithmetic, ISO-8601 formatting and parsing, durations.
 *
 * The day arithmetic is Howard Hinnant's era-based algorithm: exact for every
 * proleptic Gregorian year, before 1970 too, with no tables and no libc time
 * zone calls. Only the local-offset and "now" helpers touch the C library. */
#include "hygge/isotime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MIN_YEAR   1
#define MAX_YEAR   9999
#define QUOTE_MAX  64 /* bytes of a bad input quoted back in an error */
#define OFFSET_MAX (24 * 3600)

int64_t hy_days_from_civil(int64_t year, int month, int day)
{
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                         /* [0, 399] */
	int64_t mp = month > 2 ? month - 3 : month + 9;      /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + day - 1;          /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */

	return era * 146097 + doe - 719468;
}

void hy_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = m;
	*year = yoe + era * 400 + (m <= 2);
}

static bool is_leap(int64_t year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int hy_days_in_month(int64_t year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month < 1 || month > 12)
		return 0;
	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* The fields are range-checked before formatting, so this never truncates;
 * it exists because the compiler cannot see those checks. */
static void copy_text(char *out, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(out, src, n);
	out[n] = 0;
}

/* Floor division: instants before 1970 are negative. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int hy_time_to_civil(int64_t utc_micros, int offset_seconds, struct hy_civil *out,
		     struct hy_error *err)
{
	/* Nothing past ±20,000 years from 1970 is a printable year; the bound
	 * also keeps the offset shift below from overflowing. */
	const int64_t limit = 20000LL * 366 * HY_USEC_PER_DAY;
	int64_t local, days, rest, year;

	if (utc_micros > limit || utc_micros < -limit)
		return hy_error_set(err, HY_EINVAL, "time %lld us is outside years 1..9999",
				    (long long)utc_micros);
	local = utc_micros + (int64_t)offset_seconds * HY_USEC_PER_SEC;
	days = floor_div(local, HY_USEC_PER_DAY);
	rest = local - days * HY_USEC_PER_DAY;
	hy_civil_from_days(days, &year, &out->month, &out->day);
	if (year < MIN_YEAR || year > MAX_YEAR)
		return hy_error_set(err, HY_EINVAL, "time %lld us is outside years 1..9999",
				    (long long)utc_micros);
	out->year = (int)year;
	out->hour = (int)(rest / (3600 * HY_USEC_PER_SEC));
	out->minute = (int)(rest / (60 * HY_USEC_PER_SEC) % 60);
	out->second = (int)(rest / HY_USEC_PER_SEC % 60);
	out->micros = (int)(rest % HY_USEC_PER_SEC);
	return 0;
}

/* Python's tzinfo offset text: "+HH:MM", with ":SS" only when seconds are set. */
static void format_offset(char *out, size_t cap, int offset_seconds)
{
	char sign = offset_seconds < 0 ? '-' : '+';
	int a = offset_seconds < 0 ? -offset_seconds : offset_seconds;

	if (a % 60 != 0)
		snprintf(out, cap, "%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
	else
		snprintf(out, cap, "%c%02d:%02d", sign, a / 3600, a / 60 % 60);
}

int hy_time_format_iso(int64_t utc_micros, int offset_seconds, char out[HY_TIME_ISO_MAX],
		       struct hy_error *err)
{
	struct hy_civil c = {0};
	char frac[16] = "", off[32] = "", tmp[96];
	bool naive = offset_seconds == HY_TIME_NO_OFFSET;

	out[0] = 0;
	if (!naive && (offset_seconds <= -OFFSET_MAX || offset_seconds >= OFFSET_MAX))
		return hy_error_set(err, HY_EINVAL, "UTC offset %d s is not within 24 hours",
				    offset_seconds);
	HY_TRY(hy_time_to_civil(utc_micros, naive ? 0 : offset_seconds, &c, err));
	if (c.micros != 0)
		snprintf(frac, sizeof(frac), ".%06d", c.micros);
	if (!naive)
		format_offset(off, sizeof(off), offset_seconds);
	/* Via a roomy buffer: the compiler cannot see that the fields are in range. */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%s%s", c.year, c.month, c.day,
		 c.hour, c.minute, c.second, frac, off);
	copy_text(out, HY_TIME_ISO_MAX, tmp);
	return 0;
}

/* ---- parsing ---- */

struct scan {
	const char *s;
	size_t len;
	size_t pos;
	const char *what; /* "ISO-8601 time" or "date" */
	struct hy_error *err;
};

static int scan_fail(struct scan *sc, const char *why)
{
	char quoted[QUOTE_MAX + 4];
	size_t n = sc->len < QUOTE_MAX ? sc->len : QUOTE_MAX;

	/* Quote the input safely: it may be anything a config or a file held. */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)sc->s[i];
		quoted[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	memcpy(quoted + n, sc->len > n ? "..." : "", sc->len > n ? 4 : 1);
	return hy_error_set(sc->err, HY_EFORMAT, "invalid %s '%s': %s at character %zu", sc->what,
			    quoted, why, sc->pos + 1);
}

static bool at(const struct scan *sc, char ch)
{
	return sc->pos < sc->len && sc->s[sc->pos] == ch;
}

static bool at_digit(const struct scan *sc)
{
	return sc->pos < sc->len && sc->s[sc->pos] >= '0' && sc->s[sc->pos] <= '9';
}

/* Exactly `n` digits. */
static int scan_digits(struct scan *sc, int n, int *value, const char *why)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!at_digit(sc))
			return scan_fail(sc, why);
		v = v * 10 + (sc->s[sc->pos++] - '0');
	}
	*value = v;
	return 0;
}

static int scan_char(struct scan *sc, char ch, const char *why)
{
	if (!at(sc, ch))
		return scan_fail(sc, why);
	sc->pos++;
	return 0;
}

static int scan_date(struct scan *sc, int64_t *days)
{
	int y = 0, m = 0, d = 0;
	size_t start = sc->pos;

	HY_TRY(scan_digits(sc, 4, &y, "expected a 4-digit year"));
	HY_TRY(scan_char(sc, '-', "expected '-' after the year"));
	HY_TRY(scan_digits(sc, 2, &m, "expected a 2-digit month"));
	HY_TRY(scan_char(sc, '-', "expected '-' after the month"));
	HY_TRY(scan_digits(sc, 2, &d, "expected a 2-digit day"));
	if (y < MIN_YEAR) {
		sc->pos = start;
		return scan_fail(sc, "year 0 is out of range");
	}
	if (m < 1 || m > 12) {
		sc->pos = start + 5;
		return scan_fail(sc, "month out of range");
	}
	if (d < 1 || d > hy_days_in_month(y, m)) {
		sc->pos = start + 8;
		return scan_fail(sc, "day out of range for the month");
	}
	*days = hy_days_from_civil(y, m, d);
	return 0;
}

/* ".f" with 1..9 digits; keeps micros and the truncated nanoseconds. */
static int scan_fraction(struct scan *sc, int *micros, int *nanos)
{
	int digits = 0;
	int64_t v = 0;

	sc->pos++; /* '.' or ',' */
	while (at_digit(sc) && digits < 9) {
		v = v * 10 + (sc->s[sc->pos++] - '0');
		digits++;
	}
	if (digits == 0)
		return scan_fail(sc, "expected digits after the decimal mark");
	if (at_digit(sc))
		return scan_fail(sc, "more than 9 fractional digits");
	while (digits++ < 9)
		v *= 10;
	*micros = (int)(v / 1000);
	*nanos = (int)(v % 1000);
	return 0;
}

static int scan_clock(struct scan *sc, int64_t *micros_of_day, int *nanos)
{
	int h = 0, mi = 0, s = 0, us = 0;
	size_t start = sc->pos;

	HY_TRY(scan_digits(sc, 2, &h, "expected a 2-digit hour"));
	HY_TRY(scan_char(sc, ':', "expected ':' after the hour"));
	HY_TRY(scan_digits(sc, 2, &mi, "expected 2-digit minutes"));
	if (at(sc, ':')) {
		sc->pos++;
		HY_TRY(scan_digits(sc, 2, &s, "expected 2-digit seconds"));
		if (at(sc, '.') || at(sc, ','))
			HY_TRY(scan_fraction(sc, &us, nanos));
	}
	if (h > 23 || mi > 59 || s > 59) {
		sc->pos = start + (h > 23 ? 0 : mi > 59 ? 3 : 6);
		return scan_fail(sc, h > 23    ? "hour out of range"
				     : mi > 59 ? "minute out of range"
					       : "second out of range");
	}
	*micros_of_day = ((int64_t)h * 3600 + (int64_t)mi * 60 + s) * HY_USEC_PER_SEC + us;
	return 0;
}

static int scan_offset(struct scan *sc, int *offset)
{
	int sign, h = 0, m = 0;
	size_t start = sc->pos;

	if (at(sc, 'Z') || at(sc, 'z')) {
		sc->pos++;
		*offset = 0;
		return 0;
	}
	sign = at(sc, '-') ? -1 : 1;
	sc->pos++;
	HY_TRY(scan_digits(sc, 2, &h, "expected a 2-digit offset hour"));
	if (at(sc, ':')) {
		sc->pos++;
		HY_TRY(scan_digits(sc, 2, &m, "expected 2-digit offset minutes"));
	} else if (at_digit(sc)) {
		HY_TRY(scan_digits(sc, 2, &m, "expected 2-digit offset minutes"));
	}
	if (h > 23 || m > 59) {
		sc->pos = start;
		return scan_fail(sc, "UTC offset out of range");
	}
	*offset = sign * (h * 3600 + m * 60);
	return 0;
}

int hy_time_parse_iso(const char *text, size_t len, struct hy_time_parsed *out,
		      struct hy_error *err)
{
	struct scan sc = {text, len, 0, "ISO-8601 time", err};
	int64_t days = 0, tod = 0;

	memset(out, 0, sizeof(*out));
	HY_TRY(scan_date(&sc, &days));
	if (at(&sc, 'T') || at(&sc, 't') || at(&sc, ' ')) {
		sc.pos++;
		HY_TRY(scan_clock(&sc, &tod, &out->sub_micro_nanos));
		if (at(&sc, 'Z') || at(&sc, 'z') || at(&sc, '+') || at(&sc, '-')) {
			HY_TRY(scan_offset(&sc, &out->offset_seconds));
			out->has_offset = true;
		}
	}
	if (sc.pos != sc.len)
		return scan_fail(&sc, "unexpected text");
	out->utc_micros =
		days * HY_USEC_PER_DAY + tod - (int64_t)out->offset_seconds * HY_USEC_PER_SEC;
	return 0;
}

/* ---- clock, local time ---- */

int64_t hy_time_now_utc_micros(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * HY_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int hy_time_local_offset_at(int64_t utc_micros)
{
	time_t t = (time_t)floor_div(utc_micros, HY_USEC_PER_SEC);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)tm.tm_gmtoff;
}

int hy_time_format_stamp(int64_t utc_micros, char out[HY_TIME_STAMP_MAX], struct hy_error *err)
{
	struct hy_civil c = {0};
	char tmp[64];

	out[0] = 0;
	HY_TRY(hy_time_to_civil(utc_micros, hy_time_local_offset_at(utc_micros), &c, err));
	snprintf(tmp, sizeof(tmp), "%04d%02d%02d_%02d%02d%02d", c.year, c.month, c.day, c.hour,
		 c.minute, c.second);
	copy_text(out, HY_TIME_STAMP_MAX, tmp);
	return 0;
}

int hy_date_format(int64_t days, char out[HY_DATE_TEXT_MAX], struct hy_error *err)
{
	int64_t year = 0;
	int month = 0, day = 0;
	char tmp[64];

	out[0] = 0;
	/* Bound first so the year fits the "%04d" below. */
	if (days < hy_days_from_civil(MIN_YEAR, 1, 1) ||
	    days > hy_days_from_civil(MAX_YEAR, 12, 31))
		return hy_error_set(err, HY_EINVAL, "date %lld days is outside years 1..9999",
				    (long long)days);
	hy_civil_from_days(days, &year, &month, &day);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (int)year, month, day);
	copy_text(out, HY_DATE_TEXT_MAX, tmp);
	return 0;
}

int hy_date_parse(const char *text, size_t len, int64_t *days, struct hy_error *err)
{
	struct scan sc = {text, len, 0, "date", err};

	HY_TRY(scan_date(&sc, days));
	if (sc.pos != sc.len)
		return scan_fail(&sc, "unexpected text after the date");
	return 0;
}

/* ---- durations ---- */

int hy_duration_words(double seconds, struct hy_buf *out, struct hy_error *err)
{
	char parts[3][48];
	int n = 0;
	long long hours, minutes;
	double secs;

	if (!(seconds > 0)) /* also catches NaN */
		seconds = 0;
	if (seconds > 1e15)
		seconds = 1e15;
	hours = (long long)(seconds / 3600);
	minutes = (long long)((seconds - (double)hours * 3600) / 60);
	secs = seconds - (double)hours * 3600 - (double)minutes * 60;
	if (hours > 0)
		snprintf(parts[n++], sizeof(parts[0]), "%lld hour%s", hours, hours == 1 ? "" : "s");
	if (minutes > 0)
		snprintf(parts[n++], sizeof(parts[0]), "%lld minute%s", minutes,
			 minutes == 1 ? "" : "s");
	if (secs > 0 || n == 0) {
		char num[32];

		snprintf(num, sizeof(num), "%.2f", secs);
		snprintf(parts[n++], sizeof(parts[0]), "%s second%s", num,
			 strcmp(num, "1.00") == 0 ? "" : "s");
	}
	for (int i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : i == n - 1 ? " and " : ", ";

		HY_TRY(hy_buf_appendf(out, err, "%s%s", sep, parts[i]));
	}
	return 0;
}

int hy_time_zone_offset(const char *tz)
{
	int sign, h, m = 0;
	const char *p = tz + 1;

	if ((tz[0] != '+' && tz[0] != '-') || !isdigit((unsigned char)p[0]) ||
	    !isdigit((unsigned char)p[1]))
		return 0;
	sign = tz[0] == '-' ? -1 : 1;
	h = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if (*p == ':')
		p++;
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]))
		m = (p[0] - '0') * 10 + (p[1] - '0');
	return sign * (h * 3600 + m * 60);
}
