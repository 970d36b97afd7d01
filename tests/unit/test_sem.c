/* Counting semaphore: never more holders than permits, try/timed acquire,
 * release wakes a waiter, shutdown wakes them all. Runs under TSan too. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "hy_test.h"
#include "hygge/sem.h"

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

static void *join_bounded(pthread_t t)
{
	struct timespec deadline;
	void *ret = NULL;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 60; /* a bound against hangs, not a timing claim */
	assert_int_equal(pthread_timedjoin_np(t, &ret, &deadline), 0);
	return ret;
}

#define PERMITS 3
#define THREADS 8
#define ROUNDS  2000

struct contention {
	struct hy_sem *sem;
	atomic_int holders;
	atomic_int max_holders;
	atomic_long acquired;
};

static void note_max(atomic_int *max, int now)
{
	int seen = atomic_load(max);

	while (now > seen && !atomic_compare_exchange_weak(max, &seen, now))
		;
}

static void *hammer(void *arg)
{
	struct contention *c = arg;
	struct hy_error err = {0};

	for (int i = 0; i < ROUNDS; i++) {
		int rc = i % 4 == 3 ? hy_sem_acquire_timed(c->sem, 60000, &err)
				    : hy_sem_acquire(c->sem, &err);

		if (rc != 0)
			return (void *)1;
		note_max(&c->max_holders, atomic_fetch_add(&c->holders, 1) + 1);
		atomic_fetch_add(&c->acquired, 1);
		if (i % 8 == 0)
			sched_yield(); /* hold it a little longer now and then */
		atomic_fetch_sub(&c->holders, 1);
		hy_sem_release(c->sem);
	}
	return NULL;
}

static void test_never_more_holders_than_permits(void **state)
{
	struct contention c = {0};
	struct hy_error err = {0};
	pthread_t t[THREADS];

	(void)state;
	assert_int_equal(hy_sem_create(&c.sem, PERMITS, &err), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &c), 0);
	for (int i = 0; i < THREADS; i++)
		assert_null(join_bounded(t[i]));
	assert_true(atomic_load(&c.max_holders) >= 1);
	assert_true(atomic_load(&c.max_holders) <= PERMITS);
	assert_int_equal(atomic_load(&c.acquired), (long)THREADS * ROUNDS);
	assert_int_equal(atomic_load(&c.holders), 0);
	assert_int_equal(hy_sem_available(c.sem), PERMITS);
	hy_sem_destroy(c.sem);
}

struct together {
	struct hy_sem *sem;
	atomic_int holding;
	atomic_int release;
};

static void *hold_until_told(void *arg)
{
	struct together *g = arg;
	struct hy_error err = {0};
	long give_up = now_ms() + 60000; /* a hang bound, not a timing claim */

	if (hy_sem_acquire(g->sem, &err) != 0)
		return (void *)1;
	atomic_fetch_add(&g->holding, 1);
	while (atomic_load(&g->release) == 0 && now_ms() < give_up)
		sleep_ms(1);
	hy_sem_release(g->sem);
	return NULL;
}

/* All permits can be held at once by different threads, and then no more. */
static void test_all_permits_held_at_once(void **state)
{
	struct together g = {0};
	struct hy_error err = {0};
	pthread_t t[PERMITS];
	long give_up = now_ms() + 60000; /* a hang bound, not a timing claim */

	(void)state;
	assert_int_equal(hy_sem_create(&g.sem, PERMITS, &err), 0);
	for (int i = 0; i < PERMITS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hold_until_told, &g), 0);
	while (atomic_load(&g.holding) < PERMITS) {
		assert_true(now_ms() < give_up);
		sleep_ms(1);
	}
	assert_int_equal(hy_sem_available(g.sem), 0);
	assert_int_equal(hy_sem_try_acquire(g.sem, &err), HY_EAGAIN);
	assert_int_equal(err.code, 0);
	atomic_store(&g.release, 1);
	for (int i = 0; i < PERMITS; i++)
		assert_null(join_bounded(t[i]));
	assert_int_equal(hy_sem_available(g.sem), PERMITS);
	hy_sem_destroy(g.sem);
}

