/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup.c - one challenge for every way places write it. */
#include "engine/dedup_internal.h"

#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

#include "engine/commons.h"
#include "engine/error.h"
#include "engine/hash.h"
#include "engine/idmap.h"
#include "engine/journal.h"
#include "engine/minhash.h"
#include "engine/score.h"
#include "engine/text.h"

void defis_dedup_settings_default(DefisDedupSettings *s)
{
    s->threshold = 0.25;
    s->review_margin = 0.10;
    s->max_reps = 8;
    s->max_candidates = 8;
    s->word_weight = 0.5;
    s->pair_weight = 0.1;
    s->ngram_weight = 0.4;
}

/* ---- Placement ----------------------------------------------------------- */

static void reps_free(gpointer data)
{
    DefisDedupReps *reps = data;
    g_ptr_array_unref(reps->features);
    g_free(reps);
}

/* Bounds the cache of representatives, in bytes of features and weights, so
 * that an import stays within its memory whatever its texts: a challenge that
 * many places name has its max_reps representatives of a long text, some
 * 20 KiB. On the 1M-row survey of `make bench` 12 MiB holds 1,200 to 3,000
 * challenges, and the import peaks at 62 MiB resident (16 MiB: 66 MiB, no
 * faster there). */
#define REPS_CACHE_BYTES (12u << 20)

/* What FEATURES, weighed, take in the cache (malloc's headers counted). */
static gsize features_bytes(const DefisFeatures *features)
{
    return sizeof *features + features->n * (sizeof(guint64) + sizeof(double)) + 48;
}

/* Adds FEATURES (weighed) to the cached REPS and counts them. */
static void reps_add(DefisDedup *dedup, DefisDedupReps *reps, DefisFeatures *features)
{
    g_ptr_array_add(reps->features, features);
    reps->bytes += features_bytes(features);
    dedup->reps_bytes += features_bytes(features);
}

/* Feature hashes may be 0; the maps reserve 0. */
guint64 defis__dedup_map_key(guint64 feature)
{
    return feature ? feature : 1;
}

/* Inverse document frequency: a word every challenge uses weighs little, a rare
 * one (a place name, a tool's name) much. */
static double idf(const DefisDedup *dedup, double df)
{
    return log(1.0 + (double)MAX(dedup->documents, 1) / MAX(df, 1.0));
}

static double idf_weight(guint64 feature, gpointer data)
{
    DefisDedup *dedup = data;
    return idf(dedup, defis_df_get(dedup->df, feature));
}

/* Weighs FEATURES, as defis_features_weigh with idf_weight would, but looking
 * the frequencies up all at once. */
static void weigh(DefisDedup *dedup, DefisFeatures *features)
{
    g_free(features->weights);
    features->weights = g_new(double, MAX(features->n, 1));
    defis_df_get_many(dedup->df, features->hashes, features->n, features->weights);
    for (gsize i = 0; i < features->n; i++)
        features->weights[i] = idf(dedup, features->weights[i]);
}

/* Counts the features of one more distinct text in the frequencies; they reach
 * the store at defis_dedup_flush. */
gboolean defis__dedup_count_document(DefisDedup *dedup, const DefisFeatures *features,
                                     GError **error)
{
    for (gsize i = 0; i < features->n; i++)
        defis_df_add(dedup->df, features->hashes[i]);
    dedup->documents++;
    GError *failed = defis_df_error(dedup->df);
    if (failed) {
        g_propagate_error(error, failed);
        return FALSE;
    }
    return TRUE;
}

gboolean defis_dedup_flush(DefisDedup *dedup, GError **error)
{
    g_return_val_if_fail(defis_store_in_transaction(dedup->store), FALSE);
    return defis_df_flush(dedup->df, error) && defis_bands_flush(dedup->bands, error) &&
           defis_dedup_meta_set(dedup->store, "documents", dedup->documents, error);
}

static gboolean put_bands(DefisBands *bands, gint64 mention, gint64 challenge,
                          const DefisFeatures *features, GError **error);

