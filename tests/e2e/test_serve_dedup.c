/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_serve_dedup.c - the lead's steering over real HTTP: review, dismiss, merge, unmerge, split,
 * rebuild, votes, rescore and one challenge shown, with the rules and errors of the command
 * line. Who may call what is in the role matrix of test_serve.c. */
#include "helpers.h"
#include "http_client.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "engine/common.h"

static char *dir, *db, *log_path;
static GSubprocess *server;
static guint16 port;
static char *lead, *alpha, *campaign;

/* The challenge of the first mention whose text is TEXT. */
static gint64 challenge_of(const char *text)
{
    g_autofree char *sql = g_strdup_printf(
        "SELECT challenge_id FROM mention WHERE text = '%s' ORDER BY id LIMIT 1", text);
    return test_query_int(db, sql);
}

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "serve.db", NULL);
    log_path = g_build_filename(dir, "serve.log", NULL);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Alpha", NULL), 0);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Beta", NULL), 0);
    g_autofree char *a = test_write_file(dir, "a.csv",
                                         "place,challenge,importance\n"
                                         "P1,Construire un four à pain collectif,5\n"
                                         "P2,Construire un four à pain collectif,4\n"
                                         "P3,Organiser une bourse aux semences,3\n"
                                         "P4,Apprendre la soudure aux bénévoles,2\n"
                                         "P5,Organiser une bourse aux semences,4\n",
                                         -1);
    g_autofree char *b = test_write_file(dir, "b.csv",
                                         "place,challenge\n"
                                         "Q1,Apprendre la soudure aux bénévoles\n"
                                         "Q2,Traduire les statuts en breton\n",
                                         -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Alpha", a, NULL), 0);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Beta", b, NULL), 0);
    /* Two wordings close, but apart at a strict threshold: a pair for review. The
     * service rebuilds with the same [dedup] settings. */
    g_autofree char *strict =
        test_write_file(dir, "strict.ini", "[dedup]\nthreshold = 0.6\nreview_margin = 0.5\n", -1);
    g_autofree char *near = test_write_file(dir, "near.csv",
                                            "place,challenge\n"
                                            "R1,Trouver des financements pour l'animation\n"
                                            "R2,Financement de l'animation du lieu\n",
                                            -1);
    assert_int_equal(
        test_defis(db, NULL, NULL, "import", "--network", "Beta", "--config", strict, near, NULL),
        0);
    lead = test_token(db, "lead", NULL, NULL);
    alpha = test_token(db, "network", "Alpha", NULL);
    campaign = test_token(db, "campaign", NULL, NULL);
    g_autofree char *config =
        test_write_file(dir, "serve.ini", "[service]\nsettings = strict.ini\n", -1);
    server = test_serve_start(db, log_path, &port, "--config", config, NULL);
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
    g_clear_pointer(&alpha, g_free);
    g_clear_pointer(&campaign, g_free);
    return 0;
}

static TestHttpResponse *call(const char *method, const char *path, const char *token,
                              const char *body)
{
    return test_http_request(port, method, path, token, body ? "application/json" : NULL, body, -1);
}

/* Calls and checks the status; returns the JSON body (caller frees). */
static json_t *expect(const char *method, const char *path, const char *token, const char *body,
                      guint status)
{
    g_autoptr(TestHttpResponse) r = call(method, path, token, body);
    if (r->status != status)
        fail_msg("%s %s %s: got %u, want %u: %s", method, path, body ? body : "", r->status, status,
                 r->body);
    return test_http_json(r);
}

#define EXPECT(method, path, token, body, status)                                                  \
    json_decref(expect(method, path, token, body, status))

/* The ranked challenges, every one. */
static json_t *ranking(void)
{
    json_t *page = expect("GET", "/v1/challenges?limit=100", campaign, NULL, 200);
    json_t *challenges = json_incref(json_object_get(page, "challenges"));
    json_decref(page);
    return challenges;
}

