/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* encoding.h - what a survey file's bytes are, and a UTF-8 view of them. */
#ifndef SURVEY_ENCODING_H
#define SURVEY_ENCODING_H

#include <gio/gio.h>

typedef enum {
    SURVEY_ENCODING_UTF8,
    SURVEY_ENCODING_WINDOWS_1252,
} SurveyEncoding;

typedef struct {
    SurveyEncoding encoding;
    char sha256[65];  /* lowercase hex digest of all the bytes */
    guint64 size;     /* bytes */
    gboolean has_nul; /* a NUL byte anywhere (never valid in a survey) */
} SurveyScan;

/* Reads IN to its end once, in constant memory: computes the SHA-256 and decides
 * the encoding (UTF-8 when every byte sequence is valid UTF-8, else Windows-1252
 * when every byte is defined there, else SURVEY_ERROR_ENCODING naming the line
 * and column of the first bad byte). MAX_SIZE (0: none) caps the size:
 * SURVEY_ERROR_TOO_LARGE past it. FILENAME names the source in messages. */
gboolean survey_encoding_scan(GInputStream *in, const char *filename, guint64 max_size,
                              SurveyScan *scan, GError **error);

/* Returns a stream of IN's bytes as UTF-8 (a new reference): IN itself for UTF-8,
 * a converting stream for Windows-1252. */
GInputStream *survey_encoding_utf8_stream(GInputStream *in, SurveyEncoding encoding);

const char *survey_encoding_name(SurveyEncoding encoding);

#endif