/* The features of a representative as stored (dedup_rep.features): 32 bits
 * each (engine/text.h), little-endian, in order. */
static DefisFeatures *features_unpack(const void *blob, gsize size)
{
    gsize n = size / sizeof(guint32);
    guint64 *hashes = g_new(guint64, MAX(n, 1));
    const guchar *bytes = blob;
    for (gsize i = 0; i < n; i++) {
        guint32 packed;
        memcpy(&packed, bytes + i * sizeof packed, sizeof packed);
        hashes[i] = defis_feature_unpack(GUINT32_FROM_LE(packed));
    }
    return defis_features_take(hashes, n);
}

/* The features of MENTION's text (NULL on a store error), for its band keys:
 * the stored ones are packed (engine/text.h), which would sign differently. */
static DefisFeatures *mention_features(DefisStore *store, DefisText *text, gint64 mention,
                                       GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTION_GET);
    defis_stmt_bind_int(stmt, 1, mention);
    gboolean row = FALSE;
    DefisFeatures *features = NULL;
    if (defis_stmt_step(stmt, &row, error))
        features = defis_text_features(text, row ? defis_stmt_text(stmt, 2) : "", -1);
    defis_stmt_reset(stmt);
    return features;
}

/* Runs SQL (DEFIS_SQL_DEDUP_REP_INSERT or _SET) for MENTION of CHALLENGE with
 * FEATURES (packed: defis_features_packed), stored as features_unpack reads
 * them, in order. */
static gboolean rep_write(DefisStore *store, DefisSql sql, gint64 mention, gint64 challenge,
                          const DefisFeatures *features, GError **error)
{
    g_autofree guint32 *packed = g_new(guint32, MAX(features->n, 1));
    for (gsize i = 0; i < features->n; i++)
        packed[i] = GUINT32_TO_LE(defis_feature_pack(features->hashes[i]));
    DefisStmt *stmt = defis_store_stmt(store, sql);
    defis_stmt_bind_int(stmt, 1, mention);
    defis_stmt_bind_int(stmt, 2, challenge);
    defis_stmt_bind_blob(stmt, 3, packed, features->n * sizeof *packed);
    return defis_stmt_exec(stmt, error);
}

/* Makes the index again from what the store holds: the frequencies from the
 * first text of each distinct wording, the features of the representatives
 * from their texts, and their band keys. For a store whose index was lost or
 * changed form (a migration asks for it); clustering is left as it is. */
static gboolean reindex(DefisDedup *dedup, GError **error)
{
    DefisStore *store = dedup->store;
    if (!defis_df_clear(dedup->df, error) || !defis_bands_clear(dedup->bands, error))
        return FALSE;
    dedup->documents = 0;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_REINDEX_TEXTS);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        g_autoptr(DefisFeatures) features =
            defis_text_features(dedup->text, defis_stmt_text(stmt, 0), -1);
        if (features->n > 0 && !defis__dedup_count_document(dedup, features, error)) {
            ok = FALSE;
            break;
        }
    }
    defis_stmt_reset(stmt);
    /* The representatives first (ids only), then each rewritten. */
    g_autoptr(GArray) reps = g_array_new(FALSE, FALSE, sizeof(gint64));
    stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_REINDEX_REPS);
    while (ok && (ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 ids[2] = {defis_stmt_int(stmt, 0), defis_stmt_int(stmt, 1)};
        g_array_append_vals(reps, ids, 2);
    }
    defis_stmt_reset(stmt);
    for (guint i = 0; ok && i < reps->len; i += 2) {
        gint64 mention = g_array_index(reps, gint64, i);
        gint64 challenge = g_array_index(reps, gint64, i + 1);
        g_autoptr(DefisFeatures) features = mention_features(store, dedup->text, mention, error);
        g_autoptr(DefisFeatures) packed = features ? defis_features_packed(features) : NULL;
        ok = features &&
             rep_write(store, DEFIS_SQL_DEDUP_REP_SET, mention, challenge, packed, error) &&
             (features->n == 0 || put_bands(dedup->bands, mention, challenge, features, error));
    }
    return ok && defis_dedup_flush(dedup, error) &&
           defis_dedup_meta_set(store, "reindex", 0, error);
}

