/* The engine behind `hygge go`: flows, the coordinator, retries, timeouts,
 * cancellation, progress and the per-flow and summary messages.
 *
 *   hy_coordinator_create(specs, n, options)   copies everything it needs
 *   hy_coordinator_run()                       blocks until every flow ended
 *   hy_coordinator_cancel() / hy_cancel_request()   from other threads / a signal handler
 *   hy_coordinator_progress()                  from another thread, any time
 *   hy_coordinator_result()                    after run
 *
 * A flow (one entity) runs on three threads: hy-flow-<n> (orchestration,
 * open/finish/abort/close), hy-flow-<n>-rd (home.next_batch -> queue) and
 * hy-flow-<n>-wr (queue -> store.write). The design, who owns a batch at each
 * step, and how failure and cancellation travel: docs/internals/run.md.
 *
 * Library code: everything is said through hy_log_*(); nothing is printed. */
#ifndef HYGGE_RUN_H
#define HYGGE_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/endpoint.h"
#include "hygge/hash.h"
#include "hygge/status.h"

struct hy_journal;
struct hy_watermark_config;
struct hy_cfg_node;

#define HY_FLOW_DEFAULT_QUEUE_SIZE 10
/* What the batches waiting in a flow's queue may hold at most, besides
 * queue_size (hy_batch_data_bytes; a bigger batch still passes alone). The
 * queue only has to keep the store busy: a few batches do, and batches
 * sliced from a reader's row groups pin those row groups while they wait,
 * so a deep queue of them was most of a long copy's memory (run.md). */
#define HY_FLOW_QUEUE_BYTES        ((size_t)8 << 20)
#define HY_FLOW_DEFAULT_TIMEOUT_S  3600.0
#define HY_RUN_DEFAULT_CONCURRENCY 8
#define HY_RUN_MILESTONE_ROWS      1000000
#define HY_RUN_MAX_FLOWS           100000
/* Flows up to which every "[i of n] STARTING flow" line is logged up front. */
#define HY_RUN_LIST_STARTS_UP_TO   10
#define HY_RUN_SETTLED_LIST_UP_TO  10

/* Retry of a failed extraction attempt (decisions.md D2). Zero fields take
 * the defaults: 3 attempts, waits 2 s then 4 s (x2 each time, at most 16 s). */
struct hy_retry_policy {
	int max_attempts;   /* attempts in total, >= 1 */
	long first_wait_ms; /* wait before the 2nd attempt */
	double multiplier;  /* >= 1 */
	long max_wait_ms;
};

/* One entity flow: what to read, where to write, how. Strings and configs are
 * borrowed by hy_coordinator_create()/hy_flow_create() only for copying the
 * strings: `home_config` and `store_config` are kept as pointers and must
 * outlive the run (they belong to the loaded configuration). */
struct hy_flow_spec {
	const char *name;      /* entity flow name: "<flow>" or "<flow>_<entity>" */
	const char *base_flow; /* flow folder name; NULL = name */
	const char *entity;    /* NULL for an entity-less flow */
	const char *home_type; /* looked up in the home registry */
	const void *home_config;
	const char *store_type; /* looked up in the store registry */
	const void *store_config;
	enum hy_run_type run_type;
	size_t queue_size; /* batches between producer and consumer; 0 = 10 */
	double timeout_s;  /* per extraction attempt (D6); 0 = 3600 */
	/* Optional; borrowed, must outlive the run. A journal handle is shared by
	 * every flow that writes to the same file (record is thread-safe); the
	 * flow records one row at its end and reads the last watermark from it
	 * (docs/internals/run.md, "Journal"). */
	struct hy_journal *journal;
	const struct hy_watermark_config *watermark; /* NULL or !present: none */
	const struct hy_cfg_node *polish;            /* the store's polish: mapping, or NULL */
};

enum hy_flow_status {
	HY_FLOW_PENDING = 0, /* not ended (yet) */
	HY_FLOW_PASS = 1,    /* rows > 0, published */
	HY_FLOW_SKIP = 2,    /* 0 rows (finish still ran) */
	HY_FLOW_FAIL = 3,    /* error holds the message */
};

