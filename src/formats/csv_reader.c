/* Streaming CSV reader: RFC 4180 state machine over blocks, rows into
 * column builders. The state machine (docs/internals/formats.md):
 *
 *   START --quote--> Q --quote--> QQ --quote--> Q   ("" is one quote)
 *   START --other--> UNQ          QQ --sep/EOL--> field ends
 *   START/UNQ --sep--> field ends, START; --LF/CR/CRLF--> row ends
 *   QQ --other--> error "unexpected ... after a closing quote"
 *
 * The bytes of a row's fields are copied into one reused row buffer (so a
 * field may span blocks), runs of ordinary bytes at a time; values go from
 * there straight into the builders. Nothing is allocated per value. */
#include <string.h>
#include <strings.h>

#include "fmt_int.h"
#include "hygge/alloc.h"

#define FIELDS_INIT 16

static const uint8_t bom_bytes[3] = {0xEF, 0xBB, 0xBF};

void hy_csv_options_init(struct hy_csv_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->separator = ',';
	opts->quote_char = '"';
	opts->has_header = true;
	opts->infer_schema_rows = HY_FMT_DEFAULT_INFER_ROWS;
	opts->max_field_bytes = HY_FMT_DEFAULT_MAX_FIELD;
	opts->max_row_bytes = HY_FMT_DEFAULT_MAX_LINE;
	opts->block_size = HY_FMT_DEFAULT_BLOCK;
}

static int check_options(const struct hy_csv_options *o, struct hy_error *err)
{
	if (o->encoding != NULL && strcasecmp(o->encoding, "utf8") != 0 &&
	    strcasecmp(o->encoding, "utf-8") != 0)
		return hy_error_set(err, HY_EUNSUPPORTED,
				    "encoding '%s' is not supported: hygge reads UTF-8 CSV "
				    "(convert the file, e.g. iconv -f %s -t UTF-8)",
				    o->encoding, o->encoding);
	if (o->separator == '\n' || o->separator == '\r' || o->separator == 0)
		return hy_error_set(err, HY_ECONFIG,
				    "format_options.separator cannot be a "
				    "line break or NUL");
	if (o->quote_char == o->separator || o->quote_char == '\n' || o->quote_char == '\r')
		return hy_error_set(err, HY_ECONFIG,
				    "format_options.quote_char must differ from the separator "
				    "and line breaks");
	if (o->infer_schema_rows < 0)
		return hy_error_set(err, HY_ECONFIG,
				    "format_options.infer_schema_rows must be 0 or more");
	return 0;
}

int hy__csv_reader_new(struct hy_csv_reader **out, const struct hy_csv_options *opts,
		       struct hy_error *err)
{
	struct hy_csv_reader *r;
	struct hy_csv_options defaults;

	*out = NULL;
	if (opts == NULL) {
		hy_csv_options_init(&defaults);
		opts = &defaults;
	}
	HY_TRY(check_options(opts, err));
	r = hy_calloc(1, sizeof(*r));
	if (r == NULL) {
		hy_error_set(err, HY_ENOMEM, "out of memory opening a CSV reader");
		return HY_ENOMEM;
	}
	r->src.fd = -1;
	r->sep = opts->separator;
	r->quote = opts->quote_char;
	r->has_header = opts->has_header;
	r->max_field = opts->max_field_bytes ? opts->max_field_bytes : HY_FMT_DEFAULT_MAX_FIELD;
	r->infer_rows = opts->infer_schema_rows;
	r->max_row = opts->max_row_bytes ? opts->max_row_bytes : HY_FMT_DEFAULT_MAX_LINE;
	r->pool = opts->pool;
	hy_buf_init(&r->row, r->max_row);
	*out = r;
	if (opts->n_null_values > 0) {
		r->null_values = hy_calloc(opts->n_null_values, sizeof(char *));
		r->null_lens = hy_calloc(opts->n_null_values, sizeof(size_t));
		if (r->null_values == NULL || r->null_lens == NULL)
			goto oom;
		for (; r->n_null < opts->n_null_values; r->n_null++) {
			r->null_values[r->n_null] = hy_strdup(opts->null_values[r->n_null]);
			if (r->null_values[r->n_null] == NULL)
				goto oom;
			r->null_lens[r->n_null] = strlen(r->null_values[r->n_null]);
		}
	}
	if (opts->n_schema > 0) {
		r->ov = hy_calloc(opts->n_schema, sizeof(*r->ov));
		if (r->ov == NULL)
			goto oom;
		for (; r->n_ov < opts->n_schema; r->n_ov++) {
			struct hy_fmt_override *o = &r->ov[r->n_ov];

			o->column = hy_strdup(opts->schema[r->n_ov].column);
			o->type = hy_strdup(opts->schema[r->n_ov].type);
			if (o->column == NULL || o->type == NULL) {
				r->n_ov++;
				goto oom;
			}
		}
	}
	r->fields = hy_malloc(FIELDS_INIT * sizeof(*r->fields));
	if (r->fields == NULL)
		goto oom;
	r->fields_cap = FIELDS_INIT;
	return 0;
oom:
	hy_csv_reader_close(r);
	*out = NULL;
	hy_error_set(err, HY_ENOMEM, "out of memory opening a CSV reader");
	return HY_ENOMEM; /* spelled out: the analyzer cannot see hy_error_set's result */
}

