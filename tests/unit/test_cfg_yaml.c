/* YAML -> node tree: PyYAML-compatible scalar resolution, marks, duplicate
 * keys, anchors and merge keys, syntax errors, caps, failure injection. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/buffer.h"
#include "hygge/config.h"

#define DATA HY_TEST_DATA_DIR "/config/"

enum res {
	RES_NULL,
	RES_BOOL,
	RES_INT,
	RES_BIGINT,
	RES_FLOAT,
	RES_STR,
	RES_DATE,
	RES_DATETIME,
	RES_ERROR
};

struct resolution {
	const char *text;
	enum res res;
	int64_t i; /* BOOL and INT */
	double f;  /* FLOAT */
};

/* Marks agree with PyYAML's yaml.compose() (start_mark + 1).
 *
 * What `yaml.safe_load("v: " + text)["v"]` gives with PyYAML 6.0.3 (pure
 * Python SafeLoader; python3-yaml 6.0 in Debian resolves the same). Generated
 * once with a script, then frozen here: PyYAML is not a build dependency. */
static const struct resolution table[] = {
	{"~", RES_NULL, 0, 0},
	{"null", RES_NULL, 0, 0},
	{"Null", RES_NULL, 0, 0},
	{"NULL", RES_NULL, 0, 0},
	{"nULL", RES_STR, 0, 0},
	{"", RES_NULL, 0, 0},
	{"yes", RES_BOOL, 1, 0},
	{"Yes", RES_BOOL, 1, 0},
	{"YES", RES_BOOL, 1, 0},
	{"yEs", RES_STR, 0, 0},
	{"no", RES_BOOL, 0, 0},
	{"NO", RES_BOOL, 0, 0},
	{"on", RES_BOOL, 1, 0},
	{"ON", RES_BOOL, 1, 0},
	{"off", RES_BOOL, 0, 0},
	{"Off", RES_BOOL, 0, 0},
	{"true", RES_BOOL, 1, 0},
	{"True", RES_BOOL, 1, 0},
	{"TRUE", RES_BOOL, 1, 0},
	{"tRUE", RES_STR, 0, 0},
	{"false", RES_BOOL, 0, 0},
	{"False", RES_BOOL, 0, 0},
	{"FALSE", RES_BOOL, 0, 0},
	{"y", RES_STR, 0, 0},
	{"Y", RES_STR, 0, 0},
	{"n", RES_STR, 0, 0},
	{"N", RES_STR, 0, 0},
	{"t", RES_STR, 0, 0},
	{"f", RES_STR, 0, 0},
	{"0", RES_INT, INT64_C(0), 0},
	{"-0", RES_INT, INT64_C(0), 0},
	{"+0", RES_INT, INT64_C(0), 0},
	{"12", RES_INT, INT64_C(12), 0},
	{"1_000", RES_INT, INT64_C(1000), 0},
	{"-17", RES_INT, INT64_C(-17), 0},
	{"+17", RES_INT, INT64_C(17), 0},
	{"0x1F", RES_INT, INT64_C(31), 0},
	{"0X1F", RES_STR, 0, 0},
	{"0x_1", RES_INT, INT64_C(1), 0},
	{"-0x10", RES_INT, INT64_C(-16), 0},
	{"0o17", RES_STR, 0, 0},
	{"017", RES_INT, INT64_C(15), 0},
	{"-017", RES_INT, INT64_C(-15), 0},
	{"08", RES_STR, 0, 0},
	{"09", RES_STR, 0, 0},
	{"0b101", RES_INT, INT64_C(5), 0},
	{"-0b11", RES_INT, INT64_C(-3), 0},
	{"0b2", RES_STR, 0, 0},
	{"1:30", RES_INT, INT64_C(90), 0},
	{"-1:30", RES_INT, INT64_C(-90), 0},
	{"190:20:30", RES_INT, INT64_C(685230), 0},
	{"0:30", RES_STR, 0, 0},
	{"1:60", RES_STR, 0, 0},
	{"1:5", RES_INT, INT64_C(65), 0},
	{"1:123", RES_STR, 0, 0},
	{"1.5", RES_FLOAT, 0, 1.5},
	{"1.", RES_FLOAT, 0, 1.0},
	{"-1.5", RES_FLOAT, 0, -1.5},
	{".5", RES_FLOAT, 0, 0.5},
	{"-.5", RES_STR, 0, 0},
	{"+.5", RES_STR, 0, 0},
	{"1e3", RES_STR, 0, 0},
	{"1.0e3", RES_STR, 0, 0},
	{"1.0e+3", RES_FLOAT, 0, 1000.0},
	{"1.0E-3", RES_FLOAT, 0, 0.001},
	{"1_0.5", RES_FLOAT, 0, 10.5},
	{"1:30.5", RES_FLOAT, 0, 90.5},
	{".inf", RES_FLOAT, 0, INFINITY},
	{"-.inf", RES_FLOAT, 0, -INFINITY},
	{"+.Inf", RES_FLOAT, 0, INFINITY},
	{".INF", RES_FLOAT, 0, INFINITY},
	{".nan", RES_FLOAT, 0, NAN},
	{".NaN", RES_FLOAT, 0, NAN},
	{"-.nan", RES_STR, 0, 0},
	{"NaN", RES_STR, 0, 0},
	{"inf", RES_STR, 0, 0},
	{"1.2.3", RES_STR, 0, 0},
	{".", RES_STR, 0, 0},
	{"2024-01-01", RES_DATE, 0, 0},
	{"2024-1-1", RES_STR, 0, 0},
	{"2024-01-01 10:00:00", RES_DATETIME, 0, 0},
	{"2024-01-01T10:00:00Z", RES_DATETIME, 0, 0},
	{"2024-01-01t10:00:00.5+02:00", RES_DATETIME, 0, 0},
	{"2024-1-2 3:04:05 -5", RES_DATETIME, 0, 0},
	{"2024-02-29", RES_DATE, 0, 0},
	{"2023-02-29", RES_ERROR, 0, 0},
	{"2024-13-45", RES_ERROR, 0, 0},
	{"2024-01-01 24:00:00", RES_ERROR, 0, 0},
	{"00", RES_INT, INT64_C(0), 0},
	{"0_", RES_INT, INT64_C(0), 0},
	{"1__", RES_INT, INT64_C(1), 0},
	{"9223372036854775807", RES_INT, INT64_C(9223372036854775807), 0},
	{"-9223372036854775808", RES_INT, INT64_MIN, 0},
	{"9223372036854775808", RES_BIGINT, 0, 0},
	{"0x_", RES_ERROR, 0, 0},
	{"0b_", RES_ERROR, 0, 0},
	{"=", RES_ERROR, 0, 0},
	{"<<", RES_ERROR, 0, 0},
	{"abc", RES_STR, 0, 0},
	{"snappy", RES_STR, 0, 0},
	{"hello world", RES_STR, 0, 0},
	{"${HOME}", RES_STR, 0, 0},
	{"1 2", RES_STR, 0, 0},
};

