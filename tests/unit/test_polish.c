/* The polisher: name rules with the reference's examples, hash ids against
 * hashlib values, constants and timestamps with a fixed clock, D21 (once
 * per row), zero-copy renames, the per-schema plan, failures. */
#include <stdio.h>
#include <string.h>

#include "dict_fixture.h"
#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/cfgtypes.h"
#include "hygge/config.h"
#include "hygge/polish.h"

/* hashlib.sha256(b"...").hexdigest(), computed with Python */
#define SHA_1_A   "d55e0424345a817e3757ad3bb43e6c7d888b5c8aa7df55a9d012245663052698"
#define SHA_2_B   "59e07b679b80bc6e17894e79bcb71692bcdb422826338c51f53492a4b7a8c867"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_7     "7902699be42c8a8e46fbbb4501726517e86b22c56a189f7625a6da49081b2451"
#define SHA_2     "d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35"
#define SHA_1     "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"

/* ---- helpers ---- */

struct warnings {
	int n;
	char text[8][1024];
};

static void collect(void *user, const char *msg)
{
	struct warnings *w = user;

	if (w->n < 8)
		snprintf(w->text[w->n], sizeof(w->text[0]), "%s", msg);
	w->n++;
}

/* A YAML `polish:` mapping read into cfg; the tree stays in *root. */
static void read_cfg(const char *yaml, struct hy_cfg_node **root, struct hy_polish_config *cfg)
{
	struct hy_error err = {0};
	struct hy_cfg_path path;

	hy_cfg_path_init(&path, "polish");
	assert_int_equal(hy_cfg_parse(yaml, strlen(yaml), "flow.yml", root, &err), 0);
	assert_int_equal(hy_cfg_polish_check(*root, &path, NULL, &err), 0);
	if (hy_polish_config_read(*root, &path, cfg, &err) != 0)
		fail_msg("%s", err.msg);
}

static struct hy_column *int_col(enum hy_type_id id, const int64_t *v, const bool *null, int n)
{
	struct hy_dtype t = hy_dtype_simple(id);
	struct hy_builder *b = NULL;
	struct hy_column *c = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_builder_create(&t, &b, &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(null != NULL && null[i] ? hy_builder_append_null(b, &err)
							 : hy_builder_append_i64(b, v[i], &err),
				 0);
	assert_int_equal(hy_builder_finish(b, &c, &err), 0);
	hy_builder_destroy(b);
	return c;
}

static struct hy_column *str_col(const char *const *v, int n)
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

/* A batch of the given columns (references taken over). */
static struct hy_batch *mk_batch(const char *const *names, struct hy_column **cols, int ncols)
{
	struct hy_field f[16] = {0};
	struct hy_schema *s = NULL;
	struct hy_batch *b = NULL;
	struct hy_error err = {0};

	for (int i = 0; i < ncols; i++)
		f[i] = (struct hy_field){(char *)names[i], cols[i]->type, true};
	assert_int_equal(hy_schema_create(f, (size_t)ncols, &s, &err), 0);
	assert_int_equal(hy_batch_create(s, cols, cols[0]->length, &b, &err), 0);
	for (int i = 0; i < ncols; i++)
		hy_column_unref(cols[i]);
	hy_schema_unref(s);
	return b;
}

/* id int64 [1, 2, null, 7], name string ["a", "b", "c", null] */
static struct hy_batch *id_name_batch(const char *id_name, const char *name_name)
{
	static const int64_t ids[] = {1, 2, 0, 7};
	static const bool nulls[] = {false, false, true, false};
	static const char *const names[] = {"a", "b", "c", NULL};
	const char *cn[] = {id_name, name_name};
	struct hy_column *cols[] = {int_col(HY_INT64, ids, nulls, 4), str_col(names, 4)};

