/* Writes the Parquet files the four oracles judge (tests/oracle/
 * check_written.mjs, ctest oracle.writer): a fixed set of golden cases and
 * the property test's random files with every codec, each next to an
 * expected JSON of canonical values computed from the source batch:
 *
 *   {"file": "x.parquet", "rows": N, "columns": [{"name", "type", "unit",
 *    "utc", "precision", "scale", "values": [...]}]}
 *
 * Canonical value text (null stays JSON null): integers, dates, times and
 * timestamps as decimal integers in the unit written; booleans true/false;
 * floats "NaN" or the hex of their IEEE bits; decimals as exact decimal text
 * with `scale` fraction digits; strings as they are; binary, fixed binary
 * and uuid as lower-case hex. Every file is also read back here with the
 * page reader (pq_writer_check.h) before the oracles see it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pq_writer_check.h"
#include "pq_writer_gen.h"

#ifndef HY_PQW_ORACLE_DIR
#error "HY_PQW_ORACLE_DIR must name the output directory"
#endif

static void json_str(FILE *f, const uint8_t *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('"', f);
}

static void u128_text(hy_u128 u, char *buf)
{
	char tmp[48];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u > 0);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
}

static void decimal_text(FILE *f, hy_i128 v, int scale)
{
	char digits[48], out[64];
	bool neg = v < 0;
	size_t n, k = 0;

	u128_text(neg ? (hy_u128)(-(v + 1)) + 1 : (hy_u128)v, digits);
	n = strlen(digits);
	if (neg)
		out[k++] = '-';
	if ((int)n <= scale) {
		out[k++] = '0';
		if (scale > 0)
			out[k++] = '.';
		for (int i = 0; i < scale - (int)n; i++)
			out[k++] = '0';
		memcpy(out + k, digits, n);
		k += n;
	} else {
		memcpy(out + k, digits, n - (size_t)scale);
		k += n - (size_t)scale;
		if (scale > 0) {
			out[k++] = '.';
			memcpy(out + k, digits + n - scale, (size_t)scale);
			k += (size_t)scale;
		}
	}
	out[k] = 0;
	fprintf(f, "\"%s\"", out);
}

static void value_text(FILE *f, const struct hy_dtype *t, const uint8_t *p, size_t n)
{
	int32_t i32;
	int64_t i64;

	switch (t->id) {
	case HY_BOOL: fprintf(f, p[0] ? "\"true\"" : "\"false\""); return;
	case HY_FLOAT32:
	case HY_FLOAT64: {
		bool nan;
		if (n == 4) {
			float x;
			memcpy(&x, p, 4);
			nan = x != x;
		} else {
			double x;
			memcpy(&x, p, 8);
			nan = x != x;
		}
		if (nan) {
			fprintf(f, "\"NaN\"");
			return;
		}
		fputs("\"0x", f);
		for (size_t i = n; i-- > 0;)
			fprintf(f, "%02x", p[i]);
		fputc('"', f);
		return;
	}
	case HY_DECIMAL: {
		hy_i128 v = 0;
		if (t->precision <= 9) {
			memcpy(&i32, p, 4);
			v = i32;
		} else if (t->precision <= 18) {
			memcpy(&i64, p, 8);
			v = i64;
		} else {
			v = (p[0] & 0x80) ? -1 : 0;
			for (size_t i = 0; i < n; i++)
				v = (hy_i128)(((hy_u128)v << 8) | p[i]);
		}
		decimal_text(f, v, t->scale);
		return;
	}
	case HY_STRING: json_str(f, p, n); return;
	case HY_BINARY:
	case HY_FIXED_BINARY:
	case HY_UUID: hex(f, p, n); return;
	case HY_UINT32:
		memcpy(&i32, p, 4);
		fprintf(f, "\"%u\"", (uint32_t)i32);
		return;
	case HY_UINT64:
		memcpy(&i64, p, 8);
		fprintf(f, "\"%llu\"", (unsigned long long)(uint64_t)i64);
		return;
	default:
		if (n == 4) {
			memcpy(&i32, p, 4);
			fprintf(f, "\"%d\"", i32);
		} else {
			memcpy(&i64, p, 8);
			fprintf(f, "\"%lld\"", (long long)i64);
		}
		return;
	}
}

static const char *written_unit(const struct hy_dtype *t, int ts_unit)
{
	if (t->id == HY_DURATION)
		return hy_time_unit_name(t->unit);
	if (t->id == HY_TIME && t->unit <= HY_UNIT_MILLI)
		return "ms";
	if (t->id != HY_TIME && t->id != HY_TIMESTAMP)
		return "";
	return t->unit == HY_UNIT_NANO && ts_unit == HY_UNIT_NANO ? "ns" : "us";
}

static void write_expected(const char *name, const struct hy_batch *b, int ts_unit)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.json", HY_PQW_ORACLE_DIR, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"file\":\"%s.parquet\",\"rows\":%lld,\"columns\":[", name,
		(long long)b->nrows);
	for (size_t c = 0; c < hy_schema_nfields(b->schema); c++) {
		const struct hy_field *fd = hy_schema_field(b->schema, c);
		struct rb_col want;

		rb_expect_column(b->cols[c], ts_unit, &want);
		fprintf(f,
			"%s\n{\"name\":\"%s\",\"type\":\"%s\",\"unit\":\"%s\",\"utc\":%s,"
			"\"nullable\":%s,\"precision\":%d,\"scale\":%d,\"width\":%d,\"values\":[",
			c ? "," : "", fd->name, hy_type_name(fd->type.id),
			written_unit(&fd->type, ts_unit), fd->type.tz[0] ? "true" : "false",
			fd->nullable ? "true" : "false", fd->type.precision, fd->type.scale,
			fd->type.width);
		for (int64_t i = 0; i < want.n; i++) {
			if (i > 0)
				fputc(',', f);
			if (want.nulls[i])
				fputs("null", f);
			else
				value_text(f, &fd->type, want.vals.data + want.offs[i],
					   (size_t)(want.offs[i + 1] - want.offs[i]));
		}
		fputs("]}", f);
		rb_free(&want);
	}
	fputs("]}\n", f);
	assert_int_equal(fclose(f), 0);
}

/* Writes `batches` to <dir>/<name>.parquet through the file sink, checks it
 * with the page reader and writes the expected JSON. */
