/* Bounded blocking queue: the producer/consumer hand-off of a flow.
 *
 * Design (see docs/internals/core.md):
 *  - One mutex guards every mutable field. Two condition variables: not_full
 *    (pushers wait on it) and not_empty (poppers wait on it), so a push wakes
 *    only a popper and a pop only a pusher.
 *  - Items live in a ring of `capacity` slots allocated at create time: push
 *    and pop never allocate, so they cannot fail with HY_ENOMEM mid-flow.
 *  - Waiter counts let push/pop skip the signal when nobody waits.
 *  - Signals are sent after unlocking, so the woken thread does not wake up
 *    only to block on the mutex the signaller still holds. The decision to
 *    signal is taken under the lock (waiter counts), which is what makes
 *    this safe against lost wake-ups: a waiter counts itself and enters
 *    pthread_cond_wait() without ever releasing the lock in between.
 *  - close and shutdown broadcast to both condition variables; every waiting
 *    loop re-checks both flags after each wake-up.
 *  - Nothing is called out under the lock: item_destroy runs only in
 *    hy_queue_destroy(), when no other thread may use the queue.
 */
#include "hygge/queue.h"

#include <pthread.h>
#include <stdbool.h>

#include "hygge/alloc.h"
#include "sync_int.h"

struct hy_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_full;  /* pushers wait here while len == capacity */
	pthread_cond_t not_empty; /* poppers wait here while len == 0 */
	void **slots;             /* lock: ring of `capacity` items */
	size_t *sizes;            /* lock: what each slot's item counts for (byte bound only) */
	size_t bytes, max_bytes;  /* lock: sum of sizes; immutable bound (0: none) */
	hy_queue_item_size_fn item_size; /* immutable after create */
	size_t capacity;                 /* immutable after create */
	size_t head;                     /* lock: index of the oldest item */
	size_t len;                      /* lock: items inside */
	size_t high_water;               /* lock: largest len seen */
	uint64_t pushed;                 /* lock */
	uint64_t popped;                 /* lock */
	size_t waiting_pushers;          /* lock: threads inside pthread_cond_wait(not_full) */
	size_t waiting_poppers;          /* lock: threads inside pthread_cond_wait(not_empty) */
	bool closed;                     /* lock: no more pushes; pops drain then end */
	bool shut_down;                  /* lock: everything fails with HY_ESHUTDOWN */
	hy_queue_item_destroy_fn item_destroy; /* immutable after create */
};

int hy_queue_create(struct hy_queue **out, size_t capacity, hy_queue_item_destroy_fn item_destroy,
		    struct hy_error *err)
{
	return hy_queue_create_bounded(out, capacity, 0, NULL, item_destroy, err);
}

int hy_queue_create_bounded(struct hy_queue **out, size_t capacity, size_t max_bytes,
			    hy_queue_item_size_fn item_size, hy_queue_item_destroy_fn item_destroy,
			    struct hy_error *err)
{
	struct hy_queue *q = NULL;
	pthread_cond_t *conds[2];
	int rc = 0;

	*out = NULL;
	if (capacity == 0 || capacity > HY_QUEUE_MAX_CAPACITY)
		return hy_error_set(err, HY_EINVAL, "queue capacity %zu is outside 1..%zu",
				    capacity, HY_QUEUE_MAX_CAPACITY);
	q = hy_calloc(1, sizeof(*q));
	if (q == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a queue");
		goto out;
	}
	q->slots = hy_calloc(capacity, sizeof(*q->slots));
	if (q->slots == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a queue of %zu items",
				  capacity);
		goto out;
	}
	if (max_bytes > 0 && item_size != NULL) {
		q->sizes = hy_calloc(capacity, sizeof(*q->sizes));
		if (q->sizes == NULL) {
			rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a queue");
			goto out;
		}
		q->max_bytes = max_bytes;
		q->item_size = item_size;
	}
	conds[0] = &q->not_full;
	conds[1] = &q->not_empty;
	rc = hy__sync_init(&q->lock, conds, 2, "queue", err);
	if (rc != 0)
		goto out;
	q->capacity = capacity;
	q->item_destroy = item_destroy;
	*out = q;
	q = NULL;
out:
	if (q != NULL) {
		hy_free(q->sizes);
		hy_free(q->slots);
		hy_free(q);
	}
	return rc;
}

void hy_queue_destroy(struct hy_queue *q)
{
	if (q == NULL)
		return;
	/* No other thread may be inside a call now, so no lock is needed and the
	 * destroy function is not called under one. */
	if (q->item_destroy != NULL) {
		for (size_t i = 0; i < q->len; i++)
			q->item_destroy(q->slots[(q->head + i) % q->capacity]);
	}
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->not_empty);
	pthread_mutex_destroy(&q->lock);
	hy_free(q->sizes);
	hy_free(q->slots);
	hy_free(q);
}

static int shutdown_error(const struct hy_queue *q, struct hy_error *err)
{
	if (q->shut_down)
		return hy_error_set(err, HY_ESHUTDOWN, "queue was shut down");
	return hy_error_set(err, HY_ESHUTDOWN, "push to a closed queue");
}

/* Pushes with the lock held; waits while full only when `block`.
 * Sets *wake when a popper must be signalled after unlocking. */
