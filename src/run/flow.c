/* One entity flow: home -> bounded queue -> store, with retries, a timeout
 * per extraction attempt, cancellation and an atomic publish.
 *
 * Concurrency design. Three threads per attempt:
 *   flow thread  (the caller of hy__flow_run, "hy-flow-<n>"): opens the home
 *                and store, starts the two workers, waits on `cond` until both
 *                ended, the attempt timed out or the flow was cancelled; then
 *                joins them, closes the home, and aborts or finishes the store.
 *   producer     ("hy-flow-<n>-rd"): home.next_batch -> hy_queue_push.
 *   consumer     ("hy-flow-<n>-wr"): hy_queue_pop -> store.write.
 * The home and the store are each used by one worker at a time; only the
 * flow thread opens, interrupts and closes them, so nothing is freed while in
 * use. A failure on either side is recorded (first error wins, under `lock`)
 * and shuts the queue down, which wakes the other side at once (D4): a store
 * failure stops the producer at its next push, a home failure stops the
 * consumer at its next pop. A timeout or a cancel is seen by the flow thread,
 * which shuts the queue down and interrupts the home and the store.
 * hy__flow_cancel() only sets a flag and signals: it never touches the queue,
 * home or store, whose lifetimes belong to the flow thread.
 *
 * Batch ownership: home.next_batch hands the producer one reference; a
 * successful push moves it into the queue; a pop moves it to the consumer,
 * which lends it to store.write (the store takes its own references) and then
 * drops it. A failed push drops it in the producer; batches left in a shut
 * down queue are dropped by hy_queue_destroy. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "hygge/alloc.h"
#include "hygge/home.h"
#include "hygge/isotime.h"
#include "hygge/journal.h"
#include "hygge/watermark.h"
#include "hygge/log.h"
#include "hygge/polish.h"
#include "hygge/queue.h"
#include "hygge/store.h"
#include "run_int.h"

/* One extraction attempt; lives on the flow thread's stack. */
struct attempt {
	struct hy__flow *f;
	const struct hy_home_ops *hops;
	const struct hy_store_ops *sops;
	struct hy_home *home;   /* flow thread opens/closes; producer uses */
	struct hy_store *store; /* flow thread opens/closes; consumer uses */
	struct hy_queue *q;     /* flow thread creates/destroys; both use */
	/* Watermarks (NULL/false without a watermark config). The tracker is
	 * reset per attempt and used by the consumer; the filter and the dedup
	 * by the producer. */
	struct hy_watermark_tracker *tracker;
	bool schema_checked;
	bool have_last; /* an incremental run resumes after `last` */
	bool filter;    /* the home cannot: the producer filters */
	struct hy_value last;
	struct hy_journal_watermark jwm; /* `last` may borrow its text */
	struct hy_dedup *dedup;          /* lookback set: re-read rows kept once */
	char *note;                      /* a mismatch warning for the journal row */
	/* The store's polish rules (NULL: none): applied by the consumer to each
	 * batch just before store.write, so every row exactly once (D21). */
	struct hy_polish_config polish_cfg;
	struct hy_polisher *polisher;
	/* The attempt's first failure; f->lock. */
	int rc;
	enum hy_failure_class cls;
	struct hy_error err;
};

/* ---- helpers ---- */

