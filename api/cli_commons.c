/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_commons.c - `defis commons add|update|stage|list|show|export|import`: the catalogue of
 * commons. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "api/commons_file.h"
#include "engine/commons.h"

#define INT(object, key) json_integer_value(json_object_get(object, key))
#define TEXT(object, key) json_string_value(json_object_get(object, key))

/* --config FILE: the settings that hold the recognition threshold. */
static char *keywords_text(json_t *keywords)
{
    g_autoptr(GString) out = g_string_new(NULL);
    size_t i;
    json_t *k;
    json_array_foreach(keywords, i, k)
        g_string_append_printf(out, "%s%s", i ? ", " : "", json_string_value(k));
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* ---- add, update, stage --------------------------------------------------------- */

typedef struct {
    char *stage, *url, *description, *keywords, *note, *rename;
    gint64 users;
} FieldOptions;

static void field_options_clear(FieldOptions *o)
{
    g_free(o->stage);
    g_free(o->url);
    g_free(o->description);
    g_free(o->keywords);
    g_free(o->note);
    g_free(o->rename);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(FieldOptions, field_options_clear)

static int edit(ApiCli *cli, int argc, char **argv, gboolean adding)
{
    g_auto(FieldOptions) o = {.users = -1};
    const char *command = adding ? "commons add" : "commons update";
    GOptionEntry entries[] = {
        {"stage", 's', 0, G_OPTION_ARG_STRING, &o.stage,
         "idea, prototype, stable or dormant (required to add)", "STAGE"},
        {"url", 'u', 0, G_OPTION_ARG_STRING, &o.url, "Its web address (\"\" clears it)", "URL"},
        {"description", 'd', 0, G_OPTION_ARG_STRING, &o.description, "What it is (\"\" clears it)",
         "TEXT"},
        {"keywords", 'k', 0, G_OPTION_ARG_STRING, &o.keywords,
         "Keywords, separated by commas (\"\" clears them)", "K1,K2"},
        {"users", 0, 0, G_OPTION_ARG_INT64, &o.users, "How many places use it", "N"},
        {"note", 0, 0, G_OPTION_ARG_STRING, &o.note,
         "A note for the stage history (needed to move a stage back)", "TEXT"},
        {adding ? NULL : "rename", 0, 0, G_OPTION_ARG_STRING, &o.rename, "A new name", "NEW"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        command, "NAME",
        adding ? "Add a commons to the catalogue, at its lifecycle stage."
               : "Change the fields of a commons (only those given); --stage moves its stage.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 2)
        return api_cli_usage(command, "give exactly one commons NAME (quote it if it has spaces)");
    if (adding && !o.stage)
        return api_cli_usage(command, "--stage is required: idea, prototype, stable or dormant");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    DefisCommonsFields f = {
        .name = adding ? argv[1] : o.rename,
        .stage = o.stage,
        .url = o.url,
        .description = o.description,
        .keywords = o.keywords,
        .users = o.users,
        .note = o.note,
    };
    GError *error = NULL;
    if (adding) {
        gint64 id = defis_commons_add(store, &f, cli->actor, &error);
        if (!id)
            return api_cli_fail(error);
        printf("commons %" G_GINT64_FORMAT " \"%s\" added at stage %s\n", id, g_strstrip(argv[1]),
               o.stage);
    } else {
        if (!defis_commons_update(store, argv[1], &f, cli->actor, &error))
            return api_cli_fail(error);
        printf("commons \"%s\" updated\n", o.rename ? o.rename : argv[1]);
    }
    return API_EXIT_OK;
}

static int commons_stage(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *note = NULL;
    const GOptionEntry entries[] = {
        {"note", 'n', 0, G_OPTION_ARG_STRING, &note, "Why (required to move back, or to dormant)",
         "TEXT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("commons stage", "NAME STAGE",
                        "Move a commons to another stage of its lifecycle.", entries);
    g_option_context_set_description(
        context, "The lifecycle runs idea -> prototype -> stable; dormant is out of it.\n"
                 "A move back (stable -> prototype, -> idea) or to dormant needs --note;\n"
                 "moving forward, or out of dormant, does not. Every move is kept with its\n"
                 "date, actor and note (`defis commons show NAME`).");
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 3)
        return api_cli_usage("commons stage", "give a commons NAME and a STAGE");
    DefisStage stage;
    if (!defis_stage_parse(argv[2], &stage))
        return api_cli_usage("commons stage",
                             "unknown stage \"%s\": use idea, prototype, stable or dormant",
                             argv[2]);
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    if (!defis_commons_set_stage(store, argv[1], argv[2], note, cli->actor, &error))
        return api_cli_fail(error);
    printf("commons \"%s\" is now at stage %s\n", argv[1], argv[2]);
    return API_EXIT_OK;
}

/* ---- list, show ------------------------------------------------------------------- */

static void print_list_table(json_t *list)
{
    printf("%-4s %-28s %-10s %-11s %6s %6s  %s\n", "ID", "NAME", "STAGE", "STATUS", "USERS",
           "LINKS", "URL");
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        g_autofree char *name = api_cli_clip(TEXT(c, "name"), 28);
        const char *url = TEXT(c, "url");
        printf("%-4" JSON_INTEGER_FORMAT " %-28s %-10s %-11s %6" JSON_INTEGER_FORMAT
               " %6" JSON_INTEGER_FORMAT "  %s\n",
               INT(c, "id"), name, TEXT(c, "stage"), TEXT(c, "status"), INT(c, "users"),
               INT(c, "links"), url ? url : "-");
    }
    if (json_array_size(list) == 0)
        printf("(no commons here: add one with `defis commons add NAME --stage STAGE`)\n");
}

static void print_list_csv(json_t *list)
{
    g_autoptr(GString) out =
        g_string_new("id,name,stage,status,users,links,url,description,keywords\n");
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT ",", INT(c, "id"));
        api_csv_field(out, TEXT(c, "name"));
        g_string_append_printf(out, ",%s,%s,%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT ",",
                               TEXT(c, "stage"), TEXT(c, "status"), INT(c, "users"),
                               INT(c, "links"));
        api_csv_field(out, TEXT(c, "url"));
        g_string_append_c(out, ',');
        api_csv_field(out, TEXT(c, "description"));
        g_string_append_c(out, ',');
        g_autofree char *keywords = keywords_text(json_object_get(c, "keywords"));
        api_csv_field(out, keywords);
        g_string_append_c(out, '\n');
    }
    fwrite(out->str, 1, out->len, stdout);
}

static int commons_list(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL, *stage = NULL, *config = NULL;
    const GOptionEntry entries[] = {
        {"stage", 's', 0, G_OPTION_ARG_STRING, &stage, "Only the commons at this stage", "STAGE"},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Settings file whose [commons] recognised_users sets who is recognised", "FILE"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default), json or csv",
         "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "commons list", "",
        "List the commons by name, with their stage and whether they are recognised\n"
        "(used by at least [commons] recognised_users places, 3 by default) or candidates.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("commons list", "no arguments expected");
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("commons list", format_name, API_FORMATS_ALL, &format))
        return API_EXIT_USAGE;
    g_autoptr(DefisScoreSettings) settings = NULL;
    if (!api_cli_settings(config, &settings))
        return API_EXIT_FAIL;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) list = defis_commons_list(store, stage, settings, &error);
    if (!list)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        g_autoptr(json_t) out = json_pack("{s:O}", "commons", list);
        api_print_json(out);
    } else if (format == API_FORMAT_CSV) {
        print_list_csv(list);
    } else {
        print_list_table(list);
    }
    return API_EXIT_OK;
}

