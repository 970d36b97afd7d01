/* Config nodes: lifetime, copies, mapping/sequence edits and deep merge. */
#include <string.h>

#include "cfg_int.h"
#include "hygge/alloc.h"

struct hy_cfg_file *hy__cfg_file_create(const char *name)
{
	size_t len = strlen(name);
	struct hy_cfg_file *file = hy_malloc(sizeof(*file) + len + 1);

	if (file == NULL)
		return NULL;
	file->refs = 1;
	memcpy(file->name, name, len + 1);
	return file;
}

struct hy_cfg_file *hy__cfg_file_ref(struct hy_cfg_file *file)
{
	if (file != NULL)
		file->refs++;
	return file;
}

void hy__cfg_file_unref(struct hy_cfg_file *file)
{
	if (file != NULL && --file->refs == 0)
		hy_free(file);
}

bool hy__cfg_eq_nocase(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

static bool is_scalar(enum hy_cfg_kind kind)
{
	return kind != HY_CFG_MAP && kind != HY_CFG_SEQ;
}

struct hy_cfg_node *hy_cfg_node_create(enum hy_cfg_kind kind, const char *text,
				       const struct hy_cfg_node *mark_from)
{
	struct hy_cfg_node *node = hy_calloc(1, sizeof(*node));

	if (node == NULL)
		return NULL;
	node->kind = kind;
	if (is_scalar(kind)) {
		node->text = hy_strdup(text != NULL ? text : "");
		if (node->text == NULL) {
			hy_free(node);
			return NULL;
		}
		node->len = strlen(node->text);
	}
	if (mark_from != NULL) {
		node->file = hy__cfg_file_ref(mark_from->file);
		node->line = mark_from->line;
		node->col = mark_from->col;
	}
	return node;
}

void hy_cfg_node_destroy(struct hy_cfg_node *node)
{
	if (node == NULL)
		return;
	for (size_t i = 0; i < node->count; i++) {
		if (node->keys != NULL)
			hy_cfg_node_destroy(node->keys[i]);
		hy_cfg_node_destroy(node->items[i]);
	}
	hy_free(node->keys);
	hy_free(node->items);
	hy_free(node->text);
	hy__cfg_file_unref(node->file);
	hy_free(node);
}

int hy__cfg_node_grow(struct hy_cfg_node *node, struct hy_error *err)
{
	size_t cap;
	struct hy_cfg_node **items, **keys;

	if (node->count < node->cap)
		return 0;
	if (node->cap >= HY_CFG_MAX_NODES)
		return HY_CFG_FAIL(err, HY_ELIMIT, "more than %d entries in one collection",
				   HY_CFG_MAX_NODES);
	cap = node->cap == 0 ? 4 : node->cap * 2;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	items = hy_realloc(node->items, cap * sizeof(*items));
	if (items == NULL)
		return hy__cfg_nomem(err);
	node->items = items;
	if (node->kind == HY_CFG_MAP) {
		/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
		keys = hy_realloc(node->keys, cap * sizeof(*keys));
		if (keys == NULL)
			return hy__cfg_nomem(err);
		node->keys = keys;
	}
	node->cap = cap;
	return 0;
}

int hy__cfg_node_set_text(struct hy_cfg_node *node, const char *text, size_t len,
			  struct hy_error *err)
{
	char *copy = hy_strndup(text, len);

	if (copy == NULL)
		return hy__cfg_nomem(err);
	hy_free(node->text);
	node->text = copy;
	node->len = len;
	return 0;
}

int hy_cfg_node_copy(const struct hy_cfg_node *src, struct hy_cfg_node **out, struct hy_error *err)
{
	struct hy_cfg_node *node;
	int rc = 0;

	*out = NULL;
	node = hy_calloc(1, sizeof(*node));
	if (node == NULL)
		return hy__cfg_nomem(err);
	*node = *src;
	node->text = NULL;
	node->keys = node->items = NULL;
	node->count = node->cap = 0;
	node->file = hy__cfg_file_ref(src->file);
	if (src->text != NULL) {
		rc = hy__cfg_node_set_text(node, src->text, src->len, err);
		if (rc != 0)
			goto out;
	}
	for (size_t i = 0; i < src->count; i++) {
		struct hy_cfg_node *key = NULL, *item = NULL;

		rc = hy__cfg_node_grow(node, err);
		if (rc == 0 && node->kind == HY_CFG_MAP)
			rc = hy_cfg_node_copy(src->keys[i], &key, err);
		if (rc == 0)
			rc = hy_cfg_node_copy(src->items[i], &item, err);
		if (rc != 0) {
			hy_cfg_node_destroy(key);
			goto out;
		}
		if (node->kind == HY_CFG_MAP)
			node->keys[node->count] = key;
		node->items[node->count++] = item;
	}
out:
	if (rc != 0) {
		hy_cfg_node_destroy(node);
		return rc;
	}
	*out = node;
	return 0;
}

/* Index of `key` in `map`, or -1 (also when `map` is not a mapping). */
static long find_key(const struct hy_cfg_node *map, const char *key)
{
	if (map == NULL || map->kind != HY_CFG_MAP)
		return -1;
	for (size_t i = 0; i < map->count; i++) {
		const char *text = map->keys[i]->text; /* never NULL for a key */

		if (text != NULL && strcmp(text, key) == 0)
			return (long)i;
	}
	return -1;
}

/* The value slot of `key`, or NULL. */
static struct hy_cfg_node **find_value(const struct hy_cfg_node *map, const char *key)
{
	long i = find_key(map, key);

	return (i < 0 || map->items == NULL) ? NULL : &map->items[i];
}

struct hy_cfg_node *hy_cfg_map_get(const struct hy_cfg_node *map, const char *key)
{
	struct hy_cfg_node **slot = find_value(map, key);

	return slot == NULL ? NULL : *slot;
}

struct hy_cfg_node *hy_cfg_map_key(const struct hy_cfg_node *map, const char *key)
{
	long i = find_key(map, key);

	return i < 0 ? NULL : map->keys[i];
}

/* Appends the pair (key, value) to `map`, owning both (also on failure). */
static int map_append(struct hy_cfg_node *map, struct hy_cfg_node *key, struct hy_cfg_node *value,
		      struct hy_error *err)
{
	int rc = hy__cfg_node_grow(map, err);

	if (rc != 0 || map->keys == NULL || map->items == NULL) {
		hy_cfg_node_destroy(key);
		hy_cfg_node_destroy(value);
		return rc != 0 ? rc : HY_CFG_FAIL(err, HY_ESTATE, "not a mapping");
	}
	map->keys[map->count] = key;
	map->items[map->count++] = value;
	return 0;
}

int hy_cfg_map_set(struct hy_cfg_node *map, const char *key, struct hy_cfg_node *value,
		   struct hy_error *err)
{
	struct hy_cfg_node **slot = find_value(map, key), *knode;

	HY_ASSERT(map->kind == HY_CFG_MAP);
	if (slot != NULL) {
		hy_cfg_node_destroy(*slot);
		*slot = value;
		return 0;
	}
	knode = hy_cfg_node_create(HY_CFG_STR, key, value);
	if (knode == NULL) {
		hy_cfg_node_destroy(value);
		return hy__cfg_nomem(err);
	}
	return map_append(map, knode, value, err);
}

int hy_cfg_seq_push(struct hy_cfg_node *seq, struct hy_cfg_node *item, struct hy_error *err)
{
	int rc;

	HY_ASSERT(seq->kind == HY_CFG_SEQ);
	rc = hy__cfg_node_grow(seq, err);
	if (rc != 0) {
		hy_cfg_node_destroy(item);
		return rc;
	}
	seq->items[seq->count++] = item;
	return 0;
}

int hy_cfg_merge(struct hy_cfg_node **dst, const struct hy_cfg_node *src, struct hy_error *err)
{
	struct hy_cfg_node *d = *dst, *copy, *key;

	if (d != NULL && d->kind == HY_CFG_MAP && src->kind == HY_CFG_MAP) {
		for (size_t i = 0; i < src->count; i++) {
			struct hy_cfg_node **slot = find_value(d, src->keys[i]->text), *child;
			int rc;

			if (slot != NULL) {
				child = *slot;
				rc = hy_cfg_merge(&child, src->items[i], err);
				*slot = child;
				if (rc != 0)
					return rc;
				continue;
			}
			/* A new key keeps the mark (and file) of the key merged in. */
			HY_TRY(hy_cfg_node_copy(src->keys[i], &key, err));
			rc = hy_cfg_node_copy(src->items[i], &copy, err);
			if (rc != 0) {
				hy_cfg_node_destroy(key);
				return rc;
			}
			HY_TRY(map_append(d, key, copy, err));
		}
		return 0;
	}
	HY_TRY(hy_cfg_node_copy(src, &copy, err));
	hy_cfg_node_destroy(d);
	*dst = copy;
	return 0;
}

const char *hy_cfg_kind_name(enum hy_cfg_kind kind)
{
	switch (kind) {
	case HY_CFG_NULL: return "null";
	case HY_CFG_BOOL: return "a boolean";
	case HY_CFG_INT: return "an integer";
	case HY_CFG_FLOAT: return "a number";
	case HY_CFG_STR: return "a string";
	case HY_CFG_TIMESTAMP: return "a date";
	case HY_CFG_MAP: return "a mapping";
	case HY_CFG_SEQ: return "a list";
	}
	return "a value";
}
