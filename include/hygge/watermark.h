/* Watermarks for incremental loads (behaviour.md §3.17, decisions.md D22 and
 * "Incremental boundary"; docs/internals/polish-watermark.md).
 *
 *   tracker   the running maximum of the watermark column over the batches
 *             a store wrote successfully, serialised for the journal;
 *   filter    `col > last` for homes that cannot push the predicate down
 *             (file homes filter the rows after reading them);
 *   lookback  the last value moved back by a duration or a count;
 *   dedup     the rows a lookback reads twice, kept once per primary key.
 *
 * Each object is used by one thread at a time (the flow's consumer or
 * producer). Values borrow nothing from the batches they saw.
 */
#ifndef HYGGE_WATERMARK_H
#define HYGGE_WATERMARK_H

#include <stdbool.h>
#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/cfgtypes.h"
#include "hygge/status.h"

/* The journal's watermark_type. Append-only. */
enum hy_watermark_tag {
	HY_WM_NONE = 0,
	HY_WM_DATETIME, /* "datetime": timestamps, naive or zoned */
	HY_WM_INT,      /* "int": signed and unsigned integers */
	HY_WM_STRING,   /* "string" */
	HY_WM_DATE,     /* "date" (D22) */
};

/* "datetime", "int", "string", "date"; NULL for HY_WM_NONE. */
const char *hy_watermark_tag_name(enum hy_watermark_tag tag);
/* The tag of a column type, HY_WM_NONE when it cannot be a watermark. */
enum hy_watermark_tag hy_watermark_tag_of(const struct hy_dtype *type);

/* Receives one warning text. */
typedef void (*hy_watermark_warn_fn)(void *user, const char *message);

/* ---- tracker ---------------------------------------------------------- */

struct hy_watermark_tracker;

/* Keeps a pointer to `cfg` (its strings must outlive the tracker). Free with
 * hy_watermark_tracker_destroy(). */
int hy_watermark_tracker_create(struct hy_watermark_tracker **out,
				const struct hy_watermark_config *cfg, struct hy_error *err) HY_WUR;
void hy_watermark_tracker_destroy(struct hy_watermark_tracker *t);

/* On the first batch: HY_ECONFIG with the reference's words when the
 * primary key or the watermark column is missing
 *   "Primary key 'id' not found in data schema. Available columns: ['a', 'b']"
 *   "Watermark column 'ts' not found in data schema. Available columns: [...]"
 * or the column type cannot be a watermark
 *   "Unsupported watermark type: Float64. Supported types: datetime, date, integer, string"
 * (the type as Polars names it). */
int hy_watermark_tracker_check_schema(struct hy_watermark_tracker *t,
				      const struct hy_schema *schema, struct hy_error *err) HY_WUR;

/* Takes the batch's maximum into the running one. An all-null (or empty)
 * column is skipped; a type tag different from the earlier batches' is
 * warned ("Inconsistent watermark types across batches: int vs string")
 * and ignored. Timestamps compare as instants; sub-microsecond digits are
 * dropped, as Python's datetime drops them. */
int hy_watermark_tracker_observe(struct hy_watermark_tracker *t, const struct hy_batch *batch,
				 hy_watermark_warn_fn warn, void *user,
				 struct hy_error *err) HY_WUR;

/* The journal text of the maximum, or NULL before any value: datetime
 * "YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]" (the offset only for a zoned
 * column: its own for fixed offsets, +00:00 for UTC and named zones),
 * int decimal, string as is, date "YYYY-MM-DD". Borrowed until the next
 * observe. */
const char *hy_watermark_tracker_value_text(const struct hy_watermark_tracker *t);
/* "datetime", "int", "string", "date", or NULL before any value. */
const char *hy_watermark_tracker_type_tag(const struct hy_watermark_tracker *t);
/* Forgets the value (a new run). */
void hy_watermark_tracker_reset(struct hy_watermark_tracker *t);

/* ---- the last value, lookback, filter --------------------------------- */

/* Reads a journal watermark back: `type_tag` as written by the tracker.
 *   datetime -> HY_VALUE_I64, type HY_TIMESTAMP, UTC microseconds (a text
 *               without offset is read as UTC, like a naive column)
 *   date     -> HY_VALUE_I64, type HY_DATE, days
 *   int      -> HY_VALUE_I64 (type HY_INT64), or HY_VALUE_U64 above INT64_MAX
 *   string   -> HY_VALUE_STR borrowing `text`
 * HY_EFORMAT when the text does not read as its tag. */
int hy_watermark_value_parse(const char *type_tag, const char *text, struct hy_value *out,
			     struct hy_error *err) HY_WUR;

/* Moves `v` back by the configured lookback: a duration for datetime and
 * date values (dates by whole days, rounded up), a count for ints. Nothing
 * to do without a lookback. HY_ECONFIG when the lookback does not apply to
 * the value ("watermark.lookback '15m' is a duration but 'id' holds int
 * values"), or for a string watermark. Saturates at the type's minimum. */
int hy_watermark_lookback(const struct hy_watermark_config *cfg, struct hy_value *v,
			  struct hy_error *err) HY_WUR;

/* Keeps the rows of `batch` whose `column` is greater than `last` (a value
 * from hy_watermark_value_parse(), after lookback). Null values are dropped,
 * as SQL's `col > x` drops them. Timestamps and dates compare as instants
 * (a date is its midnight UTC). When every row passes *out is `batch` with a
 * new reference; a single run of rows is a zero-copy slice; otherwise the
 * kept runs are copied. HY_ENOTFOUND without the column, HY_EINVAL when
 * `last` does not compare with the column's type. */
int hy_watermark_filter(struct hy_batch *batch, const char *column, const struct hy_value *last,
			struct hy_batch **out, struct hy_error *err) HY_WUR;

/* ---- de-duplication on primary_key within a run ----------------------- */

/* Default cap on distinct keys remembered per run: 130 to 230 bytes per
 * integer key with a watermark (48-byte slots at 25-50 % load, plus 32 bytes
 * of key and order), so under 1 GB at the cap. Past it a warning is given
 * once and rows pass unchecked. */
#define HY_DEDUP_MAX_KEYS 4000000

struct hy_dedup;

/* `key_column` is the primary key; `order_column` (the watermark column,
 * may be NULL) decides which of two rows of one key is newer. `max_keys` 0
 * means HY_DEDUP_MAX_KEYS. The strings are copied. */
int hy_dedup_create(struct hy_dedup **out, const char *key_column, const char *order_column,
		    int64_t max_keys, struct hy_error *err) HY_WUR;
void hy_dedup_destroy(struct hy_dedup *d);

/* Drops the rows of `in` that an earlier or later row of the same key
 * supersedes: within the batch the row with the greatest order value wins
 * and, on equal values, the last one; a row whose key an earlier batch of
 * the run already delivered with an equal or greater order value is
 * dropped (it is a re-read), while a newer version passes (earlier batches
 * cannot be taken back). Null keys are never dropped. When nothing is
 * dropped *out is `in` with a new reference. */
int hy_dedup_apply(struct hy_dedup *d, struct hy_batch *in, struct hy_batch **out,
		   hy_watermark_warn_fn warn, void *user, struct hy_error *err) HY_WUR;
/* Keys remembered so far. */
int64_t hy_dedup_key_count(const struct hy_dedup *d);

#endif /* HYGGE_WATERMARK_H */
