/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_shortlist.c - `defis shortlist create|show|list|diff`: frozen shortlists for campaigns. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "api/handlers_shortlists.h"
#include "engine/shortlist.h"

#define INT(object, key) json_integer_value(json_object_get(object, key))
#define TEXT(object, key) json_string_value(json_object_get(object, key))

static gboolean parse_id(const char *text, gint64 *id)
{
    return g_ascii_string_to_signed(text, 10, 1, G_MAXINT64, id, NULL);
}

static int shortlist_create(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *name = NULL, *theme = NULL, *network = NULL, *config = NULL;
    g_auto(GStrv) stages = NULL;
    gint64 min_networks = 0, limit = DEFIS_SHORTLIST_LIMIT_DEFAULT;
    gboolean unserved = FALSE, json = FALSE;
    const GOptionEntry entries[] = {
        {"name", 'n', 0, G_OPTION_ARG_STRING, &name, "The shortlist's name (required)", "NAME"},
        {"stage", 's', 0, G_OPTION_ARG_STRING_ARRAY, &stages,
         "Keep challenges linked to a commons at this stage (repeatable)", "STAGE"},
        {"theme", 't', 0, G_OPTION_ARG_STRING, &theme, "Only challenges with this theme", "THEME"},
        {"network", 0, 0, G_OPTION_ARG_STRING, &network,
         "Only challenges supported in this network", "NAME"},
        {"min-networks", 0, 0, G_OPTION_ARG_INT64, &min_networks,
         "Only challenges supported by at least K networks", "K"},
        {"limit", 'l', 0, G_OPTION_ARG_INT64, &limit, "How many challenges (default 20)", "K"},
        {"unserved", 'u', 0, G_OPTION_ARG_NONE, &unserved,
         "Only challenges no commons at prototype or stable answers yet", NULL},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Rank under the scoring settings of FILE (frozen with the shortlist)", "FILE"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the frozen shortlist as JSON", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "shortlist create", "",
        "Freeze a shortlist: the top challenges under the filters, with their scores,\n"
        "breakdowns and candidate commons, stored for good with the SHA-256 of its\n"
        "canonical JSON.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("shortlist create", "no arguments expected");
    if (!name)
        return api_cli_usage("shortlist create", "--name is required");
    if (limit < 1 || limit > DEFIS_SHORTLIST_LIMIT_MAX)
        return api_cli_usage("shortlist create", "--limit must be from 1 to %d",
                             DEFIS_SHORTLIST_LIMIT_MAX);
    GError *error = NULL;
    g_autoptr(DefisScoreSettings) settings = NULL;
    if (!api_cli_settings(config, &settings))
        return API_EXIT_FAIL;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    DefisShortlistQuery query = {
        .name = name,
        .stages = (const char *const *)stages,
        .theme = theme,
        .network = network,
        .min_networks = min_networks,
        .limit = limit,
        .unserved = unserved,
        .settings = settings,
    };
    gint64 id = defis_shortlist_create(store, &query, cli->actor, &error);
    if (!id)
        return api_cli_fail(error);
    g_autoptr(json_t) shortlist = defis_shortlist_get(store, id, &error);
    if (!shortlist)
        return api_cli_fail(error);
    if (json) {
        api_print_json(shortlist);
        return API_EXIT_OK;
    }
    printf("shortlist %" G_GINT64_FORMAT " \"%s\" frozen: %zu challenges, settings %s\n"
           "sha256 %s\n",
           id, name,
           json_array_size(json_object_get(json_object_get(shortlist, "shortlist"), "entries")),
           TEXT(shortlist, "settings_version"), TEXT(shortlist, "sha256"));
    return API_EXIT_OK;
}

static void print_entries(json_t *shortlist)
{
    json_t *content = json_object_get(shortlist, "shortlist");
    printf("Shortlist %" JSON_INTEGER_FORMAT ": %s\nfrozen %s by %s, settings %s\nsha256 %s\n\n",
           INT(shortlist, "id"), TEXT(shortlist, "name"), TEXT(shortlist, "created_at"),
           TEXT(shortlist, "actor"), TEXT(shortlist, "settings_version"),
           TEXT(shortlist, "sha256"));
    printf("%4s %6s %9s %6s %8s %6s  %-44s %s\n", "RANK", "ID", "SCORE", "VOTES", "NETWORKS",
           "PLACES", "TITLE", "COMMONS");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(content, "entries"), i, e)
    {
        json_t *reach = json_object_get(e, "reach");
        g_autofree char *title = api_cli_clip(TEXT(e, "title"), 44);
        g_autoptr(GString) commons = g_string_new(NULL);
        size_t j;
        json_t *c;
        json_array_foreach(json_object_get(e, "commons"), j, c) g_string_append_printf(
            commons, "%s%s (%s)", j ? ", " : "", TEXT(c, "name"), TEXT(c, "stage"));
        printf("%4" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT " %9.4f %6" JSON_INTEGER_FORMAT
               " %8" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT "  %-44s %s\n",
               INT(e, "rank"), INT(e, "challenge_id"),
               json_number_value(json_object_get(e, "score")), INT(e, "votes"),
               INT(reach, "networks"), INT(reach, "places"), title,
               commons->len ? commons->str : "-");
    }
}

