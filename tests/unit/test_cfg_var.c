/* --var flow.<flow>.<path>=<value> (behaviour.md §2.8). */
#include <string.h>

#include "hy_test.h"
#include "hygge/config.h"

static struct hy_cfg_node *value_of(const char *arg)
{
	static struct hy_cfg_node *over;
	struct hy_error err = {0};

	hy_cfg_node_destroy(over);
	over = NULL;
	if (arg == NULL)
		return NULL;
	if (hy_cfg_var_parse(&over, arg, &err) != 0)
		fail_msg("%s: %s", arg, err.msg);
	return hy_cfg_map_get(hy_cfg_map_get(over, "f"), "k");
}

static void test_value_rules(void **state)
{
	static const struct {
		const char *arg;
		enum hy_cfg_kind kind;
		double num;
	} cases[] = {
		{"flow.f.k=true", HY_CFG_BOOL, 1},   {"flow.f.k=YES", HY_CFG_BOOL, 1},
		{"flow.f.k=1", HY_CFG_BOOL, 1},      {"flow.f.k=False", HY_CFG_BOOL, 0},
		{"flow.f.k=no", HY_CFG_BOOL, 0},     {"flow.f.k=0", HY_CFG_BOOL, 0},
		{"flow.f.k=42", HY_CFG_INT, 42},     {"flow.f.k=007", HY_CFG_INT, 7},
		{"flow.f.k=1.5", HY_CFG_FLOAT, 1.5}, {"flow.f.k=.5", HY_CFG_FLOAT, 0.5},
		{"flow.f.k=5.", HY_CFG_FLOAT, 5},    {"flow.f.k=-5", HY_CFG_STR, 0},
		{"flow.f.k=1.2.3", HY_CFG_STR, 0},   {"flow.f.k=on", HY_CFG_STR, 0},
		{"flow.f.k=", HY_CFG_STR, 0},        {"flow.f.k=.", HY_CFG_STR, 0},
		{"flow.f.k=a=b", HY_CFG_STR, 0},     {"flow.f.k=1e3", HY_CFG_STR, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hy_cfg_node *v = value_of(cases[i].arg);

		if (v->kind != cases[i].kind)
			fail_msg("%s: got %s", cases[i].arg, hy_cfg_kind_name(v->kind));
		assert_string_equal(v->text, strchr(cases[i].arg, '=') + 1);
		if (v->kind == HY_CFG_BOOL)
			assert_int_equal(v->v.b, cases[i].num != 0);
		if (v->kind == HY_CFG_INT)
			assert_true(v->int_range && v->v.i == (int64_t)cases[i].num);
		if (v->kind == HY_CFG_FLOAT)
			assert_true(v->v.f == cases[i].num);
	}
	value_of(NULL);
}

static void test_nested_overrides_per_flow(void **state)
{
	struct hy_cfg_node *over = NULL, *users, *v;
	struct hy_error err = {0};
	int64_t n;

	(void)state;
	assert_int_equal(hy_cfg_var_parse(&over, "flow.users.store.path=lake/x", &err), 0);
	assert_int_equal(hy_cfg_var_parse(&over, "flow.users.store.polish.case=snake", &err), 0);
	assert_int_equal(hy_cfg_var_parse(&over, "flow.users.queue_size=0", &err), 0);
	assert_int_equal(hy_cfg_var_parse(&over, "flow.users.queue_size=500", &err), 0);
	assert_int_equal(hy_cfg_var_parse(&over, "flow.orders.full_drop=true", &err), 0);
	assert_int_equal(over->count, 2);
	users = hy_cfg_map_get(over, "users");
	assert_string_equal(users->keys[0]->text, "store");
	v = hy_cfg_map_get(users, "store");
	assert_string_equal(hy_cfg_map_get(v, "path")->text, "lake/x");
	assert_string_equal(hy_cfg_map_get(hy_cfg_map_get(v, "polish"), "case")->text, "snake");
	v = hy_cfg_map_get(users, "queue_size");
	assert_int_equal(v->v.i, 500); /* the last --var for a key wins */
	assert_true(hy_cfg_map_get(hy_cfg_map_get(over, "orders"), "full_drop")->v.b);
	/* a later check on an override names the --var it came from */
	assert_int_equal(hy_cfg_get_int(users, "queue_size", NULL, 10, 1, 100, &n, &err),
			 HY_ECONFIG);
	assert_string_equal(err.msg, "--var flow.users.queue_size=500: queue_size: must be between "
				     "1 and 100, got 500");
	hy_cfg_node_destroy(over);
}

static void test_errors(void **state)
{
	static const char *const bad_start[] = {"flow.users=1", "flows.users.x=1", "x.y.z=1",
						"flow=1", "=1"};
	struct hy_cfg_node *over = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_cfg_var_parse(&over, "flow.users.full_drop", &err), HY_ECONFIG);
	assert_string_equal(err.msg, "Invalid --var format: flow.users.full_drop. Use "
				     "flow.<flow_name>.field=value (e.g., "
				     "flow.mssql_to_mirrored_db.full_drop=true)");
	for (size_t i = 0; i < sizeof(bad_start) / sizeof(bad_start[0]); i++) {
		hy_error_init(&err);
		assert_int_equal(hy_cfg_var_parse(&over, bad_start[i], &err), HY_ECONFIG);
		assert_string_equal(err.msg, "--var must start with 'flow.<flow_name>.' (e.g., "
					     "flow.mssql_to_mirrored_db.full_drop=true)");
	}
	assert_null(over);
}

static void test_merge_onto_a_flow(void **state)
{
	const char *yaml = "store:\n  type: parquet\n  path: a\nfull_drop: false\n";
	struct hy_cfg_node *flow = NULL, *over = NULL, *store;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_cfg_parse(yaml, strlen(yaml), "flow.yml", &flow, &err), 0);
	assert_int_equal(hy_cfg_var_parse(&over, "flow.users.store.path=b", &err), 0);
	assert_int_equal(hy_cfg_var_parse(&over, "flow.users.full_drop=1", &err), 0);
	assert_int_equal(hy_cfg_merge(&flow, hy_cfg_map_get(over, "users"), &err), 0);
	store = hy_cfg_map_get(flow, "store");
	assert_string_equal(hy_cfg_map_get(store, "type")->text, "parquet");
	assert_string_equal(hy_cfg_map_get(store, "path")->text, "b");
	assert_true(hy_cfg_map_get(flow, "full_drop")->v.b);
	hy_cfg_node_destroy(over);
	hy_cfg_node_destroy(flow);
}

static void test_parse_under_alloc_failure(void **state)
{
	struct hy_cfg_node *over;
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		over = NULL;
		rc = hy_cfg_var_parse(&over, "flow.users.store.path=1.5", &err);
		if (rc == 0)
			rc = hy_cfg_var_parse(&over, "flow.users.store.x=y", &err);
		hy_cfg_node_destroy(over);
	});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_value_rules),
	cmocka_unit_test(test_nested_overrides_per_flow),
	cmocka_unit_test(test_errors),
	cmocka_unit_test(test_merge_onto_a_flow),
	cmocka_unit_test(test_parse_under_alloc_failure),
};
HY_TEST_MAIN(tests)
