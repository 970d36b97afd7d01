/* CSV writer: header row, LF line ends, a field quoted only when it must be
 * (it holds the separator, the quote, CR or LF, or is an empty string, which
 * would otherwise read back as null). Values render as fmt_render.c says. */
#include <string.h>

#include "fmt_int.h"
#include "hygge/alloc.h"

#define SCRATCH_MAX ((size_t)HY_MAX_VAR_BYTES * 2 + 1)

struct hy_csv_writer {
	struct hy__sink sink;
	struct hy_schema *schema;
	char sep, quote;
	bool header, header_done;
	bool at_start;         /* nothing written yet: a leading BOM must be quoted */
	struct hy_buf scratch; /* hex of binary values */
};

static int open_common(struct hy_csv_writer **out, int fd, const char *path,
		       struct hy_schema *schema, const struct hy_csv_options *opts,
		       struct hy_error *err)
{
	struct hy_csv_writer *w;
	struct hy_csv_options defaults;
	int rc;

	*out = NULL;
	if (opts == NULL) {
		hy_csv_options_init(&defaults);
		opts = &defaults;
	}
	if (opts->separator == 0 || opts->separator == '\n' || opts->separator == '\r' ||
	    opts->separator == opts->quote_char)
		return hy_error_set(err, HY_ECONFIG, "bad CSV separator/quote_char");
	w = hy_calloc(1, sizeof(*w));
	if (w == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening a CSV writer");
	w->schema = hy_schema_ref(schema);
	w->sep = opts->separator;
	w->quote = opts->quote_char;
	w->header = opts->has_header;
	w->at_start = true;
	hy_buf_init(&w->scratch, SCRATCH_MAX);
	rc = hy__sink_open(&w->sink, fd, path, err);
	if (rc != 0) {
		hy_csv_writer_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

int hy_csv_writer_open_fd(struct hy_csv_writer **out, int fd, struct hy_schema *schema,
			  const struct hy_csv_options *opts, struct hy_error *err)
{
	return open_common(out, fd, NULL, schema, opts, err);
}

int hy_csv_writer_open(struct hy_csv_writer **out, const char *path, struct hy_schema *schema,
		       const struct hy_csv_options *opts, struct hy_error *err)
{
	return open_common(out, -1, path, schema, opts, err);
}

static bool needs_quotes(const struct hy_csv_writer *w, const uint8_t *p, size_t n)
{
	if (n == 0)
		return true;
	/* a field opening the file with U+FEFF would be taken for a BOM */
	if (w->at_start && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return true;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (uint8_t)w->sep || p[i] == (uint8_t)w->quote || p[i] == '\n' ||
		    p[i] == '\r')
			return true;
	return false;
}

static int put_field(struct hy_csv_writer *w, const void *data, size_t n, struct hy_error *err)
{
	const uint8_t *p = data;
	struct hy_buf *b = &w->sink.buf;
	size_t start = 0;
	bool quote = w->quote != 0 && needs_quotes(w, p, n);

	w->at_start = false;
	if (w->quote == 0 && n > 0 && needs_quotes(w, p, n))
		return hy_error_set(err, HY_EINVAL,
				    "a value holds the separator or a line break and "
				    "format_options.quote_char is off: it cannot be written");
	if (!quote)
		return hy_buf_append(b, p, n, err);
	HY_TRY(hy_buf_append_byte(b, (uint8_t)w->quote, err));
	for (size_t i = 0; i < n; i++) {
		if (p[i] != (uint8_t)w->quote)
			continue;
		HY_TRY(hy_buf_append(b, p + start, i + 1 - start, err)); /* the quote, then again */
		start = i;
	}
	HY_TRY(hy_buf_append(b, p + start, n - start, err));
	return hy_buf_append_byte(b, (uint8_t)w->quote, err);
}

static int put_value(struct hy_csv_writer *w, const struct hy_column *col, int64_t row,
		     struct hy_error *err)
{
	char tmp[HY__SCALAR_MAX];
	size_t n;
	struct hy_str v;

	switch (col->type.id) {
	case HY_STRING: v = hy_column_get_bytes(col, row); return put_field(w, v.ptr, v.len, err);
	case HY_BINARY:
	case HY_FIXED_BINARY:
		v = hy_column_get_bytes(col, row);
		hy_buf_clear(&w->scratch);
		HY_TRY(hy__fmt_hex(&w->scratch, (const uint8_t *)v.ptr, v.len, err));
		return put_field(w, w->scratch.data, w->scratch.len, err);
	default: break;
	}
	HY_TRY(hy__fmt_scalar(col, row, tmp, &n, err));
	return put_field(w, tmp, n, err);
}

static int put_header(struct hy_csv_writer *w, struct hy_error *err)
{
	size_t n = hy_schema_nfields(w->schema);

	w->header_done = true;
	if (!w->header || n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = hy_schema_field(w->schema, i)->name;

		if (i > 0)
			HY_TRY(hy_buf_append_byte(&w->sink.buf, (uint8_t)w->sep, err));
		HY_TRY(put_field(w, name, strlen(name), err));
	}
	return hy_buf_append_byte(&w->sink.buf, '\n', err);
}

int hy_csv_writer_write(struct hy_csv_writer *w, const struct hy_batch *batch, struct hy_error *err)
{
	size_t ncols = hy_schema_nfields(w->schema);
	int rc = 0;

	if (!hy_schema_eq(batch->schema, w->schema))
		return hy_error_set(err, HY_EINVAL, "%s: batch schema differs from the writer's",
				    w->sink.name);
	if (!w->header_done)
		rc = put_header(w, err);
	for (int64_t row = 0; row < batch->nrows && rc == 0 && ncols > 0; row++) {
		for (size_t c = 0; c < ncols && rc == 0; c++) {
			const struct hy_column *col = batch->cols[c];

			if (c > 0)
				rc = hy_buf_append_byte(&w->sink.buf, (uint8_t)w->sep, err);
			if (rc == 0 && !hy_column_is_null(col, row))
				rc = put_value(w, col, row, err);
			w->at_start = false;
		}
		if (rc == 0)
			rc = hy_buf_append_byte(&w->sink.buf, '\n', err);
		if (rc == 0)
			rc = hy__sink_maybe_flush(&w->sink, err);
	}
	if (rc != 0)
		hy_error_prefix(err, "write CSV %s", w->sink.name);
	return rc;
}

int hy_csv_writer_finish(struct hy_csv_writer *w, struct hy_error *err)
{
	if (!w->header_done)
		HY_TRY(put_header(w, err));
	return hy__sink_flush(&w->sink, err);
}

void hy_csv_writer_close(struct hy_csv_writer *w)
{
	if (w == NULL)
		return;
	hy__sink_close(&w->sink);
	hy_buf_reset(&w->scratch);
	hy_schema_unref(w->schema);
	hy_free(w);
}
