/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_serve_hostile.c - a real `defis serve` tried as a careless or hostile client would:
 * bytes that are not UTF-8 anywhere in a request, framing tricks, slow clients, uploads
 * beside reads. Each answer is a 4xx with a JSON error, nothing is written, and the
 * service keeps answering. */
#include "helpers.h"
#include "http_client.h"

#include "api/routes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char *dir, *db, *log_path;
static GSubprocess *server;
static guint16 port;
static char *lead, *net_a;

static int setup(void **state)
{
    dir = test_tmpdir();
    db = g_build_filename(dir, "hostile.db", NULL);
    log_path = g_build_filename(dir, "hostile.log", NULL);
    assert_int_equal(test_defis(db, NULL, NULL, "network", "add", "Occitanie", NULL), 0);
    lead = test_token(db, "lead", NULL, NULL);
    net_a = test_token(db, "network", "Occitanie", NULL);
    g_autofree char *csv = test_write_file(dir, "seed.csv",
                                           "place,challenge\nLieu A,Financer l'animation\n"
                                           "Lieu B,Trouver des bénévoles\n",
                                           -1);
    assert_int_equal(test_defis(db, NULL, NULL, "import", "--network", "Occitanie", csv, NULL),
                     0);
    server = test_serve_start(db, log_path, &port, "--threads", "2", NULL);
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
    g_clear_pointer(&net_a, g_free);
    return 0;
}

/* Fails the test unless R is a 4xx whose body is a JSON error with a code and a
 * message that are valid UTF-8. */
static void assert_client_error(const TestHttpResponse *r, const char *what)
{
    if (r->status < 400 || r->status >= 500)
        fail_msg("%s: status %u, body %s", what, r->status, r->body);
    assert_true(g_utf8_validate(r->body, (gssize)r->length, NULL));
    json_t *body = test_http_json(r);
    if (!body)
        fail_msg("%s: the body is not JSON: %s", what, r->body);
    json_t *error = json_object_get(body, "error");
    assert_non_null(json_string_value(json_object_get(error, "code")));
    assert_non_null(json_string_value(json_object_get(error, "message")));
    json_decref(body);
}

/* The service still answers. */
static void assert_alive(void)
{
    g_autoptr(TestHttpResponse) r = test_http_request(port, "GET", "/v1/health", NULL, NULL,
                                                      NULL, 0);
    assert_int_equal(r->status, 200);
}

/* RAW sent as is on a new connection; the response read. */
static TestHttpResponse *raw_request(const char *raw, gsize length)
{
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    assert_non_null(http);
    test_http_write(http, raw, length, &error);
    g_clear_error(&error);
    TestHttpResponse *r = test_http_read(http, &error);
    if (!r)
        fail_msg("no response to %.*s: %s", (int)MIN(length, 80), raw,
                 error ? error->message : "?");
    return r;
}

/* ---- Bytes that are not UTF-8 ---------------------------------------------------------- */

