/* YAML text -> config node tree, with libyaml's event parser.
 *
 * The builder keeps a stack of open collections. A completed node is handed
 * to its parent: a sequence appends it, a mapping takes it as the pending key
 * or as the value of that key. A mapping is checked when it closes: duplicate
 * keys are an error naming both places, and `<<` merge keys are flattened the
 * way PyYAML's SafeConstructor.flatten_mapping does (merged keys first, later
 * merge sources lose to earlier ones, explicit keys win).
 *
 * Anchors keep their own copy of the anchored node, so aliases and merges can
 * never point into a part of the tree that has been moved or freed. Copies
 * count against the node and text caps, which stops "billion laughs".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "cfg_int.h"
#include "hygge/alloc.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

struct frame {
	struct hy_cfg_node *node;
	struct hy_cfg_node *key; /* MAP: the key waiting for its value */
	char *anchor;            /* anchor of this collection, registered when it closes */
};

struct anchor {
	char *name;
	struct hy_cfg_node *node; /* a private copy; NULL while the collection is open */
};

struct builder {
	struct hy_cfg_file *file;
	struct frame stack[HY_CFG_MAX_DEPTH];
	int depth;
	struct anchor *anchors;
	size_t nanchors, anchors_cap;
	struct hy_cfg_node *root;
	size_t nodes, text_bytes;
	int documents;
	struct hy_error *err;
};

static int oom(struct builder *b)
{
	return hy__cfg_nomem(b->err);
}

static void set_mark(struct builder *b, struct hy_cfg_node *node, yaml_mark_t mark)
{
	node->file = hy__cfg_file_ref(b->file);
	node->line = (int)mark.line + 1;
	node->col = (int)mark.column + 1;
}

static int mark_error(struct builder *b, yaml_mark_t mark, int code, const char *what)
{
	return HY_CFG_FAIL(b->err, code, "%s:%zu:%zu: %s", b->file->name, mark.line + 1,
			   mark.column + 1, what);
}

static size_t tree_size(const struct hy_cfg_node *node, size_t *text)
{
	size_t n = 1;

	*text += node->len;
	for (size_t i = 0; i < node->count; i++) {
		if (node->keys != NULL)
			n += tree_size(node->keys[i], text);
		n += tree_size(node->items[i], text);
	}
	return n;
}

/* Counts `nodes` more nodes and `text` more bytes against the caps. */
static int charge(struct builder *b, const struct hy_cfg_node *at, size_t nodes, size_t text)
{
	b->nodes += nodes;
	b->text_bytes += text;
	if (b->nodes > HY_CFG_MAX_NODES)
		return HY_CFG_FAIL(b->err, HY_ELIMIT, "%s:%d:%d: more than %d nodes in one file",
				   b->file->name, at->line, at->col, HY_CFG_MAX_NODES);
	if (b->text_bytes > HY_CFG_MAX_TEXT_BYTES)
		return HY_CFG_FAIL(b->err, HY_ELIMIT,
				   "%s:%d:%d: more than %u bytes of text in one file",
				   b->file->name, at->line, at->col, HY_CFG_MAX_TEXT_BYTES);
	return 0;
}

static int copy_charged(struct builder *b, const struct hy_cfg_node *src, struct hy_cfg_node **out)
{
	size_t text = 0, nodes = tree_size(src, &text);

	*out = NULL;
	HY_TRY(charge(b, src, nodes, text));
	return hy_cfg_node_copy(src, out, b->err);
}

/* ---- anchors -------------------------------------------------------- */

static int anchor_add(struct builder *b, const char *name, const struct hy_cfg_node *node)
{
	struct anchor *a;

	if (b->nanchors == b->anchors_cap) {
		size_t cap = b->anchors_cap == 0 ? 8 : b->anchors_cap * 2;

		if (cap > HY_CFG_MAX_NODES)
			return HY_CFG_FAIL(b->err, HY_ELIMIT, "%s: too many anchors",
					   b->file->name);
		a = hy_realloc(b->anchors, cap * sizeof(*a));
		if (a == NULL)
			return oom(b);
		b->anchors = a;
		b->anchors_cap = cap;
	}
	a = &b->anchors[b->nanchors];
	a->node = NULL;
	a->name = hy_strdup(name);
	if (a->name == NULL)
		return oom(b);
	b->nanchors++;
	if (node != NULL)
		return copy_charged(b, node, &a->node);
	return 0;
}

