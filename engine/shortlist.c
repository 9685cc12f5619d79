/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* shortlist.c - frozen, ranked selections for campaigns: build, freeze, read, diff. */
#include "engine/shortlist.h"

#include <string.h>

#include "engine/commons.h"
#include "engine/error.h"
#include "engine/journal.h"
#include "engine/rank.h"

/* ---- Building ---------------------------------------------------------------- */

static int compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stages of QUERY as a sorted array without repeats; fills WANTED. */
static json_t *stages_json(const DefisShortlistQuery *q, gboolean wanted[4], GError **error)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    for (const char *const *s = q->stages; s && *s; s++) {
        DefisStage stage;
        if (!defis_stage_parse(*s, &stage)) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "stage: unknown stage \"%s\": use idea, prototype, stable or dormant",
                        *s);
            return NULL;
        }
        if (!wanted[stage])
            g_ptr_array_add(names, (gpointer)defis_stage_name(stage));
        wanted[stage] = TRUE;
    }
    g_ptr_array_sort(names, compare_strings);
    json_t *list = json_array();
    for (guint i = 0; i < names->len; i++)
        json_array_append_new(list, json_string(names->pdata[i]));
    return list;
}

/* Whether a challenge with linked COMMONS passes the stage filters; sets *KEPT to
 * a new array of its candidate commons as the entry shows them. */
static gboolean passes(json_t *commons, const gboolean wanted[4], gboolean any_stage,
                       gboolean unserved, json_t **kept)
{
    gboolean stage_ok = !any_stage, served = FALSE;
    json_t *list = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(commons, i, c)
    {
        DefisStage stage;
        g_assert(defis_stage_parse(json_string_value(json_object_get(c, "stage")), &stage));
        stage_ok |= wanted[stage];
        served |= stage == DEFIS_STAGE_PROTOTYPE || stage == DEFIS_STAGE_STABLE;
        json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O}", "name",
                                              json_object_get(c, "name"), "stage",
                                              json_object_get(c, "stage"), "users",
                                              json_object_get(c, "users"), "recognised",
                                              json_object_get(c, "recognised")));
    }
    *kept = list;
    return stage_ok && !(unserved && served);
}

static json_t *build_in(DefisStore *store, const DefisShortlistQuery *q, GError **error)
{
    const char *problem = NULL;
    if (!q->name || !*q->name)
        problem = "a name is required";
    else if (strlen(q->name) > 200 || !g_utf8_validate(q->name, -1, NULL))
        problem = "at most 200 bytes of UTF-8";
    if (problem) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "name: %s", problem);
        return NULL;
    }
    gint64 limit = q->limit ? q->limit : DEFIS_SHORTLIST_LIMIT_DEFAULT;
    if (limit < 1 || limit > DEFIS_SHORTLIST_LIMIT_MAX) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "limit: expected 1 to %d",
                    DEFIS_SHORTLIST_LIMIT_MAX);
        return NULL;
    }
    gboolean wanted[4] = {FALSE};
    g_autoptr(json_t) stages = stages_json(q, wanted, error);
    if (!stages)
        return NULL;
    gboolean any_stage = json_array_size(stages) > 0;
    g_autoptr(DefisScoreSettings) defaults = defis_settings_new_default();
    const DefisScoreSettings *settings = q->settings ? q->settings : defaults;

    /* Filters the ranked query cannot apply are applied here, page after page,
     * until the shortlist is full or the ranking ends. */
    g_autoptr(json_t) entries = json_array();
    g_autofree char *after = NULL;
    const char *version = NULL;
    g_autoptr(json_t) page = NULL;
    gboolean filtered = any_stage || q->unserved;
    for (;;) {
        DefisRankQuery rq = {
            .theme = q->theme,
            .network = q->network,
            .min_networks = q->min_networks,
            .after = after,
            .limit = filtered ? MIN(DEFIS_RANK_LIMIT_MAX, MAX(limit * 4, 100)) : limit,
            .breakdown = TRUE,
            .settings = q->settings,
        };
        json_decref(page);
        page = defis_rank_query(store, &rq, error);
        if (!page)
            return NULL;
        version = json_string_value(json_object_get(page, "settings_version"));
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(page, "challenges"), i, c)
        {
            if ((gint64)json_array_size(entries) == limit)
                break;
            gint64 id = json_integer_value(json_object_get(c, "id"));
            g_autoptr(json_t) linked = defis_commons_of_challenge(store, id, settings, error);
            if (!linked)
                return NULL;
            json_t *commons = NULL;
            if (!passes(linked, wanted, any_stage, q->unserved, &commons)) {
                json_decref(commons);
                continue;
            }
            json_array_append_new(
                entries,
                json_pack("{s:I, s:I, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "rank",
                          (json_int_t)json_array_size(entries) + 1, "challenge_id",
                          (json_int_t)id, "title", json_object_get(c, "title"), "score",
                          json_object_get(c, "score"), "votes", json_object_get(c, "votes"),
                          "mentions", json_object_get(c, "mentions"), "reach",
                          json_object_get(c, "reach"), "themes", json_object_get(c, "themes"),
                          "breakdown", json_object_get(c, "breakdown"), "commons", commons));
        }
        const char *next = json_string_value(json_object_get(page, "next"));
        if ((gint64)json_array_size(entries) == limit || !next)
            break;
        g_free(after);
        after = g_strdup(next);
    }
    json_t *filters = json_pack("{s:O, s:s?, s:s?, s:I, s:I, s:b}", "stages", stages, "theme",
                                q->theme, "network", q->network, "min_networks",
                                (json_int_t)q->min_networks, "limit", (json_int_t)limit,
                                "unserved", q->unserved);
    return json_pack("{s:s, s:s, s:o, s:o, s:s, s:O}", "format", DEFIS_SHORTLIST_FORMAT, "name",
                     q->name, "filters", filters, "settings", defis_settings_to_json(settings),
                     "settings_version", version, "entries", entries);
}

