/* Many flows: the concurrency limit, the early slot release, continue_on_error,
 * the per-flow lines and the summary texts, milestones, progress and
 * cancellation (by call and by signal). */
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include "hygge/buffer.h"
#include "run_fixture.h"

#define MAXF 50

struct many {
	size_t n;
	struct mem_home_cfg home[MAXF];
	struct mem_store_cfg store[MAXF];
	struct mem_store_out out[MAXF];
	struct mem_pipe pipe[MAXF];
	struct mem_run run; /* shared by all flows */
	char names[MAXF][16];
	struct hy_flow_spec spec[MAXF];
	struct hy_run_options opts;
	struct hy_coordinator *c;
	int rc;
	struct hy_error err;
	const struct hy_run_result *res;
	double seconds;
};

static void many_init(struct many *m, size_t n, int nbatches, int64_t rows)
{
	memset(m, 0, sizeof(*m));
	mem_register();
	m->n = n;
	for (size_t i = 0; i < n; i++) {
		if (i < 26)
			snprintf(m->names[i], sizeof(m->names[i]), "flow_%c", (char)('a' + i));
		else
			snprintf(m->names[i], sizeof(m->names[i]), "flow_%d", (int)(i % 100));
		m->home[i] = (struct mem_home_cfg){
			.nbatches = nbatches, .rows = rows, .pipe = &m->pipe[i], .run = &m->run};
		m->store[i] = (struct mem_store_cfg){
			.pipe = &m->pipe[i], .run = &m->run, .out = &m->out[i]};
		m->spec[i] = (struct hy_flow_spec){.name = m->names[i],
						   .home_type = MEM_TYPE,
						   .home_config = &m->home[i],
						   .store_type = MEM_TYPE,
						   .store_config = &m->store[i]};
	}
	m->opts.retry = mem_fast_retry;
	m->opts.coordinator_name = "proj";
	m->opts.concurrency = 2;
}

static void many_create(struct many *m)
{
	assert_int_equal(hy_coordinator_create(m->spec, m->n, &m->opts, &m->c, &m->err), 0);
}

static void many_run(struct many *m)
{
	double t0 = mem_now();

	if (m->c == NULL)
		many_create(m);
	m->rc = hy_coordinator_run(m->c, &m->err);
	m->seconds = mem_now() - t0;
	m->res = hy_coordinator_result(m->c);
	assert_int_equal(m->res->nflows, m->n);
	for (size_t i = 0; i < m->n; i++) {
		assert_int_equal(m->out[i].staged_left, 0);
		assert_int_equal(m->out[i].closes, m->out[i].opens);
	}
}

static void many_done(struct many *m)
{
	hy_coordinator_destroy(m->c);
	for (size_t i = 0; i < m->n; i++)
		mem_out_free(&m->out[i]);
}

/* Never more than `concurrency` flows extracting; the limit is reached. */
static void test_concurrency_limit(void **state)
{
	struct many m;

	(void)state;
	many_init(&m, 6, 5, 10);
	for (size_t i = 0; i < m.n; i++)
		m.home[i].slow_ms = 3;
	many_run(&m);
	assert_int_equal(m.rc, 0);
	assert_int_equal(atomic_load(&m.run.max_open_homes), 2);
	assert_int_equal(m.res->passed, 6);
	assert_int_equal(m.res->rows, 300);
	many_done(&m);
}

/* The slot is released before finish: with concurrency 1, the first flow's
 * finish waits for the second flow to start reading, and sees it. */
static void test_slot_released_before_finish(void **state)
{
	struct many m;

	(void)state;
	many_init(&m, 2, 2, 3);
	m.opts.concurrency = 1;
	m.store[0].finish_wait_s = 2.0;
	m.store[0].finish_gate = &m.run.home_opens;
	/* the gate opens once flow b's home opened: home_opens >= 2 */
	m.run.home_opens = -1; /* flow a's open makes it 0, flow b's 1 */
	many_run(&m);
	assert_int_equal(m.rc, 0);
	assert_true(m.store[0].finish_saw_gate);
	assert_true(m.seconds < 1.5);
	many_done(&m);
}

