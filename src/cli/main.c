/* The `hygge` command: global options and dispatch to cmd_<name>.c. Only
 * src/cli/ prints and decides exit codes (architecture.md section 6: 0 ok,
 * 1 a flow failed or bad configuration, 2 usage error, 130 interrupted). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hygge/version.h"

static const struct cli_command *const commands[] = {
	&cli_cmd_init,       &cli_cmd_go,      &cli_cmd_debug,
	&cli_cmd_config_doc, &cli_cmd_inspect, &cli_cmd_history,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *out)
{
	fprintf(out, "Usage: hygge [OPTIONS] COMMAND [ARGS]...\n"
		     "\n"
		     "  hygge - comfortable data movement framework\n"
		     "\n"
		     "  Moves tables from where they live (homes) to where they should settle\n"
		     "  (stores): parquet, CSV and NDJSON files, databases and lakes.\n"
		     "\n"
		     "Options:\n"
		     "  --version   Show the version and exit.\n"
		     "  --help      Show this message and exit.\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!commands[i]->hidden)
			fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
}

static int top_usage_error(const char *message)
{
	fprintf(stderr,
		"Usage: hygge [OPTIONS] COMMAND [ARGS]...\n"
		"Try 'hygge --help' for help.\n\nError: %s\n",
		message);
	return 2;
}

int main(int argc, char **argv)
{
	struct cli_parsed parsed;
	char message[512];
	int rc;

	if (argc < 2) {
		print_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hygge, version %s\n", HYGGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(stdout);
		return 0;
	}
	if (argv[1][0] == '-') {
		snprintf(message, sizeof(message), "No such option: %s", argv[1]);
		return top_usage_error(message);
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct cli_command *cmd = commands[i];

		if (strcmp(argv[1], cmd->name) != 0)
			continue;
		rc = cli_parse(cmd, argc - 2, argv + 2, &parsed);
		if (rc == 0 && parsed.help) {
			cli_print_command_help(stdout, cmd);
		} else if (rc == 0) {
			rc = cmd->run(cmd, &parsed);
			fflush(stdout);
		}
		cli_parsed_free(&parsed);
		return rc;
	}
	snprintf(message, sizeof(message), "No such command '%s'.", argv[1]);
	return top_usage_error(message);
}