DefisDedup *defis_dedup_new(DefisStore *store, const DefisDedupSettings *settings, GError **error)
{
    DefisText *text = defis_text_new(NULL, error);
    if (!text)
        return NULL;
    DefisDedup *dedup = g_new0(DefisDedup, 1);
    dedup->store = store;
    if (settings)
        dedup->settings = *settings;
    else
        defis_dedup_settings_default(&dedup->settings);
    dedup->similarity = DEFIS_SIMILARITY_DEFAULT;
    dedup->similarity.kind_weight[DEFIS_FEATURE_WORD] = dedup->settings.word_weight;
    dedup->similarity.kind_weight[DEFIS_FEATURE_PAIR] = dedup->settings.pair_weight;
    dedup->similarity.kind_weight[DEFIS_FEATURE_NGRAM] = dedup->settings.ngram_weight;
    dedup->text = text;
    dedup->now = defis_now();
    defis_idmap_init(&dedup->twins);
    dedup->df = defis_df_new(store);
    dedup->bands = defis_bands_new(store);
    dedup->similarity.weight = idf_weight;
    dedup->similarity.user_data = dedup;
    dedup->reps = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, reps_free);
    dedup->documents = defis_dedup_meta_get(store, "documents", error);
    gint64 stale = dedup->documents < 0 ? -1 : defis_dedup_meta_get(store, "reindex", error);
    if (stale < 0 || (stale > 0 && !reindex(dedup, error))) {
        defis_dedup_free(dedup);
        return NULL;
    }
    return dedup;
}

void defis_dedup_free(DefisDedup *dedup)
{
    if (!dedup)
        return;
    defis_text_free(dedup->text);
    g_free(dedup->now);
    defis_idmap_clear(&dedup->twins);
    g_hash_table_destroy(dedup->reps);
    defis_df_free(dedup->df);
    defis_bands_free(dedup->bands);
    if (dedup->review)
        g_hash_table_destroy(dedup->review);
    g_free(dedup);
#ifdef __GLIBC__
    malloc_trim(0); /* megabytes of index and caches, in pieces of every size */
#endif
}

gint64 defis_dedup_norm_hash(const char *norm)
{
    return (gint64)defis_hash_bytes(norm, strlen(norm), 0);
}

void defis__dedup_put_id(GHashTable *table, gint64 key, gint64 value)
{
    gint64 *v = g_new(gint64, 1);
    *v = value;
    g_hash_table_insert(table, g_memdup2(&key, sizeof key), v);
}

/* Makes room in the full cache of representatives, second-chance style: the
 * challenges not asked for since the last time go, the others lose their mark,
 * and more go (unmarked first) until the cache is half full. Popular
 * challenges, which most mentions are compared with, so stay. The freed
 * feature arrays of every size leave the heap fragmented: hand the pages back,
 * or a long import keeps every high-water mark. */
