/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* server.c - the HTTP service on libmicrohttpd: configuration, threads, limits, shutdown.
 *
 * The only file that sees libmicrohttpd. A request goes through three calls of
 * the access handler: headers (route, token, role, media type and the declared
 * body size are checked; a refusal is sent at once, before the body is read),
 * body pieces (copied, and refused with 413 as soon as they pass the limit,
 * chunked or not), then the last call (the handler runs). */
#include "api/server.h"

#include <errno.h>
#include <gio/gio.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/peers.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/writer.h"
#include "engine/error.h"

/* ---- Configuration ------------------------------------------------------------------ */

void api_config_init(ApiConfig *config)
{
    *config = (ApiConfig){
        .listen = g_strdup("127.0.0.1:8080"),
        .threads = MAX(2, g_get_num_processors()),
        .max_body = 64 * 1024 * 1024,
        .max_header = 32 * 1024,
        .connection_timeout = 30,
        .header_timeout = 10,
        .body_timeout = 120,
        .connections_per_ip = 256,
        .max_connections = 1024,
        .page_default = 50,
        .page_max = 1000,
        .max_queued_writes = 32,
        .busy_timeout_ms = 2000,
        .max_rows = 2000000,
        .max_field = 16 * 1024,
        .cache_entries = 256,
        .log_requests = TRUE,
    };
}

void api_config_clear(ApiConfig *config)
{
    g_clear_pointer(&config->listen, g_free);
    g_clear_pointer(&config->settings_path, g_free);
    g_clear_pointer(&config->settings, defis_settings_free);
}

typedef enum { KEY_UINT, KEY_SIZE, KEY_STRING, KEY_BOOL } KeyType;

typedef struct {
    const char *group, *key;
    KeyType type;
    gsize offset;
    guint64 min, max;
} ConfigKey;

#define FIELD(f) G_STRUCT_OFFSET(ApiConfig, f)
static const ConfigKey config_keys[] = {
    {"service", "listen", KEY_STRING, FIELD(listen), 0, 0},
    {"service", "threads", KEY_UINT, FIELD(threads), 1, 256},
    {"service", "settings", KEY_STRING, FIELD(settings_path), 0, 0},
    {"limits", "max_body", KEY_SIZE, FIELD(max_body), 1, G_MAXUINT32},
    {"limits", "max_header", KEY_SIZE, FIELD(max_header), 4096, 1024 * 1024},
    {"limits", "connection_timeout", KEY_UINT, FIELD(connection_timeout), 1, 3600},
    {"limits", "header_timeout", KEY_UINT, FIELD(header_timeout), 1, 3600},
    {"limits", "body_timeout", KEY_UINT, FIELD(body_timeout), 1, 86400},
    {"limits", "connections_per_ip", KEY_UINT, FIELD(connections_per_ip), 1, 65536},
    {"limits", "max_connections", KEY_UINT, FIELD(max_connections), 1, 65536},
    {"limits", "page_default", KEY_UINT, FIELD(page_default), 1, 100000},
    {"limits", "page_max", KEY_UINT, FIELD(page_max), 1, 100000},
    {"limits", "max_queued_writes", KEY_UINT, FIELD(max_queued_writes), 0, 65536},
    {"limits", "max_rows", KEY_SIZE, FIELD(max_rows), 1, G_MAXUINT32},
    {"limits", "max_field", KEY_SIZE, FIELD(max_field), 16, 16 * 1024 * 1024},
    {"store", "busy_timeout_ms", KEY_UINT, FIELD(busy_timeout_ms), 0, 60000},
    {"cache", "entries", KEY_UINT, FIELD(cache_entries), 0, 100000},
    {"log", "requests", KEY_BOOL, FIELD(log_requests), 0, 1},
};

static const ConfigKey *config_key(const char *group, const char *key)
{
    for (gsize i = 0; i < G_N_ELEMENTS(config_keys); i++)
        if (strcmp(config_keys[i].group, group) == 0 && strcmp(config_keys[i].key, key) == 0)
            return &config_keys[i];
    return NULL;
}