static void test_serve_hostile__non_utf8_in_path_query_and_method_is_400(void **state)
{
    static const char *const targets[] = {
        "/%FF",
        "/v1/%FF",
        "/v1/health?x%FF=1",
        "/v1/health?x=%FF",
        "/v1/challenges/%FF",
        "/v1/challenges?theme=%C3",
        "/v1/commons/%FF%FE",
        "/v1/commons?stage=%FF",
        "/v1/journal?since=%FF",
        "/v1/challenges/1/commons/%E9",
        "/v1/shortlists/%FF/diff/1",
    };
    gint64 journal = test_query_int(db, "SELECT count(*) FROM journal");
    for (gsize i = 0; i < G_N_ELEMENTS(targets); i++) {
        for (int with_token = 0; with_token < 2; with_token++) {
            g_autoptr(TestHttpResponse) r = test_http_request(
                port, "GET", targets[i], with_token ? lead : NULL, NULL, NULL, 0);
            assert_client_error(r, targets[i]);
            assert_int_equal(r->status, 400);
        }
        assert_alive();
    }
    /* A method that is not a token, and one with a byte that is not UTF-8. */
    for (const char *const *raw = (const char *const[]){
             "G\xff" "T /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
             "G(T /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", NULL};
         *raw; raw++) {
        g_autoptr(TestHttpResponse) r = raw_request(*raw, strlen(*raw));
        assert_client_error(r, *raw);
        assert_alive();
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM journal"), journal);
}

static void test_serve_hostile__uploads_with_non_utf8_parameters_write_nothing(void **state)
{
    static const char *const queries[] = {
        "network=%FF", "profile=%FF", "map=place%3D%FF", "format=%FF", "title=%FF%FE",
    };
    gint64 surveys = test_query_int(db, "SELECT count(*) FROM survey");
    const char *csv = "place,challenge\nLieu Z,Réparer le toit du hangar\n";
    for (gsize i = 0; i < G_N_ELEMENTS(queries); i++) {
        g_autofree char *target = g_strdup_printf("/v1/surveys?%s", queries[i]);
        g_autoptr(TestHttpResponse) r =
            test_http_request(port, "POST", target, lead, "text/csv", csv, -1);
        assert_client_error(r, target);
        assert_alive();
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey"), surveys);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM survey WHERE title IS NOT NULL "
                                        "AND CAST(title AS BLOB) = x'FFFE'"),
                     0);
}

static void test_serve_hostile__json_errors_quote_valid_utf8(void **state)
{
    /* A backslash, then a multi-byte character: jansson quotes the bytes it stopped at. */
    static const char *const bodies[] = {
        "\\\xc3\xa9xxxxxx", "{\"name\": \"\\\xc3\xa9\"}", "{\"na\xffme\": 1}",
        "{\"name\": \"\xff\"}", "\xef\xbb\xbf{}", "{\"name\": \"a\\u0000b\"}",
    };
    gint64 networks = test_query_int(db, "SELECT count(*) FROM network");
    for (gsize i = 0; i < G_N_ELEMENTS(bodies); i++) {
        g_autoptr(TestHttpResponse) r = test_http_request(port, "POST", "/v1/networks", lead,
                                                          "application/json", bodies[i], -1);
        assert_client_error(r, bodies[i]);
        assert_alive();
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM network"), networks);
    /* Every line the service logged is JSON. */
    g_autofree char *log = test_read_file(log_path, NULL);
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    for (char **line = lines; *line; line++) {
        if (!**line || **line != '{')
            continue;
        json_t *value = test_parse_json(*line);
        json_decref(value);
    }
}

/* ---- Framing ---------------------------------------------------------------------------- */

static void test_serve_hostile__ambiguous_framing_and_huge_queries_are_400_at_once(void **state)
{
    gint64 networks = test_query_int(db, "SELECT count(*) FROM network");
    static const char *const framings[] = {
        "Content-Length: 13\r\nContent-Length: 40\r\n",
        "Content-Length: 13\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(framings); i++) {
        g_autofree char *raw = g_strdup_printf(
            "POST /v1/networks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\n%s\r\n{\"name\":\"X\"}",
            lead, framings[i]);
        gint64 start = g_get_monotonic_time();
        g_autoptr(TestHttpResponse) r = raw_request(raw, strlen(raw));
        assert_client_error(r, framings[i]);
        assert_int_equal(r->status, 400);
        assert_true(g_get_monotonic_time() - start < 2 * G_USEC_PER_SEC);
        assert_alive();
    }
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM network"), networks);
    /* Thousands of query parameters: a prompt 400, not a wait. */
    GString *target = g_string_new("/v1/challenges?limit=5");
    for (int i = 0; i < 3000; i++)
        g_string_append_printf(target, "&p%d=1", i);
    gint64 start = g_get_monotonic_time();
    g_autoptr(TestHttpResponse) r = test_http_request(port, "GET", target->str, lead, NULL,
                                                      NULL, 0);
    assert_client_error(r, "3000 parameters");
    assert_true(g_get_monotonic_time() - start < 2 * G_USEC_PER_SEC);
    g_string_free(target, TRUE);
    assert_alive();
    /* Every answer says what it is. */
    g_autoptr(TestHttpResponse) health = test_http_request(port, "GET", "/v1/health", NULL,
                                                           NULL, NULL, 0);
    assert_string_equal(test_http_header(health, "x-content-type-options"), "nosniff");
}

/* ---- A corpus of malformed input to every route ---------------------------------------- */

/* Rows of the tables a write touches: a refused request changes none of them. */
static gint64 written(void)
{
    return test_query_int(db, "SELECT (SELECT count(*) FROM journal) + (SELECT count(*) FROM "
                              "network) + (SELECT count(*) FROM survey) + (SELECT count(*) "
                              "FROM mention) + (SELECT count(*) FROM token) + (SELECT "
                              "count(*) FROM commons) + (SELECT count(*) FROM shortlist)");
}

/* PATTERN with its {parameters} replaced: the one numbered HOSTILE (from 0) by
 * VALUE, the others by "999999" (nothing has that id or name). */
static char *fill(const char *pattern, int hostile, const char *value)
{
    GString *out = g_string_new(NULL);
    int n = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p != '{') {
            g_string_append_c(out, *p);
            continue;
        }
        g_string_append(out, n++ == hostile ? value : "999999");
        p = strchr(p, '}');
    }
    return g_string_free(out, FALSE);
}

