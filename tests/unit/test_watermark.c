/* Watermarks: the tracker's maximum and journal text per type (D22: dates),
 * the reference's error and warning texts, reading a value back, lookback,
 * the incremental filter and same-run de-duplication on the primary key. */
#include <stdio.h>
#include <string.h>

#include "dict_fixture.h"
#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/watermark.h"

/* ---- helpers ---- */

struct warnings {
	int n;
	char text[4][512];
};

static void collect(void *user, const char *msg)
{
	struct warnings *w = user;

	if (w->n < 4)
		snprintf(w->text[w->n], sizeof(w->text[0]), "%s", msg);
	w->n++;
}

static struct hy_column *col_i64(const struct hy_dtype *t, const int64_t *v, const bool *null,
				 int n)
{
	struct hy_builder *b = NULL;
	struct hy_column *c = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_create(t, &b, &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(null != NULL && null[i] ? hy_builder_append_null(b, &err)
							 : hy_builder_append_i64(b, v[i], &err),
				 0);
	assert_int_equal(hy_builder_finish(b, &c, &err), 0);
	hy_builder_destroy(b);
	return c;
}

static struct hy_column *col_str(const char *const *v, int n)
{
	struct hy_dtype t = hy_dtype_simple(HY_STRING);
	struct hy_builder *b = NULL;
	struct hy_column *c = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(v[i] == NULL ? hy_builder_append_null(b, &err)
					      : hy_builder_append_str(b, v[i], strlen(v[i]), &err),
				 0);
	assert_int_equal(hy_builder_finish(b, &c, &err), 0);
	hy_builder_destroy(b);
	return c;
}

/* One-column batch "ts" (the reference of the column is taken over). */
static struct hy_batch *batch1(const char *name, struct hy_column *c)
{
	struct hy_field f = {(char *)name, c->type, true};
	struct hy_schema *s = NULL;
	struct hy_batch *b = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_schema_create(&f, 1, &s, &err), 0);
	assert_int_equal(hy_batch_create(s, &c, c->length, &b, &err), 0);
	hy_column_unref(c);
	hy_schema_unref(s);
	return b;
}

/* Two columns "id", "ts". */
static struct hy_batch *batch2(struct hy_column *id, struct hy_column *ts)
{
	struct hy_field f[2] = {{(char *)"id", id->type, true}, {(char *)"ts", ts->type, true}};
	struct hy_column *cols[2] = {id, ts};
	struct hy_schema *s = NULL;
	struct hy_batch *b = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_schema_create(f, 2, &s, &err), 0);
	assert_int_equal(hy_batch_create(s, cols, id->length, &b, &err), 0);
	hy_column_unref(id);
	hy_column_unref(ts);
	hy_schema_unref(s);
	return b;
}

static struct hy_dtype ts_type(enum hy_time_unit unit, const char *tz)
{
	struct hy_dtype t;
	struct hy_error err = {0};

	assert_int_equal(hy_dtype_timestamp(unit, tz, &t, &err), 0);
	return t;
}

static const struct hy_watermark_config wm_cfg = {
	.present = true, .primary_key = "id", .watermark_column = "ts"};

/* Observes each batch; checks the final text and tag. */
static void track(struct hy_batch *const *batches, int n, const char *text, const char *tag,
		  struct warnings *w)
{
	struct hy_watermark_tracker *t = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_watermark_tracker_create(&t, &wm_cfg, &err), 0);
	for (int i = 0; i < n; i++)
		if (hy_watermark_tracker_observe(t, batches[i], collect, w, &err) != 0)
			fail_msg("%s", err.msg);
	if (text == NULL) {
		assert_null(hy_watermark_tracker_value_text(t));
		assert_null(hy_watermark_tracker_type_tag(t));
	} else {
		assert_string_equal(hy_watermark_tracker_value_text(t), text);
		assert_string_equal(hy_watermark_tracker_type_tag(t), tag);
	}
	hy_watermark_tracker_destroy(t);
}

static void unref_all(struct hy_batch **b, int n)
{
	for (int i = 0; i < n; i++)
		hy_batch_unref(b[i]);
}

/* ---- tracker ---- */