gboolean api_config_load(ApiConfig *config, const char *path, GError **error)
{
    g_autoptr(GKeyFile) file = g_key_file_new();
    if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, error)) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
    for (char **g = groups; *g; g++) {
        g_auto(GStrv) keys = g_key_file_get_keys(file, *g, NULL, NULL);
        for (char **k = keys; keys && *k; k++) {
            const ConfigKey *ck = config_key(*g, *k);
            if (!ck) {
                g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "%s: unknown key [%s] %s",
                            path, *g, *k);
                return FALSE;
            }
            gpointer field = G_STRUCT_MEMBER_P(config, ck->offset);
            GError *local = NULL;
            if (ck->type == KEY_STRING) {
                char *value = g_key_file_get_string(file, *g, *k, &local);
                if (value) {
                    g_free(*(char **)field);
                    *(char **)field = value;
                }
            } else if (ck->type == KEY_BOOL) {
                gboolean value = g_key_file_get_boolean(file, *g, *k, &local);
                if (!local)
                    *(gboolean *)field = value;
            } else {
                guint64 value = g_key_file_get_uint64(file, *g, *k, &local);
                if (!local && (value < ck->min || value > ck->max))
                    g_set_error(&local, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                                "must be from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                                ck->min, ck->max);
                if (!local && ck->type == KEY_UINT)
                    *(guint *)field = (guint)value;
                else if (!local && ck->offset == FIELD(max_field))
                    *(gsize *)field = (gsize)value;
                else if (!local && ck->offset == FIELD(max_header))
                    *(gsize *)field = (gsize)value;
                else if (!local)
                    *(guint64 *)field = value;
            }
            if (local) {
                g_propagate_prefixed_error(error, local, "%s: [%s] %s: ", path, *g, *k);
                return FALSE;
            }
        }
    }
    if (config->settings_path) {
        /* Read now, so that a bad file stops the service at its start, not at a rebuild. */
        if (!g_path_is_absolute(config->settings_path)) {
            g_autofree char *folder = g_path_get_dirname(path);
            char *absolute = g_build_filename(folder, config->settings_path, NULL);
            g_free(config->settings_path);
            config->settings_path = absolute;
        }
        DefisScoreSettings *settings = defis_settings_load(config->settings_path, error);
        if (!settings) {
            g_prefix_error(error, "%s: [service] settings: ", path);
            return FALSE;
        }
        g_clear_pointer(&config->settings, defis_settings_free);
        config->settings = settings;
    }
    return TRUE;
}

/* ---- Context and workers ------------------------------------------------------------- */

static void response_free(gpointer data)
{
    api_response_clear(data);
    g_free(data);
}

static void worker_free(gpointer data)
{
    ApiWorker *worker = data;
    defis_store_close(worker->store);
    g_hash_table_unref(worker->responses);
    g_hash_table_unref(worker->tokens);
    g_free(worker);
}

ApiContext *api_context_new(const ApiConfig *config, const char *db_path)
{
    ApiContext *context = g_new0(ApiContext, 1);
    context->config = config;
    context->db_path = g_strdup(db_path);
    g_mutex_init(&context->workers_lock);
    context->metrics = api_metrics_new();
    context->workers = g_ptr_array_new_with_free_func(worker_free);
    return context;
}

void api_context_free(ApiContext *context)
{
    if (!context)
        return;
    g_ptr_array_unref(context->workers);
    api_metrics_free(context->metrics);
    g_mutex_clear(&context->workers_lock);
    g_free(context->db_path);
    g_free(context);
}

ApiWorker *api_worker_new(ApiContext *context, GError **error)
{
    DefisStore *store = defis_store_open(context->db_path, DEFIS_STORE_READWRITE, error);
    if (!store)
        return NULL;
    defis_store_set_busy_timeout(store, (int)context->config->busy_timeout_ms);
    ApiWorker *worker = g_new0(ApiWorker, 1);
    worker->context = context;
    worker->store = store;
    worker->data_version = defis_store_data_version(store);
    worker->responses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, response_free);
    worker->tokens = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)defis_token_free);
    g_mutex_lock(&context->workers_lock);
    g_ptr_array_add(context->workers, worker);
    g_mutex_unlock(&context->workers_lock);
    return worker;
}

