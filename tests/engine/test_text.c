/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_text.c - folding, elisions, stop words, stemming, features and similarity. */
#include "helpers.h"

#include <string.h>

#include "engine/error.h"
#include "engine/text.h"

static int setup(void **state)
{
    g_autoptr(GError) error = NULL;
    *state = defis_text_new(NULL, &error);
    g_assert_no_error(error);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    defis_text_free(*state);
    return 0;
}

static void assert_fold(const char *input, const char *expected)
{
    g_autofree char *folded = defis_text_fold(input, -1);
    assert_string_equal(folded, expected);
}

/* A reference fold built from GLib's whole-string operations: NFKD, drop marks,
 * case fold, non-alphanumerics to one space. The spelled ligatures aside, the
 * engine's per-character path must agree with it. */
static char *reference_fold(const char *input)
{
    g_autofree char *nfkd = g_utf8_normalize(input, -1, G_NORMALIZE_NFKD);
    g_autofree char *folded = g_utf8_casefold(nfkd, -1);
    GString *out = g_string_new(NULL);
    gboolean pending = FALSE;
    for (const char *p = folded; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_ismark(c))
            continue;
        if (g_unichar_isalnum(c)) {
            if (pending && out->len)
                g_string_append_c(out, ' ');
            pending = FALSE;
            g_string_append_unichar(out, c);
        } else {
            pending = TRUE;
        }
    }
    return g_string_free(out, FALSE);
}

/* ---- fold ---------------------------------------------------------------- */

static void test_text__fold_example(void **state)
{
    assert_fold("  Trouver des FINANCEMENTS pour l'animation !",
                "trouver des financements pour l animation");
}

static void test_text__fold_accents_and_case(void **state)
{
    assert_fold("Éducation populaire À LA CAMPAGNE", "education populaire a la campagne");
    assert_fold("créée, gérée, financée", "creee geree financee");
    assert_fold("Noël à l’Île-de-France", "noel a l ile de france");
    assert_fold("ÇA GÈRE ÇÀ ET LÀ", "ca gere ca et la");
    /* decomposed input folds like precomposed input */
    assert_fold("e\xcc\x81te\xcc\x81", "ete");
}

static void test_text__fold_ligatures(void **state)
{
    assert_fold("Œuvre cœur ŒUF", "oeuvre coeur oeuf");
    assert_fold("ex æquo Æsop", "ex aequo aesop");
    assert_fold("Straße STRASSE", "strasse strasse");
    assert_fold("ﬁnancement", "financement"); /* the fi ligature, by NFKD */
}

static void test_text__fold_punctuation_and_spaces(void **state)
{
    assert_fold("", "");
    assert_fold("   ", "");
    assert_fold("!!! ??? ...", "");
    assert_fold("a--b__c//d", "a b c d");
    assert_fold("\t\nmots\r\n  séparés\u00a0ici ", "mots separes ici");
    assert_fold("« guillemets » — tirets", "guillemets tirets");
    assert_fold("2 000 € pour 3 lieux", "2 000 pour 3 lieux");
    assert_fold("x²", "x2");
}

static void test_text__fold_length_and_invalid_bytes(void **state)
{
    g_autofree char *prefix = defis_text_fold("Bonjour tout le monde", 7);
    assert_string_equal(prefix, "bonjour");
    g_autofree char *accented = defis_text_fold("Été chaud", 6); /* "Été" and a space */
    assert_string_equal(accented, "ete");
    /* invalid UTF-8 separates words instead of failing */
    assert_fold("caf\xe9 cr\xff\xfeme", "caf cr me");
    /* an embedded NUL within LEN is a separator */
    g_autofree char *nul = defis_text_fold("ab\0cd", 5);
    assert_string_equal(nul, "ab cd");
}