json_t *defis_shortlist_build(DefisStore *store, const DefisShortlistQuery *query,
                              GError **error)
{
    g_return_val_if_fail(store != NULL && query != NULL, NULL);
    gboolean own = !defis_store_in_transaction(store);
    if (own && !defis_store_begin_read(store, error))
        return NULL;
    json_t *out = build_in(store, query, error);
    if (own)
        defis_store_rollback(store);
    return out;
}

char *defis_shortlist_canonical(const json_t *content)
{
    return json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
}

gint64 defis_shortlist_create(DefisStore *store, const DefisShortlistQuery *query,
                              const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && query != NULL && actor != NULL, 0);
    if (!defis_store_begin(store, error))
        return 0;
    g_autoptr(json_t) content = build_in(store, query, error);
    if (!content) {
        defis_store_rollback(store);
        return 0;
    }
    g_autofree char *bytes = defis_shortlist_canonical(content);
    g_autofree char *sha = g_compute_checksum_for_string(G_CHECKSUM_SHA256, bytes, -1);
    g_autofree char *at = defis_now();
    gsize entries = json_array_size(json_object_get(content, "entries"));
    const char *version = json_string_value(json_object_get(content, "settings_version"));
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SHORTLIST_INSERT);
    defis_stmt_bind_text(stmt, 1, query->name, -1);
    defis_stmt_bind_text(stmt, 2, at, -1);
    defis_stmt_bind_text(stmt, 3, actor, -1);
    defis_stmt_bind_text(stmt, 4, version, -1);
    defis_stmt_bind_int(stmt, 5, (gint64)entries);
    defis_stmt_bind_text(stmt, 6, bytes, -1);
    defis_stmt_bind_text(stmt, 7, sha, -1);
    gint64 id = 0;
    if (defis_stmt_exec(stmt, error))
        id = defis_store_last_id(store);
    g_autoptr(json_t) payload =
        json_pack("{s:I, s:s, s:s, s:I, s:s, s:O}", "id", (json_int_t)id, "name", query->name,
                  "sha256", sha, "entries", (json_int_t)entries, "settings_version", version,
                  "filters", json_object_get(content, "filters"));
    if (!id || !defis_journal_add(store, actor, "shortlist.create", payload, error) ||
        !defis_store_commit(store, error)) {
        defis_store_rollback(store);
        return 0;
    }
    return id;
}

/* ---- Reading ------------------------------------------------------------------ */

typedef struct {
    gint64 id, entries;
    char *name, *created_at, *actor, *settings_version, *content, *sha256;
} Row;

static void row_clear(Row *r)
{
    g_free(r->name);
    g_free(r->created_at);
    g_free(r->actor);
    g_free(r->settings_version);
    g_free(r->content);
    g_free(r->sha256);
    memset(r, 0, sizeof *r);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Row, row_clear)

static gboolean row_get(DefisStore *store, gint64 id, Row *r, GError **error)
{
    gboolean own = !defis_store_in_transaction(store);
    if (own && !defis_store_begin_read(store, error))
        return FALSE;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SHORTLIST_GET);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean found = FALSE;
    gboolean ok = defis_stmt_step(stmt, &found, error);
    if (ok && found) {
        r->id = defis_stmt_int(stmt, 0);
        r->name = g_strdup(defis_stmt_text(stmt, 1));
        r->created_at = g_strdup(defis_stmt_text(stmt, 2));
        r->actor = g_strdup(defis_stmt_text(stmt, 3));
        r->settings_version = g_strdup(defis_stmt_text(stmt, 4));
        r->entries = defis_stmt_int(stmt, 5);
        r->content = g_strdup(defis_stmt_text(stmt, 6));
        r->sha256 = g_strdup(defis_stmt_text(stmt, 7));
    } else if (ok) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND,
                    "no shortlist %" G_GINT64_FORMAT " (see `defis shortlist list`)", id);
        ok = FALSE;
    }
    defis_stmt_reset(stmt);
    if (own)
        defis_store_rollback(store);
    return ok;
}

