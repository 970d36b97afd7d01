/* `hygge inspect FILE [--head N]`: what a Parquet file holds, through the
 * native reader: the schema (hygge and Parquet types), rows, row groups,
 * codecs and encodings, and with --head the first rows as a table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hygge/alloc.h"
#include "hygge/batch.h"
#include "hygge/isotime.h"
#include "hygge/parquet.h"
#include "hygge/types.h"

#define HEAD_MAX      100000
#define CELL_MAX      40 /* characters shown of one value */
#define NOTE_MAX      160
#define COLUMNS_SHOWN 64 /* in the --head table */

static const struct cli_option inspect_options[] = {
	{"head", 'n', CLI_VALUE, "N", "Also print the first N rows as a table"},
	{0},
};

static int fail(const char *file, const struct hy_error *err)
{
	fprintf(stderr, "Error: %s: %s\n", file, err->msg);
	return 1;
}

/* "INT32 (DATE)", "BYTE_ARRAY (STRING)", "FIXED_LEN_BYTE_ARRAY(16) (UUID)" */
static void parquet_type(const struct hy_pq_schema_element *se, char *out, size_t size)
{
	static const char *const lt[] = {
		[HY_PQ_LT_STRING] = "STRING",       [HY_PQ_LT_MAP] = "MAP",
		[HY_PQ_LT_LIST] = "LIST",           [HY_PQ_LT_ENUM] = "ENUM",
		[HY_PQ_LT_DECIMAL] = "DECIMAL",     [HY_PQ_LT_DATE] = "DATE",
		[HY_PQ_LT_TIME] = "TIME",           [HY_PQ_LT_TIMESTAMP] = "TIMESTAMP",
		[HY_PQ_LT_INTEGER] = "INTEGER",     [HY_PQ_LT_UNKNOWN] = "UNKNOWN",
		[HY_PQ_LT_JSON] = "JSON",           [HY_PQ_LT_BSON] = "BSON",
		[HY_PQ_LT_UUID] = "UUID",           [HY_PQ_LT_FLOAT16] = "FLOAT16",
		[HY_PQ_LT_VARIANT] = "VARIANT",     [HY_PQ_LT_GEOMETRY] = "GEOMETRY",
		[HY_PQ_LT_GEOGRAPHY] = "GEOGRAPHY", [HY_PQ_LT_FILE] = "FILE",
	};
	static const char *const ct[] = {
		"UTF8",
		"MAP",
		"MAP_KEY_VALUE",
		"LIST",
		"ENUM",
		"DECIMAL",
		"DATE",
		"TIME_MILLIS",
		"TIME_MICROS",
		"TIMESTAMP_MILLIS",
		"TIMESTAMP_MICROS",
		"UINT_8",
		"UINT_16",
		"UINT_32",
		"UINT_64",
		"INT_8",
		"INT_16",
		"INT_32",
		"INT_64",
		"JSON",
		"BSON",
		"INTERVAL",
	};
	static const char *const unit[] = {"", "MILLIS", "MICROS", "NANOS"};
	const struct hy_pq_logical_type *l = &se->logical;
	int n = snprintf(out, size, "%s", hy_pq_type_name(se->type));

	if (se->type == HY_PQ_FIXED_LEN_BYTE_ARRAY && n >= 0 && (size_t)n < size)
		n += snprintf(out + n, size - (size_t)n, "(%d)", (int)se->type_length);
	if (n < 0 || (size_t)n >= size)
		return;
	if (l->kind > 0 && l->kind < (int)(sizeof(lt) / sizeof(lt[0])) && lt[l->kind] != NULL) {
		if (l->kind == HY_PQ_LT_DECIMAL)
			snprintf(out + n, size - (size_t)n, " (DECIMAL(%d,%d))", (int)l->precision,
				 (int)l->scale);
		else if (l->kind == HY_PQ_LT_TIME || l->kind == HY_PQ_LT_TIMESTAMP)
			snprintf(out + n, size - (size_t)n, " (%s(%s, utc=%s))", lt[l->kind],
				 l->unit >= 0 && l->unit <= 3 ? unit[l->unit] : "?",
				 l->adjusted_to_utc ? "true" : "false");
		else if (l->kind == HY_PQ_LT_INTEGER)
			snprintf(out + n, size - (size_t)n, " (INTEGER(%d, %s))", (int)l->bit_width,
				 l->is_signed ? "signed" : "unsigned");
		else
			snprintf(out + n, size - (size_t)n, " (%s)", lt[l->kind]);
	} else if (l->kind == HY_PQ_LT_UNRECOGNIZED) {
		snprintf(out + n, size - (size_t)n, " (logical type #%d)", (int)l->member_id);
	} else if (se->converted_type >= 0 &&
		   se->converted_type < (int)(sizeof(ct) / sizeof(ct[0]))) {
		if (se->converted_type == HY_PQ_CT_DECIMAL)
			snprintf(out + n, size - (size_t)n, " (DECIMAL(%d,%d))", (int)se->precision,
				 (int)se->scale);
		else
			snprintf(out + n, size - (size_t)n, " (%s)", ct[se->converted_type]);
	}
}

