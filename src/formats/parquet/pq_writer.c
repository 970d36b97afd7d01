/* The Parquet writer: options, sinks, feeding batches to the column chunk
 * encoders, placing the column chunks, the page indexes and the footer
 * (parquet.md sections 1, 3, 10 and 14). Each write is encoded at once by
 * pq_writer_chunk.c, one task per column, on the caller's pool when there is
 * one; only this file's calling thread touches the sink. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "hygge/version.h"
#include "pq_writer_int.h"

#define FOOTER_MAX    ((size_t)HY_PQ_MAX_FOOTER_BYTES)
#define FEED_MAX_ROWS ((int64_t)1 << 17) /* rows one feed encodes at most */
#define POOL_MIN_ROWS 4096               /* smaller steps encode on the caller's thread */

/* ---- options ---- */

void hy_pq_writer_options_init(struct hy_pq_writer_options *o)
{
	memset(o, 0, sizeof(*o));
	o->codec = HY_PQ_CODEC_SNAPPY;
	o->row_group_rows = HY_PQW_ROW_GROUP_ROWS;
	o->row_group_bytes = HY_PQW_ROW_GROUP_BYTES;
	o->page_bytes = HY_PQW_PAGE_BYTES;
	o->page_rows = HY_PQW_PAGE_ROWS;
	o->dict_limit = HY_PQW_DICT_LIMIT;
	o->timestamp_unit = HY_UNIT_MICRO;
	o->page_index = true;
}

static const struct {
	const char *name;
	int codec;
} codec_names[] = {
	{"snappy", HY_PQ_CODEC_SNAPPY},     {"zstd", HY_PQ_CODEC_ZSTD},
	{"gzip", HY_PQ_CODEC_GZIP},         {"lz4", HY_PQ_CODEC_LZ4_RAW},
	{"lz4_raw", HY_PQ_CODEC_LZ4_RAW},   {"brotli", HY_PQ_CODEC_BROTLI},
	{"none", HY_PQ_CODEC_UNCOMPRESSED}, {"uncompressed", HY_PQ_CODEC_UNCOMPRESSED},
};

#define NCODECS (sizeof(codec_names) / sizeof(codec_names[0]))

/* Levenshtein distance, case-insensitive, of short words (<= 31 bytes). */
static size_t edit_distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), row[32];

	if (la > 31 || lb > 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], cost = (a[i - 1] | 0x20) != (b[j - 1] | 0x20);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

int hy_pq_codec_parse(const char *text, int *codec, int *level, struct hy_error *err)
{
	const char *colon = strchr(text, ':');
	size_t n = colon != NULL ? (size_t)(colon - text) : strlen(text), best = 99;
	const char *near = NULL;

	*level = 0;
	for (size_t i = 0; i < NCODECS; i++) {
		size_t d;

		if (strlen(codec_names[i].name) == n &&
		    strncasecmp(text, codec_names[i].name, n) == 0) {
			*codec = codec_names[i].codec;
			if (colon == NULL)
				return 0;
			char *end;
			long v = strtol(colon + 1, &end, 10);
			if (end == colon + 1 || *end != '\0' || v < -131072 || v > 22)
				return HY__PQ_FAIL(err, HY_EINVAL,
						   "compression '%s': the level after ':' must be "
						   "an integer",
						   text);
			*level = (int)v;
			return 0;
		}
		d = edit_distance(text, n, codec_names[i].name);
		if (d < best) {
			best = d;
			near = codec_names[i].name;
		}
	}
	if (near != NULL && best <= 2)
		return HY__PQ_FAIL(
			err, HY_EINVAL,
			"unknown compression '%.100s' (did you mean '%s'?); one of snappy, "
			"zstd, gzip, lz4, lz4_raw, brotli, none",
			text, near);
	return HY__PQ_FAIL(err, HY_EINVAL,
			   "unknown compression '%.100s'; one of snappy, zstd, gzip, lz4, lz4_raw, "
			   "brotli, none",
			   text);
}

