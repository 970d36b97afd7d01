/* Private to the local store: writer options from the config and the file
 * writer that writes one output file batch by batch (store_local_fmt.c). */
#ifndef HYGGE_STORE_LOCAL_INT_H
#define HYGGE_STORE_LOCAL_INT_H

#include <stdbool.h>

#include "hygge/batch.h"
#include "hygge/cfgtypes.h"
#include "hygge/formats.h"
#include "hygge/parquet_writer.h"
#include "hygge/status.h"

/* From `format_options` (Polars' keyword names): CSV separator, quote_char,
 * include_header (alias has_header); parquet compression (beats the store's
 * `compression`; also "zstd:9", "none"), timestamp_unit ("us" default,
 * "ns"), row_group_rows and row_group_bytes (where a row group closes, below).
 * Unknown keys are ignored (behaviour.md §2.10). Strings borrow from
 * the configuration; `flow` (the log scope of writer warnings) from the
 * caller. */
/* Where the local store closes a parquet row group by default: at the
 * writer's row limit, or once its encoded pages reach 1 MiB per column, and
 * at least 8 MiB. The writer's own byte default (128 MiB, what arrow and
 * parquet-java buffer) would hold a whole file's pages per flow; this keeps
 * every flow's memory small and flat (docs/internals/performance.md), still
 * gives row groups of a few hundred thousand rows of a typical table (DuckDB
 * writes 122,880), and column chunks of about 1 MiB however wide the table:
 * a flat 8 MiB would cut a 1,000-column table into row groups of a few
 * thousand rows, too small for any reader. */
#define HY_LOCAL_ROW_GROUP_BYTES_PER_COLUMN ((int64_t)1 << 20)
#define HY_LOCAL_ROW_GROUP_BYTES_MIN        ((int64_t)8 << 20)

struct hy_local_write_opts {
	struct hy_csv_options csv;
	const char *compression;         /* codec name as written */
	const char *timestamp_unit;      /* NULL: the writer's default */
	int pq_codec, pq_level, pq_unit; /* parsed at init when the writer is built in */
	int64_t pq_row_group_rows;       /* format_options.row_group_rows */
	int64_t pq_row_group_bytes;      /* format_options.row_group_bytes; 0: by the width */
	const char *flow;
	struct hy_pool *pool; /* the run's CPU pool (borrowed): parquet chunks encode on it */
};

int hy__local_write_opts_init(struct hy_local_write_opts *o, const struct hy_file_cfg *fc,
			      const char *flow, struct hy_error *err) HY_WUR;

/* One output file being written, batch by batch, in `format` (enum
 * hy_file_format): open creates `path` (which must not exist; parquet goes
 * to a temporary name renamed to `path` by finish), write appends rows of
 * the schema given at open, finish completes the file, close frees it and
 * removes an unfinished file. */
struct hy__local_file {
	char *path;
	int format;
	bool finished;
	struct hy_csv_writer *csv;
	struct hy_ndjson_writer *ndjson;
	struct hy_pq_writer *pq;
	struct hy_pq_sink sink;
	bool sink_open;
};

int hy__local_file_open(struct hy__local_file **out, const char *path, int format,
			const struct hy_local_write_opts *o, struct hy_schema *schema,
			struct hy_error *err) HY_WUR;
int hy__local_file_write(struct hy__local_file *f, struct hy_batch *batch,
			 struct hy_error *err) HY_WUR;
int hy__local_file_finish(struct hy__local_file *f, struct hy_error *err) HY_WUR;
void hy__local_file_close(struct hy__local_file *f);

#endif /* HYGGE_STORE_LOCAL_INT_H */
