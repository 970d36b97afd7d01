/* `hygge __config-doc` (hidden): prints docs/config.md from the option
 * tables, so the reference cannot drift from what hygge accepts. The ctest
 * docs.config fails when the committed file differs from this output. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hygge/cfgtypes.h"

static const struct cli_option doc_options[] = {
	{0},
};

static const char *kind_name(const struct hy_option *o)
{
	switch (o->kind) {
	case HY_OPT_KIND_STR: return "string";
	case HY_OPT_KIND_INT: return "integer";
	case HY_OPT_KIND_FLOAT: return "number";
	case HY_OPT_KIND_BOOL: return "boolean";
	case HY_OPT_KIND_ENUM: return "choice";
	case HY_OPT_KIND_MAP: return "mapping";
	case HY_OPT_KIND_LIST: return "list";
	default: return "any";
	}
}

static void bound_text(const struct hy_option *o, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	if (o->kind == HY_OPT_KIND_ENUM) {
		for (int i = 0; o->values[i] != NULL && used < size; i++) {
			int n = snprintf(buf + used, size - used, "%s`%s`", i ? ", " : "",
					 o->values[i]);
			used += n > 0 ? (size_t)n : 0;
		}
	} else if (o->kind == HY_OPT_KIND_INT || o->kind == HY_OPT_KIND_FLOAT) {
		if (o->min == 0 && o->max == 0)
			return;
		if (o->max == INT64_MAX)
			snprintf(buf, size, "≥ %" PRId64, o->min);
		else
			snprintf(buf, size, "%" PRId64 "..%" PRId64, o->min, o->max);
	}
}

static void default_text(const struct hy_option *o, char *buf, size_t size)
{
	char raw[256];

	if (o->required) {
		snprintf(buf, size, "required");
		return;
	}
	hy_cfg_option_default_text(o, raw, sizeof(raw));
	if ((o->kind == HY_OPT_KIND_INT && (o->min != 0 || o->max != 0) && o->def.i < o->min) ||
	    (o->kind == HY_OPT_KIND_BOOL && o->offset == HY_OPT_NO_OFFSET && !o->def.b &&
	     strcmp(o->name, "full_drop") == 0) ||
	    o->kind == HY_OPT_KIND_MAP || o->kind == HY_OPT_KIND_LIST ||
	    o->kind == HY_OPT_KIND_ANY || (o->kind == HY_OPT_KIND_STR && o->def.s == NULL) ||
	    (o->kind == HY_OPT_KIND_ENUM && o->def.e < 0))
		snprintf(buf, size, "—");
	else if (raw[0] == '\0')
		snprintf(buf, size, "`\"\"`");
	else
		snprintf(buf, size, "`%s`", raw);
}

static void print_table(const char *title, const char *intro, const struct hy_option *table)
{
	char def[300], bounds[300];

	printf("### %s\n\n", title);
	if (intro != NULL)
		printf("%s\n\n", intro);
	printf("| key | kind | default | allowed | meaning |\n|---|---|---|---|---|\n");
	for (const struct hy_option *o = table; o->name != NULL; o++) {
		default_text(o, def, sizeof(def));
		bound_text(o, bounds, sizeof(bounds));
		printf("| `%s` | %s | %s | %s | %s |\n", o->name, kind_name(o), def, bounds,
		       o->help != NULL ? o->help : "");
	}
	printf("\n");
}

static void print_types(enum hy_cfg_role role)
{
	const struct hy_cfg_type *const *t = hy_cfg_types();
	char title[128];

	for (; *t != NULL; t++) {
		if ((*t)->role != role)
			continue;
		snprintf(title, sizeof(title), "%s `%s`", role == HY_CFG_HOME ? "Home" : "Store",
			 (*t)->name);
		print_table(title, (*t)->summary, (*t)->options);
	}
}

static int run_doc(const struct cli_command *cmd, struct cli_parsed *p)
{
	(void)cmd;
	(void)p;
	printf("# Configuration reference\n\n"
	       "Generated from hygge's option tables by `hygge __config-doc`; do not edit by\n"
	       "hand (the ctest `docs.config` fails when this file and the tables differ).\n"
	       "Behaviour behind the keys: `docs/cli.md` and the shared behaviour notes.\n\n"
	       "A key that is absent or null takes its default. Integers accept `\"42\"` and\n"
	       "`${VAR}` values; choices ignore case. Unknown keys are ignored with a warning\n"
	       "that names file:line:col and the nearest known key. Relative paths are\n"
	       "taken from the project root (the folder of `hygge.yml`).\n\n");
	printf("## hygge.yml\n\n");
	print_table("Project", NULL, hy_cfg_project_options);
	print_table("options", NULL, hy_cfg_project_opts_options);
	print_table("connections: `<name>` (type mssql)",
		    "`type` is required: `mssql` or `postgres`.",
		    hy_cfg_connection_options("mssql"));
	print_table("connections: `<name>` (type postgres)", NULL,
		    hy_cfg_connection_options("postgres"));
	print_table("journal",
		    "Also allowed in flow.yml and in an entity; the entity's beats the flow's, "
		    "the flow's beats hygge.yml's.",
		    hy_cfg_journal_options);
	printf("## flow.yml\n\n");
	print_table("Flow",
		    "`home` and `store` may be a string: `{type: parquet, path: <string>}`. "
		    "`--incremental`/`--full-drop` beat `run_type` and `full_drop`.",
		    hy_cfg_flow_options);
	print_table("Entity",
		    "An entry of `entities:` (or a file `entities/<name>.yml`, with the flow's "
		    "`defaults` under it). A string entry is just a name.",
		    hy_cfg_entity_options);
	print_table("watermark", NULL, hy_cfg_watermark_options);
	printf("## Homes\n\n");
	print_types(HY_CFG_HOME);
	printf("## Stores\n\n");
	print_types(HY_CFG_STORE);
	printf("## polish (stores parquet, local, adls, onelake, open_mirroring)\n\n");
	print_table("polish", NULL, hy_cfg_polish_options);
	print_table("polish.columns", NULL, hy_cfg_polish_columns_options);
	print_table("polish.hash_ids[]", NULL, hy_cfg_polish_hash_options);
	print_table("polish.constants[]", NULL, hy_cfg_polish_constant_options);
	print_table("polish.timestamps[]", NULL, hy_cfg_polish_timestamp_options);
	print_table("polish.add_row_marker", NULL, hy_cfg_polish_row_marker_options);
	return 0;
}

const struct cli_command cli_cmd_config_doc = {
	.name = "__config-doc",
	.summary = "Print docs/config.md from the option tables.",
	.description = "  Print docs/config.md from the option tables.",
	.min_args = 0,
	.max_args = 0,
	.options = doc_options,
	.run = run_doc,
	.hidden = true,
};
