/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_tokens.h - bearer tokens over HTTP (leads only). */
#ifndef API_HANDLERS_TOKENS_H
#define API_HANDLERS_TOKENS_H

#include "api/routes.h"

/* GET /v1/tokens: {"tokens": [{id, role, network, label, created_at, created_by,
 * revoked_at}]}; never the secrets, which are not stored. */
gboolean api_handle_tokens_list(ApiRequest *request, ApiResponse *response, GError **error);
/* POST /v1/tokens {"role", "network"?, "label"?}: 201 {"id", "role", "network",
 * "label", "token"}; the token is shown this once. */
gboolean api_handle_tokens_create(ApiRequest *request, ApiResponse *response, GError **error);
/* DELETE /v1/tokens/{id}: 200 {"id", "revoked": true}; 404 unknown, 409 revoked already. */
gboolean api_handle_tokens_revoke(ApiRequest *request, ApiResponse *response, GError **error);

#endif