static void test_text__fold_ascii_fast_path_matches_slow_path(void **state)
{
    /* Every ASCII byte, and random ASCII strings: appending "é" forces the
     * Unicode path for the whole string, which must fold the ASCII part alike. */
    GRand *rand = g_rand_new_with_seed(7);
    for (int round = 0; round < 2000; round++) {
        char buffer[64];
        int n = g_rand_int_range(rand, 0, 60);
        for (int i = 0; i < n; i++)
            buffer[i] = (char)g_rand_int_range(rand, 1, 128);
        buffer[n] = '\0';
        g_autofree char *fast = defis_text_fold(buffer, -1);
        g_autofree char *slow_input = g_strconcat(buffer, " \xc3\xa9", NULL);
        g_autofree char *slow = defis_text_fold(slow_input, -1);
        g_autofree char *expected = *fast ? g_strconcat(fast, " e", NULL) : g_strdup("e");
        assert_string_equal(slow, expected);
        g_autofree char *reference = reference_fold(buffer);
        assert_string_equal(fast, reference);
    }
    g_rand_free(rand);
}

static void test_text__fold_matches_reference_on_unicode(void **state)
{
    static const char *const inputs[] = {
        "Tiers-lieux : mutualiser les équipements numériques",
        "ÉQUIPE BÉNÉVOLE épuisée… besoin d'aide!",
        "Ångström, naïve, façade, garçon, déjà-vu",
        "Ｆｕｌｌｗｉｄｔｈ １２３",
        "Ⅻ ① ㎏ ½",
        "ΣΟΦΊΑ σοφία",
        "Дом культуры",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++) {
        g_autofree char *folded = defis_text_fold(inputs[i], -1);
        g_autofree char *reference = reference_fold(inputs[i]);
        assert_string_equal(folded, reference);
    }
}

static void test_text__fold_matches_reference_on_latin1(void **state)
{
    /* Each Latin-1 letter alone, between ASCII letters and after a space: the
     * table-driven shortcut for U+0080..U+00FF must fold like NFKD. */
    for (gunichar c = 0x80; c <= 0xFF; c++) {
        if (c == 0xC6 || c == 0xE6 || c == 0xD8 || c == 0xF8)
            continue; /* æ ø: spelled out, which NFKD does not do */
        char utf8[8] = {0};
        g_unichar_to_utf8(c, utf8);
        g_autofree char *input = g_strdup_printf("x%sy %sZ", utf8, utf8);
        g_autofree char *folded = defis_text_fold(input, -1);
        g_autofree char *reference = reference_fold(input);
        if (strcmp(folded, reference) != 0)
            fail_msg("U+%04X: \"%s\" != \"%s\"", c, folded, reference);
    }
}

/* ---- terms ----------------------------------------------------------------- */

static void assert_terms(DefisText *text, const char *input, const char *expected)
{
    g_auto(GStrv) terms = defis_text_terms(text, input, -1, NULL);
    g_autofree char *joined = g_strjoinv(" ", terms);
    assert_string_equal(joined, expected);
}

static gboolean has_term(char **terms, const char *term)
{
    return g_strv_contains((const char *const *)terms, term);
}

static void test_text__elisions_are_removed(void **state)
{
    DefisText *text = *state;
    g_auto(GStrv) with = defis_text_terms(text, "l'animation d'ateliers qu'on organise", -1, NULL);
    g_auto(GStrv) without = defis_text_terms(text, "animation ateliers organise", -1, NULL);
    assert_true(g_strv_equal((const char *const *)with, (const char *const *)without));
    g_auto(GStrv) more = defis_text_terms(
        text, "jusqu'à l’été, lorsqu'il s'agit, puisqu'elle n'a, c'est j'ai m'en t'as", -1, NULL);
    assert_int_equal(g_strv_length(more), 1);
    assert_true(has_term(more, "agit"));
}

static void test_text__stop_words_are_removed(void **state)
{
    DefisText *text = *state;
    assert_terms(text, "le la les des du de et ou pour avec dans sur par", "");
    assert_terms(text, "Nous avons besoin de bénévoles pour les ateliers", "besoin benevol ateli");
    /* numbers are kept */
    assert_terms(text, "3 salariés pour 2024", "3 salar 2024");
}

