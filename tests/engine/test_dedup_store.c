/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_dedup_store.c - the deduplication index as stored: frequencies, band keys, filter, reindex.
 */
#include "helpers.h"

#include "engine/dedup.h"
#include "engine/dedup_store.h"
#include "engine/text.h"
#include "engine/network.h"
#include "engine/store.h"

static char *dir;
static char *db;
static DefisStore *store;

static int setup(void **state)
{
    test_store_open(&dir, &db, &store);
    return 0;
}

static int teardown(void **state)
{
    test_store_close(&dir, &db, &store);
    return 0;
}

/* A band key in bucket BUCKET whose next 32 bits are LOW. */
static guint64 band_key(guint bucket, guint32 low, guint16 rest)
{
    return ((guint64)bucket << 48) | ((guint64)low << 16) | rest;
}

/* The challenges of band KEY into FOUND (at most MAX); returns their number. */
static guint find(DefisBands *bands, guint64 key, gint64 *found, guint max)
{
    guint count = 0;
    assert_true(defis_bands_find(bands, key, found, max, &count, NULL));
    return count;
}

static void test_df_counts_persist(void **state)
{
    assert_true(defis_store_begin(store, NULL));
    DefisDf *df = defis_df_new(store);
    /* 70,000 features: the table grows several times on the way. */
    for (guint64 f = 1; f <= 70000; f++) {
        guint64 feature = f * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
        defis_df_add(df, feature);
        if (f % 7 == 0)
            defis_df_add(df, feature);
    }
    assert_int_equal(defis_df_get(df, 14 * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15)), 2);
    assert_int_equal(defis_df_get(df, 15 * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15)), 1);
    assert_int_equal(defis_df_get(df, 12345), 0);
    assert_true(defis_df_flush(df, NULL));
    defis_df_free(df);
    assert_true(defis_store_commit(store, NULL));

    /* Read back in another transaction, counted on. */
    assert_true(defis_store_begin(store, NULL));
    df = defis_df_new(store);
    guint64 seven = 7 * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    assert_int_equal(defis_df_get(df, seven), 2);
    defis_df_add(df, seven);
    assert_int_equal(defis_df_get(df, seven), 3);
    assert_int_equal(defis_df_get(df, 8 * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15)), 1);
    assert_null(defis_df_error(df));
    defis_df_free(df);
    defis_store_rollback(store); /* the third count is lost with the transaction */

    assert_true(defis_store_begin(store, NULL));
    df = defis_df_new(store);
    assert_int_equal(defis_df_get(df, seven), 2);
    assert_true(defis_df_clear(df, NULL));
    assert_int_equal(defis_df_get(df, seven), 0);
    assert_true(defis_df_flush(df, NULL));
    defis_df_free(df);
    assert_true(defis_store_commit(store, NULL));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM dedup_df_chunk"), 0);
}

/* Counts checked against a plain map, while the table grows.
 * Features are known by the 32 bits they are stored in (text.h): the map
 * counts those too, so the few features that share them share their count. */
static gpointer fingerprint_key(guint64 f)
{
    return GUINT_TO_POINTER(defis_feature_pack(f));
}