static void test_serve_dedup__merge_then_unmerge_restores_the_ranking(void **state)
{
    gint64 seeds = challenge_of("Organiser une bourse aux semences");
    gint64 welding = challenge_of("Apprendre la soudure aux bénévoles");
    g_autoptr(json_t) before = ranking();
    g_autofree char *merge = g_strdup_printf("/v1/challenges/%" G_GINT64_FORMAT "/merge", seeds);
    g_autofree char *sources = g_strdup_printf("{\"sources\": [%" G_GINT64_FORMAT "]}", welding);
    g_autoptr(json_t) merged = expect("POST", merge, lead, sources, 200);
    assert_int_equal(json_integer_value(json_object_get(merged, "target")), seeds);
    assert_int_equal(json_array_size(json_object_get(merged, "merges")), 1);
    g_autoptr(json_t) during = ranking();
    assert_false(json_equal(before, during));
    assert_int_equal(json_array_size(during), json_array_size(before) - 1);
    /* The source shows where it went. */
    g_autofree char *show = g_strdup_printf("/v1/challenges/%" G_GINT64_FORMAT, welding);
    g_autoptr(json_t) source = expect("GET", show, campaign, NULL, 200);
    assert_string_equal(json_string_value(json_object_get(source, "state")), "merged");
    assert_int_equal(json_integer_value(json_object_get(source, "merged_into")), seeds);

    g_autofree char *unmerge =
        g_strdup_printf("/v1/challenges/%" G_GINT64_FORMAT "/unmerge", welding);
    EXPECT("POST", unmerge, lead, NULL, 200);
    g_autoptr(json_t) after = ranking();
    if (!json_equal(before, after)) {
        g_autofree char *a = json_dumps(before, JSON_INDENT(1)),
                        *b = json_dumps(after, JSON_INDENT(1));
        fail_msg("the ranking differs after unmerge:\n%s\n%s", a, b);
    }
    /* Nothing left to undo; unknown ids are 404, as on the command line. */
    EXPECT("POST", unmerge, lead, NULL, 409);
    EXPECT("POST", "/v1/challenges/99999/unmerge", lead, NULL, 404);
    EXPECT("POST", "/v1/challenges/abc/unmerge", lead, NULL, 404);
    EXPECT("POST", "/v1/challenges/99999/merge", lead, sources, 404);
    EXPECT("POST", merge, lead, "{\"sources\": [99999]}", 404);
    g_autofree char *itself = g_strdup_printf("{\"sources\": [%" G_GINT64_FORMAT "]}", seeds);
    EXPECT("POST", merge, lead, itself, 400);
    g_autoptr(json_t) unchanged = ranking();
    assert_true(json_equal(before, unchanged));
}

static void test_serve_dedup__split_returns_a_new_id(void **state)
{
    gint64 oven = challenge_of("Construire un four à pain collectif");
    gint64 mention = test_query_int(db, "SELECT max(id) FROM mention WHERE text = "
                                        "'Construire un four à pain collectif'");
    gint64 highest = test_query_int(db, "SELECT max(id) FROM challenge");
    g_autofree char *body = g_strdup_printf("{\"mentions\": [%" G_GINT64_FORMAT "]}", mention);
    g_autoptr(TestHttpResponse) r = call("POST", "/v1/mentions/split", lead, body);
    assert_int_equal(r->status, 201);
    g_autoptr(json_t) split = test_http_json(r);
    gint64 created = json_integer_value(json_object_get(split, "challenge"));
    assert_true(created > highest);
    g_autofree char *location = g_strdup_printf("/v1/challenges/%" G_GINT64_FORMAT, created);
    assert_string_equal(test_http_header(r, "location"), location);
    g_autoptr(json_t) shown = expect("GET", location, lead, NULL, 200);
    json_t *mentions = json_object_get(shown, "mention_list");
    assert_int_equal(json_array_size(mentions), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(mentions, 0), "id")),
                     mention);
    /* The rest of the challenge stays; the last mention of one cannot leave it. */
    g_autofree char *rest =
        g_strdup_printf("{\"mentions\": [%" G_GINT64_FORMAT "]}",
                        test_query_int(db, "SELECT min(id) FROM mention WHERE text = "
                                           "'Construire un four à pain collectif'"));
    (void)oven;
    EXPECT("POST", "/v1/mentions/split", lead, rest, 400);
    EXPECT("POST", "/v1/mentions/split", lead, "{\"mentions\": [99999]}", 404);
}

