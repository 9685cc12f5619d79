/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rank.c - challenges in ranked order (filters, cursors, previews), and the mentions behind them.
 */
#include "engine/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/error.h"
#include "engine/score.h"
#include "engine/text.h"

#define MIN_REACH_MAX 1000000

/* ---- Checking a query ---------------------------------------------------- */

/* A query checked and resolved: what the statements bind. */
typedef struct {
    char *theme; /* folded, or NULL */
    gint64 network_id;
    const char *region;
    char *match; /* FTS5 query, or NULL */
    gint64 limit;
    gboolean has_cursor;
    double after_score;
    gint64 after_id;
    gint64 after_rank;
    char *filters; /* digest of the filters, tying a cursor to its query */
} Plan;

static void plan_clear(Plan *plan)
{
    g_free(plan->theme);
    g_free(plan->match);
    g_free(plan->filters);
}

static gboolean bad(GError **error, const char *parameter, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static gboolean bad(GError **error, const char *parameter, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "%s: %s", parameter, message);
    return FALSE;
}

static gboolean check_text(const char *parameter, const char *text, GError **error)
{
    gsize len = strlen(text);
    if (len == 0 || len > DEFIS_RANK_TEXT_MAX || !g_utf8_validate(text, len, NULL))
        return bad(error, parameter, "expected 1 to %d bytes of UTF-8 text", DEFIS_RANK_TEXT_MAX);
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return bad(error, parameter, "control characters are not allowed");
    return TRUE;
}

/* "financ anim" -> "\"financ\"* \"anim\"*": every folded word a prefix, all needed.
 * Folded words hold letters and digits only, so quoting them is enough. */
static char *fts_query(const char *search)
{
    g_autofree char *folded = defis_text_fold(search, -1);
    if (!*folded)
        return NULL;
    g_auto(GStrv) words = g_strsplit(folded, " ", -1);
    GString *out = g_string_new(NULL);
    for (int i = 0; words[i]; i++)
        if (*words[i])
            g_string_append_printf(out, "%s\"%s\"*", out->len ? " " : "", words[i]);
    return g_string_free(out, FALSE);
}

static char *filters_digest(const DefisRankQuery *q)
{
    g_autofree char *text = g_strdup_printf(
        "%s\x1f%s\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%" G_GINT64_FORMAT "\x1f%s",
        q->theme ? q->theme : "", q->network ? q->network : "", q->region ? q->region : "",
        q->min_networks, q->min_places, q->search ? q->search : "");
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
    return g_strndup(sum, 8);
}

/* ---- Cursors --------------------------------------------------------------
 * "v1 SETTINGS FILTERS SCOREBITS ID RANK", base64url without padding: the exact
 * bits of the last score, so the comparison is exact. */

static char *cursor_encode(const char *version, const char *filters, double score, gint64 id,
                           gint64 rank)
{
    guint64 bits;
    memcpy(&bits, &score, sizeof bits);
    g_autofree char *text = g_strdup_printf("v1 %s %s %016" G_GINT64_MODIFIER "x %" G_GINT64_FORMAT
                                            " %" G_GINT64_FORMAT,
                                            version, filters, bits, id, rank);
    char *b64 = g_base64_encode((const guchar *)text, strlen(text));
    for (char *p = b64; *p; p++) {
        if (*p == '+')
            *p = '-';
        else if (*p == '/')
            *p = '_';
        else if (*p == '=')
            *p = '\0';
    }
    return b64;
}