static void test_text__stemming_joins_inflections(void **state)
{
    DefisText *text = *state;
    static const char *const pairs[][2] = {
        {"financements", "financement"}, {"animations", "animation"},    {"activités", "activites"},
        {"bénévoles", "benevole"},       {"associations", "associatif"}, {"locaux", "local"},
        {"mutualiser", "mutualisés"},    {"formations", "formation"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(pairs); i++) {
        g_auto(GStrv) a = defis_text_terms(text, pairs[i][0], -1, NULL);
        g_auto(GStrv) b = defis_text_terms(text, pairs[i][1], -1, NULL);
        assert_int_equal(g_strv_length(a), 1);
        assert_int_equal(g_strv_length(b), 1);
        assert_string_equal(a[0], b[0]);
    }
}

static void test_text__english_is_detected(void **state)
{
    DefisText *text = *state;
    DefisLanguage language;
    assert_int_equal(defis_text_language(text, "Finding funding for the community events", -1),
                     DEFIS_LANGUAGE_ENGLISH);
    assert_int_equal(defis_text_language(text, "Trouver des financements pour l'animation", -1),
                     DEFIS_LANGUAGE_FRENCH);
    assert_int_equal(defis_text_language(text, "", -1), DEFIS_LANGUAGE_FRENCH);
    assert_int_equal(defis_text_language(text, "coworking", -1), DEFIS_LANGUAGE_FRENCH);
    /* English text is stemmed in English, without English stop words */
    g_auto(GStrv) terms =
        defis_text_terms(text, "We need volunteers for the workshops", -1, &language);
    assert_int_equal(language, DEFIS_LANGUAGE_ENGLISH);
    g_autofree char *joined = g_strjoinv(" ", terms);
    assert_string_equal(joined, "need volunt workshop");
    /* French "but" (goal) is not an English stop word in a French text */
    assert_terms(text, "un lieu à but non lucratif", "lieu but non lucrat");
}

/* ---- features ---------------------------------------------------------------- */

static DefisFeatures *features(DefisText *text, const char *input)
{
    return defis_text_features(text, input, -1);
}

/* The features of kind KIND of F, as a new set. */
static DefisFeatures *only_kind(const DefisFeatures *f, DefisFeatureKind kind)
{
    GArray *kept = g_array_new(FALSE, FALSE, sizeof(guint64));
    for (gsize i = 0; i < f->n; i++)
        if (defis_feature_kind(f->hashes[i]) == kind)
            g_array_append_val(kept, f->hashes[i]);
    DefisFeatures *result = defis_features_new((guint64 *)kept->data, kept->len);
    g_array_unref(kept);
    return result;
}

static void test_text__features_are_sorted_unique_and_counted(void **state)
{
    g_autoptr(DefisFeatures) f = features(*state, "animation animation des ateliers, ateliers");
    gsize total = 0;
    for (int k = 0; k < DEFIS_FEATURE_KINDS; k++)
        total += f->count[k];
    assert_int_equal(total, f->n);
    for (gsize i = 1; i < f->n; i++)
        assert_true(f->hashes[i - 1] < f->hashes[i]);
    assert_int_equal(f->count[DEFIS_FEATURE_WORD], 2);
    assert_int_equal(f->count[DEFIS_FEATURE_PAIR], 1); /* anim~ateli; a word is no pair */
    assert_true(f->count[DEFIS_FEATURE_NGRAM] > 5);
    for (gsize i = 0; i < f->n; i++)
        assert_true(defis_feature_kind(f->hashes[i]) < DEFIS_FEATURE_KINDS);

    /* defis_features_new rebuilds the same set from the hashes, shuffled, with repeats */
    g_autofree guint64 *copy = g_new(guint64, 2 * f->n);
    for (gsize i = 0; i < f->n; i++)
        copy[i] = copy[2 * f->n - 1 - i] = f->hashes[i];
    g_autoptr(DefisFeatures) rebuilt = defis_features_new(copy, 2 * f->n);
    assert_int_equal(rebuilt->n, f->n);
    assert_memory_equal(rebuilt->hashes, f->hashes, f->n * sizeof(guint64));
    assert_memory_equal(rebuilt->count, f->count, sizeof f->count);

    g_autoptr(DefisFeatures) empty = features(*state, "le la les, de !");
    assert_int_equal(empty->n, 0);
    assert_true(defis_features_jaccard(empty, empty) == 0.0);
    assert_true(defis_features_similarity(empty, f, NULL) == 0.0);
}

/* The stored form of features: 32 bits each, kinds kept, a set again (sorted,
 * unique), the same packed twice; and as similar as the whole features. */
static void test_text__features_packed(void **state)
{
    DefisText *text = *state;
    g_autoptr(DefisFeatures) whole = defis_text_features(
        text, "Trouver des bénévoles pour animer le jardin partagé du quartier", -1);
    g_autoptr(DefisFeatures) packed = defis_features_packed(whole);
    assert_true(packed->n > 0 && packed->n <= whole->n);
    gsize kinds[DEFIS_FEATURE_KINDS] = {0};
    for (gsize i = 0; i < packed->n; i++) {
        guint64 f = packed->hashes[i];
        assert_true(i == 0 || packed->hashes[i - 1] < f);
        assert_true(defis_feature_unpack(defis_feature_pack(f)) == f);
        kinds[defis_feature_kind(f)]++;
    }
    for (int k = 0; k < DEFIS_FEATURE_KINDS; k++)
        assert_int_equal(kinds[k], whole->count[k]); /* no two met here */
    for (gsize i = 0; i < whole->n; i++)
        assert_int_equal(
            defis_feature_kind(defis_feature_unpack(defis_feature_pack(whole->hashes[i]))),
            defis_feature_kind(whole->hashes[i]));
    g_autoptr(DefisFeatures) again = defis_features_packed(packed);
    assert_int_equal(again->n, packed->n);
    assert_memory_equal(again->hashes, packed->hashes, packed->n * sizeof(guint64));
    g_autoptr(DefisFeatures) other = defis_text_features(
        text, "trouver des benevoles pour animer un jardin partage de quartier", -1);
    g_autoptr(DefisFeatures) other_packed = defis_features_packed(other);
    assert_true(defis_features_similarity(whole, other, NULL) ==
                defis_features_similarity(packed, other_packed, NULL));
}

static void test_text__features_are_stable(void **state)
{
    /* Hashes are stored by the engine: a fresh pipeline must give the same ones. */
    g_autoptr(GError) error = NULL;
    g_autoptr(DefisText) other = defis_text_new(NULL, &error);
    g_assert_no_error(error);
    g_autoptr(DefisFeatures) a = features(*state, "Trouver des financements pour l'animation");
    g_autoptr(DefisFeatures) b = features(other, "Trouver des financements pour l'animation");
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->hashes, b->hashes, a->n * sizeof(guint64));
}

