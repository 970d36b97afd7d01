/* The Parquet writer's streaming encoder: batches released right after
 * their write (the open page keeps what it needs), pages spanning writes,
 * and dictionary-form input (mapped to the chunk dictionary once per input
 * entry) giving the same file as the same values in plain form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pq_writer_check.h"
#include "pq_writer_int.h"
#include "pq_writer_gen.h"

/* Batches are written and released one by one: a string view of the open
 * page pointing into a released batch would be read after free (ASan). */
static void test_batches_released_after_write(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b[40], *all = NULL;
	struct hy_pq_writer_options o;
	struct hy_pq_writer *w = NULL;
	struct hy_error err = {0};
	struct out out;

	(void)state;
	for (size_t i = 0; i < 40; i++)
		b[i] = gen_batch(schema, (int64_t)((i * 37) % 400), 7100 + i);
	assert_int_equal(hy_batch_concat(b, 40, &all, &err), 0); /* a copy */
	for (int pass = 0; pass < 3; pass++) {
		struct hy_batch *mine[40];

		for (size_t i = 0; i < 40; i++)
			mine[i] = hy_batch_ref(b[i]);
		hy_pq_writer_options_init(&o);
		o.page_rows = pass == 0 ? 50 : 1000;
		o.page_bytes = pass == 1 ? 300 : HY_PQW_PAGE_BYTES;
		o.row_group_rows = pass == 2 ? 1500 : HY_PQW_ROW_GROUP_ROWS;
		o.codec = pass == 1 ? HY_PQ_CODEC_UNCOMPRESSED : HY_PQ_CODEC_SNAPPY;
		out_init(&out);
		assert_int_equal(hy_pq_writer_open(&w, schema, &o, &out.sink, &err), 0);
		for (size_t i = 0; i < 40; i++) {
			assert_int_equal(hy_pq_writer_write(w, mine[i], &err), 0);
			hy_batch_unref(mine[i]);
		}
		assert_int_equal(hy_pq_writer_finish(w, &err), 0);
		hy_pq_writer_close(w);
		rb_check_batch(out.buf.data, out.buf.len, all, HY_UNIT_MICRO);
		out_free(&out);
	}
	hy_batch_unref(all);
	for (size_t i = 0; i < 40; i++)
		hy_batch_unref(b[i]);
	hy_schema_unref(schema);
}

#define NWORDS 300

static char words[NWORDS][100];

/* Words of 0 to ~90 bytes, some with multi-byte UTF-8, some long enough for
 * truncated statistics. */
static void make_words(void)
{
	for (int i = 0; i < NWORDS; i++) {
		int n = snprintf(words[i], sizeof(words[i]), "%s%03d", i % 5 == 0 ? "ü" : "w",
				 (i * 7919) % 1000);
		for (int k = 0; k < (i % 11) * 8 && n < 90; k++)
			words[i][n++] = (char)('a' + (i + k) % 26);
		words[i][n] = '\0';
		if (i == 7)
			words[i][0] = '\0';
	}
}

/* A dictionary column over words[from, from + n). */
static struct hy_column *word_dict(int from, int n)
{
	struct hy_dtype st = hy_dtype_simple(HY_STRING);
	struct hy_builder *b = NULL;
	struct hy_column *c = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_create(&st, &b, &err), 0);
	for (int i = from; i < from + n; i++)
		assert_int_equal(hy_builder_append_str(b, words[i], strlen(words[i]), &err), 0);
	assert_int_equal(hy_builder_finish(b, &c, &err), 0);
	hy_builder_destroy(b);
	return c;
}

/* `n` rows of entries of `dict` (words from `base`): dictionary form when
 * `dict_form`, else the same strings plain. Row r is null when r % 9 == 4. */
static struct hy_batch *word_batch(struct hy_schema *s, struct hy_column *dict, int base, int64_t n,
				   uint64_t seed, bool dict_form)
{
	struct hy_dtype i32 = hy_dtype_simple(HY_INT32), st = hy_dtype_simple(HY_STRING);
	struct hy_builder *b = NULL;
	struct hy_column *col = NULL, *idx = NULL;
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};
	uint64_t x = seed * 2654435761u + 1;

	assert_int_equal(hy_builder_create(dict_form ? &i32 : &st, &b, &err), 0);
	for (int64_t r = 0; r < n; r++) {
		int64_t k;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		/* skewed: low entries are frequent */
		k = (int64_t)((x >> 33) % (uint64_t)dict->length);
		if ((x >> 20) % 3 != 0)
			k = k % 17;
		if (r % 9 == 4)
			assert_int_equal(hy_builder_append_null(b, &err), 0);
		else if (dict_form)
			assert_int_equal(hy_builder_append_i64(b, k, &err), 0);
		else
			assert_int_equal(hy_builder_append_str(b, words[base + k],
							       strlen(words[base + k]), &err),
					 0);
	}
	assert_int_equal(hy_builder_finish(b, dict_form ? &idx : &col, &err), 0);
	hy_builder_destroy(b);
	if (dict_form) {
		assert_int_equal(hy_column_create_dictionary(idx, dict, &col, &err), 0);
		hy_column_unref(idx);
	}
	assert_int_equal(hy_batch_create(s, &col, n, &batch, &err), 0);
	hy_column_unref(col);
	return batch;
}

