/* ${NAME} and ${NAME:-default} in string values (behaviour.md §2.7).
 *
 * As the reference: a reference is "${", at least one character that is not
 * "}", then "}"; the first ":-" inside splits the name from the default.
 * A variable that is set, even to "", wins over the default (Python's
 * os.environ.get). "${}" and an unclosed "${" stay as written. The result
 * is not scanned again, and keys are never expanded.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_int.h"
#include "hygge/alloc.h"
#include "hygge/buffer.h"

struct env {
	hy_cfg_getenv_fn lookup;
	void *user;
	struct hy_error *err;
};

static const char *default_lookup(const char *name, void *user)
{
	(void)user;
	return getenv(name);
}

/* Appends, with the error in the house form when the cap is reached. */
static int put(struct env *env, const struct hy_cfg_node *node, const struct hy_cfg_path *path,
	       struct hy_buf *out, const char *text, size_t len)
{
	if (len > out->max - out->len) {
		bool fresh = env->err != NULL && env->err->code == 0;

		hy_cfg_error(env->err, node, path, "longer than %u bytes after expansion",
			     HY_CFG_MAX_SCALAR_BYTES);
		if (fresh)
			env->err->code = HY_ELIMIT;
		return HY_ELIMIT;
	}
	return hy_buf_append(out, text, len, env->err);
}

static int expand_text(struct env *env, struct hy_cfg_node *node, const struct hy_cfg_path *path)
{
	struct hy_buf out;
	const char *p = node->text, *end = p + strlen(p), *start;
	int rc = 0;

	hy_buf_init(&out, HY_CFG_MAX_SCALAR_BYTES);
	/* memmem/memchr with the length known: strstr would measure the rest of
	 * the text at every "${" under ASan's interceptor (quadratic) */
	while (rc == 0 && (start = memmem(p, (size_t)(end - p), "${", 2)) != NULL) {
		const char *close = memchr(start + 2, '}', (size_t)(end - start - 2)), *sep, *value;
		char *name;

		rc = put(env, node, path, &out, p, (size_t)(start - p));
		if (rc != 0)
			break;
		if (close == NULL) { /* no "}" anywhere after: the rest stays as written */
			p = start;
			break;
		}
		if (close == start + 2) {
			rc = put(env, node, path, &out, "${", 2);
			p = start + 2;
			continue;
		}
		/* Searched only up to "}" so that long values stay linear. */
		sep = NULL;
		for (const char *q = start + 2; sep == NULL && q + 1 < close; q++)
			if (q[0] == ':' && q[1] == '-')
				sep = q;
		name = hy_strndup(start + 2, (size_t)((sep != NULL ? sep : close) - (start + 2)));
		if (name == NULL) {
			rc = hy__cfg_nomem(env->err);
			break;
		}
		value = env->lookup(name, env->user);
		if (value != NULL)
			rc = put(env, node, path, &out, value, strlen(value));
		else if (sep != NULL)
			rc = put(env, node, path, &out, sep + 2, (size_t)(close - sep - 2));
		else
			rc = HY_CFG_ERROR(env->err, node, path,
					  "Environment variable '%.200s' is not set and no default",
					  name);
		hy_free(name);
		p = close + 1;
	}
	if (rc == 0 && p != node->text) {
		rc = put(env, node, path, &out, p, (size_t)(end - p));
		if (rc == 0)
			rc = hy__cfg_node_set_text(node, out.len > 0 ? (const char *)out.data : "",
						   out.len, env->err);
		node->expanded = node->expanded || rc == 0;
	}
	hy_buf_reset(&out);
	return rc;
}

static int walk(struct env *env, struct hy_cfg_node *node, struct hy_cfg_path *path)
{
	int rc = 0;

	if (node->kind == HY_CFG_STR)
		return expand_text(env, node, path);
	for (size_t i = 0; i < node->count && rc == 0; i++) {
		size_t mark = node->kind == HY_CFG_MAP ? hy_cfg_path_push(path, node->keys[i]->text)
						       : hy_cfg_path_push_index(path, i);

		rc = walk(env, node->items[i], path);
		hy_cfg_path_pop(path, mark);
	}
	return rc;
}

int hy_cfg_expand_env(struct hy_cfg_node *root, hy_cfg_getenv_fn lookup, void *user,
		      struct hy_error *err)
{
	struct env env = {lookup != NULL ? lookup : default_lookup, user, err};
	struct hy_cfg_path path;

	hy_cfg_path_init(&path, NULL);
	return walk(&env, root, &path);
}