static void test_df_counts_match_a_map(void **state)
{
    assert_true(defis_store_begin(store, NULL));
    DefisDf *df = defis_df_new(store);
    g_autoptr(GHashTable) expected = g_hash_table_new(g_direct_hash, g_direct_equal);
    GRand *rand = g_rand_new_with_seed(7);
    for (int i = 0; i < 300000; i++) {
        /* Features reused from a pool of 150,000, so most are counted more than once. */
        guint64 f =
            (guint64)g_rand_int_range(rand, 1, 150001) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
        defis_df_add(df, f);
        gpointer key = fingerprint_key(f);
        g_hash_table_insert(
            expected, key,
            GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(expected, key)) + 1));
        if (i % 1000 == 0) {
            guint64 probe =
                (guint64)g_rand_int_range(rand, 1, 150001) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
            assert_int_equal(defis_df_get(df, probe), GPOINTER_TO_UINT(g_hash_table_lookup(
                                                          expected, fingerprint_key(probe))));
        }
    }
    g_rand_free(rand);
    g_autofree guint64 *all = g_new(guint64, 150000);
    g_autofree double *counts = g_new(double, 150000);
    for (guint64 i = 1; i <= 150000; i++) {
        guint64 f = i * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
        all[i - 1] = f;
        assert_int_equal(defis_df_get(df, f),
                         GPOINTER_TO_UINT(g_hash_table_lookup(expected, fingerprint_key(f))));
    }
    defis_df_get_many(df, all, 150000, counts); /* the same, all at once */
    for (gsize i = 0; i < 150000; i++)
        assert_int_equal((guint)counts[i],
                         GPOINTER_TO_UINT(g_hash_table_lookup(expected, fingerprint_key(all[i]))));
    assert_true(defis_df_flush(df, NULL));
    defis_df_free(df);
    /* Read back from the chunk rows: each was gathered from its stretch of the
     * table, with the entries probing pushed past it (and round to the start). */
    df = defis_df_new(store);
    for (guint64 i = 1; i <= 150000; i++) {
        guint64 f = i * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
        assert_int_equal(defis_df_get(df, f),
                         GPOINTER_TO_UINT(g_hash_table_lookup(expected, fingerprint_key(f))));
    }
    defis_df_free(df);
    defis_store_rollback(store);
}

static void test_bands_find_put_flush(void **state)
{
    gint64 found[4];
    assert_true(defis_store_begin(store, NULL));
    DefisBands *bands = defis_bands_new(store);
    guint64 k = band_key(7, 0xdeadbeef, 1);
    assert_int_equal(find(bands, k, found, 4), 0);
    assert_true(defis_bands_put(bands, k, 10, 100, NULL));
    assert_true(defis_bands_put(bands, k, 11, 101, NULL));
    /* The same 48 bits, other low bits: the same key for the index. */
    assert_int_equal(find(bands, band_key(7, 0xdeadbeef, 2), found, 4), 2);
    assert_true((found[0] == 100 && found[1] == 101) || (found[0] == 101 && found[1] == 100));
    /* Another bucket, or other 32 bits: not found. */
    assert_int_equal(find(bands, band_key(8, 0xdeadbeef, 1), found, 4), 0);
    assert_int_equal(find(bands, band_key(7, 0xdeadbeee, 1), found, 4), 0);
    assert_true(defis_bands_flush(bands, NULL));
    defis_bands_free(bands);
    assert_true(defis_store_commit(store, NULL));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM dedup_bucket"), 1);
    assert_int_equal(test_query_int(db, "SELECT length(entries) FROM dedup_bucket WHERE id = 7"),
                     24);
    assert_int_equal(test_query_int(db, "SELECT value FROM dedup_meta WHERE key = 'band_entries'"),
                     2);

    /* Stored entries, then a move of one (pending) and more than MAX. */
    assert_true(defis_store_begin(store, NULL));
    bands = defis_bands_new(store);
    assert_int_equal(find(bands, k, found, 4), 2);
    assert_true(defis_bands_put(bands, k, 11, 200, NULL));
    assert_int_equal(find(bands, k, found, 4), 2);
    assert_true((found[0] == 100 && found[1] == 200) || (found[0] == 200 && found[1] == 100));
    for (gint64 m = 12; m < 16; m++)
        assert_true(defis_bands_put(bands, k, m, 300, NULL));
    assert_int_equal(find(bands, k, found, 4), 5); /* more than 4 */
    assert_true(defis_bands_flush(bands, NULL));
    assert_int_equal(find(bands, k, found, 4), 5);
    defis_bands_free(bands);
    assert_true(defis_store_commit(store, NULL));
    assert_int_equal(test_query_int(db, "SELECT value FROM dedup_meta WHERE key = 'band_entries'"),
                     6);

    /* A representative whose mention id does not fit is refused with a clear error. */
    assert_true(defis_store_begin(store, NULL));
    bands = defis_bands_new(store);
    GError *error = NULL;
    assert_false(defis_bands_put(bands, k, G_GINT64_CONSTANT(1) << 33, 1, &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, "2^32"));
    g_clear_error(&error);
    defis_bands_free(bands);
    defis_store_rollback(store);
}

