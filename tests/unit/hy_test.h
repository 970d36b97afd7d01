/* Shared helpers for hygge's cmocka tests. */
#ifndef HY_TEST_H
#define HY_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hygge/alloc.h"
#include "hygge/status.h"

/* Every test program ends with HY_TEST_MAIN(tests): with an argument it runs
 * only the case of that name (how ctest runs each case on its own). */
#define HY_TEST_MAIN(group)                                                                        \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		if (argc > 1)                                                                      \
			cmocka_set_test_filter(argv[1]);                                           \
		return cmocka_run_group_tests(group, NULL, NULL);                                  \
	}

/* Failure injection: runs `body` (a statement that sets `int rc` and, on
 * success, releases what it built) with the 1st, 2nd, ... allocation failing
 * until it succeeds; every failing run must report exactly HY_ENOMEM. Leaks on
 * the failure paths are caught by the ASan pass of `make test`. Asserts that at
 * least one allocation was exercised. */
#define HY_FOR_EACH_ALLOC_FAILURE(rc, body)                                                        \
	do {                                                                                       \
		long hy_n_;                                                                        \
		for (hy_n_ = 1; hy_n_ < 100000; hy_n_++) {                                         \
			hy_alloc_fail_after(hy_n_);                                                \
			body;                                                                      \
			long hy_used_ = hy_alloc_count();                                          \
			hy_alloc_fail_reset();                                                     \
			if (hy_used_ < hy_n_) {                                                    \
				assert_int_equal((rc), 0);                                         \
				break;                                                             \
			}                                                                          \
			assert_int_equal((rc), HY_ENOMEM);                                         \
		}                                                                                  \
		assert_true(hy_n_ > 1);                                                            \
	} while (0)

#endif /* HY_TEST_H */
