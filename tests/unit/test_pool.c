/* Thread pool and task groups: every task runs once, first error wins,
 * nested waits, concurrent groups, cancellation, draining destroy, thread
 * names. Runs under TSan too. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hy_test.h"
#include "hygge/pool.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Spins (politely) until *flag is set; fails the test after 60 s. */
static void await_flag(atomic_int *flag, int value)
{
	long give_up = now_ms() + 60000; /* a hang bound, not a timing claim */

	while (atomic_load(flag) < value) {
		assert_true(now_ms() < give_up);
		sleep_ms(1);
	}
}

/* Tasks poll a gate the same way but cannot fail the test from a worker. */
static bool gate_wait(atomic_int *gate)
{
	long give_up = now_ms() + 60000; /* a hang bound, not a timing claim */

	while (atomic_load(gate) == 0) {
		if (now_ms() > give_up)
			return false;
		sleep_ms(1);
	}
	return true;
}

#define MANY 10000

struct counters {
	atomic_int total;
	atomic_int runs[MANY];
};

struct slot {
	struct counters *c;
	int index;
};

static int count_task(void *arg, struct hy_error *err)
{
	struct slot *s = arg;

	(void)err;
	atomic_fetch_add(&s->c->runs[s->index], 1);
	atomic_fetch_add(&s->c->total, 1);
	return 0;
}

static void test_every_task_runs_once(void **state)
{
	struct counters *c = calloc(1, sizeof(*c));
	struct slot *slots = calloc(MANY, sizeof(*slots));
	struct hy_error err = {0};
	struct hy_pool_group group;
	struct hy_pool *pool;

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 4, "hy-test", &err), 0);
	assert_int_equal(hy_pool_nthreads(pool), 4);
	hy_pool_group_init(&group, pool, 0);
	for (int i = 0; i < MANY; i++) {
		slots[i] = (struct slot){c, i};
		assert_int_equal(hy_pool_submit(pool, &group, count_task, &slots[i], &err), 0);
	}
	assert_int_equal(hy_pool_group_wait(&group, &err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(atomic_load(&c->total), MANY);
	for (int i = 0; i < MANY; i++)
		assert_int_equal(atomic_load(&c->runs[i]), 1);
	/* A group with nothing in it is done at once. */
	hy_pool_group_init(&group, pool, 0);
	assert_int_equal(hy_pool_group_wait(&group, &err), 0);
	hy_pool_destroy(pool);
	free(slots);
	free(c);
}

struct fail_arg {
	atomic_int *ran;
	int code; /* 0 = succeed */
	const char *msg;
};

static int maybe_fail_task(void *arg, struct hy_error *err)
{
	struct fail_arg *a = arg;
	int rc = 0;

	if (a->code != 0)
		rc = a->msg ? hy_error_set(err, a->code, "%s", a->msg) : a->code;
	atomic_fetch_add(a->ran, 1);
	return rc;
}

/* One worker and a waiter that does not help before it waits: tasks run in
 * submission order, so the first failure submitted is the first recorded. */
static void test_group_wait_returns_first_error(void **state)
{
	struct hy_error err = {0};
	struct hy_pool_group group;
	struct hy_pool *pool;
	atomic_int ran = 0;
	struct fail_arg args[6] = {
		{&ran, 0, NULL},         {&ran, HY_EIO, "disk on fire"},
		{&ran, 0, NULL},         {&ran, HY_EFORMAT, "bad page"},
		{&ran, HY_ELIMIT, NULL}, {&ran, 0, NULL},
	};

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 1, "hy-err", &err), 0);
	hy_pool_group_init(&group, pool, 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(hy_pool_submit(pool, &group, maybe_fail_task, &args[i], &err), 0);
	await_flag(&ran, 6);
	assert_int_equal(hy_pool_group_wait(&group, &err), HY_EIO);
	assert_int_equal(err.code, HY_EIO);
	assert_string_equal(err.msg, "disk on fire");
	assert_true(hy_pool_group_failed(&group));
	assert_int_equal(hy_pool_group_skipped(&group), 0); /* no cancel flag: all ran */
	/* The caller's own earlier error is never overwritten. */
	hy_error_init(&err);
	hy_error_set(&err, HY_ECONFIG, "mine");
	hy_pool_group_init(&group, pool, 0);
	assert_int_equal(hy_pool_submit(pool, &group, maybe_fail_task, &args[4], &err), 0);
	assert_int_equal(hy_pool_group_wait(&group, &err), HY_ELIMIT);
	assert_string_equal(err.msg, "mine");
	/* A task that fails without a message still gets one. */
	hy_error_init(&err);
	hy_pool_group_init(&group, pool, 0);
	assert_int_equal(hy_pool_submit(pool, &group, maybe_fail_task, &args[4], &err), 0);
	assert_int_equal(hy_pool_group_wait(&group, &err), HY_ELIMIT);
	assert_non_null(strstr(err.msg, "without a message"));
	hy_pool_destroy(pool);
}

