/* Recycled column buffers of the parquet reader.
 *
 * The reader decodes a row group's columns on pool threads into buffers it
 * then hands to batches (refcounted); the last batch to drop one does so on
 * the consumer's thread, often seconds later. With plain malloc/free every
 * row group costs fresh blocks: glibc serves them from the pool threads'
 * arenas while the frees land from another thread, so over a long run the
 * arenas keep tens of MB of freed memory and every new block is faulted in
 * again. Here the block goes back to the reader's recycler instead, and the
 * next row group's decode takes it: a fixed set of blocks circulates, sized
 * by what the pipeline holds at once, and memory stops drifting upwards.
 * See docs/internals/parquet.md, "Recycled buffers". */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "hygge/alloc.h"
#include "hygge/batch.h"
#include "pq_int.h"

/* Blocks smaller than this go back to malloc: cheap to allocate and not
 * what makes the arenas grow. */
#define MIN_BLOCK ((size_t)64 << 10)

struct block {
	struct hy__pq_recycler *owner;
	uint8_t *data;
	size_t cap; /* hy_buf's cap: usable bytes, the hidden NUL excluded */
	struct block *next;
};

struct hy__pq_recycler {
	pthread_mutex_t mu;
	atomic_long refs; /* the reader's, plus one per block lent to a batch */
	bool closed;      /* the reader is gone: blocks coming back are freed */
	struct block *parked;
	size_t parked_bytes, max_parked;
};

struct hy__pq_recycler *hy__pq_recycler_create(size_t max_parked)
{
	struct hy__pq_recycler *rc = hy_calloc(1, sizeof(*rc));

	if (rc == NULL)
		return NULL;
	if (pthread_mutex_init(&rc->mu, NULL) != 0) {
		hy_free(rc);
		return NULL;
	}
	atomic_init(&rc->refs, 1);
	rc->max_parked = max_parked;
	return rc;
}

static void free_block(struct block *b)
{
	hy_free(b->data);
	hy_free(b);
}

static void unref(struct hy__pq_recycler *rc)
{
	if (atomic_fetch_sub_explicit(&rc->refs, 1, memory_order_acq_rel) != 1)
		return;
	pthread_mutex_destroy(&rc->mu);
	hy_free(rc);
}

void hy__pq_recycler_close(struct hy__pq_recycler *rc)
{
	struct block *b;

	if (rc == NULL)
		return;
	pthread_mutex_lock(&rc->mu);
	rc->closed = true;
	b = rc->parked;
	rc->parked = NULL;
	rc->parked_bytes = 0;
	pthread_mutex_unlock(&rc->mu);
	while (b != NULL) {
		struct block *next = b->next;

		free_block(b);
		b = next;
	}
	unref(rc);
}

void hy__pq_recycler_take(struct hy__pq_recycler *rc, struct hy_buf *buf, size_t want)
{
	struct block **at, **best = NULL, *b;

	if (rc == NULL || buf->data != NULL || want < MIN_BLOCK)
		return;
	pthread_mutex_lock(&rc->mu);
	/* the smallest parked block that fits, if it is not far too big: a
	 * larger one would pin memory its column never fills */
	for (at = &rc->parked; *at != NULL; at = &(*at)->next)
		if ((*at)->cap >= want && (*at)->cap <= 4 * want &&
		    (best == NULL || (*at)->cap < (*best)->cap))
			best = at;
	b = best != NULL ? *best : NULL;
	if (b != NULL) {
		*best = b->next;
		rc->parked_bytes -= b->cap;
	}
	pthread_mutex_unlock(&rc->mu);
	if (b == NULL)
		return;
	buf->data = b->data;
	buf->cap = b->cap;
	buf->len = 0;
	buf->data[0] = 0;
	hy_free(b);
}

static void give_back(struct hy_rcbuf *r)
{
	struct block *b = r->owner;
	struct hy__pq_recycler *rc = b->owner;
	bool keep;

	pthread_mutex_lock(&rc->mu);
	keep = !rc->closed && rc->parked_bytes + b->cap <= rc->max_parked;
	if (keep) {
		b->next = rc->parked;
		rc->parked = b;
		rc->parked_bytes += b->cap;
	}
	pthread_mutex_unlock(&rc->mu);
	if (!keep)
		free_block(b);
	unref(rc);
}

struct hy_rcbuf *hy__pq_recycler_adopt(struct hy__pq_recycler *rc, struct hy_buf *buf, size_t len)
{
	struct block *b;
	struct hy_rcbuf *r;
	size_t l;

	if (buf->data == NULL || len == 0) {
		hy_buf_clear(buf);
		return hy_rcbuf_create(0);
	}
	if (rc == NULL || buf->cap < MIN_BLOCK)
		return hy_rcbuf_adopt(hy_buf_detach(buf, &l), (int64_t)len);
	if ((b = hy_malloc(sizeof(*b))) == NULL)
		return NULL; /* buf keeps its bytes */
	b->owner = rc;
	b->cap = buf->cap;
	b->data = hy_buf_detach(buf, &l);
	b->next = NULL;
	atomic_fetch_add_explicit(&rc->refs, 1, memory_order_relaxed);
	if ((r = hy_rcbuf_wrap(b->data, (int64_t)len, give_back, b)) == NULL) {
		free_block(b);
		unref(rc);
	}
	return r;
}
