/* The local store (types `local` and `parquet`): files on the local disk,
 * behaviour.md §3.6 with decisions.md D7 and D8.
 *
 *   open     names the final directory (`path`, plus the entity) and the
 *            staging directory <parent of final>/tmp/<flow>_store/, and
 *            removes what a killed run left in that staging directory and in
 *            its publish directory
 *   write    streams the rows (the store base's streaming form): each chunk
 *            of batch_size rows becomes one staged file named by
 *            file_pattern, written batch by batch as the rows come; the
 *            sequence is computed once per attempt (max existing + 1) and
 *            incremented per file
 *   finish   flushes, then publishes atomically: the complete new directory
 *            is built beside the final one (<staging>.publish: hard links to
 *            what the destination keeps — all of it for incremental, all but
 *            its data files for full_drop — and to the staged files), then
 *            swapped in with renameat2(RENAME_EXCHANGE), so the final name
 *            holds the old or the new directory at every instant; the old one
 *            is then removed. Destinations that cannot be swapped (a
 *            sub-directory in them, no hard links or no RENAME_EXCHANGE) get
 *            the file-by-file renames instead, never over an existing file
 *   abort    removes the staged files; the destination is untouched
 *
 * Nothing touches the final directory before finish. Design notes and the
 * failure windows: docs/internals/homes-stores.md. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "hygge/buffer.h"
#include "hygge/cfgtypes.h"
#include "hygge/isotime.h"
#include "hygge/log.h"
#include "hygge/pattern.h"
#include "hygge/store.h"
#include "store_local_int.h"
#include "stores_int.h"

static const char *const exts[] = {"parquet", "csv", "ndjson"};

struct hy_store {
	char *flow;        /* log scope and {flow_name} */
	char *entity;      /* {entity}; NULL for an entity-less flow */
	char *name;        /* "<flow>_store": {name} and the staging folder */
	char *final_dir;   /* where files are published */
	char *staging_dir; /* <parent of final>/tmp/<name> */
	int format;        /* enum hy_file_format */
	enum hy_run_type run_type;
	struct hy_local_write_opts wopts;
	struct hy_pattern *pattern;
	struct hy_store_buffer buf;
	struct hy__local_file *cur; /* the staged file being written, NULL between chunks */
	char *cur_name;             /* its file name */
	int64_t cur_rows;
	bool seq_ready;   /* next_seq computed for this attempt */
	int64_t next_seq; /* the number of the next staged file */
	char **staged;    /* file names (not paths) in staging_dir, in order */
	size_t nstaged, cap;
	bool finished;
};

/* One pass of mkdir -p; sets *missing when a parent vanished under it. */
static int make_dirs_once(char *copy, bool *missing, struct hy_error *err)
{
	int rc = 0;

	*missing = false;
	for (char *p = copy + 1; rc == 0; p++) {
		bool end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			*missing = errno == ENOENT;
			rc = hy_error_set_errno(err, HY_EIO, errno,
						"Failed to create directories: %s", copy);
		}
		if (end)
			break;
		*p = '/';
	}
	return rc;
}

/* mkdir -p. Flows whose stores share a parent share its tmp/ folder, and a
 * flow that finishes removes tmp/ when it is empty (remove_staging_dir), so
 * a parent can vanish between two mkdir calls of another flow: that ENOENT
 * is retried rather than reported. */
static int make_dirs(const char *path, struct hy_error *err)
{
	size_t len = strlen(path);
	char *copy = hy_strdup(path);
	struct hy_error attempt;
	bool missing = true;
	int rc = 0;

	if (copy == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	for (int i = 0; i < 100 && missing; i++) {
		hy_error_init(&attempt);
		memcpy(copy, path, len + 1); /* make_dirs_once cuts it up */
		rc = make_dirs_once(copy, &missing, &attempt);
	}
	if (rc != 0)
		hy_error_set(err, rc, "%s", attempt.msg);
	hy_free(copy);
	return rc;
}

/* Removes every regular file directly in `dir` (a stale staging folder);
 * returns how many went. A missing folder is empty. */
static long clear_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' &&
		    (de->d_name[1] == 0 || (de->d_name[1] == '.' && de->d_name[2] == 0)))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Removes the staging folder and, when that leaves it empty, its tmp/ parent. */
