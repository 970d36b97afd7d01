/* Private to the local home: reader options from `format_options`, and the
 * parquet reader behind three functions (home_local_fmt.c). */
#ifndef HYGGE_HOME_LOCAL_INT_H
#define HYGGE_HOME_LOCAL_INT_H

#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/config.h"
#include "hygge/formats.h"
#include "hygge/status.h"

/* Reader options read from `format_options` (Polars' keyword names):
 * CSV separator, quote_char, has_header, null_values (a string or a list),
 * infer_schema_length, schema_overrides (alias: schema, a mapping column ->
 * type name), encoding; NDJSON infer_schema_length and schema_overrides.
 * Unknown keys are ignored (behaviour.md §2.10). The option structs borrow
 * from the arrays below and from the configuration tree. */
struct hy_local_read_opts {
	struct hy_csv_options csv;
	struct hy_ndjson_options ndjson;
	const char **nulls;
	struct hy_fmt_override *overrides;
};

int hy__local_read_opts_init(struct hy_local_read_opts *o, const struct hy_cfg_node *format_options,
			     struct hy_error *err) HY_WUR;
void hy__local_read_opts_reset(struct hy_local_read_opts *o);

/* "parquet", "csv", "ndjson". */
const char *hy__local_format_name(int format);

/* The parquet reader with the local home's options (hy_pq_reader_next_batch
 * and hy_pq_reader_close do the rest); `pool` (may be NULL) decodes the
 * column chunks of a row group in parallel. */
struct hy_pq_reader;
struct hy_pool;
int hy__local_pq_open(struct hy_pq_reader **out, const char *path, int64_t batch_size,
		      struct hy_pool *pool, struct hy_error *err) HY_WUR;

#endif /* HYGGE_HOME_LOCAL_INT_H */
