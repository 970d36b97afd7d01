/* The Parquet writer on the core thread pool: column chunks of a row group
 * encode in parallel (also run under TSan: label "concurrency"). */
#include "pq_writer_check.h"
#include "pq_writer_gen.h"

static void test_roundtrip_pool(void **state)
{
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 4, "pqw-test", &err), 0);
	for (uint64_t seed = 1; seed <= 3; seed++)
		rb_roundtrip(HY_PQ_CODEC_ZSTD, 0, HY_UNIT_MICRO, 2000 + seed, pool);
	hy_pool_destroy(pool);
}

/* The pool changes who encodes, never the bytes. */
static void test_pool_same_bytes(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b = gen_batch(schema, 3000, 42);
	struct hy_pq_writer_options o;
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};
	struct out a, p;

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 3, "pqw-test", &err), 0);
	hy_pq_writer_options_init(&o);
	o.row_group_rows = 1000;
	out_init(&a);
	write_batches(&a, schema, &o, &b, 1);
	o.pool = pool;
	out_init(&p);
	write_batches(&p, schema, &o, &b, 1);
	assert_int_equal(a.buf.len, p.buf.len);
	assert_memory_equal(a.buf.data, p.buf.data, a.buf.len);
	out_free(&a);
	out_free(&p);
	hy_pool_destroy(pool);
	hy_batch_unref(b);
	hy_schema_unref(schema);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_roundtrip_pool),
	cmocka_unit_test(test_pool_same_bytes),
};

HY_TEST_MAIN(tests)