double hy__run_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct timespec hy__deadline_after(double seconds)
{
	struct timespec ts;
	double whole;

	if (!(seconds > 0))
		seconds = 0;
	if (seconds > 1e9)
		seconds = 1e9;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	whole = floor(seconds);
	ts.tv_sec += (time_t)whole;
	ts.tv_nsec += (long)((seconds - whole) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

bool hy__cond_wait_deadline(pthread_cond_t *cond, pthread_mutex_t *lock,
			    const struct timespec *deadline)
{
	return pthread_cond_timedwait(cond, lock, deadline) != ETIMEDOUT;
}

int hy__cond_init_monotonic(pthread_cond_t *cond)
{
	pthread_condattr_t attr;
	int rc = pthread_condattr_init(&attr);

	if (rc != 0)
		return rc;
	rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
	return rc;
}

void hy__thread_name(const char *prefix, int n, const char *suffix)
{
	char name[64];

	if (n > 0)
		snprintf(name, sizeof(name), "%s-%d%s", prefix, n, suffix);
	else
		snprintf(name, sizeof(name), "%s%s", prefix, suffix);
	name[15] = 0;
	pthread_setname_np(pthread_self(), name); /* cosmetic */
}

int64_t hy__batch_bytes(const struct hy_batch *batch)
{
	int64_t total = 0;

	for (size_t i = 0; batch->cols != NULL && i < hy_schema_nfields(batch->schema); i++) {
		const struct hy_column *c = batch->cols[i];
		int64_t n = c->length;

		if (c->validity != NULL)
			total += (n + 7) / 8;
		if (c->dictionary != NULL) {
			total += 4 * n;
		} else if (hy_dtype_is_var_width(&c->type) && c->values != NULL) {
			const int32_t *off = (const int32_t *)(const void *)c->values->data;

			total += 4 * (n + 1) + (off[c->offset + n] - off[c->offset]);
		} else {
			total += ((int64_t)hy_dtype_bit_width(&c->type) * n + 7) / 8;
		}
	}
	return total;
}

/* ---- init / reset ---- */

static char *dup_or_null(const char *s, bool *ok)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = hy_strdup(s);
	if (d == NULL)
		*ok = false;
	return d;
}

int hy__flow_init(struct hy__flow *f, int index, const struct hy_flow_spec *spec,
		  const struct hy_retry_policy *retry, const char *coordinator_name,
		  hy_run_clock_fn clock, void *clock_ctx, const struct hy__flow_hooks *hooks,
		  struct hy_error *err)
{
	bool ok = true;
	int rc;

	memset(f, 0, sizeof(*f));
	f->index = index;
	f->name = dup_or_null(spec->name, &ok);
	f->base_flow = dup_or_null(spec->base_flow != NULL ? spec->base_flow : spec->name, &ok);
	f->entity = dup_or_null(spec->entity, &ok);
	f->home_type = dup_or_null(spec->home_type, &ok);
	f->store_type = dup_or_null(spec->store_type, &ok);
	if (!ok) {
		hy__flow_reset(f);
		return hy_error_set(err, HY_ENOMEM, "cannot copy flow %s", spec->name);
	}
	f->home_config = spec->home_config;
	f->store_config = spec->store_config;
	f->run_type = spec->run_type;
	f->journal = spec->journal;
	f->watermark = spec->watermark != NULL && spec->watermark->present ? spec->watermark : NULL;
	f->polish = spec->polish;
	f->queue_size = spec->queue_size != 0 ? spec->queue_size : HY_FLOW_DEFAULT_QUEUE_SIZE;
	f->timeout_s = spec->timeout_s > 0 ? spec->timeout_s : HY_FLOW_DEFAULT_TIMEOUT_S;
	f->retry = *retry;
	f->coordinator_name = coordinator_name;
	f->hooks = *hooks;
	f->clock = clock;
	f->clock_ctx = clock_ctx;
	f->result.name = f->name;
	rc = pthread_mutex_init(&f->lock, NULL);
	if (rc == 0) {
		rc = hy__cond_init_monotonic(&f->cond);
		if (rc != 0)
			pthread_mutex_destroy(&f->lock);
	}
	if (rc != 0) {
		hy__flow_reset(f);
		return hy_error_set_errno(err, rc == ENOMEM ? HY_ENOMEM : HY_EIO, rc,
					  "cannot create the lock of flow %s", spec->name);
	}
	f->sync_ready = true;
	return 0;
}

void hy__flow_reset(struct hy__flow *f)
{
	if (f->sync_ready) {
		pthread_cond_destroy(&f->cond);
		pthread_mutex_destroy(&f->lock);
	}
	hy_free(f->name);
	hy_free(f->base_flow);
	hy_free(f->entity);
	hy_free(f->home_type);
	hy_free(f->store_type);
	memset(f, 0, sizeof(*f));
}

/* ---- state shared with other threads ---- */

static void set_phase(struct hy__flow *f, enum hy_flow_phase phase)
{
	double now = phase == HY_PHASE_DONE ? hy__clock(f->clock, f->clock_ctx) : 0;

	pthread_mutex_lock(&f->lock);
	f->phase = phase;
	if (phase == HY_PHASE_DONE)
		f->end = now;
	pthread_mutex_unlock(&f->lock);
}

static bool is_cancelled(struct hy__flow *f)
{
	bool c;

	pthread_mutex_lock(&f->lock);
	c = f->cancelled;
	pthread_mutex_unlock(&f->lock);
	return c;
}

void hy__flow_cancel(struct hy__flow *f)
{
	pthread_mutex_lock(&f->lock);
	f->cancelled = true;
	pthread_mutex_unlock(&f->lock);
	pthread_cond_broadcast(&f->cond);
}

void hy__flow_progress(struct hy__flow *f, struct hy_flow_progress *out)
{
	double now = hy__clock(f->clock, f->clock_ctx);

	memset(out, 0, sizeof(*out));
	out->name = f->name;
	pthread_mutex_lock(&f->lock);
	out->phase = f->phase;
	out->attempt = f->attempt;
	if (f->phase != HY_PHASE_WAITING)
		out->elapsed_s = (f->phase == HY_PHASE_DONE ? f->end : now) - f->attempt_start;
	if (f->phase == HY_PHASE_DONE)
		out->status = f->result.status;
	pthread_mutex_unlock(&f->lock);
	out->rows = atomic_load(&f->rows);
	out->bytes = atomic_load(&f->bytes);
	if (out->elapsed_s > 0)
		out->rows_per_s = (double)out->rows / out->elapsed_s;
}

/* Records the attempt's failure (first wins) and wakes the other side. */
static void attempt_fail(struct attempt *a, int rc, const struct hy_error *err,
			 hy_classify_fn classify)
{
	enum hy_failure_class cls = classify != NULL ? classify(err) : hy_error_default_class(err);

	pthread_mutex_lock(&a->f->lock);
	if (a->rc == 0) {
		a->rc = rc;
		a->cls = cls;
		a->err = *err;
		if (a->err.code == 0)
			a->err.code = rc;
	}
	pthread_mutex_unlock(&a->f->lock);
	if (a->q != NULL)
		hy_queue_shutdown(a->q);
}

static void worker_done(struct hy__flow *f)
{
	pthread_mutex_lock(&f->lock);
	f->running--;
	pthread_mutex_unlock(&f->lock);
	pthread_cond_broadcast(&f->cond);
}

/* ---- the two workers ---- */

static void wm_warn(void *user, const char *message)
{
	hy_log_warn(((struct hy__flow *)user)->name, "%s", message);
}

/* Producer side of an incremental run: keeps `col > last` when the home could
 * not, then drops rows a lookback read twice. Replaces *b (an empty batch is
 * fine: the caller drops it). */
static int incremental_rows(struct attempt *a, struct hy_batch **b, struct hy_error *err)
{
	struct hy_batch *out = NULL;

	if (a->filter) {
		HY_TRY(hy_watermark_filter(*b, a->f->watermark->watermark_column, &a->last, &out,
					   err));
		hy_batch_unref(*b);
		*b = out;
	}
	if (a->dedup != NULL && (*b)->nrows > 0) {
		HY_TRY(hy_dedup_apply(a->dedup, *b, &out, wm_warn, a->f, err));
		hy_batch_unref(*b);
		*b = out;
	}
	return 0;
}

static void *producer_main(void *arg)
{
	struct attempt *a = arg;
	struct hy_error err = {0};

	hy__thread_name("hy-flow", a->f->index, "-rd");
	for (;;) {
		struct hy_batch *b = NULL;
		int rc = a->hops->next_batch(a->home, &b, &err);

		if (rc != 0) {
			hy_error_prefix(&err, "home %s", a->hops->type);
			attempt_fail(a, rc, &err, a->hops->classify);
			break;
		}
		if (b == NULL) {
			hy_queue_close(a->q);
			break;
		}
		if (b->nrows > 0 && (a->filter || a->dedup != NULL)) {
			rc = incremental_rows(a, &b, &err);
			if (rc != 0) {
				attempt_fail(a, rc, &err, NULL);
				break;
			}
		}
		if (b->nrows == 0) {
			hy_batch_unref(b);
			continue;
		}
		if (hy_queue_push(a->q, b, NULL) != 0) {
			/* Shut down: the side that failed recorded why. */
			hy_batch_unref(b);
			break;
		}
	}
	worker_done(a->f);
	return NULL;
}

#define HY__POLISH_FAILED (-1000)

/* store.write of `b`, polished first when the store has rules. A polish
 * failure fails the flow (returned as HY__POLISH_FAILED, `err` says why). */
static int write_batch(struct attempt *a, struct hy_batch *b, struct hy_error *err)
{
	struct hy_batch *out = NULL;
	int rc;

	if (a->polisher == NULL)
		return a->sops->write(a->store, b, err);
	if (hy_polish_apply(a->polisher, b, &out, wm_warn, a->f, err) != 0)
		return HY__POLISH_FAILED;
	rc = a->sops->write(a->store, out, err);
	hy_batch_unref(out);
	return rc;
}

static void *consumer_main(void *arg)
{
	struct attempt *a = arg;
	struct hy__flow *f = a->f;
	struct hy_error err = {0};

	hy__thread_name("hy-flow", f->index, "-wr");
	for (;;) {
		void *item = NULL;
		struct hy_batch *b;
		int64_t rows, bytes;
		int rc;

		if (hy_queue_pop(a->q, &item, NULL) != 0 || item == NULL)
			break; /* shut down (the cause is recorded) or end of stream */
		b = item;
		rows = b->nrows;
		bytes = hy__batch_bytes(b);
		if (a->tracker != NULL && !a->schema_checked) {
			a->schema_checked = true;
			rc = hy_watermark_tracker_check_schema(a->tracker, b->schema, &err);
			if (rc != 0) {
				hy_batch_unref(b);
				attempt_fail(a, rc, &err, NULL);
				break;
			}
		}
		rc = write_batch(a, b, &err);
		if (rc != 0) {
			hy_batch_unref(b);
			if (rc == HY__POLISH_FAILED) {
				attempt_fail(a, err.code != 0 ? err.code : HY_EIO, &err, NULL);
			} else {
				hy_error_prefix(&err, "store %s", a->sops->type);
				attempt_fail(a, rc, &err, a->sops->classify);
			}
			break;
		}
		/* The batch as the home produced it (the watermark column keeps its
		 * name), once the store accepted it. */
		rc = a->tracker != NULL
			     ? hy_watermark_tracker_observe(a->tracker, b, wm_warn, f, &err)
			     : 0;
		hy_batch_unref(b);
		if (rc != 0) {
			attempt_fail(a, rc, &err, NULL);
			break;
		}
		atomic_fetch_add(&f->rows, rows);
		atomic_fetch_add(&f->bytes, bytes);
		if (f->hooks.rows != NULL)
			f->hooks.rows(f->hooks.ctx, rows, bytes);
	}
	worker_done(f);
	return NULL;
}

/* ---- one attempt ---- */

static void drop_batch(void *item)
{
	hy_batch_unref(item);
}

static size_t batch_bytes(const void *item)
{
	return hy_batch_data_bytes(item);
}

static void fill_context(struct hy__flow *f, int attempt, struct hy_endpoint_context *ctx)
{
	ctx->flow_name = f->name;
	ctx->base_flow = f->base_flow;
	ctx->entity = f->entity;
	ctx->coordinator_name = f->coordinator_name;
	ctx->run_type = f->run_type;
	ctx->attempt = attempt;
	ctx->pool = f->pool;
}

/* Opens the store (once per flow) and the home (per attempt). */
static int open_endpoints(struct attempt *a, int attempt)
{
	struct hy_endpoint_context ctx;
	struct hy_error err = {0};
	int rc;

	fill_context(a->f, attempt, &ctx);
	if (a->store == NULL) {
		rc = a->sops->open(&a->store, a->f->store_config, &ctx, &err);
		if (rc != 0) {
			a->store = NULL;
			hy_error_prefix(&err, "store %s", a->sops->type);
			attempt_fail(a, rc, &err, a->sops->classify);
			return rc;
		}
	}
	rc = a->hops->open(&a->home, a->f->home_config, &ctx, &err);
	if (rc != 0) {
		a->home = NULL;
		hy_error_prefix(&err, "home %s", a->hops->type);
		attempt_fail(a, rc, &err, a->hops->classify);
		return rc;
	}
	a->filter = a->have_last && a->hops->set_watermark == NULL;
	if (a->have_last && a->hops->set_watermark != NULL) {
		struct hy_watermark wm = {a->f->watermark->watermark_column, a->last,
					  a->f->watermark};

		rc = a->hops->set_watermark(a->home, &wm, &err);
		if (rc != 0) {
			hy_error_prefix(&err, "home %s", a->hops->type);
			attempt_fail(a, rc, &err, a->hops->classify);
		}
	}
	return rc;
}

/* Waits for both workers, the deadline or a cancel; returns whether the
 * attempt must be abandoned (and sets *timed_out). */
static bool wait_workers(struct hy__flow *f, const struct timespec *deadline, bool *timed_out)
{
	bool stop;

	pthread_mutex_lock(&f->lock);
	while (f->running > 0 && !f->cancelled) {
		if (!hy__cond_wait_deadline(&f->cond, &f->lock, deadline)) {
			*timed_out = f->running > 0;
			break;
		}
	}
	stop = f->running > 0 && (f->cancelled || *timed_out);
	pthread_mutex_unlock(&f->lock);
	return stop;
}

static int start_thread(pthread_t *t, void *(*fn)(void *), struct attempt *a)
{
	int rc;
	struct hy_error err = {0};

	pthread_mutex_lock(&a->f->lock);
	a->f->running++;
	pthread_mutex_unlock(&a->f->lock);
	rc = pthread_create(t, NULL, fn, a);
	if (rc == 0)
		return 0;
	pthread_mutex_lock(&a->f->lock);
	a->f->running--;
	pthread_mutex_unlock(&a->f->lock);
	hy_error_set_errno(&err, rc == EAGAIN ? HY_ENOMEM : HY_EIO, rc,
			   "cannot start a thread of flow %s", a->f->name);
	attempt_fail(a, err.code, &err, NULL);
	return rc;
}

/* Runs producer and consumer to their end. 0 or a->rc. */
static int run_attempt(struct attempt *a, int attempt)
{
	struct hy__flow *f = a->f;
	struct timespec deadline = hy__deadline_after(f->timeout_s);
	pthread_t prod, cons;
	bool have_prod = false, have_cons = false, timed_out = false;
	struct hy_error err = {0};
	int rc;

	a->rc = 0;
	hy_error_init(&a->err);
	a->schema_checked = false;
	if (a->tracker != NULL)
		hy_watermark_tracker_reset(a->tracker);
	hy_dedup_destroy(a->dedup);
	a->dedup = NULL;
	if (a->have_last && f->watermark->lookback != NULL && f->watermark->primary_key != NULL) {
		rc = hy_dedup_create(&a->dedup, f->watermark->primary_key,
				     f->watermark->watermark_column, 0, &err);
		if (rc != 0) {
			attempt_fail(a, rc, &err, NULL);
			goto out;
		}
	}
	if (open_endpoints(a, attempt) != 0)
		goto out;
	rc = hy_queue_create_bounded(&a->q, f->queue_size, HY_FLOW_QUEUE_BYTES, batch_bytes,
				     drop_batch, &err);
	if (rc != 0) {
		attempt_fail(a, rc, &err, NULL);
		goto out;
	}
	have_cons = start_thread(&cons, consumer_main, a) == 0;
	if (have_cons)
		have_prod = start_thread(&prod, producer_main, a) == 0;
	if (wait_workers(f, &deadline, &timed_out)) {
		hy_queue_shutdown(a->q);
		if (a->hops->interrupt != NULL)
			a->hops->interrupt(a->home);
		if (a->sops->interrupt != NULL)
			a->sops->interrupt(a->store);
	}
	if (have_prod)
		pthread_join(prod, NULL);
	if (have_cons)
		pthread_join(cons, NULL);
	if (timed_out && !is_cancelled(f)) {
		hy_error_init(&err);
		hy_error_set(&err, HY_ETIMEOUT,
			     "Operation _execute_flow timed out after %g seconds", f->timeout_s);
		pthread_mutex_lock(&f->lock);
		a->rc = HY_ETIMEOUT; /* the timeout wins over what the workers saw when stopped */
		a->cls = HY_FAILURE_TERMINAL;
		a->err = err;
		pthread_mutex_unlock(&f->lock);
	}
out:
	hy_queue_destroy(a->q);
	a->q = NULL;
	if (a->home != NULL)
		a->hops->close(a->home);
	a->home = NULL;
	return a->rc;
}

/* ---- the flow ---- */

static void fail_with(struct hy__flow *f, const char *what, const struct hy_error *cause)
{
	struct hy_error *e = &f->result.error;

	hy_error_init(e);
	hy_error_set(e, cause->code != 0 ? cause->code : HY_EIO, "%s", cause->msg);
	hy_error_prefix(e, "%s: %s, error", what, f->name);
	f->result.status = HY_FLOW_FAIL;
}

static void fail_cancelled(struct hy__flow *f)
{
	hy_error_init(&f->result.error);
	hy_error_set(&f->result.error, HY_ECANCELLED, "cancelled");
	f->result.status = HY_FLOW_FAIL;
	f->result.cancelled = true;
}

/* The wait before attempt `next` (2, 3, ...), in ms. */
static long retry_wait_ms(const struct hy_retry_policy *p, int next)
{
	double ms = (double)p->first_wait_ms;

	for (int i = 2; i < next; i++)
		ms *= p->multiplier;
	if (ms > (double)p->max_wait_ms)
		ms = (double)p->max_wait_ms;
	return (long)ms;
}

/* Sleeps `ms` unless cancelled first; returns false when cancelled. */
static bool wait_retry(struct hy__flow *f, long ms)
{
	struct timespec deadline = hy__deadline_after((double)ms / 1000.0);
	bool cancelled;

	pthread_mutex_lock(&f->lock);
	while (!f->cancelled && hy__cond_wait_deadline(&f->cond, &f->lock, &deadline))
		;
	cancelled = f->cancelled;
	pthread_mutex_unlock(&f->lock);
	return !cancelled;
}

static void begin_attempt(struct hy__flow *f, int attempt)
{
	int64_t rows = atomic_exchange(&f->rows, 0);
	int64_t bytes = atomic_exchange(&f->bytes, 0);
	double now = hy__clock(f->clock, f->clock_ctx);

	if ((rows != 0 || bytes != 0) && f->hooks.rows != NULL)
		f->hooks.rows(f->hooks.ctx, -rows, -bytes);
	pthread_mutex_lock(&f->lock);
	f->phase = HY_PHASE_EXTRACTING;
	f->attempt = attempt;
	f->attempt_start = now;
	pthread_mutex_unlock(&f->lock);
	f->result.attempts = attempt;
}

/* Attempts until one succeeds; 0, or the result is already filled. */
static int extract(struct hy__flow *f, struct attempt *a)
{
	for (int attempt = 1;; attempt++) {
		long wait_ms;

		begin_attempt(f, attempt);
		if (run_attempt(a, attempt) == 0 && !is_cancelled(f))
			return 0;
		if (a->store != NULL)
			a->sops->abort(a->store);
		if (is_cancelled(f)) {
			fail_cancelled(f);
			return HY_ECANCELLED;
		}
		if (a->cls != HY_FAILURE_TRANSIENT || attempt >= f->retry.max_attempts) {
			fail_with(f, "Flow failed", &a->err);
			hy_log_error(f->name, "%s", f->result.error.msg);
			return f->result.error.code;
		}
		wait_ms = retry_wait_ms(&f->retry, attempt + 1);
		hy_log_warn(f->name, "Retrying flow %s in %.1f seconds as it failed: %s", f->name,
			    (double)wait_ms / 1000.0, a->err.msg);
		hy_log_warn(f->name,
			    "Preparing for retry %d of flow %s: cleaning up staging and resetting "
			    "state",
			    attempt, f->name);
		set_phase(f, HY_PHASE_RETRYING);
		if (!wait_retry(f, wait_ms)) {
			fail_cancelled(f);
			return HY_ECANCELLED;
		}
	}
}

static void entity_run_id(struct hy__flow *f)
{
	char iso[HY_TIME_ISO_MAX];

	f->result.start_utc_micros = hy_time_now_utc_micros();
	if (hy_time_format_iso(f->result.start_utc_micros, 0, iso, NULL) != 0 ||
	    hy_run_id_entity(f->coordinator_name, f->base_flow,
			     f->entity != NULL ? f->entity : f->name, iso, f->result.entity_run_id,
			     NULL) != 0)
		f->result.entity_run_id[0] = 0;
}

/* One journal row for the flow's end (behaviour.md §3.18). A journal failure
 * is logged as an error and never changes the flow's result. `wm_type` and
 * `wm_text` are the tracker's value (NULL: none); `note` is the message of a
 * successful run (a watermark mismatch warning), or NULL. */
static void record_journal(struct hy__flow *f, const char *wm_type, const char *wm_text,
			   const char *note)
{
	char start[HY_TIME_ISO_MAX], finish[HY_TIME_ISO_MAX];
	struct hy_journal_row row = {0};
	struct hy_error err = {0};
	const struct hy_flow_result *r = &f->result;

	if (f->journal == NULL)
		return;
	if (hy_time_format_iso(r->start_utc_micros, 0, start, &err) != 0 ||
	    hy_time_format_iso(hy_time_now_utc_micros(), 0, finish, &err) != 0) {
		hy_log_error(f->name, "Failed to record the run in the journal: %s", err.msg);
		return;
	}
	row.entity_run_id = r->entity_run_id;
	row.coordinator_run_id = f->coordinator_run_id;
	row.flow_run_id = r->flow_run_id;
	row.coordinator = f->coordinator_name;
	row.flow = f->base_flow;
	row.entity = f->entity != NULL ? f->entity : f->name;
	row.start_time = start;
	row.finish_time = finish;
	row.run_type = hy_run_type_name(f->run_type);
	row.row_count = r->rows;
	row.duration = r->duration_s;
	switch (r->status) {
	case HY_FLOW_PASS:
		row.status = "success";
		row.message = note;
		break;
	case HY_FLOW_SKIP:
		row.status = "skip";
		row.message = "No rows processed";
		break;
	default:
		row.status = "fail";
		row.message = r->error.msg;
		row.row_count = 0;
		break;
	}
	if (r->status == HY_FLOW_PASS && wm_text != NULL && f->watermark != NULL) {
		row.primary_key = f->watermark->primary_key;
		row.watermark_column = f->watermark->watermark_column;
		row.watermark_type = wm_type;
		row.watermark = wm_text;
	}
	if (hy_journal_record(f->journal, &row, &err) != 0)
		hy_log_error(f->name, "Failed to record the run in the journal: %s", err.msg);
}

static bool same_name(const char *a, const char *b)
{
	return (a == NULL || *a == 0) ? (b == NULL || *b == 0) : (b != NULL && strcmp(a, b) == 0);
}

/* §3.17 preparation, once per flow before the first attempt: only for run
 * type incremental with a journal and a watermark config. A journal problem
 * is a warning and a full load; a lookback that does not fit the stored
 * value is a configuration error (returned: the flow fails). */
static int prepare_incremental(struct hy__flow *f, struct attempt *a, struct hy_error *err)
{
	const struct hy_watermark_config *wc = f->watermark;
	struct hy_journal_watermark *jwm = &a->jwm;
	struct hy_error e = {0};
	char detail[512] = "";

	if (f->run_type != HY_RUN_INCREMENTAL || f->journal == NULL || wc == NULL)
		return 0;
	if (hy_journal_last_watermark(f->journal, f->base_flow,
				      f->entity != NULL ? f->entity : f->name, jwm, &e) != 0) {
		hy_log_warn(f->name, "Could not read the last watermark: %s. Performing full load.",
			    e.msg);
		return 0;
	}
	if (!jwm->found)
		return 0;
	if (!same_name(jwm->primary_key, wc->primary_key))
		snprintf(detail, sizeof(detail), "primary_key changed from '%s' to '%s'",
			 jwm->primary_key != NULL ? jwm->primary_key : "",
			 wc->primary_key != NULL ? wc->primary_key : "");
	if (!same_name(jwm->watermark_column, wc->watermark_column))
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
			 "%swatermark_column changed from '%s' to '%s'", detail[0] ? ", " : "",
			 jwm->watermark_column != NULL ? jwm->watermark_column : "",
			 wc->watermark_column != NULL ? wc->watermark_column : "");
	if (detail[0] != 0) {
		a->note = hy_asprintf("Watermark config mismatch for %s: %s. Proceeding with full "
				      "load and recording new watermark.",
				      f->name, detail);
		hy_log_warn(f->name,
			    "Watermark config mismatch for %s: %s. Proceeding with full load and "
			    "recording new watermark.",
			    f->name, detail);
		return 0;
	}
	if (hy_watermark_value_parse(jwm->watermark_type, jwm->watermark, &a->last, &e) != 0) {
		hy_log_warn(f->name, "Could not read the last watermark: %s. Performing full load.",
			    e.msg);
		return 0;
	}
	HY_TRY(hy_watermark_lookback(wc, &a->last, err));
	a->have_last = true;
	hy_log_info(f->name, "Incremental load: %s after %s%s%s", wc->watermark_column,
		    jwm->watermark, wc->lookback != NULL ? " with lookback " : "",
		    wc->lookback != NULL ? wc->lookback : "");
	return 0;
}