static void emit(const char *name, struct hy_schema *schema, const struct hy_pq_writer_options *o,
		 struct hy_batch **batches, size_t n)
{
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink;
	struct hy_error err = {0};
	struct hy_batch *all = NULL;
	char path[512];
	FILE *f;
	uint8_t *data;
	long len;

	snprintf(path, sizeof(path), "%s/%s.parquet", HY_PQW_ORACLE_DIR, name);
	if (hy_pq_sink_open_file(&sink, path, &err) != 0 ||
	    hy_pq_writer_open(&w, schema, o, &sink, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	for (size_t i = 0; i < n; i++)
		if (hy_pq_writer_write(w, batches[i], &err) != 0)
			fail_msg("%s: %s", name, err.msg);
	if (hy_pq_writer_finish(w, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);

	if (n > 0) {
		assert_int_equal(hy_batch_concat(batches, n, &all, &err), 0);
	} else {
		struct hy_batch *e = gen_batch(schema, 0, 0);
		all = e;
	}
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)len);
	assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	rb_check_batch(data, (size_t)len, all, o->timestamp_unit);
	free(data);
	write_expected(name, all, o->timestamp_unit);
	hy_batch_unref(all);
}

static void test_write_files(void **state)
{
	static const struct {
		const char *name;
		int codec, level;
	} codecs[] = {{"none", HY_PQ_CODEC_UNCOMPRESSED, 0}, {"snappy", HY_PQ_CODEC_SNAPPY, 0},
		      {"gzip", HY_PQ_CODEC_GZIP, 0},         {"zstd", HY_PQ_CODEC_ZSTD, 0},
		      {"zstd9", HY_PQ_CODEC_ZSTD, 9},        {"lz4_raw", HY_PQ_CODEC_LZ4_RAW, 0},
		      {"brotli", HY_PQ_CODEC_BROTLI, 0}};
	struct hy_schema *schema = gen_schema();
	struct hy_pq_writer_options o;
	struct hy_batch *b[4];
	char name[64];

	(void)state;
	mkdir(HY_PQW_ORACLE_DIR, 0755);

	/* property files: random batches, every codec, several pages and groups */
	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
		hy_pq_writer_options_init(&o);
		o.codec = codecs[c].codec;
		o.level = codecs[c].level;
		o.row_group_rows = 400;
		o.page_rows = 100;
		for (size_t i = 0; i < 4; i++)
			b[i] = gen_batch(schema, 50 + (int64_t)(c * 37 + i * 101) % 300,
					 500 + c * 10 + i);
		snprintf(name, sizeof(name), "prop_%s", codecs[c].name);
		emit(name, schema, &o, b, 4);
		for (size_t i = 0; i < 4; i++)
			hy_batch_unref(b[i]);
	}

	/* golden: defaults, one batch */
	hy_pq_writer_options_init(&o);
	b[0] = gen_batch(schema, 3000, 1);
	emit("golden_defaults", schema, &o, b, 1);
	/* golden: nanoseconds kept */
	o.timestamp_unit = HY_UNIT_NANO;
	emit("golden_ns", schema, &o, b, 1);
	/* golden: dictionary fallback mid-chunk, tiny pages */
	hy_pq_writer_options_init(&o);
	o.dict_limit = 2048;
	o.page_rows = 64;
	emit("golden_dict_fallback", schema, &o, b, 1);
	/* golden: no dictionary, no page index, CRCs */
	hy_pq_writer_options_init(&o);
	o.dict_limit = 0;
	o.page_index = false;
	o.page_crc = true;
	emit("golden_plain_crc", schema, &o, b, 1);
	/* golden: every column constant (one-entry dictionaries: index width 0) */
	hy_pq_writer_options_init(&o);
	for (size_t i = 1; i < 4; i++)
		assert_int_equal(hy_batch_slice(b[0], 0, 1, &b[i], &(struct hy_error){0}), 0);
	emit("golden_constant", schema, &o, b + 1, 3);
	for (size_t i = 1; i < 4; i++)
		hy_batch_unref(b[i]);
	hy_batch_unref(b[0]);
	/* golden: empty table */
	hy_pq_writer_options_init(&o);
	emit("golden_empty", schema, &o, b, 0);
	hy_schema_unref(schema);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_write_files),
};

HY_TEST_MAIN(tests)
