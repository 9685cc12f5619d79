/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_serve.c - a real `defis serve` on a loopback port, spoken to over real HTTP/1.1:
 * every route, every role, malformed bodies, limits, concurrent uploads, shutdown. */
#include "helpers.h"
#include "http_client.h"

#include "api/routes.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

/* The service runs with small limits so that passing them is cheap. */
#define MAX_BODY (256 * 1024)
#define MAX_HEADER 8192

static char *dir, *db, *log_path;
static GSubprocess *server;
static guint16 port;
/* Tokens: lead, network Occitanie, network Bretagne, campaign, revoked. */
static char *lead, *net_a, *net_b, *campaign, *revoked;
static char *spare_ids[3]; /* tokens the lead may revoke in the matrix */

/* A canonical CSV survey of ROWS rows, made distinct by SALT. */
static char *survey_csv(const char *salt, int rows)
{
    GString *csv = g_string_new("place,challenge,theme,importance,members\n");
    for (int i = 0; i < rows; i++)
        g_string_append_printf(csv, "Lieu %s %d,Financer l'animation %s numéro %d,financement,%d,%d\n",
                               salt, i % 7, salt, i % 13, 1 + i % 5, 10 + i);
    return g_string_free(csv, FALSE);
}

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "serve.db", NULL);
    log_path = g_build_filename(dir, "serve.log", NULL);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Occitanie", NULL), 0);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Bretagne", NULL), 0);
    lead = test_token(db, "lead", NULL, NULL);
    net_a = test_token(db, "network", "Occitanie", NULL);
    net_b = test_token(db, "network", "Bretagne", NULL);
    campaign = test_token(db, "campaign", NULL, NULL);
    g_autofree char *revoked_id = NULL;
    revoked = test_token(db, "lead", NULL, &revoked_id);
    assert_int_equal(test_defis(db, NULL, NULL, "token", "revoke", revoked_id, NULL), 0);
    for (int i = 0; i < 3; i++)
        g_free(test_token(db, "campaign", NULL, &spare_ids[i]));
    g_autofree char *config = g_strdup_printf("[limits]\nmax_body = %d\nmax_header = %d\n"
                                              "page_max = 100\n",
                                              MAX_BODY, MAX_HEADER);
    g_autofree char *config_path = test_write_file(dir, "serve.ini", config, -1);
    server = test_serve_start(db, log_path, &port, "--threads", "4", "--config", config_path,
                              NULL);
    return 0;
}

static int teardown(void **state)
{
    if (server)
        assert_int_equal(test_serve_stop(server, SIGTERM), 0);
    server = NULL;
    test_tmpdir_remove(dir);
    g_clear_pointer(&dir, g_free);
    g_clear_pointer(&db, g_free);
    g_clear_pointer(&log_path, g_free);
    for (char **t = (char *[]){lead, net_a, net_b, campaign, revoked, NULL}; *t; t++)
        g_free(*t);
    for (int i = 0; i < 3; i++)
        g_clear_pointer(&spare_ids[i], g_free);
    return 0;
}

/* The error code of a JSON error body, or "" when there is none. */
static char *error_code(const TestHttpResponse *r)
{
    json_t *body = test_http_json(r);
    const char *code = json_string_value(json_object_get(json_object_get(body, "error"), "code"));
    char *copy = g_strdup(code ? code : "");
    json_decref(body);
    return copy;
}

/* ---- Public routes, unknown paths, wrong methods ------------------------------------- */

static void test_serve__health_openapi_metrics_are_public(void **state)
{
    g_autoptr(TestHttpResponse) health = test_http_request(port, "GET", "/v1/health", NULL, NULL,
                                                           NULL, 0);
    assert_int_equal(health->status, 200);
    assert_non_null(strstr(health->body, "\"ok\""));
    g_autoptr(TestHttpResponse) openapi = test_http_request(port, "GET", "/openapi.json", NULL,
                                                            NULL, NULL, 0);
    assert_int_equal(openapi->status, 200);
    json_t *doc = test_http_json(openapi);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    for (const char *const *path = (const char *const[]){"/v1/surveys", "/v1/review",
                                                        "/v1/challenges/{id}/merge",
                                                        "/v1/votes", "/v1/dedup/rebuild", NULL};
         *path; path++)
        assert_non_null(json_object_get(json_object_get(doc, "paths"), *path));
    json_decref(doc);
    g_autoptr(TestHttpResponse) metrics = test_http_request(port, "GET", "/metrics", NULL, NULL,
                                                            NULL, 0);
    assert_int_equal(metrics->status, 200);
    assert_non_null(strstr(metrics->body, "defis_http_requests_total{"));
    assert_non_null(strstr(metrics->body, "defis_http_request_duration_seconds_bucket"));
    assert_non_null(strstr(metrics->body, "defis_imports_total"));
    /* The gauge of open challenges follows the store. */
    g_autofree char *gauge = g_strdup_printf(
        "\ndefis_challenges %" G_GINT64_FORMAT "\n",
        test_query_int(db, "SELECT count(*) FROM challenge WHERE state = 'open'"));
    assert_non_null(strstr(metrics->body, gauge));
}

