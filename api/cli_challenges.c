/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_challenges.c - `defis challenges`: the ranked list. */
#include <stdio.h>

#include "api/commands.h"
#include "engine/rank.h"

static void print_table(json_t *list)
{
    printf("%4s %6s %8s %6s %8s  %s\n", "RANK", "ID", "NETWORKS", "PLACES", "MENTIONS", "TITLE");
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        g_autofree char *title = api_cli_clip(json_string_value(json_object_get(c, "title")), 70);
        printf("%4" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
               " %6" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT "  %s\n",
               json_integer_value(json_object_get(c, "rank")),
               json_integer_value(json_object_get(c, "id")),
               json_integer_value(json_object_get(c, "networks")),
               json_integer_value(json_object_get(c, "places")),
               json_integer_value(json_object_get(c, "mentions")), title);
    }
    if (json_array_size(list) == 0)
        printf("(no challenge yet: import surveys with `defis import`)\n");
}

static void print_csv(json_t *list)
{
    g_autoptr(GString) out = g_string_new("rank,id,title,networks,places,mentions\n");
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT ",",
                               json_integer_value(json_object_get(c, "rank")),
                               json_integer_value(json_object_get(c, "id")));
        api_csv_field(out, json_string_value(json_object_get(c, "title")));
        g_string_append_printf(out,
                               ",%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT
                               ",%" JSON_INTEGER_FORMAT "\n",
                               json_integer_value(json_object_get(c, "networks")),
                               json_integer_value(json_object_get(c, "places")),
                               json_integer_value(json_object_get(c, "mentions")));
    }
    fwrite(out->str, 1, out->len, stdout);
}

int api_cli_challenges(ApiCli *cli, int argc, char **argv)
{
    gint64 limit = 20;
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"limit", 'l', 0, G_OPTION_ARG_INT64, &limit, "How many challenges (default 20)", "N"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default), json or csv",
         "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "challenges", "", "List the challenges, most supported first.", entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("challenges", "no arguments expected");
    if (limit < 1 || limit > 100000)
        return api_cli_usage("challenges", "--limit must be from 1 to 100000");
    ApiFormat format = API_FORMAT_TABLE;
    if (format_name && !api_cli_format(format_name, 7, &format))
        return api_cli_usage("challenges", "unknown format \"%s\": use table, json or csv",
                             format_name);
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) ranked = defis_rank_list(store, limit, &error);
    if (!ranked)
        return api_cli_fail(error);
    json_t *list = json_object_get(ranked, "challenges");
    if (format == API_FORMAT_JSON)
        api_print_json(ranked);
    else if (format == API_FORMAT_CSV)
        print_csv(list);
    else
        print_table(list);
    return API_EXIT_OK;
}
