/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* network.c - the local networks that own surveys. */
#include "engine/network.h"

#include "engine/error.h"
#include "engine/journal.h"

#include <string.h>

static gboolean valid_label(const char *what, const char *text, gsize max, GError **error)
{
    gsize len = strlen(text);
    if (len == 0 || len > max || !g_utf8_validate(text, len, NULL)) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "%s must be 1 to %zu bytes of UTF-8 text", what, max);
        return FALSE;
    }
    for (const char *p = text; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "%s must not hold control characters", what);
            return FALSE;
        }
    }
    if (g_ascii_isspace(text[0]) || g_ascii_isspace(text[len - 1])) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "%s must not start or end with a space", what);
        return FALSE;
    }
    return TRUE;
}

gint64 defis_network_add(DefisStore *store, const char *name, const char *region,
                         const char *actor, GError **error)
{
    g_return_val_if_fail(name != NULL && actor != NULL, 0);
    if (!valid_label("network name", name, DEFIS_NETWORK_NAME_MAX, error) ||
        (region && !valid_label("region", region, DEFIS_NETWORK_NAME_MAX, error)))
        return 0;
    if (!defis_store_begin(store, error))
        return 0;
    g_autofree char *now = defis_now();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_NETWORK_INSERT);
    defis_stmt_bind_text(stmt, 1, name, -1);
    defis_stmt_bind_text(stmt, 2, region, -1);
    defis_stmt_bind_text(stmt, 3, now, -1);
    GError *local = NULL;
    if (!defis_stmt_exec(stmt, &local)) {
        defis_store_rollback(store);
        if (g_error_matches(local, DEFIS_ERROR, DEFIS_ERROR_CONFLICT)) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                        "network \"%s\" exists already", name);
            g_error_free(local);
        } else {
            g_propagate_error(error, local);
        }
        return 0;
    }
    gint64 id = defis_store_last_id(store);
    json_t *payload = json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)id, "name", name, "region", region);
    gboolean ok = defis_journal_add(store, actor, "network.add", payload, error) &&
                  defis_store_commit(store, error);
    json_decref(payload);
    if (!ok) {
        defis_store_rollback(store);
        return 0;
    }
    return id;
}

gint64 defis_network_find(DefisStore *store, const char *name, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_NETWORK_BY_NAME);
    defis_stmt_bind_text(stmt, 1, name, -1);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return 0;
    gint64 id = row ? defis_stmt_int(stmt, 0) : 0;
    defis_stmt_reset(stmt);
    if (!id)
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND,
                    "no network \"%s\": add it first with `defis network add`", name);
    return id;
}

static json_t *network_row(DefisStmt *stmt)
{
    return json_pack("{s:I, s:s, s:s?, s:s, s:I, s:I, s:I}", "id",
                     (json_int_t)defis_stmt_int(stmt, 0), "name", defis_stmt_text(stmt, 1),
                     "region", defis_stmt_text(stmt, 2), "created_at", defis_stmt_text(stmt, 3),
                     "surveys", (json_int_t)defis_stmt_int(stmt, 4), "places",
                     (json_int_t)defis_stmt_int(stmt, 5), "mentions",
                     (json_int_t)defis_stmt_int(stmt, 6));
}

json_t *defis_network_list(DefisStore *store, GError **error)
{
    return defis_stmt_json_rows(defis_store_stmt(store, DEFIS_SQL_NETWORK_LIST), network_row,
                                error);
}