int hy_pq_timestamp_unit_parse(const char *text, int *unit, struct hy_error *err)
{
	if (strcasecmp(text, "us") == 0 || strcasecmp(text, "micros") == 0) {
		*unit = HY_UNIT_MICRO;
		return 0;
	}
	if (strcasecmp(text, "ns") == 0 || strcasecmp(text, "nanos") == 0) {
		*unit = HY_UNIT_NANO;
		return 0;
	}
	return HY__PQ_FAIL(err, HY_EINVAL, "timestamp_unit '%.100s': one of us, ns", text);
}

static int check_options(const struct hy_pq_writer_options *o, struct hy_error *err)
{
	struct hy_buf probe;
	int rc;

	if (o->row_group_rows < 1 || o->row_group_rows > HY_MAX_COLUMN_ROWS)
		return HY__PQ_FAIL(err, HY_EINVAL,
				   "parquet writer: row_group_rows %lld out of range",
				   (long long)o->row_group_rows);
	if (o->row_group_bytes < 1)
		return HY__PQ_FAIL(err, HY_EINVAL, "parquet writer: row_group_bytes must be > 0");
	if (o->page_bytes < 1 || o->page_bytes > HY_PQW_MAX_PAGE_BYTES)
		return HY__PQ_FAIL(err, HY_EINVAL, "parquet writer: page_bytes %lld out of range",
				   (long long)o->page_bytes);
	if (o->page_rows < 1)
		return HY__PQ_FAIL(err, HY_EINVAL, "parquet writer: page_rows must be > 0");
	if (o->dict_limit < 0 || o->dict_limit > HY_PQW_MAX_PAGE_BYTES)
		return HY__PQ_FAIL(err, HY_EINVAL, "parquet writer: dict_limit out of range");
	if (o->timestamp_unit != HY_UNIT_MICRO && o->timestamp_unit != HY_UNIT_NANO)
		return HY__PQ_FAIL(err, HY_EINVAL,
				   "parquet writer: timestamp_unit must be us or ns");
	/* The codec and level, checked once here rather than at the first page. */
	hy_buf_init(&probe, 1 << 16);
	rc = hy_pq_compress(o->codec, o->level, (const uint8_t *)"PAR1", 4, &probe, err);
	hy_buf_reset(&probe);
	if (rc != 0)
		hy_error_prefix(err, "parquet writer");
	return rc;
}

/* ---- sinks ---- */

static int fd_write(struct hy_pq_sink *s, const void *buf, size_t len, struct hy_error *err)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hy_error_set_errno(err, HY_EIO, errno, "cannot write to %s",
						  s->name);
		if (n == 0)
			return HY__PQ_FAIL(err, HY_EIO, "cannot write to %s: no progress", s->name);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int mem_write(struct hy_pq_sink *s, const void *buf, size_t len, struct hy_error *err)
{
	return hy_buf_append(s->mem, buf, len, err);
}

static void mem_abort(struct hy_pq_sink *s)
{
	hy__pq_buf_truncate(s->mem, s->mem_start);
}

void hy_pq_sink_init_memory(struct hy_pq_sink *s, struct hy_buf *buf)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->write = mem_write;
	s->abort = mem_abort;
	s->mem = buf;
	s->mem_start = buf->len;
}

int hy_pq_sink_init_fd(struct hy_pq_sink *s, int fd, const char *name, struct hy_error *err)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->write = fd_write;
	s->name = name != NULL ? hy_strdup(name) : hy_asprintf("fd %d", fd);
	if (s->name == NULL)
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet sink: out of memory");
	return 0;
}

static int file_commit(struct hy_pq_sink *s, struct hy_error *err)
{
	if (s->defer_sync)
		(void)sync_file_range(s->fd, 0, 0, SYNC_FILE_RANGE_WRITE); /* a hint: may fail */
	else if (fsync(s->fd) != 0)
		return hy_error_set_errno(err, HY_EIO, errno, "cannot write to %s", s->path);
	if (close(s->fd) != 0) {
		s->fd = -1;
		return hy_error_set_errno(err, HY_EIO, errno, "cannot write to %s", s->path);
	}
	s->fd = -1;
	if (rename(s->tmp_path, s->path) != 0)
		return hy_error_set_errno(err, HY_EIO, errno, "cannot rename %s to %s", s->tmp_path,
					  s->path);
	hy_free(s->tmp_path);
	s->tmp_path = NULL;
	return 0;
}