static struct hy_cfg_node *parse_ok(const char *yaml)
{
	struct hy_cfg_node *root = NULL;
	struct hy_error err = {0};
	int rc = hy_cfg_parse(yaml, strlen(yaml), "t.yml", &root, &err);

	if (rc != 0)
		fail_msg("parse failed: %s", err.msg);
	return root;
}

static int parse_err(const char *yaml, struct hy_error *err)
{
	struct hy_cfg_node *root = NULL;
	int rc;

	hy_error_init(err);
	rc = hy_cfg_parse(yaml, strlen(yaml), "t.yml", &root, err);
	assert_null(root);
	return rc;
}

static void test_scalar_resolution_matches_pyyaml(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
		const struct resolution *r = &table[k];
		char doc[128];
		struct hy_cfg_node *root = NULL, *v;
		struct hy_error err = {0};
		int rc;

		snprintf(doc, sizeof(doc), "v: %s\n", r->text);
		rc = hy_cfg_parse(doc, strlen(doc), "t.yml", &root, &err);
		if (r->res == RES_ERROR) {
			if (rc != HY_ECONFIG)
				fail_msg("'%s': expected an error, got rc %d", r->text, rc);
			assert_non_null(strstr(err.msg, "t.yml:1:4: "));
			continue;
		}
		if (rc != 0)
			fail_msg("'%s': %s", r->text, err.msg);
		v = hy_cfg_map_get(root, "v");
		assert_non_null(v);
		assert_string_equal(v->text, r->text);
		assert_false(v->quoted);
		switch (r->res) {
		case RES_NULL: assert_int_equal(v->kind, HY_CFG_NULL); break;
		case RES_BOOL:
			if (v->kind != HY_CFG_BOOL)
				fail_msg("'%s' should be a boolean", r->text);
			assert_int_equal(v->v.b, r->i);
			break;
		case RES_INT:
			if (v->kind != HY_CFG_INT || !v->int_range)
				fail_msg("'%s' should be an integer", r->text);
			assert_true(v->v.i == r->i);
			break;
		case RES_BIGINT:
			assert_int_equal(v->kind, HY_CFG_INT);
			assert_false(v->int_range);
			break;
		case RES_FLOAT:
			if (v->kind != HY_CFG_FLOAT)
				fail_msg("'%s' should be a float", r->text);
			if (isnan(r->f))
				assert_true(isnan(v->v.f));
			else
				assert_true(v->v.f == r->f);
			break;
		case RES_STR:
			if (v->kind != HY_CFG_STR)
				fail_msg("'%s' should be a string, is %s", r->text,
					 hy_cfg_kind_name(v->kind));
			break;
		case RES_DATE:
		case RES_DATETIME:
			if (v->kind != HY_CFG_TIMESTAMP)
				fail_msg("'%s' should be a timestamp", r->text);
			assert_int_equal(v->is_date, r->res == RES_DATE);
			break;
		case RES_ERROR: break;
		}
		hy_cfg_node_destroy(root);
	}
}

