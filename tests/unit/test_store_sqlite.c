/* The SQLite destination engine (store_sqlite.c): every type written and read
 * back with libsqlite3 directly, both run types, atomic publish seen from a
 * second connection, abort, schema evolution, conflicts, locked and read-only
 * databases, and allocation failures. Databases live in mkdtemp directories
 * under /tmp. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dict_fixture.h"
#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/cfgtypes.h"
#include "hygge/store.h"
#include "hygge/store_sqlite.h"

/* ---- temp dirs ---- */

static char tmp_root[64];

static const char *tmp_dir(void)
{
	strcpy(tmp_root, "/tmp/hygge-sqlite-XXXXXX");
	assert_non_null(mkdtemp(tmp_root));
	return tmp_root;
}

static void rm_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
	assert_int_equal(system(cmd), 0);
}

static char *path_in(const char *dir, const char *name)
{
	static char buf[4][256];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

/* ---- batches ---- */

static struct hy_column *finish_col(struct hy_builder *b)
{
	struct hy_column *col = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_finish(b, &col, &err), 0);
	hy_builder_destroy(b);
	return col;
}

static struct hy_builder *new_builder(struct hy_dtype t)
{
	struct hy_builder *b = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	return b;
}

/* A batch of `n` columns (all nullable); takes the caller's column refs. */
static struct hy_batch *batch_of(size_t n, const char *const *names, struct hy_column **cols)
{
	struct hy_field f[64] = {0};
	struct hy_schema *schema = NULL;
	struct hy_batch *batch = NULL;
	struct hy_error err = {0};

	for (size_t i = 0; i < n; i++) {
		f[i].name = (char *)names[i];
		f[i].type = cols[i]->type;
		f[i].nullable = true;
	}
	assert_int_equal(hy_schema_create(f, n, &schema, &err), 0);
	assert_int_equal(hy_batch_create(schema, cols, cols[0]->length, &batch, &err), 0);
	for (size_t i = 0; i < n; i++)
		hy_column_unref(cols[i]);
	hy_schema_unref(schema);
	return batch;
}

/* Columns id int64 = first.., name string "r<id>", and optionally extra
 * (int64 = id * 10). */
static struct hy_batch *rows_batch(int64_t first, int64_t n, bool extra)
{
	static const char *const names[] = {"id", "name", "extra"};
	struct hy_builder *b[3];
	struct hy_column *cols[3];
	struct hy_error err = {0};
	char text[32];

	b[0] = new_builder(hy_dtype_simple(HY_INT64));
	b[1] = new_builder(hy_dtype_simple(HY_STRING));
	b[2] = new_builder(hy_dtype_simple(HY_INT64));
	for (int64_t i = first; i < first + n; i++) {
		int len = snprintf(text, sizeof(text), "r%lld", (long long)i);

		assert_int_equal(hy_builder_append_i64(b[0], i, &err), 0);
		assert_int_equal(hy_builder_append_str(b[1], text, (size_t)len, &err), 0);
		assert_int_equal(hy_builder_append_i64(b[2], i * 10, &err), 0);
	}
	for (int c = 0; c < 3; c++)
		cols[c] = finish_col(b[c]);
	if (!extra)
		hy_column_unref(cols[2]);
	return batch_of(extra ? 3 : 2, names, cols);
}

/* One column `name` of `type` holding the string values (a conflict test). */
static struct hy_batch *one_string_col(const char *name, const char *value)
{
	struct hy_builder *b = new_builder(hy_dtype_simple(HY_STRING));
	struct hy_column *col;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_append_str(b, value, strlen(value), &err), 0);
	col = finish_col(b);
	return batch_of(1, &name, &col);
}

/* ---- reading back with libsqlite3 ---- */

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

/* First column of the first row as text ("(null)" for NULL, "(none)" when
 * there is no row); the buffer is reused by the next call. */
