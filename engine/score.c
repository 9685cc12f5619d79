/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* score.c - challenge scores by votes and reach: the model, the stored form, the breakdown. */
#include "engine/score.h"

#include <math.h>
#include <string.h>

#include "engine/error.h"
#include "engine/journal.h"
#include "engine/text.h"

/* ---- The model ----------------------------------------------------------- */

double defis_score_wilson_lower(gint64 k, gint64 n, double z)
{
    if (n <= 0 || k <= 0)
        return 0.0;
    if (k > n)
        k = n;
    double total = (double)n;
    double p = (double)k / total;
    double z2 = z * z;
    double centre = p + z2 / (2.0 * total);
    double margin = z * sqrt(p * (1.0 - p) / total + z2 / (4.0 * total * total));
    double lower = (centre - margin) / (1.0 + z2 / total);
    return lower > 0.0 ? lower : 0.0;
}

double defis_score_importance_factor(gint64 importance_sum, gint64 importance_count,
                                     double strength)
{
    if (importance_count <= 0)
        return 1.0;
    double mean = (double)importance_sum / (double)importance_count;
    return 1.0 + strength * (mean - 3.0) / 2.0;
}

/* weight × lower, rounded to a double before it is added, so that the score and
 * the sum of the breakdown's contributions agree to the last bit even where the
 * compiler would fuse a multiply-add. */
static double contribution(double weight, double lower)
{
    volatile double c = weight * lower;
    return c;
}

/* ---- Context: settings and networks -------------------------------------- */

typedef struct {
    gint64 id;
    char *name;
    char *region;
    double weight;
    gint64 respondents; /* N now */
    gint64 stored;      /* N the stored scores used, -1 when none */
} Network;

static void network_free(gpointer data)
{
    Network *n = data;
    g_free(n->name);
    g_free(n->region);
    g_free(n);
}

struct DefisScoreContext {
    DefisStore *store;
    const DefisScoreSettings *settings;
    DefisScoreSettings *defaults; /* owned, when no settings were given */
    GPtrArray *list;              /* of Network, by id */
    GHashTable *by_id;            /* gint64 * -> Network *, borrowed */
};

static gboolean known_network(const char *name, gpointer data)
{
    return defis_score_context_network_id(data, name) != 0;
}

DefisScoreContext *defis_score_context_new(DefisStore *store, const DefisScoreSettings *settings,
                                           GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    g_autoptr(DefisScoreContext) ctx = g_new0(DefisScoreContext, 1);
    ctx->store = store;
    if (!settings)
        settings = ctx->defaults = defis_settings_new_default();
    ctx->settings = settings;
    ctx->list = g_ptr_array_new_with_free_func(network_free);
    ctx->by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_NETWORKS);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        Network *n = g_new0(Network, 1);
        n->id = defis_stmt_int(stmt, 0);
        n->name = g_strdup(defis_stmt_text(stmt, 1));
        n->region = g_strdup(defis_stmt_text(stmt, 2));
        n->weight = defis_settings_weight(settings, n->name);
        n->respondents = defis_stmt_int(stmt, 3);
        n->stored = defis_stmt_is_null(stmt, 4) ? -1 : defis_stmt_int(stmt, 4);
        g_ptr_array_add(ctx->list, n);
        g_hash_table_insert(ctx->by_id, &n->id, n);
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return NULL;
    if (!defis_settings_check_networks(settings, known_network, ctx, error))
        return NULL;
    return g_steal_pointer(&ctx);
}

void defis_score_context_free(DefisScoreContext *context)
{
    if (!context)
        return;
    if (context->list)
        g_ptr_array_unref(context->list);
    if (context->by_id)
        g_hash_table_destroy(context->by_id);
    defis_settings_free(context->defaults);
    g_free(context);
}

const DefisScoreSettings *defis_score_context_settings(const DefisScoreContext *context)
{
    return context->settings;
}

gint64 defis_score_context_network_id(const DefisScoreContext *context, const char *name)
{
    for (guint i = 0; i < context->list->len; i++) {
        const Network *n = g_ptr_array_index(context->list, i);
        if (strcmp(n->name, name) == 0)
            return n->id;
    }
    return 0;
}