static void test_text__word_order_keeps_words_and_ngrams(void **state)
{
    g_autoptr(DefisFeatures) a = features(*state, "financement de l'animation des ateliers");
    g_autoptr(DefisFeatures) b = features(*state, "ateliers : animation, financement");
    for (DefisFeatureKind kind = DEFIS_FEATURE_WORD; kind < DEFIS_FEATURE_KINDS; kind++) {
        if (kind == DEFIS_FEATURE_PAIR)
            continue; /* adjacency changed: financement~animation is gone */
        g_autoptr(DefisFeatures) ka = only_kind(a, kind);
        g_autoptr(DefisFeatures) kb = only_kind(b, kind);
        assert_int_equal(ka->n, kb->n);
        assert_memory_equal(ka->hashes, kb->hashes, ka->n * sizeof(guint64));
    }
    /* pairs are unordered: a swapped pair of words is the same pair */
    g_autoptr(DefisFeatures) c = features(*state, "animation financement");
    g_autoptr(DefisFeatures) d = features(*state, "financement animation");
    assert_true(defis_features_jaccard(c, d) == 1.0);
}

static void test_text__typos_share_ngrams(void **state)
{
    DefisText *text = *state;
    g_autoptr(DefisFeatures) right = features(text, "accompagnement des bénévoles");
    g_autoptr(DefisFeatures) typo = features(text, "acompagnement des bénevoles");
    g_autoptr(DefisFeatures) right_grams = only_kind(right, DEFIS_FEATURE_NGRAM);
    g_autoptr(DefisFeatures) typo_grams = only_kind(typo, DEFIS_FEATURE_NGRAM);
    g_autoptr(DefisFeatures) right_words = only_kind(right, DEFIS_FEATURE_WORD);
    g_autoptr(DefisFeatures) typo_words = only_kind(typo, DEFIS_FEATURE_WORD);
    /* the stem of the misspelt word differs, but most of its n-grams remain */
    assert_true(defis_features_jaccard(right_words, typo_words) < 0.5);
    assert_true(defis_features_jaccard(right_grams, typo_grams) > 0.6);
    g_autoptr(DefisFeatures) other = features(text, "accueil des publics");
    double typo_similarity = defis_features_similarity(right, typo, NULL);
    print_message("similarity with a typo %.3f, with another challenge %.3f\n", typo_similarity,
                  defis_features_similarity(right, other, NULL));
    assert_true(typo_similarity > 0.4);
    assert_true(defis_features_similarity(right, other, NULL) < 0.1);
}

