/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_meta.c - the service about itself: health, OpenAPI description, metrics. */
#include "api/handlers_meta.h"

#include <string.h>

#include "api/openapi.h"
#include "api/server.h"
#include "engine/network.h"
#include "engine/rank.h"

gboolean api_handle_health(ApiRequest *request, ApiResponse *response, GError **error)
{
    /* A cheap query proves the store answers, not just that the process is up. */
    g_autoptr(json_t) networks = defis_network_list(api_request_store(request), error);
    if (!networks)
        return FALSE;
    api_response_json(response, 200,
                      json_pack("{s:s, s:s, s:i}", "status", "ok", "version", DEFIS_VERSION,
                                "schema", defis_store_schema_version()));
    return TRUE;
}

gboolean api_handle_openapi(ApiRequest *request, ApiResponse *response, GError **error)
{
    api_response_json(response, 200, api_openapi_document());
    return TRUE;
}

gboolean api_handle_metrics(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) networks = defis_network_list(api_request_store(request), error);
    if (!networks)
        return FALSE;
    gint64 open = defis_rank_count_open(api_request_store(request), error);
    if (open < 0)
        return FALSE;
    char *text = api_metrics_render(request->context->metrics, networks, open);
    g_autoptr(GBytes) bytes = g_bytes_new_take(text, strlen(text));
    api_response_bytes(response, 200, "text/plain; version=0.0.4; charset=utf-8", bytes);
    return TRUE;
}
