/* The run journal (hygge/journal.h, behaviour.md §3.18, docs/internals/run.md
 * "Journal"). The whole file is read into owned rows, the new row appended,
 * and everything written to "journal.parquet.tmp_<hex>" which is renamed over
 * the old file, under the handle's mutex and a flock() on "<path>.lock". */
#include "hygge/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "hygge/batch.h"
#include "hygge/isotime.h"
#include "hygge/log.h"
#include "hygge/parquet.h"
#include "hygge/parquet_writer.h"
#include "hygge/types.h"
#include "hygge/workspace.h"

enum col_kind { K_TEXT, K_I64, K_F64 };

struct col_def {
	const char *name;
	size_t offset; /* of the field in struct hy_journal_row */
	enum col_kind kind;
	bool required; /* must be present in a file for it to be a journal */
};

#define TEXT(f, req)                                                                               \
	{                                                                                          \
#f, offsetof(struct hy_journal_row, f), K_TEXT, req                                \
	}
static const struct col_def cols[HY_JOURNAL_NCOLUMNS] = {
	TEXT(entity_run_id, true),
	TEXT(coordinator_run_id, false),
	TEXT(flow_run_id, false),
	TEXT(coordinator, false),
	TEXT(flow, true),
	TEXT(entity, true),
	TEXT(start_time, true),
	TEXT(finish_time, true),
	TEXT(status, true),
	TEXT(run_type, false),
	{"row_count", offsetof(struct hy_journal_row, row_count), K_I64, false},
	{"duration", offsetof(struct hy_journal_row, duration), K_F64, false},
	TEXT(primary_key, false),
	TEXT(watermark_column, false),
	TEXT(watermark_type, false),
	TEXT(watermark, false),
	TEXT(message, false),
	TEXT(schema_version, false),
};
#undef TEXT

#define COL_ROW_COUNT 10
#define COL_DURATION  11

static const char **text_field(struct hy_journal_row *r, size_t c)
{
	return (const char **)(void *)((char *)r + cols[c].offset);
}

static const char *text_field_c(const struct hy_journal_row *r, size_t c)
{
	return *(const char *const *)(const void *)((const char *)r + cols[c].offset);
}

struct hy_journal {
	char *path;
	char *lock_path;
	pthread_mutex_t mu;
};

/* Rows read from a file; strings owned (hy_free each non-NULL text field). */
struct rows {
	struct hy_journal_row *v;
	size_t n, cap;
};