static void test_text__similarity_on_concrete_pairs(void **state)
{
    DefisText *text = *state;
    static const struct {
        const char *a, *b;
        double min, max;
    } cases[] = {
        /* the same challenge, written differently */
        {"Trouver des financements pour l'animation", "TROUVER DES FINANCEMENTS POUR L ANIMATION !",
         1.0, 1.0},
        {"Trouver des financements pour l'animation", "trouver du financement pour animer", 0.6,
         1.0},
        {"Financer l'animation du lieu", "Le financement de l'animation de notre lieu", 0.7, 1.0},
        {"Recruter et fidéliser des bénévoles", "fidelisation et recrutement des benevoles", 0.4,
         1.0},
        {"Manque de locaux adaptés", "Les locaux ne sont pas adaptés", 0.5, 1.0},
        /* different challenges */
        {"Trouver des financements pour l'animation", "Recruter des bénévoles", 0.0, 0.1},
        {"Outils de gestion des adhésions", "Relations avec les collectivités locales", 0.0, 0.1},
        {"Communication sur les réseaux sociaux", "Gouvernance partagée de l'association", 0.0,
         0.1},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DefisFeatures) a = features(text, cases[i].a);
        g_autoptr(DefisFeatures) b = features(text, cases[i].b);
        double ab = defis_features_similarity(a, b, NULL);
        double ba = defis_features_similarity(b, a, NULL);
        if (ab < cases[i].min || ab > cases[i].max)
            fail_msg("similarity(\"%s\", \"%s\") = %.3f, expected in [%.2f, %.2f]", cases[i].a,
                     cases[i].b, ab, cases[i].min, cases[i].max);
        assert_true(ab == ba);
    }
}

static double weight_by_kind(guint64 feature, gpointer user_data)
{
    /* zero for n-grams: they must then drop out of the denominator too */
    return defis_feature_kind(feature) == DEFIS_FEATURE_NGRAM ? 0.0 : 2.0;
}

static void test_text__similarity_weights(void **state)
{
    DefisText *text = *state;
    g_autoptr(DefisFeatures) a = features(text, "ateliers numériques");
    g_autoptr(DefisFeatures) b = features(text, "ateliers couture");
    /* words only: {ateli, numer} vs {ateli, coutur} */
    DefisSimilarity words = {.kind_weight = {1, 0, 0}};
    assert_float_equal(defis_features_similarity(a, b, &words), 1.0 / 3.0, 1e-9);
    /* a constant weight changes nothing in a ratio */
    words.weight = weight_by_kind;
    assert_float_equal(defis_features_similarity(a, b, &words), 1.0 / 3.0, 1e-9);
    /* a kind weighed zero by the callback does not count */
    DefisSimilarity words_and_grams = {.kind_weight = {1, 0, 1}, .weight = weight_by_kind};
    assert_float_equal(defis_features_similarity(a, b, &words_and_grams), 1.0 / 3.0, 1e-9);
    /* a kind present in neither text does not count: one-word texts, no pair */
    g_autoptr(DefisFeatures) c = features(text, "ateliers");
    g_autoptr(DefisFeatures) d = features(text, "Les ATELIERS !");
    assert_float_equal(defis_features_similarity(c, d, NULL), 1.0, 1e-9);
    assert_float_equal(defis_features_jaccard(c, d), 1.0, 1e-9);
}

static int compare_u64(const void *a, const void *b)
{
    guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
    return (x > y) - (x < y);
}

/* Stored hashes in any order, repeats, runs of one value: sorted and unique,
 * as qsort and a pass would make them. */
