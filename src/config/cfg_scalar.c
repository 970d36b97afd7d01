/* YAML 1.1 resolution of plain scalars, as PyYAML's SafeLoader does it.
 *
 * PyYAML picks the implicit resolvers by the first character and tries them
 * in the order they were registered (bool, float, int, merge, null,
 * timestamp, value). Each matcher below is a hand translation of one of its
 * regular expressions (yaml/resolver.py); the value computations follow
 * yaml/constructor.py (SafeConstructor). docs/internals/config.md has the
 * table, checked against PyYAML 6.0.3.
 */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "hygge/alloc.h"

static bool is_dig(char c)
{
	return c >= '0' && c <= '9';
}

static bool eq_any(const char *s, size_t n, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strlen(*words) == n && memcmp(s, *words, n) == 0)
			return true;
	return false;
}

static const char *const true_words[] = {"yes",  "Yes", "YES", "true", "True",
					 "TRUE", "on",  "On",  "ON",   NULL};
static const char *const false_words[] = {"no",    "No",  "NO",  "false", "False",
					  "FALSE", "off", "Off", "OFF",   NULL};
static const char *const null_words[] = {"~", "null", "Null", "NULL", "", NULL};

/* (?::[0-5]?[0-9])+ from s[*pos]; a longest match is the only one that can
 * be followed by ':', '.' or the end, so no backtracking is needed. */
static bool match_sexagesimal(const char *s, size_t n, size_t *pos)
{
	size_t j = *pos;
	int groups = 0;

	while (j < n && s[j] == ':') {
		j++;
		if (j + 1 < n && s[j] >= '0' && s[j] <= '5' && is_dig(s[j + 1]))
			j += 2;
		else if (j < n && is_dig(s[j]))
			j++;
		else
			return false;
		groups++;
	}
	*pos = j;
	return groups > 0;
}

static size_t skip_digits_(const char *s, size_t n, size_t j)
{
	while (j < n && (is_dig(s[j]) || s[j] == '_'))
		j++;
	return j;
}

/* (?:[eE][-+][0-9]+)?$ */
static bool match_exponent_end(const char *s, size_t n, size_t j)
{
	if (j == n)
		return true;
	if (s[j] != 'e' && s[j] != 'E')
		return false;
	j++;
	if (j >= n || (s[j] != '-' && s[j] != '+'))
		return false;
	j++;
	if (j >= n)
		return false;
	for (; j < n; j++)
		if (!is_dig(s[j]))
			return false;
	return true;
}

static bool match_float(const char *s, size_t n)
{
	size_t i = 0, j;
	bool sign = n > 0 && (s[0] == '-' || s[0] == '+');

	if (sign)
		i++;
	if (i < n && s[i] == '.') {
		static const char *const inf[] = {"inf", "Inf", "INF", NULL};
		static const char *const nan[] = {"nan", "NaN", "NAN", NULL};

		if (eq_any(s + i + 1, n - i - 1, inf))
			return true;
		if (sign)
			return false;
		if (eq_any(s + i + 1, n - i - 1, nan))
			return true;
		if (i + 1 >= n || !is_dig(s[i + 1]))
			return false;
		return match_exponent_end(s, n, skip_digits_(s, n, i + 2));
	}
	if (i >= n || !is_dig(s[i]))
		return false;
	j = skip_digits_(s, n, i + 1);
	if (j < n && s[j] == '.')
		return match_exponent_end(s, n, skip_digits_(s, n, j + 1));
	if (j < n && s[j] == ':') {
		if (!match_sexagesimal(s, n, &j) || j >= n || s[j] != '.')
			return false;
		return skip_digits_(s, n, j + 1) == n;
	}
	return false;
}

static bool all_of(const char *s, size_t n, const char *set)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

static bool match_int(const char *s, size_t n)
{
	size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0, j;

	if (i >= n)
		return false;
	if (s[i] == '0') {
		if (i + 1 == n)
			return true;
		if (s[i + 1] == 'b')
			return all_of(s + i + 2, n - i - 2, "01_");
		if (s[i + 1] == 'x')
			return all_of(s + i + 2, n - i - 2, "0123456789abcdefABCDEF_");
		return all_of(s + i + 1, n - i - 1, "01234567_");
	}
	if (!is_dig(s[i]))
		return false;
	j = skip_digits_(s, n, i + 1);
	if (j == n)
		return true;
	return s[j] == ':' && match_sexagesimal(s, n, &j) && j == n;
}

