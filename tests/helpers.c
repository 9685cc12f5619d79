/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* helpers.c - what the test programs share. */
#include "helpers.h"

#include <glib/gstdio.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "surveys/import.h"

const char *test_shared_data(void)
{
    const char *dir = g_getenv("DEFIS_SHARED_DATA");
    return dir ? dir : "../shared/data";
}

const char *test_source_dir(void)
{
    const char *dir = g_getenv("DEFIS_SOURCE");
    return dir ? dir : ".";
}

const char *test_defis_bin(void)
{
    const char *bin = g_getenv("DEFIS_BIN");
    return bin ? bin : "build/defis";
}

char *test_tmpdir(void)
{
    GError *error = NULL;
    char *dir = g_dir_make_tmp("defis-test-XXXXXX", &error);
    assert_non_null(dir);
    return dir;
}

static void remove_tree(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        GDir *dir = g_dir_open(path, 0, NULL);
        const char *name;
        while (dir && (name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            remove_tree(child);
        }
        if (dir)
            g_dir_close(dir);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

void test_tmpdir_remove(const char *dir)
{
    if (dir)
        remove_tree(dir);
}

void test_store_open(char **dir, char **db, DefisStore **store)
{
    *dir = test_tmpdir();
    *db = g_build_filename(*dir, "t.db", NULL);
    *store = defis_store_open(*db, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(*store);
}

void test_store_close(char **dir, char **db, DefisStore **store)
{
    g_clear_pointer(store, defis_store_close);
    test_tmpdir_remove(*dir);
    g_clear_pointer(dir, g_free);
    g_clear_pointer(db, g_free);
}

char *test_write_file(const char *dir, const char *name, const char *content, gssize length)
{
    char *path = g_build_filename(dir, name, NULL);
    assert_true(g_file_set_contents(path, content, length, NULL));
    return path;
}

char *test_read_file(const char *path, gsize *length)
{
    char *content = NULL;
    gsize n = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &content, &n, &error))
        fail_msg("cannot read %s: %s", path, error->message);
    if (length)
        *length = n;
    return content;
}

int test_defis(const char *db, char **out, char **err, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)test_defis_bin());
    g_ptr_array_add(argv, (gpointer) "--db");
    g_ptr_array_add(argv, (gpointer)db);
    va_list ap;
    va_start(ap, err);
    const char *arg;
    while ((arg = va_arg(ap, const char *)))
        g_ptr_array_add(argv, (gpointer)arg);
    va_end(ap);
    g_ptr_array_add(argv, NULL);

    int status = 0;
    GError *error = NULL;
    char *o = NULL, *e = NULL;
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &o, &e,
                      &status, &error))
        fail_msg("cannot run %s: %s", test_defis_bin(), error->message);
    if (out)
        *out = o;
    else
        g_free(o);
    if (err)
        *err = e;
    else
        g_free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

GSubprocess *test_serve_start(const char *db, const char *log_path, guint16 *port, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)test_defis_bin());
    g_ptr_array_add(argv, (gpointer) "--db");
    g_ptr_array_add(argv, (gpointer)db);
    g_ptr_array_add(argv, (gpointer) "serve");
    g_ptr_array_add(argv, (gpointer) "--listen");
    g_ptr_array_add(argv, (gpointer) "127.0.0.1:0");
    va_list ap;
    va_start(ap, port);
    const char *arg;
    while ((arg = va_arg(ap, const char *)))
        g_ptr_array_add(argv, (gpointer)arg);
    va_end(ap);
    g_ptr_array_add(argv, NULL);

    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    g_subprocess_launcher_set_stderr_file_path(launcher, log_path);
    GError *error = NULL;
    GSubprocess *server =
        g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
    if (!server)
        fail_msg("cannot start %s serve: %s", test_defis_bin(), error->message);
    g_autoptr(GDataInputStream) out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(server));
    g_autofree char *line = g_data_input_stream_read_line(out, NULL, NULL, &error);
    const char *colon = line ? strrchr(line, ':') : NULL;
    guint64 value = 0;
    if (!line || !g_str_has_prefix(line, "listening on http://") || !colon ||
        !g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &value, NULL)) {
        g_autofree char *log = NULL;
        g_file_get_contents(log_path, &log, NULL, NULL);
        fail_msg("defis serve did not start: %s\n%s", line ? line : "(no line)", log ? log : "");
    }
    *port = (guint16)value;
    g_object_set_data_full(G_OBJECT(server), "log", g_strdup(log_path), g_free);
    return server;
}

