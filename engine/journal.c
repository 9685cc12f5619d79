/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* journal.c - the record of every write. */
#include "engine/journal.h"

char *defis_now(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *base = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    return g_strdup_printf("%s.%03dZ", base, g_date_time_get_microsecond(now) / 1000);
}

gboolean defis_journal_add(DefisStore *store, const char *actor, const char *action,
                           json_t *payload, GError **error)
{
    g_return_val_if_fail(defis_store_in_transaction(store), FALSE);
    g_autofree char *at = defis_now();
    g_autofree char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_JOURNAL_INSERT);
    defis_stmt_bind_text(stmt, 1, at, -1);
    defis_stmt_bind_text(stmt, 2, actor, -1);
    defis_stmt_bind_text(stmt, 3, action, -1);
    defis_stmt_bind_text(stmt, 4, text, -1);
    return defis_stmt_exec(stmt, error);
}

char *defis_journal_cli_actor(void)
{
    return g_strdup_printf("cli:%s", g_get_user_name());
}
