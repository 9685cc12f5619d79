/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_rank.c - ranked pages: order, filters, cursors under inserts, previews, bad queries. */
#include "helpers.h"

#include <sqlite3.h>

#include "engine/error.h"
#include "engine/network.h"
#include "engine/rank.h"
#include "engine/score.h"
#include "surveys/import.h"

static char *dir;
static char *db;
static DefisStore *store;

/* Texts far apart, so that deduplication keeps each its own challenge. */
static const char *const texts[] = {
    "Financer l'animation du lieu",      "Trouver un logiciel de réservation",
    "Recruter des bénévoles fidèles",    "Obtenir un bail commercial durable",
    "Chauffer le hangar en hiver",       "Former les facilitateurs",
    "Partager la gouvernance",           "Dialoguer avec la mairie",
    "Documenter nos outils ouverts",     "Communiquer sur les réseaux sociaux",
    "Mutualiser un poste de comptable",  "Accueillir des publics éloignés",
    "Réparer les machines de l'atelier", "Assurer les événements festifs",
    "Ouvrir une cantine solidaire",      "Sécuriser la trésorerie mensuelle",
    "Évaluer notre impact territorial",  "Louer des bureaux aux indépendants",
    "Installer des panneaux solaires",   "Protéger les données personnelles",
};
#define N_TEXTS ((int)G_N_ELEMENTS(texts))

/* Text I, with J = I % 10, gets (J % 5) + 1 places in Alpha, J % 3 in Beta, J % 2
 * in Gamma: every support pattern twice, so ties matter. Themes cycle over three. */
static void load(void)
{
    static const char *const themes[] = {"Financement", "outils de gestion", "Gouvernance"};
    GString *a = g_string_new("place,challenge,theme\n");
    GString *b = g_string_new("place,challenge,theme\n");
    GString *g = g_string_new("place,challenge,theme\n");
    for (int i = 0; i < N_TEXTS; i++) {
        for (int p = 0; p <= i % 10 % 5; p++)
            g_string_append_printf(a, "A%d,%s,%s\n", p, texts[i], themes[i % 3]);
        for (int p = 0; p < i % 10 % 3; p++)
            g_string_append_printf(b, "B%d,%s,%s\n", p, texts[i], themes[i % 3]);
        for (int p = 0; p < i % 10 % 2; p++)
            g_string_append_printf(g, "G%d,%s,%s\n", p, texts[i], themes[i % 3]);
    }
    test_import_csv(store, dir, "Alpha", a->str);
    test_import_csv(store, dir, "Beta", b->str);
    test_import_csv(store, dir, "Gamma", g->str);
    g_string_free(a, TRUE);
    g_string_free(b, TRUE);
    g_string_free(g, TRUE);
}

static int setup(void **state)
{
    test_store_open(&dir, &db, &store);
    assert_true(defis_network_add(store, "Alpha", "Sud", "test", NULL) > 0);
    assert_true(defis_network_add(store, "Beta", "Sud", "test", NULL) > 0);
    assert_true(defis_network_add(store, "Gamma", "Nord", "test", NULL) > 0);
    assert_true(defis_network_add(store, "Delta", "Est", "test", NULL) > 0);
    load();
    return 0;
}

static int teardown(void **state)
{
    test_store_close(&dir, &db, &store);
    return 0;
}

static json_t *run(const DefisRankQuery *q)
{
    GError *error = NULL;
    json_t *page = defis_rank_query(store, q, &error);
    if (!page)
        fail_msg("rank query: %s", error->message);
    return page;
}

static json_t *items(json_t *page)
{
    return json_object_get(page, "challenges");
}

static gint64 id_of(json_t *item)
{
    return json_integer_value(json_object_get(item, "id"));
}

static double score_of(json_t *item)
{
    return json_real_value(json_object_get(item, "score"));
}

/* Every challenge of the ranking Q, following the cursors; ids in order. */
static GArray *all_ids(DefisRankQuery q)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_autofree char *after = g_strdup(q.after);
    for (;;) {
        q.after = after;
        g_autoptr(json_t) page = run(&q);
        size_t i;
        json_t *c;
        json_array_foreach(items(page), i, c)
        {
            gint64 id = id_of(c);
            g_array_append_val(ids, id);
        }
        json_t *next = json_object_get(page, "next");
        if (json_is_null(next))
            break;
        g_free(after);
        after = g_strdup(json_string_value(next));
    }
    return ids;
}

