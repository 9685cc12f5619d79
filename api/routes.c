/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* routes.c - the route table of the HTTP service.
 *
 * Adding a route is one line here plus a thin handler:
 *   1. write `gboolean api_handle_<thing>(ApiRequest *, ApiResponse *, GError **)`
 *      in api/handlers_<resource>.c (declared in its .h): read the request
 *      (api_query*, api_request_json + api_json_unpack with "!"), call the
 *      engine, fill the response with api_response_json, or return FALSE with
 *      the engine's GError: api_error_status maps it to a status;
 *      every route whose method is not GET runs on the writer thread (api/writer.h);
 *   2. add its line below: method, pattern ({name} for a path segment, read as
 *      request->params[i]), handler, roles, flags, and its OpenAPI summary,
 *      parameters (query parameters not listed are refused with 400), body
 *      media types and success status;
 *   3. run tests/api/test_routes (the OpenAPI document follows the table) and
 *      add the route to the role matrix of tests/e2e/test_serve.c.
 * The server enforces the roles and media types and caps the body before the
 * handler runs. */
#include "api/routes.h"

#include "api/handlers_challenges.h"
#include "api/handlers_commons.h"
#include "api/handlers_dedup.h"
#include "api/handlers_journal.h"
#include "api/handlers_meta.h"
#include "api/handlers_networks.h"
#include "api/handlers_shortlists.h"
#include "api/handlers_surveys.h"
#include "api/handlers_tokens.h"
#include "api/handlers_votes.h"

static const ApiParam challenges_params[] = {
    {"theme", "query", "string", "Challenges with a mention of this theme (folded)"},
    {"network", "query", "string", "Challenges supported in this network (its name)"},
    {"region", "query", "string", "Challenges supported in a network of this region"},
    {"min_networks", "query", "integer", "At least this many supporting networks"},
    {"min_places", "query", "integer", "At least this many supporting places"},
    {"search", "query", "string", "Words of the titles or mentions (prefixes, all needed)"},
    {"breakdown", "query", "boolean", "Add each challenge's score breakdown (true or false)"},
    {"after", "query", "string", "The next cursor of the previous page"},
    {"limit", "query", "integer", "How many challenges (1 to the page maximum)"},
    {NULL},
};

static const ApiParam mentions_params[] = {
    {"after", "query", "integer", "Return mentions with a larger id (the next_after of a page)"},
    {"limit", "query", "integer", "How many mentions (1 to the page maximum, the default)"},
    {NULL},
};

static const ApiParam surveys_params[] = {
    {"network", "query", "string", "The network (leads only; a network token uses its own)"},
    {"format", "query", "string", "csv or json (default: from the Content-Type)"},
    {"title", "query", "string", "Title of the survey (default: the JSON title)"},
    {"profile", "query", "string",
     "The survey tool's profile: auto (recognised from the header, the default) or a shipped "
     "profile's name (limesurvey, kobotoolbox, framaforms, decidim…)"},
    {"map", "query", "string",
     "FIELD=COLUMN mappings over the profile (place, challenge, theme, importance, members, "
     "votes, respondent), several separated by line breaks (%0A)"},
    {"dry_run", "query", "boolean",
     "1 or true: write nothing, answer 200 with the profile, mapping, first mentions and "
     "problems"},
    {NULL},
};

static const ApiParam token_id_params[] = {
    {"id", "path", "integer", "The token's id"},
    {NULL},
};

/* commons, links, shortlists, journal (handlers_commons.c, handlers_shortlists.c,
 * handlers_journal.c) */
static const ApiParam commons_list_params[] = {
    {"stage", "query", "string", "Only the commons at this stage"},
    {NULL},
};

static const ApiParam commons_key_params[] = {
    {"key", "path", "string", "The commons' name (or its id when no commons has that name)"},
    {NULL},
};

static const ApiParam challenge_id_params[] = {
    {"id", "path", "integer", "The challenge's id"},
    {NULL},
};

static const ApiParam link_params[] = {
    {"id", "path", "integer", "The challenge's id"},
    {"key", "path", "string", "The commons' name (or id)"},
    {NULL},
};

static const ApiParam suggestions_params[] = {
    {"id", "path", "integer", "The challenge's id"},
    {"limit", "query", "integer", "How many suggestions (1 to 100, default 5)"},
    {NULL},
};

static const ApiParam shortlist_params[] = {
    {"id", "path", "integer", "The shortlist's id"},
    {"format", "query", "string",
     "json or csv; without it, the Accept header chooses (application/json by default)"},
    {NULL},
};