static void test_serve_dedup__dismiss_removes_the_pair_from_review(void **state)
{
    g_autoptr(json_t) review = expect("GET", "/v1/review", lead, NULL, 200);
    json_t *pairs = json_object_get(review, "pairs");
    assert_int_equal(json_array_size(pairs), 1);
    json_t *pair = json_array_get(pairs, 0);
    gint64 a = json_integer_value(json_object_get(json_object_get(pair, "a"), "id"));
    gint64 b = json_integer_value(json_object_get(json_object_get(pair, "b"), "id"));
    /* The same queue as the command line shows. */
    g_autofree char *out = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "review", "--format", "json", NULL), 0);
    g_autoptr(json_t) cli = json_loads(out, 0, NULL);
    assert_true(json_equal(cli, review));
    g_autofree char *body =
        g_strdup_printf("{\"a\": %" G_GINT64_FORMAT ", \"b\": %" G_GINT64_FORMAT "}", b, a);
    EXPECT("POST", "/v1/review/dismiss", lead, body, 200);
    g_autoptr(json_t) empty = expect("GET", "/v1/review?limit=5", lead, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(empty, "pairs")), 0);
    g_autofree char *self =
        g_strdup_printf("{\"a\": %" G_GINT64_FORMAT ", \"b\": %" G_GINT64_FORMAT "}", a, a);
    EXPECT("POST", "/v1/review/dismiss", lead, self, 400);
    EXPECT("POST", "/v1/review/dismiss", lead, "{\"a\": 99998, \"b\": 99999}", 404);
    EXPECT("GET", "/v1/review?limit=0", lead, NULL, 400);
    EXPECT("GET", "/v1/review?limit=10001", lead, NULL, 400);
    /* A rebuild under the service's settings keeps the decision. */
    g_autoptr(json_t) report = expect("POST", "/v1/dedup/rebuild", lead, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(report, "challenges")),
                     test_query_int(db, "SELECT count(*) FROM challenge WHERE state = 'open'"));
    assert_true(json_integer_value(json_object_get(report, "locked")) >= 2);
    g_autoptr(json_t) still = expect("GET", "/v1/review", lead, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(still, "pairs")), 0);
}

static void test_serve_dedup__a_network_votes_for_its_own_network_only(void **state)
{
    gint64 breton = challenge_of("Traduire les statuts en breton");
    gint64 votes = test_query_int(db, "SELECT count(*) FROM vote");
    gint64 journal = test_query_int(db, "SELECT count(*) FROM journal");
    gint64 places = test_query_int(db, "SELECT count(*) FROM place");
    g_autofree char *other = g_strdup_printf("{\"challenge\": %" G_GINT64_FORMAT
                                             ", \"place\": \"Intrus\", \"network\": \"Beta\"}",
                                             breton);
    g_autoptr(json_t) refused = expect("POST", "/v1/votes", alpha, other, 403);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(refused, "error"), "code")), "forbidden");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM vote"), votes);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM journal"), journal);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM place"), places);
    /* Its own network, named or not. */
    g_autofree char *own = g_strdup_printf(
        "{\"challenge\": %" G_GINT64_FORMAT ", \"place\": \"La Fabrique\"}", breton);
    g_autoptr(json_t) vote = expect("POST", "/v1/votes", alpha, own, 201);
    assert_string_equal(json_string_value(json_object_get(vote, "network")), "Alpha");
    assert_int_equal(json_integer_value(json_object_get(vote, "challenge")), breton);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM vote"), votes + 1);
    /* A vote counts once: the second is refused, as `defis vote` refuses it. */
    EXPECT("POST", "/v1/votes", alpha, own, 409);
    g_autofree char *named = g_strdup_printf("{\"challenge\": %" G_GINT64_FORMAT
                                             ", \"place\": \"Le Hangar\", \"network\": \"Alpha\"}",
                                             breton);
    EXPECT("POST", "/v1/votes", alpha, named, 201);
    /* A lead names the network. */
    EXPECT("POST", "/v1/votes", lead, own, 400);
    EXPECT("POST", "/v1/votes", lead, other, 201);
    g_autofree char *unknown_network = g_strdup_printf(
        "{\"challenge\": %" G_GINT64_FORMAT ", \"place\": \"X\", \"network\": \"Gamma\"}", breton);
    EXPECT("POST", "/v1/votes", lead, unknown_network, 404);
    EXPECT("POST", "/v1/votes", alpha, "{\"challenge\": 99999, \"place\": \"X\"}", 404);
    g_autofree char *bad_place =
        g_strdup_printf("{\"challenge\": %" G_GINT64_FORMAT ", \"place\": \" X\"}", breton);
    EXPECT("POST", "/v1/votes", alpha, bad_place, 400);
    EXPECT("POST", "/v1/votes", campaign, own, 403);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM vote"), votes + 3);
    /* The votes show in the challenge, and rescoring from scratch changes nothing. */
    g_autofree char *show = g_strdup_printf("/v1/challenges/%" G_GINT64_FORMAT, breton);
    g_autoptr(json_t) before = expect("GET", show, campaign, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(before, "vote_list")), 3);
    g_autoptr(json_t) rescored = expect("POST", "/v1/rescore", lead, NULL, 200);
    assert_true(json_integer_value(json_object_get(rescored, "scored")) > 0);
    g_autoptr(json_t) after = expect("GET", show, campaign, NULL, 200);
    assert_true(
        json_equal(json_object_get(before, "breakdown"), json_object_get(after, "breakdown")));
}

