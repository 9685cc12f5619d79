/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* http_client.h - a small HTTP/1.1 client over GIO sockets for the service's tests:
 * plain and chunked bodies, keep-alive, raw access to the connection. */
#ifndef DEFIS_TEST_HTTP_CLIENT_H
#define DEFIS_TEST_HTTP_CLIENT_H

#include <gio/gio.h>
#include <jansson.h>

typedef struct TestHttp TestHttp;

/* Connects to 127.0.0.1:PORT; every read and write times out after 15 s. */
TestHttp *test_http_connect(guint16 port, GError **error);
void test_http_close(TestHttp *http);

/* Sends a request. HEADERS is a NULL-terminated list of "Name: value" lines
 * (may be NULL); Host is added. With BODY (LENGTH bytes, -1 for a string):
 * CHUNK 0 sends it with Content-Length, CHUNK > 0 with Transfer-Encoding:
 * chunked in pieces of CHUNK bytes. FALSE when a write fails (the server may
 * have answered and closed: read the response anyway). */
gboolean test_http_send(TestHttp *http, const char *method, const char *target,
                        const char *const *headers, const char *body, gssize length, gsize chunk,
                        GError **error);

/* Writes raw bytes on the connection. */
gboolean test_http_write(TestHttp *http, const void *data, gsize length, GError **error);
/* TRUE when the server has sent something (or closed) that is not read yet. */
gboolean test_http_readable(TestHttp *http);

typedef struct {
    guint status;
    GHashTable *headers; /* lowercased name -> value */
    char *body;          /* NUL-terminated */
    gsize length;
} TestHttpResponse;

/* Reads one response: status line, headers, then the body by Content-Length,
 * chunks, or up to the end of the connection. */
TestHttpResponse *test_http_read(TestHttp *http, GError **error);
void test_http_response_free(TestHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestHttpResponse, test_http_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestHttp, test_http_close)

/* The header NAME (any case), borrowed; NULL when absent. */
const char *test_http_header(const TestHttpResponse *response, const char *name);
/* The body decoded as JSON (a new reference), or NULL. */
json_t *test_http_json(const TestHttpResponse *response);

/* One request on a new connection: TOKEN (may be NULL) as a bearer token,
 * CONTENT_TYPE and BODY (may be NULL). Fails the running test on a transport error. */
TestHttpResponse *test_http_request(guint16 port, const char *method, const char *target,
                                    const char *token, const char *content_type,
                                    const char *body, gssize length);

#endif