gboolean defis_score_context_has_region(const DefisScoreContext *context, const char *region)
{
    for (guint i = 0; i < context->list->len; i++) {
        const Network *n = g_ptr_array_index(context->list, i);
        if (g_strcmp0(n->region, region) == 0)
            return TRUE;
    }
    return FALSE;
}

static const Network *network_of(const DefisScoreContext *ctx, gint64 id)
{
    return g_hash_table_lookup(ctx->by_id, &id);
}

static double weight_of(const DefisScoreContext *ctx, gint64 network_id)
{
    const Network *n = network_of(ctx, network_id);
    return n ? n->weight : ctx->settings->default_weight;
}

static gboolean eligible(const DefisScoreSettings *s, const DefisScoreSums *sums)
{
    return sums->places >= s->min_places && sums->networks >= s->min_networks;
}

double defis_score_compute(const DefisScoreContext *context, const DefisNetworkSupport *rows,
                           gsize n, const DefisScoreSums *sums)
{
    const DefisScoreSettings *s = context->settings;
    double sum = 0.0;
    for (gsize i = 0; i < n; i++)
        sum += contribution(weight_of(context, rows[i].network_id),
                            defis_score_wilson_lower(rows[i].k, rows[i].n, s->z));
    if (!eligible(s, sums))
        return 0.0;
    return sum * defis_score_importance_factor(sums->importance_sum, sums->importance_count,
                                               s->importance);
}

json_t *defis_score_breakdown(DefisScoreContext *context, gint64 id, const DefisScoreSums *sums,
                              GError **error)
{
    const DefisScoreSettings *s = context->settings;
    g_autoptr(json_t) networks = json_array();
    double sum = 0.0;
    DefisStmt *stmt = defis_store_stmt(context->store, DEFIS_SQL_SCORE_BREAKDOWN);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 network_id = defis_stmt_int(stmt, 0);
        gint64 k = defis_stmt_int(stmt, 2), n = defis_stmt_int(stmt, 6);
        double lower = defis_score_wilson_lower(k, n, s->z);
        double weight = weight_of(context, network_id);
        double c = contribution(weight, lower);
        sum += c;
        json_array_append_new(
            networks, json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f}", "network_id",
                                (json_int_t)network_id, "network", defis_stmt_text(stmt, 1), "k",
                                (json_int_t)k, "places", (json_int_t)defis_stmt_int(stmt, 3),
                                "anonymous", (json_int_t)defis_stmt_int(stmt, 4), "people",
                                (json_int_t)defis_stmt_int(stmt, 5), "n", (json_int_t)n,
                                "lower_bound", lower, "weight", weight, "contribution", c));
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return NULL;
    double factor =
        defis_score_importance_factor(sums->importance_sum, sums->importance_count, s->importance);
    json_t *mean = sums->importance_count
                       ? json_real((double)sums->importance_sum / (double)sums->importance_count)
                       : json_null();
    gboolean ok_reach = eligible(s, sums);
    return json_pack("{s:f, s:O, s:f, s:{s:o, s:I, s:f, s:f}, s:I, s:I, s:b, s:f, s:s}", "z", s->z,
                     "networks", networks, "sum", sum, "importance", "mean", mean, "count",
                     (json_int_t)sums->importance_count, "strength", s->importance, "factor",
                     factor, "min_places", (json_int_t)s->min_places, "min_networks",
                     (json_int_t)s->min_networks, "eligible", ok_reach, "score",
                     ok_reach ? sum * factor : 0.0, "formula",
                     "score = eligible ? (sum of contributions in order) * importance factor : 0;"
                     " contribution = weight * lower_bound(k, n, z)");
}

/* ---- Stored scores: recomputing the challenges named ---------------------- */

typedef struct {
    gint64 network_id;
    gint64 places;
    gint64 anonymous;
    gint64 people;
} NetworkAcc;

typedef struct {
    gint64 id;        /* 0: nothing accumulated */
    GArray *networks; /* of NetworkAcc, by network id */
    gint64 places, people, mentions, importance_sum, importance_count;
    gint64 scored; /* challenges written */
} ChallengeAcc;

