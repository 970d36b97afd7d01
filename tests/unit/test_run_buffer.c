/* The store base (buffering to batch_size with zero-copy slices) and the
 * home/store registries. */
#include "dict_fixture.h"
#include "run_fixture.h"

struct chunks {
	int64_t rows[64];
	const struct hy_rcbuf *values[64]; /* to check zero-copy */
	int64_t ids[1024];
	int n;
	int64_t nids;
	int fail_at; /* 1-based emit that fails */
};

static int record(void *ctx, struct hy_batch *chunk, struct hy_error *err)
{
	struct chunks *c = ctx;

	if (c->n + 1 == c->fail_at) {
		c->fail_at = 0;
		return hy_error_set(err, HY_EIO, "disk full");
	}
	c->rows[c->n] = chunk->nrows;
	c->values[c->n++] = chunk->cols[0]->values;
	for (int64_t i = 0; i < chunk->nrows; i++)
		c->ids[c->nids++] = hy_column_get_i64(chunk->cols[0], i);
	return 0;
}

static void write_sizes(struct hy_store_buffer *buf, const int64_t *sizes, size_t n, int64_t *next)
{
	struct hy_error err = {0};

	for (size_t i = 0; i < n; i++) {
		struct hy_batch *b;

		assert_int_equal(mem_make_batch(*next, sizes[i], &b, &err), 0);
		*next += sizes[i];
		assert_int_equal(hy_store_buffer_write(buf, b, &err), 0);
		hy_batch_unref(b);
	}
}

/* Every chunk but the last holds exactly batch_size rows, ids in order. */
static void test_exact_batch_size(void **state)
{
	static const int64_t sizes[] = {7, 3, 25, 1, 0, 14, 1};
	struct chunks c = {0};
	struct hy_store_buffer buf;
	struct hy_error err = {0};
	int64_t next = 0;

	(void)state;
	assert_int_equal(hy_store_buffer_init(&buf, 10, record, &c, &err), 0);
	write_sizes(&buf, sizes, sizeof(sizes) / sizeof(sizes[0]), &next);
	assert_int_equal(c.n, 5);
	assert_int_equal(buf.buffered_rows, 1);
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0);
	assert_int_equal(c.n, 6);
	for (int i = 0; i < 5; i++)
		assert_int_equal(c.rows[i], 10);
	assert_int_equal(c.rows[5], 1);
	assert_int_equal(c.nids, 51);
	for (int64_t i = 0; i < 51; i++)
		assert_int_equal(c.ids[i], i);
	assert_int_equal(buf.rows_in, 51);
	assert_int_equal(buf.rows_out, 51);
	assert_int_equal(buf.chunks, 6);
	assert_int_equal(buf.nparts, 0);
	hy_store_buffer_reset(&buf);
}

/* A chunk inside one input batch is a slice of it: same values buffer. */
static void test_zero_copy_slices(void **state)
{
	struct chunks c = {0};
	struct hy_store_buffer buf;
	struct hy_error err = {0};
	struct hy_batch *b;

	(void)state;
	assert_int_equal(hy_store_buffer_init(&buf, 4, record, &c, &err), 0);
	assert_int_equal(mem_make_batch(0, 10, &b, &err), 0);
	assert_int_equal(hy_store_buffer_write(&buf, b, &err), 0);
	assert_int_equal(c.n, 2);
	assert_ptr_equal(c.values[0], b->cols[0]->values);
	assert_ptr_equal(c.values[1], b->cols[0]->values);
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0);
	assert_int_equal(c.rows[2], 2);
	hy_batch_unref(b);
	hy_store_buffer_reset(&buf);
}

static void test_null_and_bad_size(void **state)
{
	struct chunks c = {0};
	struct hy_store_buffer buf;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_store_buffer_init(&buf, -1, record, &c, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_store_buffer_init(&buf, 0, record, &c, &err), 0);
	assert_int_equal(buf.batch_size, HY_STORE_DEFAULT_BATCH_SIZE);
	assert_int_equal(hy_store_buffer_write(&buf, NULL, &err), HY_EINVAL);
	assert_string_equal(err.msg, "Cannot write None data");
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0); /* nothing buffered */
	assert_int_equal(c.n, 0);
	hy_store_buffer_reset(&buf);
}

