/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_profile.c - survey-tool exports through their profiles: detection, mapping, --map, dry runs. */
#include "helpers.h"

#include <sqlite3.h>
#include <string.h>

#include "engine/network.h"
#include "surveys/error.h"
#include "surveys/import.h"
#include "surveys/mapping.h"
#include "surveys/profile.h"

static char *dir;
static char *db;
static DefisStore *store;

static int setup(void **state)
{
    test_store_open(&dir, &db, &store);
    assert_true(defis_network_add(store, "Occitanie", NULL, "test", NULL) > 0);
    return 0;
}

static int teardown(void **state)
{
    test_store_close(&dir, &db, &store);
    return 0;
}

static char *cases_root(void)
{
    return g_build_filename(test_source_dir(), "tests", "surveys", "data", "profiles", NULL);
}

/* The input file of a case: input.csv, input.tsv or input.json. */
static char *case_input(const char *case_dir)
{
    static const char *const names[] = {"input.csv", "input.tsv", "input.json"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        char *path = g_build_filename(case_dir, names[i], NULL);
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            return path;
        g_free(path);
    }
    fail_msg("%s: no input file", case_dir);
    return NULL;
}

/* A case's `args`: "--profile NAME" and "--map FIELD=COLUMN" lines. */
typedef struct {
    char *profile;
    GPtrArray *maps; /* NULL-terminated */
} CaseArgs;

static void case_args_clear(CaseArgs *a)
{
    g_free(a->profile);
    g_ptr_array_unref(a->maps);
}

static void case_args(const char *case_dir, CaseArgs *out)
{
    out->profile = NULL;
    out->maps = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *path = g_build_filename(case_dir, "args", NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_autofree char *text = test_read_file(path, NULL);
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
            if (g_str_has_prefix(*l, "--profile "))
                out->profile = g_strdup(*l + strlen("--profile "));
            else if (g_str_has_prefix(*l, "--map "))
                g_ptr_array_add(out->maps, g_strdup(*l + strlen("--map ")));
            else if (**l)
                fail_msg("%s: unknown line \"%s\"", path, *l);
        }
    }
    g_ptr_array_add(out->maps, NULL);
}

static SurveyImportOptions options(const CaseArgs *args, gboolean dry_run)
{
    SurveyImportOptions o = {.network = "Occitanie", .actor = "test", .dry_run = dry_run};
    survey_limits_default(&o.limits);
    if (args) {
        o.profile = args->profile;
        o.maps = (const char *const *)args->maps->pdata;
    }
    return o;
}

static void assert_same_text(const char *name, const char *what, const char *expected,
                             const char *got)
{
    if (g_strcmp0(expected, got) != 0)
        fail_msg("%s: %s \"%s\", expected \"%s\"", name, what, got ? got : "(null)",
                 expected ? expected : "(null)");
}

/* Compares the mentions stored by the last import with EXPECTED, in order. */
static void check_mentions(const char *name, json_t *expected)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(conn,
                           "SELECT p.name, m.text, m.theme, m.importance, m.votes, m.raw "
                           "FROM mention m JOIN place p ON p.id = m.place_id ORDER BY m.id",
                           -1, &stmt, NULL),
        SQLITE_OK);
    size_t i = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        json_t *m = json_array_get(expected, i);
        if (!m)
            fail_msg("%s: more mentions than the %zu expected (\"%s\")", name,
                     json_array_size(expected), sqlite3_column_text(stmt, 1));
        assert_same_text(name, "place", json_string_value(json_object_get(m, "place")),
                         (const char *)sqlite3_column_text(stmt, 0));
        const char *text = (const char *)sqlite3_column_text(stmt, 1);
        assert_same_text(name, "text", json_string_value(json_object_get(m, "text")), text);
        assert_same_text(name, "theme", json_string_value(json_object_get(m, "theme")),
                         (const char *)sqlite3_column_text(stmt, 2));
        json_int_t importance = json_integer_value(json_object_get(m, "importance"));
        if (sqlite3_column_int64(stmt, 3) != importance)
            fail_msg("%s: \"%s\" importance %lld, expected %lld", name, text,
                     (long long)sqlite3_column_int64(stmt, 3), (long long)importance);
        json_t *votes = json_object_get(m, "votes");
        if (votes ? sqlite3_column_int64(stmt, 4) != json_integer_value(votes)
                  : sqlite3_column_type(stmt, 4) != SQLITE_NULL)
            fail_msg("%s: \"%s\" votes %lld, expected %lld", name, text,
                     (long long)sqlite3_column_int64(stmt, 4),
                     (long long)(votes ? json_integer_value(votes) : -1));
        /* The raw row is the whole row, as JSON. */
        json_t *raw = json_loads((const char *)sqlite3_column_text(stmt, 5), 0, NULL);
        if (!json_is_object(raw) || json_object_size(raw) < 2)
            fail_msg("%s: \"%s\" raw row %s", name, text, sqlite3_column_text(stmt, 5));
        json_decref(raw);
        i++;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
    if (i != json_array_size(expected))
        fail_msg("%s: %zu mentions, expected %zu", name, i, json_array_size(expected));
}

