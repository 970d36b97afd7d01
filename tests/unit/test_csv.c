/* CSV reader, inference and writer. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_fixture.h"
#include "dict_fixture.h"
#include "hy_test.h"
#include "hygge/formats.h"
#include "hygge/pool.h"

#define DATA HY_TEST_DATA_DIR "/csv/"

/* ---- helpers ---- */

/* Text of one cell for assertions: NULL as "~", strings in [], the rest as numbers. */
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

/* All rows as "a|b|c\n" lines. */
static void dump_batch(const struct hy_batch *b, char *out, size_t cap)
{
	size_t n = strlen(out);

	for (int64_t r = 0; r < b->nrows; r++) {
		for (size_t c = 0; c < hy_schema_nfields(b->schema); c++) {
			char v[256];

			cell(b->cols[c], r, v, sizeof(v));
			n += (size_t)snprintf(out + n, cap - n, "%s%s", c ? "|" : "", v);
		}
		n += (size_t)snprintf(out + n, cap - n, "\n");
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

/* Reads every batch of `r` into `out` (dump text); returns the status. */
static int drain(struct hy_csv_reader *r, int64_t max_rows, char *out, size_t cap,
		 struct hy_error *err)
{
	struct hy_batch *b;
	int rc;

	out[0] = 0;
	while ((rc = hy_csv_reader_next_batch(r, max_rows, &b, err)) == 0 && b != NULL) {
		dump_batch(b, out, cap);
		hy_batch_unref(b);
	}
	return rc;
}

/* Opens text from memory, reads all; returns the status; fills types and rows. */
static int read_text(const char *text, const struct hy_csv_options *o, char *types, char *rows,
		     struct hy_error *err)
{
	struct hy_csv_reader *r = NULL;
	int rc = hy_csv_reader_open_mem(&r, text, strlen(text), "t.csv", o, NULL, err);

	types[0] = rows[0] = 0;
	if (rc != 0)
		return rc;
	types_of(hy_csv_reader_schema(r), types, 1024);
	rc = drain(r, 1000, rows, 8192, err);
	hy_csv_reader_close(r);
	return rc;
}

static char types[1024], rows[8192];

/* ---- RFC 4180 ---- */

static void test_rfc4180_cases(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_reader *r;

	(void)state;
	assert_int_equal(hy_csv_reader_open(&r, DATA "rfc4180.csv", NULL, &err), 0);
	types_of(hy_csv_reader_schema(r), types, sizeof(types));
	assert_string_equal(types, "id:int64 text:string note:string");
	assert_int_equal(drain(r, 100, rows, sizeof(rows), &err), 0);
	assert_string_equal(rows, "1|[a,b]|[say \"hi\"]\n"
				  "2|[line1\r\nline2]|[plain]\n"
				  "3|[]|~\n"
				  "4|[x\"y]|[ends with quote\"]\n");
	hy_csv_reader_close(r);
}

static void test_bom_crlf_and_no_final_newline(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_reader *r;

	(void)state;
	assert_int_equal(hy_csv_reader_open(&r, DATA "bom_crlf.csv", NULL, &err), 0);
	types_of(hy_csv_reader_schema(r), types, sizeof(types));
	assert_string_equal(types, "name:string n:int64");
	assert_int_equal(drain(r, 100, rows, sizeof(rows), &err), 0);
	assert_string_equal(rows, "[Åse]|1\n[Æble]|2\n");
	hy_csv_reader_close(r);
}

/* Every block size from 1 byte up gives the same rows: fields, quotes,
 * CRLF pairs and the BOM split across block boundaries. */
static void test_block_boundaries(void **state)
{
	static const char *const files[] = {"rfc4180.csv", "bom_crlf.csv", "infer.csv"};
	char want[8192];

	(void)state;
	for (size_t f = 0; f < 3; f++) {
		char path[512];
		struct hy_error err = {0};
		struct hy_csv_reader *r;

		snprintf(path, sizeof(path), DATA "%s", files[f]);
		assert_int_equal(hy_csv_reader_open(&r, path, NULL, &err), 0);
		assert_int_equal(drain(r, 3, want, sizeof(want), &err), 0);
		hy_csv_reader_close(r);
		for (size_t bs = 1; bs <= 40; bs++) {
			struct hy_csv_options o;

			hy_csv_options_init(&o);
			o.block_size = bs;
			assert_int_equal(hy_csv_reader_open(&r, path, &o, &err), 0);
			assert_int_equal(drain(r, 2, rows, sizeof(rows), &err), 0);
			assert_string_equal(rows, want);
			hy_csv_reader_close(r);
		}
	}
}

static void test_line_endings_and_blank_lines(void **state)
{
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(read_text("a,b\r\n\r\n1,2\n\n3,4\r5,6", NULL, types, rows, &err), 0);
	assert_string_equal(rows, "1|2\n3|4\n5|6\n");
	/* one column: a blank line is a null, so a written null survives */
	assert_int_equal(read_text("a\n1\n\n2\n", NULL, types, rows, &err), 0);
	assert_string_equal(rows, "1\n~\n2\n");
	/* a trailing separator is an empty last field */
	assert_int_equal(read_text("a,b\n1,\n", NULL, types, rows, &err), 0);
	assert_string_equal(rows, "1|~\n");
}

static void test_partial_bom_and_header_checks(void **state)
{
	struct hy_error err = {0};

	(void)state;
	/* EF BB then 'a': not a BOM, the bytes stay (and are not UTF-8) */
	assert_int_equal(read_text("\xef\xbb"
				   "a\n1\n",
				   NULL, types, rows, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:1: header field 1 is not UTF-8 text without NUL");
	hy_error_init(&err);
	/* a whole BOM split over 1-byte blocks, then a real U+FEFF kept in the name */
	struct hy_csv_options o;
	hy_csv_options_init(&o);
	o.block_size = 1;
	assert_int_equal(read_text("\xef\xbb\xbf\xef\xbb\xbf"
				   "a\n1\n",
				   &o, types, rows, &err),
			 0);
	assert_string_equal(types, "\xef\xbb\xbf"
				   "a:int64");
}

/* ---- inference ---- */

static void test_inference_table(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_reader *r;

	(void)state;
	assert_int_equal(hy_csv_reader_open(&r, DATA "infer.csv", NULL, &err), 0);
	types_of(hy_csv_reader_schema(r), types, sizeof(types));
	assert_string_equal(types, "i:int64 f:float64 b:bool d:date tsn:timestamp[us] "
				   "tsz:timestamp[us, UTC] s:string mixnum:float64 allnull:string "
				   "big:string dts:timestamp[us] naivezoned:string sp:string");
	assert_int_equal(drain(r, 100, rows, sizeof(rows), &err), 0);
	assert_string_equal(
		rows,
		"1|1.5|T|19724|1704164645000000|1704164645000000|[x]|1|~|[1]|1704153600000000|"
		"[2024-01-02T00:00:00]|[a b]\n"
		"-2|-0.25|F|20088|1704164645123456|1704157445000000|[2]|2.5|~|"
		"[99999999999999999999]|1704189600000000|[2024-01-02T00:00:00Z]|[ 1]\n"
		"~|~|~|~|~|~|~|~|~|~|~|~|~\n"
		"3|1000|T|0|946684799000000|1704170045000000|~|3|~|[2]|~|~|~\n");
	hy_csv_reader_close(r);
}

static void test_inference_rows_limit_and_late_value(void **state)
{
	char text[4096] = "a,b\n";
	struct hy_error err = {0};
	struct hy_csv_options o;

	(void)state;
	for (int i = 0; i < 100; i++)
		strcat(text, "1,2\n");
	strcat(text, "x,3\n");
	assert_int_equal(read_text(text, NULL, types, rows, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:102: column 'a' (field 1): cannot read 'x' as int64 "
				     "(set format_options.schema for this column to read it as "
				     "another type, e.g. string)");
	/* a longer sample sees it */
	hy_csv_options_init(&o);
	o.infer_schema_rows = 1000;
	hy_error_init(&err);
	assert_int_equal(read_text(text, &o, types, rows, &err), 0);
	assert_string_equal(types, "a:string b:int64");
	/* no sample: every column a string */
	o.infer_schema_rows = 0;
	assert_int_equal(read_text("a,b\n1,true\n", &o, types, rows, &err), 0);
	assert_string_equal(types, "a:string b:string");
	assert_string_equal(rows, "[1]|[true]\n");
}

static void test_schema_overrides(void **state)
{
	static const struct hy_fmt_override ov[] = {{"a", "string"},
						    {"b", "decimal(10,2)"},
						    {"c", "timestamp[ms, UTC]"},
						    {"d", "int8"}};
	struct hy_error err = {0};
	struct hy_csv_options o;

	(void)state;
	hy_csv_options_init(&o);
	o.schema = ov;
	o.n_schema = 4;
	assert_int_equal(read_text("a,b,c,d\n01,1.5,2024-01-02T00:00:00.1234+01:00,-128\n", &o,
				   types, rows, &err),
			 0);
	assert_string_equal(types, "a:string b:decimal(10,2) c:timestamp[ms, UTC] d:int8");
	assert_string_equal(rows, "[01]|150|1704150000123|-128\n");
	/* out of the override's range: an error naming the column */
	assert_int_equal(read_text("a,b,c,d\n1,1,2024-01-02,128\n", &o, types, rows, &err),
			 HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:2: column 'd' (field 4): cannot read '128' as int8 "
				     "(set format_options.schema for this column to read it as "
				     "another type, e.g. string)");
	/* an override for a column the file lacks */
	hy_error_init(&err);
	o.n_schema = 1;
	assert_int_equal(read_text("x\n1\n", &o, types, rows, &err), HY_ECONFIG);
	assert_string_equal(err.msg,
			    "format_options.schema names column 'a', which the file does not have");
	/* a bad type name */
	static const struct hy_fmt_override bad[] = {{"x", "int65"}};
	hy_error_init(&err);
	o.schema = bad;
	assert_int_equal(read_text("x\n1\n", &o, types, rows, &err), HY_EINVAL);
	assert_string_equal(err.msg, "t.csv: format_options.schema: column 'x': unknown type "
				     "'int65'");
}

static void test_type_names(void **state)
{
	static const char *const ok[][2] = {
		{"int64", "int64"},
		{"Boolean", "bool"},
		{"double", "float64"},
		{"utf8", "string"},
		{"timestamp", "timestamp[us]"},
		{"timestamptz", "timestamp[us, UTC]"},
		{"timestamp[ns, Europe/Oslo]", "timestamp[ns, Europe/Oslo]"},
		{"time[ms]", "time[ms]"},
		{"decimal(18,3)", "decimal(18,3)"},
		{"decimal(5)", "decimal(5,0)"},
		{"decimal(38, 10)", "decimal(38,10)"},
	};
	static const char *const bad[] = {"decimal", "decimal(40,2)", "timestamp[xs]",
					  "int",     "decimal(5,2",   "time[ms, UTC]",
					  ""};
	struct hy_dtype t;
	char text[64];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct hy_error err = {0};

		assert_int_equal(hy_fmt_type_parse(ok[i][0], &t, &err), 0);
		hy_dtype_format(&t, text, sizeof(text));
		assert_string_equal(text, ok[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hy_error err = {0};

		assert_int_equal(hy_fmt_type_parse(bad[i], &t, &err), HY_EINVAL);
	}
}

static void test_null_values_and_quoted_empty(void **state)
{
	static const char *const nulls[] = {"NA", "null"};
	struct hy_error err = {0};
	struct hy_csv_options o;

	(void)state;
	assert_int_equal(read_text("a,b\nNA,\"\"\n,x\n", NULL, types, rows, &err), 0);
	assert_string_equal(rows, "[NA]|[]\n~|[x]\n");
	hy_csv_options_init(&o);
	o.null_values = nulls;
	o.n_null_values = 2;
	assert_int_equal(read_text("a,b\nNA,1\nnull,\"NA\"\n3,4\n", &o, types, rows, &err), 0);
	assert_string_equal(types, "a:int64 b:int64");
	assert_string_equal(rows, "~|1\n~|~\n3|4\n");
}

static void test_separator_and_quote_options(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_options o;

	(void)state;
	hy_csv_options_init(&o);
	o.separator = ';';
	o.quote_char = '\'';
	assert_int_equal(read_text("a;b\n'x;y';'it''s'\n1,5;\"q\"\n", &o, types, rows, &err), 0);
	assert_string_equal(rows, "[x;y]|[it's]\n[1,5]|[\"q\"]\n");
	o.separator = '\t';
	o.quote_char = 0;
	assert_int_equal(read_text("a\tb\n\"x\t\"\n", &o, types, rows, &err), 0);
	assert_string_equal(rows, "[\"x]|[\"]\n");
}

static void test_header_names(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_options o;

	(void)state;
	assert_int_equal(read_text("a,a,,b,a,\n1,2,3,4,5,6\n", NULL, types, rows, &err), 0);
	assert_string_equal(types, "a:int64 a_duplicated_0:int64 column_3:int64 b:int64 "
				   "a_duplicated_1:int64 column_6:int64");
	hy_csv_options_init(&o);
	o.has_header = false;
	assert_int_equal(read_text("1,x\n2,y\n", &o, types, rows, &err), 0);
	assert_string_equal(types, "column_1:int64 column_2:string");
	assert_string_equal(rows, "1|[x]\n2|[y]\n");
}

static void test_empty_and_header_only(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_reader *r;
	struct hy_batch *b;

	(void)state;
	assert_int_equal(hy_csv_reader_open(&r, DATA "empty.csv", NULL, &err), 0);
	assert_int_equal(hy_schema_nfields(hy_csv_reader_schema(r)), 0);
	assert_int_equal(hy_csv_reader_next_batch(r, 10, &b, &err), 0);
	assert_null(b);
	hy_csv_reader_close(r);
	assert_int_equal(hy_csv_reader_open(&r, DATA "header_only.csv", NULL, &err), 0);
	types_of(hy_csv_reader_schema(r), types, sizeof(types));
	assert_string_equal(types, "a:string b:string");
	assert_int_equal(hy_csv_reader_next_batch(r, 10, &b, &err), 0);
	assert_null(b);
	hy_csv_reader_close(r);
}

/* ---- errors ---- */

static void test_ragged_rows(void **state)
{
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(read_text("a,b\n1,2\n3\n", NULL, types, rows, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:3: expected 2 fields (as in the header), found 1");
	hy_error_init(&err);
	/* past the sample too, and after a quoted newline the line still counts */
	char text[2048] = "a,b\n\"x\ny\",1\n";
	for (int i = 0; i < 120; i++)
		strcat(text, "p,2\n");
	strcat(text, "1,2,3\n");
	assert_int_equal(read_text(text, NULL, types, rows, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:124: expected 2 fields (as in the header), found 3");
}

static void test_quote_errors(void **state)
{
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(read_text("a,b\n1,2\n3,\"4\n5,6\n", NULL, types, rows, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:3:3: unterminated quoted field (the quote opened "
				     "here is never closed)");
	hy_error_init(&err);
	assert_int_equal(read_text("a,b\n1,\"2\"x\n", NULL, types, rows, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:2:6: unexpected 'x' after a closing quote (a quote "
				     "inside a quoted field is written as two quotes)");
}

static void test_encoding(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_options o;

	(void)state;
	hy_csv_options_init(&o);
	o.encoding = "latin1";
	assert_int_equal(read_text("a\n1\n", &o, types, rows, &err), HY_EUNSUPPORTED);
	assert_string_equal(err.msg, "encoding 'latin1' is not supported: hygge reads UTF-8 CSV "
				     "(convert the file, e.g. iconv -f latin1 -t UTF-8)");
	o.encoding = "UTF-8";
	hy_error_init(&err);
	assert_int_equal(read_text("a\n1\n", &o, types, rows, &err), 0);
	/* bytes that are not UTF-8 in a string column */
	assert_int_equal(read_text("a\n\xe5le\n", NULL, types, rows, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "t.csv:2: column 'a' (field 1): invalid UTF-8 in a text "
				     "value (set format_options.schema for this column to read it "
				     "as another type, e.g. string)");
}

static void test_caps(void **state)
{
	char *text = malloc(5000);
	struct hy_error err = {0};
	struct hy_csv_options o;

	(void)state;
	hy_csv_options_init(&o);
	o.max_field_bytes = 1000;
	strcpy(text, "a\n\"");
	memset(text + 3, 'x', 2000);
	strcpy(text + 2003, "\"\n");
	assert_int_equal(read_text(text, &o, types, rows, &err), HY_ELIMIT);
	assert_string_equal(err.msg, "t.csv:2: a field is longer than 1000 bytes "
				     "(format_options.max_field_bytes)");
	o.max_field_bytes = 0;
	o.max_row_bytes = 100;
	hy_error_init(&err);
	assert_int_equal(read_text(text, &o, types, rows, &err), HY_ELIMIT);
	free(text);
}

/* ---- several files, one schema ---- */

static void test_multi_file_schema(void **state)
{
	const char *paths[] = {DATA "multi_a.csv", DATA "multi_b.csv"};
	struct hy_error err = {0};
	struct hy_schema *s;
	struct hy_csv_reader *r;

	(void)state;
	assert_int_equal(hy_csv_infer_schema(paths, 2, NULL, &s, &err), 0);
	types_of(s, types, sizeof(types));
	assert_string_equal(types, "a:float64 b:string");
	assert_int_equal(hy_csv_reader_open_schema(&r, paths[0], NULL, s, &err), 0);
	assert_int_equal(drain(r, 10, rows, sizeof(rows), &err), 0);
	assert_string_equal(rows, "1|[x]\n2|[y]\n");
	hy_csv_reader_close(r);
	/* a file whose header differs */
	assert_int_equal(hy_csv_reader_open_schema(&r, DATA "multi_bad.csv", NULL, s, &err),
			 HY_EFORMAT);
	assert_non_null(strstr(err.msg, "multi_bad.csv:1: header column 1 is 'b' where the other "
					"files of this entity have 'a'"));
	hy_schema_unref(s);
	hy_error_init(&err);
	const char *bad[] = {DATA "multi_a.csv", DATA "multi_bad.csv"};
	assert_int_equal(hy_csv_infer_schema(bad, 2, NULL, &s, &err), HY_EFORMAT);
	/* a sample of one row stops after the first file */
	struct hy_csv_options o;
	hy_csv_options_init(&o);
	o.infer_schema_rows = 1;
	hy_error_init(&err);
	assert_int_equal(hy_csv_infer_schema(paths, 2, &o, &s, &err), 0);
	types_of(s, types, sizeof(types));
	assert_string_equal(types, "a:int64 b:string");
	hy_schema_unref(s);
	/* a missing file */
	const char *missing[] = {DATA "nope.csv"};
	hy_error_init(&err);
	assert_int_equal(hy_csv_infer_schema(missing, 1, NULL, &s, &err), HY_ENOTFOUND);
}

static void test_batches_split(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_reader *r;
	struct hy_batch *b;
	const char *text = "a\n1\n2\n3\n4\n5\n";
	int64_t sizes[4] = {0};
	int n = 0;

	(void)state;
	assert_int_equal(hy_csv_reader_open_mem(&r, text, strlen(text), "t.csv", NULL, NULL, &err),
			 0);
	while (hy_csv_reader_next_batch(r, 2, &b, &err) == 0 && b != NULL) {
		sizes[n++] = b->nrows;
		hy_batch_unref(b);
	}
	assert_int_equal(n, 3);
	assert_int_equal(sizes[0], 2);
	assert_int_equal(sizes[2], 1);
	assert_int_equal(hy_csv_reader_next_batch(r, 2, &b, &err), 0);
	assert_null(b);
	assert_int_equal(hy_csv_reader_next_batch(r, 0, &b, &err), HY_EINVAL);
	hy_csv_reader_close(r);
}

/* ---- fast path: windows, slices, exact values ---- */

/* Reads `text` with a block size, a pool (NULL = serial) and a batch size;
 * the dump as text (floats as %a, so equal dumps mean equal bits). */
static void cell_exact(const struct hy_column *col, int64_t row, char *out, size_t cap)
{
	if (!hy_column_is_null(col, row) && col->type.id == HY_FLOAT64)
		snprintf(out, cap, "%a", hy_column_get_f64(col, row));
	else
		cell(col, row, out, cap);
}

static int read_exact(const char *text, size_t len, size_t block, struct hy_pool *pool,
		      int64_t batch, char **out, struct hy_error *err)
{
	struct hy_csv_options o;
	struct hy_csv_reader *r = NULL;
	struct hy_batch *b;
	size_t cap = len * 4 + 4096, n = 0;
	int rc;

	hy_csv_options_init(&o);
	o.block_size = block;
	o.pool = pool;
	*out = malloc(cap);
	assert_non_null(*out);
	(*out)[0] = 0;
	rc = hy_csv_reader_open_mem(&r, text, len, "t.csv", &o, NULL, err);
	if (rc != 0)
		return rc;
	types_of(hy_csv_reader_schema(r), types, sizeof(types));
	n = (size_t)snprintf(*out, cap, "%s\n", types);
	while ((rc = hy_csv_reader_next_batch(r, batch, &b, err)) == 0 && b != NULL) {
		for (int64_t i = 0; i < b->nrows; i++) {
			for (size_t c = 0; c < hy_schema_nfields(b->schema); c++) {
				char v[256];

				cell_exact(b->cols[c], i, v, sizeof(v));
				assert_true(n + strlen(v) + 2 < cap);
				n += (size_t)snprintf(*out + n, cap - n, "%s%s", c ? "|" : "", v);
			}
			n += (size_t)snprintf(*out + n, cap - n, "\n");
		}
		hy_batch_unref(b);
	}
	hy_csv_reader_close(r);
	return rc;
}

/* A record, a quoted field (with a line break and a doubled quote inside), a
 * CRLF pair and multibyte UTF-8 split at every block boundary, on one thread
 * and on a pool: always the same rows. */
static void test_fast_block_boundaries(void **state)
{
	static const char text[] =
		"id,txt,f,ts\r\n"
		"1,\"multi\r\nline \"\"quoted\"\", with comma\",0.1,2024-01-01 00:00:01\r\n"
		"2,\xc3\xa6\xc3\xb8\xc3\xa5 \xf0\x9f\x98\x80,1e-3,2024-02-29T23:59:59\r\n"
		"\r\n"
		"3,,-2.5,\n"
		"4,\"\",0.14285714285714285,2024-12-31 12:00:00.5\r"
		"5,plain\"quote,3,1999-01-01 00:00:00\n"
		"\n"
		"6,last,7.0,2000-02-29 00:00:00";
	static const char want[] =
		"id:int64 txt:string f:float64 ts:timestamp[us]\n"
		"1|[multi\r\nline \"quoted\", with comma]|0x1.999999999999ap-4|1704067201000000\n"
		"2|[\xc3\xa6\xc3\xb8\xc3\xa5 \xf0\x9f\x98\x80]|0x1.0624dd2f1a9fcp-10|"
		"1709251199000000\n"
		"3|~|-0x1.4p+1|~\n"
		"4|[]|0x1.2492492492492p-3|1735646400500000\n"
		"5|[plain\"quote]|0x1.8p+1|915148800000000\n"
		"6|[last]|0x1.cp+2|951782400000000\n";
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 2, "t-csv", &err), 0);
	for (size_t bs = 1; bs <= 48; bs++)
		for (int par = 0; par < 2; par++)
			for (int64_t batch = 1; batch <= 7; batch += 3) {
				char *got;

				assert_int_equal(read_exact(text, sizeof(text) - 1, bs,
							    par ? pool : NULL, batch, &got, &err),
						 0);
				assert_string_equal(got, want);
				free(got);
			}
	hy_pool_destroy(pool);
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/* Random decimal text: 1..20 digits, a point anywhere, an exponent now and
 * then, leading zeros, signs. */
static size_t random_number(uint64_t *seed, char *out)
{
	size_t n = 0;
	unsigned digits = 1 + (unsigned)(lcg(seed) % 20),
		 point = (unsigned)(lcg(seed) % (digits + 1));

	if (lcg(seed) % 4 == 0)
		out[n++] = lcg(seed) % 2 ? '-' : '+';
	for (unsigned i = 0; i < digits; i++) {
		if (i == point && i > 0)
			out[n++] = '.';
		out[n++] = (char)('0' + (i == 0 && lcg(seed) % 5 == 0 ? 0 : lcg(seed) % 10));
	}
	if (lcg(seed) % 3 == 0)
		n += (size_t)sprintf(out + n, "e%d", (int)(lcg(seed) % 70) - 35);
	out[n] = 0;
	return n;
}

/* Every double read equals strtod's, bit for bit: the fast paths round
 * exactly (random texts, and cases at and next to halfway points). */
static void test_fast_doubles_round_like_strtod(void **state)
{
	static const char *const hard[] = {
		"9007199254740993",
		"9007199254740995",
		"9007199254740992.5",
		"0.1",
		"1e23",
		"8.589973e9",
		"2.2250738585072011e-308",
		"4.9e-324",
		"1.7976931348623157e308",
		"123456789012345678901234567890",
		"0.14285714285714285",
		"18446744073709551615",
		"1.8446744073709551615e-5",
		"9999999999999999999",
		"-0",
		"0.000",
		"5e-1",
		"2.5",
		"1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203124",
		"7.7e27",
		"4.4501477170144023e-308",
		"3.0000000000000004",
		"72057594037927945"};
	enum { N = 20000 };
	char *text = malloc(N * 48 + 4096);
	double *want = malloc(N * sizeof(double) + sizeof(hard));
	struct hy_fmt_override ov = {"f", "float64"};
	struct hy_csv_options o;
	struct hy_csv_reader *r = NULL;
	struct hy_error err = {0};
	struct hy_batch *b;
	uint64_t seed = 42;
	size_t n = 0, k = 0, nread = 0;

	(void)state;
	assert_non_null(text);
	assert_non_null(want);
	n += (size_t)sprintf(text, "f\n");
	for (size_t i = 0; i < sizeof(hard) / sizeof(hard[0]); i++) {
		want[k++] = strtod(hard[i], NULL);
		n += (size_t)sprintf(text + n, "%s\n", hard[i]);
	}
	for (size_t i = 0; i < N; i++) {
		char num[64];

		random_number(&seed, num);
		want[k++] = strtod(num, NULL);
		n += (size_t)sprintf(text + n, "%s\n", num);
	}
	hy_csv_options_init(&o);
	o.schema = &ov;
	o.n_schema = 1;
	assert_int_equal(hy_csv_reader_open_mem(&r, text, n, "t.csv", &o, NULL, &err), 0);
	while (hy_csv_reader_next_batch(r, 4096, &b, &err) == 0 && b != NULL) {
		for (int64_t i = 0; i < b->nrows; i++, nread++) {
			double got = hy_column_get_f64(b->cols[0], i);

			if (memcmp(&got, &want[nread], sizeof(got)) != 0)
				fail_msg("row %zu: got %a, strtod gives %a", nread + 2, got,
					 want[nread]);
		}
		hy_batch_unref(b);
	}
	assert_int_equal(err.code, 0);
	assert_int_equal(nread, k);
	hy_csv_reader_close(r);
	free(text);
	free(want);
}

/* A generated file with quoted fields, nulls, CRLF, blank lines and numbers
 * of every length: the values read match what was written, and a pool of any
 * size, any block size and any batch size give the same rows as one thread. */
static void test_fast_parallel_matches_serial(void **state)
{
	enum { N = 30000 };
	char *text = malloc((size_t)N * 128);
	char *serial = NULL;
	struct hy_error err = {0};
	uint64_t seed = 7;
	size_t n = 0;

	(void)state;
	assert_non_null(text);
	n += (size_t)sprintf(text, "id,name,x,ts,ok\n");
	for (int i = 0; i < N; i++) {
		char num[64];
		unsigned kind = (unsigned)(lcg(&seed) % 10);

		random_number(&seed, num);
		n += (size_t)sprintf(text + n, "%d,", i);
		if (kind == 0)
			n += (size_t)sprintf(text + n, "\"q,\"\"%d\"\"\nnext\"", i);
		else if (kind == 1)
			n += 0; /* null */
		else if (kind == 2)
			n += (size_t)sprintf(text + n, "\"\"");
		else
			n += (size_t)sprintf(text + n, "n\xc3\xa6me-%u", (unsigned)lcg(&seed));
		n += (size_t)sprintf(text + n, ",%s,2024-%02d-%02d %02d:%02d:%02d,%s%s", num,
				     1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60,
				     i % 3 ? "true" : "FALSE", i % 5 == 0 ? "\r\n" : "\n");
		if (i % 997 == 0)
			n += (size_t)sprintf(text + n, "\n");
	}
	text[n] = 0;
	assert_int_equal(read_exact(text, n, 0, NULL, 1000000, &serial, &err), 0);
	/* spot checks against what was written */
	if (strstr(serial, "id:int64 name:string x:float64 ts:timestamp[us] ok:bool\n0|") != serial)
		fail_msg("%.300s", serial);
	assert_non_null(strstr(serial, "\n29999|"));
	for (size_t threads = 1; threads <= 3; threads++) {
		struct hy_pool *pool = NULL;
		static const size_t blocks[] = {0, 4096, 37};
		static const int64_t batches[] = {1000000, 7777, 1000};

		assert_int_equal(hy_pool_create(&pool, threads, "t-csv", &err), 0);
		for (size_t k = 0; k < 3; k++) {
			char *got;

			assert_int_equal(
				read_exact(text, n, blocks[k], pool, batches[k], &got, &err), 0);
			assert_string_equal(got, serial);
			free(got);
		}
		hy_pool_destroy(pool);
	}
	free(serial);
	free(text);
}

/* Errors deep in a file (past the first window and slice) read exactly as
 * the row reader words them, serial or on a pool. */
static void test_fast_errors_deep(void **state)
{
	static const struct {
		const char *row;
		const char *msg;
	} cases[] = {
		{"x1,2\n", "t.csv:5002: column 'a' (field 1): cannot read 'x1' as int64 (set "
			   "format_options.schema for this column to read it as another type, e.g. "
			   "string)"},
		{"1,2,3\n", "t.csv:5002: expected 2 fields (as in the header), found 3"},
		{"1,\"2\n", "t.csv:5002:3: unterminated quoted field (the quote opened here is "
			    "never closed)"},
		{"1,\"2\"x\n", "t.csv:5002:6: unexpected 'x' after a closing quote (a quote "
			       "inside a quoted field is written as two quotes)"},
		{"x,y\n", "t.csv:10002: column 'b' (field 2): cannot read 'y' as int64 (set "
			  "format_options.schema for this column to read it as another type, e.g. "
			  "string)"},
	};
	struct hy_pool *pool = NULL;
	struct hy_error err = {0};
	char *text = malloc(5000 * 24 + 64);

	(void)state;
	assert_non_null(text);
	assert_int_equal(hy_pool_create(&pool, 2, "t-csv", &err), 0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t n = (size_t)sprintf(text, "a,b\n");

		for (int i = 0; i < 5000; i++)
			n += (size_t)sprintf(text + n, "%d,%d\n", i, -i);
		if (c == 4) /* quoted line breaks count as lines */
			n = (size_t)sprintf(text, "a,b\n");
		for (int i = 0; c == 4 && i < 5000; i++)
			n += (size_t)sprintf(text + n, "\"r\n%d\",%d\n", i, -i);
		n += (size_t)sprintf(text + n, "%s9,9\n", cases[c].row);
		for (int par = 0; par < 2; par++)
			for (size_t bs = 64; bs <= 1 << 16; bs *= 32) {
				char *got;

				hy_error_init(&err);
				assert_int_equal(read_exact(text, n, bs, par ? pool : NULL, 3000,
							    &got, &err),
						 HY_EFORMAT);
				assert_string_equal(err.msg, cases[c].msg);
				free(got);
			}
	}
	hy_pool_destroy(pool);
	free(text);
}

/* ---- writer ---- */

static char *write_to_text(const struct hy_batch *b, const struct hy_csv_options *o,
			   struct hy_error *err)
{
	char path[] = "/tmp/hy_csv_XXXXXX";
	int fd = mkstemp(path);
	struct hy_csv_writer *w;
	char *text = calloc(1, 1 << 20);
	ssize_t n;

	assert_true(fd >= 0);
	assert_int_equal(hy_csv_writer_open_fd(&w, fd, b->schema, o, err), 0);
	assert_int_equal(hy_csv_writer_write(w, b, err), 0);
	assert_int_equal(hy_csv_writer_finish(w, err), 0);
	hy_csv_writer_close(w);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, text, (1 << 20) - 1);
	assert_true(n >= 0);
	close(fd);
	unlink(path);
	return text;
}

static void test_writer_quoting_and_rendering(void **state)
{
	struct hy_error err = {0};
	struct hy_csv_reader *r;
	struct hy_batch *b;
	const char *in = "s,f,n\n\"a,b\",0.1,1\n\"q\"\"\",1e300,\n\"\",2.0,3\n"
			 "\"l\r\nf\",-0.0,4\n\" sp \",123456789.125,5\n";
	char *out;

	(void)state;
	assert_int_equal(hy_csv_reader_open_mem(&r, in, strlen(in), "t.csv", NULL, NULL, &err), 0);
	assert_int_equal(hy_csv_reader_next_batch(r, 100, &b, &err), 0);
	out = write_to_text(b, NULL, &err);
	assert_string_equal(out, "s,f,n\n\"a,b\",0.1,1\n\"q\"\"\",1e+300,\n\"\",2.0,3\n"
				 "\"l\r\nf\",-0.0,4\n sp ,123456789.125,5\n");
	free(out);
	/* quoting off: such values cannot be written */
	struct hy_csv_options o;
	struct hy_csv_writer *w;
	int fd = open("/dev/null", O_WRONLY);
	hy_csv_options_init(&o);
	o.quote_char = 0;
	assert_int_equal(hy_csv_writer_open_fd(&w, fd, b->schema, &o, &err), 0);
	assert_int_equal(hy_csv_writer_write(w, b, &err), HY_EINVAL);
	assert_non_null(strstr(err.msg, "format_options.quote_char is off"));
	hy_csv_writer_close(w);
	close(fd);
	hy_batch_unref(b);
	hy_csv_reader_close(r);
}

/* String/binary columns in dictionary form (the Parquet reader's
 * keep_dictionary output) are written as their values: the exact text of a
 * small batch, and the fixture batch written the same as in plain form. */
static void test_writer_dictionary_form(void **state)
{
	const char *in = "s,f,n\n\"a,b\",0.1,1\n\"q\"\"\",1e300,\n\"\",2.0,3\n"
			 "\"l\r\nf\",-0.0,4\n\" sp \",123456789.125,5\n,7,8\n";
	struct hy_error err = {0};
	struct hy_csv_reader *r;
	struct hy_batch *b, *d;
	char *out, *plain;

	(void)state;
	assert_int_equal(hy_csv_reader_open_mem(&r, in, strlen(in), "t.csv", NULL, NULL, &err), 0);
	assert_int_equal(hy_csv_reader_next_batch(r, 100, &b, &err), 0);
	d = dfx_batch(b);
	assert_int_equal(dfx_count(d), 1);
	out = write_to_text(d, NULL, &err);
	assert_string_equal(out, "s,f,n\n\"a,b\",0.1,1\n\"q\"\"\",1e+300,\n\"\",2.0,3\n"
				 "\"l\r\nf\",-0.0,4\n sp ,123456789.125,5\n,7.0,8\n");
	free(out);
	hy_batch_unref(d);
	hy_batch_unref(b);
	hy_csv_reader_close(r);

	assert_int_equal(fx_batch(0, FX_ROWS, &b, &err), 0);
	d = dfx_batch(b);
	assert_int_equal(dfx_count(d), 2);
	plain = write_to_text(b, NULL, &err);
	out = write_to_text(d, NULL, &err);
	assert_string_equal(out, plain);
	free(out);
	free(plain);
	hy_batch_unref(d);
	hy_batch_unref(b);
}

static void test_writer_fixture_round_trip(void **state)
{
	struct hy_fmt_override ov[FX_NCOLS];
	char tnames[FX_NCOLS][64];
	struct hy_error err = {0};
	struct hy_batch *b, *back;
	struct hy_csv_reader *r;
	struct hy_csv_options o;
	size_t nov = 0;
	char *text;

	(void)state;
	assert_int_equal(fx_batch(0, FX_ROWS, &b, &err), 0);
	text = write_to_text(b, NULL, &err);
	/* spot checks of the rendering: header, then row 0 and row 3 */
	assert_non_null(strstr(text, "n,b,i8,i16,i32,i64,u8,u16,u32,u64,f32,f64,dec9,dec38,str,bin,"
				     "fixed,uuid,date,time_ms,time_ns,ts_utc,ts_ns,dur\n"));
	assert_non_null(strstr(text, "\n,true,-90,-20000,-1,-5,0,0,0,18446744073709551615,0.0,-3.0,"
				     "-1000.00,-0.0000000007,\"\",0000ff,0001020304,"
				     "00010203-0405-0607-0809-0a0b0c0d0e0f,1920-09-20,00:00:00.000,"
				     "00:00:00.000000000,2023-11-14T22:13:20.000000+00:00,"
				     "1970-01-01T00:00:00.000000000,0\n"));
	assert_non_null(strstr(text, "\n,true,-75,-17000,299999,2999999999995,21,3000,300000000,"
				     "18446744073709551612,1.5,0.75,-629.65,"
				     "299999999999999999999.9999999993,v9,0300fc,0304050607,"));
	/* read back with the fixture's types as overrides */
	for (int c = 0; c < FX_NCOLS; c++) {
		struct hy_dtype t = fx_type(c);

		if (c == FX_NULL || c == FX_BIN || c == FX_FIXED || c == FX_UUID || c == FX_DUR)
			continue;
		hy_dtype_format(&t, tnames[c], sizeof(tnames[c]));
		ov[nov].column = fx_names[c];
		ov[nov++].type = tnames[c];
	}
	hy_csv_options_init(&o);
	o.schema = ov;
	o.n_schema = nov;
	assert_int_equal(hy_csv_reader_open_mem(&r, text, strlen(text), "fx.csv", &o, NULL, &err),
			 0);
	assert_int_equal(hy_csv_reader_next_batch(r, 1000, &back, &err), 0);
	assert_int_equal(back->nrows, FX_ROWS);
	for (int c = 0; c < FX_NCOLS; c++) {
		if (c == FX_NULL || c == FX_BIN || c == FX_FIXED || c == FX_UUID || c == FX_DUR)
			continue;
		for (int64_t i = 0; i < FX_ROWS; i++)
			fx_check_value(back->cols[c], c, i, i);
	}
	assert_int_equal(hy_column_null_count(back->cols[FX_NULL]), FX_ROWS);
	hy_batch_unref(back);
	hy_csv_reader_close(r);
	free(text);
	hy_batch_unref(b);
}

static void test_writer_header_only_and_path(void **state)
{
	char path[] = "/tmp/hy_csvw_XXXXXX";
	struct hy_error err = {0};
	struct hy_csv_writer *w;
	struct hy_batch *b;
	struct hy_csv_reader *r;
	int fd = mkstemp(path);

	(void)state;
	close(fd);
	assert_int_equal(fx_batch(0, 0, &b, &err), 0);
	assert_int_equal(hy_csv_writer_open(&w, path, b->schema, NULL, &err), 0);
	assert_int_equal(hy_csv_writer_finish(w, &err), 0);
	hy_csv_writer_close(w);
	assert_int_equal(hy_csv_reader_open(&r, path, NULL, &err), 0);
	assert_int_equal(hy_schema_nfields(hy_csv_reader_schema(r)), FX_NCOLS);
	hy_csv_reader_close(r);
	unlink(path);
	assert_int_equal(hy_csv_writer_open(&w, "/nonexistent/dir/x.csv", b->schema, NULL, &err),
			 HY_EIO);
	hy_batch_unref(b);
}

/* ---- failure injection ---- */

static int open_read_all(const char *path, const struct hy_csv_options *o, struct hy_error *err)
{
	struct hy_csv_reader *r = NULL;
	struct hy_batch *b = NULL;
	int rc = hy_csv_reader_open(&r, path, o, err);

	while (rc == 0 && (rc = hy_csv_reader_next_batch(r, 2, &b, err)) == 0 && b != NULL)
		hy_batch_unref(b);
	hy_csv_reader_close(r);
	return rc;
}

static int alloc_infer_csv(void)
{
	static const char *const nulls[] = {"NA"};
	static const struct hy_fmt_override ov[] = {{"tsz", "timestamp[ms, UTC]"}};
	struct hy_error err = {0};
	struct hy_csv_options o;

	hy_csv_options_init(&o);
	o.null_values = nulls;
	o.n_null_values = 1;
	o.schema = ov;
	o.n_schema = 1;
	o.block_size = 7;
	return open_read_all(DATA "infer.csv", &o, &err);
}

static int alloc_rfc_csv(void)
{
	struct hy_error err = {0};

	return open_read_all(DATA "rfc4180.csv", NULL, &err);
}

static int alloc_multi(void)
{
	struct hy_error err = {0};
	struct hy_schema *s = NULL;
	const char *paths[] = {DATA "multi_a.csv", DATA "multi_b.csv"};
	int rc = hy_csv_infer_schema(paths, 2, NULL, &s, &err);

	hy_schema_unref(s);
	return rc;
}

static int alloc_writer(void)
{
	struct hy_error err = {0};
	struct hy_batch *b = NULL;
	struct hy_csv_writer *w = NULL;
	int fd = open("/dev/null", O_WRONLY);
	int rc = fx_batch(0, 5, &b, &err);

	if (rc == 0)
		rc = hy_csv_writer_open_fd(&w, fd, b->schema, NULL, &err);
	if (rc == 0)
		rc = hy_csv_writer_write(w, b, &err);
	if (rc == 0)
		rc = hy_csv_writer_finish(w, &err);
	hy_csv_writer_close(w);
	hy_batch_unref(b);
	close(fd);
	return rc;
}

static void test_alloc_failures(void **state)
{
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = alloc_infer_csv());
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = alloc_rfc_csv());
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = alloc_multi());
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = alloc_writer());
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_writer_dictionary_form),
	cmocka_unit_test(test_rfc4180_cases),
	cmocka_unit_test(test_bom_crlf_and_no_final_newline),
	cmocka_unit_test(test_block_boundaries),
	cmocka_unit_test(test_line_endings_and_blank_lines),
	cmocka_unit_test(test_partial_bom_and_header_checks),
	cmocka_unit_test(test_inference_table),
	cmocka_unit_test(test_inference_rows_limit_and_late_value),
	cmocka_unit_test(test_schema_overrides),
	cmocka_unit_test(test_type_names),
	cmocka_unit_test(test_null_values_and_quoted_empty),
	cmocka_unit_test(test_separator_and_quote_options),
	cmocka_unit_test(test_header_names),
	cmocka_unit_test(test_empty_and_header_only),
	cmocka_unit_test(test_ragged_rows),
	cmocka_unit_test(test_quote_errors),
	cmocka_unit_test(test_encoding),
	cmocka_unit_test(test_caps),
	cmocka_unit_test(test_multi_file_schema),
	cmocka_unit_test(test_batches_split),
	cmocka_unit_test(test_fast_block_boundaries),
	cmocka_unit_test(test_fast_doubles_round_like_strtod),
	cmocka_unit_test(test_fast_parallel_matches_serial),
	cmocka_unit_test(test_fast_errors_deep),
	cmocka_unit_test(test_writer_quoting_and_rendering),
	cmocka_unit_test(test_writer_fixture_round_trip),
	cmocka_unit_test(test_writer_header_only_and_path),
	cmocka_unit_test(test_alloc_failures),
};
HY_TEST_MAIN(tests)
