/* NDJSON reader and writer. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_fixture.h"
#include "dict_fixture.h"
#include "hy_test.h"
#include "hygge/formats.h"

#define DATA HY_TEST_DATA_DIR "/ndjson/"

static void cell(const struct hy_column *col, int64_t row, char *out, size_t cap)
{
	struct hy_str s;

	if (hy_column_is_null(col, row)) {
		snprintf(out, cap, "~");
		return;
	}
	switch (col->type.id) {
	case HY_STRING:
		s = hy_column_get_bytes(col, row);
		snprintf(out, cap, "[%.*s]", (int)s.len, s.ptr);
		break;
	case HY_BOOL: snprintf(out, cap, "%s", hy_column_get_bool(col, row) ? "T" : "F"); break;
	case HY_FLOAT64: snprintf(out, cap, "%g", hy_column_get_f64(col, row)); break;
	case HY_DECIMAL:
		snprintf(out, cap, "%lld", (long long)hy_column_get_decimal(col, row));
		break;
	default: snprintf(out, cap, "%lld", (long long)hy_column_get_i64(col, row)); break;
	}
}

static void types_of(struct hy_schema *s, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < hy_schema_nfields(s); i++) {
		char t[64];
		const struct hy_field *f = hy_schema_field(s, i);

		hy_dtype_format(&f->type, t, sizeof(t));
		n += (size_t)snprintf(out + n, cap - n, "%s%s:%s", i ? " " : "", f->name, t);
	}
}

static int drain(struct hy_ndjson_reader *r, int64_t max_rows, char *out, size_t cap,
		 struct hy_error *err)
{
	struct hy_batch *b;
	size_t n = 0;
	int rc;

	out[0] = 0;
	while ((rc = hy_ndjson_reader_next_batch(r, max_rows, &b, err)) == 0 && b != NULL) {
		for (int64_t row = 0; row < b->nrows; row++) {
			for (size_t c = 0; c < hy_schema_nfields(b->schema); c++) {
				char v[256];

				cell(b->cols[c], row, v, sizeof(v));
				n += (size_t)snprintf(out + n, cap - n, "%s%s", c ? "|" : "", v);
			}
			n += (size_t)snprintf(out + n, cap - n, "\n");
		}
		hy_batch_unref(b);
	}
	return rc;
}

static char types[1024], rows[8192];

static int read_text(const char *text, const struct hy_ndjson_options *o, struct hy_error *err)
{
	struct hy_ndjson_reader *r = NULL;
	int rc = hy_ndjson_reader_open_mem(&r, text, strlen(text), "t.ndjson", o, NULL, err);

	types[0] = rows[0] = 0;
	if (rc != 0)
		return rc;
	types_of(hy_ndjson_reader_schema(r), types, sizeof(types));
	rc = drain(r, 1000, rows, sizeof(rows), err);
	hy_ndjson_reader_close(r);
	return rc;
}

static void test_inference_nested_missing_blank(void **state)
{
	struct hy_error err = {0};
	struct hy_ndjson_reader *r;

	(void)state;
	assert_int_equal(hy_ndjson_reader_open(&r, DATA "basic.ndjson", NULL, &err), 0);
	types_of(hy_ndjson_reader_schema(r), types, sizeof(types));
	assert_string_equal(types, "id:int64 score:float64 ok:bool name:string tags:string "
				   "meta:string when:string mixed:string extra:string");
	assert_int_equal(drain(r, 2, rows, sizeof(rows), &err), 0);
	assert_string_equal(rows, "1|1|T|[a]|[[\"x\",1]]|[{\"k\":{\"z\":null}}]|[2024-01-02]|~|~\n"
				  "2|2.5|F|[é \"q\"]|[[]]|~|[2024-01-03]|[1]|~\n"
				  "3|~|~|~|~|[{}]|~|[s]|~\n"
				  "4|-1000|~|~|~|~|~|[true]|[after sample?]\n");
	hy_ndjson_reader_close(r);
}

static void test_keys_after_sample_are_ignored(void **state)
{
	struct hy_error err = {0};
	struct hy_ndjson_options o;

	(void)state;
	hy_ndjson_options_init(&o);
	o.infer_schema_rows = 1;
	assert_int_equal(read_text("{\"a\":1}\n{\"a\":2,\"b\":3}\n{}\n", &o, &err), 0);
	assert_string_equal(types, "a:int64");
	assert_string_equal(rows, "1\n2\n~\n");
}

static void test_late_mismatch(void **state)
{
	struct hy_error err = {0};
	struct hy_ndjson_options o;

	(void)state;
	hy_ndjson_options_init(&o);
	o.infer_schema_rows = 1;
	assert_int_equal(read_text("{\"a\":1}\n\n{\"a\":2.5}\n", &o, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.ndjson:3: key 'a': cannot read '2.5' as int64 (set "
				     "format_options.schema for this key to read it as another "
				     "type, e.g. string)");
	hy_error_init(&err);
	assert_int_equal(read_text("{\"a\":true}\n{\"a\":\"x\"}\n", &o, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.ndjson:2: key 'a': cannot read 'x' as bool (set "
				     "format_options.schema for this key to read it as another "
				     "type, e.g. string)");
}

static void test_malformed_lines(void **state)
{
	struct hy_error err = {0};
	struct hy_ndjson_reader *r;

	(void)state;
	assert_int_equal(hy_ndjson_reader_open(&r, DATA "malformed.ndjson", NULL, &err),
			 HY_EFORMAT);
	assert_non_null(strstr(err.msg, "malformed.ndjson:3: malformed JSON at column 6: expected "
					"a value, found the end of the line"));
	hy_error_init(&err);
	assert_int_equal(hy_ndjson_reader_open(&r, DATA "not_object.ndjson", NULL, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg + strlen(err.msg) -
				    strlen("not_object.ndjson:2: malformed JSON at column 1: "
					   "expected a JSON object ('{'), found '['"),
			    "not_object.ndjson:2: malformed JSON at column 1: expected a JSON "
			    "object ('{'), found '['");
	/* past the sample */
	struct hy_ndjson_options o;
	hy_ndjson_options_init(&o);
	o.infer_schema_rows = 1;
	hy_error_init(&err);
	assert_int_equal(read_text("{\"a\":1}\n{\"a\":1,}\n", &o, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "t.ndjson:2:"));
	/* a duplicate key */
	hy_error_init(&err);
	assert_int_equal(read_text("{\"a\":1,\"a\":2}\n", NULL, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "t.ndjson:1:"));
}