static guint sent, refused;

/* Sends one request as the lead and fails unless it is refused with a 4xx JSON
 * error; HEADER (may be NULL) is one more header line. */
static void expect_refused(const char *method, const char *target, const char *content_type,
                           const char *body, gssize length, const char *header)
{
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    assert_non_null(http);
    g_autofree char *auth = g_strdup_printf("Authorization: Bearer %s", lead);
    g_autofree char *type = content_type ? g_strdup_printf("Content-Type: %s", content_type)
                                         : NULL;
    const char *headers[] = {auth, "Connection: close", header ? header : type, type, NULL};
    if (!header)
        headers[3] = NULL;
    test_http_send(http, method, target, headers, body, body ? length : 0, 0, &error);
    g_clear_error(&error);
    g_autoptr(TestHttpResponse) r = test_http_read(http, &error);
    if (!r)
        fail_msg("%s %s: no answer (%s)", method, target, error ? error->message : "?");
    g_autofree char *what = g_strdup_printf("%s %.100s [%.60s]", method, target,
                                            body ? body : (header ? header : ""));
    assert_client_error(r, what);
    sent++;
    refused++;
}

static void test_serve_hostile__every_route_refuses_a_corpus_of_malformed_input(void **state)
{
    static const char *const path_values[] = {
        "0", "-1", "99999999999999999999999", "%FF", "%C3%28", "1e3", "0x10", "%20",
        "%2E%2E", "%00", "1;2",
    };
    static const char *const query_values[] = {"%FF", "%C3%28", "%ED%A0%80"};
    static const char *const int_values[] = {"abc", "99999999999999999999", "1.5", "0x10", ""};
    static const char *const json_bodies[] = {
        "", "{", "}", "[]", "null", "\"x\"", "1", "{\"a\":1,\"a\":1}", "{\"x\":1e999999}",
        "{\"name\":\"\\ud800\"}", "{\"name\":\"\xff\"}", "{\"name\": \"a\"} trailing", "{,}",
        "{\"name\":}", "\xef\xbb\xbf", "{\"\":{\"\":{\"\":[[[[[[[[]]]]]]]]}}}",
    };
    static const char *const csv_bodies[] = {
        "", "\xff\xfe\x00\x01garbage", "place,challenge\n\"unterminated,x\n",
        "challenge\nsans lieu\n", "place,challenge\nA,\x81\x8d\x8f\x90\x9d\n", "\"\"\"\n\"\n",
        "place;challenge;place\nA;B;C\n",
    };
    g_autoptr(GString) deep = g_string_new(NULL);
    for (int i = 0; i < 100000; i++)
        g_string_append_c(deep, '[');
    gint64 before = written();
    for (gsize r = 0; r < api_routes_count; r++) {
        const ApiRoute *route = &api_routes[r];
        if (route->roles == API_PUBLIC)
            continue;
        int holes = 0;
        for (const char *p = route->pattern; (p = strchr(p, '{')); p++)
            holes++;
        /* Path parameters nothing can have. */
        for (int h = 0; h < holes; h++)
            for (gsize v = 0; v < G_N_ELEMENTS(path_values); v++) {
                g_autofree char *target = fill(route->pattern, h, path_values[v]);
                expect_refused(route->method, target, "application/json", "{}", 2, NULL);
            }
        g_autofree char *base = fill(route->pattern, -1, NULL);
        /* A parameter no route knows, and each known one with bytes that are not text. */
        g_autofree char *unknown = g_strdup_printf("%s?zzz=1", base);
        expect_refused(route->method, unknown, NULL, NULL, 0, NULL);
        for (const ApiParam *param = route->params; param && param->name; param++) {
            if (strcmp(param->in, "query") != 0)
                continue;
            for (gsize v = 0; v < G_N_ELEMENTS(query_values); v++) {
                g_autofree char *target =
                    g_strdup_printf("%s?%s=%s", base, param->name, query_values[v]);
                expect_refused(route->method, target, NULL, NULL, 0, NULL);
            }
            for (gsize v = 0; strcmp(param->type, "integer") == 0 && v < G_N_ELEMENTS(int_values);
                 v++) {
                g_autofree char *target =
                    g_strdup_printf("%s?%s=%s", base, param->name, int_values[v]);
                expect_refused(route->method, target, NULL, NULL, 0, NULL);
            }
        }
        if (!route->body_types)
            continue;
        /* Bodies: malformed JSON, and for surveys malformed CSV; with a path whose
         * ids are 1, so that it is the body that is refused where it can be. */
        g_autofree char *target = g_strcmp0(route->pattern, "/v1/surveys") == 0
                                      ? g_strdup("/v1/surveys?network=Occitanie")
                                      : g_strdup(base);
        for (gsize b = 0; b < G_N_ELEMENTS(json_bodies); b++)
            expect_refused(route->method, target, "application/json", json_bodies[b],
                           (gssize)strlen(json_bodies[b]), NULL);
        expect_refused(route->method, target, "application/json", deep->str, (gssize)deep->len,
                       NULL);
        if (strstr(route->body_types, "text/csv"))
            for (gsize b = 0; b < G_N_ELEMENTS(csv_bodies); b++)
                expect_refused(route->method, target, "text/csv", csv_bodies[b],
                               (gssize)strlen(csv_bodies[b]) + (b == 1 ? 8 : 0), NULL);
        /* Media types that are not the route's, or not media types. */
        for (const char *const *type = (const char *const[]){"text/html", "application/json\xff",
                                                            ";;;", "application/xml", NULL};
             *type; type++)
            expect_refused(route->method, target, *type, "{}", 2, NULL);
    }
    /* Authorization headers that are no token. */
    for (const char *const *header = (const char *const[]){
             "Authorization: Bearer", "Authorization: Bearer \xff\xfe", "Authorization: Basic YTpi",
             "Authorization: Bearer dfs_", "Authorization: bearer dfs_0000", "Authorization: \x01",
             NULL};
         *header; header++) {
        GError *error = NULL;
        g_autoptr(TestHttp) http = test_http_connect(port, &error);
        const char *headers[] = {*header, "Connection: close", NULL};
        test_http_send(http, "GET", "/v1/challenges", headers, NULL, 0, 0, &error);
        g_autoptr(TestHttpResponse) r = test_http_read(http, &error);
        assert_non_null(r);
        assert_client_error(r, *header);
        assert_int_equal(r->status, 401);
        sent++;
    }
    print_message("%u malformed requests sent, %u refused with a 4xx JSON error\n", sent,
                  refused);
    assert_int_equal(written(), before);
    assert_alive();
}

