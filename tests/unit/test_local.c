/* The local home and store (src/homes/home_local.c, src/stores/store_local.c)
 * through their ops tables: batches per file, sorted walk, zero-row files,
 * staging, publish by rename, the sequence (D8), run types (D7), abort and
 * stale staging, parquet in. The whole path, DuckDB judging the values, is in the e2e
 * cases go-*. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hy_test.h"
#include "hygge/cfgtypes.h"
#include "hygge/formats.h"
#include "hygge/home.h"
#include "hygge/store.h"

static char root[256];

static void write_text(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static bool exists(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return stat(path, &st) == 0;
}

/* The sorted names in root/rel, joined with spaces ("" when missing). */
static void listing(const char *rel, char *out, size_t size)
{
	char path[512];
	struct dirent **names = NULL;
	int n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	out[0] = '\0';
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			if (out[0] != '\0')
				strncat(out, " ", size - strlen(out) - 1);
			strncat(out, names[i]->d_name, size - strlen(out) - 1);
		}
		free(names[i]);
	}
	free(names);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/hy_test_local_XXXXXX");
	assert_non_null(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static const struct hy_home_ops *home_ops(void)
{
	assert_int_equal(hy_homes_register_builtin(NULL), 0);
	return hy_home_registry_find("local");
}

static const struct hy_store_ops *store_ops(void)
{
	assert_int_equal(hy_stores_register_builtin(NULL), 0);
	return hy_store_registry_find("local");
}

static struct hy_endpoint_context ctx(enum hy_run_type run_type)
{
	return (struct hy_endpoint_context){
		.flow_name = "t", .base_flow = "t", .run_type = run_type};
}

/* ---- home ---- */

static struct hy_home_config home_cfg(const char *rel, int format, int64_t batch_size,
				      char *path_buf)
{
	struct hy_home_config c = {.type = "local"};

	sprintf(path_buf, "%s/%s", root, rel);
	c.def = hy_cfg_type_find(HY_CFG_HOME, "local");
	c.u.file.path = path_buf;
	c.u.file.abs_path = path_buf;
	c.u.file.format = format;
	c.u.file.batch_size = batch_size;
	return c;
}

static void test_home_batches_never_span_files(void **state)
{
	const struct hy_home_ops *ops = home_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_FULL_DROP);
	char path[512], seen[128] = "";
	struct hy_home_config c;
	struct hy_home *h = NULL;
	struct hy_error err = {0};
	struct hy_batch *b;

	(void)state;
	setup();
	write_text("in/b.csv", "id\n1\n2\n3\n4\n5\n");
	write_text("in/a/z.csv", "id\n10\n11\n12\n");
	write_text("in/c.csv", "id\n");    /* header only: no rows */
	write_text("in/d.csv", "");        /* empty: no rows */
	write_text("in/notes.txt", "x\n"); /* not csv */
	c = home_cfg("in", HY_FORMAT_CSV, 2, path);
	assert_non_null(ops);
	assert_int_equal(ops->open(&h, &c, &cx, &err), 0);
	for (;;) {
		char one[16];

		assert_int_equal(ops->next_batch(h, &b, &err), 0);
		if (b == NULL)
			break;
		snprintf(one, sizeof(one), "%s%lld:%lld", seen[0] ? " " : "",
			 (long long)hy_column_get_i64(b->cols[0], 0), (long long)b->nrows);
		strcat(seen, one);
		hy_batch_unref(b);
	}
	/* Sorted by path: in/a/z.csv before in/b.csv; no batch spans a file. */
	assert_string_equal(seen, "10:2 12:1 1:2 3:2 5:1");
	ops->close(h);
	teardown();
}

