/* The run journal (src/run/journal.c): rows recorded and read back field by
 * field (nulls included) with the query API and with the Parquet reader, the
 * file's schema, the watermark lookup, history filters and order, two
 * processes and several threads recording at once, corrupt and foreign
 * files, local location resolution and allocation failures. Journals live in
 * mkdtemp directories under /tmp.
 *
 * With HY_JOURNAL_FIXTURE=<file> set, test_write_fixture writes the journal
 * used by the e2e cases tests/e2e/cases/history-* to <file>. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/journal.h"
#include "hygge/parquet.h"
#include "hygge/parquet_writer.h"
#include "hygge/workspace.h"

static char dir_buf[64];
static char path_buf[128];

static const char *new_journal_path(void)
{
	strcpy(dir_buf, "/tmp/hygge-journal-XXXXXX");
	assert_non_null(mkdtemp(dir_buf));
	snprintf(path_buf, sizeof(path_buf), "%s/sub/journal.parquet", dir_buf);
	return path_buf;
}

static void rm_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- collected rows (owned copies) ---- */

#define NTEXT 16
struct copy {
	char *s[NTEXT];
	int64_t row_count;
	double duration;
};

struct copies {
	struct copy v[512];
	size_t n;
};

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int collect(void *user, const struct hy_journal_row *r)
{
	struct copies *c = user;
	struct copy *k = &c->v[c->n++];
	const char *f[NTEXT] = {r->entity_run_id,  r->coordinator_run_id,
				r->flow_run_id,    r->coordinator,
				r->flow,           r->entity,
				r->start_time,     r->finish_time,
				r->status,         r->run_type,
				r->primary_key,    r->watermark_column,
				r->watermark_type, r->watermark,
				r->message,        r->schema_version};

	assert_true(c->n <= 512);
	for (int i = 0; i < NTEXT; i++)
		k->s[i] = dup_or_null(f[i]);
	k->row_count = r->row_count;
	k->duration = r->duration;
	return 0;
}

static void copies_free(struct copies *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (int k = 0; k < NTEXT; k++)
			free(c->v[i].s[k]);
	c->n = 0;
}

enum {
	F_ERID,
	F_CRID,
	F_FRID,
	F_COORD,
	F_FLOW,
	F_ENTITY,
	F_START,
	F_FINISH,
	F_STATUS,
	F_RUNTYPE,
	F_PK,
	F_WMCOL,
	F_WMTYPE,
	F_WM,
	F_MSG,
	F_VER
};

static void assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static struct hy_journal_row make_row(const char *flow, const char *entity, const char *start,
				      const char *finish, const char *status)
{
	struct hy_journal_row r = {
		.entity_run_id = "e0000000000000000000000000000001",
		.coordinator_run_id = "c0000000000000000000000000000001",
		.flow_run_id = "f0000000000000000000000000000001",
		.coordinator = "proj",
		.flow = flow,
		.entity = entity,
		.start_time = start,
		.finish_time = finish,
		.status = status,
		.run_type = "full_drop",
		.row_count = 10,
		.duration = 1.5,
	};
	return r;
}

static void record_ok(struct hy_journal *j, const struct hy_journal_row *r)
{
	struct hy_error err = {0};
	int rc = hy_journal_record(j, r, &err);

	if (rc != 0)
		fail_msg("record: %s", err.msg);
}

static size_t count_rows(struct hy_journal *j)
{
	struct copies *c = calloc(1, sizeof(*c));
	struct hy_error err = {0};
	size_t n;

	assert_int_equal(hy_journal_query(j, NULL, collect, c, &err), 0);
	n = c->n;
	copies_free(c);
	free(c);
	return n;
}

/* ---- tests ---- */

