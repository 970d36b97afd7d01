/* The workspace loader (include/hygge/workspace.h): hygge.yml, flow
 * directories, entities, --var and run-type overrides, placeholders, and
 * every home/store read through its option table. Two stages, as the
 * reference: load every flow (stage 1), then create the entity flows that
 * pass the filter (stage 2); errors carry the reference's prefixes. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_int.h"
#include "hygge/alloc.h"
#include "hygge/workspace.h"

#define MAX_FLOWS    4096 /* flow directories per project */
#define MAX_ENTITIES 65536

/* Stage 1: one flow directory. */
struct hy__ws_flow {
	char *name;
	struct hy_cfg_node *tree; /* flow.yml, expanded; home/store always mappings */
	bool home_shorthand, store_shorthand;
	struct hy_cfg_node **entities; /* STR (a name) or MAP (defaults merged) */
	size_t nentities;
};

struct loader {
	struct hy_workspace *ws;
	const struct hy_workspace_options *opts;
	struct hy_cfg_reader rd;
	struct hy_error *err;
};

/* ---- small helpers ---------------------------------------------------- */

static void add_warning(void *user, const char *message)
{
	struct hy_workspace *ws = user;
	char **grown, *copy;

	for (size_t i = 0; i < ws->nwarnings; i++)
		if (strcmp(ws->warnings[i], message) == 0)
			return;
	copy = hy_strdup(message);
	grown = copy != NULL ? hy_realloc(ws->warnings, (ws->nwarnings + 1) * sizeof(char *))
			     : NULL;
	if (grown == NULL) {
		hy_free(copy); /* a lost warning is not worth failing the load */
		return;
	}
	ws->warnings = grown;
	ws->warnings[ws->nwarnings++] = copy;
}

