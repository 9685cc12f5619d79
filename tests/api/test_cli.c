/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_cli.c - the `defis` command end to end on a temporary database: networks, import, export, backup, grouping. */
#include "helpers.h"

#include "engine/common.h"

static char *dir;
static char *db;

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "cli.db", NULL);
    return 0;
}

static int teardown(void **state)
{
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    return 0;
}

static void test_cli__usage_errors_exit_2(void **state)
{
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(test_defis(db, &out, &err, NULL), 2);
    assert_non_null(strstr(err, "no command given"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "frobnicate", NULL), 2);
    assert_non_null(strstr(err, "unknown command \"frobnicate\""));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "import", "x.csv", NULL), 2);
    assert_non_null(strstr(err, "--network NAME is required"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "challenges", "--limit", "0", NULL), 2);
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "merge", "1", NULL), 2);
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "split", "abc", NULL), 2);
    assert_non_null(strstr(err, "not an id"));
    g_clear_pointer(&err, g_free);
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "--version", NULL), 0);
    assert_true(g_str_has_prefix(out, "defis "));
}

static void test_cli__help_names_every_command(void **state)
{
    g_autofree char *out = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "--help", NULL), 0);
    const char *commands[] = {"network", "import",  "challenges", "show",  "export",
                              "backup",  "dedup",   "review",     "merge", "unmerge",
                              "split",   "serve",   "token",      NULL};
    for (const char **c = commands; *c; c++)
        if (!strstr(out, *c))
            fail_msg("defis --help does not name %s", *c);
    const char *sub[] = {"import", "dedup", "review", "merge", "unmerge", "split", "backup", NULL};
    for (const char **c = sub; *c; c++) {
        g_autofree char *help = NULL;
        assert_int_equal(test_defis(db, &help, NULL, *c, "--help", NULL), 0);
        g_autofree char *usage = g_strdup_printf("defis %s", *c);
        if (!strstr(help, usage))
            fail_msg("defis %s --help lacks its usage line: %s", *c, help);
    }
}

static void test_cli__import_report_export_and_backup(void **state)
{
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "network", "add", "Occitanie", "--region", "Sud",
                                NULL),
                     0);
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "network", "add", "Occitanie", NULL), 1);
    assert_non_null(strstr(err, "exists already"));
    g_clear_pointer(&err, g_free);

    g_autofree char *csv = test_write_file(dir, "s.csv",
                                           "place,challenge,members\n"
                                           "La Fabrique,Financer l'animation du lieu,120\n"
                                           "Le Hangar,financement de l'animation du lieu,45\n"
                                           "Le Hangar,,45\n"
                                           "Le Bocal,Trouver un outil de réservation,30\n",
                                           -1);
    assert_int_equal(test_defis(db, &out, NULL, "import", "--network", "Occitanie", csv, NULL), 0);
    assert_non_null(strstr(out, "rows read          4"));
    assert_non_null(strstr(out, "mentions stored    3"));
    assert_non_null(strstr(out, "empty skipped      1"));
    assert_non_null(strstr(out, "challenges created 2"));
    assert_non_null(strstr(out, "challenges joined  1"));
    g_clear_pointer(&out, g_free);
    /* The same bytes again: a no-op, said so, exit 0. */
    assert_int_equal(test_defis(db, &out, NULL, "import", "--network", "Occitanie", csv, NULL), 0);
    assert_non_null(strstr(out, "already imported"));
    g_clear_pointer(&out, g_free);

    /* A bad file: exit 1, every problem named on stderr, nothing written. */
    g_autofree char *bad = test_write_file(dir, "bad.csv",
                                           "place,challenge,importance\n"
                                           "A,Documenter,9\n"
                                           ",Former,2\n",
                                           -1);
    assert_int_equal(test_defis(db, NULL, &err, "import", "--network", "Occitanie", bad, NULL), 1);
    g_autofree char *first = g_strdup_printf("%s:2:14: importance:", bad);
    g_autofree char *second = g_strdup_printf("%s:3:1: place:", bad);
    assert_non_null(strstr(err, first));
    assert_non_null(strstr(err, second));
    assert_non_null(strstr(err, "nothing of it was stored"));
    g_clear_pointer(&err, g_free);

    assert_int_equal(test_defis(db, &out, NULL, "challenges", "--format", "json", NULL), 0);
    g_autoptr(json_t) ranked = json_loads(out, 0, NULL);
    assert_non_null(ranked);
    json_t *list = json_object_get(ranked, "challenges");
    assert_int_equal(json_array_size(list), 2);
    json_t *top = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(top, "title")),
                        "Financer l'animation du lieu");
    assert_int_equal(json_integer_value(json_object_get(top, "mentions")), 2);
    g_clear_pointer(&out, g_free);

    assert_int_equal(test_defis(db, &out, NULL, "export", "mentions", NULL), 0);
    assert_true(g_str_has_prefix(out, "mention_id,network,place,text,challenge_id"));
    assert_non_null(strstr(out, "Occitanie,Le Hangar,financement de l'animation du lieu,"));
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "export", "mentions", "--format", "json", NULL),
                     0);
    g_autoptr(json_t) mentions = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(mentions, "mentions")), 3);
    g_clear_pointer(&out, g_free);

    g_autofree char *copy = g_build_filename(dir, "copy.db", NULL);
    assert_int_equal(test_defis(db, &out, NULL, "backup", copy, NULL), 0);
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(copy, &out, NULL, "export", "mentions", NULL), 0);
    assert_non_null(strstr(out, "La Fabrique"));
}