static gboolean cursor_decode(const char *cursor, const char *version, const char *filters,
                              Plan *plan, GError **error)
{
    gsize len = strlen(cursor);
    if (len == 0 || len > 200 ||
        strspn(cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789-_") != len)
        return bad(error, "after", "not a cursor of defis (use the \"next\" of a page)");
    GString *b64 = g_string_new(cursor);
    for (gsize i = 0; i < b64->len; i++)
        b64->str[i] = b64->str[i] == '-' ? '+' : b64->str[i] == '_' ? '/' : b64->str[i];
    while (b64->len % 4)
        g_string_append_c(b64, '=');
    gsize n = 0;
    g_autofree guchar *raw = g_base64_decode(b64->str, &n);
    g_string_free(b64, TRUE);
    g_autofree char *text = g_strndup((const char *)raw, n);
    g_auto(GStrv) parts = g_strsplit(text, " ", -1);
    if (g_strv_length(parts) != 6 || strcmp(parts[0], "v1") != 0 || strlen(parts[3]) != 16)
        return bad(error, "after", "not a cursor of defis (use the \"next\" of a page)");
    if (strcmp(parts[1], version) != 0)
        return bad(error, "after",
                   "the cursor was made under other scoring settings (%s, now %s): start "
                   "again from the first page",
                   parts[1], version);
    if (strcmp(parts[2], filters) != 0)
        return bad(error, "after", "the cursor belongs to a query with other filters");
    char *end = NULL;
    guint64 bits = g_ascii_strtoull(parts[3], &end, 16);
    gboolean ok = *end == '\0';
    gint64 id = g_ascii_strtoll(parts[4], &end, 10);
    ok = ok && *end == '\0' && id > 0;
    gint64 rank = g_ascii_strtoll(parts[5], &end, 10);
    ok = ok && *end == '\0' && rank > 0;
    double score;
    memcpy(&score, &bits, sizeof score);
    if (!ok || !isfinite(score))
        return bad(error, "after", "not a cursor of defis (use the \"next\" of a page)");
    plan->has_cursor = TRUE;
    plan->after_score = score;
    plan->after_id = id;
    plan->after_rank = rank;
    return TRUE;
}

static gboolean plan_query(DefisScoreContext *ctx, const DefisRankQuery *q, Plan *plan,
                           GError **error)
{
    plan->limit = q->limit ? q->limit : DEFIS_RANK_LIMIT_DEFAULT;
    if (plan->limit < 1 || plan->limit > DEFIS_RANK_LIMIT_MAX)
        return bad(error, "limit", "expected 1 to %d", DEFIS_RANK_LIMIT_MAX);
    if (q->min_networks < 0 || q->min_networks > MIN_REACH_MAX)
        return bad(error, "min_networks", "expected 0 to %d", MIN_REACH_MAX);
    if (q->min_places < 0 || q->min_places > MIN_REACH_MAX)
        return bad(error, "min_places", "expected 0 to %d", MIN_REACH_MAX);
    if (q->theme) {
        if (!check_text("theme", q->theme, error))
            return FALSE;
        plan->theme = defis_text_fold(q->theme, -1);
        if (!*plan->theme)
            return bad(error, "theme", "a theme needs a letter or a digit");
    }
    if (q->network) {
        if (!check_text("network", q->network, error))
            return FALSE;
        plan->network_id = defis_score_context_network_id(ctx, q->network);
        if (!plan->network_id)
            return bad(error, "network", "no network \"%s\" (see `defis network list`)",
                       q->network);
    }
    if (q->region) {
        if (!check_text("region", q->region, error))
            return FALSE;
        if (!defis_score_context_has_region(ctx, q->region))
            return bad(error, "region", "no network is in region \"%s\"", q->region);
        plan->region = q->region;
    }
    if (q->search) {
        if (!check_text("search", q->search, error))
            return FALSE;
        plan->match = fts_query(q->search);
        if (!plan->match)
            return bad(error, "search", "search for words: letters or digits");
    }
    plan->filters = filters_digest(q);
    const char *version = defis_settings_version(defis_score_context_settings(ctx));
    return !q->after || cursor_decode(q->after, version, plan->filters, plan, error);
}

/* ---- Rows ------------------------------------------------------------------ */

typedef struct {
    gint64 id;
    char *title;
    double score;
    gint64 votes, networks, places, people, mentions, importance_sum, importance_count;
} Row;

static void row_clear(gpointer data)
{
    g_free(((Row *)data)->title);
}

static void bind_filters(DefisStmt *stmt, const DefisRankQuery *q, const Plan *plan)
{
    defis_stmt_bind_int(stmt, 4, q->min_networks);
    defis_stmt_bind_int(stmt, 5, q->min_places);
    if (plan->network_id)
        defis_stmt_bind_int(stmt, 6, plan->network_id);
    defis_stmt_bind_text(stmt, 7, plan->theme, -1);
    defis_stmt_bind_text(stmt, 8, plan->region, -1);
    if (plan->match)
        defis_stmt_bind_text(stmt, 9, plan->match, -1);
}

/* Runs statement ID from (SCORE, AFTER_ID) for at most LIMIT rows (-1: all), appending to ROWS. */
static gboolean fetch(DefisStore *store, DefisSql id, const DefisRankQuery *q, const Plan *plan,
                      double score, gint64 after_id, gint64 limit, GArray *rows, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, id);
    defis_stmt_bind_double(stmt, 1, score);
    defis_stmt_bind_int(stmt, 2, after_id);
    defis_stmt_bind_int(stmt, 3, limit);
    bind_filters(stmt, q, plan);
    gboolean has_row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &has_row, error)) && has_row) {
        Row r = {
            .id = defis_stmt_int(stmt, 0),
            .title = g_strdup(defis_stmt_text(stmt, 1)),
            .score = defis_stmt_double(stmt, 2),
            .votes = defis_stmt_int(stmt, 3),
            .networks = defis_stmt_int(stmt, 4),
            .places = defis_stmt_int(stmt, 5),
            .people = defis_stmt_int(stmt, 6),
            .mentions = defis_stmt_int(stmt, 7),
            .importance_sum = defis_stmt_int(stmt, 8),
            .importance_count = defis_stmt_int(stmt, 9),
        };
        g_array_append_val(rows, r);
    }
    defis_stmt_reset(stmt);
    return ok;
}

