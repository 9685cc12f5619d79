/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_backup.c - `defis backup FILE`: an online copy of the database. */
#include <stdio.h>

#include "api/commands.h"

int api_cli_backup(ApiCli *cli, int argc, char **argv)
{
    g_autoptr(GOptionContext) context = api_cli_context(
        "backup", "FILE",
        "Copy the whole database to FILE through SQLite's online backup API, while\n"
        "the service keeps reading and writing. FILE is replaced.",
        NULL);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 2)
        return api_cli_usage("backup", "give exactly one FILE");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    if (!defis_store_backup(store, argv[1], &error))
        return api_cli_fail(error);
    printf("backup written to %s\n", argv[1]);
    return API_EXIT_OK;
}
