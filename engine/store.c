/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* store.c - the SQLite store: connection, migrations, transactions, statements. */
#include "engine/store.h"

#include <sqlite3.h>
#include <string.h>

#include "engine/error.h"

/* How long a writer waits for another writer's lock before giving up. */
#define BUSY_TIMEOUT_MS 5000

struct DefisStore {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmts[DEFIS_SQL_COUNT];
    sqlite3_stmt *data_version; /* PRAGMA data_version, prepared on first use */
    gboolean in_transaction;
};

/* DefisStmt is sqlite3_stmt under another name, so that callers need no SQLite header. */
#define STMT(s) ((sqlite3_stmt *)(s))

/* Turns the connection's last error into a GError; PREFIX says what was being done. */
static gboolean fail(sqlite3 *db, int rc, GError **error, const char *prefix)
{
    int code = DEFIS_ERROR_STORE;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = DEFIS_ERROR_BUSY;
        break;
    case SQLITE_CONSTRAINT:
        code = DEFIS_ERROR_CONFLICT;
        break;
    case SQLITE_TOOBIG:
        code = DEFIS_ERROR_TOO_LARGE;
        break;
    case SQLITE_READONLY:
        code = DEFIS_ERROR_FORBIDDEN;
        break;
    }
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    g_set_error(error, DEFIS_ERROR, code, "%s: %s", prefix, msg);
    return FALSE;
}

static gboolean exec(sqlite3 *db, const char *sql, GError **error)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, error, "database");
    return TRUE;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
}

/* Brings the schema up to date, one migration per transaction. */
static gboolean migrate(sqlite3 *db, const char *path, GError **error)
{
    int latest = defis_sql_migration_count();
    int version = user_version(db);
    if (version < 0)
        return fail(db, sqlite3_errcode(db), error, path);
    if (version > latest) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "schema version %d is newer than this defis knows (%d); "
                    "use a newer defis",
                    version, latest);
        return FALSE;
    }
    while (version < latest) {
        if (!exec(db, "BEGIN IMMEDIATE", error))
            return FALSE;
        /* Another process may have migrated while we waited for the lock. */
        version = user_version(db);
        if (version >= latest) {
            exec(db, "ROLLBACK", NULL);
            break;
        }
        g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", version + 1);
        if (!exec(db, defis_sql_migration(version + 1), error) || !exec(db, bump, error) ||
            !exec(db, "COMMIT", error)) {
            exec(db, "ROLLBACK", NULL);
            g_prefix_error(error, "migration %d: ", version + 1);
            return FALSE;
        }
        version++;
    }
    return TRUE;
}

/* Prepares every statement now, so that a file whose schema is not the one its
 * version promises is refused at open with a clear error rather than later.
 * Statements on temporary tables are prepared when first used. */
static gboolean prepare_all(DefisStore *store, GError **error)
{
    for (int id = 0; id < DEFIS_SQL_COUNT; id++) {
        const char *sql = defis_sql_text(id);
        if (strstr(sql, "temp."))
            continue;
        int rc = sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &store->stmts[id], NULL);
        if (rc != SQLITE_OK) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "database %s does not have the schema its version (%d) promises: %s",
                        store->path, defis_sql_migration_count(), sqlite3_errmsg(store->db));
            return FALSE;
        }
    }
    return TRUE;
}

DefisStore *defis_store_open(const char *path, DefisStoreMode mode, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    int flags = mode == DEFIS_STORE_READONLY ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_STORE, "cannot open database %s: %s", path,
                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);

    /* WAL survives a process crash at any synchronous level; FULL also survives
     * a power loss, and costs little with one transaction per upload. The page
     * cache stays at 8 MiB: a larger one spares a huge import some reads of its
     * own spilled pages, but memory must not grow with the file. */
    const char *pragmas = mode == DEFIS_STORE_READONLY
                              ? "PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;"
                              : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                "PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;";
    GError *local = NULL;
    if (!exec(db, pragmas, &local) ||
        (mode == DEFIS_STORE_READWRITE && !migrate(db, path, &local))) {
        g_propagate_prefixed_error(error, local, "cannot open database %s: ", path);
        sqlite3_close(db);
        return NULL;
    }
    if (mode == DEFIS_STORE_READONLY && user_version(db) != defis_sql_migration_count()) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "database %s has schema version %d, this defis needs %d: "
                    "open it once read-write to migrate it",
                    path, user_version(db), defis_sql_migration_count());
        sqlite3_close(db);
        return NULL;
    }
    DefisStore *store = g_new0(DefisStore, 1);
    store->db = db;
    store->path = g_strdup(path);
    if (!prepare_all(store, error)) {
        defis_store_close(store);
        return NULL;
    }
    return store;
}