static void test_roundtrip_field_by_field(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct copies *c = calloc(1, sizeof(*c));
	struct hy_journal_row a = make_row("users", "users", "2025-11-27T01:00:00.250000+00:00",
					   "2025-11-27T01:00:02.500000+00:00", "success");
	struct hy_journal_row b = make_row("sales", "orders", "2025-11-27T01:00:03+00:00",
					   "2025-11-27T01:00:04+00:00", "fail");
	struct hy_journal_row s = make_row("sales", "lines", "2025-11-27T01:00:05+00:00",
					   "2025-11-27T01:00:05.100000+00:00", "skip");

	a.run_type = "incremental";
	a.row_count = 1234567890123LL;
	a.duration = 2.25;
	a.primary_key = "id";
	a.watermark_column = "updated_at";
	a.watermark_type = "datetime";
	a.watermark = "2025-11-26T23:59:59.123456+00:00";
	a.schema_version = "9.9"; /* ignored: always 1.0 */
	b.message = "store parquet: No space left on device (é, \"quoted\")";
	b.primary_key = "id"; /* dropped: not a success */
	b.watermark_column = "updated_at";
	b.watermark_type = "int";
	b.watermark = "42";
	b.row_count = 0;
	s.row_count = 0;
	s.duration = 0.0;
	s.message = "No rows processed";
	s.coordinator_run_id = NULL;

	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	assert_string_equal(hy_journal_path(j), path);
	record_ok(j, &a);
	record_ok(j, &b);
	record_ok(j, &s);

	assert_int_equal(hy_journal_query(j, NULL, collect, c, &err), 0);
	assert_int_equal(c->n, 3);
	/* newest first: s, b, a */
	struct copy *ks = &c->v[0], *kb = &c->v[1], *ka = &c->v[2];

	assert_string_equal(ka->s[F_ERID], a.entity_run_id);
	assert_string_equal(ka->s[F_CRID], a.coordinator_run_id);
	assert_string_equal(ka->s[F_FRID], a.flow_run_id);
	assert_string_equal(ka->s[F_COORD], "proj");
	assert_string_equal(ka->s[F_FLOW], "users");
	assert_string_equal(ka->s[F_ENTITY], "users");
	assert_string_equal(ka->s[F_START], a.start_time);
	assert_string_equal(ka->s[F_FINISH], a.finish_time);
	assert_string_equal(ka->s[F_STATUS], "success");
	assert_string_equal(ka->s[F_RUNTYPE], "incremental");
	assert_true(ka->row_count == 1234567890123LL);
	assert_true(ka->duration == 2.25);
	assert_string_equal(ka->s[F_PK], "id");
	assert_string_equal(ka->s[F_WMCOL], "updated_at");
	assert_string_equal(ka->s[F_WMTYPE], "datetime");
	assert_string_equal(ka->s[F_WM], a.watermark);
	assert_null(ka->s[F_MSG]);
	assert_string_equal(ka->s[F_VER], "1.0");

	assert_string_equal(kb->s[F_FLOW], "sales");
	assert_string_equal(kb->s[F_ENTITY], "orders");
	assert_string_equal(kb->s[F_STATUS], "fail");
	assert_string_equal(kb->s[F_MSG], b.message);
	assert_true(kb->row_count == 0);
	assert_null(kb->s[F_PK]);
	assert_null(kb->s[F_WMCOL]);
	assert_null(kb->s[F_WMTYPE]);
	assert_null(kb->s[F_WM]);
	assert_string_equal(kb->s[F_VER], "1.0");

	assert_string_equal(ks->s[F_STATUS], "skip");
	assert_string_equal(ks->s[F_MSG], "No rows processed");
	assert_null(ks->s[F_CRID]);
	assert_true(ks->duration == 0.0);
	assert_str_or_null(ks->s[F_WM], NULL);
	copies_free(c);
	free(c);
	hy_journal_close(j);

	/* The file itself: 18 columns, the reference's names and types, row_count
	 * null for 0, read with hygge's Parquet reader. */
	{
		static const char *names[HY_JOURNAL_NCOLUMNS] = {
			"entity_run_id",  "coordinator_run_id",
			"flow_run_id",    "coordinator",
			"flow",           "entity",
			"start_time",     "finish_time",
			"status",         "run_type",
			"row_count",      "duration",
			"primary_key",    "watermark_column",
			"watermark_type", "watermark",
			"message",        "schema_version"};
		struct hy_pq_reader *r = NULL;
		struct hy_batch *batch = NULL;
		struct hy_schema *sc;

		assert_int_equal(hy_pq_reader_open_file(&r, path, NULL, &err), 0);
		sc = hy_pq_reader_schema(r);
		assert_int_equal(hy_schema_nfields(sc), HY_JOURNAL_NCOLUMNS);
		for (size_t i = 0; i < HY_JOURNAL_NCOLUMNS; i++) {
			const struct hy_field *f = hy_schema_field(sc, i);

			assert_string_equal(f->name, names[i]);
			assert_int_equal(f->type.id, i == 10   ? HY_INT64
						     : i == 11 ? HY_FLOAT64
							       : HY_STRING);
			assert_true(f->nullable);
		}
		assert_int_equal(hy_pq_reader_next_batch(r, &batch, &err), 0);
		assert_non_null(batch);
		assert_int_equal(batch->nrows, 3);
		assert_false(hy_column_is_null(batch->cols[10], 0));
		assert_true(hy_column_is_null(batch->cols[10], 1));
		assert_true(hy_column_is_null(batch->cols[10], 2));
		assert_true(hy_column_get_f64(batch->cols[11], 0) == 2.25);
		hy_batch_unref(batch);
		hy_pq_reader_close(r);
	}
	rm_tree(dir_buf);
}