static void print_show(json_t *c)
{
    printf("Commons %" JSON_INTEGER_FORMAT ": %s\n", INT(c, "id"), TEXT(c, "name"));
    printf("stage: %s\n", TEXT(c, "stage"));
    printf("status: %s (%" JSON_INTEGER_FORMAT
           " places use it; recognised from %" JSON_INTEGER_FORMAT ")\n",
           TEXT(c, "status"), INT(c, "users"), INT(c, "recognised_users"));
    if (TEXT(c, "url"))
        printf("url: %s\n", TEXT(c, "url"));
    if (TEXT(c, "description"))
        printf("description: %s\n", TEXT(c, "description"));
    if (json_array_size(json_object_get(c, "keywords"))) {
        g_autofree char *keywords = keywords_text(json_object_get(c, "keywords"));
        printf("keywords: %s\n", keywords);
    }
    size_t i;
    json_t *h;
    printf("\nStage history:\n");
    json_array_foreach(json_object_get(c, "history"), i, h)
    {
        const char *previous = TEXT(h, "previous");
        printf("  %s  %s%s%s by %s", TEXT(h, "at"), previous ? previous : "",
               previous ? " -> " : "added at ", TEXT(h, "stage"), TEXT(h, "actor"));
        if (TEXT(h, "note"))
            printf(": %s", TEXT(h, "note"));
        printf("\n");
    }
    json_t *challenges = json_object_get(c, "challenges");
    printf("\nLinked challenges (%zu), best score first:\n", json_array_size(challenges));
    json_array_foreach(challenges, i, h)
    {
        g_autofree char *title = api_cli_clip(TEXT(h, "title"), 60);
        json_t *score = json_object_get(h, "score");
        printf("  #%-5" JSON_INTEGER_FORMAT " %9.4f  %s%s%s%s\n", INT(h, "id"),
               json_is_number(score) ? json_number_value(score) : 0.0, title,
               strcmp(TEXT(h, "state"), "open") != 0 ? " [" : "",
               strcmp(TEXT(h, "state"), "open") != 0 ? TEXT(h, "state") : "",
               strcmp(TEXT(h, "state"), "open") != 0 ? "]" : "");
    }
    if (json_array_size(challenges) == 0)
        printf("  (none: link one with `defis link CHALLENGE_ID NAME`)\n");
}