/* Writes the same string values twice, once in plain form and once with
 * dictionary-form batches (two dictionaries, each coming back, and a plain
 * batch in between), and expects the same bytes: the remap adds entries to
 * the chunk dictionary in the order hashing the values would. */
static void same_file(const struct hy_pq_writer_options *o, bool released)
{
	struct hy_dtype st = hy_dtype_simple(HY_STRING);
	struct hy_field f = {(char *)"s", st, true};
	struct hy_schema *s = NULL;
	struct hy_column *da, *db;
	struct hy_batch *plain[12], *dform[12], *all = NULL;
	struct hy_error err = {0};
	struct out a, b;

	make_words();
	assert_int_equal(hy_schema_create(&f, 1, &s, &err), 0);
	da = word_dict(0, 200);
	db = word_dict(100, 200);
	for (int i = 0; i < 12; i++) {
		bool use_b = i % 4 == 2;
		int64_t n = 37 + (i * 131) % 700;

		plain[i] = word_batch(s, use_b ? db : da, use_b ? 100 : 0, n, (uint64_t)i, false);
		/* batch 5 stays plain in both files */
		dform[i] = word_batch(s, use_b ? db : da, use_b ? 100 : 0, n, (uint64_t)i, i != 5);
	}
	out_init(&a);
	out_init(&b);
	write_batches(&a, s, o, plain, 12);
	if (released) {
		struct hy_pq_writer *w = NULL;

		assert_int_equal(hy_pq_writer_open(&w, s, o, &b.sink, &err), 0);
		for (int i = 0; i < 12; i++) {
			assert_int_equal(hy_pq_writer_write(w, dform[i], &err), 0);
			hy_batch_unref(dform[i]);
			dform[i] = NULL;
		}
		assert_int_equal(hy_pq_writer_finish(w, &err), 0);
		hy_pq_writer_close(w);
	} else {
		write_batches(&b, s, o, dform, 12);
	}
	assert_int_equal(a.buf.len, b.buf.len);
	assert_memory_equal(a.buf.data, b.buf.data, a.buf.len);
	assert_int_equal(hy_batch_concat(plain, 12, &all, &err), 0);
	rb_check_batch(b.buf.data, b.buf.len, all, HY_UNIT_MICRO);
	hy_batch_unref(all);
	out_free(&a);
	out_free(&b);
	for (int i = 0; i < 12; i++) {
		hy_batch_unref(plain[i]);
		hy_batch_unref(dform[i]);
	}
	hy_column_unref(da);
	hy_column_unref(db);
	hy_schema_unref(s);
}

static void test_dictionary_form_same_file(void **state)
{
	struct hy_pq_writer_options o;

	(void)state;
	hy_pq_writer_options_init(&o);
	same_file(&o, false);
	o.page_rows = 100; /* pages span writes and dictionaries */
	same_file(&o, true);
	o.row_group_rows = 900; /* the remap is dropped with each row group's dictionary */
	same_file(&o, false);
}

/* The chunk dictionary fills up part way (dict_limit): the rest of the chunk
 * is PLAIN, the remap no longer used. */
static void test_dictionary_form_fallback(void **state)
{
	struct hy_pq_writer_options o;

	(void)state;
	hy_pq_writer_options_init(&o);
	o.page_rows = 64;
	o.dict_limit = 1200;
	same_file(&o, true);
	o.dict_limit = 0; /* no dictionary at all */
	same_file(&o, false);
	o.dict_limit = HY_PQW_DICT_LIMIT;
	o.codec = HY_PQ_CODEC_ZSTD;
	o.page_index = false;
	same_file(&o, true);
}

/* row_group_bytes caps the encoded bytes a writer holds: many small writes
 * of a wide-ish table close several row groups, each under the cap plus one
 * write's worth. */
static void test_row_group_bytes_encoded(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b[30], *all = NULL;
	struct hy_pq_writer_options o;
	struct hy_pq_metadata *md = NULL;
	struct hy_pq_source src;
	struct hy_error err = {0};
	struct out out;

	(void)state;
	for (size_t i = 0; i < 30; i++)
		b[i] = gen_batch(schema, 200, 300 + i);
	hy_pq_writer_options_init(&o);
	o.row_group_bytes = 40000;
	out_init(&out);
	write_batches(&out, schema, &o, b, 30);
	hy_pq_source_init_memory(&src, out.buf.data, out.buf.len);
	assert_int_equal(hy_pq_metadata_read(&src, &md, &err), 0);
	assert_true(md->num_row_groups > 1);
	for (size_t g = 0; g < md->num_row_groups; g++)
		assert_int_equal(md->row_groups[g].num_rows % 200, 0);
	hy_pq_metadata_destroy(md);
	assert_int_equal(hy_batch_concat(b, 30, &all, &err), 0);
	rb_check_batch(out.buf.data, out.buf.len, all, HY_UNIT_MICRO);
	hy_batch_unref(all);
	out_free(&out);
	for (size_t i = 0; i < 30; i++)
		hy_batch_unref(b[i]);
	hy_schema_unref(schema);
}

