/* The live progress display of `hygge go` on a terminal (docs/cli.md,
 * "Progress"; the design: docs/internals/run.md, "Live display").
 *
 *   live = cli_live_create(stdout)          NULL: not a terminal / disabled
 *   hy_log_config.console_hook = cli_live_hook, .console_hook_ctx = live
 *   cli_live_start(live, coord)             redraws up to 4 times a second
 *   cli_live_stop(live)                     after the run: display erased
 *   hy_log_shutdown(); cli_live_destroy(live)
 *
 * One line per running flow and a total line, kept at the bottom of the
 * terminal. The logger calls the hook around every console line: the display
 * is erased before the line and drawn again below it, so the two never
 * interleave. All functions accept NULL. */
#ifndef HY_CLI_LIVE_H
#define HY_CLI_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hygge/run.h"

struct cli_live;

/* A display on `out` when it is a terminal (and TERM is not "dumb");
 * NULL otherwise or when out of memory. */
struct cli_live *cli_live_create(FILE *out);
/* Same, without the terminal check (tests), `width` columns (0 = ask). */
struct cli_live *cli_live_create_forced(FILE *out, int width);
/* The logger's console hook (hygge/log.h). */
void cli_live_hook(void *ctx, bool before);
/* Starts the redraw thread; false if it could not (no display then). */
bool cli_live_start(struct cli_live *live, struct hy_coordinator *coord, double period_s);
/* Stops the thread and erases the display. */
void cli_live_stop(struct cli_live *live);
void cli_live_destroy(struct cli_live *live);

/* The frame for a snapshot, lines ending in '\n', each cut to `width - 1`
 * columns; at most `max_flows` flow lines (then "… and N more"). Returns
 * the number of lines. Exposed for tests. */
int cli_live_render(const struct hy_flow_progress *flows, size_t nflows,
		    const struct hy_run_progress *totals, int width, int max_flows, char *out,
		    size_t size);

#endif /* HY_CLI_LIVE_H */