static void remove_staging_dir(const struct hy_store *s)
{
	char *slash;
	char *parent;

	if (rmdir(s->staging_dir) != 0)
		return;
	if ((parent = hy_strdup(s->staging_dir)) == NULL)
		return;
	if ((slash = strrchr(parent, '/')) != NULL) {
		*slash = '\0';
		(void)rmdir(parent);
	}
	hy_free(parent);
}

static void drop_staged(struct hy_store *s)
{
	for (size_t i = 0; i < s->nstaged; i++) {
		char *path = hy_asprintf("%s/%s", s->staging_dir, s->staged[i]);

		if (path != NULL)
			(void)unlink(path);
		hy_free(path);
		hy_free(s->staged[i]);
	}
	s->nstaged = 0;
	remove_staging_dir(s);
}

static void drop_chunk(struct hy_store *s);

static void store_abort(struct hy_store *s)
{
	hy_store_buffer_discard(&s->buf);
	drop_chunk(s);
	drop_staged(s);
	s->seq_ready = false;
}

static void store_close(struct hy_store *s)
{
	if (s == NULL)
		return;
	if (!s->finished)
		store_abort(s);
	hy_store_buffer_reset(&s->buf);
	for (size_t i = 0; i < s->nstaged; i++)
		hy_free(s->staged[i]);
	hy_free(s->staged);
	hy_pattern_destroy(s->pattern);
	hy_free(s->flow);
	hy_free(s->entity);
	hy_free(s->name);
	hy_free(s->final_dir);
	hy_free(s->staging_dir);
	hy_free(s);
}

static struct hy_pattern_values pattern_values(const struct hy_store *s, int64_t seq,
					       const char *stamp)
{
	return (struct hy_pattern_values){.sequence = seq,
					  .name = s->name,
					  .flow_name = s->flow,
					  .timestamp = stamp,
					  .entity = s->entity != NULL ? s->entity : ""};
}

/* D8: one scan of the final directory per attempt; the largest number that
 * file_pattern gives to a file there, plus one (1 when there is none). */
static void compute_sequence(struct hy_store *s)
{
	struct hy_pattern_values v = pattern_values(s, 0, NULL);
	DIR *d = opendir(s->final_dir);
	struct dirent *de;
	int64_t max = 0;

	while (d != NULL && (de = readdir(d)) != NULL) {
		int64_t seq;

		if (hy_pattern_match_sequence(s->pattern, &v, de->d_name, strlen(de->d_name),
					      &seq) &&
		    seq > max)
			max = seq;
	}
	if (d != NULL)
		closedir(d);
	s->next_seq = max < INT64_MAX ? max + 1 : max;
	s->seq_ready = true;
}

static int render_name(struct hy_store *s, char **out, struct hy_error *err)
{
	char stamp[HY_TIME_STAMP_MAX] = "";
	struct hy_pattern_values v;
	struct hy_buf b;
	int rc;

	*out = NULL;
	if ((hy_pattern_fields(s->pattern) & HY_PATTERN_TIMESTAMP) != 0)
		HY_TRY(hy_time_format_stamp(hy_time_now_utc_micros(), stamp, err));
	v = pattern_values(s, s->next_seq, stamp);
	hy_buf_init(&b, 4096);
	rc = hy_pattern_render(s->pattern, &v, &b, err);
	if (rc == 0) {
		const char *text = b.data != NULL ? (const char *)b.data : "";

		if (text[0] == '\0' || strchr(text, '/') != NULL || strcmp(text, ".") == 0 ||
		    strcmp(text, "..") == 0)
			rc = hy_error_set(err, HY_ECONFIG,
					  "file_pattern '%s' gives the file name '%s'",
					  hy_pattern_text(s->pattern), text);
		else if ((*out = hy_strdup(text)) == NULL)
			rc = hy_error_set(err, HY_ENOMEM, "out of memory");
	}
	hy_buf_reset(&b);
	s->next_seq++;
	return rc;
}