static int push_name(char ***list, size_t *n, const char *name, struct hy_error *err)
{
	char *copy = hy_strdup(name);
	char **grown = copy != NULL ? hy_realloc(*list, (*n + 1) * sizeof(char *)) : NULL;

	if (grown == NULL) {
		hy_free(copy);
		return hy__cfg_nomem(err);
	}
	*list = grown;
	(*list)[(*n)++] = copy;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Every `what` in `text` replaced by `with`; NULL on allocation failure. */
static char *replace_all(const char *text, const char *what, const char *with)
{
	size_t wl = strlen(what), rl = strlen(with), n = 0, len;
	const char *p;
	char *out, *o;

	for (p = strstr(text, what); p != NULL; p = strstr(p + wl, what))
		n++;
	len = strlen(text) + n * rl - n * wl;
	out = hy_malloc(len + 1);
	if (out == NULL)
		return NULL;
	for (o = out; (p = strstr(text, what)) != NULL; text = p + wl) {
		memcpy(o, text, (size_t)(p - text));
		o += p - text;
		/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a middle piece */
		memcpy(o, with, rl);
		o += rl;
	}
	memcpy(o, text, strlen(text) + 1);
	return out;
}

/* a + "/" + b with repeated slashes folded; a leading "/" of `a` is kept. */
static char *join_path(const char *a, const char *b)
{
	char *raw = hy_asprintf("%s/%s", a, b), *o;
	const char *p;

	if (raw == NULL)
		return NULL;
	for (p = raw, o = raw; *p != '\0'; p++)
		if (!(*p == '/' && o > raw && o[-1] == '/'))
			*o++ = *p;
	while (o > raw + 1 && o[-1] == '/')
		o--;
	*o = '\0';
	return raw;
}

/* Replaces the text of the string node at map[key] (if present). */
static int set_text(struct hy_cfg_node *node, const char *text, struct hy_error *err)
{
	return hy__cfg_node_set_text(node, text, strlen(text), err);
}

static struct hy_cfg_node *str_node(const struct hy_cfg_node *map, const char *key)
{
	struct hy_cfg_node *node = hy_cfg_map_get(map, key);

	return node != NULL && (node->kind == HY_CFG_STR || node->kind == HY_CFG_TIMESTAMP) ? node
											    : NULL;
}

/* Replaces {entity} in map[key] when it is a string. */
static int substitute(struct hy_cfg_node *map, const char *key, const char *entity,
		      struct hy_error *err)
{
	struct hy_cfg_node *node = str_node(map, key);
	char *text;
	int rc;

	if (node == NULL || strstr(node->text, "{entity}") == NULL)
		return 0;
	if ((text = replace_all(node->text, "{entity}", entity)) == NULL)
		return hy__cfg_nomem(err);
	rc = set_text(node, text, err);
	hy_free(text);
	return rc;
}

static int set_str(struct hy_cfg_node *map, const char *key, const char *text,
		   const struct hy_cfg_node *mark, struct hy_error *err)
{
	struct hy_cfg_node *node = hy_cfg_node_create(HY_CFG_STR, text, mark);

	if (node == NULL)
		return hy__cfg_nomem(err);
	node->quoted = true;
	return hy_cfg_map_set(map, key, node, err);
}

static int set_copy(struct hy_cfg_node *map, const char *key, const struct hy_cfg_node *value,
		    struct hy_error *err)
{
	struct hy_cfg_node *copy;

	HY_TRY(hy_cfg_node_copy(value, &copy, err));
	return hy_cfg_map_set(map, key, copy, err);
}

static int set_null(struct hy_cfg_node *map, const char *key, struct hy_error *err)
{
	struct hy_cfg_node *node;

	if (hy_cfg_map_get(map, key) == NULL)
		return 0;
	node = hy_cfg_node_create(HY_CFG_NULL, NULL, hy_cfg_map_get(map, key));
	if (node == NULL)
		return hy__cfg_nomem(err);
	return hy_cfg_map_set(map, key, node, err);
}

/* ---- hygge.yml -------------------------------------------------------- */

static int load_project(struct loader *ld)
{
	struct hy_workspace *ws = ld->ws;
	struct hy_error *err = ld->err;
	struct hy_cfg_path path;
	const struct hy_cfg_node *conns, *options;
	const char *name = NULL, *flows_dir = NULL, *base;
	char *file = hy_asprintf("%s/hygge.yml", ws->root);
	int64_t concurrency = 0;
	bool coe = false;
	int rc;

	if (file == NULL)
		return hy__cfg_nomem(err);
	rc = hy_cfg_load_file(file, "hygge.yml", &ws->project, err);
	hy_free(file);
	HY_TRY(rc);
	if (ws->project->kind == HY_CFG_NULL) {
		ws->project->kind = HY_CFG_MAP;
	} else if (ws->project->kind != HY_CFG_MAP) {
		return HY_CFG_ERROR(err, ws->project, NULL, "expected a mapping, got %s",
				    hy_cfg_kind_name(ws->project->kind));
	}
	/* name and flows_dir are read before ${VAR} expansion (behaviour.md §2.1). */
	hy_cfg_path_init(&path, NULL);
	base = strrchr(ws->root, '/');
	base = (base != NULL && base[1] != '\0') ? base + 1 : ws->root;
	HY_TRY(hy_cfg_get_str(ws->project, "name", &path, base, &name, err));
	HY_TRY(hy_cfg_get_str(ws->project, "flows_dir", &path, "flows", &flows_dir, err));
	ws->name = hy_strdup(name);
	ws->flows_dir = hy_strdup(flows_dir);
	if (ws->name == NULL || ws->flows_dir == NULL)
		return hy__cfg_nomem(err);
	HY_TRY(hy_cfg_resolve_path(ws->root, ws->flows_dir, &ws->flows_path, err));
	HY_TRY(hy_cfg_expand_env(ws->project, ld->opts->getenv, ld->opts->getenv_user, err));
	HY_TRY(hy_cfg_options_read(ws->project, hy_cfg_project_options, NULL, &path, ld->rd.warn,
				   ld->rd.user, err));

	options = hy_cfg_map_get(ws->project, "options");
	hy_cfg_path_init(&path, "options");
	HY_TRY(hy_cfg_options_read(options, hy_cfg_project_opts_options, NULL, &path, ld->rd.warn,
				   ld->rd.user, err));
	HY_TRY(hy_cfg_get_int(options, "concurrency", &path, 0, 1, 1024, &concurrency, err));
	HY_TRY(hy_cfg_get_bool(options, "continue_on_error", &path, false, &coe, err));

	conns = hy_cfg_map_get(ws->project, "connections");
	if (conns != NULL && conns->kind != HY_CFG_NULL) {
		hy_cfg_path_init(&path, "connections");
		if (conns->kind != HY_CFG_MAP)
			return HY_CFG_ERROR(err, conns, &path, "expected a mapping, got %s",
					    hy_cfg_kind_name(conns->kind));
		ws->connections = hy_calloc(conns->count + 1, sizeof(*ws->connections));
		if (ws->connections == NULL)
			return hy__cfg_nomem(err);
		for (size_t i = 0; i < conns->count; i++) {
			size_t mark = hy_cfg_path_push(&path, conns->keys[i]->text);

			rc = hy_cfg_connection_read(conns->keys[i]->text, conns->items[i], &path,
						    &ld->rd, &ws->connections[i], err);
			hy_cfg_path_pop(&path, mark);
			if (rc != 0) {
				hy_error_prefix(err, "Failed to initialize connection pool '%s'",
						conns->keys[i]->text);
				return rc;
			}
			ws->nconnections++;
		}
	}
	hy_cfg_path_init(&path, "journal");
	HY_TRY(hy_cfg_journal_read(hy_cfg_map_get(ws->project, "journal"), &path, &ld->rd,
				   &ws->journal, err));

	/* Concurrency (behaviour.md §3.1, D5): the command line, hygge.yml, the
	 * largest pool (5 for a pool without pool_size), else 8. */
	ws->concurrency = ld->opts->concurrency > 0 ? ld->opts->concurrency : concurrency;
	if (ws->concurrency == 0 && ws->nconnections > 0)
		for (size_t i = 0; i < ws->nconnections; i++) {
			int64_t p =
				ws->connections[i].pool_size > 0 ? ws->connections[i].pool_size : 5;
			ws->concurrency = p > ws->concurrency ? p : ws->concurrency;
		}
	if (ws->concurrency == 0)
		ws->concurrency = 8;
	ws->continue_on_error =
		ld->opts->continue_on_error >= 0 ? ld->opts->continue_on_error != 0 : coe;
	return 0;
}

/* ---- stage 1: a flow directory ---------------------------------------- */

/* home/store: a string is {type: parquet, path: <string>}. */
static int normalise_side(struct hy_cfg_node *tree, const char *key, enum hy_cfg_role role,
			  bool *shorthand, struct hy_error *err)
{
	struct hy_cfg_node *node, *map;
	const struct hy_cfg_type *def;
	struct hy_cfg_path path;

	hy_cfg_path_init(&path, NULL);
	HY_TRY(hy_cfg_require(tree, key, &path, &node, err));
	hy_cfg_path_init(&path, key);
	*shorthand = node->kind == HY_CFG_STR;
	if (*shorthand) {
		map = hy_cfg_node_create(HY_CFG_MAP, NULL, node);
		if (map == NULL)
			return hy__cfg_nomem(err);
		if (set_str(map, "type", "parquet", node, err) != 0 ||
		    set_copy(map, "path", node, err) != 0) {
			hy_cfg_node_destroy(map);
			return err->code;
		}
		HY_TRY(hy_cfg_map_set(tree, key, map, err));
		return 0;
	}
	return hy_cfg_type_check(node, role, &path, &def, err);
}

static int push_entity(struct hy__ws_flow *fl, struct hy_cfg_node *node, struct hy_error *err)
{
	struct hy_cfg_node **grown;

	if (fl->nentities >= MAX_ENTITIES) {
		hy_cfg_node_destroy(node);
		return HY_CFG_FAIL(err, HY_ELIMIT, "more than %d entities in flow %s", MAX_ENTITIES,
				   fl->name);
	}
	grown = hy_realloc(fl->entities, (fl->nentities + 1) * sizeof(struct hy_cfg_node *));
	if (grown == NULL) {
		hy_cfg_node_destroy(node);
		return hy__cfg_nomem(err);
	}
	fl->entities = grown;
	fl->entities[fl->nentities++] = node;
	return 0;
}

/* A dict entity needs a string `name` (behaviour.md §2.4). */
static int check_entity_map(struct loader *ld, const struct hy__ws_flow *fl,
			    const struct hy_cfg_node *map, struct hy_cfg_path *path)
{
	const struct hy_cfg_node *name = hy_cfg_map_get(map, "name");

	if (name == NULL || name->kind == HY_CFG_NULL)
		return HY_CFG_ERROR(ld->err, map, path, "Entity in flow %s missing 'name' field",
				    fl->name);
	return hy_cfg_options_read(map, hy_cfg_entity_options, NULL, path, ld->rd.warn, ld->rd.user,
				   ld->err);
}

static const char *entity_name(const struct hy_cfg_node *entity);

/* The node that wrote an entity's name, for marks. */
static const struct hy_cfg_node *entity_name_node(const struct hy_cfg_node *entity)
{
	return entity->kind == HY_CFG_STR ? entity : hy_cfg_map_get(entity, "name");
}

/* Entity names become flow names, folder names and table names: each once
 * per flow, and never a path of its own ('/', '.', '..'). */
static int check_entity_names(struct loader *ld, const struct hy__ws_flow *fl)
{
	for (size_t i = 0; i < fl->nentities; i++) {
		const char *name = entity_name(fl->entities[i]);
		const struct hy_cfg_node *at = entity_name_node(fl->entities[i]);

		if (name == NULL)
			continue;
		if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			return HY_CFG_ERROR(
				ld->err, at, NULL,
				"entity name '%.200s' must not contain '/' or be '.' or "
				"'..'",
				name);
		for (size_t j = 0; j < i; j++) {
			char first[512];

			if (entity_name(fl->entities[j]) == NULL ||
			    strcmp(entity_name(fl->entities[j]), name) != 0)
				continue;
			hy_cfg_mark_format(entity_name_node(fl->entities[j]), first, sizeof(first));
			return HY_CFG_ERROR(ld->err, at, NULL,
					    "duplicate entity '%.200s', first defined at %s", name,
					    first);
		}
	}
	return 0;
}

static int inline_entities(struct loader *ld, struct hy__ws_flow *fl,
			   const struct hy_cfg_node *list)
{
	struct hy_cfg_path path;
	enum hy_cfg_kind first = HY_CFG_NULL;

	hy_cfg_path_init(&path, "entities");
	if (list->kind != HY_CFG_SEQ)
		return HY_CFG_ERROR(ld->err, list, &path, "expected a list, got %s",
				    hy_cfg_kind_name(list->kind));
	for (size_t i = 0; i < list->count; i++) {
		const struct hy_cfg_node *item = list->items[i];
		size_t mark = hy_cfg_path_push_index(&path, i);
		struct hy_cfg_node *copy;
		int rc = 0;

		if (item->kind != HY_CFG_STR && item->kind != HY_CFG_MAP)
			rc = HY_CFG_ERROR(ld->err, item, &path,
					  "Entity must be string or dict, got %s",
					  hy_cfg_kind_name(item->kind));
		else if (first != HY_CFG_NULL && item->kind != first)
			rc = HY_CFG_ERROR(
				ld->err, item, &path,
				"entities must be all strings or all mappings, not a mix");
		else if (item->kind == HY_CFG_MAP)
			rc = check_entity_map(ld, fl, item, &path);
		else if (item->text[0] == '\0')
			rc = HY_CFG_ERROR(ld->err, item, &path, "entity name must not be empty");
		hy_cfg_path_pop(&path, mark);
		HY_TRY(rc);
		first = item->kind;
		HY_TRY(hy_cfg_node_copy(item, &copy, ld->err));
		HY_TRY(push_entity(fl, copy, ld->err));
	}
	return 0;
}

/* Sorted *.yml names in `dir` (not *.yaml, behaviour.md §2.1). */
static int list_yml(const char *dir, char ***names, size_t *n, struct hy_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return hy_error_set_errno(err, HY_EIO, errno, "cannot read %s", dir);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] != '.' && len > 4 && strcmp(e->d_name + len - 4, ".yml") == 0)
			rc = push_name(names, n, e->d_name, err);
	}
	closedir(d);
	if (rc == 0 && *n > 1)
		qsort(*names, *n, sizeof(char *), cmp_str);
	return rc;
}

