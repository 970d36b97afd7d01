/* The Parquet writer: option names, the property round trip (random batches
 * of every type, every codec, read back through the page reader), and a
 * footer inspector asserting the layout choices of parquet.md section 14
 * (types, repetition, created_by, column orders, statistics, encodings,
 * dictionary fallback, page index, empty files), sinks and failure paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pq_writer_check.h"
#include "pq_writer_gen.h"
#include "hygge/version.h"

/* ---- helpers ---- */

static struct hy_pq_metadata *parse(const struct out *o)
{
	struct hy_pq_source src;
	struct hy_pq_metadata *md = NULL;
	struct hy_error err = {0};

	hy_pq_source_init_memory(&src, o->buf.data, o->buf.len);
	if (hy_pq_metadata_read(&src, &md, &err) != 0)
		fail_msg("footer: %s", err.msg);
	return md;
}

static struct hy_schema *one_field(const char *name, struct hy_dtype t, bool nullable)
{
	struct hy_field f = {(char *)name, t, nullable};
	struct hy_schema *s = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_schema_create(&f, 1, &s, &err), 0);
	return s;
}

static struct hy_batch *one_column_batch(struct hy_schema *s, struct hy_builder *b)
{
	struct hy_column *col = NULL;
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	assert_int_equal(hy_batch_create(s, &col, col->length, &batch, &err), 0);
	hy_column_unref(col);
	return batch;
}

/* ---- option names ---- */

static void test_codec_names(void **state)
{
	static const struct {
		const char *text;
		int codec, level;
	} ok[] = {{"snappy", HY_PQ_CODEC_SNAPPY, 0},
		  {"ZSTD", HY_PQ_CODEC_ZSTD, 0},
		  {"zstd:9", HY_PQ_CODEC_ZSTD, 9},
		  {"gzip", HY_PQ_CODEC_GZIP, 0},
		  {"lz4", HY_PQ_CODEC_LZ4_RAW, 0},
		  {"lz4_raw", HY_PQ_CODEC_LZ4_RAW, 0},
		  {"brotli:3", HY_PQ_CODEC_BROTLI, 3},
		  {"none", HY_PQ_CODEC_UNCOMPRESSED, 0},
		  {"uncompressed", HY_PQ_CODEC_UNCOMPRESSED, 0}};
	struct hy_error err = {0};
	int codec, level, unit;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(hy_pq_codec_parse(ok[i].text, &codec, &level, &err), 0);
		assert_int_equal(codec, ok[i].codec);
		assert_int_equal(level, ok[i].level);
	}
	assert_int_equal(hy_pq_codec_parse("snapy", &codec, &level, &err), HY_EINVAL);
	assert_non_null(strstr(err.msg, "did you mean 'snappy'"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_codec_parse("lzo", &codec, &level, &err), HY_EINVAL);
	assert_non_null(strstr(err.msg, "did you mean 'lz4'"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_codec_parse("parquet", &codec, &level, &err), HY_EINVAL);
	assert_null(strstr(err.msg, "did you mean"));
	assert_non_null(strstr(err.msg, "snappy, zstd"));
	hy_error_init(&err);
	assert_int_equal(hy_pq_codec_parse("zstd:x", &codec, &level, &err), HY_EINVAL);
	assert_int_equal(hy_pq_timestamp_unit_parse("ns", &unit, &err), 0);
	assert_int_equal(unit, HY_UNIT_NANO);
	assert_int_equal(hy_pq_timestamp_unit_parse("us", &unit, &err), 0);
	assert_int_equal(unit, HY_UNIT_MICRO);
	hy_error_init(&err);
	assert_int_equal(hy_pq_timestamp_unit_parse("ms", &unit, &err), HY_EINVAL);
}

static void test_bad_options(void **state)
{
	struct hy_pq_writer_options o;
	struct hy_schema *s = one_field("x", hy_dtype_simple(HY_INT32), true);
	struct hy_pq_writer *w = NULL;
	struct hy_error err = {0};
	struct out o2;

	(void)state;
	out_init(&o2);
	hy_pq_writer_options_init(&o);
	o.codec = HY_PQ_CODEC_LZ4; /* never written (parquet.md section 7) */
	assert_int_equal(hy_pq_writer_open(&w, s, &o, &o2.sink, &err), HY_EUNSUPPORTED);
	hy_pq_writer_options_init(&o);
	o.codec = HY_PQ_CODEC_ZSTD;
	o.level = 99;
	hy_error_init(&err);
	assert_int_equal(hy_pq_writer_open(&w, s, &o, &o2.sink, &err), HY_EINVAL);
	hy_pq_writer_options_init(&o);
	o.timestamp_unit = HY_UNIT_MILLI;
	hy_error_init(&err);
	assert_int_equal(hy_pq_writer_open(&w, s, &o, &o2.sink, &err), HY_EINVAL);
	hy_pq_writer_options_init(&o);
	struct hy_schema *none = NULL;
	assert_int_equal(hy_schema_create(NULL, 0, &none, &err), 0);
	hy_error_init(&err);
	assert_int_equal(hy_pq_writer_open(&w, none, &o, &o2.sink, &err), HY_EINVAL);
	hy_schema_unref(none);
	assert_null(w);
	assert_int_equal(o2.buf.len, 0);
	out_free(&o2);
	hy_schema_unref(s);
}

/* ---- property round trip ---- */

static void test_roundtrip_every_codec(void **state)
{
	static const int codecs[] = {HY_PQ_CODEC_UNCOMPRESSED, HY_PQ_CODEC_SNAPPY,
				     HY_PQ_CODEC_GZIP,         HY_PQ_CODEC_ZSTD,
				     HY_PQ_CODEC_LZ4_RAW,      HY_PQ_CODEC_BROTLI};

	(void)state;
	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++)
		for (uint64_t seed = 1; seed <= 3; seed++)
			rb_roundtrip(codecs[c], 0, HY_UNIT_MICRO, seed + c * 100, NULL);
	rb_roundtrip(HY_PQ_CODEC_ZSTD, 19, HY_UNIT_MICRO, 77, NULL);
	rb_roundtrip(HY_PQ_CODEC_GZIP, 1, HY_UNIT_MICRO, 78, NULL);
}

/* Random layouts: page and row-group sizes, dictionary limits, codecs,
 * page index and CRC on or off. */
static void test_roundtrip_random_options(void **state)
{
	static const int codecs[] = {HY_PQ_CODEC_UNCOMPRESSED, HY_PQ_CODEC_SNAPPY, HY_PQ_CODEC_GZIP,
				     HY_PQ_CODEC_ZSTD, HY_PQ_CODEC_LZ4_RAW};
	struct hy_schema *schema = gen_schema();
	uint64_t s = 4242;

	(void)state;
	for (int iter = 0; iter < 24; iter++) {
		struct hy_batch *b[3], *all = NULL;
		struct hy_pq_writer_options o;
		struct hy_error err = {0};
		struct out out;

		hy_pq_writer_options_init(&o);
		o.codec = codecs[gen_next(&s) % 5];
		o.row_group_rows = gen_range(&s, 1, 500);
		o.row_group_bytes = gen_range(&s, 1, 200000);
		o.page_rows = (int32_t)gen_range(&s, 1, 300);
		o.page_bytes = gen_range(&s, 1, 20000);
		o.dict_limit = gen_next(&s) % 4 == 0 ? 0 : gen_range(&s, 1, 5000);
		o.page_index = gen_next(&s) & 1;
		o.page_crc = gen_next(&s) & 1;
		o.timestamp_unit = gen_next(&s) & 1 ? HY_UNIT_MICRO : HY_UNIT_NANO;
		for (size_t i = 0; i < 3; i++)
			b[i] = gen_batch(schema, gen_range(&s, 0, 400),
					 7000 + (uint64_t)iter * 3 + i);
		out_init(&out);
		write_batches(&out, schema, &o, b, 3);
		assert_int_equal(hy_batch_concat(b, 3, &all, &err), 0);
		rb_check_batch(out.buf.data, out.buf.len, all, o.timestamp_unit);
		hy_batch_unref(all);
		for (size_t i = 0; i < 3; i++)
			hy_batch_unref(b[i]);
		out_free(&out);
	}
	hy_schema_unref(schema);
}

