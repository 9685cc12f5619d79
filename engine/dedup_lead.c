/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup_lead.c - the lead's decisions on the grouping: review, dismiss, merge, unmerge, split. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/commons.h"
#include "engine/dedup_internal.h"
#include "engine/error.h"
#include "engine/journal.h"
#include "engine/minhash.h"
#include "engine/score.h"

void defis__dedup_challenge_clear(DefisDedupChallenge *c)
{
    g_free(c->title);
    g_free(c->state);
}

/* Reads challenge ID; DEFIS_ERROR_NOT_FOUND when there is none. */
gboolean defis__dedup_challenge_get(DefisStore *store, gint64 id, DefisDedupChallenge *c,
                                    GError **error)
{
    memset(c, 0, sizeof *c);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_GET);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return FALSE;
    if (!row) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no challenge %" G_GINT64_FORMAT,
                    id);
        return FALSE;
    }
    c->id = id;
    c->title = g_strdup(defis_stmt_text(stmt, 1));
    c->state = g_strdup(defis_stmt_text(stmt, 2));
    c->merged_into = defis_stmt_is_null(stmt, 3) ? 0 : defis_stmt_int(stmt, 3);
    c->mentions = defis_stmt_int(stmt, 4);
    defis_stmt_reset(stmt);
    return TRUE;
}

/* Reads challenge ID and checks it is open. */
gboolean defis__dedup_open_challenge(DefisStore *store, gint64 id, DefisDedupChallenge *c,
                                     GError **error)
{
    if (!defis__dedup_challenge_get(store, id, c, error))
        return FALSE;
    if (strcmp(c->state, "open") != 0) {
        if (c->merged_into)
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                        "challenge %" G_GINT64_FORMAT " is %s into %" G_GINT64_FORMAT
                        ": act on %" G_GINT64_FORMAT " instead",
                        id, c->state, c->merged_into, c->merged_into);
        else
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                        "challenge %" G_GINT64_FORMAT " is %s", id, c->state);
        defis__dedup_challenge_clear(c);
        return FALSE;
    }
    return TRUE;
}

gboolean defis__dedup_exec_id(DefisStore *store, DefisSql sql, gint64 a, gint64 b, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, sql);
    defis_stmt_bind_int(stmt, 1, a);
    if (b)
        defis_stmt_bind_int(stmt, 2, b);
    return defis_stmt_exec(stmt, error);
}

gint64 defis__dedup_query_count(DefisStore *store, DefisSql sql, gint64 a, gint64 b, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, sql);
    defis_stmt_bind_int(stmt, 1, a);
    if (b)
        defis_stmt_bind_int(stmt, 2, b);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return -1;
    gint64 n = row ? defis_stmt_int(stmt, 0) : 0;
    defis_stmt_reset(stmt);
    return n;
}

/* Journals and commits, or rolls back: the tail of every decision. */
gboolean defis__dedup_finish(DefisStore *store, const char *actor, const char *action,
                             json_t *payload, gboolean ok, GError **error)
{
    ok = ok && defis_journal_add(store, actor, action, payload, error) &&
         defis_store_commit(store, error);
    if (!ok)
        defis_store_rollback(store);
    json_decref(payload);
    return ok;
}

static json_t *review_row(DefisStmt *stmt)
{
    return json_pack("{s:{s:I, s:s, s:I}, s:{s:I, s:s, s:I}, s:f}", "a", "id",
                     (json_int_t)defis_stmt_int(stmt, 0), "title", defis_stmt_text(stmt, 3),
                     "mentions", (json_int_t)defis_stmt_int(stmt, 5), "b", "id",
                     (json_int_t)defis_stmt_int(stmt, 1), "title", defis_stmt_text(stmt, 4),
                     "mentions", (json_int_t)defis_stmt_int(stmt, 6), "similarity",
                     round(defis_stmt_double(stmt, 2) * 1000) / 1000);
}

json_t *defis_dedup_review(DefisStore *store, gint64 limit, GError **error)
{
    g_return_val_if_fail(limit > 0, NULL);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_REVIEW_LIST);
    defis_stmt_bind_int(stmt, 1, limit);
    json_t *pairs = defis_stmt_json_rows(stmt, review_row, error);
    return pairs ? json_pack("{s:o}", "pairs", pairs) : NULL;
}

