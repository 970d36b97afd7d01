/* Loading the project for `go` and `debug`: the workspace options from the
 * command line, warnings printed to stderr, errors in the reference's words. */
#ifndef HYGGE_CLI_PROJECT_H
#define HYGGE_CLI_PROJECT_H

#include <stdbool.h>

#include "hygge/status.h"
#include "hygge/workspace.h"

/* Splits each of `values` (NULL-terminated, may be NULL) at commas, trims
 * blanks and drops empty parts, appending to *list (freed with
 * cli_names_free). `entity` turns "flow.entity" into "flow_entity" and
 * prints the reference's error for a part without a dot (returns 1). */
int cli_split_names(const char *const *values, bool entity, char ***list, size_t *n);
void cli_names_free(char **list, size_t n);

/* Prints the warnings gathered while loading, one "Warning: ..." line each
 * on stderr. */
void cli_print_warnings(const struct hy_workspace *ws);

#endif /* HYGGE_CLI_PROJECT_H */
