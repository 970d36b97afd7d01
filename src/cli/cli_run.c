/* `hygge go` for real: the workspace's entity flows handed to the run engine
 * (hygge/run.h), the logger set up for the console and logs/hygge.log, and
 * SIGINT/SIGTERM turned into a cancellation (docs/cli.md, "Signals").
 *
 * The signal handler only calls hy_cancel_request() (async-signal-safe); the
 * coordinator's watcher thread does the rest. A second signal exits at once
 * with 130, as docs/internals/run.md asks. */
#include "cli_run.h"

#include "cli_live.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "hygge/buffer.h"
#include "hygge/home.h"
#include "hygge/journal.h"
#include "hygge/log.h"
#include "hygge/run.h"
#include "hygge/store.h"

/* Set before the handlers are installed, cleared after they are removed. */
static struct hy_cancel *volatile signal_token;

static void on_signal(int sig)
{
	(void)sig;
	if (signal_token != NULL && hy_cancel_request(signal_token) >= 2)
		_exit(130);
}

struct saved_handlers {
	struct sigaction intr, term;
};

static void install_handlers(struct hy_cancel *token, struct saved_handlers *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	signal_token = token;
	sigaction(SIGINT, &sa, &saved->intr);
	sigaction(SIGTERM, &sa, &saved->term);
}

static void remove_handlers(const struct saved_handlers *saved)
{
	sigaction(SIGINT, &saved->intr, NULL);
	sigaction(SIGTERM, &saved->term, NULL);
	signal_token = NULL;
}

static int setup_logging(const struct hy_workspace *ws, const struct cli_run_options *o,
			 struct cli_live *live, char **log_path, struct hy_error *err)
{
	struct hy_log_config lc = {
		.console = stdout,
		.console_format = o->json ? HY_LOG_JSON : HY_LOG_TEXT,
		.colour = getenv("NO_COLOR") != NULL ? HY_LOG_COLOUR_NEVER : HY_LOG_COLOUR_AUTO,
		.level = o->verbose ? HY_LOG_DEBUG : HY_LOG_INFO,
		.file_format = HY_LOG_TEXT,
		.emoji_on_terminal_only = true,
		.console_hook = live != NULL ? cli_live_hook : NULL,
		.console_hook_ctx = live,
	};

	*log_path = hy_asprintf("%s/logs/hygge.log", ws->root);
	if (*log_path == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory");
	lc.file_path = *log_path;
	return hy_log_setup(&lc, err);
}

/* The journals of a run: one handle per distinct local file (D14), shared by
 * the flows that write to it. Opened before the run, closed after it. */
struct journals {
	struct hy_journal **j;
	size_t n, cap;
	bool warned_remote;
};

static void journals_close(struct journals *js)
{
	for (size_t i = 0; i < js->n; i++)
		hy_journal_close(js->j[i]);
	hy_free(js->j);
	memset(js, 0, sizeof(*js));
}

/* The journal of `ef`, or NULL (none, remote, or it could not be opened:
 * a journal problem never stops a flow). */
static struct hy_journal *journal_for(struct journals *js, const struct hy_entity_flow *ef)
{
	struct hy_error err = {0};
	struct hy_journal *j = NULL;
	char *path = NULL;
	int rc = hy_journal_resolve_local(ef, &path, &err);

	if (rc == HY_EUNSUPPORTED) {
		if (!js->warned_remote)
			hy_log_warn(NULL,
				    "Remote journals are not supported yet: %s; not recording",
				    err.msg);
		js->warned_remote = true;
		return NULL;
	}
	if (rc != 0) {
		hy_log_error(ef->name, "Journal: %s", err.msg);
		return NULL;
	}
	if (path == NULL)
		return NULL;
	for (size_t i = 0; i < js->n; i++) {
		if (strcmp(hy_journal_path(js->j[i]), path) == 0) {
			hy_free(path);
			return js->j[i];
		}
	}
	if (js->n == 0)
		js->j = hy_calloc(js->cap, sizeof(*js->j)); /* NOLINT(bugprone-sizeof-expression) */
	if (js->j == NULL || hy_journal_open(&j, path, &err) != 0) {
		hy_log_error(ef->name, "Journal: %s", js->j == NULL ? "out of memory" : err.msg);
		hy_free(path);
		return NULL;
	}
	hy_free(path);
	js->j[js->n++] = j;
	return j;
}

static const struct hy_cfg_node *store_polish(const struct hy_store_config *sc)
{
	if (sc->def == NULL)
		return NULL;
	switch (sc->def->family) {
	case HY_FAM_FILE: return sc->u.file.polish;
	case HY_FAM_LAKE: return sc->u.lake.polish;
	default: return NULL;
	}
}

static struct hy_flow_spec *make_specs(const struct hy_workspace *ws, struct journals *js)
{
	struct hy_flow_spec *specs = hy_calloc(ws->nflows ? ws->nflows : 1, sizeof(*specs));

