/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_import.c - survey files into the store: shapes, encodings, bad files, atomicity,
 * idempotence. */
#include "helpers.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/error.h"
#include "engine/network.h"
#include "surveys/error.h"
#include "surveys/import.h"

static char *dir;
static char *db;
static DefisStore *store;

static int setup(void **state)
{
    test_store_open(&dir, &db, &store);
    assert_true(defis_network_add(store, "Occitanie", NULL, "test", NULL) > 0);
    assert_true(defis_network_add(store, "Bretagne", NULL, "test", NULL) > 0);
    return 0;
}

static int teardown(void **state)
{
    test_store_close(&dir, &db, &store);
    return 0;
}

static SurveyImportOptions options(const char *network)
{
    SurveyImportOptions o = {.network = network, .actor = "test"};
    survey_limits_default(&o.limits);
    return o;
}

/* Imports CONTENT written to a file NAME; returns what survey_import_file returns. */
static gboolean import_text(const char *name, const char *content, gssize length,
                            const SurveyImportOptions *o, SurveyReport *report, GError **error)
{
    g_autofree char *path = test_write_file(dir, name, content, length);
    return survey_import_file(store, path, o, report, error);
}

/* A digest of every row of every table: equal digests, equal content. */
static char *content_digest(void)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    const char *tables[] = {"network", "survey", "place", "challenge", "mention", "journal"};
    for (guint t = 0; t < G_N_ELEMENTS(tables); t++) {
        g_autofree char *sql = g_strdup_printf("SELECT * FROM %s ORDER BY rowid", tables[t]);
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(conn, sql, -1, &stmt, NULL), SQLITE_OK);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(stmt); c++) {
                const unsigned char *v = sqlite3_column_text(stmt, c);
                g_checksum_update(sum, v ? v : (const unsigned char *)"<null>", -1);
                g_checksum_update(sum, (const unsigned char *)"\x1f", 1);
            }
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(conn);
    return g_strdup(g_checksum_get_string(sum));
}

static void test_import__long_csv(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    GError *error = NULL;
    const char *csv = "place,challenge,theme,importance,members,votes,commentaire\n"
                      "La Fabrique,Financer l'animation,financement,5,120,3,urgent\n"
                      "La Fabrique,\"Trouver un outil, simple\",outils,4,120,,\n"
                      "Le Hangar,FINANCER L'ANIMATION !,financement,,45,,\n"
                      "Le Hangar,,,,,,\n"
                      "\n";
    assert_true(import_text("s.csv", csv, -1, &o, &r, &error));
    assert_null(error);
    assert_false(r.duplicate);
    assert_int_equal(r.rows, 4);
    assert_int_equal(r.mentions, 3);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.places, 2);
    assert_int_equal(r.challenges_created, 2);
    assert_int_equal(r.challenges_joined, 1);
    assert_string_equal(r.shape, "long");
    assert_string_equal(r.delimiter, ",");
    assert_string_equal(r.encoding, "UTF-8");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), 3);
    assert_int_equal(test_query_int(db, "SELECT members FROM place WHERE name = 'Le Hangar'"), 45);
    assert_int_equal(test_query_int(db, "SELECT votes FROM mention WHERE line = 2"), 3);
    /* The raw row keeps every column, the unknown one too. */
    g_autofree char *raw = test_query_text(db, "SELECT raw FROM mention WHERE line = 2");
    g_autoptr(json_t) row = json_loads(raw, 0, NULL);
    assert_non_null(row);
    assert_string_equal(json_string_value(json_object_get(row, "commentaire")), "urgent");
    assert_string_equal(json_string_value(json_object_get(row, "challenge")),
                        "Financer l'animation");
    g_autofree char *text = test_query_text(db, "SELECT text FROM mention WHERE line = 3");
    assert_string_equal(text, "Trouver un outil, simple");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM journal WHERE action = 'import'"), 1);
    survey_report_clear(&r);
}

