/* Reading config values: typed getters and their messages, key paths,
 * suggestions, deep copy and deep merge. */
#include <math.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/config.h"

#define DATA HY_TEST_DATA_DIR "/config/"

static const char *const codecs[] = {"snappy", "gzip", "lz4", "brotli", "zstd", NULL};

static struct hy_cfg_node *parse_ok(const char *yaml, const char *file)
{
	struct hy_cfg_node *root = NULL;
	struct hy_error err = {0};

	if (hy_cfg_parse(yaml, strlen(yaml), file, &root, &err) != 0)
		fail_msg("parse failed: %s", err.msg);
	return root;
}

static void test_enum_error_names_file_key_path_and_suggestion(void **state)
{
	struct hy_cfg_node *root = NULL, *store;
	struct hy_cfg_path path;
	struct hy_error err = {0};
	int idx = -1;

	(void)state;
	assert_int_equal(hy_cfg_load_file(DATA "marks.yml", "flows/users/flow.yml", &root, &err),
			 0);
	store = hy_cfg_map_get(root, "store");
	hy_cfg_path_init(&path, "store");
	assert_int_equal(hy_cfg_get_enum(store, "compression", &path, codecs, 0, &idx, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg, "flows/users/flow.yml:5:16: store.compression: 'snapy' is not "
				     "one of snappy, gzip, lz4, brotli, zstd (did you mean "
				     "'snappy'?)");
	assert_string_equal(path.text, "store"); /* the getter popped its key */
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_enum(store, "type", &path, codecs, 0, &idx, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flows/users/flow.yml:4:9: store.type: 'parquet' is not one "
				     "of snappy, gzip, lz4, brotli, zstd");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_enum(store, "absent", &path, codecs, 4, &idx, &err), 0);
	assert_int_equal(idx, 4);
	hy_cfg_node_destroy(root);

	root = parse_ok("c: ZSTD\n", "f.yml");
	assert_int_equal(hy_cfg_get_enum(root, "c", NULL, codecs, 0, &idx, &err), 0);
	assert_int_equal(idx, 4);
	hy_cfg_node_destroy(root);
}

