/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* score.h - challenge scores by votes and reach, kept fresh inside the writes that change them.
 *
 * The model (README.md, "Scoring"):
 *
 *   supporting place   a place with a mention of the challenge or a vote for it;
 *                      counted once however many mentions, surveys or votes it has
 *   anonymous(c, n)    the most supporters a survey tool counted (`votes` column)
 *                      on one mention of c in network n: supporters beside the
 *                      places, counted once per network (a maximum, not a sum, so
 *                      two exports of the same count never add up)
 *   N(n)               respondents of network n: the most any of its surveys
 *                      declared, or its known places when there are more
 *   k(c, n)            min(N(n), supporting places of c in n + anonymous(c, n))
 *   lower(c, n)        Wilson lower bound of k/N at z (0 when k or N is 0)
 *   factor(c)          1 + s × (ī − 3) / 2, ī the mean over the supporting places
 *                      that gave one of each place's highest importance (1–5),
 *                      s the importance strength; 1 when none gave one
 *   score(c)           (Σ over n, by network id, of weight(n) × lower(c, n)) × factor(c),
 *                      or 0 when c has fewer places or networks than the minimum reach
 *   votes(c)           supporting places + Σ anonymous(c, n)
 *   reach(c)           networks, places, people (Σ members of the supporting places)
 *
 * Scores are derived only from the current mention and vote rows, so whatever
 * moves a mention or a vote (a merge, an unmerge, a split) gets exact numbers
 * back by calling defis_score_refresh on the challenges it changed. Stored
 * scores use the default settings (settings.h); other settings are previews. */
#ifndef DEFIS_SCORE_H
#define DEFIS_SCORE_H

#include "engine/common.h"
#include "engine/settings.h"
#include "engine/store.h"

/* The Wilson score interval's lower bound for K successes among N at Z:
 * (p + z²/2N − z √(p(1−p)/N + z²/4N²)) / (1 + z²/N) with p = K/N. 0 when K <= 0
 * or N <= 0; K above N counts as N. */
double defis_score_wilson_lower(gint64 k, gint64 n, double z);

/* The importance factor 1 + STRENGTH × (SUM/COUNT − 3) / 2; 1 when COUNT is 0. */
double defis_score_importance_factor(gint64 importance_sum, gint64 importance_count,
                                     double strength);

/* Recomputes the stored score of each of the N challenges in IDS (repeats and
 * challenges left without mentions allowed: their rows go) from their current
 * mentions and votes. Must run inside the caller's open write transaction, after
 * the change that touched them (an import, a vote, a merge, a split).
 * Also notices what changed under other challenges' scores since the last
 * refresh, and updates them: a network's respondents N (a survey declaring more,
 * new places), a place's members. Set-based: one pass over the mentions of the
 * challenges named, not over the store. */
gboolean defis_score_refresh(DefisStore *store, const gint64 *ids, gsize n, GError **error);

/* The same after survey SURVEY was imported, on the challenges it added
 * mentions to: WORDED, those it gave a wording they did not have, and IDS, the
 * others (the two may overlap). An import only adds mentions, so only WORDED
 * have new search texts; the others' new theme labels come from SURVEY's own
 * mentions. Gives what defis_score_refresh on both gives, reading less. */
gboolean defis_score_refresh_survey(DefisStore *store, gint64 survey, const gint64 *ids, gsize n,
                                    const gint64 *worded, gsize n_worded, GError **error);

/* Recomputes every stored score from scratch, within the caller's open write
 * transaction: full scans of the mentions instead of lookups by challenge, for
 * when most challenges changed (a bulk import). Returns the number of
 * challenges scored, or -1 and sets ERROR. */
gint64 defis_score_refresh_all(DefisStore *store, GError **error);

/* Recomputes every stored score from scratch in its own write transaction,
 * journaled as "rescore" by ACTOR. Gives the numbers the incremental refreshes
 * give. Returns the number of challenges scored, or -1 and sets ERROR. */
gint64 defis_score_rescore_all(DefisStore *store, const char *actor, GError **error);

/* What one challenge's score is made of. SETTINGS NULL means the stored
 * (default) settings, and then "score" is the stored score. A new object:
 * {id, title, state, merged_into?, settings_version, score, votes, mentions,
 *  reach: {networks, places, people}, themes: [label…],
 *  mention_list: [{id, network, place, text, theme, importance, votes, survey, line}],
 *  vote_list: [{id, network, place, at, actor}], breakdown: see below}.
 * Fails with DEFIS_ERROR_NOT_FOUND for an unknown ID, DEFIS_ERROR_INVALID when
 * SETTINGS weigh a network that does not exist. */
json_t *defis_score_explain(DefisStore *store, gint64 id, const DefisScoreSettings *settings,
                            GError **error);

/* The theme labels of challenge ID (as first written), a new JSON array; NULL
 * on a store error. */
json_t *defis_score_themes_of(DefisStore *store, gint64 id, GError **error);

/* ---- Computing under given settings (ranking previews, breakdowns) -------- */

typedef struct DefisScoreContext DefisScoreContext;

/* One network's support of one challenge, as stored. */
typedef struct {
    gint64 network_id;
    gint64 k; /* supporters counted, at most n */
    gint64 n; /* respondents */
} DefisNetworkSupport;

/* What a challenge's factor and minimum reach depend on. */
typedef struct {
    gint64 places;
    gint64 networks;
    gint64 importance_sum;
    gint64 importance_count;
} DefisScoreSums;

/* SETTINGS (borrowed, must outlive the context; NULL: the defaults) with the
 * store's networks. Fails with DEFIS_ERROR_INVALID when SETTINGS weigh an
 * unknown network. */
DefisScoreContext *defis_score_context_new(DefisStore *store, const DefisScoreSettings *settings,
                                           GError **error);
void defis_score_context_free(DefisScoreContext *context);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisScoreContext, defis_score_context_free)

/* Borrowed. */
const DefisScoreSettings *defis_score_context_settings(const DefisScoreContext *context);
/* The id of network NAME, or 0. */
gint64 defis_score_context_network_id(const DefisScoreContext *context, const char *name);
/* Whether some network is in REGION. */
gboolean defis_score_context_has_region(const DefisScoreContext *context, const char *region);

/* The score of a challenge with N network ROWS (in network id order) and SUMS. */
double defis_score_compute(const DefisScoreContext *context, const DefisNetworkSupport *rows,
                           gsize n, const DefisScoreSums *sums);

/* The breakdown of challenge ID from its stored rows, under the context's
 * settings: a new object {z, networks: [{network_id, network, k, places,
 * anonymous, people, n, lower_bound, weight, contribution}], sum, importance:
 * {mean, count, strength, factor}, min_places, min_networks, eligible, score}
 * where score = eligible ? sum × factor : 0 and sum adds the contributions in
 * their order: it reproduces the score exactly. SUMS as stored. */
json_t *defis_score_breakdown(DefisScoreContext *context, gint64 id, const DefisScoreSums *sums,
                              GError **error);

#endif
