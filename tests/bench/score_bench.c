/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* score_bench.c - ranked queries, rescore and incremental refresh over 1,000,000 mentions.
 *
 * Usage: bench_score_bench [--cache FILE] [--runs N]
 * Builds (once; the file is kept as a cache) a store of 1,000,000 mentions on
 * 120,000 challenges from 5,000 places in 20 networks, written directly with
 * SQLite for speed and then scored with defis_score_rescore_all; every run works
 * on a copy of it. Prints "figure / defis / target". */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dedup.h"
#include "engine/error.h"
#include "engine/ingest.h"
#include "engine/network.h"
#include "engine/rank.h"
#include "engine/score.h"
#include "engine/text.h"

#define NETWORKS 20
#define PLACES_PER_NETWORK 250
#define CHALLENGES 120000
#define MENTIONS 1000000
#define THEMES 10

static const char *const themes[THEMES] = {
    "outils de gestion",
    "ressources juridiques",
    "ressources humaines",
    "formation",
    "animation de communautés",
    "documentation",
    "financement",
    "gouvernance",
    "communication",
    "relations aux collectivités",
};
static const char *const words[] = {
    "financer", "animation",   "outil",    "reservation", "benevoles",  "bail",        "chauffage",
    "former",   "gouvernance", "mairie",   "documenter",  "reseaux",    "comptable",   "publics",
    "atelier",  "evenements",  "cantine",  "tresorerie",  "impact",     "bureaux",     "solaire",
    "donnees",  "juridique",   "salaries", "communaute",  "subvention", "partenaires", "locaux",
};

static void die(const char *what, GError *error)
{
    fprintf(stderr, "score_bench: %s: %s\n", what, error ? error->message : "failed");
    exit(1);
}

static void sql(sqlite3 *db, const char *text)
{
    char *message = NULL;
    if (sqlite3_exec(db, text, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "score_bench: %s: %s\n", text, message);
        exit(1);
    }
}

static char *challenge_text(int c)
{
    guint n = G_N_ELEMENTS(words);
    return g_strdup_printf("%s %s %s n%d", words[c % n], words[(c / n) % n],
                           words[(c / (n * n)) % n], c);
}

/* ---- Building the cached store ------------------------------------------- */

