/* NDJSON writer: one compact object per row, keys in schema order, nulls
 * written as null. Our own encoder (no json_t per value): strings escaped
 * per RFC 8259 (", \, control characters; other bytes pass through as the
 * UTF-8 they are), numbers as their text, NaN and infinities as null (JSON
 * has no spelling for them), decimals, dates, times, timestamps, UUIDs and
 * hex binary as strings. */
#include <math.h>
#include <string.h>

#include "fmt_int.h"
#include "hygge/alloc.h"

struct hy_ndjson_writer {
	struct hy__sink sink;
	struct hy_schema *schema;
	char **keys; /* each name already escaped and quoted, with ':' */
	size_t *key_len;
	size_t ncols;
};

static int put_string(struct hy_buf *b, const uint8_t *p, size_t n, struct hy_error *err)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	HY_TRY(hy_buf_append_byte(b, '"', err));
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		char esc[7];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		HY_TRY(hy_buf_append(b, p + start, i - start, err));
		start = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		HY_TRY(hy_buf_append(b, esc, elen, err));
	}
	HY_TRY(hy_buf_append(b, p + start, n - start, err));
	return hy_buf_append_byte(b, '"', err);
}

static int make_keys(struct hy_ndjson_writer *w, struct hy_error *err)
{
	struct hy_buf k;

	w->ncols = hy_schema_nfields(w->schema);
	w->keys = hy_calloc(w->ncols + 1, sizeof(*w->keys));
	w->key_len = hy_calloc(w->ncols + 1, sizeof(*w->key_len));
	if (w->keys == NULL || w->key_len == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening an NDJSON writer");
	for (size_t i = 0; i < w->ncols; i++) {
		const char *name = hy_schema_field(w->schema, i)->name;
		int rc;

		hy_buf_init(&k, 8 * (size_t)HY_MAX_FIELD_NAME);
		rc = hy_buf_append(&k, i == 0 ? "{" : ",", 1, err);
		if (rc == 0)
			rc = put_string(&k, (const uint8_t *)name, strlen(name), err);
		if (rc == 0)
			rc = hy_buf_append_byte(&k, ':', err);
		if (rc != 0) {
			hy_buf_reset(&k);
			return rc;
		}
		w->keys[i] = (char *)hy_buf_detach(&k, &w->key_len[i]);
	}
	return 0;
}

static int open_common(struct hy_ndjson_writer **out, int fd, const char *path,
		       struct hy_schema *schema, struct hy_error *err)
{
	struct hy_ndjson_writer *w = hy_calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (w == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening an NDJSON writer");
	w->schema = hy_schema_ref(schema);
	w->sink.fd = -1;
	rc = make_keys(w, err);
	if (rc == 0)
		rc = hy__sink_open(&w->sink, fd, path, err);
	if (rc != 0) {
		hy_ndjson_writer_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

int hy_ndjson_writer_open_fd(struct hy_ndjson_writer **out, int fd, struct hy_schema *schema,
			     struct hy_error *err)
{
	return open_common(out, fd, NULL, schema, err);
}

int hy_ndjson_writer_open(struct hy_ndjson_writer **out, const char *path, struct hy_schema *schema,
			  struct hy_error *err)
{
	return open_common(out, -1, path, schema, err);
}

static int put_value(struct hy_ndjson_writer *w, const struct hy_column *col, int64_t row,
		     struct hy_error *err)
{
	struct hy_buf *b = &w->sink.buf;
	char tmp[HY__SCALAR_MAX];
	struct hy_str v;
	size_t n;

	if (hy_column_is_null(col, row))
		return hy_buf_append(b, "null", 4, err);
	switch (col->type.id) {
	case HY_STRING:
		v = hy_column_get_bytes(col, row);
		return put_string(b, (const uint8_t *)v.ptr, v.len, err);
	case HY_BINARY:
	case HY_FIXED_BINARY:
		v = hy_column_get_bytes(col, row);
		HY_TRY(hy_buf_append_byte(b, '"', err));
		HY_TRY(hy__fmt_hex(b, (const uint8_t *)v.ptr, v.len, err));
		return hy_buf_append_byte(b, '"', err);
	case HY_FLOAT32:
	case HY_FLOAT64:
		if (!isfinite(hy_column_get_f64(col, row)))
			return hy_buf_append(b, "null", 4, err);
		break;
	default: break;
	}
	HY_TRY(hy__fmt_scalar(col, row, tmp, &n, err));
	switch (col->type.id) {
	case HY_DATE:
	case HY_TIME:
	case HY_TIMESTAMP:
	case HY_DECIMAL: /* exact: most JSON readers make numbers doubles */
	case HY_UUID: return put_string(b, (const uint8_t *)tmp, n, err);
	default: return hy_buf_append(b, tmp, n, err);
	}
}

int hy_ndjson_writer_write(struct hy_ndjson_writer *w, const struct hy_batch *batch,
			   struct hy_error *err)
{
	struct hy_buf *b = &w->sink.buf;
	int rc = 0;

	if (!hy_schema_eq(batch->schema, w->schema))
		return hy_error_set(err, HY_EINVAL, "%s: batch schema differs from the writer's",
				    w->sink.name);
	for (int64_t row = 0; row < batch->nrows && rc == 0; row++) {
		if (w->ncols == 0)
			rc = hy_buf_append_byte(b, '{', err);
		for (size_t c = 0; c < w->ncols && rc == 0; c++) {
			rc = hy_buf_append(b, w->keys[c], w->key_len[c], err);
			if (rc == 0)
				rc = put_value(w, batch->cols[c], row, err);
		}
		if (rc == 0)
			rc = hy_buf_append(b, "}\n", 2, err);
		if (rc == 0)
			rc = hy__sink_maybe_flush(&w->sink, err);
	}
	if (rc != 0)
		hy_error_prefix(err, "write NDJSON %s", w->sink.name);
	return rc;
}

int hy_ndjson_writer_finish(struct hy_ndjson_writer *w, struct hy_error *err)
{
	return hy__sink_flush(&w->sink, err);
}

void hy_ndjson_writer_close(struct hy_ndjson_writer *w)
{
	if (w == NULL)
		return;
	hy__sink_close(&w->sink);
	if (w->keys != NULL)
		for (size_t i = 0; i < w->ncols; i++)
			hy_free(w->keys[i]);
	hy_free(w->keys);
	hy_free(w->key_len);
	hy_schema_unref(w->schema);
	hy_free(w);
}
