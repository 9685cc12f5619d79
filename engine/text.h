/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* text.h - the text pipeline of deduplication: folding, terms, features, similarity.
 *
 * A challenge as a place wrote it goes through:
 *
 *   fold        NFKD, combining marks dropped, case folded, ligatures spelled out,
 *               every run of non-alphanumerics one space, trimmed
 *   terms       folded words minus elisions (l' d' qu'…) and stop words, stemmed
 *               with Snowball (French, or English when the text reads as English)
 *   features    64-bit hashes of: each term (WORD), each pair of adjacent distinct terms
 *               (PAIR, order-insensitive), each character n-gram of each folded
 *               content word padded " word " (NGRAM, catches typos and the
 *               stems the stemmer cannot see; word order changes none of them)
 *   similarity  per kind, a weighted Jaccard of the two feature sets; the kinds
 *               combined by fixed weights
 *
 * Everything here is pure computation: no I/O, no database. fold and the
 * DefisFeatures functions are thread-safe; a DefisText is not (the Snowball
 * stemmers keep state): use one per thread or per connection. */
#ifndef DEFIS_TEXT_H
#define DEFIS_TEXT_H

#include <glib.h>

/* ---- Folding ------------------------------------------------------------ */

/* Returns the normalised key of TEXT (LEN bytes, or -1 for NUL-terminated):
 * compatibility decomposition (NFKD), combining marks dropped, lower-cased
 * with full case folding for the letters that need it, œ æ ß ø đ ł spelled
 * oe ae ss o d l, every run of characters that are neither letters nor digits
 * replaced by one space, no leading or trailing space.
 *
 *   "  Trouver des FINANCEMENTS pour l'animation !"
 *   -> "trouver des financements pour l animation"
 *
 * Pure-ASCII input takes a table-driven path that allocates only the result.
 * Bytes that are not valid UTF-8 count as separators. Never returns NULL
 * (an empty string for a text with no letter or digit); free with g_free. */
char *defis_text_fold(const char *text, gssize len);

/* ---- The pipeline object ------------------------------------------------ */

typedef enum {
    DEFIS_LANGUAGE_FRENCH = 0,
    DEFIS_LANGUAGE_ENGLISH = 1,
} DefisLanguage;

/* How features are made. Zero-initialised fields do NOT mean defaults: start
 * from DEFIS_TEXT_OPTIONS_DEFAULT and change what you need. */
typedef struct {
    guint ngram;    /* character n-gram length, 0 for no NGRAM features */
    gboolean pairs; /* make PAIR features */
} DefisTextOptions;

/* 4-grams: long enough that unrelated French words rarely share one, short
 * enough that a one-letter typo in a 7-letter word leaves half its n-grams. */
#define DEFIS_TEXT_OPTIONS_DEFAULT ((DefisTextOptions){.ngram = 4, .pairs = TRUE})

typedef struct DefisText DefisText;

/* Makes a pipeline with OPTIONS (NULL for DEFIS_TEXT_OPTIONS_DEFAULT).
 * Returns NULL and sets ERROR (DEFIS_ERROR_INVALID) if libstemmer lacks the
 * French or English stemmer, or if OPTIONS->ngram is over 16. */
DefisText *defis_text_new(const DefisTextOptions *options, GError **error);
void defis_text_free(DefisText *text);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisText, defis_text_free)

/* The language of INPUT (raw or folded, LEN bytes or -1): English when more of
 * its words are English-only stop words than French-only ones (elided l' d'
 * qu'… count as French), French otherwise, French for a tie or an empty text. */
DefisLanguage defis_text_language(DefisText *text, const char *input, gssize len);

/* The terms of INPUT (raw text, LEN bytes or -1), in order, repeats kept:
 * folded words, minus single-letter words (the elided l' d' j' m' n' s' t' c'
 * and the stray letters of contractions), minus the stop words of the text's
 * language (which include qu' jusqu' lorsqu' puisqu'), stemmed. Digits are
 * kept. Sets *LANGUAGE (may be NULL). Returns a NULL-terminated array, possibly
 * empty; free with g_strfreev. */
char **defis_text_terms(DefisText *text, const char *input, gssize len, DefisLanguage *language);

/* ---- Features ----------------------------------------------------------- */

/* A feature is a 64-bit hash whose top two bits are its kind, so that a sorted
 * array holds the WORD features first, then PAIR, then NGRAM. It is stored in
 * 32 bits (defis_feature_pack): its kind and the low 30 bits of its hash. Among
 * the few hundred features of two texts two packed ones meet by chance once in
 * ten thousand pairs of texts, far below what a similarity can tell. */