static void test_rank__orders_by_score_ties_by_id(void **state)
{
    DefisRankQuery q = {.limit = 100};
    g_autoptr(json_t) page = run(&q);
    assert_int_equal(json_array_size(items(page)), N_TEXTS);
    assert_true(json_is_null(json_object_get(page, "next")));
    g_autoptr(DefisScoreSettings) defaults = defis_settings_new_default();
    assert_string_equal(json_string_value(json_object_get(page, "settings_version")),
                        defis_settings_version(defaults));
    int ties = 0;
    for (size_t i = 0; i < json_array_size(items(page)); i++) {
        json_t *c = json_array_get(items(page), i);
        assert_int_equal(json_integer_value(json_object_get(c, "rank")), (json_int_t)i + 1);
        assert_non_null(json_object_get(c, "mentions"));
        assert_non_null(json_object_get(json_object_get(c, "reach"), "people"));
        assert_int_equal(json_array_size(json_object_get(c, "themes")), 1);
        if (i == 0)
            continue;
        json_t *p = json_array_get(items(page), i - 1);
        assert_true(score_of(p) >= score_of(c));
        if (score_of(p) == score_of(c)) {
            ties++;
            assert_true(id_of(p) < id_of(c));
        }
    }
    assert_true(ties > 0);
}

static void test_rank__filters_keep_only_what_they_name(void **state)
{
    /* Network: Gamma supports the odd texts only. */
    DefisRankQuery q = {.network = "Gamma", .limit = 100};
    g_autoptr(json_t) gamma = run(&q);
    assert_int_equal(json_array_size(items(gamma)), N_TEXTS / 2);
    /* Region Sud = Alpha or Beta: every text. Nord = Gamma. */
    q = (DefisRankQuery){.region = "Nord", .limit = 100};
    g_autoptr(json_t) nord = run(&q);
    assert_int_equal(json_array_size(items(nord)), N_TEXTS / 2);
    q = (DefisRankQuery){.region = "Sud", .limit = 100};
    g_autoptr(json_t) sud = run(&q);
    assert_int_equal(json_array_size(items(sud)), N_TEXTS);
    /* Theme, compared folded. */
    q = (DefisRankQuery){.theme = "FINANCEMENT", .limit = 100};
    g_autoptr(json_t) fin = run(&q);
    assert_int_equal(json_array_size(items(fin)), 7); /* i % 3 == 0 below 20 */
    q = (DefisRankQuery){.theme = "Outils de Gestion", .network = "Gamma", .limit = 100};
    g_autoptr(json_t) both = run(&q);
    size_t i;
    json_t *c;
    json_array_foreach(items(both), i, c)
    {
        assert_string_equal(json_string_value(json_array_get(json_object_get(c, "themes"), 0)),
                            "outils de gestion");
        assert_true(json_integer_value(json_object_get(json_object_get(c, "reach"), "networks")) >=
                    2);
    }
    assert_int_equal(json_array_size(items(both)), 4); /* i = 1, 7, 13, 19 */
    /* Minimum reach. */
    q = (DefisRankQuery){.min_networks = 3, .limit = 100};
    g_autoptr(json_t) three = run(&q);
    json_array_foreach(items(three), i, c) assert_int_equal(
        json_integer_value(json_object_get(json_object_get(c, "reach"), "networks")), 3);
    q = (DefisRankQuery){.min_places = 6, .limit = 100};
    g_autoptr(json_t) six = run(&q);
    assert_int_equal(json_array_size(items(six)), 6); /* J = 4, 8, 9 */
    /* Search: accents and case ignored, words as prefixes. */
    q = (DefisRankQuery){.search = "BENEVOLE", .limit = 100};
    g_autoptr(json_t) found = run(&q);
    assert_int_equal(json_array_size(items(found)), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(items(found), 0), "title")),
        "Recruter des bénévoles fidèles");
    q = (DefisRankQuery){.search = "réseaux soc", .limit = 100};
    g_autoptr(json_t) two_words = run(&q);
    assert_int_equal(json_array_size(items(two_words)), 1);
    q = (DefisRankQuery){.search = "zzzz", .limit = 100};
    g_autoptr(json_t) none = run(&q);
    assert_int_equal(json_array_size(items(none)), 0);
}

