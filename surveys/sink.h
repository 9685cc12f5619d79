/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* sink.h - where the survey readers put what they read: mentions to the engine,
 * problems to the report. Internal to the surveys layer.
 *
 * The first problem aborts the engine's transaction (nothing is written, the
 * write lock is released) and the readers go on only to list further problems. */
#ifndef SURVEY_SINK_H
#define SURVEY_SINK_H

#include "engine/ingest.h"
#include "surveys/import.h"
#include "surveys/mapping.h"

typedef struct {
    DefisIngest *ingest; /* NULL once a problem was found */
    SurveyReport *report;
    const SurveyLimits *limits;
    GError *fatal; /* a failure that stops reading (store, I/O, limit) */
    gboolean dry_run; /* mentions go to report->preview, nothing to the engine */
} SurveySink;

/* Which profile reads a tabular file, and the network's --map options. */
typedef struct {
    const GPtrArray *profiles;   /* the shipped ones, for detection */
    const SurveyProfile *forced; /* NULL: detect */
    const char *forced_how;      /* "given" or "file" */
    const SurveyMap *maps;
    guint n_maps;
} SurveySelection;

/* Records a problem at LINE:COLUMN in FIELD (may be NULL). */
void survey_sink_problem(SurveySink *sink, guint64 line, guint64 column, const char *field,
                         const char *format, ...) G_GNUC_PRINTF(5, 6);

/* Passes one mention to the engine unless a problem was found already. Returns
 * FALSE when reading must stop (sink->fatal is set). */
gboolean survey_sink_mention(SurveySink *sink, const DefisMentionIn *mention);

/* Whether reading should go on: no fatal error and room for more problems. */
gboolean survey_sink_go_on(const SurveySink *sink);

/* Parses TEXT (surrounding blanks allowed) as an integer in [MIN, MAX]. */
gboolean survey_parse_int(const char *text, gint64 min, gint64 max, gint64 *value);

/* Whether TEXT holds anything but white space. */
gboolean survey_has_text(const char *text);

/* Appends TEXT to OUT as a JSON string literal, quotes included. */
void survey_json_string(GString *out, const char *text);

/* A table of rows read through a profile: a CSV file, or the responses of a
 * survey tool's JSON export. */
typedef struct SurveyTable SurveyTable;

/* Reads the header rows of a CSV (UTF-8) and, for a survey tool, a sample of
 * rows; chooses the profile (SELECTION) and resolves the mapping, recording the
 * choice in SINK's report and any problem in SINK. Returns the table, to be read
 * with survey_table_read when no problem was found, and freed. */
SurveyTable *survey_table_open_csv(GInputStream *in, SurveySink *sink,
                                   const SurveySelection *selection);
/* The same over rows in memory: HEADER and ROWS (of char **, each as long as
 * the header), both stolen; row I is named line I + 1 in messages. */
SurveyTable *survey_table_open_rows(char **header, GPtrArray *rows, SurveySink *sink,
                                    const SurveySelection *selection);
/* Reads every row into SINK. */
void survey_table_read(SurveyTable *table, SurveySink *sink);
void survey_table_free(SurveyTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SurveyTable, survey_table_free)

/* Loads and checks a canonical JSON survey (UTF-8), recording every problem in
 * SINK. Returns the document (new reference) with its declared TITLE (may be
 * NULL, caller frees) and RESPONDENTS (-1 when absent), or NULL. A survey
 * tool's export ({"responses": [{column: value…}…]}, as LimeSurvey writes it), or
 * any JSON when SELECTION forces a tool's profile, comes back as *TABLE instead
 * (NULL returned). */
json_t *survey_json_load(GInputStream *in, SurveySink *sink, const SurveySelection *selection,
                         char **title, gint64 *respondents, SurveyTable **table);
/* Passes the mentions of a loaded, checked document to SINK. */
void survey_json_feed(json_t *doc, SurveySink *sink);

#endif