static int remember(struct hy_store *s, char *name, struct hy_error *err)
{
	if (s->nstaged == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **grown = hy_realloc(s->staged, cap * sizeof(*grown));

		if (grown == NULL) {
			hy_free(name);
			return hy_error_set(err, HY_ENOMEM, "out of memory");
		}
		s->staged = grown;
		s->cap = cap;
	}
	s->staged[s->nstaged++] = name;
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Opens the staged file of a new chunk: the next name of the sequence. */
static int open_chunk(struct hy_store *s, struct hy_schema *schema, struct hy_error *err)
{
	char *name = NULL, *path = NULL, *final = NULL;
	int rc;

	if (!s->seq_ready)
		compute_sequence(s);
	if ((rc = render_name(s, &name, err)) != 0)
		return rc;
	path = hy_asprintf("%s/%s", s->staging_dir, name);
	final = hy_asprintf("%s/%s", s->final_dir, name);
	if (path == NULL || final == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory");
		goto out;
	}
	/* D8: no file ever overwrites another, staged or published. */
	if (exists(path) || exists(final)) {
		rc = hy_error_set(err, HY_EIO,
				  "file_pattern '%s' gives the name %s to two files; add "
				  "{sequence} to it",
				  hy_pattern_text(s->pattern), name);
		goto out;
	}
	if ((rc = make_dirs(s->staging_dir, err)) != 0)
		goto out;
	if ((rc = hy__local_file_open(&s->cur, path, s->format, &s->wopts, schema, err)) != 0) {
		(void)unlink(path);
		hy_error_prefix(err, "Failed to write %s to %s", exts[s->format], path);
		goto out;
	}
	s->cur_name = name;
	s->cur_rows = 0;
	name = NULL;
out:
	hy_free(name);
	hy_free(path);
	hy_free(final);
	return rc;
}

/* Drops the chunk being written (its file removed). */
static void drop_chunk(struct hy_store *s)
{
	hy__local_file_close(s->cur);
	s->cur = NULL;
	hy_free(s->cur_name);
	s->cur_name = NULL;
	s->cur_rows = 0;
}

/* Completes the chunk's file and remembers it for publish. */
static int end_chunk(struct hy_store *s, struct hy_error *err)
{
	const char *path = s->cur->path;
	int rc = hy__local_file_finish(s->cur, err);

	if (rc == 0 && !exists(path))
		rc = hy_error_set(err, HY_EIO, "File was not created after write: %s", path);
	if (rc != 0) {
		hy_error_prefix(err, "Failed to write %s to %s", exts[s->format], path);
		(void)unlink(path);
		drop_chunk(s);
		return rc;
	}
	hy_log_debug(s->flow, "✍️  Wrote %lld rows → %s", (long long)s->cur_rows, path);
	rc = remember(s, s->cur_name, err);
	s->cur_name = NULL;
	drop_chunk(s);
	return rc;
}

/* The store base's streaming callback: the rows of one chunk go into one
 * staged file as they come, so no chunk is ever held in memory whole. */
static int take_part(void *ctx, struct hy_batch *part, bool ends_chunk, struct hy_error *err)
{
	struct hy_store *s = ctx;

	if (part != NULL) {
		struct hy__local_file *f = s->cur;
		int rc;

		if (f == NULL) {
			HY_TRY(open_chunk(s, part->schema, err));
			if ((f = s->cur) == NULL)
				return hy_error_set(err, HY_ESTATE, "no staged file open");
		}
		rc = hy__local_file_write(f, part, err);
		if (rc != 0) {
			hy_error_prefix(err, "Failed to write %s to %s", exts[s->format], f->path);
			drop_chunk(s);
			return rc;
		}
		s->cur_rows += part->nrows;
	}
	if (ends_chunk && s->cur != NULL)
		return end_chunk(s, err);
	return 0;
}

static int store_write(struct hy_store *s, struct hy_batch *batch, struct hy_error *err)
{
	return hy_store_buffer_write(&s->buf, batch, err);
}

/* A data file of the destination (full_drop replaces those, D7): a regular
 * file named *.<ext> of the store's format. */
static bool is_data_file(const struct hy_store *s, const char *name, const struct stat *st)
{
	size_t len = strlen(name), el = strlen(exts[s->format]);

	return len > el + 1 && name[len - el - 1] == '.' &&
	       strcmp(name + len - el, exts[s->format]) == 0 && S_ISREG(st->st_mode);
}

/* Data files in the final directory before publishing (full_drop removes
 * them). */
static int list_old(const struct hy_store *s, char ***out, size_t *n, struct hy_error *err)
{
	DIR *d = opendir(s->final_dir);
	struct dirent *de;
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	while (rc == 0 && d != NULL && (de = readdir(d)) != NULL) {
		struct stat st;

		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !is_data_file(s, de->d_name, &st))
			continue;
		if (*n == cap) {
			char **grown =
				hy_realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof(char *));

			if (grown == NULL) {
				rc = hy_error_set(err, HY_ENOMEM, "out of memory");
				break;
			}
			*out = grown;
		}
		if (((*out)[*n] = hy_strdup(de->d_name)) == NULL)
			rc = hy_error_set(err, HY_ENOMEM, "out of memory");
		else
			(*n)++;
	}
	if (d != NULL)
		closedir(d);
	return rc;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hy_free(names[i]);
	hy_free(names);
}