struct nest {
	struct hy_pool *pool;
	atomic_int inner_runs;
	atomic_int outer_ok;
};

static int inner_task(void *arg, struct hy_error *err)
{
	struct nest *n = arg;

	(void)err;
	atomic_fetch_add(&n->inner_runs, 1);
	return 0;
}

/* Submits subtasks into its own group and waits for them from a worker. */
static int outer_task(void *arg, struct hy_error *err)
{
	struct nest *n = arg;
	struct hy_pool_group group;

	hy_pool_group_init(&group, n->pool, 0);
	for (int i = 0; i < 200; i++)
		HY_TRY(hy_pool_submit(n->pool, &group, inner_task, n, err));
	HY_TRY(hy_pool_group_wait(&group, err));
	atomic_fetch_add(&n->outer_ok, 1);
	return 0;
}

static void nested(size_t nthreads)
{
	struct nest n = {0};
	struct hy_error err = {0};
	struct hy_pool_group group;

	assert_int_equal(hy_pool_create(&n.pool, nthreads, "hy-nest", &err), 0);
	hy_pool_group_init(&group, n.pool, 0);
	/* More outer tasks than threads and than ring slots: every worker ends up
	 * waiting inside a task while more tasks are queued. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(hy_pool_submit(n.pool, &group, outer_task, &n, &err), 0);
	assert_int_equal(hy_pool_group_wait(&group, &err), 0);
	assert_int_equal(atomic_load(&n.outer_ok), 100);
	assert_int_equal(atomic_load(&n.inner_runs), 100 * 200);
	hy_pool_destroy(n.pool);
}

static void test_nested_wait_does_not_deadlock_one_thread(void **state)
{
	(void)state;
	nested(1);
}

static void test_nested_wait_does_not_deadlock(void **state)
{
	(void)state;
	nested(3);
}

#define GROUPS    4
#define PER_GROUP 2000

struct group_run {
	struct hy_pool *pool;
	int id;
	atomic_long sum;
	int rc;
	struct hy_error err;
};

static int add_task(void *arg, struct hy_error *err)
{
	struct group_run *g = arg;

	long n = atomic_fetch_add(&g->sum, 1) + 1;

	if (g->id % 2 == 1 && n == PER_GROUP / 2)
		return hy_error_set(err, HY_EIO, "group %d failed", g->id);
	return 0;
}

static void *group_thread(void *arg)
{
	struct group_run *g = arg;
	struct hy_pool_group group;

	hy_pool_group_init(&group, g->pool, 0);
	for (int i = 0; i < PER_GROUP; i++)
		if (hy_pool_submit(g->pool, &group, add_task, g, &g->err) != 0)
			return NULL;
	g->rc = hy_pool_group_wait(&group, &g->err);
	return NULL;
}

/* Several threads each run a group on one shared pool; each group sees only
 * its own tasks and its own failure. */
static void test_several_groups_concurrently(void **state)
{
	struct group_run runs[GROUPS];
	struct hy_error err = {0};
	struct hy_pool *pool;
	pthread_t t[GROUPS];
	char want[64];

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 2, "hy-groups", &err), 0);
	memset(runs, 0, sizeof(runs));
	for (int i = 0; i < GROUPS; i++) {
		runs[i].pool = pool;
		runs[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, group_thread, &runs[i]), 0);
	}
	for (int i = 0; i < GROUPS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < GROUPS; i++) {
		assert_int_equal(atomic_load(&runs[i].sum), PER_GROUP);
		if (i % 2 == 0) {
			assert_int_equal(runs[i].rc, 0);
			assert_int_equal(runs[i].err.code, 0);
		} else {
			snprintf(want, sizeof(want), "group %d failed", i);
			assert_int_equal(runs[i].rc, HY_EIO);
			assert_string_equal(runs[i].err.msg, want);
		}
	}
	hy_pool_destroy(pool);
}

