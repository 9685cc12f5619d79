/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* link.c - links between challenges and commons: made, undone, suggested, kept through merges and
 * splits. */
#include "engine/commons_internal.h"

#include <string.h>

#include "engine/error.h"
#include "engine/journal.h"
#include "engine/text.h"

/* ---- Links ---------------------------------------------------------------- */

/* Checks that CHALLENGE exists (and, when OPEN, that it is open); sets *TITLE. */
static gboolean challenge_check(DefisStore *store, gint64 challenge, gboolean open, char **title,
                                GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_CHALLENGE);
    defis_stmt_bind_int(stmt, 1, challenge);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return FALSE;
    if (!row) {
        defis_stmt_reset(stmt);
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no challenge %" G_GINT64_FORMAT,
                    challenge);
        return FALSE;
    }
    const char *state = defis_stmt_text(stmt, 2);
    gboolean ok = TRUE;
    if (open && strcmp(state, "merged") == 0) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "challenge %" G_GINT64_FORMAT " was merged into challenge %" G_GINT64_FORMAT
                    ": link that one",
                    challenge, defis_stmt_int(stmt, 3));
        ok = FALSE;
    } else if (open && strcmp(state, "open") != 0) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "challenge %" G_GINT64_FORMAT " is %s, not open", challenge, state);
        ok = FALSE;
    }
    if (ok && title)
        *title = g_strdup(defis_stmt_text(stmt, 1));
    defis_stmt_reset(stmt);
    return ok;
}

static gboolean link_exists(DefisStore *store, gint64 challenge, gint64 commons, gboolean *exists,
                            GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_LINK_GET);
    defis_stmt_bind_int(stmt, 1, challenge);
    defis_stmt_bind_int(stmt, 2, commons);
    gboolean ok = defis_stmt_step(stmt, exists, error);
    defis_stmt_reset(stmt);
    return ok;
}

gboolean defis_commons_link(DefisStore *store, gint64 challenge, const char *key, const char *note,
                            const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && key != NULL && actor != NULL, FALSE);
    DefisCommonsFields f = {.note = note, .users = -1};
    if (!defis__commons_check_prefixed(&f, FALSE, error) || !defis_store_begin(store, error))
        return FALSE;
    g_auto(DefisCommonsRow) c = {0};
    gboolean exists = FALSE;
    gboolean ok = challenge_check(store, challenge, TRUE, NULL, error) &&
                  defis__commons_find(store, key, &c, error) &&
                  link_exists(store, challenge, c.id, &exists, error);
    if (ok && exists) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "challenge %" G_GINT64_FORMAT " is linked to \"%s\" already", challenge,
                    c.name);
        ok = FALSE;
    }
    g_autofree char *at = defis_now();
    if (ok) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_LINK_INSERT);
        defis_stmt_bind_int(stmt, 1, challenge);
        defis_stmt_bind_int(stmt, 2, c.id);
        defis_stmt_bind_text(stmt, 3, defis__commons_nonempty(note), -1);
        defis_stmt_bind_text(stmt, 4, at, -1);
        defis_stmt_bind_text(stmt, 5, actor, -1);
        ok = defis_stmt_exec(stmt, error);
    }
    json_t *payload =
        json_pack("{s:I, s:I, s:s?, s:s?}", "challenge", (json_int_t)challenge, "commons_id",
                  (json_int_t)c.id, "commons", c.name, "note", defis__commons_nonempty(note));
    return defis__commons_finish(store, ok, actor, "link.add", payload, error);
}

gboolean defis_commons_unlink(DefisStore *store, gint64 challenge, const char *key,
                              const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && key != NULL && actor != NULL, FALSE);
    if (!defis_store_begin(store, error))
        return FALSE;
    g_auto(DefisCommonsRow) c = {0};
    gboolean exists = FALSE;
    gboolean ok = challenge_check(store, challenge, FALSE, NULL, error) &&
                  defis__commons_find(store, key, &c, error) &&
                  link_exists(store, challenge, c.id, &exists, error);
    if (ok && !exists) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND,
                    "challenge %" G_GINT64_FORMAT " is not linked to \"%s\"", challenge, c.name);
        ok = FALSE;
    }
    if (ok) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_LINK_DELETE);
        defis_stmt_bind_int(stmt, 1, challenge);
        defis_stmt_bind_int(stmt, 2, c.id);
        ok = defis_stmt_exec(stmt, error);
    }
    json_t *payload = json_pack("{s:I, s:I, s:s?}", "challenge", (json_int_t)challenge,
                                "commons_id", (json_int_t)c.id, "commons", c.name);
    return defis__commons_finish(store, ok, actor, "link.remove", payload, error);
}