/* ---- Reads never wait for writes -------------------------------------------------------- */

#define BIG_ROWS 100000

/* A canonical CSV of ROWS rows from 3,000 places and 2,000 wordings, made
 * distinct from other uploads by SALT. */
static char *big_survey(const char *salt, int rows)
{
    static const char *const words[] = {
        "financer", "animer", "local", "bénévoles", "outil", "gestion", "formation",
        "juridique", "communauté", "réseau", "collectivité", "subvention", "salariés",
        "espace", "matériel", "atelier", "numérique", "accueil", "public", "événements",
    };
    g_autoptr(GRand) rand = g_rand_new_with_seed(13);
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < 2000; i++) {
        GString *t = g_string_new(salt);
        for (int w = 0; w < 6; w++)
            g_string_append_printf(t, " %s", words[g_rand_int_range(rand, 0, G_N_ELEMENTS(words))]);
        g_ptr_array_add(texts, g_string_free(t, FALSE));
    }
    GString *csv = g_string_new("place,challenge\n");
    for (int i = 0; i < rows; i++)
        g_string_append_printf(csv, "Lieu %s %d,%s\n", salt, i % 3000,
                               (const char *)g_ptr_array_index(texts, g_rand_int_range(rand, 0, 2000)));
    g_ptr_array_unref(texts);
    return g_string_free(csv, FALSE);
}

