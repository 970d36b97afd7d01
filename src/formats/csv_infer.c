/* CSV column names and type inference.
 *
 * Names: the header's fields, or column_1..N without a header; an empty
 * name becomes column_<i> (hygge schemas refuse empty names; Polars keeps
 * ""), and a repeated name gets Polars' suffix: a, a_duplicated_0,
 * a_duplicated_1, ...
 *
 * Types: each column starts with every candidate kind (bool, int, float,
 * date, naive timestamp, timestamp with offset) and each non-null value of
 * the sample keeps only the kinds it fits (fmt_value.c); the narrowest kind
 * left wins, none left (or no value seen) is a string. Overrides from
 * format_options.schema win. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_int.h"
#include "hygge/alloc.h"

void hy__csv_names_free(char **names, size_t n)
{
	if (names == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		hy_free(names[i]);
	hy_free(names);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_duplicates(char **names, size_t n, struct hy_error *err, int *rc)
{
	char **sorted;
	bool dup = false;

	*rc = 0;
	if (n < 2)
		return false;
	sorted = hy_malloc(n * sizeof(*sorted));
	if (sorted == NULL) {
		*rc = hy_error_set(err, HY_ENOMEM, "out of memory naming CSV columns");
		return false;
	}
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_name);
	for (size_t i = 1; i < n && !dup; i++)
		dup = strcmp(sorted[i - 1], sorted[i]) == 0;
	hy_free(sorted);
	return dup;
}

static bool name_used(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Polars' renaming, made to terminate: the k-th repeat of `a` becomes
 * a_duplicated_<k-1>, skipping suffixes another column already has. */
static int dedupe(char **names, size_t n, struct hy_error *err)
{
	int rc;

	if (!has_duplicates(names, n, err, &rc))
		return rc;
	for (size_t i = 1; i < n; i++) {
		long k = 0;

		if (!name_used(names, i, names[i]))
			continue;
		for (size_t j = 0; j < i; j++)
			if (strncmp(names[j], names[i], strlen(names[i])) == 0 &&
			    strncmp(names[j] + strlen(names[i]), "_duplicated_", 12) == 0)
				k++;
		for (;; k++) {
			char *alt = hy_asprintf("%s_duplicated_%ld", names[i], k);

			if (alt == NULL)
				return hy_error_set(err, HY_ENOMEM,
						    "out of memory naming CSV columns");
			if (!name_used(names, n, alt)) {
				hy_free(names[i]);
				names[i] = alt;
				break;
			}
			hy_free(alt);
		}
	}
	return 0;
}

int hy__csv_names(const struct hy_csv_reader *r, bool from_row, char ***out, struct hy_error *err)
{
	size_t n = r->nfields;
	char **names = hy_calloc(n ? n : 1, sizeof(*names));
	int rc = 0;

	*out = NULL;
	if (names == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory naming CSV columns");
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct hy__csv_field *f = &r->fields[i];
		const char *p = hy__csv_field_ptr(r, f);

		if (from_row && (!hy__utf8_valid(p, f->len) || memchr(p, 0, f->len) != NULL))
			rc = hy_error_set(err, HY_EFORMAT,
					  "%s:%lld: header field %zu is not UTF-8 text without NUL",
					  r->src.name, (long long)r->row_line, i + 1);
		else if (!from_row || f->len == 0)
			names[i] = hy_asprintf("column_%zu", i + 1);
		else
			names[i] = hy_strndup(p, f->len);
		if (rc == 0 && names[i] == NULL)
			rc = hy_error_set(err, HY_ENOMEM, "out of memory naming CSV columns");
	}
	if (rc == 0)
		rc = dedupe(names, n, err);
	if (rc != 0) {
		hy__csv_names_free(names, n);
		return rc;
	}
	*out = names;
	return 0;
}

void hy__csv_infer_reset(struct hy__csv_infer *inf)
{
	hy__csv_names_free(inf->names, inf->ncols);
	hy_free(inf->cand);
	hy_free(inf->seen);
	memset(inf, 0, sizeof(*inf));
}

static int vote(const struct hy_csv_reader *r, struct hy__csv_infer *inf, struct hy_error *err)
{
	if (r->nfields != inf->ncols)
		return hy_error_set(err, HY_EFORMAT,
				    "%s:%lld: expected %zu fields (as in the %s), found %zu",
				    r->src.name, (long long)r->row_line, inf->ncols,
				    r->has_header ? "header" : "first row", r->nfields);
	for (size_t i = 0; i < inf->ncols; i++) {
		const struct hy__csv_field *f = &r->fields[i];

		if (inf->cand[i] == 0 || hy__csv_is_null(r, f))
			continue;
		inf->seen[i] = true;
		inf->cand[i] = hy__text_kinds(hy__csv_field_ptr(r, f), f->len, inf->cand[i]);
	}
	inf->rows++;
	return 0;
}

