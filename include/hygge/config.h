/* Configuration layer: YAML as a tree of nodes that remember where they were
 * written, typed getters whose errors name file:line:col and the key path,
 * `${VAR:-default}` expansion, deep merge, project discovery and `--var`.
 *
 * The tree is read the way the reference's PyYAML safe loader reads it
 * (YAML 1.1 plain-scalar resolution; see docs/internals/config.md for the
 * table), except that duplicate keys and multi-document files are errors and
 * mapping keys are kept as text.
 *
 * Nodes are plain structs: later modules read the fields directly and change
 * trees only through the functions below. A tree is owned by whoever holds its
 * root and freed with hy_cfg_node_destroy(). Nothing here is thread-safe;
 * configuration is read on one thread before a run starts.
 */
#ifndef HYGGE_CONFIG_H
#define HYGGE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/status.h"

/* Caps on untrusted input (style.md "Memory"). */
#define HY_CFG_MAX_FILE_BYTES   (4u << 20)  /* one YAML file */
#define HY_CFG_MAX_DEPTH        64          /* nested mappings/sequences */
#define HY_CFG_MAX_NODES        200000      /* nodes of one tree, alias copies included */
#define HY_CFG_MAX_TEXT_BYTES   (32u << 20) /* scalar text of one tree, alias copies included */
#define HY_CFG_MAX_SCALAR_BYTES (1u << 20)  /* one scalar after ${VAR} expansion */
#define HY_CFG_PATH_MAX         256         /* a key path such as store.polish.columns.case */

enum hy_cfg_kind {
	HY_CFG_NULL = 0,
	HY_CFG_BOOL,
	HY_CFG_INT,
	HY_CFG_FLOAT,
	HY_CFG_STR,
	HY_CFG_TIMESTAMP, /* a YAML 1.1 date or date-time; `text` keeps what was written */
	HY_CFG_MAP,
	HY_CFG_SEQ,
};

/* The name of the file a node came from, shared by its nodes (refcounted). */
struct hy_cfg_file {
	unsigned refs;
	char name[];
};

struct hy_cfg_node {
	enum hy_cfg_kind kind;
	struct hy_cfg_file *file; /* NULL for nodes built in code */
	int line;                 /* 1-based; 0 when the node has no line (a --var value) */
	int col;                  /* 1-based, in characters */

	/* Scalars (every kind but MAP and SEQ): the text as written (after
	 * ${VAR} expansion), NUL-terminated, owned by the node. */
	char *text;
	size_t len;
	bool quoted;    /* written quoted or as a block scalar: always a string */
	bool expanded;  /* text changed by ${VAR} expansion */
	bool is_date;   /* TIMESTAMP without a time of day */
	bool int_range; /* INT: the value fits in int64 (`i` is valid) */
	union {
		bool b;    /* BOOL */
		int64_t i; /* INT, when int_range */
		double f;  /* FLOAT */
	} v;

	/* MAP: `count` pairs keys[i] -> items[i], in file order, keys are STR
	 * nodes (their marks point at the key). SEQ: `count` items. */
	size_t count;
	size_t cap;
	struct hy_cfg_node **keys;
	struct hy_cfg_node **items;
};

/* ---- Parsing ---------------------------------------------------------- */

/* Parses one YAML document from `data` (`len` bytes, no NUL needed). `file`
 * names the source in marks and messages (e.g. "flows/users/flow.yml"). An
 * empty document gives a NULL node at 1:1. On success *out is a new tree the
 * caller frees with hy_cfg_node_destroy(). Errors: HY_ECONFIG
 * ("file:line:col: ..."), HY_ELIMIT, HY_ENOMEM. */
int hy_cfg_parse(const char *data, size_t len, const char *file, struct hy_cfg_node **out,
		 struct hy_error *err) HY_WUR;

/* Reads and parses the file at `path`; `display` (or `path` when NULL) is the
 * name shown in marks. HY_EIO when the file cannot be read. */
int hy_cfg_load_file(const char *path, const char *display, struct hy_cfg_node **out,
		     struct hy_error *err) HY_WUR;

/* ---- Building and changing trees -------------------------------------- */