/* "pass", "skip", "fail", "pending". */
const char *hy_flow_status_name(enum hy_flow_status status);

struct hy_flow_result {
	const char *name; /* the spec's name; owned by the coordinator */
	enum hy_flow_status status;
	int64_t rows;      /* rows written by the last attempt */
	double duration_s; /* start of the last attempt to after finish */
	int attempts;      /* extraction attempts made (0 when it never started) */
	bool cancelled;    /* failed because the run was cancelled */
	char flow_run_id[HY_RUN_ID_LEN + 1];
	char entity_run_id[HY_RUN_ID_LEN + 1];
	int64_t start_utc_micros; /* start of the flow (entity run id) */
	/* On fail: "Flow failed: <name>, error: <cause>",
	 * "Flow post-extraction failed: <name>, error: <cause>" or "cancelled". */
	struct hy_error error;
};

/* ---- cancellation token (signals) ----
 *
 * The CLI creates one token, keeps it in a static, and its SIGINT/SIGTERM
 * handler calls hy_cancel_request(token), which is async-signal-safe (an
 * atomic counter and a write() to a non-blocking self-pipe; errno kept). A
 * coordinator given the token watches the pipe from a thread ("hy-cancel")
 * and cancels the run. The handler should _exit(130) itself when
 * hy_cancel_request() returns 2 or more (a second Ctrl-C exits at once). */
struct hy_cancel;

int hy_cancel_create(struct hy_cancel **out, struct hy_error *err) HY_WUR;
/* Call once no coordinator uses it and no handler can run. NULL ok. */
void hy_cancel_destroy(struct hy_cancel *cancel);
/* Async-signal-safe. Returns how many requests were made, this one included. */
int hy_cancel_request(struct hy_cancel *cancel);
/* Requests so far (0 = not cancelled). */
int hy_cancel_requests(struct hy_cancel *cancel);

/* ---- coordinator ---- */

/* Monotonic seconds; tests inject one to get fixed durations in messages. */
typedef double (*hy_run_clock_fn)(void *ctx);

struct hy_run_options {
	const char *coordinator_name; /* project name (D5); NULL = "coordinator" */
	const char *config_label; /* "Starting coordinator with config: <label>"; NULL: no line */
	size_t concurrency;       /* flows extracting at once; 0 = 8 */
	bool continue_on_error;   /* see hy_coordinator_run() */
	struct hy_retry_policy retry; /* zeros = D2 defaults */
	struct hy_cancel *cancel;     /* optional; borrowed, must outlive the run */
	int64_t start_utc_micros;     /* run start for run ids; 0 = now */
	hy_run_clock_fn clock;        /* NULL = CLOCK_MONOTONIC */
	void *clock_ctx;
	/* The CPU pool homes and stores decode/encode columns on; borrowed, must
	 * outlive the coordinator. NULL: the coordinator starts its own, one
	 * thread per online CPU (pool_threads overrides the count). */
	struct hy_pool *pool;
	size_t pool_threads;
};

struct hy_coordinator;

/* Checks and copies the specs (HY_EINVAL: a spec without name/types, no
 * flows, too many). Unknown home/store types are not checked here: such a
 * flow fails when it runs, like any other configuration error. *out is freed
 * with hy_coordinator_destroy(). */
int hy_coordinator_create(const struct hy_flow_spec *specs, size_t nflows,
			  const struct hy_run_options *options, struct hy_coordinator **out,
			  struct hy_error *err) HY_WUR;
void hy_coordinator_destroy(struct hy_coordinator *coord);

