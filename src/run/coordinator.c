/* The coordinator: runs every flow of a run, at most `concurrency` extracting
 * at once, and says what happened.
 *
 * Concurrency design. The calling thread (main) walks the flows in creation
 * order: it takes a slot from the semaphore, then starts the flow's thread
 * "hy-flow-<n>". That thread runs the flow, hands the slot back as soon as
 * extraction succeeded (the flow's `extracted` hook, before store.finish) or
 * else when the flow ends, and logs the flow's line. Main joins every flow
 * thread, then logs the summary. Cancellation (hy_coordinator_cancel, or the
 * "hy-cancel" watcher thread when a token is given) shuts the semaphore down,
 * so main stops starting flows, and cancels every flow (a flag and a signal;
 * each flow thread stops its own workers). `lock` guards the run-wide
 * counters below; nothing is called while it is held. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "hygge/isotime.h"
#include "hygge/log.h"
#include "hygge/pool.h"
#include "hygge/queue.h"
#include "hygge/sem.h"
#include "cancel_int.h"
#include "run_int.h"

/* Per flow, owned by main until the flow thread starts, then by that thread
 * (slot_held) until main joins it. */
struct flow_slot {
	struct hy_coordinator *c;
	size_t i;
	pthread_t thread;
	bool started;   /* main only */
	bool slot_held; /* main before start, the flow thread after, main after join */
};

struct hy_coordinator {
	char *name, *config_label;
	size_t concurrency;
	bool continue_on_error;
	struct hy_retry_policy retry;
	struct hy_cancel *cancel;
	int64_t start_utc;
	hy_run_clock_fn clock;
	void *clock_ctx;
	size_t n;
	struct hy__flow *flows;
	struct flow_slot *slots;
	struct hy_flow_result *results; /* main, after the run */
	struct hy_sem *sem;
	struct hy_pool *pool; /* the CPU pool flows decode/encode on */
	bool own_pool;        /* started by create, destroyed by destroy */

	pthread_mutex_t lock;
	bool cancelled;         /* lock */
	bool ran;               /* lock: run() was called */
	double start;           /* lock */
	int64_t rows, bytes;    /* lock: across flows, current attempts */
	int64_t next_milestone; /* lock */

	struct hy_run_result result; /* main; valid after run() */
	struct hy_buf words;         /* main: the summary's time words, reserved at create */
};

/* ---- create / destroy ---- */

static int check_spec(const struct hy_flow_spec *s, size_t i, struct hy_error *err)
{
	if (s->name == NULL || s->name[0] == 0)
		return hy_error_set(err, HY_EINVAL, "flow %zu has no name", i + 1);
	if (s->home_type == NULL || s->store_type == NULL)
		return hy_error_set(err, HY_EINVAL, "flow %s needs a home type and a store type",
				    s->name);
	if (s->queue_size > HY_QUEUE_MAX_CAPACITY)
		return hy_error_set(err, HY_EINVAL, "flow %s: queue_size %zu is over %zu", s->name,
				    s->queue_size, (size_t)HY_QUEUE_MAX_CAPACITY);
	return 0;
}

static void hook_extracted(void *ctx);
static void hook_rows(void *ctx, int64_t rows, int64_t bytes);

static void set_options(struct hy_coordinator *c, const struct hy_run_options *o)
{
	c->concurrency = o->concurrency != 0 ? o->concurrency : HY_RUN_DEFAULT_CONCURRENCY;
	c->continue_on_error = o->continue_on_error;
	c->retry = o->retry;
	if (c->retry.max_attempts <= 0)
		c->retry.max_attempts = 3;
	if (c->retry.first_wait_ms <= 0)
		c->retry.first_wait_ms = 2000;
	if (c->retry.multiplier < 1)
		c->retry.multiplier = 2;
	if (c->retry.max_wait_ms <= 0)
		c->retry.max_wait_ms = 16000;
	c->cancel = o->cancel;
	c->start_utc = o->start_utc_micros;
	c->clock = o->clock;
	c->clock_ctx = o->clock_ctx;
	c->next_milestone = HY_RUN_MILESTONE_ROWS;
}

int hy_coordinator_create(const struct hy_flow_spec *specs, size_t nflows,
			  const struct hy_run_options *options, struct hy_coordinator **out,
			  struct hy_error *err)
{
	static const struct hy_run_options defaults = {0};
	struct hy_coordinator *c;
	int rc;