/* Many keys: the filter answers for them all (no false negative), before and
 * after a flush, after reading it back, and after it was lost and remade. */
static void test_bands_filter(void **state)
{
    enum { KEYS = 20000 };
    assert_true(defis_store_begin(store, NULL));
    DefisBands *bands = defis_bands_new(store);
    gint64 found[2];
    assert_int_equal(find(bands, 1, found, 1), 0); /* reads the filter first */
    for (guint64 i = 1; i <= KEYS; i++)
        assert_true(
            defis_bands_put(bands, i * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15), (gint64)i, 1, NULL));
    for (guint64 i = 1; i <= KEYS; i += 97) {
        assert_int_equal(find(bands, i * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15), found, 1), 1);
    }
    assert_true(defis_bands_flush(bands, NULL));
    defis_bands_free(bands);
    assert_true(defis_store_commit(store, NULL));
    assert_true(test_query_int(db, "SELECT count(*) FROM dedup_filter") > 0);

    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) { /* the filter lost: it is made again from the buckets */
            test_exec(db, "DELETE FROM dedup_filter;"
                          "UPDATE dedup_meta SET value = 0 WHERE key = 'filter_blocks'");
        }
        assert_true(defis_store_begin(store, NULL));
        bands = defis_bands_new(store);
        for (guint64 i = 1; i <= KEYS; i++) {
            assert_int_equal(find(bands, i * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15), found, 1), 1);
            assert_int_equal(found[0], 1);
        }
        guint strangers = 0;
        for (guint64 i = KEYS + 1; i <= 2 * KEYS; i++) {
            strangers += find(bands, i * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15), found, 1);
        }
        assert_int_equal(strangers, 0);
        assert_true(defis_bands_flush(bands, NULL));
        defis_bands_free(bands);
        assert_true(defis_store_commit(store, NULL));
    }
}

/* The index made again from the mentions and representatives is the index
 * that imports built, byte for byte, and deduplication goes on with it. */