static void test_serve__unknown_path_is_json_404(void **state)
{
    g_autoptr(TestHttpResponse) r = test_http_request(port, "GET", "/v1/nothing", lead, NULL,
                                                      NULL, 0);
    assert_int_equal(r->status, 404);
    g_autofree char *code = error_code(r);
    assert_string_equal(code, "not_found");
    assert_string_equal(test_http_header(r, "content-type"), "application/json");
}

static void test_serve__wrong_method_is_405_with_allow(void **state)
{
    static const struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"PUT", "/v1/challenges", "GET, HEAD"},
        {"DELETE", "/v1/networks", "GET, HEAD, POST"},
        {"GET", "/v1/surveys", "POST"},
        {"POST", "/v1/tokens/3", "DELETE"},
        {"PATCH", "/v1/health", "GET, HEAD"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(TestHttpResponse) r =
            test_http_request(port, cases[i].method, cases[i].path, lead, NULL, NULL, 0);
        assert_int_equal(r->status, 405);
        assert_string_equal(test_http_header(r, "allow"), cases[i].allow);
        g_autofree char *code = error_code(r);
        assert_string_equal(code, "method_not_allowed");
    }
}

/* ---- Roles: every route, every caller ------------------------------------------------- */

enum { NONE, REVOKED, NETWORK, LEAD, CAMPAIGN, N_CALLERS };
#define OK 2 /* any 2xx */

/* What the matrix's paths and bodies name: {key} in a template becomes its value. */
typedef struct {
    const char *key;
    char *value;
} Fixture;

/* TEMPLATE with every {key} of FIXTURES replaced; {caller} is CALLER. Caller frees. */
static char *expand(const char *template, const Fixture *fixtures, gsize n, const char *caller)
{
    if (!template)
        return NULL;
    GString *out = g_string_new(NULL);
    for (const char *p = template; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *value = NULL;
        if (close) {
            g_autofree char *key = g_strndup(p + 1, (gsize)(close - p - 1));
            if (strcmp(key, "caller") == 0)
                value = caller;
            for (gsize i = 0; !value && i < n; i++)
                if (strcmp(fixtures[i].key, key) == 0)
                    value = fixtures[i].value;
        }
        if (value) {
            g_string_append(out, value);
            p = close + 1;
        } else {
            g_string_append_c(out, *p++);
        }
    }
    return g_string_free(out, FALSE);
}

static char *id_of(const char *sql)
{
    return g_strdup_printf("%" G_GINT64_FORMAT, test_query_int(db, sql));
}

/* Every route of api/routes.c, every kind of caller, cell by cell. A refusal
 * (401, 403) comes before the handler runs, so a write succeeds once per role
 * that may make it: the fixtures are made for those calls. */