static void test_missing_journal_is_empty_and_untouched(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct hy_journal_watermark wm;
	struct stat st;
	char sub[128];

	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	assert_int_equal(count_rows(j), 0);
	assert_int_equal(hy_journal_last_watermark(j, "users", "users", &wm, &err), 0);
	assert_false(wm.found);
	snprintf(sub, sizeof(sub), "%s/sub", dir_buf);
	assert_int_not_equal(stat(sub, &st), 0); /* open and reads create nothing */
	hy_journal_close(j);
	rm_tree(dir_buf);
}

static void test_last_watermark_picks_latest_success(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct hy_journal_watermark wm;
	struct hy_journal_row r;

	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	/* older success with a watermark */
	r = make_row("users", "users", "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:10+00:00",
		     "success");
	r.entity_run_id = "old";
	r.primary_key = "id";
	r.watermark_column = "ts";
	r.watermark_type = "int";
	r.watermark = "100";
	record_ok(j, &r);
	/* the latest success: finish 00:00:10.5 beats 00:00:10 and is recorded
	 * before a row with an earlier finish */
	r.entity_run_id = "best";
	r.finish_time = "2025-01-02T00:00:10.500000+00:00";
	r.watermark = "300";
	record_ok(j, &r);
	r.entity_run_id = "earlier-finish";
	r.finish_time = "2025-01-02T00:00:10+00:00";
	r.watermark = "200";
	record_ok(j, &r);
	/* later, but a failure (its watermark is dropped anyway) */
	r.entity_run_id = "failed";
	r.status = "fail";
	r.finish_time = "2025-02-01T00:00:00+00:00";
	r.watermark = "999";
	record_ok(j, &r);
	/* later success without a watermark */
	r.entity_run_id = "no-wm";
	r.status = "success";
	r.watermark = NULL;
	record_ok(j, &r);
	/* other entity, other flow */
	r = make_row("users", "other", "2025-03-01T00:00:00+00:00", "2025-03-01T00:00:01+00:00",
		     "success");
	r.primary_key = "id";
	r.watermark_column = "ts";
	r.watermark_type = "int";
	r.watermark = "5000";
	record_ok(j, &r);
	r.flow = "orders";
	r.entity = "users";
	record_ok(j, &r);

	assert_int_equal(hy_journal_last_watermark(j, "users", "users", &wm, &err), 0);
	assert_true(wm.found);
	assert_string_equal(wm.entity_run_id, "best");
	assert_string_equal(wm.watermark, "300");
	assert_string_equal(wm.watermark_type, "int");
	assert_string_equal(wm.watermark_column, "ts");
	assert_string_equal(wm.primary_key, "id");
	assert_string_equal(wm.finish_time, "2025-01-02T00:00:10.500000+00:00");
	hy_journal_watermark_clear(&wm);
	assert_null(wm.watermark);

	assert_int_equal(hy_journal_last_watermark(j, "users", "other", &wm, &err), 0);
	assert_true(wm.found);
	assert_string_equal(wm.watermark, "5000");
	hy_journal_watermark_clear(&wm);
	assert_int_equal(hy_journal_last_watermark(j, "nope", "users", &wm, &err), 0);
	assert_false(wm.found);
	hy_journal_close(j);
	rm_tree(dir_buf);
}