static int shortlist_show(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    gboolean canonical = FALSE;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default), json or csv",
         "FORMAT"},
        {"canonical", 0, 0, G_OPTION_ARG_NONE, &canonical,
         "Print the stored canonical JSON exactly, the bytes the SHA-256 is of", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "shortlist show", "ID", "Show a frozen shortlist, exactly as it was frozen.", entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    gint64 id = 0;
    if (argc != 2 || !parse_id(argv[1], &id))
        return api_cli_usage("shortlist show", "give exactly one shortlist ID");
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("shortlist show", format_name, API_FORMATS_ALL, &format))
        return API_EXIT_USAGE;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    if (canonical) {
        g_autofree char *bytes = defis_shortlist_content(store, id, NULL, &error);
        if (!bytes)
            return api_cli_fail(error);
        fputs(bytes, stdout); /* no newline: `| sha256sum` gives the stored hash */
        return API_EXIT_OK;
    }
    g_autoptr(json_t) shortlist = defis_shortlist_get(store, id, &error);
    if (!shortlist)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        api_print_json(shortlist);
    } else if (format == API_FORMAT_CSV) {
        g_autofree char *csv = api_shortlist_csv(shortlist);
        fputs(csv, stdout);
    } else {
        print_entries(shortlist);
    }
    return API_EXIT_OK;
}

static int shortlist_list(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("shortlist list", "", "List the frozen shortlists, oldest first.", entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("shortlist list", "no arguments expected");
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("shortlist list", format_name, API_FORMATS_TABLE_JSON, &format))
        return API_EXIT_USAGE;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) out = defis_shortlist_list(store, &error);
    if (!out)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        api_print_json(out);
        return API_EXIT_OK;
    }
    json_t *list = json_object_get(out, "shortlists");
    printf("%-4s %-28s %-24s %7s %-16s %s\n", "ID", "NAME", "FROZEN", "ENTRIES", "SETTINGS",
           "SHA256");
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s)
    {
        g_autofree char *name = api_cli_clip(TEXT(s, "name"), 28);
        printf("%-4" JSON_INTEGER_FORMAT " %-28s %-24s %7" JSON_INTEGER_FORMAT " %-16s %s\n",
               INT(s, "id"), name, TEXT(s, "created_at"), INT(s, "entries"),
               TEXT(s, "settings_version"), TEXT(s, "sha256"));
    }
    if (json_array_size(list) == 0)
        printf("(no shortlist yet: freeze one with `defis shortlist create --name NAME`)\n");
    return API_EXIT_OK;
}

static void print_moves(json_t *diff, const char *key, const char *label)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(diff, key), i, m)
    {
        g_autofree char *title = api_cli_clip(TEXT(m, "title"), 60);
        if (json_object_get(m, "from"))
            printf("  %s #%-5" JSON_INTEGER_FORMAT " rank %" JSON_INTEGER_FORMAT
                   " -> %" JSON_INTEGER_FORMAT "  %s\n",
                   label, INT(m, "challenge_id"), INT(m, "from"), INT(m, "to"), title);
        else
            printf("  %s #%-5" JSON_INTEGER_FORMAT " rank %" JSON_INTEGER_FORMAT "  %s\n", label,
                   INT(m, "challenge_id"), INT(m, "rank"), title);
    }
}

static int shortlist_diff(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "text (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "shortlist diff", "A B",
        "What changed from shortlist A to shortlist B: challenges that entered, left,\n"
        "moved up or down (with their ranks).",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    gint64 a = 0, b = 0;
    if (argc != 3 || !parse_id(argv[1], &a) || !parse_id(argv[2], &b))
        return api_cli_usage("shortlist diff", "give two shortlist IDs");
    ApiFormat format = API_FORMAT_TEXT;
    if (!api_cli_format("shortlist diff", format_name, API_FORMATS_TEXT_JSON, &format))
        return API_EXIT_USAGE;
    gboolean json = format == API_FORMAT_JSON;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) diff = defis_shortlist_diff(store, a, b, &error);
    if (!diff)
        return api_cli_fail(error);
    if (json) {
        api_print_json(diff);
        return API_EXIT_OK;
    }
    json_t *from = json_object_get(diff, "from"), *to = json_object_get(diff, "to");
    printf("From shortlist %" JSON_INTEGER_FORMAT " (%s) to shortlist %" JSON_INTEGER_FORMAT
           " (%s):\n",
           INT(from, "id"), TEXT(from, "name"), INT(to, "id"), TEXT(to, "name"));
    print_moves(diff, "entered", "+ entered");
    print_moves(diff, "left", "- left   ");
    print_moves(diff, "up", "↑ up     ");
    print_moves(diff, "down", "↓ down   ");
    printf("%zu entered, %zu left, %zu up, %zu down, %" JSON_INTEGER_FORMAT " unchanged\n",
           json_array_size(json_object_get(diff, "entered")),
           json_array_size(json_object_get(diff, "left")),
           json_array_size(json_object_get(diff, "up")),
           json_array_size(json_object_get(diff, "down")), INT(diff, "unchanged"));
    return API_EXIT_OK;
}

int api_cli_shortlist(ApiCli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "create") == 0)
        return shortlist_create(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return shortlist_show(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return shortlist_list(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "diff") == 0)
        return shortlist_diff(cli, argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage:\n"
               "  defis shortlist create --name N [--stage S]… [--theme T] [--network NAME]\n"
               "                         [--min-networks K] [--limit K] [--unserved]\n"
               "                         [--config FILE] [--json]\n"
               "  defis shortlist show ID [--format table|json|csv] [--canonical]\n"
               "  defis shortlist list [--format table|json]\n"
               "  defis shortlist diff A B [--format text|json]\n\n"
               "A shortlist freezes the top challenges under filters for a campaign: each\n"
               "with its score breakdown and candidate commons. It never changes; its\n"
               "SHA-256 is that of its canonical JSON (`show ID --canonical`).\n");
        return API_EXIT_OK;
    }
    return api_cli_usage("shortlist", "expected `create`, `show`, `list` or `diff`");
}
