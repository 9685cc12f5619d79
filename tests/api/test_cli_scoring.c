/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_cli_scoring.c - `defis challenges|show|vote|rescore` end to end on a temporary database. */
#include "helpers.h"

#include "engine/common.h"
#include <string.h>

static char *dir;
static char *db;

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "t.db", NULL);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Alpha", "--region", "Sud", NULL),
                     0);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Beta", NULL), 0);
    g_autofree char *a = test_write_file(dir, "a.csv",
                                         "place,challenge,theme,importance,members\n"
                                         "P1,Financer l'animation du lieu,financement,5,100\n"
                                         "P2,Financer l'animation du lieu,financement,4,20\n"
                                         "P2,Trouver un logiciel de réservation,outils,,20\n"
                                         "P3,Recruter des bénévoles fidèles,,,\n",
                                         -1);
    g_autofree char *b = test_write_file(dir, "b.csv",
                                         "place,challenge\nQ1,Financer l'animation du lieu\n"
                                         "Q2,Recruter des bénévoles fidèles\n",
                                         -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Alpha", a, NULL), 0);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Beta", b, NULL), 0);
    return 0;
}

static int teardown(void **state)
{
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    return 0;
}

static void test_cli_scoring__help_lists_and_explains_the_commands(void **state)
{
    g_autofree char *out = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "--help", NULL), 0);
    assert_non_null(strstr(out, "show"));
    assert_non_null(strstr(out, "vote"));
    assert_non_null(strstr(out, "rescore"));
    const char *commands[] = {"challenges", "show", "vote", "rescore"};
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_autofree char *help = NULL;
        assert_int_equal(test_defis(db, &help, NULL, commands[i], "--help", NULL), 0);
        assert_non_null(strstr(help, commands[i]));
    }
    g_autofree char *help = NULL;
    assert_int_equal(test_defis(db, &help, NULL, "challenges", "--help", NULL), 0);
    const char *options[] = {"--theme", "--network", "--region", "--min-networks", "--min-places",
                             "--search", "--after", "--limit", "--config", "--breakdown"};
    for (guint i = 0; i < G_N_ELEMENTS(options); i++)
        assert_non_null(strstr(help, options[i]));
}

static void test_cli_scoring__challenges_show_vote_rescore(void **state)
{
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "challenges", "--format", "json", NULL), 0);
    g_autoptr(json_t) page = test_parse_json(out);
    const char *version = json_string_value(json_object_get(page, "settings_version"));
    assert_non_null(version);
    json_t *top = json_array_get(json_object_get(page, "challenges"), 0);
    assert_string_equal(json_string_value(json_object_get(top, "title")),
                        "Financer l'animation du lieu");
    assert_int_equal(json_integer_value(json_object_get(top, "votes")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(top, "reach"), "people")),
                     120);
    gint64 id = json_integer_value(json_object_get(top, "id"));
    g_autofree char *id_text = g_strdup_printf("%" G_GINT64_FORMAT, id);

    /* show: text and JSON, the breakdown reproduces the score. */
    g_autofree char *text = NULL;
    assert_int_equal(test_defis(db, &text, NULL, "show", id_text, NULL), 0);
    assert_non_null(strstr(text, "Financer l'animation du lieu"));
    assert_non_null(strstr(text, "Alpha / P1"));
    assert_non_null(strstr(text, "importance factor"));
    g_autofree char *shown = NULL;
    assert_int_equal(test_defis(db, &shown, NULL, "show", id_text, "--format", "json", NULL), 0);
    g_autoptr(json_t) c = test_parse_json(shown);
    json_t *b = json_object_get(c, "breakdown");
    double sum = 0;
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(b, "networks"), i, n)
        sum += json_real_value(json_object_get(n, "contribution"));
    double factor = json_real_value(json_object_get(json_object_get(b, "importance"), "factor"));
    assert_true(sum * factor == json_real_value(json_object_get(c, "score")));
    assert_true(json_real_value(json_object_get(c, "score")) ==
                json_real_value(json_object_get(top, "score")));
    assert_int_equal(json_array_size(json_object_get(c, "mention_list")), 3);

    /* Unknown id: 1; not an id: 2. */
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "show", "9999", NULL), 1);
    assert_non_null(strstr(err, "no challenge 9999"));
    assert_int_equal(test_defis(db, NULL, NULL, "show", "abc", NULL), 2);
    assert_int_equal(test_defis(db, NULL, NULL, "show", NULL), 2);

    /* vote: recorded once, a second time refused; missing options are usage errors. */
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "vote", "--network", "Beta", "--place", "Q9",
                                id_text, NULL),
                     0);
    assert_non_null(strstr(out, "supports challenge"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "vote", "--network", "Beta", "--place", "Q9",
                                id_text, NULL),
                     1);
    assert_non_null(strstr(err, "already"));
    assert_int_equal(test_defis(db, NULL, NULL, "vote", "--network", "Beta", id_text, NULL), 2);
    assert_int_equal(test_defis(db, NULL, NULL, "vote", "--network", "Nowhere", "--place", "X",
                                id_text, NULL),
                     1);

    /* rescore: the same numbers. */
    g_autofree char *before = NULL, *after = NULL;
    assert_int_equal(test_defis(db, &before, NULL, "challenges", "--format", "csv", NULL), 0);
    assert_non_null(strstr(before, "rank,id,title,score"));
    assert_int_equal(test_defis(db, NULL, NULL, "rescore", NULL), 0);
    assert_int_equal(test_defis(db, &after, NULL, "challenges", "--format", "csv", NULL), 0);
    assert_string_equal(before, after);
}

