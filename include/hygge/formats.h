/* CSV and NDJSON: streaming, typed readers and writers.
 *
 * Readers infer a schema from a leading sample (or take one), then hand out
 * batches of at most `max_rows` rows; writers render batches as text. The
 * rules (state machine, inference table, rendering per type, caps, where
 * hygge differs from Polars) are in docs/internals/formats.md.
 *
 * Ownership: option structs borrow every pointer they hold (the caller keeps
 * the strings alive until the reader/writer is opened; open copies what it
 * needs). Readers and writers are heap objects freed by their _close().
 */
#ifndef HYGGE_FORMATS_H
#define HYGGE_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/status.h"
#include "hygge/types.h"

/* Defaults and caps (bytes unless said otherwise). */
#define HY_FMT_DEFAULT_INFER_ROWS 100         /* Polars' infer_schema_length */
#define HY_FMT_DEFAULT_MAX_FIELD  (16u << 20) /* one CSV field / one NDJSON value */
#define HY_FMT_DEFAULT_MAX_LINE   (64u << 20) /* one CSV row / one NDJSON line */
#define HY_FMT_DEFAULT_BLOCK      (1u << 20)  /* read(2) size */
#define HY_FMT_MAX_OVERRIDES      HY_MAX_FIELDS

/* One `format_options.schema` entry: column name -> hygge type name
 * ("int64", "float64", "string", "bool", "date", "timestamp",
 * "timestamp[ms, UTC]", "decimal(18,3)", ...; see hy_fmt_type_parse). */
struct hy_fmt_override {
	const char *column;
	const char *type;
};

/* Parses a hygge type name as written in configuration: bool|boolean,
 * int8..int64, uint8..uint64, float32|float64|double, string|utf8|str,
 * binary, date, time, time[unit], timestamp (naive, us), timestamp[unit],
 * timestamp[unit, tz], timestamptz (= timestamp[us, UTC]), decimal(p,s),
 * decimal(p). Case-insensitive, spaces ignored after commas. HY_EINVAL with a
 * message naming the text otherwise. */
int hy_fmt_type_parse(const char *text, struct hy_dtype *out, struct hy_error *err) HY_WUR;

/* ---- CSV ---- */

struct hy_pool;

struct hy_csv_options {
	char separator;  /* one byte; default ',' */
	char quote_char; /* default '"'; '\0' disables quoting */
	bool has_header; /* default true; false names columns column_1, column_2, ... */
	/* Extra texts read as null (compared after unquoting). An unquoted empty
	 * field is always null; a quoted empty field ("") is an empty string. */
	const char *const *null_values;
	size_t n_null_values;
	long infer_schema_rows; /* data rows sampled; default 100; 0 = every column a string */
	const struct hy_fmt_override *schema; /* overrides win over inference */
	size_t n_schema;
	const char *encoding;   /* NULL, "utf8" or "utf-8" (any case); else HY_EUNSUPPORTED */
	size_t max_field_bytes; /* HY_ELIMIT past it; default HY_FMT_DEFAULT_MAX_FIELD */
	size_t max_row_bytes;   /* bytes of one row's fields; default HY_FMT_DEFAULT_MAX_LINE */
	size_t block_size;      /* read size; default 1 MiB (tests use tiny blocks) */
	/* Borrowed CPU pool the reader parses slices of records on (NULL = the
	 * calling thread only); results are the same either way. */
	struct hy_pool *pool;
};

/* Fills the defaults above. */
void hy_csv_options_init(struct hy_csv_options *opts);

struct hy_csv_reader;

/* Opens `path`, reads the header and infers the schema from the first
 * infer_schema_rows rows (the file is read again from the start for the
 * batches). `*out` is freed with hy_csv_reader_close(). Errors name the file
 * (and line/column where one applies). */
int hy_csv_reader_open(struct hy_csv_reader **out, const char *path,
		       const struct hy_csv_options *opts, struct hy_error *err) HY_WUR;
/* Same, with the schema given (from hy_csv_infer_schema over several files):
 * the header must name the schema's columns in the same order (a mismatch is
 * HY_EFORMAT naming the column); without a header the column count must match. */
int hy_csv_reader_open_schema(struct hy_csv_reader **out, const char *path,
			      const struct hy_csv_options *opts, struct hy_schema *schema,
			      struct hy_error *err) HY_WUR;
/* Reads from memory (`data` borrowed until close); `name` is used in
 * messages. `schema` may be NULL (infer). */
int hy_csv_reader_open_mem(struct hy_csv_reader **out, const void *data, size_t size,
			   const char *name, const struct hy_csv_options *opts,
			   struct hy_schema *schema, struct hy_error *err) HY_WUR;
