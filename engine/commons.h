/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commons.h - the catalogue of commons: lifecycle stages, recognition, links to challenges, suggestions.
 *
 * A commons is at one stage. The lifecycle is ordered
 *
 *     idea  <  prototype  <  stable          dormant: out of the lifecycle
 *
 * A move forward (idea -> prototype -> stable, or out of dormant to any stage)
 * needs no note. A move back (stable -> prototype, stable or prototype -> idea)
 * and a move to dormant (the commons leaves the lifecycle) need a note saying
 * why: refused with DEFIS_ERROR_INVALID otherwise. Every stage a commons had is
 * kept with its date, actor and note; its creation is the first entry.
 *
 * A commons is *recognised* once `users` (places using it) reaches the
 * threshold of the scoring settings ([commons] recognised_users, 3 by
 * default); before that it is a *candidate*.
 *
 * A link says that a commons could answer a challenge. Links follow the
 * challenges through merges and splits (the defis_commons_links_* contract
 * below, called by engine/dedup.c inside its transaction).
 *
 * Every write here runs in its own write transaction and is journaled
 * ("commons.add", "commons.update", "commons.stage", "commons.import",
 * "link.add", "link.remove"), except the merge/split contract, which runs
 * inside the caller's transaction and is journaled by the caller. */
#ifndef DEFIS_COMMONS_H
#define DEFIS_COMMONS_H

#include "engine/common.h"
#include "engine/settings.h"
#include "engine/store.h"

/* Limits, in bytes. */
#define DEFIS_COMMONS_NAME_MAX 200
#define DEFIS_COMMONS_URL_MAX 2000
#define DEFIS_COMMONS_TEXT_MAX 4000 /* description, keywords, notes */
#define DEFIS_COMMONS_USERS_MAX 1000000
/* Most suggestions one call returns. */
#define DEFIS_COMMONS_SUGGEST_MAX 100

typedef enum {
    DEFIS_STAGE_IDEA,
    DEFIS_STAGE_PROTOTYPE,
    DEFIS_STAGE_STABLE,
    DEFIS_STAGE_DORMANT,
} DefisStage;

/* "idea", "prototype", "stable" or "dormant" (exactly) into *STAGE. */
gboolean defis_stage_parse(const char *name, DefisStage *stage);
const char *defis_stage_name(DefisStage stage);
/* Whether going FROM -> TO is a move back (or out of the lifecycle) that needs a note. */
gboolean defis_stage_needs_note(DefisStage from, DefisStage to);

/* The fields of a commons as a caller gives them: strings borrowed. On add, NAME
 * and STAGE are required and a NULL field is empty. On update, a NULL field is
 * left as it is and "" clears it; NAME is the new name (a rename) or NULL.
 * KEYWORDS is a list separated by commas (or semicolons), stored normalised as
 * "a, b, c" (trimmed, empty and repeated ones dropped). USERS -1: unchanged (0
 * on add). NOTE goes with a stage change (an import may change the stage). */
typedef struct {
    const char *name;
    const char *stage;
    const char *url;
    const char *description;
    const char *keywords;
    gint64 users;
    const char *note;
} DefisCommonsFields;

/* Checks FIELDS on their own (not against the store). On a problem returns FALSE,
 * sets *FIELD (may be NULL) to the name of the bad field ("name", "stage", "url",
 * "description", "keywords", "users", "note") and ERROR (DEFIS_ERROR_INVALID) to a
 * message without the field's name. ADDING requires name and stage. */
gboolean defis_commons_check(const DefisCommonsFields *fields, gboolean adding,
                             const char **field, GError **error);

/* Adds a commons (its first stage entry carries FIELDS->note, or none). Returns
 * its id, or 0 with ERROR: DEFIS_ERROR_INVALID ("FIELD: message"),
 * DEFIS_ERROR_CONFLICT when the name is taken (ASCII case ignored). */
gint64 defis_commons_add(DefisStore *store, const DefisCommonsFields *fields, const char *actor,
                         GError **error);

/* Updates the commons KEY (its name, or its id when no commons has that name and
 * KEY is a number) with the non-NULL FIELDS; a different FIELDS->stage is a stage
 * change (see defis_commons_set_stage). DEFIS_ERROR_NOT_FOUND for an unknown KEY,
 * DEFIS_ERROR_CONFLICT for a rename onto a taken name. */
gboolean defis_commons_update(DefisStore *store, const char *key, const DefisCommonsFields *fields,
                              const char *actor, GError **error);

/* Moves commons KEY to STAGE with NOTE (may be NULL unless the move needs one).
 * DEFIS_ERROR_INVALID for an unknown stage or a missing note,
 * DEFIS_ERROR_CONFLICT when it is at STAGE already. */
gboolean defis_commons_set_stage(DefisStore *store, const char *key, const char *stage,
                                 const char *note, const char *actor, GError **error);

