/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup_internal.h - what the files of the deduplication module share: dedup.c
 * (placement and the index), dedup_lead.c (the lead's decisions) and
 * dedup_rebuild.c. Not for other modules: they use dedup.h. */
#ifndef DEFIS_DEDUP_INTERNAL_H
#define DEFIS_DEDUP_INTERNAL_H

#include "engine/dedup.h"
#include "engine/dedup_store.h"
#include "engine/idmap.h"
#include "engine/text.h"

/* Representatives of one challenge, as read from the index. */
typedef struct {
    GPtrArray *features; /* of DefisFeatures */
    gsize bytes;         /* what they take in the cache */
    gboolean used;       /* asked for since the cache last made room */
} DefisDedupReps;

struct DefisDedup {
    DefisStore *store;
    DefisDedupSettings settings;
    DefisSimilarity similarity;
    DefisText *text;
    char *now;
    gboolean twins_complete; /* TWINS holds every twin: the store is not asked */
    DefisIdMap twins;    /* norm hash -> challenge id, placed in this transaction */
    GHashTable *reps;    /* challenge id -> DefisDedupReps */
    gsize reps_bytes;    /* the sum of their bytes */
    GHashTable *review;  /* rebuild only: "a:b" -> similarity, written at the end */
    DefisDf *df;         /* feature -> number of distinct texts having it */
    DefisBands *bands;   /* band key -> representatives */
    gint64 documents;    /* texts counted in the frequencies, these included */
};

/* A challenge as the lead's decisions read it. */
typedef struct {
    gint64 id;
    char *title;
    char *state;
    gint64 merged_into;
    gint64 mentions;
} DefisDedupChallenge;

/* ---- dedup.c: the index and the document frequencies ---------------------- */

/* FEATURE as a key of a DefisIdMap (which reserves 0). */
guint64 defis__dedup_map_key(guint64 feature);

/* Counts FEATURES as one more distinct text in the document frequencies. */
gboolean defis__dedup_count_document(DefisDedup *dedup, const DefisFeatures *features,
                                     GError **error);

/* Sets KEY to VALUE in TABLE, a GHashTable of boxed gint64 keys and values. */
void defis__dedup_put_id(GHashTable *table, gint64 key, gint64 value);

/* The representatives of CHALLENGE, weighed, from the cache or the index.
 * Borrowed from the cache, valid until the next call; NULL on a store error. */
DefisDedupReps *defis__dedup_reps_of(DefisDedup *dedup, gint64 challenge, GError **error);

/* Records that challenges X and Y came within the review margin (SIMILARITY):
 * in the store, or during a rebuild in memory until the ids are final. */
gboolean defis__dedup_note_review(DefisDedup *dedup, gint64 x, gint64 y, double similarity,
                                  GError **error);

/* A new open challenge titled TITLE; its id, or 0 on error. */
gint64 defis__dedup_create_challenge(DefisDedup *dedup, const char *title, GError **error);

/* Points the band keys of every representative of CHALLENGE at it, after
 * representatives moved there: in DEDUP's band index (the caller flushes it),
 * or when DEDUP is NULL in one of its own, flushed before returning. */
gboolean defis__dedup_reband(DefisStore *store, DefisDedup *dedup, gint64 challenge,
                             GError **error);

/* Makes MENTION a representative of CHALLENGE with FEATURES (stolen): stored,
 * banded, and added to the cache. */
gboolean defis__dedup_add_rep(DefisDedup *dedup, gint64 mention, gint64 challenge,
                              DefisFeatures *features, GError **error);

/* ---- dedup_lead.c: what the decisions and the rebuild share ---------------- */

void defis__dedup_challenge_clear(DefisDedupChallenge *c);

/* Reads challenge ID into C (cleared by the caller); DEFIS_ERROR_NOT_FOUND
 * when there is none. */
gboolean defis__dedup_challenge_get(DefisStore *store, gint64 id, DefisDedupChallenge *c,
                                    GError **error);

/* The same, and DEFIS_ERROR_CONFLICT (naming where it went) unless it is open. */
gboolean defis__dedup_open_challenge(DefisStore *store, gint64 id, DefisDedupChallenge *c,
                                     GError **error);

/* Runs statement SQL with ?1 = A and, when B is not 0, ?2 = B. */
gboolean defis__dedup_exec_id(DefisStore *store, DefisSql sql, gint64 a, gint64 b, GError **error);

/* The single integer that statement SQL returns with ?1 = A (?2 = B when not 0),
 * or -1 on error. */
gint64 defis__dedup_query_count(DefisStore *store, DefisSql sql, gint64 a, gint64 b,
                                GError **error);

/* Journals ACTION with PAYLOAD (stolen) and commits when OK, else rolls back:
 * the tail of every decision. Returns whether the decision was committed. */
gboolean defis__dedup_finish(DefisStore *store, const char *actor, const char *action,
                             json_t *payload, gboolean ok, GError **error);

#endif
