/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup_store.c - the deduplication index as sorted arrays in SQLite rows. */
#include "engine/dedup_store.h"

#include <string.h>

#include "engine/error.h"
#include "engine/hash.h"
#include "engine/idmap.h"
#include "engine/text.h"

/* ---- Little-endian arrays of 32-bit words --------------------------------- */

static inline guint32 word_at(const guchar *bytes, gsize index)
{
    guint32 w;
    memcpy(&w, bytes + index * sizeof w, sizeof w);
    return GUINT32_FROM_LE(w);
}

/* Converts N words in place between host order and little-endian (the same
 * operation both ways; nothing to do on a little-endian host). */
static void words_to_le(guint32 *words, gsize n)
{
#if G_BYTE_ORDER != G_LITTLE_ENDIAN
    for (gsize i = 0; i < n; i++)
        words[i] = GUINT32_TO_LE(words[i]);
#else
    (void)words;
    (void)n;
#endif
}

/* The same for 64-bit words. */
static void words64_to_le(guint64 *words, gsize n)
{
#if G_BYTE_ORDER != G_LITTLE_ENDIAN
    for (gsize i = 0; i < n; i++)
        words[i] = GUINT64_TO_LE(words[i]);
#else
    (void)words;
    (void)n;
#endif
}

gint64 defis_dedup_meta_get(DefisStore *store, const char *key, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_META_GET);
    defis_stmt_bind_text(stmt, 1, key, -1);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return -1;
    gint64 value = row ? defis_stmt_int(stmt, 0) : 0;
    defis_stmt_reset(stmt);
    return value;
}

gboolean defis_dedup_meta_set(DefisStore *store, const char *key, gint64 value, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_DEDUP_META_SET);
    defis_stmt_bind_text(stmt, 1, key, -1);
    defis_stmt_bind_int(stmt, 2, value);
    return defis_stmt_exec(stmt, error);
}

static gboolean put_row(DefisStore *store, DefisSql sql, gint64 id, const void *data, gsize size,
                        GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, sql);
    defis_stmt_bind_int(stmt, 1, id);
    defis_stmt_bind_blob(stmt, 2, data, size);
    return defis_stmt_exec(stmt, error);
}

static gboolean corrupt(GError **error, const char *table, gint64 id)
{
    g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                "%s row %" G_GINT64_FORMAT
                " is damaged; run `defis dedup --rebuild` to make the index again",
                table, id);
    return FALSE;
}

/* ---- Document frequencies ------------------------------------------------- */

#define DF_CHUNKS 256
/* The table is grown past this share of slots in use. */
#define DF_LOAD 0.8

typedef struct {
    guint32 fp;
    guint32 df; /* 0: an empty slot */
} DfEntry;

/* In memory, an open-addressing table (linear probing) of every fingerprint:
 * one cache miss a lookup, which the weighing of every representative read
 * for a verification does some 170 times. Stored as sorted arrays by chunk. */
struct DefisDf {
    DefisStore *store;
    gboolean loaded;
    DfEntry *slots;
    gsize capacity, size;
    gboolean dirty[DF_CHUNKS];
    GError *error;
};

/* The 32 bits a feature is stored in (engine/text.h), so that a feature and
 * its stored form count as one; mixed, since its kind would otherwise set the
 * high bits, which place it in the table. */
static inline guint32 fingerprint(guint64 feature)
{
    return defis_feature_pack(feature) * 0x9e3779b1u;
}

DefisDf *defis_df_new(DefisStore *store)
{
    DefisDf *df = g_new0(DefisDf, 1);
    df->store = store;
    return df;
}

void defis_df_free(DefisDf *df)
{
    if (!df)
        return;
    g_free(df->slots);
    g_clear_error(&df->error);
    g_free(df);
}

/* Where FP would be without collisions. Fingerprints are uniform: their high
 * bits place them. */
static inline gsize df_home(const DefisDf *df, guint32 fp)
{
    return (gsize)(((guint64)fp * df->capacity) >> 32);
}