static void test_reindex(void **state)
{
    assert_true(defis_network_add(store, "Occitanie", NULL, "test", NULL) > 0);
    test_import_csv(store, dir, "Occitanie",
                    "place,challenge\n"
                    "La Fabrique,Trouver des financements pour l'animation\n"
                    "Le Tiers,Financer l'animation du lieu\n"
                    "La Fabrique,Recruter des bénévoles pour l'accueil\n"
                    "Le Tiers,recruter des benevoles pour accueillir le public\n"
                    "Le Hangar,Mutualiser les outils de gestion entre lieux\n");
    const char *digest = "SELECT group_concat(hex(entries), ',') FROM"
                         " (SELECT entries FROM %s ORDER BY id)";
    g_autofree char *df_sql = g_strdup_printf(digest, "dedup_df_chunk");
    g_autofree char *band_sql = g_strdup_printf(digest, "dedup_bucket");
    /* Frequencies and band keys were stored. */
    g_autofree char *df_before = test_query_text(db, df_sql);
    assert_true(strlen(df_before) > 100);
    g_autofree char *bands_before = test_query_text(db, band_sql);
    assert_true(strlen(bands_before) > 100);
    const char *reps_sql = "SELECT group_concat(hex(features), ',') FROM"
                           " (SELECT features FROM dedup_rep ORDER BY challenge_id, mention_id)";
    g_autofree char *reps_before = test_query_text(db, reps_sql);
    assert_true(strlen(reps_before) > 100);
    /* As migration 9 leaves them: the representatives' features too are lost. */
    test_exec(db, "UPDATE dedup_rep SET features = x'';"
                  "DELETE FROM dedup_df_chunk; DELETE FROM dedup_bucket;"
                  "DELETE FROM dedup_filter;"
                  "UPDATE dedup_meta SET value = 0 WHERE key IN"
                  " ('band_entries', 'filter_blocks');"
                  "INSERT INTO dedup_meta (key, value) VALUES ('reindex', 1)"
                  " ON CONFLICT (key) DO UPDATE SET value = 1");

    /* The next import reindexes first, then places its mention with the rest. */
    test_import_csv(store, dir, "Occitanie",
                    "place,challenge\nLa Cale,Trouver un financement pour l'animation\n");
    assert_int_equal(test_query_int(db, "SELECT value FROM dedup_meta WHERE key = 'reindex'"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(DISTINCT challenge_id) FROM mention"
                                        " WHERE text LIKE '%inanc%'"),
                     1);
    /* Undo that import's counts and keys by reindexing again without it: equal. */
    test_exec(db, "DELETE FROM dedup_rep WHERE mention_id = (SELECT max(id) FROM mention);"
                  "UPDATE dedup_meta SET value = 1 WHERE key = 'reindex'");
    assert_true(defis_store_begin(store, NULL));
    DefisDedup *dedup = defis_dedup_new(store, NULL, NULL);
    assert_non_null(dedup);
    defis_dedup_free(dedup);
    assert_true(defis_store_commit(store, NULL));
    g_autofree char *bands_after = test_query_text(db, band_sql);
    assert_string_equal(bands_after, bands_before);
    g_autofree char *reps_after = test_query_text(db, reps_sql);
    assert_string_equal(reps_after, reps_before);
    /* The frequencies count the new wording too. */
    assert_true(test_query_int(db, "SELECT value FROM dedup_meta WHERE key = 'documents'") == 6);
}

/* A damaged index row is refused with a message that names it and the way out,
 * nothing is written, and `defis dedup --rebuild` makes the index again. */
static void test_damaged_index_is_reported_and_rebuilt(void **state)
{
    g_clear_pointer(&store, defis_store_close); /* the command works on the file alone */
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Occitanie", NULL), 0);
    g_autofree char *first =
        test_write_file(dir, "first.csv",
                        "place,challenge\n"
                        "La Fabrique,Trouver des financements pour l'animation\n"
                        "Le Tiers,Recruter des bénévoles pour l'accueil\n",
                        -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Occitanie", first, NULL),
                     0);
    /* Every bucket damaged, so that the next representative meets one. */
    test_exec(db, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 65535)"
                  " INSERT OR REPLACE INTO dedup_bucket (id, entries)"
                  " SELECT i, x'0102030405' FROM n");
    gint64 mentions = test_query_int(db, "SELECT count(*) FROM mention");

    g_autofree char *next =
        test_write_file(dir, "next.csv",
                        "place,challenge\n"
                        "La Cale,Mutualiser les outils de gestion entre lieux\n",
                        -1);
    g_autofree char *err = NULL;
    assert_int_equal(test_defis(db, NULL, &err, "import", "--network", "Occitanie", next, NULL), 1);
    assert_non_null(strstr(err, "dedup_bucket row"));
    assert_non_null(strstr(err, "defis dedup --rebuild"));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), mentions);

    assert_int_equal(test_defis(db, NULL, NULL, "dedup", "--rebuild", NULL), 0);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Occitanie", next, NULL), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), mentions + 1);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM dedup_bucket"
                                        " WHERE length(entries) % 12 <> 0"),
                     0);
}

/* What the placing left in PATH: each mention's challenge, the representatives
 * with their features, the band keys and the frequencies. */
