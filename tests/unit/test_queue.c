/* Bounded blocking queue: order, capacity, close vs shutdown, timeouts, many
 * producers and consumers, ownership of items. Runs under TSan too. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hy_test.h"
#include "hygge/queue.h"

/* Items that are plain numbers need no freeing; NULL is reserved. */
#define ITEM(n)   ((void *)(uintptr_t)(n))
#define NUMBER(p) ((uintptr_t)(p))

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

/* Joins `t`, failing the test instead of hanging when it takes over 60 s. */
static void *join_bounded(pthread_t t)
{
	struct timespec deadline;
	void *ret = NULL;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 60; /* a bound against hangs, not a timing claim */
	assert_int_equal(pthread_timedjoin_np(t, &ret, &deadline), 0);
	return ret;
}

/* Polls the queue until `pushers` and `poppers` threads are blocked in it. */
static void wait_for_waiters(struct hy_queue *q, size_t pushers, size_t poppers)
{
	struct hy_queue_stats st;
	long give_up = now_ms() + 60000; /* a hang bound, not a timing claim */

	for (;;) {
		hy_queue_get_stats(q, &st);
		if (st.waiting_pushers == pushers && st.waiting_poppers == poppers)
			return;
		assert_true(now_ms() < give_up);
		sleep_ms(1);
	}
}

/* For byte-bounded queues: items are numbers that count for themselves. */
static size_t item_bytes(const void *item)
{
	return (size_t)NUMBER(item);
}