static void test_cli_scoring__filters_pages_and_previews(void **state)
{
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "challenges", "--limit", "1", "--format", "json",
                                NULL),
                     0);
    g_autoptr(json_t) first = test_parse_json(out);
    const char *cursor = json_string_value(json_object_get(first, "next"));
    assert_non_null(cursor);
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "challenges", "--limit", "1", "--after", cursor,
                                "--format", "json", NULL),
                     0);
    g_autoptr(json_t) second = test_parse_json(out);
    json_t *item = json_array_get(json_object_get(second, "challenges"), 0);
    assert_int_equal(json_integer_value(json_object_get(item, "rank")), 2);

    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "challenges", "--network", "Beta", "--theme",
                                "Financement", "--search", "animation", "--format", "json", NULL),
                     0);
    g_autoptr(json_t) filtered = test_parse_json(out);
    assert_int_equal(json_array_size(json_object_get(filtered, "challenges")), 1);

    /* A preview states its settings' version. */
    g_autofree char *ini = test_write_file(dir, "s.ini", "[score]\nz = 1\n[weights]\nBeta = 2\n", -1);
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "challenges", "--config", ini, "--format", "json",
                                "--breakdown", NULL),
                     0);
    g_autoptr(json_t) preview = test_parse_json(out);
    assert_string_not_equal(json_string_value(json_object_get(preview, "settings_version")),
                            json_string_value(json_object_get(first, "settings_version")));

    /* Bad settings: file, line and key; bad filters name their parameter. */
    g_autofree char *bad = test_write_file(dir, "bad.ini", "[score]\nz = -3\n", -1);
    assert_int_equal(test_defis(db, NULL, &err, "challenges", "--config", bad, NULL), 1);
    assert_non_null(strstr(err, "bad.ini:2: [score] z:"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "challenges", "--network", "Nowhere", NULL), 1);
    assert_non_null(strstr(err, "network:"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "challenges", "--after", "garbage!", NULL), 1);
    assert_non_null(strstr(err, "after:"));
    assert_int_equal(test_defis(db, NULL, NULL, "challenges", "--format", "xml", NULL), 2);
    assert_int_equal(test_defis(db, NULL, NULL, "challenges", "--limit", "0", NULL), 2);
    assert_int_equal(test_defis(db, NULL, NULL, "challenges", "extra", NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cli_scoring__help_lists_and_explains_the_commands,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_scoring__challenges_show_vote_rescore, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli_scoring__filters_pages_and_previews, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
