/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* profile.h - survey-tool profiles: how one tool's export maps onto the canonical fields.
 *
 * A profile is a GKeyFile (.ini) shipped in surveys/profiles/, one per tool, or
 * given by a network with `--profile FILE`. It says which header row holds the
 * column names, the delimiter, how missing values are written, which columns to
 * ignore, how multi-select and "other" columns look, and which columns may hold
 * each canonical field (place, challenge, theme, importance, members, votes),
 * as case-insensitive globs on the header text. The canonical CSV is itself a
 * profile ("canonical"), so every CSV goes the same way. The format of the file
 * is described in README.md ("Writing a profile"). */
#ifndef SURVEY_PROFILE_H
#define SURVEY_PROFILE_H

#include <glib.h>

typedef enum {
    SURVEY_FIELD_PLACE,
    SURVEY_FIELD_CHALLENGE,
    SURVEY_FIELD_THEME,
    SURVEY_FIELD_IMPORTANCE,
    SURVEY_FIELD_MEMBERS,
    SURVEY_FIELD_VOTES,
    SURVEY_FIELD_RESPONDENT, /* the response's own id: folds rows, stands in for the place */
    SURVEY_FIELD_COUNT,
} SurveyField;

/* The field's name as written in profiles, `--map` and reports. */
const char *survey_field_name(SurveyField field);
/* FALSE when NAME is not a field. */
gboolean survey_field_parse(const char *name, SurveyField *field);

typedef struct {
    char *name;        /* "kobotoolbox": [a-z0-9-]+ */
    char *tool;        /* "KoboToolbox", for people */
    char *path;        /* the file it came from, NULL when built in */
    gboolean canonical; /* the canonical header rules (place, challenge, challenge_N…) */

    /* Detection: every term of DETECT must match a cell of the header row, and
     * DETECT_FIRST (NULL: no rule) its first cell. A term is alternatives
     * separated by '|', each a glob. */
    char **detect;
    char *detect_first;

    guint header_row;  /* 1-based row holding the column names */
    guint group_row;   /* row holding question names above option columns, 0: none */
    char *skip_prefix; /* data rows whose every non-empty cell starts with it are skipped */
    char delimiter;    /* 0: detect */

    char **missing;  /* values that mean "no answer" (case-insensitive) */
    char **ignore;   /* globs: meta columns, never a field unless mapped */
    char **other;    /* globs: "other"/comment text columns, kept in the raw row */
    char **selected; /* values of an option column that mean "chosen" */
    char option_separator; /* "question/option" columns; 0: none */
    gboolean option_brackets; /* "question[option]" columns */
    char **html;     /* globs: columns whose HTML is reduced to text */

    gboolean formula_quote;   /* a leading ' before = + - @ was added by the tool: drop it */
    gboolean guess_challenges; /* no challenge column found: take the free-text questions */
    gboolean challenge_first;  /* several challenge columns are one challenge (locales) */
    gboolean place_fallback;   /* no place: the respondent stands in ("Tool #id") */
    gboolean fold;             /* consecutive rows of the same respondent are one */

    char **fields[SURVEY_FIELD_COUNT]; /* globs by field, in order of preference */
} SurveyProfile;

void survey_profile_free(SurveyProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SurveyProfile, survey_profile_free)

/* Loads and checks a profile from DATA (LENGTH bytes, -1: NUL-terminated); NAME
 * names it in messages. Fails with SURVEY_ERROR_INVALID as "NAME:LINE: what is
 * wrong" for a syntax error, an unknown group or key, or a bad value. */
SurveyProfile *survey_profile_load_data(const char *data, gssize length, const char *name,
                                        GError **error);
/* The same from the file at PATH (SURVEY_ERROR_IO when it cannot be read). */
SurveyProfile *survey_profile_load_file(const char *path, GError **error);

/* The shipped profiles, loaded once from $DEFIS_PROFILES_DIR, the source tree,
 * or <prefix>/share/defis/profiles beside the binary; "canonical" is always
 * among them, first. The array and the profiles are borrowed for the life of
 * the program. Fails when a shipped profile has a mistake. */
const GPtrArray *survey_profiles_builtin(GError **error);
/* The shipped profile NAME, or NULL (borrowed). */
const SurveyProfile *survey_profiles_find(const GPtrArray *profiles, const char *name);

/* How well PROFILE recognises the header row NAMES (N cells): 0 when it does
 * not, else the number of its detection terms that matched. */
guint survey_profile_score(const SurveyProfile *profile, char **names, guint n);

/* Whether NAME (any case) matches one of the case-folded GLOBS. FOLDED is NAME
 * already case-folded, or NULL. */
gboolean survey_globs_match(char **globs, const char *name, const char *folded);

#endif