typedef struct {
    char *csv;
    guint status;
    gint done;
} Upload;

static gpointer upload_thread(gpointer data)
{
    Upload *u = data;
    g_autoptr(TestHttpResponse) r = test_http_request(port, "POST", "/v1/surveys?network=Occitanie",
                                                      lead, "text/csv", u->csv, -1);
    u->status = r->status;
    g_atomic_int_set(&u->done, 1);
    return NULL;
}

/* With two pool threads, a 100,000-row upload and a second one queued behind it
 * hold no thread that serves reads: ranked reads go on answering meanwhile. */
static void test_serve_hostile__reads_never_wait_for_uploads(void **state)
{
    gint64 mentions = test_query_int(db, "SELECT count(*) FROM mention");
    Upload big = {.csv = big_survey("gros", BIG_ROWS)}, small = {.csv = big_survey("petit", 500)};
    GThread *tb = g_thread_new("big", upload_thread, &big);
    g_usleep(300 * 1000); /* the big one is received and running */
    GThread *ts = g_thread_new("small", upload_thread, &small);
    guint reads = 0;
    gint64 slowest = 0;
    while (!g_atomic_int_get(&big.done)) {
        gint64 start = g_get_monotonic_time();
        g_autoptr(TestHttpResponse) r = test_http_request(
            port, "GET", "/v1/challenges?limit=20&search=financer", lead, NULL, NULL, 0);
        gint64 took = g_get_monotonic_time() - start;
        assert_int_equal(r->status, 200);
        if (!g_atomic_int_get(&big.done)) {
            reads++;
            slowest = MAX(slowest, took);
        }
        g_usleep(20 * 1000);
    }
    g_thread_join(tb);
    g_thread_join(ts);
    print_message("%u reads during the upload, the slowest in %.1f ms\n", reads,
                  (double)slowest / 1000.0);
    assert_int_equal(big.status, 201);
    assert_int_equal(small.status, 201);
    assert_true(reads >= 5);
    assert_true(slowest < G_USEC_PER_SEC);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mention"),
                     mentions + BIG_ROWS + 500);
    g_free(big.csv);
    g_free(small.csv);
}

/* ---- Slow clients ---------------------------------------------------------------------- */

/* A socket from 127.0.0.HOST to PORT that sent the start of a request head; -1
 * when the service refused it. */