int hy__csv_restart(struct hy_csv_reader *r, struct hy_error *err)
{
	r->line = 1;
	r->col = 1;
	r->bom = 0;
	r->skip_lf = false;
	r->blank_is_row = false;
	r->at_end = false;
	return hy__src_rewind(&r->src, err);
}

bool hy__csv_is_null(const struct hy_csv_reader *r, const struct hy__csv_field *f)
{
	const char *p = hy__csv_field_ptr(r, f);

	if (f->len == 0 && !f->quoted)
		return true;
	for (size_t i = 0; i < r->n_null; i++)
		if (strlen(r->null_values[i]) == f->len &&
		    memcmp(r->null_values[i], p, f->len) == 0)
			return true;
	return false;
}

/* ---- the state machine ---- */

struct parse {
	enum hy__csv_state state;
	size_t field_start; /* in row buffer */
	bool quoted;
	bool any; /* bytes seen in this row (other than its line break) */
};

static int end_field(struct hy_csv_reader *r, struct parse *ps, struct hy_error *err)
{
	if (r->nfields == r->fields_cap) {
		size_t cap = r->fields_cap * 2;
		struct hy__csv_field *f;

		if (r->fields_cap > HY_MAX_FIELDS)
			return hy_error_set(err, HY_ELIMIT, "%s:%lld: more than %d fields in a row",
					    r->src.name, (long long)r->row_line, HY_MAX_FIELDS);
		f = hy_realloc(r->fields, cap * sizeof(*f));
		if (f == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory reading %s",
					    r->src.name);
		r->fields = f;
		r->fields_cap = cap;
	}
	r->fields[r->nfields++] =
		(struct hy__csv_field){ps->field_start, r->row.len - ps->field_start, ps->quoted};
	ps->field_start = r->row.len;
	ps->quoted = false;
	ps->state = HY__CSV_START;
	return 0;
}

static int append_run(struct hy_csv_reader *r, struct parse *ps, const uint8_t *p, size_t n,
		      struct hy_error *err)
{
	if (r->row.len - ps->field_start + n > r->max_field)
		return hy_error_set(err, HY_ELIMIT,
				    "%s:%lld: a field is longer than %zu bytes "
				    "(format_options.max_field_bytes)",
				    r->src.name, (long long)r->row_line, r->max_field);
	if (hy_buf_append(&r->row, p, n, err) != 0) {
		hy_error_prefix(err, "%s:%lld: row too long", r->src.name, (long long)r->row_line);
		return err->code;
	}
	return 0;
}

/* Length of the run of bytes in [p, end) that need no state change. */
static size_t plain_run(const uint8_t *p, const uint8_t *end, int a, int b, int c)
{
	const uint8_t *q = p;

	while (q < end && *q != a && *q != b && *q != c && *q != '\n')
		q++;
	return (size_t)(q - p);
}

static void newline(struct hy_csv_reader *r)
{
	r->line++;
	r->col = 1;
}

/* Handles the BOM prefix; true when byte `c` was consumed by it. A partial
 * BOM followed by something else was data after all: its bytes go back
 * into the first field. */
static int eat_bom(struct hy_csv_reader *r, struct parse *ps, int c, bool *eaten,
		   struct hy_error *err)
{
	int matched = r->bom;

