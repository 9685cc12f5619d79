/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* score.c - challenge scores by votes and reach. */
#include "engine/score.h"

gboolean defis_score_refresh(DefisStore *store, const gint64 *ids, gsize n, GError **error)
{
    g_return_val_if_fail(defis_store_in_transaction(store), FALSE);
    /* Scores are computed at query time until the scoring model is stored. */
    return TRUE;
}
