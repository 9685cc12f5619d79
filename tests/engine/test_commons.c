/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_commons.c - the catalogue of commons: stages and the note rule, recognition, links,
 * links through merges and splits, suggestions, import. */
#include "helpers.h"

#include <sqlite3.h>
#include <string.h>

#include "engine/commons.h"
#include "engine/dedup.h"
#include "engine/error.h"
#include "engine/journal.h"
#include "engine/network.h"
#include "surveys/import.h"

static char *dir;
static char *db;
static DefisStore *store;

static gint64 challenge_id(const char *title)
{
    char *quoted = sqlite3_mprintf("SELECT id FROM challenge WHERE title = %Q", title);
    gint64 id = test_query_int(db, quoted);
    sqlite3_free(quoted);
    if (id < 1)
        fail_msg("no challenge \"%s\"", title);
    return id;
}

static gint64 add(const char *name, const char *stage, gint64 users, const char *keywords)
{
    DefisCommonsFields f = {.name = name, .stage = stage, .users = users, .keywords = keywords};
    GError *error = NULL;
    gint64 id = defis_commons_add(store, &f, "test", &error);
    if (!id)
        fail_msg("add %s: %s", name, error->message);
    return id;
}

/* The names of the commons linked to CHALLENGE, joined by ",". */
static char *linked(gint64 challenge)
{
    g_autoptr(json_t) list = defis_commons_of_challenge(store, challenge, NULL, NULL);
    assert_non_null(list);
    GString *out = g_string_new(NULL);
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) g_string_append_printf(
        out, "%s%s", i ? "," : "", json_string_value(json_object_get(c, "name")));
    return g_string_free(out, FALSE);
}

static int setup(void **state)
{
    test_store_open(&dir, &db, &store);
    assert_true(defis_network_add(store, "Alpha", "Sud", "test", NULL) > 0);
    test_import_csv(store, dir, "Alpha",
                    "place,challenge,theme\n"
                    "P1,Trouver un logiciel de gestion des adhésions,outils\n"
                    "P2,Trouver un logiciel de gestion des adhésions,outils\n"
                    "P3,Financer l'animation du lieu,financement\n"
                    "P4,Recruter des bénévoles fidèles,\n");
    return 0;
}

static int teardown(void **state)
{
    test_store_close(&dir, &db, &store);
    return 0;
}

