/* File-name patterns: a compiled list of literal and placeholder segments.
 *
 * The integer formatting follows CPython's Python/formatter_unicode.c (spec
 * parsing, the '0' flag, and zero padding that is itself grouped when the
 * fill is '0' with '=' alignment) so that a user's {sequence:...} spec names
 * the same files in hygge as in the reference. */
#include "hygge/pattern.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hygge/alloc.h"

#define DEFAULT_LABEL "file_pattern"
/* Worst case of one formatted integer: a 4-byte UTF-8 fill repeated for the
 * maximum width, or grouped zero padding of that width, plus sign and digits. */
#define INT_TEXT_MAX  (HY_PATTERN_WIDTH_MAX * 4 + 64)

struct int_spec {
	char fill[4];    /* one UTF-8 character */
	size_t fill_len; /* bytes in fill */
	char align;      /* '<', '>', '^' or '=' */
	char sign;       /* '+', '-' or ' ' */
	unsigned width;  /* 0..HY_PATTERN_WIDTH_MAX */
	char grouping;   /* 0, ',' or '_' */
};

struct segment {
	unsigned field;       /* 0 for a literal, else one HY_PATTERN_* bit */
	size_t off, len;      /* literal bytes in hy_pattern.literals */
	struct int_spec spec; /* for HY_PATTERN_SEQUENCE */
};

struct hy_pattern {
	char *text;     /* the source, for messages and hy_pattern_text() */
	char *literals; /* unescaped literal bytes, referenced by segments */
	struct segment *segs;
	size_t nseg, segcap;
	unsigned fields;
};

static const struct {
	const char *name;
	unsigned bit;
} field_names[] = {
	{"sequence", HY_PATTERN_SEQUENCE},   {"name", HY_PATTERN_NAME},
	{"flow_name", HY_PATTERN_FLOW_NAME}, {"timestamp", HY_PATTERN_TIMESTAMP},
	{"entity", HY_PATTERN_ENTITY},
};
#define NFIELDS (sizeof(field_names) / sizeof(field_names[0]))

/* "{sequence}, {name} or {entity}" for the allowed placeholders. */
static void allowed_list(unsigned allowed, char *out, size_t cap)
{
	size_t n = 0, count = 0, seen = 0;

	for (size_t i = 0; i < NFIELDS; i++)
		count += (allowed & field_names[i].bit) != 0;
	out[0] = 0;
	for (size_t i = 0; i < NFIELDS && n < cap; i++) {
		if (!(allowed & field_names[i].bit))
			continue;
		seen++;
		n += (size_t)snprintf(out + n, cap - n, "%s{%s}",
				      seen == 1       ? ""
				      : seen == count ? " or "
						      : ", ",
				      field_names[i].name);
	}
}

struct compiler {
	struct hy_pattern *pat;
	const char *label;
	const char *text;
	unsigned allowed;
	size_t lit_len; /* bytes used in pat->literals */
	struct hy_error *err;
};

HY_PRINTF(2, 3) static int bad(struct compiler *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err == NULL || c->err->code != 0)
		return HY_ECONFIG; /* first error wins: leave the earlier cause alone */
	va_start(ap, fmt);
	hy_error_setv(c->err, HY_ECONFIG, fmt, ap);
	va_end(ap);
	hy_error_prefix(c->err, "%s '%s'", c->label, c->text);
	return HY_ECONFIG;
}

static int add_segment(struct compiler *c, const struct segment *seg)
{
	struct hy_pattern *p = c->pat;

	if (p->nseg == p->segcap) {
		size_t cap = p->segcap == 0 ? 8 : p->segcap * 2;
		struct segment *grown = hy_realloc(p->segs, cap * sizeof(*grown));

		if (grown == NULL)
			return hy_error_set(c->err, HY_ENOMEM, "out of memory compiling %s '%s'",
					    c->label, c->text);
		p->segs = grown;
		p->segcap = cap;
	}
	p->segs[p->nseg++] = *seg;
	return 0;
}

