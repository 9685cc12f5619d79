/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* minhash.c - MinHash signatures over 64-bit features, and LSH band keys. */
#include "engine/minhash.h"

#include <math.h>

#include "engine/hash.h"

/* The hash functions are h_i(x) = (a_i · mix(x) + b_i) >> 32 over 64-bit words
 * (multiply-add-shift), a_i odd. mix() spreads the feature's bits first, so one
 * mix per feature and one multiply-add per function: K functions cost little
 * more than one. a_i and b_i come from splitmix64 of a fixed seed. */
#define MINHASH_SEED G_GUINT64_CONSTANT(0x64656669732d6d68) /* "defis-mh" */

G_STATIC_ASSERT(DEFIS_MINHASH_K >= DEFIS_MINHASH_BANDS * DEFIS_MINHASH_ROWS);

typedef struct {
    guint64 a[DEFIS_MINHASH_K];
    guint64 b[DEFIS_MINHASH_K];
} HashFamily;

static guint64 splitmix64(guint64 *state)
{
    guint64 z = (*state += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static const HashFamily *hash_family(void)
{
    static HashFamily family;
    static gsize ready = 0;
    if (g_once_init_enter(&ready)) {
        guint64 state = MINHASH_SEED;
        for (int i = 0; i < DEFIS_MINHASH_K; i++) {
            family.a[i] = splitmix64(&state) | 1;
            family.b[i] = splitmix64(&state);
        }
        g_once_init_leave(&ready, 1);
    }
    return &family;
}

void defis_minhash_sign(const guint64 *features, gsize n, DefisMinhash *signature)
{
    g_return_if_fail(signature != NULL);
    g_return_if_fail(features != NULL || n == 0);
    const HashFamily *family = hash_family();
    guint32 *values = signature->values;
    for (int i = 0; i < DEFIS_MINHASH_K; i++)
        values[i] = G_MAXUINT32;
    for (gsize f = 0; f < n; f++) {
        guint64 x = defis_hash_mix64(features[f]);
        for (int i = 0; i < DEFIS_MINHASH_K; i++) {
            guint32 h = (guint32)((family->a[i] * x + family->b[i]) >> 32);
            values[i] = MIN(values[i], h);
        }
    }
}

DefisMinhash *defis_minhash_new(const guint64 *features, gsize n)
{
    DefisMinhash *signature = g_new(DefisMinhash, 1);
    defis_minhash_sign(features, n, signature);
    return signature;
}

void defis_minhash_free(DefisMinhash *signature)
{
    g_free(signature);
}

void defis_minhash_bands(const DefisMinhash *signature, guint64 keys[DEFIS_MINHASH_BANDS])
{
    g_return_if_fail(signature != NULL && keys != NULL);
    for (int band = 0; band < DEFIS_MINHASH_BANDS; band++) {
        guint64 h = defis_hash_mix64(MINHASH_SEED ^ (guint64)(band + 1));
        for (int row = 0; row < DEFIS_MINHASH_ROWS; row++)
            h = defis_hash_mix64(h ^ signature->values[band * DEFIS_MINHASH_ROWS + row]) +
                G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
        keys[band] = h;
    }
}

double defis_minhash_estimate(const DefisMinhash *a, const DefisMinhash *b)
{
    g_return_val_if_fail(a != NULL && b != NULL, 0.0);
    int agree = 0;
    for (int i = 0; i < DEFIS_MINHASH_K; i++)
        agree += a->values[i] == b->values[i];
    return (double)agree / DEFIS_MINHASH_K;
}

double defis_minhash_candidate_probability(double jaccard)
{
    g_return_val_if_fail(jaccard >= 0.0 && jaccard <= 1.0, 0.0);
    return 1.0 - pow(1.0 - pow(jaccard, DEFIS_MINHASH_ROWS), DEFIS_MINHASH_BANDS);
}