static void test_commons__stage_order_and_note_rule(void **state)
{
    assert_false(defis_stage_needs_note(DEFIS_STAGE_IDEA, DEFIS_STAGE_PROTOTYPE));
    assert_false(defis_stage_needs_note(DEFIS_STAGE_IDEA, DEFIS_STAGE_STABLE));
    assert_true(defis_stage_needs_note(DEFIS_STAGE_STABLE, DEFIS_STAGE_PROTOTYPE));
    assert_true(defis_stage_needs_note(DEFIS_STAGE_PROTOTYPE, DEFIS_STAGE_IDEA));
    assert_true(defis_stage_needs_note(DEFIS_STAGE_IDEA, DEFIS_STAGE_DORMANT));
    assert_false(defis_stage_needs_note(DEFIS_STAGE_DORMANT, DEFIS_STAGE_IDEA));

    add("Wiki", "idea", 0, NULL);
    GError *error = NULL;
    assert_true(defis_commons_set_stage(store, "Wiki", "stable", NULL, "lead", &error));
    assert_false(defis_commons_set_stage(store, "Wiki", "prototype", NULL, "lead", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    assert_non_null(strstr(error->message, "needs a note"));
    g_clear_error(&error);
    assert_false(defis_commons_set_stage(store, "Wiki", "dormant", "  ", "lead", &error));
    g_clear_error(&error);
    assert_false(defis_commons_set_stage(store, "Wiki", "stable", NULL, "lead", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    assert_true(
        defis_commons_set_stage(store, "wiki", "prototype", "funding ended", "lead2", &error));
    assert_true(defis_commons_set_stage(store, "Wiki", "dormant", "no maintainer", "lead", NULL));
    assert_true(defis_commons_set_stage(store, "Wiki", "idea", NULL, "lead", NULL));

    g_autoptr(json_t) c = defis_commons_get(store, "Wiki", NULL, &error);
    assert_non_null(c);
    assert_string_equal(json_string_value(json_object_get(c, "stage")), "idea");
    json_t *history = json_object_get(c, "history");
    assert_int_equal(json_array_size(history), 5);
    json_t *back = json_array_get(history, 2);
    assert_string_equal(json_string_value(json_object_get(back, "previous")), "stable");
    assert_string_equal(json_string_value(json_object_get(back, "stage")), "prototype");
    assert_string_equal(json_string_value(json_object_get(back, "note")), "funding ended");
    assert_string_equal(json_string_value(json_object_get(back, "actor")), "lead2");
    assert_non_null(json_string_value(json_object_get(back, "at")));
    /* Journaled, one entry per change. */
    assert_int_equal(
        test_query_int(db, "SELECT count(*) FROM journal WHERE action = 'commons.stage'"), 4);
    /* An unknown stage or commons. */
    assert_false(defis_commons_set_stage(store, "Wiki", "beta", NULL, "lead", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    g_clear_error(&error);
    assert_false(defis_commons_set_stage(store, "Nope", "idea", NULL, "lead", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
}

static void test_commons__recognised_from_the_configured_threshold(void **state)
{
    add("Small", "prototype", 2, NULL);
    add("Big", "stable", 3, NULL);
    g_autoptr(json_t) list = defis_commons_list(store, NULL, NULL, NULL);
    assert_int_equal(json_array_size(list), 2);
    /* By name: Big, Small. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "status")),
                        "recognised");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "status")),
                        "candidate");
    GError *error = NULL;
    g_autoptr(DefisScoreSettings) strict =
        defis_settings_parse("[commons]\nrecognised_users = 5\n", -1, "s.ini", &error);
    assert_non_null(strict);
    g_autoptr(DefisScoreSettings) defaults = defis_settings_new_default();
    assert_string_not_equal(defis_settings_version(strict), defis_settings_version(defaults));
    g_autoptr(json_t) strict_list = defis_commons_list(store, NULL, strict, NULL);
    assert_false(json_is_true(json_object_get(json_array_get(strict_list, 0), "recognised")));
    g_autoptr(DefisScoreSettings) bad =
        defis_settings_parse("[commons]\nrecognised_users = -1\n", -1, "s.ini", &error);
    assert_null(bad);
    assert_non_null(strstr(error->message, "s.ini:2: [commons] recognised_users"));
    g_clear_error(&error);
    /* Users reach the threshold: recognised. */
    DefisCommonsFields f = {.users = 3};
    assert_true(defis_commons_update(store, "Small", &f, "lead", &error));
    g_autoptr(json_t) small = defis_commons_get(store, "Small", NULL, NULL);
    assert_true(json_is_true(json_object_get(small, "recognised")));
    g_autoptr(json_t) stable = defis_commons_list(store, "stable", NULL, NULL);
    assert_int_equal(json_array_size(stable), 1);
}

static void test_commons__add_and_update_check_their_fields(void **state)
{
    GError *error = NULL;
    DefisCommonsFields f = {.name = "X", .stage = "idea", .url = "ftp://x", .users = -1};
    assert_int_equal(defis_commons_add(store, &f, "t", &error), 0);
    assert_true(g_str_has_prefix(error->message, "url: "));
    g_clear_error(&error);
    f.url = "https://x.org";
    assert_true(defis_commons_add(store, &f, "t", &error) > 0);
    f.name = "x";
    assert_int_equal(defis_commons_add(store, &f, "t", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    add("Y", "idea", 0, " b,a ;; b ");
    g_autoptr(json_t) y = defis_commons_get(store, "Y", NULL, NULL);
    assert_int_equal(json_array_size(json_object_get(y, "keywords")), 2);
    DefisCommonsFields rename = {.name = "X", .users = -1};
    assert_false(defis_commons_update(store, "Y", &rename, "t", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    rename.name = "Z";
    rename.url = "";
    assert_true(defis_commons_update(store, "Y", &rename, "t", &error));
    g_autoptr(json_t) z = defis_commons_get(store, "Z", NULL, NULL);
    assert_non_null(z);
    assert_null(json_string_value(json_object_get(z, "url")));
}

static void test_commons__link_and_unlink_are_journaled(void **state)
{
    gint64 a = challenge_id("Trouver un logiciel de gestion des adhésions");
    add("Paheko", "stable", 10, "adhésions, comptabilité");
    GError *error = NULL;
    assert_true(defis_commons_link(store, a, "Paheko", "gère les adhésions", "lead", &error));
    assert_false(defis_commons_link(store, a, "paheko", NULL, "lead", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
    assert_false(defis_commons_link(store, 9999, "Paheko", NULL, "lead", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
    g_autofree char *names = linked(a);
    assert_string_equal(names, "Paheko");
    g_autoptr(json_t) c = defis_commons_get(store, "Paheko", NULL, NULL);
    json_t *challenges = json_object_get(c, "challenges");
    assert_int_equal(json_array_size(challenges), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(challenges, 0), "note")),
                        "gère les adhésions");
    assert_true(defis_commons_unlink(store, a, "Paheko", "lead", &error));
    assert_false(defis_commons_unlink(store, a, "Paheko", "lead", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
    g_autoptr(json_t) journal = defis_journal_list(store, NULL, "link", 0, 10, &error);
    json_t *entries = json_object_get(journal, "entries");
    assert_int_equal(json_array_size(entries), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(entries, 0), "action")),
                        "link.remove");
    assert_string_equal(json_string_value(json_object_get(json_array_get(entries, 1), "actor")),
                        "lead");
}

/* A merge as engine/dedup.c runs it: log it, move the mentions, then the links. */
static gint64 merge_by_hand(gint64 target, gint64 source)
{
    GError *error = NULL;
    assert_true(defis_store_begin(store, &error));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_LOG_INSERT);
    defis_stmt_bind_int(stmt, 1, target);
    defis_stmt_bind_int(stmt, 2, source);
    defis_stmt_bind_text(stmt, 3, "2026-01-01T00:00:00.000Z", -1);
    defis_stmt_bind_text(stmt, 4, "test", -1);
    assert_true(defis_stmt_exec(stmt, &error));
    gint64 merge = defis_store_last_id(store);
    stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_MOVE_MENTIONS);
    defis_stmt_bind_int(stmt, 1, target);
    defis_stmt_bind_int(stmt, 2, source);
    assert_true(defis_stmt_exec(stmt, &error));
    assert_true(defis_commons_links_merge(store, merge, target, source, &error));
    assert_true(defis_store_commit(store, &error));
    return merge;
}

static void test_commons__links_follow_merge_and_unmerge_exactly(void **state)
{
    gint64 a = challenge_id("Trouver un logiciel de gestion des adhésions");
    gint64 b = challenge_id("Financer l'animation du lieu");
    add("One", "idea", 0, NULL);
    add("Two", "idea", 0, NULL);
    add("Three", "idea", 0, NULL);
    assert_true(defis_commons_link(store, a, "One", "a's note", "lead", NULL));
    assert_true(defis_commons_link(store, b, "One", "b's note", "lead", NULL));
    assert_true(defis_commons_link(store, b, "Two", NULL, "lead", NULL));
    gint64 merge = merge_by_hand(a, b);
    g_autofree char *after = linked(a);
    assert_string_equal(after, "One,Two");
    g_autofree char *gone = linked(b);
    assert_string_equal(gone, "");
    /* The target kept its own link once, with its own note. */
    g_autoptr(json_t) one = defis_commons_of_challenge(store, a, NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(json_array_get(one, 0), "note")),
                        "a's note");
    /* A link added to the target after the merge stays there. */
    assert_true(defis_commons_link(store, a, "Three", NULL, "lead", NULL));

    GError *error = NULL;
    assert_true(defis_store_begin(store, &error));
    assert_true(defis_commons_links_unmerge(store, merge, a, b, &error));
    assert_true(defis_store_commit(store, &error));
    g_autofree char *a_back = linked(a);
    assert_string_equal(a_back, "One,Three");
    g_autofree char *b_back = linked(b);
    assert_string_equal(b_back, "One,Two");
    g_autoptr(json_t) b_one = defis_commons_of_challenge(store, b, NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(json_array_get(b_one, 0), "note")),
                        "b's note");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM link_merge_move"), 0);
}

static void test_commons__links_follow_dedup_merge_unmerge_and_split(void **state)
{
    gint64 a = challenge_id("Trouver un logiciel de gestion des adhésions");
    gint64 c = challenge_id("Recruter des bénévoles fidèles");
    add("One", "idea", 0, NULL);
    assert_true(defis_commons_link(store, c, "One", NULL, "lead", NULL));
    GError *error = NULL;
    g_autoptr(json_t) merges = defis_dedup_merge(store, a, &c, 1, "lead", &error);
    if (!merges)
        fail_msg("merge: %s", error->message);
    g_autofree char *merged = linked(a);
    assert_string_equal(merged, "One");
    assert_true(defis_dedup_unmerge(store, c, "lead", &error));
    g_autofree char *a_back = linked(a);
    assert_string_equal(a_back, "");
    g_autofree char *c_back = linked(c);
    assert_string_equal(c_back, "One");
    /* A split copies the links to the new challenge. */
    gint64 mention = test_query_int(db, "SELECT min(id) FROM mention WHERE challenge_id IN "
                                        "(SELECT id FROM challenge WHERE title LIKE 'Trouver%')");
    assert_true(defis_commons_link(store, a, "One", NULL, "lead", NULL));
    gint64 fresh = defis_dedup_split(store, &mention, 1, "lead", &error);
    if (!fresh)
        fail_msg("split: %s", error->message);
    g_autofree char *copied = linked(fresh);
    assert_string_equal(copied, "One");
}

static void test_commons__suggestions_use_the_text_pipeline(void **state)
{
    gint64 a = challenge_id("Trouver un logiciel de gestion des adhésions");
    add("Paheko", "stable", 10, "gestion des adhérents, adhésion, comptabilité");
    add("Wiki des tiers-lieux", "prototype", 1, "documentation");
    add("Logiciels des adhésions", "idea", 0, NULL);
    GError *error = NULL;
    g_autoptr(json_t) out = defis_commons_suggest(store, a, 5, &error);
    assert_non_null(out);
    json_t *list = json_object_get(out, "suggestions");
    assert_true(json_array_size(list) >= 2);
    /* Plurals, accents and case do not hide a match; the unrelated wiki is left out. */
    gboolean wiki = FALSE;
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) wiki |=
        strcmp(json_string_value(json_object_get(s, "name")), "Wiki des tiers-lieux") == 0;
    assert_false(wiki);
    const char *first = json_string_value(json_object_get(json_array_get(list, 0), "name"));
    assert_true(strcmp(first, "Logiciels des adhésions") == 0 || strcmp(first, "Paheko") == 0);
    /* Once linked, a commons is no longer suggested. */
    assert_true(defis_commons_link(store, a, first, NULL, "lead", NULL));
    g_autoptr(json_t) again = defis_commons_suggest(store, a, 5, NULL);
    json_array_foreach(json_object_get(again, "suggestions"), i, s)
        assert_string_not_equal(json_string_value(json_object_get(s, "name")), first);
    assert_null(defis_commons_suggest(store, 9999, 5, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
}

static void test_commons__import_is_idempotent_and_atomic(void **state)
{
    DefisCommonsFields rows[] = {
        {.name = "A", .stage = "idea", .users = 1, .keywords = "x, y"},
        {.name = "B", .stage = "stable", .users = -1, .url = "https://b.org"},
    };
    DefisCommonsImportReport r = {0};
    gsize bad = 0;
    const char *field = NULL;
    GError *error = NULL;
    assert_true(defis_commons_import(store, rows, 2, "t", &r, &bad, &field, &error));
    assert_int_equal(r.added, 2);
    assert_true(defis_commons_import(store, rows, 2, "t", &r, &bad, &field, &error));
    assert_int_equal(r.added, 0);
    assert_int_equal(r.unchanged, 2);
    /* A move back without a note fails the whole import. */
    DefisCommonsFields back[] = {
        {.name = "C", .stage = "idea", .users = -1},
        {.name = "B", .stage = "idea", .users = -1},
    };
    assert_false(defis_commons_import(store, back, 2, "t", &r, &bad, &field, &error));
    assert_int_equal(bad, 1);
    assert_string_equal(field, "note");
    g_clear_error(&error);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM commons WHERE name = 'C'"), 0);
    /* A name twice. */
    DefisCommonsFields twice[] = {
        {.name = "D", .stage = "idea", .users = -1},
        {.name = "d", .stage = "idea", .users = -1},
    };
    assert_false(defis_commons_import(store, twice, 2, "t", &r, &bad, &field, &error));
    assert_int_equal(bad, 1);
    g_clear_error(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commons__stage_order_and_note_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commons__recognised_from_the_configured_threshold,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_commons__add_and_update_check_their_fields, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commons__link_and_unlink_are_journaled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commons__links_follow_merge_and_unmerge_exactly, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commons__links_follow_dedup_merge_unmerge_and_split,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_commons__suggestions_use_the_text_pipeline, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commons__import_is_idempotent_and_atomic, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