static void make_room(DefisDedup *dedup)
{
    GHashTableIter iter;
    gpointer value;
    for (int pass = 0; pass < 2; pass++) {
        g_hash_table_iter_init(&iter, dedup->reps);
        while (dedup->reps_bytes > REPS_CACHE_BYTES / 2 &&
               g_hash_table_iter_next(&iter, NULL, &value)) {
            DefisDedupReps *reps = value;
            if (!reps->used || pass == 1) {
                dedup->reps_bytes -= reps->bytes;
                g_hash_table_iter_remove(&iter);
            } else
                reps->used = FALSE;
        }
    }
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* A new, empty entry of the cache for CHALLENGE (not cached), USED or not yet;
 * room is made first if the cache is full. */
static DefisDedupReps *reps_cache_new(DefisDedup *dedup, gint64 challenge, gboolean used)
{
    if (dedup->reps_bytes >= REPS_CACHE_BYTES)
        make_room(dedup);
    DefisDedupReps *reps = g_new0(DefisDedupReps, 1);
    reps->used = used;
    reps->features = g_ptr_array_new_with_free_func((GDestroyNotify)defis_features_free);
    g_hash_table_insert(dedup->reps, g_memdup2(&challenge, sizeof challenge), reps);
    return reps;
}

/* The representatives of CHALLENGE, from the cache or the index. Borrowed. */
DefisDedupReps *defis__dedup_reps_of(DefisDedup *dedup, gint64 challenge, GError **error)
{
    DefisDedupReps *reps = g_hash_table_lookup(dedup->reps, &challenge);
    if (reps) {
        reps->used = TRUE;
        return reps;
    }
    reps = reps_cache_new(dedup, challenge, FALSE); /* marked when asked for again */
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_REPS_OF);
    defis_stmt_bind_int(stmt, 1, challenge);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gsize size = 0;
        const void *blob = defis_stmt_blob(stmt, 1, &size);
        DefisFeatures *features = features_unpack(blob, size);
        weigh(dedup, features);
        reps_add(dedup, reps, features);
    }
    defis_stmt_reset(stmt);
    if (!ok) {
        dedup->reps_bytes -= reps->bytes;
        g_hash_table_remove(dedup->reps, &challenge);
        return NULL;
    }
    return reps;
}

/* The similarity of FEATURES to a challenge as a whole: the mean over its
 * representatives. */
static double challenge_similarity(DefisDedup *dedup, const DefisFeatures *features,
                                   DefisDedupReps *reps)
{
    if (reps->features->len == 0)
        return 0;
    double sum = 0;
    for (guint i = 0; i < reps->features->len; i++)
        sum += defis_features_similarity(features, g_ptr_array_index(reps->features, i),
                                         &dedup->similarity);
    return sum / reps->features->len;
}

gboolean defis__dedup_note_review(DefisDedup *dedup, gint64 x, gint64 y, double similarity,
                                  GError **error)
{
    gint64 a = MIN(x, y), b = MAX(x, y);
    if (dedup->review) {
        char *key = g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, a, b);
        double *old = g_hash_table_lookup(dedup->review, key);
        if (old) {
            *old = MAX(*old, similarity);
            g_free(key);
        } else {
            g_hash_table_insert(dedup->review, key, g_memdup2(&similarity, sizeof similarity));
        }
        return TRUE;
    }
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_REVIEW_UPSERT);
    defis_stmt_bind_int(stmt, 1, a);
    defis_stmt_bind_int(stmt, 2, b);
    defis_stmt_bind_double(stmt, 3, similarity);
    return defis_stmt_exec(stmt, error);
}

gint64 defis__dedup_create_challenge(DefisDedup *dedup, const char *title, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_CHALLENGE_INSERT);
    defis_stmt_bind_text(stmt, 1, title, -1);
    defis_stmt_bind_text(stmt, 2, dedup->now, -1);
    if (!defis_stmt_exec(stmt, error))
        return 0;
    return defis_store_last_id(dedup->store);
}

typedef struct {
    gint64 id;
    double similarity;
} Candidate;

/* A representative to be, from placing to placed: its features as stored
 * (packed, weighed) and its band keys, made once. */
typedef struct {
    DefisFeatures *packed;
    guint64 keys[DEFIS_MINHASH_BANDS];
} Represent;

/* The band keys that index FEATURES (whole, not packed). */
static void band_keys(const DefisFeatures *features, guint64 keys[DEFIS_MINHASH_BANDS])
{
    DefisMinhash signature;
    defis_minhash_sign(features->hashes, features->n, &signature);
    defis_minhash_bands(&signature, keys);
}