static gint64 respondents_of(const DefisScoreContext *ctx, gint64 network_id)
{
    const Network *n = network_of(ctx, network_id);
    return n ? n->respondents : 0;
}

static int compare_network_acc(gconstpointer a, gconstpointer b)
{
    gint64 x = ((const NetworkAcc *)a)->network_id, y = ((const NetworkAcc *)b)->network_id;
    return (x > y) - (x < y);
}

/* Writes the score rows of the challenge accumulated in ACC, then empties ACC. */
static gboolean flush(DefisScoreContext *ctx, ChallengeAcc *acc, GError **error)
{
    if (!acc->id)
        return TRUE;
    g_array_sort(acc->networks, compare_network_acc); /* the sum's order, always the same */
    guint count = acc->networks->len;
    g_autofree DefisNetworkSupport *rows = g_new(DefisNetworkSupport, count ? count : 1);
    gint64 votes = 0;
    for (guint i = 0; i < count; i++) {
        const NetworkAcc *a = &g_array_index(acc->networks, NetworkAcc, i);
        gint64 n = respondents_of(ctx, a->network_id);
        rows[i] = (DefisNetworkSupport){a->network_id, MIN(n, a->places + a->anonymous), n};
        votes += a->places + a->anonymous;
    }
    DefisScoreSums sums = {acc->places, count, acc->importance_sum, acc->importance_count};
    double score = defis_score_compute(ctx, rows, count, &sums);
    DefisStmt *stmt = defis_store_stmt(ctx->store, DEFIS_SQL_SCORE_INSERT);
    defis_stmt_bind_int(stmt, 1, acc->id);
    defis_stmt_bind_double(stmt, 2, score);
    defis_stmt_bind_int(stmt, 3, votes);
    defis_stmt_bind_int(stmt, 4, count);
    defis_stmt_bind_int(stmt, 5, acc->places);
    defis_stmt_bind_int(stmt, 6, acc->people);
    defis_stmt_bind_int(stmt, 7, acc->mentions);
    defis_stmt_bind_int(stmt, 8, acc->importance_sum);
    defis_stmt_bind_int(stmt, 9, acc->importance_count);
    if (!defis_stmt_exec(stmt, error))
        return FALSE;
    for (guint i = 0; i < count; i++) {
        const NetworkAcc *a = &g_array_index(acc->networks, NetworkAcc, i);
        stmt = defis_store_stmt(ctx->store, DEFIS_SQL_SCORE_NETWORK_INSERT);
        defis_stmt_bind_int(stmt, 1, acc->id);
        defis_stmt_bind_int(stmt, 2, a->network_id);
        defis_stmt_bind_int(stmt, 3, rows[i].k);
        defis_stmt_bind_int(stmt, 4, a->places);
        defis_stmt_bind_int(stmt, 5, a->anonymous);
        defis_stmt_bind_int(stmt, 6, a->people);
        defis_stmt_bind_int(stmt, 7, rows[i].n);
        defis_stmt_bind_double(stmt, 8,
                               defis_score_wilson_lower(rows[i].k, rows[i].n, ctx->settings->z));
        defis_stmt_bind_double(stmt, 9, score);
        if (!defis_stmt_exec(stmt, error))
            return FALSE;
    }
    g_array_set_size(acc->networks, 0);
    acc->id = 0;
    acc->places = acc->people = acc->mentions = acc->importance_sum = acc->importance_count = 0;
    acc->scored++;
    return TRUE;
}

/* Counts one supporting place, the current row of ROW (a DEFIS_SQL_SCORE_SUPPORT_*
 * or _VOTES_* statement), in ACC, writing the challenge before when it is
 * another. */