	*eaten = false;
	if (c >= 0 && c == bom_bytes[r->bom]) {
		r->bom++;
		*eaten = true;
		return 0;
	}
	r->bom = 3;
	if (matched == 0)
		return 0;
	ps->state = HY__CSV_UNQ;
	ps->any = true;
	r->col += matched;
	return append_run(r, ps, bom_bytes, (size_t)matched, err);
}

int hy__csv_read_row(struct hy_csv_reader *r, bool *got, struct hy_error *err)
{
	struct parse ps = {HY__CSV_START, 0, false, false};
	struct hy__src *s = &r->src;
	int rc;

	*got = false;
	hy_buf_clear(&r->row);
	r->nfields = 0;
	r->row_line = r->line;
	for (;;) {
		const uint8_t *p, *end;
		uint8_t c;

		if (s->pos == s->len) {
			HY_TRY(hy__src_fill(s, err));
			if (s->eof)
				break;
		}
		p = s->buf + s->pos;
		end = s->buf + s->len;
		c = *p;
		if (r->skip_lf) {
			r->skip_lf = false;
			if (c == '\n') {
				s->pos++;
				continue;
			}
		}
		if (r->bom < 3) {
			bool eaten;

			HY_TRY(eat_bom(r, &ps, c, &eaten, err));
			if (eaten) {
				s->pos++;
				continue;
			}
		}
		switch (ps.state) {
		case HY__CSV_START:
		case HY__CSV_UNQ:
		case HY__CSV_QQ:
			if (c == (uint8_t)r->sep) {
				ps.any = true;
				HY_TRY(end_field(r, &ps, err));
				break;
			}
			if (c == '\n' || c == '\r') {
				s->pos++;
				newline(r);
				r->skip_lf = c == '\r';
				if (!ps.any && ps.state == HY__CSV_START && r->nfields == 0 &&
				    !r->blank_is_row) {
					r->row_line = r->line; /* blank line: skipped */
					continue;
				}
				HY_TRY(end_field(r, &ps, err));
				*got = true;
				return 0;
			}
			ps.any = true;
			if (ps.state == HY__CSV_QQ) {
				if (c == (uint8_t)r->quote) {
					HY_TRY(append_run(r, &ps, p, 1, err));
					ps.state = HY__CSV_Q;
					break;
				}
				return hy_error_set(
					err, HY_EFORMAT,
					"%s:%lld:%lld: unexpected '%c' after a closing "
					"quote (a quote inside a quoted field is written "
					"as two quotes)",
					r->src.name, (long long)r->line, (long long)r->col,
					c >= 0x20 && c < 0x7f ? c : '?');
			}
			if (ps.state == HY__CSV_START && r->quote != 0 && c == (uint8_t)r->quote) {
				ps.state = HY__CSV_Q;
				ps.quoted = true;
				r->qline = r->line;
				r->qcol = r->col;
				break;
			}
			/* unquoted bytes: a quote in the middle is kept as data */
			ps.state = HY__CSV_UNQ;
			{
				size_t n = plain_run(p, end, r->sep, '\r', '\r');

				if (n == 0)
					n = 1;
				HY_TRY(append_run(r, &ps, p, n, err));
				s->pos += n;
				r->col += (int64_t)n;
			}
			continue;
		case HY__CSV_Q:
			ps.any = true;
			if (c == (uint8_t)r->quote) {
				ps.state = HY__CSV_QQ;
				break;
			}
			if (c == '\n') {
				HY_TRY(append_run(r, &ps, p, 1, err));
				s->pos++;
				newline(r);
				continue;
			}
			{
				size_t n = plain_run(p, end, r->quote, r->quote, r->quote);

				HY_TRY(append_run(r, &ps, p, n, err));
				s->pos += n;
				r->col += (int64_t)n;
			}
			continue;
		}
		s->pos++;
		r->col++;
	}
	/* end of input */
	if (r->bom < 3) {
		bool eaten;

		HY_TRY(eat_bom(r, &ps, -1, &eaten, err));
	}
	if (ps.state == HY__CSV_Q)
		return hy_error_set(err, HY_EFORMAT,
				    "%s:%lld:%lld: unterminated quoted field (the quote opened "
				    "here is never closed)",
				    r->src.name, (long long)r->qline, (long long)r->qcol);
	if (!ps.any && r->nfields == 0)
		return 0;
	rc = end_field(r, &ps, err);
	if (rc == 0)
		*got = true;
	return rc;
}

/* ---- open / batches / close ---- */