const char *defis_store_path(DefisStore *store)
{
    return store->path;
}

void defis_store_close(DefisStore *store)
{
    if (!store)
        return;
    if (store->in_transaction)
        defis_store_rollback(store);
    for (int i = 0; i < DEFIS_SQL_COUNT; i++)
        sqlite3_finalize(store->stmts[i]);
    sqlite3_finalize(store->data_version);
    sqlite3_close(store->db);
    g_free(store->path);
    g_free(store);
}

void defis_store_set_busy_timeout(DefisStore *store, int milliseconds)
{
    sqlite3_busy_timeout(store->db, milliseconds);
}

int defis_store_schema_version(void)
{
    return defis_sql_migration_count();
}

/* ---- Transactions -------------------------------------------------------- */

static gboolean begin(DefisStore *store, const char *sql, GError **error)
{
    g_return_val_if_fail(store != NULL, FALSE);
    g_return_val_if_fail(!store->in_transaction, FALSE);
    if (!exec(store->db, sql, error))
        return FALSE;
    store->in_transaction = TRUE;
    return TRUE;
}

gboolean defis_store_begin(DefisStore *store, GError **error)
{
    return begin(store, "BEGIN IMMEDIATE", error);
}

gboolean defis_store_begin_read(DefisStore *store, GError **error)
{
    return begin(store, "BEGIN DEFERRED", error);
}

