/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* error.h - the engine's error domain and the codes every layer maps from. */
#ifndef DEFIS_ERROR_H
#define DEFIS_ERROR_H

#include <glib.h>

#define DEFIS_ERROR (defis_error_quark())

/* What went wrong, in terms a caller can act on. The HTTP layer maps these to
 * statuses in one place (INVALID 400, NOT_FOUND 404, CONFLICT 409, FORBIDDEN 403,
 * TOO_LARGE 413, BUSY 503, STORE 500). */
typedef enum {
    DEFIS_ERROR_INVALID,   /* the caller's input is wrong */
    DEFIS_ERROR_NOT_FOUND, /* a named thing does not exist */
    DEFIS_ERROR_CONFLICT,  /* the thing exists already, or the state forbids it */
    DEFIS_ERROR_FORBIDDEN, /* the actor may not do this */
    DEFIS_ERROR_TOO_LARGE, /* a configured limit was passed */
    DEFIS_ERROR_BUSY,      /* the database stayed locked past the busy timeout */
    DEFIS_ERROR_STORE,     /* the database failed (I/O, corruption, bug) */
} DefisErrorCode;

GQuark defis_error_quark(void);

/* Most bytes of input a message quotes (defis_quote), before "…". */
#define DEFIS_QUOTE_MAX 200

/* TEXT (LENGTH bytes, -1 for NUL-terminated; NULL quotes as "") made fit to
 * quote in a message, a log line or a JSON string: valid UTF-8 whatever it
 * holds (each byte that is not part of valid UTF-8 and each control character
 * written as \xHH), cut after MAX bytes of input at a character boundary with
 * "…" marking the cut. Caller frees. */
char *defis_quote(const char *text, gssize length, gsize max);

/* MESSAGE made valid UTF-8 (as defis_quote) and at most MAX bytes of it kept:
 * for a message that may already quote input unchecked. Caller frees. */
char *defis_message_valid(const char *message, gsize max);

#endif