/* The slot of FP: where it is, or the empty one where it would go. */
static DfEntry *df_slot(const DefisDf *df, guint32 fp)
{
    gsize i = df_home(df, fp);
    while (df->slots[i].df && df->slots[i].fp != fp)
        i = i + 1 == df->capacity ? 0 : i + 1;
    return &df->slots[i];
}

/* A table of CAPACITY slots (at least a little more than SIZE / DF_LOAD)
 * holding the entries of the current one. */
static void df_resize(DefisDf *df, gsize capacity)
{
    DfEntry *old = df->slots;
    gsize old_capacity = df->capacity;
    df->capacity = MAX(capacity, 1024);
    df->slots = g_new0(DfEntry, df->capacity);
    for (gsize i = 0; i < old_capacity; i++)
        if (old[i].df)
            *df_slot(df, old[i].fp) = old[i];
    g_free(old);
}

static void df_count(DefisDf *df, guint32 fp, guint32 count)
{
    if ((double)(df->size + 1) > DF_LOAD * (double)df->capacity)
        df_resize(df, df->capacity + df->capacity / 4);
    DfEntry *e = df_slot(df, fp);
    if (!e->df) {
        e->fp = fp;
        df->size++;
    }
    e->df += count;
}

static gboolean df_load(DefisDf *df, GError **error)
{
    if (df->loaded)
        return TRUE;
    DefisStmt *stmt = defis_store_stmt(df->store, DEFIS_SQL_DEDUP_DF_ALL);
    gboolean row = FALSE, ok;
    gsize total = 0;
    /* Sized first, so that loading grows nothing. */
    DefisStmt *count = defis_store_stmt(df->store, DEFIS_SQL_DEDUP_DF_SIZE);
    if (!(ok = defis_stmt_step(count, &row, error)))
        return FALSE;
    total = row ? (gsize)defis_stmt_int(count, 0) / sizeof(DfEntry) : 0;
    defis_stmt_reset(count);
    df_resize(df, (gsize)((double)total / DF_LOAD * 1.25) + 1);
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0);
        gsize size = 0;
        const guchar *bytes = defis_stmt_blob(stmt, 1, &size);
        if (id < 0 || id >= DF_CHUNKS || size % sizeof(DfEntry) != 0) {
            ok = corrupt(error, "dedup_df_chunk", id);
            break;
        }
        for (gsize i = 0; i < size / sizeof(DfEntry); i++)
            df_count(df, word_at(bytes, 2 * i), word_at(bytes, 2 * i + 1));
    }
    defis_stmt_reset(stmt);
    df->loaded = ok;
    return ok;
}

/* Whether the table is read; a failure is kept for defis_df_error. */
static gboolean df_ready(DefisDf *df)
{
    return df->loaded || df_load(df, df->error ? NULL : &df->error);
}

guint32 defis_df_get(DefisDf *df, guint64 feature)
{
    if (!df_ready(df))
        return 0;
    return df_slot(df, fingerprint(feature))->df;
}

/* How many lookups ahead defis_df_get_many asks for a slot. */
#define DF_AHEAD 8

void defis_df_get_many(DefisDf *df, const guint64 *features, gsize n, double *counts)
{
    if (!df_ready(df)) {
        memset(counts, 0, n * sizeof *counts);
        return;
    }
    for (gsize i = 0; i < MIN(n, DF_AHEAD); i++)
        __builtin_prefetch(&df->slots[df_home(df, fingerprint(features[i]))]);
    for (gsize i = 0; i < n; i++) {
        if (i + DF_AHEAD < n)
            __builtin_prefetch(&df->slots[df_home(df, fingerprint(features[i + DF_AHEAD]))]);
        counts[i] = df_slot(df, fingerprint(features[i]))->df;
    }
}