static void rows_free(struct rows *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		for (size_t c = 0; c < HY_JOURNAL_NCOLUMNS; c++)
			if (cols[c].kind == K_TEXT)
				hy_free((void *)text_field(&rs->v[i], c)[0]);
	hy_free(rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
}

static int nomem(struct hy_error *err)
{
	return hy_error_set(err, HY_ENOMEM, "out of memory");
}

int hy_journal_open(struct hy_journal **out, const char *path, struct hy_error *err)
{
	struct hy_journal *j;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return hy_error_set(err, HY_EINVAL, "journal: empty path");
	j = hy_calloc(1, sizeof(*j));
	if (j == NULL)
		return nomem(err);
	j->path = hy_strdup(path);
	j->lock_path = hy_asprintf("%s.lock", path);
	if (j->path == NULL || j->lock_path == NULL) {
		hy_free(j->path);
		hy_free(j->lock_path);
		hy_free(j);
		return nomem(err);
	}
	pthread_mutex_init(&j->mu, NULL);
	*out = j;
	return 0;
}

void hy_journal_close(struct hy_journal *j)
{
	if (j == NULL)
		return;
	pthread_mutex_destroy(&j->mu);
	hy_free(j->path);
	hy_free(j->lock_path);
	hy_free(j);
}

const char *hy_journal_path(const struct hy_journal *j)
{
	return j->path;
}

/* ---- reading ---- */

static bool is_int(enum hy_type_id id)
{
	return id == HY_INT8 || id == HY_INT16 || id == HY_INT32 || id == HY_INT64 ||
	       id == HY_UINT8 || id == HY_UINT16 || id == HY_UINT32;
}

/* Maps the file's fields onto the journal columns: idx[c] is the field of
 * column c or -1. HY_EFORMAT when it is no journal. */
static int map_schema(const struct hy_schema *s, long idx[HY_JOURNAL_NCOLUMNS],
		      struct hy_error *err)
{
	for (size_t c = 0; c < HY_JOURNAL_NCOLUMNS; c++) {
		const struct hy_field *f;
		bool ok;

		idx[c] = hy_schema_find(s, cols[c].name);
		if (idx[c] < 0) {
			if (cols[c].required)
				return hy_error_set(err, HY_EFORMAT,
						    "not a hygge journal: no column '%s'",
						    cols[c].name);
			continue;
		}
		f = hy_schema_field(s, (size_t)idx[c]);
		switch (cols[c].kind) {
		case K_TEXT: ok = f->type.id == HY_STRING || f->type.id == HY_NULL; break;
		case K_I64: ok = is_int(f->type.id) || f->type.id == HY_NULL; break;
		default:
			ok = f->type.id == HY_FLOAT64 || f->type.id == HY_FLOAT32 ||
			     f->type.id == HY_NULL;
			break;
		}
		if (!ok) {
			char tb[64];

			hy_dtype_format(&f->type, tb, sizeof(tb));
			return hy_error_set(err, HY_EFORMAT,
					    "not a hygge journal: column '%s' has type %s",
					    cols[c].name, tb);
		}
	}
	return 0;
}

static int add_batch(struct rows *rs, const struct hy_batch *b, const long idx[HY_JOURNAL_NCOLUMNS],
		     struct hy_error *err)
{
	if (rs->n + (size_t)b->nrows > rs->cap) {
		size_t cap = rs->cap ? rs->cap : 16;
		struct hy_journal_row *v;

		while (cap < rs->n + (size_t)b->nrows)
			cap *= 2;
		v = hy_realloc(rs->v, cap * sizeof(*v));
		if (v == NULL)
			return nomem(err);
		rs->v = v;
		rs->cap = cap;
	}
	for (int64_t i = 0; i < b->nrows; i++) {
		struct hy_journal_row *r = &rs->v[rs->n];

		memset(r, 0, sizeof(*r));
		rs->n++; /* counted at once so rows_free releases a half-read row */
		for (size_t c = 0; c < HY_JOURNAL_NCOLUMNS; c++) {
			const struct hy_column *col;

			if (idx[c] < 0)
				continue;
			col = b->cols[idx[c]];
			if (col->type.id == HY_NULL || hy_column_is_null(col, i))
				continue;
			if (cols[c].kind == K_TEXT) {
				struct hy_str s = hy_column_get_bytes(col, i);
				char *copy = hy_strndup(s.ptr != NULL ? s.ptr : "", s.len);

				if (copy == NULL)
					return nomem(err);
				*text_field(r, c) = copy;
			} else if (cols[c].kind == K_I64) {
				r->row_count = hy_column_get_i64(col, i);
			} else {
				r->duration = hy_column_get_f64(col, i);
			}
		}
	}
	return 0;
}

/* Reads every row of the file. A missing file is no rows (*missing true). */
static int load_rows(const char *path, struct rows *rs, bool *missing, struct hy_error *err)
{
	struct hy_pq_reader *r = NULL;
	struct stat st;
	long idx[HY_JOURNAL_NCOLUMNS] = {0};
	int rc;

	*missing = false;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			*missing = true;
			return 0;
		}
		return hy_error_set_errno(err, HY_EIO, errno, "journal %s", path);
	}
	rc = hy_pq_reader_open_file(&r, path, NULL, err);
	if (rc == 0)
		rc = map_schema(hy_pq_reader_schema(r), idx, err);
	while (rc == 0) {
		struct hy_batch *b = NULL;

		rc = hy_pq_reader_next_batch(r, &b, err);
		if (rc != 0 || b == NULL)
			break;
		rc = add_batch(rs, b, idx, err);
		hy_batch_unref(b);
	}
	hy_pq_reader_close(r);
	if (rc != 0) {
		rows_free(rs);
		hy_error_prefix(err, "journal %s", path);
	}
	return rc;
}

