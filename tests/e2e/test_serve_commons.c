/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_serve_commons.c - commons, links, suggestions, shortlists and the journal over real HTTP:
 * the same rules and errors as the command line (who may call what is in the role matrix of
 * test_serve.c), conditional requests and content negotiation. */
#include "helpers.h"
#include "http_client.h"

#include <signal.h>
#include <string.h>

#include "engine/common.h"

static char *dir, *db, *log_path;
static GSubprocess *server;
static guint16 port;
static char *lead, *network, *campaign;

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "serve.db", NULL);
    log_path = g_build_filename(dir, "serve.log", NULL);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Alpha", NULL), 0);
    g_autofree char *csv = test_write_file(dir, "a.csv",
                                           "place,challenge\n"
                                           "P1,Trouver un logiciel de gestion des adhésions\n"
                                           "P2,Trouver un logiciel de gestion des adhésions\n"
                                           "P3,Financer l'animation du lieu\n",
                                           -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Alpha", csv, NULL), 0);
    lead = test_token(db, "lead", NULL, NULL);
    network = test_token(db, "network", "Alpha", NULL);
    campaign = test_token(db, "campaign", NULL, NULL);
    server = test_serve_start(db, log_path, &port, NULL);
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
    g_clear_pointer(&lead, g_free);
    g_clear_pointer(&network, g_free);
    g_clear_pointer(&campaign, g_free);
    return 0;
}

static TestHttpResponse *call(const char *method, const char *path, const char *token,
                              const char *body)
{
    return test_http_request(port, method, path, token, body ? "application/json" : NULL, body, -1);
}

static void expect(TestHttpResponse *r, guint status)
{
    if (r->status != status)
        fail_msg("got %u, want %u: %s", r->status, status, r->body);
    test_http_response_free(r);
}

static void test_serve_commons__same_rules_and_errors(void **state)
{
    expect(call("POST", "/v1/commons", lead, "{\"name\": \"Wiki\", \"stage\": \"stable\"}"), 201);
    expect(call("POST", "/v1/commons", lead, "{\"name\": \"wiki\", \"stage\": \"idea\"}"), 409);
    expect(call("POST", "/v1/commons", lead, "{\"name\": \"X\", \"stage\": \"beta\"}"), 400);
    expect(call("POST", "/v1/commons", lead, "{\"name\": \"X\", \"colour\": \"red\"}"), 400);
    /* The note rule. */
    expect(call("POST", "/v1/commons/Wiki/stage", lead, "{\"stage\": \"idea\"}"), 400);
    expect(call("POST", "/v1/commons/Wiki/stage", lead,
                "{\"stage\": \"idea\", \"note\": \"restart\"}"),
           200);
    g_autoptr(TestHttpResponse) patched =
        call("PATCH", "/v1/commons/Wiki", lead,
             "{\"users\": 3, \"keywords\": [\"documentation\", \"wiki\"]}");
    assert_int_equal(patched->status, 200);
    g_autoptr(json_t) patched_body = test_http_json(patched);
    json_t *c = json_object_get(patched_body, "commons");
    assert_string_equal(json_string_value(json_object_get(c, "status")), "recognised");
    assert_int_equal(json_array_size(json_object_get(c, "history")), 2);
    expect(call("GET", "/v1/commons/Nope", lead, NULL), 404);
    expect(call("POST", "/v1/challenges/99/commons", lead, "{\"commons\": \"Wiki\"}"), 404);
    expect(call("GET", "/v1/challenges/99/suggestions", lead, NULL), 404);
    expect(call("GET", "/v1/shortlists/99", lead, NULL), 404);
    expect(call("GET", "/v1/journal?since=never", lead, NULL), 400);
    expect(call("POST", "/v1/shortlists", lead, "{\"name\": \"x\", \"stages\": [\"beta\"]}"), 400);
}

static void test_serve_commons__shortlists_are_immutable_resources(void **state)
{
    g_autoptr(TestHttpResponse) created =
        call("POST", "/v1/shortlists", lead, "{\"name\": \"S1\", \"limit\": 5}");
    assert_int_equal(created->status, 201);
    g_autoptr(json_t) created_body = test_http_json(created);
    const char *sha = json_string_value(json_object_get(created_body, "sha256"));
    assert_non_null(test_http_header(created, "location"));
    g_autoptr(TestHttpResponse) got = call("GET", "/v1/shortlists/1", campaign, NULL);
    assert_int_equal(got->status, 200);
    g_autofree char *etag = g_strdup_printf("\"%s\"", sha);
    assert_string_equal(test_http_header(got, "etag"), etag);
    /* Never changes, but is read with a token: no shared cache may hand it to others. */
    assert_string_equal(test_http_header(got, "cache-control"),
                        "private, max-age=31536000, immutable");
    assert_string_equal(test_http_header(got, "x-content-type-options"), "nosniff");
    g_autoptr(TestHttpResponse) csv = call("GET", "/v1/shortlists/1?format=csv", campaign, NULL);
    assert_int_equal(csv->status, 200);
    assert_true(g_str_has_prefix(test_http_header(csv, "content-type"), "text/csv"));
    assert_non_null(strstr(csv->body, sha));
    /* The same content as the command line shows. */
    g_autofree char *canonical = NULL;
    assert_int_equal(
        test_defis(db, &canonical, NULL, "shortlist", "show", "1", "--canonical", NULL), 0);
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, canonical, -1);
    assert_string_equal(hash, sha);
    expect(call("POST", "/v1/shortlists", lead, "{\"name\": \"S2\", \"unserved\": true}"), 201);
    g_autoptr(TestHttpResponse) diff = call("GET", "/v1/shortlists/1/diff/2", network, NULL);
    assert_int_equal(diff->status, 200);
    g_autoptr(json_t) diff_body = test_http_json(diff);
    assert_non_null(json_object_get(diff_body, "entered"));
    expect(call("GET", "/v1/shortlists/1?format=xml", lead, NULL), 400);
}

