/* The live progress display (cli_live.h).
 *
 * Concurrency design: `lock` owns the frame on the screen (`shown` lines,
 * `frame` text, `active`). Three writers touch the terminal: the logger (a
 * console line, under its own lock), the redraw thread and cli_live_stop().
 * The logger calls cli_live_hook(before) -> we take `lock` and erase the
 * frame; it writes its line; cli_live_hook(after) -> we draw the same frame
 * again below it and release `lock`. The redraw thread takes its snapshot
 * (hy_coordinator_progress) and renders with no lock held, then takes `lock`
 * to erase and draw. So the lock order is logger lock -> `lock`, and nothing
 * is ever taken under `lock`: no deadlock, and the frame and log lines never
 * interleave. */
#include "cli_live.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "hygge/alloc.h"

#define LIVE_MAX_FLOW_LINES 20
#define LIVE_DEFAULT_WIDTH  80

struct cli_live {
	FILE *out;
	int fixed_width; /* 0: ask the terminal */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC; with lock */
	/* lock */
	bool active, stop;
	int shown; /* lines of the frame on the screen */
	char *frame;
	size_t frame_size;
	/* the redraw thread's own */
	pthread_t thread;
	bool started;
	double period_s;
	struct hy_coordinator *coord;
	struct hy_flow_progress *flows;
	size_t nflows;
	char *next; /* frame being rendered */
};

static int term_width(const struct cli_live *live, int *rows)
{
	struct winsize ws;

	*rows = 24;
	if (live->fixed_width > 0)
		return live->fixed_width;
	if (ioctl(fileno(live->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		if (ws.ws_row > 0)
			*rows = ws.ws_row;
		return ws.ws_col;
	}
	return LIVE_DEFAULT_WIDTH;
}

/* Appends one line cut to `cols` bytes at a UTF-8 boundary. */
static void put_line(char **p, const char *end, const char *line, int cols)
{
	size_t n = strlen(line);

	if (cols < 1)
		cols = 1;
	if (n > (size_t)cols) {
		n = (size_t)cols;
		while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80)
			n--;
	}
	if ((size_t)(end - *p) < n + 2)
		return;
	memcpy(*p, line, n);
	*p += n;
	*(*p)++ = '\n';
	**p = 0;
}

static const char *phase_word(enum hy_flow_phase phase)
{
	switch (phase) {
	case HY_PHASE_RETRYING: return " (retrying)";
	case HY_PHASE_FINISHING: return " (publishing)";
	default: return "";
	}
}

int cli_live_render(const struct hy_flow_progress *flows, size_t nflows,
		    const struct hy_run_progress *totals, int width, int max_flows, char *out,
		    size_t size)
{
	char *p = out, *end = out + size;
	char line[512], rows[32], rate[32], mb[32];
	int lines = 0, cols = width - 1;
	size_t running = 0;

	if (size == 0)
		return 0;
	*out = 0;
	for (size_t i = 0; i < nflows; i++) {
		const struct hy_flow_progress *f = &flows[i];

		if (f->phase != HY_PHASE_EXTRACTING && f->phase != HY_PHASE_RETRYING &&
		    f->phase != HY_PHASE_FINISHING)
			continue;
		if ((int)running++ >= max_flows)
			continue;
		mb[0] = 0;
		if (f->bytes > 0 && f->elapsed_s > 0)
			snprintf(mb, sizeof(mb), " · %.1f MB/s",
				 (double)f->bytes / f->elapsed_s / 1e6);
		snprintf(line, sizeof(line), "  %-24s %s rows · %s rows/s%s · %.1fs%s", f->name,
			 hy_run_format_count(f->rows, rows),
			 hy_run_format_count((int64_t)(f->rows_per_s + 0.5), rate), mb,
			 f->elapsed_s, phase_word(f->phase));
		put_line(&p, end, line, cols);
		lines++;
	}
	if ((int)running > max_flows) {
		snprintf(line, sizeof(line), "  … and %zu more running",
			 running - (size_t)max_flows);
		put_line(&p, end, line, cols);
		lines++;
	}
	mb[0] = 0;
	if (totals->bytes > 0 && totals->elapsed_s > 0)
		snprintf(mb, sizeof(mb), " · %.1f MB/s",
			 (double)totals->bytes / totals->elapsed_s / 1e6);
	snprintf(line, sizeof(line),
		 "Total: %zu of %zu flows done, %zu running, %zu waiting · %s rows · %s rows/s%s · "
		 "%.1fs",
		 totals->done, totals->nflows, totals->running, totals->waiting,
		 hy_run_format_count(totals->rows, rows),
		 hy_run_format_count((int64_t)(totals->rows_per_s + 0.5), rate), mb,
		 totals->elapsed_s);
	put_line(&p, end, line, cols);
	return lines + 1;
}

/* ---- drawing (lock held) ---- */

static void erase_locked(struct cli_live *live)
{
	if (live->shown > 0) {
		/* to the start of the frame's first line, then clear to the end */
		fprintf(live->out, "\r\033[%dA\033[J", live->shown);
		live->shown = 0;
	}
}

static void draw_locked(struct cli_live *live)
{
	int n = 0;

	if (!live->active || live->frame == NULL || live->frame[0] == 0)
		return;
	for (const char *c = live->frame; *c; c++)
		n += *c == '\n';
	fputs(live->frame, live->out);
	live->shown = n;
}

void cli_live_hook(void *ctx, bool before)
{
	struct cli_live *live = ctx;

	if (live == NULL)
		return;
	if (before) {
		pthread_mutex_lock(&live->lock);
		erase_locked(live);
		fflush(live->out);
	} else {
		draw_locked(live);
		fflush(live->out);
		pthread_mutex_unlock(&live->lock);
	}
}

static void *live_main(void *arg)
{
	struct cli_live *live = arg;
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		struct hy_run_progress totals;
		int rows, width = term_width(live, &rows);
		int max_flows = rows - 3 < LIVE_MAX_FLOW_LINES ? rows - 3 : LIVE_MAX_FLOW_LINES;
		size_t n = hy_coordinator_progress(live->coord, live->flows, live->nflows, &totals);
		char *tmp;
		double whole;

		if (max_flows < 1)
			max_flows = 1;
		if (n > live->nflows)
			n = live->nflows;
		cli_live_render(live->flows, n, &totals, width > 400 ? 400 : width, max_flows,
				live->next, live->frame_size);
		pthread_mutex_lock(&live->lock);
		if (live->stop)
			break;
		tmp = live->frame; /* the hook draws `frame`: swap under the lock */
		live->frame = live->next;
		live->next = tmp;
		erase_locked(live);
		draw_locked(live);
		fflush(live->out);
		whole = (double)(long)live->period_s;
		next.tv_sec += (time_t)whole;
		next.tv_nsec += (long)((live->period_s - whole) * 1e9);
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!live->stop &&
		       pthread_cond_timedwait(&live->cond, &live->lock, &next) != ETIMEDOUT)
			;
		if (live->stop)
			break;
		pthread_mutex_unlock(&live->lock);
	}
	pthread_mutex_unlock(&live->lock);
	return NULL;
}