static void test_serve__role_matrix(void **state)
{
    /* Challenges to steer, apart from the rest of the data (distinct wordings). */
    g_autofree char *csv = test_write_file(dir, "matrix.csv",
                                           "place,challenge\n"
                                           "Matrice A,Construire un four à pain collectif\n"
                                           "Matrice B,Construire un four à pain collectif\n"
                                           "Matrice C,Organiser une bourse aux semences\n"
                                           "Matrice D,Apprendre la soudure aux bénévoles\n"
                                           "Matrice E,Traduire les statuts en breton\n"
                                           "Matrice F,Installer des panneaux solaires\n",
                                           -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Occitanie", csv, NULL), 0);
#define CHALLENGE_OF(text) "SELECT challenge_id FROM mention WHERE text = '" text "' LIMIT 1"
    Fixture fixtures[] = {
        {"oven", id_of(CHALLENGE_OF("Construire un four à pain collectif"))},
        {"oven_mention",
         id_of("SELECT min(id) FROM mention WHERE text = 'Construire un four à pain collectif'")},
        {"seeds", id_of(CHALLENGE_OF("Organiser une bourse aux semences"))},
        {"welding", id_of(CHALLENGE_OF("Apprendre la soudure aux bénévoles"))},
        {"breton", id_of(CHALLENGE_OF("Traduire les statuts en breton"))},
        {"solar", id_of(CHALLENGE_OF("Installer des panneaux solaires"))},
        {"shortlist", NULL}, /* set once the matrix has frozen one */
        {"spare", g_strdup(spare_ids[0])}, /* a token only the lead's call revokes */
    };
#undef CHALLENGE_OF
    const gsize n_fixtures = G_N_ELEMENTS(fixtures);
    /* Five challenges, one of them with two mentions. */
    for (gsize i = 0; i < 6; i++)
        for (gsize j = i + 1; j < 6; j++)
            if (i != 1 && j != 1)
                assert_string_not_equal(fixtures[i].value, fixtures[j].value);
    static const struct {
        const char *method, *pattern; /* as in api_routes */
        const char *path, *type, *body; /* templates; path NULL: the pattern */
        int expect[N_CALLERS];          /* NONE, REVOKED, NETWORK, LEAD, CAMPAIGN */
    } routes[] = {
#define J "application/json"
        {"GET", "/v1/health", NULL, NULL, NULL, {OK, OK, OK, OK, OK}},
        {"GET", "/openapi.json", NULL, NULL, NULL, {OK, OK, OK, OK, OK}},
        {"GET", "/metrics", NULL, NULL, NULL, {OK, OK, OK, OK, OK}},
        {"GET", "/v1/networks", NULL, NULL, NULL, {401, 401, OK, OK, OK}},
        {"POST", "/v1/networks", NULL, J, "{\"name\": \"Réseau {caller}\"}",
         {401, 401, 403, OK, 403}},
        {"POST", "/v1/surveys", "/v1/surveys?network=Occitanie", "text/csv", NULL,
         {401, 401, OK, OK, 403}},
        {"GET", "/v1/challenges", "/v1/challenges?limit=5", NULL, NULL, {401, 401, OK, OK, OK}},
        {"GET", "/v1/challenges/{id}", "/v1/challenges/{oven}", NULL, NULL,
         {401, 401, OK, OK, OK}},
        {"GET", "/v1/mentions", "/v1/mentions?limit=5", NULL, NULL, {401, 401, 403, OK, 403}},
        {"GET", "/v1/tokens", NULL, NULL, NULL, {401, 401, 403, OK, 403}},
        {"POST", "/v1/tokens", NULL, J, "{\"role\": \"campaign\", \"label\": \"matrix\"}",
         {401, 401, 403, OK, 403}},
        {"DELETE", "/v1/tokens/{id}", "/v1/tokens/{spare}", NULL, NULL,
         {401, 401, 403, OK, 403}},
        {"GET", "/v1/commons", NULL, NULL, NULL, {401, 401, OK, OK, OK}},
        {"POST", "/v1/commons", NULL, J, "{\"name\": \"Matrice\", \"stage\": \"prototype\"}",
         {401, 401, 403, OK, 403}},
        {"GET", "/v1/commons/{key}", "/v1/commons/Matrice", NULL, NULL, {401, 401, OK, OK, OK}},
        {"PATCH", "/v1/commons/{key}", "/v1/commons/Matrice", J, "{\"users\": 5}",
         {401, 401, 403, OK, 403}},
        {"POST", "/v1/commons/{key}/stage", "/v1/commons/Matrice/stage", J,
         "{\"stage\": \"stable\", \"note\": \"matrix\"}", {401, 401, 403, OK, 403}},
        {"POST", "/v1/challenges/{id}/commons", "/v1/challenges/{oven}/commons", J,
         "{\"commons\": \"Matrice\"}", {401, 401, 403, OK, 403}},
        {"GET", "/v1/challenges/{id}/commons", "/v1/challenges/{oven}/commons", NULL, NULL,
         {401, 401, OK, OK, OK}},
        {"DELETE", "/v1/challenges/{id}/commons/{key}", "/v1/challenges/{oven}/commons/Matrice",
         NULL, NULL, {401, 401, 403, OK, 403}},
        {"GET", "/v1/challenges/{id}/suggestions", "/v1/challenges/{oven}/suggestions", NULL,
         NULL, {401, 401, OK, OK, OK}},
        {"POST", "/v1/shortlists", NULL, J, "{\"name\": \"matrix {caller}\"}",
         {401, 401, 403, OK, OK}},
        {"GET", "/v1/shortlists", NULL, NULL, NULL, {401, 401, OK, OK, OK}},
        {"GET", "/v1/shortlists/{id}", "/v1/shortlists/{shortlist}", NULL, NULL,
         {401, 401, OK, OK, OK}},
        {"GET", "/v1/shortlists/{a}/diff/{b}", "/v1/shortlists/{shortlist}/diff/{shortlist}",
         NULL, NULL, {401, 401, OK, OK, OK}},
        {"GET", "/v1/journal", "/v1/journal?limit=5", NULL, NULL, {401, 401, 403, OK, 403}},
        {"GET", "/v1/review", "/v1/review?limit=5", NULL, NULL, {401, 401, 403, OK, 403}},
        {"POST", "/v1/review/dismiss", NULL, J, "{\"a\": {breton}, \"b\": {solar}}",
         {401, 401, 403, OK, 403}},
        {"POST", "/v1/challenges/{id}/merge", "/v1/challenges/{seeds}/merge", J,
         "{\"sources\": [{welding}]}", {401, 401, 403, OK, 403}},
        {"POST", "/v1/challenges/{id}/unmerge", "/v1/challenges/{welding}/unmerge", NULL, NULL,
         {401, 401, 403, OK, 403}},
        {"POST", "/v1/mentions/split", NULL, J, "{\"mentions\": [{oven_mention}]}",
         {401, 401, 403, OK, 403}},
        {"POST", "/v1/votes", NULL, J,
         "{\"challenge\": {breton}, \"place\": \"Vote {caller}\", \"network\": \"Occitanie\"}",
         {401, 401, OK, OK, 403}},
        {"POST", "/v1/rescore", NULL, NULL, NULL, {401, 401, 403, OK, 403}},
        {"POST", "/v1/dedup/rebuild", NULL, NULL, NULL, {401, 401, 403, OK, 403}},
#undef J
    };
    /* The matrix covers the whole table. */
    for (gsize r = 0; r < api_routes_count; r++) {
        gboolean found = FALSE;
        for (gsize i = 0; i < G_N_ELEMENTS(routes); i++)
            found |= strcmp(routes[i].method, api_routes[r].method) == 0 &&
                     strcmp(routes[i].pattern, api_routes[r].pattern) == 0;
        if (!found)
            fail_msg("%s %s is missing from the role matrix", api_routes[r].method,
                     api_routes[r].pattern);
    }
    const char *tokens[N_CALLERS] = {NULL, revoked, net_a, lead, campaign};
    static const char *const names[N_CALLERS] = {"none", "revoked", "network", "lead",
                                                 "campaign"};
    for (gsize i = 0; i < G_N_ELEMENTS(routes); i++) {
        for (int c = 0; c < N_CALLERS; c++) {
            g_autofree char *path = expand(routes[i].path ? routes[i].path : routes[i].pattern,
                                           fixtures, n_fixtures, names[c]);
            g_autofree char *body = g_str_has_prefix(routes[i].pattern, "/v1/surveys")
                                        ? survey_csv(names[c], 5)
                                        : expand(routes[i].body, fixtures, n_fixtures, names[c]);
            g_autoptr(TestHttpResponse) r = test_http_request(
                port, routes[i].method, path, tokens[c], routes[i].type, body, -1);
            int want = routes[i].expect[c];
            gboolean ok = want == OK ? r->status >= 200 && r->status < 300
                                     : (int)r->status == want;
            if (!ok)
                fail_msg("%s %s as %s: got %u, want %d: %s", routes[i].method, path, names[c],
                         r->status, want == OK ? 200 : want, r->body);
            if (r->status == 401)
                assert_non_null(test_http_header(r, "www-authenticate"));
            if (g_strcmp0(routes[i].pattern, "/v1/shortlists") == 0 && r->status == 201) {
                g_free(fixtures[n_fixtures - 2].value);
                fixtures[n_fixtures - 2].value = id_of("SELECT max(id) FROM shortlist");
            }
        }
    }
    for (gsize i = 0; i < n_fixtures; i++)
        g_free(fixtures[i].value);
}

static void test_serve__network_token_cannot_write_for_another_network(void **state)
{
    gint64 surveys = test_query_int(db, "SELECT count(*) FROM survey");
    gint64 mentions = test_query_int(db, "SELECT count(*) FROM mention");
    g_autofree char *csv = survey_csv("intrus", 10);
    g_autoptr(TestHttpResponse) r = test_http_request(port, "POST", "/v1/surveys?network=Occitanie",
                                                      net_b, "text/csv", csv, -1);
    assert_int_equal(r->status, 403);
    g_autofree char *code = error_code(r);
    assert_string_equal(code, "forbidden");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), surveys);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), mentions);
    /* A lead must name the network. */
    g_autoptr(TestHttpResponse) unnamed =
        test_http_request(port, "POST", "/v1/surveys", lead, "text/csv", csv, -1);
    assert_int_equal(unnamed->status, 400);
}