/* 50 flows at concurrency 4: all pass with every row, exactly 4 extract at
 * most (and 4 is reached), and slots are released before finish: a finish
 * runs while other flows extract, and more than 4 flows are between home.open
 * and the end of finish at once. */
static void test_fifty_flows(void **state)
{
	struct many *m = calloc(1, sizeof(*m));
	atomic_int closed_gate = 0;

	(void)state;
	assert_non_null(m);
	many_init(m, 50, 4, 25);
	m->opts.concurrency = 4;
	for (size_t i = 0; i < m->n; i++) {
		m->home[i].first_id = (int64_t)i * 1000;
		m->home[i].slow_ms = 1;
		/* finish takes ~4 ms: a gate that never opens */
		m->store[i].finish_wait_s = 0.004;
		m->store[i].finish_gate = &closed_gate;
	}
	many_run(m);
	assert_int_equal(m->rc, 0);
	assert_int_equal(m->res->passed, 50);
	assert_int_equal(m->res->failed, 0);
	assert_int_equal(m->res->rows, 50 * 4 * 25);
	for (size_t i = 0; i < m->n; i++) {
		assert_int_equal(m->res->flows[i].status, HY_FLOW_PASS);
		assert_int_equal(m->out[i].npublished, 100);
		for (int64_t r = 0; r < 100; r++)
			assert_int_equal(m->out[i].published[r], (int64_t)i * 1000 + r);
	}
	assert_int_equal(atomic_load(&m->run.max_open_homes), 4);
	assert_int_equal(atomic_load(&m->run.home_opens), 50);
	assert_true(atomic_load(&m->run.finish_overlaps) > 0);
	assert_true(atomic_load(&m->run.max_in_flight) > 4);
	assert_int_equal(atomic_load(&m->run.in_flight), 0);
	assert_true(m->seconds < 2.0);
	many_done(m);
	free(m);
}

static void *cancel_after(void *arg)
{
	struct many *m = arg;

	mem_sleep_ms(300);
	hy_coordinator_cancel(m->c);
	return NULL;
}

/* A fast home that could produce 10,000 batches and a store that sleeps 1 ms
 * per write: the queue holds the home back, so the batches alive at once
 * (produced, not yet written) never exceed queue_size + 2 (one blocked in
 * the push, one in write). Cancelled after 300 ms. */
static void test_bounded_memory(void **state)
{
	struct many m;
	pthread_t t;
	long long produced;

	(void)state;
	many_init(&m, 1, 10000, 2);
	m.spec[0].queue_size = 4;
	m.store[0].slow_write_ms = 1;
	many_create(&m);
	assert_int_equal(pthread_create(&t, NULL, cancel_after, &m), 0);
	many_run(&m);
	pthread_join(t, NULL);
	produced = atomic_load(&m.pipe[0].produced);
	assert_int_equal(m.rc, HY_ECANCELLED);
	assert_true(produced >= 20);  /* it did run */
	assert_true(produced < 2000); /* held back by the store */
	assert_true(atomic_load(&m.pipe[0].max_lead) <= 4 + 2);
	assert_true(m.seconds < 2.0);
	many_done(&m);
}

/* Every flow runs to its end although one fails; without continue_on_error
 * the run reports the first failure, with it the run returns 0 (exit code 1
 * either way, D19). */
static void test_continue_on_error(void **state)
{
	for (int coe = 0; coe < 2; coe++) {
		struct many m;

		many_init(&m, 3, 3, 4);
		m.opts.continue_on_error = coe;
		m.home[0].fail_at = 2;
		m.home[0].fail_code = HY_ECONFIG;
		many_run(&m);
		assert_int_equal(m.rc, coe ? 0 : HY_ECONFIG);
		if (!coe)
			assert_string_equal(m.err.msg, "Flow failed: flow_a, error: home test-mem: "
						       "read failed at batch 2");
		assert_int_equal(m.res->failed, 1);
		assert_int_equal(m.res->passed, 2);
		assert_int_equal(m.out[1].npublished, 12);
		assert_int_equal(m.out[2].npublished, 12);
		assert_int_equal(hy_run_exit_code(m.res), 1);
		(void)state;
		many_done(&m);
	}
}

/* The exact lines of a run with a pass, a skip and a failure (clock fixed).
 * Flow lines come in completion order, which the early slot release leaves
 * open even at concurrency 1: the middle part is checked line by line. */
