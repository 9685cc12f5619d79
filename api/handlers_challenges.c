/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* handlers_challenges.c - the ranked challenges and the mentions behind them, over HTTP. */
#include "api/handlers_challenges.h"

#include "api/server.h"
#include "engine/commons.h"
#include "engine/rank.h"
#include "engine/score.h"

/* A boolean query parameter: true/false/1/0, FALSE (absent) by default. */
static gboolean query_bool(const ApiRequest *request, const char *name, gboolean *value,
                           GError **error)
{
    const char *text = api_query(request, name);
    *value = FALSE;
    if (!text || g_strcmp0(text, "false") == 0 || g_strcmp0(text, "0") == 0)
        return TRUE;
    if (g_strcmp0(text, "true") == 0 || g_strcmp0(text, "1") == 0 || *text == '\0') {
        *value = TRUE;
        return TRUE;
    }
    g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST, "%s must be true or false", name);
    return FALSE;
}

gboolean api_handle_challenges_list(ApiRequest *request, ApiResponse *response, GError **error)
{
    const ApiConfig *config = request->context->config;
    DefisRankQuery query = {
        .theme = api_query(request, "theme"),
        .network = api_query(request, "network"),
        .region = api_query(request, "region"),
        .search = api_query(request, "search"),
        .after = api_query(request, "after"),
    };
    gint64 page_max = MIN((gint64)config->page_max, DEFIS_RANK_LIMIT_MAX);
    if (!api_query_int(request, "limit", MIN((gint64)config->page_default, page_max), 1, page_max,
                       &query.limit, error) ||
        !api_query_int(request, "min_networks", 0, 0, 1000000, &query.min_networks, error) ||
        !api_query_int(request, "min_places", 0, 0, 1000000, &query.min_places, error) ||
        !query_bool(request, "breakdown", &query.breakdown, error))
        return FALSE;
    /* The engine checks every filter; its DEFIS_ERROR_INVALID becomes a 400. */
    json_t *ranked = defis_rank_query(api_request_store(request), &query, error);
    if (!ranked)
        return FALSE;
    api_response_json(response, 200, ranked);
    return TRUE;
}

/* ---- One challenge, as `defis show` gives it ---------------------------------------- */

json_t *api_challenge_show(DefisStore *store, gint64 id, const DefisScoreSettings *settings,
                           GError **error)
{
    json_t *challenge = defis_score_explain(store, id, settings, error);
    if (!challenge)
        return NULL;
    /* The commons that could answer it, at their stages (engine/commons.h). */
    json_t *commons = defis_commons_of_challenge(store, id, settings, error);
    if (!commons) {
        json_decref(challenge);
        return NULL;
    }
    json_object_set_new(challenge, "commons", commons);
    return challenge;
}

gboolean api_handle_challenge_get(ApiRequest *request, ApiResponse *response, GError **error)
{
    gint64 id = 0;
    if (!api_param_id(request, 0, "challenge", &id, error))
        return FALSE;
    json_t *challenge = api_challenge_show(api_request_store(request), id, NULL, error);
    if (!challenge)
        return FALSE;
    api_response_json(response, 200, challenge);
    return TRUE;
}

/* ---- Mentions, a page at a time --------------------------------------------------- */

typedef struct {
    gint64 after;
    gint64 limit;
    json_t *items;
    gint64 last;
    gboolean more; /* a mention past the page exists */
} MentionPage;

static gboolean add_mention(const DefisMentionOut *m, gpointer data, GError **error)
{
    MentionPage *page = data;
    if ((gint64)json_array_size(page->items) == page->limit) {
        page->more = TRUE;
        return FALSE; /* stop: the page is full (no error: not a failure) */
    }
    json_array_append_new(page->items, defis_rank_mention_json(m));
    page->last = m->id;
    return TRUE;
}

gboolean api_handle_mentions_list(ApiRequest *request, ApiResponse *response, GError **error)
{
    const ApiConfig *config = request->context->config;
    MentionPage page = {0};
    if (!api_query_int(request, "after", 0, 0, G_MAXINT64, &page.after, error) ||
        !api_query_int(request, "limit", config->page_max, 1, config->page_max, &page.limit, error))
        return FALSE;
    page.items = json_array();
    GError *local = NULL;
    if (!defis_rank_each_mention(api_request_store(request), page.after, add_mention, &page,
                                 &local) &&
        local) {
        json_decref(page.items);
        g_propagate_error(error, local);
        return FALSE;
    }
    api_response_json(response, 200,
                      json_pack("{s:o, s:o}", "mentions", page.items, "next_after",
                                page.more ? json_integer(page.last) : json_null()));
    return TRUE;
}
