/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* routes.h - the route table of the HTTP service: method, path pattern, handler, roles.
 *
 * Every route the service answers is one line of api_routes[] (routes.c); the
 * router matches requests against it, the server enforces its roles and body
 * types, /openapi.json is generated from it and a test keeps the two in step. */
#ifndef API_ROUTES_H
#define API_ROUTES_H

#include "api/http_json.h"

/* A handler fills RESPONSE and returns TRUE, or returns FALSE with ERROR set,
 * which the dispatcher turns into the error response (api_error_status). */
typedef gboolean (*ApiHandler)(ApiRequest *request, ApiResponse *response, GError **error);

/* Role masks: who may call a route. API_PUBLIC routes need no token. */
#define API_ROLE(r) (1u << (r))
#define API_PUBLIC 0u
#define API_NETWORK API_ROLE(DEFIS_ROLE_NETWORK)
#define API_LEAD API_ROLE(DEFIS_ROLE_LEAD)
#define API_CAMPAIGN API_ROLE(DEFIS_ROLE_CAMPAIGN)
#define API_ANY_ROLE (API_NETWORK | API_LEAD | API_CAMPAIGN)

/* Route flags. */
#define API_CACHED 1u /* GET answered from the per-thread response cache, keyed by
                         the store's data version and the normalised query */

/* A parameter, for the OpenAPI description and for refusing unknown ones. */
typedef struct {
    const char *name;
    const char *in;   /* "query" or "path" */
    const char *type; /* "integer" or "string" */
    const char *description;
} ApiParam;

struct ApiRoute {
    const char *method;  /* "GET", "POST", "DELETE"… */
    const char *pattern; /* "/v1/tokens/{id}": {name} matches one non-empty segment */
    ApiHandler handler;
    unsigned roles; /* API_PUBLIC, or a mask of API_ROLE() */
    unsigned flags;
    /* For the OpenAPI description: */
    const char *summary;
    const ApiParam *params;  /* ended by {NULL}; may be NULL */
    const char *body_types;  /* media types the body may have ("text/csv application/json"),
                                NULL when the route takes no body */
    guint success;           /* status of a success: 200, 201… */
    const char *success_type; /* media type of a success: "application/json"… */
};

extern const ApiRoute api_routes[];
extern const gsize api_routes_count;

/* The index of ROUTE in api_routes (for metrics). */
gsize api_route_index(const ApiRoute *route);

#endif