/* ---- Uploads --------------------------------------------------------------------------- */

static void test_serve__upload_then_duplicate(void **state)
{
    g_autofree char *csv = survey_csv("dup", 20);
    g_autoptr(TestHttpResponse) first =
        test_http_request(port, "POST", "/v1/surveys", net_b, "text/csv", csv, -1);
    assert_int_equal(first->status, 201);
    json_t *report = test_http_json(first);
    assert_false(json_is_true(json_object_get(report, "duplicate")));
    assert_int_equal(json_integer_value(json_object_get(report, "mentions")), 20);
    assert_string_equal(json_string_value(json_object_get(report, "network")), "Bretagne");
    json_decref(report);
    g_autoptr(TestHttpResponse) again =
        test_http_request(port, "POST", "/v1/surveys", net_b, "text/csv", csv, -1);
    assert_int_equal(again->status, 200);
    report = test_http_json(again);
    assert_true(json_is_true(json_object_get(report, "duplicate")));
    json_decref(report);
    /* JSON surveys too, told apart by their media type. */
    const char *survey = "{\"survey\": {\"title\": \"T\", \"respondents\": 3}, \"responses\": "
                         "[{\"place\": \"Le Tiers\", \"challenges\": [{\"text\": \"Mutualiser "
                         "les outils\", \"importance\": 4}]}]}";
    g_autoptr(TestHttpResponse) json_upload =
        test_http_request(port, "POST", "/v1/surveys", net_b, "application/json", survey, -1);
    assert_int_equal(json_upload->status, 201);
}

