/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* shortlist.h - frozen, ranked selections for campaigns: freeze, canonical JSON and its hash, diff.
 *
 * A shortlist is the top N open challenges under filters, built on
 * defis_rank_query, each entry with its score breakdown and its candidate
 * commons at their stages. Freezing stores its *content* once, as canonical JSON:
 *
 *   {"format": "defis-shortlist/1", "name", "filters": {stages, theme, network,
 *    min_networks, limit, unserved}, "settings": {…, version}, "settings_version",
 *    "entries": [{rank, challenge_id, title, score, votes, mentions,
 *    reach: {networks, places, people}, themes, breakdown,
 *    commons: [{name, stage, users, recognised}]}]}
 *
 * written with sorted keys, no spaces, integers as integers and reals with 17
 * significant digits (exact round trip), UTF-8 as is. The SHA-256 is that of
 * those bytes exactly: the id, the time of freezing and the actor are outside
 * the hashed content, so the same content always gives the same hash. The
 * content names challenges by id and commons by name.
 *
 * A stored shortlist never changes: the store refuses any UPDATE or DELETE of
 * it (triggers), and reading it returns the stored bytes. */
#ifndef DEFIS_SHORTLIST_H
#define DEFIS_SHORTLIST_H

#include "engine/common.h"
#include "engine/settings.h"
#include "engine/store.h"

#define DEFIS_SHORTLIST_LIMIT_DEFAULT 20
#define DEFIS_SHORTLIST_LIMIT_MAX 1000
#define DEFIS_SHORTLIST_FORMAT "defis-shortlist/1"

/* What to freeze. Strings are borrowed for the call; NULL (or 0) leaves a filter out. */
typedef struct {
    const char *name;           /* required, 1..200 bytes */
    const char *const *stages;  /* NULL-terminated: keep challenges linked to a commons at
                                   one of these stages; NULL or empty: any */
    const char *theme;          /* as defis_rank_query */
    const char *network;        /* as defis_rank_query */
    gint64 min_networks;        /* as defis_rank_query */
    gint64 limit;               /* 1..DEFIS_SHORTLIST_LIMIT_MAX; 0: the default */
    gboolean unserved;          /* keep challenges no commons at prototype or stable answers */
    const DefisScoreSettings *settings; /* NULL: the stored (default) settings */
} DefisShortlistQuery;

/* The content QUERY would freeze now, without storing it (a new object, as above).
 * Runs in the caller's transaction if one is open. DEFIS_ERROR_INVALID with the
 * parameter's name ("stage: …", "limit: …", "network: …") for a bad query. */
json_t *defis_shortlist_build(DefisStore *store, const DefisShortlistQuery *query,
                              GError **error);

/* The canonical bytes of CONTENT (see above). Caller frees. */
char *defis_shortlist_canonical(const json_t *content);

/* Builds and stores a shortlist in one write transaction, journaled
 * ("shortlist.create") by ACTOR. Returns its id, or 0 with ERROR. */
gint64 defis_shortlist_create(DefisStore *store, const DefisShortlistQuery *query,
                              const char *actor, GError **error);

/* The stored canonical bytes of shortlist ID (caller frees), and its SHA-256 in
 * *SHA256 (may be NULL; caller frees). NULL with DEFIS_ERROR_NOT_FOUND. */
char *defis_shortlist_content(DefisStore *store, gint64 id, char **sha256, GError **error);

/* Shortlist ID: a new object {id, name, created_at, actor, sha256,
 * settings_version, shortlist: CONTENT}. DEFIS_ERROR_NOT_FOUND. */
json_t *defis_shortlist_get(DefisStore *store, gint64 id, GError **error);

/* Every shortlist, oldest first: a new object {"shortlists": [{id, name,
 * created_at, actor, settings_version, entries, sha256}]}. */
json_t *defis_shortlist_list(DefisStore *store, GError **error);

/* What changed from shortlist A to shortlist B: a new object {from: {id, name,
 * sha256}, to: {…}, entered: [{challenge_id, title, rank}] (in B only, by rank in
 * B), left: [{challenge_id, title, rank}] (in A only, by rank in A), up and down:
 * [{challenge_id, title, from, to, by}] (in both, rank changed; by = how many
 * places), unchanged: N}. DEFIS_ERROR_NOT_FOUND for an unknown id. */
json_t *defis_shortlist_diff(DefisStore *store, gint64 a, gint64 b, GError **error);

#endif
