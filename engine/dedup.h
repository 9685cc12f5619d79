/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup.h - one challenge for every way places write it: placement, rebuild, and the lead's decisions.
 *
 * A new mention joins the challenge it is closest to, or founds a new one:
 *   1. a mention whose folded text equals an earlier mention's joins that one's
 *      challenge (most repeats end here, at the cost of one index lookup);
 *   2. otherwise its features (text.h) are signed (minhash.h) and the LSH band
 *      keys of the challenges' representatives give a few candidate challenges;
 *   3. each candidate is scored by the mean similarity of the mention to its
 *      representatives (up to max_reps mentions of distinct wording): a mention
 *      joins a challenge because it is close to the challenge as a whole, not to
 *      one outlying member, so clusters do not chain;
 *   4. the best candidate at or above the threshold wins; candidates within the
 *      review margin below it become review pairs for a lead.
 *
 * The index (representatives, their features and band keys) lives in SQLite
 * beside the mentions and is updated in the import's own transaction, so
 * opening a store costs nothing and an import never rebuilds anything.
 *
 * A lead's merge, split or dismissal locks the mentions of the challenges it
 * touches: a rebuild reclusters only unlocked mentions, so every decision
 * survives every later import and rebuild. */
#ifndef DEFIS_DEDUP_H
#define DEFIS_DEDUP_H

#include "engine/common.h"
#include "engine/store.h"

typedef struct {
    double threshold;     /* joins at or above this similarity */
    double review_margin; /* pairs within this much below it go to review */
    guint max_reps;       /* representatives kept per challenge */
    guint max_candidates; /* candidate challenges verified per mention */
    double word_weight;   /* kind weights of the similarity (text.h) */
    double pair_weight;
    double ngram_weight;
} DefisDedupSettings;

/* The documented defaults: threshold 0.25, margin 0.10, 8 representatives, 8
 * candidates, weights 0.5 / 0.1 / 0.4. */
void defis_dedup_settings_default(DefisDedupSettings *settings);

/* The settings file's [dedup] group (engine/settings.h) fills these. */

typedef struct DefisDedup DefisDedup;

/* A placement context for one write transaction (an import, a rebuild): it
 * holds the text pipeline and caches. SETTINGS NULL means the defaults. */
DefisDedup *defis_dedup_new(DefisStore *store, const DefisDedupSettings *settings,
                            GError **error);
void defis_dedup_free(DefisDedup *dedup);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisDedup, defis_dedup_free)

/* Where a new mention goes. */
typedef struct {
    gint64 challenge_id;
    gboolean created;   /* a new challenge, titled with the mention's text */
    gboolean worded;    /* not an exact twin: a wording the challenge did not have */
    gboolean represent; /* the mention becomes one of its representatives */
    gpointer features;  /* owned by the placement until defis_dedup_placed */
} DefisPlacement;

/* The 64-bit hash of a folded text, as stored in mention.norm_hash. */
gint64 defis_dedup_norm_hash(const char *norm);

/* Chooses the challenge of a mention with original TEXT and folded NORM, creating
 * it when none is close enough. Inside the caller's write transaction. Then the
 * caller stores the mention and calls defis_dedup_placed with its id. */
gboolean defis_dedup_place(DefisDedup *dedup, const char *text, const char *norm,
                           DefisPlacement *placement, GError **error);
gboolean defis_dedup_placed(DefisDedup *dedup, gint64 mention_id, DefisPlacement *placement,
                            GError **error);
/* Writes what this context counted (the document frequencies of the texts it
 * placed) to the store, inside the caller's transaction: call it before
 * committing. */
gboolean defis_dedup_flush(DefisDedup *dedup, GError **error);

/* Reads the wording of every stored mention into memory, so that placing a
 * mention no longer asks the store for its exact twins (mention.norm_hash may
 * then be dropped until the commit). Costs 16-32 bytes a distinct wording. */
gboolean defis_dedup_load_twins(DefisDedup *dedup, GError **error);

/* Frees what PLACEMENT holds when the mention could not be stored. */
void defis_dedup_placement_clear(DefisPlacement *placement);

/* ---- Rebuild and review -------------------------------------------------- */

typedef struct {
    gint64 mentions;   /* unlocked mentions reclustered */
    gint64 locked;     /* mentions kept where leads put them */
    gint64 challenges; /* open challenges after the rebuild */
    gint64 reused;     /* challenges that kept their id */
    gint64 archived;   /* former challenges left empty */
} DefisRebuildReport;

/* Reclusters every unlocked mention from scratch in a canonical order (by
 * folded text, then text, network and place), so that the same data gives the
 * same challenges whatever the order it was imported in. A new challenge keeps
 * the id of the former challenge it shares most mentions with; a former
 * challenge left empty is archived and points to where most of its mentions
 * went. One transaction; journaled. */
gboolean defis_dedup_rebuild(DefisStore *store, const DefisDedupSettings *settings,
                             const char *actor, DefisRebuildReport *report, GError **error);

/* The review queue: open, undismissed pairs of challenges whose similarity came
 * near the threshold, most similar first: a new JSON object {"pairs": [{a: {id,
 * title, mentions}, b: {…}, similarity}]}. */
json_t *defis_dedup_review(DefisStore *store, gint64 limit, GError **error);

/* "A and B are different": the pair leaves the queue for good, and both
 * challenges' mentions are locked. */
gboolean defis_dedup_dismiss(DefisStore *store, gint64 a, gint64 b, const char *actor,
                             GError **error);

/* Moves every mention and vote of each SOURCE into TARGET (the sources become
 * 'merged' into it) and locks them. Each source is one merge, undone by
 * defis_dedup_unmerge. Returns the merge ids as a new JSON array, or NULL. */
json_t *defis_dedup_merge(DefisStore *store, gint64 target, const gint64 *sources, gsize n,
                          const char *actor, GError **error);

/* Undoes the last merge of SOURCE exactly: its mentions and votes go back, the
 * lock flags they had return. Refused (DEFIS_ERROR_CONFLICT) when some of them
 * have left the target since. */
gboolean defis_dedup_unmerge(DefisStore *store, gint64 source, const char *actor,
                             GError **error);

/* Moves the N mentions in IDS (all of one challenge, not all of it) to a new
 * challenge; returns its id, or 0. Both challenges are locked and dismissed as
 * a pair. */
gint64 defis_dedup_split(DefisStore *store, const gint64 *ids, gsize n, const char *actor,
                         GError **error);

#endif