/* The candidate challenges of a signature, most band hits first. */
static int compare_hits(gconstpointer a, gconstpointer b)
{
    const Candidate *x = a, *y = b;
    if (x->similarity != y->similarity) /* the hit count, until verified */
        return x->similarity < y->similarity ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The candidate challenges of a signature: those whose representatives share
 * band keys with it, most shared keys first, at most max_candidates.
 *
 * A band key that more than HOT_BAND representatives share says little (two
 * common features happened to be the minima) and would make the work grow with
 * the store: such keys are skipped, so finding candidates reads at most
 * DEFIS_MINHASH_BANDS bucket rows (engine/dedup_store.h) and counts at most
 * DEFIS_MINHASH_BANDS × HOT_BAND hits whatever the size of the store. */
#define HOT_BAND 32

/* One shared band key (two equal minima) is a chance meeting for texts of
 * Jaccard 1/8; a challenge must share two to be verified. On the STS-B this
 * changes nothing of the clustering (F1 0.902 either way) and spares a fifth of
 * the verifications. */
#define MIN_HITS 2

static GArray *candidates(DefisDedup *dedup, const guint64 keys[DEFIS_MINHASH_BANDS],
                          GError **error)
{
    DefisIdMap hits;
    defis_idmap_init(&hits);
    gint64 rows[HOT_BAND];
    gboolean ok = TRUE;
    for (int b = 0; ok && b < DEFIS_MINHASH_BANDS; b++) {
        guint n = 0;
        ok = defis_bands_find(dedup->bands, keys[b], rows, HOT_BAND, &n, error);
        for (guint r = 0; ok && n <= HOT_BAND && r < n; r++)
            defis_idmap_add(&hits, (guint64)rows[r], 1);
    }
    GArray *found = g_array_new(FALSE, FALSE, sizeof(Candidate));
    guint64 id;
    gint64 count;
    for (gsize i = 0; ok && defis_idmap_next(&hits, &i, &id, &count);) {
        if (count < MIN_HITS)
            continue;
        Candidate c = {(gint64)id, (double)count};
        g_array_append_val(found, c);
    }
    defis_idmap_clear(&hits);
    if (!ok) {
        g_array_unref(found);
        return NULL;
    }
    g_array_sort(found, compare_hits);
    if (found->len > dedup->settings.max_candidates)
        g_array_set_size(found, dedup->settings.max_candidates);
    return found;
}

/* Remembers that folded texts hashing to HASH go to CHALLENGE. Unless the map
 * is complete the store answers too (mention.norm_hash), so the map is only a
 * cache and starts over past TWINS_MAX. */
#define TWINS_MAX (1 << 16)

static void remember_twin(DefisDedup *dedup, gint64 hash, gint64 challenge)
{
    if (!dedup->twins_complete && dedup->twins.size >= TWINS_MAX) {
        defis_idmap_reset(&dedup->twins);
    }
    defis_idmap_put(&dedup->twins, defis__dedup_map_key((guint64)hash), challenge);
}

gboolean defis_dedup_load_twins(DefisDedup *dedup, GError **error)
{
    if (dedup->twins_complete)
        return TRUE;
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_TWINS_ALL);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        guint64 key = defis__dedup_map_key((guint64)defis_stmt_int(stmt, 0));
        if (!defis_idmap_get(&dedup->twins, key, NULL)) /* the first mention's, as the store says */
            defis_idmap_put(&dedup->twins, key, defis_stmt_int(stmt, 1));
    }
    defis_stmt_reset(stmt);
    dedup->twins_complete = ok;
    return ok;
}