static void test_query_filters_and_order(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct copies *c = calloc(1, sizeof(*c));
	char start[64], finish[64];

	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	/* recorded out of time order on purpose */
	for (int i = 0; i < 10; i++) {
		int t = (i * 7) % 10;
		struct hy_journal_row r;

		snprintf(start, sizeof(start), "2025-06-01T10:00:%02d+00:00", t);
		snprintf(finish, sizeof(finish), "2025-06-01T10:01:%02d+00:00", t);
		r = make_row(t % 2 ? "odd" : "even", t < 5 ? "low" : "high", start, finish,
			     t % 3 == 0 ? "fail" : "success");
		record_ok(j, &r);
	}
	assert_int_equal(hy_journal_query(j, NULL, collect, c, &err), 0);
	assert_int_equal(c->n, 10);
	for (size_t i = 0; i < 10; i++) {
		snprintf(start, sizeof(start), "2025-06-01T10:00:%02d+00:00", (int)(9 - i));
		assert_string_equal(c->v[i].s[F_START], start);
	}
	copies_free(c);

	struct hy_journal_filter f = {.flow = "odd", .last = 2};

	assert_int_equal(hy_journal_query(j, &f, collect, c, &err), 0);
	assert_int_equal(c->n, 2);
	assert_string_equal(c->v[0].s[F_START], "2025-06-01T10:00:09+00:00");
	assert_string_equal(c->v[1].s[F_START], "2025-06-01T10:00:07+00:00");
	copies_free(c);

	f = (struct hy_journal_filter){.entity = "low", .failed_only = true};
	assert_int_equal(hy_journal_query(j, &f, collect, c, &err), 0);
	assert_int_equal(c->n, 2); /* t = 3, 0 */
	assert_string_equal(c->v[0].s[F_START], "2025-06-01T10:00:03+00:00");
	assert_string_equal(c->v[1].s[F_START], "2025-06-01T10:00:00+00:00");
	assert_string_equal(c->v[1].s[F_STATUS], "fail");
	copies_free(c);

	f = (struct hy_journal_filter){.flow = "even", .entity = "high"};
	assert_int_equal(hy_journal_query(j, &f, collect, c, &err), 0);
	assert_int_equal(c->n, 2); /* t = 8, 6 */
	copies_free(c);
	free(c);
	hy_journal_close(j);
	rm_tree(dir_buf);
}

/* ---- concurrency ---- */

static void record_many(const char *path, const char *who, int n)
{
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	char id[64];

	if (hy_journal_open(&j, path, &err) != 0)
		_exit(3);
	for (int i = 0; i < n; i++) {
		struct hy_journal_row r = make_row(who, who, "2025-01-01T00:00:00+00:00",
						   "2025-01-01T00:00:01+00:00", "success");

		snprintf(id, sizeof(id), "%s-%03d", who, i);
		r.entity_run_id = id;
		if (hy_journal_record(j, &r, &err) != 0) {
			fprintf(stderr, "record: %s\n", err.msg);
			_exit(4);
		}
	}
	hy_journal_close(j);
}