static const char *q1(sqlite3 *db, const char *sql)
{
	static char out[4][1024];
	static int next;
	char *buf = out[next++ % 4];
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(buf, 1024, "%s", t ? (const char *)t : "(null)");
	} else if (rc == SQLITE_DONE) {
		strcpy(buf, "(none)");
	} else {
		fail_msg("step %s: %s", sql, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return buf;
}

static long long qint(sqlite3 *db, const char *sql)
{
	return atoll(q1(db, sql));
}

static long long count_rows(const char *path, const char *table)
{
	sqlite3 *db = db_open(path);
	char sql[256];
	long long n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	n = qint(db, sql);
	sqlite3_close(db);
	return n;
}

static bool table_exists(const char *path, const char *table)
{
	sqlite3 *db = db_open(path);
	char sql[256];
	long long n;

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'", table);
	n = qint(db, sql);
	sqlite3_close(db);
	return n == 1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- running the sink ---- */

static char warnings[4096];

static void capture_warning(void *ctx, const char *message)
{
	(void)ctx;
	strncat(warnings, message, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

static struct hy_sqlite_sink_config config(const char *path, const char *table,
					   enum hy_sqlite_run_type run_type)
{
	warnings[0] = 0;
	return (struct hy_sqlite_sink_config){.path = path,
					      .table = table,
					      .run_type = run_type,
					      .busy_timeout_ms = 100,
					      .warn = capture_warning};
}

/* open, write each batch, finish, close; on failure abort and close. Takes
 * the batches' references. */
static int run(const char *path, const char *table, enum hy_sqlite_run_type run_type,
	       struct hy_batch **batches, size_t n, struct hy_error *err)
{
	struct hy_sqlite_sink_config c = config(path, table, run_type);
	struct hy_sqlite_sink *s = NULL;
	int rc = hy_sqlite_sink_open(&s, &c, err);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = hy_sqlite_sink_write(s, batches[i], err);
	if (rc == 0)
		rc = hy_sqlite_sink_finish(s, err);
	if (rc != 0)
		hy_sqlite_sink_abort(s);
	hy_sqlite_sink_close(s);
	for (size_t i = 0; i < n; i++)
		hy_batch_unref(batches[i]);
	return rc;
}

static void run_ok(const char *path, const char *table, enum hy_sqlite_run_type run_type,
		   struct hy_batch **batches, size_t n)
{
	struct hy_error err = {0};

	if (run(path, table, run_type, batches, n, &err) != 0)
		fail_msg("run failed: %s", err.msg);
}

/* ---- every type ---- */

enum {
	C_NULL,
	C_BOOL,
	C_I8,
	C_I64,
	C_U32,
	C_U64,
	C_F32,
	C_F64,
	C_DEC9,
	C_DEC38,
	C_DEC0,
	C_STR,
	C_DICT,
	C_BIN,
	C_FIXED,
	C_UUID,
	C_DATE,
	C_TIME_S,
	C_TIME_MS,
	C_TIME_NS,
	C_TS_US,
	C_TS_UTC_MS,
	C_TS_S,
	C_TS_NS_TZ,
	C_DUR,
	C_COUNT
};

static const char *const type_names[C_COUNT] = {
	"n",       "b",       "i8",    "i64",       "u32",  "u64",      "f32",  "f64",  "dec9",
	"dec38",   "dec0",    "str",   "dict",      "bin",  "fixed",    "uuid", "date", "time_s",
	"time_ms", "time_ns", "ts_us", "ts_utc_ms", "ts_s", "ts_ns_tz", "dur"};

/* Declared type each column gets, in column order. */
static const char *const type_decls[C_COUNT] = {
	"",     "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "REAL",   "REAL", "TEXT",
	"TEXT", "TEXT",    "TEXT",    "TEXT",    "BLOB",    "BLOB",    "TEXT",   "TEXT", "TEXT",
	"TEXT", "TEXT",    "TEXT",    "TEXT",    "TEXT",    "TEXT",    "INTEGER"};

/* Expected typeof(x) || ' ' || quote(x) for rows 1..3 (row 3 is null in every
 * nullable column, except where a value says otherwise). */
static const char *const type_expect[C_COUNT][3] = {
	[C_NULL] = {"null NULL", "null NULL", "null NULL"},
	[C_BOOL] = {"integer 1", "integer 0", "null NULL"},
	[C_I8] = {"integer -128", "integer 127", "null NULL"},
	[C_I64] = {"integer -9223372036854775808", "integer 9223372036854775807", "null NULL"},
	[C_U32] = {"integer 4294967295", "integer 0", "null NULL"},
	[C_U64] = {"integer 9223372036854775807", "integer 0", "null NULL"},
	[C_F32] = {"real 1.5", "real -0.25", "null NULL"},
	[C_F64] = {"real 1.0e+300", "real -2.5", "null NULL"}, /* row 3: NaN */
	[C_DEC9] = {"text '123.45'", "text '-0.05'", "null NULL"},
	[C_DEC38] = {"text '-9999999999999999999999999999.9999999999'", "text '0.0000000001'",
		     "null NULL"},
	[C_DEC0] = {"text '42'", "text '-7'", "null NULL"},
	[C_STR] = {"text 'h''é \"x\"'", "text ''", "null NULL"},
	[C_DICT] = {"text 'blue'", "text 'red'", "text 'blue'"},
	[C_BIN] = {"blob X'00FF01'", "blob X''", "null NULL"},
	[C_FIXED] = {"blob X'616263'", "blob X'000000'", "null NULL"},
	[C_UUID] = {"text '00112233-4455-6677-8899-aabbccddeeff'",
		    "text '00000000-0000-0000-0000-000000000000'", "null NULL"},
	[C_DATE] = {"text '1970-01-01'", "text '1969-12-31'", "null NULL"},
	[C_TIME_S] = {"text '01:01:01'", "text '00:00:00'", "null NULL"},
	[C_TIME_MS] = {"text '23:59:59.999'", "text '00:00:00.000'", "null NULL"},
	[C_TIME_NS] = {"text '00:00:00.000000001'", "text '12:34:56.789012345'", "null NULL"},
	[C_TS_US] = {"text '1970-01-01T00:00:00.000000'", "text '1969-12-31T23:59:59.999999'",
		     "null NULL"},
	[C_TS_UTC_MS] = {"text '2023-11-14T22:13:20.123+00:00'",
			 "text '0001-01-01T00:00:00.000+00:00'", "null NULL"},
	[C_TS_S] = {"text '9999-12-31T23:59:59'", "text '2000-02-29T12:00:00'", "null NULL"},
	[C_TS_NS_TZ] = {"text '2262-04-11T23:47:16.854775807+00:00'",
			"text '1677-09-21T00:12:43.145224192+00:00'", "null NULL"},
	[C_DUR] = {"integer -5", "integer 86400000", "null NULL"},
};

static struct hy_dtype type_of(int c)
{
	struct hy_dtype t = {0};
	struct hy_error err = {0};

	switch (c) {
	case C_NULL: return hy_dtype_simple(HY_NULL);
	case C_BOOL: return hy_dtype_simple(HY_BOOL);
	case C_I8: return hy_dtype_simple(HY_INT8);
	case C_I64: return hy_dtype_simple(HY_INT64);
	case C_U32: return hy_dtype_simple(HY_UINT32);
	case C_U64: return hy_dtype_simple(HY_UINT64);
	case C_F32: return hy_dtype_simple(HY_FLOAT32);
	case C_F64: return hy_dtype_simple(HY_FLOAT64);
	case C_DEC9: assert_int_equal(hy_dtype_decimal(9, 2, &t, &err), 0); return t;
	case C_DEC38: assert_int_equal(hy_dtype_decimal(38, 10, &t, &err), 0); return t;
	case C_DEC0: assert_int_equal(hy_dtype_decimal(5, 0, &t, &err), 0); return t;
	case C_STR:
	case C_DICT: return hy_dtype_simple(HY_STRING);
	case C_BIN: return hy_dtype_simple(HY_BINARY);
	case C_FIXED: assert_int_equal(hy_dtype_fixed_binary(3, &t, &err), 0); return t;
	case C_UUID: return hy_dtype_simple(HY_UUID);
	case C_DATE: return hy_dtype_simple(HY_DATE);
	case C_TIME_S: assert_int_equal(hy_dtype_time(HY_UNIT_SECOND, &t, &err), 0); return t;
	case C_TIME_MS: assert_int_equal(hy_dtype_time(HY_UNIT_MILLI, &t, &err), 0); return t;
	case C_TIME_NS: assert_int_equal(hy_dtype_time(HY_UNIT_NANO, &t, &err), 0); return t;
	case C_TS_US:
		assert_int_equal(hy_dtype_timestamp(HY_UNIT_MICRO, NULL, &t, &err), 0);
		return t;
	case C_TS_UTC_MS:
		assert_int_equal(hy_dtype_timestamp(HY_UNIT_MILLI, "UTC", &t, &err), 0);
		return t;
	case C_TS_S:
		assert_int_equal(hy_dtype_timestamp(HY_UNIT_SECOND, NULL, &t, &err), 0);
		return t;
	case C_TS_NS_TZ:
		assert_int_equal(hy_dtype_timestamp(HY_UNIT_NANO, "Europe/Oslo", &t, &err), 0);
		return t;
	default: assert_int_equal(hy_dtype_duration(HY_UNIT_MILLI, &t, &err), 0); return t;
	}
}

static hy_i128 pow10_i128(int n)
{
	hy_i128 p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* Appends row r (0..2) of column c; row 2 is null except for the all-NaN
 * float and the dictionary column. */
static void append_value(struct hy_builder *b, int c, int r)
{
	static const uint8_t uuid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	static const uint8_t zero[16];
	struct hy_error err = {0};
	int rc;

	if (r == 2 && c != C_F64) {
		assert_int_equal(hy_builder_append_null(b, &err), 0);
		return;
	}
	switch (c) {
	case C_NULL: rc = hy_builder_append_null(b, &err); break;
	case C_BOOL: rc = hy_builder_append_bool(b, r == 0, &err); break;
	case C_I8: rc = hy_builder_append_i64(b, r == 0 ? -128 : 127, &err); break;
	case C_I64: rc = hy_builder_append_i64(b, r == 0 ? INT64_MIN : INT64_MAX, &err); break;
	case C_U32: rc = hy_builder_append_u64(b, r == 0 ? UINT32_MAX : 0, &err); break;
	case C_U64: rc = hy_builder_append_u64(b, r == 0 ? (uint64_t)INT64_MAX : 0, &err); break;
	case C_F32: rc = hy_builder_append_f64(b, r == 0 ? 1.5 : -0.25, &err); break;
	case C_F64:
		rc = hy_builder_append_f64(b, r == 0 ? 1e300 : r == 1 ? -2.5 : NAN, &err);
		break;
	case C_DEC9: rc = hy_builder_append_i64(b, r == 0 ? 12345 : -5, &err); break;
	case C_DEC38:
		rc = hy_builder_append_decimal128(b, r == 0 ? -(pow10_i128(38) - 1) : 1, &err);
		break;
	case C_DEC0: rc = hy_builder_append_i64(b, r == 0 ? 42 : -7, &err); break;
	case C_STR:
		rc = r == 0 ? hy_builder_append_str(b, "h'é \"x\"", strlen("h'é \"x\""), &err)
			    : hy_builder_append_str(b, "", 0, &err);
		break;
	case C_BIN: rc = hy_builder_append_str(b, "\x00\xff\x01", r == 0 ? 3 : 0, &err); break;
	case C_FIXED: rc = hy_builder_append_str(b, r == 0 ? "abc" : "\0\0\0", 3, &err); break;
	case C_UUID: rc = hy_builder_append_str(b, r == 0 ? uuid : zero, 16, &err); break;
	case C_DATE: rc = hy_builder_append_i64(b, r == 0 ? 0 : -1, &err); break;
	case C_TIME_S: rc = hy_builder_append_i64(b, r == 0 ? 3661 : 0, &err); break;
	case C_TIME_MS: rc = hy_builder_append_i64(b, r == 0 ? 86399999 : 0, &err); break;
	case C_TIME_NS: rc = hy_builder_append_i64(b, r == 0 ? 1 : 45296789012345LL, &err); break;
	case C_TS_US: rc = hy_builder_append_i64(b, r == 0 ? 0 : -1, &err); break;
	case C_TS_UTC_MS:
		rc = hy_builder_append_i64(b, r == 0 ? 1700000000123LL : -62135596800000LL, &err);
		break;
	case C_TS_S:
		rc = hy_builder_append_i64(b, r == 0 ? 253402300799LL : 951825600, &err);
		break;
	case C_TS_NS_TZ: rc = hy_builder_append_i64(b, r == 0 ? INT64_MAX : INT64_MIN, &err); break;
	default: rc = hy_builder_append_i64(b, r == 0 ? -5 : 86400000, &err); break;
	}
	if (rc != 0)
		fail_msg("column %s row %d: %s", type_names[c], r, err.msg);
}

/* The dictionary column: rows blue, red, blue (no nulls). */
static struct hy_column *dict_column(void)
{
	struct hy_builder *ib = new_builder(hy_dtype_simple(HY_INT32));
	struct hy_builder *db = new_builder(hy_dtype_simple(HY_STRING));
	struct hy_column *idx, *dict, *out = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_append_str(db, "red", 3, &err), 0);
	assert_int_equal(hy_builder_append_str(db, "blue", 4, &err), 0);
	for (int r = 0; r < 3; r++)
		assert_int_equal(hy_builder_append_i64(ib, r == 1 ? 0 : 1, &err), 0);
	idx = finish_col(ib);
	dict = finish_col(db);
	assert_int_equal(hy_column_create_dictionary(idx, dict, &out, &err), 0);
	assert_non_null(out->dictionary);
	hy_column_unref(idx);
	hy_column_unref(dict);
	return out;
}

static struct hy_batch *all_types_batch(void)
{
	struct hy_column *cols[C_COUNT];

	for (int c = 0; c < C_COUNT; c++) {
		struct hy_builder *b;

		if (c == C_DICT) {
			cols[c] = dict_column();
			continue;
		}
		b = new_builder(type_of(c));
		for (int r = 0; r < 3; r++)
			append_value(b, c, r);
		cols[c] = finish_col(b);
	}
	return batch_of(C_COUNT, type_names, cols);
}

#define COPIES 12 /* 36 rows: one 32-row INSERT, then 4 single-row ones */

static void test_every_type_reads_back(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "types.db");
	struct hy_batch *copies[COPIES], *batch = NULL;
	struct hy_error err = {0};
	sqlite3 *db;
	char sql[256];

	(void)state;
	for (int i = 0; i < COPIES; i++)
		copies[i] = all_types_batch();
	assert_int_equal(hy_batch_concat(copies, COPIES, &batch, &err), 0);
	for (int i = 0; i < COPIES; i++)
		hy_batch_unref(copies[i]);
	run_ok(path, "types", HY_SQLITE_FULL_DROP, &batch, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) FROM types"), "36");
	for (int c = 0; c < C_COUNT; c++) {
		snprintf(sql, sizeof(sql),
			 "SELECT type FROM pragma_table_info('types') WHERE name = '%s'",
			 type_names[c]);
		if (strcmp(q1(db, sql), type_decls[c]) != 0)
			fail_msg("column %s declared '%s', want '%s'", type_names[c], q1(db, sql),
				 type_decls[c]);
		for (int r = 0; r < 3 * COPIES; r++) {
			const char *got;

			snprintf(sql, sizeof(sql),
				 "SELECT typeof(\"%s\") || ' ' || quote(\"%s\") FROM types "
				 "WHERE rowid = %d",
				 type_names[c], type_names[c], r + 1);
			got = q1(db, sql);
			if (strcmp(got, type_expect[c][r % 3]) != 0)
				fail_msg("column %s row %d: got [%s], want [%s]", type_names[c], r,
					 got, type_expect[c][r % 3]);
		}
	}
	/* The text forms are what SQLite's own date functions read. */
	assert_string_equal(q1(db, "SELECT date(ts_utc_ms) FROM types WHERE rowid = 1"),
			    "2023-11-14");
	assert_string_equal(q1(db, "SELECT time(time_ms) FROM types WHERE rowid = 1"), "23:59:59");
	assert_string_equal(q1(db, "SELECT sum(dec9) FROM types WHERE rowid <= 3"), "123.4");
	sqlite3_close(db);
	rm_tree(dir);
}

/* String and binary columns in dictionary form (the Parquet reader's
 * keep_dictionary output), not concatenated first: bound as their values. */
static void test_dictionary_form_binds(void **state)
{
	static const char *const names[] = {"s", "b"};
	static const char *const sv[] = {"red", NULL, "", "blue", "red"};
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "dict.db");
	struct hy_builder *sb = new_builder(hy_dtype_simple(HY_STRING));
	struct hy_builder *bb = new_builder(hy_dtype_simple(HY_BINARY));
	struct hy_column *cols[2];
	struct hy_batch *plain, *batch;
	struct hy_error err = {0};
	sqlite3 *db;

	(void)state;
	for (int r = 0; r < 5; r++) {
		uint8_t raw[2] = {0x00, (uint8_t)(0xf0 + r % 2)};

		assert_int_equal(sv[r] == NULL
					 ? hy_builder_append_null(sb, &err)
					 : hy_builder_append_str(sb, sv[r], strlen(sv[r]), &err),
				 0);
		assert_int_equal(r == 3 ? hy_builder_append_null(bb, &err)
					: hy_builder_append_str(bb, raw, 2, &err),
				 0);
	}
	cols[0] = finish_col(sb);
	cols[1] = finish_col(bb);
	plain = batch_of(2, names, cols);
	batch = dfx_batch(plain);
	assert_int_equal(dfx_count(batch), 2);
	run_ok(path, "d", HY_SQLITE_FULL_DROP, &batch, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT group_concat(typeof(s) || ':' || quote(s), ',') FROM "
				   "(SELECT s FROM d ORDER BY rowid)"),
			    "text:'red',null:NULL,text:'',text:'blue',text:'red'");
	assert_string_equal(q1(db, "SELECT group_concat(quote(b), ',') FROM "
				   "(SELECT b FROM d ORDER BY rowid)"),
			    "X'00F0',X'00F1',X'00F0',NULL,X'00F0'");
	sqlite3_close(db);
	hy_batch_unref(plain); /* run() took `batch` */
	rm_tree(dir);
}

static void test_uint64_above_int64_max_is_an_error(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "u.db");
	const char *name = "big";
	struct hy_builder *b = new_builder(hy_dtype_simple(HY_UINT64));
	struct hy_column *col;
	struct hy_batch *batch;
	struct hy_error err = {0};

	(void)state;
	/* Row 5 falls in the first 32-row group: the error still names it. */
	for (int i = 0; i < 40; i++)
		assert_int_equal(hy_builder_append_u64(b, i == 5 ? UINT64_MAX : 1, &err), 0);
	col = finish_col(b);
	batch = batch_of(1, &name, &col);
	assert_int_equal(run(path, "t", HY_SQLITE_INCREMENTAL, &batch, 1, &err), HY_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "column \"big\" row 5: 18446744073709551615 does not fit"));
	assert_non_null(strstr(err.msg, path));
	assert_false(table_exists(path, "t"));
	rm_tree(dir);
}

