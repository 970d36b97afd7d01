/* In-memory homes and stores for the runtime's tests, registered as
 * "test-mem" in both registries. Row values are an int64 column "id" counting
 * up from `first_id`, so a test can check that every row arrived once and in
 * order. Static functions: each test program includes this once. */
#ifndef HY_RUN_FIXTURE_H
#define HY_RUN_FIXTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hy_test.h"
#include "hygge/batch.h"
#include "hygge/home.h"
#include "hygge/log.h"
#include "hygge/run.h"
#include "hygge/store.h"

#define MEM_TYPE "test-mem"

/* Counters one flow's home and store share (both sides may run at once). */
struct mem_pipe {
	atomic_llong produced; /* batches returned by next_batch */
	atomic_llong consumed; /* batches that entered store.write */
	atomic_llong max_lead; /* most produced - consumed seen by the producer */
};
/* max_lead is the fixture's count of batches alive at once: a batch is
 * counted from next_batch until it enters store.write (the fixture cannot see
 * the last reference go; a store buffer may keep slices a little longer). */

/* Counters across the flows of a run. */
struct mem_run {
	atomic_int open_homes, max_open_homes, home_opens, home_interrupts;
	atomic_int store_opens, store_interrupts, finishes_started;
	/* finishes that began while another flow's home was open */
	atomic_int finish_overlaps;
	/* flows between home.open and the end of store.finish, and the most seen:
	 * above the concurrency only when slots are released before finish */
	atomic_int in_flight, max_in_flight;
};

struct mem_home_cfg {
	int nbatches;
	int64_t rows; /* per batch */
	int64_t first_id;
	int fail_at;           /* 1-based batch where next_batch fails; 0 = never */
	int fail_code;         /* HY_ECONNECT: transient; HY_ECONFIG: terminal */
	int fail_attempts;     /* fail only in attempts 1..k; 0 = every attempt */
	int block_at;          /* 1-based batch where next_batch blocks until interrupted */
	int slow_ms;           /* sleep before each batch */
	bool same_batch;       /* hand out one shared batch (ids repeat): big row counts */
	struct mem_pipe *pipe; /* may be NULL */
	struct mem_run *run;   /* may be NULL */
};

struct mem_home {
	const struct mem_home_cfg *cfg;
	int attempt, next;
	struct hy_batch *shared;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool interrupted; /* lock */
};

static inline void mem_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static inline double mem_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A batch of `rows` int64 ids from `first`. */
static inline int mem_make_batch(int64_t first, int64_t rows, struct hy_batch **out,
				 struct hy_error *err)
{
	struct hy_dtype t = hy_dtype_simple(HY_INT64);
	struct hy_field field = {(char *)"id", t, false};
	struct hy_schema *schema = NULL;
	struct hy_builder *b = NULL;
	struct hy_column *col = NULL;
	int rc;

	*out = NULL;
	rc = hy_schema_create(&field, 1, &schema, err);
	if (rc == 0)
		rc = hy_builder_create(&t, &b, err);
	if (rc == 0)
		rc = hy_builder_reserve(b, rows, 0, err);
	for (int64_t i = 0; rc == 0 && i < rows; i++)
		rc = hy_builder_append_i64(b, first + i, err);
	if (rc == 0)
		rc = hy_builder_finish(b, &col, err);
	if (rc == 0)
		rc = hy_batch_create(schema, &col, rows, out, err);
	hy_column_unref(col);
	hy_builder_destroy(b);
	hy_schema_unref(schema);
	return rc;
}

static inline void mem_atomic_max(atomic_int *max, int v)
{
	int cur = atomic_load(max);

	while (v > cur && !atomic_compare_exchange_weak(max, &cur, v))
		;
}