static void assert_each_once(struct hy_journal *j, const char *const *who, int nwho, int n)
{
	struct copies *c = calloc(1, sizeof(*c));
	struct hy_error err = {0};
	char id[64];

	assert_int_equal(hy_journal_query(j, NULL, collect, c, &err), 0);
	assert_int_equal(c->n, (size_t)(nwho * n));
	for (int w = 0; w < nwho; w++)
		for (int i = 0; i < n; i++) {
			int seen = 0;

			snprintf(id, sizeof(id), "%s-%03d", who[w], i);
			for (size_t k = 0; k < c->n; k++)
				seen += strcmp(c->v[k].s[F_ERID], id) == 0;
			assert_int_equal(seen, 1);
		}
	copies_free(c);
	free(c);
}

static void assert_no_leftovers(void)
{
	char sub[128];
	DIR *d;
	struct dirent *e;

	snprintf(sub, sizeof(sub), "%s/sub", dir_buf);
	d = opendir(sub);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp_") != NULL)
			fail_msg("temporary file left: %s", e->d_name);
	closedir(d);
}

static void test_two_processes_lose_nothing(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	static const char *const who[2] = {"alpha", "beta"};
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	pid_t pids[2];

	for (int p = 0; p < 2; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			record_many(path, who[p], 50);
			_exit(0);
		}
	}
	for (int p = 0; p < 2; p++) {
		int status = 0;

		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	assert_each_once(j, who, 2, 50);
	assert_no_leftovers();
	hy_journal_close(j);
	rm_tree(dir_buf);
}

struct thread_arg {
	struct hy_journal *j;
	const char *who;
	int failures;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	char id[64];

	for (int i = 0; i < 10; i++) {
		struct hy_error err = {0};
		struct hy_journal_row r = make_row(a->who, a->who, "2025-01-01T00:00:00+00:00",
						   "2025-01-01T00:00:01+00:00", "success");

		snprintf(id, sizeof(id), "%s-%03d", a->who, i);
		r.entity_run_id = id;
		if (hy_journal_record(a->j, &r, &err) != 0)
			a->failures++;
	}
	return NULL;
}

static void test_threads_sharing_a_handle_lose_nothing(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	static const char *const who[4] = {"t0", "t1", "t2", "t3"};
	struct thread_arg args[4];
	pthread_t th[4];
	struct hy_journal *j = NULL;
	struct hy_error err = {0};

	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	for (int i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){j, who[i], 0};
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].failures, 0);
	}
	assert_each_once(j, who, 4, 10);
	hy_journal_close(j);
	rm_tree(dir_buf);
}

/* ---- broken files ---- */

static void write_file(const char *path, const char *bytes)
{
	char sub[128];
	FILE *f;

	snprintf(sub, sizeof(sub), "%s/sub", dir_buf);
	mkdir(sub, 0777);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(bytes, f);
	fclose(f);
}

static int count_corrupt(void)
{
	char sub[128];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(sub, sizeof(sub), "%s/sub", dir_buf);
	d = opendir(sub);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "journal.parquet.corrupt-", 24) == 0;
	closedir(d);
	return n;
}

