/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_challenges.h - the ranked challenges and the mentions behind them, over HTTP. */
#ifndef API_HANDLERS_CHALLENGES_H
#define API_HANDLERS_CHALLENGES_H

#include "api/routes.h"
#include "engine/settings.h"

/* GET /v1/challenges?theme=&network=&region=&min_networks=&min_places=&search=
 * &breakdown=&after=&limit=: one page of defis_rank_query, {"settings_version",
 * "challenges": [{id, rank, title, score, …}], "next": CURSOR or null}; pass
 * next back as ?after= for the next page. limit from 1 to the page maximum,
 * the page default when absent. */
gboolean api_handle_challenges_list(ApiRequest *request, ApiResponse *response, GError **error);

/* GET /v1/challenges/{id}: the challenge as `defis show ID --format json` prints
 * it (api_challenge_show, stored scores); 404 for an unknown id. A merged or
 * archived challenge is shown too, with its state. */
gboolean api_handle_challenge_get(ApiRequest *request, ApiResponse *response, GError **error);

/* One challenge with everything `defis show` tells of it (shared with the CLI):
 * defis_score_explain under SETTINGS (NULL: the stored scores) plus "commons",
 * its linked commons at their stages (defis_commons_of_challenge). A new
 * object, or NULL with the engine's error (DEFIS_ERROR_NOT_FOUND for an
 * unknown ID). */
json_t *api_challenge_show(DefisStore *store, gint64 id, const DefisScoreSettings *settings,
                           GError **error);

/* GET /v1/mentions?after=ID&limit=N: one page of every mention in id order,
 * {"mentions": […], "next_after": ID or null}; pass next_after back as
 * ?after= for the next page. */
gboolean api_handle_mentions_list(ApiRequest *request, ApiResponse *response, GError **error);

#endif
