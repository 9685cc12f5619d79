/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_vote.c - `defis vote`: a place supports a challenge outside a survey. */
#include <stdio.h>

#include "api/commands.h"
#include "engine/vote.h"

int api_cli_vote(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *network = NULL, *place = NULL;
    const GOptionEntry entries[] = {
        {"network", 'n', 0, G_OPTION_ARG_STRING, &network, "The voting place's network (required)",
         "NAME"},
        {"place", 'p', 0, G_OPTION_ARG_STRING, &place,
         "The voting place (created in the network if new; required)", "PLACE"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("vote", "CHALLENGE_ID",
                        "Record that a place supports a challenge (a voting round).", entries);
    g_option_context_set_description(
        context, "A place votes once per challenge: a second vote is refused (exit 1). A place\n"
                 "that already supports the challenge through a survey counts once either way.");
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (!network || !place)
        return api_cli_usage("vote", "--network and --place are required");
    if (argc != 2)
        return api_cli_usage("vote", "give exactly one CHALLENGE_ID");
    char *end = NULL;
    gint64 challenge = g_ascii_strtoll(argv[1], &end, 10);
    if (*end || end == argv[1] || challenge < 1)
        return api_cli_usage("vote", "\"%s\" is not a challenge id", argv[1]);
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    gint64 id = defis_vote_add(store, network, place, challenge, cli->actor, &error);
    if (!id)
        return api_cli_fail(error);
    printf("vote %" G_GINT64_FORMAT ": \"%s\" (%s) supports challenge %" G_GINT64_FORMAT "\n", id,
           place, network, challenge);
    return API_EXIT_OK;
}