static void test_serve__dry_run_and_profiles_write_nothing(void **state)
{
    gint64 surveys = test_query_int(db, "SELECT count(*) FROM survey");
    gint64 mentions = test_query_int(db, "SELECT count(*) FROM mention");
    /* A Google Forms export: the profile is recognised, the place column mapped. */
    const char *export = "Horodateur,Nom du lieu,Quel est votre principal défi ?\n"
                         "2025/03/01 10:00:00,La Fabrique,Financer l'animation du lieu\n"
                         "2025/03/02 11:00:00,Le Hangar,Trouver des bénévoles\n";
    g_autoptr(TestHttpResponse) r = test_http_request(
        port, "POST", "/v1/surveys?dry_run=1&map=place%3DNom%20du%20lieu", net_b, "text/csv",
        export, -1);
    assert_int_equal(r->status, 200);
    g_autoptr(json_t) report = test_http_json(r);
    assert_non_null(report);
    assert_string_equal(json_string_value(json_object_get(report, "profile")), "google-forms");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), surveys);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), mentions);
    /* An unknown profile is the client's mistake. */
    g_autoptr(TestHttpResponse) bad = test_http_request(
        port, "POST", "/v1/surveys?dry_run=1&profile=nosuchtool", net_b, "text/csv", export, -1);
    assert_int_equal(bad->status / 100, 4);
    /* The same upload for real stores both mentions. */
    g_autoptr(TestHttpResponse) real = test_http_request(
        port, "POST", "/v1/surveys?map=place%3DNom%20du%20lieu", net_b, "text/csv", export, -1);
    assert_int_equal(real->status, 201);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), mentions + 2);
}

static void test_serve__bad_survey_lists_the_same_problems_as_the_cli(void **state)
{
    const char *bad = "place,challenge,importance\n"
                      "Le Lieu,Financer,9\n"
                      ",Recruter,2\n"
                      "\"Autre,Former,3\n";
    g_autofree char *path = test_write_file(dir, "bad.csv", bad, -1);
    g_autofree char *err = NULL;
    assert_int_equal(test_defis(db, NULL, &err, "import", "--network", "Occitanie", path, NULL),
                     1);
    gint64 surveys = test_query_int(db, "SELECT count(*) FROM survey");
    g_autoptr(TestHttpResponse) r =
        test_http_request(port, "POST", "/v1/surveys", net_a, "text/csv", bad, -1);
    assert_int_equal(r->status, 422);
    json_t *body = test_http_json(r);
    json_t *error = json_object_get(body, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "invalid_survey");
    json_t *problems = json_object_get(json_object_get(error, "details"), "problems");
    assert_true(json_array_size(problems) > 0);
    /* Each problem reads, in the CLI's words, FILE:LINE:COLUMN: FIELD: message; the
     * CLI lists exactly these, one line each. */
    size_t i;
    json_t *p;
    json_array_foreach(problems, i, p)
    {
        GString *line = g_string_new(path);
        if (json_object_get(p, "line"))
            g_string_append_printf(line, ":%" JSON_INTEGER_FORMAT,
                                   json_integer_value(json_object_get(p, "line")));
        if (json_object_get(p, "column"))
            g_string_append_printf(line, ":%" JSON_INTEGER_FORMAT,
                                   json_integer_value(json_object_get(p, "column")));
        if (json_string_value(json_object_get(p, "field")))
            g_string_append_printf(line, ": %s", json_string_value(json_object_get(p, "field")));
        g_string_append_printf(line, ": %s\n", json_string_value(json_object_get(p, "message")));
        if (!strstr(err, line->str))
            fail_msg("the CLI does not list: %s(it printed:\n%s)", line->str, err);
        g_string_free(line, TRUE);
    }
    g_autofree char *prefix = g_strdup_printf("%s:", path);
    gsize cli_lines = 0;
    g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
    for (char **l = lines; *l; l++)
        cli_lines += g_str_has_prefix(*l, prefix);
    assert_int_equal(cli_lines, json_array_size(problems));
    json_decref(body);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), surveys);
}

/* ---- JSON bodies ------------------------------------------------------------------------ */

