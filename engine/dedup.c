/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup.c - one challenge for every way places write it. */
#include "engine/dedup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/commons.h"
#include "engine/error.h"
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
    s->max_candidates = 16;
    s->word_weight = 0.5;
    s->pair_weight = 0.1;
    s->ngram_weight = 0.4;
}

/* ---- Placement ----------------------------------------------------------- */

/* Representatives of one challenge, as read from the index. */
typedef struct {
    GPtrArray *features; /* of DefisFeatures */
} Reps;

static void reps_free(gpointer data)
{
    Reps *reps = data;
    g_ptr_array_unref(reps->features);
    g_free(reps);
}

/* Bounds the cache of representatives: past it, the cache starts over. */
#define REPS_CACHE_MAX 4096

struct DefisDedup {
    DefisStore *store;
    DefisDedupSettings settings;
    DefisSimilarity similarity;
    DefisText *text;
    char *now;
    gboolean rebuilding; /* ignore the stored twins: their challenges are being redone */
    DefisIdMap twins;    /* norm hash -> challenge id, placed in this transaction */
    GHashTable *reps;    /* challenge id -> Reps */
    GHashTable *review;  /* rebuild only: "a:b" -> similarity, written at the end */
    DefisIdMap df_read;  /* feature -> document frequency as stored (a cache) */
    DefisIdMap df_new;   /* feature -> documents counted in this transaction, not yet stored */
    gint64 documents;    /* texts counted in the frequencies, these included */
    GError *df_error;    /* a failure while reading a frequency for a weight */
};

/* Bounds the cache of stored document frequencies (16 bytes an entry). */
#define DF_CACHE_MAX (1 << 17)

/* Counts not yet written, at most (16 bytes each). */
#define DF_PENDING_MAX (1 << 17)

/* Feature hashes may be 0; the maps reserve 0. */
static guint64 map_key(guint64 feature)
{
    return feature ? feature : 1;
}

/* The document frequency of FEATURE: the number of distinct texts having it,
 * stored or counted in this transaction. */
static gint64 df_of(DefisDedup *dedup, guint64 feature)
{
    guint64 key = map_key(feature);
    gint64 stored = 0, counted = 0;
    defis_idmap_get(&dedup->df_new, key, &counted);
    if (defis_idmap_get(&dedup->df_read, key, &stored))
        return stored + counted;
    if (dedup->df_read.size >= DF_CACHE_MAX) {
        defis_idmap_clear(&dedup->df_read);
        defis_idmap_init(&dedup->df_read);
    }
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_DF_GET);
    defis_stmt_bind_int(stmt, 1, (gint64)feature);
    gboolean row = FALSE;
    if (defis_stmt_step(stmt, &row, dedup->df_error ? NULL : &dedup->df_error) && row)
        stored = defis_stmt_int(stmt, 0);
    defis_stmt_reset(stmt);
    defis_idmap_put(&dedup->df_read, key, stored);
    return stored + counted;
}

/* Inverse document frequency: a word every challenge uses weighs little, a rare
 * one (a place name, a tool's name) much. */
static double idf_weight(guint64 feature, gpointer data)
{
    DefisDedup *dedup = data;
    gint64 df = MAX(df_of(dedup, feature), 1);
    return log(1.0 + (double)MAX(dedup->documents, 1) / (double)df);
}

/* Counts the features of one more distinct text in the frequencies; they reach
 * the store at defis_dedup_flush. */
static gboolean count_document(DefisDedup *dedup, const DefisFeatures *features, GError **error)
{
    for (gsize i = 0; i < features->n; i++) {
        df_of(dedup, features->hashes[i]); /* cache what was stored before */
        defis_idmap_add(&dedup->df_new, map_key(features->hashes[i]), 1);
    }
    dedup->documents++;
    if (dedup->df_error) {
        g_propagate_error(error, g_steal_pointer(&dedup->df_error));
        return FALSE;
    }
    /* A large import writes its counts as it goes, so memory stays bounded. */
    if (dedup->df_new.size >= DF_PENDING_MAX)
        return defis_dedup_flush(dedup, error);
    return TRUE;
}

gboolean defis_dedup_flush(DefisDedup *dedup, GError **error)
{
    g_return_val_if_fail(defis_store_in_transaction(dedup->store), FALSE);
    guint64 key;
    gint64 counted;
    for (gsize i = 0; defis_idmap_next(&dedup->df_new, &i, &key, &counted);) {
        DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_DF_ADD);
        defis_stmt_bind_int(stmt, 1, (gint64)key);
        defis_stmt_bind_int(stmt, 2, counted);
        if (!defis_stmt_exec(stmt, error))
            return FALSE;
        gint64 stored = 0;
        if (defis_idmap_get(&dedup->df_read, key, &stored))
            defis_idmap_put(&dedup->df_read, key, stored + counted);
    }
    defis_idmap_clear(&dedup->df_new);
    defis_idmap_init(&dedup->df_new);
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_DOCUMENTS_SET);
    defis_stmt_bind_int(stmt, 1, dedup->documents);
    return defis_stmt_exec(stmt, error);
}