struct cancel {
	atomic_int gate;
	atomic_int ran;
};

static int gated_failure(void *arg, struct hy_error *err)
{
	struct cancel *c = arg;

	if (!gate_wait(&c->gate))
		return hy_error_set(err, HY_ETIMEOUT, "gate never opened");
	return hy_error_set(err, HY_EFORMAT, "first task failed");
}

static int count_run(void *arg, struct hy_error *err)
{
	struct cancel *c = arg;

	(void)err;
	atomic_fetch_add(&c->ran, 1);
	return 0;
}

/* With HY_POOL_GROUP_CANCEL_ON_ERROR, tasks queued behind a failure and tasks
 * submitted after it are skipped; without the flag they all run. */
static void test_cancel_on_error_skips_later_tasks(void **state)
{
	struct cancel c = {0};
	struct hy_error err = {0};
	struct hy_pool_group group;
	struct hy_pool *pool;

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 1, "hy-cancel", &err), 0);
	hy_pool_group_init(&group, pool, HY_POOL_GROUP_CANCEL_ON_ERROR);
	assert_int_equal(hy_pool_submit(pool, &group, gated_failure, &c, &err), 0);
	for (int i = 0; i < 9; i++) /* queued behind the blocked worker */
		assert_int_equal(hy_pool_submit(pool, &group, count_run, &c, &err), 0);
	atomic_store(&c.gate, 1);
	{
		long give_up = now_ms() + 60000; /* a hang bound, not a timing claim */

		while (!hy_pool_group_failed(&group)) {
			assert_true(now_ms() < give_up);
			sleep_ms(1);
		}
	}
	for (int i = 0; i < 5; i++) /* after the failure: never queued */
		assert_int_equal(hy_pool_submit(pool, &group, count_run, &c, &err), 0);
	assert_int_equal(hy_pool_group_wait(&group, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "first task failed");
	assert_int_equal(atomic_load(&c.ran), 0);
	assert_int_equal(hy_pool_group_skipped(&group), 14);
	hy_pool_destroy(pool);
}

struct drain {
	atomic_int gate;
	atomic_int ran;
};

static int drain_gate(void *arg, struct hy_error *err)
{
	struct drain *d = arg;

	(void)err;
	gate_wait(&d->gate);
	atomic_fetch_add(&d->ran, 1);
	return 0;
}

static int drain_count(void *arg, struct hy_error *err)
{
	struct drain *d = arg;

	(void)err;
	atomic_fetch_add(&d->ran, 1);
	return 0;
}

static void *open_gate_later(void *arg)
{
	struct drain *d = arg;

	sleep_ms(30);
	atomic_store(&d->gate, 1);
	return NULL;
}

/* Destroy while tasks are still queued: they all run before the join. */
static void test_destroy_runs_queued_tasks(void **state)
{
	struct drain d = {0};
	struct hy_error err = {0};
	struct hy_pool *pool;
	pthread_t t;

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 1, "hy-drain", &err), 0);
	assert_int_equal(hy_pool_submit(pool, NULL, drain_gate, &d, &err), 0);
	for (int i = 0; i < 50; i++) /* fits the ring: all queued, none inline */
		assert_int_equal(hy_pool_submit(pool, NULL, drain_count, &d, &err), 0);
	assert_true(atomic_load(&d.ran) == 0);
	assert_int_equal(pthread_create(&t, NULL, open_gate_later, &d), 0);
	hy_pool_destroy(pool);
	assert_int_equal(atomic_load(&d.ran), 51);
	assert_int_equal(pthread_join(t, NULL), 0);
}

struct names {
	atomic_int arrived;
	char name[2][32];
};

struct name_arg {
	struct names *n;
	int slot;
};