void api_worker_refresh(ApiWorker *worker)
{
    gint64 version = defis_store_data_version(worker->store);
    if (version == worker->data_version)
        return;
    worker->data_version = version;
    g_hash_table_remove_all(worker->responses);
    g_hash_table_remove_all(worker->tokens);
}

/* ---- One exchange: a request and its response ------------------------------------------ */

typedef struct {
    ApiContext *context;
    ApiWriter *writer;
    ApiPeers *peers;
    gint in_flight; /* requests between their first handler call and their completion */
    gint stopping;
} Server;

typedef struct {
    gint64 start_us;
    ApiRequest request;
    char *method;
    char *path;
    char *content_type;
    DefisToken *token; /* a copy: the worker's cache may be emptied meanwhile */
    GByteArray *body;
    ApiResponse *pending; /* decided before the body, sent at the last call */
    gboolean refused;     /* a 413 was written mid-body; the rest is discarded */
    guint64 discarded;
    gboolean answered;
    guint status;
    gsize bytes_out;
    /* A write, run by the writer while the connection is suspended: */
    struct MHD_Connection *connection;
    ApiResponse written; /* its response, set before the connection is resumed */
    gboolean queued, done;
} Exchange;

static GPrivate thread_worker = G_PRIVATE_INIT(NULL);

/* This thread's worker, opened on its first request. */
static ApiWorker *current_worker(Server *server, GError **error)
{
    ApiWorker *worker = g_private_get(&thread_worker);
    if (!worker) {
        worker = api_worker_new(server->context, error);
        if (!worker) {
            g_prefix_error(error, "cannot open the store: ");
            /* The client did nothing wrong: the service is unavailable for now. */
            GError *unavailable = g_error_new(API_ERROR, API_ERROR_UNAVAILABLE, "%s",
                                              (*error)->message);
            g_clear_error(error);
            g_propagate_error(error, unavailable);
            return NULL;
        }
        g_private_set(&thread_worker, worker);
    }
    return worker;
}

static void exchange_free(Exchange *ex)
{
    g_free(ex->method);
    g_free(ex->path);
    g_free(ex->content_type);
    defis_token_free(ex->token);
    if (ex->body)
        g_byte_array_unref(ex->body);
    if (ex->pending) {
        api_response_clear(ex->pending);
        g_free(ex->pending);
    }
    if (ex->request.query)
        g_hash_table_unref(ex->request.query);
    if (ex->request.headers)
        g_hash_table_unref(ex->request.headers);
    if (ex->request.body)
        g_bytes_unref(ex->request.body);
    api_router_params_clear(ex->request.params);
    api_response_clear(&ex->written);
    g_free(ex);
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    g_hash_table_replace(cls, g_strdup(key), g_strdup(value ? value : ""));
    return MHD_YES;
}

/* Copies one request header, its name lowercased; a repeated header's values are
 * joined by ", " (RFC 9110, 5.3), so handlers see one value per name. */
static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    char *name = g_ascii_strdown(key, -1);
    const char *before = g_hash_table_lookup(cls, name);
    char *joined = before ? g_strdup_printf("%s, %s", before, value ? value : "")
                          : g_strdup(value ? value : "");
    g_hash_table_replace(cls, name, joined);
    return MHD_YES;
}

/* The media type of a Content-Type header: lowercased, without parameters. */
static char *media_type(const char *header)
{
    if (!header)
        return NULL;
    const char *end = strchr(header, ';');
    g_autofree char *type = g_strndup(header, end ? (gsize)(end - header) : strlen(header));
    return g_ascii_strdown(g_strstrip(type), -1);
}

static void release_bytes(void *data)
{
    g_bytes_unref(data);
}

