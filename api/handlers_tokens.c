/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_tokens.c - bearer tokens over HTTP (leads only). */
#include "api/handlers_tokens.h"

#include "api/server.h"
#include "engine/error.h"

gboolean api_handle_tokens_list(ApiRequest *request, ApiResponse *response, GError **error)
{
    json_t *list = defis_token_list(api_request_store(request), error);
    if (!list)
        return FALSE;
    api_response_json(response, 200, json_pack("{s:o}", "tokens", list));
    return TRUE;
}

gboolean api_handle_tokens_create(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    const char *role_name = NULL, *network = NULL, *label = NULL;
    if (!body || !api_json_unpack(body, error, "{s:s, s?s, s?s !}", "role", &role_name,
                                  "network", &network, "label", &label))
        return FALSE;
    DefisRole role;
    if (!defis_role_parse(role_name, &role)) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "unknown role \"%s\": use network, lead or campaign", role_name);
        return FALSE;
    }
    g_autofree char *actor = api_request_actor(request);
    gint64 id = 0;
    g_autofree char *secret = defis_token_create(api_request_store(request), role, network,
                                                 label, actor, &id, error);
    if (!secret)
        return FALSE;
    api_response_json(response, 201,
                      json_pack("{s:I, s:s, s:s?, s:s?, s:s}", "id", (json_int_t)id, "role",
                                role_name, "network", network, "label", label, "token", secret));
    return TRUE;
}

gboolean api_handle_tokens_revoke(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 id = 0;
    if (!g_ascii_string_to_signed(request->params[0], 10, 1, G_MAXINT64, &id, NULL)) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no token %s", request->params[0]);
        return FALSE;
    }
    g_autofree char *actor = api_request_actor(request);
    gboolean ok = defis_token_revoke(api_request_store(request), id, actor, error);
    if (!ok)
        return FALSE;
    api_response_json(response, 200,
                      json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", TRUE));
    return TRUE;
}