/* Pages and row groups spanning hundreds of tiny batches. */
static void test_roundtrip_tiny_batches(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b[300], *all = NULL;
	struct hy_pq_writer_options o;
	struct hy_error err = {0};
	struct out out;

	(void)state;
	for (size_t i = 0; i < 300; i++)
		b[i] = gen_batch(schema, (int64_t)(i % 4), 9000 + i);
	hy_pq_writer_options_init(&o);
	o.row_group_rows = 97;
	o.page_rows = 13;
	out_init(&out);
	write_batches(&out, schema, &o, b, 300);
	assert_int_equal(hy_batch_concat(b, 300, &all, &err), 0);
	rb_check_batch(out.buf.data, out.buf.len, all, HY_UNIT_MICRO);
	hy_batch_unref(all);
	for (size_t i = 0; i < 300; i++)
		hy_batch_unref(b[i]);
	out_free(&out);
	hy_schema_unref(schema);
}

static void test_roundtrip_nanoseconds(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++)
		rb_roundtrip(HY_PQ_CODEC_SNAPPY, 0, HY_UNIT_NANO, 1000 + seed, NULL);
}

/* ---- footer inspector ---- */

struct want_type {
	const char *name;
	int ptype, tlen, repetition, converted, logical, unit, bits, is_signed, utc, prec, scale;
};

/* What parquet.md sections 8 and 14 ask for, per generated column. */
static const struct want_type want_types[] = {
	{"b", HY_PQ_BOOLEAN, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0},
	{"i8", HY_PQ_INT32, 0, 1, HY_PQ_CT_INT_8, HY_PQ_LT_INTEGER, 0, 8, 1, 0, 0, 0},
	{"i16", HY_PQ_INT32, 0, 1, HY_PQ_CT_INT_16, HY_PQ_LT_INTEGER, 0, 16, 1, 0, 0, 0},
	{"i32", HY_PQ_INT32, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0},
	{"i64", HY_PQ_INT64, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0},
	{"u8", HY_PQ_INT32, 0, 1, HY_PQ_CT_UINT_8, HY_PQ_LT_INTEGER, 0, 8, 0, 0, 0, 0},
	{"u16", HY_PQ_INT32, 0, 1, HY_PQ_CT_UINT_16, HY_PQ_LT_INTEGER, 0, 16, 0, 0, 0, 0},
	{"u32", HY_PQ_INT32, 0, 1, HY_PQ_CT_UINT_32, HY_PQ_LT_INTEGER, 0, 32, 0, 0, 0, 0},
	{"u64", HY_PQ_INT64, 0, 1, HY_PQ_CT_UINT_64, HY_PQ_LT_INTEGER, 0, 64, 0, 0, 0, 0},
	{"f32", HY_PQ_FLOAT, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0},
	{"f64", HY_PQ_DOUBLE, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0},
	{"dec4_2", HY_PQ_INT32, 0, 1, HY_PQ_CT_DECIMAL, HY_PQ_LT_DECIMAL, 0, 0, 0, 0, 4, 2},
	{"dec18_3", HY_PQ_INT64, 0, 1, HY_PQ_CT_DECIMAL, HY_PQ_LT_DECIMAL, 0, 0, 0, 0, 18, 3},
	{"dec25_5", HY_PQ_FIXED_LEN_BYTE_ARRAY, 11, 1, HY_PQ_CT_DECIMAL, HY_PQ_LT_DECIMAL, 0, 0, 0,
	 0, 25, 5},
	{"dec38_10", HY_PQ_FIXED_LEN_BYTE_ARRAY, 16, 1, HY_PQ_CT_DECIMAL, HY_PQ_LT_DECIMAL, 0, 0, 0,
	 0, 38, 10},
	{"str", HY_PQ_BYTE_ARRAY, 0, 1, HY_PQ_CT_UTF8, HY_PQ_LT_STRING, 0, 0, 0, 0, 0, 0},
	{"str_few", HY_PQ_BYTE_ARRAY, 0, 0, HY_PQ_CT_UTF8, HY_PQ_LT_STRING, 0, 0, 0, 0, 0, 0},
	{"bin", HY_PQ_BYTE_ARRAY, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0},
	{"fixed5", HY_PQ_FIXED_LEN_BYTE_ARRAY, 5, 1, -1, 0, 0, 0, 0, 0, 0, 0},
	{"uuid", HY_PQ_FIXED_LEN_BYTE_ARRAY, 16, 1, -1, HY_PQ_LT_UUID, 0, 0, 0, 0, 0, 0},
	{"date", HY_PQ_INT32, 0, 1, HY_PQ_CT_DATE, HY_PQ_LT_DATE, 0, 0, 0, 0, 0, 0},
	{"time_s", HY_PQ_INT32, 0, 1, HY_PQ_CT_TIME_MILLIS, HY_PQ_LT_TIME, HY_PQ_UNIT_MILLIS, 0, 0,
	 0, 0, 0},
	{"time_ms", HY_PQ_INT32, 0, 1, HY_PQ_CT_TIME_MILLIS, HY_PQ_LT_TIME, HY_PQ_UNIT_MILLIS, 0, 0,
	 0, 0, 0},
	{"time_us", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIME_MICROS, HY_PQ_LT_TIME, HY_PQ_UNIT_MICROS, 0, 0,
	 0, 0, 0},
	{"time_ns", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIME_MICROS, HY_PQ_LT_TIME, HY_PQ_UNIT_MICROS, 0, 0,
	 0, 0, 0},
	{"ts_us", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIMESTAMP_MICROS, HY_PQ_LT_TIMESTAMP,
	 HY_PQ_UNIT_MICROS, 0, 0, 0, 0, 0},
	{"ts_us_utc", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIMESTAMP_MICROS, HY_PQ_LT_TIMESTAMP,
	 HY_PQ_UNIT_MICROS, 0, 0, 1, 0, 0},
	{"ts_ms_tz", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIMESTAMP_MICROS, HY_PQ_LT_TIMESTAMP,
	 HY_PQ_UNIT_MICROS, 0, 0, 1, 0, 0},
	{"ts_s", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIMESTAMP_MICROS, HY_PQ_LT_TIMESTAMP,
	 HY_PQ_UNIT_MICROS, 0, 0, 0, 0, 0},
	{"ts_ns", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIMESTAMP_MICROS, HY_PQ_LT_TIMESTAMP,
	 HY_PQ_UNIT_MICROS, 0, 0, 0, 0, 0},
	{"ts_ns_utc", HY_PQ_INT64, 0, 1, HY_PQ_CT_TIMESTAMP_MICROS, HY_PQ_LT_TIMESTAMP,
	 HY_PQ_UNIT_MICROS, 0, 0, 1, 0, 0},
	{"dur_ms", HY_PQ_INT64, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0},
	{"nothing", HY_PQ_INT32, 0, 1, -1, HY_PQ_LT_UNKNOWN, 0, 0, 0, 0, 0, 0},
};

static void check_types(const struct hy_pq_metadata *md, const struct want_type *want, size_t n)
{
	assert_int_equal(md->num_leaves, n);
	assert_int_equal(md->schema[0].repetition, -1); /* root: no repetition (section 14) */
	assert_string_equal(md->schema[0].name.ptr, "schema");
	for (size_t i = 0; i < n; i++) {
		const struct hy_pq_schema_element *se = &md->schema[i + 1];
		const struct want_type *t = &want[i];

		assert_string_equal(se->name.ptr, t->name);
		assert_int_equal(se->type, t->ptype);
		if (t->tlen != 0)
			assert_int_equal(se->type_length, t->tlen);
		assert_int_equal(se->repetition, t->repetition);
		assert_int_equal(se->converted_type, t->converted);
		assert_int_equal(se->logical.kind, t->logical);
		if (t->logical == HY_PQ_LT_INTEGER) {
			assert_int_equal(se->logical.bit_width, t->bits);
			assert_int_equal(se->logical.is_signed, t->is_signed);
		}
		if (t->logical == HY_PQ_LT_TIME || t->logical == HY_PQ_LT_TIMESTAMP) {
			assert_int_equal(se->logical.unit, t->unit);
			assert_int_equal(se->logical.adjusted_to_utc, t->utc);
		}
		if (t->logical == HY_PQ_LT_DECIMAL) {
			assert_int_equal(se->logical.precision, t->prec);
			assert_int_equal(se->logical.scale, t->scale);
			assert_true(se->has_precision && se->has_scale); /* legacy fields too */
			assert_int_equal(se->precision, t->prec);
			assert_int_equal(se->scale, t->scale);
		}
	}
}