static void file_abort(struct hy_pq_sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->tmp_path != NULL)
		unlink(s->tmp_path);
	hy_free(s->tmp_path);
	s->tmp_path = NULL;
}

int hy_pq_sink_open_file(struct hy_pq_sink *s, const char *path, struct hy_error *err)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->path = hy_strdup(path);
	s->name = hy_strdup(path);
	s->tmp_path = hy_asprintf("%s.hygge-tmp-%ld", path, (long)getpid());
	if (s->path == NULL || s->name == NULL || s->tmp_path == NULL) {
		hy_pq_sink_close(s);
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet sink: out of memory");
	}
	s->fd = open(s->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		int e = errno;
		hy_free(s->tmp_path);
		s->tmp_path = NULL;
		hy_pq_sink_close(s);
		return hy_error_set_errno(err, HY_EIO, e, "cannot create %s", path);
	}
	s->own_fd = true;
	s->write = fd_write;
	s->commit = file_commit;
	s->abort = file_abort;
	return 0;
}

void hy_pq_sink_close(struct hy_pq_sink *s)
{
	if (s->own_fd)
		file_abort(s); /* no-op once committed */
	hy_free(s->name);
	hy_free(s->path);
	hy_free(s->tmp_path);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* ---- the writer ---- */

/* A placed column chunk, kept for the footer. */
struct chunk_meta {
	int64_t num_values, total_uncompressed, total_compressed;
	int64_t data_page_offset, dictionary_page_offset; /* dictionary: 0 when none */
	uint32_t encodings;
	int32_t n_dict_pages, n_plain_pages, n_rle_dict_pages;
	struct hy__pqw_stats stats;
	struct hy_buf column_index, offset_index; /* blobs until finish */
	int64_t ci_offset, oi_offset;
	int32_t ci_len, oi_len;
	bool has_ci, has_oi;
};

struct row_group_meta {
	int64_t num_rows, total_byte_size, file_offset, total_compressed;
	struct chunk_meta *chunks; /* one per leaf */
};

struct hy_pq_writer {
	struct hy_schema *schema;
	struct hy_pq_writer_options opts;
	struct hy_pq_sink *sink;
	size_t ncols;
	struct hy__pqw_leaf *leaves;
	struct hy__pqw_chunk *chunks; /* encoders, one per leaf, living across writes */
	int64_t *truncated;           /* per leaf, over the whole file */

	int64_t rg_rows;   /* rows fed into the open row group */
	int64_t step_rows; /* rows of the write step being encoded */

	struct row_group_meta *groups;
	size_t ngroups, cap_groups;
	int64_t rows;
	uint64_t pos; /* bytes handed to the sink */
	bool failed, finished;
};

static int sink_write(struct hy_pq_writer *w, const void *p, size_t len, struct hy_error *err)
{
	int rc = w->sink->write(w->sink, p, len, err);

	if (rc == 0)
		w->pos += len;
	return rc;
}

int hy_pq_writer_open(struct hy_pq_writer **out, struct hy_schema *schema,
		      const struct hy_pq_writer_options *opts, struct hy_pq_sink *sink,
		      struct hy_error *err)
{
	struct hy_pq_writer *w;
	int rc;

	*out = NULL;
	HY_TRY(check_options(opts, err));
	if (hy_schema_nfields(schema) == 0)
		return HY__PQ_FAIL(err, HY_EINVAL,
				   "parquet writer: a file needs at least one column");
	w = hy_calloc(1, sizeof(*w));
	if (w == NULL)
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
	w->schema = hy_schema_ref(schema);
	w->opts = *opts;
	w->sink = sink;
	w->ncols = hy_schema_nfields(schema);
	w->leaves = hy_calloc(w->ncols + 1, sizeof(*w->leaves));
	w->chunks = hy_calloc(w->ncols + 1, sizeof(*w->chunks));
	w->truncated = hy_calloc(w->ncols + 1, sizeof(*w->truncated));
	if (w->leaves == NULL || w->chunks == NULL || w->truncated == NULL) {
		hy_pq_writer_close(w);
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
	}
	for (size_t i = 0; i < w->ncols; i++) {
		rc = hy__pqw_leaf_init(&w->leaves[i], hy_schema_field(schema, i), &w->opts, err);
		if (rc != 0) {
			hy_pq_writer_close(w);
			return rc;
		}
		hy__pqw_chunk_init(&w->chunks[i], &w->leaves[i], &w->opts, i);
	}
	rc = sink_write(w, "PAR1", 4, err);
	if (rc != 0) {
		hy_pq_writer_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

static void free_chunk_meta(struct chunk_meta *m)
{
	hy__pqw_stats_free(&m->stats);
	hy_buf_reset(&m->column_index);
	hy_buf_reset(&m->offset_index);
}

void hy_pq_writer_close(struct hy_pq_writer *w)
{
	if (w == NULL)
		return;
	if (!w->finished && w->sink != NULL && w->sink->abort != NULL)
		w->sink->abort(w->sink);
	for (size_t g = 0; g < w->ngroups; g++) {
		for (size_t i = 0; i < w->ncols; i++)
			free_chunk_meta(&w->groups[g].chunks[i]);
		hy_free(w->groups[g].chunks);
	}
	hy_free(w->groups);
	if (w->chunks != NULL)
		for (size_t i = 0; i < w->ncols; i++)
			if (w->chunks[i].leaf != NULL)
				hy__pqw_chunk_reset(&w->chunks[i]);
	hy_free(w->chunks);
	hy_free(w->leaves);
	hy_free(w->truncated);
	hy_schema_unref(w->schema);
	hy_free(w);
}

int64_t hy_pq_writer_rows(const struct hy_pq_writer *w)
{
	return w->rows;
}

uint64_t hy_pq_writer_bytes(const struct hy_pq_writer *w)
{
	return w->pos;
}

static int feed_task(void *arg, struct hy_error *err)
{
	return hy__pqw_chunk_feed(arg, err);
}

static int end_task(void *arg, struct hy_error *err)
{
	return hy__pqw_chunk_end(arg, err);
}

/* Runs `fn` over every column chunk: one task per column on the pool, or in
 * the caller's thread (also for a small write step, where handing tasks to
 * other threads costs more than encoding a few rows). */
static int run_all(struct hy_pq_writer *w, int (*fn)(void *, struct hy_error *),
		   struct hy_error *err)
{
	struct hy_pool_group g;
	int rc = 0;

	if (w->opts.pool == NULL || w->ncols == 1 || w->step_rows < POOL_MIN_ROWS) {
		for (size_t i = 0; i < w->ncols && rc == 0; i++)
			rc = fn(&w->chunks[i], err);
		return rc;
	}
	hy_pool_group_init(&g, w->opts.pool, HY_POOL_GROUP_CANCEL_ON_ERROR);
	for (size_t i = 0; i < w->ncols && rc == 0; i++)
		rc = hy_pool_submit(w->opts.pool, &g, fn, &w->chunks[i], err);
	int wrc = hy_pool_group_wait(&g, err);
	return rc != 0 ? rc : wrc;
}

/* The chunk's data pages, which sit in data_pages behind header gaps: one
 * sink write per page. (A writev of many pages measured slower: the kernel's
 * page-cache copy took 3-5x the time of plain writes of the same bytes.) */
static int write_pages(struct hy_pq_writer *w, struct hy__pqw_chunk *c, struct hy_error *err)
{
	for (size_t i = 0; i < c->npages; i++)
		HY_TRY(sink_write(w, c->data_pages.data + c->pages[i].at, (size_t)c->pages[i].size,
				  err));
	return 0;
}

/* Writes the chunk's bytes and keeps its metadata and page-index blobs. */
static int place_chunk(struct hy_pq_writer *w, struct hy__pqw_chunk *c, struct chunk_meta *m,
		       struct hy_error *err)
{
	int64_t start = (int64_t)w->pos;

	hy__pqw_stats_init(&m->stats);
	hy_buf_init(&m->column_index, FOOTER_MAX);
	hy_buf_init(&m->offset_index, FOOTER_MAX);
	if (c->dict_page_len > 0)
		HY_TRY(sink_write(w, c->bytes.data + c->dict_at, (size_t)c->dict_page_len, err));
	HY_TRY(write_pages(w, c, err));
	m->num_values = c->num_values;
	m->total_uncompressed = c->total_uncompressed;
	m->total_compressed = c->dict_page_len + c->data_bytes;
	m->dictionary_page_offset = c->dict_page_len > 0 ? start : 0;
	m->data_page_offset = start + c->dict_page_len;
	m->encodings = c->encodings;
	m->n_dict_pages = c->n_dict_pages;
	m->n_plain_pages = c->n_plain_pages;
	m->n_rle_dict_pages = c->n_rle_dict_pages;
	m->stats.null_count = c->stats.null_count;
	m->stats.nan_count = c->stats.nan_count;
	m->stats.num_values = c->stats.num_values;
	m->stats.has_minmax = c->stats.has_minmax;
	m->stats.min_exact = c->stats.min_exact;
	m->stats.max_exact = c->stats.max_exact;
	HY_TRY(hy_buf_append(&m->stats.min, c->stats.min.data, c->stats.min.len, err));
	HY_TRY(hy_buf_append(&m->stats.max, c->stats.max.data, c->stats.max.len, err));
	w->truncated[c->leaf - w->leaves] += c->truncated;
	c->truncated = 0;
	if (!w->opts.page_index)
		return 0;
	for (size_t i = 0; i < c->npages; i++)
		c->pages[i].offset += m->data_page_offset;
	HY_TRY(hy__pqw_offset_index(c->pages, c->npages, &m->offset_index, err));
	m->has_oi = true;
	return hy__pqw_column_index(c->leaf, c->pages, c->npages, &m->column_index, &m->has_ci,
				    err);
}

static int flush_row_group(struct hy_pq_writer *w, struct hy_error *err)
{
	struct row_group_meta *g;
	int rc;

	if (w->rg_rows == 0)
		return 0;
	if (w->ngroups == w->cap_groups) {
		size_t cap = w->cap_groups == 0 ? 8 : w->cap_groups * 2;
		struct row_group_meta *p = hy_realloc(w->groups, cap * sizeof(*p));
		if (p == NULL)
			return HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
		w->groups = p;
		w->cap_groups = cap;
	}
	w->step_rows = POOL_MIN_ROWS; /* the last pages and the dictionary pages: worth a pool */
	HY_TRY(run_all(w, end_task, err));
	g = &w->groups[w->ngroups];
	memset(g, 0, sizeof(*g));
	g->chunks = hy_calloc(w->ncols + 1, sizeof(*g->chunks));
	if (g->chunks == NULL)
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet writer: out of memory");
	w->ngroups++;
	g->num_rows = w->rg_rows;
	g->file_offset = (int64_t)w->pos;
	rc = 0;
	for (size_t i = 0; i < w->ncols && rc == 0; i++) {
		rc = place_chunk(w, &w->chunks[i], &g->chunks[i], err);
		g->total_byte_size += g->chunks[i].total_uncompressed;
		g->total_compressed += g->chunks[i].total_compressed;
		hy__pqw_chunk_clear(&w->chunks[i]);
	}
	if (rc == 0)
		w->rows += w->rg_rows;
	w->rg_rows = 0;
	return rc;
}

/* Encoded bytes the open row group holds. */
static int64_t held_bytes(const struct hy_pq_writer *w)
{
	int64_t total = 0;

	for (size_t i = 0; i < w->ncols; i++)
		total += hy__pqw_chunk_held(&w->chunks[i]);
	return total;
}

/* Feeds rows [at, at + n) of the batch to every column encoder. */
static int feed(struct hy_pq_writer *w, struct hy_batch *batch, int64_t at, int64_t n,
		struct hy_error *err)
{
	struct hy_batch *slice = batch;
	int rc;

	if (at != 0 || n != batch->nrows)
		HY_TRY(hy_batch_slice(batch, at, n, &slice, err));
	for (size_t i = 0; i < w->ncols; i++)
		w->chunks[i].feed = slice->cols[i];
	w->step_rows = n;
	rc = run_all(w, feed_task, err);
	for (size_t i = 0; i < w->ncols; i++)
		w->chunks[i].feed = NULL;
	if (slice != batch)
		hy_batch_unref(slice);
	if (rc == 0)
		w->rg_rows += n;
	return rc;
}

static int write_batch(struct hy_pq_writer *w, struct hy_batch *batch, struct hy_error *err)
{
	if (!hy_schema_eq(batch->schema, w->schema))
		return HY__PQ_FAIL(err, HY_EINVAL,
				   "parquet writer: the batch's schema differs from the file's");
	for (int64_t at = 0; at < batch->nrows;) {
		int64_t n = batch->nrows - at, room = w->opts.row_group_rows - w->rg_rows;

		/* big batches go in steps, so the encoded-bytes cap is checked often */
		if (room > FEED_MAX_ROWS)
			room = FEED_MAX_ROWS;
		if (n > room)
			n = room;
		HY_TRY(feed(w, batch, at, n, err));
		at += n;
		if (w->rg_rows >= w->opts.row_group_rows ||
		    held_bytes(w) >= w->opts.row_group_bytes)
			HY_TRY(flush_row_group(w, err));
	}
	return 0;
}

int hy_pq_writer_write(struct hy_pq_writer *w, struct hy_batch *batch, struct hy_error *err)
{
	int rc;

	if (w->failed || w->finished)
		return HY__PQ_FAIL(err, HY_ESTATE, "parquet writer: write after %s",
				   w->failed ? "a failure" : "finish");
	rc = write_batch(w, batch, err);
	if (rc != 0)
		w->failed = true;
	return rc;
}

/* ---- footer ---- */

static int write_column_meta(struct hy__pq_tenc *e, const struct hy__pqw_leaf *l,
			     const struct chunk_meta *m, int codec)
{
	static const int order[] = {HY_PQ_ENC_PLAIN, HY_PQ_ENC_RLE, HY_PQ_ENC_RLE_DICTIONARY};
	uint32_t n = 0;
	const char *name = l->field->name;

	for (size_t i = 0; i < 3; i++)
		n += (m->encodings >> order[i]) & 1;
	HY_TRY(hy__pq_tenc_struct(e, 3));
	HY_TRY(hy__pq_tenc_i32(e, 1, l->ptype));
	HY_TRY(hy__pq_tenc_list(e, 2, HY__PQ_T_I32, n));
	for (size_t i = 0; i < 3; i++)
		if ((m->encodings >> order[i]) & 1)
			HY_TRY(hy__pq_tenc_elem_i32(e, order[i]));
	HY_TRY(hy__pq_tenc_list(e, 3, HY__PQ_T_BINARY, 1));
	HY_TRY(hy__pq_tenc_elem_binary(e, name, strlen(name)));
	HY_TRY(hy__pq_tenc_i32(e, 4, codec));
	HY_TRY(hy__pq_tenc_i64(e, 5, m->num_values));
	HY_TRY(hy__pq_tenc_i64(e, 6, m->total_uncompressed));
	HY_TRY(hy__pq_tenc_i64(e, 7, m->total_compressed));
	HY_TRY(hy__pq_tenc_i64(e, 9, m->data_page_offset));
	if (m->dictionary_page_offset > 0)
		HY_TRY(hy__pq_tenc_i64(e, 11, m->dictionary_page_offset));
	HY_TRY(hy__pqw_write_stats(e, 12, l, &m->stats));
	/* encoding_stats: lets readers see "every data page is dictionary-encoded" */
	uint32_t ns = (m->n_dict_pages > 0) + (m->n_rle_dict_pages > 0) + (m->n_plain_pages > 0);
	HY_TRY(hy__pq_tenc_list(e, 13, HY__PQ_T_STRUCT, ns));
	const struct {
		int32_t count;
		int type, enc;
	} es[3] = {{m->n_dict_pages, HY_PQ_PAGE_DICTIONARY, HY_PQ_ENC_PLAIN},
		   {m->n_rle_dict_pages, HY_PQ_PAGE_DATA, HY_PQ_ENC_RLE_DICTIONARY},
		   {m->n_plain_pages, HY_PQ_PAGE_DATA, HY_PQ_ENC_PLAIN}};
	for (size_t i = 0; i < 3; i++) {
		if (es[i].count == 0)
			continue;
		HY_TRY(hy__pq_tenc_begin(e));
		HY_TRY(hy__pq_tenc_i32(e, 1, es[i].type));
		HY_TRY(hy__pq_tenc_i32(e, 2, es[i].enc));
		HY_TRY(hy__pq_tenc_i32(e, 3, es[i].count));
		HY_TRY(hy__pq_tenc_end(e));
	}
	return hy__pq_tenc_end(e);
}

static int write_row_group(struct hy_pq_writer *w, struct hy__pq_tenc *e,
			   const struct row_group_meta *g, size_t ordinal)
{
	HY_TRY(hy__pq_tenc_begin(e));
	HY_TRY(hy__pq_tenc_list(e, 1, HY__PQ_T_STRUCT, (uint32_t)w->ncols));
	for (size_t i = 0; i < w->ncols; i++) {
		const struct chunk_meta *m = &g->chunks[i];

		HY_TRY(hy__pq_tenc_begin(e));
		HY_TRY(hy__pq_tenc_i64(e, 2, 0)); /* file_offset: deprecated, 0 (spec) */
		HY_TRY(write_column_meta(e, &w->leaves[i], m, w->opts.codec));
		if (m->has_oi) {
			HY_TRY(hy__pq_tenc_i64(e, 4, m->oi_offset));
			HY_TRY(hy__pq_tenc_i32(e, 5, m->oi_len));
		}
		if (m->has_ci) {
			HY_TRY(hy__pq_tenc_i64(e, 6, m->ci_offset));
			HY_TRY(hy__pq_tenc_i32(e, 7, m->ci_len));
		}
		HY_TRY(hy__pq_tenc_end(e));
	}
	HY_TRY(hy__pq_tenc_i64(e, 2, g->total_byte_size));
	HY_TRY(hy__pq_tenc_i64(e, 3, g->num_rows));
	HY_TRY(hy__pq_tenc_i64(e, 5, g->file_offset));
	HY_TRY(hy__pq_tenc_i64(e, 6, g->total_compressed));
	if (ordinal <= INT16_MAX)
		HY_TRY(hy__pq_tenc_i16(e, 7, (int16_t)ordinal));
	return hy__pq_tenc_end(e);
}

static int encode_footer(struct hy_pq_writer *w, struct hy_buf *out, struct hy_error *err)
{
	static const char created_by[] = "hygge version " HYGGE_VERSION;
	struct hy__pq_tenc e;

	hy__pq_tenc_init(&e, out, err);
	HY_TRY(hy__pq_tenc_begin(&e));
	HY_TRY(hy__pq_tenc_i32(&e, 1, 1));
	HY_TRY(hy__pq_tenc_list(&e, 2, HY__PQ_T_STRUCT, (uint32_t)w->ncols + 1));
	HY_TRY(hy__pq_tenc_begin(&e));
	HY_TRY(hy__pq_tenc_binary(&e, 4, "schema", 6));
	HY_TRY(hy__pq_tenc_i32(&e, 5, (int32_t)w->ncols));
	HY_TRY(hy__pq_tenc_end(&e));
	for (size_t i = 0; i < w->ncols; i++)
		HY_TRY(hy__pqw_write_schema_element(&e, &w->leaves[i]));
	HY_TRY(hy__pq_tenc_i64(&e, 3, w->rows));
	HY_TRY(hy__pq_tenc_list(&e, 4, HY__PQ_T_STRUCT, (uint32_t)w->ngroups));
	for (size_t g = 0; g < w->ngroups; g++)
		HY_TRY(write_row_group(w, &e, &w->groups[g], g));
	HY_TRY(hy__pq_tenc_binary(&e, 6, created_by, sizeof(created_by) - 1));
	HY_TRY(hy__pq_tenc_list(&e, 7, HY__PQ_T_STRUCT, (uint32_t)w->ncols));
	for (size_t i = 0; i < w->ncols; i++) {
		HY_TRY(hy__pq_tenc_begin(&e));
		HY_TRY(hy__pq_tenc_struct(&e, 1)); /* TYPE_ORDER */
		HY_TRY(hy__pq_tenc_end(&e));
		HY_TRY(hy__pq_tenc_end(&e));
	}
	return hy__pq_tenc_end(&e);
}

/* All ColumnIndexes, then all OffsetIndexes (parquet.md section 10). */
static int write_page_indexes(struct hy_pq_writer *w, struct hy_error *err)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t g = 0; g < w->ngroups; g++)
			for (size_t i = 0; i < w->ncols; i++) {
				struct chunk_meta *m = &w->groups[g].chunks[i];
				struct hy_buf *b = pass == 0 ? &m->column_index : &m->offset_index;

				if (pass == 0 ? !m->has_ci : !m->has_oi)
					continue;
				if (b->len > INT32_MAX)
					return HY__PQ_FAIL(err, HY_ELIMIT,
							   "parquet writer: page index too large");
				*(pass == 0 ? &m->ci_offset : &m->oi_offset) = (int64_t)w->pos;
				*(pass == 0 ? &m->ci_len : &m->oi_len) = (int32_t)b->len;
				HY_TRY(sink_write(w, b->data, b->len, err));
				hy_buf_reset(b);
			}
	return 0;
}

static void report_warnings(struct hy_pq_writer *w)
{
	char msg[512];

	for (size_t i = 0; i < w->ncols; i++) {
		const struct hy__pqw_leaf *l = &w->leaves[i];

		if (w->truncated[i] == 0 || w->opts.warn == NULL)
			continue;
		snprintf(msg, sizeof(msg),
			 "column '%.300s': %lld values lost digits (truncated from %s to %s)",
			 l->field->name, (long long)w->truncated[i],
			 hy_time_unit_name(l->field->type.unit),
			 l->logical.unit == HY_PQ_UNIT_MICROS ? "us" : "ms");
		w->opts.warn(w->opts.warn_ctx, msg);
	}
}

static int finish(struct hy_pq_writer *w, struct hy_error *err)
{
	struct hy_buf footer;
	uint8_t tail[8];
	int rc;

	HY_TRY(flush_row_group(w, err));
	HY_TRY(write_page_indexes(w, err));
	hy_buf_init(&footer, FOOTER_MAX);
	rc = encode_footer(w, &footer, err);
	if (rc == 0) {
		for (int i = 0; i < 4; i++)
			tail[i] = (uint8_t)(footer.len >> (8 * i));
		tail[4] = 'P';
		tail[5] = 'A';
		tail[6] = 'R';
		tail[7] = '1';
		rc = sink_write(w, footer.data, footer.len, err);
	}
	if (rc == 0)
		rc = sink_write(w, tail, 8, err);
	hy_buf_reset(&footer);
	if (rc == 0 && w->sink->commit != NULL)
		rc = w->sink->commit(w->sink, err);
	if (rc == 0)
		report_warnings(w);
	return rc;
}

int hy_pq_writer_finish(struct hy_pq_writer *w, struct hy_error *err)
{
	int rc;

	if (w->failed || w->finished)
		return HY__PQ_FAIL(err, HY_ESTATE, "parquet writer: finish after %s",
				   w->failed ? "a failure" : "finish");
	rc = finish(w, err);
	if (rc != 0)
		w->failed = true;
	else
		w->finished = true;
	return rc;
}