static void test_run_texts(void **state)
{
	static const char head[] =
		"01:02:03  Starting coordinator with config: Workspace-provided config\n"
		"01:02:03  Running 3 flows with max concurrency of 1\n"
		"01:02:03  [1 of 3] STARTING flow flow_a\n"
		"01:02:03  [2 of 3] STARTING flow flow_b\n"
		"01:02:03  [3 of 3] STARTING flow flow_c\n";
	static const char *const middle[] = {
		"01:02:03  [1 of 3] FINISHED flow flow_a completed in 0.0s (1,234 rows)\n",
		"01:02:03  [2 of 3] SKIPPED flow flow_b .... (no rows)\n",
		"01:02:03  [flow_c] Flow failed: flow_c, error: store test-mem: write failed at "
		"batch 1\n",
		"01:02:03  [3 of 3] FAILED flow flow_c ....\n",
	};
	static const char tail[] = "01:02:03  ⚠️  Some flows need attention\n"
				   "01:02:03  \n"
				   "01:02:03  📊 Summary:\n"
				   "01:02:03     • 1 succeeded, 1 failed, 1 skipped (3 total)\n"
				   "01:02:03     • 1,234 rows processed\n"
				   "01:02:03     • Ran for 0.00 seconds\n"
				   "01:02:03  \n"
				   "01:02:03  ❌ Flows that need attention:\n"
				   "01:02:03     • flow_c\n"
				   "01:02:03       Flow failed: flow_c, error: store test-mem: "
				   "write failed at batch 1\n"
				   "01:02:03  \n"
				   "01:02:03  💡 Next steps:\n"
				   "01:02:03     • Check the error messages above\n"
				   "01:02:03     • Run: hygge debug\n"
				   "01:02:03     • Fix the issues and try again\n"
				   "01:02:03  \n";
	FILE *log = mem_log_capture(HY_LOG_INFO);
	size_t len, want = strlen(head) + strlen(tail);
	struct many m;
	char *text;

	(void)state;
	many_init(&m, 3, 2, 617);
	m.opts.concurrency = 1;
	m.opts.clock = mem_zero_clock;
	m.opts.config_label = "Workspace-provided config";
	m.home[1].nbatches = 0;
	m.store[2].fail_write_at = 1;
	m.store[2].fail_write_code = HY_EIO;
	many_run(&m);
	text = mem_log_take(log);
	len = strlen(text);
	assert_memory_equal(text, head, strlen(head));
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(strstr(text, middle[i]));
		want += strlen(middle[i]);
	}
	assert_int_equal(len, want);
	assert_string_equal(text + len - strlen(tail), tail);
	free(text);
	many_done(&m);
}

/* More than 10 flows: one start line instead of a list. */
static void test_many_flows_start_line(void **state)
{
	FILE *log = mem_log_capture(HY_LOG_INFO);
	struct many m;
	char *text;

	(void)state;
	many_init(&m, 11, 1, 1);
	many_run(&m);
	text = mem_log_take(log);
	assert_non_null(strstr(text, "01:02:03  Running 11 flows with max concurrency of 2\n"
				     "01:02:03  Starting 11 flows with max concurrency of 2\n"));
	assert_null(strstr(text, "STARTING"));
	assert_non_null(strstr(text, "01:02:03  ✨ All done! Your data is cozy and settled.\n"));
	assert_non_null(strstr(text, "01:02:03     • 11 flows completed successfully\n"));
	assert_null(strstr(text, "🏡")); /* more than 10 passed: no list */
	free(text);
	many_done(&m);
}

static char *summary_of(const struct hy_flow_result *flows, size_t n, int64_t rows, double elapsed)
{
	FILE *log = mem_log_capture(HY_LOG_INFO);
	struct hy_run_result r = {.nflows = n, .flows = flows, .rows = rows, .elapsed_s = elapsed};

	for (size_t i = 0; i < n; i++) {
		r.passed += flows[i].status == HY_FLOW_PASS;
		r.skipped += flows[i].status == HY_FLOW_SKIP;
		r.failed += flows[i].status == HY_FLOW_FAIL;
	}
	hy_run_log_summary(&r);
	return mem_log_take(log);
}

