/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_dedup.c - grouping mentions into challenges, and the lead's decisions on it. */
#include "helpers.h"

#include "engine/dedup.h"
#include "engine/error.h"
#include "engine/network.h"
#include "engine/rank.h"
#include "engine/score.h"
#include "engine/vote.h"
#include "surveys/import.h"

static char *dir;
static DefisStore *store;

static DefisStore *new_store(const char *name)
{
    g_autofree char *db = g_build_filename(dir, name, NULL);
    DefisStore *s = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(s);
    assert_true(defis_network_add(s, "Occitanie", NULL, "test", NULL) > 0);
    assert_true(defis_network_add(s, "Bretagne", NULL, "test", NULL) > 0);
    return s;
}

static int setup(void **state)
{
    dir = test_tmpdir();
    store = new_store("t.db");
    return 0;
}

static int teardown(void **state)
{
    g_clear_pointer(&store, defis_store_close);
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    return 0;
}

typedef struct {
    GHashTable *by_text; /* text -> challenge id */
} Grouping;

static gboolean collect(const DefisMentionOut *m, gpointer data, GError **error)
{
    Grouping *g = data;
    g_hash_table_insert(g->by_text, g_strdup(m->text), g_memdup2(&m->challenge_id, sizeof(gint64)));
    return TRUE;
}

/* The challenge of each mention text. */
static GHashTable *grouping(DefisStore *s)
{
    Grouping g = {g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)};
    assert_true(defis_rank_each_mention(s, 0, collect, &g, NULL));
    return g.by_text;
}

static gint64 challenge_of(GHashTable *g, const char *text)
{
    gint64 *id = g_hash_table_lookup(g, text);
    if (!id)
        fail_msg("no mention \"%s\"", text);
    return *id;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The partition as canonical text: each challenge's sorted texts, sorted. */
static char *partition(DefisStore *s)
{
    g_autoptr(GHashTable) g = grouping(s);
    g_autoptr(GHashTable) groups =
        g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, g);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        GPtrArray *texts = g_hash_table_lookup(groups, value);
        if (!texts) {
            texts = g_ptr_array_new();
            g_hash_table_insert(groups, value, texts);
        }
        g_ptr_array_add(texts, key);
    }
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_iter_init(&iter, groups);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        GPtrArray *texts = value;
        qsort(texts->pdata, texts->len, sizeof(char *), compare_strings);
        g_ptr_array_add(texts, NULL);
        g_ptr_array_add(lines, g_strjoinv(" | ", (char **)texts->pdata));
    }
    qsort(lines->pdata, lines->len, sizeof(char *), compare_strings);
    g_ptr_array_add(lines, NULL);
    return g_strjoinv("\n", (char **)lines->pdata);
}

/* The open challenges' titles, sorted: rebuilds must agree on them too. */
static char *titles(DefisStore *s)
{
    DefisRankQuery q = {.limit = 1000};
    g_autoptr(json_t) ranked = defis_rank_query(s, &q, NULL);
    assert_non_null(ranked);
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(ranked, "challenges"), i, c)
        g_ptr_array_add(list, (gpointer)json_string_value(json_object_get(c, "title")));
    qsort(list->pdata, list->len, sizeof(char *), compare_strings);
    g_ptr_array_add(list, NULL);
    return g_strjoinv("\n", (char **)list->pdata);
}

static const char *const occitanie =
    "place,challenge\n"
    "La Fabrique,Trouver des financements pour l'animation du lieu\n"
    "Le Hangar,financement de l'animation du lieu\n"
    "La Gare,FINANCER L'ANIMATION DU LIEU\n"
    "Le Bocal,Trouver un outil de réservation des salles\n"
    "Les Causses,Un outil pour la reservation des salles\n"
    "Le Quai,Recruter des bénévoles\n"
    "L'Atelier,Assurer le lieu à un coût raisonnable\n";