static void print_schema(const struct hy_pq_metadata *md)
{
	size_t w = 6;

	for (size_t i = 0; i < md->num_leaves; i++)
		if (strlen(md->leaves[i].path) > w)
			w = strlen(md->leaves[i].path);
	if (w > 48)
		w = 48;
	printf("Columns (%zu):\n", md->num_leaves);
	printf("  %-*s  %-22s  %-8s  %s\n", (int)w, "name", "hygge type", "null", "parquet type");
	for (size_t i = 0; i < md->num_leaves; i++) {
		const struct hy_pq_leaf *lf = &md->leaves[i];
		const struct hy_pq_schema_element *se = &md->schema[lf->schema_index];
		char pt[128], ht[64] = "-", note[NOTE_MAX] = "";
		struct hy_dtype t;
		struct hy_error err = {0};

		parquet_type(se, pt, sizeof(pt));
		if (lf->shape == HY_PQ_LEAF_REPEATED)
			snprintf(note, sizeof(note), "inside a LIST/MAP: not read yet");
		else if (hy_pq_leaf_dtype(md, i, &t, note, sizeof(note), &err) == 0)
			hy_dtype_format(&t, ht, sizeof(ht));
		else
			snprintf(note, sizeof(note), "%.150s", err.msg);
		printf("  %-*s  %-22s  %-8s  %s%s%s\n", (int)w, lf->path, ht,
		       lf->shape == HY_PQ_LEAF_REPEATED ? "repeated"
		       : lf->max_def_level > 0          ? "yes"
							: "no",
		       pt, note[0] ? "  -- " : "", note);
	}
}

static void add_name(const char **names, size_t *n, size_t cap, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return;
	if (*n < cap)
		names[(*n)++] = name;
}

static void print_row_groups(const struct hy_pq_metadata *md)
{
	const char *codecs[16], *encs[32];
	size_t ncodecs = 0, nencs = 0;

	printf("Row groups (%zu):\n", md->num_row_groups);
	for (size_t g = 0; g < md->num_row_groups; g++) {
		const struct hy_pq_row_group *rg = &md->row_groups[g];
		int64_t comp = 0, uncomp = 0;

		for (size_t c = 0; c < rg->num_columns; c++) {
			const struct hy_pq_column_meta *m = &rg->columns[c].meta;

			comp += m->total_compressed_size;
			uncomp += m->total_uncompressed_size;
			add_name(codecs, &ncodecs, 16, hy_pq_codec_name(m->codec));
			for (size_t e = 0; e < m->num_encodings; e++)
				add_name(encs, &nencs, 32, hy_pq_encoding_name(m->encodings[e]));
		}
		if (g < 20)
			printf("  #%zu: %lld rows, %lld bytes (%lld uncompressed)\n", g,
			       (long long)rg->num_rows, (long long)comp, (long long)uncomp);
		else if (g == 20)
			printf("  ... %zu more\n", md->num_row_groups - 20);
	}
	printf("Codecs:");
	for (size_t i = 0; i < ncodecs; i++)
		printf("%s %s", i ? "," : "", codecs[i]);
	printf("%s\nEncodings:", ncodecs ? "" : " -");
	for (size_t i = 0; i < nencs; i++)
		printf("%s %s", i ? "," : "", encs[i]);
	printf("%s\n", nencs ? "" : " -");
}

/* ---- --head ---- */