gboolean defis_dedup_dismiss(DefisStore *store, gint64 x, gint64 y, const char *actor,
                             GError **error)
{
    if (x == y) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "a challenge cannot be dismissed against itself");
        return FALSE;
    }
    if (!defis_store_begin(store, error))
        return FALSE;
    gint64 a = MIN(x, y), b = MAX(x, y);
    DefisDedupChallenge ca, cb;
    if (!defis__dedup_open_challenge(store, a, &ca, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    defis__dedup_challenge_clear(&ca);
    if (!defis__dedup_open_challenge(store, b, &cb, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    defis__dedup_challenge_clear(&cb);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_DISMISS);
    g_autofree char *now = defis_now();
    defis_stmt_bind_int(stmt, 1, a);
    defis_stmt_bind_int(stmt, 2, b);
    defis_stmt_bind_text(stmt, 3, now, -1);
    defis_stmt_bind_text(stmt, 4, actor, -1);
    gboolean ok = defis_stmt_exec(stmt, error) &&
                  defis__dedup_exec_id(store, DEFIS_SQL_DEDUP_REVIEW_DELETE, a, b, error) &&
                  defis__dedup_exec_id(store, DEFIS_SQL_MENTIONS_LOCK, a, 0, error) &&
                  defis__dedup_exec_id(store, DEFIS_SQL_MENTIONS_LOCK, b, 0, error);
    return defis__dedup_finish(store, actor, "dedup.dismiss",
                               json_pack("{s:I, s:I}", "a", (json_int_t)a, "b", (json_int_t)b), ok,
                               error);
}

json_t *defis_dedup_merge(DefisStore *store, gint64 target, const gint64 *sources, gsize n,
                          const char *actor, GError **error)
{
    g_return_val_if_fail(n > 0, NULL);
    if (!defis_store_begin(store, error))
        return NULL;
    DefisDedupChallenge t;
    if (!defis__dedup_open_challenge(store, target, &t, error)) {
        defis_store_rollback(store);
        return NULL;
    }
    defis__dedup_challenge_clear(&t);
    g_autofree char *now = defis_now();
    json_t *merges = json_array();
    GArray *touched = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_array_append_val(touched, target);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && i < n; i++) {
        gint64 source = sources[i];
        DefisDedupChallenge s;
        if (source == target) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "challenge %" G_GINT64_FORMAT " cannot be merged into itself", source);
            ok = FALSE;
            break;
        }
        if (!defis__dedup_open_challenge(store, source, &s, error)) {
            ok = FALSE;
            break;
        }
        defis__dedup_challenge_clear(&s);
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_LOG_INSERT);
        defis_stmt_bind_int(stmt, 1, target);
        defis_stmt_bind_int(stmt, 2, source);
        defis_stmt_bind_text(stmt, 3, now, -1);
        defis_stmt_bind_text(stmt, 4, actor, -1);
        if (!defis_stmt_exec(stmt, error)) {
            ok = FALSE;
            break;
        }
        gint64 merge = defis_store_last_id(store);
        ok = defis__dedup_exec_id(store, DEFIS_SQL_MERGE_RECORD_VOTES, merge, source, error);
        if (ok) {
            stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_RECORD_MENTIONS);
            defis_stmt_bind_int(stmt, 1, merge);
            defis_stmt_bind_int(stmt, 2, target);
            defis_stmt_bind_int(stmt, 3, source);
            ok = defis_stmt_exec(stmt, error);
        }
        ok = ok &&
             defis__dedup_exec_id(store, DEFIS_SQL_MERGE_MOVE_MENTIONS, target, source, error) &&
             defis__dedup_exec_id(store, DEFIS_SQL_MERGE_MOVE_VOTES, target, source, error) &&
             defis__dedup_exec_id(store, DEFIS_SQL_REPS_MOVE_ALL, source, target, error) &&
             defis__dedup_reband(store, NULL, target, error) &&
             defis_commons_links_merge(store, merge, target, source, error);
        if (ok) {
            stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_STATE);
            defis_stmt_bind_int(stmt, 1, source);
            defis_stmt_bind_text(stmt, 2, "merged", -1);
            defis_stmt_bind_int(stmt, 3, target);
            ok = defis_stmt_exec(stmt, error);
        }
        g_array_append_val(touched, source);
        json_array_append_new(merges, json_pack("{s:I, s:I}", "merge", (json_int_t)merge, "source",
                                                (json_int_t)source));
    }
    ok = ok && defis_score_refresh(store, (gint64 *)(void *)touched->data, touched->len, error);
    g_array_unref(touched);
    json_t *payload = json_pack("{s:I, s:O}", "target", (json_int_t)target, "merges", merges);
    if (!defis__dedup_finish(store, actor, "dedup.merge", payload, ok, error)) {
        json_decref(merges);
        return NULL;
    }
    return merges;
}

