/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_cli_commons.c - `defis commons|link|unlink|suggest|shortlist|journal` end to end on a temporary database. */
#include "helpers.h"

#include <string.h>

#include "engine/common.h"

static char *dir;
static char *db;

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "t.db", NULL);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Alpha", NULL), 0);
    g_autofree char *a = test_write_file(dir, "a.csv",
                                         "place,challenge,theme\n"
                                         "P1,Trouver un logiciel de gestion des adhésions,outils\n"
                                         "P2,Trouver un logiciel de gestion des adhésions,outils\n"
                                         "P3,Financer l'animation du lieu,financement\n",
                                         -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Alpha", a, NULL), 0);
    return 0;
}

static int teardown(void **state)
{
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    return 0;
}

static void test_cli_commons__help_lists_the_commands(void **state)
{
    g_autofree char *out = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "--help", NULL), 0);
    const char *commands[] = {"commons", "link", "unlink", "suggest", "shortlist", "journal"};
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        assert_non_null(strstr(out, commands[i]));
    g_autofree char *help = NULL;
    assert_int_equal(test_defis(db, &help, NULL, "commons", "--help", NULL), 0);
    assert_non_null(strstr(help, "defis commons stage NAME STAGE"));
    g_autofree char *stage_help = NULL;
    assert_int_equal(test_defis(db, &stage_help, NULL, "commons", "stage", "--help", NULL), 0);
    assert_non_null(strstr(stage_help, "--note"));
    g_autofree char *shortlist_help = NULL;
    assert_int_equal(test_defis(db, &shortlist_help, NULL, "shortlist", "create", "--help", NULL),
                     0);
    assert_non_null(strstr(shortlist_help, "--unserved"));
}

static void test_cli_commons__catalogue_stages_and_the_note_rule(void **state)
{
    assert_int_equal(test_defis(db, NULL, NULL, "commons", "add", "Paheko", "--stage", "stable",
                                "--users", "5", "--url", "https://paheko.cloud", "--keywords",
                                "adhésions, comptabilité", NULL),
                     0);
    assert_int_equal(test_defis(db, NULL, NULL, "commons", "add", "Wiki", "--stage", "idea",
                                NULL),
                     0);
    g_autofree char *err = NULL;
    assert_int_equal(test_defis(db, NULL, &err, "commons", "add", "paheko", "--stage", "idea",
                                NULL),
                     1);
    assert_non_null(strstr(err, "exists already"));
    assert_int_equal(test_defis(db, NULL, NULL, "commons", "add", "X", NULL), 2);
    g_autofree char *back = NULL;
    assert_int_equal(test_defis(db, NULL, &back, "commons", "stage", "Paheko", "prototype", NULL),
                     1);
    assert_non_null(strstr(back, "needs a note"));
    assert_int_equal(test_defis(db, NULL, NULL, "commons", "stage", "Paheko", "prototype",
                                "--note", "version 2 rewrite", NULL),
                     0);
    g_autofree char *list = NULL;
    assert_int_equal(test_defis(db, &list, NULL, "commons", "list", "--format", "json", NULL), 0);
    g_autoptr(json_t) parsed = test_parse_json(list);
    json_t *first = json_array_get(json_object_get(parsed, "commons"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "name")), "Paheko");
    assert_string_equal(json_string_value(json_object_get(first, "status")), "recognised");
    g_autofree char *table = NULL;
    assert_int_equal(test_defis(db, &table, NULL, "commons", "list", NULL), 0);
    assert_non_null(strstr(table, "candidate"));
    g_autofree char *ini = test_write_file(dir, "s.ini", "[commons]\nrecognised_users = 10\n", -1);
    g_autofree char *strict = NULL;
    assert_int_equal(test_defis(db, &strict, NULL, "commons", "list", "--config", ini, "--format",
                                "csv", NULL),
                     0);
    assert_null(strstr(strict, ",recognised,"));
    g_autofree char *show = NULL;
    assert_int_equal(test_defis(db, &show, NULL, "commons", "show", "Paheko", NULL), 0);
    assert_non_null(strstr(show, "stable -> prototype"));
    assert_non_null(strstr(show, "version 2 rewrite"));
}

