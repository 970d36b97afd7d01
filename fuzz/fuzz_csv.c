/* Fuzz target for the CSV reader and writer. The first byte picks the
 * options (separator, quote, header, a tiny block size so fields cross
 * blocks); the rest is the file. Any input must read to batches or fail
 * with a message; when it reads and quoting is on, writing the batches and
 * reading them back with the same schema must give the same values. */
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
	double fa, fb;

	if (na || nb)
		return na == nb;
	switch (a->type.id) {
	case HY_STRING:
		sa = hy_column_get_bytes(a, ra);
		sb = hy_column_get_bytes(b, rb);
		return sa.len == sb.len && (sa.len == 0 || memcmp(sa.ptr, sb.ptr, sa.len) == 0);
	case HY_BOOL: return hy_column_get_bool(a, ra) == hy_column_get_bool(b, rb);
	case HY_FLOAT64:
		fa = hy_column_get_f64(a, ra);
		fb = hy_column_get_f64(b, rb);
		return fa == fb || (isnan(fa) && isnan(fb));
	default: return hy_column_get_i64(a, ra) == hy_column_get_i64(b, rb);
	}
}

static void round_trip(struct hy_batch **batches, size_t n, struct hy_schema *schema,
		       const struct hy_csv_options *o)
{
	struct hy_error err = {0};
	struct hy_csv_writer *w = NULL;
	struct hy_csv_reader *r = NULL;
	struct hy_batch *back = NULL;
	int fd = memfd_create("fuzz_csv", 0);
	uint8_t *text = NULL;
	off_t len;
	size_t bi = 0;
	int64_t row = 0;

	if (fd < 0)
		return;
	if (hy_csv_writer_open_fd(&w, fd, schema, o, &err) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (hy_csv_writer_write(w, batches[i], &err) != 0)
			abort();
	if (hy_csv_writer_finish(w, &err) != 0)
		abort();
	hy_csv_writer_close(w);
	len = lseek(fd, 0, SEEK_END);
	text = malloc((size_t)len + 1);
	if (text == NULL || pread(fd, text, (size_t)len, 0) != len)
		abort();
	if (hy_csv_reader_open_mem(&r, text, (size_t)len, "again", o, schema, &err) != 0)
		abort();
	while (hy_csv_reader_next_batch(r, 1000, &back, &err) == 0 && back != NULL) {
		for (int64_t j = 0; j < back->nrows; j++) {
			while (bi < n && row == batches[bi]->nrows) {
				bi++;
				row = 0;
			}
			if (bi == n)
				abort(); /* more rows came back */
			for (size_t c = 0; c < hy_schema_nfields(schema); c++)
				if (!same_cell(batches[bi]->cols[c], back->cols[c], row, j))
					abort();
			row++;
		}
		hy_batch_unref(back);
	}
	if (err.code != 0)
		abort();
	while (bi < n && row == batches[bi]->nrows) {
		bi++;
		row = 0;
	}
	if (bi != n)
		abort(); /* fewer rows came back */
	hy_csv_reader_close(r);
	free(text);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[4] = {',', ';', '\t', '|'};
	struct hy_csv_options o;
	struct hy_error err = {0};
	struct hy_csv_reader *r = NULL;
	struct hy_batch *batches[MAX_BATCHES];
	size_t n = 0;
	uint8_t *copy;
	bool ok = true;

	if (size < 1 || size > 1 << 16)
		return 0;
	hy_csv_options_init(&o);
	o.separator = seps[data[0] & 3];
	o.quote_char = (data[0] & 4) ? '"' : (data[0] & 8) ? '\'' : 0;
	o.has_header = !(data[0] & 16);
	o.block_size = (size_t)(data[0] >> 5) + 1; /* 1..8 bytes */
	o.infer_schema_rows = (data[0] & 0x80) ? 3 : 100;
	o.max_field_bytes = 4096;
	/* exact-size copy: ASan sees any read past the end */
	copy = malloc(size - 1 + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (hy_csv_reader_open_mem(&r, copy, size - 1, "fuzz.csv", &o, NULL, &err) == 0) {
		struct hy_batch *b;

		while (hy_csv_reader_next_batch(r, 7, &b, &err) == 0 && b != NULL) {
			if (n < MAX_BATCHES)
				batches[n++] = b;
			else {
				hy_batch_unref(b);
				ok = false;
			}
		}
		if (err.code != 0)
			ok = false;
		if (ok && o.quote_char != 0 && o.has_header && n > 0)
			round_trip(batches, n, hy_csv_reader_schema(r), &o);
		for (size_t i = 0; i < n; i++)
			hy_batch_unref(batches[i]);
		hy_csv_reader_close(r);
	}
	free(copy);
	return 0;
}
