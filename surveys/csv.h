/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* csv.h - a streaming RFC 4180 reader.
 *
 * Reads records one at a time from a GInputStream through a fixed buffer, so a
 * file of any size is read in constant memory (plus the longest record). Accepts
 * a UTF-8 BOM (skipped), ',' ';' or TAB delimiters (detected from the first
 * record when not given), LF, CRLF or lone CR line ends, quoted fields holding
 * delimiters, doubled quotes and line breaks. Input must already be UTF-8. */
#ifndef SURVEY_CSV_H
#define SURVEY_CSV_H

#include <gio/gio.h>

typedef struct SurveyCsv SurveyCsv;

typedef struct {
    char delimiter;      /* ',', ';', '\t', or 0 to detect */
    gsize max_field;     /* longest field in bytes, 0 for no limit */
    guint max_fields;    /* most fields in a record, 0 for no limit */
} SurveyCsvOptions;

/* Takes a reference on IN. FILENAME (copied) names the source in error messages;
 * NULL reads as "<input>". OPTIONS may be NULL for defaults (detect, no limits). */
SurveyCsv *survey_csv_new(GInputStream *in, const char *filename, const SurveyCsvOptions *options);
void survey_csv_free(SurveyCsv *csv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SurveyCsv, survey_csv_free)

/* Reads the next record. Returns TRUE with *FIELDS pointing at N NUL-terminated
 * fields, borrowed until the next call. Returns FALSE at the end of input (ERROR
 * unset) or on a malformed record (SURVEY_ERROR_INVALID, or SURVEY_ERROR_TOO_LARGE
 * past a limit; the message reads "FILE:LINE:COLUMN: what is wrong"). A record
 * that is one empty line yields one empty field. After an error the reader is
 * positioned after the bad record when it can be, so the caller may go on
 * reading to collect more errors; survey_csv_next then returns FALSE when it
 * cannot. */
gboolean survey_csv_next(SurveyCsv *csv, char ***fields, guint *n, GError **error);

/* Where the last record returned started: 1-based line. */
guint64 survey_csv_line(const SurveyCsv *csv);
/* Where field INDEX of the last record started: 1-based line and column
 * (column counted in characters, not bytes). */
void survey_csv_field_position(const SurveyCsv *csv, guint index, guint64 *line, guint64 *column);
/* The delimiter in use (after detection, once the first record was read). */
char survey_csv_delimiter(const SurveyCsv *csv);
gboolean survey_csv_had_bom(const SurveyCsv *csv);

#endif
