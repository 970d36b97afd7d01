/* The local home's reader options (from `format_options`) and its parquet
 * reader shim. */
#include <string.h>

#include "home_local_int.h"
#include "hygge/alloc.h"
#include "hygge/parquet.h"

static int read_nulls(struct hy_local_read_opts *o, const struct hy_cfg_node *node,
		      struct hy_cfg_path *path, struct hy_error *err)
{
	size_t n = node->kind == HY_CFG_SEQ ? node->count : 1;

	if ((o->nulls = hy_calloc(n, sizeof(*o->nulls))) == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	if (node->kind != HY_CFG_SEQ)
		HY_TRY(hy_cfg_to_str(node, path, &o->nulls[0], err));
	for (size_t i = 0; node->kind == HY_CFG_SEQ && i < n; i++) {
		size_t mark = hy_cfg_path_push_index(path, i);

		HY_TRY(hy_cfg_to_str(node->items[i], path, &o->nulls[i], err));
		hy_cfg_path_pop(path, mark);
	}
	o->csv.null_values = o->nulls;
	o->csv.n_null_values = n;
	return 0;
}

static int read_overrides(struct hy_local_read_opts *o, const struct hy_cfg_node *node,
			  struct hy_cfg_path *path, struct hy_error *err)
{
	if (node->kind != HY_CFG_MAP)
		return hy_cfg_error(err, node, path, "must be a mapping of column to type");
	if (node->count > HY_FMT_MAX_OVERRIDES)
		return hy_cfg_error(err, node, path, "more than %d columns", HY_FMT_MAX_OVERRIDES);
	if ((o->overrides = hy_calloc(node->count ? node->count : 1, sizeof(*o->overrides))) ==
	    NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	for (size_t i = 0; i < node->count; i++) {
		size_t mark = hy_cfg_path_push(path, node->keys[i]->text);
		struct hy_dtype type;

		o->overrides[i].column = node->keys[i]->text;
		HY_TRY(hy_cfg_to_str(node->items[i], path, &o->overrides[i].type, err));
		if (hy_fmt_type_parse(o->overrides[i].type, &type, err) != 0) {
			char mark_text[256];

			hy_cfg_mark_format(node->items[i], mark_text, sizeof(mark_text));
			hy_error_prefix(err, "%s: %s", mark_text, path->text);
			return HY_ECONFIG;
		}
		hy_cfg_path_pop(path, mark);
	}
	o->csv.schema = o->ndjson.schema = o->overrides;
	o->csv.n_schema = o->ndjson.n_schema = node->count;
	return 0;
}

/* One byte from a string option (separator, quote_char); "" gives '\0'. */
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

int hy__local_read_opts_init(struct hy_local_read_opts *o, const struct hy_cfg_node *fo,
			     struct hy_error *err)
{
	struct hy_cfg_path path;
	const struct hy_cfg_node *node;
	int64_t infer;

	memset(o, 0, sizeof(*o));
	hy_csv_options_init(&o->csv);
	hy_ndjson_options_init(&o->ndjson);
	if (fo == NULL)
		return 0;
	hy_cfg_path_init(&path, "home.format_options");
	HY_TRY(read_char(fo, "separator", &path, &o->csv.separator, err));
	HY_TRY(read_char(fo, "quote_char", &path, &o->csv.quote_char, err));
	HY_TRY(hy_cfg_get_bool(fo, "has_header", &path, true, &o->csv.has_header, err));
	HY_TRY(hy_cfg_get_int(fo, "infer_schema_length", &path, HY_FMT_DEFAULT_INFER_ROWS, 0,
			      1000000000, &infer, err));
	o->csv.infer_schema_rows = o->ndjson.infer_schema_rows = (long)infer;
	HY_TRY(hy_cfg_get_str(fo, "encoding", &path, NULL, &o->csv.encoding, err));
	if ((node = hy_cfg_map_get(fo, "null_values")) != NULL && node->kind != HY_CFG_NULL) {
		size_t mark = hy_cfg_path_push(&path, "null_values");

		HY_TRY(read_nulls(o, node, &path, err));
		hy_cfg_path_pop(&path, mark);
	}
	node = hy_cfg_map_get(fo, "schema_overrides");
	if (node == NULL)
		node = hy_cfg_map_get(fo, "schema");
	if (node != NULL && node->kind != HY_CFG_NULL) {
		size_t mark = hy_cfg_path_push(&path, hy_cfg_map_get(fo, "schema_overrides") != NULL
							      ? "schema_overrides"
							      : "schema");

		HY_TRY(read_overrides(o, node, &path, err));
		hy_cfg_path_pop(&path, mark);
	}
	return 0;
}

void hy__local_read_opts_reset(struct hy_local_read_opts *o)
{
	hy_free(o->nulls);
	hy_free(o->overrides);
	memset(o, 0, sizeof(*o));
}

/* ---- parquet ---- */

int hy__local_pq_open(struct hy_pq_reader **out, const char *path, int64_t batch_size,
		      struct hy_pool *pool, struct hy_error *err)
{
	/* Dictionary-encoded string chunks stay in dictionary form: no gather
	 * of every row's bytes in the reader, and the parquet writer can reuse
	 * the indices. Every consumer of batches reads them (through
	 * hy_column_get_bytes, hy_builder_append_column or the dictionary
	 * itself); tests/unit/dict_fixture.h feeds each one such batches. */
	struct hy_pq_reader_options o = {.max_batch_rows = batch_size,
					 .pool = pool,
					 .keep_dictionary = true,
					 .no_prefetch = true};

	return hy_pq_reader_open_file(out, path, &o, err);
}