/* Queues RESPONSE (cleared after) on CONNECTION and records it in EX. */
static enum MHD_Result send_response(struct MHD_Connection *connection, Exchange *ex,
                                     ApiResponse *response, gboolean close)
{
    gsize length = 0;
    const void *data = response->body ? g_bytes_get_data(response->body, &length) : NULL;
    struct MHD_Response *r =
        data ? MHD_create_response_from_buffer_with_free_callback_cls(
                   length, (void *)data, release_bytes, g_bytes_ref(response->body))
             : MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (response->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, response->content_type);
    for (guint i = 0; response->headers && i + 1 < response->headers->len; i += 2)
        MHD_add_response_header(r, g_ptr_array_index(response->headers, i),
                                g_ptr_array_index(response->headers, i + 1));
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result result = MHD_queue_response(connection, response->status, r);
    MHD_destroy_response(r);
    ex->answered = TRUE;
    ex->status = response->status;
    ex->bytes_out = length;
    api_response_clear(response);
    return result;
}

static enum MHD_Result send_error(struct MHD_Connection *connection, Exchange *ex,
                                  GError *error, gboolean close)
{
    ApiResponse response = {0};
    api_response_error(&response, error, NULL);
    g_error_free(error);
    return send_response(connection, ex, &response, close);
}

static enum MHD_Result too_large(struct MHD_Connection *connection, Exchange *ex, guint64 max)
{
    GError *error = g_error_new(DEFIS_ERROR, DEFIS_ERROR_TOO_LARGE,
                                "the body passes the limit of %" G_GUINT64_FORMAT " bytes", max);
    /* The rest of the body is not read: the connection cannot be reused. */
    return send_error(connection, ex, error, TRUE);
}

/* Writes ERROR (freed) as a response straight on the socket of CONNECTION, with
 * "Connection: close", for the moments when libmicrohttpd queues no response:
 * while a body is being received (0.9.75), or before a request head is parsed.
 * Marks EX refused and answered. */
static void refuse_now(struct MHD_Connection *connection, Exchange *ex, GError *error)
{
    ApiResponse response = {0};
    api_response_error(&response, error, NULL);
    g_error_free(error);
    gsize length = 0;
    const char *body = g_bytes_get_data(response.body, &length);
    g_autofree char *raw = g_strdup_printf("HTTP/1.1 %u %s\r\n"
                                           "Content-Type: %s\r\nContent-Length: %zu\r\n"
                                           "X-Content-Type-Options: nosniff\r\n"
                                           "Connection: close\r\n\r\n%.*s",
                                           response.status,
                                           response.status == 413 ? "Content Too Large"
                                                                  : "Bad Request",
                                           response.content_type, length, (int)length, body);
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    gsize todo = strlen(raw), done = 0;
    gint64 deadline = g_get_monotonic_time() + G_USEC_PER_SEC;
    while (info && done < todo && g_get_monotonic_time() < deadline) {
        ssize_t n = send(info->connect_fd, raw + done, todo - done, MSG_NOSIGNAL);
        if (n > 0)
            done += (gsize)n;
        else if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            break;
        else if (n < 0 && errno != EINTR)
            g_usleep(1000);
    }
    ex->refused = TRUE;
    ex->answered = TRUE;
    ex->status = response.status;
    ex->bytes_out = length;
    api_response_clear(&response);
}

/* Refuses a body that passed the limit in mid-transfer (a chunked one: a
 * declared length is refused at the headers); the connection then only
 * discards what still comes and is closed at the end of the request. */
static void refuse_body(struct MHD_Connection *connection, Exchange *ex, guint64 max)
{
    refuse_now(connection, ex,
               g_error_new(DEFIS_ERROR, DEFIS_ERROR_TOO_LARGE,
                           "the body passes the limit of %" G_GUINT64_FORMAT " bytes", max));
}