/* The stored ranking: one index walk from the cursor, ties first. */
static gboolean page_stored(DefisStore *store, const DefisRankQuery *q, const Plan *plan,
                            GArray *rows, GError **error)
{
    gint64 want = plan->limit + 1; /* one more tells whether a next page exists */
    if (plan->match)
        return fetch(store, DEFIS_SQL_RANK_SEARCH, q, plan,
                     plan->has_cursor ? plan->after_score : HUGE_VAL,
                     plan->has_cursor ? plan->after_id : 0, want, rows, error);
    DefisSql tie = DEFIS_SQL_RANK_ALL_TIE, next = DEFIS_SQL_RANK_ALL_NEXT;
    if (plan->network_id) {
        tie = DEFIS_SQL_RANK_NETWORK_TIE;
        next = DEFIS_SQL_RANK_NETWORK_NEXT;
    } else if (plan->theme) {
        tie = DEFIS_SQL_RANK_THEME_TIE;
        next = DEFIS_SQL_RANK_THEME_NEXT;
    }
    if (!plan->has_cursor)
        return fetch(store, next, q, plan, HUGE_VAL, 0, want, rows, error);
    if (!fetch(store, tie, q, plan, plan->after_score, plan->after_id, want, rows, error))
        return FALSE;
    return (gint64)rows->len >= want ||
           fetch(store, next, q, plan, plan->after_score, 0, want - rows->len, rows, error);
}

