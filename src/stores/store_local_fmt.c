/* The local store's file writers: one output file in the configured format,
 * written batch by batch (hy__local_file_*). */
#include <string.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "hygge/config.h"
#include "hygge/log.h"
#include "store_local_int.h"

#include "hygge/parquet_writer.h"

static const char *const codecs[] = {"snappy", "gzip", "lz4", "brotli", "zstd", NULL};

static int read_char(const struct hy_cfg_node *map, const char *key, struct hy_cfg_path *path,
		     char *out, struct hy_error *err)
{
	const char *text = NULL;

	HY_TRY(hy_cfg_get_str(map, key, path, NULL, &text, err));
	if (text == NULL)
		return 0;
	if (strlen(text) > 1) {
		size_t mark = hy_cfg_path_push(path, key);
		int rc = hy_cfg_error(err, hy_cfg_map_get(map, key), path,
				      "must be a single byte, got '%s'", text);

		hy_cfg_path_pop(path, mark);
		return rc;
	}
	*out = text[0];
	return 0;
}

/* The parquet options as the writer reads them; a bad value is reported
 * with the config's place. */
static int parse_parquet(struct hy_local_write_opts *o, const struct hy_cfg_node *fo,
			 struct hy_cfg_path *path, struct hy_error *err)
{
	const char *key = "compression";
	int rc = hy_pq_codec_parse(o->compression, &o->pq_codec, &o->pq_level, err);

	if (rc == 0 && o->timestamp_unit != NULL) {
		key = "timestamp_unit";
		rc = hy_pq_timestamp_unit_parse(o->timestamp_unit, &o->pq_unit, err);
	}
	if (rc != 0 && hy_cfg_map_get(fo, key) != NULL) {
		char mark[256];
		size_t at = hy_cfg_path_push(path, key);

		hy_cfg_mark_format(hy_cfg_map_get(fo, key), mark, sizeof(mark));
		hy_error_prefix(err, "%s: %s", mark, path->text);
		hy_cfg_path_pop(path, at);
		return HY_ECONFIG;
	}
	return rc;
}

int hy__local_write_opts_init(struct hy_local_write_opts *o, const struct hy_file_cfg *fc,
			      const char *flow, struct hy_error *err)
{
	const struct hy_cfg_node *fo = fc->format_options;
	struct hy_cfg_path path;
	bool header;

	memset(o, 0, sizeof(*o));
	hy_csv_options_init(&o->csv);
	o->flow = flow;
	o->compression =
		fc->compression >= 0 && fc->compression < 5 ? codecs[fc->compression] : "snappy";
	o->pq_row_group_rows = HY_PQW_ROW_GROUP_ROWS;
	o->pq_row_group_bytes = 0; /* by the table's width, at open */
	hy_cfg_path_init(&path, "store.format_options");
	if (fo != NULL) {
		HY_TRY(read_char(fo, "separator", &path, &o->csv.separator, err));
		HY_TRY(read_char(fo, "quote_char", &path, &o->csv.quote_char, err));
		HY_TRY(hy_cfg_get_bool(fo, "has_header", &path, true, &header, err));
		HY_TRY(hy_cfg_get_bool(fo, "include_header", &path, header, &o->csv.has_header,
				       err));
		HY_TRY(hy_cfg_get_str(fo, "compression", &path, o->compression, &o->compression,
				      err));
		HY_TRY(hy_cfg_get_str(fo, "timestamp_unit", &path, NULL, &o->timestamp_unit, err));
		HY_TRY(hy_cfg_get_int(fo, "row_group_rows", &path, o->pq_row_group_rows, 1,
				      HY_MAX_COLUMN_ROWS, &o->pq_row_group_rows, err));
		HY_TRY(hy_cfg_get_int(fo, "row_group_bytes", &path, o->pq_row_group_bytes, 1,
				      INT64_MAX, &o->pq_row_group_bytes, err));
	}
	return parse_parquet(o, fo, &path, err);
}

