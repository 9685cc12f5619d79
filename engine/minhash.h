/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* minhash.h - MinHash signatures of feature sets and their LSH band keys.
 *
 * Finding the mentions that say the same thing must not compare every pair.
 * A MinHash signature keeps, for each of K fixed hash functions, the smallest
 * hash of a text's features; two signatures agree at one position with
 * probability equal to the Jaccard similarity J of the two feature sets. The K
 * positions are cut into B bands of R rows; a band's key hashes its R values,
 * so two texts share a band key with probability J^R, and share at least one
 * of the B keys (become candidates) with probability
 *
 *   P(J) = 1 - (1 - J^R)^B
 *
 * Candidates are then verified with the exact similarity of text.h; LSH only
 * has to avoid missing true duplicates while keeping the candidates few.
 *
 * K = 128, B = 64, R = 2. The S-curve climbs around (1/B)^(1/R) = 0.125:
 *
 *   J     0.05   0.10   0.15   0.20   0.25   0.30   0.40   0.50
 *   P(J)  0.148  0.474  0.767  0.927  0.984  0.998  1.000  1.000
 *
 * J here is the plain Jaccard over all the features of text.h (words, pairs,
 * 4-grams). On the French STS-B training pairs (tests/bench/stsb_eval.c), the
 * pairs that raters call the same (score >= 4) have a median J of 0.53 and a
 * tenth of them are under 0.27: with these bands 98.5 % of them become
 * candidates (42 bands of 3 rows: 89 %; 32 of 4: 74 %). The price is more
 * chance candidates (2.8 % of random pairs of sentences against 0.33 %), which
 * the deduplication bounds: it verifies only the challenges sharing the most
 * band keys (dedup.h, max_candidates), so the work per mention stays the same
 * whatever the size of the store. Clustering the STS-B sentences
 * (tests/bench/dedup_eval.c) gains 2 points of F1 over 42 x 3, and a single
 * row per band (B = 128) gains nothing more.
 * Each signature is 512 bytes; each representative adds 64 band keys to the
 * index.
 *
 * The hash functions derive from one fixed seed, so signatures and band keys
 * are the same on every run and machine, and may be stored. */
#ifndef DEFIS_MINHASH_H
#define DEFIS_MINHASH_H

#include <glib.h>

#define DEFIS_MINHASH_K 128
#define DEFIS_MINHASH_BANDS 64
#define DEFIS_MINHASH_ROWS 2

/* A signature: the minimum of each hash function over the features. A set with
 * no feature has every value G_MAXUINT32. */
typedef struct {
    guint32 values[DEFIS_MINHASH_K];
} DefisMinhash;

/* Fills SIGNATURE with the MinHash of the N FEATURES (any order, repeats
 * allowed). SIGNATURE is caller-owned (a stack value is fine). */
void defis_minhash_sign(const guint64 *features, gsize n, DefisMinhash *signature);

/* The same, allocated; free with defis_minhash_free. */
DefisMinhash *defis_minhash_new(const guint64 *features, gsize n);
void defis_minhash_free(DefisMinhash *signature);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisMinhash, defis_minhash_free)

/* Fills KEYS with the DEFIS_MINHASH_BANDS band keys of SIGNATURE: key b hashes b
 * and rows b·R … b·R+R-1, so equal keys in different bands do not meet. Two
 * signatures are LSH candidates when KEYS[b] is equal for at least one b. Every
 * empty feature set has the same keys: do not index texts without features. */
void defis_minhash_bands(const DefisMinhash *signature, guint64 keys[DEFIS_MINHASH_BANDS]);

/* The share of positions where A and B agree: an unbiased estimate of the
 * Jaccard similarity of their feature sets (standard error
 * sqrt(J(1-J)/K), at most 0.044 for K = 128). */
double defis_minhash_estimate(const DefisMinhash *a, const DefisMinhash *b);

/* P(J) above: the probability that two sets of Jaccard similarity JACCARD share
 * at least one band key. */
double defis_minhash_candidate_probability(double jaccard);

#endif