static json_t *of_challenge_in(DefisStore *store, gint64 challenge, gint64 threshold,
                               GError **error)
{
    if (!challenge_check(store, challenge, FALSE, NULL, error))
        return NULL;
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_LINKS_OF_CHALLENGE);
    defis_stmt_bind_int(stmt, 1, challenge);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 users = defis_stmt_int(stmt, 3);
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:s, s:I, s:b, s:s, s:s?, s:s, s:s}", "id",
                      (json_int_t)defis_stmt_int(stmt, 0), "name", defis_stmt_text(stmt, 1),
                      "stage", defis_stmt_text(stmt, 2), "users", (json_int_t)users, "recognised",
                      users >= threshold, "status", users >= threshold ? "recognised" : "candidate",
                      "note", defis_stmt_text(stmt, 4), "linked_at", defis_stmt_text(stmt, 5),
                      "linked_by", defis_stmt_text(stmt, 6)));
    }
    defis_stmt_reset(stmt);
    return ok ? g_steal_pointer(&list) : NULL;
}

json_t *defis_commons_of_challenge(DefisStore *store, gint64 challenge,
                                   const DefisScoreSettings *settings, GError **error)
{
    return IN_READ(store, error,
                   of_challenge_in(store, challenge, defis__commons_threshold_of(settings), error));
}

/* ---- Suggestions ------------------------------------------------------------ */

#define SUGGEST_TEXTS_MAX 200
#define SUGGEST_FLOOR 0.05

typedef struct {
    double similarity;
    const char *matched;
    json_t *item;
} Suggestion;

static int compare_suggestions(gconstpointer a, gconstpointer b)
{
    const Suggestion *x = a, *y = b;
    if (x->similarity != y->similarity)
        return x->similarity > y->similarity ? -1 : 1;
    return g_utf8_collate(json_string_value(json_object_get(x->item, "name")),
                          json_string_value(json_object_get(y->item, "name")));
}

/* The features of the challenge's title and of each distinct mention text. */
static GPtrArray *challenge_features(DefisStore *store, DefisText *text, gint64 challenge,
                                     const char *title, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)defis_features_free);
    g_ptr_array_add(out, defis_text_features(text, title, -1));
    g_autofree char *ids = g_strdup_printf("[%" G_GINT64_FORMAT "]", challenge);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_TEXTS_IDS);
    defis_stmt_bind_text(stmt, 1, ids, -1);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row && out->len < SUGGEST_TEXTS_MAX)
        g_ptr_array_add(out, defis_text_features(text, defis_stmt_text(stmt, 1), -1));
    defis_stmt_reset(stmt);
    return ok ? g_steal_pointer(&out) : NULL;
}

/* The best similarity of one of TEXTS to PART; raises *BEST and sets *MATCHED. */
static void compare_part(DefisText *text, GPtrArray *texts, const char *part, const char *label,
                         double *best, const char **matched)
{
    if (!part || !*part)
        return;
    g_autoptr(DefisFeatures) features = defis_text_features(text, part, -1);
    for (guint i = 0; i < texts->len; i++) {
        double s = defis_features_similarity(texts->pdata[i], features, NULL);
        if (s > *best) {
            *best = s;
            *matched = label;
        }
    }
}

