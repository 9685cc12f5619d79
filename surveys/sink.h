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

typedef struct {
    DefisIngest *ingest; /* NULL once a problem was found */
    SurveyReport *report;
    const SurveyLimits *limits;
    GError *fatal; /* a failure that stops reading (store, I/O, limit) */
} SurveySink;

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

/* Reads a canonical CSV survey (UTF-8) to its end into SINK. */
void survey_csv_read(GInputStream *in, SurveySink *sink);

/* Loads and checks a canonical JSON survey (UTF-8), recording every problem in
 * SINK. Returns the document (new reference) with its declared TITLE (may be
 * NULL, caller frees) and RESPONDENTS (-1 when absent), or NULL. */
json_t *survey_json_load(GInputStream *in, SurveySink *sink, char **title, gint64 *respondents);
/* Passes the mentions of a loaded, checked document to SINK. */
void survey_json_feed(json_t *doc, SurveySink *sink);

#endif