static void test_quoted_and_tagged_scalars(void **state)
{
	struct hy_cfg_node *root = parse_ok("a: '12'\nb: \"yes\"\nc: |\n  multi\n  line\n"
					    "d: !!str 12\ne: !!int '12'\nf: ! 12\ng: !!float 3\n"
					    "h: >\n  fold\n  ed\n");
	struct hy_cfg_node *v;

	(void)state;
	v = hy_cfg_map_get(root, "a");
	assert_int_equal(v->kind, HY_CFG_STR);
	assert_true(v->quoted);
	assert_int_equal(hy_cfg_map_get(root, "b")->kind, HY_CFG_STR);
	v = hy_cfg_map_get(root, "c");
	assert_int_equal(v->kind, HY_CFG_STR);
	assert_string_equal(v->text, "multi\nline\n");
	assert_int_equal(hy_cfg_map_get(root, "d")->kind, HY_CFG_STR);
	v = hy_cfg_map_get(root, "e");
	assert_int_equal(v->kind, HY_CFG_INT);
	assert_int_equal(v->v.i, 12);
	assert_int_equal(hy_cfg_map_get(root, "f")->kind, HY_CFG_INT); /* as PyYAML */
	v = hy_cfg_map_get(root, "g");
	assert_int_equal(v->kind, HY_CFG_FLOAT);
	assert_true(v->v.f == 3.0);
	assert_string_equal(hy_cfg_map_get(root, "h")->text, "fold ed\n");
	hy_cfg_node_destroy(root);
}