/* The narrative summary's branches (behaviour.md §5.3), word for word. */
static void test_summary_texts(void **state)
{
	struct hy_flow_result one[1] = {{.name = "users", .status = HY_FLOW_PASS, .rows = 1234567}};
	struct hy_flow_result mixed[3] = {{.name = "a", .status = HY_FLOW_PASS, .rows = 10},
					  {.name = "b", .status = HY_FLOW_SKIP},
					  {.name = "c", .status = HY_FLOW_PASS, .rows = 5}};
	struct hy_flow_result skips[2] = {{.name = "a", .status = HY_FLOW_SKIP},
					  {.name = "b", .status = HY_FLOW_SKIP}};
	struct hy_flow_result fails[2] = {{.name = "a", .status = HY_FLOW_FAIL},
					  {.name = "b", .status = HY_FLOW_FAIL}};
	char *t;

	(void)state;
	t = summary_of(one, 1, 1234567, 65.5);
	assert_string_equal(t,
			    "01:02:03  \n"
			    "01:02:03  ✨ All done! Your data is home.\n"
			    "01:02:03  \n"
			    "01:02:03  📊 Summary:\n"
			    "01:02:03     • 1 flow completed successfully\n"
			    "01:02:03     • 1,234,567 rows moved to their new home\n"
			    "01:02:03     • Finished in 1 minute and 5.50 seconds (18,848 rows/s)\n"
			    "01:02:03  \n"
			    "01:02:03  🏡 Your data is settled:\n"
			    "01:02:03     ✓ users (1,234,567 rows)\n"
			    "01:02:03  \n");
	free(t);
	t = summary_of(mixed, 3, 15, 0);
	assert_string_equal(t, "01:02:03  \n"
			       "01:02:03  ✨ All done! Your data is cozy and settled.\n"
			       "01:02:03  \n"
			       "01:02:03  📊 Summary:\n"
			       "01:02:03     • 2 completed, 1 skipped (3 total)\n"
			       "01:02:03     • 15 rows moved to their new home\n"
			       "01:02:03     • Finished in 0.00 seconds\n"
			       "01:02:03  \n"
			       "01:02:03  🏡 Your data is settled:\n"
			       "01:02:03     ✓ a (10 rows)\n"
			       "01:02:03     ✓ c (5 rows)\n"
			       "01:02:03  \n");
	free(t);
	t = summary_of(skips, 2, 0, 1.0);
	assert_string_equal(t, "01:02:03  \n"
			       "01:02:03  ✨ All flows skipped - no data moved\n"
			       "01:02:03  \n"
			       "01:02:03  📊 Summary:\n"
			       "01:02:03     • 0 completed, 2 skipped (2 total)\n"
			       "01:02:03     • Finished in 1.00 second\n"
			       "01:02:03  \n");
	free(t);
	hy_error_set(&fails[0].error, HY_EIO, "Flow failed: a, error: boom\nstack");
	hy_error_set(&fails[1].error, HY_ECANCELLED, "cancelled");
	t = summary_of(fails, 2, 0, 3725.25);
	assert_string_equal(t, "01:02:03  ⚠️  Some flows need attention\n"
			       "01:02:03  \n"
			       "01:02:03  📊 Summary:\n"
			       "01:02:03     • 2 failed (2 total)\n"
			       "01:02:03     • Ran for 1 hour, 2 minutes and 5.25 seconds\n"
			       "01:02:03  \n"
			       "01:02:03  ❌ Flows that need attention:\n"
			       "01:02:03     • a\n"
			       "01:02:03       Flow failed: a, error: boom\n"
			       "01:02:03     • b\n"
			       "01:02:03       cancelled\n"
			       "01:02:03  \n"
			       "01:02:03  💡 Next steps:\n"
			       "01:02:03     • Check the error messages above\n"
			       "01:02:03     • Run: hygge debug\n"
			       "01:02:03     • Fix the issues and try again\n"
			       "01:02:03  \n");
	free(t);
}

