/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_routes.c - the route table, the router and the handlers, without a socket:
 * matching, 404/405 + Allow, roles, error statuses, the cache, OpenAPI in step. */
#include "helpers.h"

#include <string.h>

#include "api/openapi.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/server.h"
#include "api/writer.h"
#include "engine/error.h"
#include "engine/network.h"
#include "surveys/error.h"

static void test_routes__patterns_match_whole_segments(void **state)
{
    char *params[API_MAX_PARAMS] = {NULL};
    assert_true(api_router_pattern_match("/v1/tokens/{id}", "/v1/tokens/42", params));
    assert_string_equal(params[0], "42");
    api_router_params_clear(params);
    assert_false(api_router_pattern_match("/v1/tokens/{id}", "/v1/tokens/", params));
    assert_false(api_router_pattern_match("/v1/tokens/{id}", "/v1/tokens/4/x", params));
    assert_false(api_router_pattern_match("/v1/tokens", "/v1/tokens/", params));
    assert_false(api_router_pattern_match("/v1/tokens", "/v1/token", params));
    assert_true(api_router_pattern_match("/v1/a/{x}/b/{y}", "/v1/a/1/b/2", params));
    assert_string_equal(params[0], "1");
    assert_string_equal(params[1], "2");
    api_router_params_clear(params);
    assert_null(params[0]);
}

static void test_routes__unknown_path_404_wrong_method_405_with_allow(void **state)
{
    char *params[API_MAX_PARAMS] = {NULL};
    GError *error = NULL;
    char *allow = NULL;
    assert_null(api_router_match(api_routes, api_routes_count, "GET", "/v2/x", params, &allow,
                                 &error));
    assert_true(g_error_matches(error, API_ERROR, API_ERROR_NO_ROUTE));
    assert_null(allow);
    g_clear_error(&error);
    assert_null(api_router_match(api_routes, api_routes_count, "PUT", "/v1/networks", params,
                                 &allow, &error));
    assert_true(g_error_matches(error, API_ERROR, API_ERROR_METHOD));
    assert_string_equal(allow, "GET, HEAD, POST");
    g_clear_pointer(&allow, g_free);
    g_clear_error(&error);
    const ApiRoute *route = api_router_match(api_routes, api_routes_count, "HEAD",
                                             "/v1/challenges", params, &allow, &error);
    assert_non_null(route);
    assert_string_equal(route->method, "GET");
    route = api_router_match(api_routes, api_routes_count, "DELETE", "/v1/tokens/7", params,
                             &allow, &error);
    assert_non_null(route);
    assert_string_equal(params[0], "7");
    api_router_params_clear(params);
}

static void test_routes__the_table_is_sound(void **state)
{
    for (gsize i = 0; i < api_routes_count; i++) {
        const ApiRoute *r = &api_routes[i];
        assert_non_null(r->handler);
        assert_true(g_str_has_prefix(r->pattern, "/"));
        assert_true(r->success >= 200 && r->success < 300);
        assert_true((r->roles & ~(unsigned)API_ANY_ROLE) == 0);
        /* Every {param} of the pattern is described as a path parameter. */
        for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
            g_autofree char *name = g_strndup(p + 1, (gsize)(strchr(p, '}') - p - 1));
            gboolean described = FALSE;
            for (const ApiParam *q = r->params; q && q->name; q++)
                described |= strcmp(q->name, name) == 0 && strcmp(q->in, "path") == 0;
            assert_true(described);
        }
        /* No two routes share a method and a pattern. */
        for (gsize j = i + 1; j < api_routes_count; j++)
            assert_false(strcmp(r->method, api_routes[j].method) == 0 &&
                         strcmp(r->pattern, api_routes[j].pattern) == 0);
    }
}