/* ---- writing ---- */

static int build_schema(struct hy_schema **out, struct hy_error *err)
{
	struct hy_field f[HY_JOURNAL_NCOLUMNS];

	for (size_t c = 0; c < HY_JOURNAL_NCOLUMNS; c++) {
		enum hy_type_id id = cols[c].kind == K_TEXT  ? HY_STRING
				     : cols[c].kind == K_I64 ? HY_INT64
							     : HY_FLOAT64;

		f[c].name = (char *)cols[c].name;
		f[c].type = hy_dtype_simple(id);
		f[c].nullable = true;
	}
	return hy_schema_create(f, HY_JOURNAL_NCOLUMNS, out, err);
}

static int append_value(struct hy_builder *b, const struct hy_journal_row *r, size_t c,
			struct hy_error *err)
{
	if (cols[c].kind == K_I64)
		return r->row_count == 0 ? hy_builder_append_null(b, err)
					 : hy_builder_append_i64(b, r->row_count, err);
	if (cols[c].kind == K_F64)
		return hy_builder_append_f64(b, r->duration, err);
	{
		const char *s = text_field_c(r, c);

		return s == NULL ? hy_builder_append_null(b, err)
				 : hy_builder_append_str(b, s, strlen(s), err);
	}
}

static int build_batch(const struct rows *rs, struct hy_schema *schema, struct hy_batch **out,
		       struct hy_error *err)
{
	struct hy_column *columns[HY_JOURNAL_NCOLUMNS] = {0};
	int rc = 0;

	for (size_t c = 0; c < HY_JOURNAL_NCOLUMNS && rc == 0; c++) {
		struct hy_builder *b = NULL;

		rc = hy_builder_create(&hy_schema_field(schema, c)->type, &b, err);
		if (rc == 0)
			rc = hy_builder_reserve(b, (int64_t)rs->n, 0, err);
		for (size_t i = 0; i < rs->n && rc == 0; i++)
			rc = append_value(b, &rs->v[i], c, err);
		if (rc == 0)
			rc = hy_builder_finish(b, &columns[c], err);
		hy_builder_destroy(b);
	}
	if (rc == 0)
		rc = hy_batch_create(schema, columns, (int64_t)rs->n, out, err);
	for (size_t c = 0; c < HY_JOURNAL_NCOLUMNS; c++)
		hy_column_unref(columns[c]);
	return rc;
}

static void random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[16];

	if (nbytes > sizeof(buf))
		nbytes = sizeof(buf);
	if (getrandom(buf, nbytes, 0) != (ssize_t)nbytes) {
		/* Fall back on time and pid: uniqueness is what matters. */
		uint64_t x = (uint64_t)hy_time_now_utc_micros() ^ ((uint64_t)getpid() << 40);

		for (size_t i = 0; i < nbytes; i++)
			buf[i] = (unsigned char)(x >> ((i % 8) * 8));
	}
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

/* Best effort: makes the rename durable. Allocates nothing. */
static void fsync_dir_of(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t len = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);
	int fd;

	if (len >= sizeof(dir))
		return;
	if (len == 0)
		strcpy(dir, ".");
	else
		memcpy(dir, path, len), dir[len] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Writes all rows to a temporary file next to `path` and renames it over. */