static void test_import__wide_csv_with_bom_and_semicolons(void **state)
{
    SurveyImportOptions o = options("Bretagne");
    SurveyReport r = {0};
    const char *csv =
        "\xef\xbb\xbfplace;members;challenge_1;challenge_2;theme_1;theme;importance_2\r\n"
        "Ti Lab;80;Financer l'animation;Former les bénévoles;financement;divers;5\r\n"
        "L'Établi;;Financer l’animation;;;autre;\r\n";
    GError *error = NULL;
    assert_true(import_text("w.csv", csv, -1, &o, &r, &error));
    assert_string_equal(r.shape, "wide");
    assert_string_equal(r.delimiter, ";");
    assert_int_equal(r.rows, 2);
    assert_int_equal(r.mentions, 3);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.challenges_created, 2);
    g_autofree char *theme =
        test_query_text(db, "SELECT theme FROM mention WHERE text LIKE 'Former%'");
    assert_string_equal(theme, "divers");
    g_autofree char *theme1 = test_query_text(db, "SELECT theme FROM mention WHERE line = 2 AND "
                                                  "text LIKE 'Financer%'");
    assert_string_equal(theme1, "financement");
    assert_int_equal(test_query_int(db, "SELECT importance FROM mention WHERE text LIKE 'Former%'"),
                     5);
    survey_report_clear(&r);
}

static void test_import__json(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    const char *json =
        "{\"survey\": {\"title\": \"Enquête 2022\", \"respondents\": 48},\n"
        " \"responses\": [{\"place\": \"La Fabrique\", \"members\": 120,\n"
        "   \"challenges\": [{\"text\": \"Financer l'animation\", \"theme\": \"financement\", "
        "\"importance\": 5}, {\"text\": \"  \"}]},\n"
        "  {\"place\": \"Le Hangar\", \"challenges\": [{\"text\": \"financer l'animation\", "
        "\"votes\": 2}]}]}\n";
    GError *error = NULL;
    assert_true(import_text("s.json", json, -1, &o, &r, &error));
    assert_string_equal(r.format, "json");
    assert_int_equal(r.rows, 2);
    assert_int_equal(r.mentions, 2);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.challenges_created, 1);
    assert_int_equal(test_query_int(db, "SELECT respondents FROM survey"), 48);
    g_autofree char *title = test_query_text(db, "SELECT title FROM survey");
    assert_string_equal(title, "Enquête 2022");
    g_autofree char *raw = test_query_text(db, "SELECT raw FROM mention WHERE votes = 2");
    g_autoptr(json_t) row = json_loads(raw, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(row, "place")), "Le Hangar");
    assert_non_null(json_object_get(row, "challenge"));
    survey_report_clear(&r);
}

static void test_import__same_bytes_twice_is_a_noop(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    const char *csv = "place,challenge\nA,Financer\nB,Former\n";
    SurveyReport r = {0};
    assert_true(import_text("a.csv", csv, -1, &o, &r, NULL));
    gint64 survey = r.survey_id;
    survey_report_clear(&r);
    g_autofree char *before = content_digest();
    assert_true(import_text("again.csv", csv, -1, &o, &r, NULL));
    assert_true(r.duplicate);
    assert_int_equal(r.survey_id, survey);
    survey_report_clear(&r);
    g_autofree char *after = content_digest();
    assert_string_equal(before, after);
    /* The same bytes from another network are another survey. */
    SurveyImportOptions other = options("Bretagne");
    assert_true(import_text("a.csv", csv, -1, &other, &r, NULL));
    assert_false(r.duplicate);
    survey_report_clear(&r);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), 2);
}

static void test_import__bad_last_row_writes_nothing(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    assert_true(import_text("first.csv", "place,challenge\nA,Financer\n", -1, &o, &r, NULL));
    survey_report_clear(&r);
    g_autofree char *before = content_digest();
    GString *csv = g_string_new("place,challenge,importance\n");
    for (int i = 0; i < 500; i++)
        g_string_append_printf(csv, "Lieu %d,Défi numéro %d,3\n", i, i % 37);
    g_string_append(csv, "Lieu X,Dernier défi,six\n");
    GError *error = NULL;
    assert_false(import_text("bad.csv", csv->str, -1, &o, &r, &error));
    g_string_free(csv, TRUE);
    assert_true(g_error_matches(error, SURVEY_ERROR, SURVEY_ERROR_INVALID));
    g_clear_error(&error);
    assert_int_equal(r.problem_count, 1);
    SurveyProblem *p = g_ptr_array_index(r.problems, 0);
    assert_int_equal(p->line, 502);
    assert_int_equal(p->column, 21);
    assert_string_equal(p->field, "importance");
    survey_report_clear(&r);
    g_autofree char *after = content_digest();
    assert_string_equal(before, after);
}

/* The definitions of mention's indexes, as sqlite_master keeps them. */
static char *mention_indexes(const char *path)
{
    return test_query_text(path, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM"
                                 " sqlite_master WHERE type = 'index' AND"
                                 " tbl_name = 'mention' AND sql IS NOT NULL ORDER BY name)");
}

