/* `hygge init PROJECT_NAME`: a new project folder with an example flow
 * (behaviour.md section 4.1). The files and the lines printed are the
 * reference's, so its users find what they expect. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_option init_options[] = {
	{"flows-dir", 'd', CLI_VALUE, "NAME", "Name of the flows directory (default: flows)"},
	{"force", 'f', CLI_FLAG, NULL, "Overwrite existing project directory if it exists"},
	{0},
};

/* A name that becomes one directory: no separators, not "." or "..". */
static int check_plain_name(const char *what, const char *name)
{
	if (name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		printf("Error: %s '%s' must be a plain directory name (no '/')\n", what, name);
		return 1;
	}
	return 0;
}

static int make_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	printf("Error: cannot create directory %s: %s\n", path, strerror(errno));
	return 1;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		printf("Error: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		printf("Error: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* The text between double quotes in YAML: backslash and quote escaped. */
static void yaml_quote(char *out, size_t size, const char *text)
{
	size_t n = 0;

	for (; *text != '\0' && n + 3 < size; text++) {
		if (*text == '"' || *text == '\\')
			out[n++] = '\\';
		out[n++] = *text;
	}
	out[n] = '\0';
}

static const char flow_yml[] = "name: \"example_flow\"\n"
			       "home:\n"
			       "  type: \"parquet\"\n"
			       "  path: \"data/source\"\n"
			       "store:\n"
			       "  type: \"parquet\"\n"
			       "  path: \"data/destination\"\n"
			       "\n"
			       "# Flow-level defaults\n"
			       "defaults:\n"
			       "  key_column: \"id\"\n"
			       "  batch_size: 10000\n";

static const char users_yml[] = "name: \"users\"\n"
				"columns:\n"
				"  - id\n"
				"  - name\n"
				"  - email\n"
				"  - created_at\n"
				"\n"
				"# Optional source-specific configuration\n"
				"source_config:\n"
				"  where: \"created_at > '2024-01-01'\"\n";

static int run_init(const struct cli_command *cmd, struct cli_parsed *p)
{
	const char *name = p->args[0];
	const char *flows_dir = cli_value(cmd, p, "flows-dir");
	char cwd[PATH_MAX], project[PATH_MAX + 256], path[PATH_MAX + 512];
	char qname[512], qflows[512], hygge_yml[1200];
	struct stat st;

	if (flows_dir == NULL)
		flows_dir = "flows";
	if (check_plain_name("project name", name) ||
	    check_plain_name("flows directory", flows_dir))
		return 1;
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		printf("Error: cannot read the current directory: %s\n", strerror(errno));
		return 1;
	}
	snprintf(project, sizeof(project), "%s/%s", cwd, name);
	if (stat(project, &st) == 0 && !cli_flag(cmd, p, "force")) {
		printf("Project directory '%s' already exists in %s\n", name, cwd);
		printf("Use --force to overwrite it\n");
		return 1;
	}
	if (make_dir(project))
		return 1;
	printf("Created project directory: %s\n", project);

	yaml_quote(qname, sizeof(qname), name);
	yaml_quote(qflows, sizeof(qflows), flows_dir);
	snprintf(hygge_yml, sizeof(hygge_yml),
		 "name: \"%s\"\nflows_dir: \"%s\"\n\n# Project-level options\noptions:\n"
		 "  log_level: INFO\n  continue_on_error: false\n",
		 qname, qflows);
	snprintf(path, sizeof(path), "%s/hygge.yml", project);
	if (write_file(path, hygge_yml))
		return 1;
	printf("Created hygge.yml for project '%s'\n", name);

	snprintf(path, sizeof(path), "%s/%s", project, flows_dir);
	if (make_dir(path))
		return 1;
	printf("Created flows directory: %s\n", path);
	snprintf(path, sizeof(path), "%s/%s/example_flow", project, flows_dir);
	if (make_dir(path))
		return 1;
	snprintf(path, sizeof(path), "%s/%s/example_flow/flow.yml", project, flows_dir);
	if (write_file(path, flow_yml))
		return 1;
	printf("Created example flow: %s\n", path);
	snprintf(path, sizeof(path), "%s/%s/example_flow/entities", project, flows_dir);
	if (make_dir(path))
		return 1;
	snprintf(path, sizeof(path), "%s/%s/example_flow/entities/users.yml", project, flows_dir);
	if (write_file(path, users_yml))
		return 1;
	printf("Created example entity: %s\n", path);

	printf("\nhygge project initialized successfully!\n\nNext steps:\n");
	printf("  1. cd %s\n", name);
	printf("  2. Edit %s/example_flow/flow.yml to configure your data sources\n", flows_dir);
	printf("  3. Update paths in flow.yml to point to your actual data locations\n");
	printf("  4. Run: hygge go\n");
	return 0;
}

const struct cli_command cli_cmd_init = {
	.name = "init",
	.summary = "Initialize a new hygge project in a new directory.",
	.description = "  Initialize a new hygge project in a new directory.\n\n"
		       "  PROJECT_NAME: Name of the project and directory to create",
	.arguments = "PROJECT_NAME",
	.min_args = 1,
	.max_args = 1,
	.options = init_options,
	.run = run_init,
};