static void test_corrupt_journal(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct hy_journal_watermark wm;
	struct hy_journal_row r = make_row("users", "users", "2025-01-01T00:00:00+00:00",
					   "2025-01-01T00:00:01+00:00", "success");
	struct copies *c = calloc(1, sizeof(*c));

	write_file(path, "this is not a parquet file at all, just some text bytes\n");
	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	assert_int_equal(hy_journal_query(j, NULL, collect, c, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(c->n, 0);
	hy_error_init(&err);
	assert_int_equal(hy_journal_last_watermark(j, "users", "users", &wm, &err), HY_EFORMAT);
	assert_false(wm.found);

	/* record moves it aside and starts a new journal */
	record_ok(j, &r);
	assert_int_equal(count_corrupt(), 1);
	assert_int_equal(count_rows(j), 1);
	hy_journal_close(j);
	free(c);
	rm_tree(dir_buf);
}

static void test_foreign_parquet_is_not_a_journal(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	char fname[] = "flow";
	struct hy_field f = {.name = fname, .type = hy_dtype_simple(HY_INT32), .nullable = true};
	struct hy_schema *schema = NULL;
	struct hy_pq_writer *w = NULL;
	struct hy_pq_sink sink = {0};
	struct hy_pq_writer_options o;
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/sub", dir_buf);
	assert_int_equal(mkdir(sub, 0777), 0);
	assert_int_equal(hy_schema_create(&f, 1, &schema, &err), 0);
	hy_pq_writer_options_init(&o);
	assert_int_equal(hy_pq_sink_open_file(&sink, path, &err), 0);
	assert_int_equal(hy_pq_writer_open(&w, schema, &o, &sink, &err), 0);
	assert_int_equal(hy_pq_writer_finish(w, &err), 0);
	hy_pq_writer_close(w);
	hy_pq_sink_close(&sink);
	hy_schema_unref(schema);

	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	assert_int_equal(hy_journal_query(j, NULL, collect, NULL, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "not a hygge journal"));
	hy_journal_close(j);
	rm_tree(dir_buf);
}

static void test_unwritable_directory_is_a_clean_error(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct hy_journal_row r = make_row("users", "users", "2025-01-01T00:00:00+00:00",
					   "2025-01-01T00:00:01+00:00", "success");
	char sub[128];

	/* "sub" is a file, not a directory: works for root too */
	snprintf(sub, sizeof(sub), "%s/sub", dir_buf);
	{
		FILE *f = fopen(sub, "w");

		assert_non_null(f);
		fclose(f);
	}
	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	assert_int_equal(hy_journal_record(j, &r, &err), HY_EIO);
	assert_non_null(strstr(err.msg, "journal"));
	assert_non_null(strstr(err.msg, "Not a directory"));
	hy_journal_close(j);
	rm_tree(dir_buf);
}

/* ---- allocation failures ---- */

static void test_allocation_failures(void **state)
{
	(void)state;
	const char *path = new_journal_path();
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct hy_journal_row r = make_row("users", "users", "2025-01-01T00:00:00+00:00",
					   "2025-01-01T00:00:01+00:00", "success");
	struct hy_journal_watermark wm;
	int rc;

	r.primary_key = "id";
	r.watermark_column = "ts";
	r.watermark_type = "int";
	r.watermark = "7";
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_journal_open(&j, path, &err);
		if (rc == 0)
			hy_journal_close(j);
	});
	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	record_ok(j, &r);
	record_ok(j, &r);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_journal_record(j, &r, &err);
	});
	/* failed records appended nothing and left no temporary file */
	assert_int_equal(count_rows(j), 3);
	assert_no_leftovers();
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_journal_last_watermark(j, "users", "users", &wm, &err);
		if (rc == 0) {
			assert_true(wm.found);
			hy_journal_watermark_clear(&wm);
		}
	});
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct copies *c = calloc(1, sizeof(*c));

		hy_error_init(&err);
		rc = hy_journal_query(j, NULL, collect, c, &err);
		copies_free(c);
		free(c);
	});
	hy_journal_close(j);
	rm_tree(dir_buf);
}

/* ---- location ---- */

