/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* pipeline.c - the text work an import cannot skip, timed alone.
 *
 * Usage: bench_pipeline FILE.csv
 * Reads a canonical CSV (its challenge column) and does for each row what
 * defis_dedup_place does before it looks at the store: folds the text and, the
 * first time a folded text is seen, makes its features, packs them and signs
 * them into band keys. Exact twins (the same folded text) stop at the fold, as
 * they do in an import. Prints the rows, the distinct texts and the seconds
 * spent on that work (reading the file excluded):
 *
 *   rows 1000000 distinct 251946 features 18368856 seconds 4.31
 *
 * No lookup, no weighing, no storing: a floor under any import of the file,
 * measured beside `sqlite3 .import` by tests/bench/run.sh. */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "engine/dedup.h"
#include "engine/idmap.h"
#include "engine/minhash.h"
#include "engine/text.h"
#include "surveys/csv.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.csv\n", argv[0]);
        return 2;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GFile) file = g_file_new_for_path(argv[1]);
    g_autoptr(GFileInputStream) in = g_file_read(file, NULL, &error);
    g_autoptr(DefisText) text = in ? defis_text_new(NULL, &error) : NULL;
    if (!text) {
        fprintf(stderr, "bench_pipeline: %s\n", error->message);
        return 1;
    }
    g_autoptr(SurveyCsv) csv = survey_csv_new(G_INPUT_STREAM(in), argv[1], NULL);
    char **fields;
    guint n, column = G_MAXUINT;
    if (survey_csv_next(csv, &fields, &n, &error))
        for (guint i = 0; i < n; i++)
            if (strcmp(fields[i], "challenge") == 0)
                column = i;
    if (column == G_MAXUINT) {
        fprintf(stderr, "bench_pipeline: %s has no challenge column\n", argv[1]);
        return 1;
    }

    DefisIdMap seen; /* folded-text hashes met */
    defis_idmap_init(&seen);
    guint64 rows = 0, distinct = 0, features = 0, check = 0;
    gint64 spent = 0;
    while (survey_csv_next(csv, &fields, &n, &error)) {
        rows++;
        if (column >= n)
            continue;
        gint64 start = g_get_monotonic_time();
        g_autofree char *norm = defis_text_fold(fields[column], -1);
        guint64 hash = (guint64)defis_dedup_norm_hash(norm);
        hash = hash ? hash : 1; /* the map keeps 0 free */
        if (!defis_idmap_get(&seen, hash, NULL)) {
            defis_idmap_put(&seen, hash, 1);
            distinct++;
            g_autoptr(DefisFeatures) f = defis_text_features(text, fields[column], -1);
            g_autoptr(DefisFeatures) packed = defis_features_packed(f);
            DefisMinhash signature;
            guint64 keys[DEFIS_MINHASH_BANDS];
            defis_minhash_sign(f->hashes, f->n, &signature);
            defis_minhash_bands(&signature, keys);
            features += f->n;
            check ^= keys[0] ^ (packed->n ? packed->hashes[0] : 0);
        }
        spent += g_get_monotonic_time() - start;
    }
    defis_idmap_clear(&seen);
    if (error) {
        fprintf(stderr, "bench_pipeline: %s\n", error->message);
        return 1;
    }
    printf("rows %" G_GUINT64_FORMAT " distinct %" G_GUINT64_FORMAT " features %" G_GUINT64_FORMAT
           " seconds %.2f check %" G_GUINT64_FORMAT "\n",
           rows, distinct, features, (double)spent / 1e6, check & 0xffff);
    return 0;
}
