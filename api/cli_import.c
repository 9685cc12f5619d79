/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_import.c - `defis import`: survey files in, one transaction each. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "engine/settings.h"
#include "surveys/error.h"
#include "surveys/import.h"
#include "surveys/mapping.h"

static void print_problems(const SurveyReport *report)
{
    for (guint i = 0; report->problems && i < report->problems->len; i++) {
        const SurveyProblem *p = g_ptr_array_index(report->problems, i);
        GString *where = g_string_new(report->file);
        if (p->line)
            g_string_append_printf(where, ":%" G_GUINT64_FORMAT, p->line);
        if (p->column)
            g_string_append_printf(where, ":%" G_GUINT64_FORMAT, p->column);
        if (p->field)
            g_string_append_printf(where, ": %s", p->field);
        fprintf(stderr, "%s: %s\n", where->str, p->message);
        g_string_free(where, TRUE);
    }
    if (report->problem_count > (guint64)(report->problems ? report->problems->len : 0))
        fprintf(stderr, "%s: … and %" G_GUINT64_FORMAT " more problems\n", report->file,
                report->problem_count - report->problems->len);
}

/* The profile line: which profile read the file, and how it was chosen. */
static void print_profile(const SurveyReport *r)
{
    if (!r->profile)
        return;
    static const char *const how[][2] = {{"detected", "recognised from the header"},
                                         {"given", "as given by --profile"},
                                         {"file", "from the profile file given"},
                                         {"default", "nothing else recognised the header"}};
    const char *why = r->profile_choice;
    for (guint i = 0; i < G_N_ELEMENTS(how); i++)
        if (g_strcmp0(r->profile_choice, how[i][0]) == 0)
            why = how[i][1];
    printf("  profile            %s (%s), %s\n", r->profile, r->tool ? r->tool : r->profile, why);
}

static void print_mapping(const SurveyReport *r)
{
    if (!r->mapping)
        return;
    printf("  mapping\n");
    if (r->header_row > 1)
        printf("    (column names on row %" G_GUINT64_FORMAT ")\n", r->header_row);
    json_t *guessed = json_object_get(r->mapping, "guessed");
    static const char *const fields[] = {"place",   "challenge", "theme",     "importance",
                                         "members", "votes",     "respondent"};
    for (guint f = 0; f < G_N_ELEMENTS(fields); f++) {
        json_t *list = json_object_get(r->mapping, fields[f]);
        gboolean guess = FALSE;
        size_t i;
        json_t *v;
        json_array_foreach(guessed, i, v)
        {
            guess |= g_strcmp0(json_string_value(v), fields[f]) == 0;
        }
        printf("    %-11s", fields[f]);
        if (json_array_size(list) == 0)
            printf(" -");
        json_array_foreach(list, i, v)
        {
            printf("%s%s", i ? ", " : " ", json_string_value(v));
        }
        printf("%s\n", guess && json_array_size(list) ? "   (found by the profile)" : "");
    }
    printf("    %" JSON_INTEGER_FORMAT " columns, %" JSON_INTEGER_FORMAT
           " ignored (tool metadata), %" JSON_INTEGER_FORMAT " multi-select options\n",
           json_integer_value(json_object_get(r->mapping, "columns")),
           json_integer_value(json_object_get(r->mapping, "ignored")),
           json_integer_value(json_object_get(r->mapping, "options")));
    size_t i;
    json_t *note;
    json_array_foreach(json_object_get(r->mapping, "notes"), i, note)
    {
        printf("  note: %s\n", json_string_value(note));
    }
}

static void print_preview(const SurveyReport *r)
{
    if (!json_array_size(r->preview))
        return;
    printf("  first mentions\n");
    size_t i;
    json_t *m;
    json_array_foreach(r->preview, i, m)
    {
        g_autofree char *place = api_cli_clip(json_string_value(json_object_get(m, "place")), 24);
        g_autofree char *text = api_cli_clip(json_string_value(json_object_get(m, "text")), 50);
        const char *theme = json_string_value(json_object_get(m, "theme"));
        g_autofree char *clipped = theme ? api_cli_clip(theme, 30) : NULL;
        printf("    line %-5" JSON_INTEGER_FORMAT " %s | %s",
               json_integer_value(json_object_get(m, "line")), place, text);
        if (clipped)
            printf(" | theme: %s", clipped);
        if (json_object_get(m, "importance"))
            printf(" | importance %" JSON_INTEGER_FORMAT,
                   json_integer_value(json_object_get(m, "importance")));
        if (json_object_get(m, "votes"))
            printf(" | votes %" JSON_INTEGER_FORMAT,
                   json_integer_value(json_object_get(m, "votes")));
        printf("\n");
    }
}

