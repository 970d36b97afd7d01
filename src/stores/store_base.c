/* The store base: buffering to batch_size rows with zero-copy slices
 * (behaviour.md §3.3), or, in the streaming form, handing the rows over as
 * they come with the chunk boundaries marked. A buffered part is a reference to the caller's batch;
 * `head_offset` counts the rows of the oldest part already emitted, so a
 * chunk that lies inside one part is a slice (no copy) and only a chunk that
 * spans parts is concatenated (one copy of its rows). */
#include "hygge/store.h"

#include <string.h>

#include "hygge/alloc.h"

/* Shared by both forms: exactly one of emit / part is set. */
static int init(struct hy_store_buffer *buf, int64_t batch_size, hy_store_emit_fn emit,
		hy_store_part_fn part, void *ctx, struct hy_error *err)
{
	memset(buf, 0, sizeof(*buf));
	if (batch_size < 0 || (emit == NULL && part == NULL))
		return hy_error_set(err, HY_EINVAL, "batch_size must be at least 1 (got %lld)",
				    (long long)batch_size);
	buf->batch_size = batch_size == 0 ? HY_STORE_DEFAULT_BATCH_SIZE : batch_size;
	buf->emit = emit;
	buf->part = part;
	buf->emit_ctx = ctx;
	return 0;
}

int hy_store_buffer_init(struct hy_store_buffer *buf, int64_t batch_size, hy_store_emit_fn emit,
			 void *emit_ctx, struct hy_error *err)
{
	return init(buf, batch_size, emit, NULL, emit_ctx, err);
}

int hy_store_buffer_init_streaming(struct hy_store_buffer *buf, int64_t batch_size,
				   hy_store_part_fn part, void *ctx, struct hy_error *err)
{
	return init(buf, batch_size, NULL, part, ctx, err);
}

static void drop_parts(struct hy_store_buffer *buf)
{
	for (size_t i = 0; i < buf->nparts; i++)
		hy_batch_unref(buf->parts[i]);
	buf->nparts = 0;
	buf->head_offset = 0;
	buf->buffered_rows = 0;
	buf->chunk_rows = 0;
}

void hy_store_buffer_discard(struct hy_store_buffer *buf)
{
	drop_parts(buf);
	buf->rows_in = 0;
	buf->rows_out = 0;
	buf->chunks = 0;
}

void hy_store_buffer_reset(struct hy_store_buffer *buf)
{
	drop_parts(buf);
	hy_free(buf->parts);
	memset(buf, 0, sizeof(*buf));
}

/* Removes the first `rows` buffered rows from the parts (they were emitted or
 * are being dropped after a failed emit). */
static void consume(struct hy_store_buffer *buf, int64_t rows)
{
	size_t done = 0;

	buf->buffered_rows -= rows;
	while (rows > 0) {
		int64_t left = buf->parts[done]->nrows - buf->head_offset;

		if (rows < left) {
			buf->head_offset += rows;
			break;
		}
		rows -= left;
		buf->head_offset = 0;
		hy_batch_unref(buf->parts[done++]);
	}
	memmove(buf->parts, buf->parts + done, (buf->nparts - done) * sizeof(struct hy_batch *));
	buf->nparts -= done;
}

/* Builds the chunk of the first `rows` buffered rows (one new reference). */
static int take_chunk(struct hy_store_buffer *buf, int64_t rows, struct hy_batch **out,
		      struct hy_error *err)
{
	struct hy_batch **slices;
	size_t n = 0;
	int64_t need = rows, off = buf->head_offset;
	int rc = 0;

