/* `hygge go`: load and validate the project, then run its flows, or with
 * --dry-run print what would run (behaviour.md §4.2, §4.4; decisions.md
 * D15-D17). The run itself is cli_run.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_project.h"
#include "cli_run.h"
#include "hygge/config.h"
#include "hygge/workspace.h"

static const struct cli_option go_options[] = {
	{"flow", 'f', CLI_LIST, "NAMES",
	 "Run specific flow(s): base flow names (e.g. 'salesforce') or entity flow names (e.g. "
	 "'salesforce_Involvement'), comma-separated; may be repeated"},
	{"entity", 'e', CLI_LIST, "FLOW.ENTITY",
	 "Run specific entities, format flow.entity (e.g. salesforce.Account), comma-separated; "
	 "may be repeated"},
	{"incremental", 'i', CLI_FLAG, NULL,
	 "Run flows in incremental mode (appends data instead of truncating)"},
	{"full-drop", 'd', CLI_FLAG, NULL,
	 "Run flows in full_drop mode (replaces the destination's data)"},
	{"concurrency", 'c', CLI_VALUE, "INT",
	 "Maximum number of flows to run at once (default: hygge.yml options.concurrency, else "
	 "the largest connection pool_size, else 8)"},
	{"var", 0, CLI_LIST, "TEXT",
	 "Override flow configuration values: flow.<flow_name>.field=value (e.g. "
	 "flow.mssql_to_mirrored_db.full_drop=true); may be repeated"},
	{"dry-run", 0, CLI_FLAG, NULL, "Preview what would happen without moving data"},
	{"verbose", 0, CLI_FLAG, NULL, "Detailed --dry-run preview; debug lines in the log"},
	{"continue-on-error", 0, CLI_FLAG, NULL,
	 "Keep running other flows when one fails (exit code is still 1)"},
	{"log-format", 0, CLI_VALUE, "[text|json]", "Log lines as text (default) or JSON objects"},
	{0},
};

struct go_args {
	char **filter;
	size_t nfilter;
	struct hy_cfg_node *vars;
	struct hy_workspace_options opts;
	bool dry_run, verbose, json;
};

/* Display width in characters (code points) of UTF-8 text. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *home_path(const struct hy_home_config *h)
{
	return h->def->family == HY_FAM_FILE ? h->u.file.path : NULL;
}

static const char *store_path(const struct hy_store_config *s)
{
	switch (s->def->family) {
	case HY_FAM_FILE: return s->u.file.path;
	case HY_FAM_SQLITE: return s->u.sqlite.path;
	case HY_FAM_LAKE: return s->u.lake.path;
	default: return NULL;
	}
}

/* The preview's warnings for one flow (behaviour.md §4.4). */
static int flow_warnings(const struct hy_entity_flow *ef, const char *out[2])
{
	int n = 0;

	if (!ef->watermark.present)
		out[n++] =
			ef->run_type == HY_RUN_INCREMENTAL
				? "Incremental run requested but no watermark configured - would "
				  "process all rows"
				: "No incremental watermark configured - would process all rows";
	else if (ef->run_type == HY_RUN_INCREMENTAL && !ef->journal.present)
		out[n++] = "Watermark configured but no journal - would process all rows (add "
			   "journal: to remember watermarks)";
	return n;
}

static void print_concise(const struct hy_entity_flow *ef, int nwarn)
{
	size_t w = text_width(ef->name);

	printf("%s %s%*s %s → %s %s\n", nwarn ? "⚠️ " : "✓", ef->name,
	       w < 30 ? (int)(30 - w) : 0, "", ef->home.def->impl, ef->store.def->impl,
	       ef->watermark.present ? "(incremental)" : "(full load)");
}

static void print_rule(void)
{
	for (int i = 0; i < 60; i++)
		fputs("━", stdout);
	putchar('\n');
}

