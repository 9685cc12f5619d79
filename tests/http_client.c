/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* http_client.c - a small HTTP/1.1 client over GIO sockets for the service's tests. */
#include "http_client.h"

#include <string.h>

#include "helpers.h"

struct TestHttp {
    GSocketConnection *connection;
    GDataInputStream *in;
    GOutputStream *out;
    guint16 port;
};

TestHttp *test_http_connect(guint16 port, GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, 15);
    GSocketConnection *connection =
        g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, error);
    if (!connection)
        return NULL;
    TestHttp *http = g_new0(TestHttp, 1);
    http->connection = connection;
    http->port = port;
    http->in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(connection)));
    g_data_input_stream_set_newline_type(http->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
    http->out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
    return http;
}

void test_http_close(TestHttp *http)
{
    if (!http)
        return;
    g_object_unref(http->in);
    g_io_stream_close(G_IO_STREAM(http->connection), NULL, NULL);
    g_object_unref(http->connection);
    g_free(http);
}

gboolean test_http_write(TestHttp *http, const void *data, gsize length, GError **error)
{
    return g_output_stream_write_all(http->out, data, length, NULL, NULL, error);
}

gboolean test_http_readable(TestHttp *http)
{
    if (g_buffered_input_stream_get_available(G_BUFFERED_INPUT_STREAM(http->in)) > 0)
        return TRUE;
    GSocket *socket = g_socket_connection_get_socket(http->connection);
    return (g_socket_condition_check(socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0);
}

gboolean test_http_send(TestHttp *http, const char *method, const char *target,
                        const char *const *headers, const char *body, gssize length, gsize chunk,
                        GError **error)
{
    if (body && length < 0)
        length = (gssize)strlen(body);
    g_autoptr(GString) head = g_string_new(NULL);
    g_string_append_printf(head, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n", method, target,
                           http->port);
    for (const char *const *h = headers; h && *h; h++)
        g_string_append_printf(head, "%s\r\n", *h);
    if (body && chunk)
        g_string_append(head, "Transfer-Encoding: chunked\r\n");
    else if (body)
        g_string_append_printf(head, "Content-Length: %" G_GSSIZE_FORMAT "\r\n", length);
    g_string_append(head, "\r\n");
    if (!test_http_write(http, head->str, head->len, error))
        return FALSE;
    if (!body)
        return TRUE;
    if (!chunk)
        return test_http_write(http, body, (gsize)length, error);
    for (gsize done = 0; done < (gsize)length;) {
        gsize n = MIN(chunk, (gsize)length - done);
        g_autofree char *size = g_strdup_printf("%zx\r\n", n);
        if (!test_http_write(http, size, strlen(size), error) ||
            !test_http_write(http, body + done, n, error) ||
            !test_http_write(http, "\r\n", 2, error))
            return FALSE;
        done += n;
    }
    return test_http_write(http, "0\r\n\r\n", 5, error);
}

static char *read_line(TestHttp *http, GError **error)
{
    gsize n = 0;
    GError *local = NULL;
    char *line = g_data_input_stream_read_line(http->in, &n, NULL, &local);
    if (!line && !local)
        g_set_error(&local, G_IO_ERROR, G_IO_ERROR_CLOSED, "connection closed");
    if (local)
        g_propagate_error(error, local);
    return line;
}

static gboolean read_exact(TestHttp *http, GString *into, gsize length, GError **error)
{
    gsize start = into->len;
    g_string_set_size(into, start + length);
    gsize got = 0;
    if (!g_input_stream_read_all(G_INPUT_STREAM(http->in), into->str + start, length, &got, NULL,
                                 error))
        return FALSE;
    if (got != length) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_CLOSED, "body cut short");
        return FALSE;
    }
    return TRUE;
}

void test_http_response_free(TestHttpResponse *response)
{
    if (!response)
        return;
    if (response->headers)
        g_hash_table_unref(response->headers);
    g_free(response->body);
    g_free(response);
}

TestHttpResponse *test_http_read(TestHttp *http, GError **error)
{
    g_autofree char *status_line = read_line(http, error);
    if (!status_line)
        return NULL;
    g_autoptr(TestHttpResponse) response = g_new0(TestHttpResponse, 1);
    response->headers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (sscanf(status_line, "HTTP/1.%*d %u", &response->status) != 1) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad status line: %s",
                    status_line);
        return NULL;
    }
    for (;;) {
        g_autofree char *line = read_line(http, error);
        if (!line)
            return NULL;
        if (!*line)
            break;
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *value = g_strstrip(g_strdup(colon + 1));
        g_hash_table_replace(response->headers, g_ascii_strdown(line, -1), value);
    }
    g_autoptr(GString) body = g_string_new(NULL);
    const char *length = test_http_header(response, "content-length");
    const char *encoding = test_http_header(response, "transfer-encoding");
    if (response->status == 204 || response->status == 304) {
        /* no body */
    } else if (length) {
        if (!read_exact(http, body, (gsize)g_ascii_strtoull(length, NULL, 10), error))
            return NULL;
    } else if (encoding && g_ascii_strcasecmp(encoding, "chunked") == 0) {
        for (;;) {
            g_autofree char *size_line = read_line(http, error);
            if (!size_line)
                return NULL;
            gsize size = (gsize)g_ascii_strtoull(size_line, NULL, 16);
            if (size == 0) {
                g_autofree char *end = NULL;
                while ((end = read_line(http, NULL)) && *end)
                    g_clear_pointer(&end, g_free);
                break;
            }
            if (!read_exact(http, body, size, error))
                return NULL;
            g_autofree char *crlf = read_line(http, error);
            if (!crlf)
                return NULL;
        }
    } else {
        char buf[8192];
        gssize n;
        while ((n = g_input_stream_read(G_INPUT_STREAM(http->in), buf, sizeof buf, NULL,
                                        NULL)) > 0)
            g_string_append_len(body, buf, n);
    }
    response->length = body->len;
    response->body = g_string_free(g_steal_pointer(&body), FALSE);
    return g_steal_pointer(&response);
}

const char *test_http_header(const TestHttpResponse *response, const char *name)
{
    g_autofree char *lower = g_ascii_strdown(name, -1);
    return g_hash_table_lookup(response->headers, lower);
}

json_t *test_http_json(const TestHttpResponse *response)
{
    return json_loadb(response->body, response->length, 0, NULL);
}

TestHttpResponse *test_http_request(guint16 port, const char *method, const char *target,
                                    const char *token, const char *content_type,
                                    const char *body, gssize length)
{
    GError *error = NULL;
    g_autoptr(TestHttp) http = test_http_connect(port, &error);
    if (!http)
        fail_msg("connect: %s", error->message);
    g_autofree char *auth = token ? g_strdup_printf("Authorization: Bearer %s", token) : NULL;
    g_autofree char *type = content_type ? g_strdup_printf("Content-Type: %s", content_type)
                                         : NULL;
    const char *headers[3] = {NULL};
    int n = 0;
    if (auth)
        headers[n++] = auth;
    if (type)
        headers[n++] = type;
    if (!test_http_send(http, method, target, headers, body, length, 0, &error))
        fail_msg("%s %s: send: %s", method, target, error->message);
    TestHttpResponse *response = test_http_read(http, &error);
    if (!response)
        fail_msg("%s %s: read: %s", method, target, error->message);
    return response;
}