static int compare_rows(const void *a, const void *b)
{
    const Row *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* A preview: every challenge passing the filters, scored under the context's
 * settings from the stored per-network counts, sorted, cut after the cursor. */
static gboolean page_preview(DefisScoreContext *ctx, DefisStore *store, const DefisRankQuery *q,
                             const Plan *plan, GArray *rows, GError **error)
{
    g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(Row));
    g_array_set_clear_func(all, row_clear);
    DefisSql id = plan->match        ? DEFIS_SQL_RANK_SEARCH
                  : plan->network_id ? DEFIS_SQL_RANK_NETWORK_NEXT
                  : plan->theme      ? DEFIS_SQL_RANK_THEME_NEXT
                                     : DEFIS_SQL_RANK_ALL_NEXT;
    if (!fetch(store, id, q, plan, HUGE_VAL, 0, -1, all, error))
        return FALSE;
    g_autoptr(GHashTable) index = g_hash_table_new(g_int64_hash, g_int64_equal);
    for (guint i = 0; i < all->len; i++)
        g_hash_table_insert(index, &g_array_index(all, Row, i).id, &g_array_index(all, Row, i));

    g_autoptr(GArray) support = g_array_new(FALSE, FALSE, sizeof(DefisNetworkSupport));
    Row *current = NULL;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SCORE_ROWS_ALL);
    gboolean has_row = FALSE, ok;
    gint64 current_id = 0;
    while ((ok = defis_stmt_step(stmt, &has_row, error)) && has_row) {
        gint64 cid = defis_stmt_int(stmt, 0);
        if (cid != current_id) {
            if (current) {
                DefisScoreSums sums = {current->places, current->networks, current->importance_sum,
                                       current->importance_count};
                current->score = defis_score_compute(
                    ctx, (DefisNetworkSupport *)(void *)support->data, support->len, &sums);
            }
            g_array_set_size(support, 0);
            current_id = cid;
            current = g_hash_table_lookup(index, &cid);
        }
        if (current) {
            DefisNetworkSupport s = {defis_stmt_int(stmt, 1), defis_stmt_int(stmt, 2),
                                     defis_stmt_int(stmt, 3)};
            g_array_append_val(support, s);
        }
    }
    defis_stmt_reset(stmt);
    if (!ok)
        return FALSE;
    if (current) {
        DefisScoreSums sums = {current->places, current->networks, current->importance_sum,
                               current->importance_count};
        current->score = defis_score_compute(ctx, (DefisNetworkSupport *)(void *)support->data,
                                             support->len, &sums);
    }
    qsort(all->data, all->len, sizeof(Row), compare_rows);
    for (guint i = 0; i < all->len && (gint64)rows->len <= plan->limit; i++) {
        Row *r = &g_array_index(all, Row, i);
        if (plan->has_cursor && (r->score > plan->after_score ||
                                 (r->score == plan->after_score && r->id <= plan->after_id)))
            continue;
        g_array_append_val(rows, *r);
        r->title = NULL; /* moved */
    }
    return TRUE;
}

static json_t *render(DefisScoreContext *ctx, DefisStore *store, const DefisRankQuery *q,
                      const Plan *plan, GArray *rows, GError **error)
{
    const char *version = defis_settings_version(defis_score_context_settings(ctx));
    gboolean more = (gint64)rows->len > plan->limit;
    guint shown = more ? (guint)plan->limit : rows->len;
    gint64 rank = plan->has_cursor ? plan->after_rank : 0;
    g_autoptr(json_t) list = json_array();
    for (guint i = 0; i < shown; i++) {
        const Row *r = &g_array_index(rows, Row, i);
        json_t *themes = defis_score_themes_of(store, r->id, error);
        if (!themes)
            return NULL;
        json_t *item =
            json_pack("{s:I, s:I, s:s, s:f, s:I, s:I, s:{s:I, s:I, s:I}, s:o}", "id",
                      (json_int_t)r->id, "rank", (json_int_t)++rank, "title", r->title, "score",
                      r->score, "votes", (json_int_t)r->votes, "mentions", (json_int_t)r->mentions,
                      "reach", "networks", (json_int_t)r->networks, "places", (json_int_t)r->places,
                      "people", (json_int_t)r->people, "themes", themes);
        if (q->breakdown) {
            DefisScoreSums sums = {r->places, r->networks, r->importance_sum, r->importance_count};
            json_t *breakdown = defis_score_breakdown(ctx, r->id, &sums, error);
            if (!breakdown) {
                json_decref(item);
                return NULL;
            }
            json_object_set_new(item, "breakdown", breakdown);
        }
        json_array_append_new(list, item);
    }
    json_t *next = json_null();
    if (more) {
        const Row *last = &g_array_index(rows, Row, shown - 1);
        g_autofree char *cursor =
            cursor_encode(version, plan->filters, last->score, last->id, rank);
        next = json_string(cursor);
    }
    return json_pack("{s:s, s:O, s:o}", "settings_version", version, "challenges", list, "next",
                     next);
}

