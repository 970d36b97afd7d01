/* The local store's file writers: one batch, one file, in the configured
 * format. */
#include <string.h>

#include "hygge/config.h"
#include "store_local_int.h"

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

int hy__local_write_opts_init(struct hy_local_write_opts *o, const struct hy_file_cfg *fc,
			      struct hy_error *err)
{
	const struct hy_cfg_node *fo = fc->format_options;
	struct hy_cfg_path path;
	bool header;

	memset(o, 0, sizeof(*o));
	hy_csv_options_init(&o->csv);
	o->compression = fc->compression;
	if (fo == NULL)
		return 0;
	hy_cfg_path_init(&path, "store.format_options");
	HY_TRY(read_char(fo, "separator", &path, &o->csv.separator, err));
	HY_TRY(read_char(fo, "quote_char", &path, &o->csv.quote_char, err));
	HY_TRY(hy_cfg_get_bool(fo, "has_header", &path, true, &header, err));
	HY_TRY(hy_cfg_get_bool(fo, "include_header", &path, header, &o->csv.has_header, err));
	return hy_cfg_get_enum(fo, "compression", &path, codecs, o->compression, &o->compression,
			       err);
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

int hy__local_pq_writer_available(struct hy_error *err)
{
	return hy_error_set(err, HY_EUNSUPPORTED,
			    "format 'parquet' is not available in this build yet");
}

int hy__local_write_file(const char *path, int format, const struct hy_local_write_opts *o,
			 struct hy_batch *batch, struct hy_error *err)
{
	switch (format) {
	case HY_FORMAT_CSV: return write_csv(path, o, batch, err);
	case HY_FORMAT_NDJSON: return write_ndjson(path, batch, err);
	default: return hy__local_pq_writer_available(err);
	}
}