gboolean defis_dedup_unmerge(DefisStore *store, gint64 source, const char *actor, GError **error)
{
    if (!defis_store_begin(store, error))
        return FALSE;
    DefisDedupChallenge s;
    if (!defis__dedup_challenge_get(store, source, &s, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    gboolean merged = strcmp(s.state, "merged") == 0;
    defis__dedup_challenge_clear(&s);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_LAST);
    defis_stmt_bind_int(stmt, 1, source);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    gint64 merge = row ? defis_stmt_int(stmt, 0) : 0, target = row ? defis_stmt_int(stmt, 1) : 0;
    defis_stmt_reset(stmt);
    if (!merged || !merge) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "challenge %" G_GINT64_FORMAT " is not merged into another: nothing to undo",
                    source);
        defis_store_rollback(store);
        return FALSE;
    }
    gint64 strays = defis__dedup_query_count(store, DEFIS_SQL_UNMERGE_STRAYS, merge, target, error);
    gint64 vote_strays = strays < 0 ? -1
                                    : defis__dedup_query_count(store, DEFIS_SQL_UNMERGE_VOTE_STRAYS,
                                                               merge, target, error);
    if (strays < 0 || vote_strays < 0) {
        defis_store_rollback(store);
        return FALSE;
    }
    if (strays + vote_strays > 0) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "%" G_GINT64_FORMAT
                    " mentions or votes of this merge have left challenge %" G_GINT64_FORMAT
                    " since (a later merge or split): undo that first",
                    strays + vote_strays, target);
        defis_store_rollback(store);
        return FALSE;
    }
    g_autofree char *now = defis_now();
    gboolean ok = defis__dedup_exec_id(store, DEFIS_SQL_UNMERGE_MENTIONS, merge, 0, error) &&
                  defis__dedup_exec_id(store, DEFIS_SQL_UNMERGE_VOTES, merge, 0, error) &&
                  defis__dedup_exec_id(store, DEFIS_SQL_UNMERGE_REPS, target, 0, error) &&
                  defis__dedup_reband(store, NULL, source, error) &&
                  defis_commons_links_unmerge(store, merge, target, source, error);
    if (ok) {
        stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_STATE);
        defis_stmt_bind_int(stmt, 1, source);
        defis_stmt_bind_text(stmt, 2, "open", -1);
        defis_stmt_bind_null(stmt, 3);
        ok = defis_stmt_exec(stmt, error);
    }
    if (ok) {
        stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_LOG_UNDO);
        defis_stmt_bind_int(stmt, 1, merge);
        defis_stmt_bind_text(stmt, 2, now, -1);
        defis_stmt_bind_text(stmt, 3, actor, -1);
        ok = defis_stmt_exec(stmt, error);
    }
    gint64 touched[] = {target, source};
    ok = ok && defis_score_refresh(store, touched, 2, error);
    return defis__dedup_finish(store, actor, "dedup.unmerge",
                               json_pack("{s:I, s:I, s:I}", "merge", (json_int_t)merge, "source",
                                         (json_int_t)source, "target", (json_int_t)target),
                               ok, error);
}

/* Makes MENTION (of CHALLENGE) a representative when CHALLENGE has none left. */
static gboolean ensure_rep(DefisDedup *dedup, gint64 challenge, gint64 mention, const char *text,
                           GError **error)
{
    DefisDedupReps *reps = defis__dedup_reps_of(dedup, challenge, error);
    if (!reps)
        return FALSE;
    if (reps->features->len > 0)
        return TRUE;
    DefisFeatures *features = defis_text_features(dedup->text, text, -1);
    if (features->n == 0) {
        defis_features_free(features);
        return TRUE;
    }
    return defis__dedup_add_rep(dedup, mention, challenge, features, error);
}

