/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_import.c - `defis import`: survey files in, one transaction each. */
#include <stdio.h>

#include "api/commands.h"
#include "engine/settings.h"
#include "surveys/error.h"
#include "surveys/import.h"

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

static void print_report(const SurveyReport *r)
{
    if (r->duplicate) {
        printf("%s: already imported as survey %" G_GINT64_FORMAT
               " (same bytes, %" G_GINT64_FORMAT " mentions): nothing to do\n",
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
}

int api_cli_import(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *network = NULL, *format = NULL, *title = NULL;
    gint64 max_size = 0, max_rows = 0, max_field = 0;
    gboolean json = FALSE;
    g_autofree char *config = NULL;
    const GOptionEntry entries[] = {
        {"network", 'n', 0, G_OPTION_ARG_STRING, &network, "Network the surveys belong to",
         "NAME"},
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
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the reports as JSON", NULL},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config,
         "Settings file whose [dedup] group groups the mentions (default: built-in)", "FILE"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "import", "FILE…",
        "Import survey files for a network. Each file is imported whole or not at all;\n"
        "importing the same bytes again does nothing.",
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
    GError *config_error = NULL;
    if (config && !(settings = defis_settings_load(config, &config_error)))
        return api_cli_fail(config_error);
    SurveyImportOptions options = {
        .network = network, .format = format, .title = title, .actor = cli->actor};
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
        if (ok) {
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
    if (status != API_EXIT_OK)
        fprintf(stderr, "defis: fix the file and import it again; nothing of it was stored\n");
    return status;
}