static bool has_encoding(const struct hy_pq_column_meta *m, int enc)
{
	for (size_t i = 0; i < m->num_encodings; i++)
		if (m->encodings[i] == enc)
			return true;
	return false;
}

static int32_t enc_stat(const struct hy_pq_column_meta *m, int page_type, int enc)
{
	for (size_t i = 0; i < m->num_encoding_stats; i++)
		if (m->encoding_stats[i].page_type == page_type &&
		    m->encoding_stats[i].encoding == enc)
			return m->encoding_stats[i].count;
	return 0;
}

/* Every page of the chunk is a v1 data page or a leading dictionary page;
 * returns the number of data pages. */
static size_t walk_pages(const struct out *o, const struct hy_pq_metadata *md, size_t g, size_t c,
			 bool crc)
{
	struct hy_pq_source src;
	struct hy__pq_pages pr;
	struct hy__pq_page pg;
	struct hy_error err = {0};
	bool eof = false;
	size_t n = 0, dict = 0;

	hy_pq_source_init_memory(&src, o->buf.data, o->buf.len);
	assert_int_equal(hy__pq_pages_open(&pr, &src, md, g, c, &err), 0);
	pr.verify_crc = true;
	for (;;) {
		assert_int_equal(hy__pq_pages_next(&pr, &pg, &eof, &err), 0);
		if (eof)
			break;
		if (pg.header.type == HY_PQ_PAGE_DICTIONARY) {
			assert_int_equal(n + dict, 0); /* first and only one */
			assert_int_equal(pg.header.dictionary.encoding, HY_PQ_ENC_PLAIN);
			dict++;
			continue;
		}
		assert_int_equal(pg.header.type, HY_PQ_PAGE_DATA);
		assert_int_equal(pg.header.has_crc, crc);
		assert_false(pg.header.data.has_statistics); /* the ColumnIndex has them */
		n++;
	}
	hy__pq_pages_close(&pr);
	return n;
}

/* A ColumnIndex or OffsetIndex decoded from the file. */
struct page_index {
	uint32_t n;
	bool null_pages[4096];
	uint8_t min[4096][80], max[4096][80];
	size_t min_len[4096], max_len[4096];
	int64_t null_counts[4096], nan_counts[4096];
	bool has_nan_counts;
	int32_t boundary;
	int64_t offset[4096], first_row[4096];
	int32_t size[4096];
};

static void decode_column_index(const uint8_t *p, size_t len, struct page_index *pi)
{
	struct hy__pq_tdec d;
	struct hy__pq_field f;
	struct hy_error err = {0};
	uint32_t n;
	bool ok;

	hy__pq_tdec_init(&d, p, len, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "ColumnIndex"), 0);
	for (;;) {
		assert_int_equal(hy__pq_field_next(&d, &f), 0);
		if (f.type == HY__PQ_T_STOP)
			break;
		if (f.id == 4) {
			assert_int_equal(hy__pq_get_i32(&d, &f, &pi->boundary), 0);
			continue;
		}
		uint8_t et = f.id == 1 ? HY__PQ_T_TRUE : f.id <= 3 ? HY__PQ_T_BINARY : HY__PQ_T_I64;
		assert_int_equal(hy__pq_get_list(&d, &f, et, &n, &ok), 0);
		assert_true(ok && n <= 4096);
		pi->n = n;
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *b;
			size_t bl;
			if (f.id == 1) {
				assert_int_equal(hy__pq_read_bool_elem(&d, &pi->null_pages[i]), 0);
			} else if (f.id == 2 || f.id == 3) {
				assert_int_equal(hy__pq_read_binary(&d, &b, &bl), 0);
				assert_true(bl <= 80);
				memcpy(f.id == 2 ? pi->min[i] : pi->max[i], b, bl);
				*(f.id == 2 ? &pi->min_len[i] : &pi->max_len[i]) = bl;
			} else {
				assert_int_equal(hy__pq_read_i64(&d, f.id == 5
									     ? &pi->null_counts[i]
									     : &pi->nan_counts[i]),
						 0);
				pi->has_nan_counts |= f.id == 8;
			}
		}
	}
	hy__pq_struct_end(&d, &f);
}

static void decode_offset_index(const uint8_t *p, size_t len, struct page_index *pi)
{
	struct hy__pq_tdec d;
	struct hy__pq_field f, e;
	struct hy_error err = {0};
	uint32_t n;
	bool ok;

	hy__pq_tdec_init(&d, p, len, &err);
	assert_int_equal(hy__pq_struct_begin(&d, &f, "OffsetIndex"), 0);
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(f.id, 1);
	assert_int_equal(hy__pq_get_list(&d, &f, HY__PQ_T_STRUCT, &n, &ok), 0);
	assert_true(ok && n <= 4096);
	pi->n = n;
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(hy__pq_struct_begin(&d, &e, "PageLocation"), 0);
		for (;;) {
			assert_int_equal(hy__pq_field_next(&d, &e), 0);
			if (e.type == HY__PQ_T_STOP)
				break;
			if (e.id == 1)
				assert_int_equal(hy__pq_get_i64(&d, &e, &pi->offset[i]), 0);
			else if (e.id == 2)
				assert_int_equal(hy__pq_get_i32(&d, &e, &pi->size[i]), 0);
			else
				assert_int_equal(hy__pq_get_i64(&d, &e, &pi->first_row[i]), 0);
		}
		hy__pq_struct_end(&d, &e);
	}
	assert_int_equal(hy__pq_field_next(&d, &f), 0);
	assert_int_equal(f.type, HY__PQ_T_STOP);
	hy__pq_struct_end(&d, &f);
}

static struct page_index *read_index(const struct out *o, const struct hy_pq_column_chunk *cc,
				     bool column)
{
	struct page_index *pi = calloc(1, sizeof(*pi));
	int64_t off = column ? cc->column_index_offset : cc->offset_index_offset;
	int32_t len = column ? cc->column_index_length : cc->offset_index_length;

	assert_true(column ? cc->has_column_index_offset : cc->has_offset_index_offset);
	assert_true(off > 0 && len > 0 && (uint64_t)(off + len) <= o->buf.len);
	if (column)
		decode_column_index(o->buf.data + off, (size_t)len, pi);
	else
		decode_offset_index(o->buf.data + off, (size_t)len, pi);
	return pi;
}

