/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_journal.c - `defis journal`: every write recorded in the store, newest first. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "engine/journal.h"

#define TEXT(object, key) json_string_value(json_object_get(object, key))

int api_cli_journal(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *since = NULL, *action = NULL, *format_name = NULL;
    gint64 limit = 50, before = 0;
    const GOptionEntry entries[] = {
        {"since", 's', 0, G_OPTION_ARG_STRING, &since,
         "Entries at or after TIME (2026-11-28 or 2026-11-28T10:00:00Z)", "TIME"},
        {"action", 'a', 0, G_OPTION_ARG_STRING, &action,
         "One action (link.add) or a family (commons)", "ACTION"},
        {"limit", 'l', 0, G_OPTION_ARG_INT64, &limit, "How many entries (default 50)", "N"},
        {"before", 0, 0, G_OPTION_ARG_INT64, &before, "Entries older than this id (the next page)",
         "ID"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "journal", "",
        "Show the journal of the store, newest first: every import, merge, split, vote,\n"
        "token, commons, stage change, link and shortlist, with who and when.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("journal", "no arguments expected");
    if (limit < 1 || limit > DEFIS_JOURNAL_LIMIT_MAX)
        return api_cli_usage("journal", "--limit must be from 1 to %d", DEFIS_JOURNAL_LIMIT_MAX);
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("journal", format_name, API_FORMATS_TABLE_JSON, &format))
        return API_EXIT_USAGE;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) out = defis_journal_list(store, since, action, before, limit, &error);
    if (!out)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        api_print_json(out);
        return API_EXIT_OK;
    }
    json_t *list = json_object_get(out, "entries");
    printf("%-6s %-24s %-20s %-18s %s\n", "ID", "AT", "ACTOR", "ACTION", "PAYLOAD");
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        g_autofree char *payload =
            json_dumps(json_object_get(e, "payload"), JSON_COMPACT | JSON_SORT_KEYS);
        g_autofree char *actor = api_cli_clip(TEXT(e, "actor"), 20);
        g_autofree char *clipped = api_cli_clip(payload, 80);
        printf("%-6" JSON_INTEGER_FORMAT " %-24s %-20s %-18s %s\n",
               json_integer_value(json_object_get(e, "id")), TEXT(e, "at"), actor,
               TEXT(e, "action"), clipped);
    }
    if (json_array_size(list) == 0)
        printf("(no entry matches)\n");
    json_t *next = json_object_get(out, "next_before");
    if (json_is_integer(next))
        printf("older entries: --before %" JSON_INTEGER_FORMAT "\n", json_integer_value(next));
    return API_EXIT_OK;
}