DefisDedup *defis_dedup_new(DefisStore *store, const DefisDedupSettings *settings,
                            GError **error)
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
    defis_idmap_init(&dedup->df_read);
    defis_idmap_init(&dedup->df_new);
    defis_idmap_init(&dedup->twins);
    dedup->similarity.weight = idf_weight;
    dedup->similarity.user_data = dedup;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_DOCUMENTS_GET);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error)) {
        defis_dedup_free(dedup);
        return NULL;
    }
    dedup->documents = row ? defis_stmt_int(stmt, 0) : 0;
    defis_stmt_reset(stmt);
    dedup->reps = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, reps_free);
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
    defis_idmap_clear(&dedup->df_read);
    defis_idmap_clear(&dedup->df_new);
    g_clear_error(&dedup->df_error);
    if (dedup->review)
        g_hash_table_destroy(dedup->review);
    g_free(dedup);
}

gint64 defis_dedup_norm_hash(const char *norm)
{
    guint64 h = 0xcbf29ce484222325ULL; /* FNV-1a, then a murmur3 finaliser */
    for (const unsigned char *p = (const unsigned char *)norm; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (gint64)h;
}

static void put_id(GHashTable *table, gint64 key, gint64 value)
{
    gint64 *v = g_new(gint64, 1);
    *v = value;
    g_hash_table_insert(table, g_memdup2(&key, sizeof key), v);
}

/* The representatives of CHALLENGE, from the cache or the index. Borrowed. */
static Reps *reps_of(DefisDedup *dedup, gint64 challenge, GError **error)
{
    Reps *reps = g_hash_table_lookup(dedup->reps, &challenge);
    if (reps)
        return reps;
    if (g_hash_table_size(dedup->reps) >= REPS_CACHE_MAX)
        g_hash_table_remove_all(dedup->reps);
    reps = g_new0(Reps, 1);
    reps->features = g_ptr_array_new_with_free_func((GDestroyNotify)defis_features_free);
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_REPS_OF);
    defis_stmt_bind_int(stmt, 1, challenge);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gsize size = 0;
        const void *blob = defis_stmt_blob(stmt, 1, &size);
        DefisFeatures *features = defis_features_new((const guint64 *)blob, size / sizeof(guint64));
        defis_features_weigh(features, idf_weight, dedup);
        g_ptr_array_add(reps->features, features);
    }
    defis_stmt_reset(stmt);
    if (!ok) {
        reps_free(reps);
        return NULL;
    }
    g_hash_table_insert(dedup->reps, g_memdup2(&challenge, sizeof challenge), reps);
    return reps;
}

/* The similarity of FEATURES to a challenge as a whole: the mean over its
 * representatives. */
static double challenge_similarity(DefisDedup *dedup, const DefisFeatures *features, Reps *reps)
{
    if (reps->features->len == 0)
        return 0;
    double sum = 0;
    for (guint i = 0; i < reps->features->len; i++)
        sum += defis_features_similarity(features, g_ptr_array_index(reps->features, i),
                                         &dedup->similarity);
    return sum / reps->features->len;
}

static gboolean note_review(DefisDedup *dedup, gint64 x, gint64 y, double similarity,
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

static gint64 create_challenge(DefisDedup *dedup, const char *title, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_CHALLENGE_INSERT);
    defis_stmt_bind_text(stmt, 1, title, -1);
    defis_stmt_bind_null(stmt, 2);
    defis_stmt_bind_text(stmt, 3, dedup->now, -1);
    if (!defis_stmt_exec(stmt, error))
        return 0;
    return defis_store_last_id(dedup->store);
}

typedef struct {
    gint64 id;
    double similarity;
} Candidate;

/* The signature that indexes FEATURES. */
static void sign(const DefisFeatures *features, DefisMinhash *signature)
{
    defis_minhash_sign(features->hashes, features->n, signature);
}

/* The candidate challenges of a signature, most band hits first. */
static GArray *candidates(DefisDedup *dedup, const DefisMinhash *signature, GError **error)
{
    guint64 keys[DEFIS_MINHASH_BANDS];
    defis_minhash_bands(signature, keys);
    /* The keys go in as one JSON array: the statement does not depend on the
     * number of bands. */
    char list[DEFIS_MINHASH_BANDS * 22 + 2];
    gsize len = 0;
    list[len++] = '[';
    for (int b = 0; b < DEFIS_MINHASH_BANDS; b++)
        len += g_snprintf(list + len, sizeof list - len, "%s%" G_GINT64_FORMAT, b ? "," : "",
                          (gint64)keys[b]);
    list[len++] = ']';
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_CANDIDATES);
    defis_stmt_bind_text(stmt, 1, list, (gssize)len);
    defis_stmt_bind_int(stmt, 2, dedup->settings.max_candidates);
    GArray *found = g_array_new(FALSE, FALSE, sizeof(Candidate));
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        Candidate c = {defis_stmt_int(stmt, 0), 0};
        g_array_append_val(found, c);
    }
    defis_stmt_reset(stmt);
    if (!ok) {
        g_array_unref(found);
        return NULL;
    }
    return found;
}