static void test_layout_defaults(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b = gen_batch(schema, 50000, 7);
	struct hy_pq_writer_options o;
	struct hy_pq_metadata *md;
	struct out out;

	(void)state;
	assert_int_equal(sizeof(want_types) / sizeof(want_types[0]), GEN_NCOLS);
	hy_pq_writer_options_init(&o);
	out_init(&out);
	write_batches(&out, schema, &o, &b, 1);
	md = parse(&out);
	assert_int_equal(md->version, 1);
	assert_string_equal(md->created_by.ptr, "hygge version " HYGGE_VERSION);
	assert_int_equal(md->num_rows, 50000);
	assert_int_equal(md->num_row_groups, 1);
	assert_int_equal(md->num_kv, 0);
	check_types(md, want_types, GEN_NCOLS);
	assert_int_equal(md->num_column_orders, GEN_NCOLS);
	for (size_t i = 0; i < GEN_NCOLS; i++)
		assert_int_equal(md->column_orders[i], HY_PQ_ORDER_TYPE_DEFINED);
	const struct hy_pq_row_group *rg = &md->row_groups[0];
	assert_int_equal(rg->num_rows, 50000);
	assert_int_equal(rg->file_offset, 4);
	for (size_t c = 0; c < GEN_NCOLS; c++) {
		const struct hy_pq_column_chunk *cc = &rg->columns[c];
		const struct hy_pq_column_meta *m = &cc->meta;
		const char *name = gen_cols[c].name;
		size_t pages = walk_pages(&out, md, 0, c, false);

		assert_int_equal(cc->file_offset, 0);
		assert_int_equal(m->codec, HY_PQ_CODEC_SNAPPY);
		assert_int_equal(m->num_values, 50000);
		assert_int_equal(m->path_len, 1);
		assert_string_equal(m->path[0].ptr, name);
		assert_true(m->has_statistics && m->statistics.has_null_count);
		/* at most 20,000 rows a page */
		assert_true(pages >= 3);
		struct page_index *oi = read_index(&out, cc, false);
		assert_int_equal(oi->n, pages);
		assert_int_equal(oi->first_row[0], 0);
		assert_int_equal(oi->offset[0], m->data_page_offset);
		for (uint32_t p = 1; p < oi->n; p++) {
			assert_true(oi->first_row[p] > oi->first_row[p - 1]);
			assert_true(oi->first_row[p] - oi->first_row[p - 1] <= HY_PQW_PAGE_ROWS);
			assert_int_equal(oi->offset[p], oi->offset[p - 1] + oi->size[p - 1]);
		}
		free(oi);
		if (gen_cols[c].id == HY_BOOL) {
			assert_false(has_encoding(m, HY_PQ_ENC_RLE_DICTIONARY));
			assert_false(m->has_dictionary_page_offset);
		}
		if (strcmp(name, "str_few") == 0 || strcmp(name, "u8") == 0 ||
		    strcmp(name, "i8") == 0) {
			/* few distinct values: dictionary for the whole chunk */
			assert_true(m->has_dictionary_page_offset);
			assert_true(m->data_page_offset > m->dictionary_page_offset);
			assert_int_equal(enc_stat(m, HY_PQ_PAGE_DICTIONARY, HY_PQ_ENC_PLAIN), 1);
			assert_int_equal(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_RLE_DICTIONARY),
					 pages);
			assert_int_equal(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_PLAIN), 0);
			assert_true(has_encoding(m, HY_PQ_ENC_RLE_DICTIONARY));
		}
		if (strcmp(name, "i64") == 0 || strcmp(name, "f64") == 0 ||
		    strcmp(name, "uuid") == 0) {
			/* mostly distinct: not worth a dictionary */
			assert_false(m->has_dictionary_page_offset);
			assert_int_equal(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_PLAIN), pages);
		}
		if (gen_cols[c].id == HY_NULL) {
			assert_int_equal(m->statistics.null_count, 50000);
			assert_null(m->statistics.min_value.ptr);
		}
		if (gen_cols[c].nullable)
			assert_true(has_encoding(m, HY_PQ_ENC_RLE));
	}
	hy_pq_metadata_destroy(md);
	rb_check_batch(out.buf.data, out.buf.len, b, HY_UNIT_MICRO);
	out_free(&out);
	hy_batch_unref(b);
	hy_schema_unref(schema);
}

static void test_nanosecond_types(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b = gen_batch(schema, 10, 3);
	struct hy_pq_writer_options o;
	struct hy_pq_metadata *md;
	struct out out;

	(void)state;
	hy_pq_writer_options_init(&o);
	o.timestamp_unit = HY_UNIT_NANO;
	out_init(&out);
	write_batches(&out, schema, &o, &b, 1);
	md = parse(&out);
	for (size_t c = 0; c < GEN_NCOLS; c++) {
		const struct hy_pq_schema_element *se = &md->schema[c + 1];
		bool ns = gen_cols[c].unit == HY_UNIT_NANO &&
			  (gen_cols[c].id == HY_TIMESTAMP || gen_cols[c].id == HY_TIME);
		if (!ns)
			continue;
		assert_int_equal(se->logical.unit, HY_PQ_UNIT_NANOS);
		assert_int_equal(se->converted_type, HY_PQ_CT_NONE); /* none exists for NANOS */
		assert_int_equal(se->logical.adjusted_to_utc, gen_cols[c].tz != NULL);
	}
	/* coarser units stay microseconds */
	assert_int_equal(md->schema[1 + 25].logical.unit, HY_PQ_UNIT_MICROS);
	hy_pq_metadata_destroy(md);
	out_free(&out);
	hy_batch_unref(b);
	hy_schema_unref(schema);
}

/* ---- statistics ---- */

static const struct hy_pq_column_meta *only_meta(const struct hy_pq_metadata *md)
{
	assert_int_equal(md->num_row_groups, 1);
	return &md->row_groups[0].columns[0].meta;
}

static void test_stats_floats(void **state)
{
	static const double vals[] = {NAN, 0.0, 3.5, -0.0, NAN, -2.25, 0.0};
	struct hy_schema *s = one_field("f", hy_dtype_simple(HY_FLOAT64), true);
	struct hy_builder *b = NULL;
	struct hy_error err = {0};
	struct hy_pq_writer_options o;
	struct hy_batch *batch;
	struct hy_pq_metadata *md;
	struct out out;
	double mn, mx;

	(void)state;
	assert_int_equal(hy_builder_create(&hy_schema_field(s, 0)->type, &b, &err), 0);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(hy_builder_append_f64(b, vals[i], &err), 0);
	assert_int_equal(hy_builder_append_null(b, &err), 0);
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	hy_pq_writer_options_init(&o);
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	md = parse(&out);
	const struct hy_pq_statistics *st = &only_meta(md)->statistics;
	assert_int_equal(st->null_count, 1);
	assert_int_equal(st->min_value.len, 8);
	memcpy(&mn, st->min_value.ptr, 8);
	memcpy(&mx, st->max_value.ptr, 8);
	assert_true(mn == -2.25 && mx == 3.5);
	assert_non_null(st->min.ptr); /* deprecated fields: signed order, so written */
	struct page_index *ci = read_index(&out, &md->row_groups[0].columns[0], true);
	assert_true(ci->has_nan_counts);
	assert_int_equal(ci->nan_counts[0], 2);
	assert_int_equal(ci->null_counts[0], 1);
	free(ci);
	hy_pq_metadata_destroy(md);
	out_free(&out);
	hy_batch_unref(batch);

	/* zeros only: min -0.0, max +0.0 (section 9); all NaN: no min/max, no ColumnIndex */
	static const double zeros[] = {0.0, -0.0, 0.0};
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(hy_builder_create(&hy_schema_field(s, 0)->type, &b, &err), 0);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(hy_builder_append_f64(b, pass == 0 ? zeros[i] : NAN, &err),
					 0);
		batch = one_column_batch(s, b);
		hy_builder_destroy(b);
		out_init(&out);
		write_batches(&out, s, &o, &batch, 1);
		md = parse(&out);
		st = &only_meta(md)->statistics;
		if (pass == 0) {
			memcpy(&mn, st->min_value.ptr, 8);
			memcpy(&mx, st->max_value.ptr, 8);
			assert_true(mn == 0.0 && signbit(mn));
			assert_true(mx == 0.0 && !signbit(mx));
			assert_true(md->row_groups[0].columns[0].has_column_index_offset);
		} else {
			assert_null(st->min_value.ptr);
			assert_false(md->row_groups[0].columns[0].has_column_index_offset);
			assert_true(md->row_groups[0].columns[0].has_offset_index_offset);
		}
		hy_pq_metadata_destroy(md);
		out_free(&out);
		hy_batch_unref(batch);
	}
	hy_schema_unref(s);
}

static void write_strings(struct out *out, struct hy_dtype t, const char *const *v, size_t n,
			  struct hy_pq_metadata **md)
{
	struct hy_schema *s = one_field("s", t, true);
	struct hy_builder *b = NULL;
	struct hy_error err = {0};
	struct hy_pq_writer_options o;
	struct hy_batch *batch;

	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hy_builder_append_str(b, v[i], strlen(v[i]), &err), 0);
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	hy_pq_writer_options_init(&o);
	out_init(out);
	write_batches(out, s, &o, &batch, 1);
	*md = parse(out);
	rb_check_batch(out->buf.data, out->buf.len, batch, HY_UNIT_MICRO);
	hy_batch_unref(batch);
	hy_schema_unref(s);
}