/* Runs every flow, at most `concurrency` extracting at once, each to its end
 * whatever the others do; logs the per-flow lines, milestones and the
 * summary. Returns 0 when every flow passed or skipped. Otherwise:
 *  - cancelled: HY_ECANCELLED ("cancelled"), whatever continue_on_error says;
 *  - a flow failed, continue_on_error false: that first failed flow's (in
 *    creation order) status, its message in `err`;
 *  - a flow failed, continue_on_error true: 0 (the summary lists the failures
 *    and hy_run_exit_code() is still 1, D19).
 * A coordinator runs once (HY_ESTATE after). HY_ENOMEM/HY_EIO when it could
 * not start its own threads or semaphore. */
int hy_coordinator_run(struct hy_coordinator *coord, struct hy_error *err) HY_WUR;

/* Thread-safe (not async-signal-safe: use a token from a handler). Every
 * running flow stops reading and writing, aborts its store (staging removed)
 * and ends as fail/"cancelled"; flows not started end the same way. */
void hy_coordinator_cancel(struct hy_coordinator *coord);

struct hy_run_result {
	size_t nflows;
	const struct hy_flow_result *flows; /* creation order; owned by the coordinator */
	size_t passed, skipped, failed;
	int64_t rows;
	double elapsed_s;
	bool cancelled;
	char coordinator_run_id[HY_RUN_ID_LEN + 1];
};

/* Valid after hy_coordinator_run() returned, until destroy. */
const struct hy_run_result *hy_coordinator_result(const struct hy_coordinator *coord);

/* 0 all passed/skipped, 1 a flow failed, 130 cancelled (architecture.md §6). */
int hy_run_exit_code(const struct hy_run_result *result);

/* ---- progress (for the CLI's live display) ---- */

enum hy_flow_phase {
	HY_PHASE_WAITING = 0,    /* for a concurrency slot */
	HY_PHASE_EXTRACTING = 1, /* producer/consumer running */
	HY_PHASE_RETRYING = 2,   /* between attempts */
	HY_PHASE_FINISHING = 3,  /* store.finish: publishing */
	HY_PHASE_DONE = 4,
};

struct hy_flow_progress {
	const char *name; /* owned by the coordinator */
	enum hy_flow_phase phase;
	enum hy_flow_status status; /* set once DONE */
	int attempt;
	int64_t rows;  /* written to the store in the current attempt */
	int64_t bytes; /* buffer bytes of those rows (an estimate of the data size) */
	double elapsed_s;
	double rows_per_s; /* rows / elapsed, 0 when nothing yet */
};

struct hy_run_progress {
	size_t nflows, waiting, running, done;
	int64_t rows, bytes;
	double elapsed_s, rows_per_s;
};

/* Fills flows[0..min(cap, nflows)) and *totals (either may be NULL / 0) with
 * a snapshot. Thread-safe, allocation-free; any time between create and
 * destroy. Returns the number of flows. */
size_t hy_coordinator_progress(struct hy_coordinator *coord, struct hy_flow_progress *flows,
			       size_t cap, struct hy_run_progress *totals);

/* ---- messages (behaviour.md §5.2-§5.3) ---- */

/* The narrative completion summary, logged line by line through hy_log_info()
 * (hy_coordinator_run() calls it; exposed for tests and replays). */
void hy_run_log_summary(const struct hy_run_result *result);

/* The final summary object of `--log-format json` (decisions.md "Summary"),
 * one line without the newline, appended to `out`:
 *   {"event":"summary","coordinator_run_id":"...","passed":1,"failed":0,
 *    "skipped":0,"total":1,"rows":740,"elapsed_s":1.250,"cancelled":false,
 *    "exit_code":0,"flows":[{"name":"users","status":"pass","rows":740,
 *    "duration_s":1.200,"attempts":1,"flow_run_id":"...","entity_run_id":"...",
 *    "error":null}]}
 * HY_ENOMEM / HY_ELIMIT from the buffer. */
struct hy_buf;
int hy_run_result_json(const struct hy_run_result *result, struct hy_buf *out,
		       struct hy_error *err) HY_WUR;

/* 1234567 -> "1,234,567" (Python's "{:,}"). Returns `out`. */
char *hy_run_format_count(int64_t n, char out[32]);

#endif /* HYGGE_RUN_H */
