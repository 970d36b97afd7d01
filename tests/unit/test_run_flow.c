/* One flow through the coordinator: rows in order, buffering, the queue
 * bound, failures on either side, retries, the extraction timeout, finish. */
#include "run_fixture.h"

struct one {
	struct mem_home_cfg home;
	struct mem_store_cfg store;
	struct mem_store_out out;
	struct mem_pipe pipe;
	struct mem_run run;
	struct hy_flow_spec spec;
	struct hy_run_options opts;
	struct hy_coordinator *c;
	int rc;
	struct hy_error err;
	const struct hy_run_result *res;
	const struct hy_flow_result *flow;
	double seconds; /* wall time of the run */
};

static void one_init(struct one *o, int nbatches, int64_t rows)
{
	memset(o, 0, sizeof(*o));
	mem_register();
	o->home = (struct mem_home_cfg){
		.nbatches = nbatches, .rows = rows, .pipe = &o->pipe, .run = &o->run};
	o->store = (struct mem_store_cfg){.pipe = &o->pipe, .run = &o->run, .out = &o->out};
	o->spec = (struct hy_flow_spec){.name = "users",
					.home_type = MEM_TYPE,
					.home_config = &o->home,
					.store_type = MEM_TYPE,
					.store_config = &o->store};
	o->opts.retry = mem_fast_retry;
	o->opts.coordinator_name = "proj";
}

static void one_run(struct one *o)
{
	double t0 = mem_now();

	assert_int_equal(hy_coordinator_create(&o->spec, 1, &o->opts, &o->c, &o->err), 0);
	o->rc = hy_coordinator_run(o->c, &o->err);
	o->seconds = mem_now() - t0;
	o->res = hy_coordinator_result(o->c);
	o->flow = &o->res->flows[0];
	assert_int_equal(o->res->nflows, 1);
	/* Whatever happened: the store was closed and nothing stayed staged. */
	assert_int_equal(o->out.closes, o->out.opens - (o->store.fail_open_code != 0));
	assert_int_equal(o->out.staged_left, 0);
}

static void one_done(struct one *o)
{
	hy_coordinator_destroy(o->c);
	mem_out_free(&o->out);
}

static void assert_published_ids(const struct one *o, int64_t n)
{
	assert_int_equal(o->out.npublished, n);
	for (int64_t i = 0; i < n; i++)
		assert_int_equal(o->out.published[i], i);
}

/* Rows arrive once, in order; chunks of exactly batch_size but the last. */
static void test_rows_in_order(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 20, 37);
	o.store.batch_size = 100;
	one_run(&o);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.flow->status, HY_FLOW_PASS);
	assert_int_equal(o.flow->rows, 740);
	assert_int_equal(o.flow->attempts, 1);
	assert_published_ids(&o, 740);
	assert_int_equal(o.out.nchunks, 8);
	for (int i = 0; i < 7; i++)
		assert_int_equal(o.out.chunk_rows[i], 100);
	assert_int_equal(o.out.chunk_rows[7], 40);
	assert_int_equal(o.out.aborts, 0);
	assert_int_equal(o.out.finishes, 1);
	assert_int_equal(o.res->passed, 1);
	assert_int_equal(o.res->rows, 740);
	assert_int_equal(hy_run_exit_code(o.res), 0);
	assert_int_equal(strlen(o.res->coordinator_run_id), HY_RUN_ID_LEN);
	assert_int_equal(strlen(o.flow->flow_run_id), HY_RUN_ID_LEN);
	assert_int_equal(strlen(o.flow->entity_run_id), HY_RUN_ID_LEN);
	assert_string_equal(hy_flow_status_name(o.flow->status), "pass");
	one_done(&o);
}

/* Run ids follow behaviour.md §3.1 from the given start instant. */
static void test_run_ids(void **state)
{
	char want[HY_RUN_ID_LEN + 1];
	struct hy_error err = {0};
	struct one o;

	(void)state;
	one_init(&o, 1, 1);
	o.spec.base_flow = "users_flow";
	o.opts.start_utc_micros = 1764205323000000;
	one_run(&o);
	assert_int_equal(hy_run_id_coordinator("proj", "2025-11-27T01:02:03+00:00", want, &err), 0);
	assert_string_equal(o.res->coordinator_run_id, want);
	assert_int_equal(
		hy_run_id_flow("proj", "users_flow", "2025-11-27T01:02:03+00:00", want, &err), 0);
	assert_string_equal(o.flow->flow_run_id, want);
	one_done(&o);
}