static json_t *suggest_in(DefisStore *store, gint64 challenge, gint64 limit, GError **error)
{
    g_autofree char *title = NULL;
    if (!challenge_check(store, challenge, FALSE, &title, error))
        return NULL;
    g_autoptr(DefisText) text = defis_text_new(NULL, error);
    if (!text)
        return NULL;
    g_autoptr(GPtrArray) texts = challenge_features(store, text, challenge, title, error);
    if (!texts)
        return NULL;
    g_autoptr(GHashTable) linked = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_autoptr(json_t) links = of_challenge_in(store, challenge, 0, error);
    if (!links)
        return NULL;
    size_t i;
    json_t *l;
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    json_array_foreach(links, i, l)
    {
        gint64 id = json_integer_value(json_object_get(l, "id"));
        g_array_append_val(ids, id);
    }
    for (guint k = 0; k < ids->len; k++)
        g_hash_table_add(linked, &g_array_index(ids, gint64, k));

    g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(Suggestion));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_LIST);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        g_auto(DefisCommonsRow) c = {0};
        defis__commons_read(stmt, &c);
        if (g_hash_table_contains(linked, &c.id))
            continue;
        double best = 0;
        const char *matched = NULL;
        compare_part(text, texts, c.name, "name", &best, &matched);
        compare_part(text, texts, c.description, "description", &best, &matched);
        compare_part(text, texts, c.keywords, "keywords", &best, &matched);
        g_auto(GStrv) keywords = g_strsplit(c.keywords ? c.keywords : "", ", ", -1);
        for (char **k = keywords; *k; k++)
            compare_part(text, texts, *k, "keywords", &best, &matched);
        if (best < SUGGEST_FLOOR)
            continue;
        Suggestion s = {best, matched,
                        json_pack("{s:I, s:s, s:s, s:I, s:f, s:s}", "id", (json_int_t)c.id, "name",
                                  c.name, "stage", c.stage, "users", (json_int_t)c.users,
                                  "similarity", best, "matched", matched)};
        g_array_append_val(found, s);
    }
    defis_stmt_reset(stmt);
    g_array_sort(found, compare_suggestions);
    g_autoptr(json_t) list = json_array();
    for (guint k = 0; k < found->len; k++) {
        Suggestion *s = &g_array_index(found, Suggestion, k);
        if (ok && (gint64)k < limit)
            json_array_append(list, s->item);
        json_decref(s->item);
    }
    if (!ok)
        return NULL;
    return json_pack("{s:{s:I, s:s}, s:O}", "challenge", "id", (json_int_t)challenge, "title",
                     title, "suggestions", list);
}

json_t *defis_commons_suggest(DefisStore *store, gint64 challenge, gint64 limit, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    if (limit < 1 || limit > DEFIS_COMMONS_SUGGEST_MAX) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "limit: expected 1 to %d",
                    DEFIS_COMMONS_SUGGEST_MAX);
        return NULL;
    }
    return IN_READ(store, error, suggest_in(store, challenge, limit, error));
}

/* ---- Links through merges and splits ------------------------------------------ */

static gboolean exec3(DefisStore *store, DefisSql sql, gint64 a, gint64 b, gint64 c, int params,
                      GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, sql);
    defis_stmt_bind_int(stmt, 1, a);
    if (params > 1)
        defis_stmt_bind_int(stmt, 2, b);
    if (params > 2)
        defis_stmt_bind_int(stmt, 3, c);
    return defis_stmt_exec(stmt, error);
}

gboolean defis_commons_links_merge(DefisStore *store, gint64 merge_id, gint64 target, gint64 source,
                                   GError **error)
{
    g_return_val_if_fail(store != NULL && defis_store_in_transaction(store), FALSE);
    g_return_val_if_fail(target != source, FALSE);
    return exec3(store, DEFIS_SQL_LINK_MERGE_RECORD, merge_id, target, source, 3, error) &&
           exec3(store, DEFIS_SQL_LINK_MERGE_DROP, target, source, 0, 2, error) &&
           exec3(store, DEFIS_SQL_LINK_MERGE_MOVE, target, source, 0, 2, error);
}

gboolean defis_commons_links_unmerge(DefisStore *store, gint64 merge_id, gint64 target,
                                     gint64 source, GError **error)
{
    g_return_val_if_fail(store != NULL && defis_store_in_transaction(store), FALSE);
    (void)target; /* recorded with the merge */
    (void)source;
    return exec3(store, DEFIS_SQL_LINK_UNMERGE_TAKE, merge_id, 0, 0, 1, error) &&
           exec3(store, DEFIS_SQL_LINK_UNMERGE_RESTORE, merge_id, 0, 0, 1, error) &&
           exec3(store, DEFIS_SQL_LINK_UNMERGE_FORGET, merge_id, 0, 0, 1, error);
}

gboolean defis_commons_links_split(DefisStore *store, gint64 from, gint64 to, GError **error)
{
    g_return_val_if_fail(store != NULL && defis_store_in_transaction(store), FALSE);
    return exec3(store, DEFIS_SQL_LINK_SPLIT_COPY, from, to, 0, 2, error);
}