static inline int mem_home_open(struct hy_home **out, const void *config,
				const struct hy_endpoint_context *ctx, struct hy_error *err)
{
	const struct mem_home_cfg *cfg = config;
	struct mem_home *h = hy_calloc(1, sizeof(*h));

	if (h == NULL)
		return hy_error_set(err, HY_ENOMEM, "mem home");
	h->cfg = cfg;
	h->attempt = ctx->attempt;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	if (cfg->same_batch) {
		int rc = mem_make_batch(cfg->first_id, cfg->rows, &h->shared, err);

		if (rc != 0) {
			pthread_cond_destroy(&h->cond);
			pthread_mutex_destroy(&h->lock);
			hy_free(h);
			return rc;
		}
	}
	if (cfg->run != NULL) {
		int n = atomic_fetch_add(&cfg->run->open_homes, 1) + 1;

		mem_atomic_max(&cfg->run->max_open_homes, n);
		atomic_fetch_add(&cfg->run->home_opens, 1);
		if (ctx->attempt <= 1)
			mem_atomic_max(&cfg->run->max_in_flight,
				       atomic_fetch_add(&cfg->run->in_flight, 1) + 1);
	}
	*out = (struct hy_home *)h;
	return 0;
}

static inline int mem_home_next(struct hy_home *home, struct hy_batch **out, struct hy_error *err)
{
	struct mem_home *h = (struct mem_home *)home;
	const struct mem_home_cfg *cfg = h->cfg;
	int k = ++h->next;
	int rc;

	*out = NULL;
	if (cfg->slow_ms > 0)
		mem_sleep_ms(cfg->slow_ms);
	if (k == cfg->fail_at && (cfg->fail_attempts == 0 || h->attempt <= cfg->fail_attempts))
		return hy_error_set(err, cfg->fail_code, "read failed at batch %d", k);
	if (k == cfg->block_at) {
		pthread_mutex_lock(&h->lock);
		while (!h->interrupted)
			pthread_cond_wait(&h->cond, &h->lock);
		pthread_mutex_unlock(&h->lock);
		return hy_error_set(err, HY_ECANCELLED, "interrupted");
	}
	if (k > cfg->nbatches)
		return 0;
	if (h->shared != NULL)
		*out = hy_batch_ref(h->shared);
	else if ((rc = mem_make_batch(cfg->first_id + (int64_t)(k - 1) * cfg->rows, cfg->rows, out,
				      err)) != 0)
		return rc;
	if (cfg->pipe != NULL) {
		long long lead = atomic_fetch_add(&cfg->pipe->produced, 1) + 1 -
				 atomic_load(&cfg->pipe->consumed);
		long long cur = atomic_load(&cfg->pipe->max_lead);

		while (lead > cur &&
		       !atomic_compare_exchange_weak(&cfg->pipe->max_lead, &cur, lead))
			;
	}
	return 0;
}

static inline void mem_home_interrupt(struct hy_home *home)
{
	struct mem_home *h = (struct mem_home *)home;

	if (h->cfg->run != NULL)
		atomic_fetch_add(&h->cfg->run->home_interrupts, 1);
	pthread_mutex_lock(&h->lock);
	h->interrupted = true;
	pthread_mutex_unlock(&h->lock);
	pthread_cond_broadcast(&h->cond);
}

static inline void mem_home_close(struct hy_home *home)
{
	struct mem_home *h = (struct mem_home *)home;

	if (h == NULL)
		return;
	if (h->cfg->run != NULL)
		atomic_fetch_sub(&h->cfg->run->open_homes, 1);
	hy_batch_unref(h->shared);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	hy_free(h);
}

static const struct hy_home_ops mem_home_ops = {
	.type = MEM_TYPE,
	.open = mem_home_open,
	.next_batch = mem_home_next,
	.interrupt = mem_home_interrupt,
	.close = mem_home_close,
};

/* ---- store ---- */

#define MEM_MAX_CHUNKS 4096

/* What one flow's store did; read by the test after the run. */
struct mem_store_out {
	int64_t *published; /* ids, in publish order */
	int64_t npublished;
	int64_t chunk_rows[MEM_MAX_CHUNKS]; /* chunk sizes of the published attempt */
	int nchunks;
	int opens, writes, aborts, finishes, closes;
	int64_t staged_left; /* rows staged at close (must be 0) */
};

struct mem_store_cfg {
	int64_t batch_size; /* 0 = default */
	int fail_write_at;  /* 1-based write call (counted per attempt) that fails */
	int fail_write_code;
	int fail_write_attempts; /* fail only in attempts 1..k (0 = always) */
	int fail_open_code;      /* first open fails with it (once) */
	int fail_finish_code;
	int slow_write_ms;
	int block_write_at;      /* write call that blocks until interrupted */
	double finish_wait_s;    /* finish waits until `finish_gate` > 0 or this passes */
	atomic_int *finish_gate; /* with finish_wait_s */
	bool finish_saw_gate;    /* out: the gate opened in time */
	struct mem_pipe *pipe;
	struct mem_run *run;
	struct mem_store_out *out;
	bool count_only; /* count rows, keep no ids (big runs) */
};

