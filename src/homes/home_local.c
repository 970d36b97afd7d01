/* The local home (types `local` and `parquet`): files on the local disk,
 * behaviour.md §3.5.
 *
 * `path` (already joined onto the project root and, for an entity flow, the
 * entity sub-directory, by the workspace loader) is a file or a directory. A
 * directory is walked recursively and every regular file whose name ends in
 * `.<format>` is read, in sorted path order. Each file is read on its own and
 * cut into batches of at most `batch_size` rows, so a batch never spans two
 * files; a file without rows yields nothing.
 *
 * CSV files of one entity share one schema: hy_csv_infer_schema() samples
 * the first rows across the files, so a column that looks like an integer in
 * one file and a float in the next does not change type mid-entity. NDJSON
 * and parquet files carry their own schema.
 *
 * Design notes: docs/internals/homes-stores.md. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hygge/alloc.h"
#include "hygge/cfgtypes.h"
#include "hygge/formats.h"
#include "hygge/home.h"
#include "hygge/log.h"
#include "hygge/parquet.h"
#include "home_local_int.h"
#include "homes_int.h"

/* Most files one home reads, and the deepest directory it walks. */
#define MAX_FILES (1u << 20)
#define MAX_DEPTH 64

static const char *const format_names[] = {"parquet", "csv", "ndjson"};

struct hy_home {
	char *flow; /* log scope */
	char *root; /* the resolved path */
	int format; /* enum hy_file_format */
	int64_t batch_size;
	char **files; /* sorted; the one being read is files[next - 1] */
	size_t nfiles, cap, next;
	struct hy_local_read_opts opts;
	struct hy_schema *csv_schema; /* shared by the CSV files; NULL until opened */
	struct hy_csv_reader *csv;
	struct hy_ndjson_reader *ndjson;
	struct hy_pq_reader *pq;
	struct hy_pool *pool; /* the run's CPU pool (borrowed), NULL = serial */
};

const char *hy__local_format_name(int format)
{
	return format >= 0 && format <= 2 ? format_names[format] : "?";
}