static int create_builders(struct hy_csv_reader *r, struct hy_error *err)
{
	r->ncols = hy_schema_nfields(r->schema);
	r->blank_is_row = r->ncols == 1;
	if (r->ncols == 0)
		return 0;
	r->builders = hy_calloc(r->ncols, sizeof(struct hy_builder *));
	r->hint_bytes = hy_calloc(r->ncols, sizeof(int64_t));
	if (r->builders == NULL || r->hint_bytes == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening %s", r->src.name);
	for (size_t i = 0; i < r->ncols; i++) {
		const struct hy_field *f = hy_schema_field(r->schema, i);

		HY_TRY(hy__check_text_type(f->name, &f->type, err));
		HY_TRY(hy_builder_create(&f->type, &r->builders[i], err));
	}
	return 0;
}

/* With a given schema: the header (when there is one) must name its columns
 * in order; then the reader stands at the first data row. */
static int check_header(struct hy_csv_reader *r, struct hy_error *err)
{
	char **names = NULL;
	bool got;
	size_t n = hy_schema_nfields(r->schema);
	int rc;

	if (!r->has_header)
		return 0;
	HY_TRY(hy__csv_read_row(r, &got, err));
	if (!got)
		return 0; /* an empty file: zero rows */
	HY_TRY(hy__csv_names(r, true, &names, err));
	rc = 0;
	for (size_t i = 0; i < r->nfields || i < n; i++) {
		const char *want = i < n ? hy_schema_field(r->schema, i)->name : NULL;
		const char *have = i < r->nfields ? names[i] : NULL;

		if (want == NULL || have == NULL || strcmp(want, have) != 0) {
			rc = hy_error_set(
				err, HY_EFORMAT,
				"%s:%lld: header column %zu is '%s' where the other files "
				"of this entity have '%s'",
				r->src.name, (long long)r->row_line, i + 1,
				have ? have : "(missing)", want ? want : "(none)");
			break;
		}
	}
	hy__csv_names_free(names, r->nfields);
	return rc;
}

static int open_common(struct hy_csv_reader *r, struct hy_schema *schema, struct hy_error *err)
{
	HY_TRY(hy__csv_restart(r, err));
	if (schema == NULL) {
		struct hy__csv_infer inf = {0};
		int rc = hy__csv_sample(r, &inf, err);

		if (rc == 0)
			rc = hy__csv_infer_schema(r, &inf, &r->schema, err);
		hy__csv_infer_reset(&inf);
		HY_TRY(rc);
		HY_TRY(hy__csv_restart(r, err));
		if (r->has_header) {
			bool got;

			HY_TRY(hy__csv_read_row(r, &got, err));
		}
	} else {
		r->schema = hy_schema_ref(schema);
		HY_TRY(check_header(r, err));
	}
	return create_builders(r, err);
}

int hy_csv_reader_open_schema(struct hy_csv_reader **out, const char *path,
			      const struct hy_csv_options *opts, struct hy_schema *schema,
			      struct hy_error *err)
{
	struct hy_csv_reader *r = NULL;
	int rc;

	*out = NULL;
	rc = hy__csv_reader_new(&r, opts, err);
	if (rc == 0)
		rc = hy__src_open_path(&r->src, path, opts ? opts->block_size : 0, err);
	if (rc == 0)
		rc = open_common(r, schema, err);
	if (rc != 0) {
		hy_csv_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int hy_csv_reader_open(struct hy_csv_reader **out, const char *path,
		       const struct hy_csv_options *opts, struct hy_error *err)
{
	return hy_csv_reader_open_schema(out, path, opts, NULL, err);
}

int hy_csv_reader_open_mem(struct hy_csv_reader **out, const void *data, size_t size,
			   const char *name, const struct hy_csv_options *opts,
			   struct hy_schema *schema, struct hy_error *err)
{
	struct hy_csv_reader *r = NULL;
	int rc;

	*out = NULL;
	rc = hy__csv_reader_new(&r, opts, err);
	if (rc == 0)
		rc = hy__src_open_mem(&r->src, data, size, name, opts ? opts->block_size : 0, err);
	if (rc == 0)
		rc = open_common(r, schema, err);
	if (rc != 0) {
		hy_csv_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

struct hy_schema *hy_csv_reader_schema(const struct hy_csv_reader *r)
{
	return r->schema;
}

int hy__csv_value_error(const struct hy_csv_reader *r, int64_t line, size_t i, int rc,
			const struct hy_error *cause, struct hy_error *err)
{
	return hy_error_set(err, rc, "%s:%lld: column '%s' (field %zu): %s%s", r->src.name,
			    (long long)line, hy_schema_field(r->schema, i)->name, i + 1, cause->msg,
			    rc == HY_EFORMAT ? " (set format_options.schema for this column to "
					       "read it as another type, e.g. string)"
					     : "");
}

int hy__csv_append_row(struct hy_csv_reader *r, struct hy_error *err)
{
	if (r->nfields != r->ncols)
		return hy_error_set(err, HY_EFORMAT,
				    "%s:%lld: expected %zu fields (as in the %s), found %zu",
				    r->src.name, (long long)r->row_line, r->ncols,
				    r->has_header ? "header" : "first row", r->nfields);
	for (size_t i = 0; i < r->ncols; i++) {
		const struct hy__csv_field *f = &r->fields[i];
		struct hy_error scratch;
		int rc;

		hy__error_clear(&scratch);
		if (hy__csv_is_null(r, f))
			rc = hy_builder_append_null(r->builders[i], &scratch);
		else
			rc = hy__append_text(r->builders[i], hy__csv_field_ptr(r, f), f->len,
					     &scratch);
		if (rc != 0)
			return hy__csv_value_error(r, r->row_line, i, rc, &scratch, err);
	}
	return 0;
}

static int finish_batch(struct hy_csv_reader *r, int64_t nrows, bool full, struct hy_batch **out,
			struct hy_error *err)
{
	struct hy_column **cols = hy_calloc(r->ncols, sizeof(struct hy_column *));
	int rc = 0;

	if (cols == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory reading %s", r->src.name);
	for (size_t i = 0; i < r->ncols && rc == 0; i++)
		rc = hy_builder_finish(r->builders[i], &cols[i], err);
	if (rc == 0)
		rc = hy_batch_create(r->schema, cols, nrows, out, err);
	r->hint_rows = 0;
	if (rc == 0 && full && r->hint_bytes != NULL) {
		r->hint_rows = nrows;
		for (size_t i = 0; i < r->ncols; i++)
			r->hint_bytes[i] = cols[i]->data != NULL ? cols[i]->data->size : 0;
	}
	for (size_t i = 0; i < r->ncols; i++)
		hy_column_unref(cols[i]);
	hy_free(cols);
	return rc;
}

int hy_csv_reader_next_batch(struct hy_csv_reader *r, int64_t max_rows, struct hy_batch **out,
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
	/* The last batch was full: this one most likely is too. Room for it at
	 * once saves the builders copying themselves up by doubling. */
	for (size_t i = 0; i < r->ncols && r->hint_rows > 0 && rc == 0; i++)
		rc = hy_builder_reserve(r->builders[i],
					r->hint_rows < max_rows ? r->hint_rows : max_rows,
					r->hint_bytes[i] + r->hint_bytes[i] / 8, err);
	while (rc == 0 && nrows < max_rows) {
		int64_t added = 0;

		rc = hy__csv_fast_rows(r, max_rows - nrows, &added, err);
		if (rc != 0)
			break;
		if (added == 0) {
			r->at_end = true;
			break;
		}
		nrows += added;
	}
	if (rc == 0 && nrows > 0)
		rc = finish_batch(r, nrows, nrows == max_rows, out, err);
	if (rc != 0)
		r->failed = rc;
	return rc;
}

void hy_csv_reader_close(struct hy_csv_reader *r)
{
	if (r == NULL)
		return;
	hy__csv_fast_free(r);
	hy__src_close(&r->src);
	for (size_t i = 0; i < r->n_null; i++)
		hy_free(r->null_values[i]);
	hy_free(r->null_values);
	for (size_t i = 0; i < r->n_ov; i++) {
		hy_free((char *)r->ov[i].column);
		hy_free((char *)r->ov[i].type);
	}
	hy_free(r->ov);
	if (r->builders != NULL)
		for (size_t i = 0; i < r->ncols; i++)
			hy_builder_destroy(r->builders[i]);
	hy_free(r->builders);
	hy_free(r->hint_bytes);
	hy_schema_unref(r->schema);
	hy_buf_reset(&r->row);
	hy_free(r->fields);
	hy_free(r);
}