static void test_date_out_of_range_is_an_error(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "d.db");
	const char *name = "d";
	struct hy_builder *b = new_builder(hy_dtype_simple(HY_DATE));
	struct hy_column *col;
	struct hy_batch *batch;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_builder_append_i64(b, -800000, &err), 0); /* before year 1 */
	col = finish_col(b);
	batch = batch_of(1, &name, &col);
	assert_int_equal(run(path, "t", HY_SQLITE_INCREMENTAL, &batch, 1, &err), HY_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "column \"d\" row 0: date outside years 1..9999"));
	rm_tree(dir);
}

/* The same rows as a slice that starts mid-byte of every bitmap (row 5):
 * each column is read at an offset, through two 32-row statements and a
 * remainder of three single rows. */
static void test_every_type_from_a_slice(void **state)
{
	enum { N = 24 }; /* 72 rows; the slice keeps 67 */
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "slice.db");
	struct hy_batch *copies[N], *whole = NULL, *batch = NULL;
	struct hy_error err = {0};
	sqlite3 *db;
	char sql[256];

	(void)state;
	for (int i = 0; i < N; i++)
		copies[i] = all_types_batch();
	assert_int_equal(hy_batch_concat(copies, N, &whole, &err), 0);
	for (int i = 0; i < N; i++)
		hy_batch_unref(copies[i]);
	assert_int_equal(hy_batch_slice(whole, 5, 3 * N - 5, &batch, &err), 0);
	hy_batch_unref(whole);
	run_ok(path, "types", HY_SQLITE_INCREMENTAL, &batch, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) FROM types"), "67");
	for (int c = 0; c < C_COUNT; c++) {
		for (int r = 0; r < 3 * N - 5; r++) {
			const char *got;

			snprintf(sql, sizeof(sql),
				 "SELECT typeof(\"%s\") || ' ' || quote(\"%s\") FROM types "
				 "WHERE rowid = %d",
				 type_names[c], type_names[c], r + 1);
			got = q1(db, sql);
			if (strcmp(got, type_expect[c][(r + 5) % 3]) != 0)
				fail_msg("column %s row %d: got [%s], want [%s]", type_names[c], r,
					 got, type_expect[c][(r + 5) % 3]);
		}
	}
	sqlite3_close(db);
	rm_tree(dir);
}