gboolean defis_dedup_place(DefisDedup *dedup, const char *text, const char *norm,
                           DefisPlacement *placement, GError **error)
{
    g_return_val_if_fail(defis_store_in_transaction(dedup->store), FALSE);
    memset(placement, 0, sizeof *placement);
    gint64 hash = defis_dedup_norm_hash(norm);

    /* 1. The same folded text as a mention placed before. */
    gint64 twin = 0;
    if (defis_idmap_get(&dedup->twins, defis__dedup_map_key((guint64)hash), &twin)) {
        placement->challenge_id = twin;
        return TRUE;
    }
    if (!dedup->twins_complete) {
        DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_TWIN);
        defis_stmt_bind_int(stmt, 1, hash);
        defis_stmt_bind_text(stmt, 2, norm, -1);
        gboolean row = FALSE;
        if (!defis_stmt_step(stmt, &row, error))
            return FALSE;
        gint64 id = row ? defis_stmt_int(stmt, 0) : 0;
        defis_stmt_reset(stmt);
        if (id) {
            remember_twin(dedup, hash, id);
            placement->challenge_id = id;
            return TRUE;
        }
    }

    /* 2. Candidates through the LSH index, 3. verified against each as a whole. */
    placement->worded = TRUE;
    g_autoptr(DefisFeatures) features = defis_text_features(dedup->text, text, -1);
    g_autoptr(DefisFeatures) packed = NULL; /* as stored, weighed */
    guint64 keys[DEFIS_MINHASH_BANDS];
    Candidate best = {0, -1};
    if (features->n > 0 && !defis__dedup_count_document(dedup, features, error))
        return FALSE;
    if (features->n > 0) {
        /* Signed whole; compared as the representatives are stored. */
        band_keys(features, keys);
        packed = defis_features_packed(features);
        weigh(dedup, packed);
        g_autoptr(GArray) found = candidates(dedup, keys, error);
        if (!found)
            return FALSE;
        for (guint i = 0; i < found->len; i++) {
            Candidate *c = &g_array_index(found, Candidate, i);
            DefisDedupReps *reps = defis__dedup_reps_of(dedup, c->id, error);
            if (!reps)
                return FALSE;
            c->similarity = challenge_similarity(dedup, packed, reps);
            if (c->similarity > best.similarity)
                best = *c;
        }
        /* 4. The best at or above the threshold wins; near misses go to review. */
        if (best.similarity >= dedup->settings.threshold)
            placement->challenge_id = best.id;
        for (guint i = 0; i < found->len; i++) {
            Candidate *c = &g_array_index(found, Candidate, i);
            if (c->id == placement->challenge_id ||
                c->similarity < dedup->settings.threshold - dedup->settings.review_margin)
                continue;
            /* The pair is (this mention's challenge, the candidate): known below
             * when the mention founds a challenge, so noted after creating it. */
            c->similarity = -c->similarity - 1; /* marks "to note" */
        }
        if (!placement->challenge_id) {
            placement->challenge_id = defis__dedup_create_challenge(dedup, text, error);
            placement->created = TRUE;
            if (!placement->challenge_id)
                return FALSE;
        }
        for (guint i = 0; i < found->len; i++) {
            Candidate *c = &g_array_index(found, Candidate, i);
            if (c->similarity < 0 && !defis__dedup_note_review(dedup, placement->challenge_id,
                                                               c->id, -c->similarity - 1, error))
                return FALSE;
        }
    } else {
        placement->challenge_id = defis__dedup_create_challenge(dedup, text, error);
        placement->created = TRUE;
        if (!placement->challenge_id)
            return FALSE;
    }
    remember_twin(dedup, hash, placement->challenge_id);

    DefisDedupReps *reps =
        placement->created ? NULL : defis__dedup_reps_of(dedup, placement->challenge_id, error);
    if (!placement->created && !reps)
        return FALSE;
    placement->represent =
        features->n > 0 && (placement->created || reps->features->len < dedup->settings.max_reps);
    if (placement->represent) {
        Represent *r = g_new(Represent, 1);
        r->packed = g_steal_pointer(&packed);
        memcpy(r->keys, keys, sizeof keys);
        placement->features = r;
    }
    return TRUE;
}

/* Puts the band KEYS of a representative MENTION into BANDS, pointing at
 * CHALLENGE (or moves them there). */
