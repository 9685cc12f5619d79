/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rank.c - challenges in ranked order, and the mentions behind them. */
#include "engine/rank.h"

json_t *defis_rank_list(DefisStore *store, gint64 limit, GError **error)
{
    g_return_val_if_fail(limit > 0, NULL);
    json_t *list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGES_RANKED);
    defis_stmt_bind_int(stmt, 1, limit);
    gboolean row = FALSE, ok;
    json_int_t rank = 0;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        json_array_append_new(
            list, json_pack("{s:I, s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)defis_stmt_int(stmt, 0), "rank",
                            ++rank, "title", defis_stmt_text(stmt, 1), "mentions",
                            (json_int_t)defis_stmt_int(stmt, 2), "places",
                            (json_int_t)defis_stmt_int(stmt, 3), "networks",
                            (json_int_t)defis_stmt_int(stmt, 4)));
    }
    defis_stmt_reset(stmt);
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return json_pack("{s:o}", "challenges", list);
}

gboolean defis_rank_each_mention(DefisStore *store, DefisMentionFunc func, gpointer data,
                                 GError **error)
{
    if (!defis_store_begin_read(store, error))
        return FALSE;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTIONS_EXPORT);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        DefisMentionOut m = {
            .id = defis_stmt_int(stmt, 0),
            .network = defis_stmt_text(stmt, 1),
            .place = defis_stmt_text(stmt, 2),
            .text = defis_stmt_text(stmt, 3),
            .challenge_id = defis_stmt_int(stmt, 4),
            .theme = defis_stmt_text(stmt, 5),
            .importance = defis_stmt_int(stmt, 6),
            .members = defis_stmt_is_null(stmt, 7) ? -1 : defis_stmt_int(stmt, 7),
            .votes = defis_stmt_is_null(stmt, 8) ? -1 : defis_stmt_int(stmt, 8),
            .survey_id = defis_stmt_int(stmt, 9),
            .line = defis_stmt_int(stmt, 10),
        };
        if (!func(&m, data, error)) {
            ok = FALSE;
            break;
        }
    }
    defis_stmt_reset(stmt);
    defis_store_rollback(store);
    return ok;
}
