/* Reading config values: key paths, messages in the house form
 * ("file:line:col: store.compression: ..."), typed conversions with the
 * reference's lax coercions, and "did you mean" suggestions. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"

/* ---- key paths -------------------------------------------------------- */

static void path_append(struct hy_cfg_path *path, const char *text)
{
	size_t room = sizeof(path->text) - path->len, n = strlen(text);

	if (n < room) {
		memcpy(path->text + path->len, text, n + 1);
		path->len += n;
		return;
	}
	/* Cut, and say so: "a.b.c..." */
	memcpy(path->text + path->len, text, room - 1);
	path->len = sizeof(path->text) - 1;
	memcpy(path->text + path->len - 3, "...", 4);
}

void hy_cfg_path_init(struct hy_cfg_path *path, const char *root)
{
	path->len = 0;
	path->text[0] = '\0';
	if (root != NULL)
		path_append(path, root);
}

size_t hy_cfg_path_push(struct hy_cfg_path *path, const char *key)
{
	size_t old = path->len;

	if (path->len > 0)
		path_append(path, ".");
	path_append(path, key);
	return old;
}

size_t hy_cfg_path_push_index(struct hy_cfg_path *path, size_t index)
{
	size_t old = path->len;
	char buf[32];

	snprintf(buf, sizeof(buf), "[%zu]", index);
	path_append(path, buf);
	return old;
}

void hy_cfg_path_pop(struct hy_cfg_path *path, size_t len)
{
	if (len < path->len) {
		path->len = len;
		path->text[len] = '\0';
	}
}

/* ---- messages --------------------------------------------------------- */

void hy_cfg_mark_format(const struct hy_cfg_node *node, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	if (node == NULL || node->file == NULL)
		return;
	if (node->line > 0)
		snprintf(buf, size, "%s:%d:%d", node->file->name, node->line, node->col);
	else
		snprintf(buf, size, "%s", node->file->name);
}

int hy_cfg_error(struct hy_error *err, const struct hy_cfg_node *at, const struct hy_cfg_path *path,
		 const char *fmt, ...)
{
	char mark[HY_ERROR_MSG_MAX / 2], msg[HY_ERROR_MSG_MAX];
	const char *p = (path != NULL && path->len > 0) ? path->text : NULL;
	va_list ap;

	if (err != NULL && err->code != 0)
		return HY_ECONFIG;
	hy_cfg_mark_format(at, mark, sizeof(mark));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hy_error_set(err, HY_ECONFIG, "%s%s%s%s%s", mark, mark[0] != '\0' ? ": " : "",
			    p != NULL ? p : "", p != NULL ? ": " : "", msg);
}

/* "got an integer '5'" / "got a mapping" */
static int wrong_kind(const struct hy_cfg_node *node, const struct hy_cfg_path *path,
		      const char *want, struct hy_error *err)
{
	if (node->kind == HY_CFG_MAP || node->kind == HY_CFG_SEQ || node->kind == HY_CFG_NULL)
		return HY_CFG_ERROR(err, node, path, "expected %s, got %s", want,
				    hy_cfg_kind_name(node->kind));
	return HY_CFG_ERROR(err, node, path, "expected %s, got %s '%.200s'", want,
			    hy_cfg_kind_name(node->kind), node->text);
}

/* ---- lax text forms --------------------------------------------------- */

/* Copy of `s` without surrounding white space, in `buf`; false when too long. */
static bool trimmed(const char *s, char *buf, size_t size)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

static bool text_to_int(const char *s, int64_t *out)
{
	char buf[64], *end;
	const char *p = buf;

	if (!trimmed(s, buf, sizeof(buf)) || buf[0] == '\0')
		return false;
	if (*p == '-' || *p == '+')
		p++;
	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return errno == 0;
}

static bool text_to_float(const char *s, double *out)
{
	static const char *const words[] = {"inf", "+inf", "infinity", "+infinity", "nan", NULL};
	char buf[128], *end;
	bool digit = false;

	if (!trimmed(s, buf, sizeof(buf)) || buf[0] == '\0')
		return false;
	for (int i = 0; words[i] != NULL; i++)
		if (hy__cfg_eq_nocase(buf, words[i])) {
			*out = buf[0] == 'n' || buf[0] == 'N' ? NAN : INFINITY;
			return true;
		}
	if (hy__cfg_eq_nocase(buf, "-inf") || hy__cfg_eq_nocase(buf, "-infinity")) {
		*out = -INFINITY;
		return true;
	}
	for (const char *p = buf; *p != '\0'; p++) {
		if (strchr("0123456789+-.eE", *p) == NULL)
			return false;
		digit = digit || isdigit((unsigned char)*p);
	}
	if (!digit)
		return false;
	*out = hy__cfg_strtod(buf, &end);
	return *end == '\0';
}

