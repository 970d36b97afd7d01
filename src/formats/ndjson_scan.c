/* A strict RFC 8259 scanner for one NDJSON line holding one object.
 *
 * It does not build a tree: it hands back the object's members as spans of
 * the line (or of one reused buffer for strings that had escapes), with the
 * kind of each value; a nested object or array is validated and kept as its
 * exact text. The member array and the unescape buffer are reused from line
 * to line, so a line costs no allocation once they have grown. */
#include <string.h>

#include "fmt_int.h"
#include "hygge/alloc.h"

#define MAX_DEPTH 512 /* nesting inside one value */

struct scan {
	const uint8_t *p;
	size_t n, i;
	struct hy__json_obj *obj;
	struct hy_error *err;
};

void hy__json_obj_init(struct hy__json_obj *obj, size_t max_bytes)
{
	memset(obj, 0, sizeof(*obj));
	hy_buf_init(&obj->unesc, max_bytes);
}

void hy__json_obj_reset(struct hy__json_obj *obj)
{
	hy_free(obj->members);
	hy_buf_reset(&obj->unesc);
	memset(obj, 0, sizeof(*obj));
}

static int fail(struct scan *s, const char *what)
{
	if (s->i >= s->n)
		return hy_error_set(s->err, HY_EFORMAT,
				    "malformed JSON at column %zu: expected %s, found the end of "
				    "the line",
				    s->i + 1, what);
	return hy_error_set(s->err, HY_EFORMAT,
			    "malformed JSON at column %zu: expected %s, found '%c'", s->i + 1, what,
			    s->p[s->i] >= 0x20 && s->p[s->i] < 0x7f ? s->p[s->i] : '?');
}