static void test_rank__bad_queries_name_the_parameter(void **state)
{
    static const struct {
        DefisRankQuery q;
        const char *prefix;
    } cases[] = {
        {{.limit = -1}, "limit: "},
        {{.limit = DEFIS_RANK_LIMIT_MAX + 1}, "limit: "},
        {{.min_networks = -2}, "min_networks: "},
        {{.min_places = 2000000}, "min_places: "},
        {{.network = "Nowhere"}, "network: "},
        {{.network = ""}, "network: "},
        {{.region = "Atlantide"}, "region: "},
        {{.theme = "  !! "}, "theme: "},
        {{.theme = "a\tb"}, "theme: "},
        {{.search = "?!"}, "search: "},
        {{.search = "\xff"}, "search: "},
        {{.after = "not a cursor!"}, "after: "},
        {{.after = "dGVzdA"}, "after: "},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        json_t *page = defis_rank_query(store, &cases[i].q, &error);
        assert_null(page);
        assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
        if (!g_str_has_prefix(error->message, cases[i].prefix))
            fail_msg("case %u: \"%s\" does not start with \"%s\"", i, error->message,
                     cases[i].prefix);
        g_error_free(error);
    }
}

static void test_rank__pages_neither_skip_nor_repeat_under_inserts(void **state)
{
    DefisRankQuery q = {.limit = 100};
    g_autoptr(GArray) before = all_ids(q);
    assert_int_equal(before->len, N_TEXTS);

    /* First page, then a new network's survey arrives with new challenges, some
     * of which rank at the top, before the second page is read. */
    q.limit = 6;
    g_autoptr(json_t) first = run(&q);
    GString *csv = g_string_new("place,challenge\n");
    for (int p = 0; p < 9; p++)
        g_string_append_printf(
            csv, "D%d,Creuser un puits artésien\nD%d,Tisser des paniers d'osier\n", p, p);
    test_import_csv(store, dir, "Delta", csv->str);
    g_string_free(csv, TRUE);

    g_autoptr(GArray) seen = g_array_new(FALSE, FALSE, sizeof(gint64));
    size_t i;
    json_t *c;
    json_array_foreach(items(first), i, c)
    {
        gint64 id = id_of(c);
        g_array_append_val(seen, id);
    }
    q.after = json_string_value(json_object_get(first, "next"));
    assert_non_null(q.after);
    g_autoptr(GArray) rest = all_ids(q);
    g_array_append_vals(seen, rest->data, rest->len);
    /* The old challenges come once each, in their order; the new ones that rank
     * above the cursor are not on the later pages. */
    g_autoptr(GArray) old = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint k = 0; k < seen->len; k++) {
        gint64 id = g_array_index(seen, gint64, k);
        for (guint j = 0; j < before->len; j++)
            if (g_array_index(before, gint64, j) == id)
                g_array_append_val(old, id);
    }
    assert_int_equal(old->len, before->len);
    assert_memory_equal(old->data, before->data, before->len * sizeof(gint64));
    for (guint k = 0; k < seen->len; k++)
        for (guint j = k + 1; j < seen->len; j++)
            assert_true(g_array_index(seen, gint64, k) != g_array_index(seen, gint64, j));
    /* The ranks go on from the cursor. */
    q.limit = 3;
    g_autoptr(json_t) second = run(&q);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items(second), 0), "rank")),
                     7);
}