/* Completes the most recent open anchor called `name`. */
static int anchor_complete(struct builder *b, const char *name, const struct hy_cfg_node *node)
{
	for (size_t i = b->nanchors; i-- > 0;)
		if (b->anchors[i].node == NULL && strcmp(b->anchors[i].name, name) == 0)
			return copy_charged(b, node, &b->anchors[i].node);
	return 0;
}

static int alias_resolve(struct builder *b, const yaml_event_t *ev, struct hy_cfg_node **out)
{
	const char *name = (const char *)ev->data.alias.anchor;
	char msg[256];

	*out = NULL;
	for (size_t i = b->nanchors; i-- > 0;) {
		if (strcmp(b->anchors[i].name, name) != 0)
			continue;
		if (b->anchors[i].node == NULL) {
			snprintf(msg, sizeof(msg),
				 "alias '%.100s' refers to a collection that contains it "
				 "(recursive aliases are not supported)",
				 name);
			return mark_error(b, ev->start_mark, HY_ECONFIG, msg);
		}
		return copy_charged(b, b->anchors[i].node, out);
	}
	snprintf(msg, sizeof(msg), "found undefined alias '%.100s'", name);
	return mark_error(b, ev->start_mark, HY_ECONFIG, msg);
}

/* ---- mapping checks and merges -------------------------------------- */

/* Open-addressing set of indices into an array of key nodes. */
struct keyset {
	size_t *slots;
	size_t mask;
	struct hy_cfg_node **keys;
};

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static int keyset_init(struct keyset *set, size_t n, struct hy_cfg_node **keys)
{
	size_t cap = 8;

	while (cap < 2 * n)
		cap *= 2;
	set->slots = hy_malloc(cap * sizeof(size_t));
	if (set->slots == NULL)
		return HY_ENOMEM;
	memset(set->slots, 0xff, cap * sizeof(size_t));
	set->mask = cap - 1;
	set->keys = keys;
	return 0;
}

/* Index of the key equal to keys[idx] already in the set, or inserts idx and
 * returns SIZE_MAX. */
static size_t keyset_put(struct keyset *set, size_t idx)
{
	const char *text = set->keys[idx]->text;
	size_t i = (size_t)hash_text(text) & set->mask;

	while (set->slots[i] != SIZE_MAX) {
		if (strcmp(set->keys[set->slots[i]]->text, text) == 0)
			return set->slots[i];
		i = (i + 1) & set->mask;
	}
	set->slots[i] = idx;
	return SIZE_MAX;
}

static bool is_merge_key(const struct hy_cfg_node *key)
{
	return !key->quoted && strcmp(key->text, "<<") == 0;
}

static int check_duplicates(struct builder *b, struct hy_cfg_node *map)
{
	struct keyset set;
	int rc = 0;

	if (keyset_init(&set, map->count, map->keys) != 0)
		return oom(b);
	for (size_t i = 0; i < map->count && rc == 0; i++) {
		size_t first;

		if (is_merge_key(map->keys[i]))
			continue;
		first = keyset_put(&set, i);
		if (first != SIZE_MAX)
			rc = HY_CFG_FAIL(b->err, HY_ECONFIG,
					 "%s:%d:%d: duplicate key '%s', first defined at %s:%d:%d",
					 b->file->name, map->keys[i]->line, map->keys[i]->col,
					 map->keys[i]->text, b->file->name, map->keys[first]->line,
					 map->keys[first]->col);
	}
	hy_free(set.slots);
	return rc;
}

