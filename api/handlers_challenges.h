/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_challenges.h - the ranked challenges and the mentions behind them, over HTTP. */
#ifndef API_HANDLERS_CHALLENGES_H
#define API_HANDLERS_CHALLENGES_H

#include "api/routes.h"

/* GET /v1/challenges?theme=&network=&region=&min_networks=&min_places=&search=
 * &breakdown=&after=&limit=: one page of defis_rank_query, {"settings_version",
 * "challenges": [{id, rank, title, score, …}], "next": CURSOR or null}; pass
 * next back as ?after= for the next page. limit from 1 to the page maximum,
 * the page default when absent. */
gboolean api_handle_challenges_list(ApiRequest *request, ApiResponse *response, GError **error);

/* GET /v1/mentions?after=ID&limit=N: one page of every mention in id order,
 * {"mentions": […], "next_after": ID or null}; pass next_after back as
 * ?after= for the next page. */
gboolean api_handle_mentions_list(ApiRequest *request, ApiResponse *response, GError **error);

#endif