/* Counts the values of Content-Length and Transfer-Encoding, and whether they differ. */
typedef struct {
    guint lengths, encodings;
    const char *length;
    gboolean lengths_differ;
} Framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    Framing *f = cls;
    if (g_ascii_strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (f->lengths++ && g_strcmp0(f->length, value) != 0)
            f->lengths_differ = TRUE;
        f->length = value;
    } else if (g_ascii_strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->encodings++;
    }
    return MHD_YES;
}

/* FALSE with API_ERROR_BAD_REQUEST when the body's framing is ambiguous or
 * unknown: Content-Length given twice with different values, or beside
 * Transfer-Encoding (behind a lax proxy, either smuggles a request), or a
 * transfer coding other than chunked (which libmicrohttpd would wait on). */
static gboolean check_framing(struct MHD_Connection *connection, GError **error)
{
    Framing f = {0};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, count_framing, &f);
    const char *encoding =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (f.lengths_differ)
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "Content-Length is given twice with different values");
    else if (f.lengths && f.encodings)
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "Content-Length and Transfer-Encoding together: send one of them");
    else if (f.encodings > 1 || (encoding && g_ascii_strcasecmp(encoding, "chunked") != 0))
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "the only Transfer-Encoding taken is chunked (send an encoded body with "
                    "Content-Length)");
    else
        return TRUE;
    return FALSE;
}

/* TRUE when the request announces a body (a length above 0, or chunks). */
static gboolean has_body(struct MHD_Connection *connection)
{
    const char *length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return (length && strcmp(length, "0") != 0) ||
           MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                       MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

/* Sends PENDING now if the request has a body (which is then not read and the
 * connection closed), else keeps it for the last call: libmicrohttpd closes the
 * connection after a response queued before the request is complete, and
 * keep-alive matters to clients that poll. */
static enum MHD_Result answer(struct MHD_Connection *connection, Exchange *ex,
                              ApiResponse *pending)
{
    if (has_body(connection))
        return send_response(connection, ex, pending, TRUE);
    ex->pending = g_new0(ApiResponse, 1);
    *ex->pending = *pending;
    return MHD_YES;
}

/* TRUE when ROUTE writes: every method but GET (and HEAD) does, and runs on the writer. */
static gboolean route_writes(const ApiRoute *route)
{
    return strcmp(route->method, "GET") != 0;
}

/* Runs on the writer thread: the write of the suspended exchange DATA, then the
 * connection is resumed and the access handler sends EX->written. */
static void run_write(ApiWorker *writer, gpointer data)
{
    Exchange *ex = data;
    ex->request.worker = writer;
    api_router_run(&ex->request, &ex->written);
    ex->done = TRUE;
    MHD_resume_connection(ex->connection);
}

/* Last call of a write: parks the connection and queues the write, or answers
 * 429 at once when the queue is full. The pool thread does not wait. */
static enum MHD_Result queue_write(Server *server, struct MHD_Connection *connection,
                                   Exchange *ex)
{
    GError *error = NULL;
    if (!api_writer_reserve(server->writer, &error))
        return send_error(connection, ex, error, FALSE);
    ex->connection = connection;
    ex->queued = TRUE;
    MHD_suspend_connection(connection);
    api_writer_push(server->writer, run_write, ex);
    return MHD_YES;
}

/* First call: the headers are in. Checks all that can be checked before the body. */
static enum MHD_Result on_headers(Server *server, struct MHD_Connection *connection,
                                  Exchange *ex)
{
    const ApiConfig *config = server->context->config;
    GError *error = NULL;
    ApiResponse response = {0};
    if (!check_framing(connection, &error)) {
        refuse_now(connection, ex, error);
        return MHD_NO;
    }
    if (g_atomic_int_get(&server->stopping)) {
        g_set_error(&error, API_ERROR, API_ERROR_UNAVAILABLE, "the service is stopping");
        api_response_error(&response, error, NULL);
        g_error_free(error);
        return send_response(connection, ex, &response, TRUE);
    }
    ApiWorker *worker = current_worker(server, &error);
    if (!worker) {
        api_response_error(&response, error, NULL);
        g_error_free(error);
        return answer(connection, ex, &response);
    }
    ex->request.worker = worker;
    ex->request.context = server->context;
    ex->request.query = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, add_query, ex->request.query);
    ex->request.headers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    MHD_get_connection_values(connection, MHD_HEADER_KIND, add_header, ex->request.headers);
    ex->content_type = media_type(
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE));
    ex->request.content_type = ex->content_type;

    const char *authorization =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    gboolean ok = api_router_prepare(&ex->request, authorization, &response);
    if (ex->request.token) {
        ex->token = defis_token_copy(ex->request.token);
        ex->request.token = ex->token;
    }
    if (!ok)
        return answer(connection, ex, &response);
    if (!ex->request.route->body_types && !route_writes(ex->request.route)) {
        /* No body to wait for: answer at the last call (or now, if a body comes anyway). */
        api_router_run(&ex->request, &response);
        return answer(connection, ex, &response);
    }
    if (!ex->request.route->body_types)
        return MHD_YES; /* a write without a body: queued at the last call */
    const char *length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    guint64 declared = 0;
    if (length && g_ascii_string_to_unsigned(length, 10, 0, G_MAXUINT64, &declared, NULL) &&
        declared > config->max_body)
        return too_large(connection, ex, config->max_body);
    ex->body = g_byte_array_sized_new(declared ? (guint)MIN(declared, 1 << 20) : 4096);
    return MHD_YES;
}