static void test_home_errors_name_the_path(void **state)
{
	const struct hy_home_ops *ops = home_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_FULL_DROP);
	char path[512], expect[700];
	struct hy_home_config c;
	struct hy_home *h = NULL;
	struct hy_error err = {0};

	(void)state;
	setup();
	c = home_cfg("nope", HY_FORMAT_CSV, 10, path);
	assert_int_equal(ops->open(&h, &c, &cx, &err), HY_ENOTFOUND);
	snprintf(expect, sizeof(expect), "Path does not exist: %s", path);
	assert_string_equal(err.msg, expect);
	assert_null(h);

	write_text("only_txt/a.txt", "x\n");
	c = home_cfg("only_txt", HY_FORMAT_NDJSON, 10, path);
	hy_error_init(&err);
	assert_int_equal(ops->open(&h, &c, &cx, &err), HY_ENOTFOUND);
	snprintf(expect, sizeof(expect), "No ndjson files found in directory: %s", path);
	assert_string_equal(err.msg, expect);

	write_text("bad/a.ndjson", "{\"a\": 1}\n{\"a\": \n");
	c = home_cfg("bad", HY_FORMAT_NDJSON, 10, path);
	hy_error_init(&err);
	assert_int_equal(ops->open(&h, &c, &cx, &err), 0);
	{
		struct hy_batch *b = NULL;
		int rc = ops->next_batch(h, &b, &err);

		assert_int_not_equal(rc, 0);
		snprintf(expect, sizeof(expect), "Failed to read ndjson from %s/a.ndjson: ", path);
		assert_memory_equal(err.msg, expect, strlen(expect));
		hy_batch_unref(b);
	}
	ops->close(h);
	teardown();
}

/* type parquet: a file read through the streaming reader, in batches of at
 * most batch_size rows (alltypes_plain.parquet holds ids 4..7, 2, 3, 0, 1). */
static void test_home_reads_parquet(void **state)
{
	const struct hy_home_ops *ops = NULL;
	struct hy_endpoint_context cx = ctx(HY_RUN_FULL_DROP);
	struct hy_home_config c = {.type = "parquet"};
	struct hy_home *h = NULL;
	struct hy_error err = {0};
	struct hy_batch *b;
	char seen[128] = "";
	const char *path = HY_TEST_DATA_DIR "/parquet-testing/data/alltypes_plain.parquet";

	(void)state;
	assert_int_equal(hy_homes_register_builtin(NULL), 0);
	ops = hy_home_registry_find("parquet");
	assert_non_null(ops);
	c.def = hy_cfg_type_find(HY_CFG_HOME, "parquet");
	c.u.file.path = c.u.file.abs_path = path;
	c.u.file.batch_size = 3;
	assert_int_equal(ops->open(&h, &c, &cx, &err), 0);
	for (;;) {
		char one[16];

		assert_int_equal(ops->next_batch(h, &b, &err), 0);
		if (b == NULL)
			break;
		snprintf(one, sizeof(one), "%s%lld", seen[0] ? " " : "", (long long)b->nrows);
		strcat(seen, one);
		hy_batch_unref(b);
	}
	assert_string_equal(seen, "3 3 2");
	ops->close(h);
}

/* ---- store ---- */

static struct hy_store_config store_cfg(const char *rel, const char *pattern, int64_t batch_size,
					char *path_buf)
{
	struct hy_store_config c = {.type = "local"};

	sprintf(path_buf, "%s/%s", root, rel);
	c.def = hy_cfg_type_find(HY_CFG_STORE, "local");
	c.u.file.path = path_buf;
	c.u.file.abs_path = path_buf;
	c.u.file.format = HY_FORMAT_CSV;
	c.u.file.batch_size = batch_size;
	c.u.file.file_pattern = pattern;
	return c;
}

/* A batch of ids from..to (inclusive). */
static struct hy_batch *ids(int from, int to)
{
	static char text[4096];
	struct hy_csv_reader *r = NULL;
	struct hy_csv_options o;
	struct hy_batch *b = NULL;
	struct hy_error err = {0};
	size_t n = (size_t)sprintf(text, "id\n");

	for (int i = from; i <= to; i++)
		n += (size_t)sprintf(text + n, "%d\n", i);
	hy_csv_options_init(&o);
	assert_int_equal(hy_csv_reader_open_mem(&r, text, n, "ids", &o, NULL, &err), 0);
	assert_int_equal(hy_csv_reader_next_batch(r, 1000, &b, &err), 0);
	hy_csv_reader_close(r);
	return b;
}

static void write_ids(const struct hy_store_ops *ops, struct hy_store *s, int from, int to)
{
	struct hy_batch *b = ids(from, to);
	struct hy_error err = {0};

	assert_int_equal(ops->write(s, b, &err), 0);
	hy_batch_unref(b);
}

