/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_shortlist.c - frozen shortlists: filters, --unserved, immutability, hash stability, diff. */
#include "helpers.h"

#include <sqlite3.h>
#include <string.h>

#include "engine/commons.h"
#include "engine/error.h"
#include "engine/network.h"
#include "engine/shortlist.h"
#include "surveys/import.h"

static char *dir;

static const char *const survey_a = "place,challenge,theme\n"
                                    "P1,Trouver un logiciel de gestion des adhésions,outils\n"
                                    "P2,Trouver un logiciel de gestion des adhésions,outils\n"
                                    "P3,Trouver un logiciel de gestion des adhésions,outils\n"
                                    "P1,Financer l'animation du lieu,financement\n"
                                    "P2,Financer l'animation du lieu,financement\n"
                                    "P4,Recruter des bénévoles fidèles,\n";

/* A store at DIR/NAME with one network and survey_a. */
static DefisStore *new_store(const char *name)
{
    g_autofree char *db = g_build_filename(dir, name, NULL);
    DefisStore *store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(store);
    assert_true(defis_network_add(store, "Alpha", "Sud", "test", NULL) > 0);
    test_import_csv(store, dir, "Alpha", survey_a);
    return store;
}

static void add(DefisStore *store, const char *name, const char *stage)
{
    DefisCommonsFields f = {.name = name, .stage = stage, .users = 1};
    GError *error = NULL;
    if (!defis_commons_add(store, &f, "test", &error))
        fail_msg("add: %s", error->message);
}

static void link_to(DefisStore *store, gint64 challenge, const char *commons)
{
    GError *error = NULL;
    if (!defis_commons_link(store, challenge, commons, NULL, "test", &error))
        fail_msg("link: %s", error->message);
}

static gint64 create(DefisStore *store, const DefisShortlistQuery *q)
{
    GError *error = NULL;
    gint64 id = defis_shortlist_create(store, q, "test", &error);
    if (!id)
        fail_msg("create: %s", error->message);
    return id;
}

/* The challenge ids of a shortlist's entries, joined by ",". */
static char *ids_of(DefisStore *store, gint64 id)
{
    g_autoptr(json_t) s = defis_shortlist_get(store, id, NULL);
    assert_non_null(s);
    GString *out = g_string_new(NULL);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(json_object_get(s, "shortlist"), "entries"), i, e)
        g_string_append_printf(out, "%s%" JSON_INTEGER_FORMAT, i ? "," : "",
                               json_integer_value(json_object_get(e, "challenge_id")));
    return g_string_free(out, FALSE);
}

static int setup(void **state)
{
    dir = test_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    return 0;
}

