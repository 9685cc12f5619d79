/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* openapi.h - the OpenAPI 3.1 description of the service, generated from the route table. */
#ifndef API_OPENAPI_H
#define API_OPENAPI_H

#include "engine/common.h"

/* A new JSON object: the OpenAPI 3.1 document of every route of api_routes
 * (paths, methods, parameters, bodies, responses, bearer security and the
 * roles as "x-defis-roles"). */
json_t *api_openapi_document(void);

#endif
