/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* stsb_eval.c - how well text.h's similarity separates paraphrases, against pg_trgm.
 *
 * Reads the French STS-B training pairs (sentence1,sentence2,score; scores 0-5
 * by human raters), keeps the pairs rated >= 4 ("same") and <= 1 ("different"),
 * and for each similarity variant prints the area under the ROC curve (the
 * chance that a random "same" pair scores above a random "different" one) and
 * the pairwise precision, recall and F1 at the threshold that maximises F1.
 * The baseline is PostgreSQL pg_trgm's similarity(). Each figure is also given
 * on the even and the odd rows separately, with the threshold chosen on the
 * other half, so that a variant that only fits this file shows it.
 *
 *   bench_stsb_eval [path/to/stsb-fr-train.csv]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/minhash.h"
#include "engine/text.h"

#define DEFAULT_PATH "/work/shared/data/stsb-fr/stsb-fr-train.csv"

/* ---- A tiny RFC 4180 reader ------------------------------------------------ */

/* Reads one record starting at *P (fields may be quoted, "" inside quotes is a
 * quote, quoted fields may hold newlines). Returns the fields, or NULL at the
 * end of the input. */
static GPtrArray *csv_record(const char **p, const char *end)
{
    if (*p >= end)
        return NULL;
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    GString *field = g_string_new(NULL);
    const char *s = *p;
    for (;;) {
        if (s < end && *s == '"') {
            s++;
            while (s < end) {
                if (*s == '"' && s + 1 < end && s[1] == '"') {
                    g_string_append_c(field, '"');
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    g_string_append_c(field, *s++);
                }
            }
        }
        while (s < end && *s != ',' && *s != '\n' && *s != '\r')
            g_string_append_c(field, *s++);
        g_ptr_array_add(fields, g_strndup(field->str, field->len));
        g_string_truncate(field, 0);
        if (s < end && *s == ',') {
            s++;
            continue;
        }
        if (s < end && *s == '\r')
            s++;
        if (s < end && *s == '\n')
            s++;
        break;
    }
    g_string_free(field, TRUE);
    *p = s;
    return fields;
}

/* ---- The pairs ---------------------------------------------------------------- */

typedef struct {
    guint left, right; /* indices into the sentences */
    gboolean same;
    guint row;
} Pair;

typedef struct {
    GPtrArray *sentences; /* unique sentences, owned */
    GArray *pairs;        /* Pair */
    guint n_rows;
} Corpus;

static guint intern(GHashTable *index, GPtrArray *sentences, const char *sentence)
{
    gpointer found;
    if (g_hash_table_lookup_extended(index, sentence, NULL, &found))
        return GPOINTER_TO_UINT(found);
    char *copy = g_strdup(sentence);
    g_ptr_array_add(sentences, copy);
    g_hash_table_insert(index, copy, GUINT_TO_POINTER(sentences->len - 1));
    return sentences->len - 1;
}

static gboolean load(const char *path, Corpus *corpus)
{
    g_autofree char *content = NULL;
    gsize length;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &content, &length, &error)) {
        fprintf(stderr, "stsb_eval: %s\n", error->message);
        return FALSE;
    }
    corpus->sentences = g_ptr_array_new_with_free_func(g_free);
    corpus->pairs = g_array_new(FALSE, FALSE, sizeof(Pair));
    GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);
    const char *p = content, *end = content + length;
    GPtrArray *fields;
    while ((fields = csv_record(&p, end))) {
        if (fields->len == 3) {
            double score = g_ascii_strtod(fields->pdata[2], NULL);
            if (score >= 4.0 || score <= 1.0) {
                Pair pair = {intern(index, corpus->sentences, fields->pdata[0]),
                             intern(index, corpus->sentences, fields->pdata[1]), score >= 4.0,
                             corpus->n_rows};
                g_array_append_val(corpus->pairs, pair);
            }
            corpus->n_rows++;
        }
        g_ptr_array_unref(fields);
    }
    g_hash_table_unref(index);
    return TRUE;
}

/* ---- Separation measures ------------------------------------------------------ */

typedef struct {
    double score;
    gboolean same;
} Scored;