static void test_store_stages_then_publishes_continuing_the_sequence(void **state)
{
	const struct hy_store_ops *ops = store_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_INCREMENTAL);
	char path[512], ls[512];
	struct hy_store_config c;
	struct hy_store *s = NULL;
	struct hy_error err = {0};

	(void)state;
	setup();
	c = store_cfg("lake/t", "", 2, path);
	write_text("lake/t/00000000000000000003.csv", "id\n0\n");
	write_text("lake/t/00000000000000000010.csv", "id\n0\n");
	write_text("lake/t/99.csv", "id\n0\n"); /* not the pattern's: ignored */
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	write_ids(ops, s, 1, 5);
	/* Two full chunks staged and the third one's file open with its first
	 * row (rows stream into the staged file); the lake is untouched. */
	listing("lake/tmp/t_store", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000011.csv 00000000000000000012.csv "
				"00000000000000000013.csv");
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000003.csv 00000000000000000010.csv 99.csv");
	assert_int_equal(ops->finish(s, &err), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000003.csv 00000000000000000010.csv "
				"00000000000000000011.csv 00000000000000000012.csv "
				"00000000000000000013.csv 99.csv");
	assert_false(exists("lake/tmp")); /* staging and its tmp/ parent removed */
	ops->close(s);
	teardown();
}

static void test_store_abort_leaves_destination_and_retry_works(void **state)
{
	const struct hy_store_ops *ops = store_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_FULL_DROP);
	char path[512], ls[512];
	struct hy_store_config c;
	struct hy_store *s = NULL;
	struct hy_error err = {0};

	(void)state;
	setup();
	c = store_cfg("lake/t", "", 2, path);
	write_text("lake/t/00000000000000000001.csv", "id\n0\n");
	write_text("lake/t/keep.txt", "not data\n");
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	write_ids(ops, s, 1, 4);
	assert_true(exists("lake/tmp/t_store/00000000000000000002.csv"));
	ops->abort(s);
	assert_false(exists("lake/tmp"));
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000001.csv keep.txt");
	/* The retry: as just opened; full_drop replaces the data files only. */
	write_ids(ops, s, 1, 3);
	assert_int_equal(ops->finish(s, &err), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000002.csv 00000000000000000003.csv keep.txt");
	ops->close(s);
	teardown();
}

static void test_store_full_drop_without_rows_keeps_destination(void **state)
{
	const struct hy_store_ops *ops = store_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_FULL_DROP);
	char path[512], ls[512];
	struct hy_store_config c;
	struct hy_store *s = NULL;
	struct hy_error err = {0};

	(void)state;
	setup();
	c = store_cfg("lake/t", "", 2, path);
	write_text("lake/t/00000000000000000001.csv", "id\n0\n");
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	assert_int_equal(ops->finish(s, &err), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000001.csv");
	ops->close(s);
	teardown();
}

static void test_store_removes_stale_staging_at_open(void **state)
{
	const struct hy_store_ops *ops = store_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_INCREMENTAL);
	char path[512], ls[512];
	struct hy_store_config c;
	struct hy_store *s = NULL;
	struct hy_error err = {0};

	(void)state;
	setup();
	c = store_cfg("lake/t", "", 2, path);
	write_text("lake/tmp/t_store/00000000000000000001.csv", "id\n0\n"); /* a killed run's */
	write_text("lake/tmp/other_store/00000000000000000001.csv", "id\n0\n");
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	assert_false(exists("lake/tmp/t_store"));
	assert_true(exists("lake/tmp/other_store/00000000000000000001.csv")); /* not ours */
	assert_int_equal(ops->finish(s, &err), 0);
	listing("lake", ls, sizeof(ls));
	assert_string_equal(ls, "tmp"); /* nothing published: no rows */
	ops->close(s);
	teardown();
}

static void test_store_pattern_without_sequence_never_overwrites(void **state)
{
	const struct hy_store_ops *ops = store_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_INCREMENTAL);
	char path[512], ls[512];
	struct hy_store_config c;
	struct hy_store *s = NULL;
	struct hy_error err = {0};
	struct hy_batch *b = ids(1, 4);

	(void)state;
	setup();
	c = store_cfg("lake/t", "{name}.csv", 2, path);
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	assert_int_equal(ops->write(s, b, &err), HY_EIO);
	assert_string_equal(err.msg, "file_pattern '{name}.csv' gives the name t_store.csv to two "
				     "files; add {sequence} to it");
	hy_batch_unref(b);
	ops->abort(s);
	listing("lake", ls, sizeof(ls));
	assert_string_equal(ls, "");
	ops->close(s);
	teardown();
}

/* ---- atomic publish ---- */