typedef enum {
    DEFIS_FEATURE_WORD = 0,  /* a stemmed term */
    DEFIS_FEATURE_PAIR = 1,  /* two adjacent terms, in either order */
    DEFIS_FEATURE_NGRAM = 2, /* n characters of one folded content word, " word " */
    DEFIS_FEATURE_KINDS = 3,
} DefisFeatureKind;

static inline DefisFeatureKind defis_feature_kind(guint64 feature)
{
    return (DefisFeatureKind)(feature >> 62);
}

/* FEATURE in 32 bits, and back (to the feature with those 32 bits). */
static inline guint32 defis_feature_pack(guint64 feature)
{
    return (guint32)((feature >> 62) << 30 | (feature & 0x3fffffff));
}

static inline guint64 defis_feature_unpack(guint32 packed)
{
    return (guint64)(packed >> 30) << 62 | (packed & 0x3fffffff);
}

/* The set of features of one text: HASHES sorted ascending, no repeats, N of
 * them; COUNT[kind] of each kind. Owns HASHES. */
typedef struct {
    guint64 *hashes;
    gsize n;
    gsize count[DEFIS_FEATURE_KINDS];
    double *weights; /* NULL, or the weight of each hash, set by defis_features_weigh */
} DefisFeatures;

/* The features of INPUT (raw text, LEN bytes or -1) with TEXT's options. Never
 * NULL; a text with no term has no WORD or PAIR feature, and NGRAM features only
 * if it has a content word. Hashes depend only on the folded text, the stemmer
 * and the options, so they are the same across runs and machines and may be
 * stored. */
DefisFeatures *defis_text_features(DefisText *text, const char *input, gssize len);

/* A feature set from N stored hashes (any order, repeats allowed): copies,
 * sorts, removes repeats, counts kinds. */
DefisFeatures *defis_features_new(const guint64 *hashes, gsize n);

/* The same, taking HASHES (g_malloc'd, at least one slot) rather than copying. */
DefisFeatures *defis_features_take(guint64 *hashes, gsize n);
void defis_features_free(DefisFeatures *features);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisFeatures, defis_features_free)

/* FEATURES as they are stored: each reduced to its 32 bits, as a set. */
DefisFeatures *defis_features_packed(const DefisFeatures *features);

/* |A ∩ B| / |A ∪ B| over all features; 0 when both are empty. */
double defis_features_jaccard(const DefisFeatures *a, const DefisFeatures *b);

/* The weight of one feature, >= 0: an IDF computed over the mentions of a
 * store, for example, so that a word every challenge uses counts little. */
typedef double (*DefisFeatureWeightFunc)(guint64 feature, gpointer user_data);

/* How two feature sets are compared. For each kind k present in A or B,
 *
 *   J_k = Σ_{f ∈ A∩B, kind k} w(f) / Σ_{f ∈ A∪B, kind k} w(f)
 *
 * with w = WEIGHT(f, USER_DATA), or 1 when WEIGHT is NULL; the similarity is
 * Σ_k KIND_WEIGHT[k]·J_k / Σ_k KIND_WEIGHT[k] over those kinds only (so two
 * one-word texts are not penalised for having no pair). Kinds are compared
 * separately because a short sentence has ten times more n-grams than words:
 * pooled, the n-grams would decide alone. */
typedef struct {
    double kind_weight[DEFIS_FEATURE_KINDS];
    DefisFeatureWeightFunc weight;
    gpointer user_data;
} DefisSimilarity;

/* Words carry the meaning, n-grams forgive typos and the stems Snowball misses,
 * pairs reward shared phrasing a little. On the French STS-B (tests/bench/
 * stsb_eval.c) every mix of words and n-grams separates paraphrases about as
 * well (AUC 0.969-0.975, pg_trgm 0.961) and pairs alone are the weakest
 * signal, so the default trusts words and spelling equally and gives pairs a
 * tie-breaker's weight rather than a weight tuned to that corpus. An IDF
 * WEIGHT (log(1 + N/df) over the store's mentions) adds about 0.005 AUC to
 * every variant there: pass one when document frequencies are at hand. */
#define DEFIS_SIMILARITY_DEFAULT                                                                   \
    ((DefisSimilarity){.kind_weight = {0.5, 0.1, 0.4}, .weight = NULL, .user_data = NULL})

/* Computes once the weight of each feature of FEATURES with WEIGHT and keeps it:
 * defis_features_similarity then uses these weights instead of calling its
 * WEIGHT for every feature of every comparison (for a shared feature, the mean
 * of both sides' weights). */
void defis_features_weigh(DefisFeatures *features, DefisFeatureWeightFunc weight,
                          gpointer user_data);

/* The similarity of A and B in [0, 1] under SIMILARITY (NULL for
 * DEFIS_SIMILARITY_DEFAULT); 0 when both are empty. Symmetric. */
double defis_features_similarity(const DefisFeatures *a, const DefisFeatures *b,
                                 const DefisSimilarity *similarity);

#endif
