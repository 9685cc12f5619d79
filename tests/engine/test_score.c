/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_score.c - the scoring model: Wilson bounds, counted-once rules, freshness, breakdowns,
 * settings. */
#include "helpers.h"

#include <math.h>
#include <sqlite3.h>

#include "engine/error.h"
#include "engine/network.h"
#include "engine/score.h"
#include "engine/settings.h"
#include "engine/vote.h"
#include "surveys/import.h"

static char *dir;
static char *db;
static DefisStore *store;

static int setup(void **state)
{
    test_store_open(&dir, &db, &store);
    assert_true(defis_network_add(store, "Alpha", "Sud", "test", NULL) > 0);
    assert_true(defis_network_add(store, "Beta", "Sud", "test", NULL) > 0);
    assert_true(defis_network_add(store, "Gamma", "Nord", "test", NULL) > 0);
    return 0;
}

static int teardown(void **state)
{
    test_store_close(&dir, &db, &store);
    return 0;
}

/* The challenge whose title is TITLE. */
static gint64 challenge_id(const char *title)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(conn, "SELECT id FROM challenge WHERE title = ?1", -1, &stmt, NULL),
        SQLITE_OK);
    sqlite3_bind_text(stmt, 1, title, -1, SQLITE_STATIC);
    gint64 id = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
    if (!id)
        fail_msg("no challenge \"%s\"", title);
    return id;
}

/* Every derived row, in a fixed order, as text: equal dumps, equal scores. */
static char *dump_scores(void)
{
    static const char *const queries[] = {
        "SELECT * FROM challenge_score ORDER BY challenge_id",
        "SELECT * FROM challenge_network_score ORDER BY challenge_id, network_id",
        "SELECT * FROM challenge_theme ORDER BY challenge_id, theme",
        "SELECT rowid, doc FROM challenge_search ORDER BY rowid",
        "SELECT * FROM score_network ORDER BY network_id",
        "SELECT * FROM score_place ORDER BY place_id",
    };
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    GString *out = g_string_new(NULL);
    for (guint q = 0; q < G_N_ELEMENTS(queries); q++) {
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(conn, queries[q], -1, &stmt, NULL), SQLITE_OK);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(stmt); c++) {
                if (sqlite3_column_type(stmt, c) == SQLITE_FLOAT)
                    g_string_append_printf(out, "%a|", sqlite3_column_double(stmt, c));
                else
                    g_string_append_printf(out, "%s|",
                                           sqlite3_column_type(stmt, c) == SQLITE_NULL
                                               ? "NULL"
                                               : (const char *)sqlite3_column_text(stmt, c));
            }
            g_string_append_c(out, '\n');
        }
        sqlite3_finalize(stmt);
        g_string_append(out, "--\n");
    }
    sqlite3_close(conn);
    return g_string_free(out, FALSE);
}

static json_t *explain(gint64 id)
{
    GError *error = NULL;
    json_t *out = defis_score_explain(store, id, NULL, &error);
    if (!out)
        fail_msg("explain %" G_GINT64_FORMAT ": %s", id, error->message);
    return out;
}

static gint64 int_at(json_t *object, const char *path)
{
    g_auto(GStrv) keys = g_strsplit(path, ".", -1);
    json_t *v = object;
    for (int i = 0; keys[i]; i++)
        v = json_object_get(v, keys[i]);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static double score_of(gint64 id)
{
    g_autoptr(json_t) c = explain(id);
    return json_real_value(json_object_get(c, "score"));
}

/* Recomputes the score of C from its breakdown alone, as a reader would. */
static double score_from_breakdown(json_t *c)
{
    json_t *b = json_object_get(c, "breakdown");
    double sum = 0.0;
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(b, "networks"), i, n)
    {
        double w = json_number_value(json_object_get(n, "weight"));
        double lower = json_number_value(json_object_get(n, "lower_bound"));
        double contribution = json_number_value(json_object_get(n, "contribution"));
        assert_true(contribution == w * lower);
        sum += contribution;
    }
    if (!json_is_true(json_object_get(b, "eligible")))
        return 0.0;
    double factor = json_number_value(json_object_get(json_object_get(b, "importance"), "factor"));
    return sum * factor;
}

/* ---- The model ----------------------------------------------------------- */