static void test_serve__json_bodies_are_strict(void **state)
{
    static const struct {
        const char *type, *body;
        guint status;
        const char *code;
    } cases[] = {
        {"application/json", "{\"name\": ", 400, "bad_request"},
        {"application/json", "{\"name\": \"X\"} trailing", 400, "bad_request"},
        {"application/json", "{\"name\": \"Y\", \"name\": \"Z\"}", 400, "bad_request"},
        {"application/json", "{\"name\": \"W\", \"colour\": \"red\"}", 400, "bad_request"},
        {"application/json", "[\"name\"]", 400, "bad_request"},
        {"application/json", "{\"name\": 3}", 400, "bad_request"},
        {"application/json", "", 400, "bad_request"},
        {"text/plain", "{\"name\": \"V\"}", 415, "unsupported_media_type"},
        {"application/json", "{\"name\": \"Occitanie\"}", 409, "conflict"},
        {"application/json", "{\"name\": \" espace\"}", 400, "invalid"},
    };
    gint64 networks = test_query_int(db, "SELECT count(*) FROM network");
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(TestHttpResponse) r = test_http_request(port, "POST", "/v1/networks", lead,
                                                          cases[i].type, cases[i].body, -1);
        if (r->status != cases[i].status)
            fail_msg("case %zu (%s): got %u: %s", i, cases[i].body, r->status, r->body);
        g_autofree char *code = error_code(r);
        assert_string_equal(code, cases[i].code);
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM network"), networks);
    g_autoptr(TestHttpResponse) unknown_role = test_http_request(
        port, "POST", "/v1/tokens", lead, "application/json", "{\"role\": \"king\"}", -1);
    assert_int_equal(unknown_role->status, 400);
    g_autoptr(TestHttpResponse) bad_query =
        test_http_request(port, "GET", "/v1/challenges?limit=zero", lead, NULL, NULL, 0);
    assert_int_equal(bad_query->status, 400);
    g_autoptr(TestHttpResponse) unknown_query =
        test_http_request(port, "GET", "/v1/challenges?limt=5", lead, NULL, NULL, 0);
    assert_int_equal(unknown_query->status, 400);
}

/* ---- Limits ----------------------------------------------------------------------------- */

static void test_serve__declared_oversized_body_is_refused_before_it_is_sent(void **state)
{
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    assert_non_null(http);
    g_autofree char *head = g_strdup_printf(
        "POST /v1/surveys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
        "Content-Type: text/csv\r\nContent-Length: %d\r\n\r\n",
        net_a, MAX_BODY + 1);
    assert_true(test_http_write(http, head, strlen(head), &error));
    /* No byte of the body is sent: the answer must come anyway. */
    g_autoptr(TestHttpResponse) r = test_http_read(http, &error);
    assert_non_null(r);
    assert_int_equal(r->status, 413);
    g_autofree char *code = error_code(r);
    assert_string_equal(code, "too_large");
}

/* Sends BODY in CHUNK-byte pieces (chunked, or with a Content-Length) and stops
 * as soon as the server answers; returns the answer. */
static TestHttpResponse *send_until_answered(const char *body, gsize length, gboolean chunked)
{
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    assert_non_null(http);
    g_autofree char *head = g_strdup_printf(
        "POST /v1/surveys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
        "Content-Type: text/csv\r\n%s\r\n",
        net_a, chunked ? "Transfer-Encoding: chunked\r\n" : "");
    assert_true(test_http_write(http, head, strlen(head), &error));
    const gsize chunk = 16 * 1024;
    for (gsize done = 0; done < length && !test_http_readable(http); done += chunk) {
        gsize n = MIN(chunk, length - done);
        g_autofree char *size = g_strdup_printf("%zx\r\n", n);
        if (!test_http_write(http, size, strlen(size), NULL) ||
            !test_http_write(http, body + done, n, NULL) || !test_http_write(http, "\r\n", 2, NULL))
            break;
        g_usleep(2000);
    }
    TestHttpResponse *r = test_http_read(http, &error);
    if (!r)
        fail_msg("no answer: %s", error->message);
    return r;
}

static void test_serve__chunked_oversized_body_is_refused_as_it_passes_the_limit(void **state)
{
    gsize length = 4 * MAX_BODY;
    g_autofree char *csv = g_malloc(length);
    memset(csv, 'a', length);
    gint64 surveys = test_query_int(db, "SELECT count(*) FROM survey");
    g_autoptr(TestHttpResponse) r = send_until_answered(csv, length, TRUE);
    assert_int_equal(r->status, 413);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), surveys);
}

static void test_serve__plain_oversized_body_is_refused(void **state)
{
    /* Content-Length over the limit with the body following at once (no
     * Expect: 100-continue, as most clients send). */
    gsize length = MAX_BODY + 10;
    g_autofree char *csv = g_malloc(length);
    memset(csv, 'b', length);
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    assert_non_null(http);
    g_autofree char *auth = g_strdup_printf("Authorization: Bearer %s", net_a);
    const char *headers[] = {auth, "Content-Type: text/csv", NULL};
    test_http_send(http, "POST", "/v1/surveys", headers, csv, (gssize)length, 0, NULL);
    g_autoptr(TestHttpResponse) r = test_http_read(http, &error);
    assert_non_null(r);
    assert_int_equal(r->status, 413);
    /* And a body just under the limit is read whole and judged on its content. */
    g_autoptr(TestHttpResponse) under =
        test_http_request(port, "POST", "/v1/surveys", net_a, "text/csv", csv, MAX_BODY - 1);
    assert_int_equal(under->status, 422);
}

static void test_serve__huge_headers_are_431(void **state)
{
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    assert_non_null(http);
    g_autofree char *big = g_strnfill(2 * MAX_HEADER, 'x');
    g_autofree char *header = g_strdup_printf("X-Padding: %s", big);
    const char *headers[] = {header, NULL};
    test_http_send(http, "GET", "/v1/health", headers, NULL, 0, 0, NULL);
    g_autoptr(TestHttpResponse) r = test_http_read(http, &error);
    assert_non_null(r);
    assert_int_equal(r->status, 431);
}