static const char *const bretagne = "place,challenge\n"
                                    "Ti Lab,Financer l’animation du lieu\n"
                                    "L'Établi,Recrutement de bénévoles\n"
                                    "Fablab,Documenter les machines de l'atelier\n"
                                    "La Grange,Documentation des machines de l’atelier\n"
                                    "Le Moulin,Trouver un outil de reservation des sales\n";

static void test_dedup__variants_join_and_others_stay_apart(void **state)
{
    test_import_csv(store, dir, "Occitanie", occitanie);
    test_import_csv(store, dir, "Bretagne", bretagne);
    g_autoptr(GHashTable) g = grouping(store);
    gint64 money = challenge_of(g, "Trouver des financements pour l'animation du lieu");
    assert_int_equal(challenge_of(g, "financement de l'animation du lieu"), money);
    assert_int_equal(challenge_of(g, "FINANCER L'ANIMATION DU LIEU"), money);
    assert_int_equal(challenge_of(g, "Financer l’animation du lieu"), money);
    gint64 booking = challenge_of(g, "Trouver un outil de réservation des salles");
    assert_int_equal(challenge_of(g, "Un outil pour la reservation des salles"), booking);
    /* A typo ("sales") and no accent. */
    assert_int_equal(challenge_of(g, "Trouver un outil de reservation des sales"), booking);
    gint64 volunteers = challenge_of(g, "Recruter des bénévoles");
    assert_int_equal(challenge_of(g, "Recrutement de bénévoles"), volunteers);
    gint64 docs = challenge_of(g, "Documenter les machines de l'atelier");
    assert_int_equal(challenge_of(g, "Documentation des machines de l’atelier"), docs);
    gint64 insurance = challenge_of(g, "Assurer le lieu à un coût raisonnable");
    gint64 all[] = {money, booking, volunteers, docs, insurance};
    for (guint i = 0; i < G_N_ELEMENTS(all); i++)
        for (guint j = i + 1; j < G_N_ELEMENTS(all); j++)
            assert_int_not_equal(all[i], all[j]);
}

static void test_dedup__rebuild_ignores_import_order(void **state)
{
    test_import_csv(store, dir, "Occitanie", occitanie);
    test_import_csv(store, dir, "Bretagne", bretagne);
    g_autoptr(DefisStore) other = new_store("other.db");
    test_import_csv(other, dir, "Bretagne", bretagne);
    test_import_csv(other, dir, "Occitanie", occitanie);
    DefisRebuildReport ra, rb;
    GError *error = NULL;
    assert_true(defis_dedup_rebuild(store, NULL, "test", &ra, &error));
    assert_true(defis_dedup_rebuild(other, NULL, "test", &rb, &error));
    g_autofree char *pa = partition(store), *pb = partition(other);
    assert_string_equal(pa, pb);
    g_autofree char *ta = titles(store), *tb = titles(other);
    assert_string_equal(ta, tb);
    assert_int_equal(ra.challenges, rb.challenges);
    assert_int_equal(ra.mentions, 12);
    /* A second rebuild changes nothing, not even the ids. */
    g_autoptr(GHashTable) before = grouping(store);
    assert_true(defis_dedup_rebuild(store, NULL, "test", &ra, &error));
    g_autoptr(GHashTable) after = grouping(store);
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, before);
    while (g_hash_table_iter_next(&iter, &key, &value))
        assert_int_equal(*(gint64 *)value, challenge_of(after, key));
    assert_int_equal(ra.archived, 0);
}

static json_t *explain(gint64 id)
{
    GError *error = NULL;
    json_t *out = defis_score_explain(store, id, NULL, &error);
    if (!out)
        fail_msg("explain %" G_GINT64_FORMAT ": %s", id, error->message);
    return out;
}

