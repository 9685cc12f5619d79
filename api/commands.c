/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commands.c - the table of subcommands of `defis`. */
#include "api/commands.h"

const ApiCommand api_commands[] = {
    {"network", api_cli_network, "Add or list the local networks"},
    {"import", api_cli_import, "Import survey files (CSV or JSON) for a network"},
    {"challenges", api_cli_challenges, "List the challenges, ranked"},
    {"export", api_cli_export, "Export every mention (CSV or JSON)"},
    {"backup", api_cli_backup, "Copy the database to a file, online"},
    {NULL},
};
