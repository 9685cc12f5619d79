/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_challenges.c - `defis challenges`: the ranked list, its filters, pages and previews. */
#include <stdio.h>

#include "api/commands.h"
#include "engine/error.h"
#include "engine/rank.h"

#define INT(object, key) json_integer_value(json_object_get(object, key))

static void print_table(json_t *page)
{
    json_t *list = json_object_get(page, "challenges");
    printf("%4s %6s %9s %6s %8s %6s %8s  %s\n", "RANK", "ID", "SCORE", "VOTES", "NETWORKS",
           "PLACES", "PEOPLE", "TITLE");
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        json_t *reach = json_object_get(c, "reach");
        g_autofree char *title = api_cli_clip(json_string_value(json_object_get(c, "title")), 60);
        printf("%4" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT " %9.4f %6" JSON_INTEGER_FORMAT
               " %8" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT " %8" JSON_INTEGER_FORMAT
               "  %s\n",
               INT(c, "rank"), INT(c, "id"), json_real_value(json_object_get(c, "score")),
               INT(c, "votes"), INT(reach, "networks"), INT(reach, "places"), INT(reach, "people"),
               title);
    }
    if (json_array_size(list) == 0)
        printf("(no challenge here: import surveys with `defis import`, or widen the filters)\n");
    printf("settings %s", json_string_value(json_object_get(page, "settings_version")));
    const char *next = json_string_value(json_object_get(page, "next"));
    if (next)
        printf("; next page: --after %s", next);
    printf("\n");
}

static void print_csv(json_t *page)
{
    g_autoptr(GString) out = g_string_new(
        "rank,id,title,score,votes,networks,places,people,mentions,themes,settings_version\n");
    const char *version = json_string_value(json_object_get(page, "settings_version"));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(page, "challenges"), i, c)
    {
        json_t *reach = json_object_get(c, "reach");
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT ",",
                               INT(c, "rank"), INT(c, "id"));
        api_csv_field(out, json_string_value(json_object_get(c, "title")));
        char score[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_dtostr(score, sizeof score, json_real_value(json_object_get(c, "score")));
        g_string_append_printf(out,
                               ",%s,%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT
                               ",%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT
                               ",%" JSON_INTEGER_FORMAT ",",
                               score, INT(c, "votes"), INT(reach, "networks"), INT(reach, "places"),
                               INT(reach, "people"), INT(c, "mentions"));
        g_autoptr(GString) themes = g_string_new(NULL);
        size_t j;
        json_t *t;
        json_array_foreach(json_object_get(c, "themes"), j, t)
            g_string_append_printf(themes, "%s%s", j ? "|" : "", json_string_value(t));
        api_csv_field(out, themes->str);
        g_string_append_printf(out, ",%s\n", version);
    }
    fwrite(out->str, 1, out->len, stdout);
}

int api_cli_challenges(ApiCli *cli, int argc, char **argv)
{
    gint64 limit = DEFIS_RANK_LIMIT_DEFAULT, min_networks = 0, min_places = 0;
    g_autofree char *format_name = NULL, *theme = NULL, *network = NULL, *region = NULL;
    g_autofree char *search = NULL, *after = NULL, *config = NULL;
    gboolean breakdown = FALSE;
    const GOptionEntry entries[] = {
        {"limit", 'l', 0, G_OPTION_ARG_INT64, &limit, "Challenges per page (default 20)", "N"},
        {"after", 0, 0, G_OPTION_ARG_STRING, &after,
         "Start after this cursor (the \"next\" of the previous page)", "CURSOR"},
        {"theme", 't', 0, G_OPTION_ARG_STRING, &theme, "Only challenges with this theme", "THEME"},
        {"network", 'n', 0, G_OPTION_ARG_STRING, &network,
         "Only challenges supported in this network", "NAME"},
        {"region", 'r', 0, G_OPTION_ARG_STRING, &region,
         "Only challenges supported in a network of this region", "REGION"},
        {"min-networks", 0, 0, G_OPTION_ARG_INT64, &min_networks,
         "Only challenges supported by at least N networks", "N"},
        {"min-places", 0, 0, G_OPTION_ARG_INT64, &min_places,
         "Only challenges supported by at least N places", "N"},
        {"search", 's', 0, G_OPTION_ARG_STRING, &search,
         "Only challenges whose texts hold these words (prefixes, accents and case ignored)",
         "TEXT"},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Preview the ranking under the scoring settings of FILE (nothing is written)", "FILE"},
        {"breakdown", 'b', 0, G_OPTION_ARG_NONE, &breakdown,
         "Add each score's breakdown (json format)", NULL},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default), json or csv",
         "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("challenges", "", "List the open challenges, best score first.", entries);
    g_option_context_set_description(
        context, "Scores use the stored (default) settings unless --config names a settings "
                 "file;\nevery page states the version of the settings it was ranked with. "
                 "Pages are\nchained with --after: a cursor stays valid while surveys arrive.");
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("challenges", "no arguments expected");
    if (limit < 1 || limit > DEFIS_RANK_LIMIT_MAX)
        return api_cli_usage("challenges", "--limit must be from 1 to %d", DEFIS_RANK_LIMIT_MAX);
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("challenges", format_name, API_FORMATS_ALL, &format))
        return API_EXIT_USAGE;
    GError *error = NULL;
    g_autoptr(DefisScoreSettings) settings = NULL;
    if (!api_cli_settings(config, &settings))
        return API_EXIT_FAIL;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    DefisRankQuery query = {
        .theme = theme,
        .network = network,
        .region = region,
        .min_networks = min_networks,
        .min_places = min_places,
        .search = search,
        .after = after,
        .limit = limit,
        .breakdown = breakdown,
        .settings = settings,
    };
    g_autoptr(json_t) page = defis_rank_query(store, &query, &error);
    if (!page)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON)
        api_print_json(page);
    else if (format == API_FORMAT_CSV)
        print_csv(page);
    else
        print_table(page);
    return API_EXIT_OK;
}
