/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* auth.h - bearer tokens on requests: who is calling, and may they call this route. */
#ifndef API_AUTH_H
#define API_AUTH_H

#include "api/server.h"

/* The token of an Authorization header value "Bearer TOKEN" (the scheme is
 * case-insensitive), borrowed from AUTHORIZATION; NULL when absent or not a
 * bearer token. */
const char *api_auth_bearer(const char *authorization);

/* Checks the caller. AUTHORIZATION is the header's value (may be NULL); ROLES
 * the route's mask (API_PUBLIC routes are not checked: returns NULL, no error).
 * Returns the caller's token, borrowed from WORKER's cache until its next
 * api_worker_refresh; NULL with API_ERROR_UNAUTHORIZED (no token, an unknown or
 * revoked one), DEFIS_ERROR_FORBIDDEN (a role the route does not allow) or a
 * store error. Valid tokens are cached per thread until the data version moves,
 * so a revocation takes effect at the next request. */
const DefisToken *api_auth_check(ApiWorker *worker, const char *authorization, unsigned roles,
                                 GError **error);

/* Which network TOKEN acts for, given the network the request names (may be
 * NULL). A network token acts for its own network only: naming another is
 * DEFIS_ERROR_FORBIDDEN. Other roles must name one: DEFIS_ERROR_INVALID when
 * NAMED is NULL. Returns the name, borrowed from TOKEN or NAMED. */
const char *api_auth_network(const DefisToken *token, const char *named, GError **error);

#endif
