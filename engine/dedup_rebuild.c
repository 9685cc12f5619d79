/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup_rebuild.c - reclustering every unlocked mention from scratch, deterministically. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/commons.h"
#include "engine/dedup_internal.h"
#include "engine/error.h"
#include "engine/journal.h"
#include "engine/minhash.h"
#include "engine/score.h"

static gboolean exec_plain(DefisStore *store, DefisSql sql, GError **error)
{
    return defis_stmt_exec(defis_store_stmt(store, sql), error);
}

/* Gives the locked challenges their representatives back: up to max_reps
 * mentions of distinct wording each, in canonical order. */
static gboolean rebuild_locked(DefisDedup *dedup, DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_LOCKED);
    gboolean row = FALSE, ok;
    gint64 current = 0;
    guint reps = 0;
    g_autoptr(GHashTable) norms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0), challenge = defis_stmt_int(stmt, 1);
        const char *text = defis_stmt_text(stmt, 2), *norm = defis_stmt_text(stmt, 3);
        report->locked++;
        if (challenge != current) {
            current = challenge;
            reps = 0;
            g_hash_table_remove_all(norms);
        }
        gint64 hash = defis_dedup_norm_hash(norm);
        if (!defis_idmap_get(&dedup->twins, defis__dedup_map_key((guint64)hash), NULL))
            defis_idmap_put(&dedup->twins, defis__dedup_map_key((guint64)hash), challenge);
        if (reps >= dedup->settings.max_reps || g_hash_table_contains(norms, norm))
            continue;
        g_hash_table_add(norms, g_strdup(norm));
        DefisFeatures *features = defis_text_features(dedup->text, text, -1);
        if (features->n == 0) {
            defis_features_free(features);
            continue;
        }
        if (!defis__dedup_count_document(dedup, features, error) ||
            !defis__dedup_add_rep(dedup, id, challenge, features, error)) {
            ok = FALSE;
            break;
        }
        reps++;
    }
    defis_stmt_reset(stmt);
    return ok;
}

/* Places every unlocked mention again, in canonical order. */
static gboolean rebuild_unlocked(DefisDedup *dedup, DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_UNLOCKED);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0);
        g_autofree char *text = g_strdup(defis_stmt_text(stmt, 1));
        g_autofree char *norm = g_strdup(defis_stmt_text(stmt, 2));
        DefisPlacement placement;
        if (!defis_dedup_place(dedup, text, norm, &placement, error)) {
            ok = FALSE;
            break;
        }
        if (!defis__dedup_exec_id(store, DEFIS_SQL_MENTION_ASSIGN, id, placement.challenge_id,
                                  error)) {
            defis_dedup_placement_clear(&placement);
            ok = FALSE;
            break;
        }
        if (!defis_dedup_placed(dedup, id, &placement, error)) {
            ok = FALSE;
            break;
        }
        report->mentions++;
    }
    defis_stmt_reset(stmt);
    return ok;
}

/* Gives each new cluster the id of the former challenge it shares most
 * mentions with (greedily, most shared first), so that ids, votes and links
 * stay where they were whenever the grouping did not change. Fills MAP (fresh
 * id -> kept id). */
static gboolean rebuild_renumber(DefisDedup *dedup, gint64 first_fresh, GHashTable *map,
                                 DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_OVERLAP);
    defis_stmt_bind_int(stmt, 1, first_fresh);
    gboolean row = FALSE, ok;
    g_autoptr(GHashTable) used = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 fresh = defis_stmt_int(stmt, 0), old = defis_stmt_int(stmt, 1);
        if (g_hash_table_contains(map, &fresh) || g_hash_table_contains(used, &old))
            continue;
        g_hash_table_add(used, g_memdup2(&old, sizeof old));
        defis__dedup_put_id(map, fresh, old);
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return FALSE;

    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, map);
    while (ok && g_hash_table_iter_next(&iter, &key, &value)) {
        gint64 fresh = *(gint64 *)key, old = *(gint64 *)value;
        DefisDedupChallenge f;
        if (!defis__dedup_challenge_get(store, fresh, &f, error))
            return FALSE;
        ok = defis__dedup_exec_id(store, DEFIS_SQL_REBUILD_RENUMBER, fresh, old, error) &&
             defis__dedup_exec_id(store, DEFIS_SQL_REPS_MOVE_ALL, fresh, old, error) &&
             defis__dedup_reband(store, dedup, old, error);
        if (ok) {
            stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_TITLE);
            defis_stmt_bind_int(stmt, 1, old);
            defis_stmt_bind_text(stmt, 2, f.title, -1);
            ok = defis_stmt_exec(stmt, error);
        }
        defis__dedup_challenge_clear(&f);
        ok = ok && defis__dedup_exec_id(store, DEFIS_SQL_CHALLENGE_DELETE, fresh, 0, error);
        report->reused++;
    }
    return ok;
}

