/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_show.c - `defis show ID`: one challenge, its mentions, votes, reach and score breakdown. */
#include <stdio.h>
#include <stdlib.h>

#include "api/commands.h"
#include "api/handlers_challenges.h"
#include "engine/score.h"

#define INT(object, key) json_integer_value(json_object_get(object, key))
#define REAL(object, key) json_number_value(json_object_get(object, key))
#define TEXT(object, key) json_string_value(json_object_get(object, key))

static void print_breakdown(json_t *b)
{
    printf("\nScore breakdown (z = %g):\n", REAL(b, "z"));
    printf("  %-28s %6s %6s %12s %8s %14s\n", "NETWORK", "K", "N", "LOWER BOUND", "WEIGHT",
           "CONTRIBUTION");
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(b, "networks"), i, n)
    {
        g_autofree char *name = api_cli_clip(TEXT(n, "network"), 28);
        printf("  %-28s %6" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT " %12.6f %8g %14.6f\n",
               name, INT(n, "k"), INT(n, "n"), REAL(n, "lower_bound"), REAL(n, "weight"),
               REAL(n, "contribution"));
        if (INT(n, "anonymous"))
            printf("  %-28s (k = %" JSON_INTEGER_FORMAT " places + %" JSON_INTEGER_FORMAT
                   " supporters counted by the survey tool, at most N)\n",
                   "", INT(n, "places"), INT(n, "anonymous"));
    }
    json_t *imp = json_object_get(b, "importance");
    printf("  sum of contributions: %.6f\n", REAL(b, "sum"));
    if (INT(imp, "count"))
        printf("  importance factor: %.6f (mean importance %.2f over %" JSON_INTEGER_FORMAT
               " places, strength %g: 1 + strength × (mean − 3) / 2)\n",
               REAL(imp, "factor"), REAL(imp, "mean"), INT(imp, "count"), REAL(imp, "strength"));
    else
        printf("  importance factor: 1 (no importance given)\n");
    if (!json_is_true(json_object_get(b, "eligible")))
        printf("  below the minimum reach (%" JSON_INTEGER_FORMAT " places, %" JSON_INTEGER_FORMAT
               " networks): score 0\n",
               INT(b, "min_places"), INT(b, "min_networks"));
    printf("  score = sum × factor = %.6f\n", REAL(b, "score"));
}

static void print_text(json_t *c)
{
    printf("Challenge %" JSON_INTEGER_FORMAT ": %s\n", INT(c, "id"), TEXT(c, "title"));
    printf("state: %s", TEXT(c, "state"));
    if (json_is_integer(json_object_get(c, "merged_into")))
        printf(" (into challenge %" JSON_INTEGER_FORMAT ")", INT(c, "merged_into"));
    json_t *reach = json_object_get(c, "reach");
    printf("\nscore: %.6f (settings %s)\nvotes: %" JSON_INTEGER_FORMAT
           "\nreach: %" JSON_INTEGER_FORMAT " networks, %" JSON_INTEGER_FORMAT
           " places, %" JSON_INTEGER_FORMAT " people\n",
           REAL(c, "score"), TEXT(c, "settings_version"), INT(c, "votes"), INT(reach, "networks"),
           INT(reach, "places"), INT(reach, "people"));
    size_t i;
    json_t *t;
    if (json_array_size(json_object_get(c, "themes"))) {
        printf("themes:");
        json_array_foreach(json_object_get(c, "themes"), i, t)
            printf("%s %s", i ? "," : "", json_string_value(t));
        printf("\n");
    }
    print_breakdown(json_object_get(c, "breakdown"));
    json_t *mentions = json_object_get(c, "mention_list");
    printf("\nMentions (%zu):\n", json_array_size(mentions));
    json_array_foreach(mentions, i, t)
    {
        printf("  #%" JSON_INTEGER_FORMAT " %s / %s (survey %" JSON_INTEGER_FORMAT
               ", line %" JSON_INTEGER_FORMAT,
               INT(t, "id"), TEXT(t, "network"), TEXT(t, "place"), INT(t, "survey"),
               INT(t, "line"));
        if (json_is_integer(json_object_get(t, "importance")))
            printf(", importance %" JSON_INTEGER_FORMAT, INT(t, "importance"));
        if (json_is_integer(json_object_get(t, "votes")))
            printf(", %" JSON_INTEGER_FORMAT " supporters counted", INT(t, "votes"));
        printf("): %s\n", TEXT(t, "text"));
    }
    json_t *votes = json_object_get(c, "vote_list");
    printf("\nVotes (%zu):\n", json_array_size(votes));
    json_array_foreach(votes, i, t)
        printf("  #%" JSON_INTEGER_FORMAT " %s / %s, %s by %s\n", INT(t, "id"), TEXT(t, "network"),
               TEXT(t, "place"), TEXT(t, "at"), TEXT(t, "actor"));
    json_t *commons = json_object_get(c, "commons");
    printf("\nCandidate commons (%zu):\n", json_array_size(commons));
    json_array_foreach(commons, i, t)
    {
        printf("  %s: %s, %s (%" JSON_INTEGER_FORMAT " places)", TEXT(t, "name"), TEXT(t, "stage"),
               TEXT(t, "status"), INT(t, "users"));
        if (TEXT(t, "note"))
            printf(": %s", TEXT(t, "note"));
        printf("\n");
    }
    if (json_array_size(commons) == 0)
        printf("  (none linked: see `defis suggest %" JSON_INTEGER_FORMAT "`)\n", INT(c, "id"));
}

int api_cli_show(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL, *config = NULL;
    const GOptionEntry entries[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Explain the score under the scoring settings of FILE (a preview)", "FILE"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "text (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "show", "ID",
        "Show a challenge: its mentions, votes, reach, and the breakdown of its score.", entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 2)
        return api_cli_usage("show", "give exactly one challenge ID");
    char *end = NULL;
    gint64 id = g_ascii_strtoll(argv[1], &end, 10);
    if (*end || end == argv[1] || id < 1)
        return api_cli_usage("show", "\"%s\" is not a challenge id", argv[1]);
    ApiFormat format = API_FORMAT_TEXT;
    if (!api_cli_format("show", format_name, API_FORMATS_TEXT_JSON, &format))
        return API_EXIT_USAGE;
    gboolean json = format == API_FORMAT_JSON;
    GError *error = NULL;
    g_autoptr(DefisScoreSettings) settings = NULL;
    if (!api_cli_settings(config, &settings))
        return API_EXIT_FAIL;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    /* The same JSON as GET /v1/challenges/{id}. */
    g_autoptr(json_t) challenge = api_challenge_show(store, id, settings, &error);
    if (!challenge)
        return api_cli_fail(error);
    if (json)
        api_print_json(challenge);
    else
        print_text(challenge);
    return API_EXIT_OK;
}
