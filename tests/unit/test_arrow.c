/* Arrow C data interface: export checked buffer by buffer against the Arrow
 * columnar format, import of a hand-made producer's arrays (move semantics),
 * round trips of every type, slices and dictionaries, failure injection. */
#include <string.h>

#include "batch_fixture.h"
#include "hygge/arrow.h"

static const char *const fx_formats[FX_NCOLS] = {
	"n",     "b",       "c", "s", "i",   "l",    "C",   "S",   "I",   "L",       "f",    "g",
	"d:9,2", "d:38,10", "u", "z", "w:5", "w:16", "tdD", "ttm", "ttn", "tsu:UTC", "tsn:", "tDs"};

static bool bit(const void *bits, int64_t i)
{
	return (((const uint8_t *)bits)[i >> 3] >> (i & 7)) & 1;
}

/* Checks one exported child against pattern rows [first, first+length). */
static void check_child(const struct ArrowArray *a, int c, int64_t first)
{
	const uint8_t *v = a->buffers[1];
	uint8_t buf[32];

	assert_int_equal(a->n_children, 0);
	assert_null(a->dictionary);
	if (c == FX_NULL) {
		assert_int_equal(a->n_buffers, 0);
		assert_int_equal(a->null_count, a->length);
		return;
	}
	assert_int_equal(a->n_buffers, c == FX_STR || c == FX_BIN ? 3 : 2);
	if (a->buffers[0] == NULL)
		assert_int_equal(a->null_count, 0);
	for (int64_t r = 0; r < a->length; r++) {
		int64_t i = first + r, k = a->offset + r;
		bool null = fx_is_null(c, i);

		if (a->buffers[0] != NULL)
			assert_int_equal(bit(a->buffers[0], k), !null);
		if (null)
			continue;
		switch (c) {
		case FX_BOOL: assert_int_equal(bit(v, k), fx_bool(i)); break;
		case FX_I8: assert_int_equal(((const int8_t *)v)[k], fx_i64(c, i)); break;
		case FX_I16: assert_int_equal(((const int16_t *)v)[k], fx_i64(c, i)); break;
		case FX_I32:
		case FX_DATE:
		case FX_TIME_MS: assert_int_equal(((const int32_t *)v)[k], fx_i64(c, i)); break;
		case FX_U8: assert_int_equal(v[k], fx_u64(c, i)); break;
		case FX_U16: assert_int_equal(((const uint16_t *)v)[k], fx_u64(c, i)); break;
		case FX_U32: assert_int_equal(((const uint32_t *)v)[k], fx_u64(c, i)); break;
		case FX_U64: assert_true(((const uint64_t *)v)[k] == fx_u64(c, i)); break;
		case FX_F32: assert_true(((const float *)v)[k] == (float)fx_f64(c, i)); break;
		case FX_F64: assert_true(((const double *)v)[k] == fx_f64(c, i)); break;
		case FX_DEC9:
		case FX_DEC38: {
			hy_i128 want = c == FX_DEC9 ? (hy_i128)fx_i64(c, i) : fx_dec38(i), got;

			/* decimal128: 16 little-endian bytes, sign-extended */
			memcpy(&got, v + k * 16, 16);
			assert_true(got == want);
			if (want < 0)
				assert_int_equal(v[k * 16 + 15], 0xff);
			break;
		}
		case FX_STR:
		case FX_BIN: {
			const int32_t *offs = (const int32_t *)v;
			size_t n = fx_bytes(c, i, buf);

			assert_int_equal(offs[k + 1] - offs[k], n);
			if (n > 0)
				assert_memory_equal((const uint8_t *)a->buffers[2] + offs[k], buf,
						    n);
			break;
		}
		case FX_FIXED:
		case FX_UUID: {
			size_t n = fx_bytes(c, i, buf);

			assert_memory_equal(v + k * (int64_t)n, buf, n);
			break;
		}
		default: assert_int_equal(((const int64_t *)v)[k], fx_i64(c, i)); break;
		}
	}
}

