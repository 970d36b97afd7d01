/* Column-name rules of the polisher (behaviour.md §3.16 step 2).
 *
 * The reference does this with Python regular expressions; the scans below
 * are their exact single-pass equivalents (see the comment on each). Letters
 * are ASCII, as in the reference's [a-z]/[A-Z] classes; only the case
 * conversion differs for non-ASCII letters, which Python's capitalize() and
 * lower() would also change and we leave alone. */
#include "hygge/polish.h"

#include <string.h>

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_alnum(char c)
{
	return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9');
}

/* Python's str.isspace() for the ASCII range (\s of a str pattern). */
static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static char to_upper(char c)
{
	return is_lower(c) ? (char)(c - 'a' + 'A') : c;
}

static char to_lower(char c)
{
	return is_upper(c) ? (char)(c - 'A' + 'a') : c;
}

/* base.replace("_", " ").replace("-", " "), then
 * re.sub(r"(?<=[a-z])([A-Z])", r" \1") and
 * re.sub(r"(?<=[A-Z])([A-Z][a-z])", r" \1"). Both substitutions only insert
 * spaces, and neither match can overlap the next one, so checking each
 * position against its neighbours in the string of the previous pass is the
 * same thing. Result in `tmp` (cleared first). */
static int split_boundaries(const char *name, struct hy_buf *tmp, struct hy_error *err)
{
	size_t n = strlen(name);
	struct hy_buf one;
	int rc = 0;

	hy_buf_init(&one, n * 2 + 1);
	hy_buf_clear(tmp);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char c = name[i] == '_' || name[i] == '-' ? ' ' : name[i];

		if (i > 0 && is_upper(c) && is_lower(name[i - 1]))
			rc = hy_buf_append_byte(&one, ' ', err);
		if (rc == 0)
			rc = hy_buf_append_byte(&one, (uint8_t)c, err);
	}
	for (size_t i = 0; i < one.len && rc == 0; i++) {
		const char *s = (const char *)one.data;

		if (i > 0 && is_upper(s[i - 1]) && is_upper(s[i]) && i + 1 < one.len &&
		    is_lower(s[i + 1]))
			rc = hy_buf_append_byte(tmp, ' ', err);
		if (rc == 0)
			rc = hy_buf_append_byte(tmp, (uint8_t)s[i], err);
	}
	hy_buf_reset(&one);
	return rc;
}

/* Calls `word` for each white-space separated word of `s`. */
typedef int (*word_fn)(void *ctx, const char *w, size_t len, size_t index, struct hy_error *err);

static int for_each_word(const char *s, size_t n, word_fn fn, void *ctx, size_t *count,
			 struct hy_error *err)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t start;

		while (i < n && is_space(s[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_space(s[i]))
			i++;
		HY_TRY(fn(ctx, s + start, i - start, k++, err));
	}
	*count = k;
	return 0;
}

struct case_ctx {
	struct hy_buf *out;
	int name_case; /* HY_POLISH_CASE_NONE: words joined by spaces */
};

static int emit_word(void *vctx, const char *w, size_t len, size_t index, struct hy_error *err)
{
	struct case_ctx *ctx = vctx;

	if (index > 0 && ctx->name_case == HY_POLISH_CASE_SNAKE)
		HY_TRY(hy_buf_append_byte(ctx->out, '_', err));
	if (index > 0 && ctx->name_case == HY_POLISH_CASE_NONE)
		HY_TRY(hy_buf_append_byte(ctx->out, ' ', err));
	for (size_t i = 0; i < len; i++) {
		char c = w[i];

		if (ctx->name_case == HY_POLISH_CASE_NONE)
			; /* words only */
		else if (ctx->name_case == HY_POLISH_CASE_SNAKE || i > 0 ||
			 (ctx->name_case == HY_POLISH_CASE_CAMEL && index == 0))
			c = to_lower(c);
		else
			c = to_upper(c);
		HY_TRY(hy_buf_append_byte(ctx->out, (uint8_t)c, err));
	}
	return 0;
}

static int words_with_case(const char *name, int name_case, struct hy_buf *out,
			   struct hy_error *err)
{
	struct hy_buf tmp;
	struct case_ctx ctx = {out, name_case};
	size_t mark = out->len, count = 0;
	int rc;

	hy_buf_init(&tmp, strlen(name) * 3 + 1);
	rc = split_boundaries(name, &tmp, err);
	if (rc == 0)
		rc = for_each_word((const char *)tmp.data, tmp.len, emit_word, &ctx, &count, err);
	hy_buf_reset(&tmp);
	/* `if not words: return name` */
	if (rc == 0 && count == 0 && name_case != HY_POLISH_CASE_NONE) {
		out->len = mark;
		rc = hy_buf_append(out, name, strlen(name), err);
	}
	return rc;
}