static int write_rows(const char *path, const struct rows *rs, struct hy_error *err)
{
	struct hy_schema *schema = NULL;
	struct hy_batch *batch = NULL;
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink = {0};
	struct hy_pq_writer_options o;
	char hex[33];
	char *tmp;
	int fd = -1, rc;

	random_hex(hex, 8);
	tmp = hy_asprintf("%s.tmp_%s", path, hex);
	if (tmp == NULL)
		return nomem(err);
	rc = build_schema(&schema, err);
	if (rc == 0)
		rc = build_batch(rs, schema, &batch, err);
	if (rc == 0) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			rc = hy_error_set_errno(err, HY_EIO, errno, "cannot create %s", tmp);
	}
	if (rc == 0)
		rc = hy_pq_sink_init_fd(&sink, fd, tmp, err);
	hy_pq_writer_options_init(&o);
	if (rc == 0)
		rc = hy_pq_writer_open(&w, schema, &o, &sink, err);
	if (rc == 0)
		rc = hy_pq_writer_write(w, batch, err);
	if (rc == 0)
		rc = hy_pq_writer_finish(w, err);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	if (rc == 0 && fsync(fd) != 0)
		rc = hy_error_set_errno(err, HY_EIO, errno, "cannot sync %s", tmp);
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = hy_error_set_errno(err, HY_EIO, errno, "cannot close %s", tmp);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = hy_error_set_errno(err, HY_EIO, errno, "cannot rename %s to %s", tmp, path);
	if (rc == 0)
		fsync_dir_of(path);
	else if (fd >= 0)
		(void)unlink(tmp);
	hy_batch_unref(batch);
	hy_schema_unref(schema);
	hy_free(tmp);
	return rc;
}

/* mkdir -p for the directory part of `path`. */
static int make_parents(const char *path, struct hy_error *err)
{
	char *dir = hy_strdup(path);
	char *slash;

	if (dir == NULL)
		return nomem(err);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir) {
		hy_free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char save = *p;

			*p = '\0';
			if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
				int e = errno;
				int rc =
					hy_error_set_errno(err, HY_EIO, e, "cannot create %s", dir);

				hy_free(dir);
				return rc;
			}
			*p = save;
			if (save == '\0')
				break;
		}
	}
	hy_free(dir);
	return 0;
}

/* Moves an unreadable journal aside; the record then starts a new one. */
static int move_aside(const char *path, const struct hy_error *why, struct hy_error *err)
{
	char stamp[HY_TIME_STAMP_MAX] = "unknown";
	struct hy_error ignored = {0};
	char *aside;

	if (hy_time_format_stamp(hy_time_now_utc_micros(), stamp, &ignored) != 0)
		strcpy(stamp, "unknown");
	aside = hy_asprintf("%s.corrupt-%s-%ld", path, stamp, (long)getpid());
	if (aside == NULL)
		return nomem(err);
	if (rename(path, aside) != 0) {
		int rc = hy_error_set_errno(err, HY_EIO, errno, "cannot move %s aside", path);

		hy_free(aside);
		return rc;
	}
	hy_log_warn(NULL, "Journal unreadable (%s); moved it to %s and started a new journal",
		    why->msg, aside);
	hy_free(aside);
	return 0;
}