static gboolean add_support(DefisScoreContext *ctx, ChallengeAcc *acc, DefisStmt *row,
                            GError **error)
{
    gint64 id = defis_stmt_int(row, 0);
    gint64 network_id = defis_stmt_int(row, 1);
    gint64 members = defis_stmt_int(row, 3);
    if (id != acc->id) {
        if (!flush(ctx, acc, error))
            return FALSE;
        acc->id = id;
    }
    NetworkAcc *a = NULL;
    for (guint i = 0; !a && i < acc->networks->len; i++)
        if (g_array_index(acc->networks, NetworkAcc, i).network_id == network_id)
            a = &g_array_index(acc->networks, NetworkAcc, i);
    if (!a) {
        g_array_append_val(acc->networks, ((NetworkAcc){network_id, 0, 0, 0}));
        a = &g_array_index(acc->networks, NetworkAcc, acc->networks->len - 1);
    }
    a->places++;
    a->people += members;
    if (!defis_stmt_is_null(row, 5))
        a->anonymous = MAX(a->anonymous, defis_stmt_int(row, 5));
    acc->places++;
    acc->people += members;
    acc->mentions += defis_stmt_int(row, 4);
    if (!defis_stmt_is_null(row, 6)) {
        acc->importance_sum += defis_stmt_int(row, 6);
        acc->importance_count++;
    }
    return TRUE;
}

/* -1, 0, 1 as the (challenge, place) of A's row comes before, with or after
 * B's; a statement with no row (HAS false) comes after every other. */
static int support_order(DefisStmt *a, gboolean has_a, DefisStmt *b, gboolean has_b)
{
    if (!has_a || !has_b)
        return has_a ? -1 : has_b ? 1 : 0;
    gint64 ca = defis_stmt_int(a, 0), cb = defis_stmt_int(b, 0); /* challenge */
    gint64 pa = defis_stmt_int(a, 2), pb = defis_stmt_int(b, 2); /* place */
    if (ca != cb)
        return ca < cb ? -1 : 1;
    return (pa > pb) - (pa < pb);
}

/* Scores every challenge that MENTIONS and VOTES (a DEFIS_SQL_SCORE_SUPPORT_*
 * statement and its _VOTES_* twin, bound) yield rows for, merging them: a place
 * that has both mentioned and voted counts once, with its mentions' figures.
 * Returns how many, or -1. */
static gint64 score_support(DefisScoreContext *ctx, DefisStmt *mentions, DefisStmt *votes,
                            GError **error)
{
    ChallengeAcc acc = {0};
    acc.networks = g_array_new(FALSE, FALSE, sizeof(NetworkAcc));
    gboolean has_m = FALSE, has_v = FALSE;
    gboolean ok = defis_stmt_step(mentions, &has_m, error) && defis_stmt_step(votes, &has_v, error);
    while (ok && (has_m || has_v)) {
        int order = support_order(mentions, has_m, votes, has_v);
        ok = add_support(ctx, &acc, order <= 0 ? mentions : votes, error) &&
             (order > 0 || defis_stmt_step(mentions, &has_m, error)) &&
             (order < 0 || defis_stmt_step(votes, &has_v, error));
    }
    defis_stmt_reset(mentions);
    defis_stmt_reset(votes);
    if (ok)
        ok = flush(ctx, &acc, error);
    g_array_unref(acc.networks);
    return ok ? acc.scored : -1;
}

/* The theme index: each challenge's themes, folded, labelled as first written. */
static gboolean index_themes(DefisStore *store, DefisStmt *themes, GError **error)
{
    /* The themes seen for the current challenge: one insert per theme, not per mention. */
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gint64 current = 0;
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(themes, &row, error)) && row) {
        gint64 id = defis_stmt_int(themes, 0);
        const char *label = defis_stmt_text(themes, 1);
        if (id != current) {
            g_hash_table_remove_all(seen);
            current = id;
        }
        if (g_hash_table_contains(seen, label))
            continue;
        g_hash_table_add(seen, g_strdup(label));
        g_autofree char *key = defis_text_fold(label, -1);
        if (!*key)
            continue;
        g_autofree char *clean = g_strstrip(g_strdup(label));
        DefisStmt *insert = defis_store_stmt(store, DEFIS_SQL_SCORE_THEME_INSERT);
        defis_stmt_bind_int(insert, 1, id);
        defis_stmt_bind_text(insert, 2, key, -1);
        defis_stmt_bind_text(insert, 3, clean, -1);
        if (!(ok = defis_stmt_exec(insert, error)))
            break;
    }
    defis_stmt_reset(themes);
    return ok;
}