void hy__flow_run(struct hy__flow *f)
{
	struct attempt a = {.f = f};
	struct hy_error err = {0};
	const char *wm_type = NULL, *wm_text = NULL;

	entity_run_id(f);
	a.hops = hy_home_registry_find(f->home_type);
	a.sops = hy_store_registry_find(f->store_type);
	if (is_cancelled(f)) {
		fail_cancelled(f);
		goto done;
	}
	if (a.hops == NULL || a.sops == NULL) {
		begin_attempt(f, 1);
		if (a.hops == NULL)
			hy_error_set(&err, HY_ECONFIG, "unknown home type '%s'", f->home_type);
		else
			hy_error_set(&err, HY_ECONFIG, "unknown store type '%s'", f->store_type);
		fail_with(f, "Flow failed", &err);
		hy_log_error(f->name, "%s", f->result.error.msg);
		goto done;
	}
	if ((f->polish != NULL &&
	     (hy_polish_config_read(f->polish, NULL, &a.polish_cfg, &err) != 0 ||
	      hy_polish_create(&a.polisher, &a.polish_cfg, &err) != 0)) ||
	    (f->watermark != NULL &&
	     (hy_watermark_tracker_create(&a.tracker, f->watermark, &err) != 0 ||
	      prepare_incremental(f, &a, &err) != 0))) {
		begin_attempt(f, 1);
		fail_with(f, "Flow failed", &err);
		hy_log_error(f->name, "%s", f->result.error.msg);
		goto done;
	}
	if (extract(f, &a) != 0)
		goto done;
	if (f->hooks.extracted != NULL)
		f->hooks.extracted(f->hooks.ctx);
	set_phase(f, HY_PHASE_FINISHING);
	if (a.sops->finish(a.store, &err) != 0) {
		a.sops->abort(a.store);
		hy_error_prefix(&err, "store %s", a.sops->type);
		fail_with(f, "Flow post-extraction failed", &err);
		hy_log_error(f->name, "%s", f->result.error.msg);
		goto done;
	}
	f->result.rows = atomic_load(&f->rows);
	f->result.status = f->result.rows > 0 ? HY_FLOW_PASS : HY_FLOW_SKIP;
done:
	if (a.store != NULL)
		a.sops->close(a.store);
	if (f->result.status == HY_FLOW_FAIL)
		f->result.rows = atomic_load(&f->rows);
	set_phase(f, HY_PHASE_DONE);
	pthread_mutex_lock(&f->lock);
	f->result.duration_s = f->attempt > 0 ? f->end - f->attempt_start : 0;
	pthread_mutex_unlock(&f->lock);
	if (a.tracker != NULL) {
		wm_type = hy_watermark_tracker_type_tag(a.tracker);
		wm_text = hy_watermark_tracker_value_text(a.tracker);
	}
	record_journal(f, wm_type, wm_text, a.note);
	hy_watermark_tracker_destroy(a.tracker);
	hy_dedup_destroy(a.dedup);
	hy_journal_watermark_clear(&a.jwm);
	hy_free(a.note);
	hy_polish_destroy(a.polisher);
	hy_polish_config_reset(&a.polish_cfg);
}

void hy__flow_end_unstarted(struct hy__flow *f, const struct hy_error *cause)
{
	/* Every entity run gets its journal row, even one whose thread never
	 * started. */
	if (f->result.start_utc_micros == 0)
		entity_run_id(f);
	fail_with(f, "Flow failed", cause);
	hy_log_error(f->name, "%s", f->result.error.msg);
	record_journal(f, NULL, NULL, NULL);
	set_phase(f, HY_PHASE_DONE);
}