static int load_entity_file(struct loader *ld, struct hy__ws_flow *fl, const char *dir,
			    const char *file, const struct hy_cfg_node *defaults)
{
	struct hy_cfg_node *tree = NULL, *merged = NULL;
	struct hy_cfg_path path;
	char *full = hy_asprintf("%s/%s", dir, file);
	char *display = hy_asprintf("%s/%s/entities/%s", ld->ws->flows_dir, fl->name, file);
	int rc;

	hy_cfg_path_init(&path, NULL);
	if (full == NULL || display == NULL) {
		rc = hy__cfg_nomem(ld->err);
		goto out;
	}
	if ((rc = hy_cfg_load_file(full, display, &tree, ld->err)) != 0)
		goto out;
	if (tree->kind != HY_CFG_MAP) {
		rc = HY_CFG_ERROR(ld->err, tree, &path, "expected a mapping, got %s",
				  hy_cfg_kind_name(tree->kind));
		goto out;
	}
	if ((rc = hy_cfg_expand_env(tree, ld->opts->getenv, ld->opts->getenv_user, ld->err)) != 0)
		goto out;
	/* defaults first, the entity's own keys win (shallow). */
	if (defaults != NULL && defaults->kind == HY_CFG_MAP) {
		if ((rc = hy_cfg_node_copy(defaults, &merged, ld->err)) != 0)
			goto out;
		for (size_t i = 0; rc == 0 && i < tree->count; i++)
			rc = set_copy(merged, tree->keys[i]->text, tree->items[i], ld->err);
		if (rc != 0)
			goto out;
		hy_cfg_node_destroy(tree);
		tree = merged;
		merged = NULL;
	}
	if ((rc = check_entity_map(ld, fl, tree, &path)) != 0)
		goto out;
	rc = push_entity(fl, tree, ld->err);
	tree = NULL;
out:
	hy_cfg_node_destroy(tree);
	hy_cfg_node_destroy(merged);
	hy_free(full);
	hy_free(display);
	return rc;
}