static void build(const char *path)
{
    g_autofree char *tmp = g_strconcat(path, ".part", NULL);
    g_remove(tmp);
    GError *error = NULL;
    DefisStore *store = defis_store_open(tmp, DEFIS_STORE_READWRITE, &error);
    if (!store)
        die("open", error);
    for (int n = 0; n < NETWORKS; n++) {
        g_autofree char *name = g_strdup_printf("Réseau %02d", n);
        g_autofree char *region = g_strdup_printf("Région %d", n % 5);
        if (!defis_network_add(store, name, region, "bench", &error))
            die("network", error);
    }
    defis_store_close(store);

    sqlite3 *db = NULL;
    if (sqlite3_open(tmp, &db) != SQLITE_OK)
        exit(1);
    sql(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN");
    sqlite3_stmt *stmt = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO survey (network_id, title, format, encoding, sha256,"
                       " respondents, imported_at, actor) VALUES (?1, 'bench', 'csv', 'UTF-8',"
                       " printf('%064d', ?1), NULL, '2026-01-01T00:00:00.000Z', 'bench')",
                       -1, &stmt, NULL);
    for (int n = 1; n <= NETWORKS; n++) {
        sqlite3_bind_int(stmt, 1, n);
        sqlite3_step(stmt);
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    sqlite3_prepare_v2(db, "INSERT INTO place (network_id, name, members) VALUES (?1, ?2, ?3)", -1,
                       &stmt, NULL);
    GRand *rand = g_rand_new_with_seed(42);
    for (int n = 1; n <= NETWORKS; n++) {
        for (int p = 0; p < PLACES_PER_NETWORK; p++) {
            char name[32];
            g_snprintf(name, sizeof name, "lieu %d-%d", n, p);
            sqlite3_bind_int(stmt, 1, n);
            sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(stmt, 3, g_rand_int_range(rand, 5, 400));
            sqlite3_step(stmt);
            sqlite3_reset(stmt);
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_prepare_v2(db,
                       "INSERT INTO challenge (id, title, key, created_at)"
                       " VALUES (?1, ?2, ?3, '2026-01-01T00:00:00.000Z')",
                       -1, &stmt, NULL);
    char **norms = g_new(char *, CHALLENGES + 1);
    for (int c = 1; c <= CHALLENGES; c++) {
        g_autofree char *text = challenge_text(c);
        norms[c] = defis_text_fold(text, -1);
        sqlite3_bind_int(stmt, 1, c);
        sqlite3_bind_text(stmt, 2, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 3, norms[c], -1, SQLITE_STATIC);
        sqlite3_step(stmt);
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    /* Popularity falls off like a power law; each challenge has a home network
     * and spills over to others with some odds. */
    sqlite3_prepare_v2(db,
                       "INSERT INTO mention (survey_id, place_id, challenge_id, line, text, norm,"
                       " theme, importance, members, votes, raw, norm_hash)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, '{}', ?10)",
                       -1, &stmt, NULL);
    for (int m = 0; m < MENTIONS; m++) {
        double u = g_rand_double(rand);
        int c = 1 + (int)((CHALLENGES - 1) * pow(u, 2.5));
        int home = c % NETWORKS;
        int network = g_rand_double(rand) < 0.6 ? home : g_rand_int_range(rand, 0, NETWORKS);
        int place =
            network * PLACES_PER_NETWORK + g_rand_int_range(rand, 0, PLACES_PER_NETWORK) + 1;
        g_autofree char *text = challenge_text(c);
        sqlite3_bind_int(stmt, 1, network + 1);
        sqlite3_bind_int(stmt, 2, place);
        sqlite3_bind_int(stmt, 3, c);
        sqlite3_bind_int(stmt, 4, m + 2);
        sqlite3_bind_text(stmt, 5, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 6, norms[c], -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 7, themes[c % THEMES], -1, SQLITE_STATIC);
        if (g_rand_double(rand) < 0.5)
            sqlite3_bind_int(stmt, 8, g_rand_int_range(rand, 1, 6));
        else
            sqlite3_bind_null(stmt, 8);
        if (g_rand_double(rand) < 0.05)
            sqlite3_bind_int(stmt, 9, g_rand_int_range(rand, 0, 20));
        else
            sqlite3_bind_null(stmt, 9);
        sqlite3_bind_int64(stmt, 10, (sqlite3_int64)defis_dedup_norm_hash(norms[c]));
        sqlite3_step(stmt);
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    sql(db, "UPDATE survey SET mentions = (SELECT count(*) FROM mention m WHERE m.survey_id ="
            " survey.id); COMMIT; PRAGMA wal_checkpoint(TRUNCATE);");
    sqlite3_close(db);
    for (int c = 1; c <= CHALLENGES; c++)
        g_free(norms[c]);
    g_free(norms);
    g_rand_free(rand);

    store = defis_store_open(tmp, DEFIS_STORE_READWRITE, &error);
    if (!store)
        die("open", error);
    gint64 t0 = g_get_monotonic_time();
    if (defis_score_rescore_all(store, "bench", &error) < 0)
        die("rescore", error);
    fprintf(stderr, "score_bench: built %s, first rescore %.1f s\n", path,
            (g_get_monotonic_time() - t0) / 1e6);
    defis_store_close(store);
    sqlite3 *plain = NULL; /* statistics for the planner, as a long-lived store has them */
    if (sqlite3_open(tmp, &plain) != SQLITE_OK ||
        sqlite3_exec(plain, "PRAGMA optimize", NULL, NULL, NULL) != SQLITE_OK)
        die("optimize", NULL);
    sqlite3_close(plain);
    if (g_rename(tmp, path) != 0)
        die("rename", NULL);
    g_autofree char *wal = g_strconcat(tmp, "-wal", NULL);
    g_autofree char *shm = g_strconcat(tmp, "-shm", NULL);
    g_remove(wal);
    g_remove(shm);
}

/* ---- Measures ------------------------------------------------------------ */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double p50, p99;
    gsize count;
} Latency;

static Latency measure(DefisStore *store, const DefisRankQuery *q, int runs)
{
    double *ms = g_new(double, runs);
    Latency out = {0};
    for (int i = -runs / 10; i < runs; i++) { /* a tenth of warm-up runs first */
        GError *error = NULL;
        gint64 t0 = g_get_monotonic_time();
        json_t *page = defis_rank_query(store, q, &error);
        gint64 t1 = g_get_monotonic_time();
        if (!page)
            die("query", error);
        out.count = json_array_size(json_object_get(page, "challenges"));
        json_decref(page);
        if (i >= 0)
            ms[i] = (t1 - t0) / 1000.0;
    }
    qsort(ms, runs, sizeof *ms, compare_doubles);
    out.p50 = ms[runs / 2];
    out.p99 = ms[(int)ceil(runs * 0.99) - 1];
    g_free(ms);
    return out;
}

static void row(const char *figure, const char *value, const char *target)
{
    printf("%-44s %18s %14s\n", figure, value, target);
}

/* The p99 target of the ranked queries, in milliseconds. */
#define P99_TARGET_MS 5.0

/* Prints the latency of Q beside the p99 target (when TARGETED) and a PASS or
 * FAIL verdict, which tests/bench/run.sh counts. */
static void latency_row(DefisStore *store, const char *name, const DefisRankQuery *q, int runs,
                        gboolean targeted)
{
    Latency l = measure(store, q, runs);
    g_autofree char *figure = g_strdup_printf("%s (%zu rows)", name, l.count);
    g_autofree char *value = g_strdup_printf("p50 %.2f p99 %.2f ms", l.p50, l.p99);
    if (!targeted) {
        row(figure, value, "(none)");
        return;
    }
    printf("%-44s %18s %14s  %s\n", figure, value, "p99 <= 5 ms",
           l.p99 <= P99_TARGET_MS ? "PASS" : "FAIL");
}

/* Imports ROWS mentions into network NETWORK: existing challenge texts, by
 * places of the network (NEW_PLACES: places never seen, so N changes). */
static double import_survey(DefisStore *store, int network, int rows, gboolean new_places, int seed)
{
    GError *error = NULL;
    g_autofree char *name = g_strdup_printf("Réseau %02d", network);
    g_autofree char *sha = g_strdup_printf("%064d", 1000 + seed);
    DefisSurveyMeta meta = {.network = name,
                            .title = "bench",
                            .format = "csv",
                            .encoding = "UTF-8",
                            .sha256 = sha,
                            .respondents = -1,
                            .actor = "bench"};
    gboolean duplicate = FALSE;
    gint64 t0 = g_get_monotonic_time();
    DefisIngest *ingest = defis_ingest_begin(store, &meta, &duplicate, NULL, &error);
    if (!ingest)
        die("ingest", error);
    GRand *rand = g_rand_new_with_seed(seed);
    for (int i = 0; i < rows; i++) {
        int c = 1 + (int)((CHALLENGES - 1) * pow(g_rand_double(rand), 2.5));
        g_autofree char *text = challenge_text(c);
        g_autofree char *place =
            new_places ? g_strdup_printf("nouveau %d-%d", seed, i % 300)
                       : g_strdup_printf("lieu %d-%d", network,
                                         g_rand_int_range(rand, 0, PLACES_PER_NETWORK));
        DefisMentionIn m = {.line = i + 2,
                            .place = place,
                            .text = text,
                            .theme = themes[c % THEMES],
                            .importance = 3,
                            .members = -1,
                            .votes = -1,
                            .raw_json = "{}"};
        if (!defis_ingest_add(ingest, &m, &error))
            die("ingest add", error);
    }
    g_rand_free(rand);
    if (!defis_ingest_commit(ingest, rows, 0, NULL, &error))
        die("ingest commit", error);
    return (g_get_monotonic_time() - t0) / 1000.0;
}

/* defis_score_refresh alone on N challenge ids, rolled back. */
static double refresh_only(DefisStore *store, int n)
{
    GError *error = NULL;
    gint64 *ids = g_new(gint64, n);
    for (int i = 0; i < n; i++)
        ids[i] = 1 + (gint64)i * (CHALLENGES / n);
    if (!defis_store_begin(store, &error))
        die("begin", error);
    gint64 t0 = g_get_monotonic_time();
    if (!defis_score_refresh(store, ids, n, &error))
        die("refresh", error);
    double ms = (g_get_monotonic_time() - t0) / 1000.0;
    defis_store_rollback(store);
    g_free(ids);
    return ms;
}

int main(int argc, char **argv)
{
    g_autofree char *cache = g_strdup("score-bench.db");
    int runs = 1000;
    const GOptionEntry entries[] = {
        {"cache", 0, 0, G_OPTION_ARG_FILENAME, &cache, "The cached store (built when missing)",
         "FILE"},
        {"runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per query measure (default 1000)", "N"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("");
    g_option_context_add_main_entries(context, entries, NULL);
    GError *error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error) || runs < 10)
        die("options", error);
    if (!g_file_test(cache, G_FILE_TEST_EXISTS))
        build(cache);

    /* Work on a copy, so the cache stays as built. */
    g_autofree char *work = g_strconcat(cache, ".work", NULL);
    g_autoptr(GFile) from = g_file_new_for_path(cache);
    g_autoptr(GFile) to = g_file_new_for_path(work);
    if (!g_file_copy(from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
        die("copy", error);
    DefisStore *store = defis_store_open(work, DEFIS_STORE_READWRITE, &error);
    if (!store)
        die("open", error);

    printf("%-44s %18s %14s\n", "figure", "defis", "target");
    row("store", "1,000,000 mentions", "");
    row("", "120,000 challenges", "");
    const DefisRankQuery all = {.limit = 50};
    latency_row(store, "top 50, no filter", &all, runs, TRUE);
    const DefisRankQuery network = {.limit = 50, .network = "Réseau 07"};
    latency_row(store, "top 50, --network", &network, runs, TRUE);
    const DefisRankQuery theme = {.limit = 50, .theme = "financement"};
    latency_row(store, "top 50, --theme", &theme, runs, TRUE);
    const DefisRankQuery region = {.limit = 50, .region = "Région 3"};
    latency_row(store, "top 50, --region", &region, runs, TRUE);
    const DefisRankQuery reach = {.limit = 50, .min_networks = 5, .min_places = 10};
    latency_row(store, "top 50, --min-networks 5 --min-places 10", &reach, runs, TRUE);
    const DefisRankQuery combined = {.limit = 50, .network = "Réseau 07", .theme = "formation"};
    latency_row(store, "top 50, --network --theme", &combined, runs, TRUE);
    const DefisRankQuery search_rare = {.limit = 50, .search = "n4242"};
    latency_row(store, "top 50, --search (rare word)", &search_rare, runs, TRUE);
    const DefisRankQuery search_common = {.limit = 50, .search = "cantine"};
    latency_row(store, "top 50, --search (common word)", &search_common, runs / 10 + 10, TRUE);
    const DefisRankQuery breakdown = {.limit = 50, .breakdown = TRUE};
    latency_row(store, "top 50 with --breakdown", &breakdown, runs, TRUE);
    /* A page deep down, through a cursor. */
    DefisRankQuery deep = {.limit = 50};
    g_autofree char *cursor = NULL;
    for (int i = 0; i < 20; i++) {
        json_t *page = defis_rank_query(store, &deep, &error);
        if (!page)
            die("page", error);
        g_free(cursor);
        cursor = g_strdup(json_string_value(json_object_get(page, "next")));
        json_decref(page);
        deep.after = cursor;
    }
    latency_row(store, "page 21 of 50, --after", &deep, runs, TRUE);
    g_autoptr(DefisScoreSettings) other =
        defis_settings_parse("[score]\nz = 1.645\n[weights]\nRéseau 03 = 2\n", -1, "b.ini", NULL);
    const DefisRankQuery preview = {.limit = 50, .settings = other};
    latency_row(store, "top 50, --config preview (computed)", &preview, 10, FALSE);

    gint64 t0 = g_get_monotonic_time();
    gint64 scored = defis_score_rescore_all(store, "bench", &error);
    if (scored < 0)
        die("rescore", error);
    g_autofree char *rescore = g_strdup_printf("%.2f s", (g_get_monotonic_time() - t0) / 1e6);
    row("defis rescore (all from scratch)", rescore, "");

    g_autofree char *r1000 = g_strdup_printf("%.1f ms", refresh_only(store, 1000));
    row("defis_score_refresh, 1,000 challenges", r1000, "");
    g_autofree char *imp = g_strdup_printf("%.1f ms", import_survey(store, 5, 1000, FALSE, 1));
    row("import 1,000 rows, known places (all)", imp, "");
    g_autofree char *imp2 = g_strdup_printf("%.1f ms", import_survey(store, 6, 1000, TRUE, 2));
    row("import 1,000 rows, 300 new places (N moves)", imp2, "");
    defis_store_close(store);
    g_remove(work);
    g_autofree char *wal = g_strconcat(work, "-wal", NULL);
    g_autofree char *shm = g_strconcat(work, "-shm", NULL);
    g_remove(wal);
    g_remove(shm);
    return 0;
}
