/* The parquet reader's recycled column buffers (pq_recycle.c): blocks lent
 * to batches come back when the last reference goes, on any thread, and
 * are handed out again; values stay intact while a batch holds them. */
#include <pthread.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/buffer.h"
#include "hygge/parquet.h"
#include "hygge/parquet_writer.h"
#include "hygge/pool.h"
#include "pq_int.h"

#define KB ((size_t)1024)

/* A buffer of `n` bytes, every byte `fill`. */
static void filled(struct hy_buf *b, size_t n, uint8_t fill)
{
	struct hy_error err = {0};

	hy_buf_init(b, SIZE_MAX / 2);
	assert_int_equal(hy_buf_reserve(b, n, &err), 0);
	memset(b->data, fill, n);
	b->len = n;
}

static void test_lend_and_take_back(void **state)
{
	struct hy__pq_recycler *rc = hy__pq_recycler_create(4096 * KB);
	struct hy_buf b, c;
	struct hy_rcbuf *r;
	uint8_t *block;
	size_t cap;

	(void)state;
	assert_non_null(rc);
	hy_buf_init(&c, SIZE_MAX / 2);
	hy__pq_recycler_take(rc, &c, 100 * KB); /* nothing parked yet */
	assert_null(c.data);

	filled(&b, 100 * KB, 0x5a);
	block = b.data;
	cap = b.cap;
	r = hy__pq_recycler_adopt(rc, &b, 90 * KB);
	assert_non_null(r);
	assert_null(b.data); /* the buffer is left empty */
	assert_ptr_equal(r->data, block);
	assert_int_equal(r->size, 90 * KB);
	assert_int_equal(r->data[90 * KB - 1], 0x5a);

	/* lent: not handed out again */
	hy__pq_recycler_take(rc, &c, 100 * KB);
	assert_null(c.data);
	hy_rcbuf_unref(r);

	/* back: too small a request would waste it, too big does not fit */
	hy__pq_recycler_take(rc, &c, 20 * KB);
	assert_null(c.data);
	hy__pq_recycler_take(rc, &c, cap + 1);
	assert_null(c.data);
	hy__pq_recycler_take(rc, &c, 100 * KB);
	assert_ptr_equal(c.data, block);
	assert_int_equal(c.cap, cap);
	assert_int_equal(c.len, 0);
	/* a buffer that already has bytes is left alone */
	hy__pq_recycler_take(rc, &c, 100 * KB);
	assert_ptr_equal(c.data, block);
	hy_buf_reset(&c);
	hy__pq_recycler_close(rc);
}

static void test_small_blocks_and_empty_buffers(void **state)
{
	struct hy__pq_recycler *rc = hy__pq_recycler_create(4096 * KB);
	struct hy_buf b;
	struct hy_rcbuf *r;

	(void)state;
	/* under 64 KiB: an ordinary buffer, freed with its last reference */
	filled(&b, 1000, 7);
	r = hy__pq_recycler_adopt(rc, &b, 1000);
	assert_non_null(r);
	assert_null(r->release);
	assert_int_equal(r->data[999], 7);
	hy_rcbuf_unref(r);
	/* nothing written: an empty buffer */
	hy_buf_init(&b, 100);
	r = hy__pq_recycler_adopt(rc, &b, 0);
	assert_non_null(r);
	assert_int_equal(r->size, 0);
	hy_rcbuf_unref(r);
	/* no recycler (it could not be allocated): plain buffers */
	filled(&b, 200 * KB, 1);
	r = hy__pq_recycler_adopt(NULL, &b, 200 * KB);
	assert_non_null(r);
	assert_null(r->release);
	hy_rcbuf_unref(r);
	hy__pq_recycler_take(NULL, &b, 100 * KB);
	assert_null(b.data);
	hy__pq_recycler_close(rc);
	hy__pq_recycler_close(NULL);
}

/* Past max_parked, returned blocks are freed, not kept. */
static void test_parked_bytes_are_bounded(void **state)
{
	struct hy__pq_recycler *rc = hy__pq_recycler_create(700 * KB);
	struct hy_buf b1, b2, c;
	struct hy_rcbuf *r1, *r2;
	uint8_t *first;

	(void)state;
	filled(&b1, 500 * KB, 1);
	filled(&b2, 500 * KB, 2);
	first = b1.data;
	r1 = hy__pq_recycler_adopt(rc, &b1, 500 * KB);
	r2 = hy__pq_recycler_adopt(rc, &b2, 500 * KB);
	hy_rcbuf_unref(r1); /* parked */
	hy_rcbuf_unref(r2); /* would pass 700 KiB: freed */
	hy_buf_init(&c, SIZE_MAX / 2);
	hy__pq_recycler_take(rc, &c, 500 * KB);
	assert_ptr_equal(c.data, first);
	hy_buf_reset(&c);
	hy__pq_recycler_take(rc, &c, 500 * KB);
	assert_null(c.data);
	hy__pq_recycler_close(rc);
}

struct dropper {
	struct hy_rcbuf *bufs[16];
	int n;
};

static void *drop_all(void *arg)
{
	struct dropper *d = arg;

	for (int i = 0; i < d->n; i++)
		hy_rcbuf_unref(d->bufs[i]);
	return NULL;
}

/* Blocks come back from another thread (the flow's consumer), also after
 * the reader closed its end; they are freed then (ASan checks the leaks). */
