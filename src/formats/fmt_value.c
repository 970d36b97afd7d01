/* Text -> value: the parsers behind CSV cells (and NDJSON strings with a
 * schema override), type inference and the type-name grammar of
 * format_options.schema. Nothing here allocates. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt_int.h"
#include "hygge/isotime.h"

#define NUM_TEXT_MAX 128 /* longest number text parsed with strtod */

bool hy__parse_u64(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && p[0] == '+')
		i = 1;
	if (i == n)
		return false;
	if (n - i <= 19) {
		/* 19 digits always fit: no overflow check per digit. */
		for (; i < n; i++) {
			unsigned d = (unsigned char)p[i] - '0';

			if (d > 9)
				return false;
			v = v * 10 + d;
		}
		*out = v;
		return true;
	}
	for (; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool hy__parse_i64(const char *p, size_t n, int64_t *out)
{
	bool neg = n > 0 && p[0] == '-';
	uint64_t v;

	if (neg) {
		p++;
		n--;
		if (n > 0 && p[0] == '+')
			return false;
	}
	if (!hy__parse_u64(p, n, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

/* Optional sign, then digits only. */
static bool is_integer_text(const char *p, size_t n)
{
	size_t i = n > 0 && (p[0] == '-' || p[0] == '+') ? 1 : 0;

	if (i == n)
		return false;
	for (; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

static bool word_eq(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(p, w, n) == 0;
}

/* Exact powers of ten: 10^22 is the largest a double holds exactly. */
static const double pow10_d[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
#define HAVE_X87_FAST 1
/* 10^27 = 2^27 * 5^27 and 5^27 < 2^64: exact in x87's 64-bit mantissa. */
static const long double pow10_ld[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
				       1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
				       1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
				       1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
#endif

/* The exact, correctly rounded value of w * 10^e10 when it can be had
 * without strtod; false sends the text to strtod.
 *  - w < 2^53 and |e10| <= 22: both are exact doubles, so one IEEE multiply
 *    or divide rounds once, correctly.
 *  - x87 (64-bit mantissa), w < 2^64, |e10| <= 27: both exact in extended
 *    precision and one operation rounds once to 64 bits, within half an
 *    extended ulp of the true value. Rounding that to 53 bits gives the same
 *    double as rounding the true value unless the 11 bits dropped sit exactly
 *    on the halfway pattern (the true value could then lie on either side):
 *    only that case goes to strtod. */
static bool fast_f64(uint64_t w, int e10, bool neg, double *out)
{
	double d;

	if (w == 0) {
		*out = neg ? -0.0 : 0.0;
		return true;
	}
#if FLT_EVAL_METHOD == 0
	if (w < (1ull << 53) && e10 >= -22 && e10 <= 22) {
		d = (double)w;
		d = e10 < 0 ? d / pow10_d[-e10] : d * pow10_d[e10];
		*out = neg ? -d : d;
		return true;
	}
#endif
#ifdef HAVE_X87_FAST
	if (e10 >= -27 && e10 <= 27) {
		long double x = (long double)w;
		uint64_t mant;

		x = e10 < 0 ? x / pow10_ld[-e10] : x * pow10_ld[e10];
		memcpy(&mant, &x, sizeof(mant)); /* x87 layout: the mantissa comes first */
		if ((mant & 0x7FF) == 0x400)
			return false;
		d = (double)x;
		*out = neg ? -d : d;
		return true;
	}
#endif
	return false;
}

/* "[+-]digits[.digits][(e|E)[+-]digits]" or "[+-].digits[...]" with at most
 * 19 significant digits: the decimal mantissa and exponent. false for
 * anything else (which strtod then judges). */
static bool split_decimal(const char *p, size_t n, uint64_t *w, int *e10, bool *neg)
{
	size_t i = 0;
	uint64_t v = 0;
	int sig = 0, exp = 0, digits = 0;

	*neg = false;
	if (i < n && (p[i] == '-' || p[i] == '+'))
		*neg = p[i++] == '-';
	for (; i < n && (unsigned)(p[i] - '0') <= 9; i++, digits++) {
		if (v == 0 && p[i] == '0')
			continue;
		if (++sig > 19)
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (i < n && p[i] == '.') {
		for (i++; i < n && (unsigned)(p[i] - '0') <= 9; i++, digits++) {
			exp--;
			if (v == 0 && p[i] == '0')
				continue;
			if (++sig > 19)
				return false;
			v = v * 10 + (uint64_t)(p[i] - '0');
		}
	}
	if (digits == 0)
		return false;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		bool eneg = false;
		int ev = 0, ed = 0;

		i++;
		if (i < n && (p[i] == '-' || p[i] == '+'))
			eneg = p[i++] == '-';
		for (; i < n && (unsigned)(p[i] - '0') <= 9; i++, ed++)
			if (ev < 10000)
				ev = ev * 10 + (p[i] - '0');
		if (ed == 0)
			return false;
		exp += eneg ? -ev : ev;
	}
	if (i != n)
		return false;
	*w = v;
	*e10 = exp;
	return true;
}

bool hy__parse_f64(const char *p, size_t n, double *out)
{
	char tmp[NUM_TEXT_MAX];
	uint64_t w;
	int e10;
	bool fneg;

	if (n < sizeof(tmp) && split_decimal(p, n, &w, &e10, &fneg) && fast_f64(w, e10, fneg, out))
		return true;
	const char *q = p;
	size_t m = n, i;
	bool neg = false, digit = false;
	char *end;

	if (m > 0 && (q[0] == '-' || q[0] == '+')) {
		neg = q[0] == '-';
		q++;
		m--;
	}
	if (word_eq(q, m, "nan")) {
		*out = neg ? -NAN : NAN;
		return true;
	}
	if (word_eq(q, m, "inf") || word_eq(q, m, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return true;
	}
	/* strtod also takes hex floats, "nan(...)" and leading space: refuse
	 * them by allowing only the characters of a decimal number. */
	if (n == 0 || n >= sizeof(tmp))
		return false;
	for (i = 0; i < m; i++) {
		char c = q[i];

		if (isdigit((unsigned char)c))
			digit = true;
		else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+')
			return false;
	}
	if (!digit)
		return false;
	memcpy(tmp, p, n);
	tmp[n] = 0;
	*out = strtod(tmp, &end);
	if (end != tmp + n)
		return false;
	return isfinite(*out); /* 1e999 is not a number hygge should invent */
}

bool hy__parse_bool(const char *p, size_t n, bool *out)
{
	/* the lower-case spelling first: no locale-aware compare per value */
	if (n == 4 && memcmp(p, "true", 4) == 0) {
		*out = true;
		return true;
	}
	if (n == 5 && memcmp(p, "false", 5) == 0) {
		*out = false;
		return true;
	}
	if (word_eq(p, n, "true")) {
		*out = true;
		return true;
	}
	if (word_eq(p, n, "false")) {
		*out = false;
		return true;
	}
	return false;
}

bool hy__parse_decimal(const char *p, size_t n, int precision, int scale, hy_i128 *out)
{
	hy_i128 v = 0, limit = 1;
	size_t i = 0;
	int frac = 0;
	bool neg = false, dot = false, any = false;

	for (int k = 0; k < precision; k++)
		limit *= 10;
	if (i < n && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	for (; i < n; i++) {
		char c = p[i];

		if (c == '.' && !dot) {
			dot = true;
			continue;
		}
		if (!isdigit((unsigned char)c))
			return false;
		any = true;
		if (dot && frac == scale) {
			if (c != '0')
				return false; /* would lose digits */
			continue;
		}
		if (dot)
			frac++;
		if (v > (limit - 1 - (c - '0')) / 10)
			return false; /* more digits than the precision */
		v = v * 10 + (c - '0');
	}
	if (!any)
		return false;
	for (; frac < scale; frac++) {
		if (v > (limit - 1) / 10)
			return false;
		v *= 10;
	}
	*out = neg ? -v : v;
	return true;
}

bool hy__utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	/* ASCII, eight bytes at a time, before the full decoder. */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ull)
			break;
	}
	while (i < n) {
		unsigned c = p[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += len;
	}
	return true;
}

/* ---- text -> builder ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool micros_to_unit(int64_t us, int nanos, enum hy_time_unit unit, int64_t *out)
{
	switch (unit) {
	case HY_UNIT_SECOND: *out = floor_div(us, 1000000); return true;
	case HY_UNIT_MILLI: *out = floor_div(us, 1000); return true;
	case HY_UNIT_MICRO: *out = us; return true;
	case HY_UNIT_NANO:
		if (__builtin_mul_overflow(us, 1000, out) ||
		    __builtin_add_overflow(*out, nanos, out))
			return false;
		return true;
	}
	return false;
}

static bool two_digits(const char *p, int *v)
{
	unsigned a = (unsigned char)p[0] - '0', b = (unsigned char)p[1] - '0';

	*v = (int)(a * 10 + b);
	return a <= 9 && b <= 9;
}

/* "YYYY-MM-DD HH:MM:SS" (or with 'T'/'t'): the common text of a naive
 * timestamp, read without the general scanner. Accepts exactly what
 * hy_time_parse_iso accepts for this shape; anything else goes there. */
static bool fast_timestamp(const char *p, size_t n, int64_t *micros)
{
	int y1, y2, mo, d, h, mi, s;

	if (n != 19 || p[4] != '-' || p[7] != '-' || p[13] != ':' || p[16] != ':' ||
	    (p[10] != ' ' && p[10] != 'T' && p[10] != 't'))
		return false;
	if (!two_digits(p, &y1) || !two_digits(p + 2, &y2) || !two_digits(p + 5, &mo) ||
	    !two_digits(p + 8, &d) || !two_digits(p + 11, &h) || !two_digits(p + 14, &mi) ||
	    !two_digits(p + 17, &s))
		return false;
	y1 = y1 * 100 + y2;
	if (y1 < 1 || mo < 1 || mo > 12 || d < 1 || d > hy_days_in_month(y1, mo) || h > 23 ||
	    mi > 59 || s > 59)
		return false;
	*micros =
		(hy_days_from_civil(y1, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s) *
		(int64_t)1000000;
	return true;
}

bool hy__parse_timestamp(const struct hy_dtype *t, const char *p, size_t n, int64_t *out)
{
	struct hy_time_parsed tp;
	int64_t us;

	if (fast_timestamp(p, n, &us))
		return micros_to_unit(us, 0, t->unit, out);
	if (hy_time_parse_iso(p, n, &tp, NULL) != 0)
		return false;
	if (tp.has_offset && t->tz[0] == 0)
		return false; /* an instant in a naive column would shift silently */
	return micros_to_unit(tp.utc_micros, tp.sub_micro_nanos, t->unit, out);
}

static bool parse_time(const struct hy_dtype *t, const char *p, size_t n, int64_t *out)
{
	char tmp[64] = "1970-01-01T";
	struct hy_time_parsed tp;

	if (n > sizeof(tmp) - 12)
		return false;
	memcpy(tmp + 11, p, n);
	if (hy_time_parse_iso(tmp, n + 11, &tp, NULL) != 0 || tp.has_offset)
		return false;
	return micros_to_unit(tp.utc_micros, tp.sub_micro_nanos, t->unit, out);
}

int hy__cannot_read(struct hy_error *err, const struct hy_dtype *t, const char *p, size_t n)
{
	char tname[64];
	int q = n > HY__QUOTE_MAX ? HY__QUOTE_MAX : (int)n;

	hy_dtype_format(t, tname, sizeof(tname));
	return hy_error_set(err, HY_EFORMAT, "cannot read '%.*s%s' as %s", q, p,
			    n > HY__QUOTE_MAX ? "..." : "", tname);
}

int hy__append_text(struct hy_builder *b, const char *p, size_t n, struct hy_error *err)
{
	const struct hy_dtype *t = hy_builder_type(b);
	struct hy_error scratch;
	int64_t i64 = 0;
	uint64_t u64;
	double f64;
	bool bv;
	hy_i128 dec;
	int rc;

	switch (t->id) {
	case HY_STRING:
		if (!hy__utf8_valid(p, n))
			return hy_error_set(err, HY_EFORMAT, "invalid UTF-8 in a text value");
		return hy_builder_append_str(b, p, n, err);
	case HY_BINARY: return hy_builder_append_str(b, p, n, err);
	case HY_BOOL:
		if (!hy__parse_bool(p, n, &bv))
			return hy__cannot_read(err, t, p, n);
		return hy_builder_append_bool(b, bv, err);
	case HY_UINT64:
		if (!hy__parse_u64(p, n, &u64))
			return hy__cannot_read(err, t, p, n);
		return hy_builder_append_u64(b, u64, err);
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
		if (!hy__parse_i64(p, n, &i64))
			return hy__cannot_read(err, t, p, n);
		break;
	case HY_FLOAT32:
	case HY_FLOAT64:
		if (!hy__parse_f64(p, n, &f64) ||
		    (t->id == HY_FLOAT32 && isfinite(f64) && fabs(f64) > FLT_MAX))
			return hy__cannot_read(err, t, p, n);
		return hy_builder_append_f64(b, f64, err);
	case HY_DECIMAL:
		if (!hy__parse_decimal(p, n, t->precision, t->scale, &dec))
			return hy__cannot_read(err, t, p, n);
		return hy_builder_append_decimal128(b, dec, err);
	case HY_DATE:
		if (hy_date_parse(p, n, &i64, NULL) != 0)
			return hy__cannot_read(err, t, p, n);
		break;
	case HY_TIMESTAMP:
		if (!hy__parse_timestamp(t, p, n, &i64))
			return hy__cannot_read(err, t, p, n);
		break;
	case HY_TIME:
		if (!parse_time(t, p, n, &i64))
			return hy__cannot_read(err, t, p, n);
		break;
	default: return hy__cannot_read(err, t, p, n);
	}
	/* Range checks (int8 etc.) live in the builder; its refusal is bad input. */
	hy__error_clear(&scratch);
	rc = hy_builder_append_i64(b, i64, &scratch);
	if (rc == HY_EINVAL)
		return hy__cannot_read(err, t, p, n);
	if (rc != 0)
		return hy_error_set(err, rc, "%s", scratch.msg);
	return 0;
}

int hy__check_text_type(const char *column, const struct hy_dtype *type, struct hy_error *err)
{
	char tname[64];

	switch (type->id) {
	case HY_BOOL:
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64:
	case HY_FLOAT32:
	case HY_FLOAT64:
	case HY_DECIMAL:
	case HY_STRING:
	case HY_BINARY:
	case HY_DATE:
	case HY_TIME:
	case HY_TIMESTAMP: return 0;
	default: break;
	}
	hy_dtype_format(type, tname, sizeof(tname));
	return hy_error_set(err, HY_EUNSUPPORTED, "column '%s': type %s cannot be read from text",
			    column, tname);
}

/* ---- inference ---- */

unsigned hy__text_kinds(const char *p, size_t n, unsigned cand)
{
	unsigned k = 0;
	int64_t i64;
	double f64;
	bool bv;

	if ((cand & HY__K_BOOL) && hy__parse_bool(p, n, &bv))
		return HY__K_BOOL;
	if (cand & (HY__K_INT | HY__K_FLOAT)) {
		if (is_integer_text(p, n)) {
			/* Past int64 a float would round the digits: keep it text. */
			if (hy__parse_i64(p, n, &i64))
				k |= HY__K_INT | HY__K_FLOAT;
			return k & cand;
		}
		if ((cand & HY__K_FLOAT) && hy__parse_f64(p, n, &f64))
			return HY__K_FLOAT;
	}
	if ((cand & (HY__K_DATE | HY__K_TSN | HY__K_TSZ)) && n >= 10 &&
	    isdigit((unsigned char)p[0]) && p[4] == '-') {
		struct hy_time_parsed tp;
		struct hy_error scratch = {0};

		if (n == 10) {
			if (hy_date_parse(p, n, &i64, &scratch) == 0)
				k = HY__K_DATE | HY__K_TSN | HY__K_TSZ;
		} else if (hy_time_parse_iso(p, n, &tp, &scratch) == 0) {
			k = tp.has_offset ? HY__K_TSZ : HY__K_TSN;
		}
	}
	return k & cand;
}

struct hy_dtype hy__kinds_type(unsigned cand, bool seen)
{
	struct hy_dtype t = hy_dtype_simple(HY_STRING);

	if (!seen || cand == 0)
		return t;
	if (cand & HY__K_BOOL)
		return hy_dtype_simple(HY_BOOL);
	if (cand & HY__K_INT)
		return hy_dtype_simple(HY_INT64);
	if (cand & HY__K_FLOAT)
		return hy_dtype_simple(HY_FLOAT64);
	if (cand & HY__K_DATE)
		return hy_dtype_simple(HY_DATE);
	if (cand & HY__K_TSN)
		return hy_dtype_simple(HY_TIMESTAMP); /* us, naive */
	t = hy_dtype_simple(HY_TIMESTAMP);
	strcpy(t.tz, "UTC");
	return t;
}

/* ---- type names ---- */

static bool parse_unit(const char *s, enum hy_time_unit *u)
{
	static const char *const names[] = {"s", "ms", "us", "ns"};

	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0) {
			*u = (enum hy_time_unit)i;
			return true;
		}
	return false;
}

/* "name[args]" or "name(args)" with spaces removed and the name lower-cased. */
static int split_type(const char *text, char *name, size_t nsize, char *args, size_t asize)
{
	size_t i = 0, j = 0;
	const char *a;

	while (*text == ' ')
		text++;
	a = text + strcspn(text, "[(");
	for (const char *p = text; p < a && i + 1 < nsize; p++)
		if (*p != ' ')
			name[i++] = (char)tolower((unsigned char)*p);
	name[i] = 0;
	args[0] = 0;
	if (*a == 0)
		return 0;
	char close = *a == '[' ? ']' : ')';
	for (const char *p = a + 1; *p && *p != close; p++) {
		if (j + 1 >= asize)
			return -1;
		if (*p != ' ')
			args[j++] = *p;
	}
	args[j] = 0;
	if (strchr(a, close) == NULL || strchr(a, close)[1] != 0)
		return -1;
	return 1;
}

int hy_fmt_type_parse(const char *text, struct hy_dtype *out, struct hy_error *err)
{
	static const struct {
		const char *name;
		enum hy_type_id id;
	} simple[] = {
		{"bool", HY_BOOL},      {"boolean", HY_BOOL},    {"int8", HY_INT8},
		{"int16", HY_INT16},    {"int32", HY_INT32},     {"int64", HY_INT64},
		{"uint8", HY_UINT8},    {"uint16", HY_UINT16},   {"uint32", HY_UINT32},
		{"uint64", HY_UINT64},  {"float32", HY_FLOAT32}, {"float64", HY_FLOAT64},
		{"double", HY_FLOAT64}, {"string", HY_STRING},   {"utf8", HY_STRING},
		{"str", HY_STRING},     {"binary", HY_BINARY},   {"date", HY_DATE},
	};
	char name[32], args[HY_TZ_MAX + 16];
	int has_args = split_type(text, name, sizeof(name), args, sizeof(args));
	enum hy_time_unit unit = HY_UNIT_MICRO;
	struct hy_error scratch = {0};
	int rc = -1;

	if (has_args < 0)
		goto bad;
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (strcmp(name, simple[i].name) == 0 && !has_args) {
			*out = hy_dtype_simple(simple[i].id);
			return 0;
		}
	if (strcmp(name, "timestamptz") == 0 && !has_args)
		rc = hy_dtype_timestamp(HY_UNIT_MICRO, "UTC", out, &scratch);
	else if (strcmp(name, "timestamp") == 0 || strcmp(name, "datetime") == 0 ||
		 strcmp(name, "time") == 0) {
		char *comma = strchr(args, ',');
		const char *tz = NULL;

		if (comma != NULL) {
			*comma = 0;
			tz = comma + 1;
		}
		if (has_args && !parse_unit(args, &unit))
			goto bad;
		if (strcmp(name, "time") == 0) {
			if (tz != NULL)
				goto bad;
			rc = hy_dtype_time(unit, out, &scratch);
		} else {
			rc = hy_dtype_timestamp(unit, tz, out, &scratch);
		}
	} else if (strcmp(name, "decimal") == 0 && has_args) {
		char *end;
		long p = strtol(args, &end, 10), s = 0;

		if (end == args || p < 0 || p > 1000)
			goto bad;
		if (*end == ',') {
			const char *sp = end + 1;

			s = strtol(sp, &end, 10);
			if (end == sp || s < 0 || s > 1000)
				goto bad;
		}
		if (*end != 0)
			goto bad;
		rc = hy_dtype_decimal((int)p, (int)s, out, &scratch);
	}
	if (rc == 0)
		return 0;
bad:
	return hy_error_set(err, HY_EINVAL, "unknown type '%s'%s%s", text, rc > 0 ? ": " : "",
			    rc > 0 ? scratch.msg : "");
}

int hy__override_find(const struct hy_fmt_override *ov, size_t n, const char *column,
		      struct hy_dtype *type, struct hy_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ov[i].column, column) != 0)
			continue;
		if (hy_fmt_type_parse(ov[i].type, type, err) != 0) {
			hy_error_prefix(err, "format_options.schema: column '%s'", column);
			return -1;
		}
		return 1;
	}
	return 0;
}

int hy__overrides_check(const struct hy_fmt_override *ov, size_t n, char *const *names,
			size_t ncols, struct hy_error *err)
{
	for (size_t i = 0; i < n; i++) {
		size_t c;

		for (c = 0; c < ncols; c++)
			if (strcmp(names[c], ov[i].column) == 0)
				break;
		if (c == ncols)
			return hy_error_set(err, HY_ECONFIG,
					    "format_options.schema names column '%s', which the "
					    "file does not have",
					    ov[i].column);
	}
	return 0;
}