struct cli_live *cli_live_create_forced(FILE *out, int width)
{
	struct cli_live *live = hy_calloc(1, sizeof(*live));
	pthread_condattr_t attr;

	if (live == NULL)
		return NULL;
	live->out = out;
	live->fixed_width = width;
	pthread_mutex_init(&live->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&live->cond, &attr);
	pthread_condattr_destroy(&attr);
	return live;
}

struct cli_live *cli_live_create(FILE *out)
{
	const char *term = getenv("TERM");
	int fd = out != NULL ? fileno(out) : -1;

	if (fd < 0 || !isatty(fd) || (term != NULL && strcmp(term, "dumb") == 0))
		return NULL;
	return cli_live_create_forced(out, 0);
}

bool cli_live_start(struct cli_live *live, struct hy_coordinator *coord, double period_s)
{
	size_t n;

	if (live == NULL || live->started)
		return false;
	n = hy_coordinator_progress(coord, NULL, 0, NULL);
	live->coord = coord;
	live->period_s = period_s >= 0.05 ? period_s : 0.25;
	live->nflows = n;
	live->flows = hy_calloc(n ? n : 1, sizeof(*live->flows));
	live->frame_size = (size_t)(LIVE_MAX_FLOW_LINES + 2) * 420 + 1;
	live->frame = hy_calloc(1, live->frame_size);
	live->next = hy_calloc(1, live->frame_size);
	if (live->flows == NULL || live->frame == NULL || live->next == NULL)
		goto fail;
	pthread_mutex_lock(&live->lock);
	live->active = true;
	live->stop = false;
	pthread_mutex_unlock(&live->lock);
	live->started = pthread_create(&live->thread, NULL, live_main, live) == 0;
	if (live->started)
		return true;
	pthread_mutex_lock(&live->lock);
	live->active = false;
	pthread_mutex_unlock(&live->lock);
fail:
	hy_free(live->flows);
	hy_free(live->frame);
	hy_free(live->next);
	live->flows = NULL;
	live->frame = live->next = NULL;
	return false;
}

void cli_live_stop(struct cli_live *live)
{
	if (live == NULL || !live->started)
		return;
	pthread_mutex_lock(&live->lock);
	live->stop = true;
	pthread_mutex_unlock(&live->lock);
	pthread_cond_signal(&live->cond);
	pthread_join(live->thread, NULL);
	live->started = false;
	pthread_mutex_lock(&live->lock);
	erase_locked(live);
	live->active = false;
	fflush(live->out);
	pthread_mutex_unlock(&live->lock);
}

void cli_live_destroy(struct cli_live *live)
{
	if (live == NULL)
		return;
	cli_live_stop(live);
	pthread_cond_destroy(&live->cond);
	pthread_mutex_destroy(&live->lock);
	hy_free(live->flows);
	hy_free(live->frame);
	hy_free(live->next);
	hy_free(live);
}
