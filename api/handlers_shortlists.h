/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_shortlists.h - frozen shortlists over HTTP, and their CSV form (shared with the CLI). */
#ifndef API_HANDLERS_SHORTLISTS_H
#define API_HANDLERS_SHORTLISTS_H

#include "api/routes.h"

/* POST /v1/shortlists {name, stages?: [..], theme?, network?, min_networks?, limit?,
 * unserved?}: freezes one; 201 with it as GET /v1/shortlists/{id} gives it. */
gboolean api_handle_shortlists_create(ApiRequest *request, ApiResponse *response,
                                      GError **error);
/* GET /v1/shortlists: {"shortlists": [...]}, oldest first. */
gboolean api_handle_shortlists_list(ApiRequest *request, ApiResponse *response, GError **error);
/* GET /v1/shortlists/{id}?format=json|csv: {id, name, created_at, actor, sha256,
 * settings_version, shortlist: CONTENT}, or its CSV; without ?format=, the
 * Accept header chooses (text/csv or application/json, JSON by default; 406
 * when it allows neither). ETag "SHA256" (JSON) or "SHA256.csv" (CSV): a frozen
 * shortlist never changes, so a matching If-None-Match is answered 304. */
gboolean api_handle_shortlists_get(ApiRequest *request, ApiResponse *response, GError **error);
/* GET /v1/shortlists/{a}/diff/{b}: as defis_shortlist_diff. */
gboolean api_handle_shortlists_diff(ApiRequest *request, ApiResponse *response, GError **error);

/* SHORTLIST (as defis_shortlist_get gives it) as CSV: rank, challenge_id, title,
 * score, votes, networks, places, people, themes, commons ("name (stage)" joined
 * by "; "), settings_version, sha256. Caller frees. */
char *api_shortlist_csv(json_t *shortlist);

#endif