/* A new node of `kind` with the mark of `mark_from` (may be NULL). Scalars
 * take a copy of `text` (NULL means ""); the value fields are left for the
 * caller. NULL on allocation failure. */
struct hy_cfg_node *hy_cfg_node_create(enum hy_cfg_kind kind, const char *text,
				       const struct hy_cfg_node *mark_from);
/* Frees a node and everything under it. Accepts NULL. */
void hy_cfg_node_destroy(struct hy_cfg_node *node);
/* A deep copy that keeps every mark. */
int hy_cfg_node_copy(const struct hy_cfg_node *src, struct hy_cfg_node **out,
		     struct hy_error *err) HY_WUR;

/* Sets `key` in `map` to `value`, taking ownership of `value` (also on
 * failure). An existing key keeps its place and its old value is freed; a new
 * key is appended with the mark of `value`. */
int hy_cfg_map_set(struct hy_cfg_node *map, const char *key, struct hy_cfg_node *value,
		   struct hy_error *err) HY_WUR;
/* Appends `item` to a sequence, taking ownership (also on failure). */
int hy_cfg_seq_push(struct hy_cfg_node *seq, struct hy_cfg_node *item, struct hy_error *err) HY_WUR;

/* Deep merge (behaviour.md §2.8): when *dst and `src` are both mappings,
 * every key of `src` is merged into *dst recursively; otherwise *dst is
 * replaced by a copy of `src`. Marks travel with the values, so an error on a
 * merged value names the file that wrote it. */
int hy_cfg_merge(struct hy_cfg_node **dst, const struct hy_cfg_node *src,
		 struct hy_error *err) HY_WUR;

/* ---- Reading ---------------------------------------------------------- */

/* The value of `key` in `map`, or NULL when absent or `map` is not a mapping. */
struct hy_cfg_node *hy_cfg_map_get(const struct hy_cfg_node *map, const char *key);
/* The key node of `key` in `map` (for marks), or NULL. */
struct hy_cfg_node *hy_cfg_map_key(const struct hy_cfg_node *map, const char *key);
/* "a mapping", "a string", "an integer", ... for messages. */
const char *hy_cfg_kind_name(enum hy_cfg_kind kind);

/* The key path of the value being read, for messages: "store.polish.case",
 * "entities[2].name". Caller-owned, no allocation; a path longer than
 * HY_CFG_PATH_MAX is cut with "...". */
struct hy_cfg_path {
	char text[HY_CFG_PATH_MAX];
	size_t len;
};
void hy_cfg_path_init(struct hy_cfg_path *path, const char *root);
/* Push returns the length to hand back to hy_cfg_path_pop(). */
size_t hy_cfg_path_push(struct hy_cfg_path *path, const char *key);
size_t hy_cfg_path_push_index(struct hy_cfg_path *path, size_t index);
void hy_cfg_path_pop(struct hy_cfg_path *path, size_t len);

/* Records HY_ECONFIG with the house form "file:line:col: path: message"
 * (parts without a value are left out). Returns HY_ECONFIG. */
int hy_cfg_error(struct hy_error *err, const struct hy_cfg_node *at, const struct hy_cfg_path *path,
		 const char *fmt, ...) HY_PRINTF(4, 5);
/* Writes "file:line:col" (or "file", or "") of `node` into `buf`. */
void hy_cfg_mark_format(const struct hy_cfg_node *node, char *buf, size_t size);

/* Conversions of one node, with the reference's lax coercions (pydantic):
 * a string "42" is an integer, "yes"/"off"/"1"/"t"... a boolean, an integer
 * 0/1 a boolean, 3.0 an integer, an integer a float. Errors name the node's
 * mark and `path` (which may be NULL). */
int hy_cfg_to_int(const struct hy_cfg_node *node, const struct hy_cfg_path *path, int64_t min,
		  int64_t max, int64_t *out, struct hy_error *err) HY_WUR;
int hy_cfg_to_float(const struct hy_cfg_node *node, const struct hy_cfg_path *path, double *out,
		    struct hy_error *err) HY_WUR;
int hy_cfg_to_bool(const struct hy_cfg_node *node, const struct hy_cfg_path *path, bool *out,
		   struct hy_error *err) HY_WUR;