/* A survey of ROWS rows over 300 places and 60 wordings, 60 others from row
 * 20,001 on (past the point where an import goes bulk, so that representatives
 * name mentions still in the spool), and a bad last row when BAD. Row I is on
 * line I + 2. */
static char *bulk_csv(int rows, gboolean bad)
{
    GString *csv = g_string_new("place,challenge,importance,theme\n");
    for (int i = 0; i < rows; i++)
        g_string_append_printf(csv, "Lieu %d,%s numéro %d du réseau,%d,%s\n", i % 300,
                               i < 20000 ? "Besoin" : "Manque", i % 60, 1 + i % 5,
                               i % 2 ? "financement" : "");
    if (bad)
        g_string_append(csv, "Lieu X,Dernier besoin,six,\n");
    return g_string_free(csv, FALSE);
}

/* A large survey into an almost empty store drops mention's indexes and makes
 * them again: the same definitions, the same answers, and a rollback keeps them. */
static void test_import__bulk(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    GError *error = NULL;
    g_autofree char *fresh_db = g_build_filename(dir, "fresh.db", NULL);
    DefisStore *fresh = defis_store_open(fresh_db, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(fresh);
    defis_store_close(fresh);
    g_autofree char *indexes = mention_indexes(fresh_db);
    assert_non_null(strstr(indexes, "mention_support"));

    /* A bad last row: nothing written, the indexes where they were. */
    g_autofree char *before = content_digest();
    g_autofree char *bad = bulk_csv(25000, TRUE);
    assert_false(import_text("bad.csv", bad, -1, &o, &r, &error));
    g_clear_error(&error);
    survey_report_clear(&r);
    g_autofree char *after = content_digest();
    assert_string_equal(before, after);
    g_autofree char *kept = mention_indexes(db);
    assert_string_equal(kept, indexes);

    g_autofree char *good = bulk_csv(25000, FALSE);
    assert_true(import_text("good.csv", good, -1, &o, &r, &error));
    assert_null(error);
    assert_int_equal(r.mentions, 25000);
    survey_report_clear(&r);
    g_autofree char *remade = mention_indexes(db);
    assert_string_equal(remade, indexes);
    g_autofree char *check = test_query_text(db, "PRAGMA integrity_check");
    assert_string_equal(check, "ok");
    assert_int_equal(test_query_int(db, "SELECT count(DISTINCT norm_hash) FROM mention"), 120);
    /* The spooled mentions are stored whole, in file order, under the ids the
     * representatives were given. */
    assert_int_equal(test_query_int(db, "SELECT max(id) - min(id) FROM mention"), 24999);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention WHERE id <> line - 1"), 0);
    assert_int_equal(
        test_query_int(db, "SELECT count(*) FROM mention m JOIN place p ON p.id = m.place_id"
                           " WHERE m.text <> iif(m.line < 20002, 'Besoin', 'Manque')"
                           " || ' numéro ' || ((m.line - 2) % 60) || ' du réseau'"
                           " OR p.name <> 'Lieu ' || ((m.line - 2) % 300)"
                           " OR m.importance <> 1 + (m.line - 2) % 5"
                           " OR m.theme IS NOT iif((m.line - 2) % 2, 'financement', NULL)"
                           " OR json_extract(m.raw, '$.challenge') <> m.text"),
        0);
    assert_true(test_query_int(db, "SELECT count(*) FROM dedup_rep WHERE mention_id > 20000") > 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM dedup_rep r JOIN mention m ON"
                                        " m.id = r.mention_id AND m.challenge_id = r.challenge_id"),
                     test_query_int(db, "SELECT count(*) FROM dedup_rep"));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    /* Each wording in one challenge, and each challenge scored from all its mentions. */
    assert_int_equal(test_query_int(db, "SELECT max(n) FROM (SELECT count(DISTINCT challenge_id) n"
                                        " FROM mention GROUP BY norm_hash)"),
                     1);
    assert_int_equal(test_query_int(db, "SELECT sum(mentions) FROM challenge_score"), 25000);

    /* The next survey is not bulk (the store is full): its twins come from the index. */
    SurveyImportOptions other = options("Bretagne");
    assert_true(import_text("next.csv", "place,challenge\nKer,Besoin numéro 7 du réseau\n", -1,
                            &other, &r, &error));
    assert_null(error);
    assert_int_equal(r.challenges_joined, 1);
    survey_report_clear(&r);
    assert_int_equal(test_query_int(db, "SELECT count(DISTINCT challenge_id) FROM mention"
                                        " WHERE text = 'Besoin numéro 7 du réseau'"),
                     1);
}