static void clear_store(void)
{
    test_store_close(&dir, &db, &store);
    setup(NULL);
}

/* Each tests/surveys/data/profiles/<case>/ holds input.{csv,tsv,json}, an
 * optional `args` (--profile, --map lines) and expected.json: {"profile": NAME,
 * "mentions": [{"place", "text", "theme"?, "importance"?, "votes"?}, …]}. */
static void test_profile__cases(void **state)
{
    g_autofree char *root = cases_root();
    GDir *cases = g_dir_open(root, 0, NULL);
    assert_non_null(cases);
    const char *name;
    int seen = 0;
    while ((name = g_dir_read_name(cases))) {
        g_autofree char *case_dir = g_build_filename(root, name, NULL);
        g_autofree char *input = case_input(case_dir);
        g_autofree char *expected_path = g_build_filename(case_dir, "expected.json", NULL);
        json_error_t jerror;
        g_autoptr(json_t) expected = json_load_file(expected_path, 0, &jerror);
        if (!expected)
            fail_msg("%s: %s", expected_path, jerror.text);
        CaseArgs args;
        case_args(case_dir, &args);
        SurveyImportOptions o = options(&args, FALSE);
        SurveyReport r = {0};
        GError *error = NULL;
        if (!survey_import_file(store, input, &o, &r, &error)) {
            for (guint i = 0; r.problems && i < r.problems->len; i++) {
                SurveyProblem *p = g_ptr_array_index(r.problems, i);
                print_error("  %s:%" G_GUINT64_FORMAT ": %s\n", name, p->line, p->message);
            }
            fail_msg("%s: not imported: %s", name, error->message);
        }
        assert_same_text(name, "profile", json_string_value(json_object_get(expected, "profile")),
                         r.profile);
        check_mentions(name, json_object_get(expected, "mentions"));
        survey_report_clear(&r);
        case_args_clear(&args);
        clear_store();
        seen++;
    }
    g_dir_close(cases);
    assert_true(seen >= 15);
}

/* Without any option, every fixture's tool is recognised from its header. */
static void test_profile__detection(void **state)
{
    g_autofree char *root = cases_root();
    GDir *cases = g_dir_open(root, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(cases))) {
        g_autofree char *case_dir = g_build_filename(root, name, NULL);
        CaseArgs args;
        case_args(case_dir, &args);
        gboolean forced = args.profile != NULL;
        case_args_clear(&args);
        if (forced)
            continue;
        g_autofree char *input = case_input(case_dir);
        g_autofree char *expected_path = g_build_filename(case_dir, "expected.json", NULL);
        g_autoptr(json_t) expected = json_load_file(expected_path, 0, NULL);
        SurveyImportOptions o = options(NULL, TRUE);
        SurveyReport r = {0};
        GError *error = NULL;
        if (!survey_import_file(store, input, &o, &r, &error))
            fail_msg("%s: dry run failed: %s", name, error->message);
        assert_same_text(name, "detected profile",
                         json_string_value(json_object_get(expected, "profile")), r.profile);
        assert_same_text(name, "choice", "detected", r.profile_choice);
        survey_report_clear(&r);
    }
    g_dir_close(cases);
}

static gint64 count(const char *sql)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(conn, sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    gint64 value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
    return value;
}

static char *fixture(const char *name, const char *file)
{
    g_autofree char *root = cases_root();
    return g_build_filename(root, name, file, NULL);
}

/* A file that needs a place mapping says so, naming the candidates and the --map. */
static void test_profile__missing_place_names_candidates(void **state)
{
    g_autofree char *input = fixture("limesurvey-codes", "input.csv");
    SurveyImportOptions o = options(NULL, FALSE);
    SurveyReport r = {0};
    GError *error = NULL;
    assert_false(survey_import_file(store, input, &o, &r, &error));
    assert_true(g_error_matches(error, SURVEY_ERROR, SURVEY_ERROR_INVALID));
    g_clear_error(&error);
    assert_string_equal(r.profile, "limesurvey");
    gboolean found = FALSE;
    for (guint i = 0; i < r.problems->len; i++) {
        SurveyProblem *p = g_ptr_array_index(r.problems, i);
        if (g_strcmp0(p->field, "place") == 0) {
            found = TRUE;
            assert_non_null(strstr(p->message, "--map place=COLUMN"));
            assert_non_null(strstr(p->message, "\"Q1\" (column 7)"));
        }
    }
    assert_true(found);
    survey_report_clear(&r);
    assert_int_equal(count("SELECT count(*) FROM survey"), 0);
}