static void cell_text(const struct hy_column *col, int64_t row, char *out, size_t size)
{
	struct hy_error err = {0};
	size_t n = 0;

	out[0] = 0;
	if (hy_column_is_null(col, row)) {
		snprintf(out, size, "null");
		return;
	}
	switch (col->type.id) {
	case HY_NULL: snprintf(out, size, "null"); return;
	case HY_BOOL:
		snprintf(out, size, "%s", hy_column_get_bool(col, row) ? "true" : "false");
		return;
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64:
	case HY_DURATION:
		snprintf(out, size, "%lld", (long long)hy_column_get_i64(col, row));
		return;
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64:
		snprintf(out, size, "%llu", (unsigned long long)hy_column_get_u64(col, row));
		return;
	case HY_FLOAT32:
	case HY_FLOAT64: {
		/* the shortest text that reads back as the same value */
		double d = hy_column_get_f64(col, row);

		for (int prec = 1; prec <= 17; prec++) {
			snprintf(out, size, "%.*g", prec, d);
			if (isnan(d) ||
			    (col->type.id == HY_FLOAT32 ? (float)strtod(out, NULL) == (float)d
							: strtod(out, NULL) == d))
				break;
		}
		return;
	}
	case HY_DECIMAL: {
		hy_i128 v = hy_column_get_decimal(col, row);
		hy_u128 u = v < 0 ? (hy_u128)0 - (hy_u128)v : (hy_u128)v;
		char tmp[64];
		int k = 0, scale = col->type.scale;

		do {
			tmp[k++] = (char)('0' + (int)(u % 10));
			u /= 10;
		} while (u != 0 || k <= scale);
		if (v < 0)
			out[n++] = '-';
		while (k > 0 && n + 2 < size) {
			out[n++] = tmp[--k];
			if (k == scale && scale > 0)
				out[n++] = '.';
		}
		out[n] = 0;
		return;
	}
	case HY_DATE: {
		char d[HY_DATE_TEXT_MAX];

		if (hy_date_format(hy_column_get_i64(col, row), d, &err) == 0)
			snprintf(out, size, "%s", d);
		else
			snprintf(out, size, "%lld days", (long long)hy_column_get_i64(col, row));
		return;
	}
	case HY_TIMESTAMP: {
		int64_t v = hy_column_get_i64(col, row), us;
		char t[HY_TIME_ISO_MAX];

		switch (col->type.unit) {
		case HY_UNIT_SECOND: us = v * 1000000; break;
		case HY_UNIT_MILLI: us = v * 1000; break;
		case HY_UNIT_NANO: us = v / 1000; break;
		default: us = v; break;
		}
		if (hy_time_format_iso(us, col->type.tz[0] ? 0 : HY_TIME_NO_OFFSET, t, &err) == 0)
			snprintf(out, size, "%s", t);
		else
			snprintf(out, size, "%lld %s", (long long)v,
				 hy_time_unit_name(col->type.unit));
		return;
	}
	case HY_TIME:
		snprintf(out, size, "%lld %s", (long long)hy_column_get_i64(col, row),
			 hy_time_unit_name(col->type.unit));
		return;
	case HY_STRING: {
		struct hy_str s = hy_column_get_bytes(col, row);

		for (size_t i = 0; i < s.len && n + 4 < size; i++) {
			unsigned char ch = (unsigned char)s.ptr[i];

			out[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
		}
		if (n + 4 >= size && s.len > n)
			memcpy(out + size - 4, "...", 3), n = size - 1;
		out[n] = 0;
		return;
	}
	case HY_BINARY:
	case HY_FIXED_BINARY:
	case HY_UUID: {
		struct hy_str s = hy_column_get_bytes(col, row);

		n = (size_t)snprintf(out, size, "0x");
		for (size_t i = 0; i < s.len && n + 6 < size; i++)
			n += (size_t)snprintf(out + n, size - n, "%02x",
					      (unsigned)(uint8_t)s.ptr[i]);
		if (2 + 2 * s.len > n)
			snprintf(out + n, size - n, "...");
		return;
	}
	}
}

/* Cuts a UTF-8 text to at most `chars` characters (bytes 0x80..0xBF continue one). */
static void cut_cell(char *s, size_t chars)
{
	size_t c = 0, i = 0;

	if (s == NULL)
		return;
	for (; s[i] != 0; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == chars) {
			memcpy(s + i, "...", 4); /* the cell has room: CELL_MAX * 4 + 8 */
			return;
		}
	}
}

static size_t width(const char *s)
{
	size_t c = 0;

	for (; *s != 0; s++)
		c += ((unsigned char)*s & 0xc0) != 0x80;
	return c;
}

static void print_padded(const char *s, size_t w, bool last)
{
	size_t n = width(s);

	fputs(s, stdout);
	if (!last)
		for (; n < w + 2; n++)
			putchar(' ');
}

