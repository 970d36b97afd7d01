/* The polisher: last-mile column rules a store applies to each batch just
 * before writing it (behaviour.md §2.12, §3.16; docs/internals/polish-watermark.md).
 *
 * Four steps, in this order:
 *   1. hash ids: a hex (string) or raw (binary) SHA-256 of source columns
 *      cast to text and joined with '|', placed first;
 *   2. column names: remove_special, remove_spaces, pascal/camel/snake,
 *      collisions suffixed _1, _2, ...;
 *   3. constants, appended;
 *   4. load timestamps (now_utc / now_local, datetime or string), appended.
 *
 * What a schema turns into (resolved hash sources, final names, the output
 * schema) is computed once per input schema and cached, so the warnings of
 * steps 1 and 2 are given once per flow, not once per batch. The output
 * shares the input's columns (no buffer is copied); only the added columns
 * are new. Unlike the reference, a failure is returned, never swallowed:
 * the flow fails instead of writing unpolished data (decisions in the doc).
 *
 * A polisher is used by one thread (the store's consumer) at a time.
 */
#ifndef HYGGE_POLISH_H
#define HYGGE_POLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/buffer.h"
#include "hygge/config.h"
#include "hygge/status.h"

/* Index values of `columns.case` (the option table's order); NONE = unset. */
enum hy_polish_case {
	HY_POLISH_CASE_NONE = -1,
	HY_POLISH_CASE_PASCAL = 0,
	HY_POLISH_CASE_CAMEL = 1,
	HY_POLISH_CASE_SNAKE = 2,
};

enum hy_polish_ts_source { HY_POLISH_NOW_UTC = 0, HY_POLISH_NOW_LOCAL = 1 };
enum hy_polish_ts_type { HY_POLISH_TS_DATETIME = 0, HY_POLISH_TS_STRING = 1 };

struct hy_polish_hash_rule {
	const char *name;
	const char **from_columns; /* owned array (hy_polish_config_reset), borrowed strings */
	size_t nfrom;
	bool hex; /* hex text (string column), else the 32 raw bytes (binary) */
};

struct hy_polish_constant {
	const char *name;
	/* A scalar: int (int32 when it fits, as Polars types a literal, else
	 * int64), float, bool, string, null, date or date-time. */
	const struct hy_cfg_node *value;
};

struct hy_polish_timestamp {
	const char *name;
	int source;         /* enum hy_polish_ts_source */
	int type;           /* enum hy_polish_ts_type */
	const char *format; /* strftime for type string, NULL = ISO-8601 */
};

/* The `polish:` section. Strings and nodes borrow from the configuration
 * tree it was read from; the arrays are owned and freed by
 * hy_polish_config_reset(). */
struct hy_polish_config {
	bool remove_special;
	bool remove_spaces;
	int name_case; /* enum hy_polish_case */
	struct hy_polish_hash_rule *hash_ids;
	size_t nhash;
	/* The legacy add_row_marker {enabled: true} is folded in here as a
	 * __rowMarker__ constant (unless one is configured). */
	struct hy_polish_constant *constants;
	size_t nconst;
	struct hy_polish_timestamp *timestamps;
	size_t nts;
	const struct hy_cfg_node *row_marker_value; /* the folded legacy value, or NULL */
	struct hy_cfg_node *row_marker_node;        /* owned: the built value node */
};

/* Reads a `polish:` mapping already validated by hy_cfg_polish_check() (NULL
 * or null: nothing to do). `path` names it in messages (may be NULL).
 * Release with hy_polish_config_reset(), also after a failure. */
int hy_polish_config_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			  struct hy_polish_config *out, struct hy_error *err) HY_WUR;
void hy_polish_config_reset(struct hy_polish_config *cfg);

/* Receives one warning text (hygge.polisher's words). */
typedef void (*hy_polish_warn_fn)(void *user, const char *message);

/* The load clock: the instant (UTC microseconds) and the local zone's
 * offset at that instant. Tests inject a fixed one. */
typedef void (*hy_polish_clock_fn)(void *user, int64_t *utc_micros, int *local_offset_seconds);

struct hy_polisher;

/* Checks the rules (constant values must be scalars) and keeps a pointer to
 * `cfg`, which must outlive the polisher. Free with hy_polish_destroy(). */
int hy_polish_create(struct hy_polisher **out, const struct hy_polish_config *cfg,
		     struct hy_error *err) HY_WUR;
void hy_polish_destroy(struct hy_polisher *p);
/* Replaces the real clock (hy_time_now_utc_micros and the TZ rules). */
void hy_polish_set_clock(struct hy_polisher *p, hy_polish_clock_fn clock, void *user);

/* Polishes `in` into *out (one reference for the caller; `in` keeps its
 * own). When no rule changes anything *out is `in` with a new reference.
 * Warnings (collisions, unresolved hash sources) go to `warn` (may be NULL)
 * the first time a schema is seen. The clock is read once per call: every
 * timestamp column of one batch holds the same instant. */
int hy_polish_apply(struct hy_polisher *p, struct hy_batch *in, struct hy_batch **out,
		    hy_polish_warn_fn warn, void *user, struct hy_error *err) HY_WUR;

/* ---- name rules, shared with stores that match key names (§3.15) ---- */

/* Words of a name: '_' and '-' become spaces, split before an upper-case
 * letter after a lower-case one and before Upper+lower after an upper-case
 * one ("XMLParser" -> "XML Parser"), then on white space. Appends the words
 * separated by single spaces to `out`. */
int hy_polish_words(const char *name, struct hy_buf *out, struct hy_error *err) HY_WUR;
/* One case rule on a whole name (pascal "XmlParser", camel "xmlParser",
 * snake "xml_parser"); a name without words is kept. Appends to `out`. */
int hy_polish_case_name(const char *name, int name_case, struct hy_buf *out,
			struct hy_error *err) HY_WUR;
/* Step 2 for one name: remove_special, remove_spaces, case; an empty result
 * gives `name` back. Appends to `out`. */
int hy_polish_column_name(const struct hy_polish_config *cfg, const char *name, struct hy_buf *out,
			  struct hy_error *err) HY_WUR;

#endif /* HYGGE_POLISH_H */
