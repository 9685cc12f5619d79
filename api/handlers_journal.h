/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_journal.h - the journal of the store over HTTP (leads only). */
#ifndef API_HANDLERS_JOURNAL_H
#define API_HANDLERS_JOURNAL_H

#include "api/routes.h"

/* GET /v1/journal?since=&action=&before=&limit=: as defis_journal_list, newest
 * first; pass next_before back as ?before= for older entries. */
gboolean api_handle_journal(ApiRequest *request, ApiResponse *response, GError **error);

#endif
