/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_shortlists.c - frozen shortlists over HTTP, and their CSV form. */
#include "api/handlers_shortlists.h"

#include <string.h>

#include "api/cli.h"
#include "api/server.h"
#include "engine/error.h"
#include "engine/shortlist.h"

#define INT(object, key) json_integer_value(json_object_get(object, key))
#define TEXT(object, key) json_string_value(json_object_get(object, key))

char *api_shortlist_csv(json_t *shortlist)
{
    GString *out = g_string_new("rank,challenge_id,title,score,votes,networks,places,people,"
                                "themes,commons,settings_version,sha256\n");
    json_t *content = json_object_get(shortlist, "shortlist");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(content, "entries"), i, e)
    {
        json_t *reach = json_object_get(e, "reach");
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT ",",
                               INT(e, "rank"), INT(e, "challenge_id"));
        api_csv_field(out, TEXT(e, "title"));
        char score[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_dtostr(score, sizeof score, json_number_value(json_object_get(e, "score")));
        g_string_append_printf(out,
                               ",%s,%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT
                               ",%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT ",",
                               score, INT(e, "votes"), INT(reach, "networks"),
                               INT(reach, "places"), INT(reach, "people"));
        g_autoptr(GString) list = g_string_new(NULL);
        size_t j;
        json_t *t;
        json_array_foreach(json_object_get(e, "themes"), j, t)
            g_string_append_printf(list, "%s%s", j ? "|" : "", json_string_value(t));
        api_csv_field(out, list->str);
        g_string_append_c(out, ',');
        g_string_truncate(list, 0);
        json_array_foreach(json_object_get(e, "commons"), j, t)
            g_string_append_printf(list, "%s%s (%s)", j ? "; " : "", TEXT(t, "name"),
                                   TEXT(t, "stage"));
        api_csv_field(out, list->str);
        g_string_append_printf(out, ",%s,%s\n", TEXT(shortlist, "settings_version"),
                               TEXT(shortlist, "sha256"));
    }
    return g_string_free(out, FALSE);
}

gboolean api_handle_shortlists_create(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    const char *name = NULL, *theme = NULL, *network = NULL;
    json_t *stages = NULL;
    json_int_t min_networks = 0, limit = 0;
    int unserved = 0;
    if (!body || !api_json_unpack(body, error, "{s:s, s?o, s?s, s?s, s?I, s?I, s?b !}", "name",
                                  &name, "stages", &stages, "theme", &theme, "network", &network,
                                  "min_networks", &min_networks, "limit", &limit, "unserved",
                                  &unserved))
        return FALSE;
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    if (stages && !json_is_array(stages)) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "body: stages: expected an array of stages");
        return FALSE;
    }
    size_t i;
    json_t *s;
    json_array_foreach(stages, i, s)
    {
        if (!json_is_string(s)) {
            g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                        "body: stages: expected an array of stages");
            return FALSE;
        }
        g_ptr_array_add(names, (gpointer)json_string_value(s));
    }
    g_ptr_array_add(names, NULL);
    if (limit == 0)
        limit = DEFIS_SHORTLIST_LIMIT_DEFAULT;
    DefisShortlistQuery query = {
        .name = name,
        .stages = (const char *const *)names->pdata,
        .theme = theme,
        .network = network,
        .min_networks = min_networks,
        .limit = limit,
        .unserved = unserved,
    };
    g_autofree char *actor = api_request_actor(request);
    gint64 id = defis_shortlist_create(api_request_store(request), &query, actor, error);
    if (!id)
        return FALSE;
    json_t *shortlist = defis_shortlist_get(api_request_store(request), id, error);
    if (!shortlist)
        return FALSE;
    g_autofree char *location = g_strdup_printf("/v1/shortlists/%" G_GINT64_FORMAT, id);
    api_response_header(response, "Location", location);
    api_response_json(response, 201, shortlist);
    return TRUE;
}

gboolean api_handle_shortlists_list(ApiRequest *request, ApiResponse *response, GError **error)
{
    json_t *out = defis_shortlist_list(api_request_store(request), error);
    if (!out)
        return FALSE;
    api_response_json(response, 200, out);
    return TRUE;
}

gboolean api_handle_shortlists_get(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 id = 0;
    if (!api_param_id(request, 0, "shortlist", &id, error))
        return FALSE;
    /* ?format= wins; without it, the Accept header chooses (JSON by default). */
    static const char *const forms[] = {"application/json", "text/csv"};
    const char *format = api_query(request, "format");
    gboolean csv = g_strcmp0(format, "csv") == 0;
    if (format && !csv && strcmp(format, "json") != 0) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST, "format must be json or csv");
        return FALSE;
    }
    if (!format) {
        gint form = api_request_negotiate(request, forms, G_N_ELEMENTS(forms), error);
        if (form < 0)
            return FALSE;
        csv = form == 1;
    }
    json_t *shortlist = defis_shortlist_get(api_request_store(request), id, error);
    if (!shortlist)
        return FALSE;
    /* The content never changes, so its hash is a strong validator of each form. */
    g_autofree char *etag = g_strdup_printf("\"%s%s\"", TEXT(shortlist, "sha256"),
                                            csv ? ".csv" : "");
    if (api_request_etag_matches(request, etag)) {
        /* The client's copy is this one: 304, no body, the same validators. */
        json_decref(shortlist);
        response->status = 304;
    } else if (csv) {
        g_autofree char *text = api_shortlist_csv(shortlist);
        json_decref(shortlist);
        gsize length = strlen(text);
        g_autoptr(GBytes) bytes = g_bytes_new_take(g_steal_pointer(&text), length);
        api_response_bytes(response, 200, "text/csv; charset=utf-8", bytes);
    } else {
        api_response_json(response, 200, shortlist);
    }
    api_response_header(response, "ETag", etag);
    api_response_header(response, "Cache-Control", "private, max-age=31536000, immutable");
    if (!format)
        api_response_header(response, "Vary", "Accept");
    return TRUE;
}

gboolean api_handle_shortlists_diff(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 a = 0, b = 0;
    if (!api_param_id(request, 0, "shortlist", &a, error) ||
        !api_param_id(request, 1, "shortlist", &b, error))
        return FALSE;
    json_t *diff = defis_shortlist_diff(api_request_store(request), a, b, error);
    if (!diff)
        return FALSE;
    api_response_json(response, 200, diff);
    return TRUE;
}