static void check_uuid_metadata(const char *m)
{
	int32_t n, len;

	assert_non_null(m);
	memcpy(&n, m, 4);
	assert_int_equal(n, 2);
	memcpy(&len, m + 4, 4);
	assert_int_equal(len, 20);
	assert_memory_equal(m + 8, "ARROW:extension:name", 20);
	memcpy(&len, m + 28, 4);
	assert_int_equal(len, 10);
	assert_memory_equal(m + 32, "arrow.uuid", 10);
}

static void check_export(struct hy_batch *batch, int64_t first, bool offsets_shared)
{
	struct ArrowSchema s;
	struct ArrowArray a;
	struct hy_error err = {0};
	int64_t nrows = batch->nrows;
	int64_t offsets[FX_NCOLS];

	for (int c = 0; c < FX_NCOLS; c++)
		offsets[c] = batch->cols[c]->offset;
	assert_int_equal(hy_batch_export_arrow(batch, &s, &a, &err), 0);
	/* The array outlives the batch: it holds the buffers. */
	hy_batch_unref(batch);

	assert_string_equal(s.format, "+s");
	assert_int_equal(s.n_children, FX_NCOLS);
	assert_null(s.dictionary);
	assert_int_equal(a.length, nrows);
	assert_int_equal(a.offset, 0);
	assert_int_equal(a.null_count, 0);
	assert_int_equal(a.n_buffers, 1);
	assert_null(a.buffers[0]);
	assert_int_equal(a.n_children, FX_NCOLS);
	for (int c = 0; c < FX_NCOLS; c++) {
		const struct ArrowSchema *cs = s.children[c];
		const struct ArrowArray *ca = a.children[c];

		assert_string_equal(cs->format, fx_formats[c]);
		assert_string_equal(cs->name, fx_names[c]);
		assert_int_equal(cs->flags, c == FX_I64 ? 0 : ARROW_FLAG_NULLABLE);
		assert_int_equal(cs->n_children, 0);
		if (c == FX_UUID)
			check_uuid_metadata(cs->metadata);
		else
			assert_null(cs->metadata);
		assert_int_equal(ca->length, nrows);
		/* Slices keep their offset, except widened decimals and null. */
		if (c == FX_DEC9 || c == FX_NULL)
			assert_int_equal(ca->offset, 0);
		else if (offsets_shared)
			assert_int_equal(ca->offset, offsets[c]);
		check_child(ca, c, first);
	}
	s.release(&s);
	assert_null(s.release);
	a.release(&a);
	assert_null(a.release);
}

static void test_export_buffers_match_the_spec(void **state)
{
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	check_export(batch, 0, true);
}

static void test_export_slice_keeps_offset(void **state)
{
	struct hy_batch *batch = NULL, *s1 = NULL, *s2 = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	assert_int_equal(hy_batch_slice(batch, 3, 30, &s1, &err), 0);
	assert_int_equal(hy_batch_slice(s1, 2, 19, &s2, &err), 0);
	hy_batch_unref(batch);
	hy_batch_unref(s1);
	assert_int_equal(s2->cols[FX_I32]->offset, 5);
	check_export(s2, 5, true);
}

static void round_trip(struct hy_batch *batch, int64_t first)
{
	struct ArrowSchema s;
	struct ArrowArray a;
	struct hy_batch *back = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_batch_export_arrow(batch, &s, &a, &err), 0);
	assert_int_equal(hy_batch_import_arrow(&s, &a, &back, &err), 0);
	assert_null(s.release); /* moved */
	assert_null(a.release);
	assert_true(hy_schema_eq(back->schema, batch->schema));
	assert_int_equal(back->nrows, batch->nrows);
	hy_batch_unref(batch);
	fx_check_batch(back, first);
	/* Zero copy both ways: imported strings point into exported memory
	 * that still belongs to the original column. */
	hy_batch_unref(back);
}

static void test_round_trip_every_type(void **state)
{
	struct hy_batch *batch = NULL, *slice = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	assert_int_equal(hy_batch_slice(batch, 7, 21, &slice, &err), 0);
	round_trip(batch, 0);
	round_trip(slice, 7);
	assert_int_equal(fx_batch(0, 0, &batch, &err), 0);
	round_trip(batch, 0);
}