/* A string and a binary column in dictionary form (int32 indices into a
 * dictionary that is itself a slice), with nulls, sliced again: the engine
 * binds the dictionary entry's bytes for 70 rows (two 32-row statements and
 * six single rows). */
static struct hy_column *dict_form(enum hy_type_id id, int rows, int null_every)
{
	static const char *const words[] = {"skipped", "", "red", "a longer value, with 'quotes'"};
	struct hy_builder *ib = new_builder(hy_dtype_simple(HY_INT32));
	struct hy_builder *db = new_builder(hy_dtype_simple(id));
	struct hy_column *idx, *dict, *dict_slice = NULL, *out = NULL;
	struct hy_error err = {0};

	for (int w = 0; w < 4; w++)
		assert_int_equal(hy_builder_append_str(db, words[w], strlen(words[w]), &err), 0);
	for (int r = 0; r < rows; r++) {
		if (r % null_every == null_every - 1)
			assert_int_equal(hy_builder_append_null(ib, &err), 0);
		else
			assert_int_equal(hy_builder_append_i64(ib, (r * 7) % 3, &err), 0);
	}
	idx = finish_col(ib);
	dict = finish_col(db);
	assert_int_equal(hy_column_slice(dict, 1, 3, &dict_slice, &err), 0);
	assert_int_equal(hy_column_create_dictionary(idx, dict_slice, &out, &err), 0);
	assert_non_null(out->dictionary);
	hy_column_unref(idx);
	hy_column_unref(dict);
	hy_column_unref(dict_slice);
	return out;
}

static void test_dictionary_columns_bind_the_entries(void **state)
{
	static const char *const names[] = {"s", "b"};
	static const char *const text[] = {"''", "'red'", "'a longer value, with ''quotes'''"};
	static const char *const blob[] = {
		"X''", "X'726564'", "X'61206C6F6E6765722076616C75652C2077697468202771756F7465732'"};
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "dict.db");
	struct hy_column *cols[2] = {dict_form(HY_STRING, 73, 5), dict_form(HY_BINARY, 73, 4)};
	struct hy_batch *whole = batch_of(2, names, cols), *batch = NULL;
	struct hy_error err = {0};
	sqlite3 *db;
	char sql[128];

	(void)state;
	assert_int_equal(hy_batch_slice(whole, 3, 70, &batch, &err), 0);
	hy_batch_unref(whole);
	run_ok(path, "d", HY_SQLITE_FULL_DROP, &batch, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) FROM d"), "70");
	for (int r = 0; r < 70; r++) {
		int row = r + 3; /* row of the unsliced columns */
		char want[160];

		snprintf(sql, sizeof(sql), "SELECT quote(s) FROM d WHERE rowid = %d", r + 1);
		snprintf(want, sizeof(want), "%s", row % 5 == 4 ? "NULL" : text[(row * 7) % 3]);
		assert_string_equal(q1(db, sql), want);
		snprintf(sql, sizeof(sql), "SELECT quote(b) FROM d WHERE rowid = %d", r + 1);
		/* the long blob's hex is checked in full by SQLite's own hex() */
		snprintf(want, sizeof(want), "%s", row % 4 == 3 ? "NULL" : blob[(row * 7) % 3]);
		if ((row * 7) % 3 == 2 && row % 4 != 3) {
			snprintf(sql, sizeof(sql),
				 "SELECT CAST(b AS TEXT) = 'a longer value, with ''quotes''' AND "
				 "typeof(b) = 'blob' FROM d WHERE rowid = %d",
				 r + 1);
			assert_string_equal(q1(db, sql), "1");
		} else {
			assert_string_equal(q1(db, sql), want);
		}
	}
	sqlite3_close(db);
	rm_tree(dir);
}

/* Dates and timestamps go through a one-day cache: runs of one day, days
 * that come back, days before 1970 and around leap days must all render as
 * SQLite's own date functions render the same instants. */
static void test_dates_and_timestamps_match_sqlite(void **state)
{
	static const char *const names[] = {"secs", "us", "day", "ts_s", "ts_us", "d"};
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "ts.db");
	struct hy_builder *b[6];
	struct hy_column *cols[6];
	struct hy_batch *batch;
	struct hy_dtype ts_s, ts_us;
	struct hy_error err = {0};
	uint64_t x = 88172645463325252ULL;
	int64_t run_day = 0;
	sqlite3 *db;

	(void)state;
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_SECOND, NULL, &ts_s, &err), 0);
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_MICRO, "UTC", &ts_us, &err), 0);
	b[0] = new_builder(hy_dtype_simple(HY_INT64));
	b[1] = new_builder(hy_dtype_simple(HY_INT64));
	b[2] = new_builder(hy_dtype_simple(HY_INT64));
	b[3] = new_builder(ts_s);
	b[4] = new_builder(ts_us);
	b[5] = new_builder(hy_dtype_simple(HY_DATE));
	for (int r = 0; r < 2000; r++) {
		int64_t secs, us, day;

		x ^= x << 13; /* xorshift: reproducible spread of instants */
		x ^= x >> 7;
		x ^= x << 17;
		/* runs of 20 rows share a day of the years 1900..2099; every fifth
		 * run goes back to day -1 (1969-12-31) */
		if (r % 20 == 0)
			run_day = -25567 + (int64_t)((x >> 20) % 73049);
		day = r % 100 >= 80 ? -1 : run_day;
		secs = day * 86400 + (int64_t)(x % 86400);
		us = secs * 1000000 + (int64_t)((x >> 32) % 1000000);
		assert_int_equal(hy_builder_append_i64(b[0], secs, &err), 0);
		assert_int_equal(hy_builder_append_i64(b[1], us, &err), 0);
		assert_int_equal(hy_builder_append_i64(b[2], day, &err), 0);
		assert_int_equal(hy_builder_append_i64(b[3], secs, &err), 0);
		assert_int_equal(hy_builder_append_i64(b[4], us, &err), 0);
		assert_int_equal(hy_builder_append_i64(b[5], day, &err), 0);
	}
	for (int c = 0; c < 6; c++)
		cols[c] = finish_col(b[c]);
	batch = batch_of(6, names, cols);
	run_ok(path, "t", HY_SQLITE_FULL_DROP, &batch, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) FROM t"), "2000");
	assert_string_equal(
		q1(db, "SELECT count(*) FROM t WHERE "
		       "ts_s = strftime('%Y-%m-%dT%H:%M:%S', secs, 'unixepoch') AND "
		       "d = date(day * 86400, 'unixepoch') AND "
		       "ts_us = strftime('%Y-%m-%dT%H:%M:%S', "
		       "(us - ((us % 1000000) + 1000000) % 1000000) / 1000000, 'unixepoch') || "
		       "printf('.%06d+00:00', ((us % 1000000) + 1000000) % 1000000)"),
		"2000");
	/* the runs did repeat days, and day -1 came back after others */
	assert_true(qint(db, "SELECT count(DISTINCT d) FROM t") < 1000);
	sqlite3_close(db);
	rm_tree(dir);
}