/* Appends one literal byte, merging with a preceding literal segment. */
static int add_literal(struct compiler *c, char ch)
{
	struct hy_pattern *p = c->pat;

	p->literals[c->lit_len] = ch;
	if (p->nseg > 0 && p->segs[p->nseg - 1].field == 0) {
		p->segs[p->nseg - 1].len++;
	} else {
		struct segment seg = {.field = 0, .off = c->lit_len, .len = 1};

		HY_TRY(add_segment(c, &seg));
	}
	c->lit_len++;
	return 0;
}

static size_t utf8_char_len(unsigned char lead)
{
	if (lead >= 0xf0 && lead < 0xf8)
		return 4;
	if (lead >= 0xe0)
		return lead < 0xf0 ? 3 : 1;
	if (lead >= 0xc0)
		return 2;
	return 1;
}

static bool is_align(char ch)
{
	return ch == '<' || ch == '>' || ch == '^' || ch == '=';
}

/* Python's format-spec grammar for an int; `s` is the spec text (len bytes).
 * Returns a static reason on error, NULL when fine. */
static const char *parse_int_spec(const char *s, size_t len, struct int_spec *spec)
{
	size_t pos = 0, flen = len > 0 ? utf8_char_len((unsigned char)s[0]) : 1;
	bool fill_given = false, align_given = false;

	memset(spec, 0, sizeof(*spec));
	spec->fill[0] = ' ';
	spec->fill_len = 1;
	spec->align = '>';
	spec->sign = '-';
	if (flen < len && is_align(s[flen])) {
		memcpy(spec->fill, s, flen);
		spec->fill_len = flen;
		spec->align = s[flen];
		fill_given = align_given = true;
		pos = flen + 1;
	} else if (len > 0 && is_align(s[0])) {
		spec->align = s[0];
		align_given = true;
		pos = 1;
	}
	if (pos < len && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' '))
		spec->sign = s[pos++];
	if (pos < len && s[pos] == 'z')
		return "negative zero coercion (z) is not allowed for an integer";
	if (pos < len && s[pos] == '#')
		pos++; /* no effect on decimal output */
	if (!fill_given && pos < len && s[pos] == '0') {
		spec->fill[0] = '0';
		spec->fill_len = 1;
		if (!align_given)
			spec->align = '=';
		pos++;
	}
	while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
		spec->width = spec->width * 10 + (unsigned)(s[pos++] - '0');
		if (spec->width > HY_PATTERN_WIDTH_MAX)
			return "width is larger than 255";
	}
	if (pos < len && (s[pos] == ',' || s[pos] == '_')) {
		spec->grouping = s[pos++];
		if (pos < len && (s[pos] == ',' || s[pos] == '_'))
			return "cannot specify both ',' and '_'";
	}
	if (pos < len && s[pos] == '.') {
		pos++;
		if (pos == len || s[pos] < '0' || s[pos] > '9')
			return "format specifier missing precision";
		return "precision is not allowed for an integer";
	}
	if (pos == len || (pos + 1 == len && s[pos] == 'd'))
		return NULL;
	if (pos + 1 == len)
		return "unsupported format type (use d)";
	return "invalid format specifier";
}

