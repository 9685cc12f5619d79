/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_link.c - `defis link|unlink|suggest`: which commons could answer which challenge. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "engine/commons.h"

#define INT(object, key) json_integer_value(json_object_get(object, key))
#define TEXT(object, key) json_string_value(json_object_get(object, key))

static gboolean parse_id(const char *text, gint64 *id)
{
    return g_ascii_string_to_signed(text, 10, 1, G_MAXINT64, id, NULL);
}

static int link_or_unlink(ApiCli *cli, int argc, char **argv, gboolean linking)
{
    g_autofree char *note = NULL;
    const char *command = linking ? "link" : "unlink";
    GOptionEntry entries[] = {
        {linking ? "note" : NULL, 'n', 0, G_OPTION_ARG_STRING, &note,
         "Why this commons could answer the challenge", "TEXT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context(command, "CHALLENGE_ID COMMONS",
                        linking ? "Link a challenge to a commons that could answer it (journaled)."
                                : "Remove the link between a challenge and a commons (journaled).",
                        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    gint64 id = 0;
    if (argc != 3 || !parse_id(argv[1], &id))
        return api_cli_usage(command, "give a CHALLENGE_ID and a COMMONS name");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    if (linking ? !defis_commons_link(store, id, argv[2], note, cli->actor, &error)
                : !defis_commons_unlink(store, id, argv[2], cli->actor, &error))
        return api_cli_fail(error);
    printf("challenge %" G_GINT64_FORMAT " %s \"%s\"\n", id,
           linking ? "linked to" : "no longer linked to", argv[2]);
    return API_EXIT_OK;
}

int api_cli_link(ApiCli *cli, int argc, char **argv)
{
    return link_or_unlink(cli, argc, argv, TRUE);
}

int api_cli_unlink(ApiCli *cli, int argc, char **argv)
{
    return link_or_unlink(cli, argc, argv, FALSE);
}

int api_cli_suggest(ApiCli *cli, int argc, char **argv)
{
    gint64 limit = 5;
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"limit", 'l', 0, G_OPTION_ARG_INT64, &limit, "How many suggestions (default 5)", "N"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "suggest", "CHALLENGE_ID",
        "Suggest commons whose name, description or keywords resemble the challenge's\n"
        "title and mentions (the text pipeline of deduplication), to accept with\n"
        "`defis link`. Commons already linked are left out.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    gint64 id = 0;
    if (argc != 2 || !parse_id(argv[1], &id))
        return api_cli_usage("suggest", "give exactly one CHALLENGE_ID");
    if (limit < 1 || limit > DEFIS_COMMONS_SUGGEST_MAX)
        return api_cli_usage("suggest", "--limit must be from 1 to %d", DEFIS_COMMONS_SUGGEST_MAX);
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("suggest", format_name, API_FORMATS_TABLE_JSON, &format))
        return API_EXIT_USAGE;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) out = defis_commons_suggest(store, id, limit, &error);
    if (!out)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        api_print_json(out);
        return API_EXIT_OK;
    }
    json_t *list = json_object_get(out, "suggestions");
    printf("Challenge %" G_GINT64_FORMAT ": %s\n", id,
           TEXT(json_object_get(out, "challenge"), "title"));
    printf("%10s  %-28s %-10s %-12s\n", "SIMILARITY", "COMMONS", "STAGE", "MATCHED");
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s)
    {
        g_autofree char *name = api_cli_clip(TEXT(s, "name"), 28);
        printf("%10.3f  %-28s %-10s %-12s\n", json_number_value(json_object_get(s, "similarity")),
               name, TEXT(s, "stage"), TEXT(s, "matched"));
    }
    if (json_array_size(list) == 0)
        printf("(no commons resembles this challenge: add one with `defis commons add`)\n");
    else
        printf("accept one with: defis link %" G_GINT64_FORMAT " NAME [--note \"…\"]\n", id);
    return API_EXIT_OK;
}