static void test_int_getter_coercions_and_bounds(void **state)
{
	struct hy_cfg_node *root = parse_ok("a: 10\nb: '42'\nc: 3.0\nd: 3.5\ne: abc\nf: 0\n"
					    "g: yes\nh: [1]\ni: 99999999999999999999\nj: ~\n"
					    "k: ' 7 '\n",
					    "flow.yml");
	struct hy_cfg_path path;
	struct hy_error err = {0};
	int64_t v = 0;

	(void)state;
	hy_cfg_path_init(&path, NULL);
	assert_int_equal(hy_cfg_get_int(root, "a", &path, 1, 1, 100, &v, &err), 0);
	assert_int_equal(v, 10);
	assert_int_equal(hy_cfg_get_int(root, "b", &path, 1, 1, 100, &v, &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(hy_cfg_get_int(root, "c", &path, 1, 1, 100, &v, &err), 0);
	assert_int_equal(v, 3);
	assert_int_equal(hy_cfg_get_int(root, "k", &path, 1, 1, 100, &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(hy_cfg_get_int(root, "j", &path, 10, 1, 100, &v, &err), 0);
	assert_int_equal(v, 10); /* null means "use the default" */
	assert_int_equal(hy_cfg_get_int(root, "zz", &path, 11, 1, 100, &v, &err), 0);
	assert_int_equal(v, 11);

	assert_int_equal(hy_cfg_get_int(root, "d", &path, 1, 1, 100, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:4:4: d: '3.5' is not a whole number");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_int(root, "e", &path, 1, 1, 100, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:5:4: e: 'abc' is not an integer");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_int(root, "f", &path, 1, 1, 100, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:6:4: f: must be between 1 and 100, got 0");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_int(root, "f", &path, 1, 1, INT64_MAX, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:6:4: f: must be at least 1, got 0");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_int(root, "g", &path, 1, 1, 100, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:7:4: g: expected an integer, got a boolean 'yes'");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_int(root, "h", &path, 1, 1, 100, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:8:4: h: expected an integer, got a list");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_int(root, "i", &path, 1, 1, 100, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg,
			    "flow.yml:9:4: i: '99999999999999999999' is too large for an integer");
	hy_cfg_node_destroy(root);
}

static void test_bool_float_and_string_getters(void **state)
{
	struct hy_cfg_node *root = parse_ok("a: on\nb: 'FALSE'\nc: 1\nd: maybe\ne: 2.5\nf: '1e3'\n"
					    "g: 7\nh: 2024-01-01\ni: text\nj: 12\nk: {x: 1}\n",
					    "f.yml");
	struct hy_error err = {0};
	bool b = false;
	double d = 0;
	const char *s = NULL;

	(void)state;
	assert_int_equal(hy_cfg_get_bool(root, "a", NULL, false, &b, &err), 0);
	assert_true(b);
	assert_int_equal(hy_cfg_get_bool(root, "b", NULL, true, &b, &err), 0);
	assert_false(b);
	assert_int_equal(hy_cfg_get_bool(root, "c", NULL, false, &b, &err), 0);
	assert_true(b);
	assert_int_equal(hy_cfg_get_bool(root, "none", NULL, true, &b, &err), 0);
	assert_true(b);
	assert_int_equal(hy_cfg_get_bool(root, "d", NULL, false, &b, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "f.yml:4:4: d: 'maybe' is not true or false");
	hy_error_init(&err);

	assert_int_equal(hy_cfg_get_float(root, "e", NULL, 0, &d, &err), 0);
	assert_true(d == 2.5);
	assert_int_equal(hy_cfg_get_float(root, "f", NULL, 0, &d, &err), 0);
	assert_true(d == 1000.0);
	assert_int_equal(hy_cfg_get_float(root, "g", NULL, 0, &d, &err), 0);
	assert_true(d == 7.0);
	assert_int_equal(hy_cfg_get_float(root, "i", NULL, 0, &d, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "f.yml:9:4: i: 'text' is not a number");
	hy_error_init(&err);

	assert_int_equal(hy_cfg_get_str(root, "h", NULL, NULL, &s, &err), 0);
	assert_string_equal(s, "2024-01-01");
	assert_int_equal(hy_cfg_get_str(root, "i", NULL, NULL, &s, &err), 0);
	assert_string_equal(s, "text");
	assert_int_equal(hy_cfg_get_str(root, "none", NULL, "dflt", &s, &err), 0);
	assert_string_equal(s, "dflt");
	assert_int_equal(hy_cfg_get_str(root, "j", NULL, NULL, &s, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "f.yml:10:4: j: expected a string, got an integer '12' (write "
				     "\"12\" with quotes to keep it text)");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_get_str(root, "k", NULL, NULL, &s, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "f.yml:11:4: k: expected a string, got a mapping");
	hy_cfg_node_destroy(root);
}

static void test_require_and_paths(void **state)
{
	struct hy_cfg_node *root = parse_ok("store:\n  type: parquet\n  path:\n", "flow.yml");
	struct hy_cfg_node *store = hy_cfg_map_get(root, "store"), *v = NULL;
	struct hy_cfg_path path;
	struct hy_error err = {0};
	size_t mark;

	(void)state;
	hy_cfg_path_init(&path, "store");
	assert_int_equal(hy_cfg_require(store, "type", &path, &v, &err), 0);
	assert_string_equal(v->text, "parquet");
	assert_int_equal(hy_cfg_require(store, "path", &path, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:3:8: store: 'path' is required");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_require(store, "table", &path, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "flow.yml:2:3: store: 'table' is required");
	assert_null(v);

	mark = hy_cfg_path_push(&path, "polish");
	hy_cfg_path_push_index(&path, 2);
	hy_cfg_path_push(&path, "name");
	assert_string_equal(path.text, "store.polish[2].name");
	hy_cfg_path_pop(&path, mark);
	assert_string_equal(path.text, "store");
	for (int i = 0; i < 100; i++)
		hy_cfg_path_push(&path, "abcdefgh");
	assert_int_equal(strlen(path.text), HY_CFG_PATH_MAX - 1);
	assert_string_equal(path.text + HY_CFG_PATH_MAX - 4, "...");
	hy_cfg_node_destroy(root);
}

static void test_suggestions(void **state)
{
	static const char *const keys[] = {"batch_size", "compression", "file_pattern",
					   "path",       "type",        NULL};

	(void)state;
	assert_string_equal(hy_cfg_suggest("snapy", codecs), "snappy");
	assert_string_equal(hy_cfg_suggest("SNAPPY", codecs), "snappy");
	assert_string_equal(hy_cfg_suggest("gzp", codecs), "gzip");
	assert_string_equal(hy_cfg_suggest("lz5", codecs), "lz4");
	assert_string_equal(hy_cfg_suggest("ztsd", codecs), "zstd"); /* a swap is one edit */
	assert_string_equal(hy_cfg_suggest("brotly", codecs), "brotli");
	assert_string_equal(hy_cfg_suggest("zip", codecs), "gzip");
	assert_null(hy_cfg_suggest("parquet", codecs));
	assert_null(hy_cfg_suggest("", codecs));
	assert_null(hy_cfg_suggest("x", codecs));
	assert_string_equal(hy_cfg_suggest("batchsize", keys), "batch_size");
	assert_string_equal(hy_cfg_suggest("compresion", keys), "compression");
	assert_string_equal(hy_cfg_suggest("Batch-Size", keys), "batch_size");
	assert_string_equal(hy_cfg_suggest("pth", keys), "path");
	assert_null(hy_cfg_suggest("tpye_of", keys));
}

static void test_deep_merge_keeps_marks(void **state)
{
	struct hy_cfg_node *flow =
		parse_ok("home: data/in\nstore:\n  type: parquet\n"
			 "  options: {a: 1, b: 2}\n  path: lake\nqueue_size: 5\n",
			 "flow.yml");
	struct hy_cfg_node *over = parse_ok("store:\n  options: {b: 3, c: 4}\n  path: [x]\n"
					    "queue_size: {n: 1}\nnew: 1\n",
					    "over.yml");
	struct hy_cfg_node *store, *opts, *v, *copy = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_cfg_merge(&flow, over, &err), 0);
	store = hy_cfg_map_get(flow, "store");
	assert_string_equal(store->keys[0]->text, "type");
	assert_string_equal(hy_cfg_map_get(store, "type")->file->name, "flow.yml");
	opts = hy_cfg_map_get(store, "options");
	assert_int_equal(opts->count, 3);
	assert_int_equal(hy_cfg_map_get(opts, "a")->v.i, 1);
	v = hy_cfg_map_get(opts, "b");
	assert_int_equal(v->v.i, 3);
	assert_string_equal(v->file->name, "over.yml");
	assert_int_equal(v->line, 2);
	assert_int_equal(v->col, 16);
	assert_int_equal(hy_cfg_map_get(opts, "c")->v.i, 4);
	assert_int_equal(hy_cfg_map_key(opts, "c")->col, 19);
	assert_int_equal(hy_cfg_map_get(store, "path")->kind, HY_CFG_SEQ); /* replaced */
	assert_int_equal(hy_cfg_map_get(flow, "queue_size")->kind, HY_CFG_MAP);
	assert_string_equal(flow->keys[3]->text, "new");
	/* the source is unchanged and owned by its caller */
	assert_int_equal(hy_cfg_map_get(hy_cfg_map_get(over, "store"), "options")->count, 2);

	/* a non-mapping source replaces the whole destination */
	assert_int_equal(hy_cfg_merge(&flow->items[1], hy_cfg_map_get(flow, "home"), &err), 0);
	assert_int_equal(flow->items[1]->kind, HY_CFG_STR);
	assert_string_equal(flow->items[1]->text, "data/in");

	assert_int_equal(hy_cfg_node_copy(flow, &copy, &err), 0);
	assert_int_equal(copy->count, flow->count);
	assert_string_equal(copy->items[0]->text, "data/in");
	assert_ptr_equal(copy->items[0]->file, flow->items[0]->file);
	assert_int_equal(copy->items[0]->col, 7);
	hy_cfg_node_destroy(copy);
	hy_cfg_node_destroy(over);
	hy_cfg_node_destroy(flow);
}

static void test_merge_under_alloc_failure(void **state)
{
	struct hy_cfg_node *flow = NULL, *over = NULL;
	struct hy_error err;
	int rc;

	(void)state;
	over = parse_ok("store: {options: {b: 3, c: 4}, path: [x]}\nnew: {deep: [1, 2]}\n", "o");
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		hy_alloc_fail_reset();
		flow = parse_ok("store: {type: parquet, options: {a: 1, b: 2}}\n", "f");
		hy_alloc_fail_after(hy_n_);
		rc = hy_cfg_merge(&flow, over, &err);
		hy_cfg_node_destroy(flow);
	});
	hy_cfg_node_destroy(over);
}

static void test_build_nodes_in_code(void **state)
{
	struct hy_cfg_node *map = hy_cfg_node_create(HY_CFG_MAP, NULL, NULL);
	struct hy_cfg_node *seq = hy_cfg_node_create(HY_CFG_SEQ, NULL, NULL);
	struct hy_error err = {0};
	char mark[64];

	(void)state;
	assert_int_equal(hy_cfg_seq_push(seq, hy_cfg_node_create(HY_CFG_STR, "a", NULL), &err), 0);
	assert_int_equal(hy_cfg_map_set(map, "list", seq, &err), 0);
	assert_int_equal(hy_cfg_map_set(map, "x", hy_cfg_node_create(HY_CFG_STR, "1", NULL), &err),
			 0);
	assert_int_equal(hy_cfg_map_set(map, "x", hy_cfg_node_create(HY_CFG_STR, "2", NULL), &err),
			 0);
	assert_int_equal(map->count, 2);
	assert_string_equal(hy_cfg_map_get(map, "x")->text, "2");
	assert_null(hy_cfg_map_get(map, "y"));
	assert_null(hy_cfg_map_get(seq, "x"));
	hy_cfg_mark_format(map, mark, sizeof(mark));
	assert_string_equal(mark, "");
	assert_int_equal(hy_cfg_error(&err, map, NULL, "plain %d", 1), HY_ECONFIG);
	assert_string_equal(err.msg, "plain 1");
	hy_cfg_node_destroy(map);
	hy_cfg_node_destroy(NULL);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_enum_error_names_file_key_path_and_suggestion),
	cmocka_unit_test(test_int_getter_coercions_and_bounds),
	cmocka_unit_test(test_bool_float_and_string_getters),
	cmocka_unit_test(test_require_and_paths),
	cmocka_unit_test(test_suggestions),
	cmocka_unit_test(test_deep_merge_keeps_marks),
	cmocka_unit_test(test_merge_under_alloc_failure),
	cmocka_unit_test(test_build_nodes_in_code),
};
HY_TEST_MAIN(tests)