	*out = NULL;
	if (options == NULL)
		options = &defaults;
	if (nflows == 0 || nflows > HY_RUN_MAX_FLOWS)
		return hy_error_set(err, HY_EINVAL, "a run needs 1 to %d flows (got %zu)",
				    HY_RUN_MAX_FLOWS, nflows);
	for (size_t i = 0; i < nflows; i++)
		HY_TRY(check_spec(&specs[i], i, err));
	c = hy_calloc(1, sizeof(*c));
	if (c == NULL)
		return hy_error_set(err, HY_ENOMEM, "cannot create the coordinator");
	set_options(c, options);
	c->name = hy_strdup(options->coordinator_name != NULL ? options->coordinator_name
							      : "coordinator");
	c->config_label = options->config_label != NULL ? hy_strdup(options->config_label) : NULL;
	c->flows = hy_calloc(nflows, sizeof(*c->flows));
	c->slots = hy_calloc(nflows, sizeof(*c->slots));
	c->results = hy_calloc(nflows, sizeof(*c->results));
	if (c->name == NULL || (options->config_label != NULL && c->config_label == NULL) ||
	    c->flows == NULL || c->slots == NULL || c->results == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "cannot create the coordinator");
		goto fail;
	}
	hy_buf_init(&c->words, HY__TIME_WORDS_MAX);
	rc = hy_buf_reserve(&c->words, HY__TIME_WORDS_MAX, err);
	if (rc != 0)
		goto fail;
	rc = hy_sem_create(&c->sem, c->concurrency, err);
	if (rc != 0)
		goto fail;
	c->pool = options->pool;
	if (c->pool == NULL) {
		rc = hy_pool_create(&c->pool, options->pool_threads, "hy-cpu", err);
		if (rc != 0)
			goto fail;
		c->own_pool = true;
	}
	rc = pthread_mutex_init(&c->lock, NULL);
	if (rc != 0) {
		rc = hy_error_set_errno(err, HY_EIO, rc, "cannot create the coordinator's lock");
		hy_sem_destroy(c->sem);
		c->sem = NULL;
		goto fail;
	}
	for (size_t i = 0; i < nflows; i++) {
		struct hy__flow_hooks hooks = {hook_extracted, hook_rows, &c->slots[i]};

		c->slots[i] = (struct flow_slot){.c = c, .i = i};
		rc = hy__flow_init(&c->flows[i], (int)i + 1, &specs[i], &c->retry, c->name,
				   c->clock, c->clock_ctx, &hooks, err);
		if (rc != 0)
			break;
		c->flows[i].pool = c->pool;
		c->n = i + 1;
	}
	if (rc == 0) {
		*out = c;
		return 0;
	}
	pthread_mutex_destroy(&c->lock);
fail:
	hy_sem_destroy(c->sem);
	c->sem = NULL;
	if (c->own_pool)
		hy_pool_destroy(c->pool);
	for (size_t i = 0; i < c->n; i++)
		hy__flow_reset(&c->flows[i]);
	hy_free(c->flows);
	hy_free(c->slots);
	hy_free(c->results);
	hy_free(c->name);
	hy_free(c->config_label);
	hy_buf_reset(&c->words);
	hy_free(c);
	return rc;
}

void hy_coordinator_destroy(struct hy_coordinator *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		hy__flow_reset(&c->flows[i]);
	pthread_mutex_destroy(&c->lock);
	hy_sem_destroy(c->sem);
	if (c->own_pool)
		hy_pool_destroy(c->pool);
	hy_free(c->flows);
	hy_free(c->slots);
	hy_free(c->results);
	hy_free(c->name);
	hy_free(c->config_label);
	hy_buf_reset(&c->words);
	hy_free(c);
}

/* ---- hooks, called from flow threads ---- */

static void hook_extracted(void *ctx)
{
	struct flow_slot *s = ctx;

	if (s->slot_held) {
		s->slot_held = false;
		hy_sem_release(s->c->sem);
	}
}

static void hook_rows(void *ctx, int64_t rows, int64_t bytes)
{
	struct hy_coordinator *c = ((struct flow_slot *)ctx)->c;
	int64_t milestone = 0;
	double elapsed = 0, now = hy__clock(c->clock, c->clock_ctx);
	char count[32], rate[32];

	pthread_mutex_lock(&c->lock);
	c->rows += rows;
	c->bytes += bytes;
	if (c->rows >= c->next_milestone) {
		milestone = c->next_milestone;
		while (c->next_milestone <= c->rows)
			c->next_milestone += HY_RUN_MILESTONE_ROWS;
		elapsed = now - c->start;
	}
	pthread_mutex_unlock(&c->lock);
	if (milestone == 0)
		return;
	hy_log_info(NULL, "📊 Milestone: %s rows moved in %.1fs (%s rows/s)",
		    hy_run_format_count(milestone, count), elapsed,
		    hy_run_format_count(
			    elapsed > 0 ? (int64_t)((double)milestone / elapsed + 0.5) : 0, rate));
}

/* ---- cancellation ---- */

