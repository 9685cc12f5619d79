/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* settings.h - the scoring settings: z, network weights, importance, minimum reach, and their version.
 *
 * Settings come from a GKeyFile `.ini`:
 *
 *     [score]
 *     z = 1.96            # Wilson z, > 0 and <= 10
 *     importance = 0.5    # strength s of the importance factor, 0..1
 *     min_places = 1      # fewer supporting places: the score is 0
 *     min_networks = 1    # fewer supporting networks: the score is 0
 *
 *     [weights]
 *     default = 1         # every network not named below, >= 0
 *     Occitanie = 2       # a network, by name
 *
 *     [commons]
 *     recognised_users = 3  # a commons used by this many places is recognised
 *
 *     [dedup]               # how mentions are grouped (engine/dedup.h); used by
 *     threshold = 0.25      # imports and `defis dedup --rebuild`, not by previews
 *     review_margin = 0.10
 *     max_representatives = 8
 *     max_candidates = 8
 *     word_weight = 0.5
 *     pair_weight = 0.1
 *     ngram_weight = 0.4
 *
 * Every key is optional; a missing one keeps its default. Stored scores always
 * use the defaults; a file only previews another ranking. */
#ifndef DEFIS_SETTINGS_H
#define DEFIS_SETTINGS_H

#include "engine/common.h"
#include "engine/dedup.h"

#define DEFIS_SETTINGS_Z 1.96
#define DEFIS_SETTINGS_IMPORTANCE 0.5
/* Places using a commons for it to be recognised rather than a candidate. */
#define DEFIS_SETTINGS_RECOGNISED_USERS 3

/* Read-only once made: build them with defis_settings_new_default, _load or _parse. */
typedef struct {
    double z;              /* > 0 */
    double importance;     /* 0..1 */
    gint64 min_places;     /* >= 0 */
    gint64 min_networks;   /* >= 0 */
    double default_weight; /* >= 0 */
    gint64 recognised_users; /* >= 0: [commons] recognised_users (engine/commons.h) */
    DefisDedupSettings dedup; /* [dedup]: how mentions are grouped (engine/dedup.h) */
    GHashTable *weights;   /* network name -> double *, owned */
    GHashTable *lines;     /* "group/key" -> line (GINT_TO_POINTER), owned; may be NULL */
    char *source;          /* the file the settings came from, or NULL */
    char *version;         /* see defis_settings_version */
} DefisScoreSettings;

/* The defaults: z 1.96, importance 0.5, minimum reach 1 place and 1 network, every
 * network weighing 1. Never NULL. */
DefisScoreSettings *defis_settings_new_default(void);

/* Reads the settings file PATH. Fails with DEFIS_ERROR_INVALID and a message
 * "PATH:LINE: [group] key: what is wrong" for a syntax error, an unknown group
 * or key, a repeated key or a value out of range; with DEFIS_ERROR_NOT_FOUND
 * when the file cannot be read. */
DefisScoreSettings *defis_settings_load(const char *path, GError **error);

/* The same for LENGTH bytes of DATA (-1: NUL-terminated); NAME stands for the
 * file in messages. */
DefisScoreSettings *defis_settings_parse(const char *data, gssize length, const char *name,
                                         GError **error);

void defis_settings_free(DefisScoreSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisScoreSettings, defis_settings_free)

/* The weight of network NAME. */
double defis_settings_weight(const DefisScoreSettings *settings, const char *name);

/* The version of SETTINGS: 16 hex digits of the SHA-256 of their canonical form
 * (every value in a fixed order, shortest round-trip decimals, weights equal to
 * the default left out, recognised_users only when not the default), so equal settings have equal versions whatever the file
 * looked like. Borrowed. */
const char *defis_settings_version(const DefisScoreSettings *settings);

/* The canonical form itself, a new JSON object {z, importance, min_places,
 * min_networks, weights: {default, NAME…}, recognised_users?, version}. */
json_t *defis_settings_to_json(const DefisScoreSettings *settings);

/* Checks that every network SETTINGS weighs exists: FUNC returns TRUE for a known
 * name. Fails with DEFIS_ERROR_INVALID naming the file, line and key. */
gboolean defis_settings_check_networks(const DefisScoreSettings *settings,
                                       gboolean (*known)(const char *name, gpointer data),
                                       gpointer data, GError **error);

#endif