/* No rows: skip, and finish still ran (a store decides what an empty run means). */
static void test_zero_rows_skip(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 0, 10);
	one_run(&o);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.flow->status, HY_FLOW_SKIP);
	assert_int_equal(o.out.finishes, 1);
	assert_int_equal(o.res->skipped, 1);
	assert_int_equal(hy_run_exit_code(o.res), 0);
	one_done(&o);
}

/* A slow store: the producer runs ahead by at most queue_size batches (plus
 * the one it holds and the one the consumer holds), and does reach it. */
static void test_queue_bound(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 40, 5);
	o.spec.queue_size = 3;
	o.store.slow_write_ms = 2;
	one_run(&o);
	assert_int_equal(o.rc, 0);
	assert_published_ids(&o, 200);
	assert_true(atomic_load(&o.pipe.max_lead) <= 3 + 2);
	assert_true(atomic_load(&o.pipe.max_lead) >= 3);
	one_done(&o);
}

/* D4: a store failure stops an endless producer at once; the store aborts. */
static void test_store_failure_stops_producer(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 1000000000, 10);
	o.store.fail_write_at = 3;
	o.store.fail_write_code = HY_EIO;
	o.spec.queue_size = 4;
	one_run(&o);
	assert_int_equal(o.rc, HY_EIO);
	assert_string_equal(o.err.msg,
			    "Flow failed: users, error: store test-mem: write failed at batch 3");
	assert_int_equal(o.flow->status, HY_FLOW_FAIL);
	assert_string_equal(o.flow->error.msg, o.err.msg);
	assert_int_equal(o.flow->attempts, 1); /* HY_EIO is terminal */
	assert_true(o.seconds < 1.0);
	assert_true(atomic_load(&o.pipe.produced) <= 3 + 4 + 2);
	assert_int_equal(o.out.aborts, 1);
	assert_int_equal(o.out.npublished, 0);
	assert_int_equal(hy_run_exit_code(o.res), 1);
	one_done(&o);
}

/* A transient home failure is retried; the store was reset, so no row is
 * duplicated. The retry lines are logged. */
static void test_transient_retried(void **state)
{
	FILE *log = mem_log_capture(HY_LOG_INFO);
	char *text;
	struct one o;

	(void)state;
	one_init(&o, 10, 7);
	o.store.batch_size = 4;
	o.home.fail_at = 6;
	o.home.fail_code = HY_ECONNECT;
	o.home.fail_attempts = 1;
	one_run(&o);
	text = mem_log_take(log);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.flow->status, HY_FLOW_PASS);
	assert_int_equal(o.flow->attempts, 2);
	assert_int_equal(o.out.aborts, 1);
	assert_int_equal(o.out.opens, 1); /* the store is reused, the home reopened */
	assert_int_equal(atomic_load(&o.run.home_opens), 2);
	assert_published_ids(&o, 70);
	assert_int_equal(o.flow->rows, 70);
	assert_non_null(strstr(text, "01:02:03  [users] Retrying flow users in 0.0 seconds as it "
				     "failed: home test-mem: read failed at batch 6\n"));
	assert_non_null(strstr(text, "01:02:03  [users] Preparing for retry 1 of flow users: "
				     "cleaning up staging and resetting state\n"));
	free(text);
	one_done(&o);
}

/* Transient every time: 3 attempts, then the flow fails. */
static void test_transient_exhausted(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 10, 7);
	o.store.fail_write_at = 2;
	o.store.fail_write_code = HY_ETIMEOUT;
	one_run(&o);
	assert_int_equal(o.rc, HY_ETIMEOUT);
	assert_int_equal(o.flow->attempts, 3);
	assert_int_equal(o.out.aborts, 3);
	assert_int_equal(o.out.npublished, 0);
	assert_string_equal(o.flow->error.msg,
			    "Flow failed: users, error: store test-mem: write failed at batch 2");
	one_done(&o);
}