static gboolean search_insert(DefisStore *store, gint64 id, GString *doc, GError **error)
{
    if (!id)
        return TRUE;
    DefisStmt *insert = defis_store_stmt(store, DEFIS_SQL_SCORE_SEARCH_INSERT);
    defis_stmt_bind_int(insert, 1, id);
    defis_stmt_bind_text(insert, 2, doc->str, (gssize)doc->len);
    g_string_truncate(doc, 0);
    return defis_stmt_exec(insert, error);
}

/* The search index: one document per challenge, its distinct texts. */
static gboolean index_texts(DefisStore *store, DefisStmt *texts, GError **error)
{
    g_autoptr(GString) doc = g_string_new(NULL);
    gint64 current = 0;
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(texts, &row, error)) && row) {
        gint64 id = defis_stmt_int(texts, 0);
        if (id != current) {
            if (!(ok = search_insert(store, current, doc, error)))
                break;
            current = id;
        }
        if (doc->len)
            g_string_append_c(doc, '\n');
        g_string_append(doc, defis_stmt_text(texts, 1));
    }
    defis_stmt_reset(texts);
    return ok && search_insert(store, current, doc, error);
}

static char *json_ids(GHashTable *set)
{
    GString *out = g_string_sized_new(8 * g_hash_table_size(set) + 2);
    g_string_append_c(out, '[');
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, set);
    gboolean first = TRUE;
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        g_string_append_printf(out, "%s%" G_GINT64_FORMAT, first ? "" : ",", *(gint64 *)key);
        first = FALSE;
    }
    g_string_append_c(out, ']');
    return g_string_free(out, FALSE);
}

static gboolean exec_json(DefisStore *store, DefisSql id, const char *json, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, id);
    defis_stmt_bind_text(stmt, 1, json, -1);
    return defis_stmt_exec(stmt, error);
}

/* Deletes and rewrites the scores of the challenges in JSON (an array of ids)
 * and, when CONTENT (their mentions changed, not only the weight of their
 * places), their themes and search texts too: those read the mention rows,
 * while the scores read only an index. */
static gboolean recompute_ids(DefisScoreContext *ctx, const char *json, gboolean content,
                              GError **error)
{
    DefisStore *store = ctx->store;
    if (!exec_json(store, DEFIS_SQL_SCORE_DELETE_IDS, json, error) ||
        !exec_json(store, DEFIS_SQL_SCORE_NETWORK_DELETE_IDS, json, error))
        return FALSE;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_SUPPORT_IDS);
    defis_stmt_bind_text(stmt, 1, json, -1);
    DefisStmt *votes = defis_store_stmt(store, DEFIS_SQL_SCORE_VOTES_IDS);
    defis_stmt_bind_text(votes, 1, json, -1);
    if (score_support(ctx, stmt, votes, error) < 0)
        return FALSE;
    if (!content)
        return exec_json(store, DEFIS_SQL_SCORE_THEME_TOTALS, json, error);
    if (!exec_json(store, DEFIS_SQL_SCORE_THEME_DELETE_IDS, json, error) ||
        !exec_json(store, DEFIS_SQL_SCORE_SEARCH_DELETE_IDS, json, error))
        return FALSE;
    stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_THEMES_IDS);
    defis_stmt_bind_text(stmt, 1, json, -1);
    if (!index_themes(store, stmt, error))
        return FALSE;
    stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_TEXTS_IDS);
    defis_stmt_bind_text(stmt, 1, json, -1);
    return index_texts(store, stmt, error);
}

/* Records N of every network whose N changed since the stored scores were
 * computed; fills CHANGED with their ids. */
static gboolean save_respondents(DefisScoreContext *ctx, GArray *changed, GError **error)
{
    for (guint i = 0; i < ctx->list->len; i++) {
        const Network *n = g_ptr_array_index(ctx->list, i);
        if (n->stored == n->respondents)
            continue;
        DefisStmt *stmt = defis_store_stmt(ctx->store, DEFIS_SQL_SCORE_NETWORK_SET);
        defis_stmt_bind_int(stmt, 1, n->id);
        defis_stmt_bind_int(stmt, 2, n->respondents);
        if (!defis_stmt_exec(stmt, error))
            return FALSE;
        if (n->stored >= 0)
            g_array_append_val(changed, n->id);
    }
    return TRUE;
}