/* A bulk import spools its mentions beside the database: when the spool cannot
 * be made (here, no file descriptor left), the import fails naming it, and
 * nothing is stored. The limit is set in a child process: running out of
 * descriptors also spoils iconv's state for the rest of a process. */
static void test_import__bulk_spool_failure(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    GError *error = NULL;
    g_autofree char *csv = bulk_csv(20500, FALSE);
    g_autoptr(GBytes) bytes = g_bytes_new(csv, strlen(csv));
    g_autofree char *before = content_digest();

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        DefisStore *child = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
        int lowest = dup(0); /* the next descriptor an open would get */
        close(lowest);
        struct rlimit none = {(rlim_t)lowest, (rlim_t)lowest};
        gboolean ok = child && setrlimit(RLIMIT_NOFILE, &none) == 0 &&
                      survey_import_bytes(child, bytes, "big.csv", &o, &r, &error);
        g_autofree char *said = g_strdup_printf(
            "cannot create the import's spool file beside the database (%s-spool-…): ", db);
        _exit(!ok && error && strstr(error->message, said) ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    g_autofree char *after = content_digest();
    assert_string_equal(before, after);

    assert_true(survey_import_bytes(store, bytes, "big.csv", &o, &r, &error));
    assert_null(error);
    assert_int_equal(r.mentions, 20500);
    survey_report_clear(&r);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), 20500);
}

static void test_import__lists_every_problem(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    const char *csv = "place,challenge,importance,members\n"
                      "A,Financer,0,10\n"
                      ",Former,3,x\n"
                      "C,Documenter,2,5\n";
    GError *error = NULL;
    assert_false(import_text("bad.csv", csv, -1, &o, &r, &error));
    g_clear_error(&error);
    assert_int_equal(r.problem_count, 2);
    SurveyProblem *first = g_ptr_array_index(r.problems, 0);
    SurveyProblem *second = g_ptr_array_index(r.problems, 1);
    assert_int_equal(first->line, 2);
    assert_string_equal(first->field, "importance");
    assert_int_equal(second->line, 3);
    assert_string_equal(second->field, "place");
    g_autoptr(json_t) out = survey_report_to_json(&r);
    assert_int_equal(json_array_size(json_object_get(out, "problems")), 2);
    survey_report_clear(&r);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), 0);
}

static void test_import__windows_1252_is_converted(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    const char *csv = "place;challenge\r\nCaf\xe9 des Arts;Payer l'\xe9quipe 1000 \x80\r\n";
    GError *error = NULL;
    assert_true(import_text("cp.csv", csv, -1, &o, &r, &error));
    assert_string_equal(r.encoding, "Windows-1252");
    g_autofree char *text = test_query_text(db, "SELECT text FROM mention");
    assert_string_equal(text, "Payer l'équipe 1000 €");
    g_autofree char *place = test_query_text(db, "SELECT name FROM place");
    assert_string_equal(place, "Café des Arts");
    survey_report_clear(&r);
}

static void test_import__original_text_is_kept_exactly(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    const char *csv =
        "place,challenge\n\"  La Fabrique \",\"  Financer\r\nl'animation \"\"vite\"\"  \"\n";
    assert_true(import_text("x.csv", csv, -1, &o, &r, NULL));
    g_autofree char *text = test_query_text(db, "SELECT text FROM mention");
    assert_string_equal(text, "  Financer\r\nl'animation \"vite\"  ");
    g_autofree char *place = test_query_text(db, "SELECT name FROM place");
    assert_string_equal(place, "La Fabrique");
    survey_report_clear(&r);
}

static void test_import__limits(void **state)
{
    SurveyImportOptions o = options("Occitanie");
    SurveyReport r = {0};
    GError *error = NULL;
    o.limits.max_rows = 2;
    assert_false(import_text("rows.csv", "place,challenge\nA,x\nB,y\nC,z\n", -1, &o, &r, &error));
    assert_true(g_error_matches(error, SURVEY_ERROR, SURVEY_ERROR_TOO_LARGE));
    assert_non_null(strstr(error->message, "more than 2 rows"));
    g_clear_error(&error);
    survey_report_clear(&r);

    o = options("Occitanie");
    o.limits.max_field = 12;
    assert_false(
        import_text("field.csv", "place,challenge\nA,Financer l'animation\n", -1, &o, &r, &error));
    assert_non_null(error);
    g_clear_error(&error);
    assert_int_equal(r.problem_count, 1);
    SurveyProblem *p = g_ptr_array_index(r.problems, 0);
    assert_int_equal(p->line, 2);
    survey_report_clear(&r);

    o = options("Occitanie");
    o.limits.max_file_size = 10;
    assert_false(import_text("size.csv", "place,challenge\nA,Financer\n", -1, &o, &r, &error));
    assert_true(g_error_matches(error, SURVEY_ERROR, SURVEY_ERROR_TOO_LARGE));
    g_clear_error(&error);
    survey_report_clear(&r);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), 0);
}