/* Terminal: no retry. */
static void test_terminal_not_retried(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 10, 7);
	o.home.fail_at = 2;
	o.home.fail_code = HY_ECONFIG;
	one_run(&o);
	assert_int_equal(o.rc, HY_ECONFIG);
	assert_int_equal(o.flow->attempts, 1);
	assert_int_equal(atomic_load(&o.run.home_opens), 1);
	assert_int_equal(o.out.aborts, 1);
	assert_string_equal(o.flow->error.msg,
			    "Flow failed: users, error: home test-mem: read failed at batch 2");
	one_done(&o);
}

/* A store that cannot connect the first time: retried, then fine. */
static void test_store_open_retried(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 3, 3);
	o.store.fail_open_code = HY_ECONNECT;
	one_run(&o);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.flow->attempts, 2);
	assert_int_equal(o.out.opens, 2);
	assert_published_ids(&o, 9);
	one_done(&o);
}

/* D6: a home stuck in a read is interrupted at the timeout; not retried. */
static void test_timeout(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 10, 7);
	o.home.block_at = 3;
	o.spec.timeout_s = 0.2;
	one_run(&o);
	assert_int_equal(o.rc, HY_ETIMEOUT);
	assert_string_equal(o.flow->error.msg, "Flow failed: users, error: Operation "
					       "_execute_flow timed out after 0.2 seconds");
	assert_int_equal(o.flow->attempts, 1);
	assert_int_equal(atomic_load(&o.run.home_interrupts), 1);
	assert_int_equal(o.out.aborts, 1);
	assert_int_equal(o.out.npublished, 0);
	assert_true(o.seconds < 1.5);
	one_done(&o);
}

/* A store stuck in a write is interrupted at the timeout too. */
static void test_timeout_in_store(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 10, 7);
	o.store.block_write_at = 2;
	o.spec.timeout_s = 0.1;
	one_run(&o);
	assert_int_equal(o.rc, HY_ETIMEOUT);
	assert_int_equal(atomic_load(&o.run.store_interrupts), 1);
	assert_int_equal(o.out.aborts, 1);
	one_done(&o);
}

/* finish fails: post-extraction message, staging dropped, not retried. */
static void test_finish_failure(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 3, 3);
	o.store.fail_finish_code = HY_EIO;
	one_run(&o);
	assert_int_equal(o.rc, HY_EIO);
	assert_string_equal(o.flow->error.msg,
			    "Flow post-extraction failed: users, error: store test-mem: publish "
			    "failed");
	assert_int_equal(o.flow->attempts, 1);
	assert_int_equal(o.out.aborts, 1);
	assert_int_equal(o.out.npublished, 0);
	one_done(&o);
}

static void test_unknown_type(void **state)
{
	struct one o;

	(void)state;
	one_init(&o, 3, 3);
	o.spec.store_type = "nope";
	one_run(&o);
	assert_int_equal(o.rc, HY_ECONFIG);
	assert_string_equal(o.flow->error.msg,
			    "Flow failed: users, error: unknown store type 'nope'");
	one_done(&o);
}

/* Allocation failures anywhere in a run (coordinator, flow, queue, home,
 * store): a clean HY_ENOMEM, nothing leaked, nothing published. */
static void test_alloc_failures(void **state)
{
	int rc = 0;

	(void)state;
	mem_register();
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct one o;
		struct hy_coordinator *c = NULL;
		struct hy_error e = {0};

		one_init(&o, 3, 4);
		o.store.batch_size = 5;
		rc = hy_coordinator_create(&o.spec, 1, &o.opts, &c, &e);
		if (rc == 0) {
			rc = hy_coordinator_run(c, &e);
			if (rc == 0)
				assert_published_ids(&o, 12);
			else
				assert_int_equal(o.out.npublished, 0);
		}
		hy_coordinator_destroy(c);
		mem_out_free(&o.out);
	});
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_in_order),
		cmocka_unit_test(test_run_ids),
		cmocka_unit_test(test_zero_rows_skip),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_store_failure_stops_producer),
		cmocka_unit_test(test_transient_retried),
		cmocka_unit_test(test_transient_exhausted),
		cmocka_unit_test(test_terminal_not_retried),
		cmocka_unit_test(test_store_open_retried),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_in_store),
		cmocka_unit_test(test_finish_failure),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_alloc_failures),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
