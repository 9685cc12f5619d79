/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* store.h - the SQLite store: connection, migrations, transactions, statements.
 *
 * This is the only module that sees SQLite. Other engine modules run the
 * statements of sql.h through the thin DefisStmt interface below, so that the
 * store stays the one seam where another database could take SQLite's place. */
#ifndef DEFIS_STORE_H
#define DEFIS_STORE_H

#include "engine/common.h"

#include "engine/sql.h"

typedef struct DefisStore DefisStore;
typedef struct DefisStmt DefisStmt;

typedef enum {
    DEFIS_STORE_READWRITE = 0, /* create the file if missing, migrate it */
    DEFIS_STORE_READONLY = 1,  /* open an existing, migrated file read-only */
} DefisStoreMode;

/* Opens (and, read-write, creates and migrates) the database at PATH. WAL mode,
 * foreign keys on, synchronous=FULL, a busy timeout, defensive mode, untrusted
 * schema. Returns NULL and sets ERROR if the file cannot be opened or its schema
 * is newer than this program knows. The store serves one thread at a time. */
DefisStore *defis_store_open(const char *path, DefisStoreMode mode, GError **error);
/* The path STORE was opened with. */
const char *defis_store_path(DefisStore *store);
void defis_store_close(DefisStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisStore, defis_store_close)

/* How long a write waits for another writer's lock before failing with
 * DEFIS_ERROR_BUSY (default 5000 ms). */
void defis_store_set_busy_timeout(DefisStore *store, int milliseconds);

/* The schema version this program migrates to. */
int defis_store_schema_version(void);

/* Write transactions start with BEGIN IMMEDIATE, so nothing up to COMMIT can
 * fail with SQLITE_BUSY once begin succeeded. Begin fails with DEFIS_ERROR_BUSY
 * when another writer holds the lock past the busy timeout. Transactions do not
 * nest: begin while one is open is a programming error. */
gboolean defis_store_begin(DefisStore *store, GError **error);
gboolean defis_store_begin_read(DefisStore *store, GError **error);
gboolean defis_store_commit(DefisStore *store, GError **error);
/* Rolls back the open transaction, if any. Never fails from the caller's view. */
void defis_store_rollback(DefisStore *store);
gboolean defis_store_in_transaction(DefisStore *store);

/* Runs script ID (engine/sql.h), within the caller's transaction. */
gboolean defis_store_script(DefisStore *store, DefisScript id, GError **error);

/* Copies the whole database to DEST through SQLite's online backup API, while
 * other connections may keep reading and writing. DEST is replaced. */
gboolean defis_store_backup(DefisStore *store, const char *dest, GError **error);

/* A counter that changes whenever another connection commits (PRAGMA data_version)
 * or this one does: a key for caches of query results. */
gint64 defis_store_data_version(DefisStore *store);


/* ---- Statements ----------------------------------------------------------
 * defis_store_stmt returns the prepared statement for ID, borrowed from the
 * store, reset and with its bindings cleared. Parameters are numbered from 1 as
 * in the SQL text (?1, ?2…), columns from 0. */
DefisStmt *defis_store_stmt(DefisStore *store, DefisSql id);

void defis_stmt_bind_int(DefisStmt *stmt, int index, gint64 value);
void defis_stmt_bind_double(DefisStmt *stmt, int index, double value);
/* TEXT is copied by SQLite; NULL binds SQL NULL. LENGTH -1 means NUL-terminated. */
void defis_stmt_bind_text(DefisStmt *stmt, int index, const char *text, gssize length);
void defis_stmt_bind_blob(DefisStmt *stmt, int index, const void *data, gsize length);
void defis_stmt_bind_null(DefisStmt *stmt, int index);

/* Steps once. Returns TRUE with *has_row set when a row is ready (or FALSE when
 * done); FALSE and sets ERROR on failure (a constraint: DEFIS_ERROR_CONFLICT). */
gboolean defis_stmt_step(DefisStmt *stmt, gboolean *has_row, GError **error);
/* A row of STMT as JSON (a new reference). */
typedef json_t *(*DefisRowJsonFunc)(DefisStmt *stmt);

/* Steps STMT (bound by the caller) to its end and returns a new JSON array of
 * ROW for each row; NULL and ERROR set when a step fails. Resets STMT. */
json_t *defis_stmt_json_rows(DefisStmt *stmt, DefisRowJsonFunc row, GError **error);

/* Runs a statement that returns no rows to completion, then resets it. */
gboolean defis_stmt_exec(DefisStmt *stmt, GError **error);
void defis_stmt_reset(DefisStmt *stmt);

gint64 defis_stmt_int(DefisStmt *stmt, int column);
double defis_stmt_double(DefisStmt *stmt, int column);
gboolean defis_stmt_is_null(DefisStmt *stmt, int column);
/* Borrowed until the next step or reset; NULL for SQL NULL. */
const char *defis_stmt_text(DefisStmt *stmt, int column);
const void *defis_stmt_blob(DefisStmt *stmt, int column, gsize *length);

/* The rowid of the last insert on this store's connection. */
gint64 defis_store_last_id(DefisStore *store);

#endif
