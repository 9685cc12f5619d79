/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_minhash.c - MinHash signatures, Jaccard estimates and LSH band keys. */
#include "helpers.h"

#include <math.h>
#include <string.h>

#include "engine/minhash.h"
#include "engine/text.h"

/* Two random sets with a chosen overlap: SHARED common features, then ONLY_A
 * and ONLY_B features of their own. Their Jaccard is shared / (shared + a + b). */
static void random_sets(GRand *rand, gsize shared, gsize only_a, gsize only_b, GArray *a, GArray *b)
{
    g_array_set_size(a, 0);
    g_array_set_size(b, 0);
    for (gsize i = 0; i < shared + only_a + only_b; i++) {
        guint64 f = ((guint64)g_rand_int(rand) << 32) | g_rand_int(rand);
        if (i < shared + only_a)
            g_array_append_val(a, f);
        if (i < shared || i >= shared + only_a)
            g_array_append_val(b, f);
    }
}

static gboolean share_a_band(const DefisMinhash *a, const DefisMinhash *b)
{
    guint64 ka[DEFIS_MINHASH_BANDS], kb[DEFIS_MINHASH_BANDS];
    defis_minhash_bands(a, ka);
    defis_minhash_bands(b, kb);
    for (int i = 0; i < DEFIS_MINHASH_BANDS; i++)
        if (ka[i] == kb[i])
            return TRUE;
    return FALSE;
}

static void test_minhash__is_deterministic(void **state)
{
    static const guint64 features[] = {1, 2, 3, G_GUINT64_CONSTANT(0xdeadbeefcafebabe), 42};
    static const guint64 shuffled[] = {42, 3, G_GUINT64_CONSTANT(0xdeadbeefcafebabe), 1, 2, 3};
    DefisMinhash a, b;
    defis_minhash_sign(features, G_N_ELEMENTS(features), &a);
    defis_minhash_sign(shuffled, G_N_ELEMENTS(shuffled), &b);
    assert_memory_equal(&a, &b, sizeof a); /* order and repeats do not matter */
    g_autoptr(DefisMinhash) c = defis_minhash_new(features, G_N_ELEMENTS(features));
    assert_memory_equal(&a, c, sizeof a);

    /* Fixed seeds: these values are what every run on every machine computes. */
    static const guint64 one[] = {1};
    DefisMinhash single;
    defis_minhash_sign(one, 1, &single);
    g_autofree char *hex = g_strdup_printf("%08x %08x %08x", single.values[0], single.values[1],
                                           single.values[DEFIS_MINHASH_K - 1]);
    print_message("signature of {1}: %s\n", hex);
    static const char *expected = "660e3eb5 d4b7e0dd b31f4d9c";
    assert_string_equal(hex, expected);

    guint64 ka[DEFIS_MINHASH_BANDS], kb[DEFIS_MINHASH_BANDS];
    defis_minhash_bands(&a, ka);
    defis_minhash_bands(&b, kb);
    assert_memory_equal(ka, kb, sizeof ka);
    /* equal rows in different bands give different keys */
    for (int i = 1; i < DEFIS_MINHASH_BANDS; i++)
        assert_true(ka[i] != ka[0]);
}

static void test_minhash__empty_set(void **state)
{
    DefisMinhash empty;
    defis_minhash_sign(NULL, 0, &empty);
    for (int i = 0; i < DEFIS_MINHASH_K; i++)
        assert_int_equal(empty.values[i], G_MAXUINT32);
}

static void test_minhash__estimate_is_close_to_jaccard(void **state)
{
    GRand *rand = g_rand_new_with_seed(2024);
    GArray *a = g_array_new(FALSE, FALSE, sizeof(guint64));
    GArray *b = g_array_new(FALSE, FALSE, sizeof(guint64));
    double sum_error = 0, max_error = 0;
    int rounds = 400, outside = 0;
    for (int round = 0; round < rounds; round++) {
        gsize shared = g_rand_int_range(rand, 0, 80);
        gsize only_a = g_rand_int_range(rand, 0, 60), only_b = g_rand_int_range(rand, 0, 60);
        if (shared + only_a + only_b == 0)
            continue;
        random_sets(rand, shared, only_a, only_b, a, b);
        double jaccard = (double)shared / (shared + only_a + only_b);
        DefisMinhash sa, sb;
        defis_minhash_sign((guint64 *)a->data, a->len, &sa);
        defis_minhash_sign((guint64 *)b->data, b->len, &sb);
        double estimate = defis_minhash_estimate(&sa, &sb);
        double error = estimate - jaccard;
        sum_error += error;
        max_error = MAX(max_error, fabs(error));
        /* beyond 3.5 standard errors: rare if the hash functions behave */
        double sigma = sqrt(MAX(jaccard * (1 - jaccard), 0.01) / DEFIS_MINHASH_K);
        outside += fabs(error) > 3.5 * sigma;
        if (jaccard == 1.0)
            assert_true(estimate == 1.0);
        if (shared == 0)
            assert_true(estimate < 0.05);
    }
    print_message("mean error %.4f, max error %.3f, %d beyond 3.5 sigma\n", sum_error / rounds,
                  max_error, outside);
    assert_true(fabs(sum_error / rounds) < 0.01); /* unbiased */
    assert_true(max_error < 0.2);
    assert_true(outside <= 2);
    g_array_unref(a);
    g_array_unref(b);
    g_rand_free(rand);
}