typedef struct {
    gint64 id;
    gint64 members; /* -1: NULL */
} PlaceMembers;

/* Records the members of every place whose members changed (or that is new) and
 * adds the challenges those places support to SET, when SET is not NULL. */
static gboolean save_members(DefisStore *store, GHashTable *set, GError **error)
{
    g_autoptr(GArray) places = g_array_new(FALSE, FALSE, sizeof(PlaceMembers));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_PLACES_CHANGED);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        PlaceMembers p = {defis_stmt_int(stmt, 0),
                          defis_stmt_is_null(stmt, 1) ? -1 : defis_stmt_int(stmt, 1)};
        g_array_append_val(places, p);
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return FALSE;
    for (guint i = 0; i < places->len; i++) {
        const PlaceMembers *p = &g_array_index(places, PlaceMembers, i);
        stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_PLACE_SET);
        defis_stmt_bind_int(stmt, 1, p->id);
        if (p->members >= 0)
            defis_stmt_bind_int(stmt, 2, p->members);
        if (!defis_stmt_exec(stmt, error))
            return FALSE;
        if (!set)
            continue;
        stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_PLACE_CHALLENGES);
        defis_stmt_bind_int(stmt, 1, p->id);
        while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
            gint64 id = defis_stmt_int(stmt, 0);
            g_hash_table_add(set, g_memdup2(&id, sizeof id));
        }
        defis_stmt_reset(stmt);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

typedef struct {
    gint64 challenge_id;
    gint64 network_id;
    gint64 supporters;
    DefisScoreSums sums;
} AffectedRow;

static gboolean rewrite_affected(DefisScoreContext *ctx, const AffectedRow *rows, gsize n,
                                 GError **error)
{
    DefisStore *store = ctx->store;
    g_autofree DefisNetworkSupport *support = g_new(DefisNetworkSupport, n);
    for (gsize i = 0; i < n; i++) {
        gint64 respondents = respondents_of(ctx, rows[i].network_id);
        support[i] = (DefisNetworkSupport){rows[i].network_id, MIN(respondents, rows[i].supporters),
                                           respondents};
    }
    double score = defis_score_compute(ctx, support, n, &rows[0].sums);
    gint64 id = rows[0].challenge_id;
    for (gsize i = 0; i < n; i++) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_NETWORK_UPDATE);
        defis_stmt_bind_int(stmt, 1, id);
        defis_stmt_bind_int(stmt, 2, support[i].network_id);
        defis_stmt_bind_int(stmt, 3, support[i].k);
        defis_stmt_bind_int(stmt, 4, support[i].n);
        defis_stmt_bind_double(
            stmt, 5, defis_score_wilson_lower(support[i].k, support[i].n, ctx->settings->z));
        defis_stmt_bind_double(stmt, 6, score);
        if (!defis_stmt_exec(stmt, error))
            return FALSE;
    }
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_UPDATE);
    defis_stmt_bind_int(stmt, 1, id);
    defis_stmt_bind_double(stmt, 2, score);
    if (!defis_stmt_exec(stmt, error))
        return FALSE;
    stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_THEME_UPDATE);
    defis_stmt_bind_int(stmt, 1, id);
    defis_stmt_bind_double(stmt, 2, score);
    return defis_stmt_exec(stmt, error);
}

