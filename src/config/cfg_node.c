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
		return hy_error_set(err, HY_ELIMIT, "more than %d entries in one collection",
				    HY_CFG_MAX_NODES);
	cap = node->cap == 0 ? 4 : node->cap * 2;
	items = hy_realloc(node->items, cap * sizeof(*items));
	if (items == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	node->items = items;
	if (node->kind == HY_CFG_MAP) {
		keys = hy_realloc(node->keys, cap * sizeof(*keys));
		if (keys == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory");
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
		return hy_error_set(err, HY_ENOMEM, "out of memory");
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
		return hy_error_set(err, HY_ENOMEM, "out of memory");
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
		rc = hy__cfg_node_grow(node, err);
		if (rc != 0)
			goto out;
		if (src->kind == HY_CFG_MAP) {
			rc = hy_cfg_node_copy(src->keys[i], &node->keys[node->count], err);
			if (rc != 0)
				goto out;
		}
		rc = hy_cfg_node_copy(src->items[i], &node->items[node->count], err);
		if (rc != 0) {
			if (src->kind == HY_CFG_MAP)
				hy_cfg_node_destroy(node->keys[node->count]);
			goto out;
		}
		node->count++;
	}
out:
	if (rc != 0) {
		hy_cfg_node_destroy(node);
		return rc;
	}
	*out = node;
	return 0;
}

static long find_key(const struct hy_cfg_node *map, const char *key)
{
	if (map == NULL || map->kind != HY_CFG_MAP)
		return -1;
	for (size_t i = 0; i < map->count; i++)
		if (strcmp(map->keys[i]->text, key) == 0)
			return (long)i;
	return -1;
}

struct hy_cfg_node *hy_cfg_map_get(const struct hy_cfg_node *map, const char *key)
{
	long i = find_key(map, key);

	return i < 0 ? NULL : map->items[i];
}

struct hy_cfg_node *hy_cfg_map_key(const struct hy_cfg_node *map, const char *key)
{
	long i = find_key(map, key);

	return i < 0 ? NULL : map->keys[i];
}

int hy_cfg_map_set(struct hy_cfg_node *map, const char *key, struct hy_cfg_node *value,
		   struct hy_error *err)
{
	long i = find_key(map, key);
	struct hy_cfg_node *knode;
	int rc;

	HY_ASSERT(map->kind == HY_CFG_MAP);
	if (i >= 0) {
		hy_cfg_node_destroy(map->items[i]);
		map->items[i] = value;
		return 0;
	}
	rc = hy__cfg_node_grow(map, err);
	if (rc != 0) {
		hy_cfg_node_destroy(value);
		return rc;
	}
	knode = hy_cfg_node_create(HY_CFG_STR, key, value);
	if (knode == NULL) {
		hy_cfg_node_destroy(value);
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	}
	map->keys[map->count] = knode;
	map->items[map->count++] = value;
	return 0;
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
	struct hy_cfg_node *copy;

	if (*dst != NULL && (*dst)->kind == HY_CFG_MAP && src->kind == HY_CFG_MAP) {
		for (size_t i = 0; i < src->count; i++) {
			long at = find_key(*dst, src->keys[i]->text);

			if (at >= 0) {
				HY_TRY(hy_cfg_merge(&(*dst)->items[at], src->items[i], err));
				continue;
			}
			HY_TRY(hy_cfg_node_copy(src->items[i], &copy, err));
			HY_TRY(hy_cfg_map_set(*dst, src->keys[i]->text, copy, err));
			/* The new key keeps the mark of the key that was merged in. */
			(*dst)->keys[(*dst)->count - 1]->line = src->keys[i]->line;
			(*dst)->keys[(*dst)->count - 1]->col = src->keys[i]->col;
		}
		return 0;
	}
	HY_TRY(hy_cfg_node_copy(src, &copy, err));
	hy_cfg_node_destroy(*dst);
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