/* The catalogue, by name: a new array of {id, name, stage, url, description,
 * keywords: [..], users, recognised, status ("recognised" or "candidate"), links,
 * created_at, updated_at}. STAGE (may be NULL) keeps one stage. SETTINGS (may be
 * NULL: the defaults) give the recognition threshold. */
json_t *defis_commons_list(DefisStore *store, const char *stage,
                           const DefisScoreSettings *settings, GError **error);

/* One commons as in the list, plus "recognised_users" (the threshold), "history":
 * [{stage, previous, at, actor, note}] oldest first, and "challenges": its linked
 * challenges best score first [{id, title, state, score, note, linked_at,
 * linked_by}]. DEFIS_ERROR_NOT_FOUND for an unknown KEY. */
json_t *defis_commons_get(DefisStore *store, const char *key, const DefisScoreSettings *settings,
                          GError **error);

/* The whole catalogue as a file holds it: a new object {"commons": [{name, stage,
 * url, description, keywords: [..], users}]}, by name; empty fields are null. */
json_t *defis_commons_export(DefisStore *store, GError **error);

typedef struct {
    gint64 added;
    gint64 updated;
    gint64 unchanged;
    gint64 stage_changes;
} DefisCommonsImportReport;

/* Imports N rows in one transaction, idempotent on names: a new name is added,
 * a known one updated with the fields given (NULL fields left as they are), a
 * row that changes nothing counts as unchanged and writes nothing. Rows are
 * checked with defis_commons_check first. On any problem nothing is written,
 * *BAD_ROW is set to the row's index and *BAD_FIELD to the field's name, and
 * ERROR holds the message without them. A name given twice is a problem too. */
gboolean defis_commons_import(DefisStore *store, const DefisCommonsFields *rows, gsize n,
                              const char *actor, DefisCommonsImportReport *report,
                              gsize *bad_row, const char **bad_field, GError **error);

/* ---- Links ---------------------------------------------------------------- */

/* Links challenge CHALLENGE to commons KEY with NOTE (may be NULL). The challenge
 * must exist and be open. DEFIS_ERROR_NOT_FOUND for an unknown challenge or
 * commons, DEFIS_ERROR_CONFLICT when already linked or the challenge is not open. */
gboolean defis_commons_link(DefisStore *store, gint64 challenge, const char *key,
                            const char *note, const char *actor, GError **error);

/* Removes that link; DEFIS_ERROR_NOT_FOUND when there is none. */
gboolean defis_commons_unlink(DefisStore *store, gint64 challenge, const char *key,
                              const char *actor, GError **error);

/* The commons linked to CHALLENGE, by name: a new array of {id, name, stage,
 * users, recognised, status, note, linked_at, linked_by}. Runs in the caller's
 * transaction if one is open. DEFIS_ERROR_NOT_FOUND for an unknown challenge. */
json_t *defis_commons_of_challenge(DefisStore *store, gint64 challenge,
                                   const DefisScoreSettings *settings, GError **error);

/* Commons whose name, description or keywords resemble CHALLENGE's title and
 * mention texts, through the text pipeline of deduplication (text.h): for each
 * commons, the best similarity of one of the challenge's texts to its name,
 * its description, its keywords together or one keyword. Commons already linked
 * are left out, as are those under 0.05. A new object {challenge: {id, title},
 * suggestions: [{id, name, stage, users, similarity, matched}]}, most similar
 * first (then by name), at most LIMIT (1..DEFIS_COMMONS_SUGGEST_MAX).
 * DEFIS_ERROR_NOT_FOUND for an unknown challenge. */
json_t *defis_commons_suggest(DefisStore *store, gint64 challenge, gint64 limit, GError **error);

/* ---- Links through merges and splits (called by engine/dedup.c) -----------
 * Each runs inside the caller's open write transaction, after the mentions
 * moved, and writes nothing to the journal (the caller journals its decision). */

/* The links of SOURCE move to TARGET; a commons TARGET was linked to already
 * keeps TARGET's link, once. Every link SOURCE had is recorded under MERGE_ID
 * (the merge_log id), with whether TARGET had it. */
gboolean defis_commons_links_merge(DefisStore *store, gint64 merge_id, gint64 target,
                                   gint64 source, GError **error);

/* Undoes merge MERGE_ID: the links that came from SOURCE leave TARGET, and
 * SOURCE gets back exactly the links it had (note, date and actor included).
 * Links TARGET had before the merge, or got since, stay. A second call does
 * nothing. */
gboolean defis_commons_links_unmerge(DefisStore *store, gint64 merge_id, gint64 target,
                                     gint64 source, GError **error);

/* The new challenge TO gets a copy of FROM's links (same notes, dates, actors). */
gboolean defis_commons_links_split(DefisStore *store, gint64 from, gint64 to, GError **error);

#endif