static void test_routes__errors_map_to_statuses_in_one_place(void **state)
{
    static const struct {
        GQuark (*domain)(void);
        int code;
        guint status;
    } cases[] = {
        {defis_error_quark, DEFIS_ERROR_INVALID, 400},
        {defis_error_quark, DEFIS_ERROR_NOT_FOUND, 404},
        {defis_error_quark, DEFIS_ERROR_CONFLICT, 409},
        {defis_error_quark, DEFIS_ERROR_FORBIDDEN, 403},
        {defis_error_quark, DEFIS_ERROR_TOO_LARGE, 413},
        {defis_error_quark, DEFIS_ERROR_BUSY, 503},
        {defis_error_quark, DEFIS_ERROR_STORE, 500},
        {survey_error_quark, SURVEY_ERROR_INVALID, 422},
        {survey_error_quark, SURVEY_ERROR_ENCODING, 422},
        {survey_error_quark, SURVEY_ERROR_TOO_LARGE, 413},
        {api_error_quark, API_ERROR_BAD_REQUEST, 400},
        {api_error_quark, API_ERROR_UNAUTHORIZED, 401},
        {api_error_quark, API_ERROR_NO_ROUTE, 404},
        {api_error_quark, API_ERROR_METHOD, 405},
        {api_error_quark, API_ERROR_NOT_ACCEPTABLE, 406},
        {api_error_quark, API_ERROR_MEDIA_TYPE, 415},
        {api_error_quark, API_ERROR_TOO_MANY, 429},
        {api_error_quark, API_ERROR_HEADERS_TOO_LARGE, 431},
        {api_error_quark, API_ERROR_UNAVAILABLE, 503},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = g_error_new(cases[i].domain(), cases[i].code, "x");
        ApiErrorStatus mapped;
        api_error_status(error, &mapped);
        assert_int_equal(mapped.status, cases[i].status);
        ApiResponse response = {0};
        api_response_error(&response, error, NULL);
        assert_int_equal(response.status, cases[i].status);
        json_t *body = json_loadb(g_bytes_get_data(response.body, NULL),
                                  g_bytes_get_size(response.body), 0, NULL);
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(body, "error"), "code")),
            mapped.code);
        json_decref(body);
        if (cases[i].status == 401)
            assert_non_null(api_response_get_header(&response, "WWW-Authenticate"));
        if (cases[i].status == 503 || cases[i].status == 429)
            assert_non_null(api_response_get_header(&response, "Retry-After"));
        api_response_clear(&response);
    }
    /* An unknown error is a 500 that says nothing of its cause. */
    g_autoptr(GError) other = g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED, "secret detail");
    ApiResponse response = {0};
    api_response_error(&response, other, NULL);
    assert_int_equal(response.status, 500);
    assert_null(g_strstr_len(g_bytes_get_data(response.body, NULL), -1, "secret detail"));
    api_response_clear(&response);
}

static void test_routes__openapi_describes_exactly_the_table(void **state)
{
    g_autoptr(json_t) doc = api_openapi_document();
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *paths = json_object_get(doc, "paths");
    /* Every route is described… */
    for (gsize i = 0; i < api_routes_count; i++) {
        g_autofree char *method = g_ascii_strdown(api_routes[i].method, -1);
        json_t *op = json_object_get(json_object_get(paths, api_routes[i].pattern), method);
        assert_non_null(op);
        assert_non_null(json_object_get(json_object_get(op, "responses"), "200") ?: json_object_get(json_object_get(op, "responses"), "201"));
        if (api_routes[i].roles != API_PUBLIC)
            assert_non_null(json_object_get(json_object_get(op, "responses"), "401"));
    }
    /* …and every described operation is a route. */
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item)
    {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op)
        {
            g_autofree char *upper = g_ascii_strup(method, -1);
            gboolean found = FALSE;
            for (gsize i = 0; i < api_routes_count; i++)
                found |= strcmp(api_routes[i].pattern, path) == 0 &&
                         strcmp(api_routes[i].method, upper) == 0;
            if (!found)
                fail_msg("%s %s is described but not routed", upper, path);
        }
    }
}

