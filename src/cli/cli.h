/* The commands of `hygge`, each in its own cmd_<name>.c. */
#ifndef HYGGE_CLI_H
#define HYGGE_CLI_H

#include "cli_args.h"

extern const struct cli_command cli_cmd_init;
extern const struct cli_command cli_cmd_go;
extern const struct cli_command cli_cmd_debug;
extern const struct cli_command cli_cmd_config_doc;
extern const struct cli_command cli_cmd_inspect;
extern const struct cli_command cli_cmd_history;

#endif /* HYGGE_CLI_H */