char *defis_shortlist_content(DefisStore *store, gint64 id, char **sha256, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    g_auto(Row) r = {0};
    if (!row_get(store, id, &r, error))
        return NULL;
    if (sha256)
        *sha256 = g_steal_pointer(&r.sha256);
    return g_steal_pointer(&r.content);
}

static json_t *parse_content(const Row *r, GError **error)
{
    json_error_t e;
    json_t *content = json_loads(r->content, 0, &e);
    if (!content)
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_STORE,
                    "shortlist %" G_GINT64_FORMAT " holds unreadable JSON: %s", r->id, e.text);
    return content;
}

json_t *defis_shortlist_get(DefisStore *store, gint64 id, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    g_auto(Row) r = {0};
    if (!row_get(store, id, &r, error))
        return NULL;
    json_t *content = parse_content(&r, error);
    if (!content)
        return NULL;
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)r.id, "name",
                     r.name, "created_at", r.created_at, "actor", r.actor, "sha256", r.sha256,
                     "settings_version", r.settings_version, "shortlist", content);
}

json_t *defis_shortlist_list(DefisStore *store, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    gboolean own = !defis_store_in_transaction(store);
    if (own && !defis_store_begin_read(store, error))
        return NULL;
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SHORTLIST_LIST);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "id",
                            (json_int_t)defis_stmt_int(stmt, 0), "name", defis_stmt_text(stmt, 1),
                            "created_at", defis_stmt_text(stmt, 2), "actor",
                            defis_stmt_text(stmt, 3), "settings_version",
                            defis_stmt_text(stmt, 4), "entries",
                            (json_int_t)defis_stmt_int(stmt, 5), "sha256",
                            defis_stmt_text(stmt, 6)));
    defis_stmt_reset(stmt);
    if (own)
        defis_store_rollback(store);
    return ok ? json_pack("{s:O}", "shortlists", list) : NULL;
}

/* ---- Diff ------------------------------------------------------------------------ */

static GHashTable *ranks_of(json_t *content)
{
    GHashTable *ranks = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(content, "entries"), i, e)
    {
        gint64 id = json_integer_value(json_object_get(e, "challenge_id"));
        g_hash_table_insert(ranks, g_memdup2(&id, sizeof id), e);
    }
    return ranks;
}

json_t *defis_shortlist_diff(DefisStore *store, gint64 a, gint64 b, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    g_auto(Row) ra = {0};
    g_auto(Row) rb = {0};
    if (!row_get(store, a, &ra, error) || !row_get(store, b, &rb, error))
        return NULL;
    g_autoptr(json_t) ca = parse_content(&ra, error);
    g_autoptr(json_t) cb = ca ? parse_content(&rb, error) : NULL;
    if (!cb)
        return NULL;
    g_autoptr(GHashTable) in_a = ranks_of(ca);
    g_autoptr(GHashTable) in_b = ranks_of(cb);
    json_t *entered = json_array(), *left = json_array(), *up = json_array(),
           *down = json_array();
    gint64 unchanged = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(cb, "entries"), i, e)
    {
        gint64 id = json_integer_value(json_object_get(e, "challenge_id"));
        gint64 to = json_integer_value(json_object_get(e, "rank"));
        json_t *before = g_hash_table_lookup(in_a, &id);
        if (!before) {
            json_array_append_new(entered, json_pack("{s:I, s:O, s:I}", "challenge_id",
                                                     (json_int_t)id, "title",
                                                     json_object_get(e, "title"), "rank",
                                                     (json_int_t)to));
            continue;
        }
        gint64 from = json_integer_value(json_object_get(before, "rank"));
        if (from == to) {
            unchanged++;
            continue;
        }
        json_array_append_new(to < from ? up : down,
                              json_pack("{s:I, s:O, s:I, s:I, s:I}", "challenge_id",
                                        (json_int_t)id, "title", json_object_get(e, "title"),
                                        "from", (json_int_t)from, "to", (json_int_t)to, "by",
                                        (json_int_t)(to < from ? from - to : to - from)));
    }
    json_array_foreach(json_object_get(ca, "entries"), i, e)
    {
        gint64 id = json_integer_value(json_object_get(e, "challenge_id"));
        if (!g_hash_table_contains(in_b, &id))
            json_array_append_new(left, json_pack("{s:I, s:O, s:O}", "challenge_id",
                                                  (json_int_t)id, "title",
                                                  json_object_get(e, "title"), "rank",
                                                  json_object_get(e, "rank")));
    }
    return json_pack("{s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s}, s:o, s:o, s:o, s:o, s:I}", "from",
                     "id", (json_int_t)ra.id, "name", ra.name, "sha256", ra.sha256, "to", "id",
                     (json_int_t)rb.id, "name", rb.name, "sha256", rb.sha256, "entered", entered,
                     "left", left, "up", up, "down", down, "unchanged", (json_int_t)unchanged);
}