static int record_name(void *arg, struct hy_error *err)
{
	struct name_arg *a = arg;
	long give_up = now_ms() + 60000; /* a hang bound, not a timing claim */

	(void)err;
	pthread_getname_np(pthread_self(), a->n->name[a->slot], sizeof(a->n->name[a->slot]));
	atomic_fetch_add(&a->n->arrived, 1);
	/* Hold this worker until the other one has its task too. */
	while (atomic_load(&a->n->arrived) < 2 && now_ms() < give_up)
		sleep_ms(1);
	return 0;
}

static void test_threads_are_named(void **state)
{
	struct names n = {0};
	struct name_arg args[2] = {{&n, 0}, {&n, 1}};
	struct hy_error err = {0};
	struct hy_pool *pool;
	char name[32];

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 2, "hy-name", &err), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(hy_pool_submit(pool, NULL, record_name, &args[i], &err), 0);
	await_flag(&n.arrived, 2);
	hy_pool_destroy(pool);
	assert_true((strcmp(n.name[0], "hy-name-0") == 0 && strcmp(n.name[1], "hy-name-1") == 0) ||
		    (strcmp(n.name[0], "hy-name-1") == 0 && strcmp(n.name[1], "hy-name-0") == 0));
	/* A long prefix is cut so the number still shows. */
	memset(&n, 0, sizeof(n));
	atomic_store(&n.arrived, 1);
	assert_int_equal(hy_pool_create(&pool, 1, "hygge-decode-pool", &err), 0);
	assert_int_equal(hy_pool_submit(pool, NULL, record_name, &args[0], &err), 0);
	await_flag(&n.arrived, 2);
	hy_pool_destroy(pool);
	strcpy(name, n.name[0]);
	assert_string_equal(name, "hygge-decode-0");
}

static void test_default_size_is_online_cpus(void **state)
{
	struct hy_error err = {0};
	struct hy_pool *pool;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	assert_int_equal(hy_pool_create(&pool, 0, NULL, &err), 0);
	assert_int_equal(hy_pool_nthreads(pool), cpus < 1 ? 1 : cpus);
	hy_pool_destroy(pool);
	assert_int_equal(hy_pool_create(&pool, HY_POOL_MAX_THREADS + 1, NULL, &err), HY_EINVAL);
	assert_null(pool);
	hy_pool_destroy(NULL);
}

static void test_bad_submit(void **state)
{
	struct hy_error err = {0};
	struct hy_pool_group group;
	struct hy_pool *a, *b;

	(void)state;
	assert_int_equal(hy_pool_create(&a, 1, "hy-a", &err), 0);
	assert_int_equal(hy_pool_create(&b, 1, "hy-b", &err), 0);
	hy_pool_group_init(&group, a, 0);
	assert_int_equal(hy_pool_submit(b, &group, count_task, NULL, &err), HY_EINVAL);
	assert_int_equal(hy_pool_submit(a, &group, NULL, NULL, &err), HY_EINVAL);
	assert_int_equal(hy_pool_group_wait(&group, &err), 0);
	hy_pool_destroy(a);
	hy_pool_destroy(b);
}

static void test_create_under_alloc_failure(void **state)
{
	struct hy_error err;
	struct hy_pool *pool;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_pool_create(&pool, 2, "hy-inject", &err);
		if (rc == 0) {
			hy_pool_destroy(pool);
		} else {
			assert_null(pool);
			assert_int_equal(err.code, HY_ENOMEM);
		}
	});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_every_task_runs_once),
	cmocka_unit_test(test_group_wait_returns_first_error),
	cmocka_unit_test(test_nested_wait_does_not_deadlock_one_thread),
	cmocka_unit_test(test_nested_wait_does_not_deadlock),
	cmocka_unit_test(test_several_groups_concurrently),
	cmocka_unit_test(test_cancel_on_error_skips_later_tasks),
	cmocka_unit_test(test_destroy_runs_queued_tasks),
	cmocka_unit_test(test_threads_are_named),
	cmocka_unit_test(test_default_size_is_online_cpus),
	cmocka_unit_test(test_bad_submit),
	cmocka_unit_test(test_create_under_alloc_failure),
};
HY_TEST_MAIN(tests)
