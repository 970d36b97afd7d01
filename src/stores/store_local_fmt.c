/* The local store's file writers: one batch, one file, in the configured
 * format. */
#include <string.h>

#include "hygge/config.h"
#include "hygge/log.h"
#include "store_local_int.h"

/* The parquet writer (hy_pq_writer_*, hygge/parquet_writer.h): CMake
 * defines HY_HAVE_PQ_WRITER when the tree has it; until then format parquet
 * is refused. */
#ifdef HY_HAVE_PQ_WRITER
#include "hygge/parquet_writer.h"
#endif

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
#ifdef HY_HAVE_PQ_WRITER
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
#else
	(void)o;
	(void)fo;
	(void)path;
	(void)err;
	return 0;
#endif
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
	}
	return parse_parquet(o, fo, &path, err);
}

static int write_csv(const char *path, const struct hy_local_write_opts *o, struct hy_batch *batch,
		     struct hy_error *err)
{
	struct hy_csv_writer *w = NULL;
	int rc = hy_csv_writer_open(&w, path, batch->schema, &o->csv, err);

	if (rc == 0)
		rc = hy_csv_writer_write(w, batch, err);
	if (rc == 0)
		rc = hy_csv_writer_finish(w, err);
	hy_csv_writer_close(w);
	return rc;
}

static int write_ndjson(const char *path, struct hy_batch *batch, struct hy_error *err)
{
	struct hy_ndjson_writer *w = NULL;
	int rc = hy_ndjson_writer_open(&w, path, batch->schema, err);

	if (rc == 0)
		rc = hy_ndjson_writer_write(w, batch, err);
	if (rc == 0)
		rc = hy_ndjson_writer_finish(w, err);
	hy_ndjson_writer_close(w);
	return rc;
}

#ifdef HY_HAVE_PQ_WRITER

static void pq_warn(void *ctx, const char *message)
{
	hy_log_warn(ctx, "%s", message);
}

int hy__local_pq_writer_available(struct hy_error *err)
{
	(void)err;
	return 0;
}

/* One parquet file: the writer's file sink writes <path>.hygge-tmp-<pid> and
 * renames it to `path` at finish, so even the staged file is never seen half
 * written. */
static int write_parquet(const char *path, const struct hy_local_write_opts *o,
			 struct hy_batch *batch, struct hy_error *err)
{
	struct hy_pq_writer_options po;
	struct hy_pq_sink sink;
	struct hy_pq_writer *w = NULL;
	int rc;

	memset(&sink, 0, sizeof(sink));
	hy_pq_writer_options_init(&po);
	po.codec = o->pq_codec;
	po.level = o->pq_level;
	if (o->timestamp_unit != NULL)
		po.timestamp_unit = o->pq_unit;
	po.pool = o->pool;
	po.warn = pq_warn;
	po.warn_ctx = (void *)o->flow;
	rc = hy_pq_sink_open_file(&sink, path, err);
	if (rc == 0)
		rc = hy_pq_writer_open(&w, batch->schema, &po, &sink, err);
	if (rc == 0)
		rc = hy_pq_writer_write(w, batch, err);
	if (rc == 0)
		rc = hy_pq_writer_finish(w, err);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	return rc;
}

#else

int hy__local_pq_writer_available(struct hy_error *err)
{
	return hy_error_set(err, HY_EUNSUPPORTED,
			    "format 'parquet' is not available in this build yet");
}

static int write_parquet(const char *path, const struct hy_local_write_opts *o,
			 struct hy_batch *batch, struct hy_error *err)
{
	(void)path;
	(void)o;
	(void)batch;
	return hy__local_pq_writer_available(err);
}

#endif

int hy__local_write_file(const char *path, int format, const struct hy_local_write_opts *o,
			 struct hy_batch *batch, struct hy_error *err)
{
	switch (format) {
	case HY_FORMAT_CSV: return write_csv(path, o, batch, err);
	case HY_FORMAT_NDJSON: return write_ndjson(path, batch, err);
	default: return write_parquet(path, o, batch, err);
	}
}
