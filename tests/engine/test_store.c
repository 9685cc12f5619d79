/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_store.c - the store: migrations, pragmas, constraints, transactions, backup. */
#include "helpers.h"

#include <sqlite3.h>

#include "engine/error.h"
#include "engine/journal.h"
#include "engine/network.h"
#include "engine/store.h"

static char *dir;
static char *db;

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "t.db", NULL);
    return 0;
}

static int teardown(void **state)
{
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    return 0;
}

static void test_store__migrates_a_new_file(void **state)
{
    GError *error = NULL;
    DefisStore *store = defis_store_open(db, DEFIS_STORE_READWRITE, &error);
    assert_non_null(store);
    defis_store_close(store);
    assert_int_equal(test_query_int(db, "PRAGMA user_version"), defis_store_schema_version());
    assert_int_equal(test_query_int(db,
                                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                    "name IN ('network', 'survey', 'place', 'mention', "
                                    "'challenge', 'journal')"),
                     6);
    /* Opening again migrates nothing and keeps the version. */
    store = defis_store_open(db, DEFIS_STORE_READWRITE, &error);
    assert_non_null(store);
    defis_store_close(store);
    assert_int_equal(test_query_int(db, "PRAGMA user_version"), defis_store_schema_version());
}

/* Every column that refers to another table leads an index (or the primary
 * key): deleting a row referred to checks each referring column, by a full
 * scan of its table without one. */
static void test_store__foreign_keys_are_indexed(void **state)
{
    g_autoptr(DefisStore) store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(store);
    const char *fk =
        "WITH fk AS (SELECT t.name AS tab, f.\"from\" AS col FROM sqlite_schema t,"
        " pragma_foreign_key_list(t.name) f WHERE t.type = 'table'),"
        " lead AS (SELECT t.name AS tab, (SELECT i.name FROM pragma_index_info(l.name) i"
        " WHERE i.seqno = 0) AS col FROM sqlite_schema t, pragma_index_list(t.name) l"
        " WHERE t.type = 'table') ";
    g_autofree char *all = g_strconcat(fk, "SELECT count(*) FROM fk", NULL);
    g_autofree char *bare =
        g_strconcat(fk,
                    "SELECT count(*) FROM fk WHERE NOT EXISTS (SELECT 1 FROM lead"
                    " WHERE lead.tab = fk.tab AND lead.col = fk.col)",
                    NULL);
    assert_true(test_query_int(db, all) >= 20);
    assert_int_equal(test_query_int(db, bare), 0);
}

static void test_store__uses_wal(void **state)
{
    g_autoptr(DefisStore) store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(store);
    g_autofree char *sql = g_strdup("PRAGMA journal_mode");
    sqlite3 *conn = NULL;
    sqlite3_open(db, &conn);
    sqlite3_stmt *stmt = NULL;
    sqlite3_prepare_v2(conn, sql, -1, &stmt, NULL);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
}

static void test_store__refuses_a_newer_schema(void **state)
{
    sqlite3 *conn = NULL;
    sqlite3_open(db, &conn);
    sqlite3_exec(conn, "PRAGMA user_version = 9999", NULL, NULL, NULL);
    sqlite3_close(conn);
    GError *error = NULL;
    DefisStore *store = defis_store_open(db, DEFIS_STORE_READWRITE, &error);
    assert_null(store);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    assert_non_null(strstr(error->message, "newer"));
    g_error_free(error);
}

static void test_store__refuses_a_file_that_is_not_a_database(void **state)
{
    g_autofree char *path = test_write_file(dir, "junk.db",
                                            "this is not a database, at all......"
                                            "................................................",
                                            -1);
    GError *error = NULL;
    DefisStore *store = defis_store_open(path, DEFIS_STORE_READWRITE, &error);
    assert_null(store);
    assert_non_null(error);
    assert_non_null(strstr(error->message, path));
    g_error_free(error);
}

static void test_store__refuses_a_schema_that_is_not_what_its_version_says(void **state)
{
    /* A file claiming the current version, but whose tables are something else. */
    sqlite3 *conn = NULL;
    sqlite3_open(db, &conn);
    sqlite3_exec(conn, "CREATE TABLE network (x); ", NULL, NULL, NULL);
    g_autofree char *bump =
        g_strdup_printf("PRAGMA user_version = %d", defis_store_schema_version());
    sqlite3_exec(conn, bump, NULL, NULL, NULL);
    sqlite3_close(conn);
    GError *error = NULL;
    DefisStore *store = defis_store_open(db, DEFIS_STORE_READWRITE, &error);
    assert_null(store);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    assert_non_null(strstr(error->message, "does not have the schema"));
    g_error_free(error);
}