void hy_coordinator_cancel(struct hy_coordinator *c)
{
	bool first;

	pthread_mutex_lock(&c->lock);
	first = !c->cancelled;
	c->cancelled = true;
	pthread_mutex_unlock(&c->lock);
	if (first)
		hy_log_warn(NULL, "Cancelling: stopping every flow and removing staging");
	hy_sem_shutdown(c->sem);
	for (size_t i = 0; i < c->n; i++)
		hy__flow_cancel(&c->flows[i]);
}

static bool is_cancelled(struct hy_coordinator *c)
{
	bool v;

	pthread_mutex_lock(&c->lock);
	v = c->cancelled;
	pthread_mutex_unlock(&c->lock);
	return v;
}

struct watcher {
	struct hy_coordinator *c;
	int stop[2]; /* main writes [1] at the end of the run */
	pthread_t thread;
	bool started;
};

static void *watch_main(void *arg)
{
	struct watcher *w = arg;
	struct pollfd p[2] = {{.fd = hy__cancel_fd(w->c->cancel), .events = POLLIN},
			      {.fd = w->stop[0], .events = POLLIN}};

	hy__thread_name("hy-cancel", 0, "");
	for (;;) {
		char buf[64];

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents != 0)
			break;
		if (p[0].revents & POLLIN) {
			while (read(p[0].fd, buf, sizeof(buf)) > 0)
				;
			hy_coordinator_cancel(w->c);
		}
	}
	return NULL;
}

static int watcher_start(struct watcher *w, struct hy_error *err)
{
	int rc;

	if (w->c->cancel == NULL)
		return 0;
	if (pipe2(w->stop, O_CLOEXEC) != 0)
		return hy_error_set_errno(err, HY_EIO, errno, "cannot create the watcher's pipe");
	rc = pthread_create(&w->thread, NULL, watch_main, w);
	if (rc != 0) {
		close(w->stop[0]);
		close(w->stop[1]);
		return hy_error_set_errno(err, rc == EAGAIN ? HY_ENOMEM : HY_EIO, rc,
					  "cannot start the cancellation watcher");
	}
	w->started = true;
	if (hy_cancel_requests(w->c->cancel) > 0)
		hy_coordinator_cancel(w->c);
	return 0;
}

static void watcher_stop(struct watcher *w)
{
	char byte = 1;

	if (!w->started)
		return;
	if (write(w->stop[1], &byte, 1) != 1) {
		/* a fresh pipe always takes one byte; nothing else to do */
	}
	pthread_join(w->thread, NULL);
	close(w->stop[0]);
	close(w->stop[1]);
}

/* ---- the run ---- */

static void log_flow_line(struct hy_coordinator *c, size_t i)
{
	const struct hy_flow_result *r = &c->flows[i].result;
	char rows[32];

	switch (r->status) {
	case HY_FLOW_PASS:
		hy_log_write(HY_LOG_INFO, HY_LOG_OK, NULL,
			     "[%zu of %zu] FINISHED flow %s completed in %.1fs (%s rows)", i + 1,
			     c->n, r->name, r->duration_s, hy_run_format_count(r->rows, rows));
		break;
	case HY_FLOW_SKIP:
		hy_log_warn(NULL, "[%zu of %zu] SKIPPED flow %s .... (no rows)", i + 1, c->n,
			    r->name);
		break;
	default:
		hy_log_error(NULL, "[%zu of %zu] FAILED flow %s ....", i + 1, c->n, r->name);
		break;
	}
}

static void *flow_main(void *arg)
{
	struct flow_slot *s = arg;

	hy__thread_name("hy-flow", (int)s->i + 1, "");
	hy__flow_run(&s->c->flows[s->i]);
	hook_extracted(s);
	log_flow_line(s->c, s->i);
	return NULL;
}

static int run_ids(struct hy_coordinator *c, struct hy_error *err)
{
	char iso[HY_TIME_ISO_MAX];

	if (c->start_utc == 0)
		c->start_utc = hy_time_now_utc_micros();
	HY_TRY(hy_time_format_iso(c->start_utc, 0, iso, err));
	HY_TRY(hy_run_id_coordinator(c->name, iso, c->result.coordinator_run_id, err));
	for (size_t i = 0; i < c->n; i++) {
		HY_TRY(hy_run_id_flow(c->name, c->flows[i].base_flow, iso,
				      c->flows[i].result.flow_run_id, err));
		c->flows[i].coordinator_run_id = c->result.coordinator_run_id;
	}
	return 0;
}

static void log_start_lines(struct hy_coordinator *c)
{
	if (c->config_label != NULL)
		hy_log_info(NULL, "Starting coordinator with config: %s", c->config_label);
	hy_log_info(NULL, "Running %zu flows with max concurrency of %zu", c->n, c->concurrency);
	if (c->n > HY_RUN_LIST_STARTS_UP_TO) {
		hy_log_info(NULL, "Starting %zu flows with max concurrency of %zu", c->n,
			    c->concurrency);
		return;
	}
	for (size_t i = 0; i < c->n; i++)
		hy_log_write(HY_LOG_INFO, HY_LOG_START, NULL, "[%zu of %zu] STARTING flow %s",
			     i + 1, c->n, c->flows[i].name);
}