static void skip_ws(struct scan *s)
{
	while (s->i < s->n && (s->p[s->i] == ' ' || s->p[s->i] == '\t' || s->p[s->i] == '\r' ||
			       s->p[s->i] == '\n'))
		s->i++;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_u4(struct scan *s, uint32_t *out)
{
	uint32_t v = 0;

	if (s->n - s->i < 4)
		return fail(s, "four hex digits after \\u");
	for (int k = 0; k < 4; k++) {
		int h = hexval(s->p[s->i + (size_t)k]);

		if (h < 0)
			return fail(s, "four hex digits after \\u");
		v = v << 4 | (uint32_t)h;
	}
	s->i += 4;
	*out = v;
	return 0;
}

static int put_utf8(struct scan *s, uint32_t cp)
{
	uint8_t b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xC0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xE0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (uint8_t)(0xF0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return hy_buf_append(&s->obj->unesc, b, n, s->err);
}

static int unescape_one(struct scan *s)
{
	uint8_t c = s->p[s->i++], out;
	uint32_t cp = 0, lo = 0;

	switch (c) {
	case '"':
	case '\\':
	case '/': out = c; break;
	case 'b': out = '\b'; break;
	case 'f': out = '\f'; break;
	case 'n': out = '\n'; break;
	case 'r': out = '\r'; break;
	case 't': out = '\t'; break;
	default: out = 0; break;
	}
	if (out != 0)
		return hy_buf_append_byte(&s->obj->unesc, out, s->err);
	if (c != 'u') {
		s->i--;
		return fail(s, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
	}
	HY_TRY(read_u4(s, &cp));
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(s, "a high surrogate before this low one");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (s->n - s->i < 2 || s->p[s->i] != '\\' || s->p[s->i + 1] != 'u')
			return fail(s, "a low surrogate (\\uDC00-\\uDFFF)");
		s->i += 2;
		HY_TRY(read_u4(s, &lo));
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(s, "a low surrogate (\\uDC00-\\uDFFF)");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	return put_utf8(s, cp);
}

/* A string at s->i (on its quote). Sets the span: into the line when it has
 * no escapes, else into obj->unesc (as an offset, `in_buf`). */
static int scan_string(struct scan *s, size_t *off, size_t *len, bool *in_buf)
{
	size_t start = ++s->i, run;

	*in_buf = false;
	for (;;) {
		if (s->i >= s->n)
			return fail(s, "a closing quote");
		uint8_t c = s->p[s->i];
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(s, "no control character inside a string");
		if (c != '\\') {
			s->i++;
			continue;
		}
		if (!*in_buf) {
			*in_buf = true;
			*off = s->obj->unesc.len;
			HY_TRY(hy_buf_append(&s->obj->unesc, s->p + start, s->i - start, s->err));
		}
		s->i++;
		if (s->i >= s->n)
			return fail(s, "an escaped character");
		HY_TRY(unescape_one(s));
		/* copy the plain run that follows */
		for (run = s->i;
		     run < s->n && s->p[run] != '"' && s->p[run] != '\\' && s->p[run] >= 0x20;
		     run++)
			;
		HY_TRY(hy_buf_append(&s->obj->unesc, s->p + s->i, run - s->i, s->err));
		s->i = run;
	}
	if (*in_buf)
		*len = s->obj->unesc.len - *off;
	else {
		*off = start;
		*len = s->i - start;
	}
	s->i++; /* the closing quote */
	return 0;
}

static int scan_number(struct scan *s, enum hy__json_kind *kind)
{
	size_t start = s->i;
	bool frac = false;
	int64_t v;

	if (s->p[s->i] == '-')
		s->i++;
	if (s->i < s->n && s->p[s->i] == '0')
		s->i++;
	else if (s->i < s->n && s->p[s->i] >= '1' && s->p[s->i] <= '9')
		while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
			s->i++;
	else
		return fail(s, "a digit");
	if (s->i < s->n && s->p[s->i] == '.') {
		frac = true;
		s->i++;
		if (s->i >= s->n || s->p[s->i] < '0' || s->p[s->i] > '9')
			return fail(s, "a digit after the decimal point");
		while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
			s->i++;
	}
	if (s->i < s->n && (s->p[s->i] == 'e' || s->p[s->i] == 'E')) {
		frac = true;
		s->i++;
		if (s->i < s->n && (s->p[s->i] == '+' || s->p[s->i] == '-'))
			s->i++;
		if (s->i >= s->n || s->p[s->i] < '0' || s->p[s->i] > '9')
			return fail(s, "a digit in the exponent");
		while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
			s->i++;
	}
	if (frac)
		*kind = HY__J_REAL;
	else
		*kind = hy__parse_i64((const char *)s->p + start, s->i - start, &v) ? HY__J_INT
										    : HY__J_BIGINT;
	return 0;
}

static int scan_word(struct scan *s, const char *w, size_t wl)
{
	if (s->n - s->i < wl || memcmp(s->p + s->i, w, wl) != 0)
		return fail(s, "a JSON value");
	s->i += wl;
	return 0;
}

/* Validates a nested object or array at s->i without recursion: a stack of
 * open brackets (one bit per level: object or array). */
static int scan_nested(struct scan *s)
{
	uint8_t stack[MAX_DEPTH / 8] = {0};
	int depth = 0;
	enum { VALUE, AFTER_VALUE, KEY } want = VALUE;

	for (;;) {
		if (want == AFTER_VALUE && depth == 0)
			return 0;
		skip_ws(s);
		if (s->i >= s->n)
			return fail(s, "the rest of a nested value");
		uint8_t c = s->p[s->i];
		bool in_obj = depth > 0 && (stack[(depth - 1) / 8] >> ((depth - 1) % 8) & 1);

		if (want == KEY) {
			size_t off, len;
			bool in_buf;

			if (c != '"')
				return fail(s, "a key (a string)");
			HY_TRY(scan_string(s, &off, &len, &in_buf));
			skip_ws(s);
			if (s->i >= s->n || s->p[s->i] != ':')
				return fail(s, "':' after a key");
			s->i++;
			want = VALUE;
			continue;
		}
		if (want == AFTER_VALUE) {
			if (c == ',') {
				s->i++;
				want = in_obj ? KEY : VALUE;
				continue;
			}
			if (c == (in_obj ? '}' : ']')) {
				s->i++;
				depth--;
				continue;
			}
			return fail(s, in_obj ? "',' or '}'" : "',' or ']'");
		}
		/* a value */
		if (c == '{' || c == '[') {
			if (depth == MAX_DEPTH)
				return fail(s, "at most 512 levels of nesting");
			if (c == '{')
				stack[depth / 8] |= (uint8_t)(1u << (depth % 8));
			else
				stack[depth / 8] &= (uint8_t) ~(1u << (depth % 8));
			depth++;
			s->i++;
			skip_ws(s);
			if (s->i < s->n && s->p[s->i] == (c == '{' ? '}' : ']')) {
				s->i++;
				depth--;
				want = AFTER_VALUE;
			} else {
				want = c == '{' ? KEY : VALUE;
			}
			continue;
		}
		if (c == '"') {
			size_t off, len;
			bool in_buf;

			HY_TRY(scan_string(s, &off, &len, &in_buf));
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			enum hy__json_kind k;

			HY_TRY(scan_number(s, &k));
		} else if (c == 't') {
			HY_TRY(scan_word(s, "true", 4));
		} else if (c == 'f') {
			HY_TRY(scan_word(s, "false", 5));
		} else if (c == 'n') {
			HY_TRY(scan_word(s, "null", 4));
		} else {
			return fail(s, "a JSON value");
		}
		want = AFTER_VALUE;
	}
}

static int scan_value(struct scan *s, struct hy__json_member *m)
{
	size_t start = s->i;
	uint8_t c;

	if (s->i >= s->n)
		return fail(s, "a value");
	c = s->p[s->i];
	m->val_in_buf = false;
	if (c == '"') {
		m->kind = HY__J_STR;
		return scan_string(s, &m->val_off, &m->val_len, &m->val_in_buf);
	}
	if (c == '{' || c == '[') {
		m->kind = HY__J_NESTED;
		HY_TRY(scan_nested(s));
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		HY_TRY(scan_number(s, &m->kind));
	} else if (c == 't' || c == 'f') {
		m->kind = HY__J_BOOL;
		HY_TRY(c == 't' ? scan_word(s, "true", 4) : scan_word(s, "false", 5));
	} else if (c == 'n') {
		m->kind = HY__J_NULL;
		HY_TRY(scan_word(s, "null", 4));
	} else {
		return fail(s, "a JSON value");
	}
	m->val_off = start;
	m->val_len = s->i - start;
	return 0;
}

static int add_member(struct scan *s, struct hy__json_member **out)
{
	struct hy__json_obj *o = s->obj;

	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		struct hy__json_member *m;

		if (o->n >= HY_MAX_FIELDS) {
			hy_error_set(s->err, HY_ELIMIT, "more than %d keys in one object",
				     HY_MAX_FIELDS);
			return HY_ELIMIT;
		}
		m = hy_realloc(o->members, cap * sizeof(*m));
		if (m == NULL) {
			hy_error_set(s->err, HY_ENOMEM, "out of memory reading JSON");
			return HY_ENOMEM;
		}
		o->members = m;
		o->cap = cap;
	}
	*out = &o->members[o->n++];
	return 0;
}

int hy__json_scan_object(struct hy__json_obj *obj, const char *line, size_t n, struct hy_error *err)
{
	struct scan s = {(const uint8_t *)line, n, 0, obj, err};

	obj->n = 0;
	obj->line = line;
	hy_buf_clear(&obj->unesc);
	if (!hy__utf8_valid(line, n))
		return hy_error_set(err, HY_EFORMAT, "malformed JSON: the line is not valid UTF-8");
	skip_ws(&s);
	if (s.i >= n || s.p[s.i] != '{')
		return fail(&s, "a JSON object ('{')");
	s.i++;
	skip_ws(&s);
	if (s.i < n && s.p[s.i] == '}') {
		s.i++;
	} else {
		for (;;) {
			struct hy__json_member *m = NULL;

			skip_ws(&s);
			if (s.i >= n || s.p[s.i] != '"')
				return fail(&s, "a key (a string)");
			HY_TRY(add_member(&s, &m));
			HY_TRY(scan_string(&s, &m->key_off, &m->key_len, &m->key_in_buf));
			if (memchr(hy__json_key(obj, m).ptr, 0, m->key_len) != NULL)
				return hy_error_set(err, HY_EFORMAT, "a key holds a NUL character");
			skip_ws(&s);
			if (s.i >= n || s.p[s.i] != ':')
				return fail(&s, "':' after a key");
			s.i++;
			skip_ws(&s);
			HY_TRY(scan_value(&s, m));
			skip_ws(&s);
			if (s.i < n && s.p[s.i] == ',') {
				s.i++;
				continue;
			}
			if (s.i < n && s.p[s.i] == '}') {
				s.i++;
				break;
			}
			return fail(&s, "',' or '}'");
		}
	}
	skip_ws(&s);
	if (s.i != n)
		return fail(&s, "the end of the line after the object");
	return 0;
}

struct hy_str hy__json_key(const struct hy__json_obj *obj, const struct hy__json_member *m)
{
	const char *base = m->key_in_buf ? (const char *)obj->unesc.data : obj->line;

	return (struct hy_str){base + m->key_off, m->key_len};
}

struct hy_str hy__json_value(const struct hy__json_obj *obj, const struct hy__json_member *m)
{
	const char *base = m->val_in_buf ? (const char *)obj->unesc.data : obj->line;

	return (struct hy_str){base + m->val_off, m->val_len};
}