gboolean defis_dedup_place(DefisDedup *dedup, const char *text, const char *norm,
                           DefisPlacement *placement, GError **error)
{
    g_return_val_if_fail(defis_store_in_transaction(dedup->store), FALSE);
    memset(placement, 0, sizeof *placement);
    gint64 hash = defis_dedup_norm_hash(norm);

    /* 1. The same folded text as a mention placed before. */
    gint64 twin = 0;
    if (defis_idmap_get(&dedup->twins, map_key((guint64)hash), &twin)) {
        placement->challenge_id = twin;
        return TRUE;
    }
    if (!dedup->rebuilding) {
        DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_TWIN);
        defis_stmt_bind_int(stmt, 1, hash);
        defis_stmt_bind_text(stmt, 2, norm, -1);
        gboolean row = FALSE;
        if (!defis_stmt_step(stmt, &row, error))
            return FALSE;
        gint64 id = row ? defis_stmt_int(stmt, 0) : 0;
        defis_stmt_reset(stmt);
        if (id) {
            defis_idmap_put(&dedup->twins, map_key((guint64)hash), id);
            placement->challenge_id = id;
            return TRUE;
        }
    }

    /* 2. Candidates through the LSH index, 3. verified against each as a whole. */
    DefisFeatures *features = defis_text_features(dedup->text, text, -1);
    Candidate best = {0, -1};
    if (features->n > 0 && !count_document(dedup, features, error)) {
        defis_features_free(features);
        return FALSE;
    }
    if (features->n > 0) {
        defis_features_weigh(features, idf_weight, dedup);
        DefisMinhash signature;
        sign(features, &signature);
        g_autoptr(GArray) found = candidates(dedup, &signature, error);
        if (!found) {
            defis_features_free(features);
            return FALSE;
        }
        for (guint i = 0; i < found->len; i++) {
            Candidate *c = &g_array_index(found, Candidate, i);
            Reps *reps = reps_of(dedup, c->id, error);
            if (!reps) {
                defis_features_free(features);
                return FALSE;
            }
            c->similarity = challenge_similarity(dedup, features, reps);
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
            placement->challenge_id = create_challenge(dedup, text, error);
            placement->created = TRUE;
            if (!placement->challenge_id) {
                defis_features_free(features);
                return FALSE;
            }
        }
        for (guint i = 0; i < found->len; i++) {
            Candidate *c = &g_array_index(found, Candidate, i);
            if (c->similarity < 0 &&
                !note_review(dedup, placement->challenge_id, c->id, -c->similarity - 1, error)) {
                defis_features_free(features);
                return FALSE;
            }
        }
    } else {
        placement->challenge_id = create_challenge(dedup, text, error);
        placement->created = TRUE;
        if (!placement->challenge_id) {
            defis_features_free(features);
            return FALSE;
        }
    }
    defis_idmap_put(&dedup->twins, map_key((guint64)hash), placement->challenge_id);

    Reps *reps = placement->created ? NULL : reps_of(dedup, placement->challenge_id, error);
    if (!placement->created && !reps) {
        defis_features_free(features);
        return FALSE;
    }
    placement->represent =
        features->n > 0 && (placement->created || reps->features->len < dedup->settings.max_reps);
    if (placement->represent)
        placement->features = features;
    else
        defis_features_free(features);
    return TRUE;
}

/* Puts the band keys of a representative MENTION with FEATURES into the index,
 * pointing at CHALLENGE (or moves them there). */
static gboolean put_bands(DefisStore *store, gint64 mention, gint64 challenge,
                          const DefisFeatures *features, GError **error)
{
    DefisMinhash signature;
    sign(features, &signature);
    guint64 keys[DEFIS_MINHASH_BANDS];
    defis_minhash_bands(&signature, keys);
    for (int b = 0; b < DEFIS_MINHASH_BANDS; b++) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_BAND_PUT);
        defis_stmt_bind_int(stmt, 1, (gint64)keys[b]);
        defis_stmt_bind_int(stmt, 2, mention);
        defis_stmt_bind_int(stmt, 3, challenge);
        if (!defis_stmt_exec(stmt, error))
            return FALSE;
    }
    return TRUE;
}

/* Points the band keys of every representative of CHALLENGE at it, after
 * representatives moved there (a merge, an unmerge, a split, a renumbering). */
static gboolean reband(DefisStore *store, gint64 challenge, GError **error)
{
    g_autoptr(GPtrArray) reps = g_ptr_array_new_with_free_func((GDestroyNotify)defis_features_free);
    g_autoptr(GArray) mentions = g_array_new(FALSE, FALSE, sizeof(gint64));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_REPS_OF);
    defis_stmt_bind_int(stmt, 1, challenge);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gsize size = 0;
        const void *blob = defis_stmt_blob(stmt, 1, &size);
        gint64 mention = defis_stmt_int(stmt, 0);
        g_array_append_val(mentions, mention);
        g_ptr_array_add(reps, defis_features_new((const guint64 *)blob, size / sizeof(guint64)));
    }
    defis_stmt_reset(stmt);
    for (guint i = 0; ok && i < reps->len; i++)
        ok = put_bands(store, g_array_index(mentions, gint64, i), challenge,
                       g_ptr_array_index(reps, i), error);
    return ok;
}

/* Adds MENTION (of CHALLENGE, with FEATURES, stolen) to the representatives and
 * the band index. */