/* The peer of CONNECTION (its socket context), or NULL. */
static ApiPeer *peer_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    Server *server = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *addr =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (fd)
            *socket_context = api_peers_add(server->peers, fd->connect_fd,
                                            addr ? addr->client_addr : NULL,
                                            sizeof(struct sockaddr_storage));
    } else if (*socket_context) {
        api_peers_remove(server->peers, *socket_context);
        *socket_context = NULL;
    }
}

/* The con_cls of a request refused at its request line: not an exchange (the
 * access handler may never be called for it, nor the completion). */
static Exchange refused_at_uri;

/* Called with the request line, before libmicrohttpd parses the query: a query
 * of more parameters than any route takes is refused here, since parsing
 * thousands of them exhausts the connection's memory and libmicrohttpd then
 * answers nothing, and waits. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
    Server *server = cls;
    const char *query = strchr(uri, '?');
    guint params = query ? 1 : 0;
    for (const char *p = query; p && *p; p++)
        params += *p == '&';
    if (params <= API_MAX_QUERY_PARAMS)
        return NULL;
    Exchange ex = {0};
    refuse_now(connection, &ex,
               g_error_new(API_ERROR, API_ERROR_BAD_REQUEST,
                           "%u query parameters: no route takes more than %d", params,
                           API_MAX_QUERY_PARAMS));
    /* The head is not read: the connection is cut off once the answer is out. */
    api_peers_doom(server->peers, peer_of(connection));
    api_metrics_request(server->context->metrics, -1, ex.status, 0);
    return &refused_at_uri;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    Server *server = cls;
    Exchange *ex = *con_cls;
    if (ex == &refused_at_uri) /* answered already, at the request line */
        return MHD_NO;
    if (!ex) {
        *con_cls = ex = g_new0(Exchange, 1);
        g_atomic_int_inc(&server->in_flight);
        ex->start_us = g_get_monotonic_time();
        ex->method = g_strdup(method);
        ex->path = g_strdup(url);
        ex->request.method = ex->method;
        ex->request.path = ex->path;
        api_peers_head_done(server->peers, peer_of(connection));
        return on_headers(server, connection, ex);
    }
    if (*upload_data_size > 0) {
        gsize n = *upload_data_size;
        *upload_data_size = 0; /* consumed, kept or not */
        guint64 max = server->context->config->max_body;
        if (ex->refused) {
            /* Linger: drop what the client still sends, so that closing the
             * socket does not reset the 413 away; stop after as much again. */
            ex->discarded += n;
            return ex->discarded > max ? MHD_NO : MHD_YES;
        }
        if (ex->answered || !ex->body)
            return MHD_YES;
        if ((guint64)ex->body->len + n > max) {
            g_clear_pointer(&ex->body, g_byte_array_unref);
            refuse_body(connection, ex, max);
            return MHD_YES;
        }
        g_byte_array_append(ex->body, (const guint8 *)upload_data, (guint)n);
        return MHD_YES;
    }
    api_peers_body_done(server->peers, peer_of(connection));
    if (ex->refused) /* the 413 is sent: close the connection */
        return MHD_NO;
    if (ex->answered)
        return MHD_YES;
    if (ex->pending) /* decided at the headers */
        return send_response(connection, ex, ex->pending, FALSE);
    if (ex->done) /* the writer ran it and resumed the connection */
        return send_response(connection, ex, &ex->written, FALSE);
    if (ex->queued) /* called again before the writer is done: nothing to do yet */
        return MHD_YES;
    /* Last call: the whole body is in. */
    if (ex->body)
        ex->request.body = g_byte_array_free_to_bytes(g_steal_pointer(&ex->body));
    if (route_writes(ex->request.route))
        return queue_write(server, connection, ex);
    ApiResponse response = {0};
    api_router_run(&ex->request, &response);
    return send_response(connection, ex, &response, FALSE);
}

