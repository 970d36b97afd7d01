/* Option tables: one description of a type's keys, used to read, validate
 * and document them (include/hygge/option.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cfg_int.h"
#include "hygge/option.h"

#define MAX_NAMES 128 /* options per table considered for suggestions */

const struct hy_option *hy_cfg_option_find(const struct hy_option *table, const char *name)
{
	for (; table->name != NULL; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}

void hy_cfg_option_default_text(const struct hy_option *opt, char *buf, size_t size)
{
	switch (opt->kind) {
	case HY_OPT_KIND_STR:
		snprintf(buf, size, "%s", opt->def.s != NULL ? opt->def.s : "");
		break;
	case HY_OPT_KIND_INT: snprintf(buf, size, "%" PRId64, opt->def.i); break;
	case HY_OPT_KIND_FLOAT: snprintf(buf, size, "%g", opt->def.f); break;
	case HY_OPT_KIND_BOOL: snprintf(buf, size, "%s", opt->def.b ? "true" : "false"); break;
	case HY_OPT_KIND_ENUM:
		snprintf(buf, size, "%s",
			 opt->values != NULL && opt->def.e >= 0 ? opt->values[opt->def.e] : "");
		break;
	default: snprintf(buf, size, "%s", ""); break;
	}
}

static void warn_unknown(const struct hy_cfg_node *key, const struct hy_option *table,
			 const struct hy_cfg_path *path, hy_cfg_warn_fn warn, void *user)
{
	const char *names[MAX_NAMES + 1], *near;
	struct hy_error msg = {0};
	size_t n = 0;

	for (const struct hy_option *o = table; o->name != NULL && n < MAX_NAMES; o++)
		names[n++] = o->name;
	names[n] = NULL;
	near = hy_cfg_suggest(key->text, names);
	if (near != NULL)
		hy_cfg_error(&msg, key, path,
			     "unknown key '%.200s' is ignored (did you mean '%s'?)", key->text,
			     near);
	else
		hy_cfg_error(&msg, key, path, "unknown key '%.200s' is ignored", key->text);
	warn(user, msg.msg);
}

static int check_float_range(const struct hy_cfg_node *node, const struct hy_cfg_path *path,
			     const struct hy_option *opt, double v, struct hy_error *err)
{
	if (v >= (double)opt->min && v <= (double)opt->max)
		return 0;
	return HY_CFG_ERROR(err, node, path, "must be between %" PRId64 " and %" PRId64 ", got %g",
			    opt->min, opt->max, v);
}

static int want_kind(const struct hy_cfg_node *node, const struct hy_cfg_path *path,
		     enum hy_cfg_kind kind, struct hy_error *err)
{
	if (node->kind == kind)
		return 0;
	return HY_CFG_ERROR(err, node, path, "expected %s, got %s", hy_cfg_kind_name(kind),
			    hy_cfg_kind_name(node->kind));
}

/* Converts a present, non-null value. */
static int read_one(const struct hy_option *opt, const struct hy_cfg_node *node,
		    const struct hy_cfg_path *path, void *field, struct hy_error *err)
{
	union {
		const char *s;
		int64_t i;
		double f;
		bool b;
		int e;
	} v;

	switch (opt->kind) {
	case HY_OPT_KIND_STR: HY_TRY(hy_cfg_to_str(node, path, &v.s, err)); break;
	case HY_OPT_KIND_INT:
		HY_TRY(hy_cfg_to_int(node, path, opt->min, opt->max, &v.i, err));
		break;
	case HY_OPT_KIND_FLOAT:
		HY_TRY(hy_cfg_to_float(node, path, &v.f, err));
		HY_TRY(check_float_range(node, path, opt, v.f, err));
		break;
	case HY_OPT_KIND_BOOL: HY_TRY(hy_cfg_to_bool(node, path, &v.b, err)); break;
	case HY_OPT_KIND_ENUM: HY_TRY(hy_cfg_to_enum(node, path, opt->values, &v.e, err)); break;
	case HY_OPT_KIND_MAP: HY_TRY(want_kind(node, path, HY_CFG_MAP, err)); break;
	case HY_OPT_KIND_LIST: HY_TRY(want_kind(node, path, HY_CFG_SEQ, err)); break;
	case HY_OPT_KIND_ANY: break;
	}
	if (field == NULL)
		return 0;
	switch (opt->kind) {
	case HY_OPT_KIND_STR: memcpy(field, &v.s, sizeof(v.s)); break;
	case HY_OPT_KIND_INT: memcpy(field, &v.i, sizeof(v.i)); break;
	case HY_OPT_KIND_FLOAT: memcpy(field, &v.f, sizeof(v.f)); break;
	case HY_OPT_KIND_BOOL: memcpy(field, &v.b, sizeof(v.b)); break;
	case HY_OPT_KIND_ENUM: memcpy(field, &v.e, sizeof(v.e)); break;
	default: memcpy(field, &node, sizeof(node)); break; /* NOLINT(bugprone-sizeof-expression) */
	}
	return 0;
}

static void write_default(const struct hy_option *opt, void *field)
{
	const struct hy_cfg_node *none = NULL;

	if (field == NULL)
		return;
	switch (opt->kind) {
	case HY_OPT_KIND_STR: memcpy(field, &opt->def.s, sizeof(opt->def.s)); break;
	case HY_OPT_KIND_INT: memcpy(field, &opt->def.i, sizeof(opt->def.i)); break;
	case HY_OPT_KIND_FLOAT: memcpy(field, &opt->def.f, sizeof(opt->def.f)); break;
	case HY_OPT_KIND_BOOL: memcpy(field, &opt->def.b, sizeof(opt->def.b)); break;
	case HY_OPT_KIND_ENUM: memcpy(field, &opt->def.e, sizeof(opt->def.e)); break;
	default: memcpy(field, &none, sizeof(none)); break; /* NOLINT(bugprone-sizeof-expression) */
	}
}

int hy_cfg_options_read(const struct hy_cfg_node *map, const struct hy_option *table, void *out,
			struct hy_cfg_path *path, hy_cfg_warn_fn warn, void *user,
			struct hy_error *err)
{
	struct hy_cfg_path local;

	if (path == NULL) {
		hy_cfg_path_init(&local, NULL);
		path = &local;
	}
	if (map != NULL && map->kind != HY_CFG_MAP && map->kind != HY_CFG_NULL)
		return HY_CFG_ERROR(err, map, path, "expected a mapping, got %s",
				    hy_cfg_kind_name(map->kind));
	if (map != NULL && map->kind == HY_CFG_MAP && warn != NULL)
		for (size_t i = 0; i < map->count; i++)
			if (hy_cfg_option_find(table, map->keys[i]->text) == NULL)
				warn_unknown(map->keys[i], table, path, warn, user);
	for (const struct hy_option *opt = table; opt->name != NULL; opt++) {
		void *field = (out == NULL || opt->offset == HY_OPT_NO_OFFSET)
				      ? NULL
				      : (char *)out + opt->offset;
		const struct hy_cfg_node *node = hy_cfg_map_get(map, opt->name);
		size_t mark;
		int rc;

		if (node == NULL || node->kind == HY_CFG_NULL) {
			if (opt->required)
				return HY_CFG_ERROR(err, node != NULL ? node : map, path,
						    "'%s' is required", opt->name);
			write_default(opt, field);
			continue;
		}
		mark = hy_cfg_path_push(path, opt->name);
		rc = read_one(opt, node, path, field, err);
		hy_cfg_path_pop(path, mark);
		if (rc != 0)
			return rc;
	}
	return 0;
}