struct stamp {
	int year, month, day, hour, minute, second, tz_hour;
	bool has_time;
};

/* [0-9]{min,max} at s[*j] into *v. */
static bool take_digits(const char *s, size_t n, size_t *j, int min, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (k < max && *j < n && is_dig(s[*j])) {
		*v = *v * 10 + (s[*j] - '0');
		(*j)++;
		k++;
	}
	return k >= min;
}

static bool match_timestamp(const char *s, size_t n, struct stamp *t)
{
	size_t j = 0;
	int ignore;

	memset(t, 0, sizeof(*t));
	if (!take_digits(s, n, &j, 4, 4, &t->year) || j >= n || s[j++] != '-')
		return false;
	if (n == 10 && is_dig(s[5]) && is_dig(s[6]) && s[7] == '-' && is_dig(s[8]) &&
	    is_dig(s[9])) {
		t->month = (s[5] - '0') * 10 + (s[6] - '0');
		t->day = (s[8] - '0') * 10 + (s[9] - '0');
		return true;
	}
	if (!take_digits(s, n, &j, 1, 2, &t->month) || j >= n || s[j++] != '-' ||
	    !take_digits(s, n, &j, 1, 2, &t->day) || j >= n)
		return false;
	if (s[j] == 'T' || s[j] == 't') {
		j++;
	} else if (s[j] == ' ' || s[j] == '\t') {
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
	} else {
		return false;
	}
	if (!take_digits(s, n, &j, 1, 2, &t->hour) || j >= n || s[j++] != ':' ||
	    !take_digits(s, n, &j, 2, 2, &t->minute) || j >= n || s[j++] != ':' ||
	    !take_digits(s, n, &j, 2, 2, &t->second))
		return false;
	t->has_time = true;
	if (j < n && s[j] == '.')
		while (++j < n && is_dig(s[j]))
			;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j < n && s[j] == 'Z') {
		j++;
	} else if (j < n && (s[j] == '-' || s[j] == '+')) {
		j++;
		if (!take_digits(s, n, &j, 1, 2, &t->tz_hour))
			return false;
		if (j < n && s[j] == ':') {
			j++;
			if (!take_digits(s, n, &j, 2, 2, &ignore))
				return false;
		}
	} else if (j < n && j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t')) {
		return false; /* white space must lead to a zone */
	}
	return j == n;
}

/* What Python's datetime accepts. */
static bool stamp_valid(const struct stamp *t)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int dim;

	if (t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1)
		return false;
	dim = days[t->month - 1];
	if (t->month == 2 && t->year % 4 == 0 && (t->year % 100 != 0 || t->year % 400 == 0))
		dim = 29;
	if (t->day > dim)
		return false;
	return !t->has_time ||
	       (t->hour < 24 && t->minute < 60 && t->second < 60 && t->tz_hour < 24);
}

/* Magnitude of the digits of s[from, n) in `base`, '_' skipped. False when
 * there is no digit; *overflow when it passes UINT64_MAX. */