static void test_overrides(void **state)
{
	static const struct hy_fmt_override ov[] = {
		{"d", "date"},          {"t", "timestamp[us, UTC]"},
		{"m", "decimal(10,2)"}, {"i", "int16"},
		{"f", "float64"},       {"s", "string"}};
	struct hy_error err = {0};
	struct hy_ndjson_options o;

	(void)state;
	hy_ndjson_options_init(&o);
	o.schema = ov;
	o.n_schema = 6;
	assert_int_equal(read_text("{\"d\":\"2024-01-02\",\"t\":\"2024-01-02T00:00:00+01:00\","
				   "\"m\":\"12.5\",\"i\":7,\"f\":3,\"s\":0.1}\n"
				   "{\"m\":3,\"i\":\"-8\",\"f\":\"NaN\",\"s\":[1, 2]}\n",
				   &o, &err),
			 0);
	assert_string_equal(types, "d:date t:timestamp[us, UTC] m:decimal(10,2) i:int16 "
				   "f:float64 s:string");
	assert_string_equal(rows, "19724|1704150000000000|1250|7|3|[0.1]\n"
				  "~|~|300|-8|nan|[[1, 2]]\n");
	hy_error_init(&err);
	o.schema = &ov[3];
	o.n_schema = 1;
	assert_int_equal(read_text("{\"i\":70000}\n", &o, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.ndjson:1: key 'i': cannot read '70000' as int16 (set "
				     "format_options.schema for this key to read it as another "
				     "type, e.g. string)");
}

static void test_empty_and_caps(void **state)
{
	struct hy_error err = {0};
	struct hy_ndjson_options o;
	char *text = malloc(3000);

	(void)state;
	assert_int_equal(read_text("", NULL, &err), 0);
	assert_string_equal(types, "");
	assert_int_equal(read_text("\n  \n", NULL, &err), 0);
	assert_string_equal(rows, "");
	hy_ndjson_options_init(&o);
	o.max_line_bytes = 1000;
	strcpy(text, "{\"a\":\"");
	memset(text + 6, 'x', 2000);
	strcpy(text + 2006, "\"}\n");
	assert_int_equal(read_text(text, &o, &err), HY_ELIMIT);
	assert_non_null(strstr(err.msg, "t.ndjson:1: line too long"));
	free(text);
}

static void test_block_boundaries(void **state)
{
	char want[8192];
	struct hy_error err = {0};
	struct hy_ndjson_reader *r;

	(void)state;
	assert_int_equal(hy_ndjson_reader_open(&r, DATA "basic.ndjson", NULL, &err), 0);
	assert_int_equal(drain(r, 3, want, sizeof(want), &err), 0);
	hy_ndjson_reader_close(r);
	for (size_t bs = 1; bs < 50; bs++) {
		struct hy_ndjson_options o;

		hy_ndjson_options_init(&o);
		o.block_size = bs;
		assert_int_equal(hy_ndjson_reader_open(&r, DATA "basic.ndjson", &o, &err), 0);
		assert_int_equal(drain(r, 1, rows, sizeof(rows), &err), 0);
		assert_string_equal(rows, want);
		hy_ndjson_reader_close(r);
	}
}

static char *write_to_text(const struct hy_batch *b, struct hy_error *err)
{
	char path[] = "/tmp/hy_ndjson_XXXXXX";
	int fd = mkstemp(path);
	struct hy_ndjson_writer *w;
	char *text = calloc(1, 1 << 20);
	ssize_t n;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(hy_ndjson_writer_open(&w, path, b->schema, err), 0);
	assert_int_equal(hy_ndjson_writer_write(w, b, err), 0);
	assert_int_equal(hy_ndjson_writer_finish(w, err), 0);
	hy_ndjson_writer_close(w);
	fd = open(path, O_RDONLY);
	n = read(fd, text, (1 << 20) - 1);
	assert_true(n >= 0);
	close(fd);
	unlink(path);
	return text;
}

static void test_writer_escaping(void **state)
{
	const char *in = "{\"s\":\"q\\\" b\\\\ \\n\\t\\r\\u0001 é\",\"f\":0.1,\"k\\\"ey\":1}\n"
			 "{\"s\":\"\",\"f\":1e300,\"k\\\"ey\":null}\n";
	struct hy_error err = {0};
	struct hy_ndjson_reader *r;
	struct hy_batch *b;
	char *out;

	(void)state;
	assert_int_equal(hy_ndjson_reader_open_mem(&r, in, strlen(in), "t", NULL, NULL, &err), 0);
	assert_int_equal(hy_ndjson_reader_next_batch(r, 10, &b, &err), 0);
	out = write_to_text(b, &err);
	assert_string_equal(out,
			    "{\"s\":\"q\\\" b\\\\ \\n\\t\\r\\u0001 é\",\"f\":0.1,\"k\\\"ey\":1}\n"
			    "{\"s\":\"\",\"f\":1e+300,\"k\\\"ey\":null}\n");
	free(out);
	hy_batch_unref(b);
	hy_ndjson_reader_close(r);
}

/* String/binary columns in dictionary form (the Parquet reader's
 * keep_dictionary output) are written as their values: the exact text of a
 * small batch, and the fixture batch written the same as in plain form. */
static void test_writer_dictionary_form(void **state)
{
	const char *in =
		"{\"s\":\"q\\\" b\\\\ \\n\\t\\r\\u0001 é\",\"f\":0.1,\"k\\\"ey\":1}\n"
		"{\"s\":\"\",\"f\":1e300,\"k\\\"ey\":null}\n{\"s\":null,\"f\":2,\"k\\\"ey\":3}\n"
		"{\"s\":\"\",\"f\":3,\"k\\\"ey\":4}\n";
	struct hy_error err = {0};
	struct hy_ndjson_reader *r;
	struct hy_batch *b, *d;
	char *out, *plain;

	(void)state;
	assert_int_equal(hy_ndjson_reader_open_mem(&r, in, strlen(in), "t", NULL, NULL, &err), 0);
	assert_int_equal(hy_ndjson_reader_next_batch(r, 10, &b, &err), 0);
	d = dfx_batch(b);
	assert_int_equal(dfx_count(d), 1);
	out = write_to_text(d, &err);
	assert_string_equal(out,
			    "{\"s\":\"q\\\" b\\\\ \\n\\t\\r\\u0001 é\",\"f\":0.1,\"k\\\"ey\":1}\n"
			    "{\"s\":\"\",\"f\":1e+300,\"k\\\"ey\":null}\n"
			    "{\"s\":null,\"f\":2.0,\"k\\\"ey\":3}\n"
			    "{\"s\":\"\",\"f\":3.0,\"k\\\"ey\":4}\n");
	free(out);
	hy_batch_unref(d);
	hy_batch_unref(b);
	hy_ndjson_reader_close(r);

	assert_int_equal(fx_batch(0, FX_ROWS, &b, &err), 0);
	d = dfx_batch(b);
	assert_int_equal(dfx_count(d), 2);
	plain = write_to_text(b, &err);
	out = write_to_text(d, &err);
	assert_string_equal(out, plain);
	free(out);
	free(plain);
	hy_batch_unref(d);
	hy_batch_unref(b);
}

/* Columns the NDJSON reader cannot bring back to their own type: null
 * (no values), binary/fixed/uuid (hex or text strings), duration (a
 * number), uint64 (jansson's integers stop at INT64_MAX). */
static bool not_round_tripped(int c)
{
	return c == FX_NULL || c == FX_BIN || c == FX_FIXED || c == FX_UUID || c == FX_DUR ||
	       c == FX_U64;
}

static void test_writer_fixture_round_trip(void **state)
{
	struct hy_fmt_override ov[FX_NCOLS];
	char tnames[FX_NCOLS][64];
	struct hy_error err = {0};
	struct hy_batch *b, *back;
	struct hy_ndjson_reader *r;
	struct hy_ndjson_options o;
	size_t nov = 0;
	char *text;

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &b, &err), 0);
	text = write_to_text(b, &err);
	assert_non_null(
		strstr(text, "\"dec38\":\"-0.0000000007\",\"str\":\"\",\"bin\":\"0000ff\""));
	for (int c = 0; c < FX_NCOLS; c++) {
		struct hy_dtype t = fx_type(c);

		if (not_round_tripped(c))
			continue;
		hy_dtype_format(&t, tnames[c], sizeof(tnames[c]));
		ov[nov].column = fx_names[c];
		ov[nov++].type = tnames[c];
	}
	hy_ndjson_options_init(&o);
	o.schema = ov;
	o.n_schema = nov;
	o.infer_schema_rows = 1;
	if (hy_ndjson_reader_open_mem(&r, text, strlen(text), "fx", &o, NULL, &err) != 0)
		fail_msg("%s", err.msg);
	if (hy_ndjson_reader_next_batch(r, 1000, &back, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(back->nrows, FX_ROWS);
	for (int c = 0; c < FX_NCOLS; c++) {
		if (not_round_tripped(c))
			continue;
		for (int64_t i = 0; i < FX_ROWS; i++)
			fx_check_value(back->cols[c], c, i, i);
	}
	hy_batch_unref(back);
	hy_ndjson_reader_close(r);
	free(text);
	hy_batch_unref(b);
}

static int alloc_read(void)
{
	static const struct hy_fmt_override ov[] = {{"when", "date"}};
	struct hy_error err = {0};
	struct hy_ndjson_reader *r = NULL;
	struct hy_ndjson_options o;
	struct hy_batch *b = NULL;
	int rc;

	hy_ndjson_options_init(&o);
	o.schema = ov;
	o.n_schema = 1;
	o.block_size = 5;
	rc = hy_ndjson_reader_open(&r, DATA "basic.ndjson", &o, &err);
	while (rc == 0 && (rc = hy_ndjson_reader_next_batch(r, 2, &b, &err)) == 0 && b != NULL)
		hy_batch_unref(b);
	hy_ndjson_reader_close(r);
	return rc;
}

static int alloc_write(void)
{
	struct hy_error err = {0};
	struct hy_batch *b = NULL;
	struct hy_ndjson_writer *w = NULL;
	int fd = open("/dev/null", O_WRONLY);
	int rc = fx_batch(0, 5, &b, &err);

	if (rc == 0)
		rc = hy_ndjson_writer_open_fd(&w, fd, b->schema, &err);
	if (rc == 0)
		rc = hy_ndjson_writer_write(w, b, &err);
	if (rc == 0)
		rc = hy_ndjson_writer_finish(w, &err);
	hy_ndjson_writer_close(w);
	hy_batch_unref(b);
	close(fd);
	return rc;
}

static void test_alloc_failures(void **state)
{
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = alloc_read());
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = alloc_write());
}

