/* Table-driven option parsing with click-like usage errors (the reference's
 * CLI is built on click, and users know its messages). */
#include "cli_args.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void print_usage_line(FILE *out, const struct cli_command *cmd)
{
	fprintf(out, "Usage: hygge %s [OPTIONS]%s%s\n", cmd->name, cmd->arguments ? " " : "",
		cmd->arguments ? cmd->arguments : "");
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	print_usage_line(stderr, cmd);
	fprintf(stderr, "Try 'hygge %s --help' for help.\n\nError: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

int cli_option_index(const struct cli_command *cmd, const char *long_name)
{
	for (int i = 0; cmd->options[i].long_name != NULL; i++)
		if (strcmp(cmd->options[i].long_name, long_name) == 0)
			return i;
	abort(); /* a typo in the calling command's code, not user input */
}

bool cli_flag(const struct cli_command *cmd, const struct cli_parsed *p, const char *long_name)
{
	return p->count[cli_option_index(cmd, long_name)] > 0;
}

const char *cli_value(const struct cli_command *cmd, const struct cli_parsed *p,
		      const char *long_name)
{
	return p->value[cli_option_index(cmd, long_name)];
}

static int find_long(const struct cli_command *cmd, const char *name, size_t len)
{
	for (int i = 0; cmd->options[i].long_name != NULL; i++)
		if (strlen(cmd->options[i].long_name) == len &&
		    strncmp(cmd->options[i].long_name, name, len) == 0)
			return i;
	return -1;
}

static int find_short(const struct cli_command *cmd, char c)
{
	for (int i = 0; cmd->options[i].long_name != NULL; i++)
		if (cmd->options[i].short_name == c)
			return i;
	return -1;
}

static int record(const struct cli_command *cmd, struct cli_parsed *out, int idx, const char *value)
{
	const struct cli_option *opt = &cmd->options[idx];

	out->count[idx]++;
	out->value[idx] = value;
	if (opt->kind == CLI_LIST) {
		const char **grown =
			realloc(out->list[idx], sizeof(char *) * (out->count[idx] + 1));

		if (grown == NULL) {
			fprintf(stderr, "hygge: out of memory\n");
			return 1;
		}
		grown[out->count[idx] - 1] = value;
		grown[out->count[idx]] = NULL;
		out->list[idx] = grown;
	}
	return 0;
}

/* Handles one option token; *i advances past a separate value. */
static int parse_option(const struct cli_command *cmd, int argc, char **argv, int *i,
			struct cli_parsed *out)
{
	const char *tok = argv[*i];
	const char *inline_value = NULL;
	const char *shown = tok;
	int idx;

	if (tok[1] == '-') {
		const char *eq = strchr(tok + 2, '=');
		size_t len = eq ? (size_t)(eq - tok - 2) : strlen(tok + 2);

		idx = find_long(cmd, tok + 2, len);
		inline_value = eq ? eq + 1 : NULL;
	} else {
		idx = tok[2] == '\0' ? find_short(cmd, tok[1]) : -1;
		if (idx < 0 && tok[1] != '\0' && find_short(cmd, tok[1]) >= 0 &&
		    cmd->options[find_short(cmd, tok[1])].kind != CLI_FLAG) {
			idx = find_short(cmd, tok[1]); /* -dNAME */
			inline_value = tok + 2;
		}
	}
	if (idx < 0)
		return cli_usage_error(cmd, "No such option: %s", shown);
	if (cmd->options[idx].kind == CLI_FLAG) {
		if (inline_value != NULL)
			return cli_usage_error(cmd, "Option '--%s' does not take a value.",
					       cmd->options[idx].long_name);
		return record(cmd, out, idx, NULL);
	}
	if (inline_value == NULL) {
		if (*i + 1 >= argc)
			return cli_usage_error(cmd, "Option '%s' requires an argument.", shown);
		inline_value = argv[++*i];
	}
	return record(cmd, out, idx, inline_value);
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_parsed *out)
{
	bool only_args = false;
	int rc;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < argc; i++) {
		const char *tok = argv[i];

		if (!only_args && strcmp(tok, "--") == 0) {
			only_args = true;
		} else if (!only_args && (strcmp(tok, "--help") == 0 || strcmp(tok, "-h") == 0)) {
			out->help = true;
		} else if (!only_args && tok[0] == '-' && tok[1] != '\0') {
			if ((rc = parse_option(cmd, argc, argv, &i, out)) != 0)
				return rc;
		} else {
			if (out->nargs >= cmd->max_args)
				return cli_usage_error(cmd, "Got unexpected extra argument (%s)",
						       tok);
			out->args[out->nargs++] = tok;
		}
	}
	if (!out->help && out->nargs < cmd->min_args)
		return cli_usage_error(cmd, "Missing argument '%s'.", cmd->arguments);
	return 0;
}

void cli_parsed_free(struct cli_parsed *parsed)
{
	for (int i = 0; i < CLI_MAX_OPTIONS; i++)
		free(parsed->list[i]);
}

void cli_print_command_help(FILE *out, const struct cli_command *cmd)
{
	print_usage_line(out, cmd);
	fprintf(out, "\n%s\n\nOptions:\n", cmd->description);
	for (int i = 0; cmd->options[i].long_name != NULL; i++) {
		const struct cli_option *o = &cmd->options[i];
		char left[64];
		int n = o->short_name ? snprintf(left, sizeof(left), "-%c, ", o->short_name)
				      : snprintf(left, sizeof(left), "    ");

		snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s", o->long_name,
			 o->metavar ? " " : "", o->metavar ? o->metavar : "");
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
	fprintf(out, "  %-26s %s\n", "-h, --help", "Show this message and exit.");
}