/* A set of challenge or network ids (boxed gint64 keys). */
static GHashTable *id_set(void)
{
    return g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

/* The networks in CHANGED have a new N: rescores, from their stored per-network
 * rows, every challenge they support that DONE does not hold (those were just
 * recomputed whole). */
static gboolean propagate_respondents(DefisScoreContext *ctx, GArray *changed, GHashTable *done,
                                      GError **error)
{
    g_autoptr(GHashTable) networks = id_set();
    for (guint i = 0; i < changed->len; i++)
        g_hash_table_add(networks, g_memdup2(&g_array_index(changed, gint64, i), sizeof(gint64)));
    g_autofree char *json = json_ids(networks);
    /* Read everything first: the rows are rewritten below. */
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(AffectedRow));
    DefisStmt *stmt = defis_store_stmt(ctx->store, DEFIS_SQL_SCORE_AFFECTED);
    defis_stmt_bind_text(stmt, 1, json, -1);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        gint64 id = defis_stmt_int(stmt, 0);
        if (g_hash_table_contains(done, &id))
            continue;
        AffectedRow r = {id,
                         defis_stmt_int(stmt, 1),
                         defis_stmt_int(stmt, 2),
                         {defis_stmt_int(stmt, 3), defis_stmt_int(stmt, 4), defis_stmt_int(stmt, 5),
                          defis_stmt_int(stmt, 6)}};
        g_array_append_val(rows, r);
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return FALSE;
    const AffectedRow *all = (const AffectedRow *)(void *)rows->data;
    for (gsize start = 0, end; start < rows->len; start = end) {
        for (end = start + 1; end < rows->len && all[end].challenge_id == all[start].challenge_id;
             end++)
            ;
        if (!rewrite_affected(ctx, all + start, end - start, error))
            return FALSE;
    }
    return TRUE;
}

/* Challenges recomputed by one set of statements. */
#define REFRESH_SLICE 2048

/* recompute_ids on the challenges of IDS, in slices, so that an import
 * touching a hundred thousand challenges does not hold them all in one
 * statement's memory. */
static gboolean recompute_in_slices(DefisScoreContext *ctx, GHashTable *ids, gboolean content,
                                    GError **error)
{
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, ids);
    g_autoptr(GString) json = g_string_new(NULL);
    guint in_slice = 0, left = g_hash_table_size(ids);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        g_string_append_printf(json, "%s%" G_GINT64_FORMAT, in_slice ? "," : "[", *(gint64 *)key);
        left--;
        if (++in_slice < REFRESH_SLICE && left > 0)
            continue;
        g_string_append_c(json, ']');
        if (!recompute_ids(ctx, json->str, content, error))
            return FALSE;
        g_string_truncate(json, 0);
        in_slice = 0;
    }
    return TRUE;
}

/* Moves into TO the ids of FROM that TO lacks, and frees the others. */
static void move_ids(GHashTable *from, GHashTable *to)
{
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, from);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (g_hash_table_contains(to, key))
            continue;
        g_hash_table_iter_steal(&iter);
        g_hash_table_add(to, key);
    }
    g_hash_table_remove_all(from);
}

/* Fills SET with the N IDS it lacks and that AVOID (may be NULL) lacks. */
static void add_ids(GHashTable *set, const gint64 *ids, gsize n, GHashTable *avoid)
{
    for (gsize i = 0; i < n; i++)
        if (!g_hash_table_contains(set, &ids[i]) &&
            !(avoid && g_hash_table_contains(avoid, &ids[i])))
            g_hash_table_add(set, g_memdup2(&ids[i], sizeof ids[i]));
}

/* The refresh of defis_score_refresh and defis_score_refresh_survey: CONTENT
 * challenges are recomputed whole; SCORED ones (SURVEY added mentions to them,
 * but no new wording) have their scores recomputed and SURVEY's themes added;
 * the challenges of places whose members changed have their scores recomputed. */
static gboolean refresh(DefisStore *store, GHashTable *content, GHashTable *scored, gint64 survey,
                        GError **error)
{
    g_autoptr(DefisScoreContext) ctx = defis_score_context_new(store, NULL, error);
    if (!ctx)
        return FALSE;
    g_autoptr(GArray) changed = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_autoptr(GHashTable) weighed = id_set();
    if (!save_respondents(ctx, changed, error) || !save_members(store, weighed, error))
        return FALSE;
    move_ids(weighed, scored);
    if (!recompute_in_slices(ctx, content, TRUE, error) ||
        !recompute_in_slices(ctx, scored, FALSE, error))
        return FALSE;
    if (survey) {
        /* New theme labels of the survey: an import only adds mentions, later
         * than every stored one, so the labels stored stay the first. */
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_THEMES_SURVEY);
        defis_stmt_bind_int(stmt, 1, survey);
        if (!index_themes(store, stmt, error))
            return FALSE;
    }
    move_ids(scored, content);
    return changed->len == 0 || propagate_respondents(ctx, changed, content, error);
}

