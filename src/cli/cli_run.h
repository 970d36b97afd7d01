/* `hygge go` past validation: run the workspace's flows (cli_run.c). */
#ifndef HYGGE_CLI_RUN_H
#define HYGGE_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "hygge/workspace.h"

struct cli_run_options {
	bool verbose;              /* debug lines in the log */
	bool json;                 /* --log-format json: JSON lines and a final summary object */
	const char *const *filter; /* the --flow/--entity names, for "Starting flows: a, b" */
	size_t nfilter;
};

/* Checks every flow's home and store have a runtime, registers the built-in
 * types, sets up logging (console + <root>/logs/hygge.log), installs the
 * SIGINT/SIGTERM handlers for the run and runs every flow. Returns the exit
 * code: 0, 1 (a flow failed, or the run could not start) or 130. */
int cli_run_flows(const struct hy_workspace *ws, const struct cli_run_options *o);

#endif /* HYGGE_CLI_RUN_H */