int hy_polish_words(const char *name, struct hy_buf *out, struct hy_error *err)
{
	return words_with_case(name, HY_POLISH_CASE_NONE, out, err);
}

int hy_polish_case_name(const char *name, int name_case, struct hy_buf *out, struct hy_error *err)
{
	if (name_case == HY_POLISH_CASE_NONE)
		return hy_buf_append(out, name, strlen(name), err);
	return words_with_case(name, name_case, out, err);
}

/* re.findall(r"\(([^)]+)\)", name): words inside parentheses, appended to
 * `words` separated by spaces. A match needs at least one character and a
 * closing parenthesis; the content may hold another '('. */
static int paren_words(const char *s, size_t n, struct hy_buf *words, struct hy_error *err)
{
	size_t i = 0;

	while (i < n) {
		const char *close;

		if (s[i] != '(') {
			i++;
			continue;
		}
		close = memchr(s + i + 1, ')', n - i - 1);
		if (close == NULL || close == s + i + 1) {
			i++;
			continue;
		}
		for (const char *p = s + i + 1; p < close;) {
			const char *start;

			while (p < close && is_space(*p))
				p++;
			if (p == close)
				break;
			start = p;
			while (p < close && !is_space(*p))
				p++;
			if (words->len > 0)
				HY_TRY(hy_buf_append_byte(words, ' ', err));
			HY_TRY(hy_buf_append(words, start, (size_t)(p - start), err));
		}
		i = (size_t)(close - s) + 1;
	}
	return 0;
}

/* re.sub(r"\s*\([^)]*\)|[^a-zA-Z0-9\s_-]", "", name).strip(): white space
 * followed by a closed parenthesised group goes with the group; any other
 * character but letters, digits, white space, '_' and '-' goes alone. */
static int strip_special(const char *s, size_t n, struct hy_buf *out, struct hy_error *err)
{
	size_t i = 0, start, end;
	size_t mark = out->len;

	while (i < n) {
		size_t j = i;

		while (j < n && is_space(s[j]))
			j++;
		if (j < n && s[j] == '(') {
			const char *close = memchr(s + j + 1, ')', n - j - 1);

			if (close != NULL) {
				i = (size_t)(close - s) + 1;
				continue;
			}
		}
		if (is_alnum(s[i]) || is_space(s[i]) || s[i] == '_' || s[i] == '-')
			HY_TRY(hy_buf_append_byte(out, (uint8_t)s[i], err));
		i++;
	}
	/* strip() */
	start = mark;
	end = out->len;
	while (start < end && is_space((char)out->data[start]))
		start++;
	while (end > start && is_space((char)out->data[end - 1]))
		end--;
	memmove(out->data + mark, out->data + start, end - start);
	out->len = mark + (end - start);
	out->data[out->len] = 0;
	return 0;
}

static int remove_special(const char *name, struct hy_buf *out, struct hy_error *err)
{
	size_t n = strlen(name);
	struct hy_buf words;
	int rc;

	hy_buf_init(&words, n + 1);
	rc = paren_words(name, n, &words, err);
	if (rc == 0)
		rc = strip_special(name, n, out, err);
	if (rc == 0 && words.len > 0) {
		rc = hy_buf_append_byte(out, ' ', err);
		if (rc == 0)
			rc = hy_buf_append(out, words.data, words.len, err);
	}
	hy_buf_reset(&words);
	return rc;
}

int hy_polish_column_name(const struct hy_polish_config *cfg, const char *name, struct hy_buf *out,
			  struct hy_error *err)
{
	struct hy_buf a, b;
	size_t mark = out->len;
	const char *cur = name;
	int rc = 0;

	hy_buf_init(&a, (size_t)HY_MAX_FIELD_NAME * 4);
	hy_buf_init(&b, (size_t)HY_MAX_FIELD_NAME * 4);
	if (cfg->remove_special) {
		rc = hy_buf_reserve(&a, 1, err);
		if (rc == 0)
			rc = remove_special(cur, &a, err);
		cur = a.data != NULL ? (const char *)a.data : "";
	}
	if (rc == 0 && cfg->remove_spaces) {
		rc = hy_buf_reserve(&b, 1, err);
		for (const char *p = cur; rc == 0 && *p != 0; p++)
			if (*p != ' ')
				rc = hy_buf_append_byte(&b, (uint8_t)*p, err);
		cur = b.data != NULL ? (const char *)b.data : "";
	}
	if (rc == 0)
		rc = hy_polish_case_name(cur, cfg->name_case, out, err);
	/* `if not new_name: new_name = col` */
	if (rc == 0 && out->len == mark)
		rc = hy_buf_append(out, name, strlen(name), err);
	hy_buf_reset(&a);
	hy_buf_reset(&b);
	return rc;
}