struct mem_store {
	struct mem_store_cfg *cfg;
	struct hy_store_buffer buf;
	int64_t *staged;
	int64_t nstaged, cap;
	int64_t chunk_rows[MEM_MAX_CHUNKS];
	int nchunks;
	int64_t counted; /* rows of a count_only store */
	int writes_this_attempt, attempt;
	atomic_bool interrupted;
};

static inline int mem_emit(void *ctx, struct hy_batch *chunk, struct hy_error *err)
{
	struct mem_store *s = ctx;
	struct hy_column *col = chunk->cols[0];

	if (s->cfg->count_only) {
		s->counted += chunk->nrows;
		return 0;
	}
	if (s->nstaged + chunk->nrows > s->cap) {
		int64_t cap = (s->nstaged + chunk->nrows) * 2;
		int64_t *p = hy_realloc(s->staged, (size_t)cap * sizeof(*p));

		if (p == NULL)
			return hy_error_set(err, HY_ENOMEM, "mem store staging");
		s->staged = p;
		s->cap = cap;
	}
	for (int64_t i = 0; i < chunk->nrows; i++)
		s->staged[s->nstaged++] = hy_column_get_i64(col, i);
	if (s->nchunks < MEM_MAX_CHUNKS)
		s->chunk_rows[s->nchunks++] = chunk->nrows;
	return 0;
}

static inline int mem_store_open(struct hy_store **out, const void *config,
				 const struct hy_endpoint_context *ctx, struct hy_error *err)
{
	struct mem_store_cfg *cfg = (struct mem_store_cfg *)config;
	struct mem_store *s;
	int rc;

	if (cfg->run != NULL)
		atomic_fetch_add(&cfg->run->store_opens, 1);
	cfg->out->opens++;
	if (cfg->fail_open_code != 0 && cfg->out->opens == 1)
		return hy_error_set(err, cfg->fail_open_code, "cannot connect");
	s = hy_calloc(1, sizeof(*s));
	if (s == NULL)
		return hy_error_set(err, HY_ENOMEM, "mem store");
	s->cfg = cfg;
	s->attempt = ctx->attempt;
	rc = hy_store_buffer_init(&s->buf, cfg->batch_size, mem_emit, s, err);
	if (rc != 0) {
		hy_free(s);
		return rc;
	}
	*out = (struct hy_store *)s;
	return 0;
}

static inline int mem_store_write(struct hy_store *store, struct hy_batch *batch,
				  struct hy_error *err)
{
	struct mem_store *s = (struct mem_store *)store;
	struct mem_store_cfg *cfg = s->cfg;
	int k = ++s->writes_this_attempt;

	cfg->out->writes++;
	if (cfg->pipe != NULL)
		atomic_fetch_add(&cfg->pipe->consumed, 1);
	if (cfg->slow_write_ms > 0)
		mem_sleep_ms(cfg->slow_write_ms);
	if (k == cfg->fail_write_at &&
	    (cfg->fail_write_attempts == 0 || s->attempt <= cfg->fail_write_attempts))
		return hy_error_set(err, cfg->fail_write_code, "write failed at batch %d", k);
	if (k == cfg->block_write_at) {
		while (!atomic_load(&s->interrupted))
			mem_sleep_ms(1);
		return hy_error_set(err, HY_ECANCELLED, "write interrupted");
	}
	return hy_store_buffer_write(&s->buf, batch, err);
}

