/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_journal.c - the journal of the store over HTTP (leads only). */
#include "api/handlers_journal.h"

#include "api/server.h"
#include "engine/journal.h"

gboolean api_handle_journal(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 limit = 0, before = 0;
    if (!api_query_int(request, "limit", 50, 1, DEFIS_JOURNAL_LIMIT_MAX, &limit, error) ||
        !api_query_int(request, "before", 0, 1, G_MAXINT64, &before, error))
        return FALSE;
    json_t *out = defis_journal_list(api_request_store(request), api_query(request, "since"),
                                     api_query(request, "action"), before, limit, error);
    if (!out)
        return FALSE;
    api_response_json(response, 200, out);
    return TRUE;
}