/* pydantic's lax booleans */
static int text_to_bool(const char *s)
{
	static const char *const yes[] = {"1", "on", "t", "true", "y", "yes", NULL};
	static const char *const no[] = {"0", "off", "f", "false", "n", "no", NULL};
	char buf[16];

	if (!trimmed(s, buf, sizeof(buf)))
		return -1;
	for (int i = 0; yes[i] != NULL; i++) {
		if (hy__cfg_eq_nocase(buf, yes[i]))
			return 1;
		if (hy__cfg_eq_nocase(buf, no[i]))
			return 0;
	}
	return -1;
}

/* ---- conversions ------------------------------------------------------ */

static int check_range(const struct hy_cfg_node *node, const struct hy_cfg_path *path, int64_t v,
		       int64_t min, int64_t max, struct hy_error *err)
{
	if (v >= min && v <= max)
		return 0;
	if (max == INT64_MAX)
		return HY_CFG_ERROR(err, node, path, "must be at least %" PRId64 ", got %" PRId64,
				    min, v);
	if (min == INT64_MIN)
		return HY_CFG_ERROR(err, node, path, "must be at most %" PRId64 ", got %" PRId64,
				    max, v);
	return HY_CFG_ERROR(err, node, path,
			    "must be between %" PRId64 " and %" PRId64 ", got %" PRId64, min, max,
			    v);
}

int hy_cfg_to_int(const struct hy_cfg_node *node, const struct hy_cfg_path *path, int64_t min,
		  int64_t max, int64_t *out, struct hy_error *err)
{
	int64_t v;

	switch (node->kind) {
	case HY_CFG_INT:
		if (!node->int_range)
			return HY_CFG_ERROR(err, node, path, "'%.200s' is too large for an integer",
					    node->text);
		v = node->v.i;
		break;
	case HY_CFG_FLOAT:
		if (!(node->v.f == floor(node->v.f) && fabs(node->v.f) < 9.2e18))
			return HY_CFG_ERROR(err, node, path, "'%.200s' is not a whole number",
					    node->text);
		v = (int64_t)node->v.f;
		break;
	case HY_CFG_STR:
		if (!text_to_int(node->text, &v))
			return HY_CFG_ERROR(err, node, path, "'%.200s' is not an integer",
					    node->text);
		break;
	default: return wrong_kind(node, path, "an integer", err);
	}
	HY_TRY(check_range(node, path, v, min, max, err));
	*out = v;
	return 0;
}

int hy_cfg_to_float(const struct hy_cfg_node *node, const struct hy_cfg_path *path, double *out,
		    struct hy_error *err)
{
	switch (node->kind) {
	case HY_CFG_FLOAT: *out = node->v.f; return 0;
	case HY_CFG_INT:
		if (!node->int_range)
			return HY_CFG_ERROR(err, node, path, "'%.200s' is too large", node->text);
		*out = (double)node->v.i;
		return 0;
	case HY_CFG_STR:
		if (text_to_float(node->text, out))
			return 0;
		return HY_CFG_ERROR(err, node, path, "'%.200s' is not a number", node->text);
	default: return wrong_kind(node, path, "a number", err);
	}
}

int hy_cfg_to_bool(const struct hy_cfg_node *node, const struct hy_cfg_path *path, bool *out,
		   struct hy_error *err)
{
	int b = -1;

	switch (node->kind) {
	case HY_CFG_BOOL: *out = node->v.b; return 0;
	case HY_CFG_INT:
		if (node->int_range && (node->v.i == 0 || node->v.i == 1))
			b = (int)node->v.i;
		break;
	case HY_CFG_FLOAT:
		if (node->v.f == 0.0 || node->v.f == 1.0)
			b = node->v.f == 1.0;
		break;
	case HY_CFG_STR: b = text_to_bool(node->text); break;
	default: return wrong_kind(node, path, "true or false", err);
	}
	if (b < 0)
		return HY_CFG_ERROR(err, node, path, "'%.200s' is not true or false", node->text);
	*out = b == 1;
	return 0;
}

int hy_cfg_to_str(const struct hy_cfg_node *node, const struct hy_cfg_path *path, const char **out,
		  struct hy_error *err)
{
	if (node->kind == HY_CFG_STR || node->kind == HY_CFG_TIMESTAMP) {
		*out = node->text;
		return 0;
	}
	if (node->kind == HY_CFG_INT || node->kind == HY_CFG_FLOAT || node->kind == HY_CFG_BOOL)
		return HY_CFG_ERROR(err, node, path,
				    "expected a string, got %s '%.200s' (write \"%.200s\" with "
				    "quotes to keep it text)",
				    hy_cfg_kind_name(node->kind), node->text, node->text);
	return wrong_kind(node, path, "a string", err);
}

