/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_surveys.h - survey uploads over HTTP: the same import as `defis import`. */
#ifndef API_HANDLERS_SURVEYS_H
#define API_HANDLERS_SURVEYS_H

#include "api/routes.h"

/* POST /v1/surveys?network=&format=&title=: the body is one survey file
 * (text/csv or application/json), imported whole or not at all with
 * survey_import_bytes. The network is the token's; a lead names it. 201 with the
 * import report; 200 with "duplicate": true for bytes this network uploaded
 * before; 422 "invalid_survey" with the report (its problems: line, column,
 * field, message) in error.details; 413 past a limit. */
gboolean api_handle_surveys_upload(ApiRequest *request, ApiResponse *response, GError **error);

#endif
