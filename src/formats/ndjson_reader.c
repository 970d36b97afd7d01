/* NDJSON reader: one JSON object per line (ndjson_scan.c scans each line
 * in place, no tree, no allocation per value), blank lines skipped, a schema inferred from the
 * first infer_schema_rows objects (or given), then the file is read again from the start into
 * builders.
 *
 * Per key the sample records which JSON kinds it saw (null does not vote):
 * only booleans -> bool; only integers -> int64; integers and reals ->
 * float64; anything else (strings, nested objects/arrays, integers past
 * int64, mixtures) -> string, where a non-string value is kept as its JSON
 * text exactly as written. Keys
 * are ordered as first seen; a key absent from a row is null; a key that
 * first appears after the sample is ignored. */
#include <stdio.h>
#include <string.h>

#include "fmt_int.h"
#include "hygge/alloc.h"

enum { J_BOOL = 1, J_INT = 2, J_REAL = 4, J_STR = 8, J_NESTED = 16, J_BIG = 32 };

struct hy_ndjson_reader {
	struct hy__src src;
	struct hy_buf line; /* the current line */
	int64_t line_no;    /* of the current line */
	int64_t next_line;  /* of the next line to read */
	long infer_rows;
	struct hy_fmt_override *ov;
	size_t n_ov;
	struct hy_schema *schema;
	size_t ncols;
	struct hy_builder **builders;
	bool *filled;
	struct hy__json_obj obj;     /* the current line's members */
	char key[HY_MAX_FIELD_NAME]; /* NUL-terminated key for lookups */
	int failed;
	bool at_end;
};

void hy_ndjson_options_init(struct hy_ndjson_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->infer_schema_rows = HY_FMT_DEFAULT_INFER_ROWS;
	opts->max_line_bytes = HY_FMT_DEFAULT_MAX_LINE;
	opts->block_size = HY_FMT_DEFAULT_BLOCK;
}

static bool blank(const struct hy_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\t' && b->data[i] != '\r')
			return false;
	return true;
}

/* The next non-blank line into r->line (without its LF); *got false at end. */
static int read_line(struct hy_ndjson_reader *r, bool *got, struct hy_error *err)
{
	struct hy__src *s = &r->src;

	*got = false;
	for (;;) {
		bool ended = false;

		hy_buf_clear(&r->line);
		r->line_no = r->next_line;
		while (!ended) {
			const uint8_t *p, *nl;
			size_t n;

			HY_TRY(hy__src_fill(s, err));
			if (s->eof)
				break;
			p = s->buf + s->pos;
			nl = memchr(p, '\n', s->len - s->pos);
			n = nl ? (size_t)(nl - p) : s->len - s->pos;
			if (hy_buf_append(&r->line, p, n, err) != 0) {
				hy_error_prefix(err, "%s:%lld: line too long", s->name,
						(long long)r->line_no);
				return err->code;
			}
			s->pos += n + (nl != NULL);
			ended = nl != NULL;
		}
		if (!ended && r->line.len == 0)
			return 0; /* end of input */
		r->next_line++;
		if (!blank(&r->line)) {
			*got = true;
			return 0;
		}
	}
}

static int parse_line(struct hy_ndjson_reader *r, struct hy_error *err)
{
	struct hy_error scratch = {0};
	int rc = hy__json_scan_object(&r->obj, (const char *)r->line.data, r->line.len, &scratch);

	if (rc != 0)
		return hy_error_set(err, rc, "%s:%lld: %s", r->src.name, (long long)r->line_no,
				    scratch.msg);
	return 0;
}

/* ---- inference ---- */

struct infer {
	char **names;
	unsigned *kinds;
	size_t n, cap;
};

static void infer_reset(struct infer *inf)
{
	for (size_t i = 0; i < inf->n; i++)
		hy_free(inf->names[i]);
	hy_free(inf->names);
	hy_free(inf->kinds);
	memset(inf, 0, sizeof(*inf));
}

static unsigned json_kind(enum hy__json_kind k)
{
	switch (k) {
	case HY__J_BOOL: return J_BOOL;
	case HY__J_INT: return J_INT;
	case HY__J_BIGINT: return J_BIG;
	case HY__J_REAL: return J_REAL;
	case HY__J_STR: return J_STR;
	case HY__J_NULL: return 0;
	default: return J_NESTED;
	}
}

static bool name_is(const char *name, struct hy_str key)
{
	return strncmp(name, key.ptr, key.len) == 0 && name[key.len] == 0;
}

static int infer_key(struct infer *inf, size_t hint, struct hy_str key, unsigned kind,
		     struct hy_error *err)
{
	size_t i = hint;