	return mk_batch(cn, cols, 2);
}

static const char *field_name(const struct hy_batch *b, size_t i)
{
	return hy_schema_field(b->schema, i)->name;
}

static void assert_str_at(const struct hy_column *c, int64_t row, const char *want)
{
	struct hy_str s = hy_column_get_bytes(c, row);

	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

static void fixed_clock(void *user, int64_t *utc, int *offset)
{
	(void)user;
	*utc = 1764205323123456LL; /* 2025-11-27T01:02:03.123456Z */
	*offset = 3600;
}

/* Polishes `in` with `yaml`; returns the output (caller unrefs). */
static struct hy_batch *polish_with(const char *yaml, struct hy_batch *in, struct warnings *w)
{
	struct hy_cfg_node *root = NULL;
	struct hy_polish_config cfg;
	struct hy_polisher *p = NULL;
	struct hy_batch *out = NULL;
	struct hy_error err = {0};

	read_cfg(yaml, &root, &cfg);
	assert_int_equal(hy_polish_create(&p, &cfg, &err), 0);
	hy_polish_set_clock(p, fixed_clock, NULL);
	if (hy_polish_apply(p, in, &out, collect, w, &err) != 0)
		fail_msg("%s", err.msg);
	hy_polish_destroy(p);
	hy_polish_config_reset(&cfg);
	hy_cfg_node_destroy(root);
	return out;
}

/* ---- names ---- */

static void check_case(const char *name, int c, const char *want)
{
	struct hy_buf b;
	struct hy_error err = {0};

	hy_buf_init(&b, 1 << 16);
	assert_int_equal(hy_polish_case_name(name, c, &b, &err), 0);
	assert_int_equal(hy_buf_reserve(&b, 1, &err), 0);
	assert_string_equal((const char *)b.data, want);
	hy_buf_reset(&b);
}

static void check_words(const char *name, const char *want)
{
	struct hy_buf b;
	struct hy_error err = {0};

	hy_buf_init(&b, 1 << 16);
	assert_int_equal(hy_polish_words(name, &b, &err), 0);
	assert_int_equal(hy_buf_reserve(&b, 1, &err), 0);
	assert_string_equal((const char *)b.data, want);
	hy_buf_reset(&b);
}

static void check_column(bool rs, bool rsp, int c, const char *name, const char *want)
{
	struct hy_polish_config cfg = {.remove_special = rs, .remove_spaces = rsp, .name_case = c};
	struct hy_buf b;
	struct hy_error err = {0};

	hy_buf_init(&b, 1 << 16);
	assert_int_equal(hy_polish_column_name(&cfg, name, &b, &err), 0);
	assert_int_equal(hy_buf_reserve(&b, 1, &err), 0);
	assert_string_equal((const char *)b.data, want);
	hy_buf_reset(&b);
}

/* Expectations printed by the reference's own functions (Python re). */
static void test_word_splitting(void **state)
{
	(void)state;
	check_words("XMLParser", "XML Parser");
	check_words("HTTPSConnection", "HTTPS Connection");
	check_words("employeeNumber", "employee Number");
	check_words("XMLHTTPRequest", "XMLHTTP Request"); /* accepted limitation */
	check_words("first-name", "first name");
	check_words("ABcDe", "A Bc De");
	check_words("__x__", "x");
	check_words("camelCase2Go", "camel Case2Go");
	check_words("A1B2c", "A1B2c");
	check_words("  a \t b ", "a b");
}

static void test_case_rules(void **state)
{
	static const struct {
		const char *in, *pascal, *camel, *snake;
	} cases[] = {
		{"XMLParser", "XmlParser", "xmlParser", "xml_parser"},
		{"HTTPSConnection", "HttpsConnection", "httpsConnection", "https_connection"},
		{"employeeNumber", "EmployeeNumber", "employeeNumber", "employee_number"},
		{"XMLHTTPRequest", "XmlhttpRequest", "xmlhttpRequest", "xmlhttp_request"},
		{"Employee Number", "EmployeeNumber", "employeeNumber", "employee_number"},
		{"user_id", "UserId", "userId", "user_id"},
		{"ABcDe", "ABcDe", "aBcDe", "a_bc_de"},
		{"ID", "Id", "id", "id"},
		{"iD", "ID", "iD", "i_d"},
		{"camelCase2Go", "CamelCase2go", "camelCase2go", "camel_case2go"},
		{"Effective-Date (UTC)", "EffectiveDate(utc)", "effectiveDate(utc)",
		 "effective_date_(utc)"},
		{"a(b)c (d e)", "A(b)c(dE)", "a(b)c(dE)", "a(b)c_(d_e)"},
		{"  ", "  ", "  ", "  "}, /* no words: the name is kept */
		{"Café Name", "CaféName", "caféName", "café_name"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_case(cases[i].in, HY_POLISH_CASE_PASCAL, cases[i].pascal);
		check_case(cases[i].in, HY_POLISH_CASE_CAMEL, cases[i].camel);
		check_case(cases[i].in, HY_POLISH_CASE_SNAKE, cases[i].snake);
	}
}

static void test_remove_special_and_spaces(void **state)
{
	(void)state;
	/* parentheses: the words inside come back at the end */
	check_column(true, false, HY_POLISH_CASE_NONE, "Effective-Date (UTC)",
		     "Effective-Date UTC");
	check_column(true, false, HY_POLISH_CASE_PASCAL, "Effective-Date (UTC)",
		     "EffectiveDateUtc");
	check_column(true, false, HY_POLISH_CASE_SNAKE, "Effective-Date (UTC)",
		     "effective_date_utc");
	check_column(true, true, HY_POLISH_CASE_NONE, "Effective-Date (UTC)", "Effective-DateUTC");
	check_column(true, false, HY_POLISH_CASE_NONE, "Amount ($)", "Amount $");
	check_column(true, false, HY_POLISH_CASE_PASCAL, "Amount ($)", "Amount$");
	check_column(true, false, HY_POLISH_CASE_NONE, "a(b)c (d e)", "ac b d e");
	check_column(true, false, HY_POLISH_CASE_NONE, "x ((a)", "x (a");
	check_column(true, false, HY_POLISH_CASE_NONE, "Price (USD) (net)", "Price USD net");
	check_column(true, true, HY_POLISH_CASE_NONE, "Price (USD) (net)", "PriceUSDnet");
	check_column(true, false, HY_POLISH_CASE_NONE, "() empty", "empty");
	check_column(true, false, HY_POLISH_CASE_PASCAL, "Café Name", "CafName");
	check_column(true, false, HY_POLISH_CASE_NONE, "unclosed (paren", "unclosed paren");
	/* an empty result keeps the original */
	check_column(true, false, HY_POLISH_CASE_NONE, "$%&", "$%&");
	check_column(false, true, HY_POLISH_CASE_NONE, "   ", "   ");
	check_column(false, true, HY_POLISH_CASE_NONE, "Employee Number", "EmployeeNumber");
	check_column(false, false, HY_POLISH_CASE_NONE, "As Is (x)", "As Is (x)");
}

static void test_collisions_are_suffixed_and_warned(void **state)
{
	static const int64_t v[] = {1, 2};
	const char *names[] = {"A b", "a_b", "c"};
	struct hy_column *cols[] = {int_col(HY_INT64, v, NULL, 2), int_col(HY_INT64, v, NULL, 2),
				    int_col(HY_INT64, v, NULL, 2)};
	struct hy_batch *in = mk_batch(names, cols, 3), *out;
	struct warnings w = {0};

	(void)state;
	out = polish_with("columns: {case: snake}", in, &w);
	assert_string_equal(field_name(out, 0), "a_b");
	assert_string_equal(field_name(out, 1), "a_b_1");
	assert_string_equal(field_name(out, 2), "c");
	assert_int_equal(w.n, 1);
	assert_string_equal(w.text[0], "Column name collision: ['A b', 'a_b'] all normalize to "
				       "'a_b'. Applied deduplication: ['a_b', 'a_b_1']");
	hy_batch_unref(out);
	hy_batch_unref(in);
}

/* A suffix never takes a name another column has (the reference would fail
 * the rename and write unpolished data). */
static void test_collision_suffix_skips_taken_names(void **state)
{
	static const int64_t v[] = {1};
	const char *names[] = {"User ID", "user_id", "UserId", "user_id_1"};
	struct hy_column *cols[4];
	struct hy_batch *in, *out;
	struct warnings w = {0};

	(void)state;
	for (int i = 0; i < 4; i++)
		cols[i] = int_col(HY_INT64, v, NULL, 1);
	in = mk_batch(names, cols, 4);
	out = polish_with("columns: {case: snake}", in, &w);
	assert_string_equal(field_name(out, 0), "user_id");
	assert_string_equal(field_name(out, 1), "user_id_2");
	assert_string_equal(field_name(out, 2), "user_id_3");
	assert_string_equal(field_name(out, 3), "user_id_1");
	assert_int_equal(w.n, 1);
	assert_string_equal(w.text[0],
			    "Column name collision: ['User ID', 'user_id', 'UserId'] all normalize "
			    "to 'user_id'. Applied deduplication: ['user_id', 'user_id_2', "
			    "'user_id_3']");
	hy_batch_unref(out);
	hy_batch_unref(in);
}

/* ---- hash ids ---- */

static void test_hash_ids_hex_and_null(void **state)
{
	struct hy_batch *in = id_name_batch("id", "name"), *out;
	struct warnings w = {0};

	(void)state;
	out = polish_with("hash_ids: [{name: row_hash, from_columns: [id, name]}]", in, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(hy_schema_nfields(out->schema), 3);
	assert_string_equal(field_name(out, 0), "row_hash"); /* placed first */
	assert_string_equal(field_name(out, 1), "id");
	assert_int_equal(out->cols[0]->type.id, HY_STRING);
	assert_str_at(out->cols[0], 0, SHA_1_A);
	assert_str_at(out->cols[0], 1, SHA_2_B);
	assert_str_at(out->cols[0], 2, SHA_EMPTY); /* null id */
	assert_str_at(out->cols[0], 3, SHA_EMPTY); /* null name */
	hy_batch_unref(out);
	hy_batch_unref(in);
}

static void test_hash_ids_raw_bytes(void **state)
{
	static const char hex[] = SHA_1_A;
	struct hy_batch *in = id_name_batch("id", "name"), *out;
	struct warnings w = {0};
	uint8_t raw[32];
	struct hy_str s;

	(void)state;
	for (int i = 0; i < 32; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		raw[i] = (uint8_t)v;
	}
	out = polish_with("hash_ids: [{name: h, from_columns: [id, name], hex: false}]", in, &w);
	assert_int_equal(out->cols[0]->type.id, HY_BINARY);
	s = hy_column_get_bytes(out->cols[0], 0);
	assert_int_equal(s.len, 32);
	assert_memory_equal(s.ptr, raw, 32);
	hy_batch_unref(out);
	hy_batch_unref(in);
}

static void test_hash_source_matching_and_skips(void **state)
{
	struct hy_batch *in = id_name_batch("user_id", "Name"), *out;
	struct warnings w = {0};

	(void)state;
	/* no case rule: spaces, '_', '-' and letter case are ignored */
	out = polish_with("hash_ids: [{name: h, from_columns: [User ID, name]}]", in, &w);
	assert_int_equal(w.n, 0);
	assert_string_equal(field_name(out, 0), "h");
	assert_str_at(out->cols[0], 0, SHA_1_A);
	hy_batch_unref(out);

	/* with a case rule both names go through it; then the columns are renamed */
	out = polish_with("columns: {case: pascal}\n"
			  "hash_ids: [{name: row hash, from_columns: [userId, name]}]",
			  in, &w);
	assert_int_equal(w.n, 0);
	assert_string_equal(field_name(out, 0), "RowHash");
	assert_string_equal(field_name(out, 1), "UserId");
	assert_str_at(out->cols[0], 1, SHA_2_B);
	hy_batch_unref(out);

	/* unresolved: warned and skipped */
	out = polish_with("hash_ids: [{name: h, from_columns: [user_id, nope]}]", in, &w);
	assert_int_equal(hy_schema_nfields(out->schema), 2);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.text[0],
			    "Skipping hash ID rule 'h': source columns ['nope'] not "
			    "found in DataFrame. Available columns: ['user_id', 'Name']");
	hy_batch_unref(out);

	/* an existing column of that name is respected */
	w.n = 0;
	out = polish_with("hash_ids: [{name: Name, from_columns: [user_id]}]", in, &w);
	assert_int_equal(w.n, 0);
	assert_true(out == in);
	hy_batch_unref(out);

	/* a later rule may hash an earlier hash; both go first, last rule first */
	out = polish_with("hash_ids: [{name: h1, from_columns: [user_id]},"
			  " {name: h2, from_columns: [h1]}]",
			  in, &w);
	assert_string_equal(field_name(out, 0), "h2");
	assert_string_equal(field_name(out, 1), "h1");
	hy_batch_unref(out);
	hy_batch_unref(in);
}

/* A string column in dictionary form (the Parquet reader's keep_dictionary
 * output) hashes as its values, and passes through renamed with its values. */
static void test_dictionary_form_input(void **state)
{
	struct hy_batch *plain = id_name_batch("id", "Name"), *in = dfx_batch(plain), *out;
	struct warnings w = {0};

	(void)state;
	assert_int_equal(dfx_count(in), 1);
	out = polish_with("columns: {case: snake}\n"
			  "hash_ids: [{name: row_hash, from_columns: [id, name]}]",
			  in, &w);
	assert_int_equal(w.n, 0);
	assert_string_equal(field_name(out, 0), "row_hash");
	assert_string_equal(field_name(out, 2), "name");
	assert_str_at(out->cols[0], 0, SHA_1_A);
	assert_str_at(out->cols[0], 1, SHA_2_B);
	assert_str_at(out->cols[0], 2, SHA_EMPTY); /* null id */
	assert_str_at(out->cols[0], 3, SHA_EMPTY); /* null name */
	assert_str_at(out->cols[2], 0, "a");
	assert_str_at(out->cols[2], 1, "b");
	assert_str_at(out->cols[2], 2, "c");
	assert_true(hy_column_is_null(out->cols[2], 3));
	hy_batch_unref(out);
	hy_batch_unref(in);
	hy_batch_unref(plain);
}

/* ---- constants and timestamps ---- */

static void test_constants_and_row_marker(void **state)
{
	struct hy_batch *in = id_name_batch("id", "name"), *out;
	struct warnings w = {0};

	(void)state;
	out = polish_with("constants:\n"
			  "  - {name: src, value: erp}\n"
			  "  - {name: n, value: 5000000000}\n"
			  "  - {name: f, value: 1.5}\n"
			  "  - {name: ok, value: true}\n"
			  "  - {name: id, value: 9}\n" /* exists: untouched */
			  "add_row_marker: {enabled: true, value: 2}\n",
			  in, &w);
	assert_int_equal(hy_schema_nfields(out->schema), 7);
	assert_string_equal(field_name(out, 2), "src");
	assert_string_equal(field_name(out, 6), "__rowMarker__");
	for (int64_t r = 0; r < 4; r++) {
		assert_str_at(out->cols[2], r, "erp");
		assert_int_equal(hy_column_get_i64(out->cols[3], r), 5000000000LL);
		assert_true(hy_column_get_f64(out->cols[4], r) == 1.5);
		assert_true(hy_column_get_bool(out->cols[5], r));
		assert_int_equal(hy_column_get_i64(out->cols[6], r), 2);
	}
	assert_int_equal(out->cols[3]->type.id, HY_INT64);
	assert_int_equal(out->cols[6]->type.id, HY_INT32); /* Polars types a small literal Int32 */
	assert_true(out->cols[0] == in->cols[0]);
	hy_batch_unref(out);

	/* an explicit __rowMarker__ constant beats the legacy alias */
	out = polish_with("constants: [{name: __rowMarker__, value: 1}]\n"
			  "add_row_marker: {enabled: true}\n",
			  in, &w);
	assert_int_equal(hy_schema_nfields(out->schema), 3);
	assert_int_equal(hy_column_get_i64(out->cols[2], 0), 1);
	hy_batch_unref(out);
	hy_batch_unref(in);
}

static void test_timestamps_with_fixed_clock(void **state)
{
	struct hy_batch *in = id_name_batch("id", "name"), *out;
	struct warnings w = {0};

	(void)state;
	out = polish_with(
		"timestamps:\n"
		"  - {name: __LastLoadedAt__}\n"
		"  - {name: local_dt, source: now_local}\n"
		"  - {name: utc_iso, type: string}\n"
		"  - {name: local_iso, source: now_local, type: string}\n"
		"  - {name: utc_fmt, type: string, format: '%Y-%m-%d %H:%M:%S.%f%z|%Z|%j|%a'}\n"
		"  - {name: local_fmt, source: now_local, type: string,"
		" format: '%Y-%m-%d %H:%M:%S.%f%z|%Z|'}\n",
		in, &w);
	assert_int_equal(hy_schema_nfields(out->schema), 8);
	assert_int_equal(out->cols[2]->type.id, HY_TIMESTAMP);
	assert_string_equal(out->cols[2]->type.tz, "UTC");
	assert_int_equal(out->cols[2]->type.unit, HY_UNIT_MICRO);
	assert_int_equal(hy_column_get_i64(out->cols[2], 3), 1764205323123456LL);
	assert_string_equal(out->cols[3]->type.tz, ""); /* naive local wall time */
	assert_int_equal(hy_column_get_i64(out->cols[3], 0), 1764205323123456LL + 3600000000LL);
	/* Python: isoformat() and strftime() of the same instants */
	assert_str_at(out->cols[4], 0, "2025-11-27T01:02:03.123456+00:00");
	assert_str_at(out->cols[5], 0, "2025-11-27T02:02:03.123456");
	assert_str_at(out->cols[6], 0, "2025-11-27 01:02:03.123456+0000|UTC|331|Thu");
	assert_str_at(out->cols[7], 0, "2025-11-27 02:02:03.123456||");
	hy_batch_unref(out);
	hy_batch_unref(in);
}

/* ---- once per row, zero copy, the cached plan ---- */

/* D21: every batch of a flow is polished once, as the store writes it (no
 * re-polish of a remainder): each added column appears once per batch. */
static void test_polish_runs_once_per_row(void **state)
{
	struct hy_cfg_node *root = NULL;
	struct hy_polish_config cfg;
	struct hy_polisher *p = NULL;
	struct hy_batch *in = id_name_batch("User Id", "Name"), *slice = NULL, *out = NULL,
			*again = NULL;
	struct hy_error err = {0};
	struct warnings w = {0};

	(void)state;
	read_cfg("columns: {case: snake}\n"
		 "hash_ids: [{name: Row Hash, from_columns: [User Id]}]\n"
		 "constants: [{name: __rowMarker__, value: 4}]\n"
		 "timestamps: [{name: __LastLoadedAt__}]\n",
		 &root, &cfg);
	assert_int_equal(hy_polish_create(&p, &cfg, &err), 0);
	hy_polish_set_clock(p, fixed_clock, NULL);
	for (int64_t first = 0; first < 4; first += 2) {
		assert_int_equal(hy_batch_slice(in, first, 2, &slice, &err), 0);
		assert_int_equal(hy_polish_apply(p, slice, &out, collect, &w, &err), 0);
		assert_int_equal(hy_schema_nfields(out->schema), 5);
		assert_string_equal(field_name(out, 0), "row_hash");
		assert_string_equal(field_name(out, 1), "user_id");
		assert_string_equal(field_name(out, 2), "name");
		assert_string_equal(field_name(out, 3), "__rowMarker__"); /* added after renames */
		assert_string_equal(field_name(out, 4), "__LastLoadedAt__");
		assert_int_equal(hy_column_get_i64(out->cols[3], 1), 4);
		/* hashes of the slice's own rows (offsets honoured) */
		assert_str_at(out->cols[0], 0, first == 0 ? SHA_1 : SHA_EMPTY);
		assert_str_at(out->cols[0], 1, first == 0 ? SHA_2 : SHA_7);
		hy_batch_unref(slice);
		/* Why exactly once matters: these rules are not idempotent. A second
		 * pass renames the added columns and adds them (and the hash) again. */
		assert_int_equal(hy_polish_apply(p, out, &again, collect, &w, &err), 0);
		assert_int_equal(hy_schema_nfields(again->schema), 8);
		assert_string_equal(field_name(again, 1), "row_hash_1");
		hy_batch_unref(again);
		hy_batch_unref(out);
	}
	hy_polish_destroy(p);
	hy_polish_config_reset(&cfg);
	hy_cfg_node_destroy(root);
	hy_batch_unref(in);
}

static void test_renamed_batch_shares_buffers(void **state)
{
	struct hy_batch *in = id_name_batch("User Id", "Full Name"), *out;
	struct warnings w = {0};

	(void)state;
	out = polish_with("columns: {case: camel}\nconstants: [{name: k, value: 1}]", in, &w);
	assert_string_equal(field_name(out, 0), "userId");
	assert_string_equal(field_name(out, 1), "fullName");
	for (int i = 0; i < 2; i++) {
		assert_true(out->cols[i] == in->cols[i]);
		assert_true(out->cols[i]->values == in->cols[i]->values);
	}
	assert_true(out->cols[1]->data == in->cols[1]->data);
	hy_batch_unref(out);

	/* nothing to do: the same batch back */
	out = polish_with("columns: {remove_spaces: false}", in, &w);
	assert_true(out == in);
	hy_batch_unref(out);
	hy_batch_unref(in);
}

/* The plan is made once per schema: warnings once, the same output schema
 * for every batch, a new plan when the schema changes. */
static void test_plan_cached_per_schema(void **state)
{
	struct hy_cfg_node *root = NULL;
	struct hy_polish_config cfg;
	struct hy_polisher *p = NULL;
	struct hy_batch *a = id_name_batch("A b", "a_b"), *b = id_name_batch("x", "y");
	struct hy_batch *o1 = NULL, *o2 = NULL, *o3 = NULL;
	struct hy_error err = {0};
	struct warnings w = {0};

	(void)state;
	read_cfg("columns: {case: snake}\nconstants: [{name: k, value: 7}]", &root, &cfg);
	assert_int_equal(hy_polish_create(&p, &cfg, &err), 0);
	assert_int_equal(hy_polish_apply(p, a, &o1, collect, &w, &err), 0);
	assert_int_equal(hy_polish_apply(p, a, &o2, collect, &w, &err), 0);
	assert_int_equal(w.n, 1);
	assert_true(o1->schema == o2->schema);
	assert_int_equal(hy_polish_apply(p, b, &o3, collect, &w, &err), 0);
	assert_string_equal(field_name(o3, 0), "x");
	assert_int_equal(hy_schema_nfields(o3->schema), 3);
	/* the constant column is one cached column, sliced */
	assert_true(o1->cols[2]->values == o2->cols[2]->values);
	hy_batch_unref(o1);
	hy_batch_unref(o2);
	hy_batch_unref(o3);
	hy_polish_destroy(p);
	hy_polish_config_reset(&cfg);
	hy_cfg_node_destroy(root);
	hy_batch_unref(a);
	hy_batch_unref(b);
}

/* ---- failures ---- */

/* Unlike the reference, a failure fails the flow instead of writing
 * unpolished data. */
static void test_failures_are_returned(void **state)
{
	struct hy_cfg_node *root = NULL;
	struct hy_polish_config cfg;
	struct hy_polisher *p = NULL;
	struct hy_batch *in, *out = NULL;
	struct hy_column *cols[1];
	struct hy_dtype tt;
	struct hy_builder *b = NULL;
	struct hy_error err = {0};
	const char *names[] = {"t"};

	(void)state;
	assert_int_equal(hy_dtype_time(HY_UNIT_MICRO, &tt, &err), 0);
	assert_int_equal(hy_builder_create(&tt, &b, &err), 0);
	assert_int_equal(hy_builder_append_i64(b, 5, &err), 0);
	assert_int_equal(hy_builder_finish(b, &cols[0], &err), 0);
	hy_builder_destroy(b);
	in = mk_batch(names, cols, 1);
	read_cfg("hash_ids: [{name: h, from_columns: [t]}]", &root, &cfg);
	assert_int_equal(hy_polish_create(&p, &cfg, &err), 0);
	assert_int_equal(hy_polish_apply(p, in, &out, NULL, NULL, &err), HY_EUNSUPPORTED);
	assert_null(out);
	assert_string_equal(err.msg, "polish: hash id 'h': a time column cannot be hashed");
	hy_polish_destroy(p);
	hy_polish_config_reset(&cfg);
	hy_cfg_node_destroy(root);
	hy_batch_unref(in);

	/* a constant must be a scalar */
	hy_error_init(&err);
	read_cfg("constants: [{name: l, value: [1, 2]}]", &root, &cfg);
	assert_int_equal(hy_polish_create(&p, &cfg, &err), HY_ECONFIG);
	assert_non_null(strstr(err.msg, "polish constant 'l': the value must be a scalar"));
	hy_polish_config_reset(&cfg);
	hy_cfg_node_destroy(root);
}

static void test_under_alloc_failure(void **state)
{
	struct hy_cfg_node *root = NULL;
	struct hy_polish_config cfg;
	struct hy_polisher *p = NULL;
	struct hy_batch *in = id_name_batch("A b", "a_b"), *out = NULL;
	struct hy_error err;
	int rc;

	(void)state;
	read_cfg("columns: {case: snake, remove_special: true}\n"
		 "hash_ids: [{name: Row Hash, from_columns: [A b, nope]},"
		 " {name: h2, from_columns: [a_b, A b]}]\n"
		 "constants: [{name: k, value: x}]\n"
		 "timestamps: [{name: t, type: string, format: '%Y %f'}, {name: u}]\n",
		 &root, &cfg);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_polish_create(&p, &cfg, &err);
		if (rc == 0) {
			hy_polish_set_clock(p, fixed_clock, NULL);
			rc = hy_polish_apply(p, in, &out, NULL, NULL, &err);
		}
		if (rc == 0) {
			assert_int_equal(hy_schema_nfields(out->schema), 6);
			assert_string_equal(field_name(out, 0), "h2");
		} else {
			assert_null(out);
		}
		hy_batch_unref(out);
		out = NULL;
		hy_polish_destroy(p);
		p = NULL;
	});
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_polish_config c2;

		hy_error_init(&err);
		rc = hy_polish_config_read(root, NULL, &c2, &err);
		hy_polish_config_reset(&c2);
	});
	hy_polish_config_reset(&cfg);
	hy_cfg_node_destroy(root);
	hy_batch_unref(in);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_dictionary_form_input),
	cmocka_unit_test(test_word_splitting),
	cmocka_unit_test(test_case_rules),
	cmocka_unit_test(test_remove_special_and_spaces),
	cmocka_unit_test(test_collisions_are_suffixed_and_warned),
	cmocka_unit_test(test_collision_suffix_skips_taken_names),
	cmocka_unit_test(test_hash_ids_hex_and_null),
	cmocka_unit_test(test_hash_ids_raw_bytes),
	cmocka_unit_test(test_hash_source_matching_and_skips),
	cmocka_unit_test(test_constants_and_row_marker),
	cmocka_unit_test(test_timestamps_with_fixed_clock),
	cmocka_unit_test(test_polish_runs_once_per_row),
	cmocka_unit_test(test_renamed_batch_shares_buffers),
	cmocka_unit_test(test_plan_cached_per_schema),
	cmocka_unit_test(test_failures_are_returned),
	cmocka_unit_test(test_under_alloc_failure),
};
HY_TEST_MAIN(tests)