static void test_cli__review_merge_unmerge_split_rebuild(void **state)
{
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "N", NULL), 0);
    g_autofree char *csv = test_write_file(dir, "s.csv",
                                           "place,challenge\n"
                                           "A,Financer l'animation du lieu\n"
                                           "B,Financer l'animation du lieu\n"
                                           "C,Assurer le lieu\n",
                                           -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "N", csv, NULL), 0);
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "review", "--format", "json", NULL), 0);
    g_autoptr(json_t) review = json_loads(out, 0, NULL);
    assert_true(json_is_array(json_object_get(review, "pairs")));
    g_clear_pointer(&out, g_free);
    /* Challenge 1 holds mentions 1 and 2, challenge 2 mention 3. */
    assert_int_equal(test_defis(db, &out, NULL, "merge", "1", "2", NULL), 0);
    assert_non_null(strstr(out, "challenge 2 merged into 1"));
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "merge", "2", "1", NULL), 1);
    assert_non_null(strstr(err, "merged into 1"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, NULL, NULL, "unmerge", "2", NULL), 0);
    assert_int_equal(test_defis(db, NULL, &err, "unmerge", "2", NULL), 1);
    assert_non_null(strstr(err, "nothing to undo"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "split", "2", NULL), 0);
    assert_non_null(strstr(out, "moved to new challenge"));
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "split", "99", NULL), 1);
    assert_non_null(strstr(err, "no mention 99"));
    g_clear_pointer(&err, g_free);
    assert_int_equal(test_defis(db, &out, NULL, "dedup", "--rebuild", NULL), 0);
    assert_non_null(strstr(out, "challenges         3"));
    g_clear_pointer(&out, g_free);
    assert_int_equal(test_defis(db, NULL, &err, "review", "--dismiss", "1", "1", NULL), 1);
    g_clear_pointer(&err, g_free);
    g_autofree char *ini = test_write_file(dir, "bad.ini", "[dedup]\nthreshold = 7\n", -1);
    assert_int_equal(test_defis(db, NULL, &err, "dedup", "--rebuild", "--config", ini, NULL), 1);
    assert_non_null(strstr(err, "bad.ini:2"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_cli__usage_errors_exit_2),
        T(test_cli__help_names_every_command),
        T(test_cli__import_report_export_and_backup),
        T(test_cli__review_merge_unmerge_split_rebuild),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