/* ---- Dispatch without a socket ----------------------------------------------------------- */

static char *dir;
static ApiConfig config;
static ApiContext *context;
static ApiWorker *worker;
static char *lead;

static int setup(void **state)
{
    dir = test_tmpdir();
    g_autofree char *db = g_build_filename(dir, "r.db", NULL);
    DefisStore *store = defis_store_open(db, DEFIS_STORE_READWRITE, NULL);
    assert_non_null(store);
    assert_true(defis_network_add(store, "Occitanie", NULL, "test", NULL) > 0);
    lead = defis_token_create(store, DEFIS_ROLE_LEAD, NULL, NULL, "test", NULL, NULL);
    assert_non_null(lead);
    defis_store_close(store);
    api_config_init(&config);
    context = api_context_new(&config, db);
    worker = api_worker_new(context, NULL);
    assert_non_null(worker);
    return 0;
}

static int teardown(void **state)
{
    api_context_free(context);
    api_config_clear(&config);
    g_free(lead);
    test_tmpdir_remove(dir);
    g_free(dir);
    return 0;
}

/* Runs METHOD PATH (QUERY: name, value pairs, NULL-ended) as the dispatcher does. */
static void dispatch(const char *method, const char *path, const char *authorization,
                     const char *content_type, const char *body, ApiResponse *response,
                     const char *const *query)
{
    ApiRequest request = {.method = method, .path = path, .worker = worker, .context = context,
                          .content_type = content_type};
    request.query = g_hash_table_new(g_str_hash, g_str_equal);
    for (const char *const *q = query; q && *q; q += 2)
        g_hash_table_insert(request.query, (gpointer)q[0], (gpointer)q[1]);
    if (body)
        request.body = g_bytes_new_static(body, strlen(body));
    if (api_router_prepare(&request, authorization, response))
        api_router_run(&request, response);
    api_router_params_clear(request.params);
    g_hash_table_unref(request.query);
    if (request.body)
        g_bytes_unref(request.body);
}