gboolean defis_store_commit(DefisStore *store, GError **error)
{
    g_return_val_if_fail(store != NULL && store->in_transaction, FALSE);
    if (!exec(store->db, "COMMIT", error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    store->in_transaction = FALSE;
    return TRUE;
}

gboolean defis_store_script(DefisStore *store, DefisScript id, GError **error)
{
    g_return_val_if_fail(store != NULL && store->in_transaction, FALSE);
    return exec(store->db, defis_sql_script(id), error);
}

void defis_store_rollback(DefisStore *store)
{
    g_return_if_fail(store != NULL);
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
    store->in_transaction = FALSE;
}

gboolean defis_store_in_transaction(DefisStore *store)
{
    return store->in_transaction;
}

gboolean defis_store_backup(DefisStore *store, const char *dest, GError **error)
{
    g_return_val_if_fail(store != NULL && dest != NULL, FALSE);
    sqlite3 *out = NULL;
    int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "cannot write backup %s: %s", dest,
                    out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
        sqlite3_close(out);
        return FALSE;
    }
    sqlite3_backup *backup = sqlite3_backup_init(out, "main", store->db, "main");
    if (!backup) {
        fail(out, sqlite3_errcode(out), error, dest);
        sqlite3_close(out);
        return FALSE;
    }
    /* Copy in steps so writers elsewhere are not held up for the whole copy. */
    do {
        rc = sqlite3_backup_step(backup, 1024);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(10);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    gboolean ok = rc == SQLITE_DONE;
    if (!ok)
        fail(out, rc, error, dest);
    sqlite3_close(out);
    return ok;
}

gint64 defis_store_data_version(DefisStore *store)
{
    /* Asked once per request by the service: prepared once, kept with the store. */
    if (!store->data_version) /* left NULL if it fails: the version is then -1 */
        sqlite3_prepare_v3(store->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                           &store->data_version, NULL);
    gint64 version = -1;
    if (store->data_version && sqlite3_step(store->data_version) == SQLITE_ROW)
        version = sqlite3_column_int64(store->data_version, 0);
    /* Reset at once: a statement left stepping would hold a read transaction open. */
    if (store->data_version)
        sqlite3_reset(store->data_version);
    /* data_version ignores this connection's own commits: add its change count. */
    return (version << 32) ^ sqlite3_total_changes64(store->db);
}

/* ---- Statements ---------------------------------------------------------- */

DefisStmt *defis_store_stmt(DefisStore *store, DefisSql id)
{
    g_return_val_if_fail(store != NULL && id >= 0 && id < DEFIS_SQL_COUNT, NULL);
    sqlite3_stmt *stmt = store->stmts[id];
    if (!stmt) {
        int rc = sqlite3_prepare_v3(store->db, defis_sql_text(id), -1, SQLITE_PREPARE_PERSISTENT,
                                    &stmt, NULL);
        /* Every statement is ours and the schema is migrated: failing here is a bug. */
        if (rc != SQLITE_OK)
            g_error("cannot prepare statement %d: %s", id, sqlite3_errmsg(store->db));
        store->stmts[id] = stmt;
    } else {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
    return (DefisStmt *)stmt;
}

void defis_stmt_bind_int(DefisStmt *stmt, int index, gint64 value)
{
    sqlite3_bind_int64(STMT(stmt), index, value);
}

void defis_stmt_bind_double(DefisStmt *stmt, int index, double value)
{
    sqlite3_bind_double(STMT(stmt), index, value);
}

void defis_stmt_bind_text(DefisStmt *stmt, int index, const char *text, gssize length)
{
    if (text)
        sqlite3_bind_text64(STMT(stmt), index, text, length < 0 ? strlen(text) : (gsize)length,
                            SQLITE_TRANSIENT, SQLITE_UTF8);
    else
        sqlite3_bind_null(STMT(stmt), index);
}

void defis_stmt_bind_blob(DefisStmt *stmt, int index, const void *data, gsize length)
{
    sqlite3_bind_blob64(STMT(stmt), index, data, length, SQLITE_TRANSIENT);
}

void defis_stmt_bind_null(DefisStmt *stmt, int index)
{
    sqlite3_bind_null(STMT(stmt), index);
}

gboolean defis_stmt_step(DefisStmt *stmt, gboolean *has_row, GError **error)
{
    int rc = sqlite3_step(STMT(stmt));
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        *has_row = rc == SQLITE_ROW;
        return TRUE;
    }
    *has_row = FALSE;
    sqlite3 *db = sqlite3_db_handle(STMT(stmt));
    sqlite3_reset(STMT(stmt));
    return fail(db, rc, error, "database");
}

gboolean defis_stmt_exec(DefisStmt *stmt, GError **error)
{
    gboolean has_row = FALSE;
    gboolean ok;
    do
        ok = defis_stmt_step(stmt, &has_row, error);
    while (ok && has_row);
    sqlite3_reset(STMT(stmt));
    return ok;
}

json_t *defis_stmt_json_rows(DefisStmt *stmt, DefisRowJsonFunc row, GError **error)
{
    json_t *list = json_array();
    gboolean has_row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &has_row, error)) && has_row)
        json_array_append_new(list, row(stmt));
    sqlite3_reset(STMT(stmt));
    if (!ok)
        g_clear_pointer(&list, json_decref);
    return list;
}

void defis_stmt_reset(DefisStmt *stmt)
{
    sqlite3_reset(STMT(stmt));
}

gint64 defis_stmt_int(DefisStmt *stmt, int column)
{
    return sqlite3_column_int64(STMT(stmt), column);
}

double defis_stmt_double(DefisStmt *stmt, int column)
{
    return sqlite3_column_double(STMT(stmt), column);
}

gboolean defis_stmt_is_null(DefisStmt *stmt, int column)
{
    return sqlite3_column_type(STMT(stmt), column) == SQLITE_NULL;
}

const char *defis_stmt_text(DefisStmt *stmt, int column)
{
    return (const char *)sqlite3_column_text(STMT(stmt), column);
}

const void *defis_stmt_blob(DefisStmt *stmt, int column, gsize *length)
{
    const void *data = sqlite3_column_blob(STMT(stmt), column);
    if (length)
        *length = (gsize)sqlite3_column_bytes(STMT(stmt), column);
    return data;
}

gint64 defis_store_last_id(DefisStore *store)
{
    return sqlite3_last_insert_rowid(store->db);
}