	for (size_t i = 0; specs != NULL && i < ws->nflows; i++) {
		const struct hy_entity_flow *ef = &ws->flows[i];

		specs[i] = (struct hy_flow_spec){
			.name = ef->name,
			.base_flow = ef->base_flow,
			.entity = ef->entity,
			.home_type = ef->home.type,
			.home_config = &ef->home,
			.store_type = ef->store.type,
			.store_config = &ef->store,
			.run_type = ef->run_type,
			.queue_size = ef->queue_size > 0 ? (size_t)ef->queue_size : 0,
			.timeout_s = ef->timeout > 0 ? (double)ef->timeout : 0,
			.journal = journal_for(js, ef),
			.watermark = &ef->watermark,
			.polish = store_polish(&ef->store),
		};
	}
	return specs;
}

/* "Starting all flows..." or "Starting flows: a, b" (behaviour.md §4.2). */
static void say_start(const struct cli_run_options *o)
{
	struct hy_buf b;
	struct hy_error err = {0};
	int rc;

	hy_buf_init(&b, 1u << 20);
	rc = hy_buf_appendf(&b, &err, "%s",
			    o->nfilter ? "Starting flows: " : "Starting all flows...");
	for (size_t i = 0; rc == 0 && i < o->nfilter; i++)
		rc = hy_buf_appendf(&b, &err, "%s%s", i ? ", " : "", o->filter[i]);
	if (o->json)
		hy_log_info(NULL, "%s", b.data != NULL ? (const char *)b.data : "");
	else
		printf("%s\n", b.data != NULL ? (const char *)b.data : "");
	fflush(stdout);
	hy_buf_reset(&b);
}

static void print_json_summary(const struct hy_run_result *r)
{
	struct hy_buf b;
	struct hy_error err = {0};

	hy_buf_init(&b, 64u << 20);
	if (hy_run_result_json(r, &b, &err) == 0)
		printf("%s\n", (const char *)b.data);
	else
		fprintf(stderr, "Error: %s\n", err.msg);
	hy_buf_reset(&b);
}

/* ---- progress lines ----
 * While flows run, one line every HY_PROGRESS_DEFAULT_S seconds (the
 * environment variable HYGGE_PROGRESS_INTERVAL changes it, 0 turns it off):
 * how many flows are done, running and waiting, rows so far and the rate. A
 * plain log line: it goes to the log file and to schedulers alike. When stdout
 * is a terminal (text logs) the live display (cli_live.c) replaces these
 * lines; HYGGE_PROGRESS_INTERVAL=0 turns both off. */

#define HY_PROGRESS_DEFAULT_S 10.0

struct ticker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC */
	bool stop;           /* lock */
	bool started;
	double period_s;
	struct hy_coordinator *coord;
};

static void log_progress(struct hy_coordinator *coord)
{
	struct hy_run_progress p;
	char rows[32], rate[32];

	hy_coordinator_progress(coord, NULL, 0, &p);
	if (p.running == 0)
		return;
	hy_log_info(NULL,
		    "⏳ Progress: %zu of %zu flows done, %zu running, %zu waiting · %s rows · "
		    "%s rows/s · %.1fs",
		    p.done, p.nflows, p.running, p.waiting, hy_run_format_count(p.rows, rows),
		    hy_run_format_count((int64_t)(p.rows_per_s + 0.5), rate), p.elapsed_s);
}