/* The text of root/rel ("<missing>" when it cannot be read). */
static const char *read_text(const char *rel)
{
	static char text[4096];
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if ((f = fopen(path, "r")) == NULL)
		return "<missing>";
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static ino_t inode_of(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_ino;
}

/* Opens a store on lake/t (csv, batch_size 2), writes ids from..to and
 * finishes; returns finish's status. */
static int load_ids(enum hy_run_type run_type, int from, int to)
{
	const struct hy_store_ops *ops = store_ops();
	struct hy_endpoint_context cx = ctx(run_type);
	char path[512];
	struct hy_store_config c = store_cfg("lake/t", "", 2, path);
	struct hy_store *s = NULL;
	struct hy_error err = {0};
	int rc;

	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	write_ids(ops, s, from, to);
	rc = ops->finish(s, &err);
	ops->close(s);
	return rc;
}

#define F1 "lake/t/00000000000000000001.csv"
#define F2 "lake/t/00000000000000000002.csv"
#define F3 "lake/t/00000000000000000003.csv"

static void test_store_incremental_publish_swaps_in_links_and_new_files(void **state)
{
	char ls[512], path[512];
	struct stat st;
	ino_t kept, notes;

	(void)state;
	setup();
	write_text(F1, "id\n0\n");
	write_text("lake/t/notes.txt", "not data\n");
	snprintf(path, sizeof(path), "%s/lake/t", root);
	assert_int_equal(chmod(path, 0750), 0);
	kept = inode_of(F1);
	notes = inode_of("lake/t/notes.txt");
	assert_int_equal(load_ids(HY_RUN_INCREMENTAL, 1, 3), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000001.csv 00000000000000000002.csv "
				"00000000000000000003.csv notes.txt");
	assert_string_equal(read_text(F1), "id\n0\n");
	assert_string_equal(read_text(F2), "id\n1\n2\n");
	assert_string_equal(read_text(F3), "id\n3\n");
	assert_string_equal(read_text("lake/t/notes.txt"), "not data\n");
	/* The kept files are the same files (linked, not copied), each with one
	 * name again once the old directory is gone; the directory keeps its mode. */
	assert_true(inode_of(F1) == kept);
	assert_true(inode_of("lake/t/notes.txt") == notes);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(st.st_mode & 07777, 0750);
	snprintf(path, sizeof(path), "%s/%s", root, F1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_false(exists("lake/tmp")); /* staging, publish directory and tmp/ gone */
	teardown();
}

static void test_store_full_drop_publish_keeps_only_non_data_files(void **state)
{
	char ls[512];

	(void)state;
	setup();
	write_text(F1, "id\n0\n");
	write_text("lake/t/00000000000000000001.ndjson", "{}\n"); /* not the store's format */
	write_text("lake/t/keep.txt", "not data\n");
	assert_int_equal(load_ids(HY_RUN_FULL_DROP, 1, 3), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000001.ndjson 00000000000000000002.csv "
				"00000000000000000003.csv keep.txt");
	assert_string_equal(read_text(F2), "id\n1\n2\n");
	assert_string_equal(read_text(F3), "id\n3\n");
	assert_string_equal(read_text("lake/t/keep.txt"), "not data\n");
	assert_string_equal(read_text("lake/t/00000000000000000001.ndjson"), "{}\n");
	assert_false(exists("lake/tmp"));
	teardown();
	/* A first publish: there is no final directory to swap with. */
	setup();
	assert_int_equal(load_ids(HY_RUN_FULL_DROP, 1, 3), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000001.csv 00000000000000000002.csv");
	assert_string_equal(read_text(F1), "id\n1\n2\n");
	assert_false(exists("lake/tmp"));
	teardown();
}

/* A sub-directory cannot be hard-linked: such a destination gets the
 * file-by-file renames, with the same result. */
static void test_store_publish_falls_back_to_renames(void **state)
{
	char ls[512];

	(void)state;
	setup();
	write_text(F1, "id\n0\n");
	write_text("lake/t/sub/x.csv", "id\n9\n");
	assert_int_equal(load_ids(HY_RUN_FULL_DROP, 1, 3), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000002.csv 00000000000000000003.csv sub");
	assert_string_equal(read_text(F3), "id\n3\n");
	assert_string_equal(read_text("lake/t/sub/x.csv"), "id\n9\n");
	assert_false(exists("lake/tmp"));
	teardown();
}

/* What a killed publish left in tmp/<flow>_store.publish goes at the next
 * open: links of published or staged files and old data files are removed, a
 * file that reached the destination during the publish is moved into it. */
static void test_store_open_settles_an_interrupted_publish(void **state)
{
	char ls[512], from[512], to[512];

	(void)state;
	setup();
	write_text(F2, "id\n2\n");
	write_text("lake/tmp/t_store.publish/00000000000000000001.csv", "id\n1\n"); /* old data */
	write_text("lake/tmp/t_store.publish/late.txt", "late\n");
	snprintf(from, sizeof(from), "%s/%s", root, F2);
	snprintf(to, sizeof(to), "%s/lake/tmp/t_store.publish/00000000000000000002.csv", root);
	assert_int_equal(link(from, to), 0);
	write_text("lake/tmp/t_store/00000000000000000003.csv", "id\n3\n");
	assert_int_equal(load_ids(HY_RUN_INCREMENTAL, 5, 5), 0);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000002.csv 00000000000000000003.csv late.txt");
	assert_string_equal(read_text(F3), "id\n5\n");
	assert_string_equal(read_text("lake/t/late.txt"), "late\n");
	assert_false(exists("lake/tmp"));
	teardown();
}

/* Publish killed at `step` in a child process; returns how the child ended
 * (the signal, or 100 + its status when it was not killed). */
static int publish_killed_at(enum hy_run_type run_type, const char *step)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (setenv("HYGGE_TEST_PUBLISH_KILL", step, 1) != 0)
			_exit(1);
		_exit(load_ids(run_type, 1, 3) == 0 ? 0 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 100 + WEXITSTATUS(status);
}

/* A SIGKILL at every step of publish leaves the final directory exactly old
 * or exactly new, a publish directory under tmp/ that the next open removes,
 * and a next run that succeeds. */
static void test_store_publish_killed_at_any_step_is_old_or_new(void **state)
{
	static const char *const steps[] = {"linking", "prepared", "swapped", "synced", "settled"};
	static const char *const old_ls = "00000000000000000001.csv notes.txt";

	(void)state;
	for (int full_drop = 0; full_drop <= 1; full_drop++) {
		enum hy_run_type rt = full_drop ? HY_RUN_FULL_DROP : HY_RUN_INCREMENTAL;
		const char *new_ls = full_drop
					     ? "00000000000000000002.csv "
					       "00000000000000000003.csv notes.txt"
					     : "00000000000000000001.csv 00000000000000000002.csv "
					       "00000000000000000003.csv notes.txt";

		for (int first = 0; first <= 1; first++) {
			for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
				bool swapped = i >= 2;
				char ls[512];

				setup();
				if (!first) {
					write_text(F1, "id\n0\n");
					write_text("lake/t/notes.txt", "not data\n");
				}
				assert_int_equal(publish_killed_at(rt, steps[i]), SIGKILL);
				listing("lake/t", ls, sizeof(ls));
				if (first && swapped)
					assert_string_equal(ls, "00000000000000000001.csv "
								"00000000000000000002.csv");
				else if (first)
					assert_string_equal(ls, ""); /* no final directory yet */
				else
					assert_string_equal(ls, swapped ? new_ls : old_ls);
				if (!first) {
					assert_string_equal(read_text("lake/t/notes.txt"),
							    "not data\n");
					assert_string_equal(read_text(F1), swapped && full_drop
										   ? "<missing>"
										   : "id\n0\n");
				}
				if (swapped)
					assert_string_equal(read_text(first ? F1 : F2),
							    "id\n1\n2\n");
				/* The leftovers are recognisable: */
				assert_true(exists("lake/tmp/t_store") ||
					    exists("lake/tmp/t_store.publish"));
				/* ... and go at the next run, which publishes. */
				assert_int_equal(load_ids(rt, 7, 7), 0);
				assert_false(exists("lake/tmp"));
				listing("lake/t", ls, sizeof(ls));
				assert_true(strstr(ls, ".csv") != NULL);
				if (!first && full_drop)
					assert_string_equal(ls,
							    swapped ? "00000000000000000004.csv "
								      "notes.txt"
								    : "00000000000000000002.csv "
								      "notes.txt");
				if (!first && !full_drop && swapped)
					assert_string_equal(ls, "00000000000000000001.csv "
								"00000000000000000002.csv "
								"00000000000000000003.csv "
								"00000000000000000004.csv "
								"notes.txt");
				if (!first && !full_drop && !swapped)
					assert_string_equal(ls, "00000000000000000001.csv "
								"00000000000000000002.csv "
								"notes.txt");
				teardown();
			}
		}
	}
}

/* type parquet store: one parquet file per batch_size rows, read back whole
 * by the parquet home (the full round trip of every type is the e2e cases'). */
static void test_store_writes_parquet_the_home_reads(void **state)
{
	const struct hy_store_ops *ops = store_ops();
	const struct hy_home_ops *hops = home_ops();
	struct hy_endpoint_context cx = ctx(HY_RUN_FULL_DROP);
	char path[512], ls[512];
	struct hy_store_config c;
	struct hy_home_config hc = {.type = "parquet"};
	struct hy_store *s = NULL;
	struct hy_home *h = NULL;
	struct hy_error err = {0};
	struct hy_batch *b;
	int64_t rows = 0, sum = 0;

	(void)state;
	setup();
	c = store_cfg("lake/t", "", 2, path);
	c.type = "parquet";
	c.def = hy_cfg_type_find(HY_CFG_STORE, "parquet");
	c.u.file.format = HY_FORMAT_PARQUET;
	c.u.file.compression = HY_CODEC_ZSTD;
	c.u.file.file_pattern = "{sequence:020d}.parquet";
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	write_ids(ops, s, 1, 5);
	assert_int_equal(ops->finish(s, &err), 0);
	ops->close(s);
	listing("lake/t", ls, sizeof(ls));
	assert_string_equal(ls, "00000000000000000001.parquet 00000000000000000002.parquet "
				"00000000000000000003.parquet");
	hc.def = hy_cfg_type_find(HY_CFG_HOME, "parquet");
	hc.u.file.path = hc.u.file.abs_path = path;
	hc.u.file.batch_size = 100;
	assert_int_equal(hops->open(&h, &hc, &cx, &err), 0);
	while (hops->next_batch(h, &b, &err) == 0 && b != NULL) {
		for (int64_t r = 0; r < b->nrows; r++)
			sum += hy_column_get_i64(b->cols[0], r);
		rows += b->nrows;
		hy_batch_unref(b);
	}
	assert_int_equal(err.code, 0);
	assert_int_equal(rows, 5);
	assert_int_equal(sum, 15);
	hops->close(h);
	teardown();
}

/* The sqlite store type (store_sqlite_ops.c): the engine aborts for good, so
 * the wrapper reopens it; a retry after abort publishes only its own rows. */
static void test_sqlite_store_abort_then_retry(void **state)
{
	const struct hy_store_ops *ops = NULL;
	struct hy_endpoint_context cx = ctx(HY_RUN_FULL_DROP);
	struct hy_store_config c = {.type = "sqlite"};
	char path[512];
	struct hy_store *s = NULL;
	struct hy_error err = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	(void)state;
	setup();
	assert_int_equal(hy_stores_register_builtin(NULL), 0);
	ops = hy_store_registry_find("sqlite");
	assert_non_null(ops);
	snprintf(path, sizeof(path), "%s/wh/db.sqlite", root);
	c.def = hy_cfg_type_find(HY_CFG_STORE, "sqlite");
	c.u.sqlite.path = c.u.sqlite.abs_path = path;
	c.u.sqlite.table = "t";
	c.u.sqlite.batch_size = 2;
	assert_int_equal(ops->open(&s, &c, &cx, &err), 0);
	write_ids(ops, s, 1, 5);
	ops->abort(s);
	write_ids(ops, s, 10, 12);
	assert_int_equal(ops->finish(s, &err), 0);
	ops->close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "select count(*), sum(id) from t", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 3);
	assert_int_equal(sqlite3_column_int(st, 1), 33);
	sqlite3_finalize(st);
	sqlite3_close(db);
	teardown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_home_batches_never_span_files),
	cmocka_unit_test(test_home_errors_name_the_path),
	cmocka_unit_test(test_home_reads_parquet),
	cmocka_unit_test(test_store_stages_then_publishes_continuing_the_sequence),
	cmocka_unit_test(test_store_abort_leaves_destination_and_retry_works),
	cmocka_unit_test(test_store_full_drop_without_rows_keeps_destination),
	cmocka_unit_test(test_store_removes_stale_staging_at_open),
	cmocka_unit_test(test_store_pattern_without_sequence_never_overwrites),
	cmocka_unit_test(test_store_incremental_publish_swaps_in_links_and_new_files),
	cmocka_unit_test(test_store_full_drop_publish_keeps_only_non_data_files),
	cmocka_unit_test(test_store_publish_falls_back_to_renames),
	cmocka_unit_test(test_store_open_settles_an_interrupted_publish),
	cmocka_unit_test(test_store_publish_killed_at_any_step_is_old_or_new),
	cmocka_unit_test(test_store_writes_parquet_the_home_reads),
	cmocka_unit_test(test_sqlite_store_abort_then_retry),
};

HY_TEST_MAIN(tests)
