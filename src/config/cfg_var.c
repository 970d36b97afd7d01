/* `--var flow.<flow>.<key>[.<key>...]=<value>` (behaviour.md §2.8): one
 * override tree per base flow, deep-merged later onto that flow's
 * entity-merged configs. Nodes carry the whole argument as their "file", so
 * a later validation error reads "--var flow.a.queue_size=0: queue_size: ...". */
#include <stdio.h>
#include <string.h>

#include "cfg_int.h"
#include "hygge/alloc.h"

#define VAR_EXAMPLE "(e.g., flow.mssql_to_mirrored_db.full_drop=true)"

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* true/1/yes, false/0/no, digits, digits with one dot, else text; in that
 * order, so "1" and "0" are booleans as in the reference. */
static int type_value(struct hy_cfg_node *node, struct hy_error *err)
{
	static const char *const yes[] = {"true", "1", "yes", NULL};
	static const char *const no[] = {"false", "0", "no", NULL};
	const char *s = node->text, *dot = strchr(s, '.');

	for (int i = 0; yes[i] != NULL; i++)
		if (hy__cfg_eq_nocase(s, yes[i]) || hy__cfg_eq_nocase(s, no[i])) {
			node->kind = HY_CFG_BOOL;
			node->v.b = hy__cfg_eq_nocase(s, yes[i]);
			return 0;
		}
	if (all_digits(s)) {
		uint64_t v = 0;

		node->kind = HY_CFG_INT;
		node->int_range = true;
		for (; *s != '\0'; s++) {
			if (v > ((uint64_t)INT64_MAX - (uint64_t)(*s - '0')) / 10)
				node->int_range = false;
			v = v * 10 + (uint64_t)(*s - '0');
		}
		node->v.i = node->int_range ? (int64_t)v : 0;
		return 0;
	}
	if (dot != NULL && node->len > 1 && strspn(s, "0123456789") == (size_t)(dot - s) &&
	    (dot[1] == '\0' || all_digits(dot + 1))) {
		char *copy = hy_strdup(s);

		if (copy == NULL)
			return hy__cfg_nomem(err);
		node->kind = HY_CFG_FLOAT;
		node->v.f = hy__cfg_strtod(copy, NULL);
		hy_free(copy);
	}
	return 0;
}

/* Splits `key` at dots into `parts` (pointers into `key`, which is changed). */
static size_t split_key(char *key, char **parts, size_t max)
{
	size_t n = 0;

	for (char *p = key;; p++) {
		if (n == max)
			return max + 1;
		parts[n++] = p;
		p = strchr(p, '.');
		if (p == NULL)
			return n;
		*p = '\0';
	}
}

static int build(struct hy_cfg_node *root, char **parts, size_t n, const char *value,
		 struct hy_cfg_file *file, struct hy_error *err)
{
	struct hy_cfg_node mark = {.file = file}, *cur = root, *leaf;

	/* parts[0] is "flow"; parts[1] the base flow; the rest the path. */
	for (size_t i = 1; i + 1 < n; i++) {
		struct hy_cfg_node *child = hy_cfg_map_get(cur, parts[i]);

		if (child == NULL || child->kind != HY_CFG_MAP) {
			child = hy_cfg_node_create(HY_CFG_MAP, NULL, &mark);
			if (child == NULL)
				return hy__cfg_nomem(err);
			HY_TRY(hy_cfg_map_set(cur, parts[i], child, err));
		}
		cur = child;
	}
	leaf = hy_cfg_node_create(HY_CFG_STR, value, &mark);
	if (leaf == NULL)
		return hy__cfg_nomem(err);
	leaf->quoted = true;
	if (type_value(leaf, err) != 0) {
		hy_cfg_node_destroy(leaf);
		return HY_ENOMEM;
	}
	return hy_cfg_map_set(cur, parts[n - 1], leaf, err);
}

int hy_cfg_var_parse(struct hy_cfg_node **overrides, const char *arg, struct hy_error *err)
{
	const char *eq = strchr(arg, '=');
	char *key = NULL, *name = NULL, *parts[HY_CFG_MAX_DEPTH + 1];
	struct hy_cfg_file *file = NULL;
	size_t n;
	int rc = 0;

	if (eq == NULL)
		return HY_CFG_FAIL(
			err, HY_ECONFIG,
			"Invalid --var format: %s. Use flow.<flow_name>.field=value " VAR_EXAMPLE,
			arg);
	key = hy_strndup(arg, (size_t)(eq - arg));
	if (key == NULL) {
		rc = hy__cfg_nomem(err);
		goto out;
	}
	n = split_key(key, parts, HY_CFG_MAX_DEPTH);
	if (n < 3 || strcmp(parts[0], "flow") != 0) {
		rc = HY_CFG_FAIL(err, HY_ECONFIG,
				 "--var must start with 'flow.<flow_name>.' " VAR_EXAMPLE);
		goto out;
	}
	if (n > HY_CFG_MAX_DEPTH) {
		rc = HY_CFG_FAIL(err, HY_ELIMIT, "--var %s: more than %d keys", arg,
				 HY_CFG_MAX_DEPTH);
		goto out;
	}
	name = hy_asprintf("--var %s", arg);
	file = name != NULL ? hy__cfg_file_create(name) : NULL;
	if (file == NULL) {
		rc = hy__cfg_nomem(err);
		goto out;
	}
	if (*overrides == NULL) {
		struct hy_cfg_node mark = {.file = file};

		*overrides = hy_cfg_node_create(HY_CFG_MAP, NULL, &mark);
		if (*overrides == NULL) {
			rc = hy__cfg_nomem(err);
			goto out;
		}
	}
	rc = build(*overrides, parts, n, eq + 1, file, err);
out:
	hy__cfg_file_unref(file);
	hy_free(name);
	hy_free(key);
	return rc;
}