static void test_routes__dispatch_checks_token_role_media_and_query(void **state)
{
    g_autofree char *bearer = g_strdup_printf("Bearer %s", lead);
    ApiResponse r = {0};
    dispatch("GET", "/v1/networks", NULL, NULL, NULL, &r, NULL);
    assert_int_equal(r.status, 401);
    api_response_clear(&r);
    dispatch("GET", "/v1/networks", "Bearer dfs_nope", NULL, NULL, &r, NULL);
    assert_int_equal(r.status, 401);
    api_response_clear(&r);
    dispatch("GET", "/v1/networks", bearer, NULL, NULL, &r, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(g_strstr_len(g_bytes_get_data(r.body, NULL), -1, "Occitanie"));
    api_response_clear(&r);
    dispatch("POST", "/v1/networks", bearer, "text/plain", "{}", &r, NULL);
    assert_int_equal(r.status, 415);
    api_response_clear(&r);
    dispatch("POST", "/v1/networks", bearer, "application/json", "{\"name\": \"A\", \"x\": 1}",
             &r, NULL);
    assert_int_equal(r.status, 400);
    api_response_clear(&r);
    dispatch("POST", "/v1/networks", bearer, "application/json", "{\"name\": \"Bretagne\"}", &r,
             NULL);
    assert_int_equal(r.status, 201);
    api_response_clear(&r);
    dispatch("GET", "/v1/challenges", bearer, NULL, NULL, &r,
             (const char *const[]){"colour", "red", NULL});
    assert_int_equal(r.status, 400);
    api_response_clear(&r);
    dispatch("DELETE", "/v1/tokens/abc", bearer, NULL, NULL, &r, NULL);
    assert_int_equal(r.status, 404);
    api_response_clear(&r);
    dispatch("GET", "/v1/health", NULL, NULL, NULL, &r, NULL);
    assert_int_equal(r.status, 200);
    api_response_clear(&r);
}

static void test_routes__challenges_come_from_the_cache_until_the_data_moves(void **state)
{
    g_autofree char *bearer = g_strdup_printf("Bearer %s", lead);
    const char *const query[] = {"limit", "5", NULL};
    ApiResponse first = {0}, second = {0}, third = {0};
    dispatch("GET", "/v1/challenges", bearer, NULL, NULL, &first, query);
    assert_int_equal(first.status, 200);
    dispatch("GET", "/v1/challenges", bearer, NULL, NULL, &second, query);
    /* The same bytes, not a copy: a hit. */
    assert_ptr_equal(g_bytes_get_data(first.body, NULL), g_bytes_get_data(second.body, NULL));
    ApiResponse add = {0};
    dispatch("POST", "/v1/networks", bearer, "application/json", "{\"name\": \"Grand Est\"}",
             &add, NULL);
    assert_int_equal(add.status, 201);
    dispatch("GET", "/v1/challenges", bearer, NULL, NULL, &third, query);
    assert_int_equal(third.status, 200);
    assert_ptr_not_equal(g_bytes_get_data(first.body, NULL), g_bytes_get_data(third.body, NULL));
    api_response_clear(&first);
    api_response_clear(&second);
    api_response_clear(&third);
    api_response_clear(&add);
}

/* A job that holds the writer until the test lets it go. */
typedef struct {
    GMutex lock;
    GCond cond;
    gboolean started, release;
    gint runs;
} Gate;

static void gate_job(ApiWorker *writer, gpointer data)
{
    Gate *gate = data;
    assert_non_null(writer->store);
    g_mutex_lock(&gate->lock);
    gate->started = TRUE;
    g_cond_broadcast(&gate->cond);
    while (!gate->release)
        g_cond_wait(&gate->cond, &gate->lock);
    gate->runs++;
    g_mutex_unlock(&gate->lock);
}

static void test_routes__writes_past_the_queue_are_429(void **state)
{
    g_autofree char *tmp = NULL, *path = NULL;
    DefisStore *store = NULL;
    test_store_open(&tmp, &path, &store);
    ApiConfig small;
    api_config_init(&small);
    small.max_queued_writes = 1;
    ApiContext *c = api_context_new(&small, path);
    GError *error = NULL;
    ApiWriter *writer = api_writer_start(c, &error);
    assert_non_null(writer);
    Gate gate = {0};
    g_mutex_init(&gate.lock);
    g_cond_init(&gate.cond);
    /* One write runs, one waits: a third finds the queue full, at once. */
    assert_true(api_writer_reserve(writer, &error));
    api_writer_push(writer, gate_job, &gate);
    g_mutex_lock(&gate.lock);
    while (!gate.started)
        g_cond_wait(&gate.cond, &gate.lock);
    g_mutex_unlock(&gate.lock);
    assert_true(api_writer_reserve(writer, &error));
    api_writer_push(writer, gate_job, &gate);
    assert_false(api_writer_reserve(writer, &error));
    assert_true(g_error_matches(error, API_ERROR, API_ERROR_TOO_MANY));
    g_clear_error(&error);
    assert_int_equal(api_writer_pending(writer), 2);
    g_mutex_lock(&gate.lock);
    gate.release = TRUE;
    g_cond_broadcast(&gate.cond);
    g_mutex_unlock(&gate.lock);
    while (api_writer_pending(writer) > 0)
        g_usleep(1000);
    assert_int_equal(gate.runs, 2);
    assert_true(api_writer_reserve(writer, &error));
    api_writer_push(writer, gate_job, &gate);
    api_writer_stop(writer);
    assert_int_equal(gate.runs, 3);
    g_mutex_clear(&gate.lock);
    g_cond_clear(&gate.cond);
    api_context_free(c);
    api_config_clear(&small);
    test_store_close(&tmp, &path, &store);
}

static void test_routes__accept_and_if_none_match_are_read_from_the_headers(void **state)
{
    static const char *const forms[] = {"application/json", "text/csv"};
    static const struct {
        const char *accept;
        gint form; /* -1: 406 */
    } cases[] = {
        {NULL, 0},
        {"", 0},
        {"text/csv", 1},
        {"TEXT/CSV; charset=utf-8", 1},
        {"*/*", 0},
        {"text/*", 1},
        {"text/csv;q=0.4, application/json;q=0.5", 0},
        {"text/csv, application/json", 0},
        {"application/json;q=0, */*", 1},
        {"image/png", -1},
        {"text/csv;q=0", -1},
        {"text/csv;q=abc, application/json", 0},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GHashTable) headers = g_hash_table_new(g_str_hash, g_str_equal);
        if (cases[i].accept)
            g_hash_table_insert(headers, "accept", (gpointer)cases[i].accept);
        ApiRequest request = {.headers = headers};
        GError *error = NULL;
        gint form = api_request_negotiate(&request, forms, 2, &error);
        if (form != cases[i].form)
            fail_msg("Accept: %s: got %d, want %d", cases[i].accept, form, cases[i].form);
        if (form < 0) {
            assert_true(g_error_matches(error, API_ERROR, API_ERROR_NOT_ACCEPTABLE));
            ApiErrorStatus mapped;
            api_error_status(error, &mapped);
            assert_int_equal(mapped.status, 406);
        }
        g_clear_error(&error);
    }
    g_autoptr(GHashTable) headers = g_hash_table_new(g_str_hash, g_str_equal);
    ApiRequest request = {.headers = headers};
    assert_false(api_request_etag_matches(&request, "\"abc\""));
    g_hash_table_insert(headers, "if-none-match", "\"x\", W/\"abc\"");
    assert_true(api_request_etag_matches(&request, "\"abc\""));
    assert_false(api_request_etag_matches(&request, "\"ab\""));
    assert_string_equal(api_request_header(&request, "If-None-Match"), "\"x\", W/\"abc\"");
    ApiRequest bare = {0};
    assert_null(api_request_header(&bare, "Accept"));
}