/* A dry run prints everything on stdout, problems included: it is the answer asked for. */
static void print_dry_run(const SurveyReport *r)
{
    printf("%s: dry run, nothing written (%s", r->file, r->format);
    if (r->delimiter)
        printf(", delimiter \"%s\"", strcmp(r->delimiter, "\t") == 0 ? "tab" : r->delimiter);
    printf(", %s)\n", r->encoding ? r->encoding : "?");
    print_profile(r);
    print_mapping(r);
    printf("  rows read          %" G_GINT64_FORMAT "\n"
           "  mentions           %" G_GINT64_FORMAT "\n"
           "  empty skipped      %" G_GINT64_FORMAT "\n",
           r->rows, r->mentions, r->skipped);
    print_preview(r);
    if (r->problem_count == 0) {
        printf("  problems           none: the file can be imported\n");
        return;
    }
    printf("  problems           %" G_GUINT64_FORMAT "\n", r->problem_count);
    for (guint i = 0; i < r->problems->len; i++) {
        const SurveyProblem *p = g_ptr_array_index(r->problems, i);
        printf("    %s", r->file);
        if (p->line)
            printf(":%" G_GUINT64_FORMAT, p->line);
        if (p->column)
            printf(":%" G_GUINT64_FORMAT, p->column);
        if (p->field)
            printf(": %s", p->field);
        printf(": %s\n", p->message);
    }
    if (r->problem_count > r->problems->len)
        printf("    … and %" G_GUINT64_FORMAT " more problems\n",
               r->problem_count - r->problems->len);
}

static void print_report(const SurveyReport *r)
{
    if (r->duplicate) {
        printf("%s: already imported as survey %" G_GINT64_FORMAT " (same bytes, %" G_GINT64_FORMAT
               " mentions): nothing to do\n",
               r->file, r->survey_id, r->mentions);
        return;
    }
    printf("%s: survey %" G_GINT64_FORMAT " imported (%s", r->file, r->survey_id, r->format);
    if (r->shape)
        printf(", %s shape", r->shape);
    if (g_strcmp0(r->encoding, "UTF-8") != 0)
        printf(", converted from %s", r->encoding);
    printf(")\n  rows read          %" G_GINT64_FORMAT "\n"
           "  mentions stored    %" G_GINT64_FORMAT "\n"
           "  empty skipped      %" G_GINT64_FORMAT "\n"
           "  places             %" G_GINT64_FORMAT "\n"
           "  challenges created %" G_GINT64_FORMAT "\n"
           "  challenges joined  %" G_GINT64_FORMAT "\n",
           r->rows, r->mentions, r->skipped, r->places, r->challenges_created,
           r->challenges_joined);
    if (g_strcmp0(r->profile, "canonical") != 0)
        print_profile(r);
}