/* Decimals of up to 18 digits take a 64-bit path: its extremes. */
static void test_decimal64_extremes(void **state)
{
	static const char *const names[] = {"d3", "d0", "d18"};
	static const int64_t v[] = {999999999999999999LL, -999999999999999999LL, 0, -1, 1000, 5};
	static const char *const want[][3] = {
		{"999999999999999.999", "999999999999999999", "0.999999999999999999"},
		{"-999999999999999.999", "-999999999999999999", "-0.999999999999999999"},
		{"0.000", "0", "0.000000000000000000"},
		{"-0.001", "-1", "-0.000000000000000001"},
		{"1.000", "1000", "0.000000000000001000"},
		{"0.005", "5", "0.000000000000000005"},
	};
	static const int scales[] = {3, 0, 18};
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "dec.db");
	struct hy_column *cols[3];
	struct hy_batch *batch;
	struct hy_error err = {0};
	sqlite3 *db;
	char sql[128];

	(void)state;
	for (int c = 0; c < 3; c++) {
		struct hy_dtype t;
		struct hy_builder *b;

		assert_int_equal(hy_dtype_decimal(18, scales[c], &t, &err), 0);
		b = new_builder(t);
		for (size_t r = 0; r < 6; r++)
			assert_int_equal(hy_builder_append_i64(b, v[r], &err), 0);
		cols[c] = finish_col(b);
	}
	batch = batch_of(3, names, cols);
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &batch, 1);
	db = db_open(path);
	for (int c = 0; c < 3; c++)
		for (int r = 0; r < 6; r++) {
			snprintf(sql, sizeof(sql), "SELECT %s FROM t WHERE rowid = %d", names[c],
				 r + 1);
			assert_string_equal(q1(db, sql), want[r][c]);
		}
	sqlite3_close(db);
	rm_tree(dir);
}

/* The store type hands the engine the input batches as they come (the store
 * base's streaming form, no concatenation): chunk boundaries of batch_size 3
 * fall inside batches of 5 and 7 rows with a dictionary column, and every
 * row arrives once, in order. */
static void test_store_streams_batches_to_the_engine(void **state)
{
	static const char *const names[] = {"id", "s"};
	const struct hy_store_ops *ops;
	struct hy_endpoint_context cx = {
		.flow_name = "t", .base_flow = "t", .run_type = HY_RUN_FULL_DROP};
	struct hy_store_config c = {.type = "sqlite"};
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "store.db");
	struct hy_store *s = NULL;
	struct hy_error err = {0};
	int64_t next = 0;
	sqlite3 *db;

	(void)state;
	assert_int_equal(hy_stores_register_builtin(NULL), 0);
	ops = hy_store_registry_find("sqlite");
	assert_non_null(ops);
	c.def = hy_cfg_type_find(HY_CFG_STORE, "sqlite");
	c.u.sqlite.path = c.u.sqlite.abs_path = path;
	c.u.sqlite.table = "t";
	c.u.sqlite.batch_size = 3;
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	for (int k = 0; k < 4; k++) {
		int n = k % 2 ? 7 : 5;
		struct hy_builder *ib = new_builder(hy_dtype_simple(HY_INT64));
		struct hy_column *cols[2];
		struct hy_batch *batch;

		for (int r = 0; r < n; r++)
			assert_int_equal(hy_builder_append_i64(ib, next++, &err), 0);
		cols[0] = finish_col(ib);
		cols[1] = dict_form(HY_STRING, n, 1000);
		batch = batch_of(2, names, cols);
		assert_int_equal(ops->write(s, batch, &err), 0);
		hy_batch_unref(batch);
	}
	assert_int_equal(ops->finish(s, &err), 0);
	ops->close(s);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) || ' ' || sum(id = rowid - 1) FROM t"),
			    "24 24");
	assert_string_equal(q1(db, "SELECT group_concat(s, '|') FROM t WHERE rowid <= 4"),
			    "|red|a longer value, with 'quotes'|");
	sqlite3_close(db);
	rm_tree(dir);
}

/* ---- run types ---- */

static void test_incremental_appends_across_runs(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "inc.db");
	struct hy_batch *run1[1], *run2[2], *whole;
	struct hy_error err = {0};
	sqlite3 *db;

	(void)state;
	run1[0] = rows_batch(0, 10, false);
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, run1, 1);
	/* A slice (offset 5) in the second run: rows 15..24. */
	whole = rows_batch(10, 20, false);
	assert_int_equal(hy_batch_slice(whole, 5, 10, &run2[0], &err), 0);
	hy_batch_unref(whole);
	run2[1] = rows_batch(100, 3, false);
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, run2, 2);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) FROM t"), "23");
	assert_string_equal(q1(db, "SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY "
				   "rowid LIMIT 12 OFFSET 9)"),
			    "9,15,16,17,18,19,20,21,22,23,24,100");
	assert_string_equal(q1(db, "SELECT name FROM t WHERE id = 17"), "r17");
	/* WAL is set for readers' sake. */
	assert_string_equal(q1(db, "PRAGMA journal_mode"), "wal");
	sqlite3_close(db);
	rm_tree(dir);
}

static void test_incremental_abort_leaves_table_as_it_was(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "inc.db");
	struct hy_batch *b = rows_batch(0, 5, false);
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_INCREMENTAL);
	struct hy_sqlite_sink *s = NULL;
	struct hy_error err = {0};

	(void)state;
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	b = rows_batch(5, 100, true); /* new column too: the ALTER is undone as well */
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), 0);
	hy_batch_unref(b);
	assert_int_equal(hy_sqlite_sink_rows(s), 100);
	hy_sqlite_sink_abort(s);
	hy_sqlite_sink_abort(s); /* twice is fine */
	assert_int_equal(hy_sqlite_sink_finish(s, &err), HY_ESTATE);
	hy_sqlite_sink_close(s);
	assert_int_equal(count_rows(path, "t"), 5);
	{
		sqlite3 *db = db_open(path);

		assert_string_equal(q1(db, "SELECT count(*) FROM pragma_table_info('t')"), "2");
		sqlite3_close(db);
	}
	/* Closing without finish rolls back too. */
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	b = rows_batch(5, 7, false);
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), 0);
	hy_batch_unref(b);
	hy_sqlite_sink_close(s);
	assert_int_equal(count_rows(path, "t"), 5);
	rm_tree(dir);
}

static void test_full_drop_replaces_atomically(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "fd.db");
	struct hy_batch *b = rows_batch(0, 4, false);
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_FULL_DROP);
	struct hy_sqlite_sink *s = NULL;
	struct hy_error err = {0};
	sqlite3 *reader;

	(void)state;
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	reader = db_open(path);
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	for (int i = 0; i < 3; i++) {
		b = rows_batch(1000 + i * 500, 500, true);
		assert_int_equal(hy_sqlite_sink_write(s, b, &err), 0);
		hy_batch_unref(b);
		/* Mid-load, another connection sees the old table and no staging. */
		assert_string_equal(q1(reader, "SELECT count(*) || ' ' || sum(id) FROM t"), "4 6");
		assert_string_equal(q1(reader, "SELECT count(*) FROM sqlite_master WHERE name "
					       "LIKE '%hygge_tmp%'"),
				    "0");
	}
	assert_int_equal(hy_sqlite_sink_finish(s, &err), 0);
	assert_int_equal(hy_sqlite_sink_rows(s), 1500);
	hy_sqlite_sink_close(s);
	assert_string_equal(q1(reader, "SELECT count(*) || ' ' || min(id) || ' ' || max(extra) "
				       "FROM t"),
			    "1500 1000 24990");
	assert_string_equal(q1(reader, "SELECT count(*) FROM sqlite_master WHERE name "
				       "LIKE '%hygge_tmp%'"),
			    "0");
	sqlite3_close(reader);
	rm_tree(dir);
}

static void test_full_drop_abort_keeps_old_table(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "fd.db");
	struct hy_batch *b = rows_batch(0, 4, false);
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_FULL_DROP);
	struct hy_sqlite_sink *s = NULL;
	struct hy_error err = {0};
	sqlite3 *db;

	(void)state;
	run_ok(path, "t", HY_SQLITE_FULL_DROP, &b, 1);
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	b = rows_batch(50, 50, true);
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), 0);
	hy_batch_unref(b);
	hy_sqlite_sink_abort(s);
	hy_sqlite_sink_close(s);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) || ' ' || sum(id) FROM t"), "4 6");
	assert_string_equal(q1(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE "
				   "'%hygge_tmp%'"),
			    "0");
	sqlite3_close(db);
	rm_tree(dir);
}