static void test_cli_commons__links_show_and_suggest(void **state)
{
    assert_int_equal(test_defis(db, NULL, NULL, "commons", "add", "Logiciel adhésions", "--stage",
                                "prototype", "--keywords", "adhésion, gestion", NULL),
                     0);
    g_autofree char *suggest = NULL;
    assert_int_equal(test_defis(db, &suggest, NULL, "suggest", "1", "--format", "json", NULL), 0);
    g_autoptr(json_t) s = test_parse_json(suggest);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(s, "suggestions"), 0), "name")),
                        "Logiciel adhésions");
    assert_int_equal(test_defis(db, NULL, NULL, "link", "1", "Logiciel adhésions", "--note",
                                "exactly this", NULL),
                     0);
    assert_int_equal(test_defis(db, NULL, NULL, "link", "1", "Logiciel adhésions", NULL), 1);
    assert_int_equal(test_defis(db, NULL, NULL, "link", "99", "Logiciel adhésions", NULL), 1);
    g_autofree char *show = NULL;
    assert_int_equal(test_defis(db, &show, NULL, "show", "1", NULL), 0);
    assert_non_null(strstr(show, "Logiciel adhésions: prototype, candidate"));
    g_autofree char *json = NULL;
    assert_int_equal(test_defis(db, &json, NULL, "show", "1", "--format", "json", NULL), 0);
    g_autoptr(json_t) c = test_parse_json(json);
    assert_int_equal(json_array_size(json_object_get(c, "commons")), 1);
    g_autofree char *commons = NULL;
    assert_int_equal(test_defis(db, &commons, NULL, "commons", "show", "Logiciel adhésions",
                                NULL),
                     0);
    assert_non_null(strstr(commons, "#1"));
    assert_int_equal(test_defis(db, NULL, NULL, "unlink", "1", "Logiciel adhésions", NULL), 0);
    assert_int_equal(test_defis(db, NULL, NULL, "unlink", "1", "Logiciel adhésions", NULL), 1);
    g_autofree char *journal = NULL;
    assert_int_equal(test_defis(db, &journal, NULL, "journal", "--action", "link", "--format",
                                "json", NULL),
                     0);
    g_autoptr(json_t) j = test_parse_json(journal);
    assert_int_equal(json_array_size(json_object_get(j, "entries")), 2);
    assert_int_equal(test_defis(db, NULL, NULL, "journal", "--since", "yesterday", NULL), 1);
    g_autofree char *since = NULL;
    assert_int_equal(test_defis(db, &since, NULL, "journal", "--since", "2000-01-01", NULL), 0);
    assert_non_null(strstr(since, "commons.add"));
}

static void test_cli_commons__import_export_round_trip(void **state)
{
    g_autofree char *csv = test_write_file(
        dir, "c.csv",
        "Name,stage,url,description,keywords,users\n"
        "Paheko,stable,https://paheko.cloud,\"Gestion d'association, compta\",\"a, b\",5\n"
        "Wiki,idea,,,,\n",
        -1);
    g_autofree char *out = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "commons", "import", csv, NULL), 0);
    assert_non_null(strstr(out, "2 added"));
    g_autofree char *again = NULL;
    assert_int_equal(test_defis(db, &again, NULL, "commons", "import", csv, NULL), 0);
    assert_non_null(strstr(again, "2 unchanged"));
    /* Export in both formats, import into a fresh database: the same export. */
    g_autofree char *json = NULL, *csv_out = NULL;
    assert_int_equal(test_defis(db, &json, NULL, "commons", "export", NULL), 0);
    assert_int_equal(test_defis(db, &csv_out, NULL, "commons", "export", "--format", "csv", NULL),
                     0);
    g_autofree char *json_path = test_write_file(dir, "e.json", json, -1);
    g_autofree char *csv_path = test_write_file(dir, "e.csv", csv_out, -1);
    g_autofree char *other = g_build_filename(dir, "other.db", NULL);
    g_autofree char *third = g_build_filename(dir, "third.db", NULL);
    assert_int_equal(test_defis(other, NULL, NULL, "commons", "import", json_path, NULL), 0);
    assert_int_equal(test_defis(third, NULL, NULL, "commons", "import", csv_path, NULL), 0);
    g_autofree char *json2 = NULL, *json3 = NULL;
    assert_int_equal(test_defis(other, &json2, NULL, "commons", "export", NULL), 0);
    assert_int_equal(test_defis(third, &json3, NULL, "commons", "export", NULL), 0);
    assert_string_equal(json2, json);
    assert_string_equal(json3, json);
    assert_int_equal(test_defis(db, NULL, NULL, "commons", "import", json_path, NULL), 0);

    /* Bad files name line, column and field; nothing is written. */
    g_autofree char *bad = test_write_file(dir, "bad.csv",
                                           "name,stage,users\nNew,idea,1\nOther,beta,x\n", -1);
    g_autofree char *err = NULL;
    assert_int_equal(test_defis(db, NULL, &err, "commons", "import", bad, NULL), 1);
    g_autofree char *where_users = g_strdup_printf("%s:3:12: users:", bad);
    assert_non_null(strstr(err, where_users));
    g_autofree char *header = test_write_file(dir, "h.csv", "name,colour\nNew,red\n", -1);
    g_autofree char *herr = NULL;
    assert_int_equal(test_defis(db, NULL, &herr, "commons", "import", header, NULL), 1);
    assert_non_null(strstr(herr, ":1:2: header: unknown column \"colour\""));
    g_autofree char *badjson = test_write_file(
        dir, "bad.json", "{\"commons\": [{\"name\": \"New\", \"stage\": \"beta\"}]}", -1);
    g_autofree char *jerr = NULL;
    assert_int_equal(test_defis(db, NULL, &jerr, "commons", "import", badjson, NULL), 1);
    assert_non_null(strstr(jerr, "commons[0].stage: unknown stage"));
    g_autofree char *back = test_write_file(dir, "back.csv", "name,stage\nNew,idea\nPaheko,idea\n",
                                            -1);
    g_autofree char *berr = NULL;
    assert_int_equal(test_defis(db, NULL, &berr, "commons", "import", back, NULL), 1);
    g_autofree char *where_note = g_strdup_printf("%s:3:1: note:", back);
    assert_non_null(strstr(berr, where_note));
    g_autofree char *list = NULL;
    assert_int_equal(test_defis(db, &list, NULL, "commons", "list", NULL), 0);
    assert_null(strstr(list, "New"));
}