/* One log line per request on stderr, as JSON; written whole in one call so
 * that lines of different threads never mix. */
static void log_request(const Exchange *ex, double seconds, enum MHD_RequestTerminationCode toe)
{
    /* The method and path are the client's bytes: quoted valid and bounded. */
    g_autofree char *method = defis_quote(ex->method, -1, 32);
    g_autofree char *path = defis_quote(ex->path, -1, 512);
    g_autoptr(json_t) line = json_pack(
        "{s:s, s:s, s:s, s:s?, s:i, s:f, s:I}", "event", "request", "method", method, "path",
        path, "route", ex->request.route ? ex->request.route->pattern : NULL, "status",
        (int)ex->status, "ms", seconds * 1000.0, "bytes", (json_int_t)ex->bytes_out);
    if (!line)
        return;
    json_object_set_new(line, "token", ex->token ? json_integer(ex->token->id) : json_null());
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        json_object_set_new(line, "aborted", json_integer(toe));
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
    if (!text)
        return;
    gsize length = strlen(text);
    text = g_realloc(text, length + 2);
    text[length] = '\n';
    text[length + 1] = '\0';
    gsize done = 0;
    while (done < length + 1) {
        ssize_t n = write(STDERR_FILENO, text + done, length + 1 - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (gsize)n;
    }
    g_free(text);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    Server *server = cls;
    Exchange *ex = *con_cls;
    api_peers_request_done(server->peers, peer_of(connection));
    if (ex == &refused_at_uri)
        *con_cls = NULL;
    if (!ex || ex == &refused_at_uri)
        return;
    *con_cls = NULL;
    double seconds = (double)(g_get_monotonic_time() - ex->start_us) / 1e6;
    api_metrics_request(server->context->metrics,
                        ex->request.route ? (gssize)api_route_index(ex->request.route) : -1,
                        ex->status, seconds);
    if (server->context->config->log_requests)
        log_request(ex, seconds, toe);
    exchange_free(ex);
    g_atomic_int_add(&server->in_flight, -1);
}

/* ---- The daemon ------------------------------------------------------------------------ */

/* Parses "ADDR:PORT" ("[::1]:8080" for IPv6) into a native socket address. */
static gboolean parse_listen(const char *listen, struct sockaddr_storage *addr, gsize *length,
                             gboolean *ipv6, GError **error)
{
    const char *colon = strrchr(listen, ':');
    guint64 port = 0;
    if (!colon || !g_ascii_string_to_unsigned(colon + 1, 10, 0, 65535, &port, NULL)) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "cannot read the address \"%s\": use ADDR:PORT, e.g. 127.0.0.1:8080", listen);
        return FALSE;
    }
    g_autofree char *host = g_strndup(listen, (gsize)(colon - listen));
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(host);
    if (!inet) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "\"%s\" is not an IP address (names are not resolved)", host);
        return FALSE;
    }
    g_autoptr(GSocketAddress) sockaddr = g_inet_socket_address_new(inet, (guint16)port);
    *length = (gsize)g_socket_address_get_native_size(sockaddr);
    *ipv6 = g_inet_address_get_family(inet) == G_SOCKET_FAMILY_IPV6;
    return g_socket_address_to_native(sockaddr, addr, sizeof *addr, error);
}