static void test_full_drop_replaces_a_stale_staging_table(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "fd.db");
	struct hy_batch *b = rows_batch(0, 4, false);
	sqlite3 *db;

	(void)state;
	run_ok(path, "t", HY_SQLITE_FULL_DROP, &b, 1);
	db = db_open(path);
	assert_int_equal(
		sqlite3_exec(db,
			     "CREATE TABLE t__hygge_tmp (junk TEXT); INSERT INTO "
			     "t__hygge_tmp VALUES ('x'); CREATE VIEW v AS SELECT id FROM t",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	b = rows_batch(7, 2, false);
	run_ok(path, "t", HY_SQLITE_FULL_DROP, &b, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT group_concat(id) FROM t"), "7,8");
	assert_string_equal(q1(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE "
				   "'%hygge_tmp%'"),
			    "0");
	/* A view on the table survives the swap. */
	assert_string_equal(q1(db, "SELECT sum(id) FROM v"), "15");
	sqlite3_close(db);
	rm_tree(dir);
}

static void test_empty_runs_keep_the_destination(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "e.db");
	struct hy_batch *b = rows_batch(0, 4, false);
	struct hy_batch *empty[2];

	(void)state;
	run_ok(path, "t", HY_SQLITE_FULL_DROP, &b, 1);
	/* full_drop with only empty batches: the old table stays (D10). */
	empty[0] = rows_batch(0, 0, false);
	empty[1] = rows_batch(0, 0, true);
	run_ok(path, "t", HY_SQLITE_FULL_DROP, empty, 2);
	assert_int_equal(count_rows(path, "t"), 4);
	/* full_drop with no batch at all, and incremental into a new table:
	 * nothing is created. */
	run_ok(path, "t", HY_SQLITE_FULL_DROP, NULL, 0);
	assert_int_equal(count_rows(path, "t"), 4);
	run_ok(path, "other", HY_SQLITE_INCREMENTAL, NULL, 0);
	assert_false(table_exists(path, "other"));
	rm_tree(dir);
}

static void test_calls_out_of_order(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "o.db");
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_INCREMENTAL);
	struct hy_sqlite_sink *s = NULL;
	struct hy_batch *b = rows_batch(0, 2, false);
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	assert_int_equal(hy_sqlite_sink_write(s, NULL, &err), HY_EINVAL);
	assert_non_null(strstr(err.msg, "table t: cannot write a null batch"));
	hy_sqlite_sink_close(s);

	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	hy_error_init(&err);
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), 0);
	assert_int_equal(hy_sqlite_sink_finish(s, &err), 0);
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), HY_ESTATE);
	assert_non_null(strstr(err.msg, "write after the run ended"));
	hy_error_init(&err);
	assert_int_equal(hy_sqlite_sink_finish(s, &err), HY_ESTATE);
	hy_sqlite_sink_abort(s); /* after a publish: changes nothing */
	hy_sqlite_sink_close(s);
	hy_batch_unref(b);
	assert_int_equal(count_rows(path, "t"), 2);
	rm_tree(dir);
}

static void test_journal_mode_can_be_kept(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "keep.db");
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_FULL_DROP);
	struct hy_sqlite_sink *s = NULL;
	struct hy_batch *b = rows_batch(0, 40, false);
	struct hy_error err = {0};
	sqlite3 *db;

	(void)state;
	c.journal = HY_SQLITE_JOURNAL_KEEP;
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), 0);
	assert_int_equal(hy_sqlite_sink_finish(s, &err), 0);
	hy_sqlite_sink_close(s);
	hy_batch_unref(b);
	db = db_open(path);
	assert_string_equal(q1(db, "PRAGMA journal_mode"), "delete");
	assert_string_equal(q1(db, "SELECT count(*) || ' ' || sum(id) FROM t"), "40 780");
	sqlite3_close(db);
	rm_tree(dir);
}

/* `n` rows of one string column `v`, each `size` bytes. */
static struct hy_batch *wide_batch(int64_t n, size_t size)
{
	static const char *const name = "v";
	struct hy_builder *b = new_builder(hy_dtype_simple(HY_STRING));
	struct hy_column *col;
	struct hy_error err = {0};
	char *text = malloc(size);

	assert_non_null(text);
	memset(text, 'x', size);
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(hy_builder_append_str(b, text, size, &err), 0);
	free(text);
	col = finish_col(b);
	return batch_of(1, &name, &col);
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* A new database loads under the rollback journal (new pages need no
 * journal, WAL would write every row twice) and is in WAL mode once its
 * first load is committed; the next load into it goes through the WAL. */
static void test_new_database_switches_to_wal_after_its_first_load(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "new.db");
	char wal[300], journal[300];
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_FULL_DROP);
	struct hy_sqlite_sink *s = NULL;
	struct hy_batch *b;
	struct hy_error err = {0};
	sqlite3 *db;

	(void)state;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(journal, sizeof(journal), "%s-journal", path);
	for (int run_no = 0; run_no < 2; run_no++) {
		assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
		b = rows_batch(run_no * 100, 40, false);
		assert_int_equal(hy_sqlite_sink_write(s, b, &err), 0);
		hy_batch_unref(b);
		/* first load: a rollback journal, no WAL; second: the WAL */
		assert_int_equal(file_exists(journal), run_no == 0);
		assert_int_equal(file_exists(wal), run_no == 1);
		assert_int_equal(hy_sqlite_sink_finish(s, &err), 0);
		hy_sqlite_sink_close(s);
		assert_false(file_exists(journal));
		db = db_open(path);
		assert_string_equal(q1(db, "PRAGMA journal_mode"), "wal");
		assert_string_equal(q1(db, "SELECT min(id) || ' ' || count(*) FROM t"),
				    run_no == 0 ? "0 40" : "100 40");
		sqlite3_close(db);
	}
	rm_tree(dir);
}

/* A first load killed after SQLite spilled pages into the new file (more
 * rows than the 64 MiB cache holds) leaves a hot journal; the next
 * connection rolls it back: no table, a sound database, and the next load
 * works and ends in WAL mode. */
static void test_killed_first_load_leaves_an_empty_database(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "killed.db");
	char journal[300];
	int status = 0;
	pid_t pid;
	struct hy_batch *b;
	sqlite3 *db;

	(void)state;
	snprintf(journal, sizeof(journal), "%s-journal", path);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_FULL_DROP);
		struct hy_sqlite_sink *s = NULL;
		struct hy_error err = {0};

		if (hy_sqlite_sink_open(&s, &c, &err) != 0)
			_exit(100);
		for (int i = 0; i < 8; i++) { /* 80 MB */
			b = wide_batch(10000, 1000);
			if (hy_sqlite_sink_write(s, b, &err) != 0)
				_exit(101);
			hy_batch_unref(b);
		}
		raise(SIGKILL);
		_exit(102);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_true(file_exists(journal)); /* a hot journal, and pages in the file: */
	{
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size > (1 << 20)); /* what the cache could not hold */
	}
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT count(*) FROM sqlite_master"), "0");
	assert_string_equal(q1(db, "PRAGMA integrity_check"), "ok");
	sqlite3_close(db);
	assert_false(file_exists(journal));
	b = rows_batch(0, 40, false);
	run_ok(path, "t", HY_SQLITE_FULL_DROP, &b, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "PRAGMA journal_mode"), "wal");
	assert_string_equal(q1(db, "SELECT count(*) || ' ' || sum(id) FROM t"), "40 780");
	sqlite3_close(db);
	rm_tree(dir);
}

/* A database the store creates gets 16 KiB pages (fewer pages, WAL frames
 * and write calls per row); one that exists keeps its page size, in WAL mode
 * and with a rollback journal, and its rows. */
static void test_page_size_only_for_new_databases(void **state)
{
	const char *dir = tmp_dir();
	const char *fresh = path_in(dir, "new.db");
	const char *old_wal = path_in(dir, "old_wal.db");
	const char *old_delete = path_in(dir, "old_delete.db");
	sqlite3 *db;

	(void)state;
	for (int k = 0; k < 2; k++) {
		const char *path = k == 0 ? old_wal : old_delete;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db,
					      k == 0 ? "PRAGMA journal_mode=WAL; CREATE TABLE o(x)"
						     : "CREATE TABLE o(x)",
					      NULL, NULL, NULL),
				 SQLITE_OK);
		sqlite3_close(db);
	}
	for (int k = 0; k < 3; k++) {
		const char *path = k == 0 ? fresh : k == 1 ? old_wal : old_delete;
		struct hy_batch *b = rows_batch(0, 40, false);

		run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
		db = db_open(path);
		assert_string_equal(q1(db, "PRAGMA page_size"), k == 0 ? "16384" : "4096");
		assert_string_equal(q1(db, "SELECT count(*) || ' ' || sum(id) FROM t"), "40 780");
		sqlite3_close(db);
	}
	rm_tree(dir);
}

