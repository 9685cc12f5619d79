/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* score_explain.c - what one challenge's score is made of: its breakdown, mentions,
 * votes and themes (defis_score_explain). */
#include "engine/score.h"

#include "engine/error.h"
#include "engine/settings.h"

/* ---- Explaining one challenge -------------------------------------------- */

static json_t *list_mentions(DefisStore *store, gint64 id, GError **error)
{
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_MENTIONS_OF);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        json_t *m = json_pack(
            "{s:I, s:s, s:s, s:s, s:s?, s:o, s:o, s:I, s:I}", "id",
            (json_int_t)defis_stmt_int(stmt, 0), "network", defis_stmt_text(stmt, 1), "place",
            defis_stmt_text(stmt, 2), "text", defis_stmt_text(stmt, 3), "theme",
            defis_stmt_text(stmt, 4), "importance",
            defis_stmt_is_null(stmt, 5) ? json_null() : json_integer(defis_stmt_int(stmt, 5)),
            "votes",
            defis_stmt_is_null(stmt, 6) ? json_null() : json_integer(defis_stmt_int(stmt, 6)),
            "survey", (json_int_t)defis_stmt_int(stmt, 7), "line",
            (json_int_t)defis_stmt_int(stmt, 8));
        json_array_append_new(list, m);
    }
    defis_stmt_reset(stmt);
    return ok ? g_steal_pointer(&list) : NULL;
}

static json_t *vote_row(DefisStmt *stmt)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)defis_stmt_int(stmt, 0),
                     "network", defis_stmt_text(stmt, 1), "place", defis_stmt_text(stmt, 2), "at",
                     defis_stmt_text(stmt, 3), "actor", defis_stmt_text(stmt, 4));
}

static json_t *list_votes(DefisStore *store, gint64 id, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_VOTES_OF);
    defis_stmt_bind_int(stmt, 1, id);
    return defis_stmt_json_rows(stmt, vote_row, error);
}

json_t *defis_score_themes_of(DefisStore *store, gint64 id, GError **error)
{
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_THEMES_OF);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row)
        json_array_append_new(list, json_string(defis_stmt_text(stmt, 0)));
    defis_stmt_reset(stmt);
    return ok ? g_steal_pointer(&list) : NULL;
}

static json_t *explain(DefisStore *store, gint64 id, const DefisScoreSettings *settings,
                       GError **error)
{
    g_autoptr(DefisScoreContext) ctx = defis_score_context_new(store, settings, error);
    if (!ctx)
        return NULL;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_CHALLENGE);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return NULL;
    if (!row) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND,
                    "no challenge %" G_GINT64_FORMAT ": see `defis challenges` for the ids", id);
        return NULL;
    }
    g_autoptr(json_t) out =
        json_pack("{s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)id, "title",
                  defis_stmt_text(stmt, 1), "state", defis_stmt_text(stmt, 2), "merged_into",
                  defis_stmt_is_null(stmt, 3) ? json_null() : json_integer(defis_stmt_int(stmt, 3)),
                  "settings_version", defis_settings_version(defis_score_context_settings(ctx)));
    defis_stmt_reset(stmt);

    DefisScoreSums sums = {0};
    double stored = 0.0;
    gint64 votes = 0, people = 0, mentions = 0;
    stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_GET);
    defis_stmt_bind_int(stmt, 1, id);
    if (!defis_stmt_step(stmt, &row, error))
        return NULL;
    if (row) {
        stored = defis_stmt_double(stmt, 0);
        votes = defis_stmt_int(stmt, 1);
        sums = (DefisScoreSums){defis_stmt_int(stmt, 3), defis_stmt_int(stmt, 2),
                                defis_stmt_int(stmt, 6), defis_stmt_int(stmt, 7)};
        people = defis_stmt_int(stmt, 4);
        mentions = defis_stmt_int(stmt, 5);
        defis_stmt_reset(stmt);
    }
    json_t *breakdown = defis_score_breakdown(ctx, id, &sums, error);
    if (!breakdown)
        return NULL;
    double score = settings ? json_real_value(json_object_get(breakdown, "score")) : stored;
    json_object_set_new(out, "score", json_real(score));
    json_object_set_new(out, "votes", json_integer(votes));
    json_object_set_new(out, "mentions", json_integer(mentions));
    json_object_set_new(out, "reach",
                        json_pack("{s:I, s:I, s:I}", "networks", (json_int_t)sums.networks,
                                  "places", (json_int_t)sums.places, "people", (json_int_t)people));
    json_t *themes = defis_score_themes_of(store, id, error);
    json_t *mention_list = themes ? list_mentions(store, id, error) : NULL;
    json_t *vote_list = mention_list ? list_votes(store, id, error) : NULL;
    json_object_set_new(out, "themes", themes);
    json_object_set_new(out, "mention_list", mention_list);
    json_object_set_new(out, "vote_list", vote_list);
    json_object_set_new(out, "breakdown", breakdown);
    return vote_list ? g_steal_pointer(&out) : NULL;
}

json_t *defis_score_explain(DefisStore *store, gint64 id, const DefisScoreSettings *settings,
                            GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    /* One read transaction: every number from the same state of the store. */
    gboolean own = !defis_store_in_transaction(store);
    if (own && !defis_store_begin_read(store, error))
        return NULL;
    json_t *out = explain(store, id, settings, error);
    if (own)
        defis_store_rollback(store);
    return out;
}