/* Moves the pairs of the mapping `src` to the end of (keys, items). */
static void take_pairs(struct hy_cfg_node *src, struct hy_cfg_node **keys,
		       struct hy_cfg_node **items, size_t *n)
{
	for (size_t i = 0; i < src->count; i++) {
		keys[*n] = src->keys[i];
		items[(*n)++] = src->items[i];
	}
	src->count = 0;
}

static size_t merge_pair_count(const struct hy_cfg_node *map)
{
	size_t n = 0;

	for (size_t i = 0; i < map->count; i++) {
		const struct hy_cfg_node *v = map->items[i];

		if (!is_merge_key(map->keys[i]))
			n++;
		else if (v->kind == HY_CFG_MAP)
			n += v->count;
		else
			for (size_t j = 0; j < v->count; j++)
				n += v->items[j]->count;
	}
	return n;
}

static int check_merge_sources(struct builder *b, const struct hy_cfg_node *map)
{
	for (size_t i = 0; i < map->count; i++) {
		const struct hy_cfg_node *v = map->items[i];
		bool ok = v->kind == HY_CFG_MAP;

		if (!is_merge_key(map->keys[i]))
			continue;
		if (v->kind == HY_CFG_SEQ) {
			ok = true;
			for (size_t j = 0; j < v->count; j++)
				ok = ok && v->items[j]->kind == HY_CFG_MAP;
		}
		if (!ok)
			return HY_CFG_FAIL(b->err, HY_ECONFIG,
					   "%s:%d:%d: expected a mapping or list of mappings for "
					   "merging, but found %s",
					   b->file->name, v->line, v->col,
					   hy_cfg_kind_name(v->kind));
	}
	return 0;
}

/* PyYAML order: the merge sources (a list's mappings in reverse), then the
 * explicit pairs; a later pair replaces the value of an earlier equal key,
 * which keeps its place. */
static int flatten_merges(struct builder *b, struct hy_cfg_node *map)
{
	size_t total = merge_pair_count(map), n = 0, out = 0;
	struct hy_cfg_node **keys = NULL, **items = NULL;
	struct keyset set = {0};
	int rc = 0;

	HY_TRY(check_merge_sources(b, map));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): arrays of pointers */
	keys = hy_malloc((total + 1) * sizeof(*keys));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	items = hy_malloc((total + 1) * sizeof(*items));
	if (keys == NULL || items == NULL || keyset_init(&set, total, keys) != 0) {
		rc = oom(b);
		goto out;
	}
	for (size_t i = 0; i < map->count; i++) {
		struct hy_cfg_node *v = map->items[i];

		if (!is_merge_key(map->keys[i]))
			continue;
		if (v->kind == HY_CFG_MAP)
			take_pairs(v, keys, items, &n);
		else
			for (size_t j = v->count; j-- > 0;)
				take_pairs(v->items[j], keys, items, &n);
	}
	for (size_t i = 0; i < map->count; i++) {
		if (is_merge_key(map->keys[i])) {
			hy_cfg_node_destroy(map->keys[i]);
			hy_cfg_node_destroy(map->items[i]);
		} else {
			keys[n] = map->keys[i];
			items[n++] = map->items[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t first;

		keys[out] = keys[i];
		items[out] = items[i];
		first = keyset_put(&set, out);
		if (first == SIZE_MAX) {
			out++;
			continue;
		}
		hy_cfg_node_destroy(items[first]);
		items[first] = items[out];
		hy_cfg_node_destroy(keys[out]);
	}
	hy_free(map->keys);
	hy_free(map->items);
	map->keys = keys;
	map->items = items;
	map->count = map->cap = out;
	keys = items = NULL;
out:
	hy_free(keys);
	hy_free(items);
	hy_free(set.slots);
	return rc;
}

static int close_mapping(struct builder *b, struct hy_cfg_node *map)
{
	bool merges = false;

	HY_TRY(check_duplicates(b, map));
	for (size_t i = 0; i < map->count; i++)
		merges = merges || is_merge_key(map->keys[i]);
	return merges ? flatten_merges(b, map) : 0;
}

/* ---- events --------------------------------------------------------- */

/* Hands a completed node to its parent (or makes it the root); owns `node`. */
static int attach(struct builder *b, struct hy_cfg_node *node)
{
	struct frame *top;
	int rc;

	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	top = &b->stack[b->depth - 1];
	if (top->node->kind == HY_CFG_SEQ)
		return hy_cfg_seq_push(top->node, node, b->err);
	if (top->key == NULL) {
		if (node->kind == HY_CFG_MAP || node->kind == HY_CFG_SEQ) {
			rc = HY_CFG_FAIL(b->err, HY_ECONFIG,
					 "%s:%d:%d: a mapping key must be a scalar, not %s",
					 b->file->name, node->line, node->col,
					 hy_cfg_kind_name(node->kind));
			hy_cfg_node_destroy(node);
			return rc;
		}
		/* Keys stay text: `1:` and `yes:` are the keys "1" and "yes". */
		node->kind = HY_CFG_STR;
		top->key = node;
		return 0;
	}
	rc = hy__cfg_node_grow(top->node, b->err);
	if (rc != 0) {
		hy_cfg_node_destroy(node);
		return rc;
	}
	top->node->keys[top->node->count] = top->key;
	top->node->items[top->node->count++] = node;
	top->key = NULL;
	return 0;
}

static bool expecting_key(const struct builder *b)
{
	return b->depth > 0 && b->stack[b->depth - 1].node->kind == HY_CFG_MAP &&
	       b->stack[b->depth - 1].key == NULL;
}

static int unknown_tag(struct builder *b, const yaml_event_t *ev, const char *tag)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "could not determine a constructor for the tag '%.120s'", tag);
	return mark_error(b, ev->start_mark, HY_ECONFIG, msg);
}