static void test_bad_tags(void **state)
{
	struct hy_error err;

	(void)state;
	assert_int_equal(parse_err("a: !foo 12\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg,
			    "t.yml:1:4: could not determine a constructor for the tag '!foo'");
	assert_int_equal(parse_err("a: !!int abc\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:1:4: 'abc' is not a valid !!int");
	assert_int_equal(parse_err("a: !!set {x}\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:1:4: could not determine a constructor for the tag "
				     "'tag:yaml.org,2002:set'");
}

static void test_marks_on_nested_nodes(void **state)
{
	struct hy_cfg_node *root = NULL, *store, *v;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_cfg_load_file(DATA "marks.yml", "flows/users/flow.yml", &root, &err),
			 0);
	assert_int_equal(root->kind, HY_CFG_MAP);
	assert_int_equal(root->line, 2);
	assert_int_equal(root->col, 1);
	store = hy_cfg_map_get(root, "store");
	assert_int_equal(store->line, 4);
	assert_int_equal(store->col, 3);
	v = hy_cfg_map_get(store, "compression");
	assert_string_equal(v->file->name, "flows/users/flow.yml");
	assert_int_equal(v->line, 5);
	assert_int_equal(v->col, 16);
	v = hy_cfg_map_key(store, "compression");
	assert_int_equal(v->line, 5);
	assert_int_equal(v->col, 3);
	v = hy_cfg_map_get(hy_cfg_map_get(store, "options"), "tags");
	assert_int_equal(v->kind, HY_CFG_SEQ);
	assert_int_equal(v->line, 6);
	assert_int_equal(v->col, 29);
	assert_int_equal(v->items[1]->col, 33);
	assert_true(v->items[1]->quoted);
	v = hy_cfg_map_get(root, "entities");
	assert_int_equal(v->count, 2);
	assert_int_equal(v->items[0]->line, 8);
	assert_int_equal(v->items[0]->col, 5);
	v = hy_cfg_map_get(v->items[1], "batch_size");
	assert_int_equal(v->line, 10);
	assert_int_equal(v->col, 17);
	assert_int_equal(v->v.i, 1000);
	hy_cfg_node_destroy(root);
}

static void test_duplicate_keys_name_both_places(void **state)
{
	struct hy_cfg_node *root = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_cfg_load_file(DATA "duplicate.yml", "flow.yml", &root, &err),
			 HY_ECONFIG);
	assert_null(root);
	assert_string_equal(err.msg,
			    "flow.yml:5:3: duplicate key 'path', first defined at flow.yml:3:3");
	assert_int_equal(parse_err("{a: 1, b: 2, a: 3}", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:1:14: duplicate key 'a', first defined at t.yml:1:2");
}

static void test_keys_stay_text(void **state)
{
	struct hy_cfg_node *root = parse_ok("1: a\nyes: b\n~: c\n'1.0': d\n");

	(void)state;
	assert_int_equal(root->count, 4);
	assert_string_equal(hy_cfg_map_get(root, "1")->text, "a");
	assert_string_equal(hy_cfg_map_get(root, "yes")->text, "b");
	assert_string_equal(hy_cfg_map_get(root, "~")->text, "c");
	assert_int_equal(root->keys[1]->kind, HY_CFG_STR);
	hy_cfg_node_destroy(root);
}

static void test_syntax_errors_have_line_and_column(void **state)
{
	struct hy_error err;

	(void)state;
	assert_int_equal(parse_err("a: [1, 2\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:2:1: did not find expected ',' or ']' "
				     "(while parsing a flow sequence at line 1, column 4)");
	assert_int_equal(parse_err("a: 1\n b: 2\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:2:3: mapping values are not allowed in this context");
	assert_int_equal(parse_err("a: \"x\n", &err), HY_ECONFIG);
	assert_non_null(strstr(err.msg, "t.yml:2:1: found unexpected end of stream"));
	assert_int_equal(parse_err("a: \xff\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml: invalid leading UTF-8 octet at byte 3");
}

static void test_multi_document_is_an_error(void **state)
{
	struct hy_cfg_node *root = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_cfg_load_file(DATA "two_docs.yml", "two.yml", &root, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "two.yml:2:1: expected a single document in the stream, but "
				     "found another document");
	/* One explicit document is fine, so is an empty file (null). */
	root = parse_ok("---\na: 1\n...\n");
	assert_int_equal(root->kind, HY_CFG_MAP);
	hy_cfg_node_destroy(root);
	root = parse_ok("# only a comment\n");
	assert_int_equal(root->kind, HY_CFG_NULL);
	assert_int_equal(root->line, 1);
	hy_cfg_node_destroy(root);
}

static void test_anchors_aliases_and_merge_keys(void **state)
{
	struct hy_cfg_node *root = NULL, *store, *list, *v;
	struct hy_error err = {0};
	static const char *const order[] = {"batch_size", "extra", "type", "options", "path"};

	(void)state;
	assert_int_equal(hy_cfg_load_file(DATA "anchors.yml", "a.yml", &root, &err), 0);
	store = hy_cfg_map_get(root, "store");
	/* PyYAML: {'batch_size': 5000, 'extra': True, 'type': 'parquet',
	 *          'options': {'level': 1}, 'path': 'data/lake'} */
	assert_int_equal(store->count, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(store->keys[i]->text, order[i]);
	assert_int_equal(hy_cfg_map_get(store, "batch_size")->v.i, 5000);
	assert_true(hy_cfg_map_get(store, "extra")->v.b);
	v = hy_cfg_map_get(store, "type");
	assert_string_equal(v->text, "parquet");
	assert_int_equal(v->line, 2); /* a merged value keeps the mark of its anchor */
	assert_int_equal(hy_cfg_map_get(hy_cfg_map_get(store, "options"), "level")->v.i, 1);
	v = hy_cfg_map_get(root, "copy");
	assert_int_equal(v->kind, HY_CFG_MAP);
	assert_int_equal(v->line, 4);
	list = hy_cfg_map_get(root, "list");
	assert_int_equal(list->count, 5);
	assert_int_equal(list->items[1]->v.i, 1);
	assert_int_equal(list->items[2]->kind, HY_CFG_TIMESTAMP);
	assert_true(list->items[2]->is_date);
	assert_string_equal(list->items[2]->text, "2024-01-01");
	assert_int_equal(list->items[4]->kind, HY_CFG_NULL);
	/* the anchor's own mapping was not changed by the merge */
	assert_int_equal(hy_cfg_map_get(root, "base")->count, 3);
	hy_cfg_node_destroy(root);

	/* PyYAML: {'a': {'p': 1, 'q': 2}, 'b': {'p': 1, 'q': 3, 'r': 4}} */
	root = parse_ok("a: &x {p: 1, q: 2}\nb:\n  <<: *x\n  q: 3\n  r: 4\n");
	v = hy_cfg_map_get(root, "b");
	assert_int_equal(v->count, 3);
	assert_string_equal(v->keys[0]->text, "p");
	assert_int_equal(hy_cfg_map_get(v, "q")->v.i, 3);
	hy_cfg_node_destroy(root);
	/* a quoted "<<" is an ordinary key */
	root = parse_ok("a: {'<<': 1}\n");
	assert_int_equal(hy_cfg_map_get(hy_cfg_map_get(root, "a"), "<<")->v.i, 1);
	hy_cfg_node_destroy(root);
}

static void test_alias_and_merge_errors(void **state)
{
	struct hy_error err;

	(void)state;
	assert_int_equal(parse_err("a: *nope\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:1:4: found undefined alias 'nope'");
	assert_int_equal(parse_err("b:\n  <<: 5\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:2:7: expected a mapping or list of mappings for "
				     "merging, but found an integer");
	assert_int_equal(parse_err("a: &r [1, *r]\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:1:11: alias 'r' refers to a collection that contains "
				     "it (recursive aliases are not supported)");
	assert_int_equal(parse_err("? [1, 2]\n: x\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:1:3: a mapping key must be a scalar, not a list");
	assert_int_equal(parse_err("a: =\n", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "t.yml:1:4: could not determine a constructor for the tag "
				     "'tag:yaml.org,2002:value'");
}

static void test_caps(void **state)
{
	struct hy_error err;
	struct hy_buf b;
	struct hy_cfg_node *root = NULL;

	(void)state;
	hy_buf_init(&b, 1 << 20);
	for (int i = 0; i < 70; i++)
		assert_int_equal(hy_buf_append(&b, "[", 1, &err), 0);
	assert_int_equal(parse_err((const char *)b.data, &err), HY_ELIMIT);
	assert_string_equal(err.msg, "t.yml:1:65: nested deeper than 64 levels");
	hy_buf_clear(&b);
	/* "billion laughs": each level doubles the tree */
	assert_int_equal(hy_buf_appendf(&b, &err, "a0: &a0 [x, x]\n"), 0);
	for (int i = 1; i < 30; i++)
		assert_int_equal(
			hy_buf_appendf(&b, &err, "a%d: &a%d [*a%d, *a%d]\n", i, i, i - 1, i - 1),
			0);
	assert_int_equal(parse_err((const char *)b.data, &err), HY_ELIMIT);
	assert_non_null(strstr(err.msg, "more than 200000 nodes in one file"));
	hy_buf_reset(&b);
	hy_error_init(&err);
	assert_int_equal(
		hy_cfg_parse("a: 1", (size_t)HY_CFG_MAX_FILE_BYTES + 1, "big.yml", &root, &err),
		HY_ELIMIT);
	assert_string_equal(err.msg, "big.yml: larger than the limit of 4194304 bytes");
	hy_error_init(&err);
	assert_int_equal(hy_cfg_load_file(DATA "missing.yml", "missing.yml", &root, &err), HY_EIO);
	assert_string_equal(err.msg, "missing.yml: cannot open: No such file or directory");
}

static void test_parse_under_alloc_failure(void **state)
{
	struct hy_cfg_node *root;
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		root = NULL;
		rc = hy_cfg_load_file(DATA "anchors.yml", NULL, &root, &err);
		if (rc == 0) {
			assert_int_equal(hy_cfg_map_get(root, "store")->count, 5);
			hy_cfg_node_destroy(root);
		} else {
			assert_null(root);
		}
	});
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		root = NULL;
		rc = hy_cfg_load_file(DATA "marks.yml", NULL, &root, &err);
		hy_cfg_node_destroy(root);
	});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_scalar_resolution_matches_pyyaml),
	cmocka_unit_test(test_quoted_and_tagged_scalars),
	cmocka_unit_test(test_bad_tags),
	cmocka_unit_test(test_marks_on_nested_nodes),
	cmocka_unit_test(test_duplicate_keys_name_both_places),
	cmocka_unit_test(test_keys_stay_text),
	cmocka_unit_test(test_syntax_errors_have_line_and_column),
	cmocka_unit_test(test_multi_document_is_an_error),
	cmocka_unit_test(test_anchors_aliases_and_merge_keys),
	cmocka_unit_test(test_alias_and_merge_errors),
	cmocka_unit_test(test_caps),
	cmocka_unit_test(test_parse_under_alloc_failure),
};
HY_TEST_MAIN(tests)