static int commons_show(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL, *config = NULL;
    const GOptionEntry entries[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Settings file whose [commons] recognised_users sets who is recognised", "FILE"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "text (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "commons show", "NAME",
        "Show a commons: its fields, stage history and linked challenges ranked by score.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 2)
        return api_cli_usage("commons show", "give exactly one commons NAME");
    ApiFormat format = API_FORMAT_TEXT;
    if (!api_cli_format("commons show", format_name, API_FORMATS_TEXT_JSON, &format))
        return API_EXIT_USAGE;
    gboolean json = format == API_FORMAT_JSON;
    g_autoptr(DefisScoreSettings) settings = NULL;
    if (!api_cli_settings(config, &settings))
        return API_EXIT_FAIL;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) c = defis_commons_get(store, argv[1], settings, &error);
    if (!c)
        return api_cli_fail(error);
    if (json)
        api_print_json(c);
    else
        print_show(c);
    return API_EXIT_OK;
}

/* ---- export, import ------------------------------------------------------------------ */

static int commons_export(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "json (default) or csv", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "commons export", "",
        "Print the whole catalogue (JSON or CSV), as `defis commons import` reads it back.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("commons export", "no arguments expected");
    ApiFormat format = API_FORMAT_JSON;
    if (!api_cli_format("commons export", format_name, API_FORMATS_JSON_CSV, &format))
        return API_EXIT_USAGE;
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) catalogue = defis_commons_export(store, &error);
    if (!catalogue)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        api_print_json(catalogue);
    } else {
        g_autofree char *csv = api_commons_file_csv(catalogue);
        fputs(csv, stdout);
    }
    return API_EXIT_OK;
}

