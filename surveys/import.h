/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* import.h - a survey file in, its mentions stored: one file, one transaction.
 *
 * The file is read twice, both times streamed: once to hash it and learn its
 * encoding, once to parse it. Every row is checked; a file with any problem is
 * rejected whole with the list of its problems (file, line, column, field) and
 * nothing is written. */
#ifndef SURVEY_IMPORT_H
#define SURVEY_IMPORT_H

#include <gio/gio.h>
#include "engine/common.h"

#include "engine/dedup.h"
#include "engine/store.h"

typedef struct {
    guint64 max_file_size; /* bytes */
    guint64 max_rows;      /* data rows (CSV) or responses (JSON) */
    gsize max_field;       /* bytes in one field */
} SurveyLimits;

/* The defaults: 256 MiB, 2,000,000 rows, 16 KiB a field. */
void survey_limits_default(SurveyLimits *limits);

typedef struct {
    const char *network; /* name of an existing network */
    const char *format;  /* "csv", "json", or NULL to tell from the name, then the content */
    const char *title;   /* NULL: the JSON survey title, else the file's name */
    const char *actor;   /* who imports, for the journal */
    const DefisDedupSettings *dedup; /* NULL: the defaults */
    SurveyLimits limits;
    /* The survey-tool profile: NULL or "auto" to recognise it from the header, a
     * shipped profile's name, or the path of a profile file (.ini). */
    const char *profile;
    /* "FIELD=COLUMN" mappings (NULL-terminated, may be NULL), applied over the
     * profile: several "challenge=" give several challenge columns. */
    const char *const *maps;
    /* Read and check everything, list the problems, store nothing: the report
     * then tells the profile, the mapping and the first mentions. */
    gboolean dry_run;
} SurveyImportOptions;

/* One problem found in a file. Line and column are 1-based, 0 when they do not
 * apply (JSON paths stand in the field instead). */
typedef struct {
    guint64 line;
    guint64 column;
    char *field; /* column name or JSON path, may be NULL */
    char *message;
} SurveyProblem;

/* At most this many problems are listed for one file; the count goes on. */
#define SURVEY_MAX_PROBLEMS 50

typedef struct {
    char *file;     /* as named in messages */
    char *format;   /* "csv" or "json" */
    char *encoding; /* "UTF-8" or "Windows-1252" (converted) */
    char *sha256;
    char *delimiter; /* CSV: "," ";" or "\t" */
    char *shape;     /* CSV: "long" or "wide" */
    gboolean duplicate;
    gint64 survey_id;
    gint64 rows;    /* data rows (CSV) or responses (JSON) read */
    gint64 skipped; /* empty challenge cells */
    gint64 mentions;
    gint64 places;
    gint64 challenges_created;
    gint64 challenges_joined;
    GPtrArray *problems; /* of SurveyProblem */
    guint64 problem_count;
    char *profile;        /* the profile that read the file: "canonical", "kobotoolbox"… */
    char *tool;           /* its tool, for people */
    char *profile_choice; /* "detected", "given", "file" or "default" (nothing recognised) */
    guint64 header_row;   /* CSV: the row holding the column names */
    json_t *mapping;      /* field -> columns, guesses and notes (survey_mapping_to_json) */
    gboolean dry_run;
    json_t *preview;      /* dry run: the first mentions, as they would be stored */
} SurveyReport;

/* A dry run previews at most this many mentions. */
#define SURVEY_PREVIEW_MENTIONS 10

void survey_report_clear(SurveyReport *report);

/* Imports the file at PATH. Returns FALSE and sets ERROR (SURVEY_ERROR_INVALID
 * with REPORT->problems listing each problem, SURVEY_ERROR_TOO_LARGE,
 * SURVEY_ERROR_ENCODING, SURVEY_ERROR_IO, or a DEFIS_ERROR from the store) when
 * nothing was imported. Importing bytes this network imported before returns
 * TRUE with REPORT->duplicate set and writes nothing. REPORT must be zeroed or
 * cleared before the call; the caller clears it after. */
gboolean survey_import_file(DefisStore *store, const char *path, const SurveyImportOptions *options,
                            SurveyReport *report, GError **error);

/* The same for bytes in memory (an HTTP body). NAME names them in messages. */
gboolean survey_import_bytes(DefisStore *store, GBytes *bytes, const char *name,
                             const SurveyImportOptions *options, SurveyReport *report,
                             GError **error);

/* The report as JSON (a new reference): counts, the profile and mapping, the
 * preview of a dry run, and "problems" when there are any. */
json_t *survey_report_to_json(const SurveyReport *report);

#endif