static int file_entities(struct loader *ld, struct hy__ws_flow *fl, const char *dir,
			 const struct hy_cfg_node *defaults)
{
	char **names = NULL;
	size_t n = 0;
	int rc = list_yml(dir, &names, &n, ld->err);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = load_entity_file(ld, fl, dir, names[i], defaults);
	for (size_t i = 0; i < n; i++)
		hy_free(names[i]);
	hy_free(names);
	return rc;
}

static int load_flow_tree(struct loader *ld, struct hy__ws_flow *fl, const char *dir)
{
	struct hy_cfg_node *tree;
	struct hy_cfg_path path;
	struct hy_watermark_config wm;
	struct hy_journal_config jr;
	const struct hy_cfg_node *list, *defaults;
	char *file = hy_asprintf("%s/flow.yml", dir);
	char *display = hy_asprintf("%s/%s/flow.yml", ld->ws->flows_dir, fl->name);
	char *edir = hy_asprintf("%s/entities", dir);
	int rc;

	if (file == NULL || display == NULL || edir == NULL) {
		rc = hy__cfg_nomem(ld->err);
		goto out;
	}
	if ((rc = hy_cfg_load_file(file, display, &fl->tree, ld->err)) != 0)
		goto out;
	tree = fl->tree;
	hy_cfg_path_init(&path, NULL);
	if (tree->kind != HY_CFG_MAP) {
		rc = HY_CFG_ERROR(ld->err, tree, &path, "expected a mapping, got %s",
				  hy_cfg_kind_name(tree->kind));
		goto out;
	}
	if ((rc = hy_cfg_expand_env(tree, ld->opts->getenv, ld->opts->getenv_user, ld->err)) != 0)
		goto out;
	if ((rc = hy_cfg_options_read(tree, hy_cfg_flow_options, NULL, &path, ld->rd.warn,
				      ld->rd.user, ld->err)) != 0)
		goto out;
	if ((rc = normalise_side(tree, "home", HY_CFG_HOME, &fl->home_shorthand, ld->err)) != 0 ||
	    (rc = normalise_side(tree, "store", HY_CFG_STORE, &fl->store_shorthand, ld->err)) != 0)
		goto out;
	hy_cfg_path_init(&path, "watermark");
	if ((rc = hy_cfg_watermark_read(hy_cfg_map_get(tree, "watermark"), &path, &ld->rd, &wm,
					ld->err)) != 0)
		goto out;
	hy_cfg_path_init(&path, "journal");
	if ((rc = hy_cfg_journal_read(hy_cfg_map_get(tree, "journal"), &path, &ld->rd, &jr,
				      ld->err)) != 0)
		goto out;
	list = hy_cfg_map_get(tree, "entities");
	defaults = hy_cfg_map_get(tree, "defaults");
	if (is_dir(edir))
		rc = file_entities(ld, fl, edir, defaults);
	else if (list != NULL && list->kind != HY_CFG_NULL)
		rc = inline_entities(ld, fl, list);
	if (rc == 0)
		rc = check_entity_names(ld, fl);
	/* The templates copied per entity need neither. */
	if (rc == 0 && (rc = set_null(tree, "entities", ld->err)) == 0)
		rc = set_null(tree, "defaults", ld->err);
out:
	hy_free(file);
	hy_free(display);
	hy_free(edir);
	return rc;
}

static int load_flows(struct loader *ld)
{
	struct hy_workspace *ws = ld->ws;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (!is_dir(ws->flows_path))
		return HY_CFG_FAIL(ld->err, HY_ECONFIG, "Flows directory not found: %s",
				   ws->flows_path);
	if ((d = opendir(ws->flows_path)) == NULL)
		return hy_error_set_errno(ld->err, HY_EIO, errno, "cannot read %s", ws->flows_path);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char *flow_yml;

		if (e->d_name[0] == '.')
			continue;
		flow_yml = hy_asprintf("%s/%s/flow.yml", ws->flows_path, e->d_name);
		if (flow_yml == NULL)
			rc = hy__cfg_nomem(ld->err);
		else if (is_file(flow_yml))
			rc = n >= MAX_FLOWS ? HY_CFG_FAIL(ld->err, HY_ELIMIT, "more than %d flows",
							  MAX_FLOWS)
					    : push_name(&names, &n, e->d_name, ld->err);
		hy_free(flow_yml);
	}
	closedir(d);
	if (rc == 0 && n == 0)
		rc = HY_CFG_FAIL(ld->err, HY_ECONFIG, "No flows found in directory: %s",
				 ws->flows_path);
	if (rc == 0) {
		qsort(names, n, sizeof(char *), cmp_str);
		ws->templates = hy_calloc(n, sizeof(*ws->templates));
		if (ws->templates == NULL)
			rc = hy__cfg_nomem(ld->err);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct hy__ws_flow *fl = &ws->templates[ws->ntemplates++];
		char *dir = hy_asprintf("%s/%s", ws->flows_path, names[i]);

		fl->name = names[i];
		names[i] = NULL;
		rc = dir != NULL ? load_flow_tree(ld, fl, dir) : hy__cfg_nomem(ld->err);
		hy_free(dir);
		if (rc != 0) {
			if (rc != HY_ENOMEM)
				rc = ld->err->code = HY_ECONFIG;
			hy_error_prefix(ld->err, "Failed to load flow %s", fl->name);
		}
	}
	for (size_t i = 0; i < n; i++)
		hy_free(names[i]);
	hy_free(names);
	return rc;
}