static void test_stats_truncated_strings(void **state)
{
	char lo[200], hi[200], ff[100];
	struct hy_pq_metadata *md;
	struct out out;

	(void)state;
	/* "a" + 70 x "é" is the min, 40 x "€" the max; both pass 64 bytes */
	strcpy(lo, "a");
	for (int i = 0; i < 70; i++)
		strcat(lo, "\xc3\xa9");
	hi[0] = 0;
	for (int i = 0; i < 40; i++)
		strcat(hi, "\xe2\x82\xac");
	const char *v[] = {hi, "b", lo};
	write_strings(&out, hy_dtype_simple(HY_STRING), v, 3, &md);
	const struct hy_pq_statistics *st = &only_meta(md)->statistics;
	assert_int_equal(st->min_value.len, 63); /* "a" + 31 whole code points */
	assert_memory_equal(st->min_value.ptr, lo, 63);
	assert_true(st->has_is_min_value_exact && !st->is_min_value_exact);
	/* max: 21 x "€" (63 bytes), the last incremented to U+20AD */
	assert_int_equal(st->max_value.len, 63);
	assert_memory_equal(st->max_value.ptr, hi, 60);
	assert_memory_equal(st->max_value.ptr + 60, "\xe2\x82\xad", 3);
	assert_true(st->has_is_max_value_exact && !st->is_max_value_exact);
	assert_null(st->min.ptr); /* no deprecated min/max for byte arrays */
	struct page_index *ci = read_index(&out, &md->row_groups[0].columns[0], true);
	assert_int_equal(ci->min_len[0], 63);
	assert_int_equal(ci->boundary, 1); /* one page: ascending */
	free(ci);
	hy_pq_metadata_destroy(md);
	out_free(&out);

	/* binary of 0xff: no shorter upper bound, so the exact value */
	memset(ff, 0xff, 90);
	ff[90] = 0;
	const char *w[] = {ff, "a"};
	write_strings(&out, hy_dtype_simple(HY_BINARY), w, 2, &md);
	st = &only_meta(md)->statistics;
	assert_int_equal(st->max_value.len, 90);
	assert_true(st->is_max_value_exact);
	assert_int_equal(st->min_value.len, 1);
	assert_true(st->is_min_value_exact);
	hy_pq_metadata_destroy(md);
	out_free(&out);
}

static void test_stats_orders(void **state)
{
	struct hy_schema *s = one_field("u", hy_dtype_simple(HY_UINT64), false);
	struct hy_builder *b = NULL;
	struct hy_error err = {0};
	struct hy_pq_writer_options o;
	struct hy_batch *batch;
	struct hy_pq_metadata *md;
	struct out out;
	uint64_t mn, mx;
	struct hy_dtype dec;

	(void)state;
	assert_int_equal(hy_builder_create(&hy_schema_field(s, 0)->type, &b, &err), 0);
	assert_int_equal(hy_builder_append_u64(b, UINT64_MAX, &err), 0);
	assert_int_equal(hy_builder_append_u64(b, 5, &err), 0);
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	hy_pq_writer_options_init(&o);
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	md = parse(&out);
	const struct hy_pq_statistics *st = &only_meta(md)->statistics;
	memcpy(&mn, st->min_value.ptr, 8);
	memcpy(&mx, st->max_value.ptr, 8);
	assert_true(mn == 5 && mx == UINT64_MAX); /* unsigned order */
	assert_null(st->min.ptr);
	assert_int_equal(md->schema[1].repetition, HY_PQ_REQUIRED);
	hy_pq_metadata_destroy(md);
	out_free(&out);
	hy_batch_unref(batch);
	hy_schema_unref(s);

	/* decimal(38) on FLBA: by represented value, negatives first */
	assert_int_equal(hy_dtype_decimal(38, 2, &dec, &err), 0);
	s = one_field("d", dec, true);
	assert_int_equal(hy_builder_create(&dec, &b, &err), 0);
	assert_int_equal(hy_builder_append_decimal128(b, 7, &err), 0);
	assert_int_equal(hy_builder_append_decimal128(b, -gen_pow10(37), &err), 0);
	assert_int_equal(hy_builder_append_decimal128(b, -1, &err), 0);
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	md = parse(&out);
	st = &only_meta(md)->statistics;
	assert_int_equal(st->min_value.len, 16);
	assert_int_equal((uint8_t)st->min_value.ptr[0], 0xf8); /* -10^37 big-endian */
	assert_int_equal((uint8_t)st->max_value.ptr[15], 7);
	assert_int_equal((uint8_t)st->max_value.ptr[0], 0);
	hy_pq_metadata_destroy(md);
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
	out_free(&out);
	hy_batch_unref(batch);
	hy_schema_unref(s);
}

/* ---- dictionary fallback, row groups, empty files ---- */

static void test_dictionary_fallback(void **state)
{
	struct hy_schema *s = one_field("s", hy_dtype_simple(HY_STRING), true);
	struct hy_builder *b = NULL;
	struct hy_error err = {0};
	struct hy_pq_writer_options o;
	struct hy_batch *batch;
	struct hy_pq_metadata *md;
	struct out out;
	char buf[32];

	(void)state;
	assert_int_equal(hy_builder_create(&hy_schema_field(s, 0)->type, &b, &err), 0);
	/* 40 distinct values repeated for 3 pages, then ever new values */
	for (int i = 0; i < 3000; i++) {
		int n = snprintf(buf, sizeof(buf), "value-%d", i < 1500 ? i % 40 : i);
		assert_int_equal(hy_builder_append_str(b, buf, (size_t)n, &err), 0);
	}
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	hy_pq_writer_options_init(&o);
	o.page_rows = 500;
	o.dict_limit = 4096;
	o.page_crc = true; /* walk_pages() verifies every page's CRC */
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	md = parse(&out);
	const struct hy_pq_column_meta *m = only_meta(md);
	assert_true(m->has_dictionary_page_offset);
	assert_int_equal(enc_stat(m, HY_PQ_PAGE_DICTIONARY, HY_PQ_ENC_PLAIN), 1);
	assert_true(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_RLE_DICTIONARY) >= 3);
	assert_true(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_PLAIN) >= 2);
	assert_true(has_encoding(m, HY_PQ_ENC_PLAIN) && has_encoding(m, HY_PQ_ENC_RLE_DICTIONARY));
	assert_int_equal(walk_pages(&out, md, 0, 0, true), 6);
	hy_pq_metadata_destroy(md);
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
	out_free(&out);

	/* dictionary off */
	o.dict_limit = 0;
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	md = parse(&out);
	assert_false(only_meta(md)->has_dictionary_page_offset);
	hy_pq_metadata_destroy(md);
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
	out_free(&out);
	hy_batch_unref(batch);
	hy_schema_unref(s);
}

/* Fixed binary values of 300 KB: gathered a few at a time (not 1,024), and no
 * statistics are kept for values wider than 64 bytes. */
static void test_wide_fixed_binary(void **state)
{
	struct hy_dtype t;
	struct hy_error err = {0};
	struct hy_builder *b = NULL;
	struct hy_pq_writer_options o;
	struct hy_batch *batch;
	struct hy_pq_metadata *md;
	struct hy_schema *s;
	struct out out;
	uint8_t *v = malloc(300000);

	(void)state;
	assert_int_equal(hy_dtype_fixed_binary(300000, &t, &err), 0);
	s = one_field("blob", t, false);
	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	for (int i = 0; i < 12; i++) {
		memset(v, i, 300000);
		assert_int_equal(hy_builder_append_str(b, v, 300000, &err), 0);
	}
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	hy_pq_writer_options_init(&o);
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	md = parse(&out);
	/* gathered 3 values (900 KB) at a time: a page closes past 1 MiB, at 6 */
	assert_int_equal(walk_pages(&out, md, 0, 0, false), 2);
	assert_null(only_meta(md)->statistics.min_value.ptr);
	assert_false(md->row_groups[0].columns[0].has_column_index_offset);
	hy_pq_metadata_destroy(md);
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
	out_free(&out);
	free(v);
	hy_batch_unref(batch);
	hy_schema_unref(s);
}