static void print_source(const struct hy_home_config *h)
{
	printf("📥 Source\n   Type: %s\n", h->def->impl);
	if (home_path(h) != NULL)
		printf("   Path: %s\n", home_path(h));
	if (h->def->family == HY_FAM_DB) {
		if (h->u.db.table != NULL)
			printf("   Table: %s\n", h->u.db.table);
		if (h->u.db.query != NULL)
			printf("   Query: %s\n", h->u.db.query);
		if (h->u.db.connection != NULL)
			printf("   Connection: %s\n", h->u.db.connection);
	}
	printf("\n");
}

static void print_destination(const struct hy_store_config *s)
{
	const char *table = s->def->family == HY_FAM_DB       ? s->u.db.table
			    : s->def->family == HY_FAM_SQLITE ? s->u.sqlite.table
							      : NULL;

	printf("📤 Destination\n   Type: %s\n", s->def->impl);
	if (store_path(s) != NULL)
		printf("   Path: %s\n", store_path(s));
	if (table != NULL)
		printf("   Table: %s\n", table);
	if (s->def->family == HY_FAM_DB && s->u.db.connection != NULL)
		printf("   Connection: %s\n", s->u.db.connection);
	if (s->def->family == HY_FAM_LAKE && strcmp(s->def->name, "adls") != 0)
		printf("   Workspace: %s\n", s->u.lake.filesystem);
	printf("\n");
}

static void print_verbose(const struct hy_entity_flow *ef, const char *const *warn, int nwarn)
{
	const struct hy_watermark_config *wm = &ef->watermark;

	print_rule();
	if (ef->entity != NULL)
		printf("Flow: %s.%s\n", ef->base_flow, ef->entity);
	else
		printf("Flow: %s\n", ef->name);
	print_rule();
	printf("\n");
	print_source(&ef->home);
	print_destination(&ef->store);
	if (wm->present) {
		/* D15: the watermark column is shown (the reference never showed it). */
		printf("💧 Incremental Mode: Enabled\n");
		printf("   Watermark column: %s\n", wm->watermark_column);
		if (wm->primary_key != NULL)
			printf("   Primary key: %s\n", wm->primary_key);
		if (wm->lookback != NULL)
			printf("   Lookback: %s\n", wm->lookback);
		printf("   Would process rows where %s > last_watermark%s\n", wm->watermark_column,
		       wm->lookback != NULL ? " - lookback" : "");
	} else {
		printf("💧 Mode: Full load\n   Would process all rows\n");
	}
	printf("\n");
	for (int i = 0; i < nwarn; i++)
		printf("⚠️  %s\n", warn[i]);
	if (nwarn > 0)
		printf("\n");
	printf("✓ Ready to preview\n   (use 'hygge debug' to test connections)\n\n");
}

static void print_preview(const struct hy_workspace *ws, const struct go_args *a)
{
	size_t with_warnings = 0;

	printf("\n🏡 hygge dry-run preview\n\nWould run %zu flow(s)", ws->nflows);
	for (size_t i = 0; i < a->nfilter; i++)
		printf("%s%s", i ? ", " : " matching: ", a->filter[i]);
	printf("\n\n");
	for (size_t i = 0; i < ws->nflows; i++) {
		const char *warn[2];
		int nwarn = flow_warnings(&ws->flows[i], warn);

		if (a->verbose)
			print_verbose(&ws->flows[i], warn, nwarn);
		else
			print_concise(&ws->flows[i], nwarn);
		with_warnings += nwarn > 0;
	}
	printf("\n📊 Summary:\n   ✓ %zu flow(s) configured\n", ws->nflows);
	if (with_warnings > 0)
		printf("   ⚠️  %zu flow(s) with warnings\n", with_warnings);
	printf("\n💡 Next steps:\n");
	if (a->verbose && with_warnings > 0)
		printf("   • Review warnings above\n");
	printf("   • Test connections: hygge debug\n");
	if (a->nfilter > 0) {
		printf("   • Run flows: hygge go --flow ");
		for (size_t i = 0; i < a->nfilter; i++)
			printf("%s%s", i ? "," : "", a->filter[i]);
		printf("\n");
	} else {
		printf("   • Run flows: hygge go\n");
	}
}