/* A failed emit reports the error; discard empties buffer and counters. */
static void test_emit_failure_and_discard(void **state)
{
	static const int64_t sizes[] = {3, 3};
	struct chunks c = {.fail_at = 1};
	struct hy_store_buffer buf;
	struct hy_error err = {0};
	struct hy_batch *b;
	int64_t next = 0;

	(void)state;
	assert_int_equal(hy_store_buffer_init(&buf, 5, record, &c, &err), 0);
	assert_int_equal(mem_make_batch(0, 6, &b, &err), 0);
	assert_int_equal(hy_store_buffer_write(&buf, b, &err), HY_EIO);
	assert_string_equal(err.msg, "disk full");
	hy_batch_unref(b);
	assert_int_equal(buf.rows_out, 0);
	hy_store_buffer_discard(&buf);
	assert_int_equal(buf.buffered_rows, 0);
	assert_int_equal(buf.rows_in, 0);
	write_sizes(&buf, sizes, 2, &next);
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.rows[0], 5);
	assert_int_equal(c.rows[1], 1);
	hy_store_buffer_reset(&buf);
}

/* ---- the streaming form ---- */

struct parts {
	int64_t rows[64];
	bool ends[64];
	bool null_part[64];
	const struct hy_rcbuf *values[64];
	int64_t ids[1024];
	int n;
	int64_t nids;
	int fail_at; /* 1-based call that fails */
};

static int record_part(void *ctx, struct hy_batch *part, bool ends_chunk, struct hy_error *err)
{
	struct parts *p = ctx;

	if (p->n + 1 == p->fail_at) {
		p->fail_at = 0;
		return hy_error_set(err, HY_EIO, "disk full");
	}
	p->ends[p->n] = ends_chunk;
	p->null_part[p->n] = part == NULL;
	p->rows[p->n] = part != NULL ? part->nrows : 0;
	p->values[p->n++] = part != NULL ? part->cols[0]->values : NULL;
	for (int64_t i = 0; part != NULL && i < part->nrows; i++)
		p->ids[p->nids++] = hy_column_get_i64(part->cols[0], i);
	return 0;
}

/* Parts are cut at chunk boundaries, in order, without copies; the part that
 * completes batch_size rows ends the chunk; flush ends the last one. */
static void test_streaming_parts(void **state)
{
	static const int64_t sizes[] = {7, 3, 25, 0, 4};
	/* 7 | 3 end | 10 end, 10 end, 5 | 4 | flush end */
	static const int64_t want_rows[] = {7, 3, 10, 10, 5, 4, 0};
	static const bool want_ends[] = {false, true, true, true, false, false, true};
	struct parts p = {0};
	struct hy_store_buffer buf;
	struct hy_error err = {0};
	int64_t next = 0;

	(void)state;
	assert_int_equal(hy_store_buffer_init_streaming(&buf, 10, record_part, &p, &err), 0);
	write_sizes(&buf, sizes, sizeof(sizes) / sizeof(sizes[0]), &next);
	assert_int_equal(p.n, 6);
	assert_int_equal(buf.chunk_rows, 9);
	assert_int_equal(buf.rows_out, 30);
	assert_int_equal(buf.chunks, 3);
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0);
	assert_int_equal(p.n, 7);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(p.rows[i], want_rows[i]);
		assert_int_equal(p.ends[i], want_ends[i]);
		assert_int_equal(p.null_part[i], i == 6);
	}
	assert_ptr_equal(p.values[2], p.values[3]); /* slices of the 25-row batch */
	assert_int_equal(p.nids, 39);
	for (int64_t i = 0; i < 39; i++)
		assert_int_equal(p.ids[i], i);
	assert_int_equal(buf.rows_in, 39);
	assert_int_equal(buf.rows_out, 39);
	assert_int_equal(buf.chunks, 4);
	assert_int_equal(buf.nparts, 0);                        /* nothing is ever buffered */
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0); /* nothing open: no call */
	assert_int_equal(p.n, 7);
	hy_store_buffer_reset(&buf);
}

/* A failed part reports the error and the buffer starts a new chunk; its
 * rows never count as written. Discard zeroes the counters. */
