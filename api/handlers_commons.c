/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_commons.c - the catalogue of commons, their stages, links and suggestions, over HTTP. */
#include "api/handlers_commons.h"

#include "api/server.h"
#include "engine/commons.h"
#include "engine/error.h"

/* The challenge id of path parameter I; DEFIS_ERROR_NOT_FOUND when it is not one. */
static gboolean challenge_param(const ApiRequest *request, int i, gint64 *id, GError **error)
{
    if (g_ascii_string_to_signed(request->params[i], 10, 1, G_MAXINT64, id, NULL))
        return TRUE;
    g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no challenge %s", request->params[i]);
    return FALSE;
}

/* Reads the fields of a commons from BODY (borrowed strings; a keywords array is
 * joined into *KEYWORDS, owned by the caller). null clears a text field. */
static gboolean body_fields(json_t *body, gboolean adding, DefisCommonsFields *f,
                            char **keywords, GError **error)
{
    json_t *name = NULL, *stage = NULL, *url = NULL, *description = NULL, *words = NULL,
           *users = NULL, *note = NULL;
    if (!api_json_unpack(body, error, "{s?o, s?o, s?o, s?o, s?o, s?o, s?o !}", "name", &name,
                         "stage", &stage, "url", &url, "description", &description, "keywords",
                         &words, "users", &users, "note", &note))
        return FALSE;
    struct {
        json_t *value;
        const char **slot;
        const char *key;
    } texts[] = {{name, &f->name, "name"},
                 {stage, &f->stage, "stage"},
                 {url, &f->url, "url"},
                 {description, &f->description, "description"},
                 {note, &f->note, "note"}};
    *f = (DefisCommonsFields){.users = -1};
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
        if (!texts[i].value)
            continue;
        if (json_is_null(texts[i].value) && i >= 2) {
            *texts[i].slot = "";
        } else if (json_is_string(texts[i].value)) {
            *texts[i].slot = json_string_value(texts[i].value);
        } else {
            g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST, "body: %s: expected a string",
                        texts[i].key);
            return FALSE;
        }
    }
    if (words && json_is_array(words)) {
        GString *joined = g_string_new(NULL);
        size_t i;
        json_t *w;
        json_array_foreach(words, i, w)
        {
            if (!json_is_string(w)) {
                g_string_free(joined, TRUE);
                g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                            "body: keywords: expected strings");
                return FALSE;
            }
            g_string_append_printf(joined, "%s%s", i ? ", " : "", json_string_value(w));
        }
        *keywords = g_string_free(joined, FALSE);
        f->keywords = *keywords;
    } else if (words && (json_is_string(words) || json_is_null(words))) {
        f->keywords = json_is_null(words) ? "" : json_string_value(words);
    } else if (words) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "body: keywords: expected a string or an array of strings");
        return FALSE;
    }
    if (users && json_is_integer(users)) {
        f->users = json_integer_value(users);
        if (f->users < 0) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "users: expected 0 or more");
            return FALSE;
        }
    } else if (users && !json_is_null(users)) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST, "body: users: expected an integer");
        return FALSE;
    }
    if (adding && (!f->name || !f->stage)) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "body: name and stage are required");
        return FALSE;
    }
    return TRUE;
}

/* Answers STATUS with the commons KEY as it now is. */
static gboolean respond_commons(ApiRequest *request, ApiResponse *response, guint status,
                                const char *key, GError **error)
{
    json_t *c = defis_commons_get(api_request_store(request), key, NULL, error);
    if (!c)
        return FALSE;
    api_response_json(response, status, json_pack("{s:o}", "commons", c));
    return TRUE;
}

gboolean api_handle_commons_list(ApiRequest *request, ApiResponse *response, GError **error)
{
    json_t *list =
        defis_commons_list(api_request_store(request), api_query(request, "stage"), NULL, error);
    if (!list)
        return FALSE;
    api_response_json(response, 200, json_pack("{s:o}", "commons", list));
    return TRUE;
}

gboolean api_handle_commons_add(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    DefisCommonsFields f;
    g_autofree char *keywords = NULL;
    if (!body || !body_fields(body, TRUE, &f, &keywords, error))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gint64 id = defis_commons_add(api_request_store(request), &f, actor, error);
    if (!id)
        return FALSE;
    g_autofree char *name = g_strstrip(g_strdup(f.name));
    return respond_commons(request, response, 201, name, error);
}

gboolean api_handle_commons_get(ApiRequest *request, ApiResponse *response, GError **error)
{
    return respond_commons(request, response, 200, request->params[0], error);
}

gboolean api_handle_commons_update(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    DefisCommonsFields f;
    g_autofree char *keywords = NULL;
    if (!body || !body_fields(body, FALSE, &f, &keywords, error))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gboolean ok =
        defis_commons_update(api_request_store(request), request->params[0], &f, actor, error);
    if (!ok)
        return FALSE;
    g_autofree char *name = f.name ? g_strstrip(g_strdup(f.name)) : NULL;
    return respond_commons(request, response, 200, name ? name : request->params[0], error);
}

gboolean api_handle_commons_stage(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    const char *stage = NULL, *note = NULL;
    if (!body || !api_json_unpack(body, error, "{s:s, s?s !}", "stage", &stage, "note", &note))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gboolean ok = defis_commons_set_stage(api_request_store(request), request->params[0], stage,
                                          note, actor, error);
    if (!ok)
        return FALSE;
    return respond_commons(request, response, 200, request->params[0], error);
}

static gboolean respond_links(ApiRequest *request, ApiResponse *response, guint status,
                              gint64 challenge, GError **error)
{
    json_t *list = defis_commons_of_challenge(api_request_store(request), challenge, NULL, error);
    if (!list)
        return FALSE;
    api_response_json(response, status,
                      json_pack("{s:I, s:o}", "challenge", (json_int_t)challenge, "commons", list));
    return TRUE;
}

gboolean api_handle_links_list(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 id = 0;
    if (!challenge_param(request, 0, &id, error))
        return FALSE;
    return respond_links(request, response, 200, id, error);
}

gboolean api_handle_links_add(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 id = 0;
    g_autoptr(json_t) body = NULL;
    const char *commons = NULL, *note = NULL;
    if (!challenge_param(request, 0, &id, error) || !(body = api_request_json(request, error)) ||
        !api_json_unpack(body, error, "{s:s, s?s !}", "commons", &commons, "note", &note))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gboolean ok = defis_commons_link(api_request_store(request), id, commons, note, actor, error);
    return ok && respond_links(request, response, 201, id, error);
}

gboolean api_handle_links_remove(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 id = 0;
    if (!challenge_param(request, 0, &id, error))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gboolean ok =
        defis_commons_unlink(api_request_store(request), id, request->params[1], actor, error);
    return ok && respond_links(request, response, 200, id, error);
}

gboolean api_handle_suggestions(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 id = 0, limit = 0;
    if (!challenge_param(request, 0, &id, error) ||
        !api_query_int(request, "limit", 5, 1, DEFIS_COMMONS_SUGGEST_MAX, &limit, error))
        return FALSE;
    json_t *out = defis_commons_suggest(api_request_store(request), id, limit, error);
    if (!out)
        return FALSE;
    api_response_json(response, 200, out);
    return TRUE;
}