static void test_score__wilson_matches_reference_values(void **state)
{
    /* Computed independently: python3, the textbook formula. */
    static const struct {
        gint64 k, n;
        double z, lower;
    } cases[] = {
        {1, 1, 1.96, 0.20654329147389294},
        {3, 3, 1.96, 0.43849391955098221},
        {40, 50, 1.96, 0.6696262789551477},
        {1, 10, 1.96, 0.017875749515721129},
        {5, 10, 1.96, 0.23658959361548729},
        {2, 4, 1.96, 0.15003570882017145},
        {7, 7, 1.0, 0.875},
        {1, 2, 2.576, 0.061706350023113823},
        {10, 100, 1.96, 0.055228541613136131},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        double got = defis_score_wilson_lower(cases[i].k, cases[i].n, cases[i].z);
        if (fabs(got - cases[i].lower) > 1e-9)
            fail_msg("wilson(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %g) = %.17g, want %.17g",
                     cases[i].k, cases[i].n, cases[i].z, got, cases[i].lower);
    }
    assert_true(defis_score_wilson_lower(0, 10, 1.96) == 0.0);
    assert_true(defis_score_wilson_lower(3, 0, 1.96) == 0.0);
    /* Three out of three counts less than forty out of fifty. */
    assert_true(defis_score_wilson_lower(3, 3, 1.96) < defis_score_wilson_lower(40, 50, 1.96));
    /* k above n counts as n. */
    assert_true(defis_score_wilson_lower(9, 3, 1.96) == defis_score_wilson_lower(3, 3, 1.96));
}

static void test_score__importance_factor_is_neutral_when_absent(void **state)
{
    assert_true(defis_score_importance_factor(0, 0, 0.5) == 1.0);
    assert_true(defis_score_importance_factor(3, 1, 0.5) == 1.0);
    assert_true(defis_score_importance_factor(10, 2, 0.5) == 1.5);
    assert_true(defis_score_importance_factor(2, 2, 0.5) == 0.5);
    assert_true(defis_score_importance_factor(10, 2, 0.0) == 1.0);
}

/* ---- Counted once ---------------------------------------------------------- */

static void test_score__a_place_counts_once_across_mentions_and_surveys(void **state)
{
    test_import_csv(store, dir, "Alpha",
                    "place,challenge,importance\n"
                    "P1,Financer l'animation,5\n"
                    "P1,FINANCER L'ANIMATION !,1\n"
                    "P2,Autre chose,3\n");
    test_import_csv(store, dir, "Alpha",
                    "place,challenge\nP1,Financer l'animation\nP3,Autre chose\n");
    gint64 id = challenge_id("Financer l'animation");
    g_autoptr(json_t) c = explain(id);
    assert_int_equal(int_at(c, "votes"), 1);
    assert_int_equal(int_at(c, "mentions"), 3);
    assert_int_equal(int_at(c, "reach.places"), 1);
    assert_int_equal(int_at(c, "reach.networks"), 1);
    json_t *n = json_array_get(json_object_get(json_object_get(c, "breakdown"), "networks"), 0);
    assert_int_equal(int_at(n, "k"), 1);
    assert_int_equal(int_at(n, "n"), 3); /* P1, P2, P3 answered */
    /* The place's highest importance, once: 5, so the factor is 1 + 0.5 × 2 / 2. */
    json_t *imp = json_object_get(json_object_get(c, "breakdown"), "importance");
    assert_int_equal(int_at(imp, "count"), 1);
    assert_true(json_real_value(json_object_get(imp, "factor")) == 1.5);
}

static void test_score__a_reimport_counts_nothing(void **state)
{
    const char *csv = "place,challenge,members\nP1,Former les bénévoles,10\nP2,Former les "
                      "bénévoles,20\n";
    gint64 first = test_import_csv(store, dir, "Beta", csv);
    g_autofree char *before = dump_scores();
    assert_int_equal(test_import_csv(store, dir, "Beta", csv), first);
    g_autofree char *after = dump_scores();
    assert_string_equal(before, after);
    g_autoptr(json_t) c = explain(challenge_id("Former les bénévoles"));
    assert_int_equal(int_at(c, "votes"), 2);
    assert_int_equal(int_at(c, "reach.people"), 30);
}