static gboolean add_rep(DefisDedup *dedup, gint64 mention, gint64 challenge,
                        DefisFeatures *features, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(dedup->store, DEFIS_SQL_DEDUP_REP_INSERT);
    defis_stmt_bind_int(stmt, 1, mention);
    defis_stmt_bind_int(stmt, 2, challenge);
    defis_stmt_bind_blob(stmt, 3, features->hashes, features->n * sizeof(guint64));
    if (!defis_stmt_exec(stmt, error) ||
        !put_bands(dedup->store, mention, challenge, features, error)) {
        defis_features_free(features);
        return FALSE;
    }
    Reps *reps = g_hash_table_lookup(dedup->reps, &challenge);
    if (reps)
        g_ptr_array_add(reps->features, features);
    else
        defis_features_free(features);
    return TRUE;
}

void defis_dedup_placement_clear(DefisPlacement *placement)
{
    g_clear_pointer(&placement->features, defis_features_free);
    placement->represent = FALSE;
}

gboolean defis_dedup_placed(DefisDedup *dedup, gint64 mention_id, DefisPlacement *placement,
                            GError **error)
{
    if (!placement->represent)
        return TRUE;
    DefisFeatures *features = g_steal_pointer(&placement->features);
    placement->represent = FALSE;
    if (placement->created) {
        /* A new challenge: cache its (single) representative right away. */
        Reps *reps = g_new0(Reps, 1);
        reps->features = g_ptr_array_new_with_free_func((GDestroyNotify)defis_features_free);
        g_hash_table_insert(dedup->reps, g_memdup2(&placement->challenge_id, sizeof(gint64)),
                            reps);
    }
    return add_rep(dedup, mention_id, placement->challenge_id, features, error);
}

/* ---- The lead's decisions ------------------------------------------------ */

typedef struct {
    gint64 id;
    char *title;
    char *state;
    gint64 merged_into;
    gint64 mentions;
} Challenge;

static void challenge_clear(Challenge *c)
{
    g_free(c->title);
    g_free(c->state);
}

/* Reads challenge ID; DEFIS_ERROR_NOT_FOUND when there is none. */
static gboolean challenge_get(DefisStore *store, gint64 id, Challenge *c, GError **error)
{
    memset(c, 0, sizeof *c);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_GET);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return FALSE;
    if (!row) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no challenge %" G_GINT64_FORMAT,
                    id);
        return FALSE;
    }
    c->id = id;
    c->title = g_strdup(defis_stmt_text(stmt, 1));
    c->state = g_strdup(defis_stmt_text(stmt, 2));
    c->merged_into = defis_stmt_is_null(stmt, 3) ? 0 : defis_stmt_int(stmt, 3);
    c->mentions = defis_stmt_int(stmt, 4);
    defis_stmt_reset(stmt);
    return TRUE;
}

/* Reads challenge ID and checks it is open. */
static gboolean open_challenge(DefisStore *store, gint64 id, Challenge *c, GError **error)
{
    if (!challenge_get(store, id, c, error))
        return FALSE;
    if (strcmp(c->state, "open") != 0) {
        if (c->merged_into)
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                        "challenge %" G_GINT64_FORMAT " is %s into %" G_GINT64_FORMAT
                        ": act on %" G_GINT64_FORMAT " instead",
                        id, c->state, c->merged_into, c->merged_into);
        else
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                        "challenge %" G_GINT64_FORMAT " is %s", id, c->state);
        challenge_clear(c);
        return FALSE;
    }
    return TRUE;
}

static gboolean exec_id(DefisStore *store, DefisSql sql, gint64 a, gint64 b, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, sql);
    defis_stmt_bind_int(stmt, 1, a);
    if (b)
        defis_stmt_bind_int(stmt, 2, b);
    return defis_stmt_exec(stmt, error);
}

static gint64 query_count(DefisStore *store, DefisSql sql, gint64 a, gint64 b, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, sql);
    defis_stmt_bind_int(stmt, 1, a);
    if (b)
        defis_stmt_bind_int(stmt, 2, b);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return -1;
    gint64 n = row ? defis_stmt_int(stmt, 0) : 0;
    defis_stmt_reset(stmt);
    return n;
}

/* Journals and commits, or rolls back: the tail of every decision. */
static gboolean finish(DefisStore *store, const char *actor, const char *action, json_t *payload,
                       gboolean ok, GError **error)
{
    ok = ok && defis_journal_add(store, actor, action, payload, error) &&
         defis_store_commit(store, error);
    if (!ok)
        defis_store_rollback(store);
    json_decref(payload);
    return ok;
}

json_t *defis_dedup_review(DefisStore *store, gint64 limit, GError **error)
{
    g_return_val_if_fail(limit > 0, NULL);
    json_t *pairs = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_REVIEW_LIST);
    defis_stmt_bind_int(stmt, 1, limit);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        json_array_append_new(
            pairs,
            json_pack("{s:{s:I, s:s, s:I}, s:{s:I, s:s, s:I}, s:f}", "a", "id",
                      (json_int_t)defis_stmt_int(stmt, 0), "title", defis_stmt_text(stmt, 3),
                      "mentions", (json_int_t)defis_stmt_int(stmt, 5), "b", "id",
                      (json_int_t)defis_stmt_int(stmt, 1), "title", defis_stmt_text(stmt, 4),
                      "mentions", (json_int_t)defis_stmt_int(stmt, 6), "similarity",
                      round(defis_stmt_double(stmt, 2) * 1000) / 1000));
    }
    defis_stmt_reset(stmt);
    if (!ok) {
        json_decref(pairs);
        return NULL;
    }
    return json_pack("{s:o}", "pairs", pairs);
}

