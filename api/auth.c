/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* auth.c - bearer tokens on requests: who is calling, and may they call this route. */
#include "api/auth.h"

#include <string.h>

#include "api/routes.h"
#include "engine/error.h"

const char *api_auth_bearer(const char *authorization)
{
    if (!authorization || g_ascii_strncasecmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    const char *token = authorization + 7;
    while (*token == ' ')
        token++;
    return *token ? token : NULL;
}

const DefisToken *api_auth_check(ApiWorker *worker, const char *authorization, unsigned roles,
                                 GError **error)
{
    if (roles == API_PUBLIC)
        return NULL;
    const char *secret = api_auth_bearer(authorization);
    if (!secret) {
        g_set_error(error, API_ERROR, API_ERROR_UNAUTHORIZED,
                    "send a token: Authorization: Bearer TOKEN (`defis token create`)");
        return NULL;
    }
    char sha[65];
    defis_token_hash(secret, sha);
    const DefisToken *token = g_hash_table_lookup(worker->tokens, sha);
    if (!token) {
        GError *local = NULL;
        g_autoptr(DefisToken) found = defis_token_verify(worker->store, secret, &local);
        if (!found) {
            if (g_error_matches(local, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND)) {
                g_error_free(local);
                g_set_error(error, API_ERROR, API_ERROR_UNAUTHORIZED,
                            "unknown or revoked token");
            } else {
                g_propagate_error(error, local);
            }
            return NULL;
        }
        token = defis_token_copy(found);
        g_hash_table_insert(worker->tokens, g_strdup(sha), (gpointer)token);
    }
    if (!(roles & API_ROLE(token->role))) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_FORBIDDEN,
                    "a %s token may not do this", defis_role_name(token->role));
        return NULL;
    }
    return token;
}

const char *api_auth_network(const DefisToken *token, const char *named, GError **error)
{
    g_return_val_if_fail(token != NULL, NULL);
    if (token->role == DEFIS_ROLE_NETWORK) {
        if (named && g_strcmp0(named, token->network) != 0) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_FORBIDDEN,
                        "this token acts for network \"%s\" only", token->network);
            return NULL;
        }
        return token->network;
    }
    if (!named) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "name the network: ?network=NAME");
        return NULL;
    }
    return named;
}
