/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_meta.h - the service about itself: health, OpenAPI description, metrics. */
#ifndef API_HANDLERS_META_H
#define API_HANDLERS_META_H

#include "api/routes.h"

/* GET /v1/health: {"status": "ok", "version", "schema"} once the store answers. */
gboolean api_handle_health(ApiRequest *request, ApiResponse *response, GError **error);
/* GET /openapi.json: the OpenAPI 3.1 description generated from the route table. */
gboolean api_handle_openapi(ApiRequest *request, ApiResponse *response, GError **error);
/* GET /metrics: the Prometheus text exposition. */
gboolean api_handle_metrics(ApiRequest *request, ApiResponse *response, GError **error);

#endif