static void test_shortlist__filters_on_stage_and_unserved(void **state)
{
    g_autoptr(DefisStore) store = new_store("a.db");
    /* Challenges 1 (3 places), 2 (2 places), 3 (1 place), ranked in that order. */
    add(store, "Paheko", "stable");
    add(store, "Idea", "idea");
    link_to(store, 1, "Paheko");
    link_to(store, 2, "Idea");
    DefisShortlistQuery all = {.name = "all"};
    g_autofree char *everything = ids_of(store, create(store, &all));
    assert_string_equal(everything, "1,2,3");

    const char *const idea[] = {"idea", NULL};
    DefisShortlistQuery staged = {.name = "staged", .stages = idea};
    g_autofree char *ideas = ids_of(store, create(store, &staged));
    assert_string_equal(ideas, "2");

    const char *const both[] = {"stable", "idea", "stable", NULL};
    DefisShortlistQuery two = {.name = "two", .stages = both, .limit = 1};
    gint64 id = create(store, &two);
    g_autofree char *first = ids_of(store, id);
    assert_string_equal(first, "1");
    g_autoptr(json_t) s = defis_shortlist_get(store, id, NULL);
    json_t *content = json_object_get(s, "shortlist");
    json_t *filters = json_object_get(content, "filters");
    assert_int_equal(json_array_size(json_object_get(filters, "stages")), 2);
    json_t *entry = json_array_get(json_object_get(content, "entries"), 0);
    assert_int_equal(json_integer_value(json_object_get(entry, "rank")), 1);
    assert_non_null(json_object_get(entry, "breakdown"));
    json_t *commons = json_array_get(json_object_get(entry, "commons"), 0);
    assert_string_equal(json_string_value(json_object_get(commons, "stage")), "stable");
    assert_non_null(json_object_get(json_object_get(content, "settings"), "version"));

    DefisShortlistQuery unserved = {.name = "calls", .unserved = TRUE};
    g_autofree char *calls = ids_of(store, create(store, &unserved));
    assert_string_equal(calls, "2,3");

    GError *error = NULL;
    const char *const bad[] = {"beta", NULL};
    DefisShortlistQuery wrong = {.name = "x", .stages = bad};
    assert_int_equal(defis_shortlist_create(store, &wrong, "t", &error), 0);
    assert_true(g_str_has_prefix(error->message, "stage: "));
    g_clear_error(&error);
    DefisShortlistQuery nameless = {.name = ""};
    assert_int_equal(defis_shortlist_create(store, &nameless, "t", &error), 0);
    g_clear_error(&error);
    DefisShortlistQuery unknown = {.name = "x", .network = "Nowhere"};
    assert_int_equal(defis_shortlist_create(store, &unknown, "t", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    g_clear_error(&error);
}

static void test_shortlist__frozen_whatever_arrives_later(void **state)
{
    g_autoptr(DefisStore) store = new_store("a.db");
    add(store, "Paheko", "prototype");
    link_to(store, 3, "Paheko");
    DefisShortlistQuery q = {.name = "campaign 2026"};
    gint64 id = create(store, &q);
    g_autofree char *sha = NULL;
    g_autofree char *bytes = defis_shortlist_content(store, id, &sha, NULL);
    g_autofree char *computed = g_compute_checksum_for_string(G_CHECKSUM_SHA256, bytes, -1);
    assert_string_equal(sha, computed);

    /* New surveys change the ranking, a stage changes, a link goes. */
    test_import_csv(store, dir, "Alpha",
                    "place,challenge\nP5,Recruter des bénévoles fidèles\n"
                    "P6,Recruter des bénévoles fidèles\nP7,Recruter des bénévoles "
                    "fidèles\nP8,Recruter des bénévoles fidèles\n");
    assert_true(defis_commons_set_stage(store, "Paheko", "stable", NULL, "t", NULL));
    assert_true(defis_commons_unlink(store, 3, "Paheko", "t", NULL));
    g_autofree char *later_sha = NULL;
    g_autofree char *later = defis_shortlist_content(store, id, &later_sha, NULL);
    assert_string_equal(later, bytes);
    assert_string_equal(later_sha, sha);
    /* A new shortlist of the same query sees the new ranking. */
    gint64 again = create(store, &q);
    g_autofree char *ids = ids_of(store, again);
    assert_string_equal(ids, "3,1,2");

    /* The store itself refuses to change a frozen shortlist. */
    g_autofree char *db = g_build_filename(dir, "a.db", NULL);
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(conn, "UPDATE shortlist SET name = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(conn, "DELETE FROM shortlist", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(conn);
}

static void test_shortlist__same_content_same_hash_across_stores(void **state)
{
    /* Two stores: the commons added and linked in another order, the settings file
     * written another way; the shortlists must agree to the byte. */
    g_autoptr(DefisStore) one = new_store("one.db");
    g_autoptr(DefisStore) two = new_store("two.db");
    add(one, "Paheko", "stable");
    add(one, "Wiki", "idea");
    link_to(one, 1, "Paheko");
    link_to(one, 1, "Wiki");
    add(two, "Wiki", "idea");
    add(two, "Paheko", "stable");
    link_to(two, 1, "Wiki");
    link_to(two, 1, "Paheko");
    g_autoptr(DefisScoreSettings) s1 =
        defis_settings_parse("[score]\nz = 1.5\nimportance = 0.25\n", -1, "a.ini", NULL);
    g_autoptr(DefisScoreSettings) s2 = defis_settings_parse(
        "# other order\n[score]\nimportance=0.250\nz=1.50\n", -1, "b.ini", NULL);
    assert_non_null(s1);
    assert_non_null(s2);
    DefisShortlistQuery q1 = {.name = "S", .settings = s1, .limit = 3};
    DefisShortlistQuery q2 = {.name = "S", .settings = s2, .limit = 3};
    gint64 a = create(one, &q1);
    /* Another shortlist first: the ids differ, the content does not. */
    DefisShortlistQuery other = {.name = "other"};
    create(two, &other);
    gint64 b = create(two, &q2);
    assert_int_not_equal(a, b);
    g_autofree char *sha_a = NULL, *sha_b = NULL;
    g_autofree char *bytes_a = defis_shortlist_content(one, a, &sha_a, NULL);
    g_autofree char *bytes_b = defis_shortlist_content(two, b, &sha_b, NULL);
    assert_string_equal(bytes_a, bytes_b);
    assert_string_equal(sha_a, sha_b);
    /* Canonical: sorted keys, no spaces; re-serialising gives the same bytes. */
    g_autoptr(json_t) parsed = json_loads(bytes_a, 0, NULL);
    g_autofree char *again = defis_shortlist_canonical(parsed);
    assert_string_equal(again, bytes_a);
    assert_true(g_str_has_prefix(bytes_a, "{\"entries\":"));
}

static void test_shortlist__diff_says_what_entered_left_and_moved(void **state)
{
    g_autoptr(DefisStore) store = new_store("a.db");
    DefisShortlistQuery q = {.name = "before", .limit = 2};
    gint64 a = create(store, &q);
    /* Challenge 3 overtakes everything; challenge 2 leaves the top 2. */
    test_import_csv(store, dir, "Alpha",
                    "place,challenge\nP5,Recruter des bénévoles fidèles\n"
                    "P6,Recruter des bénévoles fidèles\nP7,Recruter des bénévoles "
                    "fidèles\nP8,Recruter des bénévoles fidèles\n");
    q.name = "after";
    gint64 b = create(store, &q);
    GError *error = NULL;
    g_autoptr(json_t) diff = defis_shortlist_diff(store, a, b, &error);
    assert_non_null(diff);
    json_t *entered = json_object_get(diff, "entered");
    assert_int_equal(json_array_size(entered), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(entered, 0), "challenge_id")), 3);
    json_t *left = json_object_get(diff, "left");
    assert_int_equal(json_array_size(left), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(left, 0), "rank")), 2);
    json_t *down = json_object_get(diff, "down");
    assert_int_equal(json_array_size(down), 1);
    json_t *moved = json_array_get(down, 0);
    assert_int_equal(json_integer_value(json_object_get(moved, "from")), 1);
    assert_int_equal(json_integer_value(json_object_get(moved, "to")), 2);
    assert_int_equal(json_array_size(json_object_get(diff, "up")), 0);
    assert_null(defis_shortlist_diff(store, a, 99, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
    g_autoptr(json_t) list = defis_shortlist_list(store, NULL);
    assert_int_equal(json_array_size(json_object_get(list, "shortlists")), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shortlist__filters_on_stage_and_unserved, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shortlist__frozen_whatever_arrives_later, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shortlist__same_content_same_hash_across_stores, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shortlist__diff_says_what_entered_left_and_moved,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