static int commons_import(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
         "json or csv (default: from the file's extension, else csv)", "FORMAT"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the report as JSON", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "commons import", "FILE",
        "Import a catalogue of commons (JSON or CSV), whole or not at all.", entries);
    g_option_context_set_description(
        context, "Rows are matched on names: a new name is added, a known one updated; a row\n"
                 "that changes nothing writes nothing, so importing the same file twice is a\n"
                 "no-op. An absent column (or JSON field) leaves a field as it is; an empty\n"
                 "cell (or null) clears it. A stage moved back needs a `note` column.\n"
                 "Problems are listed as FILE:LINE:COLUMN: FIELD: message (CSV) or\n"
                 "FILE: commons[I].FIELD: message (JSON), and nothing is written.");
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 2)
        return api_cli_usage("commons import", "give exactly one FILE");
    ApiFormat format = g_str_has_suffix(argv[1], ".json") ? API_FORMAT_JSON : API_FORMAT_CSV;
    if (!api_cli_format("commons import", format_name, API_FORMATS_JSON_CSV, &format))
        return API_EXIT_USAGE;
    gboolean as_json = format == API_FORMAT_JSON;
    g_autoptr(ApiCommonsFile) file = NULL;
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    file = api_commons_file_read(argv[1], as_json, problems);
    if (!file || problems->len) {
        for (guint i = 0; i < problems->len && i < 50; i++)
            fprintf(stderr, "%s\n", (char *)problems->pdata[i]);
        if (problems->len > 50)
            fprintf(stderr, "… and %u more problems\n", problems->len - 50);
        fprintf(stderr, "defis: %s: not imported (nothing was written)\n", argv[1]);
        return API_EXIT_FAIL;
    }
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    DefisCommonsImportReport report = {0};
    if (!api_commons_file_import(file, store, cli->actor, &report, &error)) {
        fprintf(stderr, "%s\n", error->message);
        g_clear_error(&error);
        fprintf(stderr, "defis: %s: not imported (nothing was written)\n", argv[1]);
        return API_EXIT_FAIL;
    }
    if (json) {
        g_autoptr(json_t) out = json_pack(
            "{s:s, s:I, s:I, s:I, s:I}", "file", argv[1], "added", (json_int_t)report.added,
            "updated", (json_int_t)report.updated, "unchanged", (json_int_t)report.unchanged,
            "stage_changes", (json_int_t)report.stage_changes);
        api_print_json(out);
    } else {
        printf("%s: %" G_GINT64_FORMAT " added, %" G_GINT64_FORMAT " updated (%" G_GINT64_FORMAT
               " stage changes), %" G_GINT64_FORMAT " unchanged\n",
               argv[1], report.added, report.updated, report.stage_changes, report.unchanged);
    }
    return API_EXIT_OK;
}

int api_cli_commons(ApiCli *cli, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(ApiCli *, int, char **);
    } subcommands[] = {
        {"list", commons_list},     {"show", commons_show},     {"stage", commons_stage},
        {"export", commons_export}, {"import", commons_import},
    };
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return edit(cli, argc - 1, argv + 1, TRUE);
    if (argc >= 2 && strcmp(argv[1], "update") == 0)
        return edit(cli, argc - 1, argv + 1, FALSE);
    for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS(subcommands); i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(cli, argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage:\n"
               "  defis commons add NAME --stage idea|prototype|stable|dormant [--url U]\n"
               "                    [--description D] [--keywords K] [--users N] [--note T]\n"
               "  defis commons update NAME [same options] [--rename NEW]\n"
               "  defis commons stage NAME STAGE [--note T]\n"
               "  defis commons list [--stage S] [--config FILE] [--format table|json|csv]\n"
               "  defis commons show NAME [--config FILE] [--format text|json]\n"
               "  defis commons export [--format json|csv]\n"
               "  defis commons import FILE [--format json|csv] [--json]\n\n"
               "The catalogue of commons and their lifecycle stages (idea -> prototype ->\n"
               "stable; dormant is out of the lifecycle). A move back, or to dormant, needs\n"
               "a note. A commons is recognised once [commons] recognised_users places (3 by\n"
               "default, in the settings file of --config) use it; before, a candidate.\n"
               "`defis COMMAND SUBCOMMAND --help` details each one.\n");
        return API_EXIT_OK;
    }
    return api_cli_usage("commons",
                         "expected `add`, `update`, `stage`, `list`, `show`, `export` or `import`");
}