int test_serve_stop(GSubprocess *server, int signal)
{
    g_subprocess_send_signal(server, signal);
    GError *error = NULL;
    if (!g_subprocess_wait(server, NULL, &error))
        fail_msg("waiting for defis serve: %s", error->message);
    int status = g_subprocess_get_if_exited(server) ? g_subprocess_get_exit_status(server)
                                                    : 128 + g_subprocess_get_term_sig(server);
    if (status != 0) { /* what it said, for the failure that follows (rare, so keep it) */
        g_autofree char *log = NULL;
        g_file_get_contents(g_object_get_data(G_OBJECT(server), "log"), &log, NULL, NULL);
        fprintf(stderr, "defis serve exited with status %d; its standard error:\n%s\n", status,
                log ? log : "(none)");
    }
    g_object_unref(server);
    return status;
}

/* Opens DB read-only and steps SQL to its first row; fails the test otherwise. */
static sqlite3_stmt *first_row(const char *db, const char *sql, sqlite3 **conn)
{
    assert_int_equal(sqlite3_open_v2(db, conn, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(*conn, sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    return stmt;
}

gint64 test_query_int(const char *db, const char *sql)
{
    sqlite3 *conn = NULL;
    sqlite3_stmt *stmt = first_row(db, sql, &conn);
    gint64 value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
    return value;
}

char *test_query_text(const char *db, const char *sql)
{
    sqlite3 *conn = NULL;
    sqlite3_stmt *stmt = first_row(db, sql, &conn);
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    char *value = text ? g_strdup((const char *)text) : NULL;
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
    return value;
}

void test_exec(const char *db, const char *sql)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    char *message = NULL;
    if (sqlite3_exec(conn, sql, NULL, NULL, &message) != SQLITE_OK)
        fail_msg("%s: %s", sql, message);
    sqlite3_close(conn);
}

char *test_token(const char *db, const char *role, const char *network, char **id)
{
    char *out = NULL;
    int status =
        network ? test_defis(db, &out, NULL, "token", "create", "--role", role, "--network",
                             network, "--json", NULL)
                : test_defis(db, &out, NULL, "token", "create", "--role", role, "--json", NULL);
    assert_int_equal(status, 0);
    json_t *value = json_loads(out, 0, NULL);
    g_free(out);
    assert_non_null(value);
    char *token = g_strdup(json_string_value(json_object_get(value, "token")));
    if (id)
        *id = g_strdup_printf("%" JSON_INTEGER_FORMAT,
                              json_integer_value(json_object_get(value, "id")));
    json_decref(value);
    assert_non_null(token);
    return token;
}

gint64 test_import_csv(DefisStore *store, const char *dir, const char *network, const char *csv)
{
    static int files;
    g_autofree char *name = g_strdup_printf("import-%d.csv", ++files);
    g_autofree char *path = test_write_file(dir, name, csv, -1);
    SurveyImportOptions options = {.network = network, .actor = "test"};
    survey_limits_default(&options.limits);
    SurveyReport report = {0};
    GError *error = NULL;
    if (!survey_import_file(store, path, &options, &report, &error))
        fail_msg("import of %s failed: %s", path, error ? error->message : "?");
    gint64 id = report.survey_id;
    survey_report_clear(&report);
    return id;
}

json_t *test_parse_json(const char *text)
{
    json_error_t e;
    json_t *value = json_loads(text, 0, &e);
    if (!value)
        fail_msg("not JSON (%s): %s", e.text, text);
    return value;
}
