/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commons_file.h - the catalogue of commons as a file: reading JSON and CSV with located errors, writing CSV. */
#ifndef API_COMMONS_FILE_H
#define API_COMMONS_FILE_H

#include "engine/commons.h"

/* A catalogue file, read and checked, ready to import. */
typedef struct ApiCommonsFile ApiCommonsFile;

/* Reads the catalogue at PATH: JSON ({"commons": [{name, stage, url?, description?,
 * keywords? (a string or an array of strings), users?, note?}]} or the bare
 * array) when JSON, else CSV with a header row naming the columns (name and
 * stage required; url, description, keywords, users, note optional; case
 * ignored). An absent field is left as it is on import; an empty cell or a null
 * clears it (users: 0). Every problem is appended to PROBLEMS as
 * "PATH:LINE:COLUMN: FIELD: message" (CSV, and JSON syntax errors) or
 * "PATH: commons[I].FIELD: message" (JSON). Returns NULL when the file cannot
 * be read at all (with a problem); a file with problems is returned too. */
ApiCommonsFile *api_commons_file_read(const char *path, gboolean json, GPtrArray *problems);
void api_commons_file_free(ApiCommonsFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ApiCommonsFile, api_commons_file_free)

/* Imports FILE (read without problems) with defis_commons_import: one
 * transaction. On failure the error message names the row's place in the file
 * as the reader's problems do. */
gboolean api_commons_file_import(ApiCommonsFile *file, DefisStore *store, const char *actor,
                                 DefisCommonsImportReport *report, GError **error);

/* The catalogue of defis_commons_export as CSV: a header row name, stage, url,
 * description, keywords, users, then one row per commons. Caller frees. */
char *api_commons_file_csv(json_t *catalogue);

#endif