/* rename(2) that fails with EEXIST rather than replace `to`. Filesystems
 * without RENAME_NOREPLACE fall back to a check, then rename (racy only
 * against another writer of the same directory). */
static int rename_noreplace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (exists(to)) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/* Renames staged file i into the final directory, never over a file.
 * `back` moves it the other way (undoing a half-done publish). */
static int move_one(struct hy_store *s, size_t i, bool back, struct hy_error *err)
{
	char *from = hy_asprintf("%s/%s", back ? s->final_dir : s->staging_dir, s->staged[i]);
	char *to = hy_asprintf("%s/%s", back ? s->staging_dir : s->final_dir, s->staged[i]);
	int rc = 0;

	if (from == NULL || to == NULL)
		rc = hy_error_set(err, HY_ENOMEM, "out of memory");
	else if (!back && !exists(from))
		rc = hy_error_set(err, HY_ENOTFOUND, "Staging file does not exist: %s", from);
	else if (rename_noreplace(from, to) != 0)
		rc = hy_error_set_errno(err, HY_EIO, errno, "Failed to finalize transfer %s", from);
	hy_free(from);
	hy_free(to);
	return rc;
}

/* The old way, kept for destinations the swap cannot handle (see
 * publish_swap): every staged file renamed into the final directory, then for
 * full_drop the old data files removed. Not atomic across files. */
static int publish_by_renames(struct hy_store *s, size_t *dropped, struct hy_error *err)
{
	char **old = NULL;
	size_t nold = 0, moved = 0;
	int rc;

	*dropped = 0;
	if ((rc = make_dirs(s->final_dir, err)) != 0)
		return rc;
	if (s->run_type == HY_RUN_FULL_DROP && (rc = list_old(s, &old, &nold, err)) != 0)
		return rc;
	for (; rc == 0 && moved < s->nstaged; moved++)
		if ((rc = move_one(s, moved, false, err)) != 0)
			break;
	if (rc != 0) {
		/* Put back what was moved: the destination stays as it was. */
		while (moved-- > 0) {
			struct hy_error ignored = {0};

			(void)move_one(s, moved, true, &ignored);
		}
		free_names(old, nold);
		return rc;
	}
	/* D7: the old data files go only once every new file is in place. */
	for (size_t i = 0; i < nold; i++) {
		char *path = hy_asprintf("%s/%s", s->final_dir, old[i]);

		if (path != NULL && unlink(path) != 0 && errno != ENOENT)
			hy_log_warn(s->flow, "full_drop could not remove %s: %s", path,
				    strerror(errno));
		hy_free(path);
	}
	*dropped = nold;
	free_names(old, nold);
	return 0;
}