/* One "{...}" starting at `open` (the '{'); sets *next to the index after '}'. */
static int compile_field(struct compiler *c, size_t open, size_t *next)
{
	const char *t = c->text;
	size_t close = open + 1, name_end, name_len;
	struct segment seg = {0};
	char list[128], shown[HY_PATTERN_TEXT_MAX + 1];
	const char *why;
	unsigned bit = 0;

	while (t[close] != 0 && t[close] != '}' && t[close] != '{')
		close++;
	if (t[close] == 0)
		return bad(c, "unclosed '{' at character %zu (write '{{' for a literal brace)",
			   open + 1);
	if (t[close] == '{')
		return bad(c, "nested '{' in a placeholder at character %zu", close + 1);
	name_end = open + 1;
	while (name_end < close && t[name_end] != ':')
		name_end++;
	name_len = name_end - open - 1;
	for (size_t i = 0; i < NFIELDS; i++) {
		if (strlen(field_names[i].name) == name_len &&
		    memcmp(field_names[i].name, t + open + 1, name_len) == 0)
			bit = field_names[i].bit;
	}
	memcpy(shown, t + open, close - open + 1);
	shown[close - open + 1] = 0;
	allowed_list(c->allowed, list, sizeof(list));
	if (bit == 0)
		return bad(c, "unknown placeholder '%s' (use %s)", shown, list);
	if (!(c->allowed & bit))
		return bad(c, "placeholder '%s' is not available here (use %s)", shown, list);
	if (name_end < close && bit != HY_PATTERN_SEQUENCE)
		return bad(c, "placeholder '%s' takes no format spec (only {sequence} does)",
			   shown);
	why = name_end < close ? parse_int_spec(t + name_end + 1, close - name_end - 1, &seg.spec)
			       : parse_int_spec("", 0, &seg.spec);
	if (why != NULL)
		return bad(c, "bad format spec in '%s': %s", shown, why);
	seg.field = bit;
	c->pat->fields |= bit;
	HY_TRY(add_segment(c, &seg));
	*next = close + 1;
	return 0;
}

static int compile_text(struct compiler *c)
{
	const char *t = c->text;
	size_t i = 0;

	while (t[i] != 0) {
		if (t[i] == '{' && t[i + 1] == '{') {
			HY_TRY(add_literal(c, '{'));
			i += 2;
		} else if (t[i] == '}' && t[i + 1] == '}') {
			HY_TRY(add_literal(c, '}'));
			i += 2;
		} else if (t[i] == '}') {
			return bad(c,
				   "single '}' at character %zu (write '}}' for a literal brace)",
				   i + 1);
		} else if (t[i] == '{') {
			HY_TRY(compile_field(c, i, &i));
		} else {
			HY_TRY(add_literal(c, t[i]));
			i++;
		}
	}
	return 0;
}