/* ---- stage 2: one entity flow ----------------------------------------- */

static const char *entity_name(const struct hy_cfg_node *entity)
{
	if (entity == NULL)
		return NULL;
	if (entity->kind == HY_CFG_STR)
		return entity->text;
	return str_node(entity, "name") != NULL ? str_node(entity, "name")->text : NULL;
}

/* Lays a dict entity over the flow (behaviour.md §2.4). *home_path_set says
 * whether the entity gave home.path (then the entity is not appended). */
static int merge_entity(const struct hy__ws_flow *fl, struct hy_cfg_node *tree,
			const struct hy_cfg_node *entity, bool *home_path_set, struct hy_error *err)
{
	static const char *const replaced[] = {"run_type", "watermark", "journal", "timeout"};
	static const char *const to_store[] = {"if_exists", "batch_size", "parallel_workers",
					       "folder_deletion_wait_seconds"};
	struct hy_cfg_node *home = hy_cfg_map_get(tree, "home");
	struct hy_cfg_node *store = hy_cfg_map_get(tree, "store");
	const struct hy_cfg_node *eh = hy_cfg_map_get(entity, "home");
	const struct hy_cfg_node *es = hy_cfg_map_get(entity, "store");

	for (size_t i = 0; i < sizeof(replaced) / sizeof(replaced[0]); i++)
		if (hy_cfg_map_get(entity, replaced[i]) != NULL)
			HY_TRY(set_copy(tree, replaced[i], hy_cfg_map_get(entity, replaced[i]),
					err));
	if (!fl->home_shorthand && eh != NULL && eh->kind == HY_CFG_MAP) {
		for (size_t i = 0; i < eh->count; i++) {
			const char *key = eh->keys[i]->text;
			struct hy_cfg_node *fp = str_node(home, "path");

			if (strcmp(key, "path") == 0 && fp != NULL &&
			    eh->items[i]->kind == HY_CFG_STR) {
				char *joined = join_path(fp->text, eh->items[i]->text);
				int rc;

				if (joined == NULL)
					return hy__cfg_nomem(err);
				rc = set_str(home, "path", joined, eh->items[i], err);
				hy_free(joined);
				HY_TRY(rc);
			} else {
				HY_TRY(set_copy(home, key, eh->items[i], err));
			}
			if (strcmp(key, "path") == 0)
				*home_path_set = true;
		}
	}
	if (!fl->store_shorthand && es != NULL && es->kind == HY_CFG_MAP)
		for (size_t i = 0; i < es->count; i++)
			HY_TRY(set_copy(store, es->keys[i]->text, es->items[i], err));
	for (size_t i = 0; i < sizeof(to_store) / sizeof(to_store[0]); i++)
		if (hy_cfg_map_get(entity, to_store[i]) != NULL)
			HY_TRY(set_copy(store, to_store[i], hy_cfg_map_get(entity, to_store[i]),
					err));
	return 0;
}

static int append_entity_path(struct hy_cfg_node *map, const char *entity, struct hy_error *err)
{
	struct hy_cfg_node *node = str_node(map, "path");
	char *joined;
	int rc;

	if (node == NULL || node->text[0] == '\0')
		return 0;
	if ((joined = join_path(node->text, entity)) == NULL)
		return hy__cfg_nomem(err);
	rc = set_text(node, joined, err);
	hy_free(joined);
	return rc;
}

/* Open Mirroring paths always land under <mirror>/Files/LandingZone/ (D11, D13). */
static int mirror_path(struct hy_cfg_node *store, struct hy_cfg_path *path,
		       const struct hy_cfg_reader *rd, struct hy_error *err)
{
	const struct hy_cfg_node *mirror = str_node(store, "mirror_name");
	const struct hy_cfg_node *schema = str_node(store, "schema");
	struct hy_cfg_node *given = str_node(store, "path");
	char *text;
	int rc;

	if (schema == NULL)
		schema = str_node(store, "schema_name");
	if (mirror == NULL)
		return 0; /* the store read reports it */
	text = schema != NULL ? hy_asprintf("%s/Files/LandingZone/%s.schema/{entity}/",
					    mirror->text, schema->text)
			      : hy_asprintf("%s/Files/LandingZone/{entity}/", mirror->text);
	if (text == NULL)
		return hy__cfg_nomem(err);
	if (given != NULL && rd->warn != NULL) {
		struct hy_error msg = {0};
		size_t mark = hy_cfg_path_push(path, "path");

		(void)hy_cfg_error(&msg, given, path,
				   "ignored: Open Mirroring tables always land in %s", text);
		hy_cfg_path_pop(path, mark);
		rd->warn(rd->user, msg.msg);
	}
	rc = set_str(store, "path", text, given != NULL ? given : store, err);
	hy_free(text);
	return rc;
}

/* The entity must be a whole segment of an ADLS/OneLake path (§2.6). */
static int check_segment(const struct hy_cfg_node *store, struct hy_cfg_path *path,
			 const char *entity, struct hy_error *err)
{
	const struct hy_cfg_node *node = str_node(store, "path");
	size_t el = strlen(entity), mark;
	const char *p;
	int rc;

	if (node == NULL)
		return 0;
	for (p = strstr(node->text, entity); p != NULL; p = strstr(p + 1, entity))
		if ((p == node->text || p[-1] == '/') && (p[el] == '\0' || p[el] == '/'))
			return 0;
	mark = hy_cfg_path_push(path, "path");
	rc = HY_CFG_ERROR(err, node, path,
			  "Entity '%s' not found in base_path '%s'. Entity name must appear as a "
			  "path segment.",
			  entity, node->text);
	hy_cfg_path_pop(path, mark);
	return rc;
}