static inline int mem_store_finish(struct hy_store *store, struct hy_error *err)
{
	struct mem_store *s = (struct mem_store *)store;
	struct mem_store_cfg *cfg = s->cfg;
	struct mem_store_out *o = cfg->out;
	int rc;

	if (cfg->run != NULL) {
		atomic_fetch_add(&cfg->run->finishes_started, 1);
		if (atomic_load(&cfg->run->open_homes) > 0)
			atomic_fetch_add(&cfg->run->finish_overlaps, 1);
	}
	if (cfg->finish_wait_s > 0) {
		double until = mem_now() + cfg->finish_wait_s;

		while (atomic_load(cfg->finish_gate) == 0 && mem_now() < until)
			mem_sleep_ms(1);
		cfg->finish_saw_gate = atomic_load(cfg->finish_gate) != 0;
	}
	rc = hy_store_buffer_flush(&s->buf, err);
	if (rc != 0)
		return rc;
	if (cfg->fail_finish_code != 0)
		return hy_error_set(err, cfg->fail_finish_code, "publish failed");
	o->published = hy_realloc(o->published, (size_t)(o->npublished + s->nstaged + 1) * 8);
	if (o->published == NULL)
		return hy_error_set(err, HY_ENOMEM, "publish");
	if (s->nstaged > 0)
		memcpy(o->published + o->npublished, s->staged, (size_t)s->nstaged * 8);
	o->npublished += s->nstaged + s->counted;
	s->counted = 0;
	memcpy(o->chunk_rows, s->chunk_rows, sizeof(s->chunk_rows));
	o->nchunks = s->nchunks;
	s->nstaged = 0;
	o->finishes++;
	if (cfg->run != NULL)
		atomic_fetch_sub(&cfg->run->in_flight, 1);
	return 0;
}

static inline void mem_store_abort(struct hy_store *store)
{
	struct mem_store *s = (struct mem_store *)store;

	s->cfg->out->aborts++;
	hy_store_buffer_discard(&s->buf);
	s->nstaged = 0;
	s->counted = 0;
	s->nchunks = 0;
	s->writes_this_attempt = 0;
	s->attempt++;
	atomic_store(&s->interrupted, false);
}

static inline void mem_store_interrupt(struct hy_store *store)
{
	struct mem_store *s = (struct mem_store *)store;

	if (s->cfg->run != NULL)
		atomic_fetch_add(&s->cfg->run->store_interrupts, 1);
	atomic_store(&s->interrupted, true);
}

static inline void mem_store_close(struct hy_store *store)
{
	struct mem_store *s = (struct mem_store *)store;

	if (s == NULL)
		return;
	s->cfg->out->closes++;
	s->cfg->out->staged_left = s->nstaged + s->counted + s->buf.buffered_rows;
	hy_store_buffer_reset(&s->buf);
	hy_free(s->staged);
	hy_free(s);
}

static const struct hy_store_ops mem_store_ops = {
	.type = MEM_TYPE,
	.open = mem_store_open,
	.write = mem_store_write,
	.finish = mem_store_finish,
	.abort = mem_store_abort,
	.interrupt = mem_store_interrupt,
	.close = mem_store_close,
};

static inline void mem_register(void)
{
	struct hy_error err = {0};

	if (hy_home_registry_find(MEM_TYPE) == NULL)
		assert_int_equal(hy_home_register(&mem_home_ops, &err), 0);
	if (hy_store_registry_find(MEM_TYPE) == NULL)
		assert_int_equal(hy_store_register(&mem_store_ops, &err), 0);
}

static inline void mem_out_free(struct mem_store_out *o)
{
	hy_free(o->published);
	o->published = NULL;
}

/* ---- log capture ---- */

static inline int64_t mem_fixed_clock(void *ctx, int *offset)
{
	(void)ctx;
	*offset = 0;
	return 1764205323000000; /* 2025-11-27T01:02:03Z */
}

static inline FILE *mem_log_capture(enum hy_log_level level)
{
	struct hy_log_config cfg = {0};
	struct hy_error err = {0};
	FILE *f = tmpfile();

	assert_non_null(f);
	cfg.console = f;
	cfg.colour = HY_LOG_COLOUR_NEVER;
	cfg.level = level;
	cfg.clock = mem_fixed_clock;
	assert_int_equal(hy_log_setup(&cfg, &err), 0);
	return f;
}

/* Everything logged so far; stops the capture. Caller frees. */
static inline char *mem_log_take(FILE *f)
{
	long n;
	char *text;

	hy_log_shutdown();
	fflush(f);
	n = ftell(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	rewind(f);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = 0;
	fclose(f);
	return text;
}

static inline double mem_zero_clock(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Fast retries for tests. */
static const struct hy_retry_policy mem_fast_retry = {3, 1, 2, 16};

#endif /* HY_RUN_FIXTURE_H */
