/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* mapping.h - which columns of one export give which canonical field. Internal to
 * the surveys layer.
 *
 * A mapping is resolved once per file from the header row, the profile, the
 * network's `--map FIELD=COLUMN` options and, for survey-tool exports, a sample
 * of the first rows (to tell option columns and free-text questions apart). */
#ifndef SURVEY_MAPPING_H
#define SURVEY_MAPPING_H

#include <jansson.h>

#include "surveys/profile.h"

/* Columns read in order, the first non-empty one giving the value (translations). */
#define SURVEY_MAX_ALTERNATIVES 8
typedef struct {
    int col[SURVEY_MAX_ALTERNATIVES];
    guint n;
} SurveyColumns;

/* Where one challenge of a row sits: one slot per challenge column, each with
 * its own theme and importance columns in the canonical wide shape (-1: none). */
typedef struct {
    int challenge;
    int theme;
    int importance;
    guint number;
} SurveySlot;

typedef enum {
    SURVEY_COLUMN_PLAIN,
    SURVEY_COLUMN_IGNORED, /* tool metadata */
    SURVEY_COLUMN_OPTION,  /* one option of a multi-select question */
    SURVEY_COLUMN_OTHER,   /* an "other" or comment text */
} SurveyColumnKind;

/* One --map FIELD=COLUMN. */
typedef struct {
    SurveyField field;
    char *column;
} SurveyMap;

/* Parses "FIELD=COLUMN" into MAP (MAP->column to be freed). SURVEY_ERROR_INVALID
 * naming the fields when SPEC is not such. */
gboolean survey_map_parse(const char *spec, SurveyMap *map, GError **error);

typedef struct {
    const SurveyProfile *profile; /* borrowed */
    guint ncols;
    char **names;  /* as written, trimmed */
    char **keys;   /* unique names, for the raw row */
    char **groups; /* per column: the multi-select question of an option column, or NULL */
    guint8 *kinds; /* SurveyColumnKind per column */
    SurveyColumns field[SURVEY_FIELD_COUNT]; /* not challenge: see slots */
    GArray *slots;         /* of SurveySlot, by number */
    GArray *theme_options; /* columns of the options of a multi-select theme, or NULL */
    gboolean guessed[SURVEY_FIELD_COUNT];
    gboolean transform; /* rows need work before use: missing values, quotes, HTML */
    guint8 *html;       /* per column: reduce HTML to text (when transform) */
    GPtrArray *notes;   /* of char *: what was guessed or assumed, for people */
} SurveyMapping;

void survey_mapping_clear(SurveyMapping *mapping);

/* Why a problem is reported: header problems name the header row. */
typedef void (*SurveyMappingProblem)(void *data, guint column, const char *field,
                                     const char *message);

/* Resolves MAPPING for PROFILE from the header NAMES (N cells), GROUPS (the cells
 * of the profile's group row, or NULL), SAMPLE (a GPtrArray of the first data
 * rows, each N strings) and MAPS (N_MAPS, applied first). Each problem goes to
 * PROBLEM (COLUMN is 0-based, G_MAXUINT for none); returns FALSE when there
 * was one. */
gboolean survey_mapping_resolve(SurveyMapping *mapping, const SurveyProfile *profile,
                                char **names, guint n, char **groups, GPtrArray *sample,
                                const SurveyMap *maps, guint n_maps,
                                SurveyMappingProblem problem, void *data);

/* The mapping for people and the report (a new reference):
 * {"place": ["Nom du lieu (column 3)"], "challenge": [...], ..., "notes": [...]}. */
json_t *survey_mapping_to_json(const SurveyMapping *mapping);

/* Whether VALUE is one of the profile's missing-value markers. */
gboolean survey_mapping_missing(const SurveyMapping *mapping, const char *value);

/* Reduces HTML in TEXT to plain text, in place (never longer): tags dropped,
 * <br>, </p>, </li>, </div> become line breaks, common entities decoded. */
void survey_html_to_text(char *text);

#endif
