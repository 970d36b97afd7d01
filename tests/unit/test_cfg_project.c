/* Project discovery (behaviour.md §2.1) and project-relative paths (D18). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hy_test.h"
#include "hygge/alloc.h"
#include "hygge/config.h"

#define PROJECT HY_TEST_DATA_DIR "/config/project"

static void test_found_from_a_nested_directory(void **state)
{
	char *root = NULL, *want = realpath(PROJECT, NULL);
	struct hy_error err = {0};

	(void)state;
	assert_non_null(want);
	assert_int_equal(hy_cfg_find_project(PROJECT "/flows/users/deep/er", &root, &err), 0);
	assert_string_equal(root, want);
	hy_free(root);
	assert_int_equal(hy_cfg_find_project(PROJECT, &root, &err), 0);
	assert_string_equal(root, want);
	hy_free(root);
	free(want);
}

static void test_relative_start_uses_the_cwd(void **state)
{
	char *root = NULL, *want = realpath(PROJECT, NULL), old[PATH_MAX];
	struct hy_error err = {0};

	(void)state;
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(PROJECT "/flows"), 0);
	assert_int_equal(hy_cfg_find_project("users/entities", &root, &err), 0);
	assert_string_equal(root, want);
	assert_int_equal(chdir(old), 0);
	hy_free(root);
	free(want);
}

static void test_missing_lists_searched_paths(void **state)
{
	char tmpl[] = "/tmp/hygge-cfg-XXXXXX", sub[64], *root = NULL, expect[512];
	struct hy_error err = {0};
	char *dir = mkdtemp(tmpl);

	(void)state;
	assert_non_null(dir);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(hy_cfg_find_project(sub, &root, &err), HY_ECONFIG);
	assert_null(root);
	snprintf(expect, sizeof(expect),
		 "No hygge.yml found in '%s' or any parent directory. Searched:\n"
		 "  %s/hygge.yml\n  %s/hygge.yml\n  /tmp/hygge.yml\n  /hygge.yml\n"
		 "Create a project with: hygge init <project_name>",
		 sub, sub, dir);
	assert_string_equal(err.msg, expect);
	rmdir(sub);
	rmdir(dir);
	hy_error_init(&err);
	assert_int_equal(hy_cfg_find_project("/no/such/dir", &root, &err), HY_ENOTFOUND);
	assert_string_equal(
		err.msg,
		"cannot look for hygge.yml from '/no/such/dir': No such file or directory");
}

static void test_resolve_path(void **state)
{
	static const char *const cases[][3] = {
		{"/p", "data/lake", "/p/data/lake"},
		{"/p/", "./data", "/p/data"},
		{"/p", "/abs/x", "/abs/x"},
		{"/p", ".", "/p"},
		{"/p", "", "/p"},
		{"/", "data", "/data"},
		{"/p", ".//./a/../b", "/p/a/../b"},
		{"/p", "../up", "/p/../up"},
	};
	struct hy_error err = {0};
	char *out = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(hy_cfg_resolve_path(cases[i][0], cases[i][1], &out, &err), 0);
		assert_string_equal(out, cases[i][2]);
		hy_free(out);
	}
	hy_alloc_fail_after(1);
	assert_int_equal(hy_cfg_resolve_path("/p", "a", &out, &err), HY_ENOMEM);
	hy_alloc_fail_reset();
}

static void test_find_under_alloc_failure(void **state)
{
	char *root;
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		root = NULL;
		rc = hy_cfg_find_project(PROJECT "/flows/users/deep/er", &root, &err);
		hy_free(root);
	});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_found_from_a_nested_directory),
	cmocka_unit_test(test_relative_start_uses_the_cwd),
	cmocka_unit_test(test_missing_lists_searched_paths),
	cmocka_unit_test(test_resolve_path),
	cmocka_unit_test(test_find_under_alloc_failure),
};
HY_TEST_MAIN(tests)
