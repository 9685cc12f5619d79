/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* vote.c - a place supporting a challenge outside a survey. */
#include "engine/vote.h"

#include <string.h>

#include "engine/error.h"
#include "engine/journal.h"
#include "engine/network.h"
#include "engine/score.h"

static gboolean valid_place(const char *name, GError **error)
{
    gsize len = strlen(name);
    const char *problem = NULL;
    if (len == 0 || len > DEFIS_VOTE_PLACE_MAX || !g_utf8_validate(name, len, NULL))
        problem = "must be 1 to 200 bytes of UTF-8 text";
    else if (g_ascii_isspace(name[0]) || g_ascii_isspace(name[len - 1]))
        problem = "must not start or end with a space";
    for (const char *p = name; !problem && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            problem = "must not hold control characters";
    if (problem)
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "place name %s", problem);
    return problem == NULL;
}

/* Checks that CHALLENGE exists and is open. */
static gboolean check_challenge(DefisStore *store, gint64 challenge, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_CHALLENGE);
    defis_stmt_bind_int(stmt, 1, challenge);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return FALSE;
    if (!row) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND,
                    "no challenge %" G_GINT64_FORMAT ": see `defis challenges` for the ids",
                    challenge);
        return FALSE;
    }
    g_autofree char *state = g_strdup(defis_stmt_text(stmt, 2));
    gint64 into = defis_stmt_is_null(stmt, 3) ? 0 : defis_stmt_int(stmt, 3);
    defis_stmt_reset(stmt);
    if (strcmp(state, "merged") == 0) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "challenge %" G_GINT64_FORMAT " was merged into %" G_GINT64_FORMAT
                    ": vote for %" G_GINT64_FORMAT,
                    challenge, into, into);
        return FALSE;
    }
    if (strcmp(state, "open") != 0) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "challenge %" G_GINT64_FORMAT " is %s: it takes no votes", challenge, state);
        return FALSE;
    }
    return TRUE;
}

static gint64 find_or_add_place(DefisStore *store, gint64 network_id, const char *name,
                                GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_PLACE_FIND);
    defis_stmt_bind_int(stmt, 1, network_id);
    defis_stmt_bind_text(stmt, 2, name, -1);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return 0;
    if (row) {
        gint64 id = defis_stmt_int(stmt, 0);
        defis_stmt_reset(stmt);
        return id;
    }
    stmt = defis_store_stmt(store, DEFIS_SQL_PLACE_INSERT);
    defis_stmt_bind_int(stmt, 1, network_id);
    defis_stmt_bind_text(stmt, 2, name, -1);
    if (!defis_stmt_exec(stmt, error))
        return 0;
    return defis_store_last_id(store);
}

static gint64 add(DefisStore *store, const char *network, const char *place, gint64 challenge,
                  const char *actor, GError **error)
{
    gint64 network_id = defis_network_find(store, network, error);
    if (!network_id || !check_challenge(store, challenge, error))
        return 0;
    gint64 place_id = find_or_add_place(store, network_id, place, error);
    if (!place_id)
        return 0;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_VOTE_FIND);
    defis_stmt_bind_int(stmt, 1, challenge);
    defis_stmt_bind_int(stmt, 2, place_id);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return 0;
    if (row) {
        gint64 earlier = defis_stmt_int(stmt, 0);
        defis_stmt_reset(stmt);
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "\"%s\" (%s) has voted for challenge %" G_GINT64_FORMAT
                    " already (vote %" G_GINT64_FORMAT "): a place counts once",
                    place, network, challenge, earlier);
        return 0;
    }
    g_autofree char *now = defis_now();
    stmt = defis_store_stmt(store, DEFIS_SQL_VOTE_INSERT);
    defis_stmt_bind_int(stmt, 1, challenge);
    defis_stmt_bind_int(stmt, 2, place_id);
    defis_stmt_bind_text(stmt, 3, now, -1);
    defis_stmt_bind_text(stmt, 4, actor, -1);
    if (!defis_stmt_exec(stmt, error))
        return 0;
    gint64 id = defis_store_last_id(store);
    g_autoptr(json_t) payload =
        json_pack("{s:I, s:I, s:s, s:s}", "vote", (json_int_t)id, "challenge",
                  (json_int_t)challenge, "network", network, "place", place);
    if (!defis_score_refresh(store, &challenge, 1, error) ||
        !defis_journal_add(store, actor, "vote", payload, error))
        return 0;
    return id;
}

gint64 defis_vote_add(DefisStore *store, const char *network, const char *place,
                      gint64 challenge, const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && network != NULL && place != NULL && actor != NULL, 0);
    if (!valid_place(place, error))
        return 0;
    if (!defis_store_begin(store, error))
        return 0;
    gint64 id = add(store, network, place, challenge, actor, error);
    if (!id || !defis_store_commit(store, error)) {
        defis_store_rollback(store);
        return 0;
    }
    return id;
}