/* The final summary object of --log-format json. */
static void test_result_json(void **state)
{
	struct hy_flow_result flows[2] = {
		{.name = "a", .status = HY_FLOW_PASS, .rows = 5, .duration_s = 0.25, .attempts = 2},
		{.name = "b\"q", .status = HY_FLOW_FAIL, .attempts = 1}};
	struct hy_run_result r = {
		.nflows = 2, .flows = flows, .passed = 1, .failed = 1, .rows = 5, .elapsed_s = 1.5};
	struct hy_error err = {0};
	struct hy_buf out;

	(void)state;
	strcpy(r.coordinator_run_id, "c0");
	strcpy(flows[0].flow_run_id, "f0");
	strcpy(flows[0].entity_run_id, "e0");
	hy_error_set(&flows[1].error, HY_EIO, "Flow failed: b, error: x\\y\n\t");
	hy_buf_init(&out, 1 << 20);
	assert_int_equal(hy_run_result_json(&r, &out, &err), 0);
	assert_string_equal(
		(const char *)out.data,
		"{\"event\":\"summary\",\"coordinator_run_id\":\"c0\",\"passed\":1,\"failed\":1,"
		"\"skipped\":0,\"total\":2,\"rows\":5,\"elapsed_s\":1.500,\"cancelled\":false,"
		"\"exit_code\":1,\"flows\":[{\"name\":\"a\",\"status\":\"pass\",\"rows\":5,"
		"\"duration_s\":0.250,\"attempts\":2,\"flow_run_id\":\"f0\",\"entity_run_id\":"
		"\"e0\",\"error\":null},{\"name\":\"b\\\"q\",\"status\":\"fail\",\"rows\":0,"
		"\"duration_s\":0.000,\"attempts\":1,\"flow_run_id\":\"\",\"entity_run_id\":\"\","
		"\"error\":\"Flow failed: b, error: x\\\\y\\n\\u0009\"}]}");
	hy_buf_reset(&out);
}

static void test_format_count(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(hy_run_format_count(0, buf), "0");
	assert_string_equal(hy_run_format_count(999, buf), "999");
	assert_string_equal(hy_run_format_count(1000, buf), "1,000");
	assert_string_equal(hy_run_format_count(-1234567, buf), "-1,234,567");
	assert_string_equal(hy_run_format_count(INT64_MIN, buf), "-9,223,372,036,854,775,808");
}

/* A milestone line every 1,000,000 rows across flows. */
static void test_milestones(void **state)
{
	FILE *log = mem_log_capture(HY_LOG_INFO);
	struct many m;
	char *text;

	(void)state;
	many_init(&m, 2, 5, 250000);
	for (size_t i = 0; i < m.n; i++) {
		m.home[i].same_batch = true;
		m.store[i].count_only = true;
	}
	m.opts.clock = mem_zero_clock;
	many_run(&m);
	text = mem_log_take(log);
	assert_int_equal(m.rc, 0);
	assert_int_equal(m.res->rows, 2500000);
	assert_int_equal(m.out[0].npublished + m.out[1].npublished, 2500000);
	assert_non_null(strstr(text, "01:02:03  📊 Milestone: 1,000,000 rows moved in 0.0s (0 "
				     "rows/s)\n"));
	assert_non_null(strstr(text, "01:02:03  📊 Milestone: 2,000,000 rows moved in 0.0s (0 "
				     "rows/s)\n"));
	assert_null(strstr(text, "3,000,000 rows moved"));
	free(text);
	many_done(&m);
}

struct canceller {
	struct many *m;
	int wait_opens;
	int64_t wait_rows;       /* then until this many rows were written */
	struct hy_cancel *token; /* when set: signal the process instead */
	struct hy_flow_progress progress[MAXF];
	struct hy_run_progress totals;
	char threads[1024]; /* names of the process's threads, one per line */
};

/* Appends the name of every thread of the process to `out`. */
static void thread_names(char *out, size_t size)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	size_t len = 0;

	out[0] = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[300], name[32] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(name, sizeof(name), f) != NULL && len + strlen(name) < size) {
			memcpy(out + len, name, strlen(name) + 1);
			len += strlen(name);
		}
		fclose(f);
	}
	closedir(d);
}