void defis_df_add(DefisDf *df, guint64 feature)
{
    if (!df_ready(df))
        return;
    guint32 fp = fingerprint(feature);
    df_count(df, fp, 1);
    df->dirty[fp >> 24] = TRUE;
}

GError *defis_df_error(DefisDf *df)
{
    return g_steal_pointer(&df->error);
}

static int compare_df(const void *a, const void *b)
{
    guint32 x = ((const DfEntry *)a)->fp, y = ((const DfEntry *)b)->fp;
    return (x > y) - (x < y);
}

/* The entries of chunk C (fingerprints C << 24 …) into OUT, sorted. A slot's home
 * grows with its fingerprint, so they sit from the home of C << 24 on, some
 * pushed past the home of the next chunk (and, for the last, round to the
 * start) by the probing: the scan goes on until an empty slot past it. */
static void df_chunk_entries(const DefisDf *df, guint c, GArray *out)
{
    g_array_set_size(out, 0);
    gsize start = df_home(df, (guint32)c << 24);
    gsize end = c + 1 < DF_CHUNKS ? df_home(df, (guint32)(c + 1) << 24) : df->capacity;
    for (gsize k = start; k < start + df->capacity; k++) {
        const DfEntry *e = &df->slots[k % df->capacity];
        if (!e->df && k >= end)
            break;
        if (e->df && e->fp >> 24 == c)
            g_array_append_val(out, *e);
    }
    qsort(out->data, out->len, sizeof(DfEntry), compare_df);
}

gboolean defis_df_flush(DefisDf *df, GError **error)
{
    if (df->error) {
        g_propagate_error(error, g_steal_pointer(&df->error));
        return FALSE;
    }
    g_autoptr(GArray) chunk = g_array_new(FALSE, FALSE, sizeof(DfEntry));
    for (guint c = 0; df->slots && c < DF_CHUNKS; c++) {
        if (!df->dirty[c])
            continue;
        df_chunk_entries(df, c, chunk);
        words_to_le((guint32 *)(void *)chunk->data, 2 * (gsize)chunk->len);
        if (!put_row(df->store, DEFIS_SQL_DEDUP_DF_PUT, c, chunk->data,
                     chunk->len * sizeof(DfEntry), error))
            return FALSE;
        df->dirty[c] = FALSE;
    }
    return TRUE;
}

gboolean defis_df_clear(DefisDf *df, GError **error)
{
    if (!defis_stmt_exec(defis_store_stmt(df->store, DEFIS_SQL_DEDUP_DF_CLEAR), error))
        return FALSE;
    g_clear_pointer(&df->slots, g_free);
    df->capacity = df->size = 0;
    df_resize(df, 0);
    memset(df->dirty, 0, sizeof df->dirty);
    df->loaded = TRUE;
    return TRUE;
}

/* ---- Band keys ------------------------------------------------------------ */

#define BUCKETS 65536
/* Entries waiting in memory (12 bytes each) before they are merged into rows. */
#define BANDS_PENDING_MAX (3 << 17)

/* The filter: blocks of 512 bits, one block per key, FILTER_PROBES bits set in
 * it; FILTER_BITS bits a key at capacity, for some 8 % false positives. Past
 * its capacity it is made again for FILTER_GROWTH times the keys. */
#define FILTER_BLOCK_WORDS 8
#define FILTER_PROBES 6
#define FILTER_BITS 6
#define FILTER_GROWTH 1.25
#define FILTER_MIN_CAPACITY (1 << 20)
/* Keys remembered as held by too many representatives, at most. */
#define HOT_MAX (1 << 16)
/* Blocks per dedup_filter row: 64 KiB. */
#define FILTER_ROW_BLOCKS 1024

typedef struct {
    guint32 key; /* bits 16-47 of the band key; the bucket holds bits 48-63 */
    guint32 mention;
    guint32 challenge;
} BandEntry;

typedef struct {
    guint n, cap;
    BandEntry e[];
} Pending;