static void test_serve_dedup__bad_bodies_are_400(void **state)
{
    static const struct {
        const char *path, *body;
    } cases[] = {
        {"/v1/review/dismiss", "{\"a\": 1, \"b\": 2, \"c\": 3}"},
        {"/v1/review/dismiss", "{\"a\": \"1\", \"b\": 2}"},
        {"/v1/review/dismiss", "{\"a\": 1, \"a\": 2, \"b\": 3}"},
        {"/v1/review/dismiss", "{\"a\": 1.5, \"b\": 2}"},
        {"/v1/review/dismiss", "{\"a\": 0, \"b\": 2}"},
        {"/v1/review/dismiss", "{\"a\": 1}"},
        {"/v1/challenges/1/merge", "{\"sources\": [2], \"into\": 1}"},
        {"/v1/challenges/1/merge", "{\"sources\": 2}"},
        {"/v1/challenges/1/merge", "{\"sources\": []}"},
        {"/v1/challenges/1/merge", "{\"sources\": [\"2\"]}"},
        {"/v1/challenges/1/merge", "{\"sources\": [-2]}"},
        {"/v1/challenges/1/merge", "{\"sources\": [2], \"sources\": [3]}"},
        {"/v1/mentions/split", "{\"mentions\": [1], \"title\": \"x\"}"},
        {"/v1/mentions/split", "{\"mentions\": [null]}"},
        {"/v1/mentions/split", "{}"},
        {"/v1/mentions/split", "[1, 2]"},
        {"/v1/mentions/split", "{\"mentions\": [1]"},
        {"/v1/votes", "{\"challenge\": 1, \"place\": \"X\", \"colour\": \"red\"}"},
        {"/v1/votes", "{\"challenge\": \"1\", \"place\": \"X\"}"},
        {"/v1/votes", "{\"challenge\": 1, \"place\": 7}"},
        {"/v1/votes", "{\"challenge\": 1, \"place\": \"X\", \"place\": \"Y\"}"},
        {"/v1/votes", "{\"challenge\": 0, \"place\": \"X\"}"},
        {"/v1/votes", "{\"place\": \"X\"}"},
    };
    gint64 journal = test_query_int(db, "SELECT count(*) FROM journal");
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(json_t) error =
            expect("POST", cases[i].path, g_str_equal(cases[i].path, "/v1/votes") ? alpha : lead,
                   cases[i].body, 400);
        const char *code =
            json_string_value(json_object_get(json_object_get(error, "error"), "code"));
        assert_string_equal(code, "bad_request");
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM journal"), journal);
    /* A body of another type is 415; a route without a body takes none. */
    g_autoptr(TestHttpResponse) text =
        test_http_request(port, "POST", "/v1/votes", alpha, "text/plain", "x", -1);
    assert_int_equal(text->status, 415);
}

static void test_serve_dedup__show_is_the_json_of_the_cli(void **state)
{
    gint64 oven = challenge_of("Construire un four à pain collectif");
    g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, oven);
    EXPECT("POST", "/v1/commons", lead, "{\"name\": \"Fournil\", \"stage\": \"prototype\"}", 201);
    g_autofree char *link = g_strdup_printf("/v1/challenges/%s/commons", id);
    EXPECT("POST", link, lead, "{\"commons\": \"Fournil\", \"note\": \"le four\"}", 201);
    g_autofree char *out = NULL;
    assert_int_equal(test_defis(db, &out, NULL, "show", id, "--format", "json", NULL), 0);
    g_autoptr(json_t) cli = json_loads(out, 0, NULL);
    assert_non_null(cli);
    g_autofree char *path = g_strdup_printf("/v1/challenges/%s", id);
    g_autoptr(json_t) http = expect("GET", path, alpha, NULL, 200);
    if (!json_equal(cli, http)) {
        g_autofree char *h = json_dumps(http, JSON_INDENT(1));
        fail_msg("the CLI printed:\n%s\nthe service answered:\n%s", out, h);
    }
    assert_non_null(json_object_get(http, "breakdown"));
    assert_int_equal(json_array_size(json_object_get(http, "commons")), 1);
    EXPECT("GET", "/v1/challenges/99999", alpha, NULL, 404);
    EXPECT("GET", "/v1/challenges/0", alpha, NULL, 404);
    EXPECT("GET", "/v1/challenges/x1", alpha, NULL, 404);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve_dedup__merge_then_unmerge_restores_the_ranking),
        cmocka_unit_test(test_serve_dedup__split_returns_a_new_id),
        cmocka_unit_test(test_serve_dedup__dismiss_removes_the_pair_from_review),
        cmocka_unit_test(test_serve_dedup__a_network_votes_for_its_own_network_only),
        cmocka_unit_test(test_serve_dedup__bad_bodies_are_400),
        cmocka_unit_test(test_serve_dedup__show_is_the_json_of_the_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
