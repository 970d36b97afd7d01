/* Batches: a schema plus one column per field, refcounted, sliceable. */
#include <string.h>

#include "column_int.h"
#include "hygge/alloc.h"

static void batch_free(struct hy_batch *batch, size_t ncols)
{
	if (batch == NULL)
		return;
	if (batch->cols != NULL)
		for (size_t i = 0; i < ncols; i++)
			hy_column_unref(batch->cols[i]);
	hy_free(batch->cols);
	hy_schema_unref(batch->schema);
	hy_free(batch);
}

static int check_column(const struct hy_field *f, const struct hy_column *col, int64_t nrows,
			struct hy_error *err)
{
	char want[96], got[96];

	if (col == NULL)
		return hy_error_set(err, HY_EINVAL, "column %s is missing", f->name);
	if (!hy_dtype_eq(&f->type, &col->type)) {
		hy_dtype_format(&f->type, want, sizeof(want));
		hy_dtype_format(&col->type, got, sizeof(got));
		return hy_error_set(err, HY_EINVAL, "column %s: %s values for a %s field", f->name,
				    got, want);
	}
	if (col->length != nrows)
		return hy_error_set(err, HY_EINVAL, "column %s has %lld rows, the batch %lld",
				    f->name, (long long)col->length, (long long)nrows);
	if (!f->nullable && col->null_count > 0)
		return hy_error_set(err, HY_EINVAL,
				    "column %s is not nullable but holds %lld nulls", f->name,
				    (long long)col->null_count);
	return 0;
}

/* Takes over the references in `cols` (n of them), even on failure. */
static int batch_wrap(struct hy_schema *schema, struct hy_column **cols, int64_t nrows,
		      struct hy_batch **out, struct hy_error *err)
{
	size_t n = hy_schema_nfields(schema);
	struct hy_batch *batch = hy_calloc(1, sizeof(*batch));

	*out = NULL;
	if (batch == NULL) {
		for (size_t i = 0; i < n; i++)
			hy_column_unref(cols[i]);
		hy_free(cols);
		return hy_error_set(err, HY_ENOMEM, "out of memory creating a batch");
	}
	atomic_init(&batch->refs, 1);
	batch->schema = hy_schema_ref(schema);
	batch->nrows = nrows;
	batch->cols = cols;
	*out = batch;
	return 0;
}

int hy_batch_create(struct hy_schema *schema, struct hy_column *const *cols, int64_t nrows,
		    struct hy_batch **out, struct hy_error *err)
{
	size_t n = hy_schema_nfields(schema);
	struct hy_column **mine;

	*out = NULL;
	if (nrows < 0 || nrows > HY_MAX_COLUMN_ROWS)
		return hy_error_set(err, HY_EINVAL, "a batch of %lld rows", (long long)nrows);
	for (size_t i = 0; i < n; i++)
		HY_TRY(check_column(hy_schema_field(schema, i), cols[i], nrows, err));
	mine = hy_calloc(n, sizeof(struct hy_column *));
	if (mine == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory creating a batch");
	for (size_t i = 0; i < n; i++)
		mine[i] = hy_column_ref(cols[i]);
	return batch_wrap(schema, mine, nrows, out, err);
}

struct hy_batch *hy_batch_ref(struct hy_batch *batch)
{
	if (batch != NULL)
		atomic_fetch_add_explicit(&batch->refs, 1, memory_order_relaxed);
	return batch;
}

void hy_batch_unref(struct hy_batch *batch)
{
	if (batch == NULL)
		return;
	if (atomic_fetch_sub_explicit(&batch->refs, 1, memory_order_acq_rel) == 1)
		batch_free(batch, hy_schema_nfields(batch->schema));
}

int hy_batch_slice(struct hy_batch *batch, int64_t offset, int64_t len, struct hy_batch **out,
		   struct hy_error *err)
{
	size_t n = hy_schema_nfields(batch->schema);
	struct hy_column **cols;
	int rc = 0;

