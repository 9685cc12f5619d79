/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_dedup.c - `defis dedup`, `review`, `merge`, `unmerge`, `split`: the lead's hand on the
 * grouping. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "engine/dedup.h"
#include "engine/settings.h"

/* Parses ARGV[FIRST…] as challenge or mention ids into a new array; NULL after
 * printing a usage error for COMMAND. */
static GArray *parse_ids(const char *command, int argc, char **argv, int first)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (int i = first; i < argc; i++) {
        gint64 id = 0;
        char *end = NULL;
        id = g_ascii_strtoll(argv[i], &end, 10);
        if (!*argv[i] || *end || id <= 0) {
            api_cli_usage(command, "\"%s\" is not an id (a whole number > 0)", argv[i]);
            g_array_unref(ids);
            return NULL;
        }
        g_array_append_val(ids, id);
    }
    return ids;
}

int api_cli_dedup(ApiCli *cli, int argc, char **argv)
{
    gboolean rebuild = FALSE;
    g_autofree char *config = NULL;
    const GOptionEntry entries[] = {
        {"rebuild", 0, 0, G_OPTION_ARG_NONE, &rebuild,
         "Recluster every mention from scratch, keeping the leads' decisions", NULL},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Settings file whose [dedup] group to use (default: the built-in defaults)", "FILE"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "dedup", "--rebuild",
        "Recluster the mentions into challenges. Mentions a lead placed (merge, split,\n"
        "dismiss) stay where they are; the others are grouped again in a canonical\n"
        "order, so the same data gives the same challenges whatever the import order.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (!rebuild || argc != 1)
        return api_cli_usage("dedup", "expected `defis dedup --rebuild`");
    GError *error = NULL;
    g_autoptr(DefisScoreSettings) settings = NULL;
    if (!api_cli_settings(config, &settings))
        return API_EXIT_FAIL;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    DefisRebuildReport report;
    if (!defis_dedup_rebuild(store, settings ? &settings->dedup : NULL, cli->actor, &report,
                             &error))
        return api_cli_fail(error);
    printf("rebuilt: %" G_GINT64_FORMAT " mentions reclustered, %" G_GINT64_FORMAT
           " kept where leads put them\n"
           "  challenges         %" G_GINT64_FORMAT "\n"
           "  ids kept           %" G_GINT64_FORMAT "\n"
           "  former archived    %" G_GINT64_FORMAT "\n",
           report.mentions, report.locked, report.challenges, report.reused, report.archived);
    return API_EXIT_OK;
}

int api_cli_review(ApiCli *cli, int argc, char **argv)
{
    gint64 limit = 20;
    gboolean dismiss = FALSE;
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"limit", 'l', 0, G_OPTION_ARG_INT64, &limit, "How many pairs (default 20)", "N"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default) or json", "FORMAT"},
        {"dismiss", 0, 0, G_OPTION_ARG_NONE, &dismiss,
         "Record that challenges A and B are different: the pair leaves the queue", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "review", "[--dismiss A B]",
        "List the pairs of challenges that are nearly alike, most similar first, for a\n"
        "lead to merge (`defis merge A B`) or dismiss (`defis review --dismiss A B`).",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    GError *error = NULL;
    if (dismiss) {
        if (argc != 3)
            return api_cli_usage("review", "--dismiss takes two challenge ids A B");
        g_autoptr(GArray) ids = parse_ids("review", argc, argv, 1);
        if (!ids)
            return API_EXIT_USAGE;
        g_autoptr(DefisStore) store = api_cli_open(cli);
        if (!store)
            return API_EXIT_FAIL;
        gint64 a = g_array_index(ids, gint64, 0), b = g_array_index(ids, gint64, 1);
        if (!defis_dedup_dismiss(store, a, b, cli->actor, &error))
            return api_cli_fail(error);
        printf("challenges %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT " recorded as different\n",
               a, b);
        return API_EXIT_OK;
    }
    if (argc != 1)
        return api_cli_usage("review", "no arguments expected (or --dismiss A B)");
    if (limit < 1 || limit > 10000)
        return api_cli_usage("review", "--limit must be from 1 to 10000");
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("review", format_name, API_FORMATS_TABLE_JSON, &format))
        return API_EXIT_USAGE;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    g_autoptr(json_t) review = defis_dedup_review(store, limit, &error);
    if (!review)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        api_print_json(review);
        return API_EXIT_OK;
    }
    json_t *pairs = json_object_get(review, "pairs");
    printf("%5s %6s %4s %-34s %6s %4s %-34s\n", "SIM", "A", "N", "TITLE A", "B", "N", "TITLE B");
    size_t i;
    json_t *p;
    json_array_foreach(pairs, i, p)
    {
        json_t *a = json_object_get(p, "a"), *b = json_object_get(p, "b");
        g_autofree char *ta = api_cli_clip(json_string_value(json_object_get(a, "title")), 34);
        g_autofree char *tb = api_cli_clip(json_string_value(json_object_get(b, "title")), 34);
        printf("%5.2f %6" JSON_INTEGER_FORMAT " %4" JSON_INTEGER_FORMAT " %s %6" JSON_INTEGER_FORMAT
               " %4" JSON_INTEGER_FORMAT " %s\n",
               json_real_value(json_object_get(p, "similarity")),
               json_integer_value(json_object_get(a, "id")),
               json_integer_value(json_object_get(a, "mentions")), ta,
               json_integer_value(json_object_get(b, "id")),
               json_integer_value(json_object_get(b, "mentions")), tb);
    }
    if (json_array_size(pairs) == 0)
        printf("(nothing to review)\n");
    return API_EXIT_OK;
}

