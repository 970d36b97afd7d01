/* Fuzz target for the NDJSON reader and writer. The first byte picks the
 * sample size and a tiny block size; the rest is the file. Any input must
 * read or fail with a message. Two oracles:
 *  - jansson, an independent JSON parser, must agree with the reader's
 *    scanner on which lines are valid objects (modulo the documented
 *    differences: numbers jansson cannot hold, NUL in keys, duplicate keys);
 *  - what was read, written back and read again with the same schema gives
 *    the same values. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hygge/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BATCHES 64

static bool same_cell(const struct hy_column *a, const struct hy_column *b, int64_t ra, int64_t rb)
{
	bool na = hy_column_is_null(a, ra), nb = hy_column_is_null(b, rb);
	struct hy_str sa, sb;
	double fa;

	if (!na && a->type.id == HY_FLOAT64 && !isfinite(hy_column_get_f64(a, ra)))
		return nb; /* JSON has no NaN or infinity: written as null */
	if (na || nb)
		return na == nb;
	switch (a->type.id) {
	case HY_STRING:
		sa = hy_column_get_bytes(a, ra);
		sb = hy_column_get_bytes(b, rb);
		return sa.len == sb.len && (sa.len == 0 || memcmp(sa.ptr, sb.ptr, sa.len) == 0);
	case HY_BOOL: return hy_column_get_bool(a, ra) == hy_column_get_bool(b, rb);
	case HY_FLOAT64: fa = hy_column_get_f64(a, ra); return fa == hy_column_get_f64(b, rb);
	default: return hy_column_get_i64(a, ra) == hy_column_get_i64(b, rb);
	}
}

static void round_trip(struct hy_batch **batches, size_t n, struct hy_schema *schema)
{
	struct hy_error err = {0};
	struct hy_ndjson_writer *w = NULL;
	struct hy_ndjson_reader *r = NULL;
	struct hy_batch *back = NULL;
	int fd = memfd_create("fuzz_ndjson", 0);
	uint8_t *text;
	off_t len;
	size_t bi = 0;
	int64_t row = 0;

	if (fd < 0)
		return;
	if (hy_ndjson_writer_open_fd(&w, fd, schema, &err) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (hy_ndjson_writer_write(w, batches[i], &err) != 0)
			abort();
	if (hy_ndjson_writer_finish(w, &err) != 0)
		abort();
	hy_ndjson_writer_close(w);
	len = lseek(fd, 0, SEEK_END);
	text = malloc((size_t)len + 1);
	if (text == NULL || pread(fd, text, (size_t)len, 0) != len)
		abort();
	if (hy_ndjson_reader_open_mem(&r, text, (size_t)len, "again", NULL, schema, &err) != 0)
		abort();
	while (hy_ndjson_reader_next_batch(r, 1000, &back, &err) == 0 && back != NULL) {
		for (int64_t j = 0; j < back->nrows; j++) {
			while (bi < n && row == batches[bi]->nrows) {
				bi++;
				row = 0;
			}
			if (bi == n)
				abort();
			for (size_t c = 0; c < hy_schema_nfields(schema); c++)
				if (!same_cell(batches[bi]->cols[c], back->cols[c], row, j))
					abort();
			row++;
		}
		hy_batch_unref(back);
	}
	if (err.code != 0)
		abort();
	hy_ndjson_reader_close(r);
	free(text);
	close(fd);
}

/* Documented differences from jansson: numbers it cannot hold (too big
 * integers, reals that overflow), NUL in keys, duplicate keys, nesting
 * deeper than 512 (hygge refuses; jansson allows 2048), and raw NUL bytes
 * (jansson's buffer reader accepts some where JSON allows none). */
static bool known_difference(const char *line, size_t n, const json_error_t *jerr)
{
	if (memchr(line, 0, n) != NULL)
		return true;
	if (jerr != NULL && (strstr(jerr->text, "too big") || strstr(jerr->text, "overflow")))
		return true;
	for (size_t i = 0; i + 5 < n; i++)
		if (memcmp(line + i, "\\u0000", 6) == 0)
			return true;
	size_t depth = 0;
	for (size_t i = 0; i < n; i++)
		if (line[i] == '[' || line[i] == '{')
			depth++;
	return depth > 500;
}

static void check_line(const char *line, size_t n)
{
	struct hy_ndjson_reader *r = NULL;
	struct hy_error err = {0};
	json_error_t jerr;
	json_t *j = json_loadb(line, n, JSON_ALLOW_NUL, &jerr);
	bool jansson_ok = j != NULL && json_is_object(j);
	bool ours_ok, blank = true;

	for (size_t i = 0; i < n; i++)
		blank = blank && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r');
	json_decref(j);
	if (blank || memchr(line, '\n', n) != NULL)
		return;
	ours_ok = hy_ndjson_reader_open_mem(&r, line, n, "line", NULL, NULL, &err) == 0 ||
		  err.code != HY_EFORMAT || strstr(err.msg, "malformed JSON") == NULL;
	hy_ndjson_reader_close(r);
	if (strstr(err.msg, "appears twice") != NULL)
		return;
	if (ours_ok != jansson_ok && !known_difference(line, n, jansson_ok ? NULL : &jerr))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_ndjson_options o;
	struct hy_error err = {0};
	struct hy_ndjson_reader *r = NULL;
	struct hy_batch *batches[MAX_BATCHES];
	size_t n = 0;
	char *copy;
	bool ok = true;

	if (size < 1 || size > 1 << 16)
		return 0;
	hy_ndjson_options_init(&o);
	o.block_size = (size_t)(data[0] & 7) + 1;
	o.infer_schema_rows = (data[0] & 8) ? 2 : 100;
	copy = malloc(size - 1 + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (hy_ndjson_reader_open_mem(&r, copy, size - 1, "fuzz.ndjson", &o, NULL, &err) == 0) {
		struct hy_batch *b;

		while (hy_ndjson_reader_next_batch(r, 5, &b, &err) == 0 && b != NULL) {
			if (n < MAX_BATCHES)
				batches[n++] = b;
			else {
				hy_batch_unref(b);
				ok = false;
			}
		}
		if (err.code != 0)
			ok = false;
		if (ok && n > 0)
			round_trip(batches, n, hy_ndjson_reader_schema(r));
		for (size_t i = 0; i < n; i++)
			hy_batch_unref(batches[i]);
		hy_ndjson_reader_close(r);
	}
	/* the first line alone against jansson */
	{
		const char *nl = memchr(copy, '\n', size - 1);

		check_line(copy, nl ? (size_t)(nl - copy) : size - 1);
	}
	free(copy);
	return 0;
}
