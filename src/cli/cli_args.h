/* Command-line parsing for `hygge`, driven by one option table per command.
 * The same tables print `hygge <command> --help` and docs/cli.md. */
#ifndef HYGGE_CLI_ARGS_H
#define HYGGE_CLI_ARGS_H

#include <stdbool.h>
#include <stdio.h>

enum cli_kind {
	CLI_FLAG,  /* --force: present or not */
	CLI_VALUE, /* --flows-dir NAME: the last occurrence wins */
	CLI_LIST,  /* --var K=V: every occurrence kept, in order */
};

struct cli_option {
	const char *long_name; /* without the leading "--" */
	char short_name;       /* 0 when there is none */
	enum cli_kind kind;
	const char *metavar; /* for values: "NAME", "INT" ... */
	const char *help;
};

#define CLI_MAX_OPTIONS 24
#define CLI_MAX_ARGS    16

/* What one command line said. Pointers borrow from argv. */
struct cli_parsed {
	int count[CLI_MAX_OPTIONS];         /* occurrences per option */
	const char *value[CLI_MAX_OPTIONS]; /* last value per option */
	const char **list[CLI_MAX_OPTIONS]; /* every value (CLI_LIST), heap array */
	const char *args[CLI_MAX_ARGS];     /* positional arguments */
	int nargs;
	bool help;
};

struct cli_command {
	const char *name;
	const char *summary;     /* one line for `hygge --help` */
	const char *description; /* paragraphs for `hygge <name> --help` */
	const char *arguments;   /* positional arguments for the usage line, e.g. "PROJECT_NAME" */
	int min_args, max_args;
	const struct cli_option *options; /* ends with a zeroed entry */
	int (*run)(const struct cli_command *cmd, struct cli_parsed *parsed);
	bool hidden; /* not listed by `hygge --help` (e.g. __config-doc) */
};

/* Parses argv (after the command name). On a usage error prints the usage,
 * a hint and the error to stderr and returns 2; otherwise 0. */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_parsed *out);
void cli_parsed_free(struct cli_parsed *parsed);
/* Index of the option named `long_name` in cmd->options (it must exist). */
int cli_option_index(const struct cli_command *cmd, const char *long_name);
bool cli_flag(const struct cli_command *cmd, const struct cli_parsed *p, const char *long_name);
const char *cli_value(const struct cli_command *cmd, const struct cli_parsed *p,
		      const char *long_name);

void cli_print_command_help(FILE *out, const struct cli_command *cmd);
/* Prints "Usage: ...", "Try ... --help" and "Error: <message>" to stderr; returns 2. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* HYGGE_CLI_ARGS_H */