static void pq_warn(void *ctx, const char *message)
{
	hy_log_warn(ctx, "%s", message);
}

/* A parquet file: the writer's file sink writes <path>.hygge-tmp-<pid> and
 * renames it to `path` at finish, so even the staged file is never seen half
 * written; close before finish unlinks the temporary file. */
static int open_parquet(struct hy__local_file *f, const struct hy_local_write_opts *o,
			struct hy_schema *schema, struct hy_error *err)
{
	struct hy_pq_writer_options po;

	hy_pq_writer_options_init(&po);
	po.codec = o->pq_codec;
	po.level = o->pq_level;
	po.row_group_rows = o->pq_row_group_rows;
	po.row_group_bytes = o->pq_row_group_bytes;
	if (po.row_group_bytes == 0) {
		int64_t cols = (int64_t)hy_schema_nfields(schema);

		po.row_group_bytes = cols * HY_LOCAL_ROW_GROUP_BYTES_PER_COLUMN;
		if (po.row_group_bytes < HY_LOCAL_ROW_GROUP_BYTES_MIN)
			po.row_group_bytes = HY_LOCAL_ROW_GROUP_BYTES_MIN;
	}
	if (o->timestamp_unit != NULL)
		po.timestamp_unit = o->pq_unit;
	po.pool = o->pool;
	po.warn = pq_warn;
	po.warn_ctx = (void *)o->flow;
	HY_TRY(hy_pq_sink_open_file(&f->sink, f->path, err));
	f->sink_open = true;
	f->sink.defer_sync = true; /* publish fsyncs every staged file */
	return hy_pq_writer_open(&f->pq, schema, &po, &f->sink, err);
}

int hy__local_file_open(struct hy__local_file **out, const char *path, int format,
			const struct hy_local_write_opts *o, struct hy_schema *schema,
			struct hy_error *err)
{
	struct hy__local_file *f = hy_calloc(1, sizeof(*f));
	int rc;

	*out = NULL;
	if (f == NULL || (f->path = hy_strdup(path)) == NULL) {
		hy_free(f);
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	}
	f->format = format;
	switch (format) {
	case HY_FORMAT_CSV: rc = hy_csv_writer_open(&f->csv, path, schema, &o->csv, err); break;
	case HY_FORMAT_NDJSON: rc = hy_ndjson_writer_open(&f->ndjson, path, schema, err); break;
	default: rc = open_parquet(f, o, schema, err); break;
	}
	if (rc != 0) {
		hy__local_file_close(f);
		return rc;
	}
	*out = f;
	return 0;
}

int hy__local_file_write(struct hy__local_file *f, struct hy_batch *batch, struct hy_error *err)
{
	switch (f->format) {
	case HY_FORMAT_CSV: return hy_csv_writer_write(f->csv, batch, err);
	case HY_FORMAT_NDJSON: return hy_ndjson_writer_write(f->ndjson, batch, err);
	default: return hy_pq_writer_write(f->pq, batch, err);
	}
}

int hy__local_file_finish(struct hy__local_file *f, struct hy_error *err)
{
	int rc;

	switch (f->format) {
	case HY_FORMAT_CSV: rc = hy_csv_writer_finish(f->csv, err); break;
	case HY_FORMAT_NDJSON: rc = hy_ndjson_writer_finish(f->ndjson, err); break;
	default: rc = hy_pq_writer_finish(f->pq, err); break;
	}
	if (rc == 0)
		f->finished = true;
	return rc;
}

void hy__local_file_close(struct hy__local_file *f)
{
	if (f == NULL)
		return;
	hy_csv_writer_close(f->csv);
	hy_ndjson_writer_close(f->ndjson);
	hy_pq_writer_close(f->pq); /* unfinished: aborts the sink (temporary file unlinked) */
	if (f->sink_open)
		hy_pq_sink_close(&f->sink);
	if (!f->finished && f->format != HY_FORMAT_PARQUET)
		(void)unlink(f->path);
	hy_free(f->path);
	hy_free(f);
}