static const ApiParam shortlist_diff_params[] = {
    {"a", "path", "integer", "The earlier shortlist's id"},
    {"b", "path", "integer", "The later shortlist's id"},
    {NULL},
};

static const ApiParam journal_params[] = {
    {"since", "query", "string", "Entries at or after this time (ISO 8601 date or time)"},
    {"action", "query", "string", "One action (link.add) or a family (commons)"},
    {"before", "query", "integer", "Entries older than this id (the next_before of a page)"},
    {"limit", "query", "integer", "How many entries (1 to 10000, default 50)"},
    {NULL},
};

/* deduplication, votes, scores (handlers_dedup.c, handlers_votes.c) */
static const ApiParam review_params[] = {
    {"limit", "query", "integer", "How many pairs (1 to 10000, default 20)"},
    {NULL},
};

static const ApiParam merge_params[] = {
    {"id", "path", "integer", "The target challenge's id"},
    {NULL},
};

static const ApiParam unmerge_params[] = {
    {"id", "path", "integer", "The merged source challenge's id"},
    {NULL},
};

#define JSON "application/json"

const ApiRoute api_routes[] = {
    /* method, pattern, handler, roles, flags,
     *   summary, params, body types, success status, success type */
    {"GET", "/v1/health", api_handle_health, API_PUBLIC, API_CACHED,
     "Service and store health", NULL, NULL, 200, JSON},
    {"GET", "/openapi.json", api_handle_openapi, API_PUBLIC, 0,
     "This description of the API (OpenAPI 3.1)", NULL, NULL, 200, JSON},
    {"GET", "/metrics", api_handle_metrics, API_PUBLIC, 0,
     "Counters in the Prometheus text format", NULL, NULL, 200, "text/plain"},
    {"GET", "/v1/networks", api_handle_networks_list, API_ANY_ROLE, API_CACHED,
     "List the networks with their surveys, places and mentions", NULL, NULL, 200, JSON},
    {"POST", "/v1/networks", api_handle_networks_add, API_LEAD, 0,
     "Add a network: {\"name\", \"region\"?}", NULL, JSON, 201, JSON},
    {"POST", "/v1/surveys", api_handle_surveys_upload, API_NETWORK | API_LEAD, 0,
     "Upload one survey file, imported whole or not at all", surveys_params,
     "text/csv " JSON, 201, JSON},
    {"GET", "/v1/challenges", api_handle_challenges_list, API_ANY_ROLE, API_CACHED,
     "The challenges, ranked", challenges_params, NULL, 200, JSON},
    {"GET", "/v1/challenges/{id}", api_handle_challenge_get, API_ANY_ROLE, 0,
     "One challenge as `defis show` gives it: mentions, votes, reach, score breakdown, "
     "candidate commons", challenge_id_params, NULL, 200, JSON},
    {"GET", "/v1/mentions", api_handle_mentions_list, API_LEAD, 0,
     "Every mention, a page at a time, in id order", mentions_params, NULL, 200, JSON},
    {"GET", "/v1/tokens", api_handle_tokens_list, API_LEAD, 0,
     "List the tokens (never their secrets)", NULL, NULL, 200, JSON},
    {"POST", "/v1/tokens", api_handle_tokens_create, API_LEAD, 0,
     "Create a token: {\"role\", \"network\"?, \"label\"?}; the secret is shown once", NULL,
     JSON, 201, JSON},
    {"DELETE", "/v1/tokens/{id}", api_handle_tokens_revoke, API_LEAD, 0,
     "Revoke a token", token_id_params, NULL, 200, JSON},
    {"GET", "/v1/commons", api_handle_commons_list, API_ANY_ROLE, 0,
     "The catalogue of commons by name, with stage and recognition", commons_list_params, NULL,
     200, JSON},
    {"POST", "/v1/commons", api_handle_commons_add, API_LEAD, 0,
     "Add a commons: {\"name\", \"stage\", \"url\"?, \"description\"?, \"keywords\"?, "
     "\"users\"?, \"note\"?}", NULL, JSON, 201, JSON},
    {"GET", "/v1/commons/{key}", api_handle_commons_get, API_ANY_ROLE, 0,
     "One commons: fields, stage history, linked challenges by score", commons_key_params, NULL,
     200, JSON},
    {"PATCH", "/v1/commons/{key}", api_handle_commons_update, API_LEAD, 0,
     "Change the fields given of a commons (a different stage is a stage change)",
     commons_key_params, JSON, 200, JSON},
    {"POST", "/v1/commons/{key}/stage", api_handle_commons_stage, API_LEAD, 0,
     "Move a commons to a stage: {\"stage\", \"note\"?}; a move back needs a note",
     commons_key_params, JSON, 200, JSON},
    {"GET", "/v1/challenges/{id}/commons", api_handle_links_list, API_ANY_ROLE, 0,
     "The commons linked to a challenge, at their stages", challenge_id_params, NULL, 200, JSON},
    {"POST", "/v1/challenges/{id}/commons", api_handle_links_add, API_LEAD, 0,
     "Link a challenge to a commons: {\"commons\", \"note\"?}", challenge_id_params, JSON, 201,
     JSON},
    {"DELETE", "/v1/challenges/{id}/commons/{key}", api_handle_links_remove, API_LEAD, 0,
     "Remove the link between a challenge and a commons", link_params, NULL, 200, JSON},
    {"GET", "/v1/challenges/{id}/suggestions", api_handle_suggestions, API_ANY_ROLE, 0,
     "Commons whose texts resemble the challenge, most similar first", suggestions_params, NULL,
     200, JSON},
    {"POST", "/v1/shortlists", api_handle_shortlists_create, API_LEAD | API_CAMPAIGN, 0,
     "Freeze a shortlist: {\"name\", \"stages\"?, \"theme\"?, \"network\"?, "
     "\"min_networks\"?, \"limit\"?, \"unserved\"?}", NULL, JSON, 201, JSON},
    {"GET", "/v1/shortlists", api_handle_shortlists_list, API_ANY_ROLE, 0,
     "The frozen shortlists, oldest first", NULL, NULL, 200, JSON},
    {"GET", "/v1/shortlists/{id}", api_handle_shortlists_get, API_ANY_ROLE, 0,
     "A frozen shortlist (JSON, or CSV with ?format=csv or Accept: text/csv); ETag: its "
     "SHA-256, 304 on a matching If-None-Match", shortlist_params,
     NULL, 200, JSON},
    {"GET", "/v1/shortlists/{a}/diff/{b}", api_handle_shortlists_diff, API_ANY_ROLE, 0,
     "What entered, left, moved up or down from shortlist a to shortlist b",
     shortlist_diff_params, NULL, 200, JSON},
    {"GET", "/v1/journal", api_handle_journal, API_LEAD, 0,
     "The journal of every write, newest first", journal_params, NULL, 200, JSON},
    {"GET", "/v1/review", api_handle_review, API_LEAD, 0,
     "Pairs of challenges nearly alike, most similar first, for a lead to merge or dismiss",
     review_params, NULL, 200, JSON},
    {"POST", "/v1/review/dismiss", api_handle_review_dismiss, API_LEAD, 0,
     "Record that two challenges are different: {\"a\", \"b\"}; the pair leaves the queue",
     NULL, JSON, 200, JSON},
    {"POST", "/v1/challenges/{id}/merge", api_handle_merge, API_LEAD, 0,
     "Merge challenges into this one: {\"sources\": [id…]}; each merge can be undone",
     merge_params, JSON, 200, JSON},
    {"POST", "/v1/challenges/{id}/unmerge", api_handle_unmerge, API_LEAD, 0,
     "Undo the last merge of this (merged) challenge exactly", unmerge_params, NULL, 200,
     JSON},
    {"POST", "/v1/mentions/split", api_handle_split, API_LEAD, 0,
     "Move mentions of one challenge to a new challenge: {\"mentions\": [id…]}", NULL, JSON,
     201, JSON},
    {"POST", "/v1/dedup/rebuild", api_handle_dedup_rebuild, API_LEAD, 0,
     "Recluster every mention a lead did not place, under the service's [dedup] settings",
     NULL, NULL, 200, JSON},
    {"POST", "/v1/votes", api_handle_votes_add, API_NETWORK | API_LEAD, 0,
     "A place supports a challenge: {\"challenge\", \"place\", \"network\"?} (a network "
     "token votes for its own network)", NULL, JSON, 201, JSON},
    {"POST", "/v1/rescore", api_handle_rescore, API_LEAD, 0,
     "Recompute every stored score from scratch", NULL, NULL, 200, JSON},
};

const gsize api_routes_count = G_N_ELEMENTS(api_routes);

gsize api_route_index(const ApiRoute *route)
{
    g_return_val_if_fail(route >= api_routes && route < api_routes + api_routes_count, 0);
    return (gsize)(route - api_routes);
}