/* A flow that never got a thread ends here, on main: cancelled ones run
 * through hy__flow_run, which returns at once. */
static void end_unstarted(struct hy_coordinator *c, size_t i, int rc)
{
	struct hy__flow *f = &c->flows[i];

	if (rc == 0) {
		hy__flow_cancel(f);
		hy__flow_run(f);
	} else {
		struct hy_error err = {0};

		hy_error_set_errno(&err, rc == EAGAIN ? HY_ENOMEM : HY_EIO, rc,
				   "cannot start the flow's thread");
		hy__flow_end_unstarted(f, &err);
	}
	log_flow_line(c, i);
}

static void start_flows(struct hy_coordinator *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct flow_slot *s = &c->slots[i];
		int rc;

		if (hy_sem_acquire(c->sem, NULL) != 0) {
			end_unstarted(c, i, 0);
			continue;
		}
		if (is_cancelled(c)) {
			hy_sem_release(c->sem);
			end_unstarted(c, i, 0);
			continue;
		}
		s->slot_held = true;
		rc = pthread_create(&s->thread, NULL, flow_main, s);
		if (rc != 0) {
			s->slot_held = false;
			hy_sem_release(c->sem);
			end_unstarted(c, i, rc);
			continue;
		}
		s->started = true;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (c->slots[i].started)
			pthread_join(c->slots[i].thread, NULL);
	}
}

static void gather(struct hy_coordinator *c, double end)
{
	struct hy_run_result *r = &c->result;

	r->nflows = c->n;
	r->flows = c->results;
	for (size_t i = 0; i < c->n; i++) {
		c->results[i] = c->flows[i].result;
		switch (c->results[i].status) {
		case HY_FLOW_PASS: r->passed++; break;
		case HY_FLOW_SKIP: r->skipped++; break;
		default: r->failed++; break;
		}
		if (c->results[i].status != HY_FLOW_FAIL)
			r->rows += c->results[i].rows;
	}
	pthread_mutex_lock(&c->lock);
	r->elapsed_s = end - c->start;
	r->cancelled = c->cancelled;
	pthread_mutex_unlock(&c->lock);
}

int hy_coordinator_run(struct hy_coordinator *c, struct hy_error *err)
{
	struct watcher w = {.c = c};
	double start = hy__clock(c->clock, c->clock_ctx);
	bool ran;

	pthread_mutex_lock(&c->lock);
	ran = c->ran;
	c->ran = true;
	if (!ran)
		c->start = start;
	pthread_mutex_unlock(&c->lock);
	if (ran)
		return hy_error_set(err, HY_ESTATE, "a coordinator runs once");
	HY_TRY(run_ids(c, err));
	log_start_lines(c);
	HY_TRY(watcher_start(&w, err));
	start_flows(c);
	watcher_stop(&w);
	gather(c, hy__clock(c->clock, c->clock_ctx));
	hy__run_format_time(c->result.elapsed_s, &c->words);
	hy__run_log_summary_timed(&c->result, (const char *)c->words.data);
	if (c->result.cancelled)
		return hy_error_set(err, HY_ECANCELLED, "cancelled");
	if (c->result.failed == 0 || c->continue_on_error)
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct hy_error *e = &c->results[i].error;

		if (c->results[i].status == HY_FLOW_FAIL)
			return hy_error_set(err, e->code != 0 ? e->code : HY_EIO, "%s", e->msg);
	}
	return 0;
}

const struct hy_run_result *hy_coordinator_result(const struct hy_coordinator *c)
{
	return &c->result;
}

size_t hy_coordinator_progress(struct hy_coordinator *c, struct hy_flow_progress *flows, size_t cap,
			       struct hy_run_progress *totals)
{
	struct hy_run_progress t = {.nflows = c->n};
	double now = hy__clock(c->clock, c->clock_ctx);

	for (size_t i = 0; i < c->n; i++) {
		struct hy_flow_progress p;

		hy__flow_progress(&c->flows[i], &p);
		if (i < cap && flows != NULL)
			flows[i] = p;
		if (p.phase == HY_PHASE_WAITING)
			t.waiting++;
		else if (p.phase == HY_PHASE_DONE)
			t.done++;
		else
			t.running++;
	}
	pthread_mutex_lock(&c->lock);
	t.rows = c->rows;
	t.bytes = c->bytes;
	t.elapsed_s = c->ran ? now - c->start : 0;
	pthread_mutex_unlock(&c->lock);
	if (t.elapsed_s > 0)
		t.rows_per_s = (double)t.rows / t.elapsed_s;
	if (totals != NULL)
		*totals = t;
	return c->n;
}
