/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* journal.c - the record of every write. */
#include "engine/journal.h"

#include <string.h>

#include "engine/error.h"

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

/* SINCE as the journal writes times, or NULL with ERROR. */
static char *since_normalise(const char *since, GError **error)
{
    g_autoptr(GDateTime) t = NULL;
    if (strlen(since) == 10) {
        g_autofree char *midnight = g_strconcat(since, "T00:00:00Z", NULL);
        t = g_date_time_new_from_iso8601(midnight, NULL);
    } else {
        g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
        t = g_date_time_new_from_iso8601(since, utc);
    }
    if (!t) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "since: \"%s\" is not a date (2026-11-28) or an ISO 8601 time "
                    "(2026-11-28T10:00:00Z)",
                    since);
        return NULL;
    }
    g_autoptr(GDateTime) utc_time = g_date_time_to_utc(t);
    g_autofree char *base = g_date_time_format(utc_time, "%Y-%m-%dT%H:%M:%S");
    return g_strdup_printf("%s.%03dZ", base, g_date_time_get_microsecond(utc_time) / 1000);
}

static json_t *list_in(DefisStore *store, const char *since, const char *action, gint64 before,
                       gint64 limit, GError **error)
{
    g_autoptr(json_t) entries = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_JOURNAL_LIST);
    defis_stmt_bind_text(stmt, 1, since, -1);
    defis_stmt_bind_text(stmt, 2, action, -1);
    defis_stmt_bind_int(stmt, 3, limit + 1);
    if (before > 0)
        defis_stmt_bind_int(stmt, 4, before);
    gboolean row = FALSE, ok;
    gint64 last = 0;
    gboolean more = FALSE;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        if ((gint64)json_array_size(entries) == limit) {
            more = TRUE;
            break;
        }
        json_t *payload = json_loads(defis_stmt_text(stmt, 4), 0, NULL);
        last = defis_stmt_int(stmt, 0);
        json_array_append_new(entries,
                              json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)last, "at",
                                        defis_stmt_text(stmt, 1), "actor", defis_stmt_text(stmt, 2),
                                        "action", defis_stmt_text(stmt, 3), "payload",
                                        payload ? payload : json_null()));
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return NULL;
    return json_pack("{s:O, s:o}", "entries", entries, "next_before",
                     more ? json_integer(last) : json_null());
}

json_t *defis_journal_list(DefisStore *store, const char *since, const char *action,
                           gint64 before, gint64 limit, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    if (limit < 1 || limit > DEFIS_JOURNAL_LIMIT_MAX) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "limit: expected 1 to %d",
                    DEFIS_JOURNAL_LIMIT_MAX);
        return NULL;
    }
    if (before < 0) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "before: expected a journal id");
        return NULL;
    }
    g_autofree char *from = NULL;
    if (since && !(from = since_normalise(since, error)))
        return NULL;
    gboolean own = !defis_store_in_transaction(store);
    if (own && !defis_store_begin_read(store, error))
        return NULL;
    json_t *out = list_in(store, from, action && *action ? action : NULL, before, limit, error);
    if (own)
        defis_store_rollback(store);
    return out;
}