gint64 defis_dedup_split(DefisStore *store, const gint64 *ids, gsize n, const char *actor,
                         GError **error)
{
    g_return_val_if_fail(n > 0, 0);
    if (!defis_store_begin(store, error))
        return 0;
    g_autoptr(DefisDedup) dedup = defis_dedup_new(store, NULL, error);
    if (!dedup) {
        defis_store_rollback(store);
        return 0;
    }
    /* Every mention must exist, once, in one open challenge. */
    gint64 from = 0;
    g_autofree char *title = NULL;
    gint64 first = 0;
    g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
    for (gsize i = 0; i < n; i++) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTION_GET);
        defis_stmt_bind_int(stmt, 1, ids[i]);
        gboolean row = FALSE;
        if (!defis_stmt_step(stmt, &row, error)) {
            defis_store_rollback(store);
            return 0;
        }
        if (!row) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no mention %" G_GINT64_FORMAT,
                        ids[i]);
            defis_store_rollback(store);
            return 0;
        }
        gint64 challenge = defis_stmt_int(stmt, 1);
        if (!title || ids[i] < first) {
            g_free(title);
            title = g_strdup(defis_stmt_text(stmt, 2));
            first = ids[i];
        }
        defis_stmt_reset(stmt);
        if (from && challenge != from) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "mentions %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                        " belong to different challenges (%" G_GINT64_FORMAT
                        " and %" G_GINT64_FORMAT "): split one challenge at a time",
                        ids[0], ids[i], from, challenge);
            defis_store_rollback(store);
            return 0;
        }
        from = challenge;
        g_hash_table_add(seen, (gpointer)&ids[i]);
    }
    DefisDedupChallenge c;
    if (!defis__dedup_open_challenge(store, from, &c, error)) {
        defis_store_rollback(store);
        return 0;
    }
    gint64 total = c.mentions;
    defis__dedup_challenge_clear(&c);
    if ((gint64)g_hash_table_size(seen) >= total) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "these are all the mentions of challenge %" G_GINT64_FORMAT
                    ": leave at least one behind",
                    from);
        defis_store_rollback(store);
        return 0;
    }

    gint64 to = defis__dedup_create_challenge(dedup, title, error);
    gboolean ok = to > 0 && defis__dedup_exec_id(store, DEFIS_SQL_MENTIONS_LOCK, from, 0, error);
    for (gsize i = 0; ok && i < n; i++)
        ok = defis__dedup_exec_id(store, DEFIS_SQL_MENTION_MOVE, ids[i], to, error) &&
             defis__dedup_exec_id(store, DEFIS_SQL_REP_MOVE, ids[i], to, error);
    ok = ok && defis__dedup_reband(store, dedup, to, error);
    /* Each side keeps at least one representative so later mentions find it. */
    if (ok) {
        g_hash_table_remove_all(dedup->reps);
        dedup->reps_bytes = 0;
        ok = ensure_rep(dedup, to, first, title, error);
    }
    if (ok) {
        /* The old challenge's representatives may all have left: its first
         * remaining mention will do. */
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTION_FIRST_OF);
        defis_stmt_bind_int(stmt, 1, from);
        gboolean row = FALSE;
        ok = defis_stmt_step(stmt, &row, error);
        if (ok && row) {
            gint64 mention = defis_stmt_int(stmt, 0);
            g_autofree char *text = g_strdup(defis_stmt_text(stmt, 1));
            defis_stmt_reset(stmt);
            ok = ensure_rep(dedup, from, mention, text, error);
        }
        defis_stmt_reset(stmt);
    }
    ok = ok && defis_commons_links_split(store, from, to, error);
    if (ok) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_DISMISS);
        defis_stmt_bind_int(stmt, 1, MIN(from, to));
        defis_stmt_bind_int(stmt, 2, MAX(from, to));
        defis_stmt_bind_text(stmt, 3, dedup->now, -1);
        defis_stmt_bind_text(stmt, 4, actor, -1);
        ok = defis_stmt_exec(stmt, error);
    }
    gint64 touched[] = {from, to};
    ok = ok && defis_dedup_flush(dedup, error) && defis_score_refresh(store, touched, 2, error);
    json_t *moved = json_array();
    for (gsize i = 0; i < n; i++)
        json_array_append_new(moved, json_integer(ids[i]));
    if (!defis__dedup_finish(store, actor, "dedup.split",
                             json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to",
                                       (json_int_t)to, "mentions", moved),
                             ok, error))
        return 0;
    return to;
}