static json_t *query(DefisStore *store, const DefisRankQuery *q, GError **error)
{
    g_autoptr(DefisScoreContext) ctx = defis_score_context_new(store, q->settings, error);
    if (!ctx)
        return NULL;
    Plan plan = {0};
    json_t *out = NULL;
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(Row));
    g_array_set_clear_func(rows, row_clear);
    /* Stored scores use the defaults: settings equal to them read the index. */
    g_autoptr(DefisScoreSettings) defaults = defis_settings_new_default();
    gboolean preview = q->settings && strcmp(defis_settings_version(q->settings),
                                             defis_settings_version(defaults)) != 0;
    if (plan_query(ctx, q, &plan, error) &&
        (preview ? page_preview(ctx, store, q, &plan, rows, error)
                 : page_stored(store, q, &plan, rows, error)))
        out = render(ctx, store, q, &plan, rows, error);
    plan_clear(&plan);
    return out;
}

json_t *defis_rank_query(DefisStore *store, const DefisRankQuery *q, GError **error)
{
    g_return_val_if_fail(store != NULL && q != NULL, NULL);
    /* One read transaction: the page and its cursor from one state of the store. */
    gboolean own = !defis_store_in_transaction(store);
    if (own && !defis_store_begin_read(store, error))
        return NULL;
    json_t *out = query(store, q, error);
    if (own)
        defis_store_rollback(store);
    return out;
}

/* ---- Every mention ------------------------------------------------------- */

json_t *defis_rank_mention_json(const DefisMentionOut *m)
{
    json_t *item = json_pack(
        "{s:I, s:s, s:s, s:s, s:I, s:s?, s:I, s:I}", "mention_id", (json_int_t)m->id, "network",
        m->network, "place", m->place, "text", m->text, "challenge_id", (json_int_t)m->challenge_id,
        "theme", m->theme, "survey_id", (json_int_t)m->survey_id, "line", (json_int_t)m->line);
    json_object_set_new(item, "importance",
                        m->importance ? json_integer(m->importance) : json_null());
    json_object_set_new(item, "members", m->members >= 0 ? json_integer(m->members) : json_null());
    json_object_set_new(item, "votes", m->votes >= 0 ? json_integer(m->votes) : json_null());
    return item;
}

gboolean defis_rank_each_mention(DefisStore *store, gint64 after, DefisMentionFunc func,
                                 gpointer data, GError **error)
{
    if (!defis_store_begin_read(store, error))
        return FALSE;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTIONS_EXPORT);
    defis_stmt_bind_int(stmt, 1, after);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        DefisMentionOut m = {
            .id = defis_stmt_int(stmt, 0),
            .network = defis_stmt_text(stmt, 1),
            .place = defis_stmt_text(stmt, 2),
            .text = defis_stmt_text(stmt, 3),
            .challenge_id = defis_stmt_int(stmt, 4),
            .theme = defis_stmt_text(stmt, 5),
            .importance = defis_stmt_int(stmt, 6),
            .members = defis_stmt_is_null(stmt, 7) ? -1 : defis_stmt_int(stmt, 7),
            .votes = defis_stmt_is_null(stmt, 8) ? -1 : defis_stmt_int(stmt, 8),
            .survey_id = defis_stmt_int(stmt, 9),
            .line = defis_stmt_int(stmt, 10),
        };
        if (!func(&m, data, error)) {
            ok = FALSE;
            break;
        }
    }
    defis_stmt_reset(stmt);
    defis_store_rollback(store);
    return ok;
}

/* ---- Counts ---------------------------------------------------------------- */

gint64 defis_rank_count_open(DefisStore *store, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_RANK_COUNT_OPEN);
    gboolean row = FALSE;
    gint64 n = -1;
    if (defis_stmt_step(stmt, &row, error))
        n = row ? defis_stmt_int(stmt, 0) : 0;
    defis_stmt_reset(stmt);
    return n;
}