static int store_placeholders(struct hy_cfg_node *store, const struct hy_cfg_type *def,
			      const char *entity, bool is_entity, const char *flow_name,
			      const struct hy_cfg_reader *rd, struct hy_error *err)
{
	struct hy_cfg_path path;
	struct hy_cfg_node *fp;

	hy_cfg_path_init(&path, "store");
	switch (def->family) {
	case HY_FAM_FILE:
		if (is_entity)
			HY_TRY(append_entity_path(store, entity, err));
		break;
	case HY_FAM_DB:
	case HY_FAM_SQLITE: HY_TRY(substitute(store, "table", entity, err)); break;
	case HY_FAM_LAKE:
		if (strcmp(def->name, "open_mirroring") == 0) {
			HY_TRY(mirror_path(store, &path, rd, err));
		} else if (strcmp(def->name, "onelake") == 0 && str_node(store, "path") == NULL) {
			const struct hy_cfg_node *schema = str_node(store, "schema");
			char *text;
			int rc;

			if (schema == NULL)
				schema = str_node(store, "schema_name");
			text = schema != NULL
				       ? hy_asprintf("Files/%s.schema/{entity}/", schema->text)
				       : hy_strdup("Files/{entity}/");
			if (text == NULL)
				return hy__cfg_nomem(err);
			rc = set_str(store, "path", text, store, err);
			hy_free(text);
			HY_TRY(rc);
		}
		HY_TRY(substitute(store, "path", entity, err));
		if (is_entity && strcmp(def->name, "open_mirroring") != 0)
			HY_TRY(check_segment(store, &path, entity, err));
		break;
	}
	fp = str_node(store, "file_pattern");
	if (fp != NULL && strstr(fp->text, "{flow_name}") != NULL) {
		char *text = replace_all(fp->text, "{flow_name}", flow_name);
		int rc;

		if (text == NULL)
			return hy__cfg_nomem(err);
		rc = set_text(fp, text, err);
		hy_free(text);
		HY_TRY(rc);
	}
	return 0;
}

static int own(struct hy_entity_flow *ef, char *s, const char **slot, struct hy_error *err)
{
	char **grown;

	if (s == NULL)
		return hy__cfg_nomem(err);
	grown = hy_realloc(ef->owned, (ef->nowned + 1) * sizeof(char *));
	if (grown == NULL) {
		hy_free(s);
		return hy__cfg_nomem(err);
	}
	ef->owned = grown;
	ef->owned[ef->nowned++] = s;
	*slot = s;
	return 0;
}

static int resolve(struct hy_entity_flow *ef, const char *root, const char *path, const char **slot,
		   struct hy_error *err)
{
	char *abs = NULL;

	if (path == NULL)
		return 0;
	HY_TRY(hy_cfg_resolve_path(root, path, &abs, err));
	return own(ef, abs, slot, err);
}

/* A named connection must exist in hygge.yml. */
static int check_connection(const struct hy_workspace *ws, const struct hy_cfg_node *side,
			    const char *side_name, const char *name, struct hy_error *err)
{
	const char *names[65];
	size_t n = 0, mark;
	struct hy_cfg_path path;
	const char *near;
	int rc;

	if (name == NULL)
		return 0;
	for (size_t i = 0; i < ws->nconnections; i++) {
		if (strcmp(ws->connections[i].name, name) == 0)
			return 0;
		if (n < 64)
			names[n++] = ws->connections[i].name;
	}
	names[n] = NULL;
	near = hy_cfg_suggest(name, names);
	hy_cfg_path_init(&path, side_name);
	mark = hy_cfg_path_push(&path, "connection");
	rc = near != NULL ? HY_CFG_ERROR(err, hy_cfg_map_get(side, "connection"), &path,
					 "connection '%s' is not defined in hygge.yml "
					 "connections (did you mean '%s'?)",
					 name, near)
			  : HY_CFG_ERROR(err, hy_cfg_map_get(side, "connection"), &path,
					 "connection '%s' is not defined in hygge.yml connections",
					 name);
	hy_cfg_path_pop(&path, mark);
	return rc;
}

static int resolve_journal(const struct hy_workspace *ws, struct hy_entity_flow *ef,
			   struct hy_error *err)
{
	struct hy_cfg_path path;
	struct hy_journal_config *jr = &ef->journal;

	hy_cfg_path_init(&path, "journal");
	HY_TRY(hy_cfg_journal_read(hy_cfg_map_get(ef->tree, "journal"), &path, NULL, jr, err));
	if (!jr->present)
		*jr = ws->journal;
	if (!jr->present)
		return 0;
	if (jr->path != NULL)
		return resolve(ef, ws->root, jr->path, &jr->abs_path, err);
	if (jr->location == 0 && ef->store.def->family == HY_FAM_DB)
		return HY_CFG_ERROR(err, jr->node, &path,
				    "Journal location='store' requires store_path, but none "
				    "provided");
	if (jr->location == 1 && ef->home.def->family == HY_FAM_DB)
		return HY_CFG_ERROR(
			err, jr->node, &path,
			"Journal location='home' requires home_path, but none provided");
	return 0;
}

static int read_flow_keys(struct hy_entity_flow *ef, struct hy_error *err)
{
	struct hy_cfg_path path;
	const struct hy_cfg_node *fd;
	int run_type = 0;

	hy_cfg_path_init(&path, NULL);
	HY_TRY(hy_cfg_get_int(ef->tree, "queue_size", &path, 10, 1, 100, &ef->queue_size, err));
	HY_TRY(hy_cfg_get_int(ef->tree, "timeout", &path, 3600, 1, INT64_MAX, &ef->timeout, err));
	HY_TRY(hy_cfg_get_enum(ef->tree, "run_type", &path,
			       hy_cfg_option_find(hy_cfg_flow_options, "run_type")->values, 0,
			       &run_type, err));
	/* run_types[] lists full_drop first, incremental second. */
	ef->run_type = run_type == 1 ? HY_RUN_INCREMENTAL : HY_RUN_FULL_DROP;
	fd = hy_cfg_map_get(ef->tree, "full_drop");
	if (fd != NULL && fd->kind != HY_CFG_NULL) {
		bool b = false;

		HY_TRY(hy_cfg_get_bool(ef->tree, "full_drop", &path, false, &b, err));
		ef->run_type = b ? HY_RUN_FULL_DROP : HY_RUN_INCREMENTAL;
	}
	return 0;
}