static void test_try_and_timed_acquire(void **state)
{
	struct hy_error err = {0};
	struct hy_sem *sem;
	long start;

	(void)state;
	assert_int_equal(hy_sem_create(&sem, 2, &err), 0);
	assert_int_equal(hy_sem_try_acquire(sem, &err), 0);
	assert_int_equal(hy_sem_acquire_timed(sem, 1000, &err), 0);
	assert_int_equal(hy_sem_try_acquire(sem, &err), HY_EAGAIN);
	start = now_ms();
	assert_int_equal(hy_sem_acquire_timed(sem, 50, &err), HY_ETIMEOUT);
	assert_true(now_ms() - start >= 49);
	assert_int_equal(hy_sem_acquire_timed(sem, 0, &err), HY_ETIMEOUT);
	assert_int_equal(err.code, 0);
	hy_sem_release(sem);
	assert_int_equal(hy_sem_available(sem), 1);
	assert_int_equal(hy_sem_try_acquire(sem, &err), 0);
	hy_sem_release(sem);
	hy_sem_release(sem);
	assert_int_equal(hy_sem_available(sem), 2);
	hy_sem_destroy(sem);
}

struct waiter {
	struct hy_sem *sem;
	atomic_int done;
	int rc;
	struct hy_error err;
};

static void *acquire_once(void *arg)
{
	struct waiter *w = arg;

	w->rc = hy_sem_acquire(w->sem, &w->err);
	atomic_store(&w->done, 1);
	return NULL;
}

static void test_release_wakes_a_waiter(void **state)
{
	struct waiter w = {0};
	struct hy_error err = {0};
	pthread_t t;

	(void)state;
	assert_int_equal(hy_sem_create(&w.sem, 1, &err), 0);
	assert_int_equal(hy_sem_acquire(w.sem, &err), 0);
	assert_int_equal(pthread_create(&t, NULL, acquire_once, &w), 0);
	sleep_ms(30);
	assert_int_equal(atomic_load(&w.done), 0); /* still blocked */
	hy_sem_release(w.sem);
	join_bounded(t);
	assert_int_equal(w.rc, 0);
	assert_int_equal(hy_sem_available(w.sem), 0);
	hy_sem_release(w.sem);
	hy_sem_destroy(w.sem);
}

static void test_shutdown_wakes_every_waiter(void **state)
{
	struct waiter w[4];
	struct hy_error err = {0};
	struct hy_sem *sem;
	pthread_t t[4];

	(void)state;
	assert_int_equal(hy_sem_create(&sem, 1, &err), 0);
	assert_int_equal(hy_sem_acquire(sem, &err), 0);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct waiter){.sem = sem};
		assert_int_equal(pthread_create(&t[i], NULL, acquire_once, &w[i]), 0);
	}
	sleep_ms(30); /* let them block (the outcome is the same if they have not) */
	hy_sem_shutdown(sem);
	for (int i = 0; i < 4; i++) {
		join_bounded(t[i]);
		assert_int_equal(w[i].rc, HY_ESHUTDOWN);
		assert_int_equal(w[i].err.code, HY_ESHUTDOWN);
	}
	hy_sem_release(sem); /* a holder can still hand its permit back */
	assert_int_equal(hy_sem_available(sem), 1);
	assert_int_equal(hy_sem_try_acquire(sem, &err), HY_ESHUTDOWN);
	hy_sem_destroy(sem);
}

static void test_bad_count(void **state)
{
	struct hy_error err = {0};
	struct hy_sem *sem = (struct hy_sem *)&err;

	(void)state;
	assert_int_equal(hy_sem_create(&sem, 0, &err), HY_EINVAL);
	assert_null(sem);
	hy_sem_destroy(NULL);
}

static void test_create_under_alloc_failure(void **state)
{
	struct hy_error err;
	struct hy_sem *sem;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		rc = hy_sem_create(&sem, 4, &err);
		if (rc == 0) {
			hy_sem_destroy(sem);
		} else {
			assert_null(sem);
			assert_int_equal(err.code, HY_ENOMEM);
		}
	});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_never_more_holders_than_permits),
	cmocka_unit_test(test_all_permits_held_at_once),
	cmocka_unit_test(test_try_and_timed_acquire),
	cmocka_unit_test(test_release_wakes_a_waiter),
	cmocka_unit_test(test_shutdown_wakes_every_waiter),
	cmocka_unit_test(test_bad_count),
	cmocka_unit_test(test_create_under_alloc_failure),
};
HY_TEST_MAIN(tests)