/* An explicit !!int, !!float, !!bool, !!null, !!timestamp or !!str. */
static int tagged_scalar(struct builder *b, const yaml_event_t *ev, const char *tag,
			 struct hy_cfg_node *node)
{
	const char *name = tag + strlen(TAG_PREFIX);
	char msg[200];
	int rc;

	node->quoted = true; /* not resolved by its look */
	if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0)
		return unknown_tag(b, ev, tag);
	if (strcmp(name, "str") == 0)
		return 0;
	if (strcmp(name, "null") == 0) {
		node->kind = HY_CFG_NULL;
		return 0;
	}
	if (strcmp(name, "int") != 0 && strcmp(name, "float") != 0 && strcmp(name, "bool") != 0 &&
	    strcmp(name, "timestamp") != 0)
		return unknown_tag(b, ev, tag);
	rc = hy__cfg_resolve_plain(node, false, b->err);
	if (rc != 0)
		return rc;
	if (strcmp(name, "float") == 0 && node->kind == HY_CFG_INT && node->int_range) {
		node->kind = HY_CFG_FLOAT;
		node->v.f = (double)node->v.i;
	}
	if (node->kind == (strcmp(name, "int") == 0     ? HY_CFG_INT
			   : strcmp(name, "float") == 0 ? HY_CFG_FLOAT
			   : strcmp(name, "bool") == 0  ? HY_CFG_BOOL
							: HY_CFG_TIMESTAMP))
		return 0;
	snprintf(msg, sizeof(msg), "'%.100s' is not a valid !!%s", node->text, name);
	return mark_error(b, ev->start_mark, HY_ECONFIG, msg);
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	bool key = expecting_key(b);
	struct hy_cfg_node *node;
	int rc;

	if (memchr(text, '\0', len) != NULL)
		return mark_error(b, ev->start_mark, HY_ECONFIG,
				  "a NUL character in a value is not supported");
	node = hy_calloc(1, sizeof(*node));
	if (node == NULL)
		return oom(b);
	set_mark(b, node, ev->start_mark);
	node->kind = HY_CFG_STR;
	rc = charge(b, node, 1, len);
	if (rc == 0)
		rc = hy__cfg_node_set_text(node, text, len, b->err);
	if (rc != 0)
		goto out;
	if (tag != NULL && strcmp(tag, "!") != 0) {
		rc = key ? 0 : tagged_scalar(b, ev, tag, node);
		node->quoted = true;
	} else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		rc = hy__cfg_resolve_plain(node, key, b->err);
	} else {
		node->quoted = true;
	}
	if (rc == 0 && ev->data.scalar.anchor != NULL)
		rc = anchor_add(b, (const char *)ev->data.scalar.anchor, node);
