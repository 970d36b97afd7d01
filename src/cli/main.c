/* The `hygge` command. Only this directory prints and decides exit codes
 * (architecture.md section 6: 0 ok, 1 a flow failed or bad configuration,
 * 2 usage error, 130 interrupted). */
#include <stdio.h>
#include <string.h>

#include "hygge/version.h"

static void print_help(FILE *out)
{
	fprintf(out,
		"hygge %s: move tables from where they live to where they should settle\n"
		"\n"
		"Usage: hygge <command> [options]\n"
		"\n"
		"Options:\n"
		"  --version   print the version and exit\n"
		"  --help      print this help and exit\n"
		"\n"
		"The commands (init, go, debug, inspect) arrive with the issues that build\n"
		"them; this build holds the core library.\n",
		HYGGE_VERSION);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("hygge version %s\n", HYGGE_VERSION);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		print_help(stdout);
		return 0;
	}
	if (argc >= 2)
		fprintf(stderr, "hygge: unknown command '%s'\n\n", argv[1]);
	print_help(stderr);
	return 2;
}