/* Reads the flags into *a; prints the error and returns its exit code. */
static int parse_go(const struct cli_command *cmd, struct cli_parsed *p, struct go_args *a)
{
	const char *conc = cli_value(cmd, p, "concurrency");
	const char *fmt = cli_value(cmd, p, "log-format");
	const char *const *vars = p->list[cli_option_index(cmd, "var")];
	struct hy_error err = {0};

	if (conc != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(conc, &end, 10);
		if (errno != 0 || end == conc || *end != '\0')
			return cli_usage_error(cmd,
					       "Invalid value for '--concurrency' / '-c': '%s' is "
					       "not a valid integer.",
					       conc);
		if (v < 1 || v > 1024)
			return cli_usage_error(
				cmd,
				"Invalid value for '--concurrency' / '-c': %ld is not "
				"in the range 1<=x<=1024.",
				v);
		a->opts.concurrency = v;
	}
	if (fmt != NULL && strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)
		return cli_usage_error(
			cmd,
			"Invalid value for '--log-format': '%s' is not one of 'text', "
			"'json'.",
			fmt);
	if (cli_flag(cmd, p, "incremental") && cli_flag(cmd, p, "full-drop")) {
		printf("Error: Cannot specify both --incremental and --full-drop\n");
		return 1;
	}
	if (cli_split_names(p->list[cli_option_index(cmd, "flow")], false, &a->filter,
			    &a->nfilter) ||
	    cli_split_names(p->list[cli_option_index(cmd, "entity")], true, &a->filter,
			    &a->nfilter))
		return 1;
	for (size_t i = 0; vars != NULL && vars[i] != NULL; i++)
		if (hy_cfg_var_parse(&a->vars, vars[i], &err) != 0) {
			printf("Error: %s\n", err.msg);
			return 1;
		}
	a->opts.run_type_override = cli_flag(cmd, p, "incremental") ? HY_RUN_INCREMENTAL
				    : cli_flag(cmd, p, "full-drop") ? HY_RUN_FULL_DROP
								    : -1;
	a->opts.continue_on_error = cli_flag(cmd, p, "continue-on-error") ? 1 : -1;
	a->opts.vars = a->vars;
	a->opts.filter = (const char *const *)a->filter;
	a->opts.nfilter = a->nfilter;
	a->dry_run = cli_flag(cmd, p, "dry-run");
	a->verbose = cli_flag(cmd, p, "verbose");
	a->json = fmt != NULL && strcmp(fmt, "json") == 0;
	return 0;
}

static int run_go(const struct cli_command *cmd, struct cli_parsed *p)
{
	struct go_args a = {0};
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	int rc = parse_go(cmd, p, &a);

	if (rc != 0)
		goto out;
	rc = hy_workspace_load(&a.opts, &ws, &err);
	cli_print_warnings(ws);
	if (rc != 0) {
		printf("%s%s\n", rc == HY_ECONFIG ? "Configuration error: " : "Error: ", err.msg);
		rc = 1;
		goto out;
	}
	if (a.dry_run) {
		print_preview(ws, &a);
		goto out;
	}
	rc = cli_run_flows(ws, &(struct cli_run_options){.verbose = a.verbose,
							 .json = a.json,
							 .filter = (const char *const *)a.filter,
							 .nfilter = a.nfilter});
out:
	hy_workspace_destroy(ws);
	hy_cfg_node_destroy(a.vars);
	cli_names_free(a.filter, a.nfilter);
	return rc;
}

const struct cli_command cli_cmd_go = {
	.name = "go",
	.summary = "Execute flows in the current hygge project.",
	.description = "  Execute flows in the current hygge project.\n\n"
		       "  Finds hygge.yml in the current directory or a parent, validates every\n"
		       "  flow and runs them (with --dry-run: shows what would run).",
	.min_args = 0,
	.max_args = 0,
	.options = go_options,
	.run = run_go,
};
