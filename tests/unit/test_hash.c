/* SHA-256 hex and run ids; expected values computed with Python's hashlib. */
#include <string.h>

#include "hy_test.h"
#include "hygge/hash.h"

static void test_sha256_vectors(void **state)
{
	char out[HY_SHA256_HEX_LEN + 1];
	struct hy_error err = {0};
	static char big[1000000];

	(void)state;
	assert_int_equal(hy_sha256_hex("", 0, out, &err), 0);
	assert_string_equal(out,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(hy_sha256_hex("abc", 3, out, &err), 0);
	assert_string_equal(out,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	memset(big, 'a', sizeof(big));
	assert_int_equal(hy_sha256_hex(big, sizeof(big), out, &err), 0);
	assert_string_equal(out,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_run_ids_match_reference(void **state)
{
	char id[HY_RUN_ID_LEN + 1];
	struct hy_error err = {0};

	(void)state;
	/* hashlib.sha256(b"my_project|2025-11-27T01:02:03.123456+00:00").hexdigest()[:32] */
	assert_int_equal(
		hy_run_id_coordinator("my_project", "2025-11-27T01:02:03.123456+00:00", id, &err),
		0);
	assert_string_equal(id, "8941c37c1d878fe91894ded7af3ea7ff");
	assert_int_equal(hy_run_id_flow("my_project", "users_to_lake", "2025-11-27T01:02:03+00:00",
					id, &err),
			 0);
	assert_string_equal(id, "1a371358f5788951abbeee45449642ef");
	assert_int_equal(hy_run_id_entity("my_project", "users_to_lake", "users",
					  "2025-11-27T01:02:03.123456+00:00", id, &err),
			 0);
	assert_string_equal(id, "2320bb17744151d42fc2b96cc375410d");
	assert_int_equal(strlen(id), 32);
}

static void test_run_id_input_is_capped(void **state)
{
	static char huge[5000];
	char id[HY_RUN_ID_LEN + 1];
	struct hy_error err = {0};

	(void)state;
	memset(huge, 'x', sizeof(huge) - 1);
	assert_int_equal(hy_run_id_coordinator(huge, "t", id, &err), HY_ELIMIT);
	assert_string_equal(err.msg, "run id input is longer than 4096 bytes");
	assert_string_equal(id, "");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_sha256_vectors),
	cmocka_unit_test(test_run_ids_match_reference),
	cmocka_unit_test(test_run_id_input_is_capped),
};
HY_TEST_MAIN(tests)
