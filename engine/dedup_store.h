/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup_store.h - how the deduplication index is kept in SQLite: the document
 * frequencies of features and the LSH band keys of representatives.
 *
 * Both are used by the million: a survey of a million rows looks up some
 * fifteen million frequencies and six million band keys. One SQL row per entry
 * meant one statement per lookup, and a page read once the index outgrew the
 * cache. Both are therefore stored as sorted binary arrays, thousands of
 * entries to a row, and worked on in memory within one transaction:
 *
 *   frequencies  dedup_df_chunk: 256 rows, by the top byte of a feature's 32-bit
 *                fingerprint (the 32 bits it is stored in, engine/text.h,
 *                mixed), each an array of (fingerprint, df) sorted by
 *                fingerprint. Read whole on first use into an open-addressing
 *                table (about 10 bytes a feature, one cache miss a lookup),
 *                counted on in memory; defis_df_flush writes back the rows
 *                whose counts changed.
 *   band keys    dedup_bucket: 65,536 rows, by the top 16 bits of the key, each
 *                an array of (next 32 bits of the key, representative,
 *                challenge) sorted. A lookup reads one row, but first asks a
 *                blocked Bloom filter (dedup_filter, 6 to 7.5 bits a key, read
 *                on first use) that answers "absent" without reading for almost
 *                every key that no representative has (half of the lookups
 *                of the benchmark survey).
 *                New entries wait in memory, by bucket, until defis_bands_flush
 *                merges each bucket's into its row.
 *
 * A band key is thus known by 48 of its 64 bits and a feature by 32: keys or
 * features that agree on those are taken as one. Comparing a key against the
 * ~100 entries of its bucket meets a stranger with probability ~2^-25; among a
 * million features a hundred or so pairs share a count, which moves their IDF
 * weights by a few percent at most.
 *
 * Arrays are stored little-endian. Both objects live within one write
 * transaction: create them after BEGIN, flush before COMMIT, free after; a
 * rollback loses nothing that was stored. */
#ifndef DEFIS_DEDUP_STORE_H
#define DEFIS_DEDUP_STORE_H

#include <glib.h>

#include "engine/store.h"

/* A counter of dedup_meta (documents, band_entries, filter_blocks, reindex):
 * its value, 0 when absent, -1 on error. */
gint64 defis_dedup_meta_get(DefisStore *store, const char *key, GError **error);
gboolean defis_dedup_meta_set(DefisStore *store, const char *key, gint64 value, GError **error);

/* ---- Document frequencies ------------------------------------------------ */

typedef struct DefisDf DefisDf;

/* Nothing is read until the first defis_df_get or defis_df_add. */
DefisDf *defis_df_new(DefisStore *store);
void defis_df_free(DefisDf *df);

/* The number of distinct texts having FEATURE, counts of this transaction
 * included; 0 on a store error, which is then kept for defis_df_error. */
guint32 defis_df_get(DefisDf *df, guint64 feature);

/* Sets COUNTS[i] to defis_df_get(DF, FEATURES[i]) for the N features, asking
 * the processor for each slot a few lookups ahead: past a few hundred
 * thousand features the table outgrows the caches, and one lookup after the
 * other each waits for memory. */
void defis_df_get_many(DefisDf *df, const guint64 *features, gsize n, double *counts);

/* Counts one more text having FEATURE. */
void defis_df_add(DefisDf *df, guint64 feature);

/* The first store error met by defis_df_get or defis_df_add (stolen), or NULL. */
GError *defis_df_error(DefisDf *df);

/* Writes the rows the counts of this transaction changed. */
gboolean defis_df_flush(DefisDf *df, GError **error);

/* Forgets every frequency, stored or not (a rebuild counts again). */
gboolean defis_df_clear(DefisDf *df, GError **error);

/* ---- Band keys ----------------------------------------------------------- */

typedef struct DefisBands DefisBands;

DefisBands *defis_bands_new(DefisStore *store);
void defis_bands_free(DefisBands *bands);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisBands, defis_bands_free)

/* The challenges of the representatives having band KEY, one per
 * representative in representative order, at most MAX into CHALLENGES; *N
 * their number, up to MAX + 1 (more than MAX is reported as MAX + 1). */
gboolean defis_bands_find(DefisBands *bands, guint64 key, gint64 *challenges, guint max, guint *n,
                          GError **error);

/* Gives representative MENTION band KEY, pointing at CHALLENGE (or points it
 * there if it has it already). */
gboolean defis_bands_put(DefisBands *bands, guint64 key, gint64 mention, gint64 challenge,
                         GError **error);

/* Writes the entries waiting in memory. */
gboolean defis_bands_flush(DefisBands *bands, GError **error);

/* Forgets every band key, stored or not (a rebuild bands again). */
gboolean defis_bands_clear(DefisBands *bands, GError **error);

#endif