static int lock_file(const char *lock_path, int *fd_out, struct hy_error *err)
{
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return hy_error_set_errno(err, HY_EIO, errno, "cannot open %s", lock_path);
	while (flock(fd, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		int e = errno;

		close(fd);
		return hy_error_set_errno(err, HY_EIO, e, "cannot lock %s", lock_path);
	}
	*fd_out = fd;
	return 0;
}

static bool is_success_with_watermark(const struct hy_journal_row *r)
{
	return r->status != NULL && strcmp(r->status, "success") == 0 && r->watermark != NULL;
}

int hy_journal_record(struct hy_journal *j, const struct hy_journal_row *row, struct hy_error *err)
{
	struct rows rs = {0};
	struct hy_journal_row *slot;
	bool missing;
	int lock_fd = -1, rc;

	pthread_mutex_lock(&j->mu);
	rc = make_parents(j->path, err);
	if (rc == 0)
		rc = lock_file(j->lock_path, &lock_fd, err);
	if (rc == 0) {
		struct hy_error why = {0};

		rc = load_rows(j->path, &rs, &missing, &why);
		if (rc == HY_EFORMAT || rc == HY_EUNSUPPORTED)
			rc = move_aside(j->path, &why, err);
		else if (rc != 0)
			hy_error_set(err, rc, "%s", why.msg);
	}
	if (rc == 0 && rs.n == rs.cap) {
		size_t cap = rs.cap ? rs.cap + 1 : 1;
		struct hy_journal_row *v = hy_realloc(rs.v, cap * sizeof(*v));

		if (v == NULL) {
			rc = nomem(err);
		} else {
			rs.v = v;
			rs.cap = cap;
		}
	}
	if (rc == 0) {
		/* The new row borrows the caller's strings: written, then dropped
		 * from `rs` before rows_free. */
		slot = &rs.v[rs.n];
		*slot = *row;
		slot->schema_version = HY_JOURNAL_SCHEMA_VERSION;
		if (!is_success_with_watermark(row))
			slot->primary_key = slot->watermark_column = slot->watermark_type =
				slot->watermark = NULL;
		rs.n++;
		rc = write_rows(j->path, &rs, err);
		rs.n--;
	}
	rows_free(&rs);
	if (lock_fd >= 0)
		close(lock_fd); /* releases the flock */
	pthread_mutex_unlock(&j->mu);
	if (rc != 0)
		hy_error_prefix(err, "journal");
	return rc;
}

/* ---- queries ---- */

/* Orders ISO texts as instants; texts that do not parse sort as text after. */
static int cmp_time(const char *a, const char *b)
{
	struct hy_time_parsed pa, pb;
	struct hy_error e1 = {0}, e2 = {0};
	bool oka, okb;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	oka = hy_time_parse_iso(a, strlen(a), &pa, &e1) == 0;
	okb = hy_time_parse_iso(b, strlen(b), &pb, &e2) == 0;
	if (oka && okb) {
		if (pa.utc_micros != pb.utc_micros)
			return pa.utc_micros < pb.utc_micros ? -1 : 1;
		return 0;
	}
	if (oka != okb)
		return oka ? -1 : 1;
	return strcmp(a, b);
}

static bool eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

int hy_journal_last_watermark(struct hy_journal *j, const char *flow, const char *entity,
			      struct hy_journal_watermark *out, struct hy_error *err)
{
	struct rows rs = {0};
	const struct hy_journal_row *best = NULL;
	bool missing;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_rows(j->path, &rs, &missing, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < rs.n; i++) {
		const struct hy_journal_row *r = &rs.v[i];

		if (!eq(r->flow, flow) || !eq(r->entity, entity) || !eq(r->status, "success") ||
		    r->watermark == NULL)
			continue;
		/* Ties keep the later row of the file (the later record). */
		if (best == NULL || cmp_time(r->finish_time, best->finish_time) >= 0)
			best = r;
	}
	if (best != NULL) {
		const char *src[6] = {best->primary_key,    best->watermark_column,
				      best->watermark_type, best->watermark,
				      best->finish_time,    best->entity_run_id};
		char **dst[6] = {&out->primary_key, &out->watermark_column, &out->watermark_type,
				 &out->watermark,   &out->finish_time,      &out->entity_run_id};

		for (size_t k = 0; k < 6 && rc == 0; k++)
			if (src[k] != NULL && (*dst[k] = hy_strdup(src[k])) == NULL)
				rc = nomem(err);
		if (rc == 0)
			out->found = true;
		else
			hy_journal_watermark_clear(out);
	}
	rows_free(&rs);
	return rc;
}

void hy_journal_watermark_clear(struct hy_journal_watermark *wm)
{
	hy_free(wm->primary_key);
	hy_free(wm->watermark_column);
	hy_free(wm->watermark_type);
	hy_free(wm->watermark);
	hy_free(wm->finish_time);
	hy_free(wm->entity_run_id);
	memset(wm, 0, sizeof(*wm));
}

static int cmp_newest_first(const void *pa, const void *pb)
{
	const struct hy_journal_row *a = *(const struct hy_journal_row *const *)pa;
	const struct hy_journal_row *b = *(const struct hy_journal_row *const *)pb;
	int c = cmp_time(b->start_time, a->start_time);

	if (c != 0)
		return c;
	/* Equal start: the later row of the file first (stable by address). */
	return a < b ? 1 : a > b ? -1 : 0;
}

int hy_journal_query(struct hy_journal *j, const struct hy_journal_filter *filter,
		     hy_journal_row_fn fn, void *user, struct hy_error *err)
{
	struct hy_journal_filter none = {0};
	struct rows rs = {0};
	const struct hy_journal_row **sel;
	size_t n = 0;
	bool missing;
	int rc;

	if (filter == NULL)
		filter = &none;
	rc = load_rows(j->path, &rs, &missing, err);
	if (rc != 0 || rs.n == 0) {
		rows_free(&rs);
		return rc;
	}
	sel = hy_malloc(
		rs.n * sizeof(*sel)); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
	if (sel == NULL) {
		rows_free(&rs);
		return nomem(err);
	}
	for (size_t i = 0; i < rs.n; i++) {
		const struct hy_journal_row *r = &rs.v[i];

		if (filter->flow != NULL && !eq(r->flow, filter->flow))
			continue;
		if (filter->entity != NULL && !eq(r->entity, filter->entity))
			continue;
		if (filter->failed_only && !eq(r->status, "fail"))
			continue;
		sel[n++] = r;
	}
	qsort(sel, n, sizeof(*sel), cmp_newest_first); /* NOLINT(bugprone-sizeof-expression) */
	if (filter->last > 0 && n > filter->last)
		n = filter->last;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = fn(user, sel[i]);
	hy_free(sel);
	rows_free(&rs);
	return rc;
}

/* ---- location ---- */

/* `dir` without a trailing "/<entity>" segment (what the workspace appended). */
static char *strip_entity(const char *dir, const char *entity)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (entity != NULL) {
		size_t el = strlen(entity);

		if (len > el + 1 && dir[len - el - 1] == '/' &&
		    memcmp(dir + len - el, entity, el) == 0)
			len -= el + 1;
	}
	return hy_strndup(dir, len);
}