static void test_score__survey_tool_votes_count_once_per_network(void **state)
{
    /* Two rows carry the tool's count of 4 and 6 supporters: the larger counts, once. */
    test_import_csv(store, dir, "Alpha",
                    "place,challenge,votes\n"
                    "P1,Ouvrir le dimanche,4\n"
                    "P2,Ouvrir le dimanche,6\n"
                    "P3,Autre,\nP4,Autre,\nP5,Autre,\nP6,Autre,\nP7,Autre,\nP8,Autre,\n"
                    "P9,Autre,\nP10,Autre,\n");
    g_autoptr(json_t) c = explain(challenge_id("Ouvrir le dimanche"));
    assert_int_equal(int_at(c, "votes"), 2 + 6);
    json_t *n = json_array_get(json_object_get(json_object_get(c, "breakdown"), "networks"), 0);
    assert_int_equal(int_at(n, "places"), 2);
    assert_int_equal(int_at(n, "anonymous"), 6);
    assert_int_equal(int_at(n, "k"), 8);
    assert_int_equal(int_at(n, "n"), 10);
    /* Supporters beyond the respondents are capped at N. */
    test_import_csv(store, dir, "Beta",
                    "place,challenge,votes\nQ1,Ouvrir le dimanche,50\nQ2,Autre,\n");
    g_autoptr(json_t) d = explain(challenge_id("Ouvrir le dimanche"));
    json_t *beta = json_array_get(json_object_get(json_object_get(d, "breakdown"), "networks"), 1);
    assert_int_equal(int_at(beta, "k"), 2);
    assert_int_equal(int_at(beta, "n"), 2);
}