struct DefisBands {
    DefisStore *store;
    Pending **pending; /* BUCKETS, allocated with the first entry */
    gsize pending_n;
    guint64 *filter; /* blocks * FILTER_BLOCK_WORDS, NULL until read */
    gsize blocks;
    gboolean *filter_dirty; /* per dedup_filter row */
    DefisIdMap hot;         /* key48 + 1 -> 1: found with more than the MAX asked */
};

DefisBands *defis_bands_new(DefisStore *store)
{
    DefisBands *bands = g_new0(DefisBands, 1);
    bands->store = store;
    defis_idmap_init(&bands->hot);
    return bands;
}

static void forget_pending(DefisBands *bands)
{
    if (!bands->pending)
        return;
    for (gsize b = 0; b < BUCKETS; b++)
        g_clear_pointer(&bands->pending[b], g_free);
    bands->pending_n = 0;
}

static void forget_filter(DefisBands *bands)
{
    g_clear_pointer(&bands->filter, g_free);
    g_clear_pointer(&bands->filter_dirty, g_free);
    bands->blocks = 0;
}

void defis_bands_free(DefisBands *bands)
{
    if (!bands)
        return;
    forget_pending(bands);
    g_free(bands->pending);
    forget_filter(bands);
    defis_idmap_clear(&bands->hot);
    g_free(bands);
}

static gsize filter_rows(gsize blocks)
{
    return (blocks + FILTER_ROW_BLOCKS - 1) / FILTER_ROW_BLOCKS;
}

static gsize blocks_for(gint64 capacity)
{
    return (gsize)MAX(capacity, FILTER_MIN_CAPACITY) * FILTER_BITS / 512 + 1;
}

/* Sets the bits of KEY48 (the 48 bits a band key is known by). */
static void filter_add(DefisBands *bands, guint64 key48)
{
    guint64 h = defis_hash_mix64(key48);
    gsize block = (gsize)(((h >> 32) * bands->blocks) >> 32);
    guint64 *words = bands->filter + block * FILTER_BLOCK_WORDS;
    gboolean changed = FALSE;
    for (int p = 0; p < FILTER_PROBES; p++) {
        guint bit = (guint)(h >> (9 * p)) & 511;
        guint64 mask = G_GUINT64_CONSTANT(1) << (bit & 63);
        if (!(words[bit >> 6] & mask)) {
            words[bit >> 6] |= mask;
            changed = TRUE;
        }
    }
    if (changed)
        bands->filter_dirty[block / FILTER_ROW_BLOCKS] = TRUE;
}

static gboolean filter_maybe(const DefisBands *bands, guint64 key48)
{
    guint64 h = defis_hash_mix64(key48);
    gsize block = (gsize)(((h >> 32) * bands->blocks) >> 32);
    const guint64 *words = bands->filter + block * FILTER_BLOCK_WORDS;
    for (int p = 0; p < FILTER_PROBES; p++) {
        guint bit = (guint)(h >> (9 * p)) & 511;
        if (!(words[bit >> 6] & (G_GUINT64_CONSTANT(1) << (bit & 63))))
            return FALSE;
    }
    return TRUE;
}

static void filter_alloc(DefisBands *bands, gsize blocks)
{
    forget_filter(bands);
    bands->blocks = blocks;
    bands->filter = g_new0(guint64, blocks * FILTER_BLOCK_WORDS);
    bands->filter_dirty = g_new0(gboolean, filter_rows(blocks));
}

static void filter_add_pending(DefisBands *bands)
{
    for (gsize b = 0; bands->pending && b < BUCKETS; b++) {
        const Pending *p = bands->pending[b];
        for (guint i = 0; p && i < p->n; i++)
            filter_add(bands, ((guint64)b << 32) | p->e[i].key);
    }
}