static char *parent_dir(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (slash == NULL)
		return hy_strdup(".");
	if (slash == file)
		return hy_strdup("/");
	return hy_strndup(file, (size_t)(slash - file));
}

int hy_journal_resolve_local(const struct hy_entity_flow *ef, char **out, struct hy_error *err)
{
	const struct hy_journal_config *jr = &ef->journal;
	char *dir = NULL;

	*out = NULL;
	if (!jr->present)
		return 0;
	if (jr->path != NULL) {
		const char *p = jr->abs_path != NULL ? jr->abs_path : jr->path;
		char *base = strip_entity(p, NULL);

		if (base == NULL)
			return nomem(err);
		*out = hy_asprintf("%s/%s", base, HY_JOURNAL_FILE);
		hy_free(base);
		return *out == NULL ? nomem(err) : 0;
	}
	if (jr->location == 0) {
		const struct hy_store_config *s = &ef->store;
		const char *p = NULL;

		if (s->def->family == HY_FAM_LAKE)
			return hy_error_set(err, HY_EUNSUPPORTED,
					    "remote journal on store type '%s' is not built yet",
					    s->def->name);
		if (s->def->family == HY_FAM_FILE)
			p = s->u.file.abs_path;
		else if (s->def->family == HY_FAM_SQLITE)
			p = s->u.sqlite.abs_path;
		if (p == NULL)
			return hy_error_set(err, HY_ECONFIG,
					    "Journal location='store' requires store_path, but "
					    "none provided");
		dir = s->def->family == HY_FAM_SQLITE ? parent_dir(p) : strip_entity(p, ef->entity);
	} else {
		const struct hy_home_config *h = &ef->home;

		if (h->def->family != HY_FAM_FILE || h->u.file.abs_path == NULL)
			return hy_error_set(err, HY_ECONFIG,
					    "Journal location='home' requires home_path, but none "
					    "provided");
		dir = strip_entity(h->u.file.abs_path, ef->entity);
	}
	if (dir == NULL)
		return nomem(err);
	*out = hy_asprintf("%s/%s/%s", dir, HY_JOURNAL_DIR, HY_JOURNAL_FILE);
	hy_free(dir);
	return *out == NULL ? nomem(err) : 0;
}