/* Archives the former challenges left empty; their votes follow their
 * mentions to where most of them went. */
static gboolean rebuild_orphans(DefisDedup *dedup, DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    g_autoptr(GArray) orphans = g_array_new(FALSE, FALSE, sizeof(gint64) * 2);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_ORPHANS);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 pair[2] = {defis_stmt_int(stmt, 0),
                          defis_stmt_is_null(stmt, 1) ? 0 : defis_stmt_int(stmt, 1)};
        g_array_append_val(orphans, pair);
    }
    defis_stmt_reset(stmt);
    for (guint i = 0; ok && i < orphans->len; i++) {
        gint64 *pair = &g_array_index(orphans, gint64, 2 * i);
        stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_STATE);
        defis_stmt_bind_int(stmt, 1, pair[0]);
        defis_stmt_bind_text(stmt, 2, "archived", -1);
        if (pair[1])
            defis_stmt_bind_int(stmt, 3, pair[1]);
        ok = defis_stmt_exec(stmt, error);
        if (ok && pair[1])
            ok = defis__dedup_exec_id(store, DEFIS_SQL_MERGE_MOVE_VOTES, pair[1], pair[0], error);
        report->archived++;
    }
    return ok;
}

static gint64 mapped(GHashTable *map, gint64 id)
{
    gint64 *to = g_hash_table_lookup(map, &id);
    return to ? *to : id;
}

static gboolean rebuild_review(DefisDedup *dedup, GHashTable *map, GError **error)
{
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, dedup->review);
    g_autoptr(GHashTable) review = dedup->review;
    dedup->review = NULL; /* defis__dedup_note_review now writes to the store */
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        gint64 a = 0, b = 0;
        sscanf(key, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, &a, &b);
        a = mapped(map, a);
        b = mapped(map, b);
        if (a != b && !defis__dedup_note_review(dedup, a, b, *(double *)value, error))
            return FALSE;
    }
    return TRUE;
}

gboolean defis_dedup_rebuild(DefisStore *store, const DefisDedupSettings *settings,
                             const char *actor, DefisRebuildReport *report, GError **error)
{
    memset(report, 0, sizeof *report);
    if (!defis_store_begin(store, error))
        return FALSE;
    g_autoptr(DefisDedup) dedup = defis_dedup_new(store, settings, error);
    if (!dedup) {
        defis_store_rollback(store);
        return FALSE;
    }
    dedup->twins_complete = TRUE; /* the stored twins are being redone */
    dedup->review = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    dedup->documents = 0;
    g_autoptr(GHashTable) map = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    gint64 first_fresh =
        defis__dedup_query_count(store, DEFIS_SQL_REBUILD_MAX_CHALLENGE, 0, 0, error) + 1;
    gboolean ok = first_fresh > 0 && exec_plain(store, DEFIS_SQL_REBUILD_OLD_CREATE, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_OLD_CLEAR, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_OLD_FILL, error) &&
                  defis_bands_clear(dedup->bands, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_CLEAR_REPS, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_CLEAR_REVIEW, error) &&
                  defis_df_clear(dedup->df, error) &&
                  rebuild_locked(dedup, report, error) && rebuild_unlocked(dedup, report, error) &&
                  rebuild_renumber(dedup, first_fresh, map, report, error) &&
                  rebuild_orphans(dedup, report, error) && rebuild_review(dedup, map, error) &&
                  defis_dedup_flush(dedup, error);
    if (ok) {
        /* Every challenge may have changed: refresh all their scores. */
        g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_TOUCHED);
        gboolean row = FALSE;
        while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
            gint64 id = defis_stmt_int(stmt, 0);
            g_array_append_val(ids, id);
        }
        defis_stmt_reset(stmt);
        ok = ok && defis_score_refresh(store, (gint64 *)(void *)ids->data, ids->len, error);
        report->challenges =
            ok ? defis__dedup_query_count(store, DEFIS_SQL_REBUILD_OPEN_COUNT, 0, 0, error) : 0;
        ok = ok && report->challenges >= 0;
    }
    return defis__dedup_finish(
        store, actor, "dedup.rebuild",
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}", "mentions", (json_int_t)report->mentions,
                  "locked", (json_int_t)report->locked, "challenges",
                  (json_int_t)report->challenges, "reused", (json_int_t)report->reused, "archived",
                  (json_int_t)report->archived, "threshold", dedup->settings.threshold),
        ok, error);
}
