/* The Parquet writer on the core thread pool: the columns of each write
 * encode in parallel (also run under TSan: label "concurrency"). */
#include <stdio.h>

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

/* `n` rows of two string columns in dictionary form over the same
 * dictionary column (two tasks reference it at once). */
static struct hy_batch *shared_dict_batch(struct hy_schema *s, struct hy_column *dict, int64_t n,
					  uint64_t seed)
{
	struct hy_dtype i32 = hy_dtype_simple(HY_INT32);
	struct hy_column *cols[2];
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};
	uint64_t x = seed;

	for (int c = 0; c < 2; c++) {
		struct hy_builder *b = NULL;
		struct hy_column *idx = NULL;

		assert_int_equal(hy_builder_create(&i32, &b, &err), 0);
		for (int64_t r = 0; r < n; r++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			if ((x >> 40) % 8 == 0)
				assert_int_equal(hy_builder_append_null(b, &err), 0);
			else
				assert_int_equal(
					hy_builder_append_i64(
						b, (int64_t)((x >> 33) % (uint64_t)dict->length),
						&err),
					0);
		}
		assert_int_equal(hy_builder_finish(b, &idx, &err), 0);
		hy_builder_destroy(b);
		assert_int_equal(hy_column_create_dictionary(idx, dict, &cols[c], &err), 0);
		hy_column_unref(idx);
	}
	assert_int_equal(hy_batch_create(s, cols, n, &batch, &err), 0);
	hy_column_unref(cols[0]);
	hy_column_unref(cols[1]);
	return batch;
}

/* Dictionary-form columns sharing one dictionary, fed in parallel and
 * released after each write: the same bytes as without a pool. */
static void test_pool_dictionary_form(void **state)
{
	struct hy_dtype st = hy_dtype_simple(HY_STRING);
	struct hy_field f[2] = {{(char *)"a", st, true}, {(char *)"b", st, true}};
	struct hy_schema *s = NULL;
	struct hy_builder *db = NULL;
	struct hy_column *dict = NULL;
	struct hy_batch *batches[16];
	struct hy_pq_writer_options o;
	struct hy_pq_writer *w = NULL;
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};
	char word[32];
	struct out a, p;

	(void)state;
	assert_int_equal(hy_schema_create(f, 2, &s, &err), 0);
	assert_int_equal(hy_builder_create(&st, &db, &err), 0);
	for (int i = 0; i < 500; i++) {
		int len = snprintf(word, sizeof(word), "word-%d", i * 37);
		assert_int_equal(hy_builder_append_str(db, word, (size_t)len, &err), 0);
	}
	assert_int_equal(hy_builder_finish(db, &dict, &err), 0);
	hy_builder_destroy(db);
	for (int i = 0; i < 16; i++)
		/* >= 4,096 rows: smaller write steps encode on the caller's thread */
		batches[i] = shared_dict_batch(s, dict, 4096 + i * 97, (uint64_t)i + 1);
	assert_int_equal(hy_pool_create(&pool, 3, "pqw-test", &err), 0);
	hy_pq_writer_options_init(&o);
	o.page_rows = 3000;
	o.row_group_rows = 20000;
	out_init(&a);
	write_batches(&a, s, &o, batches, 16);
	o.pool = pool;
	out_init(&p);
	assert_int_equal(hy_pq_writer_open(&w, s, &o, &p.sink, &err), 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(hy_pq_writer_write(w, batches[i], &err), 0);
		hy_batch_unref(batches[i]);
	}
	assert_int_equal(hy_pq_writer_finish(w, &err), 0);
	hy_pq_writer_close(w);
	assert_int_equal(a.buf.len, p.buf.len);
	assert_memory_equal(a.buf.data, p.buf.data, a.buf.len);
	out_free(&a);
	out_free(&p);
	hy_pool_destroy(pool);
	hy_column_unref(dict);
	hy_schema_unref(s);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_roundtrip_pool),
	cmocka_unit_test(test_pool_same_bytes),
	cmocka_unit_test(test_pool_dictionary_form),
};

HY_TEST_MAIN(tests)