/* ---- schema evolution ---- */

static void test_new_columns_are_added_with_a_warning(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "evo.db");
	struct hy_batch *b = rows_batch(0, 2, false);
	sqlite3 *db;

	(void)state;
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_string_equal(warnings, "");
	b = rows_batch(2, 2, true);
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_non_null(strstr(warnings, path));
	assert_non_null(strstr(warnings, "table t: added 1 new column to the table: \"extra\""));
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT group_concat(quote(extra)) FROM t"), "NULL,NULL,20,30");
	assert_string_equal(q1(db, "SELECT type FROM pragma_table_info('t') WHERE name='extra'"),
			    "INTEGER");
	sqlite3_close(db);
	/* Table columns the batch lacks get NULL. */
	b = one_string_col("name", "only");
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_string_equal(warnings, "");
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT quote(id) || quote(extra) FROM t WHERE name='only'"),
			    "NULLNULL");
	sqlite3_close(db);
	/* Column names match case-insensitively, as SQLite's do. */
	b = one_string_col("NAME", "upper");
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_string_equal(warnings, "");
	assert_int_equal(count_rows(path, "t"), 6);
	rm_tree(dir);
}

static void test_schema_change_within_a_run(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "evo.db");
	struct hy_batch *b[3];
	sqlite3 *db;

	(void)state;
	b[0] = rows_batch(0, 2, false);
	b[1] = rows_batch(2, 2, true);
	b[2] = rows_batch(4, 1, false);
	run_ok(path, "t", HY_SQLITE_FULL_DROP, b, 3);
	assert_non_null(strstr(warnings, "added 1 new column to the table: \"extra\""));
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT group_concat(id || ':' || quote(extra)) FROM t"),
			    "0:NULL,1:NULL,2:20,3:30,4:NULL");
	sqlite3_close(db);
	rm_tree(dir);
}

static void test_type_conflict_is_a_clear_error(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "c.db");
	struct hy_batch *b = rows_batch(0, 2, false);
	struct hy_error err = {0};

	(void)state;
	run_ok(path, "users", HY_SQLITE_INCREMENTAL, &b, 1);
	b = one_string_col("id", "not a number");
	assert_int_equal(run(path, "users", HY_SQLITE_INCREMENTAL, &b, 1, &err), HY_ECONFIG);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "table users: column \"id\": the table declares it "
					"INTEGER but the data is string (stored as TEXT)"));
	assert_false(hy_sqlite_status_is_transient(err.code));
	assert_int_equal(count_rows(path, "users"), 2);
	rm_tree(dir);
}

static void test_identifiers_are_quoted(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "q.db");
	const char *name = "co\"l; DROP";
	struct hy_batch *b = one_string_col(name, "v");
	struct hy_sqlite_sink_config c = config(path, "", HY_SQLITE_INCREMENTAL);
	struct hy_sqlite_sink *s = NULL;
	struct hy_error err = {0};
	sqlite3 *db;

	(void)state;
	run_ok(path, "we\"ird tab", HY_SQLITE_FULL_DROP, &b, 1);
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT \"co\"\"l; DROP\" FROM \"we\"\"ird tab\""), "v");
	sqlite3_close(db);
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), HY_ECONFIG);
	assert_null(s);
	assert_non_null(strstr(err.msg, "table name is empty"));
	rm_tree(dir);
}

/* Declared types other tools write (NUMERIC affinity for DATETIME, BOOLEAN,
 * DECIMAL) take hygge's values; a string into such a column is refused, as
 * SQLite would turn "00123" into 123. */
static void test_tables_made_by_other_tools(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "legacy.db");
	static const char *const names[] = {"ID", "at", "price", "name", "flag", "day"};
	struct hy_column *cols[6];
	struct hy_builder *b;
	struct hy_batch *batch;
	struct hy_dtype t;
	struct hy_error err = {0};
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE legacy (id INTEGER PRIMARY KEY, at DATETIME, "
				      "price DECIMAL(10,2), name VARCHAR(20), flag BOOLEAN, "
				      "day DATE, note TEXT DEFAULT 'n/a')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);

	b = new_builder(hy_dtype_simple(HY_INT64));
	assert_int_equal(hy_builder_append_i64(b, 7, &err), 0);
	cols[0] = finish_col(b);
	assert_int_equal(hy_dtype_timestamp(HY_UNIT_SECOND, NULL, &t, &err), 0);
	b = new_builder(t);
	assert_int_equal(hy_builder_append_i64(b, 86400, &err), 0);
	cols[1] = finish_col(b);
	assert_int_equal(hy_dtype_decimal(10, 2, &t, &err), 0);
	b = new_builder(t);
	assert_int_equal(hy_builder_append_i64(b, 1999, &err), 0);
	cols[2] = finish_col(b);
	b = new_builder(hy_dtype_simple(HY_STRING));
	assert_int_equal(hy_builder_append_str(b, "ann", 3, &err), 0);
	cols[3] = finish_col(b);
	b = new_builder(hy_dtype_simple(HY_BOOL));
	assert_int_equal(hy_builder_append_bool(b, true, &err), 0);
	cols[4] = finish_col(b);
	b = new_builder(hy_dtype_simple(HY_DATE));
	assert_int_equal(hy_builder_append_i64(b, 1, &err), 0);
	cols[5] = finish_col(b);
	batch = batch_of(6, names, cols);
	run_ok(path, "legacy", HY_SQLITE_INCREMENTAL, &batch, 1);
	assert_string_equal(warnings, "");
	db = db_open(path);
	assert_string_equal(q1(db, "SELECT id || ' ' || quote(at) || ' ' || typeof(price) || ' ' "
				   "|| price || ' ' || name || ' ' || flag || ' ' || day || ' ' "
				   "|| note FROM legacy"),
			    "7 '1970-01-02T00:00:00' real 19.99 ann 1 1970-01-02 n/a");
	sqlite3_close(db);

	batch = one_string_col("at", "00123");
	assert_int_equal(run(path, "legacy", HY_SQLITE_INCREMENTAL, &batch, 1, &err), HY_ECONFIG);
	assert_non_null(strstr(err.msg, "column \"at\": the table declares it DATETIME but the "
					"data is string"));
	/* A primary key clash is the table's rule, reported with the row. */
	hy_error_init(&err);
	batch = rows_batch(7, 1, false);
	assert_int_equal(run(path, "legacy", HY_SQLITE_INCREMENTAL, &batch, 1, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "insert row 0 of a batch: UNIQUE constraint failed"));
	assert_int_equal(count_rows(path, "legacy"), 1);
	rm_tree(dir);
}

/* ---- files, locks, permissions ---- */

static void test_parent_directories_are_created(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "a/b/c/deep.db");
	struct hy_batch *b = rows_batch(0, 3, false);
	struct stat st;

	(void)state;
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_int_equal(stat(path_in(dir, "a/b/c"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(count_rows(path, "t"), 3);
	rm_tree(dir);
}

static void test_locked_database_is_transient(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "l.db");
	struct hy_batch *b = rows_batch(0, 3, false);
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_INCREMENTAL);
	struct hy_sqlite_sink *s = NULL;
	struct hy_error err = {0};
	sqlite3 *holder;
	double t0;

	(void)state;
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	holder = db_open(path);
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	c.busy_timeout_ms = 50;
	assert_int_equal(hy_sqlite_sink_open(&s, &c, &err), 0);
	b = rows_batch(3, 3, false);
	t0 = now_ms();
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), HY_ETIMEOUT);
	assert_true(now_ms() - t0 >= 45); /* it waited for the lock first */
	assert_non_null(strstr(err.msg, "waited 50 ms"));
	assert_true(hy_sqlite_status_is_transient(err.code));
	assert_non_null(strstr(err.msg, "database is locked"));
	assert_non_null(strstr(err.msg, "another process is writing; retry later"));
	assert_non_null(strstr(err.msg, path));
	/* After a failure only abort/close remain. */
	assert_int_equal(hy_sqlite_sink_write(s, b, &err), HY_ESTATE);
	hy_batch_unref(b);
	hy_sqlite_sink_abort(s);
	hy_sqlite_sink_close(s);
	assert_int_equal(sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(holder);
	/* Once the lock is gone the same load works. */
	b = rows_batch(3, 3, false);
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_int_equal(count_rows(path, "t"), 6);
	rm_tree(dir);
}