static void test_resolve_local(void **state)
{
	(void)state;
	struct hy_entity_flow ef = {0};
	struct hy_error err = {0};
	char *out = NULL;
	char users[] = "users";

	/* no journal */
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), 0);
	assert_null(out);

	ef.entity = users;
	ef.journal.present = true;
	ef.journal.path = "logs/";
	ef.journal.abs_path = "/p/logs/";
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), 0);
	assert_string_equal(out, "/p/logs/journal.parquet");
	hy_free(out);

	ef.journal.path = ef.journal.abs_path = NULL;
	ef.journal.location = 0; /* store */
	ef.store.def = hy_cfg_type_find(HY_CFG_STORE, "parquet");
	ef.store.u.file.abs_path = "/p/data/out/users";
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), 0);
	assert_string_equal(out, "/p/data/out/.hygge_journal/journal.parquet");
	hy_free(out);

	ef.entity = NULL; /* entity-less flow: the path as is */
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), 0);
	assert_string_equal(out, "/p/data/out/users/.hygge_journal/journal.parquet");
	hy_free(out);

	ef.journal.location = 1; /* home */
	ef.entity = users;
	ef.home.def = hy_cfg_type_find(HY_CFG_HOME, "parquet");
	ef.home.u.file.abs_path = "/p/data/in/users/";
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), 0);
	assert_string_equal(out, "/p/data/in/.hygge_journal/journal.parquet");
	hy_free(out);

	ef.journal.location = 0;
	memset(&ef.store, 0, sizeof(ef.store));
	ef.store.def = hy_cfg_type_find(HY_CFG_STORE, "sqlite");
	ef.store.u.sqlite.abs_path = "/p/db/warehouse.db";
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), 0);
	assert_string_equal(out, "/p/db/.hygge_journal/journal.parquet");
	hy_free(out);

	memset(&ef.store, 0, sizeof(ef.store));
	ef.store.def = hy_cfg_type_find(HY_CFG_STORE, "adls");
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), HY_EUNSUPPORTED);
	assert_null(out);

	hy_error_init(&err);
	ef.store.def = hy_cfg_type_find(HY_CFG_STORE, "mssql");
	assert_int_equal(hy_journal_resolve_local(&ef, &out, &err), HY_ECONFIG);
	assert_string_equal(err.msg,
			    "Journal location='store' requires store_path, but none provided");
}

/* ---- the e2e fixture ---- */

static void test_write_fixture(void **state)
{
	(void)state;
	const char *path = getenv("HY_JOURNAL_FIXTURE");
	struct hy_journal *j = NULL;
	struct hy_error err = {0};
	struct hy_journal_row r;

	if (path == NULL || path[0] == '\0')
		skip();
	unlink(path);
	assert_int_equal(hy_journal_open(&j, path, &err), 0);
	r = make_row("users", "users", "2025-11-20T08:00:00+00:00",
		     "2025-11-20T08:00:01.500000+00:00", "success");
	r.row_count = 120;
	r.duration = 1.5;
	record_ok(j, &r);
	r = make_row("sales", "orders", "2025-11-20T08:00:02+00:00",
		     "2025-11-20T08:00:02.250000+00:00", "fail");
	r.row_count = 0;
	r.duration = 0.25;
	r.message = "store parquet: No space left on device";
	record_ok(j, &r);
	r = make_row("sales", "lines", "2025-11-21T09:30:00+00:00",
		     "2025-11-21T09:30:00.100000+00:00", "skip");
	r.row_count = 0;
	r.duration = 0.1;
	r.message = "No rows processed";
	record_ok(j, &r);
	r = make_row("users", "users", "2025-11-22T07:15:00+00:00", "2025-11-22T07:15:42+00:00",
		     "success");
	r.run_type = "incremental";
	r.row_count = 1234567;
	r.duration = 42.0;
	r.primary_key = "id";
	r.watermark_column = "updated_at";
	r.watermark_type = "datetime";
	r.watermark = "2025-11-22T07:00:00+00:00";
	record_ok(j, &r);
	hy_journal_close(j);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_roundtrip_field_by_field),
	cmocka_unit_test(test_missing_journal_is_empty_and_untouched),
	cmocka_unit_test(test_last_watermark_picks_latest_success),
	cmocka_unit_test(test_query_filters_and_order),
	cmocka_unit_test(test_two_processes_lose_nothing),
	cmocka_unit_test(test_threads_sharing_a_handle_lose_nothing),
	cmocka_unit_test(test_corrupt_journal),
	cmocka_unit_test(test_foreign_parquet_is_not_a_journal),
	cmocka_unit_test(test_unwritable_directory_is_a_clean_error),
	cmocka_unit_test(test_allocation_failures),
	cmocka_unit_test(test_resolve_local),
	cmocka_unit_test(test_write_fixture),
};
HY_TEST_MAIN(tests)