static int print_head(const char *file, const struct hy_pq_metadata *md, long head)
{
	const char **cols = hy_calloc(md->num_leaves + 1, sizeof(*cols));
	struct hy_pq_reader_options o = {0};
	struct hy_pq_reader *r = NULL;
	struct hy_error err = {0};
	char(*cells)[CELL_MAX * 4 + 8] = NULL;
	size_t ncols = 0, shown, rows = 0, w[COLUMNS_SHOWN];
	int rc;

	if (cols == NULL)
		return fprintf(stderr, "Error: %s: out of memory\n", file), 1;
	for (size_t i = 0; i < md->num_leaves; i++)
		if (md->leaves[i].shape != HY_PQ_LEAF_REPEATED)
			cols[ncols++] = md->leaves[i].path;
	shown = ncols < COLUMNS_SHOWN ? ncols : COLUMNS_SHOWN;
	printf("\nFirst %ld rows", head);
	if (ncols < md->num_leaves)
		printf(" (LIST/MAP columns left out)");
	if (shown < ncols)
		printf(" (first %d columns)", COLUMNS_SHOWN);
	printf(":\n");
	if (shown == 0 || head == 0) {
		hy_free(cols);
		return 0;
	}
	o.columns = cols;
	o.num_columns = shown;
	o.max_batch_rows = head;
	o.keep_dictionary = true; /* cells come from hy_column_get_bytes */
	rc = hy_pq_reader_open_file(&r, file, &o, &err);
	cells = rc == 0 ? hy_calloc((size_t)(head + 1) * shown, sizeof(*cells)) : NULL;
	if (rc == 0 && cells == NULL)
		rc = hy_error_set(&err, HY_ENOMEM, "out of memory for %ld rows", head);
	for (size_t c = 0; rc == 0 && c < shown; c++)
		snprintf(cells[c], sizeof(cells[c]), "%s", cols[c]);
	while (rc == 0 && rows < (size_t)head) {
		struct hy_batch *b = NULL;

		rc = hy_pq_reader_next_batch(r, &b, &err);
		if (rc != 0 || b == NULL)
			break;
		for (int64_t i = 0; i < b->nrows && rows < (size_t)head; i++, rows++)
			for (size_t c = 0; c < shown; c++) {
				char *cell = cells[(rows + 1) * shown + c];

				cell_text(b->cols[c], i, cell, sizeof(cells[0]));
				cut_cell(cell, CELL_MAX);
			}
		hy_batch_unref(b);
	}
	hy_pq_reader_close(r);
	hy_free(cols);
	if (rc != 0) {
		hy_free(cells);
		return fail(file, &err);
	}
	for (size_t c = 0; c < shown; c++) {
		w[c] = 0;
		for (size_t i = 0; i <= rows; i++)
			if (width(cells[i * shown + c]) > w[c])
				w[c] = width(cells[i * shown + c]);
	}
	for (size_t i = 0; i <= rows; i++) {
		for (size_t c = 0; c < shown; c++)
			print_padded(cells[i * shown + c], w[c], c + 1 == shown);
		putchar('\n');
	}
	hy_free(cells);
	return 0;
}

static int run_inspect(const struct cli_command *cmd, struct cli_parsed *p)
{
	const char *file = p->args[0], *head_text = cli_value(cmd, p, "head");
	struct hy_error err = {0};
	struct hy_pq_source src;
	struct hy_pq_metadata *md = NULL;
	long head = -1;
	int rc;

	if (head_text != NULL) {
		char *end = NULL;

		head = strtol(head_text, &end, 10);
		if (end == head_text || *end != 0 || head < 0 || head > HEAD_MAX)
			return cli_usage_error(cmd,
					       "Invalid value for '--head': '%s' is not a number "
					       "of rows from 0 to %d.",
					       head_text, HEAD_MAX);
	}
	/* the schema and layout come from the footer (LIST/MAP columns are
	 * listed too); the rows from the reader, without those columns */
	rc = hy_pq_source_open_file(&src, file, &err);
	if (rc == 0)
		rc = hy_pq_metadata_read(&src, &md, &err);
	hy_pq_source_close(&src);
	if (rc != 0)
		return fail(file, &err);
	printf("File: %s\n", file);
	printf("Rows: %lld\n", (long long)md->row_count);
	if (md->created_by.ptr != NULL)
		printf("Created by: %s\n", md->created_by.ptr);
	print_schema(md);
	print_row_groups(md);
	rc = head >= 0 ? print_head(file, md, head) : 0;
	hy_pq_metadata_destroy(md);
	return rc;
}

const struct cli_command cli_cmd_inspect = {
	.name = "inspect",
	.summary = "Show the schema, rows and layout of a Parquet file.",
	.description = "  Show what a Parquet file holds: its columns with their hygge and\n"
		       "  Parquet types, the row count, the row groups, codecs and encodings.\n\n"
		       "  FILE: the Parquet file to read",
	.arguments = "FILE",
	.min_args = 1,
	.max_args = 1,
	.options = inspect_options,
	.run = run_inspect,
};