static void test_routes__the_service_reads_its_settings_file_at_start(void **state)
{
    g_autofree char *good = test_write_file(dir, "dedup.ini", "[dedup]\nthreshold = 0.5\n", -1);
    g_autofree char *bad = test_write_file(dir, "bad.ini", "[dedup]\nthreshold = two\n", -1);
    g_autofree char *with_good =
        test_write_file(dir, "good-serve.ini", "[service]\nsettings = dedup.ini\n", -1);
    g_autofree char *with_bad =
        test_write_file(dir, "bad-serve.ini", "[service]\nsettings = bad.ini\n", -1);
    ApiConfig c;
    api_config_init(&c);
    GError *error = NULL;
    assert_true(api_config_load(&c, with_good, &error));
    assert_non_null(c.settings);
    assert_true(c.settings->dedup.threshold == 0.5);
    api_config_clear(&c);
    api_config_init(&c);
    assert_false(api_config_load(&c, with_bad, &error));
    assert_true(g_error_matches(error, DEFIS_ERROR, DEFIS_ERROR_INVALID));
    g_clear_error(&error);
    api_config_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes__patterns_match_whole_segments),
        cmocka_unit_test(test_routes__unknown_path_404_wrong_method_405_with_allow),
        cmocka_unit_test(test_routes__the_table_is_sound),
        cmocka_unit_test(test_routes__errors_map_to_statuses_in_one_place),
        cmocka_unit_test(test_routes__openapi_describes_exactly_the_table),
        cmocka_unit_test(test_routes__dispatch_checks_token_role_media_and_query),
        cmocka_unit_test(test_routes__challenges_come_from_the_cache_until_the_data_moves),
        cmocka_unit_test(test_routes__writes_past_the_queue_are_429),
        cmocka_unit_test(test_routes__accept_and_if_none_match_are_read_from_the_headers),
        cmocka_unit_test(test_routes__the_service_reads_its_settings_file_at_start),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