static void test_import__unknown_network(void **state)
{
    SurveyImportOptions o = options("Nowhere");
    SurveyReport r = {0};
    GError *error = NULL;
    assert_false(import_text("a.csv", "place,challenge\nA,x\n", -1, &o, &r, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
    survey_report_clear(&r);
}

static void test_import__acknowledged_import_survives_a_crash(void **state)
{
    g_autofree char *path = test_write_file(dir, "c.csv", "place,challenge\nA,Financer\n", -1);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* A second process imports, then dies without closing anything. */
        DefisStore *child = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
        SurveyImportOptions o = options("Occitanie");
        SurveyReport r = {0};
        gboolean ok = survey_import_file(child, path, &o, &r, NULL);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), 1);
}

/* Each tests/surveys/data/invalid/<case>/ holds input.csv or input.json and
 * `error`: either "LINE:COLUMN" or a field path, then a phrase of the first
 * problem's message; or "error" then a phrase of the error itself. */
static void test_import__invalid_cases(void **state)
{
    g_autofree char *root =
        g_build_filename(test_source_dir(), "tests", "surveys", "data", "invalid", NULL);
    GDir *cases = g_dir_open(root, 0, NULL);
    assert_non_null(cases);
    const char *name;
    int seen = 0;
    while ((name = g_dir_read_name(cases))) {
        g_autofree char *case_dir = g_build_filename(root, name, NULL);
        g_autofree char *input = g_build_filename(case_dir, "input.csv", NULL);
        if (!g_file_test(input, G_FILE_TEST_EXISTS)) {
            g_free(input);
            input = g_build_filename(case_dir, "input.json", NULL);
        }
        g_autofree char *error_path = g_build_filename(case_dir, "error", NULL);
        g_autofree char *expected = test_read_file(error_path, NULL);
        g_auto(GStrv) lines = g_strsplit(expected, "\n", 3);
        const char *where = lines[0], *phrase = lines[1] ? lines[1] : "";

        SurveyImportOptions o = options("Occitanie");
        SurveyReport r = {0};
        GError *error = NULL;
        gboolean ok = survey_import_file(store, input, &o, &r, &error);
        if (ok || !error)
            fail_msg("%s: imported, expected a problem", name);
        if (strcmp(where, "error") == 0) {
            if (!strstr(error->message, phrase))
                fail_msg("%s: error \"%s\" lacks \"%s\"", name, error->message, phrase);
        } else {
            if (r.problem_count == 0)
                fail_msg("%s: no problem listed (error: %s)", name, error->message);
            SurveyProblem *p = g_ptr_array_index(r.problems, 0);
            g_autofree char *at =
                g_strdup_printf("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, p->line, p->column);
            gboolean place_ok = g_ascii_isdigit(where[0]) ? strcmp(at, where) == 0
                                                          : g_strcmp0(p->field, where) == 0;
            if (!place_ok || !strstr(p->message, phrase))
                fail_msg("%s: first problem at %s field %s: \"%s\"; expected %s \"%s\"", name, at,
                         p->field ? p->field : "-", p->message, where, phrase);
        }
        g_error_free(error);
        survey_report_clear(&r);
        seen++;
    }
    g_dir_close(cases);
    assert_true(seen >= 20);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_import__long_csv),
        T(test_import__wide_csv_with_bom_and_semicolons),
        T(test_import__json),
        T(test_import__same_bytes_twice_is_a_noop),
        T(test_import__bad_last_row_writes_nothing),
        T(test_import__bulk),
        T(test_import__bulk_spool_failure),
        T(test_import__lists_every_problem),
        T(test_import__windows_1252_is_converted),
        T(test_import__original_text_is_kept_exactly),
        T(test_import__limits),
        T(test_import__unknown_network),
        T(test_import__acknowledged_import_survives_a_crash),
        T(test_import__invalid_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
