/* `hygge debug`: is the project ready? (behaviour.md §4.3). Loads and
 * validates every flow, lists them, shows each connection and checks local
 * paths against the project root (D18). Creates nothing on disk. */
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_project.h"
#include "hygge/alloc.h"
#include "hygge/workspace.h"

static const struct cli_option debug_options[] = {
	{0},
};

static void print_flows(const struct hy_workspace *ws)
{
	printf("📋 Discovered Flows:\n");
	for (size_t i = 0; i < ws->nflows;) {
		const char *base = ws->flows[i].base_flow;
		size_t n = 0;

		while (i + n < ws->nflows && strcmp(ws->flows[i + n].base_flow, base) == 0)
			n++;
		printf("  • %s\n", base);
		if (n > 1 || ws->flows[i].entity != NULL) {
			printf("    %zu entities ready to move\n", n);
			for (size_t j = i; j < i + n; j++)
				printf("      - %s\n", ws->flows[j].entity != NULL
							       ? ws->flows[j].entity
							       : "(direct flow)");
		}
		i += n;
	}
	printf("\n");
}

static void print_connections(const struct hy_workspace *ws)
{
	if (ws->nconnections == 0) {
		printf("ℹ️  No database connections configured (that's okay!)\n\n");
		return;
	}
	printf("🔌 Testing %zu database connection(s)...\n\n", ws->nconnections);
	for (size_t i = 0; i < ws->nconnections; i++) {
		const struct hy_connection_config *c = &ws->connections[i];

		printf("  %s\n    Type: %s\n    Server: %s\n    Database: %s\n", c->name, c->type,
		       c->server != NULL ? c->server : "unknown",
		       c->database != NULL ? c->database : "unknown");
		printf("    ⚠️  Connection testing is not available in this build yet\n\n");
	}
}

static bool exists(const char *path)
{
	struct stat st;

	return path != NULL && stat(path, &st) == 0;
}

/* dirname() of a copy; "." for a bare name, as Python's Path.parent. */
static void parent_of(const char *path, char *buf, size_t size)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(buf, size, "%s", dirname(copy));
}

static void check_paths(const struct hy_workspace *ws)
{
	char issues[64][PATH_MAX + 64];
	size_t nissues = 0, warned = 0, checked = 0;
	char rel[PATH_MAX], abs[PATH_MAX];

#define ISSUE(...)                                                                                 \
	do {                                                                                       \
		if (nissues < 64)                                                                  \
			snprintf(issues[nissues++], sizeof(issues[0]), __VA_ARGS__);               \
	} while (0)

	for (size_t i = 0; i < ws->nflows; i++) {
		const struct hy_entity_flow *ef = &ws->flows[i];
		const char *store_rel = NULL, *store_abs = NULL;

		if (ef->home.def->family == HY_FAM_FILE) {
			checked++;
			if (!exists(ef->home.u.file.abs_path)) {
				warned++;
				ISSUE("  ⚠️  Home path doesn't exist: %s",
				      ef->home.u.file.path);
				ISSUE("     Flow: %s", ef->base_flow);
				ISSUE("     💡 Create it: mkdir -p %s", ef->home.u.file.path);
			}
		}
		if (ef->store.def->family == HY_FAM_FILE) {
			store_rel = ef->store.u.file.path;
			store_abs = ef->store.u.file.abs_path;
		} else if (ef->store.def->family == HY_FAM_SQLITE) {
			store_rel = ef->store.u.sqlite.path;
			store_abs = ef->store.u.sqlite.abs_path;
		}
		if (store_rel == NULL)
			continue;
		checked++;
		parent_of(store_rel, rel, sizeof(rel));
		parent_of(store_abs, abs, sizeof(abs));
		if (!exists(abs)) {
			warned++;
			ISSUE("  ⚠️  Store parent directory doesn't exist: %s", rel);
			ISSUE("     Flow: %s", ef->base_flow);
			ISSUE("     💡 Create it: mkdir -p %s", rel);
		}
	}
#undef ISSUE
	if (nissues > 0) {
		printf("  Found issues with %zu path(s):\n", warned);
		for (size_t i = 0; i < nissues; i++)
			printf("%s\n", issues[i]);
		printf("\n");
	} else if (checked > 0) {
		printf("  ✓ All %zu path(s) look good\n\n", checked);
	} else {
		printf("  ℹ️  No local paths to validate\n\n");
	}
}

static int run_debug(const struct cli_command *cmd, struct cli_parsed *p)
{
	struct hy_workspace_options opts = {.run_type_override = -1, .continue_on_error = -1};
	struct hy_workspace *ws = NULL;
	struct hy_error err = {0};
	int rc;

	(void)cmd;
	(void)p;
	printf("🏡 hygge debug - Let's make sure everything feels right\n\n");
	fflush(stdout);
	rc = hy_workspace_load(&opts, &ws, &err);
	cli_print_warnings(ws);
	if (rc == HY_ECONFIG) {
		printf("\n❌ Configuration Error\n   %s\n\n💡 What to do:\n"
		       "   • Check your hygge.yml and flow.yml files\n"
		       "   • Make sure all required fields are present\n"
		       "   • Verify YAML syntax is correct\n",
		       err.msg);
	} else if (rc != 0) {
		printf("\n❌ Unexpected Error\n   %s\n\n💡 This might help:\n"
		       "   • Check file permissions\n"
		       "   • Verify you're in a hygge project directory\n"
		       "   • Look for a hygge.yml file in the current or parent directory\n",
		       err.msg);
	} else {
		printf("✓ Project configuration is valid\n  Project: %s\n  Flows directory: %s\n"
		       "  Total flows: %zu\n\n",
		       ws->name, ws->flows_dir, ws->nflows);
		print_flows(ws);
		print_connections(ws);
		printf("📁 Validating paths...\n");
		check_paths(ws);
		printf("\n✨ Everything looks good!\n   Your hygge project is ready to go.\n"
		       "\n💡 Next steps:\n   • Run: hygge go\n"
		       "   • Or run specific flows: hygge go --flow flow_name\n");
	}
	hy_workspace_destroy(ws);
	return rc != 0 ? 1 : 0;
}

const struct cli_command cli_cmd_debug = {
	.name = "debug",
	.summary = "Debug hygge project configuration and test all connections.",
	.description = "  Debug hygge project configuration and test all connections.\n\n"
		       "  Validates hygge.yml and every flow, lists the flows and entities,\n"
		       "  shows each connection and checks that local paths exist (relative\n"
		       "  paths are taken from the project root). Creates nothing.",
	.min_args = 0,
	.max_args = 0,
	.options = debug_options,
	.run = run_debug,
};
