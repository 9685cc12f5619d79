/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rank.h - challenges in ranked order, and the mentions behind them. */
#ifndef DEFIS_RANK_H
#define DEFIS_RANK_H

#include "engine/common.h"
#include "engine/store.h"

/* The open challenges, most supported first (distinct places, then mentions),
 * at most LIMIT: a new JSON object {"challenges": [{id, rank, title, mentions,
 * places, networks}, …]}. */
json_t *defis_rank_list(DefisStore *store, gint64 limit, GError **error);

/* One stored mention, its strings borrowed for the duration of the callback. */
typedef struct {
    gint64 id;
    const char *network;
    const char *place;
    const char *text; /* original */
    gint64 challenge_id;
    const char *theme;  /* NULL when absent */
    gint64 importance;  /* 0 when absent */
    gint64 members;     /* -1 when absent */
    gint64 votes;       /* -1 when absent */
    gint64 survey_id;
    gint64 line;
} DefisMentionOut;

typedef gboolean (*DefisMentionFunc)(const DefisMentionOut *mention, gpointer data,
                                     GError **error);

/* Calls FUNC on every mention in id order, inside one read transaction; stops at
 * the first FALSE from FUNC and returns its error. */
gboolean defis_rank_each_mention(DefisStore *store, DefisMentionFunc func, gpointer data,
                                 GError **error);

#endif
