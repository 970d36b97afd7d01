/* Bounded blocking queue of opaque items: the hand-off between a flow's
 * producer thread (home.next_batch) and its consumer thread (store.write).
 *
 * The queue holds at most `capacity` items and, when created with a byte
 * bound, at most `max_bytes` of them as measured by its size function (one
 * item larger than that still goes in alone). That is what bounds a flow's
 * memory: a producer that runs ahead blocks in hy_queue_push() until the
 * consumer catches up. Any number of threads may push and pop concurrently.
 *
 * Two ways to end, deliberately distinct:
 *  - close (normal end): the producer has pushed its last item. Further
 *    pushes fail with HY_ESHUTDOWN; pops drain what is left and then return
 *    0 with *item == NULL ("end of stream"), to every consumer, every time.
 *  - shutdown (abnormal end): a failure somewhere. Every blocked push and pop
 *    wakes at once and returns HY_ESHUTDOWN, and so does every later call.
 *    Items still inside stay there until hy_queue_destroy() frees them.
 *
 * Ownership: a successful push moves the item into the queue; a successful
 * pop moves it to the caller. A push that fails leaves the item with the
 * caller. hy_queue_destroy() frees whatever is still inside.
 *
 * Errors: HY_ESHUTDOWN and HY_EINVAL are recorded in `err`. HY_EAGAIN and
 * HY_ETIMEOUT are expected outcomes of polling calls, not failures: they are
 * returned without touching `err`, so a caller may poll in a loop and still
 * report its first real error.
 *
 * See docs/internals/core.md for the locking design. */
#ifndef HYGGE_QUEUE_H
#define HYGGE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/status.h"

/* Largest capacity hy_queue_create() accepts; the slot array is allocated up
 * front, so this bounds that allocation. */
#define HY_QUEUE_MAX_CAPACITY ((size_t)1 << 20)

/* Frees one item left in the queue at destroy time. */
typedef void (*hy_queue_item_destroy_fn)(void *item);
/* The bytes one item counts for against a byte bound. */
typedef size_t (*hy_queue_item_size_fn)(const void *item);

struct hy_queue;

/* A consistent snapshot, taken under the queue's lock. */
struct hy_queue_stats {
	size_t length;          /* items inside now */
	size_t capacity;        /* as created */
	size_t bytes;           /* what the items inside count for (0 without a byte bound) */
	size_t max_bytes;       /* as created; 0: no byte bound */
	size_t high_water;      /* the largest length ever reached */
	uint64_t pushed;        /* successful pushes so far */
	uint64_t popped;        /* items handed to consumers so far */
	size_t waiting_pushers; /* threads blocked in push because the queue is full */
	size_t waiting_poppers; /* threads blocked in pop because the queue is empty */
	bool closed;
	bool shut_down;
};

/* Creates an empty queue holding at most `capacity` items (1 to
 * HY_QUEUE_MAX_CAPACITY, else HY_EINVAL). `item_destroy` frees items left
 * inside at destroy time; NULL when the queue never owns anything that needs
 * freeing. On success *out is owned by the caller: free with
 * hy_queue_destroy(). On failure *out is NULL. HY_ENOMEM, HY_EINVAL. */
int hy_queue_create(struct hy_queue **out, size_t capacity, hy_queue_item_destroy_fn item_destroy,
		    struct hy_error *err) HY_WUR;
/* Like hy_queue_create(), and a push also waits while the items inside
 * count for more than `max_bytes` with the new one (`item_size`, called
 * under the queue's lock, must not call the queue). A push into an empty
 * queue always succeeds, so an item over the bound goes through alone.
 * max_bytes 0 or item_size NULL: no byte bound. */
int hy_queue_create_bounded(struct hy_queue **out, size_t capacity, size_t max_bytes,
			    hy_queue_item_size_fn item_size, hy_queue_item_destroy_fn item_destroy,
			    struct hy_error *err) HY_WUR;

/* Frees the queue and, with its item_destroy function, every item still
 * inside. Call only once every thread that used the queue has returned from
 * its last call (join them first). Accepts NULL. */
void hy_queue_destroy(struct hy_queue *q);

/* Appends `item` (not NULL: NULL means end of stream), blocking while the
 * queue is full (by count or by bytes). On 0 the queue owns the item. On HY_ESHUTDOWN (shut down,
 * or closed, before or while waiting) or HY_EINVAL the caller keeps it. */
int hy_queue_push(struct hy_queue *q, void *item, struct hy_error *err) HY_WUR;

/* Like hy_queue_push() but never blocks: HY_EAGAIN (err untouched, caller
 * keeps the item) when the queue is full. */
int hy_queue_try_push(struct hy_queue *q, void *item, struct hy_error *err) HY_WUR;

/* Removes the oldest item into *item, blocking while the queue is empty. On
 * 0 the caller owns *item; *item == NULL means end of stream (closed and
 * drained). On HY_ESHUTDOWN, *item is NULL and items inside stay in the
 * queue (destroy frees them). */
int hy_queue_pop(struct hy_queue *q, void **item, struct hy_error *err) HY_WUR;

/* Like hy_queue_pop() but never blocks: HY_EAGAIN (err untouched, *item
 * NULL) when the queue is empty and not closed. */
int hy_queue_try_pop(struct hy_queue *q, void **item, struct hy_error *err) HY_WUR;

/* Like hy_queue_pop() but waits at most `timeout_ms` milliseconds (measured
 * on the monotonic clock; <= 0 does not wait): HY_ETIMEOUT (err untouched,
 * *item NULL) when nothing arrived in time. */
int hy_queue_pop_timed(struct hy_queue *q, void **item, long timeout_ms,
		       struct hy_error *err) HY_WUR;

/* The producer is done: no more pushes; consumers drain and then see end of
 * stream. Wakes every blocked call (blocked pushers get HY_ESHUTDOWN).
 * Idempotent; closing a shut-down queue changes nothing. */
void hy_queue_close(struct hy_queue *q);

/* A failure: every blocked and later push/pop returns HY_ESHUTDOWN at once.
 * Idempotent, and allowed after close. Never calls item_destroy. */
void hy_queue_shutdown(struct hy_queue *q);

void hy_queue_get_stats(struct hy_queue *q, struct hy_queue_stats *out);

#endif /* HYGGE_QUEUE_H */