int hy_cfg_to_enum(const struct hy_cfg_node *node, const struct hy_cfg_path *path,
		   const char *const *values, int *index, struct hy_error *err)
{
	const char *text = NULL, *near;
	char list[512];
	size_t used = 0;

	HY_TRY(hy_cfg_to_str(node, path, &text, err));
	for (int i = 0; values[i] != NULL; i++)
		if (hy__cfg_eq_nocase(text, values[i])) {
			*index = i;
			return 0;
		}
	list[0] = '\0';
	for (int i = 0; values[i] != NULL && used < sizeof(list); i++) {
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", i > 0 ? ", " : "",
				 values[i]);
		used += n > 0 ? (size_t)n : 0;
	}
	near = hy_cfg_suggest(text, values);
	if (near != NULL)
		return HY_CFG_ERROR(err, node, path,
				    "'%.200s' is not one of %s (did you mean '%s'?)", text, list,
				    near);
	return HY_CFG_ERROR(err, node, path, "'%.200s' is not one of %s", text, list);
}

/* ---- getters on a mapping -------------------------------------------- */

/* The value of `key`, or NULL when absent or null. */
static const struct hy_cfg_node *present(const struct hy_cfg_node *map, const char *key)
{
	const struct hy_cfg_node *v = hy_cfg_map_get(map, key);

	return (v == NULL || v->kind == HY_CFG_NULL) ? NULL : v;
}

#define WITH_KEY(path, key, call)                                                                  \
	do {                                                                                       \
		struct hy_cfg_path local_;                                                         \
		struct hy_cfg_path *p_ = (path);                                                   \
		size_t mark_;                                                                      \
		int rc_;                                                                           \
		if (p_ == NULL) {                                                                  \
			hy_cfg_path_init(&local_, NULL);                                           \
			p_ = &local_;                                                              \
		}                                                                                  \
		mark_ = hy_cfg_path_push(p_, (key));                                               \
		rc_ = (call);                                                                      \
		hy_cfg_path_pop(p_, mark_);                                                        \
		return rc_;                                                                        \
	} while (0)

int hy_cfg_get_int(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		   int64_t def, int64_t min, int64_t max, int64_t *out, struct hy_error *err)
{
	const struct hy_cfg_node *v = present(map, key);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	WITH_KEY(path, key, hy_cfg_to_int(v, p_, min, max, out, err));
}

int hy_cfg_get_float(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		     double def, double *out, struct hy_error *err)
{
	const struct hy_cfg_node *v = present(map, key);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	WITH_KEY(path, key, hy_cfg_to_float(v, p_, out, err));
}

int hy_cfg_get_bool(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		    bool def, bool *out, struct hy_error *err)
{
	const struct hy_cfg_node *v = present(map, key);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	WITH_KEY(path, key, hy_cfg_to_bool(v, p_, out, err));
}

int hy_cfg_get_str(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		   const char *def, const char **out, struct hy_error *err)
{
	const struct hy_cfg_node *v = present(map, key);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	WITH_KEY(path, key, hy_cfg_to_str(v, p_, out, err));
}

int hy_cfg_get_enum(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		    const char *const *values, int def, int *index, struct hy_error *err)
{
	const struct hy_cfg_node *v = present(map, key);

	if (v == NULL) {
		*index = def;
		return 0;
	}
	WITH_KEY(path, key, hy_cfg_to_enum(v, p_, values, index, err));
}

int hy_cfg_require(const struct hy_cfg_node *map, const char *key, const struct hy_cfg_path *path,
		   struct hy_cfg_node **out, struct hy_error *err)
{
	struct hy_cfg_node *v = hy_cfg_map_get(map, key);

	*out = NULL;
	if (v == NULL || v->kind == HY_CFG_NULL)
		return HY_CFG_ERROR(err, v != NULL ? v : map, path, "'%s' is required", key);
	*out = v;
	return 0;
}

/* ---- suggestions ------------------------------------------------------ */

#define SUGGEST_MAX 64

static int lower(char c)
{
	return tolower((unsigned char)c);
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps),
 * keeping three rows: i-2, i-1 and i. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t rows[3][SUGGEST_MAX + 1];

	for (size_t j = 0; j <= m; j++)
		rows[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t *cur = rows[i % 3], *up = rows[(i - 1) % 3], *up2 = rows[(i + 1) % 3];

		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
			size_t best = up[j] + 1;

			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (up[j - 1] + cost < best)
				best = up[j - 1] + cost;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && up2[j - 2] + 1 < best)
				best = up2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return rows[n % 3][m];
}

const char *hy_cfg_suggest(const char *word, const char *const *candidates)
{
	size_t n = strlen(word), limit, best_d = SIZE_MAX;
	const char *best = NULL;

	if (n == 0 || n > SUGGEST_MAX)
		return NULL;
	limit = n <= 5 ? 1 : n <= 8 ? 2 : 3;
	if (limit >= n)
		limit = n - 1;
	for (; *candidates != NULL; candidates++) {
		size_t m = strlen(*candidates), dist;

		if (m > SUGGEST_MAX)
			continue;
		dist = edit_distance(word, n, *candidates, m);
		if (dist <= limit && dist < best_d) {
			best_d = dist;
			best = *candidates;
		}
	}
	return best;
}