int hy_pattern_compile_as(struct hy_pattern **out, const char *label, const char *text,
			  unsigned allowed, struct hy_error *err)
{
	struct compiler c = {NULL, label, text, allowed & HY_PATTERN_ALL, 0, err};
	size_t len = strlen(text);
	int rc = 0;

	*out = NULL;
	if (len > HY_PATTERN_TEXT_MAX)
		return hy_error_set(err, HY_ELIMIT, "%s is longer than %d bytes", label,
				    HY_PATTERN_TEXT_MAX);
	c.pat = hy_calloc(1, sizeof(*c.pat));
	if (c.pat == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory compiling %s '%s'", label, text);
	c.pat->text = hy_strdup(text);
	c.pat->literals = hy_malloc(len + 1);
	if (c.pat->text == NULL || c.pat->literals == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory compiling %s '%s'", label, text);
		goto out;
	}
	rc = compile_text(&c);
out:
	if (rc != 0)
		hy_pattern_destroy(c.pat);
	else
		*out = c.pat;
	return rc;
}

int hy_pattern_compile(struct hy_pattern **out, const char *text, unsigned allowed,
		       struct hy_error *err)
{
	return hy_pattern_compile_as(out, DEFAULT_LABEL, text, allowed, err);
}

void hy_pattern_destroy(struct hy_pattern *pat)
{
	if (pat == NULL)
		return;
	hy_free(pat->text);
	hy_free(pat->literals);
	hy_free(pat->segs);
	hy_free(pat);
}

unsigned hy_pattern_fields(const struct hy_pattern *pat)
{
	return pat->fields;
}

const char *hy_pattern_text(const struct hy_pattern *pat)
{
	return pat->text;
}

/* ---- integer formatting ---- */

/* CPython's grouping loop: groups of 3 from the right, padded with zeros to
 * `min_width` characters, never starting with a separator. Writes backwards
 * ending at `end`; returns the new start. */
static char *group_digits(const char *digits, size_t ndigits, long min_width, char sep, char *end)
{
	long remaining = (long)ndigits;
	char *p = end;
	bool use_sep = false;

	for (;;) {
		long want = remaining > min_width ? remaining : min_width;
		long l = want < 1 ? 1 : want > 3 ? 3 : want;
		long zeros = l - remaining > 0 ? l - remaining : 0;
		long chars = remaining < l ? remaining : l;

		if (use_sep)
			*--p = sep;
		for (long i = 0; i < chars; i++)
			*--p = digits[--remaining];
		for (long i = 0; i < zeros; i++)
			*--p = '0';
		use_sep = true;
		min_width -= l;
		if (remaining <= 0 && min_width <= 0)
			break;
		min_width -= 1;
	}
	return p;
}

/* Formats `v` like Python's format(v, spec) into out (INT_TEXT_MAX bytes, not
 * NUL-terminated); returns the length. */
static size_t format_int(const struct int_spec *spec, int64_t v, char *out)
{
	char digits[24], body[INT_TEXT_MAX], *start, *end = body + sizeof(body);
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t nd = 0, blen, slen, pad, n = 0, left;
	char sign = v < 0 ? '-' : spec->sign == '+' ? '+' : spec->sign == ' ' ? ' ' : 0;

	do {
		digits[nd++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag != 0);
	for (size_t i = 0; i < nd / 2; i++) {
		char tmp = digits[i];

		digits[i] = digits[nd - 1 - i];
		digits[nd - 1 - i] = tmp;
	}
	slen = sign != 0;
	if (spec->grouping != 0) {
		bool zero_pad = spec->fill_len == 1 && spec->fill[0] == '0' && spec->align == '=';
		long min_width = zero_pad ? (long)spec->width - (long)slen : 0;

		start = group_digits(digits, nd, min_width, spec->grouping, end);
	} else {
		start = end - nd;
		memcpy(start, digits, nd);
	}
	blen = (size_t)(end - start);
	pad = spec->width > blen + slen ? spec->width - blen - slen : 0;
	left = spec->align == '<' || spec->align == '=' ? 0 : spec->align == '^' ? pad / 2 : pad;
	for (size_t i = 0; i < left; i++, n += spec->fill_len)
		memcpy(out + n, spec->fill, spec->fill_len);
	if (sign != 0)
		out[n++] = sign;
	if (spec->align == '=') {
		for (size_t i = 0; i < pad; i++, n += spec->fill_len)
			memcpy(out + n, spec->fill, spec->fill_len);
	}
	memcpy(out + n, start, blen);
	n += blen;
	if (spec->align != '=') {
		for (size_t i = left; i < pad; i++, n += spec->fill_len)
			memcpy(out + n, spec->fill, spec->fill_len);
	}
	return n;
}

/* ---- rendering and matching ---- */

static const char *value_of(const struct hy_pattern_values *values, unsigned field)
{
	switch (field) {
	case HY_PATTERN_NAME: return values->name;
	case HY_PATTERN_FLOW_NAME: return values->flow_name;
	case HY_PATTERN_TIMESTAMP: return values->timestamp;
	case HY_PATTERN_ENTITY: return values->entity;
	}
	return NULL;
}

static const char *field_name(unsigned field)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		if (field_names[i].bit == field)
			return field_names[i].name;
	}
	return "?";
}

int hy_pattern_render(const struct hy_pattern *pat, const struct hy_pattern_values *values,
		      struct hy_buf *out, struct hy_error *err)
{
	for (size_t i = 0; i < pat->nseg; i++) {
		const struct segment *seg = &pat->segs[i];

		if (seg->field == 0) {
			HY_TRY(hy_buf_append(out, pat->literals + seg->off, seg->len, err));
		} else if (seg->field == HY_PATTERN_SEQUENCE) {
			char text[INT_TEXT_MAX];
			size_t n = format_int(&seg->spec, values->sequence, text);

			HY_TRY(hy_buf_append(out, text, n, err));
		} else {
			const char *v = value_of(values, seg->field);

			if (v == NULL)
				return hy_error_set(err, HY_EINVAL,
						    "pattern '%s' needs a value for {%s}",
						    pat->text, field_name(seg->field));
			HY_TRY(hy_buf_append(out, v, strlen(v), err));
		}
	}
	return 0;
}