static void test_streaming_failure(void **state)
{
	static const int64_t sizes[] = {4};
	struct parts p = {.fail_at = 2};
	struct hy_store_buffer buf;
	struct hy_error err = {0};
	struct hy_batch *b;
	int64_t next = 100;

	(void)state;
	assert_int_equal(hy_store_buffer_init_streaming(&buf, 5, record_part, &p, &err), 0);
	assert_int_equal(hy_store_buffer_init_streaming(&buf, -2, record_part, &p, &err),
			 HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_store_buffer_init_streaming(&buf, 5, record_part, &p, &err), 0);
	assert_int_equal(mem_make_batch(0, 3, &b, &err), 0);
	assert_int_equal(hy_store_buffer_write(&buf, b, &err), 0);
	hy_batch_unref(b);
	assert_int_equal(mem_make_batch(3, 4, &b, &err), 0);
	assert_int_equal(hy_store_buffer_write(&buf, b, &err), HY_EIO); /* 2 rows ending chunk 1 */
	assert_string_equal(err.msg, "disk full");
	hy_batch_unref(b);
	assert_int_equal(buf.rows_out, 0);
	assert_int_equal(buf.chunk_rows, 0);
	hy_store_buffer_discard(&buf);
	assert_int_equal(buf.rows_in, 0);
	hy_error_init(&err);
	write_sizes(&buf, sizes, 1, &next);
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.rows[1], 4);
	assert_true(p.ends[2]);
	assert_int_equal(p.ids[3], 100);
	assert_int_equal(buf.rows_out, 4);
	assert_int_equal(buf.chunks, 1);
	hy_store_buffer_reset(&buf);
}

/* Allocation failures while buffering and concatenating: clean HY_ENOMEM. */
/* Dictionary-form string columns (the Parquet reader's keep_dictionary
 * output, one dictionary per input batch) come through chunks that slice
 * one batch and chunks that concatenate several with their values. */
struct str_chunks {
	char text[4096];
	size_t len;
	int n;
};

static int record_str(void *ctx, struct hy_batch *chunk, struct hy_error *err)
{
	struct str_chunks *c = ctx;

	(void)err;
	c->n++;
	for (int64_t i = 0; i < chunk->nrows; i++) {
		struct hy_str v = hy_column_get_bytes(chunk->cols[0], i);

		if (hy_column_is_null(chunk->cols[0], i))
			v = (struct hy_str){"~", 1};
		assert_true(c->len + v.len + 2 < sizeof(c->text));
		memcpy(c->text + c->len, v.ptr, v.len);
		c->len += v.len;
		c->text[c->len++] = ' ';
	}
	c->text[c->len++] = '|';
	c->text[c->len] = 0;
	return 0;
}

static void test_dictionary_form_chunks(void **state)
{
	static const char *const words[] = {"x", "yy", NULL, "", "zzz"};
	struct hy_dtype str = hy_dtype_simple(HY_STRING);
	char name[] = "s";
	struct hy_field f = {name, str, true};
	struct hy_schema *schema = NULL;
	struct str_chunks c = {0};
	struct hy_store_buffer buf;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_schema_create(&f, 1, &schema, &err), 0);
	assert_int_equal(hy_store_buffer_init(&buf, 4, record_str, &c, &err), 0);
	for (int k = 0; k < 3; k++) { /* batches of 3, 5, 7 rows */
		struct hy_builder *bl = NULL;
		struct hy_column *col = NULL;
		struct hy_batch *plain = NULL, *d;

		assert_int_equal(hy_builder_create(&str, &bl, &err), 0);
		for (int i = 0; i < 3 + 2 * k; i++) {
			const char *w = words[(i + k) % 5];

			assert_int_equal(w == NULL ? hy_builder_append_null(bl, &err)
						   : hy_builder_append_str(bl, w, strlen(w), &err),
					 0);
		}
		assert_int_equal(hy_builder_finish(bl, &col, &err), 0);
		assert_int_equal(hy_batch_create(schema, &col, col->length, &plain, &err), 0);
		d = dfx_batch(plain);
		assert_int_equal(dfx_count(d), 1);
		assert_int_equal(hy_store_buffer_write(&buf, d, &err), 0);
		hy_batch_unref(d);
		hy_batch_unref(plain);
		hy_column_unref(col);
		hy_builder_destroy(bl);
	}
	assert_int_equal(hy_store_buffer_flush(&buf, &err), 0);
	assert_int_equal(c.n, 4);
	/* x yy ~ | yy ~ "" zzz x | ~ "" zzz x yy ~ "", in chunks of 4 */
	assert_string_equal(c.text, "x yy ~ yy |~  zzz x |~  zzz x |yy ~  |");
	hy_store_buffer_reset(&buf);
	hy_schema_unref(schema);
}

