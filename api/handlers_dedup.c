/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_dedup.c - the lead's hand on the grouping over HTTP: review, dismiss, merge, unmerge,
 * split, rebuild. */
#include "api/handlers_dedup.h"

#include "api/server.h"
#include "engine/dedup.h"

/* The review queue's page: the bounds of `defis review --limit`. */
#define REVIEW_LIMIT_DEFAULT 20
#define REVIEW_LIMIT_MAX 10000
/* Most ids one merge or split may name: a body is capped, this keeps the engine's
 * one transaction of a sane size too. */
#define IDS_MAX 10000

/* VALUE (the body's FIELD) as a non-empty array of ids (whole numbers > 0) into a
 * new array; NULL with API_ERROR_BAD_REQUEST otherwise. */
static GArray *body_ids(json_t *value, const char *field, GError **error)
{
    if (!json_is_array(value) || json_array_size(value) == 0 || json_array_size(value) > IDS_MAX) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "body: %s: expected an array of 1 to %d ids", field, IDS_MAX);
        return NULL;
    }
    GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64), json_array_size(value));
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item)
    {
        if (!json_is_integer(item) || json_integer_value(item) < 1) {
            g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                        "body: %s[%zu]: expected an id (a whole number > 0)", field, i);
            g_array_unref(ids);
            return NULL;
        }
        gint64 id = json_integer_value(item);
        g_array_append_val(ids, id);
    }
    return ids;
}

/* An id field of the body: a whole number > 0. */
static gboolean body_id(json_int_t value, const char *field, GError **error)
{
    if (value >= 1)
        return TRUE;
    g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                "body: %s: expected an id (a whole number > 0)", field);
    return FALSE;
}

gboolean api_handle_review(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 limit = 0;
    if (!api_query_int(request, "limit", REVIEW_LIMIT_DEFAULT, 1, REVIEW_LIMIT_MAX, &limit, error))
        return FALSE;
    json_t *review = defis_dedup_review(api_request_store(request), limit, error);
    if (!review)
        return FALSE;
    api_response_json(response, 200, review);
    return TRUE;
}

gboolean api_handle_review_dismiss(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    json_int_t a = 0, b = 0;
    if (!body || !api_json_unpack(body, error, "{s:I, s:I !}", "a", &a, "b", &b) ||
        !body_id(a, "a", error) || !body_id(b, "b", error))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gboolean ok = defis_dedup_dismiss(api_request_store(request), a, b, actor, error);
    if (!ok)
        return FALSE;
    api_response_json(response, 200,
                      json_pack("{s:I, s:I, s:b}", "a", a, "b", b, "dismissed", TRUE));
    return TRUE;
}

gboolean api_handle_merge(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 target = 0;
    g_autoptr(json_t) body = NULL;
    json_t *sources = NULL;
    if (!api_param_id(request, 0, "challenge", &target, error) ||
        !(body = api_request_json(request, error)) ||
        !api_json_unpack(body, error, "{s:o !}", "sources", &sources))
        return FALSE;
    g_autoptr(GArray) ids = body_ids(sources, "sources", error);
    if (!ids)
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    json_t *merges = defis_dedup_merge(api_request_store(request), target,
                                       &g_array_index(ids, gint64, 0), ids->len, actor, error);
    if (!merges)
        return FALSE;
    api_response_json(response, 200,
                      json_pack("{s:I, s:o}", "target", (json_int_t)target, "merges", merges));
    return TRUE;
}

gboolean api_handle_unmerge(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 source = 0;
    if (!api_param_id(request, 0, "challenge", &source, error))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gboolean ok = defis_dedup_unmerge(api_request_store(request), source, actor, error);
    if (!ok)
        return FALSE;
    api_response_json(response, 200,
                      json_pack("{s:I, s:b}", "challenge", (json_int_t)source, "restored", TRUE));
    return TRUE;
}

gboolean api_handle_split(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    json_t *mentions = NULL;
    if (!body || !api_json_unpack(body, error, "{s:o !}", "mentions", &mentions))
        return FALSE;
    g_autoptr(GArray) ids = body_ids(mentions, "mentions", error);
    if (!ids)
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gint64 created = defis_dedup_split(api_request_store(request), &g_array_index(ids, gint64, 0),
                                       ids->len, actor, error);
    if (!created)
        return FALSE;
    g_autofree char *location = g_strdup_printf("/v1/challenges/%" G_GINT64_FORMAT, created);
    api_response_header(response, "Location", location);
    api_response_json(
        response, 201,
        json_pack("{s:I, s:O}", "challenge", (json_int_t)created, "mentions", mentions));
    return TRUE;
}

gboolean api_handle_dedup_rebuild(ApiRequest *request, ApiResponse *response, GError **error)
{
    const DefisScoreSettings *settings = request->context->config->settings;
    g_autofree char *actor = api_request_actor(request);
    DefisRebuildReport report = {0};
    gboolean ok = defis_dedup_rebuild(api_request_store(request),
                                      settings ? &settings->dedup : NULL, actor, &report, error);
    if (!ok)
        return FALSE;
    api_response_json(
        response, 200,
        json_pack("{s:I, s:I, s:I, s:I, s:I}", "mentions", (json_int_t)report.mentions, "locked",
                  (json_int_t)report.locked, "challenges", (json_int_t)report.challenges, "reused",
                  (json_int_t)report.reused, "archived", (json_int_t)report.archived));
    return TRUE;
}