static void test_int_max_across_batches_nulls_and_slices(void **state)
{
	static const int64_t a[] = {3, 0, 7}, c[] = {100, 5, 9};
	static const bool an[] = {false, true, false}, all[] = {true, true};
	struct hy_dtype i32 = hy_dtype_simple(HY_INT32), u64 = hy_dtype_simple(HY_UINT64);
	struct hy_batch *full = batch1("ts", col_i64(&i32, c, NULL, 3)), *b[4];
	struct hy_error err = {0};
	struct warnings w = {0};

	(void)state;
	b[0] = batch1("ts", col_i64(&i32, a, an, 3));
	b[1] = batch1("ts", col_i64(&i32, a, all, 2));                /* all null: skipped */
	assert_int_equal(hy_batch_slice(full, 1, 2, &b[2], &err), 0); /* 5, 9: not 100 */
	track(b, 3, "9", "int", &w);
	track(b, 2, "7", "int", &w);
	track(&b[1], 1, NULL, NULL, &w);
	/* unsigned beyond int64 */
	b[3] = batch1("ts", col_i64(&u64, (const int64_t[]){0}, NULL, 1));
	{
		struct hy_builder *bb = NULL;
		struct hy_column *cc = NULL;

		assert_int_equal(hy_builder_create(&u64, &bb, &err), 0);
		assert_int_equal(hy_builder_append_u64(bb, UINT64_MAX, &err), 0);
		assert_int_equal(hy_builder_finish(bb, &cc, &err), 0);
		hy_builder_destroy(bb);
		hy_batch_unref(b[3]);
		b[3] = batch1("ts", cc);
	}
	track(&b[2], 2, "18446744073709551615", "int", &w);
	assert_int_equal(w.n, 0);
	unref_all(b, 4);
	hy_batch_unref(full);
}

static void test_timestamps_naive_zoned_and_units(void **state)
{
	/* 2024-01-02T03:04:05.000006Z and one hour later */
	static const int64_t us[] = {1704164645000006LL, 1704168245000000LL};
	static const int64_t ns[] = {1704164645000006999LL};
	struct hy_dtype naive = ts_type(HY_UNIT_MICRO, ""), utc = ts_type(HY_UNIT_MICRO, "UTC"),
			plus1 = ts_type(HY_UNIT_MICRO, "+01:00"), nano = ts_type(HY_UNIT_NANO, ""),
			sec = ts_type(HY_UNIT_SECOND, "UTC");
	struct hy_batch *b[2];
	struct warnings w = {0};

	(void)state;
	b[0] = batch1("ts", col_i64(&naive, us, NULL, 2));
	track(b, 1, "2024-01-02T04:04:05", "datetime", &w);
	hy_batch_unref(b[0]);
	b[0] = batch1("ts", col_i64(&utc, us, NULL, 1));
	track(b, 1, "2024-01-02T03:04:05.000006+00:00", "datetime", &w);
	hy_batch_unref(b[0]);
	b[0] = batch1("ts", col_i64(&plus1, us, NULL, 1));
	track(b, 1, "2024-01-02T04:04:05.000006+01:00", "datetime", &w);
	hy_batch_unref(b[0]);
	/* nanoseconds: the digits past microseconds are dropped, as Python does */
	b[0] = batch1("ts", col_i64(&nano, ns, NULL, 1));
	b[1] = batch1("ts", col_i64(&sec, (const int64_t[]){1704164645}, NULL, 1));
	track(b, 2, "2024-01-02T03:04:05.000006", "datetime", &w);
	/* instants compare across units: 03:04:05 s < 03:04:05.000006 */
	track((struct hy_batch *[]){b[1], b[0]}, 2, "2024-01-02T03:04:05.000006", "datetime", &w);
	assert_int_equal(w.n, 0);
	unref_all(b, 2);
}

static void test_string_and_date_maxima(void **state)
{
	static const char *const s1[] = {"apple", NULL, "pear"}, *const s2[] = {(char *)"peach",
										"pea"};
	static const int64_t d[] = {19783, 19753}; /* 2024-03-01, 2024-01-31 */
	struct hy_dtype date = hy_dtype_simple(HY_DATE);
	struct hy_batch *b[2];
	struct warnings w = {0};

	(void)state;
	b[0] = batch1("ts", col_str(s1, 3));
	b[1] = batch1("ts", col_str(s2, 2));
	track(b, 2, "pear", "string", &w);
	unref_all(b, 2);
	/* D22: dates are watermarks too */
	b[0] = batch1("ts", col_i64(&date, d, NULL, 2));
	track(b, 1, "2024-03-01", "date", &w);
	hy_batch_unref(b[0]);
	assert_int_equal(w.n, 0);
}