static void test_round_trip_dictionary(void **state)
{
	static const char *const words[] = {"alpha", "beta", "gamma"};
	static const int idx[] = {2, 0, 1, 1, 0, 2, 2, 0, 1, 0, 2};
	struct hy_dtype st = hy_dtype_simple(HY_STRING), it = hy_dtype_simple(HY_INT32);
	struct hy_builder *b = NULL;
	struct hy_column *dict = NULL, *ind = NULL, *col = NULL;
	struct hy_field f = {.name = (char *)"word", .type = st, .nullable = true};
	struct hy_schema *schema = NULL;
	struct hy_batch *batch = NULL, *slice = NULL, *back = NULL;
	struct ArrowSchema s;
	struct ArrowArray a;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_builder_create(&st, &b, &err), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(hy_builder_append_str(b, words[i], strlen(words[i]), &err), 0);
	assert_int_equal(hy_builder_finish(b, &dict, &err), 0);
	hy_builder_destroy(b);
	assert_int_equal(hy_builder_create(&it, &b, &err), 0);
	for (int i = 0; i < 11; i++) {
		if (i % 4 == 3)
			assert_int_equal(hy_builder_append_null(b, &err), 0);
		else
			assert_int_equal(hy_builder_append_i64(b, idx[i], &err), 0);
	}
	assert_int_equal(hy_builder_finish(b, &ind, &err), 0);
	hy_builder_destroy(b);
	assert_int_equal(hy_column_create_dictionary(ind, dict, &col, &err), 0);
	assert_int_equal(hy_schema_create(&f, 1, &schema, &err), 0);
	assert_int_equal(hy_batch_create(schema, &col, 11, &batch, &err), 0);
	assert_int_equal(hy_batch_slice(batch, 2, 8, &slice, &err), 0);

	assert_int_equal(hy_batch_export_arrow(slice, &s, &a, &err), 0);
	assert_string_equal(s.children[0]->format, "i");
	assert_non_null(s.children[0]->dictionary);
	assert_string_equal(s.children[0]->dictionary->format, "u");
	assert_int_equal(a.children[0]->n_buffers, 2);
	assert_int_equal(a.children[0]->offset, 2);
	assert_int_equal(a.children[0]->null_count, 2); /* rows 3 and 7 */
	assert_int_equal(((const int32_t *)a.children[0]->buffers[1])[2], 1);
	assert_non_null(a.children[0]->dictionary);
	assert_int_equal(a.children[0]->dictionary->length, 3);
	assert_int_equal(a.children[0]->dictionary->n_buffers, 3);
	assert_int_equal(hy_batch_import_arrow(&s, &a, &back, &err), 0);
	assert_non_null(back->cols[0]->dictionary);
	for (int64_t r = 0; r < 8; r++) {
		int i = (int)r + 2;

		assert_int_equal(hy_column_is_null(back->cols[0], r), i % 4 == 3);
		if (i % 4 != 3)
			assert_true(hy_str_eq_cstr(hy_column_get_bytes(back->cols[0], r),
						   words[idx[i]]));
	}
	hy_batch_unref(back);
	hy_batch_unref(slice);
	hy_batch_unref(batch);
	hy_schema_unref(schema);
	hy_column_unref(col);
	hy_column_unref(ind);
	hy_column_unref(dict);
}

/* ---- a hand-made producer, to watch move semantics from outside ---- */

static int schema_releases, array_releases;

static void child_schema_release(struct ArrowSchema *s)
{
	s->release = NULL;
}

static void top_schema_release(struct ArrowSchema *s)
{
	for (int64_t i = 0; i < s->n_children; i++)
		if (s->children[i]->release != NULL)
			s->children[i]->release(s->children[i]);
	schema_releases++;
	s->release = NULL;
}

static void child_array_release(struct ArrowArray *a)
{
	a->release = NULL;
}

static void top_array_release(struct ArrowArray *a)
{
	for (int64_t i = 0; i < a->n_children; i++)
		if (a->children[i]->release != NULL)
			a->children[i]->release(a->children[i]);
	array_releases++;
	a->release = NULL;
}

struct producer {
	struct ArrowSchema top_s, child_s, *child_sp;
	struct ArrowArray top_a, child_a, *child_ap;
	const void *top_bufs[1], *child_bufs[3];
	int32_t values[6];
	int64_t values64[6];
	uint8_t validity[1];
	char format[16];
};