struct matcher {
	const struct hy_pattern *pat;
	const struct hy_pattern_values *values;
	const char *name;
	size_t len;
	bool have_seq;
	int64_t seq;
};

static bool match_first_sequence(struct matcher *m, size_t si, size_t pos);

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool match_stamp(const char *s, size_t avail)
{
	if (avail < 15 || s[8] != '_')
		return false;
	for (size_t i = 0; i < 15; i++) {
		if (i != 8 && !is_digit(s[i]))
			return false;
	}
	return true;
}

/* Reads the number a formatted sequence shows: its digits, negative when a
 * '-' appears. False when there are no digits or too many for int64. */
static bool read_number(const char *s, size_t n, int64_t *value)
{
	int64_t v = 0;
	int nd = 0;
	bool neg = false, seen = false;

	for (size_t i = 0; i < n; i++) {
		if (is_digit(s[i])) {
			seen = true;
			/* Leading zeros are padding, not magnitude. */
			nd += v != 0 || s[i] != '0';
			if (nd > 18)
				return false;
			v = v * 10 + (s[i] - '0');
		}
		neg = neg || s[i] == '-';
	}
	*value = neg ? -v : v;
	return seen;
}

/* Matches segments from `si` on. Only the first {sequence} branches (over
 * the possible lengths of its text); every other segment, a later {sequence}
 * included, has one possible text, so the recursion is at most two deep. */
static bool match_from(struct matcher *m, size_t si, size_t pos)
{
	char text[INT_TEXT_MAX];

	for (; si < m->pat->nseg; si++) {
		const struct segment *seg = &m->pat->segs[si];
		const char *v;
		size_t n;

		if (seg->field == HY_PATTERN_SEQUENCE && !m->have_seq)
			return match_first_sequence(m, si, pos);
		if (seg->field == HY_PATTERN_TIMESTAMP) {
			if (!match_stamp(m->name + pos, m->len - pos))
				return false;
			pos += 15;
			continue;
		}
		if (seg->field == HY_PATTERN_SEQUENCE) {
			n = format_int(&seg->spec, m->seq, text);
			v = text;
		} else if (seg->field == 0) {
			v = m->pat->literals + seg->off;
			n = seg->len;
		} else {
			v = value_of(m->values, seg->field);
			if (v == NULL)
				return false;
			n = strlen(v);
		}
		if (n > m->len - pos || memcmp(v, m->name + pos, n) != 0)
			return false;
		pos += n;
	}
	return pos == m->len;
}

/* Tries each length for the first {sequence}, longest first; the text must
 * be exactly what Python prints for the number it shows. */
static bool match_first_sequence(struct matcher *m, size_t si, size_t pos)
{
	const struct int_spec *spec = &m->pat->segs[si].spec;
	char text[INT_TEXT_MAX];
	int64_t v;

	for (size_t end = m->len; end > pos; end--) {
		if (!read_number(m->name + pos, end - pos, &v))
			continue;
		size_t n = format_int(spec, v, text);
		if (n != end - pos || memcmp(text, m->name + pos, n) != 0)
			continue;
		m->have_seq = true;
		m->seq = v;
		if (match_from(m, si + 1, end))
			return true;
		m->have_seq = false;
	}
	return false;
}

bool hy_pattern_match_sequence(const struct hy_pattern *pat, const struct hy_pattern_values *values,
			       const char *file_name, size_t len, int64_t *sequence)
{
	struct matcher m = {pat, values, file_name, len, false, 0};

	if (!(pat->fields & HY_PATTERN_SEQUENCE) || !match_from(&m, 0, 0))
		return false;
	*sequence = m.seq;
	return true;
}