	if (i >= inf->n || !name_is(inf->names[i], key))
		for (i = 0; i < inf->n && !name_is(inf->names[i], key); i++)
			;
	if (i == inf->n) {
		if (inf->n == inf->cap) {
			size_t cap = inf->cap ? inf->cap * 2 : 16;
			char **names;
			unsigned *kinds;

			if (inf->n >= HY_MAX_FIELDS)
				return hy_error_set(err, HY_ELIMIT, "more than %d keys",
						    HY_MAX_FIELDS);
			names = hy_realloc(inf->names, cap * sizeof(*names));
			if (names == NULL)
				return hy_error_set(err, HY_ENOMEM, "out of memory inferring keys");
			inf->names = names;
			kinds = hy_realloc(inf->kinds, cap * sizeof(*kinds));
			if (kinds == NULL)
				return hy_error_set(err, HY_ENOMEM, "out of memory inferring keys");
			inf->kinds = kinds;
			inf->cap = cap;
		}
		inf->names[inf->n] = hy_strndup(key.ptr, key.len);
		if (inf->names[inf->n] == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory inferring keys");
		inf->kinds[inf->n++] = 0;
	}
	inf->kinds[i] |= kind;
	return 0;
}

static struct hy_dtype kinds_type(unsigned k)
{
	if (k == J_BOOL)
		return hy_dtype_simple(HY_BOOL);
	if (k == J_INT)
		return hy_dtype_simple(HY_INT64);
	if (k == J_REAL || k == (J_INT | J_REAL))
		return hy_dtype_simple(HY_FLOAT64);
	return hy_dtype_simple(HY_STRING);
}

static int sample(struct hy_ndjson_reader *r, struct infer *inf, struct hy_error *err)
{
	for (long rows = 0; rows < r->infer_rows; rows++) {
		bool got;
		int rc = 0;

		HY_TRY(read_line(r, &got, err));
		if (!got)
			break;
		HY_TRY(parse_line(r, err));
		for (size_t m = 0; m < r->obj.n && rc == 0; m++)
			rc = infer_key(inf, m, hy__json_key(&r->obj, &r->obj.members[m]),
				       json_kind(r->obj.members[m].kind), err);
		if (rc != 0) {
			hy_error_prefix(err, "%s:%lld", r->src.name, (long long)r->line_no);
			return rc;
		}
	}
	return 0;
}

static int build_schema(struct hy_ndjson_reader *r, const struct infer *inf, struct hy_error *err)
{
	struct hy_field *fields = hy_calloc(inf->n + 1, sizeof(*fields));
	int rc;

	if (fields == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory inferring keys");
	rc = hy__overrides_check(r->ov, r->n_ov, inf->names, inf->n, err);
	for (size_t i = 0; i < inf->n && rc == 0; i++) {
		int found = hy__override_find(r->ov, r->n_ov, inf->names[i], &fields[i].type, err);

		if (found < 0)
			rc = err->code;
		else if (found == 0)
			fields[i].type = kinds_type(inf->kinds[i]);
		else
			rc = hy__check_text_type(inf->names[i], &fields[i].type, err);
		fields[i].name = inf->names[i];
		fields[i].nullable = true;
	}
	if (rc == 0)
		rc = hy_schema_create(fields, inf->n, &r->schema, err);
	hy_free(fields);
	if (rc != 0)
		hy_error_prefix(err, "%s", r->src.name);
	return rc;
}

/* ---- open ---- */

static int copy_overrides(struct hy_ndjson_reader *r, const struct hy_ndjson_options *o,
			  struct hy_error *err)
{
	if (o->n_schema == 0)
		return 0;
	r->ov = hy_calloc(o->n_schema, sizeof(*r->ov));
	if (r->ov == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening an NDJSON reader");
	for (; r->n_ov < o->n_schema; r->n_ov++) {
		struct hy_fmt_override *d = &r->ov[r->n_ov];

		d->column = hy_strdup(o->schema[r->n_ov].column);
		d->type = hy_strdup(o->schema[r->n_ov].type);
		if (d->column == NULL || d->type == NULL) {
			r->n_ov++;
			return hy_error_set(err, HY_ENOMEM,
					    "out of memory opening an NDJSON reader");
		}
	}
	return 0;
}

static int rewind_reader(struct hy_ndjson_reader *r, struct hy_error *err)
{
	r->next_line = 1;
	r->line_no = 1;
	return hy__src_rewind(&r->src, err);
}

static int setup(struct hy_ndjson_reader *r, struct hy_schema *schema, struct hy_error *err)
{
	HY_TRY(rewind_reader(r, err));
	if (schema == NULL) {
		struct infer inf = {0};
		int rc = sample(r, &inf, err);

		if (rc == 0)
			rc = build_schema(r, &inf, err);
		infer_reset(&inf);
		HY_TRY(rc);
		HY_TRY(rewind_reader(r, err));
	} else {
		r->schema = hy_schema_ref(schema);
	}
	r->ncols = hy_schema_nfields(r->schema);
	r->builders = hy_calloc(r->ncols + 1, sizeof(struct hy_builder *));
	r->filled = hy_calloc(r->ncols + 1, sizeof(*r->filled));
	if (r->builders == NULL || r->filled == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening %s", r->src.name);
	for (size_t i = 0; i < r->ncols; i++) {
		const struct hy_field *f = hy_schema_field(r->schema, i);

		HY_TRY(hy__check_text_type(f->name, &f->type, err));
		HY_TRY(hy_builder_create(&f->type, &r->builders[i], err));
	}
	return 0;
}

static int open_common(struct hy_ndjson_reader **out, const char *path, const void *data,
		       size_t size, const char *name, const struct hy_ndjson_options *opts,
		       struct hy_schema *schema, struct hy_error *err)
{
	struct hy_ndjson_options defaults;
	struct hy_ndjson_reader *r;
	int rc;

	*out = NULL;
	if (opts == NULL) {
		hy_ndjson_options_init(&defaults);
		opts = &defaults;
	}
	if (opts->infer_schema_rows < 0)
		return hy_error_set(err, HY_ECONFIG,
				    "format_options.infer_schema_rows must be 0 or more");
	r = hy_calloc(1, sizeof(*r));
	if (r == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening an NDJSON reader");
	r->src.fd = -1;
	r->infer_rows = opts->infer_schema_rows;
	hy_buf_init(&r->line,
		    opts->max_line_bytes ? opts->max_line_bytes : HY_FMT_DEFAULT_MAX_LINE);
	hy__json_obj_init(&r->obj, r->line.max);
	rc = copy_overrides(r, opts, err);
	if (rc == 0)
		rc = path ? hy__src_open_path(&r->src, path, opts->block_size, err)
			  : hy__src_open_mem(&r->src, data, size, name, opts->block_size, err);
	if (rc == 0)
		rc = setup(r, schema, err);
	if (rc != 0) {
		hy_ndjson_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int hy_ndjson_reader_open(struct hy_ndjson_reader **out, const char *path,
			  const struct hy_ndjson_options *opts, struct hy_error *err)
{
	return open_common(out, path, NULL, 0, NULL, opts, NULL, err);
}

int hy_ndjson_reader_open_mem(struct hy_ndjson_reader **out, const void *data, size_t size,
			      const char *name, const struct hy_ndjson_options *opts,
			      struct hy_schema *schema, struct hy_error *err)
{
	return open_common(out, NULL, data, size, name ? name : "<memory>", opts, schema, err);
}

struct hy_schema *hy_ndjson_reader_schema(const struct hy_ndjson_reader *r)
{
	return r->schema;
}

/* ---- rows ---- */

static int mismatch(const struct hy_dtype *t, struct hy_str v, struct hy_error *err)
{
	char tname[64];
	int q = v.len > HY__QUOTE_MAX ? HY__QUOTE_MAX : (int)v.len;

	hy_dtype_format(t, tname, sizeof(tname));
	return hy_error_set(err, HY_EFORMAT, "cannot read %.*s%s as %s", q, v.ptr,
			    v.len > HY__QUOTE_MAX ? "..." : "", tname);
}

/* One member's value into its column's builder. Strings go through the text
 * parsers (so a date or decimal override reads "2024-01-02" or "12.50");
 * numbers go through them too, for range checks and exact decimals. */
static int append_value(struct hy_builder *b, const struct hy__json_obj *obj,
			const struct hy__json_member *m, struct hy_error *err)
{
	const struct hy_dtype *t = hy_builder_type(b);
	struct hy_str v = hy__json_value(obj, m);
	bool numeric = t->id == HY_DECIMAL || (t->id >= HY_INT8 && t->id <= HY_FLOAT64);

	switch (m->kind) {
	case HY__J_NULL: return hy_builder_append_null(b, err);
	case HY__J_STR:
		if (t->id == HY_STRING) /* the scanner checked the UTF-8 */
			return hy_builder_append_str(b, v.ptr, v.len, err);
		return hy__append_text(b, v.ptr, v.len, err);
	case HY__J_BOOL:
		if (t->id == HY_BOOL)
			return hy_builder_append_bool(b, v.ptr[0] == 't', err);
		break;
	case HY__J_INT:
	case HY__J_BIGINT:
	case HY__J_REAL:
		if (numeric)
			return hy__append_text(b, v.ptr, v.len, err);
		break;
	case HY__J_NESTED: break;
	}
	if (t->id == HY_STRING)
		return hy_builder_append_str(b, v.ptr, v.len, err); /* the JSON text */
	return mismatch(t, v, err);
}

static long find_column(struct hy_ndjson_reader *r, size_t pos, struct hy_str key)
{
	/* rows usually list keys in schema order: try that position first */
	if (pos < r->ncols && name_is(hy_schema_field(r->schema, pos)->name, key))
		return (long)pos;
	if (key.len >= sizeof(r->key))
		return -1; /* longer than any column name */
	memcpy(r->key, key.ptr, key.len);
	r->key[key.len] = 0;
	return hy_schema_find(r->schema, r->key);
}

static int append_row(struct hy_ndjson_reader *r, struct hy_error *err)
{
	memset(r->filled, 0, r->ncols * sizeof(*r->filled));
	for (size_t m = 0; m < r->obj.n; m++) {
		const struct hy__json_member *mem = &r->obj.members[m];
		struct hy_str key = hy__json_key(&r->obj, mem);
		long i = find_column(r, m, key);
		struct hy_error scratch = {0};
		int rc;

		if (i < 0)
			continue; /* not in the schema: ignored */
		if (r->filled[i])
			return hy_error_set(err, HY_EFORMAT, "%s:%lld: key '%s' appears twice",
					    r->src.name, (long long)r->line_no,
					    hy_schema_field(r->schema, (size_t)i)->name);
		r->filled[i] = true;
		rc = append_value(r->builders[i], &r->obj, mem, &scratch);
		if (rc != 0)
			return hy_error_set(
				err, rc, "%s:%lld: key '%s': %s%s", r->src.name,
				(long long)r->line_no, hy_schema_field(r->schema, (size_t)i)->name,
				scratch.msg,
				rc == HY_EFORMAT ? " (set format_options.schema for this key to "
						   "read it as another type, e.g. string)"
						 : "");
	}
	for (size_t i = 0; i < r->ncols; i++)
		if (!r->filled[i])
			HY_TRY(hy_builder_append_null(r->builders[i], err));
	return 0;
}

static int finish_batch(struct hy_ndjson_reader *r, int64_t nrows, struct hy_batch **out,
			struct hy_error *err)
{
	struct hy_column **cols = hy_calloc(r->ncols + 1, sizeof(struct hy_column *));
	int rc = 0;

	if (cols == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory reading %s", r->src.name);
	for (size_t i = 0; i < r->ncols && rc == 0; i++)
		rc = hy_builder_finish(r->builders[i], &cols[i], err);
	if (rc == 0)
		rc = hy_batch_create(r->schema, cols, nrows, out, err);
	for (size_t i = 0; i < r->ncols; i++)
		hy_column_unref(cols[i]);
	hy_free(cols);
	return rc;
}

int hy_ndjson_reader_next_batch(struct hy_ndjson_reader *r, int64_t max_rows, struct hy_batch **out,
				struct hy_error *err)
{
	int64_t nrows = 0;
	int rc = 0;

	*out = NULL;
	if (r->failed)
		return hy_error_set(err, r->failed, "%s: the reader failed before", r->src.name);
	if (max_rows < 1)
		return hy_error_set(err, HY_EINVAL, "max_rows must be at least 1");
	if (r->at_end || r->ncols == 0)
		return 0;
	while (nrows < max_rows && rc == 0) {
		bool got;

		rc = read_line(r, &got, err);
		if (rc != 0)
			break;
		if (!got) {
			r->at_end = true;
			break;
		}
		rc = parse_line(r, err);
		if (rc == 0)
			rc = append_row(r, err);
		nrows++;
	}
	if (rc == 0 && nrows > 0)
		rc = finish_batch(r, nrows, out, err);
	if (rc != 0)
		r->failed = rc;
	return rc;
}

void hy_ndjson_reader_close(struct hy_ndjson_reader *r)
{
	if (r == NULL)
		return;
	hy__src_close(&r->src);
	hy_buf_reset(&r->line);
	hy__json_obj_reset(&r->obj);
	for (size_t i = 0; i < r->n_ov; i++) {
		hy_free((char *)r->ov[i].column);
		hy_free((char *)r->ov[i].type);
	}
	hy_free(r->ov);
	if (r->builders != NULL)
		for (size_t i = 0; i < r->ncols; i++)
			hy_builder_destroy(r->builders[i]);
	hy_free(r->builders);
	hy_free(r->filled);
	hy_schema_unref(r->schema);
	hy_free(r);
}