/* A struct array of 5 rows with one child "x" (format given, int32 buffers):
 * 10, 11, null, 13, 14, read at the child's own offset 1 into 6 values. */
static void producer_init(struct producer *p, const char *format)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 6; i++)
		p->values[i] = 9 + i;
	for (int i = 0; i < 6; i++)
		p->values64[i] = -(9 + i);
	p->validity[0] = (uint8_t) ~(1u << 3); /* row 2 (bit 1+2) null */
	snprintf(p->format, sizeof(p->format), "%s", format);
	p->child_s = (struct ArrowSchema){.format = p->format,
					  .name = "x",
					  .flags = ARROW_FLAG_NULLABLE,
					  .release = child_schema_release};
	p->child_sp = &p->child_s;
	p->top_s = (struct ArrowSchema){.format = "+s",
					.name = "",
					.n_children = 1,
					.children = &p->child_sp,
					.release = top_schema_release};
	p->child_bufs[0] = p->validity;
	p->child_bufs[1] = format[0] == 'd' ? (const void *)p->values64 : (const void *)p->values;
	p->child_a = (struct ArrowArray){.length = 5,
					 .null_count = -1,
					 .offset = 1,
					 .n_buffers = 2,
					 .buffers = p->child_bufs,
					 .release = child_array_release};
	p->child_ap = &p->child_a;
	p->top_a = (struct ArrowArray){.length = 5,
				       .n_buffers = 1,
				       .n_children = 1,
				       .buffers = p->top_bufs,
				       .children = &p->child_ap,
				       .release = top_array_release};
}

static void test_import_moves_and_releases_once(void **state)
{
	struct producer p;
	struct hy_batch *batch = NULL, *slice = NULL;
	struct hy_error err = {0};
	static const int want[] = {10, 11, -1, 13};

	(void)state;
	schema_releases = array_releases = 0;
	producer_init(&p, "i");
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), 0);
	assert_int_equal(schema_releases, 1); /* the schema is done with at once */
	assert_int_equal(array_releases, 0);  /* the buffers are still in use */
	assert_null(p.top_a.release);         /* moved out of the caller's struct */
	assert_int_equal(batch->nrows, 5);
	assert_int_equal(batch->cols[0]->null_count, 1);
	assert_ptr_equal(batch->cols[0]->values->data, (const void *)p.values); /* zero copy */
	assert_int_equal(hy_batch_slice(batch, 0, 4, &slice, &err), 0);
	hy_batch_unref(batch);
	assert_int_equal(array_releases, 0);
	for (int r = 0; r < 4; r++) {
		assert_int_equal(hy_column_is_null(slice->cols[0], r), want[r] < 0);
		if (want[r] >= 0)
			assert_int_equal(hy_column_get_i64(slice->cols[0], r), want[r]);
	}
	hy_batch_unref(slice);
	assert_int_equal(array_releases, 1);
}

static void test_import_decimal64_zero_copy(void **state)
{
	struct producer p;
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};

	(void)state;
	/* Arrow's decimal64 ("d:P,S,64") is int64 storage: shared, not copied. */
	producer_init(&p, "d:9,2,64");
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), 0);
	assert_int_equal(batch->cols[0]->type.id, HY_DECIMAL);
	assert_int_equal(batch->cols[0]->type.precision, 9);
	assert_int_equal(batch->cols[0]->type.scale, 2);
	assert_ptr_equal(batch->cols[0]->values->data, (const void *)p.values64);
	assert_int_equal(hy_column_get_i64(batch->cols[0], 0), -10);
	assert_true(hy_column_get_decimal(batch->cols[0], 4) == -14);
	assert_true(hy_column_is_null(batch->cols[0], 2));
	hy_batch_unref(batch);
	/* decimal64 cannot hold 19 digits. */
	producer_init(&p, "d:19,2,64");
	hy_error_init(&err);
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), HY_EUNSUPPORTED);
}