/* Borrowed; valid until close. */
struct hy_schema *hy_csv_reader_schema(const struct hy_csv_reader *r);
/* The next batch of at most `max_rows` (>= 1) rows; `*out` = NULL at the end.
 * `*out` holds one reference. */
int hy_csv_reader_next_batch(struct hy_csv_reader *r, int64_t max_rows, struct hy_batch **out,
			     struct hy_error *err) HY_WUR;
void hy_csv_reader_close(struct hy_csv_reader *r);

/* One schema for several files of one entity: the header of the first file
 * with a header row names the columns; the sample is the first
 * infer_schema_rows data rows taken across the files in order; every file's
 * header must match the first. `*out` holds one reference. */
int hy_csv_infer_schema(const char *const *paths, size_t n, const struct hy_csv_options *opts,
			struct hy_schema **out, struct hy_error *err) HY_WUR;

struct hy_csv_writer;

/* Writes to `fd` (not owned, not closed) through a 1 MiB buffer; the header
 * row is written with the first batch (or at finish for zero batches) when
 * opts->has_header. Only separator, quote_char and has_header are used. */
int hy_csv_writer_open_fd(struct hy_csv_writer **out, int fd, struct hy_schema *schema,
			  const struct hy_csv_options *opts, struct hy_error *err) HY_WUR;
/* Creates or truncates `path` (0644); closed by hy_csv_writer_close(). */
int hy_csv_writer_open(struct hy_csv_writer **out, const char *path, struct hy_schema *schema,
		       const struct hy_csv_options *opts, struct hy_error *err) HY_WUR;
/* `batch` must have the writer's schema. */
int hy_csv_writer_write(struct hy_csv_writer *w, const struct hy_batch *batch,
			struct hy_error *err) HY_WUR;
/* Flushes everything written so far (the header for an empty table too). */
int hy_csv_writer_finish(struct hy_csv_writer *w, struct hy_error *err) HY_WUR;
/* Frees the writer without flushing what finish did not; closes a path's fd. */
void hy_csv_writer_close(struct hy_csv_writer *w);

/* ---- NDJSON ---- */

/* NDJSON: one object per line. Inference, missing and unknown keys:
 * docs/internals/formats.md. */
struct hy_ndjson_options {
	long infer_schema_rows; /* non-blank lines sampled; default 100 */
	const struct hy_fmt_override *schema;
	size_t n_schema;
	size_t max_line_bytes; /* default HY_FMT_DEFAULT_MAX_LINE */
	size_t block_size;     /* default 1 MiB */
};

void hy_ndjson_options_init(struct hy_ndjson_options *opts);

struct hy_ndjson_reader;

/* Infers the schema from the first infer_schema_rows objects, then reads the
 * file again from the start. Errors name file:line (and column for JSON
 * syntax). Freed with hy_ndjson_reader_close(). */
int hy_ndjson_reader_open(struct hy_ndjson_reader **out, const char *path,
			  const struct hy_ndjson_options *opts, struct hy_error *err) HY_WUR;
/* From memory (`data` borrowed until close); `schema` NULL = infer. */
int hy_ndjson_reader_open_mem(struct hy_ndjson_reader **out, const void *data, size_t size,
			      const char *name, const struct hy_ndjson_options *opts,
			      struct hy_schema *schema, struct hy_error *err) HY_WUR;
struct hy_schema *hy_ndjson_reader_schema(const struct hy_ndjson_reader *r);
int hy_ndjson_reader_next_batch(struct hy_ndjson_reader *r, int64_t max_rows, struct hy_batch **out,
				struct hy_error *err) HY_WUR;
void hy_ndjson_reader_close(struct hy_ndjson_reader *r);

struct hy_ndjson_writer;

/* Same contract as the CSV writer: _open_fd does not own the fd, _open
 * creates/truncates the path and closes it at _close. */
int hy_ndjson_writer_open_fd(struct hy_ndjson_writer **out, int fd, struct hy_schema *schema,
			     struct hy_error *err) HY_WUR;
int hy_ndjson_writer_open(struct hy_ndjson_writer **out, const char *path, struct hy_schema *schema,
			  struct hy_error *err) HY_WUR;
int hy_ndjson_writer_write(struct hy_ndjson_writer *w, const struct hy_batch *batch,
			   struct hy_error *err) HY_WUR;
int hy_ndjson_writer_finish(struct hy_ndjson_writer *w, struct hy_error *err) HY_WUR;
void hy_ndjson_writer_close(struct hy_ndjson_writer *w);

#endif /* HYGGE_FORMATS_H */
