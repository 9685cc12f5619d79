/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* dedup_eval.c - clustering quality on the French STS-B, beside pg_trgm with single-link clustering.
 *
 * Every sentence of ../shared/data/stsb-fr/stsb-fr-train.csv is imported as one
 * mention (its own place) and defis clusters them; a labelled pair counts as
 * judged-same when both sentences land in one challenge. Pairs scored >= 4 say
 * the same thing, pairs <= 1 do not; precision, recall and F1 are over those.
 * The baseline is PostgreSQL's pg_trgm similarity() with single-link
 * clustering, at the threshold that is best for it.
 *
 * Usage: bench_dedup_eval [STSB_CSV] [--sweep] */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "engine/dedup.h"
#include "engine/network.h"
#include "engine/rank.h"
#include "surveys/csv.h"
#include "surveys/import.h"

typedef struct {
    guint a, b;
    gboolean same;
} Pair;

typedef struct {
    GPtrArray *sentences; /* distinct, by index */
    GHashTable *index;    /* sentence -> index + 1 */
    GArray *pairs;        /* labelled pairs */
} Data;

static guint sentence_index(Data *d, const char *s)
{
    guint i = GPOINTER_TO_UINT(g_hash_table_lookup(d->index, s));
    if (i)
        return i - 1;
    g_ptr_array_add(d->sentences, g_strdup(s));
    g_hash_table_insert(d->index, g_ptr_array_index(d->sentences, d->sentences->len - 1),
                        GUINT_TO_POINTER(d->sentences->len));
    return d->sentences->len - 1;
}

static void load(Data *d, const char *path)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) in = g_file_read(file, NULL, NULL);
    if (!in)
        g_error("cannot read %s", path);
    SurveyCsvOptions options = {.delimiter = ','};
    g_autoptr(SurveyCsv) csv = survey_csv_new(G_INPUT_STREAM(in), path, &options);
    char **f;
    guint n;
    GError *error = NULL;
    while (survey_csv_next(csv, &f, &n, &error)) {
        if (n != 3)
            continue;
        double score = g_ascii_strtod(f[2], NULL);
        guint a = sentence_index(d, f[0]), b = sentence_index(d, f[1]);
        if (a == b || (score > 1 && score < 4))
            continue;
        Pair p = {a, b, score >= 4};
        g_array_append_val(d->pairs, p);
    }
    if (error)
        g_error("%s", error->message);
}

typedef struct {
    double precision, recall, f1;
} Quality;

static Quality quality(Data *d, const gint64 *cluster)
{
    guint tp = 0, fp = 0, fn = 0;
    for (guint i = 0; i < d->pairs->len; i++) {
        Pair *p = &g_array_index(d->pairs, Pair, i);
        gboolean judged = cluster[p->a] == cluster[p->b];
        tp += judged && p->same;
        fp += judged && !p->same;
        fn += !judged && p->same;
    }
    Quality q = {tp ? (double)tp / (tp + fp) : 0, tp ? (double)tp / (tp + fn) : 0, 0};
    q.f1 = q.precision + q.recall > 0 ? 2 * q.precision * q.recall / (q.precision + q.recall) : 0;
    return q;
}

/* ---- defis --------------------------------------------------------------- */

typedef struct {
    gint64 *cluster;
} Collect;

static gboolean collect(const DefisMentionOut *m, gpointer data, GError **error)
{
    Collect *c = data;
    c->cluster[g_ascii_strtoull(m->place + 1, NULL, 10)] = m->challenge_id;
    return TRUE;
}

static Quality run_defis(Data *d, const char *csv_path, double threshold, double *seconds,
                         gint64 *challenges)
{
    g_autofree char *dir = g_dir_make_tmp("defis-eval-XXXXXX", NULL);
    g_autofree char *db = g_build_filename(dir, "eval.db", NULL);
    g_autoptr(DefisStore) store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    defis_network_add(store, "stsb", NULL, "eval", NULL);
    DefisDedupSettings settings;
    defis_dedup_settings_default(&settings);
    settings.threshold = threshold;
    settings.threshold = threshold;
    SurveyImportOptions options = {.network = "stsb", .actor = "eval", .dedup = &settings};
    survey_limits_default(&options.limits);
    SurveyReport report = {0};
    GError *error = NULL;
    gint64 start = g_get_monotonic_time();
    if (!survey_import_file(store, csv_path, &options, &report, &error))
        g_error("import: %s", error->message);
    *seconds = (g_get_monotonic_time() - start) / 1e6;
    *challenges = report.challenges_created;
    survey_report_clear(&report);
    Collect c = {g_new0(gint64, d->sentences->len)};
    defis_rank_each_mention(store, 0, collect, &c, NULL);
    Quality q = quality(d, c.cluster);
    g_free(c.cluster);
    defis_store_close(g_steal_pointer(&store));
    g_autofree char *wal = g_strconcat(db, "-wal", NULL), *shm = g_strconcat(db, "-shm", NULL);
    remove(db);
    remove(wal);
    remove(shm);
    g_rmdir(dir);
    return q;
}