static bool digits_value(const char *s, size_t from, size_t n, unsigned base, uint64_t *out,
			 bool *overflow)
{
	uint64_t v = 0;
	bool any = false;

	for (size_t i = from; i < n; i++) {
		unsigned d;
		char c = s[i];

		if (c == '_')
			continue;
		d = is_dig(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
		if (v > (UINT64_MAX - d) / base)
			*overflow = true;
		v = v * base + d;
		any = true;
	}
	*out = v;
	return any;
}

static int int_value(struct hy_cfg_node *node, struct hy_error *err)
{
	const char *s = node->text;
	size_t n = node->len, i = 0;
	bool neg = false, overflow = false, ok;
	uint64_t mag = 0;

	if (s[0] == '-' || s[0] == '+')
		neg = s[i++] == '-';
	if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'b' || s[i + 1] == 'x')) {
		ok = digits_value(s, i + 2, n, s[i + 1] == 'b' ? 2 : 16, &mag, &overflow);
	} else if (s[i] == '0') {
		ok = digits_value(s, i, n, 8, &mag, &overflow);
	} else if (memchr(s, ':', n) != NULL) {
		size_t start = i;

		ok = true;
		for (size_t j = i; j <= n; j++) {
			uint64_t part = 0;

			if (j < n && s[j] != ':')
				continue;
			(void)digits_value(s, start, j, 10, &part, &overflow);
			if (mag > (UINT64_MAX - part) / 60)
				overflow = true;
			mag = mag * 60 + part;
			start = j + 1;
		}
	} else {
		ok = digits_value(s, i, n, 10, &mag, &overflow);
	}
	if (!ok)
		return HY_CFG_ERROR(err, node, NULL, "invalid integer '%s'", s);
	node->kind = HY_CFG_INT;
	node->int_range = !overflow && mag <= (uint64_t)INT64_MAX + (neg ? 1u : 0u);
	if (node->int_range)
		node->v.i = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

double hy__cfg_strtod(char *s, char **end)
{
	const char *point = localeconv()->decimal_point;
	char *dot = strchr(s, '.');

	if (dot != NULL && point != NULL && point[0] != '.' && point[0] != '\0' && point[1] == '\0')
		*dot = point[0];
	return strtod(s, end);
}

static int float_value(struct hy_cfg_node *node, struct hy_error *err)
{
	char *buf = hy_malloc(node->len + 1), *p;
	size_t k = 0;
	double sign = 1.0, v = 0.0;

	if (buf == NULL)
		return hy__cfg_nomem(err);
	for (size_t i = 0; i < node->len; i++)
		if (node->text[i] != '_')
			buf[k++] = node->text[i];
	buf[k] = '\0';
	p = buf;
	if (*p == '-' || *p == '+')
		sign = *p++ == '-' ? -1.0 : 1.0;
	if (hy__cfg_eq_nocase(p, ".inf")) {
		v = INFINITY;
	} else if (hy__cfg_eq_nocase(p, ".nan")) {
		v = NAN;
	} else if (strchr(p, ':') != NULL) {
		for (char *part = p, *colon; part != NULL; part = colon) {
			colon = strchr(part, ':');
			if (colon != NULL)
				*colon++ = '\0';
			v = v * 60.0 + hy__cfg_strtod(part, NULL);
		}
	} else {
		v = hy__cfg_strtod(p, NULL);
	}
	hy_free(buf);
	node->kind = HY_CFG_FLOAT;
	node->v.f = sign * v;
	return 0;
}

int hy__cfg_resolve_plain(struct hy_cfg_node *node, bool key, struct hy_error *err)
{
	const char *s = node->text;
	size_t n = node->len;
	struct stamp t;

	node->kind = HY_CFG_STR;
	if (key)
		return 0;
	if (eq_any(s, n, true_words) || eq_any(s, n, false_words)) {
		node->kind = HY_CFG_BOOL;
		node->v.b = eq_any(s, n, true_words);
		return 0;
	}
	if (eq_any(s, n, null_words)) {
		node->kind = HY_CFG_NULL;
		return 0;
	}
	if (n == 0)
		return 0;
	if (strchr("-+0123456789.", s[0]) != NULL && match_float(s, n))
		return float_value(node, err);
	if (strchr("-+0123456789", s[0]) != NULL && match_int(s, n))
		return int_value(node, err);
	if (is_dig(s[0]) && match_timestamp(s, n, &t)) {
		if (!stamp_valid(&t))
			return HY_CFG_ERROR(err, node, NULL, "'%s' is not a valid %s", s,
					    t.has_time ? "date and time" : "date");
		node->kind = HY_CFG_TIMESTAMP;
		node->is_date = !t.has_time;
		return 0;
	}
	if (strcmp(s, "<<") == 0 || strcmp(s, "=") == 0)
		return HY_CFG_ERROR(err, node, NULL,
				    "could not determine a constructor for the tag "
				    "'tag:yaml.org,2002:%s'",
				    s[0] == '<' ? "merge" : "value");
	return 0;
}