/* Test-only hook (docs/internals/homes-stores.md, "Failure windows"): with
 * HYGGE_TEST_PUBLISH_KILL=<step> the process SIGKILLs itself when publish
 * reaches that step, so the tests can look at what every instant of a
 * publish leaves behind. Steps, in order: linking, prepared, swapped,
 * synced, settled. */
static void publish_step(const char *step)
{
	const char *kill_at = getenv("HYGGE_TEST_PUBLISH_KILL");

	if (kill_at != NULL && strcmp(kill_at, step) == 0)
		(void)raise(SIGKILL);
}

/* Errors of link(2) and rename(2) that say "this file system (or this
 * destination) cannot do it", after which the renames are the way. */
static bool cannot_here(int e)
{
	return e == EINVAL || e == ENOSYS || e == EPERM || e == EACCES || e == EXDEV ||
	       e == EMLINK || e == EOPNOTSUPP || e == EBUSY; /* = ENOTSUP on Linux */
}

static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return hy_strdup(".");
	if (slash == path)
		return hy_strdup("/");
	return hy_asprintf("%.*s", (int)(slash - path), path);
}

/* "<staging>.publish": where publish builds the new directory, and where the
 * swap leaves the old one. */
static char *publish_path(const struct hy_store *s)
{
	return hy_asprintf("%s.publish", s->staging_dir);
}

static bool same_file(int dfd, const char *name, const struct stat *st)
{
	struct stat other;

	return dfd >= 0 && fstatat(dfd, name, &other, AT_SYMLINK_NOFOLLOW) == 0 &&
	       other.st_ino == st->st_ino && other.st_dev == st->st_dev;
}

/* The type and inode of the entry `de` of `d` (on device `dev`), from
 * readdir when the file system gives them, which saves a stat per file of a
 * large destination; lstat's otherwise. */
static int entry_stat(DIR *d, const struct dirent *de, dev_t dev, struct stat *st)
{
	if (de->d_type == DT_UNKNOWN)
		return fstatat(dirfd(d), de->d_name, st, AT_SYMLINK_NOFOLLOW);
	memset(st, 0, sizeof(*st));
	st->st_mode = DTTOIF(de->d_type);
	st->st_ino = de->d_ino;
	st->st_dev = dev; /* a mount point would differ, but it is a directory */
	return 0;
}

static dev_t dir_dev(DIR *d)
{
	struct stat st;

	return d != NULL && fstat(dirfd(d), &st) == 0 ? st.st_dev : 0;
}

/* Empties and removes the directory `dir` that publish built or swapped out:
 * a name that is a link of one in the destination or in staging goes, as do
 * data files when `drop_data` (the old ones a full_drop replaced); anything
 * else arrived in the destination while publish was preparing, and is moved
 * into it rather than lost. Returns how many entries were removed, -1 when
 * `dir` does not exist. */