/* A page of nulls only is PLAIN (no values) and leaves the dictionary on. */
static void test_all_null_page(void **state)
{
	struct hy_schema *s = one_field("s", hy_dtype_simple(HY_STRING), true);
	struct hy_builder *b = NULL;
	struct hy_error err = {0};
	struct hy_pq_writer_options o;
	struct hy_batch *batch;
	struct hy_pq_metadata *md;
	struct out out;

	(void)state;
	assert_int_equal(hy_builder_create(&hy_schema_field(s, 0)->type, &b, &err), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(i < 10 ? hy_builder_append_null(b, &err)
					: hy_builder_append_str(b, i % 2 ? "a" : "b", 1, &err),
				 0);
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	hy_pq_writer_options_init(&o);
	o.page_rows = 10;
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	md = parse(&out);
	const struct hy_pq_column_meta *m = only_meta(md);
	assert_int_equal(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_PLAIN), 1);
	assert_int_equal(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_RLE_DICTIONARY), 3);
	assert_int_equal(enc_stat(m, HY_PQ_PAGE_DICTIONARY, HY_PQ_ENC_PLAIN), 1);
	struct page_index *ci = read_index(&out, &md->row_groups[0].columns[0], true);
	assert_int_equal(ci->n, 4);
	assert_true(ci->null_pages[0] && !ci->null_pages[1]);
	assert_int_equal(ci->null_counts[0], 10);
	assert_int_equal(ci->min_len[0], 0);
	assert_int_equal(ci->boundary, 1); /* "a".."b" on every non-null page */
	free(ci);
	hy_pq_metadata_destroy(md);
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
	out_free(&out);
	hy_batch_unref(batch);
	hy_schema_unref(s);
}

/* String columns in dictionary form (hy_column_create_dictionary) are
 * written as their values. */
/* The first page gives up on the dictionary after 4,096 values when more
 * than 90 % of them were distinct; fewer distinct ones go on to the page's
 * end and its rule (at most half distinct keeps the dictionary). */
static int64_t probe_value(int k, int64_t i)
{
	switch (k) {
	case 0: return i;        /* every value new: given up at 4,096 */
	case 1: return i % 3600; /* 87.9 % distinct at 4,096, 18 % over the page */
	case 2: return i % 2000; /* 48.8 % at 4,096 */
	default:
		return i < 4096 ? i : 0; /* the price: 20 % over the page, but the
					  * first 4,096 all new, so no dictionary */
	}
}

static void test_dictionary_probe(void **state)
{
	static const bool dict[] = {false, true, true, false};
	struct hy_schema *s = one_field("n", hy_dtype_simple(HY_INT64), false);
	struct hy_error err = {0};

	(void)state;
	for (int k = 0; k < 4; k++) {
		struct hy_builder *b = NULL;
		struct hy_pq_writer_options o;
		struct hy_batch *batch;
		struct hy_pq_metadata *md;
		struct out out;

		assert_int_equal(hy_builder_create(&hy_schema_field(s, 0)->type, &b, &err), 0);
		for (int64_t i = 0; i < 20000; i++)
			assert_int_equal(hy_builder_append_i64(b, probe_value(k, i), &err), 0);
		batch = one_column_batch(s, b);
		hy_builder_destroy(b);
		hy_pq_writer_options_init(&o);
		o.page_rows = 20000;
		out_init(&out);
		write_batches(&out, s, &o, &batch, 1);
		md = parse(&out);
		const struct hy_pq_column_meta *m = only_meta(md);
		assert_int_equal(m->has_dictionary_page_offset, dict[k]);
		assert_int_equal(enc_stat(m, HY_PQ_PAGE_DATA, HY_PQ_ENC_RLE_DICTIONARY),
				 dict[k] ? 1 : 0);
		hy_pq_metadata_destroy(md);
		rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
		out_free(&out);
		hy_batch_unref(batch);
	}
	hy_schema_unref(s);
}

static void test_dictionary_form_input(void **state)
{
	struct hy_dtype i32 = hy_dtype_simple(HY_INT32), str = hy_dtype_simple(HY_STRING);
	struct hy_schema *s = one_field("s", str, true);
	struct hy_builder *bi = NULL, *bd = NULL;
	struct hy_column *idx = NULL, *dict = NULL, *col = NULL, *sl = NULL;
	struct hy_batch *batch = NULL, *plain = NULL;
	struct hy_pq_writer_options o;
	struct hy_error err = {0};
	static const char *const words[] = {"", "ünï", "x"};
	struct out out;

	(void)state;
	assert_int_equal(hy_builder_create(&i32, &bi, &err), 0);
	assert_int_equal(hy_builder_create(&str, &bd, &err), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(hy_builder_append_str(bd, words[i], strlen(words[i]), &err), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(i % 7 == 3 ? hy_builder_append_null(bi, &err)
					    : hy_builder_append_i64(bi, i % 3, &err),
				 0);
	assert_int_equal(hy_builder_finish(bi, &idx, &err), 0);
	assert_int_equal(hy_builder_finish(bd, &dict, &err), 0);
	assert_int_equal(hy_column_create_dictionary(idx, dict, &col, &err), 0);
	assert_int_equal(hy_column_slice(col, 5, 990, &sl, &err), 0);
	assert_int_equal(hy_batch_create(s, &sl, 990, &batch, &err), 0);
	hy_pq_writer_options_init(&o);
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
	assert_int_equal(hy_batch_concat(&batch, 1, &plain, &err), 0); /* decoded copy */
	rb_check_batch(out.buf.data, out.buf.len, plain, HY_UNIT_MICRO);
	out_free(&out);
	hy_batch_unref(plain);
	hy_batch_unref(batch);
	hy_column_unref(sl);
	hy_column_unref(col);
	hy_column_unref(idx);
	hy_column_unref(dict);
	hy_builder_destroy(bi);
	hy_builder_destroy(bd);
	hy_schema_unref(s);
}

static void test_row_groups_and_slices(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b = gen_batch(schema, 2500, 11), *parts[3], *all = NULL;
	struct hy_pq_writer_options o;
	struct hy_pq_metadata *md;
	struct hy_error err = {0};
	struct out out;

	(void)state;
	/* slices of one batch, one of them a slice of a slice */
	assert_int_equal(hy_batch_slice(b, 0, 1000, &parts[0], &err), 0);
	assert_int_equal(hy_batch_slice(b, 1000, 1400, &parts[2], &err), 0);
	assert_int_equal(hy_batch_slice(parts[2], 3, 1200, &parts[1], &err), 0);
	hy_batch_unref(parts[2]);
	assert_int_equal(hy_batch_slice(b, 2400, 100, &parts[2], &err), 0);
	hy_pq_writer_options_init(&o);
	o.row_group_rows = 1000;
	out_init(&out);
	write_batches(&out, schema, &o, parts, 3);
	md = parse(&out);
	assert_int_equal(md->num_row_groups, 3);
	assert_int_equal(md->row_groups[0].num_rows, 1000);
	assert_int_equal(md->row_groups[1].num_rows, 1000);
	assert_int_equal(md->row_groups[2].num_rows, 300);
	for (size_t g = 0; g < 3; g++)
		assert_int_equal(md->row_groups[g].ordinal, g);
	hy_pq_metadata_destroy(md);
	assert_int_equal(hy_batch_concat(parts, 3, &all, &err), 0);
	rb_check_batch(out.buf.data, out.buf.len, all, HY_UNIT_MICRO);
	hy_batch_unref(all);

	/* the cap on encoded bytes closes row groups too (checked after each
	 * write): 10 writes of 250 rows */
	o.row_group_rows = HY_PQW_ROW_GROUP_ROWS;
	o.row_group_bytes = 60000;
	out_free(&out);
	out_init(&out);
	for (size_t i = 0; i < 3; i++)
		hy_batch_unref(parts[i]);
	struct hy_batch *tenth[10];
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(hy_batch_slice(b, (int64_t)i * 250, 250, &tenth[i], &err), 0);
	write_batches(&out, schema, &o, tenth, 10);
	md = parse(&out);
	assert_true(md->num_row_groups > 1);
	assert_true(md->num_row_groups < 10);
	hy_pq_metadata_destroy(md);
	rb_check_batch(out.buf.data, out.buf.len, b, HY_UNIT_MICRO);
	out_free(&out);
	for (size_t i = 0; i < 10; i++)
		hy_batch_unref(tenth[i]);
	hy_batch_unref(b);
	hy_schema_unref(schema);
}

static void test_empty_table(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *empty = gen_batch(schema, 0, 1);
	struct hy_pq_writer_options o;
	struct hy_pq_metadata *md;
	struct out out;

	(void)state;
	hy_pq_writer_options_init(&o);
	for (int pass = 0; pass < 2; pass++) {
		out_init(&out);
		write_batches(&out, schema, &o, &empty,
			      (size_t)pass); /* no write, an empty write */
		md = parse(&out);
		assert_int_equal(md->num_row_groups, 0);
		assert_int_equal(md->num_rows, 0);
		check_types(md, want_types, GEN_NCOLS);
		/* list<RowGroup> of size 0 keeps its struct element type (section 2) */
		hy_pq_metadata_destroy(md);
		out_free(&out);
	}
	hy_batch_unref(empty);
	hy_schema_unref(schema);
}

/* ---- timestamps that lose digits ---- */

struct warnings {
	int n;
	char last[512];
};

static void on_warn(void *ctx, const char *msg)
{
	struct warnings *w = ctx;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static void test_truncation_warning(void **state)
{
	struct hy_dtype t;
	struct hy_error err = {0};
	struct hy_builder *b = NULL;
	struct hy_pq_writer_options o;
	struct warnings warn = {0};
	struct hy_schema *s;
	struct hy_batch *batch;
	struct out out;
	static const int64_t ns[] = {1000, 1001, -1, -1000, 1999, 0};

	(void)state;
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_NANO, "UTC", &t, &err), 0);
	s = one_field("ts", t, true);
	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(hy_builder_append_i64(b, ns[i], &err), 0);
	batch = one_column_batch(s, b);
	hy_builder_destroy(b);
	hy_pq_writer_options_init(&o);
	o.warn = on_warn;
	o.warn_ctx = &warn;
	o.row_group_rows = 2; /* counted over row groups, reported once */
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	assert_int_equal(warn.n, 1);
	assert_string_equal(warn.last,
			    "column 'ts': 3 values lost digits (truncated from ns to us)");
	/* floor: -1 ns is -1 us, never later than the instant */
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_MICRO);
	out_free(&out);
	warn.n = 0;
	o.timestamp_unit = HY_UNIT_NANO;
	out_init(&out);
	write_batches(&out, s, &o, &batch, 1);
	assert_int_equal(warn.n, 0);
	rb_check_batch(out.buf.data, out.buf.len, batch, HY_UNIT_NANO);
	out_free(&out);
	hy_batch_unref(batch);
	hy_schema_unref(s);
}

