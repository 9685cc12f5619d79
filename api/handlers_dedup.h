/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_dedup.h - the lead's hand on the grouping over HTTP: review, dismiss, merge, unmerge,
 * split, rebuild; the same engine calls (engine/dedup.h) and errors as `defis review`, `merge`,
 * `unmerge`, `split` and `dedup --rebuild`. */
#ifndef API_HANDLERS_DEDUP_H
#define API_HANDLERS_DEDUP_H

#include "api/routes.h"

/* GET /v1/review?limit=N (1 to 10000, default 20): defis_dedup_review, {"pairs":
 * [{a: {id, title, mentions}, b: {…}, similarity}]}, most similar first. */
gboolean api_handle_review(ApiRequest *request, ApiResponse *response, GError **error);

/* POST /v1/review/dismiss {"a": ID, "b": ID}: the two challenges are different
 * (defis_dedup_dismiss); {"a", "b", "dismissed": true}. */
gboolean api_handle_review_dismiss(ApiRequest *request, ApiResponse *response, GError **error);

/* POST /v1/challenges/{id}/merge {"sources": [ID…]}: merges each source into
 * {id} (defis_dedup_merge); {"target", "merges": [{merge, source}]}. */
gboolean api_handle_merge(ApiRequest *request, ApiResponse *response, GError **error);

/* POST /v1/challenges/{id}/unmerge: undoes the last merge of the source {id}
 * (defis_dedup_unmerge); {"challenge", "restored": true}; 409 when it is not
 * merged or its mentions moved on since. */
gboolean api_handle_unmerge(ApiRequest *request, ApiResponse *response, GError **error);

/* POST /v1/mentions/split {"mentions": [ID…]}: moves these mentions of one
 * challenge to a new one (defis_dedup_split); 201 {"challenge": NEW, "mentions"},
 * Location: /v1/challenges/NEW. */
gboolean api_handle_split(ApiRequest *request, ApiResponse *response, GError **error);

/* POST /v1/dedup/rebuild: reclusters every unlocked mention (defis_dedup_rebuild)
 * under the [dedup] group of the service's settings file ([service] settings),
 * the defaults without one; {"mentions", "locked", "challenges", "reused",
 * "archived"}. */
gboolean api_handle_dedup_rebuild(ApiRequest *request, ApiResponse *response, GError **error);

#endif
