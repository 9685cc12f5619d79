/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_surveys.c - survey uploads over HTTP: the same import as `defis import`. */
#include "api/handlers_surveys.h"

#include <string.h>

#include "api/auth.h"
#include "api/server.h"
#include "surveys/error.h"
#include "surveys/import.h"

/* The survey format: ?format= when given, else from the body's media type. */
static const char *survey_format(const ApiRequest *request, GError **error)
{
    const char *format = api_query(request, "format");
    if (!format)
        return g_strcmp0(request->content_type, "text/csv") == 0 ? "csv" : "json";
    if (g_strcmp0(format, "csv") != 0 && g_strcmp0(format, "json") != 0) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "unknown format \"%s\": use csv or json", format);
        return NULL;
    }
    return format;
}

/* ?profile= names a shipped profile only: a path would read the server's files. */
static gboolean survey_profile_param(const ApiRequest *request, const char **profile,
                                     GError **error)
{
    *profile = api_query(request, "profile");
    if (*profile && (strchr(*profile, '/') || strchr(*profile, '.'))) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "profile \"%s\": name a shipped profile (or auto)", *profile);
        return FALSE;
    }
    return TRUE;
}

gboolean api_handle_surveys_upload(ApiRequest *request, ApiResponse *response, GError **error)
{
    const char *network = api_auth_network(request->token, api_query(request, "network"), error);
    const char *format = network ? survey_format(request, error) : NULL;
    const char *profile = NULL;
    if (!format || !survey_profile_param(request, &profile, error))
        return FALSE;
    /* ?map=FIELD=COLUMN, several separated by line breaks (%0A). */
    const char *map = api_query(request, "map");
    g_auto(GStrv) maps = map ? g_strsplit(map, "\n", -1) : NULL;
    const char *dry = api_query(request, "dry_run");
    gboolean dry_run = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
    const ApiConfig *config = request->context->config;
    g_autofree char *actor = api_request_actor(request);
    SurveyImportOptions options = {
        .network = network,
        .format = format,
        .title = api_query(request, "title"),
        .actor = actor,
        .profile = profile,
        .maps = (const char *const *)maps,
        .dry_run = dry_run,
    };
    survey_limits_default(&options.limits);
    options.limits.max_file_size = config->max_body;
    options.limits.max_rows = config->max_rows;
    options.limits.max_field = config->max_field;
    if (config->settings)
        options.dedup = &config->settings->dedup;

    g_autoptr(GBytes) body = request->body ? g_bytes_ref(request->body) : g_bytes_new(NULL, 0);
    SurveyReport report = {0};
    GError *local = NULL;
    if (dry_run) {
        /* A preview writes nothing: no write lock, 200 with the report, problems included. */
        if (!survey_import_bytes(api_request_store(request), body, "body", &options, &report,
                                 error)) {
            survey_report_clear(&report);
            return FALSE;
        }
        json_t *out = survey_report_to_json(&report);
        json_object_set_new(out, "network", json_string(network));
        api_response_json(response, 200, out);
        survey_report_clear(&report);
        return TRUE;
    }
    gboolean ok =
        survey_import_bytes(api_request_store(request), body, "body", &options, &report, &local);

    ApiMetrics *metrics = request->context->metrics;
    if (!ok) {
        if (local->domain == SURVEY_ERROR) {
            api_metrics_import(metrics, "rejected", 0, 0);
            /* The problems go back whole: the same list `defis import` prints. */
            api_response_error(response, local, survey_report_to_json(&report));
            g_error_free(local);
            survey_report_clear(&report);
            return TRUE;
        }
        survey_report_clear(&report);
        g_propagate_error(error, local);
        return FALSE;
    }
    api_metrics_import(metrics, report.duplicate ? "duplicate" : "imported",
                       report.duplicate ? 0 : report.mentions,
                       report.duplicate ? 0 : report.challenges_created);
    json_t *out = survey_report_to_json(&report);
    json_object_set_new(out, "network", json_string(network));
    api_response_json(response, report.duplicate ? 200 : 201, out);
    survey_report_clear(&report);
    return TRUE;
}
