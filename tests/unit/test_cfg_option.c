/* Option tables: reading a mapping into a struct, unknown-key warnings with
 * suggestions, kind and bound errors with file:line:col, defaults. */
#include <stdio.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/option.h"

static const char *const codecs[] = {"snappy", "gzip", "lz4", "brotli", "zstd", NULL};

/* A parquet store as behaviour.md §2.10 describes it (plus a float bound
 * shaped like Open Mirroring's folder_deletion_wait_seconds). */
struct store_cfg {
	const char *type;
	const char *path;
	int64_t batch_size;
	int compression;
	const char *file_pattern;
	bool mirror_journal;
	double wait;
	const struct hy_cfg_node *polish;
	const struct hy_cfg_node *key_columns;
};

static const struct hy_option store_options[] = {
	HY_OPT_STR("type", struct store_cfg, type, "parquet", HY_OPT_OPTIONAL, "Store type"),
	HY_OPT_STR("path", struct store_cfg, path, NULL, HY_OPT_REQUIRED, "Destination directory"),
	HY_OPT_INT("batch_size", struct store_cfg, batch_size, 100000, 1, INT64_MAX,
		   "Rows per file"),
	HY_OPT_ENUM("compression", struct store_cfg, compression, codecs, 0, "Parquet codec"),
	HY_OPT_STR("file_pattern", struct store_cfg, file_pattern, "{sequence:020d}.parquet",
		   HY_OPT_OPTIONAL, "File names"),
	HY_OPT_BOOL("mirror_journal", struct store_cfg, mirror_journal, false, "Mirror journal"),
	HY_OPT_FLOAT("folder_deletion_wait_seconds", struct store_cfg, wait, 120.0, 0, 900,
		     "Wait after deleting a folder"),
	HY_OPT_NODE("polish", HY_OPT_KIND_MAP, struct store_cfg, polish, HY_OPT_OPTIONAL,
		    "Column polish"),
	HY_OPT_NODE("key_columns", HY_OPT_KIND_ANY, struct store_cfg, key_columns, HY_OPT_OPTIONAL,
		    "Key columns"),
	{.name = "options", .kind = HY_OPT_KIND_MAP, .offset = HY_OPT_NO_OFFSET},
	{0},
};

struct warnings {
	int count;
	char last[HY_ERROR_MSG_MAX];
};

static void collect(void *user, const char *message)
{
	struct warnings *w = user;

	w->count++;
	snprintf(w->last, sizeof(w->last), "%s", message);
}

static struct hy_cfg_node *parse_ok(const char *yaml)
{
	struct hy_cfg_node *root = NULL;
	struct hy_error err = {0};

	if (hy_cfg_parse(yaml, strlen(yaml), "flow.yml", &root, &err) != 0)
		fail_msg("parse failed: %s", err.msg);
	return root;
}

static int read_store(const char *yaml, struct store_cfg *cfg, struct warnings *w,
		      struct hy_error *err)
{
	struct hy_cfg_node *root = parse_ok(yaml);
	struct hy_cfg_path path;
	int rc;

	hy_error_init(err);
	memset(w, 0, sizeof(*w));
	hy_cfg_path_init(&path, "store");
	rc = hy_cfg_options_read(hy_cfg_map_get(root, "store"), store_options, cfg, &path, collect,
				 w, err);
	assert_string_equal(path.text, "store");
	hy_cfg_node_destroy(root);
	return rc;
}

static void test_defaults_and_values(void **state)
{
	struct store_cfg cfg;
	struct warnings w;
	struct hy_error err;
	struct hy_cfg_node *root = parse_ok("store:\n  path: lake\n  batch_size: '500'\n"
					    "  compression: ZSTD\n  mirror_journal: yes\n"
					    "  folder_deletion_wait_seconds: 2\n  polish: {a: 1}\n"
					    "  key_columns: id\n  file_pattern:\n");

	(void)state;
	memset(&cfg, 0xab, sizeof(cfg));
	memset(&w, 0, sizeof(w));
	hy_error_init(&err);
	assert_int_equal(hy_cfg_options_read(hy_cfg_map_get(root, "store"), store_options, &cfg,
					     NULL, collect, &w, &err),
			 0);
	assert_int_equal(w.count, 0);
	assert_string_equal(cfg.type, "parquet");
	assert_string_equal(cfg.path, "lake");
	assert_int_equal(cfg.batch_size, 500);
	assert_int_equal(cfg.compression, 4);
	assert_true(cfg.mirror_journal);
	assert_true(cfg.wait == 2.0);
	assert_int_equal(cfg.polish->kind, HY_CFG_MAP);
	assert_string_equal(cfg.key_columns->text, "id");
	assert_string_equal(cfg.file_pattern, "{sequence:020d}.parquet"); /* null: default */
	hy_cfg_node_destroy(root);

	assert_int_equal(read_store("store: {path: p}\n", &cfg, &w, &err), 0);
	assert_int_equal(cfg.batch_size, 100000);
	assert_int_equal(cfg.compression, 0);
	assert_false(cfg.mirror_journal);
	assert_true(cfg.wait == 120.0);
	assert_null(cfg.polish);
	assert_null(cfg.key_columns);
}