static int slow_connect(int host, guint16 to)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in from = {.sin_family = AF_INET};
    from.sin_addr.s_addr = htonl(0x7f000000u | (guint32)host);
    assert_int_equal(bind(fd, (struct sockaddr *)&from, sizeof from), 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(to)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static const char start[] = "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        send(fd, start, sizeof start - 1, MSG_NOSIGNAL) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* TRUE when the service closed FD (or reset it); sends one more byte first. */
static gboolean slow_closed(int fd)
{
    if (send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN)
        return TRUE;
    char byte;
    ssize_t n = recv(fd, &byte, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* A service of its own, with small connection limits and deadlines. */
static GSubprocess *small_server(guint16 *small_port, const char *name)
{
    g_autofree char *config = test_write_file(dir, "small.ini",
                                              "[limits]\nmax_connections = 100\n"
                                              "connections_per_ip = 40\nheader_timeout = 2\n"
                                              "[log]\nrequests = false\n",
                                              -1);
    g_autofree char *log = g_build_filename(dir, name, NULL);
    return test_serve_start(db, log, small_port, "--threads", "2", "--config", config, NULL);
}

static void test_serve_hostile__a_head_sent_a_byte_at_a_time_is_cut_off(void **state)
{
    guint16 small_port = 0;
    GSubprocess *small = small_server(&small_port, "slow.log");
    int fd = slow_connect(1, small_port);
    assert_true(fd >= 0);
    gint64 start = g_get_monotonic_time();
    while (!slow_closed(fd) && g_get_monotonic_time() - start < 10 * G_USEC_PER_SEC)
        g_usleep(300 * 1000);
    double took = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    close(fd);
    print_message("a head sent a byte every 0.3 s was cut off after %.1f s\n", took);
    assert_true(took >= 1.5 && took < 5);
    assert_int_equal(test_serve_stop(small, SIGTERM), 0);
}

static void test_serve_hostile__slow_clients_from_five_addresses_lock_no_one_out(void **state)
{
    guint16 small_port = 0;
    GSubprocess *small = small_server(&small_port, "crowd.log");
    /* 5 addresses x 40 slow heads: twice the service's 100 connections. */
    GArray *slow = g_array_new(FALSE, FALSE, sizeof(int));
    for (int host = 2; host <= 6; host++)
        for (int i = 0; i < 40; i++) {
            int fd = slow_connect(host, small_port);
            if (fd >= 0)
                g_array_append_val(slow, fd);
        }
    g_usleep(200 * 1000);
    /* A client that retries at once when refused gets its answer in seconds. */
    gint64 start = g_get_monotonic_time();
    guint status = 0, attempts = 0;
    while (status != 200 && g_get_monotonic_time() - start < 8 * G_USEC_PER_SEC) {
        attempts++;
        for (guint i = 0; i < slow->len; i++) /* the slow ones go on dripping */
            send(g_array_index(slow, int, i), "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        GError *error = NULL;
        g_autoptr(TestHttp) http = test_http_connect(small_port, &error);
        g_clear_error(&error);
        if (http && test_http_send(http, "GET", "/v1/health", NULL, NULL, 0, 0, &error)) {
            g_autoptr(TestHttpResponse) r = test_http_read(http, &error);
            status = r ? r->status : 0;
        }
        g_clear_error(&error);
        if (status != 200)
            g_usleep(100 * 1000);
    }
    double took = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
    print_message("%u slow connections open; answered after %.1f s and %u attempts\n",
                  slow->len, took, attempts);
    assert_int_equal(status, 200);
    assert_true(took < 4);
    for (guint i = 0; i < slow->len; i++)
        close(g_array_index(slow, int, i));
    g_array_unref(slow);
    assert_int_equal(test_serve_stop(small, SIGTERM), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve_hostile__non_utf8_in_path_query_and_method_is_400),
        cmocka_unit_test(test_serve_hostile__uploads_with_non_utf8_parameters_write_nothing),
        cmocka_unit_test(test_serve_hostile__json_errors_quote_valid_utf8),
        cmocka_unit_test(test_serve_hostile__ambiguous_framing_and_huge_queries_are_400_at_once),
        cmocka_unit_test(test_serve_hostile__every_route_refuses_a_corpus_of_malformed_input),
        cmocka_unit_test(test_serve_hostile__reads_never_wait_for_uploads),
        cmocka_unit_test(test_serve_hostile__a_head_sent_a_byte_at_a_time_is_cut_off),
        cmocka_unit_test(test_serve_hostile__slow_clients_from_five_addresses_lock_no_one_out),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