/* ---- Reads ---------------------------------------------------------------------------- */

static void test_serve__challenges_follow_new_uploads(void **state)
{
    g_autoptr(TestHttpResponse) before =
        test_http_request(port, "GET", "/v1/challenges?limit=100", campaign, NULL, NULL, 0);
    assert_int_equal(before->status, 200);
    g_autoptr(TestHttpResponse) cached =
        test_http_request(port, "GET", "/v1/challenges?limit=100", campaign, NULL, NULL, 0);
    assert_int_equal(cached->length, before->length);
    assert_memory_equal(cached->body, before->body, before->length);
    g_autofree char *csv =
        g_strdup("place,challenge\nLa Cantine,Un défi tout neuf pour le cache\n");
    g_autoptr(TestHttpResponse) up =
        test_http_request(port, "POST", "/v1/surveys", net_a, "text/csv", csv, -1);
    assert_int_equal(up->status, 201);
    g_autoptr(TestHttpResponse) after =
        test_http_request(port, "GET", "/v1/challenges?limit=100", campaign, NULL, NULL, 0);
    assert_int_equal(after->status, 200);
    assert_non_null(strstr(after->body, "Un défi tout neuf pour le cache"));
    assert_null(strstr(before->body, "Un défi tout neuf pour le cache"));
    /* Pages follow the cursor to the end. */
    json_t *page = test_http_json(after);
    assert_true(json_array_size(json_object_get(page, "challenges")) > 0);
    json_decref(page);
}

static void test_serve__mentions_come_page_by_page(void **state)
{
    gint64 total = test_query_int(db, "SELECT count(*) FROM mention");
    gint64 seen = 0, after = 0;
    for (int pages = 0; pages < 1000; pages++) {
        g_autofree char *path = g_strdup_printf("/v1/mentions?limit=7&after=%" G_GINT64_FORMAT,
                                                after);
        g_autoptr(TestHttpResponse) r = test_http_request(port, "GET", path, lead, NULL, NULL, 0);
        assert_int_equal(r->status, 200);
        json_t *body = test_http_json(r);
        seen += (gint64)json_array_size(json_object_get(body, "mentions"));
        json_t *next = json_object_get(body, "next_after");
        gboolean done = json_is_null(next);
        after = json_integer_value(next);
        json_decref(body);
        if (done)
            break;
    }
    assert_int_equal(seen, total);
}

static void test_serve__tokens_over_http(void **state)
{
    g_autoptr(TestHttpResponse) created =
        test_http_request(port, "POST", "/v1/tokens", lead, "application/json",
                          "{\"role\": \"network\", \"network\": \"Bretagne\", \"label\": \"x\"}", -1);
    assert_int_equal(created->status, 201);
    json_t *body = test_http_json(created);
    g_autofree char *token = g_strdup(json_string_value(json_object_get(body, "token")));
    g_autofree char *path = g_strdup_printf("/v1/tokens/%" JSON_INTEGER_FORMAT,
                                            json_integer_value(json_object_get(body, "id")));
    json_decref(body);
    g_autoptr(TestHttpResponse) works =
        test_http_request(port, "GET", "/v1/networks", token, NULL, NULL, 0);
    assert_int_equal(works->status, 200);
    g_autoptr(TestHttpResponse) listed =
        test_http_request(port, "GET", "/v1/tokens", lead, NULL, NULL, 0);
    assert_int_equal(listed->status, 200);
    assert_null(strstr(listed->body, token));
    g_autoptr(TestHttpResponse) gone = test_http_request(port, "DELETE", path, lead, NULL, NULL, 0);
    assert_int_equal(gone->status, 200);
    g_autoptr(TestHttpResponse) again = test_http_request(port, "DELETE", path, lead, NULL, NULL, 0);
    assert_int_equal(again->status, 409);
    g_autoptr(TestHttpResponse) refused =
        test_http_request(port, "GET", "/v1/networks", token, NULL, NULL, 0);
    assert_int_equal(refused->status, 401);
    g_autoptr(TestHttpResponse) missing =
        test_http_request(port, "DELETE", "/v1/tokens/999999", lead, NULL, NULL, 0);
    assert_int_equal(missing->status, 404);
}

/* ---- Concurrency ---------------------------------------------------------------------- */

#define UPLOADS_PER_THREAD 8
#define ROWS_PER_UPLOAD 150

typedef struct {
    const char *token;
    const char *name;
    int created;
    int failures;
} Uploader;