static long settle_dir(const struct hy_store *s, const char *dir, bool drop_data)
{
	DIR *d = opendir(dir);
	int ffd = open(s->final_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int sfd = open(s->staging_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dev_t dev = dir_dev(d);
	struct dirent *de;
	long n = 0;

	while (d != NULL && (de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		struct stat st;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    entry_stat(d, de, dev, &st) != 0)
			continue;
		if (same_file(ffd, name, &st) || same_file(sfd, name, &st) ||
		    (drop_data && is_data_file(s, name, &st))) {
			if (unlinkat(dirfd(d), name, 0) == 0)
				n++;
		} else if (ffd < 0 || renameat2(dirfd(d), name, ffd, name, RENAME_NOREPLACE) != 0) {
			hy_log_warn(s->flow, "Left %s/%s in place: %s", dir, name,
				    ffd < 0 ? "the destination is missing" : strerror(errno));
		}
	}
	if (d != NULL) {
		closedir(d);
		if (rmdir(dir) != 0)
			hy_log_warn(s->flow, "Could not remove %s: %s", dir, strerror(errno));
	} else {
		n = -1;
	}
	if (ffd >= 0)
		close(ffd);
	if (sfd >= 0)
		close(sfd);
	return n;
}

/* Links `name` from `from` into the directory being built. */
static int link_in(int from, const char *from_dir, const char *name, int to, bool *fallback,
		   struct hy_error *err)
{
	if (linkat(from, name, to, name, 0) == 0)
		return 0;
	if (errno != EEXIST && cannot_here(errno)) {
		*fallback = true;
		return 0;
	}
	return hy_error_set_errno(err, HY_EIO, errno, "Failed to finalize transfer %s/%s", from_dir,
				  name);
}

/* Links into the directory `pub` (open as `pfd`) what the destination keeps
 * (everything for incremental, all but the data files for full_drop: D7)
 * when it exists, then every staged file. A sub-directory in the
 * destination cannot be linked: *fallback. */
static int fill_new_dir(struct hy_store *s, int pfd, bool had, size_t *dropped, bool *fallback,
			struct hy_error *err)
{
	DIR *d = had ? opendir(s->final_dir) : NULL;
	int sfd = -1, rc = 0;
	struct dirent *de;

	*dropped = 0;
	if (had && d == NULL) {
		if (cannot_here(errno)) { /* e.g. write but no read permission */
			*fallback = true;
			return 0;
		}
		return hy_error_set_errno(err, HY_EIO, errno, "Failed to finalize transfer %s",
					  s->final_dir);
	}
	while (d != NULL && rc == 0 && !*fallback && (de = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    entry_stat(d, de, 0, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			*fallback = true;
		else if (s->run_type == HY_RUN_FULL_DROP && is_data_file(s, de->d_name, &st))
			(*dropped)++;
		else
			rc = link_in(dirfd(d), s->final_dir, de->d_name, pfd, fallback, err);
	}
	if (d != NULL)
		closedir(d);
	if (rc == 0 && !*fallback &&
	    (sfd = open(s->staging_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		rc = hy_error_set_errno(err, HY_EIO, errno, "Failed to finalize transfer %s",
					s->staging_dir);
	for (size_t i = 0; rc == 0 && !*fallback && i < s->nstaged; i++) {
		rc = link_in(sfd, s->staging_dir, s->staged[i], pfd, fallback, err);
		if (i == 0)
			publish_step("linking");
	}
	if (sfd >= 0)
		close(sfd);
	if (rc == 0 && !*fallback && fsync(pfd) != 0)
		rc = hy_error_set_errno(err, HY_EIO, errno, "Failed to finalize transfer %s",
					s->final_dir);
	return rc;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* The atomic publish: the complete new directory is built as `pub` in
 * tmp/ (same file system), then swapped with the final one in one
 * renameat2(RENAME_EXCHANGE) (a plain rename when there is no final
 * directory yet), so the final name holds the old or the new directory at
 * every instant. The swapped-out old tree is then emptied (settle_dir).
 * Sets *fallback, having changed nothing, when this destination cannot be
 * swapped: a symlink or not a directory, a sub-directory in it, no hard
 * links or no RENAME_EXCHANGE on the file system. */
static int publish_swap(struct hy_store *s, const char *pub, size_t *dropped, bool *fallback,
			struct hy_error *err)
{
	char *tmp = NULL, *parent = NULL;
	struct stat st;
	bool had = lstat(s->final_dir, &st) == 0;
	int lstat_errno = errno, pfd = -1, rc = 0;

	if ((tmp = parent_of(pub)) == NULL || (parent = parent_of(s->final_dir)) == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory");
		goto out;
	}
	if ((had && !S_ISDIR(st.st_mode)) || (!had && lstat_errno != ENOENT)) {
		*fallback = true;
		goto out;
	}
	(void)settle_dir(s, pub, false); /* an earlier attempt's, if any */
	if ((rc = make_dirs(pub, err)) != 0 || (!had && (rc = make_dirs(parent, err)) != 0))
		goto out;
	if ((pfd = open(pub, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = hy_error_set_errno(err, HY_EIO, errno, "Failed to create directories: %s",
					pub);
		goto out;
	}
	if (had && fchmod(pfd, st.st_mode & 07777) != 0) {
		rc = hy_error_set_errno(err, HY_EIO, errno, "Failed to finalize transfer %s", pub);
		goto out;
	}
	if ((rc = fill_new_dir(s, pfd, had, dropped, fallback, err)) != 0 || *fallback)
		goto out;
	publish_step("prepared");
	if ((had ? renameat2(AT_FDCWD, pub, AT_FDCWD, s->final_dir, RENAME_EXCHANGE)
		 : rename_noreplace(pub, s->final_dir)) != 0) {
		if (cannot_here(errno))
			*fallback = true;
		else
			rc = hy_error_set_errno(err, HY_EIO, errno,
						"Failed to finalize transfer %s", pub);
		goto out;
	}
	publish_step("swapped");
	/* The swap is durable once both parents are (a power cut, not a kill). */
	sync_dir(parent);
	sync_dir(tmp);
	publish_step("synced");
	if (had)
		(void)settle_dir(s, pub, s->run_type == HY_RUN_FULL_DROP);
	publish_step("settled");
out:
	if (pfd >= 0)
		close(pfd);
	if (rc != 0 || *fallback)
		(void)settle_dir(s, pub, false); /* only links: the destination is untouched */
	hy_free(tmp);
	hy_free(parent);
	return rc;
}

/* Publishes the staged files. Publishes of one parent directory are
 * serialised with flock(2) on it, so two flows (or two processes) that share
 * a destination never build their new directories from the same old one and
 * lose each other's files in the swap. */
/* Every staged file on disk before it is published: the file writers only
 * start the writeback when a file is complete (parquet: defer_sync), so by
 * now these fsyncs mostly find the data written; a crash after publish can
 * then not leave a published file with holes. */
static int sync_staged(const struct hy_store *s, struct hy_error *err)
{
	for (size_t i = 0; i < s->nstaged; i++) {
		char *path = hy_asprintf("%s/%s", s->staging_dir, s->staged[i]);
		int fd, rc = 0;

		if (path == NULL)
			return hy_error_set(err, HY_ENOMEM, "out of memory");
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) != 0)
			rc = hy_error_set_errno(err, HY_EIO, errno, "cannot write to %s", path);
		if (fd >= 0)
			close(fd);
		hy_free(path);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int publish(struct hy_store *s, struct hy_error *err)
{
	char *pub = publish_path(s), *parent = parent_of(s->final_dir);
	size_t dropped = 0;
	bool fallback = false;
	int lock = -1, rc;

	if (pub == NULL || parent == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = sync_staged(s, err)) != 0)
		goto out;
	if ((lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		(void)flock(lock, LOCK_EX); /* best effort: not every file system locks */
	rc = publish_swap(s, pub, &dropped, &fallback, err);
	if (rc == 0 && fallback) {
		hy_log_debug(s->flow, "%s cannot be swapped in one step: publishing file by file",
			     s->final_dir);
		rc = publish_by_renames(s, &dropped, err);
	}
	if (rc != 0)
		goto out;
	hy_log_debug(s->flow, "Published %zu file(s) to %s%s", s->nstaged, s->final_dir,
		     dropped > 0 ? " (previous files removed)" : "");
	/* After a swap the staged names are links of the published files. */
	drop_staged(s);
out:
	if (lock >= 0)
		close(lock); /* releases the lock */
	hy_free(pub);
	hy_free(parent);
	return rc;
}

static int store_finish(struct hy_store *s, struct hy_error *err)
{
	HY_TRY(hy_store_buffer_flush(&s->buf, err));
	/* Zero rows publish nothing: full_drop keeps the destination as it was. */
	if (s->nstaged > 0)
		HY_TRY(publish(s, err));
	s->finished = true;
	return 0;
}

/* "<parent of final>/tmp/<name>". */
static char *staging_path(const char *final_dir, const char *name)
{
	const char *slash = strrchr(final_dir, '/');

	if (slash == NULL)
		return hy_asprintf("tmp/%s", name);
	if (slash == final_dir)
		return hy_asprintf("/tmp/%s", name);
	return hy_asprintf("%.*s/tmp/%s", (int)(slash - final_dir), final_dir, name);
}

static int open_paths(struct hy_store *s, const struct hy_file_cfg *fc,
		      const struct hy_endpoint_context *ctx, struct hy_error *err)
{
	const char *base = fc->abs_path != NULL ? fc->abs_path : fc->path;
	size_t len;

	if (base == NULL || base[0] == '\0')
		return hy_error_set(err, HY_ECONFIG, "store path is empty");
	s->flow = hy_strdup(ctx->flow_name != NULL ? ctx->flow_name : "flow");
	s->entity = ctx->entity != NULL ? hy_strdup(ctx->entity) : NULL;
	s->final_dir = hy_strdup(base);
	if (s->flow == NULL || s->final_dir == NULL || (ctx->entity != NULL && s->entity == NULL))
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	len = strlen(s->final_dir);
	while (len > 1 && s->final_dir[len - 1] == '/')
		s->final_dir[--len] = '\0';
	s->name = hy_asprintf("%s_store", s->flow);
	if (s->name == NULL || (s->staging_dir = staging_path(s->final_dir, s->name)) == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	return 0;
}

static int store_open(struct hy_store **out, const void *config,
		      const struct hy_endpoint_context *ctx, struct hy_error *err)
{
	const struct hy_store_config *cfg = config;
	const struct hy_file_cfg *fc = &cfg->u.file;
	struct hy_store *s;
	const char *pattern;
	char *fallback = NULL, *pub;
	long stale;
	int rc;

	*out = NULL;
	if ((s = hy_calloc(1, sizeof(*s))) == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening the store");
	s->format = strcmp(cfg->type, "parquet") == 0 ? HY_FORMAT_PARQUET : fc->format;
	s->run_type = ctx->run_type;
	if ((rc = open_paths(s, fc, ctx, err)) != 0)
		goto fail;
	if ((rc = hy__local_write_opts_init(&s->wopts, fc, s->flow, err)) != 0)
		goto fail;
	s->wopts.pool = ctx->pool;
	pattern = fc->file_pattern;
	if (pattern == NULL || pattern[0] == '\0')
		pattern = fallback = hy_asprintf("{sequence:020d}.%s", exts[s->format]);
	if (pattern == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory");
		goto fail;
	}
	rc = hy_pattern_compile(&s->pattern, pattern, HY_PATTERN_ALL, err);
	hy_free(fallback);
	if (rc != 0)
		goto fail;
	if ((rc = hy_store_buffer_init_streaming(&s->buf, fc->batch_size, take_part, s, err)) != 0)
		goto fail;
	/* A killed run cannot clean up after itself: its publish directory (the
	 * new one not swapped in yet, or the old one swapped out) and its staging
	 * go now, in that order (settle_dir recognises links of staged files). */
	if ((pub = publish_path(s)) == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory");
		goto fail;
	}
	if ((stale = settle_dir(s, pub, true)) >= 0)
		hy_log_info(s->flow, "Removed %s (%ld file(s)) left by an interrupted publish", pub,
			    stale);
	hy_free(pub);
	if ((stale = clear_dir(s->staging_dir)) > 0)
		hy_log_info(s->flow, "Removed %ld staged file(s) left by an interrupted run in %s",
			    stale, s->staging_dir);
	remove_staging_dir(s);
	*out = s;
	return 0;
fail:
	store_close(s);
	return rc;
}

const struct hy_store_ops hy_store_local_ops = {
	.type = "local",
	.open = store_open,
	.write = store_write,
	.finish = store_finish,
	.abort = store_abort,
	.close = store_close,
};

const struct hy_store_ops hy_store_parquet_ops = {
	.type = "parquet",
	.open = store_open,
	.write = store_write,
	.finish = store_finish,
	.abort = store_abort,
	.close = store_close,
};