/* A closing writer's big scratch buffers wait for the next writer, and
 * each goes back to the same column position only: handing a position
 * another's buffer grew every column to the largest of every kind over a
 * run of many files. */
static void test_spare_buffers_stay_with_their_column(void **state)
{
	static const struct hy__pqw_leaf leaf; /* init and reset do not read it */
	struct hy_pq_writer_options o;
	struct hy__pqw_chunk a, b, c;
	struct hy_error err = {0};
	uint8_t *big, *mid;

	(void)state;
	hy_pq_writer_options_init(&o);
	hy__pqw_chunk_init(&a, &leaf, &o, 0);
	hy__pqw_chunk_init(&b, &leaf, &o, 1);
	assert_null(a.data_pages.data); /* nothing parked yet */
	assert_int_equal(hy_buf_reserve(&a.data_pages, 4u << 20, &err), 0);
	assert_int_equal(hy_buf_reserve(&b.values, 256u << 10, &err), 0);
	assert_int_equal(hy_buf_reserve(&b.dict_slots, 1000, &err), 0); /* too small to park */
	big = a.data_pages.data;
	mid = b.values.data;
	hy__pqw_chunk_reset(&a);
	hy__pqw_chunk_reset(&b);

	/* position 1 gets its own values buffer, not position 0's pages */
	hy__pqw_chunk_init(&c, &leaf, &o, 1);
	assert_ptr_equal(c.values.data, mid);
	assert_int_equal(c.values.len, 0);
	assert_null(c.data_pages.data);
	assert_null(c.dict_slots.data);
	hy__pqw_chunk_reset(&c);
	/* position 0 gets its pages buffer back */
	hy__pqw_chunk_init(&a, &leaf, &o, 0);
	assert_ptr_equal(a.data_pages.data, big);
	assert_true(a.data_pages.cap >= 4u << 20);
	assert_null(a.values.data);
	/* parking position 1 again replaces its older buffer (one per kind and
	 * position): the new one is what comes back */
	hy__pqw_chunk_init(&b, &leaf, &o, 1); /* takes `mid` */
	hy__pqw_chunk_init(&c, &leaf, &o, 1); /* nothing left for it */
	assert_null(c.values.data);
	assert_int_equal(hy_buf_reserve(&c.values, 512u << 10, &err), 0);
	mid = c.values.data;
	hy__pqw_chunk_reset(&b);
	hy__pqw_chunk_reset(&c);
	hy__pqw_chunk_init(&b, &leaf, &o, 1);
	assert_ptr_equal(b.values.data, mid);
	hy__pqw_chunk_init(&c, &leaf, &o, 1);
	assert_null(c.values.data);
	hy__pqw_chunk_reset(&a);
	hy__pqw_chunk_reset(&b);
	hy__pqw_chunk_reset(&c);
}

/* A wide table's columns each get their own buffers back, far past the
 * first few dozen positions. */
static void test_spare_buffers_of_a_wide_table(void **state)
{
	static const struct hy__pqw_leaf leaf;
	enum { N = 200 };
	static struct hy__pqw_chunk c[N];
	static uint8_t *had[N];
	struct hy_pq_writer_options o;
	struct hy_error err = {0};

	(void)state;
	hy_pq_writer_options_init(&o);
	for (size_t i = 0; i < N; i++) {
		hy__pqw_chunk_init(&c[i], &leaf, &o, i);
		assert_int_equal(hy_buf_reserve(&c[i].values, (64u << 10) + i * 64, &err), 0);
		had[i] = c[i].values.data;
	}
	for (size_t i = 0; i < N; i++)
		hy__pqw_chunk_reset(&c[i]);
	for (size_t i = 0; i < N; i++) {
		hy__pqw_chunk_init(&c[i], &leaf, &o, i);
		assert_ptr_equal(c[i].values.data, had[i]);
	}
	for (size_t i = 0; i < N; i++)
		hy__pqw_chunk_reset(&c[i]);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_batches_released_after_write),
	cmocka_unit_test(test_dictionary_form_same_file),
	cmocka_unit_test(test_dictionary_form_fallback),
	cmocka_unit_test(test_row_group_bytes_encoded),
	cmocka_unit_test(test_spare_buffers_stay_with_their_column),
	cmocka_unit_test(test_spare_buffers_of_a_wide_table),
};

HY_TEST_MAIN(tests)