static void *cancel_main(void *arg)
{
	struct canceller *k = arg;
	double until = mem_now() + 5;

	while (atomic_load(&k->m->run.home_opens) < k->wait_opens && mem_now() < until)
		mem_sleep_ms(1);
	do {
		mem_sleep_ms(2);
		hy_coordinator_progress(k->m->c, k->progress, MAXF, &k->totals);
	} while (k->totals.rows < k->wait_rows && mem_now() < until);
	thread_names(k->threads, sizeof(k->threads));
	if (k->token != NULL)
		kill(getpid(), SIGUSR1);
	else
		hy_coordinator_cancel(k->m->c);
	return NULL;
}

static void assert_all_cancelled(struct many *m)
{
	assert_int_equal(m->rc, HY_ECANCELLED);
	assert_string_equal(m->err.msg, "cancelled");
	assert_true(m->res->cancelled);
	assert_int_equal(hy_run_exit_code(m->res), 130);
	assert_int_equal(m->res->failed, m->n);
	for (size_t i = 0; i < m->n; i++) {
		assert_int_equal(m->res->flows[i].status, HY_FLOW_FAIL);
		assert_true(m->res->flows[i].cancelled);
		assert_string_equal(m->res->flows[i].error.msg, "cancelled");
		assert_int_equal(m->out[i].aborts, m->out[i].opens); /* staging dropped */
		assert_int_equal(m->out[i].npublished, 0);
	}
	assert_true(m->seconds < 2.0);
}

/* Cancel while two flows are stuck reading and two wait for a slot: every
 * flow ends cancelled, every opened store aborted, nothing published. The
 * progress snapshot taken just before shows two flows extracting. */
static void test_cancel_mid_run(void **state)
{
	struct canceller k = {0};
	pthread_t t;
	struct many m;

	(void)state;
	many_init(&m, 4, 5, 3);
	for (size_t i = 0; i < m.n; i++)
		m.home[i].block_at = 2;
	many_create(&m);
	k.m = &m;
	k.wait_opens = 2;
	k.wait_rows = 6;
	assert_int_equal(pthread_create(&t, NULL, cancel_main, &k), 0);
	many_run(&m);
	pthread_join(t, NULL);
	assert_all_cancelled(&m);
	assert_int_equal(atomic_load(&m.run.store_opens), 2);
	assert_int_equal(atomic_load(&m.run.home_interrupts), 2);
	assert_int_equal(k.totals.nflows, 4);
	assert_int_equal(k.totals.running, 2);
	assert_int_equal(k.totals.waiting, 2);
	assert_int_equal(k.totals.rows, 6); /* one batch of 3 rows in each running flow */
	assert_int_equal(k.progress[0].phase, HY_PHASE_EXTRACTING);
	assert_int_equal(k.progress[0].rows, 3);
	assert_string_equal(k.progress[0].name, "flow_a");
	assert_int_equal(k.progress[3].phase, HY_PHASE_WAITING);
	/* Named threads: each running flow's own, reader and writer. */
	assert_non_null(strstr(k.threads, "hy-flow-1\n"));
	assert_non_null(strstr(k.threads, "hy-flow-1-rd\n"));
	assert_non_null(strstr(k.threads, "hy-flow-2-wr\n"));
	assert_null(strstr(k.threads, "hy-flow-3"));
	assert_int_equal(hy_coordinator_progress(m.c, k.progress, MAXF, &k.totals), 4);
	assert_int_equal(k.totals.done, 4);
	assert_int_equal(k.progress[0].phase, HY_PHASE_DONE);
	assert_int_equal(k.progress[0].status, HY_FLOW_FAIL);
	many_done(&m);
}

static struct hy_cancel *signal_token;

static void on_signal(int sig)
{
	(void)sig;
	hy_cancel_request(signal_token);
}

/* The signal path: a handler calls hy_cancel_request(); the watcher cancels. */
static void test_cancel_by_signal(void **state)
{
	struct sigaction sa = {0}, old;
	struct canceller k = {0};
	struct hy_error err = {0};
	pthread_t t;
	struct many m;

	(void)state;
	assert_int_equal(hy_cancel_create(&signal_token, &err), 0);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	many_init(&m, 3, 5, 3);
	m.opts.cancel = signal_token;
	for (size_t i = 0; i < m.n; i++)
		m.home[i].block_at = 3;
	many_create(&m);
	k.m = &m;
	k.wait_opens = 2;
	k.token = signal_token;
	assert_int_equal(pthread_create(&t, NULL, cancel_main, &k), 0);
	many_run(&m);
	pthread_join(t, NULL);
	assert_all_cancelled(&m);
	assert_non_null(strstr(k.threads, "hy-cancel\n"));
	assert_int_equal(hy_cancel_requests(signal_token), 1);
	assert_int_equal(hy_cancel_request(signal_token), 2); /* a second Ctrl-C: the CLI exits */
	many_done(&m);
	sigaction(SIGUSR1, &old, NULL);
	hy_cancel_destroy(signal_token);
	signal_token = NULL;
}

