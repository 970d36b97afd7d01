/* Option tables (architecture.md §4, style.md "Options are tables").
 *
 * A home or store type describes its YAML keys once, as a NULL-terminated
 * array of `struct hy_option`; the same table drives reading the keys into
 * the type's config struct, validation (unknown key -> warning with a
 * suggestion, wrong kind or bound -> error with file:line:col), the
 * `--dry-run --verbose` listing and the generated reference in
 * docs/config.md.
 *
 *   struct parquet_store_cfg { const char *path; int64_t batch_size; int codec; };
 *   static const struct hy_option parquet_store_options[] = {
 *       HY_OPT_STR("path", struct parquet_store_cfg, path, NULL, HY_OPT_REQUIRED,
 *                  "Destination directory"),
 *       HY_OPT_INT("batch_size", struct parquet_store_cfg, batch_size, 100000, 1,
 *                  INT64_MAX, "Rows per file"),
 *       HY_OPT_ENUM("compression", struct parquet_store_cfg, codec, codecs, 0,
 *                   "Parquet codec"),
 *       {0},
 *   };
 */
#ifndef HYGGE_OPTION_H
#define HYGGE_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/config.h"
#include "hygge/status.h"

/* The C type each kind writes at its offset. */
enum hy_option_kind {
	HY_OPT_KIND_STR = 1, /* const char *, borrowed from the tree (or the default) */
	HY_OPT_KIND_INT,     /* int64_t */
	HY_OPT_KIND_FLOAT,   /* double */
	HY_OPT_KIND_BOOL,    /* bool */
	HY_OPT_KIND_ENUM,    /* int: index into `values` */
	HY_OPT_KIND_MAP,     /* const struct hy_cfg_node *: a mapping, or NULL when absent */
	HY_OPT_KIND_LIST,    /* const struct hy_cfg_node *: a sequence, or NULL */
	HY_OPT_KIND_ANY,     /* const struct hy_cfg_node *: any value, or NULL */
};

#define HY_OPT_REQUIRED  true
#define HY_OPT_OPTIONAL  false
#define HY_OPT_NO_OFFSET SIZE_MAX /* checked but not stored */

struct hy_option {
	const char *name; /* NULL ends a table */
	size_t offset;    /* in the caller's struct, or HY_OPT_NO_OFFSET */
	union {
		const char *s;
		int64_t i;
		double f;
		bool b;
		int e; /* ENUM: index */
	} def;
	int64_t min, max;          /* INT and FLOAT bounds, inclusive */
	const char *const *values; /* ENUM: NULL-terminated, lower case */
	const char *help;          /* one line for --dry-run and docs/config.md */
	enum hy_option_kind kind;
	bool required; /* absent or null is an error */
};

#define HY_OPT_STR(nm, type, field, dflt, req, hlp)                                                \
	{                                                                                          \
		.name = (nm), .kind = HY_OPT_KIND_STR, .offset = offsetof(type, field),            \
		.required = (req), .def.s = (dflt), .help = (hlp)                                  \
	}
#define HY_OPT_INT(nm, type, field, dflt, lo, hi, hlp)                                             \
	{                                                                                          \
		.name = (nm), .kind = HY_OPT_KIND_INT, .offset = offsetof(type, field),            \
		.def.i = (dflt), .min = (lo), .max = (hi), .help = (hlp)                           \
	}
#define HY_OPT_FLOAT(nm, type, field, dflt, lo, hi, hlp)                                           \
	{                                                                                          \
		.name = (nm), .kind = HY_OPT_KIND_FLOAT, .offset = offsetof(type, field),          \
		.def.f = (dflt), .min = (lo), .max = (hi), .help = (hlp)                           \
	}
#define HY_OPT_BOOL(nm, type, field, dflt, hlp)                                                    \
	{                                                                                          \
		.name = (nm), .kind = HY_OPT_KIND_BOOL, .offset = offsetof(type, field),           \
		.def.b = (dflt), .help = (hlp)                                                     \
	}
#define HY_OPT_ENUM(nm, type, field, vals, dflt, hlp)                                              \
	{                                                                                          \
		.name = (nm), .kind = HY_OPT_KIND_ENUM, .offset = offsetof(type, field),           \
		.def.e = (dflt), .values = (vals), .help = (hlp)                                   \
	}
#define HY_OPT_NODE(nm, knd, type, field, req, hlp)                                                \
	{                                                                                          \
		.name = (nm), .kind = (knd), .offset = offsetof(type, field), .required = (req),   \
		.help = (hlp)                                                                      \
	}

/* Receives one warning, already in the house form
 * ("flow.yml:5:3: store: unknown key 'compresion' is ignored (did you mean
 * 'compression'?)"). */
typedef void (*hy_cfg_warn_fn)(void *user, const char *message);

/* Reads the keys of `map` (NULL: all absent) described by `table` into the
 * struct at `out` (may be NULL to validate only): defaults for absent or
 * null keys, conversions and bounds as hy_cfg_get_*(). Keys not in the table
 * are reported to `warn` (may be NULL) and otherwise ignored, as the
 * reference ignores them (behaviour.md §2.10). `path` names `map` in
 * messages (may be NULL). Stops at the first error. Strings and nodes written
 * to `out` borrow from `map`'s tree and from the table. */
int hy_cfg_options_read(const struct hy_cfg_node *map, const struct hy_option *table, void *out,
			struct hy_cfg_path *path, hy_cfg_warn_fn warn, void *user,
			struct hy_error *err) HY_WUR;

/* The option called `name` in `table`, or NULL. */
const struct hy_option *hy_cfg_option_find(const struct hy_option *table, const char *name);

/* The default of `opt` as a user would write it ("100000", "snappy",
 * "false", "" when there is none) in `buf`. */
void hy_cfg_option_default_text(const struct hy_option *opt, char *buf, size_t size);

#endif /* HYGGE_OPTION_H */
