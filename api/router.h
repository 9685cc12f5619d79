/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* router.h - from a method and a path to a route of the table, then to a response.
 *
 * The dispatcher runs in two steps so that the server can refuse a request
 * before reading its body: api_router_prepare (route, token, role, media type)
 * then, once the body is in, api_router_run (cache, handler, errors). Neither
 * knows libmicrohttpd. */
#ifndef API_ROUTER_H
#define API_ROUTER_H

#include "api/routes.h"

/* The route of TABLE (N entries) for METHOD and PATH, with its path parameters
 * copied into PARAMS (the caller frees them with api_router_params_clear).
 * HEAD matches GET routes. NULL with API_ERROR_NO_ROUTE when no pattern matches
 * the path, API_ERROR_METHOD when some do with other methods; then *ALLOW (if
 * not NULL) is set to the allowed methods, "GET, HEAD, POST" (caller frees). */
const ApiRoute *api_router_match(const ApiRoute *table, gsize n, const char *method,
                                 const char *path, char *params[API_MAX_PARAMS], char **allow,
                                 GError **error);
void api_router_params_clear(char *params[API_MAX_PARAMS]);

/* TRUE when PATTERN matches PATH; fills PARAMS (may be NULL) with new strings. */
gboolean api_router_pattern_match(const char *pattern, const char *path,
                                  char *params[API_MAX_PARAMS]);

/* Step 1, before the body: matches REQUEST->method and ->path (setting
 * REQUEST->route and ->params), checks AUTHORIZATION (the header's value, may
 * be NULL) against the route's roles (setting REQUEST->token, owned by the
 * request's worker until the next call) and the declared media type of the
 * body. Returns FALSE with RESPONSE filled with the refusal (404, 405 + Allow,
 * 401 + WWW-Authenticate, 403, 415). */
gboolean api_router_prepare(ApiRequest *request, const char *authorization,
                            ApiResponse *response);

/* Step 2: answers REQUEST (prepared) into RESPONSE: from the cache when the
 * route is API_CACHED and the data did not change, else by its handler; an
 * error becomes its JSON error response. */
void api_router_run(ApiRequest *request, ApiResponse *response);

/* The cache key of a request: the route's pattern and the query's names and
 * values sorted and percent-encoded. Caller frees. */
char *api_router_cache_key(const ApiRequest *request);

#endif
