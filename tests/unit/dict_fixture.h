/* Dictionary-form columns for the consumer tests: the Parquet reader hands
 * out string/binary columns as int32 indices over a shared dictionary
 * (keep_dictionary), and every consumer of batches must give the same output
 * for them as for plain columns. Static functions: each test program
 * includes it once. */
#ifndef HY_DICT_FIXTURE_H
#define HY_DICT_FIXTURE_H

#include <string.h>

#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/types.h"

/* The dictionary form of a plain string/binary column (or a slice): the
 * distinct values in reverse order of first appearance behind an unused
 * entry (so that no index equals a row number), indices one row into a
 * longer buffer (so that offset 1 is exercised). Values of null rows get
 * index 0 (any index is allowed under a null). */
static inline struct hy_column *dfx_dictify(const struct hy_column *plain)
{
	struct hy_error err = {0};
	struct hy_builder *bd = NULL, *bi = NULL;
	struct hy_column *dict = NULL, *idx = NULL, *idx_sl = NULL, *out = NULL;
	struct hy_str *seen = hy_calloc((size_t)plain->length + 1, sizeof(*seen));
	int32_t *at = hy_calloc((size_t)plain->length + 1, sizeof(*at));
	struct hy_dtype i32 = hy_dtype_simple(HY_INT32);
	int64_t nd = 0;

	assert_non_null(seen);
	assert_non_null(at);
	assert_null(plain->dictionary);
	for (int64_t r = 0; r < plain->length; r++) {
		struct hy_str v;
		int64_t k;

		if (hy_column_is_null(plain, r))
			continue;
		v = hy_column_get_bytes(plain, r);
		for (k = 0; k < nd; k++)
			if (seen[k].len == v.len &&
			    (v.len == 0 || memcmp(seen[k].ptr, v.ptr, v.len) == 0))
				break;
		if (k == nd)
			seen[nd++] = v;
		at[r] = (int32_t)k;
	}
	assert_int_equal(hy_builder_create(&plain->type, &bd, &err), 0);
	assert_int_equal(hy_builder_append_str(bd, "unused", 6, &err), 0);
	for (int64_t k = nd; k-- > 0;)
		assert_int_equal(hy_builder_append_str(bd, seen[k].ptr, seen[k].len, &err), 0);
	assert_int_equal(hy_builder_finish(bd, &dict, &err), 0);
	assert_int_equal(hy_builder_create(&i32, &bi, &err), 0);
	assert_int_equal(hy_builder_append_i64(bi, 0, &err), 0); /* the skipped row */
	for (int64_t r = 0; r < plain->length; r++)
		assert_int_equal(hy_column_is_null(plain, r)
					 ? hy_builder_append_null(bi, &err)
					 : hy_builder_append_i64(bi, nd - at[r], &err),
				 0);
	assert_int_equal(hy_builder_finish(bi, &idx, &err), 0);
	assert_int_equal(hy_column_slice(idx, 1, plain->length, &idx_sl, &err), 0);
	assert_int_equal(hy_column_create_dictionary(idx_sl, dict, &out, &err), 0);
	assert_non_null(out->dictionary);
	hy_column_unref(idx_sl);
	hy_column_unref(idx);
	hy_column_unref(dict);
	hy_builder_destroy(bd);
	hy_builder_destroy(bi);
	hy_free(seen);
	hy_free(at);
	return out;
}

/* A batch like `b` whose string and binary columns are in dictionary form
 * (the others shared); one reference, the caller's. */
static inline struct hy_batch *dfx_batch(struct hy_batch *b)
{
	size_t n = hy_schema_nfields(b->schema);
	struct hy_column **cols = hy_calloc(n + 1, sizeof(*cols));
	struct hy_batch *out = NULL;
	struct hy_error err = {0};

	assert_non_null(cols);
	for (size_t c = 0; c < n; c++) {
		enum hy_type_id id = b->cols[c]->type.id;

		cols[c] = (id == HY_STRING || id == HY_BINARY) && b->cols[c]->dictionary == NULL
				  ? dfx_dictify(b->cols[c])
				  : hy_column_ref(b->cols[c]);
	}
	assert_int_equal(hy_batch_create(b->schema, cols, b->nrows, &out, &err), 0);
	for (size_t c = 0; c < n; c++)
		hy_column_unref(cols[c]);
	hy_free(cols);
	return out;
}

/* How many columns of `b` are in dictionary form (tests assert they fed
 * some). */
static inline size_t dfx_count(const struct hy_batch *b)
{
	size_t n = 0;

	for (size_t c = 0; c < hy_schema_nfields(b->schema); c++)
		n += b->cols[c]->dictionary != NULL;
	return n;
}

#endif /* HY_DICT_FIXTURE_H */