int api_cli_import(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *network = NULL, *format = NULL, *title = NULL, *profile = NULL;
    g_auto(GStrv) maps = NULL;
    gint64 max_size = 0, max_rows = 0, max_field = 0;
    gboolean json = FALSE, dry_run = FALSE;
    g_autofree char *config = NULL;
    const GOptionEntry entries[] = {
        {"network", 'n', 0, G_OPTION_ARG_STRING, &network, "Network the surveys belong to", "NAME"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format,
         "csv or json (default: from the file name, then its content)", "FORMAT"},
        {"title", 't', 0, G_OPTION_ARG_STRING, &title,
         "Title of the survey (default: the JSON title, else the file name)", "TITLE"},
        {"max-file-size", 0, 0, G_OPTION_ARG_INT64, &max_size,
         "Largest file accepted, in bytes (default 256 MiB)", "BYTES"},
        {"max-rows", 0, 0, G_OPTION_ARG_INT64, &max_rows,
         "Most rows accepted in one file (default 2000000)", "N"},
        {"max-field", 0, 0, G_OPTION_ARG_INT64, &max_field,
         "Longest field accepted, in bytes (default 16384)", "BYTES"},
        {"profile", 'p', 0, G_OPTION_ARG_STRING, &profile,
         "The survey tool's profile: auto (recognised from the header; the default), a shipped "
         "one (canonical, limesurvey, kobotoolbox, odk-central, framaforms, google-forms, "
         "microsoft-forms, decidim, consul-admin, consul-opendata) or a profile FILE.ini",
         "NAME|FILE"},
        {"map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &maps,
         "Take FIELD (place, challenge, theme, importance, members, votes, respondent) from "
         "COLUMN: its header text, code or 1-based number. Repeatable; several challenge "
         "columns are allowed",
         "FIELD=COLUMN"},
        {"dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
         "Write nothing: show the profile, the mapping, the first mentions and every problem",
         NULL},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the reports as JSON", NULL},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Settings file whose [dedup] group groups the mentions (default: built-in)", "FILE"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "import", "FILE…",
        "Import survey files for a network. Each file is imported whole or not at all;\n"
        "importing the same bytes again does nothing.\n\n"
        "A survey tool's export is read as downloaded: its profile is recognised from the\n"
        "header (LimeSurvey, KoboToolbox, ODK Central, Framaforms, Google Forms, Microsoft\n"
        "Forms, Decidim, CONSUL) and named in the report. What a profile cannot know, such\n"
        "as the question holding the place's name, is given with --map, for example\n"
        "--map place=\"Nom du tiers-lieu\" or --map place=Q1. Check an unknown export\n"
        "first with --dry-run: it says which columns it found and what to map.\n\n"
        "A survey of more than 20,000 mentions into a store holding fewer is imported in\n"
        "bulk: its rows wait in a temporary file beside the database until they are\n"
        "grouped: keep room there for some three times the file, on top of the store.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (!network)
        return api_cli_usage("import", "--network NAME is required");
    if (argc < 2)
        return api_cli_usage("import", "give at least one FILE");
    if (format && g_strcmp0(format, "csv") != 0 && g_strcmp0(format, "json") != 0)
        return api_cli_usage("import", "unknown format \"%s\": use csv or json", format);
    if (max_size < 0 || max_rows < 0 || max_field < 0)
        return api_cli_usage("import", "limits must be positive");

    g_autoptr(DefisScoreSettings) settings = NULL;
    if (!api_cli_settings(config, &settings))
        return API_EXIT_FAIL;
    for (char **m = maps; m && *m; m++) {
        g_autoptr(GError) bad = NULL;
        SurveyMap map;
        if (!survey_map_parse(*m, &map, &bad))
            return api_cli_usage("import", "%s", bad->message);
        g_free(map.column);
    }
    SurveyImportOptions options = {.network = network,
                                   .format = format,
                                   .title = title,
                                   .actor = cli->actor,
                                   .profile = profile,
                                   .maps = (const char *const *)maps,
                                   .dry_run = dry_run};
    survey_limits_default(&options.limits);
    if (settings)
        options.dedup = &settings->dedup;
    if (max_size)
        options.limits.max_file_size = (guint64)max_size;
    if (max_rows)
        options.limits.max_rows = (guint64)max_rows;
    if (max_field)
        options.limits.max_field = (gsize)max_field;

    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    int status = API_EXIT_OK;
    g_autoptr(json_t) reports = json_array();
    for (int i = 1; i < argc; i++) {
        SurveyReport report = {0};
        GError *error = NULL;
        gboolean ok = survey_import_file(store, argv[i], &options, &report, &error);
        if (json)
            json_array_append_new(reports, survey_report_to_json(&report));
        if (ok && dry_run) {
            if (!json)
                print_dry_run(&report);
        } else if (ok) {
            if (!json)
                print_report(&report);
        } else {
            if (report.problems && report.problems->len)
                print_problems(&report);
            fprintf(stderr, "defis: %s\n", error->message);
            g_error_free(error);
            status = API_EXIT_FAIL;
        }
        survey_report_clear(&report);
    }
    if (json) {
        g_autoptr(json_t) out = json_pack("{s:O}", "reports", reports);
        api_print_json(out);
    }
    if (status != API_EXIT_OK && !dry_run)
        fprintf(stderr, "defis: fix the file and import it again; nothing of it was stored\n");
    return status;
}