static void test_returned_from_another_thread(void **state)
{
	struct hy__pq_recycler *rc = hy__pq_recycler_create(64 * 1024 * KB);
	struct dropper d = {.n = 16};
	const uint8_t *blocks[8];
	pthread_t t;
	struct hy_buf c;
	int found = 0;

	(void)state;
	for (int i = 0; i < d.n; i++) {
		struct hy_buf b;

		filled(&b, 128 * KB, (uint8_t)i);
		d.bufs[i] = hy__pq_recycler_adopt(rc, &b, 128 * KB);
		assert_non_null(d.bufs[i]);
	}
	for (int i = 0; i < 8; i++)
		blocks[i] = d.bufs[i]->data;
	d.n = 8;
	assert_int_equal(pthread_create(&t, NULL, drop_all, &d), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	hy_buf_init(&c, SIZE_MAX / 2);
	for (int i = 0; i < 8; i++) {
		hy__pq_recycler_take(rc, &c, 128 * KB);
		for (int k = 0; k < 8; k++)
			found += c.data == blocks[k];
		hy_buf_reset(&c);
	}
	assert_int_equal(found, 8);
	/* the other half outlives the reader's end */
	hy__pq_recycler_close(rc);
	for (int i = 8; i < 16; i++)
		assert_int_equal(d.bufs[i]->data[128 * KB - 1], (uint8_t)i);
	d.n = 8;
	memmove(d.bufs, d.bufs + 8, 8 * sizeof(d.bufs[0]));
	assert_int_equal(pthread_create(&t, NULL, drop_all, &d), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

/* Three row groups of 40,000 int64 values (320 KB each) in a parquet file
 * in memory. */
static void three_row_groups(struct hy_buf *file)
{
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64);
	char name[] = "id";
	struct hy_field f = {.name = name, .type = i64, .nullable = false};
	struct hy_schema *schema = NULL;
	struct hy_builder *bl = NULL;
	struct hy_column *col = NULL;
	struct hy_batch *batch = NULL;
	struct hy_pq_writer_options wo;
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink;
	struct hy_error err = {0};

	assert_int_equal(hy_schema_create(&f, 1, &schema, &err), 0);
	assert_int_equal(hy_builder_create(&i64, &bl, &err), 0);
	for (int64_t i = 0; i < 120000; i++)
		assert_int_equal(hy_builder_append_i64(bl, i * 3, &err), 0);
	assert_int_equal(hy_builder_finish(bl, &col, &err), 0);
	assert_int_equal(hy_batch_create(schema, &col, 120000, &batch, &err), 0);
	hy_buf_init(file, 64u << 20);
	hy_pq_sink_init_memory(&sink, file);
	hy_pq_writer_options_init(&wo);
	wo.row_group_rows = 40000;
	assert_int_equal(hy_pq_writer_open(&w, schema, &wo, &sink, &err), 0);
	assert_int_equal(hy_pq_writer_write(w, batch, &err), 0);
	assert_int_equal(hy_pq_writer_finish(w, &err), 0);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	hy_batch_unref(batch);
	hy_column_unref(col);
	hy_builder_destroy(bl);
	hy_schema_unref(schema);
}

static void expect_rows(const struct hy_batch *b, int64_t first)
{
	const int64_t *v = (const int64_t *)(const void *)b->cols[0]->values->data;

	assert_int_equal(b->nrows, 40000);
	for (int64_t i = 0; i < b->nrows; i++)
		if (v[b->cols[0]->offset + i] != (first + i) * 3)
			fail_msg("row %lld: %lld", (long long)(first + i),
				 (long long)v[b->cols[0]->offset + i]);
}

/* Through the reader: a row group decodes into the block the previous one's
 * batch gave back; a batch still held keeps its block and its values. */
static void test_reader_reuses_dropped_blocks(void **state)
{
	struct hy_buf file;
	struct hy_pq_source src;
	struct hy_pq_reader *r = NULL;
	struct hy_pool *pool = NULL;
	struct hy_batch *b0 = NULL, *b1 = NULL, *b2 = NULL, *end = NULL;
	struct hy_error err = {0};
	const uint8_t *first;

	(void)state;
	three_row_groups(&file);
	hy_pq_source_init_memory(&src, file.data, file.len);
	for (int pass = 0; pass < 2; pass++) {
		struct hy_pq_reader_options o = {.max_batch_rows = 40000, .no_prefetch = true};

		if (pass == 1) {
			assert_int_equal(hy_pool_create(&pool, 2, "pqrecycle", &err), 0);
			o.pool = pool;
		}
		assert_int_equal(hy_pq_reader_open(&r, &src, &o, &err), 0);
		assert_int_equal(hy_pq_reader_next_batch(r, &b0, &err), 0);
		expect_rows(b0, 0);
		first = b0->cols[0]->values->data;
		/* held: the next row group gets another block */
		assert_int_equal(hy_pq_reader_next_batch(r, &b1, &err), 0);
		expect_rows(b1, 40000);
		assert_ptr_not_equal(b1->cols[0]->values->data, first);
		expect_rows(b0, 0);
		/* dropped: the third row group decodes into it */
		hy_batch_unref(b0);
		assert_int_equal(hy_pq_reader_next_batch(r, &b2, &err), 0);
		assert_ptr_equal(b2->cols[0]->values->data, first);
		expect_rows(b2, 80000);
		expect_rows(b1, 40000);
		assert_int_equal(hy_pq_reader_next_batch(r, &end, &err), 0);
		assert_null(end);
		/* batches outlive the reader */
		hy_pq_reader_close(r);
		expect_rows(b1, 40000);
		expect_rows(b2, 80000);
		hy_batch_unref(b1);
		hy_batch_unref(b2);
	}
	hy_pool_destroy(pool);
	hy_buf_reset(&file);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_lend_and_take_back),
	cmocka_unit_test(test_small_blocks_and_empty_buffers),
	cmocka_unit_test(test_parked_bytes_are_bounded),
	cmocka_unit_test(test_returned_from_another_thread),
	cmocka_unit_test(test_reader_reuses_dropped_blocks),
};

HY_TEST_MAIN(tests)