static gpointer upload_many(gpointer data)
{
    Uploader *u = data;
    for (int i = 0; i < UPLOADS_PER_THREAD; i++) {
        g_autofree char *salt = g_strdup_printf("%s-%d", u->name, i);
        g_autofree char *csv = survey_csv(salt, ROWS_PER_UPLOAD);
        GError *error = NULL;
        g_autoptr(TestHttp) http = test_http_connect(port, &error);
        g_autofree char *auth = g_strdup_printf("Authorization: Bearer %s", u->token);
        const char *headers[] = {auth, "Content-Type: text/csv", NULL};
        g_autoptr(TestHttpResponse) r = NULL;
        if (http && test_http_send(http, "POST", "/v1/surveys", headers, csv, -1, i % 2 ? 4096 : 0,
                                   &error))
            r = test_http_read(http, &error);
        if (r && r->status == 201)
            u->created++;
        else
            u->failures++;
        g_clear_error(&error);
    }
    return NULL;
}

static void test_serve__two_networks_upload_at_once(void **state)
{
    gint64 mentions = test_query_int(db, "SELECT count(*) FROM mention");
    Uploader a = {.token = net_a, .name = "occ"}, b = {.token = net_b, .name = "bzh"};
    GThread *ta = g_thread_new("a", upload_many, &a);
    GThread *tb = g_thread_new("b", upload_many, &b);
    g_thread_join(ta);
    g_thread_join(tb);
    assert_int_equal(a.failures + b.failures, 0);
    assert_int_equal(a.created + b.created, 2 * UPLOADS_PER_THREAD);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"),
                     mentions + 2 * UPLOADS_PER_THREAD * ROWS_PER_UPLOAD);
    g_autofree char *log = test_read_file(log_path, NULL);
    assert_null(strstr(log, "\"status\":5"));
}

/* ---- Shutdown ------------------------------------------------------------------------- */

static void test_serve__sigterm_finishes_the_upload_in_flight(void **state)
{
    g_autofree char *log2 = g_build_filename(dir, "serve2.log", NULL);
    guint16 port2 = 0;
    GSubprocess *second = test_serve_start(db, log2, &port2, "--threads", "2", NULL);
    gint64 mentions = test_query_int(db, "SELECT count(*) FROM mention");
    g_autofree char *csv = survey_csv("sigterm", 50);
    gsize length = strlen(csv);
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port2, &error);
    assert_non_null(http);
    g_autofree char *head = g_strdup_printf(
        "POST /v1/surveys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
        "Content-Type: text/csv\r\nContent-Length: %zu\r\n\r\n",
        net_a, length);
    assert_true(test_http_write(http, head, strlen(head), &error));
    assert_true(test_http_write(http, csv, length / 2, &error));
    g_usleep(200 * 1000); /* the server has the headers and half the body */
    g_subprocess_send_signal(second, SIGTERM);
    g_usleep(100 * 1000);
    assert_true(test_http_write(http, csv + length / 2, length - length / 2, &error));
    g_autoptr(TestHttpResponse) r = test_http_read(http, &error);
    assert_non_null(r);
    assert_int_equal(r->status, 201);
    assert_int_equal(test_serve_stop(second, SIGTERM), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"), mentions + 50);
    sqlite3 *conn = NULL;
    assert_int_equal(sqlite3_open(db, &conn), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(conn, "PRAGMA integrity_check", -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "ok");
    sqlite3_finalize(stmt);
    sqlite3_close(conn);
}

static void test_serve__log_names_the_token_never_the_secret(void **state)
{
    g_autofree char *log = test_read_file(log_path, NULL);
    assert_non_null(strstr(log, "\"route\":\"/v1/surveys\""));
    assert_non_null(strstr(log, "\"token\":"));
    assert_null(strstr(log, lead));
    assert_null(strstr(log, net_a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve__health_openapi_metrics_are_public),
        cmocka_unit_test(test_serve__unknown_path_is_json_404),
        cmocka_unit_test(test_serve__wrong_method_is_405_with_allow),
        cmocka_unit_test(test_serve__role_matrix),
        cmocka_unit_test(test_serve__network_token_cannot_write_for_another_network),
        cmocka_unit_test(test_serve__upload_then_duplicate),
        cmocka_unit_test(test_serve__bad_survey_lists_the_same_problems_as_the_cli),
        cmocka_unit_test(test_serve__json_bodies_are_strict),
        cmocka_unit_test(test_serve__declared_oversized_body_is_refused_before_it_is_sent),
        cmocka_unit_test(test_serve__chunked_oversized_body_is_refused_as_it_passes_the_limit),
        cmocka_unit_test(test_serve__plain_oversized_body_is_refused),
        cmocka_unit_test(test_serve__huge_headers_are_431),
        cmocka_unit_test(test_serve__challenges_follow_new_uploads),
        cmocka_unit_test(test_serve__mentions_come_page_by_page),
        cmocka_unit_test(test_serve__tokens_over_http),
        cmocka_unit_test(test_serve__two_networks_upload_at_once),
        cmocka_unit_test(test_serve__sigterm_finishes_the_upload_in_flight),
        cmocka_unit_test(test_serve__log_names_the_token_never_the_secret),
        cmocka_unit_test(test_serve__dry_run_and_profiles_write_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
