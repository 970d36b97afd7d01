/* Allocation wrappers and the failure-injection hook. */
#include <pthread.h>
#include <string.h>

#include "hy_test.h"

static void test_fails_exactly_the_nth(void **state)
{
	void *a, *b, *c;

	(void)state;
	hy_alloc_fail_after(2);
	a = hy_malloc(8);
	b = hy_malloc(8);
	c = hy_malloc(8);
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	assert_int_equal(hy_alloc_count(), 3);
	hy_alloc_fail_reset();
	hy_free(a);
	hy_free(c);
}

static void test_every_wrapper_honours_the_hook(void **state)
{
	(void)state;
	hy_alloc_fail_after(1);
	assert_null(hy_calloc(2, 4));
	hy_alloc_fail_after(1);
	assert_null(hy_realloc(NULL, 4));
	hy_alloc_fail_after(1);
	assert_null(hy_aligned_alloc(100));
	hy_alloc_fail_after(1);
	assert_null(hy_strdup("x"));
	hy_alloc_fail_after(1);
	assert_null(hy_asprintf("%d", 1));
	hy_alloc_fail_reset();
}

static void test_aligned_alloc_is_64_aligned(void **state)
{
	unsigned char *p;

	(void)state;
	p = hy_aligned_alloc(1);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 64, 0);
	memset(p, 0xab, 64); /* rounded up to 64 bytes */
	hy_free(p);
	assert_null(hy_aligned_alloc(SIZE_MAX));
}

static void test_string_helpers(void **state)
{
	char *s;

	(void)state;
	s = hy_asprintf("%s-%03d", "seq", 7);
	assert_string_equal(s, "seq-007");
	hy_free(s);
	s = hy_strndup("abcdef", 3);
	assert_string_equal(s, "abc");
	hy_free(s);
}

static void *alloc_loop(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++)
		hy_free(hy_malloc(16));
	return NULL;
}

/* The hook's counters are shared by every thread: TSan must see no race. */
static void test_hook_is_thread_safe(void **state)
{
	pthread_t t[4];

	(void)state;
	hy_alloc_fail_after(0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, alloc_loop, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(hy_alloc_count(), 8000);
	hy_alloc_fail_reset();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_fails_exactly_the_nth),
	cmocka_unit_test(test_every_wrapper_honours_the_hook),
	cmocka_unit_test(test_aligned_alloc_is_64_aligned),
	cmocka_unit_test(test_string_helpers),
	cmocka_unit_test(test_hook_is_thread_safe),
};
HY_TEST_MAIN(tests)