/* Strings and timestamps; *out borrows the node's text. */
int hy_cfg_to_str(const struct hy_cfg_node *node, const struct hy_cfg_path *path, const char **out,
		  struct hy_error *err) HY_WUR;
/* One of the NULL-terminated `values`, compared without case; *index is its
 * position. The error suggests the nearest value. */
int hy_cfg_to_enum(const struct hy_cfg_node *node, const struct hy_cfg_path *path,
		   const char *const *values, int *index, struct hy_error *err) HY_WUR;

/* Getters on a mapping: `key` absent or null -> the default; otherwise as
 * hy_cfg_to_*() with `path` extended by `key` in messages. `map` may be NULL
 * (everything absent). */
int hy_cfg_get_int(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		   int64_t def, int64_t min, int64_t max, int64_t *out,
		   struct hy_error *err) HY_WUR;
int hy_cfg_get_float(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		     double def, double *out, struct hy_error *err) HY_WUR;
int hy_cfg_get_bool(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		    bool def, bool *out, struct hy_error *err) HY_WUR;
int hy_cfg_get_str(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		   const char *def, const char **out, struct hy_error *err) HY_WUR;
int hy_cfg_get_enum(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		    const char *const *values, int def, int *index, struct hy_error *err) HY_WUR;
/* The value of a key that must be present and not null:
 * "file:line:col: path: 'key' is required" at the mapping otherwise. */
int hy_cfg_require(const struct hy_cfg_node *map, const char *key, const struct hy_cfg_path *path,
		   struct hy_cfg_node **out, struct hy_error *err) HY_WUR;

/* The candidate nearest to `word` (edit distance with transpositions,
 * ignoring case) when it is close enough to be a likely typo: at most 1 edit
 * for words up to 5 characters, 2 up to 8, 3 beyond, and fewer edits than
 * the word has characters. NULL otherwise. Ties go to the earlier candidate. */
const char *hy_cfg_suggest(const char *word, const char *const *candidates);

/* ---- Environment ------------------------------------------------------ */

/* Looks up an environment variable: its value, or NULL when unset. */
typedef const char *(*hy_cfg_getenv_fn)(const char *name, void *user);

/* Replaces `${NAME}` and `${NAME:-default}` in every string value under
 * `root` (keys are left alone) with `lookup` (getenv() when NULL). Unset
 * without default: "file:line:col: path: Environment variable 'NAME' is not
 * set and no default". Expanded values stay strings (see config.md). */
int hy_cfg_expand_env(struct hy_cfg_node *root, hy_cfg_getenv_fn lookup, void *user,
		      struct hy_error *err) HY_WUR;

/* ---- Project ---------------------------------------------------------- */

/* Walks up from `start_dir` (absolute or relative to the process CWD) to the
 * nearest directory holding `hygge.yml`. *root_out is that directory, an
 * absolute path without a trailing slash, freed by the caller with hy_free().
 * None: HY_ECONFIG (a configuration error, behaviour.md §2.14) with the
 * searched paths and a `hygge init` hint; a start directory that does not
 * exist: HY_ENOTFOUND. */
int hy_cfg_find_project(const char *start_dir, char **root_out, struct hy_error *err) HY_WUR;

/* `path` as seen from the project: absolute paths as they are, relative ones
 * joined onto `root` (decisions.md D18), "./" steps dropped. *out freed by
 * the caller with hy_free(). */
int hy_cfg_resolve_path(const char *root, const char *path, char **out,
			struct hy_error *err) HY_WUR;

/* ---- Command-line overrides ------------------------------------------- */

/* Adds one `--var flow.<flow>.<key>[.<key>...]=<value>` to *overrides, a
 * mapping base flow -> override tree created on first use (the caller frees
 * it). Values: true/1/yes and false/0/no (any case) are booleans, digits an
 * integer, digits with one dot a float, anything else a string
 * (behaviour.md §2.8). Errors (HY_ECONFIG) carry the reference's words
 * without the CLI's "Error: " in front. */
int hy_cfg_var_parse(struct hy_cfg_node **overrides, const char *arg, struct hy_error *err) HY_WUR;

#endif /* HYGGE_CONFIG_H */
