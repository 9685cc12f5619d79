/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_commons.h - the catalogue of commons, their stages, links and suggestions, over HTTP. */
#ifndef API_HANDLERS_COMMONS_H
#define API_HANDLERS_COMMONS_H

#include "api/routes.h"

/* GET /v1/commons?stage=: {"commons": [...]} as defis_commons_list. */
gboolean api_handle_commons_list(ApiRequest *request, ApiResponse *response, GError **error);
/* POST /v1/commons {name, stage, url?, description?, keywords? (string or array),
 * users?, note?}: 201 with the commons as GET /v1/commons/{name} gives it. */
gboolean api_handle_commons_add(ApiRequest *request, ApiResponse *response, GError **error);
/* GET /v1/commons/{key}: one commons (its name, or its id), with its stage history
 * and linked challenges, as defis_commons_get. */
gboolean api_handle_commons_get(ApiRequest *request, ApiResponse *response, GError **error);
/* PATCH /v1/commons/{key} {name?, stage?, url?, description?, keywords?, users?,
 * note?}: the fields given change ("" or null clears url, description and
 * keywords); 200 with the commons. */
gboolean api_handle_commons_update(ApiRequest *request, ApiResponse *response, GError **error);
/* POST /v1/commons/{key}/stage {stage, note?}: 200 with the commons. A move back
 * or to dormant without a note is a 400. */
gboolean api_handle_commons_stage(ApiRequest *request, ApiResponse *response, GError **error);
/* GET /v1/challenges/{id}/commons: {"challenge": ID, "commons": [...]} linked. */
gboolean api_handle_links_list(ApiRequest *request, ApiResponse *response, GError **error);
/* POST /v1/challenges/{id}/commons {commons, note?}: 201 {"challenge", "commons": [...]}. */
gboolean api_handle_links_add(ApiRequest *request, ApiResponse *response, GError **error);
/* DELETE /v1/challenges/{id}/commons/{key}: 200 {"challenge", "commons": [...]}. */
gboolean api_handle_links_remove(ApiRequest *request, ApiResponse *response, GError **error);
/* GET /v1/challenges/{id}/suggestions?limit=: as defis_commons_suggest. */
gboolean api_handle_suggestions(ApiRequest *request, ApiResponse *response, GError **error);

#endif
