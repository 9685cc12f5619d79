/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_votes.h - votes and rescoring over HTTP: the same engine calls and errors as
 * `defis vote` and `defis rescore`. */
#ifndef API_HANDLERS_VOTES_H
#define API_HANDLERS_VOTES_H

#include "api/routes.h"

/* POST /v1/votes {"challenge": ID, "place": "…", "network"?: "…"}: PLACE of the
 * network supports the challenge (defis_vote_add); 201 {"id", "challenge",
 * "network", "place"}. A network token votes for its own network (naming
 * another: 403, nothing written); a lead must name the network (400). */
gboolean api_handle_votes_add(ApiRequest *request, ApiResponse *response, GError **error);

/* POST /v1/rescore: every stored score recomputed from scratch
 * (defis_score_rescore_all); {"scored": N}. */
gboolean api_handle_rescore(ApiRequest *request, ApiResponse *response, GError **error);

#endif
