/* ${NAME} and ${NAME:-default} expansion in string values (behaviour.md §2.7). */
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/buffer.h"
#include "hygge/config.h"

/* A fixed environment instead of the process's. */
static const char *lookup(const char *name, void *user)
{
	static const char *const env[][2] = {{"LAKE", "/data/lake"},
					     {"EMPTY", ""},
					     {"N", "42"},
					     {"A B", "spaced"},
					     {NULL, NULL}};

	(void)user;
	for (int i = 0; env[i][0] != NULL; i++)
		if (strcmp(env[i][0], name) == 0)
			return env[i][1];
	return NULL;
}

static struct hy_cfg_node *expand(const char *yaml, int want_rc, struct hy_error *err)
{
	struct hy_cfg_node *root = NULL;

	hy_error_init(err);
	if (hy_cfg_parse(yaml, strlen(yaml), "flow.yml", &root, err) != 0)
		fail_msg("parse failed: %s", err->msg);
	assert_int_equal(hy_cfg_expand_env(root, lookup, NULL, err), want_rc);
	return root;
}

static const char *text(const struct hy_cfg_node *root, const char *key)
{
	return hy_cfg_map_get(root, key)->text;
}

static void test_set_unset_default(void **state)
{
	struct hy_error err;
	struct hy_cfg_node *root = expand("a: ${LAKE}/users\n"
					  "b: ${MISSING:-fallback}\n"
					  "c: ${MISSING:-}\n"
					  "d: ${EMPTY:-not used}\n"
					  "e: '${N}'\n"
					  "f: x${LAKE}y${N}z\n"
					  "g: ${LAKE:-a:-b}\n"
					  "h: ${A B}\n"
					  "i: plain\n",
					  0, &err);
	struct hy_cfg_node *v;

	(void)state;
	assert_string_equal(text(root, "a"), "/data/lake/users");
	assert_string_equal(text(root, "b"), "fallback");
	assert_string_equal(text(root, "c"), "");
	assert_string_equal(text(root, "d"), ""); /* set to "" wins, as os.environ.get */
	assert_string_equal(text(root, "f"), "x/data/lakey42z");
	assert_string_equal(text(root, "g"), "/data/lake");
	assert_string_equal(text(root, "h"), "spaced");
	/* expanded values stay strings, quoted or not; getters coerce them */
	v = hy_cfg_map_get(root, "e");
	assert_int_equal(v->kind, HY_CFG_STR);
	assert_true(v->expanded);
	assert_int_equal(v->line, 5);
	assert_false(hy_cfg_map_get(root, "i")->expanded);
	hy_cfg_node_destroy(root);
}

static void test_numbers_from_env_coerce_later(void **state)
{
	struct hy_error err;
	struct hy_cfg_node *root = expand("queue_size: ${N}\n", 0, &err);
	int64_t n = 0;

	(void)state;
	assert_int_equal(hy_cfg_map_get(root, "queue_size")->kind, HY_CFG_STR);
	assert_int_equal(hy_cfg_get_int(root, "queue_size", NULL, 10, 1, 100, &n, &err), 0);
	assert_int_equal(n, 42);
	hy_cfg_node_destroy(root);
}

static void test_unset_without_default_names_place(void **state)
{
	struct hy_error err;
	struct hy_cfg_node *root =
		expand("store:\n  options:\n    - ok\n    - ${TOKEN}\n", HY_ECONFIG, &err);

	(void)state;
	assert_string_equal(err.msg, "flow.yml:4:7: store.options[1]: Environment variable 'TOKEN' "
				     "is not set and no default");
	hy_cfg_node_destroy(root);
}