out:
	if (rc != 0) {
		hy_cfg_node_destroy(node);
		return rc;
	}
	return attach(b, node);
}

static int on_collection_start(struct builder *b, const yaml_event_t *ev, bool map)
{
	const char *tag =
		(const char *)(map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag);
	const char *anchor = (const char *)(map ? ev->data.mapping_start.anchor
						: ev->data.sequence_start.anchor);
	struct frame *f;
	struct hy_cfg_node *node;

	if (tag != NULL && strcmp(tag, "!") != 0 &&
	    strcmp(tag, map ? TAG_PREFIX "map" : TAG_PREFIX "seq") != 0)
		return unknown_tag(b, ev, tag);
	if (b->depth == HY_CFG_MAX_DEPTH) {
		char msg[64];

		snprintf(msg, sizeof(msg), "nested deeper than %d levels", HY_CFG_MAX_DEPTH);
		return mark_error(b, ev->start_mark, HY_ELIMIT, msg);
	}
	node = hy_calloc(1, sizeof(*node));
	if (node == NULL)
		return oom(b);
	node->kind = map ? HY_CFG_MAP : HY_CFG_SEQ;
	set_mark(b, node, ev->start_mark);
	f = &b->stack[b->depth++];
	f->node = node;
	f->key = NULL;
	f->anchor = NULL;
	HY_TRY(charge(b, node, 1, 0));
	if (anchor != NULL) {
		f->anchor = hy_strdup(anchor);
		if (f->anchor == NULL)
			return oom(b);
		HY_TRY(anchor_add(b, anchor, NULL));
	}
	return 0;
}

static int on_collection_end(struct builder *b)
{
	struct frame *f;
	struct hy_cfg_node *node;
	int rc = 0;

	if (b->depth == 0) /* libyaml balances its events; never trust that blindly */
		return HY_CFG_FAIL(b->err, HY_ESTATE, "%s: unbalanced YAML events", b->file->name);
	f = &b->stack[b->depth - 1];
	node = f->node;

	if (node->kind == HY_CFG_MAP)
		rc = close_mapping(b, node);
	if (rc == 0 && f->anchor != NULL)
		rc = anchor_complete(b, f->anchor, node);
	hy_free(f->anchor);
	f->anchor = NULL;
	b->depth--;
	if (rc != 0) {
		hy_cfg_node_destroy(node);
		return rc;
	}
	return attach(b, node);
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	struct hy_cfg_node *node;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return mark_error(b, ev->start_mark, HY_ECONFIG,
					  "expected a single document in the stream, but found "
					  "another document");
		return 0;
	case YAML_SCALAR_EVENT: return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT: return on_collection_start(b, ev, false);
	case YAML_MAPPING_START_EVENT: return on_collection_start(b, ev, true);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: return on_collection_end(b);
	case YAML_ALIAS_EVENT:
		HY_TRY(alias_resolve(b, ev, &node));
		if (expecting_key(b) && node->kind != HY_CFG_MAP && node->kind != HY_CFG_SEQ)
			node->kind = HY_CFG_STR;
		return attach(b, node);
	default: return 0;
	}
}

static int parser_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem != NULL ? p->problem : "invalid YAML";

	switch (p->error) {
	case YAML_MEMORY_ERROR: return oom(b);
	case YAML_READER_ERROR:
		return HY_CFG_FAIL(b->err, HY_ECONFIG, "%s: %s at byte %zu", b->file->name, problem,
				   p->problem_offset);
	default:
		if (p->context != NULL)
			return HY_CFG_FAIL(b->err, HY_ECONFIG,
					   "%s:%zu:%zu: %s (%s at line %zu, column %zu)",
					   b->file->name, p->problem_mark.line + 1,
					   p->problem_mark.column + 1, problem, p->context,
					   p->context_mark.line + 1, p->context_mark.column + 1);
		return HY_CFG_FAIL(b->err, HY_ECONFIG, "%s:%zu:%zu: %s", b->file->name,
				   p->problem_mark.line + 1, p->problem_mark.column + 1, problem);
	}
}