static int build_flow(struct loader *ld, const struct hy__ws_flow *fl,
		      const struct hy_cfg_node *entity, struct hy_entity_flow *ef)
{
	struct hy_workspace *ws = ld->ws;
	struct hy_error *err = ld->err;
	const struct hy_cfg_node *vars = hy_cfg_map_get(ld->opts->vars, fl->name);
	const char *ename = entity_name(entity);
	const char *subst = ename != NULL ? ename : fl->name;
	struct hy_cfg_node *home, *store;
	const struct hy_cfg_type *hdef, *sdef;
	struct hy_cfg_path path;
	bool home_path_set = false;

	HY_TRY(hy_cfg_node_copy(fl->tree, &ef->tree, err));
	if (entity != NULL && entity->kind == HY_CFG_MAP)
		HY_TRY(merge_entity(fl, ef->tree, entity, &home_path_set, err));
	if (vars != NULL)
		HY_TRY(hy_cfg_merge(&ef->tree, vars, err));
	if (ef->tree->kind != HY_CFG_MAP)
		return HY_CFG_ERROR(err, ef->tree, NULL, "expected a mapping");
	if (ld->opts->run_type_override >= 0) {
		/* The command line beats the legacy full_drop: key (D17). */
		HY_TRY(set_str(ef->tree, "run_type",
			       ld->opts->run_type_override == HY_RUN_INCREMENTAL ? "incremental"
										 : "full_drop",
			       NULL, err));
		HY_TRY(set_null(ef->tree, "full_drop", err));
	}
	HY_TRY(read_flow_keys(ef, err));

	home = hy_cfg_map_get(ef->tree, "home");
	store = hy_cfg_map_get(ef->tree, "store");
	hy_cfg_path_init(&path, "home");
	HY_TRY(hy_cfg_type_check(home, HY_CFG_HOME, &path, &hdef, err));
	hy_cfg_path_init(&path, "store");
	HY_TRY(hy_cfg_type_check(store, HY_CFG_STORE, &path, &sdef, err));
	if (hdef->family == HY_FAM_FILE && ename != NULL && !home_path_set)
		HY_TRY(append_entity_path(home, ename, err));
	if (hdef->family == HY_FAM_DB) {
		HY_TRY(substitute(home, "table", subst, err));
		HY_TRY(substitute(home, "query", subst, err));
	}
	HY_TRY(store_placeholders(store, sdef, subst, ename != NULL, ef->name, &ld->rd, err));

	hy_cfg_path_init(&path, "home");
	HY_TRY(hy_cfg_home_read(home, &path, &ld->rd, &ef->home, err));
	hy_cfg_path_init(&path, "store");
	HY_TRY(hy_cfg_store_read(store, &path, &ld->rd, &ef->store, err));
	if (hdef->family == HY_FAM_DB)
		HY_TRY(check_connection(ws, home, "home", ef->home.u.db.connection, err));
	if (sdef->family == HY_FAM_DB)
		HY_TRY(check_connection(ws, store, "store", ef->store.u.db.connection, err));
	if (hdef->family == HY_FAM_FILE)
		HY_TRY(resolve(ef, ws->root, ef->home.u.file.path, &ef->home.u.file.abs_path, err));
	if (sdef->family == HY_FAM_FILE)
		HY_TRY(resolve(ef, ws->root, ef->store.u.file.path, &ef->store.u.file.abs_path,
			       err));
	if (sdef->family == HY_FAM_SQLITE)
		HY_TRY(resolve(ef, ws->root, ef->store.u.sqlite.path, &ef->store.u.sqlite.abs_path,
			       err));
	hy_cfg_path_init(&path, "watermark");
	HY_TRY(hy_cfg_watermark_read(hy_cfg_map_get(ef->tree, "watermark"), &path, NULL,
				     &ef->watermark, err));
	return resolve_journal(ws, ef, err);
}

static int add_flow(struct loader *ld, const struct hy__ws_flow *fl,
		    const struct hy_cfg_node *entity, size_t *cap)
{
	struct hy_workspace *ws = ld->ws;
	const char *ename = entity_name(entity);
	struct hy_entity_flow *ef;
	int rc;

	if (ws->nflows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct hy_entity_flow *grown = hy_realloc(ws->flows, ncap * sizeof(*grown));

		if (grown == NULL)
			return hy__cfg_nomem(ld->err);
		ws->flows = grown;
		*cap = ncap;
	}
	ef = &ws->flows[ws->nflows++];
	memset(ef, 0, sizeof(*ef));
	ef->base_flow = hy_strdup(fl->name);
	ef->entity = ename != NULL ? hy_strdup(ename) : NULL;
	ef->name = ename != NULL ? hy_asprintf("%s_%s", fl->name, ename) : hy_strdup(fl->name);
	if (ef->base_flow == NULL || ef->name == NULL || (ename != NULL && ef->entity == NULL))
		return hy__cfg_nomem(ld->err);
	rc = build_flow(ld, fl, entity, ef);
	if (rc != 0) {
		if (rc != HY_ENOMEM && rc != HY_ELIMIT)
			rc = ld->err->code = HY_ECONFIG;
		if (ename != NULL)
			hy_error_prefix(ld->err, "Failed to create entity '%s' in flow '%s'", ename,
					fl->name);
		else
			hy_error_prefix(ld->err, "Failed to create flow '%s'", fl->name);
	}
	return rc;
}

static bool wanted(const struct hy_workspace_options *opts, const char *base, const char *name)
{
	if (opts->nfilter == 0)
		return true;
	return in_list(opts->filter, opts->nfilter, base) ||
	       in_list(opts->filter, opts->nfilter, name);
}

static int join_names(char *buf, size_t size, const char *const *names, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);

		used += w > 0 ? (size_t)w : 0;
	}
	return 0;
}

