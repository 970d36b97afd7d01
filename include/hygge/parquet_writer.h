/* The native Parquet writer: hygge batches in, a Parquet file out.
 *
 * Layout choices follow parquet.md section 14 (docs/internals/parquet.md,
 * "Writer"): format version 1, v1 data pages, one dictionary per column chunk
 * (RLE_DICTIONARY pages, PLAIN dictionary page, 1 MiB limit, then PLAIN for
 * the rest of the chunk), RLE definition levels, SNAPPY by default, chunk
 * statistics with column_orders, ColumnIndex + OffsetIndex, zero row groups
 * for an empty table.
 *
 *   hy_pq_writer_options_init(&o);             // defaults
 *   hy_pq_sink_open_file(&sink, path, err);    // or _init_fd / _init_memory
 *   hy_pq_writer_open(&w, schema, &o, &sink, err);
 *   hy_pq_writer_write(w, batch, err);         // any number of times
 *   hy_pq_writer_finish(w, err);               // row group + footer + commit
 *   hy_pq_writer_close(w);                     // always; aborts if unfinished
 *   hy_pq_sink_close(&sink);
 *
 * Pages are encoded as batches arrive: a writer holds about one row group's
 * encoded pages (plus dictionaries and one open page per column), not its
 * rows. Each write encodes its columns in parallel when a pool is given;
 * the bytes reach the sink from the calling thread only. */
#ifndef HYGGE_PARQUET_WRITER_H
#define HYGGE_PARQUET_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/buffer.h"
#include "hygge/parquet.h"
#include "hygge/pool.h"
#include "hygge/status.h"
#include "hygge/types.h"

/* Defaults (parquet.md section 14). */
#define HY_PQW_ROW_GROUP_ROWS  (1 << 20)   /* rows per row group */
#define HY_PQW_ROW_GROUP_BYTES (128 << 20) /* encoded bytes held per row group */
#define HY_PQW_PAGE_BYTES      (1 << 20)   /* uncompressed data page target */
#define HY_PQW_PAGE_ROWS       20000       /* rows per data page at most */
#define HY_PQW_DICT_LIMIT      (1 << 20)   /* PLAIN bytes of one dictionary */
#define HY_PQW_STATS_TRUNCATE  64          /* bytes of a byte-array min/max */
#define HY_PQW_MAX_PAGE_BYTES  (64 << 20)  /* cap of page_bytes */

/* Where the bytes go. `write` must take all `len` bytes or fail; `commit` runs
 * once after the footer was written (a file sink renames its temporary file
 * into place); `abort` discards an unfinished output and may be called after
 * a failed write. Both may be NULL. Custom sinks set the three functions and
 * `ctx`; the fields below `ctx` belong to the built-in sinks. */
struct hy_pq_sink {
	int (*write)(struct hy_pq_sink *s, const void *buf, size_t len, struct hy_error *err);
	int (*commit)(struct hy_pq_sink *s, struct hy_error *err);
	void (*abort)(struct hy_pq_sink *s);
	void *ctx;

	/* File sink: commit only starts the writeback (sync_file_range) instead of
	 * waiting for it in fsync; whoever relies on the file's durability fsyncs
	 * it later (the local store does, for every staged file, at publish, by
	 * which time the writeback is mostly done). Set after open. */
	bool defer_sync;
	int fd;             /* fd and file sinks */
	bool own_fd;        /* file sink: close fd in hy_pq_sink_close */
	char *name;         /* for messages: path or "fd N"; owned */
	char *path;         /* file sink: final path; owned */
	char *tmp_path;     /* file sink: where bytes go until commit; owned */
	struct hy_buf *mem; /* memory sink: caller's buffer */
	size_t mem_start;   /* memory sink: mem->len at init (abort truncates back) */
};

/* Appends to the caller's `buf` (its max caps the file size: HY_ELIMIT).
 * abort truncates `buf` back to its length at init. */
void hy_pq_sink_init_memory(struct hy_pq_sink *s, struct hy_buf *buf);
/* Writes to an open descriptor (write loops over short writes and EINTR;
 * errors name `name`, e.g. "No space left on device"). The caller keeps the
 * fd; commit and abort do nothing. `name` may be NULL ("fd N"). */
int hy_pq_sink_init_fd(struct hy_pq_sink *s, int fd, const char *name, struct hy_error *err) HY_WUR;
/* Creates "<path>.hygge-tmp-<pid>" (mode 0644); commit fsyncs (see
 * defer_sync) and renames it to `path`, abort (and close before commit) unlinks it: a reader never
 * sees a half-written file under `path`. */