static void test_dedup__merge_then_unmerge_restores_exactly(void **state)
{
    test_import_csv(store, dir, "Occitanie", occitanie);
    test_import_csv(store, dir, "Bretagne", bretagne);
    g_autoptr(GHashTable) g = grouping(store);
    gint64 money = challenge_of(g, "Trouver des financements pour l'animation du lieu");
    gint64 insurance = challenge_of(g, "Assurer le lieu à un coût raisonnable");
    GError *error = NULL;
    assert_true(defis_vote_add(store, "Bretagne", "Ti Lab", insurance, "test", &error) > 0);
    g_autoptr(json_t) money_before = explain(money);
    g_autoptr(json_t) insurance_before = explain(insurance);
    g_autofree char *part_before = partition(store);

    g_autoptr(json_t) merges = defis_dedup_merge(store, money, &insurance, 1, "test", &error);
    assert_non_null(merges);
    g_autoptr(GHashTable) merged = grouping(store);
    assert_int_equal(challenge_of(merged, "Assurer le lieu à un coût raisonnable"), money);
    g_autoptr(json_t) money_merged = explain(money);
    /* Ti Lab supports both: it counts once. */
    json_t *votes = json_object_get(money_merged, "votes");
    assert_int_equal(json_integer_value(votes),
                     json_integer_value(json_object_get(money_before, "votes")) + 1);
    /* Acting on the merged challenge names where it went. */
    gint64 again = insurance;
    assert_null(defis_dedup_merge(store, again, &money, 1, "test", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);

    assert_true(defis_dedup_unmerge(store, insurance, "test", &error));
    g_autofree char *part_after = partition(store);
    assert_string_equal(part_before, part_after);
    g_autoptr(json_t) money_after = explain(money);
    g_autoptr(json_t) insurance_after = explain(insurance);
    assert_true(json_equal(money_before, money_after));
    assert_true(json_equal(insurance_before, insurance_after));
    /* Nothing left to undo. */
    assert_false(defis_dedup_unmerge(store, insurance, "test", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
}

static void test_dedup__decisions_survive_rebuild_and_imports(void **state)
{
    test_import_csv(store, dir, "Occitanie", occitanie);
    g_autoptr(GHashTable) g = grouping(store);
    gint64 money = challenge_of(g, "Trouver des financements pour l'animation du lieu");
    gint64 insurance = challenge_of(g, "Assurer le lieu à un coût raisonnable");
    gint64 volunteers = challenge_of(g, "Recruter des bénévoles");
    GError *error = NULL;
    g_autoptr(json_t) m = defis_dedup_merge(store, money, &insurance, 1, "test", &error);
    assert_non_null(m);
    /* Split "FINANCER…" off the money challenge. */
    gint64 shout = 0;
    {
        g_autoptr(json_t) shown = explain(money);
        size_t i;
        json_t *mention;
        json_array_foreach(json_object_get(shown, "mention_list"), i, mention)
        {
            if (strcmp(json_string_value(json_object_get(mention, "text")),
                       "FINANCER L'ANIMATION DU LIEU") == 0)
                shout = json_integer_value(json_object_get(mention, "id"));
        }
    }
    assert_true(shout > 0);
    gint64 split = defis_dedup_split(store, &shout, 1, "test", &error);
    assert_true(split > 0);
    assert_true(defis_dedup_dismiss(store, volunteers, money, "test", &error));
    g_autofree char *decided = partition(store);

    DefisRebuildReport report;
    assert_true(defis_dedup_rebuild(store, NULL, "test", &report, &error));
    g_autofree char *rebuilt = partition(store);
    assert_string_equal(decided, rebuilt);

    /* A new import: the same words join the challenges leads made. */
    test_import_csv(store, dir, "Bretagne", bretagne);
    g_autoptr(GHashTable) after = grouping(store);
    assert_int_equal(challenge_of(after, "Assurer le lieu à un coût raisonnable"), money);
    assert_int_equal(challenge_of(after, "FINANCER L'ANIMATION DU LIEU"), split);
    assert_int_not_equal(challenge_of(after, "Trouver des financements pour l'animation du lieu"),
                         split);
}

static void test_dedup__split_refuses_bad_requests(void **state)
{
    test_import_csv(store, dir, "Occitanie", occitanie);
    GError *error = NULL;
    gint64 missing = 999999;
    assert_int_equal(defis_dedup_split(store, &missing, 1, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND));
    g_clear_error(&error);
    /* Mentions 1 (money) and 4 (booking) are in different challenges. */
    gint64 two[] = {1, 4};
    assert_int_equal(defis_dedup_split(store, two, 2, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    g_clear_error(&error);
    /* The only mention of a challenge cannot leave it. */
    gint64 alone = 7;
    assert_int_equal(defis_dedup_split(store, &alone, 1, "test", &error), 0);
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    g_clear_error(&error);
    /* Unmerge after a split took the merged mentions away is refused. */
    g_autoptr(GHashTable) g = grouping(store);
    gint64 money = challenge_of(g, "Trouver des financements pour l'animation du lieu");
    gint64 insurance = challenge_of(g, "Assurer le lieu à un coût raisonnable");
    g_autoptr(json_t) m = defis_dedup_merge(store, money, &insurance, 1, "test", &error);
    assert_non_null(m);
    assert_true(defis_dedup_split(store, &alone, 1, "test", &error) > 0);
    assert_false(defis_dedup_unmerge(store, insurance, "test", &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT));
    g_clear_error(&error);
}

static void test_dedup__review_lists_near_pairs_until_dismissed(void **state)
{
    /* Two wordings close, but not enough to join at a strict threshold. */
    DefisDedupSettings strict;
    defis_dedup_settings_default(&strict);
    strict.threshold = 0.6;
    strict.review_margin = 0.5;
    g_autofree char *path = test_write_file(dir, "r.csv",
                                            "place,challenge\n"
                                            "A,Trouver des financements pour l'animation\n"
                                            "B,Financement de l'animation du lieu\n",
                                            -1);
    SurveyImportOptions o = {.network = "Occitanie", .actor = "test", .dedup = &strict};
    survey_limits_default(&o.limits);
    SurveyReport r = {0};
    assert_true(survey_import_file(store, path, &o, &r, NULL));
    assert_int_equal(r.challenges_created, 2);
    survey_report_clear(&r);
    GError *error = NULL;
    g_autoptr(json_t) review = defis_dedup_review(store, 10, &error);
    json_t *pairs = json_object_get(review, "pairs");
    assert_int_equal(json_array_size(pairs), 1);
    json_t *pair = json_array_get(pairs, 0);
    double sim = json_real_value(json_object_get(pair, "similarity"));
    assert_true(sim >= 0.1 && sim < 0.6);
    gint64 a = json_integer_value(json_object_get(json_object_get(pair, "a"), "id"));
    gint64 b = json_integer_value(json_object_get(json_object_get(pair, "b"), "id"));
    assert_true(defis_dedup_dismiss(store, b, a, "test", &error));
    g_autoptr(json_t) empty = defis_dedup_review(store, 10, &error);
    assert_int_equal(json_array_size(json_object_get(empty, "pairs")), 0);
    /* A rebuild does not bring a dismissed pair back together. */
    DefisRebuildReport report;
    assert_true(defis_dedup_rebuild(store, NULL, "test", &report, &error));
    g_autoptr(GHashTable) g = grouping(store);
    assert_int_not_equal(challenge_of(g, "Trouver des financements pour l'animation"),
                         challenge_of(g, "Financement de l'animation du lieu"));
    assert_false(defis_dedup_dismiss(store, a, a, "test", &error));
    g_clear_error(&error);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_dedup__variants_join_and_others_stay_apart),
        T(test_dedup__rebuild_ignores_import_order),
        T(test_dedup__merge_then_unmerge_restores_exactly),
        T(test_dedup__decisions_survive_rebuild_and_imports),
        T(test_dedup__split_refuses_bad_requests),
        T(test_dedup__review_lists_near_pairs_until_dismissed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