/* A new filter of BLOCKS blocks holding every stored and pending key. */
static gboolean filter_rebuild(DefisBands *bands, gsize blocks, GError **error)
{
    filter_alloc(bands, blocks);
    for (gsize r = 0; r < filter_rows(blocks); r++)
        bands->filter_dirty[r] = TRUE;
    DefisStmt *stmt = defis_store_stmt(bands->store, DEFIS_SQL_DEDUP_BUCKET_ALL);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0);
        gsize size = 0;
        const guchar *bytes = defis_stmt_blob(stmt, 1, &size);
        if (id < 0 || id >= BUCKETS || size % sizeof(BandEntry) != 0) {
            ok = corrupt(error, "dedup_bucket", id);
            break;
        }
        for (gsize i = 0; i < size / sizeof(BandEntry); i++)
            filter_add(bands, ((guint64)id << 32) | word_at(bytes, 3 * i));
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return FALSE;
    filter_add_pending(bands);
    stmt = defis_store_stmt(bands->store, DEFIS_SQL_DEDUP_FILTER_TRIM);
    defis_stmt_bind_int(stmt, 1, (gint64)filter_rows(blocks));
    return defis_stmt_exec(stmt, error) &&
           defis_dedup_meta_set(bands->store, "filter_blocks", (gint64)blocks, error);
}

/* Reads the filter, then adds the keys waiting in memory. */
static gboolean filter_load(DefisBands *bands, GError **error)
{
    if (bands->filter)
        return TRUE;
    gint64 blocks = defis_dedup_meta_get(bands->store, "filter_blocks", error);
    gint64 entries = defis_dedup_meta_get(bands->store, "band_entries", error);
    if (blocks < 0 || entries < 0)
        return FALSE;
    if (blocks == 0) /* a new index */
        return filter_rebuild(bands, blocks_for((gint64)((double)entries * FILTER_GROWTH)), error);
    filter_alloc(bands, (gsize)blocks);
    /* A row that is missing lets every key through: slower, never wrong. */
    memset(bands->filter, 0xff, (gsize)blocks * FILTER_BLOCK_WORDS * sizeof(guint64));
    DefisStmt *stmt = defis_store_stmt(bands->store, DEFIS_SQL_DEDUP_FILTER_ALL);
    gboolean row = FALSE, ok;
    gsize total = (gsize)blocks * FILTER_BLOCK_WORDS * sizeof(guint64);
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0);
        gsize size = 0;
        const guchar *bytes = defis_stmt_blob(stmt, 1, &size);
        gsize offset = (gsize)id * FILTER_ROW_BLOCKS * FILTER_BLOCK_WORDS * sizeof(guint64);
        if (id < 0 || offset >= total || size > total - offset || size % sizeof(guint64) != 0) {
            ok = corrupt(error, "dedup_filter", id);
            break;
        }
        guint64 *words = bands->filter + offset / sizeof(guint64);
        memcpy(words, bytes, size);
        words64_to_le(words, size / sizeof(guint64));
    }
    defis_stmt_reset(stmt);
    if (!ok) {
        forget_filter(bands);
        return FALSE;
    }
    filter_add_pending(bands);
    return TRUE;
}

static gboolean filter_write(DefisBands *bands, GError **error)
{
    if (!bands->filter)
        return TRUE;
    gsize row_words = FILTER_ROW_BLOCKS * FILTER_BLOCK_WORDS;
    gsize total = bands->blocks * FILTER_BLOCK_WORDS;
    for (gsize r = 0; r < filter_rows(bands->blocks); r++) {
        if (!bands->filter_dirty[r])
            continue;
        gsize n = MIN(row_words, total - r * row_words);
        g_autofree guint64 *words = g_memdup2(bands->filter + r * row_words, n * sizeof(guint64));
        words64_to_le(words, n);
        if (!put_row(bands->store, DEFIS_SQL_DEDUP_FILTER_PUT, (gint64)r, words,
                     n * sizeof(guint64), error))
            return FALSE;
        bands->filter_dirty[r] = FALSE;
    }
    return TRUE;
}

/* Reads the row of BUCKET into *BYTES (NULL when there is none) and *SIZE, valid
 * until the returned statement is reset; NULL on an error or a damaged row. */
