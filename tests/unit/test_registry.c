/* The named table behind the home and store registries. */
#include <stdio.h>

#include "hy_test.h"
#include "hygge/registry.h"

static void test_add_find_remove(void **state)
{
	static struct hy_registry r = HY_REGISTRY_INIT("home");
	struct hy_error err = {0};
	int a = 1, b = 2;

	(void)state;
	assert_int_equal(hy_registry_add(&r, "local", &a, &err), 0);
	assert_int_equal(hy_registry_add(&r, "mssql", &b, &err), 0);
	assert_ptr_equal(hy_registry_find(&r, "local"), &a);
	assert_ptr_equal(hy_registry_find(&r, "mssql"), &b);
	assert_null(hy_registry_find(&r, "adls"));
	assert_null(hy_registry_find(&r, NULL));
	assert_int_equal(hy_registry_add(&r, "local", &b, &err), HY_EINVAL);
	assert_string_equal(err.msg, "home type 'local' is already registered");
	assert_true(hy_registry_remove(&r, "local"));
	assert_false(hy_registry_remove(&r, "local"));
	assert_null(hy_registry_find(&r, "local"));
	assert_ptr_equal(hy_registry_find(&r, "mssql"), &b);
}

static void test_limit(void **state)
{
	static struct hy_registry r = HY_REGISTRY_INIT("store");
	static char names[HY_REGISTRY_MAX + 1][16];
	struct hy_error err = {0};

	(void)state;
	for (int i = 0; i < HY_REGISTRY_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "t%d", i);
		assert_int_equal(hy_registry_add(&r, names[i], names[i], &err), 0);
	}
	assert_int_equal(hy_registry_add(&r, "one-more", names[0], &err), HY_ELIMIT);
	assert_string_equal(err.msg, "more than 64 store types");
	assert_ptr_equal(hy_registry_find(&r, "t63"), names[63]);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_add_find_remove),
	cmocka_unit_test(test_limit),
};
HY_TEST_MAIN(tests)
