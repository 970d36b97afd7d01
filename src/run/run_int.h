/* Private to src/run/: the flow object the coordinator drives, and small
 * clock helpers. Not part of the public API. */
#ifndef HYGGE_RUN_INT_H
#define HYGGE_RUN_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "hygge/batch.h"
#include "hygge/buffer.h"
#include "hygge/run.h"

/* Called by a flow: `extracted` on the flow's thread once extraction
 * succeeded (the coordinator releases the slot), `rows` on the consumer
 * thread with row/byte deltas (negative after a failed attempt). */
struct hy__flow_hooks {
	void (*extracted)(void *ctx);
	void (*rows)(void *ctx, int64_t rows, int64_t bytes);
	void *ctx;
};

/* One entity flow. Fields without a note are set by hy__flow_init() and
 * read-only afterwards. */
struct hy__flow {
	int index; /* 1-based creation order; names the threads */
	char *name, *base_flow, *entity, *home_type, *store_type;
	struct hy_pool *pool; /* the run's CPU pool (borrowed), set by the coordinator after init */
	const void *home_config, *store_config;
	enum hy_run_type run_type;
	size_t queue_size;
	double timeout_s;
	struct hy_retry_policy retry;
	const char *coordinator_name;   /* borrowed from the coordinator */
	const char *coordinator_run_id; /* borrowed: the coordinator's result, set before run */
	struct hy_journal *journal;     /* borrowed, shared; NULL = none */
	const struct hy_watermark_config *watermark; /* NULL = none */
	const struct hy_cfg_node *polish;            /* NULL = none */
	struct hy__flow_hooks hooks;
	hy_run_clock_fn clock;
	void *clock_ctx;

	bool sync_ready;          /* lock and cond initialised */
	pthread_mutex_t lock;     /* guards the fields marked `lock` */
	pthread_cond_t cond;      /* lock: signalled when `running` drops or on cancel */
	bool cancelled;           /* lock: set by hy__flow_cancel() from any thread */
	int running;              /* lock: producer/consumer threads of this attempt still going */
	enum hy_flow_phase phase; /* lock */
	int attempt;              /* lock */
	double attempt_start;     /* lock: clock() at the start of the current attempt */
	double end;               /* lock: clock() when DONE */

	atomic_llong rows;  /* consumer thread writes; anyone reads */
	atomic_llong bytes; /* consumer thread writes; anyone reads */

	/* The flow's thread only while it runs; others read it after joining. */
	struct hy_flow_result result;
};

int hy__flow_init(struct hy__flow *f, int index, const struct hy_flow_spec *spec,
		  const struct hy_retry_policy *retry, const char *coordinator_name,
		  hy_run_clock_fn clock, void *clock_ctx, const struct hy__flow_hooks *hooks,
		  struct hy_error *err) HY_WUR;
/* Frees what init allocated; accepts a zeroed or half-initialised flow. */
void hy__flow_reset(struct hy__flow *f);
/* Runs the flow to its end on the calling thread; the outcome is in
 * f->result (the caller fills result.flow_run_id before). */
void hy__flow_run(struct hy__flow *f);
/* Ends a flow that could not be started: fail with `cause`. */
void hy__flow_end_unstarted(struct hy__flow *f, const struct hy_error *cause);
/* Any thread. */
void hy__flow_cancel(struct hy__flow *f);
/* A consistent snapshot (takes the flow's lock). */
void hy__flow_progress(struct hy__flow *f, struct hy_flow_progress *out);

/* Monotonic seconds. */
double hy__run_now(void);
/* The clock the flow and coordinator use: `clock` or hy__run_now. */
static inline double hy__clock(hy_run_clock_fn clock, void *ctx)
{
	return clock != NULL ? clock(ctx) : hy__run_now();
}

/* An absolute CLOCK_MONOTONIC deadline `seconds` from now (huge values capped). */
struct timespec hy__deadline_after(double seconds);
/* Waits on a condvar created with CLOCK_MONOTONIC until signalled or
 * `deadline` passes; false once it has passed. */
bool hy__cond_wait_deadline(pthread_cond_t *cond, pthread_mutex_t *lock,
			    const struct timespec *deadline);
/* Initialises a condvar on CLOCK_MONOTONIC. */
int hy__cond_init_monotonic(pthread_cond_t *cond);
/* Names the calling thread "<prefix>-<n><suffix>" ("<prefix><suffix>" for
 * n <= 0), cut to 15 bytes; cosmetic. */
void hy__thread_name(const char *prefix, int n, const char *suffix);

/* Estimated bytes of a batch's rows (values, offsets, string bytes, bitmaps). */
int64_t hy__batch_bytes(const struct hy_batch *batch);

/* Bytes reserved for the summary's duration words (the longest is under 80). */
#define HY__TIME_WORDS_MAX 128
/* The summary's duration words into `words` (cleared first); allocation-free
 * once `words` has HY__TIME_WORDS_MAX bytes reserved. */
void hy__run_format_time(double seconds, struct hy_buf *words);
/* The summary with the time words already made. */
void hy__run_log_summary_timed(const struct hy_run_result *r, const char *time);

#endif /* HYGGE_RUN_INT_H */