static DefisStmt *bucket_read(DefisBands *bands, gsize bucket, const guchar **bytes, gsize *size,
                              GError **error)
{
    DefisStmt *stmt = defis_store_stmt(bands->store, DEFIS_SQL_DEDUP_BUCKET_GET);
    defis_stmt_bind_int(stmt, 1, (gint64)bucket);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return NULL;
    *size = 0;
    *bytes = row ? defis_stmt_blob(stmt, 0, size) : NULL;
    if (*size % sizeof(BandEntry) != 0) {
        defis_stmt_reset(stmt);
        corrupt(error, "dedup_bucket", (gint64)bucket);
        return NULL;
    }
    return stmt;
}

/* The first stored entry of BYTES (N entries) whose key is not below KEY. */
static gsize stored_lower_bound(const guchar *bytes, gsize n, guint32 key)
{
    gsize lo = 0, hi = n;
    while (lo < hi) {
        gsize mid = (lo + hi) / 2;
        if (word_at(bytes, 3 * mid) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

gboolean defis_bands_find(DefisBands *bands, guint64 key, gint64 *challenges, guint max, guint *n,
                          GError **error)
{
    *n = 0;
    if (!filter_load(bands, error))
        return FALSE;
    if (!filter_maybe(bands, key >> 16))
        return TRUE;
    if (defis_idmap_get(&bands->hot, (key >> 16) + 1, NULL)) {
        *n = max + 1;
        return TRUE;
    }
    gsize bucket = (gsize)(key >> 48);
    guint32 k = (guint32)(key >> 16);
    const Pending *p = bands->pending ? bands->pending[bucket] : NULL;

    const guchar *bytes;
    gsize size;
    DefisStmt *stmt = bucket_read(bands, bucket, &bytes, &size, error);
    if (!stmt)
        return FALSE;
    gsize count = size / sizeof(BandEntry);
    for (gsize i = stored_lower_bound(bytes, count, k);
         i < count && word_at(bytes, 3 * i) == k && *n <= max; i++) {
        guint32 mention = word_at(bytes, 3 * i + 1), challenge = word_at(bytes, 3 * i + 2);
        gboolean moved = FALSE; /* a pending entry says where it points now */
        for (guint j = 0; p && j < p->n && !moved; j++)
            moved = p->e[j].key == k && p->e[j].mention == mention;
        if (!moved && (*n)++ < max)
            challenges[*n - 1] = challenge;
    }
    defis_stmt_reset(stmt);
    for (guint j = 0; p && j < p->n && *n <= max; j++)
        if (p->e[j].key == k && (*n)++ < max)
            challenges[*n - 1] = p->e[j].challenge;
    if (*n > max) { /* and so it stays: entries only come, until a clear */
        if (bands->hot.size >= HOT_MAX) {
            defis_idmap_reset(&bands->hot);
        }
        defis_idmap_put(&bands->hot, (key >> 16) + 1, 1);
    }
    return TRUE;
}

gboolean defis_bands_put(DefisBands *bands, guint64 key, gint64 mention, gint64 challenge,
                         GError **error)
{
    if (mention <= 0 || mention > G_MAXUINT32 || challenge <= 0 || challenge > G_MAXUINT32) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "mention %" G_GINT64_FORMAT " or challenge %" G_GINT64_FORMAT
                    " is beyond what the band index can hold (2^32)",
                    mention, challenge);
        return FALSE;
    }
    if (!bands->pending)
        bands->pending = g_new0(Pending *, BUCKETS);
    gsize bucket = (gsize)(key >> 48);
    guint32 k = (guint32)(key >> 16);
    Pending *p = bands->pending[bucket];
    for (guint j = 0; p && j < p->n; j++)
        if (p->e[j].key == k && p->e[j].mention == (guint32)mention) {
            p->e[j].challenge = (guint32)challenge;
            return TRUE;
        }
    if (!p || p->n == p->cap) {
        guint cap = p ? p->cap + MIN(p->cap, 16) : 4; /* little slack in many small arrays */
        p = g_realloc(p, sizeof(Pending) + cap * sizeof(BandEntry));
        if (!bands->pending[bucket])
            p->n = 0;
        p->cap = cap;
        bands->pending[bucket] = p;
    }
    p->e[p->n++] = (BandEntry){k, (guint32)mention, (guint32)challenge};
    bands->pending_n++;
    if (bands->filter)
        filter_add(bands, key >> 16);
    if (bands->pending_n >= BANDS_PENDING_MAX)
        return defis_bands_flush(bands, error);
    return TRUE;
}

static int compare_entries(const void *a, const void *b)
{
    const BandEntry *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->mention > y->mention) - (x->mention < y->mention);
}