static int push_locked(struct hy_queue *q, void *item, bool block, bool *wake, struct hy_error *err)
{
	size_t size = q->item_size != NULL ? q->item_size(item) : 0;

	for (;;) {
		if (q->shut_down || q->closed)
			return shutdown_error(q, err);
		/* an empty queue takes any item: one over the bound goes alone */
		if (q->len < q->capacity &&
		    (q->len == 0 || q->max_bytes == 0 || q->bytes + size <= q->max_bytes))
			break;
		if (!block)
			return HY_EAGAIN;
		q->waiting_pushers++;
		pthread_cond_wait(&q->not_full, &q->lock);
		q->waiting_pushers--;
	}
	q->slots[(q->head + q->len) % q->capacity] = item;
	if (q->sizes != NULL) {
		q->sizes[(q->head + q->len) % q->capacity] = size;
		q->bytes += size;
	}
	q->len++;
	q->pushed++;
	if (q->len > q->high_water)
		q->high_water = q->len;
	*wake = q->waiting_poppers > 0;
	return 0;
}

static int push(struct hy_queue *q, void *item, bool block, struct hy_error *err)
{
	bool wake = false;
	int rc;

	if (item == NULL)
		return hy_error_set(err, HY_EINVAL, "cannot push NULL: it means end of stream");
	pthread_mutex_lock(&q->lock);
	rc = push_locked(q, item, block, &wake, err);
	pthread_mutex_unlock(&q->lock);
	if (wake)
		pthread_cond_signal(&q->not_empty);
	return rc;
}

int hy_queue_push(struct hy_queue *q, void *item, struct hy_error *err)
{
	return push(q, item, true, err);
}

int hy_queue_try_push(struct hy_queue *q, void *item, struct hy_error *err)
{
	return push(q, item, false, err);
}

/* Pops with the lock held. `deadline` NULL waits forever; `block` false never
 * waits. Sets *wake when a pusher must be signalled after unlocking. */
static int pop_locked(struct hy_queue *q, void **item, bool block, const struct timespec *deadline,
		      bool *wake, struct hy_error *err)
{
	bool in_time = true;

	for (;;) {
		if (q->shut_down)
			return hy_error_set(err, HY_ESHUTDOWN, "queue was shut down");
		if (q->len > 0)
			break;
		if (q->closed)
			return 0; /* end of stream: *item stays NULL */
		if (!block)
			return HY_EAGAIN;
		if (!in_time)
			return HY_ETIMEOUT;
		q->waiting_poppers++;
		in_time = hy__cond_wait_until(&q->not_empty, &q->lock, deadline);
		q->waiting_poppers--;
	}
	*item = q->slots[q->head];
	q->slots[q->head] = NULL;
	if (q->sizes != NULL)
		q->bytes -= q->sizes[q->head];
	q->head = (q->head + 1) % q->capacity;
	q->len--;
	q->popped++;
	*wake = q->waiting_pushers > 0;
	return 0;
}

static int pop(struct hy_queue *q, void **item, bool block, const struct timespec *deadline,
	       struct hy_error *err)
{
	bool wake = false;
	int rc;

	if (item == NULL)
		return hy_error_set(err, HY_EINVAL, "pop needs somewhere to put the item");
	*item = NULL;
	pthread_mutex_lock(&q->lock);
	rc = pop_locked(q, item, block, deadline, &wake, err);
	pthread_mutex_unlock(&q->lock);
	if (wake)
		pthread_cond_signal(&q->not_full);
	return rc;
}

int hy_queue_pop(struct hy_queue *q, void **item, struct hy_error *err)
{
	return pop(q, item, true, NULL, err);
}

int hy_queue_try_pop(struct hy_queue *q, void **item, struct hy_error *err)
{
	return pop(q, item, false, NULL, err);
}

int hy_queue_pop_timed(struct hy_queue *q, void **item, long timeout_ms, struct hy_error *err)
{
	struct timespec deadline = hy__deadline_after_ms(timeout_ms);

	return pop(q, item, true, &deadline, err);
}

/* Sets one of the two end flags and wakes every waiter on both sides. */
static void end(struct hy_queue *q, bool shut_down)
{
	pthread_mutex_lock(&q->lock);
	if (shut_down)
		q->shut_down = true;
	else
		q->closed = true;
	pthread_mutex_unlock(&q->lock);
	pthread_cond_broadcast(&q->not_full);
	pthread_cond_broadcast(&q->not_empty);
}

void hy_queue_close(struct hy_queue *q)
{
	end(q, false);
}

void hy_queue_shutdown(struct hy_queue *q)
{
	end(q, true);
}

void hy_queue_get_stats(struct hy_queue *q, struct hy_queue_stats *out)
{
	pthread_mutex_lock(&q->lock);
	out->length = q->len;
	out->capacity = q->capacity;
	out->bytes = q->bytes;
	out->max_bytes = q->max_bytes;
	out->high_water = q->high_water;
	out->pushed = q->pushed;
	out->popped = q->popped;
	out->waiting_pushers = q->waiting_pushers;
	out->waiting_poppers = q->waiting_poppers;
	out->closed = q->closed;
	out->shut_down = q->shut_down;
	pthread_mutex_unlock(&q->lock);
}