gboolean defis_score_refresh(DefisStore *store, const gint64 *ids, gsize n, GError **error)
{
    g_return_val_if_fail(store != NULL && (ids != NULL || n == 0), FALSE);
    g_return_val_if_fail(defis_store_in_transaction(store), FALSE);
    g_autoptr(GHashTable) content = id_set();
    g_autoptr(GHashTable) scored = id_set();
    add_ids(content, ids, n, NULL);
    return refresh(store, content, scored, 0, error);
}

gboolean defis_score_refresh_survey(DefisStore *store, gint64 survey, const gint64 *ids, gsize n,
                                    const gint64 *worded, gsize n_worded, GError **error)
{
    g_return_val_if_fail(store != NULL && survey > 0, FALSE);
    g_return_val_if_fail((ids != NULL || n == 0) && (worded != NULL || n_worded == 0), FALSE);
    g_return_val_if_fail(defis_store_in_transaction(store), FALSE);
    g_autoptr(GHashTable) content = id_set();
    g_autoptr(GHashTable) scored = id_set();
    add_ids(content, worded, n_worded, NULL);
    add_ids(scored, ids, n, content);
    return refresh(store, content, scored, survey, error);
}

gint64 defis_score_refresh_all(DefisStore *store, GError **error)
{
    g_return_val_if_fail(store != NULL, -1);
    g_return_val_if_fail(defis_store_in_transaction(store), -1);
    static const DefisSql clear[] = {
        DEFIS_SQL_SCORE_DELETE_ALL,
        DEFIS_SQL_SCORE_NETWORK_DELETE_ALL,
        DEFIS_SQL_SCORE_THEME_DELETE_ALL,
        DEFIS_SQL_SCORE_SEARCH_DELETE_ALL,
        DEFIS_SQL_SCORE_RESPONDENTS_DELETE_ALL,
        DEFIS_SQL_SCORE_MEMBERS_DELETE_ALL,
    };
    for (guint i = 0; i < G_N_ELEMENTS(clear); i++)
        if (!defis_stmt_exec(defis_store_stmt(store, clear[i]), error))
            return -1;
    g_autoptr(DefisScoreContext) ctx = defis_score_context_new(store, NULL, error);
    g_autoptr(GArray) changed = g_array_new(FALSE, FALSE, sizeof(gint64));
    gint64 scored = -1;
    if (ctx && save_respondents(ctx, changed, error) && save_members(store, NULL, error))
        scored = score_support(ctx, defis_store_stmt(store, DEFIS_SQL_SCORE_SUPPORT_ALL),
                               defis_store_stmt(store, DEFIS_SQL_SCORE_VOTES_ALL), error);
    gboolean ok = scored >= 0 &&
                  index_themes(store, defis_store_stmt(store, DEFIS_SQL_SCORE_THEMES_ALL), error) &&
                  index_texts(store, defis_store_stmt(store, DEFIS_SQL_SCORE_TEXTS_ALL), error);
    return ok ? scored : -1;
}

gint64 defis_score_rescore_all(DefisStore *store, const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && actor != NULL, -1);
    if (!defis_store_begin(store, error))
        return -1;
    gint64 scored = defis_score_refresh_all(store, error);
    g_autoptr(DefisScoreContext) ctx =
        scored >= 0 ? defis_score_context_new(store, NULL, error) : NULL;
    gboolean ok = ctx != NULL;
    if (ok) {
        g_autoptr(json_t) payload =
            json_pack("{s:I, s:s}", "challenges", (json_int_t)scored, "settings_version",
                      defis_settings_version(defis_score_context_settings(ctx)));
        ok = defis_journal_add(store, actor, "rescore", payload, error) &&
             defis_store_commit(store, error);
    }
    if (!ok) {
        defis_store_rollback(store);
        return -1;
    }
    return scored;
}