int hy_pq_sink_open_file(struct hy_pq_sink *s, const char *path, struct hy_error *err) HY_WUR;
/* Releases what the sink holds; an uncommitted file sink is aborted. Accepts
 * a zeroed sink. */
void hy_pq_sink_close(struct hy_pq_sink *s);

/* Called once per column, at finish, for a value count worth a warning
 * ("column ts: 12 values truncated from ns to us"). */
typedef void (*hy_pq_warn_fn)(void *ctx, const char *message);

struct hy_pq_writer_options {
	int codec;               /* enum hy_pq_codec; SNAPPY */
	int level;               /* codec level, 0 = the codec's default */
	int64_t row_group_rows;  /* HY_PQW_ROW_GROUP_ROWS */
	int64_t row_group_bytes; /* HY_PQW_ROW_GROUP_BYTES: encoded pages + dictionaries held */
	int64_t page_bytes;      /* HY_PQW_PAGE_BYTES (PLAIN size estimate) */
	int32_t page_rows;       /* HY_PQW_PAGE_ROWS */
	int64_t dict_limit;      /* HY_PQW_DICT_LIMIT; 0 = no dictionary encoding */
	/* HY_UNIT_MICRO (default): timestamps and times are written in
	 * microseconds (ns values floor-truncated, counted in one warning per
	 * column). HY_UNIT_NANO: nanosecond columns stay nanoseconds. */
	int timestamp_unit;
	bool page_index;      /* ColumnIndex + OffsetIndex; true */
	bool page_crc;        /* CRC-32 in page headers; false */
	struct hy_pool *pool; /* encode each write's columns on it; NULL = caller's thread */
	hy_pq_warn_fn warn;   /* NULL = warnings dropped */
	void *warn_ctx;
};

void hy_pq_writer_options_init(struct hy_pq_writer_options *o);

/* What users write in `compression:` (case-insensitive): snappy, zstd, gzip,
 * lz4 (= lz4_raw, as DuckDB and Polars), lz4_raw, brotli, none or
 * uncompressed; "zstd:9" / "gzip:6" / "brotli:5" carry a level (*level is
 * 0 otherwise). HY_EINVAL naming the accepted names, with "did you mean"
 * for a near miss. */
int hy_pq_codec_parse(const char *text, int *codec, int *level, struct hy_error *err) HY_WUR;

/* "us" / "ns" (also "micros", "nanos"), for format_options.timestamp_unit. */
int hy_pq_timestamp_unit_parse(const char *text, int *unit, struct hy_error *err) HY_WUR;

struct hy_pq_writer;

/* Checks the options and maps every field of `schema` to a Parquet column
 * (HY_EUNSUPPORTED names a field that cannot be written), takes a schema
 * reference and writes the leading magic. `sink` is borrowed until close.
 * On success *out is the caller's: release it with hy_pq_writer_close(). */
int hy_pq_writer_open(struct hy_pq_writer **out, struct hy_schema *schema,
		      const struct hy_pq_writer_options *opts, struct hy_pq_sink *sink,
		      struct hy_error *err) HY_WUR;

/* Encodes the batch's rows into pages at once (in steps of at most 131,072
 * rows; the batch may be released as soon as this returns: the open page
 * copies the strings it still needs, dictionary-form columns keep a
 * reference to their dictionary) and writes a row group whenever
 * row_group_rows rows or row_group_bytes of encoded bytes are reached. String
 * and binary columns may come in dictionary form (hygge/batch.h); each input
 * dictionary is mapped to the chunk dictionary once per entry. The batch's
 * schema must equal the writer's (HY_EINVAL). After any failure the writer
 * only accepts close (HY_ESTATE). */
int hy_pq_writer_write(struct hy_pq_writer *w, struct hy_batch *batch, struct hy_error *err) HY_WUR;

/* Writes the last row group, the page indexes and the footer, then commits
 * the sink. Warnings are reported here. */
int hy_pq_writer_finish(struct hy_pq_writer *w, struct hy_error *err) HY_WUR;

/* Frees the writer; when finish did not succeed the sink is aborted. NULL ok. */
void hy_pq_writer_close(struct hy_pq_writer *w);

/* Rows written so far (row groups flushed) and bytes handed to the sink. */
int64_t hy_pq_writer_rows(const struct hy_pq_writer *w);
uint64_t hy_pq_writer_bytes(const struct hy_pq_writer *w);

#endif /* HYGGE_PARQUET_WRITER_H */