static int add_file(struct hy_home *h, const char *path, struct hy_error *err)
{
	if (h->nfiles == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		char **files;

		if (h->nfiles >= MAX_FILES)
			return hy_error_set(err, HY_ELIMIT, "more than %u files under %s",
					    MAX_FILES, h->root);
		files = hy_realloc(h->files, cap * sizeof(*files));
		if (files == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory listing %s", h->root);
		h->files = files;
		h->cap = cap;
	}
	if ((h->files[h->nfiles] = hy_strdup(path)) == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory listing %s", h->root);
	h->nfiles++;
	return 0;
}

static bool has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e + 1 && name[n - e - 1] == '.' && strcmp(name + n - e, ext) == 0;
}

/* Adds every `*.<ext>` file under `dir`, recursively. */
static int walk(struct hy_home *h, const char *dir, int depth, struct hy_error *err)
{
	const char *ext = format_names[h->format];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return hy_error_set(err, HY_ELIMIT, "directories nested deeper than %d under %s",
				    MAX_DEPTH, h->root);
	if ((d = opendir(dir)) == NULL)
		return hy_error_set_errno(err, HY_EIO, errno, "cannot list %s", dir);
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((path = hy_asprintf("%s/%s", dir, de->d_name)) == NULL) {
			rc = hy_error_set(err, HY_ENOMEM, "out of memory listing %s", dir);
			break;
		}
		if (stat(path, &st) != 0)
			rc = hy_error_set_errno(err, HY_EIO, errno, "cannot stat %s", path);
		else if (S_ISDIR(st.st_mode))
			rc = walk(h, path, depth + 1, err);
		else if (S_ISREG(st.st_mode) && has_ext(de->d_name, ext))
			rc = add_file(h, path, err);
		hy_free(path);
	}
	if (rc == 0 && de == NULL && errno != 0)
		rc = hy_error_set_errno(err, HY_EIO, errno, "cannot list %s", dir);
	closedir(d);
	return rc;
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_files(struct hy_home *h, struct hy_error *err)
{
	struct stat st;

	if (stat(h->root, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return hy_error_set(err, HY_ENOTFOUND, "Path does not exist: %s", h->root);
		return hy_error_set_errno(err, HY_EIO, errno, "cannot stat %s", h->root);
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(h, h->root, err);
	HY_TRY(walk(h, h->root, 0, err));
	if (h->nfiles == 0)
		return hy_error_set(err, HY_ENOTFOUND, "No %s files found in directory: %s",
				    format_names[h->format], h->root);
	qsort(h->files, h->nfiles, sizeof(*h->files), cmp_paths);
	return 0;
}

static void close_reader(struct hy_home *h)
{
	hy_csv_reader_close(h->csv);
	hy_ndjson_reader_close(h->ndjson);
	hy_pq_reader_close(h->pq);
	h->csv = NULL;
	h->ndjson = NULL;
	h->pq = NULL;
}

static void home_close(struct hy_home *h)
{
	if (h == NULL)
		return;
	close_reader(h);
	hy_schema_unref(h->csv_schema);
	for (size_t i = 0; i < h->nfiles; i++)
		hy_free(h->files[i]);
	hy_free(h->files);
	hy__local_read_opts_reset(&h->opts);
	hy_free(h->root);
	hy_free(h->flow);
	hy_free(h);
}

/* The CSV schema shared by every file of the home (files without a byte are
 * left out of the sample: they have no header to agree with). */
static int csv_schema(struct hy_home *h, struct hy_error *err)
{
	const char **paths = hy_calloc(h->nfiles ? h->nfiles : 1, sizeof(*paths));
	size_t n = 0;
	int rc;

	if (paths == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	for (size_t i = 0; i < h->nfiles; i++) {
		struct stat st;

		if (stat(h->files[i], &st) == 0 && st.st_size > 0)
			paths[n++] = h->files[i];
	}
	rc = n == 0 ? 0 : hy_csv_infer_schema(paths, n, &h->opts.csv, &h->csv_schema, err);
	hy_free(paths);
	return rc;
}

static int home_open(struct hy_home **out, const void *config,
		     const struct hy_endpoint_context *ctx, struct hy_error *err)
{
	const struct hy_home_config *cfg = config;
	const struct hy_file_cfg *fc = &cfg->u.file;
	struct hy_home *h;
	int rc;

	*out = NULL;
	if ((h = hy_calloc(1, sizeof(*h))) == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening the home");
	h->format = strcmp(cfg->type, "parquet") == 0 ? HY_FORMAT_PARQUET : fc->format;
	h->batch_size = fc->batch_size > 0 ? fc->batch_size : 50000;
	h->pool = ctx != NULL ? ctx->pool : NULL;
	h->flow = hy_strdup(ctx != NULL && ctx->flow_name != NULL ? ctx->flow_name : "");
	h->root = hy_strdup(fc->abs_path != NULL ? fc->abs_path : fc->path);
	if (h->flow == NULL || h->root == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory opening the home");
		goto fail;
	}
	if ((rc = hy__local_read_opts_init(&h->opts, fc->format_options, err)) != 0)
		goto fail;
	h->opts.csv.pool = h->pool; /* CSV records are parsed in slices on it */
	if ((rc = list_files(h, err)) != 0)
		goto fail;
	if (h->format == HY_FORMAT_CSV && (rc = csv_schema(h, err)) != 0)
		goto fail;
	hy_log_debug(h->flow, "Reading %zu %s file(s) from %s", h->nfiles, format_names[h->format],
		     h->root);
	*out = h;
	return 0;
fail:
	home_close(h);
	return rc;
}

/* Opens files[next] (skipping empty CSV/NDJSON files). *opened false at the end. */
static int open_next(struct hy_home *h, bool *opened, struct hy_error *err)
{
	*opened = false;
	while (h->next < h->nfiles) {
		const char *path = h->files[h->next++];
		struct stat st;

		if (h->format != HY_FORMAT_PARQUET && stat(path, &st) == 0 && st.st_size == 0)
			continue;
		switch (h->format) {
		case HY_FORMAT_CSV:
			HY_TRY(hy_csv_reader_open_schema(&h->csv, path, &h->opts.csv, h->csv_schema,
							 err));
			break;
		case HY_FORMAT_NDJSON:
			HY_TRY(hy_ndjson_reader_open(&h->ndjson, path, &h->opts.ndjson, err));
			break;
		default:
			HY_TRY(hy__local_pq_open(&h->pq, path, h->batch_size, h->pool, err));
			break;
		}
		*opened = true;
		return 0;
	}
	return 0;
}

static int read_batch(struct hy_home *h, struct hy_batch **out, struct hy_error *err)
{
	if (h->csv != NULL)
		return hy_csv_reader_next_batch(h->csv, h->batch_size, out, err);
	if (h->ndjson != NULL)
		return hy_ndjson_reader_next_batch(h->ndjson, h->batch_size, out, err);
	return hy_pq_reader_next_batch(h->pq, out, err);
}

static int home_next_batch(struct hy_home *h, struct hy_batch **out, struct hy_error *err)
{
	*out = NULL;
	for (;;) {
		bool opened = true;
		int rc = 0;

		if (h->csv == NULL && h->ndjson == NULL && h->pq == NULL)
			rc = open_next(h, &opened, err);
		if (rc == 0 && !opened)
			return 0; /* every file read */
		if (rc == 0)
			rc = read_batch(h, out, err);
		if (rc != 0) {
			hy_error_prefix(err, "Failed to read %s from %s", format_names[h->format],
					h->files[h->next - 1]);
			return rc;
		}
		if (*out != NULL)
			return 0;
		close_reader(h); /* this file is done: the next one */
	}
}

const struct hy_home_ops hy_home_local_ops = {
	.type = "local",
	.open = home_open,
	.next_batch = home_next_batch,
	.close = home_close,
};

const struct hy_home_ops hy_home_parquet_ops = {
	.type = "parquet",
	.open = home_open,
	.next_batch = home_next_batch,
	.close = home_close,
};
