/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* hash.h - the 64-bit hashes every module stores: fixed constants, the same on every machine. */
#ifndef DEFIS_HASH_H
#define DEFIS_HASH_H

#include <glib.h>

/* The finaliser of MurmurHash3: every input bit moves every output bit. */
static inline guint64 defis_hash_mix64(guint64 x)
{
    x ^= x >> 33;
    x *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= G_GUINT64_CONSTANT(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

/* FNV-1a over the N BYTES, started from SEED, then mixed. Stored in the
 * database (features, mention.norm_hash): never change it. */
static inline guint64 defis_hash_bytes(const char *bytes, gsize n, guint64 seed)
{
    guint64 h = G_GUINT64_CONSTANT(0xcbf29ce484222325) ^ seed;
    for (gsize i = 0; i < n; i++) {
        h ^= (guchar)bytes[i];
        h *= G_GUINT64_CONSTANT(0x100000001b3);
    }
    return defis_hash_mix64(h ^ n);
}

#endif