static gboolean put_keys(DefisBands *bands, gint64 mention, gint64 challenge,
                         const guint64 keys[DEFIS_MINHASH_BANDS], GError **error)
{
    for (int b = 0; b < DEFIS_MINHASH_BANDS; b++)
        if (!defis_bands_put(bands, keys[b], mention, challenge, error))
            return FALSE;
    return TRUE;
}

/* The same, with the keys of FEATURES. */
static gboolean put_bands(DefisBands *bands, gint64 mention, gint64 challenge,
                          const DefisFeatures *features, GError **error)
{
    guint64 keys[DEFIS_MINHASH_BANDS];
    band_keys(features, keys);
    return put_keys(bands, mention, challenge, keys, error);
}

gboolean defis__dedup_reband(DefisStore *store, DefisDedup *dedup, gint64 challenge, GError **error)
{
    g_autoptr(DefisBands) own = dedup ? NULL : defis_bands_new(store);
    DefisBands *into = dedup ? dedup->bands : own;
    g_autoptr(GArray) mentions = g_array_new(FALSE, FALSE, sizeof(gint64));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_REPS_OF);
    defis_stmt_bind_int(stmt, 1, challenge);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 mention = defis_stmt_int(stmt, 0);
        g_array_append_val(mentions, mention);
    }
    defis_stmt_reset(stmt);
    DefisText *own_text = ok && !dedup ? defis_text_new(NULL, error) : NULL;
    DefisText *text = dedup ? dedup->text : own_text;
    ok = ok && text != NULL;
    for (guint i = 0; ok && i < mentions->len; i++) {
        gint64 mention = g_array_index(mentions, gint64, i);
        g_autoptr(DefisFeatures) features = mention_features(store, text, mention, error);
        ok = features && (features->n == 0 || put_bands(into, mention, challenge, features, error));
    }
    defis_text_free(own_text);
    return ok && (dedup || defis_bands_flush(own, error));
}

/* Adds MENTION (of CHALLENGE) to the representatives with PACKED (its
 * features as stored, stolen) and to the band index with KEYS. */
static gboolean add_rep(DefisDedup *dedup, gint64 mention, gint64 challenge, DefisFeatures *packed,
                        const guint64 keys[DEFIS_MINHASH_BANDS], GError **error)
{
    gboolean ok =
        rep_write(dedup->store, DEFIS_SQL_DEDUP_REP_INSERT, mention, challenge, packed, error) &&
        put_keys(dedup->bands, mention, challenge, keys, error);
    DefisDedupReps *reps = ok ? g_hash_table_lookup(dedup->reps, &challenge) : NULL;
    if (reps) {
        if (!packed->weights)
            weigh(dedup, packed);
        reps_add(dedup, reps, packed);
    } else {
        defis_features_free(packed);
    }
    return ok;
}

gboolean defis__dedup_add_rep(DefisDedup *dedup, gint64 mention, gint64 challenge,
                              DefisFeatures *features, GError **error)
{
    guint64 keys[DEFIS_MINHASH_BANDS];
    band_keys(features, keys);
    DefisFeatures *packed = defis_features_packed(features);
    defis_features_free(features);
    return add_rep(dedup, mention, challenge, packed, keys, error);
}

static void represent_free(Represent *r)
{
    if (r) {
        defis_features_free(r->packed);
        g_free(r);
    }
}

void defis_dedup_placement_clear(DefisPlacement *placement)
{
    g_clear_pointer(&placement->features, represent_free);
    placement->represent = FALSE;
}

gboolean defis_dedup_placed(DefisDedup *dedup, gint64 mention_id, DefisPlacement *placement,
                            GError **error)
{
    if (!placement->represent)
        return TRUE;
    Represent *r = g_steal_pointer(&placement->features);
    placement->represent = FALSE;
    if (placement->created) /* cached right away: its variants often follow */
        reps_cache_new(dedup, placement->challenge_id, TRUE);
    gboolean ok = add_rep(dedup, mention_id, placement->challenge_id, g_steal_pointer(&r->packed),
                          r->keys, error);
    represent_free(r);
    return ok;
}
