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

#endif