/* ---- sinks and failures ---- */

static struct hy_batch *small_batch(struct hy_schema **schema)
{
	*schema = gen_schema();
	return gen_batch(*schema, 100, 5);
}

/* The streaming reader's view of the documented conversions, with expected
 * values computed by hand rather than by rb_time_conv (which both passes of
 * rb_check_batch share): zones of any kind (a name, an offset) become
 * timestamp[us, UTC] with the same instant; s/ms are multiplied up; ns is
 * floored to us (or kept in ns mode); time[s] is written as time[ms]; a
 * duration comes back as a plain int64 in its own unit. */
static void test_reader_conversions(void **state)
{
	static const struct {
		const char *name;
		enum hy_type_id id;
		enum hy_time_unit unit;
		const char *tz;
		int64_t in[3];
		const char *type_us, *type_ns; /* hy_dtype_format of the read type */
		int64_t out_us[3], out_ns[3];
	} cases[] = {
		{"ts_s_oslo",
		 HY_TIMESTAMP,
		 HY_UNIT_SECOND,
		 "Europe/Oslo",
		 {-1, 1, 1700000000},
		 "timestamp[us, UTC]",
		 "timestamp[us, UTC]",
		 {-1000000, 1000000, 1700000000000000},
		 {-1000000, 1000000, 1700000000000000}},
		{"ts_ms_plus",
		 HY_TIMESTAMP,
		 HY_UNIT_MILLI,
		 "+05:30",
		 {-1, 0, 123},
		 "timestamp[us, UTC]",
		 "timestamp[us, UTC]",
		 {-1000, 0, 123000},
		 {-1000, 0, 123000}},
		{"ts_ns_minus",
		 HY_TIMESTAMP,
		 HY_UNIT_NANO,
		 "-08:00",
		 {-1, 1999, -1001},
		 "timestamp[us, UTC]",
		 "timestamp[ns, UTC]",
		 {-1, 1, -2},
		 {-1, 1999, -1001}},
		{"ts_ns_naive",
		 HY_TIMESTAMP,
		 HY_UNIT_NANO,
		 "",
		 {-999, 999, 1000},
		 "timestamp[us]",
		 "timestamp[ns]",
		 {-1, 0, 1},
		 {-999, 999, 1000}},
		{"time_s",
		 HY_TIME,
		 HY_UNIT_SECOND,
		 NULL,
		 {0, 1, 86399},
		 "time[ms]",
		 "time[ms]",
		 {0, 1000, 86399000},
		 {0, 1000, 86399000}},
		{"time_ns",
		 HY_TIME,
		 HY_UNIT_NANO,
		 NULL,
		 {0, 1999, 86399999999999},
		 "time[us]",
		 "time[ns]",
		 {0, 1, 86399999999},
		 {0, 1999, 86399999999999}},
		{"dur_s",
		 HY_DURATION,
		 HY_UNIT_SECOND,
		 NULL,
		 {-5, 0, 7},
		 "int64",
		 "int64",
		 {-5, 0, 7},
		 {-5, 0, 7}},
	};
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	struct hy_field f[N];
	struct hy_column *cols[N];
	struct hy_schema *s = NULL;
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};

	(void)state;
	for (size_t c = 0; c < N; c++) {
		struct hy_builder *b = NULL;

		f[c].name = (char *)cases[c].name;
		f[c].nullable = true;
		if (cases[c].id == HY_TIMESTAMP)
			assert_int_equal(
				hy_dtype_timestamp(cases[c].unit, cases[c].tz, &f[c].type, &err),
				0);
		else if (cases[c].id == HY_TIME)
			assert_int_equal(hy_dtype_time(cases[c].unit, &f[c].type, &err), 0);
		else
			assert_int_equal(hy_dtype_duration(cases[c].unit, &f[c].type, &err), 0);
		assert_int_equal(hy_builder_create(&f[c].type, &b, &err), 0);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(hy_builder_append_i64(b, cases[c].in[i], &err), 0);
		assert_int_equal(hy_builder_append_null(b, &err), 0);
		assert_int_equal(hy_builder_finish(b, &cols[c], &err), 0);
		hy_builder_destroy(b);
	}
	assert_int_equal(hy_schema_create(f, N, &s, &err), 0);
	assert_int_equal(hy_batch_create(s, cols, 4, &batch, &err), 0);
	for (int mode = 0; mode < 2; mode++) {
		struct hy_pq_writer_options o;
		struct hy_pq_source src;
		struct hy_pq_reader *r = NULL;
		struct hy_batch *got = NULL, *end = NULL;
		struct out out;

		hy_pq_writer_options_init(&o);
		o.timestamp_unit = mode ? HY_UNIT_NANO : HY_UNIT_MICRO;
		out_init(&out);
		write_batches(&out, s, &o, &batch, 1);
		rb_check_batch(out.buf.data, out.buf.len, batch, o.timestamp_unit);
		hy_pq_source_init_memory(&src, out.buf.data, out.buf.len);
		assert_int_equal(hy_pq_reader_open(&r, &src, NULL, &err), 0);
		assert_int_equal(hy_pq_reader_next_batch(r, &got, &err), 0);
		assert_non_null(got);
		assert_int_equal(got->nrows, 4);
		for (size_t c = 0; c < N; c++) {
			char text[64];
			const int64_t *want = mode ? cases[c].out_ns : cases[c].out_us;

			hy_dtype_format(&hy_schema_field(got->schema, c)->type, text, sizeof text);
			assert_string_equal(text, mode ? cases[c].type_ns : cases[c].type_us);
			for (int64_t i = 0; i < 3; i++)
				assert_int_equal(hy_column_get_i64(got->cols[c], i), want[i]);
			assert_true(hy_column_is_null(got->cols[c], 3));
		}
		hy_batch_unref(got);
		assert_int_equal(hy_pq_reader_next_batch(r, &end, &err), 0);
		assert_null(end);
		hy_pq_reader_close(r);
		out_free(&out);
	}
	for (size_t c = 0; c < N; c++)
		hy_column_unref(cols[c]);
	hy_batch_unref(batch);
	hy_schema_unref(s);
}