static void test_alloc_failures(void **state)
{
	struct hy_batch *parts[3];
	struct hy_error err = {0};
	int rc = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(mem_make_batch(i * 3, 3, &parts[i], &err), 0);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct chunks c = {0};
		struct hy_store_buffer buf;
		struct hy_error e = {0};

		rc = hy_store_buffer_init(&buf, 4, record, &c, &e);
		for (int i = 0; rc == 0 && i < 3; i++)
			rc = hy_store_buffer_write(&buf, parts[i], &e);
		if (rc == 0)
			rc = hy_store_buffer_flush(&buf, &e);
		if (rc == 0) {
			assert_int_equal(c.nids, 9);
			for (int64_t i = 0; i < 9; i++)
				assert_int_equal(c.ids[i], i);
		}
		hy_store_buffer_reset(&buf);
	});
	for (int i = 0; i < 3; i++)
		hy_batch_unref(parts[i]);
}

static int dummy_store_open(struct hy_store **out, const void *config,
			    const struct hy_endpoint_context *ctx, struct hy_error *err)
{
	(void)config;
	(void)ctx;
	(void)err;
	*out = NULL;
	return 0;
}

static void test_registries(void **state)
{
	struct hy_home_ops bad_home = {.type = "bad"};
	struct hy_store_ops partial = {.type = "partial", .open = dummy_store_open};
	struct hy_error err = {0};

	(void)state;
	assert_null(hy_home_registry_find(MEM_TYPE));
	assert_null(hy_home_registry_find(NULL));
	mem_register();
	assert_ptr_equal(hy_home_registry_find(MEM_TYPE), &mem_home_ops);
	assert_ptr_equal(hy_store_registry_find(MEM_TYPE), &mem_store_ops);
	assert_int_equal(hy_home_register(&mem_home_ops, &err), HY_EINVAL);
	assert_string_equal(err.msg, "home type 'test-mem' is already registered");
	hy_error_init(&err);
	assert_int_equal(hy_home_register(&bad_home, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_store_register(&partial, &err), HY_EINVAL);
	assert_string_equal(err.msg,
			    "a store type needs a name, open, write, finish, abort and close");
	assert_int_equal(hy_homes_register_builtin(&err), 0);
	assert_int_equal(hy_stores_register_builtin(&err), 0);
	assert_true(hy_home_unregister(MEM_TYPE));
	assert_false(hy_home_unregister(MEM_TYPE));
	assert_null(hy_home_registry_find(MEM_TYPE));
	assert_true(hy_store_unregister(MEM_TYPE));
	assert_null(hy_store_registry_find(MEM_TYPE));
}

static void test_registry_limit(void **state)
{
	static char names[HY_HOME_REGISTRY_MAX + 1][16];
	static struct hy_home_ops ops[HY_HOME_REGISTRY_MAX + 1];
	struct hy_error err = {0};

	(void)state;
	for (int i = 0; i <= HY_HOME_REGISTRY_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "t%d", i);
		ops[i] = mem_home_ops;
		ops[i].type = names[i];
		assert_int_equal(hy_home_register(&ops[i], &err),
				 i < HY_HOME_REGISTRY_MAX ? 0 : HY_ELIMIT);
	}
	for (int i = 0; i < HY_HOME_REGISTRY_MAX; i++)
		assert_true(hy_home_unregister(names[i]));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_batch_size),
		cmocka_unit_test(test_zero_copy_slices),
		cmocka_unit_test(test_null_and_bad_size),
		cmocka_unit_test(test_emit_failure_and_discard),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_streaming_parts),
		cmocka_unit_test(test_streaming_failure),
		cmocka_unit_test(test_dictionary_form_chunks),
		cmocka_unit_test(test_registries),
		cmocka_unit_test(test_registry_limit),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