static void test_text__features_new_sorts(void **state)
{
    GRand *rand = g_rand_new_with_seed(11);
    gsize sizes[] = {0, 1, 2, 3, 16, 17, 100, 1000, 20000};
    for (guint s = 0; s < G_N_ELEMENTS(sizes); s++)
        for (int shape = 0; shape < 4; shape++) {
            gsize n = sizes[s];
            g_autofree guint64 *v = g_new(guint64, MAX(n, 1));
            for (gsize i = 0; i < n; i++)
                v[i] = shape == 0   ? ((guint64)g_rand_int(rand) << 32) | g_rand_int(rand)
                       : shape == 1 ? (guint64)g_rand_int_range(rand, 0, 50) /* many repeats */
                       : shape == 2 ? (guint64)(n - i)                       /* descending */
                                    : 7;                                     /* one value */
            g_autoptr(DefisFeatures) f = defis_features_new(v, n);
            qsort(v, n, sizeof *v, compare_u64);
            gsize unique = 0;
            for (gsize i = 0; i < n; i++)
                if (unique == 0 || v[unique - 1] != v[i])
                    v[unique++] = v[i];
            assert_int_equal(f->n, unique);
            assert_memory_equal(f->hashes, v, unique * sizeof *v);
        }
    g_rand_free(rand);
}

/* A weight that varies from feature to feature. */
static double weight_by_hash(guint64 feature, gpointer data)
{
    return 0.5 + (double)(feature % 97) / 13.0;
}

/* Features weighed beforehand (the deduplication's way, summed kind by kind)
 * give the very number the weight function gives when called feature by
 * feature. */
static void test_text__similarity_weighed_beforehand(void **state)
{
    DefisText *text = *state;
    const char *texts[] = {"Trouver des bénévoles pour animer le jardin partagé",
                           "trouver des benevoles pour le jardin", "Ouvrir le lieu le dimanche",
                           "Les ATELIERS !", "financer l'animation du tiers-lieu"};
    DefisSimilarity called = {.kind_weight = {0.5, 0.1, 0.4}, .weight = weight_by_hash};
    for (guint x = 0; x < G_N_ELEMENTS(texts); x++)
        for (guint y = 0; y < G_N_ELEMENTS(texts); y++) {
            g_autoptr(DefisFeatures) a = features(text, texts[x]);
            g_autoptr(DefisFeatures) b = features(text, texts[y]);
            double expected = defis_features_similarity(a, b, &called);
            defis_features_weigh(a, weight_by_hash, NULL);
            defis_features_weigh(b, weight_by_hash, NULL);
            assert_true(defis_features_similarity(a, b, &called) == expected);
            assert_true(x != y || expected == 1.0);
        }
}

static void test_text__options(void **state)
{
    g_autoptr(GError) error = NULL;
    DefisTextOptions options = {.ngram = 0, .pairs = FALSE};
    g_autoptr(DefisText) words_only = defis_text_new(&options, &error);
    g_assert_no_error(error);
    g_autoptr(DefisFeatures) f = defis_text_features(words_only, "un lieu partagé et ouvert", -1);
    assert_int_equal(f->n, 3);
    assert_int_equal(f->count[DEFIS_FEATURE_WORD], 3);

    options.ngram = 17;
    DefisText *too_long = defis_text_new(&options, &error);
    assert_null(too_long);
    g_assert_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text__fold_example),
        cmocka_unit_test(test_text__fold_accents_and_case),
        cmocka_unit_test(test_text__fold_ligatures),
        cmocka_unit_test(test_text__fold_punctuation_and_spaces),
        cmocka_unit_test(test_text__fold_length_and_invalid_bytes),
        cmocka_unit_test(test_text__fold_ascii_fast_path_matches_slow_path),
        cmocka_unit_test(test_text__fold_matches_reference_on_unicode),
        cmocka_unit_test(test_text__fold_matches_reference_on_latin1),
        cmocka_unit_test_setup_teardown(test_text__elisions_are_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__stop_words_are_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__stemming_joins_inflections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__english_is_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__features_are_sorted_unique_and_counted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_text__features_are_stable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__features_packed, setup, teardown),
        cmocka_unit_test(test_text__features_new_sorts),
        cmocka_unit_test_setup_teardown(test_text__word_order_keeps_words_and_ngrams, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_text__typos_share_ngrams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__similarity_on_concrete_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__similarity_weights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text__similarity_weighed_beforehand, setup, teardown),
        cmocka_unit_test(test_text__options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