/* ---- pg_trgm baseline ---------------------------------------------------- */

/* The trigrams of S as pg_trgm makes them: each word (a run of alphanumerics,
 * lower-cased) padded with two spaces before and one after. */
static GArray *trigrams(const char *s)
{
    g_autofree char *lower = g_utf8_strdown(s, -1);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(guint64));
    const char *p = lower;
    while (*p) {
        while (*p && !g_unichar_isalnum(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        if (!*p)
            break;
        GArray *chars = g_array_new(FALSE, FALSE, sizeof(gunichar));
        gunichar sp = ' ';
        g_array_append_val(chars, sp);
        g_array_append_val(chars, sp);
        while (*p && g_unichar_isalnum(g_utf8_get_char(p))) {
            gunichar c = g_utf8_get_char(p);
            g_array_append_val(chars, c);
            p = g_utf8_next_char(p);
        }
        g_array_append_val(chars, sp);
        for (guint i = 0; i + 2 < chars->len; i++) {
            guint64 t = ((guint64)g_array_index(chars, gunichar, i) << 42) |
                        ((guint64)g_array_index(chars, gunichar, i + 1) << 21) |
                        g_array_index(chars, gunichar, i + 2);
            g_array_append_val(out, t);
        }
        g_array_unref(chars);
    }
    return out;
}

static int cmp_u64(gconstpointer a, gconstpointer b)
{
    guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
    return (x > y) - (x < y);
}

static void unique(GArray *a)
{
    g_array_sort(a, cmp_u64);
    guint w = 0;
    for (guint i = 0; i < a->len; i++)
        if (w == 0 || g_array_index(a, guint64, i) != g_array_index(a, guint64, w - 1))
            g_array_index(a, guint64, w++) = g_array_index(a, guint64, i);
    g_array_set_size(a, w);
}

typedef struct {
    guint a, b;
    float sim;
} Edge;

static int cmp_edge(gconstpointer x, gconstpointer y)
{
    float a = ((const Edge *)x)->sim, b = ((const Edge *)y)->sim;
    return (a < b) - (a > b);
}

static guint find(guint *parent, guint i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

static void run_baseline(Data *d, double *best_threshold, Quality *best)
{
    guint n = d->sentences->len;
    GArray **sets = g_new(GArray *, n);
    GHashTable *postings = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                                 (GDestroyNotify)g_array_unref);
    for (guint i = 0; i < n; i++) {
        sets[i] = trigrams(g_ptr_array_index(d->sentences, i));
        unique(sets[i]);
        for (guint k = 0; k < sets[i]->len; k++) {
            guint64 t = g_array_index(sets[i], guint64, k);
            GArray *list = g_hash_table_lookup(postings, &t);
            if (!list) {
                list = g_array_new(FALSE, FALSE, sizeof(guint));
                g_hash_table_insert(postings, g_memdup2(&t, sizeof t), list);
            }
            g_array_append_val(list, i);
        }
    }
    /* Every pair sharing trigrams, with its similarity, from the postings. */
    GArray *edges = g_array_new(FALSE, FALSE, sizeof(Edge));
    guint *shared = g_new0(guint, n);
    GArray *touched = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < n; i++) {
        g_array_set_size(touched, 0);
        for (guint k = 0; k < sets[i]->len; k++) {
            GArray *list = g_hash_table_lookup(postings, &g_array_index(sets[i], guint64, k));
            for (guint m = 0; m < list->len; m++) {
                guint j = g_array_index(list, guint, m);
                if (j <= i)
                    continue;
                if (shared[j]++ == 0)
                    g_array_append_val(touched, j);
            }
        }
        for (guint m = 0; m < touched->len; m++) {
            guint j = g_array_index(touched, guint, m);
            float sim = (float)shared[j] / (float)(sets[i]->len + sets[j]->len - shared[j]);
            if (sim >= 0.1f) {
                Edge e = {i, j, sim};
                g_array_append_val(edges, e);
            }
            shared[j] = 0;
        }
    }
    g_array_sort(edges, cmp_edge);
    /* Sweep the threshold down, joining clusters edge by edge (single link). */
    guint *parent = g_new(guint, n);
    gint64 *cluster = g_new(gint64, n);
    for (guint i = 0; i < n; i++)
        parent[i] = i;
    best->f1 = -1;
    guint e = 0;
    for (int step = 95; step >= 10; step--) {
        double t = step / 100.0;
        while (e < edges->len && g_array_index(edges, Edge, e).sim >= t) {
            Edge *x = &g_array_index(edges, Edge, e++);
            guint ra = find(parent, x->a), rb = find(parent, x->b);
            if (ra != rb)
                parent[ra] = rb;
        }
        for (guint i = 0; i < n; i++)
            cluster[i] = find(parent, i);
        Quality q = quality(d, cluster);
        if (q.f1 > best->f1) {
            *best = q;
            *best_threshold = t;
        }
    }
    for (guint i = 0; i < n; i++)
        g_array_unref(sets[i]);
    g_free(sets);
    g_free(shared);
    g_free(parent);
    g_free(cluster);
    g_array_unref(touched);
    g_array_unref(edges);
    g_hash_table_destroy(postings);
}