static int no_match(struct loader *ld)
{
	struct hy_workspace *ws = ld->ws;
	char want[512], base[512], all[1024];

	(void)join_names(want, sizeof(want), ld->opts->filter, ld->opts->nfilter);
	(void)join_names(base, sizeof(base), (const char *const *)ws->base_names, ws->nbase);
	(void)join_names(all, sizeof(all), (const char *const *)ws->all_flow_names, ws->nall);
	return HY_CFG_FAIL(ld->err, HY_ECONFIG,
			   "No flows matched filter: %s. Available base flows: %s. Available "
			   "entity flows: %s.",
			   want, base, ws->nall ? all : "none");
}

static int create_flows(struct loader *ld)
{
	struct hy_workspace *ws = ld->ws;
	size_t cap = 0;

	for (size_t i = 0; i < ws->ntemplates; i++) {
		const struct hy__ws_flow *fl = &ws->templates[i];
		size_t n = fl->nentities ? fl->nentities : 1;

		HY_TRY(push_name(&ws->base_names, &ws->nbase, fl->name, ld->err));
		for (size_t j = 0; j < n; j++) {
			const struct hy_cfg_node *entity = fl->nentities ? fl->entities[j] : NULL;
			const char *ename = entity_name(entity);
			char *name = ename != NULL ? hy_asprintf("%s_%s", fl->name, ename)
						   : hy_strdup(fl->name);
			int rc;

			if (name == NULL)
				return hy__cfg_nomem(ld->err);
			rc = push_name(&ws->all_flow_names, &ws->nall, name, ld->err);
			if (rc == 0 && wanted(ld->opts, fl->name, name))
				rc = add_flow(ld, fl, entity, &cap);
			hy_free(name);
			HY_TRY(rc);
		}
	}
	if (ws->nall > 1)
		qsort(ws->all_flow_names, ws->nall, sizeof(char *), cmp_str);
	if (ld->opts->nfilter > 0 && ws->nflows == 0)
		return no_match(ld);
	return 0;
}

/* A --var for a flow that does not exist would silently do nothing. */
static void warn_unknown_vars(struct loader *ld)
{
	const struct hy_cfg_node *vars = ld->opts->vars;
	const char *names[257];
	size_t n = 0;

	if (vars == NULL || vars->kind != HY_CFG_MAP)
		return;
	for (size_t i = 0; i < ld->ws->ntemplates && n < 256; i++)
		names[n++] = ld->ws->templates[i].name;
	names[n] = NULL;
	for (size_t i = 0; i < vars->count; i++) {
		const char *flow = vars->keys[i]->text, *near;
		struct hy_error msg = {0};
		bool known = false;

		for (size_t j = 0; j < ld->ws->ntemplates; j++)
			known = known || strcmp(ld->ws->templates[j].name, flow) == 0;
		if (known)
			continue;
		near = hy_cfg_suggest(flow, names);
		if (near != NULL)
			(void)hy_cfg_error(
				&msg, vars->items[i], NULL,
				"no flow named '%.200s'; the override is ignored (did you "
				"mean '%s'?)",
				flow, near);
		else
			(void)hy_cfg_error(&msg, vars->items[i], NULL,
					   "no flow named '%.200s'; the override is ignored", flow);
		add_warning(ld->ws, msg.msg);
	}
}

/* ---- public ----------------------------------------------------------- */

int hy_workspace_load(const struct hy_workspace_options *opts, struct hy_workspace **out,
		      struct hy_error *err)
{
	struct loader ld = {.opts = opts, .err = err};
	char cwd[PATH_MAX];
	struct hy_workspace *ws = hy_calloc(1, sizeof(*ws));

	*out = ws;
	if (ws == NULL)
		return hy__cfg_nomem(err);
	ld.ws = ws;
	ld.rd.warn = add_warning;
	ld.rd.user = ws;
	if (opts->start_dir == NULL && getcwd(cwd, sizeof(cwd)) == NULL)
		return hy_error_set_errno(err, HY_EIO, errno, "cannot read the current directory");
	HY_TRY(hy_cfg_find_project(opts->start_dir != NULL ? opts->start_dir : cwd, &ws->root,
				   err));
	HY_TRY(load_project(&ld));
	HY_TRY(load_flows(&ld));
	warn_unknown_vars(&ld);
	return create_flows(&ld);
}

int hy_workspace_require_runtimes(const struct hy_workspace *ws, struct hy_error *err)
{
	for (size_t i = 0; i < ws->nflows; i++) {
		const struct hy_entity_flow *ef = &ws->flows[i];
		int rc = hy_cfg_type_require_runtime(ef->home.def, err);

		if (rc == 0)
			rc = hy_cfg_type_require_runtime(ef->store.def, err);
		if (rc != 0) {
			hy_error_prefix(err, "Failed to create flow '%s'", ef->name);
			return rc;
		}
	}
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hy_free(names[i]);
	hy_free(names);
}

void hy_workspace_destroy(struct hy_workspace *ws)
{
	if (ws == NULL)
		return;
	for (size_t i = 0; i < ws->nflows; i++) {
		struct hy_entity_flow *ef = &ws->flows[i];

		hy_free(ef->name);
		hy_free(ef->base_flow);
		hy_free(ef->entity);
		hy_cfg_node_destroy(ef->tree);
		free_names(ef->owned, ef->nowned);
	}
	hy_free(ws->flows);
	for (size_t i = 0; i < ws->ntemplates; i++) {
		struct hy__ws_flow *fl = &ws->templates[i];

		hy_free(fl->name);
		hy_cfg_node_destroy(fl->tree);
		for (size_t j = 0; j < fl->nentities; j++)
			hy_cfg_node_destroy(fl->entities[j]);
		hy_free(fl->entities);
	}
	hy_free(ws->templates);
	free_names(ws->base_names, ws->nbase);
	free_names(ws->all_flow_names, ws->nall);
	free_names(ws->warnings, ws->nwarnings);
	hy_free(ws->connections);
	hy_cfg_node_destroy(ws->project);
	hy_free(ws->root);
	hy_free(ws->name);
	hy_free(ws->flows_dir);
	hy_free(ws->flows_path);
	hy_free(ws);
}