static void test_cli_commons__shortlists_freeze_show_and_diff(void **state)
{
    assert_int_equal(test_defis(db, NULL, NULL, "commons", "add", "Paheko", "--stage", "stable",
                                NULL),
                     0);
    assert_int_equal(test_defis(db, NULL, NULL, "link", "1", "Paheko", NULL), 0);
    g_autofree char *created = NULL;
    assert_int_equal(test_defis(db, &created, NULL, "shortlist", "create", "--name", "All",
                                "--json", NULL),
                     0);
    g_autoptr(json_t) s = test_parse_json(created);
    const char *sha = json_string_value(json_object_get(s, "sha256"));
    assert_int_equal(strlen(sha), 64);
    g_autofree char *canonical = NULL;
    assert_int_equal(test_defis(db, &canonical, NULL, "shortlist", "show", "1", "--canonical",
                                NULL),
                     0);
    g_autofree char *computed = g_compute_checksum_for_string(G_CHECKSUM_SHA256, canonical, -1);
    assert_string_equal(computed, sha);
    assert_int_equal(test_defis(db, NULL, NULL, "shortlist", "create", "--name", "Calls",
                                "--unserved", NULL),
                     0);
    g_autofree char *csv = NULL;
    assert_int_equal(test_defis(db, &csv, NULL, "shortlist", "show", "2", "--format", "csv",
                                NULL),
                     0);
    assert_true(g_str_has_prefix(csv, "rank,challenge_id,title,"));
    assert_null(strstr(csv, "Paheko"));
    g_autofree char *diff = NULL;
    assert_int_equal(test_defis(db, &diff, NULL, "shortlist", "diff", "1", "2", "--format",
                                "json", NULL),
                     0);
    g_autoptr(json_t) d = test_parse_json(diff);
    assert_int_equal(json_array_size(json_object_get(d, "left")), 1);
    assert_int_equal(json_array_size(json_object_get(d, "up")), 1);
    g_autofree char *list = NULL;
    assert_int_equal(test_defis(db, &list, NULL, "shortlist", "list", NULL), 0);
    assert_non_null(strstr(list, sha));
    assert_int_equal(test_defis(db, NULL, NULL, "shortlist", "show", "9", NULL), 1);
    assert_int_equal(test_defis(db, NULL, NULL, "shortlist", "create", "--name", "x", "--stage",
                                "beta", NULL),
                     1);
    /* New surveys leave the frozen shortlist as it was. */
    g_autofree char *more = test_write_file(dir, "b.csv",
                                            "place,challenge\nQ1,Financer l'animation du lieu\n"
                                            "Q2,Financer l'animation du lieu\n",
                                            -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Alpha", more, NULL), 0);
    g_autofree char *later = NULL;
    assert_int_equal(test_defis(db, &later, NULL, "shortlist", "show", "1", "--canonical", NULL),
                     0);
    assert_string_equal(later, canonical);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cli_commons__help_lists_the_commands, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli_commons__catalogue_stages_and_the_note_rule,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_commons__links_show_and_suggest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli_commons__import_export_round_trip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cli_commons__shortlists_freeze_show_and_diff, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