int main(int argc, char **argv)
{
    const char *path = "../shared/data/stsb-fr/stsb-fr-train.csv";
    gboolean sweep = FALSE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sweep") == 0)
            sweep = TRUE;
        else
            path = argv[i];
    }
    Data d = {g_ptr_array_new_with_free_func(g_free), g_hash_table_new(g_str_hash, g_str_equal),
              g_array_new(FALSE, FALSE, sizeof(Pair))};
    load(&d, path);
    guint same = 0;
    for (guint i = 0; i < d.pairs->len; i++)
        same += g_array_index(d.pairs, Pair, i).same;

    /* The sentences as one canonical CSV survey, one place each. */
    g_autofree char *dir = g_dir_make_tmp("defis-eval-XXXXXX", NULL);
    g_autofree char *csv_path = g_build_filename(dir, "stsb.csv", NULL);
    GString *csv = g_string_new("place,challenge\n");
    for (guint i = 0; i < d.sentences->len; i++) {
        g_string_append_printf(csv, "p%u,\"", i);
        for (const char *p = g_ptr_array_index(d.sentences, i); *p; p++) {
            if (*p == '"')
                g_string_append_c(csv, '"');
            g_string_append_c(csv, *p);
        }
        g_string_append(csv, "\"\n");
    }
    g_file_set_contents(csv_path, csv->str, csv->len, NULL);
    g_string_free(csv, TRUE);

    printf("French STS-B: %u sentences, %u labelled pairs (%u same, %u different)\n\n",
           d.sentences->len, d.pairs->len, same, d.pairs->len - same);
    printf("%-34s %9s %9s %7s %7s %7s %9s\n", "method", "threshold", "clusters", "P", "R", "F1",
           "seconds");
    DefisDedupSettings defaults;
    defis_dedup_settings_default(&defaults);
    double thresholds[] = {0.20, 0.225, 0.25, 0.275, 0.30};
    for (guint i = 0; i < (sweep ? G_N_ELEMENTS(thresholds) : 1); i++) {
        double t = sweep ? thresholds[i] : defaults.threshold;
        double seconds;
        gint64 challenges;
        Quality q = run_defis(&d, csv_path, t, &seconds, &challenges);
        printf("%-34s %9.2f %9" G_GINT64_FORMAT " %7.3f %7.3f %7.3f %9.2f\n",
               t == defaults.threshold ? "defis (default settings)" : "defis", t, challenges,
               q.precision, q.recall, q.f1, seconds);
    }
    double bt = 0;
    Quality base = {0};
    gint64 start = g_get_monotonic_time();
    run_baseline(&d, &bt, &base);
    printf("%-34s %9.2f %9s %7.3f %7.3f %7.3f %9.2f\n", "pg_trgm single-link (its best)", bt,
           "-", base.precision, base.recall, base.f1, (g_get_monotonic_time() - start) / 1e6);
    remove(csv_path);
    g_rmdir(dir);
    g_ptr_array_unref(d.sentences);
    g_hash_table_destroy(d.index);
    g_array_unref(d.pairs);
    return 0;
}