static void test_score__votes_count_distinct_places(void **state)
{
    test_import_csv(store, dir, "Alpha", "place,challenge\nP1,Mutualiser un poste\nP2,Autre\n");
    gint64 id = challenge_id("Mutualiser un poste");
    double before = score_of(id);
    GError *error = NULL;
    /* P1 supports it through the survey already: its vote counts once. */
    assert_true(defis_vote_add(store, "Alpha", "P1", id, "test", &error) > 0);
    assert_true(score_of(id) == before);
    /* A new place of Gamma: one more place, one more network. */
    assert_true(defis_vote_add(store, "Gamma", "G1", id, "test", &error) > 0);
    g_autoptr(json_t) c = explain(id);
    assert_int_equal(int_at(c, "votes"), 2);
    assert_int_equal(int_at(c, "reach.networks"), 2);
    assert_int_equal(json_array_size(json_object_get(c, "vote_list")), 2);
    assert_true(json_real_value(json_object_get(c, "score")) > before);
    /* Twice by the same place: refused, nothing written. */
    g_autofree char *dump = dump_scores();
    assert_int_equal(defis_vote_add(store, "Gamma", "G1", id, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    assert_non_null(strstr(error->message, "already"));
    g_clear_error(&error);
    g_autofree char *again = dump_scores();
    assert_string_equal(dump, again);
    /* Unknown challenge, unknown network, bad place name. */
    assert_int_equal(defis_vote_add(store, "Gamma", "G1", 9999, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
    assert_int_equal(defis_vote_add(store, "Nowhere", "G1", id, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
    assert_int_equal(defis_vote_add(store, "Gamma", " G1", id, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    g_clear_error(&error);
}

/* A merge the way engine/dedup.c does it: mentions and votes move to the target,
 * the source is marked merged, both are refreshed; an unmerge moves them back. */
static void refresh(gint64 a, gint64 b)
{
    GError *error = NULL;
    gint64 ids[] = {a, b, a};
    assert_true(defis_store_begin(store, &error));
    assert_true(defis_score_refresh(store, ids, G_N_ELEMENTS(ids), &error));
    assert_true(defis_store_commit(store, &error));
}

static void test_score__merge_never_double_counts_and_unmerge_restores(void **state)
{
    test_import_csv(store, dir, "Alpha",
                    "place,challenge,importance\n"
                    "P1,Trouver des financements,4\n"
                    "P2,Trouver des financements,\n"
                    "P1,Chercher des subventions,2\n"
                    "P3,Chercher des subventions,5\n"
                    "P4,Autre,\n");
    test_import_csv(store, dir, "Beta", "place,challenge\nQ1,Chercher des subventions\nQ2,Autre\n");
    gint64 target = challenge_id("Trouver des financements");
    gint64 source = challenge_id("Chercher des subventions");
    GError *error = NULL;
    assert_true(defis_vote_add(store, "Gamma", "G1", target, "test", &error) > 0);
    assert_true(defis_vote_add(store, "Gamma", "G1", source, "test", &error) > 0);
    g_autofree char *before = dump_scores();

    g_autofree char *merge = g_strdup_printf(
        "CREATE TABLE moved AS SELECT 'mention' AS kind, id FROM mention WHERE challenge_id = "
        "%" G_GINT64_FORMAT
        " UNION ALL SELECT 'vote', id FROM vote WHERE challenge_id = %" G_GINT64_FORMAT ";"
        "UPDATE mention SET challenge_id = %" G_GINT64_FORMAT
        " WHERE challenge_id = %" G_GINT64_FORMAT ";"
        "UPDATE vote SET challenge_id = %" G_GINT64_FORMAT " WHERE challenge_id = %" G_GINT64_FORMAT
        ";"
        "UPDATE challenge SET state = 'merged', merged_into = %" G_GINT64_FORMAT
        " WHERE id = %" G_GINT64_FORMAT ";",
        source, source, target, source, target, source, target, source);
    test_exec(db, merge);
    refresh(target, source);
    g_autoptr(json_t) c = explain(target);
    /* P1 wrote both: once. G1 voted for both: once. P1 P2 P3 Q1 G1. */
    assert_int_equal(int_at(c, "votes"), 5);
    assert_int_equal(int_at(c, "reach.places"), 5);
    assert_int_equal(int_at(c, "reach.networks"), 3);
    assert_int_equal(int_at(c, "mentions"), 5);
    /* Importance: P1's highest (4), P3's 5: mean 4.5. */
    json_t *imp = json_object_get(json_object_get(c, "breakdown"), "importance");
    assert_int_equal(int_at(imp, "count"), 2);
    g_autoptr(json_t) s = explain(source);
    assert_string_equal(json_string_value(json_object_get(s, "state")), "merged");
    assert_true(json_real_value(json_object_get(s, "score")) == 0.0);
    assert_int_equal(json_array_size(json_object_get(json_object_get(s, "breakdown"), "networks")),
                     0);

    g_autofree char *unmerge = g_strdup_printf(
        "UPDATE mention SET challenge_id = %" G_GINT64_FORMAT
        " WHERE id IN (SELECT id FROM moved WHERE kind = 'mention');"
        "UPDATE vote SET challenge_id = %" G_GINT64_FORMAT
        " WHERE id IN (SELECT id FROM moved WHERE kind = 'vote');"
        "UPDATE challenge SET state = 'open', merged_into = NULL WHERE id = %" G_GINT64_FORMAT
        ";DROP TABLE moved;",
        source, source, source);
    test_exec(db, unmerge);
    refresh(source, target);
    g_autofree char *after = dump_scores();
    assert_string_equal(before, after);
}

static void test_score__a_challenge_left_empty_loses_its_rows(void **state)
{
    test_import_csv(store, dir, "Alpha", "place,challenge,theme\nP1,Seul,finances\nP2,Autre,\n");
    gint64 id = challenge_id("Seul");
    g_autofree char *sql = g_strdup_printf("UPDATE mention SET challenge_id = %" G_GINT64_FORMAT
                                           " WHERE challenge_id = %" G_GINT64_FORMAT,
                                           challenge_id("Autre"), id);
    test_exec(db, sql);
    refresh(id, challenge_id("Autre"));
    g_autoptr(json_t) c = explain(id);
    assert_true(json_real_value(json_object_get(c, "score")) == 0.0);
    assert_int_equal(int_at(c, "votes"), 0);
    assert_int_equal(json_array_size(json_object_get(c, "themes")), 0);
}

/* ---- Freshness -------------------------------------------------------------- */

static void test_score__a_new_survey_updates_the_respondents_of_untouched_challenges(void **state)
{
    test_import_csv(store, dir, "Alpha", "place,challenge\nP1,Ancien défi\nP2,Autre\n");
    gint64 id = challenge_id("Ancien défi");
    double before = score_of(id);
    /* Three more places answer, none of them about this challenge: N grows. */
    test_import_csv(store, dir, "Alpha", "place,challenge\nP3,Nouveau\nP4,Nouveau\nP5,Nouveau\n");
    g_autoptr(json_t) c = explain(id);
    json_t *n = json_array_get(json_object_get(json_object_get(c, "breakdown"), "networks"), 0);
    assert_int_equal(int_at(n, "n"), 5);
    assert_true(json_real_value(json_object_get(c, "score")) < before);
    /* Declared respondents above the places seen win. */
    g_autofree char *path = test_write_file(
        dir, "declared.json",
        "{\"survey\": {\"title\": \"T\", \"respondents\": 40}, \"responses\": [{\"place\": \"P6\","
        " \"challenges\": [{\"text\": \"Nouveau\"}]}]}",
        -1);
    SurveyImportOptions o = {.network = "Alpha", .actor = "test"};
    survey_limits_default(&o.limits);
    SurveyReport r = {0};
    assert_true(survey_import_file(store, path, &o, &r, NULL));
    survey_report_clear(&r);
    g_autoptr(json_t) d = explain(id);
    n = json_array_get(json_object_get(json_object_get(d, "breakdown"), "networks"), 0);
    assert_int_equal(int_at(n, "n"), 40);
}

static void test_score__rescore_gives_the_incremental_numbers(void **state)
{
    test_import_csv(store, dir, "Alpha",
                    "place,challenge,theme,importance,members,votes\n"
                    "P1,Financer l'animation,Financement,5,120,3\n"
                    "P2,Financer l'animation,financement,4,30,\n"
                    "P2,Outil de réservation,Outils de gestion,2,30,\n"
                    "P3,Recruter des bénévoles,RH,,10,\n");
    test_import_csv(store, dir, "Beta",
                    "place,challenge,theme,members\n"
                    "Q1,Financer l'animation,financement,50\n"
                    "Q2,Outil de réservation,outils,5\n");
    test_import_csv(store, dir, "Alpha",
                    "place,challenge,members\nP1,Recruter des bénévoles,200\nP9,Autre,\n");
    GError *error = NULL;
    assert_true(defis_vote_add(store, "Gamma", "G1", challenge_id("Outil de réservation"), "test",
                               &error) > 0);
    assert_true(defis_vote_add(store, "Alpha", "P4", challenge_id("Financer l'animation"), "test",
                               &error) > 0);
    g_autofree char *incremental = dump_scores();
    assert_true(defis_score_rescore_all(store, "test", &error) == 4);
    g_autofree char *scratch = dump_scores();
    assert_string_equal(incremental, scratch);
    /* P1's members went from 120 to 200 with the third survey: people follow. */
    g_autoptr(json_t) c = explain(challenge_id("Financer l'animation"));
    assert_int_equal(int_at(c, "reach.people"), 200 + 30 + 50);
}

/* ---- Explanation ------------------------------------------------------------ */

static void test_score__the_breakdown_reproduces_the_score(void **state)
{
    test_import_csv(store, dir, "Alpha",
                    "place,challenge,importance,votes\n"
                    "P1,Financer l'animation,5,2\nP2,Financer l'animation,3,\n"
                    "P3,Outils,1,\nP4,Outils,,\nP5,Autre,,\n");
    test_import_csv(store, dir, "Beta",
                    "place,challenge,importance\nQ1,Financer l'animation,4\nQ2,Outils,2\n"
                    "Q3,Autre,\n");
    test_import_csv(store, dir, "Gamma", "place,challenge\nG1,Outils\n");
    g_autoptr(DefisScoreSettings) other = defis_settings_parse(
        "[score]\nz = 2.5\nimportance = 0.8\n[weights]\nAlpha = 3\nGamma = 0.25\n", -1, "t.ini",
        NULL);
    assert_non_null(other);
    const char *titles[] = {"Financer l'animation", "Outils", "Autre"};
    for (guint i = 0; i < G_N_ELEMENTS(titles); i++) {
        gint64 id = challenge_id(titles[i]);
        g_autoptr(json_t) c = explain(id);
        double score = json_real_value(json_object_get(c, "score"));
        assert_true(score > 0.0);
        assert_true(score_from_breakdown(c) == score);
        GError *error = NULL;
        g_autoptr(json_t) p = defis_score_explain(store, id, other, &error);
        assert_non_null(p);
        assert_true(score_from_breakdown(p) == json_real_value(json_object_get(p, "score")));
        assert_string_equal(json_string_value(json_object_get(p, "settings_version")),
                            defis_settings_version(other));
    }
}

static void test_score__explain_unknown_id_is_not_found(void **state)
{
    GError *error = NULL;
    assert_null(defis_score_explain(store, 424242, NULL, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    assert_non_null(strstr(error->message, "424242"));
    g_error_free(error);
}

/* ---- Settings --------------------------------------------------------------- */

static void test_score__settings_version_is_canonical(void **state)
{
    g_autoptr(DefisScoreSettings) defaults = defis_settings_new_default();
    g_autoptr(DefisScoreSettings) same = defis_settings_parse(
        "# the defaults, spelled out\n[weights]\ndefault = 1.0\nAlpha = 1\n\n[score]\n"
        "importance=0.50\nz = 1.96\nmin_places = 1\n",
        -1, "same.ini", NULL);
    assert_non_null(same);
    assert_string_equal(defis_settings_version(defaults), defis_settings_version(same));
    g_autoptr(DefisScoreSettings) other =
        defis_settings_parse("[score]\nz = 1.645\n", -1, "other.ini", NULL);
    assert_non_null(other);
    assert_string_not_equal(defis_settings_version(defaults), defis_settings_version(other));
    assert_int_equal(strlen(defis_settings_version(other)), 16);
}

static void test_score__bad_settings_name_file_line_and_key(void **state)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"[score]\nz = 1.96\nz = 2\n", "bad.ini:3: [score] z: repeated key"},
        {"[score]\nz = abc\n", "bad.ini:2: [score] z: \"abc\" is not a number"},
        {"[score]\nz = 0\n", "bad.ini:2: [score] z: 0 is out of range"},
        {"[score]\n\nimportance = 1.5\n", "bad.ini:3: [score] importance: 1.5 is out of range"},
        {"[score]\nmin_places = 1.5\n", "bad.ini:2: [score] min_places: \"1.5\" is not a whole"},
        {"[score]\nzz = 1\n", "bad.ini:2: [score] zz: unknown key"},
        {"[weights]\nAlpha = -1\n", "bad.ini:2: [weights] Alpha: -1 is out of range"},
        {"[colours]\nred = 1\n", "bad.ini:2: [colours]: unknown group"},
        {"z = 1\n", "bad.ini:1: z: key outside any group"},
        {"[score]\njust words\n", "bad.ini:2: [score]: expected `key = value`"},
        {"[score\n", "bad.ini:1: a group header is `[name]`"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        assert_null(defis_settings_parse(cases[i].text, -1, "bad.ini", &error));
        assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
        if (!g_str_has_prefix(error->message, cases[i].want))
            fail_msg("case %u: got \"%s\", want \"%s…\"", i, error->message, cases[i].want);
        g_error_free(error);
    }
    /* A weight for a network the store does not know: named with its line. */
    g_autoptr(DefisScoreSettings) s =
        defis_settings_parse("[weights]\n\nNowhere = 2\n", -1, "w.ini", NULL);
    assert_non_null(s);
    GError *error = NULL;
    assert_null(defis_score_explain(store, 1, s, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    assert_true(g_str_has_prefix(error->message, "w.ini:3: [weights] Nowhere: no network"));
    g_clear_error(&error);
    /* A missing file. */
    assert_null(defis_settings_load("/nonexistent/score.ini", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    assert_non_null(strstr(error->message, "/nonexistent/score.ini"));
    g_error_free(error);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_score__wilson_matches_reference_values),
        T(test_score__importance_factor_is_neutral_when_absent),
        T(test_score__a_place_counts_once_across_mentions_and_surveys),
        T(test_score__a_reimport_counts_nothing),
        T(test_score__survey_tool_votes_count_once_per_network),
        T(test_score__votes_count_distinct_places),
        T(test_score__merge_never_double_counts_and_unmerge_restores),
        T(test_score__a_challenge_left_empty_loses_its_rows),
        T(test_score__a_new_survey_updates_the_respondents_of_untouched_challenges),
        T(test_score__rescore_gives_the_incremental_numbers),
        T(test_score__the_breakdown_reproduces_the_score),
        T(test_score__explain_unknown_id_is_not_found),
        T(test_score__settings_version_is_canonical),
        T(test_score__bad_settings_name_file_line_and_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