	if (buf->parts[0]->nrows - off >= rows)
		return hy_batch_slice(buf->parts[0], off, rows, out, err);
	slices = hy_calloc(buf->nparts, sizeof(struct hy_batch *));
	if (slices == NULL)
		return hy_error_set(err, HY_ENOMEM, "cannot buffer %lld rows", (long long)rows);
	for (size_t i = 0; need > 0 && i < buf->nparts; i++, off = 0) {
		int64_t len = buf->parts[i]->nrows - off;

		if (len > need)
			len = need;
		rc = hy_batch_slice(buf->parts[i], off, len, &slices[n], err);
		if (rc != 0)
			goto out;
		n++;
		need -= len;
	}
	rc = hy_batch_concat(slices, n, out, err);
out:
	for (size_t i = 0; i < n; i++)
		hy_batch_unref(slices[i]);
	hy_free(slices);
	return rc;
}

static int emit_rows(struct hy_store_buffer *buf, int64_t rows, struct hy_error *err)
{
	struct hy_batch *chunk = NULL;
	int rc;

	rc = take_chunk(buf, rows, &chunk, err);
	if (rc != 0)
		return rc;
	rc = buf->emit(buf->emit_ctx, chunk, err);
	hy_batch_unref(chunk);
	consume(buf, rows);
	if (rc == 0) {
		buf->rows_out += rows;
		buf->chunks++;
	}
	return rc;
}

/* Streaming: hands `batch` over in parts cut at chunk boundaries. rows_out
 * counts a chunk's rows once its last part was taken. */
static int stream_batch(struct hy_store_buffer *buf, struct hy_batch *batch, struct hy_error *err)
{
	buf->rows_in += batch->nrows;
	for (int64_t at = 0; at < batch->nrows;) {
		int64_t take = batch->nrows - at, room = buf->batch_size - buf->chunk_rows;
		struct hy_batch *part = batch;
		bool ends;
		int rc;

		if (take > room)
			take = room;
		if (take != batch->nrows)
			HY_TRY(hy_batch_slice(batch, at, take, &part, err));
		ends = buf->chunk_rows + take == buf->batch_size;
		rc = buf->part(buf->emit_ctx, part, ends, err);
		if (part != batch)
			hy_batch_unref(part);
		at += take;
		if (rc != 0) {
			buf->chunk_rows = 0; /* the store dropped its chunk */
			return rc;
		}
		buf->chunk_rows += take;
		if (ends) {
			buf->rows_out += buf->chunk_rows;
			buf->chunks++;
			buf->chunk_rows = 0;
		}
	}
	return 0;
}

int hy_store_buffer_write(struct hy_store_buffer *buf, struct hy_batch *batch, struct hy_error *err)
{
	if (batch == NULL)
		return hy_error_set(err, HY_EINVAL, "Cannot write None data");
	if (batch->nrows == 0)
		return 0;
	if (buf->part != NULL)
		return stream_batch(buf, batch, err);
	if (buf->nparts == buf->cap) {
		size_t cap = buf->cap == 0 ? 8 : buf->cap * 2;
		struct hy_batch **parts = hy_realloc(buf->parts, cap * sizeof(struct hy_batch *));

		if (parts == NULL)
			return hy_error_set(err, HY_ENOMEM, "cannot buffer a batch of %lld rows",
					    (long long)batch->nrows);
		buf->parts = parts;
		buf->cap = cap;
	}
	buf->parts[buf->nparts++] = hy_batch_ref(batch);
	buf->buffered_rows += batch->nrows;
	buf->rows_in += batch->nrows;
	while (buf->buffered_rows >= buf->batch_size)
		HY_TRY(emit_rows(buf, buf->batch_size, err));
	return 0;
}

int hy_store_buffer_flush(struct hy_store_buffer *buf, struct hy_error *err)
{
	if (buf->part != NULL) {
		int64_t rows = buf->chunk_rows;

		if (rows == 0)
			return 0;
		buf->chunk_rows = 0;
		HY_TRY(buf->part(buf->emit_ctx, NULL, true, err));
		buf->rows_out += rows;
		buf->chunks++;
		return 0;
	}
	while (buf->buffered_rows > 0) {
		int64_t rows =
			buf->buffered_rows < buf->batch_size ? buf->buffered_rows : buf->batch_size;

		HY_TRY(emit_rows(buf, rows, err));
	}
	return 0;
}