static int by_score_desc(const void *a, const void *b)
{
    double x = ((const Scored *)a)->score, y = ((const Scored *)b)->score;
    return (x < y) - (x > y);
}

static int double_desc(gconstpointer a, gconstpointer b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

typedef struct {
    double auc, f1, precision, recall, threshold;
} Separation;

/* AUC by ranks (ties count half); best F1 over every threshold "score >= t". */
static Separation separate(Scored *scored, gsize n)
{
    qsort(scored, n, sizeof *scored, by_score_desc);
    gsize positives = 0;
    for (gsize i = 0; i < n; i++)
        positives += scored[i].same;
    gsize negatives = n - positives;
    Separation best = {0};
    double concordant = 0;
    gsize tp = 0, fp = 0;
    for (gsize i = 0; i < n;) {
        gsize j = i, tie_tp = 0, tie_fp = 0;
        while (j < n && scored[j].score == scored[i].score) {
            tie_tp += scored[j].same;
            tie_fp += !scored[j].same;
            j++;
        }
        /* negatives in this tie group meet positives ranked strictly above, plus half the tie */
        concordant += (double)tie_fp * tp + 0.5 * (double)tie_fp * tie_tp;
        tp += tie_tp;
        fp += tie_fp;
        double precision = (double)tp / (tp + fp), recall = (double)tp / positives;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        if (f1 > best.f1)
            best = (Separation){0, f1, precision, recall, scored[i].score};
        i = j;
    }
    best.auc = concordant / ((double)positives * negatives);
    return best;
}

/* F1 on SCORED at a threshold fixed elsewhere. */
static double f1_at(const Scored *scored, gsize n, double threshold)
{
    gsize tp = 0, fp = 0, fn = 0;
    for (gsize i = 0; i < n; i++) {
        gboolean predicted = scored[i].score >= threshold;
        tp += predicted && scored[i].same;
        fp += predicted && !scored[i].same;
        fn += !predicted && scored[i].same;
    }
    return tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
}

/* ---- pg_trgm's similarity() --------------------------------------------------- */

/* The trigram set of pg_trgm: each word (run of alphanumerics), lower-cased,
 * padded "  word ", cut into every run of three characters. */
static GHashTable *pg_trigrams(const char *text)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *p = text;
    while (*p) {
        while (*p && !g_unichar_isalnum(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        const char *start = p;
        while (*p && g_unichar_isalnum(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        if (p == start)
            break;
        g_autofree char *lower = g_utf8_strdown(start, p - start);
        g_autofree char *padded = g_strconcat("  ", lower, " ", NULL);
        for (const char *t = padded; *t; t = g_utf8_next_char(t)) {
            const char *e = t;
            int k = 0;
            while (*e && k < 3) {
                e = g_utf8_next_char(e);
                k++;
            }
            if (k < 3)
                break;
            g_hash_table_add(set, g_strndup(t, e - t));
        }
    }
    return set;
}

static double pg_similarity(GHashTable *a, GHashTable *b)
{
    guint common = 0;
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, a);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        common += g_hash_table_contains(b, key);
    guint all = g_hash_table_size(a) + g_hash_table_size(b) - common;
    return all ? (double)common / all : 0.0;
}

/* ---- Variants of our similarity ------------------------------------------------ */

typedef struct {
    guint n_docs;
    GHashTable *df; /* feature (guint64 *, borrowed from the features) -> documents */
} Idf;

static double idf_weight(guint64 feature, gpointer user_data)
{
    const Idf *idf = user_data;
    guint df = GPOINTER_TO_UINT(g_hash_table_lookup(idf->df, &feature));
    return log(1.0 + (double)idf->n_docs / (double)MAX(df, 1));
}

static Idf *idf_build(DefisFeatures **features, guint n)
{
    Idf *idf = g_new0(Idf, 1);
    idf->n_docs = n;
    idf->df = g_hash_table_new(g_int64_hash, g_int64_equal);
    for (guint i = 0; i < n; i++)
        for (gsize j = 0; j < features[i]->n; j++) {
            guint64 *key = &features[i]->hashes[j];
            guint df = GPOINTER_TO_UINT(g_hash_table_lookup(idf->df, key));
            g_hash_table_insert(idf->df, key, GUINT_TO_POINTER(df + 1));
        }
    return idf;
}

static void idf_free(Idf *idf)
{
    g_hash_table_unref(idf->df);
    g_free(idf);
}

/* Pooled weighted Jaccard: every kind in one sum. */
static double pooled(const DefisFeatures *a, const DefisFeatures *b, const DefisSimilarity *sim)
{
    double common = 0, all = 0;
    gsize i = 0, j = 0;
    while (i < a->n || j < b->n) {
        guint64 f;
        gboolean shared = FALSE;
        if (j >= b->n || (i < a->n && a->hashes[i] < b->hashes[j]))
            f = a->hashes[i++];
        else if (i >= a->n || a->hashes[i] > b->hashes[j])
            f = b->hashes[j++];
        else {
            f = a->hashes[i];
            i++;
            j++;
            shared = TRUE;
        }
        double w = sim->kind_weight[defis_feature_kind(f)] *
                   (sim->weight ? sim->weight(f, sim->user_data) : 1.0);
        all += w;
        common += shared ? w : 0;
    }
    return all > 0 ? common / all : 0;
}

typedef enum { SCORE_PG, SCORE_PER_KIND, SCORE_POOLED, SCORE_MINHASH } ScoreMode;

typedef struct {
    const char *name;
    guint ngram; /* which feature set: index into the pipelines below */
    ScoreMode mode;
    double kind_weight[DEFIS_FEATURE_KINDS];
    gboolean idf;
} Variant;

static const guint ngram_sizes[] = {3, 4, 5};

static void report(const char *name, Scored *scored, gsize n, const Corpus *corpus)
{
    /* halves: even rows and odd rows; the threshold of one is tried on the other */
    Scored *halves[2] = {g_new(Scored, n), g_new(Scored, n)};
    gsize sizes[2] = {0, 0};
    for (gsize i = 0; i < n; i++) {
        guint half = g_array_index(corpus->pairs, Pair, i).row % 2;
        halves[half][sizes[half]++] = scored[i];
    }
    Separation all = separate(scored, n);
    Separation even = separate(halves[0], sizes[0]);
    Separation odd = separate(halves[1], sizes[1]);
    double cross =
        (f1_at(halves[1], sizes[1], even.threshold) + f1_at(halves[0], sizes[0], odd.threshold)) /
        2;
    printf("%-34s %6.3f %6.3f/%5.3f %6.3f %6.3f %6.3f %6.3f %7.3f\n", name, all.auc, even.auc,
           odd.auc, all.precision, all.recall, all.f1, all.threshold, cross);
    g_free(halves[0]);
    g_free(halves[1]);
}

/* Features of kinds in MASK (bit per kind). */
static DefisMinhash *sign_subset(DefisFeatures **features, guint n, guint mask)
{
    DefisMinhash *signatures = g_new(DefisMinhash, n);
    GArray *subset = g_array_new(FALSE, FALSE, sizeof(guint64));
    for (guint i = 0; i < n; i++) {
        g_array_set_size(subset, 0);
        for (gsize j = 0; j < features[i]->n; j++)
            if (mask & (1u << defis_feature_kind(features[i]->hashes[j])))
                g_array_append_val(subset, features[i]->hashes[j]);
        defis_minhash_sign((guint64 *)subset->data, subset->len, &signatures[i]);
    }
    g_array_unref(subset);
    return signatures;
}

static gboolean band_hit(const DefisMinhash *a, const DefisMinhash *b, int bands, int rows)
{
    for (int band = 0; band < bands; band++) {
        gboolean equal = TRUE;
        for (int r = 0; r < rows && equal; r++)
            equal = a->values[band * rows + r] == b->values[band * rows + r];
        if (equal)
            return TRUE;
    }
    return FALSE;
}

static void lsh_table(const Corpus *corpus, DefisFeatures **features, guint n_sentences)
{
    static const struct {
        const char *name;
        guint mask;
    } subsets[] = {{"words", 1}, {"words+4-grams", 5}, {"4-grams", 4}, {"all", 7}};
    static const int shapes[][2] = {{64, 2}, {42, 3}, {32, 4}, {25, 5}, {21, 6}, {16, 8}};
    GRand *rand = g_rand_new_with_seed(42);
    enum { RANDOM_PAIRS = 100000 };
    printf("\nLSH candidates, K=%d: %% of same / different / random pairs\n", DEFIS_MINHASH_K);
    printf("%-15s", "signed");
    for (gsize s = 0; s < G_N_ELEMENTS(shapes); s++)
        printf("   B=%-2d R=%d         ", shapes[s][0], shapes[s][1]);
    printf("\n");
    for (gsize k = 0; k < G_N_ELEMENTS(subsets); k++) {
        g_autofree DefisMinhash *sig = sign_subset(features, n_sentences, subsets[k].mask);
        printf("%-15s", subsets[k].name);
        for (gsize s = 0; s < G_N_ELEMENTS(shapes); s++) {
            int bands = shapes[s][0], rows = shapes[s][1];
            gsize hits[2] = {0, 0}, counts[2] = {0, 0}, random_hits = 0;
            for (gsize i = 0; i < corpus->pairs->len; i++) {
                const Pair *pair = &g_array_index(corpus->pairs, Pair, i);
                hits[pair->same] += band_hit(&sig[pair->left], &sig[pair->right], bands, rows);
                counts[pair->same]++;
            }
            g_rand_set_seed(rand, 42);
            for (int i = 0; i < RANDOM_PAIRS; i++) {
                guint a = g_rand_int_range(rand, 0, n_sentences);
                guint b = g_rand_int_range(rand, 0, n_sentences);
                random_hits += a != b && band_hit(&sig[a], &sig[b], bands, rows);
            }
            printf("  %5.1f/%4.1f/%5.2f  ", 100.0 * hits[1] / counts[1],
                   100.0 * hits[0] / counts[0], 100.0 * random_hits / RANDOM_PAIRS);
        }
        printf("\n");
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_PATH;
    Corpus corpus = {0};
    if (!load(path, &corpus))
        return 1;
    guint n_sentences = corpus.sentences->len;
    gsize n_pairs = corpus.pairs->len;
    gsize n_same = 0;
    for (gsize i = 0; i < n_pairs; i++)
        n_same += g_array_index(corpus.pairs, Pair, i).same;
    printf("%s: %u rows, %zu pairs kept (%zu same >= 4, %zu different <= 1), %u sentences\n\n",
           path, corpus.n_rows, n_pairs, n_same, n_pairs - n_same, n_sentences);

    /* One pipeline per n-gram size; features of every sentence; IDF over them. */
    guint n_sizes = G_N_ELEMENTS(ngram_sizes);
    DefisFeatures **features[G_N_ELEMENTS(ngram_sizes)];
    Idf *idf[G_N_ELEMENTS(ngram_sizes)];
    for (guint s = 0; s < n_sizes; s++) {
        DefisTextOptions options = DEFIS_TEXT_OPTIONS_DEFAULT;
        options.ngram = ngram_sizes[s];
        g_autoptr(GError) error = NULL;
        g_autoptr(DefisText) text = defis_text_new(&options, &error);
        g_assert_no_error(error);
        features[s] = g_new(DefisFeatures *, n_sentences);
        for (guint i = 0; i < n_sentences; i++)
            features[s][i] = defis_text_features(text, corpus.sentences->pdata[i], -1);
        idf[s] = idf_build(features[s], n_sentences);
    }
    GHashTable **trigrams = g_new(GHashTable *, n_sentences);
    for (guint i = 0; i < n_sentences; i++)
        trigrams[i] = pg_trigrams(corpus.sentences->pdata[i]);
    DefisMinhash *signatures = g_new(DefisMinhash, n_sentences);
    for (guint i = 0; i < n_sentences; i++)
        defis_minhash_sign(features[1][i]->hashes, features[1][i]->n, &signatures[i]);

    static const Variant variants[] = {
        {"pg_trgm similarity() [baseline]", 0, SCORE_PG, {0}, FALSE},
        {"words, Jaccard", 1, SCORE_PER_KIND, {1, 0, 0}, FALSE},
        {"words, IDF", 1, SCORE_PER_KIND, {1, 0, 0}, TRUE},
        {"pairs, Jaccard", 1, SCORE_PER_KIND, {0, 1, 0}, FALSE},
        {"3-grams, Jaccard", 0, SCORE_PER_KIND, {0, 0, 1}, FALSE},
        {"4-grams, Jaccard", 1, SCORE_PER_KIND, {0, 0, 1}, FALSE},
        {"5-grams, Jaccard", 2, SCORE_PER_KIND, {0, 0, 1}, FALSE},
        {"4-grams, IDF", 1, SCORE_PER_KIND, {0, 0, 1}, TRUE},
        {"all 4, pooled Jaccard", 1, SCORE_POOLED, {1, 1, 1}, FALSE},
        {"all 4, pooled IDF", 1, SCORE_POOLED, {1, 1, 1}, TRUE},
        {"all 4, MinHash estimate", 1, SCORE_MINHASH, {0}, FALSE},
        {"w+g4 .5/0/.5", 1, SCORE_PER_KIND, {0.5, 0, 0.5}, FALSE},
        {"w+g4 .5/0/.5 IDF", 1, SCORE_PER_KIND, {0.5, 0, 0.5}, TRUE},
        {"w+p+g3 .5/.2/.3", 0, SCORE_PER_KIND, {0.5, 0.2, 0.3}, FALSE},
        {"w+p+g3 .5/.2/.3 IDF", 0, SCORE_PER_KIND, {0.5, 0.2, 0.3}, TRUE},
        {"w+p+g4 .5/.2/.3", 1, SCORE_PER_KIND, {0.5, 0.2, 0.3}, FALSE},
        {"w+p+g4 .5/.2/.3 IDF", 1, SCORE_PER_KIND, {0.5, 0.2, 0.3}, TRUE},
        {"w+p+g4 1/1/1", 1, SCORE_PER_KIND, {1, 1, 1}, FALSE},
        {"w+p+g4 1/1/1 IDF", 1, SCORE_PER_KIND, {1, 1, 1}, TRUE},
        {"w+p+g4 .4/.2/.4 IDF", 1, SCORE_PER_KIND, {0.4, 0.2, 0.4}, TRUE},
        {"w+p+g4 .5/.1/.4 [default]", 1, SCORE_PER_KIND, {0.5, 0.1, 0.4}, FALSE},
        {"w+p+g4 .5/.1/.4 IDF [default+IDF]", 1, SCORE_PER_KIND, {0.5, 0.1, 0.4}, TRUE},
        {"w+p+g5 .5/.2/.3 IDF", 2, SCORE_PER_KIND, {0.5, 0.2, 0.3}, TRUE},
    };
    printf("%-34s %6s %12s %6s %6s %6s %6s %7s\n", "variant", "AUC", "even/odd", "P", "R", "F1",
           "thr", "F1xval");
    Scored *scored = g_new(Scored, n_pairs);
    for (gsize v = 0; v < G_N_ELEMENTS(variants); v++) {
        const Variant *variant = &variants[v];
        DefisFeatures **f = features[variant->ngram];
        DefisSimilarity sim = {.weight = variant->idf ? idf_weight : NULL,
                               .user_data = idf[variant->ngram]};
        memcpy(sim.kind_weight, variant->kind_weight, sizeof sim.kind_weight);
        for (gsize i = 0; i < n_pairs; i++) {
            const Pair *pair = &g_array_index(corpus.pairs, Pair, i);
            double score = 0;
            switch (variant->mode) {
            case SCORE_PG:
                score = pg_similarity(trigrams[pair->left], trigrams[pair->right]);
                break;
            case SCORE_PER_KIND:
                score = defis_features_similarity(f[pair->left], f[pair->right], &sim);
                break;
            case SCORE_POOLED:
                score = pooled(f[pair->left], f[pair->right], &sim);
                break;
            case SCORE_MINHASH:
                score = defis_minhash_estimate(&signatures[pair->left], &signatures[pair->right]);
                break;
            }
            scored[i] = (Scored){score, pair->same};
        }
        report(variant->name, scored, n_pairs, &corpus);
    }

    /* What LSH sees: the plain Jaccard over all default features, and how often
     * a pair becomes a candidate with the signatures' bands. */
    GArray *same_j = g_array_new(FALSE, FALSE, sizeof(double));
    gsize candidates[2] = {0, 0}, counts[2] = {0, 0};
    for (gsize i = 0; i < n_pairs; i++) {
        const Pair *pair = &g_array_index(corpus.pairs, Pair, i);
        if (pair->same) {
            double j = defis_features_jaccard(features[1][pair->left], features[1][pair->right]);
            g_array_append_val(same_j, j);
        }
        guint64 ka[DEFIS_MINHASH_BANDS], kb[DEFIS_MINHASH_BANDS];
        defis_minhash_bands(&signatures[pair->left], ka);
        defis_minhash_bands(&signatures[pair->right], kb);
        gboolean hit = FALSE;
        for (int b = 0; b < DEFIS_MINHASH_BANDS; b++)
            hit |= ka[b] == kb[b];
        candidates[pair->same] += hit;
        counts[pair->same]++;
    }
    g_array_sort(same_j, double_desc);
    double *js = (double *)same_j->data;
    printf("\nJaccard (all default features) of 'same' pairs, percentiles: "
           "5%% %.2f  10%% %.2f  25%% %.2f  50%% %.2f\n",
           js[(gsize)(same_j->len * 0.95)], js[(gsize)(same_j->len * 0.90)],
           js[(gsize)(same_j->len * 0.75)], js[(gsize)(same_j->len * 0.50)]);
    printf("LSH K=%d B=%d R=%d: candidates among 'same' %.1f%%, among 'different' %.1f%%\n",
           DEFIS_MINHASH_K, DEFIS_MINHASH_BANDS, DEFIS_MINHASH_ROWS,
           100.0 * candidates[1] / counts[1], 100.0 * candidates[0] / counts[0]);

    /* Which features to sign, and how to band K = 128 rows: recall on 'same'
     * pairs, and the candidate rate among 'different' and among random pairs. */
    lsh_table(&corpus, features[1], n_sentences);

    /* All-pairs LSH load on the sentences, as a stand-in for a store's index. */
    GHashTable *buckets = g_hash_table_new(g_int64_hash, g_int64_equal);
    guint64 *keys = g_new(guint64, (gsize)n_sentences * DEFIS_MINHASH_BANDS);
    for (guint i = 0; i < n_sentences; i++)
        defis_minhash_bands(&signatures[i], keys + (gsize)i * DEFIS_MINHASH_BANDS);
    guint64 colliding = 0;
    for (gsize i = 0; i < (gsize)n_sentences * DEFIS_MINHASH_BANDS; i++) {
        guint c = GPOINTER_TO_UINT(g_hash_table_lookup(buckets, &keys[i]));
        colliding += c;
        g_hash_table_replace(buckets, &keys[i], GUINT_TO_POINTER(c + 1));
    }
    printf("LSH over all %u sentences: %" G_GUINT64_FORMAT
           " band collisions (%.4f%% of the %.0f pairs, before removing repeats)\n",
           n_sentences, colliding, 100.0 * colliding / (n_sentences * (n_sentences - 1.0) / 2),
           n_sentences * (n_sentences - 1.0) / 2);

    g_hash_table_unref(buckets);
    g_free(keys);
    g_array_unref(same_j);
    g_free(scored);
    g_free(signatures);
    for (guint i = 0; i < n_sentences; i++)
        g_hash_table_unref(trigrams[i]);
    g_free(trigrams);
    for (guint s = 0; s < n_sizes; s++) {
        idf_free(idf[s]);
        for (guint i = 0; i < n_sentences; i++)
            defis_features_free(features[s][i]);
        g_free(features[s]);
    }
    g_ptr_array_unref(corpus.sentences);
    g_array_unref(corpus.pairs);
    return 0;
}
