/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_serve_commons.c - commons, links, suggestions, shortlists and the journal over real HTTP:
 * the same rules and errors as the command line, and who may call what. */
#include "helpers.h"
#include "http_client.h"

#include <signal.h>
#include <string.h>

#include "engine/common.h"

static char *dir, *db, *log_path;
static GSubprocess *server;
static guint16 port;
static char *lead, *network, *campaign;

static char *create_token(const char *role, const char *net)
{
    g_autofree char *out = NULL;
    int status = net ? test_defis(db, &out, NULL, "token", "create", "--role", role, "--network",
                                  net, "--json", NULL)
                     : test_defis(db, &out, NULL, "token", "create", "--role", role, "--json",
                                  NULL);
    assert_int_equal(status, 0);
    g_autoptr(json_t) value = json_loads(out, 0, NULL);
    assert_non_null(value);
    return g_strdup(json_string_value(json_object_get(value, "token")));
}

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
    lead = create_token("lead", NULL);
    network = create_token("network", "Alpha");
    campaign = create_token("campaign", NULL);
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
    return test_http_request(port, method, path, token, body ? "application/json" : NULL, body,
                             -1);
}

static void expect(TestHttpResponse *r, guint status)
{
    if (r->status != status)
        fail_msg("got %u, want %u: %s", r->status, status, r->body);
    test_http_response_free(r);
}

static void test_serve_commons__roles(void **state)
{
    const char *add = "{\"name\": \"Paheko\", \"stage\": \"stable\", \"users\": 4}";
    expect(call("POST", "/v1/commons", NULL, add), 401);
    expect(call("POST", "/v1/commons", network, add), 403);
    expect(call("POST", "/v1/commons", campaign, add), 403);
    expect(call("POST", "/v1/commons", lead, add), 201);
    expect(call("GET", "/v1/commons", network, NULL), 200);
    expect(call("GET", "/v1/commons/Paheko", campaign, NULL), 200);
    expect(call("POST", "/v1/challenges/1/commons", campaign, "{\"commons\": \"Paheko\"}"), 403);
    expect(call("POST", "/v1/challenges/1/commons", lead, "{\"commons\": \"Paheko\"}"), 201);
    expect(call("GET", "/v1/challenges/1/commons", network, NULL), 200);
    expect(call("GET", "/v1/challenges/1/suggestions", network, NULL), 200);
    expect(call("POST", "/v1/shortlists", network, "{\"name\": \"n\"}"), 403);
    expect(call("POST", "/v1/shortlists", campaign, "{\"name\": \"c\"}"), 201);
    expect(call("GET", "/v1/shortlists", network, NULL), 200);
    expect(call("GET", "/v1/shortlists/1", campaign, NULL), 200);
    expect(call("GET", "/v1/journal", network, NULL), 403);
    expect(call("GET", "/v1/journal", campaign, NULL), 403);
    expect(call("GET", "/v1/journal?action=commons", lead, NULL), 200);
    expect(call("DELETE", "/v1/challenges/1/commons/Paheko", campaign, NULL), 403);
    expect(call("DELETE", "/v1/challenges/1/commons/Paheko", lead, NULL), 200);
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
    g_autoptr(TestHttpResponse) csv = call("GET", "/v1/shortlists/1?format=csv", campaign, NULL);
    assert_int_equal(csv->status, 200);
    assert_true(g_str_has_prefix(test_http_header(csv, "content-type"), "text/csv"));
    assert_non_null(strstr(csv->body, sha));
    /* The same content as the command line shows. */
    g_autofree char *canonical = NULL;
    assert_int_equal(test_defis(db, &canonical, NULL, "shortlist", "show", "1", "--canonical",
                                NULL),
                     0);
    g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, canonical, -1);
    assert_string_equal(hash, sha);
    expect(call("POST", "/v1/shortlists", lead, "{\"name\": \"S2\", \"unserved\": true}"), 201);
    g_autoptr(TestHttpResponse) diff = call("GET", "/v1/shortlists/1/diff/2", network, NULL);
    assert_int_equal(diff->status, 200);
    g_autoptr(json_t) diff_body = test_http_json(diff);
    assert_non_null(json_object_get(diff_body, "entered"));
    expect(call("GET", "/v1/shortlists/1?format=xml", lead, NULL), 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_serve_commons__roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_commons__same_rules_and_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_serve_commons__shortlists_are_immutable_resources,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