static void *ticker_main(void *arg)
{
	struct ticker *t = arg;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		double whole = (double)(long)t->period_s;

		next.tv_sec += (time_t)whole;
		next.tv_nsec += (long)((t->period_s - whole) * 1e9);
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!t->stop && pthread_cond_timedwait(&t->cond, &t->lock, &next) != ETIMEDOUT)
			;
		if (t->stop)
			break;
		pthread_mutex_unlock(&t->lock);
		log_progress(t->coord); /* never under our lock */
		pthread_mutex_lock(&t->lock);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static void ticker_start(struct ticker *t, struct hy_coordinator *coord)
{
	const char *env = getenv("HYGGE_PROGRESS_INTERVAL");
	pthread_condattr_t attr;

	memset(t, 0, sizeof(*t));
	t->coord = coord;
	t->period_s = env != NULL ? strtod(env, NULL) : HY_PROGRESS_DEFAULT_S;
	if (!(t->period_s >= 0.05 && t->period_s <= 86400))
		return; /* 0 (or nonsense): no progress lines */
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &attr);
	pthread_condattr_destroy(&attr);
	t->started = pthread_create(&t->thread, NULL, ticker_main, t) == 0;
	if (!t->started) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
	}
}

static void ticker_stop(struct ticker *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_mutex_unlock(&t->lock);
	pthread_cond_signal(&t->cond);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
}

/* Runs the flows; returns the exit code. */
static int run_flows(const struct hy_workspace *ws, const struct cli_run_options *o,
		     struct hy_cancel *token, struct cli_live *live)
{
	struct hy_run_options ro = {
		.coordinator_name = ws->name,
		.config_label = "Workspace-provided config",
		.concurrency = ws->concurrency > 0 ? (size_t)ws->concurrency : 0,
		.continue_on_error = ws->continue_on_error,
		.cancel = token,
	};
	struct journals js = {.cap = ws->nflows};
	struct hy_flow_spec *specs = make_specs(ws, &js);
	struct hy_coordinator *coord = NULL;
	struct saved_handlers saved;
	struct ticker ticker;
	struct hy_error err = {0};
	const struct hy_run_result *r;
	int rc, code;

	if (specs == NULL) {
		journals_close(&js);
		printf("Error: out of memory\n");
		return 1;
	}
	if (hy_coordinator_create(specs, ws->nflows, &ro, &coord, &err) != 0) {
		hy_free(specs);
		journals_close(&js);
		printf("Error: %s\n", err.msg);
		return 1;
	}
	install_handlers(token, &saved);
	memset(&ticker, 0, sizeof(ticker));
	if (!cli_live_start(live, coord, 0.25))
		ticker_start(&ticker, coord);
	rc = hy_coordinator_run(coord, &err);
	ticker_stop(&ticker);
	cli_live_stop(live); /* the display is erased before the last lines */
	remove_handlers(&saved);
	r = hy_coordinator_result(coord);
	code = r != NULL ? hy_run_exit_code(r) : 1;
	fflush(stdout);
	if (o->json && r != NULL)
		print_json_summary(r);
	else if (code == 0)
		printf("All flows completed successfully!\n");
	else if (rc != 0 && rc != HY_ECANCELLED)
		printf("Error: %s\n", err.msg);
	if (rc != 0 && code == 0) /* the engine itself failed (threads, memory) */
		code = 1;
	hy_coordinator_destroy(coord);
	hy_free(specs);
	journals_close(&js);
	return code;
}

int cli_run_flows(const struct hy_workspace *ws, const struct cli_run_options *o)
{
	struct hy_cancel *token = NULL;
	struct hy_error err = {0};
	struct cli_live *live = NULL;
	const char *interval = getenv("HYGGE_PROGRESS_INTERVAL");
	char *log_path = NULL;
	int code = 1;

	if (hy_workspace_require_runtimes(ws, &err) != 0 || hy_homes_register_builtin(&err) != 0 ||
	    hy_stores_register_builtin(&err) != 0) {
		printf("Error: %s\n", err.msg);
		return 1;
	}
	/* The live display: text logs to a terminal, progress not turned off. */
	if (!o->json && !(interval != NULL && strtod(interval, NULL) == 0))
		live = cli_live_create(stdout);
	if (setup_logging(ws, o, live, &log_path, &err) != 0) {
		printf("Error: %s\n", err.msg);
		goto out;
	}
	if (hy_cancel_create(&token, &err) != 0) {
		printf("Error: %s\n", err.msg);
		goto out;
	}
	say_start(o);
	code = run_flows(ws, o, token, live);
out:
	fflush(stdout);
	hy_log_shutdown();
	cli_live_destroy(live); /* after the logger let go of the hook */
	hy_cancel_destroy(token);
	hy_free(log_path);
	return code;
}