static void test_unknown_keys_warn_with_suggestion(void **state)
{
	struct store_cfg cfg;
	struct warnings w;
	struct hy_error err;

	(void)state;
	assert_int_equal(read_store("store:\n  path: p\n  compresion: gzip\n", &cfg, &w, &err), 0);
	assert_int_equal(w.count, 1);
	assert_string_equal(w.last, "flow.yml:3:3: store: unknown key 'compresion' is ignored (did "
				    "you mean 'compression'?)");
	assert_int_equal(cfg.compression, 0); /* the misspelt key did nothing */
	assert_int_equal(read_store("store:\n  path: p\n  colour: red\n  x: 1\n", &cfg, &w, &err),
			 0);
	assert_int_equal(w.count, 2);
	assert_string_equal(w.last, "flow.yml:4:3: store: unknown key 'x' is ignored");
}

static void test_kind_and_bound_errors(void **state)
{
	struct store_cfg cfg;
	struct warnings w;
	struct hy_error err;

	(void)state;
	assert_int_equal(read_store("store:\n  path: p\n  batch_size: 0\n", &cfg, &w, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:3:15: store.batch_size: must be at least 1, got 0");
	assert_int_equal(read_store("store:\n  path: p\n  compression: snapy\n", &cfg, &w, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:3:16: store.compression: 'snapy' is not one of "
				     "snappy, gzip, lz4, brotli, zstd (did you mean 'snappy'?)");
	assert_int_equal(read_store("store:\n  path: p\n  folder_deletion_wait_seconds: 900.5\n",
				    &cfg, &w, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:3:33: store.folder_deletion_wait_seconds: must be "
				     "between 0 and 900, got 900.5");
	assert_int_equal(read_store("store:\n  path: p\n  polish: [a]\n", &cfg, &w, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:3:11: store.polish: expected a mapping, got a list");
	assert_int_equal(read_store("store:\n  path: p\n  options: 5\n", &cfg, &w, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg,
			    "flow.yml:3:12: store.options: expected a mapping, got an integer");
	assert_int_equal(read_store("store:\n  type: parquet\n", &cfg, &w, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:2:3: store: 'path' is required");
	assert_int_equal(read_store("store: lake\n", &cfg, &w, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:1:8: store: expected a mapping, got a string");
}

static void test_validate_only_and_absent_map(void **state)
{
	struct hy_error err = {0};
	struct hy_cfg_node *root = parse_ok("store: {path: p, batch_size: 7}\n");
	static const struct hy_option optional_only[] = {
		{.name = "n",
		 .kind = HY_OPT_KIND_INT,
		 .offset = HY_OPT_NO_OFFSET,
		 .min = 1,
		 .max = 9},
		{0},
	};

	(void)state;
	assert_int_equal(hy_cfg_options_read(hy_cfg_map_get(root, "store"), store_options, NULL,
					     NULL, NULL, NULL, &err),
			 0);
	assert_int_equal(hy_cfg_options_read(NULL, optional_only, NULL, NULL, NULL, NULL, &err), 0);
	assert_int_equal(hy_cfg_options_read(NULL, store_options, NULL, NULL, NULL, NULL, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg, "'path' is required");
	hy_cfg_node_destroy(root);
}

static void test_default_text_and_find(void **state)
{
	char buf[64];

	(void)state;
	hy_cfg_option_default_text(hy_cfg_option_find(store_options, "batch_size"), buf,
				   sizeof(buf));
	assert_string_equal(buf, "100000");
	hy_cfg_option_default_text(hy_cfg_option_find(store_options, "compression"), buf,
				   sizeof(buf));
	assert_string_equal(buf, "snappy");
	hy_cfg_option_default_text(hy_cfg_option_find(store_options, "mirror_journal"), buf,
				   sizeof(buf));
	assert_string_equal(buf, "false");
	hy_cfg_option_default_text(
		hy_cfg_option_find(store_options, "folder_deletion_wait_seconds"), buf,
		sizeof(buf));
	assert_string_equal(buf, "120");
	hy_cfg_option_default_text(hy_cfg_option_find(store_options, "path"), buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_null(hy_cfg_option_find(store_options, "nope"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_defaults_and_values),
	cmocka_unit_test(test_unknown_keys_warn_with_suggestion),
	cmocka_unit_test(test_kind_and_bound_errors),
	cmocka_unit_test(test_validate_only_and_absent_map),
	cmocka_unit_test(test_default_text_and_find),
};
HY_TEST_MAIN(tests)