static char *dump_scores(void)
{
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(conn,
                                        "SELECT group_concat(challenge_id || ':' || score, ';')"
                                        " FROM (SELECT * FROM challenge_score ORDER BY 1)",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    char *out = g_strdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
    return out;
}

static void test_rank__a_preview_changes_the_ranking_not_the_data(void **state)
{
    g_autofree char *before = dump_scores();
    DefisRankQuery stored = {.limit = 100};
    g_autoptr(json_t) base = run(&stored);

    /* The defaults spelled out: the same ranking, from the index. */
    g_autoptr(DefisScoreSettings) same =
        defis_settings_parse("[score]\nz = 1.96\n[weights]\ndefault = 1\n", -1, "same.ini", NULL);
    DefisRankQuery q = {.limit = 100, .settings = same};
    g_autoptr(json_t) again = run(&q);
    assert_true(json_equal(base, again));

    /* Gamma weighs 10: the texts it supports come first. */
    g_autoptr(DefisScoreSettings) gamma =
        defis_settings_parse("[weights]\nGamma = 10\n", -1, "gamma.ini", NULL);
    q = (DefisRankQuery){.limit = 100, .settings = gamma, .breakdown = TRUE};
    g_autoptr(json_t) preview = run(&q);
    assert_string_equal(json_string_value(json_object_get(preview, "settings_version")),
                        defis_settings_version(gamma));
    for (size_t i = 0; i < json_array_size(items(preview)); i++) {
        json_t *c = json_array_get(items(preview), i);
        gboolean in_gamma = FALSE;
        size_t j;
        json_t *n;
        json_array_foreach(json_object_get(json_object_get(c, "breakdown"), "networks"), j, n)
            in_gamma |= g_strcmp0(json_string_value(json_object_get(n, "network")), "Gamma") == 0;
        assert_true(in_gamma == (i < (size_t)N_TEXTS / 2));
        /* Each previewed score is the one its explanation gives. */
        GError *error = NULL;
        g_autoptr(json_t) e = defis_score_explain(store, id_of(c), gamma, &error);
        assert_true(score_of(c) == json_real_value(json_object_get(e, "score")));
        assert_true(score_of(c) ==
                    json_real_value(json_object_get(json_object_get(c, "breakdown"), "score")));
    }
    assert_false(json_equal(items(base), items(preview)));
    /* Preview pages chain like stored ones. */
    q = (DefisRankQuery){.limit = 7, .settings = gamma};
    g_autoptr(GArray) paged = all_ids(q);
    assert_int_equal(paged->len, N_TEXTS);
    for (guint i = 0; i < paged->len; i++)
        assert_int_equal(g_array_index(paged, gint64, i), id_of(json_array_get(items(preview), i)));

    g_autofree char *after = dump_scores();
    assert_string_equal(before, after);
}

static void test_rank__a_cursor_belongs_to_its_query_and_settings(void **state)
{
    DefisRankQuery q = {.limit = 5};
    g_autoptr(json_t) first = run(&q);
    const char *cursor = json_string_value(json_object_get(first, "next"));
    g_autoptr(DefisScoreSettings) other =
        defis_settings_parse("[score]\nz = 1\n", -1, "o.ini", NULL);
    GError *error = NULL;
    q = (DefisRankQuery){.limit = 5, .after = cursor, .settings = other};
    assert_null(defis_rank_query(store, &q, &error));
    assert_true(g_str_has_prefix(error->message, "after: the cursor was made under other"));
    g_clear_error(&error);
    q = (DefisRankQuery){.limit = 5, .after = cursor, .theme = "financement"};
    assert_null(defis_rank_query(store, &q, &error));
    assert_true(g_str_has_prefix(error->message, "after: the cursor belongs"));
    g_clear_error(&error);
}

static void test_rank__filtered_pages_chain_to_the_filtered_ranking(void **state)
{
    DefisRankQuery filters[] = {
        {.network = "Alpha"},    {.theme = "gouvernance"}, {.region = "Sud"},
        {.search = "le la des"}, {.min_places = 3},
    };
    for (guint f = 0; f < G_N_ELEMENTS(filters); f++) {
        DefisRankQuery q = filters[f];
        q.limit = 100;
        g_autoptr(json_t) whole = run(&q);
        q.limit = 2;
        g_autoptr(GArray) paged = all_ids(q);
        assert_int_equal(paged->len, json_array_size(items(whole)));
        for (guint i = 0; i < paged->len; i++)
            assert_int_equal(g_array_index(paged, gint64, i),
                             id_of(json_array_get(items(whole), i)));
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_rank__orders_by_score_ties_by_id),
        T(test_rank__filters_keep_only_what_they_name),
        T(test_rank__bad_queries_name_the_parameter),
        T(test_rank__pages_neither_skip_nor_repeat_under_inserts),
        T(test_rank__a_preview_changes_the_ranking_not_the_data),
        T(test_rank__a_cursor_belongs_to_its_query_and_settings),
        T(test_rank__filtered_pages_chain_to_the_filtered_ranking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
