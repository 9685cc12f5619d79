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
 * K = 128, B = 42, R = 3 (rows 126 and 127 belong to no band; they still count
 * in the estimate). The S-curve climbs around (1/B)^(1/R) = 0.29:
 *
 *   J     0.05   0.10   0.15   0.20   0.25   0.30   0.40   0.50   0.60
 *   P(J)  0.005  0.041  0.132  0.286  0.484  0.683  0.938  0.996  1.000
 *
 * J here is the plain Jaccard over all the features of text.h (words, pairs,
 * 4-grams). On the French STS-B training pairs (tests/bench/stsb_eval.c), the
 * pairs that raters call the same (score >= 4) have a median J of 0.53 and a
 * tenth of them are under 0.27; with these bands 89 % of them become
 * candidates, against 0.33 % of random pairs of sentences. R = 4 (B = 32)
 * keeps only 74 % of the paraphrases; R = 2 (B = 64) keeps 98.5 % but makes
 * 2.8 % of random pairs candidates, eight times more work for the verifier.
 * Each signature is 512 bytes; each mention adds 42 band keys to the index.
 *
 * The hash functions derive from one fixed seed, so signatures and band keys
 * are the same on every run and machine, and may be stored. */
#ifndef DEFIS_MINHASH_H
#define DEFIS_MINHASH_H

#include <glib.h>

#define DEFIS_MINHASH_K 128
#define DEFIS_MINHASH_BANDS 42
#define DEFIS_MINHASH_ROWS 3

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