/* What merge, unmerge and split share: no options, MIN to MAX (0: any number)
 * ids as arguments, then the store. Returns the store with *IDS, or NULL with
 * *STATUS the exit status (a usage error, or the store failing to open). */
static DefisStore *ids_and_store(ApiCli *cli, int argc, char **argv, const char *command,
                                 const char *parameters, const char *summary, int min, int max,
                                 const char *expected, GArray **ids, int *status)
{
    g_autoptr(GOptionContext) context = api_cli_context(command, parameters, summary, NULL);
    *status = API_EXIT_USAGE;
    if (!api_cli_parse(context, &argc, &argv))
        return NULL;
    if (argc - 1 < min || (max && argc - 1 > max)) {
        api_cli_usage(command, "%s", expected);
        return NULL;
    }
    if (!(*ids = parse_ids(command, argc, argv, 1)))
        return NULL;
    DefisStore *store = api_cli_open(cli);
    if (!store) {
        g_clear_pointer(ids, g_array_unref);
        *status = API_EXIT_FAIL;
    }
    return store;
}

int api_cli_merge(ApiCli *cli, int argc, char **argv)
{
    g_autoptr(GArray) ids = NULL;
    int status;
    g_autoptr(DefisStore) store = ids_and_store(
        cli, argc, argv, "merge", "TARGET SOURCE…",
        "Merge each SOURCE challenge into TARGET: their mentions and votes move to\n"
        "TARGET, nothing is counted twice, and `defis unmerge SOURCE` undoes it exactly.",
        2, 0, "give a TARGET and at least one SOURCE challenge id", &ids, &status);
    if (!store)
        return status;
    GError *error = NULL;
    gint64 target = g_array_index(ids, gint64, 0);
    g_autoptr(json_t) merges = defis_dedup_merge(store, target, &g_array_index(ids, gint64, 1),
                                                 ids->len - 1, cli->actor, &error);
    if (!merges)
        return api_cli_fail(error);
    for (guint i = 1; i < ids->len; i++)
        printf("challenge %" G_GINT64_FORMAT " merged into %" G_GINT64_FORMAT "\n",
               g_array_index(ids, gint64, i), target);
    return API_EXIT_OK;
}

int api_cli_unmerge(ApiCli *cli, int argc, char **argv)
{
    g_autoptr(GArray) ids = NULL;
    int status;
    g_autoptr(DefisStore) store =
        ids_and_store(cli, argc, argv, "unmerge", "SOURCE",
                      "Undo the last merge of SOURCE exactly: its mentions and votes come back.", 1,
                      1, "give exactly one SOURCE challenge id", &ids, &status);
    if (!store)
        return status;
    GError *error = NULL;
    gint64 source = g_array_index(ids, gint64, 0);
    if (!defis_dedup_unmerge(store, source, cli->actor, &error))
        return api_cli_fail(error);
    printf("challenge %" G_GINT64_FORMAT " restored\n", source);
    return API_EXIT_OK;
}

int api_cli_split(ApiCli *cli, int argc, char **argv)
{
    g_autoptr(GArray) ids = NULL;
    int status;
    g_autoptr(DefisStore) store = ids_and_store(
        cli, argc, argv, "split", "MENTION…",
        "Move these mentions (ids from `defis show` or `defis export mentions`), all of\n"
        "one challenge, to a new challenge. Later imports and rebuilds keep them apart.",
        1, 0, "give at least one MENTION id", &ids, &status);
    if (!store)
        return status;
    GError *error = NULL;
    gint64 to = defis_dedup_split(store, (gint64 *)(void *)ids->data, ids->len, cli->actor, &error);
    if (!to)
        return api_cli_fail(error);
    printf("%u mention%s moved to new challenge %" G_GINT64_FORMAT "\n", ids->len,
           ids->len > 1 ? "s" : "", to);
    return API_EXIT_OK;
}
