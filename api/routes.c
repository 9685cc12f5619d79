/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* routes.c - the route table of the HTTP service.
 *
 * Adding a route is one line here plus a thin handler:
 *   1. write `gboolean api_handle_<thing>(ApiRequest *, ApiResponse *, GError **)`
 *      in api/handlers_<resource>.c (declared in its .h): read the request
 *      (api_query*, api_request_json + api_json_unpack with "!"), call the
 *      engine, fill the response with api_response_json, or return FALSE with
 *      the engine's GError: api_error_status maps it to a status;
 *      writes go between api_context_write_begin and api_context_write_end;
 *   2. add its line below: method, pattern ({name} for a path segment, read as
 *      request->params[i]), handler, roles, flags, and its OpenAPI summary,
 *      parameters (query parameters not listed are refused with 400), body
 *      media types and success status;
 *   3. run tests/api/test_routes (the OpenAPI document follows the table) and
 *      add the route to the role matrix of tests/e2e/test_serve.c.
 * The server enforces the roles and media types and caps the body before the
 * handler runs. */
#include "api/routes.h"

#include "api/handlers_challenges.h"
#include "api/handlers_meta.h"
#include "api/handlers_networks.h"
#include "api/handlers_surveys.h"
#include "api/handlers_tokens.h"

static const ApiParam challenges_params[] = {
    {"theme", "query", "string", "Challenges with a mention of this theme (folded)"},
    {"network", "query", "string", "Challenges supported in this network (its name)"},
    {"region", "query", "string", "Challenges supported in a network of this region"},
    {"min_networks", "query", "integer", "At least this many supporting networks"},
    {"min_places", "query", "integer", "At least this many supporting places"},
    {"search", "query", "string", "Words of the titles or mentions (prefixes, all needed)"},
    {"breakdown", "query", "boolean", "Add each challenge's score breakdown (true or false)"},
    {"after", "query", "string", "The next cursor of the previous page"},
    {"limit", "query", "integer", "How many challenges (1 to the page maximum)"},
    {NULL},
};

static const ApiParam mentions_params[] = {
    {"after", "query", "integer", "Return mentions with a larger id (the next_after of a page)"},
    {"limit", "query", "integer", "How many mentions (1 to the page maximum, the default)"},
    {NULL},
};

static const ApiParam surveys_params[] = {
    {"network", "query", "string", "The network (leads only; a network token uses its own)"},
    {"format", "query", "string", "csv or json (default: from the Content-Type)"},
    {"title", "query", "string", "Title of the survey (default: the JSON title)"},
    {NULL},
};

static const ApiParam token_id_params[] = {
    {"id", "path", "integer", "The token's id"},
    {NULL},
};

#define JSON "application/json"

const ApiRoute api_routes[] = {
    /* method, pattern, handler, roles, flags,
     *   summary, params, body types, success status, success type */
    {"GET", "/v1/health", api_handle_health, API_PUBLIC, 0,
     "Service and store health", NULL, NULL, 200, JSON},
    {"GET", "/openapi.json", api_handle_openapi, API_PUBLIC, 0,
     "This description of the API (OpenAPI 3.1)", NULL, NULL, 200, JSON},
    {"GET", "/metrics", api_handle_metrics, API_PUBLIC, 0,
     "Counters in the Prometheus text format", NULL, NULL, 200, "text/plain"},
    {"GET", "/v1/networks", api_handle_networks_list, API_ANY_ROLE, 0,
     "List the networks with their surveys, places and mentions", NULL, NULL, 200, JSON},
    {"POST", "/v1/networks", api_handle_networks_add, API_LEAD, 0,
     "Add a network: {\"name\", \"region\"?}", NULL, JSON, 201, JSON},
    {"POST", "/v1/surveys", api_handle_surveys_upload, API_NETWORK | API_LEAD, 0,
     "Upload one survey file, imported whole or not at all", surveys_params,
     "text/csv " JSON, 201, JSON},
    {"GET", "/v1/challenges", api_handle_challenges_list, API_ANY_ROLE, API_CACHED,
     "The challenges, ranked", challenges_params, NULL, 200, JSON},
    {"GET", "/v1/mentions", api_handle_mentions_list, API_LEAD, 0,
     "Every mention, a page at a time, in id order", mentions_params, NULL, 200, JSON},
    {"GET", "/v1/tokens", api_handle_tokens_list, API_LEAD, 0,
     "List the tokens (never their secrets)", NULL, NULL, 200, JSON},
    {"POST", "/v1/tokens", api_handle_tokens_create, API_LEAD, 0,
     "Create a token: {\"role\", \"network\"?, \"label\"?}; the secret is shown once", NULL,
     JSON, 201, JSON},
    {"DELETE", "/v1/tokens/{id}", api_handle_tokens_revoke, API_LEAD, 0,
     "Revoke a token", token_id_params, NULL, 200, JSON},
};

const gsize api_routes_count = G_N_ELEMENTS(api_routes);

gsize api_route_index(const ApiRoute *route)
{
    g_return_val_if_fail(route >= api_routes && route < api_routes + api_routes_count, 0);
    return (gsize)(route - api_routes);
}