static void test_type_change_is_warned_and_ignored(void **state)
{
	static const char *const s[] = {"zzz"};
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64), f64 = hy_dtype_simple(HY_FLOAT64);
	struct hy_batch *b[3];
	struct warnings w = {0};
	struct hy_builder *fb = NULL;
	struct hy_column *fc = NULL;
	struct hy_error err = {0};

	(void)state;
	b[0] = batch1("ts", col_i64(&i64, (const int64_t[]){42}, NULL, 1));
	b[1] = batch1("ts", col_str(s, 1));
	assert_int_equal(hy_builder_create(&f64, &fb, &err), 0);
	assert_int_equal(hy_builder_append_f64(fb, 1.5, &err), 0);
	assert_int_equal(hy_builder_finish(fb, &fc, &err), 0);
	hy_builder_destroy(fb);
	b[2] = batch1("ts", fc);
	track(b, 3, "42", "int", &w);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.text[0],
			    "Inconsistent watermark types across batches: int vs string");
	assert_string_equal(w.text[1], "Unsupported watermark type 'Float64' in batch. This should "
				       "have been caught by validation. Skipping watermark update "
				       "for this batch.");
	unref_all(b, 3);
}

static void test_schema_errors_have_the_reference_words(void **state)
{
	struct hy_dtype f64 = hy_dtype_simple(HY_FLOAT64), date = hy_dtype_simple(HY_DATE);
	struct hy_field ok[] = {{(char *)"id", hy_dtype_simple(HY_INT64), true},
				{(char *)"ts", date, true}};
	struct hy_field nokey[] = {{(char *)"a", f64, true}, {(char *)"ts", date, true}};
	struct hy_field nots[] = {{(char *)"id", f64, true}, {(char *)"b", date, true}};
	struct hy_field badtype[] = {{(char *)"id", f64, true}, {(char *)"ts", f64, true}};
	struct hy_field dec[] = {{(char *)"id", f64, true}, {(char *)"ts", f64, true}};
	struct hy_watermark_config nopk = {.present = true, .watermark_column = "ts"};
	struct hy_watermark_tracker *t = NULL, *t2 = NULL;
	struct hy_schema *s = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_watermark_tracker_create(&t, &wm_cfg, &err), 0);
	assert_int_equal(hy_schema_create(ok, 2, &s, &err), 0);
	assert_int_equal(hy_watermark_tracker_check_schema(t, s, &err), 0); /* D22 */
	hy_schema_unref(s);

	assert_int_equal(hy_schema_create(nokey, 2, &s, &err), 0);
	assert_int_equal(hy_watermark_tracker_check_schema(t, s, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "Primary key 'id' not found in data schema. Available "
				     "columns: ['a', 'ts']");
	/* without a primary key only the watermark column counts */
	assert_int_equal(hy_watermark_tracker_create(&t2, &nopk, &err), 0);
	hy_error_init(&err);
	assert_int_equal(hy_watermark_tracker_check_schema(t2, s, &err), 0);
	hy_watermark_tracker_destroy(t2);
	hy_schema_unref(s);

	hy_error_init(&err);
	assert_int_equal(hy_schema_create(nots, 2, &s, &err), 0);
	assert_int_equal(hy_watermark_tracker_check_schema(t, s, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "Watermark column 'ts' not found in data schema. Available "
				     "columns: ['id', 'b']");
	hy_schema_unref(s);

	hy_error_init(&err);
	assert_int_equal(hy_schema_create(badtype, 2, &s, &err), 0);
	assert_int_equal(hy_watermark_tracker_check_schema(t, s, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "Unsupported watermark type: Float64. Supported types: "
				     "datetime, date, integer, string");
	hy_schema_unref(s);

	hy_error_init(&err);
	assert_int_equal(hy_dtype_decimal(10, 2, &dec[1].type, &err), 0);
	assert_int_equal(hy_schema_create(dec, 2, &s, &err), 0);
	assert_int_equal(hy_watermark_tracker_check_schema(t, s, &err), HY_ECONFIG);
	assert_string_equal(err.msg, "Unsupported watermark type: Decimal(precision=10, scale=2). "
				     "Supported types: datetime, date, integer, string");
	hy_schema_unref(s);
	hy_watermark_tracker_destroy(t);
}

/* ---- reading back, lookback ---- */

static void test_value_parse_and_lookback(void **state)
{
	struct hy_watermark_config mins = wm_cfg, count = wm_cfg, hours = wm_cfg;
	struct hy_value v;
	struct hy_error err = {0};

	(void)state;
	mins.lookback = "15m";
	mins.lookback_seconds = 900;
	count.lookback = "10";
	count.lookback_count = 10;
	hours.lookback = "12h";
	hours.lookback_seconds = 43200;

	assert_int_equal(
		hy_watermark_value_parse("datetime", "2024-01-01T00:15:00+00:00", &v, &err), 0);
	assert_int_equal(v.type, HY_TIMESTAMP);
	assert_int_equal(v.v.i64, 1704068100000000LL);
	assert_int_equal(hy_watermark_lookback(&mins, &v, &err), 0);
	assert_int_equal(v.v.i64, 1704067200000000LL); /* 2024-01-01T00:00:00Z */

	assert_int_equal(hy_watermark_value_parse("int", "100", &v, &err), 0);
	assert_int_equal(hy_watermark_lookback(&count, &v, &err), 0);
	assert_int_equal(v.v.i64, 90);
	assert_int_equal(hy_watermark_lookback(&wm_cfg, &v, &err), 0); /* none configured */
	assert_int_equal(v.v.i64, 90);

	assert_int_equal(hy_watermark_value_parse("date", "2024-03-01", &v, &err), 0);
	assert_int_equal(hy_watermark_lookback(&hours, &v, &err), 0);
	assert_int_equal(v.v.i64, 19782); /* a part of a day counts as a day */

	assert_int_equal(hy_watermark_value_parse("int", "18446744073709551615", &v, &err), 0);
	assert_int_equal(v.kind, HY_VALUE_U64);
	assert_int_equal(hy_watermark_value_parse("int", "12x", &v, &err), HY_EFORMAT);

	hy_error_init(&err);
	assert_int_equal(hy_watermark_value_parse("string", "abc", &v, &err), 0);
	assert_int_equal(hy_watermark_lookback(&mins, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg,
			    "watermark.lookback '15m' is a duration but 'ts' holds string values");
	hy_error_init(&err);
	assert_int_equal(hy_watermark_value_parse("int", "5", &v, &err), 0);
	assert_int_equal(hy_watermark_lookback(&mins, &v, &err), HY_ECONFIG);
	hy_error_init(&err);
	assert_int_equal(hy_watermark_value_parse("datetime", "2024-01-01", &v, &err), 0);
	assert_int_equal(hy_watermark_lookback(&count, &v, &err), HY_ECONFIG);
	assert_string_equal(err.msg,
			    "watermark.lookback '10' is a count but 'ts' holds datetime values");
}

/* ---- filter ---- */

static void test_filter_keeps_greater_rows(void **state)
{
	static const int64_t v[] = {5, 0, 10, 11, 3, 12};
	static const bool n[] = {false, true, false, false, false, false};
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64);
	struct hy_batch *in = batch1("ts", col_i64(&i64, v, n, 6)), *out = NULL;
	struct hy_value last;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_watermark_value_parse("int", "10", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(in, "ts", &last, &out, &err), 0);
	assert_int_equal(out->nrows, 2);
	assert_int_equal(hy_column_get_i64(out->cols[0], 0), 11);
	assert_int_equal(hy_column_get_i64(out->cols[0], 1), 12);
	hy_batch_unref(out);

	/* every row passes (nulls aside there are none): the same batch */
	assert_int_equal(hy_watermark_value_parse("int", "-1", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(in, "ts", &last, &out, &err), 0);
	assert_int_equal(out->nrows, 5); /* the null is dropped */
	hy_batch_unref(out);
	{
		struct hy_batch *nonull = batch1("ts", col_i64(&i64, v, NULL, 6));

		assert_int_equal(hy_watermark_filter(nonull, "ts", &last, &out, &err), 0);
		assert_true(out == nonull);
		hy_batch_unref(out);
		/* one run of rows: a slice sharing the buffers */
		assert_int_equal(hy_watermark_value_parse("int", "4", &last, &err), 0);
		assert_int_equal(hy_watermark_filter(nonull, "ts", &last, &out, &err), 0);
		assert_int_equal(out->nrows, 6 - 2); /* 0 and 3 are out: 5,_,10,11 ... */
		hy_batch_unref(out);
		hy_batch_unref(nonull);
	}
	{
		static const int64_t w[] = {1, 2, 8, 9, 10};
		struct hy_batch *run = batch1("ts", col_i64(&i64, w, NULL, 5));

		assert_int_equal(hy_watermark_value_parse("int", "7", &last, &err), 0);
		assert_int_equal(hy_watermark_filter(run, "ts", &last, &out, &err), 0);
		assert_int_equal(out->nrows, 3);
		assert_true(out->cols[0]->values == run->cols[0]->values);
		assert_int_equal(out->cols[0]->offset, 2);
		hy_batch_unref(out);
		hy_batch_unref(run);
	}
	/* a string last value does not compare with ints */
	assert_int_equal(hy_watermark_value_parse("string", "x", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(in, "ts", &last, &out, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_watermark_filter(in, "nope", &last, &out, &err), HY_ENOTFOUND);
	hy_batch_unref(in);
}

static void test_filter_times_strings_with_lookback(void **state)
{
	/* ns column: 00:00:00.000000500, 00:15:00, 00:20:00 on 2024-01-01 */
	static const int64_t ns[] = {1704067200000000500LL, 1704068100000000000LL,
				     1704068400000000000LL};
	static const char *const s[] = {"a", "b", "c", NULL};
	struct hy_dtype nano = ts_type(HY_UNIT_NANO, "UTC"), date = hy_dtype_simple(HY_DATE);
	struct hy_watermark_config mins = wm_cfg;
	struct hy_batch *in = batch1("ts", col_i64(&nano, ns, NULL, 3)), *out = NULL;
	struct hy_value last;
	struct hy_error err = {0};

	(void)state;
	mins.lookback = "15m";
	mins.lookback_seconds = 900;
	assert_int_equal(
		hy_watermark_value_parse("datetime", "2024-01-01T00:15:00+00:00", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(in, "ts", &last, &out, &err), 0);
	assert_int_equal(out->nrows, 1); /* strictly greater: 00:15:00 itself is out */
	hy_batch_unref(out);
	assert_int_equal(hy_watermark_lookback(&mins, &last, &err), 0);
	assert_int_equal(hy_watermark_filter(in, "ts", &last, &out, &err), 0);
	assert_true(out == in); /* 500 ns past midnight is greater than midnight */
	hy_batch_unref(out);
	hy_batch_unref(in);

	in = batch1("ts", col_str(s, 4));
	assert_int_equal(hy_watermark_value_parse("string", "a", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(in, "ts", &last, &out, &err), 0);
	assert_int_equal(out->nrows, 2);
	hy_batch_unref(out);
	hy_batch_unref(in);

	in = batch1("ts", col_i64(&date, (const int64_t[]){19782, 19783}, NULL, 2));
	assert_int_equal(hy_watermark_value_parse("date", "2024-02-29", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(in, "ts", &last, &out, &err), 0);
	assert_int_equal(out->nrows, 1);
	assert_int_equal(hy_column_get_i64(out->cols[0], 0), 19783);
	hy_batch_unref(out);
	hy_batch_unref(in);
}

/* ---- de-duplication ---- */

static void ids_of(const struct hy_batch *b, int64_t *out)
{
	for (int64_t r = 0; r < b->nrows; r++)
		out[r] = hy_column_get_i64(b->cols[0], r);
}

static void test_dedup_int_keys_within_and_across_batches(void **state)
{
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64);
	struct hy_dedup *d = NULL;
	struct hy_batch *in, *out = NULL;
	struct hy_error err = {0};
	int64_t got[8];

	(void)state;
	assert_int_equal(hy_dedup_create(&d, "id", "ts", 0, &err), 0);
	/* within: id 1 at ts 1 and 2 -> the newer (row 2); id 2 at ts 1 then 0 -> row 1 */
	in = batch2(col_i64(&i64, (const int64_t[]){1, 2, 1, 3, 2, 0}, NULL, 5),
		    col_i64(&i64, (const int64_t[]){1, 1, 2, 1, 0}, NULL, 5));
	assert_int_equal(hy_dedup_apply(d, in, &out, NULL, NULL, &err), 0);
	assert_int_equal(out->nrows, 3);
	ids_of(out, got);
	assert_int_equal(got[0], 2);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], 3);
	assert_int_equal(hy_column_get_i64(out->cols[1], 1), 2);
	hy_batch_unref(out);
	hy_batch_unref(in);
	assert_int_equal(hy_dedup_key_count(d), 3);

	/* across: id 1 at ts 2 again is a re-read (dropped); id 4 is new; id 3
	 * at a newer ts passes (an update) */
	in = batch2(col_i64(&i64, (const int64_t[]){1, 4, 3}, NULL, 3),
		    col_i64(&i64, (const int64_t[]){2, 5, 9}, NULL, 3));
	assert_int_equal(hy_dedup_apply(d, in, &out, NULL, NULL, &err), 0);
	assert_int_equal(out->nrows, 2);
	ids_of(out, got);
	assert_int_equal(got[0], 4);
	assert_int_equal(got[1], 3);
	hy_batch_unref(out);
	hy_batch_unref(in);

	/* nothing to drop: the same batch back; null keys always pass */
	in = batch2(col_i64(&i64, (const int64_t[]){0, 0, 7}, (const bool[]){true, true, false}, 3),
		    col_i64(&i64, (const int64_t[]){1, 1, 1}, NULL, 3));
	assert_int_equal(hy_dedup_apply(d, in, &out, NULL, NULL, &err), 0);
	assert_true(out == in);
	hy_batch_unref(out);
	hy_batch_unref(in);
	hy_dedup_destroy(d);
}

static void test_dedup_string_keys_and_the_key_cap(void **state)
{
	static const char *const k1[] = {"a", "b", "a"}, *const k2[] = {"b", "c", "d"};
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64);
	struct hy_dedup *d = NULL;
	struct hy_batch *in, *out = NULL;
	struct hy_error err = {0};
	struct warnings w = {0};
	struct hy_str s;

	(void)state;
	/* without an order column: the last row of a batch wins, and a key an
	 * earlier batch delivered is dropped */
	assert_int_equal(hy_dedup_create(&d, "id", NULL, 3, &err), 0);
	in = batch2(col_str(k1, 3), col_i64(&i64, (const int64_t[]){1, 2, 3}, NULL, 3));
	assert_int_equal(hy_dedup_apply(d, in, &out, collect, &w, &err), 0);
	assert_int_equal(out->nrows, 2);
	s = hy_column_get_bytes(out->cols[0], 0);
	assert_memory_equal(s.ptr, "b", 1);
	assert_int_equal(hy_column_get_i64(out->cols[1], 1), 3); /* the last "a" */
	hy_batch_unref(out);
	hy_batch_unref(in);

	in = batch2(col_str(k2, 3), col_i64(&i64, (const int64_t[]){4, 5, 6}, NULL, 3));
	assert_int_equal(hy_dedup_apply(d, in, &out, collect, &w, &err), 0);
	assert_int_equal(out->nrows, 2); /* "b" dropped; "c" is the 3rd key; "d" unchecked */
	assert_int_equal(hy_dedup_key_count(d), 3);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.text[0], "De-duplication on 'id' remembers at most 3 keys per run; "
				       "later rows are not checked");
	hy_batch_unref(out);
	hy_batch_unref(in);
	hy_dedup_destroy(d);
}

/* String columns in dictionary form (the Parquet reader's keep_dictionary
 * output): the tracker's maximum, the filter's kept rows and de-duplication
 * by string key see their values. */
static void test_dictionary_form_input(void **state)
{
	static const char *const s1[] = {"apple", NULL, "pear", "apple"}, *const s2[] = {"peach",
											 "pea"};
	static const char *const k1[] = {"a", "b", "a"};
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64);
	struct hy_batch *plain[2], *b[2], *out = NULL;
	struct hy_dedup *d = NULL;
	struct hy_value last;
	struct hy_error err = {0};
	struct warnings w = {0};
	struct hy_str v;

	(void)state;
	plain[0] = batch1("ts", col_str(s1, 4));
	plain[1] = batch1("ts", col_str(s2, 2));
	b[0] = dfx_batch(plain[0]);
	b[1] = dfx_batch(plain[1]);
	assert_int_equal(dfx_count(b[0]) + dfx_count(b[1]), 2);
	track(b, 2, "pear", "string", &w);
	assert_int_equal(w.n, 0);

	assert_int_equal(hy_watermark_value_parse("string", "apple", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(b[0], "ts", &last, &out, &err), 0);
	assert_int_equal(out->nrows, 1);
	v = hy_column_get_bytes(out->cols[0], 0);
	assert_int_equal(v.len, 4);
	assert_memory_equal(v.ptr, "pear", 4);
	hy_batch_unref(out);
	assert_int_equal(hy_watermark_value_parse("string", "pe", &last, &err), 0);
	assert_int_equal(hy_watermark_filter(b[1], "ts", &last, &out, &err), 0);
	assert_true(out == b[1]); /* both pass */
	hy_batch_unref(out);
	unref_all(b, 2);
	unref_all(plain, 2);

	assert_int_equal(hy_dedup_create(&d, "id", NULL, 0, &err), 0);
	plain[0] = batch2(col_str(k1, 3), col_i64(&i64, (const int64_t[]){1, 2, 3}, NULL, 3));
	b[0] = dfx_batch(plain[0]);
	assert_int_equal(hy_dedup_apply(d, b[0], &out, NULL, NULL, &err), 0);
	assert_int_equal(out->nrows, 2);
	v = hy_column_get_bytes(out->cols[0], 0);
	assert_int_equal(v.len, 1);
	assert_memory_equal(v.ptr, "b", 1);
	v = hy_column_get_bytes(out->cols[0], 1);
	assert_memory_equal(v.ptr, "a", 1);
	assert_int_equal(hy_column_get_i64(out->cols[1], 1), 3); /* the last "a" */
	hy_batch_unref(out);
	hy_batch_unref(b[0]);
	hy_batch_unref(plain[0]);
	hy_dedup_destroy(d);
}

/* ---- failures ---- */

static void test_under_alloc_failure(void **state)
{
	static const char *const k[] = {"a", "b", "a", "c"};
	struct hy_dtype i64 = hy_dtype_simple(HY_INT64);
	struct hy_batch *in =
		batch2(col_str(k, 4), col_i64(&i64, (const int64_t[]){1, 9, 2, 3}, NULL, 4));
	struct hy_batch *wm = batch1("ts", col_str(k, 4)), *out = NULL;
	struct hy_watermark_tracker *t = NULL;
	struct hy_dedup *d = NULL;
	struct hy_value last = {.kind = HY_VALUE_I64, .type = HY_INT64, .v.i64 = 1};
	struct hy_error err;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_watermark_tracker_create(&t, &wm_cfg, &err);
		if (rc == 0)
			rc = hy_watermark_tracker_observe(t, wm, NULL, NULL, &err);
		if (rc == 0)
			assert_string_equal(hy_watermark_tracker_value_text(t), "c");
		hy_watermark_tracker_destroy(t);
		t = NULL;
	});
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_watermark_filter(in, "ts", &last, &out, &err);
		if (rc == 0)
			assert_int_equal(out->nrows, 3);
		hy_batch_unref(out);
		out = NULL;
	});
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_dedup_create(&d, "id", "ts", 0, &err);
		if (rc == 0)
			rc = hy_dedup_apply(d, in, &out, NULL, NULL, &err);
		if (rc == 0)
			assert_int_equal(out->nrows, 3);
		hy_batch_unref(out);
		out = NULL;
		hy_dedup_destroy(d);
		d = NULL;
	});
	hy_batch_unref(in);
	hy_batch_unref(wm);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_dictionary_form_input),
	cmocka_unit_test(test_int_max_across_batches_nulls_and_slices),
	cmocka_unit_test(test_timestamps_naive_zoned_and_units),
	cmocka_unit_test(test_string_and_date_maxima),
	cmocka_unit_test(test_type_change_is_warned_and_ignored),
	cmocka_unit_test(test_schema_errors_have_the_reference_words),
	cmocka_unit_test(test_value_parse_and_lookback),
	cmocka_unit_test(test_filter_keeps_greater_rows),
	cmocka_unit_test(test_filter_times_strings_with_lookback),
	cmocka_unit_test(test_dedup_int_keys_within_and_across_batches),
	cmocka_unit_test(test_dedup_string_keys_and_the_key_cap),
	cmocka_unit_test(test_under_alloc_failure),
};
HY_TEST_MAIN(tests)
