/* Value -> text for the CSV and NDJSON writers: one rendering per hygge
 * type (docs/internals/formats.md has the table). Scalars go to a stack
 * buffer; nothing here allocates except hex growth of the caller's buffer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_int.h"
#include "hygge/isotime.h"

size_t hy__fmt_f64(double v, char out[HY__SCALAR_MAX])
{
	int n = 0;

	if (isnan(v))
		return (size_t)snprintf(out, HY__SCALAR_MAX, "NaN");
	if (isinf(v))
		return (size_t)snprintf(out, HY__SCALAR_MAX, v < 0 ? "-inf" : "inf");
	/* %.17g always round-trips but prints 0.1 as 0.10000000000000001: take
	 * the first precision that reads back exactly. */
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(out, HY__SCALAR_MAX, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	if (strpbrk(out, ".eEn") == NULL && n + 2 < HY__SCALAR_MAX) {
		memcpy(out + n, ".0", 3); /* a float stays a float when read back */
		n += 2;
	}
	return (size_t)n;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static const int64_t per_second[] = {1, 1000, 1000000, 1000000000};
static const int frac_digits[] = {0, 3, 6, 9};

/* "HH:MM:SS[.fff...]" for `v` units since midnight (0 <= v < one day). */
static size_t fmt_tod(int64_t v, enum hy_time_unit unit, char *out, size_t cap)
{
	int64_t ps = per_second[unit], secs = v / ps, frac = v % ps;
	int n = snprintf(out, cap, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
			 (int)(secs % 60));

	if (frac_digits[unit] > 0)
		n += snprintf(out + n, cap - (size_t)n, ".%0*lld", frac_digits[unit],
			      (long long)frac);
	return (size_t)n;
}

static size_t fmt_date(int64_t days, char *out, size_t cap)
{
	int64_t y;
	int m, d;

	hy_civil_from_days(days, &y, &m, &d);
	return (size_t)snprintf(out, cap, "%04lld-%02d-%02d", (long long)y, m, d);
}

static size_t fmt_timestamp(int64_t v, const struct hy_dtype *t, char *out, size_t cap)
{
	int64_t per_day = per_second[t->unit] * 86400;
	int64_t days = floor_div(v, per_day);
	size_t n = fmt_date(days, out, cap);

	out[n++] = 'T';
	n += fmt_tod(v - days * per_day, t->unit, out + n, cap - n);
	if (t->tz[0] != 0)
		n += (size_t)snprintf(out + n, cap - n, "+00:00"); /* rendered in UTC */
	return n;
}

static size_t fmt_decimal(hy_i128 v, int scale, char *out)
{
	char digits[48];
	int nd = 0;
	size_t n = 0;
	hy_u128 u = v < 0 ? (hy_u128)0 - (hy_u128)v : (hy_u128)v;

	do {
		digits[nd++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	while (nd <= scale)
		digits[nd++] = '0';
	if (v < 0)
		out[n++] = '-';
	for (int i = nd - 1; i >= 0; i--) {
		out[n++] = digits[i];
		if (i == scale && scale > 0)
			out[n++] = '.';
	}
	out[n] = 0;
	return n;
}

static size_t fmt_uuid(const uint8_t *p, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		out[n++] = hex[p[i] >> 4];
		out[n++] = hex[p[i] & 15];
	}
	out[n] = 0;
	return n;
}

int hy__fmt_scalar(const struct hy_column *col, int64_t row, char out[HY__SCALAR_MAX], size_t *len,
		   struct hy_error *err)
{
	const struct hy_dtype *t = &col->type;

	switch (t->id) {
	case HY_BOOL:
		*len = (size_t)snprintf(out, HY__SCALAR_MAX, "%s",
					hy_column_get_bool(col, row) ? "true" : "false");
		return 0;
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_DURATION:
		*len = (size_t)snprintf(out, HY__SCALAR_MAX, "%lld",
					(long long)hy_column_get_i64(col, row));
		return 0;
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64:
		*len = (size_t)snprintf(out, HY__SCALAR_MAX, "%llu",
					(unsigned long long)hy_column_get_u64(col, row));
		return 0;
	case HY_FLOAT32:
	case HY_FLOAT64:
		if (t->id == HY_FLOAT32) {
			/* shortest text of the float32, not of its double widening */
			float f = (float)hy_column_get_f64(col, row);
			int n = 0;

			if (!isfinite(f)) {
				*len = hy__fmt_f64(f, out);
				return 0;
			}
			for (int prec = 6; prec <= 9; prec++) {
				n = snprintf(out, HY__SCALAR_MAX, "%.*g", prec, (double)f);
				if (strtof(out, NULL) == f)
					break;
			}
			if (strpbrk(out, ".eE") == NULL) {
				memcpy(out + n, ".0", 3);
				n += 2;
			}
			*len = (size_t)n;
			return 0;
		}
		*len = hy__fmt_f64(hy_column_get_f64(col, row), out);
		return 0;
	case HY_DECIMAL:
		*len = fmt_decimal(hy_column_get_decimal(col, row), t->scale, out);
		return 0;
	case HY_DATE: *len = fmt_date(hy_column_get_i64(col, row), out, HY__SCALAR_MAX); return 0;
	case HY_TIME:
		*len = fmt_tod(hy_column_get_i64(col, row), t->unit, out, HY__SCALAR_MAX);
		return 0;
	case HY_TIMESTAMP:
		*len = fmt_timestamp(hy_column_get_i64(col, row), t, out, HY__SCALAR_MAX);
		return 0;
	case HY_UUID:
		*len = fmt_uuid((const uint8_t *)hy_column_get_bytes(col, row).ptr, out);
		return 0;
	default: break;
	}
	return hy_error_set(err, HY_EUNSUPPORTED, "cannot render a %s value as text",
			    hy_type_name(t->id));
}

int hy__fmt_hex(struct hy_buf *out, const uint8_t *p, size_t n, struct hy_error *err)
{
	static const char hex[] = "0123456789abcdef";

	if (n > SIZE_MAX / 2)
		return hy_error_set(err, HY_ELIMIT, "binary value too large");
	HY_TRY(hy_buf_reserve(out, 2 * n, err));
	for (size_t i = 0; i < n; i++) {
		out->data[out->len++] = (uint8_t)hex[p[i] >> 4];
		out->data[out->len++] = (uint8_t)hex[p[i] & 15];
	}
	out->data[out->len] = 0;
	return 0;
}