static void test_fifo_order(void **state)
{
	struct hy_error err = {0};
	struct hy_queue *q;
	void *item;

	(void)state;
	assert_int_equal(hy_queue_create(&q, 8, NULL, &err), 0);
	for (uintptr_t i = 1; i <= 8; i++)
		assert_int_equal(hy_queue_push(q, ITEM(i), &err), 0);
	for (uintptr_t i = 1; i <= 8; i++) {
		assert_int_equal(hy_queue_pop(q, &item, &err), 0);
		assert_int_equal(NUMBER(item), i);
	}
	/* Wrap around the ring a few times. */
	for (uintptr_t i = 1; i <= 100; i++) {
		assert_int_equal(hy_queue_push(q, ITEM(i), &err), 0);
		if (i % 3 == 0) {
			for (uintptr_t j = i - 2; j <= i; j++) {
				assert_int_equal(hy_queue_pop(q, &item, &err), 0);
				assert_int_equal(NUMBER(item), j);
			}
		}
	}
	assert_int_equal(hy_queue_pop(q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 100);
	assert_int_equal(hy_queue_try_pop(q, &item, &err), HY_EAGAIN);
	assert_null(item);
	assert_int_equal(err.code, 0);
	hy_queue_destroy(q);
}

static void test_capacity_respected(void **state)
{
	struct hy_error err = {0};
	struct hy_queue_stats st;
	struct hy_queue *q;
	void *item;

	(void)state;
	assert_int_equal(hy_queue_create(&q, 3, NULL, &err), 0);
	for (uintptr_t i = 1; i <= 3; i++)
		assert_int_equal(hy_queue_try_push(q, ITEM(i), &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(4), &err), HY_EAGAIN);
	assert_int_equal(err.code, 0); /* polling outcomes leave err alone */
	hy_queue_get_stats(q, &st);
	assert_int_equal(st.length, 3);
	assert_int_equal(st.capacity, 3);
	assert_int_equal(st.high_water, 3);
	assert_int_equal(st.pushed, 3);
	assert_int_equal(hy_queue_pop(q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 1);
	assert_int_equal(hy_queue_try_push(q, ITEM(4), &err), 0);
	hy_queue_get_stats(q, &st);
	assert_int_equal(st.length, 3);
	assert_int_equal(st.high_water, 3);
	assert_int_equal(st.popped, 1);
	hy_queue_destroy(q);
}

static void test_bad_arguments(void **state)
{
	struct hy_error err = {0};
	struct hy_queue *q = ITEM(1);

	(void)state;
	assert_int_equal(hy_queue_create(&q, 0, NULL, &err), HY_EINVAL);
	assert_null(q);
	hy_error_init(&err);
	assert_int_equal(hy_queue_create(&q, HY_QUEUE_MAX_CAPACITY + 1, NULL, &err), HY_EINVAL);
	assert_int_equal(hy_queue_create(&q, 1, NULL, &err), 0);
	hy_error_init(&err);
	assert_int_equal(hy_queue_push(q, NULL, &err), HY_EINVAL);
	assert_int_equal(err.code, HY_EINVAL);
	hy_queue_destroy(q);
	hy_queue_destroy(NULL);
}

struct pressure {
	struct hy_queue *q;
	int n;
};

static void *push_n(void *arg)
{
	struct pressure *p = arg;
	struct hy_error err = {0};

	for (int i = 1; i <= p->n; i++)
		if (hy_queue_push(p->q, ITEM(i), &err) != 0)
			return ITEM(1);
	return NULL;
}

/* A fast producer against a slow consumer fills the queue exactly to its
 * capacity and never past it. */
static void test_high_water_under_pressure(void **state)
{
	struct pressure p = {NULL, 200};
	struct hy_error err = {0};
	struct hy_queue_stats st;
	pthread_t t;
	void *item;

	(void)state;
	assert_int_equal(hy_queue_create(&p.q, 4, NULL, &err), 0);
	assert_int_equal(pthread_create(&t, NULL, push_n, &p), 0);
	wait_for_waiters(p.q, 1, 0); /* full, producer blocked */
	for (int i = 1; i <= p.n; i++) {
		assert_int_equal(hy_queue_pop(p.q, &item, &err), 0);
		assert_int_equal(NUMBER(item), i);
		hy_queue_get_stats(p.q, &st);
		assert_true(st.length <= 4);
	}
	assert_null(join_bounded(t));
	hy_queue_get_stats(p.q, &st);
	assert_int_equal(st.high_water, 4);
	assert_int_equal(st.pushed, 200);
	assert_int_equal(st.popped, 200);
	hy_queue_destroy(p.q);
}

struct drain {
	struct hy_queue *q;
	atomic_long items;
	atomic_long sum;
	atomic_int ends;
};

/* Pops until end of stream, then checks that end of stream repeats. */
static void *drain_until_end(void *arg)
{
	struct drain *d = arg;
	struct hy_error err = {0};
	void *item;

	for (;;) {
		if (hy_queue_pop(d->q, &item, &err) != 0)
			return ITEM(1);
		if (item == NULL)
			break;
		atomic_fetch_add(&d->items, 1);
		atomic_fetch_add(&d->sum, (long)NUMBER(item));
	}
	if (hy_queue_pop(d->q, &item, &err) != 0 || item != NULL)
		return ITEM(2);
	atomic_fetch_add(&d->ends, 1);
	return NULL;
}

static void test_close_drains_then_ends_for_every_consumer(void **state)
{
	struct drain d = {0};
	struct hy_error err = {0};
	pthread_t t[3];
	void *item;

	(void)state;
	assert_int_equal(hy_queue_create(&d.q, 16, NULL, &err), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, drain_until_end, &d), 0);
	wait_for_waiters(d.q, 0, 3);
	for (uintptr_t i = 1; i <= 1000; i++)
		assert_int_equal(hy_queue_push(d.q, ITEM(i), &err), 0);
	hy_queue_close(d.q);
	assert_int_equal(hy_queue_push(d.q, ITEM(7), &err), HY_ESHUTDOWN);
	assert_int_equal(err.code, HY_ESHUTDOWN);
	for (int i = 0; i < 3; i++)
		assert_null(join_bounded(t[i]));
	assert_int_equal(atomic_load(&d.items), 1000);
	assert_int_equal(atomic_load(&d.sum), 1000L * 1001 / 2);
	assert_int_equal(atomic_load(&d.ends), 3);
	/* Items pushed before close are still delivered after it. */
	hy_queue_destroy(d.q);
	assert_int_equal(hy_queue_create(&d.q, 4, NULL, &err), 0);
	hy_error_init(&err);
	assert_int_equal(hy_queue_push(d.q, ITEM(5), &err), 0);
	hy_queue_close(d.q);
	assert_int_equal(hy_queue_try_pop(d.q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 5);
	assert_int_equal(hy_queue_try_pop(d.q, &item, &err), 0);
	assert_null(item);
	assert_int_equal(hy_queue_pop_timed(d.q, &item, 1000, &err), 0);
	assert_null(item);
	hy_queue_destroy(d.q);
}

struct blocked {
	struct hy_queue *q;
	atomic_int shutdowns;
	atomic_int other;
};

static void *push_one_malloced(void *arg)
{
	struct blocked *b = arg;
	struct hy_error err = {0};
	int *item = malloc(sizeof(*item));
	int rc = hy_queue_push(b->q, item, &err);

	if (rc == HY_ESHUTDOWN && err.code == HY_ESHUTDOWN) {
		free(item); /* a failed push leaves the item with its pusher */
		atomic_fetch_add(&b->shutdowns, 1);
	} else {
		if (rc != 0)
			free(item);
		atomic_fetch_add(&b->other, 1);
	}
	return NULL;
}

static void *pop_one(void *arg)
{
	struct blocked *b = arg;
	struct hy_error err = {0};
	void *item = ITEM(1);
	int rc = hy_queue_pop(b->q, &item, &err);

	if (rc == HY_ESHUTDOWN && err.code == HY_ESHUTDOWN && item == NULL)
		atomic_fetch_add(&b->shutdowns, 1);
	else
		atomic_fetch_add(&b->other, 1);
	return NULL;
}

static void test_shutdown_wakes_blocked_pushers(void **state)
{
	struct blocked b = {0};
	struct hy_error err = {0};
	pthread_t t[4];
	void *item;

	(void)state;
	assert_int_equal(hy_queue_create(&b.q, 2, free, &err), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(hy_queue_push(b.q, malloc(8), &err), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, push_one_malloced, &b), 0);
	wait_for_waiters(b.q, 4, 0);
	hy_queue_shutdown(b.q);
	for (int i = 0; i < 4; i++)
		join_bounded(t[i]);
	assert_int_equal(atomic_load(&b.shutdowns), 4);
	assert_int_equal(atomic_load(&b.other), 0);
	/* Later calls fail too; the two items inside are freed by destroy. */
	assert_int_equal(hy_queue_pop(b.q, &item, &err), HY_ESHUTDOWN);
	assert_null(item);
	assert_int_equal(hy_queue_try_push(b.q, ITEM(1), &err), HY_ESHUTDOWN);
	hy_queue_destroy(b.q);
}

static void test_shutdown_wakes_blocked_poppers(void **state)
{
	struct blocked b = {0};
	struct hy_error err = {0};
	struct hy_queue_stats st;
	pthread_t t[4];

	(void)state;
	assert_int_equal(hy_queue_create(&b.q, 2, free, &err), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, pop_one, &b), 0);
	wait_for_waiters(b.q, 0, 4);
	hy_queue_shutdown(b.q);
	hy_queue_shutdown(b.q); /* idempotent */
	for (int i = 0; i < 4; i++)
		join_bounded(t[i]);
	assert_int_equal(atomic_load(&b.shutdowns), 4);
	assert_int_equal(atomic_load(&b.other), 0);
	hy_queue_get_stats(b.q, &st);
	assert_true(st.shut_down);
	assert_int_equal(st.waiting_poppers, 0);
	hy_queue_destroy(b.q);
}

/* Shutdown after close still wins over draining: a failure stops consumers. */
static void test_shutdown_after_close_stops_pops(void **state)
{
	struct hy_error err = {0};
	struct hy_queue *q;
	void *item;

	(void)state;
	assert_int_equal(hy_queue_create(&q, 2, free, &err), 0);
	assert_int_equal(hy_queue_push(q, malloc(8), &err), 0);
	hy_queue_close(q);
	hy_queue_shutdown(q);
	assert_int_equal(hy_queue_pop(q, &item, &err), HY_ESHUTDOWN);
	assert_null(item);
	hy_queue_destroy(q); /* frees the item left inside */
}

static void test_close_wakes_blocked_pusher(void **state)
{
	struct blocked b = {0};
	struct hy_error err = {0};
	pthread_t t;

	(void)state;
	assert_int_equal(hy_queue_create(&b.q, 1, free, &err), 0);
	assert_int_equal(hy_queue_push(b.q, malloc(8), &err), 0);
	assert_int_equal(pthread_create(&t, NULL, push_one_malloced, &b), 0);
	wait_for_waiters(b.q, 1, 0);
	hy_queue_close(b.q);
	join_bounded(t);
	assert_int_equal(atomic_load(&b.shutdowns), 1);
	hy_queue_destroy(b.q);
}

static void *push_later(void *arg)
{
	struct hy_error err = {0};

	sleep_ms(20);
	return ITEM(hy_queue_push(arg, ITEM(42), &err) == 0 ? 1 : 2);
}

static void test_pop_timed_times_out(void **state)
{
	struct hy_error err = {0};
	struct hy_queue *q;
	pthread_t t;
	void *item = ITEM(1);
	long start;

	(void)state;
	assert_int_equal(hy_queue_create(&q, 1, NULL, &err), 0);
	start = now_ms();
	assert_int_equal(hy_queue_pop_timed(q, &item, 50, &err), HY_ETIMEOUT);
	assert_true(now_ms() - start >= 49);
	assert_null(item);
	assert_int_equal(err.code, 0);
	assert_int_equal(hy_queue_pop_timed(q, &item, 0, &err), HY_ETIMEOUT);
	/* An item that arrives in time is returned. */
	assert_int_equal(pthread_create(&t, NULL, push_later, q), 0);
	assert_int_equal(hy_queue_pop_timed(q, &item, 60000, &err), 0);
	assert_int_equal(NUMBER(item), 42);
	assert_int_equal(NUMBER(join_bounded(t)), 1);
	hy_queue_destroy(q);
}

static int freed_items;

static void count_and_free(void *item)
{
	freed_items++;
	free(item);
}

static void test_destroy_frees_items_left_inside(void **state)
{
	struct hy_error err = {0};
	struct hy_queue *q;
	void *item;

	(void)state;
	freed_items = 0;
	assert_int_equal(hy_queue_create(&q, 4, count_and_free, &err), 0);
	/* Move head so the leftovers wrap around the end of the ring. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(hy_queue_push(q, malloc(16), &err), 0);
		assert_int_equal(hy_queue_pop(q, &item, &err), 0);
		free(item);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(hy_queue_push(q, malloc(16), &err), 0);
	hy_queue_destroy(q);
	assert_int_equal(freed_items, 4);
}

/* Many producers, many consumers. Each item is (producer << 32) | sequence. */
#define MP_PRODUCERS 8
#define MP_CONSUMERS 8
#define MP_PER_PROD  12500 /* 100k items in all */

struct mpmc {
	struct hy_queue *q;
	atomic_int next_id;
	atomic_uchar seen[MP_PRODUCERS][MP_PER_PROD];
	atomic_llong sum;
	atomic_long order_violations;
};

static void *mp_produce(void *arg)
{
	struct mpmc *m = arg;
	struct hy_error err = {0};
	uint64_t id = (uint64_t)atomic_fetch_add(&m->next_id, 1);

	for (uint64_t s = 0; s < MP_PER_PROD; s++) {
		void *item = ITEM((id << 32) | (s + 1));

		if (s % 2 == 0) {
			if (hy_queue_push(m->q, item, &err) != 0)
				return ITEM(1);
			continue;
		}
		for (;;) { /* exercise try_push too */
			int rc = hy_queue_try_push(m->q, item, &err);

			if (rc == 0)
				break;
			if (rc != HY_EAGAIN)
				return ITEM(1);
			sched_yield();
		}
	}
	return NULL;
}

static void *mp_consume(void *arg)
{
	struct mpmc *m = arg;
	struct hy_error err = {0};
	uint64_t last[MP_PRODUCERS] = {0};
	void *item;

	for (;;) {
		if (hy_queue_pop(m->q, &item, &err) != 0)
			return ITEM(1);
		if (item == NULL)
			return NULL;
		uint64_t v = NUMBER(item), p = v >> 32, s = v & 0xffffffffu;

		if (p >= MP_PRODUCERS || s == 0 || s > MP_PER_PROD)
			return ITEM(2);
		/* FIFO: one consumer sees each producer's items in order. */
		if (s <= last[p])
			atomic_fetch_add(&m->order_violations, 1);
		last[p] = s;
		atomic_fetch_add(&m->seen[p][s - 1], 1);
		atomic_fetch_add(&m->sum, (long long)s);
	}
}

static void test_many_producers_many_consumers(void **state)
{
	struct mpmc *m = calloc(1, sizeof(*m));
	struct hy_error err = {0};
	struct hy_queue_stats st;
	pthread_t prod[MP_PRODUCERS], cons[MP_CONSUMERS];
	long long want = (long long)MP_PRODUCERS * MP_PER_PROD * (MP_PER_PROD + 1) / 2;

	(void)state;
	assert_non_null(m);
	assert_int_equal(hy_queue_create(&m->q, 64, NULL, &err), 0);
	for (int i = 0; i < MP_CONSUMERS; i++)
		assert_int_equal(pthread_create(&cons[i], NULL, mp_consume, m), 0);
	for (int i = 0; i < MP_PRODUCERS; i++)
		assert_int_equal(pthread_create(&prod[i], NULL, mp_produce, m), 0);
	for (int i = 0; i < MP_PRODUCERS; i++)
		assert_null(join_bounded(prod[i]));
	hy_queue_close(m->q);
	for (int i = 0; i < MP_CONSUMERS; i++)
		assert_null(join_bounded(cons[i]));
	for (int p = 0; p < MP_PRODUCERS; p++)
		for (int s = 0; s < MP_PER_PROD; s++)
			if (atomic_load(&m->seen[p][s]) != 1)
				fail_msg("item %d/%d delivered %d times", p, s,
					 (int)atomic_load(&m->seen[p][s]));
	assert_int_equal(atomic_load(&m->sum), want);
	assert_int_equal(atomic_load(&m->order_violations), 0);
	hy_queue_get_stats(m->q, &st);
	assert_int_equal(st.pushed, (uint64_t)MP_PRODUCERS * MP_PER_PROD);
	assert_int_equal(st.popped, st.pushed);
	assert_int_equal(st.length, 0);
	assert_true(st.high_water <= 64);
	hy_queue_destroy(m->q);
	free(m);
}

static void test_create_under_alloc_failure(void **state)
{
	struct hy_error err;
	struct hy_queue *q;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		q = ITEM(1);
		rc = hy_queue_create(&q, 32, free, &err);
		if (rc == 0) {
			hy_queue_destroy(q);
		} else {
			assert_null(q);
			assert_int_equal(err.code, HY_ENOMEM);
		}
	});
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		hy_error_init(&err);
		q = ITEM(1);
		rc = hy_queue_create_bounded(&q, 32, 1000, item_bytes, free, &err);
		if (rc == 0) {
			hy_queue_destroy(q);
		} else {
			assert_null(q);
			assert_int_equal(err.code, HY_ENOMEM);
		}
	});
}

