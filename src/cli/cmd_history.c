/* `hygge history`: the runs the journal recorded, newest first (hygge's own
 * command; the reference has no CLI over its journal, behaviour.md §3.18).
 *
 * The project is found and loaded as `go` and `debug` do. Every flow's
 * journal is resolved (entity > flow > hygge.yml, §3.18) and the distinct
 * local journal files (D14: keyed by resolved location) are all read, so a
 * flow with its own journal shows up too; rows are merged and sorted by
 * start time. Remote journals are skipped with a note. A missing journal
 * file is an empty history; an unreadable one is an error (exit 1). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_project.h"
#include "hygge/alloc.h"
#include "hygge/journal.h"
#include "hygge/workspace.h"

#define LAST_DEFAULT 20
#define MESSAGE_MAX  80 /* characters of the message shown */

static const struct cli_option history_options[] = {
	{"flow", 'f', CLI_VALUE, "FLOW", "Only runs of this (base) flow"},
	{"entity", 'e', CLI_VALUE, "ENTITY", "Only runs of this entity (or FLOW.ENTITY)"},
	{"last", 'n', CLI_VALUE, "N", "Show the N most recent runs (default: 20; 0: all)"},
	{"failed", 0, CLI_FLAG, NULL, "Only failed runs"},
	{0},
};

struct line {
	char *start, *flow, *entity, *status, *message;
	int64_t rows;
	double duration;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static int collect(void *user, const struct hy_journal_row *r)
{
	struct lines *ls = user;
	struct line *l;

	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 32;
		struct line *v = realloc(ls->v, cap * sizeof(*v));

		if (v == NULL)
			return HY_ENOMEM;
		ls->v = v;
		ls->cap = cap;
	}
	l = &ls->v[ls->n];
	l->start = dup_or_empty(r->start_time);
	l->flow = dup_or_empty(r->flow);
	l->entity = dup_or_empty(r->entity);
	l->status = dup_or_empty(r->status);
	l->message = dup_or_empty(r->message);
	l->rows = r->row_count;
	l->duration = r->duration;
	ls->n++;
	if (l->start == NULL || l->flow == NULL || l->entity == NULL || l->status == NULL ||
	    l->message == NULL)
		return HY_ENOMEM;
	return 0;
}

static void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->v[i].start);
		free(ls->v[i].flow);
		free(ls->v[i].entity);
		free(ls->v[i].status);
		free(ls->v[i].message);
	}
	free(ls->v);
}

/* Newest first. ISO texts of one journal all end in "+00:00"; the text order
 * is the time order except for a missing fraction, which sorts before ".": the
 * same as the instant order. */
static int cmp_line(const void *pa, const void *pb)
{
	const struct line *a = pa, *b = pb;

	return strcmp(b->start, a->start);
}

/* "2025-11-22T07:15:00.5+00:00" -> "2025-11-22 07:15:00" */
static void short_time(const char *iso, char *out, size_t size)
{
	snprintf(out, size, "%.19s", iso);
	if (strlen(out) > 10 && out[10] == 'T')
		out[10] = ' ';
}

static int width(const struct lines *ls, size_t off, int min)
{
	int w = min;

	for (size_t i = 0; i < ls->n; i++) {
		const char *s = *(char *const *)(const void *)((const char *)&ls->v[i] + off);
		int len = (int)strlen(s);

		if (len > w)
			w = len;
	}
	return w;
}

static void print_table(const struct lines *ls, size_t shown)
{
	int wf = width(ls, offsetof(struct line, flow), 4);
	int we = width(ls, offsetof(struct line, entity), 6);

	printf("%-19s  %-*s  %-*s  %-7s  %10s  %9s  %s\n", "START (UTC)", wf, "FLOW", we, "ENTITY",
	       "STATUS", "ROWS", "DURATION", "MESSAGE");
	for (size_t i = 0; i < shown; i++) {
		const struct line *l = &ls->v[i];
		char start[32], rows[24], dur[32];

		short_time(l->start, start, sizeof(start));
		if (l->rows != 0)
			snprintf(rows, sizeof(rows), "%lld", (long long)l->rows);
		else
			strcpy(rows, "-");
		snprintf(dur, sizeof(dur), "%.2fs", l->duration);
		printf("%-19s  %-*s  %-*s  %-7s  %10s  %9s", start, wf, l->flow, we, l->entity,
		       l->status, rows, dur);
		if ((int)strlen(l->message) > MESSAGE_MAX)
			printf("  %.*s...\n", MESSAGE_MAX - 3, l->message);
		else if (l->message[0] != '\0')
			printf("  %s\n", l->message);
		else
			printf("\n");
	}
}

static bool seen(char **paths, size_t n, const char *p)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], p) == 0)
			return true;
	return false;
}