/* --map by header text, code, number; a bad reference is a problem naming the header. */
static void test_profile__map_references(void **state)
{
    g_autofree char *input = fixture("limesurvey-codes", "input.csv");
    static const char *const refs[][3] = {
        {"place=Q1", NULL}, {"place=7", NULL}, {"place=q1", "challenge=Q2", NULL}};
    for (guint k = 0; k < G_N_ELEMENTS(refs); k++) {
        SurveyImportOptions o = options(NULL, TRUE);
        o.maps = refs[k];
        SurveyReport r = {0};
        GError *error = NULL;
        assert_true(survey_import_file(store, input, &o, &r, &error));
        assert_int_equal(r.problem_count, 0);
        assert_int_equal(r.mentions, refs[k][1] ? 2 : 3);
        survey_report_clear(&r);
    }
    const char *bad[] = {"place=Q9", NULL};
    SurveyImportOptions o = options(NULL, TRUE);
    o.maps = bad;
    SurveyReport r = {0};
    assert_true(survey_import_file(store, input, &o, &r, NULL));
    assert_true(r.problem_count >= 1);
    SurveyProblem *p = g_ptr_array_index(r.problems, 0);
    assert_non_null(strstr(p->message, "no column is \"Q9\""));
    survey_report_clear(&r);
    GError *error = NULL;
    SurveyMap map;
    assert_false(survey_map_parse("lieu=Q1", &map, &error));
    g_clear_error(&error);
    assert_int_equal(count("SELECT count(*) FROM survey"), 0);
}

/* `defis import --dry-run`: profile, mapping, rows and problems shown; nothing written. */
static void test_profile__dry_run_cli(void **state)
{
    g_autofree char *input = fixture("kobotoolbox-xml", "input.csv");
    g_autofree char *out = NULL, *err = NULL;
    int status = test_defis(db, &out, &err, "import", "--network", "Occitanie", "--dry-run",
                            input, NULL);
    if (status != 0)
        fail_msg("exit %d: %s%s", status, out, err);
    assert_non_null(strstr(out, "dry run, nothing written"));
    assert_non_null(strstr(out, "kobotoolbox (KoboToolbox), recognised from the header"));
    assert_non_null(strstr(out, "mapping"));
    assert_non_null(strstr(out, "besoins/defi_principal (column 5)"));
    assert_non_null(strstr(out, "--map place=COLUMN"));
    assert_non_null(strstr(out, "identification/structure"));
    assert_int_equal(count("SELECT count(*) FROM survey"), 0);

    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    status = test_defis(db, &out, &err, "import", "--network", "Occitanie", "--dry-run", "--map",
                        "place=structure", input, NULL);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "first mentions"));
    assert_non_null(strstr(out, "Le Local | Trouver un lieu plus grand"));
    assert_non_null(strstr(out, "none: the file can be imported"));
    assert_int_equal(count("SELECT count(*) FROM survey"), 0);

    /* The same options import it. */
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    status = test_defis(db, &out, &err, "import", "--network", "Occitanie", "--map",
                        "place=structure", input, NULL);
    if (status != 0)
        fail_msg("exit %d: %s%s", status, out, err);
    assert_int_equal(count("SELECT count(*) FROM mention"), 1);
}

/* An export nothing recognises: the dry run tells what to do. */
static void test_profile__unknown_export(void **state)
{
    g_autofree char *input = test_write_file(dir, "export.csv",
                                             "Structure,Réponse libre\nLe Lieu,Un défi\n", -1);
    g_autofree char *out = NULL;
    int status = test_defis(db, &out, NULL, "import", "--network", "Occitanie", "--dry-run",
                            input, NULL);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "canonical"));
    assert_non_null(strstr(out, "no survey-tool profile recognised this header"));
    assert_non_null(strstr(out, "--map"));
    g_clear_pointer(&out, g_free);
    status = test_defis(db, &out, NULL, "import", "--network", "Occitanie", "--map",
                        "place=Structure", "--map", "challenge=Réponse libre", input, NULL);
    assert_int_equal(status, 0);
    assert_int_equal(count("SELECT count(*) FROM mention"), 1);
}