enum child_mode {
	CHILD_NOBODY,     /* as the unprivileged user "nobody" (root ignores file modes) */
	CHILD_SMALL_DISK, /* with files capped at 512 KiB: writes past it fail as on a full disk */
};

/* Runs one load of `nrows` rows into `path` table t in a child process set up
 * by `mode`; returns the status (100: the setup failed) and puts the message
 * in `msg`. CHILD_NOBODY runs in this process when the tests are not root. */
static int run_in_child(const char *path, enum child_mode mode, enum hy_sqlite_run_type run_type,
			int64_t nrows, char *msg, size_t size)
{
	int fds[2], status = 0;
	pid_t pid;
	ssize_t n;

	if (mode == CHILD_NOBODY && geteuid() != 0) {
		struct hy_error err = {0};
		struct hy_batch *b = rows_batch(0, nrows, false);
		int rc = run(path, "t", run_type, &b, 1, &err);

		snprintf(msg, size, "%s", err.msg);
		return rc;
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hy_error err = {0};
		struct rlimit small = {512 << 10, 512 << 10};
		struct hy_batch *b;
		int rc;

		close(fds[0]);
		if (mode == CHILD_NOBODY && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(100);
		if (mode == CHILD_SMALL_DISK &&
		    (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &small) != 0))
			_exit(100);
		b = rows_batch(0, nrows, false);
		rc = run(path, "t", run_type, &b, 1, &err);
		if (write(fds[1], err.msg, strlen(err.msg)) < 0)
			_exit(101);
		_exit(rc);
	}
	close(fds[1]);
	n = read(fds[0], msg, size - 1);
	msg[n > 0 ? n : 0] = 0;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int run_unprivileged(const char *path, char *msg, size_t size)
{
	return run_in_child(path, CHILD_NOBODY, HY_SQLITE_INCREMENTAL, 1, msg, size);
}

static void test_full_disk_is_a_clear_error(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "full.db");
	struct hy_batch *b = rows_batch(0, 100, false);
	char msg[HY_ERROR_MSG_MAX];
	int rc;

	(void)state;
	run_ok(path, "t", HY_SQLITE_FULL_DROP, &b, 1);
	rc = run_in_child(path, CHILD_SMALL_DISK, HY_SQLITE_FULL_DROP, 200000, msg, sizeof(msg));
	assert_int_equal(rc, HY_EIO);
	assert_non_null(strstr(msg, path));
	if (strstr(msg, "disk full") == NULL && strstr(msg, "I/O error") == NULL)
		fail_msg("unexpected message: %s", msg);
	/* The failed load left the old table and no staging. */
	assert_int_equal(count_rows(path, "t"), 100);
	assert_false(table_exists(path, "t__hygge_tmp"));
	rm_tree(dir);
}

static void test_read_only_database_is_a_clear_error(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "ro.db");
	struct hy_batch *b = rows_batch(0, 3, false);
	char msg[HY_ERROR_MSG_MAX];
	int rc;

	(void)state;
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(path, 0444), 0);
	rc = run_unprivileged(path, msg, sizeof(msg));
	if (rc == 100)
		skip(); /* no user "nobody" to switch to */
	assert_int_equal(rc, HY_EIO);
	assert_non_null(strstr(msg, "database is read-only"));
	assert_non_null(strstr(msg, path));
	assert_int_equal(count_rows(path, "t"), 3);
	rm_tree(dir);
}

static void test_read_only_directory_is_a_clear_error(void **state)
{
	const char *dir = tmp_dir();
	const char *sub = path_in(dir, "ro");
	char path[256];
	struct hy_batch *b = rows_batch(0, 3, false);
	char msg[HY_ERROR_MSG_MAX];
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/x.db", sub);
	run_ok(path, "t", HY_SQLITE_INCREMENTAL, &b, 1);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(chmod(sub, 0555), 0);
	rc = run_unprivileged(path, msg, sizeof(msg));
	if (rc == 100)
		skip();
	assert_int_equal(rc, HY_EIO);
	assert_non_null(strstr(msg, path));
	if (strstr(msg, "read-only") == NULL && strstr(msg, "cannot open") == NULL)
		fail_msg("unexpected message: %s", msg);
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(count_rows(path, "t"), 3);
	rm_tree(dir);
}

static void test_not_a_database_is_a_clear_error(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "junk.db");
	struct hy_batch *b = rows_batch(0, 1, false);
	struct hy_error err = {0};
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fputs("this is not a database, just some text that is long enough to have a header\n"
	      "and a second line to make the file longer than one hundred bytes in total\n",
	      f);
	fclose(f);
	assert_int_equal(run(path, "t", HY_SQLITE_INCREMENTAL, &b, 1, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "is not a usable SQLite database"));
	rm_tree(dir);
}

/* ---- failure injection ---- */

static int load_once(const char *path, struct hy_batch *b1, struct hy_batch *b2,
		     struct hy_error *err)
{
	struct hy_sqlite_sink_config c = config(path, "t", HY_SQLITE_FULL_DROP);
	struct hy_sqlite_sink *s = NULL;
	int rc = hy_sqlite_sink_open(&s, &c, err);

	if (rc == 0)
		rc = hy_sqlite_sink_write(s, b1, err);
	if (rc == 0)
		rc = hy_sqlite_sink_write(s, b2, err);
	if (rc == 0)
		rc = hy_sqlite_sink_finish(s, err);
	hy_sqlite_sink_close(s);
	return rc;
}

static void test_allocation_failures(void **state)
{
	const char *dir = tmp_dir();
	const char *path = path_in(dir, "sub/alloc.db");
	struct hy_batch *b1 = rows_batch(0, 10, false);
	struct hy_batch *b2 = rows_batch(10, 5, true); /* evolution allocates too */
	struct hy_error err = {0};
	int rc = 0;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = load_once(path, b1, b2, &err);
		if (rc == 0)
			assert_int_equal(count_rows(path, "t"), 15);
		else
			assert_non_null(strstr(err.msg, "sqlite "));
	});
	hy_batch_unref(b1);
	hy_batch_unref(b2);
	rm_tree(dir);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_every_type_reads_back),
	cmocka_unit_test(test_dictionary_form_binds),
	cmocka_unit_test(test_uint64_above_int64_max_is_an_error),
	cmocka_unit_test(test_date_out_of_range_is_an_error),
	cmocka_unit_test(test_every_type_from_a_slice),
	cmocka_unit_test(test_dictionary_columns_bind_the_entries),
	cmocka_unit_test(test_dates_and_timestamps_match_sqlite),
	cmocka_unit_test(test_decimal64_extremes),
	cmocka_unit_test(test_store_streams_batches_to_the_engine),
	cmocka_unit_test(test_incremental_appends_across_runs),
	cmocka_unit_test(test_incremental_abort_leaves_table_as_it_was),
	cmocka_unit_test(test_full_drop_replaces_atomically),
	cmocka_unit_test(test_full_drop_abort_keeps_old_table),
	cmocka_unit_test(test_full_drop_replaces_a_stale_staging_table),
	cmocka_unit_test(test_empty_runs_keep_the_destination),
	cmocka_unit_test(test_calls_out_of_order),
	cmocka_unit_test(test_journal_mode_can_be_kept),
	cmocka_unit_test(test_page_size_only_for_new_databases),
	cmocka_unit_test(test_new_database_switches_to_wal_after_its_first_load),
	cmocka_unit_test(test_killed_first_load_leaves_an_empty_database),
	cmocka_unit_test(test_new_columns_are_added_with_a_warning),
	cmocka_unit_test(test_schema_change_within_a_run),
	cmocka_unit_test(test_type_conflict_is_a_clear_error),
	cmocka_unit_test(test_identifiers_are_quoted),
	cmocka_unit_test(test_parent_directories_are_created),
	cmocka_unit_test(test_locked_database_is_transient),
	cmocka_unit_test(test_read_only_database_is_a_clear_error),
	cmocka_unit_test(test_read_only_directory_is_a_clear_error),
	cmocka_unit_test(test_not_a_database_is_a_clear_error),
	cmocka_unit_test(test_full_disk_is_a_clear_error),
	cmocka_unit_test(test_tables_made_by_other_tools),
	cmocka_unit_test(test_allocation_failures),
};
HY_TEST_MAIN(tests)