gboolean defis_dedup_dismiss(DefisStore *store, gint64 x, gint64 y, const char *actor,
                             GError **error)
{
    if (x == y) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "a challenge cannot be dismissed against itself");
        return FALSE;
    }
    if (!defis_store_begin(store, error))
        return FALSE;
    gint64 a = MIN(x, y), b = MAX(x, y);
    Challenge ca, cb;
    if (!open_challenge(store, a, &ca, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    challenge_clear(&ca);
    if (!open_challenge(store, b, &cb, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    challenge_clear(&cb);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_DISMISS);
    g_autofree char *now = defis_now();
    defis_stmt_bind_int(stmt, 1, a);
    defis_stmt_bind_int(stmt, 2, b);
    defis_stmt_bind_text(stmt, 3, now, -1);
    defis_stmt_bind_text(stmt, 4, actor, -1);
    gboolean ok = defis_stmt_exec(stmt, error) &&
                  exec_id(store, DEFIS_SQL_DEDUP_REVIEW_DELETE, a, b, error) &&
                  exec_id(store, DEFIS_SQL_MENTIONS_LOCK, a, 0, error) &&
                  exec_id(store, DEFIS_SQL_MENTIONS_LOCK, b, 0, error);
    return finish(store, actor, "dedup.dismiss",
                  json_pack("{s:I, s:I}", "a", (json_int_t)a, "b", (json_int_t)b), ok, error);
}

json_t *defis_dedup_merge(DefisStore *store, gint64 target, const gint64 *sources, gsize n,
                          const char *actor, GError **error)
{
    g_return_val_if_fail(n > 0, NULL);
    if (!defis_store_begin(store, error))
        return NULL;
    Challenge t;
    if (!open_challenge(store, target, &t, error)) {
        defis_store_rollback(store);
        return NULL;
    }
    challenge_clear(&t);
    g_autofree char *now = defis_now();
    json_t *merges = json_array();
    GArray *touched = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_array_append_val(touched, target);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && i < n; i++) {
        gint64 source = sources[i];
        Challenge s;
        if (source == target) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "challenge %" G_GINT64_FORMAT " cannot be merged into itself", source);
            ok = FALSE;
            break;
        }
        if (!open_challenge(store, source, &s, error)) {
            ok = FALSE;
            break;
        }
        challenge_clear(&s);
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_LOG_INSERT);
        defis_stmt_bind_int(stmt, 1, target);
        defis_stmt_bind_int(stmt, 2, source);
        defis_stmt_bind_text(stmt, 3, now, -1);
        defis_stmt_bind_text(stmt, 4, actor, -1);
        if (!defis_stmt_exec(stmt, error)) {
            ok = FALSE;
            break;
        }
        gint64 merge = defis_store_last_id(store);
        ok = exec_id(store, DEFIS_SQL_MERGE_RECORD_VOTES, merge, source, error);
        if (ok) {
            stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_RECORD_MENTIONS);
            defis_stmt_bind_int(stmt, 1, merge);
            defis_stmt_bind_int(stmt, 2, target);
            defis_stmt_bind_int(stmt, 3, source);
            ok = defis_stmt_exec(stmt, error);
        }
        ok = ok && exec_id(store, DEFIS_SQL_MERGE_MOVE_MENTIONS, target, source, error) &&
             exec_id(store, DEFIS_SQL_MERGE_MOVE_VOTES, target, source, error) &&
             exec_id(store, DEFIS_SQL_REPS_MOVE_ALL, source, target, error) &&
             reband(store, target, error) &&
             defis_commons_links_merge(store, merge, target, source, error);
        if (ok) {
            stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_STATE);
            defis_stmt_bind_int(stmt, 1, source);
            defis_stmt_bind_text(stmt, 2, "merged", -1);
            defis_stmt_bind_int(stmt, 3, target);
            ok = defis_stmt_exec(stmt, error);
        }
        g_array_append_val(touched, source);
        json_array_append_new(merges, json_pack("{s:I, s:I}", "merge", (json_int_t)merge,
                                                "source", (json_int_t)source));
    }
    ok = ok && defis_score_refresh(store, (gint64 *)(void *)touched->data, touched->len, error);
    g_array_unref(touched);
    json_t *payload = json_pack("{s:I, s:O}", "target", (json_int_t)target, "merges", merges);
    if (!finish(store, actor, "dedup.merge", payload, ok, error)) {
        json_decref(merges);
        return NULL;
    }
    return merges;
}