/* A profile with a mistake: the error names its line. */
static void test_profile__bad_profile_file(void **state)
{
    const char *typo = "# a network's own export\n"
                       "[profile]\n"
                       "name = mine\n"
                       "detect = Lieu\n"
                       "delimter = ;\n"
                       "[fields]\n"
                       "place = lieu\n";
    GError *error = NULL;
    assert_null(survey_profile_load_data(typo, -1, "mine.ini", &error));
    assert_non_null(strstr(error->message, "mine.ini:5: unknown key \"delimter\""));
    g_clear_error(&error);

    const char *syntax = "[profile]\nname = mine\ndetect = Lieu\nthis line is wrong\n";
    assert_null(survey_profile_load_data(syntax, -1, "mine.ini", &error));
    assert_non_null(strstr(error->message, "mine.ini:4:"));
    g_clear_error(&error);

    const char *value = "[profile]\nname = mine\ndetect = Lieu\n\nheader_row = zero\n";
    assert_null(survey_profile_load_data(value, -1, "mine.ini", &error));
    assert_non_null(strstr(error->message, "mine.ini:5: header_row"));
    g_clear_error(&error);

    const char *field = "[profile]\nname = mine\ndetect = Lieu\n[fields]\nlieu = x\n";
    assert_null(survey_profile_load_data(field, -1, "mine.ini", &error));
    assert_non_null(strstr(error->message, "mine.ini:5: unknown key \"lieu\" in [fields]"));
    g_clear_error(&error);

    /* Through the command line too, and nothing is written. */
    g_autofree char *path = test_write_file(dir, "mine.ini", typo, -1);
    g_autofree char *input = fixture("google-forms", "input.csv");
    g_autofree char *err = NULL;
    int status = test_defis(db, NULL, &err, "import", "--network", "Occitanie", "--profile",
                            path, input, NULL);
    assert_int_not_equal(status, 0);
    assert_non_null(strstr(err, "mine.ini:5:"));
    assert_int_equal(count("SELECT count(*) FROM survey"), 0);
}

/* A network's own profile file reads its export. */
static void test_profile__own_profile_file(void **state)
{
    const char *ini = "[profile]\n"
                      "name = reseau-maison\n"
                      "tool = Tableur du réseau\n"
                      "detect = Structure; Difficulté*\n"
                      "missing = -\n"
                      "[fields]\n"
                      "place = structure\n"
                      "challenge = difficulté*\n";
    g_autofree char *path = test_write_file(dir, "maison.ini", ini, -1);
    g_autofree char *input = test_write_file(
        dir, "maison.csv", "Structure;Difficulté 1;Difficulté 2\nLe Lieu;Un défi;-\n", -1);
    SurveyImportOptions o = options(NULL, FALSE);
    o.profile = path;
    SurveyReport r = {0};
    GError *error = NULL;
    if (!survey_import_file(store, input, &o, &r, &error))
        fail_msg("%s", error->message);
    assert_string_equal(r.profile, "reseau-maison");
    assert_string_equal(r.profile_choice, "file");
    assert_int_equal(r.mentions, 1);
    assert_int_equal(r.skipped, 1);
    survey_report_clear(&r);
}

static void test_profile__shipped_profiles(void **state)
{
    GError *error = NULL;
    const GPtrArray *all = survey_profiles_builtin(&error);
    assert_non_null(all);
    assert_true(all->len >= 10);
    const SurveyProfile *first = g_ptr_array_index(all, 0);
    assert_string_equal(first->name, "canonical");
    static const char *const names[] = {"limesurvey",      "kobotoolbox", "odk-central",
                                        "framaforms",      "google-forms", "microsoft-forms",
                                        "decidim",         "consul-admin", "consul-opendata"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (!survey_profiles_find(all, names[i]))
            fail_msg("no shipped profile %s", names[i]);
}

static void test_profile__html_to_text(void **state)
{
    char text[] = "<p>Un jardin &amp; un composteur</p><p>&#233;t&eacute;<br/>ensemble</p>";
    survey_html_to_text(text);
    assert_string_equal(text, "Un jardin & un composteur\nété\nensemble");
    char broken[] = "a < b &unknown; c";
    survey_html_to_text(broken);
    assert_string_equal(broken, "a < b &unknown; c");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_profile__cases),
        T(test_profile__detection),
        T(test_profile__missing_place_names_candidates),
        T(test_profile__map_references),
        T(test_profile__dry_run_cli),
        T(test_profile__unknown_export),
        T(test_profile__bad_profile_file),
        T(test_profile__own_profile_file),
        T(test_profile__shipped_profiles),
        T(test_profile__html_to_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
