/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* vote.h - a place supporting a challenge outside a survey (a voting round). */
#ifndef DEFIS_VOTE_H
#define DEFIS_VOTE_H

#include "engine/common.h"
#include "engine/store.h"

/* Longest place name, in bytes. */
#define DEFIS_VOTE_PLACE_MAX 200

/* Records that PLACE of NETWORK supports CHALLENGE, in its own write transaction:
 * the place is created in that network if new, the vote journaled ("vote", by
 * ACTOR) and the challenge's score refreshed before the commit. Returns the new
 * vote's id, or 0 and sets ERROR:
 *   DEFIS_ERROR_INVALID    a place name that is empty, too long, not UTF-8,
 *                          with control characters or edge spaces
 *   DEFIS_ERROR_NOT_FOUND  no such network or challenge
 *   DEFIS_ERROR_CONFLICT   the place voted for this challenge already (a vote
 *                          counts once: a second is refused, not ignored), or
 *                          the challenge is merged (the message names the one
 *                          to vote for) or archived
 *   DEFIS_ERROR_BUSY       the write lock could not be had
 * A place that already supports the challenge through a survey may still vote;
 * it counts once either way. */
gint64 defis_vote_add(DefisStore *store, const char *network, const char *place,
                      gint64 challenge, const char *actor, GError **error);

#endif
