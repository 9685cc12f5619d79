/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* error.h - the surveys layer's error domain. */
#ifndef SURVEY_ERROR_H
#define SURVEY_ERROR_H

#include <glib.h>

#define SURVEY_ERROR (survey_error_quark())

typedef enum {
    SURVEY_ERROR_INVALID,   /* the file is malformed or breaks a rule; messages name the place */
    SURVEY_ERROR_TOO_LARGE, /* a configured limit (file size, rows, field length) was passed */
    SURVEY_ERROR_ENCODING,  /* neither UTF-8 nor Windows-1252 */
    SURVEY_ERROR_IO,        /* the file could not be read */
} SurveyErrorCode;

GQuark survey_error_quark(void);

#endif
