/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_networks.h - the local networks over HTTP. */
#ifndef API_HANDLERS_NETWORKS_H
#define API_HANDLERS_NETWORKS_H

#include "api/routes.h"

/* GET /v1/networks: {"networks": [{id, name, region, created_at, surveys, places, mentions}]}. */
gboolean api_handle_networks_list(ApiRequest *request, ApiResponse *response, GError **error);
/* POST /v1/networks {"name", "region"?}: 201 {"network": {id, name, region}}; 409 when
 * the name is taken. */
gboolean api_handle_networks_add(ApiRequest *request, ApiResponse *response, GError **error);

#endif
