/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* helpers.h - what the test programs share: paths, temporary folders, running `defis`. */
#ifndef DEFIS_TEST_HELPERS_H
#define DEFIS_TEST_HELPERS_H

#include <gio/gio.h>
#include <glib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/common.h"
#include "engine/store.h"

/* ../shared/data (from $DEFIS_SHARED_DATA). Borrowed. */
const char *test_shared_data(void);
/* The source tree (from $DEFIS_SOURCE, else "."). Borrowed. */
const char *test_source_dir(void);
/* The built `defis` binary (from $DEFIS_BIN). Borrowed. */
const char *test_defis_bin(void);

/* A fresh temporary folder, removed with its content by test_tmpdir_remove. */
char *test_tmpdir(void);
void test_tmpdir_remove(const char *dir);

/* A store, t.db, in a fresh temporary folder, for a test's setup: sets *DIR,
 * *DB (its path) and *STORE. test_store_close closes it, removes the folder and
 * clears all three. */
void test_store_open(char **dir, char **db, DefisStore **store);
void test_store_close(char **dir, char **db, DefisStore **store);

/* Writes CONTENT (LENGTH bytes, -1 for NUL-terminated) to DIR/NAME; returns the path. */
char *test_write_file(const char *dir, const char *name, const char *content, gssize length);

/* Runs the `defis` binary with ARGV (NULL-terminated, without the program name)
 * on database DB; returns the exit status and fills *OUT and *ERR (may be NULL). */
int test_defis(const char *db, char **out, char **err, ...) G_GNUC_NULL_TERMINATED;

/* Reads a whole file; fails the test if it cannot. */
char *test_read_file(const char *path, gsize *length);

/* Starts `defis --db DB serve --listen 127.0.0.1:0` with the extra ARGS
 * (NULL-terminated), its stderr (the request log) in LOG_PATH; waits for its
 * "listening on" line and sets *PORT. Fails the test if it does not start. */
GSubprocess *test_serve_start(const char *db, const char *log_path, guint16 *port,
                              ...) G_GNUC_NULL_TERMINATED;
/* Sends SIGNAL to SERVER, waits for it and returns its exit status (128 + the
 * signal when a signal killed it), printing its standard error when that is
 * not 0. Unrefs SERVER. */
int test_serve_stop(GSubprocess *server, int signal);

/* The first column of the first row of SQL on database DB, read with plain
 * SQLite outside the store; fails the test when there is no row. */
gint64 test_query_int(const char *db, const char *sql);
/* The same, as text (NULL for SQL NULL); free with g_free. */
char *test_query_text(const char *db, const char *sql);

/* Runs the statements SQL on database DB with plain SQLite; fails the test,
 * naming the error, when one fails. */
void test_exec(const char *db, const char *sql);

/* Creates a token with `defis token create` on DB (NETWORK NULL but for the
 * network role); returns the secret, and its id in *ID when ID is not NULL. */
char *test_token(const char *db, const char *role, const char *network, char **id);

/* Writes CSV to a new file in DIR and imports it into STORE for NETWORK (the
 * defaults otherwise); fails the test when the import fails. Returns the survey
 * id (the earlier one for bytes imported before). */
gint64 test_import_csv(DefisStore *store, const char *dir, const char *network, const char *csv);

/* TEXT parsed as JSON (a new reference); fails the test, quoting it, when it
 * is not JSON. */
json_t *test_parse_json(const char *text);

#endif