gboolean defis_dedup_unmerge(DefisStore *store, gint64 source, const char *actor,
                             GError **error)
{
    if (!defis_store_begin(store, error))
        return FALSE;
    Challenge s;
    if (!challenge_get(store, source, &s, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    gboolean merged = strcmp(s.state, "merged") == 0;
    challenge_clear(&s);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_LAST);
    defis_stmt_bind_int(stmt, 1, source);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    gint64 merge = row ? defis_stmt_int(stmt, 0) : 0, target = row ? defis_stmt_int(stmt, 1) : 0;
    defis_stmt_reset(stmt);
    if (!merged || !merge) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "challenge %" G_GINT64_FORMAT " is not merged into another: nothing to undo",
                    source);
        defis_store_rollback(store);
        return FALSE;
    }
    gint64 strays = query_count(store, DEFIS_SQL_UNMERGE_STRAYS, merge, target, error);
    gint64 vote_strays =
        strays < 0 ? -1 : query_count(store, DEFIS_SQL_UNMERGE_VOTE_STRAYS, merge, target, error);
    if (strays < 0 || vote_strays < 0) {
        defis_store_rollback(store);
        return FALSE;
    }
    if (strays + vote_strays > 0) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "%" G_GINT64_FORMAT " mentions or votes of this merge have left challenge %"
                    G_GINT64_FORMAT " since (a later merge or split): undo that first",
                    strays + vote_strays, target);
        defis_store_rollback(store);
        return FALSE;
    }
    g_autofree char *now = defis_now();
    gboolean ok = exec_id(store, DEFIS_SQL_UNMERGE_MENTIONS, merge, 0, error) &&
                  exec_id(store, DEFIS_SQL_UNMERGE_VOTES, merge, 0, error) &&
                  exec_id(store, DEFIS_SQL_UNMERGE_REPS, target, 0, error) &&
                  reband(store, source, error) &&
                  defis_commons_links_unmerge(store, merge, target, source, error);
    if (ok) {
        stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_STATE);
        defis_stmt_bind_int(stmt, 1, source);
        defis_stmt_bind_text(stmt, 2, "open", -1);
        defis_stmt_bind_null(stmt, 3);
        ok = defis_stmt_exec(stmt, error);
    }
    if (ok) {
        stmt = defis_store_stmt(store, DEFIS_SQL_MERGE_LOG_UNDO);
        defis_stmt_bind_int(stmt, 1, merge);
        defis_stmt_bind_text(stmt, 2, now, -1);
        defis_stmt_bind_text(stmt, 3, actor, -1);
        ok = defis_stmt_exec(stmt, error);
    }
    gint64 touched[] = {target, source};
    ok = ok && defis_score_refresh(store, touched, 2, error);
    return finish(store, actor, "dedup.unmerge",
                  json_pack("{s:I, s:I, s:I}", "merge", (json_int_t)merge, "source",
                            (json_int_t)source, "target", (json_int_t)target),
                  ok, error);
}

/* Makes MENTION (of CHALLENGE) a representative when CHALLENGE has none left. */
static gboolean ensure_rep(DefisDedup *dedup, gint64 challenge, gint64 mention, const char *text,
                           GError **error)
{
    Reps *reps = reps_of(dedup, challenge, error);
    if (!reps)
        return FALSE;
    if (reps->features->len > 0)
        return TRUE;
    DefisFeatures *features = defis_text_features(dedup->text, text, -1);
    if (features->n == 0) {
        defis_features_free(features);
        return TRUE;
    }
    return add_rep(dedup, mention, challenge, features, error);
}

gint64 defis_dedup_split(DefisStore *store, const gint64 *ids, gsize n, const char *actor,
                         GError **error)
{
    g_return_val_if_fail(n > 0, 0);
    if (!defis_store_begin(store, error))
        return 0;
    g_autoptr(DefisDedup) dedup = defis_dedup_new(store, NULL, error);
    if (!dedup) {
        defis_store_rollback(store);
        return 0;
    }
    /* Every mention must exist, once, in one open challenge. */
    gint64 from = 0;
    g_autofree char *title = NULL;
    gint64 first = 0;
    g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
    for (gsize i = 0; i < n; i++) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTION_GET);
        defis_stmt_bind_int(stmt, 1, ids[i]);
        gboolean row = FALSE;
        if (!defis_stmt_step(stmt, &row, error)) {
            defis_store_rollback(store);
            return 0;
        }
        if (!row) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no mention %" G_GINT64_FORMAT,
                        ids[i]);
            defis_store_rollback(store);
            return 0;
        }
        gint64 challenge = defis_stmt_int(stmt, 1);
        if (!title || ids[i] < first) {
            g_free(title);
            title = g_strdup(defis_stmt_text(stmt, 2));
            first = ids[i];
        }
        defis_stmt_reset(stmt);
        if (from && challenge != from) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "mentions %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
                        " belong to different challenges (%" G_GINT64_FORMAT " and %"
                        G_GINT64_FORMAT "): split one challenge at a time",
                        ids[0], ids[i], from, challenge);
            defis_store_rollback(store);
            return 0;
        }
        from = challenge;
        g_hash_table_add(seen, (gpointer)&ids[i]);
    }
    Challenge c;
    if (!open_challenge(store, from, &c, error)) {
        defis_store_rollback(store);
        return 0;
    }
    gint64 total = c.mentions;
    challenge_clear(&c);
    if ((gint64)g_hash_table_size(seen) >= total) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "these are all the mentions of challenge %" G_GINT64_FORMAT
                    ": leave at least one behind",
                    from);
        defis_store_rollback(store);
        return 0;
    }

    gint64 to = create_challenge(dedup, title, error);
    gboolean ok = to > 0 && exec_id(store, DEFIS_SQL_MENTIONS_LOCK, from, 0, error);
    for (gsize i = 0; ok && i < n; i++)
        ok = exec_id(store, DEFIS_SQL_MENTION_MOVE, ids[i], to, error) &&
             exec_id(store, DEFIS_SQL_REP_MOVE, ids[i], to, error);
    ok = ok && reband(store, to, error);
    /* Each side keeps at least one representative so later mentions find it. */
    if (ok) {
        g_hash_table_remove_all(dedup->reps);
        ok = ensure_rep(dedup, to, first, title, error);
    }
    if (ok) {
        /* The old challenge's representatives may all have left: its first
         * remaining mention will do. */
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTION_FIRST_OF);
        defis_stmt_bind_int(stmt, 1, from);
        gboolean row = FALSE;
        ok = defis_stmt_step(stmt, &row, error);
        if (ok && row) {
            gint64 mention = defis_stmt_int(stmt, 0);
            g_autofree char *text = g_strdup(defis_stmt_text(stmt, 1));
            defis_stmt_reset(stmt);
            ok = ensure_rep(dedup, from, mention, text, error);
        }
        defis_stmt_reset(stmt);
    }
    ok = ok && defis_commons_links_split(store, from, to, error);
    if (ok) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_DISMISS);
        defis_stmt_bind_int(stmt, 1, MIN(from, to));
        defis_stmt_bind_int(stmt, 2, MAX(from, to));
        defis_stmt_bind_text(stmt, 3, dedup->now, -1);
        defis_stmt_bind_text(stmt, 4, actor, -1);
        ok = defis_stmt_exec(stmt, error);
    }
    gint64 touched[] = {from, to};
    ok = ok && defis_score_refresh(store, touched, 2, error);
    json_t *moved = json_array();
    for (gsize i = 0; i < n; i++)
        json_array_append_new(moved, json_integer(ids[i]));
    if (!finish(store, actor, "dedup.split",
                json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
                          "mentions", moved),
                ok, error))
        return 0;
    return to;
}