static void test_sink_enospc(void **state)
{
	struct hy_schema *schema;
	struct hy_batch *b = small_batch(&schema);
	struct hy_pq_writer_options o;
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink;
	struct hy_error err = {0};
	int fd = open("/dev/full", O_WRONLY);
	int rc;

	(void)state;
	if (fd < 0)
		skip();
	assert_int_equal(hy_pq_sink_init_fd(&sink, fd, "/dev/full", &err), 0);
	hy_pq_writer_options_init(&o);
	rc = hy_pq_writer_open(&w, schema, &o, &sink, &err);
	if (rc == 0)
		rc = hy_pq_writer_write(w, b, &err);
	if (rc == 0)
		rc = hy_pq_writer_finish(w, &err);
	assert_int_equal(rc, HY_EIO);
	assert_int_equal(err.sys_errno, ENOSPC);
	assert_string_equal(err.msg, "cannot write to /dev/full: No space left on device");
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	close(fd);
	hy_batch_unref(b);
	hy_schema_unref(schema);
}

static void test_sink_file(void **state)
{
	struct hy_schema *schema;
	struct hy_batch *b = small_batch(&schema);
	struct hy_pq_writer_options o;
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink;
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;
	char dir[] = "/tmp/hy-pqw-XXXXXX", path[256], tmp[300];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.parquet", dir);
	snprintf(tmp, sizeof(tmp), "%s.hygge-tmp-%ld", path, (long)getpid());
	hy_pq_writer_options_init(&o);

	/* closed before finish: nothing left behind */
	assert_int_equal(hy_pq_sink_open_file(&sink, path, &err), 0);
	assert_int_equal(hy_pq_writer_open(&w, schema, &o, &sink, &err), 0);
	assert_int_equal(hy_pq_writer_write(w, b, &err), 0);
	assert_int_equal(stat(tmp, &st), 0);
	assert_int_not_equal(stat(path, &st), 0);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	assert_int_not_equal(stat(tmp, &st), 0);
	assert_int_not_equal(stat(path, &st), 0);

	/* finished: renamed into place, readable */
	assert_int_equal(hy_pq_sink_open_file(&sink, path, &err), 0);
	assert_int_equal(hy_pq_writer_open(&w, schema, &o, &sink, &err), 0);
	assert_int_equal(hy_pq_writer_write(w, b, &err), 0);
	assert_int_equal(hy_pq_writer_finish(w, &err), 0);
	assert_int_equal((int64_t)hy_pq_writer_bytes(w),
			 0 + (stat(path, &st) == 0 ? st.st_size : -1));
	assert_int_equal(hy_pq_writer_rows(w), 100);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	assert_int_not_equal(stat(tmp, &st), 0);
	assert_int_equal(hy_pq_metadata_read_file(path, &md, &err), 0);
	assert_int_equal(md->row_count, 100);
	hy_pq_metadata_destroy(md);
	unlink(path);

	/* defer_sync: the same file under the same name, only the fsync is left
	 * to the caller */
	assert_int_equal(hy_pq_sink_open_file(&sink, path, &err), 0);
	sink.defer_sync = true;
	assert_int_equal(hy_pq_writer_open(&w, schema, &o, &sink, &err), 0);
	assert_int_equal(hy_pq_writer_write(w, b, &err), 0);
	assert_int_equal(hy_pq_writer_finish(w, &err), 0);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	assert_int_not_equal(stat(tmp, &st), 0);
	assert_int_equal(hy_pq_metadata_read_file(path, &md, &err), 0);
	assert_int_equal(md->row_count, 100);
	hy_pq_metadata_destroy(md);
	unlink(path);

	/* a directory that does not exist */
	snprintf(path, sizeof(path), "%s/no/such.parquet", dir);
	hy_error_init(&err);
	assert_int_equal(hy_pq_sink_open_file(&sink, path, &err), HY_EIO);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	hy_pq_sink_close(&sink);
	rmdir(dir);
	hy_batch_unref(b);
	hy_schema_unref(schema);
}

static void test_state_errors(void **state)
{
	struct hy_schema *schema, *other = one_field("x", hy_dtype_simple(HY_INT32), true);
	struct hy_batch *b = small_batch(&schema);
	struct hy_pq_writer_options o;
	struct hy_pq_writer *w = NULL;
	struct hy_error err = {0};
	struct out out;
	struct hy_pq_schema_element *unused = NULL;

	(void)state;
	(void)unused;
	hy_pq_writer_options_init(&o);
	out_init(&out);
	assert_int_equal(hy_pq_writer_open(&w, other, &o, &out.sink, &err), 0);
	assert_int_equal(hy_pq_writer_write(w, b, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_pq_writer_finish(w, &err), HY_ESTATE);
	hy_pq_writer_close(w);
	assert_int_equal(out.buf.len, 0); /* aborted: the memory sink is truncated back */
	out_free(&out);

	out_init(&out);
	assert_int_equal(hy_pq_writer_open(&w, schema, &o, &out.sink, &err), 0);
	assert_int_equal(hy_pq_writer_finish(w, &err), 0);
	hy_error_init(&err);
	assert_int_equal(hy_pq_writer_write(w, b, &err), HY_ESTATE);
	hy_pq_writer_close(w);
	assert_true(out.buf.len > 12);
	out_free(&out);
	hy_batch_unref(b);
	hy_schema_unref(schema);
	hy_schema_unref(other);
}

static int write_once(struct hy_schema *schema, struct hy_batch *b, struct hy_pool *pool)
{
	struct hy_pq_writer_options o;
	struct hy_pq_writer *w = NULL;
	struct hy_error err = {0};
	struct hy_buf buf;
	struct hy_pq_sink sink;
	int rc;

	hy_buf_init(&buf, (size_t)1 << 30);
	hy_pq_sink_init_memory(&sink, &buf);
	hy_pq_writer_options_init(&o);
	o.row_group_rows = 40;
	o.pool = pool;
	rc = hy_pq_writer_open(&w, schema, &o, &sink, &err);
	if (rc == 0)
		rc = hy_pq_writer_write(w, b, &err);
	if (rc == 0)
		rc = hy_pq_writer_finish(w, &err);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	hy_buf_reset(&buf);
	return rc;
}

static void test_alloc_failures(void **state)
{
	struct hy_schema *schema = gen_schema();
	struct hy_batch *b = gen_batch(schema, 60, 9);
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = write_once(schema, b, NULL));
	hy_batch_unref(b);
	hy_schema_unref(schema);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_codec_names),
	cmocka_unit_test(test_bad_options),
	cmocka_unit_test(test_roundtrip_every_codec),
	cmocka_unit_test(test_roundtrip_random_options),
	cmocka_unit_test(test_roundtrip_tiny_batches),
	cmocka_unit_test(test_roundtrip_nanoseconds),
	cmocka_unit_test(test_layout_defaults),
	cmocka_unit_test(test_nanosecond_types),
	cmocka_unit_test(test_stats_floats),
	cmocka_unit_test(test_stats_truncated_strings),
	cmocka_unit_test(test_stats_orders),
	cmocka_unit_test(test_dictionary_fallback),
	cmocka_unit_test(test_wide_fixed_binary),
	cmocka_unit_test(test_all_null_page),
	cmocka_unit_test(test_dictionary_probe),
	cmocka_unit_test(test_dictionary_form_input),
	cmocka_unit_test(test_row_groups_and_slices),
	cmocka_unit_test(test_empty_table),
	cmocka_unit_test(test_truncation_warning),
	cmocka_unit_test(test_reader_conversions),
	cmocka_unit_test(test_sink_enospc),
	cmocka_unit_test(test_sink_file),
	cmocka_unit_test(test_state_errors),
	cmocka_unit_test(test_alloc_failures),
};

HY_TEST_MAIN(tests)