static void test_import_empty_with_null_buffers(void **state)
{
	struct producer p;
	struct hy_batch *batch = NULL;
	struct ArrowSchema s;
	struct ArrowArray a;
	struct hy_error err = {0};

	(void)state;
	/* Zero rows: the spec lets a producer pass NULL for 0-byte buffers. */
	producer_init(&p, "u");
	p.top_a.length = p.child_a.length = p.child_a.offset = 0;
	p.child_a.n_buffers = 3;
	p.child_bufs[0] = p.child_bufs[1] = p.child_bufs[2] = NULL;
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), 0);
	assert_int_equal(batch->nrows, 0);
	assert_int_equal(batch->cols[0]->type.id, HY_STRING);
	/* hygge re-exports it with real buffers: offsets [0]. */
	assert_int_equal(hy_batch_export_arrow(batch, &s, &a, &err), 0);
	hy_batch_unref(batch);
	assert_non_null(a.children[0]->buffers[1]);
	assert_int_equal(((const int32_t *)a.children[0]->buffers[1])[0], 0);
	s.release(&s);
	a.release(&a);
}

static void test_import_rejects_and_still_releases(void **state)
{
	static const char *const bad[] = {"U",   "+l",  "d:40,2", "d:10,2,256", "d:10", "d:1,x",
					  "tdm", "w:0", "w:",     "tsx:",       ""};
	struct producer p;
	struct hy_batch *batch = NULL;
	struct hy_error err;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		schema_releases = array_releases = 0;
		producer_init(&p, bad[k]);
		hy_error_init(&err);
		assert_int_not_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), 0);
		assert_null(batch);
		assert_int_equal(schema_releases, 1);
		assert_int_equal(array_releases, 1);
		assert_null(p.top_s.release);
		assert_null(p.top_a.release);
	}
	producer_init(&p, "U");
	hy_error_init(&err);
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), HY_EUNSUPPORTED);
	assert_string_equal(err.msg,
			    "arrow import: column 0 (x): Arrow format \"U\" has no hygge type");
	/* Struct-level nulls have no hygge equivalent. */
	producer_init(&p, "i");
	p.top_a.null_count = 1;
	hy_error_init(&err);
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), HY_EUNSUPPORTED);
	/* A wrong buffer count is malformed input. */
	producer_init(&p, "u");
	hy_error_init(&err);
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), HY_EINVAL);
	assert_string_equal(err.msg, "arrow import: column 0 (x): 2 buffers where string needs 3");
	/* A NULL values buffer under rows is malformed. */
	producer_init(&p, "i");
	p.child_bufs[1] = NULL;
	hy_error_init(&err);
	assert_int_equal(hy_batch_import_arrow(&p.top_s, &p.top_a, &batch, &err), HY_EINVAL);
	assert_string_equal(err.msg, "arrow import: column 0 (x): the values buffer is NULL");
}

static void test_export_import_under_alloc_failure(void **state)
{
	struct hy_batch *batch = NULL, *slice = NULL, *back = NULL;
	struct ArrowSchema s;
	struct ArrowArray a;
	struct hy_error err;
	int rc;

	(void)state;
	hy_error_init(&err);
	assert_int_equal(fx_batch(0, FX_ROWS, &batch, &err), 0);
	assert_int_equal(hy_batch_slice(batch, 5, 20, &slice, &err), 0);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_batch_export_arrow(slice, &s, &a, &err);
		if (rc != 0) {
			assert_null(s.release);
			assert_null(a.release);
		} else {
			rc = hy_batch_import_arrow(&s, &a, &back, &err);
			assert_null(s.release);
			assert_null(a.release);
		}
		if (rc == 0)
			fx_check_batch(back, 5);
		hy_batch_unref(back);
		back = NULL;
	});
	hy_batch_unref(slice);
	hy_batch_unref(batch);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_export_buffers_match_the_spec),
	cmocka_unit_test(test_export_slice_keeps_offset),
	cmocka_unit_test(test_round_trip_every_type),
	cmocka_unit_test(test_round_trip_dictionary),
	cmocka_unit_test(test_import_moves_and_releases_once),
	cmocka_unit_test(test_import_decimal64_zero_copy),
	cmocka_unit_test(test_import_empty_with_null_buffers),
	cmocka_unit_test(test_import_rejects_and_still_releases),
	cmocka_unit_test(test_export_import_under_alloc_failure),
};
HY_TEST_MAIN(tests)