static void test_store__enforces_foreign_keys_and_checks(void **state)
{
    g_autoptr(DefisStore) store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_true(defis_store_begin(store, NULL));
    /* A place in a network that does not exist. */
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_PLACE_INSERT);
    defis_stmt_bind_int(stmt, 1, 42);
    defis_stmt_bind_text(stmt, 2, "Nowhere", -1);
    GError *error = NULL;
    assert_false(defis_stmt_exec(stmt, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    /* A negative members count. */
    stmt = defis_store_stmt(store, DEFIS_SQL_NETWORK_INSERT);
    defis_stmt_bind_text(stmt, 1, "N", -1);
    defis_stmt_bind_text(stmt, 3, "2026-01-01T00:00:00.000Z", -1);
    assert_true(defis_stmt_exec(stmt, NULL));
    gint64 network = defis_store_last_id(store);
    stmt = defis_store_stmt(store, DEFIS_SQL_PLACE_INSERT);
    defis_stmt_bind_int(stmt, 1, network);
    defis_stmt_bind_text(stmt, 2, "P", -1);
    defis_stmt_bind_int(stmt, 3, -5);
    assert_false(defis_stmt_exec(stmt, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    defis_store_rollback(store);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM network"), 0);
}

/* Stores a representative of CHALLENGE naming MENTION, with no feature. */
static gboolean rep_insert(DefisStore *store, gint64 mention, gint64 challenge, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_REP_INSERT);
    defis_stmt_bind_int(stmt, 1, mention);
    defis_stmt_bind_int(stmt, 2, challenge);
    defis_stmt_bind_blob(stmt, 3, "", 0);
    return defis_stmt_exec(stmt, error);
}

/* A representative may name its mention before the mention is stored (a bulk
 * import does, engine/ingest.c): that key alone is checked at the commit. */
static void test_store__representative_mention_checked_at_commit(void **state)
{
    g_autoptr(DefisStore) store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_true(defis_store_begin(store, NULL));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_INSERT);
    defis_stmt_bind_text(stmt, 1, "Financer l'animation", -1);
    defis_stmt_bind_text(stmt, 2, "2026-01-01T00:00:00.000Z", -1);
    assert_true(defis_stmt_exec(stmt, NULL));
    gint64 challenge = defis_store_last_id(store);
    assert_true(rep_insert(store, 42, challenge, NULL));
    /* The challenge it names is still checked at once. */
    GError *error = NULL;
    assert_false(rep_insert(store, 43, challenge + 1, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    /* Mention 42 never came: the commit fails and nothing is kept. */
    assert_false(defis_store_commit(store, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    assert_false(defis_store_in_transaction(store));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM challenge"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM dedup_rep"), 0);
}

static void test_store__rollback_leaves_nothing(void **state)
{
    g_autoptr(DefisStore) store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_true(defis_store_begin(store, NULL));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_NETWORK_INSERT);
    defis_stmt_bind_text(stmt, 1, "Gone", -1);
    defis_stmt_bind_text(stmt, 3, "2026-01-01T00:00:00.000Z", -1);
    assert_true(defis_stmt_exec(stmt, NULL));
    defis_store_rollback(store);
    assert_false(defis_store_in_transaction(store));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM network"), 0);
}

static void test_store__second_writer_waits_then_reports_busy(void **state)
{
    g_autoptr(DefisStore) a = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    g_autoptr(DefisStore) b = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    defis_store_set_busy_timeout(b, 100);
    assert_true(defis_store_begin(a, NULL));
    /* b waits for the busy timeout, then gives up with BUSY, not a crash. */
    GError *error = NULL;
    assert_false(defis_store_begin(b, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_BUSY));
    g_clear_error(&error);
    assert_true(defis_store_commit(a, NULL));
    assert_true(defis_store_begin(b, NULL));
    defis_store_rollback(b);
}

static void test_store__backup_copies_everything(void **state)
{
    g_autoptr(DefisStore) store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    g_autofree char *actor = defis_journal_cli_actor();
    assert_true(defis_network_add(store, "Occitanie", "Occitanie", actor, NULL) > 0);
    assert_true(defis_network_add(store, "Bretagne", NULL, actor, NULL) > 0);
    g_autofree char *copy = g_build_filename(dir, "copy.db", NULL);
    GError *error = NULL;
    assert_true(defis_store_backup(store, copy, &error));
    assert_int_equal(test_query_int(copy, "SELECT count(*) FROM network"), 2);
    assert_int_equal(test_query_int(copy, "SELECT count(*) FROM journal"), 2);
    assert_int_equal(test_query_int(copy, "PRAGMA user_version"), defis_store_schema_version());
    /* A backup into a folder that does not exist fails cleanly. */
    assert_false(defis_store_backup(store, "/nonexistent/dir/x.db", &error));
    assert_non_null(error);
    g_clear_error(&error);
}

static void test_store__data_version_moves_on_commit(void **state)
{
    g_autoptr(DefisStore) reader = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    g_autoptr(DefisStore) writer = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    gint64 before = defis_store_data_version(reader);
    assert_int_equal(before, defis_store_data_version(reader));
    g_autofree char *actor = defis_journal_cli_actor();
    assert_true(defis_network_add(writer, "N", NULL, actor, NULL) > 0);
    assert_int_not_equal(before, defis_store_data_version(reader));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store__migrates_a_new_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__foreign_keys_are_indexed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__uses_wal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__refuses_a_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__refuses_a_file_that_is_not_a_database, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_store__refuses_a_schema_that_is_not_what_its_version_says, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__enforces_foreign_keys_and_checks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__representative_mention_checked_at_commit,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__second_writer_waits_then_reports_busy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store__backup_copies_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store__data_version_moves_on_commit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