static void test_keys_and_literals_left_alone(void **state)
{
	struct hy_error err;
	struct hy_cfg_node *root = expand("${LAKE}: a\n"
					  "b: $LAKE\n"
					  "c: ${}\n"
					  "d: ${LAKE\n"
					  "e: 5\n"
					  "h: x${N}y${LAKE\n"
					  "f: ['${N}', {g: '${N}'}]\n",
					  0, &err);
	struct hy_cfg_node *f;

	(void)state;
	assert_string_equal(root->keys[0]->text, "${LAKE}");
	assert_string_equal(text(root, "${LAKE}"), "a");
	assert_string_equal(text(root, "b"), "$LAKE");
	assert_string_equal(text(root, "c"), "${}");
	assert_string_equal(text(root, "d"), "${LAKE");
	assert_int_equal(hy_cfg_map_get(root, "e")->kind, HY_CFG_INT);
	assert_string_equal(text(root, "h"), "x42y${LAKE");
	f = hy_cfg_map_get(root, "f");
	assert_string_equal(f->items[0]->text, "42");
	assert_string_equal(hy_cfg_map_get(f->items[1], "g")->text, "42");
	hy_cfg_node_destroy(root);
}

static void test_long_values(void **state)
{
	struct hy_buf yaml;
	struct hy_cfg_node *root = NULL;
	struct hy_error err = {0};
	const char *v;

	(void)state;
	/* 100,000 references, then 300,000 unclosed "${": both linear */
	hy_buf_init(&yaml, 4u << 20);
	assert_int_equal(hy_buf_append(&yaml, "a: '", 4, &err), 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(hy_buf_append(&yaml, "${N}", 4, &err), 0);
	assert_int_equal(hy_buf_append(&yaml, "'\nb: '", 6, &err), 0);
	for (int i = 0; i < 300000; i++)
		assert_int_equal(hy_buf_append(&yaml, "${:-", 4, &err), 0);
	assert_int_equal(hy_buf_append(&yaml, "'\nc: '", 6, &err), 0);
	for (int i = 0; i < 300000; i++)
		assert_int_equal(hy_buf_append(&yaml, "${LAKE}", 7, &err), 0);
	assert_int_equal(hy_buf_append(&yaml, "'\n", 2, &err), 0);
	assert_int_equal(hy_cfg_parse((const char *)yaml.data, yaml.len, "f", &root, &err), 0);
	assert_int_equal(hy_cfg_expand_env(root, lookup, NULL, &err), HY_ELIMIT);
	assert_string_equal(err.msg, "f:3:4: c: longer than 1048576 bytes after expansion");
	v = text(root, "a");
	assert_int_equal(strlen(v), 200000);
	assert_memory_equal(v, "424242", 6);
	assert_int_equal(strlen(text(root, "b")), 1200000);
	hy_cfg_node_destroy(root);
	hy_buf_reset(&yaml);
}

static void test_process_environment_by_default(void **state)
{
	struct hy_cfg_node *root = NULL;
	struct hy_error err = {0};
	const char *yaml = "p: ${HYGGE_TEST_CFG_ENV}\n";

	(void)state;
	assert_int_equal(setenv("HYGGE_TEST_CFG_ENV", "from-process", 1), 0);
	assert_int_equal(hy_cfg_parse(yaml, strlen(yaml), "f", &root, &err), 0);
	assert_int_equal(hy_cfg_expand_env(root, NULL, NULL, &err), 0);
	assert_string_equal(text(root, "p"), "from-process");
	hy_cfg_node_destroy(root);
	unsetenv("HYGGE_TEST_CFG_ENV");
}

static void test_expand_under_alloc_failure(void **state)
{
	struct hy_cfg_node *root;
	struct hy_error err;
	const char *yaml = "a: ${LAKE}/x\nb: ['${N}', '${MISSING:-d}']\n";
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		hy_alloc_fail_reset();
		root = NULL;
		assert_int_equal(hy_cfg_parse(yaml, strlen(yaml), "f", &root, &err), 0);
		hy_alloc_fail_after(hy_n_);
		rc = hy_cfg_expand_env(root, lookup, NULL, &err);
		if (rc == 0)
			assert_string_equal(text(root, "a"), "/data/lake/x");
		hy_cfg_node_destroy(root);
	});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_set_unset_default),
	cmocka_unit_test(test_numbers_from_env_coerce_later),
	cmocka_unit_test(test_unset_without_default_names_place),
	cmocka_unit_test(test_keys_and_literals_left_alone),
	cmocka_unit_test(test_long_values),
	cmocka_unit_test(test_process_environment_by_default),
	cmocka_unit_test(test_expand_under_alloc_failure),
};
HY_TEST_MAIN(tests)
