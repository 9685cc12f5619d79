/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* score.h - challenge scores by votes and reach, kept fresh inside the writes that change them. */
#ifndef DEFIS_SCORE_H
#define DEFIS_SCORE_H

#include "engine/common.h"
#include "engine/store.h"

/* Recomputes the stored score of each of the N challenges in IDS (repeats and
 * challenges left without mentions allowed) from their current mentions and
 * votes. Must run inside the caller's open write transaction, after the change
 * that touched them (an import, a vote, a merge, a split). */
gboolean defis_score_refresh(DefisStore *store, const gint64 *ids, gsize n, GError **error);

#endif