/* ---- Rebuild ------------------------------------------------------------- */

static gboolean exec_plain(DefisStore *store, DefisSql sql, GError **error)
{
    return defis_stmt_exec(defis_store_stmt(store, sql), error);
}

/* Gives the locked challenges their representatives back: up to max_reps
 * mentions of distinct wording each, in canonical order. */
static gboolean rebuild_locked(DefisDedup *dedup, DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_LOCKED);
    gboolean row = FALSE, ok;
    gint64 current = 0;
    guint reps = 0;
    g_autoptr(GHashTable) norms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0), challenge = defis_stmt_int(stmt, 1);
        const char *text = defis_stmt_text(stmt, 2), *norm = defis_stmt_text(stmt, 3);
        report->locked++;
        if (challenge != current) {
            current = challenge;
            reps = 0;
            g_hash_table_remove_all(norms);
        }
        gint64 hash = defis_dedup_norm_hash(norm);
        if (!defis_idmap_get(&dedup->twins, map_key((guint64)hash), NULL))
            defis_idmap_put(&dedup->twins, map_key((guint64)hash), challenge);
        if (reps >= dedup->settings.max_reps || g_hash_table_contains(norms, norm))
            continue;
        g_hash_table_add(norms, g_strdup(norm));
        DefisFeatures *features = defis_text_features(dedup->text, text, -1);
        if (features->n == 0) {
            defis_features_free(features);
            continue;
        }
        if (!count_document(dedup, features, error) ||
            !add_rep(dedup, id, challenge, features, error)) {
            ok = FALSE;
            break;
        }
        reps++;
    }
    defis_stmt_reset(stmt);
    return ok;
}

/* Places every unlocked mention again, in canonical order. */
static gboolean rebuild_unlocked(DefisDedup *dedup, DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_UNLOCKED);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0);
        g_autofree char *text = g_strdup(defis_stmt_text(stmt, 1));
        g_autofree char *norm = g_strdup(defis_stmt_text(stmt, 2));
        DefisPlacement placement;
        if (!defis_dedup_place(dedup, text, norm, &placement, error)) {
            ok = FALSE;
            break;
        }
        if (!exec_id(store, DEFIS_SQL_MENTION_ASSIGN, id, placement.challenge_id, error)) {
            defis_dedup_placement_clear(&placement);
            ok = FALSE;
            break;
        }
        if (!defis_dedup_placed(dedup, id, &placement, error)) {
            ok = FALSE;
            break;
        }
        report->mentions++;
    }
    defis_stmt_reset(stmt);
    return ok;
}

/* Gives each new cluster the id of the former challenge it shares most
 * mentions with (greedily, most shared first), so that ids, votes and links
 * stay where they were whenever the grouping did not change. Fills MAP (fresh
 * id -> kept id). */