/* The scanner is strict RFC 8259: each line here must be refused with a
 * message naming the column. */
static void test_scanner_refuses(void **state)
{
	static const char *const bad[][2] = {
		{"{\"a\":01}", "column 7: expected ',' or '}', found '1'"},
		{"{\"a\":1.}", "column 8: expected a digit after the decimal point, found '}'"},
		{"{\"a\":.5}", "column 6: expected a JSON value, found '.'"},
		{"{\"a\":-}", "column 7: expected a digit, found '}'"},
		{"{\"a\":1e}", "column 8: expected a digit in the exponent, found '}'"},
		{"{\"a\":tru}", "column 6: expected a JSON value, found 't'"},
		{"{\"a\":\"x\\q\"}", "column 9: expected an escape"},
		{"{\"a\":\"\\ud800\"}", "expected a low surrogate"},
		{"{\"a\":\"\\udc00\"}", "expected a high surrogate before this low one"},
		{"{\"a\":\"\\u12g4\"}", "expected four hex digits after \\u"},
		{"{\"a\":[1,]}", "column 9: expected a JSON value, found ']'"},
		{"{\"a\":{\"b\" 1}}", "column 11: expected ':' after a key, found '1'"},
		{"{\"a\":1} x",
		 "column 9: expected the end of the line after the object, found 'x'"},
		{"{a:1}", "column 2: expected a key (a string), found 'a'"},
		{"{\"a\":\"tab\there\"}", "expected no control character inside a string"},
		{"{\"\\u0000\":1}", "a key holds a NUL character"},
		{"{\"a\":\"\xff\"}", "malformed JSON: the line is not valid UTF-8"},
	};
	char deep[1200] = "{\"a\":";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hy_error err = {0};
		char line[128];

		snprintf(line, sizeof(line), "%s\n", bad[i][0]);
		assert_int_equal(read_text(line, NULL, &err), HY_EFORMAT);
		if (strstr(err.msg, bad[i][1]) == NULL)
			fail_msg("%s -> %s", bad[i][0], err.msg);
	}
	for (int i = 0; i < 513; i++)
		strcat(deep, "[");
	struct hy_error err = {0};
	assert_int_equal(read_text(deep, NULL, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "at most 512 levels of nesting"));
	/* accepted: escapes, surrogate pairs, exponents, white space, nesting kept as written */
	hy_error_init(&err);
	assert_int_equal(read_text(" { \"a\" : \"\\u00e9\\ud83d\\ude00\\/\\n\" , \"b\":-0.5E+2,"
				   "\"c\":{ \"d\" : [ ] } }\r\n",
				   NULL, &err),
			 0);
	assert_string_equal(types, "a:string b:float64 c:string");
	assert_string_equal(rows, "[é😀/\n]|-50|[{ \"d\" : [ ] }]\n");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_writer_dictionary_form),
	cmocka_unit_test(test_scanner_refuses),
	cmocka_unit_test(test_inference_nested_missing_blank),
	cmocka_unit_test(test_keys_after_sample_are_ignored),
	cmocka_unit_test(test_late_mismatch),
	cmocka_unit_test(test_malformed_lines),
	cmocka_unit_test(test_overrides),
	cmocka_unit_test(test_empty_and_caps),
	cmocka_unit_test(test_block_boundaries),
	cmocka_unit_test(test_writer_escaping),
	cmocka_unit_test(test_writer_fixture_round_trip),
	cmocka_unit_test(test_alloc_failures),
};
HY_TEST_MAIN(tests)
