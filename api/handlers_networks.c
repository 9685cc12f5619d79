/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_networks.c - the local networks over HTTP. */
#include "api/handlers_networks.h"

#include "api/server.h"
#include "engine/network.h"

gboolean api_handle_networks_list(ApiRequest *request, ApiResponse *response, GError **error)
{
    json_t *list = defis_network_list(api_request_store(request), error);
    if (!list)
        return FALSE;
    api_response_json(response, 200, json_pack("{s:o}", "networks", list));
    return TRUE;
}

gboolean api_handle_networks_add(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    const char *name = NULL, *region = NULL;
    if (!body || !api_json_unpack(body, error, "{s:s, s?s !}", "name", &name, "region", &region))
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gint64 id = defis_network_add(api_request_store(request), name, region, actor, error);
    if (!id)
        return FALSE;
    api_response_json(response, 201,
                      json_pack("{s:{s:I, s:s, s:s?}}", "network", "id", (json_int_t)id, "name",
                                name, "region", region));
    return TRUE;
}
