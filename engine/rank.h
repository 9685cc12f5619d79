/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rank.h - challenges in ranked order (filters, cursors, previews), and the mentions behind them.
 */
#ifndef DEFIS_RANK_H
#define DEFIS_RANK_H

#include "engine/common.h"
#include "engine/settings.h"
#include "engine/store.h"

/* The page size when a query names none, and the largest one allowed. */
#define DEFIS_RANK_LIMIT_DEFAULT 20
#define DEFIS_RANK_LIMIT_MAX 10000
/* Longest theme, network, region or search text, in bytes. */
#define DEFIS_RANK_TEXT_MAX 200

/* One ranked query. Strings are borrowed for the call; NULL (or 0) leaves a
 * filter out. The HTTP layer fills this from a query string as is: every field
 * is checked here. */
typedef struct {
    const char *theme;   /* challenges with a mention of this theme (compared folded) */
    const char *network; /* challenges supported in this network (its name) */
    const char *region;  /* challenges supported in a network of this region */
    gint64 min_networks; /* at least this many supporting networks (0..1000000) */
    gint64 min_places;   /* at least this many supporting places (0..1000000) */
    const char *search;  /* words of the titles or mentions (each a prefix, all needed) */
    const char *after;   /* the "next" cursor of the previous page; NULL: first page */
    gint64 limit;        /* 1..DEFIS_RANK_LIMIT_MAX; 0: DEFIS_RANK_LIMIT_DEFAULT */
    gboolean breakdown;  /* add each challenge's score breakdown */
    const DefisScoreSettings *settings; /* NULL: the stored scores (default settings) */
} DefisRankQuery;

/* The open challenges that pass QUERY's filters, best score first (ties: lower
 * id first), one page: a new object
 *   {"settings_version": V, "challenges": [{id, rank, title, score, votes,
 *    mentions, reach: {networks, places, people}, themes: [...], breakdown?}],
 *    "next": CURSOR or null}.
 * The cursor is opaque; it holds the (score, id) of the page's last challenge,
 * so the next page starts right after it whatever was inserted meanwhile. It is
 * only valid for the same filters and settings.
 * With SETTINGS, scores are computed from the stored per-network counts under
 * them (a preview: nothing is written).
 * Fails with DEFIS_ERROR_INVALID and a message starting with the parameter's
 * name ("network: …", "after: …") for a bad filter, limit or cursor; unknown
 * networks and regions are bad filters. */
json_t *defis_rank_query(DefisStore *store, const DefisRankQuery *query, GError **error);

/* One stored mention, its strings borrowed for the duration of the callback. */
typedef struct {
    gint64 id;
    const char *network;
    const char *place;
    const char *text; /* original */
    gint64 challenge_id;
    const char *theme; /* NULL when absent */
    gint64 importance; /* 0 when absent */
    gint64 members;    /* -1 when absent */
    gint64 votes;      /* -1 when absent */
    gint64 survey_id;
    gint64 line;
} DefisMentionOut;

typedef gboolean (*DefisMentionFunc)(const DefisMentionOut *mention, gpointer data, GError **error);

/* Calls FUNC on every mention with an id above AFTER (0: all), in id order,
 * inside one read transaction; stops at the first FALSE from FUNC and returns
 * its error (none when FUNC stopped without one). */
gboolean defis_rank_each_mention(DefisStore *store, gint64 after, DefisMentionFunc func,
                                 gpointer data, GError **error);

/* MENTION as the JSON object that exports and the service show: mention_id,
 * network, place, text, challenge_id, theme, survey_id, line, importance,
 * members, votes (absent values null). A new reference. */
json_t *defis_rank_mention_json(const DefisMentionOut *mention);

/* The number of open challenges (neither merged nor archived), or -1 and sets
 * ERROR. */
gint64 defis_rank_count_open(DefisStore *store, GError **error);

#endif