/* The first row of a file: names the columns (first file) or must repeat
 * the names already taken (later files). */
static int first_row(const struct hy_csv_reader *r, struct hy__csv_infer *inf, struct hy_error *err)
{
	char **names = NULL;
	int rc = 0;

	HY_TRY(hy__csv_names(r, r->has_header, &names, err));
	if (inf->names == NULL) {
		inf->ncols = r->nfields;
		inf->names = names;
		inf->cand = hy_malloc(inf->ncols * sizeof(*inf->cand) + 1);
		inf->seen = hy_calloc(inf->ncols + 1, sizeof(*inf->seen));
		if (inf->cand == NULL || inf->seen == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory inferring a CSV schema");
		for (size_t i = 0; i < inf->ncols; i++)
			inf->cand[i] = HY__K_ALL;
		return 0;
	}
	for (size_t i = 0; r->has_header && rc == 0 && (i < r->nfields || i < inf->ncols); i++) {
		const char *have = i < r->nfields ? names[i] : "(missing)";
		const char *want = i < inf->ncols ? inf->names[i] : "(none)";

		if (strcmp(have, want) != 0)
			rc = hy_error_set(err, HY_EFORMAT,
					  "%s:%lld: header column %zu is '%s' where the first file "
					  "of this entity has '%s'",
					  r->src.name, (long long)r->row_line, i + 1, have, want);
	}
	hy__csv_names_free(names, r->nfields);
	return rc;
}

int hy__csv_sample(struct hy_csv_reader *r, struct hy__csv_infer *inf, struct hy_error *err)
{
	bool got;

	HY_TRY(hy__csv_read_row(r, &got, err));
	if (!got)
		return 0; /* an empty file names nothing and votes nothing */
	HY_TRY(first_row(r, inf, err));
	r->blank_is_row = inf->ncols == 1;
	if (!r->has_header && inf->rows < r->infer_rows)
		HY_TRY(vote(r, inf, err));
	while (inf->rows < r->infer_rows) {
		HY_TRY(hy__csv_read_row(r, &got, err));
		if (!got)
			break;
		HY_TRY(vote(r, inf, err));
	}
	return 0;
}

int hy__csv_infer_schema(const struct hy_csv_reader *r, const struct hy__csv_infer *inf,
			 struct hy_schema **out, struct hy_error *err)
{
	struct hy_field *fields;
	int rc = 0;

	HY_TRY(hy__overrides_check(r->ov, r->n_ov, inf->names, inf->ncols, err));
	fields = hy_calloc(inf->ncols + 1, sizeof(*fields));
	if (fields == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory inferring a CSV schema");
	for (size_t i = 0; i < inf->ncols && rc == 0; i++) {
		int found = hy__override_find(r->ov, r->n_ov, inf->names[i], &fields[i].type, err);

		if (found < 0)
			rc = err->code;
		else if (found == 0)
			fields[i].type = hy__kinds_type(inf->cand[i], inf->seen[i]);
		else
			rc = hy__check_text_type(inf->names[i], &fields[i].type, err);
		fields[i].name = inf->names[i];
		fields[i].nullable = true;
	}
	if (rc == 0)
		rc = hy_schema_create(fields, inf->ncols, out, err);
	hy_free(fields);
	if (rc != 0)
		hy_error_prefix(err, "%s", r->src.name);
	return rc;
}

int hy_csv_infer_schema(const char *const *paths, size_t n, const struct hy_csv_options *opts,
			struct hy_schema **out, struct hy_error *err)
{
	struct hy_csv_reader *r = NULL;
	struct hy__csv_infer inf = {0};
	int rc;

	*out = NULL;
	rc = hy__csv_reader_new(&r, opts, err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		hy__src_close(&r->src);
		rc = hy__src_open_path(&r->src, paths[i], opts ? opts->block_size : 0, err);
		if (rc == 0)
			rc = hy__csv_restart(r, err);
		if (rc == 0)
			rc = hy__csv_sample(r, &inf, err);
		if (inf.names != NULL && inf.rows >= r->infer_rows)
			break;
	}
	if (rc == 0)
		rc = hy__csv_infer_schema(r, &inf, out, err);
	hy__csv_infer_reset(&inf);
	hy_csv_reader_close(r);
	return rc;
}