/* One GET with extra HEADERS ("Name: value", NULL-ended) as the campaign. */
static TestHttpResponse *get_with(const char *path, const char *const *headers)
{
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    assert_non_null(http);
    g_autofree char *auth = g_strdup_printf("Authorization: Bearer %s", campaign);
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    g_ptr_array_add(all, auth);
    for (const char *const *h = headers; h && *h; h++)
        g_ptr_array_add(all, (gpointer)*h);
    g_ptr_array_add(all, NULL);
    assert_true(
        test_http_send(http, "GET", path, (const char *const *)all->pdata, NULL, 0, 0, &error));
    TestHttpResponse *r = test_http_read(http, &error);
    assert_non_null(r);
    return r;
}

static void test_serve_commons__shortlists_answer_304_and_csv_by_accept(void **state)
{
    g_autoptr(TestHttpResponse) created =
        call("POST", "/v1/shortlists", lead, "{\"name\": \"S1\", \"limit\": 5}");
    assert_int_equal(created->status, 201);
    g_autoptr(json_t) created_body = test_http_json(created);
    const char *sha = json_string_value(json_object_get(created_body, "sha256"));
    g_autofree char *etag = g_strdup_printf("\"%s\"", sha);
    g_autofree char *csv_etag = g_strdup_printf("\"%s.csv\"", sha);

    /* If-None-Match with the current tag: 304, no body, the same validators. */
    g_autofree char *match = g_strdup_printf("If-None-Match: \"other\", %s", etag);
    g_autoptr(TestHttpResponse) same = get_with("/v1/shortlists/1", (const char *[]){match, NULL});
    assert_int_equal(same->status, 304);
    assert_int_equal(same->length, 0);
    assert_string_equal(test_http_header(same, "etag"), etag);
    g_autofree char *weak = g_strdup_printf("If-None-Match: W/%s", etag);
    g_autoptr(TestHttpResponse) weak_match =
        get_with("/v1/shortlists/1", (const char *[]){weak, NULL});
    assert_int_equal(weak_match->status, 304);
    g_autoptr(TestHttpResponse) star =
        get_with("/v1/shortlists/1", (const char *[]){"If-None-Match: *", NULL});
    assert_int_equal(star->status, 304);
    /* Another tag, or the JSON tag asked of the CSV form: the whole answer. */
    g_autoptr(TestHttpResponse) stale =
        get_with("/v1/shortlists/1", (const char *[]){"If-None-Match: \"stale\"", NULL});
    assert_int_equal(stale->status, 200);
    g_autofree char *json_tag = g_strdup_printf("If-None-Match: %s", etag);
    g_autoptr(TestHttpResponse) other_form =
        get_with("/v1/shortlists/1?format=csv", (const char *[]){json_tag, NULL});
    assert_int_equal(other_form->status, 200);

    /* Accept: text/csv gives the CSV form, the same bytes as ?format=csv. */
    g_autoptr(TestHttpResponse) by_query =
        call("GET", "/v1/shortlists/1?format=csv", campaign, NULL);
    g_autoptr(TestHttpResponse) by_accept =
        get_with("/v1/shortlists/1", (const char *[]){"Accept: text/csv", NULL});
    assert_int_equal(by_accept->status, 200);
    assert_true(g_str_has_prefix(test_http_header(by_accept, "content-type"), "text/csv"));
    assert_string_equal(test_http_header(by_accept, "etag"), csv_etag);
    assert_string_equal(test_http_header(by_accept, "vary"), "Accept");
    assert_int_equal(by_accept->length, by_query->length);
    assert_memory_equal(by_accept->body, by_query->body, by_query->length);
    g_autofree char *csv_match = g_strdup_printf("If-None-Match: %s", csv_etag);
    g_autoptr(TestHttpResponse) csv_same =
        get_with("/v1/shortlists/1", (const char *[]){"Accept: text/csv", csv_match, NULL});
    assert_int_equal(csv_same->status, 304);
    /* Qualities decide; JSON when the client has no preference; 406 when neither will do. */
    g_autoptr(TestHttpResponse) prefers_json = get_with(
        "/v1/shortlists/1", (const char *[]){"Accept: text/csv;q=0.5, application/json", NULL});
    assert_string_equal(test_http_header(prefers_json, "content-type"), "application/json");
    g_autoptr(TestHttpResponse) any =
        get_with("/v1/shortlists/1", (const char *[]){"Accept: */*", NULL});
    assert_string_equal(test_http_header(any, "content-type"), "application/json");
    g_autoptr(TestHttpResponse) text_any = get_with(
        "/v1/shortlists/1", (const char *[]){"Accept: text/*, application/json;q=0.1", NULL});
    assert_true(g_str_has_prefix(test_http_header(text_any, "content-type"), "text/csv"));
    g_autoptr(TestHttpResponse) none =
        get_with("/v1/shortlists/1", (const char *[]){"Accept: image/png", NULL});
    assert_int_equal(none->status, 406);
    /* ?format= wins over Accept. */
    g_autoptr(TestHttpResponse) query_wins =
        get_with("/v1/shortlists/1?format=json", (const char *[]){"Accept: text/csv", NULL});
    assert_string_equal(test_http_header(query_wins, "content-type"), "application/json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_serve_commons__same_rules_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_commons__shortlists_are_immutable_resources,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_commons__shortlists_answer_304_and_csv_by_accept,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