static void test_byte_bound(void **state)
{
	struct hy_queue *q = NULL;
	struct hy_queue_stats st;
	struct hy_error err = {0};
	void *item = NULL;

	(void)state;
	assert_int_equal(hy_queue_create_bounded(&q, 10, 100, item_bytes, NULL, &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(40), &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(40), &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(30), &err), HY_EAGAIN); /* 110 > 100 */
	assert_int_equal(hy_queue_try_push(q, ITEM(20), &err), 0);         /* exactly 100 */
	hy_queue_get_stats(q, &st);
	assert_int_equal(st.length, 3);
	assert_int_equal(st.bytes, 100);
	assert_int_equal(st.max_bytes, 100);
	assert_int_equal(hy_queue_pop(q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 40);
	assert_int_equal(hy_queue_try_push(q, ITEM(30), &err), 0);
	hy_queue_get_stats(q, &st);
	assert_int_equal(st.bytes, 90);
	/* drained, an item over the bound goes in alone */
	for (int i = 0; i < 3; i++)
		assert_int_equal(hy_queue_pop(q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 30);
	assert_int_equal(hy_queue_try_push(q, ITEM(500), &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(1), &err), HY_EAGAIN);
	assert_int_equal(hy_queue_pop(q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 500);
	hy_queue_get_stats(q, &st);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(err.code, 0); /* HY_EAGAIN is not an error */
	hy_queue_destroy(q);
	/* no byte bound: only the count */
	assert_int_equal(hy_queue_create_bounded(&q, 2, 0, item_bytes, NULL, &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(1000), &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(1000), &err), 0);
	assert_int_equal(hy_queue_try_push(q, ITEM(1), &err), HY_EAGAIN);
	hy_queue_get_stats(q, &st);
	assert_int_equal(st.bytes, 0);
	hy_queue_destroy(q);
}

static void *push_90(void *arg)
{
	struct hy_error err = {0};

	return ITEM(hy_queue_push(arg, ITEM(90), &err) == 0 ? 1 : 2);
}

/* A pusher blocked by the byte bound goes on once a pop frees the bytes. */
static void test_byte_bound_blocks_until_popped(void **state)
{
	struct hy_queue *q = NULL;
	struct hy_queue_stats st;
	struct hy_error err = {0};
	void *item = NULL;
	pthread_t t;

	(void)state;
	assert_int_equal(hy_queue_create_bounded(&q, 10, 100, item_bytes, NULL, &err), 0);
	assert_int_equal(hy_queue_push(q, ITEM(40), &err), 0);
	assert_int_equal(pthread_create(&t, NULL, push_90, q), 0);
	wait_for_waiters(q, 1, 0);
	hy_queue_get_stats(q, &st);
	assert_int_equal(st.length, 1);
	assert_int_equal(hy_queue_pop(q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 40);
	assert_int_equal(NUMBER(join_bounded(t)), 1);
	assert_int_equal(hy_queue_pop(q, &item, &err), 0);
	assert_int_equal(NUMBER(item), 90);
	hy_queue_destroy(q);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_fifo_order),
	cmocka_unit_test(test_capacity_respected),
	cmocka_unit_test(test_bad_arguments),
	cmocka_unit_test(test_high_water_under_pressure),
	cmocka_unit_test(test_close_drains_then_ends_for_every_consumer),
	cmocka_unit_test(test_shutdown_wakes_blocked_pushers),
	cmocka_unit_test(test_shutdown_wakes_blocked_poppers),
	cmocka_unit_test(test_shutdown_after_close_stops_pops),
	cmocka_unit_test(test_close_wakes_blocked_pusher),
	cmocka_unit_test(test_pop_timed_times_out),
	cmocka_unit_test(test_destroy_frees_items_left_inside),
	cmocka_unit_test(test_many_producers_many_consumers),
	cmocka_unit_test(test_create_under_alloc_failure),
	cmocka_unit_test(test_byte_bound),
	cmocka_unit_test(test_byte_bound_blocks_until_popped),
};
HY_TEST_MAIN(tests)