static char *placing_digest(const char *path)
{
    return test_query_text(
        path, "SELECT (SELECT group_concat(challenge_id, ',') FROM"
              "         (SELECT challenge_id FROM mention ORDER BY id))"
              " || '/' || (SELECT group_concat(challenge_id || ':' || mention_id || ':'"
              "         || hex(features), ',') FROM"
              "         (SELECT * FROM dedup_rep ORDER BY challenge_id, mention_id))"
              " || '/' || (SELECT group_concat(hex(entries), ',') FROM"
              "         (SELECT entries FROM dedup_bucket ORDER BY id))"
              " || '/' || (SELECT group_concat(hex(entries), ',') FROM"
              "         (SELECT entries FROM dedup_df_chunk ORDER BY id))");
}

/* A store of schema 8 (representatives by mention, 8 bytes a feature) is
 * upgraded by migration 9 and reindexed by its next import, which then places
 * as a store built fresh does. */
static void test_upgrade_from_schema_8(void **state)
{
    const char *first = "place,challenge\n"
                        "La Fabrique,Trouver des financements pour l'animation\n"
                        "Le Tiers,Financer l'animation du lieu\n"
                        "La Fabrique,Recruter des bénévoles pour l'accueil\n"
                        "Le Tiers,recruter des benevoles pour accueillir le public\n"
                        "Le Hangar,Mutualiser les outils de gestion entre lieux\n";
    const char *next = "place,challenge\n"
                       "La Cale,Trouver un financement pour l'animation\n"
                       "Le Port,Mutualiser nos outils de gestion\n"
                       "Le Port,Ouvrir le lieu le dimanche\n";
    assert_true(defis_network_add(store, "Occitanie", NULL, "test", NULL) > 0);
    test_import_csv(store, dir, "Occitanie", first);
    test_import_csv(store, dir, "Occitanie", next);
    g_clear_pointer(&store, defis_store_close);
    g_autofree char *fresh = placing_digest(db);

    g_autofree char *old = g_build_filename(dir, "old.db", NULL);
    DefisStore *upgraded = defis_store_open(old, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(upgraded);
    assert_true(defis_network_add(upgraded, "Occitanie", NULL, "test", NULL) > 0);
    test_import_csv(upgraded, dir, "Occitanie", first);
    defis_store_close(upgraded);
    test_exec(old, "CREATE TABLE rep_8 (mention_id INTEGER PRIMARY KEY REFERENCES mention(id),"
                   " challenge_id INTEGER NOT NULL REFERENCES challenge(id),"
                   " features BLOB NOT NULL) STRICT;"
                   "INSERT INTO rep_8 SELECT mention_id, challenge_id,"
                   " zeroblob(2 * length(features)) FROM dedup_rep;"
                   "DROP TABLE dedup_rep; ALTER TABLE rep_8 RENAME TO dedup_rep;"
                   "CREATE INDEX dedup_rep_challenge ON dedup_rep(challenge_id);"
                   /* nor what migration 10 added */
                   "DROP INDEX challenge_merged_into; DROP INDEX dedup_dismissal_b;"
                   "DROP INDEX merge_log_target; DROP INDEX token_network;"
                   "PRAGMA user_version = 8;");
    upgraded = defis_store_open(old, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(upgraded);
    assert_int_equal(test_query_int(old, "PRAGMA user_version"), defis_store_schema_version());
    assert_int_equal(test_query_int(old, "SELECT value FROM dedup_meta WHERE key = 'reindex'"), 1);
    test_import_csv(upgraded, dir, "Occitanie", next);
    defis_store_close(upgraded);
    assert_int_equal(test_query_int(old, "SELECT value FROM dedup_meta WHERE key = 'reindex'"), 0);
    g_autofree char *after = placing_digest(old);
    assert_string_equal(after, fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_df_counts_persist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_df_counts_match_a_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bands_find_put_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bands_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_from_schema_8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_index_is_reported_and_rebuilt, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