/* A token cancelled before the run: nothing starts. */
static void test_cancel_before_run(void **state)
{
	struct hy_cancel *token = NULL;
	struct hy_error err = {0};
	struct many m;

	(void)state;
	assert_int_equal(hy_cancel_create(&token, &err), 0);
	hy_cancel_request(token);
	many_init(&m, 3, 5, 3);
	m.opts.cancel = token;
	many_run(&m);
	assert_int_equal(m.rc, HY_ECANCELLED);
	assert_int_equal(m.res->failed, 3);
	assert_int_equal(atomic_load(&m.run.store_opens), 0);
	many_done(&m);
	hy_cancel_destroy(token);
}

/* A cancel during a retry wait ends the wait at once. */
static void test_cancel_during_retry_wait(void **state)
{
	struct canceller k = {0};
	pthread_t t;
	struct many m;

	(void)state;
	many_init(&m, 1, 5, 3);
	m.opts.retry = (struct hy_retry_policy){3, 60000, 2, 60000};
	m.home[0].fail_at = 2;
	m.home[0].fail_code = HY_ECONNECT;
	many_create(&m);
	k.m = &m;
	k.wait_opens = 1;
	assert_int_equal(pthread_create(&t, NULL, cancel_main, &k), 0);
	many_run(&m);
	pthread_join(t, NULL);
	assert_all_cancelled(&m);
	assert_int_equal(m.res->flows[0].attempts, 1);
	many_done(&m);
}

static void test_bad_arguments(void **state)
{
	struct hy_flow_spec spec = {.name = "x", .home_type = MEM_TYPE};
	struct hy_coordinator *c = NULL;
	struct hy_error err = {0};
	struct many m;

	(void)state;
	assert_int_equal(hy_coordinator_create(&spec, 0, NULL, &c, &err), HY_EINVAL);
	hy_error_init(&err);
	assert_int_equal(hy_coordinator_create(&spec, 1, NULL, &c, &err), HY_EINVAL);
	assert_string_equal(err.msg, "flow x needs a home type and a store type");
	assert_null(c);
	many_init(&m, 1, 1, 1);
	many_run(&m);
	assert_int_equal(m.rc, 0);
	hy_error_init(&err);
	assert_int_equal(hy_coordinator_run(m.c, &err), HY_ESTATE);
	many_done(&m);
}

/* Allocation failures in hy_coordinator_create: clean HY_ENOMEM, no leak. */
static void test_create_alloc_failures(void **state)
{
	struct many m;
	int rc = 0;

	(void)state;
	many_init(&m, 3, 1, 1);
	m.opts.config_label = "hygge.yml";
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_coordinator *c = NULL;
		struct hy_error e = {0};

		rc = hy_coordinator_create(m.spec, m.n, &m.opts, &c, &e);
		hy_coordinator_destroy(c);
	});
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrency_limit),
		cmocka_unit_test(test_slot_released_before_finish),
		cmocka_unit_test(test_fifty_flows),
		cmocka_unit_test(test_bounded_memory),
		cmocka_unit_test(test_continue_on_error),
		cmocka_unit_test(test_run_texts),
		cmocka_unit_test(test_many_flows_start_line),
		cmocka_unit_test(test_summary_texts),
		cmocka_unit_test(test_format_count),
		cmocka_unit_test(test_result_json),
		cmocka_unit_test(test_milestones),
		cmocka_unit_test(test_cancel_mid_run),
		cmocka_unit_test(test_cancel_by_signal),
		cmocka_unit_test(test_cancel_before_run),
		cmocka_unit_test(test_cancel_during_retry_wait),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_create_alloc_failures),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
