/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_votes.c - votes and rescoring over HTTP. */
#include "api/handlers_votes.h"

#include "api/auth.h"
#include "api/server.h"
#include "engine/score.h"
#include "engine/vote.h"

gboolean api_handle_votes_add(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autoptr(json_t) body = api_request_json(request, error);
    json_int_t challenge = 0;
    const char *place = NULL, *named = NULL;
    if (!body || !api_json_unpack(body, error, "{s:I, s:s, s?s !}", "challenge", &challenge,
                                  "place", &place, "network", &named))
        return FALSE;
    if (challenge < 1) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "body: challenge: expected an id (a whole number > 0)");
        return FALSE;
    }
    /* Who votes for which network is decided before anything is written. */
    if (!named && request->token->role != DEFIS_ROLE_NETWORK) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "body: network: required (only a network token votes for its own)");
        return FALSE;
    }
    const char *network = api_auth_network(request->token, named, error);
    if (!network)
        return FALSE;
    g_autofree char *actor = api_request_actor(request);
    gint64 id = defis_vote_add(api_request_store(request), network, place, challenge, actor, error);
    if (!id)
        return FALSE;
    api_response_json(response, 201,
                      json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "challenge",
                                challenge, "network", network, "place", place));
    return TRUE;
}

gboolean api_handle_rescore(ApiRequest *request, ApiResponse *response, GError **error)
{
    g_autofree char *actor = api_request_actor(request);
    gint64 n = defis_score_rescore_all(api_request_store(request), actor, error);
    if (n < 0)
        return FALSE;
    api_response_json(response, 200, json_pack("{s:I}", "scored", (json_int_t)n));
    return TRUE;
}