/* The distinct local journals of the project's flows, in flow order. */
static int journal_paths(const struct hy_workspace *ws, char ***out, size_t *nout)
{
	char **paths = calloc(ws->nflows + 1, sizeof(char *));
	size_t n = 0;

	if (paths == NULL) {
		printf("Error: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < ws->nflows; i++) {
		struct hy_error err = {0};
		char *p = NULL;
		int rc = hy_journal_resolve_local(&ws->flows[i], &p, &err);

		if (rc == HY_EUNSUPPORTED) {
			printf("Note: flow '%s': %s; not shown\n", ws->flows[i].name, err.msg);
			continue;
		}
		if (rc != 0) {
			printf("Error: flow '%s': journal: %s\n", ws->flows[i].name, err.msg);
			cli_names_free(paths, n);
			return 1;
		}
		if (p == NULL)
			continue;
		if (seen(paths, n, p)) {
			hy_free(p);
			continue;
		}
		paths[n] = strdup(p);
		hy_free(p);
		if (paths[n] == NULL) {
			cli_names_free(paths, n);
			printf("Error: out of memory\n");
			return 1;
		}
		n++;
	}
	*out = paths;
	*nout = n;
	return 0;
}

static int run_history(const struct cli_command *cmd, struct cli_parsed *p)
{
	struct hy_workspace_options opts = {.run_type_override = -1, .continue_on_error = -1};
	struct hy_workspace *ws = NULL;
	struct hy_journal_filter filter = {.last = LAST_DEFAULT};
	const char *last = cli_value(cmd, p, "last");
	struct lines ls = {0};
	struct hy_error err = {0};
	char **paths = NULL;
	size_t npaths = 0;
	char flow_part[256];
	int rc;

	if (last != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(last, &end, 10);
		if (errno != 0 || end == last || *end != '\0' || v < 0)
			return cli_usage_error(cmd,
					       "Invalid value for '--last' / '-n': '%s' is not a "
					       "valid count (0 or more).",
					       last);
		filter.last = (size_t)v;
	}
	filter.flow = cli_value(cmd, p, "flow");
	filter.entity = cli_value(cmd, p, "entity");
	if (filter.entity != NULL && filter.flow == NULL && strchr(filter.entity, '.') != NULL) {
		/* "flow.entity", as `go --entity` takes it */
		const char *dot = strchr(filter.entity, '.');

		snprintf(flow_part, sizeof(flow_part), "%.*s", (int)(dot - filter.entity),
			 filter.entity);
		filter.flow = flow_part;
		filter.entity = dot + 1;
	}
	filter.failed_only = cli_flag(cmd, p, "failed");

	rc = hy_workspace_load(&opts, &ws, &err);
	cli_print_warnings(ws);
	if (rc != 0) {
		printf("%s%s\n", rc == HY_ECONFIG ? "Configuration error: " : "Error: ", err.msg);
		hy_workspace_destroy(ws);
		return 1;
	}
	rc = journal_paths(ws, &paths, &npaths);
	if (rc == 0 && npaths == 0)
		printf("No journal configured: add a 'journal:' section to hygge.yml to record "
		       "run history.\n");
	for (size_t i = 0; i < npaths && rc == 0; i++) {
		struct hy_journal *j = NULL;

		rc = hy_journal_open(&j, paths[i], &err);
		if (rc == 0)
			rc = hy_journal_query(j, &filter, collect, &ls, &err);
		hy_journal_close(j);
		if (rc != 0) {
			printf("Error: %s\n",
			       rc == HY_ENOMEM && err.code == 0 ? "out of memory" : err.msg);
			rc = 1;
		}
	}
	if (rc == 0 && npaths > 0) {
		size_t rl = strlen(ws->root);

		/* relative to the project root when inside it */
		for (size_t i = 0; i < npaths; i++)
			printf("Journal: %s\n",
			       strncmp(paths[i], ws->root, rl) == 0 && paths[i][rl] == '/'
				       ? paths[i] + rl + 1
				       : paths[i]);
		if (ls.n > 0)
			qsort(ls.v, ls.n, sizeof(*ls.v), cmp_line);
		size_t shown = ls.n;

		if (filter.last > 0 && shown > filter.last)
			shown = filter.last;
		if (shown == 0) {
			printf("No runs recorded%s.\n",
			       filter.flow || filter.entity || filter.failed_only
				       ? " that match the filter"
				       : " yet");
		} else {
			printf("\n");
			print_table(&ls, shown);
		}
	}
	lines_free(&ls);
	cli_names_free(paths, npaths);
	hy_workspace_destroy(ws);
	return rc;
}

const struct cli_command cli_cmd_history = {
	.name = "history",
	.summary = "Show recent runs from the project's journal.",
	.description = "  Show recent runs from the project's journal.\n\n"
		       "  Finds hygge.yml as `hygge go` does, reads every local journal the\n"
		       "  flows use (journal: in hygge.yml, flow.yml or an entity) and prints\n"
		       "  the runs newest first: start time (UTC), flow, entity, status, rows,\n"
		       "  duration and message. Remote journals are not read yet.",
	.min_args = 0,
	.max_args = 0,
	.options = history_options,
	.run = run_history,
};
