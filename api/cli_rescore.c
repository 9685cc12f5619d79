/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_rescore.c - `defis rescore`: every stored score recomputed from scratch. */
#include <stdio.h>

#include "api/commands.h"
#include "engine/score.h"

int api_cli_rescore(ApiCli *cli, int argc, char **argv)
{
    g_autoptr(GOptionContext) context = api_cli_context(
        "rescore", "",
        "Recompute every stored score from the mentions and votes, in one transaction.", NULL);
    g_option_context_set_description(
        context, "Imports, votes, merges and splits keep scores fresh as they write; rescore\n"
                 "gives the same numbers from scratch (after an upgrade, or to check).");
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("rescore", "no arguments expected");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    gint64 n = defis_score_rescore_all(store, cli->actor, &error);
    if (n < 0)
        return api_cli_fail(error);
    printf("%" G_GINT64_FORMAT " challenges scored\n", n);
    return API_EXIT_OK;
}