/* Merges the sorted pending entries P into the stored BYTES (SIZE bytes) of
 * one bucket, into OUT (host order). Returns how many entries are new. */
static gsize merge_bucket(const guchar *bytes, gsize size, const Pending *p, GArray *out)
{
    gsize n = size / sizeof(BandEntry), i = 0, j = 0, fresh = 0;
    g_array_set_size(out, 0);
    while (i < n || j < p->n) {
        BandEntry s = {0, 0, 0};
        if (i < n)
            s = (BandEntry){word_at(bytes, 3 * i), word_at(bytes, 3 * i + 1),
                            word_at(bytes, 3 * i + 2)};
        int order = i == n ? 1 : j == p->n ? -1 : compare_entries(&s, &p->e[j]);
        if (order < 0) {
            g_array_append_val(out, s);
            i++;
        } else {
            g_array_append_val(out, p->e[j]);
            fresh += order > 0;
            i += order == 0;
            j++;
        }
    }
    return fresh;
}

gboolean defis_bands_flush(DefisBands *bands, GError **error)
{
    if (bands->pending_n > 0) {
        if (!filter_load(bands, error))
            return FALSE;
        g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(BandEntry));
        gint64 fresh = 0;
        for (gsize b = 0; b < BUCKETS; b++) {
            Pending *p = bands->pending[b];
            if (!p)
                continue;
            qsort(p->e, p->n, sizeof(BandEntry), compare_entries);
            const guchar *bytes;
            gsize size;
            DefisStmt *stmt = bucket_read(bands, b, &bytes, &size, error);
            if (!stmt)
                return FALSE;
            fresh += (gint64)merge_bucket(bytes, size, p, out);
            defis_stmt_reset(stmt);
            words_to_le((guint32 *)(void *)out->data, 3 * (gsize)out->len);
            if (!put_row(bands->store, DEFIS_SQL_DEDUP_BUCKET_PUT, (gint64)b, out->data,
                         out->len * sizeof(BandEntry), error))
                return FALSE;
            g_clear_pointer(&bands->pending[b], g_free);
        }
        bands->pending_n = 0;
        gint64 entries = defis_dedup_meta_get(bands->store, "band_entries", error);
        if (entries < 0 ||
            !defis_dedup_meta_set(bands->store, "band_entries", entries + fresh, error))
            return FALSE;
        /* Past the capacity the filter was made for, a larger one from scratch. */
        if (blocks_for(entries + fresh) > bands->blocks &&
            !filter_rebuild(bands, blocks_for((gint64)((double)(entries + fresh) * FILTER_GROWTH)),
                            error))
            return FALSE;
    }
    return filter_write(bands, error);
}

gboolean defis_bands_clear(DefisBands *bands, GError **error)
{
    forget_pending(bands);
    forget_filter(bands);
    defis_idmap_reset(&bands->hot);
    return defis_stmt_exec(defis_store_stmt(bands->store, DEFIS_SQL_DEDUP_BUCKET_CLEAR), error) &&
           defis_dedup_meta_set(bands->store, "band_entries", 0, error) &&
           filter_rebuild(bands, blocks_for(0), error);
}