static gboolean rebuild_renumber(DefisDedup *dedup, gint64 first_fresh, GHashTable *map,
                                 DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_OVERLAP);
    defis_stmt_bind_int(stmt, 1, first_fresh);
    gboolean row = FALSE, ok;
    g_autoptr(GHashTable) used = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 fresh = defis_stmt_int(stmt, 0), old = defis_stmt_int(stmt, 1);
        if (g_hash_table_contains(map, &fresh) || g_hash_table_contains(used, &old))
            continue;
        g_hash_table_add(used, g_memdup2(&old, sizeof old));
        put_id(map, fresh, old);
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return FALSE;

    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, map);
    while (ok && g_hash_table_iter_next(&iter, &key, &value)) {
        gint64 fresh = *(gint64 *)key, old = *(gint64 *)value;
        Challenge f;
        if (!challenge_get(store, fresh, &f, error))
            return FALSE;
        ok = exec_id(store, DEFIS_SQL_REBUILD_RENUMBER, fresh, old, error) &&
             exec_id(store, DEFIS_SQL_REPS_MOVE_ALL, fresh, old, error) &&
             reband(store, old, error);
        if (ok) {
            stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_TITLE);
            defis_stmt_bind_int(stmt, 1, old);
            defis_stmt_bind_text(stmt, 2, f.title, -1);
            ok = defis_stmt_exec(stmt, error);
        }
        challenge_clear(&f);
        ok = ok && exec_id(store, DEFIS_SQL_CHALLENGE_DELETE, fresh, 0, error);
        report->reused++;
    }
    return ok;
}

/* Archives the former challenges left empty; their votes follow their
 * mentions to where most of them went. */
static gboolean rebuild_orphans(DefisDedup *dedup, DefisRebuildReport *report, GError **error)
{
    DefisStore *store = dedup->store;
    g_autoptr(GArray) orphans = g_array_new(FALSE, FALSE, sizeof(gint64) * 2);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_ORPHANS);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 pair[2] = {defis_stmt_int(stmt, 0),
                          defis_stmt_is_null(stmt, 1) ? 0 : defis_stmt_int(stmt, 1)};
        g_array_append_val(orphans, pair);
    }
    defis_stmt_reset(stmt);
    for (guint i = 0; ok && i < orphans->len; i++) {
        gint64 *pair = &g_array_index(orphans, gint64, 2 * i);
        stmt = defis_store_stmt(store, DEFIS_SQL_CHALLENGE_SET_STATE);
        defis_stmt_bind_int(stmt, 1, pair[0]);
        defis_stmt_bind_text(stmt, 2, "archived", -1);
        if (pair[1])
            defis_stmt_bind_int(stmt, 3, pair[1]);
        ok = defis_stmt_exec(stmt, error);
        if (ok && pair[1])
            ok = exec_id(store, DEFIS_SQL_MERGE_MOVE_VOTES, pair[1], pair[0], error);
        report->archived++;
    }
    return ok;
}

static gint64 mapped(GHashTable *map, gint64 id)
{
    gint64 *to = g_hash_table_lookup(map, &id);
    return to ? *to : id;
}

static gboolean rebuild_review(DefisDedup *dedup, GHashTable *map, GError **error)
{
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, dedup->review);
    g_autoptr(GHashTable) review = dedup->review;
    dedup->review = NULL; /* note_review now writes to the store */
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        gint64 a = 0, b = 0;
        sscanf(key, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, &a, &b);
        a = mapped(map, a);
        b = mapped(map, b);
        if (a != b && !note_review(dedup, a, b, *(double *)value, error))
            return FALSE;
    }
    return TRUE;
}

gboolean defis_dedup_rebuild(DefisStore *store, const DefisDedupSettings *settings,
                             const char *actor, DefisRebuildReport *report, GError **error)
{
    memset(report, 0, sizeof *report);
    if (!defis_store_begin(store, error))
        return FALSE;
    g_autoptr(DefisDedup) dedup = defis_dedup_new(store, settings, error);
    if (!dedup) {
        defis_store_rollback(store);
        return FALSE;
    }
    dedup->rebuilding = TRUE;
    dedup->review = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    dedup->documents = 0;
    g_autoptr(GHashTable) map = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    gint64 first_fresh = query_count(store, DEFIS_SQL_REBUILD_MAX_CHALLENGE, 0, 0, error) + 1;
    gboolean ok = first_fresh > 0 && exec_plain(store, DEFIS_SQL_REBUILD_OLD_CREATE, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_OLD_CLEAR, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_OLD_FILL, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_CLEAR_BANDS, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_CLEAR_REPS, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_CLEAR_REVIEW, error) &&
                  exec_plain(store, DEFIS_SQL_REBUILD_CLEAR_DF, error) &&
                  rebuild_locked(dedup, report, error) && rebuild_unlocked(dedup, report, error) &&
                  rebuild_renumber(dedup, first_fresh, map, report, error) &&
                  rebuild_orphans(dedup, report, error) && rebuild_review(dedup, map, error) &&
                  defis_dedup_flush(dedup, error);
    if (ok) {
        /* Every challenge may have changed: refresh all their scores. */
        g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_REBUILD_TOUCHED);
        gboolean row = FALSE;
        while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
            gint64 id = defis_stmt_int(stmt, 0);
            g_array_append_val(ids, id);
        }
        defis_stmt_reset(stmt);
        ok = ok && defis_score_refresh(store, (gint64 *)(void *)ids->data, ids->len, error);
        report->challenges = ok ? query_count(store, DEFIS_SQL_REBUILD_OPEN_COUNT, 0, 0, error) : 0;
        ok = ok && report->challenges >= 0;
    }
    return finish(store, actor, "dedup.rebuild",
                  json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}", "mentions",
                            (json_int_t)report->mentions, "locked", (json_int_t)report->locked,
                            "challenges", (json_int_t)report->challenges, "reused",
                            (json_int_t)report->reused, "archived", (json_int_t)report->archived,
                            "threshold", dedup->settings.threshold),
                  ok, error);
}