	*out = NULL;
	if (offset < 0 || len < 0 || offset > batch->nrows || len > batch->nrows - offset)
		return hy_error_set(err, HY_EINVAL,
				    "slice [%lld, +%lld) is outside a batch of %lld rows",
				    (long long)offset, (long long)len, (long long)batch->nrows);
	cols = hy_calloc(n, sizeof(struct hy_column *));
	if (cols == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory slicing a batch");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = hy_column_slice(batch->cols[i], offset, len, &cols[i], err);
	if (rc != 0) {
		for (size_t i = 0; i < n; i++)
			hy_column_unref(cols[i]);
		hy_free(cols);
		return rc;
	}
	return batch_wrap(batch->schema, cols, len, out, err);
}

static int concat_column(struct hy_batch *const *batches, size_t n, size_t c, int64_t rows,
			 struct hy_column **out, struct hy_error *err)
{
	struct hy_builder *b = NULL;
	int rc;

	rc = hy_builder_create(&hy_schema_field(batches[0]->schema, c)->type, &b, err);
	if (rc == 0)
		rc = hy_builder_reserve(b, rows, 0, err);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = hy_builder_append_column(b, batches[i]->cols[c], 0, batches[i]->nrows, err);
	if (rc == 0)
		rc = hy_builder_finish(b, out, err);
	hy_builder_destroy(b);
	return rc;
}

static size_t column_data_bytes(const struct hy_column *c)
{
	size_t rows = (size_t)c->length, bytes = c->validity != NULL ? (rows + 7) / 8 : 0;
	int width;

	if (c->dictionary != NULL)
		return bytes + rows * 4;
	if (hy_dtype_is_var_width(&c->type)) {
		const int32_t *off = (const int32_t *)(const void *)c->values->data + c->offset;

		return bytes + rows * 4 + (size_t)(off[rows] - off[0]);
	}
	width = hy_dtype_bit_width(&c->type);
	return bytes + (rows * (size_t)(width > 0 ? width : 0) + 7) / 8;
}

size_t hy_batch_data_bytes(const struct hy_batch *batch)
{
	size_t total = 0;

	for (size_t i = 0; i < hy_schema_nfields(batch->schema); i++)
		total += column_data_bytes(batch->cols[i]);
	return total;
}

int hy_batch_concat(struct hy_batch *const *batches, size_t n, struct hy_batch **out,
		    struct hy_error *err)
{
	struct hy_column **cols = NULL;
	size_t ncols;
	int64_t rows = 0;
	int rc = 0;

	*out = NULL;
	if (n == 0)
		return hy_error_set(err, HY_EINVAL, "concatenating no batches");
	ncols = hy_schema_nfields(batches[0]->schema);
	for (size_t i = 0; i < n; i++) {
		if (!hy_schema_eq(batches[0]->schema, batches[i]->schema))
			return hy_error_set(err, HY_EINVAL,
					    "batch %zu has another schema than batch 0", i);
		if (batches[i]->nrows > HY_MAX_COLUMN_ROWS - rows)
			return hy_error_set(err, HY_ELIMIT, "concatenation passes %d rows",
					    HY_MAX_COLUMN_ROWS);
		rows += batches[i]->nrows;
	}
	cols = hy_calloc(ncols, sizeof(struct hy_column *));
	if (cols == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory concatenating batches");
	for (size_t c = 0; c < ncols && rc == 0; c++) {
		rc = concat_column(batches, n, c, rows, &cols[c], err);
		if (rc != 0)
			hy_error_prefix(err, "column %s",
					hy_schema_field(batches[0]->schema, c)->name);
	}
	if (rc != 0) {
		for (size_t c = 0; c < ncols; c++)
			hy_column_unref(cols[c]);
		hy_free(cols);
		return rc;
	}
	return batch_wrap(batches[0]->schema, cols, rows, out, err);
}

struct hy_column *hy_batch_column_by_name(const struct hy_batch *batch, const char *name)
{
	long i = hy_schema_find(batch->schema, name);

	return i < 0 ? NULL : batch->cols[i];
}