static void test_minhash__near_duplicates_share_a_band(void **state)
{
    GRand *rand = g_rand_new_with_seed(99);
    GArray *a = g_array_new(FALSE, FALSE, sizeof(guint64));
    GArray *b = g_array_new(FALSE, FALSE, sizeof(guint64));
    int near_hits = 0, far_hits = 0, rounds = 300;
    for (int round = 0; round < rounds; round++) {
        DefisMinhash sa, sb;
        random_sets(rand, 60, 10, 10, a, b); /* J = 0.75 */
        defis_minhash_sign((guint64 *)a->data, a->len, &sa);
        defis_minhash_sign((guint64 *)b->data, b->len, &sb);
        near_hits += share_a_band(&sa, &sb);
        random_sets(rand, 1, 50, 50, a, b); /* J = 0.0099 */
        defis_minhash_sign((guint64 *)a->data, a->len, &sa);
        defis_minhash_sign((guint64 *)b->data, b->len, &sb);
        far_hits += share_a_band(&sa, &sb);
    }
    print_message("near duplicates met %d/%d, unrelated sets met %d/%d\n", near_hits, rounds,
                  far_hits, rounds);
    assert_int_equal(near_hits, rounds);
    assert_true(far_hits <= rounds / 50);
    g_array_unref(a);
    g_array_unref(b);
    g_rand_free(rand);
}

static void test_minhash__texts_that_say_the_same_meet(void **state)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DefisText) text = defis_text_new(NULL, &error);
    g_assert_no_error(error);
    static const char *const same[][2] = {
        {"Trouver des financements pour l'animation", "trouver du financement pour l'animation"},
        {"Recruter et fidéliser des bénévoles", "Recrutement et fidélisation des bénévoles"},
        {"Manque de locaux adaptés à nos activités", "manque de locaux adaptes pour les activites"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(same); i++) {
        g_autoptr(DefisFeatures) fa = defis_text_features(text, same[i][0], -1);
        g_autoptr(DefisFeatures) fb = defis_text_features(text, same[i][1], -1);
        g_autoptr(DefisMinhash) sa = defis_minhash_new(fa->hashes, fa->n);
        g_autoptr(DefisMinhash) sb = defis_minhash_new(fb->hashes, fb->n);
        assert_true(share_a_band(sa, sb));
        assert_float_equal(defis_minhash_estimate(sa, sb), defis_features_jaccard(fa, fb), 0.15);
    }
}

static void test_minhash__candidate_probability_is_an_s_curve(void **state)
{
    assert_float_equal(defis_minhash_candidate_probability(0.0), 0.0, 1e-12);
    assert_float_equal(defis_minhash_candidate_probability(1.0), 1.0, 1e-12);
    /* 1 - (1 - J^2)^64, computed independently. */
    assert_float_equal(defis_minhash_candidate_probability(0.1), 0.4744035, 1e-6);
    assert_true(defis_minhash_candidate_probability(0.5) > 0.99);
    double previous = 0;
    for (double j = 0.05; j <= 1.0; j += 0.05) {
        double p = defis_minhash_candidate_probability(j);
        assert_true(p >= previous);
        previous = p;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minhash__is_deterministic),
        cmocka_unit_test(test_minhash__empty_set),
        cmocka_unit_test(test_minhash__estimate_is_close_to_jaccard),
        cmocka_unit_test(test_minhash__near_duplicates_share_a_band),
        cmocka_unit_test(test_minhash__texts_that_say_the_same_meet),
        cmocka_unit_test(test_minhash__candidate_probability_is_an_s_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