gboolean api_server_run(const ApiConfig *config, const char *db_path, GError **error)
{
    struct sockaddr_storage addr;
    gsize addr_length = 0;
    gboolean ipv6 = FALSE;
    if (!parse_listen(config->listen, &addr, &addr_length, &ipv6, error))
        return FALSE;

    /* The signals are taken by sigwait below; every thread started from here on
     * inherits the mask, so none of the daemon's threads is interrupted. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);

    Server server = {.context = api_context_new(config, db_path)};
    server.writer = api_writer_start(server.context, error);
    if (!server.writer) {
        api_context_free(server.context);
        pthread_sigmask(SIG_UNBLOCK, &signals, NULL);
        g_prefix_error(error, "cannot open the store: ");
        return FALSE;
    }
    server.peers = api_peers_start(config->header_timeout, config->body_timeout,
                                   config->max_connections, config->connections_per_ip);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME |
                     (ipv6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &server, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        &server, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &server,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, &server, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)config->threads, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)config->max_header,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)config->connection_timeout,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)config->connections_per_ip,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)config->max_connections,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
    if (!daemon) {
        api_peers_stop(server.peers);
        api_writer_stop(server.writer);
        api_context_free(server.context);
        pthread_sigmask(SIG_UNBLOCK, &signals, NULL);
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "cannot listen on %s (in use, or not an address of this machine?)",
                    config->listen);
        return FALSE;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    g_autofree char *host = g_strndup(config->listen, strrchr(config->listen, ':') - config->listen);
    printf("listening on http://%s:%u\n", host, info ? info->port : 0);
    fflush(stdout);

    int signal_number = 0;
    while (sigwait(&signals, &signal_number) != 0)
        ;
    /* Stop accepting, let the requests in flight finish (for at most the
     * connection timeout), then stop the threads and close the stores. */
    g_atomic_int_set(&server.stopping, 1);
    MHD_socket listener = MHD_quiesce_daemon(daemon);
    gint64 deadline = g_get_monotonic_time() + (gint64)config->connection_timeout * G_USEC_PER_SEC;
    while (g_atomic_int_get(&server.in_flight) > 0 && g_get_monotonic_time() < deadline)
        g_usleep(5000);
    const char *name = signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
    gint unfinished = g_atomic_int_get(&server.in_flight);
    if (api_writer_pending(server.writer) > 0) {
        /* A write still runs past the deadline: its connection is suspended, and
         * libmicrohttpd cannot stop with one. Exit now: SQLite rolls its
         * transaction back at the next open, and it was never acknowledged. */
        fprintf(stderr,
                "{\"event\":\"stop\",\"signal\":\"%s\",\"unfinished\":%d,"
                "\"abandoned_writes\":%u}\n",
                name, unfinished, api_writer_pending(server.writer));
        _exit(0);
    }
    api_writer_stop(server.writer);
    MHD_stop_daemon(daemon);
    api_peers_stop(server.peers);
    /* Closed only now: the polling thread removes it from its epoll set after
     * the quiesce, and aborts the process if it was closed under it. */
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    api_context_free(server.context);
    fprintf(stderr, "{\"event\":\"stop\",\"signal\":\"%s\",\"unfinished\":%d}\n", name,
            unfinished);
    /* The signals stay blocked: a second SIGTERM while exiting must not turn a
     * clean stop into a killed process. */
    return TRUE;
}