static void builder_release(struct builder *b)
{
	for (int i = 0; i < b->depth; i++) {
		hy_cfg_node_destroy(b->stack[i].key);
		hy_cfg_node_destroy(b->stack[i].node);
		hy_free(b->stack[i].anchor);
	}
	for (size_t i = 0; i < b->nanchors; i++) {
		hy_free(b->anchors[i].name);
		hy_cfg_node_destroy(b->anchors[i].node);
	}
	hy_free(b->anchors);
	hy__cfg_file_unref(b->file);
}

int hy_cfg_parse(const char *data, size_t len, const char *file, struct hy_cfg_node **out,
		 struct hy_error *err)
{
	struct builder b = {.err = err};
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false, have_parser = false;
	int rc = 0;

	*out = NULL;
	b.file = hy__cfg_file_create(file != NULL ? file : "<string>");
	if (b.file == NULL)
		return hy__cfg_nomem(err);
	if (len > HY_CFG_MAX_FILE_BYTES) {
		rc = HY_CFG_FAIL(err, HY_ELIMIT, "%s: larger than the limit of %u bytes",
				 b.file->name, HY_CFG_MAX_FILE_BYTES);
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		rc = oom(&b);
		goto out;
	}
	have_parser = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = parser_error(&b, &parser);
			break;
		}
		rc = on_event(&b, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	if (rc == 0 && b.root == NULL) {
		b.root = hy_calloc(1, sizeof(*b.root));
		if (b.root == NULL) {
			rc = oom(&b);
			goto out;
		}
		b.root->kind = HY_CFG_NULL;
		b.root->file = hy__cfg_file_ref(b.file);
		b.root->line = b.root->col = 1;
		rc = hy__cfg_node_set_text(b.root, "", 0, err);
	}
out:
	if (have_parser)
		yaml_parser_delete(&parser);
	if (rc != 0) {
		hy_cfg_node_destroy(b.root);
		b.root = NULL;
	}
	*out = b.root;
	builder_release(&b);
	return rc;
}

int hy_cfg_load_file(const char *path, const char *display, struct hy_cfg_node **out,
		     struct hy_error *err)
{
	FILE *f;
	struct stat st;
	char *data = NULL;
	size_t got;
	int rc = 0;

	*out = NULL;
	if (display == NULL)
		display = path;
	f = fopen(path, "rb");
	if (f == NULL)
		return hy_error_set_errno(err, HY_EIO, errno, "%s: cannot open", display);
	if (fstat(fileno(f), &st) != 0) {
		rc = hy_error_set_errno(err, HY_EIO, errno, "%s: cannot read", display);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = HY_CFG_FAIL(err, HY_EIO, "%s: is a directory", display);
		goto out;
	}
	if ((unsigned long long)st.st_size > HY_CFG_MAX_FILE_BYTES) {
		rc = HY_CFG_FAIL(err, HY_ELIMIT, "%s: larger than the limit of %u bytes", display,
				 HY_CFG_MAX_FILE_BYTES);
		goto out;
	}
	data = hy_malloc((size_t)st.st_size + 1);
	if (data == NULL) {
		rc = hy__cfg_nomem(err);
		goto out;
	}
	got = fread(data, 1, (size_t)st.st_size + 1, f);
	if (ferror(f) || got > (size_t)st.st_size) {
		rc = HY_CFG_FAIL(err, HY_EIO, "%s: cannot read (changed while reading?)", display);
		goto out;
	}
	rc = hy_cfg_parse(data, got, display, out, err);
out:
	hy_free(data);
	fclose(f);
	return rc;
}
